"""Tests of the optimizer race and the clipping lab (no browser: Agg backend)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.functions import Cliff, trace, turn_angle_degrees  # noqa: E402
from gdcourse.optim import SGD, clip_grad_value_  # noqa: E402
from gdcourse.widgets.clipping import ClippingExplorer  # noqa: E402
from gdcourse.widgets.race import (DEFAULT_LRS, RACE_LANDSCAPES,  # noqa: E402
                                   RACE_OPTIMIZERS, OptimizerRaceExplorer)


@pytest.fixture(scope="module")
def racer():
    """One race for the tests that set every control they rely on."""
    return OptimizerRaceExplorer()


@pytest.fixture(scope="module")
def clipper():
    """One clipping lab for the tests that set every control they rely on."""
    return ClippingExplorer()


# ---------------------------------------------------------------- optimizer race
@pytest.mark.usefixtures("skip_rendering")
def test_race_lines_are_the_engines_trajectories():
    explorer = OptimizerRaceExplorer(landscape="quadratic", optimizers=("SGD", "Adam"),
                                     steps=50)
    assert explorer.error is None
    landscape = RACE_LANDSCAPES["quadratic"][1]()
    for name in ("SGD", "Adam"):
        cls, fixed = RACE_OPTIMIZERS[name]
        run = trace(landscape, cls, 50, lr=DEFAULT_LRS["quadratic"][name], **fixed)
        x, y = explorer._path_lines[name].get_data()
        np.testing.assert_allclose(np.column_stack([x, y]), run.path)
        np.testing.assert_allclose(explorer._loss_lines[name].get_ydata(), run.losses)
        assert f"{name}: loss {run.final_loss:.1e} after 50 steps" in explorer.summary.value
    assert not explorer._path_lines["momentum"].get_visible()


@pytest.mark.parametrize("landscape", list(RACE_LANDSCAPES))
def test_race_extremes_never_error(racer, landscape):
    explorer = racer
    for steps, lr in [(10, 1e-5), (300, 10.0)]:
        explorer.set_values(landscape=landscape, steps=steps, noise=5.0,
                     **{f"use_{name}": True for name in RACE_OPTIMIZERS},
                     **{f"lr_{name}": lr for name in RACE_OPTIMIZERS})
        assert explorer.error is None, (steps, lr)
        assert explorer.summary.value.count(":") >= len(RACE_OPTIMIZERS)
        assert all(len(line.get_xdata()) >= 1 for line in explorer._path_lines.values())


@pytest.mark.usefixtures("skip_rendering")
def test_race_divergence_is_reported_and_drawn():
    explorer = OptimizerRaceExplorer(landscape="rosenbrock", optimizers=("SGD",),
                                     lrs={"SGD": 1.0})
    assert "SGD: diverged at step" in explorer.summary.value
    assert explorer._path_ends["SGD"].get_visible()
    assert "diverged at step" in explorer._loss_ax.get_legend().get_texts()[0].get_text()


@pytest.mark.usefixtures("skip_rendering")
def test_race_landscape_change_resets_rates_and_redraws_once():
    explorer = OptimizerRaceExplorer(landscape="quadratic", lrs={"Adam": 0.5})
    assert explorer.controls["lr_Adam"].value == 0.5
    explorer.controls["landscape"].value = "beale"
    assert explorer.controls["lr_Adam"].value == DEFAULT_LRS["beale"]["Adam"]
    assert explorer._path_ax.get_title() == RACE_LANDSCAPES["beale"][0]
    assert explorer.error is None


@pytest.mark.usefixtures("skip_rendering")
def test_race_no_optimizer_selected_is_a_message_not_an_error():
    explorer = OptimizerRaceExplorer(optimizers=())
    assert explorer.error is None
    assert "No optimizer selected" in explorer.summary.value


@pytest.mark.usefixtures("skip_rendering")
def test_race_same_seed_same_noisy_lines(racer):
    a = OptimizerRaceExplorer(noise=1.0, seed=3)
    b = OptimizerRaceExplorer(noise=1.0, seed=3)
    np.testing.assert_array_equal(a._path_lines["Adam"].get_xydata(),
                                  b._path_lines["Adam"].get_xydata())
    # The shared race has seed 0: the same settings, other noise.
    racer.set_values(**{name: control.value for name, control in a.controls.items()
                           if name in a.values()})
    assert not np.array_equal(a._path_lines["Adam"].get_xydata(),
                              racer._path_lines["Adam"].get_xydata())


@pytest.mark.parametrize("kwargs, error", [
    ({"landscape": "moon"}, ValueError), ({"optimizers": ("Lion",)}, ValueError),
    ({"optimizers": "Adam"}, TypeError), ({"lrs": {"Adam": 100.0}}, ValueError),
    ({"steps": 5}, ValueError), ({"steps": 2.5}, TypeError), ({"noise": -1}, ValueError),
])
def test_race_bad_arguments(kwargs, error):
    with pytest.raises(error):
        OptimizerRaceExplorer(**kwargs)


# ---------------------------------------------------------------- clipping lab
@pytest.mark.usefixtures("skip_rendering")
def test_clipping_lines_and_lesson():
    explorer = ClippingExplorer(threshold=1.0, lr=0.1, steps=30)
    assert explorer.error is None
    cliff = Cliff()
    expected = {"none": trace(cliff, SGD, 30, lr=0.1),
                "value": trace(cliff, SGD, 30, lr=0.1, clip_value=1.0),
                "norm": trace(cliff, SGD, 30, lr=0.1, max_norm=1.0)}
    for method, run in expected.items():
        np.testing.assert_allclose(explorer._paths[method].get_xydata(), run.path)
    # Clipped by norm, every step is at most lr * threshold long.
    assert explorer._steps["norm"].get_ydata().max() <= 0.1 + 1e-12
    # The unclipped first step leaves the plot and comes back: a detour, marked by
    # triangles on the edge, not by the cross that means "diverged".
    assert expected["none"].divergence is None
    assert explorer._exit_marker.get_visible() and explorer._return_marker.get_visible()
    assert explorer._exit_marker.get_marker() == ">"      # out through the right edge
    assert explorer._return_marker.get_marker() == "<"    # and back in through it
    assert not any(end.get_visible() for end in explorer._ends.values())
    assert "back at step 18" in explorer._exit_note.get_text()
    g = cliff.grad(cliff.start)
    clipped = g.copy()
    clip_grad_value_(clipped, 1.0)
    turn = turn_angle_degrees(g, clipped)
    assert turn > 30
    summary = explorer.summary.value
    assert "out and back: steps 1–17" in summary
    assert "by norm 1: " in summary
    assert f"turned ≤ {turn:.0f}°" in summary
    assert "not a learning-rate schedule" in explorer.fig.get_suptitle()


def test_clipping_summary_fits_on_one_line_and_axis_fits_the_data(clipper):
    explorer = clipper
    for threshold in (0.01, 1.0, 20.0, 1000.0):
        explorer.set_values(threshold=threshold, lr=0.1, steps=60)
        assert len(explorer.summary.value) <= 140, explorer.summary.value
        low, high = explorer._step_ax.get_ylim()
        lengths = np.concatenate([line.get_ydata() for line in explorer._steps.values()])
        assert low <= lengths.min() and lengths.max() <= high
        assert high / low <= 1e6  # whole decades around the data, not a fixed 1e-6..1e3
    titles = [explorer._path_ax.title.get_fontsize(), explorer._step_ax.title.get_fontsize()]
    assert titles[0] == titles[1]


@pytest.mark.usefixtures("skip_rendering")
def test_clipping_goal_answers_hold(clipper):
    """The answers the chapter gives to the clipping explorer's goals."""
    explorer = clipper

    def final(threshold):
        explorer.set_values(threshold=threshold, lr=0.1, steps=60)
        return {m: float(explorer._result["runs"][m].final_loss)
                for m in ("none", "value", "norm")}, explorer._result["runs"]

    # Clipping changes nothing once the threshold is above the largest gradient norm
    # (about 101.5, at the start): the first slider value above it is 10^2.05 = 112.
    _, runs = final(10 ** 2.05)
    for method in ("value", "norm"):
        np.testing.assert_array_equal(runs[method].path, runs["none"].path)
    _, runs = final(100.0)
    assert not np.array_equal(runs["norm"].path, runs["none"].path)
    # Both clipped runs end below 0.01 from a threshold of about 1.4 to about 56.
    for exponent in np.arange(0.15, 1.76, 0.05):
        losses, _ = final(10 ** exponent)
        assert max(losses["value"], losses["norm"]) < 0.01, exponent
    for threshold in (1.0, 100.0):
        losses, _ = final(threshold)
        assert max(losses["value"], losses["norm"]) >= 0.01
    # The unclipped run ends higher (its detour costs it steps), but it does not diverge.
    losses, runs = final(1.0)
    assert runs["none"].divergence is None and losses["none"] > 0.03
    # A tiny threshold crawls: 60 steps of at most lr * threshold = 0.001 each.
    losses, runs = final(0.01)
    assert runs["norm"].step_lengths.max() <= 1e-3 + 1e-12
    assert min(losses["value"], losses["norm"]) > 5


