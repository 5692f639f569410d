"""The package's own messages in Chinese (gdcourse/_messages.py, gdcourse/locale/).

Every message the package can show has an entry in its catalogue, no entry is left
over, translations keep the placeholders, and under ``set_language("zh_CN")`` the
translation is what the learner sees. No test here compares with English wording: each
compares with the text in the source or the catalogue (or a synthetic catalogue).
"""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import gdcourse
from gdcourse import _messages, i18n
from gdcourse._messages import AREAS, catalogue_path, collect, placeholders, read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_CN"
COLLECTED = collect()


def _entries(area):
    path = catalogue_path(area, LANGUAGE)
    return [e for e in read_po(path) if e.msgid and not e.obsolete] if path.exists() else []


@pytest.fixture
def chinese():
    before = i18n.get_language()
    gdcourse.set_language(LANGUAGE)
    try:
        yield
    finally:
        gdcourse.set_language(before)


class _Anything:
    """A value every format spec, attribute and index accepts."""

    def __format__(self, spec):
        return "x"

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self


class _Fields(dict):
    def __missing__(self, key):
        return _Anything()


# ------------------------------------------------------------------ the catalogues
@pytest.mark.parametrize("area", list(AREAS))
def test_every_message_has_an_entry_in_its_catalogue(area):
    present = {e.key for e in _entries(area)}
    missing = [msgid for (context, msgid) in COLLECTED[area] if (context, msgid) not in present]
    assert not missing, (f"{len(missing)} message(s) of {area} have no entry in "
                         f"{catalogue_path(area, LANGUAGE)}: run `python3 -m gdcourse._messages "
                         f"extract` and commit the catalogue. First: {missing[:3]}")


@pytest.mark.parametrize("area", list(AREAS))
def test_no_catalogue_entry_is_unused(area):
    unused = [e.msgid for e in _entries(area) if e.key not in COLLECTED[area]]
    assert not unused, (f"{len(unused)} entr(ies) of {catalogue_path(area, LANGUAGE)} match no "
                        "message of the package: run `python3 -m gdcourse._messages extract` "
                        f"(it makes them obsolete). First: {unused[:3]}")


def test_every_message_is_in_one_catalogue_only():
    seen = {}
    for area, messages in COLLECTED.items():
        for key in messages:
            assert key not in seen, f"{key[1]!r} is in {seen[key]} and in {area}"
            seen[key] = area


@pytest.mark.parametrize("area", list(AREAS))
def test_translations_keep_the_placeholders_and_format(area):
    for entry in _entries(area):
        if not entry.msgstr:
            continue
        assert placeholders(entry.msgstr) == placeholders(entry.msgid), (
            f"{area}: {entry.msgid!r}: the translation has {sorted(placeholders(entry.msgstr))}"
            f", the English {sorted(placeholders(entry.msgid))}")
        if entry.template:
            entry.msgstr.format_map(_Fields())


def test_templates_are_flagged_and_format():
    for area, messages in COLLECTED.items():
        for message in messages.values():
            if message.template:
                assert placeholders(message.msgid), f"{message.msgid!r} has no placeholder"
                message.msgid.format_map(_Fields())


def _untranslated():
    counts = {}
    for area in AREAS:
        entries = _entries(area)
        todo = sum(1 for e in entries if not e.msgstr or e.fuzzy)
        if todo:
            counts[area] = f"{todo} of {len(entries)}"
    return counts


_TODO = _untranslated()


# Until the translators are done: each catalogue with untranslated or fuzzy entries is an
# expected failure that says how many (translators: remove the xfail when all are done).
@pytest.mark.parametrize("area", [
    pytest.param(area, marks=pytest.mark.xfail(
        strict=False, reason=f"{area}.po: {_TODO[area]} messages untranslated or fuzzy"))
    if area in _TODO else area for area in AREAS])
def test_every_message_has_a_translation(area):
    todo = [e.msgid for e in _entries(area) if not e.msgstr or e.fuzzy]
    assert not todo, f"{area}.po: {len(todo)} untranslated or fuzzy, first {todo[:3]}"


def test_the_po_reader_reads_what_the_writer_writes(tmp_path):
    entries = [_messages.Entry("plain"), _messages.Entry("a {name}\nsecond \"line\"", "译文 {name}",
                                                         template=True),
               _messages.Entry("same", "其一", msgctxt="one"),
               _messages.Entry("fuzzy one", "模糊", fuzzy=True, previous="older"),
               _messages.Entry("gone", "旧", obsolete=True)]
    path = tmp_path / "x.po"
    _messages.write_po(path, entries, LANGUAGE, "x")
    read = [e for e in read_po(path) if e.msgid]
    assert [(e.msgid, e.msgstr, e.msgctxt, e.fuzzy, e.previous, e.obsolete, e.template)
            for e in read] == [(e.msgid, e.msgstr, e.msgctxt, e.fuzzy, e.previous, e.obsolete,
                                e.template) for e in entries]


