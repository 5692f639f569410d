"""The references of the learning-rate exercises agree with gdcourse's tested engine."""

import math

import numpy as np
import pytest

from gdcourse.exercises import learning_rate as ex
from gdcourse.landscapes import Quadratic
from gdcourse.trajectories import trace
from gdcourse.lr_finder import range_test_lrs, smooth_losses
from gdcourse.optim import SGD


@pytest.mark.parametrize("kappa, scale", [(1.0, 1.0), (10.0, 1.0), (100.0, 0.5), (7.5, 3.0)])
def test_quadratic_rates_match_quadratic(kappa, scale):
    q = Quadratic(kappa, angle=0.3, scale=scale)
    max_lr, best_lr, best_rate = ex._quadratic_rates(np.array([q.L, q.mu]))
    assert math.isclose(max_lr, q.max_stable_lr, rel_tol=1e-12)
    assert math.isclose(best_lr, q.optimal_lr, rel_tol=1e-12)
    assert math.isclose(best_rate, q.gd_rate(q.optimal_lr), rel_tol=1e-12, abs_tol=1e-15)


def test_quadratic_rates_hand_worked():
    # curvatures 1 and 10: 2/10, 2/11, 9/11
    assert np.allclose(ex._quadratic_rates(np.array([1.0, 10.0])), (0.2, 2 / 11, 9 / 11))


def test_best_rate_is_measured_on_a_run():
    q = Quadratic(10.0)
    run = trace(q, SGD, 60, lr=q.optimal_lr)
    d = np.hypot(*run.path.T)
    measured = (d[-1] / d[-11]) ** 0.1
    assert math.isclose(measured, ex._quadratic_rates(np.array([q.mu, q.L]))[2], rel_tol=1e-6)


@pytest.mark.parametrize("start, end, n", [(1e-7, 10.0, 100), (1e-3, 1.0, 2), (0.5, 2.0, 9)])
def test_range_test_lrs_match_lr_finder(start, end, n):
    ours = ex.RANGE_TEST_LRS.reference(start, end, n)
    assert np.allclose(ours, range_test_lrs(start, end, n), rtol=1e-12)
    assert np.allclose(ours, np.geomspace(start, end, n), rtol=1e-12)
    assert ours[0] == pytest.approx(start) and ours[-1] == pytest.approx(end)


def _replay(losses, smoothing, factor):
    # The rule of lr_finder._sweep, written on top of the public smooth_losses.
    smoothed = smooth_losses(losses, smoothing)
    above = smoothed > factor * np.minimum.accumulate(smoothed)
    return int(np.argmax(above)) + 1 if above.any() else len(losses)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("smoothing, factor", [(0.98, 4.0), (0.8, 2.0), (0.0, 3.0)])
def test_range_test_stop_matches_smooth_losses(seed, smoothing, factor):
    rng = np.random.default_rng(seed)
    steps = np.arange(80)
    losses = (2 - 1.5 / (1 + np.exp(-(steps - 30) / 5)) + 0.01 * np.exp(
        np.maximum(steps - 50, 0) / 4)) * np.exp(0.2 * rng.standard_normal(80))
    assert ex._range_test_stop(losses, smoothing, factor) == _replay(losses, smoothing, factor)


def test_range_test_stop_matches_lr_range_test():
    from gdcourse.data import load_digits
    from gdcourse.lr_finder import lr_range_test
    from gdcourse.models import SoftmaxRegression

    data = load_digits(rng=np.random.default_rng(0))
    model = SoftmaxRegression(data.n_features, data.n_classes, rng=np.random.default_rng(1))
    opt = SGD(model.params, lr=0.1)
    full = lr_range_test(model, opt, data.X_train, data.y_train, start_lr=1e-4,
                         end_lr=1e4, num_steps=80, diverge_factor=math.inf,
                         rng=np.random.default_rng(2))
    stopped = lr_range_test(model, opt, data.X_train, data.y_train, start_lr=1e-4,
                            end_lr=1e4, num_steps=80, diverge_factor=4.0,
                            rng=np.random.default_rng(2))
    finite = np.isfinite(full.losses)
    kept = ex._range_test_stop(full.losses[finite], 0.98, 4.0)
    assert stopped.stopped_early
    assert kept == len(stopped.losses)


# --------------------------------------------------------------------------- measured
def _distances(q, lr, steps):
    return np.hypot(*trace(q, SGD, steps, lr=lr).path.T)


