"""The optimizer exercises' references agree with gdcourse.optim and torch.optim."""

import numpy as np
import pytest

from gdcourse.exercises import optimizers as ex
from gdcourse.optim import SGD, Adam, RMSprop
from gdcourse.optim.lr_scheduler import StepLR


def _gradients(steps, shape=(3,), seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) * 10.0 ** rng.integers(-3, 2) for _ in range(steps)]


def test_momentum_reference_matches_gdcourse_sgd():
    grads = _gradients(8)
    theta_ref, velocity = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    theta = theta_ref.copy()
    opt = SGD([theta], lr=0.05, momentum=0.9)
    for g in grads:
        theta_ref, velocity = ex._momentum_step(theta_ref, velocity, g, 0.05, 0.9)
        opt.step([g.copy()])
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(velocity, opt.state[theta]["momentum_buffer"], rtol=1e-12)


def test_momentum_forms_agree_with_constant_lr_and_differ_with_a_schedule():
    grads = _gradients(6)
    a, va = np.ones(3), np.zeros(3)
    b, vb = np.ones(3), np.zeros(3)
    for g in grads:
        a, va = ex._momentum_step(a, va, g, 0.1, 0.9)
        b, vb = ex._lr_inside(b, vb, g, 0.1, 0.9)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(0.1 * va, vb, rtol=1e-12)
    for g in grads:  # now the rate drops to 0.01: the forms part ways
        a, va = ex._momentum_step(a, va, g, 0.01, 0.9)
        b, vb = ex._lr_inside(b, vb, g, 0.01, 0.9)
    assert not np.allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("amsgrad", [False])
def test_adam_reference_matches_gdcourse_adam(amsgrad):
    grads = _gradients(10)
    theta_ref, m, v = np.array([1.0, -2.0, 0.5]), np.zeros(3), np.zeros(3)
    theta = theta_ref.copy()
    opt = Adam([theta], lr=0.01, betas=(0.8, 0.99), eps=1e-6, amsgrad=amsgrad)
    for t, g in enumerate(grads, start=1):
        theta_ref, m, v = ex._adam_step(theta_ref, g, m, v, t, lr=0.01, beta1=0.8,
                                        beta2=0.99, eps=1e-6)
        opt.step([g.copy()])
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(m, opt.state[theta]["exp_avg"], rtol=1e-12)
        np.testing.assert_allclose(v, opt.state[theta]["exp_avg_sq"], rtol=1e-12)


def test_adam_first_step_is_lr_times_sign_of_gradient():
    # Bias correction at t = 1: m̂ = g and v̂ = g², so the step is η g / (|g| + ε).
    g = np.array([3.0, -0.02, 1e3])
    theta, m, v = ex._adam_step(np.zeros(3), g, np.zeros(3), np.zeros(3), 1, lr=0.1,
                                eps=0.0)
    np.testing.assert_allclose(theta, -0.1 * np.sign(g), rtol=1e-14)
    np.testing.assert_allclose(m / (1 - 0.9), g, rtol=1e-14)
    np.testing.assert_allclose(v / (1 - 0.999), g**2, rtol=1e-12)


def test_references_match_torch():
    torch = pytest.importorskip("torch")
    grads = _gradients(10)
    start = np.array([1.0, -2.0, 0.5])
    # momentum
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.1)
    theta, velocity = start.copy(), np.zeros(3)
    for step, g in enumerate(grads):
        lr = 0.1 * 0.1 ** (step // 4)
        theta, velocity = ex._momentum_step(theta, velocity, g, lr, 0.9)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        sched.step()
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-12, atol=1e-15)
    # Adam
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    theta, m, v = start.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        theta, m, v = ex._adam_step(theta, g, m, v, t, lr=0.01)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-10, atol=1e-14)


def test_gdcourse_momentum_with_a_schedule_is_pytorchs_form():
    # With a schedule, gdcourse's SGD follows the reference (η outside the velocity).
    grads = _gradients(8)
    theta_ref, velocity = np.ones(3), np.zeros(3)
    theta = theta_ref.copy()
    opt = SGD([theta], lr=0.1, momentum=0.9)
    sched = StepLR(opt, step_size=3, gamma=0.5)
    for step, g in enumerate(grads):
        theta_ref, velocity = ex._momentum_step(theta_ref, velocity, g,
                                                opt.param_groups[0]["lr"], 0.9)
        opt.step([g.copy()])
        sched.step()
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-12)


def test_eps_case_separates_inside_from_outside():
    case = ex.ADAM_STEP.cases[2]
    ref = case.run(ex._adam_step)[0]
    inside = case.run(ex._adam_variant(eps_inside=True))[0]
    assert np.all(np.abs(ref - 0.5) > 5 * np.abs(inside - 0.5))


def test_rmsprop_reference_matches_gdcourse_and_torch():
    grads = _gradients(8)
    theta_ref, v = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    theta = theta_ref.copy()
    opt = RMSprop([theta], lr=0.01, alpha=0.9, eps=1e-6)
    for g in grads:
        theta_ref, v = ex._rmsprop_step(theta_ref, g, v, lr=0.01, alpha=0.9, eps=1e-6)
        opt.step([g.copy()])
        np.testing.assert_allclose(theta_ref, theta, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(v, opt.state[theta]["square_avg"], rtol=1e-12)
    torch = pytest.importorskip("torch")
    p = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    topt = torch.optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-6)
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
    np.testing.assert_allclose(theta_ref, p.detach().numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("t", [1, 3, 50])
def test_efficient_version_is_the_reference_with_eps_divided(t):
    # Kingma & Ba, end of section 2: eta_t = eta sqrt(1 - beta2^t) / (1 - beta1^t) and
    # eps-hat added to sqrt(v_t) equal Algorithm 1 with eps = eps-hat / sqrt(1 - beta2^t).
    rng = np.random.default_rng(t)
    theta, g = rng.normal(size=4), rng.normal(size=4) * 1e-5
    m, v = rng.normal(size=4) * 1e-5, rng.uniform(size=4) * 1e-10
    efficient = ex._efficient_version(theta, g, m, v, t, lr=0.01, eps=1e-8)
    divided = ex._adam_step(theta, g, m, v, t, lr=0.01, eps=1e-8 / np.sqrt(1 - 0.999**t))
    for a, b in zip(efficient, divided):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert not np.allclose(efficient[0], ex._adam_step(theta, g, m, v, t, lr=0.01)[0],
                           rtol=1e-6)
