# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""One certificate page as drawing primitives, in PDF points (origin bottom-left).

The same primitives feed the PDF (``render``) and the GUI's live preview
(QPainter), so the preview is the page. Text positions are computed with the
embedded font's own advance widths; every text item is left-aligned at its
baseline. The static part (border, 红头, title, issuer, signature line) depends
only on the template and is drawn once per document as a PDF form.
"""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from operator import attrgetter
from typing import Any

from core.certificates.qr import QrMatrix, qr_matrix
from core.certificates.templates import TemplateSpec, fill
from core.infra.fonts import KAI, register_fonts

A4_PORTRAIT = (595.2756, 841.8898)
INK = "#262626"
MUTED = "#6B6B6B"
GOLD = "#C9A227"
# Chinese line-breaking: these never start a line (they hang at the end of the previous one).
NO_LINE_START = set("，。、；：？！）》」』”’…—,.;:?!)")


@dataclass(frozen=True, slots=True)
class TextItem:
    x: float
    y: float
    text: str
    size: float
    color: str = INK
    font: str = KAI


@dataclass(frozen=True, slots=True)
class LineItem:
    x1: float
    y1: float
    x2: float
    y2: float
    color: str
    width: float


@dataclass(frozen=True, slots=True)
class RectItem:
    x: float
    y: float
    w: float
    h: float
    color: str
    width: float


@dataclass(frozen=True, slots=True)
class Box:
    """Where the seal image or the QR code goes (square, lower-left corner at x, y)."""

    x: float
    y: float
    size: float


Item = TextItem | LineItem | RectItem


@dataclass(frozen=True, slots=True)
class Geometry:
    width: float
    height: float
    header_y: float
    header_size: float
    rule_y: float
    title_y: float
    title_size: float
    body_top: float
    body_size: float
    body_leading: float
    margin: float
    issuer_cx: float
    issuer_y: float
    signature_x: float
    signature_y: float
    qr: Box
    seal_size: float = 118.0


@cache
def geometry(orientation: str) -> Geometry:
    w, h = A4_PORTRAIT
    if orientation == "landscape":
        w, h = h, w
        return Geometry(w, h, h - 88, 24, h - 104, h - 172, 42, h - 240, 21, 38, 108, w - 232, 150,
                        112, 150, Box(70, 60, 78))
    return Geometry(w, h, h - 104, 22, h - 120, h - 206, 44, h - 290, 18, 34, 78, w - 168, 236,
                    78, 300, Box(62, 62, 80))


@dataclass(slots=True)
class PageLayout:
    width: float
    height: float
    static: list[Item]
    content: list[Item]
    seal: Box | None
    qr: Box | None
    qr_matrix: QrMatrix | None
    payload: str = ""
    qr_caption: list[Item] = field(default_factory=list)   # the same on every page with a QR code
    signed_fields: str = ""      # name|exam, invisible, so the signature can be checked offline
    static_key: str = ""
    warnings: list[str] = field(default_factory=list)


@cache
def char_width(ch: str, size: float, font: str = KAI) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return stringWidth(ch, font, size)


def text_width(text: str, size: float, font: str = KAI) -> float:
    return sum(char_width(ch, size, font) for ch in text)


def _centred(text: str, cx: float, y: float, size: float, color: str, spacing: float = 0.0) -> list[TextItem]:
    """Centre ``text`` on ``cx``; with ``spacing`` each character is placed on its own (letter-spaced)."""
    if not spacing:
        return [TextItem(cx - text_width(text, size) / 2, y, text, size, color)]
    total = text_width(text, size) + spacing * (len(text) - 1)
    x = cx - total / 2
    items = []
    for ch in text:
        if not ch.isspace():
            items.append(TextItem(x, y, ch, size, color))
        x += char_width(ch, size) + spacing
    return items


def wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy line breaking by character, keeping closing punctuation off the start of a line.

    Each paragraph's running widths are summed once; a line then ends at the first character
    past ``width`` (found by bisection), moved on past any closing punctuation."""
    lines: list[str] = []
    widths = _widths(size)
    for paragraph in text.split("\n"):
        ends = list(accumulate(map(widths, paragraph)))
        start, used = 0, 0.0
        while start < len(paragraph):
            end = max(bisect_right(ends, used + width, lo=start), start + 1)
            while end < len(paragraph) and paragraph[end] in NO_LINE_START:
                end += 1
            lines.append(paragraph[start:end])
            start, used = end, ends[end - 1]
        if not paragraph:
            lines.append("")
    return lines


@cache
def _widths(size: float) -> Callable[[str], float]:
    return cache(lambda ch: char_width(ch, size))


