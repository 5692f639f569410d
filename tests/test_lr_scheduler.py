"""Tests of gdcourse.optim.lr_scheduler that do not need PyTorch.

Hand-worked values, the error table, state_dict round trips and properties checked
with hypothesis. Parity with PyTorch is in test_lr_scheduler_torch.py.
"""

from __future__ import annotations

import math
import pickle
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcourse.optim import SGD, Adagrad, Adam
from gdcourse.optim import lr_scheduler as S


def sgd(*lrs, momentum=0.9):
    """An SGD with one group per learning rate."""
    return SGD([{"params": [np.zeros(2)], "lr": lr} for lr in lrs], lr=0.1,
               momentum=momentum)


def run(sched, steps, metrics=None):
    """Rates of group 0 at steps 0..steps-1, driven the usual way."""
    opt = sched.optimizer
    rates = [sched.get_last_lr()[0]]
    for k in range(steps - 1):
        opt.step([np.ones(2) for g in opt.param_groups for _ in g["params"]])
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[k])
        rates.append(sched.get_last_lr()[0])
    return rates


# ----------------------------------------------------------------- hand-worked values
HAND_WORKED = [
    pytest.param(lambda o: S.StepLR(o, step_size=3, gamma=0.5),
                 [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25], id="StepLR"),
    pytest.param(lambda o: S.MultiStepLR(o, milestones=[2, 5], gamma=0.1),
                 [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01], id="MultiStepLR"),
    pytest.param(lambda o: S.MultiStepLR(o, milestones=[3, 1, 3], gamma=0.5),
                 [1, 0.5, 0.5, 0.125, 0.125], id="MultiStepLR-repeated-unsorted"),
    pytest.param(lambda o: S.ConstantLR(o, factor=0.5, total_iters=3),
                 [0.5, 0.5, 0.5, 1, 1], id="ConstantLR"),
    pytest.param(lambda o: S.LinearLR(o, start_factor=0.25, total_iters=3),
                 [0.25, 0.5, 0.75, 1, 1], id="LinearLR-warmup"),
    pytest.param(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.5, total_iters=2),
                 [1, 0.75, 0.5, 0.5], id="LinearLR-decay"),
    pytest.param(lambda o: S.ExponentialLR(o, gamma=0.5), [1, 0.5, 0.25, 0.125],
                 id="ExponentialLR"),
    pytest.param(lambda o: S.PolynomialLR(o, total_iters=4, power=2.0),
                 [1, 0.5625, 0.25, 0.0625, 0, 0], id="PolynomialLR"),
    pytest.param(lambda o: S.CosineAnnealingLR(o, T_max=2, eta_min=0.2),
                 [1, 0.6, 0.2, 0.6, 1], id="CosineAnnealingLR"),
    pytest.param(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2),
                 [1, 0.5, 1, 0.5 * (1 + math.cos(math.pi / 4)), 0.5,
                  0.5 * (1 + math.cos(math.pi * 3 / 4)), 1], id="CosineAnnealingWarmRestarts"),
    pytest.param(lambda o: S.LambdaLR(o, lambda t: 1 / (t + 1)), [1, 1 / 2, 1 / 3, 1 / 4],
                 id="LambdaLR"),
    pytest.param(lambda o: S.MultiplicativeLR(o, lambda t: 0.5 if t % 2 else 1.0),
                 [1, 0.5, 0.5, 0.25, 0.25], id="MultiplicativeLR"),
    pytest.param(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=2),
                                              S.ExponentialLR(o, gamma=0.5)], milestones=[2]),
                 [0.5, 0.75, 1, 0.5, 0.25], id="SequentialLR"),
    pytest.param(lambda o: S.CyclicLR(o, base_lr=0.1, max_lr=1.0, step_size_up=2),
                 [0.1, 0.55, 1, 0.55, 0.1, 0.55, 1], id="CyclicLR-triangular"),
    pytest.param(lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_up=2, mode="triangular2"),
                 [0.1, 0.55, 1, 0.55, 0.1, 0.325, 0.55, 0.325, 0.1, 0.2125, 0.325],
                 id="CyclicLR-triangular2"),
    pytest.param(lambda o: S.CyclicLR(o, 0.0, 1.0, step_size_up=1, mode="exp_range",
                                      gamma=0.5),
                 [0, 0.5, 0, 0.125], id="CyclicLR-exp-range"),
    pytest.param(lambda o: S.CyclicLR(o, 0.0, 1.0, step_size_up=3, step_size_down=0),
                 [0, 1 / 3, 2 / 3, 0, 1 / 3], id="CyclicLR-sawtooth"),
    pytest.param(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=5, pct_start=0.6,
                                        anneal_strategy="linear", div_factor=4.0,
                                        final_div_factor=25.0),
                 [0.25, 0.625, 1.0, 0.505, 0.01], id="OneCycleLR-linear"),
]


@pytest.mark.parametrize("make, expected", HAND_WORKED)
def test_hand_worked_rates(make, expected):
    sched = make(sgd(1.0))
    np.testing.assert_allclose(run(sched, len(expected)), expected, rtol=1e-12, atol=1e-15)


