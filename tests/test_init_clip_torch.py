"""Parity of gdcourse.init and gdcourse.optim.clip_grad with PyTorch, in float64.

Deterministic functions (gains, fans, clipping) are compared value by value. Random
initialisers cannot be compared sample by sample across libraries, so their
distribution parameters are: the std / bound that PyTorch's own formula gives, from
torch's fan function and gain, must match the statistics of our samples (with a
tolerance derived from the sample size) and of torch's samples alike.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gdcourse import init  # noqa: E402
from gdcourse.optim.clip_grad import clip_grad_norm_, clip_grad_value_  # noqa: E402

N_SIGMA = 5.0
NONLINEARITIES = [
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "selu",
]


# ---------------------------------------------------------------------------
# Gains and fans
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_calculate_gain_matches(nonlinearity):
    assert init.calculate_gain(nonlinearity) == torch.nn.init.calculate_gain(nonlinearity)


@pytest.mark.parametrize("param", [None, 0, 1, 3, 0.01, 0.2, -0.5, math.sqrt(5), 1e3])
def test_calculate_gain_leaky_relu_slope_matches(param):
    ours = init.calculate_gain("leaky_relu", param)
    assert ours == torch.nn.init.calculate_gain("leaky_relu", param)


@pytest.mark.parametrize(
    "shape",
    [(3, 5), (5, 3), (1, 1), (0, 4), (16, 8, 3), (16, 8, 3, 3), (4, 2, 3, 5, 7), (2, 3, 1, 1, 1)],
)
def test_fans_match(shape):
    ours = init.calculate_fan_in_and_fan_out(np.empty(shape))
    theirs = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert ours == theirs


# ---------------------------------------------------------------------------
# Shared error cases: same type, same message
# ---------------------------------------------------------------------------


def _both(fn_name, shape, *args, **kwargs):
    """(our call, torch's call) of the same function on an array of ``shape``."""
    ours = getattr(init, fn_name)
    theirs = getattr(torch.nn.init, fn_name)
    return (
        lambda: ours(np.empty(shape), *args, **kwargs),
        lambda: theirs(torch.empty(shape, dtype=torch.float64), *args, **kwargs),
    )


ERROR_PAIRS = {
    "gain_unknown": (
        lambda: init.calculate_gain("softplus"),
        lambda: torch.nn.init.calculate_gain("softplus"),
    ),
    "gain_bool_slope": (
        lambda: init.calculate_gain("leaky_relu", True),
        lambda: torch.nn.init.calculate_gain("leaky_relu", True),
    ),
    "gain_str_slope": (
        lambda: init.calculate_gain("leaky_relu", "0.1"),
        lambda: torch.nn.init.calculate_gain("leaky_relu", "0.1"),
    ),
    "fan_1d": (
        lambda: init.calculate_fan_in_and_fan_out(np.empty(4)),
        lambda: torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(4)),
    ),
    "fan_0d": (
        lambda: init.calculate_fan_in_and_fan_out(np.empty(())),
        lambda: torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(())),
    ),
    "xavier_uniform_1d": _both("xavier_uniform_", (4,)),
    "xavier_normal_1d": _both("xavier_normal_", (4,)),
    "kaiming_uniform_1d": _both("kaiming_uniform_", (4,)),
    "kaiming_normal_1d": _both("kaiming_normal_", (4,)),
    "kaiming_uniform_mode": _both("kaiming_uniform_", (3, 4), mode="fan_avg"),
    "kaiming_normal_mode_upper": _both("kaiming_normal_", (3, 4), mode="FAN_AVG"),
    "kaiming_mode_before_dims": _both("kaiming_normal_", (4,), mode="fan_avg"),
    "kaiming_uniform_nonlinearity": _both("kaiming_uniform_", (3, 4), nonlinearity="softmax"),
    "kaiming_normal_nonlinearity": _both("kaiming_normal_", (3, 4), nonlinearity="gelu"),
    "kaiming_bad_slope": _both("kaiming_normal_", (3, 4), a="x"),
    "orthogonal_1d": _both("orthogonal_", (4,)),
    "orthogonal_0d": _both("orthogonal_", ()),
}


def _error_of(call):
    with pytest.raises(Exception) as info:
        call()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("case", list(ERROR_PAIRS))
def test_errors_match(case):
    ours, theirs = ERROR_PAIRS[case]
    assert _error_of(ours) == _error_of(theirs)


@pytest.mark.parametrize("fn_name", ["kaiming_uniform_", "kaiming_normal_"])
@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0, 2)])
def test_zero_element_warning_matches(fn_name, shape):
    ours, theirs = _both(fn_name, shape, mode="not_checked_first")
    with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
        theirs()
    with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
        ours()


# ---------------------------------------------------------------------------
# Random initialisers: distribution parameters from torch's own formulas
# ---------------------------------------------------------------------------


