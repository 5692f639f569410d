"""Tests of gdcourse.plots: what was drawn, not how it looks.

Every plot function is drawn from small inputs, first from stand-in objects with the
documented attributes (the plots only read attributes), then from the real results of
``trace``, ``train``, ``lr_range_test`` and ``MLP.layer_statistics``; the tests check
the lines' data against the inputs, the labels, the scales and the limits.
"""

import os
import subprocess
import sys
from types import SimpleNamespace

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gdcourse import plots  # noqa: E402
from gdcourse.divergence import Divergence  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------ stand-ins
class Bowl:
    """x^2 + 4 y^2 on [-2, 2] x [-1, 3]: the shape of a gdcourse landscape."""

    name = "bowl"
    bounds = ((-2.0, 2.0), (-1.0, 3.0))
    minima = np.array([[0.0, 0.0]])
    min_value = 0.0
    start = np.array([-1.5, 2.0])

    def __call__(self, x, y):
        return x * x + 4 * y * y


class FlatSaddle:
    name = "saddle"
    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    minima = np.empty((0, 2))
    min_value = -np.inf
    start = np.array([-1.5, 0.1])

    def __call__(self, x, y):
        return x * x - y * y


def fake_trajectory(path, label, divergence=None):
    path = np.asarray(path, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = Bowl()(path[:, 0], path[:, 1])
    return SimpleNamespace(path=path, losses=losses, lrs=np.full(len(path) - 1, 0.1),
                           grad_norms=np.ones(len(path) - 1), divergence=divergence,
                           label=label)


CONVERGING = fake_trajectory([[-1.5, 2.0], [-1.0, 1.0], [-0.5, 0.2], [0.0, 0.0]], "SGD")
SLOW = fake_trajectory([[-1.5, 2.0], [-1.4, 1.8], [-1.3, 1.6]], "Adam")
# Leaves the box through the top edge (y = 3) between the 2nd and 3rd points.
DIVERGED = fake_trajectory([[-1.5, 2.0], [-1.0, 2.5], [0.0, 3.5], [1e30, -1e30],
                            [np.inf, np.nan]], "SGD lr=10",
                           Divergence(4, "loss is inf"))


def fake_history(label=None, epochs=4, steps_per_epoch=5, divergence=None,
                 val=True):
    steps = epochs * steps_per_epoch
    step_loss = 2.0 * 0.9 ** np.arange(steps)
    epoch_loss = step_loss.reshape(epochs, -1).mean(axis=1)
    nan = np.full(epochs, np.nan)
    return SimpleNamespace(
        label=label, optimizer_name="SGD", metric_name="accuracy",
        step_loss=step_loss, lr=np.full(steps, 0.1), grad_norm=np.ones(steps),
        time=0.01 * np.arange(1, steps + 1),
        epoch_loss=epoch_loss, val_loss=epoch_loss * 1.1 if val else nan,
        train_metric=np.linspace(0.5, 0.9, epochs),
        val_metric=np.linspace(0.4, 0.8, epochs) if val else nan,
        epoch_time=0.05 * np.arange(1, epochs + 1), divergence=divergence)


def fake_range_test(stopped_early=True):
    lrs = np.geomspace(1e-5, 1.0, 50)
    smoothed = 2.0 - 1.5 / (1 + np.exp(-3 * (np.log10(lrs) + 3)))
    smoothed[-5:] = [3.0, 10.0, 100.0, 1e4, 1e6]  # the blow-up at the end
    losses = smoothed * (1 + 0.05 * np.cos(np.arange(50)))
    return SimpleNamespace(lrs=lrs, losses=losses, smoothed_losses=smoothed,
                           stopped_early=stopped_early,
                           suggestions={"steepest": 1e-3, "min/10": 3.2e-3})


def fake_layer_stats(n_layers=4, n_values=200, seed=0):
    rng = np.random.default_rng(seed)
    stats = []
    for layer in range(1, n_layers + 1):
        act = np.maximum(rng.standard_normal(n_values) * 0.5 ** layer, 0.0)
        grad = rng.standard_normal(n_values // 2) * 0.01 * layer
        stats.append(SimpleNamespace(
            layer=layer, activation="relu", activation_values=act,
            weight_grad_values=grad, activation_mean=act.mean(),
            activation_std=act.std(), dead_fraction=0.25, saturated_fraction=None,
            weight_grad_mean=grad.mean(), weight_grad_std=grad.std()))
    return stats


def labelled_lines(ax):
    """Lines with a legend label (matplotlib gives unlabelled ones '_child...')."""
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def legend_texts(ax):
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


# ------------------------------------------------------------------ packaging
def test_import_gdcourse_does_not_import_matplotlib():
    code = ("import sys, gdcourse; "
            "print(any(m == 'matplotlib' or m.startswith('matplotlib.') "
            "for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "False"


def test_new_figures_are_not_kept_open_by_pyplot():
    before = set(plt.get_fignums())
    fig = plots.plot_schedule(np.ones(5))
    assert isinstance(fig, Figure)
    assert set(plt.get_fignums()) == before


# ------------------------------------------------------------------ colours
@pytest.mark.parametrize("label, name", [
    ("SGD", "SGD"), ("SGD lr=0.1", "SGD"), ("GD", "SGD"),
    ("SGD, momentum 0.9", "momentum"), ("Nesterov momentum", "Nesterov"),
    ("Adam", "Adam"), ("AdamW(lr=1e-3)", "AdamW"), ("adagrad", "Adagrad"),
    ("RMSprop", "RMSprop"),
])
def test_color_for_gives_each_optimizer_its_colour(label, name):
    assert plots.color_for(label, 5) == plots.OPTIMIZER_COLORS[name]


@pytest.mark.parametrize("index", [0, 1, 6, 7, 15])
def test_color_for_cycles_the_palette_for_other_labels(index):
    assert plots.color_for("xavier", index) == plots.PALETTE[index % len(plots.PALETTE)]


def test_palette_is_okabe_ito_and_optimizer_colours_are_distinct():
    assert set(plots.PALETTE) <= set(plots.OKABE_ITO.values())
    assert len(set(plots.OPTIMIZER_COLORS.values())) == len(plots.OPTIMIZER_COLORS)


def test_lines_in_one_figure_get_distinct_colours_and_markers():
    fig = plots.plot_schedule({"SGD lr=0.1": np.ones(5), "SGD lr=0.01": np.ones(5),
                               "Adam": np.ones(5), "custom": np.ones(5)})
    lines = labelled_lines(fig.axes[0])
    assert lines[0].get_color() == plots.OPTIMIZER_COLORS["SGD"]
    assert lines[2].get_color() == plots.OPTIMIZER_COLORS["Adam"]
    assert len({line.get_color() for line in lines}) == 4
    assert len({line.get_marker() for line in lines}) == 4  # the second cue


# ------------------------------------------------------------------ message
def test_message_axes_replaces_the_plot_with_the_text():
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([1, 2, 3])
    text = str(Divergence(37, "loss is inf"))
    plots.message_axes(ax, text)
    assert not ax.get_lines()
    assert not ax.axison
    [shown] = ax.texts
    assert shown.get_text().replace("\n", " ") == text


# ------------------------------------------------------------------ landscape
def test_landscape_draws_each_path_with_its_data_and_label():
    fig = plots.plot_landscape(Bowl(), [CONVERGING, SLOW])
    ax = fig.axes[0]
    paths = [line for line in labelled_lines(ax) if line.get_label() in ("SGD", "Adam")]
    assert [line.get_label() for line in paths] == ["SGD", "Adam"]
    for line, trajectory in zip(paths, [CONVERGING, SLOW]):
        np.testing.assert_array_equal(np.column_stack(line.get_data()), trajectory.path)
    assert legend_texts(ax) == ["SGD", "Adam", "start", "minimum"]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "bowl"
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)


def test_landscape_marks_a_shared_start_once_and_the_minima():
    fig = plots.plot_landscape(Bowl(), [CONVERGING, SLOW])
    ax = fig.axes[0]
    [start] = [line for line in ax.get_lines() if line.get_label() == "start"]
    np.testing.assert_array_equal(np.column_stack(start.get_data()), [[-1.5, 2.0]])
    [minimum] = [line for line in ax.get_lines() if line.get_label() == "minimum"]
    assert minimum.get_marker() == "*"
    np.testing.assert_array_equal(np.column_stack(minimum.get_data()), [[0.0, 0.0]])


def test_landscape_can_hide_start_and_minima():
    fig = plots.plot_landscape(Bowl(), [CONVERGING], show_start=False,
                               show_minima=False)
    assert legend_texts(fig.axes[0]) == ["SGD"]


def test_landscape_without_trajectories_shows_the_landscape_start():
    fig = plots.plot_landscape(Bowl())
    [start] = [line for line in fig.axes[0].get_lines() if line.get_label() == "start"]
    np.testing.assert_array_equal(np.column_stack(start.get_data()), [Bowl.start])


def test_diverged_path_stops_at_the_box_edge_and_the_view_stays_on_the_box():
    fig = plots.plot_landscape(Bowl(), [CONVERGING, DIVERGED])
    ax = fig.axes[0]
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)
    label = "SGD lr=10\ndiverged at step 4: loss is inf"
    assert label in legend_texts(ax)
    [line] = [line for line in ax.get_lines() if line.get_label() == label]
    drawn = np.column_stack(line.get_data())
    # The first two points, then where the segment to (0, 3.5) crosses y = 3.
    np.testing.assert_allclose(drawn, [[-1.5, 2.0], [-1.0, 2.5], [-0.5, 3.0]])
    crosses = [other for other in ax.get_lines() if other.get_marker() == "X"]
    assert len(crosses) == 1
    np.testing.assert_allclose(np.column_stack(crosses[0].get_data()), [[-0.5, 3.0]])


def grid_values(landscape, n=101):
    (xmin, xmax), (ymin, ymax) = landscape.bounds
    X, Y = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
    return landscape(X, Y)


@pytest.mark.parametrize("landscape, log_levels, spacing", [
    (Bowl(), True, "log"),         # log-spaced above the minimum value 0
    (Bowl(), False, "even"),
    (FlatSaddle(), True, "even"),  # takes both signs, no minimum: even spacing
])
def test_landscape_levels(landscape, log_levels, spacing):
    Z = grid_values(landscape)
    levels = plots._landscape_levels(Z, 12, log_levels, landscape.min_value)
    assert levels.min() >= Z.min() and np.isclose(levels.max(), Z.max())
    steps = np.diff(np.log(levels - landscape.min_value) if spacing == "log" else levels)
    np.testing.assert_allclose(steps, steps[0])


def test_constant_landscape_has_no_levels_and_still_plots():
    class Flat:
        name, bounds, minima, start = "flat", ((0, 1), (0, 1)), np.empty((0, 2)), None

        def __call__(self, x, y):
            return np.ones_like(x)

    assert plots._landscape_levels(np.ones((3, 3)), 10, True, None) is None
    ax = plots.plot_landscape(Flat()).axes[0]
    assert ax.get_xlim() == (0.0, 1.0)


def test_landscape_draws_on_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert plots.plot_landscape(Bowl(), CONVERGING, ax=ax) is fig
    assert len(fig.axes) == 1 and legend_texts(ax)[0] == "SGD"


@pytest.mark.parametrize("bad, message", [
    (dict(levels=1), "levels"),
    (dict(trajectories=[SimpleNamespace(path=np.zeros((3, 3)), label="x",
                                        divergence=None)]), "shape"),
])
def test_landscape_rejects_bad_input(bad, message):
    kwargs = {"trajectories": ()} | bad
    with pytest.raises(ValueError, match=message):
        plots.plot_landscape(Bowl(), **kwargs)


# ------------------------------------------------------------------ loss curves
def test_loss_curves_of_trajectories_against_step():
    fig = plots.plot_loss_curves([CONVERGING, SLOW])
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    assert [line.get_label() for line in lines] == ["SGD", "Adam"]
    for line, trajectory in zip(lines, [CONVERGING, SLOW]):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(len(trajectory.losses)))
        np.testing.assert_array_equal(line.get_ydata(), trajectory.losses)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"
    assert "loss" in ax.get_ylabel()


