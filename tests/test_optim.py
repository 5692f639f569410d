"""Independent tests of gdcourse.optim: hand-worked steps, convergence, errors, state."""

import copy
import warnings
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcourse.optim import SGD, Adadelta, Adagrad, Adam, AdamW, NAdam, Optimizer, RMSprop

ALL = [SGD, Adagrad, RMSprop, Adam, AdamW, NAdam, Adadelta]


# ----------------------------------------------------------------- hand-worked steps
def test_sgd_first_step_by_hand():
    theta = np.array([1.0, -2.0])
    SGD([theta], lr=0.1).step([np.array([2.0, -4.0])])
    np.testing.assert_allclose(theta, [0.8, -1.6], rtol=0, atol=1e-15)


def test_sgd_momentum_buffer_starts_at_the_gradient():
    # b1 = g1 (no dampening on the first step), b2 = mu*b1 + (1 - tau)*g2
    theta = np.array([0.0])
    opt = SGD([theta], lr=1.0, momentum=0.9, dampening=0.5)
    opt.step([np.array([1.0])])
    assert theta[0] == pytest.approx(-1.0)
    opt.step([np.array([1.0])])
    assert opt.state[theta]["momentum_buffer"][0] == pytest.approx(0.9 + 0.5)
    assert theta[0] == pytest.approx(-1.0 - 1.4)


def test_sgd_nesterov_by_hand():
    theta = np.array([0.0])
    opt = SGD([theta], lr=0.1, momentum=0.5, nesterov=True)
    opt.step([np.array([2.0])])  # b = 2, step direction g + mu*b = 3
    assert theta[0] == pytest.approx(-0.3)
    opt.step([np.array([2.0])])  # b = 0.5*2 + 2 = 3, direction 2 + 1.5 = 3.5
    assert theta[0] == pytest.approx(-0.3 - 0.35)


@pytest.mark.parametrize("g", [1e-6, 0.3, -7.0, 1e4])
def test_adam_first_step_is_lr_times_sign(g):
    # m1/(1-b1) = g and v1/(1-b2) = g^2: the bias correction makes step 1 = lr*g/(|g|+eps)
    theta = np.array([1.0])
    Adam([theta], lr=0.01, eps=1e-8).step([np.array([g])])
    assert theta[0] == pytest.approx(1.0 - 0.01 * g / (abs(g) + 1e-8), rel=1e-14)


def test_adam_bias_correction_makes_constant_gradient_steps_constant():
    theta = np.array([0.0])
    opt = Adam([theta], lr=0.1, eps=0.0)
    previous = theta.copy()
    for _ in range(20):
        opt.step([np.array([3.0])])
        assert previous[0] - theta[0] == pytest.approx(0.1, rel=1e-12)
        previous = theta.copy()


def test_adam_second_moment_is_uncentered_mean_of_squares():
    # v_t is a running mean of g^2, not a variance: for a constant gradient it is g^2
    # (after bias correction), where a variance would be 0.
    theta = np.array([0.0])
    opt = Adam([theta], betas=(0.9, 0.99))
    for _ in range(50):
        opt.step([np.array([2.0])])
    v = opt.state[theta]["exp_avg_sq"][0]
    assert v / (1 - 0.99**50) == pytest.approx(4.0, rel=1e-12)


def test_amsgrad_keeps_the_running_maximum():
    theta = np.array([0.0])
    opt = Adam([theta], amsgrad=True, betas=(0.0, 0.5))
    opt.step([np.array([4.0])])
    opt.step([np.array([0.0])])
    state = opt.state[theta]
    assert state["exp_avg_sq"][0] == pytest.approx(4.0)  # 0.5 * (0.5 * 16)
    assert state["max_exp_avg_sq"][0] == pytest.approx(8.0)


def test_adamw_decays_weights_before_the_adam_step():
    theta = np.array([2.0])
    AdamW([theta], lr=0.1, weight_decay=0.5, eps=0.0).step([np.array([1.0])])
    assert theta[0] == pytest.approx(2.0 * (1 - 0.05) - 0.1, rel=1e-14)


