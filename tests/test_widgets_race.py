"""Tests of the optimizer race and the clipping lab (no browser: Agg backend)."""

import html
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.geometry import turn_angle_degrees  # noqa: E402
from gdcourse.landscapes import Cliff  # noqa: E402
from gdcourse.trajectories import trace  # noqa: E402
from gdcourse.optim import SGD, clip_grad_value_  # noqa: E402
from gdcourse.widgets.clipping import ClippingExplorer  # noqa: E402
from gdcourse.plots import OPTIMIZER_COLORS  # noqa: E402
from gdcourse.widgets.race import (BETA2_CHOICES, DEFAULT_LRS,  # noqa: E402
                                   HYPER_PARAMETERS, RACE_LANDSCAPES, RACE_OPTIMIZERS,
                                   OptimizerRaceExplorer, lr_notch)


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
        run = trace(landscape, cls, 50, lr=lr_notch(DEFAULT_LRS["quadratic"][name]), **fixed)
        x, y = explorer._path_lines[name].get_data()
        np.testing.assert_allclose(np.column_stack([x, y]), run.path)
        np.testing.assert_allclose(explorer._loss_lines[name].get_ydata(), run.losses)
        assert f"{name}: loss {run.final_loss:.1e} after 50 steps" in explorer.summary.value
    assert not explorer._path_lines["momentum"].get_visible()


@pytest.mark.parametrize("landscape", list(RACE_LANDSCAPES))
def test_race_extremes_never_error(racer, landscape):
    explorer = racer
    for (steps, lr), low in [((10, 1e-5), True), ((300, 10.0), False)]:
        hyper = {}
        for name, prefixes in HYPER_PARAMETERS.items():
            for prefix in prefixes:
                if prefix in ("mu", "beta1"):
                    hyper[f"{prefix}_{name}"] = 0.0 if low else 0.99
                else:
                    hyper[f"{prefix}_{name}"] = BETA2_CHOICES[0 if low else -1]
        explorer.set_values(landscape=landscape, steps=steps, noise=5.0,
                     **{f"use_{name}": True for name in RACE_OPTIMIZERS},
                     **{f"lr_{name}": lr for name in RACE_OPTIMIZERS}, **hyper)
        assert explorer.error is None, (steps, lr)
        assert explorer.summary.value.count(":") >= len(RACE_OPTIMIZERS)
        assert all(len(line.get_xdata()) >= 1 for line in explorer._path_lines.values())


@pytest.mark.usefixtures("skip_rendering")
def test_race_divergence_is_reported_and_drawn():
    explorer = OptimizerRaceExplorer(landscape="rosenbrock", optimizers=("SGD",),
                                     lrs={"SGD": 1.0})
    assert "SGD: diverged at step" in explorer.summary.value
    assert explorer._path_ends["SGD"].get_visible()
    assert "diverged at step" in explorer._legend.get_texts()[0].get_text()


@pytest.mark.usefixtures("skip_rendering")
def test_race_landscape_change_resets_rates_and_redraws_once():
    explorer = OptimizerRaceExplorer(landscape="quadratic", lrs={"Adam": 0.5})
    assert explorer.controls["lr_Adam"].value == 10 ** (-6 / 20)    # the notch 0.501
    explorer.controls["landscape"].value = "beale"
    assert explorer.controls["lr_Adam"].value == lr_notch(DEFAULT_LRS["beale"]["Adam"])
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
    ({"settings": {"SGD": {"momentum": 0.9}}}, ValueError),
    ({"settings": {"momentum": {"momentum": 1.2}}}, ValueError),
    ({"settings": {"momentum": {"dampening": 0.1}}}, ValueError),
    ({"settings": {"Adam": {"betas": (0.9, 0.97)}}}, ValueError),
    ({"settings": {"Adam": {"betas": 0.9}}}, TypeError),
    ({"settings": {"RMSprop": 0.9}}, TypeError),
])
def test_race_bad_arguments(kwargs, error):
    with pytest.raises(error):
        OptimizerRaceExplorer(**kwargs)


