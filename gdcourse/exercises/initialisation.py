"""Exercises on initialisation: fans of a weight shape, Xavier's bound, He's standard deviation,
and the gain that keeps the spread of a layer's pre-activations, measured by sampling.

Everything follows PyTorch's weight-shape convention, ``(out_features, in_features)``
for a dense layer and ``(out_channels, in_channels, *kernel_size)`` for a convolution,
as :mod:`gdcourse.init` does; ``tests/test_exercises_initialisation.py`` checks the
references against :mod:`gdcourse.init` and ``torch.nn.init``.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .._messages import F_, N_
from ..init import calculate_fan_in_and_fan_out
from ._checking import Call, Case, CheckResult, Exercise, Mistake, Requirement, integer_output

__all__ = ["check_fan_in_and_fan_out", "check_xavier_uniform_bound", "check_he_normal_std",
           "check_gain_that_keeps_the_spread"]


# --------------------------------------------------------------------------- fans
def _fan_in_and_fan_out(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)``: gdcourse.init's."""
    return calculate_fan_in_and_fan_out(np.empty(shape))


def _fans_swapped(shape):
    fan_in, fan_out = _fan_in_and_fan_out(shape)
    return fan_out, fan_in


def _no_receptive_field(shape):
    return shape[1], shape[0]


def _swapped_no_receptive_field(shape):
    return shape[0], shape[1]


def _receptive_field_in_fan_in_only(shape):
    return shape[1] * math.prod(shape[2:]), shape[0]


def _square_kernel_assumed(shape):
    receptive_field = shape[2] ** 2 if len(shape) > 2 else 1
    return shape[1] * receptive_field, shape[0] * receptive_field


def _last_kernel_size_only(shape):
    receptive_field = shape[-1] if len(shape) > 2 else 1
    return shape[1] * receptive_field, shape[0] * receptive_field


def _receptive_field_in_fan_out_only(shape):
    return shape[1], shape[0] * math.prod(shape[2:])


def _receptive_field_summed(shape):
    receptive_field = sum(shape[2:]) or 1
    return shape[1] * receptive_field, shape[0] * receptive_field


def _fan_out_counts_everything(shape):
    return math.prod(shape[1:]), math.prod(shape)


def _tensorflow_layout(shape):
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _shape_case(shape: tuple[int, ...], what: str) -> Case:
    return Case(f"shape={shape} ({what})", lambda impl: impl(tuple(shape)))


_FAN_CASES = (
    _shape_case((128, 256), "nn.Linear(256, 128)"),
    _shape_case((10, 64), "nn.Linear(64, 10)"),
    _shape_case((16, 8, 3, 3), "nn.Conv2d(8, 16, kernel_size=3)"),
    _shape_case((8, 3, 3, 5), "nn.Conv2d(3, 8, kernel_size=(3, 5))"),
    _shape_case((6, 4, 7), "nn.Conv1d(4, 6, kernel_size=7)"),
    _shape_case((2, 3, 3, 4, 5), "nn.Conv3d(3, 2, kernel_size=(3, 4, 5))"),
)


