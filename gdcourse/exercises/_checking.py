"""How an exercise checks a learner's code: type, shape and value, then the usual mistakes.

An :class:`Exercise` holds a reference implementation, a few :class:`Case` objects
that each run an implementation on fixed inputs, the known wrong variants
(:class:`Mistake`), each with the hint that fixes it, and the requirements of its
statement beyond the values (:class:`Requirement`: "a new array", "integers", "a list").
:meth:`Exercise.check` runs the learner's implementation on every case and answers with a
:class:`CheckResult`:

* *not attempted* when the learner's code still raises ``NotImplementedError`` (the
  stub the student notebooks contain), so an exercise left undone never breaks a notebook;
* *failed* with one precise message when the code raised (with the line of the learner's
  code that raised), ran too long (:attr:`Exercise.time_limit`), returned the wrong type,
  the wrong shape or the wrong value (in that order), or broke a requirement; with the
  hint of a known mistake when the learner's outputs equal that mistake's outputs on
  every case, and a hint that gets more specific when the same failure comes back
  (a nudge, then the named mistake, then the formula: :class:`HintHistory`);
* *passed* when every case matches the reference and every requirement holds.

A check never raises and never prints: whatever the learner's code returns or does
(exceptions, ``exit()``, infinite loops, printing, odd return values) becomes a result,
and what it printed is shown inside the result. The result shows itself in the notebook
through ``_repr_html_`` (and as plain text anywhere else).
"""

from __future__ import annotations

import ast
import copy
import functools
import html
import inspect
import io
import keyword
import math
import numbers
import re
import reprlib
import textwrap
import tokenize
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .. import _messages
from .._messages import F_, N_, Text, _, _f
from . import _running
from ._running import TimeLimitExceeded

PASSED = "passed"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted"

_LABELS = {
    PASSED: N_("\N{HEAVY CHECK MARK} Passed"),
    FAILED: N_("\N{HEAVY BALLOT X} Not yet"),
    NOT_ATTEMPTED: N_("\N{WHITE CIRCLE} Not attempted yet"),
}
# Okabe–Ito green / vermillion / grey for the border and a pale background; the status is
# also spelled out in words, so colour is never the only signal. The heading mixes the
# status colour with the surrounding text colour (currentColor), so it is dark on a light
# theme and light on a dark one: at least 5.8:1 in JupyterLab's light and dark themes
# (tests/test_exercises.py computes it). Browsers without color-mix() keep the text colour.
_COLOURS = {PASSED: "#009E73", FAILED: "#D55E00", NOT_ATTEMPTED: "#707070"}
_HEADING_MIX = 60  # percent of the status colour in the heading's colour

#: Kinds of answer an exercise (or one returned value of it) can have. The generic
#: "constant factor" hint is only given for ``"real"`` answers: a count, an index, an
#: integer, a boolean, a label, or a value chosen from given candidates ("choice", e.g. a
#: rate picked from a grid) cannot be off by a factor in any useful sense.
ANSWER_KINDS = ("real", "count", "index", "integer", "boolean", "label", "choice")

_NOT_ATTEMPTED_MESSAGE = N_("The code still raises NotImplementedError.")
_NOT_ATTEMPTED_HINT = N_("Replace `raise NotImplementedError` with your code, run that cell, "
                         "then run this check again.")
_VALUE_NUDGE = N_("run your function by hand on the inputs shown and compare each "
                  "intermediate value with the formula in the exercise's text.")


# =============================================================================
# Results
# =============================================================================
@dataclass(frozen=True)
class CheckResult:
    """The answer of a check: its status, one message and, when it helps, a hint.

    Attributes
    ----------
    exercise : str
        Title of the exercise.
    status : {"passed", "failed", "not attempted"}
    message : str
        What was found, e.g. ``"Value: with lr=0.1, grad=[1, 2] the result should be
        [0.9, 1.8] but is [1.1, 2.2]."``.
    hint : str or None
        How to fix the most likely cause.
    level : int
        0 the first time this failure is met in this kernel, 1 the second time (a more
        specific hint), 2 from the third time on (the hint with the formula).
    hint_label : str
        How the hint is introduced: ``"Hint"``, ``"Hint (more specific)"``, ...
    failure : str or None
        What failed, as a key: ``"mistake: sign error"``, ``"requirement: inputs
        unchanged"``, ``"error: signature"``, ``"time limit"``, ``"Value"``, ...; the
        progressive hints count repeats of the same key. ``"internal"`` means the check
        itself failed (a bug in gdcourse).
    printed : str
        What the learner's code printed during the check (shown with the result).
    warnings : tuple of str
        Warnings the learner's code raised (shown when the check failed).
    """

    exercise: str
    status: str
    message: str
    hint: str | None = None
    level: int = 0
    hint_label: str = "Hint"
    failure: str | None = None
    printed: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True if the learner's code matched the reference on every case."""
        return self.status == PASSED

    @property
    def attempted(self) -> bool:
        """False while the exercise still contains its ``NotImplementedError`` stub."""
        return self.status != NOT_ATTEMPTED

    def __str__(self) -> str:
        text = _f("{status} — {exercise}: {message}", status=_(_LABELS[self.status]),
                  exercise=_(self.exercise), message=_sentence(str(_(self.message))))
        if self.hint:
            text += "\n" + _f("{label}: {hint}", label=_(self.hint_label),
                               hint=_sentence(str(_(self.hint))))
        if self.status == FAILED and self.warnings:
            text += ("\n" + _("Warnings from your code:") + " "
                     + "; ".join(_(w) for w in self.warnings))
        if self.printed:
            text += ("\n" + _("Your code printed:") + "\n"
                     + textwrap.indent(self.printed.rstrip("\n"), "    "))
        return text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        parts = [
            f"<div role='status' style='border-left:6px solid {colour};"
            f"padding:0.4em 0.8em;margin:0.3em 0;background:{colour}14'>",
            f"<b style='color:inherit;color:color-mix(in srgb, {colour} {_HEADING_MIX}%, "
            f"currentColor)'>{html.escape(_(_LABELS[self.status]))}</b>"
            f" — {html.escape(_(self.exercise))}",
            f"<div style='margin-top:0.3em'>{_inline_html(_sentence(str(_(self.message))))}</div>",
        ]
        if self.hint:
            parts.append(f"<div style='margin-top:0.3em'><b>{html.escape(_(self.hint_label))}:"
                         f"</b> {_inline_html(_sentence(str(_(self.hint))))}</div>")
        if self.status == FAILED and self.warnings:
            parts.append("<div style='margin-top:0.3em'><b>"
                         + html.escape(_("Warnings from your code:")) + "</b> "
                         + "; ".join(html.escape(_(w)) for w in self.warnings) + "</div>")
        if self.printed:
            parts.append("<div style='margin-top:0.3em'><b>"
                         + html.escape(_("Your code printed:")) + "</b></div>"
                         "<pre style='margin:0.2em 0;max-height:12em;overflow:auto'>"
                         f"{html.escape(self.printed.rstrip())}</pre>")
        parts.append("</div>")
        return "".join(parts)


def _sentence(text: str) -> str:
    """``text`` with its first letter in upper case (hints are written to follow "Hint:").

    A text that starts with code stays as it is: "math.ceil moves ..." must not become
    "Math.ceil", nor "round() ..." "Round()".
    """
    if not text or not text[0].islower() or isinstance(text, Text):
        return text  # a stored Text keeps its template; shown, it is a str and capitalised
    first_word = text.split(None, 1)[0]
    if any(mark in first_word for mark in "._()[]=`'\"") or first_word.rstrip(",:;") in _CODE_WORDS:
        return text
    return text[:1].upper() + text[1:]


#: Identifiers that hints may start with, lower case on purpose.
_CODE_WORDS = frozenset({"lr", "np", "eps", "theta", "grad", "h", "x", "y", "w", "b", "t", "m",
                         "v", "n", "mu", "beta", "betas", "gamma", "fan_in", "fan_out"})


