r"""Exercises on the practitioner's side of training: one step, reading curves, picking a rate.

* :func:`check_gd_step` — the warm-up of chapter 0: one step of plain gradient descent.
* :func:`check_theta_after` — chapter 0: the iterate after ``t`` steps on a diagonal
  quadratic, in closed form (each coordinate shrinks by :math:`1 - \eta\lambda_i` per step).
* :func:`check_diagnose` — chapter 7: name what a pair of loss curves shows
  (``"diverged"``, ``"noisy"``, ``"flat"``, ``"overfitting"`` or ``"healthy"``) by
  fixed rules.
* :func:`check_suggest_rates` — chapter 7: two rates a learning-rate range test
  suggests (the steepest fall of the centred, lag-free smoothing of the losses against
  log(lr), and a tenth of the rate at its minimum), as
  :func:`gdcourse.lr_finder.suggest_lrs` computes them.
"""

from __future__ import annotations

import warnings
from typing import Callable

import numpy as np

from .._messages import F_
from ..lr_finder import RangeTestResult, smooth_losses
from ._checking import (Call, Case, CheckResult, Exercise, Mistake, Requirement,
                        inputs_unchanged, same_shape)

__all__ = ["check_gd_step", "check_theta_after", "check_diagnose", "check_suggest_rates"]

# --------------------------------------------------------------------------------------
# 1. One step of gradient descent (the warm-up of chapter 0)
# --------------------------------------------------------------------------------------