FAN_IN_AND_FAN_OUT = Exercise(
    title="fan-in and fan-out of a weight",
    reference=_fan_in_and_fan_out,
    cases=_FAN_CASES,
    mistakes=(
        Mistake("fans swapped", _fans_swapped,
                "fan_in and fan_out are swapped: PyTorch stores a weight as (out, in), so "
                "fan_in = shape[1] (the inputs each unit sums over) and fan_out = shape[0].",
                nudge="look at which dimension is which: PyTorch stores (out, in)."),
        Mistake("fans swapped, receptive field ignored", _swapped_no_receptive_field,
                "fan_in and fan_out are swapped: PyTorch stores a weight as (out, in, ...), so "
                "fan_in = shape[1] and fan_out = shape[0] — and for a convolution both are "
                "multiplied by the receptive field prod(shape[2:]).",
                nudge="look at which dimension is which: PyTorch stores (out, in, ...)."),
        Mistake("receptive field ignored", _no_receptive_field,
                "right for dense layers; for a convolution (out, in, k, k) each output sums "
                "over in·k·k inputs: multiply both fans by the receptive field "
                "prod(shape[2:]).",
                nudge="look at the convolutions: each output sums over in·k·k inputs."),
        Mistake("receptive field in fan_in only", _receptive_field_in_fan_in_only,
                "the receptive field prod(shape[2:]) multiplies fan_out too: "
                "fan_out = shape[0] · prod(shape[2:]).",
                nudge="look at fan_out of the convolutions."),
        Mistake("receptive field in fan_out only", _receptive_field_in_fan_out_only,
                "the receptive field prod(shape[2:]) multiplies fan_in too: "
                "fan_in = shape[1] · prod(shape[2:]).",
                nudge="look at fan_in of the convolutions."),
        Mistake("receptive field summed", _receptive_field_summed,
                "the receptive field is the *product* of the kernel sizes, k₁·k₂·…, "
                "math.prod(shape[2:]): a 3×3 kernel has 9 inputs per channel, not 6.",
                nudge="look at the receptive field of a 3×3 kernel: how many inputs?"),
        Mistake("fan_out over every dimension", _fan_out_counts_everything,
                "fan_out = shape[0] · prod(shape[2:]): the output channels times the "
                "receptive field, without the input channels shape[1].",
                nudge="look at fan_out: which dimensions does it count?"),
        Mistake("TensorFlow's layout", _tensorflow_layout,
                "that is TensorFlow's layout, (k₁, k₂, …, in, out); PyTorch stores "
                "(out, in, k₁, k₂, …): fan_in = shape[1] · prod(shape[2:]), "
                "fan_out = shape[0] · prod(shape[2:]).",
                nudge="look at which dimension is which: PyTorch stores (out, in, ...)."),
        Mistake("square kernel assumed", _square_kernel_assumed,
                "a kernel need not be square, nor 2-D: the receptive field is the product "
                "of *all* the kernel sizes, prod(shape[2:]) (math.prod), not shape[2]².",
                nudge="look at the kernel (3, 5) and the 1-D and 3-D convolutions."),
        Mistake("last kernel size only", _last_kernel_size_only,
                "the receptive field is the product of *all* the kernel sizes, "
                "prod(shape[2:]) (math.prod), not the last one alone.",
                nudge="look at the kernel (3, 5): every kernel size counts."),
    ),
    requirements=(integer_output(what=N_("fan_in and fan_out")),),
    answer=("count", "count"),
    formula="fan_in = shape[1] · r, fan_out = shape[0] · r, with the receptive field "
            "r = prod(shape[2:]) (1 for a dense layer)",
)


# --------------------------------------------------------------------------- Xavier
def _xavier_uniform_bound(fan_in: int, fan_out: int, gain: float = 1.0) -> float:
    """The bound of Xavier's U(−bound, bound): ``gain · sqrt(6 / (fan_in + fan_out))``."""
    return gain * math.sqrt(6.0 / (fan_in + fan_out))


def _fan_in_only(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6.0 / fan_in)