def test_diverged_run_ends_with_a_cross_and_a_note():
    fig = plots.plot_loss_curves({"big": DIVERGED}, log=True)
    ax = fig.axes[0]
    [line] = labelled_lines(ax)
    assert line.get_label() == "big — diverged at step 4: loss is inf"
    finite = DIVERGED.losses[np.isfinite(DIVERGED.losses)]
    np.testing.assert_array_equal(line.get_ydata(), finite)
    [cross] = [other for other in ax.get_lines() if other.get_marker() == "X"]
    assert cross.get_ydata()[0] == finite[-1]


@pytest.mark.parametrize("losses, scale, note", [
    ([1.0, 0.5, -1.0], "linear", "< 0"),   # the saddle: no log axis possible
    ([1.0, 0.5, 0.0], "log", "log scale"),  # an exact 0 is left out, the scale kept
    ([0.0, 0.0, 0.0], "linear", "loss"),
])
def test_log_axis_guards_non_positive_losses(losses, scale, note):
    run = SimpleNamespace(path=np.zeros((3, 2)), losses=np.array(losses),
                          divergence=None, label="run")
    ax = plots.plot_loss_curves(run).axes[0]
    assert ax.get_yscale() == scale
    assert note in ax.get_ylabel()


@pytest.mark.parametrize("x, xlabel, field, xs", [
    ("step", "step", "step_loss", np.arange(20)),
    ("epoch", "epoch", "epoch_loss", np.arange(1, 5)),
    ("time", "wall-clock time (seconds)", "step_loss", 0.01 * np.arange(1, 21)),
])
def test_loss_curves_of_a_history(x, xlabel, field, xs):
    history = fake_history(label="mini-batch")
    ax = plots.plot_loss_curves(history, x=x).axes[0]
    [line] = labelled_lines(ax)
    assert line.get_label() == "mini-batch"
    np.testing.assert_allclose(line.get_xdata(), xs)
    np.testing.assert_array_equal(line.get_ydata(), getattr(history, field))
    assert ax.get_xlabel() == xlabel


