# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Answers marked by formatting: the correct option in red, on a yellow fill, highlighted.

Readers give each option (a Word paragraph, a cell) the marks it carries, as short strings:
``font:FF0000`` (font colour), ``fill:FFFF00`` (cell fill or paragraph shading),
``highlight:yellow`` (Word's highlighter). :func:`choose` picks the one mark that singles out
some, but not all, options of the questions that have no written answer; :func:`describe`
names it for people (“红色字体”), so the preview can say which mark was used.
"""

from __future__ import annotations

import colorsys
from collections import Counter
from collections.abc import Sequence

from base.i18n import N_, _

FONT, FILL, HIGHLIGHT = "font", "fill", "highlight"
NO_MARKS: frozenset[str] = frozenset()

_PLAIN_FONTS = {"000000", "FFFFFF"}          # black text (and white, invisible) marks nothing
_PLAIN_FILLS = {"FFFFFF"}
_HIGHLIGHTS = {
    "yellow": "FFFF00", "brightGreen": "00FF00", "turquoise": "00FFFF", "pink": "FF00FF", "blue": "0000FF",
    "red": "FF0000", "darkBlue": "000080", "teal": "008080", "green": "008000", "violet": "800080",
    "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080", "lightGray": "C0C0C0", "black": "000000",
}


def rgb(value: object) -> str | None:
    """``RRGGBB`` (upper case) of an Office colour (``FFFF0000``, ``ff0000``, ``#F00``), else ``None``."""
    if not isinstance(value, str):
        return None
    text = value.strip().lstrip("#").upper()
    if len(text) == 8:
        text = text[2:]           # ARGB: the alpha byte
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6 or any(c not in "0123456789ABCDEF" for c in text):
        return None
    return text


def font(colour: object) -> str | None:
    """The mark of a font colour, or ``None`` for automatic, black or an unreadable colour."""
    value = rgb(colour)
    return None if value is None or value in _PLAIN_FONTS else f"{FONT}:{value}"


def fill(colour: object) -> str | None:
    """The mark of a cell fill or paragraph shading, or ``None`` for none or white."""
    value = rgb(colour)
    return None if value is None or value in _PLAIN_FILLS else f"{FILL}:{value}"


def highlight(name: object) -> str | None:
    """The mark of Word's highlighter colour (``yellow``…), or ``None``."""
    if not isinstance(name, str) or name in ("", "none"):
        return None
    return f"{HIGHLIGHT}:{_HIGHLIGHTS.get(name, name)}"


def choose(groups: Sequence[Sequence[frozenset[str]]]) -> str | None:
    """The mark that picks the answer: each group holds the marks of one unanswered question's
    options; a mark counts for a group when it marks at least one option and not all of them.

    The mark counting for the most groups wins (font colours before fills before highlights on a
    tie); ``None`` when no mark singles out any option.
    """
    score: Counter[str] = Counter()
    for group in groups:
        if len(group) < 2:
            continue
        seen = Counter(m for marks in group for m in marks)
        score.update(m for m, n in seen.items() if 0 < n < len(group))
    if not score:
        return None
    order = {FONT: 0, FILL: 1, HIGHLIGHT: 2}
    return min(score, key=lambda m: (-score[m], order.get(m.partition(":")[0], 3), m != f"{FONT}:FF0000", m))


_KINDS = {FONT: N_("{colour}字体"), FILL: N_("{colour}底纹"), HIGHLIGHT: N_("{colour}突出显示")}
_COLOURS = (
    (15, N_("红色")), (45, N_("橙色")), (70, N_("黄色")), (165, N_("绿色")), (200, N_("青色")),
    (260, N_("蓝色")), (300, N_("紫色")), (340, N_("粉色")), (361, N_("红色")),
)


def colour_name(value: str) -> str:
    """A Chinese name for ``RRGGBB`` by its hue: 红色, 黄色, 蓝色…"""
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.15 or light < 0.08 or light > 0.95:
        return _("黑色") if light < 0.25 else _("白色") if light > 0.9 else _("灰色")
    degrees = hue * 360
    return _(next(name for limit, name in _COLOURS if degrees < limit))


def describe(mark: str) -> str:
    """``font:FF0000`` -> 红色字体, ``fill:FFFF00`` -> 黄色底纹."""
    kind, _sep, value = mark.partition(":")
    template = _KINDS.get(kind)
    if template is None:
        return mark
    colour = colour_name(value) if rgb(value) == value else value
    return _(template, colour=colour)
