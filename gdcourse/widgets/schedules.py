"""Learning-rate schedules: compose one and train with it; watch ReduceLROnPlateau decide.

:class:`ScheduleExplorer` builds a schedule the way a PyTorch script does (a linear
warm-up, then the chosen schedule, joined by ``SequentialLR``), draws its curve
``lr(t)`` and the momentum of each step (which ``CyclicLR`` and ``OneCycleLR`` cycle
by default, as in PyTorch), and runs SGD with momentum with it, next to the same run
at a fixed rate.

:class:`PlateauExplorer` feeds a noisy validation curve to ``ReduceLROnPlateau`` and
shows where, and why, the rate drops (:func:`gdcourse.plateau.run_plateau` on
:func:`gdcourse.plateau.noisy_validation_curve`).
"""

from __future__ import annotations

import math
import re
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D

from ..landscapes import Quadratic, Rosenbrock
from ..trajectories import Trajectory, race
from ..optim import SGD
from ..optim.lr_scheduler import (CosineAnnealingLR, CosineAnnealingWarmRestarts,
                                  CyclicLR, ExponentialLR, LambdaLR, LinearLR,
                                  MultiStepLR, OneCycleLR, SequentialLR, StepLR,
                                  exponential_decay, lr_curve, momentum_curve)
from ..plateau import noisy_validation_curve, run_plateau
from ..plots import DIVERGED_MARKER, OKABE_ITO
from ._base import Explorer, check_choice, check_number, sticky_log_limits
from .._messages import N_, _, _f

__all__ = ["ScheduleExplorer", "PlateauExplorer", "SCHEDULES", "build_schedule",
           "last_mean"]

# ======================================================================= composer
# key -> (dropdown label, the controls it uses)
SCHEDULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "constant": (N_("constant"), ()),
    "step": (N_("step (StepLR)"), ("step_size", "gamma")),
    "multistep": (N_("multi-step (MultiStepLR)"), ("milestones", "gamma")),
    "exponential": (N_("exponential (ExponentialLR)"), ("exp_gamma",)),
    "keras": (N_("exponential_decay (Keras form)"), ("decay_steps", "decay_rate",
                                                "staircase")),
    "cosine": (N_("cosine (CosineAnnealingLR)"), ("eta_min_ratio",)),
    "restarts": (N_("cosine with warm restarts"), ("T_0", "T_mult", "eta_min_ratio")),
    "cyclic": (N_("cyclical (CyclicLR)"), ("cyclic_mode", "base_lr_ratio", "step_size_up",
                                       "cyclic_gamma", "cycle_momentum")),
    "onecycle": (N_("one-cycle (OneCycleLR)"), ("pct_start", "anneal_strategy",
                                            "div_factor", "final_div_factor",
                                            "cycle_momentum")),
}
# A linear warm-up starts at this fraction of the rate (LinearLR's start_factor).
WARMUP_START_FACTOR = 0.01
# One-cycle needs room for its two phases.
MIN_ONECYCLE_STEPS = 20
# The momentum of both runs; CyclicLR and OneCycleLR overwrite it when they cycle it.
MOMENTUM = 0.9
# PyTorch's defaults for the cycled momentum: (base_momentum, max_momentum).
CYCLED_MOMENTUM = {"cyclic": (0.8, 0.9), "onecycle": (0.85, 0.95)}
# The summary compares the runs by their mean loss over the last steps: with gradient
# noise a single final loss jumps from seed to seed, the mean over a window much less.
LAST_STEPS = 20

SCHEDULE_DEFAULTS: dict[str, Any] = {
    "step_size": 50, "gamma": 0.3, "milestones": (80, 150), "exp_gamma": 0.98,
    "decay_steps": 50, "decay_rate": 0.5, "staircase": False, "eta_min_ratio": 0.0,
    "T_0": 50, "T_mult": 1, "cyclic_mode": "triangular", "base_lr_ratio": 0.1,
    "step_size_up": 25, "cyclic_gamma": 0.99, "pct_start": 0.3,
    "anneal_strategy": "cos", "div_factor": 25.0, "final_div_factor": 1e4,
    "cycle_momentum": True,
}

# Room after a drop-down, so that the next control's label does not touch it.
_DROPDOWN_MARGIN = "2px 18px 2px 2px"

_LANDSCAPES = {"quadratic": (N_("ill-conditioned quadratic (κ = 25)"),
                             lambda: Quadratic(25.0)),
               "rosenbrock": (N_("Rosenbrock valley"), Rosenbrock)}