def _gd_step(theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
    """θ_t = θ_{t-1} − η g_t, as a new array."""
    return theta - lr * grad


def _gd_step_sign(theta, grad, lr):
    return theta + lr * grad


def _gd_step_no_lr(theta, grad, lr):
    return theta - grad


def _gd_step_only(theta, grad, lr):
    return -lr * grad


def _gd_step_only_positive(theta, grad, lr):
    return lr * grad


def _gd_step_swapped(theta, grad, lr):
    return grad - lr * theta


def _gd_step_list(theta, grad, lr):
    return (theta - lr * grad).tolist()


def _gd_step_list_of_entries(theta, grad, lr):
    return list(theta - lr * grad)


def _gd_step_prints(theta, grad, lr):
    return None


def _changed_in_place_returned_nothing(call: Call) -> str | None:
    before, after = call.before.get("theta"), call.arguments.get("theta")
    if call.result is not None or not isinstance(before, np.ndarray):
        return None
    if isinstance(after, np.ndarray) and after.shape == before.shape and not np.array_equal(
            after, before):
        return F_("your function changed `theta` in place and returned None.")
    return None


def _gd_step_divided(theta, grad, lr):
    return theta - grad / lr


def _gd_step_times_theta(theta, grad, lr):
    return theta - lr * grad * theta


def _gd_case(theta: list, grad: list, lr: float) -> Case:
    return Case(f"theta={theta}, grad={grad}, lr={lr:g}",
                lambda impl: impl(np.array(theta, dtype=float), np.array(grad, dtype=float), lr))


def _seeded(seed: int, shape: tuple[int, ...]) -> list:
    return np.random.default_rng(seed).normal(size=shape).round(3).tolist()


_STEP_ONLY = ("return the new parameters θ − lr·g, not the step (±lr·g) alone: start from "
              "theta.")
_STEP_ONLY_NUDGE = "look at what you return: the new parameters."

GD_STEP = Exercise(
    title="one step of gradient descent",
    reference=_gd_step,
    cases=(_gd_case([1.0, -2.0], [4.0, 1.0], 0.1),
           _gd_case([0.5, 0.5, 3.0], [-2.0, 0.0, 1.0], 0.25),
           _gd_case([[1.0, 2.0], [3.0, 4.0]], [[1.0, -1.0], [2.0, 0.5]], 0.5),
           _gd_case(_seeded(81, (3, 4)), _seeded(82, (3, 4)), 0.03)),
    mistakes=(
        Mistake("sign error", _gd_step_sign,
                "gradient descent steps against the gradient: θ − lr·g, not θ + lr·g "
                "(the gradient points uphill).",
                nudge="look at the direction of your step: does it go against the gradient?"),
        Mistake("learning rate forgotten", _gd_step_no_lr,
                "the step is the gradient times the learning rate: θ − lr·g, not θ − g.",
                nudge="look at the size of your step: where is lr?"),
        Mistake("divided by the learning rate", _gd_step_divided,
                "the learning rate multiplies the gradient: θ − lr·g, not θ − g / lr.",
                nudge="look at how lr enters the step."),
        Mistake("the step only", _gd_step_only, _STEP_ONLY, nudge=_STEP_ONLY_NUDGE),
        Mistake("the step only, without the minus", _gd_step_only_positive, _STEP_ONLY,
                nudge=_STEP_ONLY_NUDGE),
        Mistake("theta and grad swapped", _gd_step_swapped,
                "theta and grad have swapped roles: the step starts from theta and moves "
                "by lr·grad, θ − lr·g (not g − lr·θ).",
                nudge="look at which array you start from and which one you scale."),
        Mistake("times theta", _gd_step_times_theta,
                "the step is lr·g, whatever θ is: θ − lr·g, not θ − lr·g·θ.",
                nudge="look at the step: it does not depend on θ itself."),
        Mistake("a list", _gd_step_list,
                "the values are right, but return a NumPy array: `theta - lr * grad` is one "
                "already (no loop, no list needed).",
                nudge="look at the type of what you return: a NumPy array."),
        Mistake("a list of rows", _gd_step_list_of_entries,
                "the values are right, but return a NumPy array: `theta - lr * grad` is one "
                "already (no loop, no list needed).",
                nudge="look at the type of what you return: a NumPy array."),
        Mistake("nothing returned", _gd_step_prints,
                "your function returns None: end it with `return theta - lr * grad` (print() "
                "only shows a value, it does not return it).",
                nudge="look at what your function returns."),
    ),
    requirements=(
        Requirement("in place, nothing returned",
                    "`theta -= lr * grad` changes the caller's array in place, and the "
                    "function then returns None: return the new parameters, "
                    "`return theta - lr * grad`.",
                    _changed_in_place_returned_nothing, watch=("theta",),
                    explains_failures=True, aspect="Inputs"),
        inputs_unchanged(
            "theta", "grad",
            hint="the exercise asks for a new array: `theta -= lr * grad` writes into the "
                 "caller's theta. Return `theta - lr * grad`, which leaves theta as it was."),
        same_shape("theta"),
    ),
    formula="θ_t = θ_(t−1) − η·g_t (η = lr, g_t = grad), as a new array",
    rtol=1e-12,
    atol=1e-15,
)


def check_gd_step(gd_step: Callable) -> CheckResult:
    """Check ``gd_step(theta, grad, lr)`` → the new array ``theta - lr * grad``.

    The caller's ``theta`` must be left as it was.
    """
    return GD_STEP.check(gd_step)


# --------------------------------------------------------------------------------------
# 2. The iterate after t steps on a diagonal quadratic (chapter 0)
# --------------------------------------------------------------------------------------


def _theta_after(theta0: np.ndarray, curvatures: np.ndarray, lr: float, t: int) -> np.ndarray:
    """θ_t = (1 − η λ)^t θ_0, element by element, for L(θ) = ½ Σ_i λ_i θ_i²."""
    return (1.0 - lr * curvatures) ** t * theta0


def _theta_after_sign(theta0, curvatures, lr, t):
    return (1.0 + lr * curvatures) ** t * theta0


def _theta_after_one_step_less(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures) ** (t - 1) * theta0


def _theta_after_no_lr(theta0, curvatures, lr, t):
    return (1.0 - curvatures) ** t * theta0


def _theta_after_no_curvature(theta0, curvatures, lr, t):
    return (1.0 - lr) ** t * theta0


def _theta_after_one_step(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures) * theta0


def _theta_after_one_step_more(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures) ** (t + 1) * theta0


def _theta_after_linear(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures * t) * theta0


def _theta_after_flow(theta0, curvatures, lr, t):
    return np.exp(-lr * curvatures * t) * theta0


def _theta_after_power_of_product(theta0, curvatures, lr, t):
    return (1.0 - (lr * curvatures) ** t) * theta0


def _theta_after_times_t(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures) * t * theta0


def _theta_after_no_theta0(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures) ** t


def _theta_after_first_step_always(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures) ** max(t, 1) * theta0


def _theta_after_curvature_to_the_t(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures ** t) * theta0


def _theta_after_theta_to_the_t(theta0, curvatures, lr, t):
    return (1.0 - lr * curvatures) * theta0 ** t


def _theta_case(theta0: list, curvatures: list, lr: float, t: int) -> Case:
    return Case(f"theta0={theta0}, curvatures={curvatures}, lr={lr:g}, t={t}",
                lambda impl: impl(np.array(theta0, dtype=float),
                                  np.array(curvatures, dtype=float), lr, t))


_THETA_NUDGE = "look at the factor of one step, 1 − η·λᵢ, and how often it is applied."

THETA_AFTER = Exercise(
    title="the iterate after t steps on a diagonal quadratic",
    reference=_theta_after,
    cases=(_theta_case([1.0, 1.0], [1.0, 10.0], 0.1, 100),     # chapter 0's bowl
           _theta_case([2.0, -1.0, 0.5], [0.5, 2.0, 4.0], 0.2, 3),
           _theta_case([3.0, -4.0], [1.0, 3.0], 0.25, 0),      # no step: θ_0 itself
           _theta_case([[1.5, -2.0], [0.5, 1.0]], [[0.5, 1.0], [2.0, 8.0]], 0.3, 7),
           _theta_case(_seeded(83, (5,)), np.round(np.random.default_rng(84).uniform(
               0.1, 5.0, 5), 3).tolist(), 0.35, 12)),
    mistakes=(
        Mistake("sign error", _theta_after_sign,
                "gradient descent steps against the gradient λθ: θ_t = θ_{t-1} − ηλθ_{t-1} "
                "= (1 − ηλ) θ_{t-1}, so the factor is 1 − ηλ, not 1 + ηλ.",
                nudge="look at the sign in the factor: a step goes against the gradient."),
        Mistake("one step less", _theta_after_one_step_less,
                "θ_t is the point after t updates (t = 1 is the first, θ_0 the start), so "
                "the factor is raised to the power t, not t − 1.",
                nudge="look at the power: how many updates lead from θ_0 to θ_t?"),
        Mistake("one step more", _theta_after_one_step_more,
                "θ_t is the point after t updates (θ_0 the start, untouched at t = 0), so "
                "the factor is raised to the power t, not t + 1.",
                nudge="look at the power: how many updates lead from θ_0 to θ_t?"),
        Mistake("learning rate forgotten", _theta_after_no_lr,
                "the factor is 1 − η·λ: the learning rate multiplies the curvature.",
                nudge="look at the factor: where is the learning rate?"),
        Mistake("curvature forgotten", _theta_after_no_curvature,
                "each coordinate has its own factor 1 − η·λ_i: multiply lr by the array of "
                "curvatures.",
                nudge="look at the factor: each coordinate has its own curvature."),
        Mistake("one step only", _theta_after_one_step,
                "t steps apply the factor t times: raise (1 − η·λ) to the power t.",
                nudge="look at how often the factor is applied: t times."),
        Mistake("t times the step", _theta_after_linear,
                "the steps multiply, they do not add: t steps give (1 − η·λ)ᵗ·θ_0, not "
                "(1 − t·η·λ)·θ_0.",
                nudge=_THETA_NUDGE),
        Mistake("times t instead of the power t", _theta_after_times_t,
                "t steps multiply by the factor t times: (1 − η·λ) ** t, a power, not "
                "(1 − η·λ) · t.",
                nudge=_THETA_NUDGE),
        Mistake("θ₀ forgotten", _theta_after_no_theta0,
                "that is the factor (1 − η·λ)ᵗ alone: multiply it by theta0 to get θ_t.",
                nudge="look at what you return: the point θ_t, not the factor."),
        Mistake("one step even for t = 0", _theta_after_first_step_always,
                "for t = 0 no step is taken: θ_0 = theta0 itself. A first step taken before "
                "the loop (or range(t − 1)) still moves it.",
                nudge="look at t = 0: how many steps are taken?"),
        Mistake("gradient flow", _theta_after_flow,
                "e^(−ηλt)·θ_0 is gradient flow, the limit of infinitely small steps; finite "
                "steps multiply by 1 − η·λ each: (1 − η·λ)ᵗ·θ_0.",
                nudge=_THETA_NUDGE),
        Mistake("power of the product", _theta_after_power_of_product,
                "raise the whole factor to the power t, (1 − η·λ)ᵗ, with brackets: "
                "1 − (η·λ)ᵗ is another number.",
                nudge="look at the brackets: which part is raised to the power t?"),
        Mistake("curvatures raised to t", _theta_after_curvature_to_the_t,
                "raise the whole factor to the power t, (1 − η·λ) ** t, with brackets: "
                "`1 - lr * curvatures ** t` raises only the curvatures.",
                nudge="look at the brackets: which part is raised to the power t?"),
        Mistake("θ₀ raised to t", _theta_after_theta_to_the_t,
                "the factor is raised to the power t, not θ_0: (1 − η·λ) ** t * theta0, "
                "with brackets around the factor.",
                nudge="look at the brackets: which part is raised to the power t?"),
    ),
    requirements=(
        inputs_unchanged(
            "theta0",
            hint="the values are right, but `theta0 *= ...` (or `theta0[...] = ...`) also "
                 "changes the caller's array (the same object): compute a new one, "
                 "`(1 - lr * curvatures) ** t * theta0`."),
        same_shape("theta0"),
    ),
    formula="θ_t = (1 − η·λᵢ)ᵗ · θ_0 for each coordinate i (element-wise)",
    rtol=1e-10,
    atol=1e-300,
)


def check_theta_after(theta_after: Callable) -> CheckResult:
    """Check ``theta_after(theta0, curvatures, lr, t)`` → ``(1 - lr * curvatures) ** t * theta0``.

    The caller's ``theta0`` must be left as it was.
    """
    return THETA_AFTER.check(theta_after)


# --------------------------------------------------------------------------------------
# 2. Reading loss curves: diagnose(train_losses, val_losses)
# --------------------------------------------------------------------------------------

#: The labels :func:`check_diagnose` expects, in the order the rules are tried.
LABELS = ("diverged", "noisy", "flat", "overfitting", "healthy")


def _rules(train_losses, val_losses, *, nan_check=True, flat_from_means=True,
           noise_on_tail=True, best_val=True, on_val=True, noisy_first=True, ddof=0,
           noise_scale="head", tail_from=None, diverged_at_equal=False, noisy_at_equal=False,
           flat_strict=False, overfit_at_equal=False, previous_val=False,
           diverged_vs_head=False, flat_vs_first=False, overfit_before_flat=False,
           noisy_before_diverged=False, diverged_last_only=False) -> str:
    """The rules of the exercise; each flag away from its default gives one known mistake."""
    train = np.asarray(train_losses, dtype=float)
    val = np.asarray(val_losses, dtype=float)
    head = train[:10]
    tail = train[-10:] if tail_from is None else train[tail_from:]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of an empty slice
        # 1. A NaN or inf anywhere, or a loss above 10 times the first one.
        limit = 10 * (head.mean() if diverged_vs_head else train[0])
        watched_for_blowup = train[-1:] if diverged_last_only else train
        above = (np.any(watched_for_blowup >= limit) if diverged_at_equal
                 else np.any(watched_for_blowup > limit))

        def diverged():
            if nan_check:
                return not np.all(np.isfinite(train)) or above
            return train.max() > limit  # NaN > x is False, and max() of a NaN array is NaN

        # 2. The last ten losses scatter by more than 10 % of the mean of the first ten.
        def noisy():
            scatter = tail.std(ddof=ddof) if noise_on_tail else train.std()
            scale = 0.1 * (head.mean() if noise_scale == "head" else tail.mean())
            return scatter >= scale if noisy_at_equal else scatter > scale

        # 3. The last ten losses are on average at least 95 % of the first ten.
        def flat():
            if not flat_from_means:
                return train[-1] >= 0.95 * train[0]
            ratio = 0.95 * (train[0] if flat_vs_first else head.mean())
            return tail.mean() > ratio if flat_strict else tail.mean() >= ratio

        # 4. The last validation loss is more than 10 % above the best one.
        def overfitting():
            watched = val if on_val else train
            if previous_val:
                base = watched[-2] if len(watched) > 1 else watched[-1]
            else:
                base = watched.min() if best_val else watched[0]
            return (watched[-1] >= 1.1 * base) if overfit_at_equal else (
                watched[-1] > 1.1 * base)

        rules = [("noisy", noisy), ("flat", flat)] if noisy_first else [("flat", flat),
                                                                         ("noisy", noisy)]
        rules.insert(1 if overfit_before_flat else 2, ("overfitting", overfitting))
        rules.insert(1 if noisy_before_diverged else 0, ("diverged", diverged))
        for label, rule in rules:
            if rule():
                return label
    return "healthy"


def _diagnose(train_losses, val_losses) -> str:
    """The reference: the rules of the exercise, tried in order."""
    return _rules(train_losses, val_losses)


def _diagnose_nan_missed(train_losses, val_losses):
    return _rules(train_losses, val_losses, nan_check=False)


def _diagnose_flat_from_two_points(train_losses, val_losses):
    return _rules(train_losses, val_losses, flat_from_means=False)


def _diagnose_noise_over_whole_curve(train_losses, val_losses):
    return _rules(train_losses, val_losses, noise_on_tail=False)


def _diagnose_gap_from_first(train_losses, val_losses):
    return _rules(train_losses, val_losses, best_val=False)


def _diagnose_gap_on_train(train_losses, val_losses):
    return _rules(train_losses, val_losses, on_val=False)


def _diagnose_always_healthy(train_losses, val_losses):
    return "healthy"


_EMPTY_VAL_ERROR = "an error (val_losses is empty)"


def _diagnose_val_first(train_losses, val_losses):
    val = np.asarray(val_losses, dtype=float)
    if val.size == 0:
        raise IndexError("index -1 is out of bounds for axis 0 with size 0")
    return _rules(train_losses, val_losses)


def _one_of_the_labels(call: Call) -> str | None:
    value = call.result
    if value is None:
        return F_("your function returned None, not a label.")
    if isinstance(value, str) and value not in LABELS:
        return F_("{value} is not one of the labels {labels}.", value=repr(value),
                  labels=", ".join(map(repr, LABELS)))
    return None


def _diagnose_with(**flags) -> Callable:
    def diagnose(train_losses, val_losses):
        return _rules(train_losses, val_losses, **flags)
    return diagnose


def _steps(n: int = 60) -> np.ndarray:
    return np.arange(n, dtype=float)


def _wiggle(n: int, amplitude: float) -> np.ndarray:
    # A deterministic up-and-down pattern, +amplitude and -amplitude alternately.
    return amplitude * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)


