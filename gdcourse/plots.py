"""Figures for the course: landscapes with paths, loss curves, schedules, range tests.

Every function takes plain results (a :class:`~gdcourse.trajectories.Trajectory`, a
:class:`~gdcourse.train.History`, a range-test result, arrays of rates, layer
statistics) and either draws on the ``ax`` you pass or makes a new figure. It returns
the :class:`matplotlib.figure.Figure`; nothing is shown or saved for you:

* in a notebook the figure appears when the call is the last line of a cell, or with
  ``IPython.display.display(fig)``;
* anywhere, ``fig.savefig("name.png")`` writes it to a file.

New figures are not kept by ``matplotlib.pyplot`` (each is closed right after it is
made), so a widget that redraws a hundred times does not pile up open figures.

Colours are the Okabe–Ito palette [1]_, which stays distinguishable with the common
forms of colour blindness; each optimizer keeps its colour in every figure of the
course (:data:`OPTIMIZER_COLORS`), and every colour comes with its own line style and
marker so that a grey-scale printout still tells the lines apart.

This module is the only one in :mod:`gdcourse` that imports matplotlib;
``import gdcourse`` does not load it.

References
----------
.. [1] M. Okabe and K. Ito, "Color Universal Design (CUD): How to make figures and
   presentations that are friendly to colorblind people", 2008.
   https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import math
import numbers
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import i18n as _i18n
from .geometry import first_exit

__all__ = [
    "PALETTE",
    "OKABE_ITO",
    "OPTIMIZER_COLORS",
    "color_for",
    "style_for",
    "MIN_MARKER",
    "START_MARKER",
    "DIVERGED_MARKER",
    "markevery_for",
    "short_divergence",
    "drawable_path",
    "message_axes",
    "set_loss_axis",
    "plot_landscape",
    "plot_loss_curves",
    "plot_train_val",
    "plot_schedule",
    "plot_lr_finder",
    "SUGGESTION_STYLES",
    "suggestion_style",
    "plot_layer_statistics",
    "plot_layer_std",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

# The colours for lines, in the order they are handed out. Yellow is left out: it is
# too faint as a line on white; it marks the minima instead.
PALETTE = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["black"],
)

# The second cue: each palette colour has its own line style and marker.
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1)), "-")
# No crosses: a cross marks where a run diverged.
_MARKERS = ("h", "s", "^", "D", "v", "<", "o")

OPTIMIZER_COLORS = {
    "SGD": OKABE_ITO["black"],
    "momentum": OKABE_ITO["sky blue"],
    # Not blue next to momentum's sky blue: the two are raced side by side.
    "Nesterov": OKABE_ITO["bluish green"],
    "Adagrad": OKABE_ITO["blue"],
    "RMSprop": OKABE_ITO["reddish purple"],
    "Adam": OKABE_ITO["vermillion"],
    "AdamW": OKABE_ITO["orange"],
}

# Word in a label -> optimizer, most specific first: "SGD, momentum 0.9" is momentum,
# "Nesterov momentum" is Nesterov, "AdamW" is not Adam.
_OPTIMIZER_WORDS = (
    ("nesterov", "Nesterov"),
    ("momentum", "momentum"),
    ("adamw", "AdamW"),
    ("adam", "Adam"),
    ("adagrad", "Adagrad"),
    ("rmsprop", "RMSprop"),
    ("sgd", "SGD"),
    ("gd", "SGD"),
)

# The marks every figure of the course shares: a minimum is a yellow star, a starting
# point a white circle, and the point where a run diverged a cross in the run's colour
# (pass ``color=``). Use them as ``ax.plot(x, y, **MIN_MARKER)``.
MIN_MARKER = {"marker": "*", "markersize": 16, "markerfacecolor": OKABE_ITO["yellow"],
               "markeredgecolor": "black", "markeredgewidth": 1.0, "linestyle": "none"}
START_MARKER = {"marker": "o", "markersize": 9, "markerfacecolor": "white",
                 "markeredgecolor": "black", "markeredgewidth": 1.5, "linestyle": "none"}
DIVERGED_MARKER = {"marker": "X", "markersize": 11, "markeredgecolor": "white",
                    "markeredgewidth": 0.8, "linestyle": "none"}
# Light greys under the paths: low loss white, high loss grey, so that every palette
# colour stays readable on top.
_LANDSCAPE_CMAP = LinearSegmentedColormap.from_list("gdcourse_landscape",
                                                    ["#FFFFFF", "#A8A8A8"])
_LEGEND_FONTSIZE = 9

# Chinese in use (GDCOURSE_LANG=zh_CN, or gdcourse.set_language("zh_CN") earlier): give
# matplotlib the font with the course's Chinese characters (see gdcourse.fonts).
if _i18n.uses_chinese():
    from .fonts import register as _register_chinese_font

    _register_chinese_font()


# ----------------------------------------------------------------------- colours
def _optimizer_name(label: str) -> str | None:
    words = re.findall(r"[a-z0-9]+", str(label).lower())
    for word, name in _OPTIMIZER_WORDS:
        if word in words:
            return name
    return None


def color_for(label: str, index: int = 0) -> str:
    """The colour of a line: the optimizer's own colour, else the palette's ``index``-th.

    Parameters
    ----------
    label : str
        The line's label. A label naming an optimizer ("Adam", "SGD lr=0.1",
        "SGD, momentum 0.9", "Nesterov") gets that optimizer's colour from
        :data:`OPTIMIZER_COLORS`.
    index : int
        Position of the line, for labels that name no optimizer.

    Returns
    -------
    str
        A hex colour from :data:`PALETTE`.
    """
    name = _optimizer_name(label)
    if name is not None:
        return OPTIMIZER_COLORS[name]
    return PALETTE[index % len(PALETTE)]


def style_for(label: str, index: int = 0) -> dict[str, Any]:
    """Colour, line style and marker of a line, as keyword arguments for ``ax.plot``.

    The line style and marker go with the colour, so an optimizer looks the same in
    every figure.
    """
    return _style_of_color(color_for(label, index), repeat=0)


def _style_of_color(color: str, repeat: int) -> dict[str, Any]:
    slot = PALETTE.index(color)
    return {"color": color,
            "linestyle": _LINESTYLES[(slot + repeat) % len(_LINESTYLES)],
            "marker": _MARKERS[(slot + repeat) % len(_MARKERS)]}


def _styles_for(labels: Sequence[str]) -> list[dict[str, Any]]:
    """One distinct style per label: optimizers keep their colour where they can.

    When two labels name the same optimizer (say "SGD lr=0.01" and "SGD lr=0.1"), the
    first keeps the optimizer's colour and the second takes an unused one, because
    within one figure telling the lines apart matters more.
    """
    colors: list[str | None] = [None] * len(labels)
    used: set[str] = set()
    for i, label in enumerate(labels):
        name = _optimizer_name(label)
        if name is not None and OPTIMIZER_COLORS[name] not in used:
            colors[i] = OPTIMIZER_COLORS[name]
            used.add(colors[i])
    free = [c for c in PALETTE if c not in used]
    styles = []
    extra = 0
    for i, color in enumerate(colors):
        if color is None:
            if free:
                color = free.pop(0)
                repeat = 0
            else:  # more lines than colours: reuse colours with another style
                color = PALETTE[extra % len(PALETTE)]
                repeat = 1 + extra // len(PALETTE)
                extra += 1
        else:
            repeat = 0
        styles.append(_style_of_color(color, repeat))
    return styles


# ------------------------------------------------------------------------ helpers
def _new_figure(figsize: tuple[float, float]):
    """A constrained-layout figure that ``pyplot`` does not keep open.

    Made through ``pyplot`` so that Jupyter's inline backend is active and knows how
    to display a returned figure, then closed so that ``pyplot`` neither shows it a
    second time at the end of the cell nor keeps it in memory.
    """
    fig = plt.figure(figsize=figsize, layout="constrained")
    plt.close(fig)
    return fig


def _axes_or_new(ax, figsize: tuple[float, float]):
    if ax is None:
        fig = _new_figure(figsize)
        return fig, fig.add_subplot()
    return ax.figure, ax


def message_axes(ax, text: str):
    """Clear ``ax`` and write ``text`` in its middle, instead of an empty plot.

    Used for states with nothing to draw, e.g. "diverged at step 37: loss is inf —
    try a smaller learning rate".

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    text : str

    Returns
    -------
    matplotlib.text.Text
        The message.
    """
    ax.clear()
    ax.set_axis_off()
    fontsize = 11
    # Wrap to the axes' width (a character is about 0.55 em wide).
    figure = ax.figure  # in a sub-figure, its `.figure` is the root Figure (mpl >= 3.7)
    root = figure if hasattr(figure, "get_figwidth") else figure.figure
    width_points = ax.get_position().width * root.get_figwidth() * 72
    columns = max(12, int(width_points / (0.55 * fontsize)) - 4)
    wrapped = "\n".join(textwrap.fill(line, columns) for line in str(text).splitlines())
    return ax.text(0.5, 0.5, wrapped, transform=ax.transAxes, ha="center",
                   va="center", fontsize=fontsize,
                   bbox={"boxstyle": "round,pad=0.6", "facecolor": "#F7F7F7",
                         "edgecolor": "#A8A8A8"})


def short_divergence(divergence) -> str:
    """The divergence sentence without its advice, for a legend entry or a title.

    Parameters
    ----------
    divergence : gdcourse.divergence.Divergence or str
        E.g. ``"diverged at step 37: loss is inf — try a smaller learning rate"``.

    Returns
    -------
    str
        ``"diverged at step 37: loss is inf"``; any other text unchanged.
    """
    return str(divergence).split(" — ")[0]


def _finite_prefix(values: np.ndarray) -> int:
    """Length of the leading run of finite entries (rows, for a 2-D array)."""
    finite = np.isfinite(values)
    if finite.ndim > 1:
        finite = finite.all(axis=tuple(range(1, finite.ndim)))
    bad = np.flatnonzero(~finite)
    return int(bad[0]) if bad.size else len(values)


def _as_1d(values, what: str) -> np.ndarray:
    array = np.asarray(values if values is not None else [], dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{what} must be 1-D, but has shape {array.shape}")
    return array


def _legend(ax, *, below: bool | None = False, **kwargs):
    """A legend if anything is labelled (an empty legend warns).

    ``below=True`` puts it under the axes, where it hides nothing; ``below=None``
    does so only for long or many entries, which inside would cover the lines.
    """
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    longest = max(len(line) for label in labels for line in label.split("\n"))
    if below is None:
        below = longest > 30 or len(labels) > 4
    if below:
        ncols = 1 if longest > 40 else 2 if len(labels) > 3 else 3
        return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=ncols,
                         fontsize=_LEGEND_FONTSIZE, frameon=False, **kwargs)
    return ax.legend(fontsize=_LEGEND_FONTSIZE, **kwargs)


def _plain_log_label(value: float, _position=None) -> str:
    """'0.2', '0.3', '0.5', '1', '2', ... on a log axis: 1, 2, 3 and 5 times powers of ten."""
    if value <= 0:
        return ""
    mantissa = round(value / 10 ** math.floor(math.log10(value) + 1e-9), 6)
    return f"{value:g}" if mantissa in (1, 2, 3, 5) else ""


def _set_log_y(ax, values: np.ndarray, label: str) -> None:
    """Log y-axis unless some value is negative; then linear, and the label says why.

    Values of exactly 0 (a loss that reached its minimum, or underflowed) are left out
    of a log axis rather than giving up the log scale.
    """
    finite = values[np.isfinite(values)]
    positive = finite[finite > 0]
    if positive.size and not np.any(finite < 0):
        ax.set_yscale("log", nonpositive="mask")
        ax.set_ylabel(f"{label} (log scale)")
        if np.log10(positive.max() / positive.min()) < 2:
            # Powers of ten alone would leave one or two labels: label 0.2, 0.5, ...
            # too, as plain numbers.
            ax.yaxis.set_major_formatter(FuncFormatter(_plain_log_label))
            ax.yaxis.set_minor_formatter(FuncFormatter(_plain_log_label))
    elif np.any(finite < 0):
        ax.set_ylabel(f"{label} (linear: some values < 0)")
    else:
        ax.set_ylabel(label)


def markevery_for(n_points: int) -> int:
    """The ``markevery`` that puts about a dozen markers on a line of ``n_points``.

    Markers tell the lines apart in grey scale; a marker on every point of a long
    path would hide the path.
    """
    return max(1, math.ceil(n_points / 12))


# ---------------------------------------------------------------------- landscape
def _landscape_levels(Z: np.ndarray, levels: int, log_levels: bool, min_value=None):
    """Contour levels: log-spaced above the minimum, or evenly spaced.

    Log spacing above the lowest value puts as many contours in the narrow valley of
    Rosenbrock (values below 1) as on its walls (up to thousands). A function that
    takes both signs and has no known minimum (the saddle) has no bottom to measure
    from, so it gets even spacing.
    """
    finite = Z[np.isfinite(Z)]
    zmin, zmax = float(finite.min()), float(finite.max())
    if zmax <= zmin:
        return None
    has_minimum = min_value is not None and np.isfinite(min_value)
    if not log_levels or (zmin < 0 < zmax and not has_minimum):
        return np.linspace(zmin, zmax, levels)
    base = zmin
    if has_minimum and min_value <= zmin:
        base = float(min_value)
    span = zmax - base
    shifted = finite - base
    positive = shifted[shifted > 0]
    low = max(float(np.quantile(positive, 0.002)), span * 1e-6)
    return np.unique(base + np.geomspace(low, span, levels))


def drawable_path(path: np.ndarray, bounds, diverged: bool) -> tuple[np.ndarray, bool]:
    """The part of a path to draw, and whether it was cut.

    A diverged path is drawn up to where it leaves the box, ending on the edge
    (:func:`gdcourse.geometry.first_exit`); any path stops before its first
    non-finite point, because matplotlib cannot draw coordinates like 1e300.

    Parameters
    ----------
    path : numpy.ndarray
        Shape ``(n, 2)``, e.g. :attr:`gdcourse.trajectories.Trajectory.path`.
    bounds : ((float, float), (float, float))
        The plotted box ``((xmin, xmax), (ymin, ymax))``.
    diverged : bool
        Whether the run diverged (then the path is cut at the box's edge).

    Returns
    -------
    drawn : numpy.ndarray
        Shape ``(m, 2)``, finite.
    cut : bool
        Whether ``drawn`` is shorter than (or ends elsewhere than) ``path``.
    """
    if diverged:
        exit_ = first_exit(path, bounds)
        if exit_ is not None:
            k, edge = exit_
            if k == 0:  # started outside: nothing sensible to draw
                return path[:1], True
            return np.vstack([path[:k], edge]), True
    n = _finite_prefix(path)
    return path[:n], n < len(path)


def plot_landscape(landscape, trajectories=(), *, ax=None, levels: int = 30,
                   log_levels: bool = True, show_minima: bool = True,
                   show_start: bool = True, title: str | None = None,
                   axis_labels: tuple[str, str] = (r"$\theta_1$", r"$\theta_2$")):
    """Contours of a 2-D loss with the paths of optimizers on it.

    Parameters
    ----------
    landscape : a landscape from :mod:`gdcourse.landscapes`
        Needs ``__call__(X, Y)`` (vectorised), ``bounds`` ``((xmin, xmax), (ymin,
        ymax))``, ``name``; uses ``minima`` (array ``(k, 2)``) and ``start`` if
        present.
    trajectories : Trajectory or sequence of Trajectory
        Results of :func:`gdcourse.trajectories.trace`: ``path`` ``(n + 1, 2)``,
        ``label``, ``divergence``. A diverged path is drawn up to where it leaves the
        box and ends in a cross; its legend entry says where it diverged.
    ax : matplotlib.axes.Axes, optional
        Draw here; by default a new figure is made.
    levels : int
        Number of contour levels.
    log_levels : bool
        Space the levels logarithmically above the lowest value (right for functions
        with a huge range such as Rosenbrock); ``False`` spaces them evenly.
    show_minima, show_start : bool
        Mark the known minima (stars) and the starting points (white circles).
    title : str, optional
        Defaults to the landscape's name.
    axis_labels : (str, str), default ("$\\theta_1$", "$\\theta_2$")
        The axes' labels: the two parameters, θ₁ and θ₂ in the course's notation
        (``("x", "y")`` gives the labels of earlier versions).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(trajectories, Sequence) and not isinstance(trajectories, str):
        trajectories = list(trajectories)
    else:
        trajectories = [trajectories]
    if not isinstance(levels, numbers.Integral) or isinstance(levels, bool) or levels < 2:
        raise ValueError(f"levels must be an integer >= 2, but got {levels!r}")
    (xmin, xmax), (ymin, ymax) = bounds = tuple(tuple(map(float, b))
                                                for b in landscape.bounds)
    if not (xmin < xmax and ymin < ymax):
        raise ValueError(f"landscape.bounds must be ((xmin, xmax), (ymin, ymax)) with "
                         f"min < max, but got {landscape.bounds}")
    fig, ax = _axes_or_new(ax, (6.4, 6.0))

    X, Y = np.meshgrid(np.linspace(xmin, xmax, 241), np.linspace(ymin, ymax, 241))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        Z = np.asarray(landscape(X, Y), dtype=float)
    if np.isfinite(Z).any():
        contour_levels = _landscape_levels(Z, levels, log_levels,
                                           getattr(landscape, "min_value", None))
        if contour_levels is not None and contour_levels.size >= 2:
            Zm = np.ma.masked_invalid(Z)
            fill = np.concatenate([[min(Zm.min(), contour_levels[0])], contour_levels])
            ax.contourf(X, Y, Zm, levels=np.unique(fill), cmap=_LANDSCAPE_CMAP,
                        extend="max")
            ax.contour(X, Y, Zm, levels=contour_levels, colors="#6E6E6E",
                       linewidths=0.5, linestyles="solid", alpha=0.8)

    labels = [_run_label(t, i) for i, t in enumerate(trajectories)]
    styles = _styles_for(labels)
    starts = []
    for trajectory, label, style in zip(trajectories, labels, styles):
        path = np.asarray(trajectory.path, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"trajectory {label!r}: path must have shape (n + 1, 2), "
                             f"but has shape {path.shape}")
        divergence = getattr(trajectory, "divergence", None)
        drawn, cut = drawable_path(path, bounds, divergence is not None)
        if divergence is not None:
            label = f"{label}\n{short_divergence(divergence)}"
        if len(drawn):
            ax.plot(drawn[:, 0], drawn[:, 1], color=style["color"],
                    linestyle=style["linestyle"], marker=style["marker"],
                    markevery=markevery_for(len(drawn)), markersize=5, linewidth=1.8,
                    label=label, zorder=3)
            starts.append(tuple(drawn[0]))
            if divergence is not None:  # may sit on the edge: draw it whole
                ax.plot(*drawn[-1], color=style["color"], zorder=4, clip_on=False,
                        **DIVERGED_MARKER)

    if show_start:
        if not starts and getattr(landscape, "start", None) is not None:
            starts = [tuple(np.asarray(landscape.start, dtype=float))]
        unique_starts = np.unique(np.round(np.array(starts), 12), axis=0) if starts \
            else np.empty((0, 2))
        if len(unique_starts):
            ax.plot(unique_starts[:, 0], unique_starts[:, 1], zorder=5,
                    label="start" if len(unique_starts) == 1 else "starts",
                    **START_MARKER)
    minima = np.asarray(getattr(landscape, "minima", np.empty((0, 2))), dtype=float)
    if show_minima and minima.size:
        minima = minima.reshape(-1, 2)
        ax.plot(minima[:, 0], minima[:, 1], zorder=6,
                label="minimum" if len(minima) == 1 else "minima", **MIN_MARKER)

    # Fix the view to the landscape: a diverged path must not zoom the plot out to 1e30.
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.autoscale(False)
    aspect = (ymax - ymin) / (xmax - xmin)
    if 1 / 3 <= aspect <= 3:  # equal scales show gradients perpendicular to contours
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    # The pad keeps a cross on the top edge off the title.
    ax.set_title(title if title is not None else str(getattr(landscape, "name", "")),
                 pad=10)
    _legend(ax, below=True)
    return fig


def set_loss_axis(ax, landscape, *, span: tuple[float, float] = (1e-16, 1e4),
                  margin: float = 0.08) -> float | None:
    """Fix the y axis for the losses of runs on ``landscape`` before any run is drawn.

    Limits chosen from the landscape alone stay put while a slider changes the runs,
    so an explorer only has to move its lines. With a known minimum :math:`f^*` the
    axis shows the gap :math:`f - f^*` on a log scale, from ``span[0]`` to ``span[1]``
    times the gap at the start: a converging run falls along a straight line, a
    diverging one leaves at the top. Without a minimum (the saddle) it shows the loss
    itself, on a linear scale over the range of the loss in the box.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    landscape : gdcourse.landscapes.Landscape
    span : (float, float), default (1e-16, 1e4)
        The log axis's limits as multiples of the starting gap.
    margin : float, default 0.08
        The linear axis's room above and below the loss range, as a fraction of it.

    Returns
    -------
    float or None
        The minimum to subtract from the losses before plotting them, or None when
        the axis shows the losses as they are.
    """
    start = float(landscape.value(landscape.start))
    if math.isfinite(landscape.min_value):
        gap = max(start - landscape.min_value, 1e-12)
        ax.set_yscale("log", nonpositive="mask")
        ax.set_ylim(gap * span[0], gap * span[1])
        depths = [landscape.value(point) for point in landscape.minima]
        minimum = "minimum" if np.allclose(depths, depths[0]) else "deepest minimum"
        ax.set_ylabel(f"loss − {minimum} (log scale)")
        return landscape.min_value
    low, high = landscape.value_range()
    room = margin * (high - low) if high > low else 1.0
    ax.set_yscale("linear")
    ax.set_ylim(low - room, high + room)
    ax.set_ylabel("loss (linear: no minimum)")
    return None


# ------------------------------------------------------------------- loss curves
def _run_label(run, index: int) -> str:
    """A run's label, else its optimizer's name (a History), else "run <n>"."""
    return str(getattr(run, "label", None) or getattr(run, "optimizer_name", None)
               or f"run {index + 1}")


def _runs_with_labels(runs, labels) -> list[tuple[str, Any]]:
    if isinstance(runs, Mapping):
        pairs = [(str(k), v) for k, v in runs.items()]
    elif isinstance(runs, Sequence) and not isinstance(runs, str):
        pairs = [(_run_label(r, i), r) for i, r in enumerate(runs)]
    else:
        pairs = [(_run_label(runs, 0), runs)]
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(pairs):
            raise ValueError(f"Got {len(labels)} labels for {len(pairs)} runs")
        pairs = [(str(label), run) for label, (_, run) in zip(labels, pairs)]
    return pairs


def _loss_series(run, x: str, label: str) -> tuple[np.ndarray, np.ndarray]:
    """(x values, losses) of a Trajectory or a History, for ``x`` in step/epoch/time."""
    if hasattr(run, "path"):  # a Trajectory: one loss per point of the path
        if x != "step":
            raise ValueError(f"run {label!r} is a Trajectory, which has losses per "
                             f"step only; use x='step' (got x={x!r})")
        losses = _as_1d(run.losses, f"losses of run {label!r}")
        return np.arange(len(losses), dtype=float), losses
    if hasattr(run, "step_loss"):  # a History
        if x == "epoch":
            losses = _as_1d(run.epoch_loss, f"epoch_loss of run {label!r}")
            return np.arange(1, len(losses) + 1, dtype=float), losses
        losses = _as_1d(run.step_loss, f"step_loss of run {label!r}")
        if x == "step":  # entry t is the loss after t updates, as for a Trajectory
            return np.arange(len(losses), dtype=float), losses
        times = _as_1d(run.time, f"time of run {label!r}")
        if len(times) != len(losses):
            raise ValueError(f"run {label!r}: {len(times)} times for {len(losses)} "
                             f"step losses")
        return times, losses
    raise TypeError(f"run {label!r}: expected a Trajectory or a History, but got "
                    f"{type(run).__name__}")


def _smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """Exponential moving average with bias correction (as in the range test [2]_)."""
    out = np.empty_like(values)
    average = 0.0
    for i, value in enumerate(values):
        average = weight * average + (1 - weight) * value
        out[i] = average / (1 - weight ** (i + 1))
    return out


_X_LABELS = {"step": "step", "epoch": "epoch", "time": "wall-clock time (seconds)"}


def plot_loss_curves(runs, *, x: str = "step", log: bool = True, ax=None, labels=None,
                     smooth: float | None = None):
    """Loss against step, epoch or seconds, for one run or several.

    Parameters
    ----------
    runs : Trajectory, History, sequence of them, or dict label -> run
        A :class:`~gdcourse.trajectories.Trajectory` has a loss per step (``x="step"``
        only, counting from 0 = the start); a :class:`~gdcourse.train.History` has a
        mini-batch loss per step (``x="step"`` or ``"time"``) and a mean loss per epoch
        (``x="epoch"``).
    x : {"step", "epoch", "time"}
        ``"time"`` uses the recorded cumulative wall-clock seconds of each step.
    log : bool
        Log-scaled loss axis; falls back to linear (and says so) when some loss is
        negative, e.g. on the saddle. Losses of exactly 0 are left out of a log axis.
    ax : matplotlib.axes.Axes, optional
    labels : sequence of str, optional
        Replace the runs' own labels.
    smooth : float in [0, 1), optional
        Draw an exponential moving average with this weight (e.g. 0.9) in bold over
        the raw losses, drawn faint.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    A diverged run is drawn up to its last finite loss, which gets a cross, and its
    legend entry says where it diverged.

    References
    ----------
    .. [2] L. N. Smith, "Cyclical learning rates for training neural networks",
       WACV 2017, arXiv:1506.01186.
    """
    if x not in _X_LABELS:
        raise ValueError(f"x must be 'step', 'epoch' or 'time', but got {x!r}")
    if smooth is not None and not (0 <= smooth < 1):
        raise ValueError(f"smooth must be in [0, 1), but got {smooth!r}")
    pairs = _runs_with_labels(runs, labels)
    fig, ax = _axes_or_new(ax, (6.4, 4.8))
    styles = _styles_for([label for label, _ in pairs])
    drawn_values = []
    for (label, run), style in zip(pairs, styles):
        xs, losses = _loss_series(run, x, label)
        n = _finite_prefix(losses)
        xs, losses = xs[:n], losses[:n]
        divergence = getattr(run, "divergence", None)
        if divergence is not None:
            label = f"{label} — {short_divergence(divergence)}"
        line_kw = {"color": style["color"], "linestyle": style["linestyle"]}
        marker_kw = {"marker": style["marker"], "markevery": markevery_for(n),
                     "markersize": 5}
        if smooth is not None and n:
            ax.plot(xs, losses, color=style["color"], alpha=0.3, linewidth=0.8)
            ax.plot(xs, _smooth(losses, smooth), linewidth=2, label=label,
                    **line_kw, **marker_kw)
        else:
            ax.plot(xs, losses, linewidth=1.8, label=label, **line_kw, **marker_kw)
        if divergence is not None and n:
            ax.plot(xs[-1], losses[-1], color=style["color"], zorder=4,
                    **DIVERGED_MARKER)
        drawn_values.append(losses)
    values = np.concatenate(drawn_values) if drawn_values else np.empty(0)
    if log:
        _set_log_y(ax, values, "loss")
    else:
        ax.set_ylabel("loss")
    ax.set_xlabel(_X_LABELS[x])
    if x != "time":
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, which="major", alpha=0.3)
    _legend(ax, below=None)
    return fig


