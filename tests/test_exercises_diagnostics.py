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
    assert labels == ["diverged", "flat", "noisy", "healthy", "overfitting", "overfitting"]
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