def _curve_nan():
    train = 2.3 * np.exp(-_steps() / 15) + 0.1
    train[45:] = np.nan                     # NaN from step 45 on, never a huge number
    return train, np.array([2.0, 1.2, 0.8, 0.6, 0.5, np.nan])


def _curve_flat():
    train = 2.30 + _wiggle(60, 0.01)
    train[-1] = 2.05                        # one low last value: the curve is still flat
    return train, np.array([2.30, 2.30, 2.29, 2.30, 2.29, 2.30])


def _curve_noisy():
    train = 1.5 * np.exp(-_steps() / 10) + 0.6 + _wiggle(60, 0.3)
    return train, np.array([1.2, 0.9, 0.8, 0.75, 0.74, 0.73])


def _curve_healthy():
    train = 2.3 * np.exp(-_steps() / 12) + 0.05 + _wiggle(60, 0.002)
    return train, np.array([1.5, 0.6, 0.3, 0.2, 0.15, 0.14])


def _curve_overfitting_late():
    # Validation falls to 0.4 and climbs back to 0.8: still below its first value.
    train = 2.3 * np.exp(-_steps() / 12) + 0.05
    return train, np.array([2.0, 0.9, 0.4, 0.5, 0.65, 0.8])


def _curve_overfitting_early():
    # Validation is best after the first epoch and ends above it.
    train = 1.0 * np.exp(-_steps() / 12) + 0.02
    return train, np.array([0.5, 0.45, 0.52, 0.6, 0.7, 0.8])


