"""Mutation suite for the exercise checks, written from the exercise statements alone.

Issue 11, item 6. For every exercise of the course (the statement is the markdown cell
above the exercise's code cell in ``course/NN_*.ipynb``) this module holds

* **wrong variants** (``@wrong``): answers a learner plausibly writes from that statement,
  each labelled with its mistake (sign, off-by-one, axis, a missing 1/n or 2, ``^`` for a
  power, in place where the statement says "new" or "unchanged", a generator where a list
  is needed, floats where integers are asked, ``<`` for ``<=``, an argument ignored, the
  given ``rng`` ignored, bias correction with t + 1, ε inside the root, edge cases the
  statement names, a hard-coded example, the wrong type or shape, printing, raising, a
  loop that never ends);
* **correct variants** (``@correct``): right answers written differently from the
  notebook's solution (loops or vectorised, other idioms, equivalent formulas).

They were written without reading the registered mistakes, cases or hints of the checks
(``gdcourse/exercises/*.py`` other than ``_checking.py``'s public API and
``__init__.EXERCISES``) and without reading ``tests/test_exercises*.py``.
``he_normal_std`` is registered but no chapter states it: its variants follow its title,
"He (Kaiming) normal standard deviation", and chapter 06's
``kaiming_normal_(mode="fan_in", nonlinearity="relu")``: √(2 / fan_in).

Every variant goes through its public check, ``check_<name>(variant)`` (a variant marked
``hangs`` through ``EXERCISES[name].check(variant, time_limit=HANG_LIMIT)``), with the hint
history reset before and after. The verdict of a wrong variant is

* ``specific``: the result's ``failure`` names a registered mistake (``"mistake: ..."``) or
  a requirement (``"requirement: ..."``), or one of the machinery's own named mistakes
  (``"error: xor"``, ``"Value: not repeatable"``, ``"time limit"``);
* ``structural``: the comparison's own type or shape message (``"Type"``, ``"Shape"``):
  exact about what differs, but no registered mistake says why;
* ``generic``: a fallback (``"Value"``: "run your function by hand ...", ``"Value: sign"``,
  ``"Value: factor"``, an exception named by its kind, ``"Type: unusable result"``);
* ``accepted`` (a bug: a wrong answer passed) or ``crash`` (a bug: the check raised or
  answered ``failure="internal"``).

A correct variant is ``accepted`` or ``rejected`` (a bug). The tests, table-driven with
the variant's id (``exercise/name``) in the test id: no crash, no wrong variant accepted,
no correct variant rejected, and at least 85 % of the wrong variants ``specific``.
``WITNESSES`` hold, for the wrong variants whose mistake shows only on some inputs (a
boundary, a branch, an argument at its default), an input the statement allows on which
the variant and the notebook's solution (read from ``course/``) differ; two tests prove
those witnesses and the correct variants against the notebook's solutions, without the
checks. Report (table, and every non-specific or failing variant with its message and
hint): ``python tests/test_exercise_mutations.py [--hints]``.

Figures with the checks of commit 6c1222d (270 wrong, 72 correct variants; about 20 s).
After "wrong" the verdicts of the wrong variants, after "correct" those of the correct
ones, then "named" (below)::

    | exercise | wrong | spec. | struct. | gen. | acc. | crash | correct | acc. | rej. | named |
    |:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
    | gd_step | 11 | 6 | 2 | 3 | 0 | 0 | 4 | 4 | 0 | 7 |
    | theta_after | 12 | 6 | 0 | 6 | 0 | 0 | 3 | 3 | 0 | 6 |
    | numerical_gradient | 10 | 3 | 1 | 5 | 1 | 0 | 3 | 3 | 0 | 5 |
    | linear_regression_gradient | 11 | 5 | 4 | 2 | 0 | 0 | 4 | 4 | 0 | 8 |
    | gradient_descent | 12 | 6 | 0 | 4 | 2 | 0 | 3 | 3 | 0 | 6 |
    | minibatch_gradient | 10 | 5 | 2 | 3 | 0 | 0 | 3 | 3 | 0 | 8 |
    | minibatch_noise | 10 | 7 | 0 | 3 | 0 | 0 | 3 | 3 | 0 | 7 |
    | epoch_batches | 13 | 6 | 4 | 3 | 0 | 0 | 3 | 3 | 0 | 6 |
    | quadratic_rates | 11 | 3 | 1 | 7 | 0 | 0 | 3 | 3 | 0 | 5 |
    | measure_rates | 12 | 5 | 1 | 2 | 4 | 0 | 3 | 3 | 0 | 6 |
    | range_test_lrs | 10 | 4 | 2 | 4 | 0 | 0 | 4 | 4 | 0 | 5 |
    | range_test_stop | 14 | 4 | 0 | 5 | 5 | 0 | 3 | 3 | 0 | 4 |
    | exponential_decay | 10 | 4 | 0 | 6 | 0 | 0 | 3 | 3 | 0 | 4 |
    | multistep_lr | 10 | 5 | 0 | 5 | 0 | 0 | 3 | 3 | 0 | 5 |
    | plateau_scheduler | 14 | 7 | 1 | 5 | 1 | 0 | 2 | 2 | 0 | 7 |
    | momentum_step | 10 | 4 | 1 | 5 | 0 | 0 | 3 | 3 | 0 | 5 |
    | rmsprop_step | 11 | 5 | 0 | 6 | 0 | 0 | 3 | 3 | 0 | 5 |
    | adam_step | 13 | 9 | 0 | 4 | 0 | 0 | 3 | 3 | 0 | 9 |
    | fan_in_and_fan_out | 9 | 5 | 0 | 4 | 0 | 0 | 3 | 3 | 0 | 5 |
    | xavier_uniform_bound | 11 | 5 | 2 | 4 | 0 | 0 | 3 | 3 | 0 | 7 |
    | he_normal_std | 6 | 6 | 0 | 0 | 0 | 0 | 2 | 2 | 0 | 6 |
    | gain_that_keeps_the_spread | 12 | 7 | 0 | 4 | 1 | 0 | 3 | 3 | 0 | 7 |
    | suggest_rates | 11 | 4 | 0 | 7 | 0 | 0 | 3 | 3 | 0 | 5 |
    | diagnose | 17 | 3 | 1 | 2 | 11 | 0 | 2 | 2 | 0 | 5 |
    | all | 270 | 124 | 22 | 99 | 25 | 0 | 72 | 72 | 0 | 143 |

``named`` is a reading of every message and hint by hand: does what the learner sees name
*the actual* mistake (or its fix)? Counted as named: the registered hints except two that
name another mistake (``plateau_scheduler/PlateauLeBetter``, ``<=`` for ``<``, is told
"threshold mode ignored"; ``gd_step/gd_prints`` is told "`theta -= lr * grad` ... returns
None"); 15 of the 22 structural messages (a list for an array, None returned, a missing
value, a (d, 1) column ...); 6 generic ones whose pattern is the mistake (the sign hint for
a reversed difference twice, the factor hint for ×10 instead of /10, the learner's line for
``X[:, batch]`` and for a missing ``.T``, the label 'overfit' shown beside 'overfitting').
Not named: every "run your function by hand" nudge, and structural hints that point
elsewhere: the grad_w/grad_b order swapped and a mean over all entries get "return a NumPy
array (np.asarray(...) converts a list)"; a wrong number of batches gets "expected 3
returned values ... return exactly the values the exercise asks for"; a batch or a rate
array one entry short gets "a transpose or a missing sum/mean over an axis". 143 / 270 =
53 % named. The second attempt never gives a more specific hint (no exercise registers a
nudge, so rungs 0 and 1 are the same text).

Findings at 6c1222d: 0 crashes, 0 correct variants rejected, 25 wrong variants accepted
(each with a witness in ``WITNESSES``): ``h`` ignored (numerical_gradient); ``<`` for
``<=`` and the max-norm for the norm (gradient_descent); ``last`` ignored, ``<= 1``, an
arithmetic mean of the ratios, an unsorted grid (measure_rates); bias correction with
i + 1 or 0-based, ``>=``, None when the test never stops, s₀ = L₁ (range_test_stop); the
best value updated inside the threshold (plateau_scheduler); ``n_samples`` ignored (gain);
and 11 of diagnose's 17: no case reaches a threshold boundary (10×, 0.95, 1.1), a curve
that meets two rules at once (the order), an empty ``val_losses`` with a diverged run, or a
spike that recovers — branches the statement spells out.
"""

from __future__ import annotations

import ast
import bisect
import copy
import functools
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import gdcourse.exercises as exercises
from gdcourse.exercises import EXERCISES, compare

# =============================================================================
# The registry of variants
# =============================================================================
#: Seconds a variant marked ``hangs`` may run per case (the checks' own default is 5 s).
HANG_LIMIT = 1.0
#: The share of wrong variants whose failure names a registered mistake or a requirement.
SPECIFIC_SHARE = 0.85


@dataclass(frozen=True)
class Variant:
    exercise: str          # key of EXERCISES
    name: str              # the Python name of the variant, unique per exercise
    description: str       # the mistake (wrong) or how it is written (correct)
    attempt: Any           # the function or class handed to the check
    correct: bool
    hangs: bool = False    # may run for ever: checked with a short time limit

    @property
    def id(self) -> str:
        return f"{self.exercise}/{self.name}"


VARIANTS: list[Variant] = []


def _register(exercise: str, description: str, correct: bool, hangs: bool = False) -> Callable:
    def decorate(attempt: Any) -> Any:
        VARIANTS.append(Variant(exercise, attempt.__name__, description, attempt, correct,
                                hangs))
        return attempt
    return decorate


def wrong(exercise: str, description: str, *, hangs: bool = False) -> Callable:
    """A wrong answer a learner plausibly writes from the statement; ``description`` names
    its mistake."""
    return _register(exercise, description, False, hangs)


def correct(exercise: str, description: str) -> Callable:
    """A correct answer written differently from the notebook's solution."""
    return _register(exercise, description, True)


# =============================================================================
# Chapter 00 — gd_step, theta_after
# =============================================================================
@wrong("gd_step", "adds the step: theta + lr * grad (sign)")
def gd_plus(theta, grad, lr):
    return theta + lr * grad


@wrong("gd_step", "updates theta in place (theta -= ...) and returns it")
def gd_in_place(theta, grad, lr):
    theta -= lr * grad
    return theta


@wrong("gd_step", "updates theta in place and returns nothing")
def gd_in_place_no_return(theta, grad, lr):
    theta -= lr * grad


@wrong("gd_step", "np.subtract(..., out=theta): in place")
def gd_out_theta(theta, grad, lr):
    return np.subtract(theta, lr * grad, out=theta)


@wrong("gd_step", "forgets the learning rate")
def gd_no_lr(theta, grad, lr):
    return theta - grad


@wrong("gd_step", "divides by the learning rate")
def gd_divides_lr(theta, grad, lr):
    return theta - grad / lr


@wrong("gd_step", "returns the step lr * grad, not the new theta")
def gd_returns_step(theta, grad, lr):
    return lr * grad


@wrong("gd_step", "swaps the roles of theta and grad")
def gd_swapped(theta, grad, lr):
    return grad - lr * theta


@wrong("gd_step", "prints the result instead of returning it")
def gd_prints(theta, grad, lr):
    print(theta - lr * grad)


@wrong("gd_step", "returns a Python list")
def gd_list(theta, grad, lr):
    return [t - lr * g for t, g in zip(theta, grad)]


@wrong("gd_step", "loops over .flat: a flat array for a 2-D theta")
def gd_flat(theta, grad, lr):
    return np.array([t - lr * g for t, g in zip(theta.flat, grad.flat)])


@correct("gd_step", "np.add(theta, -lr * grad)")
def gd_ok_add(theta, grad, lr):
    return np.add(theta, -lr * grad)


@correct("gd_step", "a float copy, then -= on the copy")
def gd_ok_copy(theta, grad, lr):
    new = np.array(theta, dtype=float)
    new -= lr * np.asarray(grad)
    return new


@correct("gd_step", "element by element over np.ndindex")
def gd_ok_loop(theta, grad, lr):
    out = np.empty(np.shape(theta), dtype=float)
    for index in np.ndindex(out.shape):
        out[index] = theta[index] - lr * grad[index]
    return out


@correct("gd_step", "theta + (-lr) * grad")
def gd_ok_negative(theta, grad, lr):
    return theta + (-lr) * grad


@wrong("theta_after", "exponent t - 1")
def ta_t_minus_1(theta0, curvatures, lr, t):
    return (1 - lr * curvatures) ** (t - 1) * theta0


@wrong("theta_after", "exponent t + 1")
def ta_t_plus_1(theta0, curvatures, lr, t):
    return (1 - lr * curvatures) ** (t + 1) * theta0


@wrong("theta_after", "1 + lr * curvature (sign)")
def ta_plus(theta0, curvatures, lr, t):
    return (1 + lr * curvatures) ** t * theta0


@wrong("theta_after", "^ for the power")
def ta_xor(theta0, curvatures, lr, t):
    return (1 - lr * curvatures) ^ t * theta0


@wrong("theta_after", "multiplies by t instead of raising to the power t")
def ta_times_t(theta0, curvatures, lr, t):
    return (1 - lr * curvatures) * t * theta0


@wrong("theta_after", "returns the factor, forgets theta0")
def ta_no_theta0(theta0, curvatures, lr, t):
    return (1 - lr * curvatures) ** t


@wrong("theta_after", "multiplies theta0 in place (*=) and returns it")
def ta_in_place(theta0, curvatures, lr, t):
    theta0 *= (1 - lr * curvatures) ** t
    return theta0


@wrong("theta_after", "a loop of in-place steps on theta0")
def ta_loop_in_place(theta0, curvatures, lr, t):
    for _ in range(t):
        theta0 -= lr * curvatures * theta0
    return theta0