def test_adam_l2_weight_decay_goes_through_the_gradient():
    theta = np.array([2.0])
    Adam([theta], lr=0.1, weight_decay=0.5, eps=0.0).step([np.array([1.0])])
    # g = 1 + 0.5*2 = 2 > 0, so the first step is exactly -lr
    assert theta[0] == pytest.approx(1.9, rel=1e-14)


def test_rmsprop_first_step_is_ten_times_lr():
    # v1 = (1 - 0.99) g^2, so g/sqrt(v1) = 1/sqrt(0.01) = 10: no bias correction.
    theta = np.array([0.0])
    RMSprop([theta], lr=0.01, eps=0.0).step([np.array([5.0])])
    assert theta[0] == pytest.approx(-0.1, rel=1e-12)


def test_adagrad_steps_by_hand():
    theta = np.array([0.0])
    opt = Adagrad([theta], lr=1.0, lr_decay=0.5, eps=0.0)
    opt.step([np.array([3.0])])  # G = 9, step 1 * 3/3
    assert theta[0] == pytest.approx(-1.0)
    opt.step([np.array([4.0])])  # G = 25, lr_2 = 1/1.5, step (1/1.5) * 4/5
    assert theta[0] == pytest.approx(-1.0 - 0.8 / 1.5)


def test_nadam_first_step_by_hand():
    b1, b2, psi, lr, eps, g = 0.9, 0.999, 4e-3, 0.002, 1e-8, 0.5
    mu1 = b1 * (1 - 0.5 * 0.96 ** (1 * psi))
    mu2 = b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    m, v = (1 - b1) * g, (1 - b2) * g * g
    denom = math.sqrt(v / (1 - b2)) + eps
    expected = -lr * (1 - mu1) / (1 - mu1) * g / denom - lr * mu2 / (1 - mu1 * mu2) * m / denom
    theta = np.array([0.0])
    NAdam([theta]).step([np.array([g])])
    assert theta[0] == pytest.approx(expected, rel=1e-13)


def test_adadelta_first_step_by_hand():
    rho, eps, g = 0.9, 1e-6, 2.0
    v = (1 - rho) * g * g
    delta = math.sqrt(eps) / math.sqrt(v + eps) * g
    theta = np.array([0.0])
    opt = Adadelta([theta])
    opt.step([np.array([g])])
    assert theta[0] == pytest.approx(-delta, rel=1e-14)
    assert opt.state[theta]["acc_delta"][0] == pytest.approx((1 - rho) * delta**2)


# ----------------------------------------------------------------- convergence table
def ill_conditioned_quadratic(condition=100.0, angle=0.5):
    """f(x) = 1/2 x^T A x with eigenvalues 1 and `condition`, rotated; minimum at 0."""
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    A = rotation @ np.diag([1.0, condition]) @ rotation.T
    return (lambda x: 0.5 * x @ A @ x), (lambda x: A @ x), np.zeros(2)


def rosenbrock():
    """(1 - x)^2 + 100 (y - x^2)^2; minimum at (1, 1)."""
    f = lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2  # noqa: E731
    grad = lambda p: np.array([  # noqa: E731
        -2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] ** 2),
        200 * (p[1] - p[0] ** 2),
    ])
    return f, grad, np.array([1.0, 1.0])


PROBLEMS = {
    "quadratic": (ill_conditioned_quadratic, np.array([1.0, 1.0])),
    "rosenbrock": (rosenbrock, np.array([-1.2, 1.0])),
}

