#!/usr/bin/env python3
"""Set up and run the gdcourse course.  Standard library only; Linux, macOS, Windows.

    python3 tasks.py lab      set everything up, then open the course in JupyterLab
                              (--lang zh_CN: the Chinese edition, 简体中文版)
    python3 tasks.py notebook the same in Jupyter Notebook 7 (the classic-style interface)
    python3 tasks.py doctor   check the installation (widgets, kernel, versions); changes nothing
    python3 tasks.py test     set everything up, then run every test (unit tests + notebooks);
                              --with-torch also installs PyTorch (CPU) for the comparison tests
    python3 tasks.py browser  the course in a real browser: JupyterLab + headless Chromium
    python3 tasks.py classroom --students N   a class on a real local JupyterHub (load test)
    python3 tasks.py hub-test the hub's tests: isolation, restarts, idle culling, nbgrader
    python3 tasks.py pull-link --hub URL      the nbgitpuller link that hands out the course
    python3 tasks.py nbgrader nbgrader assignments from course/ (into build/nbgrader)
    python3 tasks.py site     run every chapter and build the course website into build/site/;
                              --test also crawls it in headless Chromium (website/README.md)
    python3 tasks.py setup    only create/update the environment in .venv
    python3 tasks.py strip    remove outputs from every notebook (do this before committing)
    python3 tasks.py notebooks  write notebooks/ and notebooks/solutions/ from course/ sources
    python3 tasks.py clean    remove caches and build leftovers (--venv also removes .venv)

On Windows type `py tasks.py lab` instead of `python3 tasks.py lab`.
Extra arguments after `lab` go to JupyterLab, after `test` and `browser` to pytest.

`lab --lang zh_CN` opens notebooks/zh_CN/00_welcome.ipynb and, if JupyterLab's Chinese
language pack (`jupyterlab-language-pack-zh-cn`, the `zh` extra) installs, shows
JupyterLab's own menus in Chinese for that session; without it the interface stays English.

Setup is idempotent: it creates .venv with the `venv` module if it is missing and installs
`-e .[lab,test]` only when pyproject.toml (or the checkout's location) changed since the
last successful install, which is recorded in a stamp file inside .venv. It installs with
uv (taken from PATH, or put into .venv by pip) and falls back to pip;
GDCOURSE_INSTALLER=pip forces pip. It also builds matplotlib's font cache.
`browser` also installs the `browser` extra (Python Playwright) the same way, and needs
Debian's Chromium (`apt-get install -y chromium`; Playwright downloads no browser here).
Without Chromium the browser tests are skipped, and this says so.
`classroom` and `hub-test` install the `hub` and `grade` extras (JupyterHub, nbgitpuller,
the idle culler; nbgrader) the same way, and the hub's proxy with npm into .venv/node;
see tests/hub/.
`pull-link` reads the repository, branch and first page from course/course.toml.
`site` installs the `site` extra (Sphinx, myst-nb, MathJax) the same way.
"""

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
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
HUB_EXTRAS = EXTRAS + ",hub,grade"
HUB_STAMP = VENV / "gdcourse-setup-hub.stamp"
PROXY_PREFIX = VENV / "node"  # npm installs configurable-http-proxy here
COURSE_CONFIG = SOURCES / "course.toml"
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
# --lang: the edition's folder in notebooks/, and JupyterLab's language pack for it (the
# optional `zh` extra in pyproject.toml names the same package).
LANGUAGES = {"en": None, "zh_CN": "zh_CN"}
LANGUAGE_PACKS = {"zh_CN": ("jupyterlab-language-pack-zh-cn", "jupyterlab_language_pack_zh_CN")}
LAB_LOCALE_DIR = VENV / "gdcourse-lab-config"  # labconfig/ with the language for one session


