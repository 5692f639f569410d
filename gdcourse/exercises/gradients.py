"""Exercises on gradients: a numerical gradient, linear regression's gradient, a GD loop.

A finite-difference gradient is the independent reference every hand-derived gradient
is checked against (:func:`gdcourse.gradcheck.check_gradient` does it for the models).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._checking import Case, CheckResult, Exercise, Mistake, inputs_unchanged

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


# =============================================================================
# The gradient of linear regression's mean squared error, derived by hand
# =============================================================================
# The loss is gdcourse.models.LinearRegression's (and torch.nn.MSELoss's):
#     L(w, b) = (1/n) Σ_i (x_i·w + b − y_i)²      (no factor 1/2)
# so with the residual r = X w + b − y:
#     ∂L/∂w = (2/n) Xᵀ r,   ∂L/∂b = (2/n) Σ_i r_i.
def _linear_regression_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                                b: float) -> tuple[np.ndarray, float]:
    """Gradient of ``mean((X @ w + b - y) ** 2)`` with respect to ``w`` and ``b``."""
    n = X.shape[0]
    r = X @ w + b - y
    return 2.0 / n * (X.T @ r), 2.0 / n * float(np.sum(r))


def _lr_grad_sign(X, y, w, b):
    n = X.shape[0]
    r = y - (X @ w + b)
    return 2.0 / n * (X.T @ r), 2.0 / n * float(np.sum(r))


def _lr_grad_no_mean(X, y, w, b):
    r = X @ w + b - y
    return 2.0 * (X.T @ r), 2.0 * float(np.sum(r))


def _lr_grad_no_two(X, y, w, b):
    n = X.shape[0]
    r = X @ w + b - y
    return (X.T @ r) / n, float(np.sum(r)) / n


def _lr_grad_by_features(X, y, w, b):
    d = X.shape[1]
    r = X @ w + b - y
    return 2.0 / d * (X.T @ r), 2.0 / d * float(np.sum(r))


def _lr_grad_column(X, y, w, b):
    n = X.shape[0]
    r = (X @ w + b - y)[:, None]
    return 2.0 / n * (X.T @ r), 2.0 / n * float(np.sum(r))


def _lr_grad_bias_per_sample(X, y, w, b):
    n = X.shape[0]
    r = X @ w + b - y
    return 2.0 / n * (X.T @ r), 2.0 / n * r


def _lr_case(n: int, d: int, seed: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(n, d))
        y = rng.normal(size=n)
        w = rng.normal(size=d)
        b = float(rng.normal())
        try:
            return impl(X, y, w, b)
        except ValueError as exc:
            if "matmul" in str(exc) or "shapes" in str(exc) or "aligned" in str(exc):
                raise ValueError(f"{exc} (X has shape {X.shape}, w {w.shape}, y {y.shape}: "
                                 f"Xᵀ r has the shape of w, X r does not exist unless X is "
                                 f"square)") from exc
            raise
    return Case(f"X of shape ({n}, {d}) and y, w, b drawn from default_rng({seed})", run)


LINEAR_REGRESSION_GRADIENT = Exercise(
    title="gradient of linear regression's mean squared error",
    reference=_linear_regression_gradient,
    cases=(_lr_case(5, 3, 1), _lr_case(8, 2, 2), _lr_case(4, 1, 3)),
    mistakes=(
        Mistake("sign", _lr_grad_sign,
                "the sign is flipped: with the residual r = X w + b − y (prediction minus "
                "target) the gradient is +(2/n) Xᵀ r. Using y − (X w + b) needs a minus in "
                "front."),
        Mistake("no 1/n", _lr_grad_no_mean,
                "the loss is a mean over the n samples, so its gradient is one too: "
                "divide the sums by n = X.shape[0]."),
        Mistake("no factor 2", _lr_grad_no_two,
                "the derivative of r² is 2r: the gdcourse / PyTorch loss mean((ŷ − y)²) has "
                "no ½ in front, so the factor 2 stays in the gradient."),
        Mistake("divided by d", _lr_grad_by_features,
                "divide by the number of samples n = X.shape[0] (rows), not by the number "
                "of features X.shape[1]."),
        Mistake("column vector", _lr_grad_column,
                "the gradient with respect to w has the shape of w, (d,): keep the "
                "residual a 1-D array (no [:, None]) so that X.T @ r is 1-D too."),
        Mistake("bias per sample", _lr_grad_bias_per_sample,
                "∂L/∂b is one number: the residuals summed (and scaled by 2/n), "
                "not one value per sample."),
    ),
    rtol=1e-9,
)


# =============================================================================
# A gradient-descent loop with two stopping rules
# =============================================================================
def _gradient_descent(grad: Callable[[np.ndarray], np.ndarray], theta0: np.ndarray,
                      lr: float, tol: float, max_steps: int) -> tuple[np.ndarray, int]:
    """Plain GD from ``theta0``; stop before a step when ‖g‖ ≤ tol, or after max_steps."""
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


def _gd_check_after_update(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(1, max_steps + 1):
        g = grad(theta)
        theta = theta - lr * g
        if np.linalg.norm(g) <= tol:
            return theta, t
    return theta, max_steps


def _gd_squared_norm(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if g @ g <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


def _gd_never_stops(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for _ in range(max_steps):
        theta = theta - lr * grad(theta)
    return theta, max_steps


def _gd_sign(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta + lr * g
    return theta, max_steps


def _gd_count_plus_one(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(1, max_steps + 1):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


_CURVATURE = np.array([1.0, 4.0])


def _bowl_grad(theta: np.ndarray) -> np.ndarray:
    return _CURVATURE * theta


def _gd_case(theta0: list[float], lr: float, tol: float, max_steps: int) -> Case:
    return Case(f"∇L(θ) = (θ₁, 4θ₂) (the bowl L = ½(θ₁² + 4θ₂²)), "
                f"θ₀ = {theta0}, "
                f"lr = {lr:g}, tol = {tol:g}, max_steps = {max_steps}",
                lambda impl: impl(_bowl_grad, np.array(theta0, dtype=float), lr, tol,
                                  max_steps))


GRADIENT_DESCENT = Exercise(
    title="gradient descent with a tolerance and a budget",
    reference=_gradient_descent,
    cases=(
        _gd_case([1.0, 1.0], 0.1, 1e-3, 500),    # the tolerance stops it (after 66 steps)
        _gd_case([1.0, 1.0], 0.1, 1e-3, 20),     # the budget stops it
        _gd_case([2.0, -1.0], 0.2, 0.5, 100),    # tolerance reached after a few steps
        _gd_case([1e-4, 0.0], 0.1, 1e-3, 50),    # already good enough: no step at all
    ),
    mistakes=(
        Mistake("sign", _gd_sign,
                "gradient descent moves against the gradient: θ ← θ − lr·g."),
        Mistake("never stops on the tolerance", _gd_never_stops,
                "the loop always runs max_steps steps: compute g = grad(θ), and return "
                "(θ, t) as soon as ‖g‖ ≤ tol, before updating."),
        Mistake("checked after the update", _gd_check_after_update,
                "test the gradient before you use it: if ‖g‖ ≤ tol at the current θ, "
                "return θ without taking the step. Testing after the update takes one step "
                "too many and counts one too many."),
        Mistake("squared norm", _gd_squared_norm,
                "compare the norm ‖g‖ = np.linalg.norm(g) with tol, not the squared norm "
                "g @ g (which is smaller than ‖g‖ when ‖g‖ < 1, so it stops too early)."),
        Mistake("count off by one", _gd_count_plus_one,
                "count the updates actually taken: a θ₀ that already meets the tolerance "
                "returns (θ₀, 0); start the counter at 0."),
    ),
    requirements=(inputs_unchanged(
        "theta0",
        hint="do not modify theta0: after `theta = theta0` both names are the same array, "
             "so `theta -= lr * g` changes theta0 too. Start from a copy, "
             "`theta = np.array(theta0, dtype=float)`, or write `theta = theta - lr * g`."),),
    rtol=1e-9,
)

EXERCISES["linear_regression_gradient"] = LINEAR_REGRESSION_GRADIENT
EXERCISES["gradient_descent"] = GRADIENT_DESCENT
__all__ += ["check_linear_regression_gradient", "check_gradient_descent"]


def check_linear_regression_gradient(linear_regression_gradient: Callable) -> CheckResult:
    """Check ``linear_regression_gradient(X, y, w, b)`` → ``(grad_w, grad_b)``.

    The loss is the mean squared error of :class:`gdcourse.models.LinearRegression` and
    ``torch.nn.MSELoss``, ``L = mean((X @ w + b - y) ** 2)``: ``grad_w`` has the shape
    of ``w``, ``(d,)``, and ``grad_b`` is a number.
    """
    return LINEAR_REGRESSION_GRADIENT.check(linear_regression_gradient)


def check_gradient_descent(gradient_descent: Callable) -> CheckResult:
    """Check ``gradient_descent(grad, theta0, lr, tol, max_steps)`` → ``(theta, steps)``.

    Before each step, compute ``g = grad(theta)``; if ``‖g‖ ≤ tol`` return the current
    ``theta`` and the number of updates taken so far; otherwise update
    ``theta ← theta − lr·g``. After ``max_steps`` updates return ``(theta, max_steps)``.
    ``theta0`` is not modified.
    """
    return GRADIENT_DESCENT.check(gradient_descent)
