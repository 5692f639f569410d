"""Exercises on optimizers: one step of heavy-ball momentum, of RMSprop and of Adam.

Both are written as pure functions that take the optimizer state and return the new
state, so the learner sees every quantity of the update. The references compute exactly
what :class:`gdcourse.optim.SGD` (``momentum``) and :class:`gdcourse.optim.Adam` compute,
and so what ``torch.optim.SGD`` and ``torch.optim.Adam`` compute
(``tests/test_exercises_optimizers.py`` proves it over several steps).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._checking import Case, CheckResult, Exercise, Mistake, inputs_unchanged

__all__ = ["check_momentum_step", "check_rmsprop_step", "check_adam_step"]


# --------------------------------------------------------------------------- momentum
def _momentum_step(theta: np.ndarray, buf: np.ndarray, grad: np.ndarray,
                   lr: float, momentum: float) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's form: ``b ← μ b + g``, then ``θ ← θ − η b``; returns ``(θ, b)``.

    ``b`` is the momentum buffer (PyTorch's ``momentum_buffer``, often called the
    velocity).
    """
    buf = momentum * buf + grad
    return theta - lr * buf, buf


def _lr_inside(theta, buf, grad, lr, momentum):
    # Sutskever et al.'s form: the same iterates only while lr never changes.
    buf = momentum * buf + lr * grad
    return theta - buf, buf


def _sign_error(theta, buf, grad, lr, momentum):
    buf = momentum * buf + grad
    return theta + lr * buf, buf


def _buffer_not_updated(theta, buf, grad, lr, momentum):
    new_buf = momentum * buf + grad
    return theta - lr * new_buf, buf


def _old_buffer_in_step(theta, buf, grad, lr, momentum):
    new_theta = theta - lr * buf
    return new_theta, momentum * buf + grad


def _dampened(theta, buf, grad, lr, momentum):
    buf = momentum * buf + (1 - momentum) * grad
    return theta - lr * buf, buf


def _nesterov(theta, buf, grad, lr, momentum):
    buf = momentum * buf + grad
    return theta - lr * (grad + momentum * buf), buf


def _momentum_on_gradient(theta, buf, grad, lr, momentum):
    buf = buf + momentum * grad
    return theta - lr * buf, buf


def _lr_inside_negative(theta, buf, grad, lr, momentum):
    buf = momentum * buf - lr * grad
    return theta + buf, buf


def _momentum_theta_only(theta, buf, grad, lr, momentum):
    return _momentum_step(theta, buf, grad, lr, momentum)[0]


def _momentum_on_both(theta, buf, grad, lr, momentum):
    buf = momentum * (buf + grad)
    return theta - lr * buf, buf


def _momentum_forgotten(theta, buf, grad, lr, momentum):
    buf = buf + grad
    return theta - lr * buf, buf


def _momentum_swapped(theta, buf, grad, lr, momentum):
    buf = momentum * buf + grad
    return buf, theta - lr * buf


def _momentum_case(theta, buf, grad, lr, momentum) -> Case:
    def run(impl):
        return impl(np.array(theta, dtype=float), np.array(buf, dtype=float),
                    np.array(grad, dtype=float), lr, momentum)
    return Case(f"theta={theta}, buf={buf}, grad={grad}, lr={lr}, "
                f"momentum={momentum}", run)


def _random_arrays(seed: int, shape: tuple[int, ...], count: int) -> list[list]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).round(4).tolist() for _ in range(count)]


