#!/usr/bin/env python3
"""Build the course website into build/site/ (run it as ``python3 tasks.py site``).

    python3 tasks.py site                 execute every chapter, build the site and its zip
    python3 tasks.py site --jobs 1        run one notebook at a time (default: 2)
    python3 tasks.py site --reuse         reuse the executed chapters of the last build
                                          (for work on the site's look; see website/README.md)

Steps, for each edition of ``website/config.toml`` (today one, English):

1. *Compose* each chapter's page from its source ``course/NN_*.ipynb`` with
   ``course/build.py``'s own rules: the student version of every cell, so an exercise shows
   the stub the learner gets and the check's answer to it ("not attempted yet"); after it a
   cell hidden behind "Show solution" with the solved code and the check's answer then.
   Cells tagged ``solution`` (the notebook's own asserts) run but are not shown.
2. *Execute* the composed notebooks (nbclient, ``--jobs`` at a time, one BLAS thread each).
   A cell that fails stops the build.
3. *Finish the outputs*: an explorer's widget view is dropped, so the page shows the PNG of
   its first figure (which the explorer puts in its display bundle) with its summary and a
   line saying it is live in JupyterLab, with launch links. No widget state is kept, so no
   widget JavaScript is included.
4. Write the pages (home, chapters, notation sheet, instructors' guide) to
   ``build/site-src/<edition>/`` and run Sphinx (myst-nb, sphinx-book-theme; conf.py here)
   into ``build/site/<edition path>/``.
5. Copy MathJax 3 (from the Python package django-static-mathjax, so that neither Node nor
   a network is needed) to ``build/site/_mathjax/``, and zip the site into
   ``build/site/gdcourse-site.zip`` for classes without a network.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from siteconfig import ROOT, Edition, SiteConfig, load_config  # noqa: E402

BUILD = ROOT / "build"
SITE = BUILD / "site"
SOURCES_OUT = BUILD / "site-src"
ZIP_NAME = "gdcourse-site.zip"
MATHJAX_DIR = "_mathjax"  # in the site's root; not _static (see conf.py)
PAGES = HERE / "pages"
CELL_TIMEOUT = 300  # seconds for one cell; a whole chapter takes 5-30 s
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CHECK_CALL = re.compile(r"^\s*check_\w+\(", re.MULTILINE)
SOLUTION_PROMPT = {"code_prompt_show": "Show solution", "code_prompt_hide": "Hide solution"}


def say(msg: str) -> None:
    print(f"[gdcourse site] {msg}", flush=True)


def course_build():
    """course/build.py as a module: the one definition of student and solved versions."""
    spec = importlib.util.spec_from_file_location("gdcourse_course_build",
                                                  ROOT / "course" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ============================================================================ 1. compose
def _code(source: list[str] | str, cell_id: str, tags=(), mystnb=None) -> dict:
    text = "\n".join(source) if isinstance(source, list) else source
    metadata: dict = {}
    if tags:
        metadata["tags"] = list(tags)
    if mystnb:
        metadata["mystnb"] = dict(mystnb)
    return {"cell_type": "code", "id": cell_id, "metadata": metadata, "execution_count": None,
            "outputs": [], "source": text}


def compose(source: dict, name: str, version: str | None = None) -> dict:
    """The notebook a chapter's page is made from (see the module's docstring, step 1)."""
    cb = course_build()
    cb.check_cell_ids(source, name)
    version = version or cb.package_version()
    cells_in = source["cells"]
    cells: list[dict] = []
    skip = set()
    for i, cell in enumerate(cells_in):
        if i in skip:
            continue
        tags = list(cell.get("metadata", {}).get("tags", []))
        keep_tags = [t for t in tags if t not in cb.BUILD_TAGS]
        lines = cb.source_lines(cell)
        where = f"{name}, cell {i + 1}"
        if cell["cell_type"] != "code":
            cells.append({"cell_type": cell["cell_type"], "id": cell["id"],
                          "metadata": {"tags": keep_tags} if keep_tags else {},
                          "source": "\n".join(lines)})
        elif "solution" in tags:  # the solved notebook's own checks: run, not shown
            cells.append(_code(lines, cell["id"], [*keep_tags, "remove-cell"]))
        else:
            student, solution = cb.split_solution(lines, where)
            cells.append(_code(student, cell["id"], keep_tags))
            if student != solution:  # an exercise: show its check, then the solution
                shown = solution
                if not any(CHECK_CALL.match(line) for line in solution):
                    j = i + 1
                    nxt = cells_in[j] if j < len(cells_in) else None
                    if (nxt is not None and nxt["cell_type"] == "code"
                            and not set(nxt.get("metadata", {}).get("tags", [])) & cb.BUILD_TAGS
                            and CHECK_CALL.search("\n".join(cb.source_lines(nxt)))):
                        check = cb.source_lines(nxt)
                        cells.append(_code(check, nxt["id"]))
                        skip.add(j)
                        calls = [line for line in check
                                 if not line.startswith(("import ", "from "))]
                        shown = solution + ["", *_strip_blank(calls)]
                cells.append(_code(_strip_blank(shown), f"{cell['id']}-solution",
                                   ["hide-cell", "gdcourse-solution"], SOLUTION_PROMPT))
        if i == 0:  # as in both versions: the setup check right after the title
            cells.append(_code(cb.setup_cell(version)["source"], "setup"))
    nb = {key: copy.deepcopy(value) for key, value in source.items() if key != "cells"}
    nb["metadata"] = {k: v for k, v in source.get("metadata", {}).items()
                      if k in ("kernelspec", "language_info")}
    nb["cells"] = cells
    return nb


def _strip_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


# ============================================================================ 2. execute
def _kernel_dir() -> Path:
    """A kernelspec for *this* Python, so that no other "python3" kernel is picked up."""
    folder = Path(tempfile.mkdtemp(prefix="gdcourse-site-kernel-"))
    spec = folder / "kernels" / "gdcourse-site"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        # log_level: the kernel's own log (not the notebook's output), e.g. its warning
        # that it talks to nbclient over TCP on this machine.
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "gdcourse (site build)", "language": "python"}), encoding="utf-8")
    return folder


def execute_one(job: tuple[str, str, str]) -> tuple[str, str, float]:
    """Execute one composed notebook (a file); return (path, error or "", seconds)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path, cwd, kernel_dir = job
    nb = nbformat.read(path, as_version=4)
    os.environ["JUPYTER_PATH"] = kernel_dir + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    start = time.monotonic()
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="gdcourse-site",
                            resources={"metadata": {"path": cwd}}, allow_errors=False,
                            store_widget_state=False, record_timing=False)
    try:
        client.execute()
    except CellExecutionError as error:
        return path, str(error), time.monotonic() - start
    except Exception as error:  # noqa: BLE001 - a dead kernel, a timeout: say which notebook
        return path, f"{type(error).__name__}: {error}", time.monotonic() - start
    nbformat.write(nb, path)
    return path, "", time.monotonic() - start


