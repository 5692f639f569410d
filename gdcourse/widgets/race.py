"""The optimizer race: several optimizers from one start on one landscape.

Every optimizer gets the same start, the same step budget and (with gradient noise) the
same noise sequence; only the method and its hyper-parameters differ. Each optimizer has
its learning rate on a slider, and its other hyper-parameters too: the momentum
:math:`\\mu` of heavy ball and Nesterov, RMSprop's :math:`\\alpha`, Adam's and AdamW's
:math:`\\beta_1, \\beta_2`. The left panel shows the paths on the landscape, the right one
the loss per step.
"""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..landscapes import Basins, Beale, Himmelblau, Landscape, Quadratic, Rosenbrock, Saddle
from ..trajectories import Trajectory, race
from ..optim import SGD, Adagrad, Adam, AdamW, RMSprop
from ..plots import (DIVERGED_MARKER, drawable_path, markevery_for, plot_landscape,
                     set_loss_axis, style_for)
from ._base import Explorer, check_choice, check_number, run_summary
from .._messages import N_, _, _f

__all__ = ["OptimizerRaceExplorer", "RACE_LANDSCAPES", "RACE_OPTIMIZERS", "DEFAULT_LRS",
           "HYPER_PARAMETERS", "BETA2_CHOICES", "ESCAPE_DISTANCE", "LR_NOTCHES_PER_DECADE",
           "lr_notch"]

# name -> (optimizer class, default keyword arguments besides lr). The names are the
# keys of gdcourse.plots.OPTIMIZER_COLORS, so every optimizer keeps its colour, and they
# are both the check-box labels and the legend entries.
RACE_OPTIMIZERS: dict[str, tuple[type, dict[str, Any]]] = {
    "SGD": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "Nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
    "Adagrad": (Adagrad, {}),
    "RMSprop": (RMSprop, {"alpha": 0.99}),
    "Adam": (Adam, {"betas": (0.9, 0.999)}),
    "AdamW": (AdamW, {"betas": (0.9, 0.999), "weight_decay": 0.01}),
}

# The hyper-parameters on sliders besides lr: optimizer -> control prefixes. The
# control of Adam's beta1 is "beta1_Adam", of the momentum of Nesterov "mu_Nesterov".
HYPER_PARAMETERS: dict[str, tuple[str, ...]] = {
    "momentum": ("mu",), "Nesterov": ("mu",), "RMSprop": ("alpha",),
    "Adam": ("beta1", "beta2"), "AdamW": ("beta1", "beta2"),
}
# The two columns of the controls: the SGD family, then the adaptive methods.
_COLUMNS = (("SGD", "momentum", "Nesterov"), ("Adagrad", "RMSprop", "Adam", "AdamW"))

# key -> (dropdown label, landscape factory)
RACE_LANDSCAPES: dict[str, tuple[str, Any]] = {
    "quadratic": (N_("ill-conditioned quadratic (κ = 25)"), lambda: Quadratic(25.0)),
    "rosenbrock": (N_("Rosenbrock valley"), Rosenbrock),
    "beale": ("Beale", Beale),
    "himmelblau": (N_("Himmelblau (four minima)"), Himmelblau),
    "saddle": (N_("saddle x² − y²"), Saddle),
    "basins": (N_("several basins"), Basins),
}

# The part of a landscape the path panel shows, where it is not the whole box: the
# κ = 25 bowl is narrow (curvature 25 across it), so its paths stay within |y| < 3
# unless they diverge (heavy ball at lr 0.11, momentum 0.9 reaches 2.7), and the full
# 10 × 10 box left them in a small strip. Along x, momentum overshoots to x ≈ 3.7.
_VIEWS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "quadratic": ((-5.0, 5.0), (-3.0, 3.0)),
}

# Learning rates that make a good first picture in about 150 steps (with the default
# momentum 0.9 and betas): each method gets well into the valley without being the
# best possible (which is often on the edge of instability and draws a tangle).
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

# The loss axis, as multiples of the gap at the start: from below what the fast runs reach
# in 300 steps to 1000 times the start, where a diverging run leaves.
_LOSS_SPANS: dict[str, tuple[float, float]] = {"rosenbrock": (1e-7, 1e3),
                                               "beale": (1e-9, 1e3)}
_LOSS_SPAN = (1e-12, 1e3)