def _falling(n: int = 20) -> np.ndarray:
    return 2.3 * np.exp(-_steps(n) / 5) + 0.1


def _curve_small_first_loss():
    # A first loss of 0.5, then about 3: the 6.0 is more than 10 × the first loss (5.0),
    # though less than 10 × the mean of the first ten.
    train = np.r_[0.5, np.full(19, 3.0) * np.exp(-_steps(19) / 10)]
    train[15] = 6.0
    return train, np.array([3.0, 2.0, 1.5])


def _curve_blowup_at_the_end():
    # 20.0 at the very end: above 10 × the first loss, and the last ten scatter a lot.
    return np.r_[np.ones(10), np.full(9, 0.5), 20.0], np.array([1.0, 0.6])


def _curve_spike_that_recovers():
    # One 30.0 at step 16, then back to 0.5: the run counts as diverged all the same.
    train = np.r_[np.ones(10), np.full(10, 0.5)]
    train[15] = 30.0
    return train, np.array([1.0, 0.6])


def _curve_diverged_boundary():
    train = np.r_[np.ones(10), np.full(10, 0.5)]
    train[4] = 10.0                          # exactly 10 times the first: not above it
    return train, np.array([1.0, 0.6, 0.5])


def _alternating(mean: float, deviation: float, n: int = 10) -> np.ndarray:
    return mean + _wiggle(n, deviation)


def _curve_noise_boundary():
    # Standard deviation of the last ten exactly 0.5 = 0.1 × 5.0, the mean of the first ten.
    return np.r_[np.full(10, 5.0), _alternating(2.0, 0.5)], np.array([3.0, 2.0, 2.1])


def _curve_noise_ddof():
    # np.std (ddof=0) 0.49 < 0.5; with ddof=1 it would be 0.517 > 0.5.
    return np.r_[np.full(10, 5.0), _alternating(2.0, 0.49)], np.array([3.0, 2.0, 2.1])


def _curve_noise_small():
    # Scatter 0.3: above 10 % of the last ten's mean (0.2), below 10 % of the first ten's.
    return np.r_[np.full(10, 5.0), _alternating(2.0, 0.3)], np.array([3.0, 2.0, 2.1])


def _curve_flat_boundary():
    # The mean of the last ten, 19.0, is exactly 0.95 × 20.0: "at least" counts it as flat.
    return np.r_[np.full(10, 20.0), np.full(10, 19.0)], np.array([20.0, 19.5, 19.0])