def execute_all(paths: list[Path], cwd: Path, jobs: int) -> None:
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # as tasks.py does for the learner's kernels
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    kernel_dir = _kernel_dir()
    failures = []
    try:
        with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            jobs_ = [(str(p), str(cwd), str(kernel_dir)) for p in paths]
            for path, error, seconds in pool.map(execute_one, jobs_):
                name = Path(path).name
                if error:
                    failures.append(f"{name}:\n{error}")
                    say(f"  {name}: FAILED after {seconds:.1f} s")
                else:
                    say(f"  {name}: {seconds:.1f} s")
    finally:
        shutil.rmtree(kernel_dir, ignore_errors=True)
    if failures:
        raise SystemExit("[gdcourse site] ERROR: a chapter failed to run; the site is not "
                         "built:\n\n" + "\n\n".join(failures))


# ============================================================================ 3. outputs
def finish_outputs(nb: dict, config: SiteConfig, notebook_path: str) -> int:
    """Explorers become their PNG with a note; no widget state. Returns the explorer count."""
    nb.get("metadata", {}).pop("widgets", None)
    explorers = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                outputs.append(output)
                continue
            data.pop(WIDGET_VIEW)
            if "image/png" not in data:  # a bare widget (none in the course today)
                text = data.get("text/plain", "")
                if text:
                    outputs.append({"output_type": "display_data", "metadata": {},
                                    "data": {"text/plain": text}})
                continue
            explorers += 1
            summary = _plain(data.get("text/plain", ""))
            cell["metadata"].setdefault("tags", []).append("gdcourse-explorer")
            cell["metadata"].setdefault("mystnb", {})["image"] = {
                "alt": summary or "the explorer's figure", "classes": "gdcourse-explorer-figure"}
            data.pop("text/html", None)
            outputs.append(output)
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"text/html": explorer_note(summary, config,
                                                                notebook_path)}})
        cell["outputs"] = join_streams(outputs)
    return explorers


