# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""证书 → 签名密钥: the unit's signing key (fingerprint, locked or not) and the passphrase dialog.

The key is unlocked for this session only (the running program; logging out locks it). Printing
asks for the passphrase when certificates need signing (:func:`ask_unlock`), so secretaries
rarely open this tab; administrators set the key up here and change its passphrase.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from base.errors import InvalidInput
from base.i18n import N_, _
from core.access.permissions import Action, scope_for
from core.certificates import usecases as cert
from core.certificates.keys import MIN_PASSPHRASE, KeyInfo
from gui import files, theme
from gui.context import AppContext
from gui.errors import show_exception

MONO = "font-family: 'DejaVu Sans Mono', 'Consolas', monospace;"
INTROS = {
    "unlock": N_("打印或颁发证书时，要用本单位的签名密钥签名。请输入签名密钥的口令（由管理员设置）。"
                 "解锁只在本次登录期间有效，退出登录即锁定。"),
    "setup": N_("证书将用本单位的签名密钥签名：任何人凭公钥即可核验，只有知道口令的人才能签名。"
                "口令至少 {n} 个字符，请牢记并妥善保管，忘记口令只能更换密钥。"),
    "change": N_("修改签名密钥的口令。密钥本身不变，已签发的证书不受影响。"),
}


def may(ctx: AppContext, action: Action) -> bool:
    return scope_for(ctx.actor.role, action) is not None


class PassphraseDialog(QDialog):
    """The passphrase: to unlock the key (``unlock``), for a new key (``setup``, typed twice) or a
    new passphrase (``change``: the current one, then the new one twice)."""

    def __init__(self, parent: QWidget | None, mode: str, *, fingerprint: str = "", message: str = "",
                 error: str = "") -> None:
        super().__init__(parent)
        self.mode = mode
        titles = {"unlock": _("解锁证书签名密钥"), "setup": _("设置证书签名密钥"), "change": _("修改签名密钥口令")}
        self.setWindowTitle(titles[mode])
        self.setMinimumWidth(500)
        lay = QVBoxLayout(self)
        lay.setSpacing(theme.SP2)
        if message:
            note = QLabel(message)
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {theme.WARNING}; font-weight: bold;")
            lay.addWidget(note)
        intro = QLabel(_(INTROS[mode], n=MIN_PASSPHRASE) if mode == "setup" else _(INTROS[mode]))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        if fingerprint:
            fp = QLabel(_("密钥指纹：{f}", f=fingerprint))
            fp.setStyleSheet(f"{MONO} color: {theme.MUTED};")
            fp.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lay.addWidget(fp)
        form = QFormLayout()
        labels = {"unlock": [_("口令")], "setup": [_("口令"), _("再次输入")],
                  "change": [_("现在的口令"), _("新口令"), _("再次输入")]}[mode]
        self.fields: list[QLineEdit] = []
        for label in labels:
            field = QLineEdit()
            field.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(label, field)
            self.fields.append(field)
        lay.addLayout(form)
        self.error = QLabel(error)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.ACCENT};")
        self.error.setVisible(bool(error))
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = {"unlock": _("解锁"), "setup": _("设置密钥"), "change": _("修改口令")}[mode]
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.fields[0].setFocus()

    def values(self) -> list[str]:
        return [f.text() for f in self.fields]

    def problem(self) -> str:
        """What is wrong with the typed passphrases before anything is sent (mismatch, too short)."""
        values = self.values()
        if not values[0]:
            return _("请输入口令")
        if self.mode != "unlock":
            new, again = values[-2], values[-1]
            if len(new) < MIN_PASSPHRASE:
                return _("口令至少 {n} 个字符", n=MIN_PASSPHRASE)
            if new != again:
                return _("两次输入的口令不一致")
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.setVisible(True)
            return
        super().accept()


def ask_unlock(ctx: AppContext, parent: QWidget, then: Callable[[], None], *, message: str = "",
               fingerprint: str = "", error: str = "") -> None:
    """Ask for the passphrase and unlock the key, then call ``then``; a wrong passphrase asks again."""
    dialog = PassphraseDialog(parent, "unlock", fingerprint=fingerprint, message=message, error=error)
    if not dialog.exec():
        return
    passphrase = dialog.values()[0]

    def failed(exc: BaseException) -> None:
        if isinstance(exc, InvalidInput):
            ask_unlock(ctx, parent, then, message=message, fingerprint=fingerprint, error=str(exc))
        else:
            show_exception(parent=parent, exception=exc)

    ctx.call(cert.unlock_signing_key, passphrase).success(lambda _info: then()).failure(failed).run(parent)