def test_loss_curves_labels_and_smoothing():
    runs = [fake_history(), fake_history()]
    ax = plots.plot_loss_curves(runs, labels=["batch 1", "batch 32"], smooth=0.5).axes[0]
    lines = labelled_lines(ax)
    assert [line.get_label() for line in lines] == ["batch 1", "batch 32"]
    raw = runs[0].step_loss
    expected = [raw[0], (0.25 * raw[0] + 0.5 * raw[1]) / 0.75]  # bias-corrected EMA
    np.testing.assert_allclose(lines[0].get_ydata()[:2], expected)
    assert len(ax.get_lines()) == 4  # a faint raw line under each smoothed one


@pytest.mark.parametrize("runs, kwargs, error, message", [
    (CONVERGING, dict(x="epoch"), ValueError, "Trajectory"),
    (CONVERGING, dict(x="seconds"), ValueError, "x must be"),
    ([CONVERGING], dict(labels=["a", "b"]), ValueError, "2 labels for 1 runs"),
    (CONVERGING, dict(smooth=1.0), ValueError, "smooth"),
    (np.ones(3), {}, TypeError, "Trajectory or a History"),
])
def test_loss_curves_reject_bad_input(runs, kwargs, error, message):
    with pytest.raises(error, match=message):
        plots.plot_loss_curves(runs, **kwargs)