def join_streams(outputs: list[dict]) -> list[dict]:
    """Join each run of stream outputs of one name into one, as JupyterLab shows them.

    A kernel may send one printed line in two messages, split anywhere; where it splits
    varies from run to run. (myst-nb's own merging would add a line break at the split and
    move text from after a figure to before it.)
    """
    joined: list[dict] = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (output.get("output_type") == "stream" and last is not None
                and last.get("output_type") == "stream" and last["name"] == output["name"]):
            last["text"] = _plain(last["text"]) + _plain(output["text"])
        else:
            joined.append(dict(output))
    return joined


def _plain(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def explorer_note(summary: str, config: SiteConfig, notebook_path: str) -> str:
    """The explorer's summary line, and one line saying that it is live in JupyterLab."""
    links = []
    binder = config.binder_url(notebook_path)
    if binder:
        links.append(f'<a class="gdcourse-launch" href="{html.escape(binder)}">open on '
                     'Binder</a>')
    hub = config.jupyterhub_link(notebook_path)
    if hub:
        links.append(f'<a class="gdcourse-launch" href="{html.escape(hub)}">on your '
                     'JupyterHub</a>')
    where = f" ({', '.join(links)})" if links else ""
    text = f'<p class="gdcourse-explorer-summary">{html.escape(summary)}</p>' if summary else ""
    return (f'<div class="gdcourse-explorer-note">{text}'
            f'<p class="gdcourse-live-note"><span aria-hidden="true">▶</span> '
            f'<strong>Live in JupyterLab:</strong> there, sliders and buttons redraw this '
            f'figure{where}.</p></div>')


# ============================================================================ 4. pages
def chapter_table(readme: str) -> list[tuple[str, str, str]]:
    """(notebook stem, topic, time) of each chapter, from the README's "Chapters" table."""
    section = re.search(r"^## Chapters\s*$(.*?)^## ", readme, flags=re.MULTILINE | re.DOTALL)
    if not section:
        raise SystemExit("[gdcourse site] ERROR: README.md has no '## Chapters' section")
    rows = re.findall(r"^\|\s*\[`(\d\d_\w+)`\]\([^)]*\)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$",
                      section.group(1), flags=re.MULTILINE)
    return [(stem, topic, time_) for stem, topic, time_ in rows]


def readme_commands(readme: str) -> str:
    """The README's first ```bash block: the two commands that run the course."""
    match = re.search(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    if not match:
        raise SystemExit("[gdcourse site] ERROR: README.md has no ```bash block of commands")
    return match.group(1).rstrip()


def _minutes(text: str) -> int:
    match = re.match(r"(\d+)\s*min", text)
    return int(match.group(1)) if match else 0


def chapter_title(nb: dict) -> tuple[str, str]:
    """(page title, short title for the navigation) from a notebook's first heading."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            match = re.search(r"^#\s+(.+)$", _plain(cell["source"]), flags=re.MULTILINE)
            if match:
                title = match.group(1).strip()
                return title, re.sub(r"^.*?—\s*", "", title)
    raise SystemExit(f"[gdcourse site] ERROR: a chapter has no title heading")


def notation_page(nb: dict, chapter: str) -> str:
    """The notation table of chapter 00 as a page of its own (the same cells, one source)."""
    cells = [_plain(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    start = next((k for k, text in enumerate(cells)
                  if re.match(r"^##\s+Notation used throughout the course", text)), None)
    if start is None:
        raise SystemExit(f"[gdcourse site] ERROR: {chapter} has no section "
                         "'Notation used throughout the course'")
    body = [re.sub(r"^##\s+Notation used throughout the course\s*\n", "", cells[start])]
    for text in cells[start + 1:]:
        if re.match(r"^#{1,2}\s", text):
            break
        body.append(text)
    text = "\n\n".join(body)
    text = re.sub(r"\]\(#", f"]({chapter}.ipynb#", text)  # anchors of chapter 00 stay there
    return ("# Notation sheet\n\n"
            f"The table of [chapter 0](<{chapter}.ipynb#Notation-used-throughout-the-course>), "
            "on a page of its own to keep open beside a chapter.\n\n" + text.strip() + "\n")


def guide_page(text: str, path: str) -> str:
    """The instructors' guide as it is in the repository, with one line saying so."""
    note = (f"*This is `{path}` from the course's repository; \"this folder\" below is "
            f"`{path.rsplit('/', 1)[0]}/`.*\n")
    lines = text.splitlines(keepends=True)
    title = next((k for k, line in enumerate(lines) if line.startswith("# ")), None)
    if title is None:
        return f"# For instructors\n\n{note}\n{text}"
    return "".join(lines[:title + 1]) + "\n" + note + "".join(lines[title + 1:])


def home_page(config: SiteConfig, edition: Edition, chapters, titles: dict,
              readme: str) -> str:
    rows = ["| chapter | topic | time |", "|:--|:--|:--|"]
    total = 0
    for stem, topic, time_ in chapters:
        time_ = time_.replace(" ", "\N{NO-BREAK SPACE}")  # "30 min" on one line
        rows.append(f"| [{titles[stem]}]({stem}.ipynb) | {topic} | {time_} |")
        total += _minutes(time_)
    hours, minutes = divmod(total, 60)
    first = f"{edition.notebooks}/{chapters[0][0]}.ipynb"
    binder = config.binder_url(first)
    hub_link = config.jupyterhub_link(first)
    if hub_link:
        hub = (f"On your class's JupyterHub, this link clones the course into your home folder "
               f"(later clicks pull updates and keep your work) and opens chapter 0:\n\n"
               f"<{hub_link}>\n")
    else:
        template = config.jupyterhub_link(first, hub="https://<hub>")
        hub = ("On a JupyterHub with nbgitpuller, one link clones the course into each "
               "learner's home folder (later clicks pull updates and keep the learner's work). "
               "Put your hub's address in place of `<hub>`:\n\n"
               f"```text\n{template}\n```\n\n"
               "The [instructors' guide](instructors.md) says what the hub needs. "
               "(Whoever builds this site can set the hub's address once, in "
               "`website/config.toml`, to get ready links on every page.)\n")
    binder_text = (f"[Open chapter 0 on Binder]({binder}): JupyterLab in your browser with "
                   "nothing to install (the first start can take a few minutes).\n"
                   if binder else "")
    values = {
        "title": config.title,
        "chapters": "\n".join(rows),
        "total": f"{hours} h {minutes:02d} min" if minutes else f"{hours} h",
        "commands": readme_commands(readme),
        "repository": config.repository_url,
        "binder": binder_text,
        "hub": hub,
        "zip": ZIP_NAME,
    }
    text = (PAGES / "index.md").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise SystemExit(f"[gdcourse site] ERROR: pages/index.md: unknown {left}")
    toc = [f"{titles[stem]} <{stem}>" for stem, _, _ in chapters]
    text += ("\n```{toctree}\n:hidden:\n:caption: Chapters\n:maxdepth: 1\n\n"
             + "\n".join(toc) + "\n```\n\n"
             "```{toctree}\n:hidden:\n:caption: For reference\n:maxdepth: 1\n\n"
             "notation\ninstructors\n```\n")
    return text


# ============================================================================ driver
def build_edition(config: SiteConfig, edition: Edition, jobs: int, reuse: bool) -> dict:
    cb = course_build()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    chapters = chapter_table(readme)
    sources = sorted((ROOT / edition.sources).glob("[0-9][0-9]_*.ipynb"))
    if [p.stem for p in sources] != [stem for stem, _, _ in chapters]:
        raise SystemExit("[gdcourse site] ERROR: README.md's chapter table lists "
                         f"{[c[0] for c in chapters]}, {edition.sources}/ has "
                         f"{[p.stem for p in sources]}")
    src = SOURCES_OUT / (edition.path or edition.language)
    cache = BUILD / "site-executed" / edition.language
    src.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    version = cb.package_version()
    composed = {}
    for path in sources:
        nb = compose(json.loads(path.read_text(encoding="utf-8")), path.name, version)
        composed[path.stem] = nb
    # Execute (or, with --reuse, take the last build's result for an unchanged composition).
    todo = []
    for stem, nb in composed.items():
        key = hashlib.sha256(json.dumps(nb, sort_keys=True).encode()).hexdigest()
        target, stamp = cache / f"{stem}.ipynb", cache / f"{stem}.key"
        if reuse and target.exists() and stamp.exists() and stamp.read_text() == key:
            continue
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
        stamp.unlink(missing_ok=True)
        todo.append((target, stamp, key))
    notebooks_dir = ROOT / edition.notebooks
    if todo:
        say(f"running {len(todo)} chapter(s), {jobs} at a time ...")
        start = time.monotonic()
        execute_all([t for t, _, _ in todo], notebooks_dir, jobs)
        for _, stamp, key in todo:
            stamp.write_text(key)
        say(f"chapters run in {time.monotonic() - start:.0f} s")
    else:
        say("reusing the chapters run by the last build (--reuse)")
    titles, explorers = {}, {}
    for stem in composed:
        nb = json.loads((cache / f"{stem}.ipynb").read_text(encoding="utf-8"))
        notebook_path = f"{edition.notebooks}/{stem}.ipynb"
        explorers[stem] = finish_outputs(nb, config, notebook_path)
        titles[stem] = chapter_title(nb)[1]
        (src / f"{stem}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False),
                                           encoding="utf-8")
    first = sources[0]
    (src / "notation.md").write_text(
        notation_page(json.loads(first.read_text(encoding="utf-8")), first.stem),
        encoding="utf-8")
    (src / "instructors.md").write_text(
        guide_page((ROOT / edition.guide).read_text(encoding="utf-8"), edition.guide),
        encoding="utf-8")
    (src / "index.md").write_text(home_page(config, edition, chapters, titles, readme),
                                  encoding="utf-8")
    (src / "explorers.json").write_text(json.dumps(explorers, indent=1) + "\n")
    out = SITE / edition.path if edition.path else SITE
    say("building the pages (Sphinx) ...")
    start = time.monotonic()
    env = dict(os.environ, GDCOURSE_SITE_EDITION=edition.language)
    code = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-W", "--keep-going",
         "-j", str(max(1, jobs)), "-c", str(HERE), "-d", str(BUILD / "site-doctrees" /
                                                             edition.language),
         str(src), str(out)], env=env).returncode
    if code != 0:
        raise SystemExit(f"[gdcourse site] ERROR: Sphinx failed (exit code {code}); "
                         "the messages above name the page")
    say(f"pages built in {time.monotonic() - start:.0f} s")
    return explorers