def plot_train_val(history, *, ax=None):
    """Training and validation loss per epoch, and the metric, of one training run.

    Parameters
    ----------
    history : History
        From :func:`gdcourse.train.train`: ``epoch_loss``, ``val_loss``,
        ``train_metric``, ``val_metric``, ``metric_name``, ``divergence``.
    ax : matplotlib.axes.Axes, optional
        By default a new figure with two panels, loss (left) and metric (right). With
        one ``ax``, the loss goes there and the metric on a second y-axis (dotted).

    Returns
    -------
    matplotlib.figure.Figure
    """
    train_loss = _as_1d(history.epoch_loss, "epoch_loss")
    val_loss = _as_1d(getattr(history, "val_loss", None), "val_loss")
    train_metric = _as_1d(getattr(history, "train_metric", None), "train_metric")
    val_metric = _as_1d(getattr(history, "val_metric", None), "val_metric")
    metric_name = getattr(history, "metric_name", None) or "metric"
    divergence = getattr(history, "divergence", None)

    if ax is None:
        fig = _new_figure((9.0, 3.8))
        loss_ax, metric_ax = fig.subplots(1, 2, sharex=True)
        twin = False
    else:
        fig, loss_ax = ax.figure, ax
        metric_ax = ax.twinx()
        twin = True

    blue, vermillion = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    series = [(loss_ax, train_loss, "training loss", blue, "-", "o"),
              (loss_ax, val_loss, "validation loss", vermillion, "--", "s")]
    if twin:
        series += [(metric_ax, train_metric, f"training {metric_name}", blue, ":", "^"),
                   (metric_ax, val_metric, f"validation {metric_name}", vermillion, ":",
                    "D")]
    else:
        series += [(metric_ax, train_metric, f"training {metric_name}", blue, "-", "o"),
                   (metric_ax, val_metric, f"validation {metric_name}", vermillion,
                    "--", "s")]
    for target, values, label, color, linestyle, marker in series:
        n = _finite_prefix(values)
        if n:
            target.plot(np.arange(1, n + 1), values[:n], color=color,
                        linestyle=linestyle, marker=marker,
                        markevery=markevery_for(n), markersize=5, label=label)

    losses = np.concatenate([train_loss, val_loss])
    if not np.isfinite(losses).any():
        message_axes(loss_ax, str(divergence) if divergence is not None
                     else "no epoch finished yet")
        if twin:
            metric_ax.set_axis_off()
        else:
            message_axes(metric_ax, f"no {metric_name} recorded")
        return fig

    _set_log_y(loss_ax, losses, "loss")
    loss_title = "loss"
    if divergence is not None:
        loss_title += f"\n{short_divergence(divergence)}"
    for axes in (loss_ax, metric_ax):
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    loss_ax.grid(True, alpha=0.3)
    if twin:
        metric_ax.set_ylabel(f"{metric_name} (dotted)")
        if divergence is not None:
            loss_ax.set_title(short_divergence(divergence), fontsize=10,
                              color=OKABE_ITO["vermillion"])
        # One legend for both y-axes, below the plot: inside, the twin axes would
        # draw its lines over it.
        handles = [h for a in (loss_ax, metric_ax)
                   for h in a.get_legend_handles_labels()[0]]
        loss_ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                       ncols=2, fontsize=_LEGEND_FONTSIZE, frameon=False)
        return fig
    loss_ax.set_title(loss_title, fontsize=11,
                      color=OKABE_ITO["vermillion"] if divergence is not None else "black")
    _legend(loss_ax)
    metrics = np.concatenate([train_metric, val_metric])
    if np.isfinite(metrics).any():
        metric_ax.set_ylabel(metric_name)
        metric_ax.set_title(metric_name, fontsize=11)
        metric_ax.grid(True, alpha=0.3)
        _legend(metric_ax)
    else:
        message_axes(metric_ax, f"no {metric_name} recorded")
    return fig


