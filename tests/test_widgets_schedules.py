"""Tests of the schedule composer and the plateau explorer (no browser: Agg backend)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.functions import Quadratic, trace  # noqa: E402
from gdcourse.optim import SGD  # noqa: E402
from gdcourse.optim.lr_scheduler import (CosineAnnealingLR, LinearLR,  # noqa: E402
                                         SequentialLR, exponential_decay, lr_curve)
from gdcourse.widgets.schedules import (SCHEDULE_DEFAULTS, SCHEDULES,  # noqa: E402
                                        WARMUP_START_FACTOR, PlateauExplorer,
                                        ScheduleExplorer, build_schedule,
                                        noisy_validation_curve, run_plateau)


# ---------------------------------------------------------------- composer
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


def test_keras_option_is_the_articles_exponential_decay():
    explorer = ScheduleExplorer(schedule="keras", warmup=0, steps=60, lr=0.1,
                                decay_steps=20, decay_rate=0.5, staircase=True)
    expected = exponential_decay(np.arange(60), 0.1, 20, 0.5, staircase=True)
    np.testing.assert_allclose(explorer._curve.get_ydata(), expected)


@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_every_schedule_at_the_extremes(schedule):
    explorer = ScheduleExplorer(schedule=schedule)
    for warmup, steps in [(0, 50), (100, 50), (0, 300), (100, 300)]:
        explorer.controls["warmup"].value = warmup
        explorer.controls["steps"].value = steps
        assert explorer.error is None, (warmup, steps)
        curve = explorer._curve.get_ydata()
        assert len(curve) == steps and np.all(np.isfinite(curve))
        if warmup >= steps:  # the schedule never starts: a pure warm-up
            assert curve[-1] < explorer.controls["lr"].value


@pytest.mark.parametrize("name", [n for n in SCHEDULE_DEFAULTS
                                  if n not in ("cyclic_mode", "anneal_strategy",
                                               "staircase", "milestones")])
def test_schedule_parameter_slider_ends(name):
    schedule = next(key for key, (_, used) in SCHEDULES.items() if name in used)
    explorer = ScheduleExplorer(schedule=schedule)
    control = explorer.controls[name]
    for value in (control.min, control.max):
        control.value = value if not hasattr(control, "base") else control.base ** value
        assert explorer.error is None, (name, value)


@pytest.mark.parametrize("name, options", [("cyclic_mode", ("triangular", "triangular2",
                                                            "exp_range")),
                                           ("anneal_strategy", ("cos", "linear"))])
def test_schedule_dropdown_options(name, options):
    schedule = next(key for key, (_, used) in SCHEDULES.items() if name in used)
    explorer = ScheduleExplorer(schedule=schedule)
    for option in options:
        explorer.controls[name].value = option
        assert explorer.error is None


def test_only_relevant_controls_are_shown():
    explorer = ScheduleExplorer(schedule="step")
    shown = {n for n in SCHEDULE_DEFAULTS if explorer.controls[n].layout.display != "none"}
    assert shown == {"step_size", "gamma"}
    explorer.controls["schedule"].value = "onecycle"
    shown = {n for n in SCHEDULE_DEFAULTS if explorer.controls[n].layout.display != "none"}
    assert shown == set(SCHEDULES["onecycle"][1])


def test_schedule_divergence_is_a_message():
    explorer = ScheduleExplorer(schedule="constant", lr=1.0, warmup=0)
    assert explorer.error is None
    assert "diverged at step" in explorer.summary.value
    assert explorer._loss_ends["fixed"].get_visible()


def test_schedule_same_seed_same_lines():
    a, b = ScheduleExplorer(noise=1.0, seed=1), ScheduleExplorer(noise=1.0, seed=1)
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
def test_noisy_validation_curve():
    clean = noisy_validation_curve(50, 0.0, np.random.default_rng(0))
    e = np.arange(1, 51)
    np.testing.assert_allclose(clean, 0.2 + 0.8 * np.exp(-e / 15.0))
    a = noisy_validation_curve(50, 0.1, np.random.default_rng(7))
    b = noisy_validation_curve(50, 0.1, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert np.all(a > 0) and not np.allclose(a, clean)


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"noise": -0.1},
                                    {"floor": 2.0}, {"decay_epochs": 0}])
def test_noisy_validation_curve_bad_input(kwargs):
    args = {"epochs": 10, "noise": 0.0, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(ValueError):
        noisy_validation_curve(**args)


# Hand-worked with PyTorch's rule: an epoch is bad unless it beats the best (here by
# any amount: threshold 0); the rate drops when the bad epochs *after the best* exceed
# `patience`; then `cooldown` epochs are not counted.
METRICS = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.95, 0.96, 0.97]


@pytest.mark.parametrize("patience, cooldown, drops, cooling", [
    # best 0.9 at epoch 2; bad epochs 3, 4, 5 -> 3 > 2 at epoch 5; then 6, 7, 8 -> 8
    (2, 0, (5, 8), ()),
    # cooldown 2: epochs 6 and 7 do not count; bad epochs 8, 9, 10 -> drop at 10
    (2, 2, (5, 10), (6, 7)),
    # patience 0: every bad epoch drops the rate (3, 4, ...), cooldown 1 skips one
    (0, 1, (3, 5, 7, 9), (4, 6, 8, 10)),
    (8, 0, (), ()),  # only 8 bad epochs after the best
])
def test_run_plateau_hand_worked(patience, cooldown, drops, cooling):
    record = run_plateau(METRICS, lr=1.0, patience=patience, cooldown=cooldown,
                         factor=0.5, threshold=0.0)
    assert record.drops == drops
    assert tuple(np.flatnonzero(record.in_cooldown) + 1) == cooling
    assert record.final_lr == 0.5 ** len(drops)
    # The rate of the epoch after a drop is the reduced one.
    for epoch in drops:
        if epoch < len(METRICS):
            assert record.lrs[epoch] == record.lrs[epoch - 1] * 0.5
    np.testing.assert_allclose(record.best[1:], 0.9)


@pytest.mark.parametrize("patience, cooldown, threshold, mode", [
    (3, 0, 1e-4, "rel"), (5, 4, 1e-2, "rel"), (0, 2, 1e-3, "abs"), (10, 1, 0.05, "abs")])
def test_run_plateau_matches_torch(patience, cooldown, threshold, mode):
    torch = pytest.importorskip("torch")
    metrics = noisy_validation_curve(120, 0.05, np.random.default_rng(patience))
    kwargs = {"patience": patience, "cooldown": cooldown, "threshold": threshold,
              "threshold_mode": mode, "factor": 0.5, "min_lr": 1e-3}
    record = run_plateau(metrics, lr=0.1, **kwargs)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    torch_lrs = []
    for metric in metrics:
        torch_lrs.append(opt.param_groups[0]["lr"])
        sched.step(float(metric))
    np.testing.assert_allclose(record.lrs, torch_lrs)


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
def test_plateau_slider_ends(name):
    explorer = PlateauExplorer()
    control = explorer.controls[name]
    for value in (control.min, control.max):
        control.value = value if not hasattr(control, "base") else control.base ** value
        assert explorer.error is None
        assert explorer.summary.value.startswith("rate")
    explorer.controls["threshold_mode"].value = "abs"
    assert explorer.error is None


def test_plateau_never_reduced_message():
    explorer = PlateauExplorer(patience=30, noise=0.0)
    assert explorer.summary.value == "rate never reduced; final 1.0e-01"


@pytest.mark.parametrize("kwargs", [{"patience": -1}, {"factor": 1.0},
                                    {"threshold_mode": "relative"}, {"min_lr": 0.5}])
def test_plateau_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        PlateauExplorer(**kwargs)


# ---------------------------------------------------------------- blitting
@pytest.mark.parametrize("make, name, value", [
    (lambda: ScheduleExplorer(lr=0.05), "lr", 0.06),
    (lambda: PlateauExplorer(patience=5), "patience", 6),
    (lambda: PlateauExplorer(factor=0.5), "factor", 0.4),
])
def test_an_ordinary_change_is_blitted_and_changes_the_picture(make, name, value):
    explorer = make()
    background, png = explorer._background, explorer.image.value
    explorer.controls[name].value = value
    assert explorer.error is None
    assert explorer._background is background  # the static raster was kept
    assert explorer.image.value != png


@pytest.mark.parametrize("make, name, value", [
    (lambda: ScheduleExplorer(lr=0.05), "lr", 0.06),
    (lambda: PlateauExplorer(patience=5), "patience", 6),
])
def test_after_a_message_the_panel_comes_back_without_it(make, name, value):
    explorer = make()
    explorer._show_message("a message")  # what an exception in an update shows
    explorer.controls[name].value = value
    assert explorer.error is None
    assert not any("a message" in t.get_text() for ax in explorer.fig.axes
                   for t in ax.texts)
    assert explorer._title.get_text() and explorer._title.axes is not None
