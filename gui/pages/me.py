# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""我的: the officer's own profile and password."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton

from base.i18n import N_, _
from core.models import Role
from core.people import usecases as people
from core.people.users import CATEGORY_LABELS, ROLE_LABELS
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Page


class MePage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("我的"), _("个人信息与密码"))
        self.ctx = ctx
        u = ctx.user
        info = QGroupBox(_("个人信息"))
        form = QFormLayout(info)
        for label, value in (
            (_("姓名"), u.name), (_("警号"), u.badge), (_("单位"), u.unit_name),
            (_("人员类别"), _(CATEGORY_LABELS[u.category])),
            (_("政治面貌"), _("中共党员") if u.party_member else _("群众")),
            (_("职务"), u.title or "—"), (_("角色"), _(ROLE_LABELS[u.role])),
        ):
            form.addRow(label, QLabel(value))
        self.add(info)

        pw = QGroupBox(_("修改密码"))
        pform = QFormLayout(pw)
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for field in (self.old, self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaximumWidth(320)
        pform.addRow(_("原密码"), self.old)
        pform.addRow(_("新密码"), self.new)
        pform.addRow(_("再次输入"), self.again)
        row = QHBoxLayout()
        self.save = QPushButton(_("保存新密码"))
        self.save.setProperty("primary", True)
        self.save.clicked.connect(self._change)
        row.addWidget(self.save)
        row.addStretch(1)
        pform.addRow(row)
        self.add(pw)
        self.layout_.addStretch(1)

    def _change(self) -> None:
        if self.new.text() != self.again.text():
            QMessageBox.warning(self, _("无法完成"), _("两次输入的新密码不一致"))
            return

        def done(_r: None) -> None:
            for field in (self.old, self.new, self.again):
                field.clear()
            QMessageBox.information(self, _("已保存"), _("密码已修改，下次登录请使用新密码"))

        self.ctx.call(people.change_own_password, self.old.text(), self.new.text()).success(done).run(self)


PAGE = PageSpec("me", N_("我的"), "me", 90, Role.OFFICER, MePage)
