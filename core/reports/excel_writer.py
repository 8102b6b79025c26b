# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Excel export with openpyxl: one formatted sheet per table, numbers kept as numbers."""

from __future__ import annotations

import re
from pathlib import Path

from base.i18n import _
from base.progress import ProgressSink, no_progress
from core.reports.document import Document, Table

ACCENT = "B71C1C"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = {"int": "0", "num": "0.0", "pct": "0.0%", "delta_pct": "+0.0%;-0.0%;0.0%", "delta": "+0.0;-0.0;0.0"}


def _sheet_name(table: Table, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("", table.sheet or table.title)[:28] or _("表")
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}{n}", n + 1
    used.add(name)
    return name


def _width(text: str) -> float:
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def write_xlsx(doc: Document, target: Path, *, progress: ProgressSink = no_progress) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.worksheets[0])   # the default sheet: every table gets its own
    used: set[str] = set()
    tables = doc.tables
    thin = Side(style="thin", color="DADDE1")
    for i, table in enumerate(tables):
        progress(i, len(tables), _("正在写入 Excel"))
        ws = wb.create_sheet(_sheet_name(table, used))
        ws.append([f"{doc.title} — {table.title}"])
        ws["A1"].font = Font(bold=True, size=14, color=ACCENT)
        ws.append([_("单位：{u}    时间段：{p}", u=doc.unit_name, p=doc.period_label)])
        ws["A2"].font = Font(color="607D8B")
        ws.append([])
        ws.append(table.headers)
        for cell in ws[4]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor=ACCENT)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        warn = PatternFill("solid", fgColor="FFF3E0")
        for r, row in enumerate(table.rows):
            ws.append([("" if v is None else v) for v in row])
            excel_row = ws[ws.max_row]
            for cell, fmt in zip(excel_row, table.formats, strict=False):
                cell.border = Border(bottom=thin)
                if fmt in NUMBER_FORMATS and isinstance(cell.value, (int, float)):
                    cell.number_format = NUMBER_FORMATS[fmt]
                    cell.alignment = Alignment(horizontal="right")
                if r in table.highlight:
                    cell.fill = warn
        for c, header in enumerate(table.headers, start=1):
            longest = max([_width(header)] + [_width(str(row[c - 1] or "")) for row in table.rows[:500]
                                              if c - 1 < len(row)])
            ws.column_dimensions[get_column_letter(c)].width = min(max(8.0, longest + 2), 60)
        ws.freeze_panes = "A5"
        ws.auto_filter.ref = f"A4:{get_column_letter(max(1, len(table.headers)))}{max(4, ws.max_row)}"
        ws.print_title_rows = "4:4"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToHeight = 0
    if not tables:
        ws = wb.create_sheet(_("报表"))
        ws.append([doc.title])
        ws.append([_("没有数据")])
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(target))
    progress(len(tables), len(tables), "")
