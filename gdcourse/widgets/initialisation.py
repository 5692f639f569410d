"""Initialisation: does the signal survive the depth, and do the hidden units differ?

:class:`InitialisationExplorer` builds an MLP on the handwritten digits with a chosen
depth, width, activation and initialisation scheme, and shows

* histograms of every hidden layer's activations (or weight gradients) on one batch of
  256 training images, before any training, each on its own x-range so that a layer
  whose values are a thousand times smaller still shows its shape
  (:meth:`gdcourse.models.MLP.layer_statistics`, :func:`gdcourse.plots.plot_layer_statistics`);
* the standard deviation of the activations and of the weight gradients in every layer
  (:func:`gdcourse.plots.plot_layer_std`): a flat line means the scheme keeps the
  signal alive, a falling one that it vanishes, a rising one that it explodes;
* the first layer's weights after 20 steps of SGD, one row per hidden unit: with
  ``zeros`` or ``constant`` initialisation every row stays identical (the symmetry
  that random initialisation breaks), and the summary counts the distinct units.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from ..data import load_digits
from ..init import calculate_gain
from ..models import MLP, LayerStats, count_distinct_rows
from ..optim import SGD
from ..plots import message_axes, plot_layer_statistics, plot_layer_std, short_divergence
from ..train import History, train
from ._base import Explorer, check_choice, check_number
from .._messages import N_, _, _f

__all__ = ["InitialisationExplorer"]

SCHEMES = {
    "zeros": N_("zeros"),
    "constant": N_("constant 0.1"),
    "normal": N_("small normal (std 0.01)"),
    "large_normal": N_("large normal (std 1)"),
    "xavier_normal": N_("Xavier (Glorot) normal"),
    "kaiming_normal": N_("He (Kaiming) normal"),
}
ACTIVATIONS = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "sigmoid"}
WIDTHS = (8, 16, 32, 64, 128, 256)
MAX_DEPTH = 10
GAIN_RANGE = (0.25, 3.0)
HISTOGRAMS = {"activation": N_("activations"), "gradient": N_("weight gradients")}
# The batch the statistics are measured on, and the short training run that shows
# whether the hidden units stay identical.
BATCH = 256
TRAINING_STEPS = 20
TRAINING_BATCH = 64
TRAINING_LR = 0.1
# The verdicts of the summary: a spread that changes by less than this factor (either
# way) from the first to the last hidden layer is "about flat"; beyond VANISHING /
# EXPLODING it has vanished or exploded.
FLAT = 2.0
VANISHING, EXPLODING = 1e-2, 1e2
# A hidden layer's gradient spread this small next to the largest layer's is round-off.
ROUND_OFF = 1e-12
# Greys the read-out and label of a disabled control, as ipywidgets greys its track.
_DISABLED_CLASS = "gdcourse-disabled"
_DISABLED_STYLE = (
    f"<style>.gdcourse-explorer .{_DISABLED_CLASS} .widget-readout, "
    f".gdcourse-explorer .{_DISABLED_CLASS} .widget-label "
    "{color: var(--jp-ui-font-color3, #9e9e9e);}</style>")


class InitialisationExplorer(Explorer):
    """Activation and gradient statistics through the depth, and the symmetry of units.

    Parameters
    ----------
    depth : int, default 5
        Hidden layers, 1 to 10.
    width : int, default 32
        Units per hidden layer: 8, 16, 32, 64, 128 or 256.
    activation : {"tanh", "relu", "sigmoid"}, default "tanh"
    scheme : str, default "xavier_normal"
        ``"zeros"``, ``"constant"`` (every weight 0.1), ``"normal"`` (std 0.01),
        ``"large_normal"`` (std 1), ``"xavier_normal"`` or ``"kaiming_normal"``: the
        ``init`` of :class:`gdcourse.models.MLP`. Biases start at 0.
    gain : float, default 1.0
        Xavier's gain, in [0.25, 3] (Glorot and Bengio used 1; PyTorch recommends
        ``calculate_gain(activation)``, 5/3 for tanh). The other schemes fix their
        scale themselves, so the slider is disabled for them.
    histograms : {"activation", "gradient"}, default "activation"
        What the histograms show; switching redraws without recomputing.
    seed : int, default 0
        Seeds the data split, the weights and the shuffling of the 20 training steps.

    Notes
    -----
    Changing the network needs the Run button; switching the histograms does not.

    The summary judges the spread from hidden layer 1 to the last one by the factor it
    prints (two significant digits): "about flat" within a factor of :data:`FLAT` = 2
    either way, "shrinking"/"growing" beyond, "vanishing"/"exploding" beyond a factor of
    100; the weight gradients likewise, read toward the input. Gradient spreads below
    ``1e-12`` times the largest layer's are round-off and reported as ≈ 0.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010. K. He, X. Zhang, S. Ren and J. Sun, "Delving deep
    into rectifiers", ICCV 2015.
    """

    title = "Initialisation: signal through the depth, symmetry of the units"
    heavy = True
    live_controls = ("histograms",)

    def __init__(self, *, depth: int = 5, width: int = 32, activation: str = "tanh",
                 scheme: str = "xavier_normal", gain: float = 1.0,
                 histograms: str = "activation", seed: int = 0) -> None:
        check_number("depth", depth, 1, MAX_DEPTH, integer=True)
        check_choice("width", width, WIDTHS)
        check_choice("activation", activation, ACTIVATIONS)
        check_choice("scheme", scheme, SCHEMES)
        check_number("gain", gain, *GAIN_RANGE)
        check_choice("histograms", histograms, HISTOGRAMS)
        check_number("seed", seed, 0, math.inf, integer=True)
        self.seed = int(seed)
        self._initial = {"depth": int(depth), "width": int(width), "activation": activation,
                         "scheme": scheme, "gain": float(gain), "histograms": histograms}
        self.data = load_digits(rng=np.random.default_rng(self.seed))
        super().__init__()

    # ----------------------------------------------------------------- controls
    def _make_controls(self) -> dict[str, widgets.Widget]:
        style = {"description_width": "initial"}
        initial = self._initial
        controls = {
            "depth": widgets.IntSlider(
                value=initial["depth"], min=1, max=MAX_DEPTH, description="hidden layers",
                continuous_update=False, style=style),
            "width": widgets.SelectionSlider(
                options=list(WIDTHS), value=initial["width"], description="units per layer",
                continuous_update=False, style=style),
            "activation": widgets.Dropdown(
                options=[(label, name) for name, label in ACTIVATIONS.items()],
                value=initial["activation"], description="activation", style=style),
            "scheme": widgets.Dropdown(
                options=[(_(label), name) for name, label in SCHEMES.items()],
                value=initial["scheme"], description="initialisation", style=style),
            "gain": widgets.FloatSlider(
                value=initial["gain"], min=GAIN_RANGE[0], max=GAIN_RANGE[1], step=0.05,
                description="Xavier gain", continuous_update=False, style=style,
                disabled=initial["scheme"] != "xavier_normal"),
            # A dropdown, like the other choices: its label sits on its left.
            "histograms": widgets.Dropdown(
                options=[(_(label), kind) for kind, label in HISTOGRAMS.items()],
                value=initial["histograms"], description="histograms of", style=style),
        }
        controls["scheme"].observe(self._enable_gain, names="value")
        self._grey_if_disabled(controls["gain"])
        return controls

    def _enable_gain(self, change: dict[str, Any]) -> None:
        self.controls["gain"].disabled = change["new"] != "xavier_normal"
        self._grey_if_disabled(self.controls["gain"])

    @staticmethod
    def _grey_if_disabled(control: widgets.Widget) -> None:
        if control.disabled:
            control.add_class(_DISABLED_CLASS)
        else:
            control.remove_class(_DISABLED_CLASS)

    def _layout(self) -> widgets.VBox:
        box = super()._layout()
        title = box.children[0]
        title.value += _DISABLED_STYLE  # the rule that greys a disabled read-out
        return box

    def _make_figure(self) -> Figure:
        # Rebuilt on every draw (see _draw): the plot helpers lay out their own panels.
        # 9 × 4.9 inches: with the controls, it fits a 1280 × 800 screen.
        return plt.figure(figsize=(9.0, 4.9), layout="constrained")

    # ----------------------------------------------------------------- compute
    def _compute(self, *, depth: int, width: int, activation: str, scheme: str,
                 gain: float, histograms: str) -> dict[str, Any]:
        rng = np.random.default_rng(self.seed)
        data = self.data
        mlp = MLP([data.n_features] + [width] * depth + [data.n_classes], activation,
                  init=scheme, gain=gain if scheme == "xavier_normal" else None, rng=rng)
        stats = mlp.layer_statistics(data.X_train[:BATCH], data.y_train[:BATCH])
        first_weight = mlp.params[0].copy()
        history = train(mlp, SGD(mlp.params, lr=TRAINING_LR), data.X_train, data.y_train,
                        epochs=1, batch_size=TRAINING_BATCH, max_steps=TRAINING_STEPS,
                        rng=rng, progress=False)
        trained = mlp.params[0].copy()
        return {
            "depth": depth, "width": width, "activation": activation, "scheme": scheme,
            "gain": gain, "stats": stats, "first_weight": first_weight,
            "trained_weight": trained, "history": history,
            "distinct": (count_distinct_rows(trained) if np.isfinite(trained).all()
                         else None),
        }

    def _derive(self, result: dict[str, Any], *, histograms: str,
                **_: Any) -> dict[str, Any]:
        return result | {"histograms": histograms}

    # ----------------------------------------------------------------- draw
    def _draw(self, result: dict[str, Any]) -> str:
        self.fig.clear()
        top, bottom = self.fig.subfigures(2, 1, height_ratios=[0.8, 1.0])
        stats: list[LayerStats] = result["stats"]
        hidden = stats[:-1]
        kind = result["histograms"]
        plot_layer_statistics(hidden, kind=kind, fig=top, sharex=False)
        for ax, stat in zip(top.axes, hidden):
            self._tidy_histogram(ax, stat, kind, first=ax is top.axes[0],
                                 narrow=len(hidden) > 5)
        top.suptitle(f"{HISTOGRAMS[kind]} of each hidden layer before training ({BATCH} "
                     f"digits); x-range per panel: its middle 99 %", fontsize=10)
        std_figure, symmetry_figure = bottom.subfigures(1, 2, width_ratios=[2.0, 1.0])
        plot_layer_std({self._scheme_label(result): stats}, fig=std_figure)
        # One line needs no legend: the title names it.
        for ax in std_figure.axes:
            if ax.get_legend() is not None:
                ax.get_legend().remove()
        std_figure.suptitle(f"spread per layer, {self._scheme_label(result)}", fontsize=10)
        self._draw_first_weight(symmetry_figure, result)
        return self._summary(result)

    @staticmethod
    def _tidy_histogram(ax: Any, stat: LayerStats, kind: str, first: bool,
                        narrow: bool) -> None:
        """Small panels: a short title, two to four ticks that carry their own size."""
        lines = [f"layer {stat.layer}"]
        values = stat.activation_values if kind == "activation" else stat.weight_grad_values
        finite = values[np.isfinite(values)]
        if finite.size and np.ptp(finite) == 0:
            lines.append(f"all {_short_number(float(finite[0]))}")
        elif kind == "activation" and stat.dead_fraction is not None:
            lines.append(f"dead {stat.dead_fraction:.0%}")
        elif kind == "activation" and stat.saturated_fraction is not None:
            lines.append(f"saturated {stat.saturated_fraction:.0%}")
        if ax.get_title():  # not a "no finite values" message
            ax.set_title("\n".join(lines), fontsize=9)
        ax.xaxis.set_major_formatter(FuncFormatter(_short_number))
        # Up to five panels have room for three or four ticks, narrower ones for two.
        locator = MaxNLocator(nbins=4, steps=[1, 2, 5, 10])
        if narrow:
            low, high = ax.get_xlim()
            candidates = MaxNLocator(nbins=3, steps=[1, 2, 5, 10]).tick_values(low, high)
            root = ax.figure
            while not hasattr(root, "get_figwidth"):  # a sub-figure: up to the Figure
                root = root.figure
            width = ax.get_position().width * root.get_figwidth() * 72  # in points
            locator = FixedLocator(_two_ticks(candidates, low, high, width))
        ax.xaxis.set_major_locator(locator)
        ax.set_xlabel("")
        ax.tick_params(axis="y", left=False, labelleft=False)
        if first:
            ax.set_ylabel("count")
            ax.set_xlabel(_KIND_LABELS[kind], loc="left")

    def _draw_first_weight(self, figure: Any, result: dict[str, Any]) -> None:
        """W1 after the short training run as an image: identical units, identical rows."""
        ax = figure.add_subplot()
        weight = result["trained_weight"]
        history: History = result["history"]
        finite = weight[np.isfinite(weight)]
        limit = float(np.abs(finite).max()) if finite.size else 0.0
        image = ax.imshow(weight, aspect="auto", cmap="PuOr", interpolation="nearest",
                          vmin=-limit or -1.0, vmax=limit or 1.0)
        figure.colorbar(image, ax=ax, shrink=0.8, label="weight")
        ax.set_xlabel("input pixel")
        ax.set_ylabel("hidden unit (row of W1)")
        steps = f"{history.steps} SGD step{'s' if history.steps != 1 else ''}"
        distinct = result["distinct"]
        count = ("not finite" if distinct is None
                 else f"{distinct} of {result['width']} units distinct")
        title = f"W1 after {steps}\n{count}"
        if history.divergence is not None:
            title += "\n" + textwrap.fill(short_divergence(history.divergence), 32)
        ax.set_title(title, fontsize=10)
        if finite.size == weight.size and np.ptp(weight) == 0:
            # A uniform picture would look like a blank panel: say what it shows.
            moved = not np.array_equal(result["first_weight"], weight)
            note = (f"every weight is {_short_number(float(weight.flat[0]))}"
                    + ("" if moved else ":\nW1 never moved\n(its gradient is 0)"))
            ax.text(0.5, 0.5, note, transform=ax.transAxes, ha="center", va="center",
                    fontsize=9.5, bbox={"boxstyle": "round,pad=0.4", "facecolor": "white",
                                        "edgecolor": "#A8A8A8"})

    def _scheme_label(self, result: dict[str, Any], translated: bool = False) -> str:
        """The scheme's name, with its gain (in the language in use if ``translated``:
        the summary; the figure's stay English)."""
        if translated:
            label = _(SCHEMES[result["scheme"]])
            if result["scheme"] == "xavier_normal":
                label += _f(", gain {gain:.2f}", gain=result['gain'])
            return label
        label = SCHEMES[result["scheme"]]
        if result["scheme"] == "xavier_normal":
            label += f", gain {result['gain']:.2f}"
        return label

    def _summary(self, result: dict[str, Any]) -> str:
        hidden = result["stats"][:-1]
        first, last = hidden[0].activation_std, hidden[-1].activation_std
        scheme, activation = (self._scheme_label(result, translated=True),
                              ACTIVATIONS[result['activation']])
        if result['depth'] > 1:
            network = _f("{scheme}, {activation}, {depth} hidden layers of {width}",
                         scheme=scheme, activation=activation, depth=result['depth'],
                         width=result['width'])
        else:
            network = _f("{scheme}, {activation}, {depth} hidden layer of {width}",
                         scheme=scheme, activation=activation, depth=result['depth'],
                         width=result['width'])
        if result["scheme"] == "xavier_normal":
            recommended = calculate_gain(result["activation"])
            network += _f(" (recommended gain for {activation}: {gain:.2f})",
                          activation=activation, gain=recommended)
        grad_first, grad_last = hidden[0].weight_grad_std, hidden[-1].weight_grad_std
        # Identical units (constant start) leave only round-off in the hidden layers'
        # gradients, 1e-18 against the output layer's 1e-2: that is 0, not a trend.
        scale = max((s.weight_grad_std for s in result["stats"]
                     if np.isfinite(s.weight_grad_std)), default=0.0)
        gradients = [f"{g:.2g}" if g > ROUND_OFF * scale or g == 0 else _("≈ 0 (round-off)")
                     for g in (grad_first, grad_last)]
        grad_first, grad_last = (0.0 if g <= ROUND_OFF * scale else g
                                 for g in (grad_first, grad_last))
        if len(hidden) == 1:
            spread = _f("activation std {first:.2g}, weight-gradient std {gradient} "
                        "in the hidden layer", first=first, gradient=gradients[0])
        else:
            depth = len(hidden)
            spread = _f("activation std {first:.2g} in layer 1, {last:.2g} in layer {depth} "
                        "({trend} from layer 1 to {depth}); ", first=first, last=last,
                        depth=depth, trend=_trend(first, last))
            if grad_first == grad_last == 0:
                spread += _f("weight-gradient std {gradient} in layer 1 and in layer "
                             "{depth}", gradient=gradients[0], depth=depth)
            else:
                spread += _f("weight-gradient std {first} in layer 1, {last} in layer "
                             "{depth} ({trend})", first=gradients[0], last=gradients[1],
                             depth=depth,
                             trend=_trend(grad_last, grad_first,
                                          toward=N_("toward the input")))
        return _f("{network}: {spread}; {symmetry}", network=network, spread=spread,
                  symmetry=self._symmetry_sentence(result))

    def _symmetry_sentence(self, result: dict[str, Any]) -> str:
        """'zeros: all 32 hidden units identical after 20 steps' and the like."""
        history: History = result["history"]
        width, distinct = result["width"], result["distinct"]
        after = (_f("after {steps} step", steps=history.steps) if history.steps == 1
                 else _f("after {steps} steps", steps=history.steps))
        if history.divergence is not None:
            after += f" ({history.divergence})"
        name = _(SCHEMES[result["scheme"]])
        if distinct is None:
            return _f("{name}: first-layer weights not finite {after}", name=name,
                      after=after)
        if distinct == 1:
            sentence = _f("{name}: all {width} hidden units in layer 1 identical {after}",
                          name=name, width=width, after=after)
            if np.array_equal(result["first_weight"], result["trained_weight"]):
                sentence += _(" (W1 never moved: its gradient is 0)")
            return sentence
        if distinct < width:
            return _f("{name}: only {distinct} of {width} hidden units in layer 1 distinct "
                      "{after}", name=name, distinct=distinct, width=width, after=after)
        return _f("{name}: all {width} hidden units in layer 1 distinct {after}",
                  name=name, width=width, after=after)

    # ----------------------------------------------------------------- messages
    def _show_message(self, text: str) -> None:
        # The panels live in subfigures, which the base class's message cannot use:
        # start from a blank figure instead.
        self.fig.clear()
        message_axes(self.fig.add_subplot(), text)


