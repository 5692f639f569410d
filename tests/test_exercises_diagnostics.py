"""The references of gdcourse.exercises.diagnostics against independent computations."""

import numpy as np
import pytest

from gdcourse.data import load_digits
from gdcourse.exercises import diagnostics
from gdcourse.lr_finder import RangeTestResult, lr_range_test, smooth_losses, suggest_lrs
from gdcourse.models import MLP
from gdcourse.optim import SGD
from gdcourse.train import train

gd_step = diagnostics.GD_STEP.reference
diagnose = diagnostics.DIAGNOSE.reference
suggest_rates = diagnostics.SUGGEST_RATES.reference


# --- gd_step ---------------------------------------------------------------------------

def test_gd_step_hand_worked():
    np.testing.assert_allclose(gd_step(np.array([1.0, -2.0]), np.array([4.0, 1.0]), 0.1),
                               [0.6, -2.1])


def test_gd_step_matches_gdcourse_sgd_and_leaves_input_alone():
    rng = np.random.default_rng(0)
    theta, grad = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    before = theta.copy()
    mine = gd_step(theta, grad, 0.37)
    np.testing.assert_array_equal(theta, before)   # a new array, the input is untouched
    SGD([theta], lr=0.37).step([grad])
    np.testing.assert_allclose(mine, theta, rtol=1e-15)


def test_gd_step_matches_torch_sgd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    theta, grad = rng.normal(size=5), rng.normal(size=5)
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(grad, dtype=torch.float64)
    torch.optim.SGD([p], lr=0.05).step()
    np.testing.assert_allclose(gd_step(theta, grad, 0.05), p.detach().numpy(), rtol=1e-15)


# --- diagnose ---------------------------------------------------------------------------

def test_diagnose_cases_give_the_label_they_describe():
    labels = [case.run(diagnose) for case in diagnostics.DIAGNOSE.cases]
    assert labels == ["diverged", "flat", "noisy", "healthy", "overfitting", "overfitting",
                      "diverged", "diverged", "diverged", "healthy", "healthy", "healthy",
                      "healthy", "flat", "healthy",
                      "overfitting", "noisy", "flat", "flat", "flat", "diverged"]
    assert set(labels) == set(diagnostics.LABELS)


def test_diagnose_thresholds_by_hand():
    base = np.full(20, 1.0)
    val = np.array([1.0, 0.5])
    assert diagnose(np.r_[base[:-1], np.inf], val) == "diverged"
    assert diagnose(np.r_[base[:-1], 10.5], val) == "diverged"        # > 10 x the first
    assert diagnose(base, val) == "flat"                              # mean ratio 1 >= 0.95
    falling = np.r_[np.full(10, 1.0), np.full(10, 0.5)]
    assert diagnose(falling, val) == "healthy"
    assert diagnose(falling, np.array([1.0, 0.5, 0.56])) == "overfitting"  # 0.56 > 1.1 x 0.5
    assert diagnose(falling, np.array([1.0, 0.5, 0.54])) == "healthy"
    noisy = falling.copy()
    noisy[-10:] += 0.11 * np.where(np.arange(10) % 2 == 0, 1.0, -1.0)  # std 0.11 > 0.1 x 1.0 (first ten)
    assert diagnose(noisy, val) == "noisy"


def test_diagnose_on_real_training_runs():
    data = load_digits(rng=np.random.default_rng(0))

    def run(lr, epochs=4):
        model = MLP([64, 32, 10], rng=np.random.default_rng(1))
        history = train(model, SGD(model.params, lr=lr, momentum=0.9), data.X_train,
                        data.y_train, epochs=epochs, batch_size=64,
                        val_data=(data.X_val, data.y_val), rng=np.random.default_rng(2),
                        progress=False)
        return history

    stuck = run(1e-5)
    assert diagnose(stuck.step_loss, stuck.val_loss) == "flat"
    good = run(0.05)
    assert diagnose(good.step_loss, good.val_loss) == "healthy"


# --- suggest_rates ----------------------------------------------------------------------

