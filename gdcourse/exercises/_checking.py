"""How an exercise checks a learner's code: type, shape and value, then the usual mistakes.

An :class:`Exercise` holds a reference implementation, a few :class:`Case` objects
that each run an implementation on fixed inputs, and the known wrong variants
(:class:`Mistake`), each with the hint that fixes it. :meth:`Exercise.check` runs the
learner's implementation on every case and answers with a :class:`CheckResult`:

* *not attempted* when the learner's code still raises ``NotImplementedError`` (the
  stub the student notebooks contain), so an exercise left undone never breaks a notebook;
* *failed* with one precise message when the output has the wrong type, then the wrong
  shape, then the wrong value, in that order, and with the hint of a known mistake when
  the learner's outputs equal that mistake's outputs on every case;
* *passed* when every case matches the reference.

Nothing here prints: the result shows itself in the notebook through ``_repr_html_``
(and as plain text anywhere else).
"""

from __future__ import annotations

import html
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

PASSED = "passed"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted"

_LABELS = {
    PASSED: "\N{HEAVY CHECK MARK} Passed",
    FAILED: "\N{HEAVY BALLOT X} Not yet",
    NOT_ATTEMPTED: "\N{WHITE CIRCLE} Not attempted yet",
}
# Okabe–Ito green / vermillion / grey, with a pale background; the status is also
# spelled out in words, so colour is never the only signal.
_COLOURS = {PASSED: "#009E73", FAILED: "#D55E00", NOT_ATTEMPTED: "#707070"}


@dataclass(frozen=True)
class CheckResult:
    """The answer of a check: its status, one message and, when it helps, a hint.

    Attributes
    ----------
    exercise : str
        Title of the exercise.
    status : {"passed", "failed", "not attempted"}
    message : str
        What was found, e.g. ``"Value: for lr=0.1, grad=[1, 2] the result should be
        [0.9, 1.8] but is [1.1, 2.2]."``.
    hint : str or None
        How to fix the most likely cause.
    """

    exercise: str
    status: str
    message: str
    hint: str | None = None

    @property
    def passed(self) -> bool:
        """True if the learner's code matched the reference on every case."""
        return self.status == PASSED

    @property
    def attempted(self) -> bool:
        """False while the exercise still contains its ``NotImplementedError`` stub."""
        return self.status != NOT_ATTEMPTED

    def __str__(self) -> str:
        text = f"{_LABELS[self.status]} — {self.exercise}: {self.message}"
        if self.hint:
            text += f"\nHint: {self.hint}"
        return text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        hint = (
            f"<div style='margin-top:0.3em'><b>Hint:</b> {html.escape(self.hint)}</div>"
            if self.hint else ""
        )
        return (
            f"<div role='status' style='border-left:6px solid {colour};"
            f"padding:0.4em 0.8em;margin:0.3em 0;background:{colour}14'>"
            f"<b style='color:{colour}'>{html.escape(_LABELS[self.status])}</b>"
            f" — {html.escape(self.exercise)}"
            f"<div style='margin-top:0.3em'>{html.escape(self.message)}</div>{hint}</div>"
        )


@dataclass(frozen=True)
class Case:
    """One run of an implementation on fixed inputs.

    Parameters
    ----------
    description : str
        The inputs in words, quoted in messages (``"theta=[1, -2], grad=[4, 1], lr=0.1"``).
    run : callable
        ``run(implementation) -> output``. It must build fresh inputs on every call,
        so a learner's function that modifies its arguments in place cannot change
        what the reference or the mistakes see.
    """

    description: str
    run: Callable[[Any], Any]


@dataclass(frozen=True)
class Mistake:
    """A known wrong variant of the solution and the hint that answers it.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"eps inside the square root"``.
    implementation : object
        The wrong variant, interchangeable with the reference (same signature).
    hint : str
        What the learner should change.
    """

    name: str
    implementation: Any
    hint: str


@dataclass(frozen=True)
class Exercise:
    """An exercise: reference, cases and known mistakes; :meth:`check` grades an attempt.

    Parameters
    ----------
    title : str
        Shown in every result, e.g. ``"Adam's update with bias correction"``.
    reference : object
        A correct implementation (function or class, as the exercise asks).
    cases : sequence of Case
    mistakes : sequence of Mistake
        Tried in order; the first whose outputs equal the learner's on every case gives
        its hint.
    rtol, atol : float
        Tolerances of the value comparison (``numpy.isclose`` semantics).
    kind : {"function", "class"}
        What the learner is asked to write; used for the type check of the attempt itself.
    repeatable : bool
        For exercises whose randomness must come from the ``rng`` argument: the first
        case is run a second time (with a freshly seeded generator again), and an attempt
        that answers differently is told to use the generator it was given. This catches
        ``np.random.default_rng()`` without a seed and NumPy's global functions without
        touching NumPy's global state.
    """

    title: str
    reference: Any
    cases: Sequence[Case]
    mistakes: Sequence[Mistake] = field(default_factory=tuple)
    rtol: float = 1e-7
    atol: float = 1e-10
    kind: str = "function"
    repeatable: bool = False

    def check(self, attempt: Any) -> CheckResult:
        """Grade ``attempt``: not attempted, failed with a message and hint, or passed."""
        if not callable(attempt):
            return self._result(
                FAILED,
                f"Type: expected a {self.kind}, got {_type_name(attempt)}.",
                f"pass the {self.kind} itself (its name without parentheses) to the check.",
            )
        outputs = []
        for case in self.cases:
            try:
                outputs.append(case.run(attempt))
            except NotImplementedError:
                return self._result(
                    NOT_ATTEMPTED,
                    "the code still raises NotImplementedError.",
                    "replace `raise NotImplementedError` with your code, run that cell, "
                    "then run this check again.",
                )
            except Exception as exc:  # a learner's bug must become feedback, not a traceback
                return self._result(
                    FAILED,
                    f"with {case.description} your code raised "
                    f"{type(exc).__name__}: {exc}",
                    _exception_hint(exc),
                )
        if self.repeatable and compare(self.cases[0].run(attempt), outputs[0],
                                       rtol=self.rtol, atol=self.atol) is not None:
            return self._result(
                FAILED,
                f"Value: with {self.cases[0].description}, two runs with the same inputs "
                "and the same seed gave different results.",
                "use the rng you are given (e.g. rng.permutation(n)): "
                "np.random.default_rng() without a seed, or NumPy's global np.random "
                "functions, give a different answer on every run, so nobody can repeat "
                "your experiment.")
        for case, output in zip(self.cases, outputs):
            expected = case.run(self.reference)
            problem = compare(output, expected, rtol=self.rtol, atol=self.atol)
            if problem is None:
                continue
            hint = self._known_mistake(outputs) or problem.hint
            return self._result(FAILED, f"{problem.aspect}: with {case.description}, "
                                f"{problem.message}", hint)
        return self._result(PASSED, f"all {len(self.cases)} cases match the reference.")

    def _known_mistake(self, outputs: list[Any]) -> str | None:
        for mistake in self.mistakes:
            try:
                theirs = [case.run(mistake.implementation) for case in self.cases]
            except Exception:  # a mistake that cannot run on some case cannot be the answer
                continue
            if all(compare(mine, other, rtol=self.rtol, atol=self.atol) is None
                   for mine, other in zip(outputs, theirs)):
                return mistake.hint
        return None

    def _result(self, status: str, message: str, hint: str | None = None) -> CheckResult:
        return CheckResult(self.title, status, message, hint)


@dataclass(frozen=True)
class Difference:
    """Why an output differs from the expected one: aspect (Type/Shape/Value), message, hint."""

    aspect: str
    message: str
    hint: str | None = None


