"""Tests of the step-by-step and quadratic explorers, without a browser (Agg backend)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import math  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.convergence import heavy_ball_rate, steps_per_decade  # noqa: E402
from gdcourse.landscapes import CURVES, LANDSCAPES, Quadratic  # noqa: E402
from gdcourse.trajectories import trace  # noqa: E402
from gdcourse.optim import SGD  # noqa: E402
from gdcourse.landscapes import DoubleWell, Parabola  # noqa: E402
from gdcourse.widgets.descent import (LR_VALUES, MAX_STEPS, RUN_STEPS,  # noqa: E402
                                      StepByStepExplorer)
from gdcourse.widgets.quadratic import (MAP_LRS, MAP_MOMENTA,  # noqa: E402
                                        MAP_STEPS_RANGE, QuadraticExplorer)

ALL_LANDSCAPES = list(CURVES) + list(LANDSCAPES)


@pytest.fixture(scope="module")
def stepper():
    """One explorer for the tests that set every control they rely on."""
    return StepByStepExplorer()


# ============================================================================ step by step
def _line(line):
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("lr, steps", [(0.1, 0), (0.1, 7), (0.3, 25), (0.9, 12)])
def test_parabola_path_is_the_hand_computed_descent(stepper, lr, steps):
    # x_{t+1} = x_t - lr * 2 x_t = (1 - 2 lr) x_t, from x_0 = 4; drawn on the curve.
    stepper.set_values(landscape="parabola", lr=lr, steps=steps)
    xs, ys = _line(stepper._path_line)
    expected = 4.0 * (1 - 2 * lr) ** np.arange(steps + 1)
    np.testing.assert_allclose(xs, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ys, expected ** 2, rtol=1e-12, atol=1e-300)
    assert stepper.error is None
    assert f"after {steps} step" in stepper.summary.value


@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("name, lr", [("Rosenbrock", 1e-3), ("Himmelblau", 0.01)])
def test_2d_path_and_losses_equal_trace(stepper, name, lr):
    stepper.set_values(landscape=name, lr=lr, steps=40)
    run = trace(name, SGD, 40, lr=lr)
    xs, ys = _line(stepper._path_line)
    np.testing.assert_array_equal(np.column_stack([xs, ys]), run.path)
    steps, gaps = _line(stepper._loss_line)
    np.testing.assert_array_equal(steps, np.arange(41))
    np.testing.assert_allclose(gaps, run.losses - LANDSCAPES[name]().min_value)
    assert stepper._ax_loss.get_yscale() == "log"
    assert stepper._ax_loss.get_title() == run.label


@pytest.mark.usefixtures("skip_rendering")
def test_buttons_step_run_reset(stepper):
    explorer = stepper
    explorer.set_values(landscape="double well", lr=0.05, steps=0)
    explorer.controls["step"].click()
    assert explorer.controls["steps"].value == 1
    explorer.controls["run"].click()
    assert explorer.controls["steps"].value == 1 + RUN_STEPS
    xs, _ = _line(explorer._path_line)
    assert len(xs) == 2 + RUN_STEPS
    explorer.controls["reset"].click()
    assert explorer.controls["steps"].value == 0
    assert len(_line(explorer._path_line)[0]) == 1


@pytest.mark.usefixtures("skip_rendering")
def test_pressing_step_equals_typing_the_count(stepper):
    explorer = stepper
    explorer.set_values(landscape="Rosenbrock", lr=1e-3, steps=0)
    for _ in range(5):
        explorer.controls["step"].click()
    pressed = _line(explorer._path_line)
    explorer.controls["reset"].click()
    explorer.controls["steps"].value = 5
    for a, b in zip(pressed, _line(explorer._path_line)):
        np.testing.assert_array_equal(a, b)
    assert len(pressed[0]) == 6


@pytest.mark.usefixtures("skip_rendering")
def test_run_stops_at_the_step_limit(stepper):
    explorer = stepper
    explorer.set_values(landscape="parabola", lr=0.01, steps=MAX_STEPS - 3)
    explorer.controls["run"].click()
    assert explorer.controls["steps"].value == MAX_STEPS
    assert explorer.controls["step"].disabled and explorer.controls["run"].disabled
    assert "Reset" in explorer.summary.value


@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("name, lr, steps, where", [
    ("parabola", 1.5, 25, "diverged at step 14"),
    ("double well", 0.3, 10, "diverged at step 3"),
    ("Rosenbrock", 0.01, 10, "diverged at step 3"),
])
def test_divergence_is_shown_and_the_path_before_it_kept(stepper, name, lr, steps, where):
    explorer = stepper
    explorer.set_values(landscape=name, lr=lr, steps=steps)
    assert explorer.error is None
    assert where in explorer.summary.value
    assert explorer._message.get_visible()
    assert explorer._message.get_text().replace("\n", " ").startswith(where)
    assert len(_line(explorer._path_cross)[0]) == 1
    assert len(_line(explorer._current)[0]) == 0
    step = int(where.rsplit(" ", 1)[1])
    assert len(_line(explorer._path_line)[0]) >= 2  # what came before is drawn
    np.testing.assert_array_equal(_line(explorer._loss_line)[0], np.arange(step + 1))
    assert explorer.controls["step"].disabled and explorer.controls["run"].disabled
    # A smaller rate clears the state.
    explorer.controls["lr"].value = 1e-3
    assert not explorer._message.get_visible()
    assert not explorer.controls["step"].disabled


@pytest.mark.usefixtures("skip_rendering")
def test_saddle_has_a_linear_loss_axis(stepper):
    stepper.set_values(landscape="Saddle", lr=0.1, steps=30)
    assert stepper._ax_loss.get_yscale() == "linear"
    assert "no minimum" in stepper._ax_loss.get_ylabel()
    np.testing.assert_allclose(_line(stepper._loss_line)[1],
                               trace("Saddle", SGD, 30, lr=0.1).losses)


@pytest.mark.parametrize("name", ALL_LANDSCAPES)
def test_every_landscape_at_the_slider_ends(stepper, name):
    explorer = stepper
    # Without a step the rate makes no difference: one setting covers both ends.
    for lr, steps in ((10.0, 0), (10.0, MAX_STEPS), (1e-4, MAX_STEPS)):
        explorer.set_values(landscape=name, lr=lr, steps=steps)
        assert explorer.error is None, (lr, steps)
        assert explorer.summary.value.startswith(name)
        assert len(_line(explorer._path_line)[0]) >= 1
        assert len(_line(explorer._loss_line)[0]) >= 1
        assert explorer._ax_path.get_visible() and explorer._ax_loss.get_visible()
        low, high = explorer._ax_loss.get_ylim()
        assert math.isfinite(low) and math.isfinite(high) and low < high


@pytest.mark.usefixtures("skip_rendering")
def test_switching_landscapes_redraws_the_background(stepper):
    explorer = stepper
    explorer.set_values(landscape="Rosenbrock", lr=1e-3, steps=10)
    assert explorer._ax_path.get_title() == "Rosenbrock"
    explorer.controls["landscape"].value = "parabola"
    assert explorer._ax_path.get_title() == "parabola"
    assert explorer._ax_path.get_aspect() == "auto"
    explorer.controls["landscape"].value = "Himmelblau"
    assert explorer._ax_path.get_title() == "Himmelblau"
    np.testing.assert_array_equal(
        np.column_stack(_line(explorer._path_line)),
        trace("Himmelblau", SGD, 10, lr=1e-3).path)


@pytest.mark.usefixtures("skip_rendering")
def test_same_settings_same_picture(stepper):
    # A fresh explorer draws what one that has been moved around draws.
    a = StepByStepExplorer("Basins", lr=0.05, steps=60)
    b = stepper
    b.set_values(landscape="Basins", lr=0.05, steps=60)
    for line_a, line_b in ((a._path_line, b._path_line), (a._loss_line, b._loss_line)):
        for x, y in zip(_line(line_a), _line(line_b)):
            np.testing.assert_array_equal(x, y)
    assert a.summary.value == b.summary.value


@pytest.mark.parametrize("kwargs, error, words", [
    ({"landscape": "banana"}, ValueError, "unknown landscape 'banana'"),
    ({"landscape": 3}, TypeError, "landscape must be a string"),
    ({"lr": 0.0}, ValueError, "lr must be between"),
    ({"lr": 20.0}, ValueError, "lr must be between"),
    ({"lr": "0.1"}, TypeError, "lr must be a number"),
    ({"steps": -1}, ValueError, "steps must be between 0 and 300"),
    ({"steps": 2.0}, TypeError, "steps must be an integer"),
])
def test_step_by_step_rejects_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        StepByStepExplorer(**kwargs)


@pytest.mark.usefixtures("skip_rendering")
def test_dropdown_labels_are_accepted():
    explorer = StepByStepExplorer("1-D: double well")
    assert explorer.controls["landscape"].value == "double well"
    assert explorer.controls["landscape"].label == "1-D: double well"


def test_the_learning_rates_are_round_numbers_shown_as_they_are(stepper):
    # Every slider value is the float of its literal, so the read-out, the panel's
    # title and the summary show one and the same number.
    assert list(LR_VALUES) == sorted(set(LR_VALUES))
    assert LR_VALUES[0] == 1e-4 and LR_VALUES[-1] == 10.0
    for value in (0.5, 1.0, 1.1, 0.3, 0.7, 0.09, 0.15, 0.2, 0.03, 0.002):
        assert value in LR_VALUES
    slider = stepper.controls["lr"]
    for lr in (0.11, 0.5, 1.1, 2e-4):
        stepper.set_values(landscape="parabola", lr=lr, steps=3)
        shown = slider.label
        assert shown == f"{lr:g}" and float(shown) == lr
        assert stepper._ax_loss.get_title() == f"SGD(lr={shown})"
        assert f"SGD(lr={shown}):" in stepper.summary.value


@pytest.mark.parametrize("lr, nearest", [(0.107, "0.1 and 0.11"), (0.45, "0.4 and 0.5")])
def test_a_rate_between_the_slider_values_is_refused(lr, nearest):
    with pytest.raises(ValueError, match=f"the nearest are {nearest}"):
        StepByStepExplorer(lr=lr)


def test_controls_in_two_rows_with_the_buttons_together(stepper):
    rows = [child for child in stepper.widget.children
            if hasattr(child, "children") and child.children]
    c = stepper.controls
    assert list(rows[0].children) == [c["landscape"], c["lr"]]
    assert list(rows[1].children) == [c["steps"], c["step"], c["run"], c["reset"]]


def _legend_entries(ax):
    legend = ax.get_legend()
    return {text.get_text(): handle for text, handle in
            zip(legend.get_texts(), legend.legend_handles)}


@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("name", ["parabola", "Rosenbrock"])
def test_labels_and_legend_say_what_is_drawn(stepper, name):
    stepper.set_values(landscape=name, lr=0.001, steps=5)
    ax = stepper._ax_path
    curve = name == "parabola"
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        ("θ", "L(θ)") if curve else (r"$\theta_1$", r"$\theta_2$"))
    entries = _legend_entries(ax)
    if curve:
        assert "loss L(θ) = θ²" in entries
    # The ring of the current point is in the legend, drawn as on the plot.
    ring = entries["current point"]
    current = stepper._current
    assert ring.get_marker() == current.get_marker() == "o"
    assert ring.get_markeredgecolor() == current.get_markeredgecolor()
    assert ring.get_markerfacecolor() == current.get_markerfacecolor() == "none"
    assert stepper._ax_path.title.get_fontsize() == stepper._ax_loss.title.get_fontsize()


@pytest.mark.usefixtures("skip_rendering")
def test_before_the_first_step_the_loss_panel_says_what_will_appear(stepper):
    stepper.set_values(landscape="double well", lr=0.05, steps=0)
    assert stepper._note.get_visible() and "Press Step or Run" in stepper._note.get_text()
    low, _ = stepper._ax_loss.get_xlim()
    assert low < 0  # the point at step 0 is not cut in half by the left spine
    stepper.controls["step"].click()
    assert not stepper._note.get_visible()
    stepper.controls["reset"].click()
    assert stepper._note.get_visible()


@pytest.mark.usefixtures("skip_rendering")
def test_a_run_that_lands_exactly_on_the_minimum_says_so(stepper):
    stepper.set_values(landscape="parabola", lr=0.5, steps=3)
    assert "exactly 0 from step 1" in stepper._note.get_text()
    assert stepper._note.get_visible() and not stepper._message.get_visible()
    assert "θ = 0" in stepper.summary.value


# The goals of chapters 00 and 01 and their answers, on the slider's values.
@pytest.mark.usefixtures("skip_rendering")
def test_chapter_00_goals(stepper):
    stepper.set_values(landscape="parabola", lr=0.5, steps=1)
    assert _line(stepper._path_line)[0][-1] == 0.0             # on the minimum at once
    stepper.set_values(lr=1.0, steps=6)
    np.testing.assert_array_equal(_line(stepper._path_line)[0], 4.0 * (-1.0) ** np.arange(7))
    stepper.set_values(lr=1.1, steps=25)
    np.testing.assert_allclose(_line(stepper._path_line)[0], 4.0 * (-1.2) ** np.arange(26))
    for _ in range(2):  # "press Run a few times"
        stepper.controls["run"].click()
    assert "diverged" in stepper.summary.value


def test_chapter_01_goals():
    # Goal 3: loss below 1e-6 within 10 steps: exactly the rates 0.3 ... 0.7.
    fast = [lr for lr in LR_VALUES
            if np.min(trace(Parabola(), SGD, 10, lr=lr).losses) < 1e-6]
    assert fast == [0.3, 0.4, 0.5, 0.6, 0.7]
    # Goal 4: from θ_0 = 2 on the double well, 0.09 ... 0.15 end in the left minimum,
    # smaller rates never cross the hump at 0 (they end in, or on the way to, the right one),
    # and from 0.2 on the run blows up.
    ends = {lr: trace(DoubleWell(), SGD, 100, lr=lr) for lr in LR_VALUES if lr <= 10}
    left = [lr for lr, run in ends.items()
            if not run.diverged and abs(run.path[-1, 0] + 1) < 1e-6]
    assert left == [0.09, 0.1, 0.11, 0.12, 0.15]
    assert all(np.all(run.path[:, 0] > 0) for lr, run in ends.items() if lr < 0.09)
    assert all(run.diverged for lr, run in ends.items() if lr >= 0.2)
    # Try next: Rosenbrock's loss below 0.3 within 300 steps for 0.003 ... 0.006; 0.007
    # blows up within a few steps.
    runs = {lr: trace("Rosenbrock", SGD, 300, lr=lr) for lr in LR_VALUES if lr <= 0.01}
    good = [lr for lr, run in runs.items() if not run.diverged and run.losses.min() < 0.3]
    assert good == [0.003, 0.004, 0.005, 0.006]
    assert runs[0.007].diverged and runs[0.007].steps_taken < 10


# ============================================================================ quadratic
class CountingQuadraticExplorer(QuadraticExplorer):
    """Counts the computations, to check that one click redraws once."""

    def __init__(self, **kwargs):
        self.computations = 0
        super().__init__(**kwargs)

    def _compute(self, **values):
        self.computations += 1
        return super()._compute(**values)


@pytest.fixture(scope="module")
def quadratic_explorer():
    """One explorer for the tests that set every control they rely on."""
    return CountingQuadraticExplorer()


@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("kappa, lr, momentum", [(10.0, 0.15, 0.0), (100.0, 0.01, 0.7),
                                                 (1000.0, 0.003, 0.9)])
def test_quadratic_path_error_and_marker(quadratic_explorer, kappa, lr, momentum):
    explorer = quadratic_explorer
    explorer.set_values(condition_number=kappa, lr=lr, momentum=momentum)
    run = trace(Quadratic(kappa), SGD, 200, lr=lr, momentum=momentum,
                label=f"lr {lr:.3g}, momentum μ {momentum:.2f}")
    np.testing.assert_array_equal(np.column_stack(_line(explorer._path_line)), run.path)
    steps, distance = _line(explorer._error_line)
    np.testing.assert_allclose(distance, np.hypot(*run.path.T))
    rate = heavy_ball_rate(lr, momentum, (1.0, kappa))
    np.testing.assert_allclose(_line(explorer._theory_line)[1][:3],
                               distance[0] * rate ** np.arange(3))
    assert _line(explorer._marker) == ([lr], [momentum])
    assert explorer._gd_limit.get_xdata()[0] == pytest.approx(2 / kappa)
    assert f"{rate:.3g} per step" in explorer.summary.value
    assert explorer.summary.value.startswith(run.summary())


@pytest.mark.usefixtures("skip_rendering")
def test_map_depends_only_on_the_condition_number(quadratic_explorer):
    explorer = quadratic_explorer
    explorer.set_values(condition_number=50.0, lr=0.15, momentum=0.0)
    expected = np.clip(steps_per_decade(heavy_ball_rate(MAP_LRS[None, :],
                                                        MAP_MOMENTA[:, None], (1.0, 50.0))),
                       *MAP_STEPS_RANGE)
    drawn = explorer._map.get_array()
    np.testing.assert_allclose(drawn.filled(np.nan), expected, equal_nan=True)
    assert np.isnan(expected).any() and np.isfinite(expected).any()
    explorer.controls["lr"].value = 0.01
    explorer.controls["momentum"].value = 0.5
    assert explorer._map.get_array() is drawn  # not recomputed
    explorer.controls["condition_number"].value = 200.0
    assert explorer._map.get_array() is not drawn
    assert explorer._gd_limit.get_xdata()[0] == pytest.approx(2 / 200.0)


@pytest.mark.usefixtures("skip_rendering")
@pytest.mark.parametrize("button, use_momentum", [("optimal", True), ("optimal_gd", False)])
def test_optimal_buttons(quadratic_explorer, button, use_momentum):
    explorer = quadratic_explorer
    explorer.set_values(condition_number=100.0, lr=1.0, momentum=0.2)
    before = explorer.computations
    explorer.controls[button].click()
    assert explorer.computations == before + 1  # both sliders moved, one redraw
    quadratic = Quadratic(100.0)
    lr, momentum = (quadratic.optimal_momentum() if use_momentum
                    else (quadratic.optimal_lr, 0.0))
    assert explorer.controls["lr"].value == pytest.approx(lr)
    assert explorer.controls["momentum"].value == pytest.approx(momentum)
    best = 9 / 11 if use_momentum else 99 / 101
    assert f"error × {best:.3g} per step" in explorer.summary.value
    # The summary's "best possible" is plain GD's while μ = 0, both once μ > 0.
    assert f"best possible without momentum {99 / 101:.3g}" in explorer.summary.value
    assert (f"with momentum {9 / 11:.3g}" in explorer.summary.value) is use_momentum


@pytest.mark.usefixtures("skip_rendering")
def test_quadratic_condition_numbers_the_goals_name_are_on_the_slider(quadratic_explorer):
    options = quadratic_explorer.controls["condition_number"].options
    values = [value for _, value in options]
    assert {1.0, 10.0, 50.0, 100.0, 1000.0} <= set(values) and values == sorted(values)
    quadratic_explorer.controls["condition_number"].value = 50.0
    assert "κ = 50:" in quadratic_explorer.summary.value
    assert QuadraticExplorer(condition_number=7.5).controls["condition_number"].value == 7.5


@pytest.mark.usefixtures("skip_rendering")
def test_quadratic_summary_rounds_as_the_read_outs(quadratic_explorer):
    explorer = quadratic_explorer
    explorer.set_values(condition_number=10.0, lr=0.0537032, momentum=0.0)
    assert explorer.summary.value.startswith("lr 0.0537, momentum μ 0.00:")
    assert explorer._ax_error.get_title() == "lr = 0.0537, μ = 0.00"
    for artist in (explorer._marker, explorer._optimum, explorer._optimum_gd):
        assert not artist.get_clip_on()  # at μ = 0 they sit on the edge


@pytest.mark.usefixtures("skip_rendering")
def test_quadratic_divergence_message(quadratic_explorer):
    explorer = quadratic_explorer
    explorer.set_values(condition_number=10.0, lr=0.25, momentum=0.0)
    assert explorer.error is None
    assert "diverged at step 24" in explorer.summary.value
    assert "diverges" in explorer.summary.value
    assert explorer._message.get_visible()
    assert len(_line(explorer._error_cross)[0]) == 1
    assert len(_line(explorer._path_line)[0]) >= 2
    explorer.controls["lr"].value = 0.1
    assert not explorer._message.get_visible()


@pytest.mark.parametrize("kappa", [1.0, 1000.0])
def test_quadratic_slider_ends(quadratic_explorer, kappa):
    explorer = quadratic_explorer
    for lr in (1e-4, 10.0):
        for momentum in (0.0, 0.99):
            explorer.set_values(condition_number=kappa, lr=lr, momentum=momentum)
            assert explorer.error is None, (lr, momentum)
            assert len(_line(explorer._path_line)[0]) >= 1
            low, high = explorer._ax_error.get_ylim()
            assert math.isfinite(low) and math.isfinite(high) and 0 < low < high
            assert "per step" in explorer.summary.value


@pytest.mark.usefixtures("skip_rendering")
def test_quadratic_same_settings_same_picture(quadratic_explorer):
    a = QuadraticExplorer(condition_number=30.0, lr=0.05, momentum=0.6)
    b = quadratic_explorer
    b.set_values(condition_number=30.0, lr=0.05, momentum=0.6)
    for x, y in zip(_line(a._path_line), _line(b._path_line)):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"condition_number": 0.5}, ValueError, "condition_number must be between 1"),
    ({"condition_number": 5000.0}, ValueError, "condition_number must be between"),
    ({"lr": 0.0}, ValueError, "lr must be between"),
    ({"momentum": 1.0}, ValueError, "momentum must be between 0 and 0.99"),
    ({"momentum": None}, TypeError, "momentum must be a number"),
])
def test_quadratic_rejects_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        QuadraticExplorer(**kwargs)


# ---------------------------------------------------------------- blitting
@pytest.mark.parametrize("fixture, values, lr", [
    ("stepper", {"landscape": "double well", "lr": 0.01, "steps": 20}, 0.03),
    ("stepper", {"landscape": "Rosenbrock", "lr": 1e-3, "steps": 20}, 2e-3),
    ("quadratic_explorer", {"condition_number": 10.0, "lr": 0.05, "momentum": 0.0}, 0.1),
])
def test_a_learning_rate_change_is_blitted_and_changes_the_picture(request, fixture,
                                                                   values, lr):
    explorer = request.getfixturevalue(fixture)
    explorer.set_values(**values)
    background, png = explorer._background, explorer.image.value
    explorer.controls["lr"].value = lr
    assert explorer.error is None
    assert explorer._background is background  # the static raster was kept
    assert explorer.image.value != png