@pytest.mark.usefixtures("skip_rendering")
def test_race_hyper_parameters_on_sliders_reach_the_optimizers():
    explorer = OptimizerRaceExplorer(
        landscape="quadratic", optimizers=("momentum", "Nesterov", "RMSprop", "Adam"),
        steps=40, settings={"momentum": {"momentum": 0.44}, "Adam": {"betas": (0.5, 0.99)}})
    assert explorer.controls["mu_momentum"].value == 0.44
    explorer.set_values(mu_Nesterov=0.67, alpha_RMSprop=0.9)
    landscape = RACE_LANDSCAPES["quadratic"][1]()
    lrs = {name: lr_notch(lr) for name, lr in DEFAULT_LRS["quadratic"].items()}
    expected = {
        "momentum": trace(landscape, SGD, 40, lr=lrs["momentum"], momentum=0.44),
        "Nesterov": trace(landscape, SGD, 40, lr=lrs["Nesterov"], momentum=0.67,
                          nesterov=True),
        "RMSprop": trace(landscape, RACE_OPTIMIZERS["RMSprop"][0], 40, lr=lrs["RMSprop"],
                         alpha=0.9),
        "Adam": trace(landscape, RACE_OPTIMIZERS["Adam"][0], 40, lr=lrs["Adam"],
                      betas=(0.5, 0.99)),
    }
    for name, run in expected.items():
        np.testing.assert_allclose(explorer._path_lines[name].get_xydata(), run.path)


@pytest.mark.usefixtures("skip_rendering")
def test_race_nesterov_without_momentum_is_plain_sgd():
    explorer = OptimizerRaceExplorer(landscape="quadratic", optimizers=("SGD", "Nesterov"),
                                     lrs={"Nesterov": DEFAULT_LRS["quadratic"]["SGD"]},
                                     settings={"Nesterov": {"momentum": 0.0}})
    assert explorer.error is None
    np.testing.assert_array_equal(explorer._path_lines["Nesterov"].get_xydata(),
                                  explorer._path_lines["SGD"].get_xydata())


@pytest.mark.usefixtures("skip_rendering")
def test_race_unticked_optimizers_sliders_are_disabled():
    explorer = OptimizerRaceExplorer(optimizers=("SGD", "Adam"))
    for name in RACE_OPTIMIZERS:
        sliders = [explorer.controls[f"{prefix}_{name}"]
                   for prefix in ("lr", *HYPER_PARAMETERS.get(name, ()))]
        assert all(s.disabled == (name not in ("SGD", "Adam")) for s in sliders), name
    explorer.controls["use_momentum"].value = True
    assert not explorer.controls["lr_momentum"].disabled
    assert not explorer.controls["mu_momentum"].disabled
    explorer.controls["use_Adam"].value = False
    assert explorer.controls["beta1_Adam"].disabled and explorer.controls["beta2_Adam"].disabled


@pytest.mark.usefixtures("skip_rendering")
def test_race_check_boxes_and_legend_use_the_same_names():
    explorer = OptimizerRaceExplorer(landscape="beale",
                                     optimizers=tuple(RACE_OPTIMIZERS))
    boxes = [explorer.controls[f"use_{name}"].description for name in RACE_OPTIMIZERS]
    assert boxes == list(RACE_OPTIMIZERS)
    legend = [text.get_text() for text in explorer._legend.get_texts()]
    assert legend[:len(boxes)] == boxes
    assert all(text.get_fontsize() >= 9 for text in explorer._legend.get_texts())
    # Momentum and Nesterov: different Okabe-Ito hues and line styles, not two blues.
    mom, nes = explorer._loss_lines["momentum"], explorer._loss_lines["Nesterov"]
    assert OPTIMIZER_COLORS["momentum"] != OPTIMIZER_COLORS["Nesterov"]
    assert mom.get_color() == OPTIMIZER_COLORS["momentum"]
    assert nes.get_color() == OPTIMIZER_COLORS["Nesterov"] == "#009E73"
    assert mom.get_linestyle() != nes.get_linestyle()


