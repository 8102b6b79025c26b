# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The PDFs of a paper exam: each version's paper, its answer key, and the answer sheets.

Every page of a paper carries its version code and a QR code (``SHPAPER:<quiz uid>:<code>``),
so a loose page finds its version; an answer sheet's QR names the officer and the version
(``SHSHEET:<quiz uid>:<badge>:<code>``) above a bubble grid of the version's questions. The
canvas starts with the bundled font, so every font the PDFs reference is embedded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.certificates.qr import qr_matrix
from core.infra.fonts import register_fonts
from core.quiz.paper import SheetRow, VersionView
from quizbank.model import LETTERS

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = 595.27, 841.89          # A4 in points
MARGIN = 48
QR_SIZE = 64
BUBBLE_R = 7


def _canvas(target: Path, title: str) -> tuple[Canvas, str]:
    from reportlab.pdfgen import canvas

    sans, _kai = register_fonts()
    initial: dict[str, Any] = {"initialFontName": sans}     # (typed as a float in types-reportlab)
    c = canvas.Canvas(str(target), pagesize=(PAGE_W, PAGE_H), pageCompression=1, **initial)
    c.setTitle(title)
    return c, sans


def _qr(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    m = qr_matrix(text)
    unit = size / m.size
    c.saveState()
    c.transform(unit, 0, 0, -unit, x, y + size)
    c.addLiteral(" ".join(f"{col} {r} {n} 1 re" for r, col, n in m.runs) + " f")
    c.restoreState()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for ch in para:
            if stringWidth(line + ch, font, size) > width and line:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


class _Pages:
    """A paper's pages: header with version and QR on each, text flowing down."""

    def __init__(self, c: Canvas, font: str, version: VersionView, heading: str) -> None:
        self.c, self.font, self.version, self.heading = c, font, version, heading
        self.page = 0
        self.y = 0.0
        self._start()

    def _start(self) -> None:
        c, v = self.c, self.version
        self.page += 1
        c.setFont(self.font, 15)
        c.drawString(MARGIN, PAGE_H - MARGIN - 8, self.heading)
        c.setFont(self.font, 11)
        c.drawString(MARGIN, PAGE_H - MARGIN - 28, _("题本 {v} · 共 {n} 题 · 满分 {p:g}", v=v.code, n=len(v.items),
                                                     p=v.total_points))
        c.drawString(MARGIN, PAGE_H - MARGIN - 46, _("姓名＿＿＿＿＿＿  警号＿＿＿＿＿＿  单位＿＿＿＿＿＿＿＿＿＿"))
        _qr(c, self.version.qr_text, PAGE_W - MARGIN - QR_SIZE, PAGE_H - MARGIN - QR_SIZE + 6, QR_SIZE)
        c.setFont(self.font, 9)
        c.drawCentredString(PAGE_W / 2, MARGIN / 2, _("题本 {v} · 第 {p} 页", v=v.code, p=self.page))
        c.drawRightString(PAGE_W - MARGIN, PAGE_H - MARGIN - QR_SIZE - 4, _("题本 {v}", v=v.code))
        self.y = PAGE_H - MARGIN - QR_SIZE - 20

    def lines(self, lines: Sequence[str], size: float, indent: float = 0, gap: float = 4) -> None:
        height = len(lines) * (size + 4) + gap
        if self.y - height < MARGIN:
            self.c.showPage()
            self._start()
        self.c.setFont(self.font, size)
        for line in lines:
            self.y -= size + 4
            self.c.drawString(MARGIN + indent, self.y, line)
        self.y -= gap


def write_paper(version: VersionView, target: Path) -> None:
    """The printed paper of one version."""
    from quizbank.model import QType

    c, font = _canvas(target, f"{version.quiz_title} {version.code}")
    pages = _Pages(c, font, version, version.quiz_title)
    width = PAGE_W - 2 * MARGIN
    for item in version.items:
        head = f"{item.number}. [{QType(item.qtype).label} · {item.points:g}{_('分')}] {item.stem}"
        block = _wrap(head, font, 11, width)
        if item.qtype == "judge":
            block += [_("（对 / 错）")]
            pages.lines(block, 11, gap=8)
            continue
        pages.lines(block, 11, gap=2)
        for i, option in enumerate(item.options):
            pages.lines(_wrap(f"{LETTERS[i]}. {option}", font, 11, width - 18), 11, indent=18, gap=0)
        pages.y -= 8
    c.showPage()
    c.save()


def write_key(version: VersionView, target: Path) -> None:
    """The answer key of one version: printed number → printed letters (对/错 for 判断)."""
    c, font = _canvas(target, f"{version.quiz_title} {version.code} {_('参考答案')}")
    pages = _Pages(c, font, version, _("{t} · 参考答案", t=version.quiz_title))
    per_row = 5
    for start in range(0, len(version.items), per_row):
        cells = []
        for item in version.items[start:start + per_row]:
            key = {"T": _("对"), "F": _("错")}.get(item.key, item.key) if item.qtype == "judge" else item.key
            cells.append(f"{item.number}. {key}")
        pages.lines(["    ".join(f"{cell:<10}" for cell in cells)], 12, gap=2)
    c.showPage()
    c.save()


def write_sheets(versions: Sequence[VersionView], rows: Sequence[SheetRow], target: Path, *,
                 progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> int:
    """One answer sheet per row (officer), with the bubble grid of the row's version; returns pages."""
    by_code = {v.code: v for v in versions}
    c, font = _canvas(target, _("答题卡"))
    cancel = cancel or CancelToken()
    for done, row in enumerate(rows):
        cancel.check()
        progress(done, len(rows), _("正在生成答题卡"))
        v = by_code[row.version]
        c.setFont(font, 16)
        c.drawString(MARGIN, PAGE_H - MARGIN - 10, _("{t} · 答题卡", t=v.quiz_title))
        c.setFont(font, 12)
        c.drawString(MARGIN, PAGE_H - MARGIN - 36, _("姓名：{n}    警号：{b}", n=row.name, b=row.badge))
        c.drawString(MARGIN, PAGE_H - MARGIN - 56, _("单位：{u}", u=row.unit))
        c.setFont(font, 20)
        c.drawString(MARGIN, PAGE_H - MARGIN - 86, _("题本 {v}", v=v.code))
        _qr(c, f"SHSHEET:{v.quiz_uid}:{row.badge}:{v.code}", PAGE_W - MARGIN - 80, PAGE_H - MARGIN - 80, 80)
        c.setFont(font, 9)
        c.drawString(MARGIN, PAGE_H - MARGIN - 106, _("用黑色笔涂满所选答案的圆圈；判断题 A 为对、B 为错。"))
        _bubbles(c, font, v, PAGE_H - MARGIN - 130)
        c.showPage()
    c.save()
    return len(rows)


def _bubbles(c: Canvas, font: str, v: VersionView, top: float) -> None:
    """Questions in columns of 25 rows: number, then one circle per printed option."""
    col_w, row_h, per_col = (PAGE_W - 2 * MARGIN) / 3, 22, 25
    for i, item in enumerate(v.items):
        col, r = divmod(i, per_col)
        x = MARGIN + col * col_w
        y = top - r * row_h
        c.setFont(font, 10)
        c.drawRightString(x + 22, y - 3, str(item.number))
        n = 2 if item.qtype == "judge" else len(item.options)
        for k in range(n):
            cx = x + 38 + k * (BUBBLE_R * 2 + 6)
            c.circle(cx, y, BUBBLE_R, stroke=1, fill=0)
            c.setFont(font, 7)
            c.drawCentredString(cx, y - 2.5, LETTERS[k])
