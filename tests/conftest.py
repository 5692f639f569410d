"""Shared pytest configuration for the gdcourse tests."""

import os

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is in the `test` extra; plain unit tests still run without it
    settings = None

if settings is not None:
    # No per-example deadline: timing on a shared CI machine must never fail a test.
    settings.register_profile("gdcourse", deadline=None)
    # CI (CI=true): same, plus a fixed seed so a run can be repeated exactly, and no
    # failure just because data generation was slow.
    settings.register_profile(
        "ci",
        deadline=None,
        derandomize=True,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(
        os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "gdcourse")
    )


try:
    from threadpoolctl import threadpool_limits
except ImportError:  # comes with scikit-learn; without it the tests only run slower
    threadpool_limits = None


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """BLAS on one thread, as benchmarks/README.md advises for these small matrices.

    On a busy 2-core machine a second BLAS thread mostly waits for a core: the heavy
    explorers' training runs took ten times longer with two threads.
    """
    if threadpool_limits is None:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture
def skip_rendering(monkeypatch):
    """For widget tests that check the drawn data, not the picture.

    The explorer still computes and sets every line, label and title; only the PNG
    render (layout, rasterising, encoding: most of an update's time) is skipped. The
    tests of the picture itself, and the slider-extremes tests, render.
    """
    from gdcourse.widgets import Explorer

    monkeypatch.setattr(Explorer, "_render", lambda self: None)


def pytest_terminal_summary(terminalreporter):
    """Say loudly when the comparisons with PyTorch were skipped, and how to run them."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "torch" in str(getattr(report, "longrepr", ""))]
    if not skipped:
        return
    terminalreporter.section("tests that compare with PyTorch", sep="!", bold=True)
    terminalreporter.write_line(
        f"{len(skipped)} test(s) comparing gdcourse with PyTorch were SKIPPED: PyTorch is not "
        "installed in this environment (it is never a dependency of the course).")
    terminalreporter.write_line(
        "To run them too:  python3 tasks.py test --with-torch   "
        "(installs the CPU build of PyTorch into .venv, about 200 MB)")


@pytest.fixture(autouse=True)
def _fresh_hint_history():
    """Every test starts with the exercises' progressive hints at their first rung.

    A check remembers the failures it met (``Exercise.history``), so the same mistake met
    again gets a more specific hint; without this, a test's hint would depend on the
    tests that ran before it.
    """
    from gdcourse.exercises import EXERCISES

    for exercise in EXERCISES.values():
        exercise.reset_hints()
    yield