MOMENTUM_STEP = Exercise(
    title="one step of SGD with momentum (PyTorch's form)",
    reference=_momentum_step,
    cases=(
        _momentum_case([1.0, -2.0], [0.0, 0.0], [2.0, -1.0], 0.1, 0.9),
        _momentum_case([1.0, -2.0, 0.5], [0.5, 0.25, -1.0], [2.0, -1.0, 0.0], 0.1, 0.9),
        _momentum_case([[3.0, 0.0], [-1.0, 2.0]], [[1.0, -1.0], [0.0, 2.0]],
                       [[0.5, 0.5], [-2.0, 1.0]], 0.05, 0.8),
        _momentum_case(*_random_arrays(71, (2, 3), 3), 0.03, 0.95),
    ),
    mistakes=(
        Mistake("lr inside the buffer", _lr_inside,
                "that is the other common form, u ← μu + η·g and θ ← θ − u (Sutskever et al. "
                "2013). It gives the same path only while η never changes; here use PyTorch's "
                "form: b ← μb + g, then θ ← θ − η·b, and return that b.",
                nudge="look at where the learning rate goes: PyTorch keeps it out of the "
                      "buffer."),
        Mistake("lr inside the buffer, with a minus", _lr_inside_negative,
                "that is the other common form with the sign inside, v ← μv − η·g and "
                "θ ← θ + v; it gives the same θ while η never changes, but here return "
                "PyTorch's buffer: b ← μb + g, then θ ← θ − η·b.",
                nudge="look at the buffer you return: PyTorch's b has no learning rate in "
                      "it."),
        Mistake("sign error", _sign_error,
                "the step goes uphill: subtract the learning rate times the buffer, "
                "θ − η·b.",
                nudge="look at the direction of your step."),
        Mistake("buffer not returned updated", _buffer_not_updated,
                "θ is right, but the returned buffer is the old one: return the new "
                "b = μ·b + g, which the next step needs.",
                nudge="θ is right; look at the buffer you return."),
        Mistake("old buffer used in the step", _old_buffer_in_step,
                "update the buffer first, b ← μ·b + g, and then step with the *new* "
                "buffer, θ ← θ − η·b.",
                nudge="look at the order: which buffer does your step use?"),
        Mistake("dampened (moving-average) buffer", _dampened,
                "that is a moving average, b ← μ·b + (1 − μ)·g (the form of Adam's m, and of "
                "PyTorch's dampening = μ after its first step). Heavy-ball momentum adds the "
                "whole gradient: b ← μ·b + g.",
                nudge="look at the weight of the gradient in the buffer: heavy-ball "
                      "momentum adds all of it."),
        Mistake("momentum on the gradient", _momentum_on_gradient,
                "μ multiplies the *old buffer*, which fades away: b ← μ·b + g, not "
                "b + μ·g.",
                nudge="look at what μ multiplies in the buffer."),
        Mistake("μ on the gradient too", _momentum_on_both,
                "μ multiplies the old buffer only: b ← μ·b + g, not μ·(b + g).",
                nudge="look at what μ multiplies in the buffer."),
        Mistake("μ forgotten", _momentum_forgotten,
                "the old buffer fades by the factor μ each step: b ← μ·b + g, not b + g "
                "(which sums every gradient for ever).",
                nudge="look at the buffer: where is μ?"),
        Mistake("only θ returned", _momentum_theta_only,
                "return both arrays, `return theta, buf`: the next step needs the new buffer.",
                nudge="look at how many values you return."),
        Mistake("Nesterov's step", _nesterov,
                "that is Nesterov's form (PyTorch's nesterov=True), θ ← θ − η·(g + μ·b); "
                "plain heavy-ball momentum steps with the buffer itself, θ ← θ − η·b.",
                nudge="look at the step: plain momentum steps with the buffer alone."),
        Mistake("values swapped", _momentum_swapped,
                "return the two arrays in the order the exercise gives: (theta, buf).",
                nudge="look at the order of the values you return."),
    ),
    requirements=(inputs_unchanged("theta", "buf", "grad"),),
    formula="b_t = μ·b_(t−1) + g_t, then θ_t = θ_(t−1) − η·b_t; return (θ_t, b_t)",
    rtol=1e-10,
    atol=1e-14,
)