@wrong("theta_after", "forgets the learning rate")
def ta_no_lr(theta0, curvatures, lr, t):
    return (1 - curvatures) ** t * theta0


@wrong("theta_after", "takes the first step outside the loop: one step even for t = 0")
def ta_first_step_always(theta0, curvatures, lr, t):
    theta = theta0 - lr * curvatures * theta0
    for _ in range(t - 1):
        theta = theta - lr * curvatures * theta
    return theta


@wrong("theta_after", "gradient flow exp(-lr * curvature * t) instead of steps")
def ta_flow(theta0, curvatures, lr, t):
    return np.exp(-lr * curvatures * t) * theta0


@wrong("theta_after", "power on lr * curvature only: 1 - (lr * curvature) ** t")
def ta_power_misplaced(theta0, curvatures, lr, t):
    return (1 - (lr * curvatures) ** t) * theta0


@correct("theta_after", "np.power")
def ta_ok_power(theta0, curvatures, lr, t):
    return np.power(1 - lr * curvatures, t) * theta0


@correct("theta_after", "t steps on a copy, in a loop")
def ta_ok_loop(theta0, curvatures, lr, t):
    theta = np.array(theta0, dtype=float)
    for _ in range(t):
        theta = theta - lr * curvatures * theta
    return theta


@correct("theta_after", "np.multiply with the factors in the other order")
def ta_ok_multiply(theta0, curvatures, lr, t):
    return np.multiply(theta0, (1.0 - curvatures * lr) ** t)


# =============================================================================
# Chapter 01 — numerical_gradient, linear_regression_gradient, gradient_descent
# =============================================================================
def _unit(theta, i, h):
    step = np.zeros_like(np.asarray(theta, dtype=float))
    step.flat[i] = h
    return step