# --------------------------------------------------------------------- schedules
def plot_schedule(schedules, *, ax=None, log: bool = False):
    """Learning rate against step, for one schedule or several.

    Parameters
    ----------
    schedules : array_like or dict label -> array_like
        Rates per step, e.g. from :func:`gdcourse.optim.lr_scheduler.lr_curve`.
    ax : matplotlib.axes.Axes, optional
    log : bool
        Log-scaled rate axis; a rate of 0 (the end of a cosine schedule) is left out.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The rate holds for a whole step, so it is drawn as a staircase: step decay shows
    as the jumps it is.
    """
    if isinstance(schedules, Mapping):
        pairs = [(str(k), _as_1d(v, f"schedule {k!r}")) for k, v in schedules.items()]
    else:
        pairs = [("learning rate", _as_1d(schedules, "schedule"))]
    fig, ax = _axes_or_new(ax, (6.4, 3.8))
    styles = _styles_for([label for label, _ in pairs])
    for (label, rates), style in zip(pairs, styles):
        steps = np.arange(len(rates))
        ax.plot(steps, rates, drawstyle="steps-post", label=label, linewidth=1.8,
                markevery=markevery_for(len(rates)), markersize=5, **style)
    values = np.concatenate([r for _, r in pairs]) if pairs else np.empty(0)
    if log:
        _set_log_y(ax, values, "learning rate")
    else:
        ax.set_ylabel("learning rate")
    ax.set_xlabel("step")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    if len(pairs) > 1 or isinstance(schedules, Mapping):
        _legend(ax)
    return fig