def _curve_overfit_boundary():
    # The last validation loss, 0.55, is exactly 1.1 × the best, 0.5: not above it.
    return _falling(), np.array([1.0, 0.5, 0.55])


def _curve_overfit_turning_back():
    # Validation rose from its best 0.5 to 0.9 and falls back a little at the end.
    return _falling(), np.array([1.0, 0.5, 0.9, 0.8])


def _curve_noisy_and_flat():
    # The last ten scatter by ±0.3 around the start's level: noisy *and* flat.
    return np.r_[np.ones(10), _alternating(1.0, 0.3)], np.array([1.0, 1.0, 1.0])


def _curve_ten_losses():
    return np.linspace(2.0, 1.9, 10), np.array([2.0, 1.95])


def _curve_flat_and_overfitting():
    return np.ones(20), np.array([1.0, 2.0])


def _curve_flat_against_the_mean():
    # The first loss, 2.0, is above the others: the last ten (1.05) are at least 0.95 × the
    # mean of the first ten (1.1), though far below 0.95 × the first loss.
    return np.r_[2.0, np.ones(9), np.full(10, 1.05)], np.array([1.0, 0.9])


def _curve_diverged_without_validation():
    train = np.ones(20)
    train[1] = np.nan
    return train, np.array([])


def _diagnose_case(description: str, make: Callable) -> Case:
    def run(impl):
        train, val = make()
        if val.size:
            return impl(train, val)
        try:  # a diverged run may end before its first validation loss
            return impl(train, val)
        except (IndexError, ValueError):
            return _EMPTY_VAL_ERROR
    return Case(description, run)


