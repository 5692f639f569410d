r"""Numerical gradients, to check hand-written backpropagation.

The derivative of a scalar function :math:`f` along one coordinate is approximated by
the central difference

.. math::
    \frac{\partial f}{\partial \theta_i} \approx
    \frac{f(\theta + \varepsilon e_i) - f(\theta - \varepsilon e_i)}{2\varepsilon},

whose error is :math:`O(\varepsilon^2)` (the one-sided difference's is
:math:`O(\varepsilon)`). A smaller :math:`\varepsilon` is not always better: the two
function values agree in more and more leading digits, and rounding leaves an error
of about :math:`10^{-16} |f| / \varepsilon`. In float64, :math:`\varepsilon = 10^{-6}`
balances the two, giving gradients to about 9-10 significant digits.

Practical points from the CS231n notes, "Gradient checks":

* check at a characteristic point: a random initialisation can be an untypical one
  that hides a bug, so the notes advise a short burn-in (check once the loss has
  started to fall). Avoid points where a gradient is 0 by accident, e.g. at a minimum
  or a bias that stays at 0: the relative error of two numbers that are both about 0
  means nothing;
* as a guide in double precision: a relative error above 1e-2 probably means a wrong
  gradient, 1e-2 to 1e-4 is suspicious, below 1e-4 is usually fine for losses with
  kinks but too high for smooth ones, and 1e-7 or less is agreement;
* a ReLU kink within :math:`\varepsilon` of a pre-activation spoils the difference
  for that coordinate; with random float64 data this is rare.

>>> import numpy as np
>>> theta = np.array([1.0, 2.0])
>>> np.round(numerical_gradient(lambda: np.sum(theta**3), theta), 6)
array([ 3., 12.])

References
----------
.. [1] A. Karpathy et al., CS231n "Neural Networks Part 3: Learning and Evaluation",
   section "Gradient checks", https://cs231n.github.io/neural-networks-3/
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "check_gradients", "GradCheckResult"]

# The denominator's floor: keeps 0/0 (both gradients exactly zero) at 0.
_TINY = np.finfo(np.float64).tiny


def _check_eps(eps: object) -> float:
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise TypeError(f"eps must be a positive number, got {eps!r}")
    if not 0.0 < eps < math.inf:
        raise ValueError(f"eps must be a positive finite number, got {eps}")
    return float(eps)


def _call_scalar(f: Callable[[], float]) -> float:
    value = f()
    array = np.asarray(value)
    if array.size != 1 or array.dtype.kind not in "biuf":
        raise TypeError(
            f"f() must return a single real number (the loss), got {type(value).__name__}"
            + (f" of shape {array.shape}" if isinstance(value, np.ndarray) else "")
        )
    return float(array.reshape(()))


def numerical_gradient(
    f: Callable[[], float],
    params: np.ndarray | Sequence[np.ndarray],
    eps: float = 1e-6,
) -> np.ndarray | list[np.ndarray]:
    r"""Central-difference gradient of ``f()`` with respect to every entry of ``params``.

    ``f`` takes no arguments: it reads the current values of ``params``, the same
    arrays a model computes its loss from. Each entry is nudged to
    :math:`\theta_i \pm \varepsilon` in place and then restored to its exact original
    value, also if ``f`` raises.

    Parameters
    ----------
    f : callable
        ``f() -> float``, e.g. ``lambda: model.loss(X, y)``.
    params : numpy.ndarray or list of numpy.ndarray
        Writable float arrays that ``f`` depends on.
    eps : float, default 1e-6
        The step :math:`\varepsilon`.

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray
        The gradient, one array per parameter of the same shape (a single array if a
        single array was given).

    Raises
    ------
    TypeError
        If a parameter is not a float array or ``f`` does not return a number.
    ValueError
        If a parameter is read-only or ``eps`` is not positive.

    Notes
    -----
    Costs two evaluations of ``f`` per entry: fine for checking small models, far too
    slow for training (which is why backpropagation exists).
    """
    eps = _check_eps(eps)
    single = isinstance(params, np.ndarray)
    arrays = [params] if single else list(params)
    for index, param in enumerate(arrays):
        if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
            kind = f"dtype {param.dtype}" if isinstance(param, np.ndarray) else type(param).__name__
            raise TypeError(f"parameter {index} must be a float NumPy array, got {kind}")
        if not param.flags.writeable:
            raise ValueError(f"parameter {index} is read-only; it is perturbed in place")

    grads = []
    for param in arrays:
        grad = np.zeros(param.shape, dtype=np.float64)
        for i in np.ndindex(param.shape):
            original = param[i].copy()
            try:
                param[i] = original + eps
                f_plus = _call_scalar(f)
                param[i] = original - eps
                f_minus = _call_scalar(f)
            finally:
                param[i] = original
            grad[i] = (f_plus - f_minus) / (2.0 * eps)
        grads.append(grad)
    return grads[0] if single else grads


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    r"""The largest difference between two gradients, relative to their size.

    .. math::
        \text{relative\_error}(a, b) =
        \frac{\max_i |a_i - b_i|}{\max\big(\max_i |a_i|,\ \max_i |b_i|,\ \text{tiny}\big)}

    For a single number this is CS231n's :math:`|a - b| / \max(|a|, |b|)`. For arrays,
    the largest error is measured against the largest entry rather than entry by
    entry: an entry that happens to be near 0 would otherwise turn the harmless
    :math:`10^{-10}` rounding noise of the finite difference into a large "relative"
    error. ``tiny`` (the smallest positive float64) makes two all-zero arrays agree
    exactly. As a guide in float64 (CS231n): below 1e-7 the gradients agree; up to 1e-4
    is usually fine for a loss with kinks but too high for a smooth one; 1e-4 to 1e-2 is
    suspicious; above 1e-2 the gradient is probably wrong.

    Parameters
    ----------
    a, b : array_like
        Arrays of the same shape.

    Returns
    -------
    float
        0 for identical arrays; 2 for ``b = -a``.

    Raises
    ------
    ValueError
        If the shapes differ.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs arrays of one shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), _TINY)
    return float(np.max(np.abs(a - b))) / scale


