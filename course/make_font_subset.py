#!/usr/bin/env python3
"""Make gdcourse/fonts/GDCourseSansSC-Regular.ttf again: Noto Sans SC, cut to the figures.

    .venv/bin/python course/make_font_subset.py --source fontsource-noto-sans-sc-5.3.0.tgz

Run it after adding Chinese text to a figure (a string literal in a code cell of a
``course/locale/zh_CN/*.po`` catalogue, or a package message in a ``gdcourse/**/locale/
zh_CN/*.po`` file): ``tests/test_fonts.py`` fails, naming the characters, until the font
has them. Not run by the tests; needs fontTools (it comes with matplotlib) and the
published font, for example the npm package the Fontsource project makes from Google
Fonts' Noto Sans SC (about 73 MB; nothing else is needed)::

    npm pack @fontsource/noto-sans-sc@5.3.0      # -> fontsource-noto-sans-sc-5.3.0.tgz

``--source`` takes that .tgz, its unpacked folder, or one .ttf/.otf/.woff file of Noto
Sans SC (or Noto Sans CJK SC, e.g. from Debian's fonts-noto-cjk). The output is the same
bytes for the same source and characters: glyph outlines copied (components decomposed),
no hinting, no layout tables (matplotlib does not use them), fixed timestamps, and the
name "GDCourse Sans SC" with the original copyright and licence in its name table.

Which characters: every character of those strings that matplotlib's DejaVu Sans lacks
(DejaVu draws Latin, Greek and mathematics as in the English edition), plus the common
Chinese punctuation.
"""

from __future__ import annotations

import argparse
import io
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUTPUT = ROOT / "gdcourse" / "fonts" / "GDCourseSansSC-Regular.ttf"
FAMILY = "GDCourse Sans SC"
PUNCTUATION = "，。、：；！？（）《》〈〉「」『』【】～—…·“”‘’"
WEIGHT_FILES = "-400-normal.woff"  # Fontsource: one file per unicode range, this weight


def _load_i18n():
    import importlib.util
    spec = importlib.util.spec_from_file_location("gdcourse_course_i18n",
                                                  ROOT / "course" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def source_fonts(source: Path):
    """The TTFont objects of the source (one file, or Fontsource's range files)."""
    from fontTools.ttLib import TTFont

    if source.is_file() and source.suffix in (".ttf", ".otf", ".woff", ".woff2", ".ttc"):
        return [TTFont(str(source), fontNumber=0, lazy=False)]
    fonts = []
    if source.is_dir():
        files = sorted(source.rglob(f"*{WEIGHT_FILES}"))
        fonts = [TTFont(str(f)) for f in files]
    else:
        with tarfile.open(source) as tar:
            members = sorted((m for m in tar.getmembers() if m.name.endswith(WEIGHT_FILES)),
                             key=lambda m: m.name)
            fonts = [TTFont(io.BytesIO(tar.extractfile(m).read())) for m in members]
    if not fonts:
        raise SystemExit(f"no font files (*{WEIGHT_FILES}) in {source}")
    return fonts


def dejavu_charmap() -> set[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    return set(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())


def wanted_characters(lang: str = "zh_CN") -> list[str]:
    i18n = _load_i18n()
    text = "".join(t for _, t in i18n.figure_texts(lang)) + PUNCTUATION
    skip = dejavu_charmap()
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in skip})


def make_subset(fonts, characters: list[str]) -> bytes:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    first = fonts[0]
    upm = first["head"].unitsPerEm
    glyphs, metrics, cmap, order = {}, {}, {}, [".notdef"]
    pen = TTGlyphPen(None)
    first.getGlyphSet()[".notdef"].draw(pen)
    glyphs[".notdef"] = pen.glyph()
    metrics[".notdef"] = first["hmtx"][".notdef"]
    missing = []
    for ch in characters:
        for font in fonts:
            name = font.getBestCmap().get(ord(ch))
            if name is None:
                continue
            glyph_set = font.getGlyphSet()
            recording = DecomposingRecordingPen(glyph_set)
            glyph_set[name].draw(recording)
            pen = TTGlyphPen(None)
            recording.replay(pen)
            new = f"uni{ord(ch):04X}"
            glyphs[new], metrics[new] = pen.glyph(), font["hmtx"][name]
            cmap[ord(ch)] = new
            order.append(new)
            break
        else:
            missing.append(ch)
    if missing:
        raise SystemExit(f"the source font lacks {''.join(missing)!r}")

    builder = FontBuilder(upm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    hhea = first["hhea"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    names = {rec.nameID: rec.toUnicode() for rec in first["name"].names
             if rec.platformID == 3 and rec.langID == 0x409}
    version = names.get(5, "Version 2.004").split(";")[0]
    builder.setupNameTable({
        "copyright": names.get(0, ""),
        "familyName": FAMILY,
        "styleName": "Regular",
        "uniqueFontIdentifier": f"{version};GDCourseSansSC-Regular",
        "fullName": f"{FAMILY} Regular",
        "version": f"{version}; subset of Noto Sans SC for the gdcourse figures",
        "psName": "GDCourseSansSC-Regular",
        "description": (f"A subset of Noto Sans SC ({version}) with the characters of the "
                        "Chinese figures of gdcourse. Renamed as the SIL Open Font License "
                        "asks of modified versions."),
        "licenseDescription": names.get(13, "This Font Software is licensed under the SIL "
                                            "Open Font License, Version 1.1."),
        "licenseInfoURL": names.get(14, "https://openfontlicense.org"),
    })
    os2 = first["OS/2"]
    builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                     sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent,
                     usWinDescent=os2.usWinDescent, sxHeight=getattr(os2, "sxHeight", 0),
                     sCapHeight=getattr(os2, "sCapHeight", 0), usWeightClass=400,
                     achVendID=os2.achVendID, fsType=0, ulCodePageRange1=1 << 18)
    builder.setupPost()
    builder.setupHead(unitsPerEm=upm, created=first["head"].created,
                      modified=first["head"].created, fontRevision=first["head"].fontRevision)
    builder.setupMaxp()
    out = io.BytesIO()
    builder.font.save(out, reorderTables=True)
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, type=Path,
                        help="Fontsource's noto-sans-sc .tgz or folder, or a font file")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args(argv)
    characters = wanted_characters(args.lang)
    data = make_subset(source_fonts(args.source), characters)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(characters)} characters, {len(data) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