DIAGNOSE = Exercise(
    title="diagnose a training run from its loss curves",
    reference=_diagnose,
    cases=(
        _diagnose_case(F_("training losses that turn NaN at step 45 (no huge value before)"),
                       _curve_nan),
        _diagnose_case(F_("training losses stuck at 2.30 with one low last value 2.05"),
                       _curve_flat),
        _diagnose_case(F_("training losses falling to about 0.6 and jumping ±0.3 every step"),
                       _curve_noisy),
        _diagnose_case(F_("training losses falling smoothly; validation 1.5 → 0.14"),
                       _curve_healthy),
        _diagnose_case(F_("training losses falling smoothly; validation 2.0 → 0.4 → 0.8"),
                       _curve_overfitting_late),
        _diagnose_case(F_("training losses falling smoothly; validation 0.5 → 0.45 → 0.8"),
                       _curve_overfitting_early),
        _diagnose_case(F_("a first training loss of 0.5, then about 3 and falling, with one "
                          "6.0 at step 16"), _curve_small_first_loss),
        _diagnose_case(F_("training losses 1.0, then 0.5, and 20.0 at the last step"),
                       _curve_blowup_at_the_end),
        _diagnose_case(F_("training losses 1.0, then 0.5, with one 30.0 at step 16 (it "
                          "recovers)"), _curve_spike_that_recovers),
        _diagnose_case(F_("training losses 1.0 with one 10.0 (exactly 10 × the first), then "
                          "0.5"), _curve_diverged_boundary),
        _diagnose_case(F_("ten losses 5.0, then ten alternating 2.5, 1.5 (np.std exactly 0.5)"),
                       _curve_noise_boundary),
        _diagnose_case(F_("ten losses 5.0, then ten alternating 2.49, 1.51 (np.std 0.49)"),
                       _curve_noise_ddof),
        _diagnose_case(F_("ten losses 5.0, then ten alternating 2.3, 1.7 (np.std 0.3)"),
                       _curve_noise_small),
        _diagnose_case(F_("ten losses 20.0, then ten 19.0 (exactly 0.95 × 20.0)"),
                       _curve_flat_boundary),
        _diagnose_case(F_("training losses falling smoothly; validation 1.0, 0.5, 0.55 (exactly "
                          "1.1 × the best)"), _curve_overfit_boundary),
        _diagnose_case(F_("training losses falling smoothly; validation 1.0, 0.5, 0.9, 0.8"),
                       _curve_overfit_turning_back),
        _diagnose_case(F_("ten losses 1.0, then ten alternating 1.3, 0.7 (noisy and flat)"),
                       _curve_noisy_and_flat),
        _diagnose_case(F_("only ten training losses, 2.0 down to 1.9"), _curve_ten_losses),
        _diagnose_case(F_("twenty training losses of 1.0; validation 1.0, 2.0 (flat and "
                          "overfitting)"), _curve_flat_and_overfitting),
        _diagnose_case(F_("a first training loss of 2.0, then 1.0 nine times, then 1.05 ten "
                          "times"), _curve_flat_against_the_mean),
        _diagnose_case(F_("training losses with a NaN at step 2, and no validation loss at all "
                          "(val_losses = [])"), _curve_diverged_without_validation),
    ),
    mistakes=(
        Mistake("NaN not detected", _diagnose_nan_missed,
                "a comparison with NaN is always False (`np.nan > 1e6` is False, and "
                "`max()` of an array with a NaN is NaN): test `np.isfinite` explicitly.",
                nudge="look at the run that turns NaN: is it caught by rule 1?"),
        Mistake("flat judged from two single losses", _diagnose_flat_from_two_points,
                "compare the means of the first ten and the last ten losses: one "
                "mini-batch loss is noisy, and a single low value can hide a flat curve.",
                nudge="look at rule 3: means of ten losses, not single losses."),
        Mistake("noise measured over the whole curve", _diagnose_noise_over_whole_curve,
                "measure the scatter on the last ten losses only: over the whole curve the "
                "standard deviation mostly measures how far the loss has fallen.",
                nudge="look at rule 2: the scatter of the last ten losses only."),
        Mistake("noise scaled by the last ten", _diagnose_with(noise_scale="tail"),
                "rule 2 compares the scatter of the last ten losses with 0.1 × the mean of "
                "the *first* ten, not of the last ten.",
                nudge="look at rule 2: 10 % of which mean?"),
        Mistake("sample standard deviation", _diagnose_with(ddof=1),
                "use np.std as it is (ddof=0, the spread of the ten values themselves); "
                "ddof=1 (statistics.stdev, pandas' std) gives a larger number.",
                nudge="look at rule 2: which standard deviation does np.std compute?"),
        Mistake("everything after the first ten", _diagnose_with(tail_from=10),
                "the last ten losses are train_losses[-10:]; train_losses[10:] is everything "
                "after the first ten (and empty for a run of ten steps).",
                nudge="look at how you take the last ten losses."),
        Mistake("flat against the first loss", _diagnose_with(flat_vs_first=True),
                "rule 3 compares the mean of the last ten losses with 0.95 times the *mean of "
                "the first ten*, not with the first loss alone.",
                nudge="look at rule 3: 0.95 times which number?"),
        Mistake("overfitting tested before flat", _diagnose_with(overfit_before_flat=True),
                "try the rules in the order given: a curve that is flat and whose validation "
                "loss rises is \"flat\" (rule 3 comes before rule 4).",
                nudge="look at the order of your rules."),
        Mistake("validation read before rule 1", _diagnose_val_first,
                "a run that diverged may have no validation loss at all (val_losses = []): "
                "test rule 1 first, and read val_losses only for rule 4.",
                nudge="look at the diverged run without validation losses."),
        Mistake("always healthy", _diagnose_always_healthy,
                "apply the four rules in order and return the label of the first that "
                "applies; \"healthy\" only when none does.",
                nudge="look at the rules: each case needs its own label."),
        Mistake("flat tested before noisy", _diagnose_with(noisy_first=False),
                "try the rules in the order given: a curve that is both noisy and flat is "
                "\"noisy\" (rule 2 comes before rule 3).",
                nudge="look at the order of your rules."),
        Mistake("diverged against the first ten's mean", _diagnose_with(diverged_vs_head=True),
                "rule 1 compares every loss with 10 times the *first* training loss, "
                "train_losses[0], not with the mean of the first ten.",
                nudge="look at rule 1: 10 times which loss?"),
        Mistake("noisy tested before diverged", _diagnose_with(noisy_before_diverged=True),
                "try the rules in the order given: a run that blew up is \"diverged\" even if "
                "its last losses also scatter (rule 1 comes before rule 2).",
                nudge="look at the order of your rules."),
        Mistake("diverged judged on the last loss only", _diagnose_with(
            diverged_last_only=True),
                "rule 1 looks at *every* training loss: a run whose loss once climbed above 10 "
                "times the first counts as diverged even if it came back down "
                "(np.any(train_losses > 10 * train_losses[0])).",
                nudge="look at rule 1: any loss, or only the last one?"),
        Mistake("diverged at exactly 10 times", _diagnose_with(diverged_at_equal=True),
                "rule 1 says *larger than* 10 times the first loss: `>`, not `>=`.",
                nudge="look at rule 1's comparison: what happens at exactly 10 times?"),
        Mistake("noisy at exactly 10 %", _diagnose_with(noisy_at_equal=True),
                "rule 2 says *larger than* 0.1 times the mean: `>`, not `>=`.",
                nudge="look at rule 2's comparison: what happens at exactly 10 %?"),
        Mistake("flat only above 95 %", _diagnose_with(flat_strict=True),
                "rule 3 says *at least* 0.95 times the mean: `>=`, not `>`.",
                nudge="look at rule 3's comparison: what happens at exactly 95 %?"),
        Mistake("overfitting at exactly 10 % above", _diagnose_with(overfit_at_equal=True),
                "rule 4 says *larger than* 1.1 times the smallest validation loss: `>`, not "
                "`>=`.",
                nudge="look at rule 4's comparison: what happens at exactly 1.1 times?"),
        Mistake("overfitting compared with the first validation loss", _diagnose_gap_from_first,
                "compare the last validation loss with the best (smallest) one, not the "
                "first: validation can fall a lot, then climb back while still below its start.",
                nudge="look at rule 4: compared with which validation loss?"),
        Mistake("overfitting compared with the previous validation loss",
                _diagnose_with(previous_val=True),
                "compare the last validation loss with the best (smallest) one, not the one "
                "before it: a validation loss that rose and dips a little at the end still "
                "overfits.",
                nudge="look at rule 4: compared with which validation loss?"),
        Mistake("overfitting judged on the training losses", _diagnose_gap_on_train,
                "overfitting shows on the validation losses (they rise while the training "
                "loss keeps falling); the training curve alone cannot show it.",
                nudge="look at rule 4: which curve does it read?"),
    ),
    requirements=(
        Requirement("one of the labels",
                    "return one of the five labels exactly as written, \"diverged\", "
                    "\"noisy\", \"flat\", \"overfitting\", \"healthy\" (a function that "
                    "prints its label instead returns None).",
                    _one_of_the_labels, explains_failures=True, aspect="Value"),
    ),
    answer="label",
    formula="in this order: diverged (a non-finite loss, or one > 10 × the first); noisy "
            "(np.std of the last 10 > 0.1 × mean of the first 10); flat (mean of the last 10 "
            "≥ 0.95 × mean of the first 10); overfitting (last validation loss > 1.1 × the "
            "smallest); else healthy",
)


def check_diagnose(diagnose: Callable) -> CheckResult:
    """Check ``diagnose(train_losses, val_losses)`` → one label of :data:`LABELS`."""
    return DIAGNOSE.check(diagnose)


