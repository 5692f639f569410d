r"""Two-dimensional test landscapes, and :func:`trace`, which runs an optimizer on one.

A landscape is a loss :math:`f(x, y)` of two parameters, small enough to draw as a
contour plot with the path of the iterates on top. Each landscape knows its value
(vectorised, for grids), its exact gradient and Hessian, its known minima, a plotting
box and a starting point that makes an instructive picture::

    f = Rosenbrock()
    X, Y = np.meshgrid(np.linspace(*f.bounds[0], 200), np.linspace(*f.bounds[1], 200))
    Z = f(X, Y)                                   # values on the grid
    run = trace(f, Adam, 500, lr=0.05)            # Adam from f.start
    run.path, run.losses, run.summary()

The landscapes:

* :class:`Quadratic` — an ill-conditioned bowl with the theory of gradient descent
  (stable and optimal learning rates, contraction factor, Polyak's momentum);
* :class:`Rosenbrock` — the curved, flat-bottomed valley;
* :class:`Beale` — sharp ridges and a plateau around one minimum;
* :class:`Himmelblau` — four minima: where a run ends depends on the optimizer;
* :class:`Saddle` — :math:`x^2 - y^2`, no minimum at all;
* :class:`Cliff` — a steep wall next to a gentle slope: the case for gradient clipping;
* :class:`Basins` — several basins of different depth.

:data:`LANDSCAPES` maps each name to its class; :func:`get_landscape` builds one by
name. Two 1-D losses, :class:`Parabola` and :class:`DoubleWell` (in :data:`CURVES`),
are landscapes flat along :math:`y`, so the same :func:`trace` runs them.

Around :func:`trace`: :func:`race` runs several optimizers from the same start with the
same gradient noise; :func:`first_exit` finds where a path leaves the plotting box;
:func:`largest_value_clipping_turn` measures how far clipping by value turns the
gradient along a path; :func:`steps_per_decade` turns a contraction factor into the
number of steps that shrink the error ten-fold.
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._checks import require_generator

from .divergence import Divergence, check_divergence
from .optim import Optimizer, clip_grad_norm_, clip_grad_value_
from .optim.lr_scheduler import ReduceLROnPlateau

__all__ = [
    "Landscape", "Quadratic", "Rosenbrock", "Beale", "Himmelblau", "Saddle", "Cliff",
    "Basins", "LANDSCAPES", "get_landscape", "Curve", "Parabola", "DoubleWell", "CURVES",
    "Trajectory", "trace", "race", "default_label", "heavy_ball_rate", "steps_per_decade",
    "exit_point", "first_exit", "turn_angle_degrees", "largest_value_clipping_turn",
    "ESCAPE_FACTOR",
]

# An iterate this many plot-box half-widths away from the box's centre has escaped:
# on the landscapes here nothing comes back from there, and the loss of a saddle
# (unbounded below) would never trip the blow-up rule of check_divergence.
_ESCAPE_FACTOR_TEXT = "1e6"  # as written in the divergence message
ESCAPE_FACTOR = float(_ESCAPE_FACTOR_TEXT)


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _real(name: str, value: object, *, positive: bool = False,
          at_least: float | None = None) -> float:
    """``value`` as a finite float, or a clear TypeError/ValueError naming ``name``."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if at_least is not None and not value >= at_least:
        raise ValueError(f"{name} must be >= {at_least:g}, got {value}")
    return value


def _as_point(p: Any, name: str = "p") -> np.ndarray:
    point = np.asarray(p, dtype=np.float64)
    if point.shape != (2,):
        raise ValueError(
            f"{name} must be a point (x, y) of shape (2,), got shape {point.shape}")
    return point


def _read_only(values: Any) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


