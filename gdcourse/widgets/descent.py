r"""Gradient descent one step at a time, on a curve or on a 2-D landscape.

:class:`StepByStepExplorer` shows the iterates of plain gradient descent
(``gdcourse.optim.SGD``) on the loss, next to the loss curve, and lets the learner add
one step (Step), 25 steps (Run) or start again (Reset)::

    StepByStepExplorer(landscape="double well", lr=0.1)

The run is always :func:`gdcourse.functions.trace` with the current number of steps,
so the picture for a given landscape, learning rate and step count is always the same
(pressing Step five times is the same as typing 5).

The 1-D losses are :class:`gdcourse.functions.Parabola` and
:class:`~gdcourse.functions.DoubleWell`, landscapes flat along :math:`y` that
:func:`~gdcourse.functions.trace` runs exactly like a 1-D descent.
"""

from __future__ import annotations

import math
import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..functions import CURVES, LANDSCAPES, Curve, Landscape, Trajectory, trace
from ..optim import SGD
from ..plots import (DIVERGED_MARKER, MIN_MARKER, OKABE_ITO, START_MARKER, drawable_path,
                     plot_landscape, set_loss_axis, style_for)
from ._base import Explorer, action_button, check_number

__all__ = ["StepByStepExplorer"]

MAX_STEPS = 300
RUN_STEPS = 25
# The loss panel's step axis: the first of these at least as long as the run.
_STEP_AXIS_STAGES = (10, 25, 50, 100, 200, MAX_STEPS)
LR_RANGE = (1e-4, 10.0)


def _landscape_options() -> list[tuple[str, str]]:
    """Dropdown (label, value) pairs: the 1-D curves first, then the 2-D landscapes."""
    return ([(f"1-D: {name}", name) for name in CURVES]
            + [(f"2-D: {name}", name) for name in LANDSCAPES])


def _choose_landscape(name: object) -> str:
    """The dropdown value for ``name`` (a value or a label, any case), or ValueError."""
    if not isinstance(name, str):
        raise TypeError(f"landscape must be a string, got {type(name).__name__}")
    wanted = name.strip().lower()
    for label, value in _landscape_options():
        if wanted in (label.lower(), value.lower()):
            return value
    choices = ", ".join(repr(value) for _, value in _landscape_options())
    raise ValueError(f"unknown landscape {name!r}; choose one of: {choices}")


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
        check_number("lr", lr, *LR_RANGE)
        check_number("steps", steps, 0, MAX_STEPS, integer=True)
        self._initial = {"landscape": _choose_landscape(landscape), "lr": float(lr),
                         "steps": int(steps)}
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
        step_button = action_button("Step", "step-forward", "Take one gradient step",
                                    lambda _: self._add_steps(1))
        run_button = action_button(f"Run {RUN_STEPS}", "forward", f"Take {RUN_STEPS} more steps",
                                   lambda _: self._add_steps(RUN_STEPS))
        reset_button = action_button("Reset", "undo", "Back to the starting point",
                                     lambda _: setattr(steps, "value", 0))
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
                                      clip_on=False, **DIVERGED_MARKER)
        ax = self._ax_loss
        (self._loss_line,) = ax.plot([], [], color=style["color"], marker="o",
                                     markersize=3, linewidth=1.5)
        (self._loss_cross,) = ax.plot([], [], color=style["color"], zorder=4,
                                      clip_on=False, **DIVERGED_MARKER)
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

    def _landscape(self, name: str) -> Landscape:
        if name not in self._landscapes:
            self._landscapes[name] = (CURVES[name]() if name in CURVES
                                      else LANDSCAPES[name]())
        return self._landscapes[name]

    def _draw_background(self, landscape: Landscape) -> None:
        """The curve or the contours, once per landscape; the path lines on top."""
        ax = self._ax_path
        self.clear_axes(ax)
        ax.set_aspect("auto")  # a 2-D landscape drawn before had set it to "equal"
        # Back onto the cleared axes, first so that its legend entry comes first.
        self.reattach(ax, self._path_line)
        if isinstance(landscape, Curve):
            xs = np.linspace(*landscape.x_bounds, 400)
            ys = landscape.g(xs)
            ax.plot(xs, ys, color=OKABE_ITO["blue"], linewidth=2, zorder=2,
                    label="loss g(x)")
            ax.plot(landscape.start_x, landscape.g(landscape.start_x), zorder=5,
                    label="start", **START_MARKER)
            ax.plot(landscape.minima[:, 0], landscape.minima[:, 1], zorder=6,
                    label="minimum" if len(landscape.minima) == 1 else "minima",
                    **MIN_MARKER)
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
        self.reattach(ax, self._current, self._path_cross)
        ax.autoscale(False)
        # The loss limits are fixed by the landscape, so that updates only move lines.
        self._floor = set_loss_axis(self._ax_loss, landscape)
        self._loss_steps = None  # the step axis is set afresh by _draw_losses

    # ------------------------------------------------------------------ compute/draw
    def _compute(self, landscape: str, lr: float, steps: int) -> tuple[Landscape,
                                                                        Trajectory]:
        surface = self._landscape(landscape)
        return surface, trace(surface, SGD, int(steps), lr=lr,
                              label=f"SGD(lr={lr:.3g})")  # as the slider shows it

    def _draw(self, result: tuple[Landscape, Trajectory]) -> str:
        landscape, run = result
        if landscape.name != self._drawn_landscape:
            self._draw_background(landscape)
            self._drawn_landscape = landscape.name
            self.redraw_all()
        curve = isinstance(landscape, Curve)
        # On a curve the iterates are drawn on it: (x, g(x)); y of the path is 0.
        points = (np.column_stack([run.path[:, 0], run.losses]) if curve
                  else run.path)
        drawn, _ = drawable_path(points, self._view, run.diverged)
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
        losses = run.losses - self._floor if self._floor is not None else run.losses
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
