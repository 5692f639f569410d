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


@pytest.mark.parametrize("case", ex.MEASURE_RATES.cases)
def test_measure_rates_cases_keep_the_limit_off_the_grid(case):
    # A rate exactly at 2/λmax does not converge, yet its measured factor can come out a
    # hair below 1 (the distance tends to a constant from above): the reference would
    # then call the limit itself "stable". Every case keeps each rate's factor clearly
    # away from 1.
    factors, _, stable = case.run(ex._measure_rates)
    assert np.all(np.abs(factors - 1) > 1e-3)
