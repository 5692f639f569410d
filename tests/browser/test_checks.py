"""The checks themselves: on a broken notebook they must fail, and say why.

Two small notebooks written here (not in notebooks/) with what a learner must never
meet: an exception, text on stderr, widgets that cannot be displayed, and "explorers"
whose figure never changes (a VBox with an Image and a slider wired to nothing, and one with a
Run button wired to nothing). If ipywidgets or JupyterLab change how they show these
failures, these tests notice before the course tests start passing blindly.
"""

from __future__ import annotations

import json

import pytest

from browser_suite import LAYOUT_FINDINGS, TIMINGS
from course_checks import exercise_explorers, open_and_run

DEAD_EXPLORER = """\
import io
import ipywidgets as w
from PIL import Image

png = io.BytesIO()
Image.new("RGB", (300, 100), "white").save(png, "png")
slider = w.FloatSlider(description="wired to nothing")
rows = [w.HTML("<b>A dead explorer</b>"), w.HBox([slider])]
if HEAVY:
    rows.append(w.HBox([w.Button(description="Run")]))
w.VBox(rows + [w.Image(value=png.getvalue(), format="png"), w.HTML("summary")])
"""

BROKEN_WIDGET = """\
import ipywidgets as w
import traitlets as t
from IPython.display import display


class Unknown(w.DOMWidget):  # a front-end module that does not exist
    _view_name = t.Unicode("NopeView").tag(sync=True)
    _view_module = t.Unicode("nope-module").tag(sync=True)
    _view_module_version = t.Unicode("1.0").tag(sync=True)


display(Unknown())
display({"application/vnd.jupyter.widget-view+json":
         {"model_id": "0123456789abcdef", "version_major": 2, "version_minor": 0},
         "text/plain": "a widget whose model is gone"}, raw=True)
"""

CASES = {
    "outputs": (
        ["import sys\nprint('careful', file=sys.stderr)", BROKEN_WIDGET, "1 / 0",
         "print('never runs')"],
        ["stderr output", "'careful'", "a widget view failed to render",
         "Error displaying widget: model not found", "ZeroDivisionError", "did not run"]),
    "dead-explorers": (
        ["HEAVY = False\n" + DEAD_EXPLORER, "HEAVY = True\n" + DEAD_EXPLORER],
        ["explorer 1 'A dead explorer' (cell 0): the figure (img src) did not change after: "
         "ArrowRight on slider 'wired to nothing'",
         "explorer 2 'A dead explorer' (cell 1): the figure (img src) did not change after: "
         "ArrowRight on slider 'wired to nothing', then click on Run"]),
}

def notebook(sources):
    return {"cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": source,
                       "outputs": [], "execution_count": None}
                      for i, source in enumerate(sources)],
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}}


@pytest.mark.parametrize("case", list(CASES))
def test_checks_fail_on_a_broken_notebook(lab, lab_server, screenshots_dir, case):
    sources, expected = CASES[case]
    path = lab_server.root / f"self-test-{case}.ipynb"
    path.write_text(json.dumps(notebook(sources)), encoding="utf-8")
    shots = screenshots_dir / "self-test" / case
    label = f"self-test {case}"
    try:
        with pytest.raises(pytest.fail.Exception) as failure:
            widget_id = open_and_run(lab, path.name, shots, 60.0, label)
            exercise_explorers(lab, widget_id, shots, label, fast_timeout=3.0,
                               heavy_timeout=3.0)
    finally:
        TIMINGS.pop(label, None)
        for key in [k for k in LAYOUT_FINDINGS if k.startswith(label)]:
            del LAYOUT_FINDINGS[key]
    message = str(failure.value)
    for text in expected:
        assert text in message, f"the failure does not say {text!r}:\n{message}"
