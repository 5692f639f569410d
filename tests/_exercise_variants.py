"""Wrong and right variants of the exercises, written from the notebooks' statements.

Each topic's test file (``tests/test_exercises_<topic>.py``) lists, per exercise, wrong
answers a learner plausibly writes (:class:`Wrong`, with the failure the check must name)
and correct answers written differently from the reference (:class:`Right`). The tests
there prove that every wrong answer fails with exactly the expected failure (a registered
mistake, a requirement or a named error, never the generic "compare by hand" message),
and that every right answer passes.

``python tests/_exercise_variants.py`` prints the figures per exercise and in total
(recorded in ``benchmarks/README.md``, section "Exercise checks").
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

#: Failures that do not name a mistake: the value differs and only the generic advice, a
#: sign or a constant factor could be offered.
GENERIC = frozenset({"Value", "Value: factor", "Value: sign", "Type: unusable result",
                     "error: TypeError", "error: ValueError"})
#: Failures that name the mistake, as tests/test_exercise_mutations.py counts them.
NAMED_ERRORS = frozenset({"error: xor", "Value: not repeatable", "time limit"})


def named(failure: str | None) -> bool:
    """True for a registered mistake, a requirement or one of the machinery's named ones."""
    return bool(failure) and (failure.startswith(("mistake: ", "requirement: "))
                              or failure in NAMED_ERRORS)

TOPICS = ("gradients", "minibatch", "learning_rate", "schedules", "optimizers",
          "initialisation", "diagnostics")


@dataclass(frozen=True)
class Wrong:
    """A wrong answer and the failure (:attr:`CheckResult.failure`) its check must report."""

    name: str
    attempt: Any
    failure: str


@dataclass(frozen=True)
class Right:
    """A correct answer written differently from the reference."""

    name: str
    attempt: Any


def check(exercise, attempt):
    """The check's first answer (as in a fresh kernel), under a generous time limit."""
    exercise.reset_hints()
    try:
        return exercise.check(attempt, time_limit=20.0)
    finally:
        exercise.reset_hints()


def assert_wrong(exercise, variant: Wrong) -> None:
    result = check(exercise, variant.attempt)
    assert result.status == "failed", f"{variant.name!r} was accepted: {result}"
    assert result.failure == variant.failure, f"{variant.name!r}: {result}"
    assert result.hint, f"{variant.name!r} got no hint: {result}"
    assert variant.failure not in GENERIC, "a wrong variant must get a specific hint"


def assert_right(exercise, variant: Right) -> None:
    result = check(exercise, variant.attempt)
    assert result.passed, f"{variant.name!r} was rejected: {result}"


def parameters(exercises: dict, variants: dict, kind: type) -> list:
    """pytest parameters ``(exercise, variant)`` for the variants of one kind."""
    return [pytest.param(exercises[name], variant, id=f"{name}-{variant.name}")
            for name, listed in variants.items() for variant in listed
            if isinstance(variant, kind)]


def tally() -> dict[str, dict[str, int]]:
    """Per exercise: wrong answers named / generic / accepted, right answers accepted."""
    from gdcourse.exercises import EXERCISES

    sys.path.insert(0, str(Path(__file__).parent))
    figures = {}
    for topic in TOPICS:
        module = importlib.import_module(f"test_exercises_{topic}")
        for name, listed in module.VARIANTS.items():
            row = dict(wrong=0, named=0, structural=0, generic=0, accepted=0, right=0,
                       right_passed=0)
            for variant in listed:
                result = check(EXERCISES[name], variant.attempt)
                if type(variant).__name__ == "Wrong":  # the test modules import this file anew
                    row["wrong"] += 1
                    if result.passed:
                        row["accepted"] += 1
                    elif named(result.failure):
                        row["named"] += 1
                    elif result.failure in ("Type", "Shape"):
                        row["structural"] += 1
                    else:
                        row["generic"] += 1
                else:
                    row["right"] += 1
                    row["right_passed"] += result.passed
            figures[name] = row
    return figures


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parents[1]))
    figures = tally()
    total = {key: sum(row[key] for row in figures.values()) for key in next(iter(
        figures.values()))}
    print("| exercise | wrong | named | structural | generic | accepted | right | passed |")
    print("|:--|--:|--:|--:|--:|--:|--:|--:|")
    for name, row in [*figures.items(), ("all", total)]:
        print(f"| {name} | {row['wrong']} | {row['named']} | {row['structural']} | "
              f"{row['generic']} | {row['accepted']} | {row['right']} | {row['right_passed']} |")