def test_measured_rates_agree_with_the_theory_on_a_real_quadratic():
    # Quadratic(10): curvatures 1 and 10 along turned axes; the grid straddles 2/11
    # and 2/10.
    q = Quadratic(10.0, angle=0.4)
    lrs = np.array([0.05, 0.1, 0.15, 2 / 11, 0.19, 0.198, 0.202, 0.21])
    factors, best, stable = ex._measure_rates(lambda lr: _distances(q, lr, 80), lrs)
    np.testing.assert_allclose(factors, [q.gd_rate(lr) for lr in lrs], rtol=2e-3)
    assert best == pytest.approx(q.optimal_lr)
    assert stable == 0.198 and stable < q.max_stable_lr < 0.202


def test_hidden_quadratic_is_gradient_descent():
    run = ex._hidden_quadratic((0.5, 2.0, 7.0), (1.0, -2.0, 0.5), 30)
    theta = np.array([1.0, -2.0, 0.5])
    expected = [np.linalg.norm(theta)]
    for _ in range(30):
        theta = theta - 0.1 * np.array([0.5, 2.0, 7.0]) * theta   # gradient of ½Σλθ²
        expected.append(np.linalg.norm(theta))
    np.testing.assert_allclose(run(0.1), expected, rtol=1e-12)


@pytest.mark.parametrize("case", ex.MEASURE_RATES.cases)
def test_measure_rates_cases_straddle_the_limit(case):
    factors, best, stable = case.run(ex._measure_rates)
    assert (factors < 1).any() and (factors > 1).any()   # the window ends inside the grid
    assert np.argmin(factors) not in (0, len(factors) - 1)


ON_THE_GRID = [case for case in ex.MEASURE_RATES.cases if "(8.0, 2.0)" in repr(case.run)
               or "0.05, 0.1, ..., 0.3" in case.description and "60 steps" in case.description]


@pytest.mark.parametrize("case", [c for c in ex.MEASURE_RATES.cases if c not in ON_THE_GRID])
def test_measure_rates_cases_keep_the_limit_off_the_grid(case):
    # A rate exactly at 2/λmax does not converge, yet its measured factor can come out a
    # hair below 1 (the distance tends to a constant from above): the reference would
    # then call the limit itself "stable". These cases keep each rate's factor clearly
    # away from 1.
    factors, _, stable = case.run(ex._measure_rates)
    assert np.all(np.abs(factors - 1) > 1e-3)


def test_the_case_with_the_limit_on_the_grid_measures_exactly_one():
    # Curvatures 8 and 2, lr = 0.25 = 2/λmax: the steep part flips sign without shrinking
    # and the other (factor 0.5) is below round-off long before the last ten steps, so the
    # distances end exactly constant. Factor exactly 1: not "below 1", so not stable.
    (case,) = ON_THE_GRID
    factors, best, stable = case.run(ex._measure_rates)
    assert factors[4] == 1.0 and stable == 0.2 and best == 0.2
    assert case.run(ex._stable_or_equal)[2] == 0.25


# =============================================================================
# Wrong and right answers, written from the statements of chapter 3
# =============================================================================
from _exercise_variants import Right, Wrong, assert_right, assert_wrong, parameters  # noqa: E402

from gdcourse.exercises import EXERCISES  # noqa: E402


def _qr(lams, best=lambda L, m: 2 / (L + m), rate=lambda L, m: (L - m) / (L + m),
        limit=lambda L, m: 2 / L):
    def quadratic_rates(curvatures):
        L, m = lams(curvatures)
        return limit(L, m), best(L, m), rate(L, m)
    return quadratic_rates


_MAXMIN = lambda c: (c.max(), c.min())  # noqa: E731


def _mr(factor=lambda r, last: (r[-1] / r[-1 - last]) ** (1 / last),
        best=lambda lrs, f: lrs[np.argmin(f)], stable=lambda lrs, f: lrs[f < 1].max()):
    def measure_rates(run, lrs, last=10):
        factors = np.array([factor(np.asarray(run(lr)), last) for lr in lrs])
        return factors, float(best(lrs, factors)), float(stable(lrs, factors))
    return measure_rates


def _mr_loop(run, lrs, last=10):
    factors, best_lr, best_factor, stable = [], None, np.inf, None
    for lr in lrs:
        r = run(lr)
        T = len(r) - 1
        f = (r[T] / r[T - last]) ** (1.0 / last)
        factors.append(f)
        if f < best_factor:
            best_factor, best_lr = f, lr
        if f < 1 and (stable is None or lr > stable):
            stable = lr
    return np.array(factors), best_lr, stable