# --------------------------------------------------------------------------- RMSprop
def _rmsprop_step(theta: np.ndarray, grad: np.ndarray, v: np.ndarray, lr: float = 1e-2,
                  alpha: float = 0.99, eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's RMSprop (no momentum, not centered): returns ``(θ, v)``."""
    v = alpha * v + (1 - alpha) * grad**2
    return theta - lr * grad / (np.sqrt(v) + eps), v


def _rmsprop_variant(*, eps_inside=False, swapped=False, adagrad=False, no_sqrt=False,
                     old_v=False, sign=1.0, not_squared=False, old_v_in_step=False,
                     no_eps=False) -> Callable:
    def step(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
        square = grad if not_squared else grad**2
        if swapped:
            new_v = alpha * square + (1 - alpha) * v
        elif adagrad:
            new_v = v + square
        else:
            new_v = alpha * v + (1 - alpha) * square
        used = v if old_v_in_step else new_v
        with np.errstate(all="ignore"):
            if eps_inside:
                denom = np.sqrt(used + eps)
            elif no_sqrt:
                denom = used + eps
            elif no_eps:
                denom = np.sqrt(used)
            else:
                denom = np.sqrt(used) + eps
            return theta - sign * lr * grad / denom, (v if old_v else new_v)
    return step


def _rmsprop_swapped(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    theta, v = _rmsprop_step(theta, grad, v, lr, alpha, eps)
    return v, theta


def _rmsprop_eps_on_the_step(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    with np.errstate(all="ignore"):
        return theta - (lr * grad / np.sqrt(v) + eps), v


def _rmsprop_eps_on_theta(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    with np.errstate(all="ignore"):
        return theta - lr * grad / np.sqrt(v) + eps, v


_RMSPROP_BRACKETS = ("`lr * grad / np.sqrt(v) + eps` adds ε to the step (or to θ): put the "
                     "denominator in brackets, `lr * grad / (np.sqrt(v) + eps)`.")


def _rmsprop_alpha_fixed(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rmsprop_step(theta, grad, v, lr, 0.99, eps)


def _rmsprop_eps_inside_the_bracket(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    with np.errstate(all="ignore"):
        return theta - lr * (grad / np.sqrt(v) + eps), v


def _rmsprop_returns_root(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    theta, v = _rmsprop_step(theta, grad, v, lr, alpha, eps)
    return theta, np.sqrt(v)


def _rmsprop_case(theta, grad, v, lr, alpha=0.99, eps=1e-8) -> Case:
    def run(impl):
        return impl(np.array(theta, dtype=float), np.array(grad, dtype=float),
                    np.array(v, dtype=float), lr=lr, alpha=alpha, eps=eps)
    return Case(f"theta={theta}, grad={grad}, v={v}, lr={lr}, alpha={alpha}, eps={eps:g}",
                run)


RMSPROP_STEP = Exercise(
    title="one step of RMSprop",
    reference=_rmsprop_step,
    cases=(
        _rmsprop_case([1.0, -2.0, 0.5], [0.5, -3.0, 0.0], [0.0, 0.0, 0.0], 0.01),
        _rmsprop_case([1.0, -2.0], [2.0, -0.5], [4.0, 0.5], 0.1, alpha=0.9),
        # Tiny gradients: eps inside or outside the square root makes a difference.
        _rmsprop_case([0.5, 0.5], [1e-6, -2e-6], [1e-12, 1e-12], 0.01),
        _rmsprop_case([[1.0, 2.0], [-0.5, 0.25]], [[0.3, -0.2], [1.5, 0.0]],
                      [[0.01, 0.04], [1.0, 0.5]], 0.05, alpha=0.9, eps=1e-6),
        _rmsprop_case(*_random_arrays(72, (4,), 2), np.round(np.random.default_rng(73)
                                                             .uniform(0, 1, 4), 4).tolist(),
                      0.02, alpha=0.95),
    ),
    mistakes=(
        Mistake("eps inside the square root", _rmsprop_variant(eps_inside=True),
                "PyTorch adds ε outside the root, √v + ε; √(v + ε) (TensorFlow 1's placement) "
                "is a different method when gradients are tiny.",
                nudge="look at where ε goes: inside or outside the square root?"),
        Mistake("eps left out", _rmsprop_variant(no_eps=True),
                "add ε to the denominator, √v + ε: without it a coordinate whose gradient "
                "(and average) is 0 divides 0 by 0.",
                nudge="look at the denominator: where is ε?"),
        Mistake("eps added to the step", _rmsprop_eps_on_the_step, _RMSPROP_BRACKETS,
                nudge="look at the brackets around the denominator."),
        Mistake("eps added to θ", _rmsprop_eps_on_theta, _RMSPROP_BRACKETS,
                nudge="look at the brackets around the denominator."),
        Mistake("eps added to the ratio", _rmsprop_eps_inside_the_bracket,
                "`lr * (grad / np.sqrt(v) + eps)` adds ε to the ratio: ε belongs to the "
                "denominator, `lr * grad / (np.sqrt(v) + eps)`.",
                nudge="look at the brackets around the denominator."),
        Mistake("alpha fixed at 0.99", _rmsprop_alpha_fixed,
                "use the α you are given (the check passes alpha=0.9 and 0.95 too), not "
                "PyTorch's default 0.99.",
                nudge="look at the α you use: is it the argument alpha?"),
        Mistake("√v returned", _rmsprop_returns_root,
                "θ is right, but return v itself, the average of g², not its root: the next "
                "step averages squares again.",
                nudge="θ is right; look at the v you return."),
        Mistake("alpha on the new gradient", _rmsprop_variant(swapped=True),
                "α weighs the *old* average: v = α·v + (1 − α)·g², not α·g² + (1 − α)·v.",
                nudge="look at the moving average: which term gets the weight α?"),
        Mistake("sum of squares (AdaGrad)", _rmsprop_variant(adagrad=True),
                "v + g² is AdaGrad's ever-growing sum; RMSprop forgets with a moving average, "
                "v = α·v + (1 − α)·g².",
                nudge="look at v: a moving average, not a sum."),
        Mistake("g instead of g squared", _rmsprop_variant(not_squared=True),
                "v averages the *squared* gradient: v = α·v + (1 − α)·g² (g**2, element-wise).",
                nudge="look at what v averages: the gradient, or its square?"),
        Mistake("no square root", _rmsprop_variant(no_sqrt=True),
                "divide by the *root* mean square: g / (√v + ε), not g / (v + ε).",
                nudge="look at the denominator: the *root* mean square."),
        Mistake("old v in the step", _rmsprop_variant(old_v_in_step=True),
                "update v first, then divide by √v_t + ε with the *new* v (at the first "
                "step the old v is 0 and the step explodes).",
                nudge="look at the order: which v does your step divide by?"),
        Mistake("values swapped", _rmsprop_swapped,
                "return the two arrays in the order the exercise gives: (theta, v).",
                nudge="look at the order of the values you return."),
        Mistake("v not returned updated", _rmsprop_variant(old_v=True),
                "θ is right, but return the new v, which the next step needs.",
                nudge="θ is right; look at the v you return."),
        Mistake("sign error", _rmsprop_variant(sign=-1.0),
                "the step goes uphill: θ − η·g / (√v + ε).",
                nudge="look at the direction of your step."),
    ),
    requirements=(inputs_unchanged("theta", "grad", "v"),),
    formula="v_t = α·v_(t−1) + (1 − α)·g_t², θ_t = θ_(t−1) − η·g_t / (√v_t + ε), "
            "element-wise; return (θ_t, v_t)",
    rtol=1e-10,
    atol=1e-20,
)


# --------------------------------------------------------------------------- Adam
def _adam_step(theta: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int,
               lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
               eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adam's step ``t`` (counted from 1), as in PyTorch; returns ``(θ, m, v)``."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_variant(*, correct=True, eps_inside=False, t_shift=0, swapped=False,
                  absolute=False, sign=1.0, not_squared=False, beta1_twice=False,
                  t_fixed=None, root_outside=False, old_averages=False) -> Callable:
    def step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        old_m, old_v = m, v
        t = t if t_fixed is None else t_fixed
        if swapped:
            m = beta1 * grad + (1 - beta1) * m
            v = beta2 * grad**2 + (1 - beta2) * v
        else:
            m = beta1 * m + (1 - beta1) * grad
            square = np.abs(grad) if absolute else grad if not_squared else grad**2
            v = beta2 * v + (1 - beta2) * square
        used_m, used_v = (old_m, old_v) if old_averages else (m, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            m_hat = used_m / (1 - beta1**(t + t_shift)) if correct else used_m
            v_hat = (used_v / (1 - (beta1 if beta1_twice else beta2)**(t + t_shift))
                     if correct else used_v)
            if root_outside:
                denom = np.sqrt(used_v) / (1 - beta2**t) + eps
            else:
                denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            return theta - sign * lr * m_hat / denom, m, v
    return step


def _efficient_version(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # The paper's "efficient version" (end of its section 2): the corrections folded into
    # the step size, eps added to the uncorrected sqrt(v). It equals the reference with
    # eps divided by sqrt(1 - beta2**t).
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    step = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return theta - step * m / (np.sqrt(v) + eps), m, v


def _correction_power_outside(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                              eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1)**t, v / (1 - beta2)**t
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_eps_on_the_ratio(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    with np.errstate(all="ignore"):
        return theta - lr * (m_hat / np.sqrt(v_hat) + eps), m, v


def _adam_eps_on_theta(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    with np.errstate(all="ignore"):
        return theta - lr * m_hat / np.sqrt(v_hat) + eps, m, v


_ADAM_BRACKETS = ("`m_hat / np.sqrt(v_hat) + eps` adds ε to the ratio (or to θ): put the "
                  "denominator in brackets, `m_hat / (np.sqrt(v_hat) + eps)`.")


def _adam_one_correction(correct_m: bool) -> Callable:
    def step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat = m / (1 - beta1**t) if correct_m else m
        v_hat = v if correct_m else v / (1 - beta2**t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    return step


def _adam_swapped(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, m, v = _adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return theta, v, m


def _returns_corrected(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_theta, m, v = _adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new_theta, m / (1 - beta1**t), v / (1 - beta2**t)


def _adam_case(theta, grad, m, v, t, lr, eps=1e-8) -> Case:
    def run(impl):
        return impl(np.array(theta, dtype=float), np.array(grad, dtype=float),
                    np.array(m, dtype=float), np.array(v, dtype=float), t, lr=lr,
                    beta1=0.9, beta2=0.999, eps=eps)
    return Case(f"theta={theta}, grad={grad}, m={m}, v={v}, t={t}, lr={lr}, "
                f"betas=(0.9, 0.999), eps={eps:g}", run)


ADAM_STEP = Exercise(
    title="one step of Adam with bias correction",
    reference=_adam_step,
    cases=(
        _adam_case([1.0, -2.0, 0.5], [0.3, -0.1, 2.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0],
                   1, 0.1),
        _adam_case([10.0, -20.0], [0.5, -4.0], [0.2, -0.3], [0.04, 0.5], 5, 0.01),
        # Tiny gradients: here eps inside or outside the square root makes a difference.
        _adam_case([0.5, 0.5], [2e-7, -1e-7], [1e-7, -1e-7], [1e-14, 4e-14], 3, 0.01),
        _adam_case([[1.0, -1.0], [0.5, 2.0]], [[0.2, 0.0], [-1.0, 3.0]],
                   [[0.1, 0.0], [-0.2, 0.5]], [[0.01, 0.0], [0.3, 1.0]], 2, 0.05),
        _adam_case(*_random_arrays(74, (4,), 3),
                   np.round(np.random.default_rng(75).uniform(0, 1, 4), 4).tolist(), 12, 0.02),
    ),
    mistakes=(
        Mistake("no bias correction", _adam_variant(correct=False),
                "divide by the bias corrections: m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ), "
                "then step with m̂ / (√v̂ + ε). Without them the first steps are far too "
                "large (the averages start at zero).",
                nudge="look at the bias correction: the averages start at zero."),
        Mistake("m not corrected", _adam_one_correction(correct_m=False),
                "correct both averages: m̂ = m / (1 − β₁ᵗ) as well as v̂ = v / (1 − β₂ᵗ).",
                nudge="look at the bias correction of m."),
        Mistake("v not corrected", _adam_one_correction(correct_m=True),
                "correct both averages: v̂ = v / (1 − β₂ᵗ) as well as m̂ = m / (1 − β₁ᵗ).",
                nudge="look at the bias correction of v."),
        Mistake("eps inside the square root", _adam_variant(eps_inside=True),
                "ε goes outside the square root, √v̂ + ε (PyTorch's and the paper's "
                "placement); √(v̂ + ε) is a different method when gradients are tiny.",
                nudge="look at where ε goes: inside or outside the square root?"),
        Mistake("eps added to the ratio", _adam_eps_on_the_ratio, _ADAM_BRACKETS,
                nudge="look at the brackets around the denominator."),
        Mistake("eps added to θ", _adam_eps_on_theta, _ADAM_BRACKETS,
                nudge="look at the brackets around the denominator."),
        Mistake("t - 1 in the correction", _adam_variant(t_shift=-1),
                "t is already the number of this step (1 for the first): use β₁ᵗ and β₂ᵗ "
                "with this t, not t − 1 (which divides by zero at t = 1).",
                nudge="look at the exponent of the bias correction: t is this step's "
                      "number."),
        Mistake("t + 1 in the correction", _adam_variant(t_shift=1),
                "t is already the number of this step (1 for the first): use β₁ᵗ and β₂ᵗ "
                "with this t, not t + 1 (do not increment it before using it).",
                nudge="look at the exponent of the bias correction: t is this step's "
                      "number."),
        Mistake("(1 − β)ᵗ instead of 1 − βᵗ", _correction_power_outside,
                "the bias correction is 1 − β₁ᵗ (β₁ raised to the power t, then subtracted "
                "from 1): `1 - beta1 ** t`, not `(1 - beta1) ** t`.",
                nudge="look at the bias correction: which part is raised to the power t?"),
        Mistake("t fixed at 1", _adam_variant(t_fixed=1),
                "the bias correction changes from step to step: use the t you are given, "
                "1 − β₁ᵗ and 1 − β₂ᵗ (the check passes t = 5, 3, 2 and 12 too).",
                nudge="look at the exponent of the bias correction: is it the argument t?"),
        Mistake("β₁ in both corrections", _adam_variant(beta1_twice=True),
                "each average has its own correction: m̂ = m / (1 − β₁ᵗ) and "
                "v̂ = v / (1 − β₂ᵗ), with β₂ for v.",
                nudge="look at the correction of v: which β belongs to v?"),
        Mistake("v̂'s correction outside the root", _adam_variant(root_outside=True),
                "correct v before the root: √v̂ = √(v / (1 − β₂ᵗ)); dividing √v by "
                "(1 − β₂ᵗ) corrects it by the wrong amount.",
                nudge="look at the denominator: correct v, then take the root."),
        Mistake("betas on the new gradient", _adam_variant(swapped=True),
                "β weighs the *old* average: m = β₁·m + (1 − β₁)·g and "
                "v = β₂·v + (1 − β₂)·g², not β₁·g + (1 − β₁)·m.",
                nudge="look at the moving averages: which term gets the weight β?"),
        Mistake("|g| instead of g squared", _adam_variant(absolute=True),
                "v averages the *squared* gradient, g² = g * g (elementwise), not |g|.",
                nudge="look at what v averages: the squared gradient."),
        Mistake("g instead of g squared", _adam_variant(not_squared=True),
                "v averages the *squared* gradient: v = β₂·v + (1 − β₂)·g² (g**2, "
                "element-wise), not g.",
                nudge="look at what v averages: the squared gradient."),
        Mistake("averages updated after the step", _adam_variant(old_averages=True),
                "update m and v first, with this step's gradient, and step with the new "
                "ones (at t = 1 the old ones are zero and nothing moves).",
                nudge="look at the order: which m and v does your step use?"),
        Mistake("efficient version", _efficient_version,
                "that is the paper's \"efficient version\" (ε added to √v before the "
                "correction). It equals this update with ε divided by √(1 − β₂ᵗ), which "
                "shows for small gradients. Use the form PyTorch (and Algorithm 1) computes: "
                "θ − η·m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).",
                nudge="look at where ε meets the bias correction: Algorithm 1's form."),
        Mistake("m and v swapped", _adam_swapped,
                "return the three arrays in the order the exercise gives: (theta, m, v).",
                nudge="look at the order of the values you return."),
        Mistake("bias-corrected averages returned", _returns_corrected,
                "θ is right, but return the *uncorrected* m and v: the next step continues "
                "the running averages, and the correction 1 − βᵗ is applied afresh each step.",
                nudge="θ is right; look at the m and v you return."),
        Mistake("sign error", _adam_variant(sign=-1.0),
                "the step goes uphill: θ − η·m̂ / (√v̂ + ε).",
                nudge="look at the direction of your step."),
    ),
    requirements=(inputs_unchanged("theta", "grad", "m", "v"),),
    formula="m_t = β₁m + (1 − β₁)g, v_t = β₂v + (1 − β₂)g², m̂ = m_t/(1 − β₁ᵗ), "
            "v̂ = v_t/(1 − β₂ᵗ), θ_t = θ − η·m̂/(√v̂ + ε); return (θ_t, m_t, v_t)",
    rtol=1e-10,
    atol=1e-20,
)

EXERCISES = {"momentum_step": MOMENTUM_STEP, "rmsprop_step": RMSPROP_STEP,
             "adam_step": ADAM_STEP}


def check_momentum_step(momentum_step: Callable) -> CheckResult:
    """Check ``momentum_step(theta, buf, grad, lr, momentum)`` → ``(theta, buf)``.

    PyTorch's form: ``buf = momentum * buf + grad``, then ``theta = theta - lr * buf``
    (``buf`` is the momentum buffer b, often called the velocity), as new arrays: the
    arrays passed in stay as they were.
    """
    return MOMENTUM_STEP.check(momentum_step)


def check_rmsprop_step(rmsprop_step: Callable) -> CheckResult:
    """Check ``rmsprop_step(theta, grad, v, lr, alpha, eps)`` → ``(theta, v)``.

    ``v = alpha * v + (1 - alpha) * grad**2``, then ``theta - lr * grad / (sqrt(v) + eps)``,
    as new arrays: the arrays passed in stay as they were.
    """
    return RMSPROP_STEP.check(rmsprop_step)


def check_adam_step(adam_step: Callable) -> CheckResult:
    """Check ``adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps)`` → ``(theta, m, v)``.

    ``t`` is the number of this step, 1 for the first; ``m̂ = m / (1 − β₁ᵗ)``,
    ``v̂ = v / (1 − β₂ᵗ)`` and ``θ − lr · m̂ / (√v̂ + eps)``, as new arrays: the arrays
    passed in stay as they were.
    """
    return ADAM_STEP.check(adam_step)
