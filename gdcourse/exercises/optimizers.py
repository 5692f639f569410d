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


def _momentum_case(theta, buf, grad, lr, momentum) -> Case:
    def run(impl):
        return impl(np.array(theta, dtype=float), np.array(buf, dtype=float),
                    np.array(grad, dtype=float), lr, momentum)
    return Case(f"theta={theta}, buf={buf}, grad={grad}, lr={lr}, "
                f"momentum={momentum}", run)


MOMENTUM_STEP = Exercise(
    title="one step of SGD with momentum (PyTorch's form)",
    reference=_momentum_step,
    cases=(
        _momentum_case([1.0, -2.0], [0.0, 0.0], [2.0, -1.0], 0.1, 0.9),
        _momentum_case([1.0, -2.0, 0.5], [0.5, 0.25, -1.0], [2.0, -1.0, 0.0], 0.1, 0.9),
        _momentum_case([[3.0, 0.0], [-1.0, 2.0]], [[1.0, -1.0], [0.0, 2.0]],
                       [[0.5, 0.5], [-2.0, 1.0]], 0.05, 0.8),
    ),
    mistakes=(
        Mistake("lr inside the buffer", _lr_inside,
                "that is the other common form, u ← μu + η·g and θ ← θ − u (Sutskever et al. "
                "2013). It gives the same path only while η never changes; here use PyTorch's "
                "form: b ← μb + g, then θ ← θ − η·b, and return that b."),
        Mistake("sign error", _sign_error,
                "the step goes uphill: subtract the learning rate times the buffer, "
                "θ − η·b."),
        Mistake("buffer not returned updated", _buffer_not_updated,
                "θ is right, but the returned buffer is the old one: return the new "
                "b = μ·b + g, which the next step needs."),
        Mistake("old buffer used in the step", _old_buffer_in_step,
                "update the buffer first, b ← μ·b + g, and then step with the *new* "
                "buffer, θ ← θ − η·b."),
        Mistake("dampened (moving-average) buffer", _dampened,
                "that is a moving average, b ← μ·b + (1 − μ)·g (the form of Adam's m, and of "
                "PyTorch's dampening = μ after its first step). Heavy-ball momentum adds the "
                "whole gradient: b ← μ·b + g."),
    ),
    requirements=(inputs_unchanged("theta", "buf", "grad"),),
)


