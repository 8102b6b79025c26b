# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Word export with python-docx, for documents a secretary edits before handing them in (月反馈,
心得体会 collections): the title, the unit and period, headings, paragraphs and tables; a chart is
written as the table of its values (Word's charts are not scriptable with python-docx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from base.i18n import _
from base.progress import ProgressSink, no_progress
from core.reports.document import Chart, Document, Note, Table, format_cell

FONT = "Microsoft YaHei"        # what WPS/Word on a station PC has; the PDF embeds the bundled font


def _east_asian(run: Any) -> None:
    from docx.oxml.ns import qn

    run.font.name = FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)


def _table(document: Any, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
            _east_asian(run)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                _east_asian(run)


def write_docx(doc: Document, target: Path, *, progress: ProgressSink = no_progress) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = f"{doc.title} {doc.period_label}"
    document.core_properties.author = doc.unit_name
    _east_asian(document.add_heading(doc.title, level=0).runs[0])
    _east_asian(document.add_paragraph(_("单位：{u}　　时间段：{p}", u=doc.unit_name, p=doc.period_label)).runs[0])
    if doc.subtitle:
        _east_asian(document.add_paragraph(doc.subtitle).runs[0])
    for i, block in enumerate(doc.blocks):
        progress(i, len(doc.blocks), _("正在生成 Word 文档"))
        if isinstance(block, Table):
            _east_asian(document.add_heading(block.title, level=2).runs[0])
            if block.rows:
                _table(document, block.headers,
                       [[format_cell(v, f) for v, f in zip(row, block.formats, strict=True)] for row in block.rows])
            else:
                _east_asian(document.add_paragraph(_("（没有数据）")).runs[0])
        elif isinstance(block, Chart):
            _east_asian(document.add_heading(block.title, level=2).runs[0])
            fmt = "pct" if block.percent else "num"
            _table(document, ["", *[name for name, _v in block.series]],
                   [[cat, *[format_cell(values[j], fmt) for _n, values in block.series]]
                    for j, cat in enumerate(block.categories)])
        elif isinstance(block, Note):
            if block.heading:
                _east_asian(document.add_heading(block.text, level=2).runs[0])
            else:
                for para in block.text.split("\n"):
                    if para.strip():
                        _east_asian(document.add_paragraph(para).runs[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    progress(len(doc.blocks), len(doc.blocks), "")
