"""Drive JupyterLab in headless Chromium (Python Playwright) for the browser tests.

Three pieces, used by ``conftest.py`` and the tests:

* :class:`LabServer` starts JupyterLab on a *copy* of the course (so nothing a test does
  can be saved into the repository), with its own config, data, runtime, settings and
  workspace folders, on 127.0.0.1 with a random token, and stops it again.
* :class:`Lab` wraps one browser page with JupyterLab loaded: open a notebook, run all
  cells, wait until the kernel is idle and every code cell has run, collect errors, close.
* :class:`ExplorerView` is one ``gdcourse`` explorer as rendered in the page: its image,
  its sliders and buttons, and what a learner does with them (a key press on a slider
  handle, a click on a button), with the wait for the new figure.

Everything waits by polling against a deadline; nothing sleeps a fixed time to "let
things settle".
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
# A learner's laptop: JupyterLab with its file browser open next to the notebook.
VIEWPORT = {"width": 1280, "height": 800}
# What the explorers are found by. `EXPLORER_CLASS` is the class the Explorer root box
# should carry; until it does, explorers are found by their structure: a VBox that holds
# an ipywidgets Image directly (the base class's layout: title, controls, image, summary).
EXPLORER_CLASS = "gdcourse-explorer"

# JupyterLab settings for the test server (user settings, in its own settings folder):
# no autosave (nothing must be written back, even to the copy), no news or update
# pop-ups over the screenshots.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False, "fetchNews": "false"},
}


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to use and, when there is none, why (with the fix)."""
    wanted = os.environ.get("GDCOURSE_CHROMIUM", DEFAULT_CHROMIUM)
    if os.path.isfile(wanted) and os.access(wanted, os.X_OK):
        return wanted, ""
    return None, (f"chromium not found at {wanted}: apt-get install -y chromium "
                  "(or set GDCOURSE_CHROMIUM to a Chromium/Chrome executable)")


def playwright_problem() -> str:
    """Why Python Playwright cannot be used here, or '' when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return (f"Python Playwright is not installed ({error}): "
                "python3 tasks.py browser installs it (pip install -e .[browser])")
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ============================================================================ server
class LabServer:
    """JupyterLab on a private copy of the course, for one test session."""

    def __init__(self, workdir: Path, notebooks: Path) -> None:
        self.workdir = Path(workdir)
        self.root = self.workdir / "root"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "jupyterlab.log"
        # The course as the learner has it (notebooks/ and notebooks/solutions/...), copied.
        self.root.mkdir(parents=True, exist_ok=True)
        if notebooks.is_dir():
            shutil.copytree(notebooks, self.root / "notebooks",
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces")]:
            (self.workdir / sub).mkdir(exist_ok=True)
            self.env[var] = str(self.workdir / sub)
        self.env.pop("JUPYTER_TOKEN", None)
        self.env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        settings = self.workdir / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> None:
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--port-retries=0",
               f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               # Jupyter Notebook 7, served by the same server (/notebooks/...).
               "--JupyterNotebookApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if getattr(os, "geteuid", lambda: 1)() == 0:
            cmd.append("--allow-root")
        log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.proc = subprocess.Popen(cmd, cwd=str(self.root), env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n"
                           + self.log_tail())

    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut every kernel down (they run in their own sessions, not the server's)."""
        try:
            kernels = self.api("GET", "/api/kernels")
        except (OSError, urllib.error.URLError):
            return
        for kernel in kernels or []:
            try:
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=20)
            except (OSError, urllib.error.URLError):
                pass

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.shutdown_kernels()
            self.proc.send_signal(signal.SIGTERM)  # JupyterLab stops its kernels too
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the server's own process group
                self.proc.wait(timeout=10)
        self._log.close()
        self.proc = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


# ============================================================================ page
_OPEN_JS = """async (path) => {
    const app = window.jupyterapp;
    const widget = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await widget.context.ready;
    await widget.sessionContext.ready;
    app.shell.activateById(widget.id);
    return widget.id;
}"""

