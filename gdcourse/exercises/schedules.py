"""Exercises on learning-rate schedules (chapter 4).

* :func:`check_exponential_decay` — the article's exponential decay, with ``**`` and
  an optional staircase (Keras' ``ExponentialDecay``);
* :func:`check_multistep_lr` — step decay at milestones (PyTorch's ``MultiStepLR``);
* :func:`check_plateau_scheduler` — the logic of ``ReduceLROnPlateau`` as a small
  class: best value, patience, threshold, cooldown, floor.

The references agree with :mod:`gdcourse.optim.lr_scheduler` (and so with PyTorch):
see ``tests/test_exercises_schedules.py``.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..optim import lr_scheduler as _lr_scheduler
from ._checking import Case, CheckResult, Exercise, Mistake

__all__ = ["check_exponential_decay", "check_multistep_lr", "check_plateau_scheduler"]


def _rates(values: list) -> np.ndarray | None:
    """The rates a learner's code returned, as an array; None if one of them is None
    (a forgotten ``return``, which the check then names as such)."""
    if any(value is None for value in values):
        return None
    return np.array([float(value) for value in values])


# =============================================================================
# 1. Exponential decay, smooth or staircase
# =============================================================================
def _staircase_ignored(step, initial_lr, decay_steps, decay_rate, staircase=False):
    return initial_lr * decay_rate ** (step / decay_steps)


def _rounded(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = round(exponent)
    return initial_lr * decay_rate**exponent


def _per_step(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step
    if staircase:
        exponent = math.floor(step / decay_steps)
    return initial_lr * decay_rate**exponent


def _always_staircase(step, initial_lr, decay_steps, decay_rate, staircase=False):
    return initial_lr * decay_rate ** math.floor(step / decay_steps)


def _decay_case(initial_lr: float, decay_steps: int, decay_rate: float, staircase: bool,
                steps: tuple[int, ...]) -> Case:
    return Case(
        f"initial_lr={initial_lr:g}, decay_steps={decay_steps}, decay_rate={decay_rate:g}, "
        f"staircase={staircase}, at steps {list(steps)}",
        lambda impl: _rates([impl(t, initial_lr, decay_steps, decay_rate, staircase=staircase)
                             for t in steps]))


EXPONENTIAL_DECAY = Exercise(
    title="exponential decay, smooth or staircase",
    reference=_lr_scheduler.exponential_decay,  # the tested one (Keras form)
    cases=(
        _decay_case(0.1, 10, 0.5, False, (0, 1, 5, 10, 17, 30)),
        _decay_case(0.1, 10, 0.5, True, (0, 1, 5, 9, 10, 17, 30)),
        _decay_case(2.0, 4, 0.9, True, (0, 3, 4, 6, 7, 8, 13)),
    ),
    mistakes=(
        Mistake("staircase ignored", _staircase_ignored,
                "with staircase=True the exponent must be a whole number: "
                "floor(step / decay_steps), so the rate drops in jumps every decay_steps "
                "steps and stays flat in between."),
        Mistake("round instead of floor", _rounded,
                "round() moves the drops about half a period early: with decay_steps=10, "
                "step 6 already uses the decayed rate (round(0.6) == 1). Use math.floor "
                "(or //) for the staircase."),
        Mistake("decay_rate ** step", _per_step,
                "decay_rate is the factor per decay_steps steps, not per step: the exponent "
                "is step / decay_steps."),
        Mistake("always staircase", _always_staircase,
                "without staircase the exponent is the fraction step / decay_steps, so the "
                "rate falls a little every step; floor it only when staircase=True."),
    ),
    rtol=1e-9,
)


def check_exponential_decay(exponential_decay: Callable) -> CheckResult:
    """Check ``exponential_decay(step, initial_lr, decay_steps, decay_rate, staircase=False)``.

    Returns ``initial_lr * decay_rate ** (step / decay_steps)``, with the exponent
    rounded down when ``staircase`` is true.
    """
    return EXPONENTIAL_DECAY.check(exponential_decay)


# =============================================================================
# 2. Step decay at milestones
# =============================================================================
def _multistep_lr(t: int, initial_lr: float, milestones: list[int], gamma: float) -> float:
    passed = sum(1 for m in milestones if m <= t)
    return initial_lr * gamma**passed


def _late_by_one(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ** sum(1 for m in milestones if m < t)


def _early_by_one(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ** sum(1 for m in milestones if m <= t + 1)


def _decays_once(t, initial_lr, milestones, gamma):
    return initial_lr * (gamma if any(m <= t for m in milestones) else 1.0)


def _gamma_times_count(t, initial_lr, milestones, gamma):
    passed = sum(1 for m in milestones if m <= t)
    return initial_lr * (gamma * passed if passed else 1.0)


def _multistep_case(initial_lr: float, milestones: list[int], gamma: float,
                    steps: range) -> Case:
    return Case(
        f"initial_lr={initial_lr:g}, milestones={milestones}, gamma={gamma:g}, "
        f"at steps {steps.start}..{steps.stop - 1}",
        lambda impl: _rates([impl(t, initial_lr, list(milestones), gamma) for t in steps]))


MULTISTEP_LR = Exercise(
    title="step decay at milestones",
    reference=_multistep_lr,
    cases=(
        _multistep_case(0.1, [3, 6], 0.1, range(0, 9)),
        _multistep_case(1.0, [2, 5, 7], 0.5, range(0, 10)),
    ),
    mistakes=(
        Mistake("late by one", _late_by_one,
                "the decay happens one step late: at t == milestone the rate is already "
                "multiplied by gamma (count the milestones with milestone <= t)."),
        Mistake("early by one", _early_by_one,
                "the decay happens one step early: step t uses gamma once for every "
                "milestone <= t, and t itself, not t + 1."),
        Mistake("decays only once", _decays_once,
                "multiply by gamma once per milestone passed: after two milestones the "
                "rate is initial_lr · gamma², not initial_lr · gamma."),
        Mistake("gamma times the count", _gamma_times_count,
                "after k milestones the rate is initial_lr · gamma**k (a power), not "
                "initial_lr · gamma · k."),
    ),
    rtol=1e-9,
)


def check_multistep_lr(multistep_lr: Callable) -> CheckResult:
    """Check ``multistep_lr(t, initial_lr, milestones, gamma)`` → the rate of step ``t``.

    ``initial_lr * gamma ** n`` with ``n`` the number of milestones ``<= t``.
    """
    return MULTISTEP_LR.check(multistep_lr)


# =============================================================================
# 3. ReduceLROnPlateau's logic
# =============================================================================
class _Plateau:
    """Mode "min": reduce the rate after more than ``patience`` epochs without improvement."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0):
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.min_lr = cooldown, min_lr
        self.best = math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def is_better(self, metric):
        if self.threshold_mode == "rel":
            return metric < self.best * (1 - self.threshold)
        return metric < self.best - self.threshold

    def step(self, metric):
        if self.is_better(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.patience_exhausted():
            self.cut()
        return self.lr

    def patience_exhausted(self):
        return self.num_bad_epochs > self.patience

    def cut(self):
        self.lr = max(self.lr * self.factor, self.min_lr)
        self.cooldown_counter = self.cooldown
        self.num_bad_epochs = 0


# The known mistakes change one piece of the logic each, through the hooks above.
class _BestNeverUpdated(_Plateau):
    """The article's snippet: compares with a best loss that is set once, never updated."""

    def step(self, metric):
        if self.best == math.inf:
            self.best = metric
            return self.lr
        if metric > self.best:
            self.lr = self.lr * self.factor
        return self.lr


class _NoPatience(_Plateau):
    def step(self, metric):
        if self.is_better(metric):
            self.best = metric
        else:
            self.lr = max(self.lr * self.factor, self.min_lr)
        return self.lr


class _PatienceOffByOne(_Plateau):
    def patience_exhausted(self):
        return self.num_bad_epochs >= self.patience


class _ThresholdIgnored(_Plateau):
    def is_better(self, metric):
        return metric < self.best


class _AlwaysRelative(_Plateau):
    def is_better(self, metric):
        return metric < self.best * (1 - self.threshold)


class _CooldownIgnored(_Plateau):
    def step(self, metric):
        self.cooldown_counter = 0
        return super().step(metric)


class _MinLrIgnored(_Plateau):
    def step(self, metric):
        self.min_lr = 0.0
        return super().step(metric)


class _CounterNotReset(_Plateau):
    def cut(self):
        self.lr = max(self.lr * self.factor, self.min_lr)
        self.cooldown_counter = self.cooldown


# Validation losses, one per epoch: a fall, small wiggles, a plateau.
_SLOW = [1.0, 0.8, 0.7, 0.69995, 0.7, 0.71, 0.7, 0.72, 0.69, 0.695, 0.7, 0.7, 0.7,
         0.7, 0.7, 0.7]
_WIGGLE = [1.0, 0.9, 0.85, 0.86, 0.849, 0.84, 0.845, 0.85, 0.86, 0.855, 0.85, 0.85,
           0.85, 0.85]


def _plateau_case(metrics: list[float], lr: float, **kwargs) -> Case:
    settings = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return Case(f"lr={lr:g}, {settings} and the validation losses {metrics}",
                lambda cls: _run_plateau(cls, metrics, lr, kwargs))


def _run_plateau(cls, metrics, lr, kwargs) -> np.ndarray:
    scheduler = cls(lr, **kwargs)
    return _rates([scheduler.step(m) for m in metrics])


PLATEAU_SCHEDULER = Exercise(
    title="ReduceLROnPlateau's logic",
    reference=_Plateau,
    cases=(
        _plateau_case(_SLOW, 0.1, factor=0.5, patience=2, threshold=0.01,
                      threshold_mode="rel", cooldown=0, min_lr=0.0),
        _plateau_case(_WIGGLE, 1.0, factor=0.5, patience=1, threshold=0.05,
                      threshold_mode="abs", cooldown=2, min_lr=0.2),
        _plateau_case(_SLOW, 0.1, factor=0.1, patience=3, threshold=1e-4,
                      threshold_mode="rel", cooldown=1, min_lr=0.0005),
    ),
    mistakes=(
        Mistake("best never updated", _BestNeverUpdated,
                "this is the article's snippet: it compares with a best loss that is never "
                "updated, and cuts the rate at the first bad epoch. Keep the best metric "
                "so far (update it on every improvement) and count bad epochs."),
        Mistake("no patience", _NoPatience,
                "the rate is cut at the first epoch without improvement. Count the epochs "
                "without improvement and reduce only when that count exceeds patience."),
        Mistake("patience off by one", _PatienceOffByOne,
                "reduce when the number of bad epochs is *greater than* patience, not "
                "greater or equal: patience=2 tolerates two bad epochs and cuts at the "
                "third."),
        Mistake("threshold ignored", _ThresholdIgnored,
                "a metric counts as better only by more than the threshold: "
                "metric < best · (1 − threshold) in 'rel' mode, metric < best − threshold "
                "in 'abs' mode. Tiny improvements are noise, not progress."),
        Mistake("threshold mode ignored", _AlwaysRelative,
                "with threshold_mode='abs' the test is metric < best − threshold; only "
                "'rel' uses best · (1 − threshold)."),
        Mistake("cooldown ignored", _CooldownIgnored,
                "after a reduction, wait `cooldown` epochs before counting bad epochs "
                "again: while the cooldown counter is positive, decrease it and reset the "
                "bad-epoch count to 0."),
        Mistake("min_lr ignored", _MinLrIgnored,
                "never go below min_lr: the new rate is max(lr · factor, min_lr)."),
        Mistake("counter not reset", _CounterNotReset,
                "after a reduction reset the bad-epoch count to 0, or the rate is cut "
                "again at every following epoch."),
    ),
    rtol=1e-9,
    kind="class",
)


def check_plateau_scheduler(plateau_scheduler: type) -> CheckResult:
    """Check a class ``Plateau(lr, factor, patience, threshold, threshold_mode, cooldown,
    min_lr)`` whose ``step(metric)`` returns the rate for the next epoch.

    The logic of ``ReduceLROnPlateau`` in mode ``"min"``.
    """
    return PLATEAU_SCHEDULER.check(plateau_scheduler)


EXERCISES = {
    "exponential_decay": EXPONENTIAL_DECAY,
    "multistep_lr": MULTISTEP_LR,
    "plateau_scheduler": PLATEAU_SCHEDULER,
}
