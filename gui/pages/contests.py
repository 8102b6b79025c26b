# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""知识竞赛: the on-stage contests of the secretary's units; set one up (a form, or a TOML file), host or resume
it (host console + big screen), print its result sheet, honour the winners."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from base.errors import InvalidInput
from base.i18n import N_, _
from core.access.usecase import Change
from core.certificates.issue import CertInfo
from core.contest import usecases as contest
from core.contest.store import ContestData, ContestSummary
from core.contest.usecases import SetupChoices
from core.infra.clock import LOCAL_TZ
from core.models import Role
from gui.contest.console import HostConsole
from gui.contest.setup_dialog import ContestSetupDialog
from gui.context import AppContext
from gui.errors import show_exception
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table

STATUS = {"ready": N_("待举行"), "running": N_("进行中"), "finished": N_("已结束")}


class ContestsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("知识竞赛"), _("现场赛：主持台在笔记本上操作，大屏投到投影或电视；每一步都即时保存，断电重开可继续。"))
        self.ctx = ctx
        self.consoles: list[QWidget] = []
        self.setup_dialog: ContestSetupDialog | None = None     # the set-up form last opened
        self.add_action(_("新建竞赛…"), self.new_contest)
        self.add_action(_("从 TOML 文件新建…"), self.new_from_file)
        self.add_action(_("成绩单 PDF…"), self.sheet)
        self.add_action(_("颁发荣誉证书"), self.honour)
        self.add_action(_("主持 / 继续"), self.host, primary=True)
        self.model: RowsModel[ContestSummary] = RowsModel([
            Column(_("竞赛"), lambda c: c.title),
            Column(_("日期"), lambda c: c.held_on.isoformat()),
            Column(_("主办单位"), lambda c: c.unit),
            Column(_("参赛队"), lambda c: "、".join(c.teams)),
            Column(_("状态"), lambda c: _(STATUS.get(c.status, c.status))),
            Column(_("已记录事件"), lambda c: c.events, align_right=True),
        ])
        self.table = make_table(self.model, stretch_column=0)
        self.table.doubleClicked.connect(lambda _i: self.host())
        self.body = EmptyOr(self.table, _("还没有知识竞赛 — 点“新建竞赛…”，选好参赛队和轮次"))
        self.add(self.body, 1)
        ctx.on(Change.CONTESTS, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        def show(rows: list[ContestSummary]) -> None:
            self.model.set_rows(rows)
            self.body.show_content(bool(rows))
            if rows and not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)

        self.ctx.call(contest.list_contests).success(show).run(self)

    def selected(self) -> ContestSummary | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, _("知识竞赛"), _("请先选择一场竞赛"))
            return None
        return self.model.row(rows[0])

    def new_contest(self) -> None:
        """The set-up form; a set-up the core refuses (e.g. too few questions in a bank) shows why and
        opens the form again as it was."""
        self.ctx.call(contest.setup_choices).success(self.open_setup).run(self)

    def open_setup(self, choices: SetupChoices) -> ContestSetupDialog:
        dialog = ContestSetupDialog(self, choices, self.ctx.clock.now().astimezone(LOCAL_TZ).date())
        self.setup_dialog = dialog
        dialog.accepted.connect(lambda: self._create(dialog.spec(), dialog))
        dialog.open()
        return dialog

    def new_from_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("选择竞赛设置文件"), "", _("TOML 文件 (*.toml)"))
        if not path:
            return
        try:
            data = contest.read_spec_file(Path(path))
        except InvalidInput as exc:
            show_exception(parent=self, exception=exc)
            return
        self._create(data)

    def _create(self, data: dict[str, Any], form: ContestSetupDialog | None = None) -> None:
        def done(cid: uuid.UUID) -> None:
            QMessageBox.information(self, _("知识竞赛"), _("已创建竞赛，题目已抽取。"))

        def failed(exc: BaseException) -> None:
            show_exception(parent=self, exception=exc)
            if form is not None:
                form.open()

        # No progress dialog: drawing is a few queries, and create_contest takes no progress/cancel.
        self.ctx.call(contest.create_contest, data).success(done).failure(failed).run(self)

    def host(self) -> None:
        row = self.selected()
        if row is not None:
            self.ctx.call(contest.open_contest, row.id).success(self.open_console).run(self)

    def open_console(self, data: ContestData) -> HostConsole:
        console = HostConsole(self.ctx, data)
        console.resize(1280, 720)
        console.show()
        console.open_screen()
        self.consoles = [c for c in self.consoles if c.isVisible()] + [console]
        return console

    def sheet(self) -> None:
        row = self.selected()
        if row is None:
            return
        path, _f = QFileDialog.getSaveFileName(self, _("保存成绩单"), str(Path.home() / f"{row.title}-成绩单.pdf"),
                                               _("PDF 文件 (*.pdf)"))
        if not path:
            return
        (self.ctx.call(contest.result_sheet, row.id, Path(path)).with_progress(_("正在生成成绩单…"))
         .success(lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p)))).run(self))

    def honour(self) -> None:
        row = self.selected()
        if row is None:
            return

        def done(certs: list[CertInfo]) -> None:
            QMessageBox.information(self, _("颁发荣誉证书"), _("已为获胜队员颁发 {n} 张荣誉证书，可在“证书”页打印。",
                                                          n=len(certs)))

        self.ctx.call(contest.issue_certificates, row.id).success(done).run(self)


PAGE = PageSpec("contests", N_("竞赛"), "contest", 55, Role.SECRETARY, ContestsPage)
