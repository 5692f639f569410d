"""Tests of gdcourse.train (the training loop) and gdcourse.progress (its progress line).

References used as ground truth: the closed-form least-squares solution
(``np.linalg.lstsq``), hand-computed divergence steps of gradient descent on a quadratic,
the schedulers' closed forms ``lr_at``, and hand-counted steps per epoch.
"""

import io
import math
import re
import warnings

import numpy as np
import pytest

from gdcourse.data import load_digits, make_linear_regression
from gdcourse.models import MLP, LinearRegression, LogisticRegression, SoftmaxRegression
from gdcourse.optim import SGD, Adam
from gdcourse.optim.lr_scheduler import (
    CosineAnnealingLR, OneCycleLR, ReduceLROnPlateau, StepLR)
from gdcourse.progress import ProgressLine, format_progress, progress_callback
from gdcourse.train import History, train

STEP_ARRAYS = ["step_loss", "lr", "grad_norm"]
EPOCH_ARRAYS = ["epoch_loss", "val_loss", "val_metric", "train_metric", "epoch_step"]


# --------------------------------------------------------------------------- stand-ins
class ScriptedLossModel:
    """A one-parameter model whose loss on the validation set follows a script.

    Training data: loss (theta - 1)^2 (gradient 2(theta - 1)); validation data
    (recognised by identity) returns the next number of ``val_losses``, so the
    plateau that ReduceLROnPlateau should see is fixed by hand.
    """

    metric_name = "accuracy"

    def __init__(self, X_val, val_losses=()):
        self.params = [np.array([3.0])]
        self.X_val = X_val
        self.val_losses = list(val_losses)

    def loss_and_grads(self, X, y):
        theta = self.params[0]
        return float((theta[0] - 1.0) ** 2), [2.0 * (theta - 1.0)]

    def loss(self, X, y):
        if X is self.X_val:
            return self.val_losses.pop(0)
        return self.loss_and_grads(X, y)[0]

    def score(self, X, y):
        return 0.5


class ConstantLossModel(ScriptedLossModel):
    """Loss 1 whatever the parameter: every epoch loss is the same plateau."""

    def loss_and_grads(self, X, y):
        return 1.0, [np.zeros(1)]


# --------------------------------------------------------------------------- helpers
def linear_problem(n=200, n_features=3, seed=0):
    X, y, _, _ = make_linear_regression(n, n_features, noise=0.1,
                                        rng=np.random.default_rng(seed))
    return X, y


def largest_curvature(X):
    """Largest eigenvalue of the Hessian of the mean squared error, 2/n [X 1]^T [X 1]."""
    A = np.column_stack([X, np.ones(len(X))])
    return float(np.linalg.eigvalsh(2.0 * A.T @ A / len(X)).max())


def run_linear(epochs=3, batch_size=None, lr=0.05, seed=0, **kwargs):
    X, y = linear_problem(n=20)
    model = LinearRegression(X.shape[1], rng=np.random.default_rng(seed))
    opt = SGD(model.params, lr=lr)
    kwargs.setdefault("progress", False)
    history = train(model, opt, X, y, epochs=epochs, batch_size=batch_size,
                    rng=np.random.default_rng(seed), **kwargs)
    return history, model, opt


@pytest.fixture(scope="module")
def digits():
    return load_digits(rng=np.random.default_rng(0))


# --------------------------------------------------------------------------- correctness
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_full_batch_gd_reaches_the_least_squares_solution(momentum):
    X, y = linear_problem()
    model = LinearRegression(X.shape[1], rng=np.random.default_rng(1))
    opt = SGD(model.params, lr=1.0 / largest_curvature(X), momentum=momentum)
    history = train(model, opt, X, y, epochs=300, progress=False)

    A = np.column_stack([X, np.ones(len(X))])
    solution = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(model.params[0].ravel(), solution[:-1], rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.params[1], solution[-1:], rtol=0, atol=1e-10)
    assert history.steps == 300 and not history.diverged
    # A full-batch epoch loss is the loss at the start of the epoch; plain GD with
    # lr <= 2/L never increases it (momentum may).
    if momentum == 0:
        assert np.all(np.diff(history.epoch_loss) <= 1e-12)


