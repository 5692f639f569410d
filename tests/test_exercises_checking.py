"""The check machinery itself (gdcourse/exercises/_checking.py and _running.py).

One section per promise: a check never raises; a hanging function is stopped; a learner's
exception is shown with the learner's line; hints name the mistake (and only it); values
are shown with the digits that tell them apart; hints get more specific when a failure
comes back; requirements of the statement are checked; the result box renders well.
Most tests use small exercises made here, so they do not depend on the course's.
"""

from __future__ import annotations

import inspect
import math
import re
import signal
import sys
import threading
import time

import numpy as np
import pytest

from gdcourse import exercises
from gdcourse.exercises import (Case, CheckResult, Exercise, Mistake, Requirement, _running,
                                compare, integer_output, list_output, same_shape)

EX = exercises.EXERCISES


def _line_of(function, text):
    """The line number of the first source line of ``function`` containing ``text``."""
    lines, start = inspect.getsourcelines(function)
    return start + next(i for i, line in enumerate(lines) if text in line)


# --------------------------------------------------------------------------- small exercises
def _double(x):
    return 2.0 * x


def _double_case(values):
    return Case(f"x={values}", lambda impl: impl(np.array(values, dtype=float)))


def _exercise(**kwargs):
    settings = dict(title="double", reference=_double,
                    cases=(_double_case([1.0, -2.0]), _double_case([0.5, 3.0, 4.0])))
    settings.update(kwargs)
    return Exercise(**settings)


# =============================================================================
# 1. A check never raises
# =============================================================================
def test_gd_step_wrong_array_that_is_no_known_mistake_does_not_crash():
    # The crash the mutation test found: the "in place, no return" mistake outputs None,
    # and comparing a learner's array with None raised "truth value ... is ambiguous".
    result = exercises.check_gd_step(lambda theta, grad, lr: theta - 2 * lr * grad)
    assert result.status == "failed" and result.message.startswith("Value:")
    assert result.failure == "Value"


def test_epoch_batches_error_in_the_repeated_run_is_feedback():
    # The second crash: check_epoch_batches re-ran a case outside the error handling.
    # Every case calls the function twice; the call after them all is the re-run.
    calls = []
    rerun = 2 * len(EX["epoch_batches"].cases) + 1

    def epoch_batches(n, batch_size, rng):
        calls.append(1)
        if len(calls) == rerun:
            raise RuntimeError("only on the re-run")
        order = rng.permutation(n)
        return [order[s:s + batch_size] for s in range(0, n, batch_size)]

    result = exercises.check_epoch_batches(epoch_batches)
    assert result.status == "failed"
    assert "RuntimeError: only on the re-run" in result.message
    assert "(run a second time)" in result.message


class _SubArray(np.ndarray):
    def __eq__(self, other):
        raise TypeError("a subclass that refuses ==")


class _Evil:
    def __eq__(self, other):
        raise ValueError("no comparing me")

    __hash__ = object.__hash__

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array of me")

    def __len__(self):
        raise RuntimeError("no length")

    def __repr__(self):
        raise RuntimeError("no repr")


@pytest.mark.parametrize("value", [
    _Evil(), [_Evil()], (_Evil(), 1.0), np.array([None, 1], dtype=object),
    np.array(["a", "b"]), np.array([1 + 2j, 3j]), np.ma.masked_array([1.0, 2.0], mask=[0, 1]),
    np.array([[1.0, 2.0]]).view(_SubArray), [[1.0], [2.0, 3.0]], (x for x in range(3)),
    {"a": 1}, "text",
    float("nan"), np.float32(1.5), 10**400, None, True, 1j, Ellipsis,
])
def test_compare_never_raises(value):
    for expected in (np.array([1.0, 2.0]), 2.0, (np.ones(2), 1.0), "noisy", None, True, 3):
        difference = compare(value, expected)
        assert difference is None or difference.message


def test_a_bug_in_the_check_itself_becomes_an_internal_result():
    def broken_reference(x):
        raise KeyError("the reference is broken")

    exercise = _exercise(reference=broken_reference)
    result = exercise.check(_double)
    assert result.status == "failed" and result.failure == "internal"
    assert "bug in gdcourse" in result.message
    assert exercise.validate() == ["the reference raises KeyError: 'the reference is broken'"]


