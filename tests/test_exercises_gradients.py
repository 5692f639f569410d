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
