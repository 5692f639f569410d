"""Tests of gdcourse.optim.clip_grad: hand-worked numbers, norms, NaN handling, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gdcourse.optim.clip_grad import clip_grad_norm_, clip_grad_value_

EPS = 1e-6  # PyTorch's term in clip_coef = max_norm / (total_norm + 1e-6)


def arr(*values, dtype=np.float64):
    return np.array(values, dtype=dtype)


# ---------------------------------------------------------------------------
# clip_grad_norm_: hand-worked numbers
# ---------------------------------------------------------------------------


def test_three_four_five():
    g = arr(3.0, 4.0)
    total = clip_grad_norm_([g], max_norm=1.0)
    assert total == 5.0
    assert type(total) is float
    coef = 1.0 / (5.0 + EPS)
    np.testing.assert_array_equal(g, arr(3.0 * coef, 4.0 * coef))
    np.testing.assert_allclose(g, [0.6, 0.8], atol=1e-6)


def test_single_array_is_accepted():
    g = arr(3.0, 4.0)
    assert clip_grad_norm_(g, 1.0) == 5.0
    np.testing.assert_allclose(g, [0.6, 0.8], atol=1e-6)


def test_norm_spans_several_arrays():
    # The total norm is the norm of the per-array norms: ||(||[3]||, ||[4]||)|| = 5.
    g1, g2 = arr(3.0), np.array([[4.0]])
    assert clip_grad_norm_([g1, g2], 1.0) == 5.0
    np.testing.assert_allclose(g1, 0.6, atol=1e-6)
    np.testing.assert_allclose(g2, [[0.8]], atol=1e-6)


# grads [[3, -4], [[12]]]: |.|_1 = 19, |.|_2 = 13, |.|_3 = 1819^(1/3), |.|_inf = 12.
@pytest.mark.parametrize(
    ("norm_type", "expected"),
    [
        (1, 19.0),
        (1.0, 19.0),
        (2, 13.0),
        (3.0, 1819.0 ** (1 / 3)),
        (math.inf, 12.0),
        ("inf", 12.0),
        (np.inf, 12.0),
    ],
)
def test_norm_types(norm_type, expected):
    g1, g2 = arr(3.0, -4.0), np.array([[12.0]])
    total = clip_grad_norm_([g1, g2], max_norm=1.0, norm_type=norm_type)
    assert total == pytest.approx(expected, rel=1e-15)
    coef = 1.0 / (total + EPS)
    np.testing.assert_allclose(g1, arr(3.0, -4.0) * coef, rtol=1e-15)
    np.testing.assert_allclose(g2, [[12.0 * coef]], rtol=1e-15)


def test_below_threshold_is_untouched():
    g = arr(0.3, -0.4)  # norm 0.5 < 1: coefficient 1 / 0.500001 clamps to 1
    assert clip_grad_norm_([g], 1.0) == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_array_equal(g, arr(0.3, -0.4))


def test_at_threshold_is_scaled_by_pytorchs_coefficient():
    # Norm exactly max_norm: the 1e-6 term makes the coefficient slightly below 1,
    # and PyTorch multiplies by it anyway.
    g = arr(0.6, 0.8)
    total = clip_grad_norm_([g], max_norm=1.0)
    coef = 1.0 / (total + EPS)
    assert coef < 1.0
    np.testing.assert_array_equal(g, arr(0.6 * coef, 0.8 * coef))
    assert not np.array_equal(g, arr(0.6, 0.8))


def test_max_norm_zero_zeros_the_gradients():
    g = arr(1.0, -2.0)
    clip_grad_norm_([g], 0.0)
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_infinite_max_norm_never_clips():
    g = arr(1e100, -2.0)
    clip_grad_norm_([g], math.inf)
    np.testing.assert_array_equal(g, arr(1e100, -2.0))


def test_returns_norm_before_clipping_and_clipped_norm_is_max_norm():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(4, 3)), rng.normal(size=5)]
    norm_before = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    assert clip_grad_norm_(grads, 0.5) == pytest.approx(norm_before, rel=1e-14)
    norm_after = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    assert norm_after == pytest.approx(0.5 * norm_before / (norm_before + EPS), rel=1e-14)


def test_in_place_keeps_identity_and_dtype():
    g32 = arr(3.0, 4.0, dtype=np.float32)
    g64 = arr(0.0, 0.0)
    grads = [g32, g64]
    clip_grad_norm_(grads, 1.0)
    assert grads[0] is g32 and g32.dtype == np.float32
    np.testing.assert_allclose(g32, [0.6, 0.8], rtol=1e-6)


# ---------------------------------------------------------------------------
# Direction: norm clipping keeps it, value clipping does not
# ---------------------------------------------------------------------------


def cosine(u, v):
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def test_norm_clipping_preserves_direction():
    g = arr(30.0, 0.5, -4.0)
    before = g.copy()
    clip_grad_norm_([g], 1.0)
    assert cosine(g, before) == pytest.approx(1.0, abs=1e-15)
    # Same direction means proportional: every ratio equals the one coefficient.
    ratios = g / before
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-15)


def test_value_clipping_changes_direction():
    g = arr(3.0, 0.5)
    before = g.copy()
    assert clip_grad_value_([g], 1.0) is None
    np.testing.assert_array_equal(g, [1.0, 0.5])
    assert cosine(g, before) < 0.99


@given(
    grads=st.lists(
        hnp.arrays(
            np.float64,
            hnp.array_shapes(max_dims=3, max_side=4),
            elements=st.floats(-1e3, 1e3),
        ),
        min_size=1,
        max_size=4,
    ),
    max_norm=st.floats(1e-3, 1e3),
    norm_type=st.sampled_from([1.0, 2.0, 3.0, math.inf]),
)
def test_norm_clipping_property(grads, max_norm, norm_type):
    before = [g.copy() for g in grads]
    total = clip_grad_norm_(grads, max_norm, norm_type)
    flat_before = np.concatenate([g.ravel() for g in before])
    flat_after = np.concatenate([g.ravel() for g in grads])
    assert total == pytest.approx(np.linalg.norm(flat_before, norm_type), rel=1e-12, abs=1e-300)
    coef = min(max_norm / (total + EPS), 1.0)
    np.testing.assert_allclose(flat_after, flat_before * coef, rtol=1e-15, atol=0)
    assert np.linalg.norm(flat_after, norm_type) <= max_norm * (1 + 1e-12)


# ---------------------------------------------------------------------------
# None entries, empty input
# ---------------------------------------------------------------------------


def test_none_entries_are_skipped():
    g = arr(3.0, 4.0)
    assert clip_grad_norm_([None, g, None], 1.0) == 5.0
    np.testing.assert_allclose(g, [0.6, 0.8], atol=1e-6)
    h = arr(3.0, -4.0)
    clip_grad_value_([None, h], 2.0)
    np.testing.assert_array_equal(h, [2.0, -2.0])


@pytest.mark.parametrize("grads", [[], (), [None, None]])
def test_no_gradients_returns_zero(grads):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert clip_grad_norm_(grads, 1.0) == 0.0
        clip_grad_value_(grads, 1.0)


def test_empty_generator_warns_like_pytorch():
    with pytest.warns(UserWarning, match="empty generator"):
        assert clip_grad_norm_((g for g in []), 1.0) == 0.0


def test_generator_of_gradients_is_clipped():
    grads = [arr(3.0), arr(4.0)]
    assert clip_grad_norm_((g for g in grads), 1.0) == 5.0
    np.testing.assert_allclose(grads[1], 0.8, atol=1e-6)


def test_zero_size_gradient_counts_as_zero_norm():
    g = arr(3.0, 4.0)
    assert clip_grad_norm_([np.empty(0), g], 1.0, norm_type="inf") == 4.0


# ---------------------------------------------------------------------------
# Non-finite gradients
# ---------------------------------------------------------------------------


def test_nan_propagates_to_every_gradient():
    g1, g2 = arr(math.nan, 1.0), arr(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # documented behaviour, no NumPy RuntimeWarning
        total = clip_grad_norm_([g1, g2], 1.0)
    assert math.isnan(total)
    assert np.all(np.isnan(g1)) and np.all(np.isnan(g2))


def test_inf_zeroes_finite_entries_and_makes_inf_nan():
    g1, g2 = arr(math.inf, 1.0), arr(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert clip_grad_norm_([g1, g2], 1.0) == math.inf
    np.testing.assert_array_equal(g1, [math.nan, 0.0])
    np.testing.assert_array_equal(g2, [0.0])


@pytest.mark.parametrize(
    ("bad", "norm_type", "order"),
    [(math.nan, 2, "2.0"), (math.inf, 2, "2.0"), (-math.inf, "inf", "inf")],
)
def test_error_if_nonfinite(bad, norm_type, order):
    g = arr(bad, 1.0)
    with pytest.raises(
        RuntimeError,
        match=rf"^The total norm of order {order} for gradients from `parameters` is non-finite, "
        r"so it cannot be clipped\. To disable this error and scale the gradients by the "
        r"non-finite norm anyway, set `error_if_nonfinite=False`$",
    ):
        clip_grad_norm_([g], 1.0, norm_type, error_if_nonfinite=True)
    np.testing.assert_array_equal(g, arr(bad, 1.0))


def test_error_if_nonfinite_passes_finite_norms():
    g = arr(3.0, 4.0)
    assert clip_grad_norm_([g], 1.0, error_if_nonfinite=True) == 5.0


# ---------------------------------------------------------------------------
# clip_grad_value_
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "clip_value", "expected"),
    [
        ([3.0, -0.5, -7.0, 0.0], 1.0, [1.0, -0.5, -1.0, 0.0]),
        ([0.2, -0.2], 0.5, [0.2, -0.2]),
        ([math.inf, -math.inf], 2.0, [2.0, -2.0]),
        ([math.nan, 5.0], 1.0, [math.nan, 1.0]),
        ([4.0, -4.0], 0.0, [0.0, 0.0]),
        ([1e300, -3.0], math.inf, [1e300, -3.0]),
    ],
)
def test_clip_grad_value(values, clip_value, expected):
    g = np.array(values)
    out = clip_grad_value_([g], clip_value)
    assert out is None
    np.testing.assert_array_equal(g, expected)


def test_clip_grad_value_several_arrays_in_place():
    g1 = np.array([[5.0, -5.0], [0.1, 2.0]], dtype=np.float32)
    g2 = np.array([-3.0])
    clip_grad_value_([g1, g2], 1.5)
    assert g1.dtype == np.float32
    np.testing.assert_array_equal(g1, np.array([[1.5, -1.5], [0.1, 1.5]], dtype=np.float32))
    np.testing.assert_array_equal(g2, [-1.5])


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def _readonly():
    g = arr(1.0, 2.0)
    g.flags.writeable = False
    return g


NORM, VALUE = clip_grad_norm_, clip_grad_value_
G = [arr(1.0)]  # never modified: every call below fails during validation
NON_NEGATIVE = "must be a non-negative number, got"

ERROR_CASES = [
    (NORM, (G, -1.0), ValueError, rf"max_norm {NON_NEGATIVE} -1.0"),
    (NORM, (G, math.nan), ValueError, rf"max_norm {NON_NEGATIVE} nan"),
    (NORM, (G, "1"), TypeError, r"max_norm must be a real number, got str"),
    (NORM, (G, None), TypeError, r"max_norm must be a real number, got NoneType"),
    (NORM, (G, 1.0, 0.5), ValueError, r"norm_type must be >= 1 or inf, got 0.5"),
    (NORM, (G, 1.0, -math.inf), ValueError, r"norm_type must be >= 1 or inf"),
    (NORM, (G, 1.0, math.nan), ValueError, r"norm_type must be >= 1 or inf, got nan"),
    (NORM, (G, 1.0, "two"), ValueError, r"norm_type must be a number >= 1 or 'inf', got 'two'"),
    (
        NORM,
        ([np.array([1, 2])], 1.0),
        TypeError,
        r"^grads\[0\] must be a float NumPy array, got an array of dtype int64$",
    ),
    (
        NORM,
        ([arr(1.0), [3.0, 4.0]], 1.0),
        TypeError,
        r"^grads\[1\] must be a float NumPy array or None, got list$",
    ),
    (NORM, ([None, None, 2.0], 1.0), TypeError, r"^grads\[2\] .* got float \(a scalar"),
    (
        NORM,
        ([np.float64(2.0)], 1.0),
        TypeError,
        r"^grads\[0\] .* got float64 \(a scalar cannot be clipped in place\)$",
    ),
    (NORM, (3.0, 1.0), TypeError, r"grads must be a float NumPy array or an iterable"),
    (NORM, ("abc", 1.0), TypeError, r"got str"),
    (NORM, ([_readonly()], 1.0), ValueError, r"grads\[0\] is read-only"),
    (VALUE, (G, -0.1), ValueError, rf"clip_value {NON_NEGATIVE} -0.1"),
    (VALUE, (G, math.nan), ValueError, rf"clip_value {NON_NEGATIVE} nan"),
    (VALUE, (G, [1.0]), TypeError, r"clip_value must be a real number, got list"),
    (VALUE, ([np.array([1j])], 1.0), TypeError, r"grads\[0\] .* dtype complex128"),
    (VALUE, (None, 1.0), TypeError, r"got NoneType"),
    (VALUE, ([_readonly()], 1.0), ValueError, r"grads\[0\] is read-only"),
]


@pytest.mark.parametrize(("fn", "args", "exc", "match"), ERROR_CASES)
def test_errors(fn, args, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args)


@pytest.mark.parametrize("fn", [clip_grad_norm_, clip_grad_value_])
def test_bad_entry_leaves_earlier_gradients_untouched(fn):
    good = arr(30.0, 40.0)
    with pytest.raises(TypeError, match=r"grads\[1\]"):
        fn([good, np.array([1, 2])], 1.0)
    np.testing.assert_array_equal(good, [30.0, 40.0])


def test_docstrings_state_the_tool_and_reference():
    import gdcourse.optim.clip_grad as mod

    for text in (mod.__doc__, clip_grad_norm_.__doc__, clip_grad_value_.__doc__):
        assert "Pascanu" in text
    assert "not a learning-rate schedule" in mod.__doc__
    assert "direction" in clip_grad_norm_.__doc__ and "direction" in clip_grad_value_.__doc__


# Norms in low precision: computed in float64, so a finite gradient has a finite norm and
# is never zeroed or refused (issue 12). The expected norm is the exact one in float64.
@pytest.mark.parametrize("dtype, value, size, norm_type", [
    (np.float16, 300.0, 300, 2.0),      # squares overflow float16 (PyTorch: 5196 in half)
    (np.float16, 60000.0, 4, 2.0),
    (np.float16, 300.0, 300, 3.0),
    (np.float16, 1000.0, 300, 1.0),     # the sum overflows float16
    (np.float32, 1e19, 300, 2.0),       # PyTorch's float32 norm overflows to inf here
    (np.float32, 1e20, 1, 2.0),
    (np.float32, 3e38, 4, 1.0),
    (np.float64, 1e200, 300, 2.0),      # even float64 overflows: rescaled by the largest
    (np.float64, 1e300, 10, 4.0),
])
def test_low_precision_gradients_have_their_true_finite_norm(dtype, value, size, norm_type):
    grad = np.full(size, value, dtype=dtype)
    exact = float(grad[0]) * size ** (1.0 / norm_type)      # every entry is the same
    before = grad.copy()
    norm = clip_grad_norm_([grad], max_norm=math.inf, norm_type=norm_type,
                           error_if_nonfinite=True)          # finite: must not raise
    assert math.isfinite(norm) and norm == pytest.approx(exact, rel=1e-12)
    assert np.array_equal(grad, before) and grad.dtype == dtype   # nothing clipped


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_clipping_a_low_precision_gradient_scales_it_instead_of_zeroing_it(dtype):
    grad = np.full(300, 300.0, dtype=dtype)
    clip_grad_norm_([grad], max_norm=1.0)
    assert grad.dtype == dtype
    assert np.all(grad > 0) and np.linalg.norm(grad.astype(np.float64)) == pytest.approx(1.0, rel=1e-2)


def test_low_precision_norms_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clip_grad_norm_([np.full(300, 300.0, dtype=np.float16)], 1.0)
        clip_grad_norm_([np.full(300, 1e200)], 1.0)