def compare(actual: Any, expected: Any, *, rtol: float = 1e-7,
            atol: float = 1e-10) -> Difference | None:
    """Compare type, then shape, then value; return the first :class:`Difference` or None.

    Scalars of any real type (int, float, NumPy scalars, 0-d arrays) are interchangeable;
    an expected array must be answered with an array (a list is a type difference, so the
    learner is told to return ``np.asarray(...)``); tuples are compared element by element.
    """
    if isinstance(expected, tuple):
        if not isinstance(actual, (tuple, list)):
            return Difference(
                "Type", f"expected a tuple of {len(expected)} values, got {_type_name(actual)}.",
                "return all the values the exercise asks for, e.g. `return theta, velocity`.")
        if len(actual) != len(expected):
            return Difference(
                "Type", f"expected {len(expected)} returned values, got {len(actual)}.",
                "return exactly the values the exercise asks for, in that order.")
        for index, (a, e) in enumerate(zip(actual, expected)):
            problem = compare(a, e, rtol=rtol, atol=atol)
            if problem is not None:
                return Difference(problem.aspect,
                                  f"returned value #{index + 1}: {problem.message}", problem.hint)
        return None
    if actual is None and expected is not None:
        return Difference("Type", "your code returned None.",
                          "did you forget the `return` statement?")
    if _is_real_scalar(expected):
        if not _is_real_scalar(actual):
            return Difference("Type", f"expected a number, got {_type_name(actual)}"
                              f"{_shape_note(actual)}.",
                              "return a single number (a float), not an array or a list.")
        a, e = float(np.asarray(actual)), float(np.asarray(expected))
        if not _close(a, e, rtol, atol):
            return Difference("Value", f"the result should be {_fmt(e)} but is {_fmt(a)}.",
                              _value_hint(np.asarray(a), np.asarray(e), rtol, atol))
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return Difference("Type", f"expected a NumPy array, got {_type_name(actual)}.",
                              "return a NumPy array (np.asarray(...) converts a list).")
        if actual.shape != expected.shape:
            return Difference("Shape", f"the result should have shape {expected.shape} "
                              f"but has shape {actual.shape}.",
                              "check which axis each dimension belongs to; a transpose or a "
                              "missing sum/mean over an axis changes the shape.")
        if not np.all(np.isfinite(actual) | ~np.isfinite(expected)):
            return Difference("Value", "the result contains NaN or infinity.",
                              "look for a division by zero or a square root of a "
                              "negative number.")
        bad = ~np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            where = f" at index {index}" if index else ""
            return Difference(
                "Value", f"the result should be {_fmt(expected)} but is {_fmt(actual)} "
                f"({int(bad.sum())} of {bad.size} entries differ; first{where}: "
                f"{_fmt(expected[index])} expected, {_fmt(actual[index])} found).",
                _value_hint(actual, expected, rtol, atol))
        return None
    if actual != expected:  # strings, booleans, lists of labels...
        return Difference("Value", f"the result should be {expected!r} but is {actual!r}.")
    return None


def _value_hint(actual: np.ndarray, expected: np.ndarray, rtol: float,
                atol: float) -> str | None:
    """A generic hint for two common shapes of wrong values: a flipped sign, a constant factor."""
    if np.allclose(actual, -expected, rtol=rtol, atol=atol):
        return ("the result has the opposite sign: gradient descent moves against the "
                "gradient (θ − lr·g), and a difference is taken in the order the formula gives.")
    nonzero = np.abs(expected) > atol
    if nonzero.any() and np.all(np.isfinite(actual)):
        ratio = actual[nonzero] / expected[nonzero]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-9) and np.allclose(
                actual[~nonzero], 0, atol=atol):
            return (f"the result is the expected one times {float(ratio.flat[0]):.6g}: a constant "
                    "factor is missing or extra (an average over n, a 2, a learning rate).")
    return None


def _is_real_scalar(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Real):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def _close(a: float, e: float, rtol: float, atol: float) -> bool:
    if math.isnan(e):
        return math.isnan(a)
    return bool(np.isclose(a, e, rtol=rtol, atol=atol))


def _type_name(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _shape_note(value: Any) -> str:
    shape = np.shape(value) if isinstance(value, (list, tuple, np.ndarray)) else None
    return f" of shape {shape}" if shape else ""


def _fmt(value: Any) -> str:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return np.array2string(value, precision=6, separator=", ", threshold=12)
    return f"{float(value):.6g}"


def _exception_hint(exc: Exception) -> str:
    if isinstance(exc, NameError):
        return "a name is not defined: run the cells above this one first, and check spelling."
    if isinstance(exc, ValueError) and "core dimension" in str(exc):
        return ("a matrix product (@) got shapes that do not fit: for A @ B the last axis "
                "of A must equal the first of B; print their .shape, a .T may be missing.")
    if isinstance(exc, ValueError) and "broadcast" in str(exc):
        return "two arrays of different shapes were combined; print their .shape to see which."
    if isinstance(exc, TypeError):
        return "check the arguments: the exercise's text gives the exact signature."
    return "read the error message above; run your function by hand on the inputs shown."
