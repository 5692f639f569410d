"""The references of the gradient exercises against independent computations.

Finite differences, gdcourse's tested LinearRegression, PyTorch autograd (skipped when
torch is absent) and hand-worked numbers.
"""

import numpy as np
import pytest

from gdcourse.exercises import gradients
from gdcourse.gradcheck import numerical_gradient, relative_error
from gdcourse.models import LinearRegression


def _data(seed=0, n=7, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d), float(rng.normal())


def test_numerical_gradient_reference_matches_gdcourse_gradcheck():
    theta = np.array([0.3, -1.2, 0.8])
    ours = gradients._numerical_gradient(gradients._loss, theta, h=1e-5)
    theirs = numerical_gradient(lambda: gradients._loss(theta), theta)
    assert relative_error(ours, theirs) < 1e-8


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_linear_regression_gradient_matches_finite_differences(seed):
    X, y, w, b = _data(seed)
    grad_w, grad_b = gradients._linear_regression_gradient(X, y, w, b)
    params = np.concatenate([w, [b]])

    def loss():
        return float(np.mean((X @ params[:-1] + params[-1] - y) ** 2))

    numeric = numerical_gradient(loss, params)
    assert relative_error(np.concatenate([grad_w, [grad_b]]), numeric) < 1e-8


def test_linear_regression_gradient_matches_gdcourse_model():
    X, y, w, b = _data(3, n=11, d=4)
    model = LinearRegression(4, rng=np.random.default_rng(0))
    model.set_params([w[None, :], np.array([b])])
    loss, (gW, gb) = model.loss_and_grads(X, y)
    grad_w, grad_b = gradients._linear_regression_gradient(X, y, w, b)
    assert np.isclose(loss, np.mean((X @ w + b - y) ** 2), rtol=1e-12)
    np.testing.assert_allclose(grad_w, gW[0], rtol=1e-12)
    assert np.isclose(grad_b, gb[0], rtol=1e-12)


def test_linear_regression_gradient_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    X, y, w, b = _data(4, n=9, d=3)
    tw = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    pred = torch.tensor(X) @ tw + tb
    torch.nn.MSELoss()(pred, torch.tensor(y)).backward()
    grad_w, grad_b = gradients._linear_regression_gradient(X, y, w, b)
    np.testing.assert_allclose(grad_w, tw.grad.numpy(), rtol=1e-12)
    assert np.isclose(grad_b, tb.grad.item(), rtol=1e-12)


def test_linear_regression_gradient_by_hand():
    # One feature, two samples: r = (1·1 + 0 − 3, 2·1 + 0 − 1) = (−2, 1).
    X, y = np.array([[1.0], [2.0]]), np.array([3.0, 1.0])
    grad_w, grad_b = gradients._linear_regression_gradient(X, y, np.array([1.0]), 0.0)
    # ∂L/∂w = (2/2)(1·(−2) + 2·1) = 0, ∂L/∂b = (2/2)(−2 + 1) = −1.
    np.testing.assert_allclose(grad_w, [0.0], atol=1e-15)
    assert grad_b == pytest.approx(-1.0)


def test_transposed_x_gets_an_explaining_message():
    def transposed(X, y, w, b):
        r = X @ w + b - y
        return 2 / len(y) * (X @ r), 2 / len(y) * r.sum()

    result = gradients.check_linear_regression_gradient(transposed)
    assert result.status == "failed"
    assert "Xᵀ r has the shape of w" in result.message