@pytest.mark.parametrize("case", diagnostics.SUGGEST_RATES.cases)
def test_suggest_rates_agrees_with_gdcourse(case):
    captured = {}

    def capture(result):
        captured["result"] = result
        return suggest_rates(result)

    steepest, tenth = case.run(capture)
    result = captured["result"]
    # The library's rule on the same curve: it also leaves out the first and last few
    # points, which on these clean curves changes nothing.
    reference = suggest_lrs(result.lrs, result.centred_losses)
    assert tenth == pytest.approx(reference["min/10"], rel=1e-12)
    assert steepest == reference["steepest"]


@pytest.mark.parametrize("case", diagnostics.SUGGEST_RATES.cases)
def test_the_moving_average_mistake_reads_larger_rates(case):
    """The lesson of the exercise: read off the lagging average, both rules move up."""
    right = case.run(suggest_rates)
    lagged = case.run(diagnostics._suggest_rates_moving_average)
    assert lagged[0] > right[0] and lagged[1] > right[1]


def test_suggest_rates_on_a_real_range_test():
    data = load_digits(rng=np.random.default_rng(0))
    model = MLP([64, 32, 10], rng=np.random.default_rng(1))
    result = lr_range_test(model, SGD(model.params, lr=1e-3, momentum=0.9), data.X_train,
                           data.y_train, start_lr=1e-4, end_lr=10, num_steps=80,
                           rng=np.random.default_rng(2))
    steepest, tenth = suggest_rates(result)
    assert tenth == pytest.approx(result.suggestions["min/10"], rel=1e-12)
    assert steepest == result.suggestions["steepest"]
    assert result.lrs[0] <= steepest <= 10 * tenth
    np.testing.assert_allclose(smooth_losses(result.losses), result.smoothed_losses)


def test_suggest_rates_hand_worked():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    smoothed = np.array([2.0, 1.9, 1.0, 1.5])   # slopes x ln(10): -.1, -.5, -.2, +.5
    result = RangeTestResult(lrs=lrs, losses=smoothed, smoothed_losses=smoothed,
                             stopped_early=False, stop_reason=None, centred_losses=smoothed)
    assert suggest_rates(result) == pytest.approx((1e-2, 1e-2))


# --- gd_step and theta_after: chapter 0 ------------------------------------------------

def test_gd_step_answers_any_wrong_array_and_a_forgotten_return():
    from gdcourse.exercises import check_gd_step

    doubled = check_gd_step(lambda theta, grad, lr: 2 * theta)
    assert doubled.status == "failed" and doubled.message.startswith("Value:")

    def in_place(theta, grad, lr):
        theta -= lr * grad

    forgotten = check_gd_step(in_place)
    assert forgotten.status == "failed" and "return" in forgotten.hint


def test_theta_after_matches_gdcourse_sgd_on_a_diagonal_quadratic():
    theta_after = diagnostics.THETA_AFTER.reference
    curvatures, lr = np.array([1.0, 10.0, 0.3]), 0.07
    theta = np.array([1.0, -2.0, 0.5])
    start = theta.copy()
    opt = SGD([theta], lr=lr)
    for t in range(1, 41):
        opt.step([curvatures * theta])
        np.testing.assert_allclose(theta_after(start, curvatures, lr, t), theta,
                                   rtol=1e-12, atol=1e-300)


# =============================================================================
# Wrong and right answers, written from the statements of chapters 0 and 7
# =============================================================================
from _exercise_variants import Right, Wrong, assert_right, assert_wrong, parameters  # noqa: E402

from gdcourse.exercises import EXERCISES  # noqa: E402


def _gd_in_place_returned(theta, grad, lr):
    theta -= lr * grad
    return theta


def _gd_in_place_no_return(theta, grad, lr):
    theta -= lr * grad


def _theta_loop(theta0, curvatures, lr, t):
    theta = theta0.copy()
    for _ in range(t):
        theta = theta - lr * curvatures * theta
    return theta


def _theta_in_place(theta0, curvatures, lr, t):
    theta0 *= (1 - lr * curvatures) ** t
    return theta0