# (optimizer, kwargs, problem, steps, tolerance on the distance to the minimum)
CONVERGENCE = [
    (SGD, dict(lr=0.015), "quadratic", 1000, 1e-6),
    (SGD, dict(lr=0.01, momentum=0.8), "quadratic", 500, 1e-12),
    (SGD, dict(lr=0.01, momentum=0.8, nesterov=True), "quadratic", 500, 1e-12),
    (Adagrad, dict(lr=0.5), "quadratic", 1000, 1e-6),
    # A fixed-rate RMSprop step has size ~lr even near the minimum: it hovers there.
    (RMSprop, dict(lr=0.01), "quadratic", 1000, 3e-2),
    (RMSprop, dict(lr=0.001, momentum=0.9, centered=True), "quadratic", 2000, 2e-3),
    (Adam, dict(lr=0.05), "quadratic", 1000, 1e-10),
    (Adam, dict(lr=0.05, amsgrad=True), "quadratic", 1000, 1e-10),
    (AdamW, dict(lr=0.05, weight_decay=0.0), "quadratic", 1000, 1e-10),
    (NAdam, dict(lr=0.05), "quadratic", 1000, 1e-10),
    # Near a minimum Adadelta's rate is about lr * sqrt((u + eps) / eps) >= lr, so on
    # curvature 100 it needs lr < 2/100 to be stable (lr=1.0 drifts away).
    (Adadelta, dict(lr=0.015, eps=1e-3), "quadratic", 2000, 1e-6),
    (SGD, dict(lr=1e-3, momentum=0.9), "rosenbrock", 5000, 1e-6),
    (SGD, dict(lr=1e-3, momentum=0.9, nesterov=True), "rosenbrock", 5000, 1e-6),
    (Adagrad, dict(lr=0.5), "rosenbrock", 5000, 5e-2),
    (RMSprop, dict(lr=1e-3), "rosenbrock", 5000, 6e-2),
    (Adam, dict(lr=0.02), "rosenbrock", 5000, 1e-6),
    (Adam, dict(lr=0.02, amsgrad=True), "rosenbrock", 5000, 2e-2),
    (NAdam, dict(lr=0.02), "rosenbrock", 5000, 2e-2),
    (Adadelta, dict(lr=0.01, eps=1e-4), "rosenbrock", 8000, 1e-1),
]


