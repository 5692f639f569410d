"""The optimizer exercises' references agree with gdcourse.optim and torch.optim."""

import numpy as np
import pytest

from gdcourse.exercises import optimizers as ex
from gdcourse.optim import SGD, Adam, RMSprop
from gdcourse.optim.lr_scheduler import StepLR


def _gradients(steps, shape=(3,), seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) * 10.0 ** rng.integers(-3, 2) for _ in range(steps)]


def test_momentum_reference_matches_gdcourse_sgd():
    grads = _gradients(8)
    theta_ref, velocity = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    theta = theta_ref.copy()
    opt = SGD([theta], lr=0.05, momentum=0.9)
    for g in grads:
        theta_ref, velocity = ex._momentum_step(theta_ref, velocity, g, 0.05, 0.9)
        opt.step([g.copy()])
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(velocity, opt.state[theta]["momentum_buffer"], rtol=1e-12)


def test_momentum_forms_agree_with_constant_lr_and_differ_with_a_schedule():
    grads = _gradients(6)
    a, va = np.ones(3), np.zeros(3)
    b, vb = np.ones(3), np.zeros(3)
    for g in grads:
        a, va = ex._momentum_step(a, va, g, 0.1, 0.9)
        b, vb = ex._lr_inside(b, vb, g, 0.1, 0.9)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(0.1 * va, vb, rtol=1e-12)
    for g in grads:  # now the rate drops to 0.01: the forms part ways
        a, va = ex._momentum_step(a, va, g, 0.01, 0.9)
        b, vb = ex._lr_inside(b, vb, g, 0.01, 0.9)
    assert not np.allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("amsgrad", [False])
def test_adam_reference_matches_gdcourse_adam(amsgrad):
    grads = _gradients(10)
    theta_ref, m, v = np.array([1.0, -2.0, 0.5]), np.zeros(3), np.zeros(3)
    theta = theta_ref.copy()
    opt = Adam([theta], lr=0.01, betas=(0.8, 0.99), eps=1e-6, amsgrad=amsgrad)
    for t, g in enumerate(grads, start=1):
        theta_ref, m, v = ex._adam_step(theta_ref, g, m, v, t, lr=0.01, beta1=0.8,
                                        beta2=0.99, eps=1e-6)
        opt.step([g.copy()])
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(m, opt.state[theta]["exp_avg"], rtol=1e-12)
        np.testing.assert_allclose(v, opt.state[theta]["exp_avg_sq"], rtol=1e-12)


def test_adam_first_step_is_lr_times_sign_of_gradient():
    # Bias correction at t = 1: m̂ = g and v̂ = g², so the step is η g / (|g| + ε).
    g = np.array([3.0, -0.02, 1e3])
    theta, m, v = ex._adam_step(np.zeros(3), g, np.zeros(3), np.zeros(3), 1, lr=0.1,
                                eps=0.0)
    np.testing.assert_allclose(theta, -0.1 * np.sign(g), rtol=1e-14)
    np.testing.assert_allclose(m / (1 - 0.9), g, rtol=1e-14)
    np.testing.assert_allclose(v / (1 - 0.999), g**2, rtol=1e-12)


def test_references_match_torch():
    torch = pytest.importorskip("torch")
    grads = _gradients(10)
    start = np.array([1.0, -2.0, 0.5])
    # momentum
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.1)
    theta, velocity = start.copy(), np.zeros(3)
    for step, g in enumerate(grads):
        lr = 0.1 * 0.1 ** (step // 4)
        theta, velocity = ex._momentum_step(theta, velocity, g, lr, 0.9)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        sched.step()
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-12, atol=1e-15)
    # Adam
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    theta, m, v = start.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        theta, m, v = ex._adam_step(theta, g, m, v, t, lr=0.01)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-10, atol=1e-14)


def test_gdcourse_momentum_with_a_schedule_is_pytorchs_form():
    # With a schedule, gdcourse's SGD follows the reference (η outside the velocity).
    grads = _gradients(8)
    theta_ref, velocity = np.ones(3), np.zeros(3)
    theta = theta_ref.copy()
    opt = SGD([theta], lr=0.1, momentum=0.9)
    sched = StepLR(opt, step_size=3, gamma=0.5)
    for step, g in enumerate(grads):
        theta_ref, velocity = ex._momentum_step(theta_ref, velocity, g,
                                                opt.param_groups[0]["lr"], 0.9)
        opt.step([g.copy()])
        sched.step()
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-12)