# ------------------------------------------------------------------ train/val
def test_train_val_two_panels():
    history = fake_history()
    fig = plots.plot_train_val(history)
    loss_ax, metric_ax = fig.axes
    lines = {line.get_label(): line for line in labelled_lines(loss_ax)}
    np.testing.assert_array_equal(lines["training loss"].get_ydata(), history.epoch_loss)
    np.testing.assert_array_equal(lines["validation loss"].get_ydata(), history.val_loss)
    np.testing.assert_array_equal(lines["training loss"].get_xdata(), [1, 2, 3, 4])
    assert loss_ax.get_yscale() == "log"
    assert [line.get_label() for line in labelled_lines(metric_ax)] == [
        "training accuracy", "validation accuracy"]
    for ax in fig.axes:
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel()


def test_train_val_on_one_axes_puts_the_metric_on_a_twin_axis():
    fig = Figure()
    ax = fig.add_subplot()
    plots.plot_train_val(fake_history(), ax=ax)
    assert len(fig.axes) == 2
    assert legend_texts(ax) == ["training loss", "validation loss",
                                "training accuracy", "validation accuracy"]
    assert "accuracy" in fig.axes[1].get_ylabel()


def test_train_val_without_validation_data_draws_training_only():
    fig = plots.plot_train_val(fake_history(val=False))
    assert [line.get_label() for line in labelled_lines(fig.axes[0])] == ["training loss"]


def test_train_val_of_a_run_that_diverged_before_an_epoch_shows_the_message():
    divergence = Divergence(3, "loss is inf")
    history = fake_history(divergence=divergence)
    for name in ("epoch_loss", "val_loss", "train_metric", "val_metric"):
        setattr(history, name, np.empty(0))
    fig = plots.plot_train_val(history)
    assert fig.axes[0].texts[0].get_text().replace("\n", " ") == str(divergence)


