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

from typing import Callable

import numpy as np

from ..lr_finder import RangeTestResult, smooth_losses
from ._checking import Case, CheckResult, Exercise, Mistake, inputs_unchanged

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


def _gd_step_in_place_no_return(theta, grad, lr):
    theta -= lr * grad  # noqa: F841 -- updates the array, returns None


def _gd_case(theta: list, grad: list, lr: float) -> Case:
    return Case(f"theta={theta}, grad={grad}, lr={lr:g}",
                lambda impl: impl(np.array(theta, dtype=float), np.array(grad, dtype=float), lr))


GD_STEP = Exercise(
    title="one step of gradient descent",
    reference=_gd_step,
    cases=(_gd_case([1.0, -2.0], [4.0, 1.0], 0.1),
           _gd_case([0.5, 0.5, 3.0], [-2.0, 0.0, 1.0], 0.25),
           _gd_case([[1.0, 2.0], [3.0, 4.0]], [[1.0, -1.0], [2.0, 0.5]], 0.5)),
    mistakes=(
        Mistake("sign error", _gd_step_sign,
                "gradient descent steps against the gradient: θ − lr·g, not θ + lr·g "
                "(the gradient points uphill)."),
        Mistake("learning rate forgotten", _gd_step_no_lr,
                "the step is the gradient times the learning rate: θ − lr·g, not θ − g."),
        Mistake("in place, no return", _gd_step_in_place_no_return,
                "`theta -= lr * grad` changes the array in place and the function then "
                "returns None: return the new parameters (`return theta - lr * grad`)."),
    ),
    requirements=(inputs_unchanged(
        "theta", "grad",
        hint="the exercise asks for a new array: `theta -= lr * grad` writes into the "
             "caller's theta. Return `theta - lr * grad`, which leaves theta as it was."),),
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


def _theta_after_in_place(theta0, curvatures, lr, t):
    theta0 *= (1.0 - lr * curvatures) ** t  # the right values, but the caller's array changes
    return theta0


def _callers_theta0(impl) -> str:
    """What a call does to the caller's ``theta0``: unchanged (a new array was returned)."""
    theta0 = np.array([2.0, -1.0, 0.5])
    impl(theta0, np.array([0.5, 2.0, 4.0]), 0.2, 3)
    if np.array_equal(theta0, [2.0, -1.0, 0.5]):
        return "theta0 unchanged"
    return f"theta0 changed in place to [{', '.join(f'{v:g}' for v in theta0)}]"


def _theta_case(theta0: list, curvatures: list, lr: float, t: int) -> Case:
    return Case(f"theta0={theta0}, curvatures={curvatures}, lr={lr:g}, t={t}",
                lambda impl: impl(np.array(theta0, dtype=float),
                                  np.array(curvatures, dtype=float), lr, t))


THETA_AFTER = Exercise(
    title="the iterate after t steps on a diagonal quadratic",
    reference=_theta_after,
    cases=(_theta_case([1.0, 1.0], [1.0, 10.0], 0.1, 100),     # chapter 0's bowl
           _theta_case([2.0, -1.0, 0.5], [0.5, 2.0, 4.0], 0.2, 3),
           _theta_case([3.0, -4.0], [1.0, 3.0], 0.25, 0),      # no step: θ_0 itself
           Case("theta0=[2.0, -1.0, 0.5], curvatures=[0.5, 2.0, 4.0], lr=0.2, t=3, looking "
                "at the caller's theta0 after the call", _callers_theta0)),
    mistakes=(
        Mistake("sign error", _theta_after_sign,
                "gradient descent steps against the gradient λθ: θ_t = θ_{t-1} − ηλθ_{t-1} "
                "= (1 − ηλ) θ_{t-1}, so the factor is 1 − ηλ, not 1 + ηλ."),
        Mistake("one step less", _theta_after_one_step_less,
                "θ_t is the point after t updates (t = 1 is the first, θ_0 the start), so "
                "the factor is raised to the power t, not t − 1."),
        Mistake("learning rate forgotten", _theta_after_no_lr,
                "the factor is 1 − η·λ: the learning rate multiplies the curvature."),
        Mistake("curvature forgotten", _theta_after_no_curvature,
                "each coordinate has its own factor 1 − η·λ_i: multiply lr by the array of "
                "curvatures."),
        Mistake("one step only", _theta_after_one_step,
                "t steps apply the factor t times: raise (1 − η·λ) to the power t."),
        Mistake("in place, returned", _theta_after_in_place,
                "the values are right, but `theta0 *= ...` also changes the caller's array "
                "(the same object): compute a new one, `return (1 - lr * curvatures) ** t * "
                "theta0`."),
    ),
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
           noise_on_tail=True, best_val=True, on_val=True) -> str:
    """The rules of the exercise; each flag set to False gives one known mistake."""
    train = np.asarray(train_losses, dtype=float)
    val = np.asarray(val_losses, dtype=float)
    head, tail = train[:10], train[-10:]
    # 1. A NaN or inf anywhere, or a loss above 10 times the first one.
    if nan_check:
        if not np.all(np.isfinite(train)) or np.any(train > 10 * train[0]):
            return "diverged"
    elif train.max() > 10 * train[0]:  # NaN > x is False, and max() of a NaN array is NaN
        return "diverged"
    # 2. The last ten losses scatter by more than 10 % of the mean of the first ten.
    scatter = tail.std() if noise_on_tail else train.std()
    if scatter > 0.1 * head.mean():
        return "noisy"
    # 3. The last ten losses are on average at least 95 % of the first ten.
    if (tail.mean() >= 0.95 * head.mean() if flat_from_means
            else train[-1] >= 0.95 * train[0]):
        return "flat"
    # 4. The last validation loss is more than 10 % above the best one.
    watched = val if on_val else train
    if watched[-1] > 1.1 * (watched.min() if best_val else watched[0]):
        return "overfitting"
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


def _diagnose_case(description: str, make: Callable) -> Case:
    return Case(description, lambda impl: impl(*make()))


DIAGNOSE = Exercise(
    title="diagnose a training run from its loss curves",
    reference=_diagnose,
    cases=(
        _diagnose_case("training losses that turn NaN at step 45 (no huge value before)",
                       _curve_nan),
        _diagnose_case("training losses stuck at 2.30 with one low last value 2.05",
                       _curve_flat),
        _diagnose_case("training losses falling to about 0.6 and jumping ±0.3 every step",
                       _curve_noisy),
        _diagnose_case("training losses falling smoothly; validation 1.5 → 0.14",
                       _curve_healthy),
        _diagnose_case("training losses falling smoothly; validation 2.0 → 0.4 → 0.8",
                       _curve_overfitting_late),
        _diagnose_case("training losses falling smoothly; validation 0.5 → 0.45 → 0.8",
                       _curve_overfitting_early),
    ),
    mistakes=(
        Mistake("NaN not detected", _diagnose_nan_missed,
                "a comparison with NaN is always False (`np.nan > 1e6` is False, and "
                "`max()` of an array with a NaN is NaN): test `np.isfinite` explicitly."),
        Mistake("flat judged from two single losses", _diagnose_flat_from_two_points,
                "compare the means of the first ten and the last ten losses: one "
                "mini-batch loss is noisy, and a single low value can hide a flat curve."),
        Mistake("noise measured over the whole curve", _diagnose_noise_over_whole_curve,
                "measure the scatter on the last ten losses only: over the whole curve the "
                "standard deviation mostly measures how far the loss has fallen."),
        Mistake("overfitting compared with the first validation loss", _diagnose_gap_from_first,
                "compare the last validation loss with the best (smallest) one, not the "
                "first: validation can fall a lot, then climb back while still below its start."),
        Mistake("overfitting judged on the training losses", _diagnose_gap_on_train,
                "overfitting shows on the validation losses (they rise while the training "
                "loss keeps falling); the training curve alone cannot show it."),
    ),
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


def _range_test_curve(start: float, end: float, n: int, drop_at: float,
                      blow_at: float, noise: float) -> RangeTestResult:
    """A made-up range test: flat, falling around ``drop_at``, rising after ``blow_at``.

    The clean curve stands for the centred smoothing; the raw losses add a fixed
    pattern of noise to it, and the moving average of those lags behind.
    """
    lrs = np.geomspace(start, end, n)
    x = np.log10(lrs)
    centred = (2.3 - 2.0 / (1 + np.exp(-4 * (x - np.log10(drop_at))))
               + 3.0 * np.maximum(x - np.log10(blow_at), 0) ** 2)
    raw = centred + noise * np.where(np.arange(n) % 3 == 0, -1.0, 0.5)
    return RangeTestResult(lrs=lrs, losses=raw, smoothed_losses=smooth_losses(raw, 0.98),
                           stopped_early=False, stop_reason=None, centred_losses=centred,
                           smoothing=0.98)


def _rates_case(description: str, **curve) -> Case:
    return Case(description, lambda impl: impl(_range_test_curve(**curve)))


SUGGEST_RATES = Exercise(
    title="two rates from a learning-rate range test",
    reference=_suggest_rates,
    cases=(
        _rates_case("a range test from 1e-5 to 10 (60 rates), falling fastest near 1e-3 and "
                    "blowing up above 0.1", start=1e-5, end=10.0, n=60, drop_at=1e-3,
                    blow_at=0.1, noise=0.15),
        _rates_case("a range test from 1e-4 to 1 (40 rates), falling fastest near 1e-2 and "
                    "blowing up above 0.2", start=1e-4, end=1.0, n=40, drop_at=1e-2,
                    blow_at=0.2, noise=0.1),
    ),
    mistakes=(
        Mistake("rate at the minimum itself", _suggest_rates_at_minimum,
                "the second rate is a tenth of the rate at the smallest centred loss: at "
                "the minimum itself the loss is about to blow up, so that rate is too large."),
        Mistake("read off the moving average", _suggest_rates_moving_average,
                "use `result.centred_losses`, not `result.smoothed_losses`: the moving "
                "average lags the raw losses, so its steepest point and its minimum sit "
                "at larger rates than where the losses really fall and turn up."),
        Mistake("minimum of the raw losses", _suggest_rates_raw_minimum,
                "take the minimum of `result.centred_losses`, not of the raw `result.losses`: "
                "a single lucky mini-batch makes the raw minimum jump around."),
        Mistake("slope against lr, not log(lr)", _suggest_rates_slope_in_lr,
                "the rates are spaced geometrically, so take the slope against log(lr): "
                "`np.gradient(centred, np.log(lrs))`; against lr itself the tiny spacing at "
                "small rates inflates the slope there."),
        Mistake("slope of the raw losses", _suggest_rates_raw_slope,
                "take the slope of the centred losses: the raw ones jump from batch to "
                "batch, and their steepest point is a matter of luck."),
        Mistake("steepest rise", _suggest_rates_steepest_rise,
                "the steepest descent is the most negative slope: `np.argmin`, not "
                "`np.argmax` (that finds where the loss blows up fastest)."),
    ),
)


def check_suggest_rates(suggest_rates: Callable) -> CheckResult:
    """Check ``suggest_rates(result)`` → ``(steepest, min_over_10)``, two floats."""
    return SUGGEST_RATES.check(suggest_rates)


EXERCISES = {"gd_step": GD_STEP, "theta_after": THETA_AFTER, "diagnose": DIAGNOSE,
             "suggest_rates": SUGGEST_RATES}
