"""Tests of the schedule composer and the plateau explorer (no browser: Agg backend)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.functions import Quadratic, trace  # noqa: E402
from gdcourse.optim import SGD  # noqa: E402
from gdcourse.optim.lr_scheduler import (CosineAnnealingLR, LinearLR,  # noqa: E402
                                         SequentialLR, exponential_decay, lr_curve)
from gdcourse.plateau import noisy_validation_curve, run_plateau  # noqa: E402
from gdcourse.widgets.schedules import (SCHEDULE_DEFAULTS, SCHEDULES,  # noqa: E402
                                        WARMUP_START_FACTOR, PlateauExplorer,
                                        ScheduleExplorer, build_schedule)


# The explorers' default settings, to start a test on a shared explorer from.
COMPOSER_DEFAULTS = {"schedule": "cosine", "lr": 0.05, "warmup": 10, "steps": 200,
                     "landscape": "quadratic", "noise": 0.5, **SCHEDULE_DEFAULTS}
PLATEAU_DEFAULTS = {"patience": 5, "factor": 0.5, "threshold": 1e-4,
                    "threshold_mode": "rel", "cooldown": 0, "min_lr": 1e-4, "noise": 0.03}
DEFAULTS = {"composer": COMPOSER_DEFAULTS, "plateau": PLATEAU_DEFAULTS}


@pytest.fixture(scope="module")
def composer():
    """One composer for the tests that set every control they rely on."""
    return ScheduleExplorer()


@pytest.fixture(scope="module")
def plateau():
    """One plateau explorer for the tests that set every control they rely on."""
    return PlateauExplorer()


# ---------------------------------------------------------------- composer
@pytest.mark.usefixtures("skip_rendering")
def test_schedule_curve_and_runs_match_the_engine():
    explorer = ScheduleExplorer(schedule="cosine", lr=0.05, warmup=10, steps=100, noise=0.0)
    assert explorer.error is None

    def make(opt):
        return SequentialLR(opt, [LinearLR(opt, start_factor=WARMUP_START_FACTOR,
                                           total_iters=10),
                                  CosineAnnealingLR(opt, T_max=90)], milestones=[10])

    expected = lr_curve(make, 100, lr=0.05)
    np.testing.assert_allclose(explorer._curve.get_ydata(), expected)
    run = trace(Quadratic(25.0), SGD, 100, lr=0.05, momentum=0.9, scheduler=make)
    np.testing.assert_allclose(run.lrs, expected)  # the run used the drawn rates
    np.testing.assert_allclose(explorer._loss_lines["schedule"].get_ydata(), run.losses)
    fixed = trace(Quadratic(25.0), SGD, 100, lr=0.05, momentum=0.9)
    np.testing.assert_allclose(explorer._loss_lines["fixed"].get_ydata(), fixed.losses)
    assert "warm-up 10 → cosine" in explorer.summary.value
    assert explorer._warmup_span.get_visible()


@pytest.mark.usefixtures("skip_rendering")
def test_keras_option_is_the_articles_exponential_decay(composer):
    explorer = composer
    explorer.set_values(**{**COMPOSER_DEFAULTS, "schedule": "keras", "warmup": 0,
                              "steps": 60, "lr": 0.1, "decay_steps": 20,
                              "decay_rate": 0.5, "staircase": True})
    expected = exponential_decay(np.arange(60), 0.1, 20, 0.5, staircase=True)
    np.testing.assert_allclose(explorer._curve.get_ydata(), expected)


@pytest.mark.parametrize("warmup, steps", [(0, 50), (100, 50), (0, 300), (100, 300)])
def test_every_schedule_at_the_extremes(composer, warmup, steps):
    explorer = composer
    for schedule in SCHEDULES:
        explorer.set_values(**{**COMPOSER_DEFAULTS, "schedule": schedule,
                                  "warmup": warmup, "steps": steps})
        assert explorer.error is None, schedule
        curve = explorer._curve.get_ydata()
        assert len(curve) == steps and np.all(np.isfinite(curve))
        if warmup >= steps:  # the schedule never starts: a pure warm-up
            assert curve[-1] < explorer.controls["lr"].value


@pytest.mark.parametrize("name", [n for n in SCHEDULE_DEFAULTS
                                  if n not in ("cyclic_mode", "anneal_strategy",
                                               "staircase", "milestones")])
def test_schedule_parameter_slider_ends(composer, name):
    schedule = next(key for key, (_, used) in SCHEDULES.items() if name in used)
    explorer = composer
    explorer.set_values(**{**COMPOSER_DEFAULTS, "schedule": schedule})
    control = explorer.controls[name]
    for value in (control.min, control.max):
        control.value = value if not hasattr(control, "base") else control.base ** value
        assert explorer.error is None, (name, value)
        assert len(explorer._curve.get_ydata()) == 200


@pytest.mark.parametrize("name, options", [("cyclic_mode", ("triangular", "triangular2",
                                                            "exp_range")),
                                           ("anneal_strategy", ("cos", "linear"))])
def test_schedule_dropdown_options(composer, name, options):
    schedule = next(key for key, (_, used) in SCHEDULES.items() if name in used)
    explorer = composer
    explorer.set_values(**{**COMPOSER_DEFAULTS, "schedule": schedule})
    curves = []
    for option in options:
        explorer.controls[name].value = option
        assert explorer.error is None
        curves.append(explorer._curve.get_ydata().copy())
    assert not np.array_equal(curves[0], curves[1])  # the option changed the schedule


@pytest.mark.usefixtures("skip_rendering")
def test_only_relevant_controls_are_shown(composer):
    explorer = composer
    explorer.controls["schedule"].value = "step"
    shown = {n for n in SCHEDULE_DEFAULTS if explorer.controls[n].layout.display != "none"}
    assert shown == {"step_size", "gamma"}
    explorer.controls["schedule"].value = "onecycle"
    shown = {n for n in SCHEDULE_DEFAULTS if explorer.controls[n].layout.display != "none"}
    assert shown == set(SCHEDULES["onecycle"][1])


@pytest.mark.usefixtures("skip_rendering")
def test_schedule_divergence_is_a_message(composer):
    explorer = composer
    explorer.set_values(**{**COMPOSER_DEFAULTS, "schedule": "constant", "lr": 1.0,
                              "warmup": 0})
    assert explorer.error is None
    assert "diverged at step" in explorer.summary.value
    assert explorer._loss_ends["fixed"].get_visible()


@pytest.mark.usefixtures("skip_rendering")
def test_schedule_same_seed_same_lines(composer):
    # A fresh composer and the shared one (both seed 0), set alike, see the same noise.
    a, b = ScheduleExplorer(noise=1.0), composer
    b.set_values(**a.values())
    np.testing.assert_array_equal(a._loss_lines["schedule"].get_ydata(),
                                  b._loss_lines["schedule"].get_ydata())


def test_build_schedule_rejects_unknown_schedule():
    with pytest.raises(ValueError, match="schedule must be one of"):
        build_schedule(SGD([np.zeros(1)], lr=0.1), "linear", warmup=0, steps=10)


@pytest.mark.parametrize("kwargs, error", [({"schedule": "poly"}, ValueError),
                                           ({"lr": 5.0}, ValueError),
                                           ({"warmup": 1.5}, TypeError),
                                           ({"T_zero": 3}, TypeError)])
def test_schedule_bad_arguments(kwargs, error):
    with pytest.raises(error):
        ScheduleExplorer(**kwargs)


# ---------------------------------------------------------------- plateau
@pytest.mark.usefixtures("skip_rendering")
def test_plateau_explorer_draws_the_record():
    explorer = PlateauExplorer(patience=3, cooldown=2, noise=0.05, seed=2)
    assert explorer.error is None
    metrics = noisy_validation_curve(100, 0.05, np.random.default_rng(2))
    record = run_plateau(metrics, lr=0.1, patience=3, factor=0.5, threshold=1e-4,
                         threshold_mode="rel", cooldown=2, min_lr=1e-4)
    np.testing.assert_allclose(explorer._metric_line.get_ydata(), metrics)
    np.testing.assert_allclose(explorer._best_line.get_ydata(), record.best)
    np.testing.assert_allclose(explorer._lr_line.get_ydata()[:-1], record.lrs)
    assert record.drops
    text = f"rate reduced at epochs {', '.join(map(str, record.drops))}; " \
           f"final {record.final_lr:.1e}"
    assert explorer.summary.value == text
    assert explorer._metric_ax.get_title() == text
    labels = [t.get_text() for t in explorer._metric_ax.get_legend().get_texts()]
    assert "rate reduced" in labels and "cooldown" in labels


@pytest.mark.parametrize("name", ["patience", "factor", "threshold", "cooldown", "min_lr",
                                  "noise"])
def test_plateau_slider_ends(plateau, name):
    explorer = plateau
    explorer.set_values(**PLATEAU_DEFAULTS)
    control = explorer.controls[name]
    for value in (control.min, control.max):
        control.value = value if not hasattr(control, "base") else control.base ** value
        assert explorer.error is None
        assert explorer.summary.value.startswith("rate")
    explorer.controls["threshold_mode"].value = "abs"
    assert explorer.error is None


@pytest.mark.usefixtures("skip_rendering")
def test_plateau_never_reduced_message(plateau):
    explorer = plateau
    explorer.set_values(**{**PLATEAU_DEFAULTS, "patience": 30, "noise": 0.0})
    assert explorer.summary.value == "rate never reduced; final 1.0e-01"


@pytest.mark.parametrize("kwargs", [{"patience": -1}, {"factor": 1.0},
                                    {"threshold_mode": "relative"}, {"min_lr": 0.5}])
def test_plateau_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        PlateauExplorer(**kwargs)


# ---------------------------------------------------------------- blitting
@pytest.mark.parametrize("fixture, name, value", [
    ("composer", "lr", 0.06), ("plateau", "patience", 6), ("plateau", "factor", 0.4)])
def test_an_ordinary_change_is_blitted_and_changes_the_picture(request, fixture, name,
                                                               value):
    explorer = request.getfixturevalue(fixture)
    explorer.set_values(**DEFAULTS[fixture])
    background, png = explorer._background, explorer.image.value
    explorer.controls[name].value = value
    assert explorer.error is None
    assert explorer._background is background  # the static raster was kept
    assert explorer.image.value != png


@pytest.mark.parametrize("fixture, name, value", [("composer", "lr", 0.06),
                                                  ("plateau", "patience", 6)])
def test_after_a_message_the_panel_comes_back_without_it(request, fixture, name, value):
    explorer = request.getfixturevalue(fixture)
    explorer.set_values(**DEFAULTS[fixture])
    explorer._show_message("a message")  # what an exception in an update shows
    explorer.controls[name].value = value
    assert explorer.error is None
    assert not any("a message" in t.get_text() for ax in explorer.fig.axes
                   for t in ax.texts)
    assert explorer._title.get_text() and explorer._title.axes is not None
    assert explorer._title in explorer._animated  # the new title moves with updates
    assert all(ax.get_visible() for ax in explorer.fig.axes)