def _inline_html(text: str) -> str:
    """Escape ``text`` for HTML and show its `backticked` spans as inline code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", html.escape(text))


# =============================================================================
# Cases, mistakes, requirements
# =============================================================================
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
        what the reference or the mistakes see. For a function exercise the learner's
        function arrives wrapped (so the check sees its arguments and return value):
        call it, do not test its identity.
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
        What the learner should change: names the mistake and its fix.
    nudge : str, optional
        A first, gentler hint given the first time the mistake is met (where to look,
        without the fix); the ``hint`` follows when the same mistake comes back. Without
        a nudge the ``hint`` comes first.
    formula : str, optional
        The formula shown from the third time on (instead of :attr:`Exercise.formula`).
        A formula, never the code of the solution.
    """

    name: str
    implementation: Any
    hint: str
    nudge: str | None = None
    formula: str | None = None


@dataclass
class Call:
    """One call of the learner's function during a check, for :class:`Requirement` tests.

    ``arguments`` maps the reference's parameter names to the values passed (as they are
    after the call); ``before`` holds copies taken before the call of the arguments a
    requirement asked to watch; ``result`` is what the function returned (unconverted).
    """

    args: tuple
    kwargs: dict
    arguments: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)
    result: Any = None
    returned: bool = False
    raised: BaseException | None = None

    def part(self, part: int | None) -> Any:
        """The returned value, or its entry ``part`` (for a function that returns a tuple)."""
        if part is None:
            return self.result
        try:
            return self.result[part]
        except Exception:
            return _MISSING


_MISSING = object()


@dataclass(frozen=True)
class Requirement:
    """Something the statement asks for beyond the values, with its own hint.

    Use the factories :func:`inputs_unchanged`, :func:`integer_output`,
    :func:`list_output` and :func:`same_shape`, or give ``test`` yourself.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"inputs unchanged"``.
    hint : str
        What the learner should change.
    test : callable
        ``test(call) -> str | None`` for each :class:`Call` of the learner's function: a
        message saying what is wrong (``"your function changed its argument `theta`"``)
        or None.
    watch : tuple of str or None
        Arguments whose copies the check keeps from before each call (``call.before``);
        ``("*",)`` for every array or list argument.
    explains_failures : bool
        Also tested when a value is wrong (before the value's own message): for
        requirements whose failure is the likely cause of a wrong value (a generator
        where a list is needed, a flattened array).
    aspect : str
        How the message starts: ``"Inputs"``, ``"Type"``, ``"Shape"``.
    """

    name: str
    hint: str
    test: Callable[[Call], str | None]
    watch: tuple[str, ...] | None = None
    explains_failures: bool = False
    aspect: str = "Requirement"


def inputs_unchanged(*names: str, hint: str | None = None) -> Requirement:
    """The learner's function must leave these arguments as they were (all, if none named).

    For statements that say "return a new array" or "do not modify ``theta0``".
    """
    watched = names or ("*",)

    def test(call: Call) -> str | None:
        for name, before in call.before.items():
            if names and name not in names:
                continue
            after = call.arguments.get(name, _MISSING)
            if after is _MISSING or _same_content(before, after):
                continue
            return F_("your function changed its argument `{name}`: before the call it was "
                      "{before}, afterwards {after}.", name=name, before=_show(before),
                      after=_show(after))
        return None

    return Requirement(
        "inputs unchanged",
        hint or N_("the exercise asks you to leave the inputs alone and return new values: "
                 "`x -= ...`, `x += ...` or `x[i] = ...` write into the caller's array. Write "
                 "`x = x - ...` (a new array), or work on a copy, `x = x.copy()`."),
        test, watch=watched, aspect="Inputs")


def integer_output(part: int | None = None, what: str | None = None,
                   hint: str | None = None) -> Requirement:
    """The returned value (or its entry ``part``) must be integers: int, NumPy integers,
    integer arrays, or lists/tuples of these. For statements that say "integers"."""
    what = (_messages.Text(what) if what else F_("the result") if part is None else
            F_("returned value #{number}", number=part + 1))

    def test(call: Call) -> str | None:
        value = call.part(part)
        if value is _MISSING or _all_integers(value):
            return None
        return F_("{what} should be integers, but {problem}.", what=what,
                  problem=_integer_problem(value))

    return Requirement(
        "integer output",
        hint or N_("return integers, as the exercise says: count with an int (`steps += 1`), "
                 "use `//` for whole-number division, convert with `int(...)`, or keep "
                 "NumPy's integer arrays (`np.arange`, `rng.permutation` give them)."),
        test, aspect="Type")


def list_output(part: int | None = None, hint: str | None = None) -> Requirement:
    """The returned value must have a length (a list, tuple or array), not be a generator
    or another one-pass iterator: for statements that say "a list" where later code
    needs ``len()`` or indexing."""

    def test(call: Call) -> str | None:
        value = call.part(part)
        if value is _MISSING or value is None:
            return None
        try:
            iterator = iter(value) is value
        except Exception:
            iterator = False
        if iterator or not hasattr(type(value), "__len__"):
            return F_("your function returned {type}, which has no len() and can be read "
                      "only once; the exercise asks for a list.", type=_type_name(value))
        return None

    return Requirement(
        "list output",
        hint or N_("return a list: `[... for ...]` with square brackets, or `list(...)`. A "
                 "generator (`yield`, or `(... for ...)` in round brackets) has no len() and "
                 "is empty after one pass, which breaks the code that uses the batches."),
        test, explains_failures=True, aspect="Type")


def same_shape(like: str, part: int | None = None, hint: str | None = None) -> Requirement:
    """The returned array (or its entry ``part``) must have the shape of the argument
    ``like``: for statements that say "shaped like theta" (give the exercise a 2-D case)."""

    def test(call: Call) -> str | None:
        value = call.part(part)
        reference = call.before.get(like, call.arguments.get(like, _MISSING))
        if value is _MISSING or reference is _MISSING or not isinstance(value, np.ndarray):
            return None
        try:
            want = np.shape(reference)
        except Exception:
            return None
        if value.shape != want:
            return F_("the result should have the shape of `{like}`, {want}, but has shape "
                      "{shape}.", like=like, want=want, shape=value.shape)
        return None

    return Requirement(
        "same shape",
        hint or F_("keep the shape of `{like}`: NumPy's element-wise arithmetic does by "
                   "itself. Loops over `range(len(...))`, `np.zeros(len(...))`, `.ravel()` or "
                   "`.flatten()` work for 1-D arrays only; use `np.zeros_like({like})` and "
                   "`np.ndindex({like}.shape)`.", like=like),
        test, watch=(like,), explains_failures=True, aspect="Shape")


