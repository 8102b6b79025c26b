# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Reports for secretaries: branch comparison, trends, transcripts, reminders, coverage, item analysis.

Every report is computed with grouped SQL over the report indexes and returned as plain
dataclasses; :mod:`core.reports.document` turns them into neutral tables and charts that
:mod:`core.reports.pdf_writer` (ReportLab) and :mod:`core.reports.excel_writer` (openpyxl) write.
"""

from __future__ import annotations