def test_check_restores_signals_streams_tracing_and_numpy_settings():
    before = (signal.getsignal(signal.SIGINT), getattr(signal, "SIGALRM", None)
              and signal.getsignal(signal.SIGALRM), sys.stdout, sys.stderr, sys.gettrace(),
              np.geterr())

    def rude(theta, grad, lr):
        sys.stdout = None
        np.seterr(all="raise")
        print("lost", file=sys.stderr)
        return theta - lr * grad

    assert exercises.check_gd_step(rude).passed
    after = (signal.getsignal(signal.SIGINT), getattr(signal, "SIGALRM", None)
             and signal.getsignal(signal.SIGALRM), sys.stdout, sys.stderr, sys.gettrace(),
             np.geterr())
    assert after == before


def test_exit_and_keyboard_interrupt_become_feedback():
    def leaves(theta, grad, lr):
        sys.exit(3)

    def interrupted(theta, grad, lr):
        raise KeyboardInterrupt

    assert "exit()" in exercises.check_gd_step(leaves).message
    assert exercises.check_gd_step(interrupted).failure == "interrupted"


def test_printing_is_captured_and_shown_with_the_result(capsys):
    def chatty(theta, grad, lr):
        print("theta is", theta)
        print("debug" * 1000)
        return theta - lr * grad

    result = exercises.check_gd_step(chatty)
    assert capsys.readouterr() == ("", "")
    assert result.passed and result.printed.startswith("theta is [ 1. -2.]")
    assert "more characters not shown" in result.printed
    assert "Your code printed:" in str(result) and "<pre" in result._repr_html_()


# =============================================================================
# 2. A time limit
# =============================================================================
def _spin(theta, grad, lr):
    while True:
        pass


def test_hanging_function_is_stopped_and_reported_in_plain_words():
    start = time.monotonic()
    result = EX["gd_step"].check(_spin, time_limit=0.5)
    elapsed = time.monotonic() - start
    assert elapsed < 2.0
    assert result.status == "failed" and result.failure == "time limit"
    assert "did not finish within 0.5 s" in result.message
    lines = (_line_of(_spin, "while"), _line_of(_spin, "pass"))  # where it was running
    assert any(f"line {n}:" in result.message for n in lines), result.message
    assert "loop that never ends" in result.hint


def test_sleeping_function_is_stopped_on_posix():
    if _running.default_mechanism() != "signal":
        pytest.skip("SIGALRM and pthread_kill are POSIX only")

    def sleeper(theta, grad, lr):
        time.sleep(60)

    start = time.monotonic()
    result = EX["gd_step"].check(sleeper, time_limit=0.3)
    assert time.monotonic() - start < 2.0 and result.failure == "time limit"


def test_a_swallowed_time_limit_is_signalled_again():
    def stubborn(theta, grad, lr):
        try:
            while True:
                pass
        except BaseException:  # noqa: B036 -- a learner's bare except
            pass
        while True:
            pass

    start = time.monotonic()
    result = EX["gd_step"].check(stubborn, time_limit=0.3)
    assert time.monotonic() - start < 2.5 and result.failure == "time limit"


@pytest.mark.parametrize("mechanism", ["interrupt", "trace"])
def test_other_mechanisms_stop_a_python_loop(mechanism):
    # "interrupt" is what Windows uses (no pthread_kill); "trace" is for other threads.
    start = time.monotonic()
    with pytest.raises(_running.TimeLimitExceeded):
        with _running.time_limit(0.3, mechanism=mechanism) as used:
            assert used == mechanism
            _spin(None, None, None)  # a new frame: settrace traces frames entered later
    assert time.monotonic() - start < 2.0


def test_outside_the_main_thread_the_trace_mechanism_is_used():
    found = {}

    def worker():
        found["mechanism"] = _running.default_mechanism()
        found["result"] = EX["gd_step"].check(_spin, time_limit=0.3)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert found["mechanism"] == "trace" and found["result"].failure == "time limit"


def test_no_limit_means_no_mechanism():
    with _running.time_limit(None) as used:
        assert used == "none"
    with _running.time_limit(0) as used:
        assert used == "none"