# --------------------------------------------------------------------------- RMSprop
def _rmsprop_step(theta: np.ndarray, grad: np.ndarray, v: np.ndarray, lr: float = 1e-2,
                  alpha: float = 0.99, eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's RMSprop (no momentum, not centered): returns ``(θ, v)``."""
    v = alpha * v + (1 - alpha) * grad**2
    return theta - lr * grad / (np.sqrt(v) + eps), v


def _rmsprop_variant(*, eps_inside=False, swapped=False, adagrad=False, no_sqrt=False,
                     old_v=False, sign=1.0) -> Callable:
    def step(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
        if swapped:
            new_v = alpha * grad**2 + (1 - alpha) * v
        elif adagrad:
            new_v = v + grad**2
        else:
            new_v = alpha * v + (1 - alpha) * grad**2
        if eps_inside:
            denom = np.sqrt(new_v + eps)
        elif no_sqrt:
            denom = new_v + eps
        else:
            denom = np.sqrt(new_v) + eps
        return theta - sign * lr * grad / denom, (v if old_v else new_v)
    return step


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
    ),
    mistakes=(
        Mistake("eps inside the square root", _rmsprop_variant(eps_inside=True),
                "PyTorch adds ε outside the root, √v + ε; √(v + ε) (TensorFlow 1's placement) "
                "is a different method when gradients are tiny."),
        Mistake("alpha on the new gradient", _rmsprop_variant(swapped=True),
                "α weighs the *old* average: v = α·v + (1 − α)·g², not α·g² + (1 − α)·v."),
        Mistake("sum of squares (AdaGrad)", _rmsprop_variant(adagrad=True),
                "v + g² is AdaGrad's ever-growing sum; RMSprop forgets with a moving average, "
                "v = α·v + (1 − α)·g²."),
        Mistake("no square root", _rmsprop_variant(no_sqrt=True),
                "divide by the *root* mean square: g / (√v + ε), not g / (v + ε)."),
        Mistake("v not returned updated", _rmsprop_variant(old_v=True),
                "θ is right, but return the new v, which the next step needs."),
        Mistake("sign error", _rmsprop_variant(sign=-1.0),
                "the step goes uphill: θ − η·g / (√v + ε)."),
    ),
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
                  absolute=False, sign=1.0) -> Callable:
    def step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        if swapped:
            m = beta1 * grad + (1 - beta1) * m
            v = beta2 * grad**2 + (1 - beta2) * v
        else:
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * (np.abs(grad) if absolute else grad**2)
        with np.errstate(divide="ignore", invalid="ignore"):
            m_hat = m / (1 - beta1**(t + t_shift)) if correct else m
            v_hat = v / (1 - beta2**(t + t_shift)) if correct else v
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
        _adam_case([1.0, -2.0], [0.5, -4.0], [0.2, -0.3], [0.04, 0.5], 5, 0.01),
        # Tiny gradients: here eps inside or outside the square root makes a difference.
        _adam_case([0.5, 0.5], [2e-7, -1e-7], [1e-7, -1e-7], [1e-14, 4e-14], 3, 0.01),
    ),
    mistakes=(
        Mistake("no bias correction", _adam_variant(correct=False),
                "divide by the bias corrections: m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ), "
                "then step with m̂ / (√v̂ + ε). Without them the first steps are far too "
                "large (the averages start at zero)."),
        Mistake("eps inside the square root", _adam_variant(eps_inside=True),
                "ε goes outside the square root, √v̂ + ε (PyTorch's and the paper's "
                "placement); √(v̂ + ε) is a different method when gradients are tiny."),
        Mistake("t - 1 in the correction", _adam_variant(t_shift=-1),
                "t is already the number of this step (1 for the first): use β₁ᵗ and β₂ᵗ "
                "with this t, not t − 1 (which divides by zero at t = 1)."),
        Mistake("t + 1 in the correction", _adam_variant(t_shift=1),
                "t is already the number of this step (1 for the first): use β₁ᵗ and β₂ᵗ "
                "with this t, not t + 1 (do not increment it before using it)."),
        Mistake("betas on the new gradient", _adam_variant(swapped=True),
                "β weighs the *old* average: m = β₁·m + (1 − β₁)·g and "
                "v = β₂·v + (1 − β₂)·g², not β₁·g + (1 − β₁)·m."),
        Mistake("|g| instead of g squared", _adam_variant(absolute=True),
                "v averages the *squared* gradient, g² = g * g (elementwise), not |g|."),
        Mistake("efficient version", _efficient_version,
                "that is the paper's \"efficient version\" (ε added to √v before the "
                "correction). It equals this update with ε divided by √(1 − β₂ᵗ), which "
                "shows for small gradients. Use the form PyTorch (and Algorithm 1) computes: "
                "θ − η·m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)."),
        Mistake("bias-corrected averages returned", _returns_corrected,
                "θ is right, but return the *uncorrected* m and v: the next step continues "
                "the running averages, and the correction 1 − βᵗ is applied afresh each step."),
        Mistake("sign error", _adam_variant(sign=-1.0),
                "the step goes uphill: θ − η·m̂ / (√v̂ + ε)."),
    ),
)

EXERCISES = {"momentum_step": MOMENTUM_STEP, "rmsprop_step": RMSPROP_STEP,
             "adam_step": ADAM_STEP}


def check_momentum_step(momentum_step: Callable) -> CheckResult:
    """Check ``momentum_step(theta, buf, grad, lr, momentum)`` → ``(theta, buf)``.

    PyTorch's form: ``buf = momentum * buf + grad``, then ``theta = theta - lr * buf``
    (``buf`` is the momentum buffer b, often called the velocity).
    """
    return MOMENTUM_STEP.check(momentum_step)


def check_rmsprop_step(rmsprop_step: Callable) -> CheckResult:
    """Check ``rmsprop_step(theta, grad, v, lr, alpha, eps)`` → ``(theta, v)``.

    ``v = alpha * v + (1 - alpha) * grad**2``, then ``theta - lr * grad / (sqrt(v) + eps)``.
    """
    return RMSPROP_STEP.check(rmsprop_step)


def check_adam_step(adam_step: Callable) -> CheckResult:
    """Check ``adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps)`` → ``(theta, m, v)``.

    ``t`` is the number of this step, 1 for the first; ``m̂ = m / (1 − β₁ᵗ)``,
    ``v̂ = v / (1 − β₂ᵗ)`` and ``θ − lr · m̂ / (√v̂ + eps)``.
    """
    return ADAM_STEP.check(adam_step)
