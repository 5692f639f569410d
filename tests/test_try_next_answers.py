"""The answers that "Try next" gives for the explorers hold (chapters 4, 5 and 6).

Each answer quotes what the explorer shows; these tests set the explorer as the question says
and read the same summary. They live here rather than in a solved notebook's assert cell
because redrawing an explorer a dozen times costs seconds that the notebooks' 20 s budget
does not have. If one fails, the explorer changed: correct the answer in the chapter's
source (course/NN_*.ipynb, the "Try next" cell) along with the numbers here.
"""

import re

import pytest

pytest.importorskip("ipywidgets")

from gdcourse.widgets import (InitialisationExplorer, OptimizerRaceExplorer,  # noqa: E402
                              PlateauExplorer, ScheduleExplorer)


def test_chapter_4_one_cycle_div_factors():
    explorer = ScheduleExplorer(schedule="cosine", lr=0.05, warmup=10)    # the chapter's call
    explorer.set_values(schedule="onecycle")
    assert "final lr 2e-07" in explorer.summary.value
    ends = {}
    for div, final_div in [(25, 1e4), (1, 1e4), (1000, 1e4), (1000, 1e5), (25, 100), (25, 10),
                           (25, 1), (1, 1)]:
        explorer.set_values(warmup=0, div_factor=div, final_div_factor=final_div)
        summary = explorer.summary.value
        ends[div, final_div] = float(re.search(r"with the schedule ([0-9.e+-]+)", summary)[1])
        fixed = float(re.search(r"fixed lr 0.05 ([0-9.e+-]+)", summary)[1])
    # every last rate of 2e-4 or less (div · final_div >= 250) ends at 8.4e-3 to 8.5e-3
    assert all(8.4e-3 <= loss <= 8.5e-3 for (div, final_div), loss in ends.items()
               if div * final_div >= 250)
    assert ends[25, 1] == 1.2e-2 and ends[1, 1] == 2.1e-1 and fixed == 1.1e-1


def test_chapter_4_plateau_cooldown():
    explorer = PlateauExplorer(patience=5, threshold=1e-4, noise=0.05)   # the chapter's call
    summaries = {}
    for cooldown in (0, 2, 5, 10, 20):
        explorer.set_values(cooldown=cooldown)
        summaries[cooldown] = explorer.summary.value
    assert summaries[0].startswith("rate reduced at epochs 68, 76, 82, 88, 94, 100; final 1.6e-03")
    assert summaries[5].startswith("rate reduced at epochs 68, 79, 90; final 1.3e-02")
    assert summaries[20].startswith("rate reduced at epochs 68, 94; final 2.5e-02")
    # "the next cut comes at the earliest cooldown + patience + 1 epochs later"
    for cooldown, summary in summaries.items():
        epochs = [int(e) for e in re.search(r"epochs? ([\d, ]+);", summary)[1].split(", ")]
        assert all(b - a >= cooldown + 5 + 1 for a, b in zip(epochs, epochs[1:])), cooldown


def _race_losses(explorer, lrs, noise, factor=1.0):
    explorer.set_values(noise=noise, **{name: factor * lr for name, lr in lrs.items()})
    return {name: float(loss) for name, loss in
            re.findall(r"(\w+): loss ([0-9.e+-]+)", explorer.summary.value)}


def test_chapter_5_race_with_noise():
    explorer = OptimizerRaceExplorer(landscape="quadratic",            # the chapter's call
                                     optimizers=("SGD", "momentum", "Nesterov", "Adam"))
    lrs = {name: value for name, value in explorer.values().items() if name.startswith("lr_")}
    quiet = _race_losses(explorer, lrs, 0.0)
    noisy = _race_losses(explorer, lrs, 1.0)
    louder = _race_losses(explorer, lrs, 2.0)
    assert len(quiet) == 4
    assert (min(quiet.values()), max(quiet.values())) == (3.6e-08, 5.2e-04)
    assert (min(noisy.values()), max(noisy.values())) == (6.6e-02, 2.7e-01)
    assert all(louder[name] > noisy[name] for name in noisy)
    third = _race_losses(explorer, lrs, 1.0, 10 ** -0.5)               # ten notches lower
    tenth = _race_losses(explorer, lrs, 1.0, 0.1)
    assert (third["Adam"], third["momentum"], third["SGD"]) == (4.0e-02, 3.7e-03, 2.5e-01)
    assert tenth["Nesterov"] == 7.4e-03 and tenth["Nesterov"] < third["Nesterov"]
    assert all(tenth[name] > third[name] for name in ("SGD", "momentum", "Adam"))


