"""Exercises on gradients: a numerical gradient by central differences.

A finite-difference gradient is the independent reference every hand-derived gradient
is checked against (:func:`gdcourse.gradcheck.check_gradient` does it for the models).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._checking import Case, CheckResult, Exercise, Mistake

__all__ = ["check_numerical_gradient"]


def _numerical_gradient(f: Callable[[np.ndarray], float], theta: np.ndarray,
                        h: float = 1e-5) -> np.ndarray:
    """Central differences: ``(f(θ + h e_i) - f(θ - h e_i)) / (2h)`` for each coordinate i."""
    theta = np.asarray(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
    return grad


def _forward_difference(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (f(theta + step) - f(theta)) / h
    return grad


def _divided_by_h(f, theta, h=1e-5):
    return _numerical_gradient(f, theta, h) * 2


def _all_coordinates_at_once(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    slope = (f(theta + h) - f(theta - h)) / (2 * h)
    return np.full_like(theta, slope)


def _loss(theta: np.ndarray) -> float:
    # Curved enough (exp) that a forward difference is visibly off at h = 1e-3, and
    # coupled (the product term) so perturbing all coordinates at once is visibly wrong.
    return float(np.sum(np.exp(0.5 * theta)) + theta[0] * theta[-1] + np.sum(theta ** 2))


def _case(theta: list[float], h: float) -> Case:
    return Case(f"f(θ) = Σ exp(θ/2) + θ₀·θ₋₁ + Σ θ², θ = {theta}, h = {h:g}",
                lambda impl: impl(_loss, np.array(theta, dtype=float), h=h))


NUMERICAL_GRADIENT = Exercise(
    title="numerical gradient by central differences",
    reference=_numerical_gradient,
    cases=(_case([0.5, -1.0, 2.0], 1e-3), _case([3.0], 1e-2), _case([1.0, 1.0], 1e-4)),
    mistakes=(
        Mistake("forward difference", _forward_difference,
                "that is a forward difference, (f(θ+h) − f(θ)) / h, whose error is of order h; "
                "use the central difference (f(θ+h·eᵢ) − f(θ−h·eᵢ)) / (2h), error of order h²."),
        Mistake("divided by h", _divided_by_h,
                "the two points θ+h·eᵢ and θ−h·eᵢ are 2h apart: divide by 2h, not h."),
        Mistake("all coordinates at once", _all_coordinates_at_once,
                "perturb one coordinate at a time: add h only to entry i (h·eᵢ), "
                "not to every entry of θ."),
    ),
    rtol=1e-6,
)

EXERCISES = {"numerical_gradient": NUMERICAL_GRADIENT}


def check_numerical_gradient(numerical_gradient: Callable) -> CheckResult:
    """Check ``numerical_gradient(f, theta, h)`` → array shaped like ``theta``.

    Each entry i must be the central difference ``(f(θ + h eᵢ) − f(θ − h eᵢ)) / (2h)``.
    """
    return NUMERICAL_GRADIENT.check(numerical_gradient)
