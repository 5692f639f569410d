"""The initialisation exercises' references agree with gdcourse.init and torch.nn.init."""

import math

import numpy as np
import pytest

from gdcourse import init
from gdcourse.exercises import initialisation as ex

SHAPES = [(128, 256), (10, 64), (3, 5), (16, 8, 3, 3), (4, 2, 5)]


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_match_gdcourse(shape):
    assert ex._fan_in_and_fan_out(shape) == init.calculate_fan_in_and_fan_out(np.empty(shape))


@pytest.mark.parametrize("shape", SHAPES)
def test_xavier_bound_and_he_std_match_gdcourse_samples(shape):
    fan_in, fan_out = ex._fan_in_and_fan_out(shape)
    gain = init.calculate_gain("tanh")
    bound = ex._xavier_uniform_bound(fan_in, fan_out, gain=gain)
    # The same generator state gives the same draws when the bound is the same.
    w = init.xavier_uniform_(np.empty(shape), gain=gain, rng=np.random.default_rng(1))
    np.testing.assert_allclose(w, np.random.default_rng(1).uniform(-bound, bound, size=shape),
                               rtol=1e-12)
    w = init.kaiming_normal_(np.empty(shape), nonlinearity="relu", rng=np.random.default_rng(2))
    std = ex._he_normal_std(shape)
    np.testing.assert_allclose(w, np.random.default_rng(2).normal(0.0, std, size=shape),
                               rtol=1e-12)


def test_hand_worked_numbers():
    assert ex._fan_in_and_fan_out((16, 8, 3, 3)) == (72, 144)
    assert math.isclose(ex._xavier_uniform_bound(3, 3), 1.0)
    assert math.isclose(ex._he_normal_std((7, 8)), 0.5)


def test_references_match_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    for shape in SHAPES:
        w = torch.empty(shape, dtype=torch.float64)
        fan_in, fan_out = ex._fan_in_and_fan_out(shape)
        assert (fan_in, fan_out) == torch.nn.init._calculate_fan_in_and_fan_out(w)
        torch.nn.init.xavier_uniform_(w, gain=2.0)
        bound = ex._xavier_uniform_bound(fan_in, fan_out, gain=2.0)
        assert w.abs().max().item() <= bound
        # torch's own formula, written out in its source: std = gain * sqrt(2/(fi+fo)).
        assert math.isclose(bound, 2.0 * math.sqrt(2.0 / (fan_in + fan_out)) * math.sqrt(3))
        big = torch.empty((shape[0] * 200,) + tuple(shape[1:]), dtype=torch.float64)
        torch.nn.init.kaiming_normal_(big, mode="fan_in", nonlinearity="relu")
        assert math.isclose(big.std().item(), ex._he_normal_std(shape), rel_tol=0.05)


def _second_moment(f):
    """E[f(z)²] for z ~ N(0, 1), by the trapezoidal rule on [-12, 12] (no sampling)."""
    z = np.linspace(-12.0, 12.0, 240_001)
    density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    y = f(z) ** 2 * density
    return float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(z)))  # np.trapezoid needs NumPy 2


@pytest.mark.parametrize("f, exact", [
    (ex._relu, math.sqrt(2.0)),          # He's factor, derived rather than quoted
    (ex._identity, 1.0),                 # LeCun's 1/fan_in
    (np.tanh, 1.5925),
    (ex._logistic, 1.8462),
])
def test_measured_gain_is_the_variance_argument(f, exact):
    assert math.isclose(1.0 / math.sqrt(_second_moment(f)), exact, rel_tol=1e-4)
    measured = ex._gain_that_keeps_the_spread(f, np.random.default_rng(0))
    assert math.isclose(measured, exact, rel_tol=5e-3)  # 100 000 samples: ~0.3 % noise


def test_measured_relu_gain_is_calculate_gain_relu():
    measured = ex._gain_that_keeps_the_spread(ex._relu, np.random.default_rng(5))
    assert math.isclose(measured, init.calculate_gain("relu"), rel_tol=1e-2)


