"""The learning-rate range test, with its smoothing and stop rule on sliders.

:class:`RangeTestExplorer` runs :func:`gdcourse.lr_finder.lr_range_test` on a small
MLP for the handwritten digits (the heavy part, on the Run button), then lets the
learner move the two knobs of the method and watch the curve and the suggested rates
move at once, and check rates with short training runs: the suggestions' own, and any
rate the learner chooses.
"""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..data import load_digits
from ..lr_finder import RangeTestResult, lr_range_test, replay_range_test
from ..models import MLP
from ..optim import SGD, Adam, Optimizer
from ..plots import DIVERGED_MARKER, plot_lr_finder, suggestion_style
from ..train import History, train
from ._base import Explorer, action_button, check_choice, check_number
from .._messages import N_, _, _f

__all__ = ["RangeTestExplorer"]

# The optimizers on offer, each as it would be configured for training.
OPTIMIZERS = {
    "SGD": lambda params: SGD(params, lr=0.01),
    N_("SGD, momentum 0.9"): lambda params: SGD(params, lr=0.01, momentum=0.9),
    "Adam": lambda params: Adam(params, lr=1e-3),
}
HIDDEN_UNITS = 32
START_LR, END_LR = 1e-5, 10.0
NUM_STEPS = 150
BATCH_SIZE = 64
SMOOTHING_RANGE = (0.0, 0.99)
DIVERGE_FACTOR_RANGE = (1.5, 10.0)
BRIEF_EPOCHS = 3
# The chosen rate starts away from every suggestion, so its line is not hidden by one.
DEFAULT_CHOSEN_LR = 1e-3


