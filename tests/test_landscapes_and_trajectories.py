"""Tests of gdcourse.landscapes, gdcourse.trajectories, gdcourse.convergence and gdcourse.geometry.

References used here, independent of the code under test: finite differences of the
values (gradients) and of the gradients (Hessians); the published minima of
Himmelblau's function; the closed-form theory of gradient descent on a quadratic
(Nocedal & Wright, section 3.3) and Polyak's heavy-ball optimum (Goh 2017);
hand-computed divergence steps; a plain reference loop written with the public API.
"""

import math
import warnings

import numpy as np
import pytest

from gdcourse.divergence import Divergence
from gdcourse.convergence import heavy_ball_rate, steps_per_decade
from gdcourse.geometry import exit_point, first_exit, largest_value_clipping_turn, turn_angle_degrees
from gdcourse.landscapes import CURVES, LANDSCAPES, Basins, Beale, Cliff, DoubleWell, Himmelblau, Landscape, Parabola, Quadratic, Rosenbrock, Saddle, get_landscape
from gdcourse.trajectories import ESCAPE_FACTOR, Trajectory, default_label, race, trace
from gdcourse.optim import (
    SGD, Adagrad, Adam, NAdam, RMSprop, clip_grad_norm_, clip_grad_value_,
)
from gdcourse.optim.lr_scheduler import (
    CosineAnnealingLR, LinearLR, OneCycleLR, ReduceLROnPlateau, StepLR,
)

ALL_LANDSCAPES = [
    Quadratic(), Quadratic(condition_number=50.0, angle=0.7, scale=0.3), Rosenbrock(),
    Rosenbrock(a=-0.5, b=10.0), Beale(), Himmelblau(), Saddle(), Cliff(), Basins(),
]
IDS = [repr(f) for f in ALL_LANDSCAPES]


def random_points(landscape, n, seed):
    """``n`` points spread over the plot box (and a little beyond it)."""
    rng = np.random.default_rng(seed)
    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    return np.column_stack([rng.uniform(x_lo - 0.5, x_hi + 0.5, n),
                            rng.uniform(y_lo - 0.5, y_hi + 0.5, n)])


def five_point_derivative(function, p, h):
    """Central differences with error O(h^4), one column per coordinate."""
    columns = []
    for axis in range(2):
        e = np.zeros(2)
        e[axis] = h
        columns.append((-function(p + 2 * e) + 8 * function(p + e) - 8 * function(p - e)
                        + function(p - 2 * e)) / (12 * h))
    return np.array(columns)


def reference_trace(landscape, optimizer_cls, steps, *, start=None, scheduler=None,
                    max_norm=None, clip_value=None, noise_std=0.0, rng=None, **kwargs):
    """The loop a learner would write, with the public API only (no divergence check)."""
    theta = np.array(landscape.start if start is None else start, dtype=float)
    opt = optimizer_cls([theta], **kwargs)
    sched = scheduler(opt) if scheduler is not None else None
    path, losses, lrs, norms = [theta.copy()], [landscape.value(theta)], [], []
    for _ in range(steps):
        g = landscape.noisy_grad(theta, noise_std, rng)
        norms.append(np.linalg.norm(g))
        if max_norm is not None:  # norm first, then value: the order of gdcourse.train
            clip_grad_norm_([g], max_norm)
        if clip_value is not None:
            clip_grad_value_([g], clip_value)
        lrs.append(opt.param_groups[0]["lr"])
        opt.step([g])
        loss = landscape.value(theta)
        path.append(theta.copy())
        losses.append(loss)
        if isinstance(sched, ReduceLROnPlateau):
            sched.step(loss)
        elif sched is not None:
            sched.step()
    return np.array(path), np.array(losses), np.array(lrs), np.array(norms)


# =============================================================================
# The landscapes: derivatives, minima, vectorisation
# =============================================================================
@pytest.mark.parametrize("landscape", ALL_LANDSCAPES, ids=IDS)
def test_grad_matches_finite_differences_of_the_value(landscape):
    for seed, p in enumerate(random_points(landscape, 12, seed=1)):
        expected = five_point_derivative(landscape.value, p, h=1e-4)
        scale = max(1.0, abs(landscape.value(p)))
        np.testing.assert_allclose(landscape.grad(p), expected, rtol=1e-6,
                                   atol=1e-9 * scale, err_msg=f"at {p}")


@pytest.mark.parametrize("landscape", ALL_LANDSCAPES, ids=IDS)
def test_hessian_matches_finite_differences_of_the_grad(landscape):
    for p in random_points(landscape, 12, seed=2):
        expected = five_point_derivative(landscape.grad, p, h=1e-4)  # rows: d/dx, d/dy
        hessian = landscape.hessian(p)
        np.testing.assert_array_equal(hessian, hessian.T)
        scale = max(1.0, np.abs(landscape.grad(p)).max())
        np.testing.assert_allclose(hessian, expected, rtol=1e-6, atol=1e-8 * scale,
                                   err_msg=f"at {p}")


def test_base_class_hessian_falls_back_to_finite_differences():
    class Bowl(Landscape):
        name = "Bowl"

        def _value(self, x, y):
            return x * x * y + 3 * y * y

        def _grad(self, x, y):
            return (2 * x * y, x * x + 6 * y)

    np.testing.assert_allclose(Bowl().hessian([1.5, -2.0]), [[-4.0, 3.0], [3.0, 6.0]],
                               rtol=1e-8)