@wrong("numerical_gradient", "forward difference (f(θ+h) − f(θ)) / h")
def ng_forward(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    return np.array([(f(theta + _unit(theta, i, h)) - f(theta)) / h for i in range(theta.size)])


@wrong("numerical_gradient", "divides by h instead of 2h")
def ng_no_2(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    return np.array([(f(theta + _unit(theta, i, h)) - f(theta - _unit(theta, i, h))) / h
                     for i in range(theta.size)])


@wrong("numerical_gradient", "/ 2 * h: divides by 2, multiplies by h (order of operations)")
def ng_precedence(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    return np.array([(f(theta + _unit(theta, i, h)) - f(theta - _unit(theta, i, h))) / 2 * h
                     for i in range(theta.size)])


@wrong("numerical_gradient", "f(θ−h) − f(θ+h): the sign")
def ng_sign(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    return np.array([(f(theta - _unit(theta, i, h)) - f(theta + _unit(theta, i, h))) / (2 * h)
                     for i in range(theta.size)])


@wrong("numerical_gradient", "ignores the argument h (always 1e-5)")
def ng_ignores_h(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    return np.array([(f(theta + _unit(theta, i, 1e-5)) - f(theta - _unit(theta, i, 1e-5)))
                     / 2e-5 for i in range(theta.size)])


@wrong("numerical_gradient", "perturbs theta itself and never restores it")
def ng_no_restore(f, theta, h=1e-5):
    grad = np.zeros_like(theta, dtype=float)
    for i in range(theta.size):
        theta[i] += h
        plus = f(theta)
        theta[i] -= 2 * h
        minus = f(theta)
        grad[i] = (plus - minus) / (2 * h)
    return grad


@wrong("numerical_gradient", "`plus = theta` is no copy: theta is modified")
def ng_alias(f, theta, h=1e-5):
    grad = np.zeros_like(theta, dtype=float)
    for i in range(theta.size):
        plus = theta
        plus[i] += h
        minus = theta.copy()
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


@wrong("numerical_gradient", "perturbs every coordinate at once")
def ng_all_at_once(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    slope = (f(theta + h) - f(theta - h)) / (2 * h)
    return np.full(theta.shape, slope)


@wrong("numerical_gradient", "returns a Python list")
def ng_list(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    return [(f(theta + _unit(theta, i, h)) - f(theta - _unit(theta, i, h))) / (2 * h)
            for i in range(theta.size)]


@wrong("numerical_gradient", "h as a relative step h·θ_i (divides by 2h)")
def ng_relative_h(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    return np.array([(f(theta + _unit(theta, i, h * theta[i]))
                      - f(theta - _unit(theta, i, h * theta[i]))) / (2 * h)
                     for i in range(theta.size)])


@correct("numerical_gradient", "rows of h·I as the steps")
def ng_ok_eye(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    steps = np.eye(theta.size) * h
    return np.array([(f(theta + e) - f(theta - e)) / (2 * h) for e in steps])


@correct("numerical_gradient", "two copies, one coordinate set on each")
def ng_ok_copies(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    grad = np.empty_like(theta)
    for i in range(len(theta)):
        plus, minus = theta.copy(), theta.copy()
        plus[i] = theta[i] + h
        minus[i] = theta[i] - h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


@correct("numerical_gradient", "np.fromiter over the coordinates")
def ng_ok_fromiter(f, theta, h=1e-5):
    theta = np.asarray(theta, dtype=float)
    quotients = ((f(theta + _unit(theta, i, h)) - f(theta - _unit(theta, i, h))) / (2 * h)
                 for i in range(theta.size))
    return np.fromiter(quotients, dtype=float, count=theta.size)


def _residual(X, y, w, b):
    return X @ w + b - y


@wrong("linear_regression_gradient", "no factor 2 (the 1/(2n) convention)")
def lr_no_2(X, y, w, b):
    r, n = _residual(X, y, w, b), len(y)
    return X.T @ r / n, float(np.sum(r)) / n


@wrong("linear_regression_gradient", "no 1/n (a sum, not a mean)")
def lr_no_n(X, y, w, b):
    r = _residual(X, y, w, b)
    return 2 * X.T @ r, 2 * float(np.sum(r))


@wrong("linear_regression_gradient", "residual y − Xw − b without the minus in front")
def lr_sign(X, y, w, b):
    r, n = y - X @ w - b, len(y)
    return 2 / n * X.T @ r, 2 / n * float(np.sum(r))


@wrong("linear_regression_gradient", "forgets b in the residual")
def lr_no_b(X, y, w, b):
    r, n = X @ w - y, len(y)
    return 2 / n * X.T @ r, 2 / n * float(np.sum(r))


@wrong("linear_regression_gradient", "sums over the wrong axis: shape (n,) for grad_w")
def lr_wrong_axis(X, y, w, b):
    r, n = _residual(X, y, w, b), len(y)
    return 2 / n * np.sum(X * r[:, None], axis=1), 2 / n * float(np.sum(r))


@wrong("linear_regression_gradient", "grad_b is the array 2/n·r, not its sum")
def lr_b_not_summed(X, y, w, b):
    r, n = _residual(X, y, w, b), len(y)
    return 2 / n * X.T @ r, 2 / n * r


@wrong("linear_regression_gradient", "grad_b without the 1/n")
def lr_b_no_n(X, y, w, b):
    r, n = _residual(X, y, w, b), len(y)
    return 2 / n * X.T @ r, 2 * float(np.sum(r))


@wrong("linear_regression_gradient", "divides by d (X.shape[1]) instead of n")
def lr_divides_d(X, y, w, b):
    r, d = _residual(X, y, w, b), X.shape[1]
    return 2 / d * X.T @ r, 2 / d * float(np.sum(r))


@wrong("linear_regression_gradient", "returns (grad_b, grad_w): the order")
def lr_swapped(X, y, w, b):
    r, n = _residual(X, y, w, b), len(y)
    return 2 / n * float(np.sum(r)), 2 / n * X.T @ r


@wrong("linear_regression_gradient", "one concatenated array instead of a tuple")
def lr_concatenated(X, y, w, b):
    r, n = _residual(X, y, w, b), len(y)
    return np.append(2 / n * X.T @ r, 2 / n * np.sum(r))


@wrong("linear_regression_gradient", "grad_b as a 1-element array")
def lr_b_array(X, y, w, b):
    r, n = _residual(X, y, w, b), len(y)
    return 2 / n * X.T @ r, np.array([2 / n * np.sum(r)])


@correct("linear_regression_gradient", "means: 2·mean(X·r, axis 0), 2·mean(r)")
def lr_ok_means(X, y, w, b):
    r = X @ w + b - y
    return 2 * np.mean(X * r[:, None], axis=0), 2 * r.mean()


@correct("linear_regression_gradient", "r @ X and einsum-free sum")
def lr_ok_r_at_x(X, y, w, b):
    r = np.dot(X, w) - y + b
    return (r @ X) * 2 / X.shape[0], sum(r) * 2 / X.shape[0]


@correct("linear_regression_gradient", "augmented matrix [X, 1] for (w, b) together")
def lr_ok_augmented(X, y, w, b):
    A = np.column_stack([X, np.ones(len(X))])
    g = 2 / len(X) * A.T @ (A @ np.append(w, b) - y)
    return g[:-1], float(g[-1])


@correct("linear_regression_gradient", "einsum")
def lr_ok_einsum(X, y, w, b):
    r = np.einsum("ij,j->i", X, w) + b - y
    return 2 / len(y) * np.einsum("ij,i->j", X, r), 2 / len(y) * np.sum(r)


@wrong("gradient_descent", "stops on < tol instead of <= tol")
def gdesc_strict(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if np.linalg.norm(g) < tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


@wrong("gradient_descent", "steps first, tests the gradient it used afterwards")
def gdesc_step_then_test(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        theta = theta - lr * g
        if np.linalg.norm(g) <= tol:
            return theta, t + 1
    return theta, max_steps


@wrong("gradient_descent", "tests only after each update: never stops at theta0")
def gdesc_test_after(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(1, max_steps + 1):
        theta = theta - lr * grad(theta)
        if np.linalg.norm(grad(theta)) <= tol:
            return theta, t
    return theta, max_steps


@wrong("gradient_descent", "no copy: updates theta0 in place")
def gdesc_in_place(grad, theta0, lr, tol, max_steps):
    theta = theta0
    for t in range(max_steps):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta -= lr * g
    return theta, max_steps


@wrong("gradient_descent", "returns t + 1 when it stops")
def gdesc_count_plus_1(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t + 1
        theta = theta - lr * g
    return theta, max_steps


@wrong("gradient_descent", "theta + lr * g (sign)")
def gdesc_plus(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta + lr * g
    return theta, max_steps


@wrong("gradient_descent", "never tests the tolerance: always max_steps")
def gdesc_no_tol(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for _ in range(max_steps):
        theta = theta - lr * grad(theta)
    return theta, max_steps


@wrong("gradient_descent", "a while loop on the tolerance only: ignores max_steps", hangs=True)
def gdesc_ignores_budget(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    steps = 0
    g = grad(theta)
    while np.linalg.norm(g) > tol:
        theta = theta - lr * g
        steps += 1
        g = grad(theta)
    return theta, steps


@wrong("gradient_descent", "forgets to count in its while loop (t += 1 missing)", hangs=True)
def gdesc_while_no_count(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    t = 0
    while t < max_steps:
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


@wrong("gradient_descent", "max_steps - 1 updates at most")
def gdesc_budget_minus_1(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps - 1):
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps - 1


@wrong("gradient_descent", "squared norm ‖g‖² <= tol")
def gdesc_squared_norm(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if np.sum(g ** 2) <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


@wrong("gradient_descent", "largest |g_i| instead of the norm")
def gdesc_max_norm(grad, theta0, lr, tol, max_steps):
    theta = np.array(theta0, dtype=float)
    for t in range(max_steps):
        g = grad(theta)
        if np.max(np.abs(g)) <= tol:
            return theta, t
        theta = theta - lr * g
    return theta, max_steps


@correct("gradient_descent", "a while loop with its own counter")
def gdesc_ok_while(grad, theta0, lr, tol, max_steps):
    theta, steps = np.copy(theta0).astype(float), 0
    while steps < max_steps:
        g = grad(theta)
        if np.linalg.norm(g) <= tol:
            break
        theta = theta - lr * g
        steps += 1
    return theta, steps


@correct("gradient_descent", "for ... else, norm as sqrt(g·g) on the flattened gradient")
def gdesc_ok_for_else(grad, theta0, lr, tol, max_steps):
    theta = theta0 + 0.0
    for steps in range(max_steps):
        g = np.asarray(grad(theta))
        flat = g.ravel()
        if math.sqrt(flat.dot(flat)) <= tol:
            break
        theta = theta - lr * g
    else:
        steps = max_steps
    return theta, steps


@correct("gradient_descent", "while True with two early returns, budget tested first")
def gdesc_ok_early_returns(grad, theta0, lr, tol, max_steps):
    theta, steps = np.asarray(theta0, dtype=float).copy(), 0
    while True:
        if steps == max_steps:
            return theta, steps
        g = grad(theta)
        if not np.linalg.norm(g) > tol:
            return theta, steps
        theta, steps = theta - lr * g, steps + 1


# =============================================================================
# Chapter 02 — minibatch_gradient, minibatch_noise, epoch_batches
# =============================================================================
@wrong("minibatch_gradient", "divides by n (all samples) instead of B")
def mg_divides_n(X, y, w, batch):
    r = X[batch] @ w - y[batch]
    return 2 / len(X) * X[batch].T @ r


@wrong("minibatch_gradient", "no factor 2")
def mg_no_2(X, y, w, batch):
    r = X[batch] @ w - y[batch]
    return X[batch].T @ r / len(batch)


@wrong("minibatch_gradient", "residual y − Xw (sign)")
def mg_sign(X, y, w, batch):
    r = y[batch] - X[batch] @ w
    return 2 / len(batch) * X[batch].T @ r


@wrong("minibatch_gradient", "ignores batch: the full gradient")
def mg_all_rows(X, y, w, batch):
    return 2 / len(X) * X.T @ (X @ w - y)


@wrong("minibatch_gradient", "takes the first B rows (assumes batch = 0..B−1)")
def mg_first_rows(X, y, w, batch):
    B = len(batch)
    return 2 / B * X[:B].T @ (X[:B] @ w - y[:B])


@wrong("minibatch_gradient", "selects columns X[:, batch]")
def mg_columns(X, y, w, batch):
    Xb = X[:, batch]
    return 2 / len(batch) * Xb.T @ (Xb @ w - y[batch])


@wrong("minibatch_gradient", "np.mean over every entry: a number, not a vector")
def mg_mean_all(X, y, w, batch):
    r = X[batch] @ w - y[batch]
    return 2 * np.mean(X[batch] * r[:, None])


@wrong("minibatch_gradient", "a column (d, 1) instead of shape (d,)")
def mg_column_vector(X, y, w, batch):
    r = X[batch] @ w - y[batch]
    return 2 / len(batch) * X[batch].T @ r[:, None]


@wrong("minibatch_gradient", "y not restricted to the batch")
def mg_full_y(X, y, w, batch):
    return 2 / len(batch) * X[batch].T @ (X[batch] @ w - y[: len(batch)])


@wrong("minibatch_gradient", "X_B @ r instead of X_B.T @ r (a .T missing)")
def mg_no_transpose(X, y, w, batch):
    r = X[batch] @ w - y[batch]
    return 2 / len(batch) * r @ X[batch].T


@correct("minibatch_gradient", "a loop over the batch's rows")
def mg_ok_loop(X, y, w, batch):
    g = np.zeros(len(w))
    for i in batch:
        g += 2 * (X[i] @ w - y[i]) * X[i]
    return g / len(batch)


@correct("minibatch_gradient", "np.take and r @ X_B")
def mg_ok_take(X, y, w, batch):
    Xb, yb = np.take(X, batch, axis=0), np.take(y, batch)
    return (Xb @ w - yb) @ Xb * (2.0 / len(batch))


@correct("minibatch_gradient", "2·mean over the batch of r_i x_i")
def mg_ok_mean(X, y, w, batch):
    Xb = X[np.asarray(batch)]
    r = Xb @ w - y[np.asarray(batch)]
    return 2 * np.mean(Xb * r[:, None], axis=0)


def _noise_parts(G):
    n = G.shape[0]
    full = G.mean(axis=0)
    sigma2 = np.mean(np.sum((G - full) ** 2, axis=1))
    return n, sigma2


@wrong("minibatch_noise", "no (n − B)/(n − 1) correction (sampling with replacement)")
def mn_no_correction(per_sample_grads, batch_size):
    n, s2 = _noise_parts(per_sample_grads)
    return float(s2 / batch_size)


@wrong("minibatch_noise", "divides by √B (the standard deviation's law)")
def mn_sqrt_b(per_sample_grads, batch_size):
    n, s2 = _noise_parts(per_sample_grads)
    return float(s2 / np.sqrt(batch_size) * (n - batch_size) / (n - 1))


@wrong("minibatch_noise", "correction (n − B)/n")
def mn_correction_n(per_sample_grads, batch_size):
    n, s2 = _noise_parts(per_sample_grads)
    return float(s2 / batch_size * (n - batch_size) / n)


@wrong("minibatch_noise", "σ² not centred on the full gradient (mean of ‖∇ℓ_i‖²)")
def mn_not_centred(per_sample_grads, batch_size):
    n = len(per_sample_grads)
    s2 = np.mean(np.sum(per_sample_grads ** 2, axis=1))
    return float(s2 / batch_size * (n - batch_size) / (n - 1))


@wrong("minibatch_noise", "σ² as the mean over every entry (divides by n·d)")
def mn_mean_entries(per_sample_grads, batch_size):
    n = len(per_sample_grads)
    s2 = np.mean((per_sample_grads - per_sample_grads.mean(axis=0)) ** 2)
    return float(s2 / batch_size * (n - batch_size) / (n - 1))


@wrong("minibatch_noise", "σ² with 1/(n − 1)")
def mn_sigma_n_minus_1(per_sample_grads, batch_size):
    n = len(per_sample_grads)
    s2 = np.sum((per_sample_grads - per_sample_grads.mean(axis=0)) ** 2) / (n - 1)
    return float(s2 / batch_size * (n - batch_size) / (n - 1))


@wrong("minibatch_noise", "full gradient averaged over axis 1 (keepdims)")
def mn_wrong_axis(per_sample_grads, batch_size):
    n = len(per_sample_grads)
    full = per_sample_grads.mean(axis=1, keepdims=True)
    s2 = np.mean(np.sum((per_sample_grads - full) ** 2, axis=1))
    return float(s2 / batch_size * (n - batch_size) / (n - 1))


@wrong("minibatch_noise", "// in the correction: (n − B) // (n − 1)")
def mn_floor_division(per_sample_grads, batch_size):
    n, s2 = _noise_parts(per_sample_grads)
    return float(s2 / batch_size * ((n - batch_size) // (n - 1)))


@wrong("minibatch_noise", "returns the standard deviation (square root)")
def mn_sqrt(per_sample_grads, batch_size):
    n, s2 = _noise_parts(per_sample_grads)
    return float(np.sqrt(s2 / batch_size * (n - batch_size) / (n - 1)))


@wrong("minibatch_noise", "correction inverted: (n − 1)/(n − B)")
def mn_correction_inverted(per_sample_grads, batch_size):
    n, s2 = _noise_parts(per_sample_grads)
    return float(s2 / batch_size * (n - 1) / (n - batch_size))


@correct("minibatch_noise", "np.var over rows, summed over coordinates")
def mn_ok_var(per_sample_grads, batch_size):
    n = per_sample_grads.shape[0]
    return float(np.var(per_sample_grads, axis=0).sum() / batch_size
                 * (n - batch_size) / (n - 1))


@correct("minibatch_noise", "norms of the centred rows")
def mn_ok_norms(per_sample_grads, batch_size):
    G = np.asarray(per_sample_grads, dtype=float)
    n = len(G)
    sigma2 = np.mean(np.linalg.norm(G - G.mean(axis=0), axis=1) ** 2)
    return float(sigma2 * (n - batch_size) / (batch_size * (n - 1)))


@correct("minibatch_noise", "trace of the (biased) covariance")
def mn_ok_trace(per_sample_grads, batch_size):
    G = np.asarray(per_sample_grads, dtype=float)
    n = len(G)
    covariance = np.atleast_2d(np.cov(G, rowvar=False, bias=True))
    return float(np.trace(covariance) / batch_size * (1 - (batch_size - 1) / (n - 1)))


@wrong("epoch_batches", "drops the short last batch")
def eb_drop_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[s:s + batch_size] for s in range(0, n - batch_size + 1, batch_size)]


@wrong("epoch_batches", "no shuffle: np.arange(n) in order")
def eb_no_shuffle(n, batch_size, rng):
    order = np.arange(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("epoch_batches", "a new unseeded generator instead of rng")
def eb_own_rng(n, batch_size, rng):
    order = np.random.default_rng().permutation(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("epoch_batches", "NumPy's global np.random.permutation")
def eb_global_random(n, batch_size, rng):
    order = np.random.permutation(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("epoch_batches", "a fresh rng.permutation for every batch")
def eb_permutation_per_batch(n, batch_size, rng):
    return [rng.permutation(n)[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("epoch_batches", "a generator instead of a list")
def eb_generator(n, batch_size, rng):
    order = rng.permutation(n)
    return (order[s:s + batch_size] for s in range(0, n, batch_size))


@wrong("epoch_batches", "range up to n + 1: an empty batch when batch_size divides n")
def eb_empty_batch(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[s:s + batch_size] for s in range(0, n + 1, batch_size)]


@wrong("epoch_batches", "np.array_split into n // batch_size parts (spreads the remainder)")
def eb_array_split_floor(n, batch_size, rng):
    return list(np.array_split(rng.permutation(n), max(n // batch_size, 1)))


@wrong("epoch_batches", "np.array_split into ceil(n / batch_size) parts (even sizes)")
def eb_array_split_ceil(n, batch_size, rng):
    return list(np.array_split(rng.permutation(n), math.ceil(n / batch_size)))


@wrong("epoch_batches", "reshape(-1, batch_size): a 2-D array (fails unless B divides n)")
def eb_reshape(n, batch_size, rng):
    return rng.permutation(n).reshape(-1, batch_size)


@wrong("epoch_batches", "rng.choice with replacement: repeats samples")
def eb_with_replacement(n, batch_size, rng):
    order = rng.choice(n, size=n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("epoch_batches", "slices of batch_size − 1 (an inclusive end): samples left out")
def eb_short_slices(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[s:s + batch_size - 1] for s in range(0, n, batch_size)]


@wrong("epoch_batches", "hard-codes the statement's example: batches of 3, 3 and the rest")
def eb_hard_coded(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[:3], order[3:6], order[6:]]


@correct("epoch_batches", "np.split at multiples of batch_size")
def eb_ok_split(n, batch_size, rng):
    return np.split(rng.permutation(n), range(batch_size, n, batch_size))


@correct("epoch_batches", "rng.shuffle of np.arange(n) and a while loop")
def eb_ok_shuffle(n, batch_size, rng):
    order = np.arange(n)
    rng.shuffle(order)
    batches, start = [], 0
    while start < n:
        batches.append(order[start:start + batch_size])
        start += batch_size
    return batches


@correct("epoch_batches", "np.array_split at explicit indices")
def eb_ok_array_split(n, batch_size, rng):
    order = rng.permutation(n)
    return list(np.array_split(order, np.arange(batch_size, n, batch_size)))


# =============================================================================
# Chapter 03 — quadratic_rates, measure_rates, range_test_lrs, range_test_stop
# =============================================================================
def _extremes(curvatures):
    return float(np.max(curvatures)), float(np.min(curvatures))


@wrong("quadratic_rates", "stability limit 1/λmax")
def qr_limit_1_over(curvatures):
    hi, lo = _extremes(curvatures)
    return 1 / hi, 2 / (hi + lo), (hi - lo) / (hi + lo)


@wrong("quadratic_rates", "stability limit from λmin: 2/λmin")
def qr_limit_min(curvatures):
    hi, lo = _extremes(curvatures)
    return 2 / lo, 2 / (hi + lo), (hi - lo) / (hi + lo)


@wrong("quadratic_rates", "best rate 1/λmax (the steep direction in one step)")
def qr_best_1_over_max(curvatures):
    hi, lo = _extremes(curvatures)
    return 2 / hi, 1 / hi, 1 - lo / hi


@wrong("quadratic_rates", "factor 1 − λmin/λmax (the factor at 1/λmax)")
def qr_rate_at_1_over_max(curvatures):
    hi, lo = _extremes(curvatures)
    return 2 / hi, 2 / (hi + lo), 1 - lo / hi


@wrong("quadratic_rates", "factor λmin/λmax (1/κ)")
def qr_rate_inverse_kappa(curvatures):
    hi, lo = _extremes(curvatures)
    return 2 / hi, 2 / (hi + lo), lo / hi


@wrong("quadratic_rates", "first and last entry as max and min (assumes sorted input)")
def qr_assumes_sorted(curvatures):
    lo, hi = float(curvatures[0]), float(curvatures[-1])
    return 2 / hi, 2 / (hi + lo), (hi - lo) / (hi + lo)


@wrong("quadratic_rates", "factor inverted: (λmax + λmin)/(λmax − λmin)")
def qr_rate_inverted(curvatures):
    hi, lo = _extremes(curvatures)
    return 2 / hi, 2 / (hi + lo), (hi + lo) / (hi - lo)


@wrong("quadratic_rates", "momentum's factor (√κ − 1)/(√κ + 1)")
def qr_rate_sqrt_kappa(curvatures):
    hi, lo = _extremes(curvatures)
    root = math.sqrt(hi / lo)
    return 2 / hi, 2 / (hi + lo), (root - 1) / (root + 1)


@wrong("quadratic_rates", "returns two numbers, forgets the factor")
def qr_two_values(curvatures):
    hi, lo = _extremes(curvatures)
    return 2 / hi, 2 / (hi + lo)


@wrong("quadratic_rates", "best rate 2/Σλ (right only for two curvatures)")
def qr_best_sum(curvatures):
    hi, lo = _extremes(curvatures)
    best = 2 / float(np.sum(curvatures))
    return 2 / hi, best, max(abs(1 - best * hi), abs(1 - best * lo))


@wrong("quadratic_rates", "arguments of the factor swapped: (λmin − λmax)/(λmax + λmin)")
def qr_rate_negative(curvatures):
    hi, lo = _extremes(curvatures)
    return 2 / hi, 2 / (hi + lo), (lo - hi) / (hi + lo)


@correct("quadratic_rates", "sorted, and κ")
def qr_ok_kappa(curvatures):
    ordered = sorted(float(c) for c in curvatures)
    lo, hi = ordered[0], ordered[-1]
    kappa = hi / lo
    return 2 / hi, 2 / (hi + lo), (kappa - 1) / (kappa + 1)


@correct("quadratic_rates", "the factor as max |1 − η λ_i| over every curvature")
def qr_ok_max_abs(curvatures):
    lam = np.asarray(curvatures, dtype=float)
    best = 2 / (lam.max() + lam.min())
    return 2 / lam.max(), best, float(np.max(np.abs(1 - best * lam)))


@correct("quadratic_rates", "min() and max() built-ins")
def qr_ok_builtins(curvatures):
    hi, lo = max(curvatures), min(curvatures)
    return 2.0 / hi, 2.0 / (lo + hi), 1 - 2 * lo / (lo + hi)


def _factor(distances, last):
    return (distances[-1] / distances[-1 - last]) ** (1 / last)


def _finish(factors, lrs):
    factors = np.asarray(factors, dtype=float)
    return factors, float(lrs[np.argmin(factors)]), float(np.max(lrs[factors < 1]))


@wrong("measure_rates", "ignores last (always 10)")
def mr_ignores_last(run, lrs, last=10):
    return _finish([_factor(run(lr), 10) for lr in lrs], lrs)


@wrong("measure_rates", "factor over the whole run: (r_T / r_0)^(1/T)")
def mr_whole_run(run, lrs, last=10):
    factors = []
    for lr in lrs:
        d = run(lr)
        factors.append((d[-1] / d[0]) ** (1 / (len(d) - 1)))
    return _finish(factors, lrs)


@wrong("measure_rates", "no root: r_T / r_{T−last}")
def mr_no_root(run, lrs, last=10):
    factors = []
    for lr in lrs:
        d = run(lr)
        factors.append(d[-1] / d[-1 - last])
    return _finish(factors, lrs)


@wrong("measure_rates", "off by one: r_{T−last+1} (distances[-last])")
def mr_off_by_one(run, lrs, last=10):
    factors = []
    for lr in lrs:
        d = run(lr)
        factors.append((d[-1] / d[-last]) ** (1 / last))
    return _finish(factors, lrs)


@wrong("measure_rates", "best_lr at the largest factor (argmax)")
def mr_argmax(run, lrs, last=10):
    factors = np.array([_factor(run(lr), last) for lr in lrs])
    return factors, float(lrs[np.argmax(factors)]), float(np.max(lrs[factors < 1]))


@wrong("measure_rates", "stable window with factor <= 1")
def mr_le_1(run, lrs, last=10):
    factors = np.array([_factor(run(lr), last) for lr in lrs])
    return factors, float(lrs[np.argmin(factors)]), float(np.max(lrs[factors <= 1]))


@wrong("measure_rates", "largest_stable_lr is the first rate with factor >= 1")
def mr_first_unstable(run, lrs, last=10):
    factors = np.array([_factor(run(lr), last) for lr in lrs])
    return factors, float(lrs[np.argmin(factors)]), float(lrs[np.argmax(factors >= 1)])


@wrong("measure_rates", "returns the factors as a list")
def mr_list(run, lrs, last=10):
    factors = [float(_factor(run(lr), last)) for lr in lrs]
    arr = np.array(factors)
    return factors, float(lrs[np.argmin(arr)]), float(np.max(lrs[arr < 1]))


@wrong("measure_rates", "best_lr as the index (argmin), not the rate")
def mr_index(run, lrs, last=10):
    factors = np.array([_factor(run(lr), last) for lr in lrs])
    return factors, int(np.argmin(factors)), float(np.max(lrs[factors < 1]))


@wrong("measure_rates", "^ for the 1/last power")
def mr_xor(run, lrs, last=10):
    factors = []
    for lr in lrs:
        d = run(lr)
        factors.append((d[-1] / d[-1 - last]) ^ (1 / last))
    return _finish(factors, lrs)


@wrong("measure_rates", "arithmetic mean of the last per-step ratios")
def mr_mean_ratio(run, lrs, last=10):
    factors = []
    for lr in lrs:
        d = np.asarray(run(lr), dtype=float)
        factors.append(np.mean(d[-last:] / d[-last - 1:-1]))
    return _finish(factors, lrs)


@wrong("measure_rates", "last stable rate in grid order (assumes a sorted grid)")
def mr_assumes_sorted(run, lrs, last=10):
    factors = np.array([_factor(run(lr), last) for lr in lrs])
    return factors, float(lrs[np.argmin(factors)]), float(lrs[factors < 1][-1])


@correct("measure_rates", "all runs stacked into one 2-D array")
def mr_ok_stacked(run, lrs, last=10):
    D = np.array([np.asarray(run(lr), dtype=float) for lr in lrs])
    factors = (D[:, -1] / D[:, -1 - last]) ** (1.0 / last)
    return factors, float(lrs[np.argmin(factors)]), float(lrs[factors < 1].max())


@correct("measure_rates", "exp(log(ratio) / last) and built-in max over a zip")
def mr_ok_log(run, lrs, last=10):
    factors = []
    for lr in lrs:
        d = run(lr)
        with np.errstate(divide="ignore", invalid="ignore"):
            factors.append(np.exp(np.log(d[-1] / d[-1 - last]) / last))
    factors = np.array(factors, dtype=float)
    best = min(zip(factors, range(len(lrs))))[1]
    return factors, float(lrs[best]), float(max(lr for lr, f in zip(lrs, factors) if f < 1))


@correct("measure_rates", "np.power and list.index of the smallest factor")
def mr_ok_power(run, lrs, last=10):
    runs = [run(lr) for lr in lrs]
    factors = np.array([np.power(d[-1] / d[-1 - last], 1 / last) for d in runs])
    listed = list(factors)
    stable = [lr for lr, f in zip(lrs, factors) if f < 1]
    return factors, float(lrs[listed.index(min(listed))]), float(max(stable))


@wrong("range_test_lrs", "linear spacing (np.linspace)")
def rl_linspace(start_lr, end_lr, num_steps):
    return np.linspace(start_lr, end_lr, num_steps)


@wrong("range_test_lrs", "exponent i/N: the last rate falls short of end_lr")
def rl_over_n(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr / start_lr) ** (i / num_steps)


@wrong("range_test_lrs", "np.logspace(start_lr, end_lr, N): the rates taken as exponents")
def rl_logspace(start_lr, end_lr, num_steps):
    return np.logspace(start_lr, end_lr, num_steps)


@wrong("range_test_lrs", "^ for the power")
def rl_xor(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr / start_lr) ^ (i / (num_steps - 1))


@wrong("range_test_lrs", "i from 1 to N: the first rate is not start_lr")
def rl_from_1(start_lr, end_lr, num_steps):
    i = np.arange(1, num_steps + 1)
    return start_lr * (end_lr / start_lr) ** (i / num_steps)


@wrong("range_test_lrs", "a Python list")
def rl_list(start_lr, end_lr, num_steps):
    return [start_lr * (end_lr / start_lr) ** (i / (num_steps - 1)) for i in range(num_steps)]


@wrong("range_test_lrs", "from end_lr down to start_lr (reversed)")
def rl_reversed(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return end_lr * (start_lr / end_lr) ** (i / (num_steps - 1))


@wrong("range_test_lrs", "// in the exponent: only 0 or 1")
def rl_floor_division(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr / start_lr) ** (i // (num_steps - 1))


@wrong("range_test_lrs", "ratio end − start instead of end / start")
def rl_difference(start_lr, end_lr, num_steps):
    i = np.arange(num_steps)
    return start_lr * (end_lr - start_lr) ** (i / (num_steps - 1))


@wrong("range_test_lrs", "num_steps − 1 rates (np.arange(num_steps − 1))")
def rl_one_short(start_lr, end_lr, num_steps):
    i = np.arange(num_steps - 1)
    return start_lr * (end_lr / start_lr) ** (i / (num_steps - 1))


@correct("range_test_lrs", "np.geomspace")
def rl_ok_geomspace(start_lr, end_lr, num_steps):
    return np.geomspace(start_lr, end_lr, num_steps)


@correct("range_test_lrs", "exp of a linspace of logs")
def rl_ok_exp_linspace(start_lr, end_lr, num_steps):
    return np.exp(np.linspace(np.log(start_lr), np.log(end_lr), num_steps))


@correct("range_test_lrs", "np.power with linspace(0, 1) exponents")
def rl_ok_power(start_lr, end_lr, num_steps):
    return start_lr * np.power(end_lr / start_lr, np.linspace(0.0, 1.0, num_steps))


@correct("range_test_lrs", "a loop into a list, then np.array")
def rl_ok_loop(start_lr, end_lr, num_steps):
    rates = []
    for i in range(num_steps):
        rates.append(start_lr * (end_lr / start_lr) ** (i / (num_steps - 1)))
    return np.array(rates)


def _stop(losses, smoothing, diverge_factor, *, correction=lambda beta, i: 1 - beta ** i,
          weights=None, strict=True, use_raw=False, first=None, count_from=1):
    average, best = 0.0, math.inf
    for i, loss in enumerate(losses, start=1):
        if weights == "swapped":
            average = (1 - smoothing) * average + smoothing * loss
        else:
            average = smoothing * average + (1 - smoothing) * loss
        value = loss if use_raw else average / correction(smoothing, i)
        best = min(best, value)
        if (value > diverge_factor * best) if strict else (value >= diverge_factor * best):
            return i - 1 + count_from
    return len(losses)


@wrong("range_test_stop", "no bias correction")
def rs_no_correction(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, diverge_factor, correction=lambda beta, i: 1.0)


@wrong("range_test_stop", "bias correction with i + 1")
def rs_correction_plus_1(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, diverge_factor, correction=lambda beta, i: 1 - beta ** (i + 1))


@wrong("range_test_stop", "bias correction with a 0-based count (β^(i−1))")
def rs_correction_zero_based(losses, smoothing=0.98, diverge_factor=4.0):
    average, best = 0.0, np.inf
    for i, loss in enumerate(np.asarray(losses, dtype=float)):
        average = smoothing * average + (1 - smoothing) * loss
        with np.errstate(divide="ignore", invalid="ignore"):
            smoothed = average / (1 - np.float64(smoothing) ** i)
        best = min(best, smoothed)
        if smoothed > diverge_factor * best:
            return i + 1
    return len(losses)


@wrong("range_test_stop", "returns the 0-based index (one less)")
def rs_zero_based_result(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, diverge_factor, count_from=0)


@wrong("range_test_stop", "returns the index of the step after (one more)")
def rs_one_more(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, diverge_factor, count_from=2)


@wrong("range_test_stop", ">= instead of >")
def rs_ge(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, diverge_factor, strict=False)


@wrong("range_test_stop", "tests the raw losses, no moving average")
def rs_raw(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, diverge_factor, use_raw=True)


@wrong("range_test_stop", "returns None when the test never stops")
def rs_none_at_end(losses, smoothing=0.98, diverge_factor=4.0):
    result = _stop(losses, smoothing, diverge_factor)
    return None if result == len(losses) else result


@wrong("range_test_stop", "weights swapped: (1 − β)·s + β·L")
def rs_weights_swapped(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, diverge_factor, weights="swapped")


@wrong("range_test_stop", "s_0 = L_1 instead of 0 (and still corrects)")
def rs_starts_at_first(losses, smoothing=0.98, diverge_factor=4.0):
    average, best = float(losses[0]), math.inf
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** i)
        best = min(best, smoothed)
        if smoothed > diverge_factor * best:
            return i
    return len(losses)


@wrong("range_test_stop", "ignores diverge_factor (always 4)")
def rs_ignores_factor(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, smoothing, 4.0)


@wrong("range_test_stop", "ignores smoothing (always 0.98)")
def rs_ignores_smoothing(losses, smoothing=0.98, diverge_factor=4.0):
    return _stop(losses, 0.98, diverge_factor)


@wrong("range_test_stop", "never updates the smallest value after the first step")
def rs_best_first_only(losses, smoothing=0.98, diverge_factor=4.0):
    average, best = 0.0, None
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** i)
        if best is None:
            best = smoothed
        if smoothed > diverge_factor * best:
            return i
    return len(losses)


@wrong("range_test_stop", "the smallest so far starts at 0")
def rs_best_zero(losses, smoothing=0.98, diverge_factor=4.0):
    average, best = 0.0, 0.0
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** i)
        if smoothed > diverge_factor * best:
            return i
        best = min(best, smoothed)
    return len(losses)


@correct("range_test_stop", "vectorised after the loop: np.minimum.accumulate, argmax")
def rs_ok_vectorised(losses, smoothing=0.98, diverge_factor=4.0):
    losses = list(losses)
    smoothed, average = [], 0.0
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed.append(average / (1 - smoothing ** i))
    smoothed = np.array(smoothed)
    if len(smoothed) == 0:
        return 0
    exceeds = smoothed > diverge_factor * np.minimum.accumulate(smoothed)
    return int(np.argmax(exceeds)) + 1 if exceeds.any() else len(losses)


@correct("range_test_stop", "the smallest value updated after the test")
def rs_ok_update_after(losses, smoothing=0.98, diverge_factor=4.0):
    average, best, step = 0.0, float("inf"), 0
    for loss in losses:
        step += 1
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** step)
        if smoothed > diverge_factor * min(best, smoothed):
            return step
        best = min(best, smoothed)
    return len(losses)


@correct("range_test_stop", "a while loop over indices")
def rs_ok_while(losses, smoothing=0.98, diverge_factor=4.0):
    i, average, best = 0, 0.0, math.inf
    while i < len(losses):
        average = smoothing * average + (1 - smoothing) * losses[i]
        i += 1
        smoothed = average / (1 - smoothing ** i)
        if smoothed < best:
            best = smoothed
        if smoothed > diverge_factor * best:
            break
    return i


# =============================================================================
# Chapter 04 — exponential_decay, multistep_lr, plateau_scheduler
# =============================================================================
@wrong("exponential_decay", "ignores staircase")
def ed_no_staircase(step, initial_lr, decay_steps, decay_rate, staircase=False):
    return initial_lr * decay_rate ** (step / decay_steps)


@wrong("exponential_decay", "round() instead of rounding down")
def ed_round(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = round(exponent)
    return initial_lr * decay_rate ** exponent


@wrong("exponential_decay", "ceil instead of floor")
def ed_ceil(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if staircase:
        exponent = math.ceil(exponent)
    return initial_lr * decay_rate ** exponent


@wrong("exponential_decay", "^ for the power")
def ed_xor(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_lr * decay_rate ^ exponent


@wrong("exponential_decay", "multiplies by the exponent instead of raising to it")
def ed_times(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_lr * decay_rate * exponent


@wrong("exponential_decay", "staircase inverted (floors when staircase is False)")
def ed_inverted(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    if not staircase:
        exponent = math.floor(exponent)
    return initial_lr * decay_rate ** exponent


@wrong("exponential_decay", "forgets the initial rate")
def ed_no_initial(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return decay_rate ** exponent


@wrong("exponential_decay", "continuous exp(−r·step/D)")
def ed_exp(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_lr * math.exp(-decay_rate * exponent)


@wrong("exponential_decay", "floors the step, not the exponent")
def ed_floor_step(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = math.floor(step) / decay_steps if staircase else step / decay_steps
    return initial_lr * decay_rate ** exponent


@wrong("exponential_decay", "exponent D/step inverted")
def ed_inverted_exponent(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = decay_steps / step if step else 0.0
    if staircase:
        exponent = math.floor(exponent)
    return initial_lr * decay_rate ** exponent


@correct("exponential_decay", "// for the staircase")
def ed_ok_floordiv(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return float(initial_lr * decay_rate ** exponent)


@correct("exponential_decay", "int() truncation (steps are >= 0), math.pow")
def ed_ok_int(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = step / decay_steps
    return initial_lr * math.pow(decay_rate, int(exponent) if staircase else exponent)


@correct("exponential_decay", "np.floor and np.power, as a float")
def ed_ok_numpy(step, initial_lr, decay_steps, decay_rate, staircase=False):
    exponent = np.divide(step, decay_steps)
    exponent = np.floor(exponent) if staircase else exponent
    return float(np.multiply(initial_lr, np.power(decay_rate, exponent)))


@wrong("multistep_lr", "counts milestones < t (the drop one step late)")
def ms_strict(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ** sum(m < t for m in milestones)


@wrong("multistep_lr", "^ for the power")
def ms_xor(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ^ sum(m <= t for m in milestones)


@wrong("multistep_lr", "multiplies by γ·k instead of γ^k")
def ms_times(t, initial_lr, milestones, gamma):
    return initial_lr * gamma * sum(m <= t for m in milestones)


@wrong("multistep_lr", "multiplies by γ once, however many milestones passed")
def ms_once(t, initial_lr, milestones, gamma):
    return initial_lr * gamma if any(m <= t for m in milestones) else initial_lr


@wrong("multistep_lr", "drops one step early (milestone <= t + 1)")
def ms_early(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ** sum(m <= t + 1 for m in milestones)


@wrong("multistep_lr", "forgets the initial rate")
def ms_no_initial(t, initial_lr, milestones, gamma):
    return gamma ** sum(m <= t for m in milestones)


@wrong("multistep_lr", "multiplies only when t equals a milestone (no memory)")
def ms_only_at_milestone(t, initial_lr, milestones, gamma):
    lr = initial_lr
    for m in milestones:
        if t == m:
            lr *= gamma
    return lr


@wrong("multistep_lr", "counts milestones >= t (comparison reversed)")
def ms_reversed(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ** sum(m >= t for m in milestones)


@wrong("multistep_lr", "k = the 0-based index of the last milestone passed (one short)")
def ms_index(t, initial_lr, milestones, gamma):
    passed = [i for i, m in enumerate(milestones) if m <= t]
    return initial_lr * gamma ** (passed[-1] if passed else 0)


@wrong("multistep_lr", "a while loop over the milestones that forgets k += 1 (never ends)",
       hangs=True)
def ms_while_no_increment(t, initial_lr, milestones, gamma):
    lr, k = initial_lr, 0
    while k < len(milestones) and milestones[k] <= t:
        lr *= gamma
    return lr


@correct("multistep_lr", "bisect on the sorted milestones")
def ms_ok_bisect(t, initial_lr, milestones, gamma):
    return initial_lr * gamma ** bisect.bisect_right(sorted(milestones), t)


@correct("multistep_lr", "np.sum of a comparison")
def ms_ok_numpy(t, initial_lr, milestones, gamma):
    return float(initial_lr * gamma ** int(np.sum(np.asarray(milestones) <= t)))


@correct("multistep_lr", "milestone < t + 1 and math.pow")
def ms_ok_plus_1(t, initial_lr, milestones, gamma):
    k = len([m for m in milestones if m < t + 1])
    return initial_lr * math.pow(gamma, k)


class _Plateau:
    """The solution's rules, split into methods for the wrong variants to override."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0):
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.min_lr = cooldown, min_lr
        self.best, self.bad, self.cooldown_left = math.inf, 0, 0

    def better(self, metric):
        if self.threshold_mode == "rel":
            return metric < self.best * (1 - self.threshold)
        return metric < self.best - self.threshold

    def reduced(self):
        return max(self.lr * self.factor, self.min_lr)

    def count(self, metric):
        if self.better(metric):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1

    def hold(self):
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad = 0

    def cut_due(self):
        return self.bad > self.patience

    def cut(self):
        self.lr = self.reduced()
        self.cooldown_left, self.bad = self.cooldown, 0

    def step(self, metric):
        self.count(metric)
        self.hold()
        if self.cut_due():
            self.cut()
        return self.lr


@wrong("plateau_scheduler", "cuts when count >= patience")
class PlateauGePatience(_Plateau):
    def cut_due(self):
        return self.bad >= self.patience


@wrong("plateau_scheduler", "better when metric <= best·(1 − threshold)")
class PlateauLeBetter(_Plateau):
    def better(self, metric):
        if self.threshold_mode == "rel":
            return metric <= self.best * (1 - self.threshold)
        return metric <= self.best - self.threshold


@wrong("plateau_scheduler", "ignores the threshold (metric < best)")
class PlateauNoThreshold(_Plateau):
    def better(self, metric):
        return metric < self.best


@wrong("plateau_scheduler", "threshold modes swapped")
class PlateauModesSwapped(_Plateau):
    def better(self, metric):
        if self.threshold_mode == "abs":
            return metric < self.best * (1 - self.threshold)
        return metric < self.best - self.threshold


@wrong("plateau_scheduler", "always the relative threshold (ignores threshold_mode)")
class PlateauAlwaysRel(_Plateau):
    def better(self, metric):
        return metric < self.best * (1 - self.threshold)


@wrong("plateau_scheduler", "ignores min_lr")
class PlateauNoMinLr(_Plateau):
    def reduced(self):
        return self.lr * self.factor


@wrong("plateau_scheduler", "min instead of max with min_lr")
class PlateauMinInsteadOfMax(_Plateau):
    def reduced(self):
        return min(self.lr * self.factor, self.min_lr)


@wrong("plateau_scheduler", "ignores the cooldown")
class PlateauNoCooldown(_Plateau):
    def hold(self):
        pass


@wrong("plateau_scheduler", "skips the whole step during cooldown (best not updated)")
class PlateauCooldownSkipsBest(_Plateau):
    def step(self, metric):
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad = 0
            return self.lr
        return super().step(metric)


@wrong("plateau_scheduler", "cooldown counted down in the cut's own step (one too short)")
class PlateauCooldownShort(_Plateau):
    def step(self, metric):
        self.count(metric)
        if self.cut_due():
            self.cut()
        self.hold()
        return self.lr


@wrong("plateau_scheduler", "does not restart the count after a cut")
class PlateauNoResetAfterCut(_Plateau):
    def cut(self):
        self.lr = self.reduced()
        self.cooldown_left = self.cooldown


@wrong("plateau_scheduler", "best updated on every new low, even inside the threshold")
class PlateauBestInsideThreshold(_Plateau):
    def count(self, metric):
        if self.better(metric):
            self.bad = 0
        else:
            self.bad += 1
        self.best = min(self.best, metric)


@wrong("plateau_scheduler", "does not restart the count on an improvement")
class PlateauNoResetOnBetter(_Plateau):
    def count(self, metric):
        if self.better(metric):
            self.best = metric
        else:
            self.bad += 1


@wrong("plateau_scheduler", "step() returns nothing")
class PlateauNoReturn(_Plateau):
    def step(self, metric):
        super().step(metric)


@correct("plateau_scheduler", "PyTorch's structure: is_better, num_bad_epochs, in_cooldown")
class PlateauOkTorchLike:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0):
        self.lr = lr
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.best = math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def is_better(self, a, best):
        if self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        return a < best - self.threshold

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def step(self, metric):
        current = float(metric)
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > 1e-8:        # PyTorch's eps
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        return self.lr


@correct("plateau_scheduler", "best = None until the first metric; a dict of thresholds")
class PlateauOkNoneStart:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0):
        self.lr = lr
        self.settings = dict(factor=factor, patience=patience, threshold=threshold,
                             mode=threshold_mode, cooldown=cooldown, min_lr=min_lr)
        self.best = None
        self.waited = 0
        self.resting = 0

    def step(self, metric):
        s = self.settings
        if self.best is None:
            improved = True
        elif s["mode"] == "rel":
            improved = metric < self.best * (1 - s["threshold"])
        else:
            improved = metric < self.best - s["threshold"]
        self.waited = 0 if improved else self.waited + 1
        if improved:
            self.best = metric
        if self.resting:
            self.resting -= 1
            self.waited = 0
        if self.waited > s["patience"]:
            self.lr = max(s["min_lr"], s["factor"] * self.lr)
            self.resting = s["cooldown"]
            self.waited = 0
        return self.lr


# =============================================================================
# Chapter 05 — momentum_step, rmsprop_step, adam_step
# =============================================================================
@wrong("momentum_step", "dampened EMA form: b = μ b + (1 − μ) g")
def mo_dampened(theta, buf, grad, lr, momentum):
    buf = momentum * buf + (1 - momentum) * grad
    return theta - lr * buf, buf


@wrong("momentum_step", "steps with the old buffer, then updates it")
def mo_old_buffer(theta, buf, grad, lr, momentum):
    new_theta = theta - lr * buf
    return new_theta, momentum * buf + grad


@wrong("momentum_step", "theta + lr * b (sign)")
def mo_plus(theta, buf, grad, lr, momentum):
    buf = momentum * buf + grad
    return theta + lr * buf, buf


@wrong("momentum_step", "the learning rate inside the buffer (b = μ b + η g)")
def mo_lr_in_buffer(theta, buf, grad, lr, momentum):
    buf = momentum * buf + lr * grad
    return theta - buf, buf


@wrong("momentum_step", "returns (buf, theta): the order")
def mo_swapped(theta, buf, grad, lr, momentum):
    buf = momentum * buf + grad
    return buf, theta - lr * buf


@wrong("momentum_step", "returns only theta")
def mo_theta_only(theta, buf, grad, lr, momentum):
    return theta - lr * (momentum * buf + grad)


@wrong("momentum_step", "Nesterov's step θ − η (g + μ b)")
def mo_nesterov(theta, buf, grad, lr, momentum):
    buf = momentum * buf + grad
    return theta - lr * (grad + momentum * buf), buf


@wrong("momentum_step", "b = μ (b + g)")
def mo_mu_on_both(theta, buf, grad, lr, momentum):
    buf = momentum * (buf + grad)
    return theta - lr * buf, buf


@wrong("momentum_step", "forgets μ: b = b + g")
def mo_no_mu(theta, buf, grad, lr, momentum):
    buf = buf + grad
    return theta - lr * buf, buf


@wrong("momentum_step", "μ on the gradient: b = b + μ g")
def mo_mu_on_grad(theta, buf, grad, lr, momentum):
    buf = buf + momentum * grad
    return theta - lr * buf, buf


@correct("momentum_step", "PyTorch's first step: b = g when the buffer is all zeros")
def mo_ok_first_step(theta, buf, grad, lr, momentum):
    new_buf = np.array(grad, dtype=float) if not np.any(buf) else momentum * buf + grad
    return theta - lr * new_buf, new_buf


@correct("momentum_step", "copies updated with *= and +=")
def mo_ok_inplace_copies(theta, buf, grad, lr, momentum):
    new_buf = np.array(buf, dtype=float)
    new_buf *= momentum
    new_buf += grad
    new_theta = np.array(theta, dtype=float)
    new_theta -= lr * new_buf
    return new_theta, new_buf


@correct("momentum_step", "np.add and np.subtract")
def mo_ok_ufuncs(theta, buf, grad, lr, momentum):
    b = np.add(np.multiply(momentum, buf), grad)
    return np.subtract(theta, np.multiply(lr, b)), b


def _rms(theta, grad, v, lr, alpha, eps, *, root_eps=False, swapped=False, square=True,
         old=False, root=True):
    g2 = grad ** 2 if square else grad
    new_v = (1 - alpha) * v + alpha * g2 if swapped else alpha * v + (1 - alpha) * g2
    used = v if old else new_v
    if root_eps:
        denominator = np.sqrt(used + eps)
    else:
        denominator = (np.sqrt(used) if root else used) + eps
    return theta - lr * grad / denominator, new_v


@wrong("rmsprop_step", "ε inside the square root")
def rp_eps_inside(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rms(theta, grad, v, lr, alpha, eps, root_eps=True)


@wrong("rmsprop_step", "weights swapped: (1 − α) v + α g²")
def rp_swapped(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rms(theta, grad, v, lr, alpha, eps, swapped=True)


@wrong("rmsprop_step", "g not squared in v")
def rp_not_squared(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rms(theta, grad, v, lr, alpha, eps, square=False)


@wrong("rmsprop_step", "steps with the old v_{t−1}")
def rp_old_v(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rms(theta, grad, v, lr, alpha, eps, old=True)


@wrong("rmsprop_step", "no square root: g / (v + ε)")
def rp_no_root(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rms(theta, grad, v, lr, alpha, eps, root=False)


@wrong("rmsprop_step", "^ for the square")
def rp_xor(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad ^ 2
    return theta - lr * grad / (np.sqrt(v) + eps), v


@wrong("rmsprop_step", "theta + ... (sign)")
def rp_plus(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    new_theta, new_v = _rms(theta, grad, v, lr, alpha, eps)
    return 2 * theta - new_theta, new_v


@wrong("rmsprop_step", "forgets ε")
def rp_no_eps(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rms(theta, grad, v, lr, alpha, 0.0)


@wrong("rmsprop_step", "hard-codes α = 0.99 (ignores the argument)")
def rp_fixed_alpha(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    return _rms(theta, grad, v, lr, 0.99, eps)


@wrong("rmsprop_step", "ε added after the division: η (g/√v + ε)")
def rp_eps_after(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad ** 2
    return theta - lr * (grad / np.sqrt(v) + eps), v


@wrong("rmsprop_step", "returns √v_t as the state")
def rp_returns_root(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    new_theta, new_v = _rms(theta, grad, v, lr, alpha, eps)
    return new_theta, np.sqrt(new_v)


@correct("rmsprop_step", "np.square, v ** 0.5")
def rp_ok_square(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    new_v = alpha * v + (1 - alpha) * np.square(grad)
    return theta - lr * grad / (new_v ** 0.5 + eps), new_v


@correct("rmsprop_step", "a copy updated with *= and +=, np.divide")
def rp_ok_copy(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    new_v = np.array(v, dtype=float)
    new_v *= alpha
    new_v += (1 - alpha) * grad * grad
    return theta - np.divide(lr * grad, np.sqrt(new_v) + eps), new_v


@correct("rmsprop_step", "v + (1 − α)(g² − v)")
def rp_ok_lerp(theta, grad, v, lr=1e-2, alpha=0.99, eps=1e-8):
    new_v = v + (1 - alpha) * (grad ** 2 - v)
    return theta - lr * (grad / (np.sqrt(new_v) + eps)), new_v


def _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, *, c1=None, c2=None, store_hat=False,
          eps_inside=False, swapped=False, square=True, old=False):
    if swapped:
        new_m = (1 - beta1) * m + beta1 * grad
        new_v = (1 - beta2) * v + beta2 * (grad ** 2 if square else grad)
    else:
        new_m = beta1 * m + (1 - beta1) * grad
        new_v = beta2 * v + (1 - beta2) * (grad ** 2 if square else grad)
    use_m, use_v = (m, v) if old else (new_m, new_v)
    m_hat = use_m / (1 - beta1 ** t if c1 is None else c1)
    v_hat = use_v / (1 - beta2 ** t if c2 is None else c2)
    denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    new_theta = theta - lr * m_hat / denominator
    if store_hat:
        return new_theta, m_hat, v_hat
    return new_theta, new_m, new_v


@wrong("adam_step", "no bias correction")
def ad_no_correction(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, c1=1.0, c2=1.0)


@wrong("adam_step", "bias correction with t + 1")
def ad_t_plus_1(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps,
                 c1=1 - beta1 ** (t + 1), c2=1 - beta2 ** (t + 1))


@wrong("adam_step", "bias correction with t − 1 (divides by 0 on step 1)")
def ad_t_minus_1(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps,
                     c1=np.float64(1 - beta1 ** (t - 1)), c2=np.float64(1 - beta2 ** (t - 1)))


@wrong("adam_step", "stores the corrected m̂, v̂")
def ad_store_hat(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, store_hat=True)


@wrong("adam_step", "ε inside the square root")
def ad_eps_inside(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, eps_inside=True)


@wrong("adam_step", "weights swapped: (1 − β) m + β g")
def ad_swapped(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, swapped=True)


@wrong("adam_step", "g not squared in v")
def ad_not_squared(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    with np.errstate(invalid="ignore"):
        return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, square=False)


@wrong("adam_step", "^ for the powers")
def ad_xor(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ^ t)
    v_hat = v / (1 - beta2 ^ t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@wrong("adam_step", "steps with the old m, v")
def ad_old(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, old=True)


@wrong("adam_step", "theta + ... (sign)")
def ad_plus(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_theta, new_m, new_v = _adam(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return 2 * theta - new_theta, new_m, new_v


@wrong("adam_step", "the paper's efficient form (ε̂ on the uncorrected √v), not Algorithm 1")
def ad_efficient(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    step_size = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return theta - step_size * m / (np.sqrt(v) + eps), m, v


@wrong("adam_step", "corrects v only, not m")
def ad_v_only(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps, c1=1.0)


@wrong("adam_step", "correction (1 − β)^t instead of 1 − β^t")
def ad_correction_power(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta, grad, m, v, t, lr, beta1, beta2, eps,
                 c1=(1 - beta1) ** t, c2=(1 - beta2) ** t)


@correct("adam_step", "m + (1 − β1)(g − m), np.power, lr applied last")
def ad_ok_lerp(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = m + (1 - beta1) * (grad - m)
    new_v = v + (1 - beta2) * (np.square(grad) - v)
    m_hat = new_m / (1 - np.power(beta1, t))
    v_hat = new_v / (1 - np.power(beta2, t))
    return theta - m_hat / (np.sqrt(v_hat) + eps) * lr, new_m, new_v


@correct("adam_step", "√v̂ as √v / √(1 − β2^t)")
def ad_ok_split_root(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    denominator = np.sqrt(v) / math.sqrt(1 - beta2 ** t) + eps
    return theta - lr * (m / (1 - beta1 ** t)) / denominator, m, v


@correct("adam_step", "copies updated in place")
def ad_ok_copies(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m, new_v = np.array(m, dtype=float), np.array(v, dtype=float)
    new_m *= beta1
    new_m += (1 - beta1) * grad
    new_v *= beta2
    new_v += (1 - beta2) * grad ** 2
    bias1, bias2 = 1 - beta1 ** t, 1 - beta2 ** t
    return theta - lr * (new_m / bias1) / (np.sqrt(new_v / bias2) + eps), new_m, new_v


# =============================================================================
# Chapter 06 — fan_in_and_fan_out, xavier_uniform_bound, he_normal_std,
#              gain_that_keeps_the_spread
# =============================================================================
@wrong("fan_in_and_fan_out", "swapped: (shape[0], shape[1])")
def ff_swapped(shape):
    field = math.prod(shape[2:])
    return shape[0] * field, shape[1] * field


@wrong("fan_in_and_fan_out", "ignores the kernel dimensions")
def ff_no_kernel(shape):
    return shape[1], shape[0]


@wrong("fan_in_and_fan_out", "kernel size on fan_in only")
def ff_kernel_fan_in_only(shape):
    return shape[1] * math.prod(shape[2:]), shape[0]


@wrong("fan_in_and_fan_out", "np.prod of the kernel: floats (np.prod(()) is 1.0)")
def ff_floats(shape):
    field = np.prod(shape[2:])
    return shape[1] * field, shape[0] * field


@wrong("fan_in_and_fan_out", "receptive field as a sum of the kernel sizes")
def ff_sum(shape):
    field = sum(shape[2:]) or 1
    return shape[1] * field, shape[0] * field


@wrong("fan_in_and_fan_out", "only the last kernel dimension")
def ff_last_kernel_dim(shape):
    field = shape[-1] if len(shape) > 2 else 1
    return shape[1] * field, shape[0] * field


@wrong("fan_in_and_fan_out", "fan_out = prod(shape): the in dimension counted too")
def ff_fan_out_everything(shape):
    return math.prod(shape[1:]), math.prod(shape)


@wrong("fan_in_and_fan_out", "fan_out by true division (a float)")
def ff_true_division(shape):
    return math.prod(shape[1:]), math.prod(shape) / shape[1]


@wrong("fan_in_and_fan_out", "TensorFlow's (in, out, ...) reading of the shape, kernel first")
def ff_tf(shape):
    field = math.prod(shape[:-2])
    return shape[-2] * field, shape[-1] * field


@correct("fan_in_and_fan_out", "a loop product")
def ff_ok_loop(shape):
    field = 1
    for k in shape[2:]:
        field *= k
    return shape[1] * field, shape[0] * field


@correct("fan_in_and_fan_out", "np.prod with an integer dtype (NumPy integers)")
def ff_ok_numpy(shape):
    return (np.prod(shape[1:], dtype=np.int64),
            shape[0] * np.prod(shape[2:], dtype=np.int64))


@correct("fan_in_and_fan_out", "fan_in = prod(shape[1:]), fan_out = prod(shape) // shape[1]")
def ff_ok_floordiv(shape):
    out, fan_in = shape[0], math.prod(shape[1:])
    return fan_in, math.prod(shape) // shape[1] if shape[1] else out * math.prod(shape[2:])


@wrong("xavier_uniform_bound", "Xavier's normal std √(2/(n_in + n_out))")
def xb_normal_std(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


@wrong("xavier_uniform_bound", "fan_in only: √(6/n_in)")
def xb_fan_in_only(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6.0 / fan_in)


@wrong("xavier_uniform_bound", "gain inside the root")
def xb_gain_inside(fan_in, fan_out, gain=1.0):
    return math.sqrt(6.0 * gain / (fan_in + fan_out))


@wrong("xavier_uniform_bound", "ignores the gain")
def xb_no_gain(fan_in, fan_out, gain=1.0):
    return math.sqrt(6.0 / (fan_in + fan_out))


@wrong("xavier_uniform_bound", "√6 / (n_in + n_out): the root on the 6 only")
def xb_root_on_6(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6) / (fan_in + fan_out)


@wrong("xavier_uniform_bound", "^ 0.5 for the root")
def xb_xor(fan_in, fan_out, gain=1.0):
    return gain * (6 / (fan_in + fan_out)) ^ 0.5


@wrong("xavier_uniform_bound", "integer division 6 // (n_in + n_out)")
def xb_floor_division(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6 // (fan_in + fan_out))


@wrong("xavier_uniform_bound", "6 / n_in + n_out (brackets missing)")
def xb_precedence(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6 / fan_in + fan_out)


@wrong("xavier_uniform_bound", "returns (−bound, bound)")
def xb_pair(fan_in, fan_out, gain=1.0):
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return -bound, bound


@wrong("xavier_uniform_bound", "gain squared")
def xb_gain_squared(fan_in, fan_out, gain=1.0):
    return gain ** 2 * math.sqrt(6.0 / (fan_in + fan_out))


@wrong("xavier_uniform_bound", "prints the bound instead of returning it")
def xb_prints(fan_in, fan_out, gain=1.0):
    print(gain * math.sqrt(6.0 / (fan_in + fan_out)))


@correct("xavier_uniform_bound", "√6 · gain / √(n_in + n_out)")
def xb_ok_split(fan_in, fan_out, gain=1.0):
    return math.sqrt(6) * gain / math.sqrt(fan_in + fan_out)


@correct("xavier_uniform_bound", "√3 × Xavier's std, with NumPy")
def xb_ok_std(fan_in, fan_out, gain=1.0):
    std = gain * np.sqrt(2.0 / (fan_in + fan_out))
    return float(np.sqrt(3.0) * std)


@correct("xavier_uniform_bound", "** 0.5")
def xb_ok_power(fan_in, fan_out, gain=1.0):
    return gain * (6 / (fan_in + fan_out)) ** 0.5


# he_normal_std has no statement in the course (no chapter uses it): the variants follow its
# title, "He (Kaiming) normal standard deviation", and chapter 06's kaiming_normal_(mode="fan_in",
# nonlinearity="relu"): std = √(2 / fan_in) with fan_in = shape[1] · prod(shape[2:]).
def _fans(shape):
    field = math.prod(shape[2:])
    return shape[1] * field, shape[0] * field


@wrong("he_normal_std", "fan_out instead of fan_in")
def hn_fan_out(shape):
    return math.sqrt(2 / _fans(shape)[1])


@wrong("he_normal_std", "ignores the kernel dimensions")
def hn_no_kernel(shape):
    return math.sqrt(2 / shape[1])


@wrong("he_normal_std", "returns the variance 2/fan_in")
def hn_variance(shape):
    return 2 / _fans(shape)[0]


@wrong("he_normal_std", "no ReLU gain: √(1/fan_in)")
def hn_no_gain(shape):
    return math.sqrt(1 / _fans(shape)[0])


@wrong("he_normal_std", "Xavier's √(2/(fan_in + fan_out))")
def hn_xavier(shape):
    fan_in, fan_out = _fans(shape)
    return math.sqrt(2 / (fan_in + fan_out))


@wrong("he_normal_std", "shape[0] as fan_in")
def hn_shape_0(shape):
    return math.sqrt(2 / (shape[0] * math.prod(shape[2:])))


@correct("he_normal_std", "√2 / √fan_in with NumPy")
def hn_ok_numpy(shape):
    return float(np.sqrt(2.0) / np.sqrt(np.prod(shape[1:])))


@correct("he_normal_std", "(2 / fan_in) ** 0.5 with a loop")
def hn_ok_loop(shape):
    fan_in = 1
    for k in shape[1:]:
        fan_in *= k
    return (2 / fan_in) ** 0.5


def _gain_z(rng, n):
    return rng.standard_normal(n)


@wrong("gain_that_keeps_the_spread", "1/std(a): the spread around the mean, not E[a²]")
def gk_std(f, rng, n_samples=100_000):
    return float(1 / np.std(f(_gain_z(rng, n_samples))))


@wrong("gain_that_keeps_the_spread", "returns E[a²] instead of the gain")
def gk_second_moment(f, rng, n_samples=100_000):
    return float(np.mean(f(_gain_z(rng, n_samples)) ** 2))


@wrong("gain_that_keeps_the_spread", "1/E[a²]: no square root")
def gk_no_root(f, rng, n_samples=100_000):
    return float(1 / np.mean(f(_gain_z(rng, n_samples)) ** 2))


@wrong("gain_that_keeps_the_spread", "√E[a²]: not inverted")
def gk_not_inverted(f, rng, n_samples=100_000):
    return float(np.sqrt(np.mean(f(_gain_z(rng, n_samples)) ** 2)))


@wrong("gain_that_keeps_the_spread", "a new unseeded generator instead of rng")
def gk_own_rng(f, rng, n_samples=100_000):
    z = np.random.default_rng().standard_normal(n_samples)
    return float(1 / np.sqrt(np.mean(f(z) ** 2)))


@wrong("gain_that_keeps_the_spread", "NumPy's global np.random.randn")
def gk_global_random(f, rng, n_samples=100_000):
    z = np.random.randn(n_samples)
    return float(1 / np.sqrt(np.mean(f(z) ** 2)))


@wrong("gain_that_keeps_the_spread", "a generator of its own with seed 0")
def gk_seed_0(f, rng, n_samples=100_000):
    z = np.random.default_rng(0).standard_normal(n_samples)
    return float(1 / np.sqrt(np.mean(f(z) ** 2)))


@wrong("gain_that_keeps_the_spread", "ignores n_samples (always 100 000)")
def gk_ignores_n(f, rng, n_samples=100_000):
    z = rng.standard_normal(100_000)
    return float(1 / np.sqrt(np.mean(f(z) ** 2)))


@wrong("gain_that_keeps_the_spread", "hard-codes He's √2 for every f")
def gk_sqrt_2(f, rng, n_samples=100_000):
    rng.standard_normal(n_samples)
    return math.sqrt(2)


@wrong("gain_that_keeps_the_spread", "^ 2 for the square")
def gk_xor(f, rng, n_samples=100_000):
    z = rng.standard_normal(n_samples)
    return float(1 / np.sqrt(np.mean(f(z) ^ 2)))


@wrong("gain_that_keeps_the_spread", "squares z, not f(z)")
def gk_squares_z(f, rng, n_samples=100_000):
    z = rng.standard_normal(n_samples)
    return float(1 / np.sqrt(np.mean(f(z ** 2))))


@wrong("gain_that_keeps_the_spread", "1/E|a| instead of 1/√E[a²]")
def gk_mean_abs(f, rng, n_samples=100_000):
    z = rng.standard_normal(n_samples)
    return float(1 / np.mean(np.abs(f(z))))


@correct("gain_that_keeps_the_spread", "rng.normal(0, 1, n) (the same numbers) and ** -0.5")
def gk_ok_normal(f, rng, n_samples=100_000):
    z = rng.normal(0.0, 1.0, n_samples)
    return float(np.mean(np.square(f(z))) ** -0.5)


@correct("gain_that_keeps_the_spread", "√n / ‖f(z)‖")
def gk_ok_norm(f, rng, n_samples=100_000):
    a = f(rng.standard_normal(n_samples))
    return float(math.sqrt(n_samples) / np.linalg.norm(a))


@correct("gain_that_keeps_the_spread", "a column of z, sqrt(1 / E[a²])")
def gk_ok_column(f, rng, n_samples=100_000):
    z = rng.standard_normal((n_samples, 1))
    return float(np.sqrt(1.0 / np.mean(f(z) * f(z))))


# =============================================================================
# Chapter 07 — suggest_rates, diagnose
# =============================================================================
def _curve(result):
    return np.asarray(result.lrs, dtype=float), np.asarray(result.centred_losses, dtype=float)


@wrong("suggest_rates", "uses the lagging moving average (smoothed_losses)")
def sr_smoothed(result):
    lrs, centred = np.asarray(result.lrs), np.asarray(result.smoothed_losses)
    slopes = np.gradient(centred, np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(centred)] / 10)


@wrong("suggest_rates", "slope against η, not log η")
def sr_linear_slope(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, lrs)
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(centred)] / 10)


@wrong("suggest_rates", "the largest slope (argmax)")
def sr_argmax(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log(lrs))
    return float(lrs[np.argmax(slopes)]), float(lrs[np.argmin(centred)] / 10)


@wrong("suggest_rates", "np.diff instead of np.gradient (a forward difference, shifted)")
def sr_diff(result):
    lrs, centred = _curve(result)
    slopes = np.diff(centred) / np.diff(np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(centred)] / 10)


@wrong("suggest_rates", "min_over_10 as a tenth of the smallest loss, not of its rate")
def sr_loss_over_10(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(centred.min() / 10)


@wrong("suggest_rates", "ten times the rate at the minimum")
def sr_times_10(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(centred)] * 10)


@wrong("suggest_rates", "forgets the /10")
def sr_no_tenth(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(centred)])


@wrong("suggest_rates", "returns (min_over_10, steepest): the order")
def sr_swapped(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log(lrs))
    return float(lrs[np.argmin(centred)] / 10), float(lrs[np.argmin(slopes)])


@wrong("suggest_rates", "returns the indices, not the rates")
def sr_indices(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log(lrs))
    return int(np.argmin(slopes)), int(np.argmin(centred))


@wrong("suggest_rates", "a tenth of the rate of the smallest raw moving average")
def sr_min_of_smoothed(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log(lrs))
    smoothed = np.asarray(result.smoothed_losses)
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(smoothed)] / 10)


@wrong("suggest_rates", "slopes of the log-loss")
def sr_log_loss(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(np.log(centred), np.log(lrs))
    return float(lrs[np.argmin(slopes)]), float(lrs[np.argmin(centred)] / 10)


@correct("suggest_rates", "log10 instead of log (the same argmin)")
def sr_ok_log10(result):
    lrs, centred = _curve(result)
    slopes = np.gradient(centred, np.log10(lrs))
    return float(lrs[slopes.argmin()]), float(lrs[centred.argmin()] * 0.1)


@correct("suggest_rates", "central differences written out (uniform log spacing)")
def sr_ok_manual(result):
    lrs, centred = _curve(result)
    x = np.log(lrs)
    slopes = np.empty_like(centred)
    slopes[1:-1] = (centred[2:] - centred[:-2]) / (x[2:] - x[:-2])
    slopes[0] = (centred[1] - centred[0]) / (x[1] - x[0])
    slopes[-1] = (centred[-1] - centred[-2]) / (x[-1] - x[-2])
    return float(lrs[int(np.argmin(slopes))]), float(lrs[int(np.argmin(centred))] / 10)


@correct("suggest_rates", "plain Python: min over zipped pairs")
def sr_ok_python(result):
    lrs, centred = list(map(float, result.lrs)), list(map(float, result.centred_losses))
    slopes = list(np.gradient(np.array(centred), np.log(np.array(lrs))))
    steepest = lrs[min(range(len(lrs)), key=lambda i: slopes[i])]
    lowest = lrs[min(range(len(lrs)), key=lambda i: centred[i])]
    return steepest, lowest / 10


def _diagnose(train_losses, val_losses, **changes):
    t = np.asarray(train_losses, dtype=float)
    v = np.asarray(val_losses, dtype=float)
    head, tail = t[:10], t[-10:]
    rules = {
        "diverged": lambda: not np.all(np.isfinite(t)) or np.any(t > 10 * t[0]),
        "noisy": lambda: tail.std() > 0.1 * head.mean(),
        "flat": lambda: tail.mean() >= 0.95 * head.mean(),
        "overfitting": lambda: v[-1] > 1.1 * v.min(),
    }
    rules.update(changes.pop("rules", {}))
    order = changes.pop("order", ["diverged", "noisy", "flat", "overfitting"])
    labels = changes.pop("labels", {})
    for name in order:
        if rules[name]():
            return labels.get(name, name)
    return "healthy"


@wrong("diagnose", "misses NaN: max(train) > 10·first only")
def dg_misses_nan(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"diverged": lambda: np.max(t) > 10 * t[0]})


@wrong("diagnose", "diverged on >= 10·first")
def dg_diverged_ge(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses, rules={
        "diverged": lambda: not np.all(np.isfinite(t)) or np.any(t >= 10 * t[0])})


@wrong("diagnose", "noisy tested before diverged")
def dg_noisy_first(train_losses, val_losses):
    return _diagnose(train_losses, val_losses,
                     order=["noisy", "diverged", "flat", "overfitting"])


@wrong("diagnose", "flat tested before noisy")
def dg_flat_before_noisy(train_losses, val_losses):
    return _diagnose(train_losses, val_losses,
                     order=["diverged", "flat", "noisy", "overfitting"])


@wrong("diagnose", "overfitting tested before flat")
def dg_overfitting_before_flat(train_losses, val_losses):
    return _diagnose(train_losses, val_losses,
                     order=["diverged", "noisy", "overfitting", "flat"])


@wrong("diagnose", "noisy from the std of every training loss")
def dg_std_all(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"noisy": lambda: t.std() > 0.1 * t[:10].mean()})


@wrong("diagnose", "noisy against the mean of the last 10, not the first 10")
def dg_noisy_tail_mean(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"noisy": lambda: t[-10:].std() > 0.1 * t[-10:].mean()})


@wrong("diagnose", "flat on > 0.95 instead of >=")
def dg_flat_strict(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"flat": lambda: t[-10:].mean() > 0.95 * t[:10].mean()})


@wrong("diagnose", "overfitting against the first validation loss, not the smallest")
def dg_overfitting_first(train_losses, val_losses):
    v = np.asarray(val_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"overfitting": lambda: v[-1] > 1.1 * v[0]})


@wrong("diagnose", "overfitting on >= 1.1 × smallest")
def dg_overfitting_ge(train_losses, val_losses):
    v = np.asarray(val_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"overfitting": lambda: v[-1] >= 1.1 * v.min()})


@wrong("diagnose", "np.std with ddof=1")
def dg_ddof_1(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"noisy": lambda: t[-10:].std(ddof=1) > 0.1 * t[:10].mean()})


@wrong("diagnose", "flat against the first loss, not the mean of the first 10")
def dg_flat_first_loss(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses,
                     rules={"flat": lambda: t[-10:].mean() >= 0.95 * t[0]})


@wrong("diagnose", "reads val_losses before the diverged test (fails on an empty list)")
def dg_val_first(train_losses, val_losses):
    v = np.asarray(val_losses, dtype=float)
    overfitting = v[-1] > 1.1 * v.min()
    label = _diagnose(train_losses, val_losses)
    return "overfitting" if label == "overfitting" or (label == "healthy" and overfitting) \
        else label


@wrong("diagnose", "label misspelt: 'overfit'")
def dg_misspelt(train_losses, val_losses):
    return _diagnose(train_losses, val_losses, labels={"overfitting": "overfit"})


@wrong("diagnose", "diverged only if the last loss is 10× the first (a spike that recovers"
       " passes)")
def dg_diverged_last_only(train_losses, val_losses):
    t = np.asarray(train_losses, dtype=float)
    return _diagnose(train_losses, val_losses, rules={
        "diverged": lambda: not np.all(np.isfinite(t)) or t[-1] > 10 * t[0]})


@wrong("diagnose", "always 'healthy'")
def dg_always_healthy(train_losses, val_losses):
    return "healthy"


@wrong("diagnose", "prints the label instead of returning it")
def dg_prints(train_losses, val_losses):
    print(_diagnose(train_losses, val_losses))


@correct("diagnose", "plain Python with math.isfinite and explicit means")
def dg_ok_python(train_losses, val_losses):
    t = [float(x) for x in train_losses]
    if any(not math.isfinite(x) for x in t) or any(x > 10 * t[0] for x in t):
        return "diverged"
    head, tail = np.array(t[:10]), np.array(t[-10:])
    if np.std(tail) > 0.1 * np.mean(head):
        return "noisy"
    if np.mean(tail) >= 0.95 * np.mean(head):
        return "flat"
    v = [float(x) for x in val_losses]
    if v[-1] > 1.1 * min(v):
        return "overfitting"
    return "healthy"


@correct("diagnose", "np.isnan | np.isinf, a table of (label, test) pairs")
def dg_ok_table(train_losses, val_losses):
    t, v = np.asarray(train_losses, dtype=float), np.asarray(val_losses, dtype=float)
    tests = [
        ("diverged", lambda: bool(np.any(np.isnan(t) | np.isinf(t))) or t.max() > 10 * t[0]),
        ("noisy", lambda: np.std(t[-10:]) > 0.1 * np.mean(t[:10])),
        ("flat", lambda: np.mean(t[-10:]) >= 0.95 * np.mean(t[:10])),
        ("overfitting", lambda: v[-1] > 1.1 * np.min(v)),
    ]
    return next((label for label, test in tests if test()), "healthy")


# =============================================================================
# Witnesses: inputs the statement allows on which a wrong variant and the notebook's
# solution differ (for the variants whose mistake shows only on some inputs: a boundary,
# a branch, an argument left at its default). They prove the variant wrong without the check.
# =============================================================================
def _quadratic_run(curvatures, steps):
    """run(lr) of measure_rates: distances to the minimum of ½Σλθ² from θ0 = (1, ..., 1)."""
    lam = np.asarray(curvatures, dtype=float)

    def run(lr):
        t = np.arange(steps + 1)[:, None]
        return np.linalg.norm((1 - lr * lam) ** t, axis=1)
    return run


def _one_direction_run(steps):
    """run(lr) with factor |1 − 2 lr| per step: exactly 1 at lr = 1."""
    return lambda lr: np.abs(1 - 2 * lr) ** np.arange(steps + 1, dtype=float)


def _train(*parts):
    return np.concatenate([np.asarray(p, dtype=float) for p in parts])


WITNESSES: dict[str, Callable[[], Any]] = {
    # (args, kwargs) for a function; {"init": ..., "metrics": ...} for the Plateau class.
    "numerical_gradient/ng_ignores_h":
        lambda: ((lambda x: float(np.sum(x ** 3)), np.array([1.0, 2.0]), 1e-2), {}),
    "gradient_descent/gdesc_strict":         # ‖g0‖ == tol: stop before any step
        lambda: ((lambda th: th.copy(), np.array([1.0]), 0.5, 1.0, 10), {}),
    "gradient_descent/gdesc_max_norm":
        lambda: ((lambda th: th.copy(), np.array([1.0, 1.0]), 0.5, 1.2, 10), {}),
    "gradient_descent/gdesc_ignores_budget":  # tolerance not reached within the budget
        lambda: ((lambda th: th.copy(), np.array([1.0]), 0.1, 1e-3, 5), {}),
    "gradient_descent/gdesc_test_after":      # theta0 already within the tolerance
        lambda: ((lambda th: th.copy(), np.array([1e-4]), 0.1, 1e-3, 5), {}),
    "measure_rates/mr_ignores_last":
        lambda: ((_quadratic_run([1.0, 0.2], 30), np.array([0.5, 1.0, 1.5])), {"last": 5}),
    "measure_rates/mr_le_1":                  # a grid rate with factor exactly 1
        lambda: ((_one_direction_run(20), np.array([0.2, 0.4, 1.0])), {}),
    "measure_rates/mr_mean_ratio":
        lambda: ((_quadratic_run([1.0, 0.1], 12), np.array([0.5, 1.0])), {}),
    "measure_rates/mr_assumes_sorted":        # a grid in any order
        lambda: ((_one_direction_run(20), np.array([0.4, 0.2])), {}),
    "range_test_stop/rs_correction_plus_1":
        lambda: ((np.array([1.0, 1.0, 1.0, 3.0, 5.0, 9.0]),), {"smoothing": 0.5}),
    "range_test_stop/rs_correction_zero_based":
        lambda: ((np.array([1.0, 100.0, 100.0]),), {}),
    "range_test_stop/rs_ge":                  # exactly diverge_factor × the smallest
        lambda: ((np.array([1.0, 4.0, 1.0]),), {"smoothing": 0.0}),
    "range_test_stop/rs_none_at_end":         # never stops
        lambda: ((np.array([1.0, 1.0, 1.0]),), {}),
    "range_test_stop/rs_starts_at_first":
        lambda: ((np.array([1.0, 8.0, 2.0, 4.0, 4.0, 7.0]),), {"smoothing": 0.5}),
    "plateau_scheduler/PlateauBestInsideThreshold":  # a new low inside the threshold
        lambda: {"init": dict(lr=1.0, factor=0.5, patience=1, threshold=0.1),
                 "metrics": [1.0, 0.95, 0.88, 0.88]},
    "gain_that_keeps_the_spread/gk_ignores_n":
        lambda: ((np.tanh, np.random.default_rng(0), 1000), {}),
    "diagnose/dg_diverged_ge":                # a loss of exactly 10 × the first
        lambda: ((_train([1.0, 10.0], [0.5] * 18), [1.0]), {}),
    "diagnose/dg_noisy_first":                # diverged and noisy
        lambda: ((_train([1.0, 15.0], [1.0, 0.5] * 9), [1.0]), {}),
    "diagnose/dg_flat_before_noisy":          # noisy and flat
        lambda: ((_train([1.0] * 10, [1.5, 0.5] * 5), [1.0]), {}),
    "diagnose/dg_overfitting_before_flat":    # flat and overfitting
        lambda: ((_train([1.0] * 20), [1.0, 2.0]), {}),
    "diagnose/dg_noisy_tail_mean":
        lambda: ((_train([1.0] * 10, [0.2, 0.3] * 5), [1.0]), {}),
    "diagnose/dg_flat_strict":                # tail mean exactly 0.95 × head mean
        lambda: ((_train([20.0] * 10, [19.0] * 10), [1.0]), {}),
    "diagnose/dg_overfitting_ge":             # last validation loss exactly 1.1 × smallest
        lambda: ((_train([1.0] * 10, [0.5] * 10), [1.0, 1.1]), {}),
    "diagnose/dg_ddof_1":
        lambda: ((_train([1.0] * 10, [0.597, 0.403] * 5), [1.0]), {}),
    "diagnose/dg_flat_first_loss":
        lambda: ((_train([1.0], [3.0] * 9, [1.0] * 10), [1.0]), {}),
    "diagnose/dg_val_first":                  # diverged, no validation loss
        lambda: ((_train([1.0, np.nan], [1.0] * 18), []), {}),
    "diagnose/dg_diverged_last_only":         # a spike that recovers
        lambda: ((_train([1.0, 20.0], [0.5] * 18), [1.0]), {}),
}

#: The name of each exercise's function (or class) in the course's notebooks.
_NOTEBOOK_NAMES = {"exponential_decay": "my_exponential_decay", "plateau_scheduler": "Plateau"}
_COURSE = Path(__file__).resolve().parents[1] / "course"


@functools.lru_cache(maxsize=None)
def notebook_solutions() -> dict[str, Any]:
    """The solutions as the course's source notebooks define them (the exercise cells,
    markers included, with only their imports and definitions kept)."""
    namespace: dict[str, Any] = {"np": np, "math": math}
    for path in sorted(_COURSE.glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or "# BEGIN SOLUTION" not in source:
                continue
            tree = ast.parse(source)
            tree.body = [node for node in tree.body if isinstance(
                node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))]
            exec(compile(tree, str(path), "exec"), namespace)  # noqa: S102 - our own course
    return {name: namespace[_NOTEBOOK_NAMES.get(name, name)] for name in EXERCISES
            if _NOTEBOOK_NAMES.get(name, name) in namespace}


def _behaviour(attempt: Any, witness: Any) -> tuple:
    """What an attempt does on a witness: (returned or raised, value, inputs afterwards)."""
    inputs = witness
    try:
        if isinstance(witness, dict):
            scheduler = attempt(**witness["init"])
            return "returned", [scheduler.step(m) for m in witness["metrics"]], None
        args, kwargs = witness
        value = attempt(*args, **kwargs)
        return "returned", value, (args, kwargs)
    except Exception as exc:  # noqa: BLE001
        return "raised", type(exc).__name__, inputs


def differs(variant: Variant, witness_builder: Callable[[], Any]) -> str | None:
    """How the variant and the notebook's solution differ on the witness, or None."""
    solution = notebook_solutions()[variant.exercise]
    with np.errstate(all="ignore"):
        mine = _behaviour(variant.attempt, witness_builder())
        theirs = _behaviour(solution, witness_builder())
    if mine[0] != theirs[0]:
        return f"the variant {mine[0]} {mine[1]!r}, the solution {theirs[0]} {theirs[1]!r}"
    if mine[0] == "raised":
        return None
    problem = compare(mine[1], theirs[1], rtol=1e-9, atol=1e-12)
    if problem is not None:
        return f"value: {problem.message}"
    if mine[2] is not None:
        for a, b in zip(mine[2][0], theirs[2][0]):
            if isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=True):
                return "the variant changes its inputs"
    return None


# =============================================================================
# Running the variants
# =============================================================================
#: Failure keys of the machinery that are named mistakes or requirements of their own: the
#: ``^`` trap (on integers it is the automatic mistake "^ instead of **"), the given rng
#: not used (``Exercise(repeatable=True)``), a loop that never ends (the time limit).
NAMED_MACHINERY_FAILURES = {"error: xor", "Value: not repeatable", "time limit"}


@dataclass(frozen=True)
class Outcome:
    verdict: str                  # wrong: specific / structural / generic / accepted / crash;
                                  # correct: accepted / rejected / crash
    failure: str | None
    message: str
    hint: str | None              # first time (level 0)
    named_hint: str | None        # the same failure again (level 1)


def classify_failure(failure: str | None) -> str:
    """"specific" when the failure names a registered mistake or a requirement (or one of
    the machinery's named mistakes); "structural" for the comparison's own type or shape
    message (exact about *what* differs, but no registered mistake says *why*); "generic"
    for the fallbacks: "Value" (run it by hand), "Value: sign", "Value: factor", an
    exception reported by its kind, "Type: unusable result"."""
    if failure and (failure.startswith(("mistake: ", "requirement: "))
                    or failure in NAMED_MACHINERY_FAILURES):
        return "specific"
    if failure and failure.startswith(("Type", "Shape")) and failure != "Type: unusable result":
        return "structural"
    return "generic"


def _check(variant: Variant):
    exercise = EXERCISES[variant.exercise]
    if variant.hangs:
        return exercise.check(variant.attempt, time_limit=HANG_LIMIT)
    return getattr(exercises, f"check_{variant.exercise}")(variant.attempt)


@functools.lru_cache(maxsize=None)
def outcome(variant_id: str) -> Outcome:
    variant = BY_ID[variant_id]
    exercise = EXERCISES[variant.exercise]
    exercise.reset_hints()
    try:
        result = _check(variant)
        again = None if result.passed else _check(variant)
    except BaseException as exc:  # noqa: BLE001 - a check that raises is what we look for
        return Outcome("crash", "raised", f"{type(exc).__name__}: {exc}", None, None)
    finally:
        exercise.reset_hints()
    named = again.hint if again is not None else None
    if result.failure == "internal":
        return Outcome("crash", result.failure, result.message, result.hint, named)
    if variant.correct:
        verdict = "accepted" if result.passed else "rejected"
    elif result.passed:
        verdict = "accepted"
    else:
        verdict = classify_failure(result.failure)
    return Outcome(verdict, result.failure, result.message, result.hint, named)


BY_ID = {variant.id: variant for variant in VARIANTS}
assert len(BY_ID) == len(VARIANTS), "variant names must be unique per exercise"
WRONG = [variant for variant in VARIANTS if not variant.correct]
CORRECT = [variant for variant in VARIANTS if variant.correct]


# =============================================================================
# Tests
# =============================================================================
def test_every_exercise_has_variants():
    names = {variant.exercise for variant in VARIANTS}
    assert names == set(EXERCISES), sorted(set(EXERCISES) ^ names)
    for name in EXERCISES:
        wrongs = sum(v.exercise == name and not v.correct for v in VARIANTS)
        rights = sum(v.exercise == name and v.correct for v in VARIANTS)
        assert wrongs >= 6 and rights >= 2, (name, wrongs, rights)


@pytest.mark.parametrize("variant_id", sorted(WITNESSES))
def test_witness_shows_the_variant_is_wrong(variant_id):
    """The suite's own test: on an input the statement allows, the wrong variant and the
    notebook's solution differ (so a check that accepts it has a case missing)."""
    variant = BY_ID[variant_id]
    assert not variant.correct
    assert differs(variant, WITNESSES[variant_id]) is not None


@pytest.mark.parametrize("variant_id", [
    variant.id for variant in CORRECT
    if variant.exercise in {BY_ID[witness].exercise for witness in WITNESSES}])
def test_correct_variant_agrees_with_the_notebook(variant_id):
    """The suite's own test: each correct variant answers like the notebook's solution on
    every witness of its exercise."""
    variant = BY_ID[variant_id]
    for witness_id, builder in WITNESSES.items():
        if BY_ID[witness_id].exercise == variant.exercise:
            assert differs(variant, builder) is None, witness_id


@pytest.mark.parametrize("variant_id", [variant.id for variant in VARIANTS])
def test_check_does_not_crash(variant_id):
    result = outcome(variant_id)
    assert result.verdict != "crash", f"{BY_ID[variant_id].description}: {result.message}"


@pytest.mark.parametrize("variant_id", [variant.id for variant in WRONG])
def test_wrong_variant_is_rejected(variant_id):
    result = outcome(variant_id)
    assert result.verdict != "accepted", (
        f"wrong answer passed: {BY_ID[variant_id].description}")


@pytest.mark.parametrize("variant_id", [variant.id for variant in CORRECT])
def test_correct_variant_is_accepted(variant_id):
    result = outcome(variant_id)
    assert result.verdict == "accepted", (
        f"correct answer ({BY_ID[variant_id].description}) got {result.verdict}: "
        f"{result.message} Hint: {result.hint}")


def test_share_of_wrong_answers_with_a_specific_hint():
    """At least 85 % of the wrong variants get a failure that names a registered mistake or
    a requirement (structural type/shape messages and generic hints do not count)."""
    verdicts = [outcome(variant.id).verdict for variant in WRONG]
    share = verdicts.count("specific") / len(verdicts)
    others = {kind: [v.id for v in WRONG if outcome(v.id).verdict == kind]
              for kind in ("structural", "generic", "accepted", "crash")}
    assert share >= SPECIFIC_SHARE, (
        f"{share:.1%} of {len(verdicts)} wrong answers got a specific hint. "
        + " ".join(f"{kind} ({len(ids)}): {', '.join(ids)}." for kind, ids in others.items()
                   if ids))


# =============================================================================
# A report: python tests/test_exercise_mutations.py [--hints]
# =============================================================================
def table() -> str:
    rows = ["| exercise | wrong | specific | structural | generic | accepted | crash | correct | "
            "accepted | rejected |", "|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    totals = [0] * 9
    for name in EXERCISES:
        wrongs = [outcome(v.id).verdict for v in WRONG if v.exercise == name]
        rights = [outcome(v.id).verdict for v in CORRECT if v.exercise == name]
        counts = [len(wrongs), wrongs.count("specific"), wrongs.count("structural"),
                  wrongs.count("generic"),
                  wrongs.count("accepted"), wrongs.count("crash"), len(rights),
                  rights.count("accepted"), len(rights) - rights.count("accepted")]
        totals = [a + b for a, b in zip(totals, counts)]
        rows.append(f"| {name} | " + " | ".join(map(str, counts)) + " |")
    rows.append("| **all** | " + " | ".join(f"**{c}**" for c in totals) + " |")
    return "\n".join(rows)


def main(argv: list[str]) -> None:
    show_hints = "--hints" in argv
    for variant in VARIANTS:
        result = outcome(variant.id)
        bad = (result.verdict in ("accepted", "crash") and not variant.correct) or (
            variant.correct and result.verdict != "accepted")
        if show_hints or bad or result.verdict in ("generic", "structural"):
            kind = "correct" if variant.correct else "wrong"
            print(f"[{result.verdict}] {variant.id} ({kind}: {variant.description})\n"
                  f"    failure: {result.failure}\n    message: {result.message}\n"
                  f"    hint:    {result.hint}\n    again:   {result.named_hint}")
    print(table())


if __name__ == "__main__":
    main(sys.argv[1:])
