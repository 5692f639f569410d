"""Tests of the heavy explorers: batch size, initialisation and the range test.

Each explorer is driven as a learner would (set a control, press Run) and the figure is
checked against the engine's own numbers for the same settings.
"""

import math
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.data import load_digits  # noqa: E402
from gdcourse.lr_finder import lr_range_test, smooth_losses  # noqa: E402
from gdcourse.models import MLP, SoftmaxRegression  # noqa: E402
from gdcourse.optim import SGD  # noqa: E402
from gdcourse.train import train  # noqa: E402
from gdcourse.widgets.batch_size import BatchSizeExplorer  # noqa: E402
from gdcourse.widgets.initialisation import (  # noqa: E402
    InitialisationExplorer, count_distinct_rows)
from gdcourse.widgets.range_test import (  # noqa: E402
    BATCH_SIZE, END_LR, HIDDEN_UNITS, NUM_STEPS, START_LR, RangeTestExplorer,
    replay_stop_rule)


@pytest.fixture(scope="module")
def digits():
    return load_digits(rng=np.random.default_rng(0))


def labelled_lines(ax):
    return {line.get_label(): line for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def set_controls(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


# --------------------------------------------------------------------- batch size
def reference_run(digits, batch_size, lr, epochs, seed=0):
    rng = np.random.default_rng(seed)
    model = SoftmaxRegression(64, 10, rng=rng)
    return train(model, SGD(model.params, lr=lr), digits.X_train, digits.y_train,
                 epochs=epochs, batch_size=batch_size, val_data=(digits.X_val, digits.y_val),
                 rng=rng, progress=False)


def test_batch_size_draws_the_engine_run(digits):
    explorer = BatchSizeExplorer(batch_size=32, lr=0.1, epochs=2)
    history = reference_run(digits, 32, 0.1, 2)
    epoch_ax, time_ax = explorer.fig.axes
    line = labelled_lines(epoch_ax)["batch 32"]
    np.testing.assert_array_equal(line.get_xdata(), [1, 2])
    np.testing.assert_array_equal(line.get_ydata(), history.epoch_loss)
    # The faint line on the right is every step's loss.
    raw = [ln for ln in time_ax.get_lines() if len(ln.get_ydata()) == history.steps]
    np.testing.assert_array_equal(raw[0].get_ydata(), history.step_loss)
    assert time_ax.get_xscale() == "log"
    assert "batch 32: val loss " + f"{history.val_loss[-1]:.3g}" in explorer.summary.value
    assert f"accuracy {history.val_metric[-1]:.3f}" in explorer.summary.value
    assert f"{history.steps} steps in" in explorer.summary.value
    assert explorer.error is None


def test_batch_size_waits_for_run():
    explorer = BatchSizeExplorer(batch_size=128, epochs=1)
    before = labelled_lines(explorer.fig.axes[0])["batch 128"].get_ydata().copy()
    set_controls(explorer, batch_size="8", lr=1.0)
    assert "batch 128" in labelled_lines(explorer.fig.axes[0])
    assert "press Run" in explorer.status.value
    explorer.run_button.click()
    lines = labelled_lines(explorer.fig.axes[0])
    assert list(lines) == ["batch 8"]
    assert not np.array_equal(lines["batch 8"].get_ydata(), before)
    assert explorer.status.value == ""


@pytest.mark.parametrize("batch_size, lr, epochs, compare, n_lines", [
    ("1", 1e-3, 1, False, 1),
    ("full", 10.0, 5, False, 1),
    ("512", 10.0, 1, False, 1),
    ("8", 1e-3, 1, False, 1),
])
def test_batch_size_extremes(batch_size, lr, epochs, compare, n_lines):
    explorer = BatchSizeExplorer(epochs=1)
    set_controls(explorer, batch_size=batch_size, lr=lr, epochs=epochs, compare=compare)
    explorer.run_button.click()
    assert explorer.error is None
    lines = labelled_lines(explorer.fig.axes[0])
    assert len(lines) == n_lines
    assert all(len(line.get_ydata()) == epochs for line in lines.values())
    assert explorer.summary.value.count("val loss") == n_lines


def test_batch_size_compare_labels_every_size_and_full_batch_takes_one_step_per_epoch():
    explorer = BatchSizeExplorer(compare=True, epochs=1)
    labels = list(labelled_lines(explorer.fig.axes[0]))
    assert labels == ["batch 1", "batch 8", "batch 32", "batch 128", "batch 512",
                      "full batch (1257)"]
    assert "batch 1: " in explorer.summary.value
    assert "full batch (1257): " in explorer.summary.value
    assert "1 steps in" in explorer.summary.value or "1 step" in explorer.summary.value
    assert "1257 steps in" in explorer.summary.value


def test_batch_size_same_seed_same_curves():
    a, b = BatchSizeExplorer(batch_size=8, epochs=1), BatchSizeExplorer(batch_size=8, epochs=1)
    np.testing.assert_array_equal(labelled_lines(a.fig.axes[0])["batch 8"].get_ydata(),
                                  labelled_lines(b.fig.axes[0])["batch 8"].get_ydata())
    c = BatchSizeExplorer(batch_size=8, epochs=1, seed=1)
    assert not np.array_equal(labelled_lines(a.fig.axes[0])["batch 8"].get_ydata(),
                              labelled_lines(c.fig.axes[0])["batch 8"].get_ydata())


@pytest.mark.parametrize("kwargs, error", [
    ({"batch_size": 64}, ValueError),
    ({"batch_size": True}, ValueError),
    ({"lr": 0.0}, ValueError),
    ({"lr": 11.0}, ValueError),
    ({"epochs": 0}, ValueError),
    ({"epochs": 6}, ValueError),
    ({"compare": 1}, TypeError),
    ({"seed": -1}, ValueError),
])
def test_batch_size_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        BatchSizeExplorer(**kwargs)


def test_batch_size_accepts_none_for_the_full_batch():
    explorer = BatchSizeExplorer(batch_size=None, epochs=1)
    assert explorer.controls["batch_size"].value == "full"
    assert "full batch (1257): " in explorer.summary.value


# ---------------------------------------------------------------- initialisation
@pytest.mark.parametrize("matrix, expected", [
    (np.eye(4), 4),
    (np.ones((5, 3)), 1),
    (np.zeros((6, 2)), 1),
    (np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 1.0]]), 2),
    (np.array([[1.0, 2.0], [1.0, 2.0 + 1e-13], [1.0, 2.0 + 1e-6]]), 2),
    (np.array([[3.0, -1.0]]), 1),
])
def test_count_distinct_rows(matrix, expected):
    assert count_distinct_rows(matrix) == expected


