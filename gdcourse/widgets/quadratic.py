r"""The learning rate and momentum on an ill-conditioned quadratic: the explorer.

:class:`QuadraticExplorer` runs ``SGD(lr, momentum)`` on
:class:`gdcourse.landscapes.Quadratic` and shows, side by side, the path on the
contours, the distance to the minimum step by step (log scale), and a map over
(learning rate, momentum :math:`\mu`) of how fast the error shrinks, with the
plain-GD limit :math:`\eta = 2/\lambda_{\max}` and the current setting marked::

    QuadraticExplorer(condition_number=100)

The map comes from :func:`gdcourse.convergence.heavy_ball_rate`, the closed-form
contraction factor of Polyak's heavy ball on a quadratic, read as steps per ten-fold
decrease (:func:`gdcourse.convergence.steps_per_decade`).
"""

from __future__ import annotations

import math
import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from ..convergence import heavy_ball_rate, steps_per_decade
from ..landscapes import Quadratic
from ..trajectories import Trajectory, trace
from ..optim import SGD
from ..plots import DIVERGED_MARKER, OKABE_ITO, drawable_path, plot_landscape, style_for
from ._base import Explorer, action_button, check_number, run_summary
from .._messages import _f

__all__ = ["QuadraticExplorer"]

STEPS = 200
LR_RANGE = (1e-4, 10.0)
MAX_MOMENTUM = 0.99
CONDITION_RANGE = (1.0, 1000.0)
# The condition numbers on the slider: round values, 1-1.5-2-3-5-7 per decade, so that
# the values the chapter's goals name (10, 50, 100) are on it exactly.
CONDITION_NUMBERS = tuple(float(m * 10**e) for e in range(3)
                          for m in (1, 1.5, 2, 3, 5, 7)) + (1000.0,)
# The (rate, momentum) map: log-spaced rates, evenly spaced momenta.
MAP_LRS = np.geomspace(*LR_RANGE, 201)
MAP_MOMENTA = np.linspace(0.0, MAX_MOMENTUM, 100)
# Colour scale of the map: steps to shrink the error ten-fold, 1 to 10^4.
MAP_STEPS_RANGE = (1.0, 1e4)