LR_RANGE = (1e-5, 10.0)
# The lr sliders have 20 notches per decade. In the browser a slider (and a value typed
# into its read-out) snaps to a notch, so the explorer computes with the notch, in
# Python too: the numbers are then the same with and without a front end.
LR_NOTCHES_PER_DECADE = 20
STEPS_RANGE = (10, 300)
NOISE_RANGE = (0.0, 5.0)
MOMENTUM_RANGE = (0.0, 0.99)
BETA1_RANGE = (0.0, 0.99)
# beta2 and RMSprop's alpha live close to 1, where a linear slider has no room: the
# usual values, as notches.
BETA2_CHOICES = (0.9, 0.95, 0.99, 0.995, 0.999, 0.9999)
# On the saddle (no minimum) the race is about leaving it: the summary gives the first
# step at which |y| reaches this distance from the ridge y = 0 (dotted lines).
ESCAPE_DISTANCE = 1.0

_LEGEND_FONTSIZE = 9
# Label, track and read-out: ipywidgets' read-out and margins take about 114 px, so
# 216 px leaves a track of about 100 px (measured in JupyterLab 4 in Chromium).
_SLIDER_WIDTH = "216px"


def _check_settings(settings: dict) -> dict[str, dict[str, Any]]:
    """Validate ``settings`` (optimizer -> PyTorch keyword arguments) against the sliders."""
    allowed = {"momentum": ("momentum",), "Nesterov": ("momentum",),
               "RMSprop": ("alpha",), "Adam": ("betas",), "AdamW": ("betas",)}
    checked: dict[str, dict[str, Any]] = {}
    for name, kwargs in settings.items():
        check_choice("each key of settings", name, allowed)
        if not isinstance(kwargs, dict):
            raise TypeError(f"settings[{name!r}] must be a dict such as "
                            f"{{{allowed[name][0]!r}: ...}}, got {kwargs!r}")
        for key, value in kwargs.items():
            check_choice(f"each key of settings[{name!r}]", key, allowed[name])
            if key == "momentum":
                check_number(f"settings[{name!r}]['momentum']", value, *MOMENTUM_RANGE)
            elif key == "alpha":
                check_choice(f"settings[{name!r}]['alpha']", value, BETA2_CHOICES)
            else:
                if not (isinstance(value, (tuple, list)) and len(value) == 2):
                    raise TypeError(f"settings[{name!r}]['betas'] must be a pair "
                                    f"(beta1, beta2), got {value!r}")
                check_number(f"settings[{name!r}]['betas'][0]", value[0], *BETA1_RANGE)
                check_choice(f"settings[{name!r}]['betas'][1]", value[1], BETA2_CHOICES)
        checked[name] = dict(kwargs)
    return checked


def lr_notch(lr: float) -> float:
    """The lr slider's notch nearest to ``lr``: ``10 ** (k / 20)`` for an integer ``k``."""
    k = round(math.log10(lr) * LR_NOTCHES_PER_DECADE)
    return 10.0 ** (k / LR_NOTCHES_PER_DECADE)


def escape_step(run: Trajectory, distance: float = ESCAPE_DISTANCE) -> int | None:
    """The first step at which a run is ``distance`` or more from the ridge ``y = 0``."""
    far = np.flatnonzero(~(np.abs(run.path[:, 1]) < distance))
    return int(far[0]) if far.size else None


