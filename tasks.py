#!/usr/bin/env python3
"""Set up and run the gdcourse course.  Standard library only; Linux, macOS, Windows.

    python3 tasks.py lab      set everything up, then open the course in JupyterLab
    python3 tasks.py notebook the same in Jupyter Notebook 7 (the classic-style interface)
    python3 tasks.py doctor   check the installation (widgets, kernel, versions); changes nothing
    python3 tasks.py test     set everything up, then run every test (unit tests + notebooks);
                              --with-torch also installs PyTorch (CPU) for the comparison tests
    python3 tasks.py browser  the course in a real browser: JupyterLab + headless Chromium
    python3 tasks.py site     run every chapter and build the course website into build/site/;
                              --test also crawls it in headless Chromium (website/README.md)
    python3 tasks.py setup    only create/update the environment in .venv
    python3 tasks.py strip    remove outputs from every notebook (do this before committing)
    python3 tasks.py notebooks  write notebooks/ and notebooks/solutions/ from course/ sources
    python3 tasks.py clean    remove caches and build leftovers (--venv also removes .venv)

On Windows type `py tasks.py lab` instead of `python3 tasks.py lab`.
Extra arguments after `lab` go to JupyterLab, after `test` and `browser` to pytest.

Setup is idempotent: it creates .venv with the `venv` module if it is missing and installs
`-e .[lab,test]` only when pyproject.toml (or the checkout's location) changed since the
last successful install, which is recorded in a stamp file inside .venv. It installs with
uv (taken from PATH, or put into .venv by pip) and falls back to pip;
GDCOURSE_INSTALLER=pip forces pip. It also builds matplotlib's font cache.
`browser` also installs the `browser` extra (Python Playwright) the same way, and needs
Debian's Chromium (`apt-get install -y chromium`; Playwright downloads no browser here).
Without Chromium the browser tests are skipped, and this says so.
`site` installs the `site` extra (Sphinx, myst-nb, MathJax) the same way.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

MIN_PYTHON = (3, 10)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
NOTEBOOKS = ROOT / "notebooks"
SOURCES = ROOT / "course"  # one source per notebook -> student and solved versions
EXTRAS = "lab,test"
STAMP = VENV / "gdcourse-setup.stamp"
BROWSER_EXTRAS = EXTRAS + ",browser"
BROWSER_STAMP = VENV / "gdcourse-setup-browser.stamp"
SITE_EXTRAS = EXTRAS + ",site"
SITE_STAMP = VENV / "gdcourse-setup-site.stamp"
CHROMIUM = os.environ.get("GDCOURSE_CHROMIUM", "/usr/bin/chromium")
PYTEST_ARGS = [
    "tests",
    "notebooks",
    "--nbval-lax",
    "--nbval-current-env",
    "--nbval-cell-timeout=120",
    "-q",
]


def say(msg):
    print(f"[gdcourse] {msg}", flush=True)


def fail(msg, code=1):
    print(f"[gdcourse] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def venv_python():
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(cmd, **kwargs):
    """Run a command from the repository root and return its exit code.

    The child (JupyterLab, pytest) must never outlive us. Ctrl+C in a terminal reaches
    the child by itself (same process group); we wait for it to finish, so JupyterLab can
    shut down cleanly and pytest can print its summary. A SIGTERM or SIGHUP sent to this
    process alone (an IDE's stop button, `kill`, a closed terminal), or a SIGINT that did
    not come from the terminal, becomes a SIGTERM to the child; then we wait for the child
    to exit (killing it if it takes longer than STOP_GRACE seconds) and exit too.
    """
    proc = subprocess.Popen([str(c) for c in cmd], cwd=str(kwargs.pop("cwd", ROOT)), **kwargs)
    stops = []  # (signal, time) of stop requests; the handler must not wait itself
    previous = {}

    def forward(signum, frame):
        if signum == signal.SIGINT and _from_terminal():
            return  # the terminal sent it to the child as well
        if proc.poll() is None:  # a stop request: SIGTERM is what servers shut down on
            proc.send_signal(signal.SIGTERM)
        stops.append((signum, time.monotonic()))

    if os.name != "nt":
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            previous[signum] = signal.signal(signum, forward)
    try:
        while True:
            try:
                code = proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if stops and time.monotonic() - stops[0][1] > STOP_GRACE:
                    proc.kill()
            except KeyboardInterrupt:  # Windows: Ctrl+C reaches the child; keep waiting
                continue
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if stops:
        raise SystemExit(128 + stops[0][0])
    return code


STOP_GRACE = 20  # seconds a stopped child may take to shut down (JupyterLab stops kernels)


def _from_terminal():
    """True if we are in the terminal's foreground process group (so was the child)."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, AttributeError, ValueError):
        return False


def setup_fingerprint(extras=EXTRAS):
    h = hashlib.sha256()
    h.update((ROOT / "pyproject.toml").read_bytes())
    h.update(f"\nextras={extras}\nroot={ROOT}\n".encode())
    return h.hexdigest()


def package_installed(py):
    code = "import importlib.metadata as m; m.distribution('gdcourse')"
    return run([py, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def setup(extras=EXTRAS, stamp_file=STAMP):
    """Create .venv if needed and install the package with its extras if needed."""
    py = venv_python()
    if not py.exists():
        if VENV.exists():
            fail(
                f"{VENV} exists but has no {py.relative_to(VENV)}; it was probably made on "
                "another system or by another tool. Delete the .venv folder and run this again."
            )
        say(f"creating a virtual environment in .venv with Python {sys.version.split()[0]} ...")
        import venv

        try:
            venv.EnvBuilder(with_pip=True).create(str(VENV))
        except Exception as exc:  # e.g. Debian/Ubuntu without the python3-venv package
            shutil.rmtree(VENV, ignore_errors=True)
            fail(
                f"could not create the virtual environment ({exc}).\n"
                "  On Debian/Ubuntu: sudo apt install python3-venv   (then run this again)"
            )
    fingerprint = setup_fingerprint(extras)
    stamp = stamp_file.read_text().strip() if stamp_file.exists() else ""
    if stamp == fingerprint and package_installed(py):
        say(f"environment is up to date (.venv, [{extras}])")
        return py
    say(f"installing gdcourse and its dependencies [{extras}] into .venv "
        "(the first time: about 15 s with uv, a few minutes with pip) ...")
    if not install(py, ["-e", f".[{extras}]"]):
        stamp_file.unlink(missing_ok=True)
        fail("the installation failed (see the messages above).")
    warm_caches(py)
    stamp_file.write_text(fingerprint + "\n")
    say("environment ready")
    return py


PIP = ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", "-q"]


def uv_command(py):
    """The `uv` to install with, or None to use pip.

    uv installs the course's ~110 packages in seconds where pip takes minutes
    (benchmarks/README.md). One on PATH is used as it is; otherwise pip installs uv into
    .venv first (a few seconds). GDCOURSE_INSTALLER=pip skips uv altogether; if uv cannot
    be had (no wheel for this platform, no network), pip does the work.
    """
    if os.environ.get("GDCOURSE_INSTALLER", "").lower() == "pip":
        return None
    found = shutil.which("uv")
    if found:
        return found
    local = VENV / ("Scripts/uv.exe" if os.name == "nt" else "bin/uv")
    if not local.exists():
        run([py, *PIP, "uv"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(local) if local.exists() else None


def install(py, requirements):
    """Install into .venv with uv if possible, else with pip; True on success."""
    uv = uv_command(py)
    if uv and run([uv, "pip", "install", "--python", py, "--quiet", *requirements]) == 0:
        return True
    if uv:
        say("uv could not install the packages; trying pip instead ...")
    return run([py, *PIP, *requirements]) == 0


def warm_caches(py):
    """Build matplotlib's font cache now, not in the learner's first notebook.

    On a new machine (or Binder) the first `import matplotlib.pyplot` spends seconds
    building it and says "Matplotlib is building the font cache" in a stderr box.
    """
    run([py, "-c", "import matplotlib.font_manager"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def notebook_files(folders=(NOTEBOOKS, SOURCES)):
    return sorted(
        p for folder in folders if folder.is_dir()
        for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def nbstripout(py, extra):
    """Strip (or with ``--verify`` check) every notebook; 0 when all went well.

    The sources in course/ keep their cell ids: they are the stable keys that translations
    and reviews refer to. The generated notebooks get ids 0, 1, ... from course/build.py,
    which is what nbstripout writes without ``--keep-id``.
    """
    code = 0
    for folder, keep in ((SOURCES, ["--keep-id"]), (NOTEBOOKS, [])):
        files = [str(p.relative_to(ROOT)) for p in notebook_files([folder])]
        if files:  # nbstripout without files would read a notebook from stdin
            code = run([py, "-m", "nbstripout", *keep, *extra, *files]) or code
    return code


def cmd_setup(args):
    setup()
    say("next: python3 tasks.py lab   (or: python3 tasks.py test)")
    return 0


def one_blas_thread():
    """Run NumPy's matrix products on one thread in this process's children (kernels too).

    The course's matrices are tiny (at most 64 x 128); a second BLAS thread only waits
    for a core, and on a busy 2-core machine training ran 2-10x slower with it
    (benchmarks/README.md). Values already set by the user are kept.
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


FIRST_PAGE = "00_welcome.ipynb"


def cmd_lab(args, app="jupyterlab", name="JupyterLab"):
    """Open chapter 00 in JupyterLab (or, with app="notebook", in Jupyter Notebook 7)."""
    py = setup()
    one_blas_thread()
    if getattr(os, "geteuid", lambda: 1)() == 0 and "--allow-root" not in args:
        args = [*args, "--allow-root"]  # Jupyter refuses to run as root otherwise (containers)
    say(f"starting {name} with {FIRST_PAGE} (stop it with Ctrl+C, twice) ...")
    # From notebooks/, so the file browser shows the chapters; the first page opens by itself.
    return run([py, "-m", app, FIRST_PAGE, *args], cwd=NOTEBOOKS)


def cmd_notebook(args):
    return cmd_lab(args, app="notebook", name="Jupyter Notebook 7")


def cmd_doctor(args):
    """Check the installation (no changes made); exit 1 when something is wrong."""
    py = venv_python()
    if not py.exists():
        print("✘ environment: there is no .venv here yet\n    fix: python3 tasks.py setup")
        return 1
    stamp = STAMP.read_text().strip() if STAMP.exists() else ""
    code = run([py, "-m", "gdcourse.doctor", NOTEBOOKS, *args])
    if stamp != setup_fingerprint():
        print("✘ environment: .venv is older than pyproject.toml\n    fix: python3 tasks.py setup")
        return 1
    return code


TORCH_CPU = ["torch", "--index-url", "https://download.pytorch.org/whl/cpu"]


def install_torch(py):
    """PyTorch (CPU build) for the parity tests; never a dependency of the course.

    GDCOURSE_TORCH replaces the pip arguments (e.g. GDCOURSE_TORCH="torch==2.13.0" where
    a local wheel is configured). macOS wheels on PyPI are CPU builds already.
    """
    probe = [py, "-c", "import torch"]
    if run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
        return
    spec = os.environ.get("GDCOURSE_TORCH", "").split() or (
        ["torch"] if sys.platform == "darwin" else TORCH_CPU)
    say(f"installing PyTorch for the comparison tests: pip install {' '.join(spec)} ...")
    if run([py, *PIP, *spec]) != 0:
        fail("could not install PyTorch (see above); the other tests run without it.")


def cmd_test(args):
    py = setup()
    one_blas_thread()
    if "--with-torch" in args:
        args = [a for a in args if a != "--with-torch"]
        install_torch(py)
    n = len(notebook_files())
    say(f"checking that {n} notebook(s) are stored without outputs ...")
    if nbstripout(py, ["--verify"]) != 0:
        fail("some notebooks contain outputs or execution counts; run: python3 tasks.py strip")
    say("running unit tests and notebooks (pytest + nbval) ...")
    code = run([py, "-m", "pytest", *PYTEST_ARGS, *args])
    if code == 5:
        fail("pytest collected no tests; that counts as a failure.", 5)
    if code != 0:
        fail(f"tests failed (pytest exit code {code}).", code)
    say("all tests passed")
    return 0


def loudly(lines):
    bar = "!" * 78
    print("\n".join(["", bar, *(f"!! {line}" for line in lines), bar, ""]),
          file=sys.stderr, flush=True)


def browser_problems(py):
    """What is missing for the tests in a real browser (empty when nothing is)."""
    missing = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"chromium not found at {CHROMIUM}: apt-get install -y chromium "
                       "(or set GDCOURSE_CHROMIUM)")
    probe = [py, "-c", "import playwright.sync_api"]
    if run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        missing.append("Python Playwright cannot be imported in .venv "
                       f"(pip install -e .[{BROWSER_EXTRAS}])")
    return missing


def cmd_browser(args):
    setup()
    py = setup(BROWSER_EXTRAS, BROWSER_STAMP)
    missing = browser_problems(py)
    if missing:
        loudly(["THE BROWSER TESTS WILL BE SKIPPED, NOT RUN:", *missing])
    say("running the course in JupyterLab in headless Chromium (pytest tests/browser) ...")
    code = run([py, "-m", "pytest", "tests/browser", *args])
    if missing:
        loudly(["THE BROWSER TESTS WERE SKIPPED, NOT RUN:", *missing])
    if code == 5:
        fail("pytest collected no browser tests; that counts as a failure.", 5)
    if code != 0:
        fail(f"browser tests failed (pytest exit code {code}); "
             "screenshots in build/browser-screenshots/", code)
    if not missing:
        say("browser tests passed; screenshots in build/browser-screenshots/")
    return 0


def cmd_site(args):
    """Build the course website (website/build.py); with --test, crawl it (tests/site)."""
    test = "--test" in args
    args = [a for a in args if a != "--test"]
    setup()
    py = setup(SITE_EXTRAS, SITE_STAMP)
    one_blas_thread()
    say("building the course website into build/site/ (every chapter runs) ...")
    code = run([py, ROOT / "website" / "build.py", *args])
    if code != 0:
        fail(f"the website was not built (exit code {code}); see the messages above.", code)
    if not test:
        say("open build/site/index.html; check it with: python3 tasks.py site --test")
        return 0
    py = setup(BROWSER_EXTRAS, BROWSER_STAMP)
    missing = browser_problems(py)
    if missing:
        loudly(["THE WEBSITE TESTS WILL BE SKIPPED, NOT RUN:", *missing])
    say("crawling the website in headless Chromium (pytest tests/site) ...")
    code = run([py, "-m", "pytest", "-q", "tests/site"])
    if missing:
        loudly(["THE WEBSITE TESTS WERE SKIPPED, NOT RUN:", *missing])
    if code == 5:
        fail("pytest collected no website tests; that counts as a failure.", 5)
    if code != 0:
        fail(f"website tests failed (pytest exit code {code}); "
             "screenshots in build/site-screenshots/", code)
    if not missing:
        say("website tests passed; screenshots in build/site-screenshots/")
    return 0


def cmd_strip(args):
    py = setup()
    n = len(notebook_files())
    say(f"stripping outputs from {n} notebook(s) in notebooks/ and course/ ...")
    code = nbstripout(py, [])
    if code == 0:
        say("done")
    return code


def cmd_notebooks(args):
    """Write the student and solved notebooks from the sources, stripped of outputs."""
    py = setup()
    say("stripping outputs from the sources in course/ ...")
    sources = [str(p.relative_to(ROOT)) for p in sorted(SOURCES.glob("*.ipynb"))]
    if sources and run([py, "-m", "nbstripout", "--keep-id", *sources]) != 0:
        fail("nbstripout failed on the sources (see above).")
    return run([sys.executable, SOURCES / "build.py", *args])


def cmd_clean(args):
    skip = {".venv", ".git"}
    names = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis"}
    doomed = [ROOT / "build", ROOT / "dist", *ROOT.glob("*.egg-info")]
    for folder, dirs, _ in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip]
        doomed += [Path(folder) / d for d in dirs if d in names]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    say("removed caches and build leftovers")
    if "--venv" in args:
        shutil.rmtree(VENV, ignore_errors=True)
        say("removed .venv (the next lab/test/setup creates it again)")
    return 0


COMMANDS = {
    "lab": cmd_lab,
    "notebook": cmd_notebook,
    "doctor": cmd_doctor,
    "test": cmd_test,
    "browser": cmd_browser,
    "site": cmd_site,
    "setup": cmd_setup,
    "strip": cmd_strip,
    "notebooks": cmd_notebooks,
    "clean": cmd_clean,
}


def main(argv):
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed; this is {sys.version.split()[0]}.")
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip())
        return 0 if argv and argv[0] in ("-h", "--help", "help") else 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
