r"""Gradient descent one step at a time, on a curve or on a 2-D landscape.

:class:`StepByStepExplorer` shows the iterates of plain gradient descent
(``gdcourse.optim.SGD``) on the loss, next to the loss curve, and lets the learner add
one step (Step), 25 steps (Run) or start again (Reset)::

    StepByStepExplorer(landscape="double well", lr=0.1)

The run is always :func:`gdcourse.trajectories.trace` with the current number of steps,
so the picture for a given landscape, learning rate and step count is always the same
(pressing Step five times is the same as typing 5).

The 1-D losses are :class:`gdcourse.landscapes.Parabola` and
:class:`~gdcourse.landscapes.DoubleWell`, landscapes flat along their second coordinate
that :func:`~gdcourse.trajectories.trace` runs exactly like a 1-D descent. The figure
writes the one parameter :math:`\theta` and the loss :math:`L(\theta)`, as the course
does (:math:`\theta_1, \theta_2` on the 2-D landscapes).

The learning rate moves over a fixed list of round values, :data:`LR_VALUES` (1, 1.1,
1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8 and 9 times a power of ten), so that the slider's
read-out, the panel title and the summary show the very number the run used, and rates
such as 0.5, 1 and 1.1 are exactly reachable.
"""

from __future__ import annotations

import html
import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..landscapes import CURVES, LANDSCAPES, Curve, Landscape
from ..trajectories import Trajectory, trace
from ..optim import SGD
from ..plots import (DIVERGED_MARKER, MIN_MARKER, OKABE_ITO, START_MARKER, drawable_path,
                     plot_landscape, set_loss_axis, style_for)
from ._base import Explorer, action_button, check_number, run_summary
from .._messages import N_, _, _f

__all__ = ["StepByStepExplorer", "LR_VALUES"]

MAX_STEPS = 300
RUN_STEPS = 25
# The loss panel's step axis: the first of these at least as long as the run.
_STEP_AXIS_STAGES = (10, 25, 50, 100, 200, MAX_STEPS)
LR_RANGE = (1e-4, 10.0)
_MANTISSAS = ("1", "1.1", "1.2", "1.5", "2", "2.5", "3", "4", "5", "6", "7", "8", "9")
#: The learning rates on the slider: round numbers from 1e-4 to 10, each exactly the
#: float its literal gives (``0.5``, ``1.1``, ``0.03``), so the read-out is the value.
LR_VALUES: tuple[float, ...] = tuple(
    float(f"{m}e{e}") for e in range(-4, 1) for m in _MANTISSAS) + (10.0,)
# The panels' titles: one size for both.
_TITLE_SIZE = 11
# The 1-D losses as the figure names them (the parameter is θ, as in the course).
_CURVE_FORMULAS = {"parabola": "L(θ) = θ²", "double well": "L(θ) = (θ² − 1)²"}
_EMPTY_NOTE = "Press Step or Run: the loss after\neach step appears here"


#: The landscapes' names that are words, for the catalogues (the others are names).
_LANDSCAPE_WORDS = (N_("parabola"), N_("double well"), N_("Quadratic"), N_("Saddle"),
                    N_("Cliff"), N_("Basins"))


def _landscape_options(translated: bool = False) -> list[tuple[str, str]]:
    """Dropdown (label, value) pairs: the 1-D curves first, then the 2-D landscapes
    (the labels in the language in use if ``translated``, else English)."""
    if translated:
        return ([(_f("1-D: {name}", name=_(name)), name) for name in CURVES]
                + [(_f("2-D: {name}", name=_(name)), name) for name in LANDSCAPES])
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


def _lr_on_slider(lr: float) -> float:
    """The value of :data:`LR_VALUES` equal to ``lr`` (up to rounding), or ValueError."""
    values = np.array(LR_VALUES)
    match = np.flatnonzero(np.isclose(values, lr, rtol=1e-9, atol=0.0))
    if match.size:
        return LR_VALUES[int(match[0])]
    above = int(np.searchsorted(values, lr))
    raise ValueError(
        f"lr must be one of the slider's values (1, 1.1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, "
        f"8 or 9 times a power of ten, from 1e-4 to 10); the nearest are "
        f"{LR_VALUES[above - 1]:g} and {LR_VALUES[above]:g}, got {lr!r}")