def test_train_val_names_the_divergence_in_the_title():
    fig = plots.plot_train_val(fake_history(divergence=Divergence(17, "loss is nan")))
    assert "diverged at step 17" in fig.axes[0].get_title()


# ------------------------------------------------------------------ schedule
def test_schedule_lines_equal_the_rates():
    from gdcourse.optim.lr_scheduler import CosineAnnealingLR, StepLR, lr_curve

    rates = {"StepLR": lr_curve(StepLR, 30, lr=0.1, step_size=10, gamma=0.5),
             "cosine": lr_curve(CosineAnnealingLR, 30, lr=0.1, T_max=30)}
    ax = plots.plot_schedule(rates).axes[0]
    lines = labelled_lines(ax)
    assert legend_texts(ax) == ["StepLR", "cosine"]
    for line, values in zip(lines, rates.values()):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(30))
        np.testing.assert_array_equal(line.get_ydata(), values)
        assert line.get_drawstyle() == "steps-post"
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "learning rate"


@pytest.mark.parametrize("rates, scale", [
    (np.array([0.1, 0.01, 0.001]), "log"),
    (np.array([0.1, 0.05, 0.0]), "log"),  # cosine down to 0: the 0 is left out
    (np.array([0.1, 0.0, -0.1]), "linear"),  # not a schedule, but no crash
])
def test_schedule_log_axis(rates, scale):
    ax = plots.plot_schedule(rates, log=True).axes[0]
    assert ax.get_yscale() == scale
    assert ax.get_legend() is None  # a single unnamed schedule needs no legend


# ------------------------------------------------------------------ range test
def test_lr_finder_marks_the_suggestions():
    result = fake_range_test()
    fig = plots.plot_lr_finder(result)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "learning rate (log scale)" and ax.get_ylabel() == "loss"
    vertical = {line.get_label(): line.get_xdata()[0] for line in labelled_lines(ax)
                if line.get_label() not in ("raw mini-batch loss", "moving average (lags)")}
    assert vertical == {"steepest = 0.001": 1e-3, "min/10 = 0.0032": 3.2e-3}
    assert "rules of thumb" in ax.get_title() and "stopped early" in ax.get_title()
    assert all(text.get_fontsize() >= 9 for text in ax.get_legend().get_texts())


def test_lr_finder_shows_the_centred_curve_and_where_the_suggestions_are_read():
    result = fake_range_test()
    centred = result.smoothed_losses * 0.9
    result.centred_losses, result.smoothing = centred, 0.98
    result.suggestions = {"steepest": result.lrs[20], "min/10": result.lrs[40] / 10,
                          "min/3": result.lrs[40] / 3}
    lines = {line.get_label(): line for line in labelled_lines(
        plots.plot_lr_finder(result).axes[0])}
    np.testing.assert_array_equal(
        lines["centred smoothing (suggestions read here)"].get_ydata(), centred)
    assert "moving average, β = 0.98 (lags)" in lines
    minimum = int(np.argmin(centred))
    assert lines["its minimum"].get_xdata()[0] == result.lrs[minimum]
    assert lines["its steepest fall"].get_ydata()[0] == centred[20]
    for name in ("steepest", "min/10", "min/3"):
        (label,) = [label for label in lines if label.startswith(name + " =")]
        assert lines[label].get_color() == plots.SUGGESTION_STYLES[name]["color"]


def test_lr_finder_keeps_the_blow_up_from_flattening_the_curve():
    result = fake_range_test()
    bottom, top = plots.plot_lr_finder(result).axes[0].get_ylim()
    assert top < 2 * result.smoothed_losses[0]
    assert bottom <= result.losses.min()


def test_lr_finder_lines_are_the_recorded_losses():
    result = fake_range_test(stopped_early=False)
    ax = plots.plot_lr_finder(result).axes[0]
    lines = {line.get_label(): line for line in labelled_lines(ax)}
    np.testing.assert_array_equal(lines["raw mini-batch loss"].get_ydata(), result.losses)
    np.testing.assert_array_equal(lines["moving average (lags)"].get_ydata(),
                                  result.smoothed_losses)
    assert (lines["moving average (lags)"].get_linewidth()
            > lines["raw mini-batch loss"].get_linewidth())
    assert "stopped early" not in ax.get_title()


