"""The explorers with the keyboard alone, in JupyterLab 4 and in Jupyter Notebook 7.

A learner must never destroy an explorer by operating it. Before the front-end guard
(gdcourse/widgets/_guard.py), typing "R" in a drop-down ran the notebook's "make this
cell Raw" shortcut and the explorer vanished, and the arrow keys moved to other cells.
Here a generated notebook (three explorers between two plain cells) is driven with the
keyboard only:

* letters, arrows, Home/End and Page Up/Down in every drop-down and on every button:
  no cell changes type, none is added, deleted or moved, the explorer stays, the focus
  stays on the control; a drop-down still jumps to the option typed;
* Enter and Space on a button press it and leave the focus on it, also on a heavy
  explorer's Run, which is disabled while it computes;
* every slider handle has an accessible name that says what it sets, a log slider
  announces its value (aria-valuetext), a disabled slider is not a Tab stop;
* keys typed on a focused slider handle (letters and arrows) stay in the explorer;
* keys with a modifier still reach the notebook: Ctrl+Enter runs the cell.
"""

from __future__ import annotations

import json
import time

import pytest

from course_checks import open_and_run
from labdriver import find_explorers, wait_kernel_idle

CELLS = [
    "1 + 1",
    "from gdcourse.widgets import StepByStepExplorer, OptimizerRaceExplorer, "
    "InitialisationExplorer",
    "StepByStepExplorer()",
    "OptimizerRaceExplorer()",
    'InitialisationExplorer(scheme="kaiming_normal")',
    "2 + 2",
]
EXPLORER_CELLS = {"StepByStepExplorer": 2, "OptimizerRaceExplorer": 3,
                  "InitialisationExplorer": 4}
# Single keys that are JupyterLab command-mode shortcuts or move between cells: R/Y/M
# change the cell type, A/B insert a cell, D D deletes it, X cuts, Z undoes, J/K and the
# arrows move to another cell.
TYPED = ["r", "R", "m", "y", "b", "a", "d", "d", "x", "z", "j", "k", "ArrowDown", "ArrowUp",
         "ArrowLeft", "ArrowRight", "Home", "End", "PageDown", "PageUp"]

_NOTEBOOK_STATE_JS = """(id) => {
    const app = window.jupyterapp;
    const w = [...app.shell.widgets('main')].find(w => w.id === id);
    const a = document.activeElement;
    const box = a && a.closest ? a.closest('[data-gdb-explorer]') : null;
    return {
        types: w.content.widgets.map(c => c.model.type),
        counts: w.content.widgets.map(c => c.model.type === 'code' ? c.model.executionCount : null),
        mode: w.content.mode,
        focus: a ? a.tagName + ':' + (a.textContent || '').trim().slice(0, 30) : null,
        focusExplorer: box ? box.getAttribute('data-gdb-explorer') : null,
    };
}"""


def notebook(cells):
    return {"cells": [{"cell_type": "code", "id": f"k{i}", "metadata": {}, "source": source,
                       "outputs": [], "execution_count": None}
                      for i, source in enumerate(cells)],
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}}


@pytest.fixture(scope="module", params=["JupyterLab", "Notebook 7"])
def keyboard_page(request, lab_server, screenshots_dir):
    """The generated notebook, open and run once per front end for this module."""
    session = request.getfixturevalue(
        "lab_session" if request.param == "JupyterLab" else "notebook7_session")
    path = lab_server.root / "browser-keyboard.ipynb"
    path.write_text(json.dumps(notebook(CELLS), indent=1), encoding="utf-8")
    shots = screenshots_dir / f"keyboard-{request.param.replace(' ', '-').lower()}"
    session.console_errors.clear()
    widget_id = open_and_run(session, path.name, shots, 240.0,
                             f"keyboard ({request.param})")
    try:
        yield session, widget_id, shots
    finally:
        session.close_all()


def explorers(session, widget_id):
    """The three explorers, by class name; each carries the guard's mark."""
    found = {}
    for explorer in find_explorers(session.page, widget_id):
        name = next(n for n, cell in EXPLORER_CELLS.items() if cell == explorer.cell)
        found[name] = explorer
    assert set(found) == set(EXPLORER_CELLS), f"explorers found: {sorted(found)}"
    for name, explorer in found.items():
        explorer.box.scroll_into_view_if_needed()
        session.page.wait_for_function(
            "(box) => box.hasAttribute('data-gdcourse-guard')",
            arg=explorer.box.element_handle(), timeout=15_000)
    return found


def state(session, widget_id):
    return session.page.evaluate(_NOTEBOOK_STATE_JS, widget_id)


def type_keys(session, keys):
    for key in keys:
        session.page.keyboard.press(key)
        time.sleep(0.03)


