"""The font that draws the Chinese text of the course's figures.

``GDCourseSansSC-Regular.ttf`` is a subset of Noto Sans SC (Regular, version 2.004;
SIL Open Font License 1.1, ``OFL.txt`` beside it) with only the characters that the
Chinese edition's figures use, so it weighs kilobytes where the whole font weighs
megabytes, and it installs with the package (pip, conda, Binder) like any other file.
A subset is a modified version under the OFL, so it has a name of its own,
"GDCourse Sans SC" (the licence reserves the name "Source"; a name of its own also keeps
it from being taken for an installed Noto Sans SC). ``course/make_font_subset.py`` makes
it again from the published font; ``tests/test_fonts.py`` checks that it has every
Chinese character that the figures' texts use.

:func:`register` (called by ``gdcourse.set_language("zh_CN")``, and by
:mod:`gdcourse.plots` when Chinese is in use) adds the file to matplotlib's font manager
and appends the family to ``rcParams["font.family"]``: Latin letters, digits, Greek and
symbols stay in DejaVu Sans as in the English edition, and matplotlib's per-glyph font
fallback (matplotlib >= 3.6) takes each Chinese character from this font. A Chinese font
installed on the computer (Noto Sans CJK, Source Han Sans, Microsoft YaHei, PingFang, ...)
comes after it, for Chinese text of your own.

One limit: a text with ``$...$`` is drawn by mathtext, which has no such fallback. Keep
Chinese out of any text that contains a formula in dollar signs; write the formula in
Unicode (``"L = ½(θ₁² + 10 θ₂²)：路径"``) or put it in a text of its own.

With the environment variable ``GDCOURSE_STRICT_GLYPHS=1`` (the tests set it) a missing
glyph is an error instead of a box and a warning, so nbval fails on any figure of the
Chinese notebooks that would show one.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from pathlib import Path

__all__ = ["FAMILY", "FONT_FILE", "LICENSE_FILE", "SYSTEM_CJK_FAMILIES", "register",
           "registered", "missing_characters", "GlyphMissingError"]

FAMILY = "GDCourse Sans SC"
FONT_FILE = Path(__file__).resolve().parent / "GDCourseSansSC-Regular.ttf"
LICENSE_FILE = FONT_FILE.parent / "OFL.txt"
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "SimHei", "Heiti SC", "Droid Sans Fallback",
)
_GLYPH_WARNING = r"Glyph \d+ .*missing from"

_registered = False


class GlyphMissingError(RuntimeError):
    """A figure would show a box instead of a character (strict mode only)."""


class _RaiseOnMissingGlyph(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if "does not have a glyph" in record.getMessage():
            raise GlyphMissingError(record.getMessage() + " (mathtext has no font fallback: "
                                    "keep Chinese out of texts with $...$)")
        return True


def strict() -> bool:
    return os.environ.get("GDCOURSE_STRICT_GLYPHS", "") not in ("", "0")


def registered() -> bool:
    return _registered


def register() -> str:
    """Make matplotlib draw Chinese with the course's font; returns the family name.

    Idempotent. ``rcParams["font.family"]`` becomes the family list you had (by default
    ``["sans-serif"]``) followed by FAMILY and any Chinese font found on the computer.
    """
    global _registered
    import matplotlib
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(Path(f.fname) == FONT_FILE for f in manager.ttflist):
        manager.addfont(str(FONT_FILE))
    families = matplotlib.rcParams["font.family"]
    families = [families] if isinstance(families, str) else list(families)
    extra = [FAMILY]
    if not strict():  # strict mode tests our font alone
        installed = {f.name for f in manager.ttflist}
        extra += [name for name in SYSTEM_CJK_FAMILIES if name in installed]
    new = families + [name for name in extra if name not in families]
    if new != families:
        matplotlib.rcParams["font.family"] = new
    if strict():
        warnings.filterwarnings("error", message=_GLYPH_WARNING)
        mathtext = logging.getLogger("matplotlib.mathtext")
        if not any(isinstance(f, _RaiseOnMissingGlyph) for f in mathtext.filters):
            mathtext.addFilter(_RaiseOnMissingGlyph())
    _registered = True
    return FAMILY


def missing_characters(text: str) -> set[str]:
    """The characters of ``text`` that neither DejaVu Sans (matplotlib's) nor our font has."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    dejavu = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=True))
    ours = FT2Font(str(FONT_FILE))
    have = set(dejavu.get_charmap()) | set(ours.get_charmap())
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in have}


def has_chinese(text: str) -> bool:
    return bool(re.search(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]", text))
