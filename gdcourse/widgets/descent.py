r"""Gradient descent one step at a time, on a curve or on a 2-D landscape.

:class:`StepByStepExplorer` shows the iterates of plain gradient descent
(``gdcourse.optim.SGD``) on the loss, next to the loss curve, and lets the learner add
one step (Step), 25 steps (Run) or start again (Reset)::

    StepByStepExplorer(landscape="double well", lr=0.1)

The run is always :func:`gdcourse.functions.trace` with the current number of steps,
so the picture for a given landscape, learning rate and step count is always the same
(pressing Step five times is the same as typing 5).

The two 1-D losses, :class:`Parabola` and :class:`DoubleWell`, are landscapes that are
flat along :math:`y`: :math:`f(x, y) = g(x)`. Their gradient is :math:`(g'(x), 0)`, so
:math:`y` never moves from 0 and :func:`~gdcourse.functions.trace` runs them exactly
like a 1-D descent :math:`x \leftarrow x - \eta\, g'(x)`.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..functions import LANDSCAPES, Landscape, Trajectory, trace
from ..optim import SGD
from ..plots import (_DIVERGED_MARKER, _MIN_MARKER, _START_MARKER, _drawable_path,
                     OKABE_ITO, plot_landscape, style_for)
from ._base import Explorer

__all__ = ["Curve", "Parabola", "DoubleWell", "CURVES", "StepByStepExplorer"]

MAX_STEPS = 300
RUN_STEPS = 25
# The loss panel's step axis: the first of these at least as long as the run.
_STEP_AXIS_STAGES = (10, 25, 50, 100, 200, MAX_STEPS)
LR_RANGE = (1e-4, 10.0)


# =============================================================================
# Two 1-D losses, as landscapes flat along y
# =============================================================================
class Curve(Landscape):
    """A 1-D loss :math:`g(x)` seen as the landscape :math:`f(x, y) = g(x)`.

    Subclasses implement ``g(x)`` and its derivative ``slope(x)`` (both elementwise on
    arrays) and set ``name``, ``minima_x``, ``x_bounds`` and ``start_x``.
    """

    minima_x: tuple[float, ...] = ()
    x_bounds: tuple[float, float] = (-1.0, 1.0)
    start_x: float = 0.0

    def __init__(self) -> None:
        minima = np.array([[x, 0.0] for x in self.minima_x], dtype=float).reshape(-1, 2)
        minima.flags.writeable = False
        self.minima = minima
        self.min_value = float(min(self.g(x) for x in self.minima_x))
        # The y half of the box only matters to trace's escape test: y stays 0.
        self.bounds = (self.x_bounds, (-1.0, 1.0))
        start = np.array([self.start_x, 0.0])
        start.flags.writeable = False
        self.start = start

    def g(self, x: Any) -> Any:
        raise NotImplementedError

    def slope(self, x: Any) -> Any:
        raise NotImplementedError

    def _value(self, x, y):
        return self.g(x) + 0.0 * y  # 0 * y: broadcast like a 2-D landscape on a grid

    def _grad(self, x, y):
        return (self.slope(x), 0.0)


class Parabola(Curve):
    r""":math:`g(x) = x^2`: curvature 2, so descent converges iff :math:`\eta < 1`.

    At :math:`\eta = 0.5` it lands on the minimum in one step; at :math:`\eta = 1` it
    jumps between :math:`\pm x_0` for ever.
    """

    name = "parabola"
    minima_x = (0.0,)
    x_bounds = (-5.0, 5.0)
    start_x = 4.0

    def g(self, x):
        return x * x

    def slope(self, x):
        return 2.0 * x


class DoubleWell(Curve):
    r""":math:`g(x) = (x^2 - 1)^2`: two minima at :math:`x = \pm 1` (curvature 8).

    From :math:`x_0 = 2` small steps roll into the near well, larger ones jump over
    the hump at 0 into the far one, and beyond :math:`\eta \approx 0.2` the first
    step lands so high up the far wall that the run blows up.
    """

    name = "double well"
    minima_x = (-1.0, 1.0)
    x_bounds = (-2.2, 2.2)
    start_x = 2.0

    def g(self, x):
        return (x * x - 1.0) ** 2

    def slope(self, x):
        return 4.0 * x * (x * x - 1.0)


CURVES: dict[str, type[Curve]] = {cls.name: cls for cls in (Parabola, DoubleWell)}


# =============================================================================
# The explorer
# =============================================================================
def _landscape_options() -> list[tuple[str, str]]:
    """Dropdown (label, value) pairs: the 1-D curves first, then the 2-D landscapes."""
    return ([(f"1-D: {name}", name) for name in CURVES]
            + [(f"2-D: {name}", name) for name in LANDSCAPES])


def _choose_landscape(name: Any) -> str:
    """The dropdown value for ``name`` (a value or a label, any case), or ValueError."""
    if not isinstance(name, str):
        raise TypeError(f"landscape must be a string, got {type(name).__name__}")
    wanted = name.strip().lower()
    for label, value in _landscape_options():
        if wanted in (label.lower(), value.lower()):
            return value
    choices = ", ".join(repr(value) for _, value in _landscape_options())
    raise ValueError(f"unknown landscape {name!r}; choose one of: {choices}")


def _check_lr(lr: Any) -> float:
    if isinstance(lr, bool) or not isinstance(lr, (int, float)):
        raise TypeError(f"lr must be a number, got {lr!r}")
    low, high = LR_RANGE
    if not low <= lr <= high:
        raise ValueError(f"lr must be between {low:g} and {high:g} (the slider's "
                         f"range), got {lr!r}")
    return float(lr)


def _check_steps(steps: Any) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be an integer, got {steps!r}")
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 0 and {MAX_STEPS}, got {steps}")
    return steps


def _wrap(text: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(text, width))


class StepByStepExplorer(Explorer):
    """Gradient descent step by step: the iterates on the loss, and the loss curve.

    Parameters
    ----------
    landscape : str, default "parabola"
        ``"parabola"`` or ``"double well"`` (1-D), or a 2-D landscape of
        :data:`gdcourse.functions.LANDSCAPES` such as ``"Rosenbrock"``; the dropdown's
        labels (``"1-D: parabola"``) work too.
    lr : float, default 0.1
        The learning rate, in ``[1e-4, 10]``.
    steps : int, default 0
        Steps already taken, in ``[0, 300]``.

    Notes
    -----
    The loss panel shows the loss minus the landscape's smallest known value,
    :math:`f(x_t) - f^*`, on a log scale: for a run that converges it falls along a
    straight line once the iterates are close to a minimum [1]_. On the saddle, which
    has no minimum, it shows the loss itself on a linear scale.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
       2006, section 3.3.
    """

    title = "Gradient descent, step by step"

    def __init__(self, landscape: str = "parabola", lr: float = 0.1,
                 steps: int = 0) -> None:
        self._initial = {"landscape": _choose_landscape(landscape), "lr": _check_lr(lr),
                         "steps": _check_steps(steps)}
        self._landscapes: dict[str, Landscape] = {}
        self._drawn_landscape: str | None = None
        super().__init__()

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        wide = {"description_width": "initial"}
        landscape = widgets.Dropdown(options=_landscape_options(),
                                     value=self._initial["landscape"],
                                     description="loss", style=wide)
        lr = widgets.FloatLogSlider(value=self._initial["lr"], base=10,
                                    min=math.log10(LR_RANGE[0]),
                                    max=math.log10(LR_RANGE[1]), step=0.01,
                                    description="learning rate", readout_format=".2g",
                                    style=wide)
        steps = widgets.BoundedIntText(value=self._initial["steps"], min=0,
                                       max=MAX_STEPS, description="steps taken",
                                       style=wide, layout=widgets.Layout(width="150px"))
        step_button = widgets.Button(description="Step", icon="step-forward",
                                     tooltip="Take one gradient step")
        run_button = widgets.Button(description=f"Run {RUN_STEPS}", icon="forward",
                                    tooltip=f"Take {RUN_STEPS} more steps")
        reset_button = widgets.Button(description="Reset", icon="undo",
                                      tooltip="Back to the starting point")
        step_button.on_click(lambda _: self._add_steps(1))
        run_button.on_click(lambda _: self._add_steps(RUN_STEPS))
        reset_button.on_click(lambda _: setattr(steps, "value", 0))
        return {"landscape": landscape, "lr": lr, "steps": steps, "step": step_button,
                "run": run_button, "reset": reset_button}

    def _add_steps(self, count: int) -> None:
        steps = self.controls["steps"]
        steps.value = min(MAX_STEPS, steps.value + count)

    # ------------------------------------------------------------------ figure
    def _make_figure(self) -> Figure:
        fig, (self._ax_path, self._ax_loss) = plt.subplots(
            1, 2, figsize=(9.0, 4.0), layout="constrained", width_ratios=(1.15, 1.0))
        style = style_for("SGD")
        # The moving parts, made once: the path panel is cleared when the landscape
        # changes, and these same lines are put back on it (see _draw_background).
        ax = self._ax_path
        (self._path_line,) = ax.plot([], [], label="gradient descent", color=style["color"],
                                     marker="o", markersize=4, linewidth=1.2, zorder=3)
        (self._current,) = ax.plot([], [], linestyle="none", marker="o", markersize=10,
                                   markerfacecolor="none", markeredgewidth=2,
                                   markeredgecolor=OKABE_ITO["vermillion"], zorder=7)
        (self._path_cross,) = ax.plot([], [], color=style["color"], zorder=8,
                                      clip_on=False, **_DIVERGED_MARKER)
        ax = self._ax_loss
        (self._loss_line,) = ax.plot([], [], color=style["color"], marker="o",
                                     markersize=3, linewidth=1.5)
        (self._loss_cross,) = ax.plot([], [], color=style["color"], zorder=4,
                                      clip_on=False, **_DIVERGED_MARKER)
        ax.set_xlabel("step")
        ax.grid(True, which="major", alpha=0.3)
        # Bottom right: a diverging loss curve climbs to the top right, a converging
        # one falls from the top left, and the x axis always runs on past the data.
        self._message = ax.text(
            0.97, 0.04, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
            zorder=10, bbox={"boxstyle": "round,pad=0.4", "facecolor": "#F7F7F7",
                             "edgecolor": OKABE_ITO["vermillion"]})
        # Unclipped crosses and the message must not move the axes around (an empty
        # unclipped line would even claim the figure's corner).
        for artist in (self._path_cross, self._loss_cross, self._message):
            artist.set_in_layout(False)
        # Drawn over the kept raster on every update; the rest is static.
        self.animate(self._path_line, self._current, self._path_cross, self._loss_line,
                     self._loss_cross, self._message, self._ax_loss.title)
        return fig

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._drawn_landscape = None  # the message cleared the path panel
        # Lines taken off the cleared panel must not be drawn over the message.
        for artist in (self._path_line, self._current, self._path_cross, self._message):
            artist.set_visible(False)

    def _landscape(self, name: str) -> Landscape:
        if name not in self._landscapes:
            self._landscapes[name] = (CURVES[name]() if name in CURVES
                                      else LANDSCAPES[name]())
        return self._landscapes[name]

    def _draw_background(self, landscape: Landscape) -> None:
        """The curve or the contours, once per landscape; the path lines on top."""
        ax = self._ax_path
        ax.clear()
        ax.set_axis_on()  # a message may have turned it off
        ax.set_aspect("auto")  # a 2-D landscape drawn before had set it to "equal"
        # Back onto the cleared axes, first so that its legend entry comes first, and
        # visible again (a message hid them) before the legend copies its look.
        ax.add_line(self._path_line)
        for line in (self._path_line, self._current, self._path_cross):
            line.set_visible(True)
        if isinstance(landscape, Curve):
            xs = np.linspace(*landscape.x_bounds, 400)
            ys = landscape.g(xs)
            ax.plot(xs, ys, color=OKABE_ITO["blue"], linewidth=2, zorder=2,
                    label="loss g(x)")
            ax.plot(landscape.start_x, landscape.g(landscape.start_x), zorder=5,
                    label="start", **_START_MARKER)
            ax.plot(landscape.minima[:, 0], landscape.minima[:, 1], zorder=6,
                    label="minimum" if len(landscape.minima) == 1 else "minima",
                    **_MIN_MARKER)
            top = float(np.max(ys))
            # The view box for the path: the curve's x range and its value range.
            self._view = (landscape.x_bounds, (-0.06 * top, 1.06 * top))
            ax.set_xlim(*self._view[0])
            ax.set_ylim(*self._view[1])
            ax.set_xlabel("x")
            ax.set_ylabel("loss g(x)")
            ax.set_title(landscape.name, pad=10)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2,
                      fontsize=9, frameon=False)
        else:
            plot_landscape(landscape, (), ax=ax)
            self._view = landscape.bounds
        ax.add_line(self._current)
        ax.add_line(self._path_cross)
        ax.autoscale(False)
        self._set_loss_scale(landscape)
        self._loss_steps = None  # the step axis is set afresh by _draw_losses

    def _set_loss_scale(self, landscape: Landscape) -> None:
        """Fixed loss limits for the landscape, so that updates only move lines."""
        ax = self._ax_loss
        self._has_minimum = math.isfinite(landscape.min_value)
        start = float(landscape(*landscape.start))
        if self._has_minimum:
            gap = max(start - landscape.min_value, 1e-12)
            # From machine precision below the start to where divergence is obvious.
            ax.set_yscale("log", nonpositive="mask")
            ax.set_ylim(gap * 1e-16, gap * 1e4)
            ax.set_ylabel("loss − minimum (log scale)")
        else:
            # No minimum (the saddle): the range of the loss over the drawn box.
            (xmin, xmax), (ymin, ymax) = landscape.bounds
            X, Y = np.meshgrid(np.linspace(xmin, xmax, 101), np.linspace(ymin, ymax, 101))
            values = np.asarray(landscape(X, Y), dtype=float)
            low, high = float(np.nanmin(values)), float(np.nanmax(values))
            pad = 0.08 * (high - low) if high > low else 1.0
            ax.set_yscale("linear")
            ax.set_ylim(low - pad, high + pad)
            ax.set_ylabel("loss (linear: no minimum)")

    # ------------------------------------------------------------------ compute/draw
    def _compute(self, landscape: str, lr: float, steps: int) -> tuple[Landscape,
                                                                        Trajectory]:
        surface = self._landscape(landscape)
        return surface, trace(surface, SGD, int(steps), lr=lr)

    def _draw(self, result: tuple[Landscape, Trajectory]) -> str:
        landscape, run = result
        for ax in self.fig.axes:
            ax.set_visible(True)
        if landscape.name != self._drawn_landscape:
            self._draw_background(landscape)
            self._drawn_landscape = landscape.name
            self.redraw_all()
        curve = isinstance(landscape, Curve)
        # On a curve the iterates are drawn on it: (x, g(x)); y of the path is 0.
        points = (np.column_stack([run.path[:, 0], run.losses]) if curve
                  else run.path)
        drawn, _ = _drawable_path(points, self._view, run.diverged)
        self._path_line.set_data(drawn[:, 0], drawn[:, 1])
        # The last point: a ring while the run goes on, a cross where it diverged.
        last = drawn[-1:]
        empty = np.empty((0, 2))
        ring, cross = (empty, last) if run.diverged else (last, empty)
        self._current.set_data(ring[:, 0], ring[:, 1])
        self._path_cross.set_data(cross[:, 0], cross[:, 1])
        self._draw_losses(landscape, run)

        buttons_off = run.diverged or len(run.lrs) >= MAX_STEPS
        self.controls["step"].disabled = buttons_off
        self.controls["run"].disabled = buttons_off
        summary = f"{landscape.name} — {run.summary()}"
        if curve and not run.diverged:
            summary += f", x = {run.path[-1, 0]:.4g}"
        if len(run.lrs) >= MAX_STEPS:
            summary += f" (the limit of {MAX_STEPS} steps: press Reset)"
        return summary

    def _draw_losses(self, landscape: Landscape, run: Trajectory) -> None:
        ax = self._ax_loss
        losses = run.losses - landscape.min_value if self._has_minimum else run.losses
        finite = np.isfinite(losses)
        steps = np.arange(len(losses))[finite]
        losses = losses[finite]
        self._loss_line.set_data(steps, losses)
        if run.diverged and len(losses):
            # The cross stays on the panel even when the climb leaves it at the top.
            low, high = ax.get_ylim()
            self._loss_cross.set_data(steps[-1:], np.clip(losses[-1:], low, high))
        else:
            self._loss_cross.set_data([], [])
        # The step axis grows in a few fixed stages, so that a Step press or a new
        # learning rate only moves lines; a new stage is a full redraw.
        shown = next(n for n in _STEP_AXIS_STAGES if n >= len(run.losses) - 1)
        if shown != self._loss_steps:
            ax.set_xlim(0, shown)
            self._loss_steps = shown
            self.redraw_all()
        ax.set_title(run.label, fontsize=10)
        self._message.set_text(_wrap(str(run.divergence)) if run.diverged else "")
        self._message.set_visible(run.diverged)
