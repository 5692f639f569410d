#!/usr/bin/env python3
"""nbgrader assignments from the course's sources: ``python3 tasks.py nbgrader [--out DIR]``.

Standard library only. For every chapter ``course/NN_<name>.ipynb`` it writes
``<out>/source/NN_<name>/NN_<name>.ipynb``, an nbgrader *source* notebook, and
``<out>/nbgrader_config.py``. Then, in ``<out>``, nbgrader does the rest:

    nbgrader generate_assignment 03_learning_rate   # release/: solutions taken out
    nbgrader autograde 03_learning_rate             # grades submitted/<student>/...

What changes against the course's source:

* a cell with ``# BEGIN SOLUTION`` / ``# END SOLUTION`` becomes a *solution* cell;
  nbgrader replaces the region with the course's own stub (``nbgrader_config.py``), so
  the released notebook reads exactly like the course's student version;
* the check of an exercise becomes a *graded* cell ("autograder tests", locked,
  ``POINTS`` points): it still imports its check from the package, and now asserts that
  the check passed, so nbgrader gives the points only then. The check of an exercise is
  what course/AUTHORING.md makes it: a cell ending in ``check_<name>(<function>)``
  followed by a ``solution``-tagged cell asserting ``.passed`` (a check shown on a
  deliberately wrong function is not graded). Where the exercise and its check share a
  cell, the check moves to a cell of its own;
* cells tagged ``solution`` (the solved notebook's own asserts) are left out; cells
  tagged ``student`` stay; the setup cell course/build.py puts after the title
  (``gdcourse.check_setup(<version>)``) is added.

The checks' references ship inside the ``gdcourse`` package, where a learner can read
them: for grades that count, add hidden tests of your own to the graded cells
(``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``; notebooks/README.md).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "course"
POINTS = 1
CHECK = re.compile(r"^check_(\w+)\((\w+)\)\s*$")
STUB = "# Your code here (replace the next line).\nraise NotImplementedError"

CONFIG = f'''\
# Written by gdcourse's deploy/nbgrader/make_assignments.py (python3 tasks.py nbgrader).
c = get_config()  # noqa: F821
# The course's own markers and stub, so the released notebook reads like the course's.
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearSolutions.code_stub = {{"python": {STUB!r}}}
# A chapter runs in seconds; a busy grading machine may need more per cell.
c.ExecutePreprocessor.timeout = 300
'''


def grade_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def nbgrader_meta(cell_id: str, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id(cell_id), "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def split_check(source: str) -> tuple[str, str] | None:
    """(the cell without its final check call, the graded cell); None without a check."""
    lines = source.rstrip().splitlines()
    found = CHECK.match(lines[-1].strip()) if lines else None
    if not found:
        return None
    name, argument = found.groups()
    before = "\n".join(lines[:-1]).rstrip()
    importing = f"from gdcourse.exercises import check_{name}"
    head = [line for line in lines[:-1] if line.strip() == importing] or [importing]
    graded = "\n".join(head + [
        "",
        f"result = check_{name}({argument})",
        "assert result.passed, result  # the points are given only when the check passes",
        "result",
    ])
    rest = "\n".join(line for line in before.splitlines() if line.strip() != importing).strip()
    return rest, graded


def course_build():
    """course/build.py, for the setup cell it puts into every notebook it writes."""
    spec = importlib.util.spec_from_file_location("gdcourse_course_build", SOURCES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assignment(source_nb: dict, name: str = "chapter") -> tuple[dict, list[str]]:
    """The nbgrader source notebook for one chapter, and the graded cells' ids."""
    nb = copy.deepcopy(source_nb)
    build = course_build()
    setup = build.setup_cell(build.package_version())  # as in the course's notebooks:
    setup.update(id=f"{name}-setup", execution_count=None, outputs=[])  # after the title
    nb["cells"].insert(1, setup)
    cells, graded = [], []
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            continue
        text = "".join(cell["source"])
        cid = cell.get("id", f"cell-{len(cells)}")
        if "BEGIN SOLUTION" in text:
            cell["metadata"]["nbgrader"] = nbgrader_meta(cid, solution=True)
        check = split_check(text) if cell["cell_type"] == "code" else None
        following = nb["cells"][i + 1] if i + 1 < len(nb["cells"]) else {"metadata": {}}
        asserted = ("solution" in following["metadata"].get("tags", [])
                    and ".passed" in "".join(following.get("source", "")))
        if check is not None and asserted:
            rest, graded_text = check
            name = CHECK.match(text.rstrip().splitlines()[-1].strip()).group(1)
            if rest:  # the exercise and its check in one cell: the check gets a cell of its own
                cell["source"] = rest
                cells.append(cell)
                cell = {"cell_type": "code", "id": f"{cid}-check", "metadata": {},
                        "execution_count": None, "outputs": [], "source": graded_text}
            cell["source"] = graded_text
            cell["metadata"]["nbgrader"] = nbgrader_meta(f"check_{name}", grade=True,
                                                         locked=True, points=POINTS)
            graded.append(f"check_{name}")
        cells.append(cell)
    nb["cells"] = cells
    return nb, graded


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py nbgrader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "nbgrader",
                        help="the nbgrader course folder to write (default build/nbgrader)")
    parser.add_argument("chapters", nargs="*", help="e.g. 03_learning_rate (default: all)")
    options = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.ipynb"))
    if options.chapters:
        sources = [p for p in sources if p.stem in options.chapters]
        missing = set(options.chapters) - {p.stem for p in sources}
        if missing:
            parser.error(f"no such chapter: {', '.join(sorted(missing))}")
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    for path in sources:
        nb, graded = assignment(json.loads(path.read_text(encoding="utf-8")), path.stem)
        target = out / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{target.relative_to(out)}: {len(graded)} graded cells, "
              f"{len(graded) * POINTS} points ({', '.join(graded)})")
    print(f"nbgrader course folder: {out}  (cd there; nbgrader generate_assignment <chapter>)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