def assert_notebook_intact(session, widget_id, before, explorer, what):
    after = state(session, widget_id)
    assert after["types"] == before["types"], (
        f"{what}: the cell types changed from {before['types']} to {after['types']}")
    assert after["mode"] == "command", f"{what}: the notebook went to {after['mode']} mode"
    assert explorer.box.count() == 1, f"{what}: the explorer disappeared"
    assert after["focusExplorer"] == explorer.marker, (
        f"{what}: the focus left the explorer (now on {after['focus']})")
    return after


def wait_enabled(session, button, timeout):
    """Until the button has been enabled for a moment (the guard then gives it the focus
    back) or the deadline passes."""
    deadline = time.monotonic() + timeout
    since = None
    while time.monotonic() < deadline:
        if button.is_enabled():
            since = since or time.monotonic()
            if time.monotonic() - since > 0.3:
                return
        else:
            since = None
        time.sleep(0.05)


def reset_stepper(session, widget_id, stepper):
    """Back to its first landscape at step 0 (the keys typed before may have chosen one
    where the run diverges, which disables Step and Run 25)."""
    select = stepper.box.locator("select").first
    select.focus()
    session.page.keyboard.press("Home")
    wait_kernel_idle(session, widget_id)
    reset = next(b for b in stepper.buttons() if (b.text_content() or "").strip() == "Reset")
    reset.focus()
    session.page.keyboard.press("Enter")
    wait_kernel_idle(session, widget_id)
    assert all(b.is_enabled() for b in stepper.buttons())


def test_keys_typed_in_a_dropdown_stay_in_the_explorer(keyboard_page):
    session, widget_id, shots = keyboard_page
    for name, explorer in explorers(session, widget_id).items():
        select = explorer.box.locator("select").first
        select.focus()
        before = state(session, widget_id)
        type_keys(session, TYPED)
        wait_kernel_idle(session, widget_id)
        after = assert_notebook_intact(session, widget_id, before, explorer,
                                       f"{name}: keys typed in its drop-down")
        assert after["focus"].startswith("SELECT"), f"{name}: focus moved to {after['focus']}"
        explorer.screenshot(shots / f"dropdown-keys-{name}.png")


def test_keys_typed_on_a_slider_stay_in_the_explorer(keyboard_page):
    """Letters, arrows and Page Up/Down on a focused slider handle: the arrows
    move the slider (new figures), nothing reaches the notebook's shortcuts."""
    session, widget_id, shots = keyboard_page
    for name, explorer in explorers(session, widget_id).items():
        slider = explorer.sliders()[0]
        label = (slider.locator(".widget-label").first.text_content() or "").strip()
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        before = state(session, widget_id)
        # Home/End left out: the value ends where it was (End would make the stepper
        # diverge and disable its buttons for the tests after this one).
        type_keys(session, [k for k in TYPED if k not in ("Home", "End")])
        wait_kernel_idle(session, widget_id)
        after = assert_notebook_intact(session, widget_id, before, explorer,
                                       f"{name}: keys typed on its slider {label!r}")
        assert after["focus"].startswith("DIV"), f"{name}: focus moved to {after['focus']}"
        assert handle.evaluate("h => h === document.activeElement"), (
            f"{name}: the focus left the slider {label!r} (now on {after['focus']})")
        explorer.screenshot(shots / f"slider-keys-{name}.png")


def test_a_dropdown_still_jumps_to_the_option_typed(keyboard_page):
    session, widget_id, _ = keyboard_page
    race = explorers(session, widget_id)["OptimizerRaceExplorer"]
    select = race.box.locator("select").first
    for letter, option in [("Home", "ill-conditioned"), ("b", "Beale"), ("r", "Rosenbrock")]:
        if (select.evaluate("s => s.value") or "").startswith(option):
            continue  # already there: no change, no new figure
        select.focus()
        time.sleep(1.2)  # past the drop-down's type-ahead timeout (1 s): a new search
        old = race.image()["src"]
        session.page.keyboard.press(letter)
        assert (select.evaluate("s => s.value") or "").startswith(option)
        assert race.wait_new_figure(old, 60), f"no new figure after choosing {option}"
        wait_kernel_idle(session, widget_id)
    assert "Could not compute" not in (race.box.text_content() or "")


