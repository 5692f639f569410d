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

from .._messages import F_
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


def _ceiled(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = math.ceil(exponent)
    return initial_lr * decay_rate**exponent


def _times_instead_of_power(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = math.floor(exponent)
    return initial_lr * decay_rate * exponent


def _one_minus_rate(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = math.floor(exponent)
    return initial_lr * (1 - decay_rate)**exponent


def _natural_exp(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = math.floor(exponent)
    return initial_lr * math.exp(-decay_rate * exponent)


def _staircase_inverted(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if not staircase:
        exponent = math.floor(exponent)
    return initial_lr * decay_rate**exponent


def _initial_lr_forgotten(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = math.floor(exponent)
    return decay_rate**exponent


def _exponent_inverted(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = decay_steps / step if step else 0.0
    if staircase:
        exponent = math.floor(exponent)
    return initial_lr * decay_rate**exponent


def _power_without_brackets(step, initial_lr, decay_steps, decay_rate, staircase=False):
    if staircase:
        return initial_lr * decay_rate ** math.floor(step / decay_steps)
    return initial_lr * decay_rate ** step / decay_steps


def _decay_case(initial_lr: float, decay_steps: int, decay_rate: float,
                staircase: bool | None, steps: tuple[int, ...]) -> Case:
    if staircase is None:  # the default, not passed
        return Case(
            F_("initial_lr={initial_lr:g}, decay_steps={decay_steps}, decay_rate={decay_rate:g}, "
               "staircase not given (the default), at steps {steps}", initial_lr=initial_lr,
               decay_steps=decay_steps, decay_rate=decay_rate, steps=list(steps)),
            lambda impl: _rates([impl(t, initial_lr, decay_steps, decay_rate) for t in steps]))
    return Case(
        F_("initial_lr={initial_lr:g}, decay_steps={decay_steps}, decay_rate={decay_rate:g}, "
           "staircase={staircase}, at steps {steps}", initial_lr=initial_lr,
           decay_steps=decay_steps, decay_rate=decay_rate, staircase=staircase,
           steps=list(steps)),
        lambda impl: _rates([impl(t, initial_lr, decay_steps, decay_rate, staircase=staircase)
                             for t in steps]))


_DECAY_STEPS = tuple(int(t) for t in np.sort(np.random.default_rng(51).choice(200, 12,
                                                                             replace=False)))


EXPONENTIAL_DECAY = Exercise(
    title="exponential decay, smooth or staircase",
    reference=_lr_scheduler.exponential_decay,  # the tested one (Keras form)
    cases=(
        _decay_case(0.1, 10, 0.5, False, (0, 1, 5, 10, 17, 30)),
        _decay_case(0.1, 10, 0.5, True, (0, 1, 5, 9, 10, 17, 30)),
        _decay_case(2.0, 4, 0.9, True, (0, 3, 4, 6, 7, 8, 13)),
        _decay_case(0.05, 25, 0.8, None, _DECAY_STEPS),
        _decay_case(0.05, 25, 0.8, True, _DECAY_STEPS),
    ),
    mistakes=(
        Mistake("staircase ignored", _staircase_ignored,
                "with staircase=True the exponent must be a whole number: "
                "floor(step / decay_steps), so the rate drops in jumps every decay_steps "
                "steps and stays flat in between.",
                nudge="look at staircase=True: does your rate stay flat between drops?"),
        Mistake("round instead of floor", _rounded,
                "round() moves the drops about half a period early: with decay_steps=10, "
                "step 6 already uses the decayed rate (round(0.6) == 1). Use math.floor "
                "(or //) for the staircase.",
                nudge="look at how you make the exponent whole: rounded *down*."),
        Mistake("ceil instead of floor", _ceiled,
                "math.ceil moves every drop a whole period early (step 1 already uses the "
                "decayed rate): round the exponent *down*, math.floor (or //).",
                nudge="look at how you make the exponent whole: rounded *down*."),
        Mistake("exponent without brackets", _power_without_brackets,
                "`decay_rate ** step / decay_steps` raises to the power step and then "
                "divides: `**` binds tighter than `/`. Write `decay_rate ** (step / "
                "decay_steps)`.",
                nudge="look at the exponent: how does Python group `**` and `/`?"),
        Mistake("decay_rate ** step", _per_step,
                "decay_rate is the factor per decay_steps steps, not per step: the exponent "
                "is step / decay_steps.",
                nudge="look at the exponent: decay_rate is the factor per decay_steps steps."),
        Mistake("always staircase", _always_staircase,
                "without staircase the exponent is the fraction step / decay_steps, so the "
                "rate falls a little every step; floor it only when staircase=True.",
                nudge="look at staircase=False: the rate should fall a little every step."),
        Mistake("staircase the wrong way round", _staircase_inverted,
                "floor the exponent when staircase is *true* (drops in jumps); with "
                "staircase=False the exponent is the fraction step / decay_steps.",
                nudge="look at which of the two cases rounds the exponent down."),
        Mistake("initial_lr forgotten", _initial_lr_forgotten,
                "the schedule starts at initial_lr: multiply the decay factor by it, "
                "initial_lr * decay_rate ** exponent.",
                nudge="look at the rate at step 0: it must be initial_lr."),
        Mistake("exponent upside down", _exponent_inverted,
                "the exponent is step / decay_steps (it grows with the step), not "
                "decay_steps / step.",
                nudge="look at the exponent: does it grow with the step?"),
        Mistake("times instead of power", _times_instead_of_power,
                "decay_rate is raised to the power step / decay_steps, not multiplied by "
                "it: initial_lr * decay_rate ** exponent.",
                nudge="look at how decay_rate enters: a power, not a product."),
        Mistake("1 − decay_rate", _one_minus_rate,
                "decay_rate is the factor itself (0.5 halves the rate every decay_steps "
                "steps): initial_lr * decay_rate ** exponent, not (1 − decay_rate) ** ...",
                nudge="look at the base of the power: decay_rate is the factor kept."),
        Mistake("e^(−rate·t)", _natural_exp,
                "that is another schedule, η₀·e^(−k·t); here decay_rate is the factor per "
                "decay_steps steps: initial_lr * decay_rate ** (step / decay_steps).",
                nudge="look at the base of the power: decay_rate, not e."),
    ),
    formula="η = initial_lr · decay_rate ** (step / decay_steps), the exponent rounded down "
            "(floor) when staircase is true",
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


def _divided_by_gamma(t, initial_lr, milestones, gamma):
    return initial_lr / gamma ** sum(1 for m in milestones if m <= t)


def _all_at_once(t, initial_lr, milestones, gamma):
    return initial_lr * (gamma ** len(milestones) if any(m <= t for m in milestones) else 1.0)


def _gamma_times_count_plain(t, initial_lr, milestones, gamma):
    return initial_lr * gamma * sum(1 for m in milestones if m <= t)


def _multistep_initial_forgotten(t, initial_lr, milestones, gamma):
    return gamma ** sum(1 for m in milestones if m <= t)


def _comparison_reversed(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ** sum(1 for m in milestones if m >= t)


def _index_of_last_passed(t, initial_lr, milestones, gamma):
    passed = [i for i, m in enumerate(milestones) if m <= t]
    return initial_lr * gamma ** (passed[-1] if passed else 0)


def _only_at_milestones(t, initial_lr, milestones, gamma):
    return initial_lr * (gamma if t in milestones else 1.0)


def _multistep_case(initial_lr: float, milestones: list[int], gamma: float,
                    steps: range) -> Case:
    return Case(
        F_("initial_lr={initial_lr:g}, milestones={milestones}, gamma={gamma:g}, "
           "at steps {first}..{last}", initial_lr=initial_lr, milestones=milestones,
           gamma=gamma, first=steps.start, last=steps.stop - 1),
        lambda impl: _rates([impl(t, initial_lr, list(milestones), gamma) for t in steps]))


MULTISTEP_LR = Exercise(
    title="step decay at milestones",
    reference=_multistep_lr,
    cases=(
        _multistep_case(0.1, [3, 6], 0.1, range(0, 9)),
        _multistep_case(1.0, [2, 5, 7], 0.5, range(0, 10)),
        _multistep_case(0.3, [1, 40, 41, 90], 0.7, range(0, 100)),
    ),
    mistakes=(
        Mistake("late by one", _late_by_one,
                "the decay happens one step late: at t == milestone the rate is already "
                "multiplied by gamma (count the milestones with milestone <= t).",
                nudge="look at the step t == milestone: has the rate dropped there?"),
        Mistake("early by one", _early_by_one,
                "the decay happens one step early: step t uses gamma once for every "
                "milestone <= t, and t itself, not t + 1.",
                nudge="look at the step just before a milestone: it still has the old rate."),
        Mistake("only at the milestones", _only_at_milestones,
                "the rate stays low after a milestone: step t uses gamma once for every "
                "milestone <= t, not only when t is a milestone.",
                nudge="look at the steps after a milestone: does the rate stay low?"),
        Mistake("decays only once", _decays_once,
                "multiply by gamma once per milestone passed: after two milestones the "
                "rate is initial_lr · gamma², not initial_lr · gamma.",
                nudge="look at the rate after the second milestone."),
        Mistake("all milestones at once", _all_at_once,
                "count only the milestones already passed (milestone <= t): after the first "
                "one the rate is initial_lr · gamma, not gamma ** len(milestones).",
                nudge="look at the rate after the first milestone: only one has passed."),
        Mistake("gamma times the count", _gamma_times_count,
                "after k milestones the rate is initial_lr · gamma**k (a power), not "
                "initial_lr · gamma · k.",
                nudge="look at how gamma enters: once per milestone passed, multiplied."),
        Mistake("gamma times the count, from the start", _gamma_times_count_plain,
                "after k milestones the rate is initial_lr · gamma**k (a power; gamma⁰ = 1 "
                "before the first milestone), not initial_lr · gamma · k.",
                nudge="look at how gamma enters: once per milestone passed, multiplied."),
        Mistake("initial_lr forgotten", _multistep_initial_forgotten,
                "the schedule starts at initial_lr: initial_lr · gamma**k, not gamma**k.",
                nudge="look at the rate before the first milestone: initial_lr."),
        Mistake("comparison reversed", _comparison_reversed,
                "count the milestones already passed, milestone <= t, not those still to "
                "come (milestone >= t).",
                nudge="look at which milestones you count."),
        Mistake("index of the last milestone passed", _index_of_last_passed,
                "k is the *number* of milestones passed, one more than the index of the last "
                "one: sum(1 for m in milestones if m <= t).",
                nudge="look at k after the first milestone: 1, not 0."),
        Mistake("divided by gamma", _divided_by_gamma,
                "gamma multiplies the rate (gamma = 0.1 makes it ten times smaller): "
                "initial_lr · gamma**k, not initial_lr / gamma**k.",
                nudge="look at the direction of the change: the rate should drop."),
    ),
    formula="η_t = initial_lr · gamma ** k, k = the number of milestones ≤ t",
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


class _BestUpdatedInsideThreshold(_Plateau):
    """Counts bad epochs by the threshold, but moves the best on every small improvement."""

    def step(self, metric):
        better = self.is_better(metric)
        self.best = min(self.best, metric)
        if better:
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.patience_exhausted():
            self.cut()
        return self.lr


class _EqualCountsAsBetter(_Plateau):
    def is_better(self, metric):
        if self.threshold_mode == "rel":
            return metric <= self.best * (1 - self.threshold)
        return metric <= self.best - self.threshold


class _AlwaysAbsolute(_Plateau):
    def is_better(self, metric):
        return metric < self.best - self.threshold


class _CounterKeptInCooldown(_Plateau):
    def step(self, metric):
        if self.is_better(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
        elif self.patience_exhausted():
            self.cut()
        return self.lr


class _CooldownSkipsTheEpoch(_Plateau):
    """During the cooldown the metric is not looked at at all (no best update)."""

    def step(self, metric):
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            return self.lr
        return super().step(metric)


class _CooldownStartsAtTheCut(_Plateau):
    """Tests the patience before the cooldown: the cooldown counter is decreased in the
    epoch of the cut already."""

    def step(self, metric):
        if self.is_better(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.patience_exhausted():
            self.cut()
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        return self.lr


class _FloorCheckedBeforeTheCut(_Plateau):
    def cut(self):
        if self.lr > self.min_lr:
            self.lr = self.lr * self.factor
        self.cooldown_counter = self.cooldown
        self.num_bad_epochs = 0


class _ModesSwapped(_Plateau):
    def is_better(self, metric):
        if self.threshold_mode == "abs":
            return metric < self.best * (1 - self.threshold)
        return metric < self.best - self.threshold


class _MinInsteadOfMax(_Plateau):
    def cut(self):
        self.lr = min(self.lr * self.factor, self.min_lr)
        self.cooldown_counter = self.cooldown
        self.num_bad_epochs = 0


class _StepReturnsNothing(_Plateau):
    def step(self, metric):
        super().step(metric)


class _ReturnsOldRate(_Plateau):
    def step(self, metric):
        old = self.lr
        super().step(metric)
        return old


class _NotResetOnImprovement(_Plateau):
    def step(self, metric):
        if self.is_better(metric):
            self.best = metric
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.patience_exhausted():
            self.cut()
        return self.lr


# Validation losses, one per epoch: a fall, small wiggles, a plateau.
_SLOW = [1.0, 0.8, 0.7, 0.69995, 0.7, 0.71, 0.7, 0.72, 0.69, 0.695, 0.7, 0.7, 0.7,
         0.7, 0.7, 0.7]
_WIGGLE = [1.0, 0.9, 0.85, 0.86, 0.849, 0.84, 0.845, 0.85, 0.86, 0.855, 0.85, 0.85,
           0.85, 0.85]


# Every number exact in binary: 0.75 is exactly 1 − 0.25 (abs) and 0.5 exactly 1·(1 − 0.5)
# (rel), so the strict `<` of "better" is tested at equality.
_EXACT = [1.0, 0.75, 0.75, 0.5, 0.5, 0.5, 0.25, 0.25, 0.0, 0.0, 0.0]
# Improvements smaller than the threshold, epoch after epoch.
_CREEP = [1.0, 0.95, 0.91, 0.87, 0.84, 0.8, 0.77, 0.74, 0.7, 0.69, 0.68, 0.6, 0.59, 0.58,
          0.57, 0.56]
_RANDOM_METRICS = [round(float(v), 4) for v in 1.0 / np.arange(1, 31) ** 0.5
                   * np.exp(0.1 * np.random.default_rng(61).standard_normal(30))]


def _plateau_case(metrics: list[float], lr: float, **kwargs) -> Case:
    settings = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return Case(F_("lr={lr:g}, {settings} and the validation losses {metrics}", lr=lr,
                   settings=settings, metrics=metrics),
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
        _plateau_case(_EXACT, 1.0, factor=0.5, patience=1, threshold=0.25,
                      threshold_mode="abs", cooldown=0, min_lr=0.0),
        _plateau_case(_EXACT, 1.0, factor=0.5, patience=0, threshold=0.5,
                      threshold_mode="rel", cooldown=1, min_lr=0.0),
        _plateau_case(_CREEP, 1.0, factor=0.5, patience=2, threshold=0.1,
                      threshold_mode="rel", cooldown=0, min_lr=0.0),
        _plateau_case(_RANDOM_METRICS, 0.5, factor=0.3, patience=2, threshold=0.02,
                      threshold_mode="abs", cooldown=2, min_lr=0.01),
        _plateau_case([0.8] * 8, 1.0, factor=0.5, patience=0, threshold=1e-4,
                      threshold_mode="rel", cooldown=0, min_lr=0.1),
    ),
    mistakes=(
        Mistake("best never updated", _BestNeverUpdated,
                "this is the article's snippet: it compares with a best loss that is never "
                "updated, and cuts the rate at the first bad epoch. Keep the best metric "
                "so far (update it on every improvement) and count bad epochs.",
                nudge="look at the best value: is it updated, and do you count bad epochs?"),
        Mistake("no patience", _NoPatience,
                "the rate is cut at the first epoch without improvement. Count the epochs "
                "without improvement and reduce only when that count exceeds patience.",
                nudge="look at when you cut: patience bad epochs are tolerated first."),
        Mistake("patience off by one", _PatienceOffByOne,
                "reduce when the number of bad epochs is *greater than* patience, not "
                "greater or equal: patience=2 tolerates two bad epochs and cuts at the "
                "third.",
                nudge="look at the comparison with patience: how many bad epochs are "
                      "tolerated?"),
        Mistake("bad epochs not reset on improvement", _NotResetOnImprovement,
                "an improvement starts the count afresh: set the bad-epoch count to 0 "
                "whenever the metric is better.",
                nudge="look at the bad-epoch count after an improvement."),
        Mistake("threshold ignored", _ThresholdIgnored,
                "a metric counts as better only by more than the threshold: "
                "metric < best · (1 − threshold) in 'rel' mode, metric < best − threshold "
                "in 'abs' mode. Tiny improvements are noise, not progress.",
                nudge="look at what counts as better: by how much must the metric improve?"),
        Mistake("equal counts as better", _EqualCountsAsBetter,
                "better means strictly below the threshold line: metric < best·(1 − "
                "threshold) (or < best − threshold); a metric exactly on it is a bad epoch.",
                nudge="look at the comparison with the threshold line: what happens at "
                      "equality?"),
        Mistake("best updated inside the threshold", _BestUpdatedInsideThreshold,
                "update the best value only when the metric is better by the threshold, "
                "together with resetting the count: a best that follows every small "
                "improvement keeps moving the bar, and a slow steady fall never counts as "
                "progress.",
                nudge="look at when you update the best value: on every lower metric, or "
                      "only on a real improvement?"),
        Mistake("threshold mode ignored", _AlwaysRelative,
                "with threshold_mode='abs' the test is metric < best − threshold; only "
                "'rel' uses best · (1 − threshold).",
                nudge="look at threshold_mode: 'abs' and 'rel' test differently."),
        Mistake("always absolute", _AlwaysAbsolute,
                "with threshold_mode='rel' the test is metric < best · (1 − threshold); "
                "best − threshold is the 'abs' mode's.",
                nudge="look at threshold_mode: 'abs' and 'rel' test differently."),
        Mistake("cooldown ignored", _CooldownIgnored,
                "after a reduction, wait `cooldown` epochs before counting bad epochs "
                "again: while the cooldown counter is positive, decrease it and reset the "
                "bad-epoch count to 0.",
                nudge="look at the epochs right after a cut: the cooldown."),
        Mistake("bad epochs counted in the cooldown", _CounterKeptInCooldown,
                "during the cooldown the bad-epoch count is reset to 0 at every epoch, so "
                "bad epochs only start to count once the cooldown is over.",
                nudge="look at the bad-epoch count during the cooldown."),
        Mistake("metric skipped in the cooldown", _CooldownSkipsTheEpoch,
                "during the cooldown still look at the metric: update the best value on "
                "an improvement, then decrease the cooldown counter and reset the bad-epoch "
                "count.",
                nudge="look at the best value during the cooldown: is it still updated?"),
        Mistake("cooldown started in the epoch of the cut", _CooldownStartsAtTheCut,
                "handle the cooldown before the patience test, as ReduceLROnPlateau does: "
                "in the epoch of a cut the counter is set to `cooldown` and only decreases "
                "from the next epoch on, so the cooldown lasts `cooldown` full epochs.",
                nudge="look at the order of the cooldown and the patience test."),
        Mistake("min_lr ignored", _MinLrIgnored,
                "never go below min_lr: the new rate is max(lr · factor, min_lr).",
                nudge="look at the floor: min_lr."),
        Mistake("modes swapped", _ModesSwapped,
                "the modes are the other way round: 'rel' tests metric < best · (1 − "
                "threshold), 'abs' tests metric < best − threshold.",
                nudge="look at threshold_mode: which test belongs to 'rel'?"),
        Mistake("min instead of max", _MinInsteadOfMax,
                "min_lr is a floor: the new rate is max(lr · factor, min_lr), the larger of "
                "the two; min() jumps straight to min_lr.",
                nudge="look at the floor: min() or max()?"),
        Mistake("step returns nothing", _StepReturnsNothing,
                "step must return the rate to use next: end it with `return self.lr`.",
                nudge="look at what step returns."),
        Mistake("min_lr tested before the cut", _FloorCheckedBeforeTheCut,
                "a cut can take the rate below min_lr: cut first, then clip, "
                "lr = max(lr · factor, min_lr).",
                nudge="look at the floor: can one cut take the rate below min_lr?"),
        Mistake("counter not reset", _CounterNotReset,
                "after a reduction reset the bad-epoch count to 0, or the rate is cut "
                "again at every following epoch.",
                nudge="look at the bad-epoch count right after a cut."),
        Mistake("old rate returned", _ReturnsOldRate,
                "return the rate to use *next*, after a cut if there was one: "
                "`return self.lr` at the end of step.",
                nudge="look at the rate you return in the epoch of a cut."),
    ),
    formula="better: metric < best·(1 − threshold) ('rel') or < best − threshold ('abs'); "
            "if better: best = metric, bad = 0, else bad += 1; in the cooldown: counter −= 1, "
            "bad = 0; if bad > patience: lr = max(lr·factor, min_lr), counter = cooldown, "
            "bad = 0; return lr",
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