# ------------------------------------------------------------------ range test
# One colour and line style per suggestion, the same in every figure of the course.
SUGGESTION_STYLES = {
    "steepest": {"color": OKABE_ITO["bluish green"], "linestyle": ":"},
    "min/10": {"color": OKABE_ITO["reddish purple"], "linestyle": "-."},
    "min/3": {"color": OKABE_ITO["vermillion"], "linestyle": "--"},
}
_OTHER_SUGGESTION_STYLES = ({"color": OKABE_ITO["orange"], "linestyle": "--"},
                            {"color": OKABE_ITO["sky blue"], "linestyle": "-."})


def suggestion_style(name: str, index: int = 0) -> dict[str, Any]:
    """Colour and line style of a range-test suggestion (``"steepest"``, ``"min/10"``, ...)."""
    if name in SUGGESTION_STYLES:
        return dict(SUGGESTION_STYLES[name])
    return dict(_OTHER_SUGGESTION_STYLES[index % len(_OTHER_SUGGESTION_STYLES)])


def plot_lr_finder(result, *, ax=None, legend: bool = True):
    """The learning-rate range test: loss against a growing rate, with suggestions.

    Parameters
    ----------
    result : RangeTestResult
        From :mod:`gdcourse.lr_finder`: ``lrs``, ``losses``, ``smoothed_losses``,
        ``suggestions`` (name -> rate), ``stopped_early``, and ``centred_losses``
        (the curve the suggestions are read from; may be missing or None).
    ax : matplotlib.axes.Axes, optional
    legend : bool, default True
        Draw the legend (below the axes, where it hides no part of the curve).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Three curves: the raw mini-batch losses (faint), their exponential moving average
    (dashed; it lags the raw losses, and the stop rule acts on it) and the centred
    smoothing the suggestions are read from (bold). Each suggestion is a vertical line
    labelled with its rate; the two points it is read at, the steepest fall and the
    minimum of the centred curve, are marked on it. The loss axis stops a little
    above the starting loss, so the blow-up at the end does not squash the descent,
    which is the part to read. The suggestions are rules of thumb: the title says so.
    """
    lrs = _as_1d(result.lrs, "lrs")
    losses = _as_1d(result.losses, "losses")
    smoothed = _as_1d(result.smoothed_losses, "smoothed_losses")
    centred_values = getattr(result, "centred_losses", None)
    centred = _as_1d(centred_values, "centred_losses") if centred_values is not None else None
    if not (len(lrs) == len(losses) == len(smoothed)) or (
            centred is not None and len(centred) != len(lrs)):
        raise ValueError(f"lrs, losses, smoothed_losses (and centred_losses) must have the "
                         f"same length, but have {len(lrs)}, {len(losses)} and "
                         f"{len(smoothed)}")
    if np.any(lrs <= 0):
        raise ValueError("learning rates must be positive for a log axis")
    fig, ax = _axes_or_new(ax, (7.0, 5.2))
    finite = np.isfinite(losses) & np.isfinite(smoothed)
    if not finite.any():
        message_axes(ax, "the range test recorded no finite loss")
        return fig
    blue = OKABE_ITO["blue"]
    ax.plot(lrs[finite], losses[finite], color=blue, alpha=0.35, linewidth=1,
            label="raw mini-batch loss")
    beta = getattr(result, "smoothing", None)
    if beta is None:
        ema_label = "moving average (lags)"
    elif beta > 0:
        ema_label = f"moving average, β = {beta:g} (lags)"
    else:
        ema_label = "moving average, β = 0 (= the raw loss)"
    ax.plot(lrs[finite], smoothed[finite], color="0.35", linewidth=1.6, linestyle="--",
            label=ema_label)
    suggestions = dict(getattr(result, "suggestions", None) or {})
    if centred is not None:
        shown = np.isfinite(centred)
        ax.plot(lrs[shown], centred[shown], color=blue, linewidth=2.4,
                label="centred smoothing (suggestions read here)")
        if shown.any():
            at_min = int(np.flatnonzero(shown)[np.argmin(centred[shown])])
            ax.plot(lrs[at_min], centred[at_min], zorder=5,
                    **{**MIN_MARKER, "markersize": 13}, label="its minimum")
        if "steepest" in suggestions:
            at = int(np.argmin(np.abs(np.log(lrs) - np.log(suggestions["steepest"]))))
            ax.plot(lrs[at], centred[at], marker="o", markersize=8, linestyle="none",
                    markerfacecolor="white", zorder=5,
                    markeredgecolor=SUGGESTION_STYLES["steepest"]["color"],
                    markeredgewidth=2, label="its steepest fall")
    for i, (name, rate) in enumerate(suggestions.items()):
        if rate is None or not np.isfinite(rate) or rate <= 0:
            continue
        ax.axvline(rate, linewidth=1.8, label=f"{name} = {rate:.2g}",
                   **suggestion_style(name, i))

    ax.set_xscale("log")
    ax.set_xlim(lrs[0], lrs[-1])
    curves = [losses[finite], smoothed[finite]]
    if centred is not None and np.isfinite(centred).any():
        curves.append(centred[np.isfinite(centred)])
    start = float(smoothed[finite][0])
    lowest = float(min(c.min() for c in curves))
    highest = float(max(c.max() for c in curves))
    depth = start - lowest
    top = min(highest, start + max(0.5 * depth, 0.05 * abs(start)))
    if top > lowest:
        margin = 0.05 * (top - lowest)
        ax.set_ylim(lowest - margin, top + margin)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss")
    note = "suggestions are rules of thumb: confirm with a short run"
    if getattr(result, "stopped_early", False):
        note = "stopped early: the loss blew up\n" + note
    ax.set_title(f"Learning-rate range test\n{note}", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.13),
                  ncols=2, fontsize=_LEGEND_FONTSIZE, frameon=False)
    return fig


