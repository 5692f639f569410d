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
from .._messages import F_, N_
from ._checking import Case, CheckResult, Exercise, Mistake, integer_output

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


def _assumes_ascending(curvatures):
    lam_min, lam_max = float(curvatures[0]), float(curvatures[-1])
    return 2.0 / lam_max, 2.0 / (lam_max + lam_min), (lam_max - lam_min) / (lam_max + lam_min)


def _assumes_descending(curvatures):
    lam_max, lam_min = float(curvatures[0]), float(curvatures[-1])
    return 2.0 / lam_max, 2.0 / (lam_max + lam_min), (lam_max - lam_min) / (lam_max + lam_min)


def _best_lr_without_two(curvatures):
    max_lr, _, rate = _quadratic_rates(curvatures)
    L, mu = float(np.max(curvatures)), float(np.min(curvatures))
    return max_lr, 1.0 / (L + mu), rate


def _momentum_rate(curvatures):
    max_lr, best_lr, _ = _quadratic_rates(curvatures)
    kappa = float(np.max(curvatures)) / float(np.min(curvatures))
    return max_lr, best_lr, (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)


def _rate_reversed(curvatures):
    max_lr, best_lr, rate = _quadratic_rates(curvatures)
    return max_lr, best_lr, -rate


def _extremes(curvatures) -> tuple[float, float]:
    return float(np.max(curvatures)), float(np.min(curvatures))


def _both_at_one_over_L(curvatures):
    L, mu = _extremes(curvatures)
    return 2.0 / L, 1.0 / L, 1.0 - mu / L


def _rate_inverse_kappa(curvatures):
    max_lr, best_lr, _ = _quadratic_rates(curvatures)
    L, mu = _extremes(curvatures)
    return max_lr, best_lr, mu / L


def _rate_upside_down(curvatures):
    max_lr, best_lr, _ = _quadratic_rates(curvatures)
    L, mu = _extremes(curvatures)
    return max_lr, best_lr, (L + mu) / (L - mu)


def _two_values(curvatures):
    return _quadratic_rates(curvatures)[:2]


def _best_over_the_sum(curvatures):
    L, mu = _extremes(curvatures)
    best = 2.0 / float(np.sum(curvatures))
    return 2.0 / L, best, max(abs(1 - best * L), abs(1 - best * mu))


def _rates_case(curvatures: list[float]) -> Case:
    return Case(f"curvatures = {curvatures}",
                lambda impl: impl(np.array(curvatures, dtype=float)))


_RANDOM_CURVATURES = [round(c, 3) for c in np.random.default_rng(31).uniform(0.1, 10, 6)]


