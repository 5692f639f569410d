"""Weight initialisation, mirroring ``torch.nn.init`` for float NumPy arrays.

Every initialiser fills its array **in place** and returns the same object, so
``w = init.xavier_uniform_(np.empty((3, 5)))`` and ``init.xavier_uniform_(w)`` both work,
exactly as in PyTorch. Only the random-number source differs: PyTorch's optional
``generator=`` becomes the keyword-only ``rng=``, a :class:`numpy.random.Generator`.
With ``rng=None`` a fresh ``np.random.default_rng()`` is used, which is not
reproducible; the course notebooks always pass a seeded generator, e.g.
``rng=np.random.default_rng(0)``, so that every run draws the same weights.

Weight-shape convention
-----------------------
This package uses PyTorch's convention everywhere, including in the models built on
top of this module. A dense (linear) layer with ``in_features`` inputs and
``out_features`` outputs stores its weight with shape::

    W.shape == (out_features, in_features) == (fan_out, fan_in)

and computes ``y = x @ W.T + b`` for a batch ``x`` of shape ``(batch, in_features)``.
So ``fan_in = W.shape[1]`` and ``fan_out = W.shape[0]``. For arrays with more than two
dimensions (convolution kernels, ``(out_channels, in_channels, *kernel_size)``), the
receptive field size ``prod(shape[2:])`` multiplies both:
``fan_in = shape[1] * prod(shape[2:])`` and ``fan_out = shape[0] * prod(shape[2:])``.
A weight stored the other way round, ``(fan_in, fan_out)`` for ``y = x @ W``, gets the
fans swapped; pass its transpose instead, ``init.kaiming_uniform_(W.T)``, which fills
the same memory.

References
----------
.. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
   feedforward neural networks", AISTATS 2010.
.. [2] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: Surpassing
   human-level performance on ImageNet classification", ICCV 2015.
.. [3] A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the nonlinear
   dynamics of learning in deep linear neural networks", arXiv:1312.6120, 2013.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ._checks import require_generator

__all__ = [
    "calculate_gain",
    "calculate_fan_in_and_fan_out",
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
]

# Layers without a nonlinearity after them: the identity has gain 1.
_LINEAR_FNS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)
_FAN_MODES = ["fan_in", "fan_out"]


# ---------------------------------------------------------------------------
# Argument checks shared by all initialisers
# ---------------------------------------------------------------------------


def _check_float_array(tensor: object) -> None:
    """Raise unless ``tensor`` is a writable floating-point NumPy array.

    An integer array would silently truncate the random values to mostly zeros, so it
    is refused rather than filled.
    """
    if not isinstance(tensor, np.ndarray):
        raise TypeError(
            f"tensor must be a float NumPy array, got {type(tensor).__name__}"
        )
    if not np.issubdtype(tensor.dtype, np.floating):
        raise TypeError(
            f"tensor must be a float NumPy array, got an array of dtype {tensor.dtype}"
        )
    if not tensor.flags.writeable:
        raise ValueError("tensor is read-only; initialisers fill their array in place")


def _check_rng(rng: object) -> np.random.Generator:
    """Return ``rng``, or a fresh unseeded generator when it is None (as PyTorch's
    ``generator=None`` uses the global one)."""
    if rng is None:
        return np.random.default_rng()
    return require_generator(rng, " or None")


def _check_real(value: object, name: str) -> float:
    """Return ``value`` as a float, refusing booleans and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def _check_finite(value: object, name: str, function: str) -> float:
    """``value`` as a finite float, else ValueError naming the argument.

    PyTorch fails on most non-finite hyper-parameters ("from is out of bounds for
    float") and fills ``inf`` for others (``normal_(w, std=inf)``); an initialisation
    with NaN or inf is never useful, so every one is refused here, by name.
    """
    value = _check_real(value, name)
    if not math.isfinite(value):
        raise ValueError(f"{function}: {name} must be a finite number, got {value}")
    return value


def _warn_if_zero_element(tensor: np.ndarray) -> bool:
    """Warn as PyTorch does and return True when ``tensor`` has no elements."""
    if tensor.size == 0:
        # stacklevel 3 points the warning at the learner's call, not at this helper.
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


