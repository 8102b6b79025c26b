# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Draw certificate pages with ReportLab.

The bundled LXGW WenKai font is embedded as a subset (TrueType outlines), so
every PC and printer shows the same glyphs. The part of a page that depends
only on the template (border, 红头, title, issuer, the QR code's caption) and the seal image
are PDF forms defined once per document; the QR code is one 1-bit inline image.
Each page also carries its signed payload as invisible text (and a one-page
file in its metadata ``Subject``), so ``verify`` can read a PDF back, and the signed name
and exam (``SIGNED_MARK``), so a PDF can be checked with the public key alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.certificates.layout import Item, LineItem, PageLayout, RectItem, TextItem, layout_page
from core.certificates.pdftext import TextCoder
from core.certificates.qr import QrMatrix
from core.certificates.signing import clean
from core.certificates.templates import TemplateSpec, chinese_date, field_values
from core.infra.fonts import KAI, missing_glyphs, register_fonts

PAYLOAD_MARK = "证书核验数据："
SIGNED_MARK = "证书签名字段："


@dataclass(slots=True)
class CertPage:
    """What one printed certificate needs: the template, the seal and the signed content."""

    spec: TemplateSpec
    seal_png: bytes | None
    serial: str
    version: int
    fields: dict[str, Any]
    payload: str = ""            # the QR text; empty draws no QR code (template preview)
    qr: QrMatrix | None = None   # its code, when already encoded (core/certificates/codes.py)

    def date_text(self) -> str:
        try:
            return chinese_date(dt.date.fromisoformat(str(self.fields.get("date", ""))))
        except ValueError:
            return ""

    def layout(self) -> PageLayout:
        values = field_values(self.fields, self.serial)
        page = layout_page(self.spec, values, payload=self.payload, qr=self.qr, date_text=self.date_text(),
                           has_seal=bool(self.seal_png))
        page.warnings = glyph_warnings(values)
        if self.payload:
            page.signed_fields = f"{clean(self.fields.get('name', ''))}|{clean(self.fields.get('exam', ''))}"
        return page


def glyph_warnings(values: dict[str, str]) -> list[str]:
    """A warning naming each character (生僻字) the certificate font cannot draw."""
    text = "".join(values.get(k, "") for k in ("姓名", "单位", "考试", "奖项"))
    missing = missing_glyphs(text, KAI)
    if not missing:
        return []
    return [_("{name} 的证书中有证书字体缺少的字：{chars}（打印出来会是空白，请核对或手写补齐）",
              name=values.get("姓名", ""), chars="、".join(f"“{c}”(U+{ord(c):04X})" for c in missing))]


@dataclass(slots=True)
class RenderResult:
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


def _hex(colour: str) -> Any:
    from reportlab.lib.colors import HexColor

    return HexColor(colour)


class PdfCanvas:
    """A ReportLab canvas that knows how to draw certificate layouts."""

    def __init__(self, target: str | Path | BinaryIO, *, title: str = "", subject: str = "") -> None:
        from reportlab.pdfgen.canvas import Canvas

        sans, _kai = register_fonts()
        # The initial font would otherwise be Helvetica: referenced by every page, never embedded.
        initial: dict[str, Any] = {"initialFontName": sans}     # (typed as a float in types-reportlab)
        self.c = Canvas(target if not isinstance(target, Path) else str(target), pageCompression=1, **initial)
        self.c.setTitle(title or "证书")
        self.c.setAuthor("StudyHall 学习园地")
        self.c.setCreator("StudyHall")
        if subject:
            self.c.setSubject(subject)
        self._forms: set[str] = set()
        self._colours: dict[str, Any] = {}
        self._seal_names: dict[bytes, str] = {}
        self._text: dict[str, TextCoder] = {}
        self._fill: str | None = None       # the fill colour last set with setFillColor in this stream
        self._fill_ops: dict[str, str] = {}  # colour → its "r g b rg" operator

    def _colour(self, colour: str) -> Any:
        value = self._colours.get(colour)
        if value is None:
            value = self._colours[colour] = _hex(colour)
        return value

    def _coder(self, font: str) -> TextCoder:
        coder = self._text.get(font)
        if coder is None:
            coder = self._text[font] = TextCoder(self.c, font)
        return coder

    def _fill_colour(self, colour: str) -> None:
        """What ``setFillColor`` writes; set through ReportLab when the colour changes (so the
        canvas's own state, which starts the next page, stays true), repeated as an operator."""
        if colour == self._fill:
            self.c.addLiteral(self._fill_ops[colour])
            return
        from reportlab.lib.rl_accel import fp_str

        value = self._colour(colour)
        self.c.setFillColor(value)
        self._fill = colour
        if colour not in self._fill_ops:
            self._fill_ops[colour] = f"{fp_str(value.red, value.green, value.blue)} rg"

    def _items(self, items: Iterable[Item]) -> None:
        c = self.c
        for it in items:
            if isinstance(it, TextItem):
                # What setFont + setFillColor + drawString write, each character encoded once per document.
                self._fill_colour(it.color)
                c.addLiteral(self._coder(it.font).line(it.x, it.y, it.text, it.size))
            elif isinstance(it, LineItem):
                c.setStrokeColor(self._colour(it.color))
                c.setLineWidth(it.width)
                c.line(it.x1, it.y1, it.x2, it.y2)
            elif isinstance(it, RectItem):
                c.setStrokeColor(self._colour(it.color))
                c.setLineWidth(it.width)
                c.rect(it.x, it.y, it.w, it.h, stroke=1, fill=0)

    def _invisible(self, x: float, y: float, lines: list[str], size: float) -> None:
        """A text object in render mode 3 with ``lines``, as ReportLab's ``textLine`` writes them."""
        self.c.addLiteral(self._coder(KAI).invisible(x, y, lines, size))

    def _form(self, name: str, draw: Callable[[], None]) -> None:
        if name not in self._forms:
            fill, self._fill = self._fill, None    # a form starts from the initial graphics state
            self.c.beginForm(name)
            draw()
            self.c.endForm()
            self._forms.add(name)
            self._fill = fill
        self.c.doForm(name)

    def draw(self, page: PageLayout, seal_png: bytes | None = None) -> None:
        c = self.c
        c.setPageSize((page.width, page.height))
        static, caption = page.static, page.qr_caption
        self._form("T" + page.static_key, lambda: self._items(static))
        if caption:
            self._form("C" + page.static_key, lambda: self._items(caption))
        self._items(page.content)
        if page.qr is not None and page.qr_matrix is not None:
            # One inline 1-bit image mask per code: its bits as they are kept, dark modules filled
            # black (Decode [1 0]: a 1 paints), sharp at any scale (no interpolation). The
            # graphics state is saved and restored in the page itself (q … Q): ReportLab's own
            # saveState copies its whole state, per page.
            m, box = page.qr_matrix, page.qr
            c.addLiteral(f"q 0 g {box.size:.2f} 0 0 {box.size:.2f} {box.x:.2f} {box.y:.2f} cm BI /W {m.size} "
                         f"/H {m.size} /IM true /D [1 0] /F /AHx ID {m.bits.hex()}> EI Q")
        if page.seal is not None and seal_png:
            box = page.seal
            name = self._seal_names.get(seal_png)         # pages share one image: hashed once
            if name is None:
                name = self._seal_names[seal_png] = "S" + hashlib.sha1(seal_png).hexdigest()[:16]

            def seal() -> None:
                from reportlab.lib.utils import ImageReader

                c.drawImage(ImageReader(io.BytesIO(seal_png)), 0, 0, box.size, box.size, mask="auto",
                            preserveAspectRatio=True)

            c.addLiteral(f"q 1 0 0 1 {box.x:.2f} {box.y:.2f} cm")
            self._form(name, seal)
            c.addLiteral("Q")
        if page.payload:
            # Invisible (render mode 3): readable by software, not printed.
            lines = [PAYLOAD_MARK + page.payload]
            if page.signed_fields:
                lines.append(SIGNED_MARK + page.signed_fields)
            self._invisible(page.width - 300, 8, lines, 3)
        c.showPage()

    def save(self) -> None:
        self.c.save()


def render_pdf(pages: Iterable[CertPage], target: str | Path | BinaryIO, *, total: int = 0, title: str = "",
               progress: ProgressSink = no_progress, cancel: CancelToken | None = None,
               subject: str = "") -> RenderResult:
    """Write ``pages`` into one PDF (a page each); returns the page count and glyph warnings."""
    pdf = PdfCanvas(target, title=title, subject=subject)
    result = RenderResult()
    for page in pages:
        if cancel is not None:
            cancel.check()
        layout = page.layout()
        result.warnings.extend(layout.warnings)
        pdf.draw(layout, page.seal_png)
        result.pages += 1
        if result.pages % 20 == 0 or result.pages == total:
            progress(result.pages, total, _("已生成 {n} 页", n=result.pages))
    pdf.save()
    return result


def render_one(page: CertPage) -> tuple[bytes, list[str]]:
    """One certificate as PDF bytes, with its payload also in the metadata."""
    buf = io.BytesIO()
    result = render_pdf([page], buf, title=f"{page.spec.title} {page.serial}", subject=page.payload)
    return buf.getvalue(), result.warnings