def test_updating_keeps_translations_and_marks_changed_ones_fuzzy():
    old = [_messages.Entry("Take one gradient step now", "走一步"),
           _messages.Entry("kept", "保留"),
           _messages.Entry("removed entirely, nothing like it", "删除")]
    new = {(None, "Take one gradient step"): _messages.Message("Take one gradient step", None, "a"),
           (None, "kept"): _messages.Message("kept", None, "a")}
    updated = {e.msgid: e for e in _messages._update_entries(old, new)}
    assert updated["kept"].msgstr == "保留" and not updated["kept"].fuzzy
    changed = updated["Take one gradient step"]
    assert changed.fuzzy and changed.msgstr == "走一步"
    assert changed.previous == "Take one gradient step now"
    assert updated["removed entirely, nothing like it"].obsolete


# ------------------------------------------------------------------ the lookup
def test_fuzzy_and_empty_entries_are_not_used(tmp_path, monkeypatch, chinese):
    folder = tmp_path / LANGUAGE
    _messages.write_po(folder / "t.po", [_messages.Entry("a", "甲"),
                                         _messages.Entry("b", "乙", fuzzy=True),
                                         _messages.Entry("c", "")], LANGUAGE, "t")
    monkeypatch.setattr(_messages, "LOCALE_DIR", tmp_path)
    _messages.reload()
    try:
        assert [_messages._(t) for t in "abc"] == ["甲", "b", "c"]
    finally:
        _messages.reload()


def test_english_is_returned_unchanged_under_en():
    before = i18n.get_language()
    gdcourse.set_language("en")
    try:
        with _messages.catalogue_override({"some text": "一些文字"}):
            assert _messages._("some text") == "some text"
    finally:
        gdcourse.set_language(before)


def test_a_context_separates_two_translations(chinese):
    with _messages.catalogue_override({("a", "same"): "其一", ("b", "same"): "其二"}):
        assert _messages._("same", "a") == "其一" and _messages._("same", "b") == "其二"
        assert _messages._("same") == "same"