# =============================================================================
# Progressive hints
# =============================================================================
class HintHistory:
    """How often each failure of one exercise has been met in this kernel.

    A failure is named by a key (:attr:`CheckResult.failure`); the first time it gets
    the first hint of its ladder, the second time a more specific one, from the third time
    on the formula too. Passing the exercise clears the history.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def seen(self, key: str) -> int:
        """How often ``key`` was met before; counts this time."""
        count = self._seen.get(key, 0)
        self._seen[key] = count + 1
        return count

    def count(self, key: str) -> int:
        return self._seen.get(key, 0)

    def clear(self) -> None:
        self._seen.clear()

    def __len__(self) -> int:
        return len(self._seen)


def _ladder(named: str | None, nudge: str | None, formula: str | None, seen: int,
            generic: bool = False) -> tuple[str | None, int, str]:
    """(hint, level, label) for a failure met ``seen`` times before.

    A known mistake climbs nudge → named mistake → named mistake with the formula (a
    missing nudge or formula repeats the rung before). A failure no mistake explains has
    no name to give: its hint is followed by the formula at once.
    """
    if named is None and nudge is None:
        return None, 0, N_("Hint")
    named = named or nudge
    with_formula = (_f("{hint} The formula: {formula}", hint=_(named), formula=_(formula)),
                    N_("Hint (with the formula)")) if formula else None
    if generic:
        rungs = [(named, N_("Hint")), with_formula or (named, N_("Hint"))]
        rungs.append(rungs[1])
    else:
        rungs = [(nudge or named, N_("Hint")),
                 (named, N_("Hint (more specific)") if nudge and nudge != named else N_("Hint"))]
        rungs.append(with_formula or rungs[1])
    level = min(seen, 2)
    hint, label = rungs[level]
    return hint, level, label


# =============================================================================
# Exercises
# =============================================================================
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
        its hint. (Variants of a function reference with ``**`` written as ``^`` are
        tried after them automatically.)
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
    answer : str or tuple of str
        The kind of the answer, one of :data:`ANSWER_KINDS`, or one per returned value for
        a function that returns a tuple. Integer, boolean and text answers are never
        "real", whatever is declared.
    requirements : sequence of Requirement
        What the statement asks beyond the values; tested after the values match (and,
        for those that ``explains_failures``, also when a value is wrong).
    formula : str, optional
        The exercise's formula in words or symbols, shown as the last rung of the hint
        ladder when the same failure comes back a third time. Never the code of the
        solution.
    time_limit : float
        Seconds the learner's code may run for one case before it is stopped and the
        check says so (0 or None: no limit). See :mod:`gdcourse.exercises._running`.
    """

    title: str
    reference: Any
    cases: Sequence[Case]
    mistakes: Sequence[Mistake] = field(default_factory=tuple)
    rtol: float = 1e-7
    atol: float = 1e-10
    kind: str = "function"
    repeatable: bool = False
    answer: str | tuple[str, ...] = "real"
    requirements: Sequence[Requirement] = field(default_factory=tuple)
    formula: str | None = None
    time_limit: float | None = 5.0
    #: The failures met so far in this kernel (per exercise), for the progressive hints.
    history: HintHistory = field(default_factory=HintHistory, init=False, repr=False,
                                 compare=False)
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kinds = (self.answer,) if isinstance(self.answer, str) else tuple(self.answer)
        unknown = [k for k in kinds if k not in ANSWER_KINDS]
        if unknown:
            raise ValueError(f"unknown answer kind(s) {unknown}; use {ANSWER_KINDS}")

    # ------------------------------------------------------------------ public
    def check(self, attempt: Any, *, time_limit: float | None = None) -> CheckResult:
        """Grade ``attempt``: not attempted, failed with a message and hint, or passed.

        Never raises. ``time_limit`` overrides :attr:`time_limit` for this check.
        """
        limit = self.time_limit if time_limit is None else time_limit
        grading = _Grading(self, attempt, limit)
        try:
            result = grading.grade()
        except KeyboardInterrupt:
            result = grading.result(FAILED, N_("Interrupted: the check was stopped before it "
                                               "finished."), N_("run the check again."),
                                    failure="interrupted")
        except BaseException as exc:  # a bug of the check itself must not become a traceback
            result = grading.result(
                FAILED, F_("Internal: the check itself failed ({error}: {text}). This is a "
                           "bug in gdcourse, not in your code: please report it.",
                           error=type(exc).__name__, text=_short(exc)),
                None, failure="internal")
        if result.passed:
            self.history.clear()
        return result

    def reset_hints(self) -> None:
        """Forget the failures met so far: the next hint is the first of its ladder again."""
        self.history.clear()

    def validate(self) -> list[str]:
        """Problems of the exercise itself, for its tests (an empty list: none).

        * the reference raises on a case, or fails its own check;
        * a mistake raises on some case (its hint could never be given);
        * a mistake's outputs overlap the reference's on every case: within the tolerance
          of both on every case, so an answer the check accepts could also be taken for the
          mistake (the case inputs do not separate them);
        * a mistake's outputs differ from the reference on a case by less than twice the
          tolerance (an answer within the tolerance of both exists there);
        * a mistake is shadowed by an earlier one with another hint (same outputs on
          every case, so the earlier hint is always given instead).
        """
        problems = []
        try:
            expected = [case.run(self.reference) for case in self.cases]
        except Exception as exc:
            return [f"the reference raises {type(exc).__name__}: {exc}"]
        own = self.check(self.reference)
        if not own.passed:
            problems.append(f"the reference fails its own check: {own}")
        outputs = {}
        for mistake in self.mistakes:
            theirs = []
            for case in self.cases:
                try:
                    theirs.append(case.run(mistake.implementation))
                except Exception as exc:
                    problems.append(f"mistake {mistake.name!r} raises "
                                    f"{type(exc).__name__} on {case.description!r}: its "
                                    "hint can never be given")
                    break
            else:
                outputs[mistake.name] = theirs
                overlap = [_overlap(m, e, self.rtol, self.atol)
                           for m, e in zip(theirs, expected)]
                equal = [compare(m, e, rtol=self.rtol, atol=self.atol) is None
                         for m, e in zip(theirs, expected)]
                if all(overlap):
                    problems.append(f"mistake {mistake.name!r} agrees with the reference "
                                    "within the tolerance on every case: an accepted answer "
                                    "could get its hint, and the mistake itself may pass")
                for case, o, q in zip(self.cases, overlap, equal):
                    if o and not q:
                        problems.append(f"mistake {mistake.name!r} differs from the "
                                        f"reference on {case.description!r} by less than "
                                        "twice the tolerance")
        names = list(outputs)
        for later_index, later in enumerate(names):
            for earlier in names[:later_index]:
                hints = {m.name: m.hint for m in self.mistakes}
                if hints[earlier] != hints[later] and all(
                        compare(a, b, rtol=self.rtol, atol=self.atol) is None
                        for a, b in zip(outputs[later], outputs[earlier])):
                    problems.append(f"mistake {later!r} is shadowed by {earlier!r}: same "
                                    "outputs on every case, so its hint is never given")
        return problems

    # ------------------------------------------------------------------ helpers
    def _answer_kind(self, path: tuple) -> str:
        if isinstance(self.answer, str):
            return self.answer
        if path and isinstance(path[0], int) and path[0] < len(self.answer):
            return self.answer[path[0]]
        return "real"

    def _auto_mistakes(self) -> list[Mistake]:
        """``**`` written as ``^`` in the reference, one at a time and all at once: the
        variants that run on every case and answer differently from the reference."""
        if "xor" not in self._cache:
            variants = []
            if self.kind == "function":
                try:
                    expected = [case.run(self.reference) for case in self.cases]
                except Exception:
                    expected = None
                for variant in (_xor_variants(self.reference) if expected else ()):
                    try:  # ^ in a loop condition may never end: give it a second
                        with _running.time_limit(1.0):
                            outputs = [case.run(variant) for case in self.cases]
                    except (Exception, TimeLimitExceeded):
                        continue
                    if any(compare(o, e, rtol=self.rtol, atol=self.atol) is not None
                           for o, e in zip(outputs, expected)):
                        variants.append(Mistake("^ instead of **", variant, _XOR_HINT))
            self._cache["xor"] = variants
        return self._cache["xor"]

    def _signature_text(self) -> str:
        """The reference's parameters as the statement gives them: ``(theta, grad, lr)``."""
        try:
            signature = inspect.signature(self.reference)
        except (TypeError, ValueError):
            return "(…)"
        plain = [p.replace(annotation=inspect.Parameter.empty)
                 for p in signature.parameters.values()]
        return str(signature.replace(parameters=plain,
                                     return_annotation=inspect.Signature.empty))


_XOR_HINT = N_("`^` is Python's bitwise XOR, not a power: `2 ^ 3` is 1, and on floats it "
             "raises a TypeError. Write powers with `**`, e.g. `x ** 2`, "
             "`decay_rate ** (step / decay_steps)`.")


