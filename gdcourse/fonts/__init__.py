"""The font that draws the Chinese text of the course's figures.

``GDCourseSansSC-Regular.ttf`` is a subset of Noto Sans SC (Regular, version 2.004;
SIL Open Font License 1.1, ``OFL.txt`` beside it) with only the characters that the
Chinese edition's figures use. It weighs a few hundred kilobytes, where the whole font
weighs 10-17 MB. A subset is a modified version under the OFL, so it carries its own name,
"GDCourse Sans SC" (the licence reserves the name "Source"; "Noto" is Google's trademark,
and a name of its own also keeps it from being mistaken for an installed Noto Sans SC).
``course/make_font_subset.py`` makes it again from the published font, and
``tests/test_fonts.py`` checks that it covers every Chinese character of the figures.

:func:`register` (called by ``gdcourse.set_language("zh_CN")`` and by
:mod:`gdcourse.plots` when Chinese is in use) adds the file to matplotlib's font manager
and puts the family after the default sans-serif font: Latin letters, digits, Greek and
mathematics stay in DejaVu Sans as in the English edition, and matplotlib's per-glyph
font fallback (matplotlib >= 3.6) takes each Chinese character from this font. Formulas
in ``$...$`` are drawn by mathtext, which has no such fallback: Chinese words belong
outside the dollar signs, in a text of their own or in ``\\text{...}`` never.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FAMILY", "FONT_FILE", "LICENSE_FILE", "register", "registered", "covers"]

FAMILY = "GDCourse Sans SC"
FONT_FILE = Path(__file__).resolve().parent / "GDCourseSansSC-Regular.ttf"
LICENSE_FILE = FONT_FILE.parent / "OFL.txt"

_registered = False


def registered() -> bool:
    return _registered


def register() -> str:
    """Make matplotlib draw Chinese with the course's font; returns the family name.

    Idempotent. ``rcParams["font.family"]`` becomes ``["sans-serif", FAMILY]`` (or the
    family list you had, followed by FAMILY), so a character that the first font lacks is
    taken from ours.
    """
    global _registered
    import matplotlib
    from matplotlib import font_manager

    if not any(Path(f.fname) == FONT_FILE for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(FONT_FILE))
    families = matplotlib.rcParams["font.family"]
    families = [families] if isinstance(families, str) else list(families)
    if FAMILY not in families:
        matplotlib.rcParams["font.family"] = [*families, FAMILY]
    _registered = True
    return FAMILY


def covers(text: str) -> set[str]:
    """The characters of ``text`` that neither matplotlib's DejaVu Sans nor our font has."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    dejavu = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=True))
    ours = FT2Font(str(FONT_FILE))
    have = set(dejavu.get_charmap()) | set(ours.get_charmap())
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in have}