def build_schedule(optimizer, schedule: str, *, warmup: int, steps: int, **params: Any):
    """The scheduler for ``optimizer``: a linear warm-up, then ``schedule``.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``lr`` is the rate the warm-up climbs to and the schedule starts from
        (for cyclical and one-cycle schedules, their peak).
    schedule : str
        A key of :data:`SCHEDULES`.
    warmup : int
        Length of the linear warm-up (``LinearLR`` from ``WARMUP_START_FACTOR``), 0 for
        none. With a warm-up the two are joined by ``SequentialLR``, and the schedule's
        own step 0 is at step ``warmup``.
    steps : int
        Length of the whole run: cosine annealing reaches ``eta_min`` at its end, and
        one-cycle spans the steps after the warm-up (at least ``MIN_ONECYCLE_STEPS``).
    **params
        The schedule's parameters, named as the controls of :class:`ScheduleExplorer`
        (see :data:`SCHEDULE_DEFAULTS`). ``cycle_momentum`` (default True, as in
        PyTorch) lets ``CyclicLR`` and ``OneCycleLR`` cycle the optimizer's momentum
        between PyTorch's default bounds (:data:`CYCLED_MOMENTUM`).

    Returns
    -------
    LRScheduler
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
    p = {**SCHEDULE_DEFAULTS, **params}
    lr = optimizer.param_groups[0]["lr"]
    warmup_sched = (LinearLR(optimizer, start_factor=WARMUP_START_FACTOR,
                             total_iters=warmup) if warmup > 0 else None)
    remaining = max(1, steps - warmup)
    if schedule == "constant":
        main = LambdaLR(optimizer, lambda t: 1.0)
    elif schedule == "step":
        main = StepLR(optimizer, step_size=int(p["step_size"]), gamma=p["gamma"])
    elif schedule == "multistep":
        main = MultiStepLR(optimizer, milestones=[int(m) for m in p["milestones"]],
                           gamma=p["gamma"])
    elif schedule == "exponential":
        main = ExponentialLR(optimizer, gamma=p["exp_gamma"])
    elif schedule == "keras":
        decay_steps, decay_rate, staircase = p["decay_steps"], p["decay_rate"], \
            bool(p["staircase"])
        main = LambdaLR(optimizer, lambda t: float(exponential_decay(
            t, 1.0, decay_steps, decay_rate, staircase=staircase)))
    elif schedule == "cosine":
        main = CosineAnnealingLR(optimizer, T_max=remaining,
                                 eta_min=p["eta_min_ratio"] * lr)
    elif schedule == "restarts":
        main = CosineAnnealingWarmRestarts(optimizer, T_0=int(p["T_0"]),
                                           T_mult=int(p["T_mult"]),
                                           eta_min=p["eta_min_ratio"] * lr)
    elif schedule == "cyclic":
        # cycle_momentum as PyTorch's default (True): the momentum moves too, between
        # PyTorch's default bounds; False leaves the optimizer's momentum alone.
        main = CyclicLR(optimizer, base_lr=p["base_lr_ratio"] * lr, max_lr=lr,
                        step_size_up=int(p["step_size_up"]), mode=p["cyclic_mode"],
                        gamma=p["cyclic_gamma"], cycle_momentum=bool(p["cycle_momentum"]))
    else:  # one-cycle
        main = OneCycleLR(optimizer, max_lr=lr,
                          total_steps=max(MIN_ONECYCLE_STEPS, remaining),
                          pct_start=float(p["pct_start"]),
                          anneal_strategy=p["anneal_strategy"],
                          div_factor=float(p["div_factor"]),
                          final_div_factor=float(p["final_div_factor"]),
                          cycle_momentum=bool(p["cycle_momentum"]))
    if warmup_sched is None:
        return main
    return SequentialLR(optimizer, [warmup_sched, main], milestones=[warmup])


class ScheduleExplorer(Explorer):
    """Compose a learning-rate schedule, see its curve and a training run with it.

    The run is SGD with momentum 0.9 on a 2-D landscape with optional gradient noise
    (a stand-in for mini-batch noise, where decaying the rate pays off most), next to
    the same run at the fixed rate ``lr`` with the same noise. Under the rate, the
    momentum of each step: 0.9 throughout, unless a cyclical or one-cycle schedule
    cycles it (PyTorch's default, ``cycle_momentum=True``; a check-box turns it off).

    Parameters
    ----------
    schedule : str, default "cosine"
        A key of :data:`SCHEDULES`.
    lr : float, default 0.05
        The peak rate, in [1e-4, 1].
    warmup : int, default 10
        Linear warm-up steps, in [0, 100]; 0 = none.
    steps : int, default 200
        In [50, 300].
    landscape : {"quadratic", "rosenbrock"}, default "quadratic"
    noise : float, default 0.5
        Gradient noise standard deviation, in [0, 2].
    seed : int, default 0
    **params
        Initial values of the schedule parameters (see :data:`SCHEDULE_DEFAULTS`).
    """

    title = "Learning-rate schedule composer"
    accessible_names = {
        "lr": N_("peak learning rate of the schedule, and the rate of the fixed run"),
        "warmup": N_("steps of linear warm-up (0 = none)"),
        "steps": N_("steps of both runs"),
        "noise": N_("standard deviation of the gradient noise"),
        "step_size": N_("step_size of StepLR: steps between two decays"),
        "gamma": N_("gamma of StepLR and MultiStepLR: the factor at each decay"),
        "milestones": N_("milestones of MultiStepLR: the steps at which the rate decays"),
        "exp_gamma": N_("gamma of ExponentialLR: the factor per step"),
        "decay_steps": N_("decay_steps of exponential_decay: steps per factor decay_rate"),
        "decay_rate": N_("decay_rate of exponential_decay: the factor per decay_steps steps"),
        "eta_min_ratio": N_("eta_min as a fraction of the peak: the lowest rate of the cosine"),
        "T_0": N_("T_0 of the warm restarts: steps of the first cycle"),
        "T_mult": N_("T_mult of the warm restarts: each cycle is this many times longer"),
        "base_lr_ratio": N_("base_lr of CyclicLR as a fraction of max_lr (the peak)"),
        "step_size_up": N_("step_size_up of CyclicLR: steps from base_lr up to max_lr"),
        "cyclic_gamma": N_("gamma of CyclicLR's exp_range mode: the amplitude's factor per step"),
        "pct_start": N_("pct_start of OneCycleLR: the fraction of the steps spent raising the rate"),
        "div_factor": N_("div_factor of OneCycleLR: the first rate is the peak divided by it"),
        "final_div_factor": N_("final_div_factor of OneCycleLR: the last rate is the first "
                               "divided by it"),
    }

    def __init__(self, schedule: str = "cosine", lr: float = 0.05, warmup: int = 10,
                 steps: int = 200, landscape: str = "quadratic", noise: float = 0.5,
                 seed: int = 0, **params: Any) -> None:
        check_choice("schedule", schedule, SCHEDULES)
        check_choice("landscape", landscape, _LANDSCAPES)
        for name in params:
            if name not in SCHEDULE_DEFAULTS:
                raise TypeError(f"unknown schedule parameter {name!r}; choose from "
                                f"{', '.join(SCHEDULE_DEFAULTS)}")
        check_number("lr", lr, 1e-4, 1.0)
        check_number("warmup", warmup, 0, 100, integer=True)
        check_number("steps", steps, 50, 300, integer=True)
        check_number("noise", noise, 0.0, 2.0)
        check_number("seed", seed, 0, math.inf, integer=True)
        self._initial = {"schedule": schedule, "lr": float(lr), "warmup": int(warmup),
                         "steps": int(steps), "landscape": landscape,
                         "noise": float(noise), **SCHEDULE_DEFAULTS, **params}
        self.seed = int(seed)
        self._landscapes: dict[str, Any] = {}
        super().__init__()

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        v = self._initial
        wide = {"description_width": "initial"}
        controls = {
            "schedule": widgets.Dropdown(
                options=[(_(label), key) for key, (label, _other) in SCHEDULES.items()],
                value=v["schedule"], description="schedule", style=wide,
                layout=widgets.Layout(margin=_DROPDOWN_MARGIN)),
            "lr": widgets.FloatLogSlider(value=v["lr"], base=10, min=-4, max=0, step=0.05,
                                         readout_format=".2g",
                                         description="learning rate (peak)", style=wide),
            "warmup": widgets.IntSlider(value=v["warmup"], min=0, max=100,
                                        description="warm-up steps (0 = none)", style=wide),
            "steps": widgets.IntSlider(value=v["steps"], min=50, max=300, step=10,
                                       description="steps", style=wide),
            "landscape": widgets.Dropdown(
                options=[(_(label), key) for key, (label, _other) in _LANDSCAPES.items()],
                value=v["landscape"], description="training on", style=wide,
                layout=widgets.Layout(margin=_DROPDOWN_MARGIN)),
            "noise": widgets.FloatSlider(value=v["noise"], min=0.0, max=2.0, step=0.05,
                                         description="gradient noise (std)", style=wide),
            "step_size": widgets.IntSlider(value=v["step_size"], min=1, max=150,
                                           description="step_size", style=wide),
            "gamma": widgets.FloatSlider(value=v["gamma"], min=0.05, max=0.95, step=0.05,
                                         description="decay factor γ", style=wide),
            "milestones": widgets.IntRangeSlider(value=tuple(v["milestones"]), min=1,
                                                 max=300, description="milestones",
                                                 style=wide),
            "exp_gamma": widgets.FloatSlider(value=v["exp_gamma"], min=0.9, max=0.999,
                                             step=0.001, readout_format=".3f",
                                             description="γ per step", style=wide),
            "decay_steps": widgets.IntSlider(value=v["decay_steps"], min=1, max=200,
                                             description="decay_steps", style=wide),
            "decay_rate": widgets.FloatSlider(value=v["decay_rate"], min=0.05, max=0.95,
                                              step=0.05, description="decay_rate",
                                              style=wide),
            "staircase": widgets.Checkbox(value=v["staircase"], description="staircase",
                                          indent=False),
            "eta_min_ratio": widgets.FloatSlider(value=v["eta_min_ratio"], min=0.0,
                                                 max=0.5, step=0.01,
                                                 description="eta_min / lr", style=wide),
            "T_0": widgets.IntSlider(value=v["T_0"], min=1, max=150,
                                     description="T_0 (first cycle)", style=wide),
            "T_mult": widgets.IntSlider(value=v["T_mult"], min=1, max=3,
                                        description="T_mult", style=wide),
            "cyclic_mode": widgets.Dropdown(options=["triangular", "triangular2",
                                                     "exp_range"],
                                            value=v["cyclic_mode"], description="mode",
                                            style=wide,
                                            layout=widgets.Layout(margin=_DROPDOWN_MARGIN)),
            "base_lr_ratio": widgets.FloatLogSlider(value=v["base_lr_ratio"], base=10,
                                                    min=-3, max=0, step=0.1,
                                                    readout_format=".2g",
                                                    description="base_lr / max_lr",
                                                    style=wide),
            "step_size_up": widgets.IntSlider(value=v["step_size_up"], min=1, max=150,
                                              description="step_size_up", style=wide),
            "cyclic_gamma": widgets.FloatSlider(value=v["cyclic_gamma"], min=0.9,
                                                max=1.0, step=0.001, readout_format=".3f",
                                                description="γ (exp_range)", style=wide),
            "pct_start": widgets.FloatSlider(value=v["pct_start"], min=0.1, max=0.9,
                                             step=0.05, description="pct_start",
                                             style=wide),
            "anneal_strategy": widgets.Dropdown(options=["cos", "linear"],
                                                value=v["anneal_strategy"],
                                                description="anneal", style=wide,
                                                layout=widgets.Layout(
                                                    margin=_DROPDOWN_MARGIN)),
            "div_factor": widgets.FloatLogSlider(value=v["div_factor"], base=10, min=0,
                                                 max=3, step=0.1, readout_format=".3g",
                                                 description="div_factor", style=wide),
            "final_div_factor": widgets.FloatLogSlider(
                value=v["final_div_factor"], base=10, min=0, max=5, step=0.5,
                readout_format=".2g", description="final_div_factor", style=wide),
            "cycle_momentum": widgets.Checkbox(
                value=v["cycle_momentum"], indent=False,
                description="cycle the momentum (PyTorch's default)"),
        }
        self._show_relevant(controls, v["schedule"])
        return controls

    @staticmethod
    def _show_relevant(controls: dict[str, widgets.Widget], schedule: str) -> None:
        """Show the controls of ``schedule``, hide the other schedules' controls."""
        relevant = set(SCHEDULES[schedule][1])
        for name in SCHEDULE_DEFAULTS:
            controls[name].layout.display = "" if name in relevant else "none"

    def _on_change(self, change: dict[str, Any]) -> None:
        if change["owner"] is self.controls["schedule"]:
            self._show_relevant(self.controls, change["new"])
        super()._on_change(change)

    # ------------------------------------------------------------------ figure
    def _make_figure(self) -> Figure:
        fig = plt.figure(figsize=(9.0, 4.5), layout="constrained")
        grid = fig.add_gridspec(2, 2, height_ratios=(3.0, 1.3))
        self._lr_ax = fig.add_subplot(grid[0, 0])
        self._momentum_ax = fig.add_subplot(grid[1, 0], sharex=self._lr_ax)
        self._loss_ax = fig.add_subplot(grid[:, 1])
        self._make_artists()
        return fig

    def _make_artists(self) -> None:
        """The moving parts, made once, and the static decorations of the panels."""
        scheduled, fixed = OKABE_ITO["vermillion"], OKABE_ITO["blue"]
        ax = self._lr_ax
        # The warm-up band first: animated artists are drawn in the order they were
        # registered (their zorder is ignored), so the curves come over it.
        self._warmup_span = ax.axvspan(0, 1, color="#E4E4E4", zorder=0, label="warm-up")
        # Rates in data units, drawn divided by the peak (set in _draw).
        self._per_peak = Affine2D()
        (self._curve,) = ax.plot([], [], drawstyle="steps-post", color=scheduled,
                                 linewidth=2, label="with the schedule",
                                 transform=self._per_peak + ax.transData)
        (self._flat,) = ax.plot([], [], color=fixed, linestyle="--", linewidth=1.5,
                                label="fixed rate (the peak)",
                                transform=self._per_peak + ax.transData)
        ax = self._momentum_ax
        (self._momentum_line,) = ax.plot([], [], drawstyle="steps-post", color=scheduled,
                                         linewidth=2)
        (self._momentum_flat,) = ax.plot([], [], color=fixed, linestyle="--",
                                         linewidth=1.5)
        # What the momentum does, as the panel's (moving) title.
        self._momentum_note = ax.title

        ax = self._loss_ax
        self._loss_lines, self._loss_ends = {}, {}
        # No markers: on these noisy curves they would be lost in the line, and a
        # legend must show the lines as they look. Colour and dash tell them apart.
        for key, color, linestyle in (("schedule", scheduled, "-"),
                                      ("fixed", fixed, "--")):
            (self._loss_lines[key],) = ax.plot([], [], color=color, linestyle=linestyle,
                                               linewidth=1.6)
            (self._loss_ends[key],) = ax.plot([], [], color=color, zorder=4,
                                              clip_on=False, **DIVERGED_MARKER)
            self._loss_ends[key].set_in_layout(False)
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel("loss (log scale)")
        ax.grid(True, which="major", alpha=0.3)
        # The window of the summary's mean (static; moved when the steps change).
        self._last_span = ax.axvspan(0, 1, facecolor="none", edgecolor="#B0B0B0",
                                     hatch="////", linewidth=0, zorder=0)
        self._dress_lr_axes()
        # One legend for the three panels, under them: the same two runs everywhere.
        self._fig_legend_entries = (self._curve, self._flat, self._warmup_span,
                                   self._last_span)
        self._loss_ax.figure.legend(
            self._fig_legend_entries,
            ["with the schedule", "fixed rate (the peak)", "warm-up",
             f"last {LAST_STEPS} steps (the summary's mean)"],
            loc="outside lower center", ncols=4, fontsize=9, frameon=False,
            handlelength=1.8, columnspacing=1.4)
        # Static limits; what they were drawn for (see _draw).
        self._loss_view = None
        self._loss_title = self._loss_ax.title
        # Drawn over the kept raster on every update, in this order; the rest is static.
        self._title = self._lr_ax.title
        self.animate(self._warmup_span, self._curve, self._flat, self._title,
                     self._momentum_line, self._momentum_flat, self._momentum_note,
                     self._loss_title, *self._loss_lines.values(),
                     *self._loss_ends.values())

    def _dress_lr_axes(self) -> None:
        """Labels, grid and legend of the rate and momentum panels (again after a
        message cleared them)."""
        ax, mom = self._lr_ax, self._momentum_ax
        if self._curve.axes is None:  # a message cleared the panels: away with it
            self.clear_axes(ax)
            self._title = ax.title
            self.clear_axes(mom)
            self._momentum_note = mom.title
        self.reattach(ax, self._warmup_span, self._curve, self._flat)
        self.reattach(mom, self._momentum_line, self._momentum_flat)
        ax.set_ylabel("learning rate ÷ peak")
        ax.set_ylim(0, 1.08)  # every schedule stays at or below its peak
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelbottom=False)
        mom.set_xlabel("step")
        mom.set_ylabel("momentum μ")
        # PyTorch's cycled momenta (0.8-0.9, 0.85-0.95) and the runs' 0.9.
        mom.set_ylim(0.77, 0.98)
        mom.set_yticks([0.8, 0.85, 0.9, 0.95])
        mom.grid(True, alpha=0.3)
        self._lr_steps = None
        self._artists_ok = True

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._artists_ok = False  # the message cleared the rate panel

    # ------------------------------------------------------------------ numbers
    def _compute(self, *, schedule: str, lr: float, warmup: int, steps: int,
                 landscape: str, noise: float, **params: Any) -> dict[str, Any]:
        params = {name: params[name] for name in SCHEDULES[schedule][1]}

        def make(optimizer):
            return build_schedule(optimizer, schedule, warmup=warmup, steps=steps,
                                  **params)

        if landscape not in self._landscapes:
            self._landscapes[landscape] = _LANDSCAPES[landscape][1]()
        curve = lr_curve(make, steps, lr=lr)
        momenta = momentum_curve(make, steps, lr=lr, momentum=MOMENTUM)
        # Both runs see the same gradient noise: they differ in the schedule alone.
        runs = race(self._landscapes[landscape],
                    {"schedule": (SGD, {"scheduler": make}), "fixed": (SGD, {})}, steps,
                    noise_std=noise, rng=np.random.default_rng(self.seed), lr=lr,
                    momentum=MOMENTUM)
        cycled = schedule in CYCLED_MOMENTUM and bool(params["cycle_momentum"])
        return {"curve": curve, "momenta": momenta, "cycled": cycled, "runs": runs,
                "lr": lr, "warmup": warmup, "steps": steps, "schedule": schedule,
                "landscape": landscape}

    # ------------------------------------------------------------------ drawing
    def _loss_limits(self, runs: dict[str, Trajectory]) -> tuple[float, float]:
        """Whole decades around the finite losses of both runs (a diverging run leaves
        at the top, at most 1000 times above the start, where its cross sits)."""
        start = float(runs["fixed"].losses[0])
        values = np.concatenate([run.losses for run in runs.values()])
        values = values[np.isfinite(values) & (values > 0)]
        low = max(float(values.min()) if values.size else start, start * 1e-12)
        high = min(float(values.max()) if values.size else start, start * 1e3)
        # A little room beyond the data, so that a small slider move rarely changes
        # the axis (which costs a full redraw).
        return (10.0 ** math.floor(math.log10(low) - 0.15),
                10.0 ** math.ceil(math.log10(high) + 0.15))

    def _draw(self, result: dict[str, Any]) -> str:
        if not self._artists_ok:
            self._dress_lr_axes()
        curve, lr, steps, warmup = (result["curve"], result["lr"], result["steps"],
                                    result["warmup"])
        t = np.arange(steps)
        self._curve.set_data(t, curve)
        self._flat.set_data([0, steps], [lr, lr])
        self._warmup_span.set_x(0)
        self._warmup_span.set_width(min(warmup, steps))
        self._warmup_span.set_visible(warmup > 0)
        # The lines hold the rates themselves and are drawn divided by the peak, so
        # the axis (0 to just above the peak) stays put while the rate slider moves.
        self._per_peak.clear().scale(1.0, 1.0 / lr)
        momenta = result["momenta"]
        self._momentum_line.set_data(t, momenta)
        self._momentum_flat.set_data([0, steps], [MOMENTUM, MOMENTUM])
        if result["cycled"]:
            low, high = CYCLED_MOMENTUM[result["schedule"]]
            cycled = {"high": high, "low": low}  # for the summary
            momentum_text = f"momentum cycled {high:g} → {low:g} → {high:g}"
        else:
            momentum_text = f"momentum {MOMENTUM:g} in both runs"
        self._momentum_ax.set_title(momentum_text, fontsize=9)
        if steps != self._lr_steps:
            self._lr_steps = steps
            self._lr_ax.set_xlim(0, steps)
            self.redraw_all()
        label = SCHEDULES[result["schedule"]][0].split(" (")[0]
        if warmup:
            label = f"warm-up {warmup} → {label}"
        self._lr_ax.set_title(f"lr(t): {label}, peak {lr:.2g}", fontsize=10)

        runs: dict[str, Trajectory] = result["runs"]
        # On the same problem, limits that stay put for small moves of the rate and
        # schedule sliders (a new axis is a full redraw) but never hide data.
        problem = (steps, result["landscape"], self.controls["noise"].value)
        current = self._loss_view[1] if self._loss_view and self._loss_view[0] == problem else None
        loss_view = (problem, sticky_log_limits(current, self._loss_limits(runs)))
        if loss_view != self._loss_view:
            self._loss_view = loss_view
            self._loss_ax.set_ylim(*loss_view[1])
            self._loss_ax.set_xlim(0, steps)
            self._last_span.set_x(steps - LAST_STEPS)
            self._last_span.set_width(LAST_STEPS)
            self.redraw_all()
        low, high = self._loss_ax.get_ylim()
        diverged = []
        for key, run in runs.items():
            losses = run.losses
            n = int(np.flatnonzero(~np.isfinite(losses))[0]) \
                if not np.isfinite(losses).all() else len(losses)
            self._loss_lines[key].set_data(np.arange(n), losses[:n])
            self._loss_ends[key].set_data(np.arange(n)[-1:],
                                          np.clip(losses[n - 1:n], low, high))
            self._loss_ends[key].set_visible(run.divergence is not None and n > 0)
            if run.divergence is not None:
                who = "schedule" if key == "schedule" else "fixed"
                diverged.append(f"{who} at step {run.divergence.step}")
        title = "SGD, momentum 0.9: loss per step"
        if diverged:
            title += f"\n× diverged: {', '.join(diverged)}"
        self._loss_ax.set_title(title, fontsize=10)

        # The summary in the language in use (the figure's texts above stay English).
        label = re.split(r" \(|（", _(SCHEDULES[result["schedule"]][0]))[0]
        if warmup:
            label = _f("warm-up {steps} → {schedule}", steps=warmup, schedule=label)
        names = {"schedule": _("with the schedule"), "fixed": _f("fixed lr {lr:.2g}", lr=lr)}
        summary = _f("{schedule}: final lr {lr:.2g}", schedule=label, lr=curve[-1])
        if result["cycled"]:
            summary += _f(", momentum cycled {high:g} → {low:g} → {high:g}", **cycled)
        window = _f("mean loss over the last {steps} steps", steps=LAST_STEPS)
        if not diverged:
            return _f("{summary}; {window}: with the schedule {schedule:.1e}, {fixed} "
                      "{fixed_loss:.1e}", summary=summary, window=window,
                      schedule=last_mean(runs['schedule']), fixed=names['fixed'],
                      fixed_loss=last_mean(runs['fixed']))
        parts = [summary]
        for key, run in runs.items():
            if run.divergence is not None:
                parts.append(_f("{name}: diverged at step {step} ({reason})", name=names[key],
                                step=run.divergence.step, reason=_(run.divergence.reason)))
            else:
                parts.append(f"{names[key]}: {window} {last_mean(run):.1e}")
        return "; ".join(parts)


