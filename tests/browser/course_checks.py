"""Checks shared by the browser tests: run a notebook, then exercise its explorers."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from browser_suite import LAYOUT_FINDINGS, TIMINGS
from labdriver import ExplorerView, Lab, RunResult, find_explorers, slug, wait_kernel_idle

# A key press on a fast explorer redraws in well under a second; a full redraw on a busy
# 2-core machine can take a few seconds. Heavy explorers compute after Run.
FAST_TIMEOUT = 15.0
HEAVY_TIMEOUT = 120.0
WIDGET_RENDER_TIMEOUT = 60.0


def open_and_run(lab: Lab, server_path: str, shots: Path, deadline: float,
                 label: str) -> str:
    """Open a notebook, run all cells, check the outputs; the notebook's widget id.

    Fails the test (after a screenshot) on an error or stderr output, a cell that did
    not run before ``deadline``, or a widget that did not render.
    """
    shutil.rmtree(shots, ignore_errors=True)  # the pictures of this run only
    shots.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    widget_id = lab.open(server_path)
    opened = time.monotonic()
    result = lab.run_all(widget_id, deadline)
    TIMINGS[label] = {"open_s": opened - start, "run_s": result.seconds}
    problems = result.problems()
    if result.status == "timeout":
        problems.insert(0, f"not finished after {deadline:.0f} s "
                           "(--browser-notebook-timeout)")
    texts = lab.wait_widgets_rendered(widget_id, WIDGET_RENDER_TIMEOUT)
    if texts["loading"]:
        problems.append(f"{texts['loading']} widget(s) still 'Loading widget...' after "
                        f"{WIDGET_RENDER_TIMEOUT:.0f} s")
    problems += [f"widget failed: {text}" for text in texts["error"]]
    before = time.monotonic()
    lab.screenshot_notebook(widget_id, shots / "notebook.png")
    TIMINGS[label]["screenshot_s"] = time.monotonic() - before
    if problems:
        console = ""
        if lab.console_errors:
            console = "\nbrowser console errors:\n  " + "\n  ".join(lab.console_errors[-10:])
        pytest.fail(f"{label} (ran for {result.seconds:.1f} s):\n  " + "\n  ".join(problems)
                    + console, pytrace=False)
    return widget_id


def exercise_explorers(lab: Lab, widget_id: str, shots: Path, label: str,
                       fast_timeout: float = FAST_TIMEOUT,
                       heavy_timeout: float = HEAVY_TIMEOUT) -> list[ExplorerView]:
    """Drive every explorer of an open notebook like a learner; fail on the first
    explorer whose figure does not change (after trying all of them)."""
    start = time.monotonic()
    explorers = find_explorers(lab.page, widget_id)
    failures = []
    for number, explorer in enumerate(explorers, 1):
        where = f"{label}, explorer {number} '{explorer.name}' (cell {explorer.cell})"
        image = explorer.image()
        if not image or not image["complete"] or image["natural"] == 0:
            failures.append(f"{where}: its figure did not load: {image}")
            continue
        controls = explorer.controls_summary()
        if not (controls["sliders"] or controls["buttons"]):
            failures.append(f"{where}: no slider or button rendered: {controls}")
            continue
        issues = explorer.layout_issues()
        if issues:
            LAYOUT_FINDINGS[where] = issues
        name = f"explorer-{number:02d}-{slug(explorer.name)}"
        explorer.screenshot(shots / f"{name}-before.png")
        explorer.box.scroll_into_view_if_needed()
        attempts = explorer.exercise(fast_timeout, heavy_timeout)
        wait_kernel_idle(lab, widget_id)  # e.g. a heavy explorer's "running..." cleared
        explorer.screenshot(shots / f"{name}-after.png")
        if not attempts or not attempts[-1].changed:
            tried = "; ".join(f"{a.action} (waited {a.seconds:.1f} s)" for a in attempts)
            failures.append(f"{where}: the figure (img src) did not change after: "
                            f"{tried or 'nothing to press'}")
            continue
        if "Could not compute" in (explorer.box.text_content() or ""):
            failures.append(f"{where}: shows 'Could not compute ...' after "
                            f"{attempts[-1].action}")
    # Whatever the interactions printed into the notebook (a traceback, a warning).
    state = lab.state(widget_id)
    failures += [f"{label}: after the interactions: {problem}"
                 for problem in RunResult(0.0, "idle", state["cells"]).problems()]
    for cell, titles in _titles_by_cell(explorers).items():
        twice = sorted({t for t in titles if titles.count(t) > 1})
        if twice:
            LAYOUT_FINDINGS.setdefault(f"{label}, cell {cell}", []).append(
                f"explorer(s) {twice} shown twice in one cell")
    TIMINGS.setdefault(label, {}).update(explorers=len(explorers),
                                         explore_s=time.monotonic() - start)
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
    return explorers


def _titles_by_cell(explorers) -> dict[int, list[str]]:
    cells: dict[int, list[str]] = {}
    for explorer in explorers:
        cells.setdefault(explorer.cell, []).append(explorer.name)
    return cells