@pytest.mark.parametrize("matrix, message", [
    (np.ones(3), "2-D"),
    (np.ones((0, 3)), "at least one row"),
    (np.array([[1.0, np.nan]]), "NaN"),
])
def test_count_distinct_rows_rejects_bad_input(matrix, message):
    with pytest.raises(ValueError, match=message):
        count_distinct_rows(matrix)


def test_initialisation_draws_the_engine_statistics(digits):
    explorer = InitialisationExplorer(depth=3, width=16, activation="tanh",
                                      scheme="xavier_normal", gain=1.5)
    mlp = MLP([64, 16, 16, 16, 10], "tanh", init="xavier_normal", gain=1.5,
              rng=np.random.default_rng(0))
    stats = mlp.layer_statistics(digits.X_train[:256], digits.y_train[:256])
    activation_ax, gradient_ax = [ax for ax in explorer.fig.axes
                                  if ax.get_title() in ("activations", "weight gradients")]
    (line,) = activation_ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [s.activation_std for s in stats])
    (line,) = gradient_ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [s.weight_grad_std for s in stats])
    titles = [ax.get_title() for ax in explorer.fig.axes]
    assert sum(title.startswith("layer ") for title in titles) == 3  # one per hidden layer
    summary = explorer.summary.value
    assert f"activation std {stats[0].activation_std:.2g} in layer 1" in summary
    assert f"{stats[2].activation_std:.2g} in layer 3" in summary
    assert "recommended gain for tanh: 1.67" in summary
    assert "all 16 hidden units in layer 1 distinct after 20 steps" in summary


