#!/usr/bin/env python3
"""Write the student and the solved version of every course notebook from one source.

    python3 course/build.py            write notebooks/NN_*.ipynb and notebooks/solutions/
    python3 course/build.py --check    exit 1 if any written notebook is out of date

Standard library only (``python3 tasks.py notebooks`` runs it too). The sources are
``course/NN_*.ipynb``: ordinary notebooks, edited in JupyterLab, with two conventions.

Solution code sits between marker lines inside a code cell::

    def momentum_step(theta, velocity, grad, lr, beta):
        # BEGIN SOLUTION
        velocity = beta * velocity + grad
        return theta - lr * velocity, velocity
        # END SOLUTION

The solved version keeps the code and drops the markers; the student version replaces
the block with a stub at the marker's indentation::

        # Your code here (replace the next line).
        raise NotImplementedError

so an exercise left undone raises ``NotImplementedError`` only when called, and its check
answers "not attempted yet". Whole cells can be limited to one version with a cell tag:
``solution`` (only in the solved version, e.g. ``assert result.passed``) or ``student``
(only in the student version).

Every source cell has a stable, unique ``id`` (nbformat's cell id: 1-64 letters, digits,
``-`` or ``_``). It names the cell for good: translations, reviews and tests refer to a
cell by it, so it is never renumbered (``tasks.py strip`` and ``tasks.py notebooks`` run
``nbstripout --keep-id`` on the sources). JupyterLab gives a new cell a fresh random id;
a copied cell that kept its original's id is an error here.

Both versions get one generated code cell right after the title cell: it calls
``gdcourse.check_setup("<version>")`` with the version of ``gdcourse`` in this checkout
(``gdcourse/__init__.py``), so every notebook states the package version it was written for.
In a kernel it checks that version and the widget packages and shows one short line; an
older package stops the notebook there with what to do (a JupyterHub image that bakes an
old ``gdcourse`` while nbgitpuller pulls newer notebooks is the usual case).

Translated editions: for every language with catalogues in ``course/locale/<lang>/``
(gettext PO files keyed by the cell ids, see ``course/i18n.py`` and
``course/locale/README.md``) the same sources also give ``notebooks/<lang>/NN_*.ipynb``
and ``notebooks/<lang>/solutions/NN_*.ipynb``. A cell whose translation is missing,
fuzzy or stale keeps its English text there (the build lists such fallbacks, and the
chapter's title cell says how many); every translated heading also carries its English
anchor, so links keep their targets; the stub and the setup cell speak the language too, and the setup cell calls
``gdcourse.set_language("<lang>")``. The language's glossary
(``course/locale/<lang>/glossary.md``) becomes ``glossary.ipynb`` in both folders.

Both outputs are written stripped (no outputs, no execution counts, cell ids 0, 1, ...)
in the exact format nbstripout leaves, so ``nbstripout --verify`` accepts them.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "course"
STUDENT_DIR = ROOT / "notebooks"
SOLUTION_DIR = ROOT / "notebooks" / "solutions"

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
STUB = ("# Your code here (replace the next line).", "raise NotImplementedError")
BUILD_TAGS = {"solution", "student"}
VERSION_FILE = ROOT / "gdcourse" / "__init__.py"
SETUP_CELL = ("import gdcourse\n"
              'gdcourse.check_setup("{version}")  # checks this kernel; one line when all is well')
TRANSLATED_SETUP_CELL = ("import gdcourse\n"
                         'gdcourse.check_setup("{version}")  # {setup}\n'
                         'gdcourse.set_language("{lang}")  # {language}')
CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # nbformat 4.5's rule for cell ids


def _load_i18n():
    # course/i18n.py, loaded by path: build.py runs as a script and is loaded by the tests.
    spec = importlib.util.spec_from_file_location("gdcourse_course_i18n",
                                                  Path(__file__).resolve().parent / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


i18n = _load_i18n()


class SourceError(ValueError):
    """A source notebook breaks the marker conventions (the message names file and cell)."""


def source_lines(cell: dict) -> list[str]:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else source
    return text.splitlines()


def split_solution(lines: list[str], where: str,
                   stub: tuple[str, str] = STUB) -> tuple[list[str], list[str]]:
    """Return (student lines, solution lines) of one code cell."""
    student, solution = [], []
    inside = None  # indentation of the open BEGIN marker
    for number, line in enumerate(lines, 1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if inside is not None:
                raise SourceError(f"{where}, line {number}: BEGIN SOLUTION inside another block")
            inside = begin["indent"]
            student += [inside + line for line in stub]
        elif end:
            if inside is None:
                raise SourceError(f"{where}, line {number}: END SOLUTION without BEGIN")
            inside = None
        else:
            solution.append(line)
            if inside is None:
                student.append(line)
    if inside is not None:
        raise SourceError(f"{where}: BEGIN SOLUTION is never closed")
    return student, solution


def as_source(lines: list[str]) -> list[str]:
    # nbformat stores a cell's text as lines that keep their "\n", the last one without.
    return [line + "\n" for line in lines[:-1]] + lines[-1:]


def clean_cell(cell: dict, index: int, lines: list[str]) -> dict:
    out = {"cell_type": cell["cell_type"], "id": str(index), "metadata": {}}
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t not in BUILD_TAGS]
    if tags:
        out["metadata"]["tags"] = tags
    if cell["cell_type"] == "code":
        out["execution_count"] = None
        out["outputs"] = []
    out["source"] = as_source(lines)
    return out


def check_cell_ids(source: dict, name: str) -> None:
    """Every source cell has a valid id of its own (the key translations refer to)."""
    seen = {}
    for number, cell in enumerate(source["cells"], 1):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not CELL_ID.match(cell_id):
            raise SourceError(f"{name}, cell {number}: missing or invalid cell id {cell_id!r} "
                              "(1-64 letters, digits, '-' or '_')")
        if cell_id in seen:
            raise SourceError(f"{name}, cell {number}: cell id {cell_id!r} is already used by "
                              f"cell {seen[cell_id]}; give the copy a new id")
        seen[cell_id] = number


def package_version() -> str:
    """The version of gdcourse in this checkout (its one source: ``__version__``)."""
    match = re.search(r'^__version__ = "([^"]+)"', VERSION_FILE.read_text(encoding="utf-8"),
                      flags=re.MULTILINE)
    if not match:
        raise SourceError(f"no __version__ in {VERSION_FILE}")
    return match.group(1)


def setup_cell(version: str, lang: str | None = None, strings: dict | None = None) -> dict:
    if lang is None:
        text = SETUP_CELL.format(version=version)
    else:
        text = TRANSLATED_SETUP_CELL.format(version=version, lang=lang, **strings)
    return {"cell_type": "code", "metadata": {}, "source": text}


def build(source: dict, name: str, version: str | None = None, lang: str | None = None,
          strings: dict | None = None) -> tuple[dict, dict]:
    """Return (student notebook, solved notebook) built from one source notebook.

    With ``lang`` (and the build's ``strings`` in it), the setup cell and the stub are
    those of that language's edition; the cells are taken as they are in ``source``.
    """
    check_cell_ids(source, name)
    version = version or package_version()
    stub = STUB if lang is None else (strings["stub"], STUB[1])
    setup = setup_cell(version, lang, strings)
    versions = {"student": [], "solution": []}
    for number, cell in enumerate(source["cells"], 1):
        tags = set(cell.get("metadata", {}).get("tags", []))
        lines = source_lines(cell)
        if cell["cell_type"] == "code":
            student, solution = split_solution(lines, f"{name}, cell {number}", stub)
        else:
            student = solution = lines
            if any(BEGIN.match(line) or END.match(line) for line in lines):
                raise SourceError(f"{name}, cell {number}: solution markers outside a code cell")
        if "solution" not in tags:
            versions["student"].append((cell, student))
        if "student" not in tags:
            versions["solution"].append((cell, solution))
        if number == 1:  # right after the title cell
            for version_cells in versions.values():
                version_cells.append((setup, setup["source"].splitlines()))
    notebooks = []
    for version in ("student", "solution"):
        nb = {key: copy.deepcopy(value) for key, value in source.items() if key != "cells"}
        nb["metadata"] = {k: v for k, v in source.get("metadata", {}).items()
                          if k in ("kernelspec", "language_info")}
        nb["cells"] = [clean_cell(cell, i, lines)
                       for i, (cell, lines) in enumerate(versions[version])]
        notebooks.append(nb)
    return notebooks[0], notebooks[1]


def dumps(nb: dict) -> str:
    # The layout nbformat (and so nbstripout) writes: indent 1, sorted keys, UTF-8.
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def heading_lines(text: str) -> list[int]:
    """The numbers of the lines of a Markdown text that are headings (not in code)."""
    prose = i18n.split_markdown(text)[0].split("\n")  # one line per line of ``text``
    return [n for n, line in enumerate(prose) if i18n.HEADING.fullmatch(line)]


def with_anchor_ids(english: str, translated: str) -> str:
    """The translation, each heading ending in ``<a id="English-anchor"></a>``.

    Links in a translated edition keep their English targets (``NN_x.ipynb#Heading`` or
    ``#Heading``): JupyterLab 4 percent-encodes a link's fragment and then finds no heading
    whose text is Chinese, while it does find an element with an ASCII ``id``. So every
    translated heading also answers to its English anchor; its own anchor (the Chinese
    text) stays what JupyterLab shows in the table of contents.
    """
    en_lines, tr_lines = heading_lines(english), heading_lines(translated)
    if len(en_lines) != len(tr_lines):
        return translated  # the checks report it; no guessing which heading is which
    en_text, out = english.split("\n"), translated.split("\n")
    for a, b in zip(en_lines, tr_lines):
        en_anchor = i18n.anchor(i18n.HEADING.fullmatch(en_text[a])["text"])
        tr_anchor = i18n.anchor(i18n.HEADING.fullmatch(out[b])["text"])
        if en_anchor and en_anchor != tr_anchor:
            out[b] = out[b].rstrip() + f'<a id="{en_anchor}"></a>'
    return "\n".join(out)


def glossary_notebook(text: str, kernel: dict) -> dict:
    """A Markdown page as a notebook of Markdown cells, one per second-level section."""
    cells, current = [], []
    for line in text.strip("\n").split("\n"):
        if line.startswith("## ") and current:
            cells.append("\n".join(current).strip("\n"))
            current = []
        current.append(line)
    cells.append("\n".join(current).strip("\n"))
    return {"cells": [{"cell_type": "markdown", "id": f"glossary-{i}", "metadata": {},
                       "source": cell} for i, cell in enumerate(cells)],
            "metadata": kernel, "nbformat": 4, "nbformat_minor": 5}


def translated_source(lang: str, name: str, source: dict,
                      strings: dict) -> tuple[dict, list]:
    """One source in ``lang``, still a source (solution markers kept), and its fallbacks.

    Cells with a current translation are replaced by it, each translated heading carries
    its English anchor, and the first cell says how many cells are still in English.
    ``strings`` are the build's strings in ``lang`` (``i18n.build_strings``). The website
    (``website/build.py``) builds its pages of a translated edition from this too.
    """
    catalogue = i18n.read_catalogue(i18n.catalogue_path(lang, name))
    nb, results = i18n.translate(source, catalogue)
    for en_cell, cell in zip(source["cells"], nb["cells"]):
        if cell["cell_type"] == "markdown" and cell["source"] != en_cell["source"]:
            cell["source"] = with_anchor_ids(i18n.cell_text(en_cell), i18n.cell_text(cell))
    fallbacks = [r for r in results if r.status != "translated"]
    if fallbacks:  # say so on the chapter's first cell
        first = nb["cells"][0]
        first["source"] = (i18n.cell_text(first).rstrip("\n") + "\n\n"
                           + strings["incomplete"].format(n=len(fallbacks)))
    return nb, fallbacks


def translated_outputs(lang: str, sources: dict[str, dict], version: str,
                       report: dict | None = None) -> dict[Path, str]:
    """The ``lang`` edition of every source (fallbacks, if any, recorded in ``report``)."""
    strings, build_fallbacks = i18n.build_strings(lang)
    translated = {}
    for name, source in sources.items():
        nb, fallbacks = translated_source(lang, name, source, strings)
        if report is not None:
            report[name] = fallbacks
        translated[name] = nb
    if report is not None and build_fallbacks:
        report[i18n.BUILD_CATALOGUE] = build_fallbacks
    folder = STUDENT_DIR / lang
    written = {}
    for name, nb in translated.items():
        student, solution = build(nb, name, version, lang, strings)
        written[folder / name] = dumps(student)
        written[folder / "solutions" / name] = dumps(solution)
    glossary = i18n.LOCALE_DIR / lang / i18n.GLOSSARY
    if glossary.exists() and sources:
        kernel = next(iter(json.loads(text) for text in written.values()))["metadata"]
        page = glossary_notebook(glossary.read_text(encoding="utf-8"), kernel)
        cells = [clean_cell(c, i, i18n.cell_text(c).split("\n")) for i, c in enumerate(page["cells"])]
        text = dumps({**page, "cells": cells})
        written[folder / i18n.GLOSSARY_NOTEBOOK] = text
        written[folder / "solutions" / i18n.GLOSSARY_NOTEBOOK] = text
    return written


def languages() -> list[str]:
    """The languages with a folder of catalogues in course/locale/."""
    return sorted(p.name for p in i18n.LOCALE_DIR.glob("*") if p.is_dir()
                  and p.name in i18n.LANGUAGES)


def outputs(report: dict | None = None) -> dict[Path, str]:
    """Map every notebook the sources produce to its text (translated editions too).

    ``report``, if given, receives {language: {chapter: [cells shown in English]}}.
    """
    written, sources = {}, {}
    version = package_version()
    for path in sorted(SOURCES.glob("[0-9][0-9]_*.ipynb")):
        source = json.loads(path.read_text(encoding="utf-8"))
        student, solution = build(source, path.name, version)
        written[STUDENT_DIR / path.name] = dumps(student)
        written[SOLUTION_DIR / path.name] = dumps(solution)
        sources[path.name] = source
    for lang in languages():
        lang_report = {} if report is not None else None
        written.update(translated_outputs(lang, sources, version, lang_report))
        if report is not None:
            report[lang] = lang_report
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only report notebooks that differ from their source")
    args = parser.parse_args(argv)
    report = {}
    try:
        expected = outputs(report)
    except SourceError as exc:
        print(f"course/build.py: {exc}", file=sys.stderr)
        return 2
    stale = [p for p, text in expected.items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run: python3 tasks.py notebooks)")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(expected[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"{len(expected)} notebooks up to date ({len(stale)} rewritten)")
    for lang, chapters in report.items():
        shown = {name: len(cells) for name, cells in chapters.items() if cells}
        if shown:
            print(f"{lang}: English shown for untranslated, fuzzy or stale cells: "
                  + ", ".join(f"{name.removesuffix('.ipynb')} {n}" for name, n in shown.items())
                  + " (details: python3 course/i18n.py status)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
