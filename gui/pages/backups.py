# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""备份 (administrators): this database's automatic backups, newest first (when, why, size, what
they hold), a backup made now, and restoring one, after a backup of the current data.

The backups themselves are made by core.admin.autobackup: on start, every 30 minutes of use
(:class:`AutoBackupTimer`, started by the main window for every user) and before risky work.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox

from base.i18n import N_, _
from core.access.usecase import Change
from core.admin import autobackup
from core.admin import usecases as admin
from core.infra.clock import LOCAL_TZ
from core.models import Role
from gui import files
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table, text_label

log = logging.getLogger(__name__)
PERIOD_MS = 30 * 60 * 1000
START_DELAY_MS = 15_000      # the start backup waits until the first screen is up and in use


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1 << 20 else f"{max(n, 1) / 1024:.0f} KB"


class BackupsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("备份"), _("自动备份：每次启动、每使用 30 分钟、以及恢复、升级、大批导入之前"))
        self.ctx = ctx
        self.folder_button = self.add_action(_("打开备份文件夹"), self.open_folder)
        self.restore_button = self.add_action(_("恢复所选备份…"), self.restore_selected)
        self.now_button = self.add_action(_("立即备份"), self.backup_now, primary=True)
        self.where = text_label(wrap=True, name="Muted")
        self.add(self.where)
        self.model: RowsModel[autobackup.AutoBackup] = RowsModel([
            Column(_("时间"), lambda b: b.created_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")),
            Column(_("原因"), lambda b: b.reason_label),
            Column(_("大小"), lambda b: _size(b.size), align_right=True),
            Column(_("包含"), lambda b: b.summary),
            Column(_("文件名"), lambda b: b.name),
        ])
        self.view = make_table(self.model, stretch_column=3)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.view.doubleClicked.connect(lambda _i: self.restore_selected())
        self.table = EmptyOr(self.view, _("还没有自动备份 — 点“立即备份”做第一份"))
        self.add(self.table, 1)
        self.status = QLabel("")
        self.status.setObjectName("Muted")
        self.add(self.status)
        self._found: admin.AutoBackups | None = None
        ctx.on(Change.EVERYTHING, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.call(admin.list_auto_backups).success(self._show).run(self)

    def _show(self, found: admin.AutoBackups) -> None:
        self._found = found
        self.model.set_rows(found.backups)
        self.table.show_content(bool(found.backups))
        note = _("备份保存在 {p}；保留最近 10 份，以及 7 天每天、4 周每周、12 个月每月各一份。", p=found.folder)
        if not found.automatic:
            note = _("PostgreSQL 数据库由数据库管理员定期备份（见说明文档“Backing up the station server”），"
                     "这里只列出恢复前留下的安全备份，保存在 {p}。", p=found.folder)
        self.where.setText(note)
        self.now_button.setEnabled(found.automatic)
        total = sum(b.size for b in found.backups)
        self.status.setText(_("共 {n} 份，{s}", n=len(found.backups), s=_size(total)) if found.backups else "")
        self._selection_changed()

    def _selected(self) -> autobackup.AutoBackup | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        chosen = self._selected()
        self.restore_button.setEnabled(chosen is not None and chosen.problem is None)

    def backup_now(self) -> None:
        (self.ctx.call(admin.backup_now)
         .with_progress(_("正在备份…"))
         .success(lambda made: self.status.setText(_("已备份到 {f}", f=made.name)))
         .run(self))

    def restore_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or chosen.problem is not None:
            return
        when = chosen.created_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        sure = QMessageBox.question(
            self, _("确认恢复"),
            _("用 {t} 的备份（{why}，{held}）替换当前数据库中的全部数据？\n\n恢复前会先把当前数据备份一份，"
              "恢复后可以再恢复那一份来撤销。", t=when, why=chosen.reason_label, held=chosen.summary),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if sure != QMessageBox.StandardButton.Yes:
            return
        (self.ctx.call(admin.restore_auto_backup, chosen.name)
         .with_progress(_("正在恢复…"))
         .success(lambda done: QMessageBox.information(
             self, _("恢复完成"), _("已恢复 {t} 的备份，请重新登录。\n恢复前的数据已备份为 {f}", t=when,
                                  f=done.safety.name if done.safety is not None else "—")))
         .run(self))

    def open_folder(self) -> None:
        if self._found is not None:
            self._found.folder.mkdir(parents=True, exist_ok=True)
            files.open_document(self, self._found.folder)


class AutoBackupTimer(QObject):
    """The start backup (after a login) and one every 30 minutes of use, as the logged-in user; a
    failure is logged, never shown: the officer at the PC can do nothing about a full disk."""

    def __init__(self, ctx: AppContext, parent: QObject) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timer = QTimer(self)
        self.timer.setInterval(PERIOD_MS)
        self.timer.timeout.connect(lambda: self.run(autobackup.Reason.PERIODIC))
        self.timer.start()
        self.start = QTimer(self)
        self.start.setSingleShot(True)
        self.start.timeout.connect(lambda: self.run(autobackup.Reason.START))
        self.start.start(START_DELAY_MS)

    def run(self, reason: str) -> None:
        if not self.ctx.tasks.running:         # the window closed (logout) before the timer fired
            return
        (self.ctx.call(admin.auto_backup, reason)
         .success(_log_made)
         .failure(lambda exc: log.warning("automatic backup (%s) failed: %s", reason, exc))
         .run())


def _log_made(made: autobackup.AutoBackup | None) -> None:
    if made is not None:
        log.info("automatic backup %s", made.path)


PAGE = PageSpec("backups", N_("备份"), "backup", 96, Role.ADMIN, BackupsPage)