def test_gradient_descent_stops_where_the_theory_says():
    # On L = ½(θ₁² + 4θ₂²) with lr 0.1 the coordinates shrink by 0.9 and 0.6 per step;
    # ‖g_t‖ ≈ 0.9^t falls below 1e-3 first at t = 66 (0.9^65 ≈ 1.06e-3, 0.9^66 ≈ 9.6e-4).
    theta, steps = gradients._gradient_descent(gradients._bowl_grad, np.array([1.0, 1.0]),
                                               0.1, 1e-3, 500)
    assert steps == 66
    np.testing.assert_allclose(theta, [0.9 ** 66, 0.6 ** 66], rtol=1e-12)
    theta, steps = gradients._gradient_descent(gradients._bowl_grad, np.array([1.0, 1.0]),
                                               0.1, 1e-3, 20)
    assert steps == 20
    np.testing.assert_allclose(theta, [0.9 ** 20, 0.6 ** 20], rtol=1e-12)


def test_gradient_descent_matches_gdcourse_sgd():
    from gdcourse.optim import SGD

    theta = np.array([2.0, -1.0])
    opt = SGD([theta], lr=0.2)
    for _ in range(7):
        opt.step([gradients._bowl_grad(theta)])
    ours, steps = gradients._gradient_descent(gradients._bowl_grad, np.array([2.0, -1.0]),
                                              0.2, 0.5, 100)
    assert steps == 7
    np.testing.assert_allclose(ours, theta, rtol=1e-12)
    assert np.linalg.norm(gradients._bowl_grad(ours)) <= 0.5


def test_gradient_descent_does_not_modify_theta0():
    theta0 = np.array([1.0, 1.0])
    gradients._gradient_descent(gradients._bowl_grad, theta0, 0.1, 1e-3, 10)
    np.testing.assert_array_equal(theta0, [1.0, 1.0])


# =============================================================================
# Wrong and right answers, written from the statements of chapter 1
# =============================================================================
from _exercise_variants import Right, Wrong, assert_right, assert_wrong, parameters  # noqa: E402

from gdcourse.exercises import EXERCISES  # noqa: E402


def _ng(body):
    """numerical_gradient variants that differ only in how entry i is computed."""
    def numerical_gradient(f, theta, h=1e-5):
        grad = np.zeros_like(theta)
        for i in np.ndindex(theta.shape):
            grad[i] = body(f, theta, h, i)
        return grad
    return numerical_gradient


def _plus(theta, i, h):
    out = theta.copy()
    out[i] += h
    return out


def _ng_rows(f, theta, h=1e-5):
    grad = np.zeros_like(theta)
    for i in range(len(theta)):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
    return grad


def _ng_in_place_not_restored(f, theta, h=1e-5):
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        theta[i] += h
        up = f(theta)
        theta[i] -= 2 * h
        down = f(theta)
        grad[i] = (up - down) / (2 * h)
    return grad


def _ng_in_place_restored(f, theta, h=1e-5):
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        theta[i] += h
        up = f(theta)
        theta[i] -= 2 * h
        down = f(theta)
        theta[i] += h
        grad[i] = (up - down) / (2 * h)
    return grad


def _ng_saved(f, theta, h=1e-5):
    theta = theta.copy()
    grad = np.empty_like(theta)
    for i in range(theta.size):
        old = theta.flat[i]
        theta.flat[i] = old + h
        up = f(theta)
        theta.flat[i] = old - h
        down = f(theta)
        theta.flat[i] = old
        grad.flat[i] = 0.5 * (up - down) / h
    return grad


