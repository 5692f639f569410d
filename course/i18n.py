#!/usr/bin/env python3
"""Translations of the course: gettext catalogues keyed by the cells' stable ids.

    python3 course/i18n.py update [--lang zh_CN] [NN ...]   create or refresh the catalogues
    python3 course/i18n.py status [--lang zh_CN]            per chapter: translated, fuzzy, missing
    python3 course/i18n.py check  [--lang zh_CN] [NN ...]   the checks the tests run, for translators

Standard library only. ``course/build.py`` uses this module to write the translated
editions (``notebooks/zh_CN/`` and ``notebooks/zh_CN/solutions/``) from the same sources
as the English one; the tests use it to catch drift.

One catalogue per chapter and language, ``course/locale/<lang>/NN_<name>.po``, in the
gettext PO format (Poedit, Lokalize, Weblate and any text editor read it). An entry is a
source cell: ``msgctxt`` is the cell's stable id, ``msgid`` its English text (Markdown, or
the code with its ``# BEGIN SOLUTION`` markers), ``msgstr`` the translation. Because the
English text itself is the key, a changed English cell no longer matches its translation:

* the build shows the English cell instead (a *fallback*) and says so, and
* ``tests/test_translations.py`` fails, naming the chapter and the cell id, until someone
  runs ``update``, which marks the entry ``fuzzy`` and keeps the old English as
  ``#| msgid`` so that the translator sees what changed. A fuzzy entry is never used; the
  translator fixes ``msgstr`` and removes the ``fuzzy`` flag.

``course/locale/<lang>/_build.po`` holds the build's own strings (the exercise stub's
comment, the setup cell's comments, the notice of an incomplete chapter). The header
field ``X-Gdcourse-Status: complete`` declares a chapter finished: then a single fallback
fails the tests instead of being reported.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import re
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "course"
LOCALE_DIR = SOURCES / "locale"
LANGUAGES = {"zh_CN": "Chinese (Simplified)"}
BUILD_CATALOGUE = "_build.po"
GLOSSARY = "glossary.md"          # course/locale/<lang>/glossary.md, the terminology
GLOSSARY_NOTEBOOK = "glossary.ipynb"
MARKERS = re.compile(r"^[ \t]*# (BEGIN|END) SOLUTION\s*$")


# ----------------------------------------------------------------------------- PO files
@dataclass
class Entry:
    msgctxt: str | None
    msgid: str
    msgstr: str = ""
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)     # "# ..." (the translator's)
    extracted: list[str] = field(default_factory=list)    # "#. ..." (written by update)
    references: list[str] = field(default_factory=list)   # "#: ..."
    previous_msgid: str | None = None                     # "#| msgid ..." (before a change)
    obsolete: bool = False                                 # "#~ ..." (its cell is gone)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def set_fuzzy(self, on: bool) -> None:
        self.flags = [f for f in self.flags if f != "fuzzy"] + (["fuzzy"] if on else [])


@dataclass
class Catalogue:
    header: dict[str, str]
    entries: list[Entry]
    header_comments: list[str] = field(default_factory=list)

    def active(self) -> dict[str, Entry]:
        return {e.msgctxt: e for e in self.entries if not e.obsolete and e.msgctxt is not None}

    @property
    def complete(self) -> bool:
        return self.header.get("X-Gdcourse-Status", "").strip() == "complete"


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _quote(text: str) -> str:
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
                  .replace("\r", "\\r").replace("\n", "\\n")) + '"'


def parse_po(text: str, name: str = "<po>") -> Catalogue:
    """Read a PO file (the subset gettext tools write: contexts, flags, previous, obsolete)."""
    entries: list[Entry] = []
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip("\n"))
    header, header_comments = {}, []
    for number, block in enumerate(blocks):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        entry = Entry(None, "")
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            obsolete = line.startswith("#~")
            if obsolete:
                entry.obsolete = True
                line = line[2:].lstrip()
            if line.startswith("#|"):
                prev = line[2:].strip()
                if prev.startswith("msgid "):
                    entry.previous_msgid = _unquote(prev[6:], name)
                    key = "previous"
                elif prev.startswith('"') and key == "previous":
                    entry.previous_msgid += _unquote(prev, name)
                continue
            if line.startswith("#,"):
                entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("#."):
                entry.extracted.append(line[2:].strip())
            elif line.startswith("#:"):
                entry.references.append(line[2:].strip())
            elif line.startswith("#"):
                entry.comments.append(line[1:].strip())
            elif line.startswith('"'):
                if key is None or key == "previous":
                    raise ValueError(f"{name}: a string without a keyword: {line!r}")
                fields[key] += _unquote(line, name)
            else:
                keyword, _, rest = line.partition(" ")
                if keyword not in ("msgctxt", "msgid", "msgstr"):
                    raise ValueError(f"{name}: unknown keyword {keyword!r}")
                key = keyword
                fields[key] = _unquote(rest, name)
        if "msgid" not in fields:
            if number == 0 and not entries:  # only comments: the file's header comments
                header_comments = entry.comments
                continue
            raise ValueError(f"{name}: an entry without msgid: {block[:80]!r}")
        entry.msgctxt = fields.get("msgctxt")
        entry.msgid, entry.msgstr = fields["msgid"], fields.get("msgstr", "")
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            header = dict(line.split(":", 1) for line in entry.msgstr.split("\n") if ":" in line)
            header = {k.strip(): v.strip() for k, v in header.items()}
            header_comments = entry.comments
            continue
        entries.append(entry)
    return Catalogue(header, entries, header_comments)


def _po_string(keyword: str, text: str, prefix: str = "") -> list[str]:
    """One string, one line per source line (diffs stay line by line)."""
    pieces = text.splitlines(keepends=True)
    if len(pieces) <= 1:
        return [f"{prefix}{keyword} {_quote(text)}"]
    return [f"{prefix}{keyword} \"\""] + [f"{prefix}{_quote(piece)}" for piece in pieces]


def format_po(catalogue: Catalogue) -> str:
    out = [f"# {line}".rstrip() for line in catalogue.header_comments]
    out += ['msgid ""', 'msgstr ""']
    out += [_quote(f"{k}: {v}\n") for k, v in catalogue.header.items()]
    for entry in catalogue.entries:
        out.append("")
        prefix = "#~ " if entry.obsolete else ""
        out += [f"# {c}".rstrip() for c in entry.comments]
        out += [f"#. {c}" for c in entry.extracted]
        out += [f"#: {r}" for r in entry.references]
        if entry.flags:
            out.append("#, " + ", ".join(entry.flags))
        if entry.previous_msgid is not None:
            out += _po_string("msgid", entry.previous_msgid, "#| ")
        if entry.msgctxt is not None:
            out += _po_string("msgctxt", entry.msgctxt, prefix)
        out += _po_string("msgid", entry.msgid, prefix)
        out += _po_string("msgstr", entry.msgstr, prefix)
    return "\n".join(out) + "\n"


def read_catalogue(path: Path) -> Catalogue | None:
    if not path.exists():
        return None
    return parse_po(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))


def catalogue_path(lang: str, chapter: str) -> Path:
    return LOCALE_DIR / lang / (Path(chapter).stem + ".po")


# ----------------------------------------------------------------------------- cells
def cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _tokens(code: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(code).readline))


def _string_tokens(code: str) -> list[tuple[str, int]]:
    """Every string literal of the code as (its source text, index in the token list).

    Python 3.12 splits an f-string into FSTRING_START ... FSTRING_END; it is joined back
    into one literal here, so that every Python version sees the same strings.
    """
    toks, lines = _tokens(code), code.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(pos):
        return offsets[pos[0] - 1] + pos[1]

    out, depth, start = [], 0, None
    fstart, fend = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -2)
    for i, tok in enumerate(toks):
        if tok.type == fstart:
            if depth == 0:
                start = tok.start
            depth += 1
        elif tok.type == fend:
            depth -= 1
            if depth == 0:
                out.append((code[at(start):at(tok.end)], i))
        elif tok.type == tokenize.STRING and depth == 0:
            out.append((tok.string, i))
    return out


def translatable_code(code: str) -> bool:
    """A code cell is worth translating if it has a comment or a string with words."""
    try:
        toks = _tokens(code)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return True
    if any(t.type == tokenize.COMMENT and not MARKERS.match(t.line.rstrip("\n")) for t in toks):
        return True
    protected = Counter(protected_strings(code))
    for text, _ in _string_tokens(code):
        value = _literal_text(text)
        if protected[value] > 0:
            protected[value] -= 1
            continue
        if re.search(r"[A-Za-z]{2}", value):
            return True
    return False


def translatable(cell: dict) -> bool:
    text = cell_text(cell)
    if not text.strip():
        return False
    return cell["cell_type"] != "code" or translatable_code(text)


# ----------------------------------------------------------------------------- catalogues
def update_catalogue(old: Catalogue | None, source: dict, chapter: str, lang: str) -> Catalogue:
    """The catalogue for ``source``: new and changed cells fuzzy, vanished ones obsolete."""
    previous = {}
    header = {"Project-Id-Version": f"gdcourse {chapter}", "Language": lang,
              "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
              "Content-Transfer-Encoding": "8bit", "X-Gdcourse-Source": f"course/{chapter}",
              "X-Gdcourse-Status": "in progress"}
    comments = [f"{LANGUAGES.get(lang, lang)} translation of the gdcourse chapter {chapter}.",
                "Each entry is one cell of the source: msgctxt is the cell's id, msgid its",
                "English text. Workflow and rules: course/locale/README.md."]
    if old is not None:
        header.update(old.header)
        comments = old.header_comments or comments
        for entry in old.entries:  # an active entry wins over an obsolete one
            if entry.msgctxt is not None and (entry.msgctxt not in previous or not entry.obsolete):
                previous[entry.msgctxt] = entry
    entries = []
    for number, cell in enumerate(source["cells"], 1):
        if not translatable(cell):
            continue
        text, cell_id = cell_text(cell), cell["id"]
        entry = previous.pop(cell_id, None)
        tags = cell.get("metadata", {}).get("tags", [])
        note = f"{cell['cell_type']} cell {number} of {len(source['cells'])}"
        note += f" (tags: {', '.join(tags)})" if tags else ""
        if entry is None:
            entry = Entry(cell_id, text, flags=["fuzzy"])
        elif entry.msgid != text or entry.obsolete:
            if entry.msgstr and entry.msgid != text:
                if entry.previous_msgid is None:
                    entry.previous_msgid = entry.msgid
                entry.set_fuzzy(True)
            entry.msgid, entry.obsolete = text, False
        if entry.previous_msgid == entry.msgid:  # changed back: nothing to review
            entry.previous_msgid = None
        entry.extracted, entry.references = [note], [f"course/{chapter}"]
        if not entry.msgstr:
            entry.set_fuzzy(True)
        entries.append(entry)
    for entry in previous.values():  # cells that are gone: keep the work, out of the way
        if entry.msgstr:
            entry.obsolete, entry.references, entry.extracted = True, [], []
            entries.append(entry)
    return Catalogue(header, entries, comments)


@dataclass
class CellResult:
    cell_id: str
    status: str          # translated | missing | fuzzy | stale
    number: int


def translate(source: dict, catalogue: Catalogue | None) -> tuple[dict, list[CellResult]]:
    """The source with every cell whose translation is current replaced by it.

    Any other cell keeps its English text (a fallback); the result says which and why.
    """
    entries = catalogue.active() if catalogue else {}
    out = json.loads(json.dumps(source))
    results = []
    for number, cell in enumerate(out["cells"], 1):
        entry = entries.get(cell.get("id"))
        text = cell_text(cell)
        if entry is None or not entry.msgstr:
            status = "missing" if translatable(cell) else None
        elif entry.msgid != text:
            status = "stale"
        elif entry.fuzzy:
            status = "fuzzy"
        else:
            status = "translated"
            cell["source"] = entry.msgstr
        if status:
            results.append(CellResult(cell["id"], status, number))
    return out, results


def unused_entries(source: dict, catalogue: Catalogue) -> list[Entry]:
    """Translated entries that no cell of the source uses (their id is gone)."""
    ids = {cell.get("id") for cell in source["cells"]}
    return [e for e in catalogue.active().values() if e.msgstr and e.msgctxt not in ids]


def build_strings(lang: str) -> tuple[dict[str, str], list[str]]:
    """The build's own strings in ``lang`` (English where missing) and what fell back."""
    catalogue = read_catalogue(LOCALE_DIR / lang / BUILD_CATALOGUE)
    out, fallbacks = {}, []
    for key, english in BUILD_STRINGS.items():
        entry = catalogue.active().get(key) if catalogue else None
        if entry and entry.msgstr and entry.msgid == english and not entry.fuzzy:
            out[key] = entry.msgstr
        else:
            out[key] = english
            fallbacks.append(key)
    return out, fallbacks