# ------------------------------------------------------------------ layers
@pytest.mark.parametrize("kind, values, mean, std", [
    ("activation", "activation_values", "activation_mean", "activation_std"),
    ("gradient", "weight_grad_values", "weight_grad_mean", "weight_grad_std"),
])
def test_layer_histograms_one_per_layer(kind, values, mean, std):
    stats = fake_layer_stats()
    fig = plots.plot_layer_statistics(stats, kind=kind)
    assert len(fig.axes) == 4
    for ax, stat in zip(fig.axes, stats):
        counts = [patch.get_height() for patch in ax.patches]
        assert len(counts) == 40 and sum(counts) == len(getattr(stat, values))
        assert f"mean {getattr(stat, mean):.2g}" in ax.get_title()
        assert f"std {getattr(stat, std):.2g}" in ax.get_title()
        assert ("dead units 25%" in ax.get_title()) == (kind == "activation")
        assert ax.get_xlabel()
    assert fig.axes[0].get_ylabel() == "count"
    # shared x: every panel shows the same range
    assert len({ax.get_xlim() for ax in fig.axes}) == 1


def test_layer_histograms_of_tanh_share_the_range_of_tanh_and_the_counts_axis():
    stats = fake_layer_stats(3)
    for i, stat in enumerate(stats):
        stat.activation = "tanh"
        stat.activation_values = np.tanh(np.linspace(-2, 2, 200) / (i + 1))
    fig = plots.plot_layer_statistics(stats)
    assert {ax.get_xlim() for ax in fig.axes} == {fig.axes[0].get_xlim()}
    low, high = fig.axes[0].get_xlim()
    assert low <= -1.0 and high >= 1.0 and high < 1.2  # tanh's range, not the data's
    assert len({ax.get_ylim() for ax in fig.axes}) == 1
    ticks = [t for t in fig.axes[0].get_xticks() if low <= t <= high]
    assert set(np.round(ticks, 6)) <= {-1.0, -0.5, 0.0, 0.5, 1.0}


def test_layer_histograms_on_their_own_ranges_show_tiny_values_too():
    stats = fake_layer_stats(3)
    for i, stat in enumerate(stats):
        stat.weight_grad_values = np.linspace(-1, 1, 101) * 10.0 ** (-3 * i)
    fig = plots.plot_layer_statistics(stats, kind="gradient", sharex=False)
    for ax, stat in zip(fig.axes, stats):
        values = stat.weight_grad_values
        low, high = ax.get_xlim()
        # the middle 99 % of this layer's values fill the panel
        assert high - low < 1.2 * np.ptp(values) and high - low > 0.9 * np.ptp(values)
        assert sum(p.get_height() for p in ax.patches) >= 0.98 * values.size


def test_layer_histograms_name_the_output_layer():
    stats = fake_layer_stats(2)
    stats[-1].is_output = True
    titles = [ax.get_title() for ax in plots.plot_layer_statistics(stats).axes]
    assert titles[0].startswith("layer 1 (relu)") and titles[1].startswith("layer 2 (output)")


def test_layer_histograms_redraw_into_a_given_figure():
    fig = Figure()
    plots.plot_layer_statistics(fake_layer_stats(4), fig=fig)
    assert plots.plot_layer_statistics(fake_layer_stats(2), fig=fig) is fig
    assert len(fig.axes) == 2


def test_layer_histograms_with_no_finite_values_show_a_message():
    stats = fake_layer_stats(2)
    stats[1].activation_values = np.full(10, np.nan)
    fig = plots.plot_layer_statistics(stats)
    assert "no finite values" in fig.axes[1].texts[0].get_text()


def test_layer_std_lines_per_scheme():
    stats = {"normal": fake_layer_stats(seed=1), "kaiming": fake_layer_stats(seed=2)}
    fig = plots.plot_layer_std(stats)
    activation_ax, gradient_ax = fig.axes
    for ax, field in ((activation_ax, "activation_std"), (gradient_ax, "weight_grad_std")):
        assert ax.get_yscale() == "log" and ax.get_xlabel() == "layer"
        lines = labelled_lines(ax)
        assert [line.get_label() for line in lines] == ["normal", "kaiming"]
        for line, layer_stats in zip(lines, stats.values()):
            np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
            np.testing.assert_allclose(line.get_ydata(),
                                       [getattr(s, field) for s in layer_stats])
    assert legend_texts(activation_ax) == ["normal", "kaiming"]