def copy_mathjax() -> None:
    """MathJax 3.2 (its es5 build: the combined component and what it loads lazily)."""
    try:
        import mathjax  # the django-static-mathjax package: MathJax's files, no Django needed
    except ImportError:
        raise SystemExit("[gdcourse site] ERROR: MathJax is missing: install the site extra "
                         "(python3 tasks.py site does: pip install -e .[site])") from None
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    target = SITE / MATHJAX_DIR
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(es5 / "tex-mml-chtml.js", target)
    for sub in ("input", "output/chtml", "a11y", "sre", "ui", "adaptors"):
        shutil.copytree(es5 / sub, target / sub)
    shutil.copy2(es5.parent / "LICENSE", target / "LICENSE")


def make_zip() -> Path:
    """The whole site in one zip (fixed dates and order: the same site gives the same zip)."""
    target = SITE / ZIP_NAME
    target.unlink(missing_ok=True)
    tmp = BUILD / (ZIP_NAME + ".part")
    files = sorted(p for p in SITE.rglob("*") if p.is_file() and p.name != ".buildinfo")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"gdcourse-site/{path.relative_to(SITE).as_posix()}",
                                   date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    tmp.replace(target)
    return target


def share_bytecode() -> None:
    """Let this build's processes share compiled modules, in build/pycache/.

    Where PYTHONDONTWRITEBYTECODE is set (some container and CI images set it), each kernel,
    worker and Sphinx would compile every module it imports from source again: about 3 s of
    CPU per kernel on this project's machines. The bytecode goes to build/, not next to the
    sources, so the wish behind the variable is kept.
    """
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return
    prefix = str(BUILD / "pycache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE")
    os.environ["PYTHONPYCACHEPREFIX"] = prefix  # for the kernels and Sphinx
    sys.dont_write_bytecode = False  # for this process and the workers it forks
    sys.pycache_prefix = prefix


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2,
                        help="notebooks run at the same time, and Sphinx's processes (2)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the chapters the last build ran, where unchanged")
    args = parser.parse_args(argv)
    config = load_config()
    start = time.monotonic()
    share_bytecode()
    shutil.rmtree(SITE, ignore_errors=True)
    shutil.rmtree(SOURCES_OUT, ignore_errors=True)
    shutil.rmtree(BUILD / "site-doctrees", ignore_errors=True)
    for edition in config.editions:
        say(f"edition {edition.language} ({edition.name}) ...")
        build_edition(config, edition, args.jobs, args.reuse)
    copy_mathjax()
    target = make_zip()
    size = target.stat().st_size / 1e6
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    say(f"site built in {time.monotonic() - start:.0f} s (load average {load}): "
        f"{(SITE / 'index.html').relative_to(ROOT)}; for offline use: "
        f"{target.relative_to(ROOT)} ({size:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