class RangeTestExplorer(Explorer):
    """The learning-rate range test on the digits, then brief checks of rates.

    **Run** records the raw mini-batch losses of a range test (up to 150 steps, the
    rate growing geometrically from 1e-5 to 10, batches of 64) on an MLP with one
    hidden layer of 32 ReLU units, with the stop rule switched off: the recording then
    ends only when the rate reaches 10 or the loss stops being finite (or grows
    1e8-fold, see :func:`gdcourse.divergence.check_divergence`). It then trains a
    fresh copy of the same network (same initial weights, same batches) for three
    epochs at each suggested rate.

    The **smoothing** and **stop threshold** sliders act on those stored losses, at
    once and without a new run: the moving average is recomputed with the chosen
    :math:`\\beta` (:func:`gdcourse.lr_finder.smooth_losses`), the test cut where it
    first exceeds threshold × its minimum so far (the rule of
    :func:`~gdcourse.lr_finder.lr_range_test`), and the centred curve and the
    suggestions recomputed on the kept steps
    (:func:`gdcourse.lr_finder.replay_range_test`). Because the losses before the stop
    do not depend on these two settings, what you see is exactly what
    ``lr_range_test(..., smoothing=β, diverge_factor=threshold)`` would return. The
    losses recorded after the cut, which such a test would not have seen, are drawn
    as grey dots.

    The suggestions are read from the centred curve, so the smoothing moves them only
    through the stop. They are heuristics: the lower panel shows the validation
    accuracy after three epochs at each of them. **Train briefly with this rate** adds
    the **chosen rate** to that panel.

    Parameters
    ----------
    optimizer : {"SGD", "SGD, momentum 0.9", "Adam"}, default "SGD, momentum 0.9"
    smoothing : float, default 0.98
        In [0, 0.99]; 0 means no smoothing.
    diverge_factor : float, default 4.0
        The stop threshold, in [1.5, 10].
    chosen_lr : float, default 1e-3
        In [1e-5, 10].
    seed : int, default 0
        Seeds the data split, the weights and the order of the batches.

    References
    ----------
    L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017,
    section 3.3 (the range test); J. Howard and S. Gugger, fastai's ``lr_find``
    (this exponential form: smoothing 0.98, stop at 4 times the best loss).
    """

    title = "Learning-rate range test"
    heavy = True
    live_controls = ("smoothing", "diverge_factor", "chosen_lr")
    stale_note = "optimizer changed: press Run to repeat the range test"

    def __init__(self, *, optimizer: str = "SGD, momentum 0.9", smoothing: float = 0.98,
                 diverge_factor: float = 4.0, chosen_lr: float = DEFAULT_CHOSEN_LR,
                 seed: int = 0) -> None:
        check_choice("optimizer", optimizer, OPTIMIZERS)
        check_number("smoothing", smoothing, *SMOOTHING_RANGE)
        check_number("diverge_factor", diverge_factor, *DIVERGE_FACTOR_RANGE)
        check_number("chosen_lr", chosen_lr, START_LR, END_LR)
        check_number("seed", seed, 0, math.inf, integer=True)
        self.seed = int(seed)
        self._initial = {"optimizer": optimizer, "smoothing": float(smoothing),
                         "diverge_factor": float(diverge_factor),
                         "chosen_lr": float(chosen_lr)}
        self.data = load_digits(rng=np.random.default_rng(self.seed))
        # Brief runs of the current network, by rate (the suggestions' and the chosen
        # ones), and the chosen rates in the order they were trained.
        self._brief: dict[float, History] = {}
        self._chosen: list[float] = []
        self._brief_requested = False
        super().__init__()

    # ----------------------------------------------------------------- controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        style = {"description_width": "initial"}
        initial = self._initial
        self.train_button = action_button(
            "Train briefly with this rate", "play",
            _f("Train for {epochs} epochs with the chosen rate", epochs=BRIEF_EPOCHS),
            lambda _: self._train_briefly_clicked(), width="auto")
        return {
            "optimizer": widgets.Dropdown(
                options=[(_(name), name) for name in OPTIMIZERS], value=initial["optimizer"],
                description="optimizer", style=style),
            "smoothing": widgets.FloatSlider(
                value=initial["smoothing"], min=SMOOTHING_RANGE[0], max=SMOOTHING_RANGE[1],
                step=0.01, description="smoothing β", continuous_update=False,
                style=style),
            "diverge_factor": widgets.FloatSlider(
                value=initial["diverge_factor"], min=DIVERGE_FACTOR_RANGE[0],
                max=DIVERGE_FACTOR_RANGE[1], step=0.5,
                description="stop when loss > × its minimum", continuous_update=False,
                style=style),
            "chosen_lr": widgets.FloatLogSlider(
                value=initial["chosen_lr"], base=10, min=math.log10(START_LR),
                max=math.log10(END_LR), step=0.05, description="chosen rate (log)",
                readout_format=".2g", continuous_update=False, style=style),
            "train": self.train_button,
        }

    def _layout(self) -> widgets.VBox:
        # In the order of use: the optimizer and Run first; then the two knobs of the
        # method; then a rate to check and the button that checks it.
        row = {"layout": widgets.Layout(flex_flow="row wrap", align_items="center")}
        controls = self.controls
        rows = [widgets.HTML(f"<b>{html.escape(_(self.title))}</b>"),
                widgets.HBox([controls["optimizer"], self.run_button, self.status], **row),
                widgets.HBox([controls["smoothing"], controls["diverge_factor"]], **row),
                widgets.HBox([controls["chosen_lr"], controls["train"]], **row),
                self.image, self.summary]
        return widgets.VBox(rows)

    def _make_figure(self) -> Figure:
        fig, _ = plt.subplots(2, 1, figsize=(9.5, 5.5), layout="constrained", sharex=True,
                              gridspec_kw={"height_ratios": [2.2, 1]})
        return fig

    # ----------------------------------------------------------------- compute
    def _compute(self, *, optimizer: str, **_: Any) -> dict[str, Any]:
        # Brief runs of the previous network no longer apply.
        self._brief, self._chosen = {}, []
        return {"optimizer": optimizer, "recorded": self._record(optimizer)}

    def _derive(self, raw: dict[str, Any], *, smoothing: float, diverge_factor: float,
                chosen_lr: float, **_: Any) -> dict[str, Any]:
        """The cheap part, on the stored test; brief runs at new rates only."""
        recorded = raw["recorded"]
        test = replay_range_test(recorded, smoothing, diverge_factor)
        for rate in test.suggestions.values():
            self._brief_run(raw["optimizer"], rate)
        if self._brief_requested:
            self._brief_run(raw["optimizer"], chosen_lr)
            if chosen_lr in self._chosen:
                self._chosen.remove(chosen_lr)
            self._chosen.append(chosen_lr)
        last_kept = len(test.lrs) - 1
        return {"test": test, "chosen_lr": chosen_lr, "optimizer": raw["optimizer"],
                "brief": dict(self._brief), "chosen": list(self._chosen),
                "recorded_steps": len(recorded.lrs),
                "after_stop": (recorded.lrs[last_kept + 1:], recorded.losses[last_kept + 1:])}

    def _derived_test(self) -> RangeTestResult:
        """The test as the sliders show it now (for checks)."""
        values = self.values()
        return replay_range_test(self._result["recorded"], values["smoothing"],
                                 values["diverge_factor"])

    def _brief_run(self, optimizer: str, lr: float) -> History:
        if lr not in self._brief:
            self._brief[lr] = self._train_briefly(optimizer, lr)
        return self._brief[lr]

    def _train_briefly_clicked(self) -> None:
        """Train with the chosen rate, on the network of the stored test."""
        self._brief_requested = True
        try:
            self.refresh()
        finally:
            self._brief_requested = False

    def _network(self, optimizer: str) -> tuple[MLP, Optimizer, np.random.Generator]:
        """The same network, the same initial weights and batch order, every time."""
        rng = np.random.default_rng(self.seed)
        mlp = MLP([self.data.n_features, HIDDEN_UNITS, self.data.n_classes], "relu",
                  rng=rng)
        return mlp, OPTIMIZERS[optimizer](mlp.params), rng

    def _record(self, optimizer: str) -> RangeTestResult:
        """The heavy part: a range test with the smoothed-loss stop rule switched off."""
        mlp, opt, rng = self._network(optimizer)
        return lr_range_test(mlp, opt, self.data.X_train, self.data.y_train,
                             start_lr=START_LR, end_lr=END_LR, num_steps=NUM_STEPS,
                             batch_size=BATCH_SIZE, diverge_factor=math.inf, rng=rng)

    def _train_briefly(self, optimizer: str, lr: float) -> History:
        mlp, opt, rng = self._network(optimizer)
        for group in opt.param_groups:
            group["lr"] = lr
        return train(mlp, opt, self.data.X_train, self.data.y_train, epochs=BRIEF_EPOCHS,
                     batch_size=BATCH_SIZE, val_data=(self.data.X_val, self.data.y_val),
                     rng=rng, progress=False)

    # ----------------------------------------------------------------- draw
    def _draw(self, state: dict[str, Any]) -> str:
        test_ax, brief_ax = self.fig.axes
        for ax in (test_ax, brief_ax):
            ax.clear()
            ax.set_visible(True)
        self._draw_range_test(test_ax, state)
        self._draw_brief_runs(brief_ax, state)
        return self._summary(state)

    def _draw_range_test(self, ax: Any, state: dict[str, Any]) -> None:
        test: RangeTestResult = state["test"]
        plot_lr_finder(test, ax=ax, legend=False)
        after_lrs, after_losses = state["after_stop"]
        low, high = ax.get_ylim()
        shown = np.isfinite(after_losses) & (after_losses >= low) & (after_losses <= high)
        if shown.any():
            # Kept out of the limits plot_lr_finder chose: that part is not the test's.
            # (Only the losses inside those limits: a legend entry for dots above the
            # top would describe nothing the learner can see.)
            ax.plot(after_lrs[shown], after_losses[shown], linestyle="none", marker=".",
                    markersize=6, color="0.5", label="recorded after the stop\n"
                    "(not part of the test)", scalex=False, scaley=False)
        chosen = state["chosen_lr"]
        ax.axvline(chosen, color="black", linewidth=2.2, label=f"chosen rate = {chosen:.2g}")
        # A little room at both ends, so a chosen rate of 1e-5 or 10 stays visible.
        ax.set_xlim(START_LR / 1.5, END_LR * 1.5)
        ax.set_xlabel("")
        kept, recorded = len(test.lrs), NUM_STEPS
        ax.set_title(f"{state['optimizer']}: range test, {kept} of {recorded} steps kept\n"
                     "the suggestions are heuristics: confirm with a short run",
                     fontsize=10)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9,
                  frameon=False)

    def _draw_brief_runs(self, ax: Any, state: dict[str, Any]) -> None:
        brief: dict[float, History] = state["brief"]
        ax.set_xscale("log")
        ax.set_xlim(START_LR / 1.5, END_LR * 1.5)
        rates = list(state["test"].suggestions.values()) + state["chosen"]
        reached = [_accuracy(brief[rate])[0] for rate in rates
                   if brief[rate].divergence is None]
        # From a tenth below the lowest accuracy reached (diverged runs sit on the
        # bottom edge) to 1, so that 0.92 and 0.96 can be told apart.
        bottom = max(0.0, math.floor(10 * (min(reached, default=1.0) - 0.1)) / 10)
        ax.set_ylim(bottom, 1.0 + 0.04 * (1.0 - bottom))
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("val. accuracy")
        ax.set_title(f"validation accuracy after {BRIEF_EPOCHS} epochs at a rate "
                     "(a fresh copy of the same network)", fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        for i, (name, rate) in enumerate(state["test"].suggestions.items()):
            accuracy, diverged = _accuracy(brief[rate])
            style = suggestion_style(name, i)
            ax.axvline(rate, linewidth=1.0, alpha=0.6, **style)
            ax.plot([rate], [max(accuracy, bottom)], zorder=4,
                    label=f"{name}: {_brief_words(brief[rate])}", clip_on=False,
                    **(_diverged_marker(style["color"]) if diverged else
                       {"marker": "o", "markersize": 9, "color": style["color"],
                        "markeredgecolor": "black", "linestyle": "none"}))
        for rate in state["chosen"]:
            accuracy, diverged = _accuracy(brief[rate])
            latest = rate == state["chosen"][-1]
            label = f"chosen {rate:.2g}: {_brief_words(brief[rate])}" if latest else None
            ax.plot([rate], [max(accuracy, bottom)], zorder=5, label=label, clip_on=False,
                    **(_diverged_marker("black" if latest else "0.45") if diverged else
                       {"marker": "D", "markersize": 8 if latest else 6,
                        "color": "black" if latest else "0.45", "linestyle": "none"}))
        if len(state["chosen"]) > 1:
            ax.plot([], [], linestyle="none", marker="D", markersize=6, color="0.45",
                    label="earlier chosen rates")
        if not state["chosen"]:
            ax.text(0.01, 0.06, "Press “Train briefly with this rate” to add the chosen "
                    "rate", transform=ax.transAxes, fontsize=9, color="0.3")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)

    def _summary(self, state: dict[str, Any]) -> str:
        result: RangeTestResult = state["test"]
        brief = state["brief"]
        text = _f("{optimizer}: {kept} of {steps} steps kept, up to lr {lr:.2g}",
                  optimizer=_(state['optimizer']), kept=len(result.lrs), steps=NUM_STEPS,
                  lr=result.lrs[-1])
        if result.stop_reason is not None:
            text += _f(" (stopped: {reason})", reason=_(result.stop_reason))
        rates = ", ".join(_f("{name} {lr:.2g} ({result})", name=name, lr=lr,
                             result=_brief_words(brief[lr], translated=True))
                          for name, lr in result.suggestions.items())
        text += _f("; suggestions (heuristics), each trained {epochs} epochs: {rates}",
                   epochs=BRIEF_EPOCHS, rates=rates or _("none, too few steps"))
        text += _f("; chosen rate {lr:.2g}", lr=state['chosen_lr'])
        if state["chosen"]:
            last = state["chosen"][-1]
            text += _f("; trained {epochs} epochs at lr {lr:.2g}: {result}",
                       epochs=BRIEF_EPOCHS, lr=last, result=_brief_result(brief[last]))
        return text


def _accuracy(history: History) -> tuple[float, bool]:
    """The final validation accuracy (0 if the run diverged) and whether it diverged."""
    if history.divergence is not None:
        return 0.0, True
    return float(history.val_metric[-1]), False


def _brief_words(history: History, translated: bool = False) -> str:
    """'val accuracy 0.948' or 'diverged', short enough for a legend (in the language in
    use if ``translated``: the summary; the figure's legend stays English)."""
    if translated:
        if history.divergence is not None:
            return _("diverged")
        return _f("val accuracy {accuracy:.3f}", accuracy=history.val_metric[-1])
    if history.divergence is not None:
        return "diverged"
    return f"val accuracy {history.val_metric[-1]:.3f}"


def _diverged_marker(color: str) -> dict[str, Any]:
    return {**DIVERGED_MARKER, "color": color}


def _brief_result(history: History) -> str:
    """'val accuracy 0.948, val loss 0.187' or the divergence sentence."""
    if history.divergence is not None:
        return str(history.divergence)
    return _f("val accuracy {accuracy:.3f}, val loss {loss:.3f}",
              accuracy=history.val_metric[-1], loss=history.val_loss[-1])
