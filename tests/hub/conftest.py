"""The course on a real JupyterHub on 127.0.0.1 (hubkit.py): isolation, restarts, culling.

Run with ``python3 tasks.py hub-test`` (it installs the `hub` extra and the proxy first),
or ``.venv/bin/python -m pytest tests/hub``. Like tests/browser, these tests are *not*
part of ``python3 tasks.py test`` / ``pytest tests``: they run only when this folder (or
a file in it) is named on the command line, or with ``GDCOURSE_HUB=1``. Each test module
starts its own hub; every process a hub starts is stopped at the end of its module.

Without JupyterHub, nbgitpuller or configurable-http-proxy (or off Linux: the tests read
/proc), every test here is skipped with the reason.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import signal
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import hubkit  # noqa: E402


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: _opt_in
from _opt_in import unless_requested  # noqa: E402

pytest_ignore_collect = unless_requested(Path(__file__).resolve().parent, "GDCOURSE_HUB")


def missing() -> list[str]:
    problems = []
    for module in ("jupyterhub", "nbgitpuller", "jupyterhub_idle_culler"):
        if importlib.util.find_spec(module) is None:
            problems.append(f"{module} is not installed (pip install -e .[hub])")
    if not hubkit.proxy_command().exists():
        problems.append("configurable-http-proxy is not in .venv/node "
                        "(python3 tasks.py hub-test installs it with npm)")
    if not Path("/proc/self/environ").exists():
        problems.append("these tests read /proc (Linux only)")
    return problems


@pytest.fixture(scope="session")
def hub_requirements():
    problems = missing()
    if problems:
        pytest.skip("; ".join(problems))


@pytest.fixture(scope="session")
def course_remote(hub_requirements, tmp_path_factory):
    """The committed course as a local git repository, named like the real one."""
    remote = tmp_path_factory.mktemp("remote") / "gdcourse"
    hubkit.publish_course(remote)
    return remote


@pytest.fixture(scope="session")
def tasks():
    spec = importlib.util.spec_from_file_location("gdcourse_tasks", hubkit.ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HUBS: list[hubkit.Hub] = []


def _stop_every_hub(*_):
    for hub in HUBS:  # processes, and the Unix users a hub added
        try:
            hub.shutdown()
        except Exception:  # the last safety net must try every hub
            hubkit.kill_marked(hub.run_id)


def make_hub(**kwargs) -> hubkit.Hub:
    """A hub whose processes are stopped by its test module, and at the latest on exit.

    The first hub makes a SIGTERM (tasks.py passes Ctrl+C on as one) end pytest through
    KeyboardInterrupt, so that the fixtures' clean-up runs; the atexit hook is the last
    safety net.
    """
    if not HUBS:
        atexit.register(_stop_every_hub)
        signal.signal(signal.SIGTERM, _interrupt)
    # Not under pytest's tmp_path: the homes, the database and the logs of a hub should be
    # gone with it, and a short path keeps the proxy's and servers' URLs readable in logs.
    hub = hubkit.Hub(Path(tempfile.mkdtemp(prefix="gdcourse-hubtest-")), **kwargs)
    HUBS.append(hub)
    return hub


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")