def test_cosine_is_at_the_midpoint_at_half_of_T_max():
    sched = S.CosineAnnealingLR(sgd(0.1), T_max=100, eta_min=0.02)
    assert sched.lr_at(50)[0] == pytest.approx((0.1 + 0.02) / 2, rel=1e-12)
    assert sched.lr_at(100)[0] == pytest.approx(0.02, rel=1e-12)


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
def test_one_cycle_landmarks(three_phase, anneal_strategy):
    total, pct = 100, 0.3
    opt = sgd(0.5, 0.7)
    sched = S.OneCycleLR(opt, max_lr=[2.0, 1.0], total_steps=total, pct_start=pct,
                         div_factor=20.0, final_div_factor=50.0, three_phase=three_phase,
                         anneal_strategy=anneal_strategy, base_momentum=0.8,
                         max_momentum=0.9)
    peak = round(pct * total) - 1
    assert sched.get_last_lr() == pytest.approx([0.1, 0.05], rel=1e-12)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.9)
    assert sched.lr_at(peak) == pytest.approx([2.0, 1.0], rel=1e-12)
    assert sched.momentum_at(peak) == pytest.approx([0.8, 0.8], rel=1e-12)
    assert sched.lr_at(total - 1) == pytest.approx([0.1 / 50, 0.05 / 50], rel=1e-12)
    assert sched.momentum_at(total - 1) == pytest.approx([0.9, 0.9], rel=1e-12)
    if three_phase:
        back = 2 * peak
        assert sched.lr_at(back) == pytest.approx([0.1, 0.05], rel=1e-12)
        assert sched.lr_at(back - 5) == pytest.approx(sched.lr_at(5), rel=1e-12)
    rates = run(sched, total)
    assert max(rates) == pytest.approx(2.0, rel=1e-12)
    assert int(np.argmax(rates)) == peak


def test_one_cycle_from_epochs_and_steps_per_epoch():
    sched = S.OneCycleLR(sgd(0.1), max_lr=1.0, epochs=3, steps_per_epoch=10)
    assert sched.total_steps == 30


def test_one_cycle_stepping_past_total_steps_raises():
    sched = S.OneCycleLR(sgd(0.1), max_lr=1.0, total_steps=10)
    for _ in range(10):
        sched.step()  # the usual loop's last step reaches step 10: allowed
    with pytest.raises(ValueError, match="Tried to step 11 times. The specified number of "
                                         "total steps is 10"):
        sched.step()


def test_cyclic_momentum_is_lowest_at_the_peak_and_uses_beta1_for_adam():
    opt = Adam([{"params": [np.zeros(1)]}], lr=0.1, betas=(0.9, 0.99))
    sched = S.CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=2, base_momentum=0.8,
                       max_momentum=0.9)
    assert opt.param_groups[0]["betas"] == pytest.approx((0.9, 0.99))
    sched.step()
    sched.step()
    assert sched.get_last_lr() == pytest.approx([1.0])
    assert opt.param_groups[0]["betas"] == pytest.approx((0.8, 0.99))
    assert opt.param_groups[0]["max_momentum"] == 0.9
    assert opt.param_groups[0]["base_momentum"] == 0.8


def test_cosine_warm_restarts_fractional_epochs():
    opt = sgd(1.0)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fractional epoch is documented: no warning
        sched.step(2.5)
    assert (sched.T_cur, sched.T_i, sched.last_epoch) == (0.5, 4, 2)
    assert sched.get_last_lr()[0] == pytest.approx(0.5 * (1 + math.cos(math.pi / 8)))
    sched.step()  # the last epoch given plus one: 3.5
    assert (sched.T_cur, sched.last_epoch) == (1.5, 3)
    sched.step(0.5)
    assert sched.get_last_lr()[0] == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))


def test_cosine_warm_restarts_finds_restarts_exactly():
    """PyTorch's floating-point log puts this restart at the end of the previous cycle."""
    sched = S.CosineAnnealingWarmRestarts(sgd(1.0), T_0=1, T_mult=10, eta_min=0.1)
    assert sched.lr_at(111) == [1.0]
    assert sched.lr_at(110)[0] == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi * 0.99)) / 2)


def test_plateau_hand_worked():
    opt = sgd(1.0)
    sched = S.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    metrics = [1, 1, 1, 1, 0.5, 0.5, 0.5]
    assert run(sched, 8, metrics) == [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]


def test_plateau_cooldown_ignores_bad_epochs():
    sched = S.ReduceLROnPlateau(sgd(1.0), patience=0, cooldown=2, factor=0.5)
    assert run(sched, 6, [1.0] * 5) == [1, 1, 0.5, 0.5, 0.5, 0.25]


@pytest.mark.parametrize(
    "kwargs, metrics, expected",
    [
        (dict(mode="max", patience=0, factor=0.5), [1, 2, 2, 3, 1], [1, 1, 1, 0.5, 0.5, 0.25]),
        (dict(mode="min", threshold=0.1, patience=0, factor=0.5), [1, 0.95, 0.85],
         [1, 1, 0.5, 0.5]),
        (dict(mode="min", threshold=0.1, threshold_mode="abs", patience=0, factor=0.5),
         [1, 0.95, 0.85], [1, 1, 0.5, 0.5]),
        (dict(mode="max", threshold=0.1, threshold_mode="abs", patience=0, factor=0.5),
         [1, 1.05, 1.15], [1, 1, 0.5, 0.5]),
        (dict(patience=0, factor=0.1, min_lr=0.05), [1, 2, 2, 2], [1, 1, 0.1, 0.05, 0.05]),
        (dict(patience=0, factor=0.9, eps=0.2), [1, 2, 2], [1, 1, 1, 1]),
    ],
    ids=["max", "min-rel", "min-abs", "max-abs", "min_lr", "eps"],
)
def test_plateau_modes_thresholds_and_floors(kwargs, metrics, expected):
    sched = S.ReduceLROnPlateau(sgd(1.0), **kwargs)
    np.testing.assert_allclose(run(sched, len(expected), metrics), expected, rtol=1e-12)


def test_plateau_min_lr_per_group():
    opt = sgd(1.0, 1.0)
    sched = S.ReduceLROnPlateau(opt, patience=0, factor=0.1, min_lr=[0.5, 0.0])
    sched.step(1.0)
    sched.step(1.0)
    assert sched.get_last_lr() == pytest.approx([0.5, 0.1])
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.5, 0.1])


def test_plateau_has_no_closed_form():
    sched = S.ReduceLROnPlateau(sgd(1.0))
    with pytest.raises(NotImplementedError, match="lr_curve"):
        sched.lr_at(3)
    assert "initial_lr" not in sched.optimizer.param_groups[0]
    assert sched.base_lrs == [1.0]


