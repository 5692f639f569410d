"""The clipping lab: plain SGD down a cliff, without clipping, clipped by value, by norm.

On :class:`~gdcourse.landscapes.Cliff` the gradient on the wall is about 100, some 50
times what the bowl alone gives at the start (about 2). Unclipped, the first step from
the wall is that much too long: it throws the iterate out of the picture, and the run
comes back some steps later, a detour rather than a failure. Clipping by norm shortens
that step and keeps its direction, so the run walks down the wall; clipping by value
clamps each component separately, which shortens the step too but turns it (Pascanu
et al. 2013).

Marks: a cross (×) means what it means in every figure of the course, a run that
diverged; a triangle on the edge marks where a path leaves the picture (pointing out)
and where it comes back (pointing in).

Clipping is its own tool, not a learning-rate schedule: it shortens only the steps
whose gradient is too large, whatever the step number, and leaves every other step as
the learning rate makes it.

References
----------
.. [1] R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
   neural networks", ICML 2013.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..geometry import exit_point, first_exit, largest_value_clipping_turn
from ..landscapes import Cliff
from ..trajectories import Trajectory, race
from ..optim import SGD
from ..plots import (DIVERGED_MARKER, drawable_path, markevery_for, plot_landscape,
                     style_for)
from ._base import Explorer, check_number
from .._messages import N_, _, _f

__all__ = ["ClippingExplorer"]

# Up to 1000: above the largest gradient norm on the cliff (about 101.5, at the start),
# clipping changes nothing, and the slider must reach that.
THRESHOLD_RANGE = (0.01, 1000.0)
LR_RANGE = (1e-3, 1.0)
STEPS_RANGE = (10, 200)
# Where a path crosses the edge of the picture: a triangle pointing out, or in.
_EDGE_MARKERS = {("x", 0, "out"): "<", ("x", 1, "out"): ">", ("y", 0, "out"): "v",
                 ("y", 1, "out"): "^", ("x", 0, "in"): ">", ("x", 1, "in"): "<",
                 ("y", 0, "in"): "^", ("y", 1, "in"): "v"}

# method -> (legend label stem, palette index)
_METHODS = {"none": ("no clipping", 1), "value": ("clip by value", 3),
            "norm": ("clip by norm", 2)}


class ClippingExplorer(Explorer):
    """Plain SGD on the cliff, unclipped and clipped by value and by norm, side by side.

    Clipping is its own tool, not a learning-rate schedule: it shortens only the steps
    whose gradient exceeds the threshold and leaves the others alone.

    Parameters
    ----------
    threshold : float, default 1
        ``clip_value`` for clipping by value, ``max_norm`` for clipping by norm, in
        [0.01, 1000].
    lr : float, default 0.1
        Learning rate of plain SGD (no momentum, so a step is exactly ``lr`` times the
        clipped gradient), in [0.001, 1].
    steps : int, default 60
        In [10, 200].
    """

    title = "Gradient clipping on a cliff"
    accessible_names = {
        "threshold": N_("clipping threshold: clip_value by value, max_norm by norm"),
        "steps": N_("steps of each run (unclipped, by value, by norm)"),
    }

    def __init__(self, threshold: float = 1.0, lr: float = 0.1, steps: int = 60) -> None:
        check_number("threshold", threshold, *THRESHOLD_RANGE)
        check_number("lr", lr, *LR_RANGE)
        check_number("steps", steps, *STEPS_RANGE, integer=True)
        self._initial = {"threshold": float(threshold), "lr": float(lr),
                         "steps": int(steps)}
        self.landscape = Cliff()
        self._background_drawn = False
        super().__init__()

    def _make_controls(self) -> dict[str, widgets.Widget]:
        wide = {"description_width": "initial"}
        return {
            "threshold": widgets.FloatLogSlider(
                value=self._initial["threshold"], base=10,
                min=math.log10(THRESHOLD_RANGE[0]), max=math.log10(THRESHOLD_RANGE[1]),
                step=0.05, readout_format=".2g", description="clipping threshold",
                style=wide),
            "lr": widgets.FloatLogSlider(
                value=self._initial["lr"], base=10, min=math.log10(LR_RANGE[0]),
                max=math.log10(LR_RANGE[1]), step=0.05, readout_format=".2g",
                description="learning rate", style=wide),
            "steps": widgets.IntSlider(
                value=self._initial["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1],
                step=10, description="steps", style=wide),
        }

    def _make_figure(self) -> Figure:
        fig, (self._path_ax, self._step_ax) = plt.subplots(
            1, 2, figsize=(9.0, 4.7), layout="constrained")
        fig.suptitle("Clipping shortens only the steps whose gradient is too large; "
                     "it is not a learning-rate schedule", fontsize=10)
        # Room between the figure's title and the panels' titles.
        fig.get_layout_engine().set(h_pad=0.08)
        # The moving parts, made once: _draw_background clears both panels and puts
        # these same artists back.
        self._paths, self._ends, self._steps = {}, {}, {}
        for method, (label, index) in _METHODS.items():
            style = style_for(label, index)
            (self._paths[method],) = self._path_ax.plot(
                [], [], linewidth=1.8, markersize=5, zorder=3, label=label, **style)
            (self._ends[method],) = self._path_ax.plot(
                [], [], color=style["color"], zorder=4, clip_on=False, **DIVERGED_MARKER)
            (self._steps[method],) = self._step_ax.plot(
                [], [], linewidth=1.8, markersize=5, label=label, **style)
        # Where the unclipped run leaves the picture and where it comes back: a
        # triangle on the edge each (a cross would say "diverged"), and a note.
        color = style_for("", 1)["color"]
        self._exit_marker, self._return_marker = (
            self._path_ax.plot([], [], color=color, marker=">", markersize=10,
                               markeredgecolor="white", markeredgewidth=0.8,
                               linestyle="none", zorder=5, clip_on=False)[0]
            for _ in range(2))
        # A plain text, not an arrow annotation: it is redrawn on every update, and
        # an annotation's arrow and box cost twice as long to draw. The triangles mark
        # the places.
        self._exit_note = self._path_ax.text(
            0.97, 0.04, "", transform=self._path_ax.transAxes, fontsize=9, ha="right",
            va="bottom", zorder=6, clip_on=False,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white",
                  "edgecolor": "#A8A8A8", "alpha": 0.9})
        self._bound = self._step_ax.axhline(1.0, color="#555555", linestyle=":",
                                            linewidth=1.2,
                                            label="lr × threshold (clip-by-norm bound)")
        self.animate(*self._paths.values(), *self._ends.values(), *self._steps.values(),
                     self._bound, self._exit_marker, self._return_marker, self._exit_note)
        self._background_drawn = False
        self._step_view = None
        return fig

    def _draw_background(self) -> None:
        """The landscape and the step panel's frame, with the moving parts put back."""
        path_ax, step_ax = self._path_ax, self._step_ax
        for ax in (path_ax, step_ax):
            self.clear_axes(ax)
        plot_landscape(self.landscape, [], ax=path_ax, title="cliff: paths of plain SGD")
        path_ax.set_title("cliff: paths of plain SGD", fontsize=10)
        # Back only after plot_landscape made its legend, which would list them too:
        # the step panel's legend names the methods.
        self.reattach(path_ax, *self._paths.values(), *self._ends.values(),
                      self._exit_marker, self._return_marker, self._exit_note)
        self.reattach(step_ax, *self._steps.values(), self._bound)
        step_ax.set_yscale("log")
        step_ax.set_xlabel("step")
        step_ax.set_ylabel("step length ‖θₜ − θₜ₋₁‖ (log scale)")
        step_ax.set_title("step length = lr × (clipped) gradient norm", fontsize=10)
        step_ax.grid(True, which="major", alpha=0.3)
        # Outside the axes: a static legend inside would be drawn under the moving lines.
        step_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2,
                       fontsize=9, frameon=False)
        self._step_view = None  # the limits are set again by _draw
        self._background_drawn = True

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._background_drawn = False  # the message cleared the path panel

    def _compute(self, *, threshold: float, lr: float, steps: int) -> dict[str, Any]:
        runs = race(self.landscape,
                    {"none": (SGD, {"label": "no clipping"}),
                     "value": (SGD, {"clip_value": threshold, "label": "clip by value"}),
                     "norm": (SGD, {"max_norm": threshold, "label": "clip by norm"})},
                    int(steps), lr=lr)
        # How far clipping by value turns the gradient, at the worst step of its run.
        turn = largest_value_clipping_turn(self.landscape, runs["value"].path[:-1],
                                           threshold)
        # Whether either method clipped any step at all (a clip can turn the gradient
        # by a fraction of a degree and still shorten the step).
        clipped = (self._clips(runs["value"], lambda g: np.max(np.abs(g)), threshold)
                   or self._clips(runs["norm"], np.linalg.norm, threshold))
        return {"runs": runs, "threshold": threshold, "lr": lr, "steps": int(steps),
                "turn": turn, "clipped": clipped}

    def _clips(self, run: Trajectory, size, threshold: float) -> bool:
        """Whether some step of ``run`` had a gradient whose ``size`` exceeds ``threshold``."""
        points = run.path[:-1]
        points = points[np.isfinite(points).all(axis=1)]
        return any(size(self.landscape.grad(point)) > threshold for point in points)

    def _draw(self, result: dict[str, Any]) -> str:
        if not self._background_drawn:
            self._draw_background()
            self.redraw_all()
        bounds = tuple(tuple(map(float, b)) for b in self.landscape.bounds)
        runs: dict[str, Trajectory] = result["runs"]
        lengths_drawn = []
        for method, run in runs.items():
            diverged = run.divergence is not None
            drawn, _ = drawable_path(run.path, bounds, diverged)
            self._paths[method].set_data(drawn[:, 0], drawn[:, 1])
            self._paths[method].set_markevery(markevery_for(len(drawn)))
            self._ends[method].set_data(drawn[-1:, 0], drawn[-1:, 1])
            self._ends[method].set_visible(diverged)
            lengths = run.step_lengths
            finite = lengths[np.isfinite(lengths)]
            self._steps[method].set_data(np.arange(1, len(finite) + 1), finite)
            self._steps[method].set_markevery(markevery_for(len(finite)))
            lengths_drawn.append(finite)

        bound = result["lr"] * result["threshold"]
        self._bound.set_ydata([bound, bound])
        step_view = (result["steps"], self._length_limits(lengths_drawn, bound))
        if step_view != self._step_view:
            self._step_view = step_view
            self._step_ax.set_xlim(0, result["steps"] + 1)
            self._step_ax.set_ylim(*step_view[1])
            self.redraw_all()  # new step axis

        detour = self.detour(runs["none"], bounds)
        note = self._exit_note
        for marker in (self._exit_marker, self._return_marker):
            marker.set_visible(False)
        if detour is not None:
            (k, out_point, out_marker), back = detour
            self._exit_marker.set_data([out_point[0]], [out_point[1]])
            self._exit_marker.set_marker(out_marker)
            self._exit_marker.set_visible(True)
            length = float(runs["none"].step_lengths[k - 1])
            text = f"unclipped: step {k} is {length:.3g} long"
            if back is not None:
                j, in_point, in_marker = back
                self._return_marker.set_data([in_point[0]], [in_point[1]])
                self._return_marker.set_marker(in_marker)
                self._return_marker.set_visible(True)
                text += f";\nout of the plot, back at step {j}"
            elif runs["none"].divergence is None:
                text += ";\nout of the plot until the end"
            note.set_text(text)
            note.set_visible(True)
        elif runs["none"].divergence is not None:
            note.set_text(f"unclipped: diverged at step {runs['none'].divergence.step} (×)")
            note.set_visible(True)
        else:
            note.set_visible(False)
        return self._summary(result, detour)

    @staticmethod
    def _length_limits(lengths: list[np.ndarray], bound: float) -> tuple[float, float]:
        """Whole decades around the drawn step lengths and the clip-by-norm bound."""
        values = np.concatenate([*lengths, [bound]])
        values = values[np.isfinite(values) & (values > 0)]
        low = max(float(values.min()), 1e-16)
        high = float(values.max())
        # A little room beyond the data, so that a line on a decade's edge is not cut
        # and a small slider move rarely changes the axis (which costs a full redraw).
        low, high = math.floor(math.log10(low) - 0.15), math.ceil(math.log10(high) + 0.15)
        if high - low < 2:  # at least two decades, so that the axis has labels
            low -= 1
        return 10.0 ** low, 10.0 ** high

    @staticmethod
    def detour(run: Trajectory, bounds) -> tuple[tuple, tuple | None] | None:
        """Where a run that did not diverge leaves the picture, and where it comes back.

        Returns
        -------
        None, or ``((k, point, marker), back)``
            ``k`` is the first step whose point is outside the picture, ``point`` where
            the path crosses the edge, ``marker`` a triangle pointing out of the
            picture there. ``back`` is ``(j, point, marker)`` for the first step ``j``
            after ``k`` whose point is inside again (the triangle points in), or None
            if the run stays outside.
        """
        if run.divergence is not None:
            return None
        exit_ = first_exit(run.path, bounds)
        if exit_ is None or exit_[0] == 0:
            return None
        k, point = exit_
        path = run.path
        (xmin, xmax), (ymin, ymax) = bounds
        inside = ((path[:, 0] >= xmin) & (path[:, 0] <= xmax)
                  & (path[:, 1] >= ymin) & (path[:, 1] <= ymax))
        later = np.flatnonzero(inside[k:])
        out = (k, point, _edge_marker(point, bounds, "out"))
        if not later.size:
            return out, None
        j = int(k + later[0])
        back_point = exit_point(path[j], path[j - 1], bounds)
        return out, (j, back_point, _edge_marker(back_point, bounds, "in"))

    @staticmethod
    def _summary(result: dict[str, Any], detour) -> str:
        runs, threshold, steps = result["runs"], result["threshold"], result["steps"]

        def ending(run: Trajectory) -> str:
            if run.divergence is not None:
                return _f("diverged at step {step}", step=run.divergence.step)
            return f"{run.final_loss:.1e}"

        unclipped = _f("no clipping: {ending}", ending=ending(runs['none']))
        if detour is not None:
            (k, _point, _marker), back = detour
            unclipped += (_f(" (out and back: steps {first}–{last})", first=k, last=back[0] - 1)
                          if back is not None else
                          _f(" (out of the plot from step {step})", step=k))
        turn = result["turn"]
        if not result.get("clipped", turn > 0):
            turned = _(", nothing clipped")
        elif turn >= 0.5:
            turned = _f(", turned ≤ {turn:.0f}°", turn=turn)
        else:
            turned = _(", turned under 0.5°")
        return _f("loss after {steps} steps — {unclipped}; by norm {threshold:.2g}: "
                  "{norm}; by value {threshold:.2g}: {value}{turned}", steps=steps,
                  unclipped=unclipped, threshold=threshold, norm=ending(runs['norm']),
                  value=ending(runs['value']), turned=turned)


def _edge_marker(point: np.ndarray, bounds, direction: str) -> str:
    """The triangle that points out of (or into) the box at ``point`` on its edge."""
    distances = []
    for axis, (low, high) in zip("xy", bounds):
        value = point[0 if axis == "x" else 1]
        distances += [(abs(value - low), axis, 0), (abs(value - high), axis, 1)]
    _, axis, side = min(distances)
    return _EDGE_MARKERS[(axis, side, direction)]