@dataclass
class _Outcome:
    """What one run of a case with the learner's code gave."""

    value: Any = None
    error: BaseException | None = None
    own: bool = False  # the error was raised in (or through) the learner's code
    calls: list[Call] = field(default_factory=list)


class _Grading:
    """One check of one attempt: runs the cases, compares, picks the message and hint."""

    def __init__(self, exercise: Exercise, attempt: Any, limit: float | None) -> None:
        self.exercise = exercise
        self.attempt = attempt
        self.limit = limit
        self.captured = _running.Captured()
        watched: set[str] = set()
        for requirement in exercise.requirements:
            watched.update(requirement.watch or ())
        self.watched = watched
        self.calls: list[Call] = []
        try:
            self.names = list(inspect.signature(exercise.reference).parameters)
        except (TypeError, ValueError):
            self.names = []

    # ------------------------------------------------------------------ results
    def result(self, status: str, message: str, hint: str | None = None, *, level: int = 0,
               hint_label: str = "Hint", failure: str | None = None) -> CheckResult:
        return CheckResult(self.exercise.title, status, _sentence(message), hint, level,
                           hint_label, failure, self.captured.printed,
                           tuple(self.captured.warnings))

    def fail(self, message: str, key: str, named: str | None, *, nudge: str | None = None,
             formula: str | None = None, generic: bool = False) -> CheckResult:
        hint, level, label = _ladder(named, nudge, formula, self.exercise.history.seen(key),
                                     generic)
        return self.result(FAILED, message, hint, level=level, hint_label=label, failure=key)

    # ------------------------------------------------------------------ running
    def _tracked(self) -> Any:
        attempt, grading = self.attempt, self

        def tracked(*args, **kwargs):
            call = grading._new_call(args, kwargs)
            try:
                result = attempt(*args, **kwargs)
            except BaseException as exc:
                call.raised = exc
                raise
            call.result, call.returned = result, True
            return result

        try:
            functools.update_wrapper(tracked, attempt)
        except Exception:
            pass
        return tracked

    def _new_call(self, args: tuple, kwargs: dict) -> Call:
        arguments = {f"argument {i + 1}": value for i, value in enumerate(args)}
        for name, value in zip(self.names, args):
            arguments[name] = value
        arguments.update(kwargs)
        before = {}
        if self.watched:
            for name, value in arguments.items():
                if name.startswith("argument ") and self.names:
                    continue
                if "*" in self.watched or name in self.watched:
                    snapshot = _snapshot(value)
                    if snapshot is not _MISSING:
                        before[name] = snapshot
        call = Call(args, kwargs, arguments, before)
        self.calls.append(call)
        return call

    def run(self, case: Case) -> _Outcome:
        """Run ``case`` with the learner's code, under the time limit, capturing output."""
        self.calls = []
        target = self.attempt if self.exercise.kind == "class" else self._tracked()
        try:
            with self.captured.capture(), np.errstate(), _running.time_limit(self.limit):
                value = case.run(target)
            return _Outcome(value=value, calls=self.calls)
        except BaseException as exc:
            return _Outcome(error=exc, own=self._is_own(exc), calls=self.calls)

    def _is_own(self, exc: BaseException) -> bool:
        chain = _running.exception_chain(exc)
        escaped = {id(call.raised) for call in self.calls if call.raised is not None}
        return (any(id(link) in escaped for link in chain)
                or _running.learner_frame(exc) is not None)

    # ------------------------------------------------------------------ grading
    def grade(self) -> CheckResult:
        exercise = self.exercise
        if not callable(self.attempt):
            return self.fail(
                F_("Type: expected a {kind}, got {type}.", kind=_kind(exercise.kind),
                   type=_type_name(self.attempt)),
                "Type: not callable",
                F_("pass the {kind} itself (its name without parentheses) to the check.",
                   kind=_kind(exercise.kind)))
        outcomes = []
        for case in exercise.cases:
            outcomes.append(self.run(case))
            if outcomes[-1].error is not None:
                break
        else:
            if exercise.repeatable:
                outcomes.append(self.run(exercise.cases[0]))
        exercise._auto_mistakes()  # computed once, under its own time limit
        # Everything after the runs may still touch the learner's objects (comparing,
        # showing them), so it runs under the time limit too.
        try:
            with _running.time_limit(self.limit):
                return self._grade_outcomes(outcomes)
        except TimeLimitExceeded:
            return self.fail(
                F_("Time: comparing what your function returned with the expected result "
                   "took longer than {limit:g} s.", limit=self.limit), "time limit",
                N_("return plain values (NumPy arrays, numbers, tuples) as the exercise asks, "
                   "not objects of your own."))

    def _grade_outcomes(self, outcomes: list[_Outcome]) -> CheckResult:
        exercise = self.exercise
        for index, outcome in enumerate(outcomes):
            if outcome.error is not None:
                case = exercise.cases[index % len(exercise.cases)]
                again = index >= len(exercise.cases)
                return self._error_result(case, outcome, again)
        if exercise.repeatable:
            again = outcomes.pop()
            if self._compare(again.value, outcomes[0].value) is not None:
                return self.fail(
                    F_("Value: with {case}, two runs with the same inputs and the same seed "
                       "gave different results.", case=exercise.cases[0].description),
                    "Value: not repeatable",
                    N_("use the rng you are given (e.g. rng.permutation(n)): "
                       "np.random.default_rng() without a seed, or NumPy's global np.random "
                       "functions, give a different answer on every run, so nobody can repeat "
                       "your experiment."))
        return self._grade_values(outcomes)

    def _compare(self, actual: Any, expected: Any) -> Difference | None:
        return compare(actual, expected, rtol=self.exercise.rtol, atol=self.exercise.atol)

    def _grade_values(self, outcomes: list[_Outcome]) -> CheckResult:
        exercise = self.exercise
        outputs = [outcome.value for outcome in outcomes]
        expected = [case.run(exercise.reference) for case in exercise.cases]
        for case, outcome, output, wanted in zip(exercise.cases, outcomes, outputs, expected):
            problem = self._compare(output, wanted)
            if problem is None:
                continue
            broken = self._requirement_problem(case, outcome.calls, explaining=True)
            if broken is not None:
                return broken
            mistake = self._known_mistake(outputs)
            message = F_("{aspect}: with {case}, {message}", aspect=_aspect(problem.aspect),
                         case=case.description, message=problem.message)
            if mistake is not None:
                return self.fail(message, f"mistake: {mistake.name}", mistake.hint,
                                 nudge=mistake.nudge,
                                 formula=mistake.formula or exercise.formula)
            hint, pattern = self._generic_hint(problem, outputs, expected)
            key = problem.aspect + (f": {pattern}" if pattern else "")
            if problem.aspect == "Value":
                return self.fail(message, key, hint or _VALUE_NUDGE, formula=exercise.formula,
                                 generic=True)
            return self.fail(message, key, hint)
        for case, outcome in zip(exercise.cases, outcomes):
            broken = self._requirement_problem(case, outcome.calls)
            if broken is not None:
                return broken
        return self.result(PASSED, _f("All {count} cases match the reference.",
                                      count=len(exercise.cases)))

    def _requirement_problem(self, case: Case, calls: list[Call],
                             explaining: bool = False) -> CheckResult | None:
        for requirement in self.exercise.requirements:
            if explaining and not requirement.explains_failures:
                continue
            for call in calls:
                if not call.returned:
                    continue
                try:
                    problem = requirement.test(call)
                except Exception:
                    problem = None
                if problem:
                    return self.fail(F_("{aspect}: with {case}, {message}",
                                        aspect=_aspect(requirement.aspect),
                                        case=case.description, message=problem),
                                     f"requirement: {requirement.name}", requirement.hint)
        return None

    def _known_mistake(self, outputs: list[Any]) -> Mistake | None:
        exercise = self.exercise
        for mistake in (*exercise.mistakes, *exercise._auto_mistakes()):
            try:
                theirs = [case.run(mistake.implementation) for case in exercise.cases]
            except Exception:  # a mistake that cannot run on some case cannot be the answer
                continue
            if all(self._compare(mine, other) is None for mine, other in zip(outputs, theirs)):
                return mistake
        return None

    def _generic_hint(self, problem: Difference, outputs: list[Any],
                      expected: list[Any]) -> tuple[str | None, str | None]:
        """A hint for a wrong value no registered mistake explains: a flipped sign or a
        constant factor on every case (for real-valued answers), else the comparison's."""
        if problem.aspect != "Value":
            return problem.hint, None
        own = problem.hint
        if own == _SIGN_HINT or getattr(own, "template", None) == _FACTOR_HINT:
            own = None  # decided below, over every case and for the answer's kind
        problem = Difference(problem.aspect, problem.message, own, problem.path)
        kind = self.exercise._answer_kind(problem.path)
        pairs = []
        for out, want in zip(outputs, expected):
            a, e = _leaf(out, problem.path), _leaf(want, problem.path)
            a, e = _numbers(a), _numbers(e)
            if a is None or e is None or a.shape != e.shape:
                return problem.hint, None
            pairs.append((a, e))
        real = kind == "real" and all(_is_float_leaf(_leaf(w, problem.path)) for w in expected)
        if not pairs:
            return problem.hint, None
        rtol, atol = self.exercise.rtol, self.exercise.atol
        with np.errstate(all="ignore"):
            if kind in ("real", "integer") and all(
                    np.all(np.isfinite(a)) and np.allclose(a, -e, rtol=rtol, atol=atol)
                    for a, e in pairs) and any(np.any(np.abs(e) > atol) for _, e in pairs):
                return _SIGN_HINT, "sign"
            if real:
                factor = _common_factor(pairs, atol)
                if factor is not None:
                    return F_("the result is the expected one times {factor} on every case: "
                              "a constant factor is missing or extra (an average over n, a 2, "
                              "a learning rate).", factor=_factor_text(factor)), "factor"
        return problem.hint, None

    # ------------------------------------------------------------------ errors
    def _error_result(self, case: Case, outcome: _Outcome, again: bool = False) -> CheckResult:
        exc = outcome.error
        chain = _running.exception_chain(exc)
        where = (F_("with {case} (run a second time)", case=case.description) if again
                 else F_("with {case}", case=case.description))
        if any(isinstance(link, NotImplementedError) for link in chain):
            return self.result(NOT_ATTEMPTED, _NOT_ATTEMPTED_MESSAGE, _NOT_ATTEMPTED_HINT,
                               failure="not attempted")
        location = _location(exc)
        if any(isinstance(link, TimeLimitExceeded) for link in chain):
            message = (F_("Time: {where}, your function did not finish within {limit:g} s. "
                          "It was running {location}.", where=where, limit=self.limit,
                          location=location) if location else
                       F_("Time: {where}, your function did not finish within {limit:g} s.",
                          where=where, limit=self.limit))
            return self.fail(
                message, "time limit",
                N_("look for a loop that never ends: a `while` condition that stays true (is "
                   "its variable updated inside the loop?), or a counter that never reaches "
                   "its bound. Kernel → Interrupt stops a cell that runs too long."))
        if isinstance(exc, KeyboardInterrupt):
            return self.fail(F_("Interrupted: {where}, your function was interrupted before "
                                "it finished.", where=where), "interrupted",
                             N_("if it runs for ever, look for a loop that never ends."))
        if isinstance(exc, SystemExit):
            return self.fail(F_("Error: {where}, your code called exit() (SystemExit).",
                                where=where),
                             "error: SystemExit",
                             N_("return the result instead of calling exit(), quit() or "
                                "sys.exit(): they try to stop the whole kernel."))
        if not outcome.own:
            broken = self._requirement_problem(case, outcome.calls, explaining=True)
            if broken is not None:
                return broken
            returned = [call for call in outcome.calls if call.returned]
            signature = self._class_signature_problem(exc)
            if signature is not None:
                return signature
            fields = dict(where=where, kind=_kind(self.exercise.kind),
                          error=type(exc).__name__, text=_short(exc))
            if returned:
                message = F_("Type: {where}, what your {kind} returned could not be used: "
                             "{error}: {text}. It returned {type}.",
                             type=_type_name(returned[-1].result, shape=True), **fields)
            else:
                message = F_("Type: {where}, what your {kind} returned could not be used: "
                             "{error}: {text}.", **fields)
            return self.fail(
                message, "Type: unusable result",
                N_("return what the exercise's text asks for (a NumPy array, a number, a "
                   "tuple of them, a list, ...): print your result and its type() to see "
                   "what you return."))
        signature = self._signature_problem(exc, where)
        if signature is not None:
            return signature
        hint, key = _exception_hint(exc)
        fields = dict(where=where, error=type(exc).__name__, text=_short(exc))
        message = (F_("Error: {where}, your code raised {error}: {text}, {location}.",
                      location=location, **fields) if location else
                   F_("Error: {where}, your code raised {error}: {text}.", **fields))
        return self.fail(message, f"error: {key}", hint)

    def _signature_problem(self, exc: BaseException, where: str) -> CheckResult | None:
        """A TypeError from calling the learner's function with arguments it does not take
        (the call failed before any line of the function ran)."""
        chain = _running.exception_chain(exc)
        for call in self.calls:
            raised = call.raised
            if not isinstance(raised, TypeError) or not any(raised is link for link in chain):
                continue
            if _entered(raised):
                continue
            try:
                inspect.signature(self.attempt).bind(*call.args, **call.kwargs)
            except TypeError as mismatch:
                theirs = _signature_of(self.attempt)
                return self.fail(
                    F_("Signature: {where}, your function{theirs} cannot take the arguments "
                       "the check passes ({call}): {mismatch}.", where=where, theirs=theirs,
                       call=_describe_call(call), mismatch=mismatch),
                    "error: signature",
                    F_("check the arguments: the exercise's text gives the exact signature, "
                       "{signature} — the same names, in the same order.",
                       signature=self.exercise._signature_text()))
            except ValueError:  # no signature to inspect (a built-in): fall back to the message
                if _ARGUMENT_ERROR.search(_text(raised)):
                    return self.fail(
                        F_("Signature: {where}, your function cannot take the arguments "
                           "the check passes: {text}.", where=where, text=_short(raised)),
                        "error: signature",
                        F_("check the arguments: the exercise's text gives the exact "
                           "signature, {signature}.",
                           signature=self.exercise._signature_text()))
        return None

    def _class_signature_problem(self, exc: BaseException) -> CheckResult | None:
        """For a class: a TypeError raised where the check calls it or its methods."""
        if (self.exercise.kind == "class" and isinstance(exc, TypeError)
                and _ARGUMENT_ERROR.search(_text(exc))):
            return self.fail(
                F_("Signature: the check could not use your class as the exercise "
                   "describes it: {error}: {text}.", error=type(exc).__name__,
                   text=_short(exc)), "error: signature",
                F_("check the arguments of `__init__` and of the methods: the exercise's "
                   "text gives them exactly, `__init__{signature}` and its methods' "
                   "parameters, with the same names.",
                   signature=self.exercise._signature_text()))
        return None


