r"""Two-dimensional test landscapes, and two 1-D losses, with exact gradients and Hessians.

A landscape is a loss :math:`f(x, y)` of two parameters, small enough to draw as a
contour plot with the path of the iterates on top. Each landscape knows its value
(vectorised, for grids), its exact gradient and Hessian, its known minima, a plotting
box and a starting point that makes an instructive picture::

    f = Rosenbrock()
    X, Y = np.meshgrid(np.linspace(*f.bounds[0], 200), np.linspace(*f.bounds[1], 200))
    Z = f(X, Y)                                   # values on the grid
    run = trace(f, Adam, 500, lr=0.05)            # gdcourse.trajectories.trace

The landscapes:

* :class:`Quadratic` — an ill-conditioned bowl with the theory of gradient descent
  (stable and optimal learning rates, contraction factor, Polyak's momentum; the
  closed forms are in :mod:`gdcourse.convergence`);
* :class:`Rosenbrock` — the curved, flat-bottomed valley;
* :class:`Beale` — sharp ridges and a plateau around one minimum;
* :class:`Himmelblau` — four minima: where a run ends depends on the optimizer;
* :class:`Saddle` — :math:`x^2 - y^2`, no minimum at all;
* :class:`Cliff` — a steep wall next to a gentle slope: the case for gradient clipping;
* :class:`Basins` — several basins of different depth.

:data:`LANDSCAPES` maps each name to its class; :func:`get_landscape` builds one by
name. Two 1-D losses, :class:`Parabola` and :class:`DoubleWell` (in :data:`CURVES`),
are landscapes flat along :math:`y`, so the same runner
(:func:`gdcourse.trajectories.trace`) runs them.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ._checks import as_point, check_noise, read_only_array, real_number
from .convergence import heavy_ball_rate

__all__ = [
    "Landscape", "Quadratic", "Rosenbrock", "Beale", "Himmelblau", "Saddle", "Cliff",
    "Basins", "LANDSCAPES", "get_landscape", "Curve", "Parabola", "DoubleWell", "CURVES",
]


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
        x, y = as_point(p).tolist()
        return float(self._value(x, y))

    def grad(self, p: Any) -> np.ndarray:
        """The exact gradient at ``p``, shape ``(2,)``."""
        x, y = as_point(p).tolist()
        return np.array(self._grad(x, y), dtype=np.float64)

    def hessian(self, p: Any) -> np.ndarray:
        """The Hessian at ``p``, shape ``(2, 2)`` (exact unless documented otherwise)."""
        x, y = as_point(p).tolist()
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
        noise_std = check_noise(noise_std, rng)
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


class Quadratic(Landscape):
    r"""The bowl :math:`f(p) = \tfrac12 p^\top A p`, with the theory of gradient descent.

    :math:`A = R\,\mathrm{diag}(\lambda_{\min}, \lambda_{\max})\,R^\top` where :math:`R`
    rotates by ``angle``: the curvature is :math:`\lambda_{\min}` along
    :math:`(\cos\varphi, \sin\varphi)` and :math:`\lambda_{\max} = \kappa\lambda_{\min}` across
    it. The larger the condition number :math:`\kappa`, the narrower the valley and the slower
    plain gradient descent. The attributes ``mu`` and ``L`` hold :math:`\lambda_{\min}` and
    :math:`\lambda_{\max}` under the optimisation books' names; the course writes
    :math:`\lambda_{\min}, \lambda_{\max}`, because its :math:`\mu` is the momentum and its
    :math:`L` the loss.

    Plain gradient descent :math:`p \leftarrow p - \eta A p` multiplies the error's
    component along each eigenvector of :math:`A` by :math:`1 - \eta\lambda`, so

    * it converges iff :math:`0 < \eta < 2/\lambda_{\max}` (:attr:`max_stable_lr`);
    * the error shrinks per step by :math:`\max_\lambda |1 - \eta\lambda|`
      (:meth:`gd_rate`), in the long run;
    * the fastest rate is at :math:`\eta = 2/(\lambda_{\max}+\lambda_{\min})`
      (:attr:`optimal_lr`), where it equals :math:`(\kappa-1)/(\kappa+1)`.

    Parameters
    ----------
    condition_number : float, default 10
        :math:`\kappa = \lambda_{\max}/\lambda_{\min} \ge 1`.
    angle : float, default 0
        Rotation :math:`\varphi` of the valley, in radians.
    scale : float, default 1
        :math:`\lambda_{\min} > 0`, the smallest curvature.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
       2006, section 3.3 (rate of steepest descent on a quadratic).
    .. [2] G. Goh, "Why momentum really works", Distill, 2017.
    """

    name = "Quadratic"

    def __init__(self, condition_number: float = 10.0, angle: float = 0.0,
                 scale: float = 1.0) -> None:
        self.condition_number = real_number("condition_number", condition_number, at_least=1.0)
        self.angle = real_number("angle", angle)
        self.scale = real_number("scale", scale, positive=True)
        self.mu = self.scale
        self.L = self.scale * self.condition_number
        c, s = math.cos(self.angle), math.sin(self.angle)
        rotation = np.array([[c, -s], [s, c]])
        A = rotation @ np.diag([self.mu, self.L]) @ rotation.T
        self.A = read_only_array((A + A.T) / 2)  # exactly symmetric despite round-off
        # Plain floats: the hot loop of trace() evaluates the gradient with them.
        self._a11, self._a12, self._a22 = (float(self.A[0, 0]), float(self.A[0, 1]),
                                           float(self.A[1, 1]))
        self.minima = read_only_array([[0.0, 0.0]])
        self.min_value = 0.0
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        # Far along the flat direction, a little across the steep one: plain gradient
        # descent zig-zags across the valley on its way down.
        self.start = read_only_array(rotation @ np.array([-4.0, 1.5]))

    def _value(self, x, y):
        return 0.5 * (self._a11 * x * x + 2 * self._a12 * x * y + self._a22 * y * y)

    def _grad(self, x, y):
        return (self._a11 * x + self._a12 * y, self._a12 * x + self._a22 * y)

    def _hessian(self, x, y):
        return self.A

    @property
    def max_stable_lr(self) -> float:
        r""":math:`2/\lambda_{\max}`: plain gradient descent converges iff
        ``0 < lr < max_stable_lr``."""
        return 2.0 / self.L

    @property
    def optimal_lr(self) -> float:
        r""":math:`2/(\lambda_{\max}+\lambda_{\min})`, the learning rate with the smallest
        :meth:`gd_rate`."""
        return 2.0 / (self.L + self.mu)

    def gd_rate(self, lr: float) -> float:
        r"""The per-step contraction factor of plain gradient descent's error.

        :math:`\max(|1 - \eta\lambda_{\min}|, |1 - \eta\lambda_{\max}|)`: after many steps the
        distance to the minimum shrinks by this factor per step (grows, if it is above 1).
        """
        lr = real_number("lr", lr, at_least=0.0)
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
        self.a = real_number("a", a)
        self.b = real_number("b", b, positive=True)
        self.minima = read_only_array([[self.a, self.a * self.a]])
        self.min_value = 0.0
        self.bounds = ((min(-2.0, self.a - 3.0), max(2.0, self.a + 1.0)),
                       (-1.0, max(3.0, self.a * self.a + 2.0)))
        # The classic start (Rosenbrock 1960): across the valley from the minimum.
        self.start = read_only_array([-1.2, 1.0])

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
        self.minima = read_only_array([[3.0, 0.5]])
        self.min_value = 0.0
        self.bounds = ((-4.5, 4.5), (-4.5, 4.5))
        self.start = read_only_array([1.0, 1.5])

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
        self.minima = read_only_array([
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286169],
            [3.5844283403304917, -1.8481265269644034],
        ])
        self.min_value = 0.0
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        # Just off the local maximum: plain gradient descent and momentum end in the
        # minimum near (3.58, -1.85), Adam, RMSprop and Adagrad in the one at (3, 2).
        self.start = read_only_array([0.0, -1.0])

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
        self.minima = read_only_array(np.empty((0, 2)))
        self.min_value = -math.inf
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        self.start = read_only_array([-4.0, 0.05])

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
        self.minima = read_only_array([self.CENTRE])
        self.min_value = float(self._value(*self.CENTRE))
        self.bounds = ((-4.0, 5.0), (-4.0, 4.0))
        self.start = read_only_array([self.WALL, 2.5])

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
        self.minima = read_only_array([
            [-1.947256573947031, -0.9736986462350332],
            [1.9376913244404534, 1.4532695127842201],
            [0.4703771202406966, -2.8729898722945504],
            [-1.4342874018481533, 2.3859424608688466],
        ])
        self.min_value = float(self._value(*self.minima[0]))
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        # Between two wells: plain SGD (lr=0.05) settles in the shallow basin nearby,
        # momentum (lr=0.05, momentum=0.9) carries on into the deepest one.
        self.start = read_only_array([2.5, -2.0])

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
        self.minima = read_only_array(np.array([[x, 0.0] for x in self.minima_x],
                                          dtype=float).reshape(-1, 2))
        self.min_value = float(min(self.g(x) for x in self.minima_x))
        self.bounds = (self.x_bounds, (-1.0, 1.0))
        self.start = read_only_array([self.start_x, 0.0])

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