def torch_reference_std(fn_name, shape, kwargs):
    """The std PyTorch's formula gives, with torch's fans, gains and defaults."""
    torch_fn = getattr(torch.nn.init, fn_name)
    defaults = {
        name: p.default for name, p in inspect.signature(torch_fn).parameters.items()
    }
    args = {**defaults, **kwargs}
    t = torch.empty(shape)
    if fn_name.startswith("xavier"):
        fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(t)
        return args["gain"] * math.sqrt(2.0 / float(fan_in + fan_out))
    fan = torch.nn.init._calculate_correct_fan(t, args["mode"])
    return torch.nn.init.calculate_gain(args["nonlinearity"], args["a"]) / math.sqrt(fan)


# (function name in both libraries, kwargs, shape)
DISTRIBUTION_CASES = [
    ("xavier_uniform_", {}, (400, 600)),
    ("xavier_uniform_", {"gain": 5 / 3}, (64, 32, 3, 3)),
    ("xavier_normal_", {}, (400, 600)),
    ("xavier_normal_", {"gain": 2.0}, (50, 40, 7)),
    ("kaiming_uniform_", {}, (400, 600)),
    ("kaiming_uniform_", {"a": math.sqrt(5)}, (400, 600)),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}, (64, 32, 3, 3)),
    ("kaiming_normal_", {}, (400, 600)),
    ("kaiming_normal_", {"mode": "fan_out"}, (400, 600)),
    ("kaiming_normal_", {"a": 0.2, "nonlinearity": "leaky_relu"}, (50, 40, 7)),
    ("kaiming_normal_", {"nonlinearity": "tanh"}, (400, 600)),
]


def check_distribution(w: np.ndarray, std: float, uniform: bool) -> None:
    """Second moment within 5 standard errors of std**2; uniform: bound sqrt(3) std."""
    n = w.size
    kurtosis = 9.0 / 5.0 if uniform else 3.0
    var = std**2
    m2 = float(np.mean(w**2))
    assert abs(m2 - var) <= N_SIGMA * var * math.sqrt((kurtosis - 1.0) / n), (m2, var)
    if uniform:
        bound = math.sqrt(3.0) * std
        assert np.max(np.abs(w)) <= bound
        # Without a sample this close to the bound the bound would be too large:
        # P(max |w| < bound (1 - eps)) = (1 - eps)^n = exp(-20) for eps = 20 / n.
        assert np.max(np.abs(w)) >= bound * (1 - 20.0 / n)


@pytest.mark.parametrize(("fn_name", "kwargs", "shape"), DISTRIBUTION_CASES)
def test_initialiser_distribution_matches_torch_formula(fn_name, kwargs, shape):
    std = torch_reference_std(fn_name, shape, kwargs)
    uniform = fn_name.endswith("uniform_")
    ours = getattr(init, fn_name)(np.empty(shape), **kwargs, rng=np.random.default_rng(0))
    check_distribution(ours, std, uniform)
    # The same reference must describe torch's own samples, or the reference is wrong.
    gen = torch.Generator().manual_seed(0)
    torch_fn = getattr(torch.nn.init, fn_name)
    theirs = torch_fn(torch.empty(shape, dtype=torch.float64), **kwargs, generator=gen)
    check_distribution(theirs.numpy(), std, uniform)


@pytest.mark.parametrize(
    "fn_name",
    [
        "calculate_gain",
        "uniform_",
        "normal_",
        "trunc_normal_",
        "constant_",
        "zeros_",
        "ones_",
        "xavier_uniform_",
        "xavier_normal_",
        "kaiming_uniform_",
        "kaiming_normal_",
        "orthogonal_",
    ],
)
def test_signature_matches_torch(fn_name):
    """Same argument names, order and defaults; our keyword ``rng`` replaces ``generator``."""

    def params(fn):
        return [
            (p.name, p.default)
            for p in inspect.signature(fn).parameters.values()
            if p.name not in ("rng", "generator")
        ]

    ours, theirs = getattr(init, fn_name), getattr(torch.nn.init, fn_name)
    assert params(ours) == params(theirs)
    has_generator = "generator" in inspect.signature(theirs).parameters
    rng = inspect.signature(ours).parameters.get("rng")
    assert (rng is not None) == has_generator
    if rng is not None:
        assert rng.kind is inspect.Parameter.KEYWORD_ONLY and rng.default is None


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(clip_grad_norm_, "clip_grad_norm_"), (clip_grad_value_, "clip_grad_value_")],
)
def test_clip_signature_matches_torch(ours, theirs):
    """Same names, order and defaults, minus torch's ``foreach`` (a CUDA speed option)."""
    torch_params_ = [
        (p.name, p.default)
        for p in inspect.signature(getattr(torch.nn.utils, theirs)).parameters.values()
        if p.name != "foreach"
    ]
    our_params = [(p.name, p.default) for p in inspect.signature(ours).parameters.values()]
    # Ours takes the gradients, torch takes the parameters: only the first name differs.
    assert our_params[0][0] == "grads" and torch_params_[0][0] == "parameters"
    assert our_params[1:] == torch_params_[1:]


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (6, 2, 3, 2)])
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal_gram_matches_torch(shape, gain):
    ours = init.orthogonal_(np.empty(shape), gain=gain, rng=np.random.default_rng(0))
    ours = ours.reshape(shape[0], -1)
    theirs = torch.nn.init.orthogonal_(torch.empty(shape, dtype=torch.float64), gain=gain).numpy()
    theirs = theirs.reshape(shape[0], -1)
    for w in (ours, theirs):
        gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=1e-12)


