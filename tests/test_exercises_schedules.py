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


# =============================================================================
# Wrong and right answers, written from the statements of chapter 4
# =============================================================================
import math  # noqa: E402

from _exercise_variants import Right, Wrong, assert_right, assert_wrong, parameters  # noqa: E402

from gdcourse.exercises import EXERCISES  # noqa: E402


def _ed(whole=math.floor, power=lambda rate, e: rate ** e, smooth=lambda s, d: s / d):
    def my_exponential_decay(step, initial_lr, decay_steps, decay_rate, staircase=False):
        exponent = smooth(step, decay_steps)
        if staircase:
            exponent = whole(step / decay_steps)
        return initial_lr * power(decay_rate, exponent)
    return my_exponential_decay


def _ms(count):
    def multistep_lr(t, initial_lr, milestones, gamma):
        return initial_lr * gamma ** count(t, milestones)
    return multistep_lr


def _ms_bisect(t, initial_lr, milestones, gamma):
    import bisect

    return initial_lr * gamma ** bisect.bisect_right(sorted(milestones), t)


def _ms_loop(t, initial_lr, milestones, gamma):
    lr = initial_lr
    for milestone in milestones:
        if t >= milestone:
            lr *= gamma
    return lr


def _plateau(better, *, reset_on_better=True, cooldown=True, strict_patience=True,
             floor=True, move_best=False, reset_after_cut=True):
    class Plateau:
        def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                     cooldown=0, min_lr=0.0):
            self.lr, self.factor, self.patience = lr, factor, patience
            self.threshold, self.mode = threshold, threshold_mode
            self.cooldown, self.min_lr = cooldown, min_lr
            self.best, self.bad, self.wait = math.inf, 0, 0

        def step(self, metric):
            if better(metric, self.best, self.threshold, self.mode):
                self.best = metric
                if reset_on_better:
                    self.bad = 0
            else:
                self.bad += 1
                if move_best:
                    self.best = min(self.best, metric)
            if cooldown and self.wait > 0:
                self.wait -= 1
                self.bad = 0
            if (self.bad > self.patience) if strict_patience else (self.bad >= self.patience):
                self.lr = max(self.lr * self.factor, self.min_lr) if floor else self.lr * self.factor
                self.wait = self.cooldown
                if reset_after_cut:
                    self.bad = 0
            return self.lr
    return Plateau


def _better(metric, best, threshold, mode):
    return metric < (best * (1 - threshold) if mode == "rel" else best - threshold)


class _PlateauInCooldownFirst:
    """The cooldown handled first, with an early return: the metric is never looked at."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0):
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.mode = threshold, threshold_mode
        self.cooldown, self.min_lr = cooldown, min_lr
        self.best, self.bad, self.wait = math.inf, 0, 0

    def step(self, metric):
        if self.wait > 0:
            self.wait -= 1
            return self.lr
        if _better(metric, self.best, self.threshold, self.mode):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.wait, self.bad = self.cooldown, 0
        return self.lr


class _PlateauReturnsOld(_plateau(_better)):
    def step(self, metric):
        old = self.lr
        super().step(metric)
        return old


class _PlateauDifferentOrder:
    """Right: the same rules with the cooldown tested through a flag, as PyTorch writes it."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0):
        self.__dict__.update(lr=lr, factor=factor, patience=patience, threshold=threshold,
                             threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr)
        self.best, self.num_bad_epochs, self.cooldown_counter = float("inf"), 0, 0

    def step(self, metric):
        rel = self.threshold_mode == "rel"
        line = self.best * (1.0 - self.threshold) if rel else self.best - self.threshold
        self.num_bad_epochs = 0 if metric < line else self.num_bad_epochs + 1
        if metric < line:
            self.best = metric
        in_cooldown = self.cooldown_counter > 0
        if in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new = self.lr * self.factor
            self.lr = new if new > self.min_lr else self.min_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        return self.lr


