"""The translated editions (notebooks/zh_CN/) must not drift from the English sources.

The catalogues (course/locale/<lang>/NN_*.po) key each translation by the cell's stable id
and keep the English text it was made from; course/i18n.py does the work, these tests
hold it to its word. Nothing here compares English wording: only structure (formulas,
links, headings, tags, code tokens) and the ids.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return sys.modules[name]


build = _load("course_build", ROOT / "course" / "build.py")
i18n = build.i18n
LANGS = build.languages()
SOURCES = i18n.sources()
# Chapters with a catalogue (the others are all fallback: reported, not tested entry by entry)
CHAPTERS = [(lang, path) for lang in LANGS for path in SOURCES
            if i18n.catalogue_path(lang, path.name).exists()]
CHAPTER_IDS = [f"{lang}/{path.stem}" for lang, path in CHAPTERS]


def test_there_is_a_chinese_edition():
    assert "zh_CN" in LANGS
    for path in SOURCES:
        for folder in ("zh_CN", "zh_CN/solutions"):
            assert (ROOT / "notebooks" / folder / path.name).is_file()


def test_no_stray_translated_notebooks():
    expected = set(build.outputs())
    for lang in LANGS:
        for path in (ROOT / "notebooks" / lang).rglob("*.ipynb"):
            if ".ipynb_checkpoints" not in path.parts:
                assert path in expected, f"{path.relative_to(ROOT)} has no source; delete it"


# --------------------------------------------------------------------------- catalogues
def _catalogue_files():
    return sorted(p for lang in LANGS for p in (i18n.LOCALE_DIR / lang).glob("*.po"))


@pytest.mark.parametrize("path", _catalogue_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_catalogue_reads_back_as_written(path):
    catalogue = i18n.parse_po(path.read_text(encoding="utf-8"), path.name)
    again = i18n.parse_po(i18n.format_po(catalogue), path.name)
    assert again == catalogue
    assert catalogue.header.get("Content-Type") == "text/plain; charset=UTF-8"
    assert catalogue.header.get("Language") == path.parent.name


@pytest.mark.parametrize("lang, source", CHAPTERS, ids=CHAPTER_IDS)
def test_no_translation_is_stale(lang, source):
    """A changed English cell: its translation is not used, and this test names it."""
    catalogue = i18n.read_catalogue(i18n.catalogue_path(lang, source.name))
    if catalogue is None:
        pytest.skip(f"no catalogue for {source.name} yet")
    _, results = i18n.translate(i18n.load(source), catalogue)
    stale = [r.cell_id for r in results if r.status == "stale"]
    assert not stale, (f"{source.name}: the English of cell(s) {stale} changed since they were "
                       f"translated; run `python3 course/i18n.py update {source.name[:2]}` "
                       "(marks them fuzzy for the translator)")


@pytest.mark.parametrize("lang, source", CHAPTERS, ids=CHAPTER_IDS)
def test_no_translation_is_unused(lang, source):
    catalogue = i18n.read_catalogue(i18n.catalogue_path(lang, source.name))
    if catalogue is None:
        pytest.skip(f"no catalogue for {source.name} yet")
    unused = [e.msgctxt for e in i18n.unused_entries(i18n.load(source), catalogue)]
    assert not unused, (f"{source.name}: translations for cells that no longer exist: {unused}; "
                        f"run `python3 course/i18n.py update {source.name[:2]}` (keeps them as "
                        "obsolete #~ entries)")


def test_no_catalogue_without_a_chapter():
    names = {p.stem for p in SOURCES}
    for lang in LANGS:
        for path in (i18n.LOCALE_DIR / lang).glob("[0-9][0-9]_*.po"):
            assert path.stem in names, f"{path.relative_to(ROOT)}: no course/{path.stem}.ipynb"


@pytest.mark.parametrize("lang, source", CHAPTERS, ids=CHAPTER_IDS)
def test_translations_keep_formulas_links_headings_and_code(lang, source):
    catalogue = i18n.read_catalogue(i18n.catalogue_path(lang, source.name))
    if catalogue is None:
        pytest.skip(f"no catalogue for {source.name} yet")
    cells = {c["id"]: c for c in i18n.load(source)["cells"]}
    found = []
    for entry in catalogue.active().values():
        cell = cells.get(entry.msgctxt)
        if cell and entry.msgstr and entry.msgid == i18n.cell_text(cell):
            found += [f"cell {entry.msgctxt}: {p}" for p in i18n.check_entry(entry, cell["cell_type"])]
    assert not found, f"{source.name}:\n" + "\n".join(found)


def test_fallbacks_are_reported_and_complete_chapters_have_none():
    """English shown in a translated edition is listed; a 'complete' chapter has none."""
    report = {}
    build.outputs(report)
    lines = []
    for lang, chapters in report.items():
        for name, cells in chapters.items():
            if not cells:
                continue
            ids = [c if isinstance(c, str) else f"{c.cell_id} ({c.status})" for c in cells]
            lines.append(f"{lang}/{name}: {len(ids)} cell(s) in English: {', '.join(ids[:6])}"
                         + (" ..." if len(ids) > 6 else ""))
            catalogue = (i18n.read_catalogue(i18n.LOCALE_DIR / lang / name)
                         if name == i18n.BUILD_CATALOGUE else
                         i18n.read_catalogue(i18n.catalogue_path(lang, name)))
            assert not (catalogue and catalogue.complete), (
                f"{lang}/{name} says X-Gdcourse-Status: complete, but shows English: {ids}")
    if lines:
        warnings.warn("untranslated cells (English shown):\n" + "\n".join(lines), stacklevel=1)
    assert "00_welcome.ipynb" not in {n for c in report.values() for n, cells in c.items() if cells}


def test_the_pilot_chapter_is_complete():
    catalogue = i18n.read_catalogue(i18n.catalogue_path("zh_CN", "00_welcome.ipynb"))
    assert catalogue is not None and catalogue.complete
    build_strings = i18n.read_catalogue(i18n.LOCALE_DIR / "zh_CN" / i18n.BUILD_CATALOGUE)
    assert build_strings is not None and build_strings.complete
    assert not i18n.build_strings("zh_CN")[1]


# --------------------------------------------------------------------------- built editions
def _built(lang, folder, name):
    sub = "" if folder == "student" else "solutions"
    english = json.loads((ROOT / "notebooks" / sub / name).read_text(encoding="utf-8"))
    translated = json.loads((ROOT / "notebooks" / lang / sub / name).read_text(encoding="utf-8"))
    return english, translated


EDITIONS = [(lang, folder, path.name) for lang in LANGS for folder in ("student", "solution")
            for path in SOURCES]


@pytest.mark.parametrize("lang, folder, name", EDITIONS,
                         ids=[f"{a}/{b}/{c[:2]}" for a, b, c in EDITIONS])
def test_editions_have_the_same_cells_tags_and_code(lang, folder, name):
    english, translated = _built(lang, folder, name)
    assert len(english["cells"]) == len(translated["cells"])
    assert english["metadata"] == translated["metadata"]
    for number, (a, b) in enumerate(zip(english["cells"], translated["cells"])):
        where = f"{lang}/{name} ({folder}), cell {number}"
        assert a["cell_type"] == b["cell_type"], where
        assert a["metadata"] == b["metadata"], f"{where}: tags differ"
        if a["cell_type"] != "code":
            continue
        en, tr = i18n.cell_text(a), i18n.cell_text(b)
        if "gdcourse.check_setup(" in en:  # the setup cell: same check, plus the language
            assert tr.startswith("import gdcourse\n") and en.split("#")[0].split("\n")[1] in tr
            assert f'gdcourse.set_language("{lang}")' in tr
            continue
        problems = i18n.compare_code(en, tr)
        assert not problems, f"{where}: {problems}"


def _links(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            yield from i18n.links(i18n.cell_text(cell))


TRANSLATED = sorted(p for lang in LANGS for p in (ROOT / "notebooks" / lang).rglob("*.ipynb")
                    if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_internal_links_reach_headings_of_the_translated_notebooks(path):
    """JupyterLab's anchors: a heading's text with spaces turned into '-'."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    broken = []
    for target in _links(nb):
        if "://" in target or target.startswith("mailto:"):
            continue
        file, _, fragment = target.partition("#")
        linked = path.parent / file if file else path
        if not linked.exists():
            broken.append(f"{target}: no file {file}")
            continue
        if fragment and linked.suffix == ".ipynb":
            anchors = i18n.notebook_anchors(json.loads(linked.read_text(encoding="utf-8")))
            if fragment not in anchors:
                broken.append(f"{target}: no heading with that anchor in {linked.name}")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_chapter_00_links_to_the_glossary():
    for sub in ("", "solutions"):
        nb = json.loads((ROOT / "notebooks" / "zh_CN" / sub / "00_welcome.ipynb").read_text("utf-8"))
        assert i18n.GLOSSARY_NOTEBOOK in {t.partition("#")[0] for t in _links(nb)}
        assert (ROOT / "notebooks" / "zh_CN" / sub / i18n.GLOSSARY_NOTEBOOK).is_file()