# =============================================================================
# The landscapes
# =============================================================================
class Landscape:
    r"""Base class of the 2-D landscapes.

    A subclass sets the attributes below in ``__init__`` and implements

    ``_value(x, y)``
        the value; must work on floats and, elementwise, on NumPy arrays;
    ``_grad(x, y)``
        the exact gradient at a point, as a pair of floats ``(df/dx, df/dy)``;
    ``_hessian(x, y)``
        optional: the exact Hessian as nested pairs ``((fxx, fxy), (fxy, fyy))``;
        without it :meth:`hessian` uses central differences of the gradient.

    The private methods take plain floats so that :func:`trace` can call them
    thousands of times a second; the public ones check their input.

    Attributes
    ----------
    name : str
        The landscape's name, also its key in :data:`LANDSCAPES`.
    minima : numpy.ndarray
        Shape ``(k, 2)``, the known (local) minima, deepest first; empty if there is
        none. Read-only.
    min_value : float
        The smallest value over the minima (the global minimum where it is known).
    bounds : ((float, float), (float, float))
        ``((xmin, xmax), (ymin, ymax))``, a box that shows the interesting part.
    start : numpy.ndarray
        Shape ``(2,)``, a default starting point that makes an instructive picture.
        Read-only: :func:`trace` works on a copy.
    """

    name: str = "Landscape"
    minima: np.ndarray
    min_value: float
    bounds: tuple[tuple[float, float], tuple[float, float]]
    start: np.ndarray

    # ------------------------------------------------------------- to implement
    def _value(self, x: Any, y: Any) -> Any:
        raise NotImplementedError

    def _grad(self, x: float, y: float) -> tuple[float, float]:
        raise NotImplementedError

    def _hessian(self, x: float, y: float) -> Any:
        # Central differences of the exact gradient: error O(h^2), fine for plots.
        h = 1e-5 * max(1.0, abs(x), abs(y))
        gx_plus, gx_minus = self._grad(x + h, y), self._grad(x - h, y)
        gy_plus, gy_minus = self._grad(x, y + h), self._grad(x, y - h)
        column_x = [(a - b) / (2 * h) for a, b in zip(gx_plus, gx_minus)]
        column_y = [(a - b) / (2 * h) for a, b in zip(gy_plus, gy_minus)]
        mixed = 0.5 * (column_x[1] + column_y[0])
        return ((column_x[0], mixed), (mixed, column_y[1]))

    # ------------------------------------------------------------- public API
    def __call__(self, x: Any, y: Any) -> Any:
        """The value at ``(x, y)``, elementwise over arrays (e.g. a meshgrid)."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            raise ValueError(
                f"x and y must have shapes that broadcast together, got {x.shape} and "
                f"{y.shape}") from None
        return self._value(x, y)

    def value(self, p: Any) -> float:
        """The value at the point ``p`` of shape ``(2,)``."""
        x, y = _as_point(p).tolist()
        return float(self._value(x, y))

    def grad(self, p: Any) -> np.ndarray:
        """The exact gradient at ``p``, shape ``(2,)``."""
        x, y = _as_point(p).tolist()
        return np.array(self._grad(x, y), dtype=np.float64)

    def hessian(self, p: Any) -> np.ndarray:
        """The Hessian at ``p``, shape ``(2, 2)`` (exact unless documented otherwise)."""
        x, y = _as_point(p).tolist()
        return np.array(self._hessian(x, y), dtype=np.float64)

    def noisy_grad(self, p: Any, noise_std: float, rng: np.random.Generator | None
                   ) -> np.ndarray:
        r"""The gradient plus independent Gaussian noise :math:`N(0, \sigma^2)` per component.

        A stand-in for the stochastic gradient of a mini-batch: unbiased, with a
        spread set by ``noise_std``. :meth:`grad` itself stays exact.

        Parameters
        ----------
        p : array_like, shape (2,)
        noise_std : float
            :math:`\sigma \ge 0`; with 0 the exact gradient is returned and ``rng`` is
            not used.
        rng : numpy.random.Generator
            The source of the noise (required when ``noise_std > 0``).
        """
        noise_std = _check_noise(noise_std, rng)
        grad = self.grad(p)
        if noise_std > 0:
            grad += noise_std * rng.standard_normal(2)
        return grad

    def value_range(self, points_per_side: int = 101) -> tuple[float, float]:
        """The smallest and largest finite value on an even grid over :attr:`bounds`.

        For a loss axis that must hold every value a run inside the box can take,
        e.g. on the :class:`Saddle`, which has no minimum to measure from.

        Parameters
        ----------
        points_per_side : int, default 101
            Grid points along each axis, at least 2.

        Returns
        -------
        (float, float)
            ``(low, high)``; equal for a landscape that is constant over the box.
        """
        if (not isinstance(points_per_side, numbers.Integral)
                or isinstance(points_per_side, bool) or points_per_side < 2):
            raise ValueError(f"points_per_side must be an integer >= 2, got "
                             f"{points_per_side!r}")
        (xmin, xmax), (ymin, ymax) = self.bounds
        X, Y = np.meshgrid(np.linspace(xmin, xmax, points_per_side),
                           np.linspace(ymin, ymax, points_per_side))
        with np.errstate(over="ignore", invalid="ignore"):
            values = np.asarray(self(X, Y), dtype=float)
        finite = values[np.isfinite(values)]
        if not finite.size:
            raise ValueError(f"{self.name} has no finite value on its box {self.bounds}")
        return float(finite.min()), float(finite.max())

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _check_noise(noise_std: Any, rng: Any) -> float:
    noise_std = _real("noise_std", noise_std, at_least=0.0)
    if rng is not None:
        require_generator(rng)
    if noise_std > 0 and rng is None:
        raise ValueError(
            "gradient noise needs a random generator: pass rng=np.random.default_rng(seed)")
    return noise_std


def heavy_ball_rate(lr: Any, momentum: Any, eigenvalues: Any) -> np.ndarray:
    r"""Per-step contraction factor of heavy-ball momentum on a quadratic, in closed form.

    On :math:`f(\theta) = \tfrac12 \theta^\top A \theta` the heavy ball
    :math:`\theta_{t+1} = \theta_t - \eta A\theta_t + \mu(\theta_t - \theta_{t-1})`
    (which is ``SGD(lr=eta, momentum=mu)``) acts on the error's component along
    each eigenvector of :math:`A`, with eigenvalue :math:`\lambda`, through the matrix

    .. math::

        \begin{pmatrix} 1 + \mu - \eta\lambda & -\mu \\ 1 & 0 \end{pmatrix},

    whose eigenvalues are the roots of :math:`z^2 - (1 + \mu - \eta\lambda) z + \mu`.
    In the long run the error shrinks per step by the largest modulus of these roots
    over all eigenvalues :math:`\lambda` (the spectral radius): with
    :math:`a = 1 + \mu - \eta\lambda`, it is :math:`(|a| + \sqrt{a^2 - 4\mu})/2`
    when :math:`a^2 \ge 4\mu` and :math:`\sqrt\mu` otherwise (complex roots: the
    error spirals in). Below 1 the run converges, above 1 it diverges. With
    :math:`\mu = 0` it is plain gradient descent's :math:`\max|1 - \eta\lambda|`.

    Parameters
    ----------
    lr, momentum : array_like
        :math:`\eta \ge 0` and the momentum :math:`0 \le \mu < 1`, broadcast together
        (e.g. a meshgrid).
    eigenvalues : array_like, 1-D
        The eigenvalues of :math:`A`, all > 0 (for :class:`Quadratic`, ``(mu, L)``: its
        attributes for :math:`\lambda_{\min}` and :math:`\lambda_{\max}`, not the momentum).

    Returns
    -------
    numpy.ndarray
        The contraction factor, of the broadcast shape of ``lr`` and ``momentum``.

    References
    ----------
    .. [1] B. T. Polyak, "Some methods of speeding up the convergence of iteration
       methods", USSR Computational Mathematics and Mathematical Physics 4(5), 1964.
    .. [2] G. Goh, "Why momentum really works", Distill, 2017.
    """
    lr = np.asarray(lr, dtype=float)
    momentum = np.asarray(momentum, dtype=float)
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    if eigenvalues.ndim != 1 or eigenvalues.size == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array, got shape "
                         f"{eigenvalues.shape}")
    if not np.all(np.isfinite(eigenvalues) & (eigenvalues > 0)):
        raise ValueError(f"eigenvalues must be finite and > 0, got {eigenvalues}")
    if not np.all(np.isfinite(lr) & (lr >= 0)):
        raise ValueError("lr must be finite and >= 0")
    if not np.all((momentum >= 0) & (momentum < 1)):
        raise ValueError("momentum must be in [0, 1)")
    lr, momentum = np.broadcast_arrays(lr, momentum)
    # A trailing axis for the eigenvalues; the worst one sets the rate.
    a = 1.0 + momentum[..., None] - lr[..., None] * eigenvalues
    beta = momentum[..., None]
    discriminant = a * a - 4.0 * beta
    real_roots = (np.abs(a) + np.sqrt(np.maximum(discriminant, 0.0))) / 2.0
    rate = np.where(discriminant >= 0, real_roots, np.sqrt(beta))
    return rate.max(axis=-1)


def steps_per_decade(rate: Any) -> np.ndarray:
    r"""Steps that shrink the error ten-fold at a per-step contraction factor ``rate``.

    An error multiplied by :math:`\rho < 1` every step falls ten-fold in
    :math:`\ln 0.1 / \ln \rho` steps: the number a map of
    :func:`heavy_ball_rate` over (learning rate, momentum) is easiest to read in.

    Parameters
    ----------
    rate : array_like
        Contraction factors :math:`\rho \ge 0`, e.g. from :func:`heavy_ball_rate`.

    Returns
    -------
    numpy.ndarray
        Of the shape of ``rate``: positive where :math:`\rho < 1` (0 where
        :math:`\rho = 0`, which lands on the minimum in one step), NaN where the error
        does not shrink (:math:`\rho \ge 1`) or ``rate`` is NaN.
    """
    rate = np.asarray(rate, dtype=float)
    if np.any(rate < 0):
        raise ValueError("rate must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = np.log(10.0) / -np.log(rate)
    return np.where(rate < 1.0, steps, np.nan)


class Quadratic(Landscape):
    r"""The bowl :math:`f(p) = \tfrac12 p^\top A p`, with the theory of gradient descent.

    :math:`A = R\,\mathrm{diag}(\mu, L)\,R^\top` where :math:`R` rotates by ``angle``:
    the curvature is :math:`\mu` along :math:`(\cos\varphi, \sin\varphi)` and
    :math:`L = \kappa\mu` across it. The larger the condition number :math:`\kappa`,
    the narrower the valley and the slower plain gradient descent.

    Plain gradient descent :math:`p \leftarrow p - \eta A p` multiplies the error's
    component along each eigenvector of :math:`A` by :math:`1 - \eta\lambda`, so

    * it converges iff :math:`0 < \eta < 2/L` (:attr:`max_stable_lr`);
    * the error shrinks per step by :math:`\max_\lambda |1 - \eta\lambda|`
      (:meth:`gd_rate`), in the long run;
    * the fastest rate is at :math:`\eta = 2/(L+\mu)` (:attr:`optimal_lr`), where it
      equals :math:`(\kappa-1)/(\kappa+1)`.

    Parameters
    ----------
    condition_number : float, default 10
        :math:`\kappa = L/\mu \ge 1`.
    angle : float, default 0
        Rotation :math:`\varphi` of the valley, in radians.
    scale : float, default 1
        :math:`\mu > 0`, the smallest curvature.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
       2006, section 3.3 (rate of steepest descent on a quadratic).
    .. [2] G. Goh, "Why momentum really works", Distill, 2017.
    """

    name = "Quadratic"

    def __init__(self, condition_number: float = 10.0, angle: float = 0.0,
                 scale: float = 1.0) -> None:
        self.condition_number = _real("condition_number", condition_number, at_least=1.0)
        self.angle = _real("angle", angle)
        self.scale = _real("scale", scale, positive=True)
        self.mu = self.scale
        self.L = self.scale * self.condition_number
        c, s = math.cos(self.angle), math.sin(self.angle)
        rotation = np.array([[c, -s], [s, c]])
        A = rotation @ np.diag([self.mu, self.L]) @ rotation.T
        self.A = _read_only((A + A.T) / 2)  # exactly symmetric despite round-off
        # Plain floats: the hot loop of trace() evaluates the gradient with them.
        self._a11, self._a12, self._a22 = (float(self.A[0, 0]), float(self.A[0, 1]),
                                           float(self.A[1, 1]))
        self.minima = _read_only([[0.0, 0.0]])
        self.min_value = 0.0
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        # Far along the flat direction, a little across the steep one: plain gradient
        # descent zig-zags across the valley on its way down.
        self.start = _read_only(rotation @ np.array([-4.0, 1.5]))

    def _value(self, x, y):
        return 0.5 * (self._a11 * x * x + 2 * self._a12 * x * y + self._a22 * y * y)

    def _grad(self, x, y):
        return (self._a11 * x + self._a12 * y, self._a12 * x + self._a22 * y)

    def _hessian(self, x, y):
        return self.A

    @property
    def max_stable_lr(self) -> float:
        """:math:`2/L`: plain gradient descent converges iff ``0 < lr < max_stable_lr``."""
        return 2.0 / self.L

    @property
    def optimal_lr(self) -> float:
        r""":math:`2/(L+\mu)`, the learning rate with the smallest :meth:`gd_rate`."""
        return 2.0 / (self.L + self.mu)

    def gd_rate(self, lr: float) -> float:
        r"""The per-step contraction factor of plain gradient descent's error.

        :math:`\max(|1 - \eta\mu|, |1 - \eta L|)`: after many steps the distance to the
        minimum shrinks by this factor per step (grows, if it is above 1).
        """
        lr = _real("lr", lr, at_least=0.0)
        return max(abs(1.0 - lr * self.mu), abs(1.0 - lr * self.L))

    def heavy_ball_rate(self, lr: Any, momentum: Any) -> np.ndarray:
        """The contraction factor of ``SGD(lr=lr, momentum=momentum)`` on this quadratic.

        :func:`heavy_ball_rate` with this quadratic's eigenvalues ``(mu, L)``; with
        ``momentum=0`` it equals :meth:`gd_rate`.
        """
        return heavy_ball_rate(lr, momentum, (self.mu, self.L))

    def optimal_momentum(self) -> tuple[float, float]:
        r"""Polyak's optimal heavy-ball parameters ``(lr, momentum)`` for this quadratic.

        .. math::

            \eta^* = \frac{4}{(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2}, \qquad
            \mu^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2,

        with the curvatures :math:`\lambda_{\min}, \lambda_{\max}` (the attributes ``mu``
        and ``L``) and the momentum :math:`\mu^*`, for which the error shrinks by
        :math:`(\sqrt\kappa-1)/(\sqrt\kappa+1)` per step in the long run, against
        :math:`(\kappa-1)/(\kappa+1)` for plain gradient descent at :attr:`optimal_lr`:
        with :math:`\kappa = 100`, 0.82 instead of 0.98.

        Use them as ``SGD(params, lr=lr, momentum=momentum)``. That is PyTorch's form,
        :math:`b \leftarrow \mu b + g,\ \theta \leftarrow \theta - \eta b`, which with
        a constant :math:`\eta` is exactly Polyak's heavy ball
        :math:`\theta_{t+1} = \theta_t - \eta g_t + \mu(\theta_t - \theta_{t-1})`
        (put :math:`\theta_t - \theta_{t+1} = \eta b_{t+1}`; PyTorch's first buffer
        :math:`b_1 = g_1` is the heavy ball started with :math:`\theta_{-1} = \theta_0`).

        References
        ----------
        .. [1] B. T. Polyak, "Some methods of speeding up the convergence of iteration
           methods", USSR Computational Mathematics and Mathematical Physics 4(5),
           1964.
        .. [2] G. Goh, "Why momentum really works", Distill, 2017 (the same values, which
           it writes :math:`\alpha^*, \beta^*`, derived from the eigenvalues of the
           iteration).
        """
        sqrt_kappa = math.sqrt(self.condition_number)
        lr = 4.0 / (math.sqrt(self.L) + math.sqrt(self.mu)) ** 2
        momentum = ((sqrt_kappa - 1.0) / (sqrt_kappa + 1.0)) ** 2
        return lr, momentum

    def __repr__(self) -> str:
        return (f"Quadratic(condition_number={self.condition_number!r}, "
                f"angle={self.angle!r}, scale={self.scale!r})")


class Rosenbrock(Landscape):
    r"""Rosenbrock's banana valley, :math:`f = (a - x)^2 + b\,(y - x^2)^2`.

    The minimum :math:`(a, a^2)` lies at the end of a long, curved, nearly flat valley:
    finding the valley is easy, following it is slow.

    Parameters
    ----------
    a : float, default 1
    b : float, default 100
        The steepness of the valley walls, > 0.

    References
    ----------
    .. [1] H. H. Rosenbrock, "An automatic method for finding the greatest or least
       value of a function", The Computer Journal 3(3), 1960.
    """

    name = "Rosenbrock"

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = _real("a", a)
        self.b = _real("b", b, positive=True)
        self.minima = _read_only([[self.a, self.a * self.a]])
        self.min_value = 0.0
        self.bounds = ((min(-2.0, self.a - 3.0), max(2.0, self.a + 1.0)),
                       (-1.0, max(3.0, self.a * self.a + 2.0)))
        # The classic start (Rosenbrock 1960): across the valley from the minimum.
        self.start = _read_only([-1.2, 1.0])

    def _value(self, x, y):
        u = self.a - x
        v = y - x * x
        return u * u + self.b * v * v

    def _grad(self, x, y):
        v = y - x * x
        return (-2.0 * (self.a - x) - 4.0 * self.b * x * v, 2.0 * self.b * v)

    def _hessian(self, x, y):
        b = self.b
        fxy = -4.0 * b * x
        return ((2.0 - 4.0 * b * y + 12.0 * b * x * x, fxy), (fxy, 2.0 * b))

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a!r}, b={self.b!r})"


# Beale's function is a sum of three squares c_i - x + x y^i, i = 1, 2, 3.
_BEALE_C = (1.5, 2.25, 2.625)


class Beale(Landscape):
    r"""Beale's function: one minimum in a flat region among steep ridges.

    .. math::

        f(x, y) = \sum_{i=1}^{3} (c_i - x + x y^i)^2, \qquad c = (1.5, 2.25, 2.625).

    One minimum, :math:`f(3, 0.5) = 0`, in a flat region bordered by steep ridges
    (the terms grow like :math:`x y^3`); gradients differ by orders of magnitude
    across the plot, which is where adaptive methods shine.

    References
    ----------
    .. [1] E. M. L. Beale, "On an iterative method for finding a local minimum of a
       function of more than one variable", Technical Report 25, Statistical
       Techniques Research Group, Princeton University, 1958.
    """

    name = "Beale"

    def __init__(self) -> None:
        self.minima = _read_only([[3.0, 0.5]])
        self.min_value = 0.0
        self.bounds = ((-4.5, 4.5), (-4.5, 4.5))
        self.start = _read_only([1.0, 1.5])

    def _value(self, x, y):
        total = 0.0
        y_power = 1.0
        for c in _BEALE_C:
            y_power = y_power * y
            r = c - x + x * y_power
            total = total + r * r
        return total

    def _grad(self, x, y):
        gx = gy = 0.0
        y_before = 1.0  # y^(i-1)
        for i, c in enumerate(_BEALE_C, start=1):
            y_power = y_before * y
            r = c - x + x * y_power
            gx += 2.0 * r * (y_power - 1.0)
            gy += 2.0 * r * i * x * y_before
            y_before = y_power
        return (gx, gy)

    def _hessian(self, x, y):
        fxx = fxy = fyy = 0.0
        y_before_before, y_before = 0.0, 1.0  # y^(i-2) (unused for i = 1), y^(i-1)
        for i, c in enumerate(_BEALE_C, start=1):
            y_power = y_before * y
            r = c - x + x * y_power
            dr_dx, dr_dy = y_power - 1.0, i * x * y_before
            fxx += 2.0 * dr_dx * dr_dx
            fxy += 2.0 * (dr_dx * dr_dy + r * i * y_before)
            fyy += 2.0 * (dr_dy * dr_dy + r * i * (i - 1) * x * y_before_before)
            y_before_before, y_before = y_before, y_power
        return ((fxx, fxy), (fxy, fyy))


class Himmelblau(Landscape):
    r"""Himmelblau's function, :math:`(x^2 + y - 11)^2 + (x + y^2 - 7)^2`.

    Four minima, all with value 0, around a local maximum near
    :math:`(-0.27, -0.92)`; :attr:`minima` lists all four (three of them computed by
    Newton's method to full double precision). Started near the maximum, different
    optimizers end in different minima.

    References
    ----------
    .. [1] D. M. Himmelblau, *Applied Nonlinear Programming*, McGraw-Hill, 1972.
    """

    name = "Himmelblau"

    def __init__(self) -> None:
        self.minima = _read_only([
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286169],
            [3.5844283403304917, -1.8481265269644034],
        ])
        self.min_value = 0.0
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        # Just off the local maximum: plain gradient descent and momentum end in the
        # minimum near (3.58, -1.85), Adam, RMSprop and Adagrad in the one at (3, 2).
        self.start = _read_only([0.0, -1.0])

    def _value(self, x, y):
        u = x * x + y - 11.0
        v = x + y * y - 7.0
        return u * u + v * v

    def _grad(self, x, y):
        u = x * x + y - 11.0
        v = x + y * y - 7.0
        return (4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v)

    def _hessian(self, x, y):
        fxy = 4.0 * (x + y)
        return ((12.0 * x * x + 4.0 * y - 42.0, fxy), (fxy, 12.0 * y * y + 4.0 * x - 26.0))


class Saddle(Landscape):
    r"""The saddle :math:`f = x^2 - y^2`: no minimum, the loss is unbounded below.

    Gradient descent from near the :math:`x` axis first slides towards the saddle
    point :math:`(0, 0)` (where the gradient vanishes, so progress slows down) and
    then *escapes* along :math:`y`, with :math:`|y|` growing by :math:`1 + 2\eta`
    per step, for ever. :attr:`minima` is empty and :attr:`min_value` is
    :math:`-\infty`.

    A long run therefore ends in divergence: :func:`trace` stops once the iterate is
    ``ESCAPE_FACTOR`` (1e6) plot-box half-widths away from the box (the loss going to
    :math:`-\infty` never trips the blow-up rule of
    :func:`~gdcourse.divergence.check_divergence`). To draw just the escape, run
    fewer steps.

    References
    ----------
    .. [1] Y. Dauphin et al., "Identifying and attacking the saddle point problem in
       high-dimensional non-convex optimization", NeurIPS 2014.
    """

    name = "Saddle"

    def __init__(self) -> None:
        self.minima = _read_only(np.empty((0, 2)))
        self.min_value = -math.inf
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        self.start = _read_only([-4.0, 0.05])

    def _value(self, x, y):
        return x * x - y * y

    def _grad(self, x, y):
        return (2.0 * x, -2.0 * y)

    def _hessian(self, x, y):
        return ((2.0, 0.0), (0.0, -2.0))


class Cliff(Landscape):
    r"""A cliff: a plateau that drops by a steep wall onto a gentle bowl.

    .. math::

        f(x, y) = \frac{h}{1 + e^{(x - x_w)/w}}
            + \frac{k}{2}\left((x - 2)^2 + y^2\right)

    with height :math:`h = 20`, wall position :math:`x_w = -1`, wall width
    :math:`w = 0.05` and bowl curvature :math:`k = 0.5`. On the wall the gradient is
    up to :math:`h/(4w) = 100`: at :attr:`start` about 50 times what the bowl alone
    gives there (about 2).

    :attr:`start` sits halfway down the wall. One plain step with ``lr=0.1`` from
    there moves by about 10 and lands far outside :attr:`bounds` (the bowl pulls the
    run back some steps later: a detour, not a divergence); with the gradient
    clipped by norm to 1 (``max_norm=1.0``), every step is at most ``lr`` long and
    the run walks down the wall and into the bowl. Clipping only shortens the steps
    where the gradient explodes; elsewhere it does nothing (Pascanu et al. 2013,
    figure 6).

    The only minimum is the bowl's centre :math:`(2, 0)`: there the wall's slope is
    :math:`\approx 10^{-24}`, below double precision.

    References
    ----------
    .. [1] R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training
       recurrent neural networks", ICML 2013.
    """

    name = "Cliff"
    HEIGHT = 20.0
    WALL = -1.0
    WIDTH = 0.05
    CURVATURE = 0.5
    CENTRE = (2.0, 0.0)

    def __init__(self) -> None:
        self.minima = _read_only([self.CENTRE])
        self.min_value = float(self._value(*self.CENTRE))
        self.bounds = ((-4.0, 5.0), (-4.0, 4.0))
        self.start = _read_only([self.WALL, 2.5])

    # The logistic step is written with tanh, 1/(1 + e^u) = (1 - tanh(u/2))/2, which
    # never overflows, however far from the wall the point is.
    def _value(self, x, y):
        t = np.tanh((x - self.WALL) / (2.0 * self.WIDTH))
        cx, cy = self.CENTRE
        dx, dy = x - cx, y - cy
        return 0.5 * self.HEIGHT * (1.0 - t) + 0.5 * self.CURVATURE * (dx * dx + dy * dy)

    def _grad(self, x, y):
        t = math.tanh((x - self.WALL) / (2.0 * self.WIDTH))
        wall = -self.HEIGHT / (4.0 * self.WIDTH) * (1.0 - t * t)
        cx, cy = self.CENTRE
        return (wall + self.CURVATURE * (x - cx), self.CURVATURE * (y - cy))

    def _hessian(self, x, y):
        t = math.tanh((x - self.WALL) / (2.0 * self.WIDTH))
        wall = self.HEIGHT / (4.0 * self.WIDTH**2) * t * (1.0 - t * t)
        return ((wall + self.CURVATURE, 0.0), (0.0, self.CURVATURE))


class Basins(Landscape):
    r"""Four basins of different depth: Gaussian wells on a gentle bowl.

    .. math::

        f(p) = \frac{k}{2}\lVert p\rVert^2
            - \sum_i d_i \exp\left(-\frac{\lVert p - c_i\rVert^2}{2 s_i^2}\right)

    with :math:`k = 0.1` and the wells of :attr:`WELLS` (centre :math:`c_i`, depth
    :math:`d_i`, width :math:`s_i`). Each well makes one local minimum, close to but
    not at its centre (the bowl and the other wells pull on it); :attr:`minima` lists
    the four, deepest first, found once by Newton's method to about 1e-15.

    Which basin a run ends in depends on the learning rate and the momentum: small
    steps from :attr:`start` stay in a shallow basin nearby, larger steps or momentum
    can carry the iterate elsewhere.
    """

    name = "Basins"
    CURVATURE = 0.1
    # ((centre x, centre y), depth, width)
    WELLS = (((-2.0, -1.0), 3.0, 0.9),
             ((2.0, 1.5), 2.0, 0.8),
             ((0.5, -3.0), 1.2, 0.7),
             ((-1.5, 2.5), 0.8, 0.6))

    def __init__(self) -> None:
        self.minima = _read_only([
            [-1.947256573947031, -0.9736986462350332],
            [1.9376913244404534, 1.4532695127842201],
            [0.4703771202406966, -2.8729898722945504],
            [-1.4342874018481533, 2.3859424608688466],
        ])
        self.min_value = float(self._value(*self.minima[0]))
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        # Between two wells: plain SGD (lr=0.05) settles in the shallow basin nearby,
        # momentum (lr=0.05, momentum=0.9) carries on into the deepest one.
        self.start = _read_only([2.5, -2.0])

    def _value(self, x, y):
        total = 0.5 * self.CURVATURE * (x * x + y * y)
        for (cx, cy), depth, width in self.WELLS:
            dx, dy = x - cx, y - cy
            total = total - depth * np.exp(-(dx * dx + dy * dy) / (2.0 * width * width))
        return total

    def _grad(self, x, y):
        gx, gy = self.CURVATURE * x, self.CURVATURE * y
        for (cx, cy), depth, width in self.WELLS:
            dx, dy = x - cx, y - cy
            # The exponent is never positive, so math.exp cannot overflow.
            pull = depth * math.exp(-(dx * dx + dy * dy) / (2.0 * width * width)) / (
                width * width)
            gx += pull * dx
            gy += pull * dy
        return (gx, gy)

    def _hessian(self, x, y):
        fxx = fyy = self.CURVATURE
        fxy = 0.0
        for (cx, cy), depth, width in self.WELLS:
            dx, dy = x - cx, y - cy
            s2 = width * width
            pull = depth * math.exp(-(dx * dx + dy * dy) / (2.0 * s2)) / s2
            fxx += pull * (1.0 - dx * dx / s2)
            fyy += pull * (1.0 - dy * dy / s2)
            fxy -= pull * dx * dy / s2
        return ((fxx, fxy), (fxy, fyy))


LANDSCAPES: dict[str, type[Landscape]] = {
    cls.name: cls for cls in (Quadratic, Rosenbrock, Beale, Himmelblau, Saddle, Cliff,
                              Basins)
}


def get_landscape(name: str, **kwargs: Any) -> Landscape:
    """Build the landscape called ``name`` (a key of :data:`LANDSCAPES`, any case).

    ``kwargs`` go to its constructor, e.g.
    ``get_landscape("quadratic", condition_number=50)``.
    """
    if not isinstance(name, str):
        raise TypeError(f"the landscape name must be a string, got {type(name).__name__}")
    for key, cls in LANDSCAPES.items():
        if key.lower() == name.strip().lower():
            return cls(**kwargs)
    raise ValueError(
        f"unknown landscape {name!r}; choose one of: {', '.join(LANDSCAPES)}")


# =============================================================================
# Two 1-D losses, as landscapes flat along y
# =============================================================================
class Curve(Landscape):
    r"""A 1-D loss :math:`g(x)` seen as the landscape :math:`f(x, y) = g(x)`.

    The gradient is :math:`(g'(x), 0)`, so :math:`y` never moves from 0 and
    :func:`trace` runs a curve exactly like the 1-D descent
    :math:`x \leftarrow x - \eta\, g'(x)`.

    Subclasses implement ``g(x)`` and its derivative ``slope(x)`` (both elementwise on
    arrays) and set the class attributes below.

    Attributes
    ----------
    minima_x : tuple of float
        The minima's :math:`x`; :attr:`minima` holds them as points ``(x, 0)``.
    x_bounds : (float, float)
        The interesting range of :math:`x`; :attr:`bounds` is it times ``(-1, 1)``
        along :math:`y`, which only matters to the escape test of :func:`trace`.
    start_x : float
        The default start; :attr:`start` is ``(start_x, 0)``.
    """

    minima_x: tuple[float, ...] = ()
    x_bounds: tuple[float, float] = (-1.0, 1.0)
    start_x: float = 0.0

    def __init__(self) -> None:
        self.minima = _read_only(np.array([[x, 0.0] for x in self.minima_x],
                                          dtype=float).reshape(-1, 2))
        self.min_value = float(min(self.g(x) for x in self.minima_x))
        self.bounds = (self.x_bounds, (-1.0, 1.0))
        self.start = _read_only([self.start_x, 0.0])

    def g(self, x: Any) -> Any:
        """The loss at ``x`` (elementwise on arrays)."""
        raise NotImplementedError

    def slope(self, x: Any) -> Any:
        """The derivative :math:`g'(x)` (elementwise on arrays)."""
        raise NotImplementedError

    def _value(self, x, y):
        return self.g(x) + 0.0 * y  # 0 * y: broadcast like a 2-D landscape on a grid

    def _grad(self, x, y):
        return (self.slope(x), 0.0)


class Parabola(Curve):
    r""":math:`g(x) = x^2`: curvature 2, so descent converges iff :math:`\eta < 1`.

    At :math:`\eta = 0.5` it lands on the minimum in one step; at :math:`\eta = 1` it
    jumps between :math:`\pm x_0` for ever.
    """

    name = "parabola"
    minima_x = (0.0,)
    x_bounds = (-5.0, 5.0)
    start_x = 4.0

    def g(self, x):
        return x * x

    def slope(self, x):
        return 2.0 * x


class DoubleWell(Curve):
    r""":math:`g(x) = (x^2 - 1)^2`: two minima at :math:`x = \pm 1` (curvature 8).

    From :math:`x_0 = 2` small steps roll into the near well, larger ones jump over
    the hump at 0 into the far one, and beyond :math:`\eta \approx 0.2` the first
    step lands so high up the far wall that the run blows up.
    """

    name = "double well"
    minima_x = (-1.0, 1.0)
    x_bounds = (-2.2, 2.2)
    start_x = 2.0

    def g(self, x):
        return (x * x - 1.0) ** 2

    def slope(self, x):
        return 4.0 * x * (x * x - 1.0)


CURVES: dict[str, type[Curve]] = {cls.name: cls for cls in (Parabola, DoubleWell)}


# =============================================================================
# The runner
# =============================================================================
@dataclass(eq=False)
class Trajectory:
    """The record of one optimizer run on a landscape, made by :func:`trace`.

    Attributes
    ----------
    path : numpy.ndarray
        Shape ``(n + 1, 2)``: the start and the iterate after each of the ``n`` steps
        taken.
    losses : numpy.ndarray
        Shape ``(n + 1,)``: the loss at each point of ``path``.
    lrs : numpy.ndarray
        Shape ``(n,)``: the learning rate used by each step.
    grad_norms : numpy.ndarray
        Shape ``(n,)``: the norm of the gradient of each step, before clipping (with
        noise, if any).
    divergence : Divergence or None
        Why and when the run was stopped early, if it was.
    label : str
        A name for legends, e.g. ``"SGD(lr=0.1, momentum=0.9)"``.
    landscape_name : str
    minima : numpy.ndarray
        The landscape's known minima, shape ``(k, 2)``.
    """

    path: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    grad_norms: np.ndarray
    divergence: Divergence | None
    label: str
    landscape_name: str
    minima: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))

    @property
    def steps_taken(self) -> int:
        return len(self.lrs)

    @property
    def final_point(self) -> np.ndarray:
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    @property
    def step_lengths(self) -> np.ndarray:
        r"""The length of each step, :math:`\lVert\theta_{t+1} - \theta_t\rVert`.

        Shape ``(n,)``; inf or NaN for a step to a point that overflowed.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            return np.hypot(*np.diff(self.path, axis=0).T)

    def distance_to_minimum(self) -> float:
        """Distance from the final point to the nearest known minimum (NaN if none)."""
        if len(self.minima) == 0:
            return math.nan
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.min(np.hypot(*(self.minima - self.final_point).T)))

    def summary(self) -> str:
        """One line of plain text, e.g. ``"Adam: loss 3.2e-04 after 200 steps"``."""
        if self.divergence is not None:
            return f"{self.label}: {self.divergence}"
        steps = self.steps_taken
        return (f"{self.label}: loss {self.final_loss:.1e} after {steps} "
                f"step{'' if steps == 1 else 's'}")


def exit_point(inside: Any, outside: Any, bounds: Any) -> np.ndarray:
    """Where the segment from ``inside`` to ``outside`` crosses the edge of the box.

    Parameters
    ----------
    inside : array_like, shape (2,)
        A point in the box ``bounds = ((xmin, xmax), (ymin, ymax))``.
    outside : array_like, shape (2,)
        A point outside it. A coordinate that is not finite (an iterate that
        overflowed) gives no direction to follow: the other one decides, and with
        none left the result is ``inside``.

    Returns
    -------
    numpy.ndarray
        Shape ``(2,)``, on the edge of the box (``inside`` itself if no finite
        direction leads out).
    """
    inside = np.asarray(inside, dtype=float)
    outside = np.asarray(outside, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        direction = outside - inside
        fraction = 1.0
        for axis, (low, high) in enumerate(bounds):
            if not np.isfinite(outside[axis]) or direction[axis] == 0:
                continue
            for edge in (low, high):
                t = (edge - inside[axis]) / direction[axis]
                if 0 <= t < fraction:
                    fraction = t
        return inside + fraction * np.nan_to_num(direction, posinf=0.0, neginf=0.0)


def first_exit(path: Any, bounds: Any) -> tuple[int, np.ndarray] | None:
    """Where a path first leaves the box: ``(k, edge point)``, or None if it never does.

    Parameters
    ----------
    path : array_like, shape (n, 2)
        Points, e.g. :attr:`Trajectory.path`; a non-finite point counts as outside.
    bounds : ((float, float), (float, float))
        The box ``((xmin, xmax), (ymin, ymax))``, e.g. :attr:`Landscape.bounds`.

    Returns
    -------
    (int, numpy.ndarray) or None
        ``k`` is the index of the first point outside the box; the edge point is where
        the segment from point ``k - 1`` crosses the edge (:func:`exit_point`). A path
        that starts outside gives ``(0, path[0])``.
    """
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must have shape (n, 2), got {path.shape}")
    (xmin, xmax), (ymin, ymax) = bounds
    with np.errstate(invalid="ignore"):
        inside = ((path[:, 0] >= xmin) & (path[:, 0] <= xmax)
                  & (path[:, 1] >= ymin) & (path[:, 1] <= ymax))
    outside = np.flatnonzero(~inside)
    if not outside.size:
        return None
    k = int(outside[0])
    if k == 0:
        return 0, path[0].copy()
    return k, exit_point(path[k - 1], path[k], bounds)


def _format_value(value: Any) -> str:
    if _is_real(value):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_format_value(v) for v in value) + ")"
    return repr(value)


def _same(value: Any, default: Any) -> bool:
    if isinstance(value, list):
        value = tuple(value)
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # e.g. an array compared with a scalar
        return False


def default_label(optimizer_cls: type, optimizer_kwargs: dict[str, Any]) -> str:
    """A legend label: the class name, the learning rate and the non-default arguments.

    The learning rate is always shown, default or not: it is the number learners
    compare runs by.

    >>> from gdcourse.optim import SGD
    >>> default_label(SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0})
    'SGD(lr=0.1, momentum=0.9)'
    >>> default_label(SGD, {})
    'SGD(lr=0.001)'
    """
    try:
        parameters = inspect.signature(optimizer_cls).parameters
    except (TypeError, ValueError):
        parameters = {}
    shown = []
    if "lr" in optimizer_kwargs:
        shown.append(f"lr={_format_value(optimizer_kwargs['lr'])}")
    elif "lr" in parameters and parameters["lr"].default is not inspect.Parameter.empty:
        shown.append(f"lr={_format_value(parameters['lr'].default)}")
    for key, value in optimizer_kwargs.items():
        parameter = parameters.get(key)
        if key == "lr" or parameter is not None and _same(value, parameter.default):
            continue
        shown.append(f"{key}={_format_value(value)}")
    return f"{optimizer_cls.__name__}({', '.join(shown)})"


def trace(landscape: Landscape | str, optimizer_cls: type[Optimizer], steps: int, *,
          start: Any = None, scheduler: Callable[[Optimizer], Any] | None = None,
          max_norm: float | None = None, clip_value: float | None = None,
          noise_std: float = 0.0, rng: np.random.Generator | None = None,
          label: str | None = None, **optimizer_kwargs: Any) -> Trajectory:
    r"""Run an optimizer on a landscape and record its path.

    Each step: the gradient at the current point (plus Gaussian noise if
    ``noise_std > 0``), clipped if asked, then ``opt.step``, the loss at the new point,
    the divergence check, and finally ``scheduler.step()``. This is the training loop
    a learner would write, in PyTorch's order::

        theta = start.copy()
        opt = optimizer_cls([theta], **optimizer_kwargs)
        sched = scheduler(opt)
        for t in range(steps):
            g = landscape.grad(theta)
            clip_grad_norm_([g], max_norm)
            opt.step([g])
            sched.step()

    Parameters
    ----------
    landscape : Landscape or str
        The landscape, or its name in :data:`LANDSCAPES`.
    optimizer_cls : type
        An optimizer class from :mod:`gdcourse.optim`, e.g. ``Adam``.
    steps : int
        Number of optimizer steps, >= 0.
    start : array_like of shape (2,), optional
        The starting point; default ``landscape.start``. Not modified.
    scheduler : callable, optional
        ``scheduler(opt)`` returns a learning-rate scheduler for the optimizer, e.g.
        ``lambda opt: StepLR(opt, step_size=30)``. It is stepped after every optimizer
        step; :class:`~gdcourse.optim.lr_scheduler.ReduceLROnPlateau` gets the loss.
    max_norm : float, optional
        Clip the gradient to this norm (:func:`~gdcourse.optim.clip_grad_norm_`).
    clip_value : float, optional
        Clamp each gradient component to ``[-clip_value, clip_value]``
        (:func:`~gdcourse.optim.clip_grad_value_`). With both, the norm clip comes
        first and the value clamp second, as in :func:`gdcourse.train.train`; both
        bounds hold for the gradient the optimizer gets.
    noise_std : float, default 0
        Standard deviation of the Gaussian noise added to each gradient component
        (a stand-in for mini-batch noise); see :meth:`Landscape.noisy_grad`.
    rng : numpy.random.Generator, optional
        Needed when ``noise_std > 0``; ignored otherwise.
    label : str, optional
        Name of the run; default e.g. ``"SGD(lr=0.1, momentum=0.9)"``.
    **optimizer_kwargs
        Passed to ``optimizer_cls``.

    Returns
    -------
    Trajectory
        With ``steps + 1`` points, or fewer if the run diverged: it stops at the first
        step whose loss is NaN or infinite, exceeds 1e8 times the initial loss
        (:func:`~gdcourse.divergence.check_divergence`), or whose iterate is more than
        ``ESCAPE_FACTOR`` (1e6) half-widths of ``landscape.bounds`` away from the
        box's centre. No overflow warnings are emitted.
    """
    if isinstance(landscape, str):
        landscape = get_landscape(landscape)
    elif not isinstance(landscape, Landscape):
        raise TypeError(
            f"landscape must be a Landscape or the name of one, got "
            f"{type(landscape).__name__}")
    if not (isinstance(optimizer_cls, type) and issubclass(optimizer_cls, Optimizer)):
        raise TypeError(
            "optimizer_cls must be an optimizer class such as gdcourse.optim.SGD "
            f"(the class, not an instance), got {optimizer_cls!r}")
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool):
        raise TypeError(f"steps must be an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    theta = (landscape.start if start is None else _as_point(start, "start")).copy()
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"start must be finite, got {theta}")
    if max_norm is not None:
        max_norm = _real("max_norm", max_norm, at_least=0.0)
    if clip_value is not None:
        clip_value = _real("clip_value", clip_value, at_least=0.0)
    noise_std = _check_noise(noise_std, rng)
    if scheduler is not None and not callable(scheduler):
        raise TypeError(
            "scheduler must be a function of the optimizer returning a scheduler, e.g. "
            f"lambda opt: StepLR(opt, step_size=30); got {type(scheduler).__name__}")
    if label is None:
        label = default_label(optimizer_cls, optimizer_kwargs)

    opt = optimizer_cls([theta], **optimizer_kwargs)
    sched = scheduler(opt) if scheduler is not None else None
    on_plateau = isinstance(sched, ReduceLROnPlateau)
    group = opt.param_groups[0]

    path = np.empty((steps + 1, 2))
    losses = np.empty(steps + 1)
    lrs = np.empty(steps)
    grad_norms = np.empty(steps)

    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    x_mid, x_reach = (x_lo + x_hi) / 2, ESCAPE_FACTOR * (x_hi - x_lo) / 2
    y_mid, y_reach = (y_lo + y_hi) / 2, ESCAPE_FACTOR * (y_hi - y_lo) / 2
    escape_advice = ("try a smaller learning rate" if len(landscape.minima) else
                     "this landscape has no minimum, so descent never ends; run fewer "
                     "steps")
    value, gradient = landscape._value, landscape._grad

    # The loop is lean on purpose (widgets rerun it on every slider move): plain floats
    # for the landscape, preallocated arrays, and one errstate around everything
    # because a diverging run overflows.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        x, y = theta.tolist()
        initial_loss = float(value(x, y))
        path[0] = theta
        losses[0] = initial_loss
        divergence = check_divergence(0, initial_loss, params=[theta])
        taken = 0
        while divergence is None and taken < steps:
            gx, gy = gradient(x, y)
            g = np.array((gx, gy), dtype=np.float64)
            if noise_std > 0:
                g += noise_std * rng.standard_normal(2)
                gx, gy = g.tolist()
            grad_norm = grad_norms[taken] = math.hypot(gx, gy)
            # The clipping functions are called only on the steps where they can change
            # the gradient (elsewhere they would multiply by 1): each call costs more
            # than an Adam step on two numbers. Written with "not <=" so that NaN
            # gradients still go through them, as in a plain loop.
            # With both, the norm clip comes first and then the value clamp, as in
            # gdcourse.train; clamping only shrinks components, so both bounds hold.
            if max_norm is not None and not grad_norm + 1e-6 <= max_norm:
                clip_grad_norm_(g, max_norm)
                gx, gy = g.tolist()
            if clip_value is not None and not (abs(gx) <= clip_value
                                               and abs(gy) <= clip_value):
                clip_grad_value_(g, clip_value)
            lrs[taken] = group["lr"]
            opt.step([g])
            taken += 1

            x, y = theta.tolist()
            loss = float(value(x, y))
            path[taken] = theta
            losses[taken] = loss
            # Checking the two floats first spares check_divergence's array scan
            # (a third of the loop's own cost) on the steps where it cannot fire.
            finite = math.isfinite(x) and math.isfinite(y)
            divergence = check_divergence(taken, loss, initial_loss,
                                          params=None if finite else [theta])
            if divergence is None and not (abs(x - x_mid) <= x_reach
                                           and abs(y - y_mid) <= y_reach):
                divergence = Divergence(
                    taken, "the iterate left the plot region by a factor of "
                    + _ESCAPE_FACTOR_TEXT, escape_advice)
            if divergence is None and sched is not None:
                if on_plateau:
                    sched.step(loss)
                else:
                    sched.step()

    return Trajectory(
        path=path[:taken + 1], losses=losses[:taken + 1], lrs=lrs[:taken],
        grad_norms=grad_norms[:taken], divergence=divergence, label=label,
        landscape_name=landscape.name, minima=landscape.minima)


