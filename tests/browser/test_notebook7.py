"""Chapter 00 and an explorer chapter in Jupyter Notebook 7, as a learner uses them.

`python3 tasks.py notebook` opens the course in Notebook 7 (the classic-style one-document
interface, built on JupyterLab's components and served by the same server). The same
checks as tests/test_notebooks.py: run all cells; no error, no stderr, every widget
rendered; then every explorer is driven (a key press on a slider, a click on Run or
another button) and must show a new figure. Chapter 05 is the explorer chapter: its race
has the drop-down, check-boxes and log sliders of the keyboard review.
"""

from __future__ import annotations

import pytest

from browser_suite import NOTEBOOKS, option
from course_checks import exercise_explorers, open_and_run

CHAPTERS = ["00_welcome.ipynb", "05_momentum_adaptive.ipynb"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook7_runs_the_chapter_and_its_explorers_respond(notebook7, screenshots_dir,
                                                              chapter, request):
    if not (NOTEBOOKS / chapter).is_file():
        pytest.skip(f"notebooks/{chapter} is not there")
    label = f"Notebook 7: notebooks/{chapter}"
    deadline = option(request.config, "--browser-notebook-timeout", 240.0)
    shots = screenshots_dir / ("notebook7__" + chapter.removesuffix(".ipynb"))
    widget_id = open_and_run(notebook7, f"notebooks/{chapter}", shots, deadline, label)
    explorers = exercise_explorers(notebook7, widget_id, shots, label)
    assert explorers, f"{label}: no explorer found"