# ----------------------------------------------------------------- closed-form semantics
def test_constructor_sets_initial_lr_and_the_rate_of_step_0():
    opt = sgd(0.4, 0.2)
    sched = S.LinearLR(opt, start_factor=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.4, 0.2]
    assert sched.base_lrs == [0.4, 0.2]
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.2, 0.1])
    assert sched.last_epoch == 0


def test_a_rate_set_by_hand_is_overwritten_at_the_next_step():
    opt = sgd(1.0)
    sched = S.ExponentialLR(opt, gamma=0.5)
    opt.param_groups[0]["lr"] = 123.0
    sched.step()
    assert opt.param_groups[0]["lr"] == 0.5  # PyTorch's chainable form would give 61.5


def test_multiplicative_lr_continues_from_the_current_rate():
    opt = sgd(1.0)
    sched = S.MultiplicativeLR(opt, lambda t: 0.5)
    opt.param_groups[0]["lr"] = 8.0
    sched.step()
    assert opt.param_groups[0]["lr"] == 4.0
    assert sched.lr_at(3) == [0.125]  # the unrolled product from base_lrs


def test_lr_at_is_pure_and_get_last_lr_is_a_copy():
    opt = sgd(1.0)
    sched = S.StepLR(opt, step_size=2)
    assert sched.lr_at(5) == pytest.approx([0.01])
    assert sched.last_epoch == 0 and opt.param_groups[0]["lr"] == 1.0
    sched.get_last_lr()[0] = 99.0
    assert sched.get_last_lr() == [1.0]


def test_step_with_epoch_warns_like_pytorch_and_jumps():
    sched = S.StepLR(sgd(1.0), step_size=2, gamma=0.5)
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
        sched.step(4)
    assert sched.last_epoch == 4 and sched.get_last_lr() == [0.25]


def test_resuming_without_initial_lr_raises_keyerror():
    with pytest.raises(KeyError, match=r"param 'initial_lr' is not specified in "
                                       r"param_groups\[0\] when resuming"):
        S.StepLR(sgd(1.0), step_size=2, last_epoch=3)


def test_resuming_with_last_epoch_takes_the_next_step():
    opt = sgd(1.0)
    S.StepLR(opt, step_size=2, gamma=0.5)
    resumed = S.StepLR(opt, step_size=2, gamma=0.5, last_epoch=3)
    assert resumed.last_epoch == 4 and resumed.get_last_lr() == [0.25]


# ----------------------------------------------------------------- the error table
class NotAnOptimizer:
    param_groups = [{"params": [], "lr": 0.1}]


def _two_groups():
    return sgd(0.1, 0.2)


def _adagrad():
    return Adagrad([np.zeros(1)], lr=0.1)