# ---------------------------------------------------------------------------
# Clipping: value by value
# ---------------------------------------------------------------------------


def random_grads(seed, scale):
    """A list of float64 gradients with a None (a parameter without gradient)."""
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (5,), None, (2, 3, 2), ()]
    # np.asarray: arithmetic on a 0-d array returns an (immutable) scalar.
    return [None if s is None else np.asarray(scale * rng.standard_normal(s)) for s in shapes]


def torch_params(grads):
    params = []
    for g in grads:
        if g is None:
            params.append(torch.nn.Parameter(torch.zeros(1, dtype=torch.float64)))
        else:
            p = torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64))
            p.grad = torch.tensor(g.copy(), dtype=torch.float64)
            params.append(p)
    return params


def assert_same_grads(ours, params, rtol):
    for g, p in zip(ours, params):
        if g is None:
            assert p.grad is None
        else:
            np.testing.assert_allclose(g, p.grad.numpy(), rtol=rtol, atol=0)


@pytest.mark.parametrize("scale", [1e-9, 1e-3, 1.0, 1e2, 1e4])
@pytest.mark.parametrize("norm_type", [1, 2, 3, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [1.0, 0.25, 1e3])
@pytest.mark.parametrize("seed", [0, 1])
def test_clip_grad_norm_matches(scale, norm_type, max_norm, seed):
    ours = random_grads(seed, scale)
    params = torch_params(ours)
    total_ours = clip_grad_norm_(ours, max_norm, norm_type)
    total_torch = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    assert total_ours == pytest.approx(total_torch.item(), rel=1e-12, abs=0)
    assert_same_grads(ours, params, rtol=1e-12)


@pytest.mark.parametrize("scale", [1e-9, 1.0, 1e4])
@pytest.mark.parametrize("clip_value", [0.0, 1e-9, 0.5, 1e3])
def test_clip_grad_value_matches(scale, clip_value):
    ours = random_grads(3, scale)
    params = torch_params(ours)
    assert clip_grad_value_(ours, clip_value) is None
    assert torch.nn.utils.clip_grad_value_(params, clip_value) is None
    assert_same_grads(ours, params, rtol=0)


@pytest.mark.parametrize(
    "bad_values",
    [[math.nan, 1.0], [math.inf, 1.0], [-math.inf, 2.0], [math.inf, math.nan]],
)
@pytest.mark.parametrize("norm_type", [2, math.inf])
def test_non_finite_behaviour_matches(bad_values, norm_type):
    ours = [np.array(bad_values), np.array([3.0, -4.0])]
    params = torch_params(ours)
    total_ours = clip_grad_norm_(ours, 1.0, norm_type)
    total_torch = torch.nn.utils.clip_grad_norm_(params, 1.0, norm_type).item()
    np.testing.assert_array_equal(total_ours, total_torch)  # NaN == NaN here
    for g, p in zip(ours, params):
        np.testing.assert_array_equal(g, p.grad.numpy())


@pytest.mark.parametrize("norm_type", [2, 1.0, math.inf, "inf"])
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_error_if_nonfinite_message_matches(norm_type, bad):
    ours = [np.array([bad, 1.0])]
    params = torch_params(ours)
    err_ours = _error_of(lambda: clip_grad_norm_(ours, 1.0, norm_type, error_if_nonfinite=True))
    err_torch = _error_of(
        lambda: torch.nn.utils.clip_grad_norm_(params, 1.0, norm_type, error_if_nonfinite=True)
    )
    assert err_ours == err_torch


def test_empty_inputs_match():
    assert clip_grad_norm_([], 1.0) == torch.nn.utils.clip_grad_norm_([], 1.0).item() == 0.0
    with pytest.warns(UserWarning, match="empty generator") as ours:
        clip_grad_norm_((g for g in []), 1.0)
    with pytest.warns(UserWarning, match="empty generator") as theirs:
        torch.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    assert str(ours[0].message) == str(theirs[0].message)
