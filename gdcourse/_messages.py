"""The package's own messages in the learner's language (see gdcourse/locale/README.md).

Lookup (standard library only, nothing is read until the first lookup in a language
other than English):

* ``_(text)`` -> ``text`` translated (a static text or a template still to format);
* ``_f(template, **fields)`` -> the translated template, formatted (``str.format``);
* ``N_(text)`` -> ``text`` unchanged: marks a text for the catalogues that is looked up
  later, where it is rendered (a default hint stored on a :class:`Requirement`);
* ``context=`` (msgctxt) only where one English text needs two translations.

English is returned unchanged when the language is ``"en"`` or the entry is missing,
empty or fuzzy. The catalogues are ``gdcourse/locale/<lang>/*.po``, one per area
(:data:`AREAS`); all of a language's files are merged at the first lookup.

Extraction: ``python3 -m gdcourse._messages extract`` collects every message (the static
texts of every registered exercise, and every text given to ``_``, ``_f`` or ``N_`` in
the package's source, found by an AST scan) and updates the catalogues, keeping
translations; ``python3 -m gdcourse._messages status`` counts what is untranslated;
``python3 -m gdcourse._messages check`` checks placeholders.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import string
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from . import i18n

__all__ = ["_", "_f", "N_", "F_", "Text", "AREAS", "catalogue_path", "read_po", "write_po", "collect",
           "extract", "placeholders"]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TRANSLATED_LANGUAGES = ("zh_CN",)
PACKAGE_DIR = Path(__file__).resolve().parent

#: Area of the catalogue -> source files (relative to the package) whose wrapped texts
#: go there. Each exercises_<module> area also receives the static texts (titles,
#: mistakes' hints, nudges, formulas, requirement hints) of that module's exercises.
EXERCISE_MODULES = ("gradients", "minibatch", "learning_rate", "schedules", "optimizers",
                    "initialisation", "diagnostics")
AREAS: dict[str, tuple[str, ...]] = {
    "checking": ("exercises/_checking.py", "exercises/_running.py"),
    **{f"exercises_{m}": (f"exercises/{m}.py",) for m in EXERCISE_MODULES},
    "training": ("divergence.py", "progress.py", "train.py", "lr_finder.py"),
    "widgets": ("widgets/*.py",),
}

_loaded: dict[str, dict[tuple[str | None, str], str]] = {}
_override: list[Mapping[tuple[str | None, str], str]] = []


# =============================================================================
# Lookup
# =============================================================================
def _catalogue(language: str) -> Mapping[tuple[str | None, str], str]:
    if _override:
        return _override[-1]
    if language not in _loaded:
        merged: dict[tuple[str | None, str], str] = {}
        folder = LOCALE_DIR / language
        for path in sorted(folder.glob("*.po")) if folder.is_dir() else ():
            for entry in read_po(path):
                if entry.msgstr and not entry.fuzzy and not entry.obsolete and entry.msgid:
                    merged[(entry.msgctxt, entry.msgid)] = entry.msgstr
        _loaded[language] = merged
    return _loaded[language]


def _(text: str, context: str | None = None) -> str:
    """``text`` in the language in use (English, unchanged, when there is no translation).

    A :class:`Text` (made by :func:`F_`) is translated as it is if the catalogue has it,
    else through its template, and its fields that are :class:`Text` too."""
    if not text:
        return text
    language = i18n.get_language()
    if language == i18n.DEFAULT_LANGUAGE:
        return text
    if isinstance(text, Text):
        # A translation of the text exactly as it came out (an exercise catalogue may have
        # one) wins over the template's.
        exact = _catalogue(language).get((text.context, str(text)))
        if exact is not None or not text.fields:
            return exact if exact is not None else _(text.template, text.context)
        fields = {name: _(value) if isinstance(value, Text) else value
                  for name, value in text.fields.items()}
        return _(text.template, text.context).format(**fields)
    return _catalogue(language).get((context, text), text)


class Text(str):
    """An English text made from a template (:func:`F_`): it *is* the English text (so
    code compares and stores it as before) and remembers its template and fields, so
    that :func:`_` translates it where it is shown."""

    __slots__ = ("template", "context", "fields")

    def __new__(cls, template: str, context: str | None = None, /, **fields: Any) -> "Text":
        english = {name: str(value) if isinstance(value, Text) else value
                   for name, value in fields.items()}
        self = super().__new__(cls, template.format(**english) if fields else template)
        self.template, self.context, self.fields = template, context, fields
        return self

    def __reduce__(self):  # pickles (and deep-copies) as the plain English text
        return (str, (str(self),))


def _f(template: str, context: str | None = None, /, **fields: Any) -> str:
    """``template`` translated, then formatted with ``fields``."""
    return _(template, context).format(**fields)


def F_(template: str, context: str | None = None, /, **fields: Any) -> Text:
    """The English ``template`` formatted with ``fields``, translated later, where it is
    shown (``_(text)``): for texts the package stores (a check's message, a divergence's
    reason) that must stay English for the code that compares them. A field that is a
    :class:`Text` is translated with it."""
    return Text(template, context, **fields)


def N_(text: str, context: str | None = None) -> str:  # noqa: N802 -- the gettext name
    """Mark ``text`` for the catalogues; it is translated later, where it is shown."""
    return text


def translate(text: str | None) -> str | None:
    """``_(text)`` that lets None through (for optional hints and formulas)."""
    return None if text is None else _(text)


@contextmanager
def catalogue_override(entries: Mapping[Any, str]) -> Iterator[None]:
    """Use ``entries`` ({msgid: msgstr} or {(msgctxt, msgid): msgstr}) as the catalogue of
    every language other than English, for tests."""
    mapping = {(k if isinstance(k, tuple) else (None, k)): v for k, v in entries.items()}
    _override.append(mapping)
    try:
        yield
    finally:
        _override.pop()


def reload() -> None:
    """Forget the catalogues read so far (they are read again at the next lookup)."""
    _loaded.clear()


# =============================================================================
# PO files
# =============================================================================
@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    references: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # "#." lines
    fuzzy: bool = False
    previous: str | None = None  # "#| msgid" of a fuzzy entry
    obsolete: bool = False
    template: bool = False  # "#, python-brace-format": formatted after the lookup (_f)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def read_po(path: Path | str) -> list[Entry]:
    """The entries of a PO file (the header, msgid "", first)."""
    entries: list[Entry] = []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    current: dict[str, Any] = {}
    field_name: str | None = None

    def flush() -> None:
        nonlocal current, field_name
        if "msgid" in current:
            entries.append(Entry(current["msgid"], current.get("msgstr", ""),
                                 current.get("msgctxt"), current.get("refs", []),
                                 current.get("comments", []), current.get("fuzzy", False),
                                 current.get("previous"), current.get("obsolete", False),
                                 current.get("template", False)))
        current, field_name = {}, None

    for raw in lines + [""]:
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            current["obsolete"] = True
        if not line:
            flush()
            continue
        if line.startswith("#|"):
            previous = line[2:].strip()
            if previous.startswith("msgid "):
                current["previous"] = _unquote(previous[6:].strip())
                field_name = "previous"
            elif previous.startswith('"') and field_name == "previous":
                current["previous"] += _unquote(previous)
            continue
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",")]
            current["fuzzy"] = "fuzzy" in flags
            current["template"] = "python-brace-format" in flags
            continue
        if line.startswith("#:"):
            current.setdefault("refs", []).extend(line[2:].split())
            continue
        if line.startswith("#."):
            current.setdefault("comments", []).append(line[2:].strip())
            continue
        if line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid", "msgstr"):
            if keyword in ("msgctxt", "msgid") and "msgstr" in current:
                flush()
                if obsolete:
                    current["obsolete"] = True
            field_name = keyword
            current[keyword] = _unquote(rest.strip())
        elif line.startswith('"') and field_name:
            current[field_name] = current.get(field_name, "") + _unquote(line)
    return entries


def _quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
               .replace("\r", "\\r"))
    parts = escaped.split("\n")
    if len(parts) == 1:
        return f'"{escaped}"'
    chunks = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{c}"' for c in chunks)


def write_po(path: Path | str, entries: list[Entry], language: str, area: str) -> None:
    out = [f"# gdcourse: the package's messages ({area}) in {i18n.LANGUAGES.get(language, language)}.",
           "# Made by `python3 -m gdcourse._messages extract`; translate msgstr only",
           "# (see gdcourse/locale/README.md).",
           'msgid ""',
           'msgstr ""',
           '"Content-Type: text/plain; charset=UTF-8\\n"',
           f'"Language: {language}\\n"',
           f'"X-Gdcourse-Area: {area}\\n"', ""]
    for entry in entries:
        prefix = "#~ " if entry.obsolete else ""
        for comment in entry.comments:
            out.append(f"#. {comment}")
        if entry.references and not entry.obsolete:
            out.append("#: " + " ".join(entry.references))
        flags = ["fuzzy"] * entry.fuzzy + ["python-brace-format"] * entry.template
        if flags:
            out.append("#, " + ", ".join(flags))
        if entry.previous is not None:
            out.append("#| msgid " + _quote(entry.previous).replace("\n", "\n#| "))
        for name, value in (("msgctxt", entry.msgctxt), ("msgid", entry.msgid),
                            ("msgstr", entry.msgstr)):
            if value is None:
                continue
            quoted = _quote(value).replace("\n", "\n" + prefix)
            out.append(f"{prefix}{name} {quoted}")
        out.append("")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(out), encoding="utf-8")


def placeholders(text: str) -> set[str]:
    """The ``{fields}`` of a template (``{{`` and ``}}`` are not fields)."""
    try:
        return {f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
                for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def catalogue_path(area: str, language: str = "zh_CN") -> Path:
    return LOCALE_DIR / language / f"{area}.po"


# =============================================================================
# Extraction
# =============================================================================
_WRAPPERS = {"_", "_f", "N_", "F_"}


@dataclass
class Message:
    msgid: str
    msgctxt: str | None
    area: str
    references: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    template: bool = False


def _area_of(relative: str) -> str | None:
    from fnmatch import fnmatch
    for area, patterns in AREAS.items():
        if any(fnmatch(relative, p) for p in patterns):
            return area
    return None


#: In the explorers (gdcourse/widgets), texts translated where _base.py shows them, so
#: the widget files need no wrapper: these keywords of any call, these class attributes,
#: and these positional arguments of ``action_button(description, icon, tooltip, ...)``.
_WIDGET_KEYWORDS = ("description", "tooltip")
_WIDGET_ATTRIBUTES = ("title", "stale_note")
_WIDGET_CALLS = {"action_button": (0, 2)}


def _scan_widget_source(tree: ast.AST) -> Iterator[tuple[str, str | None, int, bool]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in _WIDGET_KEYWORDS:
                    text = _constant_text(keyword.value)
                    if text is not None:
                        yield text, None, keyword.value.lineno, False
            name = node.func.id if isinstance(node.func, ast.Name) else None
            for index in _WIDGET_CALLS.get(name, ()):
                if index < len(node.args):
                    text = _constant_text(node.args[index])
                    if text is not None:
                        yield text, None, node.args[index].lineno, False
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                targets = (statement.targets if isinstance(statement, ast.Assign) else
                           [statement.target] if isinstance(statement, ast.AnnAssign) else [])
                value = getattr(statement, "value", None)
                if value is not None and any(isinstance(t, ast.Name) and t.id in
                                             _WIDGET_ATTRIBUTES for t in targets):
                    text = _constant_text(value)
                    if text is not None:
                        yield text, None, statement.lineno, False


def _scan_source(path: Path, widgets: bool = False
                 ) -> Iterator[tuple[str, str | None, int, bool]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    if widgets:
        yield from _scan_widget_source(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _WRAPPERS and node.args):
            continue
        first = node.args[0]
        text = _constant_text(first)
        if text is None:
            continue
        context = None
        if len(node.args) > 1:
            context = _constant_text(node.args[1])
        for keyword in node.keywords:
            if keyword.arg == "context":
                context = _constant_text(keyword.value)
        yield text, context, node.lineno, (node.func.id == "_f" or node.func.id == "F_"
                                           and bool(placeholders(text)))


def _constant_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "a" "b" is one Constant
        left, right = _constant_text(node.left), _constant_text(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def collect() -> dict[str, dict[tuple[str | None, str], Message]]:
    """Every message of the package, by area: {area: {(msgctxt, msgid): Message}}."""
    found: dict[str, dict[tuple[str | None, str], Message]] = {area: {} for area in AREAS}
    owner: dict[tuple[str | None, str], str] = {}

    def add(area: str, text: str | None, context: str | None, reference: str,
            comment: str | None = None, template: bool = False) -> None:
        if not text or not text.strip():
            return
        key = (context, text)
        area = owner.setdefault(key, area)  # one catalogue per message: the first wins
        message = found[area].setdefault(key, Message(text, context, area))
        message.template = message.template or template
        if reference not in message.references:
            message.references.append(reference)
        if comment and comment not in message.comments:
            message.comments.append(comment)

    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        relative = path.relative_to(PACKAGE_DIR).as_posix()
        area = _area_of(relative)
        if area is None:
            continue
        # References name the file without a line number, so that editing the code does
        # not touch the catalogues; entries follow the order of the source.
        for text, context, _line, template in sorted(
                _scan_source(path, widgets=area == "widgets"), key=lambda item: item[2]):
            add(area, text, context, f"gdcourse/{relative}", template=template)

    from . import exercises
    for module_name in EXERCISE_MODULES:
        module = getattr(exercises, module_name)
        area = f"exercises_{module_name}"
        for name, exercise in module.EXERCISES.items():
            where = f"gdcourse/exercises/{module_name}.py"
            add(area, exercise.title, None, where, f"exercise {name}: title")
            add(area, exercise.formula, None, where, f"exercise {name}: formula")
            for mistake in exercise.mistakes:
                for what in ("hint", "nudge", "formula"):
                    add(area, getattr(mistake, what), None, where,
                        f"exercise {name}: mistake {mistake.name!r}, {what}")
            for requirement in exercise.requirements:
                add(area, requirement.hint, None, where,
                    f"exercise {name}: requirement {requirement.name!r}, hint")
    return found


def _update_entries(old: list[Entry], messages: dict[tuple[str | None, str], Message]
                    ) -> list[Entry]:
    previous = {e.key: e for e in old if e.msgid}
    entries: list[Entry] = []
    used: set[tuple[str | None, str]] = set()
    unmatched = [e for e in old if e.msgid and e.key not in messages and e.msgstr]
    for key, message in messages.items():
        entry = previous.get(key)
        if entry is not None and not entry.obsolete:
            entries.append(Entry(message.msgid, entry.msgstr, message.msgctxt,
                                 message.references, message.comments, entry.fuzzy,
                                 entry.previous, template=message.template))
            used.add(key)
            continue
        if entry is not None and entry.obsolete:  # came back
            entries.append(Entry(message.msgid, entry.msgstr, message.msgctxt,
                                 message.references, message.comments, True, None,
                                 template=message.template))
            used.add(key)
            continue
        close = difflib.get_close_matches(message.msgid, [e.msgid for e in unmatched if
                                                          e.key not in used], n=1, cutoff=0.7)
        if close:
            match = next(e for e in unmatched if e.msgid == close[0] and e.key not in used)
            used.add(match.key)
            entries.append(Entry(message.msgid, match.msgstr, message.msgctxt,
                                 message.references, message.comments, True, match.msgid,
                                 template=message.template))
        else:
            entries.append(Entry(message.msgid, "", message.msgctxt, message.references,
                                 message.comments, template=message.template))
    for entry in old:  # translations of texts that are gone: kept as obsolete entries
        if entry.msgid and entry.key not in messages and entry.key not in used and entry.msgstr:
            entries.append(Entry(entry.msgid, entry.msgstr, entry.msgctxt, [], [], False,
                                 None, True))
    return entries


def extract(languages: tuple[str, ...] = TRANSLATED_LANGUAGES) -> dict[str, int]:
    """Update every catalogue from :func:`collect`; {area: number of messages}."""
    found = collect()
    for language in languages:
        for area, messages in found.items():
            path = catalogue_path(area, language)
            old = read_po(path) if path.exists() else []
            write_po(path, _update_entries(old, messages), language, area)
    reload()
    return {area: len(messages) for area, messages in found.items()}


def status(language: str = "zh_CN") -> dict[str, tuple[int, int, int]]:
    """{area: (messages, untranslated, fuzzy)} of the catalogues on disk."""
    result = {}
    for area in AREAS:
        path = catalogue_path(area, language)
        entries = [e for e in read_po(path) if e.msgid and not e.obsolete] if path.exists() else []
        result[area] = (len(entries), sum(1 for e in entries if not e.msgstr),
                        sum(1 for e in entries if e.msgstr and e.fuzzy))
    return result


def check(language: str = "zh_CN") -> list[str]:
    """Problems of the translations: placeholders that differ, templates that do not format."""
    problems = []
    for area in AREAS:
        path = catalogue_path(area, language)
        if not path.exists():
            problems.append(f"{path}: missing (run `python3 -m gdcourse._messages extract`)")
            continue
        for entry in read_po(path):
            if not entry.msgid or not entry.msgstr or entry.obsolete:
                continue
            if placeholders(entry.msgid) != placeholders(entry.msgstr):
                problems.append(f"{path.name}: {entry.msgid!r}: placeholders "
                                f"{sorted(placeholders(entry.msgid))} in English, "
                                f"{sorted(placeholders(entry.msgstr))} in the translation")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "status"
    if command == "extract":
        for area, count in extract().items():
            print(f"{catalogue_path(area).relative_to(PACKAGE_DIR.parent)}: {count} messages")
        return 0
    if command == "status":
        for area, (total, empty, fuzzy) in status().items():
            print(f"{area}.po: {total} messages, {empty} untranslated, {fuzzy} fuzzy")
        return 0
    if command == "check":
        problems = check()
        print("\n".join(problems) or "no problems")
        return 1 if problems else 0
    print("usage: python3 -m gdcourse._messages [extract|status|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
