"""Every course notebook, as a learner uses it, in JupyterLab in headless Chromium.

For each notebook in notebooks/ (and notebooks/solutions/, see conftest.py), globbed when
the tests are collected: open it, run all cells, wait until the kernel is idle and every
code cell has run; no error output, no stderr, no widget left "Loading widget..." or
showing "Error displaying widget". Then every explorer is driven like a learner drives it
(a key press on a slider handle, a click on Run or another button) and must show a new
figure. Screenshots of the notebook and of every interaction go to
build/browser-screenshots/<notebook>/.
"""

from __future__ import annotations

from browser_suite import NOTEBOOKS, option
from course_checks import exercise_explorers, open_and_run


def test_notebook_runs_and_its_explorers_respond(lab, course_notebook, screenshots_dir,
                                                 request):
    rel = course_notebook.relative_to(NOTEBOOKS).as_posix()
    label = f"notebooks/{rel}"
    deadline = option(request.config, "--browser-notebook-timeout", 240.0)
    shots = screenshots_dir / rel.removesuffix(".ipynb").replace("/", "__")
    widget_id = open_and_run(lab, label, shots, deadline, label)
    exercise_explorers(lab, widget_id, shots, label)