# --------------------------------------------------------------- layer statistics
_KINDS = {"activation": ("activation_values", "activation_mean", "activation_std",
                         "activation value"),
          "gradient": ("weight_grad_values", "weight_grad_mean", "weight_grad_std",
                       "weight gradient")}


def _layer_index(stat, position: int) -> int:
    """The layer's own number if it has one, else its position counted from 1."""
    layer = getattr(stat, "layer", None)
    return int(layer) if isinstance(layer, (int, np.integer)) else position + 1


def _layer_name(stat, position: int) -> str:
    layer = getattr(stat, "layer", None)
    if layer is None or isinstance(layer, (int, np.integer)):
        return f"layer {_layer_index(stat, position)}"
    return str(layer)


# The images of the bounded activations: their histograms are drawn on these ranges
# when the panels share their x-axis, so that "narrower" means narrower than the
# activation allows.
_ACTIVATION_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
# Without a shared x-axis, each panel shows the middle 99 % of its own values.
_OWN_RANGE_PERCENTILES = (0.5, 99.5)
_HISTOGRAM_BINS = 40


def _histogram_range(values: np.ndarray, own: bool) -> tuple[float, float] | None:
    """The range of one panel's (``own``) or all panels' (pooled) bins; None if degenerate."""
    if not values.size:
        return None
    low, high = (np.percentile(values, _OWN_RANGE_PERCENTILES) if own
                 else (values.min(), values.max()))
    if not high > low:  # a few outliers around a spike, or a constant
        low, high = values.min(), values.max()
    return (float(low), float(high)) if high > low else None