# ---------------------------------------------------------------------------
# Gains and fans
# ---------------------------------------------------------------------------


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""Return the recommended gain for a nonlinearity.

    The gain multiplies an initialiser's standard deviation to make up for what the
    nonlinearity does to the variance. The values are PyTorch's recommendations. For the
    identity and ReLU they are exactly the factor that keeps the variance of a
    zero-mean Gaussian pre-activation from layer to layer (He et al. 2015); for tanh
    (5/3) and sigmoid (1) they are conventions: the factor that keeps the forward
    variance of a standard normal pre-activation is about 1.59 for tanh and 1.85 for
    sigmoid (chapter 6 of the course measures it).

    ================================  ===========================================
    nonlinearity                      gain
    ================================  ===========================================
    ``linear``, ``conv{1,2,3}d``,     :math:`1`
    ``conv_transpose{1,2,3}d``
    ``sigmoid``                       :math:`1`
    ``tanh``                          :math:`5/3`
    ``relu``                          :math:`\sqrt{2}`
    ``leaky_relu``                    :math:`\sqrt{2 / (1 + \text{negative\_slope}^2)}`
    ``selu``                          :math:`3/4`
    ================================  ===========================================

    Parameters
    ----------
    nonlinearity : str
        Name of the nonlinearity, as in ``torch.nn.functional``.
    param : float, optional
        The negative slope of ``leaky_relu`` (default 0.01). Ignored otherwise.

    Returns
    -------
    float
        The gain.

    Raises
    ------
    ValueError
        If ``nonlinearity`` is unknown, or ``param`` is not a number.

    Notes
    -----
    The ReLU gain :math:`\sqrt{2}` compensates for ReLU zeroing half of a symmetric
    input, which halves the second moment (He et al. 2015). For self-normalising
    networks PyTorch recommends ``'linear'`` rather than ``'selu'``.

    Examples
    --------
    >>> calculate_gain("leaky_relu", 0.2)  # doctest: +ELLIPSIS
    1.3867...
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            # bool is a subclass of int; True is not a slope.
            negative_slope = float(param)
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        # Found empirically by PyTorch (https://github.com/pytorch/pytorch/pull/50664).
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def calculate_fan_in_and_fan_out(tensor: np.ndarray) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight array in PyTorch's shape convention.

    ``fan_in = shape[1] * receptive_field`` and ``fan_out = shape[0] * receptive_field``,
    where ``receptive_field = prod(shape[2:])`` (1 for a 2-D dense weight of shape
    ``(out_features, in_features)``).

    Parameters
    ----------
    tensor : numpy.ndarray
        A weight array with at least 2 dimensions. Only its shape is read.

    Returns
    -------
    tuple of int
        ``(fan_in, fan_out)``.

    Raises
    ------
    TypeError
        If ``tensor`` is not a NumPy array.
    ValueError
        If ``tensor`` has fewer than 2 dimensions.

    Examples
    --------
    >>> calculate_fan_in_and_fan_out(np.empty((3, 5)))  # Linear(5, 3)
    (5, 3)
    >>> calculate_fan_in_and_fan_out(np.empty((16, 8, 3, 3)))  # Conv2d(8, 16, 3)
    (72, 144)
    """
    if not isinstance(tensor, np.ndarray):
        raise TypeError(f"tensor must be a NumPy array, got {type(tensor).__name__}")
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 "
            "dimensions"
        )
    receptive_field_size = math.prod(tensor.shape[2:])
    fan_in = tensor.shape[1] * receptive_field_size
    fan_out = tensor.shape[0] * receptive_field_size
    return fan_in, fan_out


# PyTorch's private name, kept so code copied from PyTorch tutorials still runs.
_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out


def _calculate_correct_fan(tensor: np.ndarray, mode: str) -> int:
    """Return the fan selected by ``mode`` ('fan_in' or 'fan_out', any case)."""
    mode_lower = mode.lower() if isinstance(mode, str) else mode
    if mode_lower not in _FAN_MODES:
        raise ValueError(
            f"Mode {mode_lower} not supported, please use one of {_FAN_MODES}"
        )
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode_lower == "fan_in" else fan_out


# ---------------------------------------------------------------------------
# Plain distributions and constants
# ---------------------------------------------------------------------------


def uniform_(
    tensor: np.ndarray,
    a: float = 0.0,
    b: float = 1.0,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place with samples from :math:`\mathcal{U}(a, b)`.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array of any shape.
    a, b : float
        Lower and upper bound, ``a <= b``.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only, a bound is not finite, or ``a > b``.

    Examples
    --------
    >>> w = uniform_(np.empty((3, 5)), -0.1, 0.1, rng=np.random.default_rng(0))
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    a, b = _check_finite(a, "a", "uniform_"), _check_finite(b, "b", "uniform_")
    if a > b:
        raise ValueError(
            f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}"
        )
    if not math.isfinite(b - a):
        raise ValueError(f"uniform_: the bounds a={a} and b={b} are too far apart: b - a "
                         "overflows a float")
    tensor[...] = rng.uniform(a, b, size=tensor.shape)
    return tensor


def normal_(
    tensor: np.ndarray,
    mean: float = 0.0,
    std: float = 1.0,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place with samples from :math:`\mathcal{N}(\text{mean}, \text{std}^2)`.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array of any shape.
    mean : float
        Mean of the distribution.
    std : float
        Standard deviation, ``std >= 0``.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only, or ``std`` is negative or NaN.
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    mean, std = _check_finite(mean, "mean", "normal_"), _check_real(std, "std")
    if not std >= 0.0:  # written this way so that NaN is refused too
        raise ValueError(f"normal expects std >= 0.0, but found std {std}")
    std = _check_finite(std, "std", "normal_")
    tensor[...] = rng.normal(mean, std, size=tensor.shape)
    return tensor


def _normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(
    tensor: np.ndarray,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place from a normal distribution truncated to ``[a, b]``.

    Values are drawn from :math:`\mathcal{N}(\text{mean}, \text{std}^2)` conditioned on
    lying in :math:`[a, b]` (note that ``a`` and ``b`` are absolute cut-offs, not
    multiples of ``std``; either may be infinite). Sampling is by rejection: when the
    interval holds more than 30 % of the probability mass, normal draws outside it are
    redrawn; otherwise proposals are uniform on a short interval, or Robert's (1995)
    exponential ones in a tail, accepted in proportion to the normal density. An
    interval so far out that the normal has no mass there in floating point (about 37
    std from the mean) is an error, with the distance in the message.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array of any shape.
    mean, std : float
        Parameters of the underlying normal distribution, ``std > 0``.
    a, b : float
        Cut-offs, ``a < b``.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only, ``mean`` or ``std`` is not finite, ``std <= 0``,
        ``a >= b`` (or NaN), or ``[a, b]`` holds no probability mass in floating point.

    Warns
    -----
    UserWarning
        If ``mean`` is more than 2 std outside ``[a, b]`` (PyTorch's warning).
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    mean = _check_finite(mean, "mean", "trunc_normal_")
    std, a, b = _check_real(std, "std"), _check_real(a, "a"), _check_real(b, "b")
    if not (std > 0.0 and math.isfinite(std)):
        raise ValueError(f"trunc_normal_ expects a finite std > 0, but found std {std}")
    if not a < b:  # also refuses NaN
        raise ValueError(f"trunc_normal_ expects a < b, but found a={a}, b={b}")
    alpha, beta = (a - mean) / std, (b - mean) / std  # the interval in units of std
    mass = _normal_mass(alpha, beta)
    if not mass > 0.0:
        distance = min(abs(alpha), abs(beta))
        raise ValueError(
            f"trunc_normal_: the interval a={a}, b={b} lies {distance:.3g} standard "
            f"deviations from the mean {mean}, where N(mean, std^2) has no probability "
            "mass a float can hold; choose a and b within about 37 std of the mean")
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    if mass > 0.3:
        tensor[...] = _trunc_normal_by_redrawing(tensor.shape, mean, std, a, b, rng)
    else:
        tensor[...] = mean + std * _standard_trunc_normal(tensor.shape, alpha, beta, rng)
    return tensor


def _normal_mass(alpha: float, beta: float) -> float:
    """P(alpha <= Z <= beta) for a standard normal Z, accurate far in the tails."""
    if alpha >= 0.0:  # upper tail: difference of complementary CDFs, no cancellation
        return 0.5 * (math.erfc(alpha / math.sqrt(2.0)) - math.erfc(beta / math.sqrt(2.0)))
    if beta <= 0.0:
        return _normal_mass(-beta, -alpha)
    return _normal_cdf(beta) - _normal_cdf(alpha)


def _trunc_normal_by_redrawing(shape, mean, std, a, b, rng) -> np.ndarray:
    """Redraw the normal samples that fall outside [a, b] until none do."""
    values = rng.normal(mean, std, size=shape)
    outside = (values < a) | (values > b)
    while outside.any():
        values[outside] = rng.normal(mean, std, size=int(outside.sum()))
        outside = (values < a) | (values > b)
    return values


def _standard_trunc_normal(shape, alpha, beta, rng) -> np.ndarray:
    """A standard normal truncated to [alpha, beta] that holds little mass (<= 30 %).

    Rejection sampling (Robert 1995). An interval that contains 0 is narrow here, and
    a uniform proposal works; one in a tail (mirrored to alpha >= 0) uses the uniform
    proposal when it is short, and otherwise Robert's exponential proposal
    ``alpha + Exp(lam)``, which needs no finite end and stays efficient however far out
    the tail is.
    """
    if beta <= 0.0:  # the lower tail is the mirror image of the upper one
        return -_standard_trunc_normal(shape, -beta, -alpha, rng)
    lam = 0.5 * (alpha + math.sqrt(alpha * alpha + 4.0)) if alpha > 0.0 else 1.0
    if alpha <= 0.0 or (beta - alpha) * lam < 1.0:
        return _by_uniform_proposal(shape, alpha, beta, rng)
    return _by_exponential_proposal(shape, alpha, beta, lam, rng)


def _by_uniform_proposal(shape, alpha, beta, rng) -> np.ndarray:
    """Uniform proposals on [alpha, beta], accepted with probability pdf(x) / max pdf."""
    peak = min(max(0.0, alpha), beta)  # where the density is highest on [alpha, beta]
    values = np.empty(shape)
    pending = np.ones(shape, dtype=bool)
    while pending.any():
        n = int(pending.sum())
        proposal = rng.uniform(alpha, beta, size=n)
        log_ratio = -0.5 * (proposal**2 - peak**2)
        accepted = np.log(rng.uniform(size=n)) <= log_ratio
        idx = np.flatnonzero(pending)[accepted]
        values.flat[idx] = proposal[accepted]
        pending.flat[idx] = False
    return values


def _by_exponential_proposal(shape, alpha, beta, lam, rng) -> np.ndarray:
    """Robert's proposal z = alpha + Exp(rate lam), accepted w.p. exp(-(z - lam)^2 / 2)."""
    values = np.empty(shape)
    pending = np.ones(shape, dtype=bool)
    while pending.any():
        n = int(pending.sum())
        proposal = alpha + rng.exponential(1.0 / lam, size=n)
        log_ratio = -0.5 * (proposal - lam) ** 2
        accepted = (np.log(rng.uniform(size=n)) <= log_ratio) & (proposal <= beta)
        idx = np.flatnonzero(pending)[accepted]
        values.flat[idx] = proposal[accepted]
        pending.flat[idx] = False
    return values