_STATE_JS = """(id) => {
    const app = window.jupyterapp;
    const widget = [...app.shell.widgets('main')].find(w => w.id === id);
    if (!widget) { return null; }
    const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
    const cells = widget.content.widgets.map((cell, index) => {
        const model = cell.model;
        if (model.type !== 'code') { return null; }
        const outputs = [];
        for (let i = 0; i < model.outputs.length; i++) {
            const out = model.outputs.get(i).toJSON();
            const item = {type: out.output_type};
            if (out.output_type === 'error') {
                item.text = `${out.ename}: ${out.evalue}`;
            } else if (out.output_type === 'stream') {
                item.name = out.name;
                item.text = Array.isArray(out.text) ? out.text.join('') : out.text;
            } else if (out.data) {
                item.mimes = Object.keys(out.data);
            }
            outputs.push(item);
        }
        return {index, count: model.executionCount, outputs,
                source: model.sharedModel.getSource().slice(0, 200)};
    });
    return {status: kernel ? kernel.status : 'no kernel', cells};
}"""

_CLOSE_JS = """async (id) => {
    const app = window.jupyterapp;
    const widget = [...app.shell.widgets('main')].find(w => w.id === id);
    if (!widget) { return; }
    if (widget.sessionContext) {
        try { await widget.sessionContext.shutdown(); } catch (e) { /* already gone */ }
    }
    if (widget.context) {
        widget.context.model.dirty = false;   // close without the "save changes?" dialog
    }
    widget.dispose();
}"""


@dataclass
class RunResult:
    seconds: float
    status: str
    cells: list = field(default_factory=list)

    def problems(self) -> list[str]:
        """Error outputs, stderr, and code cells that never ran, in plain words."""
        found = []
        for cell in self.cells:
            if cell is None:
                continue
            where = f"cell {cell['index']} ({_first_line(cell['source'])!r})"
            for out in cell["outputs"]:
                if out["type"] == "error":
                    found.append(f"{where}: error output: {out['text']}")
                elif out["type"] == "stream" and out.get("name") == "stderr":
                    found.append(f"{where}: stderr output (a red box for the learner): "
                                 f"{out['text'].strip()[:300]!r}")
            if cell["count"] is None:
                found.append(f"{where}: did not run")
        return found


def _first_line(source: str) -> str:
    lines = [ln for ln in source.splitlines() if ln.strip()]
    return lines[0][:60] if lines else ""