def _two_ticks(candidates: Any, low: float, high: float,
               width_points: float) -> list[float]:
    """At most two round ticks inside [low, high] for a narrow panel: 0 and the farthest.

    ``width_points`` is the panel's width: when the labels of 0 and the far tick would
    touch (a 9-point character is at most about 6 points wide), the far tick alone is kept.
    """
    inside = [float(t) for t in candidates if low <= t <= high]
    if not any(t == 0 for t in inside):
        return inside[:1] + inside[-1:] if len(inside) > 1 else inside
    others = [t for t in inside if t != 0]
    if not others:
        return [0.0]
    # the farthest from 0; on a tie the positive one, whose label has no minus sign
    far = max(others, key=lambda t: (abs(t), t > 0))
    distance = abs(far) / (high - low) * width_points
    if distance < 6.0 * (len(_short_number(far)) + 1) / 2 + 5:
        return [far]
    return [0.0, far] if far > 0 else [far, 0.0]


def _short_number(value: float, _position: Any = None) -> str:
    """A short tick label that carries its own magnitude: '0', '0.5', '-20', '2e-4', '1.5e11'."""
    value = float(f"{value:.6g}")  # 0.009999999 is a tick at 0.01
    if value == 0:
        return "0"
    text = f"{value:.2g}" if abs(value) >= 1e-2 else f"{value:.0e}"
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else text