def constant_(tensor: np.ndarray, val: float) -> np.ndarray:
    """Fill ``tensor`` in place with the value ``val``.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array of any shape.
    val : float
        The fill value.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Notes
    -----
    Constant weights make every unit of a layer compute the same thing and receive
    the same gradient, so they never become different ("symmetry"). Use constants
    for biases; weights need a random initialiser.
    """
    _check_float_array(tensor)
    tensor.fill(_check_real(val, "val"))
    return tensor


def zeros_(tensor: np.ndarray) -> np.ndarray:
    """Fill ``tensor`` in place with zeros and return it (see :func:`constant_`)."""
    return constant_(tensor, 0.0)


def ones_(tensor: np.ndarray) -> np.ndarray:
    """Fill ``tensor`` in place with ones and return it (see :func:`constant_`)."""
    return constant_(tensor, 1.0)


# ---------------------------------------------------------------------------
# Variance-scaling initialisers
# ---------------------------------------------------------------------------


def _check_gain(gain: object, function: str) -> float:
    gain = _check_real(gain, "gain")
    if not gain >= 0.0:  # a negative gain would make the bound negative
        raise ValueError(f"gain must be non-negative, got {gain}")
    return _check_finite(gain, "gain", function)


def _xavier_std(fan_in: int, fan_out: int, gain: float) -> float:
    # Compromise between keeping the forward variance (fan_in) and the backward
    # variance (fan_out): Var(W) = 2 / (fan_in + fan_out), Glorot & Bengio (2010).
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_uniform_(
    tensor: np.ndarray,
    gain: float = 1.0,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place with Xavier (Glorot) uniform values.

    Samples from :math:`\mathcal{U}(-\text{bound}, \text{bound})` with

    .. math::
        \text{bound} = \text{gain} \sqrt{\frac{6}{\text{fan\_in} + \text{fan\_out}}},

    which gives the variance :math:`\text{bound}^2 / 3 =
    \text{gain}^2 \cdot 2 / (\text{fan\_in} + \text{fan\_out})`. Glorot and Bengio
    (2010) chose this variance as the compromise between keeping the variance of the
    activations in the forward pass (which asks for ``1 / fan_in``) and of the
    gradients in the backward pass (``1 / fan_out``) for tanh-like networks.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array with at least 2 dimensions, shape
        ``(fan_out, fan_in, *receptive_field)`` (see the module docstring).
    gain : float
        Scaling factor, e.g. ``calculate_gain('tanh')``.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only, has fewer than 2 dimensions, or ``gain < 0``.

    Warns
    -----
    UserWarning
        "Initializing zero-element tensors is a no-op" for an empty array.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> w = xavier_uniform_(np.empty((3, 5)), gain=calculate_gain("tanh"),
    ...                     rng=np.random.default_rng(0))
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    gain = _check_gain(gain, "xavier_uniform_")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    if _warn_if_zero_element(tensor):
        return tensor
    std = _xavier_std(fan_in, fan_out, gain)
    bound = math.sqrt(3.0) * std  # U(-c, c) has variance c^2 / 3
    tensor[...] = rng.uniform(-bound, bound, size=tensor.shape)
    return tensor


def xavier_normal_(
    tensor: np.ndarray,
    gain: float = 1.0,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place with Xavier (Glorot) normal values.

    Samples from :math:`\mathcal{N}(0, \text{std}^2)` with

    .. math::
        \text{std} = \text{gain} \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}},

    i.e. the variance :math:`\text{gain}^2 \cdot 2 / (\text{fan\_in} + \text{fan\_out})`
    of Glorot and Bengio (2010); see :func:`xavier_uniform_` for why.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array with at least 2 dimensions, shape
        ``(fan_out, fan_in, *receptive_field)`` (see the module docstring).
    gain : float
        Scaling factor, e.g. ``calculate_gain('tanh')``.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only, has fewer than 2 dimensions, or ``gain < 0``.

    Warns
    -----
    UserWarning
        "Initializing zero-element tensors is a no-op" for an empty array.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010.
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    gain = _check_gain(gain, "xavier_normal_")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    if _warn_if_zero_element(tensor):
        return tensor
    std = _xavier_std(fan_in, fan_out, gain)
    tensor[...] = rng.normal(0.0, std, size=tensor.shape)
    return tensor


