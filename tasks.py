#!/usr/bin/env python3
"""Set up and run the gdcourse course.  Standard library only; Linux, macOS, Windows.

    python3 tasks.py lab      set everything up, then open the course in JupyterLab
    python3 tasks.py test     set everything up, then run every test (unit tests + notebooks)
    python3 tasks.py browser  the course in a real browser: JupyterLab + headless Chromium
    python3 tasks.py setup    only create/update the environment in .venv
    python3 tasks.py strip    remove outputs from every notebook (do this before committing)
    python3 tasks.py notebooks  write notebooks/ and notebooks/solutions/ from course/ sources
    python3 tasks.py clean    remove caches and build leftovers (--venv also removes .venv)

On Windows type `py tasks.py lab` instead of `python3 tasks.py lab`.
Extra arguments after `lab` go to JupyterLab, after `test` and `browser` to pytest.

Setup is idempotent: it creates .venv with the `venv` module if it is missing and runs
`pip install -e .[lab,test]` only when pyproject.toml (or the checkout's location) changed
since the last successful install, which is recorded in a stamp file inside .venv.
`browser` also installs the `browser` extra (Python Playwright) the same way, and needs
Debian's Chromium (`apt-get install -y chromium`; Playwright downloads no browser here).
Without Chromium the browser tests are skipped, and this says so.
"""

import hashlib
import os
import shutil
import subprocess
import sys
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

    Ctrl+C reaches the child too (same console); we wait for it to finish by itself, so
    JupyterLab can shut down cleanly and pytest can print its summary.
    """
    proc = subprocess.Popen([str(c) for c in cmd], cwd=str(ROOT), **kwargs)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


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
    say(f"installing gdcourse and its dependencies [{extras}] into .venv (about a minute the first time) ...")
    cmd = [py, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off",
           "-q", "-e", f".[{extras}]"]
    if run(cmd) != 0:
        stamp_file.unlink(missing_ok=True)
        fail("pip install failed (see the messages above).")
    stamp_file.write_text(fingerprint + "\n")
    # matplotlib builds its font cache on first use and says so on stderr; doing it here
    # keeps "Matplotlib is building the font cache" out of the first notebook.
    run([py, "-c", "import matplotlib.pyplot"], stderr=subprocess.DEVNULL)
    say("environment ready")
    return py


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


def cmd_lab(args):
    py = setup()
    one_blas_thread()
    if getattr(os, "geteuid", lambda: 1)() == 0 and "--allow-root" not in args:
        args = [*args, "--allow-root"]  # JupyterLab refuses to run as root otherwise (containers)
    say("starting JupyterLab on notebooks/ (stop it with Ctrl+C, twice) ...")
    return run([py, "-m", "jupyterlab", "notebooks/", *args])


def cmd_test(args):
    py = setup()
    one_blas_thread()
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


def cmd_browser(args):
    setup()
    py = setup(BROWSER_EXTRAS, BROWSER_STAMP)
    missing = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"chromium not found at {CHROMIUM}: apt-get install -y chromium "
                       "(or set GDCOURSE_CHROMIUM)")
    probe = [py, "-c", "import playwright.sync_api"]
    if run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        missing.append("Python Playwright cannot be imported in .venv "
                       f"(pip install -e .[{BROWSER_EXTRAS}])")
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
    "test": cmd_test,
    "browser": cmd_browser,
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