VARIANTS = {
    "exponential_decay": [
        Wrong("staircase ignored", lambda step, initial_lr, decay_steps, decay_rate,
              staircase=False: initial_lr * decay_rate ** (step / decay_steps),
              "mistake: staircase ignored"),
        Wrong("round", _ed(whole=round), "mistake: round instead of floor"),
        Wrong("ceil", _ed(whole=math.ceil), "mistake: ceil instead of floor"),
        Wrong("per step", (lambda step, initial_lr, decay_steps, decay_rate, staircase=False: initial_lr
               * decay_rate ** (step // decay_steps if staircase else step)),
              "mistake: decay_rate ** step"),
        Wrong("always //", lambda step, initial_lr, decay_steps, decay_rate, staircase=False:
              initial_lr * decay_rate ** (step // decay_steps), "mistake: always staircase"),
        Wrong("times", _ed(power=lambda rate, e: rate * e), "mistake: times instead of power"),
        Wrong("1 − rate", _ed(power=lambda rate, e: (1 - rate) ** e), "mistake: 1 − decay_rate"),
        Wrong("e^(−kt)", _ed(power=lambda rate, e: math.exp(-rate * e)), "mistake: e^(−rate·t)"),
        Wrong("^ on floats", lambda step, initial_lr, decay_steps, decay_rate, staircase=False:
              initial_lr * decay_rate ^ (step / decay_steps), "error: xor"),
        Right("int()", _ed(whole=int)),
        Right("//", _ed(whole=lambda e: e // 1)),
        Right("np.floor and np.power", lambda step, initial_lr, decay_steps, decay_rate,
              staircase=False: float(initial_lr * np.power(
                  decay_rate, np.floor(step / decay_steps) if staircase else step / decay_steps))),
    ],
    "multistep_lr": [
        Wrong("< t", _ms(lambda t, ms: sum(m < t for m in ms)), "mistake: late by one"),
        Wrong("<= t + 1", _ms(lambda t, ms: sum(m <= t + 1 for m in ms)), "mistake: early by one"),
        Wrong("once", lambda t, initial_lr, milestones, gamma: initial_lr * (
            gamma if any(t >= m for m in milestones) else 1), "mistake: decays only once"),
        Wrong("all at once", lambda t, initial_lr, milestones, gamma: initial_lr * (
            gamma ** len(milestones) if t >= milestones[0] else 1),
            "mistake: all milestones at once"),
        Wrong("gamma · k", lambda t, initial_lr, milestones, gamma: initial_lr * (
            gamma * sum(m <= t for m in milestones) or 1), "mistake: gamma times the count"),
        Wrong("divided", lambda t, initial_lr, milestones, gamma: initial_lr / gamma ** sum(
            m <= t for m in milestones), "mistake: divided by gamma"),
        Right("bisect", _ms_bisect),
        Right("a loop", _ms_loop),
        Right("len of a filter", _ms(lambda t, ms: len([m for m in ms if t >= m]))),
    ],
    "plateau_scheduler": [
        Wrong("patience >=", _plateau(_better, strict_patience=False),
              "mistake: patience off by one"),
        Wrong("not reset on improvement", _plateau(_better, reset_on_better=False),
              "mistake: bad epochs not reset on improvement"),
        Wrong("threshold ignored", _plateau(lambda m, b, t, mode: m < b),
              "mistake: threshold ignored"),
        Wrong("<= the line", _plateau(lambda m, b, t, mode: m <= (
            b * (1 - t) if mode == "rel" else b - t)), "mistake: equal counts as better"),
        Wrong("best follows every lower metric", _plateau(_better, move_best=True),
              "mistake: best updated inside the threshold"),
        Wrong("always rel", _plateau(lambda m, b, t, mode: m < b * (1 - t)),
              "mistake: threshold mode ignored"),
        Wrong("always abs", _plateau(lambda m, b, t, mode: m < b - t), "mistake: always absolute"),
        Wrong("no cooldown", _plateau(_better, cooldown=False), "mistake: cooldown ignored"),
        Wrong("cooldown returns early", _PlateauInCooldownFirst,
              "mistake: metric skipped in the cooldown"),
        Wrong("no floor", _plateau(_better, floor=False), "mistake: min_lr ignored"),
        Wrong("count not reset after a cut", _plateau(_better, reset_after_cut=False),
              "mistake: counter not reset"),
        Wrong("returns the old rate", _PlateauReturnsOld, "mistake: old rate returned"),
        Right("PyTorch's order, other names", _PlateauDifferentOrder),
        Right("the notebook's", _plateau(_better)),
    ],
}


# A second pass over the statements.
def _plateau_cooldown_after_the_cut():
    class Plateau(_plateau(_better)):
        def step(self, metric):
            if _better(metric, self.best, self.threshold, self.mode):
                self.best, self.bad = metric, 0
            else:
                self.bad += 1
            if self.bad > self.patience:
                self.lr = max(self.lr * self.factor, self.min_lr)
                self.wait, self.bad = self.cooldown, 0
            if self.wait > 0:
                self.wait -= 1
                self.bad = 0
            return self.lr
    return Plateau


def _plateau_floor_first():
    class Plateau(_plateau(_better)):
        def step(self, metric):
            if _better(metric, self.best, self.threshold, self.mode):
                self.best, self.bad = metric, 0
            else:
                self.bad += 1
            if self.wait > 0:
                self.wait -= 1
                self.bad = 0
            if self.bad > self.patience:
                if self.lr > self.min_lr:
                    self.lr *= self.factor
                self.wait, self.bad = self.cooldown, 0
            return self.lr
    return Plateau


VARIANTS["exponential_decay"] += [
    Wrong("no brackets", lambda step, initial_lr, decay_steps, decay_rate, staircase=False:
          initial_lr * decay_rate ** (step // decay_steps) if staircase
          else initial_lr * decay_rate ** step / decay_steps, "mistake: exponent without brackets"),
]
VARIANTS["multistep_lr"] += [
    Wrong("t in milestones", lambda t, initial_lr, milestones, gamma: initial_lr * gamma
          if t in milestones else initial_lr, "mistake: only at the milestones"),
]
VARIANTS["plateau_scheduler"] += [
    Wrong("cooldown after the patience test", _plateau_cooldown_after_the_cut(),
          "mistake: cooldown started in the epoch of the cut"),
]


VARIANTS["plateau_scheduler"] += [
    Wrong("if lr > min_lr: lr *= factor", _plateau_floor_first(), "mistake: min_lr tested before the cut"),
]


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Wrong))
def test_wrong_answer_gets_its_own_hint(exercise, variant):
    assert_wrong(exercise, variant)


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Right))
def test_right_answer_passes(exercise, variant):
    assert_right(exercise, variant)
