"""The clipping lab: plain SGD down a cliff, without clipping, clipped by value, by norm.

On :class:`~gdcourse.functions.Cliff` the gradient on the wall is a hundred times the
gradient anywhere else. Unclipped, the first step from the wall is a hundred times too
long and throws the iterate out of the picture. Clipping by norm shortens that step and
keeps its direction, so the run walks down the wall; clipping by value clamps each
component separately, which shortens the step too but turns it (Pascanu et al. 2013).

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

from ..functions import Cliff, Trajectory, first_exit, largest_value_clipping_turn, race
from ..optim import SGD
from ..plots import (DIVERGED_MARKER, drawable_path, markevery_for, plot_landscape,
                     style_for)
from ._base import Explorer, check_number

__all__ = ["ClippingExplorer"]

THRESHOLD_RANGE = (0.01, 100.0)
LR_RANGE = (1e-3, 1.0)
STEPS_RANGE = (10, 200)
STEP_LENGTH_RANGE = (1e-6, 1e3)

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
        [0.01, 100].
    lr : float, default 0.1
        Learning rate of plain SGD (no momentum, so a step is exactly ``lr`` times the
        clipped gradient), in [0.001, 1].
    steps : int, default 60
        In [10, 200].
    """

    title = "Gradient clipping on a cliff"

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
            1, 2, figsize=(9.0, 4.6), layout="constrained")
        fig.suptitle("Clipping shortens only the steps whose gradient is too large; "
                     "it is not a learning-rate schedule", fontsize=9.5)
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
        # Where the unclipped run leaves the picture: a cross on the edge and a note.
        (self._exit_marker,) = self._path_ax.plot(
            [], [], color=style_for("", 1)["color"], zorder=5, clip_on=False,
            **DIVERGED_MARKER)
        # A plain text, not an arrow annotation: it is redrawn on every update, and
        # an annotation's arrow and box cost twice as long to draw. The cross marks
        # the place.
        self._exit_note = self._path_ax.text(
            0.97, 0.04, "", transform=self._path_ax.transAxes, fontsize=9, ha="right",
            va="bottom", zorder=6, clip_on=False,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white",
                  "edgecolor": "#A8A8A8", "alpha": 0.9})
        self._bound = self._step_ax.axhline(1.0, color="#555555", linestyle=":",
                                            linewidth=1.2,
                                            label="lr × threshold (clip-by-norm bound)")
        self.animate(*self._paths.values(), *self._ends.values(), *self._steps.values(),
                     self._bound, self._exit_marker, self._exit_note)
        self._background_drawn = False
        return fig

    def _draw_background(self) -> None:
        """The landscape and the step panel's frame, with the moving parts put back."""
        path_ax, step_ax = self._path_ax, self._step_ax
        for ax in (path_ax, step_ax):
            self.clear_axes(ax)
        plot_landscape(self.landscape, [], ax=path_ax, title="cliff: paths of plain SGD")
        # Back only after plot_landscape made its legend, which would list them too:
        # the step panel's legend names the methods.
        self.reattach(path_ax, *self._paths.values(), *self._ends.values(),
                      self._exit_marker, self._exit_note)
        self.reattach(step_ax, *self._steps.values(), self._bound)
        step_ax.set_yscale("log")
        # Fixed, so that a slider move only moves lines: from the shortest bound
        # (lr × threshold = 1e-5) to well above the unclipped jump off the wall.
        step_ax.set_ylim(STEP_LENGTH_RANGE)
        step_ax.set_xlabel("step")
        step_ax.set_ylabel("step length ‖θₜ₊₁ − θₜ‖ (log scale)")
        step_ax.set_title("step length = lr × (clipped) gradient norm", fontsize=10)
        step_ax.grid(True, which="major", alpha=0.3)
        # Outside the axes: a static legend inside would be drawn under the moving lines.
        step_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2,
                       fontsize=8.5, frameon=False)
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
        return {"runs": runs, "threshold": threshold, "lr": lr, "steps": int(steps),
                "turn": turn}

    def _draw(self, result: dict[str, Any]) -> str:
        if not self._background_drawn:
            self._draw_background()
            self.redraw_all()
        bounds = tuple(tuple(map(float, b)) for b in self.landscape.bounds)
        runs: dict[str, Trajectory] = result["runs"]
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

        bound = result["lr"] * result["threshold"]
        self._bound.set_ydata([bound, bound])
        if self._step_ax.get_xlim()[1] != result["steps"] + 1:
            self._step_ax.set_xlim(0, result["steps"] + 1)
            self.redraw_all()  # new step axis

        exit_ = first_exit(runs["none"].path, bounds)
        marker, note = self._exit_marker, self._exit_note
        if exit_ is not None and exit_[0] > 0:
            k, point = exit_
            length = float(runs["none"].step_lengths[k - 1])
            marker.set_data([point[0]], [point[1]])
            note.set_text(f"unclipped step {k} is {length:.3g} long:\n"
                          f"it jumps out of the plot (×)")
            marker.set_visible(True)
            note.set_visible(True)
        else:
            marker.set_visible(False)
            note.set_visible(False)
        return self._summary(result, exit_)

    @staticmethod
    def _summary(result: dict[str, Any], exit_) -> str:
        runs, threshold = result["runs"], result["threshold"]

        def ending(run: Trajectory) -> str:
            if run.divergence is not None:
                return str(run.divergence)
            return f"loss {run.final_loss:.1e} after {run.steps_taken} steps"

        none = runs["none"]
        first = float(none.step_lengths[0]) if none.steps_taken else 0.0
        parts = [f"no clipping: first step {first:.3g} long"]
        if exit_ is not None and exit_[0] > 0:
            parts[0] += f", leaves the plot at step {exit_[0]}"
        parts[0] += f", {ending(none)}"
        parts.append(f"clip by norm {threshold:.2g}: direction kept, {ending(runs['norm'])}")
        turn = result["turn"]
        turned = (f"direction turned by up to {turn:.0f}°" if turn >= 0.5
                  else "direction unchanged (no component above the threshold)")
        parts.append(f"clip by value {threshold:.2g}: {turned}, {ending(runs['value'])}")
        return "; ".join(parts)
