"""The optimizer race: several optimizers from one start on one landscape.

Every optimizer gets the same start, the same step budget and (with gradient noise) the
same noise sequence; only the method and its learning rate differ. The left panel shows
the paths on the landscape, the right one the loss per step.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..functions import (Basins, Beale, Himmelblau, Landscape, Quadratic, Rosenbrock,
                         Saddle, Trajectory, race)
from ..optim import SGD, Adagrad, Adam, AdamW, RMSprop
from ..plots import (DIVERGED_MARKER, drawable_path, markevery_for, plot_landscape,
                     set_loss_axis, style_for)
from ._base import Explorer, check_choice, check_number

__all__ = ["OptimizerRaceExplorer", "RACE_LANDSCAPES", "RACE_OPTIMIZERS", "DEFAULT_LRS"]

# name -> (optimizer class, fixed arguments). The names are the keys of
# gdcourse.plots.OPTIMIZER_COLORS, so every optimizer keeps its colour.
RACE_OPTIMIZERS: dict[str, tuple[type, dict[str, Any]]] = {
    "SGD": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "Nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
    "Adagrad": (Adagrad, {}),
    "RMSprop": (RMSprop, {}),
    "Adam": (Adam, {}),
    "AdamW": (AdamW, {}),
}

_OPTIMIZER_DESCRIPTIONS = {
    "SGD": "SGD", "momentum": "SGD + momentum 0.9", "Nesterov": "Nesterov 0.9",
    "Adagrad": "Adagrad", "RMSprop": "RMSprop", "Adam": "Adam",
    "AdamW": "AdamW (decay 0.01)",
}

# key -> (dropdown label, landscape factory)
RACE_LANDSCAPES: dict[str, tuple[str, Any]] = {
    "quadratic": ("ill-conditioned quadratic (κ = 25)", lambda: Quadratic(25.0)),
    "rosenbrock": ("Rosenbrock valley", Rosenbrock),
    "beale": ("Beale", Beale),
    "himmelblau": ("Himmelblau (four minima)", Himmelblau),
    "saddle": ("saddle x² − y²", Saddle),
    "basins": ("several basins", Basins),
}

# Learning rates that make a good first picture in about 150 steps: each method gets
# well into the valley without being the best possible (which is often on the edge of
# instability and draws a tangle).
DEFAULT_LRS: dict[str, dict[str, float]] = {
    "quadratic": {"SGD": 0.03, "momentum": 0.005, "Nesterov": 0.02, "Adagrad": 0.5,
                  "RMSprop": 0.05, "Adam": 0.2, "AdamW": 0.2},
    "rosenbrock": {"SGD": 0.002, "momentum": 0.001, "Nesterov": 0.001, "Adagrad": 0.3,
                   "RMSprop": 0.03, "Adam": 0.2, "AdamW": 0.2},
    "beale": {"SGD": 0.01, "momentum": 0.001, "Nesterov": 0.001, "Adagrad": 0.5,
              "RMSprop": 0.05, "Adam": 0.1, "AdamW": 0.1},
    "himmelblau": {"SGD": 0.004, "momentum": 0.004, "Nesterov": 0.004, "Adagrad": 0.4,
                   "RMSprop": 0.03, "Adam": 0.2, "AdamW": 0.2},
    "saddle": {"SGD": 0.02, "momentum": 0.005, "Nesterov": 0.005, "Adagrad": 0.5,
               "RMSprop": 0.1, "Adam": 0.1, "AdamW": 0.1},
    "basins": {"SGD": 0.05, "momentum": 0.05, "Nesterov": 0.04, "Adagrad": 0.5,
               "RMSprop": 0.05, "Adam": 0.2, "AdamW": 0.2},
}

LR_RANGE = (1e-5, 10.0)
STEPS_RANGE = (10, 300)
NOISE_RANGE = (0.0, 5.0)


class OptimizerRaceExplorer(Explorer):
    """Race optimizers from the same start on a 2-D landscape.

    Parameters
    ----------
    landscape : str, default "rosenbrock"
        A key of :data:`RACE_LANDSCAPES`.
    optimizers : sequence of str, default ("SGD", "momentum", "Adam")
        Which of :data:`RACE_OPTIMIZERS` run.
    lrs : dict str -> float, optional
        Learning rates that replace the landscape's defaults (:data:`DEFAULT_LRS`).
        Choosing another landscape resets every rate to that landscape's defaults.
    steps : int, default 150
        The step budget, in [10, 300].
    noise : float, default 0
        Standard deviation of the Gaussian noise added to each gradient component
        (0 = exact gradients), in [0, 5].
    seed : int, default 0
        Seeds the gradient noise. Every optimizer gets the same noise sequence,
        so the race stays fair.

    Notes
    -----
    The contours are drawn once per landscape; a slider move only moves the lines.
    """

    title = "Optimizer race: same start, same budget"

    def __init__(self, landscape: str = "rosenbrock",
                 optimizers=("SGD", "momentum", "Adam"), lrs: dict | None = None,
                 steps: int = 150, noise: float = 0.0, seed: int = 0) -> None:
        check_choice("landscape", landscape, RACE_LANDSCAPES)
        if isinstance(optimizers, str):
            raise TypeError("optimizers must be a sequence of names, e.g. ('SGD', 'Adam'), "
                            f"got the string {optimizers!r}")
        for name in optimizers:
            check_choice("each optimizer", name, RACE_OPTIMIZERS)
        lrs = dict(lrs or {})
        for name, lr in lrs.items():
            check_choice("each key of lrs", name, RACE_OPTIMIZERS)
            check_number(f"lrs[{name!r}]", lr, *LR_RANGE)
        check_number("steps", steps, *STEPS_RANGE, integer=True)
        check_number("noise", noise, *NOISE_RANGE)
        check_number("seed", seed, 0, math.inf, integer=True)
        self._initial = {"landscape": landscape, "optimizers": tuple(optimizers),
                         "lrs": {**DEFAULT_LRS[landscape], **lrs}, "steps": int(steps),
                         "noise": float(noise)}
        self.seed = int(seed)
        self._landscapes: dict[str, Landscape] = {}
        self._drawn_landscape: str | None = None
        super().__init__()

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        start = self._initial
        wide = {"description_width": "initial"}
        controls: dict[str, widgets.Widget] = {
            "landscape": widgets.Dropdown(
                options=[(label, key) for key, (label, _) in RACE_LANDSCAPES.items()],
                value=start["landscape"], description="landscape", style=wide),
            "steps": widgets.IntSlider(
                value=start["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1], step=10,
                description="steps", style=wide),
            "noise": widgets.FloatSlider(
                value=start["noise"], min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.1,
                description="gradient noise (std)", style=wide),
        }
        for name in RACE_OPTIMIZERS:
            controls[f"use_{name}"] = widgets.Checkbox(
                value=name in start["optimizers"], description=_OPTIMIZER_DESCRIPTIONS[name],
                indent=False, layout=widgets.Layout(width="170px"))
            controls[f"lr_{name}"] = widgets.FloatLogSlider(
                value=start["lrs"][name], base=10, min=math.log10(LR_RANGE[0]),
                max=math.log10(LR_RANGE[1]), step=0.05, readout_format=".1e",
                # 240 px: a 190 px track next to "lr"; two rows sit side by side in
                # a notebook at least 864 px wide (one column below that).
                description="lr", style=wide, layout=widgets.Layout(width="240px"))
        return controls

    def _layout(self) -> widgets.VBox:
        # One row per optimizer (tick box next to its rate) reads better than the
        # base class's single wrapped row of 17 controls.
        rows = [widgets.HBox([self.controls[f"use_{name}"], self.controls[f"lr_{name}"]])
                for name in RACE_OPTIMIZERS]
        # Two columns where they fit, one on a narrow notebook (a fixed two-column
        # grid overflowed and cut the rate read-outs off in JupyterLab).
        grid = widgets.GridBox(rows, layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(420px, 1fr))", grid_gap="0 24px"))
        accordion = widgets.Accordion([grid], selected_index=0)
        accordion.set_title(0, "optimizers and learning rates")
        top = widgets.HBox([self.controls[k] for k in ("landscape", "steps", "noise")],
                           layout=widgets.Layout(flex_flow="row wrap"))
        return widgets.VBox([widgets.HTML(f"<b>{self.title}</b>"), top, accordion,
                             self.image, self.summary])

    def _on_change(self, change: dict[str, Any]) -> None:
        if change["owner"] is self.controls["landscape"]:
            # New landscape, new default rates: set them all, then redraw once.
            with self.hold():
                for name, lr in DEFAULT_LRS[change["new"]].items():
                    self.controls[f"lr_{name}"].value = lr
        self.update()

    # ------------------------------------------------------------------ figure
    def _make_figure(self) -> Figure:
        fig, (self._path_ax, self._loss_ax) = plt.subplots(
            1, 2, figsize=(9.0, 4.1), layout="constrained",
            gridspec_kw={"width_ratios": (1.0, 1.15)})
        # The moving parts, made once: the path panel is cleared for every landscape
        # and these same lines are put back on it (see _draw_background).
        self._path_lines, self._path_ends = {}, {}
        self._loss_lines, self._loss_ends = {}, {}
        for name in RACE_OPTIMIZERS:
            style = style_for(name)
            (self._path_lines[name],) = self._path_ax.plot(
                [], [], linewidth=1.8, markersize=5, zorder=3, **style)
            (self._path_ends[name],) = self._path_ax.plot(
                [], [], color=style["color"], zorder=4, clip_on=False, **DIVERGED_MARKER)
            (self._loss_lines[name],) = self._loss_ax.plot(
                [], [], linewidth=1.8, markersize=5, **style)
            (self._loss_ends[name],) = self._loss_ax.plot(
                [], [], color=style["color"], zorder=4, clip_on=False, **DIVERGED_MARKER)
        for end in (*self._path_ends.values(), *self._loss_ends.values()):
            end.set_in_layout(False)
        self._loss_ax.set_xlabel("step")
        self._loss_ax.grid(True, which="major", alpha=0.3)
        # Drawn over the kept raster on every update; the rest is static.
        self.animate(*self._path_lines.values(), *self._path_ends.values(),
                     *self._loss_lines.values(), *self._loss_ends.values())
        self._legend_labels: list[str] | None = None
        self._loss_view = None
        self._floor: float | None = None
        return fig

    def _landscape(self, key: str) -> Landscape:
        if key not in self._landscapes:
            self._landscapes[key] = RACE_LANDSCAPES[key][1]()
        return self._landscapes[key]

    def _draw_background(self, key: str) -> None:
        """Contours, start and minima of the landscape, with the path lines put back."""
        ax = self._path_ax
        self.clear_axes(ax)
        landscape = self._landscape(key)
        plot_landscape(landscape, [], ax=ax, title=RACE_LANDSCAPES[key][0])
        for name in RACE_OPTIMIZERS:
            self.reattach(ax, self._path_lines[name], self._path_ends[name])
        self._drawn_landscape = key
        self.redraw_all()

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._drawn_landscape = None  # the message cleared the path panel

    # ------------------------------------------------------------------ numbers
    def _compute(self, *, landscape: str, steps: int, noise: float,
                 **per_optimizer: Any) -> dict[str, Any]:
        contenders = {name: (cls, {**fixed, "lr": float(per_optimizer[f"lr_{name}"])})
                      for name, (cls, fixed) in RACE_OPTIMIZERS.items()
                      if per_optimizer[f"use_{name}"]}
        runs = race(self._landscape(landscape), contenders, int(steps),
                    noise_std=float(noise), rng=np.random.default_rng(self.seed))
        return {"landscape": landscape, "steps": int(steps), "runs": runs,
                "lrs": {name: per_optimizer[f"lr_{name}"] for name in runs}}

    # ------------------------------------------------------------------ drawing
    def _draw(self, result: dict[str, Any]) -> str:
        key = result["landscape"]
        if self._drawn_landscape != key:
            self._draw_background(key)
        surface = self._landscape(key)
        bounds = tuple(tuple(map(float, b)) for b in surface.bounds)
        runs: dict[str, Trajectory] = result["runs"]
        # The gap to the deepest minimum where it is known: the loss of the basins is
        # negative, and a log axis needs a positive quantity.
        floor = self._set_loss_axis(surface, result["steps"])
        low, high = self._loss_ax.get_ylim()
        handles, labels = [], []
        for name in RACE_OPTIMIZERS:
            run = runs.get(name)
            path_line, path_end = self._path_lines[name], self._path_ends[name]
            loss_line, loss_end = self._loss_lines[name], self._loss_ends[name]
            for artist in (path_line, path_end, loss_line, loss_end):
                artist.set_visible(run is not None)
            if run is None:
                continue
            diverged = run.divergence is not None
            drawn, _ = drawable_path(run.path, bounds, diverged)
            path_line.set_data(drawn[:, 0], drawn[:, 1])
            path_line.set_markevery(markevery_for(len(drawn)))
            path_end.set_data(drawn[-1:, 0], drawn[-1:, 1])
            path_end.set_visible(diverged)

            values = run.losses - floor if floor is not None else run.losses
            n = int(np.flatnonzero(~np.isfinite(values))[0]) \
                if not np.isfinite(values).all() else len(values)
            steps = np.arange(n)
            loss_line.set_data(steps, values[:n])
            loss_line.set_markevery(markevery_for(n))
            # The cross stays on the panel when the climb leaves it at the top.
            loss_end.set_data(steps[-1:], np.clip(values[n - 1:n], low, high))
            loss_end.set_visible(diverged and n > 0)
            # Names only (each rate is on its slider): the legend stays static while
            # a rate moves, and is drawn again only when an entry changes.
            label = name
            if diverged:  # one line: seven entries must fit under the panel
                label += f" (diverged at step {run.divergence.step})"
            handles.append(loss_line)
            labels.append(label)

        if labels != self._legend_labels:
            self._legend_labels = labels
            self.redraw_all()
            legend = self._loss_ax.get_legend()
            if legend is not None:
                legend.remove()
            if handles:
                # Below the axes: inside, it would be drawn under the moving lines.
                self._loss_ax.legend(handles, labels, loc="upper center",
                                     bbox_to_anchor=(0.5, -0.14), fontsize=8,
                                     ncols=2 if any("(" in text for text in labels) else 4,
                                     frameon=False)
                self._loss_ax.set_title("loss per step", fontsize=11)
            else:
                self._loss_ax.set_title("no optimizer selected: tick at least one",
                                        fontsize=11)
        if not handles:
            return "No optimizer selected: tick at least one."
        return "; ".join(run.summary() for run in runs.values())

    def _set_loss_axis(self, surface: Landscape, steps: int) -> float | None:
        """Limits fixed by the landscape and the step budget, not by the runs.

        So a rate moving only moves lines: on a log axis from far below the start to
        1000 times above it (a diverging run leaves at the top; its legend entry says
        it diverged). Returns the minimum to subtract from the losses, if any.
        """
        view = (self._drawn_landscape, steps)
        if view != self._loss_view:
            self._loss_view = view
            self.redraw_all()
            self._loss_ax.set_xlim(0, steps)
            self._floor = set_loss_axis(self._loss_ax, surface, span=(1e-12, 1e3),
                                        margin=0.05)
        return self._floor