_KIND_LABELS = {"activation": "activation value", "gradient": "weight gradient"}


def _trend(first: float, last: float, toward: str = "") -> str:
    """How a spread changed from ``first`` to ``last``, in words, with the factor.

    "about flat" within a factor of :data:`FLAT` either way; "shrinking"/"growing"
    beyond it, "vanishing"/"exploding" beyond :data:`VANISHING`/:data:`EXPLODING`.
    """
    if first == 0 and last == 0:
        return _("all 0")
    if first == 0:
        return _f("growing from 0 {toward}", toward=_(toward)) if toward else \
            _("growing from 0")
    # The verdict goes with the factor as printed: "×0.5" is never "shrinking".
    ratio = float(f"{last / first:.2g}")
    if ratio < VANISHING:
        word = N_("vanishing")
    elif ratio < 1 / FLAT:
        word = N_("shrinking")
    elif ratio <= FLAT:
        word = N_("about flat") if not toward else N_("about even")
    elif ratio <= EXPLODING:
        word = N_("growing")
    else:
        word = N_("exploding")
    if toward:
        return _f("{word} {toward}: ×{factor}", word=_(word), toward=_(toward),
                  factor=_factor(ratio))
    return _f("{word}: ×{factor}", word=_(word), factor=_factor(ratio))


def _factor(ratio: float) -> str:
    """'0.12', '2.1', '140', '8.3e6': two significant digits, plain where short."""
    if 1e-2 <= ratio < 1e3:
        return f"{float(f'{ratio:.2g}'):g}"
    mantissa, _, exponent = f"{ratio:.2g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa
