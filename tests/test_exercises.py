"""Every exercise check: passes its reference, answers each known mistake with its hint.

Table-driven over :data:`gdcourse.exercises.EXERCISES`, so an exercise added to any
topic module is covered without touching this file.
"""

import numpy as np
import pytest

from gdcourse import exercises
from gdcourse.exercises import CheckResult, compare

EXERCISES = sorted(exercises.EXERCISES.items())
MISTAKES = [
    pytest.param(exercise, mistake, id=f"{name}-{mistake.name}")
    for name, exercise in EXERCISES for mistake in exercise.mistakes
]


def _stub(*args, **kwargs):
    raise NotImplementedError


class _StubClass:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError


def test_there_are_exercises_for_every_chapter():
    # Two exercises per chapter 1-7 at least (the course's promise).
    assert len(EXERCISES) >= 14, sorted(exercises.EXERCISES)


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=[n for n, _ in EXERCISES])
def test_reference_passes(name, exercise):
    result = exercise.check(exercise.reference)
    assert result.passed, str(result)
    assert result.status == "passed" and result.hint is None


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=[n for n, _ in EXERCISES])
def test_stub_is_not_attempted(name, exercise):
    result = exercise.check(_StubClass if exercise.kind == "class" else _stub)
    assert result.status == "not attempted", str(result)
    assert not result.attempted and not result.passed


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=[n for n, _ in EXERCISES])
def test_public_check_function_uses_the_exercise(name, exercise):
    check = getattr(exercises, f"check_{name}")
    assert check(exercise.reference).passed
    assert check(_StubClass if exercise.kind == "class" else _stub).status == "not attempted"


@pytest.mark.parametrize("exercise, mistake", MISTAKES)
def test_known_mistake_gets_its_hint(exercise, mistake):
    result = exercise.check(mistake.implementation)
    assert result.status == "failed", f"{mistake.name} was accepted"
    # Equality also proves no earlier mistake in the list gives the same outputs (the
    # first match wins), so every hint is reachable and none is given for another's error.
    assert result.failure == f"mistake: {mistake.name}", str(result)
    assert result.hint == (mistake.nudge or mistake.hint), str(result)
    assert result.message and result.message[0].isupper()
    # The same mistake again: the named mistake (after its nudge), then with the formula.
    again = exercise.check(mistake.implementation)
    assert again.hint == mistake.hint and again.level == 1, str(again)
    third = exercise.check(mistake.implementation)
    formula = mistake.formula or exercise.formula
    if formula:
        assert third.hint == f"{mistake.hint} The formula: {formula}", str(third)


@pytest.mark.parametrize("exercise, mistake", MISTAKES)
def test_a_nudge_names_the_kind_of_mistake_but_not_the_fix(exercise, mistake):
    if mistake.nudge is None:
        return
    assert mistake.nudge != mistake.hint and "look at" in mistake.nudge, mistake.name


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=[n for n, _ in EXERCISES])
def test_not_callable_is_a_type_message(name, exercise):
    result = exercise.check(42)
    assert result.status == "failed" and result.message.startswith("Type:")


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=[n for n, _ in EXERCISES])
def test_exception_in_learner_code_becomes_feedback(name, exercise):
    def broken(*args, **kwargs):
        return undefined_name  # noqa: F821

    result = exercise.check(broken)
    assert result.status == "failed"
    assert "NameError" in result.message and "run the cells above" in result.hint


# compare(): type, then shape, then value, each with its own message.
@pytest.mark.parametrize("actual, expected, aspect, words", [
    ([1.0, 2.0], np.array([1.0, 2.0]), "Type", "NumPy array"),
    (None, np.array([1.0]), "Type", "return"),
    (np.array([1.0, 2.0]), 3.0, "Type", "number"),
    (np.zeros((2, 3)), np.zeros((3, 2)), "Shape", "(3, 2)"),
    (np.array([1.0, 2.5]), np.array([1.0, 2.0]), "Value", "index (1,)"),
    (np.array([np.nan, 1.0]), np.array([0.0, 1.0]), "Value", "NaN"),
    (2.5, 2.0, "Value", "2.5"),
    ((np.ones(2),), (np.ones(2), 1.0), "Type", "2 returned values"),
    (np.ones(2), (np.ones(2), 1.0), "Type", "tuple"),
    ((np.ones(2), 2.0), (np.ones(2), 1.0), "Value", "returned value #2"),
])
def test_compare_reports_first_difference(actual, expected, aspect, words):
    difference = compare(actual, expected)
    assert difference is not None
    assert difference.aspect == aspect
    assert words in difference.message


@pytest.mark.parametrize("actual, expected", [
    (np.float64(2.0), 2), (2, 2.0), (np.array(2.0), 2.0), (np.ones(3), np.ones(3) + 1e-12),
    ((np.ones(2), 1.0), (np.ones(2), 1.0)), ([np.ones(2), 1.0], (np.ones(2), 1.0)),
])
def test_compare_accepts_equivalent_values(actual, expected):
    assert compare(actual, expected) is None


def test_matmul_shape_error_gets_a_shape_hint():
    exercise = exercises.EXERCISES["numerical_gradient"]

    def transposed(f, theta, h=1e-5):
        return np.ones((2, 3)) @ np.ones((2, 3))

    result = exercise.check(transposed)
    assert "ValueError" in result.message and "last axis" in result.hint


def test_generic_hints_for_sign_and_factor():
    assert "opposite sign" in compare(-np.arange(1.0, 4.0), np.arange(1.0, 4.0)).hint
    assert "times 2" in compare(2 * np.arange(1.0, 4.0), np.arange(1.0, 4.0)).hint
    assert compare(np.array([1.0, 5.0]), np.array([1.0, 2.0])).hint is None


def test_result_shows_status_in_words_and_html():
    result = CheckResult("demo", "failed", "Value: wrong.", "fix <it>")
    assert str(result).startswith("✘ Not yet — demo: Value: wrong.")
    assert "Hint: Fix <it>" in str(result)
    html = result._repr_html_()
    assert "Not yet" in html and "Fix &lt;it&gt;" in html and "role='status'" in html


# Requirements must name the reference's own arguments: `inputs_unchanged("velocity")` on
# a function whose argument is `buf` would silently check nothing.
def _requirement_problems(exercise):
    import inspect

    target = exercise.reference.__init__ if exercise.kind == "class" else exercise.reference
    names = [p for p in inspect.signature(target).parameters if p != "self"]
    problems = []
    for requirement in exercise.requirements:
        for name in requirement.watch or ():
            if name != "*" and name not in names:
                problems.append(f"requirement {requirement.name!r} watches {name!r}, which is "
                                f"not an argument of the reference {tuple(names)}")
    if exercise.kind == "class" and exercise.requirements:
        problems.append("a class exercise's requirements see no calls")
    return problems


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=[n for n, _ in EXERCISES])
def test_requirements_name_arguments_the_reference_has(name, exercise):
    assert _requirement_problems(exercise) == []


def test_a_requirement_on_a_missing_argument_is_found():
    from gdcourse.exercises import Exercise, inputs_unchanged, same_shape

    momentum = exercises.EXERCISES["momentum_step"]
    wrong = Exercise("demo", momentum.reference, momentum.cases,
                     requirements=(inputs_unchanged("velocity"), same_shape("params")))
    problems = " ".join(_requirement_problems(wrong))
    assert "'velocity'" in problems and "'params'" in problems


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=[n for n, _ in EXERCISES])
def test_every_exercise_has_a_formula_for_the_last_hint(name, exercise):
    assert exercise.formula, name
    assert "def " not in exercise.formula and "lambda" not in exercise.formula
