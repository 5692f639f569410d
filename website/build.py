#!/usr/bin/env python3
"""Build the course website into build/site/ (run it as ``python3 tasks.py site``).

    python3 tasks.py site                 execute every chapter, build the site and its zip
    python3 tasks.py site --jobs 1        run one notebook at a time (default: 2)
    python3 tasks.py site --reuse         reuse the executed chapters of the last build
                                          (for work on the site's look; see website/README.md)

Steps, for the editions of ``website/config.toml`` (English at the root, Chinese in zh_CN/):

1. *Compose* each chapter's page from its source ``course/NN_*.ipynb`` with
   ``course/build.py``'s own rules: the student version of every cell, so an exercise shows
   the stub the learner gets and the check's answer to it ("not attempted yet"); after it a
   cell hidden behind "Show solution" with the solved code and the check's answer then.
   Cells tagged ``solution`` (the notebook's own asserts) run but are not shown. A
   translated edition first applies its catalogues (``course/locale/<language>/``) with
   ``course/build.py``'s ``translated_source``, as ``notebooks/<language>/`` is made.
2. *Execute* the composed notebooks of all editions (nbclient, ``--jobs`` at a time, one
   BLAS thread each, the editions' runs of one chapter side by side). A cell that fails, or
   a figure that would show a box for a missing character, stops the build.
3. *Finish the outputs*: an explorer's widget view is dropped, so the page shows the PNG of
   its first figure (which the explorer puts in its display bundle) with its summary and a
   line saying it is live in JupyterLab, with launch links. No widget state is kept, so no
   widget JavaScript is included.
4. Write the pages (home, chapters, notation sheet, instructors' guide; a translated
   edition's glossary) to ``build/site-src/<edition>/``, then run Sphinx (myst-nb,
   sphinx-book-theme; conf.py here) for each edition into ``build/site/<edition path>/``.
   Every page links to the same page in the other edition (conf.py).
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
from siteconfig import (ROOT, Edition, SiteConfig, edition_title,  # noqa: E402
                        load_config, load_texts)

BUILD = ROOT / "build"
SITE = BUILD / "site"
SOURCES_OUT = BUILD / "site-src"
ZIP_NAME = "gdcourse-site.zip"
MATHJAX_DIR = "_mathjax"  # in the site's root; not _static (see conf.py)
PAGES = HERE / "pages"
CELL_TIMEOUT = 300  # seconds for one cell; a whole chapter takes 5-30 s
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CHECK_CALL = re.compile(r"^\s*check_\w+\(", re.MULTILINE)
SEARCH_WORDS = "_search_words.txt"  # in a translated edition's sources: words for its search


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


def compose(source: dict, name: str, version: str | None = None, lang: str | None = None,
            strings: dict | None = None, texts: dict | None = None) -> dict:
    """The notebook a chapter's page is made from (see the module's docstring, step 1).

    ``source`` is in the edition's language already; ``lang`` and ``strings`` (the build's
    strings, ``i18n.build_strings``) give a translated edition its stub and setup cell, as
    in ``notebooks/<lang>/``; ``texts`` are the site's words (pages/texts.toml).
    """
    cb = course_build()
    cb.check_cell_ids(source, name)
    version = version or cb.package_version()
    texts = texts or load_texts("en")
    stub = cb.STUB if lang is None else (strings["stub"], cb.STUB[1])
    prompt = {"code_prompt_show": texts["show_solution"],
              "code_prompt_hide": texts["hide_solution"]}
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
            student, solution = cb.split_solution(lines, where, stub)
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
                                   ["hide-cell", "gdcourse-solution"], prompt))
        if i == 0:  # as in both versions: the setup check right after the title
            cells.append(_code(cb.setup_cell(version, lang, strings)["source"], "setup"))
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


def execute_all(runs: list[tuple[Path, Path]], jobs: int) -> None:
    """Execute each (composed notebook, folder it runs in), ``jobs`` at a time, in order."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # as tasks.py does for the learner's kernels
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # A character missing from the figures' fonts is an error, not a box (gdcourse.fonts),
    # as when the tests run the notebooks.
    os.environ.setdefault("GDCOURSE_STRICT_GLYPHS", "1")
    kernel_dir = _kernel_dir()
    failures = []
    try:
        with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            jobs_ = [(str(p), str(cwd), str(kernel_dir)) for p, cwd in runs]
            for path, error, seconds in pool.map(execute_one, jobs_):
                name = "/".join(Path(path).parts[-2:])  # <edition>/<chapter>
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
def finish_outputs(nb: dict, config: SiteConfig, notebook_path: str,
                   texts: dict | None = None) -> int:
    """Explorers become their PNG with a note; no widget state. Returns the explorer count."""
    texts = texts or load_texts("en")
    nb.get("metadata", {}).pop("widgets", None)
    explorers = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = html_block_markup(_plain(cell["source"]))
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
                "alt": summary or texts["explorer_alt"], "classes": "gdcourse-explorer-figure"}
            data.pop("text/html", None)
            outputs.append(output)
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"text/html": explorer_note(summary, config,
                                                                notebook_path, texts)}})
        cell["outputs"] = join_streams(outputs)
    return explorers