#: The code of the wrapper around the learner's function (frames below it are theirs).
_TRACKED_CODE = next(const for const in _Grading._tracked.__code__.co_consts
                     if inspect.iscode(const) and const.co_name == "tracked")

_ARGUMENT_ERROR = re.compile(
    r"positional argument|keyword argument|required argument|takes no arguments"
    r"|multiple values for argument|takes \d+ .*given")
_SIGN_HINT = N_("the result has the opposite sign: gradient descent moves against the "
              "gradient (θ − lr·g), and a difference is taken in the order the formula gives.")


def _signature_of(attempt: Any) -> str:
    try:
        return f" {getattr(attempt, '__name__', '')}{inspect.signature(attempt)}".rstrip()
    except (TypeError, ValueError):
        return ""


def _entered(exc: BaseException) -> bool:
    """True if ``exc`` passed through a frame below the check's wrapper of the learner's
    function, i.e. some code of (or called by) the learner's function ran."""
    tb, below = exc.__traceback__, False
    while tb is not None:
        if below:
            return True
        below = tb.tb_frame.f_code is _TRACKED_CODE
        tb = tb.tb_next
    return False


def _describe_call(call: Call) -> str:
    count = len(call.args)
    positional = (F_("{count} positional argument", count=count) if count == 1 else
                  F_("{count} positional arguments", count=count))
    if call.kwargs:
        return F_("{positional} and keywords {names}", positional=positional,
                  names=", ".join(call.kwargs))
    return positional