@pytest.mark.parametrize("name, values", [("threshold", (0.01, 1000.0)),
                                          ("lr", (0.001, 1.0)), ("steps", (10, 200))])
def test_clipping_extremes_never_error(clipper, name, values):
    explorer = clipper
    explorer.set_values(threshold=1.0, lr=0.1, steps=60)
    for value in values:
        explorer.controls[name].value = value
        assert explorer.error is None
        assert explorer.summary.value.startswith("loss after")


def test_clipping_recovers_after_an_error_message(clipper):
    explorer = clipper
    explorer.set_values(threshold=1.0, lr=0.1, steps=60)
    explorer._show_message("something went wrong")
    explorer.controls["lr"].value = 0.05
    assert explorer.error is None
    assert len(explorer._paths["norm"].get_xdata()) == 61
    assert not any("went wrong" in text.get_text() for text in explorer._path_ax.texts)
    assert explorer._path_ax.get_legend() is not None  # the landscape is back


@pytest.mark.parametrize("kwargs, error", [({"threshold": 0}, ValueError),
                                           ({"lr": 2.0}, ValueError),
                                           ({"steps": "10"}, TypeError)])
def test_clipping_bad_arguments(kwargs, error):
    with pytest.raises(error):
        ClippingExplorer(**kwargs)


def test_clipping_threshold_change_is_blitted_and_changes_the_picture(clipper):
    explorer = clipper
    explorer.set_values(threshold=1.0, lr=0.1, steps=60)
    background, png = explorer._background, explorer.image.value
    explorer.controls["threshold"].value = 3.0
    assert explorer.error is None
    assert explorer._background is background  # the static raster was kept
    assert explorer.image.value != png


def test_race_learning_rate_change_is_blitted_and_changes_the_picture(racer):
    explorer = racer
    explorer.set_values(landscape="rosenbrock", steps=150, noise=0.0,
                 **{f"use_{name}": name in ("SGD", "Adam") for name in RACE_OPTIMIZERS},
                 **{f"lr_{name}": lr for name, lr in DEFAULT_LRS["rosenbrock"].items()})
    background, png = explorer._background, explorer.image.value
    explorer.controls["lr_Adam"].value = 0.1
    assert explorer.error is None
    assert explorer._background is background  # the static raster was kept
    assert explorer.image.value != png
