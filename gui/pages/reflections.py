# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""心得体会: officers write theirs for the tasks of their branch; secretaries set tasks, review the
submissions (each with its closest earlier one, likely copies flagged) and export a period's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from base.i18n import N_, _
from core.access.permissions import Action, scope_for
from core.access.usecase import Change
from core.infra.clock import LOCAL_TZ, local_date
from core.models import Role
from core.orglife import usecases as orglife
from core.orglife.reflections import STATUS_LABELS, SUBMITTED, ReflectionDetail, ReflectionRow, TaskRow
from core.points.ledger import parse_period
from gui.context import AppContext
from gui.orglife.reflections import ReviewDialog, TaskDialog, WriteDialog
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table

LIKELY_COPY = 0.5        # MinHash estimate from which a submission is flagged in the list


def _similar(r: ReflectionRow) -> str:
    if r.match_estimate is None:
        return "—"
    flag = _("（疑似雷同）") if r.match_estimate >= LIKELY_COPY else ""
    return f"{r.match_estimate * 100:.0f}%{flag}"


class MyTasks(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        self.model: RowsModel[TaskRow] = RowsModel([
            Column(_("题目"), lambda t: t.title),
            Column(_("截止日期"), lambda t: t.due_date.isoformat()),
            Column(_("字数要求"), lambda t: _("{n} 字以上", n=t.min_chars), align_right=True),
            Column(_("我的状态"), lambda t: _(STATUS_LABELS[t.mine]) if t.mine else _("未提交")),
        ])
        view = make_table(self.model, stretch_column=0)
        view.doubleClicked.connect(lambda i: self._write(self.model.row(i)))
        self.box = EmptyOr(view, _("支部还没有布置心得体会"))
        lay.addWidget(QLabel(_("双击一项开始撰写；退回修改的可以重新提交。")))
        lay.addWidget(self.box, 1)

    def refresh(self) -> None:
        self.ctx.call(orglife.my_reflection_tasks).success(self._show).run(self)

    def _show(self, rows: list[TaskRow]) -> None:
        self.model.set_rows(rows)
        self.box.show_content(bool(rows))

    def _write(self, task: TaskRow) -> None:
        dialog = WriteDialog(self, task)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if dialog.docx is not None:
            op = self.ctx.call(orglife.submit_reflection, task.id, docx=dialog.docx)
        else:
            op = self.ctx.call(orglife.submit_reflection, task.id, text=dialog.edit.toPlainText())
        op.success(lambda _id: self.refresh()).run(self)


class Review(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("显示")))
        self.status = QComboBox()
        self.status.addItem(_("待审阅"), SUBMITTED)
        self.status.addItem(_("全部"), None)
        self.status.currentIndexChanged.connect(self.refresh)
        row.addWidget(self.status)
        row.addStretch(1)
        lay.addLayout(row)
        self.model: RowsModel[ReflectionRow] = RowsModel([
            Column(_("提交时间"), lambda r: r.submitted_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")),
            Column(_("姓名"), lambda r: r.name),
            Column(_("支部"), lambda r: r.unit_name),
            Column(_("题目"), lambda r: r.task_title),
            Column(_("字数"), lambda r: r.length, align_right=True),
            Column(_("最高相似度"), _similar, align_right=True),
            Column(_("状态"), lambda r: _(STATUS_LABELS[r.status]) + (_("（逾期）") if r.late else "")),
        ])
        view = make_table(self.model, stretch_column=3)
        view.doubleClicked.connect(lambda i: self._review(self.model.row(i)))
        self.box = EmptyOr(view, _("没有待审阅的心得体会"))
        lay.addWidget(self.box, 1)

    def refresh(self) -> None:
        status = self.status.currentData()
        self.ctx.call(orglife.list_reflections, status=str(status) if status else None).success(self._show).run(self)

    def _show(self, rows: list[ReflectionRow]) -> None:
        self.model.set_rows(rows)
        self.box.show_content(bool(rows))

    def _review(self, row: ReflectionRow) -> None:
        def show(detail: ReflectionDetail) -> None:
            dialog = ReviewDialog(self.ctx, self, detail)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.ctx.call(orglife.review_reflection, row.id, dialog.verdict(), dialog.comment.text()) \
                    .success(lambda _r: self.refresh()).run(self)

        self.ctx.call(orglife.reflection_detail, row.id).success(show).run(self)


class ReflectionsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("心得体会"), _("结合学习写体会；提交后由支部书记审阅，雷同内容会被自动标出。"))
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.mine = MyTasks(ctx)
        self.tabs.addTab(self.mine, _("我的心得体会"))
        self.review: Review | None = None
        if scope_for(ctx.actor.role, Action.REFLECTION_REVIEW) is not None:
            self.review = Review(ctx)
            self.tabs.insertTab(0, self.review, _("审阅"))
            self.tabs.setCurrentIndex(0)
            self.add_action(_("导出汇编…"), self._export)
            self.add_action(_("布置心得体会"), self._task, primary=True)
        self.add(self.tabs, 1)
        ctx.on(Change.ORGLIFE, self._changed)
        self.refresh()

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self.mine.refresh()
        if self.review is not None:
            self.review.refresh()

    def _task(self) -> None:
        def ask(units: list[tuple[int, str]]) -> None:
            dialog = TaskDialog(self, units, local_date(self.ctx.clock.now()))
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.ctx.call(orglife.set_reflection_task, unit_id=int(dialog.unit.currentData()),
                              title=dialog.title.text(), due_date=dialog.due_date(),
                              min_chars=dialog.min_chars.value()).success(lambda _id: self.refresh()).run(self)

        self.ctx.call(orglife.branches).success(ask).run(self)

    def _export(self) -> None:
        today = local_date(self.ctx.clock.now())
        period = parse_period(f"{today.year}Q{(today.month - 1) // 3 + 1}")
        path, _chosen = QFileDialog.getSaveFileName(self, _("导出心得体会汇编"),
                                                    str(Path.home() / f"心得体会-{period.label}.docx"),
                                                    _("Word 文件 (*.docx);;PDF 文件 (*.pdf)"))
        if path:
            target = Path(path) if Path(path).suffix.lower() in (".docx", ".pdf") else Path(path).with_suffix(".docx")
            self.ctx.call(orglife.export_reflections, target, period=period) \
                .with_progress(_("正在导出心得体会汇编…")) \
                .success(lambda out: QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))).run(self)


PAGE = PageSpec("reflections", N_("心得体会"), "reflection", 25, Role.OFFICER, ReflectionsPage)