def _location(exc: BaseException) -> str | None:
    """``"in cell In[5], line 3: `return a / b`"`` for the learner's line that raised."""
    frame = _running.learner_frame(exc)
    if frame is None:
        return None
    where = _running.describe_file(frame.filename)
    line = (frame.line or "").strip()
    if line:
        if len(line) > 120:
            line = line[:117] + "..."
        return F_("in {file}, line {number}: `{line}`", file=where, number=frame.lineno,
                  line=line)
    return F_("in {file}, line {number}", file=where, number=frame.lineno)


def _exception_hint(exc: BaseException) -> tuple[str, str]:
    """(hint, key) for an exception raised in the learner's code."""
    text = _text(exc)
    name = type(exc).__name__
    if isinstance(exc, TypeError) and ("for ^" in text or "bitwise_xor" in text):
        return _XOR_HINT, "xor"
    if isinstance(exc, NameError):
        return (N_("a name is not defined: run the cells above this one first, and check "
                "spelling.")), name
    if isinstance(exc, ValueError) and "core dimension" in text:
        return (N_("a matrix product (@) got shapes that do not fit: for A @ B the last axis "
                "of A must equal the first of B; print their .shape, a .T may be missing.")), \
            "matmul"
    if isinstance(exc, ValueError) and "broadcast" in text:
        return (N_("two arrays of different shapes were combined; print their .shape to see "
                "which.")), "broadcast"
    if isinstance(exc, TypeError) and "NoneType" in text:
        return (N_("a value is None: a function without `return` returns None. Print the "
                "values on that line to see which one.")), "None"
    if isinstance(exc, (TypeError, AttributeError)) and re.search(
            r"'list'|can't multiply sequence|can only concatenate list", text):
        return (N_("arithmetic on a Python list: lists do not compute element-wise. Convert "
                "with `np.asarray(...)` first.")), "list"
    if isinstance(exc, TypeError) and _ARGUMENT_ERROR.search(text):
        return (N_("a function called on that line got arguments it does not take: compare the "
                "call with how the exercise's text says that function is called.")), \
            "call arguments"
    if isinstance(exc, IndexError):
        return (N_("an index is out of range: an axis of length n has the indices 0 … n − 1. "
                "Print the array's .shape and the index.")), name
    if isinstance(exc, ZeroDivisionError):
        return (N_("a division by zero: print the denominator on that line; does a count "
                "start at 0?")), name
    if isinstance(exc, RecursionError):
        return N_("your function calls itself without end."), name
    if isinstance(exc, TypeError):
        return (N_("a value has a type this operation does not accept: print the values on "
                "that line and their type().")), name
    return N_("read the error message; run your function by hand on the inputs shown."), name


# =============================================================================
# Comparing outputs
# =============================================================================
@dataclass(frozen=True)
class Difference:
    """Why an output differs from the expected one: aspect (Type/Shape/Value), message, hint.

    ``path`` is where in a returned tuple the difference is: ``(1,)`` for returned value #2.
    """

    aspect: str
    message: str
    hint: str | None = None
    path: tuple = ()


def compare(actual: Any, expected: Any, *, rtol: float = 1e-7,
            atol: float = 1e-10) -> Difference | None:
    """Compare type, then shape, then value; return the first :class:`Difference` or None.

    Scalars of any real type (int, float, NumPy scalars, 0-d arrays) are interchangeable;
    an expected array must be answered with an array (a list is a type difference, so the
    learner is told to return ``np.asarray(...)``); tuples are compared element by element.
    Never raises: a value that cannot be compared is a type difference.
    """
    try:
        with np.errstate(all="ignore"):
            return _compare(actual, expected, rtol, atol, (), 0)
    except Exception as exc:
        return Difference(
            "Type", F_("the result ({type}) could not be compared with the expected one "
                       "({error}: {text}).", type=_type_name(actual), error=type(exc).__name__,
                       text=_short(exc)),
            N_("return what the exercise's text asks for: NumPy arrays, numbers, tuples of "
               "them."))


def _compare(actual: Any, expected: Any, rtol: float, atol: float, path: tuple,
             depth: int) -> Difference | None:
    if depth > 30:
        return Difference("Type", F_("the result is nested too deeply."), None, path)
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            if actual is None:
                return Difference("Type", F_("your code returned None."),
                                  N_("did you forget the `return` statement?"), path)
            return Difference(
                "Type", F_("expected a tuple of {count} values, got {type}.",
                           count=len(expected), type=_type_name(actual)),
                N_("return all the values the exercise asks for, e.g. `return theta, "
                   "velocity`."),
                path)
        actual = list(actual)
        if len(actual) != len(expected):
            return Difference("Type", F_("expected {count} returned values, got {got}.",
                                         count=len(expected), got=len(actual)),
                              N_("return exactly the values the exercise asks for, in that "
                                 "order."),
                              path)
        for index, (a, e) in enumerate(zip(actual, expected)):
            problem = _compare(a, e, rtol, atol, path + (index,), depth + 1)
            if problem is not None:
                message = (F_("returned value #{number}: {message}", number=index + 1,
                              message=problem.message) if depth == 0 else
                           F_("item #{number}: {message}", number=index + 1,
                              message=problem.message))
                return Difference(problem.aspect, message, problem.hint, problem.path)
        return None
    if expected is None:
        if actual is None:
            return None
        return Difference("Type", F_("expected None (no value), got {type}.",
                                     type=_type_name(actual)),
                          None, path)
    if actual is None:
        return Difference("Type", F_("your code returned None."),
                          N_("did you forget the `return` statement?"), path)
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(actual, (bool, np.bool_)):
            return Difference("Type", F_("expected True or False, got {type}.",
                                         type=_type_name(actual)),
                              N_("return a boolean, e.g. the result of a comparison."), path)
        if bool(actual) != bool(expected):
            return Difference("Value", F_("the result should be {expected} but is {actual}.",
                                          expected=bool(expected), actual=bool(actual)),
                              None, path)
        return None
    if _is_real_scalar(expected):
        if not _is_real_scalar(actual):
            return Difference("Type", F_("expected a number, got {type}.",
                                         type=_type_name(actual, shape=True)),
                              N_("return a single number (a float), not an array or a list."),
                              path)
        a, e = float(np.asarray(actual)), float(np.asarray(expected))
        if not _close(a, e, rtol, atol):
            shown_e, shown_a = _format_pair(np.asarray(e), np.asarray(a))
            if _is_integer_number(expected):
                shown_e = str(int(np.asarray(expected)))
            if _is_integer_number(actual):
                shown_a = str(int(np.asarray(actual)))
            return Difference("Value", F_("the result should be {expected} but is {actual}.",
                                          expected=shown_e, actual=shown_a),
                              _value_hint(np.asarray(a), np.asarray(e), rtol, atol), path)
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return Difference("Type", F_("expected a NumPy array, got {type}.",
                                         type=_type_name(actual)),
                              N_("return a NumPy array (np.asarray(...) converts a list)."), path)
        actual = np.ndarray.view(actual, np.ndarray)  # a subclass's own methods stay out
        if actual.dtype.kind not in "biuf" and expected.dtype.kind in "biuf":
            return Difference("Type", F_("expected an array of real numbers, got an array "
                                         "of dtype {dtype}.", dtype=actual.dtype),
                              _dtype_hint(actual.dtype), path)
        if actual.shape != expected.shape:
            return Difference("Shape", F_("the result should have shape {expected} but has "
                                          "shape {actual}.", expected=expected.shape,
                                          actual=actual.shape),
                              N_("check which axis each dimension belongs to; a transpose or "
                                 "a missing sum/mean over an axis changes the shape."), path)
        if expected.dtype.kind not in "biuf":
            return None if np.array_equal(actual, expected) else Difference(
                "Value", F_("the result should be {expected} but is {actual}.",
                            expected=_show(expected), actual=_show(actual)),
                None, path)
        if not np.all(np.isfinite(actual) | ~np.isfinite(expected)):
            return Difference("Value", F_("the result contains NaN or infinity."),
                              N_("look for a division by zero or a square root of a "
                                 "negative number."), path)
        bad = ~np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            shown_e, shown_a = _format_pair(expected, actual)
            digits = _digits_to_tell(expected, actual)
            fields = dict(expected=shown_e, actual=shown_a, count=int(bad.sum()),
                          size=bad.size, first_expected=_fmt(expected[index], digits),
                          first_actual=_fmt(actual[index], digits))
            if index:
                message = F_("the result should be {expected} but is {actual} ({count} of "
                             "{size} entries differ; first at index {index}: {first_expected} "
                             "expected, {first_actual} found).", index=index, **fields)
            else:
                message = F_("the result should be {expected} but is {actual} ({count} of "
                             "{size} entries differ; first: {first_expected} expected, "
                             "{first_actual} found).", **fields)
            return Difference("Value", message, _value_hint(actual, expected, rtol, atol), path)
        return None
    if isinstance(expected, str):
        if not isinstance(actual, str):
            return Difference("Type", F_("expected a text such as {expected}, got {type}.",
                                         expected=repr(expected), type=_type_name(actual)),
                              N_("return the text itself, e.g. `return 'noisy'`."), path)
        if str(actual) != expected:
            return Difference("Value", F_("the result should be {expected} but is {actual}.",
                                          expected=repr(expected), actual=_show(actual)),
                              None, path)
        return None
    equal = actual == expected  # other values: compared as they are
    if not isinstance(equal, (bool, np.bool_)):
        return Difference("Type", F_("expected {expected}, got {type}.",
                                     expected=_type_name(expected), type=_type_name(actual)),
                          None, path)
    if not equal:
        return Difference("Value", F_("the result should be {expected} but is {actual}.",
                                      expected=_show(expected), actual=_show(actual)),
                          None, path)
    return None


