"""tasks.py as a learner runs it: what `lab` opens, how a stop reaches the server, the
installer it picks, and the notice when the PyTorch comparisons are skipped."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POSIX = os.name == "posix"


def load_tasks():
    spec = importlib.util.spec_from_file_location("gdcourse_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("command, app", [("lab", "jupyterlab"), ("notebook", "notebook")])
def test_lab_and_notebook_open_chapter_00_from_the_notebooks_folder(monkeypatch, command, app):
    tasks = load_tasks()
    calls = []
    monkeypatch.setattr(tasks, "setup", lambda *a, **k: Path("/venv/bin/python"))
    monkeypatch.setattr(tasks, "run", lambda cmd, **kw: calls.append((cmd, kw)) or 0)
    assert tasks.COMMANDS[command](["--port", "9999"]) == 0
    (cmd, kwargs), = calls
    assert cmd[1:6] == ["-m", app, "00_welcome.ipynb", "--port", "9999"]
    assert kwargs["cwd"] == tasks.NOTEBOOKS and (tasks.NOTEBOOKS / "00_welcome.ipynb").is_file()


@pytest.mark.parametrize("pack_installs", [True, False])
def test_lab_lang_zh_cn_opens_the_chinese_edition(monkeypatch, tmp_path, pack_installs):
    tasks = load_tasks()
    calls = []
    monkeypatch.setattr(tasks, "setup", lambda *a, **k: Path("/venv/bin/python"))
    monkeypatch.setattr(tasks, "LAB_LOCALE_DIR", tmp_path)
    monkeypatch.setattr(tasks, "install", lambda py, req: pack_installs)

    def fake_run(cmd, **kw):
        if "-c" in cmd:  # the probe: is the language pack importable?
            return 0 if pack_installs and calls else 1
        calls.append((cmd, kw))
        return 0

    monkeypatch.setattr(tasks, "run", fake_run)
    calls.append(None)  # the first probe fails, the one after installing succeeds
    assert tasks.COMMANDS["lab"](["--lang", "zh_CN", "--port", "9999"]) == 0
    (cmd, kwargs), = calls[1:]
    assert cmd[1:6] == ["-m", "jupyterlab", "zh_CN/00_welcome.ipynb", "--port", "9999"]
    assert (tasks.NOTEBOOKS / "zh_CN" / "00_welcome.ipynb").is_file()
    env = kwargs["env"]
    if pack_installs:
        overrides = tmp_path / "zh_CN" / "labconfig" / "default_setting_overrides.json"
        assert json.loads(overrides.read_text()) == {
            "@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}
        assert str(tmp_path / "zh_CN") in env["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    else:
        assert env is None  # JupyterLab's menus stay English; the course is Chinese anyway
    extras = tomllib_or_skip()["project"]["optional-dependencies"]["zh"]
    assert extras == [tasks.LANGUAGE_PACKS["zh_CN"][0]]


def tomllib_or_skip():
    try:
        import tomllib
    except ModuleNotFoundError:
        pytest.skip("needs Python 3.11 (tomllib)")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_lab_rejects_an_unknown_language(monkeypatch):
    tasks = load_tasks()
    monkeypatch.setattr(tasks, "setup", lambda *a, **k: Path("/venv/bin/python"))
    with pytest.raises(SystemExit):
        tasks.COMMANDS["lab"](["--lang", "xx"])


def test_installer_prefers_uv_and_can_be_told_to_use_pip(monkeypatch, tmp_path):
    tasks = load_tasks()
    monkeypatch.setattr(tasks, "VENV", tmp_path)
    monkeypatch.setattr(tasks.shutil, "which", lambda name: "/usr/local/bin/uv")
    assert tasks.uv_command(sys.executable) == "/usr/local/bin/uv"
    monkeypatch.setenv("GDCOURSE_INSTALLER", "pip")
    assert tasks.uv_command(sys.executable) is None


def test_install_falls_back_to_pip_when_uv_fails(monkeypatch):
    tasks = load_tasks()
    calls = []
    monkeypatch.setattr(tasks, "uv_command", lambda py: "/x/uv")
    monkeypatch.setattr(tasks, "run", lambda cmd, **kw: calls.append(cmd) or (1 if cmd[0] == "/x/uv" else 0))
    assert tasks.install("/x/python", ["-e", ".[lab]"])
    assert calls[0][:3] == ["/x/uv", "pip", "install"] and calls[1][:3] == ["/x/python", "-m", "pip"]


# ------------------------------------------------------------------ stopping the child
CHILD = textwrap.dedent("""
    import os, signal, sys, time
    out = sys.argv[1]
    def stop(signum, frame):
        with open(out, "a") as f:
            f.write(f"got {signal.Signals(signum).name}\\n")
        if "--stubborn" not in sys.argv:
            time.sleep(0.3)       # a server takes a moment to shut its kernels down
            sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    with open(out, "a") as f:
        f.write(f"pid {os.getpid()}\\n")
    while True:
        time.sleep(0.05)
