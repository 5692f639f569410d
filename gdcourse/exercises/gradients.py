"""Exercises on gradients: a numerical gradient, linear regression's gradient, a GD loop.

A finite-difference gradient is the independent reference every hand-derived gradient
is checked against (:func:`gdcourse.gradcheck.check_gradient` does it for the models).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .._messages import F_
from ._checking import (Call, Case, CheckResult, Exercise, Mistake, Requirement,
                        inputs_unchanged, integer_output)

__all__ = ["check_numerical_gradient"]


# =============================================================================
# A numerical gradient by central differences
# =============================================================================
def _numerical_gradient(f: Callable[[np.ndarray], float], theta: np.ndarray,
                        h: float = 1e-5) -> np.ndarray:
    """Central differences: ``(f(θ + h e_i) - f(θ - h e_i)) / (2h)`` for each entry i."""
    theta = np.asarray(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
    return grad


def _nd_variant(*, forward=False, backward=False, denominator=None,
                h_fixed=None) -> Callable:
    """A variant of the central difference: one slip at a time."""
    def numerical_gradient(f, theta, h=1e-5):
        h = h if h_fixed is None else h_fixed
        theta = np.asarray(theta, dtype=float)
        grad = np.zeros_like(theta)
        for i in np.ndindex(theta.shape):
            step = np.zeros_like(theta)
            step[i] = h
            if forward:
                grad[i] = (f(theta + step) - f(theta)) / h
            elif backward:
                grad[i] = (f(theta) - f(theta - step)) / h
            elif denominator == "h":
                grad[i] = (f(theta + step) - f(theta - step)) / h
            elif denominator == "reversed":
                grad[i] = (f(theta - step) - f(theta + step)) / (2 * h)
            elif denominator == "/2*h":
                grad[i] = (f(theta + step) - f(theta - step)) / 2 * h
            else:
                grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
        return grad
    return numerical_gradient


def _nd_list(f, theta, h=1e-5):
    return [float(value) for value in _numerical_gradient(f, theta, h)]


def _all_coordinates_at_once(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    slope = (f(theta + h) - f(theta - h)) / (2 * h)
    return np.full_like(theta, slope)


def _loss(theta: np.ndarray) -> float:
    # Curved enough (exp) that a forward difference, or another h, is visibly off, and
    # coupled (the product of the first and the last entry) so perturbing all entries at
    # once is visibly wrong.
    theta = np.asarray(theta, dtype=float)
    return float(np.sum(np.exp(0.5 * theta)) + theta.flat[0] * theta.flat[-1]
                 + np.sum(theta ** 2))


class _Recorded:
    """The function f of a case, remembering every point it was evaluated at."""

    def __init__(self, f: Callable) -> None:
        self.f, self.points = f, []

    def __call__(self, theta):
        try:
            self.points.append(np.array(theta, dtype=float, copy=True))
        except Exception:
            pass
        return self.f(theta)


def _nd_case(theta, h: float, words: str | None = None) -> Case:
    shown = words or F_("θ = {theta}", theta=np.asarray(theta).tolist())
    return Case(F_("f(θ) = Σ exp(θ/2) + θ₀·θ₋₁ + Σ θ², {shown}, h = {h:g}", shown=shown, h=h),
                lambda impl: impl(_Recorded(_loss), np.array(theta, dtype=float), h=h))


def _theta_kept(call: Call) -> str | None:
    """The caller's theta as it was, up to the rounding of ``x + h − h`` (a learner may
    perturb in place and put the entry back)."""
    before, after = call.before.get("theta"), call.arguments.get("theta")
    if not isinstance(before, np.ndarray) or not isinstance(after, np.ndarray):
        return None
    if after.shape == before.shape and np.allclose(after, before, rtol=1e-12, atol=1e-15):
        return None
    return F_("your function changed its argument `theta`: before the call it was "
              "{before}, afterwards {after}.", before=np.array2string(before, separator=', '),
              after=np.array2string(after, separator=', '))


def _f_gets_all_of_theta(call: Call) -> str | None:
    """f takes the whole θ: every point it was given has θ's shape."""
    f, theta = call.arguments.get("f"), call.before.get("theta")
    if not isinstance(f, _Recorded) or not isinstance(theta, np.ndarray):
        return None
    for point in f.points:
        if point.shape != theta.shape:
            return F_("your function called f with a value of shape {shape}; f takes "
                      "the whole θ, of shape {theta_shape}.", shape=point.shape,
                      theta_shape=theta.shape)
    return None


