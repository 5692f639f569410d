"""Every link between the chapters lands on a heading that exists.

JupyterLab gives every rendered Markdown heading the id "its text with each space replaced
by '-'" (``createHeaderId`` in @jupyterlab/rendermime: ``header.textContent.replace(/ /g,
"-")``), case and punctuation kept, so ``## 6. When to stop`` is ``#6.-When-to-stop``. A link
``[...](03_learning_rate.ipynb#The-moving-average-lags)`` works only if the target notebook has
that heading, spelled exactly so; a renamed heading breaks it silently. These tests read the
sources in ``course/`` (the generated notebooks carry the same Markdown) and the two READMEs.

They also pin the links the course relies on to teach a thing once and refer back to it
(course/AUTHORING.md, "Who teaches what first"): the exponential moving averages of chapter 2,
convexity in chapter 1, the eigen-directions of chapter 3.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
SOURCES = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _markdown_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(cell["id"], "".join(cell["source"])) for cell in cells
            if cell["cell_type"] == "markdown"]


def _outside_fences(text):
    """The lines of a Markdown text that are not inside a fenced code block."""
    inside = False
    for line in text.splitlines():
        if _FENCE.match(line):
            inside = not inside
            continue
        if not inside:
            yield line


def text_content(heading):
    """What the rendered heading's textContent is: the text without Markdown markup."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)    # [text](url) -> text
    text = re.sub(r"<[^>]+>", "", text)                         # inline HTML tags
    text = re.sub(r"`([^`]*)`", r"\1", text)                    # `code` -> code
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)             # **bold**
    text = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", text)   # *emphasis*
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)          # backslash escapes
    return text


def anchor(heading):
    """JupyterLab's id of a heading with this Markdown text."""
    return text_content(heading).replace(" ", "-")


def anchors(path):
    """The anchors of a notebook's headings; a heading with math has none we can predict."""
    found = {}
    for _, text in _markdown_cells(path):
        for line in _outside_fences(text):
            match = _HEADING.match(line)
            if match:
                heading = match.group(2)
                found[None if "$" in heading else anchor(heading)] = heading
    found.pop(None, None)
    return found


def links(text):
    """The relative link targets of a Markdown text (web and mail links left out)."""
    targets = []
    for line in _outside_fences(text):
        for match in _LINK.finditer(line):
            target = match.group(1)
            if not re.match(r"[a-z][a-z0-9+.-]*:", target):       # http:, https:, mailto:
                targets.append(target)
    return targets


def _source_links():
    for path in SOURCES:
        for cell_id, text in _markdown_cells(path):
            for target in links(text):
                yield path, cell_id, target


def test_the_anchor_rule_is_jupyterlabs():
    assert anchor("6. When to stop") == "6.-When-to-stop"
    assert anchor("2. The theory: one factor per direction") == \
        "2.-The-theory:-one-factor-per-direction"
    assert anchor("3. Decay on a plateau: `ReduceLROnPlateau`") == \
        "3.-Decay-on-a-plateau:-ReduceLROnPlateau"
    assert anchor("Exercise 1 — **one** step") == "Exercise-1-—-one-step"


def test_every_source_has_headings():
    for path in SOURCES:
        assert len(anchors(path)) >= 5, path.name


@pytest.mark.parametrize("path,cell_id,target",
                         [pytest.param(*link, id=f"{link[1]}:{link[2]}")
                          for link in _source_links()])
def test_every_link_between_chapters_resolves(path, cell_id, target):
    file, _, fragment = target.partition("#")
    destination = (path.parent / file) if file else path
    assert destination.exists(), f"{path.name}, cell {cell_id}: no file {file!r}"
    if destination.suffix == ".ipynb" and fragment:
        known = anchors(destination)
        assert fragment in known, (
            f"{path.name}, cell {cell_id}: {destination.name} has no heading with the anchor "
            f"#{fragment}; its anchors: {sorted(known)}")


@pytest.mark.parametrize("readme", ["README.md", "notebooks/README.md"])
def test_the_readmes_link_to_files_that_exist(readme):
    path = ROOT / readme
    for target in links(path.read_text(encoding="utf-8")):
        file, _, fragment = target.partition("#")
        if not file:
            continue
        destination = path.parent / file
        assert destination.exists(), f"{readme}: no file {file!r}"
        if destination.suffix == ".ipynb" and fragment:
            assert fragment in anchors(COURSE / destination.name), f"{readme}: #{fragment}"


EMA = "02_batch_sizes.ipynb#Exponential-moving-averages"
CONVEX = "01_gradient_descent.ipynb#Convex-and-non-convex-losses"
EIGEN = "03_learning_rate.ipynb#The-error-along-each-eigen-direction"
NOTATION = "00_welcome.ipynb#Notation-used-throughout-the-course"


def _targets(stem):
    path = COURSE / f"{stem}.ipynb"
    return {target for _, text in _markdown_cells(path) for target in links(text)}


@pytest.mark.parametrize("stem", ["03_learning_rate", "04_schedules", "05_momentum_adaptive",
                                  "07_capstone"])
def test_later_moving_averages_link_to_chapter_2(stem):
    assert EMA in _targets(stem)


def test_the_eigen_directions_are_linked_from_chapters_1_and_5():
    assert EIGEN in _targets("01_gradient_descent")
    assert EIGEN in _targets("05_momentum_adaptive")


def test_the_first_convex_after_chapter_1_links_to_its_definition():
    assert CONVEX in _targets("03_learning_rate")


@pytest.mark.parametrize("path", SOURCES[1:], ids=[p.stem for p in SOURCES[1:]])
def test_every_chapter_links_to_the_notation_table(path):
    assert NOTATION in _targets(path.stem)


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_every_explorer_goal_has_a_collapsed_answer(path):
    """A Markdown cell that sets goals ("**Goal:**", "**Your goals**") has its answers in
    <details> blocks: in the cell itself, or in the Markdown cell right after the explorer."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        text = "".join(cell["source"])
        if cell["cell_type"] != "markdown" or not re.search(r"\*\*(Your )?goals?\b", text,
                                                               re.IGNORECASE):
            continue
        answers = text + "".join("".join(after["source"]) for after in cells[index + 1:index + 3]
                                 if after["cell_type"] == "markdown")
        assert "<details>" in answers and "</details>" in answers, (path.name, cell["id"])
        assert answers.count("<details>") == answers.count("</details>"), (path.name, cell["id"])