def _border(spec: TemplateSpec, g: Geometry) -> list[Item]:
    accent, w, h = spec.accent, g.width, g.height
    if spec.border == "simple":
        return [RectItem(26, 26, w - 52, h - 52, accent, 2.0)]
    if spec.border == "double":
        return [RectItem(20, 20, w - 40, h - 40, accent, 3.2), RectItem(28, 28, w - 56, h - 56, accent, 0.9)]
    items: list[Item] = [RectItem(18, 18, w - 36, h - 36, GOLD, 2.6), RectItem(26, 26, w - 52, h - 52, accent, 1.2),
                         RectItem(31, 31, w - 62, h - 62, GOLD, 0.6)]
    # 回纹 corner motifs: nested brackets in each corner.
    for cx, cy, sx, sy in ((31, 31, 1, 1), (w - 31, 31, -1, 1), (31, h - 31, 1, -1), (w - 31, h - 31, -1, -1)):
        for step, colour in ((10, accent), (18, GOLD), (26, accent)):
            items.append(LineItem(cx, cy + sy * step, cx + sx * step, cy + sy * step, colour, 1.2))
            items.append(LineItem(cx + sx * step, cy + sy * step, cx + sx * step, cy, colour, 1.2))
    return items


@cache
def _static(spec_key: tuple[Any, ...]) -> tuple[Item, ...]:
    spec = TemplateSpec(*spec_key)
    g = geometry(spec.orientation)
    items: list[Item] = list(_border(spec, g))
    if spec.header.strip():
        items += _centred(spec.header.strip(), g.width / 2, g.header_y, g.header_size, spec.accent, spacing=4)
        items.append(LineItem(g.margin - 30, g.rule_y, g.width - g.margin + 30, g.rule_y, spec.accent, 2.4))
        items.append(LineItem(g.margin - 30, g.rule_y - 4, g.width - g.margin + 30, g.rule_y - 4, spec.accent, 0.8))
    title_colour = spec.accent if spec.kind == "honour" else INK
    items += _centred(spec.title.strip(), g.width / 2, g.title_y, g.title_size, title_colour,
                      spacing=g.title_size * 0.45)
    if spec.issuer.strip():
        items += _centred(spec.issuer.strip(), g.issuer_cx, g.issuer_y, g.body_size, INK)
    if spec.signature_label.strip():
        label = spec.signature_label.strip() + "："
        items.append(TextItem(g.signature_x, g.signature_y, label, g.body_size - 2, INK))
        x0 = g.signature_x + text_width(label, g.body_size - 2) + 4
        items.append(LineItem(x0, g.signature_y - 3, x0 + 120, g.signature_y - 3, INK, 0.8))
    return tuple(items)


_SPEC_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(TemplateSpec)))


def spec_key(spec: TemplateSpec) -> tuple[Any, ...]:
    """The spec's field values in order: hashable, for the caches, and ``TemplateSpec(*key)`` again."""
    return tuple(_SPEC_FIELDS(spec))


def static_items(spec: TemplateSpec) -> list[Item]:
    return list(_static(spec_key(spec)))


@cache
def _static_key(key: tuple[object, ...]) -> str:
    return hashlib.sha1(repr(key).encode()).hexdigest()[:16]


def layout_page(spec: TemplateSpec, values: dict[str, str], *, payload: str = "", qr: QrMatrix | None = None,
                date_text: str = "", has_seal: bool = False) -> PageLayout:
    """The page for one person: ``values`` maps field names (姓名…) to text; ``payload`` is the QR text
    and ``qr`` its code when already encoded."""
    g = geometry(spec.orientation)
    content: list[Item] = []
    y = g.body_top
    for line in wrap(fill(spec.body, values), g.body_size, g.width - 2 * g.margin):
        if line:
            content.append(TextItem(g.margin, y, line, g.body_size, INK))
        y -= g.body_leading
    if date_text:
        content += _centred(date_text, g.issuer_cx, g.issuer_y - 32, g.body_size, INK)
    serial = values.get("证书编号", "")
    qr_box = g.qr if payload else None
    caption: list[Item] = []
    if serial:
        tx = g.qr.x + g.qr.size + 10 if payload else g.qr.x
        content.append(TextItem(tx, g.qr.y + 30, "证书编号：" + serial, 11, INK))
        if payload:
            caption.append(TextItem(tx, g.qr.y + 12, "扫描二维码或输入证书编号核验真伪", 9, MUTED))
    seal = None
    if has_seal and spec.show_seal:
        s = g.seal_size
        seal = Box(g.issuer_cx - s / 2, g.issuer_y + g.body_size * 0.35 - s / 2 - 6, s)
    key = spec_key(spec)
    return PageLayout(g.width, g.height, list(_static(key)), content, seal, qr_box,
                      (qr or qr_matrix(payload)) if payload else None, payload, caption, static_key=_static_key(key))
