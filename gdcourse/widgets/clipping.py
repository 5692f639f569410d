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

from ..functions import Cliff, Trajectory, trace
from ..optim import SGD, clip_grad_value_
from ..plots import _DIVERGED_MARKER, _drawable_path, _exit_point, _markevery
from ..plots import plot_landscape, style_for
from ._base import Explorer

__all__ = ["ClippingExplorer", "first_exit", "turn_angle_degrees"]

THRESHOLD_RANGE = (0.01, 100.0)
LR_RANGE = (1e-3, 1.0)
STEPS_RANGE = (10, 200)
STEP_LENGTH_RANGE = (1e-6, 1e3)

# method -> (legend label stem, palette index)
_METHODS = {"none": ("no clipping", 1), "value": ("clip by value", 3),
            "norm": ("clip by norm", 2)}


def first_exit(path: np.ndarray, bounds) -> tuple[int, np.ndarray] | None:
    """Where a path first leaves the box: ``(k, edge point)``, or None if it never does.

    ``k`` is the index of the first point outside ``bounds = ((xmin, xmax), (ymin,
    ymax))``; the edge point is where the segment from point ``k - 1`` crosses the box.
    A path that starts outside gives ``(0, path[0])``.
    """
    path = np.asarray(path, dtype=float)
    (xmin, xmax), (ymin, ymax) = bounds
    with np.errstate(invalid="ignore"):
        inside = ((path[:, 0] >= xmin) & (path[:, 0] <= xmax)
                  & (path[:, 1] >= ymin) & (path[:, 1] <= ymax))
    outside = np.flatnonzero(~inside)
    if not outside.size:
        return None
    k = int(outside[0])
    if k == 0:
        return 0, path[0].copy()
    return k, _exit_point(path[k - 1], path[k], bounds)


def turn_angle_degrees(raw: np.ndarray, clipped: np.ndarray) -> float:
    """The angle between a gradient and its clipped version, in degrees (0 if either is 0)."""
    raw, clipped = np.asarray(raw, dtype=float), np.asarray(clipped, dtype=float)
    norms = float(np.linalg.norm(raw) * np.linalg.norm(clipped))
    if not norms > 0 or not math.isfinite(norms):
        return 0.0
    cosine = float(np.dot(raw, clipped)) / norms
    return math.degrees(math.acos(min(1.0, max(-1.0, cosine))))