def _rtl(i_of=lambda n: np.arange(n), exponent=lambda i, n: i / (n - 1)):
    def range_test_lrs(start_lr, end_lr, num_steps):
        i = i_of(num_steps)
        return start_lr * (end_lr / start_lr) ** exponent(i, num_steps)
    return range_test_lrs


def _rts(compare=lambda s, best, k: s > k * best, count=lambda i: i, start=1, beta_of=None,
         correct=True, best_of=lambda best, s, loss: min(best, s), end=len):
    def range_test_stop(losses, smoothing=0.98, diverge_factor=4.0):
        beta = smoothing if beta_of is None else beta_of
        s, best = 0.0, float("inf")
        for i, loss in enumerate(losses, start=start):
            s = beta * s + (1 - beta) * loss
            smoothed = s / (1 - beta ** i) if correct else s
            best = best_of(best, smoothed, loss)
            if compare(smoothed, best, diverge_factor):
                return count(i)
        return end(losses)
    return range_test_stop


def _rts_first(losses, smoothing=0.98, diverge_factor=4.0):
    s, first = 0.0, None
    for i, loss in enumerate(losses, start=1):
        s = smoothing * s + (1 - smoothing) * loss
        smoothed = s / (1 - smoothing ** i)
        first = smoothed if first is None else first
        if smoothed > diverge_factor * first:
            return i
    return len(losses)


def _rts_shifted(losses, smoothing=0.98, diverge_factor=4.0):
    s, best = 0.0, np.inf
    for i, loss in enumerate(losses):           # i from 0 ...
        s = smoothing * s + (1 - smoothing) * loss
        smoothed = s / (1 - smoothing ** (i + 2))   # ... and a correction one step ahead
        best = min(best, smoothed)
        if smoothed > diverge_factor * best:
            return i + 1
    return len(losses)


def _rts_started(losses, smoothing=0.98, diverge_factor=4.0):
    s, best = losses[0], np.inf
    for i, loss in enumerate(losses, start=1):
        s = smoothing * s + (1 - smoothing) * loss if i > 1 else s
        best = min(best, s)
        if s > diverge_factor * best:
            return i
    return len(losses)


def _rts_swapped(losses, smoothing=0.98, diverge_factor=4.0):
    s, best = 0.0, np.inf
    for i, loss in enumerate(losses, start=1):
        s = smoothing * loss + (1 - smoothing) * s
        smoothed = s / (1 - smoothing ** i)
        best = min(best, smoothed)
        if smoothed > diverge_factor * best:
            return i
    return len(losses)


def _rts_raw(losses, smoothing=0.98, diverge_factor=4.0):
    best = np.inf
    for i, loss in enumerate(losses, start=1):
        best = min(best, loss)
        if loss > diverge_factor * best:
            return i
    return len(losses)


def _rts_raw_vs_best(losses, smoothing=0.98, diverge_factor=4.0):
    s, best = 0.0, np.inf
    for i, loss in enumerate(losses, start=1):
        s = smoothing * s + (1 - smoothing) * loss
        best = min(best, s / (1 - smoothing ** i))
        if loss > diverge_factor * best:
            return i
    return len(losses)


def _rts_best_after(losses, smoothing=0.98, diverge_factor=4.0):
    s, best = 0.0, np.inf
    for i, loss in enumerate(losses, start=1):
        s = smoothing * s + (1 - smoothing) * loss
        smoothed = s / (1 - smoothing ** i)
        if smoothed > diverge_factor * best:
            return i
        best = min(best, smoothed)
    return len(losses)


def _rts_while(losses, smoothing=0.98, diverge_factor=4.0):
    i, s, best = 0, 0.0, np.inf
    while i < len(losses):
        s = smoothing * s + (1 - smoothing) * losses[i]
        i += 1
        smoothed = s / (1 - smoothing ** i)
        if smoothed < best:
            best = smoothed
        elif smoothed > diverge_factor * best:
            break
    return i


def _rts_vectorised(losses, smoothing=0.98, diverge_factor=4.0):
    losses = np.asarray(losses, dtype=float)
    weights = smoothing ** np.arange(len(losses))
    s = np.array([np.sum((1 - smoothing) * losses[:i + 1] * weights[:i + 1][::-1])
                  for i in range(len(losses))])
    smoothed = s / (1 - smoothing ** np.arange(1, len(losses) + 1))
    above = smoothed > diverge_factor * np.minimum.accumulate(smoothed)
    return int(np.argmax(above)) + 1 if above.any() else len(losses)


