# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Write a report :class:`~core.reports.document.Document` as PDF, Word or Excel, chosen by the file suffix."""

from __future__ import annotations

from pathlib import Path

from base.errors import InvalidInput
from base.i18n import _
from base.progress import ProgressSink, no_progress
from core.reports.document import Document


def export(doc: Document, target: Path, *, progress: ProgressSink = no_progress) -> Path:
    """Write ``doc`` as PDF or Excel, chosen by the file suffix (ReportLab and openpyxl load on first use)."""
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        from core.reports.pdf_writer import write_pdf

        write_pdf(doc, target, progress=progress)
    elif suffix == ".xlsx":
        from core.reports.excel_writer import write_xlsx

        write_xlsx(doc, target, progress=progress)
    elif suffix == ".docx":
        from core.reports.docx_writer import write_docx

        write_docx(doc, target, progress=progress)
    else:
        raise InvalidInput(_("只能导出 .pdf、.docx 或 .xlsx 文件：{f}", f=target.name))
    return target