# --------------------------------------------------------------------------------------
# 3. Picking the rate from a range test: suggest_rates(result)
# --------------------------------------------------------------------------------------


def _suggest_rates(result) -> tuple[float, float]:
    """(steepest, min/10) from ``result.lrs`` and ``result.centred_losses``."""
    lrs = np.asarray(result.lrs, dtype=float)
    centred = np.asarray(result.centred_losses, dtype=float)
    slopes = np.gradient(centred, np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(centred)] / 10)


def _suggest_rates_at_minimum(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    steepest, _ = _suggest_rates(result)
    return steepest, float(lrs[np.argmin(centred)])


def _suggest_rates_moving_average(result):
    # Both rules read off the lagging moving average instead of the centred curve.
    lrs, smoothed = np.asarray(result.lrs), np.asarray(result.smoothed_losses)
    slopes = np.gradient(smoothed, np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(smoothed)] / 10)


def _suggest_rates_raw_minimum(result):
    lrs = np.asarray(result.lrs)
    steepest, _ = _suggest_rates(result)
    return steepest, float(lrs[np.argmin(result.losses)] / 10)


def _suggest_rates_slope_in_lr(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    _, tenth = _suggest_rates(result)
    return float(lrs[np.argmin(np.gradient(centred, lrs))]), tenth


def _suggest_rates_raw_slope(result):
    lrs = np.asarray(result.lrs)
    _, tenth = _suggest_rates(result)
    return float(lrs[np.argmin(np.gradient(np.asarray(result.losses), np.log(lrs)))]), tenth


def _suggest_rates_steepest_rise(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    _, tenth = _suggest_rates(result)
    return float(lrs[np.argmax(np.gradient(centred, np.log(lrs)))]), tenth


def _one_sided_slope(result, forward: bool):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    slopes = np.diff(centred) / np.diff(np.log(lrs))
    index = int(np.argmin(slopes)) + (0 if forward else 1)
    return float(lrs[index]), float(lrs[np.argmin(centred)] / 10)


def _suggest_rates_forward(result):
    return _one_sided_slope(result, forward=True)


def _suggest_rates_backward(result):
    return _one_sided_slope(result, forward=False)


def _suggest_rates_indices(result):
    lrs = np.asarray(result.lrs)
    centred = np.asarray(result.centred_losses)
    return (int(np.argmin(np.gradient(centred, np.log(lrs)))), int(np.argmin(centred)) / 10)


def _suggest_rates_index_over_10(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    steepest, _ = _suggest_rates(result)
    return steepest, float(lrs[int(np.argmin(centred)) // 10])


def _suggest_rates_swapped(result):
    steepest, tenth = _suggest_rates(result)
    return tenth, steepest


def _suggest_rates_steepest_at_minimum(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    _, tenth = _suggest_rates(result)
    return float(lrs[np.argmin(centred)]), tenth


def _suggest_rates_minimum_of_average(result):
    lrs = np.asarray(result.lrs)
    steepest, _ = _suggest_rates(result)
    return steepest, float(lrs[np.argmin(result.smoothed_losses)] / 10)


def _suggest_rates_loss_over_10(result):
    steepest, _ = _suggest_rates(result)
    return steepest, float(np.min(result.centred_losses) / 10)


def _suggest_rates_times_10(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    steepest, _ = _suggest_rates(result)
    return steepest, float(lrs[np.argmin(centred)] * 10)


def _suggest_rates_raw_indices(result):
    lrs = np.asarray(result.lrs)
    centred = np.asarray(result.centred_losses)
    return int(np.argmin(np.gradient(centred, np.log(lrs)))), int(np.argmin(centred))


def _suggest_rates_log_loss(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.centred_losses)
    _, tenth = _suggest_rates(result)
    return float(lrs[np.argmin(np.gradient(np.log(centred), np.log(lrs)))]), tenth


def _range_test_curve(start: float, end: float, n: int, drop_at: float,
                      blow_at: float, noise: float, dip_at: int | None = None,
                      steepness: float = 4.0) -> RangeTestResult:
    """A made-up range test: flat, falling around ``drop_at``, rising after ``blow_at``.

    The clean curve stands for the centred smoothing; the raw losses add a fixed
    pattern of noise to it (and, at index ``dip_at``, one lucky batch with a tiny loss),
    and the moving average of those lags behind.
    """
    lrs = np.geomspace(start, end, n)
    x = np.log10(lrs)
    centred = (2.3 - 2.0 / (1 + np.exp(-steepness * (x - np.log10(drop_at))))
               + 3.0 * np.maximum(x - np.log10(blow_at), 0) ** 2)
    raw = centred + noise * np.where(np.arange(n) % 3 == 0, -1.0, 0.5)
    if dip_at is not None:
        raw[dip_at] = 0.05
    return RangeTestResult(lrs=lrs, losses=raw, smoothed_losses=smooth_losses(raw, 0.98),
                           stopped_early=False, stop_reason=None, centred_losses=centred,
                           smoothing=0.98)


def _rates_case(description: str, **curve) -> Case:
    return Case(description, lambda impl: impl(_range_test_curve(**curve)))


_INDICES = ("np.argmin gives a position in the array: return the rates at those positions, "
            "lrs[i] (and a tenth of the second one).")

SUGGEST_RATES = Exercise(
    title="two rates from a learning-rate range test",
    reference=_suggest_rates,
    cases=(
        # Each case: a gentle fall (so that one lucky batch, late, gives the raw losses a
        # steeper drop than the curve's) and the curve's steepest point off the middle
        # between two rates: in the first case above it (a forward difference picks the
        # rate before), in the second below it (a backward difference picks the one after).
        _rates_case(F_("a range test from 1e-5 to 10 (60 rates), falling fastest near 2.7e-3, "
                       "blowing up above 1, with one lucky batch (loss 0.05) at rate #37"),
                    start=1e-5, end=10.0, n=60, drop_at=0.00268, blow_at=1.0, noise=0.1,
                    steepness=2.5, dip_at=36),
        _rates_case(F_("a range test from 1e-6 to 1 (50 rates), falling fastest near 1.6e-4, "
                       "blowing up above 0.1, with one lucky batch (loss 0.05) at rate #31"),
                    start=1e-6, end=1.0, n=50, drop_at=0.000164, blow_at=0.1, noise=0.1,
                    steepness=2.0, dip_at=30),
    ),
    mistakes=(
        Mistake("rate at the minimum itself", _suggest_rates_at_minimum,
                "the second rate is a tenth of the rate at the smallest centred loss: at "
                "the minimum itself the loss is about to blow up, so that rate is too large.",
                nudge="look at the second rate: a tenth of the rate at the minimum."),
        Mistake("a tenth of the index", _suggest_rates_index_over_10,
                "divide the *rate* by 10, lrs[np.argmin(centred)] / 10, not the index: "
                "lrs[i // 10] is another rate of the grid.",
                nudge="look at the second rate: what is divided by 10?"),
        Mistake("indices instead of rates", _suggest_rates_indices, _INDICES,
                nudge="look at what you return: rates from result.lrs."),
        Mistake("indices instead of rates (no tenth)", _suggest_rates_raw_indices, _INDICES,
                nudge="look at what you return: rates from result.lrs."),
        Mistake("a tenth of the loss", _suggest_rates_loss_over_10,
                "min_over_10 is a tenth of the *rate* at the smallest centred loss, "
                "lrs[np.argmin(centred)] / 10, not a tenth of the loss itself.",
                nudge="look at the second value: a rate, divided by 10."),
        Mistake("ten times the rate", _suggest_rates_times_10,
                "min_over_10 is a *tenth* of the rate at the minimum: divide by 10.",
                nudge="look at the second value: divided, or multiplied?"),
        Mistake("slope of the log-loss", _suggest_rates_log_loss,
                "take the slope of the centred loss itself, np.gradient(centred, "
                "np.log(lrs)), not of its logarithm.",
                nudge="look at what you take the slope of: the centred loss."),
        Mistake("values swapped", _suggest_rates_swapped,
                "return the pair in the order the exercise gives: (steepest, min_over_10).",
                nudge="look at the order of the values you return."),
        Mistake("read off the moving average", _suggest_rates_moving_average,
                "use `result.centred_losses`, not `result.smoothed_losses`: the moving "
                "average lags the raw losses, so its steepest point and its minimum sit "
                "at larger rates than where the losses really fall and turn up.",
                nudge="look at which curve you read: the centred one."),
        Mistake("minimum of the moving average", _suggest_rates_minimum_of_average,
                "take the minimum of `result.centred_losses`, not of "
                "`result.smoothed_losses`: the moving average lags, so its minimum sits at "
                "a larger rate.",
                nudge="look at which curve gives the minimum: the centred one."),
        Mistake("minimum of the raw losses", _suggest_rates_raw_minimum,
                "take the minimum of `result.centred_losses`, not of the raw `result.losses`: "
                "a single lucky mini-batch makes the raw minimum jump around.",
                nudge="look at which curve gives the minimum: the centred one."),
        Mistake("slope against lr, not log(lr)", _suggest_rates_slope_in_lr,
                "the rates are spaced geometrically, so take the slope against log(lr): "
                "`np.gradient(centred, np.log(lrs))`; against lr itself the tiny spacing at "
                "small rates inflates the slope there.",
                nudge="look at the slope: against log(lr)."),
        Mistake("forward differences", _suggest_rates_forward,
                "np.diff gives the slope between neighbours i and i + 1, half a step to the "
                "right of rate i: use `np.gradient(centred, np.log(lrs))`, the central "
                "difference at each rate, as the exercise says.",
                nudge="look at how you compute the slopes: np.gradient, as the exercise "
                      "says."),
        Mistake("backward differences", _suggest_rates_backward,
                "np.diff gives the slope between neighbours i − 1 and i, half a step to the "
                "left of rate i: use `np.gradient(centred, np.log(lrs))`, the central "
                "difference at each rate, as the exercise says.",
                nudge="look at how you compute the slopes: np.gradient, as the exercise "
                      "says."),
        Mistake("slope of the raw losses", _suggest_rates_raw_slope,
                "take the slope of the centred losses: the raw ones jump from batch to "
                "batch, and their steepest point is a matter of luck.",
                nudge="look at which curve you take the slope of: the centred one."),
        Mistake("steepest rise", _suggest_rates_steepest_rise,
                "the steepest descent is the most negative slope: `np.argmin`, not "
                "`np.argmax` (that finds where the loss blows up fastest).",
                nudge="look at the steepest point: the most negative slope."),
        Mistake("steepest at the minimum", _suggest_rates_steepest_at_minimum,
                "`steepest` is where the centred loss *falls* fastest, the smallest slope "
                "np.argmin(np.gradient(centred, np.log(lrs))), not where the loss is smallest.",
                nudge="look at the first rate: the steepest fall, not the minimum."),
    ),
    answer=("choice", "choice"),
    formula="steepest = lrs[argmin of np.gradient(centred, log lrs)], min_over_10 = "
            "lrs[argmin of centred] / 10, with centred = result.centred_losses",
)


def check_suggest_rates(suggest_rates: Callable) -> CheckResult:
    """Check ``suggest_rates(result)`` → ``(steepest, min_over_10)``, two floats."""
    return SUGGEST_RATES.check(suggest_rates)


EXERCISES = {"gd_step": GD_STEP, "theta_after": THETA_AFTER, "diagnose": DIAGNOSE,
             "suggest_rates": SUGGEST_RATES}