def _steps_of_size_h(call: Call) -> str | None:
    """f must be evaluated at points θ ± h·(...) only, for the ``h`` of the call: a step of
    another size means the argument ``h`` was not used (or not everywhere)."""
    f, theta, h = (call.arguments.get(name) for name in ("f", "theta", "h"))
    theta = call.before.get("theta", theta)
    if not isinstance(f, _Recorded) or not isinstance(theta, np.ndarray) or not f.points:
        return None
    if not isinstance(h, float) or h <= 0:
        return None
    sizes = [float(np.max(np.abs(point - theta))) for point in f.points
             if point.shape == theta.shape]
    sizes = [size for size in sizes if size > 0]
    other = [size for size in sizes if not np.isclose(size, h, rtol=1e-6, atol=0)]
    if not other:
        return None
    return F_("with h = {h:g} your function evaluated f at points θ ± {step:.3g}·(...): "
              "its steps are not all of size h.", h=h, step=other[0])


_ND_RANDOM = np.random.default_rng(2024).normal(size=6).round(3)

NUMERICAL_GRADIENT = Exercise(
    title="numerical gradient by central differences",
    reference=_numerical_gradient,
    cases=(
        _nd_case([0.5, -1.0, 2.0], 1e-3),
        _nd_case([3.0], 0.5),                        # a large h: every h gives another value
        _nd_case(_ND_RANDOM, 0.1, F_("θ of 6 entries drawn from default_rng(2024)")),
        _nd_case([1.0, -0.5, 0.25, 2.0], 1e-2),
    ),
    mistakes=(
        Mistake("forward difference", _nd_variant(forward=True),
                "that is a forward difference, (f(θ+h·eᵢ) − f(θ)) / h, whose error is of "
                "order h; use the central difference (f(θ+h·eᵢ) − f(θ−h·eᵢ)) / (2h), error "
                "of order h².",
                nudge="your difference is one-sided: look at the two points where you "
                      "evaluate f."),
        Mistake("backward difference", _nd_variant(backward=True),
                "that is a backward difference, (f(θ) − f(θ−h·eᵢ)) / h, whose error is of "
                "order h; use the central difference (f(θ+h·eᵢ) − f(θ−h·eᵢ)) / (2h).",
                nudge="your difference is one-sided: look at the two points where you "
                      "evaluate f."),
        Mistake("reversed difference", _nd_variant(denominator="reversed"),
                "the difference is taken the other way round: (f(θ+h·eᵢ) − f(θ−h·eᵢ)) / (2h), "
                "the point ahead minus the point behind.",
                nudge="look at the order of the two values in your difference."),
        Mistake("divided by h", _nd_variant(denominator="h"),
                "the two points θ+h·eᵢ and θ−h·eᵢ are 2h apart: divide by 2h, not h.",
                nudge="look at the denominator: how far apart are the two points?"),
        Mistake("/ 2 * h", _nd_variant(denominator="/2*h"),
                "`... / 2 * h` divides by 2 and then *multiplies* by h (Python evaluates "
                "left to right): write `/ (2 * h)`.",
                nudge="look at the denominator and how Python groups `/` and `*`."),
        Mistake("a list", _nd_list,
                "the values are right, but return a NumPy array shaped like theta: "
                "`np.array(values)`, or fill `grad = np.zeros_like(theta)` entry by entry.",
                nudge="look at the type of what you return: a NumPy array."),
        Mistake("all coordinates at once", _all_coordinates_at_once,
                "perturb one entry at a time: add h only to entry i (h·eᵢ), not to every "
                "entry of θ.",
                nudge="look at what you add to θ: how many entries does it change?"),
    ),
    requirements=(
        Requirement("f gets the whole theta",
                    "call f with the whole parameter array, perturbed in one entry: "
                    "f(theta + step) with `step = np.zeros_like(theta)` and `step[i] = h`, not "
                    "f(theta[i] + h).",
                    _f_gets_all_of_theta, watch=("theta",), explains_failures=True,
                    aspect="Requirement"),
        Requirement("steps of size h",
                    "use the `h` the function is given (`theta + step` with `step[i] = h`): "
                    "with another step size the central difference has another error, of "
                    "order (step size)², and the check passes h = 0.5 on purpose.",
                    _steps_of_size_h, watch=("theta",), explains_failures=True,
                    aspect="Requirement"),
        Requirement("inputs unchanged",
                    "perturb a copy of θ, not θ itself: `theta_plus = theta.copy()` (or "
                    "`theta + step` with a zero array `step` whose entry i is h); writing "
                    "`theta[i] += h` changes the caller's array, and every later entry is "
                    "then computed at a shifted point.",
                    _theta_kept, watch=("theta",), explains_failures=True, aspect="Inputs"),
    ),
    formula="∂f/∂θᵢ ≈ (f(θ + h·eᵢ) − f(θ − h·eᵢ)) / (2h), one entry i at a time (eᵢ: 1 at "
            "entry i, 0 elsewhere)",
    rtol=1e-9,
    atol=1e-12,
)

