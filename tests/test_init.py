"""Tests of gdcourse.init: formulas, statistics, in-place behaviour and errors.

Statistical checks use a fixed seed, and their tolerance is derived from the sample
size: the sample second moment m2 = mean(w**2) of n independent draws with known
mean 0 has standard error sqrt((mu4 - sigma**4) / n); we allow 5 standard errors.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdcourse import init

SHAPE = (400, 600)  # (fan_out, fan_in) = (400, 600)
N_SIGMA = 5.0


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# Fourth moment divided by variance squared (kurtosis) of the zero-mean samples.
KURTOSIS_NORMAL = 3.0
KURTOSIS_UNIFORM = 9.0 / 5.0


def assert_variance(w: np.ndarray, expected_var: float, kurtosis: float) -> None:
    """Check the sample variance (known mean 0) against ``expected_var``."""
    n = w.size
    m2 = float(np.mean(np.square(w, dtype=np.float64)))
    se_var = expected_var * math.sqrt((kurtosis - 1.0) / n)
    assert abs(m2 - expected_var) <= N_SIGMA * se_var, (m2, expected_var, se_var)
    se_mean = math.sqrt(expected_var / n)
    assert abs(float(np.mean(w))) <= N_SIGMA * se_mean


def assert_uniform_bound(w: np.ndarray, bound: float) -> None:
    """All values inside [-bound, bound], and the extremes reach close to it.

    P(max |w| < bound * (1 - eps)) = (1 - eps)**n ~ exp(-eps * n); eps = 20 / n makes
    that exp(-20), so a too-small bound is caught to within 20 / n relatively.
    """
    assert np.max(np.abs(w)) <= bound
    eps = 20.0 / w.size
    assert np.max(w) >= bound * (1 - 2 * eps)  # each side holds about n / 2 samples
    assert np.min(w) <= -bound * (1 - 2 * eps)


# ---------------------------------------------------------------------------
# calculate_gain and fans
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nonlinearity", "param", "expected"),
    [
        ("linear", None, 1.0),
        ("conv1d", None, 1.0),
        ("conv2d", None, 1.0),
        ("conv3d", None, 1.0),
        ("conv_transpose1d", None, 1.0),
        ("conv_transpose2d", None, 1.0),
        ("conv_transpose3d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5.0 / 3.0),
        ("relu", None, 1.4142135623730951),
        ("leaky_relu", None, math.sqrt(2.0 / 1.0001)),  # default slope 0.01
        ("leaky_relu", 0, 1.4142135623730951),
        ("leaky_relu", 0.2, math.sqrt(2.0 / 1.04)),
        ("leaky_relu", 1, 1.0),  # slope 1 is the identity
        ("leaky_relu", np.float64(0.2), math.sqrt(2.0 / 1.04)),
        ("selu", None, 0.75),
        ("tanh", 123.0, 5.0 / 3.0),  # param ignored except for leaky_relu
    ],
)
def test_calculate_gain(nonlinearity, param, expected):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((3, 5), (5, 3)),  # Linear(5, 3): weight (out, in)
        ((400, 600), (600, 400)),
        ((1, 1), (1, 1)),
        ((16, 8, 3), (24, 48)),  # Conv1d(8, 16, 3)
        ((16, 8, 3, 3), (72, 144)),  # Conv2d(8, 16, 3)
        ((4, 2, 3, 5, 7), (210, 420)),  # Conv3d
        ((0, 5), (5, 0)),
    ],
)
def test_calculate_fan_in_and_fan_out(shape, expected):
    fans = init.calculate_fan_in_and_fan_out(np.empty(shape))
    assert fans == expected
    assert all(type(f) is int for f in fans)


def test_private_fan_alias_is_public_function():
    assert init._calculate_fan_in_and_fan_out is init.calculate_fan_in_and_fan_out


# ---------------------------------------------------------------------------
# Variance-scaling initialisers: statistics
# ---------------------------------------------------------------------------

# (function, kwargs, shape, expected variance, kurtosis); variances worked by hand
# with fan_in = 600, fan_out = 400 for SHAPE.
VARIANCE_CASES = [
    (init.xavier_normal_, {}, SHAPE, 2.0 / 1000, KURTOSIS_NORMAL),
    (init.xavier_normal_, {"gain": 5.0 / 3}, SHAPE, (25 / 9) * 2.0 / 1000, KURTOSIS_NORMAL),
    (init.xavier_uniform_, {}, SHAPE, 2.0 / 1000, KURTOSIS_UNIFORM),
    (init.xavier_uniform_, {"gain": 2.0}, SHAPE, 4 * 2.0 / 1000, KURTOSIS_UNIFORM),
    (init.kaiming_normal_, {}, SHAPE, 2.0 / 600, KURTOSIS_NORMAL),
    (init.kaiming_normal_, {"mode": "fan_out"}, SHAPE, 2.0 / 400, KURTOSIS_NORMAL),
    (init.kaiming_normal_, {"mode": "FAN_OUT"}, SHAPE, 2.0 / 400, KURTOSIS_NORMAL),
    (init.kaiming_normal_, {"nonlinearity": "linear"}, SHAPE, 1.0 / 600, KURTOSIS_NORMAL),
    (init.kaiming_normal_, {"a": 1.0}, SHAPE, 1.0 / 600, KURTOSIS_NORMAL),
    (init.kaiming_normal_, {"nonlinearity": "tanh"}, SHAPE, (25 / 9) / 600, KURTOSIS_NORMAL),
    (init.kaiming_uniform_, {}, SHAPE, 2.0 / 600, KURTOSIS_UNIFORM),
    (init.kaiming_uniform_, {"mode": "fan_out"}, SHAPE, 2.0 / 400, KURTOSIS_UNIFORM),
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, SHAPE, (2.0 / 6) / 600, KURTOSIS_UNIFORM),
    (init.kaiming_uniform_, {"nonlinearity": "relu"}, SHAPE, 2.0 / 600, KURTOSIS_UNIFORM),
    # Transposed shape: the fans swap.
    (init.kaiming_normal_, {}, (600, 400), 2.0 / 400, KURTOSIS_NORMAL),
    (init.kaiming_normal_, {"mode": "fan_out"}, (600, 400), 2.0 / 600, KURTOSIS_NORMAL),
    # Receptive field multiplies both fans: (64, 32, 3, 3) -> fan_in 288, fan_out 576.
    (init.kaiming_normal_, {}, (64, 32, 3, 3), 2.0 / 288, KURTOSIS_NORMAL),
    (init.kaiming_normal_, {"mode": "fan_out"}, (64, 32, 3, 3), 2.0 / 576, KURTOSIS_NORMAL),
    (init.xavier_uniform_, {}, (64, 32, 3, 3), 2.0 / 864, KURTOSIS_UNIFORM),
    # 3-D (50, 40, 7) -> fan_in 280, fan_out 350.
    (init.kaiming_uniform_, {}, (50, 40, 7), 2.0 / 280, KURTOSIS_UNIFORM),
    (init.xavier_normal_, {}, (50, 40, 7), 2.0 / 630, KURTOSIS_NORMAL),
    # Plain distributions.
    (init.normal_, {"std": 0.3}, SHAPE, 0.09, KURTOSIS_NORMAL),
    (init.uniform_, {"a": -0.5, "b": 0.5}, SHAPE, 1.0 / 12, KURTOSIS_UNIFORM),
]


@pytest.mark.parametrize(("fn", "kwargs", "shape", "var", "kurtosis"), VARIANCE_CASES)
def test_initialiser_variance(fn, kwargs, shape, var, kurtosis):
    w = fn(np.empty(shape), **kwargs, rng=rng(1))
    assert_variance(w, var, kurtosis)


@pytest.mark.parametrize(
    ("fn", "kwargs", "shape", "bound"),
    [
        (init.xavier_uniform_, {}, SHAPE, math.sqrt(6.0 / 1000)),
        (init.xavier_uniform_, {"gain": 0.5}, SHAPE, 0.5 * math.sqrt(6.0 / 1000)),
        (init.kaiming_uniform_, {}, SHAPE, math.sqrt(6.0 / 600)),
        (init.kaiming_uniform_, {"mode": "fan_out"}, SHAPE, math.sqrt(6.0 / 400)),
        (init.kaiming_uniform_, {"a": math.sqrt(5)}, SHAPE, 1.0 / math.sqrt(600)),
        (init.kaiming_uniform_, {}, (64, 32, 3, 3), math.sqrt(6.0 / 288)),
        (init.uniform_, {"a": -0.25, "b": 0.25}, SHAPE, 0.25),
    ],
)
def test_uniform_initialisers_respect_bound(fn, kwargs, shape, bound):
    w = fn(np.empty(shape), **kwargs, rng=rng(2))
    assert_uniform_bound(w, bound)


def test_uniform_shifted_interval():
    w = init.uniform_(np.empty(SHAPE), 2.0, 3.0, rng=rng(3))
    assert 2.0 <= w.min() and w.max() < 3.0
    assert_variance(w - 2.5, 1.0 / 12, KURTOSIS_UNIFORM)


def test_normal_mean():
    w = init.normal_(np.empty(SHAPE), mean=-1.5, std=0.2, rng=rng(3))
    assert_variance(w + 1.5, 0.04, KURTOSIS_NORMAL)


def test_forward_pass_variance_uses_out_in_convention():
    # With W of shape (out, in) and y = x @ W.T, E[y_i^2] = ||W_i||^2 for unit-variance
    # inputs; fan_in initialisation with the linear gain makes the mean squared row
    # norm 1. If fans were read as (in, out) it would be 400/600 instead.
    w = init.kaiming_normal_(np.empty(SHAPE), nonlinearity="linear", rng=rng(4))
    row_sq_norm = float(np.mean(np.sum(w**2, axis=1)))
    se = math.sqrt(2.0 / w.size)  # relative SE of the second moment, normal samples
    assert abs(row_sq_norm - 1.0) <= N_SIGMA * se


# ---------------------------------------------------------------------------
# Truncated normal
# ---------------------------------------------------------------------------


# np.trapz was renamed np.trapezoid in NumPy 2.0; the package supports NumPy >= 1.24.
trapezoid = getattr(np, "trapezoid", None) or np.trapz


def truncated_normal_moments(mean, std, a, b):
    """Mean, variance and fourth central moment by quadrature on a fine grid."""
    x = np.linspace(a, b, 200_001)
    pdf = np.exp(-0.5 * ((x - mean) / std) ** 2)
    z = trapezoid(pdf, x)
    m = trapezoid(x * pdf, x) / z
    var = trapezoid((x - m) ** 2 * pdf, x) / z
    mu4 = trapezoid((x - m) ** 4 * pdf, x) / z
    return m, var, mu4


@pytest.mark.parametrize(
    ("mean", "std", "a", "b"),
    [
        (0.0, 1.0, -2.0, 2.0),  # most mass inside: redraw branch
        (0.0, 0.02, -0.04, 0.04),  # the usual "std 0.02" transformer init
        (0.0, 1.0, 2.0, 3.0),  # 2 % of the mass: uniform-proposal branch
        (1.0, 0.5, -1.0, 0.0),  # mean outside the interval, 2 std away
        (0.0, 1.0, 3.0, 12.0),  # a long upper tail: exponential proposals
        (0.0, 1.0, -12.0, -4.0),  # a lower tail (mirrored)
        (2.0, 0.5, -1.0, 1.5),  # lower tail of a shifted normal, 1 std away
        (0.0, 1.0, -0.2, 0.2),  # narrow interval around the mean
    ],
)
def test_trunc_normal_moments_and_support(mean, std, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # PyTorch's "mean far from [a, b]"
        w = init.trunc_normal_(np.empty(SHAPE), mean, std, a, b, rng=rng(5))
    assert a <= w.min() and w.max() <= b
    m, var, mu4 = truncated_normal_moments(mean, std, a, b)
    n = w.size
    assert abs(w.mean() - m) <= N_SIGMA * math.sqrt(var / n)
    sample_var = float(np.mean((w - m) ** 2))
    assert abs(sample_var - var) <= N_SIGMA * math.sqrt((mu4 - var**2) / n)


@pytest.mark.parametrize(("a", "b"), [(5.0, math.inf), (-math.inf, -30.0), (30.0, 30.5)])
def test_trunc_normal_far_tails_and_infinite_ends(a, b):
    # No finite end, or far out in the tail: every value lands in [a, b], no overflow.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # the "mean far from [a, b]" warning
        w = init.trunc_normal_(np.empty(2000), a=a, b=b, rng=rng(3))
    assert np.all(np.isfinite(w)) and a <= w.min() and w.max() <= b
    # far in a tail the truncated normal hugs the end nearest the mean
    near = a if a > 0 else b
    assert np.median(np.abs(w - near)) < 1.0 / min(abs(a), abs(b)) + 0.05


def test_trunc_normal_warns_when_mean_far_from_interval():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        init.trunc_normal_(np.empty(10), mean=5.0, std=1.0, a=-1.0, b=1.0, rng=rng())


# ---------------------------------------------------------------------------
# Orthogonal
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape", [(3, 5), (5, 3), (4, 4), (1, 7), (7, 1), (6, 2, 3, 2), (20, 3, 2)]
)
@pytest.mark.parametrize("gain", [1.0, 2.0, 0.5])
def test_orthogonal_is_orthogonal(shape, gain):
    w = init.orthogonal_(np.empty(shape), gain=gain, rng=rng(6))
    rows = shape[0]
    mat = w.reshape(rows, -1)
    if rows <= mat.shape[1]:
        gram = mat @ mat.T
    else:
        gram = mat.T @ mat
    np.testing.assert_allclose(gram, gain**2 * np.eye(gram.shape[0]), atol=1e-12)


def test_orthogonal_is_uniformly_distributed_in_sign():
    # Householder QR alone returns Q with a fixed determinant; the sign correction
    # makes Q Haar-distributed, where det = +1 and -1 are equally likely.
    g = rng(7)
    dets = [np.linalg.det(init.orthogonal_(np.empty((3, 3)), rng=g)) for _ in range(400)]
    frac_positive = np.mean(np.array(dets) > 0)
    assert abs(frac_positive - 0.5) <= N_SIGMA * math.sqrt(0.25 / 400)


# ---------------------------------------------------------------------------
# Constants, in place, dtype, reproducibility
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        (init.constant_, (0.3,), 0.3),
        (init.constant_, (-2,), -2.0),
        (init.zeros_, (), 0.0),
        (init.ones_, (), 1.0),
    ],
)
def test_constants(fn, args, expected):
    w = np.full((3, 4), np.nan)
    out = fn(w, *args)
    assert out is w
    assert np.all(w == expected)


RANDOM_INITS = [
    (init.uniform_, {}),
    (init.normal_, {}),
    (init.trunc_normal_, {}),
    (init.xavier_uniform_, {}),
    (init.xavier_normal_, {}),
    (init.kaiming_uniform_, {}),
    (init.kaiming_normal_, {"mode": "fan_out"}),
    (init.orthogonal_, {}),
]


@pytest.mark.parametrize(("fn", "kwargs"), RANDOM_INITS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_fills_in_place_and_keeps_dtype(fn, kwargs, dtype):
    w = np.full((6, 4), np.nan, dtype=dtype)
    out = fn(w, **kwargs, rng=rng())
    assert out is w
    assert w.dtype == dtype
    assert np.all(np.isfinite(w))
    assert np.unique(w).size > 1


@pytest.mark.parametrize(("fn", "kwargs"), RANDOM_INITS)
def test_fills_a_transposed_view_in_place(fn, kwargs):
    base = np.full((4, 6), np.nan)
    out = fn(base.T, **kwargs, rng=rng())
    assert out.base is base
    assert np.all(np.isfinite(base))


@pytest.mark.parametrize(("fn", "kwargs"), RANDOM_INITS)
def test_seed_reproducibility(fn, kwargs):
    a = fn(np.empty((5, 7)), **kwargs, rng=rng(42))
    b = fn(np.empty((5, 7)), **kwargs, rng=rng(42))
    c = fn(np.empty((5, 7)), **kwargs, rng=rng(43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(("fn", "kwargs"), RANDOM_INITS)
def test_default_rng_is_fresh(fn, kwargs):
    a = fn(np.empty((5, 7)), **kwargs)
    b = fn(np.empty((5, 7)), **kwargs)
    assert not np.array_equal(a, b)


def test_rng_is_keyword_only():
    with pytest.raises(TypeError):
        init.xavier_uniform_(np.empty((2, 3)), 1.0, rng())


# ---------------------------------------------------------------------------
# Zero-element arrays
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        init.xavier_uniform_,
        init.xavier_normal_,
        init.kaiming_uniform_,
        init.kaiming_normal_,
        init.orthogonal_,
    ],
)
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0), (4, 0, 2)])
def test_zero_element_warns_and_returns(fn, shape):
    w = np.empty(shape)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        out = fn(w, rng=rng())
    assert out is w


@pytest.mark.parametrize("fn", [init.kaiming_uniform_, init.kaiming_normal_])
def test_kaiming_checks_zero_element_before_dims_like_pytorch(fn):
    with pytest.warns(UserWarning, match="zero-element"):
        fn(np.empty(0), mode="not_a_mode")


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (init.uniform_, ()),
        (init.normal_, ()),
        (init.trunc_normal_, ()),
        (init.constant_, (1.0,)),
        (init.zeros_, ()),
    ],
)
def test_plain_fills_of_zero_element_are_silent(fn, args):
    w = np.empty((0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fn(w, *args) is w


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def _readonly(shape=(3, 4)):
    w = np.zeros(shape)
    w.flags.writeable = False
    return w


W = np.empty((3, 4))  # never filled in the error cases below, all fail first

ERROR_CASES = [
    (init.calculate_gain, ("softplus",), {}, ValueError, r"^Unsupported nonlinearity softplus$"),
    (init.calculate_gain, ("leaky_relu", True), {}, ValueError, r"^negative_slope True not"),
    (init.calculate_gain, ("leaky_relu", "0.1"), {}, ValueError, r"^negative_slope 0.1 not"),
    (
        init.calculate_fan_in_and_fan_out,
        (np.empty(5),),
        {},
        ValueError,
        r"^Fan in and fan out can not be computed for tensor with fewer than 2 dimensions$",
    ),
    (init.calculate_fan_in_and_fan_out, (np.empty(()),), {}, ValueError, r"fewer than 2 dim"),
    (init.calculate_fan_in_and_fan_out, ([[1.0, 2.0]],), {}, TypeError, r"got list"),
    (init.xavier_uniform_, (np.empty(5),), {}, ValueError, r"fewer than 2 dimensions"),
    (init.xavier_normal_, (np.empty(5),), {}, ValueError, r"fewer than 2 dimensions"),
    (init.kaiming_uniform_, (np.empty(5),), {}, ValueError, r"fewer than 2 dimensions"),
    (
        init.kaiming_uniform_,
        (W,),
        {"mode": "fan_avg"},
        ValueError,
        r"^Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]$",
    ),
    (init.kaiming_normal_, (W,), {"mode": None}, ValueError, r"^Mode None not supported"),
    (init.kaiming_normal_, (W,), {"nonlinearity": "gelu"}, ValueError, r"nonlinearity gelu$"),
    (init.kaiming_normal_, (W,), {"a": "x"}, ValueError, r"^negative_slope x not a valid number$"),
    (
        init.orthogonal_,
        (np.empty(5),),
        {},
        ValueError,
        r"^Only tensors with 2 or more dimensions are supported$",
    ),
    # Not a float array.
    (init.uniform_, ([1.0, 2.0],), {}, TypeError, r"float NumPy array, got list"),
    (init.normal_, (3.0,), {}, TypeError, r"got float"),
    (init.xavier_uniform_, (np.zeros((3, 4), dtype=int),), {}, TypeError, r"dtype int64"),
    (init.kaiming_uniform_, (np.zeros((3, 4), dtype=bool),), {}, TypeError, r"dtype bool"),
    (init.orthogonal_, (np.zeros((3, 4), dtype=complex),), {}, TypeError, r"dtype complex128"),
    (init.constant_, (np.zeros(3, dtype=np.int32), 1.0), {}, TypeError, r"dtype int32"),
    (init.zeros_, ("w",), {}, TypeError, r"got str"),
    # Read-only arrays.
    (init.uniform_, (_readonly(),), {}, ValueError, r"read-only"),
    (init.kaiming_normal_, (_readonly(),), {}, ValueError, r"read-only"),
    (init.ones_, (_readonly(),), {}, ValueError, r"read-only"),
    # rng must be a Generator.
    (init.xavier_normal_, (W,), {"rng": np.random.RandomState(0)}, TypeError, r"got RandomState"),
    (init.uniform_, (W,), {"rng": 0}, TypeError, r"numpy.random.Generator.*got int"),
    (init.orthogonal_, (W,), {"rng": "seed"}, TypeError, r"got str"),
    # Distribution parameters.
    (init.uniform_, (W, 1.0, 0.0), {}, ValueError, r"from=1.0 > to=0.0"),
    (init.uniform_, (W, -math.inf, 0.0), {}, ValueError, r"finite"),
    (init.normal_, (W, 0.0, -1.0), {}, ValueError, r"std >= 0.0, but found std -1.0"),
    (init.normal_, (W, 0.0, math.nan), {}, ValueError, r"std"),
    (init.normal_, (W, "0", 1.0), {}, TypeError, r"mean must be a real number"),
    (init.trunc_normal_, (W,), {"a": 1.0, "b": 0.0}, ValueError, r"a < b"),
    (init.trunc_normal_, (W,), {"std": 0.0}, ValueError, r"std > 0"),
    (init.xavier_uniform_, (W,), {"gain": -1.0}, ValueError, r"gain must be non-negative"),
    (init.xavier_normal_, (W,), {"gain": None}, TypeError, r"gain must be a real number"),
    (init.constant_, (W, "1"), {}, TypeError, r"val must be a real number, got str"),
    # Non-finite hyper-parameters are refused by name (PyTorch: "out of bounds", or inf).
    (init.kaiming_normal_, (W,), {"a": math.nan}, ValueError, r"kaiming_normal_: a must be finite|kaiming_normal_: a must be a finite"),
    (init.kaiming_uniform_, (W,), {"a": math.nan}, ValueError, r"kaiming_uniform_: a must be a finite"),
    (init.kaiming_uniform_, (W,), {"a": math.inf}, ValueError, r"a must be a finite number, got inf"),
    (init.uniform_, (W, -1e308, 1e308), {}, ValueError, r"too far apart"),
    (init.uniform_, (W, 0.0, math.nan), {}, ValueError, r"uniform_: b must be a finite"),
    (init.normal_, (W, 0.0, math.inf), {}, ValueError, r"normal_: std must be a finite"),
    (init.normal_, (W, math.inf, 1.0), {}, ValueError, r"normal_: mean must be a finite"),
    (init.trunc_normal_, (W,), {"a": -math.inf, "b": -1e10}, ValueError, r"standard deviations"),
    (init.trunc_normal_, (W,), {"a": math.nan}, ValueError, r"a < b"),
    (init.trunc_normal_, (W,), {"mean": math.nan}, ValueError, r"mean must be a finite"),
    (init.xavier_uniform_, (W,), {"gain": math.inf}, ValueError, r"xavier_uniform_: gain must be a finite"),
    (init.xavier_normal_, (W,), {"gain": math.inf}, ValueError, r"xavier_normal_: gain must be a finite"),
    (init.xavier_uniform_, (W,), {"gain": math.nan}, ValueError, r"gain must be non-negative"),
    (init.orthogonal_, (W,), {"gain": math.inf}, ValueError, r"orthogonal_: gain must be a finite"),
]


@pytest.mark.parametrize(("fn", "args", "kwargs", "exc", "match"), ERROR_CASES)
def test_errors(fn, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)


def test_failed_call_leaves_array_untouched():
    w = np.full((3, 4), 7.0)
    with pytest.raises(ValueError):
        init.kaiming_uniform_(w, mode="bad", rng=rng())
    assert np.all(w == 7.0)


def test_module_docstring_states_the_shape_convention():
    doc = init.__doc__
    assert "(out_features, in_features)" in doc
    assert "x @ W.T + b" in doc
    assert "prod(shape[2:])" in doc