@pytest.mark.parametrize("scheme, activation, expected", [
    ("zeros", "tanh", "zeros: all 32 hidden units in layer 1 identical after 20 steps "
                      "(W1 never moved"),
    ("zeros", "sigmoid", "zeros: all 32 hidden units in layer 1 identical after 20 steps"),
    ("constant", "tanh", "constant 0.1: all 32 hidden units in layer 1 identical after "
                         "20 steps"),
    ("kaiming_normal", "relu", "all 32 hidden units in layer 1 distinct after 20 steps"),
])
def test_initialisation_counts_identical_units(scheme, activation, expected):
    explorer = InitialisationExplorer(depth=2, width=32, scheme=scheme,
                                      activation=activation)
    assert expected in explorer.summary.value
    image = explorer.fig.axes[-2].get_images() or explorer.fig.axes[-1].get_images()
    weight = np.asarray(image[0].get_array())
    assert weight.shape == (32, 64)
    assert (count_distinct_rows(weight) == 1) == ("identical" in expected)


def test_initialisation_sigmoid_zeros_rows_move_but_stay_identical():
    explorer = InitialisationExplorer(depth=1, width=8, scheme="zeros", activation="sigmoid")
    summary = explorer.summary.value
    assert "identical" in summary and "never moved" not in summary


@pytest.fixture(scope="module")
def shared_initialisation():
    return InitialisationExplorer(depth=1, width=8)


@pytest.mark.parametrize("values", [
    {"depth": 1, "width": 8, "activation": "relu", "scheme": "large_normal"},
    {"depth": 10, "width": 256, "activation": "relu", "scheme": "constant"},
    {"depth": 10, "width": 8, "activation": "sigmoid", "scheme": "normal"},
    {"depth": 10, "width": 32, "activation": "tanh", "scheme": "xavier_normal", "gain": 0.25},
    {"depth": 4, "width": 32, "activation": "tanh", "scheme": "xavier_normal", "gain": 3.0},
    {"depth": 10, "width": 16, "activation": "sigmoid", "scheme": "kaiming_normal"},
    {"depth": 10, "width": 16, "activation": "relu", "scheme": "zeros"},
])
def test_initialisation_extremes(shared_initialisation, values):
    explorer = shared_initialisation
    set_controls(explorer, **values)
    explorer.run_button.click()
    assert explorer.error is None
    assert len(explorer.fig.axes) >= 4
    titles = " ".join(ax.get_title() for ax in explorer.fig.axes)
    assert f"layer {values['depth']} (" in titles
    assert f"of {values['width']} units distinct" in titles


def test_initialisation_exploding_run_says_so():
    explorer = InitialisationExplorer(depth=10, width=64, activation="relu",
                                      scheme="large_normal")
    assert "exploding" in explorer.summary.value
    assert "diverged at step" in explorer.summary.value
    assert any("diverged at step" in ax.get_title() for ax in explorer.fig.axes)


def test_initialisation_histogram_switch_redraws_without_recomputing():
    explorer = InitialisationExplorer(depth=2, width=8)
    result = explorer._result
    explorer.controls["depth"].value = 3  # not applied until Run
    assert "press Run" in explorer.status.value
    explorer.controls["histograms"].value = "gradient"
    assert explorer._result is result
    xlabels = {ax.get_xlabel() for ax in explorer.fig.axes}
    assert "weight gradient" in xlabels
    titles = " ".join(ax.get_title() for ax in explorer.fig.axes)
    assert "layer 2 (" in titles and "layer 3 (" not in titles
    assert "press Run" in explorer.status.value
    explorer.run_button.click()
    titles = " ".join(ax.get_title() for ax in explorer.fig.axes)
    assert "layer 3 (" in titles
    assert explorer.status.value == ""
    explorer.controls["histograms"].value = "activation"
    assert explorer.error is None
    assert "activation value" in {ax.get_xlabel() for ax in explorer.fig.axes}


def test_initialisation_gain_only_for_xavier():
    explorer = InitialisationExplorer(scheme="zeros")
    assert explorer.controls["gain"].disabled
    explorer.controls["scheme"].value = "xavier_normal"
    assert not explorer.controls["gain"].disabled