def binary_digits(dataset):
    """Digits 0-4 (class 0) against 5-9 (class 1)."""
    return (dataset.y_train >= 5).astype(int), (dataset.y_test >= 5).astype(int)


@pytest.mark.parametrize("name, make_model, make_opt, epochs, target", [
    ("logistic", lambda rng: LogisticRegression(64, rng=rng),
     lambda p: SGD(p, lr=0.1), 10, 0.85),  # measured 0.870-0.878 over 4 seeds
    ("softmax", lambda rng: SoftmaxRegression(64, 10, rng=rng),
     lambda p: SGD(p, lr=0.1), 10, 0.93),  # measured 0.967
    ("mlp", lambda rng: MLP([64, 128, 10], rng=rng),
     lambda p: Adam(p, lr=1e-3), 10, 0.95),  # measured 0.963-0.981
])
def test_digits_reach_the_stated_test_accuracy(digits, name, make_model, make_opt, epochs,
                                               target):
    y_train, y_test = ((digits.y_train, digits.y_test) if name != "logistic"
                       else binary_digits(digits))
    model = make_model(np.random.default_rng(1))
    history = train(model, make_opt(model.params), digits.X_train, y_train, epochs=epochs,
                    batch_size=32, rng=np.random.default_rng(2), progress=False)
    assert history.epochs_completed == epochs and not history.diverged
    assert model.score(digits.X_test, y_test) >= target
    assert history.metric_name == "accuracy"
    assert history.train_metric[-1] == pytest.approx(model.score(digits.X_train, y_train))


def test_same_seed_gives_the_same_history(digits):
    def run(seed):
        model = MLP([64, 16, 10], rng=np.random.default_rng(seed))
        return train(model, Adam(model.params, lr=1e-3), digits.X_train, digits.y_train,
                     epochs=2, batch_size=64, val_data=(digits.X_val, digits.y_val),
                     rng=np.random.default_rng(seed), progress=False)

    first, second, other = run(0), run(0), run(1)
    for name in STEP_ARRAYS + EPOCH_ARRAYS:
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert not np.array_equal(first.step_loss, other.step_loss)


def test_validation_does_not_change_the_run():
    X, y = linear_problem(n=40)
    results = []
    for val_data in (None, (X[:10], y[:10])):
        model = LinearRegression(3, rng=np.random.default_rng(0))
        history = train(model, SGD(model.params, lr=0.05), X, y, epochs=3, batch_size=8,
                        val_data=val_data, rng=np.random.default_rng(5), progress=False)
        results.append((history, model.copy_params()))
    (plain, params_plain), (validated, params_validated) = results
    np.testing.assert_array_equal(plain.step_loss, validated.step_loss)
    for a, b in zip(params_plain, params_validated):
        np.testing.assert_array_equal(a, b)
    assert np.all(np.isnan(plain.val_loss)) and np.all(np.isfinite(validated.val_loss))


# --------------------------------------------------------------------------- steps and epochs
@pytest.mark.parametrize("batch_size, per_epoch", [
    (None, 1),      # batch GD
    (1, 20),        # stochastic GD: one step per sample
    (3, 7),         # mini-batch: ceil(20 / 3), the last batch has 2 samples
    (20, 1),
    (50, 1),        # larger than the data set: one full batch
])
def test_steps_per_epoch_and_a_global_step_counter(batch_size, per_epoch):
    epochs = 4
    X, y = linear_problem(n=20)
    model = LinearRegression(3, rng=np.random.default_rng(0))
    opt = SGD(model.params, lr=0.1)
    sched = OneCycleLR(opt, max_lr=0.1, total_steps=epochs * per_epoch)
    history = train(model, opt, X, y, epochs=epochs, batch_size=batch_size, scheduler=sched,
                    scheduler_interval="step", rng=np.random.default_rng(0), progress=False)
    assert history.steps == epochs * per_epoch
    np.testing.assert_array_equal(history.epoch_step, per_epoch * np.arange(1, epochs + 1))
    # The rate of global step t is the schedule's closed form at t, across epochs.
    expected = [sched.lr_at(t)[0] for t in range(epochs * per_epoch)]
    np.testing.assert_allclose(history.lr, expected, rtol=1e-12)
    assert sched.last_epoch == epochs * per_epoch


