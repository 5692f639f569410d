"""The learning-rate range test, with its smoothing and stop rule on sliders.

:class:`RangeTestExplorer` runs :func:`gdcourse.lr_finder.lr_range_test` on a small
MLP for the handwritten digits (the heavy part, on the Run button), then lets the
learner move the two knobs of the method and watch the curve and the suggested rates
move at once, and finally check a chosen rate with a short training run.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..data import load_digits
from ..lr_finder import RangeTestResult, lr_range_test, replay_range_test
from ..models import MLP
from ..optim import SGD, Adam, Optimizer
from ..plots import message_axes, plot_loss_curves, plot_lr_finder, short_divergence
from ..train import History, train
from ._base import Explorer, action_button, check_choice, check_number

__all__ = ["RangeTestExplorer"]

# The optimizers on offer, each as it would be configured for training.
OPTIMIZERS = {
    "SGD": lambda params: SGD(params, lr=0.01),
    "SGD, momentum 0.9": lambda params: SGD(params, lr=0.01, momentum=0.9),
    "Adam": lambda params: Adam(params, lr=1e-3),
}
HIDDEN_UNITS = 32
START_LR, END_LR = 1e-5, 10.0
NUM_STEPS = 150
BATCH_SIZE = 64
SMOOTHING_RANGE = (0.0, 0.99)
DIVERGE_FACTOR_RANGE = (1.5, 10.0)
BRIEF_EPOCHS = 3


class RangeTestExplorer(Explorer):
    """Smith's learning-rate range test on the digits, then a brief check of one rate.

    **Run** records the raw mini-batch losses of a range test (150 steps, the rate
    growing geometrically from 1e-5 to 10, batches of 64) on an MLP with one hidden
    layer of 32 ReLU units, with the stop rule switched off: the test then ends only
    when the rate reaches 10 or the loss stops being finite (or grows 1e8-fold, see
    :func:`gdcourse.divergence.check_divergence`).

    The **smoothing** and **stop threshold** sliders act on those stored losses, at
    once and without a new run: the curve is smoothed with the chosen
    :math:`\\beta` (:func:`gdcourse.lr_finder.smooth_losses`), cut where the
    smoothed loss first exceeds threshold × its minimum so far (the rule of
    :func:`~gdcourse.lr_finder.lr_range_test`), and the suggestions are recomputed on
    the cut curve (:func:`gdcourse.lr_finder.replay_range_test`). Because the losses
    before the stop do not depend on these two settings, what you see is exactly what
    ``lr_range_test(..., smoothing=β, diverge_factor=threshold)`` would return. The
    losses recorded after the cut are drawn in grey.

    The suggestions are heuristics: a starting point for a few short runs. The
    **chosen rate** slider marks a rate on the plot; **Train briefly with this rate**
    trains a fresh copy of the same network (same initial weights) for three epochs
    with it and reports the validation accuracy and loss.

    Parameters
    ----------
    optimizer : {"SGD", "SGD, momentum 0.9", "Adam"}, default "SGD, momentum 0.9"
    smoothing : float, default 0.98
        In [0, 0.99]; 0 means no smoothing.
    diverge_factor : float, default 4.0
        The stop threshold, in [1.5, 10].
    chosen_lr : float, default 0.1
        In [1e-5, 10].
    seed : int, default 0
        Seeds the data split, the weights and the order of the batches.

    References
    ----------
    L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017;
    fastai's ``lr_find`` (smoothing 0.98, stop at 4 times the best loss).
    """

    title = "Learning-rate range test"
    heavy = True
    live_controls = ("smoothing", "diverge_factor", "chosen_lr")
    stale_note = "optimizer changed: press Run to repeat the range test"

    def __init__(self, *, optimizer: str = "SGD, momentum 0.9", smoothing: float = 0.98,
                 diverge_factor: float = 4.0, chosen_lr: float = 0.1,
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
        self._brief: dict[str, Any] | None = None
        self._brief_requested = False
        super().__init__()

    # ----------------------------------------------------------------- controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        style = {"description_width": "initial"}
        initial = self._initial
        self.train_button = action_button(
            "Train briefly with this rate", "play",
            f"Train for {BRIEF_EPOCHS} epochs with the chosen rate",
            lambda _: self._train_briefly_clicked(), width="auto")
        return {
            "optimizer": widgets.Dropdown(
                options=list(OPTIMIZERS), value=initial["optimizer"],
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

    def _make_figure(self) -> Figure:
        fig, _ = plt.subplots(1, 2, figsize=(9.0, 4.8), layout="constrained",
                              gridspec_kw={"width_ratios": [3, 2]})
        return fig

    # ----------------------------------------------------------------- compute
    def _compute(self, *, optimizer: str, **_: Any) -> dict[str, Any]:
        self._brief = None  # a check of the previous network no longer applies
        return {"optimizer": optimizer, "recorded": self._record(optimizer)}

    def _derive(self, raw: dict[str, Any], *, smoothing: float, diverge_factor: float,
                chosen_lr: float, **_: Any) -> dict[str, Any]:
        """The cheap part, on the stored test; and the brief run if it was asked for."""
        if self._brief_requested:
            self._brief = {"lr": chosen_lr,
                           "history": self._train_briefly(raw["optimizer"], chosen_lr)}
        recorded = raw["recorded"]
        test = replay_range_test(recorded, smoothing, diverge_factor)
        last_kept = len(test.lrs) - 1
        return {"test": test, "chosen_lr": chosen_lr, "brief": self._brief,
                "optimizer": raw["optimizer"],
                "after_stop": (recorded.lrs[last_kept:], recorded.losses[last_kept:])}

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
        brief = state["brief"]
        if brief is None:
            message_axes(brief_ax, f"Press “Train briefly with this rate” to train "
                                   f"for {BRIEF_EPOCHS} epochs with the chosen rate")
        else:
            plot_loss_curves({f"lr {brief['lr']:.2g}": brief["history"]}, x="step",
                             ax=brief_ax, smooth=0.9)
            outcome = short_divergence(_brief_result(brief["history"]))
            brief_ax.set_title(f"{state['optimizer']}, lr {brief['lr']:.2g}, "
                               f"{BRIEF_EPOCHS} epochs\n" + textwrap.fill(outcome, 40),
                               fontsize=10)
            if brief_ax.get_legend() is not None:  # the title already names the run
                brief_ax.get_legend().remove()
        return self._summary(state)

    def _draw_range_test(self, ax: Any, state: dict[str, Any]) -> None:
        plot_lr_finder(state["test"], ax=ax)
        after_lrs, after_losses = state["after_stop"]
        finite = np.isfinite(after_losses)
        if len(after_lrs) > 1 and finite.any():
            # Kept out of the limits plot_lr_finder chose: that part is not the test's.
            ax.plot(after_lrs[finite], after_losses[finite], color="0.6", linewidth=1,
                    linestyle=":", label="after the stop (not recorded)",
                    scalex=False, scaley=False)
        chosen = state["chosen_lr"]
        ax.axvline(chosen, color="black", linewidth=2.0, label=f"chosen rate {chosen:.2g}")
        # A little room at both ends, so a chosen rate of 1e-5 or 10 stays visible.
        ax.set_xlim(START_LR / 1.5, END_LR * 1.5)
        ax.set_title(f"{state['optimizer']}: range test, {NUM_STEPS} steps\n"
                     "the suggestions are heuristics: confirm with a short run",
                     fontsize=10)
        # Below the axes: inside, the legend would hide the flat start of the curve.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncols=2, fontsize=8.5,
                  frameon=False)

    def _summary(self, state: dict[str, Any]) -> str:
        result: RangeTestResult = state["test"]
        rates = ", ".join(f"{name} {lr:.2g}" for name, lr in result.suggestions.items())
        text = (f"{state['optimizer']}: {len(result.lrs)} steps up to lr "
                f"{result.lrs[-1]:.2g}")
        if result.stop_reason is not None:
            text += f" (stopped: {result.stop_reason})"
        text += f"; suggestions (heuristics): {rates or 'none, too few steps'}"
        text += f"; chosen rate {state['chosen_lr']:.2g}"
        brief = state["brief"]
        if brief is not None:
            text += (f"; trained {BRIEF_EPOCHS} epochs at lr {brief['lr']:.2g}: "
                     f"{_brief_result(brief['history'])}")
        return text


def _brief_result(history: History) -> str:
    """'val accuracy 0.948, val loss 0.187' or the divergence sentence."""
    if history.divergence is not None:
        return str(history.divergence)
    return (f"val accuracy {history.val_metric[-1]:.3f}, "
            f"val loss {history.val_loss[-1]:.3g}")
