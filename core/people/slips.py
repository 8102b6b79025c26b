# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Initial-password slips (初始密码单): one small slip per officer to cut out and hand over.

A4 pages of 2 × 4 slips separated by dashed cut lines; each slip names the officer (name, badge,
unit), shows the initial password large in a box, says it must be changed at the first login, and
carries the date it was issued. Drawn with the bundled TrueType font, embedded as a subset, so every
PC and printer shows the same characters. The .xlsx list is kept for offices that mail-merge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from base.i18n import _
from core.infra.fonts import register_fonts

if TYPE_CHECKING:   # ReportLab loads when a PDF is written
    from reportlab.lib.colors import Color
    from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 2, 4
MARGIN = 28.0            # points (~1 cm) around the grid of slips
PADDING = 16.0
ACCENT = "#B71C1C"
TEXT = "#263238"
MUTED = "#607D8B"


@dataclass(frozen=True, slots=True)
class PasswordSlip:
    """What is printed on one slip."""

    badge: str
    name: str
    unit_name: str
    password: str
    issued: dt.date

    def to_dict(self) -> dict[str, str]:
        return {"badge": self.badge, "name": self.name, "unit": self.unit_name, "password": self.password,
                "issued": self.issued.isoformat()}


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size ≤ ``size`` at which ``text`` fits in ``width`` (down to 6 pt)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > 6 and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def write_slips_pdf(slips: Sequence[PasswordSlip], target: Path) -> Path:
    """Write the slips, ``COLUMNS × ROWS`` to an A4 page, with dashed lines to cut along."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    sans, _kai = register_fonts()
    page_w, page_h = A4
    slip_w = (page_w - 2 * MARGIN) / COLUMNS
    slip_h = (page_h - 2 * MARGIN) / ROWS
    # The canvas's initial font would otherwise be Helvetica, referenced by every page and not embedded.
    initial: dict[str, Any] = {"initialFontName": sans}     # (typed as a float in types-reportlab)
    c = Canvas(str(target), pagesize=A4, pageCompression=1, **initial)
    c.setTitle(_("初始密码单"))
    c.setCreator("StudyHall")
    accent, text, muted = HexColor(ACCENT), HexColor(TEXT), HexColor(MUTED)
    per_page = COLUMNS * ROWS
    for start in range(0, len(slips), per_page):
        page = slips[start:start + per_page]
        rows_used = (len(page) + COLUMNS - 1) // COLUMNS
        _cut_lines(c, rows_used, slip_w, slip_h, page_h, muted)
        for i, slip in enumerate(page):
            col, row = i % COLUMNS, i // COLUMNS
            x = MARGIN + col * slip_w
            top = page_h - MARGIN - row * slip_h
            _slip(c, slip, x, top, slip_w, sans, accent, text, muted)
        c.showPage()
    c.save()
    return target


def _cut_lines(c: Canvas, rows: int, slip_w: float, slip_h: float, page_h: float, colour: Color) -> None:
    c.saveState()
    c.setStrokeColor(colour)
    c.setLineWidth(0.6)
    c.setDash(5, 3)
    top, bottom = page_h - MARGIN, page_h - MARGIN - rows * slip_h
    for k in range(COLUMNS + 1):
        x = MARGIN + k * slip_w
        c.line(x, top, x, bottom)
    for k in range(rows + 1):
        y = top - k * slip_h
        c.line(MARGIN, y, MARGIN + COLUMNS * slip_w, y)
    c.restoreState()


def _slip(c: Canvas, slip: PasswordSlip, x: float, top: float, width: float, font: str,
          accent: Color, text: Color, muted: Color) -> None:
    inner = width - 2 * PADDING
    left = x + PADDING
    y = top - PADDING - 12
    c.setFillColor(accent)
    c.setFont(font, 12)
    c.drawString(left, y, _("学习园地 · 账号初始密码"))
    c.setFillColor(text)
    y -= 24
    c.setFont(font, 11)
    c.drawString(left, y, _("姓名：{n}", n=slip.name))
    c.drawString(left + inner / 2, y, _("警号：{b}", b=slip.badge))
    y -= 19
    unit = _("单位：{u}", u=slip.unit_name)
    c.setFont(font, _fit(unit, font, 11, inner))
    c.drawString(left, y, unit)
    # The password, large and spaced, in a box.
    y -= 16
    box_h = 40
    c.setStrokeColor(muted)
    c.setLineWidth(0.8)
    c.roundRect(left, y - box_h, inner, box_h, 4, stroke=1, fill=0)
    c.setFillColor(muted)
    c.setFont(font, 9)
    c.drawString(left + 8, y - box_h / 2 - 3, _("初始密码"))
    c.setFillColor(text)
    c.setFont(font, 22)
    c.drawString(left + 64, y - box_h / 2 - 8, slip.password, charSpace=3)
    y -= box_h + 20
    c.setFillColor(accent)
    c.setFont(font, 11)
    c.drawString(left, y, _("首次登录后须修改密码"))
    y -= 17
    c.setFillColor(muted)
    c.setFont(font, 9)
    c.drawString(left, y, _("请妥善保管，勿告知他人"))
    c.drawRightString(left + inner, y, _("发放日期：{d}", d=slip.issued.isoformat()))


def write_slips_xlsx(slips: Sequence[PasswordSlip], target: Path) -> Path:
    """The same passwords as a list (.xlsx), one officer a row."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)   # a new workbook starts with one worksheet
    ws.title = _("初始密码")
    ws.append([_("警号"), _("姓名"), _("单位"), _("初始密码"), _("说明"), _("发放日期")])
    for s in slips:
        ws.append([s.badge, s.name, s.unit_name, s.password, _("首次登录后须修改密码"), s.issued.isoformat()])
    for col, width in zip("ABCDEF", (14, 10, 24, 14, 24, 12), strict=True):
        ws.column_dimensions[col].width = width
    wb.save(str(target))
    return target
