"""The Chinese edition uses one word for each term: the glossary's (course/locale/zh_CN/glossary.md).

For every translated Markdown cell: where the English uses a glossary term, the Chinese
uses the glossary's translation; no cell uses a word the glossary rules out (quotations of
the source article, in “…”, excepted); a cell whose English speaks of the source article
says 原文 in Chinese. Terms are matched in the prose only (not in code, formulas or link
targets), longest first, so "stochastic gradient descent" is not also "gradient descent".
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "course" / "locale" / "zh_CN" / "glossary.md"


def _i18n():
    name = "course_build"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "course" / "build.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].i18n


i18n = _i18n()


def glossary_terms():
    """[(English forms, Chinese, [words not to use])] from the glossary's table."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## 术语", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    terms = []
    for row in rows:
        english, chinese, avoid, _ = [c.strip() for c in row.strip().strip("|").split("|")]
        terms.append(([f.strip() for f in english.split(",") if f.strip()], chinese,
                      [w.strip() for w in avoid.split(",") if w.strip()]))
    return terms


TERMS = glossary_terms()


def prose(markdown: str) -> str:
    """The words of a Markdown text: no code, formulas, link targets or HTML tags."""
    text = i18n.split_markdown(markdown)[0]
    text = i18n.CODE_SPAN.sub(" ", text)
    text = i18n.DISPLAY_MATH.sub(" ", text)
    text = i18n.INLINE_MATH.sub(" ", text)
    text = i18n.LINK.sub(lambda m: m["text"], text)
    return i18n.HTML_TAG.sub(" ", text)


def _pattern(form: str) -> re.Pattern:
    words = [re.escape(w) for w in re.split(r"[\s-]+", form.lower())]
    return re.compile(r"(?<![a-z])" + r"[\s-]+".join(words) + r"(?:s|es)?(?![a-z])")


FORMS = sorted(((form, chinese) for forms, chinese, _ in TERMS for form in forms),
               key=lambda fc: -len(fc[0]))


def english_terms(text: str) -> set[str]:
    """The glossary's Chinese for each term the English uses (longest match first)."""
    text, found = prose(text).lower(), set()
    for form, chinese in FORMS:
        pattern = _pattern(form)
        if pattern.search(text):
            found.add(chinese)
            text = pattern.sub(" ", text)
    return found


def translated_cells():
    for path in i18n.sources():
        catalogue = i18n.read_catalogue(i18n.catalogue_path("zh_CN", path.name))
        if catalogue is None:
            continue
        cells = {c["id"]: c for c in i18n.load(path)["cells"]}
        for entry in catalogue.active().values():
            cell = cells.get(entry.msgctxt)
            if (cell and cell["cell_type"] == "markdown" and entry.msgstr and not entry.fuzzy
                    and entry.msgid == i18n.cell_text(cell)):
                yield path.name, entry


CELLS = list(translated_cells())


def test_the_glossary_has_the_source_articles_terms():
    chinese = {c for _, c, _ in TERMS} | {w for _, c, _ in TERMS for w in [c]}
    table = GLOSSARY.read_text(encoding="utf-8")
    for term in ("批量梯度下降", "随机梯度下降", "小批量梯度下降", "学习率", "学习率衰减",
                 "学习率范围测试", "梯度裁剪", "动量", "自适应学习率", "参数初始化"):
        assert term in table, f"the glossary does not name {term}"
    assert len(chinese) == len(TERMS), "two English terms share one Chinese word"
    english = [f.lower() for forms, _, _ in TERMS for f in forms]
    assert len(english) == len(set(english)), "an English term is listed twice"


def test_the_glossary_states_each_correction_of_the_article():
    corrections = GLOSSARY.read_text(encoding="utf-8").split("## 原文与本课程的差异", 1)[1]
    items = [line for line in corrections.splitlines() if line.startswith("* ")]
    assert len(items) >= 8
    assert sum("原文写作" in item and "正确的是" in item for item in items) >= 5


def test_there_are_translated_cells_to_check():
    assert len(CELLS) >= 10


@pytest.mark.parametrize("name, entry", CELLS, ids=[f"{n[:2]}-{e.msgctxt}" for n, e in CELLS])
def test_translations_use_the_glossarys_terms(name, entry):
    chinese = prose(entry.msgstr)
    missing = sorted(term for term in english_terms(entry.msgid) if term not in chinese)
    assert not missing, (f"{name}, cell {entry.msgctxt}: the English uses a term whose glossary "
                         f"translation is not in the Chinese: {missing} (course/locale/zh_CN/glossary.md)")


def _unquoted(text: str) -> str:
    return re.sub(r"“[^”]*”", " ", text)  # quotations (of the article) may use its words


def test_no_translation_uses_a_word_the_glossary_rules_out():
    found = []
    texts = [(f"{n}, cell {e.msgctxt}", prose(e.msgstr)) for n, e in CELLS]
    glossary = GLOSSARY.read_text(encoding="utf-8").split("## 术语", 1)
    texts.append(("glossary.md", glossary[0] + glossary[1].split("\n## ", 1)[-1]))
    for where, text in texts:
        for forms, chinese, avoid in TERMS:
            for word in avoid:
                if word in _unquoted(text):
                    found.append(f"{where}: {word!r} (the glossary writes {chinese!r})")
    assert not found, "\n".join(found)


def test_a_cell_about_the_source_article_says_so_in_chinese():
    for name, entry in CELLS:
        if re.search(r"\barticle\b", prose(entry.msgid), flags=re.IGNORECASE):
            assert "原文" in entry.msgstr, f"{name}, cell {entry.msgctxt}: write 原文 for the article"


def test_term_matching_takes_the_longest_term_first():
    assert english_terms("Stochastic gradient descent and mini-batches") == {"随机梯度下降", "小批量"}
    assert english_terms("the `momentum` argument, $\\mu$") == set()
    assert "学习率" in english_terms("two learning rates")