class Lab:
    """One browser page with JupyterLab loaded from a :class:`LabServer`."""

    front_end = "JupyterLab"

    def __init__(self, page, server: LabServer) -> None:
        self.page = page
        self.server = server
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def load(self, timeout: float = 120.0) -> None:
        page = self.page
        page.set_viewport_size(VIEWPORT)
        # ?reset: an empty workspace (no notebook reopened from an earlier page load).
        page.goto(f"{self.server.url}/lab?reset&token={self.server.token}",
                  timeout=timeout * 1000)
        page.wait_for_function("() => window.jupyterapp !== undefined",
                               timeout=timeout * 1000)
        page.evaluate("async () => { await window.jupyterapp.restored; }")

    def close_all(self) -> None:
        """Close every notebook (kernels shut down, nothing saved)."""
        ids = self.page.evaluate(
            "() => [...window.jupyterapp.shell.widgets('main')].map(w => w.id)")
        for widget_id in ids:
            self.page.evaluate(_CLOSE_JS, widget_id)

    def open(self, path: str) -> str:
        return self.page.evaluate(_OPEN_JS, path)

    def close(self, widget_id: str) -> None:
        self.page.evaluate(_CLOSE_JS, widget_id)

    def state(self, widget_id: str) -> dict:
        return self.page.evaluate(_STATE_JS, widget_id)

    def run_all(self, widget_id: str, deadline: float) -> RunResult:
        """Run all cells; wait until the kernel is idle and every code cell has run.

        Stops waiting early when a cell fails (JupyterLab then skips the cells after it).
        """
        start = time.monotonic()
        self.page.evaluate(
            "async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        state = None
        idle_since = None
        while time.monotonic() - start < deadline:
            state = self.state(widget_id)
            if state is None:
                raise RuntimeError("the notebook was closed while it ran")
            code = [c for c in state["cells"] if c is not None]
            failed = any(o["type"] == "error" for c in code for o in c["outputs"])
            done = all(c["count"] is not None for c in code)
            if state["status"] == "idle" and (done or failed):
                # Idle twice in a row, a quarter of a second apart: not between two cells.
                if idle_since is not None:
                    return RunResult(time.monotonic() - start, state["status"], state["cells"])
                idle_since = time.monotonic()
            else:
                idle_since = None
            time.sleep(0.25)
        cells = state["cells"] if state else []
        return RunResult(time.monotonic() - start, "timeout", cells)

    def widget_texts(self, widget_id: str) -> dict:
        """What a widget that failed leaves in the outputs: "Loading widget..." (still
        waiting for its model), "Error displaying widget..." (no model), or ipywidgets 8's
        error view ("Click to show javascript error."). textContent, not innerText: it
        does not depend on layout (off-screen cells)."""
        return self.page.evaluate(
            """(id) => {
                const root = document.getElementById(id);
                const outs = [...root.querySelectorAll('.jp-OutputArea-output')];
                const text = outs.map(o => o.textContent).join('\\n');
                const errors = (text.match(/Error displaying widget[^\\n]{0,200}/g) || []);
                for (const el of root.querySelectorAll('.jupyter-widgets-error-widget')) {
                    const cell = el.closest('.jp-Cell');
                    const cells = [...root.querySelectorAll('.jp-Cell')];
                    errors.push(`cell ${cells.indexOf(cell)}: a widget view failed to ` +
                                `render (ipywidgets' "Click to show javascript error")`);
                }
                return {
                    loading: (text.match(/Loading widget\\.\\.\\./g) || []).length,
                    error: errors,
                };
            }""", widget_id)

    def wait_widgets_rendered(self, widget_id: str, timeout: float) -> dict:
        """Poll until no widget says "Loading widget..." (errors are final)."""
        deadline = time.monotonic() + timeout
        while True:
            texts = self.widget_texts(widget_id)
            if not texts["loading"] or time.monotonic() > deadline:
                return texts
            time.sleep(0.25)

    def screenshot_notebook(self, widget_id: str, path: Path, max_height: int = 10000,
                            max_parts: int = 8) -> list[Path]:
        """The whole notebook in one or a few tall images (the viewport is stretched).

        Off-screen cells have estimated heights until drawn (content-visibility), so the
        height is measured again after each stretch and each scroll.
        """
        page = self.page
        scroller = f"[id='{widget_id}'] .jp-WindowedPanel-outer"
        # The notebook's height up to the end of its last cell (JupyterLab adds blank
        # space after it, to scroll past the end).
        measure = """(sel) => { const s = document.querySelector(sel);
            if (!s) { return {top: 0, client: 0, total: 0}; }
            const cells = s.querySelectorAll('.jp-Cell');
            const last = cells.length ? cells[cells.length - 1] : null;
            const total = last ? last.getBoundingClientRect().bottom
                                 - s.getBoundingClientRect().top + s.scrollTop + 16
                               : s.scrollHeight;
            return {top: s.scrollTop, client: s.clientHeight,
                    total: Math.min(Math.ceil(total), s.scrollHeight)}; }"""
        frames = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        paths: list[Path] = []
        try:
            # Run All leaves the notebook scrolled to its end: start from the top.
            page.evaluate("(sel) => { const s = document.querySelector(sel); "
                          "if (s) { s.scrollTop = 0; } }", scroller)
            m = page.evaluate(measure, scroller)
            chrome = VIEWPORT["height"] - m["client"]
            for _ in range(3):  # stretch until the measured height stops growing
                view = max(VIEWPORT["height"], min(m["total"] + chrome, max_height))
                page.set_viewport_size({"width": VIEWPORT["width"], "height": view})
                page.evaluate(frames)
                m = page.evaluate(measure, scroller)
                if m["total"] <= m["client"] or view >= max_height:
                    break
            part = 1
            while True:
                page.evaluate(frames)
                m = page.evaluate(measure, scroller)
                last = m["top"] + m["client"] >= m["total"] - 1 or part >= max_parts
                name = path if (part == 1 and last) else \
                    path.with_name(f"{path.stem}-part{part}{path.suffix}")
                size = page.viewport_size
                # Not the blank space JupyterLab leaves after the last cell.
                height = min(size["height"], chrome + max(0, m["total"] - m["top"]))
                page.screenshot(path=str(name), clip={"x": 0, "y": 0, "width": size["width"],
                                                      "height": max(height, 200)})
                paths.append(name)
                if last:
                    break
                page.evaluate("([sel, y]) => { document.querySelector(sel).scrollTop = y; }",
                              [scroller, m["top"] + m["client"]])
                part += 1
        finally:
            page.set_viewport_size(VIEWPORT)
            page.evaluate("(sel) => { const s = document.querySelector(sel); "
                          "if (s) { s.scrollTop = 0; } }", scroller)
        return paths


class Notebook7(Lab):
    """The same page in Jupyter Notebook 7 (one notebook per page, served by the same
    server): a notebook opens by loading its /notebooks/ URL; everything else (run all,
    state, screenshots, explorers) works as in JupyterLab, on the same notebook widget.
    """

    front_end = "Jupyter Notebook 7"

    def load(self, timeout: float = 120.0) -> None:
        page = self.page
        page.set_viewport_size(VIEWPORT)
        page.goto(f"{self.server.url}/tree?token={self.server.token}", timeout=timeout * 1000)
        page.wait_for_function("() => window.jupyterapp !== undefined",
                               timeout=timeout * 1000)
        page.evaluate("async () => { await window.jupyterapp.restored; }")

    def open(self, path: str) -> str:
        page = self.page
        page.goto(f"{self.server.url}/notebooks/{path}?token={self.server.token}")
        page.wait_for_function(
            """() => { const app = window.jupyterapp;
                       const w = app && app.shell.currentWidget;
                       return !!(w && w.sessionContext && w.content); }""",
            timeout=120_000)
        return page.evaluate("""async () => {
            const w = window.jupyterapp.shell.currentWidget;
            await w.context.ready;
            await w.sessionContext.ready;
            return w.id;
        }""")

    def close_all(self) -> None:
        super().close_all()
        self.load()


# ============================================================================ explorers
_FIND_EXPLORERS_JS = """([id, cls]) => {
    const root = document.getElementById(id);
    for (const old of root.querySelectorAll('[data-gdb-explorer]')) {
        old.removeAttribute('data-gdb-explorer');
    }
    let boxes = [...root.querySelectorAll('.' + cls)];
    const byClass = boxes.length > 0;
    if (!byClass) {
        // Without the class: a VBox holding an Image directly, and controls.
        const controls = '.widget-slider, button.jupyter-button, .widget-dropdown';
        boxes = [...root.querySelectorAll('img.widget-image')]
            .map(img => img.parentElement)
            .filter(box => box && box.classList.contains('widget-vbox')
                           && box.querySelector(controls));
    }
    boxes = [...new Set(boxes)];
    return boxes.map((box, i) => {
        const marker = `gdb-explorer-${i}`;
        box.setAttribute('data-gdb-explorer', marker);
        const title = box.querySelector(':scope > .widget-html b, :scope > .widget-htmlmath b');
        const cell = box.closest('.jp-Cell');
        const cells = [...root.querySelectorAll('.jp-Cell')];
        return {marker, byClass, title: title ? title.textContent.trim() : '',
                cell: cells.indexOf(cell)};
    });
}"""

_IMAGE_JS = """(box) => {
    const img = box.querySelector(':scope > img.widget-image') || box.querySelector('img.widget-image');
    return img ? {src: img.src, complete: img.complete, natural: img.naturalWidth,
                  shown: img.getBoundingClientRect().width,
                  naturalHeight: img.naturalHeight,
                  shownHeight: img.getBoundingClientRect().height} : null;
}"""

_LAYOUT_JS = """(box) => {
    // What a learner would stumble on: controls cut off or overflowing the output area,
    // slider tracks too short to aim at, a figure shrunk to fit.
    const area = box.closest('.jp-OutputArea-output') || box;
    const right = area.getBoundingClientRect().right;
    const issues = [];
    const visible = el => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
    const label = el => {
        const l = el.querySelector('.widget-label');
        return (l && l.textContent.trim()) || el.textContent.trim().slice(0, 40) ||
               [...el.classList].filter(c => c.startsWith('widget-')).join(' ');
    };
    for (const el of box.querySelectorAll('.jupyter-widgets')) {
        if (!visible(el) || el.classList.contains('widget-box')) { continue; }
        const r = el.getBoundingClientRect();
        // (A few pixels are the widgets' own 2 px margins next to a 100% width.)
        if (r.right > right + 4) {
            issues.push(`'${label(el)}' sticks out ${Math.round(r.right - right)} px past the output area`);
        }
    }
    for (const el of box.querySelectorAll('.widget-slider')) {
        if (!visible(el)) { continue; }
        const track = el.querySelector('.slider-container');
        if (track && track.getBoundingClientRect().width < 100) {
            issues.push(`slider '${label(el)}' has a ${Math.round(track.getBoundingClientRect().width)} px track`);
        }
        const readout = el.querySelector('.widget-readout');
        if (readout && readout.scrollWidth > readout.clientWidth + 1) {
            issues.push(`slider '${label(el)}' read-out is cut off ('${readout.textContent}')`);
        }
    }
    for (const el of box.querySelectorAll('.widget-label, .widget-label-basic')) {
        if (visible(el) && el.scrollWidth > el.clientWidth + 1) {
            issues.push(`label '${el.textContent.trim()}' is cut off`);
        }
    }
    const scroller = box.closest('.jp-WindowedPanel-outer');
    const img = box.querySelector('img.widget-image');
    // From the explorer's title to the bottom of its figure: what must be on one screen
    // (the summary under the figure may need a scroll).
    const top = box.getBoundingClientRect().top;
    const needed = img ? img.getBoundingClientRect().bottom - top : box.getBoundingClientRect().height;
    if (scroller && needed > scroller.clientHeight) {
        issues.push(`${Math.round(needed)} px from its title to the bottom of its figure, ` +
                    `but the notebook shows ${scroller.clientHeight} px at ${window.innerWidth}x` +
                    `${window.innerHeight}: controls and figure are not on screen together`);
    }
    if (img && img.naturalWidth > 0) {
        const shown = img.getBoundingClientRect().width;
        if (shown < 0.9 * img.naturalWidth) {
            issues.push(`figure shown at ${Math.round(100 * shown / img.naturalWidth)}% of its ` +
                        `${img.naturalWidth} px width (squeezed)`);
        }
    }
    return issues;
}"""


@dataclass
class Interaction:
    """What was done to an explorer and whether the figure changed."""

    action: str
    changed: bool
    seconds: float


class ExplorerView:
    """One explorer on the page, found by :func:`find_explorers`."""

    def __init__(self, page, marker: str, title: str, cell: int, by_class: bool) -> None:
        self.page = page
        self.marker = marker
        self.title = title
        self.cell = cell
        self.by_class = by_class
        self.box = page.locator(f"[data-gdb-explorer='{marker}']")

    @property
    def name(self) -> str:
        return self.title or self.marker

    def screenshot(self, path: Path) -> None:
        """A picture of the whole explorer, even when it is taller than the window."""
        page = self.page
        height = self.box.evaluate("(b) => b.getBoundingClientRect().height")
        size = page.viewport_size
        stretch = height + 250 > size["height"]
        try:
            if stretch:
                page.set_viewport_size({"width": size["width"], "height": int(height) + 250})
            self.box.scroll_into_view_if_needed()
            self.box.screenshot(path=str(path))
        finally:
            if stretch:
                page.set_viewport_size(size)

    def image(self) -> dict | None:
        return self.box.evaluate(_IMAGE_JS)

    def layout_issues(self) -> list[str]:
        return self.box.evaluate(_LAYOUT_JS)

    def heights(self) -> dict:
        """Pixels: the whole explorer, its controls and figure (title to the figure's
        bottom), the figure, and what the notebook shows of a cell's output."""
        return self.box.evaluate(
            """(box) => {
                const r = box.getBoundingClientRect();
                const img = box.querySelector('img.widget-image');
                const i = img ? img.getBoundingClientRect() : r;
                const s = box.closest('.jp-WindowedPanel-outer');
                return {whole: Math.round(r.height), controls_and_figure: Math.round(i.bottom - r.top),
                        figure: Math.round(i.height), visible: s ? s.clientHeight : null};
            }""")

    def visible(self, selector: str):
        loc = self.box.locator(selector)
        return [loc.nth(i) for i in range(loc.count()) if loc.nth(i).is_visible()]

    def sliders(self):
        return self.visible(".widget-slider")

    def buttons(self):
        return self.visible("button.jupyter-button")

    def slider(self, label: str):
        for slider in self.sliders():
            text = slider.locator(".widget-label").first.text_content() or ""
            if text.strip() == label:
                return slider
        raise LookupError(f"{self.name}: no visible slider labelled {label!r}")

    def controls_summary(self) -> dict:
        return self.box.evaluate(
            """(box) => ({
                sliders: box.querySelectorAll('.widget-slider .noUi-handle').length,
                dropdowns: box.querySelectorAll('.widget-dropdown select').length,
                buttons: box.querySelectorAll('button.jupyter-button').length,
                checkboxes: box.querySelectorAll('.widget-checkbox input').length,
            })""")

    @staticmethod
    def key_towards_room(slider) -> str:
        """ArrowRight, or ArrowLeft when the handle is at (or next to) its right end."""
        handle = slider.locator(".noUi-handle").first
        now = float(handle.get_attribute("aria-valuenow"))
        top = float(handle.get_attribute("aria-valuemax"))
        low = float(handle.get_attribute("aria-valuemin"))
        return "ArrowLeft" if now >= top - 0.02 * (top - low) else "ArrowRight"

    def press(self, slider, key: str) -> None:
        """Focus the slider's handle and press a key, as a keyboard user does."""
        slider.locator(".noUi-handle").first.press(key)

    def wait_new_figure(self, old_src: str, timeout: float) -> bool:
        """Poll until the image shows a new, loaded picture; False at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            img = self.image()
            if img and img["src"] != old_src and img["complete"] and img["natural"] > 0:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def exercise(self, fast_timeout: float, heavy_timeout: float) -> list[Interaction]:
        """Do what a learner does until the figure changes; the list of attempts.

        Heavy explorers (a button labelled exactly "Run"): move a slider, press Run.
        Others: a key press on each visible slider in turn, then a click on each button
        (but Reset), until the figure changes.
        """
        attempts: list[Interaction] = []
        buttons = self.buttons()
        run = [b for b in buttons if (b.text_content() or "").strip() == "Run"]
        sliders = self.sliders()
        if run:
            action = []
            if sliders:
                key = self.key_towards_room(sliders[0])
                label = (sliders[0].locator(".widget-label").first.text_content() or "").strip()
                self.press(sliders[0], key)
                action.append(f"{key} on slider {label!r}")
            old = self.image()["src"]
            start = time.monotonic()
            run[0].click()
            action.append("click on Run")
            changed = self.wait_new_figure(old, heavy_timeout)
            attempts.append(Interaction(", then ".join(action), changed,
                                        time.monotonic() - start))
            return attempts
        for slider in sliders[:4]:
            label = (slider.locator(".widget-label").first.text_content() or "").strip()
            key = self.key_towards_room(slider)
            old = self.image()["src"]
            start = time.monotonic()
            self.press(slider, key)
            changed = self.wait_new_figure(old, fast_timeout)
            attempts.append(Interaction(f"{key} on slider {label!r}", changed,
                                        time.monotonic() - start))
            if changed:
                return attempts
        for button in buttons:
            text = (button.text_content() or "").strip()
            if text.lower().startswith("reset"):
                continue
            old = self.image()["src"]
            start = time.monotonic()
            button.click()
            changed = self.wait_new_figure(old, heavy_timeout)
            attempts.append(Interaction(f"click on button {text!r}", changed,
                                        time.monotonic() - start))
            if changed:
                return attempts
        return attempts


def find_explorers(page, widget_id: str) -> list[ExplorerView]:
    found = page.evaluate(_FIND_EXPLORERS_JS, [widget_id, EXPLORER_CLASS])
    return [ExplorerView(page, f["marker"], f["title"], f["cell"], f["byClass"])
            for f in found]


def slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit] or "x"


# ============================================================================ latency
_GESTURE_ARM_JS = """(box) => {
    // Every input event (keydown; pointer moves with a button down; pointerup), every
    // new src of the explorer's <img> (the PNG has arrived: a blob URL is set), and every
    // new picture loaded (decoded) and the animation frame after it (painted), on the
    // page's clock, until __gdbDisarm() is called.
    if (window.__gdbDisarm) { window.__gdbDisarm(); }
    const img = box.querySelector('img.widget-image');
    const now = () => performance.now();
    const probe = window.__gdbGesture = {keys: [], moves: [], up: null, srcs: [], shown: []};
    let last = img.src;
    const onKey = () => probe.keys.push(now());
    const onMove = (e) => { if (e.buttons) { probe.moves.push(now()); } };
    const onUp = () => { if (probe.up === null) { probe.up = now(); } };
    const observer = new MutationObserver(() => {
        if (img.src !== last) { last = img.src; probe.srcs.push(now()); }
    });
    const onLoad = () => {
        const at = now();
        requestAnimationFrame(() => probe.shown.push({load: at, frame: now()}));
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('pointermove', onMove, true);
    document.addEventListener('pointerup', onUp, true);
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
    img.addEventListener('load', onLoad);
    window.__gdbDisarm = () => {
        document.removeEventListener('keydown', onKey, true);
        document.removeEventListener('pointermove', onMove, true);
        document.removeEventListener('pointerup', onUp, true);
        observer.disconnect();
        img.removeEventListener('load', onLoad);
        window.__gdbDisarm = null;
    };
    return true;
}"""


def arm_gesture(explorer: ExplorerView) -> None:
    """Start recording a gesture's events and the pictures that follow (see gesture_record)."""
    explorer.box.evaluate(_GESTURE_ARM_JS)


def gesture_record(explorer: ExplorerView, lab: Lab, widget_id: str, settle: float = 0.35,
                   timeout: float = 15.0) -> dict:
    """Wait for a first new picture, then until the kernel is idle and no new picture came
    for ``settle`` seconds; the probe's record (times in ms on the page's clock), and the
    probe disarmed."""
    page = explorer.page
    deadline = time.monotonic() + timeout
    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        n = page.evaluate("() => window.__gdbGesture.shown.length")
        if n != seen:
            seen, quiet_since = n, time.monotonic()
        elif (n >= 1 and time.monotonic() - quiet_since > settle
              and wait_kernel_idle(lab, widget_id, 5)):
            if page.evaluate("() => window.__gdbGesture.shown.length") == n:
                break
        time.sleep(0.03)
    return page.evaluate("() => { const g = window.__gdbGesture; "
                         "if (window.__gdbDisarm) { window.__gdbDisarm(); } return g; }")


def png_bytes(explorer: ExplorerView) -> int | None:
    """Size of the PNG the explorer's <img> shows (its blob URL, fetched in the page)."""
    try:
        return explorer.box.evaluate(
            """async (box) => { const img = box.querySelector('img.widget-image');
                               const r = await fetch(img.src); return (await r.blob()).size; }""")
    except Exception:  # noqa: BLE001 - not a blob URL
        return None


def drag_handle(explorer: ExplorerView, slider, direction: int, moves: int = 8,
                step_px: float = 5.0, pause: float = 0.03) -> None:
    """Drag the slider's handle by ``moves`` mouse moves of ``step_px`` (a learner's short
    drag, about a quarter of a second), then let go."""
    page = explorer.page
    box = slider.locator(".noUi-handle").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, moves + 1):
        page.mouse.move(x + direction * i * step_px, y)
        time.sleep(pause)
    page.mouse.up()


def kernel_eval(lab: Lab, widget_id: str, code: str, timeout: float = 30.0) -> str:
    """Run code in the notebook's kernel outside any cell; its stdout."""
    return lab.page.evaluate(
        """async ([id, code, ms]) => {
            const w = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);
            const future = w.sessionContext.session.kernel.requestExecute(
                {code, silent: false, store_history: false});
            let out = '';
            future.onIOPub = (msg) => {
                if (msg.header.msg_type === 'stream') { out += msg.content.text; }
                if (msg.header.msg_type === 'error') { out += msg.content.evalue; }
            };
            await Promise.race([future.done,
                                new Promise((_, no) => setTimeout(() => no('timeout'), ms))]);
            return out;
        }""", [widget_id, code, timeout * 1000])


def wait_kernel_idle(lab: Lab, widget_id: str, timeout: float = 60.0) -> bool:
    """Poll until the notebook's kernel is idle (False at the deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = lab.page.evaluate(
            """(id) => { const w = [...window.jupyterapp.shell.widgets('main')]
                            .find(w => w.id === id);
                         const k = w && w.sessionContext.session &&
                                   w.sessionContext.session.kernel;
                         return k ? k.status : null; }""", widget_id)
        if status == "idle":
            return True
        time.sleep(0.03)
    return False
