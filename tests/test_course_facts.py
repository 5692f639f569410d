"""Facts about the chapters that several files state must agree: the time of each chapter
(its own header, chapter 00's course map, README.md, the instructors' guide) and the
exercises the instructors' guide lists (the checks each notebook calls)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))


def _cells(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]


def _header_minutes(path):
    match = re.search(r"(\d+)\s*min", _cells(path)[0])
    assert match, f"{path.name}: the first cell states no time in minutes"
    return int(match.group(1))


def _table_minutes(text, name):
    """Minutes in the table row that names the notebook (by file name or stem)."""
    for line in text.splitlines():
        if line.startswith("|") and (f"{name}.ipynb" in line or f"`{name}`" in line):
            match = re.search(r"\|\s*(\d+)\s*min\s*\|", line)
            if match:
                return int(match.group(1))
    return None


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_chapter_time_agrees_everywhere(source):
    minutes = _header_minutes(source)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert _table_minutes(readme, source.stem) == minutes, "README.md"
    assert _table_minutes(guide, source.stem) == minutes, "notebooks/README.md"
    if source.stem != "00_welcome":
        course_map = "\n".join(_cells(ROOT / "course" / "00_welcome.ipynb"))
        assert _table_minutes(course_map, source.stem) == minutes, "chapter 00's course map"


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_the_guide_lists_the_exercises_each_chapter_checks(source):
    from gdcourse.exercises import EXERCISES

    called = set(re.findall(r"\bcheck_(\w+)\(", "\n".join(_cells(source)))) & set(EXERCISES)
    guide = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    row = next(line for line in guide.splitlines()
               if line.startswith(f"| `{source.stem}`"))
    listed = set(re.findall(r"`(\w+)`", row)) - {source.stem}
    assert called <= listed, f"the guide's row for {source.stem} misses {sorted(called - listed)}"


def _title(path):
    """The chapter's title: its first heading after 'Gradient descent, hands on — N. '."""
    match = re.match(r"# Gradient descent, hands on — (\d+)\. (.+)", _cells(path)[0])
    assert match, f"{path.name}: the first cell does not start with the course's title line"
    assert int(match.group(1)) == int(path.stem[:2]), path.name
    return match.group(2).strip()


def _row(text, name):
    return next((line for line in text.splitlines()
                 if line.startswith("|") and (f"{name}.ipynb" in line or f"`{name}`" in line)),
                None)


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_chapter_title_agrees_everywhere(source):
    title = _title(source)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert f"**{title}**" in _row(readme, source.stem), "README.md"
    assert f"**{title}**" in _row(guide, source.stem), "notebooks/README.md"
    if source.stem != "00_welcome":
        course_map = "\n".join(_cells(ROOT / "course" / "00_welcome.ipynb"))
        row = _row(course_map, source.stem)
        assert f"[{source.stem[:2]} — {title}]({source.name})" in row, "chapter 00's course map"


def test_the_guide_states_the_total_time():
    total = sum(_header_minutes(source) for source in SOURCES)
    guide = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert f"({total} minutes)" in guide


def test_the_course_map_counts_the_exercises_right():
    from gdcourse.exercises import EXERCISES

    counts = [len(set(re.findall(r"\bcheck_(\w+)\(", "\n".join(_cells(source)))) & set(EXERCISES))
              for source in SOURCES]
    course_map = next(cell for cell in _cells(ROOT / "course" / "00_welcome.ipynb")
                      if cell.startswith("## Course map"))
    words = {2: "two", 3: "three", 4: "four", 5: "five"}
    assert f"{words[min(counts)]} to {words[max(counts)]} checked" in course_map, counts