QUADRATIC_RATES = Exercise(
    title="stable rate, best rate and contraction factor on a quadratic",
    reference=_quadratic_rates,
    cases=(_rates_case([1.0, 10.0]), _rates_case([0.5, 2.0, 8.0]),
           _rates_case([4.0, 0.25, 1.0]), _rates_case([9.0, 3.0, 1.5]),
           _rates_case(_RANDOM_CURVATURES)),
    mistakes=(
        Mistake("1/λmax", _one_over_L,
                "the stability limit: along the steepest direction the error is "
                "multiplied by 1 − η·λmax each step, and |1 − η·λmax| < 1 means "
                "0 < η < 2/λmax, not 1/λmax (1/λmax is merely a safe choice).",
                nudge="look at the stability limit: when is |1 − η·λmax| < 1?"),
        Mistake("2/λmin", _two_over_mu,
                "the stability limit is set by the largest curvature λmax (the steepest "
                "direction blows up first), not by the smallest: use 2 / max(curvatures).",
                nudge="look at the stability limit: which curvature blows up first?"),
        Mistake("2/(λmax-λmin)", _two_over_difference,
                "the best rate balances |1 − η·λmin| = |1 − η·λmax|, i.e. "
                "1 − η·λmin = η·λmax − 1, so η = 2/(λmax + λmin): a sum, not a difference.",
                nudge="look at the best rate: solve 1 − η·λmin = η·λmax − 1 again."),
        Mistake("best lr 1/(λmax+λmin)", _best_lr_without_two,
                "the best rate solves 1 − η·λmin = η·λmax − 1, so η·(λmax + λmin) = 2: "
                "η = 2/(λmax + λmin), with the 2.",
                nudge="look at the best rate: solve 1 − η·λmin = η·λmax − 1 again."),
        Mistake("best lr 1/λmax", _best_lr_one_over_L,
                "1/λmax is not the best rate: it removes the steep direction in one step "
                "but leaves the flat one shrinking by 1 − λmin/λmax. The best rate "
                "balances the two extremes: η = 2/(λmax + λmin).",
                nudge="look at the best rate: it balances the slowest and the steepest "
                      "direction."),
        Mistake("best lr and its factor at 1/λmax", _both_at_one_over_L,
                "1/λmax removes the steep direction in one step but leaves the flat one "
                "shrinking by only 1 − λmin/λmax. The best rate balances the two extremes, "
                "η = 2/(λmax + λmin), and there the factor is (λmax − λmin)/(λmax + λmin).",
                nudge="look at the best rate: it balances the slowest and the steepest "
                      "direction."),
        Mistake("2 over the sum of all curvatures", _best_over_the_sum,
                "only the largest and the smallest curvature matter: η = 2/(λmax + λmin), "
                "not 2 over the sum of every curvature (the same only for two of them).",
                nudge="look at the best rate with three curvatures: which ones matter?"),
        Mistake("λmin/λmax as the factor", _rate_inverse_kappa,
                "the factor at the best rate is (λmax − λmin)/(λmax + λmin) = (κ − 1)/(κ + 1), "
                "not λmin/λmax = 1/κ.",
                nudge="look at the factor: evaluate |1 − η·λmin| at the best rate."),
        Mistake("factor upside down", _rate_upside_down,
                "the factor is (λmax − λmin)/(λmax + λmin), below 1: the difference on top, "
                "the sum below.",
                nudge="look at the factor: it must be below 1."),
        Mistake("factor missing", _two_values,
                "return three numbers, (max_stable_lr, best_lr, best_rate): the factor per "
                "step at the best rate is missing.",
                nudge="look at how many values you return."),
        Mistake("rate at 1/λmax", _rate_at_one_over_L,
                "1 − λmin/λmax is the contraction factor at η = 1/λmax. At the best rate "
                "η = 2/(λmax + λmin) it is |1 − η·λmin| = (λmax − λmin)/(λmax + λmin) "
                "= (κ − 1)/(κ + 1).",
                nudge="look at the factor: evaluate |1 − η·λmin| at the best rate, not at "
                      "another one."),
        Mistake("momentum's rate", _momentum_rate,
                "(√κ − 1)/(√κ + 1) is the factor of heavy-ball momentum with Polyak's "
                "tuning; plain gradient descent at its best rate reaches "
                "(κ − 1)/(κ + 1) = (λmax − λmin)/(λmax + λmin).",
                nudge="look at the factor: this is plain gradient descent, no momentum."),
        Mistake("factor with the wrong sign", _rate_reversed,
                "the factor is |1 − η·λmin| = (λmax − λmin)/(λmax + λmin), a number "
                "between 0 and 1: the larger curvature comes first in the difference.",
                nudge="look at the sign of the factor: it is an absolute value."),
        Mistake("sorted ascending assumed", _assumes_ascending,
                "the curvatures come in any order: take λmax = max(curvatures) and "
                "λmin = min(curvatures), not the last and the first entry.",
                nudge="look at how you find λmax and λmin: the curvatures are not sorted."),
        Mistake("sorted descending assumed", _assumes_descending,
                "the curvatures come in any order: take λmax = max(curvatures) and "
                "λmin = min(curvatures), not the first and the last entry.",
                nudge="look at how you find λmax and λmin: the curvatures are not sorted."),
        Mistake("first and last", _first_and_last,
                "the curvatures are not sorted: take λmax = max(curvatures) and "
                "λmin = min(curvatures) over all of them, not over the first and the last "
                "entry only.",
                nudge="look at how you find λmax and λmin: every curvature counts."),
    ),
    formula="max_stable_lr = 2/λmax, best_lr = 2/(λmax + λmin), best_rate = "
            "(λmax − λmin)/(λmax + λmin), with λmax, λmin the largest and smallest curvature",
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


def _from_factors(factor: Callable) -> Callable:
    """A measure_rates whose factors come from ``factor(r, last)``: the best and the largest
    stable rate then follow from those factors, as in a learner's code."""
    def measure_rates(run, lrs, last=10):
        lrs = np.asarray(lrs, dtype=float)
        with np.errstate(all="ignore"):
            factors = np.array([factor(np.asarray(run(lr), dtype=float), last) for lr in lrs])
        return factors, float(lrs[np.argmin(factors)]), float(lrs[factors < 1].max())
    return measure_rates


_factors_first_steps = _from_factors(lambda r, last: (r[last] / r[0]) ** (1.0 / last))
_factors_no_root = _from_factors(lambda r, last: r[-1] / r[-1 - last])
_factors_whole_run = _from_factors(lambda r, last: (r[-1] / r[0]) ** (1.0 / (len(r) - 1)))
_factors_off_by_one = _from_factors(lambda r, last: (r[-1] / r[-last]) ** (1.0 / last))


def _best_by_argmax(run, lrs, last=10):
    factors, _, stable = _measure_rates(run, lrs, last)
    return factors, float(np.asarray(lrs)[np.argmax(factors)]), stable


def _first_unstable(run, lrs, last=10):
    factors, best, _ = _measure_rates(run, lrs, last)
    return factors, best, float(np.asarray(lrs)[factors >= 1].min())


def _stable_or_equal(run, lrs, last=10):
    factors, best, _ = _measure_rates(run, lrs, last)
    return factors, best, float(np.asarray(lrs)[factors <= 1].max())


def _smallest_stable(run, lrs, last=10):
    factors, best, _ = _measure_rates(run, lrs, last)
    return factors, best, float(np.asarray(lrs)[factors < 1].min())


def _last_ignored(run, lrs, last=10):
    return _measure_rates(run, lrs, 10)


def _fitted_slope(r, last):
    window = np.log(r[-1 - last:])
    return float(np.exp(np.polyfit(np.arange(last + 1), window, 1)[0]))


_factors_fitted = _from_factors(_fitted_slope)


def _factors_list(run, lrs, last=10):
    factors, best, stable = _measure_rates(run, lrs, last)
    return [float(f) for f in factors], best, stable


def _index_instead_of_rate(run, lrs, last=10):
    factors, _, stable = _measure_rates(run, lrs, last)
    return factors, int(np.argmin(factors)), stable


def _last_stable_in_grid_order(run, lrs, last=10):
    factors, best, _ = _measure_rates(run, lrs, last)
    return factors, best, float(np.asarray(lrs, dtype=float)[factors < 1][-1])


_factors_arithmetic_mean = _from_factors(
    lambda r, last: float(np.mean(r[-last:] / r[-last - 1:-1])))


def _factor_instead_of_rate(run, lrs, last=10):
    factors, _, stable = _measure_rates(run, lrs, last)
    return factors, float(factors.min()), stable


def _hidden_quadratic(curvatures: tuple[float, ...], start: tuple[float, ...],
                      steps: int) -> Callable:
    """``run(lr)``: distances to the minimum of plain GD on a diagonal quadratic."""
    curvatures, start = np.array(curvatures), np.array(start)

    def run(lr: float) -> np.ndarray:
        t = np.arange(steps + 1)[:, None]
        with np.errstate(over="ignore"):
            return np.linalg.norm(start * (1.0 - lr * curvatures) ** t, axis=1)
    return run


def _measure_case(words: str, curvatures, start, steps, lrs, last=None) -> Case:
    if last is None:
        return Case(words, lambda impl: impl(_hidden_quadratic(curvatures, start, steps),
                                             np.array(lrs, dtype=float)))
    return Case(words, lambda impl: impl(_hidden_quadratic(curvatures, start, steps),
                                         np.array(lrs, dtype=float), last=last))


MEASURE_RATES = Exercise(
    title="the factor per step, the fastest rate and the stable window, measured",
    reference=_measure_rates,
    cases=(
        # The curvatures put the limit 2/λmax between two rates of the grid: at a rate
        # exactly on it, the distance tends to a constant from above, and its factor
        # measures a hair below 1 although the run does not converge.
        _measure_case(F_("a quadratic with hidden curvatures, 60 steps, lrs = 0.02, 0.04, "
                         "..., 0.24"), (1.0, 9.0), (3.0, 1.0), 60,
                      np.round(np.arange(1, 13) * 0.02, 2)),
        _measure_case(F_("another one in 3-D, 80 steps, lrs = 0.05, 0.1, ..., 0.3"),
                      (0.5, 2.0, 7.0), (1.0, -2.0, 0.5), 80,
                      np.round(np.arange(1, 7) * 0.05, 2)),
        # Here 2/λmax = 0.25 is on the grid, and the steep component flips sign without
        # shrinking (1 − 0.25·8 = −1) while the other one has died out: the distances end
        # exactly constant, the factor is exactly 1, and 0.25 is *not* below 1.
        _measure_case(F_("a quadratic with hidden curvatures, 60 steps, lrs = 0.05, 0.1, ..., "
                         "0.3"), (8.0, 2.0), (3.0, 1.0), 60, np.round(np.arange(1, 7) * 0.05, 2)),
        # A grid in no particular order.
        _measure_case(F_("another one in 3-D, 80 steps, lrs = 0.1, 0.3, 0.05, 0.25, 0.15, 0.2"),
                      (0.5, 2.0, 7.0), (1.0, -2.0, 0.5), 80,
                      [0.1, 0.3, 0.05, 0.25, 0.15, 0.2]),
        # Twelve steps, two directions of similar size that shrink at different speeds:
        # the ratios r_(t+1)/r_t still vary at the end.
        _measure_case(F_("a quadratic with hidden curvatures, 12 steps, lrs = 0.05, 0.1, 0.15, "
                         "0.2, last=6"), (1.0, 12.0), (1.0, 2.0), 12, [0.05, 0.1, 0.15, 0.2],
                      last=6),
        # Short runs, where the slower directions still count at the end: `last` matters.
        _measure_case(F_("a quadratic with hidden curvatures, 25 steps, lrs = 0.1, 0.2, ..., "
                         "0.7, last=5"), (1.0, 3.0), (1.0, 1.0), 25,
                      np.round(np.arange(1, 8) * 0.1, 1), last=5),
    ),
    mistakes=(
        Mistake("first steps", _factors_first_steps,
                "measure the factor at the end of the run, from r[-1] / r[-1 - last] with "
                "r = run(lr): "
                "in the first steps the fast directions are still shrinking, so the "
                "factor you see there is not the one that rules the long run.",
                nudge="look at where in the run you measure: the start or the end?"),
        Mistake("factor over `last` steps", _factors_no_root,
                "r[-1] / r[-1 - last] is the factor over `last` steps; the factor per "
                "step is its `last`-th root: (r[-1] / r[-1 - last]) ** (1 / last).",
                nudge="look at the factors: per step, or over `last` steps?"),
        Mistake("r[-last] instead of r[-1 - last]", _factors_off_by_one,
                "r[-1] / r[-last] spans only last − 1 steps: the distance `last` steps "
                "before the end is r[-1 - last] (r[T − last] with T = len(r) − 1).",
                nudge="look at the indices: how many steps lie between r[-1] and the "
                      "distance you divide by?"),
        Mistake("a fitted slope", _factors_fitted,
                "the exercise's factor uses the two ends of the window only, "
                "(r_T / r_(T−last)) ** (1/last); a line fitted to log r over the window "
                "gives another number whenever the decay is not exactly geometric.",
                nudge="look at the formula of the factor: the ends of the window."),
        Mistake("arithmetic mean of the ratios", _factors_arithmetic_mean,
                "the factor per step is the *geometric* mean of the last `last` ratios, "
                "(r_T / r_(T−last)) ** (1/last); their arithmetic mean is another number "
                "whenever the ratios vary.",
                nudge="look at the formula of the factor: a root of one ratio."),
        Mistake("whole run", _factors_whole_run,
                "take the factor from the last `last` steps only: averaged over the "
                "whole run, the fast start makes it look smaller than it is.",
                nudge="look at where in the run you measure: only its last `last` steps."),
        Mistake("last ignored", _last_ignored,
                "use the `last` you are given (the check passes last=5 once), not 10.",
                nudge="look at the number of steps you measure over: is it the argument "
                      "`last`?"),
        Mistake("argmax", _best_by_argmax,
                "the fastest rate has the *smallest* factor per step: `np.argmin`.",
                nudge="look at the best rate: a faster rate shrinks the distance more."),
        Mistake("factors as a list", _factors_list,
                "the values are right, but return the factors as a NumPy array: "
                "np.array(factors).",
                nudge="look at the type of the factors you return: a NumPy array."),
        Mistake("index instead of rate", _index_instead_of_rate,
                "np.argmin gives a position: the best rate is lrs[np.argmin(factors)].",
                nudge="look at the second value: a rate from the grid."),
        Mistake("factor instead of rate", _factor_instead_of_rate,
                "the second value is the *rate* with the smallest factor, "
                "lrs[np.argmin(factors)], not the smallest factor itself.",
                nudge="look at the second value: a rate from the grid."),
        Mistake("first unstable rate", _first_unstable,
                "the third value is the largest rate that still converges (factor < 1), "
                "not the smallest one that does not.",
                nudge="look at the third value: the largest rate that still converges."),
        Mistake("factor <= 1 counted as stable", _stable_or_equal,
                "a factor of exactly 1 does not converge (at 2/λmax the steep direction "
                "flips sign without shrinking): keep the rates whose factor is *below* 1, "
                "factors < 1.",
                nudge="look at the comparison with 1: does a factor of exactly 1 converge?"),
        Mistake("last stable rate in grid order", _last_stable_in_grid_order,
                "the grid need not be sorted: the largest stable rate is "
                "lrs[factors < 1].max(), not the last one in the order of the grid.",
                nudge="look at the third value with a grid in any order."),
        Mistake("smallest stable rate", _smallest_stable,
                "the third value is the *largest* rate whose factor is below 1: "
                "lrs[factors < 1].max(), not the smallest.",
                nudge="look at the third value: the upper end of the stable window."),
    ),
    answer=("real", "choice", "choice"),
    formula="factors[k] = (r_T / r_(T−last)) ** (1/last) with r = run(lrs[k]); best_lr = "
            "the rate with the smallest factor; largest_stable_lr = the largest rate whose "
            "factor is < 1",
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


def _precedence(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr / start_lr) ** i / (num_steps - 1)


def _from_one(start_lr, end_lr, num_steps):
    i = np.arange(1, num_steps + 1)
    return start_lr * (end_lr / start_lr) ** (i / num_steps)


def _exp_of_log10(start_lr, end_lr, num_steps):
    return np.exp(np.linspace(np.log10(start_lr), np.log10(end_lr), num_steps))


def _integer_exponent(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr / start_lr) ** (i // (num_steps - 1))


def _lrs_list(start_lr, end_lr, num_steps):
    return [float(rate) for rate in _lr_finder.range_test_lrs(start_lr, end_lr, num_steps)]


def _lrs_reversed(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return end_lr * (start_lr / end_lr) ** (i / (num_steps - 1))


def _lrs_difference(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr - start_lr) ** (i / (num_steps - 1))


def _lrs_one_short(start_lr, end_lr, num_steps):
    i = np.arange(num_steps - 1)
    return start_lr * (end_lr / start_lr) ** (i / (num_steps - 1))


def _lrs_case(start_lr: float, end_lr: float, num_steps: int) -> Case:
    return Case(f"start_lr={start_lr:g}, end_lr={end_lr:g}, num_steps={num_steps}",
                lambda impl: impl(start_lr, end_lr, num_steps))


RANGE_TEST_LRS = Exercise(
    title="the exponentially growing rates of a range test",
    reference=_lr_finder.range_test_lrs,  # the tested one
    cases=(_lrs_case(1e-3, 10.0, 5), _lrs_case(1e-6, 1.0, 7), _lrs_case(0.01, 0.16, 5),
           _lrs_case(0.05, 0.2, 2), _lrs_case(3e-5, 0.7, 23)),
    mistakes=(
        Mistake("linear", _linear_lrs,
                "these rates are evenly spaced: almost all of them land in the top decade. "
                "Grow the rate by the same factor every step: "
                "start_lr · (end_lr/start_lr) ** (i/(num_steps − 1)).",
                nudge="look at the spacing: the rates should grow by a constant *factor*."),
        Mistake("i / n", _divided_by_n,
                "the last rate should be exactly end_lr: with i running from 0 to "
                "num_steps − 1, divide i by num_steps − 1, not by num_steps (fastai's "
                "lr_find divides by num_steps, so its last rate stops just short of "
                "end_lr; this exercise asks for the rates of gdcourse's test).",
                nudge="look at the last rate: is it exactly end_lr?"),
        Mistake("i from 1 to n", _from_one,
                "the first rate should be exactly start_lr: i runs from 0 to "
                "num_steps − 1 (np.arange(num_steps)), and the exponent is "
                "i/(num_steps − 1).",
                nudge="look at the first rate: is it exactly start_lr?"),
        Mistake("a list", _lrs_list,
                "the values are right, but return a NumPy array: np.array(rates), or compute "
                "them at once with np.arange(num_steps).",
                nudge="look at the type of what you return: a NumPy array."),
        Mistake("from end_lr down", _lrs_reversed,
                "the rates grow: the first is start_lr and the last end_lr, "
                "start_lr · (end_lr/start_lr) ** (i/(num_steps − 1)).",
                nudge="look at the first rate: start_lr."),
        Mistake("difference instead of ratio", _lrs_difference,
                "the rate is multiplied by the same *ratio* each step: the base of the power "
                "is end_lr / start_lr, not end_lr − start_lr.",
                nudge="look at the base of the power: a ratio of the two rates."),
        Mistake("num_steps − 1 rates", _lrs_one_short,
                "return exactly num_steps rates, i = 0, 1, ..., num_steps − 1 "
                "(np.arange(num_steps)), the last one end_lr.",
                nudge="look at how many rates you return."),
        Mistake("n + 1 rates", _one_too_many,
                "return exactly num_steps rates, the first start_lr and the last end_lr "
                "(i = 0, 1, ..., num_steps − 1).",
                nudge="look at how many rates you return."),
        Mistake("exponent without brackets", _precedence,
                "`ratio ** i / (num_steps - 1)` raises to the power i and then divides: "
                "`**` binds tighter than `/`. Put the exponent in brackets: "
                "`ratio ** (i / (num_steps - 1))`.",
                nudge="look at the exponent: how does Python group `**` and `/`?"),
        Mistake("integer division in the exponent", _integer_exponent,
                "`i // (num_steps - 1)` is a whole-number division (0 until the last rate): "
                "the exponent is the fraction i / (num_steps − 1).",
                nudge="look at the exponent: `//` or `/`?"),
        Mistake("np.logspace of the rates", _logspace_of_rates,
                "np.logspace(a, b, n) runs from 10**a to 10**b: it wants exponents. Use "
                "np.geomspace(start_lr, end_lr, num_steps), or "
                "np.logspace(np.log10(start_lr), np.log10(end_lr), num_steps), or the "
                "formula.",
                nudge="look at what np.logspace expects: rates or exponents?"),
        Mistake("np.exp of log10", _exp_of_log10,
                "np.log10 and np.exp do not undo each other: exponents of 10 need "
                "10 ** (...) (or np.logspace); with np.exp use np.log.",
                nudge="look at the logarithm and its inverse: do their bases match?"),
    ),
    formula="η_i = start_lr · (end_lr / start_lr) ** (i / (num_steps − 1)), i = 0, 1, …, "
            "num_steps − 1",
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


def _index_everywhere(losses, smoothing=0.98, diverge_factor=4.0):
    return _range_test_stop(losses, smoothing, diverge_factor) - 1


def _one_too_many(losses, smoothing=0.98, diverge_factor=4.0):
    kept = _range_test_stop(losses, smoothing, diverge_factor)
    return kept + 1 if kept < len(losses) else kept


def _last_index_at_the_end(losses, smoothing=0.98, diverge_factor=4.0):
    kept = _range_test_stop(losses, smoothing, diverge_factor)
    return kept if kept < len(losses) else kept - 1


def _stop_variant(*, strict=False, shift=0, smoothing_fixed=None, factor_fixed=None,
                  swapped=False, start_at_first=False, raw_best=False,
                  raw_against_best=False, first_and_corrected=False,
                  best_from_zero=False, none_at_end=False) -> Callable:
    """The rule with one slip."""
    def range_test_stop(losses, smoothing=0.98, diverge_factor=4.0):
        beta = smoothing if smoothing_fixed is None else smoothing_fixed
        factor = diverge_factor if factor_fixed is None else factor_fixed
        average = float(losses[0]) if first_and_corrected else 0.0
        best, raw = (0.0 if best_from_zero else math.inf), math.inf
        for i, loss in enumerate(losses, start=1):
            if start_at_first:
                average = loss if i == 1 else beta * average + (1 - beta) * loss
                smoothed = average
            else:
                average = (beta * loss + (1 - beta) * average if swapped
                           else beta * average + (1 - beta) * loss)
                with np.errstate(divide="ignore", invalid="ignore"):
                    smoothed = float(np.float64(average) / (1 - np.float64(beta) ** (i + shift)))
            raw = min(raw, loss)
            if not best_from_zero:
                best = min(best, smoothed)
            current = loss if raw_against_best else smoothed
            threshold = factor * (raw if raw_best else best)
            if (current >= threshold) if strict else (current > threshold):
                return i
            if best_from_zero:
                best = min(best, smoothed)
        return None if none_at_end else len(losses)
    return range_test_stop


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
    if kind == "falling":          # never blows up: the test keeps every step
        return 2.0 - 1.5 / (1 + np.exp(-(steps - 15) / 3.0))
    if kind == "exact":            # smoothing 0: 2.0 is exactly 4 × the best 0.5
        return np.array([1.0, 0.5, 0.75, 2.0, 1.5, 2.5, 3.0])
    if kind == "jump":             # a jump right after the first loss
        return np.array([1.0, 100.0, 100.0])
    if kind == "first high":       # a high first loss, flat, then a steady rise
        return np.r_[3.0, np.ones(9), 1 + 0.25 * np.arange(1, 31)]
    if kind == "noisy":            # a seeded noisy test that blows up late
        rng = np.random.default_rng(41)
        return _curve("smooth") * np.exp(0.3 * rng.standard_normal(40))
    # "lucky": a batch with a tiny loss, then slow growth.
    curve = 1.0 + 0.15 * steps
    curve[3] = 0.05
    return curve


def _stop_case(kind: str, smoothing: float | None, diverge_factor: float | None,
               words: str) -> Case:
    if smoothing is None:  # the defaults, not passed
        return Case(F_("{words}, smoothing and diverge_factor not given (the defaults)",
                       words=words),
                    lambda impl: impl(_curve(kind).copy()))
    return Case(F_("{words}, smoothing={smoothing:g}, diverge_factor={diverge_factor:g}",
                   words=words, smoothing=smoothing, diverge_factor=diverge_factor),
                lambda impl: impl(_curve(kind).copy(), smoothing=smoothing,
                                  diverge_factor=diverge_factor))


_OWN_ARGUMENT = "use the {0} you are given: the check passes other values than the default."

RANGE_TEST_STOP = Exercise(
    title="the stop rule of a range test",
    reference=_range_test_stop,
    cases=(
        _stop_case("smooth", 0.8, 4.0, F_("40 losses that fall from 2 to 0.5, then blow up")),
        _stop_case("spike", 0.8, 4.0, F_("the same losses with one spike of 9 at step 9")),
        _stop_case("lucky", 0.5, 2.0, F_("losses growing from 1 by 0.15 a step, with one "
                                         "tiny loss 0.05 at step 4")),
        _stop_case("falling", 0.9, 4.0, F_("40 losses that fall from 2 to 0.5 and never blow "
                                           "up")),
        _stop_case("exact", 0.0, 4.0, F_("the losses [1.0, 0.5, 0.75, 2.0, 1.5, 2.5, 3.0] "
                                         "(step 4's 2.0 is exactly 4 × the best, 0.5)")),
        _stop_case("first high", 0.9, 2.0, F_("the losses 3, then 1 for nine steps, then "
                                              "rising by 0.25 a step (40 in all)")),
        _stop_case("jump", None, None, F_("the losses [1.0, 100.0, 100.0]")),
        _stop_case("noisy", 0.7, 3.0, F_("40 losses that fall and blow up, times noise drawn "
                                         "from default_rng(41)")),
    ),
    mistakes=(
        Mistake("compared with the first loss", _compared_with_first,
                "compare the smoothed loss with the best (smallest) smoothed loss so far, "
                "not with the first one: the test is about the loss rising again after "
                "it has fallen.",
                nudge="look at what you compare with: the first value or the best so far?"),
        Mistake("no bias correction", _no_bias_correction,
                "the moving average starts at 0, so its first values are far too small "
                "(and look like the best loss ever): divide it by 1 − smoothing**i, "
                "with i = 1 for the first loss, as Adam does.",
                nudge="look at the first smoothed values: the average starts at s₀ = 0."),
        Mistake("bias correction one step off", _stop_variant(shift=1),
                "the bias correction of step i is 1 − smoothing**i with i = 1 for the "
                "first loss: count the steps from 1 (enumerate(losses, start=1)).",
                nudge="look at the exponent of the bias correction: i = 1 for the first "
                      "loss."),
        Mistake("started at the first loss", _stop_variant(start_at_first=True),
                "start the average at s₀ = 0 and bias-correct it, as the formula says; an "
                "average started at the first loss (and not corrected) weighs the first "
                "loss differently.",
                nudge="look at how your average starts: s₀ = 0, then the correction."),
        Mistake("bias correction one step behind", _stop_variant(shift=-1),
                "the bias correction of step i is 1 − smoothing**i with i = 1 for the first "
                "loss; counting from 0 divides the first average by 1 − smoothing⁰ = 0.",
                nudge="look at the exponent of the bias correction: i = 1 for the first "
                      "loss."),
        Mistake("started at the first loss and corrected", _stop_variant(
            first_and_corrected=True),
                "start the average at s₀ = 0: the bias correction 1 − smoothing**i is made for "
                "an average that starts at 0, and over-corrects one that starts at the first "
                "loss.",
                nudge="look at how your average starts: s₀ = 0."),
        Mistake("best starts at 0", _stop_variant(best_from_zero=True),
                "the smallest smoothed loss so far starts at infinity (math.inf), or at the "
                "first smoothed loss: started at 0 it never comes down, and any loss is above "
                "diverge_factor × 0.",
                nudge="look at the starting value of the smallest loss so far."),
        Mistake("None when the test never stops", _stop_variant(none_at_end=True),
                "a test that never stops keeps all its steps: return len(losses) after the "
                "loop, not None.",
                nudge="look at the end of your function: what does a test that never stops "
                      "return?"),
        Mistake("smoothing on the new loss", _stop_variant(swapped=True),
                "smoothing weighs the *old* average: s_i = smoothing·s_(i−1) + "
                "(1 − smoothing)·L_i, not smoothing·L_i + (1 − smoothing)·s_(i−1).",
                nudge="look at the moving average: which term gets the weight smoothing?"),
        Mistake("raw losses", _raw_losses,
                "smooth the losses first: a single unlucky mini-batch should not stop the "
                "test. Compare the bias-corrected moving average with its best value.",
                nudge="look at what you compare: raw losses or the smoothed curve?"),
        Mistake("raw loss against the smoothed best", _stop_variant(raw_against_best=True),
                "compare the *smoothed* loss L̂_i with diverge_factor × the best smoothed "
                "loss; the raw loss of one batch jumps too much.",
                nudge="look at what you compare with the threshold: raw or smoothed?"),
        Mistake("best of the raw losses", _stop_variant(raw_best=True),
                "the best value is the smallest *smoothed* loss so far, not the smallest "
                "raw loss: one lucky batch would make the threshold far too low.",
                nudge="look at the best value: of the raw losses or of the smoothed ones?"),
        Mistake(">= instead of >", _stop_variant(strict=True),
                "stop only when the smoothed loss *exceeds* diverge_factor × the best, "
                "L̂_i > factor·best: equal to it is not yet a blow-up.",
                nudge="look at the comparison: what happens when L̂_i equals the "
                      "threshold?"),
        Mistake("smoothing fixed at 0.98", _stop_variant(smoothing_fixed=0.98),
                _OWN_ARGUMENT.format("`smoothing`"),
                nudge="look at the smoothing you use: is it the argument?"),
        Mistake("diverge_factor fixed at 4", _stop_variant(factor_fixed=4.0),
                _OWN_ARGUMENT.format("`diverge_factor`"),
                nudge="look at the factor you use: is it the argument?"),
        Mistake("index instead of count", _index_not_count,
                "return how many steps were kept, including the step that triggered the "
                "stop (a count from 1, not a 0-based index).",
                nudge="look at the number you return when the test stops: a count from 1."),
        Mistake("one step too many", _one_too_many,
                "the test keeps the steps up to and *including* the one that triggered the "
                "stop, and no more: return that step's number i (counting from 1).",
                nudge="look at the number you return when the test stops."),
        Mistake("len(losses) − 1 at the end", _last_index_at_the_end,
                "a test that never stops keeps all its steps: return len(losses), not the "
                "last index len(losses) − 1.",
                nudge="look at the number you return when the test never stops."),
        Mistake("0-based index, also at the end", _index_everywhere,
                "return how many steps were kept: the step that triggered the stop counts "
                "(i from 1), and a test that never stops keeps len(losses) steps.",
                nudge="look at the number you return: a count, not a 0-based index."),
    ),
    requirements=(integer_output(what=N_("the number of steps")),),
    answer="count",
    formula="s_i = β·s_(i−1) + (1 − β)·L_i with s₀ = 0, L̂_i = s_i / (1 − β^i); return the "
            "first i with L̂_i > diverge_factor · min(L̂_1, …, L̂_i), else len(losses)",
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