class StepByStepExplorer(Explorer):
    """Gradient descent step by step: the iterates on the loss, and the loss curve.

    Parameters
    ----------
    landscape : str, default "parabola"
        ``"parabola"`` or ``"double well"`` (1-D), or a 2-D landscape of
        :data:`gdcourse.landscapes.LANDSCAPES` such as ``"Rosenbrock"``; the dropdown's
        labels (``"1-D: parabola"``) work too.
    lr : float, default 0.1
        The learning rate: one of the slider's values :data:`LR_VALUES` (1, 1.1,
        1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8 or 9 times a power of ten, from 1e-4 to 10).
    steps : int, default 0
        Steps already taken, in ``[0, 300]``.

    Notes
    -----
    The loss panel shows the loss minus the landscape's smallest known value,
    :math:`L(\theta_t) - L^*`, on a log scale: for a run that converges it falls along a
    straight line once the iterates are close to a minimum [1]_. A run that lands
    exactly on a minimum (a gap of exactly 0, which a log axis cannot show) is said so
    in the panel. On the saddle, which has no minimum, it shows the loss itself on a
    linear scale.

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
        self._initial = {"landscape": _choose_landscape(landscape),
                         "lr": _lr_on_slider(lr), "steps": int(steps)}
        self._landscapes: dict[str, Landscape] = {}
        self._drawn_landscape: str | None = None
        super().__init__()

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        wide = {"description_width": "initial"}
        landscape = widgets.Dropdown(options=_landscape_options(translated=True),
                                     value=self._initial["landscape"],
                                     description="loss", style=wide)
        # Round values only: what the read-out shows is exactly the rate of the run.
        lr = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in LR_VALUES],
                                     value=self._initial["lr"],
                                     description="learning rate", style=wide)
        steps = widgets.BoundedIntText(value=self._initial["steps"], min=0,
                                       max=MAX_STEPS, description="steps taken",
                                       style=wide, layout=widgets.Layout(width="150px"))
        step_button = action_button("Step", "step-forward", "Take one gradient step",
                                    lambda _: self._add_steps(1))
        run_button = action_button(_f("Run {n}", n=RUN_STEPS), "forward",
                                   _f("Take {n} more steps", n=RUN_STEPS),
                                   lambda _: self._add_steps(RUN_STEPS))
        reset_button = action_button("Reset", "undo", "Back to the starting point",
                                     lambda _: setattr(steps, "value", 0))
        return {"landscape": landscape, "lr": lr, "steps": steps, "step": step_button,
                "run": run_button, "reset": reset_button}

    def _add_steps(self, count: int) -> None:
        steps = self.controls["steps"]
        steps.value = min(MAX_STEPS, steps.value + count)

    def _layout(self) -> widgets.VBox:
        # Two rows that fit a notebook: the base class's single wrapped row of six
        # controls left "Reset" alone on a second line.
        def row(names: tuple[str, ...]) -> widgets.HBox:
            return widgets.HBox([self.controls[name] for name in names],
                                layout=widgets.Layout(flex_flow="row wrap",
                                                      align_items="center"))

        return widgets.VBox([widgets.HTML(f"<b>{html.escape(_(self.title))}</b>"),
                             row(("landscape", "lr")), row(("steps", "step", "run", "reset")),
                             self.image, self.summary])

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
                                   markeredgecolor=OKABE_ITO["vermillion"], zorder=7,
                                   label="current point")
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
        # A plain note in the same place: what the empty panel will show (no step
        # yet), or that the run reached the minimum exactly (below any log axis).
        self._note = ax.text(
            0.97, 0.04, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
            zorder=10, bbox={"boxstyle": "round,pad=0.4", "facecolor": "#F7F7F7",
                             "edgecolor": "#A8A8A8"})
        # Unclipped crosses and the messages must not move the axes around (an empty
        # unclipped line would even claim the figure's corner).
        for artist in (self._path_cross, self._loss_cross, self._message, self._note):
            artist.set_in_layout(False)
        # Drawn over the kept raster on every update; the rest is static.
        self.animate(self._path_line, self._current, self._path_cross, self._loss_line,
                     self._loss_cross, self._message, self._note, self._ax_loss.title)
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
        # Back onto the cleared axes, first so that their legend entries come first
        # (the legend shows the ring exactly as the current point is drawn).
        self.reattach(ax, self._path_line, self._current)
        if isinstance(landscape, Curve):
            xs = np.linspace(*landscape.x_bounds, 400)
            ys = landscape.g(xs)
            formula = _CURVE_FORMULAS.get(landscape.name, "L(θ)")
            ax.plot(xs, ys, color=OKABE_ITO["blue"], linewidth=2, zorder=2,
                    label=f"loss {formula}")
            ax.plot(landscape.start_x, landscape.g(landscape.start_x), zorder=5,
                    label="start θ₀", **START_MARKER)
            ax.plot(landscape.minima[:, 0], landscape.minima[:, 1], zorder=6,
                    label="minimum" if len(landscape.minima) == 1 else "minima",
                    **MIN_MARKER)
            top = float(np.max(ys))
            # The view box for the path: the curve's θ range and its value range.
            self._view = (landscape.x_bounds, (-0.06 * top, 1.06 * top))
            ax.set_xlim(*self._view[0])
            ax.set_ylim(*self._view[1])
            ax.set_xlabel("θ")
            ax.set_ylabel("L(θ)")
            ax.set_title(landscape.name, pad=10, fontsize=_TITLE_SIZE)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3,
                      fontsize=9, frameon=False)
        else:
            plot_landscape(landscape, (), ax=ax)
            ax.title.set_fontsize(_TITLE_SIZE)
            self._view = landscape.bounds
        self.reattach(ax, self._path_cross)
        ax.autoscale(False)
        # The loss limits are fixed by the landscape, so that updates only move lines.
        self._floor = set_loss_axis(self._ax_loss, landscape)
        self._loss_steps = None  # the step axis is set afresh by _draw_losses

    # ------------------------------------------------------------------ compute/draw
    def _compute(self, landscape: str, lr: float, steps: int) -> tuple[Landscape,
                                                                        Trajectory]:
        surface = self._landscape(landscape)
        return surface, trace(surface, SGD, int(steps), lr=lr,
                              label=f"SGD(lr={lr:g})")  # as the slider shows it

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
        drawn, _cut = drawable_path(points, self._view, run.diverged)
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
        summary = _f("{landscape} — {run}", landscape=_(landscape.name),
                     run=run_summary(run))
        if curve and not run.diverged:
            summary += f", θ = {run.path[-1, 0]:.4g}"
        if len(run.lrs) >= MAX_STEPS:
            summary += _f(" (the limit of {steps} steps: press Reset)", steps=MAX_STEPS)
        return summary

    def _draw_losses(self, landscape: Landscape, run: Trajectory) -> None:
        ax = self._ax_loss
        losses = run.losses - self._floor if self._floor is not None else run.losses
        finite = np.isfinite(losses)
        steps = np.arange(len(losses))[finite]
        losses = losses[finite]
        self._loss_line.set_data(steps, losses)
        # A log axis cannot show a gap of exactly 0: say where the run got there.
        exact = (np.flatnonzero(losses == 0) if self._floor is not None and not run.diverged
                 else np.empty(0, dtype=int))
        if len(run.losses) == 1:
            note = _EMPTY_NOTE
        elif exact.size:
            note = (f"loss − minimum is exactly 0 from step {steps[exact[0]]} on\n"
                    f"(a log axis cannot show 0)")
        else:
            note = ""
        self._note.set_text(note)
        self._note.set_visible(bool(note))
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
            # A little room left of step 0, so that its point is not cut by the spine.
            ax.set_xlim(-0.025 * shown, shown)
            self._loss_steps = shown
            self.redraw_all()
        ax.set_title(run.label, fontsize=_TITLE_SIZE)
        self._message.set_text(_wrap(str(run.divergence)) if run.diverged else "")
        self._message.set_visible(run.diverged)
