# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The certificate font (LXGW WenKai) cut down, at bundle time, to the scripts certificates print.

Certificates print Chinese names, titles and dates: every CJK ideograph the font has stays (the Unified
Ideographs with Extension A and B-H, and the compatibility ideographs, so rare characters in names, 生僻字,
still print), with CJK and full-width punctuation, Bopomofo, Latin (pinyin with its tone marks), digits
and the symbols of GB 2312/GBK (①, ㈠, ℃, Ⅻ, ■, ★...). Kana, hangul, Greek, Cyrillic, Yi and the rest go
(tests/test_bundle.py checks both sides). fontTools does the cutting; it is a build-time tool only.
"""

from __future__ import annotations

from pathlib import Path

# Inclusive code-point ranges kept; everything else in the font is dropped.
KEEP = (
    (0x0020, 0x007E),    # Basic Latin: letters, digits, ASCII punctuation
    (0x00A0, 0x024F),    # Latin-1, Latin Extended-A/B: · × ÷ and pinyin with tone marks (ā ǎ ǚ)
    (0x02B0, 0x02FF),    # spacing modifier letters: the tone marks ˉ ˊ ˇ ˋ ˙
    (0x1E00, 0x1EFF),    # Latin Extended Additional: ḿ
    (0x2000, 0x206F),    # general punctuation: — … ‘ ’ “ ” ‰ ※
    (0x20A0, 0x20CF),    # currency
    (0x2100, 0x23FF),    # letterlike ℃ №, number forms Ⅰ–Ⅻ, arrows, mathematical operators, ⌒
    (0x2460, 0x27BF),    # enclosed alphanumerics ① ⑴ ⒈, box drawing, blocks, shapes ■ □ ○ ●, ★ ☆, dingbats
    (0x2E80, 0x2FDF),    # CJK radicals supplement, Kangxi radicals
    (0x2FF0, 0x303F),    # ideographic description characters, CJK symbols and punctuation 、。《》【】〇
    (0x3100, 0x312F),    # Bopomofo
    (0x31A0, 0x31EF),    # Bopomofo Extended, CJK strokes
    (0x3200, 0x33FF),    # enclosed CJK letters and months ㈠ ㊣, CJK compatibility ㎡ ㎏
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0xFE10, 0xFE1F),    # vertical forms
    (0xFE30, 0xFE6F),    # CJK compatibility forms, small form variants
    (0xFF01, 0xFF64),    # full-width ASCII and half-width CJK punctuation (not the half-width kana after it)
    (0xFFE0, 0xFFEF),    # full-width signs ￥ ￡
    (0x20000, 0x323AF),  # CJK Unified Ideographs Extensions B-H
)


def kept(code_point: int) -> bool:
    return any(low <= code_point <= high for low, high in KEEP)


def subset(source: Path, target: Path) -> tuple[int, int]:
    """Write ``source`` cut down to ``KEEP`` to ``target``; returns (bytes before, bytes after).

    Glyph outlines, hinting, metrics (horizontal and vertical) and the layout features of what is kept
    stay as they are; all name records stay (the OFL licence text is in them)."""
    import logging

    from fontTools import subset as fts
    from fontTools.ttLib import TTFont

    # PyInstaller logs at INFO; the subsetter would list every glyph and code point it keeps there.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    options = fts.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    with TTFont(str(source)) as font:
        keep = [cp for cp in font.getBestCmap() if kept(cp)]
        subsetter = fts.Subsetter(options)
        subsetter.populate(unicodes=keep)
        subsetter.subset(font)
        target.parent.mkdir(parents=True, exist_ok=True)
        font.save(str(target))
    return source.stat().st_size, target.stat().st_size