""")

WRAPPER = textwrap.dedent("""
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("tasks", sys.argv[1])
    tasks = importlib.util.module_from_spec(spec); spec.loader.exec_module(tasks)
    tasks.STOP_GRACE = 2
    sys.exit(tasks.run([sys.executable, *sys.argv[2:]]))
""")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it has exited all the same
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def _start(tmp_path, *child_args):
    (tmp_path / "child.py").write_text(CHILD)
    (tmp_path / "wrapper.py").write_text(WRAPPER)
    out = tmp_path / "out.txt"
    wrapper = subprocess.Popen([sys.executable, str(tmp_path / "wrapper.py"), str(ROOT / "tasks.py"),
                                str(tmp_path / "child.py"), str(out), *child_args],
                               stdin=subprocess.DEVNULL)
    for _ in range(200):
        if out.exists() and out.read_text().startswith("pid"):
            break
        time.sleep(0.05)
    child = int(out.read_text().split()[1])
    return wrapper, child, out


@pytest.mark.skipif(not POSIX, reason="signals are POSIX")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_reaches_the_child_and_waits_for_it(tmp_path, signum):
    wrapper, child, out = _start(tmp_path)
    wrapper.send_signal(signum)
    assert wrapper.wait(timeout=30) == 128 + signum
    # The child got a stop request (every stop becomes the SIGTERM servers shut down on) ...
    assert "got SIGTERM" in out.read_text()
    # ... and had finished before the wrapper exited: no orphan keeps running.
    assert not _alive(child)


@pytest.mark.skipif(not POSIX, reason="signals are POSIX")
def test_a_child_that_ignores_the_stop_is_killed_after_the_grace_time(tmp_path):
    wrapper, child, out = _start(tmp_path, "--stubborn")
    start = time.monotonic()
    wrapper.send_signal(signal.SIGTERM)
    assert wrapper.wait(timeout=30) == 128 + signal.SIGTERM
    assert not _alive(child) and time.monotonic() - start >= 1.5


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup_is_current():
    tasks = load_tasks()
    return (tasks.STAMP.exists() and tasks.STAMP.read_text().strip() == tasks.setup_fingerprint()
            and Path(sys.prefix).resolve() == tasks.VENV.resolve())


@pytest.mark.skipif(not POSIX, reason="signals are POSIX")
@pytest.mark.skipif(not _setup_is_current(), reason="needs the .venv that tasks.py setup made")
def test_sigterm_to_tasks_py_lab_stops_jupyterlab(tmp_path):
    port, token = _free_port(), "stop-test"
    env = {**os.environ, **{name: str(tmp_path / name) for name in (
        "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR")}}
    lab = subprocess.Popen([sys.executable, str(ROOT / "tasks.py"), "lab", "--no-browser",
                            f"--port={port}", "--ip=127.0.0.1", f"--ServerApp.token={token}",
                            "--LabApp.news_url=None"],
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                json.load(urllib.request.urlopen(url, timeout=2))
                break
            except OSError:
                assert time.monotonic() < deadline and lab.poll() is None, "JupyterLab did not start"
                time.sleep(0.5)
        lab.send_signal(signal.SIGTERM)
        assert lab.wait(timeout=60) == 128 + signal.SIGTERM
        with pytest.raises(OSError):   # nobody serves the port any more
            urllib.request.urlopen(url, timeout=2)
    finally:
        if lab.poll() is None:
            lab.kill()


# ------------------------------------------------------------ the PyTorch notice
def test_skipped_torch_comparisons_are_announced_with_the_command(tmp_path):
    conftest = (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\n"
        "def test_plain():\n    pass\n\n"
        "def test_needs_torch():\n    pytest.skip(\"could not import 'torch': No module\")\n")
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                         timeout=120)
    assert out.returncode == 0, out.stdout
    assert "tasks.py test --with-torch" in out.stdout
    assert "1 test(s)" in out.stdout