@pytest.mark.parametrize("landscape", ALL_LANDSCAPES, ids=IDS)
def test_every_listed_minimum_is_a_minimum(landscape):
    minima = landscape.minima
    assert minima.ndim == 2 and minima.shape[1] == 2
    for m in minima:
        np.testing.assert_allclose(landscape.grad(m), 0.0, atol=1e-9)
        assert np.all(np.linalg.eigvalsh(landscape.hessian(m)) > 0), f"not a minimum: {m}"
    values = [landscape.value(m) for m in minima]
    if len(values):
        assert values[0] == pytest.approx(landscape.min_value, abs=1e-12)
        assert np.all(np.diff(values) >= -1e-12), "minima are listed deepest first"
        (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
        assert np.all((minima[:, 0] > x_lo) & (minima[:, 0] < x_hi)
                      & (minima[:, 1] > y_lo) & (minima[:, 1] < y_hi))
    # No point of a grid over the box is lower than the global minimum.
    X, Y = np.meshgrid(np.linspace(*landscape.bounds[0], 301),
                       np.linspace(*landscape.bounds[1], 301))
    assert np.min(landscape(X, Y)) >= landscape.min_value - 1e-12


@pytest.mark.parametrize("landscape,minima,min_value", [
    (Quadratic(condition_number=7.0, angle=1.0), [[0, 0]], 0.0),
    (Rosenbrock(), [[1, 1]], 0.0),
    (Rosenbrock(a=2.0, b=5.0), [[2, 4]], 0.0),
    (Beale(), [[3, 0.5]], 0.0),
    # Himmelblau (1972), and e.g. Wikipedia's "Test functions for optimization"
    (Himmelblau(), [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186],
                    [3.584428, -1.848126]], 0.0),
    (Cliff(), [[2, 0]], 0.0),
])
def test_known_minima_match_the_literature(landscape, minima, min_value):
    np.testing.assert_allclose(landscape.minima, minima, atol=5e-7)
    assert landscape.min_value == pytest.approx(min_value, abs=1e-20)


def test_basins_have_four_distinct_minima_of_different_depths():
    f = Basins()
    depths = [f.value(m) for m in f.minima]
    assert len(depths) == 4 and np.all(np.diff(depths) > 0.2)
    assert np.min(np.linalg.norm(f.minima[:, None] - f.minima[None], axis=-1)
                  + 10 * np.eye(4)) > 1.0
    for m, ((cx, cy), _, _) in zip(f.minima, f.WELLS):
        assert np.hypot(m[0] - cx, m[1] - cy) < 0.2  # each minimum near its well


def test_saddle_has_no_minimum():
    f = Saddle()
    assert f.minima.shape == (0, 2) and f.min_value == -math.inf
    np.testing.assert_array_equal(f.grad([0.0, 0.0]), [0.0, 0.0])
    assert sorted(np.linalg.eigvalsh(f.hessian([0.0, 0.0]))) == [-2.0, 2.0]