def _theta_loop_in_place(theta0, curvatures, lr, t):
    theta = theta0
    for _ in range(t):
        theta -= lr * curvatures * theta
    return theta


def _theta_flat(theta0, curvatures, lr, t):
    return np.array([(1 - lr * c) ** t * th for c, th in zip(curvatures.ravel(),
                                                               theta0.ravel())])


def _dg(**changes):
    """diagnose written from the statement, with one rule changed."""
    rules = dict(
        diverged=lambda tr, first: (not np.all(np.isfinite(tr))) or np.any(tr > 10 * first),
        noisy=lambda head, tail: np.std(tail) > 0.1 * np.mean(head),
        flat=lambda head, tail: np.mean(tail) >= 0.95 * np.mean(head),
        overfitting=lambda val: val[-1] > 1.1 * np.min(val),
        order=("noisy", "flat"),
        tail=lambda tr: tr[-10:],
    )
    rules.update(changes)

    def diagnose(train_losses, val_losses):
        tr = np.asarray(train_losses, dtype=float)
        val = np.asarray(val_losses, dtype=float)
        head, tail = tr[:10], rules["tail"](tr)
        if rules["diverged"](tr, tr[0]):
            return "diverged"
        with np.errstate(all="ignore"):
            for name in rules["order"]:
                if rules[name](head, tail):
                    return name
        if rules["overfitting"](val):
            return "overfitting"
        return "healthy"
    return diagnose


def _dg_statistics(train_losses, val_losses):
    import statistics

    train = [float(x) for x in train_losses]
    if any(math.isnan(x) or math.isinf(x) for x in train) or max(train) > 10 * train[0]:
        return "diverged"
    head, tail = train[:10], train[-10:]
    if statistics.pstdev(tail) > 0.1 * statistics.fmean(head):
        return "noisy"
    if statistics.fmean(tail) >= 0.95 * statistics.fmean(head):
        return "flat"
    if val_losses[-1] > 1.1 * min(val_losses):
        return "overfitting"
    return "healthy"


def _sr(curve="centred_losses", slope=lambda c, lrs: np.gradient(c, np.log(lrs)),
        minimum="centred_losses", pick=np.argmin):
    def suggest_rates(result):
        lrs = np.asarray(result.lrs)
        c = np.asarray(getattr(result, curve))
        steepest = lrs[pick(slope(c, lrs))]
        return float(steepest), float(lrs[np.argmin(getattr(result, minimum))] / 10)
    return suggest_rates


import math  # noqa: E402


def _dg_noise_all(train_losses, val_losses):
    train = np.asarray(train_losses, dtype=float)
    return _dg(noisy=lambda head, tail: np.std(train) > 0.1 * np.mean(head))(train, val_losses)


def _dg_flat_two(train_losses, val_losses):
    train = np.asarray(train_losses, dtype=float)
    return _dg(flat=lambda head, tail: train[-1] >= 0.95 * train[0])(train, val_losses)


def _central_by_hand(c, lrs):
    x = np.log(lrs)
    inner = [(c[i + 1] - c[i - 1]) / (x[i + 1] - x[i - 1]) for i in range(1, len(c) - 1)]
    return np.array([(c[1] - c[0]) / (x[1] - x[0]), *inner, (c[-1] - c[-2]) / (x[-1] - x[-2])])