def test_keys_on_buttons_stay_in_the_explorer_and_the_focus_on_the_button(keyboard_page):
    session, widget_id, shots = keyboard_page
    found = explorers(session, widget_id)
    reset_stepper(session, widget_id, found["StepByStepExplorer"])
    for name in ("StepByStepExplorer", "InitialisationExplorer"):
        explorer = found[name]
        for button in explorer.buttons():
            text = (button.text_content() or "").strip()
            button.focus()
            before = state(session, widget_id)
            type_keys(session, TYPED)
            wait_kernel_idle(session, widget_id)
            assert_notebook_intact(session, widget_id, before, explorer,
                                   f"{name}: keys typed on its button {text!r}")
            for key in ("Enter", " "):
                old = explorer.image()["src"]
                session.page.keyboard.press(key)
                # (Reset at step 0, and Run with unchanged settings, draw the same
                # picture again: no new figure to wait for.)
                if text not in ("Reset", "Run"):
                    assert explorer.wait_new_figure(old, 120), (
                        f"{name}: {key!r} on {text!r} gave no new figure")
                wait_kernel_idle(session, widget_id)
                # The kernel may look idle before the click arrived (or before the
                # widget manager applied "enabled again"): wait for the button to be
                # enabled; while it is disabled the focus waits on the explorer's box.
                wait_enabled(session, button, 60)
                after = assert_notebook_intact(session, widget_id, before, explorer,
                                               f"{name}: {key!r} on {text!r}")
                # Also Run, which is disabled while the explorer computes.
                assert after["focus"] == f"BUTTON:{text}", (
                    f"{name}: after {key!r} on {text!r} the focus is on {after['focus']}")
        explorer.screenshot(shots / f"button-keys-{name}.png")


def test_sliders_have_names_values_and_no_disabled_tab_stop(keyboard_page):
    session, widget_id, _ = keyboard_page
    found = explorers(session, widget_id)
    for name, explorer in found.items():
        handles = explorer.box.evaluate(
            """(box) => [...box.querySelectorAll('.widget-slider')].map(s => {
                const h = s.querySelector('.noUi-handle');
                const r = s.querySelector('.widget-readout');
                return {label: s.querySelector('.widget-label').textContent.trim(),
                        name: h.getAttribute('aria-label'),
                        valuetext: h.getAttribute('aria-valuetext'),
                        valuenow: h.getAttribute('aria-valuenow'),
                        readout: r ? r.textContent.trim() : null,
                        tabindex: h.getAttribute('tabindex'),
                        disabled: s.querySelector('.noUi-target').hasAttribute('disabled')};
            })""")
        assert handles, f"{name}: no sliders found"
        for h in handles:
            assert h["name"], f"{name}: slider {h['label']!r} has no accessible name"
            assert h["valuetext"] == h["readout"], (
                f"{name}: slider {h['label']!r} announces {h['valuetext']!r}, "
                f"shows {h['readout']!r}")
            assert h["tabindex"] == ("-1" if h["disabled"] else "0"), (
                f"{name}: slider {h['label']!r} (disabled: {h['disabled']}) has tabindex "
                f"{h['tabindex']}")
        if name == "OptimizerRaceExplorer":
            names = {h["name"] for h in handles}
            assert "learning rate of Adam" in names and "lr" not in names
            adam = next(h for h in handles if h["name"] == "learning rate of Adam")
            # A log slider: it shows and announces the rate, not its exponent.
            assert float(adam["valuetext"]) == pytest.approx(10 ** float(adam["valuenow"]),
                                                             rel=0.06)
    init = found["InitialisationExplorer"]
    gain = next(s for s in init.sliders()
                if (s.locator(".widget-label").first.text_content() or "").strip()
                == "Xavier gain")
    assert gain.locator(".noUi-handle").get_attribute("aria-disabled") == "true"
    scheme = init.box.locator("select").nth(1)
    scheme.focus()
    session.page.keyboard.press("Tab")
    focus = state(session, widget_id)["focus"]
    assert focus.startswith("SELECT"), (
        f"Tab after the initialisation drop-down went to {focus}, not past the disabled "
        "Xavier gain slider to the next drop-down")


def test_keys_with_a_modifier_still_reach_the_notebook(keyboard_page):
    session, widget_id, _ = keyboard_page
    stepper = explorers(session, widget_id)["StepByStepExplorer"]
    reset_stepper(session, widget_id, stepper)
    before = state(session, widget_id)["counts"][EXPLORER_CELLS["StepByStepExplorer"]]
    stepper.buttons()[0].focus()
    session.page.keyboard.press("Control+Enter")  # JupyterLab's "run this cell"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        counts = state(session, widget_id)["counts"]
        if counts[EXPLORER_CELLS["StepByStepExplorer"]] not in (before, None):
            break
        time.sleep(0.1)
    assert counts[EXPLORER_CELLS["StepByStepExplorer"]] not in (before, None), (
        "Ctrl+Enter on an explorer's button did not run its cell")
    wait_kernel_idle(session, widget_id)