@pytest.mark.parametrize("landscape", ALL_LANDSCAPES, ids=IDS)
def test_vectorised_call_equals_pointwise_value(landscape):
    X, Y = np.meshgrid(np.linspace(*landscape.bounds[0], 7),
                       np.linspace(*landscape.bounds[1], 5))
    Z = landscape(X, Y)
    assert Z.shape == (5, 7)
    expected = [[landscape.value([x, y]) for x, y in zip(xs, ys)] for xs, ys in zip(X, Y)]
    np.testing.assert_allclose(Z, expected, rtol=1e-14, atol=1e-14)
    # broadcasting a column against a row gives the same grid
    np.testing.assert_allclose(landscape(X[:1, :], Y[:, :1]), Z, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("landscape", ALL_LANDSCAPES, ids=IDS)
def test_attributes_are_well_formed(landscape):
    assert isinstance(landscape.name, str) and LANDSCAPES[landscape.name] is type(landscape)
    assert landscape.start.shape == (2,)
    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    assert x_lo < landscape.start[0] < x_hi and y_lo < landscape.start[1] < y_hi
    assert not landscape.start.flags.writeable and not landscape.minima.flags.writeable
    assert repr(landscape).startswith(type(landscape).__name__ + "(")
    namespace = {cls.__name__: cls for cls in LANDSCAPES.values()}
    rebuilt = eval(repr(landscape), namespace)  # the repr rebuilds the landscape
    p = np.array([0.3, -0.7])
    assert rebuilt.value(p) == landscape.value(p)


def test_registry_builds_landscapes_by_name_in_any_case():
    assert list(LANDSCAPES) == ["Quadratic", "Rosenbrock", "Beale", "Himmelblau",
                                "Saddle", "Cliff", "Basins"]
    for name, cls in LANDSCAPES.items():
        assert isinstance(get_landscape(name.lower()), cls)
    q = get_landscape("QUADRATIC", condition_number=50.0)
    assert q.condition_number == 50.0


# =============================================================================
# The quadratic and the theory of gradient descent
# =============================================================================
@pytest.mark.parametrize("kappa,angle,scale", [(10.0, 0.0, 1.0), (50.0, 0.7, 0.3),
                                               (1.0, -2.0, 4.0)])
def test_quadratic_matrix_and_constants(kappa, angle, scale):
    f = Quadratic(condition_number=kappa, angle=angle, scale=scale)
    assert (f.mu, f.L, f.condition_number) == (scale, scale * kappa, kappa)
    np.testing.assert_allclose(np.linalg.eigvalsh(f.A), [scale, scale * kappa], rtol=1e-12)
    flat = np.array([math.cos(angle), math.sin(angle)])  # the low-curvature direction
    np.testing.assert_allclose(f.A @ flat, scale * flat, atol=1e-12)
    np.testing.assert_array_equal(f.hessian([1.0, 2.0]), f.A)
    p = np.array([0.4, -1.3])
    assert f.value(p) == pytest.approx(0.5 * p @ f.A @ p, rel=1e-14)
    assert f.max_stable_lr == pytest.approx(2 / (scale * kappa))
    assert f.optimal_lr == pytest.approx(2 / (scale + scale * kappa))
    assert f.gd_rate(f.optimal_lr) == pytest.approx((kappa - 1) / (kappa + 1), abs=1e-15)


def test_optimal_momentum_hand_values():
    # kappa = 100, mu = 1: lr = 4 / (10 + 1)^2, momentum = ((10 - 1) / (10 + 1))^2
    lr, momentum = Quadratic(condition_number=100.0).optimal_momentum()
    assert lr == pytest.approx(4 / 121, rel=1e-15)
    assert momentum == pytest.approx(81 / 121, rel=1e-15)
    lr, momentum = Quadratic(condition_number=4.0, scale=2.0).optimal_momentum()
    assert lr == pytest.approx(4 / (math.sqrt(8) + math.sqrt(2)) ** 2)
    assert momentum == pytest.approx(1 / 9)


@pytest.mark.parametrize("lr_times_L", [0.5, 1.0, 1.5, 20 / 11, 1.9, 1.99])
def test_measured_contraction_factor_equals_gd_rate(lr_times_L):
    f = Quadratic(condition_number=10.0, angle=0.3)
    lr = lr_times_L / f.L
    run = trace(f, SGD, 200, lr=lr)
    errors = np.linalg.norm(run.path, axis=1)  # the minimum is the origin
    measured = (errors[200] / errors[180]) ** (1 / 20)
    assert measured == pytest.approx(f.gd_rate(lr), rel=1e-6)


def test_optimal_lr_gives_the_smallest_gd_rate():
    f = Quadratic(condition_number=10.0)
    grid = np.linspace(0.0, 1.2 * f.max_stable_lr, 2001)
    rates = np.array([f.gd_rate(lr) for lr in grid])
    assert rates.min() >= f.gd_rate(f.optimal_lr) - 1e-15
    assert abs(grid[np.argmin(rates)] - f.optimal_lr) <= grid[1]
    # and in practice: the optimal rate reaches 1e-8 in fewer steps than its neighbours
    steps = {lr: steps_to_reach(f, 1e-8, SGD, 400, lr=lr)
             for lr in (0.8 * f.optimal_lr, f.optimal_lr, 1.05 * f.optimal_lr)}
    assert min(steps, key=steps.get) == f.optimal_lr


def steps_to_reach(landscape, tolerance, optimizer_cls, steps, **kwargs):
    """First step after which the iterate is within ``tolerance`` of the origin."""
    run = trace(landscape, optimizer_cls, steps, **kwargs)
    close = np.flatnonzero(np.linalg.norm(run.path, axis=1) <= tolerance)
    assert close.size, f"{run.label} did not reach {tolerance} in {steps} steps"
    return int(close[0])


def test_lr_just_below_max_stable_converges_just_above_diverges():
    f = Quadratic(condition_number=10.0, angle=0.4)
    below = trace(f, SGD, 1000, lr=0.98 * f.max_stable_lr)
    assert not below.diverged and below.distance_to_minimum() < 1e-10

    lr = 1.02 * f.max_stable_lr
    above = trace(f, SGD, 2000, lr=lr)
    assert above.diverged and "loss grew" in above.divergence.reason
    # Closed form: in the eigenbasis each component is multiplied by 1 - lr * lambda.
    c = np.linalg.eigh(f.A)[1].T @ f.start
    lambdas = np.linalg.eigvalsh(f.A)
    initial = 0.5 * np.sum(lambdas * c**2)
    t = 0
    while 0.5 * np.sum(lambdas * c**2 * (1 - lr * lambdas) ** (2 * t)) <= 1e8 * initial:
        t += 1
    assert above.divergence.step == t
    assert above.steps_taken == t and len(above.path) == t + 1


def test_divergence_step_by_hand():
    # mu = 1, L = 4, start on the steep axis, lr = 3/L = 0.75: y <- y - 0.75*4*y = -2y,
    # exactly in binary. Loss 2*y^2 = 2*4^t exceeds 1e8 * 2 first at t = 14
    # (4^13 = 6.7e7 < 1e8 < 4^14 = 2.7e8).
    run = trace(Quadratic(condition_number=4.0), SGD, 50, start=[0.0, 1.0], lr=0.75)
    assert run.divergence == Divergence(14, "loss grew from 2 to 5.37e+08")
    assert run.steps_taken == 14
    np.testing.assert_array_equal(run.path[:, 1], (-2.0) ** np.arange(15))
    np.testing.assert_array_equal(run.losses, 2.0 * 4.0 ** np.arange(15))
    assert run.summary() == ("SGD(lr=0.75): diverged at step 14: loss grew from 2 to "
                             "5.37e+08 — try a smaller learning rate")


def test_heavy_ball_optimum_beats_optimal_plain_gd():
    f = Quadratic(condition_number=100.0, angle=0.5)
    lr, momentum = f.optimal_momentum()
    heavy_ball = steps_to_reach(f, 1e-8, SGD, 3000, lr=lr, momentum=momentum)
    plain = steps_to_reach(f, 1e-8, SGD, 3000, lr=f.optimal_lr)
    # Theory: rates 0.818 vs 0.980 per step, so about 9x fewer steps (measured: 130 vs
    # 1015); the heavy ball's double eigenvalue costs it a polynomial factor.
    assert heavy_ball * 5 < plain
    assert plain == pytest.approx(math.log(1e-8 / np.linalg.norm(f.start))
                                  / math.log(f.gd_rate(f.optimal_lr)), abs=3)


# =============================================================================
# trace: reaching minima
# =============================================================================
# Steps and tolerances calibrated by measuring (distance to the nearest minimum after
# the given steps, in brackets) with a margin of about 10x or more.
CONVERGENCE = [
    ("Quadratic", SGD, dict(lr=0.1), 300, 1e-10),                              # 7.5e-14
    ("Quadratic", SGD, dict(lr=0.05, momentum=0.9), 300, 1e-5),                # 3.2e-07
    ("Quadratic", SGD, dict(lr=0.05, momentum=0.9, nesterov=True), 300, 1e-8),  # 2.5e-10
    ("Quadratic", Adam, dict(lr=0.1), 300, 1e-5),                              # 7.1e-07
    ("Quadratic", Adagrad, dict(lr=1.0), 100, 1e-5),                           # 2.3e-07
    ("Quadratic", NAdam, dict(lr=0.1), 300, 1e-7),                             # 3.7e-09
    ("Rosenbrock", SGD, dict(lr=1e-3, momentum=0.9), 3000, 1e-4),              # 2.7e-06
    ("Rosenbrock", SGD, dict(lr=1e-3, momentum=0.9, nesterov=True), 3000, 1e-4),  # 3.3e-6
    ("Rosenbrock", Adam, dict(lr=0.05), 3000, 1e-7),                           # 1.6e-09
    ("Himmelblau", SGD, dict(lr=0.01), 100, 1e-10),                            # 1.1e-13
    ("Himmelblau", SGD, dict(lr=0.005, momentum=0.9), 300, 1e-5),              # 2.4e-07
    ("Himmelblau", Adam, dict(lr=0.1), 300, 1e-5),                             # 8.0e-07
    ("Himmelblau", Adagrad, dict(lr=0.5), 100, 1e-6),                          # 1.9e-08
    ("Himmelblau", RMSprop, dict(lr=0.01), 1000, 1e-6),                        # 0.0
    ("Beale", SGD, dict(lr=0.01), 3000, 1e-3),                                 # 4.3e-05
    ("Beale", SGD, dict(lr=0.003, momentum=0.9), 1000, 1e-4),                  # 6.7e-06
    ("Beale", Adam, dict(lr=0.1), 1000, 1e-5),                                 # 3.3e-07
    ("Beale", Adagrad, dict(lr=0.5), 3000, 1e-3),                              # 1.8e-05
    ("Beale", NAdam, dict(lr=0.1), 1000, 1e-5),                                # 6.2e-07
]


@pytest.mark.parametrize("name,optimizer_cls,kwargs,steps,tolerance", CONVERGENCE,
                         ids=[f"{c[0]}-{default_label(c[1], c[2])}" for c in CONVERGENCE])
def test_trace_reaches_a_known_minimum(name, optimizer_cls, kwargs, steps, tolerance):
    run = trace(name, optimizer_cls, steps, **kwargs)
    assert not run.diverged
    assert run.steps_taken == steps and run.path.shape == (steps + 1, 2)
    assert run.distance_to_minimum() < tolerance
    assert run.final_loss < 1e3 * tolerance**2 + 1e-12  # near a minimum of value 0
    assert run.landscape_name == name


@pytest.mark.parametrize("optimizer_cls,kwargs,minimum", [
    (SGD, dict(lr=0.01), 3),
    (SGD, dict(lr=0.005, momentum=0.9), 3),
    (Adam, dict(lr=0.1), 0),
    (Adagrad, dict(lr=0.5), 0),
])
def test_himmelblau_start_sends_optimizers_to_different_minima(optimizer_cls, kwargs,
                                                               minimum):
    f = Himmelblau()
    run = trace(f, optimizer_cls, 500, **kwargs)
    np.testing.assert_allclose(run.final_point, f.minima[minimum], atol=1e-4)


@pytest.mark.parametrize("kwargs,basin", [(dict(lr=0.05), 2),
                                          (dict(lr=0.05, momentum=0.9), 0)])
def test_basins_small_steps_stay_shallow_momentum_goes_deep(kwargs, basin):
    f = Basins()
    run = trace(f, SGD, 400, **kwargs)
    np.testing.assert_allclose(run.final_point, f.minima[basin], atol=1e-4)


# =============================================================================
# trace: the cliff, the saddle, divergence without warnings
# =============================================================================
def test_cliff_unclipped_step_jumps_out_clipped_descends_smoothly():
    f = Cliff()
    (x_lo, x_hi), (y_lo, y_hi) = f.bounds
    unclipped = trace(f, SGD, 200, lr=0.1)
    jump = unclipped.path[1]
    assert jump[0] > x_hi + 3  # one step of length ~10 from the wall
    assert unclipped.grad_norms[0] > 100

    clipped = trace(f, SGD, 200, lr=0.1, max_norm=1.0)
    inside = ((clipped.path[:, 0] >= x_lo) & (clipped.path[:, 0] <= x_hi)
              & (clipped.path[:, 1] >= y_lo) & (clipped.path[:, 1] <= y_hi))
    assert inside.all()
    assert np.all(np.diff(clipped.losses) <= 0)  # the loss never goes up
    assert np.max(np.linalg.norm(np.diff(clipped.path, axis=0), axis=1)) <= 0.1
    assert clipped.grad_norms[0] > 100  # recorded before clipping
    assert clipped.distance_to_minimum() < 1e-3


def test_saddle_run_escapes_and_is_reported():
    f = Saddle()
    run = trace(f, SGD, 500, lr=0.1)
    # |y| grows by 1 + 2*lr = 1.2 per step from 0.05; the box's half-width is 5, so the
    # run stops at the first t with 0.05 * 1.2^t > 5e6: t = 102 (1.2^101 = 9.9e7).
    assert run.divergence.step == 102 and run.steps_taken == 102
    assert run.divergence.reason == "the iterate left the plot region by a factor of 1e6"
    assert "no minimum" in run.divergence.advice
    assert abs(run.final_point[1]) > 5 * ESCAPE_FACTOR
    assert math.isnan(run.distance_to_minimum())
    short = trace(f, SGD, 30, lr=0.1)  # capping the steps shows just the escape
    assert not short.diverged and short.final_loss < f.value(f.start)


@pytest.mark.parametrize("landscape,optimizer_cls,kwargs,reason", [
    (Quadratic(), SGD, dict(lr=1e300), "loss is inf"),
    (Saddle(), SGD, dict(lr=1e300), "loss is nan"),  # inf - inf
    (Rosenbrock(), SGD, dict(lr=0.01), "loss grew"),
    (Rosenbrock(), SGD, dict(lr=1e100), "loss is inf"),
    (Beale(), Adam, dict(lr=1e300), "loss is inf"),
    (Himmelblau(), SGD, dict(lr=0.5, momentum=0.9), "loss grew"),
    (Cliff(), SGD, dict(lr=1e300), "loss is inf"),
    (Basins(), SGD, dict(lr=1e300), "loss is inf"),
])
def test_diverging_runs_stop_quietly(landscape, optimizer_cls, kwargs, reason):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = trace(landscape, optimizer_cls, 100, **kwargs)
    assert run.diverged and reason in run.divergence.reason
    assert run.divergence.step == run.steps_taken >= 1
    assert np.all(np.isfinite(run.losses[:-1]))
    assert len(run.path) == len(run.losses) == run.steps_taken + 1
    assert len(run.lrs) == len(run.grad_norms) == run.steps_taken
    assert run.summary() == f"{run.label}: {run.divergence}"


def test_a_start_with_infinite_loss_diverges_at_step_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = trace(Rosenbrock(), SGD, 10, start=[1e100, -1e100], lr=1e-3)
    assert run.divergence == Divergence(0, "loss is inf")
    assert run.steps_taken == 0 and run.path.shape == (1, 2)


# =============================================================================
# trace: noise, schedulers, clipping
# =============================================================================
def test_noise_is_reproducible_and_matches_noisy_grad():
    f = Rosenbrock()
    kwargs = dict(lr=1e-3, momentum=0.9, noise_std=2.0)
    a = trace(f, SGD, 100, rng=np.random.default_rng(7), **kwargs)
    b = trace(f, SGD, 100, rng=np.random.default_rng(7), **kwargs)
    c = trace(f, SGD, 100, rng=np.random.default_rng(8), **kwargs)
    np.testing.assert_array_equal(a.path, b.path)
    assert np.abs(a.path - c.path).max() > 1e-3
    path, losses, _, norms = reference_trace(f, SGD, 100, lr=1e-3, momentum=0.9,
                                             noise_std=2.0, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.path, path)
    np.testing.assert_array_equal(a.losses, losses)
    np.testing.assert_allclose(a.grad_norms, norms, rtol=1e-15)


def test_zero_noise_ignores_the_rng():
    f = Himmelblau()
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    with_rng = trace(f, Adam, 50, lr=0.1, rng=rng)
    without = trace(f, Adam, 50, lr=0.1)
    np.testing.assert_array_equal(with_rng.path, without.path)
    assert rng.bit_generator.state == state
    np.testing.assert_array_equal(f.noisy_grad(f.start, 0.0, None), f.grad(f.start))


def test_noisy_grad_is_unbiased_with_the_given_spread():
    f, rng = Beale(), np.random.default_rng(0)
    samples = np.array([f.noisy_grad(f.start, 0.5, rng) for _ in range(20000)])
    np.testing.assert_allclose(samples.mean(axis=0), f.grad(f.start),
                               atol=5 * 0.5 / math.sqrt(20000))
    np.testing.assert_allclose(samples.std(axis=0), 0.5, rtol=0.03)
    np.testing.assert_array_equal(f.grad(f.start), Beale().grad(Beale().start))


SCHEDULERS = [
    (lambda opt: StepLR(opt, step_size=10, gamma=0.5), StepLR,
     dict(step_size=10, gamma=0.5)),
    (lambda opt: CosineAnnealingLR(opt, T_max=40), CosineAnnealingLR, dict(T_max=40)),
    (lambda opt: LinearLR(opt, start_factor=0.1, total_iters=10), LinearLR,
     dict(start_factor=0.1, total_iters=10)),
    (lambda opt: OneCycleLR(opt, max_lr=0.1, total_steps=40), OneCycleLR,
     dict(max_lr=0.1, total_steps=40)),
]


@pytest.mark.parametrize("make,scheduler_cls,kwargs", SCHEDULERS,
                         ids=[s[1].__name__ for s in SCHEDULERS])
def test_scheduler_rates_are_recorded_and_used(make, scheduler_cls, kwargs):
    f = Quadratic(condition_number=10.0, angle=0.2)
    run = trace(f, SGD, 40, lr=0.1, momentum=0.5, scheduler=make)
    probe = scheduler_cls(SGD([np.zeros(2)], lr=0.1, momentum=0.5), **kwargs)
    np.testing.assert_allclose(run.lrs, [probe.lr_at(t)[0] for t in range(40)], rtol=1e-15)
    assert len(set(run.lrs.tolist())) > 1
    path, losses, lrs, _ = reference_trace(f, SGD, 40, lr=0.1, momentum=0.5,
                                           scheduler=make)
    np.testing.assert_array_equal(run.path, path)
    np.testing.assert_array_equal(run.lrs, lrs)


def test_reduce_on_plateau_gets_the_loss():
    # At lr = 2/L the steep component flips sign for ever: the loss plateaus at
    # L*c^2/2 and ReduceLROnPlateau must cut the rate.
    f = Quadratic(condition_number=10.0)
    make = lambda opt: ReduceLROnPlateau(opt, patience=3, factor=0.1)  # noqa: E731
    run = trace(f, SGD, 80, lr=f.max_stable_lr, scheduler=make)
    assert run.lrs[0] == f.max_stable_lr and run.lrs[-1] < f.max_stable_lr / 5
    path, _, lrs, _ = reference_trace(f, SGD, 80, lr=f.max_stable_lr, scheduler=make)
    np.testing.assert_array_equal(run.path, path)
    np.testing.assert_array_equal(run.lrs, lrs)
    plateau = 0.5 * f.L * 1.5**2  # the start's steep component is 1.5
    assert run.losses[20] == pytest.approx(plateau, rel=1e-3)
    assert run.final_loss < 1e-3 * plateau


@pytest.mark.parametrize("landscape,lr,clip", [
    (Rosenbrock(), 1e-3, dict(max_norm=1.0)),
    (Rosenbrock(), 1e-3, dict(clip_value=0.5)),
    (Rosenbrock(), 1e-3, dict(max_norm=2.0, clip_value=1.5)),
    # on the cliff clipping bites on the first steps only
    (Cliff(), 0.1, dict(max_norm=1.0)),
    (Cliff(), 0.1, dict(clip_value=0.5)),
])
def test_clipping_bounds_every_step(landscape, lr, clip):
    f = landscape
    run = trace(f, SGD, 200, lr=lr, **clip)
    steps = np.diff(run.path, axis=0)
    if "max_norm" in clip:
        assert np.linalg.norm(steps, axis=1).max() <= lr * clip["max_norm"] * (1 + 1e-12)
    if "clip_value" in clip:
        assert np.abs(steps).max() <= lr * clip["clip_value"] * (1 + 1e-12)
    assert run.grad_norms.max() > 100  # the raw norms are recorded, before clipping
    path, _, _, norms = reference_trace(f, SGD, 200, lr=lr, **clip)
    np.testing.assert_array_equal(run.path, path)
    np.testing.assert_allclose(run.grad_norms, norms, rtol=1e-15)


# =============================================================================
# trace: the record, labels, summaries, inputs
# =============================================================================
def test_trajectory_record_and_properties():
    f = Himmelblau()
    start = np.array([1.0, 1.0])
    run = trace(f, SGD, 25, start=start, lr=0.01)
    np.testing.assert_array_equal(start, [1.0, 1.0])  # not modified
    np.testing.assert_array_equal(run.path[0], start)
    assert isinstance(run, Trajectory) and run.steps_taken == 25 and not run.diverged
    assert run.path.shape == (26, 2) and run.losses.shape == (26,)
    assert run.lrs.shape == run.grad_norms.shape == (25,)
    np.testing.assert_array_equal(run.lrs, 0.01)
    np.testing.assert_array_equal(run.final_point, run.path[-1])
    assert run.final_loss == run.losses[-1] == f.value(run.final_point)
    np.testing.assert_allclose(run.grad_norms, [np.linalg.norm(f.grad(p))
                                                for p in run.path[:-1]], rtol=1e-15)
    assert run.distance_to_minimum() == pytest.approx(np.linalg.norm(run.final_point
                                                                     - [3.0, 2.0]))
    assert trace(f, SGD, 0, lr=0.01).path.shape == (1, 2)
    assert trace(f, SGD, 0, lr=0.01).summary() == \
        f"SGD(lr=0.01): loss {f.value(f.start):.1e} after 0 steps"


@pytest.mark.parametrize("optimizer_cls,kwargs,label", [
    (SGD, dict(lr=0.1, momentum=0.9), "SGD(lr=0.1, momentum=0.9)"),
    (SGD, dict(lr=0.1, momentum=0, dampening=0.0), "SGD(lr=0.1)"),
    (SGD, dict(momentum=0.9), "SGD(lr=0.001, momentum=0.9)"),
    (Adam, dict(lr=0.01, betas=(0.9, 0.99)), "Adam(lr=0.01, betas=(0.9, 0.99))"),
    (Adam, dict(lr=3e-4, betas=[0.9, 0.999], amsgrad=True), "Adam(lr=0.0003, amsgrad=True)"),
    (RMSprop, dict(lr=0.01), "RMSprop(lr=0.01)"),
])
def test_default_label(optimizer_cls, kwargs, label):
    assert default_label(optimizer_cls, kwargs) == label
    assert trace(Quadratic(), optimizer_cls, 3, **kwargs).label == label


def test_summary_and_explicit_label():
    run = trace(Quadratic(), Adam, 200, lr=0.1, label="fast Adam")
    assert run.label == "fast Adam"
    assert run.summary() == f"fast Adam: loss {run.final_loss:.1e} after 200 steps"
    assert trace(Quadratic(), Adam, 1, lr=0.1).summary().endswith("after 1 step")


@pytest.mark.parametrize("call,error,message", [
    (lambda: get_landscape("Ackley"), ValueError, "unknown landscape 'Ackley'; choose one of"),
    (lambda: get_landscape(3), TypeError, "must be a string"),
    (lambda: trace("nope", SGD, 10), ValueError, "unknown landscape"),
    (lambda: trace(Beale(), SGD, -1), ValueError, "steps must be >= 0, got -1"),
    (lambda: trace(Beale(), SGD, 2.5), TypeError, "steps must be an integer"),
    (lambda: trace(Beale(), SGD, 5, start=[1.0, 2.0, 3.0]), ValueError,
     r"start must be a point \(x, y\) of shape \(2,\), got shape \(3,\)"),
    (lambda: trace(Beale(), SGD, 5, start=[[1.0], [2.0]]), ValueError, r"shape \(2, 1\)"),
    (lambda: trace(Beale(), SGD, 5, start=[1.0, np.nan]), ValueError, "start must be finite"),
    (lambda: trace(Beale(), SGD, 5, noise_std=0.1), ValueError, "needs a random generator"),
    (lambda: trace(Beale(), SGD, 5, noise_std=-0.1), ValueError, "noise_std must be >= 0"),
    (lambda: trace(Beale(), SGD, 5, noise_std=0.1, rng=42), TypeError,
     "rng must be a numpy.random.Generator"),
    (lambda: trace(Beale(), SGD([np.zeros(2)]), 5), TypeError, "optimizer_cls must be"),
    (lambda: trace(42, SGD, 5), TypeError, "landscape must be a Landscape"),
    (lambda: trace(Beale(), SGD, 5, max_norm=-1.0), ValueError, "max_norm must be >= 0"),
    (lambda: trace(Beale(), SGD, 5, scheduler=3), TypeError, "scheduler must be"),
    (lambda: trace(Beale(), SGD, 5, lr=-1.0), ValueError, "Invalid learning rate"),
    (lambda: Quadratic(condition_number=0.5), ValueError, "condition_number must be >= 1"),
    (lambda: Quadratic(scale=0.0), ValueError, "scale must be > 0"),
    (lambda: Quadratic(angle=float("inf")), ValueError, "angle must be finite"),
    (lambda: Quadratic().gd_rate(-0.1), ValueError, "lr must be >= 0"),
    (lambda: Rosenbrock(b=0.0), ValueError, "b must be > 0"),
    (lambda: Rosenbrock(a="1"), TypeError, "a must be a real number"),
    (lambda: Beale().grad([1.0, 2.0, 3.0]), ValueError, r"shape \(3,\)"),
    (lambda: Beale().value(1.0), ValueError, r"shape \(\)"),
    (lambda: Beale()(np.zeros(3), np.zeros(4)), ValueError, "broadcast"),
])
def test_bad_input_raises_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----------------------------------------------------------------- heavy ball
@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0])
@pytest.mark.parametrize("lr_factor", [0.0, 0.3, 0.9, 1.0, 1.5, 2.5])
def test_heavy_ball_rate_without_momentum_is_gd_rate(kappa, lr_factor):
    quadratic = Quadratic(kappa)
    lr = lr_factor * quadratic.max_stable_lr
    assert heavy_ball_rate(lr, 0.0, (quadratic.mu, quadratic.L)) == pytest.approx(
        quadratic.gd_rate(lr), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("kappa", [1.0, 4.0, 100.0, 1000.0])
def test_heavy_ball_rate_at_polyaks_optimum(kappa):
    quadratic = Quadratic(kappa)
    lr, momentum = quadratic.optimal_momentum()
    best = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    assert heavy_ball_rate(lr, momentum, (quadratic.mu, quadratic.L)) == pytest.approx(
        best, abs=1e-7)


def test_heavy_ball_rate_matches_eigenvalues_of_the_iteration_matrix():
    rng = np.random.default_rng(0)
    eigenvalues = np.array([0.5, 3.0, 40.0])
    lrs = rng.uniform(0, 0.2, 50)
    momenta = rng.uniform(0, 0.99, 50)
    rates = heavy_ball_rate(lrs, momenta, eigenvalues)
    for lr, beta, rate in zip(lrs, momenta, rates):
        radius = max(np.abs(np.linalg.eigvals(
            [[1 + beta - lr * lam, -beta], [1.0, 0.0]])).max() for lam in eigenvalues)
        assert rate == pytest.approx(radius, rel=1e-9)


@pytest.mark.parametrize("kappa, lr, momentum", [
    (10.0, 0.1, 0.0), (10.0, 0.15, 0.5), (100.0, 0.015, 0.0), (100.0, 0.02, 0.8),
    (100.0, 0.005, 0.95), (30.0, 0.05, 0.3)])
def test_heavy_ball_rate_matches_the_measured_contraction_of_trace(kappa, lr, momentum):
    quadratic = Quadratic(kappa)
    rate = float(heavy_ball_rate(lr, momentum, (quadratic.mu, quadratic.L)))
    assert rate < 1
    # Long enough to forget the start, short enough to stay far from underflow.
    first, last = 100, 100 + min(400, int(200 / -math.log10(rate)))
    run = trace(quadratic, SGD, last, lr=lr, momentum=momentum)
    distance = np.hypot(*run.path.T)
    measured = (distance[last] / distance[first]) ** (1 / (last - first))
    assert measured == pytest.approx(rate, rel=0.02)


@pytest.mark.parametrize("kappa, lr, momentum", [
    (10.0, 0.25, 0.0), (100.0, 0.05, 0.0), (100.0, 0.05, 0.6), (1.0, 4.5, 0.9)])
def test_rate_above_one_means_trace_diverges(kappa, lr, momentum):
    quadratic = Quadratic(kappa)
    assert heavy_ball_rate(lr, momentum, (quadratic.mu, quadratic.L)) > 1
    assert trace(quadratic, SGD, STEPS_FOR_DIVERGENCE, lr=lr, momentum=momentum).diverged


STEPS_FOR_DIVERGENCE = 300


@pytest.mark.parametrize("args, words", [
    ((0.1, 0.5, [[1.0, 2.0]]), "1-D"),
    ((0.1, 0.5, []), "non-empty"),
    ((0.1, 0.5, [1.0, 0.0]), "> 0"),
    ((-0.1, 0.5, [1.0]), "lr must be"),
    ((0.1, 1.0, [1.0]), r"momentum must be in \[0, 1\)"),
])
def test_heavy_ball_rate_rejects_bad_input(args, words):
    with pytest.raises(ValueError, match=words):
        heavy_ball_rate(*args)


def test_heavy_ball_rate_broadcasts_a_grid():
    lrs, momenta = np.geomspace(1e-4, 1.0, 30), np.linspace(0.0, 0.99, 20)
    rates = heavy_ball_rate(lrs[None, :], momenta[:, None], (1.0, 10.0))
    assert rates.shape == (20, 30)
    assert rates[0, 5] == pytest.approx(heavy_ball_rate(lrs[5], 0.0, (1.0, 10.0)))


def test_quadratic_heavy_ball_rate_uses_its_eigenvalues():
    quadratic = Quadratic(25.0, angle=0.3)
    assert quadratic.heavy_ball_rate(0.05, 0.5) == heavy_ball_rate(0.05, 0.5, (1.0, 25.0))


def test_steps_per_decade_by_hand():
    # 0.1 per step: one step per decade; 0.5: log(10) / log(2) steps; 0: lands at once.
    np.testing.assert_allclose(steps_per_decade([0.1, 0.5, 0.0]),
                               [1.0, math.log(10) / math.log(2), 0.0])
    assert np.isnan(steps_per_decade([1.0, 1.5, np.nan])).all()  # no decrease
    with pytest.raises(ValueError, match="rate must be >= 0"):
        steps_per_decade(-0.1)


def test_steps_per_decade_matches_a_measured_run():
    # Plain GD on a kappa = 10 quadratic at the optimal rate multiplies both error
    # components by exactly -9/11 per step, so the distance falls ten-fold every
    # steps_per_decade steps: by 10 ** (-k / steps) after k steps.
    quadratic = Quadratic(10.0)
    steps = float(steps_per_decade(quadratic.gd_rate(quadratic.optimal_lr)))
    run = trace(quadratic, SGD, 60, lr=quadratic.optimal_lr)
    distance = np.hypot(*run.path.T)
    for k in (1, 17, 60):
        assert distance[k] / distance[0] == pytest.approx(10 ** (-k / steps), rel=1e-9)


# =============================================================================
# The 1-D curves
# =============================================================================
@pytest.mark.parametrize("curve_cls", [Parabola, DoubleWell])
@pytest.mark.parametrize("x", [-2.1, -1.0, -0.3, 0.0, 0.7, 1.5, 2.0])
def test_curve_slope_matches_finite_differences(curve_cls, x):
    curve = curve_cls()
    h = 1e-6
    numeric = (curve.g(x + h) - curve.g(x - h)) / (2 * h)
    assert curve.slope(x) == pytest.approx(numeric, rel=1e-6, abs=1e-6)
    # As a landscape: f(x, y) = g(x), gradient (g'(x), 0).
    assert curve.value([x, 0.3]) == pytest.approx(curve.g(x))
    np.testing.assert_allclose(curve.grad([x, 0.3]), [curve.slope(x), 0.0])


@pytest.mark.parametrize("curve_cls, x, value", [
    (Parabola, 3.0, 9.0), (Parabola, -0.5, 0.25),
    (DoubleWell, 0.0, 1.0), (DoubleWell, 2.0, 9.0), (DoubleWell, -1.0, 0.0)])
def test_curve_values_by_hand(curve_cls, x, value):
    assert curve_cls().g(x) == pytest.approx(value)


@pytest.mark.parametrize("curve_cls", [Parabola, DoubleWell])
def test_curve_minima_are_stationary_and_lowest(curve_cls):
    curve = curve_cls()
    xs = np.linspace(*curve.x_bounds, 2001)
    for x, y in curve.minima:
        assert y == 0.0
        assert curve.slope(x) == 0.0
        assert curve.g(x) == curve.min_value
    assert curve.min_value <= curve.g(xs).min()
    assert not curve.minima.flags.writeable and not curve.start.flags.writeable
    assert CURVES[curve.name] is curve_cls


@pytest.mark.parametrize("lr, steps", [(0.1, 7), (0.3, 25), (0.9, 12)])
def test_parabola_trace_is_the_hand_computed_descent(lr, steps):
    # x_{t+1} = x_t - lr * 2 x_t = (1 - 2 lr) x_t from x_0 = 4; y stays 0.
    run = trace(Parabola(), SGD, steps, lr=lr)
    expected = 4.0 * (1 - 2 * lr) ** np.arange(steps + 1)
    np.testing.assert_allclose(run.path[:, 0], expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(run.path[:, 1], 0.0)
    np.testing.assert_allclose(run.losses, expected ** 2, rtol=1e-12, atol=1e-300)


def test_double_well_large_step_blows_up():
    # From x = 2, lr = 0.3: x1 = 2 - 0.3 * 24 = -5.2, then |x| grows cubically.
    run = trace(DoubleWell(), SGD, 10, lr=0.3)
    assert run.path[1, 0] == pytest.approx(-5.2)
    assert run.diverged and run.divergence.step == 3


# =============================================================================
# Paths and the plotting box
# =============================================================================
@pytest.mark.parametrize("path, expected", [
    ([[0, 0], [0.5, 0.5]], None),
    ([[0, 0], [2, 0]], (1, [1, 0])),
    ([[0, 0], [0.5, 0], [0.5, -3]], (2, [0.5, -1])),
    ([[5, 5], [0, 0]], (0, [5, 5])),
    # An overflowed coordinate gives no direction: the finite one decides...
    ([[0, 0], [0.5, 0.5], [np.inf, -3.5]], (2, [0.5, -1])),
    # ... and with none left the exit is the last point inside.
    ([[0, 0], [0.5, 0.5], [np.nan, np.nan]], (2, [0.5, 0.5])),
])
def test_first_exit(path, expected):
    result = first_exit(np.array(path, dtype=float), ((-1, 1), (-1, 1)))
    if expected is None:
        assert result is None
    else:
        assert result[0] == expected[0]
        np.testing.assert_allclose(result[1], expected[1])


def test_exit_point_takes_the_nearest_edge():
    # From the centre towards (3, 2): it meets x = 1 at t = 1/3, before y = 1 at 1/2.
    np.testing.assert_allclose(exit_point([0, 0], [3, 2], ((-1, 1), (-1, 1))),
                               [1.0, 2.0 / 3.0])


def test_step_lengths():
    run = Trajectory(path=np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0], [np.inf, 4.0]]),
                     losses=np.zeros(4), lrs=np.zeros(3), grad_norms=np.zeros(3),
                     divergence=None, label="", landscape_name="")
    np.testing.assert_array_equal(run.step_lengths, [5.0, 0.0, np.inf])