def test_many_limits_that_expire_just_as_the_code_finishes_never_kill_the_process():
    # A SIGALRM still pending when the default action is restored would end the process.
    for i in range(150):
        try:
            with _running.time_limit(0.002):
                time.sleep(0.002 + (i % 3) * 0.0005)
        except _running.TimeLimitExceeded:
            pass
    assert True  # still alive


def test_time_limit_and_line_report_in_a_real_jupyter_kernel():
    jupyter_client = pytest.importorskip("jupyter_client")
    manager, client = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        def run(code):
            outputs = []
            reply = client.execute_interactive(
                code, timeout=60, output_hook=lambda msg: outputs.append(msg))
            assert reply["content"]["status"] == "ok", reply["content"]
            text = ""
            for msg in outputs:
                content = msg["content"]
                if msg["msg_type"] == "stream":
                    text += content["text"]
                elif msg["msg_type"] in ("execute_result", "display_data"):
                    text += content["data"].get("text/plain", "")
                elif msg["msg_type"] == "error":
                    text += "TRACEBACK " + content["ename"]
            return text

        run("import time\nfrom gdcourse.exercises import EXERCISES\n")
        run("def spin(theta, grad, lr):\n    while True:\n        pass\n")
        text = run("t = time.monotonic()\nr = EXERCISES['gd_step'].check(spin, time_limit=1)\n"
                   "print(round(time.monotonic() - t, 1), r.failure)\nr")
        seconds, failure = text.split("\n")[0].split(" ", 1)
        assert float(seconds) < 3 and failure == "time limit", text
        assert "did not finish within 1 s" in text and "TRACEBACK" not in text
        assert re.search(r"cell In\[\d+\], line (2: `while True:`|3: `pass`)", text), text
        run("def broken(theta, grad, lr):\n    scale = 1 / 0\n    return theta\n")
        text = run("EXERCISES['gd_step'].check(broken)")
        assert re.search(r"ZeroDivisionError: division by zero, in cell In\[\d+\], line 2: "
                         r"`scale = 1 / 0`", text), text
        assert "TRACEBACK" not in text
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# =============================================================================
# 3. The learner's line
# =============================================================================
def _helper_that_fails(x):
    return x["key"]  # a TypeError raised one call below the learner's function


def _calls_helper(theta, grad, lr):
    return _helper_that_fails(theta)


def test_exception_names_the_learners_line_not_the_machinery():
    result = exercises.check_gd_step(_calls_helper)
    assert result.failure == "error: IndexError" or result.failure.startswith("error:")
    assert f"line {_line_of(_helper_that_fails, 'x[')}" in result.message
    assert "`return x[\"key\"]" in result.message
    assert "test_exercises_checking.py" in result.message
    assert "_checking.py" not in result.message.replace("test_exercises_checking.py", "")


def test_exception_inside_numpy_points_at_the_learners_call():
    def transposed(theta, grad, lr):
        return np.ones((2, 3)) @ np.ones((2, 3))

    result = exercises.check_gd_step(transposed)
    assert "last axis" in result.hint
    assert f"line {_line_of(transposed, '@')}" in result.message


def test_the_case_explanation_of_an_error_is_kept():
    # gradients.py re-raises a matmul error with the shapes; the learner's line stays.
    def wrong(X, y, w, b):
        r = X @ w + b - y
        return 2 / len(y) * (X @ r), 0.0

    result = exercises.check_linear_regression_gradient(wrong)
    assert "Xᵀ r has the shape of w" in result.message
    assert f"line {_line_of(wrong, 'X @ r')}" in result.message


# =============================================================================
# 4. Hints that name the mistake
# =============================================================================
def test_constant_factor_hint_needs_the_same_factor_on_every_case():
    result = EX["xavier_uniform_bound"].check(
        lambda fan_in, fan_out, gain=1.0: 2 * gain * math.sqrt(6 / (fan_in + fan_out)))
    assert result.failure == "Value: factor" and "times 2" in result.hint
    # One case off by a factor, the others right: no factor hint.
    result = _exercise().check(lambda x: 2 * x * (3 if len(x) == 2 else 1))
    assert result.failure == "Value" and "factor" not in result.hint


