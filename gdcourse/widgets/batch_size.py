"""Batch size: many cheap, noisy steps or few expensive, accurate ones.

:class:`BatchSizeExplorer` trains softmax regression on the handwritten digits with
plain SGD for a few epochs and draws the validation loss after every epoch twice, side
by side: against epochs (passes over the data) and against the seconds of training.
Per epoch, batch size 1 takes 1257 small steps and the full batch a single one; per
second, every step also pays a fixed overhead that does not shrink with the batch.

The learning rate is either the same for every batch size or scaled with it, ``η × B/32``
(the linear scaling rule of Goyal et al. 2017, with the slider setting the rate of
batch size 32): the best rate grows with the batch size, up to the limit the curvature
sets, and comparing batch sizes at one shared rate favours the batch sizes that rate
suits.

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
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from ..data import load_digits
from ..models import SoftmaxRegression
from ..optim import SGD
from ..plots import DIVERGED_MARKER, OKABE_ITO, message_axes, short_divergence
from ..train import History, train
from ._base import Explorer, check_choice, check_number
from .._messages import _, _f

__all__ = ["BatchSizeExplorer", "BATCH_SIZE_STYLES", "batch_size_style"]

# The batch sizes on the slider; "full" is the whole training split (one step per epoch).
BATCH_SIZES = (1, 8, 32, 128, 512, "full")
LR_RANGE = (1e-3, 10.0)
MAX_EPOCHS = 5
# The linear scaling rule scales the slider's rate from this batch size.
REFERENCE_BATCH = 32
RATE_RULES = {"same": "same η for every B",
              "linear": f"η × B/{REFERENCE_BATCH} (linear scaling)"}

# One look per batch size, in every panel and in the chapter's own figures: an Okabe–Ito
# colour with its own line style and marker (no cross: a cross marks a divergence).
BATCH_SIZE_STYLES = {
    1: {"color": OKABE_ITO["vermillion"], "linestyle": "-", "marker": "o"},
    8: {"color": OKABE_ITO["orange"], "linestyle": "--", "marker": "s"},
    32: {"color": OKABE_ITO["bluish green"], "linestyle": "-.", "marker": "^"},
    128: {"color": OKABE_ITO["reddish purple"], "linestyle": ":", "marker": "D"},
    512: {"color": OKABE_ITO["blue"], "linestyle": (0, (5, 1, 1, 1)), "marker": "v"},
    "full": {"color": OKABE_ITO["black"], "linestyle": "-", "marker": "h"},
}


def batch_size_style(size: int | str | None) -> dict[str, Any]:
    """Colour, line style and marker of a batch size, as keyword arguments for ``ax.plot``.

    Parameters
    ----------
    size : 1, 8, 32, 128, 512, "full" or None
        ``None`` and ``"full"`` mean the full batch, whatever its size.

    Returns
    -------
    dict
        A fresh copy of :data:`BATCH_SIZE_STYLES` ``[size]``.
    """
    key = "full" if size is None else size
    if isinstance(key, bool) or key not in BATCH_SIZE_STYLES:
        raise ValueError(f"size must be one of {', '.join(map(repr, BATCH_SIZE_STYLES))} "
                         f"or None, got {size!r}")
    return dict(BATCH_SIZE_STYLES[key])


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values for a log axis from ``low`` to ``high``: powers of ten, or 1, 2, 5 times.

    At least three ticks inside the range: powers of ten alone if that gives three, else
    1, 2 and 5 times powers of ten, then 3 as well; a range narrower than that gets three
    evenly spaced (in log) values inside it, rounded to three significant digits.
    """
    if not (0 < low < high and math.isfinite(high)):
        raise ValueError(f"need 0 < low < high, got {low!r} and {high!r}")
    first, last = math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1
    for mantissas in ((1,), (1, 2, 5), (1, 2, 3, 5), (1, 1.5, 2, 3, 5, 7),
                      (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)):
        ticks = [m * 10.0 ** k for k in range(first, last + 1) for m in mantissas]
        ticks = [float(f"{t:.3g}") for t in ticks if low <= t <= high]
        if len(ticks) >= 3:
            # Keep about six labels: every other one if there are many.
            while len(ticks) > 7:
                ticks = ticks[::2]
            return ticks
    return [float(f"{t:.3g}") for t in np.geomspace(low, high, 5)[1:4]]