VARIANTS = {
    "quadratic_rates": [
        Wrong("1/λmax", _qr(_MAXMIN, limit=lambda L, m: 1 / L), "mistake: 1/λmax"),
        Wrong("2/λmin", _qr(_MAXMIN, limit=lambda L, m: 2 / m), "mistake: 2/λmin"),
        Wrong("2/(L − μ)", _qr(_MAXMIN, best=lambda L, m: 2 / (L - m)), "mistake: 2/(λmax-λmin)"),
        Wrong("1/(L + μ)", _qr(_MAXMIN, best=lambda L, m: 1 / (L + m)),
              "mistake: best lr 1/(λmax+λmin)"),
        Wrong("best 1/L", _qr(_MAXMIN, best=lambda L, m: 1 / L), "mistake: best lr 1/λmax"),
        Wrong("1 − 1/κ", _qr(_MAXMIN, rate=lambda L, m: 1 - m / L), "mistake: rate at 1/λmax"),
        Wrong("(√κ − 1)/(√κ + 1)", _qr(_MAXMIN, rate=lambda L, m: (np.sqrt(L / m) - 1)
                                       / (np.sqrt(L / m) + 1)), "mistake: momentum's rate"),
        Wrong("(μ − L)/(L + μ)", _qr(_MAXMIN, rate=lambda L, m: (m - L) / (L + m)),
              "mistake: factor with the wrong sign"),
        Wrong("sorted ascending", _qr(lambda c: (c[-1], c[0])),
              "mistake: sorted ascending assumed"),
        Wrong("sorted descending", _qr(lambda c: (c[0], c[-1])),
              "mistake: sorted descending assumed"),
        Wrong("np.sort(c)[[0, -1]] of the ends", _qr(lambda c: (max(c[0], c[-1]), min(c[0], c[-1]))),
              "mistake: first and last"),
        Right("κ form", _qr(_MAXMIN, rate=lambda L, m: (L / m - 1) / (L / m + 1))),
        Right("sorted first", _qr(lambda c: (np.sort(c)[-1], np.sort(c)[0]))),
        Right("|1 − η λmin| at the best rate", _qr(
            _MAXMIN, rate=lambda L, m: abs(1 - 2 / (L + m) * m))),
    ],
    "measure_rates": [
        Wrong("first steps", _mr(factor=lambda r, last: (r[last] / r[0]) ** (1 / last)),
              "mistake: first steps"),
        Wrong("no root", _mr(factor=lambda r, last: r[-1] / r[-1 - last]),
              "mistake: factor over `last` steps"),
        Wrong("r[-last]", _mr(factor=lambda r, last: (r[-1] / r[-last]) ** (1 / last)),
              "mistake: r[-last] instead of r[-1 - last]"),
        Wrong("the whole run", _mr(factor=lambda r, last: (r[-1] / r[0]) ** (1 / (len(r) - 1))),
              "mistake: whole run"),
        Wrong("last = 10 always", _mr(factor=lambda r, last: (r[-1] / r[-11]) ** 0.1),
              "mistake: last ignored"),
        Wrong("argmax", _mr(best=lambda lrs, f: lrs[np.argmax(f)]), "mistake: argmax"),
        Wrong("the smallest factor", _mr(best=lambda lrs, f: f.min()),
              "mistake: factor instead of rate"),
        Wrong("first unstable", _mr(stable=lambda lrs, f: lrs[f >= 1].min()),
              "mistake: first unstable rate"),
        Wrong("<= 1", _mr(stable=lambda lrs, f: lrs[f <= 1].max()),
              "mistake: factor <= 1 counted as stable"),
        Wrong("smallest stable", _mr(stable=lambda lrs, f: lrs[f < 1].min()),
              "mistake: smallest stable rate"),
        Right("a loop", _mr_loop),
        Right("geometric mean of the last ratios", _mr(
            factor=lambda r, last: np.exp(np.mean(np.log(r[-last:] / r[-last - 1:-1]))))),
        Wrong("last entry of the stable ones (assumes a sorted grid)",
              _mr(stable=lambda lrs, f: lrs[f < 1][-1]),
              "mistake: last stable rate in grid order"),
    ],
    "range_test_lrs": [
        Wrong("np.linspace", lambda start_lr, end_lr, num_steps: np.linspace(
            start_lr, end_lr, num_steps), "mistake: linear"),
        Wrong("i / N", _rtl(exponent=lambda i, n: i / n), "mistake: i / n"),
        Wrong("i from 1", _rtl(i_of=lambda n: np.arange(1, n + 1), exponent=lambda i, n: i / n),
              "mistake: i from 1 to n"),
        Wrong("N + 1 rates", _rtl(i_of=lambda n: np.arange(n + 1), exponent=lambda i, n: i / n),
              "mistake: n + 1 rates"),
        Wrong("no brackets", lambda start_lr, end_lr, num_steps: start_lr * (
            end_lr / start_lr) ** np.arange(num_steps) / (num_steps - 1),
            "mistake: exponent without brackets"),
        Wrong("np.logspace(start, end)", lambda start_lr, end_lr, num_steps: np.logspace(
            start_lr, end_lr, num_steps), "mistake: np.logspace of the rates"),
        Wrong("np.exp(linspace of log10)", lambda start_lr, end_lr, num_steps: np.exp(
            np.linspace(np.log10(start_lr), np.log10(end_lr), num_steps)),
            "mistake: np.exp of log10"),
        Wrong("a list", lambda start_lr, end_lr, num_steps: [
            start_lr * (end_lr / start_lr) ** (i / (num_steps - 1)) for i in range(num_steps)],
            "mistake: a list"),
        Right("np.geomspace", lambda start_lr, end_lr, num_steps: np.geomspace(
            start_lr, end_lr, num_steps)),
        Right("logspace of log10", lambda start_lr, end_lr, num_steps: np.logspace(
            np.log10(start_lr), np.log10(end_lr), num_steps)),
        Right("exp of linspace of log", lambda start_lr, end_lr, num_steps: np.exp(
            np.linspace(np.log(start_lr), np.log(end_lr), num_steps))),
        Right("a loop into an array", lambda start_lr, end_lr, num_steps: np.array([
            start_lr * (end_lr / start_lr) ** (i / (num_steps - 1)) for i in range(num_steps)])),
    ],
    "range_test_stop": [
        Wrong("compared with the first", _rts_first, "mistake: compared with the first loss"),
        Wrong("no bias correction", _rts(correct=False), "mistake: no bias correction"),
        Wrong("correction with i + 1", _rts_shifted, "mistake: bias correction one step off"),
        Wrong("average started at the first loss", _rts_started, "mistake: started at the first loss"),
        Wrong("β on the new loss", _rts_swapped, "mistake: smoothing on the new loss"),
        Wrong("raw losses", _rts_raw, "mistake: raw losses"),
        Wrong("raw loss vs smoothed best", _rts_raw_vs_best,
              "mistake: raw loss against the smoothed best"),
        Wrong("best of the raw losses", _rts(best_of=lambda best, s, loss: min(best, loss)),
              "mistake: best of the raw losses"),
        Wrong(">=", _rts(compare=lambda s, best, k: s >= k * best), "mistake: >= instead of >"),
        Wrong("0.98 always", _rts(beta_of=0.98), "mistake: smoothing fixed at 0.98"),
        Wrong("4 always", _rts(compare=lambda s, best, k: s > 4 * best),
              "mistake: diverge_factor fixed at 4"),
        Wrong("0-based index at the stop", _rts(count=lambda i: i - 1),
              "mistake: index instead of count"),
        Wrong("0-based index everywhere", _rts(count=lambda i: i - 1, end=lambda x: len(x) - 1),
              "mistake: 0-based index, also at the end"),
        Wrong("a float", _rts(count=float, end=lambda x: float(len(x))),
              "requirement: integer output"),
        Right("vectorised", _rts_vectorised),
        Right("best updated after the test", _rts_best_after),
        Right("a while loop", _rts_while),
    ],
}


# A second pass over the statements.
VARIANTS["range_test_lrs"] += [
    Wrong("//", _rtl(exponent=lambda i, n: i // (n - 1)),
          "mistake: integer division in the exponent"),
]
VARIANTS["range_test_stop"] += [
    Wrong("i + 1 at the stop", _rts(count=lambda i: i + 1), "mistake: one step too many"),
    Wrong("len − 1 at the end", _rts(end=lambda x: len(x) - 1),
          "mistake: len(losses) − 1 at the end"),
]


VARIANTS["measure_rates"] += [
    Wrong("np.polyfit of log r", _mr(factor=lambda r, last: np.exp(np.polyfit(
        np.arange(last + 1), np.log(r[-1 - last:]), 1)[0])), "mistake: a fitted slope"),
]


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Wrong))
def test_wrong_answer_gets_its_own_hint(exercise, variant):
    assert_wrong(exercise, variant)


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Right))
def test_right_answer_passes(exercise, variant):
    assert_right(exercise, variant)