@pytest.mark.parametrize("name, attempt", [
    ("range_test_stop", lambda losses, smoothing=0.98, diverge_factor=4.0:
        int(len(losses) * 0.9)),
    ("fan_in_and_fan_out", lambda shape: (2 * shape[1] * math.prod(shape[2:]),
                                          2 * shape[0] * math.prod(shape[2:]))),
])
def test_no_constant_factor_hint_for_counts_and_integers(name, attempt):
    result = EX[name].check(attempt)
    assert result.status == "failed"
    assert "constant factor" not in (result.hint or ""), str(result)


@pytest.mark.parametrize("kind", ["count", "index", "choice", "integer", "boolean", "label"])
def test_declared_answer_kind_switches_the_factor_hint_off(kind):
    result = _exercise(answer=kind).check(lambda x: 3 * x)
    assert "constant factor" not in (result.hint or "")
    assert "constant factor" in _exercise().check(lambda x: 3 * x).hint


def test_unknown_answer_kind_is_rejected():
    with pytest.raises(ValueError, match="answer kind"):
        _exercise(answer="fraction")


def test_answer_kind_per_returned_value():
    exercise = _exercise(reference=lambda x: (2.0 * x, 2.0 * x), answer=("real", "count"))
    assert "constant factor" in exercise.check(lambda x: (6 * x, 2 * x)).hint
    assert "constant factor" not in (exercise.check(lambda x: (2 * x, 6 * x)).hint or "")


def test_xor_on_floats_gets_the_xor_hint_not_the_signature_hint():
    result = exercises.check_exponential_decay(
        lambda step, initial_lr, decay_steps, decay_rate, staircase=False:
            initial_lr * decay_rate ^ (step / decay_steps))
    assert result.failure == "error: xor" and "XOR" in result.hint
    assert "signature" not in result.hint
    # NumPy's message for float arrays is another one.
    result = exercises.check_gd_step(lambda theta, grad, lr: theta - lr * grad ^ 2)
    assert result.failure == "error: xor" and "bitwise_xor" in result.message


def _int_power(k):
    return 3 ** k + k


def test_xor_on_integers_is_recognised_from_the_reference():
    exercise = Exercise("powers", _int_power,
                        (Case("k=2", lambda impl: impl(2)), Case("k=5", lambda impl: impl(5))))
    result = exercise.check(lambda k: 3 ^ k + k)
    assert result.failure == "mistake: ^ instead of **" and "XOR" in result.hint
    assert exercise.check(_int_power).passed


def test_signature_hint_only_for_a_signature_mismatch():
    result = exercises.check_gd_step(lambda theta, lr: theta)
    assert result.failure == "error: signature"
    assert "(theta, grad, lr)" in result.hint and "too many positional" in result.message
    # A keyword the function does not take: numerical_gradient is called with h=...
    result = exercises.check_numerical_gradient(lambda f, theta, step=1e-5: theta)
    assert result.failure == "error: signature" and "'h'" in result.message

    def inside(theta, grad, lr):
        return len(lr)  # a TypeError inside the learner's own code

    result = exercises.check_gd_step(inside)
    assert result.failure == "error: TypeError" and "signature" not in result.hint
    assert f"line {_line_of(inside, 'len(lr)')}" in result.message


def test_wrong_call_of_a_given_function_is_not_a_signature_mismatch():
    def gradient_descent(grad, theta0, lr, tol, max_steps):
        return grad(theta0, lr), 0  # grad takes one argument

    result = exercises.check_gradient_descent(gradient_descent)
    assert result.failure == "error: call arguments"
    assert "signature" not in result.hint


def test_class_with_wrong_init_gets_the_signature_hint():
    class Plateau:
        def __init__(self, lr):
            self.lr = lr

        def step(self, metric):
            return self.lr

    result = exercises.check_plateau_scheduler(Plateau)
    assert result.failure == "error: signature" and "__init__" in result.hint


def test_none_inside_the_learners_code_gets_its_own_hint():
    def forgot(theta, grad, lr):
        step = None
        return theta - step

    result = exercises.check_gd_step(forgot)
    assert result.failure == "error: None" and "without `return`" in result.hint


# The framework guard: a mistake must be separated from the reference.
def test_validate_finds_a_mistake_that_equals_the_reference():
    exercise = _exercise(mistakes=(Mistake("same", lambda x: x + x, "never right"),))
    assert any("agrees with the reference" in p for p in exercise.validate())


