# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The import preview: what the readers understood, one row per question, problems attached.

A problem that belongs to no understood question (a row that could not be read) is
its own row, so nothing is hidden. Rows with errors are tinted red, warnings amber;
the filter shows all rows, only errors or only warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from base.i18n import _
from base.problems import Problem, Severity
from gui.widgets import TableModel, plain_tooltip
from quizbank.columns import answer_text
from quizbank.model import LETTERS, ImportResult

Index = QModelIndex | QPersistentModelIndex
ERROR_BG = QColor("#FDECEA")
WARNING_BG = QColor("#FFF4E5")
FILTERS = ("all", "errors", "warnings")


@dataclass(slots=True)
class PreviewRow:
    where: str
    qtype: str
    stem: str
    options: str
    answer: str
    category: str
    severity: Severity | None
    messages: str


def _key(file: str, sheet: str | None, row: int | None, line: int | None) -> tuple[object, ...]:
    return (file, sheet or "", row, line)


def _where(p: Problem | None, file: str, sheet: str | None, row: int | None, line: int | None) -> str:
    if p is not None:
        return p.location()
    return Problem(file=file, message="", sheet=sheet, row=row, line=line).location()


def build_rows(result: ImportResult) -> list[PreviewRow]:
    by_place: dict[tuple[object, ...], list[Problem]] = {}
    for p in result.problems:
        by_place.setdefault(_key(p.file, p.sheet, p.row, p.line), []).append(p)
    rows: list[PreviewRow] = []
    for q in result.questions:
        s = q.source
        key = _key(s.file, s.sheet, s.row, s.line)
        problems = by_place.pop(key, []) if (s.row is not None or s.line is not None) else []
        options = "  ".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(q.options))
        rows.append(PreviewRow(_where(None, s.file, s.sheet, s.row, s.line), q.qtype.label, q.stem, options,
                               answer_text(q), q.category, _worst(problems), _messages(problems)))
    for problems in by_place.values():
        p = problems[0]
        rows.append(PreviewRow(p.location(), "", "", "", "", "", _worst(problems), _messages(problems)))
    return rows


@dataclass(slots=True)
class PreviewTable:
    """The preview's rows with their counts, built off the GUI thread (100,000 rows take ~0.5 s)."""

    rows: list[PreviewRow]
    errors: int
    warnings: int
    first_problem: int | None        # index of the first row with a problem, to scroll to

    @classmethod
    def of(cls, result: ImportResult) -> PreviewTable:
        rows = build_rows(result)
        errors = sum(1 for r in rows if r.severity is Severity.ERROR)
        warnings = sum(1 for r in rows if r.severity is Severity.WARNING)
        first = next((i for i, r in enumerate(rows) if r.severity is not None), None)
        return cls(rows, errors, warnings, first)


def _worst(problems: list[Problem]) -> Severity | None:
    if any(p.severity is Severity.ERROR for p in problems):
        return Severity.ERROR
    return Severity.WARNING if problems else None


def _messages(problems: list[Problem]) -> str:
    return "；".join(f"{p.field}：{p.message}" if p.field else p.message for p in problems)


class PreviewModel(TableModel["PreviewRow"]):
    def __init__(self) -> None:
        super().__init__([_("位置"), _("题型"), _("题干"), _("选项"), _("答案"), _("分类"), _("问题")])
        self.all_rows: list[PreviewRow] = []
        self.table = PreviewTable([], 0, 0, None)
        self.mode = "all"

    def set_table(self, table: PreviewTable) -> None:
        self.all_rows = table.rows
        self.table = table
        self.set_filter(self.mode)

    def set_filter(self, mode: str) -> None:
        self.beginResetModel()
        self.mode = mode
        if mode == "errors":
            self.rows = [r for r in self.all_rows if r.severity is Severity.ERROR]
        elif mode == "warnings":
            self.rows = [r for r in self.all_rows if r.severity is Severity.WARNING]
        else:
            self.rows = list(self.all_rows)
        self.endResetModel()

    def count(self, severity: Severity) -> int:
        return self.table.errors if severity is Severity.ERROR else self.table.warnings

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = (r.where, r.qtype, r.stem, r.options, r.answer, r.category, r.messages)[index.column()]
            return value.replace("\n", " ") if role == Qt.ItemDataRole.DisplayRole else (plain_tooltip(value) or None)
        if role == Qt.ItemDataRole.BackgroundRole and r.severity is not None:
            return ERROR_BG if r.severity is Severity.ERROR else WARNING_BG
        return None
