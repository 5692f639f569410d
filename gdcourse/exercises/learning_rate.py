"""Exercises on the learning rate (chapter 3).

* :func:`check_quadratic_rates` — the stability limit, the best rate and the best
  contraction factor of plain gradient descent on a quadratic, from its curvatures;
* :func:`check_measure_rates` — the same numbers *measured* on runs whose curvatures
  are hidden: the per-step factor at each rate of a grid, the fastest rate and the
  largest rate that still converges;
* :func:`check_range_test_lrs` — the exponentially growing rates of a range test;
* :func:`check_range_test_stop` — the stop rule of a range test: a bias-corrected
  moving average compared with its best value so far.

The references agree with :class:`gdcourse.landscapes.Quadratic` and
:mod:`gdcourse.lr_finder` (see ``tests/test_exercises_learning_rate.py``).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .. import lr_finder as _lr_finder
from ._checking import Case, CheckResult, Exercise, Mistake

__all__ = ["check_quadratic_rates", "check_measure_rates", "check_range_test_lrs",
           "check_range_test_stop"]


# =============================================================================
# 1. Stable rate, best rate and contraction factor on a quadratic
# =============================================================================
def _quadratic_rates(curvatures: np.ndarray) -> tuple[float, float, float]:
    """``(2/λmax, 2/(λmax+λmin), (λmax-λmin)/(λmax+λmin))`` from the curvatures.

    (Inside, ``L`` and ``mu`` are λmax and λmin, the optimisation books' names.)
    """
    curvatures = np.asarray(curvatures, dtype=float)
    L, mu = float(curvatures.max()), float(curvatures.min())
    return 2.0 / L, 2.0 / (L + mu), (L - mu) / (L + mu)


def _one_over_L(curvatures):
    _, best_lr, rate = _quadratic_rates(curvatures)
    L = float(np.max(curvatures))
    return 1.0 / L, best_lr, rate


def _two_over_mu(curvatures):
    _, best_lr, rate = _quadratic_rates(curvatures)
    mu = float(np.min(curvatures))
    return 2.0 / mu, best_lr, rate


def _two_over_difference(curvatures):
    max_lr, _, rate = _quadratic_rates(curvatures)
    L, mu = float(np.max(curvatures)), float(np.min(curvatures))
    return max_lr, 2.0 / (L - mu), rate


def _best_lr_one_over_L(curvatures):
    max_lr, _, rate = _quadratic_rates(curvatures)
    return max_lr, 1.0 / float(np.max(curvatures)), rate


def _rate_at_one_over_L(curvatures):
    max_lr, best_lr, _ = _quadratic_rates(curvatures)
    L, mu = float(np.max(curvatures)), float(np.min(curvatures))
    return max_lr, best_lr, 1.0 - mu / L


def _first_and_last(curvatures):
    # Takes μ and L from the ends of the list, as if it were sorted.
    return _quadratic_rates(np.array([curvatures[0], curvatures[-1]], dtype=float))


def _rates_case(curvatures: list[float]) -> Case:
    return Case(f"curvatures = {curvatures}",
                lambda impl: impl(np.array(curvatures, dtype=float)))


QUADRATIC_RATES = Exercise(
    title="stable rate, best rate and contraction factor on a quadratic",
    reference=_quadratic_rates,
    cases=(_rates_case([1.0, 10.0]), _rates_case([0.5, 2.0, 8.0]),
           _rates_case([4.0, 0.25, 1.0])),
    mistakes=(
        Mistake("1/λmax", _one_over_L,
                "the stability limit: along the steepest direction the error is "
                "multiplied by 1 − η·λmax each step, and |1 − η·λmax| < 1 means "
                "0 < η < 2/λmax, not 1/λmax (1/λmax is merely a safe choice)."),
        Mistake("2/λmin", _two_over_mu,
                "the stability limit is set by the largest curvature λmax (the steepest "
                "direction blows up first), not by the smallest: use 2 / max(curvatures)."),
        Mistake("2/(λmax-λmin)", _two_over_difference,
                "the best rate balances |1 − η·λmin| = |1 − η·λmax|, i.e. "
                "1 − η·λmin = η·λmax − 1, so η = 2/(λmax + λmin): a sum, not a difference."),
        Mistake("best lr 1/λmax", _best_lr_one_over_L,
                "1/λmax is not the best rate: it removes the steep direction in one step "
                "but leaves the flat one shrinking by 1 − λmin/λmax. The best rate "
                "balances the two extremes: η = 2/(λmax + λmin)."),
        Mistake("rate at 1/λmax", _rate_at_one_over_L,
                "1 − λmin/λmax is the contraction factor at η = 1/λmax. At the best rate "
                "η = 2/(λmax + λmin) it is |1 − η·λmin| = (λmax − λmin)/(λmax + λmin) "
                "= (κ − 1)/(κ + 1)."),
        Mistake("first and last", _first_and_last,
                "the curvatures are not sorted: take λmax = max(curvatures) and "
                "λmin = min(curvatures), not the first and the last entry."),
    ),
    rtol=1e-9,
)


def check_quadratic_rates(quadratic_rates: Callable) -> CheckResult:
    """Check ``quadratic_rates(curvatures)`` → ``(max_stable_lr, best_lr, best_rate)``.

    For the quadratic :math:`\\tfrac12\\sum_i \\lambda_i \\theta_i^2` with curvatures
    :math:`\\lambda_i > 0`: the stability limit ``2/λmax`` (the supremum of the rates
    that converge: at ``2/λmax`` itself the steepest component flips sign without
    shrinking), ``2/(λmax+λmin)`` and ``(λmax-λmin)/(λmax+λmin)``.
    """
    return QUADRATIC_RATES.check(quadratic_rates)


# =============================================================================
# 1b. The same numbers, measured on runs whose curvatures are hidden
# =============================================================================
def _measure_rates(run: Callable, lrs: np.ndarray, last: int = 10
                   ) -> tuple[np.ndarray, float, float]:
    """Per-step factor at each rate (from the last ``last`` steps), the fastest rate,
    and the largest rate whose factor is below 1."""
    lrs = np.asarray(lrs, dtype=float)
    factors = np.array([(d[-1] / d[-1 - last]) ** (1.0 / last)
                        for d in (np.asarray(run(lr), dtype=float) for lr in lrs)])
    return factors, float(lrs[np.argmin(factors)]), float(lrs[factors < 1].max())


def _factors_first_steps(run, lrs, last=10):
    _, best, stable = _measure_rates(run, lrs, last)
    factors = np.array([(np.asarray(run(lr))[last] / np.asarray(run(lr))[0]) ** (1.0 / last)
                        for lr in lrs])
    return factors, best, stable


def _factors_no_root(run, lrs, last=10):
    _, best, stable = _measure_rates(run, lrs, last)
    factors = np.array([np.asarray(run(lr))[-1] / np.asarray(run(lr))[-1 - last]
                        for lr in lrs])
    return factors, best, stable


def _factors_whole_run(run, lrs, last=10):
    _, best, stable = _measure_rates(run, lrs, last)
    factors = np.array([(np.asarray(run(lr))[-1] / np.asarray(run(lr))[0])
                        ** (1.0 / (len(run(lr)) - 1)) for lr in lrs])
    return factors, best, stable


def _best_by_argmax(run, lrs, last=10):
    factors, _, stable = _measure_rates(run, lrs, last)
    return factors, float(np.asarray(lrs)[np.argmax(factors)]), stable


def _first_unstable(run, lrs, last=10):
    factors, best, _ = _measure_rates(run, lrs, last)
    return factors, best, float(np.asarray(lrs)[factors >= 1].min())


def _hidden_quadratic(curvatures: tuple[float, ...], start: tuple[float, ...],
                      steps: int) -> Callable:
    """``run(lr)``: distances to the minimum of plain GD on a diagonal quadratic."""
    curvatures, start = np.array(curvatures), np.array(start)

    def run(lr: float) -> np.ndarray:
        t = np.arange(steps + 1)[:, None]
        with np.errstate(over="ignore"):
            return np.linalg.norm(start * (1.0 - lr * curvatures) ** t, axis=1)
    return run


def _measure_case(words: str, curvatures, start, steps, lrs) -> Case:
    return Case(words, lambda impl: impl(_hidden_quadratic(curvatures, start, steps),
                                         np.array(lrs, dtype=float)))


MEASURE_RATES = Exercise(
    title="the factor per step, the fastest rate and the stable window, measured",
    reference=_measure_rates,
    cases=(
        # The curvatures put the limit 2/λmax between two rates of the grid: at a rate
        # exactly on it, the distance tends to a constant from above, and its factor
        # measures a hair below 1 although the run does not converge.
        _measure_case("a quadratic with hidden curvatures, 60 steps, lrs = 0.02, 0.04, "
                      "..., 0.24", (1.0, 9.0), (3.0, 1.0), 60,
                      np.round(np.arange(1, 13) * 0.02, 2)),
        _measure_case("another one in 3-D, 80 steps, lrs = 0.05, 0.1, ..., 0.3",
                      (0.5, 2.0, 7.0), (1.0, -2.0, 0.5), 80,
                      np.round(np.arange(1, 7) * 0.05, 2)),
    ),
    mistakes=(
        Mistake("first steps", _factors_first_steps,
                "measure the factor at the end of the run, from r[-1] / r[-1 - last] with "
                "r = run(lr): "
                "in the first steps the fast directions are still shrinking, so the "
                "factor you see there is not the one that rules the long run."),
        Mistake("factor over `last` steps", _factors_no_root,
                "r[-1] / r[-1 - last] is the factor over `last` steps; the factor per "
                "step is its `last`-th root: (r[-1] / r[-1 - last]) ** (1 / last)."),
        Mistake("whole run", _factors_whole_run,
                "take the factor from the last `last` steps only: averaged over the "
                "whole run, the fast start makes it look smaller than it is."),
        Mistake("argmax", _best_by_argmax,
                "the fastest rate has the *smallest* factor per step: `np.argmin`."),
        Mistake("first unstable rate", _first_unstable,
                "the third value is the largest rate that still converges (factor < 1), "
                "not the smallest one that does not."),
    ),
    rtol=1e-9,
)


def check_measure_rates(measure_rates: Callable) -> CheckResult:
    """Check ``measure_rates(run, lrs, last=10)`` → ``(factors, best_lr, largest_stable_lr)``.

    ``run(lr)`` returns the distances :math:`r_0, \\ldots, r_T` to the minimum of a
    gradient-descent run at rate ``lr`` on a quadratic whose curvatures are not given.
    ``factors[k] = (r_T / r_{T-last}) ** (1 / last)`` at ``lrs[k]``; ``best_lr`` is the
    rate of ``lrs`` with the smallest factor and ``largest_stable_lr`` the largest rate
    of ``lrs`` whose factor is below 1.
    """
    return MEASURE_RATES.check(measure_rates)


# =============================================================================
# 2. The rates of a range test
# =============================================================================
def _linear_lrs(start_lr, end_lr, num_steps):
    return np.linspace(start_lr, end_lr, num_steps)


def _divided_by_n(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr / start_lr) ** (i / num_steps)


def _one_too_many(start_lr, end_lr, num_steps):
    i = np.arange(num_steps + 1)
    return start_lr * (end_lr / start_lr) ** (i / num_steps)


def _logspace_of_rates(start_lr, end_lr, num_steps):
    # np.logspace takes exponents of 10, not the rates themselves.
    return np.logspace(start_lr, end_lr, num_steps)


def _lrs_case(start_lr: float, end_lr: float, num_steps: int) -> Case:
    return Case(f"start_lr={start_lr:g}, end_lr={end_lr:g}, num_steps={num_steps}",
                lambda impl: impl(start_lr, end_lr, num_steps))


RANGE_TEST_LRS = Exercise(
    title="the exponentially growing rates of a range test",
    reference=_lr_finder.range_test_lrs,  # the tested one
    cases=(_lrs_case(1e-3, 10.0, 5), _lrs_case(1e-6, 1.0, 7), _lrs_case(0.01, 0.16, 5)),
    mistakes=(
        Mistake("linear", _linear_lrs,
                "these rates are evenly spaced: almost all of them land in the top decade. "
                "Grow the rate by the same factor every step: "
                "start_lr · (end_lr/start_lr) ** (i/(num_steps − 1))."),
        Mistake("i / n", _divided_by_n,
                "the last rate should be exactly end_lr: with i running from 0 to "
                "num_steps − 1, divide i by num_steps − 1, not by num_steps (fastai's "
                "lr_find divides by num_steps, so its last rate stops just short of "
                "end_lr; this exercise asks for the rates of gdcourse's test)."),
        Mistake("n + 1 rates", _one_too_many,
                "return exactly num_steps rates, the first start_lr and the last end_lr "
                "(i = 0, 1, ..., num_steps − 1)."),
        Mistake("np.logspace of the rates", _logspace_of_rates,
                "np.logspace(a, b, n) runs from 10**a to 10**b: it wants exponents. Use "
                "np.geomspace(start_lr, end_lr, num_steps), or "
                "np.logspace(np.log10(start_lr), np.log10(end_lr), num_steps), or the "
                "formula."),
    ),
    rtol=1e-9,
)


def check_range_test_lrs(range_test_lrs: Callable) -> CheckResult:
    """Check ``range_test_lrs(start_lr, end_lr, num_steps)`` → array of ``num_steps`` rates.

    Rate i is ``start_lr * (end_lr / start_lr) ** (i / (num_steps - 1))``.
    """
    return RANGE_TEST_LRS.check(range_test_lrs)


# =============================================================================
# 3. The stop rule of a range test
# =============================================================================
def _range_test_stop(losses: np.ndarray, smoothing: float = 0.98,
                     diverge_factor: float = 4.0) -> int:
    """How many steps the test keeps: up to and including the first step whose
    bias-corrected smoothed loss exceeds ``diverge_factor`` × the best smoothed loss so
    far; ``len(losses)`` if that never happens."""
    average, best = 0.0, math.inf
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing**i)
        best = min(best, smoothed)
        if smoothed > diverge_factor * best:
            return i
    return len(losses)


def _compared_with_first(losses, smoothing=0.98, diverge_factor=4.0):
    average, first = 0.0, None
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing**i)
        if first is None:
            first = smoothed
        if smoothed > diverge_factor * first:
            return i
    return len(losses)


def _no_bias_correction(losses, smoothing=0.98, diverge_factor=4.0):
    average, best = 0.0, math.inf
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        best = min(best, average)
        if average > diverge_factor * best:
            return i
    return len(losses)


def _raw_losses(losses, smoothing=0.98, diverge_factor=4.0):
    best = math.inf
    for i, loss in enumerate(losses, start=1):
        best = min(best, loss)
        if loss > diverge_factor * best:
            return i
    return len(losses)


def _index_not_count(losses, smoothing=0.98, diverge_factor=4.0):
    kept = _range_test_stop(losses, smoothing, diverge_factor)
    return kept - 1 if kept < len(losses) else kept


# Loss curves of a range test: flat, falling, then blowing up, with one lucky batch
# (a tiny loss) and one unlucky batch (a spike). Built by a formula, not stored.
def _curve(kind: str) -> np.ndarray:
    steps = np.arange(40)
    if kind == "smooth":
        return 2.0 - 1.5 / (1 + np.exp(-(steps - 15) / 3.0)) + 0.02 * np.exp(
            np.maximum(steps - 25, 0) * 0.5)
    if kind == "spike":
        curve = _curve("smooth")
        curve[8] = 9.0             # one unlucky batch: only the raw rule stops here
        return curve
    # "lucky": a batch with a tiny loss, then slow growth.
    curve = 1.0 + 0.15 * steps
    curve[3] = 0.05
    return curve


def _stop_case(kind: str, smoothing: float, diverge_factor: float, words: str) -> Case:
    return Case(f"{words}, smoothing={smoothing:g}, diverge_factor={diverge_factor:g}",
                lambda impl: impl(_curve(kind).copy(), smoothing=smoothing,
                                  diverge_factor=diverge_factor))


RANGE_TEST_STOP = Exercise(
    title="the stop rule of a range test",
    reference=_range_test_stop,
    cases=(
        _stop_case("smooth", 0.8, 4.0, "40 losses that fall from 2 to 0.5, then blow up"),
        _stop_case("spike", 0.8, 4.0, "the same losses with one spike of 9 at step 9"),
        _stop_case("lucky", 0.5, 2.0, "losses growing from 1 by 0.15 a step, with one "
                                      "tiny loss 0.05 at step 4"),
    ),
    mistakes=(
        Mistake("compared with the first loss", _compared_with_first,
                "compare the smoothed loss with the best (smallest) smoothed loss so far, "
                "not with the first one: the test is about the loss rising again after "
                "it has fallen."),
        Mistake("no bias correction", _no_bias_correction,
                "the moving average starts at 0, so its first values are far too small "
                "(and look like the best loss ever): divide it by 1 − smoothing**i, "
                "with i = 1 for the first loss, as Adam does."),
        Mistake("raw losses", _raw_losses,
                "smooth the losses first: a single unlucky mini-batch should not stop the "
                "test. Compare the bias-corrected moving average with its best value."),
        Mistake("index instead of count", _index_not_count,
                "return how many steps were kept, including the step that triggered the "
                "stop (a count from 1, not a 0-based index)."),
    ),
)


def check_range_test_stop(range_test_stop: Callable) -> CheckResult:
    """Check ``range_test_stop(losses, smoothing=0.98, diverge_factor=4.0)`` → int.

    The number of steps a range test keeps: up to and including the first step whose
    bias-corrected smoothed loss exceeds ``diverge_factor`` times the smallest smoothed
    loss so far; ``len(losses)`` if it never does.
    """
    return RANGE_TEST_STOP.check(range_test_stop)


EXERCISES = {
    "quadratic_rates": QUADRATIC_RATES,
    "measure_rates": MEASURE_RATES,
    "range_test_lrs": RANGE_TEST_LRS,
    "range_test_stop": RANGE_TEST_STOP,
}
