# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""操作日志 (administrators): who did what, when, on which PC; filter by person, action and dates,
export the filtered rows to Excel.

The table loads a page at a time on the database worker (``browse_audit``) and asks for the next
page when the view scrolls near the end, so 100,000 rows open as fast as 100.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from base.i18n import N_, _
from core.access.usecase import Change
from core.admin import usecases as admin
from core.admin.audit import PAGE_SIZE, AuditFilter, AuditRow
from core.infra.clock import local_date
from core.models import Role
from gui import files, theme
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import EmptyOr, Page, TableModel, make_table, plain_tooltip

Index = QModelIndex | QPersistentModelIndex
NO_DATE = QDate(2000, 1, 1)          # the date edits' "不限" (their minimum, shown as special text)
REFUSALS = ("access.denied", "login.failed", "login.locked")
COLUMN_WIDTHS = (140, 95, 165, 120, 190)     # time, PC, person, action, target; what changed takes the rest


class AuditTableModel(TableModel[AuditRow]):
    """The filtered log, newest first, fetched ``PAGE_SIZE`` rows at a time (keyset pages)."""

    loaded = Signal(int)   # rows matching the filter, when a new filter's first page arrives

    def __init__(self, ctx: AppContext) -> None:
        super().__init__([_("时间"), _("电脑"), _("操作人"), _("操作"), _("对象"), _("内容")])
        self.ctx = ctx
        self.filter = AuditFilter()
        self.total = 0
        self._generation = 0
        self._loading = False

    def set_filter(self, flt: AuditFilter) -> None:
        self._generation += 1
        generation = self._generation
        self.filter = flt
        self._loading = True

        def done(page: admin.AuditPage) -> None:
            if generation != self._generation:
                return
            self.beginResetModel()
            self.rows, self.total = page.rows, page.total or 0
            self._loading = False
            self.endResetModel()
            self.loaded.emit(self.total)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
            from gui.errors import show_exception

            show_exception(parent=None, exception=exc)

        (self.ctx.call(admin.browse_audit, flt, limit=PAGE_SIZE, with_total=True)
         .success(done).failure(failed).run())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._loading and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent) or not self.rows:
            return
        generation, flt, after = self._generation, self.filter, self.rows[-1].cursor
        self._loading = True

        def done(page: admin.AuditPage) -> None:
            if generation != self._generation:
                return
            self._loading = False
            if page.rows:
                self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.rows) - 1)
                self.rows.extend(page.rows)
                self.endInsertRows()
            else:
                self.total = len(self.rows)     # rows were removed meanwhile (a restore): stop asking

        self.ctx.call(admin.browse_audit, flt, after=after, limit=PAGE_SIZE).success(done).run()

    @property
    def busy(self) -> bool:
        return self._loading

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.local_time, r.pc, r.person, r.action_label, r.target, r.summary)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (4, 5):
            return plain_tooltip(r.target if col == 4 else r.summary)
        if role == Qt.ItemDataRole.ForegroundRole and r.action in REFUSALS:
            return QColor(theme.WARNING)
        return None


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(_("不限"))
    edit.setDate(NO_DATE)
    return edit


def _day(edit: QDateEdit) -> dt.date | None:
    value = edit.date()
    return None if value == NO_DATE else dt.date(value.year(), value.month(), value.day())


class AuditPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("操作日志"), _("谁在什么时间、在哪台电脑上做了什么；越权和登录失败也在这里"))
        self.ctx = ctx
        self.export_button = self.add_action(_("导出 Excel…"), self.export)
        bar = QHBoxLayout()
        bar.setSpacing(theme.SP2)
        bar.addWidget(QLabel(_("操作人")))
        self.who = QLineEdit()
        self.who.setPlaceholderText(_("警号或姓名"))
        self.who.setClearButtonEnabled(True)
        self.who.setMaximumWidth(180)
        self.who.returnPressed.connect(self.apply)
        bar.addWidget(self.who)
        bar.addWidget(QLabel(_("操作")))
        self.action = QComboBox()
        self.action.setMinimumWidth(160)
        self.action.addItem(_("全部操作"), "")
        self.action.currentIndexChanged.connect(lambda _i: self.apply())
        bar.addWidget(self.action)
        bar.addWidget(QLabel(_("日期")))
        self.since = _date_edit()
        self.until = _date_edit()
        bar.addWidget(self.since)
        bar.addWidget(QLabel(_("至")))
        bar.addWidget(self.until)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.apply())
        self.search = QPushButton(_("查询"))
        self.search.setProperty("primary", True)
        self.search.clicked.connect(self.apply)
        bar.addWidget(self.search)
        self.clear_button = QPushButton(_("清除条件"))
        self.clear_button.clicked.connect(self.clear)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)
        holder = QWidget()
        holder.setLayout(bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.add(holder)

        self.model = AuditTableModel(ctx)
        self.model.loaded.connect(self._loaded)
        self.view = make_table(self.model, stretch_column=5)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        # Fixed starting widths: sizing to the contents would follow the longest row of each page.
        for column, width in enumerate(COLUMN_WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table = EmptyOr(self.view, _("没有符合条件的操作记录 — 换个人员、操作或日期再查"))
        self.add(self.table, 1)
        self.status = QLabel("")
        self.status.setObjectName("Muted")
        self.add(self.status)
        self._applying = False
        ctx.on(Change.EVERYTHING, self.refresh)
        self.refresh()

    # --- filters -----------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        return AuditFilter(who=self.who.text().strip(), action=str(self.action.currentData() or ""),
                           since=_day(self.since), until=_day(self.until))

    def refresh(self) -> None:
        """Reload the action choices (the log grows) and the rows."""
        self.ctx.call(admin.audit_actions).success(self._show_actions).run(self)
        self.apply()

    def _show_actions(self, choices: list[admin.ActionChoice]) -> None:
        wanted = self.action.currentData()
        self._applying = True
        self.action.blockSignals(True)
        self.action.clear()
        self.action.addItem(_("全部操作"), "")
        for choice in choices:
            self.action.addItem(choice.label, choice.code)
        found = self.action.findData(wanted)
        self.action.setCurrentIndex(max(found, 0))
        self.action.blockSignals(False)
        self._applying = False

    def apply(self) -> None:
        if self._applying:
            return
        flt = self.current_filter()
        if flt.since and flt.until and flt.until < flt.since:
            self.status.setText(_("结束日期不能早于开始日期"))
            return
        self.status.setText(_("正在查询…"))
        self.model.set_filter(flt)

    def clear(self) -> None:
        self._applying = True
        self.who.clear()
        self.action.setCurrentIndex(0)
        self.since.setDate(NO_DATE)
        self.until.setDate(NO_DATE)
        self._applying = False
        self.apply()

    def _loaded(self, total: int) -> None:
        self.table.show_content(total > 0)
        self.status.setText(_("共 {n} 条记录", n=total))
        self.export_button.setEnabled(total > 0)

    # --- export ------------------------------------------------------------------------

    def export(self) -> None:
        path = self.ask_export_path()
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        (self.ctx.call(admin.export_audit, self.model.filter, target)
         .with_progress(_("正在导出操作日志…"))
         .success(lambda n: self.status.setText(_("已导出 {n} 条到 {p}", n=n, p=str(target))))
         .run(self))

    def ask_export_path(self) -> str:
        name = f"{_('操作日志')}-{local_date(self.ctx.clock.now()).isoformat()}.xlsx"
        path, _f = files.save_file(self, "audit", _("导出操作日志"), name, _("Excel 文件 (*.xlsx)"))
        return path


PAGE = PageSpec("audit", N_("操作日志"), "audit", 97, Role.ADMIN, AuditPage)