def last_mean(run: Trajectory) -> float:
    """The mean loss over the last :data:`LAST_STEPS` steps of a run that did not diverge."""
    return float(np.mean(run.losses[-LAST_STEPS:]))


# ======================================================================= plateau
class PlateauExplorer(Explorer):
    """ReduceLROnPlateau on a noisy validation curve: where and why the rate drops.

    The figure's title states the rule the settings make; the summary under it says
    where the rate was cut. The curve is synthetic and does not react to the rate
    (:func:`gdcourse.plateau.noisy_validation_curve`): this shows the scheduler's
    decisions, not their effect on training.

    Parameters
    ----------
    patience : int, default 5
        In [0, 30].
    factor : float, default 0.5
        In [0.05, 0.9].
    threshold : float, default 1e-4
        In [1e-5, 0.1].
    threshold_mode : {"rel", "abs"}, default "rel"
    cooldown : int, default 0
        In [0, 20].
    min_lr : float, default 1e-4
        In [1e-6, 1e-2].
    noise : float, default 0.03
        Relative noise of the validation curve, in [0, 0.2].
    lr : float, default 0.1
        The starting rate.
    epochs : int, default 100
    seed : int, default 0
    """

    title = "ReduceLROnPlateau"
    accessible_names = {
        "patience": N_("patience: epochs without improvement before the rate is cut"),
        "factor": N_("factor: the rate is multiplied by it on a plateau"),
        "threshold": N_("threshold: the smallest improvement that counts (see threshold mode)"),
        "cooldown": N_("cooldown: epochs after a cut before bad epochs count again"),
        "min_lr": N_("min_lr: the rate is never cut below it"),
        "noise": N_("relative noise of the validation curve"),
    }

    def __init__(self, patience: int = 5, factor: float = 0.5, threshold: float = 1e-4,
                 threshold_mode: str = "rel", cooldown: int = 0, min_lr: float = 1e-4,
                 noise: float = 0.03, lr: float = 0.1, epochs: int = 100,
                 seed: int = 0) -> None:
        check_number("patience", patience, 0, 30, integer=True)
        check_number("factor", factor, 0.05, 0.9)
        check_number("threshold", threshold, 1e-5, 0.1)
        check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        check_number("cooldown", cooldown, 0, 20, integer=True)
        check_number("min_lr", min_lr, 1e-6, 1e-2)
        check_number("noise", noise, 0.0, 0.2)
        check_number("lr", lr, 1e-5, 10.0)
        check_number("epochs", epochs, 10, 500, integer=True)
        check_number("seed", seed, 0, math.inf, integer=True)
        self._initial = {"patience": int(patience), "factor": float(factor),
                         "threshold": float(threshold), "threshold_mode": threshold_mode,
                         "cooldown": int(cooldown), "min_lr": float(min_lr),
                         "noise": float(noise)}
        self.lr, self.epochs, self.seed = float(lr), int(epochs), int(seed)
        super().__init__()

    def _make_controls(self) -> dict[str, widgets.Widget]:
        v = self._initial
        wide = {"description_width": "initial"}
        return {
            "patience": widgets.IntSlider(value=v["patience"], min=0, max=30,
                                          description="patience (epochs)", style=wide),
            "factor": widgets.FloatSlider(value=v["factor"], min=0.05, max=0.9, step=0.05,
                                          description="factor", style=wide),
            "threshold": widgets.FloatLogSlider(value=v["threshold"], base=10, min=-5,
                                                max=-1, step=0.25, readout_format=".1e",
                                                description="threshold", style=wide),
            "threshold_mode": widgets.Dropdown(options=["rel", "abs"],
                                               value=v["threshold_mode"],
                                               description="threshold mode", style=wide),
            "cooldown": widgets.IntSlider(value=v["cooldown"], min=0, max=20,
                                          description="cooldown (epochs)", style=wide),
            "min_lr": widgets.FloatLogSlider(value=v["min_lr"], base=10, min=-6, max=-2,
                                             step=0.25, readout_format=".1e",
                                             description="min_lr", style=wide),
            "noise": widgets.FloatSlider(value=v["noise"], min=0.0, max=0.2, step=0.01,
                                         description="validation noise", style=wide),
        }

    def _make_figure(self) -> Figure:
        fig, (self._metric_ax, self._lr_ax) = plt.subplots(
            2, 1, figsize=(8.0, 4.6), sharex=True, layout="constrained",
            gridspec_kw={"height_ratios": (3, 2)})
        self._make_artists()
        return fig

    def _make_artists(self) -> None:
        """The moving parts, made once, and the static decorations of both panels."""
        ax = self._metric_ax
        (self._metric_line,) = ax.plot([], [], color=OKABE_ITO["blue"], marker="o",
                                       markersize=3, linewidth=1,
                                       label="validation loss")
        (self._best_line,) = ax.plot([], [], color=OKABE_ITO["black"],
                                     drawstyle="steps-post", linestyle="--",
                                     linewidth=1.5, label="best so far (scheduler's)")
        ax = self._lr_ax
        (self._lr_line,) = ax.plot([], [], color=OKABE_ITO["vermillion"],
                                   drawstyle="steps-post", linewidth=2,
                                   label="learning rate")
        ax.set_yscale("log")
        ax.set_ylabel("learning rate (log)")
        ax.set_xlabel("epoch")
        ax.grid(True, which="major", alpha=0.3)
        ax.set_xlim(0.5, self.epochs + 1)
        # The drops (dotted verticals) and the cooldown epochs (grey bands), in both
        # panels: one line and one set of rectangles each, updated in place.
        self._drops, self._cooldowns = {}, {}
        for ax in (self._metric_ax, self._lr_ax):
            (self._drops[ax],) = ax.plot([], [], color=OKABE_ITO["vermillion"],
                                         linestyle=":", linewidth=1.4,
                                         transform=ax.get_xaxis_transform(),
                                         label="rate reduced")
            self._cooldowns[ax] = PolyCollection(
                [], facecolors="#D9D9D9", alpha=0.7, linewidths=0, zorder=0.5,
                transform=ax.get_xaxis_transform(), label="cooldown")
            ax.add_collection(self._cooldowns[ax], autolim=False)
        self._dress_metric_axes()
        self._metric_view = self._rate_view = None
        # Drawn over the kept raster on every update; the rest is static.
        self.animate(*self._cooldowns.values(), *self._drops.values(), self._metric_line,
                     self._best_line, self._lr_line)
        self._title = self._metric_ax.title
        self.animate(self._title)

    def _dress_metric_axes(self) -> None:
        """Labels and grid of the loss panel (again after a message cleared it)."""
        ax = self._metric_ax
        if self._metric_line.axes is None:  # a message cleared the panel: away with it
            self.clear_axes(ax)
            self._title = ax.title
        self.reattach(ax, self._cooldowns[ax], self._metric_line, self._best_line,
                      self._drops[ax])
        ax.set_xlim(0.5, self.epochs + 1)
        ax.set_ylabel("validation loss")
        ax.grid(True, alpha=0.3)
        self._legend_entries = None
        self._artists_ok = True

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._artists_ok = False  # the message cleared the loss panel

    def _compute(self, *, noise: float, **kwargs: Any) -> dict[str, Any]:
        rng = np.random.default_rng(self.seed)
        metrics = noisy_validation_curve(self.epochs, noise, rng)
        return {"metrics": metrics, "record": run_plateau(metrics, lr=self.lr, **kwargs),
                "settings": kwargs, "cooldown": kwargs["cooldown"],
                "min_lr": kwargs["min_lr"]}

    @staticmethod
    def rule(settings: dict[str, Any]) -> str:
        """The rule the current settings apply, in words (the figure's title).

        The summary under the figure says what the rule did; the title says what it
        is, so the two never repeat each other.
        """
        threshold = settings["threshold"]
        if settings["threshold_mode"] == "rel":
            better = f"best·(1 − {threshold:.1e})"
        else:
            better = f"best − {threshold:.1e}"
        text = (f"cut ×{settings['factor']:g} after > {settings['patience']} epochs "
                f"with no loss < {better}")
        if settings["cooldown"]:
            text += f"; cooldown {settings['cooldown']}"
        return text

    def _draw(self, result: dict[str, Any]) -> str:
        if not self._artists_ok:
            self._dress_metric_axes()
        metrics, record = result["metrics"], result["record"]
        epochs = np.arange(1, len(metrics) + 1)
        self._metric_line.set_data(epochs, metrics)
        self._best_line.set_data(epochs, record.best)
        # The rate of epoch e is in force from e to e + 1.
        self._lr_line.set_data(np.append(epochs, epochs[-1] + 1),
                               np.append(record.lrs, record.final_lr))
        # The drop happens after epoch e's metric: mark it at e + 1/2, top to bottom
        # (y in axes fraction); NaN separates the verticals.
        x = np.repeat(np.array(record.drops, dtype=float) + 0.5, 3)
        x[2::3] = np.nan
        y = np.tile([0.0, 1.0, np.nan], len(record.drops))
        bands = record.cooldown_spans()
        for ax in (self._metric_ax, self._lr_ax):
            self._drops[ax].set_data(x, y)
            self._drops[ax].set_visible(bool(record.drops))
            self._cooldowns[ax].set_verts([
                [(first - 0.5, 0), (last + 0.5, 0), (last + 0.5, 1), (first - 0.5, 1)]
                for first, last in bands])
            self._cooldowns[ax].set_visible(bool(bands))

        # Limits and legend are static: drawn again only when they change (the loss
        # range with the noise, the rate range with min_lr, the legend's entries).
        low, high = float(metrics.min()), float(metrics.max())
        metric_view = (low - 0.05 * (high - low), high + 0.05 * (high - low))
        rate_view = (result["min_lr"] / 2, self.lr * 2)
        entries = (True, True, bool(record.drops), bool(bands))
        if (metric_view, rate_view, entries) != (self._metric_view, self._rate_view,
                                                  self._legend_entries):
            self._metric_view, self._rate_view = metric_view, rate_view
            self._legend_entries = entries
            self._metric_ax.set_ylim(*metric_view)
            self._lr_ax.set_ylim(*rate_view)
            handles = [self._metric_line, self._best_line, self._drops[self._metric_ax],
                       self._cooldowns[self._metric_ax]]
            self._metric_ax.legend([h for h, shown in zip(handles, entries) if shown],
                                   [h.get_label() for h, shown in zip(handles, entries)
                                    if shown], fontsize=9,
                                   # Outside: inside, the moving bands would cover it.
                                   loc="upper left", bbox_to_anchor=(1.01, 1.0))
            self.redraw_all()
        if len(record.drops) > 1:
            text = _f("rate reduced at epochs {epochs}; final {lr:.1e}",
                      epochs=", ".join(map(str, record.drops)), lr=record.final_lr)
        elif record.drops:
            text = _f("rate reduced at epoch {epochs}; final {lr:.1e}",
                      epochs=", ".join(map(str, record.drops)), lr=record.final_lr)
        else:
            text = _f("rate never reduced; final {lr:.1e}", lr=record.final_lr)
        self._metric_ax.set_title(self.rule(result["settings"]), fontsize=10)
        return text