def test_epoch_loss_is_the_batch_size_weighted_mean_of_step_losses():
    history, _, _ = run_linear(epochs=2, batch_size=3, shuffle=False)
    sizes = np.array([3, 3, 3, 3, 3, 3, 2])
    for epoch in range(2):
        losses = history.step_loss[7 * epoch: 7 * (epoch + 1)]
        assert history.epoch_loss[epoch] == pytest.approx(np.sum(losses * sizes) / 20)


def test_per_epoch_scheduler_steps_once_per_epoch():
    X, y = linear_problem(n=20)
    model = LinearRegression(3, rng=np.random.default_rng(0))
    opt = SGD(model.params, lr=0.08)
    sched = StepLR(opt, step_size=1, gamma=0.5)
    history = train(model, opt, X, y, epochs=4, batch_size=5, scheduler=sched,
                    shuffle=False, progress=False)
    expected = np.repeat(0.08 * 0.5 ** np.arange(4), 4)  # 4 steps per epoch
    np.testing.assert_allclose(history.lr, expected, rtol=1e-15)
    assert sched.last_epoch == 4


@pytest.mark.parametrize("val_losses, patience, rate_per_epoch", [
    # best, best, best, bad 1, bad 2 > patience 1 -> halved after epoch 5;
    # the counter restarts: bad 1 (epoch 6), bad 2 (epoch 7) -> halved again.
    ([5.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0], 1, [1, 1, 1, 1, 1, 0.5, 0.5, 0.25]),
    # Improvements keep the rate; a relative change below 1e-4 is no improvement.
    ([5.0, 4.0, 3.0, 2.9999, 2.0, 2.0, 2.0, 2.0], 2, [1, 1, 1, 1, 1, 1, 1, 1]),
    ([5.0, 4.0, 3.0, 2.9999, 2.9999, 2.9999, 2.0, 2.0], 2, [1, 1, 1, 1, 1, 1, 0.5, 0.5]),
])
def test_reduce_on_plateau_follows_the_validation_loss(val_losses, patience,
                                                       rate_per_epoch):
    X = np.zeros((4, 1))
    X_val = np.zeros((2, 1))
    model = ScriptedLossModel(X_val, val_losses)
    opt = SGD(model.params, lr=0.01)
    sched = ReduceLROnPlateau(opt, factor=0.5, patience=patience)
    history = train(model, opt, X, np.zeros(4), epochs=len(val_losses), scheduler=sched,
                    val_data=(X_val, np.zeros(2)), progress=False)
    np.testing.assert_allclose(history.lr, 0.01 * np.array(rate_per_epoch), rtol=1e-15)
    np.testing.assert_array_equal(history.val_loss, val_losses)


def test_reduce_on_plateau_without_validation_data_uses_the_epoch_loss():
    X = np.zeros((4, 1))
    model = ConstantLossModel(X_val=None)
    opt = SGD(model.params, lr=0.01)
    sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
    history = train(model, opt, X, np.zeros(4), epochs=5, scheduler=sched, progress=False)
    # Epoch 1 sets the best; epochs 2 and 3 do not improve -> halved from epoch 4 on.
    np.testing.assert_allclose(history.lr, 0.01 * np.array([1, 1, 1, 0.5, 0.5]))


def test_max_steps_stops_in_the_middle_of_an_epoch():
    history, _, _ = run_linear(epochs=10, batch_size=3, max_steps=17)
    assert history.steps == 17
    assert history.epochs_completed == 2  # 7 steps per epoch
    assert history.summary().startswith("SGD: train r2 ")
    assert "after 2 epochs + 3 steps" in history.summary()