def pop_language(args):
    """(language, the other arguments) from `--lang X` or `--lang=X` (default English)."""
    rest, lang, it = [], "en", iter(args)
    for arg in it:
        if arg == "--lang":
            lang = next(it, "")
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    lang = {"zh": "zh_CN", "zh-CN": "zh_CN", "zh-cn": "zh_CN", "zh_cn": "zh_CN"}.get(lang, lang)
    if lang not in LANGUAGES:
        fail(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    return lang, rest


def language_pack(py, lang):
    """JupyterLab's interface in ``lang``: install its language pack if needed (optional).

    Returns the environment for JupyterLab (a config folder that sets the interface
    language for this session only; settings you chose yourself win), or None when the
    pack is not there and cannot be installed: then the interface stays English.
    """
    package, module = LANGUAGE_PACKS[lang]
    probe = [py, "-c", f"import {module}"]
    if run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        say(f"installing JupyterLab's interface in {lang} ({package}, about 0.2 MB) ...")
        if not install(py, [package]) or run(probe, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL) != 0:
            say(f"could not install {package}; JupyterLab's menus stay in English "
                "(the course itself is in Chinese all the same)")
            return None
    labconfig = LAB_LOCALE_DIR / lang / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    overrides = ('{"@jupyterlab/translation-extension:plugin": {"locale": "%s"}}\n' % lang)
    target = labconfig / "default_setting_overrides.json"
    if not target.exists() or target.read_text(encoding="utf-8") != overrides:
        target.write_text(overrides, encoding="utf-8")
    paths = [str(LAB_LOCALE_DIR / lang), os.environ.get("JUPYTER_CONFIG_PATH", "")]
    return {**os.environ, "JUPYTER_CONFIG_PATH": os.pathsep.join(p for p in paths if p)}


def cmd_lab(args, app="jupyterlab", name="JupyterLab"):
    """Open chapter 00 in JupyterLab (or, with app="notebook", in Jupyter Notebook 7).

    ``--lang zh_CN`` opens the Chinese edition (notebooks/zh_CN/), with JupyterLab's own
    interface in Chinese when its language pack can be installed.
    """
    lang, args = pop_language(args)
    py = setup()
    one_blas_thread()
    if getattr(os, "geteuid", lambda: 1)() == 0 and "--allow-root" not in args:
        args = [*args, "--allow-root"]  # Jupyter refuses to run as root otherwise (containers)
    first, env = FIRST_PAGE, None
    if LANGUAGES[lang]:
        first = f"{LANGUAGES[lang]}/{FIRST_PAGE}"
        env = language_pack(py, lang)
    say(f"starting {name} with {first} (stop it with Ctrl+C, twice) ...")
    # From notebooks/, so the file browser shows the chapters; the first page opens by itself.
    return run([py, "-m", app, first, *args], cwd=NOTEBOOKS, env=env)


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


def install_proxy():
    """JupyterHub's proxy, configurable-http-proxy, from npm into .venv/node (seconds)."""
    proxy = PROXY_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"
    if proxy.exists():
        return proxy
    npm = shutil.which("npm")
    if not npm:
        fail("JupyterHub's proxy comes from npm, and npm is not installed "
             "(Debian/Ubuntu: apt-get install -y npm).")
    say("installing configurable-http-proxy (npm) into .venv/node ...")
    code = run([npm, "install", "--prefix", PROXY_PREFIX, "--no-audit", "--no-fund",
                "--loglevel=error", "configurable-http-proxy"])
    if code != 0 or not proxy.exists():
        fail("npm could not install configurable-http-proxy (see above).")
    return proxy


def cmd_classroom(args):
    """A class on a real JupyterHub on 127.0.0.1: N students at once (tests/hub/classroom.py)."""
    setup()
    py = setup(HUB_EXTRAS, HUB_STAMP)
    install_proxy()
    one_blas_thread()
    return run([py, ROOT / "tests" / "hub" / "classroom.py", *args])


def cmd_hub_test(args):
    """tests/hub: isolation, no lost work across hub restarts, culling, kernel ports, nbgrader."""
    setup()
    py = setup(HUB_EXTRAS, HUB_STAMP)
    install_proxy()
    one_blas_thread()
    say("running the hub tests (pytest tests/hub) ...")
    code = run([py, "-m", "pytest", "-q", "tests/hub", *args])
    if code == 5:
        fail("pytest collected no hub tests; that counts as a failure.", 5)
    if code != 0:
        fail(f"hub tests failed (pytest exit code {code}).", code)
    say("hub tests passed")
    return 0


def read_course_config(path=COURSE_CONFIG):
    """course/course.toml as a dict: tomllib where there is one (3.11+), else a small parser.

    The small parser knows what the file uses: comments, ``[table]`` headers and
    ``key = "string"`` lines.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = None
    if tomllib is not None:
        return tomllib.loads(text)
    config = table = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            table = config.setdefault(line[1:-1].strip(), {})
            continue
        key, sep, value = (part.strip() for part in line.partition("="))
        if not sep or len(value) < 2 or value[0] != '"' or value.rfind('"') == 0:
            raise ValueError(f"{path}:{number}: expected key = \"string\"")
        table[key] = value[1:value.rfind('"')]
    return config


def pull_link(hub, repository, branch, page):
    """The nbgitpuller link that clones (later: merges) the course and opens ``page``.

    nbgitpuller clones into a folder named after the repository's last path segment,
    so the page opened afterwards is ``lab/tree/<that folder>/<page>``.
    """
    folder = repository.rstrip("/").split("/")[-1]
    query = urllib.parse.urlencode({"repo": repository, "branch": branch,
                                    "urlpath": f"lab/tree/{folder}/{page}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def cmd_pull_link(args):
    config = read_course_config()
    parser = argparse.ArgumentParser(
        prog="python3 tasks.py pull-link",
        description="Print the nbgitpuller link that hands the course out on a JupyterHub. "
                    f"The defaults come from {COURSE_CONFIG.relative_to(ROOT)}.")
    hub = config.get("jupyterhub_url", "")
    parser.add_argument("--hub", required=not hub, default=hub or None,
                        help="the hub's address, e.g. https://hub.example.org "
                             "(default: jupyterhub_url in course/course.toml, if set)")
    parser.add_argument("--repository", default=config["repository"])
    parser.add_argument("--branch", default=config["branch"],
                        help="e.g. students, the branch without solutions (notebooks/README.md)")
    parser.add_argument("--page", default=config["first_page"],
                        help="the notebook to open, relative to the repository's root")
    options = parser.parse_args(args)
    print(pull_link(options.hub, options.repository, options.branch, options.page))
    return 0


def cmd_nbgrader(args):
    """nbgrader assignments from the course's sources (deploy/nbgrader/make_assignments.py)."""
    return run([sys.executable, ROOT / "deploy" / "nbgrader" / "make_assignments.py", *args])


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
    "classroom": cmd_classroom,
    "hub-test": cmd_hub_test,
    "pull-link": cmd_pull_link,
    "nbgrader": cmd_nbgrader,
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