def test_initialisation_same_seed_same_picture():
    a, b = InitialisationExplorer(depth=1, width=8), InitialisationExplorer(depth=1, width=8)
    np.testing.assert_array_equal(a.fig.axes[-2].get_images()[0].get_array(),
                                  b.fig.axes[-2].get_images()[0].get_array())
    assert a.summary.value == b.summary.value


@pytest.mark.parametrize("kwargs", [
    {"depth": 0}, {"depth": 11}, {"width": 10}, {"activation": "identity"},
    {"scheme": "orthogonal"}, {"gain": 0.1}, {"gain": 4.0}, {"histograms": "weights"},
    {"seed": -2},
])
def test_initialisation_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        InitialisationExplorer(**kwargs)


# ---------------------------------------------------------------------- range test
def range_test_network(digits, seed=0):
    rng = np.random.default_rng(seed)
    mlp = MLP([64, HIDDEN_UNITS, 10], "relu", rng=rng)
    return mlp, SGD(mlp.params, lr=0.01, momentum=0.9), rng


def run_range_test(digits, **kwargs):
    mlp, opt, rng = range_test_network(digits)
    return lr_range_test(mlp, opt, digits.X_train, digits.y_train, start_lr=START_LR,
                         end_lr=END_LR, num_steps=NUM_STEPS, batch_size=BATCH_SIZE,
                         rng=rng, **kwargs)


@pytest.fixture(scope="module")
def unstopped(digits):
    return run_range_test(digits, diverge_factor=math.inf)


@pytest.mark.parametrize("smoothing, diverge_factor", [
    (0.98, 4.0), (0.0, 1.5), (0.9, 10.0), (0.5, 2.0), (0.99, 1.5),
])
def test_replay_stop_rule_matches_the_range_test(digits, unstopped, smoothing,
                                                 diverge_factor):
    direct = run_range_test(digits, smoothing=smoothing, diverge_factor=diverge_factor)
    kept, stopped = replay_stop_rule(unstopped.losses, smoothing, diverge_factor)
    assert kept == len(direct.losses)
    assert stopped == direct.stopped_early
    np.testing.assert_array_equal(unstopped.losses[:kept], direct.losses)


@pytest.mark.parametrize("losses, smoothing, factor, expected", [
    ([1.0, 1.0, 1.0], 0.0, 2.0, (3, False)),
    ([2.0, 1.0, 2.5, 5.0], 0.0, 2.0, (3, True)),  # 2.5 > 2 x 1
    ([2.0, 1.0, 2.0, 9.0], 0.0, 2.0, (4, True)),  # 2.0 is not above 2 x 1
    ([1.0, np.inf], 0.5, 4.0, (2, True)),
])
def test_replay_stop_rule_by_hand(losses, smoothing, factor, expected):
    assert replay_stop_rule(np.array(losses), smoothing, factor) == expected


def test_range_test_draws_the_engine_curve(digits):
    explorer = RangeTestExplorer(smoothing=0.98, diverge_factor=4.0, chosen_lr=0.1)
    direct = run_range_test(digits, smoothing=0.98, diverge_factor=4.0)
    test_ax = explorer.fig.axes[0]
    lines = labelled_lines(test_ax)
    np.testing.assert_array_equal(lines["loss"].get_ydata(), direct.losses)
    np.testing.assert_array_equal(lines["smoothed loss"].get_ydata(), direct.smoothed_losses)
    for name, rate in direct.suggestions.items():
        (label,) = [label for label in lines if label.startswith(name)]
        assert lines[label].get_xdata()[0] == pytest.approx(rate)
        assert f"{name} {rate:.2g}" in explorer.summary.value
    chosen = lines["chosen rate 0.1"]
    assert chosen.get_xdata()[0] == pytest.approx(0.1)
    assert "heuristics" in test_ax.get_title()
    assert "heuristics" in explorer.summary.value
    assert explorer.error is None


