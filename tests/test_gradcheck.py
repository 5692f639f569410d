"""Tests of gdcourse.gradcheck: finite differences against known derivatives, and a
checker that can fail."""

import numpy as np
import pytest

from gdcourse.gradcheck import (
    GradCheckResult,
    check_gradients,
    numerical_gradient,
    relative_error,
)
from gdcourse.models import LinearRegression, MLP, SoftmaxRegression

A = np.array([[2.0, -1.0, 0.5], [0.3, 1.0, 0.0], [-0.7, 0.2, 3.0]])


# ----------------------------------------------------------------- numerical_gradient
@pytest.mark.parametrize(
    "f, exact_gradient",
    [
        (lambda t: np.sum(t**3), lambda t: 3 * t**2),
        (lambda t: t @ A @ t, lambda t: (A + A.T) @ t),
        (lambda t: np.log(np.sum(np.exp(t))), lambda t: np.exp(t) / np.sum(np.exp(t))),
        (lambda t: np.sin(t[0]) * t[1] ** 2 + t[2], lambda t: np.array(
            [np.cos(t[0]) * t[1] ** 2, 2 * np.sin(t[0]) * t[1], 1.0])),
    ],
    ids=["cube", "quadratic-form", "log-sum-exp", "mixed"],
)
def test_numerical_gradient_matches_the_exact_derivative(f, exact_gradient):
    theta = np.array([0.3, -1.2, 0.8])
    numeric = numerical_gradient(lambda: f(theta), theta)
    assert isinstance(numeric, np.ndarray)  # a single array in, a single array out
    np.testing.assert_allclose(numeric, exact_gradient(theta), rtol=1e-8, atol=1e-9)


def test_numerical_gradient_of_several_arrays_of_any_shape():
    W = np.arange(6.0).reshape(2, 3) / 7
    b = np.array([0.5, -0.25])
    x = np.array([1.0, -2.0, 0.5])

    def f():
        return float(np.sum((W @ x + b) ** 2))

    dW, db = numerical_gradient(f, [W, b])
    residual = 2 * (W @ x + b)
    np.testing.assert_allclose(dW, np.outer(residual, x), rtol=1e-8)
    np.testing.assert_allclose(db, residual, rtol=1e-8)
    assert dW.shape == W.shape and db.shape == b.shape


def test_central_differences_are_second_order_accurate():
    # For f = t^3 the central difference is exactly 3 t^2 + eps^2: the error shrinks
    # 100-fold when eps shrinks 10-fold (a one-sided difference would shrink 10-fold).
    theta = np.array([1.0])
    errors = [abs(numerical_gradient(lambda: theta[0] ** 3, theta, eps=eps)[0] - 3.0)
              for eps in (1e-2, 1e-3)]
    assert errors[0] == pytest.approx(1e-4, rel=1e-6)
    assert errors[1] == pytest.approx(1e-6, rel=1e-4)


def test_parameters_are_restored_bit_for_bit():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(4, 3)), rng.normal(size=5) * 1e-7]
    before = [p.copy() for p in params]
    ids = [id(p) for p in params]
    numerical_gradient(lambda: sum(np.sum(np.sin(p)) for p in params), params, eps=1e-3)
    assert [id(p) for p in params] == ids
    for p, original in zip(params, before):
        assert np.array_equal(p, original)


def test_parameters_are_restored_when_f_raises():
    theta = np.array([1.0, 2.0])
    calls = []

    def f():
        calls.append(theta.copy())
        if len(calls) == 2:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, theta)
    assert calls[1][0] == 1.0 - 1e-6  # it really was perturbed when f raised...
    assert np.array_equal(theta, [1.0, 2.0])  # ...and is restored


@pytest.mark.parametrize(
    "params, eps, error, match",
    [
        (np.array([1, 2]), 1e-6, TypeError,
         "parameter 0 must be a float NumPy array, got dtype int"),
        ([np.ones(2), [1.0, 2.0]], 1e-6, TypeError,
         "parameter 1 must be a float NumPy array, got list"),
        (np.ones(2), 0.0, ValueError, "eps must be a positive finite number, got 0.0"),
        (np.ones(2), -1e-6, ValueError, "eps must be a positive finite number"),
        (np.ones(2), np.inf, ValueError, "eps must be a positive finite number"),
        (np.ones(2), "1e-6", TypeError, "eps must be a positive number"),
    ],
)
def test_numerical_gradient_refuses_bad_arguments(params, eps, error, match):
    with pytest.raises(error, match=match):
        numerical_gradient(lambda: 0.0, params, eps=eps)