def test_value_range_covers_the_box():
    low, high = Saddle().value_range(points_per_side=11)
    assert (low, high) == (-25.0, 25.0)  # x^2 - y^2 on [-5, 5]^2
    low, high = Quadratic(4.0).value_range()
    assert low == 0.0 and high == pytest.approx(0.5 * (25 + 4 * 25))
    with pytest.raises(ValueError, match="points_per_side"):
        Saddle().value_range(points_per_side=1)


# =============================================================================
# Clipping by value turns the gradient
# =============================================================================
@pytest.mark.parametrize("raw, clipped, angle", [
    ([1, 0], [2, 0], 0.0), ([1, 0], [0, 1], 90.0), ([1, 0], [1, 1], 45.0),
    ([1, 0], [-1, 0], 180.0), ([0, 0], [0, 0], 0.0), ([np.inf, 1], [1, 1], 0.0),
])
def test_turn_angle(raw, clipped, angle):
    assert turn_angle_degrees(np.array(raw), np.array(clipped)) == pytest.approx(angle)


def test_turn_angle_of_many_gradients_at_once():
    angles = turn_angle_degrees([[1, 0], [1, 0], [0, 0]], [[0, 1], [1, 1], [1, 0]])
    np.testing.assert_allclose(angles, [90.0, 45.0, 0.0])