def test_translated_setup_cell_and_stub_come_from_the_build_catalogue():
    strings, fallbacks = i18n.build_strings("zh_CN")
    assert not fallbacks
    src = {"cells": [
        {"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# T"},
        {"cell_type": "code", "id": "c", "metadata": {},
         "source": "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION"}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    student, solution = build.build(src, "t.ipynb", "9.9.9", "zh_CN", strings)
    setup = "".join(student["cells"][1]["source"])
    assert strings["setup"] in setup and strings["language"] in setup
    assert 'gdcourse.set_language("zh_CN")' in setup and 'check_setup("9.9.9")' in setup
    stub = "".join(student["cells"][2]["source"])
    assert strings["stub"] in stub and "raise NotImplementedError" in stub
    assert build.STUB[0] not in stub
    assert "return 1" in "".join(solution["cells"][2]["source"])


# --------------------------------------------------------------------------- the machinery
def _nb(*cells):
    return {"cells": [{"cell_type": t, "id": i, "metadata": {}, "source": s} for t, i, s in cells],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_a_changed_english_cell_makes_its_translation_stale_and_update_marks_it_fuzzy():
    source = _nb(("markdown", "m1", "# Title\n\nOne $x$."), ("code", "k1", "x = 1  # one"),
                 ("code", "k2", "y = 2"))
    catalogue = i18n.update_catalogue(None, source, "99_test.ipynb", "zh_CN")
    assert [e.msgctxt for e in catalogue.entries] == ["m1", "k1"]  # k2: nothing to translate
    assert all(e.fuzzy and not e.msgstr for e in catalogue.entries)  # new: marked fuzzy
    for entry, text in zip(catalogue.entries, ["# 标题\n\n一个 $x$。", "x = 1  # 一"]):
        entry.msgstr = text
        entry.set_fuzzy(False)
    nb, results = i18n.translate(source, catalogue)
    assert [r.status for r in results] == ["translated", "translated"]
    assert i18n.cell_text(nb["cells"][0]) == "# 标题\n\n一个 $x$。"

    source["cells"][0]["source"] = "# Title\n\nOne $y$."
    nb, results = i18n.translate(source, catalogue)
    assert [(r.cell_id, r.status) for r in results] == [("m1", "stale"), ("k1", "translated")]
    assert i18n.cell_text(nb["cells"][0]) == "# Title\n\nOne $y$."  # the English, not stale text

    updated = i18n.update_catalogue(catalogue, source, "99_test.ipynb", "zh_CN")
    entry = updated.active()["m1"]
    assert entry.fuzzy and entry.previous_msgid == "# Title\n\nOne $x$."
    assert entry.msgid == "# Title\n\nOne $y$." and entry.msgstr == "# 标题\n\n一个 $x$。"
    assert [r.status for r in i18n.translate(source, updated)[1]] == ["fuzzy", "translated"]

    del source["cells"][1]  # a cell removed: its translation becomes obsolete, not lost
    again = i18n.update_catalogue(updated, source, "99_test.ipynb", "zh_CN")
    assert [e.msgctxt for e in again.entries if e.obsolete] == ["k1"]
    text = i18n.format_po(again)
    assert '#~ msgctxt "k1"' in text and '#| msgid ""' in text
    assert i18n.parse_po(text) == again


def test_problems_name_the_chapter_and_the_cell(tmp_path):
    source = json.loads((ROOT / "course" / "00_welcome.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in source["cells"] if c["cell_type"] == "markdown")
    cell["source"] = i18n.cell_text(cell) + "\n\nA new sentence."
    changed = tmp_path / "00_welcome.ipynb"
    changed.write_text(json.dumps(source), encoding="utf-8")
    found = i18n.problems("zh_CN", [changed])
    assert any(line.startswith(f"00_welcome.ipynb, cell {cell['id']}:") and "stale" in line
               for line in found), found


@pytest.mark.parametrize("english, translated, expected", [
    ("x = f(1)  # one", "x = f(1)  # 一", []),
    ("print('a b')", "print('甲 乙')", []),
    ("print('a b')", "print('甲' '乙')", []),                      # split: still one string
    ("x = f(1)", "x = f(2)", ["beyond comments"]),
    ("x = f('a b')", "x = f()", ["beyond comments"]),              # a string removed
    ("d['lr'] = 1", "d['学习率'] = 1", ["depends on"]),             # a key
    ("f(mode='fast')", "f(mode='快')", ["depends on"]),             # an option name
    ("assert 'against' in h", "assert '违背' in h", ["depends on"]),  # a compared text
    ("ax.set_title('loss')", "ax.set_title('损失')", []),            # shown only
    ("print(f'{a} of {b}')", "print(f'{b}的{a}')", []),              # fields reordered
    ("print(f'{a:.2f}')", "print(f'{a:.3f} {c}')", ["fields"]),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION",
     "def f():\n    # 开始\n    return 1\n    # END SOLUTION", ["BEGIN SOLUTION"]),
])
def test_code_may_differ_only_in_comments_and_shown_strings(english, translated, expected):
    problems = i18n.compare_code(english, translated)
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected):
        assert words in problem


@pytest.mark.parametrize("english, translated, expected", [
    ("# A\n\nSee $x^2$ and [b](01_x.ipynb#B).", "# 甲\n\n见 $x^2$ 与[乙](01_x.ipynb#B)。", []),
    ("# A\n\n$x^2$", "# 甲\n\n$x^3$", ["formulas"]),
    ("# A\n\n$$a = b$$", "# 甲\n\n$$a = c$$", ["formulas"]),
    ("# A\n\n[b](01_x.ipynb)", "# 甲\n\n乙", ["link targets"]),
    ("# A\n\n## B", "# 甲\n\n### 乙", ["heading levels"]),
    ("# A\n\n## B", "# 甲\n\n乙", ["heading levels"]),
    ("Use `lr`.", "用学习率。", ["code spans"]),
    ("<details><summary>A</summary>x</details>", "<details>甲 x</details>", ["HTML tags"]),
    ("|a|b|\n|-|-|\n|1|2|", "|甲|乙|\n|-|-|", ["tables"]),
    ("x\n```python\nf(1)  # one\n```", "甲\n```python\nf(1)  # 一\n```", []),
    ("x\n```python\nf(1)\n```", "甲\n```python\nf(2)\n```", ["code block"]),
    ("# A\n\n$x$", "# 甲\n\n$x$，又见 $y$ 与[术语表](glossary.ipynb)。", []),  # may add
])
def test_markdown_keeps_formulas_links_headings_tags_and_code(english, translated, expected):
    problems = i18n.compare_markdown(english, translated)
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected):
        assert words in problem


def test_anchors_are_jupyterlabs():
    assert i18n.anchor("Notation used throughout the course") == "Notation-used-throughout-the-course"
    assert i18n.anchor("本课程通用的记号") == "本课程通用的记号"
    assert i18n.anchor("**Bold** and `code` [link](x)") == "Bold-and-code-link"
    assert i18n.anchor("Exercise 2 — after $t$ steps") is None


def test_translated_headings_answer_to_their_english_anchors():
    """JupyterLab 4 finds no heading by a percent-encoded Chinese fragment (measured in
    Chromium), so links keep English targets and translated headings carry those ids."""
    english = "# Top part\n\nText\n\n```python\n# not a heading\n```\n\n## Course map"
    translated = "# 顶部\n\n文字\n\n```python\n# 不是标题\n```\n\n## 课程地图"
    out = build.with_anchor_ids(english, translated)
    assert out == ('# 顶部<a id="Top-part"></a>\n\n文字\n\n```python\n# 不是标题\n```\n\n'
                   '## 课程地图<a id="Course-map"></a>')
    anchors = i18n.notebook_anchors({"cells": [{"cell_type": "markdown", "source": out}]})
    assert anchors == ["顶部", "Top-part", "课程地图", "Course-map"]
    assert i18n.headings(out) == [(1, '顶部<a id="Top-part"></a>'),
                                  (2, '课程地图<a id="Course-map"></a>')]
    assert build.with_anchor_ids("# A\n\n## B", "# 甲") == "# 甲"  # counts differ: unchanged


def test_tasks_py_test_runs_the_translated_notebooks_with_nbval():
    tasks = _load("gdcourse_tasks", ROOT / "tasks.py")
    assert "notebooks" in tasks.PYTEST_ARGS  # pytest recurses into notebooks/zh_CN/
    assert (ROOT / "notebooks" / "zh_CN").parent == ROOT / "notebooks"
    assert tasks.LANGUAGES["zh_CN"] == "zh_CN" and "zh_CN" in LANGS


def test_the_chinese_readme_gives_the_same_two_commands_and_working_links():
    import re
    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "python3 tasks.py lab --lang zh_CN" in readme and "python3 tasks.py test" in readme
    assert "README.zh-CN.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"urlpath=lab/tree/([^)\s\"]+)", readme):
        assert (ROOT / target).is_file(), f"Binder link points at a missing file: {target}"
    for target in re.findall(r"\]\(((?!https?:)[^)#\s]+)", readme):
        assert (ROOT / target).exists(), f"README.zh-CN.md links to a missing {target}"