def _dead_fractions(explorer):
    titles = [ax.get_title() for ax in explorer.fig.axes if "dead" in ax.get_title()]
    return [int(re.search(r"dead (\d+)%", title)[1]) for title in titles]


def test_chapter_6_narrow_deep_relu_network():
    last_layer = []
    for seed in range(5):
        explorer = InitialisationExplorer(scheme="zeros", depth=3, width=16, activation="tanh",
                                          seed=seed)
        explorer.set_values(depth=10, width=8, activation="relu", scheme="kaiming_normal")
        explorer.run_button.click()
        dead = _dead_fractions(explorer)
        assert len(dead) == 10
        last_layer.append(dead[-1])
        if seed == 0:
            assert dead[:2] == [0, 0] and dead[7] == dead[9] == 62 and max(dead) == 62
            assert "vanishing: ×0.0099 from layer 1 to 10" in explorer.summary.value
            explorer.set_values(width=64)
            explorer.run_button.click()
            assert max(_dead_fractions(explorer)) == 16
            assert "about flat" in explorer.summary.value
    assert (min(last_layer), max(last_layer)) == (12, 62)


def test_chapter_0_a_third_bowl():
    import numpy as np

    from gdcourse.landscapes import Quadratic
    from gdcourse.optim import SGD, Adam
    from gdcourse.trajectories import trace

    start = np.array([1.0, 1.0])
    rates = [float(f"{m}e{e}") for e in (-3, -2, -1) for m in (1, 1.5, 2, 3, 5, 7)] + [1.0]

    def best(steepness, optimizer):
        runs = [trace(Quadratic(condition_number=steepness), optimizer, 100, start=start, lr=lr)
                for lr in rates]
        finals = [np.inf if run.diverged else run.final_loss for run in runs]
        i = int(np.argmin(finals))
        return rates[i], float(f"{finals[i]:.1e}")

    assert best(100, SGD) == (0.015, 2.4e-02) and best(100, Adam) == (0.15, 5.4e-06)
    assert best(30, SGD)[1] == 1.8e-05 and best(30, Adam)[1] == 1.7e-06


def test_chapter_1_diabetes_at_lr_0_2_and_0_25():
    # The chapter's cells, run as the question says: the diabetes cell copied with lr changed.
    import contextlib
    import io
    import json
    from pathlib import Path

    import matplotlib
    matplotlib.use("Agg")
    source = Path(__file__).resolve().parents[1] / "course" / "01_gradient_descent.ipynb"
    cells = {c["id"]: "".join(c["source"]) for c in json.loads(source.read_text())["cells"]}
    answer = next(s for s in cells.values() if "change `lr` to `0.2`" in s)
    ns = {}
    exec(cells["c01-39a42c04"], ns)                                   # the imports
    exec("data = load_diabetes(standardize_target=True, rng=np.random.default_rng(0))\n"
         "X, y = data.X_train, data.y_train", ns)                     # as the chapter loads it
    printed = {}
    for lr in (0.1, 0.2, 0.25):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(cells["c01-7380c963"].replace("lr, budget = 0.1, 3000",
                                               f"lr, budget = {lr}, 3000"), ns)
        printed[lr] = out.getvalue()
    assert "η < 2/λ_max = 0.239" in printed[0.1] and "$2/\\lambda_{\\max} = 0.239$" in answer
    for lr, change, grad in [(0.1, "460 steps, loss − L* = 3.1e-04", "1178 steps, loss − L* = 3.1e-05"),
                             (0.2, "339 steps, loss − L* = 1.5e-04", " 589 steps, loss − L* = 3.1e-05")]:
        assert f"change in loss ≤ 1e-6    stops after  {change}" in printed[lr]
        assert f"gradient norm ≤ 1e-3     stops after {grad}" in printed[lr]
    assert "budget of 3000 steps     stops after 3000 steps, loss − L* = 5.9e-12" in printed[0.2]
    assert printed[0.25].splitlines()[-1].startswith(
        "diverged: after 3000 steps the loss is 4.5e+218")
    lam_max = ns["lam_max"]
    assert f"{1 - 0.2 * lam_max:.2f}" == "-0.67" and f"{1 - 0.25 * lam_max:.2f}" == "-1.09"
    for number in ("339 steps", "1.5e-04", "460 steps, 3.1e-04", "589 steps", "3.1e-05", "1178",
                   "5.9e-12", "−0.67", "−1.09", "4.5e+218"):
        assert number in answer, number
