"""What the explorers give assistive technology and the keyboard (see _guard.py).

The front end itself is tested in the browser (tests/browser/test_keyboard.py); here,
what the kernel side decides: every explorer carries the guard, and every slider has a
name that says what it sets (its tooltip, or a label that is more than a symbol).
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as widgets  # noqa: E402
import pytest  # noqa: E402

import gdcourse.widgets as explorers  # noqa: E402

SLIDERS = (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider,
           widgets.SelectionSlider, widgets.IntRangeSlider, widgets.FloatRangeSlider)
# Labels that do not say what they set on their own.
BARE = {"lr", "μ", "β₁", "β₂", "α", "γ", "factor", "threshold", "min_lr", "T_mult",
        "step_size", "decay_steps", "decay_rate", "pct_start", "div_factor",
        "final_div_factor", "step_size_up", "milestones", "steps", "noise"}


@pytest.fixture(scope="module", params=explorers.__all__[1:])
def explorer(request):
    return getattr(explorers, request.param)()


def test_the_guard_is_inside_the_explorer(explorer):
    root = explorer.widget
    assert "gdcourse-explorer" in root._dom_classes
    box = root.children[-1]
    assert box.layout.display == "none" and type(box.children[0]).__name__ == "ExplorerGuard"


def test_every_slider_says_what_it_sets(explorer):
    for name, control in explorer.controls.items():
        if not isinstance(control, SLIDERS):
            continue
        said = control.tooltip or control.description
        assert said and said not in BARE, (
            f"{type(explorer).__name__}: slider {name!r} is named only {said!r}")