VARIANTS = {
    "gd_step": [
        Wrong("uphill", lambda theta, grad, lr: theta + lr * grad, "mistake: sign error"),
        Wrong("no lr", lambda theta, grad, lr: theta - grad, "mistake: learning rate forgotten"),
        Wrong("/ lr", lambda theta, grad, lr: theta - grad / lr,
              "mistake: divided by the learning rate"),
        Wrong("the step", lambda theta, grad, lr: -lr * grad, "mistake: the step only"),
        Wrong("lr · g · θ", lambda theta, grad, lr: theta - lr * grad * theta,
              "mistake: times theta"),
        Wrong("in place, returned", _gd_in_place_returned, "requirement: inputs unchanged"),
        Wrong("in place, no return", _gd_in_place_no_return,
              "requirement: in place, nothing returned"),
        Wrong("a list", lambda theta, grad, lr: list(theta - lr * grad), "mistake: a list of rows"),
        Wrong(".tolist()", lambda theta, grad, lr: (theta - lr * grad).tolist(), "mistake: a list"),
        Wrong("prints", lambda theta, grad, lr: print(theta - lr * grad), "mistake: nothing returned"),
        Right("np.subtract", lambda theta, grad, lr: np.subtract(theta, np.multiply(lr, grad))),
        Right("copy then in place", lambda theta, grad, lr: _gd_in_place_returned(
            theta.copy(), grad, lr)),
        Right("θ + (−lr)·g", lambda theta, grad, lr: theta + (-lr) * grad),
    ],
    "theta_after": [
        Wrong("1 + ηλ", lambda theta0, curvatures, lr, t: (1 + lr * curvatures) ** t * theta0,
              "mistake: sign error"),
        Wrong("t − 1", lambda theta0, curvatures, lr, t: (1 - lr * curvatures) ** (t - 1) * theta0,
              "mistake: one step less"),
        Wrong("t + 1", lambda theta0, curvatures, lr, t: (1 - lr * curvatures) ** (t + 1) * theta0,
              "mistake: one step more"),
        Wrong("no lr", lambda theta0, curvatures, lr, t: (1 - curvatures) ** t * theta0,
              "mistake: learning rate forgotten"),
        Wrong("no curvature", lambda theta0, curvatures, lr, t: (1 - lr) ** t * theta0,
              "mistake: curvature forgotten"),
        Wrong("one step", lambda theta0, curvatures, lr, t: (1 - lr * curvatures) * theta0,
              "mistake: one step only"),
        Wrong("1 − tηλ", lambda theta0, curvatures, lr, t: (1 - t * lr * curvatures) * theta0,
              "mistake: t times the step"),
        Wrong("e^(−ηλt)", lambda theta0, curvatures, lr, t: np.exp(-lr * curvatures * t) * theta0,
              "mistake: gradient flow"),
        Wrong("1 − (ηλ)^t", lambda theta0, curvatures, lr, t: (1 - (lr * curvatures) ** t) * theta0,
              "mistake: power of the product"),
        Wrong("no brackets", lambda theta0, curvatures, lr, t: (1 - lr * curvatures) * theta0 ** t,
              "mistake: θ₀ raised to t"),
        Wrong("in place", _theta_in_place, "requirement: inputs unchanged"),
        Wrong("loop in place", _theta_loop_in_place, "requirement: inputs unchanged"),
        Wrong("flattened", _theta_flat, "requirement: same shape"),
        Right("a loop", _theta_loop),
        Right("np.power", lambda theta0, curvatures, lr, t: theta0 * np.power(
            1 - lr * curvatures, t)),
    ],
    "diagnose": [
        Wrong("NaN missed", _dg(diverged=lambda tr, first: tr.max() > 10 * first),
              "mistake: NaN not detected"),
        Wrong(">= 10 ×", _dg(diverged=lambda tr, first: not np.all(np.isfinite(tr))
                             or np.any(tr >= 10 * first)), "mistake: diverged at exactly 10 times"),
        Wrong("noise over everything", _dg_noise_all,
              "mistake: noise measured over the whole curve"),
        Wrong("noise / tail mean", _dg(noisy=lambda head, tail: np.std(tail) > 0.1 * np.mean(tail)),
              "mistake: noise scaled by the last ten"),
        Wrong("ddof=1", _dg(noisy=lambda head, tail: np.std(tail, ddof=1) > 0.1 * np.mean(head)),
              "mistake: sample standard deviation"),
        Wrong("noisy >=", _dg(noisy=lambda head, tail: np.std(tail) >= 0.1 * np.mean(head)),
              "mistake: noisy at exactly 10 %"),
        Wrong("flat >", _dg(flat=lambda head, tail: np.mean(tail) > 0.95 * np.mean(head)),
              "mistake: flat only above 95 %"),
        Wrong("flat from two losses", _dg_flat_two, "mistake: flat judged from two single losses"),
        Wrong("flat first", _dg(order=("flat", "noisy")), "mistake: flat tested before noisy"),
        Wrong("tr[10:]", _dg(tail=lambda tr: tr[10:]), "mistake: everything after the first ten"),
        Wrong("overfit >=", _dg(overfitting=lambda val: val[-1] >= 1.1 * np.min(val)),
              "mistake: overfitting at exactly 10 % above"),
        Wrong("vs first val", _dg(overfitting=lambda val: val[-1] > 1.1 * val[0]),
              "mistake: overfitting compared with the first validation loss"),
        Wrong("vs previous val", _dg(overfitting=lambda val: len(val) > 1 and val[-1] > 1.1 * val[-2]),
              "mistake: overfitting compared with the previous validation loss"),
        Right("statistics module", _dg_statistics),
        Right("ratios", _dg(noisy=lambda head, tail: np.std(tail) / np.mean(head) > 0.1,
                            flat=lambda head, tail: np.mean(tail) / np.mean(head) >= 0.95,
                            overfitting=lambda val: val[-1] / np.min(val) > 1.1)),
        Right("isnan or isinf", _dg(diverged=lambda tr, first: bool(np.isnan(tr).any()
                                                                 or np.isinf(tr).any()
                                                                 or (tr > 10 * first).any()))),
    ],
    "suggest_rates": [
        Wrong("min itself", lambda result: (_sr()(result)[0], 10 * _sr()(result)[1]),
              "mistake: rate at the minimum itself"),
        Wrong("index // 10", lambda result: (_sr()(result)[0], float(np.asarray(result.lrs)[
            np.argmin(result.centred_losses) // 10])), "mistake: a tenth of the index"),
        Wrong("indices", lambda result: (int(np.argmin(np.gradient(
            result.centred_losses, np.log(result.lrs)))), np.argmin(result.centred_losses) / 10),
            "mistake: indices instead of rates"),
        Wrong("swapped", lambda result: _sr()(result)[::-1], "mistake: values swapped"),
        Wrong("moving average", _sr(curve="smoothed_losses", minimum="smoothed_losses"),
              "mistake: read off the moving average"),
        Wrong("min of the moving average", _sr(minimum="smoothed_losses"),
              "mistake: minimum of the moving average"),
        Wrong("min of the raw losses", _sr(minimum="losses"), "mistake: minimum of the raw losses"),
        Wrong("slope against lr", _sr(slope=lambda c, lrs: np.gradient(c, lrs)),
              "mistake: slope against lr, not log(lr)"),
        Wrong("np.diff", _sr(slope=lambda c, lrs: np.diff(c) / np.diff(np.log(lrs))),
              "mistake: forward differences"),
        Wrong("raw slope", _sr(curve="losses"), "mistake: slope of the raw losses"),
        Wrong("argmax", _sr(pick=np.argmax), "mistake: steepest rise"),
        Wrong("steepest = minimum", lambda result: (float(np.asarray(result.lrs)[np.argmin(
            result.centred_losses)]), _sr()(result)[1]), "mistake: steepest at the minimum"),
        Right("log10", _sr(slope=lambda c, lrs: np.gradient(c, np.log10(lrs)))),
        Right("unit spacing (the grid is geometric)", _sr(slope=lambda c, lrs: np.gradient(c))),
        Right("list comprehension of central differences", _sr(slope=_central_by_hand)),
    ],
}


# A second pass over the statements.
VARIANTS["theta_after"] += [
    Wrong("λ ** t", lambda theta0, curvatures, lr, t: (1 - lr * curvatures ** t) * theta0,
          "mistake: curvatures raised to t"),
]


VARIANTS["diagnose"] += [
    Wrong("> 10 × the first ten's mean", _dg(diverged=lambda tr, first: not np.all(np.isfinite(
        tr)) or np.any(tr > 10 * np.mean(tr[:10]))), "mistake: diverged against the first ten's mean"),
]


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Wrong))
def test_wrong_answer_gets_its_own_hint(exercise, variant):
    assert_wrong(exercise, variant)


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Right))
def test_right_answer_passes(exercise, variant):
    assert_right(exercise, variant)
