"""Batch size: many cheap, noisy steps or few expensive, accurate ones.

:class:`BatchSizeExplorer` trains softmax regression on the handwritten digits with
plain SGD for a few epochs and draws the training loss twice, side by side: against
epochs (passes over the data) and against wall-clock seconds. Per epoch, batch size 1
takes 1257 small steps and the full batch a single one, so small batches look far
better per epoch; per second the picture is closer, because every step costs a forward
and backward pass (with overheads that do not shrink with the batch). The step losses
of small batches are noisy: each is the loss of a few samples only.

The Run button recomputes; the sliders alone change nothing (training takes up to a
second or two for batch size 1).
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..data import load_digits
from ..models import SoftmaxRegression
from ..optim import SGD
from ..plots import message_axes, plot_loss_curves
from ..train import History, train
from ._base import Explorer, check_choice, check_number

__all__ = ["BatchSizeExplorer"]

# The batch sizes on the slider; "full" is the whole training split (one step per epoch).
BATCH_SIZES = (1, 8, 32, 128, 512, "full")
LR_RANGE = (1e-3, 10.0)
MAX_EPOCHS = 5
# Weight of the moving average drawn over the raw step losses against time.
TIME_SMOOTHING = 0.9


class BatchSizeExplorer(Explorer):
    """Loss against epochs and against seconds for SGD with different batch sizes.

    Softmax regression on the digits (``gdcourse.data.load_digits``, standardised, 1257
    training samples), trained by :func:`gdcourse.train.train` with
    :class:`gdcourse.optim.SGD` from the same initial weights for every batch size.
    Left: the mean training loss of each epoch. Right: every step's mini-batch loss
    against the training seconds (faint), with its moving average (bold). The summary
    gives each run's final validation loss and accuracy, its steps and its seconds.

    Wall-clock times vary between machines and between runs on the same machine
    (other programs, CPU frequency, caches): compare the runs of one press of Run with
    each other, not with a neighbour's numbers.

    Parameters
    ----------
    batch_size : int or "full", default 32
        One of 1, 8, 32, 128, 512 or "full" (``None`` also means the full batch).
    lr : float, default 0.05
        SGD learning rate, in [1e-3, 10].
    epochs : int, default 3
        Passes over the training data, 1 to 5.
    compare : bool, default False
        Train with every batch size and draw them all.
    seed : int, default 0
        Seeds the data split, the initial weights and the shuffling.

    References
    ----------
    L. Bottou, F. E. Curtis and J. Nocedal, "Optimization methods for large-scale
    machine learning", SIAM Review 60(2), 2018, sections 3.3 and 4.
    """

    title = "Batch size: loss per epoch and per second"
    heavy = True

    def __init__(self, *, batch_size: int | str | None = 32, lr: float = 0.05,
                 epochs: int = 3, compare: bool = False, seed: int = 0) -> None:
        if batch_size is None:
            batch_size = "full"
        check_choice("batch_size", batch_size, BATCH_SIZES)
        check_number("lr", lr, *LR_RANGE)
        check_number("epochs", epochs, 1, MAX_EPOCHS, integer=True)
        if not isinstance(compare, bool):
            raise TypeError(f"compare must be True or False, got {compare!r}")
        check_number("seed", seed, 0, math.inf, integer=True)
        self.seed = int(seed)
        self._initial = {"batch_size": batch_size, "lr": float(lr), "epochs": int(epochs),
                         "compare": compare}
        self.data = load_digits(rng=np.random.default_rng(self.seed))
        super().__init__()

    # ----------------------------------------------------------------- controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        style = {"description_width": "initial"}
        return {
            "batch_size": widgets.SelectionSlider(
                options=[str(size) for size in BATCH_SIZES],
                value=str(self._initial["batch_size"]), description="batch size",
                continuous_update=False, style=style),
            "lr": widgets.FloatLogSlider(
                value=self._initial["lr"], base=10, min=np.log10(LR_RANGE[0]),
                max=np.log10(LR_RANGE[1]), step=0.1, description="learning rate (log)",
                readout_format=".2g", continuous_update=False, style=style),
            "epochs": widgets.IntSlider(
                value=self._initial["epochs"], min=1, max=MAX_EPOCHS, description="epochs",
                continuous_update=False, style=style),
            "compare": widgets.Checkbox(
                value=self._initial["compare"], description="compare all batch sizes",
                indent=False),
        }

    def _make_figure(self) -> Figure:
        fig, _ = plt.subplots(1, 2, figsize=(9.0, 4.2), layout="constrained")
        return fig

    # ----------------------------------------------------------------- compute
    def _compute(self, *, batch_size: str, lr: float, epochs: int,
                 compare: bool) -> dict[str, History]:
        sizes = BATCH_SIZES if compare else (_parse_size(batch_size),)
        return {self._label(size): self._train(size, lr, epochs) for size in sizes}

    def _train(self, size: int | str, lr: float, epochs: int) -> History:
        """One run; every run starts from the same weights and shuffles the same way."""
        rng = np.random.default_rng(self.seed)
        data = self.data
        model = SoftmaxRegression(data.n_features, data.n_classes, rng=rng)
        return train(model, SGD(model.params, lr=lr), data.X_train, data.y_train,
                     epochs=epochs, batch_size=None if size == "full" else size,
                     val_data=(data.X_val, data.y_val), rng=rng, progress=False)

    def _label(self, size: int | str) -> str:
        return f"full batch ({len(self.data.y_train)})" if size == "full" \
            else f"batch {size}"

    # ----------------------------------------------------------------- draw
    def _draw(self, runs: dict[str, History]) -> str:
        epoch_ax, time_ax = self.fig.axes
        for ax in (epoch_ax, time_ax):
            ax.clear()
            ax.set_visible(True)
        any_epoch = any(run.epochs_completed for run in runs.values())
        if any_epoch:
            plot_loss_curves(runs, x="epoch", ax=epoch_ax)
            epoch_ax.set_title("mean training loss per epoch", fontsize=11)
            epoch_ax.set_xlim(0.8, max(run.epochs_completed for run in runs.values()) + 0.2)
        else:
            message_axes(epoch_ax, "no epoch finished: "
                         + "; ".join(str(r.divergence) for r in runs.values()))
        plot_loss_curves(runs, x="time", ax=time_ax, smooth=TIME_SMOOTHING)
        self._frame_time_axes(time_ax, runs)
        # One legend is enough: the left panel's names every run (and its divergence).
        if time_ax.get_legend() is not None and any_epoch:
            time_ax.get_legend().remove()
        return "; ".join(_run_summary(label, run) for label, run in runs.items())

    def _frame_time_axes(self, ax: Any, runs: dict[str, History]) -> None:
        """Log time axis and a loss range that the averages, not the noise, decide.

        Batch size 1 takes thousands of steps where the full batch takes a handful, so
        on a linear clock the fast runs would crowd into the first pixels. A single
        sample's loss can be 1e-12 one step and 5 the next; letting those extremes set
        the axis would flatten the moving averages, which are the part to compare.
        """
        times = np.concatenate([run.time for run in runs.values()])
        times = times[np.isfinite(times) & (times > 0)]
        averages = np.concatenate([line.get_ydata() for line in ax.get_lines()
                                   if not line.get_label().startswith("_")] or [[]])
        averages = averages[np.isfinite(averages) & (averages > 0)]
        if times.size:
            ax.set_xscale("log")
            ax.set_xlim(times.min() / 1.5, times.max() * 1.5)
            ax.set_xlabel("wall-clock time (seconds, log scale)")
        if averages.size and ax.get_yscale() == "log":
            ax.set_ylim(averages.min() / 3, averages.max() * 3)
        ax.set_title("step losses against the clock\n(faint: each step, bold: moving "
                     "average)", fontsize=10)


def _parse_size(label: str) -> int | str:
    return label if label == "full" else int(label)


def _run_summary(label: str, run: History) -> str:
    """'batch 32: val loss 0.305, accuracy 0.956, 120 steps in 0.15 s'."""
    seconds = run.time[-1] if run.steps else 0.0
    if run.divergence is not None:
        return f"{label}: {run.divergence} ({seconds:.2f} s)"
    return (f"{label}: val loss {run.val_loss[-1]:.3g}, accuracy {run.val_metric[-1]:.3f}, "
            f"{run.steps} steps in {seconds:.2f} s")
