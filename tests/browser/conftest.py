"""The course in a real browser: JupyterLab + headless Chromium (Python Playwright).

Run with ``python3 tasks.py browser`` (or ``make test-browser``, or
``.venv/bin/python -m pytest tests/browser``). These tests are *not* part of
``python3 tasks.py test`` / ``pytest tests``: they run only when this folder (or a file
in it) is named on the command line, or with ``GDCOURSE_BROWSER=1``.

Options (each also as an environment variable, for ``tasks.py browser``):

``--browser-solutions {yes,no}`` / ``GDCOURSE_BROWSER_SOLUTIONS``
    also test the solved notebooks in notebooks/solutions/ (default: yes).
``--browser-notebook-timeout S`` / ``GDCOURSE_BROWSER_NOTEBOOK_TIMEOUT``
    deadline for running all cells of one notebook (default 240 s).
``--browser-headed``
    show the browser window (needs a display), for debugging.

Without Chromium (``/usr/bin/chromium``, or ``GDCOURSE_CHROMIUM``) or without Python
Playwright every test here is *skipped*, with the reason in the summary.

Artefacts, for people to look at: ``build/browser-screenshots/`` (one or a few tall
images per notebook, before/after images of every explorer interaction, and
``layout-report.txt``), and ``benchmarks/results/browser_latency.json`` / ``.md``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from browser_suite import (CONTRAST, HEIGHTS, HERE, LATENCY, LAYOUT_FINDINGS, NOTEBOOKS,
                           RESULTS, ROOT, SCREENSHOTS, TIMINGS, option)


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: _opt_in
from _opt_in import unless_requested  # noqa: E402

pytest_ignore_collect = unless_requested(Path(__file__).resolve().parent, "GDCOURSE_BROWSER")


def pytest_addoption(parser):
    group = parser.getgroup("gdcourse-browser", "gdcourse browser tests")
    group.addoption("--browser-solutions", choices=["yes", "no"],
                    default=os.environ.get("GDCOURSE_BROWSER_SOLUTIONS", "yes"),
                    help="also test notebooks/solutions/ (default yes)")
    group.addoption("--browser-notebook-timeout", type=float,
                    default=float(os.environ.get("GDCOURSE_BROWSER_NOTEBOOK_TIMEOUT", 240)),
                    help="seconds to run all cells of one notebook (default 240)")
    group.addoption("--browser-headed", action="store_true", default=False,
                    help="show the browser window")


# --------------------------------------------------------------------------- notebooks
def course_notebooks(config) -> list[Path]:
    """Every notebook in notebooks/ (globbed at collection time), solutions optional."""
    if not NOTEBOOKS.is_dir():
        return []
    solutions = option(config, "--browser-solutions",
                        os.environ.get("GDCOURSE_BROWSER_SOLUTIONS", "yes")) == "yes"
    found = []
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        rel = path.relative_to(NOTEBOOKS)
        if ".ipynb_checkpoints" in rel.parts:
            continue
        if "solutions" in rel.parts and not solutions:  # zh_CN/solutions/ too
            continue
        found.append(path)
    return found


def pytest_generate_tests(metafunc):
    if "course_notebook" in metafunc.fixturenames:
        paths = course_notebooks(metafunc.config)
        metafunc.parametrize(
            "course_notebook", paths,
            ids=[p.relative_to(ROOT).as_posix() for p in paths])


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def browser_requirements():
    """Chromium's path; skips every browser test, with the reason, when something is missing."""
    from labdriver import find_chromium, playwright_problem

    chromium, why = find_chromium()
    if chromium is None:
        pytest.skip(why)
    problem = playwright_problem()
    if problem:
        pytest.skip(problem)
    return chromium