def _three_instead_of_six(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(3.0 / (fan_in + fan_out))


def _xavier_std(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def _missing_sqrt(fan_in, fan_out, gain=1.0):
    return gain * 6.0 / (fan_in + fan_out)


def _gain_ignored(fan_in, fan_out, gain=1.0):
    return math.sqrt(6.0 / (fan_in + fan_out))


def _gain_inside_sqrt(fan_in, fan_out, gain=1.0):
    return math.sqrt(6.0 * gain / (fan_in + fan_out))


def _fan_out_only(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6.0 / fan_out)


def _sqrt_of_six_only(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6.0) / (fan_in + fan_out)


def _mean_of_fans(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6.0 / ((fan_in + fan_out) / 2))


def _floor_division(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6 // (fan_in + fan_out))


def _both_ends(fan_in, fan_out, gain=1.0):
    bound = _xavier_uniform_bound(fan_in, fan_out, gain)
    return -bound, bound


def _bound_printed(fan_in, fan_out, gain=1.0):
    return None


def _missing_brackets(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6.0 / fan_in + fan_out)


def _gain_squared(fan_in, fan_out, gain=1.0):
    return gain**2 * math.sqrt(6.0 / (fan_in + fan_out))


def _xavier_case(fan_in: int, fan_out: int, gain: float | None, what: str) -> Case:
    if gain is None:
        return Case(F_("fan_in={fan_in}, fan_out={fan_out}, gain not given ({what})",
                       fan_in=fan_in, fan_out=fan_out, what=what),
                    lambda impl: impl(fan_in, fan_out))
    return Case(F_("fan_in={fan_in}, fan_out={fan_out}, gain={gain:.6g} ({what})",
                   fan_in=fan_in, fan_out=fan_out, gain=gain, what=what),
                lambda impl: impl(fan_in, fan_out, gain=gain))


XAVIER_UNIFORM_BOUND = Exercise(
    title="Xavier (Glorot) uniform bound",
    reference=_xavier_uniform_bound,
    cases=(
        _xavier_case(256, 128, 1.0, F_("gain 1, Glorot and Bengio's rule")),
        _xavier_case(64, 32, 5.0 / 3.0, F_("tanh layer, gain 5/3")),
        _xavier_case(300, 100, 2.0, F_("gain 2")),
        _xavier_case(50, 70, None, F_("the default gain")),
        _xavier_case(9, 4, 0.3, F_("a small layer, gain 0.3")),
    ),
    mistakes=(
        Mistake("fan_in only", _fan_in_only,
                "Xavier averages the two fans: the bound is gain·√(6 / (fan_in + fan_out)). "
                "√(6 / fan_in) is He's uniform bound for ReLU.",
                nudge="look at the fans: Xavier uses both."),
        Mistake("fan_out only", _fan_out_only,
                "Xavier uses both fans: the bound is gain·√(6 / (fan_in + fan_out)), not "
                "gain·√(6 / fan_out).",
                nudge="look at the fans: Xavier uses both."),
        Mistake("mean of the fans", _mean_of_fans,
                "Var(W) = 2/(fan_in + fan_out) already holds the average of the fans (2 over "
                "their sum); the uniform bound is √(3·Var(W)) = gain·√(6 / (fan_in + "
                "fan_out)), not √(6 / mean of the fans).",
                nudge="look at the denominator: the sum of the fans, with 6 on top."),
        Mistake("3 instead of 6", _three_instead_of_six,
                "U(−bound, bound) has variance bound²/3, and Xavier wants variance "
                "2/(fan_in + fan_out), so bound² = 3·2/(fan_in + fan_out): the numerator is 6, "
                "not 3.",
                nudge="look at the numerator: bound² = 3·Var(W)."),
        Mistake("std instead of bound", _xavier_std,
                "that is the standard deviation gain·√(2 / (fan_in + fan_out)) (used by "
                "xavier_normal_); the uniform bound is √3 times larger: "
                "gain·√(6 / (fan_in + fan_out)).",
                nudge="look at what you return: the bound of the uniform distribution, not "
                      "its standard deviation."),
        Mistake("missing square root", _missing_sqrt,
                "6 / (fan_in + fan_out) is the bound squared: take the square root, "
                "then multiply by the gain.",
                nudge="look at the square root."),
        Mistake("square root of 6 only", _sqrt_of_six_only,
                "the square root covers the whole fraction: √(6 / (fan_in + fan_out)), not "
                "√6 / (fan_in + fan_out).",
                nudge="look at the square root: over the whole fraction."),
        Mistake("brackets around the sum missing", _missing_brackets,
                "`6 / fan_in + fan_out` divides 6 by fan_in and then adds fan_out: put the "
                "sum in brackets, `6 / (fan_in + fan_out)`.",
                nudge="look at the fraction: how does Python group `/` and `+`?"),
        Mistake("integer division", _floor_division,
                "`6 // (fan_in + fan_out)` is a whole-number division (0 for any real "
                "layer): write `6 / (fan_in + fan_out)`.",
                nudge="look at the division: `//` or `/`?"),
        Mistake("(−bound, bound) returned", _both_ends,
                "return the bound alone, one number: U(−bound, bound) is the distribution "
                "it defines.",
                nudge="look at what you return: one number."),
        Mistake("nothing returned", _bound_printed,
                "your function returns None: end it with `return ...` (print() only shows a "
                "value, it does not return it).",
                nudge="look at what your function returns."),
        Mistake("gain ignored", _gain_ignored,
                "multiply by the gain: bound = gain·√(6 / (fan_in + fan_out)).",
                nudge="look at the gain: it scales the bound."),
        Mistake("gain inside the square root", _gain_inside_sqrt,
                "the gain scales the standard deviation, so it multiplies the square root "
                "from outside: gain·√(6 / (fan_in + fan_out)).",
                nudge="look at where the gain goes: inside or outside the square root?"),
        Mistake("gain squared", _gain_squared,
                "the gain multiplies the bound once: gain·√(6 / (fan_in + fan_out)) (its "
                "square, gain², multiplies the variance).",
                nudge="look at how often the gain enters."),
    ),
    formula="bound = gain · √(6 / (fan_in + fan_out))",
    rtol=1e-10,
)


# --------------------------------------------------------------------------- He
def _he_normal_std(shape: tuple[int, ...]) -> float:
    """He's std for ReLU, mode "fan_in": ``sqrt(2 / fan_in)`` of a weight shape."""
    fan_in, _ = _fan_in_and_fan_out(shape)
    return math.sqrt(2.0 / fan_in)


def _he_fan_out(shape):
    _, fan_out = _fan_in_and_fan_out(shape)
    return math.sqrt(2.0 / fan_out)


def _he_fan_out_no_receptive_field(shape):
    return math.sqrt(2.0 / shape[0])


def _lecun(shape):
    fan_in, _ = _fan_in_and_fan_out(shape)
    return math.sqrt(1.0 / fan_in)


def _he_variance(shape):
    fan_in, _ = _fan_in_and_fan_out(shape)
    return 2.0 / fan_in


def _he_no_receptive_field(shape):
    return math.sqrt(2.0 / shape[1])


def _he_xavier(shape):
    fan_in, fan_out = _fan_in_and_fan_out(shape)
    return math.sqrt(2.0 / (fan_in + fan_out))


HE_NORMAL_STD = Exercise(
    title="He (Kaiming) normal standard deviation",
    reference=_he_normal_std,
    cases=_FAN_CASES,
    mistakes=(
        Mistake("fan_out instead of fan_in", _he_fan_out,
                "mode 'fan_in' uses the number of *inputs* of a unit, shape[1] (times the "
                "receptive field): PyTorch stores weights as (out, in)."),
        Mistake("fan_out instead of fan_in, receptive field ignored",
                _he_fan_out_no_receptive_field,
                "mode 'fan_in' uses the number of *inputs* of a unit: shape[1] (PyTorch stores "
                "weights as (out, in, ...)), times the receptive field prod(shape[2:]) for a "
                "convolution."),
        Mistake("1/fan_in (LeCun)", _lecun,
                "√(1 / fan_in) is LeCun's initialisation; ReLU zeroes half its inputs, which "
                "He et al. make up for with a factor 2: √(2 / fan_in)."),
        Mistake("variance instead of std", _he_variance,
                "2 / fan_in is the variance; the standard deviation is its square root, "
                "√(2 / fan_in)."),
        Mistake("receptive field ignored", _he_no_receptive_field,
                "for a convolution (out, in, k, k), fan_in = in·k·k: multiply shape[1] by "
                "prod(shape[2:])."),
        Mistake("Xavier's variance", _he_xavier,
                "√(2 / (fan_in + fan_out)) is Xavier's std (Glorot and Bengio's, for tanh); He's for ReLU "
                "uses fan_in alone: √(2 / fan_in)."),
    ),
    formula="std = √(2 / fan_in), fan_in = shape[1] · prod(shape[2:])",
    rtol=1e-10,
)

# --------------------------------------------------------------------------- the gain
# The variance argument: with zero-mean weights of std gain/sqrt(n_in) independent of the
# layer's outputs a = f(z), the next pre-activation has
#     Var(z_next) = n_in · (gain² / n_in) · E[a²] = gain² · E[f(z)²],
# so Var(z_next) = Var(z) = 1 needs gain = 1 / sqrt(E[f(z)²]) for z ~ N(0, 1). E[a²],
# not Var(a): the weights have mean 0, the outputs need not (ReLU, sigmoid).
# ReLU gives √2 (He), the identity 1 (LeCun), tanh ≈ 1.59, sigmoid ≈ 1.85.
GAIN_SAMPLES = 100_000


def _samples(rng: np.random.Generator, n_samples: int) -> np.ndarray:
    return rng.standard_normal(n_samples)


def _gain_that_keeps_the_spread(f: Callable, rng: np.random.Generator,
                                n_samples: int = GAIN_SAMPLES) -> float:
    """``1 / sqrt(mean(f(z)**2))`` over ``n_samples`` draws ``z ~ N(0, 1)`` from ``rng``."""
    z = _samples(rng, n_samples)
    return float(1.0 / np.sqrt(np.mean(f(z) ** 2)))


def _gain_no_sqrt(f, rng, n_samples=GAIN_SAMPLES):
    return float(1.0 / np.mean(f(_samples(rng, n_samples)) ** 2))


def _gain_variance(f, rng, n_samples=GAIN_SAMPLES):
    return float(1.0 / np.std(f(_samples(rng, n_samples))))


def _gain_inverted(f, rng, n_samples=GAIN_SAMPLES):
    return float(np.sqrt(np.mean(f(_samples(rng, n_samples)) ** 2)))


def _gain_std_inverted(f, rng, n_samples=GAIN_SAMPLES):
    return float(np.std(f(_samples(rng, n_samples))))


def _gain_mean_abs(f, rng, n_samples=GAIN_SAMPLES):
    return float(1.0 / np.mean(np.abs(f(_samples(rng, n_samples)))))


def _gain_n_ignored(f, rng, n_samples=GAIN_SAMPLES):
    return _gain_that_keeps_the_spread(f, rng, GAIN_SAMPLES)


def _gain_square_of_mean(f, rng, n_samples=GAIN_SAMPLES):
    return float(1.0 / np.sqrt(np.mean(f(_samples(rng, n_samples))) ** 2))


def _gain_uniform(f, rng, n_samples=GAIN_SAMPLES):
    return float(1.0 / np.sqrt(np.mean(f(rng.random(n_samples)) ** 2)))


def _gain_second_moment_returned(f, rng, n_samples=GAIN_SAMPLES):
    return float(np.mean(f(_samples(rng, n_samples)) ** 2))


def _gain_sqrt_2(f, rng, n_samples=GAIN_SAMPLES):
    _samples(rng, n_samples)
    return math.sqrt(2.0)


def _gain_f_of_z_squared(f, rng, n_samples=GAIN_SAMPLES):
    return float(1.0 / np.sqrt(np.mean(f(_samples(rng, n_samples) ** 2))))


#: The generators the cases hand out, with their states before the call (the last few).
_GIVEN: dict[int, tuple[np.random.Generator, dict]] = {}


def _given_rng(seed: int) -> np.random.Generator:
    rng = np.random.default_rng(seed)
    _GIVEN[id(rng)] = (rng, rng.bit_generator.state)
    while len(_GIVEN) > 64:
        _GIVEN.pop(next(iter(_GIVEN)))
    return rng


def _draws_from_the_rng(call: Call) -> str | None:
    rng = call.arguments.get("rng")
    entry = _GIVEN.get(id(rng))
    if entry is None or entry[0] is not rng:
        return None
    if rng.bit_generator.state == entry[1]:
        return F_("your function drew nothing from the rng it was given.")
    return None


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _identity(z: np.ndarray) -> np.ndarray:
    return z * 1.0


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _gain_case(f: Callable, what: str, seed: int, n_samples: int = GAIN_SAMPLES) -> Case:
    return Case(f"f = {what}, rng = np.random.default_rng({seed}), n_samples={n_samples}",
                lambda impl: impl(f, _given_rng(seed), n_samples=n_samples))


GAIN_THAT_KEEPS_THE_SPREAD = Exercise(
    title="the gain that keeps the spread, measured",
    reference=_gain_that_keeps_the_spread,
    cases=(
        _gain_case(_relu, "ReLU", 0),
        _gain_case(np.tanh, "tanh", 1),
        _gain_case(_logistic, "sigmoid", 2),
        _gain_case(_identity, "identity", 3),
        _gain_case(_relu, "ReLU", 4, n_samples=2_000),
    ),
    mistakes=(
        Mistake("no square root", _gain_no_sqrt,
                "1 / E[f(z)²] is the gain squared: the weights' *variance* is gain²/n_in, so "
                "gain² · E[f(z)²] = 1 gives gain = 1 / √E[f(z)²].",
                nudge="look at the square root: the gain scales a standard deviation."),
        Mistake("variance instead of second moment", _gain_variance,
                "Var(z_next) = n_in · Var(W) · E[a²] uses the second moment E[a²] = mean(a**2), "
                "not the variance of a: the weights have mean 0, the outputs need not "
                "(ReLU's and sigmoid's do not). Nearly right for tanh and the identity only, "
                "whose mean is about 0.",
                nudge="look at the number you measure: E[a²] or Var(a)?"),
        Mistake("square of the mean", _gain_square_of_mean,
                "E[f(z)²] is the mean of the squares, mean(f(z) ** 2), not the square of the "
                "mean, mean(f(z)) ** 2.",
                nudge="look at the number you measure: the mean of the squares."),
        Mistake("inverted", _gain_inverted,
                "that is √E[f(z)²], the factor the layer already applies; the gain must undo "
                "it: gain = 1 / √E[f(z)²] (for ReLU about 1.41, not 0.71).",
                nudge="look at the direction: the gain must undo the layer's factor."),
        Mistake("std, inverted", _gain_std_inverted,
                "two slips: use the second moment mean(a**2) rather than the variance, and "
                "divide by its square root: gain = 1 / √E[f(z)²].",
                nudge="look at the number you measure and at the direction."),
        Mistake("mean absolute value", _gain_mean_abs,
                "the variance argument needs the second moment E[f(z)²] = mean(f(z)**2), not "
                "the mean of |f(z)|.",
                nudge="look at the number you measure: the mean of the squares."),
        Mistake("E[f(z)²] returned", _gain_second_moment_returned,
                "E[f(z)²] is the factor by which the layer changes the variance; the gain "
                "undoes it: gain = 1 / √E[f(z)²].",
                nudge="look at the last step: from E[f(z)²] to the gain."),
        Mistake("√2 for every f", _gain_sqrt_2,
                "√2 is the answer for ReLU only: measure E[f(z)²] for the f you are given and "
                "return 1 / √E[f(z)²].",
                nudge="look at f: the gain depends on it."),
        Mistake("f of z squared", _gain_f_of_z_squared,
                "square the activation's output, not its input: mean(f(z) ** 2), not "
                "mean(f(z ** 2)).",
                nudge="look at what you square: f(z)."),
        Mistake("uniform draws", _gain_uniform,
                "draw z ~ N(0, 1) with rng.standard_normal(n_samples): rng.random draws "
                "uniformly from [0, 1).",
                nudge="look at how you draw z: from a standard normal."),
        Mistake("n_samples ignored", _gain_n_ignored,
                "draw the n_samples values you are asked for, rng.standard_normal(n_samples), "
                "not a fixed 100 000 (the check passes n_samples=2000 once).",
                nudge="look at how many values you draw: the argument n_samples."),
    ),
    requirements=(
        Requirement("draws from the given rng",
                    "draw z from the rng you are given, `z = rng.standard_normal(n_samples)`: "
                    "a generator of your own (np.random.default_rng(0)) or NumPy's global "
                    "functions ignore the seed the caller chose.",
                    _draws_from_the_rng, explains_failures=True, aspect="Requirement"),
    ),
    formula="gain = 1 / √(mean(f(z)²)) over z = rng.standard_normal(n_samples)",
    # The statement asks for rng.standard_normal(n_samples) (rng.normal(size=n_samples)
    # draws the same numbers), so the answer is exact up to round-off. A looser rtol
    # would also pass np.random.default_rng() without a seed, whose 100 000 draws agree
    # to ~0.5 %, and defeat the repeatability check below.
    rtol=1e-9,
    repeatable=True,
)

EXERCISES = {
    "fan_in_and_fan_out": FAN_IN_AND_FAN_OUT,
    "xavier_uniform_bound": XAVIER_UNIFORM_BOUND,
    "he_normal_std": HE_NORMAL_STD,
    "gain_that_keeps_the_spread": GAIN_THAT_KEEPS_THE_SPREAD,
}


def check_fan_in_and_fan_out(fan_in_and_fan_out: Callable) -> CheckResult:
    """Check ``fan_in_and_fan_out(shape)`` → ``(fan_in, fan_out)`` for a shape ``(out, in, ...)``."""
    return FAN_IN_AND_FAN_OUT.check(fan_in_and_fan_out)


def check_xavier_uniform_bound(xavier_uniform_bound: Callable) -> CheckResult:
    """Check ``xavier_uniform_bound(fan_in, fan_out, gain=1.0)`` → the bound of U(−bound, bound)."""
    return XAVIER_UNIFORM_BOUND.check(xavier_uniform_bound)


def check_he_normal_std(he_normal_std: Callable) -> CheckResult:
    """Check ``he_normal_std(shape)`` → ``sqrt(2 / fan_in)`` for a weight of shape ``(out, in, ...)``."""
    return HE_NORMAL_STD.check(he_normal_std)


def check_gain_that_keeps_the_spread(gain_that_keeps_the_spread: Callable) -> CheckResult:
    """Check ``gain_that_keeps_the_spread(f, rng, n_samples=100_000)`` → ``1/√E[f(z)²]``, z ~ N(0, 1)."""
    return GAIN_THAT_KEEPS_THE_SPREAD.check(gain_that_keeps_the_spread)
