"""Tests of gdcourse.lr_finder, the learning-rate range test.

Ground truth: hand-computed moving averages; geometric and arithmetic sequences; and
linear regression, where gradient descent is stable exactly when lr < 2/L with L the
largest eigenvalue of the Hessian of the mean squared error, 2/n [X 1]^T [X 1].
"""

import warnings

import numpy as np
import pytest

from gdcourse import lr_finder
from gdcourse.data import load_digits, make_linear_regression
from gdcourse.lr_finder import (
    CENTRED_WIDTH, RangeTestResult, centred_losses, lr_range_test, range_test_lrs,
    replay_range_test, replay_stop_rule, smooth_losses, smoothing_lag, suggest_lrs)
from gdcourse.models import MLP, LinearRegression
from gdcourse.optim import SGD, Adam


def regression_problem(seed, n=512):
    """Features of scales 1, 3 and 0.5, an intercept of 3: L is about 2 * 3^2 = 18."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3)) * np.array([1.0, 3.0, 0.5])
    y = X @ np.array([1.0, -2.0, 0.5]) + 3.0 + 0.1 * rng.standard_normal(n)
    A = np.column_stack([X, np.ones(n)])
    L = float(np.linalg.eigvalsh(2.0 * A.T @ A / n).max())
    return X, y, L


def model_and_sgd(seed=0, lr=0.1, **kwargs):
    model = LinearRegression(3, rng=np.random.default_rng(seed))
    return model, SGD(model.params, lr=lr, **kwargs)


# --------------------------------------------------------------------------- the pieces
@pytest.mark.parametrize("losses, beta, expected", [
    # m1 = 0.5*4 = 2 -> 2/0.5 = 4;  m2 = 0.5*2 + 0.5*2 = 2 -> 2/0.75;
    # m3 = 0.5*2 + 0.5*1 = 1.5 -> 1.5/0.875
    ([4.0, 2.0, 1.0], 0.5, [4.0, 8.0 / 3.0, 12.0 / 7.0]),
    # beta = 0.98: m1 = 0.02*10 -> /0.02 = 10; m2 = 0.98*0.2 + 0.02*20 = 0.596 -> /0.0396
    ([10.0, 20.0], 0.98, [10.0, 0.596 / 0.0396]),
    ([3.0, 1.0, 7.0], 0.0, [3.0, 1.0, 7.0]),       # no smoothing
    ([5.0, 5.0, 5.0, 5.0], 0.9, [5.0] * 4),         # bias correction: no pull to 0
])
def test_smoothing_matches_hand_computation(losses, beta, expected):
    np.testing.assert_allclose(smooth_losses(losses, beta), expected, rtol=1e-14)


@pytest.mark.parametrize("mode, start, end, num", [
    ("exp", 1e-7, 10.0, 100), ("exp", 1e-3, 1.0, 4), ("linear", 0.01, 1.0, 100),
    ("linear", 1e-7, 10.0, 2)])
def test_rates_are_geometric_or_evenly_spaced(mode, start, end, num):
    lrs = range_test_lrs(start, end, num, mode)
    assert len(lrs) == num
    assert lrs[0] == pytest.approx(start, rel=1e-14)
    assert lrs[-1] == pytest.approx(end, rel=1e-14)
    if mode == "exp":
        ratios = lrs[1:] / lrs[:-1]
        np.testing.assert_allclose(ratios, (end / start) ** (1 / (num - 1)), rtol=1e-12)
    else:
        np.testing.assert_allclose(np.diff(lrs), (end - start) / (num - 1), rtol=1e-12)


@pytest.mark.parametrize("curve, steepest_index, min_index", [
    # A flat start, a fall, a minimum (index 11), a rise. The rates are evenly spaced in
    # log, so the slope at i is proportional to c[i+1] - c[i-1] (numpy.gradient):
    # -1, -1.5, -2.5, -2, -0.75 at i = 5..9, steepest at i = 7 (4 - 9).
    (np.r_[[10.0] * 6, 9, 7, 4, 3, 2.5, 2.4, [2.6, 3, 4, 6]], 7, 11),
    (np.r_[[10.0] * 6, 9, 7, 4, 3, 2.5, 2.4, [2.6, 3, np.inf]], 7, 11),  # inf left out
])
def test_suggestions_from_a_hand_made_curve(curve, steepest_index, min_index):
    lrs = range_test_lrs(1e-4, 1.0, len(curve))
    suggestions = suggest_lrs(lrs, curve)
    assert suggestions["steepest"] == lrs[steepest_index]
    assert suggestions["min/10"] == pytest.approx(lrs[min_index] / 10)
    assert suggestions["min/3"] == pytest.approx(lrs[min_index] / 3)
    assert list(suggestions) == ["steepest", "min/10", "min/3"]


def test_too_short_a_curve_has_no_slope_suggestion():
    lrs = range_test_lrs(1e-3, 1.0, 4)
    assert set(suggest_lrs(lrs, np.array([4.0, 3.0, 2.0, 1.0]))) == {"min/10", "min/3"}


# --------------------------------------------------------------------------- the lag
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
def test_smoothing_lag_is_the_mean_age_of_the_averaged_losses(beta):
    lag = smoothing_lag(120, beta)
    for i in (1, 2, 7, 50, 120):
        k = np.arange(i)
        weights = beta**k
        assert lag[i - 1] == pytest.approx((k * weights).sum() / weights.sum(), abs=1e-12)
    if beta > 0:  # towards beta / (1 - beta) once i >> 1 / (1 - beta)
        assert smoothing_lag(5000, beta)[-1] == pytest.approx(beta / (1 - beta), rel=1e-9)


def test_the_moving_average_of_a_trend_trails_it_by_the_lag():
    # losses falling linearly: the bias-corrected average at step i equals the loss
    # smoothing_lag(i) steps earlier (exactly, for a linear trend).
    i = np.arange(1, 101)
    losses = 10.0 - 0.05 * i
    smoothed = smooth_losses(losses, 0.98)
    np.testing.assert_allclose(smoothed, 10.0 - 0.05 * (i - smoothing_lag(100, 0.98)),
                               rtol=1e-12)


def test_centred_smoothing_does_not_lag():
    # A V in log(loss) with its vertex at index 60: the centred curve keeps the vertex
    # there, the moving average moves its minimum to a later step.
    lrs = range_test_lrs(1e-6, 1.0, 100)
    x = np.log10(lrs)
    losses = np.exp(np.abs(x - x[60]))
    assert np.argmin(centred_losses(lrs, losses)) == 60
    assert np.argmin(smooth_losses(losses, 0.98)) > 70
    # A linear trend in log(loss) is reproduced exactly away from the ends: no shift.
    trend = np.exp(2.0 - 0.7 * x)
    np.testing.assert_allclose(centred_losses(lrs, trend)[15:-15], trend[15:-15],
                               rtol=1e-12)


def test_centred_smoothing_by_hand():
    lrs = np.array([1e-3, 1e-2, 1e-1])
    losses = np.array([4.0, 2.0, 1.0])
    w = np.exp(-0.5 * (1 / 0.5) ** 2)   # width 0.5 decade, neighbours one decade away
    expected_middle = np.exp((w * np.log(4) + np.log(2) + w * np.log(1)) / (1 + 2 * w))
    expected_first = np.exp((np.log(4) + w * np.log(2)) / (1 + w))
    got = centred_losses(lrs, losses, width=0.5)
    assert got[1] == pytest.approx(expected_middle, rel=1e-12)
    assert got[0] == pytest.approx(expected_first, rel=1e-12)
    np.testing.assert_array_equal(centred_losses(lrs, losses, width=0), losses)
    # Non-finite and non-positive losses are left out of every average.
    with_gaps = centred_losses(lrs, np.array([4.0, np.inf, 0.0]), width=0.5)
    # The last point's window (3 widths = 1.5 decades) holds no usable loss: nan.
    np.testing.assert_allclose(with_gaps, [4.0, 4.0, np.nan])
    assert CENTRED_WIDTH == 0.2


def test_centred_smoothing_is_not_dragged_far_by_the_blow_up():
    # A flat start, a fall to 0.3 at index 69, then a blow-up tripling every step
    # (20 steps per decade). A symmetric window shifts the minimum of so lopsided a
    # valley a little towards the gentle side, by at most 0.3 decade here; the
    # arithmetic mean, which the huge losses dominate, shifts it further.
    lrs = range_test_lrs(1e-4, 1.0, 80)
    losses = np.r_[np.full(40, 3.0), np.linspace(3.0, 0.3, 30), 0.3 * 3.0 ** np.arange(1, 11)]
    minimum = int(np.argmin(centred_losses(lrs, losses)))
    assert 63 <= minimum <= 69
    x = np.log10(lrs)
    weights = np.exp(-0.5 * ((x[:, None] - x[None, :]) / CENTRED_WIDTH) ** 2)
    weights *= np.abs(x[:, None] - x[None, :]) <= 3 * CENTRED_WIDTH
    assert np.argmin(weights @ losses / weights.sum(axis=1)) < minimum


def test_centred_width_is_checked():
    X, y, _ = regression_problem(0, n=64)
    model, opt = model_and_sgd()
    with pytest.raises(ValueError, match="centred_width"):
        lr_range_test(model, opt, X, y, centred_width=-0.1, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="centred_width"):
        lr_range_test(model, opt, X, y, centred_width="0.2", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="width"):
        centred_losses([1e-3, 1e-2], [1.0, 2.0], width=-1)


# --------------------------------------------------------------------------- known rates
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("batch_size", [64, None])
def test_suggestions_land_below_the_stability_limit(seed, batch_size):
    """The suggestions lie below 2/L (L: the largest curvature here) and not far below.

    Why: with rates growing by q = 1.2 per step, the error along an eigenvalue lam
    shrinks once the sum of the rates so far, about lr * q/(q - 1) = 6 lr, reaches
    1/lam, so the loss (mostly along L here) falls fastest around lr ~ 0.1/L (in the
    full-batch test: 0.085-0.10/L over 20 seeds); mini-batch noise spreads that
    (0.026-0.17/L). The raw loss turns up only after lr > 2/L, once the error along L,
    growing by |1 - lr L| per step, is back from the small value it had reached:
    the centred minimum lies between 1.3/L and 10/L (20 seeds: min/10 at 0.16-0.34/L
    with batches of 64, 0.48-0.77/L with the full batch), so min/3 < 4/L.
    """
    X, y, L = regression_problem(seed)
    model, opt = model_and_sgd(seed)
    result = lr_range_test(model, opt, X, y, batch_size=batch_size,
                           rng=np.random.default_rng(seed))
    assert 0.02 / L <= result.suggestions["steepest"] < 0.5 / L
    assert 0.13 / L <= result.suggestions["min/10"] < 1.0 / L
    assert result.suggestions["min/3"] == pytest.approx(10 / 3 * result.suggestions["min/10"])


def test_the_suggestions_do_not_move_with_the_smoothing():
    """They are read from the centred curve: beta changes only where the test stops."""
    X, y, _ = regression_problem(0)
    suggestions = []
    for beta in (0.0, 0.9, 0.98):
        model, opt = model_and_sgd(0)
        result = lr_range_test(model, opt, X, y, smoothing=beta, diverge_factor=1e300,
                               batch_size=None, rng=np.random.default_rng(0))
        suggestions.append(result.suggestions)
        np.testing.assert_array_equal(
            result.centred_losses, centred_losses(result.lrs, result.losses))
    assert suggestions[0] == suggestions[1] == suggestions[2]


def test_suggestions_for_the_digits_mlp_are_usable_rates():
    """Not a proof, a sanity check: Adam trains this MLP well between 1e-3 and 1e-1."""
    digits = load_digits(rng=np.random.default_rng(0))
    model = MLP([64, 32, 10], rng=np.random.default_rng(0))
    result = lr_range_test(model, Adam(model.params), digits.X_train, digits.y_train,
                           rng=np.random.default_rng(0))
    assert result.stopped_early
    for lr in result.suggestions.values():
        assert 1e-3 <= lr <= 1e-1


@pytest.mark.parametrize("losses, smoothing, factor, expected", [
    ([1.0, 1.0, 1.0], 0.0, 2.0, (3, False)),
    ([2.0, 1.0, 2.5, 5.0], 0.0, 2.0, (3, True)),  # 2.5 > 2 x 1
    ([2.0, 1.0, 2.0, 9.0], 0.0, 2.0, (4, True)),  # 2.0 is not above 2 x 1
    ([1.0, np.inf], 0.5, 4.0, (2, True)),
])
def test_replay_stop_rule_by_hand(losses, smoothing, factor, expected):
    assert replay_stop_rule(np.array(losses), smoothing, factor) == expected


# --------------------------------------------------------------------------- the run
def test_stops_early_once_the_smoothed_loss_blows_up():
    X, y, L = regression_problem(0)
    model, opt = model_and_sgd()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lr_range_test(model, opt, X, y, end_lr=1e3, rng=np.random.default_rng(0))
    assert result.stopped_early and len(result.lrs) < 100
    assert result.lrs[-1] > 2 / L  # it can only blow up beyond the stability limit
    smoothed = result.smoothed_losses
    if "minimum" in result.stop_reason:
        assert smoothed[-1] > 4 * smoothed[:-1].min()
        assert np.all(smoothed[1:-1] <= 4 * np.minimum.accumulate(smoothed[:-2]))
    np.testing.assert_array_equal(result.lrs, range_test_lrs(1e-7, 1e3, 100)[:len(result.lrs)])


def test_stops_at_the_first_non_finite_loss():
    # Rates far beyond 2/L from the start: the loss overflows within a few steps.
    X, y, L = regression_problem(0)
    model, opt = model_and_sgd()
    result = lr_range_test(model, opt, X, y, start_lr=1e100, end_lr=1e200,
                           smoothing=0.0, diverge_factor=1e300,
                           rng=np.random.default_rng(0))
    assert result.stopped_early
    assert result.stop_reason.startswith(("loss is inf", "loss grew"))
    assert np.isfinite(result.losses[:-1]).all()


@pytest.mark.parametrize("diverge_factor, stopped", [(4.0, False), (1.0001, True)])
def test_runs_to_the_end_when_rates_stay_small(diverge_factor, stopped):
    # Rates below 0.05/L barely move the loss; only a hair-trigger factor stops early.
    X, y, L = regression_problem(0)
    model, opt = model_and_sgd()
    result = lr_range_test(model, opt, X, y, start_lr=1e-6, end_lr=0.05 / L, num_steps=50,
                           diverge_factor=diverge_factor, rng=np.random.default_rng(0))
    assert result.stopped_early is stopped
    assert (len(result.lrs) < 50) is stopped
    assert (result.stop_reason is None) is not stopped


def test_smoothed_losses_are_the_moving_average_of_the_losses():
    X, y, _ = regression_problem(0)
    model, opt = model_and_sgd()
    result = lr_range_test(model, opt, X, y, smoothing=0.9, centred_width=0.3,
                           rng=np.random.default_rng(0))
    np.testing.assert_array_equal(result.smoothed_losses, smooth_losses(result.losses, 0.9))
    np.testing.assert_array_equal(result.centred_losses,
                                  centred_losses(result.lrs, result.losses, 0.3))
    assert result.suggestions == suggest_lrs(result.lrs, result.centred_losses)
    assert (len(result.losses) == len(result.lrs) == len(result.smoothed_losses)
            == len(result.centred_losses))


def test_linear_mode_sweeps_evenly_spaced_rates():
    X, y, L = regression_problem(0)
    model, opt = model_and_sgd()
    result = lr_range_test(model, opt, X, y, start_lr=1e-4, end_lr=0.5 / L, mode="linear",
                           num_steps=30, rng=np.random.default_rng(0))
    np.testing.assert_allclose(result.lrs, np.linspace(1e-4, 0.5 / L, 30), rtol=1e-12)


def test_the_first_loss_is_the_loss_of_the_starting_parameters():
    X, y, _ = regression_problem(0)
    model, opt = model_and_sgd()
    result = lr_range_test(model, opt, X, y, batch_size=None, rng=np.random.default_rng(0))
    assert result.losses[0] == model.loss(X, y)


# --------------------------------------------------------------------------- restoring
@pytest.mark.parametrize("make_opt", [
    lambda params: SGD(params, lr=0.01, momentum=0.9),
    lambda params: Adam(params, lr=1e-3),
    lambda params: Adam([{"params": params[:1]}, {"params": params[1:], "lr": 1e-2}]),
])
def test_model_and_optimizer_are_restored_bitwise(make_opt):
    X, y, _ = regression_problem(0)
    model = LinearRegression(3, rng=np.random.default_rng(0))
    opt = make_opt(model.params)
    for _ in range(3):  # give the optimizer some state worth restoring
        opt.step(model.loss_and_grads(X[:32], y[:32])[1])
    params_before = [p.tobytes() for p in model.copy_params()]
    arrays_before = list(model.params)
    state_before = opt.state_dict()

    result = lr_range_test(model, opt, X, y, end_lr=1e3, rng=np.random.default_rng(0))
    assert result.stopped_early  # the sweep really did wreck the parameters

    assert [p.tobytes() for p in model.params] == params_before
    assert all(a is b for a, b in zip(model.params, arrays_before))
    assert_same_state(opt.state_dict(), state_before)


def test_restored_even_if_the_model_raises():
    X, y, _ = regression_problem(0)
    model, opt = model_and_sgd(momentum=0.9)
    params_before = model.copy_params()
    state_before = opt.state_dict()
    calls = []
    real = model.loss_and_grads

    def failing_after_five(X_batch, y_batch):
        calls.append(1)
        if len(calls) > 5:
            raise RuntimeError("boom")
        return real(X_batch, y_batch)

    model.loss_and_grads = failing_after_five
    with pytest.raises(RuntimeError, match="boom"):
        lr_range_test(model, opt, X, y, start_lr=1e-2, rng=np.random.default_rng(0))
    for a, b in zip(model.params, params_before):
        np.testing.assert_array_equal(a, b)
    assert_same_state(opt.state_dict(), state_before)


def assert_same_state(after, before):
    assert len(after["param_groups"]) == len(before["param_groups"])
    for group_after, group_before in zip(after["param_groups"], before["param_groups"]):
        assert group_after == group_before
    assert after["state"].keys() == before["state"].keys()
    for index, state in before["state"].items():
        assert after["state"][index].keys() == state.keys()
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                assert after["state"][index][key].tobytes() == value.tobytes()
            else:
                assert after["state"][index][key] == value


# --------------------------------------------------------------------------- result, input
def test_summary_says_the_suggestions_are_heuristics():
    X, y, _ = regression_problem(0)
    model, opt = model_and_sgd()
    result = lr_range_test(model, opt, X, y, rng=np.random.default_rng(0))
    assert isinstance(result, RangeTestResult)
    text = result.summary()
    assert "heuristics" in text and "steepest" in text and "min/10" in text
    assert "min/3" in text
    assert "stopped early" in text


@pytest.mark.parametrize("kwargs, error, match", [
    ({"start_lr": 0.0}, ValueError, "start_lr"),
    ({"start_lr": 1.0, "end_lr": 0.1}, ValueError, "start_lr < end_lr"),
    ({"end_lr": float("inf")}, ValueError, "end_lr"),
    ({"end_lr": "10"}, TypeError, "end_lr"),
    ({"num_steps": 1}, ValueError, "num_steps"),
    ({"num_steps": 10.0}, TypeError, "num_steps"),
    ({"mode": "log"}, ValueError, "mode"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"smoothing": 1.0}, ValueError, "smoothing"),
    ({"diverge_factor": 1.0}, ValueError, "diverge_factor"),
    ({"rng": 0}, TypeError, "rng"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    X, y, _ = regression_problem(0, n=64)
    model, opt = model_and_sgd()
    arguments = {"rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(error, match=match):
        lr_range_test(model, opt, X, y, **arguments)


def test_bad_data_and_optimizer_are_named():
    X, y, _ = regression_problem(0, n=64)
    model, opt = model_and_sgd()
    with pytest.raises(ValueError, match="as many rows"):
        lr_range_test(model, opt, X, y[:-1], rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="optimizer"):
        lr_range_test(model, None, X, y, rng=np.random.default_rng(0))


# --------------------------------------------------------------------------- replay
def sweep(**kwargs):
    """A range test on the regression problem that ends in a blow-up (end_lr >> 2/L)."""
    X, y, _ = regression_problem(0)
    model, opt = model_and_sgd(momentum=0.9)
    return lr_range_test(model, opt, X, y, start_lr=1e-5, end_lr=1e3, num_steps=120,
                         batch_size=32, rng=np.random.default_rng(0), **kwargs)


@pytest.fixture(scope="module")
def recorded():
    """The same test with the stop rule off: it runs until the loss stops being finite."""
    result = sweep(diverge_factor=np.inf)
    assert result.stop_reason is not None and "minimum" not in result.stop_reason
    return result


@pytest.mark.parametrize("smoothing, diverge_factor", [
    (0.98, 4.0), (0.0, 1.5), (0.9, 10.0), (0.5, 2.0), (0.99, 1.5),
    (0.98, 1e300),  # the rule never fires: the recording's own ending is the reason
])
def test_replaying_a_recording_is_running_the_test(recorded, smoothing, diverge_factor):
    direct = sweep(smoothing=smoothing, diverge_factor=diverge_factor)
    replayed = replay_range_test(recorded, smoothing, diverge_factor)
    np.testing.assert_array_equal(replayed.lrs, direct.lrs)
    np.testing.assert_array_equal(replayed.losses, direct.losses)
    np.testing.assert_array_equal(replayed.smoothed_losses, direct.smoothed_losses)
    np.testing.assert_array_equal(replayed.centred_losses, direct.centred_losses)
    assert replayed.stopped_early == direct.stopped_early
    assert replayed.stop_reason == direct.stop_reason
    assert replayed.suggestions == direct.suggestions


def test_replay_of_a_recording_that_ran_to_the_end():
    X, y, L = regression_problem(0)
    model, opt = model_and_sgd()
    kwargs = dict(start_lr=1e-6, end_lr=0.05 / L, num_steps=50, rng=np.random.default_rng(0))
    recording = lr_range_test(model, opt, X, y, diverge_factor=np.inf, **kwargs)
    replayed = replay_range_test(recording, 0.98, 4.0)
    assert not replayed.stopped_early and replayed.stop_reason is None
    assert len(replayed.lrs) == 50


@pytest.mark.parametrize("smoothing, diverge_factor, match", [
    (1.0, 4.0, "smoothing"), (-0.1, 4.0, "smoothing"), (0.9, 1.0, "diverge_factor")])
def test_replay_rejects_bad_settings(recorded, smoothing, diverge_factor, match):
    with pytest.raises(ValueError, match=match):
        replay_range_test(recorded, smoothing, diverge_factor)


# Inputs that make no sense get a clear ValueError (issue 12), not a ZeroDivisionError,
# a NaN with a warning, or a silent flat run.
@pytest.mark.parametrize("call, match", [
    (lambda: lr_finder.range_test_lrs(0.0, 10.0, 5), r"0 < start_lr < end_lr"),
    (lambda: lr_finder.range_test_lrs(1e-7, 10.0, 1), r"num_steps must be at least 2"),
    (lambda: lr_finder.range_test_lrs(1e-7, 10.0, 5, mode="log"), r'mode must be "exp"'),
    (lambda: lr_finder.range_test_lrs(10.0, 1e-7, 5), r"0 < start_lr < end_lr"),
    (lambda: lr_finder.smooth_losses([1.0, 2.0], smoothing=1.0), r"smoothing must be in \[0, 1\)"),
    (lambda: lr_finder.smooth_losses([1.0, 2.0], smoothing=-0.1), r"smoothing must be in \[0, 1\)"),
])
def test_nonsense_engine_inputs_are_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_range_test_over_copies_of_the_parameters_is_refused():
    data = make_linear_regression(50, 3, rng=np.random.default_rng(0))
    model = LinearRegression(3, rng=np.random.default_rng(1))
    optimizer = SGD([p.copy() for p in model.params], lr=0.1)    # the classic mistake
    with pytest.raises(ValueError, match="does not hold any of the model's parameter arrays"):
        lr_finder.lr_range_test(model, optimizer, data[0], data[1], num_steps=10,
                                rng=np.random.default_rng(2))


def test_suggestions_from_a_curve_that_starts_at_rate_zero_are_silent():
    lrs = np.linspace(0.0, 1.0, 50)                       # a linear sweep from 0
    curve = 1.0 + (lrs - 0.3) ** 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        suggestions = lr_finder.suggest_lrs(lrs, curve)
    assert all(np.isfinite(v) and v > 0 for v in suggestions.values())
