"""The course website in a real browser: the built site, a local server, headless Chromium.

Run with ``python3 tasks.py site --test`` (builds the site, then runs these tests), or on a
site built before: ``.venv/bin/python -m pytest tests/site``. Like tests/browser, these
tests are *not* part of ``python3 tasks.py test``: they run only when this folder (or a file
in it) is named on the command line, or with ``GDCOURSE_SITE_TESTS=1``.

The site is served from ``build/site/`` (``GDCOURSE_SITE_DIR`` names another folder) on
127.0.0.1; the browser is Debian's Chromium (``/usr/bin/chromium`` or
``GDCOURSE_CHROMIUM``), driven by Python Playwright, which downloads nothing. Without
them every test is skipped, with the reason. A missing site is a failure, not a skip.

Screenshots of every page, light and dark, go to ``build/site-screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # labdriver: Chromium and its flags


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: _opt_in
from _opt_in import unless_requested  # noqa: E402

pytest_ignore_collect = unless_requested(Path(__file__).resolve().parent, "GDCOURSE_SITE_TESTS")


@pytest.fixture(scope="session")
def site_dir() -> Path:
    folder = Path(os.environ.get("GDCOURSE_SITE_DIR", ROOT / "build" / "site")).resolve()
    if not (folder / "index.html").is_file():
        pytest.fail(f"no site in {folder}: build it first with  python3 tasks.py site")
    return folder


class _Handler(http.server.SimpleHTTPRequestHandler):
    log: list  # (path, status), shared by the server's threads

    def log_request(self, code="-", size="-"):
        self.log.append((self.path, int(code) if str(code).isdigit() else code))

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture(scope="session")
def site_server(site_dir):
    """The site over HTTP on 127.0.0.1 (a random free port); yields its base URL."""
    log: list = []
    handler = type("Handler", (_Handler,), {"log": log})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium():
    from labdriver import CHROMIUM_ARGS, find_chromium, playwright_problem

    path, why = find_chromium()
    if path is None:
        pytest.skip(why)
    problem = playwright_problem()
    if problem:
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