def _dtype_hint(dtype: np.dtype) -> str:
    if dtype.kind == "c":
        return N_("complex numbers came in: a square root or a fractional power of a "
                  "negative number, or np.sqrt of a complex value.")
    if dtype.kind == "O":
        return N_("an array of Python objects: are some entries None, or rows of different "
                  "lengths? np.asarray of such a list gives dtype object.")
    return N_("return an array of numbers (floats).")


def _value_hint(actual: np.ndarray, expected: np.ndarray, rtol: float,
                atol: float) -> str | None:
    """The comparison's own hint for one wrong value: a flipped sign, or a constant factor
    over several entries of one array (never for a single number: any two numbers have a
    ratio). :class:`Exercise` looks at every case before it gives either."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if np.all(np.isfinite(actual)) and np.allclose(actual, -expected, rtol=rtol, atol=atol) \
            and np.any(np.abs(expected) > atol):
        return _SIGN_HINT
    if expected.dtype.kind == "f" and expected.size > 1:
        factor = _common_factor([(actual, expected)], atol)
        if factor is not None:
            return F_("the result is the expected one times {factor}: a constant factor is "
                      "missing or extra (an average over n, a 2, a learning rate).",
                      factor=_factor_text(factor))
    return None


#: The template of :func:`_value_hint`'s factor hint (recognised by _generic_hint).
_FACTOR_HINT = ("the result is the expected one times {factor}: a constant factor is "
                "missing or extra (an average over n, a 2, a learning rate).")


def _common_factor(pairs: list[tuple[np.ndarray, np.ndarray]], atol: float) -> float | None:
    """The factor c with actual = c · expected on every entry of every pair, if there is
    one (over at least two nonzero entries, not ±1, between 1e-6 and 1e6)."""
    ratios = []
    for actual, expected in pairs:
        if not (np.all(np.isfinite(actual)) and np.all(np.isfinite(expected))):
            return None
        nonzero = np.abs(expected) > atol
        if not np.allclose(actual[~nonzero], 0, atol=atol):
            return None
        ratios.append(actual[nonzero] / expected[nonzero])
    ratios = np.concatenate([r.ravel() for r in ratios]) if ratios else np.empty(0)
    if ratios.size < 2:
        return None
    factor = float(ratios[0])
    if not np.allclose(ratios, factor, rtol=1e-9, atol=0):
        return None
    if not 1e-6 < abs(factor) < 1e6 or np.isclose(abs(factor), 1.0, rtol=1e-9):
        return None
    return factor


def _factor_text(factor: float) -> str:
    for denominator in range(1, 13):
        numerator = factor * denominator
        if abs(numerator - round(numerator)) < 1e-9 * max(1.0, abs(numerator)) and round(
                numerator) != 0:
            if denominator == 1:
                return f"{int(round(numerator))}"
            return f"{factor:.6g} (= {int(round(numerator))}/{denominator})"
    return f"{factor:.6g}"


def _leaf(value: Any, path: tuple) -> Any:
    for index in path:
        try:
            value = list(value)[index]
        except Exception:
            return _MISSING
    return value


def _numbers(value: Any) -> np.ndarray | None:
    """A float array of ``value`` if it is a real number or an array of real numbers."""
    if value is _MISSING or value is None or isinstance(value, (bool, np.bool_, str)):
        return None
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            return None
        return np.ndarray.view(value, np.ndarray).astype(float)
    if _is_real_scalar(value):
        try:
            return np.asarray(float(value))
        except Exception:
            return None
    return None


def _is_float_leaf(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f"
    return isinstance(value, (float, np.floating))


def _overlap(mine: Any, theirs: Any, rtol: float, atol: float, depth: int = 0) -> bool:
    """True if some value is within the tolerance of both ``mine`` and ``theirs``."""
    if depth > 30:
        return False
    if isinstance(theirs, (tuple, list)):
        return (isinstance(mine, (tuple, list)) and len(mine) == len(theirs)
                and all(_overlap(m, t, rtol, atol, depth + 1) for m, t in zip(mine, theirs)))
    m, t = _numbers(mine), _numbers(theirs)
    if m is not None and t is not None:
        if m.shape != t.shape:
            return False
        with np.errstate(all="ignore"):
            same = (np.isnan(m) & np.isnan(t)) | (m == t)
            near = np.abs(m - t) <= 2 * atol + rtol * (np.abs(m) + np.abs(t))
        return bool(np.all(same | near))
    return compare(mine, theirs, rtol=rtol, atol=atol) is None


def _is_real_scalar(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def _is_integer_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iu"
    return isinstance(value, (int, np.integer))


def _close(a: float, e: float, rtol: float, atol: float) -> bool:
    if math.isnan(e):
        return math.isnan(a)
    return bool(np.isclose(a, e, rtol=rtol, atol=atol))


# =============================================================================
# Showing values
# =============================================================================
_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxtuple = 8


def _text(exc: BaseException) -> str:
    """``str(exc)``, or "" if even that raises."""
    try:
        return str(exc)
    except Exception:
        return ""


def _short(exc: BaseException, limit: int = 300) -> str:
    text = _text(exc)
    if not text:
        return F_("(the error's message cannot be shown)")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _type_name(value: Any, shape: bool = False) -> str:
    """``"a list"``, ``"a NumPy array of shape (3,)"``; with ``shape``, a list's or tuple's
    shape too (``"a list of shape (2,)"``)."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        text = F_("a NumPy array of shape {shape}", shape=value.shape)
        if shape and value.shape:  # (as the messages have always said it)
            return F_("{type} of shape {shape}", type=text, shape=value.shape)
        return text
    name = type(value).__name__
    of = _shape_of(value) if shape else None
    if name[:1].lower() in "aeiou":
        return (F_("an {name} of shape {shape}", name=name, shape=of) if of else
                F_("an {name}", name=name))
    return (F_("a {name} of shape {shape}", name=name, shape=of) if of else
            F_("a {name}", name=name))