HTML_BLOCK = re.compile(r"^\s*(?:[*+-]\s+|\d+[.)]\s+)?</?(?:details|summary)\b", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+")
CODE_SPAN = re.compile(r"(`[^`\n]+`)")
INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")


def html_block_markup(text: str) -> str:
    """Formulas and code spans in the HTML blocks of ``<details>`` answers, as HTML.

    Markdown is not parsed inside an HTML block (from a line that starts with the tag to the
    next blank line), so on the site ``$...$`` and `` `...` `` there would stay as typed
    (JupyterLab renders them). They become what Sphinx writes for inline maths and code,
    which MathJax then typesets. After a blank line, the answer is Markdown again: left as it is.
    """
    def markup(line: str) -> str:
        out = []
        for part in CODE_SPAN.split(line):
            if len(part) > 2 and part[0] == part[-1] == "`":
                out.append('<code class="docutils literal notranslate">'
                           f"{html.escape(part[1:-1], quote=False)}</code>")
            else:
                out.append(INLINE_MATH.sub(
                    lambda m: '<span class="math notranslate nohighlight">'
                              f"\\({html.escape(m.group(1), quote=False)}\\)</span>", part))
        return "".join(out)

    lines, in_block = [], False
    for line in text.split("\n"):
        if not line.strip() or (in_block and LIST_ITEM.match(line)):
            in_block = False  # a blank line or the next item of a list ends the block
        if not in_block and HTML_BLOCK.match(line):
            in_block = True
        lines.append(markup(line) if in_block else line)
        if "</details>" in line:
            in_block = False
    return "\n".join(lines)


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


def explorer_note(summary: str, config: SiteConfig, notebook_path: str,
                  texts: dict | None = None) -> str:
    """The explorer's summary line, and one line saying that it is live in JupyterLab."""
    texts = texts or load_texts("en")
    links = []
    binder = config.binder_url(notebook_path)
    if binder:
        links.append(f'<a class="gdcourse-launch" href="{html.escape(binder)}">'
                     f'{texts["open_on_binder"]}</a>')
    hub = config.jupyterhub_link(notebook_path)
    if hub:
        links.append(f'<a class="gdcourse-launch" href="{html.escape(hub)}">'
                     f'{texts["on_your_hub"]}</a>')
    where = texts["launch_links"].format(links=texts["launch_joiner"].join(links)) if links else ""
    text = f'<p class="gdcourse-explorer-summary">{html.escape(summary)}</p>' if summary else ""
    return (f'<div class="gdcourse-explorer-note">{text}'
            f'<p class="gdcourse-live-note"><span aria-hidden="true">▶</span> '
            f'{texts["live_note"].format(where=where)}</p></div>')


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
    """(page title, short title for the navigation) from a notebook's first heading.

    "Gradient descent, hands on — 3. The learning rate" gives "3. The learning rate", and
    "动手学梯度下降——3. 学习率" gives "3. 学习率". A translated heading's English anchor
    (``<a id="..."></a>``, see course/build.py) is not part of the title.
    """
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            match = re.search(r"^#\s+(.+)$", _plain(cell["source"]), flags=re.MULTILINE)
            if match:
                title = ANCHOR_TAG.sub("", match.group(1)).strip()
                return title, re.sub(r"^.*?—+\s*", "", title)
    raise SystemExit(f"[gdcourse site] ERROR: a chapter has no title heading")


ANCHOR_TAG = re.compile(r'<a\s+id="[^"]*"\s*>\s*</a>')  # ids may hold ' (Xavier's)


def _section(english: dict, heading: str, where: str) -> list[str]:
    """The ids of the markdown cells of the section of ``english`` under ``## heading``.

    Sections are found in the English source, so that a translated edition (the same cells,
    the same ids) takes the same cells, whatever its headings say.
    """
    cells = [c for c in english["cells"] if c["cell_type"] == "markdown"]
    start = next((k for k, c in enumerate(cells)
                  if re.match(rf"^##\s+{re.escape(heading)}\s*$", _plain(c["source"]),
                              flags=re.MULTILINE)), None)
    if start is None:
        raise SystemExit(f"[gdcourse site] ERROR: {where} has no section '{heading}'")
    ids = [cells[start]["id"]]
    for cell in cells[start + 1:]:
        if re.match(r"^#{1,2}\s", _plain(cell["source"])):
            break
        ids.append(cell["id"])
    return ids


def _cells_text(nb: dict, ids: list[str]) -> list[str]:
    by_id = {c.get("id"): _plain(c["source"]) for c in nb["cells"]}
    texts = [by_id[i] for i in ids]
    texts[0] = re.sub(r"\A\s*#{1,6}\s[^\n]*\n?", "", texts[0])  # without its heading
    return texts


def notation_page(nb: dict, chapter: str, texts: dict | None = None,
                  english: dict | None = None) -> str:
    """The notation table of chapter 00 as a page of its own (the same cells, one source).

    ``nb`` is chapter 00 in the edition's language, ``english`` its English source.
    """
    texts = texts or load_texts("en")
    ids = _section(english or nb, "Notation used throughout the course", chapter)
    text = "\n\n".join(_cells_text(nb, ids))
    text = re.sub(r"\]\(#", f"]({chapter}.ipynb#", text)  # anchors of chapter 00 stay there
    return (f"# {texts['notation_title']}\n\n"
            + texts["notation_intro"].format(chapter=chapter) + "\n\n" + text.strip() + "\n")


def guide_page(text: str, path: str, texts: dict | None = None) -> str:
    """The instructors' guide as it is in the repository, with one line saying so."""
    texts = texts or load_texts("en")
    note = texts["guide_note"].format(path=path, folder=path.rsplit("/", 1)[0]) + "\n"
    lines = text.splitlines(keepends=True)
    title = next((k for k, line in enumerate(lines) if line.startswith("# ")), None)
    if title is None:
        return f"# {texts['guide_title']}\n\n{note}\n{text}"
    return "".join(lines[:title + 1]) + "\n" + note + "".join(lines[title + 1:])


def glossary_source(edition: Edition) -> Path | None:
    """A translated edition's glossary, course/locale/<language>/glossary.md (or None)."""
    cb = course_build()
    path = cb.i18n.LOCALE_DIR / edition.language / cb.i18n.GLOSSARY
    return path if path.is_file() else None


def search_words(glossary: str) -> list[str]:
    """The terms of a glossary's first table (its second column: 学习率, 小批量, ...).

    They become the word segmenter's own dictionary for the edition's search (conf.py),
    so that 学习率 is indexed as one word (jieba alone cuts it into 学习 + 率).
    """
    words: list[str] = []
    rows = 0  # the rows of the table so far (the first one is its header)
    for line in glossary.splitlines():
        if not line.startswith("|"):
            if words and line.startswith("## "):
                break  # the first table only: the terms
            rows = 0
            continue
        rows += 1
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if rows == 1 or len(cols) < 2 or set(cols[1]) <= set(":- "):
            continue
        for word in re.split(r"[、,，;；/]", cols[1]):
            word = word.strip()
            if re.search(r"[\u4e00-\u9fff]", word) and word not in words:
                words.append(word)
    return words


def _time(minutes: int, texts: dict) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return texts["time_minutes"].format(minutes=rest)
    if not rest:
        return texts["total_hours"].format(hours=hours)
    return texts["total_hours_minutes"].format(hours=hours, minutes=rest)


def home_page(config: SiteConfig, edition: Edition, chapters, titles: dict,
              readme: str, texts: dict | None = None, course_map: str = "",
              progress: str = "") -> str:
    """The home page: pages/index.md, or pages/<language>/index.md for another edition.

    ``readme`` is the edition's README (its first ```bash block: the commands);
    ``course_map`` the body of chapter 0's course map in the edition's language.
    """
    texts = texts or load_texts("en")
    rows = ["| chapter | topic | time |", "|:--|:--|:--|"]
    total = 0
    for stem, topic, time_ in chapters:
        time_ = time_.replace(" ", "\N{NO-BREAK SPACE}")  # "30 min" on one line
        rows.append(f"| [{titles[stem]}]({stem}.ipynb) | {topic} | {time_} |")
        total += _minutes(time_)
    first = f"{edition.notebooks}/{chapters[0][0]}.ipynb"
    binder = config.binder_url(first)
    hub_link = config.jupyterhub_link(first)
    if hub_link:
        hub = texts["hub_ready"].format(url=hub_link) + "\n"
    else:
        hub = texts["hub_template"].format(
            url=config.jupyterhub_link(first, hub="https://<hub>")) + "\n"
    depth = len([p for p in edition.path.split("/") if p])
    values = {
        "title": edition_title(config, edition),
        "chapters": "\n".join(rows),
        "chapter0": titles[chapters[0][0]],
        "chapter0_time": _time(_minutes(chapters[0][2]), texts),
        "course_map": course_map.strip(),
        "progress": progress,
        "total": _time(total, texts),
        "commands": readme_commands(readme),
        "repository": config.repository_url,
        "binder": texts["binder"].format(url=binder) + "\n" if binder else "",
        "hub": hub,
        "zip": "../" * depth + ZIP_NAME,
        "path": edition.path,
        "notebooks": edition.notebooks,
    }
    template = PAGES / edition.language / "index.md"
    if not template.is_file():
        template = PAGES / "index.md"
    text = template.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise SystemExit(f"[gdcourse site] ERROR: {template.relative_to(HERE)}: unknown {left}")
    text = re.sub(r"\n{3,}", "\n\n", text)  # an empty {{progress}}
    toc = [f"{titles[stem]} <{stem}>" for stem, _, _ in chapters]
    reference = ["notation", *(["glossary"] if (SOURCES_OUT / edition.folder /
                                                 "glossary.ipynb").exists() else []),
                 # the guide is English: in another edition, the navigation says what it is
                 "instructors" if edition is config.editions[0] else
                 f"{texts['guide_title']} <instructors>"]
    text += (f"\n```{{toctree}}\n:hidden:\n:caption: {texts['chapters_caption']}\n"
             ":maxdepth: 1\n\n" + "\n".join(toc) + "\n```\n\n"
             f"```{{toctree}}\n:hidden:\n:caption: {texts['reference_caption']}\n"
             ":maxdepth: 1\n\n" + "\n".join(reference) + "\n```\n")
    return text


# ============================================================================ driver
class EditionBuild:
    """One edition on its way: its chapters in its language, composed, then run."""

    def __init__(self, config: SiteConfig, edition: Edition, version: str):
        cb = course_build()
        self.config, self.edition = config, edition
        self.texts = load_texts(edition.language)
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        self.chapters = chapter_table(readme)
        paths = sorted((ROOT / edition.sources).glob("[0-9][0-9]_*.ipynb"))
        if [p.stem for p in paths] != [stem for stem, _, _ in self.chapters]:
            raise SystemExit("[gdcourse site] ERROR: README.md's chapter table lists "
                             f"{[c[0] for c in self.chapters]}, {edition.sources}/ has "
                             f"{[p.stem for p in paths]}")
        self.english = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in paths}
        self.translated = edition is not config.editions[0]
        self.lang = self.strings = None
        self.fallbacks: dict[str, int] = {}
        if self.translated:
            if edition.language not in cb.languages():
                raise SystemExit(f"[gdcourse site] ERROR: the edition {edition.language} has "
                                 f"no catalogues in course/locale/{edition.language}/")
            self.lang = edition.language
            self.strings, _ = cb.i18n.build_strings(self.lang)
            self.sources = {}
            for path in paths:
                nb, fallbacks = cb.translated_source(self.lang, path.name,
                                                     self.english[path.stem], self.strings)
                self.sources[path.stem] = nb
                self.fallbacks[path.stem] = len(fallbacks)
        else:
            self.sources = self.english
        self.composed = {stem: compose(nb, f"{stem}.ipynb", version, self.lang, self.strings,
                                       self.texts)
                         for stem, nb in self.sources.items()}
        self.src = SOURCES_OUT / edition.folder
        self.cache = BUILD / "site-executed" / edition.language
        self.src.mkdir(parents=True, exist_ok=True)
        self.cache.mkdir(parents=True, exist_ok=True)

    def todo(self, reuse: bool) -> list[tuple[str, Path, Path, str]]:
        """(chapter, file to run, its stamp, key) of the chapters to run (--reuse: changed)."""
        todo = []
        for stem, nb in self.composed.items():
            key = hashlib.sha256(json.dumps(nb, sort_keys=True).encode()).hexdigest()
            target, stamp = self.cache / f"{stem}.ipynb", self.cache / f"{stem}.key"
            if reuse and target.exists() and stamp.exists() and stamp.read_text() == key:
                continue
            target.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
            stamp.unlink(missing_ok=True)
            todo.append((stem, target, stamp, key))
        return todo

    def write_pages(self) -> dict:
        """The pages of this edition into build/site-src/<folder>/; the explorer counts."""
        config, edition, texts = self.config, self.edition, self.texts
        titles, explorers, kernel = {}, {}, {}
        for stem in self.composed:
            nb = json.loads((self.cache / f"{stem}.ipynb").read_text(encoding="utf-8"))
            kernel = kernel or {k: v for k, v in nb.get("metadata", {}).items()
                                if k in ("kernelspec", "language_info")}
            notebook_path = f"{edition.notebooks}/{stem}.ipynb"
            explorers[stem] = finish_outputs(nb, config, notebook_path, texts)
            titles[stem] = chapter_title(nb)[1]
            (self.src / f"{stem}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False),
                                                    encoding="utf-8")
        first = self.chapters[0][0]
        (self.src / "notation.md").write_text(
            notation_page(self.sources[first], first, texts, self.english[first]),
            encoding="utf-8")
        (self.src / "instructors.md").write_text(
            guide_page((ROOT / edition.guide).read_text(encoding="utf-8"), edition.guide, texts),
            encoding="utf-8")
        course_map, progress = "", ""
        if self.translated:
            glossary = glossary_source(edition)
            if glossary:  # as notebooks/<language>/glossary.ipynb is made
                text = glossary.read_text(encoding="utf-8")
                page = course_build().glossary_notebook(text, kernel)
                (self.src / "glossary.ipynb").write_text(
                    json.dumps(page, indent=1, ensure_ascii=False), encoding="utf-8")
                (self.src / SEARCH_WORDS).write_text("\n".join(search_words(text)) + "\n",
                                                     encoding="utf-8")
            ids = _section(self.english[first], "Course map", first)
            course_map = "\n\n".join(_cells_text(self.sources[first], ids))
            untranslated = [str(int(stem[:2])) for stem, n in self.fallbacks.items() if n]
            if untranslated and texts["progress"]:
                progress = texts["progress"].format(chapters=_chapter_list(untranslated,
                                                                            edition.language))
        readme = (ROOT / edition.readme).read_text(encoding="utf-8")
        (self.src / "index.md").write_text(
            home_page(config, edition, self.chapters, titles, readme, texts, course_map,
                      progress), encoding="utf-8")
        (self.src / "explorers.json").write_text(json.dumps(explorers, indent=1) + "\n")
        return explorers