def test_largest_value_clipping_turn_matches_a_plain_loop():
    cliff = Cliff()
    run = trace(cliff, SGD, 60, lr=0.1, clip_value=1.0)
    expected = 0.0
    for point in run.path[:-1]:
        g = cliff.grad(point)
        clipped = g.copy()
        clip_grad_value_(clipped, 1.0)
        cosine = g @ clipped / (np.linalg.norm(g) * np.linalg.norm(clipped))
        expected = max(expected, math.degrees(math.acos(min(1.0, cosine))))
    turn = largest_value_clipping_turn(cliff, run.path[:-1], 1.0)
    assert turn == pytest.approx(expected)
    assert turn > 30  # on the wall the gradient points mostly along x
    # A bound above every component leaves every gradient as it is.
    assert largest_value_clipping_turn(cliff, run.path[:-1], 1e3) == 0.0
    assert largest_value_clipping_turn(cliff, np.empty((0, 2)), 1.0) == 0.0


# =============================================================================
# The race
# =============================================================================
def test_race_gives_every_contender_the_same_noise():
    rng = np.random.default_rng(5)
    state = rng.bit_generator.state
    runs = race("Rosenbrock", {"a": (Adam, {"lr": 0.05}), "b": (Adam, {"lr": 0.05}),
                               "plain": (SGD, {"lr": 1e-3})}, 40, noise_std=2.0, rng=rng)
    assert list(runs) == ["a", "b", "plain"]
    np.testing.assert_array_equal(runs["a"].path, runs["b"].path)
    reference = trace("Rosenbrock", SGD, 40, lr=1e-3, noise_std=2.0,
                      rng=np.random.default_rng(5))
    np.testing.assert_array_equal(runs["plain"].path, reference.path)
    assert rng.bit_generator.state == state  # not advanced
    assert [run.label for run in runs.values()] == ["a", "b", "plain"]


def test_race_shares_common_arguments_and_lets_a_contender_override_them():
    runs = race(Cliff(), {"none": (SGD, {}), "norm": (SGD, {"max_norm": 1.0,
                                                           "label": "clip by norm"})},
                30, lr=0.1)
    np.testing.assert_array_equal(runs["none"].path, trace(Cliff(), SGD, 30, lr=0.1).path)
    np.testing.assert_array_equal(runs["norm"].path,
                                  trace(Cliff(), SGD, 30, lr=0.1, max_norm=1.0).path)
    assert runs["norm"].label == "clip by norm"
    with pytest.raises(TypeError, match="contenders must be a mapping"):
        race(Cliff(), [(SGD, {})], 3)