def test_range_test_sliders_update_live_without_a_new_test(digits):
    explorer = RangeTestExplorer()
    raw = explorer._raw
    explorer.controls["smoothing"].value = 0.5
    explorer.controls["diverge_factor"].value = 2.0
    assert explorer._raw is raw
    direct = run_range_test(digits, smoothing=0.5, diverge_factor=2.0)
    lines = labelled_lines(explorer.fig.axes[0])
    np.testing.assert_array_equal(lines["smoothed loss"].get_ydata(),
                                  smooth_losses(direct.losses, 0.5))
    assert f"steepest {direct.suggestions['steepest']:.2g}" in explorer.summary.value
    explorer.controls["chosen_lr"].value = 1e-3
    assert "chosen rate 0.001" in labelled_lines(explorer.fig.axes[0])
    assert explorer._raw is raw


def test_range_test_trains_briefly_with_the_chosen_rate(digits):
    explorer = RangeTestExplorer(chosen_lr=0.05)
    assert "Train briefly" in explorer.fig.axes[1].texts[0].get_text()
    explorer.train_button.click()
    mlp, opt, rng = range_test_network(digits)
    opt.param_groups[0]["lr"] = 0.05
    history = train(mlp, opt, digits.X_train, digits.y_train, epochs=3, batch_size=64,
                    val_data=(digits.X_val, digits.y_val), rng=rng, progress=False)
    expected = (f"val accuracy {history.val_metric[-1]:.3f}, "
                f"val loss {history.val_loss[-1]:.3g}")
    assert expected in explorer.summary.value
    assert expected in explorer.fig.axes[1].get_title()
    ydata = [line.get_ydata() for line in explorer.fig.axes[1].get_lines()]
    assert any(np.array_equal(y, history.step_loss) for y in ydata)


def test_range_test_diverging_brief_run_is_a_message():
    explorer = RangeTestExplorer(chosen_lr=10.0)
    explorer.train_button.click()
    assert explorer.error is None
    assert "diverged at step" in explorer.summary.value
    assert "diverged at step" in explorer.fig.axes[1].get_title()


def test_range_test_optimizer_waits_for_run():
    explorer = RangeTestExplorer(optimizer="SGD")
    raw = explorer._raw
    explorer.controls["optimizer"].value = "Adam"
    explorer.controls["smoothing"].value = 0.9  # a live change keeps the old test
    assert explorer._raw is raw
    assert explorer.summary.value.startswith("SGD:")
    assert "press Run" in explorer.status.value
    explorer.run_button.click()
    assert explorer._raw is not raw
    assert explorer.summary.value.startswith("Adam:")
    assert explorer.status.value == ""


@pytest.fixture(scope="module")
def shared_range_test():
    return RangeTestExplorer()


@pytest.mark.parametrize("values", [
    {"optimizer": "SGD", "smoothing": 0.0, "diverge_factor": 1.5, "chosen_lr": 1e-5},
    {"optimizer": "Adam", "smoothing": 0.99, "diverge_factor": 10.0, "chosen_lr": 10.0},
    {"optimizer": "SGD, momentum 0.9", "smoothing": 0.99, "diverge_factor": 1.5,
     "chosen_lr": 10.0},
])
def test_range_test_extremes(shared_range_test, values):
    explorer = shared_range_test
    set_controls(explorer, **values)
    explorer.run_button.click()
    explorer.train_button.click()
    assert explorer.error is None
    assert labelled_lines(explorer.fig.axes[0])["smoothed loss"].get_ydata().size >= 2
    assert explorer.fig.axes[1].get_title()


def test_range_test_same_seed_same_curve(shared_range_test):
    # test_range_test_draws_the_engine_curve compares with an independent run of the
    # same seed; here a different seed must give a different curve.
    other = RangeTestExplorer(seed=1)
    assert not np.array_equal(
        labelled_lines(shared_range_test.fig.axes[0])["loss"].get_ydata()[:20],
        labelled_lines(other.fig.axes[0])["loss"].get_ydata()[:20])


@pytest.mark.parametrize("kwargs", [
    {"optimizer": "LBFGS"}, {"smoothing": 1.0}, {"smoothing": -0.1},
    {"diverge_factor": 1.0}, {"diverge_factor": 11}, {"chosen_lr": 0.0},
    {"chosen_lr": 20.0}, {"seed": 1.5},
])
def test_range_test_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        RangeTestExplorer(**kwargs)
