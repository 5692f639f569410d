"""Tests of the heavy explorers: batch size, initialisation and the range test.

Each explorer is driven as a learner would (set a control, press Run) and the figure is
checked against the engine's own numbers for the same settings.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.data import load_digits  # noqa: E402
from gdcourse.lr_finder import lr_range_test, smooth_losses  # noqa: E402
from gdcourse.models import MLP, SoftmaxRegression, count_distinct_rows  # noqa: E402
from gdcourse.optim import SGD  # noqa: E402
from gdcourse.train import train  # noqa: E402
from gdcourse.widgets import Explorer  # noqa: E402
from gdcourse.plots import OKABE_ITO  # noqa: E402
from gdcourse.widgets.batch_size import (  # noqa: E402
    BatchSizeExplorer, batch_size_style, log_ticks)
from gdcourse.widgets.initialisation import InitialisationExplorer  # noqa: E402
from gdcourse.widgets.range_test import (  # noqa: E402
    BATCH_SIZE, END_LR, HIDDEN_UNITS, NUM_STEPS, START_LR, RangeTestExplorer)


@pytest.fixture(scope="module")
def digits():
    return load_digits(rng=np.random.default_rng(0))


def labelled_lines(ax):
    return {line.get_label(): line for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def set_controls(explorer, **values):
    """Set controls as a learner would, one change at a time (no Run)."""
    for name, value in values.items():
        explorer.controls[name].value = value


# --------------------------------------------------------------------- batch size
def reference_run(digits, batch_size, lr, epochs, seed=0):
    rng = np.random.default_rng(seed)
    model = SoftmaxRegression(64, 10, rng=rng)
    return train(model, SGD(model.params, lr=lr), digits.X_train, digits.y_train,
                 epochs=epochs, batch_size=batch_size, val_data=(digits.X_val, digits.y_val),
                 rng=rng, progress=False)


@pytest.fixture(scope="module")
def batch_explorer():
    """One batch-size explorer for the tests that set every control they rely on."""
    return BatchSizeExplorer(batch_size=32, lr=0.1, epochs=2)


def lines_of(ax, prefix):
    """The labelled line whose label starts with ``prefix`` (e.g. "batch 32,")."""
    (line,) = [line for label, line in labelled_lines(ax).items() if label.startswith(prefix)]
    return line


@pytest.mark.usefixtures("skip_rendering")
def test_batch_size_draws_the_engine_run(batch_explorer, digits):
    explorer = batch_explorer
    explorer.set_values(batch_size="32", lr=0.1, epochs=2, compare=False, rate_rule="same")
    history = reference_run(digits, 32, 0.1, 2)
    epoch_ax, time_ax = explorer.fig.axes
    line = labelled_lines(epoch_ax)["batch 32, η = 0.1"]
    # Epoch 0 is the start; then the validation loss after every epoch (a full pass).
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2])
    np.testing.assert_allclose(line.get_ydata(), [explorer.start_loss, *history.val_loss])
    start = SoftmaxRegression(64, 10, rng=np.random.default_rng(0))
    assert explorer.start_loss == pytest.approx(start.loss(digits.X_val, digits.y_val))
    # On the right, the same losses against the seconds at the end of each epoch.
    (timed,) = time_ax.get_lines()
    np.testing.assert_allclose(timed.get_ydata(), history.val_loss)
    assert len(timed.get_xdata()) == 2 and np.all(np.diff(timed.get_xdata()) > 0)
    assert time_ax.get_xscale() == "log" and epoch_ax.get_yscale() == "log"
    assert "batch 32, η = 0.1: val loss " + f"{history.val_loss[-1]:.3g}" in explorer.summary.value
    assert f"accuracy {history.val_metric[-1]:.3f}" in explorer.summary.value
    assert f"{history.steps} steps in" in explorer.summary.value
    assert explorer.error is None


@pytest.mark.usefixtures("skip_rendering")
def test_batch_size_says_which_rate_the_picture_shows(batch_explorer):
    explorer = batch_explorer
    explorer.set_values(batch_size="8", lr=0.05, epochs=1, compare=False, rate_rule="same")
    assert explorer.fig._suptitle.get_text() == "SGD, η = 0.05 for every batch size, 1 epoch"
    assert explorer.summary.value.startswith("η = 0.05 for every batch size, 1 epoch: batch 8, "
                                             "η = 0.05: val loss")
    explorer.set_values(lr=0.1, rate_rule="linear")
    title = explorer.fig._suptitle.get_text()
    assert "η = 0.1 × B/32 (linear scaling: η = 0.1 at B = 32)" in title
    assert "batch 8, η = 0.025" in labelled_lines(explorer.fig.axes[0])


def test_batch_size_linear_rule_scales_every_rate(batch_explorer, digits):
    explorer = batch_explorer
    assert explorer.rate_for(8, 0.4, "linear") == pytest.approx(0.1)
    assert explorer.rate_for("full", 0.4, "linear") == pytest.approx(0.4 * 1257 / 32)
    assert explorer.rate_for(512, 0.4, "same") == 0.4
    explorer.set_values(batch_size="full", lr=0.4, epochs=1, compare=False, rate_rule="linear")
    history = reference_run(digits, None, 0.4 * 1257 / 32, 1)
    line = labelled_lines(explorer.fig.axes[0])["full batch (1257), η = 16"]
    np.testing.assert_allclose(line.get_ydata()[1:], history.val_loss)


@pytest.mark.usefixtures("skip_rendering")
def test_batch_size_waits_for_run(batch_explorer):
    explorer = batch_explorer
    explorer.set_values(batch_size="128", lr=0.05, epochs=1, compare=False, rate_rule="same")
    before = lines_of(explorer.fig.axes[0], "batch 128,").get_ydata().copy()
    set_controls(explorer, batch_size="8", lr=1.0)
    assert lines_of(explorer.fig.axes[0], "batch 128,") is not None
    assert "press Run" in explorer.status.value
    explorer.run_button.click()
    lines = labelled_lines(explorer.fig.axes[0])
    assert list(lines) == ["batch 8, η = 1"]
    assert not np.array_equal(lines["batch 8, η = 1"].get_ydata(), before)
    assert explorer.status.value == ""
    set_controls(explorer, rate_rule="linear")
    assert "press Run" in explorer.status.value


@pytest.mark.parametrize("batch_size, lr, epochs, compare, n_lines", [
    ("1", 1e-3, 1, False, 1),
    ("full", 10.0, 5, False, 1),
    ("512", 10.0, 1, False, 1),
    ("8", 1e-3, 1, False, 1),
    ("1", 10.0, 1, False, 1),
])
def test_batch_size_extremes(batch_explorer, batch_size, lr, epochs, compare, n_lines):
    explorer = batch_explorer
    explorer.set_values(batch_size=batch_size, lr=lr, epochs=epochs, compare=compare,
                        rate_rule="same")
    assert explorer.error is None
    lines = labelled_lines(explorer.fig.axes[0])
    assert len(lines) == n_lines
    assert all(len(line.get_ydata()) == epochs + 1 for line in lines.values())
    assert explorer.summary.value.count("val loss") == n_lines
    assert_axes_contain_their_lines(explorer)


def assert_axes_contain_their_lines(explorer):
    """Both log axes hold every drawn point and label at least three ticks inside."""
    for ax in explorer.fig.axes:
        low, high = ax.get_ylim()
        for line in ax.get_lines():
            y = np.asarray(line.get_ydata(), dtype=float)
            assert np.all((y >= low) & (y <= high)), (ax.get_title(), y, (low, high))
        ticks = [t for t in ax.get_yticks() if low <= t <= high]
        assert len(ticks) >= 3, ticks
        labels = [ax.yaxis.get_major_formatter()(t) for t in ticks]
        assert all(labels) and all("e" not in label for label in labels)
        assert ax.get_ylim() == explorer.fig.axes[0].get_ylim()   # one y-axis for both panels


def test_batch_size_compare_labels_every_size_and_full_batch_takes_one_step_per_epoch(
        batch_explorer):
    explorer = batch_explorer
    explorer.set_values(batch_size="32", lr=0.05, epochs=1, compare=True, rate_rule="same")
    labels = list(labelled_lines(explorer.fig.axes[0]))
    assert labels == ["batch 1, η = 0.05", "batch 8, η = 0.05", "batch 32, η = 0.05",
                      "batch 128, η = 0.05", "batch 512, η = 0.05",
                      "full batch (1257), η = 0.05"]
    assert "batch 1, η = 0.05: " in explorer.summary.value
    assert "full batch (1257), η = 0.05: " in explorer.summary.value
    assert "1 steps in" in explorer.summary.value or "1 step" in explorer.summary.value
    assert "1257 steps in" in explorer.summary.value
    assert_axes_contain_their_lines(explorer)


@pytest.mark.usefixtures("skip_rendering")
def test_batch_size_keeps_one_look_per_batch_size(batch_explorer):
    # The same batch size has the same colour, line style and marker alone and among
    # all the others, in both panels; and every batch size has its own colour.
    explorer = batch_explorer

    def looks():
        epoch_ax, time_ax = explorer.fig.axes
        epoch_lines = [line for line in epoch_ax.get_lines()
                       if not line.get_label().startswith("_")]
        found = {}
        for line, timed in zip(epoch_lines, time_ax.get_lines()):
            look = (line.get_color(), line.get_linestyle(), line.get_marker())
            assert (timed.get_color(), timed.get_linestyle(), timed.get_marker()) == look
            found[line.get_label().split(",")[0]] = look
        return found

    explorer.set_values(batch_size="32", lr=0.05, epochs=1, compare=True, rate_rule="same")
    together = looks()
    assert len({look[0] for look in together.values()}) == 6
    for size in ("1", "128", "full"):
        explorer.set_values(batch_size=size, compare=False)
        (name, look), = looks().items()
        assert together[name] == look


def test_batch_size_style_and_log_ticks():
    assert batch_size_style(None) == batch_size_style("full")
    assert batch_size_style(1)["color"] == OKABE_ITO["vermillion"]
    with pytest.raises(ValueError, match="size"):
        batch_size_style(64)
    with pytest.raises(ValueError, match="size"):
        batch_size_style(True)
    assert log_ticks(0.15, 2.8) == [0.2, 0.5, 1.0, 2.0]
    assert log_ticks(3e-4, 0.4) == [0.001, 0.01, 0.1]
    for low, high in [(0.09, 0.13), (50, 73), (0.16, 0.2), (1e-9, 1e3)]:
        ticks = log_ticks(low, high)
        assert 3 <= len(ticks) <= 7 and all(low <= t <= high for t in ticks)
    with pytest.raises(ValueError):
        log_ticks(1.0, 1.0)


@pytest.mark.usefixtures("skip_rendering")
def test_batch_size_same_seed_same_curves(batch_explorer):
    a = BatchSizeExplorer(batch_size=8, epochs=1)
    batch_explorer.set_values(batch_size="8", lr=0.05, epochs=1, compare=False,
                              rate_rule="same")  # seed 0
    np.testing.assert_array_equal(
        lines_of(a.fig.axes[0], "batch 8,").get_ydata(),
        lines_of(batch_explorer.fig.axes[0], "batch 8,").get_ydata())
    c = BatchSizeExplorer(batch_size=8, epochs=1, seed=1)
    assert not np.array_equal(lines_of(a.fig.axes[0], "batch 8,").get_ydata(),
                              lines_of(c.fig.axes[0], "batch 8,").get_ydata())


@pytest.mark.parametrize("kwargs, error", [
    ({"batch_size": 64}, ValueError),
    ({"batch_size": True}, ValueError),
    ({"lr": 0.0}, ValueError),
    ({"lr": 11.0}, ValueError),
    ({"lr": "0.1"}, TypeError),
    ({"epochs": 0}, ValueError),
    ({"epochs": 6}, ValueError),
    ({"epochs": 2.0}, TypeError),
    ({"compare": 1}, TypeError),
    ({"rate_rule": "sqrt"}, ValueError),
    ({"seed": -1}, ValueError),
])
def test_batch_size_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        BatchSizeExplorer(**kwargs)


@pytest.mark.usefixtures("skip_rendering")
def test_batch_size_accepts_none_for_the_full_batch():
    explorer = BatchSizeExplorer(batch_size=None, epochs=1)
    assert explorer.controls["batch_size"].value == "full"
    assert "full batch (1257), η = 0.05: " in explorer.summary.value


@pytest.mark.usefixtures("skip_rendering")
def test_batch_size_goal_answers_of_chapter_2(batch_explorer):
    # The answers in chapter 2 that need no B = 1 run (those are checked by hand).
    explorer = batch_explorer
    explorer.set_values(batch_size="full", lr=float(10 ** -0.1), epochs=5, compare=False,
                        rate_rule="same")
    assert "val loss 0.475" in explorer.summary.value         # goal 2: η ≈ 0.8 is enough
    explorer.set_values(lr=float(10 ** -0.2))
    assert float(explorer.summary.value.split("val loss ")[1].split(",")[0]) > 0.5
    explorer.set_values(batch_size="32", lr=float(10 ** -0.4))
    assert "val loss 0.168" in explorer.summary.value         # B = 32's best, near 0.4
    explorer.set_values(batch_size="full", lr=float(10 ** -0.4), epochs=3, rate_rule="linear")
    assert "full batch (1257), η = 16: val loss 0.408" in explorer.summary.value   # goal 3
    explorer.set_values(batch_size="512")
    assert "batch 512, η = 6.4: val loss 0.177" in explorer.summary.value
    explorer.set_values(batch_size="full", lr=float(10 ** 0.7), rate_rule="same")
    assert "val loss 0.212" in explorer.summary.value         # goal 3: the full batch's best
    # Try next: with the linear rule, B = 512 stays below 0.2 up to 0.5 on the slider, where
    # B = 32 alone does best for 3 epochs; B = 512 itself does best at 0.32 (η = 5.1).
    explorer.set_values(batch_size="512", lr=float(10 ** -0.3), rate_rule="linear")
    assert "batch 512, η = 8: val loss 0.192" in explorer.summary.value
    explorer.set_values(lr=float(10 ** -0.2))
    assert "batch 512, η = 10: val loss 0.218" in explorer.summary.value
    explorer.set_values(lr=float(10 ** -0.5))
    assert "batch 512, η = 5.1: val loss 0.172" in explorer.summary.value
    explorer.set_values(batch_size="32", rate_rule="same")
    at = {}
    for k in (-0.4, -0.3, -0.2):
        explorer.set_values(lr=float(10 ** k))
        at[k] = float(explorer.summary.value.split("val loss ")[1].split(",")[0])
    assert min(at, key=at.get) == -0.3 and abs(at[-0.3] - 0.177) < 0.001


# ---------------------------------------------------------------- initialisation
@pytest.fixture(scope="module")
def init_explorer():
    """One initialisation explorer for the tests that set every control they rely on."""
    return InitialisationExplorer(depth=1, width=8)


NETWORK = {"depth": 5, "width": 32, "activation": "tanh", "scheme": "xavier_normal",
           "gain": 1.0, "histograms": "activation"}


@pytest.mark.usefixtures("skip_rendering")
def test_initialisation_draws_the_engine_statistics(digits):
    explorer = InitialisationExplorer(depth=3, width=16, activation="tanh",
                                      scheme="xavier_normal", gain=1.5)
    mlp = MLP([64, 16, 16, 16, 10], "tanh", init="xavier_normal", gain=1.5,
              rng=np.random.default_rng(0))
    stats = mlp.layer_statistics(digits.X_train[:256], digits.y_train[:256])
    activation_ax, gradient_ax = [ax for ax in explorer.fig.axes if ax.get_title(loc="left")
                                  in ("activations", "weight gradients")]
    (line,) = activation_ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [s.activation_std for s in stats])
    (line,) = gradient_ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [s.weight_grad_std for s in stats])
    titles = [ax.get_title() for ax in explorer.fig.axes]
    assert [t.split("\n")[0] for t in titles if t.startswith("layer ")] == [
        "layer 1", "layer 2", "layer 3"]  # one per hidden layer
    summary = explorer.summary.value
    assert f"activation std {stats[0].activation_std:.2g} in layer 1" in summary
    assert f"{stats[2].activation_std:.2g} in layer 3" in summary
    assert "recommended gain for tanh: 1.67" in summary
    assert "all 16 hidden units in layer 1 distinct after 20 steps" in summary


@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("scheme, activation, expected", [
    ("zeros", "tanh", "zeros: all 32 hidden units in layer 1 identical after 20 steps "
                      "(W1 never moved"),
    ("zeros", "sigmoid", "zeros: all 32 hidden units in layer 1 identical after 20 steps"),
    ("constant", "tanh", "constant 0.1: all 32 hidden units in layer 1 identical after "
                         "20 steps"),
    ("kaiming_normal", "relu", "all 32 hidden units in layer 1 distinct after 20 steps"),
])
def test_initialisation_counts_identical_units(init_explorer, scheme, activation, expected):
    explorer = init_explorer
    explorer.set_values(**{**NETWORK, "depth": 2, "scheme": scheme, "activation": activation})
    assert expected in explorer.summary.value
    image = explorer.fig.axes[-2].get_images() or explorer.fig.axes[-1].get_images()
    weight = np.asarray(image[0].get_array())
    assert weight.shape == (32, 64)
    assert (count_distinct_rows(weight) == 1) == ("identical" in expected)


@pytest.mark.usefixtures("skip_rendering")
def test_initialisation_sigmoid_zeros_rows_move_but_stay_identical(init_explorer):
    init_explorer.set_values(**{**NETWORK, "depth": 1, "width": 8, "scheme": "zeros",
                               "activation": "sigmoid"})
    summary = init_explorer.summary.value
    assert "identical" in summary and "never moved" not in summary


# render: draw the picture too, for the values that are hard to draw (identical,
# all-zero or vanishing activations; exploding ones: test_..._exploding_run_says_so).
# A full render of this figure takes about a second, so the ordinary ones skip it.
@pytest.mark.parametrize("values, render", [
    ({"depth": 1, "width": 8, "activation": "relu", "scheme": "large_normal"}, False),
    ({"depth": 10, "width": 256, "activation": "relu", "scheme": "constant"}, True),
    ({"depth": 10, "width": 8, "activation": "sigmoid", "scheme": "normal"}, True),
    ({"depth": 10, "width": 32, "activation": "tanh", "scheme": "xavier_normal",
      "gain": 0.25}, False),
    ({"depth": 4, "width": 32, "activation": "tanh", "scheme": "xavier_normal",
      "gain": 3.0}, False),
    ({"depth": 10, "width": 16, "activation": "sigmoid", "scheme": "kaiming_normal"}, False),
    ({"depth": 10, "width": 16, "activation": "relu", "scheme": "zeros"}, True),
])
def test_initialisation_extremes(request, init_explorer, values, render):
    if not render:
        request.getfixturevalue("skip_rendering")
    explorer = init_explorer
    png = explorer.png()
    explorer.set_values(**{**NETWORK, **values})
    assert (explorer.png() != png) == render
    assert explorer.error is None
    assert len(explorer.fig.axes) >= 4
    titles = [ax.get_title() for ax in explorer.fig.axes]
    # every hidden layer has its histogram, none skipped
    assert [t.split("\n")[0] for t in titles if t.startswith("layer ")] == [
        f"layer {k}" for k in range(1, values["depth"] + 1)]
    assert any(f"of {values['width']} units distinct" in t for t in titles)
    for ax in explorer.fig.axes:  # a spread is never negative
        if ax.get_title(loc="left") in ("activations", "weight gradients"):
            assert ax.get_ylim()[0] >= 0


def test_initialisation_exploding_run_says_so(init_explorer):
    explorer = init_explorer
    explorer.set_values(**{**NETWORK, "depth": 10, "width": 64, "activation": "relu",
                          "scheme": "large_normal"})
    assert "exploding" in explorer.summary.value
    assert "diverged at step" in explorer.summary.value
    assert any("diverged at step" in ax.get_title() for ax in explorer.fig.axes)


@pytest.mark.usefixtures("skip_rendering")
def test_initialisation_histogram_switch_redraws_without_recomputing(init_explorer):
    explorer = init_explorer
    explorer.set_values(**{**NETWORK, "depth": 2, "width": 8})
    result = explorer._result
    explorer.controls["depth"].value = 3  # not applied until Run
    assert "press Run" in explorer.status.value
    explorer.controls["histograms"].value = "gradient"
    assert explorer._result is result
    xlabels = {ax.get_xlabel() for ax in explorer.fig.axes}
    assert "weight gradient" in xlabels
    titles = " ".join(ax.get_title() for ax in explorer.fig.axes)
    assert "layer 2" in titles and "layer 3" not in titles
    assert "press Run" in explorer.status.value
    explorer.run_button.click()
    titles = " ".join(ax.get_title() for ax in explorer.fig.axes)
    assert "layer 3" in titles
    assert explorer.status.value == ""
    explorer.controls["histograms"].value = "activation"
    assert explorer.error is None
    assert "activation value" in {ax.get_xlabel() for ax in explorer.fig.axes}


@pytest.mark.usefixtures("skip_rendering")
def test_initialisation_gain_only_for_xavier():
    explorer = InitialisationExplorer(scheme="zeros", depth=1, width=8)
    gain = explorer.controls["gain"]
    # disabled, and its read-out greyed with it (the rule rides in the title's HTML)
    assert gain.disabled and "gdcourse-disabled" in gain._dom_classes
    assert ".gdcourse-disabled .widget-readout" in explorer.widget.children[0].value
    explorer.controls["scheme"].value = "xavier_normal"
    assert not gain.disabled and "gdcourse-disabled" not in gain._dom_classes
    explorer.controls["scheme"].value = "kaiming_normal"
    assert gain.disabled and "gdcourse-disabled" in gain._dom_classes


def test_initialisation_labels_sit_like_every_other_label():
    import ipywidgets as widgets

    explorer = InitialisationExplorer(depth=1, width=8)
    assert isinstance(explorer.controls["histograms"], widgets.Dropdown)


# The explorer goals of chapter 6 and the verdicts their answers quote.
@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("values, verdict", [
    # goal 2: ReLU, 8 layers of 64, Xavier gain 1 -- "watch the spread fall"
    ({"activation": "relu", "scheme": "xavier_normal", "gain": 1.0},
     "(shrinking: ×0.12 from layer 1 to 8)"),
    # ...and the gain that keeps it flat, √2 ≈ 1.41 on the slider
    ({"activation": "relu", "scheme": "xavier_normal", "gain": 1.4},
     "(about flat: ×1.3 from layer 1 to 8)"),
    ({"activation": "relu", "scheme": "xavier_normal", "gain": 1.5}, "(growing: ×2.1"),
    ({"activation": "relu", "scheme": "xavier_normal", "gain": 1.35}, "(about flat: ×1 from"),
    ({"activation": "relu", "scheme": "kaiming_normal"}, "(about flat: ×"),
    # goal 3: tanh, large normal: gradients grow toward the input
    ({"activation": "tanh", "scheme": "large_normal"},
     "weight-gradient std 3.3 in layer 1, 0.023 in layer 8 (exploding toward the input: "
     "×140)"),
    ({"activation": "tanh", "scheme": "normal"}, "(vanishing: ×2.2e-8 from layer 1 to 8)"),
    ({"activation": "tanh", "scheme": "constant"},
     "weight-gradient std ≈ 0 (round-off) in layer 1 and in layer 8"),
])
def test_initialisation_verdicts_match_the_goals(init_explorer, values, verdict):
    init_explorer.set_values(**{**NETWORK, "depth": 8, "width": 64, **values})
    assert verdict in init_explorer.summary.value


def test_initialisation_zeros_say_why_w1_is_blank(init_explorer):
    init_explorer.set_values(**{**NETWORK, "depth": 3, "width": 16, "scheme": "zeros"})
    texts = [t.get_text() for ax in init_explorer.fig.axes for t in ax.texts]
    assert "every weight is 0:\nW1 never moved\n(its gradient is 0)" in texts
    assert texts.count("every standard\ndeviation is 0") == 2


def test_initialisation_helpers():
    from gdcourse.widgets.initialisation import _factor, _short_number, _trend

    assert _trend(0, 0) == "all 0" and _trend(0, 1.0) == "growing from 0"
    assert _trend(1.0, 0.005) == "vanishing: ×0.005"
    assert _trend(1.0, 0.3) == "shrinking: ×0.3"
    assert [_trend(1.0, r) for r in (0.5, 1.0, 2.0, 0.497, 2.04)] == [
        "about flat: ×0.5", "about flat: ×1", "about flat: ×2", "about flat: ×0.5",
        "about flat: ×2"]  # the verdict goes with the rounded factor it prints
    assert _trend(1.0, 2.1) == "growing: ×2.1" and _trend(1.0, 150) == "exploding: ×150"
    assert _trend(1.0, 1.2, toward="toward the input") == "about even toward the input: ×1.2"
    assert [_factor(r) for r in (0.12, 1.0, 140.0, 8.3e6, 2.2e-8)] == [
        "0.12", "1", "140", "8.3e6", "2.2e-8"]
    assert [_short_number(v) for v in (0, 0.5, -20, -2e-4, 1.5e11, 0.009999999999)] == [
        "0", "0.5", "-20", "-2e-4", "1.5e11", "0.01"]
    from gdcourse.widgets.initialisation import _two_ticks
    wide = 200.0  # points: room for any two labels
    assert _two_ticks([-0.04, -0.02, 0.0, 0.02, 0.04, 0.06], -0.025, 0.045, wide) == [0.0, 0.04]
    assert _two_ticks([-6, -4, -2, 0, 2], -5.5, 1.0, wide) == [-4.0, 0.0]
    assert _two_ticks([0.2, 0.4, 0.6, 0.8], 0.3, 0.7, wide) == [0.4, 0.6]
    assert _two_ticks([0.0, 2.0, 4.0], -0.1, 4.5, wide) == [0.0, 4.0]
    assert _two_ticks([-0.01, 0.0, 0.01], -0.013, 0.012, wide) == [0.0, 0.01]
    # 40 points: "-0.01" 0.45 panel widths from "0" would touch it; the far tick alone stays
    assert _two_ticks([-0.01, 0.0, 0.01], -0.013, 0.009, 40.0) == [-0.01]


@pytest.mark.usefixtures("skip_rendering")
def test_initialisation_same_seed_same_picture(init_explorer):
    a, b = InitialisationExplorer(depth=1, width=8), init_explorer  # both seed 0
    b.set_values(**{**NETWORK, "depth": 1, "width": 8})
    np.testing.assert_array_equal(a.fig.axes[-2].get_images()[0].get_array(),
                                  b.fig.axes[-2].get_images()[0].get_array())
    assert a.summary.value == b.summary.value


@pytest.mark.parametrize("kwargs, error", [
    ({"depth": 0}, ValueError), ({"depth": 11}, ValueError), ({"depth": 2.0}, TypeError),
    ({"width": 10}, ValueError), ({"activation": "identity"}, ValueError),
    ({"scheme": "orthogonal"}, ValueError), ({"gain": 0.1}, ValueError),
    ({"gain": 4.0}, ValueError), ({"histograms": "weights"}, ValueError),
    ({"seed": -2}, ValueError),
])
def test_initialisation_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
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
def range_explorer():
    """One range-test explorer for the tests that set every control they rely on."""
    return RangeTestExplorer()


RANGE_DEFAULTS = {"optimizer": "SGD, momentum 0.9", "smoothing": 0.98,
                  "diverge_factor": 4.0, "chosen_lr": 1e-3}


def brief_history(digits, lr):
    mlp, opt, rng = range_test_network(digits)
    opt.param_groups[0]["lr"] = lr
    return train(mlp, opt, digits.X_train, digits.y_train, epochs=3, batch_size=64,
                 val_data=(digits.X_val, digits.y_val), rng=rng, progress=False)


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_draws_the_engine_curve(range_explorer, digits):
    explorer = range_explorer
    explorer.set_values(**RANGE_DEFAULTS)
    direct = run_range_test(digits, smoothing=0.98, diverge_factor=4.0)
    test_ax = explorer.fig.axes[0]
    lines = labelled_lines(test_ax)
    np.testing.assert_array_equal(lines["raw mini-batch loss"].get_ydata(), direct.losses)
    np.testing.assert_array_equal(lines["moving average, β = 0.98 (lags)"].get_ydata(),
                                  direct.smoothed_losses)
    np.testing.assert_array_equal(
        lines["centred smoothing (suggestions read here)"].get_ydata(), direct.centred_losses)
    assert list(direct.suggestions) == ["steepest", "min/10", "min/3"]
    for name, rate in direct.suggestions.items():
        assert lines[f"{name} = {rate:.2g}"].get_xdata()[0] == pytest.approx(rate)
        assert f"{name} {rate:.2g} (val accuracy" in explorer.summary.value
    chosen = lines["chosen rate = 0.001"]
    assert chosen.get_xdata()[0] == pytest.approx(1e-3)
    assert "heuristics" in test_ax.get_title() and "heuristics" in explorer.summary.value
    # The title counts the steps the test kept, not the 150 it may take.
    assert f"{len(direct.lrs)} of {NUM_STEPS} steps kept" in test_ax.get_title()
    assert f"{len(direct.lrs)} of {NUM_STEPS} steps kept" in explorer.summary.value
    assert explorer.error is None


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_trains_briefly_at_each_suggestion(range_explorer, digits):
    explorer = range_explorer
    explorer.set_values(**RANGE_DEFAULTS)
    direct = run_range_test(digits, smoothing=0.98, diverge_factor=4.0)
    points = labelled_lines(explorer.fig.axes[1])
    for name, rate in direct.suggestions.items():
        history = brief_history(digits, rate)
        (label,) = [label for label in points if label.startswith(name + ":")]
        assert points[label].get_xdata()[0] == pytest.approx(rate)
        assert points[label].get_ydata()[0] == pytest.approx(history.val_metric[-1])
        assert f"val accuracy {history.val_metric[-1]:.3f}" in label
    bottom, top = explorer.fig.axes[1].get_ylim()
    assert 0 <= bottom < min(p.get_ydata()[0] for p in points.values()) and top > 1.0


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_sliders_update_live_without_a_new_test(range_explorer, digits):
    explorer = range_explorer
    explorer.set_values(**RANGE_DEFAULTS)
    raw = explorer._result
    explorer.controls["smoothing"].value = 0.5
    explorer.controls["diverge_factor"].value = 2.0
    assert explorer._result is raw
    assert explorer.status.value == ""  # nothing to Run for
    direct = run_range_test(digits, smoothing=0.5, diverge_factor=2.0)
    lines = labelled_lines(explorer.fig.axes[0])
    np.testing.assert_array_equal(lines["moving average, β = 0.5 (lags)"].get_ydata(),
                                  smooth_losses(direct.losses, 0.5))
    assert f"steepest {direct.suggestions['steepest']:.2g}" in explorer.summary.value
    explorer.controls["chosen_lr"].value = 0.02
    assert "chosen rate = 0.02" in labelled_lines(explorer.fig.axes[0])
    assert explorer._result is raw


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_grey_dots_are_the_losses_after_the_stop(range_explorer):
    explorer = range_explorer
    explorer.set_values(**{**RANGE_DEFAULTS, "smoothing": 0.0})
    recorded, kept = explorer._result["recorded"], len(explorer._derived_test().lrs)
    lines = labelled_lines(explorer.fig.axes[0])
    (label,) = [label for label in lines if label.startswith("recorded after the stop")]
    xs = lines[label].get_xdata()
    assert len(xs) > 0 and set(xs) <= set(recorded.lrs[kept:])
    low, high = explorer.fig.axes[0].get_ylim()
    assert np.all((lines[label].get_ydata() >= low) & (lines[label].get_ydata() <= high))


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_trains_briefly_with_the_chosen_rate(range_explorer, digits):
    explorer = range_explorer
    explorer.set_values(**{**RANGE_DEFAULTS, "chosen_lr": 0.05})
    assert "Train briefly" in explorer.fig.axes[1].texts[0].get_text()
    explorer.train_button.click()
    history = brief_history(digits, 0.05)
    expected = (f"val accuracy {history.val_metric[-1]:.3f}, "
                f"val loss {history.val_loss[-1]:.3g}")
    assert expected in explorer.summary.value
    points = labelled_lines(explorer.fig.axes[1])
    chosen = points[f"chosen 0.05: val accuracy {history.val_metric[-1]:.3f}"]
    assert chosen.get_ydata()[0] == pytest.approx(history.val_metric[-1])
    assert not explorer.fig.axes[1].texts  # the prompt is gone
    explorer.controls["chosen_lr"].value = 0.2
    explorer.train_button.click()  # the earlier rate stays, in grey
    assert "earlier chosen rates" in labelled_lines(explorer.fig.axes[1])


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_diverging_brief_run_is_a_message(range_explorer):
    explorer = range_explorer
    explorer.set_values(**{**RANGE_DEFAULTS, "chosen_lr": 10.0})
    explorer.train_button.click()
    assert explorer.error is None
    assert "diverged at step" in explorer.summary.value
    assert "chosen 10: diverged" in labelled_lines(explorer.fig.axes[1])


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_optimizer_waits_for_run(range_explorer):
    explorer = range_explorer
    explorer.set_values(**{**RANGE_DEFAULTS, "optimizer": "SGD"})
    raw = explorer._result
    explorer.controls["optimizer"].value = "Adam"
    explorer.controls["smoothing"].value = 0.9  # a live change keeps the old test
    assert explorer._result is raw
    assert explorer.summary.value.startswith("SGD:")
    assert "press Run" in explorer.status.value
    explorer.run_button.click()
    assert explorer._result is not raw
    assert explorer.summary.value.startswith("Adam:")
    assert explorer.status.value == ""


def test_range_test_controls_in_the_order_of_use(range_explorer):
    rows = range_explorer.widget.children
    assert range_explorer.run_button in rows[1].children
    assert range_explorer.controls["optimizer"] in rows[1].children
    assert range_explorer.train_button in rows[3].children
    assert range_explorer.controls["chosen_lr"] in rows[3].children


@pytest.mark.parametrize("values", [
    {"optimizer": "SGD", "smoothing": 0.0, "diverge_factor": 1.5, "chosen_lr": 1e-5},
    {"optimizer": "Adam", "smoothing": 0.99, "diverge_factor": 10.0, "chosen_lr": 10.0},
    {"optimizer": "SGD, momentum 0.9", "smoothing": 0.99, "diverge_factor": 1.5,
     "chosen_lr": 10.0},
])
def test_range_test_extremes(range_explorer, values):
    explorer = range_explorer
    with pytest.MonkeyPatch.context() as patch:
        # The range-test panel is drawn again, the same, with the brief run: render
        # once, there.
        patch.setattr(Explorer, "_render", lambda self: None)
        explorer.set_values(**values)
    png = explorer.png()
    explorer.train_button.click()
    assert explorer.png() != png
    assert explorer.error is None
    lines = labelled_lines(explorer.fig.axes[0])
    assert lines["centred smoothing (suggestions read here)"].get_ydata().size >= 2
    assert explorer.fig.axes[1].get_title()


@pytest.mark.usefixtures("skip_rendering")
def test_range_test_same_seed_same_curve(range_explorer):
    # test_range_test_draws_the_engine_curve compares with an independent run of the
    # same seed; here a different seed must give a different curve.
    range_explorer.set_values(**RANGE_DEFAULTS)
    other = RangeTestExplorer(seed=1)
    assert not np.array_equal(
        labelled_lines(range_explorer.fig.axes[0])["raw mini-batch loss"].get_ydata()[:20],
        labelled_lines(other.fig.axes[0])["raw mini-batch loss"].get_ydata()[:20])


@pytest.mark.parametrize("kwargs, error", [
    ({"optimizer": "LBFGS"}, ValueError), ({"smoothing": 1.0}, ValueError),
    ({"smoothing": -0.1}, ValueError), ({"diverge_factor": 1.0}, ValueError),
    ({"diverge_factor": 11}, ValueError), ({"chosen_lr": 0.0}, ValueError),
    ({"chosen_lr": 20.0}, ValueError), ({"seed": 1.5}, TypeError),
])
def test_range_test_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        RangeTestExplorer(**kwargs)