def test_layer_std_shades_and_labels_the_output_layer():
    stats = fake_layer_stats(4)
    stats[-1].is_output = True
    for ax in plots.plot_layer_std({"he": stats}).axes:
        (band,) = ax.patches
        assert np.allclose(band.get_x(), 3.5) and np.allclose(band.get_width(), 1.0)
        assert [t.get_text() for t in ax.texts] == ["output"]
        assert ax.get_xlim() == (0.5, 4.5)


def test_layer_std_of_all_zeros_is_a_linear_axis_from_0():
    stats = fake_layer_stats(3)
    for stat in stats:
        stat.activation_std = stat.weight_grad_std = 0.0
    for ax in plots.plot_layer_std({"zeros": stats}).axes:
        assert ax.get_yscale() == "linear" and ax.get_ylim() == (0.0, 1.0)
        assert "every standard\ndeviation is 0" in [t.get_text() for t in ax.texts]


def test_layer_std_names_the_layers_a_log_axis_cannot_show():
    stats = fake_layer_stats(5)
    for stat in stats[:3]:
        stat.weight_grad_std = 0.0
    _, gradient_ax = plots.plot_layer_std({"zeros": stats}).axes
    assert gradient_ax.get_yscale() == "log"
    assert [t.get_text() for t in gradient_ax.texts] == [
        "std ≈ 0 in layers 1–3 (not on a log axis)"]
    assert plots._zero_layers_note([1, 2, 4, 6, 7]) == (
        "std ≈ 0 in layers 1–2, 4, 6–7 (not on a log axis)")
    assert plots._zero_layers_note([3]) == "std ≈ 0 in layer 3 (not on a log axis)"


def test_layer_std_keeps_given_colours():
    stats = {"he": fake_layer_stats(seed=1), "xavier": fake_layer_stats(seed=2)}
    fig = plots.plot_layer_std(stats, colors={"xavier": plots.OKABE_ITO["orange"]})
    for ax in fig.axes:
        he, xavier = labelled_lines(ax)
        assert xavier.get_color() == plots.OKABE_ITO["orange"]
        assert he.get_color() == plots.PALETTE[0]
    with pytest.raises(ValueError, match="PALETTE"):
        plots.plot_layer_std(stats, colors={"he": "red"})


def test_layer_std_needs_a_dict():
    with pytest.raises(TypeError, match="dict"):
        plots.plot_layer_std(fake_layer_stats())


# ------------------------------------------------------------------ real results
def test_real_trajectories_on_rosenbrock_and_a_diverging_quadratic():
    from gdcourse.landscapes import Quadratic, Rosenbrock
    from gdcourse.trajectories import trace
    from gdcourse.optim import SGD, Adam

    rosenbrock = Rosenbrock()
    runs = [trace(rosenbrock, SGD, 200, lr=1e-3), trace(rosenbrock, Adam, 200, lr=0.05)]
    ax = plots.plot_landscape(rosenbrock, runs).axes[0]
    lines = labelled_lines(ax)[:2]
    for line, run in zip(lines, runs):
        assert line.get_label() == run.label
        np.testing.assert_array_equal(np.column_stack(line.get_data()), run.path)

    quadratic = Quadratic(condition_number=10)
    blow_up = trace(quadratic, SGD, 100, lr=1.5 * quadratic.max_stable_lr)
    assert blow_up.diverged
    ax = plots.plot_landscape(quadratic, [blow_up]).axes[0]
    assert (ax.get_xlim(), ax.get_ylim()) == tuple(map(tuple, quadratic.bounds))
    assert any(str(blow_up.divergence).split(" — ")[0] in text
               for text in legend_texts(ax))
    ax = plots.plot_loss_curves(blow_up).axes[0]
    assert labelled_lines(ax)[0].get_label().endswith(
        str(blow_up.divergence).split(" — ")[0])


@pytest.fixture(scope="module")
def blobs():
    from gdcourse.data import make_blobs

    return make_blobs(n_samples=120, rng=np.random.default_rng(0))


