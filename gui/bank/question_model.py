# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The bank browser's table: rows are fetched a page at a time in the background.

``set_filter`` counts the matches and loads the first page; the view asks for more
(``canFetchMore``/``fetchMore``) as the user scrolls, so 100,000 questions stay
responsive. Both go through the ``browse_questions`` use case on the database worker. Results
of an older filter are dropped (``_generation``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from base.i18n import _
from core.bank import usecases as bank_uc
from core.bank.questions import QuestionFilter, QuestionSummary
from gui import theme
from gui.context import AppContext
from gui.widgets import TableModel, plain_tooltip
from quizbank.model import DIFFICULTY_LABELS

PAGE_SIZE = bank_uc.PAGE_SIZE
Index = QModelIndex | QPersistentModelIndex


class QuestionTableModel(TableModel["QuestionSummary"]):
    loaded = Signal(int)   # total matches, emitted when a new filter's first page arrives

    def __init__(self, ctx: AppContext) -> None:
        super().__init__([_("编号"), _("题型"), _("题干"), _("分类"), _("难度"), _("状态"), _("版本"), _("题库")])
        self.ctx = ctx
        self.filter = QuestionFilter()
        self.total = 0
        self._generation = 0
        self._loading = False

    # --- loading ---------------------------------------------------------------------

    def set_filter(self, flt: QuestionFilter) -> None:
        self._generation += 1
        generation = self._generation
        self.filter = flt
        self._loading = True

        def done(page: bank_uc.QuestionPage) -> None:
            if generation != self._generation:
                return
            self.beginResetModel()
            self.total, self.rows = page.total or 0, page.rows
            self._loading = False
            self.endResetModel()
            self.loaded.emit(self.total)

        self.ctx.call(bank_uc.browse_questions, flt, limit=PAGE_SIZE, with_total=True).success(done).run()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._loading and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        generation, flt, offset = self._generation, self.filter, len(self.rows)
        self._loading = True

        def done(page: bank_uc.QuestionPage) -> None:
            if generation != self._generation:
                return
            self._loading = False
            rows = page.rows
            if rows:
                self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
                self.rows.extend(rows)
                self.endInsertRows()

        self.ctx.call(bank_uc.browse_questions, flt, offset=offset, limit=PAGE_SIZE).success(done).run()

    @property
    def busy(self) -> bool:
        return self._loading

    # --- Qt model --------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                str(r.id), r.type_label, r.stem.replace("\n", " "), r.category,
                _(DIFFICULTY_LABELS.get(r.difficulty, "")), _("已启用") if r.active else _("已停用"),
                f"v{r.version}", r.bank,
            ][col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return plain_tooltip(r.stem)
        if role == Qt.ItemDataRole.ForegroundRole and not r.active:
            return QColor(theme.MUTED)
        return None

    def summary(self, row: int) -> QuestionSummary:
        return self.rows[row]