ERRORS = [
    # --- messages copied from PyTorch
    ("StepLR-not-optimizer", lambda o: S.StepLR(NotAnOptimizer(), 2), TypeError,
     "NotAnOptimizer is not an Optimizer"),
    ("LambdaLR-not-optimizer", lambda o: S.LambdaLR(NotAnOptimizer(), abs), TypeError,
     "NotAnOptimizer is not an Optimizer"),
    ("Plateau-not-optimizer", lambda o: S.ReduceLROnPlateau(NotAnOptimizer()), TypeError,
     "NotAnOptimizer is not an Optimizer"),
    ("OneCycle-not-optimizer", lambda o: S.OneCycleLR(NotAnOptimizer(), 1.0, 10), TypeError,
     "NotAnOptimizer is not an Optimizer"),
    ("CyclicLR-not-optimizer", lambda o: S.CyclicLR(NotAnOptimizer(), 0.1, 1.0), TypeError,
     "NotAnOptimizer is not an Optimizer"),
    ("LambdaLR-count", lambda o: S.LambdaLR(o, [abs, abs, abs]), ValueError,
     "Expected 2 lr_lambdas, but got 3"),
    ("MultiplicativeLR-not-callable", lambda o: S.MultiplicativeLR(o, 0.9), TypeError,
     "lr_lambda should be a function, but got float"),
    ("ConstantLR-factor-high", lambda o: S.ConstantLR(o, factor=1.5), ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    ("ConstantLR-factor-negative", lambda o: S.ConstantLR(o, factor=-0.1), ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    ("LinearLR-start-zero", lambda o: S.LinearLR(o, start_factor=0), ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    ("LinearLR-start-high", lambda o: S.LinearLR(o, start_factor=1.5), ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    ("LinearLR-end-high", lambda o: S.LinearLR(o, end_factor=1.5), ValueError,
     "Ending multiplicative factor expected to be between 0 and 1."),
    ("LinearLR-end-negative", lambda o: S.LinearLR(o, end_factor=-0.5), ValueError,
     "Ending multiplicative factor expected to be between 0 and 1."),
    ("CAWR-T0-zero", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=0), ValueError,
     "Expected positive integer T_0, but got 0"),
    ("CAWR-T0-float", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2.5), ValueError,
     "Expected positive integer T_0, but got 2.5"),
    ("CAWR-Tmult-zero", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
     ValueError, "Expected integer T_mult >= 1, but got 0"),
    ("CAWR-Tmult-float", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5),
     ValueError, "Expected integer T_mult >= 1, but got 1.5"),
    ("CAWR-eta-min-str", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
     ValueError, "Expected float or int eta_min, but got 0 of type <class 'str'>"),
    ("CAWR-negative-epoch", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2).step(-1),
     ValueError, "Expected non-negative epoch, but got -1"),
    ("CyclicLR-mode", lambda o: S.CyclicLR(o, 0.1, 1.0, mode="triangle"), ValueError,
     "mode is invalid and scale_fn is None"),
    ("CyclicLR-no-momentum", lambda o: S.CyclicLR(_adagrad(), 0.1, 1.0), ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    ("CyclicLR-base-lr-length", lambda o: S.CyclicLR(o, [0.1], 1.0), ValueError,
     "base_lr must have the same length as optimizer.param_groups. base_lr has 1 values, "
     "param_groups has 2."),
    ("CyclicLR-max-momentum-length",
     lambda o: S.CyclicLR(o, 0.1, 1.0, max_momentum=[0.9, 0.9, 0.9]), ValueError,
     "max_momentum must have the same length as optimizer.param_groups. max_momentum has 3 "
     "values, param_groups has 2."),
    ("OneCycle-total-zero", lambda o: S.OneCycleLR(o, 1.0, total_steps=0), ValueError,
     "Expected positive integer total_steps, but got 0"),
    ("OneCycle-total-float", lambda o: S.OneCycleLR(o, 1.0, total_steps=10.0), ValueError,
     "Expected positive integer total_steps, but got 10.0"),
    ("OneCycle-no-length", lambda o: S.OneCycleLR(o, 1.0, epochs=3), ValueError,
     "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    ("OneCycle-epochs", lambda o: S.OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3),
     ValueError, "Expected positive integer epochs, but got 0"),
    ("OneCycle-steps-per-epoch",
     lambda o: S.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=-3), ValueError,
     "Expected positive integer steps_per_epoch, but got -3"),
    ("OneCycle-pct-high", lambda o: S.OneCycleLR(o, 1.0, 10, pct_start=1.5), ValueError,
     "Expected float between 0 and 1 pct_start, but got 1.5"),
    ("OneCycle-pct-int", lambda o: S.OneCycleLR(o, 1.0, 10, pct_start=1), ValueError,
     "Expected float between 0 and 1 pct_start, but got 1"),
    ("OneCycle-anneal", lambda o: S.OneCycleLR(o, 1.0, 10, anneal_strategy="cosine"),
     ValueError, "anneal_strategy must be one of 'cos' or 'linear', instead got cosine"),
    ("OneCycle-no-momentum", lambda o: S.OneCycleLR(_adagrad(), 1.0, 10), ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    ("OneCycle-max-lr-length", lambda o: S.OneCycleLR(o, [1.0], 10), ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 1 values, "
     "param_groups has 2."),
    ("Plateau-factor", lambda o: S.ReduceLROnPlateau(o, factor=1.0), ValueError,
     "Factor should be < 1.0."),
    ("Plateau-mode", lambda o: S.ReduceLROnPlateau(o, mode="minimum"), ValueError,
     "mode minimum is unknown!"),
    ("Plateau-threshold-mode", lambda o: S.ReduceLROnPlateau(o, threshold_mode="relative"),
     ValueError, "threshold mode relative is unknown!"),
    ("Plateau-min-lr-length", lambda o: S.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError,
     "expected 2 min_lrs, got 1"),
    ("Sequential-empty", lambda o: S.SequentialLR(o, [], []), ValueError,
     "SequentialLR expects at least one scheduler, but got no scheduler."),
    ("Sequential-not-scheduler", lambda o: S.SequentialLR(o, [0.1], []), TypeError,
     "SequentialLR at index 0 should have `optimizer` as its attribute."),
    ("Sequential-plateau", lambda o: S.SequentialLR(o, [S.ReduceLROnPlateau(o)], []),
     ValueError, "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires "
     "additional kwargs to be specified when calling `step`, but got one at index 0 in the "
     "given schedulers sequence."),
    ("Sequential-other-optimizer",
     lambda o: S.SequentialLR(o, [S.StepLR(_two_groups(), 2)], []), ValueError,
     "SequentialLR expects all schedulers to belong to the same optimizer, but got "
     "scheduler StepLR at index 0 has "),
    ("Sequential-milestone-count",
     lambda o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], [2, 4]), ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more than the "
     "number of milestone points, but got number of schedulers 2 and the number of "
     "milestones to be equal to 2"),
    # --- PyTorch accepts these and gives a silent wrong answer (or divides by zero)
    ("StepLR-step-size-zero", lambda o: S.StepLR(o, step_size=0), ValueError,
     "Expected positive integer step_size, but got 0"),
    ("StepLR-step-size-float", lambda o: S.StepLR(o, step_size=2.5), ValueError,
     "Expected positive integer step_size, but got 2.5"),
    ("StepLR-gamma-negative", lambda o: S.StepLR(o, 2, gamma=-0.5), ValueError,
     "Expected non-negative gamma, but got -0.5"),
    ("MultiStepLR-float", lambda o: S.MultiStepLR(o, [2.5, 4]), ValueError,
     "Expected non-negative integer milestones, but got [2.5, 4]"),
    ("MultiStepLR-negative", lambda o: S.MultiStepLR(o, [-1]), ValueError,
     "Expected non-negative integer milestones, but got [-1]"),
    ("MultiStepLR-gamma", lambda o: S.MultiStepLR(o, [1], gamma=-1), ValueError,
     "Expected non-negative gamma, but got -1"),
    ("ExponentialLR-gamma", lambda o: S.ExponentialLR(o, gamma=-0.9), ValueError,
     "Expected non-negative gamma, but got -0.9"),
    ("ExponentialLR-gamma-nan", lambda o: S.ExponentialLR(o, gamma=math.nan), ValueError,
     "Expected non-negative gamma, but got nan"),
    ("ConstantLR-total-iters", lambda o: S.ConstantLR(o, total_iters=0), ValueError,
     "Expected positive integer total_iters, but got 0"),
    ("LinearLR-total-iters", lambda o: S.LinearLR(o, total_iters=0), ValueError,
     "Expected positive integer total_iters, but got 0"),
    ("PolynomialLR-total-iters", lambda o: S.PolynomialLR(o, total_iters=-2), ValueError,
     "Expected positive integer total_iters, but got -2"),
    ("PolynomialLR-power", lambda o: S.PolynomialLR(o, power=-1.0), ValueError,
     "Expected non-negative power, but got -1.0"),
    ("Cosine-T-max-zero", lambda o: S.CosineAnnealingLR(o, T_max=0), ValueError,
     "Expected positive integer T_max, but got 0"),
    ("Cosine-T-max-float", lambda o: S.CosineAnnealingLR(o, T_max=10.5), ValueError,
     "Expected positive integer T_max, but got 10.5"),
    ("CyclicLR-step-up", lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_up=0), ValueError,
     "Expected positive step_size_up, but got 0"),
    ("CyclicLR-step-down", lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_down=-1), ValueError,
     "Expected non-negative step_size_down, but got -1"),
    ("CyclicLR-gamma", lambda o: S.CyclicLR(o, 0.1, 1.0, mode="exp_range", gamma=-0.9),
     ValueError, "Expected non-negative gamma, but got -0.9"),
    ("CyclicLR-scale-mode", lambda o: S.CyclicLR(o, 0.1, 1.0, scale_fn=abs, scale_mode="it"),
     ValueError, "scale_mode it is unknown!"),
    ("OneCycle-no-warmup", lambda o: S.OneCycleLR(o, 1.0, 10, pct_start=0.1), ValueError,
     "Expected every phase to last more than 0 steps, but pct_start=0.1 and total_steps=10 "
     "give phase lengths [0.0, 9.0]"),
    ("OneCycle-no-annealing", lambda o: S.OneCycleLR(o, 1.0, 10, pct_start=1.0), ValueError,
     "Expected every phase to last more than 0 steps"),
    ("OneCycle-three-phase-too-long",
     lambda o: S.OneCycleLR(o, 1.0, 10, pct_start=0.6, three_phase=True), ValueError,
     "Expected every phase to last more than 0 steps"),
    ("Plateau-factor-negative", lambda o: S.ReduceLROnPlateau(o, factor=-0.5), ValueError,
     "Factor should be >= 0."),
    ("Plateau-patience", lambda o: S.ReduceLROnPlateau(o, patience=-1), ValueError,
     "Expected non-negative integer patience, but got -1"),
    ("Plateau-patience-float", lambda o: S.ReduceLROnPlateau(o, patience=2.5), ValueError,
     "Expected non-negative integer patience, but got 2.5"),
    ("Plateau-cooldown", lambda o: S.ReduceLROnPlateau(o, cooldown=-1), ValueError,
     "Expected non-negative integer cooldown, but got -1"),
    ("Plateau-threshold", lambda o: S.ReduceLROnPlateau(o, threshold=-0.1), ValueError,
     "Expected non-negative threshold, but got -0.1"),
    ("Plateau-eps", lambda o: S.ReduceLROnPlateau(o, eps=-1e-8), ValueError,
     "Expected non-negative eps, but got -1e-08"),
    ("Sequential-unsorted",
     lambda o: S.SequentialLR(o, [S.StepLR(o, 2)] * 3, [5, 3]), ValueError,
     "Expected positive, strictly increasing integer milestones, but got [5, 3]"),
    ("Sequential-zero", lambda o: S.SequentialLR(o, [S.StepLR(o, 2)] * 2, [0]), ValueError,
     "Expected positive, strictly increasing integer milestones, but got [0]"),
    ("lr_curve-steps", lambda o: S.lr_curve(S.StepLR, -1, step_size=2), ValueError,
     "Expected non-negative integer steps, but got -1"),
    ("lr_curve-plateau-no-metrics", lambda o: S.lr_curve(S.ReduceLROnPlateau, 3), ValueError,
     "ReduceLROnPlateau needs metrics"),
    ("lr_curve-plateau-few-metrics",
     lambda o: S.lr_curve(S.ReduceLROnPlateau, 5, metrics=[1, 2]), ValueError,
     "Expected at least 4 metrics for 5 steps, but got 2"),
    ("lr_curve-metrics-not-plateau",
     lambda o: S.lr_curve(S.StepLR, 3, metrics=[1, 2], step_size=2), ValueError,
     "metrics are only used by ReduceLROnPlateau"),
    ("exponential-decay-steps", lambda o: S.exponential_decay(3, 0.1, 0, 0.5), ValueError,
     "Expected positive decay_steps, but got 0"),
    ("exponential-decay-rate", lambda o: S.exponential_decay(3, 0.1, 10, -0.5), ValueError,
     "Expected positive decay_rate, but got -0.5"),
]