class QuadraticExplorer(Explorer):
    r"""Learning rate and momentum on a quadratic bowl of a chosen condition number.

    Parameters
    ----------
    condition_number : float, default 10
        :math:`\kappa = \lambda_{\max}/\lambda_{\min}` of
        :class:`gdcourse.landscapes.Quadratic` (with :math:`\lambda_{\min} = 1`), in
        ``[1, 1000]``. The slider offers 1, 1.5, 2, 3, 5, 7, 10, 15, ..., 700, 1000; a
        value in between is added to it.
    lr : float, default 0.15
        The learning rate, in ``[1e-4, 10]``.
    momentum : float, default 0
        The momentum :math:`\mu` (PyTorch's ``momentum``), in ``[0, 0.99]``.

    Notes
    -----
    The map shows, for every (learning rate, momentum :math:`\mu`), how many steps the heavy ball
    needs to shrink the error ten-fold in the long run, :math:`\ln 0.1 / \ln\rho`
    with :math:`\rho` from :func:`gdcourse.convergence.heavy_ball_rate`; grey where it
    diverges. It depends only on :math:`\kappa`, so it is drawn once per condition number; moving
    the rate or the momentum only moves the marker and the path.
    """

    title = "The learning rate and momentum on a quadratic"

    def __init__(self, condition_number: float = 10.0, lr: float = 0.15,
                 momentum: float = 0.0) -> None:
        check_number("condition_number", condition_number, *CONDITION_RANGE)
        check_number("lr", lr, *LR_RANGE)
        check_number("momentum", momentum, 0.0, MAX_MOMENTUM)
        self._initial = {"condition_number": float(condition_number), "lr": float(lr),
                         "momentum": float(momentum)}
        self._drawn_condition: float | None = None
        super().__init__()

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        wide = {"description_width": "initial"}
        kappa = self._initial["condition_number"]
        values = sorted(set(CONDITION_NUMBERS) | {kappa})
        condition = widgets.SelectionSlider(
            options=[(f"{value:g}", value) for value in values], value=kappa,
            description="condition number κ = λmax/λmin", style=wide,
            continuous_update=False)
        lr = widgets.FloatLogSlider(
            value=self._initial["lr"], base=10, min=math.log10(LR_RANGE[0]),
            max=math.log10(LR_RANGE[1]), step=0.01, description="learning rate",
            readout_format=".3g", style=wide)
        momentum = widgets.FloatSlider(
            value=self._initial["momentum"], min=0.0, max=MAX_MOMENTUM, step=0.01,
            description="momentum μ", readout_format=".2f", style=wide)
        optimal = action_button("optimal", "star",
                                "Polyak's optimal rate and momentum for this κ",
                                lambda _: self._set_optimal(momentum=True))
        optimal_gd = action_button("optimal GD", "star-o", "The optimal rate without momentum",
                                   lambda _: self._set_optimal(momentum=False))
        return {"condition_number": condition, "lr": lr, "momentum": momentum,
                "optimal": optimal, "optimal_gd": optimal_gd}

    def _set_optimal(self, momentum: bool) -> None:
        quadratic = Quadratic(self.controls["condition_number"].value)
        if momentum:
            lr, beta = quadratic.optimal_momentum()
        else:
            lr, beta = quadratic.optimal_lr, 0.0
        self.set_values(lr=lr, momentum=beta)  # two sliders, one redraw

    # ------------------------------------------------------------------ figure
    def _make_figure(self) -> Figure:
        fig, (self._ax_path, self._ax_error, self._ax_map) = plt.subplots(
            1, 3, figsize=(11.0, 4.5), layout="constrained", width_ratios=(1.1, 1, 1.3))
        style = style_for("SGD")

        ax = self._ax_error
        (self._error_line,) = ax.plot([], [], color=style["color"], linewidth=1.5,
                                      label="measured")
        (self._theory_line,) = ax.plot([], [], color=OKABE_ITO["vermillion"],
                                       linestyle="--", linewidth=1.5,
                                       label="‖θ₀‖ ρᵗ (theory)")
        (self._error_cross,) = ax.plot([], [], color=style["color"], zorder=4,
                                       clip_on=False, **DIVERGED_MARKER)
        ax.set_yscale("log", nonpositive="mask")
        ax.set_xlim(0, STEPS)
        # Fixed: every start is at the same distance (see _draw_background).
        ax.set_xlabel("step t")
        ax.set_ylabel("distance to the minimum (log scale)")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncols=1, fontsize=9,
                  frameon=False)
        self._message = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=9,
            zorder=10, bbox={"boxstyle": "round,pad=0.4", "facecolor": "#F7F7F7",
                             "edgecolor": OKABE_ITO["vermillion"]})

        ax = self._ax_map
        cmap = plt.get_cmap("cividis").with_extremes(bad="#D9D9D9")
        self._map = ax.pcolormesh(
            MAP_LRS, MAP_MOMENTA, np.full((len(MAP_MOMENTA), len(MAP_LRS)), np.nan),
            cmap=cmap, norm=LogNorm(*MAP_STEPS_RANGE), shading="nearest",
            rasterized=True)
        ax.set_xscale("log")
        ax.set_xlim(MAP_LRS[0], MAP_LRS[-1])
        ax.set_ylim(MAP_MOMENTA[0], MAP_MOMENTA[-1])
        bar = fig.colorbar(self._map, ax=ax, pad=0.02)
        bar.set_label("steps to shrink the error 10×\n(grey: diverges)", fontsize=9)
        bar.ax.tick_params(labelsize=9)
        self._gd_limit = ax.axvline(1.0, color="black", linestyle=":", linewidth=1.5,
                                    label="GD limit 2/λmax")
        # Unclipped: at μ = 0 the markers sit on the bottom edge of the map.
        (self._optimum,) = ax.plot([], [], linestyle="none", marker="*", markersize=14,
                                   markerfacecolor=OKABE_ITO["vermillion"],
                                   markeredgecolor="white", clip_on=False, zorder=5,
                                   label="Polyak's optimum")
        (self._optimum_gd,) = ax.plot([], [], linestyle="none", marker="D",
                                      markersize=7, markerfacecolor=OKABE_ITO["orange"],
                                      markeredgecolor="black", clip_on=False, zorder=5,
                                      label="best plain GD")
        # A hollow ring, larger than the other marks: where it sits on one of them (after
        # "optimal GD", say) both stay visible. White with a black outline, so that it
        # shows on the dark and the light end of the colour scale.
        (self._marker,) = ax.plot(
            [], [], linestyle="none", marker="o", markersize=17, markerfacecolor="none",
            markeredgecolor="white", markeredgewidth=2.2, clip_on=False, zorder=6,
            label="current", path_effects=[patheffects.withStroke(linewidth=4.2,
                                                                  foreground="black")])
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("momentum μ")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncols=2, fontsize=9,
                  frameon=False)
        # The path lines, made once and put back after each clear of the path panel.
        (self._path_line,) = self._ax_path.plot(
            [], [], color=style["color"], marker="o", markersize=2.5, linewidth=1.2,
            zorder=3, label="SGD path")
        (self._path_cross,) = self._ax_path.plot([], [], color=style["color"], zorder=8,
                                                 clip_on=False, **DIVERGED_MARKER)
        # Unclipped crosses and the message must not move the axes around.
        for artist in (self._error_cross, self._message, self._path_cross):
            artist.set_in_layout(False)
        # Drawn over the kept raster on every update; the rest is static.
        self.animate(self._path_line, self._path_cross, self._error_line,
                     self._theory_line, self._error_cross, self._message, self._marker,
                     self._ax_error.title)
        return fig

    def _show_message(self, text: str) -> None:
        super()._show_message(text)
        self._drawn_condition = None  # the message cleared the path panel

    def _draw_background(self, quadratic: Quadratic) -> None:
        """The contours and the map: once per condition number."""
        ax = self._ax_path
        self.clear_axes(ax)
        self.reattach(ax, self._path_line)  # first: its legend entry comes first
        plot_landscape(quadratic, (), ax=ax,
                       title=f"Quadratic, κ = {quadratic.condition_number:g}")
        ax.set(xlabel="θ₁", ylabel="θ₂")
        # Below the x label, which plot_landscape's spacing meets on so small an axes.
        ax.get_legend().set_bbox_to_anchor((0.5, -0.2))
        self.reattach(ax, self._path_cross)
        # The distance panel: from machine precision below the start to where
        # divergence is obvious, the same for every rate and momentum.
        start = float(np.hypot(*quadratic.start))
        self._ax_error.set_ylim(start * 1e-16, start * 1e4)

        rates = heavy_ball_rate(MAP_LRS[None, :], MAP_MOMENTA[:, None],
                                (quadratic.mu, quadratic.L))
        # Clipped so that the colour scale stays readable; grey (masked) where it diverges.
        steps = np.clip(steps_per_decade(rates), *MAP_STEPS_RANGE)
        self._map.set_array(np.ma.masked_invalid(steps))
        self._gd_limit.set_xdata([quadratic.max_stable_lr] * 2)
        self._optimum.set_data(*([v] for v in quadratic.optimal_momentum()))
        self._optimum_gd.set_data([quadratic.optimal_lr], [0.0])
        self._map.axes.set_title("speed of convergence", fontsize=10)

    # ------------------------------------------------------------------ compute/draw
    def _compute(self, condition_number: float, lr: float, momentum: float
                 ) -> tuple[Quadratic, Trajectory, float]:
        quadratic = Quadratic(condition_number)
        # The label rounds as the sliders' read-outs do.
        run = trace(quadratic, SGD, STEPS, lr=lr, momentum=momentum,
                    label=f"lr {lr:.3g}, momentum μ {momentum:.2f}")
        rate = float(heavy_ball_rate(lr, momentum, (quadratic.mu, quadratic.L)))
        self._run_label = _f("lr {lr:.3g}, momentum μ {momentum:.2f}", lr=lr,
                             momentum=momentum)  # for the summary
        return quadratic, run, rate

    def _draw(self, result: tuple[Quadratic, Trajectory, float]) -> str:
        quadratic, run, rate = result
        if quadratic.condition_number != self._drawn_condition:
            self._draw_background(quadratic)
            self._drawn_condition = quadratic.condition_number
            self.redraw_all()

        drawn, _ = drawable_path(run.path, quadratic.bounds, run.diverged)
        self._path_line.set_data(drawn[:, 0], drawn[:, 1])
        cross = drawn[-1:] if run.diverged else np.empty((0, 2))
        self._path_cross.set_data(cross[:, 0], cross[:, 1])
        self._draw_error(run, rate)
        values = self.values()
        self._marker.set_data([values["lr"]], [values["momentum"]])

        label = getattr(self, "_run_label", None)
        summary = run_summary(run, label)
        best = self._best_words(quadratic)
        if rate < 1:
            return _f("{run}. Theory for κ = {kappa:g}: converges, error × {rate:.3g} per "
                      "step ({best})", run=summary, kappa=quadratic.condition_number,
                      rate=rate, best=best)
        return _f("{run}. Theory for κ = {kappa:g}: diverges, error × {rate:.3g} per "
                  "step ({best})", run=summary, kappa=quadratic.condition_number,
                  rate=rate, best=best)

    def _best_words(self, quadratic: Quadratic) -> str:
        """The best factor for the current setting's kind of method: with μ = 0, plain GD's."""
        gd_best = quadratic.gd_rate(quadratic.optimal_lr)
        text = _f("best possible without momentum {best:.3g}, at lr "
                  "2/(λmax+λmin) = {lr:.3g}", best=gd_best, lr=quadratic.optimal_lr)
        if self.values()["momentum"] > 0:
            heavy_lr, heavy_mu = quadratic.optimal_momentum()
            heavy_best = float(quadratic.heavy_ball_rate(heavy_lr, heavy_mu))
            text += _f("; with momentum {best:.3g}, at lr {lr:.3g} and μ {mu:.2f}",
                       best=heavy_best, lr=heavy_lr, mu=heavy_mu)
        return text

    def _draw_error(self, run: Trajectory, rate: float) -> None:
        ax = self._ax_error
        with np.errstate(over="ignore", invalid="ignore"):
            distance = np.hypot(run.path[:, 0], run.path[:, 1])
            steps = np.arange(len(distance))
            finite = np.isfinite(distance)
            theory = distance[0] * rate ** np.arange(STEPS + 1, dtype=float)
        self._error_line.set_data(steps[finite], distance[finite])
        last = np.flatnonzero(finite)[-1:]
        low, high = ax.get_ylim()
        # The cross stays on the panel even when the climb leaves it at the top.
        self._error_cross.set_data(steps[last] if run.diverged else [],
                                   np.clip(distance[last], low, high) if run.diverged
                                   else [])
        shown = np.isfinite(theory) & (theory > 0)
        self._theory_line.set_data(np.arange(STEPS + 1)[shown], theory[shown])
        # Short: the full label ("SGD(lr=0.0330579, momentum=0.669421)") is in the
        # summary, and here it would run into the map's title.
        lr, momentum = (self.values()[name] for name in ("lr", "momentum"))
        ax.set_title(f"lr = {lr:.3g}, μ = {momentum:.2f}", fontsize=10)
        diverged = run.divergence is not None
        self._message.set_text("\n".join(textwrap.wrap(str(run.divergence), 28))
                               if diverged else "")
        self._message.set_visible(diverged)