EXERCISES = {"numerical_gradient": NUMERICAL_GRADIENT}


def check_numerical_gradient(numerical_gradient: Callable) -> CheckResult:
    """Check ``numerical_gradient(f, theta, h)`` → array shaped like ``theta``.

    Each entry i must be the central difference ``(f(θ + h eᵢ) − f(θ − h eᵢ)) / (2h)``,
    for a 1-D ``theta``; the caller's ``theta`` stays as it was.
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


def _lr_grad_no_bias_in_residual(X, y, w, b):
    n = X.shape[0]
    r = X @ w - y
    return 2.0 / n * (X.T @ r), 2.0 / n * float(np.sum(r))


def _lr_grad_b_unscaled(X, y, w, b):
    n = X.shape[0]
    r = X @ w + b - y
    return 2.0 / n * (X.T @ r), float(np.sum(r))


def _lr_grad_b_mean_of_mean(X, y, w, b):
    n = X.shape[0]
    r = X @ w + b - y
    return 2.0 / n * (X.T @ r), 2.0 / n * float(np.mean(r))


def _lr_grad_w_sign_only(X, y, w, b):
    n = X.shape[0]
    r = X @ w + b - y
    return -2.0 / n * (X.T @ r), 2.0 / n * float(np.sum(r))


def _lr_grad_wrong_axis(X, y, w, b):
    n = X.shape[0]
    r = X @ w + b - y
    return 2.0 / n * np.sum(X * r[:, None], axis=1), 2.0 / n * float(np.sum(r))


def _lr_grad_b_no_n(X, y, w, b):
    n = X.shape[0]
    r = X @ w + b - y
    return 2.0 / n * (X.T @ r), 2.0 * float(np.sum(r))


def _lr_grad_concatenated(X, y, w, b):
    grad_w, grad_b = _linear_regression_gradient(X, y, w, b)
    return np.append(grad_w, grad_b)


def _lr_grad_b_array(X, y, w, b):
    grad_w, grad_b = _linear_regression_gradient(X, y, w, b)
    return grad_w, np.array([grad_b])


def _lr_grad_swapped(X, y, w, b):
    grad_w, grad_b = _linear_regression_gradient(X, y, w, b)
    return grad_b, grad_w


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
    return Case(F_("X of shape ({n}, {d}) and y, w, b drawn from default_rng({seed})",
                   n=n, d=d, seed=seed), run)


_SIGN_NUDGE = "look at the sign: which way round is the residual?"

LINEAR_REGRESSION_GRADIENT = Exercise(
    title="gradient of linear regression's mean squared error",
    reference=_linear_regression_gradient,
    cases=(_lr_case(5, 3, 1), _lr_case(8, 2, 2), _lr_case(4, 1, 3), _lr_case(6, 4, 4)),
    mistakes=(
        Mistake("sign", _lr_grad_sign,
                "the sign is flipped: with the residual r = X w + b − y (prediction minus "
                "target) the gradient is +(2/n) Xᵀ r. Using y − (X w + b) needs a minus in "
                "front.", nudge=_SIGN_NUDGE),
        Mistake("sign of grad_w only", _lr_grad_w_sign_only,
                "grad_b is right, but grad_w has the wrong sign: it is +(2/n) Xᵀ r with the "
                "residual r = X w + b − y (prediction minus target).", nudge=_SIGN_NUDGE),
        Mistake("no 1/n", _lr_grad_no_mean,
                "the loss is a mean over the n samples, so its gradient is one too: "
                "divide the sums by n = X.shape[0].",
                nudge="look at the scale: the loss is a mean, not a sum."),
        Mistake("no factor 2", _lr_grad_no_two,
                "the derivative of r² is 2r: the gdcourse / PyTorch loss mean((ŷ − y)²) has "
                "no ½ in front, so the factor 2 stays in the gradient.",
                nudge="look at the constant in front: what is the derivative of r²?"),
        Mistake("divided by d", _lr_grad_by_features,
                "divide by the number of samples n = X.shape[0] (rows), not by the number "
                "of features X.shape[1].",
                nudge="look at what you divide by: samples or features?"),
        Mistake("column vector", _lr_grad_column,
                "the gradient with respect to w has the shape of w, (d,): keep the "
                "residual a 1-D array (no [:, None]) so that X.T @ r is 1-D too."),
        Mistake("bias per sample", _lr_grad_bias_per_sample,
                "∂L/∂b is one number: the residuals summed (and scaled by 2/n), "
                "not one value per sample."),
        Mistake("summed over the features", _lr_grad_wrong_axis,
                "sum over the samples, not over the features: ∂L/∂w_j sums X_ij·r_i over i, "
                "so with the rows of X·r summed you get one number per sample. Use X.T @ r "
                "(or np.sum(X * r[:, None], axis=0)): shape (d,).",
                nudge="look at the axis you sum over: the gradient has one entry per "
                      "feature."),
        Mistake("grad_b without 1/n", _lr_grad_b_no_n,
                "grad_w is right, but grad_b needs the 1/n too: ∂L/∂b = (2/n) Σᵢ rᵢ "
                "(the loss is a mean).",
                nudge="grad_w is right; look at the scale of grad_b."),
        Mistake("one concatenated array", _lr_grad_concatenated,
                "return the two parts as a tuple, `return grad_w, grad_b`: grad_w an array "
                "of shape (d,), grad_b a number, not one array of d + 1 entries.",
                nudge="look at what you return: two values, a tuple."),
        Mistake("grad_b an array", _lr_grad_b_array,
                "grad_b is one number: `float(np.sum(r)) * 2 / n`, not an array of one "
                "entry.",
                nudge="look at the type of grad_b: a number."),
        Mistake("values swapped", _lr_grad_swapped,
                "return the two parts in the order the exercise gives: (grad_w, grad_b).",
                nudge="look at the order of the values you return."),
        Mistake("b left out of the residual", _lr_grad_no_bias_in_residual,
                "the prediction is X w + b: put b into the residual, r = X @ w + b − y, "
                "for both parts of the gradient.",
                nudge="look at the residual: is the prediction complete?"),
        Mistake("grad_b without 2/n", _lr_grad_b_unscaled,
                "grad_w is right, but grad_b needs the same 2/n: ∂L/∂b = (2/n) Σᵢ rᵢ.",
                nudge="grad_w is right; look at the scale of grad_b."),
        Mistake("grad_b divided by n twice", _lr_grad_b_mean_of_mean,
                "grad_w is right, but grad_b is divided by n twice: (2/n)·mean(r) is "
                "(2/n²) Σᵢ rᵢ. Use (2/n)·sum(r), or 2·mean(r).",
                nudge="grad_w is right; look at the scale of grad_b."),
    ),
    formula="with r = X w + b − y: ∂L/∂w = (2/n) Xᵀ r (shape (d,)), ∂L/∂b = (2/n) Σᵢ rᵢ "
            "(a number)",
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


def _gd_variant(*, sign=1.0, stop="norm", strict=False, after=False, start=0, extra=0,
                frozen=False, budget=True, unlimited=False, end=0) -> Callable:
    """A variant of the loop, one slip at a time."""
    def gradient_descent(grad, theta0, lr, tol, max_steps):
        theta = np.array(theta0, dtype=float)
        first = grad(theta)
        if unlimited:  # `while ‖g‖ > tol`, without the budget (stops at NaN, if ever)
            steps = 0
            with np.errstate(all="ignore"):
                while np.linalg.norm(grad(theta)) > tol and steps < 100_000:
                    theta = theta - lr * grad(theta)
                    steps += 1
            return theta, steps
        for t in range(max_steps + extra):
            g = first if frozen else grad(theta)
            size = {"norm": lambda: np.linalg.norm(g), "squared": lambda: g @ g,
                    "theta": lambda: np.linalg.norm(theta),
                    "max": lambda: np.max(np.abs(g)), "sum": lambda: np.sum(np.abs(g)),
                    "step": lambda: np.linalg.norm(lr * g)}[stop]()
            met = size < tol if strict else size <= tol
            if met and budget and not after:
                return theta, t + start
            theta = theta - sign * lr * g
            if met and budget and after:
                return theta, t + 1
        return theta, max_steps + extra + end
    return gradient_descent


def _gd_first_step_always(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(1, max_steps + 1):
        theta = theta - lr * grad(theta)
        if np.linalg.norm(grad(theta)) <= tol:
            return theta, t
    return theta, max_steps


_CURVATURE = np.array([1.0, 4.0])


def _bowl_grad(theta: np.ndarray) -> np.ndarray:
    return _CURVATURE * theta


def _gd_case(theta0: list[float], lr: float, tol: float, max_steps: int,
             note: str = "") -> Case:
    return Case(F_("∇L(θ) = (θ₁, 4θ₂) (the bowl L = ½(θ₁² + 4θ₂²)), "
                   "θ₀ = {theta0}, "
                   "lr = {lr:g}, tol = {tol:g}, max_steps = {max_steps}{note}",
                   theta0=theta0, lr=lr, tol=tol, max_steps=max_steps, note=note),
                lambda impl: impl(_bowl_grad, np.array(theta0, dtype=float), lr, tol,
                                  max_steps))


def _round_bowl_grad(theta: np.ndarray) -> np.ndarray:
    return 2.0 * theta


def _gd_round_case() -> Case:
    return Case(F_("∇L(θ) = 2θ (the round bowl L = θ₁² + θ₂²), θ₀ = [1.0, 1.0], lr = 0.1, "
                   "tol = 0.1, max_steps = 100"),
                lambda impl: impl(_round_bowl_grad, np.array([1.0, 1.0]), 0.1, 0.1, 100))


def _gd_random_case(seed: int, d: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        curvatures = rng.uniform(0.5, 5.0, size=d)
        theta0 = rng.normal(size=d)
        return impl(lambda theta: curvatures * theta, theta0, 0.15, 1e-2, 200)
    return Case(F_("∇L(θ) = λ ⊙ θ with λ and θ₀ ({d} entries) drawn from default_rng({seed}), "
                   "lr = 0.15, tol = 0.01, max_steps = 200", d=d, seed=seed), run)


_NORM_HINT = ("compare the Euclidean norm ‖g‖ = np.linalg.norm(g) with tol, as the exercise "
              "says: the largest entry or the sum of |gᵢ| stop at other points.")
_NORM_NUDGE = "look at what you compare with tol: which norm of g?"
_COUNT_HINT = ("count the updates actually taken: a θ₀ that already meets the tolerance "
               "returns (θ₀, 0), and a run that uses the whole budget returns max_steps; start "
               "the counter at 0.")
_COUNT_NUDGE = "look at the count you return: how many updates were taken?"

GRADIENT_DESCENT = Exercise(
    title="gradient descent with a tolerance and a budget",
    reference=_gradient_descent,
    cases=(
        _gd_case([1.0, 1.0], 0.1, 1e-3, 500),    # the tolerance stops it (after 66 steps)
        _gd_case([1.0, 1.0], 0.1, 1e-3, 20),     # the budget stops it
        _gd_case([2.0, -1.0], 0.2, 0.5, 100),    # tolerance reached after a few steps
        _gd_case([1e-4, 0.0], 0.1, 1e-3, 50),    # already good enough: no step at all
        # After one step ‖g‖ is exactly 0.5625 = tol (every number here is exact in
        # binary): `<=` stops there, `<` takes one more step.
        _gd_case([0.75, 0.25], 0.25, 0.5625, 10, F_(" (after one step ‖g‖ = tol exactly)")),
        _gd_case([1.0, 1.0], 0.6, 1e-3, 12, F_(" (a rate too large: it never meets tol)")),
        _gd_round_case(),
        _gd_random_case(7, 4),
    ),
    mistakes=(
        Mistake("sign", _gd_variant(sign=-1.0),
                "gradient descent moves against the gradient: θ ← θ − lr·g.",
                nudge="look at the direction of your step."),
        Mistake("never stops on the tolerance", _gd_variant(budget=False),
                "the loop always runs max_steps steps: compute g = grad(θ), and return "
                "(θ, t) as soon as ‖g‖ ≤ tol, before updating.",
                nudge="look at the tolerance: does your loop ever stop before max_steps?"),
        Mistake("checked after the update", _gd_variant(after=True),
                "test the gradient before you use it: if ‖g‖ ≤ tol at the current θ, "
                "return θ without taking the step. Testing after the update takes one step "
                "too many and counts one too many.",
                nudge="look at when you test the tolerance: before or after the step?"),
        Mistake("first step always taken", _gd_first_step_always,
                "test the tolerance before every step, the first one included: a θ₀ that "
                "already meets it returns (θ₀, 0), without any step. Compute g = grad(θ) "
                "at the top of the loop and return before updating.",
                nudge="look at θ₀ that already meets the tolerance: does your loop still "
                      "take a step?"),
        Mistake("< instead of <=", _gd_variant(strict=True),
                "stop when ‖g‖ ≤ tol, equality included: with `<` a gradient whose norm is "
                "exactly tol takes one more step.",
                nudge="look at the comparison with tol: what happens when ‖g‖ equals it?"),
        Mistake("squared norm", _gd_variant(stop="squared"),
                "compare the norm ‖g‖ = np.linalg.norm(g) with tol, not the squared norm "
                "g @ g (which is smaller than ‖g‖ when ‖g‖ < 1, so it stops too early).",
                nudge="look at what you compare with tol: the norm ‖g‖ itself?"),
        Mistake("largest entry instead of the norm", _gd_variant(stop="max"), _NORM_HINT,
                nudge=_NORM_NUDGE),
        Mistake("sum of |g| instead of the norm", _gd_variant(stop="sum"), _NORM_HINT,
                nudge=_NORM_NUDGE),
        Mistake("norm of the step", _gd_variant(stop="step"),
                "compare the norm of the gradient itself, ‖g‖, with tol, not the norm of the "
                "step lr·g.",
                nudge="look at what you compare with tol: the gradient's norm."),
        Mistake("norm of θ", _gd_variant(stop="theta"),
                "the stopping rule looks at the gradient: compare ‖g‖ = "
                "np.linalg.norm(grad(θ)) with tol, not ‖θ‖.",
                nudge="look at what you compare with tol: it is the gradient's norm."),
        Mistake("count off by one", _gd_variant(start=1), _COUNT_HINT, nudge=_COUNT_NUDGE),
        Mistake("count off by one, also at the budget", _gd_variant(start=1, end=1),
                _COUNT_HINT, nudge=_COUNT_NUDGE),
        Mistake("one step short of the budget", _gd_variant(extra=-1),
                "max_steps is the number of updates: `for t in range(max_steps)` takes up to "
                "max_steps of them; `range(max_steps - 1)` takes one fewer.",
                nudge="look at the budget: how many updates does your loop allow?"),
        Mistake("one step over the budget", _gd_variant(extra=1),
                "max_steps is the number of updates: the loop runs `for t in "
                "range(max_steps)`, so it takes at most max_steps steps, not max_steps + 1.",
                nudge="look at the budget: how many updates does your loop allow?"),
        Mistake("budget ignored", _gd_variant(unlimited=True),
                "stop after max_steps updates even if ‖g‖ never gets below tol: a "
                "`while ‖g‖ > tol` loop without the budget runs on (here until the "
                "iterates overflow). Loop `for t in range(max_steps)` and return "
                "(θ, max_steps) after it.",
                nudge="look at the budget: does your loop stop after max_steps updates?"),
        Mistake("gradient computed once", _gd_variant(frozen=True),
                "compute the gradient afresh at every step, g = grad(θ) at the current θ, "
                "inside the loop: the gradient of θ₀ is the right direction only at θ₀.",
                nudge="look at where you compute g: at which θ?"),
    ),
    requirements=(
        inputs_unchanged(
            "theta0",
            hint="do not modify theta0: after `theta = theta0` both names are the same "
                 "array, so `theta -= lr * g` changes theta0 too. Start from a copy, "
                 "`theta = np.array(theta0, dtype=float)`, or write `theta = theta - lr * g`."),
        # "steps" is not wrapped: widgets.po owns the same msgid ("步数"), and the lookup
        # merges every catalogue, so it is translated here too.
        integer_output(part=1, what="steps"),
    ),
    answer=("real", "count"),
    formula="for t = 0, 1, …, max_steps − 1: g = ∇L(θ); if ‖g‖ ≤ tol return (θ, t); "
            "θ ← θ − lr·g. Then return (θ, max_steps)",
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
    ``theta`` and the number of updates taken so far (an int); otherwise update
    ``theta ← theta − lr·g``. After ``max_steps`` updates return ``(theta, max_steps)``.
    ``theta0`` is not modified.
    """
    return GRADIENT_DESCENT.check(gradient_descent)