def test_gdcourse_lang_in_the_environment_picks_chinese(tmp_path):
    _messages.write_po(tmp_path / LANGUAGE / "t.po", [_messages.Entry("a {n} b", "甲 {n} 乙",
                                                                      template=True)],
                       LANGUAGE, "t")
    code = ("from pathlib import Path; import gdcourse._messages as m; "
            f"m.LOCALE_DIR = Path({str(tmp_path)!r}); print(m._f('a {{n}} b', n=3))")
    env = {**os.environ, "GDCOURSE_LANG": "zh_CN"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout.strip()
    assert out == "甲 3 乙"


def test_import_gdcourse_loads_no_submodule():
    code = ("import sys, gdcourse; "
            "print(','.join(m for m in sys.modules if m.startswith('gdcourse.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    assert out == ""


def test_no_catalogue_is_read_in_english():
    code = ("import gdcourse, gdcourse._messages as m; from gdcourse.exercises import EXERCISES; "
            "str(next(iter(EXERCISES.values())).check(None)); print(len(m._loaded))")
    env = {k: v for k, v in os.environ.items() if k != "GDCOURSE_LANG"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout.strip()
    assert out == "0"


# ------------------------------------------------------------------ wired where shown
def _stub(*args, **kwargs):
    raise NotImplementedError


def _stub_exercise():
    from gdcourse.exercises import EXERCISES
    return next(e for e in EXERCISES.values() if e.kind == "function")


def test_an_exercise_result_is_shown_in_chinese(chinese):
    from gdcourse.exercises import _checking
    exercise = _stub_exercise()
    label = _checking._LABELS[_checking.NOT_ATTEMPTED]
    fake = {exercise.title: "练习标题", label: "尚未作答", _checking._NOT_ATTEMPTED_MESSAGE: "代码仍然",
            _checking._NOT_ATTEMPTED_HINT: "替换", "Hint": "提示"}
    with _messages.catalogue_override(fake):
        result = exercise.check(_stub)
        for shown in (str(result), result._repr_html_()):
            for translation in fake.values():
                assert translation in shown
    gdcourse.set_language("en")
    shown = str(exercise.check(_stub))
    assert exercise.title in shown and _checking._NOT_ATTEMPTED_MESSAGE in shown


def test_a_known_mistake_s_hint_ladder_is_shown_in_chinese(chinese):
    from gdcourse.exercises import EXERCISES
    exercise, mistake = next((e, m) for e in EXERCISES.values() for m in e.mistakes
                             if m.nudge and (m.formula or e.formula))
    formula = mistake.formula or exercise.formula
    fake = {mistake.nudge: "轻推", mistake.hint: "具体", formula: "公式",
            "{hint} The formula: {formula}": "{hint}公式：{formula}"}
    exercise.reset_hints()
    try:
        with _messages.catalogue_override(fake):
            shown = [str(exercise.check(mistake.implementation)) for _ in range(3)]
        assert "轻推" in shown[0] and "具体" in shown[1] and "具体公式：公式" in shown[2]
    finally:
        exercise.reset_hints()


def test_a_divergence_is_reported_in_chinese(chinese):
    from gdcourse.divergence import Divergence, check_divergence
    divergence = check_divergence(1, float("nan"), 1.0)
    template = "diverged at step {step}: {reason} — {advice}"
    fake = {template: "第 {step} 步发散：{reason}，{advice}", divergence.reason: "损失",
            Divergence.advice: "减小学习率"}
    with _messages.catalogue_override(fake):
        assert str(divergence) == "第 1 步发散：损失，减小学习率"


def test_an_explorer_shows_its_labels_in_chinese_and_draws_them_with_the_font(chinese):
    pytest.importorskip("ipywidgets")
    from gdcourse.widgets.descent import StepByStepExplorer
    # Every widget message becomes characters the course's font has, placeholders kept.
    fake = {key: "学习率" + "".join(sorted(placeholders(message.msgid)))
            for key, message in COLLECTED["widgets"].items()}
    gdcourse.set_language("en")
    english = [c.description for c in StepByStepExplorer().controls.values()]
    gdcourse.set_language(LANGUAGE)
    with _messages.catalogue_override(fake), warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        explorer = StepByStepExplorer()
        shown = [c.description for c in explorer.controls.values()]
        translated = [(e, s) for e, s in zip(english, shown) if (None, e) in fake]
        assert translated and all(s == fake[(None, e)] for e, s in translated)
        explorer._show_message(_messages._f("Could not compute this setting: {error}",
                                            error="x"))
        explorer._render()
        explorer.fig.canvas.draw()


def test_a_stored_template_stays_english_and_is_translated_where_shown(chinese):
    # F_: the stored text is the English one (code compares it); _() translates it, and
    # its fields that are templates too.
    inner = _messages.F_("loss grew from {initial:.3g} to {loss:.3g}", initial=9.0, loss=2.3e11)
    outer = _messages.F_("{reason} at lr {lr:.2g}", reason=inner, lr=0.5)
    assert outer == "loss grew from 9 to 2.3e+11 at lr 0.5"
    fake = {"loss grew from {initial:.3g} to {loss:.3g}": "损失从 {initial:.3g} 增大到 {loss:.3g}",
            "{reason} at lr {lr:.2g}": "{reason}（lr 为 {lr:.2g} 时）"}
    with _messages.catalogue_override(fake):
        assert _messages._(outer) == "损失从 9 增大到 2.3e+11（lr 为 0.5 时）"
    gdcourse.set_language("en")
    assert _messages._(outer) == outer


def test_a_failed_check_is_shown_in_chinese_without_english_sentences(chinese):
    from gdcourse.exercises import EXERCISES
    exercise = EXERCISES["gd_step"] if "gd_step" in EXERCISES else _stub_exercise()

    def wrong_shape(*args, **kwargs):
        return np.zeros((7, 3))

    def raises(*args, **kwargs):
        return 1 / 0

    exercise.reset_hints()
    try:
        for attempt in (wrong_shape, raises):
            result = exercise.check(attempt)
            assert not result.passed
            assert result.message.startswith(("Shape:", "Type:", "Error:", "Signature:"))
            shown = str(result)
            for english in ("with ", "the result", "your code", "Hint", "should be"):
                assert english not in shown.replace(result.exercise, ""), shown
    finally:
        exercise.reset_hints()


def test_an_exercise_module_s_own_messages_and_case_descriptions_are_shown_in_chinese(chinese):
    # A requirement's message written in the exercise module (F_) and the description of
    # the case it failed on (F_) stay English on the result and read in Chinese where shown.
    from gdcourse.exercises import EXERCISES
    exercise = EXERCISES["diagnose"]
    message = "your function returned None, not a label."
    translation = {e.msgid: e.msgstr for e in _entries("exercises_diagnostics")}
    exercise.reset_hints()
    try:
        result = exercise.check(lambda train_losses, val_losses: None)
    finally:
        exercise.reset_hints()
    assert not result.passed and message in result.message
    case = exercise.cases[0].description
    assert isinstance(case, _messages.Text) and case in result.message
    for shown in (str(result), result._repr_html_()):
        assert translation[message] in shown and message not in shown
        assert translation[case.template] in shown and case not in shown