@pytest.mark.parametrize("make, error, message",
                         [pytest.param(*case[1:], id=case[0]) for case in ERRORS])
def test_errors(make, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make(_two_groups())


# ----------------------------------------------------------------- state_dict
class HalfLife:
    """A callable object: its attributes are saved, unlike a lambda."""

    def __init__(self, half_life):
        self.half_life = half_life

    def __call__(self, t):
        return 0.5 ** (t / self.half_life)


ROUND_TRIP = [
    pytest.param(lambda o: S.LambdaLR(o, lambda t: 0.9**t), None, id="LambdaLR"),
    pytest.param(lambda o: S.MultiplicativeLR(o, lambda t: 0.9), None, id="MultiplicativeLR"),
    pytest.param(lambda o: S.StepLR(o, 3), None, id="StepLR"),
    pytest.param(lambda o: S.MultiStepLR(o, [2, 6]), None, id="MultiStepLR"),
    pytest.param(lambda o: S.ConstantLR(o, total_iters=7), None, id="ConstantLR"),
    pytest.param(lambda o: S.LinearLR(o, total_iters=7), None, id="LinearLR"),
    pytest.param(lambda o: S.ExponentialLR(o, 0.8), None, id="ExponentialLR"),
    pytest.param(lambda o: S.PolynomialLR(o, total_iters=8), None, id="PolynomialLR"),
    pytest.param(lambda o: S.CosineAnnealingLR(o, T_max=7), None, id="CosineAnnealingLR"),
    pytest.param(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2), None,
                 id="CosineAnnealingWarmRestarts"),
    pytest.param(lambda o: S.SequentialLR(o, [S.LinearLR(o, total_iters=3),
                                              S.CosineAnnealingLR(o, T_max=9)], [3]),
                 None, id="SequentialLR"),
    pytest.param(lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="triangular2"),
                 None, id="CyclicLR"),
    pytest.param(lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, scale_fn=HalfLife(2.0)),
                 None, id="CyclicLR-callable-object"),
    pytest.param(lambda o: S.OneCycleLR(o, 0.1, total_steps=12, three_phase=True), None,
                 id="OneCycleLR"),
    pytest.param(lambda o: S.ReduceLROnPlateau(o, patience=1, cooldown=1),
                 [1, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7], id="ReduceLROnPlateau"),
]