@pytest.mark.usefixtures("skip_rendering")
def test_race_quadratic_view_holds_the_paths():
    explorer = OptimizerRaceExplorer(landscape="quadratic")
    assert explorer._path_ax.get_ylim() == (-3.0, 3.0)
    assert explorer._path_ax.get_xlim() == (-5.0, 5.0)


@pytest.mark.usefixtures("skip_rendering")
def test_race_saddle_summary_gives_the_escape_step():
    explorer = OptimizerRaceExplorer(landscape="saddle", optimizers=("SGD", "Adam"))
    for name in ("SGD", "Adam"):
        path = explorer._path_lines[name].get_xydata()
        first = int(np.flatnonzero(np.abs(path[:, 1]) >= 1)[0])
        assert f"{name}: |y| ≥ 1 at step {first}, loss" in html.unescape(
            explorer.summary.value)


def _summary_numbers(explorer):
    """name -> the text after 'name: ' in the summary."""
    parts = html.unescape(explorer.summary.value).split("; ")
    return dict(part.split(": ", 1) for part in parts)


@pytest.mark.usefixtures("skip_rendering")
def test_chapter_05_goal_answers_hold():
    """The answers in the <details> of chapter 05's race goals, replayed."""
    start = dict(landscape="quadratic", optimizers=("SGD", "momentum", "Nesterov", "Adam"))
    race = OptimizerRaceExplorer(**start)
    # Goal 1: SGD at the notches around 1/13, and one higher.
    for k, text in [(-23, "loss 2.2e-09"), (-22, "loss 3.9e-01"), (-21, "diverged")]:
        race.set_values(lr_SGD=10 ** (k / 20))
        assert _summary_numbers(race)["SGD"].startswith(text), k
    # Goal 2: tuned heavy ball against tuned Nesterov, 60 steps; then other momenta.
    race.set_values(steps=60, lr_momentum=10 ** (-19 / 20), mu_momentum=0.46,
                    lr_Nesterov=10 ** (-28 / 20), mu_Nesterov=0.67)
    found = _summary_numbers(race)
    assert found["momentum"] == "loss 2.8e-17 after 60 steps"
    assert found["Nesterov"] == "loss 8.2e-10 after 60 steps"
    for mu, text in [(0.45, "loss 4.2e-11"), (0.44, "loss 5.8e-07"), (0.9, "loss 1.3e-01")]:
        race.set_values(mu_momentum=mu)
        assert _summary_numbers(race)["momentum"].startswith(text), mu
    race.set_values(lr_Nesterov=10 ** (-26 / 20), mu_Nesterov=0.63)   # the quadratic tuning
    assert _summary_numbers(race)["Nesterov"] == "loss 2.9e-10 after 60 steps"
    # Goal 3: Adam on Rosenbrock.
    race = OptimizerRaceExplorer(landscape="rosenbrock", optimizers=("Adam",))
    for k in range(-7, 2):        # the notches 10**-0.35 = 0.447 ... 10**0.05 = 1.12
        race.set_values(lr_Adam=10 ** (0.05 * k))
        assert float(_summary_numbers(race)["Adam"].split()[1]) < 0.1, k
    race.set_values(lr_Adam=10**-0.4)              # the notch below 0.447 does not
    assert _summary_numbers(race)["Adam"].startswith("loss 1.2e-01")
    race.set_values(lr_Adam=10**-0.1)
    for beta1, text in [(0.0, "loss 3.7e+01"), (0.9, "loss 3.2e-02"), (0.99, "loss 7.9e+00")]:
        race.set_values(beta1_Adam=beta1)
        assert _summary_numbers(race)["Adam"].startswith(text), beta1
    race.set_values(beta1_Adam=0.9)
    losses = {}
    for beta2 in BETA2_CHOICES:
        race.set_values(beta2_Adam=beta2)
        losses[beta2] = _summary_numbers(race)["Adam"].split()[1]
    assert losses == {0.9: "9.4e-02", 0.95: "3.5e-01", 0.99: "2.4e-02", 0.995: "2.9e-02",
                      0.999: "3.2e-02", 0.9999: "3.3e-02"}
    assert f"{RACE_LANDSCAPES['rosenbrock'][1]().value((-1.2, 1.0)):.1f}" == "24.2"  # the start
    # Goal 4: AdaGrad against RMSprop on Rosenbrock.
    race = OptimizerRaceExplorer(landscape="rosenbrock", optimizers=("Adagrad", "RMSprop"),
                                 lrs={"Adagrad": 10**-0.8, "RMSprop": 10**-0.8})
    found = _summary_numbers(race)
    assert found["RMSprop"].startswith("loss 3.7e-02")
    assert found["Adagrad"].startswith("loss 3.6e+00")
    race.set_values(lr_Adagrad=10**0.2)
    assert _summary_numbers(race)["Adagrad"].startswith("loss 4.2e-02")
    # Goal 5: the saddle at the default rates, then with noise 1.
    race = OptimizerRaceExplorer(**start)
    race.set_values(landscape="saddle")
    found = _summary_numbers(race)
    for name, text in [("Adam", "|y| ≥ 1 at step 10, loss -4.8e+02"),
                       ("Nesterov", "|y| ≥ 1 at step 50, loss -4.9e+05"),
                       ("momentum", "|y| ≥ 1 at step 53, loss -2.1e+05"),
                       ("SGD", "|y| ≥ 1 at step 77, loss -3.1e+02")]:
        assert found[name].startswith(text), name
    race.set_values(noise=1.0)
    found = _summary_numbers(race)
    for name, step in [("SGD", 97), ("momentum", 67), ("Nesterov", 64), ("Adam", 13)]:
        assert found[name].startswith(f"|y| ≥ 1 at step {step},"), name


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
    # ...and the summary says so: at 100 both methods clip the first step, even though
    # clipping by value turns it by less than half a degree.
    assert "nothing clipped" not in explorer.summary.value
    assert "turned under 0.5°" in explorer.summary.value
    final(10 ** 2.05)
    assert explorer.summary.value.endswith("nothing clipped")
    # Both clipped runs end below 0.01 from a threshold of about 1.4 to about 63: every
    # slider value from 10^0.15 to 10^1.8, and neither neighbour.
    for exponent in np.arange(0.15, 1.81, 0.05):
        losses, _ = final(10 ** exponent)
        assert max(losses["value"], losses["norm"]) < 0.01, exponent
    for threshold in (10 ** 0.1, 10 ** 1.85, 1.0, 100.0):
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


@pytest.mark.usefixtures("skip_rendering")
def test_race_computes_with_the_notches_the_browser_sends():
    # The browser snaps a slider (and a typed value) to a notch and sends float noise such
    # as 0.9000000000000001; the explorer computes with the notch either way.
    a = OptimizerRaceExplorer(landscape="quadratic", optimizers=("momentum",),
                              lrs={"momentum": 0.111})
    b = OptimizerRaceExplorer(landscape="quadratic", optimizers=("momentum",),
                              lrs={"momentum": 10 ** (-19 / 20)})
    a.set_values(mu_momentum=0.9000000000000001)
    assert a.controls["lr_momentum"].value == 10 ** (-19 / 20)
    np.testing.assert_array_equal(a._path_lines["momentum"].get_xydata(),
                                  b._path_lines["momentum"].get_xydata())
    assert lr_notch(0.0769) == 10 ** (-22 / 20) and lr_notch(0.03) == 10 ** (-30 / 20)