def race(landscape: Landscape | str,
         contenders: Mapping[str, tuple[type[Optimizer], Mapping[str, Any]]],
         steps: int, *, noise_std: float = 0.0, rng: np.random.Generator | None = None,
         **common: Any) -> dict[str, Trajectory]:
    """Run several optimizers on one landscape from the same start, with the same noise.

    A fair comparison: every contender gets the same start, the same step budget and,
    with ``noise_std > 0``, the same sequence of gradient noise; only the method and
    its settings differ.

    Parameters
    ----------
    landscape : Landscape or str
    contenders : mapping of str to (optimizer class, mapping)
        ``name -> (optimizer_cls, kwargs)``; the kwargs go to :func:`trace` (optimizer
        arguments such as ``lr``, and ``scheduler``, ``max_norm``, ``clip_value``,
        ``label``). The name is the run's label unless the kwargs give one.
    steps : int
    noise_std : float, default 0
        Gradient noise, as in :func:`trace`.
    rng : numpy.random.Generator, optional
        Needed when ``noise_std > 0``. It is not advanced: each contender draws from
        its own copy of it, which is what gives them all the same noise.
    **common
        :func:`trace` arguments shared by every contender (e.g. ``lr``, ``start``);
        a contender's own kwargs win over these.

    Returns
    -------
    dict of str to Trajectory
        In the order of ``contenders``.
    """
    if not isinstance(contenders, Mapping):
        raise TypeError(f"contenders must be a mapping name -> (optimizer class, "
                        f"kwargs), got {type(contenders).__name__}")
    if rng is not None:
        require_generator(rng)
    runs: dict[str, Trajectory] = {}
    for name, (optimizer_cls, kwargs) in contenders.items():
        runs[name] = trace(landscape, optimizer_cls, steps, noise_std=noise_std,
                           rng=copy.deepcopy(rng), **{"label": name, **common, **kwargs})
    return runs