class KeyTab(QWidget):
    """The signing key: its fingerprint, whether it is unlocked here, and what may be done with it."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.info: KeyInfo | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, theme.SP3, 0, 0)
        lay.setSpacing(theme.SP3)
        self.card = QFrame()
        self.card.setObjectName("Card")
        card = QVBoxLayout(self.card)
        card.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        card.setSpacing(theme.SP2)
        self.state = QLabel(_("正在读取…"))
        self.state.setStyleSheet("font-size: 20px; font-weight: bold;")
        caption = QLabel(_("公钥指纹（请与上级单位核对）"))
        caption.setObjectName("Muted")
        self.fingerprint = QLabel("—")
        self.fingerprint.setStyleSheet(f"{MONO} font-size: 22px; font-weight: bold; letter-spacing: 1px;")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        for w in (self.state, caption, self.fingerprint, self.details):
            card.addWidget(w)
        lay.addWidget(self.card)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot, action in (
                ("unlock", _("解锁…"), self._unlock, Action.CERT_KEY_UNLOCK),
                ("lock", _("锁定"), self._lock, Action.CERT_KEY_UNLOCK),
                ("export", _("导出公钥…"), self._export, Action.CERT_VIEW),
                ("setup", _("设置签名密钥…"), self._setup, Action.CERT_KEY_MANAGE),
                ("change", _("修改口令…"), self._change, Action.CERT_KEY_MANAGE)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            b.setVisible(may(ctx, action))
            bar.addWidget(b)
            self.buttons[key] = b
        bar.addStretch(1)
        lay.addLayout(bar)
        help_text = QLabel(_(
            "公钥可以公开：把导出的公钥文件交给上级单位，他们不需要任何密码，就能在自己的电脑上核验本单位的证书"
            "（studyhall cert verify --public-key 公钥文件 证书.pdf）。请通过电话或公文另行告知指纹，"
            "对方核对一致后再使用这个公钥文件。私钥只以口令加密的形式保存在数据库中，备份时默认不包含。"))
        help_text.setWordWrap(True)
        help_text.setObjectName("Muted")
        lay.addWidget(help_text)
        lay.addStretch(1)

    def refresh(self) -> None:
        self.ctx.call(cert.key_status).success(self.show_info).run(self)

    def show_info(self, info: KeyInfo) -> None:
        self.info = info
        if not info.present:
            state, colour = _("还没有设置证书签名密钥"), theme.WARNING
        elif info.unlocked:
            state, colour = _("✔ 已解锁：本次登录期间打印、颁发的证书会自动签名"), theme.SUCCESS
        elif info.can_sign:
            state, colour = _("已锁定：打印未签名的证书时需要输入口令"), theme.TEXT
        else:
            state, colour = _("只有公钥：可以核验，不能签名（请管理员设置新的签名密钥）"), theme.WARNING
        self.state.setText(state)
        self.state.setStyleSheet(f"font-size: 20px; font-weight: bold; color: {colour};")
        self.fingerprint.setText(info.fingerprint or "—")
        lines = []
        if info.created_at is not None:
            lines.append(_("设置于 {d}", d=info.created_at.date().isoformat()))
        if info.retired:
            lines.append(_("另有 {n} 把旧密钥，它们签发的证书仍可核验", n=info.retired))
        if info.unsigned:
            lines.append(_("有 {n} 份证书尚未签名（考试合格时自动登记），打印时签名", n=info.unsigned))
        if info.legacy_key:
            lines.append(_("数据库中还有旧格式证书的密钥：设置签名密钥后，旧证书由新密钥确认，旧密钥随即删除"))
        if not info.present:
            lines.append(_("设置之前，考试合格登记的证书都未签名，不能打印"))
        self.details.setText("\n".join(lines))
        self.buttons["unlock"].setEnabled(info.can_sign and not info.unlocked)
        self.buttons["lock"].setEnabled(info.unlocked)
        self.buttons["export"].setEnabled(info.present)
        self.buttons["setup"].setText(_("更换签名密钥…") if info.can_sign else _("设置签名密钥…"))
        self.buttons["change"].setEnabled(info.can_sign)

    def _unlock(self) -> None:
        fp = self.info.fingerprint if self.info else ""
        ask_unlock(self.ctx, self, self.refresh, fingerprint=fp)

    def _lock(self) -> None:
        self.ctx.call(cert.lock_signing_key).success(lambda _r: self.refresh()).run(self)

    def _export(self) -> None:
        path, _f = files.save_file(self, "keys", _("导出公钥"), _("证书公钥.pem"), _("公钥文件 (*.pem)"))
        if not path:
            return

        def done(info: KeyInfo) -> None:
            QMessageBox.information(self, _("导出公钥"), _("已导出公钥：{p}\n\n指纹：{f}\n请把指纹另行告知上级单位，以便核对。",
                                                         p=path, f=info.fingerprint))

        self.ctx.call(cert.export_public_key, Path(path)).success(done).run(self)

    def _setup(self) -> None:
        replace = bool(self.info and self.info.can_sign)
        if replace and QMessageBox.question(
                self, _("更换签名密钥"),
                _("更换后，新证书用新密钥签名；旧密钥签发的证书仍可核验，但上级单位需要新的公钥文件。确定更换？"),
        ) != QMessageBox.StandardButton.Yes:
            return
        dialog = PassphraseDialog(self, "setup")
        if not dialog.exec():
            return

        def done(info: KeyInfo) -> None:
            self.show_info(info)
            QMessageBox.information(self, _("设置证书签名密钥"),
                                    _("已设置签名密钥，指纹：{f}\n请导出公钥交给上级单位。", f=info.fingerprint))

        self.ctx.call(cert.set_up_signing_key, dialog.values()[0], replace=replace).success(done).run(self)

    def _change(self) -> None:
        dialog = PassphraseDialog(self, "change", fingerprint=self.info.fingerprint if self.info else "")
        if not dialog.exec():
            return
        old, new, _again = dialog.values()

        def done(info: KeyInfo) -> None:
            self.show_info(info)
            QMessageBox.information(self, _("修改签名密钥口令"), _("口令已修改，下次解锁请使用新口令。"))

        self.ctx.call(cert.change_key_passphrase, old, new).success(done).run(self)