def _kaiming_std(tensor: np.ndarray, a: float, mode: str, nonlinearity: str,
                 function: str) -> float:
    if isinstance(a, numbers.Real) and not isinstance(a, bool) and not math.isfinite(a):
        # (a non-number gets PyTorch's "negative_slope ... not a valid number" below)
        raise ValueError(f"{function}: a must be a finite number, got {a}")
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    # Var(W) = gain^2 / fan keeps the variance of the pre-activations constant from
    # layer to layer (fan_in) or of the gradients (fan_out), He et al. (2015).
    return gain / math.sqrt(fan)


def kaiming_uniform_(
    tensor: np.ndarray,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place with Kaiming (He) uniform values.

    Samples from :math:`\mathcal{U}(-\text{bound}, \text{bound})` with

    .. math::
        \text{std} = \frac{\text{gain}}{\sqrt{\text{fan}}}, \qquad
        \text{bound} = \sqrt{3}\,\text{std} = \text{gain}\sqrt{\frac{3}{\text{fan}}},

    where ``fan`` is ``fan_in`` or ``fan_out`` according to ``mode`` and
    ``gain = calculate_gain(nonlinearity, a)``; for the default leaky ReLU this is
    :math:`\sqrt{2 / (1 + a^2)}`, so ``a=0`` gives the ReLU gain :math:`\sqrt{2}`.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array with at least 2 dimensions, shape
        ``(fan_out, fan_in, *receptive_field)`` (see the module docstring).
    a : float
        Negative slope of the leaky ReLU that follows this layer (only used with
        ``nonlinearity='leaky_relu'``).
    mode : {'fan_in', 'fan_out'}
        ``'fan_in'`` keeps the variance of the activations in the forward pass;
        ``'fan_out'`` keeps the variance of the gradients in the backward pass.
    nonlinearity : str
        Name of the nonlinearity after this layer, see :func:`calculate_gain`;
        meant for ``'relu'`` and ``'leaky_relu'``.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only, has fewer than 2 dimensions, or ``mode`` or
        ``nonlinearity`` is unsupported.

    Warns
    -----
    UserWarning
        "Initializing zero-element tensors is a no-op" for an empty array.

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: Surpassing
    human-level performance on ImageNet classification", ICCV 2015.

    Examples
    --------
    >>> w = kaiming_uniform_(np.empty((3, 5)), mode="fan_in", nonlinearity="relu",
    ...                      rng=np.random.default_rng(0))
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    # PyTorch checks for an empty array before anything else; so do we.
    if _warn_if_zero_element(tensor):
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    bound = math.sqrt(3.0) * std  # U(-c, c) has variance c^2 / 3
    tensor[...] = rng.uniform(-bound, bound, size=tensor.shape)
    return tensor


def kaiming_normal_(
    tensor: np.ndarray,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place with Kaiming (He) normal values.

    Samples from :math:`\mathcal{N}(0, \text{std}^2)` with

    .. math::
        \text{std} = \frac{\text{gain}}{\sqrt{\text{fan}}},

    where ``fan`` is ``fan_in`` or ``fan_out`` according to ``mode`` and
    ``gain = calculate_gain(nonlinearity, a)``, :math:`\sqrt{2 / (1 + a^2)}` for the
    default leaky ReLU.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array with at least 2 dimensions, shape
        ``(fan_out, fan_in, *receptive_field)`` (see the module docstring).
    a : float
        Negative slope of the leaky ReLU that follows this layer (only used with
        ``nonlinearity='leaky_relu'``).
    mode : {'fan_in', 'fan_out'}
        ``'fan_in'`` keeps the variance of the activations in the forward pass;
        ``'fan_out'`` keeps the variance of the gradients in the backward pass.
    nonlinearity : str
        Name of the nonlinearity after this layer, see :func:`calculate_gain`.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only, has fewer than 2 dimensions, or ``mode`` or
        ``nonlinearity`` is unsupported.

    Warns
    -----
    UserWarning
        "Initializing zero-element tensors is a no-op" for an empty array.

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: Surpassing
    human-level performance on ImageNet classification", ICCV 2015.
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    if _warn_if_zero_element(tensor):
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    tensor[...] = rng.normal(0.0, std, size=tensor.shape)
    return tensor


def orthogonal_(
    tensor: np.ndarray,
    gain: float = 1,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""Fill ``tensor`` in place with a (semi-)orthogonal matrix times ``gain``.

    The array is viewed as a matrix of shape ``(rows, cols) = (shape[0],
    prod(shape[1:]))``. The result :math:`W` satisfies
    :math:`W W^\top = \text{gain}^2 I` when ``rows <= cols`` and
    :math:`W^\top W = \text{gain}^2 I` otherwise, so every singular value equals
    ``gain``: a linear layer initialised this way neither shrinks nor blows up any
    direction, which Saxe et al. (2013) show speeds up learning in deep linear
    networks.

    It is built from the QR decomposition of a standard normal matrix; multiplying
    the columns of Q by the signs of R's diagonal makes the result uniformly
    distributed over orthogonal matrices (Mezzadri 2007), not just orthogonal.

    Parameters
    ----------
    tensor : numpy.ndarray
        A writable float array with at least 2 dimensions.
    gain : float
        Scaling factor.
    rng : numpy.random.Generator, optional
        Source of randomness; pass a seeded one for reproducible notebooks.

    Returns
    -------
    numpy.ndarray
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a float NumPy array or ``rng`` is not a Generator.
    ValueError
        If ``tensor`` is read-only or has fewer than 2 dimensions.

    Warns
    -----
    UserWarning
        "Initializing zero-element tensors is a no-op" for an empty array.

    References
    ----------
    A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the nonlinear
    dynamics of learning in deep linear neural networks", arXiv:1312.6120, 2013.
    """
    _check_float_array(tensor)
    rng = _check_rng(rng)
    gain = _check_finite(gain, "gain", "orthogonal_")
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if _warn_if_zero_element(tensor):
        return tensor
    rows = tensor.shape[0]
    cols = tensor.size // rows
    flattened = rng.standard_normal((rows, cols))
    # QR needs a tall matrix to return orthonormal columns; transpose wide ones.
    wide = rows < cols
    if wide:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    q *= np.sign(np.diag(r))
    if wide:
        q = q.T
    tensor[...] = gain * q.reshape(tensor.shape)
    return tensor