def test_validate_finds_a_mistake_within_twice_the_tolerance_on_a_case():
    exercise = _exercise(mistakes=(
        Mistake("close", lambda x: 2.0 * x * (1 + 1.5e-7 * (len(x) == 2)) + 10.0 * (len(x) == 3),
                "close on one case"),))
    problems = exercise.validate()
    assert any("less than twice the tolerance" in p for p in problems), problems


def test_validate_finds_a_shadowed_and_a_raising_mistake():
    exercise = _exercise(mistakes=(
        Mistake("triple", lambda x: 3.0 * x, "first"),
        Mistake("triple again", lambda x: x * 3.0, "second"),
        Mistake("raises", lambda x: x[5], "never given"),
    ))
    problems = " ".join(exercise.validate())
    assert "'triple again' is shadowed by 'triple'" in problems
    assert "'raises' raises IndexError" in problems


@pytest.mark.parametrize("name", sorted(EX))
def test_registered_exercises_are_valid(name):
    assert EX[name].validate() == []


# =============================================================================
# 5. Values with enough digits
# =============================================================================
def test_values_are_shown_with_the_digits_that_tell_them_apart():
    expected = np.array([0.9, -1.9, 0.4])
    actual = expected + np.array([3e-7, 0.0, 0.0])
    difference = compare(actual, expected, rtol=1e-9, atol=0)
    shown = re.search(r"should be (\[.*?\]) but is (\[.*?\])", difference.message)
    assert shown.group(1) != shown.group(2), difference.message
    assert "0.9000003" in shown.group(2) and "0.9 expected" in difference.message
    difference = compare(2.0000001, 2.0, rtol=1e-9, atol=0)
    assert "should be 2.0 but is 2.0000001" in difference.message


def test_few_digits_when_few_are_needed():
    difference = compare(np.array([1.0, 2.5]), np.array([1.0, 2.0]))
    assert "should be [1.0, 2.0] but is [1.0, 2.5]" in difference.message
    assert "should be 38 but is 36" in EX["range_test_stop"].check(
        lambda losses, smoothing=0.98, diverge_factor=4.0: 36).message


# =============================================================================
# 6. Progressive hints
# =============================================================================
def _ladder_exercise():
    return _exercise(
        mistakes=(Mistake("triple", lambda x: 3.0 * x, "multiply by 2, not 3.",
                          nudge="look at the factor.", formula="f(x) = 2x"),),
        formula="f(x) = 2·x")


def test_the_same_mistake_again_gets_a_more_specific_hint():
    exercise = _ladder_exercise()
    hints = [exercise.check(lambda x: 3 * x) for _ in range(4)]
    assert [r.hint for r in hints] == [
        "look at the factor.", "multiply by 2, not 3.",
        "multiply by 2, not 3. The formula: f(x) = 2x",
        "multiply by 2, not 3. The formula: f(x) = 2x"]
    assert [r.level for r in hints] == [0, 1, 2, 2]
    assert hints[1].hint_label == "Hint (more specific)"
    assert "Hint (with the formula):" in str(hints[2])
    assert exercise.history.count("mistake: triple") == 4


def test_other_failures_count_separately_and_passing_starts_afresh():
    exercise = _ladder_exercise()
    assert exercise.check(lambda x: 3 * x).level == 0
    generic = exercise.check(lambda x: x + 1)            # no known mistake
    assert generic.level == 0 and "The formula:" not in generic.hint
    again = exercise.check(lambda x: x + 2)
    assert again.level == 1 and again.hint.endswith("The formula: f(x) = 2·x")
    assert exercise.check(lambda x: 3 * x).level == 1
    assert exercise.check(_double).passed and len(exercise.history) == 0
    assert exercise.check(lambda x: 3 * x).level == 0


def test_history_belongs_to_the_exercise_and_can_be_reset():
    first, second = _ladder_exercise(), _ladder_exercise()
    first.check(lambda x: 3 * x)
    assert second.check(lambda x: 3 * x).level == 0
    first.reset_hints()
    assert first.check(lambda x: 3 * x).level == 0


