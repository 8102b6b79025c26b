# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""设置: language of this PC, where the database is, backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from base.i18n import N_, _, language
from core.admin import usecases as admin
from core.infra import localconfig
from core.infra.clock import local_date
from core.infra.paths import data_dir
from core.models import Role
from gui import files
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Page

if TYPE_CHECKING:
    from core.admin.backup import BackupSummary


class SettingsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("设置"), _("本机设置与数据库维护"))
        self.ctx = ctx
        ui = QGroupBox(_("本机设置"))
        form = QFormLayout(ui)
        self.lang = QComboBox()
        self.lang.addItem("简体中文", "zh_CN")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(0 if language() == "zh_CN" else 1)
        self.lang.currentIndexChanged.connect(self._save_language)
        form.addRow(_("界面语言（重新登录后生效）"), self.lang)
        self.add(ui)

        dbox = QGroupBox(_("数据库"))
        dform = QFormLayout(dbox)
        url = ctx.db.display_url
        where = QLabel(url)
        where.setWordWrap(True)
        dform.addRow(_("数据库地址"), where)
        dform.addRow(_("数据目录"), QLabel(str(data_dir())))
        buttons = QHBoxLayout()
        if ctx.user.is_admin:
            self.backup_button = QPushButton(_("备份数据库(&B)…"))
            self.backup_button.clicked.connect(self._backup)
            buttons.addWidget(self.backup_button)
            self.restore_button = QPushButton(_("从备份恢复(&R)…"))
            self.restore_button.clicked.connect(self._restore)
            buttons.addWidget(self.restore_button)
            # Off by default: a backup then holds the public key only (core.admin.backup).
            self.with_secrets = QCheckBox(_("备份中包含证书签名私钥（仍由口令加密）"))
            buttons.addWidget(self.with_secrets)
        buttons.addStretch(1)
        dform.addRow(buttons)
        self.add(dbox)
        if ctx.user.is_admin:
            from gui.people.security import SecuritySettingsBox

            self.add(SecuritySettingsBox(ctx))     # the idle lock and login lockout (issue 13)
        self.layout_.addStretch(1)

    def _save_language(self) -> None:
        localconfig.put("language", self.lang.currentData())

    def _backup(self) -> None:
        name = f"studyhall-{local_date(self.ctx.clock.now()).isoformat()}.zip"
        path, _f = files.save_file(self, "backups", _("备份数据库"), name, _("备份文件 (*.zip)"))
        if not path:
            return
        (self.ctx.call(admin.backup_database, Path(path), with_secrets=self.with_secrets.isChecked())
         .with_progress(_("正在备份…"))
         .success(lambda counts: QMessageBox.information(
             self, _("备份完成"), _("已备份 {n} 行数据到\n{p}", n=sum(counts.values()), p=path)))
         .run(self))

    def _restore(self) -> None:
        path = files.open_file(self, "backups", _("从备份恢复"), _("备份文件 (*.zip)"))
        if not path:
            return
        from core.admin.backup import describe

        source = Path(path)
        self.ctx.op(lambda: describe(source), parent=self).success(lambda s: self._confirm_restore(source, s)).run(self)

    def _confirm_restore(self, source: Path, summary: BackupSummary) -> None:
        """Name the file and its date; 否 is the default (Enter must not replace the database)."""
        if self.confirm_restore(summary):
            (self.ctx.call(admin.restore_database, source)
             .with_progress(_("正在恢复…"))
             .success(self._restored)
             .run(self))

    def confirm_restore(self, summary: BackupSummary) -> bool:
        box = restore_question(self, summary)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _restored(self, done: admin.Restored) -> None:
        text = _("已恢复 {n} 行数据，请重新登录", n=done.rows)
        if done.safety is not None:
            text += "\n" + _("恢复前的数据已备份为 {f}（见“备份”页）", f=done.safety.name)
        QMessageBox.information(self, _("恢复完成"), text)


def restore_question(parent: QWidget, summary: BackupSummary) -> QMessageBox:
    """The confirmation before a restore: which file, made when, how many rows; 否 by default."""
    when = summary.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if summary.created_at else _("时间不详")
    box = QMessageBox(QMessageBox.Icon.Warning, _("确认恢复"),
                      _("用备份“{f}”（{t} 备份，共 {n} 行数据）替换当前数据库中的全部数据？\n"
                        "恢复前会自动备份当前数据。", f=summary.name, t=when, n=summary.rows), parent=parent)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    return box


PAGE = PageSpec("settings", N_("设置"), "settings", 95, Role.SECRETARY, SettingsPage)
