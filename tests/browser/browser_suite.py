"""What the browser tests share: paths, options, and what they measured (for the report)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "build" / "browser-screenshots"
RESULTS = ROOT / "benchmarks" / "results"

# Filled by the tests, printed at the end of the run and written to files by conftest.py.
LAYOUT_FINDINGS: dict[str, list[str]] = {}  # where -> what a learner may stumble on
LATENCY: dict[str, dict] = {}  # explorer -> key press to new figure, ms
TIMINGS: dict[str, dict] = {}  # notebook -> seconds to open, run, screenshot, explore
HEIGHTS: dict[str, dict] = {}  # explorer -> pixels (whole, controls and figure, visible)
CONTRAST: dict[str, dict] = {}  # theme -> lowest contrast ratios of text, and where


def option(config, name, default):
    """A command-line option of conftest.py, or ``default`` when it is not registered
    (conftest.py was not loaded at start-up, e.g. ``GDCOURSE_BROWSER=1 pytest tests``)."""
    try:
        return config.getoption(name)
    except ValueError:
        return default
