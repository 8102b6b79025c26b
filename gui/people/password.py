# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Passwords in the GUI: the "设置新密码" dialog an initial password leads to, and printing
initial-password slips (after a roster import or a reset)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from base.errors import InvalidInput
from base.i18n import _
from core.infra.clock import local_date
from core.infra.passwords import MIN_PASSWORD_LENGTH, check_password_policy
from core.people import usecases as people
from core.people.slips import PasswordSlip
from core.people.users import UserInfo
from gui import files, theme
from gui.context import AppContext


class NewPasswordDialog(QDialog):
    """Asked right after logging in with an initial or reset password, before the main window.

    Emits ``submitted(new_password)`` once the two entries agree and pass the policy; the caller
    stores it and then calls :meth:`accept` (or :meth:`fail` with the reason). Cancel signs out.
    """

    submitted = Signal(str)

    def __init__(self, user: UserInfo, old_password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.old_password = old_password
        self.setWindowTitle(_("设置新密码"))
        self.setMinimumWidth(440)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.SP4, theme.SP4, theme.SP4, theme.SP3)
        lay.setSpacing(theme.SP3)
        heading = QLabel(_("设置新密码"))
        heading.setObjectName("PageTitle")
        lay.addWidget(heading)
        intro = QLabel(_("{n}（{b}），您正在使用初始密码或管理员重置的密码。请先设置自己的新密码，然后进入学习园地。",
                         n=user.name, b=user.badge))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for field in (self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMinimumHeight(34)
        self.new.setPlaceholderText(_("至少 {n} 个字符，不能与原密码相同", n=MIN_PASSWORD_LENGTH))
        form.addRow(_("新密码"), self.new)
        form.addRow(_("再输入一次"), self.again)
        lay.addLayout(form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.ACCENT};")
        lay.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(_("保存并进入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        self.buttons.addButton(_("退出登录"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.new.setFocus()

    def _submit(self) -> None:
        new = self.new.text()
        try:
            if new != self.again.text():
                raise InvalidInput(_("两次输入的新密码不一致"))
            if new == self.old_password:
                raise InvalidInput(_("新密码不能与原密码相同"))
            check_password_policy(new)
        except InvalidInput as exc:
            self.fail(str(exc))
            return
        self.message.setText("")
        self.ok.setEnabled(False)
        self.submitted.emit(new)

    def fail(self, message: str) -> None:
        self.ok.setEnabled(True)
        self.message.setText(message)
        self.new.selectAll()
        self.new.setFocus()


def ask_slip_path(parent: QWidget, count: int, today_text: str) -> Path | None:
    name = _("初始密码单-{d}.pdf", d=today_text) if count > 1 else _("初始密码-{d}.pdf", d=today_text)
    path, _f = files.save_file(parent, "slips", _("打印初始密码单"), name, _("PDF 文件 (*.pdf)"))
    if not path:
        return None
    return Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")


def print_slips(ctx: AppContext, parent: QWidget, slips: list[PasswordSlip], *, target: Path | None = None,
                open_after: bool = True) -> None:
    """Write the slips as a PDF (asking where unless ``target``) and open it to print."""
    if target is None:
        target = ask_slip_path(parent, len(slips), local_date(ctx.clock.now()).isoformat())
        if target is None:
            return

    def done(path: Path) -> None:
        parent.setProperty("last_slips", str(path))
        if open_after:
            files.open_document(parent, path)

    ctx.call(people.save_password_slips, slips, target).success(done).run(parent)


def offer_slip(ctx: AppContext, parent: QWidget, slip: PasswordSlip) -> QMessageBox:
    """Say the new password of a reset and offer its slip (a non-blocking box)."""
    box = QMessageBox(QMessageBox.Icon.Information, _("密码已重置"),
                      _("{n}（警号 {b}）的新初始密码：{p}\n请打印密码单交给本人；首次登录后须修改密码。",
                        n=slip.name, b=slip.badge, p=slip.password), parent=parent)
    print_button = box.addButton(_("打印密码单…"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    print_button.clicked.connect(lambda: print_slips(ctx, parent, [slip]))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