# --------------------------------------------------------------------------- divergence
@pytest.mark.parametrize("lr, step, reason", [
    # x = +-1 with mean 0 and y = 0: the gradient is 2w for w and 2b for b, so each step
    # multiplies (w, b) by 1 - 2 lr and the loss 9 by (1 - 2 lr)^2. With lr = 10.5 that is
    # 400 per step: 9 * 400^3 = 5.8e8 < 1e8 * 9 < 9 * 400^4 = 2.3e11 -> step 4.
    (10.5, 4, "loss grew from 9 to 2.3e+11"),
    # (1 - 2e6)^2 = 4e12 per step: 9 * 4e12 = 3.6e13 > 9e8 already after step 1.
    (1e6, 1, "loss grew from 9 to 3.6e+13"),
    # (1 - 2e200)^2 overflows: w is 6e200 after one step, and its square is inf.
    (1e200, 1, "loss is inf"),
])
def test_divergence_is_reported_at_the_hand_computed_step(lr, step, reason):
    X = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    model = LinearRegression(1, rng=np.random.default_rng(0))
    model.set_params([np.array([[3.0]]), np.array([0.0])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = train(model, SGD(model.params, lr=lr), X, np.zeros(4), epochs=10,
                        progress=False)
    assert history.diverged
    assert history.divergence.step == step
    assert history.divergence.reason == reason
    assert history.steps == step  # no update after the divergence was seen
    assert history.epochs_completed == step  # one step per epoch; diverged in the next
    assert history.summary() == (
        f"SGD: diverged at step {step}: {reason} — try a smaller learning rate")


def test_a_huge_first_loss_points_at_the_initialisation(digits):
    # std-1 weights in four ReLU layers of 64: logits in the thousands before any step.
    rng = np.random.default_rng(1)
    model = MLP([64, 64, 64, 64, 64, 10], init="large_normal", rng=rng)
    history = train(model, SGD(model.params, lr=0.05, momentum=0.9), digits.X_train,
                    digits.y_train, epochs=1, batch_size=64, rng=rng, progress=False)
    assert history.diverged
    first = history.step_loss[0]
    assert first > 10 * math.log(10)
    assert history.divergence.advice == (
        f"the first loss, {first:.3g}, is far above ln 10 ≈ 2.30, the loss of a start "
        "that favours no class: the starting weights are too large (check the "
        "initialisation before lowering the learning rate)")
    assert "initialisation" in history.summary()


def test_a_sensible_start_that_diverges_blames_the_learning_rate(digits):
    rng = np.random.default_rng(1)
    model = MLP([64, 32, 10], rng=rng)
    history = train(model, SGD(model.params, lr=50.0), digits.X_train, digits.y_train,
                    epochs=3, batch_size=64, rng=rng, progress=False)
    assert history.diverged and history.step_loss[0] < 10 * math.log(10)
    assert history.divergence.advice == "try a smaller learning rate"


def test_a_converging_run_does_not_diverge():
    history, _, _ = run_linear(epochs=5, lr=0.05)
    assert history.divergence is None and not history.diverged


# --------------------------------------------------------------------------- clipping
@pytest.mark.parametrize("max_norm, clip_value", [
    (None, None), (0.5, None), (None, 0.1), (0.5, 0.1), (100.0, None)])
def test_clipping_bounds_the_update_and_the_norm_is_recorded_before(max_norm, clip_value):
    X, y = linear_problem(n=20)
    model = LinearRegression(3, rng=np.random.default_rng(0))
    _, grads = model.loss_and_grads(X, y)
    true_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    before = model.copy_params()
    lr = 0.1
    history = train(model, SGD(model.params, lr=lr), X, y, epochs=1, max_norm=max_norm,
                    clip_value=clip_value, progress=False)
    assert history.grad_norm[0] == pytest.approx(true_norm, rel=1e-12)

    update = np.concatenate([(b - a).ravel() for a, b in zip(model.params, before)]) / lr
    expected_norm = true_norm if max_norm is None else min(true_norm, max_norm)
    if clip_value is None:
        assert np.linalg.norm(update) == pytest.approx(expected_norm, rel=1e-6)
    else:
        assert np.max(np.abs(update)) <= clip_value * (1 + 1e-12)
        assert np.linalg.norm(update) <= expected_norm * (1 + 1e-12)
    assert true_norm > 0.5  # else the table would not test any clipping


# --------------------------------------------------------------------------- history
def test_history_arrays_and_properties():
    history, _, _ = run_linear(epochs=3, batch_size=5, val_data=(np.ones((2, 3)),
                                                                 np.ones(2)))
    assert isinstance(history, History)
    for name in STEP_ARRAYS + ["time"]:
        values = getattr(history, name)
        assert isinstance(values, np.ndarray) and values.shape == (12,)
    for name in EPOCH_ARRAYS + ["epoch_time"]:
        assert getattr(history, name).shape == (3,)
    assert history.steps == 12 and history.epochs_completed == 3 and not history.diverged
    assert np.all(np.diff(history.time) >= 0) and np.all(np.diff(history.epoch_time) >= 0)
    assert re.fullmatch(r"SGD: val r2 -?\d+\.\d{3} after 3 epochs \(\d+\.\d s\)",
                        history.summary()), history.summary()


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, error, match", [
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 2.0}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"scheduler_interval": "batch"}, ValueError, "scheduler_interval"),
    ({"max_norm": -1.0}, ValueError, "max_norm"),
    ({"clip_value": 0}, ValueError, "clip_value"),
    ({"max_steps": 0}, ValueError, "max_steps"),
    ({"batch_size": 4, "rng": None}, TypeError, "rng"),
    ({"batch_size": 4, "rng": 0}, TypeError, "rng"),
    ({"val_data": np.ones((3, 3))}, TypeError, "val_data"),
    ({"val_data": (np.ones((3, 3)), np.ones(2))}, ValueError, "X_val and y_val"),
    ({"progress": "yes"}, TypeError, "progress"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    X, y = linear_problem(n=20)
    model = LinearRegression(3, rng=np.random.default_rng(0))
    arguments = {"epochs": 1, "rng": np.random.default_rng(0), "progress": False} | kwargs
    with pytest.raises(error, match=match):
        train(model, SGD(model.params, lr=0.1), X, y, **arguments)


def test_bad_data_model_and_scheduler_are_named():
    X, y = linear_problem(n=20)
    model = LinearRegression(3, rng=np.random.default_rng(0))
    opt = SGD(model.params, lr=0.1)
    with pytest.raises(ValueError, match="same number of rows"):
        train(model, opt, X, y[:-1], epochs=1)
    with pytest.raises(ValueError, match="2-D"):
        train(model, opt, X[:, 0], y, epochs=1)
    with pytest.raises(ValueError, match="does not hold any of the model's parameter"):
        train(model, SGD([np.zeros(3)], lr=0.1), X, y, epochs=1)
    with pytest.raises(TypeError, match="optimizer"):
        train(model, "sgd", X, y, epochs=1)
    other = SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match="different optimizer"):
        train(model, opt, X, y, epochs=1, scheduler=StepLR(other, step_size=1))
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        train(model, opt, X, y, epochs=1, scheduler=ReduceLROnPlateau(opt),
              scheduler_interval="step")
    with pytest.raises(TypeError, match="scheduler"):
        train(model, opt, X, y, epochs=1, scheduler=CosineAnnealingLR)