def _check_range(name: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {value!r}")


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
        _check_range("threshold", threshold, *THRESHOLD_RANGE)
        _check_range("lr", lr, *LR_RANGE)
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
            raise TypeError(f"steps must be an integer, got {steps!r}")
        _check_range("steps", steps, *STEPS_RANGE)
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
        return fig

    def _draw_background(self) -> None:
        ax = self._path_ax
        ax.clear()
        ax.set_axis_on()
        if hasattr(self, "_paths"):  # after a message: the same moving parts, put back
            self._reattach()
            return
        plot_landscape(self.landscape, [], ax=ax, title="cliff: paths of plain SGD")
        self._paths, self._ends, self._exits = {}, {}, {}
        for method, (label, index) in _METHODS.items():
            style = style_for(label, index)
            (self._paths[method],) = ax.plot([], [], linewidth=1.8, markersize=5,
                                             zorder=3, label=label, **style)
            (self._ends[method],) = ax.plot([], [], color=style["color"], zorder=4,
                                            clip_on=False, **_DIVERGED_MARKER)
        # Where the unclipped run leaves the picture: a cross on the edge and a note.
        (self._exits["marker"],) = ax.plot([], [], color=style_for("", 1)["color"],
                                           zorder=5, clip_on=False, **_DIVERGED_MARKER)
        # A plain text, not an arrow annotation: it is redrawn on every update, and
        # an annotation's arrow and box cost twice as long to draw. The cross marks
        # the place.
        self._exits["text"] = ax.text(
            0.97, 0.04, "", transform=ax.transAxes, fontsize=9, ha="right",
            va="bottom", zorder=6, clip_on=False,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white",
                  "edgecolor": "#A8A8A8", "alpha": 0.9})

        ax = self._step_ax
        ax.clear()
        ax.set_axis_on()
        self._steps = {}
        for method, (label, index) in _METHODS.items():
            style = style_for(label, index)
            (self._steps[method],) = ax.plot([], [], linewidth=1.8, markersize=5,
                                             label=label, **style)
        self._bound = ax.axhline(1.0, color="#555555", linestyle=":", linewidth=1.2,
                                 label="lr × threshold (clip-by-norm bound)")
        ax.set_yscale("log")
        # Fixed, so that a slider move only moves lines: from the shortest bound
        # (lr × threshold = 1e-5) to well above the unclipped jump off the wall.
        ax.set_ylim(STEP_LENGTH_RANGE)
        ax.set_xlabel("step")
        ax.set_ylabel("step length ‖θₜ₊₁ − θₜ‖ (log scale)")
        ax.set_title("step length = lr × (clipped) gradient norm", fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        # Outside the axes: a static legend inside would be drawn under the moving lines.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize=8.5,
                  frameon=False)
        self._background_drawn = True
        self.animate(*self._paths.values(), *self._ends.values(), *self._steps.values(),
                     self._bound, self._exits["marker"], self._exits["text"])

    def _reattach(self) -> None:
        """Draw the static part again and put the same moving parts back on it."""
        path_ax, step_ax = self._path_ax, self._step_ax
        step_ax.clear()
        self._background_drawn = True
        plot_landscape(self.landscape, [], ax=path_ax, title="cliff: paths of plain SGD")
        # After the landscape's legend, as the first time (the step panel's names them).
        for line in (*self._paths.values(), *self._ends.values(), self._exits["marker"]):
            path_ax.add_line(line)
        path_ax.add_artist(self._exits["text"])
        for line in (*self._steps.values(), self._bound):
            step_ax.add_line(line)
        step_ax.set_yscale("log")
        step_ax.set_ylim(STEP_LENGTH_RANGE)
        step_ax.set_xlabel("step")
        step_ax.set_ylabel("step length ‖θₜ₊₁ − θₜ‖ (log scale)")
        step_ax.set_title("step length = lr × (clipped) gradient norm", fontsize=10)
        step_ax.grid(True, which="major", alpha=0.3)
        step_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2,
                       fontsize=8.5, frameon=False)

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._background_drawn = False
        # Lines taken off the cleared panel must not be drawn over the message.
        for artist in (*getattr(self, "_paths", {}).values(),
                       *getattr(self, "_ends", {}).values(),
                       *getattr(self, "_exits", {}).values()):
            artist.set_visible(False)

    def _compute(self, *, threshold: float, lr: float, steps: int) -> dict[str, Any]:
        runs = {
            "none": trace(self.landscape, SGD, int(steps), lr=lr, label="no clipping"),
            "value": trace(self.landscape, SGD, int(steps), lr=lr, clip_value=threshold,
                           label="clip by value"),
            "norm": trace(self.landscape, SGD, int(steps), lr=lr, max_norm=threshold,
                          label="clip by norm"),
        }
        # How far clipping by value turns the gradient, at the worst step of its run.
        turn = 0.0
        for point in runs["value"].path[:-1]:
            raw = self.landscape.grad(point)
            clipped = raw.copy()
            clip_grad_value_(clipped, threshold)
            turn = max(turn, turn_angle_degrees(raw, clipped))
        return {"runs": runs, "threshold": threshold, "lr": lr, "steps": int(steps),
                "turn": turn}

    def _draw(self, result: dict[str, Any]) -> str:
        for ax in self.fig.axes:
            ax.set_visible(True)
        if not self._background_drawn:
            self._draw_background()
            for line in self._paths.values():
                line.set_visible(True)
            self.redraw_all()
        bounds = tuple(tuple(map(float, b)) for b in self.landscape.bounds)
        runs: dict[str, Trajectory] = result["runs"]
        for method, run in runs.items():
            diverged = run.divergence is not None
            drawn, _ = _drawable_path(run.path, bounds, diverged)
            self._paths[method].set_data(drawn[:, 0], drawn[:, 1])
            self._paths[method].set_markevery(_markevery(len(drawn)))
            self._ends[method].set_data(drawn[-1:, 0], drawn[-1:, 1])
            self._ends[method].set_visible(diverged)
            with np.errstate(over="ignore", invalid="ignore"):
                lengths = np.hypot(*np.diff(run.path, axis=0).T)
            finite = lengths[np.isfinite(lengths)]
            self._steps[method].set_data(np.arange(1, len(finite) + 1), finite)
            self._steps[method].set_markevery(_markevery(len(finite)))

        bound = result["lr"] * result["threshold"]
        self._bound.set_ydata([bound, bound])
        if self._step_ax.get_xlim()[1] != result["steps"] + 1:
            self._step_ax.set_xlim(0, result["steps"] + 1)
            self.redraw_all()  # new step axis

        exit_ = first_exit(runs["none"].path, bounds)
        marker, note = self._exits["marker"], self._exits["text"]
        if exit_ is not None and exit_[0] > 0:
            k, point = exit_
            length = float(np.hypot(*(runs["none"].path[k] - runs["none"].path[k - 1])))
            marker.set_data([point[0]], [point[1]])
            note.set_text(f"unclipped step {k} is {length:.3g} long: "
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
        first = float(np.hypot(*(none.path[1] - none.path[0]))) if len(none.path) > 1 \
            else 0.0
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