class OptimizerRaceExplorer(Explorer):
    """Race optimizers from the same start on a 2-D landscape.

    Parameters
    ----------
    landscape : str, default "rosenbrock"
        A key of :data:`RACE_LANDSCAPES`.
    optimizers : sequence of str, default ("SGD", "momentum", "Adam")
        Which of :data:`RACE_OPTIMIZERS` run (ticked).
    lrs : dict str -> float, optional
        Learning rates that replace the landscape's defaults (:data:`DEFAULT_LRS`). Every
        rate is taken to the slider's nearest notch (:func:`lr_notch`, 20 per decade),
        as the slider in the browser does.
        Choosing another landscape resets every rate to that landscape's defaults (the
        other hyper-parameters stay).
    settings : dict str -> dict, optional
        The other hyper-parameters, as PyTorch names them, e.g.
        ``{"momentum": {"momentum": 0.44}, "Adam": {"betas": (0.9, 0.99)},
        "RMSprop": {"alpha": 0.9}}``. Momentum and beta1 in [0, 0.99], in steps of
        0.01 (for Nesterov, momentum 0 is plain SGD: PyTorch would refuse
        ``nesterov=True`` without momentum); beta2 and alpha one of
        :data:`BETA2_CHOICES`. The defaults are those of :data:`RACE_OPTIMIZERS`
        (PyTorch's, and momentum 0.9).
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
    The contours are drawn once per landscape; a slider move only moves the lines. An
    optimizer's sliders are disabled while it is not ticked. On the saddle, which has no
    minimum, the summary also gives the step at which each run first gets
    :data:`ESCAPE_DISTANCE` away from the ridge :math:`y = 0`.
    """

    title = "Optimizer race: same start, same budget"
    accessible_names = {"steps": N_("steps of every optimizer (the budget)")}

    def __init__(self, landscape: str = "rosenbrock",
                 optimizers=("SGD", "momentum", "Adam"), lrs: dict | None = None,
                 steps: int = 150, noise: float = 0.0, seed: int = 0,
                 settings: dict | None = None) -> None:
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
        settings = _check_settings(dict(settings or {}))
        hyper = {name: {**fixed, **settings.get(name, {})}
                 for name, (_, fixed) in RACE_OPTIMIZERS.items()}
        self._initial = {"landscape": landscape, "optimizers": tuple(optimizers),
                         "lrs": {**DEFAULT_LRS[landscape], **lrs}, "steps": int(steps),
                         "noise": float(noise), "hyper": hyper}
        self.seed = int(seed)
        self._landscapes: dict[str, Landscape] = {}
        self._runs: dict[tuple, Trajectory] = {}  # the runs computed so far, by settings
        self._drawn_landscape: str | None = None
        super().__init__()

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        start = self._initial
        wide = {"description_width": "initial"}
        controls: dict[str, widgets.Widget] = {
            "landscape": widgets.Dropdown(
                options=[(_(label), key) for key, (label, _other) in RACE_LANDSCAPES.items()],
                value=start["landscape"], description="landscape", style=wide,
                layout=widgets.Layout(width="290px")),
            "steps": widgets.IntSlider(
                value=start["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1], step=10,
                description="steps", style=wide, layout=widgets.Layout(width="240px")),
            "noise": widgets.FloatSlider(
                value=start["noise"], min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.1,
                description="noise (std)", tooltip="standard deviation of the gradient noise",
                style=wide, layout=widgets.Layout(width="290px")),
        }
        narrow = {"description_width": "18px"}
        for name in RACE_OPTIMIZERS:
            used = name in start["optimizers"]
            hyper = start["hyper"][name]
            # The check box is the legend's name, in a column wide enough for the
            # longest ("momentum"), so it never runs into the "lr" label.
            controls[f"use_{name}"] = widgets.Checkbox(
                value=used, description=name, indent=False,
                tooltip=_f("race {name}", name=name), layout=widgets.Layout(width="112px"))
            controls[f"lr_{name}"] = widgets.FloatLogSlider(
                value=lr_notch(start["lrs"][name]), base=10, min=math.log10(LR_RANGE[0]),
                max=math.log10(LR_RANGE[1]), step=1 / LR_NOTCHES_PER_DECADE,
                readout_format=".1e",
                description="lr", tooltip=_f("learning rate of {name}", name=name),
                disabled=not used,
                style=narrow, layout=widgets.Layout(width=_SLIDER_WIDTH))
            for prefix in HYPER_PARAMETERS.get(name, ()):
                if prefix == "mu":
                    control = widgets.FloatSlider(
                        value=hyper["momentum"], min=MOMENTUM_RANGE[0],
                        max=MOMENTUM_RANGE[1], step=0.01, readout_format=".2f",
                        description="μ", tooltip=_f("momentum μ of {name}", name=name))
                elif prefix == "beta1":
                    control = widgets.FloatSlider(
                        value=hyper["betas"][0], min=BETA1_RANGE[0], max=BETA1_RANGE[1],
                        step=0.01, readout_format=".2f", description="β₁",
                        tooltip=_f("β₁ of {name} (the first moment's decay)", name=name))
                else:
                    value = hyper["betas"][1] if prefix == "beta2" else hyper["alpha"]
                    label = "β₂" if prefix == "beta2" else "α"
                    tooltip = (_f("β₂ of {name} (the second moment's decay)", name=name)
                               if prefix == "beta2" else
                               _f("α of {name} (the smoothing)", name=name))
                    control = widgets.SelectionSlider(
                        options=list(BETA2_CHOICES), value=value, description=label,
                        tooltip=tooltip)
                control.disabled = not used
                control.style = narrow
                control.layout = widgets.Layout(width=_SLIDER_WIDTH)
                controls[f"{prefix}_{name}"] = control
        return controls

    def _sliders_of(self, name: str) -> list[widgets.Widget]:
        return [self.controls[f"{prefix}_{name}"]
                for prefix in ("lr", *HYPER_PARAMETERS.get(name, ()))]

    def _layout(self) -> widgets.VBox:
        # One row per optimizer: its check box, then its sliders. Two columns (the SGD
        # family, the adaptive methods) side by side where they fit, one below the
        # other on a narrow notebook.
        row = widgets.Layout(align_items="center", height="28px")
        columns = [widgets.VBox([widgets.HBox([self.controls[f"use_{name}"],
                                               *self._sliders_of(name)], layout=row)
                                 for name in names],
                                layout=widgets.Layout(margin="0 28px 0 0"))
                   for names in _COLUMNS]
        optimizers = widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap"))
        top = widgets.HBox([self.controls[k] for k in ("landscape", "steps", "noise")],
                           layout=widgets.Layout(flex_flow="row wrap"))
        return widgets.VBox([widgets.HTML(f"<b>{html.escape(_(self.title))}</b>"), top, optimizers,
                             self.image, self.summary])

    def _on_change(self, change: dict[str, Any]) -> None:
        owner = change["owner"]
        if owner is self.controls["landscape"]:
            # New landscape, new default rates: set them all, then redraw once.
            with self.hold():
                for name, lr in DEFAULT_LRS[change["new"]].items():
                    self.controls[f"lr_{name}"].value = lr_notch(lr)
        for name in RACE_OPTIMIZERS:
            if owner is self.controls[f"use_{name}"]:
                for slider in self._sliders_of(name):
                    slider.disabled = not change["new"]
        self.update()

    # ------------------------------------------------------------------ figure
    def _make_figure(self) -> Figure:
        fig, (self._path_ax, self._loss_ax) = plt.subplots(
            1, 2, figsize=(9.0, 3.7), layout="constrained",
            gridspec_kw={"width_ratios": (1.0, 1.0)})
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
        self._legend = None
        self._loss_view = None
        self._floor: float | None = None
        return fig

    def _landscape(self, key: str) -> Landscape:
        if key not in self._landscapes:
            self._landscapes[key] = RACE_LANDSCAPES[key][1]()
        return self._landscapes[key]

    def _bounds(self, key: str) -> tuple[tuple[float, float], tuple[float, float]]:
        """The box the path panel shows (a diverged path ends with a cross at its edge)."""
        if key in _VIEWS:
            return _VIEWS[key]
        return tuple(tuple(map(float, b)) for b in self._landscape(key).bounds)

    def _draw_background(self, key: str) -> None:
        """Contours, start and minima of the landscape, with the path lines put back."""
        ax = self._path_ax
        self.clear_axes(ax)
        landscape = self._landscape(key)
        plot_landscape(landscape, [], ax=ax, title=RACE_LANDSCAPES[key][0])
        (xmin, xmax), (ymin, ymax) = self._bounds(key)
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        if key == "saddle":
            for y in (-ESCAPE_DISTANCE, ESCAPE_DISTANCE):
                ax.axhline(y, color="#555555", linewidth=1.0, linestyle=":", zorder=2)
            ax.text(xmax - 0.2, ESCAPE_DISTANCE + 0.15, f"|y| = {ESCAPE_DISTANCE:g}",
                    ha="right", va="bottom", fontsize=9, color="#333333")
        # The start and minimum are in the figure's one legend (see _draw).
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        for name in RACE_OPTIMIZERS:
            self.reattach(ax, self._path_lines[name], self._path_ends[name])
        self._drawn_landscape = key
        self._legend_labels = None  # the marker entries may have changed
        self.redraw_all()

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._drawn_landscape = None  # the message cleared the path panel

    # ------------------------------------------------------------------ numbers
    def _settings_of(self, name: str, values: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of optimizer ``name`` for the current slider values."""
        # The values of the notches, whatever the front end sent (0.9000000000000001 for
        # the 90th step of 0.01, 10 ** -1.4999999999999998 for a notch).
        kwargs = dict(RACE_OPTIMIZERS[name][1])
        kwargs["lr"] = lr_notch(float(values[f"lr_{name}"]))
        if name in ("momentum", "Nesterov"):
            kwargs["momentum"] = round(float(values[f"mu_{name}"]), 2)
            if name == "Nesterov" and kwargs["momentum"] == 0:
                kwargs["nesterov"] = False  # Nesterov without momentum is plain SGD
        elif name == "RMSprop":
            kwargs["alpha"] = float(values["alpha_RMSprop"])
        elif name in ("Adam", "AdamW"):
            kwargs["betas"] = (round(float(values[f"beta1_{name}"]), 2),
                               float(values[f"beta2_{name}"]))
        return kwargs

    def _compute(self, *, landscape: str, steps: int, noise: float,
                 **per_optimizer: Any) -> dict[str, Any]:
        contenders = {name: (cls, self._settings_of(name, per_optimizer))
                      for name, (cls, _) in RACE_OPTIMIZERS.items()
                      if per_optimizer[f"use_{name}"]}
        # Each run depends on its own settings only (race() gives every contender its
        # own copy of the noise generator): a slider of one optimizer reruns that one.
        runs = {}
        for name, contender in contenders.items():
            key = (landscape, name, repr(sorted(contender[1].items())), int(steps),
                   float(noise))
            if key not in self._runs:
                if len(self._runs) >= 256:
                    del self._runs[next(iter(self._runs))]
                self._runs[key] = race(self._landscape(landscape), {name: contender},
                                       int(steps), noise_std=float(noise),
                                       rng=np.random.default_rng(self.seed))[name]
            runs[name] = self._runs[key]
        return {"landscape": landscape, "steps": int(steps), "runs": runs,
                "settings": {name: kwargs for name, (_, kwargs) in contenders.items()}}

    # ------------------------------------------------------------------ drawing
    def _draw(self, result: dict[str, Any]) -> str:
        key = result["landscape"]
        if self._drawn_landscape != key:
            self._draw_background(key)
        surface = self._landscape(key)
        bounds = self._bounds(key)
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
            drawn, _cut = drawable_path(run.path, bounds, diverged)
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
            # Names only (each setting is on its sliders): the legend stays static
            # while a slider moves, and is drawn again only when an entry changes.
            label = name
            if diverged:
                label += f" (diverged at step {run.divergence.step})"
            handles.append(loss_line)
            labels.append(label)

        if labels != self._legend_labels:
            self._legend_labels = labels
            self._draw_legend(handles, labels)
        if not handles:
            return _("No optimizer selected: tick at least one.")
        return "; ".join(self._summary_of(key, run) for run in runs.values())

    def _draw_legend(self, handles: list, labels: list[str]) -> None:
        """One legend under both panels: the runs, then the start and the minima."""
        self.redraw_all()
        if self._legend is not None:
            self._legend.remove()
            self._legend = None
        if not handles:
            self._loss_ax.set_title("no optimizer selected: tick at least one", pad=10)
            return
        # The same size and padding as the landscape's title on the left.
        self._loss_ax.set_title("loss per step", pad=10)
        marks, names = self._path_ax.get_legend_handles_labels()
        marks = [(h, t) for h, t in zip(marks, names) if t in ("start", "minimum", "minima")]
        entries = [*zip(handles, labels), *marks]
        long = any("(" in text for text in labels)
        self._legend = self.fig.legend(
            [h for h, _ in entries], [t for _, t in entries], loc="outside lower center",
            ncols=min(len(entries), 3 if long else 5 if len(entries) > 6 else 6),
            fontsize=_LEGEND_FONTSIZE, frameon=False, columnspacing=1.2,
            handlelength=2.6)

    @staticmethod
    def _summary_of(key: str, run: Trajectory) -> str:
        if key != "saddle":
            return run_summary(run)
        step = escape_step(run)
        where = (_f("|y| ≥ {distance:g} at step {step}", distance=ESCAPE_DISTANCE, step=step)
                 if step is not None else
                 _f("|y| < {distance:g} throughout", distance=ESCAPE_DISTANCE))
        return f"{run.label}: {where}, " + run_summary(run).split(": ", 1)[-1]

    def _set_loss_axis(self, surface: Landscape, steps: int) -> float | None:
        """Limits fixed by the landscape and the step budget, not by the runs.

        So a slider moving only moves lines: on a log axis from far below the start to
        1000 times above it (a diverging run leaves at the top; its legend entry says
        it diverged). Returns the minimum to subtract from the losses, if any.
        """
        view = (self._drawn_landscape, steps)
        if view != self._loss_view:
            self._loss_view = view
            self.redraw_all()
            self._loss_ax.set_xlim(0, steps)
            self._floor = set_loss_axis(
                self._loss_ax, surface, margin=0.05,
                span=_LOSS_SPANS.get(self._drawn_landscape, _LOSS_SPAN))
        return self._floor