# --------------------------------------------------------------------------- progress
def test_no_progress_output_when_switched_off(capsys):
    run_linear(epochs=2, batch_size=5, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_forced_progress_writes_a_line_to_stderr(capsys):
    history, _, _ = run_linear(epochs=2, batch_size=5, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("\repoch 1/2  step 1  loss ")
    final = captured.err.rsplit("\r", 1)[1]
    assert final.startswith("epoch 2/2  step 8  loss ")
    assert final.endswith(f"—  {history.summary()}\n")


def test_auto_progress_is_silent_for_a_short_run(capsys):
    run_linear(epochs=2, batch_size=5, progress=None)
    assert capsys.readouterr().err == ""


class Recorder:
    def __init__(self):
        self.calls = []

    def start(self, epochs, steps_per_epoch):
        self.calls.append(("start", epochs, steps_per_epoch))

    def update(self, epoch, step, loss):
        self.calls.append(("update", epoch, step))

    def finish(self, message):
        self.calls.append(("finish", message))


def test_a_custom_progress_callback_sees_every_step():
    recorder = Recorder()
    history, _, _ = run_linear(epochs=2, batch_size=8, progress=recorder)
    assert recorder.calls[0] == ("start", 2, 3)
    assert recorder.calls[1:-1] == [("update", 1 + (t - 1) // 3, t) for t in range(1, 7)]
    assert recorder.calls[-1] == ("finish", history.summary())


def test_an_error_ends_the_progress_line_and_is_raised():
    class Failing(ScriptedLossModel):
        def loss_and_grads(self, X, y):
            if self.params[0][0] < 2.5:
                raise RuntimeError("model failed")
            return super().loss_and_grads(X, y)

    recorder = Recorder()
    model = Failing(X_val=None)
    with pytest.raises(RuntimeError, match="model failed"):
        train(model, SGD(model.params, lr=0.1), np.zeros((4, 1)), np.zeros(4), epochs=5,
              progress=recorder)
    # theta: 3 -> 2.6 -> 2.28: the third loss_and_grads call fails
    assert recorder.calls[1:] == [("update", 1, 1), ("update", 2, 2),
                                  ("finish", "interrupted")]


class FakeClock:
    def __init__(self, times):
        self.times = iter(times)

    def __call__(self):
        return next(self.times)


@pytest.mark.parametrize("delay, update_times, drawn_steps", [
    # auto mode: nothing before 2 s, then at most one redraw per 0.1 s
    (2.0, [0.5, 1.9, 2.0, 2.05, 2.1, 2.3], [3, 5, 6]),
    (2.0, [0.5, 1.0, 1.5], []),            # a short run never shows the line
    (0.0, [0.0, 0.01, 0.02, 0.5], [1, 4]),  # forced on: from the first step
])
def test_progress_line_delay_and_rate_limit(delay, update_times, drawn_steps):
    stream = io.StringIO()
    line = ProgressLine(delay=delay, stream=stream, clock=FakeClock([0.0] + update_times))
    line.start(epochs=1, steps_per_epoch=len(update_times))
    for step, _ in enumerate(update_times, start=1):
        line.update(1, step, 0.5)
    line.finish("done")
    text = stream.getvalue()
    drawn = [int(m) for m in re.findall(r"\repoch 1/1  step (\d+)  loss 0\.5  [\d.]+ s", text)]
    if drawn_steps:
        # The final line repeats the last step, with the summary after it.
        assert drawn == drawn_steps + [len(update_times)]
        assert text.endswith("—  done\n")
    else:
        assert text == ""


def test_progress_line_text_and_padding():
    text = format_progress(3, 10, 120, 0.23451, 1.25)
    assert text == "epoch 3/10  step 120  loss 0.2345  1.2 s"
    stream = io.StringIO()
    line = ProgressLine(delay=0.0, interval=0.0, stream=stream,
                        clock=FakeClock([0.0, 1.0, 2.0]))
    line.start(epochs=1, steps_per_epoch=2)
    line.update(1, 1, 123456.0)
    line.update(1, 2, 1.0)
    first, second = stream.getvalue().split("\r")[1:]
    assert len(second) == len(first)  # the shorter line is padded over the longer


@pytest.mark.parametrize("progress, kind", [
    (None, ProgressLine), (True, ProgressLine)])
def test_progress_callback_modes(progress, kind):
    callback = progress_callback(progress)
    assert isinstance(callback, kind)
    assert callback.delay == (0.0 if progress else 2.0)
    silent = progress_callback(False)
    silent.start(1, 1)
    silent.update(1, 1, 0.0)
    silent.finish("x")