def _ng_eye(f, theta, h=1e-5):
    basis = np.eye(theta.size).reshape(theta.size, *theta.shape)
    values = [(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in basis]
    return np.array(values).reshape(theta.shape)


def _ng_list(f, theta, h=1e-5):
    return [(f(_plus(theta, i, h)) - f(_plus(theta, i, -h))) / (2 * h)
            for i in np.ndindex(theta.shape)]


def _ng_fixed_h(value):
    def numerical_gradient(f, theta, h=1e-5):
        return _ng(lambda f, t, _, i: (f(_plus(t, i, value)) - f(_plus(t, i, -value)))
                   / (2 * value))(f, theta, h)
    return numerical_gradient


def _lrg(grad_w, grad_b):
    def linear_regression_gradient(X, y, w, b):
        n = X.shape[0]
        r = X @ w + b - y
        return grad_w(X, r, n), grad_b(r, n) if grad_b.__code__.co_argcount == 2 \
            else grad_b(X, r, n)
    return linear_regression_gradient


def _lrg_loop(X, y, w, b):
    n, d = X.shape
    grad_w, grad_b = np.zeros(d), 0.0
    for i in range(n):
        r = X[i] @ w + b - y[i]
        grad_w += 2 * r * X[i] / n
        grad_b += 2 * r / n
    return grad_w, grad_b


def _lrg_no_bias(X, y, w, b):
    r = X @ w - y
    return 2 / len(y) * X.T @ r, 2 / len(y) * r.sum()


def _gd(body):
    return body


def _gd_reference_style(grad, theta0, lr, tol, max_steps):
    theta = theta0.copy()
    t = 0
    while t < max_steps:
        g = grad(theta)
        if np.sqrt(np.sum(g ** 2)) <= tol:
            break
        theta = theta - lr * g
        t += 1
    return theta, t


def _gd_budget_check_inside(grad, theta0, lr, tol, max_steps):
    theta = np.asarray(theta0, dtype=float).copy()
    for t in range(max_steps + 1):
        g = grad(theta)
        if t == max_steps or np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta - lr * g


def _gd_modifies_theta0(grad, theta0, lr, tol, max_steps):
    theta = theta0
    for t in range(max_steps):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta -= lr * g
    return theta, max_steps


def _gd_float_steps(grad, theta0, lr, tol, max_steps):
    theta, steps = 1.0 * theta0, 0.0
    while steps < max_steps:
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            break
        theta = theta - lr * g
        steps += 1.0
    return theta, steps


def _gd_while(condition, start=0, after=False):
    def gradient_descent(grad, theta0, lr, tol, max_steps):
        theta, steps = np.array(theta0, dtype=float), start
        while condition(np.linalg.norm(grad(theta)), tol, steps - start, max_steps):
            theta = theta - lr * grad(theta)
            steps += 1
        return theta, steps
    return gradient_descent


def _gd_no_budget(grad, theta0, lr, tol, max_steps):
    theta, steps = theta0.copy(), 0
    while np.linalg.norm(grad(theta)) > tol:
        theta = theta - lr * grad(theta)
        steps += 1
    return theta, steps


def _gd_after(grad, theta0, lr, tol, max_steps):
    theta = theta0.copy()
    for t in range(1, max_steps + 1):
        g = grad(theta)
        theta = theta - lr * g
        if np.linalg.norm(grad(theta)) <= tol:
            return theta, t
    return theta, max_steps


def _gd_once(grad, theta0, lr, tol, max_steps):
    theta = theta0.copy()
    g = grad(theta0)
    for t in range(max_steps):
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


VARIANTS = {
    "numerical_gradient": [
        Wrong("forward difference", _ng(lambda f, t, h, i: (f(_plus(t, i, h)) - f(t)) / h),
              "mistake: forward difference"),
        Wrong("backward difference", _ng(lambda f, t, h, i: (f(t) - f(_plus(t, i, -h))) / h),
              "mistake: backward difference"),
        Wrong("divided by h", _ng(lambda f, t, h, i: (f(_plus(t, i, h)) - f(_plus(t, i, -h)))
                                  / h), "mistake: divided by h"),
        Wrong("/ 2 * h", _ng(lambda f, t, h, i: (f(_plus(t, i, h)) - f(_plus(t, i, -h)))
                             / 2 * h), "mistake: / 2 * h"),
        Wrong("every entry at once", lambda f, theta, h=1e-5: np.full(
            theta.shape, (f(theta + h) - f(theta - h)) / (2 * h)),
            "mistake: all coordinates at once"),
        Wrong("h fixed at 1e-5", _ng_fixed_h(1e-5), "requirement: steps of size h"),
        Wrong("h fixed at 1e-4", _ng_fixed_h(1e-4), "requirement: steps of size h"),
        Wrong("h fixed at 1e-3", _ng_fixed_h(1e-3), "requirement: steps of size h"),
        Wrong("in place, not restored", _ng_in_place_not_restored,
              "requirement: inputs unchanged"),
        Wrong("a list", _ng_list, "mistake: a list"),
        Right("the notebook's .flat loop", _ng(
            lambda f, t, h, i: (f(_plus(t, i, h)) - f(_plus(t, i, -h))) / (2 * h))),
        Right("in place, restored", _ng_in_place_restored),
        Right("saved and put back, 0.5 · (...) / h", _ng_saved),
        Right("rows of np.eye", _ng_eye),
        Right("range(len(theta)) on a vector", _ng_rows),
        Right("reference with a keyword-only feel", lambda f, theta, h=1e-5: gradients
              ._numerical_gradient(f, theta, h=h)),
    ],
    "linear_regression_gradient": [
        Wrong("sign", _lrg(lambda X, r, n: -2 / n * X.T @ r, lambda r, n: -2 / n * r.sum()),
              "mistake: sign"),
        Wrong("sign of grad_w", _lrg(lambda X, r, n: 2 / n * r @ -X,
                                     lambda r, n: 2 * r.mean()), "mistake: sign of grad_w only"),
        Wrong("summed, not averaged", _lrg(lambda X, r, n: 2 * X.T @ r, lambda r, n: 2 * r.sum()),
              "mistake: no 1/n"),
        Wrong("½ convention", _lrg(lambda X, r, n: X.T @ r / n, lambda r, n: r.mean()),
              "mistake: no factor 2"),
        Wrong("divided by d", _lrg(lambda X, r, n: 2 / X.shape[1] * X.T @ r,
                                   lambda X, r, n: 2 * r.sum() / X.shape[1]),
              "mistake: divided by d"),
        Wrong("a column", _lrg(lambda X, r, n: 2 / n * X.T @ r[:, None], lambda r, n: 2 * r.mean()),
              "mistake: column vector"),
        Wrong("grad_b per sample", _lrg(lambda X, r, n: 2 / n * X.T @ r, lambda r, n: 2 / n * r),
              "mistake: bias per sample"),
        Wrong("b not in the residual", _lrg_no_bias, "mistake: b left out of the residual"),
        Wrong("grad_b not scaled", _lrg(lambda X, r, n: 2 / n * X.T @ r, lambda r, n: r.sum()),
              "mistake: grad_b without 2/n"),
        Wrong("grad_b = 2/n · mean", _lrg(lambda X, r, n: 2 / n * X.T @ r,
                                          lambda r, n: 2 / n * r.mean()),
              "mistake: grad_b divided by n twice"),
        Wrong("X r instead of Xᵀ r", _lrg(lambda X, r, n: 2 / n * X @ r, lambda r, n: 2 * r.mean()),
              "error: matmul"),
        Wrong("grad_b an array", _lrg(lambda X, r, n: 2 / n * X.T @ r,
                                      lambda r, n: 2 / n * np.sum(r, keepdims=True)),
              "mistake: grad_b an array"),
        Right("a loop over the samples", _lrg_loop),
        Right("mean of the rows", _lrg(lambda X, r, n: 2 * np.mean(X * r[:, None], axis=0),
                                       lambda r, n: 2 * np.mean(r))),
        Right("r @ X", _lrg(lambda X, r, n: 2 / n * (r @ X), lambda r, n: np.sum(2 * r) / n)),
    ],
    "gradient_descent": [
        Wrong("uphill", lambda grad, theta0, lr, tol, max_steps: _gd_reference_style(
            lambda th: -grad(th), theta0, lr, tol, max_steps), "mistake: sign"),
        Wrong("no tolerance", lambda grad, theta0, lr, tol, max_steps: _gd_reference_style(
            grad, theta0, lr, -1.0, max_steps)[:1] + (max_steps,), "mistake: never stops on the tolerance"),
        Wrong("tested after the step", _gd_after, "mistake: first step always taken"),
        Wrong("< instead of <=", _gd_while(lambda norm, tol, t, T: norm >= tol and t < T),
              "mistake: < instead of <="),
        Wrong("squared norm", lambda grad, theta0, lr, tol, max_steps: _gd_reference_style(
            grad, theta0, lr, tol ** 0.5, max_steps), "mistake: squared norm"),
        Wrong("counts from 1", _gd_while(lambda norm, tol, t, T: norm > tol and t < T, start=1),
              "mistake: count off by one, also at the budget"),
        Wrong("while t <= max_steps", _gd_while(lambda norm, tol, t, T: norm > tol and t <= T),
              "mistake: one step over the budget"),
        Wrong("budget ignored", _gd_no_budget, "mistake: budget ignored"),
        Wrong("gradient of θ₀ only", _gd_once, "mistake: gradient computed once"),
        Wrong("theta0 modified", _gd_modifies_theta0, "requirement: inputs unchanged"),
        Wrong("steps a float", _gd_float_steps, "requirement: integer output"),
        Right("while loop, sqrt of the sum of squares", _gd_reference_style),
        Right("budget tested inside the loop", _gd_budget_check_inside),
        Right("while with both conditions", _gd_while(lambda norm, tol, t, T: norm > tol and t < T)),
    ],
}


# A second pass over the statements.
def _ng_scalar_f(f, theta, h=1e-5):
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        grad[i] = (f(theta[i] + h) - f(theta[i] - h)) / (2 * h)
    return grad


def _ng_relative_step(f, theta, h=1e-5):
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[i] = h * max(1.0, abs(theta[i]))
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * step[i])
    return grad