@pytest.fixture(scope="session")
def screenshots_dir():
    """build/browser-screenshots/; each test empties its own sub-folder first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def lab_server(browser_requirements):
    """One JupyterLab for the session, on a private copy of notebooks/; always stopped."""
    from labdriver import LabServer

    workdir = Path(tempfile.mkdtemp(prefix="gdcourse-browser-"))
    server = LabServer(workdir, NOTEBOOKS)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium(browser_requirements, request):
    """One headless Chromium for the session (the system one; nothing downloaded)."""
    from playwright.sync_api import sync_playwright

    from labdriver import CHROMIUM_ARGS

    headed = option(request.config, "--browser-headed", False)
    args = [a for a in CHROMIUM_ARGS if not (headed and a == "--headless")]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_requirements, args=args,
                                     headless=not headed)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def lab_session(chromium, lab_server):
    """JupyterLab loaded once in one page, shared by every test of the session."""
    from labdriver import VIEWPORT, Lab

    context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    lab = Lab(page, lab_server)
    lab.load()
    try:
        yield lab
    finally:
        context.close()


@pytest.fixture(scope="session")
def notebook7_session(chromium, lab_server):
    """Jupyter Notebook 7 (served by the same server) in a page of its own."""
    from labdriver import VIEWPORT, Notebook7

    context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    notebook = Notebook7(page, lab_server)
    notebook.load()
    try:
        yield notebook
    finally:
        context.close()


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def lab(lab_session, request):
    """The shared page, with no notebook open before and after the test.

    After a failed test the page is reloaded, so a dialog or a half-closed notebook
    left by it cannot spoil the next test.
    """
    lab_session.console_errors.clear()
    yield lab_session
    try:
        lab_session.close_all()
        if request.node.stash.get(FAILED, False):
            lab_session.load()
    except Exception:  # noqa: BLE001 - a broken page: start afresh
        lab_session.load()


@pytest.fixture
def notebook7(notebook7_session, request):
    """The Notebook 7 page, with no notebook open before and after the test."""
    notebook7_session.console_errors.clear()
    yield notebook7_session
    try:
        notebook7_session.close_all()
    except Exception:  # noqa: BLE001 - a broken page: start afresh
        notebook7_session.load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


# --------------------------------------------------------------------------- report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not LAYOUT_FINDINGS and not LATENCY and not TIMINGS and not HEIGHTS and not CONTRAST:
        return
    tr = terminalreporter
    if HEIGHTS:
        tr.section("browser: explorer heights at 1280x800, JupyterLab with the file browser (px)")
        for name, h in HEIGHTS.items():
            tr.write_line(f"{name:24s} controls and figure {h['controls_and_figure']:4d} of "
                          f"{h['visible']} shown; whole explorer {h['whole']:4d}; figure "
                          f"{h['figure']:4d}")
    if CONTRAST:
        tr.section("browser: lowest text contrast (WCAG ratio; 4.5 needed)")
        for theme, rows in CONTRAST.items():
            for what, row in rows.items():
                tr.write_line(f"{theme:18s} {what:34s} {row['ratio']:5.2f}  {row['where']}")
    if TIMINGS:
        tr.section("browser: notebooks (run all cells; drive every explorer)")
        for where, row in TIMINGS.items():
            line = (f"{where:46s} open {row['open_s']:5.1f} s, run all {row['run_s']:5.1f} s, "
                    f"screenshots {row.get('screenshot_s', 0):4.1f} s")
            if "explorers" in row:
                line += (f", {row['explorers']} explorer(s) driven in "
                         f"{row['explore_s']:5.1f} s")
            tr.write_line(line)
    if LAYOUT_FINDINGS:
        tr.section("browser: layout findings (see build/browser-screenshots/)")
        for where, issues in LAYOUT_FINDINGS.items():
            for issue in issues:
                tr.write_line(f"{where}: {issue}")
    if LATENCY:
        tr.section("browser: slider gesture to new figure (ms; median / p90)")
        for line in latency_table(LATENCY):
            tr.write_line(line)


def pytest_sessionfinish(session, exitstatus):
    if LATENCY:
        write_latency_results(LATENCY)
    if HEIGHTS or CONTRAST:
        import json
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "explorer_layout.json").write_text(
            json.dumps({"heights_px": HEIGHTS, "contrast": CONTRAST}, indent=2) + "\n",
            encoding="utf-8")
    if any("explorers" in row for row in TIMINGS.values()) and SCREENSHOTS.is_dir():
        lines = [f"{where}: {issue}" for where, issues in LAYOUT_FINDINGS.items()
                 for issue in issues]
        (SCREENSHOTS / "layout-report.txt").write_text(
            "What a learner may stumble on, measured in JupyterLab at 1280x800 with the "
            "file browser open\n(last run; notebooks not run then are not listed):\n\n"
            + ("\n".join(lines) or "nothing found") + "\n", encoding="utf-8")


def write_latency_results(latency: dict) -> None:
    """benchmarks/results/browser_latency.json and .md (git-ignored), for the README."""
    import json
    import platform
    import subprocess
    import time

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    chromium = ""
    try:
        from labdriver import find_chromium
        path, _ = find_chromium()
        if path:
            chromium = subprocess.run([path, "--version"], capture_output=True, text=True,
                                      timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.platform()}",
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "chromium": chromium,
        "what": "a gesture on a slider handle (keydown; first pointer move of a drag; its "
                "release) to the new figure loaded and the next animation frame, in the "
                "page's clock; JupyterLab + kernel + Chromium on the same machine",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "browser_latency.json").write_text(
        json.dumps({"meta": meta, "explorers": latency}, indent=2) + "\n", encoding="utf-8")
    lines = [f"Measured {meta['date']} at commit {meta['commit']}"
             + (" (with uncommitted changes)" if meta["uncommitted_changes"] else "")
             + f"; {meta['machine']}; load average {meta['load_average']}; {chromium}.", "",
             *latency_table(latency)]
    (RESULTS / "browser_latency.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def latency_table(latency: dict) -> list[str]:
    """Markdown: per explorer, median / p90 of each gesture, and where a press's time goes."""
    def mp(row):
        if not row or row.get("median_ms") is None:
            return "—"
        return f"{row['median_ms']:.0f} / {row['p90_ms']:.0f}"

    def ms(value):
        return "—" if value is None else f"{value:.0f}"

    lines = ["| explorer | slider | single press | 3 presses: first | 3 presses: final "
             "| drag: first | drag: release to final | kernel update | PNG arrives | decode "
             "| paint | PNG kB | target 150 ms |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, row in latency.items():
        one = row["single"]
        kb = f"{row['png_bytes'] / 1000:.0f}" if row.get("png_bytes") else "—"
        lines.append(
            f"| {name} | {row['slider']} | {mp(one)} | {mp(row['rapid3_first'])} "
            f"| {mp(row['rapid3_final'])} | {mp(row['drag_first'])} "
            f"| {mp(row['drag_release_to_final'])} | {ms(one['kernel_median_ms'])} "
            f"| {ms(one['arrive_median_ms'])} | {ms(one['decode_median_ms'])} "
            f"| {ms(one['paint_median_ms'])} | {kb} "
            f"| {'met' if row['target_met'] else 'not met'} |")
    return lines