def plot_layer_statistics(stats, *, kind: str = "activation", fig=None,
                          sharex: bool = True):
    """Histograms of every layer's activations or weight gradients, side by side.

    Parameters
    ----------
    stats : sequence of layer statistics
        From :meth:`gdcourse.models.MLP.layer_statistics`: each with ``layer``,
        ``activation_values``, ``weight_grad_values``, their ``*_mean``/``*_std`` and
        ``dead_fraction``.
    kind : {"activation", "gradient"}
    fig : matplotlib.figure.Figure, optional
        Cleared and reused (a widget redrawing in place); by default a new figure.
    sharex : bool, default True
        True: one x-range and the same bins for every panel (for tanh and sigmoid
        activations, the activation's whole range, [-1, 1] or [0, 1]), and one y-axis
        of counts. False: each panel on its own range, the middle 99 % of its values
        (``np.percentile`` 0.5 to 99.5), and its own y-scale, so that a layer whose
        values are a thousand times smaller still shows its shape.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    With a shared x-axis, activations that shrink (or grow) from layer to layer show
    as histograms that narrow (or widen) from left to right [3]_.

    References
    ----------
    .. [3] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
       feedforward neural networks", AISTATS 2010.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'activation' or 'gradient', but got {kind!r}")
    stats = list(stats)
    values_attr, mean_attr, std_attr, xlabel = _KINDS[kind]
    if fig is None:
        # Wide enough for one row, but no wider than a notebook's output area.
        fig = _new_figure((min(max(6.4, 2.2 * len(stats)), 9.5), 3.6))
    else:
        fig.clear()
    if not stats:
        message_axes(fig.add_subplot(), "no layers to show")
        return fig
    axes = np.atleast_1d(fig.subplots(1, len(stats), sharex=sharex, sharey=sharex,
                                      squeeze=False)[0])
    all_values = [np.asarray(getattr(s, values_attr), dtype=float).ravel() for s in stats]
    finite_values = [v[np.isfinite(v)] for v in all_values]
    shared_bins: Any = _HISTOGRAM_BINS
    if sharex:
        activations = {getattr(s, "activation", None) for s in stats}
        pooled = np.concatenate(finite_values)
        bounded = (_ACTIVATION_RANGES.get(activations.pop()) if kind == "activation"
                   and len(activations) == 1 else None)
        span = (bounded if bounded is not None and pooled.size
                and bounded[0] <= pooled.min() and pooled.max() <= bounded[1]
                else _histogram_range(pooled, own=False))
        if span is not None:
            shared_bins = np.linspace(*span, _HISTOGRAM_BINS + 1)
    for i, (ax, stat, values) in enumerate(zip(axes, stats, finite_values)):
        name = _layer_name(stat, i)
        if not values.size:
            message_axes(ax, f"{name}:\nno finite values")
            continue
        bins = shared_bins
        if not sharex:
            span = _histogram_range(values, own=True)
            bins = np.linspace(*span, _HISTOGRAM_BINS + 1) if span else _HISTOGRAM_BINS
        ax.hist(values, bins=bins, color=PALETTE[0], alpha=0.85)
        activation = getattr(stat, "activation", None)
        if getattr(stat, "is_output", False):
            name = f"{name} (output)"
        elif isinstance(activation, str):
            name = f"{name} ({activation})"
        lines = [name, f"mean {getattr(stat, mean_attr):.2g}",
                 f"std {getattr(stat, std_attr):.2g}"]
        if kind == "activation" and getattr(stat, "dead_fraction", None) is not None:
            lines.append(f"dead units {stat.dead_fraction:.0%}")
        if kind == "activation" and getattr(stat, "saturated_fraction", None) is not None:
            lines.append(f"saturated {stat.saturated_fraction:.0%}")
        ax.set_title("\n".join(lines), fontsize=9.5)
        ax.set_xlabel(xlabel)
        ax.tick_params(labelsize=9)
        # Round steps (0.5, 1, 2, 5 ...) rather than matplotlib's 0.8s.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 5, 10]))
    axes[0].set_ylabel("count")
    return fig


# A spread this small next to the largest of its line is round-off: plotted as 0.
_ROUND_OFF = 1e-12


def _label_short_log_range(ax, values: np.ndarray) -> None:
    """On a log axis spanning less than a decade, label the minor ticks 2, 3, ... 9 too.

    ``_set_log_y`` labels 1, 2, 3 and 5 times powers of ten; between 0.55 and 1.4 that
    leaves the single label "1".
    """
    positive = values[np.isfinite(values) & (values > 0)]
    if not positive.size:
        return
    low, high = ax.get_ylim()  # the view, margins included
    shown = [m * 10.0 ** k for k in range(math.floor(math.log10(low)) - 1,
                                          math.floor(math.log10(high)) + 2)
             for m in (1, 2, 3, 5) if low <= m * 10.0 ** k <= high]
    if len(shown) < 2:
        every = FuncFormatter(lambda value, _position=None: f"{value:g}" if value > 0 else "")
        ax.yaxis.set_major_formatter(every)
        ax.yaxis.set_minor_formatter(every)


def _zero_layers_note(layers: Sequence[int]) -> str:
    """'std ≈ 0 in layers 1–8 (not on a log axis)' for the layers a log axis leaves out."""
    runs: list[str] = []
    start = previous = None
    for layer in sorted(set(layers)) + [None]:
        if previous is not None and layer == previous + 1:
            previous = layer
            continue
        if start is not None:
            runs.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = layer
    plural = "s" if len(set(layers)) > 1 else ""
    return f"std ≈ 0 in layer{plural} {', '.join(runs)} (not on a log axis)"


def plot_layer_std(stats_by_label, *, fig=None, colors=None):
    """Spread of activations and weight gradients against depth, per initialisation.

    Parameters
    ----------
    stats_by_label : dict label -> sequence of layer statistics
        E.g. ``{"xavier": mlp_a.layer_statistics(X, y), "kaiming": ...}``.
    fig : matplotlib.figure.Figure, optional
        Cleared and reused; by default a new figure.
    colors : dict label -> colour of :data:`PALETTE`, optional
        Fixed colours (each with its line style and marker), so that a start keeps its
        colour from figure to figure; the other labels get the palette in order.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, activation std and weight-gradient std against the layer index,
        log-scaled: a scheme that keeps the signal alive draws a flat line [3]_. The
        output layer (statistics with ``is_output``) is shaded and labelled, since its
        outputs are the scores, with no activation after them. A standard deviation of
        exactly 0 cannot sit on a log axis: the panel names those layers, and when every
        value is 0 the axis is linear from 0 up. A value below ``1e-12`` times the
        largest of its line (round-off, e.g. the gradients of identical hidden units)
        counts as 0.
    """
    if not isinstance(stats_by_label, Mapping):
        raise TypeError(f"stats_by_label must be a dict label -> layer statistics, "
                        f"but got {type(stats_by_label).__name__}")
    if fig is None:
        fig = _new_figure((9.0, 3.8))
    else:
        fig.clear()
    axes = fig.subplots(1, 2, sharex=True)
    labels = [str(k) for k in stats_by_label]
    styles = _styles_for(labels)
    if colors:
        unknown = [c for c in colors.values() if c not in PALETTE]
        if unknown:
            raise ValueError(f"colors must come from gdcourse.plots.PALETTE, got {unknown}")
        styles = [_style_of_color(colors[label], 0) if label in colors else style
                  for label, style in zip(labels, styles)]
    output_layers = {_layer_index(s, i) for stats in stats_by_label.values()
                     for i, s in enumerate(stats) if getattr(s, "is_output", False)}
    for ax, kind, title in zip(axes, ("activation", "gradient"),
                               ("activations", "weight gradients")):
        std_attr = _KINDS[kind][2]
        drawn, zero_layers = [], []
        for label, stats, style in zip(labels, stats_by_label.values(), styles):
            stats = list(stats)
            layers = [_layer_index(s, i) for i, s in enumerate(stats)]
            stds = np.array([getattr(s, std_attr) for s in stats], dtype=float)
            finite = stds[np.isfinite(stds)]
            # Round-off (identical units leave 1e-18 where the output layer has 1e-2)
            # is drawn as what it is, 0, rather than stretching the axis over 30 decades.
            largest = float(finite.max()) if finite.size else 0.0
            stds = np.where(stds <= _ROUND_OFF * largest, 0.0, stds)
            ax.plot(layers, stds, label=label, linewidth=1.8, markersize=6, **style)
            drawn.append(stds)
            zero_layers += [layer for layer, std in zip(layers, stds) if std == 0]
        values = np.concatenate(drawn) if drawn else np.empty(0)
        _set_log_y(ax, values, "standard deviation")
        if ax.get_yscale() == "log":
            _label_short_log_range(ax, values)
        finite = values[np.isfinite(values)]
        if finite.size and not np.any(finite != 0):
            # Nothing to scale a log axis by, and a spread is never negative.
            ax.set_ylim(0.0, 1.0)
            ax.text(0.05, 0.55, "every standard\ndeviation is 0", transform=ax.transAxes,
                    ha="left", va="center", fontsize=9.5)
        elif zero_layers and ax.get_yscale() == "log":
            ax.text(0.03, 0.03, _zero_layers_note(zero_layers), transform=ax.transAxes,
                    ha="left", va="bottom", fontsize=9)
        for layer in output_layers:
            # Shaded, and named above the axes where no line can cover the label.
            ax.axvspan(layer - 0.5, layer + 0.5, color="#E8E8E8", zorder=0, linewidth=0)
            ax.text(layer, 1.01, "output", transform=ax.get_xaxis_transform(),
                    ha="center", va="bottom", fontsize=9, color="#505050")
        all_layers = [_layer_index(s, i) for stats in stats_by_label.values()
                      for i, s in enumerate(stats)]
        if all_layers:
            ax.set_xlim(min(all_layers) - 0.5, max(all_layers) + 0.5)
        ax.set_xlabel("layer")
        # On the left, when "output" sits above the right end of the axes.
        ax.set_title(title, fontsize=11, loc="left" if output_layers else "center")
        # Every layer up to 9 of them; beyond, every other one (labels would touch).
        few = len(set(all_layers)) <= 9
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=9 if few else 6))
        ax.grid(True, which="major", alpha=0.3)
    _legend(axes[0])
    return fig