def _gd_norm(norm, steps=lambda T: range(T)):
    def gradient_descent(grad, theta0, lr, tol, max_steps):
        theta = theta0.copy()
        for t in steps(max_steps):
            g = grad(theta)
            if norm(g, lr) <= tol:
                return theta, t
            theta = theta - lr * g
        return theta, len(steps(max_steps))
    return gradient_descent


VARIANTS["numerical_gradient"] += [
    Wrong("f of one entry", _ng_scalar_f, "requirement: f gets the whole theta"),
    Wrong("a step relative to θᵢ", _ng_relative_step, "requirement: steps of size h"),
]
VARIANTS["linear_regression_gradient"] += [
    Wrong("(grad_b, grad_w)", lambda X, y, w, b: gradients._linear_regression_gradient(
        X, y, w, b)[::-1], "mistake: values swapped"),
]
VARIANTS["gradient_descent"] += [
    Wrong("max |gᵢ|", _gd_norm(lambda g, lr: np.abs(g).max()),
          "mistake: largest entry instead of the norm"),
    Wrong("Σ |gᵢ|", _gd_norm(lambda g, lr: np.abs(g).sum()),
          "mistake: sum of |g| instead of the norm"),
    Wrong("‖lr·g‖", _gd_norm(lambda g, lr: np.linalg.norm(lr * g)), "mistake: norm of the step"),
    Wrong("range(max_steps - 1)", _gd_norm(lambda g, lr: np.linalg.norm(g),
                                           steps=lambda T: range(T - 1)),
          "mistake: one step short of the budget"),
]


VARIANTS["numerical_gradient"] += [
    Wrong("reversed difference", _ng(lambda f, t, h, i: (f(_plus(t, i, -h)) - f(_plus(t, i, h)))
                                     / (2 * h)), "mistake: reversed difference"),
]


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Wrong))
def test_wrong_answer_gets_its_own_hint(exercise, variant):
    assert_wrong(exercise, variant)


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Right))
def test_right_answer_passes(exercise, variant):
    assert_right(exercise, variant)