def _chapter_list(numbers: list[str], language: str) -> str:
    if language.startswith("zh"):
        return "第 " + "、".join(numbers) + " 章"
    return "chapters " + ", ".join(numbers)


def run_sphinx(edition: Edition, jobs: int) -> None:
    out = SITE / edition.path if edition.path else SITE
    say(f"building the pages of {edition.language} (Sphinx) ...")
    start = time.monotonic()
    env = dict(os.environ, GDCOURSE_SITE_EDITION=edition.language)
    code = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-W", "--keep-going",
         "-j", str(max(1, jobs)), "-c", str(HERE), "-d", str(BUILD / "site-doctrees" /
                                                             edition.language),
         str(SOURCES_OUT / edition.folder), str(out)], env=env).returncode
    if code != 0:
        raise SystemExit(f"[gdcourse site] ERROR: Sphinx failed (exit code {code}); "
                         "the messages above name the page")
    say(f"pages of {edition.language} built in {time.monotonic() - start:.0f} s")


def build_editions(config: SiteConfig, jobs: int, reuse: bool) -> None:
    """Every edition: compose, run all their chapters together, write the pages, Sphinx."""
    version = course_build().package_version()
    builds = []
    for edition in config.editions:
        build = EditionBuild(config, edition, version)
        builds.append(build)
        shown = {stem: n for stem, n in build.fallbacks.items() if n}
        say(f"edition {edition.language} ({edition.name}): {len(build.composed)} chapters"
            + (f"; English shown for untranslated, fuzzy or stale cells: "
               + ", ".join(f"{stem[:2]} {n}" for stem, n in shown.items()) if shown else ""))
    # The editions' runs of one chapter side by side: they take about as long as each other,
    # so that two workers finish together (chapter by chapter) rather than one waiting.
    todo = [(b, item) for b in builds for item in b.todo(reuse)]
    order = {stem: k for k, (stem, _, _) in enumerate(builds[0].chapters)}
    todo.sort(key=lambda t: (order[t[1][0]], builds.index(t[0])))
    if todo:
        say(f"running {len(todo)} chapter(s), {jobs} at a time ...")
        start = time.monotonic()
        execute_all([(target, ROOT / b.edition.notebooks) for b, (_, target, _, _) in todo],
                    jobs)
        for _, (_, _, stamp, key) in todo:
            stamp.write_text(key)
        say(f"chapters run in {time.monotonic() - start:.0f} s")
    else:
        say("reusing the chapters run by the last build (--reuse)")
    for build in builds:  # every edition's sources first: each page links to the others'
        build.write_pages()
    for build in builds:
        run_sphinx(build.edition, jobs)


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
    build_editions(config, args.jobs, args.reuse)
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