def test_eps_case_separates_inside_from_outside():
    case = ex.ADAM_STEP.cases[2]
    ref = case.run(ex._adam_step)[0]
    inside = case.run(ex._adam_variant(eps_inside=True))[0]
    assert np.all(np.abs(ref - 0.5) > 5 * np.abs(inside - 0.5))


def test_rmsprop_reference_matches_gdcourse_and_torch():
    grads = _gradients(8)
    theta_ref, v = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    theta = theta_ref.copy()
    opt = RMSprop([theta], lr=0.01, alpha=0.9, eps=1e-6)
    for g in grads:
        theta_ref, v = ex._rmsprop_step(theta_ref, g, v, lr=0.01, alpha=0.9, eps=1e-6)
        opt.step([g.copy()])
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(v, opt.state[theta]["square_avg"], rtol=1e-12)
    torch = pytest.importorskip("torch")
    p = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    topt = torch.optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-6)
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
    np.testing.assert_allclose(theta_ref, p.detach().numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("t", [1, 3, 50])
def test_efficient_version_is_the_reference_with_eps_divided(t):
    # Kingma & Ba, end of section 2: eta_t = eta sqrt(1 - beta2^t) / (1 - beta1^t) and
    # eps-hat added to sqrt(v_t) equal Algorithm 1 with eps = eps-hat / sqrt(1 - beta2^t).
    rng = np.random.default_rng(t)
    theta, g = rng.normal(size=4), rng.normal(size=4) * 1e-5
    m, v = rng.normal(size=4) * 1e-5, rng.uniform(size=4) * 1e-10
    efficient = ex._efficient_version(theta, g, m, v, t, lr=0.01, eps=1e-8)
    divided = ex._adam_step(theta, g, m, v, t, lr=0.01, eps=1e-8 / np.sqrt(1 - 0.999**t))
    for a, b in zip(efficient, divided):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert not np.allclose(efficient[0], ex._adam_step(theta, g, m, v, t, lr=0.01)[0],
                           rtol=1e-6)


# =============================================================================
# Wrong and right answers, written from the statements of chapter 5
# =============================================================================
from _exercise_variants import Right, Wrong, assert_right, assert_wrong, parameters  # noqa: E402

from gdcourse.exercises import EXERCISES  # noqa: E402


def _mom(new_buf, new_theta=lambda theta, buf, grad, lr, mu: theta - lr * buf, order=1):
    def momentum_step(theta, buf, grad, lr, momentum):
        b = new_buf(buf, grad, lr, momentum)
        out = new_theta(theta, b, grad, lr, momentum), b
        return out[::order]
    return momentum_step


def _mom_in_place(theta, buf, grad, lr, momentum):
    buf *= momentum
    buf += grad
    theta -= lr * buf
    return theta, buf


def _mom_old_buffer(theta, buf, grad, lr, momentum):
    return theta - lr * buf, momentum * buf + grad


def _mom_returns_old_buffer(theta, buf, grad, lr, momentum):
    return theta - lr * (momentum * buf + grad), buf


def _rms(v_of=lambda v, g, a: a * v + (1 - a) * g ** 2,
         denom=lambda v, eps: np.sqrt(v) + eps, step_v=None, ret_old=False, sign=1.0):
    def rmsprop_step(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
        new_v = v_of(v, grad, alpha)
        used = new_v if step_v is None else v
        with np.errstate(all="ignore"):
            return theta - sign * lr * grad / denom(used, eps), (v if ret_old else new_v)
    return rmsprop_step


def _rms_in_place(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v *= alpha
    v += (1 - alpha) * grad * grad
    theta -= lr * grad / (np.sqrt(v) + eps)
    return theta, v


def _adam(m_of=lambda m, g, b1: b1 * m + (1 - b1) * g,
          v_of=lambda v, g, b2: b2 * v + (1 - b2) * g * g,
          hats=lambda m, v, b1, b2, t: (m / (1 - b1 ** t), v / (1 - b2 ** t)),
          denom=lambda v_hat, eps: np.sqrt(v_hat) + eps, use_old=False, ret=None, sign=1.0):
    def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        new_m, new_v = m_of(m, grad, beta1), v_of(v, grad, beta2)
        with np.errstate(all="ignore"):
            m_hat, v_hat = hats(*((m, v) if use_old else (new_m, new_v)), beta1, beta2, t)
            theta = theta - sign * lr * m_hat / denom(v_hat, eps)
        if ret == "hats":
            return theta, m_hat, v_hat
        return theta, new_m, new_v
    return adam_step


def _adam_in_place(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    theta -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return theta, m, v


def _adam_efficient(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return theta - lr_t * m / (np.sqrt(v) + eps), m, v


def _adam_algorithm_1_other_names(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                  eps=1e-8):
    first = m * beta1 + grad * (1 - beta1)
    second = v * beta2 + np.square(grad) * (1 - beta2)
    bias1, bias2 = 1 - beta1 ** t, 1 - beta2 ** t
    step = lr / bias1 * first / (np.sqrt(second) / np.sqrt(bias2) + eps)
    return theta - step, first, second


VARIANTS = {
    "momentum_step": [
        Wrong("lr inside", _mom(lambda b, g, lr, mu: mu * b + lr * g,
                                lambda th, b, g, lr, mu: th - b), "mistake: lr inside the buffer"),
        Wrong("uphill", _mom(lambda b, g, lr, mu: mu * b + g, lambda th, b, g, lr, mu: th + lr * b),
              "mistake: sign error"),
        Wrong("old buffer returned", _mom_returns_old_buffer, "mistake: buffer not returned updated"),
        Wrong("old buffer in the step", _mom_old_buffer, "mistake: old buffer used in the step"),
        Wrong("dampened", _mom(lambda b, g, lr, mu: mu * b + (1 - mu) * g),
              "mistake: dampened (moving-average) buffer"),
        Wrong("b + μg", _mom(lambda b, g, lr, mu: b + mu * g), "mistake: momentum on the gradient"),
        Wrong("Nesterov", _mom(lambda b, g, lr, mu: mu * b + g,
                               lambda th, b, g, lr, mu: th - lr * (g + mu * b)),
              "mistake: Nesterov's step"),
        Wrong("(buf, theta)", _mom(lambda b, g, lr, mu: mu * b + g, order=-1),
              "mistake: values swapped"),
        Wrong("in place", _mom_in_place, "requirement: inputs unchanged"),
        Right("Polyak's form", lambda theta, buf, grad, lr, momentum: (
            theta - lr * grad - lr * momentum * buf, grad + momentum * buf)),
        Right("copies first", lambda theta, buf, grad, lr, momentum: _mom_in_place(
            theta.copy(), buf.copy(), grad, lr, momentum)),
    ],
    "rmsprop_step": [
        Wrong("√(v + ε)", _rms(denom=lambda v, eps: np.sqrt(v + eps)),
              "mistake: eps inside the square root"),
        Wrong("no ε", _rms(denom=lambda v, eps: np.sqrt(v)), "mistake: eps left out"),
        Wrong("α on g²", _rms(v_of=lambda v, g, a: a * g ** 2 + (1 - a) * v),
              "mistake: alpha on the new gradient"),
        Wrong("AdaGrad", _rms(v_of=lambda v, g, a: v + g ** 2), "mistake: sum of squares (AdaGrad)"),
        Wrong("g not squared", _rms(v_of=lambda v, g, a: a * v + (1 - a) * g),
              "mistake: g instead of g squared"),
        Wrong("no root", _rms(denom=lambda v, eps: v + eps), "mistake: no square root"),
        Wrong("old v in the step", _rms(step_v="old"), "mistake: old v in the step"),
        Wrong("old v returned", _rms(ret_old=True), "mistake: v not returned updated"),
        Wrong("uphill", _rms(sign=-1.0), "mistake: sign error"),
        Wrong("in place", _rms_in_place, "requirement: inputs unchanged"),
        Right("v ** 0.5, grad * grad", _rms(v_of=lambda v, g, a: a * v + (1 - a) * g * g,
                                           denom=lambda v, eps: v ** 0.5 + eps)),
        Right("copies first", lambda theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8: _rms_in_place(
            theta.copy(), grad.copy(), v.copy(), lr, alpha, eps)),
    ],
    "adam_step": [
        Wrong("no correction", _adam(hats=lambda m, v, b1, b2, t: (m, v)),
              "mistake: no bias correction"),
        Wrong("√(v̂ + ε)", _adam(denom=lambda vh, eps: np.sqrt(vh + eps)),
              "mistake: eps inside the square root"),
        Wrong("t − 1", _adam(hats=lambda m, v, b1, b2, t: (m / (1 - b1 ** (t - 1)),
                                                          v / (1 - b2 ** (t - 1)))),
              "mistake: t - 1 in the correction"),
        Wrong("t + 1", _adam(hats=lambda m, v, b1, b2, t: (m / (1 - b1 ** (t + 1)),
                                                          v / (1 - b2 ** (t + 1)))),
              "mistake: t + 1 in the correction"),
        Wrong("t = 1 always", _adam(hats=lambda m, v, b1, b2, t: (m / (1 - b1), v / (1 - b2))),
              "mistake: t fixed at 1"),
        Wrong("β₁ for v̂", _adam(hats=lambda m, v, b1, b2, t: (m / (1 - b1 ** t), v / (1 - b1 ** t))),
              "mistake: β₁ in both corrections"),
        Wrong("√v / (1 − β₂ᵗ)", lambda theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
              eps=1e-8: _adam_root_outside(theta, grad, m, v, t, lr, beta1, beta2, eps),
              "mistake: v̂'s correction outside the root"),
        Wrong("β on g", _adam(m_of=lambda m, g, b1: b1 * g + (1 - b1) * m,
                              v_of=lambda v, g, b2: b2 * g * g + (1 - b2) * v),
              "mistake: betas on the new gradient"),
        Wrong("|g|", _adam(v_of=lambda v, g, b2: b2 * v + (1 - b2) * np.abs(g)),
              "mistake: |g| instead of g squared"),
        Wrong("g", _adam(v_of=lambda v, g, b2: b2 * v + (1 - b2) * g),
              "mistake: g instead of g squared"),
        Wrong("old averages in the step", _adam(use_old=True),
              "mistake: averages updated after the step"),
        Wrong("the efficient version", _adam_efficient, "mistake: efficient version"),
        Wrong("m̂, v̂ returned", _adam(ret="hats"), "mistake: bias-corrected averages returned"),
        Wrong("uphill", _adam(sign=-1.0), "mistake: sign error"),
        Wrong("in place", _adam_in_place, "requirement: inputs unchanged"),
        Right("other names and order", _adam_algorithm_1_other_names),
        Right("copies first", lambda theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
              eps=1e-8: _adam_in_place(theta.copy(), grad, m.copy(), v.copy(), t, lr, beta1,
                                       beta2, eps)),
    ],
}


def _adam_root_outside(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v) / (1 - beta2 ** t) + eps), m, v


# A second pass over the statements.
def _rms_eps_on_the_step(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad ** 2
    with np.errstate(all="ignore"):
        return theta - lr * grad / np.sqrt(v) + eps, v


def _adam_eps_on_the_ratio(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    with np.errstate(all="ignore"):
        return theta - lr * (m_hat / np.sqrt(v_hat) + eps), m, v


VARIANTS["momentum_step"] += [
    Wrong("v = μv − ηg, θ + v", _mom(lambda b, g, lr, mu: mu * b - lr * g,
                                    lambda th, b, g, lr, mu: th + b),
          "mistake: lr inside the buffer, with a minus"),
]
VARIANTS["rmsprop_step"] += [
    Wrong("(v, theta)", lambda theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8: _rms()(
        theta, grad, v, lr, alpha, eps)[::-1], "mistake: values swapped"),
]
VARIANTS["adam_step"] += [
    Wrong("(1 − β)^t", _adam(hats=lambda m, v, b1, b2, t: (m / (1 - b1) ** t, v / (1 - b2) ** t)),
          "mistake: (1 − β)ᵗ instead of 1 − βᵗ"),
    Wrong("(theta, v, m)", lambda theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
          eps=1e-8: (lambda r: (r[0], r[2], r[1]))(_adam()(theta, grad, m, v, t, lr, beta1,
                                                            beta2, eps)),
          "mistake: m and v swapped"),
]


VARIANTS["rmsprop_step"] += [
    Wrong("/ np.sqrt(v) + eps", _rms_eps_on_the_step, "mistake: eps added to θ"),
    Wrong("(lr·g/√v + ε)", lambda theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8: (
        lambda v: (theta - (lr * grad / np.sqrt(v) + eps), v))(alpha * v + (1 - alpha) * grad ** 2),
        "mistake: eps added to the step"),
]
VARIANTS["adam_step"] += [
    Wrong("m̂ / √v̂ + ε", _adam_eps_on_the_ratio, "mistake: eps added to the ratio"),
    Wrong("θ − lr·m̂/√v̂ + ε", lambda theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
          eps=1e-8: (lambda r: (r[0] + lr * eps + eps, r[1], r[2]))(
              _adam_eps_on_the_ratio(theta, grad, m, v, t, lr, beta1, beta2, eps)),
          "mistake: eps added to θ"),
]


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Wrong))
def test_wrong_answer_gets_its_own_hint(exercise, variant):
    assert_wrong(exercise, variant)


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Right))
def test_right_answer_passes(exercise, variant):
    assert_right(exercise, variant)
