"""Gradient clipping, mirroring ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``.

Clipping is its own tool, not a learning-rate schedule: a schedule changes the step
size as a function of time, whereas clipping reacts to the size of the current
gradient and only bites on the rare steps where the gradient explodes (Pascanu,
Mikolov & Bengio 2013). The two kinds differ in what they keep:

* :func:`clip_grad_norm_` rescales all gradients by one common factor, so the update
  keeps its **direction** and only becomes shorter;
* :func:`clip_grad_value_` clamps every component separately, so large components
  are cut more than small ones and the **direction changes**.

Both functions take the gradients themselves (float NumPy arrays), where PyTorch
takes the parameters and reads their ``.grad``; ``None`` entries are skipped, like
parameters without a gradient in PyTorch. Both modify the arrays **in place**, so
call them between computing the gradients and ``optimizer.step(grads)``::

    grads = model.gradients(x, y)
    clip_grad_norm_(grads, max_norm=1.0)   # in PyTorch: after loss.backward()
    opt.step(grads)

References
----------
R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
neural networks", ICML 2013.
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Iterable

import numpy as np

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _collect_grads(grads: object) -> list[np.ndarray]:
    """Return the non-None gradients as a list, after checking every one of them.

    Everything is checked before anything is modified, so a bad entry at the end of
    the list cannot leave the earlier gradients half-clipped.
    """
    if isinstance(grads, np.ndarray):
        grads = [grads]
    elif isinstance(grads, Iterable) and not isinstance(grads, (str, bytes)):
        is_generator = isinstance(grads, types.GeneratorType)
        grads = list(grads)  # a generator can only be read once
        if is_generator and not grads:
            warnings.warn(
                "`parameters` is an empty generator, no gradient clipping will occur.",
                stacklevel=3,
            )
    else:
        raise TypeError(
            "grads must be a float NumPy array or an iterable of them, "
            f"got {type(grads).__name__}"
        )
    for i, g in enumerate(grads):
        if g is None:
            continue
        if not isinstance(g, np.ndarray):
            # A NumPy scalar looks like a 0-d array but is immutable.
            hint = " (a scalar cannot be clipped in place)" if np.isscalar(g) else ""
            raise TypeError(
                f"grads[{i}] must be a float NumPy array or None, "
                f"got {type(g).__name__}{hint}"
            )
        if not np.issubdtype(g.dtype, np.floating):
            raise TypeError(
                f"grads[{i}] must be a float NumPy array, got an array of dtype "
                f"{g.dtype}"
            )
        if not g.flags.writeable:
            raise ValueError(f"grads[{i}] is read-only; clipping works in place")
    return [g for g in grads if g is not None]


def _as_float(value: object, name: str) -> float:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__}"
        ) from None


def _check_norm_type(norm_type: object) -> float:
    """Return ``norm_type`` as a float p >= 1 (``'inf'`` is accepted, as in PyTorch)."""
    if isinstance(norm_type, str):
        try:
            p = float(norm_type)
        except ValueError:
            raise ValueError(
                f"norm_type must be a number >= 1 or 'inf', got {norm_type!r}"
            ) from None
    else:
        p = _as_float(norm_type, "norm_type")
    if not p >= 1.0:  # also refuses NaN
        raise ValueError(
            f"norm_type must be >= 1 or inf, got {p}; for p < 1 the p-'norm' is not "
            "a norm (it breaks the triangle inequality)"
        )
    return p


def _vector_norm(x: np.ndarray, p: float) -> float:
    r"""The p-norm of ``x`` viewed as one long vector: :math:`(\sum_i |x_i|^p)^{1/p}`.

    Computed in float64 whatever the array's dtype: the squares of a float16 gradient
    overflow from 256 on, those of a float32 one from about 1.8e19, and a norm that
    comes out ``inf`` for a finite gradient would zero it when clipping. Should even the
    float64 sum overflow, the entries are scaled by the largest one first, so a finite
    gradient always has a finite norm (PyTorch's float32 norm is ``inf`` there).
    """
    # ndarray methods rather than np.sum/np.max: the same reductions without the
    # Python-level wrappers, which dominate for the tiny arrays of the 2-D widgets.
    absx = np.abs(x)
    if absx.dtype != np.float64:
        absx = absx.astype(np.float64)
    if p == math.inf:
        # initial=0: an empty array has norm 0, the neutral element of max over norms.
        return float(absx.max(initial=0.0))
    norm = _plain_norm(absx, p)
    if norm == math.inf:
        largest = float(absx.max(initial=0.0))
        if math.isfinite(largest) and largest > 0.0:  # finite entries: scale, then sum
            norm = largest * _plain_norm(absx / largest, p)
    return norm


def _plain_norm(absx: np.ndarray, p: float) -> float:
    if p == 1.0:
        return float(absx.sum())
    if p == 2.0:
        return math.sqrt(float((absx * absx).sum()))
    return float((absx**p).sum() ** (1.0 / p))


def clip_grad_norm_(
    grads: np.ndarray | Iterable[np.ndarray | None],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    r"""Rescale gradients in place so that their total norm is at most ``max_norm``.

    The total norm is the p-norm of all gradients concatenated into one vector,
    computed as the norm of the per-array norms:

    .. math::
        \lVert g \rVert_p = \Bigl\lVert \bigl(\lVert g_1 \rVert_p, \ldots,
        \lVert g_k \rVert_p\bigr) \Bigr\rVert_p,
        \qquad
        \text{clip\_coef} = \min\Bigl(\frac{\text{max\_norm}}
        {\lVert g \rVert_p + 10^{-6}},\ 1\Bigr),
        \qquad
        g_i \leftarrow \text{clip\_coef} \cdot g_i .

    Every gradient is multiplied by the same factor, so the update keeps its
    direction and only gets shorter. The :math:`10^{-6}` avoids a division by zero;
    it also means that, exactly as in PyTorch, gradients whose norm is just below
    ``max_norm`` are still scaled by a factor very slightly below 1, and clipped
    gradients end with a norm very slightly below ``max_norm``.

    Clipping is not a learning-rate schedule: it does not depend on the step number,
    only acts on the steps whose gradient is too large, and keeps the well-behaved
    steps untouched (Pascanu et al. 2013).

    Parameters
    ----------
    grads : numpy.ndarray or iterable of (numpy.ndarray or None)
        The gradients (float arrays, modified in place). ``None`` entries are skipped.
    max_norm : float
        Largest allowed total norm, ``>= 0``.
    norm_type : float or 'inf'
        The p of the p-norm: 2 (default), 1, any ``p >= 1``, or ``inf`` / ``'inf'``
        for the largest absolute value.
    error_if_nonfinite : bool
        If True, raise when the total norm is NaN or infinite instead of clipping.

    Returns
    -------
    float
        The total norm of the gradients **before** clipping (0.0 if there are none).
        PyTorch returns a 0-d tensor; here it is a Python float.

    Raises
    ------
    TypeError
        If ``grads`` or one of its entries is not a float NumPy array (the message
        names the index and the type), or ``max_norm`` is not a number.
    ValueError
        If ``max_norm`` is negative or NaN, ``norm_type`` is below 1 or NaN, or a
        gradient is read-only.
    RuntimeError
        If ``error_if_nonfinite`` is True and the total norm is NaN or infinite
        (PyTorch's message).

    Notes
    -----
    Non-finite gradients, when ``error_if_nonfinite`` is False, behave as in
    PyTorch: a NaN anywhere makes the total norm NaN and every gradient becomes NaN;
    an infinite entry (without NaN) makes the total norm ``inf``, the coefficient 0,
    so finite entries become 0 and infinite entries become NaN (``inf * 0``). Either
    way the step is ruined, which is why PyTorch offers ``error_if_nonfinite``.
    NumPy's overflow/invalid-value warnings are silenced inside this function: the
    returned norm already reports the problem, and a warning pointing at this file
    would suggest a bug in clipping rather than in the gradients.

    The norms are computed in float64 whatever the gradients' dtype (and rescaled if
    even float64 overflows), so a finite gradient always has a finite norm: a float16
    gradient of 300 entries equal to 300 has norm 5196.15 (PyTorch: 5196 in float16),
    and 300 entries of 1e19 in float32 have norm 1.73e20 (PyTorch's float32 norm
    overflows to ``inf``, and the gradients would be zeroed). The coefficient is a
    Python float, and the multiplication keeps each array's dtype.

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
    neural networks", ICML 2013.

    Examples
    --------
    >>> g = np.array([3.0, 4.0])
    >>> clip_grad_norm_([g], max_norm=1.0)
    5.0
    >>> g.round(6)
    array([0.6, 0.8])
    """
    grad_list = _collect_grads(grads)
    max_norm = _as_float(max_norm, "max_norm")
    if not max_norm >= 0.0:  # also refuses NaN
        raise ValueError(
            f"max_norm must be a non-negative number, got {max_norm}; a negative "
            "value would flip the sign of the gradients"
        )
    p = _check_norm_type(norm_type)
    if not grad_list:
        return 0.0

    # A non-finite norm is reported by the return value (see Notes), as in PyTorch;
    # overflow in the squares and inf * 0 in the scaling give no warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        norms = [_vector_norm(g, p) for g in grad_list]
        total_norm = _vector_norm(np.array(norms), p) if len(norms) > 1 else norms[0]
        if error_if_nonfinite and not math.isfinite(total_norm):
            raise RuntimeError(
                f"The total norm of order {p} for gradients from "
                "`parameters` is non-finite, so it cannot be clipped. To disable "
                "this error and scale the gradients by the non-finite norm anyway, "
                "set `error_if_nonfinite=False`"
            )
        clip_coef = max_norm / (total_norm + 1e-6)
        # Clamp from above only, so that a NaN coefficient stays NaN as with
        # torch.clamp (min(nan, 1.0) would depend on the argument order).
        if clip_coef > 1.0:
            clip_coef = 1.0
        for g in grad_list:
            g *= clip_coef
    return total_norm


def clip_grad_value_(
    grads: np.ndarray | Iterable[np.ndarray | None],
    clip_value: float,
) -> None:
    r"""Clamp every gradient component in place to ``[-clip_value, clip_value]``.

    .. math::
        g_{i,j} \leftarrow \min\bigl(\max(g_{i,j}, -\text{clip\_value}),
        \text{clip\_value}\bigr)

    Unlike :func:`clip_grad_norm_`, this changes the **direction** of the gradient:
    a large component is cut more than a small one (``[3, 0.5]`` clipped at 1
    becomes ``[1, 0.5]``, no longer parallel). It is cheap and bounds every
    coordinate of the step, but it is a different tool from clipping by norm, and
    neither is a learning-rate schedule.

    Parameters
    ----------
    grads : numpy.ndarray or iterable of (numpy.ndarray or None)
        The gradients (float arrays, modified in place). ``None`` entries are skipped.
    clip_value : float
        Largest allowed absolute value, ``>= 0``.

    Returns
    -------
    None
        Like PyTorch.

    Raises
    ------
    TypeError
        If ``grads`` or one of its entries is not a float NumPy array (the message
        names the index and the type), or ``clip_value`` is not a number.
    ValueError
        If ``clip_value`` is negative or NaN, or a gradient is read-only.

    Notes
    -----
    NaN components stay NaN, as with ``torch.clamp``.

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
    neural networks", ICML 2013.

    Examples
    --------
    >>> g = np.array([3.0, 0.5, -2.0])
    >>> clip_grad_value_(g, 1.0)
    >>> g
    array([ 1. ,  0.5, -1. ])
    """
    grad_list = _collect_grads(grads)
    clip_value = _as_float(clip_value, "clip_value")
    if not clip_value >= 0.0:  # also refuses NaN
        raise ValueError(
            f"clip_value must be a non-negative number, got {clip_value}; the "
            "gradients are clamped to [-clip_value, clip_value]"
        )
    for g in grad_list:
        np.clip(g, -clip_value, clip_value, out=g)