def turn_angle_degrees(raw: Any, clipped: Any) -> float | np.ndarray:
    """The angle between a gradient and its clipped version, in degrees.

    Clipping by norm only shortens a gradient (angle 0); clipping by value clamps each
    component on its own and so can turn it.

    Parameters
    ----------
    raw, clipped : array_like, shape (..., d)
        Gradients along the last axis; leading axes are broadcast (one angle each).

    Returns
    -------
    float or numpy.ndarray
        In [0, 180]; 0 where either gradient is 0 or not finite. A float for 1-D
        input.
    """
    raw, clipped = np.asarray(raw, dtype=float), np.asarray(clipped, dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        raw_norm = np.linalg.norm(raw, axis=-1, keepdims=True)
        clipped_norm = np.linalg.norm(clipped, axis=-1, keepdims=True)
        u, v = raw / raw_norm, clipped / clipped_norm
        # Kahan's form, 2 atan2(|u - v|, |u + v|): exact 0 for parallel vectors, where
        # arccos of a rounded cosine would give a millionth of a degree.
        angles = np.degrees(2.0 * np.arctan2(np.linalg.norm(u - v, axis=-1),
                                             np.linalg.norm(u + v, axis=-1)))
        norms = (raw_norm * clipped_norm)[..., 0]
        angles = np.where((norms > 0) & np.isfinite(norms), angles, 0.0)
    return float(angles) if angles.ndim == 0 else angles


def largest_value_clipping_turn(landscape: Landscape, path: Any,
                                clip_value: float) -> float:
    """How far clipping by value turns the exact gradient, at the worst point of a path.

    Parameters
    ----------
    landscape : Landscape
    path : array_like, shape (n, 2)
        The points whose gradients are clipped, e.g. the points of a run that a step
        was taken from (``run.path[:-1]``).
    clip_value : float
        The bound of :func:`~gdcourse.optim.clip_grad_value_`, >= 0.

    Returns
    -------
    float
        The largest :func:`turn_angle_degrees` over the points, in degrees; 0 for an
        empty path or where no component exceeds ``clip_value``.
    """
    clip_value = _real("clip_value", clip_value, at_least=0.0)
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    path = path[np.isfinite(path).all(axis=1)]  # a diverged run's last point has no gradient
    if not len(path):
        return 0.0
    raw = np.array([landscape.grad(point) for point in path])
    clipped = raw.copy()
    clip_grad_value_(clipped, clip_value)
    return float(np.max(turn_angle_degrees(raw, clipped)))