def test_numerical_gradient_refuses_read_only_arrays():
    theta = np.ones(3)
    theta.flags.writeable = False
    with pytest.raises(ValueError, match="parameter 0 is read-only"):
        numerical_gradient(lambda: float(theta.sum()), theta)


def test_f_must_return_one_number():
    theta = np.ones(3)
    with pytest.raises(TypeError, match=r"f\(\) must return a single real number.*shape \(3,\)"):
        numerical_gradient(lambda: theta**2, theta)


# ----------------------------------------------------------------- relative_error
@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([1.0, 2.0], [1.0, 2.0], 0.0),
        ([0.0, 0.0], [0.0, 0.0], 0.0),  # the floor turns 0/0 into 0
        ([1.0, -2.0], [-1.0, 2.0], 2.0),  # a sign flip
        ([1.0], [1.1], 0.1 / 1.1),  # CS231n's |a - b| / max(|a|, |b|) for one number
        ([4.0, 1e-9], [4.0, 2e-9], 1e-9 / 4.0),  # measured against the largest entry
        ([2.0, 0.0], [1.0, 0.5], 1.0 / 2.0),
        ([[1.0, 0.0], [0.0, 3.0]], [[1.0, 0.0], [0.0, 3.3]], 0.3 / 3.3),
    ],
)
def test_relative_error_by_hand(a, b, expected):
    assert relative_error(np.array(a), np.array(b)) == pytest.approx(expected, rel=1e-12)
    assert relative_error(np.array(b), np.array(a)) == pytest.approx(expected, rel=1e-12)


def test_relative_error_needs_equal_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(3, 2\)"):
        relative_error(np.ones((2, 3)), np.ones((3, 2)))


# ----------------------------------------------------------------- check_gradients
def _regression_problem(seed=0):
    rng = np.random.default_rng(seed)
    model = MLP([3, 4, 2], activation="tanh", output="regression", rng=rng)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    return model, X, y


def test_check_gradients_passes_for_a_correct_model():
    model, X, y = _regression_problem()
    result = check_gradients(model, X, y)
    assert isinstance(result, GradCheckResult)
    assert result.passed
    assert result.names == ["W1", "b1", "W2", "b2"]
    assert result.shapes == [(4, 3), (4,), (2, 4), (2,)]
    assert max(result.relative_errors) < 1e-7
    assert all(e > 0 for e in result.relative_errors)  # finite differences are not exact


def test_check_gradients_leaves_the_model_unchanged():
    model, X, y = _regression_problem()
    before = model.copy_params()
    check_gradients(model, X, y)
    for param, original in zip(model.params, before):
        assert np.array_equal(param, original)


class _Buggy:
    """Wraps a model and corrupts one of its gradients, like a learner's bug."""

    def __init__(self, model, corrupt):
        self.model, self.corrupt = model, corrupt
        self.params, self.param_names = model.params, model.param_names

    def loss(self, X, y):
        return self.model.loss(X, y)

    def loss_and_grads(self, X, y):
        loss, grads = self.model.loss_and_grads(X, y)
        return loss, self.corrupt(grads, len(X))


def _scale_largest_entry(array, factor):
    array = array.copy()
    array.flat[np.argmax(np.abs(array))] *= factor
    return array


BUGS = {
    # The sign of the bias gradient flipped: descent goes uphill in b1.
    "sign-flip": lambda g, n: [g[0], -g[1], *g[2:]],
    # Summed over the batch instead of averaged: every gradient n times too large.
    "sum-not-mean": lambda g, n: [n * gi for gi in g],
    # The factor 2 of the squared error forgotten, in the last layer only.
    "missing-factor-2": lambda g, n: [*g[:2], g[2] / 2, g[3] / 2],
    # W2 built as (dz.T @ a).T reshaped back: right shape, wrong entries.
    "transposed": lambda g, n: [g[0], g[1], g[2].T.reshape(g[2].shape), g[3]],
    # The largest entry of dW1 off by 1 %.
    "one-entry": lambda g, n: [_scale_largest_entry(g[0], 1.01), *g[1:]],
}