@pytest.mark.parametrize("make, metrics", ROUND_TRIP)
def test_state_dict_round_trip(make, metrics):
    steps = 11
    opt = sgd(0.1, 0.05)
    expected = _rates(make(opt), steps, metrics)

    opt = sgd(0.1, 0.05)
    sched = make(opt)
    before = _rates(sched, 5, metrics)
    saved = pickle.dumps((opt.state_dict(), sched.state_dict()))
    assert "optimizer" not in sched.state_dict()

    opt = sgd(0.1, 0.05)
    sched = make(opt)
    opt_state, sched_state = pickle.loads(saved)
    opt.load_state_dict(opt_state)
    sched.load_state_dict(sched_state)
    after = _rates(sched, steps - 4, metrics[4:] if metrics else None)
    np.testing.assert_allclose(before + after[1:], expected, rtol=1e-15)


def _rates(sched, steps, metrics):
    rates = [sched.get_last_lr()]
    for k in range(steps - 1):
        sched.step(metrics[k]) if metrics else sched.step()
        rates.append([g["lr"] for g in sched.optimizer.param_groups])
    return rates


def test_state_dict_stores_none_for_functions_and_attributes_of_callable_objects():
    opt = sgd(0.1, 0.05)
    sched = S.LambdaLR(opt, [lambda t: 1.0, HalfLife(3.0)])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, {"half_life": 3.0}]
    restored = S.LambdaLR(sgd(0.1, 0.05), [lambda t: 1.0, HalfLife(99.0)])
    restored.load_state_dict(pickle.loads(pickle.dumps(state)))
    assert restored.lr_lambdas[1].half_life == 3.0
    assert state["lr_lambdas"] == [None, {"half_life": 3.0}]  # not consumed by loading


def test_cyclic_state_dict_stores_none_for_a_custom_function():
    sched = S.CyclicLR(sgd(0.1), 0.01, 0.1, scale_fn=lambda x: 1.0)
    state = sched.state_dict()
    assert state["_scale_fn_custom"] is None
    pickle.dumps(state)


# ----------------------------------------------------------------- exponential_decay
def test_exponential_decay_hand_values():
    steps = np.array([0, 5, 10, 15, 20])
    np.testing.assert_allclose(S.exponential_decay(steps, 0.1, 10, 0.5),
                               [0.1, 0.1 * 0.5**0.5, 0.05, 0.05 * 0.5**0.5, 0.025])
    np.testing.assert_allclose(S.exponential_decay(steps, 0.1, 10, 0.5, staircase=True),
                               [0.1, 0.1, 0.05, 0.05, 0.025])


def test_exponential_decay_shapes():
    assert S.exponential_decay(np.zeros((2, 3)), 1.0, 4, 0.5).shape == (2, 3)
    value = S.exponential_decay(4, 2.0, 4, 0.5)
    assert np.ndim(value) == 0 and value == 1.0


def test_exponential_decay_is_exponential_lr_and_its_staircase_is_step_lr():
    rate, decay_steps, n = 0.3, 7, 40
    smooth = S.lr_curve(S.ExponentialLR, n, lr=0.2, gamma=rate ** (1 / decay_steps))
    stairs = S.lr_curve(S.StepLR, n, lr=0.2, step_size=decay_steps, gamma=rate)
    np.testing.assert_allclose(S.exponential_decay(np.arange(n), 0.2, decay_steps, rate),
                               smooth, rtol=1e-12)
    np.testing.assert_allclose(
        S.exponential_decay(np.arange(n), 0.2, decay_steps, rate, staircase=True),
        stairs, rtol=1e-12)


# ----------------------------------------------------------------- lr_curve
def test_lr_curve_examples():
    np.testing.assert_array_equal(S.lr_curve(S.StepLR, 7, lr=1.0, step_size=3, gamma=0.5),
                                  [1, 1, 1, 0.5, 0.5, 0.5, 0.25])
    assert S.lr_curve(S.StepLR, 0, step_size=3).shape == (0,)


def test_lr_curve_with_a_factory_for_sequential_lr():
    def warmup_then_decay(opt):
        return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.5, total_iters=2),
                                    S.ExponentialLR(opt, gamma=0.5)], milestones=[2])

    np.testing.assert_allclose(S.lr_curve(warmup_then_decay, 5, lr=1.0),
                               [0.5, 0.75, 1, 0.5, 0.25])


def test_lr_curve_for_plateau_uses_the_metrics():
    np.testing.assert_array_equal(
        S.lr_curve(S.ReduceLROnPlateau, 5, lr=1.0, metrics=[1, 1, 1, 1], patience=1,
                   factor=0.5),
        [1, 1, 1, 0.5, 0.5])


# ----------------------------------------------------------------- properties
PROPERTY = settings(deadline=None, max_examples=60)
lrs = st.floats(1e-4, 10.0)
fractions = st.floats(0.0, 1.0)


@PROPERTY
@given(base=lrs, eta_fraction=fractions, T_max=st.integers(1, 50), t=st.integers(0, 500))
def test_cosine_stays_between_eta_min_and_base_lr(base, eta_fraction, T_max, t):
    eta_min = base * eta_fraction
    lr = S.CosineAnnealingLR(sgd(base), T_max=T_max, eta_min=eta_min).lr_at(t)[0]
    assert eta_min * (1 - 1e-12) <= lr <= base * (1 + 1e-12)


@PROPERTY
@given(base=lrs, eta_fraction=fractions, T_0=st.integers(1, 10), T_mult=st.integers(1, 3),
       epoch=st.floats(0, 300))