def test_the_measured_gain_keeps_the_spread_of_a_deep_random_network():
    # 20 tanh layers of 512 with std gain/√512: the pre-activation variance stays near 1.
    gain = ex._gain_that_keeps_the_spread(np.tanh, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    z = rng.standard_normal((256, 512))
    for _ in range(20):
        z = np.tanh(z) @ rng.normal(0.0, gain / math.sqrt(512), size=(512, 512))
    assert 0.85 < z.var() < 1.15


def test_the_gain_check_needs_the_given_rng():
    # Draws that ignore `rng` agree with the reference to ~0.5 %, so only an exact
    # comparison lets the repeatability check see them.
    def fresh_generator(f, rng, n_samples=100_000):
        z = np.random.default_rng().standard_normal(n_samples)
        return float(1.0 / np.sqrt(np.mean(f(z) ** 2)))

    result = ex.check_gain_that_keeps_the_spread(fresh_generator)
    assert result.status == "failed" and "rng you are given" in result.hint

    # rng.normal(size=n) draws the same numbers as rng.standard_normal(n); a dot product
    # instead of a mean differs only by round-off.
    def other_spelling(f, rng, n_samples=100_000):
        a = f(rng.normal(size=n_samples))
        return 1.0 / math.sqrt(np.dot(a, a) / n_samples)

    assert ex.check_gain_that_keeps_the_spread(other_spelling).passed


# =============================================================================
# Wrong and right answers, written from the statements of chapter 6
# =============================================================================
from _exercise_variants import Right, Wrong, assert_right, assert_wrong, parameters  # noqa: E402

from gdcourse.exercises import EXERCISES  # noqa: E402


def _fans(receptive=lambda shape: math.prod(shape[2:]), order=(1, 0)):
    def fan_in_and_fan_out(shape):
        rf = receptive(shape)
        return shape[order[0]] * rf, shape[order[1]] * rf
    return fan_in_and_fan_out


def _fans_loop(shape):
    receptive_field = 1
    for size in shape[2:]:
        receptive_field *= size
    return shape[1] * receptive_field, shape[0] * receptive_field


def _gain(draw=lambda rng, n: rng.standard_normal(n), moment=lambda a: np.mean(a ** 2),
          finish=lambda m: 1 / np.sqrt(m)):
    def gain_that_keeps_the_spread(f, rng, n_samples=100_000):
        return float(finish(moment(f(draw(rng, n_samples)))))
    return gain_that_keeps_the_spread


def _xav(formula):
    def xavier_uniform_bound(fan_in, fan_out, gain=1.0):
        return formula(fan_in, fan_out, gain)
    return xavier_uniform_bound


VARIANTS = {
    "fan_in_and_fan_out": [
        Wrong("swapped", _fans(order=(0, 1)), "mistake: fans swapped"),
        Wrong("swapped, dense only", _fans(receptive=lambda s: 1, order=(0, 1)),
              "mistake: fans swapped, receptive field ignored"),
        Wrong("dense only", _fans(receptive=lambda s: 1), "mistake: receptive field ignored"),
        Wrong("k in fan_in only", lambda shape: (shape[1] * math.prod(shape[2:]), shape[0]),
              "mistake: receptive field in fan_in only"),
        Wrong("k in fan_out only", lambda shape: (shape[1], shape[0] * math.prod(shape[2:])),
              "mistake: receptive field in fan_out only"),
        Wrong("k squared", _fans(receptive=lambda s: s[2] * s[2] if len(s) > 2 else 1),
              "mistake: square kernel assumed"),
        Wrong("last kernel size", _fans(receptive=lambda s: s[-1] if len(s) > 2 else 1),
              "mistake: last kernel size only"),
        Wrong("floats from np.prod / shape", lambda shape: (np.prod(shape) / shape[0],
                                                          np.prod(shape) / shape[1]),
              "requirement: integer output"),
        Right("np.prod", _fans(receptive=lambda s: int(np.prod(s[2:])))),
        Right("a loop", _fans_loop),
        Right("prod of shape[1:]", lambda shape: (math.prod(shape[1:]),
                                                  shape[0] * math.prod(shape[2:]))),
        Right("numpy integers", _fans(receptive=lambda s: np.prod(s[2:], dtype=np.int64))),
    ],
    "xavier_uniform_bound": [
        Wrong("fan_in", _xav(lambda i, o, g: g * math.sqrt(6 / i)), "mistake: fan_in only"),
        Wrong("fan_out", _xav(lambda i, o, g: g * math.sqrt(6 / o)), "mistake: fan_out only"),
        Wrong("mean of the fans", _xav(lambda i, o, g: g * math.sqrt(6 / ((i + o) / 2))),
              "mistake: mean of the fans"),
        Wrong("3", _xav(lambda i, o, g: g * math.sqrt(3 / (i + o))), "mistake: 3 instead of 6"),
        Wrong("std", _xav(lambda i, o, g: g * math.sqrt(2 / (i + o))),
              "mistake: std instead of bound"),
        Wrong("no root", _xav(lambda i, o, g: g * 6 / (i + o)), "mistake: missing square root"),
        Wrong("√6 / (...)", _xav(lambda i, o, g: g * math.sqrt(6) / (i + o)),
              "mistake: square root of 6 only"),
        Wrong("no gain", _xav(lambda i, o, g: math.sqrt(6 / (i + o))), "mistake: gain ignored"),
        Wrong("gain inside", _xav(lambda i, o, g: math.sqrt(6 * g / (i + o))),
              "mistake: gain inside the square root"),
        Wrong("gain²", _xav(lambda i, o, g: g * g * math.sqrt(6 / (i + o))),
              "mistake: gain squared"),
        Right("gain² inside", _xav(lambda i, o, g: math.sqrt(6 * g ** 2 / (i + o)))),
        Right("√3 · std", _xav(lambda i, o, g: math.sqrt(3) * g * math.sqrt(2 / (i + o)))),
        Right("np.sqrt", _xav(lambda i, o, g: float(g * np.sqrt(6.0 / (i + o))))),
    ],
    "gain_that_keeps_the_spread": [
        Wrong("no root", _gain(finish=lambda m: 1 / m), "mistake: no square root"),
        Wrong("1/std", _gain(moment=np.var), "mistake: variance instead of second moment"),
        Wrong("mean, squared", _gain(moment=lambda a: np.mean(a) ** 2),
              "mistake: square of the mean"),
        Wrong("not inverted", _gain(finish=np.sqrt), "mistake: inverted"),
        Wrong("std", _gain(moment=np.std, finish=lambda m: m), "mistake: std, inverted"),
        Wrong("mean |a|", _gain(moment=lambda a: np.mean(np.abs(a)), finish=lambda m: 1 / m),
              "mistake: mean absolute value"),
        Wrong("rng.random", _gain(draw=lambda rng, n: rng.random(n)), "mistake: uniform draws"),
        Wrong("100 000 always", _gain(draw=lambda rng, n: rng.standard_normal(100_000)),
              "mistake: n_samples ignored"),
        Wrong("np.random.standard_normal", _gain(draw=lambda rng, n: np.random.standard_normal(n)),
              "Value: not repeatable"),
        Right("rng.normal(size=n)", _gain(draw=lambda rng, n: rng.normal(size=n))),
        Right("(mean)^(-1/2)", _gain(finish=lambda m: m ** -0.5)),
        Right("np.dot", _gain(moment=lambda a: np.dot(a, a) / len(a))),
    ],
}


# A second pass over the statements.
VARIANTS["xavier_uniform_bound"] += [
    Wrong("6 / fan_in + fan_out", _xav(lambda i, o, g: g * math.sqrt(6 / i + o)),
          "mistake: brackets around the sum missing"),
]
VARIANTS["fan_in_and_fan_out"] += [
    Wrong("np.prod of an empty tuple is a float", _fans(receptive=lambda s: np.prod(s[2:])),
          "requirement: integer output"),
]


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Wrong))
def test_wrong_answer_gets_its_own_hint(exercise, variant):
    assert_wrong(exercise, variant)


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Right))
def test_right_answer_passes(exercise, variant):
    assert_right(exercise, variant)