def test_real_history_range_test_and_layer_statistics(blobs):
    from gdcourse.lr_finder import lr_range_test
    from gdcourse.models import MLP
    from gdcourse.optim import SGD
    from gdcourse.train import train

    X, y = blobs[0], blobs[1]
    n_classes = int(y.max()) + 1
    model = MLP([X.shape[1], 8, 8, n_classes], rng=np.random.default_rng(1))
    history = train(model, SGD(model.params, lr=0.1), X, y, epochs=3, batch_size=32,
                    val_data=(X, y), rng=np.random.default_rng(2), progress=False)
    ax = plots.plot_loss_curves(history, x="time").axes[0]
    np.testing.assert_array_equal(labelled_lines(ax)[0].get_xdata(), history.time)
    fig = plots.plot_train_val(history)
    np.testing.assert_array_equal(labelled_lines(fig.axes[0])[0].get_ydata(),
                                  history.epoch_loss)

    result = lr_range_test(model, SGD(model.params, lr=0.1), X, y, num_steps=40,
                           rng=np.random.default_rng(3))
    ax = plots.plot_lr_finder(result).axes[0]
    positions = sorted(line.get_xdata()[0] for line in labelled_lines(ax)
                       if line.get_label().split(" = ")[0] in result.suggestions)
    assert positions == sorted(result.suggestions.values())

    stats = model.layer_statistics(X, y)
    fig = plots.plot_layer_statistics(stats)
    assert len(fig.axes) == len(stats)
    for ax, stat in zip(fig.axes, stats):
        assert sum(p.get_height() for p in ax.patches) == stat.activation_values.size
    fig = plots.plot_layer_std({"auto": stats})
    np.testing.assert_allclose(labelled_lines(fig.axes[0])[0].get_ydata(),
                               [s.activation_std for s in stats])


def test_message_axes_works_inside_a_subfigure():
    # Widgets lay out panels with sub-figures; the message must fit the root figure.
    fig = plt.figure(figsize=(6, 3))
    left, _ = fig.subfigures(1, 2)
    ax = left.add_subplot()
    plots.message_axes(ax, "diverged at step 3: loss is inf — try a smaller learning rate")
    assert any("diverged at step 3" in t.get_text() for t in ax.texts)
    plt.close(fig)


# ------------------------------------------------------------- shared helpers
BOX = ((-1.0, 1.0), (-1.0, 1.0))


@pytest.mark.parametrize("path, diverged, drawn, cut", [
    ([[0, 0], [0.5, 0.5]], False, [[0, 0], [0.5, 0.5]], False),
    # A run that ends outside without diverging is drawn whole (the view clips it).
    ([[0, 0], [2, 0]], False, [[0, 0], [2, 0]], False),
    ([[0, 0], [2, 0], [8, 0]], True, [[0, 0], [1, 0]], True),  # ends on the edge
    ([[5, 5], [9, 9]], True, [[5, 5]], True),                   # started outside
    ([[0, 0], [0.5, 0], [np.nan, np.nan]], False, [[0, 0], [0.5, 0]], True),
])
def test_drawable_path(path, diverged, drawn, cut):
    result, was_cut = plots.drawable_path(np.array(path, dtype=float), BOX, diverged)
    np.testing.assert_allclose(result, drawn)
    assert was_cut is cut


def test_markevery_for_puts_about_a_dozen_markers_on_a_line():
    assert plots.markevery_for(1) == 1
    assert plots.markevery_for(12) == 1
    assert plots.markevery_for(300) == 25
    assert len(range(0, 300, plots.markevery_for(300))) == 12


def test_short_divergence_drops_the_advice():
    divergence = Divergence(37, "loss is inf")
    assert plots.short_divergence(divergence) == "diverged at step 37: loss is inf"
    assert plots.short_divergence("no advice here") == "no advice here"


@pytest.mark.parametrize("name, floor, scale, label", [
    ("Rosenbrock", 0.0, "log", "loss − minimum (log scale)"),
    ("Basins", "min_value", "log", "loss − deepest minimum (log scale)"),
    ("Himmelblau", 0.0, "log", "loss − minimum (log scale)"),  # four equal minima
    ("Saddle", None, "linear", "loss (linear: no minimum)"),
])
def test_set_loss_axis_fixes_limits_from_the_landscape(name, floor, scale, label):
    from gdcourse.landscapes import get_landscape

    landscape = get_landscape(name)
    fig, ax = plt.subplots()
    returned = plots.set_loss_axis(ax, landscape, span=(1e-10, 1e3), margin=0.1)
    assert returned == (landscape.min_value if floor == "min_value" else floor)
    assert ax.get_yscale() == scale and ax.get_ylabel() == label
    low, high = ax.get_ylim()
    if scale == "log":
        gap = landscape.value(landscape.start) - landscape.min_value
        assert (low, high) == pytest.approx((gap * 1e-10, gap * 1e3))
    else:  # x^2 - y^2 over [-5, 5]^2 is [-25, 25], with 10% room
        assert (low, high) == pytest.approx((-30.0, 30.0))