@pytest.mark.parametrize("cls,kwargs,problem,steps,tol", CONVERGENCE,
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_reaches_the_known_minimum(cls, kwargs, problem, steps, tol):
    make, start = PROBLEMS[problem]
    f, grad, minimum = make()
    theta = start.copy()
    opt = cls([theta], **kwargs)
    for _ in range(steps):
        opt.step([grad(theta)])
    assert np.linalg.norm(theta - minimum) < tol
    assert f(theta) < f(start)


def test_plain_gd_diverges_just_above_two_over_L():
    # On a quadratic with largest curvature L, GD converges iff lr < 2/L.
    f, grad, _ = ill_conditioned_quadratic(condition=100.0)
    for lr, converges in [(0.0199, True), (0.0201, False)]:
        theta = np.array([1.0, 1.0])
        opt = SGD([theta], lr=lr)
        for _ in range(3000):
            opt.step([grad(theta)])
        assert (f(theta) < 1e-6) == converges, lr


# ----------------------------------------------------------------- errors
HYPERPARAMETER_ERRORS = [
    (SGD, dict(lr=-0.1), "Invalid learning rate: -0.1"),
    (SGD, dict(lr=float("nan")), "Invalid learning rate: nan"),
    (SGD, dict(lr=float("inf")), "Invalid learning rate: inf"),
    (SGD, dict(momentum=-0.5), "Invalid momentum value: -0.5"),
    (SGD, dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    (SGD, dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (SGD, dict(nesterov=True, momentum=0.9, dampening=0.1),
     "Nesterov momentum requires a momentum and zero dampening"),
    (Adam, dict(lr=-1e-3), "Invalid learning rate: -0.001"),
    (Adam, dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (Adam, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (Adam, dict(betas=(0.9, -0.1)), r"Invalid beta parameter at index 1: -0.1"),
    (Adam, dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (AdamW, dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (NAdam, dict(momentum_decay=-1), "Invalid momentum_decay value: -1"),
    (Adagrad, dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    (Adagrad, dict(initial_accumulator_value=-1),
     "Invalid initial_accumulator_value value: -1"),
    (Adagrad, dict(eps=-1), "Invalid epsilon value: -1"),
    (RMSprop, dict(alpha=-0.1), "Invalid alpha value: -0.1"),
    (RMSprop, dict(momentum=-0.1), "Invalid momentum value: -0.1"),
    (Adadelta, dict(rho=1.5), "Invalid rho value: 1.5"),
]


@pytest.mark.parametrize("cls,kwargs,message", HYPERPARAMETER_ERRORS,
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_invalid_hyperparameters_raise_torch_message(cls, kwargs, message):
    with pytest.raises(ValueError) as error:
        cls([np.zeros(2)], **kwargs)
    assert str(error.value) == message


@pytest.mark.parametrize("cls", ALL)
def test_invalid_group_hyperparameter_is_rejected_too(cls):
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        cls([{"params": [np.zeros(2)]}, {"params": [np.zeros(2)], "lr": -1}])


def test_non_number_hyperparameter_is_a_type_error():
    with pytest.raises(TypeError, match="lr must be a real number, but got '0.1'"):
        SGD([np.zeros(2)], lr="0.1")


PARAM_ERRORS = [
    (np.zeros(3), TypeError, "should be an iterable of arrays or dicts, but got a float64"),
    ([], ValueError, "optimizer got an empty parameter list"),
    ([[1.0, 2.0]], TypeError, "parameter 0 is a list"),
    ([np.zeros(2), 3.0], TypeError, "parameter 1 is a float"),
    ([np.zeros(2), np.arange(3)], TypeError,
     r"floating-point arrays .* parameter 1 is a int64 array of shape \(3,\)"),
    ({np.float64(1.0)}, TypeError, "ordered collections"),
    ([{"params": {np.float64(1.0)}}], TypeError, "ordered collections"),
]


@pytest.mark.parametrize("params,error,message", PARAM_ERRORS)
def test_bad_params_are_named(params, error, message):
    with pytest.raises(error, match=message):
        SGD(params, lr=0.1)


def test_read_only_parameter_is_rejected():
    w = np.zeros(3)
    w.flags.writeable = False
    with pytest.raises(ValueError, match="parameter 0 is a read-only array"):
        SGD([w])


def test_duplicate_and_shared_parameters_are_rejected():
    w = np.zeros(3)
    with pytest.raises(ValueError, match="duplicate parameters"):
        SGD([w, w])
    with pytest.raises(ValueError, match="more than one parameter group"):
        SGD([{"params": [w]}, {"params": [w]}])


def test_wrong_number_of_gradients_names_the_counts():
    opt = SGD([np.zeros(2), np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match=r"expected 2 gradients .* but got 1"):
        opt.step([np.zeros(2)])
    with pytest.raises(ValueError, match=r"expected 2 gradients .* but got 1"):
        opt.step(np.zeros(2))


def test_wrong_gradient_shape_names_index_and_shapes():
    opt = SGD([np.zeros(2), np.zeros((3, 4))], lr=0.1)
    with pytest.raises(ValueError,
                       match=r"gradient 1 has shape \(4, 3\), but parameter 1 has shape \(3, 4\)"):
        opt.step([np.zeros(2), np.zeros((4, 3))])


def test_gradient_of_wrong_type_names_index():
    opt = SGD([np.zeros(2)], lr=0.1)
    with pytest.raises(TypeError, match="gradient 0 must be a real-valued array"):
        opt.step([np.array(["a", "b"])])
    with pytest.raises(TypeError, match="list of gradients"):
        opt.step(3.0)


def test_failed_step_changes_nothing():
    w1, w2 = np.ones(2), np.ones(3)
    opt = Adam([w1, w2])
    with pytest.raises(ValueError):
        opt.step([np.ones(2), np.ones(4)])
    np.testing.assert_array_equal(w1, 1.0)
    assert len(opt.state) == 0


# ----------------------------------------------------------------- semantics
def test_update_is_in_place():
    w = np.array([1.0, 2.0])
    view = w[:]
    SGD([w], lr=0.5).step([np.array([1.0, 1.0])])
    np.testing.assert_array_equal(view, [0.5, 1.5])


def test_gradient_array_is_not_modified():
    w = np.array([1.0, 2.0])
    g = np.array([0.5, -0.5])
    for cls in ALL:
        opt = cls([w], weight_decay=0.1)
        for _ in range(3):
            opt.step([g])
        np.testing.assert_array_equal(g, [0.5, -0.5])


def test_single_array_gradient_for_single_parameter():
    a, b = np.array([1.0, 1.0]), np.array([1.0, 1.0])
    SGD([a], lr=0.1).step(np.array([1.0, 2.0]))
    SGD([b], lr=0.1).step([np.array([1.0, 2.0])])
    np.testing.assert_array_equal(a, b)


def test_param_groups_use_their_own_learning_rate():
    w1, w2 = np.ones(2), np.ones(2)
    opt = SGD([{"params": [w1]}, {"params": [w2], "lr": 0.01}], lr=0.1)
    opt.step([np.ones(2), np.ones(2)])
    np.testing.assert_allclose(w1, 0.9)
    np.testing.assert_allclose(w2, 0.99)
    assert opt.param_groups[1]["momentum"] == 0


def test_add_param_group():
    w1, w2 = np.ones(2), np.ones(1)
    opt = Adam([w1], lr=0.1)
    opt.add_param_group({"params": w2, "lr": 0.5})
    opt.step([np.ones(2), np.ones(1)])
    assert w2[0] == pytest.approx(0.5)
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)


def test_none_gradient_skips_parameter_and_its_state():
    w1, w2 = np.ones(2), np.ones(2)
    opt = Adam([w1, w2], lr=0.1)
    opt.step([np.ones(2), None])
    np.testing.assert_array_equal(w2, 1.0)
    assert w2 not in opt.state and w1 in opt.state


@pytest.mark.parametrize("cls", ALL)
def test_maximize_equals_minimizing_the_negative(cls):
    a, b = np.array([0.3, -1.0]), np.array([0.3, -1.0])
    up, down = cls([a], maximize=True), cls([b])
    rng = np.random.default_rng(3)
    for _ in range(10):
        g = rng.standard_normal(2)
        up.step([g])
        down.step([-g])
    np.testing.assert_allclose(a, b, rtol=1e-15)


def test_nan_gradient_propagates_like_torch():
    w = np.ones(2)
    SGD([w], lr=0.1).step([np.array([np.nan, 1.0])])
    assert np.isnan(w[0]) and w[1] == pytest.approx(0.9)


def test_float32_parameters_stay_float32():
    w = np.ones(3, dtype=np.float32)
    opt = Adam([w])
    opt.step([np.ones(3)])
    assert w.dtype == np.float32
    assert opt.state[w]["exp_avg"].dtype == np.float32


def test_state_is_keyed_by_the_array_itself():
    w1, w2 = np.zeros(2), np.zeros(2)  # equal values, different arrays
    opt = Adam([w1, w2])
    opt.step([np.ones(2), np.ones(2) * 2])
    assert opt.state[w1]["exp_avg"][0] == pytest.approx(0.1)
    assert opt.state[w2]["exp_avg"][0] == pytest.approx(0.2)
    assert [p is w1 or p is w2 for p in opt.state] == [True, True]
    with pytest.raises(KeyError):
        opt.state[np.zeros(2)]


def test_repr_lists_groups_and_hyperparameters():
    text = repr(SGD([np.zeros(1)], lr=0.1, momentum=0.9))
    assert text.startswith("SGD (") and "Parameter Group 0" in text
    assert "    momentum: 0.9" in text


# ----------------------------------------------------------------- state_dict
def run(opt, params, grads):
    for g in grads:
        opt.step(g)
    return [p.copy() for p in params]


OPTIONS = [
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    (Adagrad, dict(lr=0.1, lr_decay=0.1)),
    (RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (Adam, dict(lr=0.01, amsgrad=True)),
    (AdamW, dict(lr=0.01)),
    (NAdam, dict(lr=0.01)),
    (Adadelta, dict()),
]


@pytest.mark.parametrize("cls,kwargs", OPTIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_save_restore_continue_equals_never_stopping(cls, kwargs):
    rng = np.random.default_rng(7)
    grads = [[rng.standard_normal((2, 3)), rng.standard_normal(4)] for _ in range(20)]

    params = [np.ones((2, 3)), np.ones(4)]
    opt = cls([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}], **kwargs)
    uninterrupted = run(opt, params, grads)

    params = [np.ones((2, 3)), np.ones(4)]
    opt = cls([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}], **kwargs)
    run(opt, params, grads[:10])
    saved = opt.state_dict()
    saved_params = [p.copy() for p in params]
    frozen = copy.deepcopy(saved)
    run(opt, params, grads[10:])  # training goes on: the saved state must not change
    for index, state in saved["state"].items():
        for key, value in state.items():
            np.testing.assert_array_equal(value, frozen["state"][index][key])

    restored_params = [p.copy() for p in saved_params]
    restored = cls([{"params": restored_params[:1]}, {"params": restored_params[1:]}])
    restored.load_state_dict(saved)
    assert restored.param_groups[1]["lr"] == 0.05
    resumed = run(restored, restored_params, grads[10:])
    for a, b in zip(uninterrupted, resumed):
        np.testing.assert_array_equal(a, b)


def test_state_dict_layout():
    w1, w2 = np.ones(2), np.ones(3)
    opt = Adam([{"params": [w1]}, {"params": [w2], "lr": 0.5}])
    opt.step([np.ones(2), np.ones(3)])
    saved = opt.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0], [1]]
    assert saved["param_groups"][1]["lr"] == 0.5
    assert set(saved["state"][1]) == {"step", "exp_avg", "exp_avg_sq"}
    assert saved["state"][1]["step"] == 1


def test_load_state_dict_checks_layout():
    saved = Adam([np.ones(2), np.ones(3)]).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        Adam([{"params": [np.ones(2)]}, {"params": [np.ones(3)]}]).load_state_dict(saved)
    with pytest.raises(ValueError, match="doesn't match the size"):
        Adam([np.ones(2)]).load_state_dict(saved)
    opt = Adam([np.ones(2)])
    opt.step([np.ones(2)])
    with pytest.raises(ValueError, match=r"parameter 0 has shape \(2,\)"):
        Adam([np.ones(5)]).load_state_dict(opt.state_dict())


def test_loaded_state_is_a_copy():
    w = np.ones(2)
    opt = SGD([w], lr=0.1, momentum=0.9)
    opt.step([np.ones(2)])
    saved = opt.state_dict()
    other = SGD([np.ones(2)], lr=0.1, momentum=0.9)
    other.load_state_dict(saved)
    other.step([np.ones(2)])
    np.testing.assert_array_equal(saved["state"][0]["momentum_buffer"], 1.0)


# ----------------------------------------------------------------- properties
finite = st.floats(-1e3, 1e3, allow_nan=False)
# Non-zero and with a representable square, so that Adam without eps never divides 0/0.
nonzero = st.floats(1e-100, 1e3) | st.floats(-1e3, -1e-100)


@settings(deadline=None, max_examples=50)
@given(st.lists(st.lists(finite, min_size=3, max_size=3), min_size=1, max_size=8),
       st.floats(1e-4, 1.0), st.floats(0.0, 0.5))
def test_momentum_zero_is_plain_sgd(grads, lr, weight_decay):
    a, b = np.ones(3), np.ones(3)
    opt = SGD([a], lr=lr, momentum=0.0, dampening=0.3, weight_decay=weight_decay)
    for g in grads:
        g = np.array(g)
        opt.step([g])
        b -= lr * (g + weight_decay * b)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=50)
@given(st.lists(st.lists(nonzero, min_size=2, max_size=2), min_size=1, max_size=8),
       st.floats(1e-3, 1e3))
def test_adam_without_eps_ignores_the_gradient_scale(grads, scale):
    a, b = np.zeros(2), np.zeros(2)
    plain, scaled = Adam([a], lr=0.1, eps=0.0), Adam([b], lr=0.1, eps=0.0)
    for g in grads:
        g = np.array(g)
        plain.step([g])
        scaled.step([scale * g])
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@settings(deadline=None, max_examples=30)
@given(st.lists(st.lists(finite, min_size=2, max_size=2), min_size=1, max_size=10))
def test_adagrad_effective_rate_never_grows(grads):
    w = np.zeros(2)
    opt = Adagrad([w], lr=0.1)
    previous = np.zeros(2)
    for g in grads:
        opt.step([np.array(g)])
        accumulated = opt.state[w]["sum"].copy()
        assert np.all(accumulated >= previous)
        previous = accumulated


def test_every_optimizer_subclasses_optimizer():
    assert all(issubclass(cls, Optimizer) for cls in ALL)
    # the base class alone has no update rule
    with pytest.raises(NotImplementedError):
        Optimizer([np.zeros(1)], {"lr": 0.1}).step([np.zeros(1)])


# ----------------------------------------------------------------- large parameters
BLOCKWISE = [
    (SGD, dict(lr=0.1)),
    (SGD, dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.1)),  # buffer = g at t=1
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    (Adagrad, dict(lr_decay=0.1, initial_accumulator_value=0.1)),
    (RMSprop, dict(momentum=0.9, centered=True)),
    (Adam, dict(amsgrad=True, weight_decay=0.1)),
    (AdamW, dict()),
    (NAdam, dict(decoupled_weight_decay=True, weight_decay=0.1)),
    (Adadelta, dict(weight_decay=0.1)),
]


@pytest.mark.parametrize("cls,kwargs", BLOCKWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_large_parameter_equals_the_same_update_in_small_pieces(cls, kwargs):
    # Large arrays are updated block by block (for cache efficiency); the result must be
    # bitwise that of updating each element on its own.
    from gdcourse.optim.optimizer import _BLOCK_SIZE

    rng = np.random.default_rng(11)
    shape = (3, _BLOCK_SIZE + 7)  # several blocks, the last one partial
    large = rng.standard_normal(shape)
    pieces = [row.copy() for row in np.array_split(large.ravel(), 37)]
    big_opt, small_opt = cls([large], **kwargs), cls(pieces, **kwargs)
    for step in range(4):
        g = rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 3, size=shape)
        big_opt.step([g])
        small_opt.step(np.array_split(g.ravel(), 37))
        np.testing.assert_array_equal(large.ravel(), np.concatenate(pieces), err_msg=str(step))
    for key, value in big_opt.state[large].items():
        expected = [small_opt.state[p][key] for p in pieces]
        if isinstance(value, np.ndarray):
            assert value.shape == shape
            np.testing.assert_array_equal(value.ravel(), np.concatenate(expected))
        else:
            assert all(value == e for e in expected), key


def test_momentum_switched_on_later_creates_its_buffer_for_large_parameters():
    # A scheduler may turn RMSprop's momentum on mid-run (CyclicLR does); the buffer is
    # then created at full size, not per block.
    from gdcourse.optim.optimizer import _BLOCK_SIZE

    w = np.ones(2 * _BLOCK_SIZE + 1)
    opt = RMSprop([w], lr=0.01)
    opt.step([np.ones_like(w)])
    opt.param_groups[0]["momentum"] = 0.9
    opt.step([np.ones_like(w)])
    assert opt.state[w]["momentum_buffer"].shape == w.shape
    assert np.all(opt.state[w]["momentum_buffer"] == opt.state[w]["momentum_buffer"][0])


@pytest.mark.parametrize("how", ["loaded", "written"])
@pytest.mark.parametrize("cls,kwargs", BLOCKWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_state_in_another_memory_order_resumes_exactly(cls, kwargs, how):
    # A state for a large parameter, in Fortran order (e.g. saved from a transposed
    # array, or set by hand): the block-wise update must update it, not a reshaped copy.
    from gdcourse.optim.optimizer import _BLOCK_SIZE

    rng = np.random.default_rng(5)
    shape = (3, _BLOCK_SIZE + 7)
    start = rng.standard_normal(shape)
    grads = [rng.standard_normal(shape) for _ in range(4)]
    w = start.copy()
    uninterrupted = cls([w], **kwargs)
    for g in grads:
        uninterrupted.step([g])

    w2 = start.copy()
    first = cls([w2], **kwargs)
    for g in grads[:2]:
        first.step([g])
    saved = first.state_dict()
    for state in saved["state"].values():
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                state[key] = np.asfortranarray(value)
    resumed = cls([w2], **kwargs)
    if how == "loaded":
        resumed.load_state_dict(saved)
    else:
        resumed.state[w2] = saved["state"][0]
    for g in grads[2:]:
        resumed.step([g])
    np.testing.assert_array_equal(w2, w)
    for key, value in uninterrupted.state[w].items():
        np.testing.assert_array_equal(resumed.state[w2][key], value, err_msg=key)


def test_a_bad_later_group_loads_nothing():
    w1, w2 = np.ones(2), np.ones(3)
    opt = Adam([{"params": [w1], "lr": 0.1}, {"params": [w2], "lr": 0.2}])
    opt.step([np.ones(2), np.ones(3)])
    saved = opt.state_dict()
    saved["param_groups"][0]["lr"] = 0.5
    saved["param_groups"][1]["betas"] = (0.9, 1.5)          # invalid, in the last group
    saved["state"][0]["exp_avg"] = np.full(2, 7.0)
    before_groups = [dict(g) for g in opt.param_groups]
    before_state = {k: v.copy() if isinstance(v, np.ndarray) else v
                    for k, v in opt.state[w1].items()}
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        opt.load_state_dict(saved)
    assert [dict(g) for g in opt.param_groups] == before_groups
    for key, value in before_state.items():
        np.testing.assert_array_equal(opt.state[w1][key], value)


# Non-finite and huge gradients, float16 parameters: the same numbers as PyTorch (the
# parity tests), and no NumPy warning leaks to the learner (issue 12).
@pytest.mark.parametrize("cls,kwargs", OPTIONS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("grad, dtype", [
    ([np.inf, -np.inf, 1.0], np.float64),
    ([np.nan, 1.0, 0.0], np.float64),
    ([1e300, -1e300, 1e-300], np.float64),
    ([300.0, -6e4, 1e-8], np.float16),
])
def test_steps_with_extreme_gradients_raise_no_warning(cls, kwargs, grad, dtype):
    w = np.ones(3, dtype=dtype)
    opt = cls([w], **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            opt.step([np.array(grad, dtype=dtype)])
    assert w.dtype == dtype


def test_nesterov_is_the_constant_step_scheme_in_y():
    # With constant lr and momentum, SGD(nesterov=True) is Nesterov's constant-step scheme
    # x_t = y_{t-1} - lr * grad(y_{t-1}), y_t = x_t + mu (x_t - x_{t-1}), with theta_t = y_t.
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    lr, mu = 0.2, 0.6
    theta = np.array([1.0, -2.0])
    opt = SGD([theta], lr=lr, momentum=mu, nesterov=True)
    x, y = theta.copy(), theta.copy()
    for _ in range(25):
        opt.step([A @ theta])
        x_new = y - lr * (A @ y)
        x, y = x_new, x_new + mu * (x_new - x)
        np.testing.assert_allclose(theta, y, rtol=1e-12, atol=1e-15)