def _shape_of(value: Any) -> tuple | None:
    try:
        shape = np.shape(value) if isinstance(value, (list, tuple, np.ndarray)) else None
    except Exception:
        shape = None
    return shape or None


def _kind(kind: str) -> str:
    """"function" or "class", translated where the message is shown."""
    return {"function": F_("function"), "class": F_("class")}.get(kind, kind)


def _aspect(aspect: str) -> str:
    """How a message starts (``"Type"``, ``"Value"``, ...), translated where it is shown."""
    return _ASPECTS.get(aspect, aspect)


_ASPECTS = {"Type": F_("Type", "aspect"), "Shape": F_("Shape", "aspect"),
            "Value": F_("Value", "aspect"), "Inputs": F_("Inputs", "aspect"),
            "Requirement": F_("Requirement", "aspect")}


def _show(value: Any) -> str:
    """A short, safe text for any value (arrays with up to 12 entries shown in full)."""
    try:
        if isinstance(value, np.ndarray):
            return _fmt(np.ndarray.view(value, np.ndarray))
        if isinstance(value, (float, np.floating)):
            return _fmt(value)
        return _REPR.repr(value)
    except Exception:
        return F_("<{type} that cannot be shown>", type=_type_name(value))


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}g}"
    if not any(c in text for c in ".eni"):  # 1.0, not 1 (nan, inf, 1e-07 stay as they are)
        text += ".0"
    return text


def _fmt(value: Any, digits: int = 6) -> str:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return np.array2string(value, separator=", ", threshold=12,
                               formatter={"float_kind": lambda v: _number(v, digits)})
    if isinstance(value, (np.ndarray, np.floating, float)):
        return _number(float(value), digits)
    return str(value)


def _digits_to_tell(expected: Any, actual: Any) -> int:
    """The number of significant digits (6 to 17) at which every differing entry shows
    differently, so "should be 0.9 but is 0.9" cannot happen."""
    try:
        e = np.asarray(expected, dtype=float).ravel()
        a = np.asarray(actual, dtype=float).ravel()
    except Exception:
        return 6
    if e.shape != a.shape:
        return 6
    with np.errstate(invalid="ignore"):
        differ = np.flatnonzero(~((e == a) | (np.isnan(e) & np.isnan(a))))[:50]
    for digits in range(6, 18):
        if all(_number(e[i], digits) != _number(a[i], digits) for i in differ):
            return digits
    return 17


def _format_pair(expected: Any, actual: Any) -> tuple[str, str]:
    digits = _digits_to_tell(expected, actual)
    return _fmt(expected, digits), _fmt(actual, digits)


# =============================================================================
# Requirement helpers
# =============================================================================
def _snapshot(value: Any) -> Any:
    """A copy of an argument to compare with after the call (arrays, lists, dicts)."""
    try:
        if isinstance(value, np.ndarray):
            return np.array(value, copy=True)
        if isinstance(value, (list, dict, tuple)):
            return copy.deepcopy(value)
    except Exception:
        return _MISSING
    return _MISSING


def _same_content(before: Any, after: Any) -> bool:
    try:
        if isinstance(before, np.ndarray):
            return (isinstance(after, np.ndarray) and before.shape == after.shape
                    and before.dtype == after.dtype
                    and bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")))
        if isinstance(before, (list, tuple)):
            return (type(before) is type(after) and len(before) == len(after)
                    and all(_same_content(b, a) for b, a in zip(before, after)))
        if isinstance(before, dict):
            return (isinstance(after, dict) and before.keys() == after.keys()
                    and all(_same_content(before[k], after[k]) for k in before))
        equal = before == after
        return bool(equal) if isinstance(equal, (bool, np.bool_)) else False
    except Exception:
        return False


def _all_integers(value: Any, depth: int = 0) -> bool:
    if depth > 30 or isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, np.integer)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iu"
    if isinstance(value, (list, tuple)):
        return all(_all_integers(v, depth + 1) for v in value)
    return False


def _integer_problem(value: Any, depth: int = 0) -> str:
    if isinstance(value, (bool, np.bool_)):
        return F_("it is a boolean ({value})", value=value)
    if isinstance(value, np.ndarray):
        return F_("it is an array of dtype {dtype}", dtype=value.dtype)
    if isinstance(value, (list, tuple)) and depth < 30:
        for item in value:
            if not _all_integers(item, depth + 1):
                if isinstance(item, np.ndarray):
                    return F_("it contains {type} of dtype {dtype}", type=_type_name(item),
                              dtype=item.dtype)
                return F_("it contains {type} ({value})", type=_type_name(item),
                          value=_show(item))
        return F_("it is not")
    return F_("it is {type} ({value})", type=_type_name(value), value=_show(value))


# =============================================================================
# ``^`` instead of ``**``
# =============================================================================
def _xor_variants(function: Any) -> list[Callable]:
    """Copies of ``function`` with one ``**`` typed as ``^`` each, and all of them at once.

    The substitution is made in the source text, so the copies also get ``^``'s lower
    precedence, as a learner's code would: ``3 ** k + k`` becomes ``3 ^ (k + k)``.
    Empty when the source is not available, the function is a closure, or it has no ``**``.
    """
    if not inspect.isfunction(function) or function.__code__.co_freevars:
        return []
    try:
        source = textwrap.dedent(inspect.getsource(function))
        filename = inspect.getsourcefile(function) or "<gdcourse variant>"
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except Exception:
        return []
    powers, previous = [], None
    for index, token in enumerate(tokens):
        if token.type == tokenize.OP and token.string in ("**", "**=") and previous is not None \
                and (previous.type in (tokenize.NUMBER, tokenize.STRING)
                     or previous.type == tokenize.NAME and not keyword.iskeyword(previous.string)
                     or previous.string in (")", "]", "}")):
            powers.append(index)  # a binary power, not ** unpacking
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT,
                              tokenize.INDENT, tokenize.DEDENT):
            previous = token
    selections = [{i} for i in powers] + ([set(powers)] if len(powers) > 1 else [])
    variants = []
    for selection in selections:
        changed = [token._replace(string=token.string.replace("**", "^"))
                   if index in selection else token for index, token in enumerate(tokens)]
        try:
            tree = ast.parse(tokenize.untokenize(changed))
            definition = tree.body[0]
            if not isinstance(definition, ast.FunctionDef):
                continue
            definition.decorator_list = []
            definition.returns = None
            for argument in ast.walk(definition.args):
                if isinstance(argument, ast.arg):
                    argument.annotation = None
            code = compile(ast.fix_missing_locations(tree), filename, "exec")
            namespace: dict[str, Any] = {}
            exec(code, function.__globals__, namespace)  # noqa: S102 -- our own reference's source
            variant = namespace[definition.name]
        except Exception:
            continue
        variant.__defaults__ = function.__defaults__
        variant.__kwdefaults__ = function.__kwdefaults__
        variants.append(variant)
    return variants
