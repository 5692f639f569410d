"""The Chinese figures: every character they draw is in a font that ships with gdcourse.

gdcourse/fonts/GDCourseSansSC-Regular.ttf is a subset of Noto Sans SC made by
course/make_font_subset.py. These tests fail, naming the characters, when a translated
figure text (a string literal of a translated code cell, or a package message) uses a
character the subset lacks; and they draw every such text with missing glyphs made errors.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from gdcourse import fonts  # noqa: E402


def _i18n():
    name = "course_build"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "course" / "build.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].i18n


TEXTS = _i18n().figure_texts("zh_CN")


def test_the_font_and_its_licence_ship_with_the_package():
    assert fonts.FONT_FILE.is_file() and fonts.FONT_FILE.stat().st_size < 2_000_000
    licence = fonts.LICENSE_FILE.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name 'Source'" in licence
    import tomllib  # noqa: PLC0415  (Python 3.11+, as the packaging tests)
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = data["tool"]["setuptools"]["package-data"]["gdcourse"]
    assert "fonts/*.ttf" in package_data and "fonts/OFL.txt" in package_data


def test_the_subset_is_renamed_and_keeps_the_copyright():
    font = FT2Font(str(fonts.FONT_FILE))
    assert font.family_name == fonts.FAMILY
    assert "Source" not in font.family_name and "Noto" not in font.family_name
    from fontTools.ttLib import TTFont  # comes with matplotlib
    names = {r.nameID: r.toUnicode() for r in TTFont(str(fonts.FONT_FILE))["name"].names}
    assert "Adobe" in names[0] and "Open Font License" in names[13]


def test_every_character_of_the_chinese_figures_is_in_a_font_we_ship():
    assert TEXTS, "no translated figure texts found"
    missing = {}
    for where, text in TEXTS:
        for ch in fonts.missing_characters(text):
            missing.setdefault(ch, where)
    assert not missing, (
        "characters of the Chinese figures that no shipped font has: "
        + ", ".join(f"{ch!r} ({where})" for ch, where in sorted(missing.items()))
        + "; run course/make_font_subset.py (see its docstring)")


def test_no_chinese_text_inside_mathtext():
    """mathtext has no font fallback: '$x$：路径' would draw boxes."""
    mixed = [(where, text) for where, text in TEXTS
             if fonts.has_chinese(text) and text.replace(r"\$", "").count("$") >= 2]
    assert not mixed, f"Chinese in a text with $...$ (write the formula in Unicode): {mixed}"


def _draw(text):
    fig = Figure(figsize=(4, 1))
    fig.text(0.01, 0.5, text)
    fig.savefig(io.BytesIO(), format="png")


def test_drawing_every_chinese_figure_text_needs_no_missing_glyph(monkeypatch):
    monkeypatch.setenv("GDCOURSE_STRICT_GLYPHS", "1")
    with matplotlib.rc_context():
        fonts.register()
        for _, text in TEXTS:
            if fonts.has_chinese(text):
                _draw(text.replace("$", r"\$"))


@pytest.mark.parametrize("text", ["龘", r"$x$：路径"])
def test_strict_mode_turns_a_missing_glyph_into_an_error(monkeypatch, text):
    monkeypatch.setenv("GDCOURSE_STRICT_GLYPHS", "1")
    with matplotlib.rc_context():
        fonts.register()
        with pytest.raises((UserWarning, fonts.GlyphMissingError)):
            _draw(text)


def test_register_puts_our_font_after_the_usual_one(monkeypatch):
    monkeypatch.setenv("GDCOURSE_STRICT_GLYPHS", "1")
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        assert fonts.register() == fonts.FAMILY
        fonts.register()  # idempotent
        assert matplotlib.rcParams["font.family"] == ["sans-serif", fonts.FAMILY]
        found = font_manager.findfont(font_manager.FontProperties(family=fonts.FAMILY),
                                      fallback_to_default=False)
        assert Path(found) == fonts.FONT_FILE


def test_chinese_in_use_registers_the_font_and_english_does_not():
    code = ("import matplotlib; import gdcourse, gdcourse.plots; "
            "print(gdcourse.fonts.registered(), '{}' in matplotlib.rcParams['font.family'])")
    results = {}
    for env in ({"GDCOURSE_LANG": "zh_CN"}, {"GDCOURSE_LANG": ""}):
        out = subprocess.run([sys.executable, "-c", code.replace("{}", fonts.FAMILY)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120,
                             env={**__import__("os").environ, "MPLBACKEND": "Agg", **env})
        assert out.returncode == 0, out.stderr
        results[env["GDCOURSE_LANG"]] = out.stdout.split()
    assert results["zh_CN"] == ["True", "True"] and results[""] == ["False", "False"]