def test_warm_restarts_stay_between_eta_min_and_base_lr(base, eta_fraction, T_0, T_mult,
                                                        epoch):
    eta_min = base * eta_fraction
    sched = S.CosineAnnealingWarmRestarts(sgd(base), T_0=T_0, T_mult=T_mult, eta_min=eta_min)
    sched.step(epoch)
    assert 0 <= sched.T_cur < sched.T_i
    assert eta_min * (1 - 1e-12) <= sched.get_last_lr()[0] <= base * (1 + 1e-12)


@PROPERTY
@given(base=lrs, span=lrs, up=st.integers(1, 8), down=st.integers(0, 8),
       mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
       gamma=st.floats(0.5, 1.0), momenta=st.tuples(fractions, fractions),
       steps=st.integers(1, 60))
def test_cyclic_stays_within_its_bounds(base, span, up, down, mode, gamma, momenta, steps):
    low_m, high_m = sorted(momenta)
    opt = sgd(0.1)
    sched = S.CyclicLR(opt, base_lr=base, max_lr=base + span, step_size_up=up,
                       step_size_down=down, mode=mode, gamma=gamma, base_momentum=low_m,
                       max_momentum=high_m)
    for _ in range(steps):
        lr = sched.get_last_lr()[0]
        assert base * (1 - 1e-12) <= lr <= (base + span) * (1 + 1e-12)
        assert low_m - 1e-12 <= opt.param_groups[0]["momentum"] <= high_m + 1e-12
        sched.step()


@PROPERTY
@given(max_lr=lrs, total=st.integers(4, 200), pct=st.floats(0.05, 0.95),
       three_phase=st.booleans(), strategy=st.sampled_from(["cos", "linear"]),
       div=st.floats(1.0, 100.0), final_div=st.floats(1.0, 1e4))
def test_one_cycle_stays_within_min_lr_and_max_lr(max_lr, total, pct, three_phase, strategy,
                                                  div, final_div):
    opt = sgd(0.1)
    try:
        sched = S.OneCycleLR(opt, max_lr=max_lr, total_steps=total, pct_start=pct,
                             three_phase=three_phase, anneal_strategy=strategy,
                             div_factor=div, final_div_factor=final_div)
    except ValueError as error:
        assert "phase" in str(error)  # too few steps for a phase: rejected, not wrong
        return
    min_lr = max_lr / div / final_div
    round_off = 1e-12 * max_lr  # the annealing subtracts numbers of max_lr's size
    for t in range(total):  # the rates the optimizer uses
        assert min_lr - round_off <= sched.lr_at(t)[0] <= max_lr + round_off
        assert 0.85 - 1e-12 <= sched.momentum_at(t)[0] <= 0.95 + 1e-12


@PROPERTY
@given(metrics=st.lists(st.floats(-1e6, 1e6), max_size=40),
       mode=st.sampled_from(["min", "max"]), threshold_mode=st.sampled_from(["rel", "abs"]),
       threshold=st.floats(0, 1), patience=st.integers(0, 3), cooldown=st.integers(0, 3),
       factor=st.floats(0, 0.99), min_lr=st.floats(0, 0.05))
def test_plateau_never_raises_the_rate_nor_passes_below_min_lr(
        metrics, mode, threshold_mode, threshold, patience, cooldown, factor, min_lr):
    opt = sgd(0.1)
    sched = S.ReduceLROnPlateau(opt, mode=mode, threshold_mode=threshold_mode,
                                threshold=threshold, patience=patience, cooldown=cooldown,
                                factor=factor, min_lr=min_lr)
    previous = 0.1
    for metric in metrics:
        sched.step(metric)
        lr = opt.param_groups[0]["lr"]
        assert min_lr <= lr <= previous
        assert sched.get_last_lr() == [lr]
        previous = lr


CLOSED_FORMS = st.sampled_from([
    lambda o: S.LambdaLR(o, lambda t: 1 / (1 + t)),
    lambda o: S.MultiplicativeLR(o, lambda t: 0.9),
    lambda o: S.StepLR(o, 4, gamma=0.5),
    lambda o: S.MultiStepLR(o, [1, 5, 5, 9]),
    lambda o: S.ConstantLR(o, 0.2, 6),
    lambda o: S.LinearLR(o, 0.1, 0.9, 7),
    lambda o: S.ExponentialLR(o, 0.93),
    lambda o: S.PolynomialLR(o, 9, 1.7),
    lambda o: S.CosineAnnealingLR(o, 9, 0.001),
    lambda o: S.CosineAnnealingWarmRestarts(o, 2, 2, 0.001),
    lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.1, total_iters=4),
                                 S.CosineAnnealingLR(o, 10)], [4]),
    lambda o: S.CyclicLR(o, 0.01, 0.1, 3, 5, mode="exp_range", gamma=0.95),
    lambda o: S.OneCycleLR(o, 0.1, total_steps=40, three_phase=True),
])


@PROPERTY
@given(make=CLOSED_FORMS, steps=st.integers(1, 40))
def test_lr_at_agrees_with_stepping(make, steps):
    opt = sgd(0.1, 0.3)
    sched = make(opt)
    stepped = _rates(sched, steps, None)
    fresh = make(sgd(0.1, 0.3))
    np.testing.assert_allclose(stepped, [fresh.lr_at(t) for t in range(steps)], rtol=1e-12)


@PROPERTY
@given(make=CLOSED_FORMS, steps=st.integers(0, 40), lr=lrs)
def test_lr_curve_equals_stepping_by_hand(make, steps, lr):
    opt = SGD([np.zeros(2)], lr=lr, momentum=0.9)
    sched = make(opt)
    by_hand = []
    for t in range(steps):
        if t:
            opt.step([np.ones(2)])
            sched.step()
        by_hand.append(opt.param_groups[0]["lr"])
    np.testing.assert_array_equal(S.lr_curve(make, steps, lr=lr), by_hand)