def test_a_mistake_without_nudge_names_itself_at_once():
    exercise = _exercise(mistakes=(Mistake("triple", lambda x: 3.0 * x, "multiply by 2."),))
    result = exercise.check(lambda x: 3 * x)
    assert result.hint == "multiply by 2." and result.level == 0
    again = exercise.check(lambda x: 3 * x)
    assert again.hint == "multiply by 2." and again.level == 1


# =============================================================================
# 7. Requirements
# =============================================================================
def _in_place_step(theta, grad, lr):
    theta -= lr * grad
    return theta


def test_inputs_changed_where_the_statement_says_new_array():
    result = exercises.check_gd_step(_in_place_step)
    assert result.failure == "requirement: inputs unchanged"
    assert "changed its argument `theta`" in result.message and "new array" in result.hint


def test_theta0_modified_by_gradient_descent():
    def gradient_descent(grad, theta0, lr, tol, max_steps):
        theta = theta0
        for t in range(max_steps):
            g = grad(theta)
            if np.linalg.norm(g) <= tol:
                return theta, t
            theta -= lr * g
        return theta, max_steps

    result = exercises.check_gradient_descent(gradient_descent)
    assert result.failure == "requirement: inputs unchanged" and "theta0" in result.message


def test_momentum_step_must_return_new_arrays():
    def momentum_step(theta, buf, grad, lr, momentum):
        buf *= momentum
        buf += grad
        return theta - lr * buf, buf

    result = exercises.check_momentum_step(momentum_step)
    assert result.failure == "requirement: inputs unchanged" and "`buf`" in result.message


def test_epoch_batches_must_be_a_list_of_integer_arrays():
    def generator(n, batch_size, rng):
        order = rng.permutation(n)
        return (order[s:s + batch_size] for s in range(0, n, batch_size))

    def floats(n, batch_size, rng):
        order = rng.permutation(n) * 1.0
        return [order[s:s + batch_size] for s in range(0, n, batch_size)]

    result = exercises.check_epoch_batches(generator)
    assert result.failure == "requirement: list output" and "generator" in result.message
    result = exercises.check_epoch_batches(floats)
    assert result.failure == "requirement: integer output" and "float64" in result.message


def test_fans_must_be_integers():
    from gdcourse.init import calculate_fan_in_and_fan_out

    def fans(shape):
        fan_in, fan_out = calculate_fan_in_and_fan_out(np.empty(shape))
        return float(fan_in), float(fan_out)

    result = exercises.check_fan_in_and_fan_out(fans)
    assert result.failure == "requirement: integer output"


def test_same_shape_requirement_explains_a_flattened_result():
    exercise = _exercise(cases=(_double_case([[1.0, 2.0], [3.0, 4.0]]),),
                         requirements=(same_shape("x"),))
    result = exercise.check(lambda x: 2 * x.ravel())
    assert result.failure == "requirement: same shape"
    assert "shape of `x`, (2, 2), but has shape (4,)" in result.message
    assert "zeros_like" in result.hint


def test_custom_requirement_and_its_order():
    positive = Requirement("returns an array", "return an array.",
                           lambda call: None if isinstance(call.result, np.ndarray)
                           else "not an array")
    exercise = _exercise(requirements=(positive, list_output(), integer_output()),
                         reference=lambda x: (2 * x).astype(int))
    assert exercise.check(lambda x: (2 * x).astype(int)).passed
    assert exercise.check(lambda x: 2 * x).failure == "requirement: integer output"


def test_requirements_hold_for_every_reference():
    for name, exercise in EX.items():
        assert exercise.check(exercise.reference).passed, name


# =============================================================================
# 8. The result box
# =============================================================================
def test_not_attempted_box_renders_code_and_starts_in_upper_case():
    def stub(theta, grad, lr):
        raise NotImplementedError

    result = exercises.check_gd_step(stub)
    html = result._repr_html_()
    assert "<code>raise NotImplementedError</code>" in html and "`" not in html
    body = re.findall(r"<div style='margin-top:0.3em'>(?:<b>[^<]*</b> )?(.)", html)
    assert body and all(c.isupper() for c in body), body
    text = str(result)
    assert "<" not in text and "Hint: Replace `raise NotImplementedError`" in text
    assert text.split(": ", 1)[1][0].isupper()


def _luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _over(colour, alpha, background):
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(colour, background))


