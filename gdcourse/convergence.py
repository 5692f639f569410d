r"""Closed-form convergence rates on a quadratic: heavy-ball momentum, steps per decade.

On :math:`f(\theta) = \tfrac12 \theta^\top A \theta` gradient descent with or without
momentum acts on each eigen-direction of :math:`A` separately, so its per-step
contraction factor :math:`\rho` has a closed form (:func:`heavy_ball_rate`; plain
gradient descent is momentum 0). :func:`steps_per_decade` turns :math:`\rho` into the
number of steps that shrink the error ten-fold. :class:`gdcourse.landscapes.Quadratic`
uses them for its ``gd_rate``, ``heavy_ball_rate`` and optimal settings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["heavy_ball_rate", "steps_per_decade"]


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