@PROPERTY
@given(rate=st.floats(0.01, 2.0), decay_steps=st.integers(1, 50), t=st.integers(0, 200),
       initial=lrs)
def test_exponential_decay_matches_exponential_lr(rate, decay_steps, t, initial):
    sched = S.ExponentialLR(sgd(initial), gamma=rate ** (1 / decay_steps))
    assert S.exponential_decay(t, initial, decay_steps, rate) == pytest.approx(
        sched.lr_at(t)[0], rel=1e-9)


@PROPERTY
@given(gamma=st.floats(0, 1), step_size=st.integers(1, 10), steps=st.integers(1, 40))
def test_step_lr_never_increases_for_gamma_at_most_one(gamma, step_size, steps):
    rates = run(S.StepLR(sgd(1.0), step_size=step_size, gamma=gamma), steps)
    assert all(b <= a for a, b in zip(rates, rates[1:]))


# Overflow far into training (issue 12): the rate becomes inf as PyTorch's does (or, for
# triangular2, the amplitude 0), never an OverflowError or a NumPy warning.
@pytest.mark.parametrize("make, steps, expected", [
    (lambda o: S.ExponentialLR(o, gamma=1.1), 8000, math.inf),
    (lambda o: S.StepLR(o, step_size=1, gamma=3.0), 1000, math.inf),
    (lambda o: S.MultiStepLR(o, milestones=[1] * 1000, gamma=3.0), 5, math.inf),
    (lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=1, mode="triangular2"), 5000, 0.01),
    (lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=1, mode="exp_range", gamma=1.5), 3001,
     math.inf),
])
def test_schedules_far_into_training_do_not_raise(make, steps, expected):
    opt = SGD([np.ones(1)], lr=0.1, momentum=0.9)
    scheduler = make(opt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(steps):
            opt.step([np.zeros(1)])
            scheduler.step()
    assert opt.param_groups[0]["lr"] == expected


def test_a_zero_rate_stays_zero_under_a_growing_gamma():
    opt = SGD([np.ones(1)], lr=0.0)
    scheduler = S.ExponentialLR(opt, gamma=1.1)
    for _ in range(8000):
        scheduler.step()
    assert opt.param_groups[0]["lr"] == 0.0


def test_exponential_decay_overflow_is_quietly_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert S.exponential_decay(10**6, 0.1, decay_steps=10, decay_rate=2.0) == math.inf


# ----------------------------------------------------------------- momentum_curve
def test_momentum_curve_reads_the_cycled_momentum():
    curve = S.momentum_curve(S.OneCycleLR, 20, max_lr=0.1, total_steps=20)
    assert curve[0] == pytest.approx(0.95)           # written at construction
    assert curve.min() == pytest.approx(0.85, abs=1e-3)
    assert np.argmin(curve) == np.argmax(S.lr_curve(S.OneCycleLR, 20, max_lr=0.1,
                                                     total_steps=20))
    cyclic = S.momentum_curve(S.CyclicLR, 9, base_lr=0.01, max_lr=0.1, step_size_up=2)
    np.testing.assert_allclose(cyclic, [0.9, 0.85, 0.8, 0.85, 0.9, 0.85, 0.8, 0.85, 0.9])
    np.testing.assert_allclose(S.momentum_curve(S.StepLR, 4, momentum=0.7, step_size=1),
                               0.7)
    off = S.momentum_curve(S.OneCycleLR, 5, momentum=0.3, max_lr=0.1, total_steps=5,
                           cycle_momentum=False)
    np.testing.assert_allclose(off, 0.3)


@pytest.mark.parametrize("kwargs, message", [
    ({"scheduler_cls": S.ReduceLROnPlateau, "steps": 3}, "ReduceLROnPlateau"),
    ({"scheduler_cls": S.StepLR, "steps": -1, "step_size": 1}, "non-negative integer")])
def test_momentum_curve_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        S.momentum_curve(**kwargs)



# ----------------------------------------------------------------- PyTorch's behaviours
def test_scheduler_stepped_before_the_optimizer_warns_once_like_pytorch():
    opt = SGD([np.ones(1)], lr=0.1)
    scheduler = S.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match=r"lr_scheduler.step\(\)` before `optimizer.step\(\)"):
        scheduler.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()                  # only the first call is checked, as in PyTorch
    right = S.StepLR(SGD([w := np.ones(1)], lr=0.1), step_size=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right.optimizer.step([np.zeros_like(w)])
        right.step()                      # the right order: silent


def test_the_step_order_check_counts_steps_since_the_scheduler_was_made():
    # An optimizer that stepped before the scheduler existed (e.g. resumed) must step
    # again before the scheduler's first step, as PyTorch's check does.
    opt = SGD([np.ones(1)], lr=0.1)
    opt.step([np.zeros(1)])
    scheduler = S.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="before `optimizer.step"):
        scheduler.step()


@pytest.mark.parametrize("make", [
    lambda o: S.StepLR(o, step_size=1, gamma=0.5),
    lambda o: S.ExponentialLR(o, gamma=0.5),
    lambda o: S.CosineAnnealingLR(o, T_max=10),
    lambda o: S.LambdaLR(o, lambda t: 0.5**t),
    lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10),
    lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=2),
    lambda o: S.LinearLR(o, total_iters=4),
])
def test_a_group_added_after_the_scheduler_keeps_its_rate(make):
    # PyTorch carries on (its closed-form schedulers leave the new group alone);
    # gdcourse used to fail with "zip() argument 2 is shorter than argument 1".
    opt = SGD([np.ones(1)], lr=0.1, momentum=0.9)
    scheduler = make(opt)
    opt.add_param_group({"params": [np.ones(2)], "lr": 0.02})
    for _ in range(3):
        opt.step([np.zeros(1), np.zeros(2)])
        scheduler.step()
    assert opt.param_groups[1]["lr"] == 0.02
    assert len(scheduler.get_last_lr()) == 2