BUILD_STRINGS = {
    "stub": "# Your code here (replace the next line).",
    "setup": "checks this kernel; one line when all is well",
    "language": "this edition's language, for the package too (the font of its figures)",
    "incomplete": "> This chapter is not fully translated yet: {n} cells are still in English.",
}


# ----------------------------------------------------------------------------- Markdown
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


def split_markdown(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(the text with fenced blocks blanked, [(info, code) of each fenced block])."""
    prose, blocks, inside, info, code = [], [], None, "", []
    for line in text.split("\n"):
        match = FENCE.match(line)
        if inside is None and match:
            inside, info, code = match["fence"], match["info"].strip(), []
            prose.append("")
        elif inside is not None and line.strip().startswith(inside[0] * len(inside)) \
                and not line.strip().strip(inside[0]):
            blocks.append((info, "\n".join(code)))
            inside = None
            prose.append("")
        elif inside is not None:
            code.append(line)
            prose.append("")
        else:
            prose.append(line)
    return "\n".join(prose), blocks


CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.DOTALL)
LINK = re.compile(r"!?\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target>[^()\s]*(?:\([^()]*\)[^()\s]*)*)"
                  r"(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^>]*>")


def _without_code_spans(prose: str) -> str:
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), prose)


def maths(text: str) -> list[str]:
    """Every formula of a Markdown text ($$...$$ and $...$), outside code."""
    prose = _without_code_spans(split_markdown(text)[0])
    display = [m.group(1).strip() for m in DISPLAY_MATH.finditer(prose)]
    inline = [m.group(1).strip() for m in INLINE_MATH.finditer(DISPLAY_MATH.sub(" ", prose))]
    return display + inline


def code_spans(text: str) -> list[str]:
    return [m.group(2).strip() for m in CODE_SPAN.finditer(split_markdown(text)[0])]


def links(text: str) -> list[str]:
    prose = _without_code_spans(split_markdown(text)[0])
    return [m["target"] for m in LINK.finditer(prose)]


def headings(text: str) -> list[tuple[int, str]]:
    prose = _without_code_spans(split_markdown(text)[0])
    return [(len(m["hashes"]), m["text"]) for m in HEADING.finditer(prose)]


def html_tags(text: str) -> list[str]:
    prose = _without_code_spans(split_markdown(text)[0])
    return [m.group(0).split()[0].rstrip(">").lower() for m in HTML_TAG.finditer(prose)]


def table_shapes(text: str) -> list[tuple[int, int]]:
    shapes, rows = [], []
    for line in split_markdown(text)[0].split("\n") + [""]:
        if line.strip().startswith("|"):
            rows.append(line)
        elif rows:
            cols = _without_code_spans(rows[0]).strip().strip("|").count("|") + 1
            shapes.append((len(rows), cols))
            rows = []
    return shapes


def anchor(heading_text: str) -> str | None:
    """JupyterLab's id for a Markdown heading: its text as shown, spaces turned into '-'.

    None for a heading with maths: MathJax's rendering decides that text.
    """
    if "$" in heading_text:
        return None
    text = LINK.sub(lambda m: m["text"], heading_text)
    text = CODE_SPAN.sub(lambda m: m.group(2), text)
    text = HTML_TAG.sub("", text)
    text = re.sub(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = text.replace("\\", "")
    return text.replace(" ", "-")


ANCHOR_ID = re.compile(r"""<a\s+id=["']([^"']+)["']\s*>\s*</a>""")


def notebook_anchors(nb: dict) -> list[str]:
    """What a link's #fragment can name in JupyterLab: each heading's anchor, and the ids
    of the ``<a id="..."></a>`` in headings (the English anchors of translated headings)."""
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for _, text in headings(cell_text(cell)):
                out += [a for a in [anchor(text)] if a] + ANCHOR_ID.findall(text)
    return out


# ----------------------------------------------------------------------------- code
def _code_for_ast(code: str) -> str:
    # IPython magics and shell lines are not Python; keep the line count.
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in code.split("\n"))


def _literal_text(source: str) -> str:
    """The text of a string literal (an f-string's literal parts, fields as {})."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return source
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return node.value if isinstance(node.value, str) else node.value.decode("latin-1")
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return source


def _fields(source: str) -> list[str]:
    """The replacement fields of an f-string literal, as code."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(node, ast.JoinedStr):
        return []
    return sorted(ast.unparse(v.value) + (f"!{chr(v.conversion)}" if v.conversion > 0 else "")
                  for v in node.values if isinstance(v, ast.FormattedValue))


DISPLAY_CALLS = {"print", "display", "Markdown", "HTML", "set_title", "set_xlabel", "set_ylabel",
                 "suptitle", "title", "xlabel", "ylabel", "text", "annotate", "legend", "warn",
                 "set_text", "add_note", "AssertionError", "ValueError", "describe"}
DISPLAY_KEYWORDS = {"label", "title", "xlabel", "ylabel", "description", "note", "text",
                    "caption", "summary", "tooltip", "placeholder", "msg", "message"}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def protected_strings(code: str) -> list[str]:
    """String literals the code depends on: they must be the same in every edition.

    Keys (``d["lr"]``, ``{"lr": ...}``), compared texts (``"against" in hint``) and words
    that name something (``landscape="parabola"``, ``layout="constrained"``), unless the
    word is handed to something that only shows it (``print``, ``set_title``, ``label=``).
    """
    try:
        tree = ast.parse(_code_for_ast(code))
    except SyntaxError:
        return []
    shown: set[int] = set()
    keys: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in DISPLAY_CALLS:
                for arg in node.args:
                    shown |= {id(n) for n in ast.walk(arg)}
            for kw in node.keywords:
                if kw.arg in DISPLAY_KEYWORDS:
                    shown |= {id(n) for n in ast.walk(kw.value)}
        elif isinstance(node, ast.Subscript):
            keys |= {id(n) for n in ast.walk(node.slice)}
        elif isinstance(node, ast.Dict):
            keys |= {id(n) for k in node.keys if k is not None for n in ast.walk(k)}
        elif isinstance(node, ast.Compare):
            keys |= {id(n) for n in ast.walk(node)}
        elif isinstance(node, ast.JoinedStr):  # an f-string's parts are judged as a whole
            shown |= {id(n) for n in ast.walk(node) if n is not node}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in keys or (IDENTIFIER.fullmatch(node.value) and id(node) not in shown):
                out.append(node.value)
    return sorted(out)


def code_shape(code: str) -> list[tuple[int, str]]:
    """The code's tokens without comments, line breaks inside statements and strings.

    A run of adjacent string literals becomes one placeholder, so a translated string may be
    split or joined but not added or removed.
    """
    toks = _tokens(code)
    strings = {i for _, i in _string_tokens(code)}
    fstart, fend = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -2)
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING,
            getattr(tokenize, "FSTRING_MIDDLE", -3)}
    out, depth = [], 0
    for i, tok in enumerate(toks):
        if tok.type == fstart:
            depth += 1
            continue
        if tok.type == fend:
            depth -= 1
        if depth or tok.type in skip:
            continue
        if i in strings:
            if not (out and out[-1] == (tokenize.STRING, "<str>")):
                out.append((tokenize.STRING, "<str>"))
            continue
        out.append((tok.type, tok.string))
    return out


def compare_code(english: str, translated: str) -> list[str]:
    """What differs between two codes besides comments and the wording of strings."""
    problems = []
    try:
        en_shape, zh_shape = code_shape(english), code_shape(translated)
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        return [f"the code does not tokenize: {exc}"]
    if en_shape != zh_shape:
        for n, (a, b) in enumerate(zip(en_shape + [(0, "<end>")], zh_shape + [(0, "<end>")])):
            if a != b:
                problems.append(f"code differs beyond comments and strings at token {n}: "
                                f"English {a[1]!r}, translation {b[1]!r}")
                break
    en_fields = [_fields(s) for s, _ in _string_tokens(english)]
    zh_fields = [_fields(s) for s, _ in _string_tokens(translated)]
    if sorted(sum(en_fields, [])) != sorted(sum(zh_fields, [])):
        problems.append(f"f-string fields differ: English {sorted(sum(en_fields, []))}, "
                        f"translation {sorted(sum(zh_fields, []))}")
    en_keep, zh_keep = protected_strings(english), protected_strings(translated)
    if en_keep != zh_keep:
        missing = sorted((Counter(en_keep) - Counter(zh_keep)).elements())
        problems.append(f"strings the code depends on were changed: {missing} "
                        "(keys, compared texts and option names stay in English)")
    en_markers = [l.strip() for l in english.split("\n") if MARKERS.match(l)]
    zh_markers = [l.strip() for l in translated.split("\n") if MARKERS.match(l)]
    if en_markers != zh_markers:
        problems.append("the # BEGIN SOLUTION / # END SOLUTION lines must stay as they are")
    return problems


# ----------------------------------------------------------------------------- checks
EXTRA_LINKS = (GLOSSARY_NOTEBOOK,)  # a translation may add links to these


def compare_markdown(english: str, translated: str) -> list[str]:
    problems = []

    def same(what, a, b, ordered=False, more=False):
        # more: the translation may add some (a note for its readers), never lose one
        if more and not Counter(a) - Counter(b):
            return
        if (a if ordered else sorted(a)) != (b if ordered else sorted(b)):
            only_en = sorted((Counter(a) - Counter(b)).elements())
            only_zh = sorted((Counter(b) - Counter(a)).elements())
            problems.append(f"{what} differ: only in English {only_en}, only in the "
                            f"translation {only_zh}" if (only_en or only_zh) else
                            f"{what} are in another order: English {a}, translation {b}")

    same("formulas", maths(english), maths(translated), more=True)
    same("link targets", links(english),
         [t for t in links(translated) if t.split("#")[0] not in EXTRA_LINKS], more=True)
    same("heading levels", [lvl for lvl, _ in headings(english)],
         [lvl for lvl, _ in headings(translated)], ordered=True)
    same("HTML tags", html_tags(english), html_tags(translated), ordered=True)
    same("code spans", code_spans(english), code_spans(translated), more=True)
    same("tables (rows, columns)", table_shapes(english), table_shapes(translated), ordered=True)
    en_blocks, zh_blocks = split_markdown(english)[1], split_markdown(translated)[1]
    if len(en_blocks) != len(zh_blocks):
        problems.append(f"{len(en_blocks)} code blocks in English, {len(zh_blocks)} translated")
    for (info, a), (_, b) in zip(en_blocks, zh_blocks):
        problems += [f"code block: {p}" for p in (compare_code(a, b) if info in ("python", "py")
                                                  else ([] if a == b else ["changed"]))]
    return problems


def check_entry(entry: Entry, cell_type: str) -> list[str]:
    if cell_type == "code":
        return compare_code(entry.msgid, entry.msgstr)
    return compare_markdown(entry.msgid, entry.msgstr)


PACKAGE_CATALOGUES = "gdcourse/**/locale/{lang}/*.po"  # the package's messages (to come)


def figure_texts(lang: str) -> list[tuple[str, str]]:
    """(where, text) of every text the figures of the ``lang`` edition may draw.

    The string literals of the translated code cells, and every translated message of the
    package. A superset of what is drawn (a printed string counts too): the font subset
    covers it all, so no figure can lack a character.
    """
    out = []
    for path in sources():
        catalogue = read_catalogue(catalogue_path(lang, path.name))
        if catalogue is None:
            continue
        code_ids = {c["id"] for c in load(path)["cells"] if c["cell_type"] == "code"}
        for entry in catalogue.active().values():
            if entry.msgstr and entry.msgctxt in code_ids:
                try:
                    strings = _string_tokens(entry.msgstr)
                except (tokenize.TokenError, IndentationError, SyntaxError):
                    strings = [(entry.msgstr, 0)]
                out += [(f"{path.name}, cell {entry.msgctxt}", _literal_text(text))
                        for text, _ in strings]
    for path in sorted(ROOT.glob(PACKAGE_CATALOGUES.format(lang=lang))):
        for entry in parse_po(path.read_text(encoding="utf-8"), str(path)).entries:
            if entry.msgstr and not entry.obsolete:
                out.append((f"{path.relative_to(ROOT)}: {entry.msgctxt or entry.msgid[:30]}",
                            entry.msgstr))
    return out


def sources() -> list[Path]:
    return sorted(SOURCES.glob("[0-9][0-9]_*.ipynb"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def problems(lang: str, chapters: list[Path] | None = None) -> list[str]:
    """Everything the tests would fail on, as 'chapter, cell id: problem' lines."""
    out = []
    for path in chapters or sources():
        catalogue = read_catalogue(catalogue_path(lang, path.name))
        if catalogue is None:
            continue
        source = load(path)
        types = {c["id"]: c["cell_type"] for c in source["cells"]}
        _, results = translate(source, catalogue)
        for r in results:
            if r.status == "stale":
                out.append(f"{path.name}, cell {r.cell_id}: the English cell changed, so its "
                           f"translation is stale (run: python3 course/i18n.py update)")
            elif catalogue.complete and r.status != "translated":
                out.append(f"{path.name}, cell {r.cell_id}: {r.status}, but the catalogue says "
                           "X-Gdcourse-Status: complete")
        for entry in unused_entries(source, catalogue):
            out.append(f"{path.name}, cell {entry.msgctxt}: a translation no cell uses (the cell "
                       "is gone; run: python3 course/i18n.py update)")
        for entry in catalogue.active().values():
            if entry.msgstr and not entry.fuzzy and entry.msgctxt in types \
                    and entry.msgid == cell_text(next(c for c in source["cells"]
                                                      if c["id"] == entry.msgctxt)):
                out += [f"{path.name}, cell {entry.msgctxt}: {p}"
                        for p in check_entry(entry, types[entry.msgctxt])]
    return out


def status(lang: str) -> list[tuple[str, Counter]]:
    rows = []
    for path in sources():
        _, results = translate(load(path), read_catalogue(catalogue_path(lang, path.name)))
        rows.append((path.name, Counter(r.status for r in results)))
    return rows


def _chapters(args: list[str]) -> list[Path]:
    if not args:
        return sources()
    chosen = [p for p in sources() if any(p.name.startswith(a) for a in args)]
    if len(chosen) < len(args):
        raise SystemExit(f"no such chapter among {args}")
    return chosen


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "status", "check"])
    parser.add_argument("chapters", nargs="*", help="chapter numbers or names (default: all)")
    parser.add_argument("--lang", default="zh_CN", choices=sorted(LANGUAGES))
    args = parser.parse_args(argv)
    if args.command == "update":
        for path in _chapters(args.chapters):
            target = catalogue_path(args.lang, path.name)
            new = update_catalogue(read_catalogue(target), load(path), path.name, args.lang)
            text = format_po(new)
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
                fuzzy = sum(1 for e in new.entries if e.fuzzy and not e.obsolete)
                print(f"wrote {target.relative_to(ROOT)} ({fuzzy} entries to translate or review)")
        build_path = LOCALE_DIR / args.lang / BUILD_CATALOGUE
        old = read_catalogue(build_path)
        fake = {"cells": [{"id": k, "cell_type": "markdown", "source": v}
                          for k, v in BUILD_STRINGS.items()]}
        new = update_catalogue(old, fake, "build.py", args.lang)
        new.header["X-Gdcourse-Source"] = "course/build.py and course/i18n.py (BUILD_STRINGS)"
        text = format_po(new)
        if not build_path.exists() or build_path.read_text(encoding="utf-8") != text:
            build_path.parent.mkdir(parents=True, exist_ok=True)
            build_path.write_text(text, encoding="utf-8")
            print(f"wrote {build_path.relative_to(ROOT)}")
        return 0
    if args.command == "status":
        for name, counts in status(args.lang):
            total = sum(counts.values())
            rest = ", ".join(f"{counts[k]} {k}" for k in ("fuzzy", "stale", "missing") if counts[k])
            print(f"{name:28s} {counts['translated']:3d}/{total} translated"
                  + (f"; English shown for {rest}" if rest else ""))
        return 0
    found = problems(args.lang, _chapters(args.chapters))
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
