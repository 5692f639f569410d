"""The references of the schedule exercises agree with gdcourse's schedulers and PyTorch."""


import numpy as np
import pytest

from gdcourse.exercises import schedules as ex
from gdcourse.optim import SGD
from gdcourse.optim.lr_scheduler import (ExponentialLR, MultiStepLR, ReduceLROnPlateau,
                                         StepLR, exponential_decay, lr_curve)


def noisy_validation_curve(epochs, noise, rng):
    e = np.arange(1, epochs + 1)
    return (0.2 + 0.8 * np.exp(-e / 15)) * np.exp(noise * rng.standard_normal(epochs))

STEPS = range(0, 40)


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("lr0, decay_steps, rate", [(0.1, 10, 0.5), (1.0, 3, 0.96), (2.0, 7, 0.1)])
def test_exponential_decay_matches_gdcourse(staircase, lr0, decay_steps, rate):
    ours = [ex.EXPONENTIAL_DECAY.reference(t, lr0, decay_steps, rate, staircase) for t in STEPS]
    theirs = exponential_decay(np.array(STEPS), lr0, decay_steps, rate, staircase=staircase)
    assert np.allclose(ours, theirs, rtol=1e-12)
    if staircase:
        same = lr_curve(StepLR, len(STEPS), lr=lr0, step_size=decay_steps, gamma=rate)
    else:
        same = lr_curve(ExponentialLR, len(STEPS), lr=lr0, gamma=rate ** (1 / decay_steps))
    assert np.allclose(ours, same, rtol=1e-10)


@pytest.mark.parametrize("milestones, gamma", [([3, 6], 0.1), ([2, 5, 7], 0.5), ([0, 10], 0.3),
                                               ([4, 4, 9], 0.5)])
def test_multistep_matches_gdcourse(milestones, gamma):
    ours = [ex._multistep_lr(t, 0.2, milestones, gamma) for t in range(15)]
    theirs = lr_curve(MultiStepLR, 15, lr=0.2, milestones=milestones, gamma=gamma)
    assert np.allclose(ours, theirs, rtol=1e-12)


def _reference_lrs(metrics, lr, **kwargs):
    opt = SGD([np.zeros(1)], lr=lr)
    scheduler = ReduceLROnPlateau(opt, mode="min", eps=0.0, **kwargs)
    lrs = []
    for m in metrics:
        scheduler.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return np.array(lrs)


SETTINGS = [
    dict(factor=0.5, patience=2, threshold=0.01, threshold_mode="rel", cooldown=0, min_lr=0.0),
    dict(factor=0.5, patience=1, threshold=0.05, threshold_mode="abs", cooldown=2, min_lr=0.2),
    dict(factor=0.1, patience=3, threshold=1e-4, threshold_mode="rel", cooldown=1, min_lr=5e-4),
    dict(factor=0.3, patience=0, threshold=0.0, threshold_mode="abs", cooldown=3, min_lr=0.0),
]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("settings", SETTINGS)
def test_plateau_matches_reduce_lr_on_plateau(seed, settings):
    metrics = noisy_validation_curve(60, 0.05, np.random.default_rng(seed))
    ours = ex._run_plateau(ex._Plateau, list(metrics), 1.0, settings)
    assert np.allclose(ours, _reference_lrs(metrics, 1.0, **settings), rtol=1e-12)


@pytest.mark.parametrize("case", ex.PLATEAU_SCHEDULER.cases, ids=lambda c: c.description[:30])
def test_plateau_cases_match_reduce_lr_on_plateau(case):
    # Re-run each check case on gdcourse's class: the check's expectations are PyTorch's.
    ours = case.run(ex._Plateau)

    class Wrapped:
        def __init__(self, lr, **kwargs):
            self.opt = SGD([np.zeros(1)], lr=lr)
            self.s = ReduceLROnPlateau(self.opt, eps=0.0, **kwargs)

        def step(self, metric):
            self.s.step(metric)
            return self.opt.param_groups[0]["lr"]

    assert np.allclose(ours, case.run(Wrapped), rtol=1e-12)


def test_plateau_matches_torch():
    torch = pytest.importorskip("torch")
    metrics = noisy_validation_curve(50, 0.05, np.random.default_rng(7))
    settings = SETTINGS[1]
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", eps=0.0, **settings)
    lrs = []
    for m in metrics:
        sched.step(float(m))
        lrs.append(opt.param_groups[0]["lr"])
    assert np.allclose(ex._run_plateau(ex._Plateau, list(metrics), 1.0, settings), lrs,
                       rtol=1e-12)


def test_multistep_matches_torch():
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 7], gamma=0.5)
    lrs = []
    for _ in range(12):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert np.allclose([ex._multistep_lr(t, 1.0, [2, 5, 7], 0.5) for t in range(12)], lrs)