def _mix(status, share, text, text_alpha):
    """CSS color-mix(in srgb, status share, text) with premultiplied alpha."""
    rest = 1 - share
    alpha = share + rest * text_alpha
    return tuple((share * s + rest * text_alpha * t) / alpha
                 for s, t in zip(status, text)), alpha


@pytest.mark.parametrize("status", ["passed", "failed", "not attempted"])
def test_heading_contrast_in_jupyterlab_light_and_dark(status):
    html = CheckResult("demo", status, "message", "hint")._repr_html_()
    match = re.search(r"<b style='color:inherit;color:color-mix\(in srgb, #(\w{6}) (\d+)%, "
                      r"currentColor\)'>", html)
    assert match, html
    status_rgb = tuple(int(match.group(1)[i:i + 2], 16) for i in (0, 2, 4))
    share = int(match.group(2)) / 100
    assert "background:#" + match.group(1) + "14" in html
    # JupyterLab light: text rgba(0,0,0,.87) on white; dark: #fff on #111 (its themes'
    # --jp-content-font-color1 and --jp-layout-color0); the box adds 8 % of the status colour.
    for page, text, text_alpha in (((255, 255, 255), (0, 0, 0), 0.87),
                                   ((17, 17, 17), (255, 255, 255), 1.0)):
        background = _over(status_rgb, 0x14 / 255, page)
        colour, alpha = _mix(status_rgb, share, text, text_alpha)
        assert _contrast(_over(colour, alpha, background), background) >= 4.5
        # The body text is the theme's own text colour on the same background.
        assert _contrast(_over(text, text_alpha, background), background) >= 4.5


def test_plain_text_result_keeps_the_status_in_words():
    result = CheckResult("demo", "failed", "value: wrong.", "fix `it`", warnings=("W",))
    assert str(result) == "✘ Not yet — demo: Value: wrong.\nHint: Fix `it`\n" \
                          "Warnings from your code: W"
    assert "<code>it</code>" in result._repr_html_()


def test_learner_warnings_are_captured_and_shown_on_failure():
    def overflowing(theta, grad, lr):
        return theta * np.float64(1e308) * 10

    result = exercises.check_gd_step(overflowing)
    assert result.status == "failed"
    assert any("RuntimeWarning: overflow" in w for w in result.warnings), result.warnings
    assert "Warnings from your code" in str(result)


def test_time_limit_landing_in_a_destructor_prints_nothing():
    # The signal can arrive while Python runs a __del__ (or a gc callback), which cannot
    # pass the exception on: Python would print "Exception ignored in ...".
    import gc

    class Slow:
        def __del__(self):
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:
                pass

    seen = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        with pytest.raises(_running.TimeLimitExceeded):
            with _running.time_limit(0.1):
                Slow()  # the destructor runs at once, and the limit expires inside it
                gc.collect()
                _spin(None, None, None)
    finally:
        sys.unraisablehook = previous
    assert seen == []


def _loop_with_power(n):
    k = 0
    while 10 ** k <= n:  # with ^ instead of ** this loop runs about n times
        k += 1
    return k


def test_a_reference_variant_that_never_ends_is_dropped_in_time():
    exercise = Exercise("loop", _loop_with_power,
                        (Case("n=10**12", lambda impl: impl(10**12)),
                         Case("n=10**15", lambda impl: impl(10**15))))
    start = time.monotonic()
    result = exercise.check(lambda n: 0)
    assert time.monotonic() - start < 5 and result.status == "failed"
    assert exercise._auto_mistakes() == []


@pytest.mark.parametrize("text, shown", [
    ("look at the sign.", "Look at the sign."),
    ("math.ceil moves the drops.", "math.ceil moves the drops."),   # code keeps its case
    ("round() moves the drops.", "round() moves the drops."),
    ("`x` is a copy.", "`x` is a copy."),
])
def test_a_hint_is_shown_as_a_sentence_unless_it_starts_with_code(text, shown):
    from gdcourse._messages import F_
    from gdcourse.exercises._checking import CheckResult

    for hint in (text, F_("{text}", text=text)):  # a plain text and a stored template
        result = CheckResult("title", "failed", "the result differs.", hint, 1)
        assert str(result).splitlines()[-1].endswith(shown)