@dataclass
class GradCheckResult:
    """The outcome of :func:`check_gradients`, one entry per parameter.

    Attributes
    ----------
    names : list of str
    shapes : list of tuple
    relative_errors : list of float
        :func:`relative_error` of the analytic and the numerical gradient.
    rtol : float
        The largest relative error that passes.
    analytic, numerical : list of numpy.ndarray
        Both gradients, to look at where they differ.
    atol : float
        A parameter whose two gradients differ by at most ``atol`` everywhere passes
        whatever its relative error: a gradient that is 0 up to rounding (the bias of a
        linear model on centred data) has only rounding noise to compare.
    """

    names: list[str]
    shapes: list[tuple[int, ...]]
    relative_errors: list[float]
    rtol: float
    analytic: list[np.ndarray] = field(repr=False)
    numerical: list[np.ndarray] = field(repr=False)
    atol: float = 0.0

    def _ok(self, index: int) -> bool:
        if self.relative_errors[index] <= self.rtol:
            return True
        difference = np.abs(self.analytic[index] - self.numerical[index])
        return bool(np.all(difference <= self.atol))  # NaN compares False: fails

    @property
    def passed(self) -> bool:
        """True if every parameter passes ``rtol`` or, near zero, ``atol`` (NaN fails)."""
        return all(self._ok(i) for i in range(len(self.relative_errors)))

    @property
    def max_error(self) -> float:
        return max(self.relative_errors, default=0.0)

    def __str__(self) -> str:
        name_width = max([len("parameter")] + [len(n) for n in self.names])
        shape_width = max([len("shape")] + [len(str(s)) for s in self.shapes])
        lines = [f"{'parameter':<{name_width}}  {'shape':<{shape_width}}  relative error"]
        for index, (name, shape, error) in enumerate(
                zip(self.names, self.shapes, self.relative_errors)):
            verdict = "ok" if self._ok(index) else "FAILED"
            lines.append(
                f"{name:<{name_width}}  {str(shape):<{shape_width}}  {error:<14.2e}  {verdict}"
            )
        lines.append(f"{'passed' if self.passed else 'FAILED'} "
                     f"(rtol={self.rtol:g}, atol={self.atol:g})")
        return "\n".join(lines)


def check_gradients(model, X, y, eps: float = 1e-6, rtol: float = 1e-6,
                    atol: float = 1e-8) -> GradCheckResult:
    """Compare a model's backpropagated gradients with finite differences.

    Parameters
    ----------
    model : gdcourse.models.Model
        Anything with ``params`` (arrays), ``loss(X, y)`` and ``loss_and_grads(X, y)``;
        ``param_names`` is used when present.
    X, y : array_like
        The batch at which to compare.
    eps : float, default 1e-6
        Step of the central differences.
    rtol : float, default 1e-6
        Largest :func:`relative_error` that passes.
    atol : float, default 1e-8
        A parameter also passes when every entry of its two gradients differs by at
        most ``atol``. Central differences with ``eps = 1e-6`` carry rounding noise of
        about ``1e-10 * |loss|``, so a gradient that is truly 0 (relative error ~1) is
        not reported as a bug; a real bug shows differences far above 1e-8.

    Returns
    -------
    GradCheckResult
        ``result.passed``, and ``print(result)`` shows a table.

    Raises
    ------
    ValueError
        If ``loss_and_grads`` returns the wrong number of gradients or a gradient of
        the wrong shape (naming the parameter and both shapes).

    Examples
    --------
    >>> from gdcourse.models import MLP
    >>> rng = np.random.default_rng(0)
    >>> mlp = MLP([3, 5, 2], activation="tanh", rng=rng)
    >>> X, y = rng.normal(size=(4, 3)), np.array([0, 1, 1, 0])
    >>> check_gradients(mlp, X, y).passed
    True
    """
    for name, value in (("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    params = list(model.params)
    names = list(getattr(model, "param_names", None) or [f"param{i}" for i in range(len(params))])
    _, analytic = model.loss_and_grads(X, y)
    analytic = list(analytic)
    if len(analytic) != len(params):
        raise ValueError(
            f"loss_and_grads returned {len(analytic)} gradients, but the model has "
            f"{len(params)} parameters"
        )
    for index, (name, param, grad) in enumerate(zip(names, params, analytic)):
        grad_shape = np.shape(grad)
        if grad_shape != param.shape:
            raise ValueError(
                f"gradient {index} ({name}) has shape {grad_shape}, but parameter {index} "
                f"has shape {param.shape}"
            )
    numerical = numerical_gradient(lambda: model.loss(X, y), params, eps=eps)
    return GradCheckResult(
        names=names,
        shapes=[param.shape for param in params],
        relative_errors=[relative_error(a, n) for a, n in zip(analytic, numerical)],
        rtol=float(rtol),
        analytic=[np.asarray(a, dtype=np.float64) for a in analytic],
        numerical=numerical,
        atol=float(atol),
    )
