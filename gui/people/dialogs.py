# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""人员 page dialogs: the roster import wizard and the officer editor."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.people import usecases as people
from core.people.roster_import import RosterReport
from core.people.users import UserInfo
from gui import files
from gui.context import AppContext
from gui.people.password import print_slips

ACTION_LABELS = {"new": "新增", "update": "更新", "unchanged": "无变化", "invalid": "有错误"}


class RosterImportDialog(QDialog):
    """Choose a file → preview every row with its problems → confirm (all-or-nothing by default)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.setWindowTitle(_("导入花名册"))
        self.resize(980, 600)
        lay = QVBoxLayout(self)
        choose = QPushButton(_("选择 Excel/CSV 文件…"))
        choose.clicked.connect(self.choose)
        self.info = QLabel(_("表头需要“警号”“姓名”“单位”，可选“类别”“党员”“职务”“手机”；警号已存在的人员将被更新。"))
        self.info.setWordWrap(True)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([_("行"), _("警号"), _("姓名"), _("单位"), _("操作"), _("变更"), _("问题")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.skip = QCheckBox(_("跳过有错误的行，导入其余的行"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(_("确认导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        for w in (choose, self.info, self.table, self.skip, self.buttons):
            lay.addWidget(w)

    def choose(self) -> None:
        path = files.open_file(self, "roster", _("选择花名册"), _("表格 (*.xlsx *.xls *.ods *.csv)"))
        if path:
            self.preview(Path(path))

    def preview(self, path: Path) -> None:
        self.path = path
        self.ctx.call(people.import_roster, path, dry_run=True).success(self.show_preview).run(self)

    def show_preview(self, report: RosterReport) -> None:
        self.report = report
        rows = report.rows
        file_problems = [p for p in report.problems if p.row is None]
        self.table.setRowCount(len(rows) + len(file_problems))
        red, amber = QColor("#FFEBEE"), QColor("#FFF3E0")
        for i, p in enumerate(file_problems):
            self.table.setItem(i, 6, QTableWidgetItem(str(p)))
        for i, r in enumerate(rows, start=len(file_problems)):
            texts = [str(r.row), r.badge, r.name, r.unit_name or r.unit_text, _(ACTION_LABELS[r.action]),
                     "、".join(r.changes), "；".join(f"{p.field}：{p.message}" for p in r.problems)]
            colour = red if not r.valid else (amber if r.problems else None)
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if colour is not None:
                    item.setBackground(colour)
                self.table.setItem(i, c, item)
        self.info.setText(report.summary() + ("" if not report.errors else
                                              _("；红色行有错误，修正文件后重新选择，或勾选跳过。")))
        self.ok.setEnabled(bool(report.created or report.updated))

    def confirm(self) -> None:
        if self.path is None:
            return
        (self.ctx.call(people.import_roster, self.path, skip_invalid=self.skip.isChecked())
         .with_progress(_("正在导入花名册…")).success(self.imported).run(self))

    def imported(self, report: RosterReport) -> None:   # not done(): that is QDialog's, called by accept()
        if report.refused:
            self.show_preview(report)
            QMessageBox.warning(self, _("未导入"), report.summary())
            return
        self.slips = report.slips()
        text = report.summary()
        if self.slips:
            text += "\n" + _("每位新人员都有自己的初始密码（首次登录后须修改）。请打印初始密码单，裁开后交给本人。")
        box = QMessageBox(QMessageBox.Icon.Information, _("导入完成"), text, parent=self)
        pdf = box.addButton(_("打印初始密码单…"), QMessageBox.ButtonRole.ActionRole) if self.slips else None
        xlsx = box.addButton(_("导出 Excel…"), QMessageBox.ButtonRole.ActionRole) if self.slips else None
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()
        parent = self.parentWidget() or self
        if pdf is not None and box.clickedButton() is pdf:
            print_slips(self.ctx, parent, self.slips)
        elif xlsx is not None and box.clickedButton() is xlsx:
            target, _f = files.save_file(self, "slips", _("导出初始密码"), _("初始密码单.xlsx"), "Excel (*.xlsx)")
            if target:
                self.ctx.call(people.save_password_slips, self.slips, Path(target)).run(parent)
        self.accept()


class OfficerValues(TypedDict):
    """What :class:`OfficerDialog` edits: keyword arguments of ``people.update_person``."""

    name: str
    category: str
    party_member: bool
    title: str
    phone: str | None


class OfficerDialog(QDialog):
    def __init__(self, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("编辑人员：{n}", n=user.name))
        form = QFormLayout(self)
        self.name = QLineEdit(user.name)
        self.category = QComboBox()
        self.category.addItem(_("民警"), "police")
        self.category.addItem(_("辅警"), "auxiliary")
        self.category.setCurrentIndex(0 if user.category == "police" else 1)
        self.party = QCheckBox(_("党员"))
        self.party.setChecked(user.party_member)
        self.title_edit = QLineEdit(user.title)
        self.phone = QLineEdit()
        form.addRow(_("警号"), QLabel(user.badge))
        form.addRow(_("姓名"), self.name)
        form.addRow(_("类别"), self.category)
        form.addRow("", self.party)
        form.addRow(_("职务"), self.title_edit)
        form.addRow(_("手机（不改请留空）"), self.phone)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> OfficerValues:
        return OfficerValues(name=self.name.text(), category=self.category.currentData(),
                             party_member=self.party.isChecked(), title=self.title_edit.text(),
                             phone=self.phone.text() or None)