def fit_log_axis(ax: Any, values: np.ndarray, *, axis: str = "y",
                 margin: float = 1.2) -> None:
    """Log axis that contains ``values`` (a factor ``margin`` of room) with plain labels.

    The ticks are :func:`log_ticks`, labelled as plain numbers (0.2, 0.5, 1, 2), with
    no minor ticks.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return
    low, high = values.min() / margin, values.max() * margin
    target = ax.yaxis if axis == "y" else ax.xaxis
    if axis == "y":
        ax.set_yscale("log")
        ax.set_ylim(low, high)
    else:
        ax.set_xscale("log")
        ax.set_xlim(low, high)
    target.set_major_locator(FixedLocator(log_ticks(low, high)))
    target.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    target.set_minor_locator(NullLocator())


class BatchSizeExplorer(Explorer):
    """Validation loss per epoch and per second for SGD with different batch sizes.

    Softmax regression on the digits (``gdcourse.data.load_digits``, standardised, 1257
    training samples), trained by :func:`gdcourse.train.train` with
    :class:`gdcourse.optim.SGD` from the same initial weights for every batch size.
    Left: the validation loss at the start and after every epoch (a full pass over the
    validation split, not the running mean of mini-batch losses). Right: the same
    losses against the seconds of training (the clock stops while evaluating). The
    title says which learning rate each batch size got; the summary gives each run's
    rate, final validation loss and accuracy, its steps and its seconds.

    Wall-clock times vary between machines and between runs on the same machine
    (other programs, CPU frequency, caches): compare the runs of one press of Run with
    each other, not with a neighbour's numbers.

    Parameters
    ----------
    batch_size : int or "full", default 32
        One of 1, 8, 32, 128, 512 or "full" (``None`` also means the full batch).
    lr : float, default 0.05
        SGD learning rate, in [1e-3, 10]: the rate of every batch size with
        ``rate_rule="same"``, the rate of batch size 32 with ``"linear"``.
    epochs : int, default 3
        Passes over the training data, 1 to 5.
    compare : bool, default False
        Train with every batch size and draw them all.
    rate_rule : {"same", "linear"}, default "same"
        ``"linear"`` gives batch size ``B`` the rate ``lr * B / 32`` (the full batch
        ``lr * 1257 / 32``), which may be far above the slider's range.
    seed : int, default 0
        Seeds the data split, the initial weights and the shuffling.

    References
    ----------
    P. Goyal et al., "Accurate, large minibatch SGD: training ImageNet in 1 hour",
    arXiv:1706.02677, 2017 (the linear scaling rule).
    L. Bottou, F. E. Curtis and J. Nocedal, "Optimization methods for large-scale
    machine learning", SIAM Review 60(2), 2018, sections 3.3 and 4.
    """

    title = "Batch size: validation loss per epoch and per second"
    heavy = True

    def __init__(self, *, batch_size: int | str | None = 32, lr: float = 0.05,
                 epochs: int = 3, compare: bool = False, rate_rule: str = "same",
                 seed: int = 0) -> None:
        if batch_size is None:
            batch_size = "full"
        check_choice("batch_size", batch_size, BATCH_SIZES)
        check_number("lr", lr, *LR_RANGE)
        check_number("epochs", epochs, 1, MAX_EPOCHS, integer=True)
        if not isinstance(compare, bool):
            raise TypeError(f"compare must be True or False, got {compare!r}")
        check_choice("rate_rule", rate_rule, RATE_RULES)
        check_number("seed", seed, 0, math.inf, integer=True)
        self.seed = int(seed)
        self._initial = {"batch_size": batch_size, "lr": float(lr), "epochs": int(epochs),
                         "compare": compare, "rate_rule": rate_rule}
        self.data = load_digits(rng=np.random.default_rng(self.seed))
        # Every run starts from the same weights (see _train): its loss at epoch 0.
        start = SoftmaxRegression(self.data.n_features, self.data.n_classes,
                                  rng=np.random.default_rng(self.seed))
        self.start_loss = float(start.loss(self.data.X_val, self.data.y_val))
        super().__init__()

    # ----------------------------------------------------------------- controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        style = {"description_width": "initial"}
        return {
            "batch_size": widgets.SelectionSlider(
                options=[(_("full") if size == "full" else str(size), str(size))
                         for size in BATCH_SIZES],
                value=str(self._initial["batch_size"]), description="batch size",
                continuous_update=False, style=style),
            "lr": widgets.FloatLogSlider(
                value=self._initial["lr"], base=10, min=np.log10(LR_RANGE[0]),
                max=np.log10(LR_RANGE[1]), step=0.1, description="learning rate η (log)",
                readout_format=".2g", continuous_update=False, style=style),
            "epochs": widgets.IntSlider(
                value=self._initial["epochs"], min=1, max=MAX_EPOCHS, description="epochs",
                continuous_update=False, style=style),
            "rate_rule": widgets.ToggleButtons(
                options=[(_("same η for every B"), "same"),
                         (_f("η × B/{batch} (linear scaling)", batch=REFERENCE_BATCH),
                          "linear")],
                value=self._initial["rate_rule"], description="rate per batch size",
                tooltips=[_("every batch size gets the slider's rate"),
                          _f("batch size B gets the slider's rate × B/{batch}",
                             batch=REFERENCE_BATCH)],
                # Buttons as wide as their labels (the default width cuts long labels).
                style={**style, "button_width": "auto"}),
            "compare": widgets.Checkbox(
                value=self._initial["compare"], description="compare all batch sizes",
                indent=False),
        }

    def _make_figure(self) -> Figure:
        fig, _ = plt.subplots(1, 2, figsize=(9.0, 4.4), layout="constrained")
        return fig

    # ----------------------------------------------------------------- rates
    @property
    def n_train(self) -> int:
        return len(self.data.y_train)

    def rate_for(self, size: int | str, lr: float, rate_rule: str) -> float:
        """The learning rate batch size ``size`` gets under ``rate_rule``."""
        if rate_rule == "same":
            return float(lr)
        samples = self.n_train if size == "full" else int(size)
        return float(lr) * samples / REFERENCE_BATCH

    # ----------------------------------------------------------------- compute
    def _compute(self, *, batch_size: str, lr: float, epochs: int, compare: bool,
                 rate_rule: str) -> dict[str, Any]:
        sizes = BATCH_SIZES if compare else (_parse_size(batch_size),)
        runs = {}
        for size in sizes:
            rate = self.rate_for(size, lr, rate_rule)
            runs[size] = (rate, self._train(size, rate, epochs))
        return {"runs": runs, "lr": float(lr), "epochs": int(epochs),
                "rate_rule": rate_rule}

    def _train(self, size: int | str, lr: float, epochs: int) -> History:
        """One run; every run starts from the same weights and shuffles the same way."""
        rng = np.random.default_rng(self.seed)
        data = self.data
        model = SoftmaxRegression(data.n_features, data.n_classes, rng=rng)
        return train(model, SGD(model.params, lr=lr), data.X_train, data.y_train,
                     epochs=epochs, batch_size=None if size == "full" else size,
                     val_data=(data.X_val, data.y_val), rng=rng, progress=False)

    def label(self, size: int | str, rate: float | None = None, *,
              translated: bool = False) -> str:
        """'batch 8' or 'full batch (1257)', with ', η = 0.1' when a rate is given (in
        the language in use if ``translated``: the summary; the figure's stay English)."""
        if translated:
            name = (_f("full batch ({n})", n=self.n_train) if size == "full"
                    else _f("batch {size}", size=size))
            return name if rate is None else _f("{name}, η = {rate}", name=name,
                                                rate=_rate(rate))
        else:
            name = f"full batch ({self.n_train})" if size == "full" else f"batch {size}"
        return name if rate is None else f"{name}, η = {_rate(rate)}"

    def rule_text(self, lr: float, rate_rule: str, *, translated: bool = False) -> str:
        """What the title says about the rates: 'η = 0.05 for every batch size' (in the
        language in use if ``translated``)."""
        if translated:
            if rate_rule == "same":
                return _f("η = {lr} for every batch size", lr=_rate(lr))
            return _f("η = {lr} × B/{batch} (linear scaling: η = {lr} at B = {batch})",
                      lr=_rate(lr), batch=REFERENCE_BATCH)
        if rate_rule == "same":
            return f"η = {_rate(lr)} for every batch size"
        return (f"η = {_rate(lr)} × B/{REFERENCE_BATCH} (linear scaling: "
                f"η = {_rate(lr)} at B = {REFERENCE_BATCH})")

    # ----------------------------------------------------------------- draw
    def _draw(self, result: dict[str, Any]) -> str:
        epoch_ax, time_ax = self.fig.axes
        for ax in (epoch_ax, time_ax):
            ax.clear()
            ax.set_axis_on()  # a message may have turned it off
            ax.set_visible(True)
        for legend in list(self.fig.legends):
            legend.remove()
        epochs = result["epochs"]
        drawn = [self.start_loss]
        times = []
        for size, (rate, run) in result["runs"].items():
            style = batch_size_style(size)
            label = self.label(size, rate)
            if run.divergence is not None:
                label += f" — {short_divergence(run.divergence)}"
            done = run.epochs_completed
            losses = np.concatenate([[self.start_loss], run.val_loss[:done]])
            finite = np.isfinite(losses)
            epoch_ax.plot(np.arange(done + 1)[finite], losses[finite], label=label,
                          linewidth=1.8, markersize=6, **style)
            drawn.extend(losses[finite])
            if run.divergence is not None:
                epoch_ax.plot(np.flatnonzero(finite)[-1], losses[finite][-1],
                              color=style["color"], zorder=4, **DIVERGED_MARKER)
            seconds = run.epoch_time[:done]
            keep = np.isfinite(run.val_loss[:done]) & (seconds > 0)
            if keep.any():
                time_ax.plot(seconds[keep], run.val_loss[:done][keep], linewidth=1.8,
                             markersize=6, **style)
                times.extend(seconds[keep])
        epoch_ax.set_xlim(-0.2, epochs + 0.2)
        epoch_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        epoch_ax.set_xlabel("epoch (0 = the start)")
        epoch_ax.set_ylabel("validation loss (log scale)")
        epoch_ax.set_title("validation loss after each epoch", fontsize=11)
        # Both panels show the same losses: the same y-axis, fitted to all of them.
        for ax in (epoch_ax, time_ax):
            fit_log_axis(ax, np.array(drawn))
        if times:
            fit_log_axis(time_ax, np.array(times), axis="x", margin=1.6)
        else:
            message_axes(time_ax, "no epoch finished: nothing to put on the clock")
        time_ax.set_xlabel("seconds of training (log scale)")
        time_ax.set_ylabel("validation loss (log scale)")
        time_ax.set_title("the same losses against the clock", fontsize=11)
        for ax in (epoch_ax, time_ax):
            ax.grid(True, which="major", alpha=0.3)
        self.fig.suptitle(f"SGD, {self.rule_text(result['lr'], result['rate_rule'])}, "
                          f"{epochs} epoch{'s' if epochs != 1 else ''}", fontsize=11)
        n_runs = len(result["runs"])
        self.fig.legend(*epoch_ax.get_legend_handles_labels(), loc="outside lower center",
                        ncols=3 if n_runs > 2 else n_runs, fontsize=9, frameon=False)
        summaries = [_run_summary(self.label(size, rate, translated=True), run)
                     for size, (rate, run) in result["runs"].items()]
        rule = self.rule_text(result['lr'], result['rate_rule'], translated=True)
        if epochs == 1:
            return _f("{rule}, {epochs} epoch: {runs}", rule=rule, epochs=epochs,
                      runs="; ".join(summaries))
        return _f("{rule}, {epochs} epochs: {runs}", rule=rule, epochs=epochs,
                  runs="; ".join(summaries))


def _parse_size(label: str) -> int | str:
    return label if label == "full" else int(label)


def _rate(value: float) -> str:
    """A rate as the slider shows it (two significant digits)."""
    return f"{value:.2g}"


def _run_summary(label: str, run: History) -> str:
    """'batch 32, η = 0.05: val loss 0.401, accuracy 0.937, 120 steps in 0.021 s'."""
    seconds = run.time[-1] if run.steps else 0.0
    if run.divergence is not None:
        return f"{label}: {run.divergence} ({seconds:.2g} s)"
    return _f("{label}: val loss {loss:.3g}, accuracy {accuracy:.3f}, {steps} steps in "
              "{seconds:.2g} s", label=label, loss=run.val_loss[-1],
              accuracy=run.val_metric[-1], steps=run.steps, seconds=seconds)