@pytest.mark.parametrize("bug", list(BUGS))
def test_check_gradients_catches_a_wrong_gradient(bug):
    model, X, y = _regression_problem()
    result = check_gradients(_Buggy(model, BUGS[bug]), X, y)
    assert not result.passed
    assert max(result.relative_errors) > 1e-3  # far above the 1e-6 tolerance
    assert "FAILED" in str(result)


def test_the_table_names_every_parameter_and_the_verdict():
    model, X, y = _regression_problem()
    text = str(check_gradients(_Buggy(model, BUGS["sign-flip"]), X, y))
    lines = text.splitlines()
    assert lines[0].split() == ["parameter", "shape", "relative", "error"]
    assert lines[1].split()[0] == "W1" and lines[1].endswith("ok")
    assert lines[2].split()[0] == "b1" and lines[2].endswith("FAILED")
    assert lines[2].split()[2] == "2.00e+00"  # a sign flip has relative error 2
    assert lines[-1] == "FAILED (rtol=1e-06, atol=1e-08)"
    assert str(check_gradients(model, X, y)).splitlines()[-1] == "passed (rtol=1e-06, atol=1e-08)"


def test_rtol_decides():
    model, X, y = _regression_problem()
    result = check_gradients(model, X, y, rtol=0.0, atol=0.0)
    assert not result.passed  # round-off is never exactly zero
    assert check_gradients(model, X, y, rtol=1e-6, atol=0.0).passed


def test_a_gradient_that_is_zero_up_to_rounding_passes_through_atol():
    # Linear regression on centred features and target: at w = 0 the bias gradient is
    # 2·mean(y) = 0 up to rounding, so its relative error compares noise with noise.
    from gdcourse.models import LinearRegression

    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3))
    X -= X.mean(axis=0)
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=40)
    y -= y.mean()
    model = LinearRegression(3, rng=rng)
    model.params[0][...] = 0.0
    result = check_gradients(model, X, y)
    assert result.relative_errors[1] > 1e-3  # relative error alone would call it a bug
    assert result.passed
    assert not check_gradients(model, X, y, atol=0.0).passed
    # atol does not hide a real bug: a wrong bias gradient of size 1e-3 still fails.
    buggy = _Buggy(model, lambda g, n: [g[0], g[1] + 1e-3])
    assert not check_gradients(buggy, X, y).passed


def test_wrong_number_of_gradients_is_an_error():
    model, X, y = _regression_problem()
    with pytest.raises(ValueError, match="returned 3 gradients, but the model has 4 parameters"):
        check_gradients(_Buggy(model, lambda g, n: g[:3]), X, y)


def test_wrong_gradient_shape_names_the_index_and_both_shapes():
    model, X, y = _regression_problem()
    with pytest.raises(ValueError, match=r"gradient 2 \(W2\) has shape \(4, 2\), but parameter 2 "
                                         r"has shape \(2, 4\)"):
        check_gradients(_Buggy(model, lambda g, n: [g[0], g[1], g[2].T, g[3]]), X, y)


def test_any_object_with_params_and_losses_can_be_checked():
    class Quadratic:
        """f(w) = |w - 1|^2 / 2 with a bug-free gradient; no param_names."""

        def __init__(self):
            self.params = [np.array([3.0, -2.0])]

        def loss(self, X, y):
            return 0.5 * float(np.sum((self.params[0] - 1) ** 2))

        def loss_and_grads(self, X, y):
            return self.loss(X, y), [self.params[0] - 1]

    result = check_gradients(Quadratic(), None, None)
    assert result.passed and result.names == ["param0"]


def test_softmax_regression_at_a_random_point():
    rng = np.random.default_rng(3)
    model = SoftmaxRegression(4, 3, rng=rng)
    model.set_params([rng.normal(size=(3, 4)), rng.normal(size=3)])
    X, y = rng.normal(size=(10, 4)), rng.integers(0, 3, size=10)
    assert check_gradients(model, X, y).max_error < 1e-7


def test_check_gradients_of_linear_regression_at_start():
    rng = np.random.default_rng(4)
    model = LinearRegression(2, rng=rng)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=5)
    result = check_gradients(model, X, y, eps=1e-5)
    assert result.passed and result.max_error < 1e-8
    np.testing.assert_allclose(result.analytic[0], result.numerical[0], rtol=1e-7)
