"""The student and solved notebooks are generated from course/ and must not drift from it."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("course_build", ROOT / "course" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))


def _notebook(*cells):
    for number, cell in enumerate(cells):
        cell.setdefault("id", f"cell-{number}")
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3"},
                                               "widgets": {"junk": 1}},
            "nbformat": 4, "nbformat_minor": 5}


def _code(text, tags=()):
    meta = {"tags": list(tags)} if tags else {}
    return {"cell_type": "code", "metadata": meta, "source": text, "outputs": [{"x": 1}],
            "execution_count": 7}


def _text(nb):
    """The cells' texts, without the generated setup cell."""
    return ["".join(cell["source"]) for cell in nb["cells"]
            if "gdcourse.check_setup(" not in "".join(cell["source"])]


def test_a_setup_cell_with_the_package_version_follows_the_title():
    src = _notebook(_code("# Title"), _code("a = 1"))
    for nb in build.build(src, "t.ipynb", version="9.8.7"):
        texts = ["".join(cell["source"]) for cell in nb["cells"]]
        assert len(texts) == 3 and texts[0] == "# Title" and texts[2] == "a = 1"
        assert 'gdcourse.check_setup("9.8.7")' in texts[1]
    assert build.package_version() == __import__("gdcourse").__version__


def test_every_generated_notebook_is_up_to_date():
    stale = [p for p, text in build.outputs().items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"run `python3 tasks.py notebooks`; out of date: {stale}"


def test_each_source_gives_a_student_and_a_solved_notebook():
    assert SOURCES, "no course sources found"
    for source in SOURCES:
        assert (ROOT / "notebooks" / source.name).exists()
        assert (ROOT / "notebooks" / "solutions" / source.name).exists()


def test_no_stray_notebooks_without_a_source():
    names = {p.name for p in SOURCES}
    stray = [p for folder in (ROOT / "notebooks", ROOT / "notebooks" / "solutions")
             for p in folder.glob("*.ipynb") if p.name not in names]
    assert not stray, f"notebooks without a source in course/: {stray}"


def test_solution_block_becomes_a_stub_at_its_indentation():
    src = _notebook(_code("def f(x):\n    # BEGIN SOLUTION\n    y = 2 * x\n    return y\n"
                          "    # END SOLUTION\n\nprint(f)"))
    student, solution = build.build(src, "t.ipynb")
    assert _text(student) == ["def f(x):\n    # Your code here (replace the next line).\n"
                              "    raise NotImplementedError\n\nprint(f)"]
    assert _text(solution) == ["def f(x):\n    y = 2 * x\n    return y\n\nprint(f)"]


def test_tags_select_the_version_and_are_removed():
    src = _notebook(_code("a = 1"), _code("assert ok", ["solution", "keep"]),
                    _code("print('try')", ["student"]))
    student, solution = build.build(src, "t.ipynb")
    assert _text(student) == ["a = 1", "print('try')"]
    assert _text(solution) == ["a = 1", "assert ok"]
    assert solution["cells"][2]["metadata"] == {"tags": ["keep"]}  # after the setup cell


def test_outputs_counts_and_foreign_metadata_are_stripped():
    student, _ = build.build(_notebook(_code("a = 1")), "t.ipynb")
    cell = student["cells"][0]
    assert cell["outputs"] == [] and cell["execution_count"] is None and cell["id"] == "0"
    assert student["metadata"] == {"kernelspec": {"name": "python3"}}


@pytest.mark.parametrize("text, words", [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
])
def test_broken_markers_name_the_cell(text, words):
    with pytest.raises(build.SourceError, match=words) as info:
        build.build(_notebook(_code("ok = 1"), _code(text)), "t.ipynb")
    assert "t.ipynb, cell 2" in str(info.value)


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_student_version_contains_no_solution_code(source):
    nb = json.loads((ROOT / "notebooks" / source.name).read_text(encoding="utf-8"))
    text = "\n".join(_text(nb))
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    src = json.loads(source.read_text(encoding="utf-8"))
    n_blocks = sum("".join(c["source"]).count("# BEGIN SOLUTION") for c in src["cells"])
    assert text.count("raise NotImplementedError") >= n_blocks


@pytest.mark.parametrize("ids, words", [
    (["a", "a"], "already used by cell 1"),
    (["a", None], "missing or invalid"),
    (["a", "has space"], "missing or invalid"),
    (["a", "x" * 65], "missing or invalid"),
])
def test_source_cell_ids_must_be_valid_and_unique(ids, words):
    cells = [_code("a = 1"), _code("b = 2")]
    for cell, cell_id in zip(cells, ids):
        cell["id"] = cell_id
    with pytest.raises(build.SourceError, match=words) as info:
        build.build(_notebook(*cells), "t.ipynb")
    assert "t.ipynb, cell 2" in str(info.value)


def test_every_source_cell_has_a_unique_stable_id():
    seen = {}
    for source in SOURCES:
        nb = json.loads(source.read_text(encoding="utf-8"))
        build.check_cell_ids(nb, source.name)  # raises on a missing or repeated id
        for cell in nb["cells"]:
            assert cell["id"] not in seen, f"{cell['id']} in {source.name} and {seen[cell['id']]}"
            seen[cell["id"]] = source.name
            assert not cell["id"].isdigit(), (
                f"{source.name}: cell id {cell['id']!r} looks renumbered by nbstripout without "
                "--keep-id; restore the ids (git checkout) and strip with python3 tasks.py strip")
