# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The login window: 警号 + 密码. Shown before the database has finished loading."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _, language
from gui import theme

TOP_LEFT = "qproperty-alignment: 'AlignLeft | AlignTop';"


def demo_hint(password: str, exchange: str) -> str:
    """The line under the login button when the database holds the demo."""
    return _("演示数据：民警 200001、支部书记 100001、管理员 000001，密码均为 {p}；证书签名密钥的口令也是 {p}，"
             "数据交换密钥的口令是 {x}", p=password, x=exchange)


class LoginWindow(QWidget):
    """Emits ``login_requested(badge, password)``; the controller answers with ``fail``/``close``."""

    login_requested = Signal(str, str)
    language_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("Page")
        # Qt adds the application's display name (学习园地) to every window title itself.
        self.setWindowTitle(_("登录"))
        self.resize(880, 560)
        self._ready = False

        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        banner = QFrame()
        banner.setObjectName("Header")
        banner.setMinimumWidth(420)          # the subtitle on one line in Chinese
        bl = QVBoxLayout(banner)
        bl.setContentsMargins(theme.SP4 * 2, theme.SP4 * 2, theme.SP4 * 2, theme.SP4 * 2)
        emblem = QLabel()
        emblem.setPixmap(theme.icon("emblem").pixmap(72, 72))
        title = QLabel(_("学习园地"))
        title.setStyleSheet("font-size: 40px; font-weight: bold;")
        subtitle = QLabel(_("党建学习 · 业务练习 · 考试与知识竞赛"))
        subtitle.setStyleSheet("font-size: 16px;")
        subtitle.setWordWrap(True)
        bl.addStretch(1)
        bl.addWidget(emblem)
        bl.addSpacing(theme.SP3)
        bl.addWidget(title)
        bl.addWidget(subtitle)
        bl.addStretch(2)
        outer.addWidget(banner)

        form_box = QWidget()
        form_box.setMinimumWidth(400)          # the fields and the demo hint need the room
        form_box.setMaximumWidth(520)
        fl = QVBoxLayout(form_box)
        fl.setContentsMargins(theme.SP4 * 2, theme.SP4 * 2, theme.SP4 * 2, theme.SP4)
        heading = QLabel(_("登录"))
        heading.setObjectName("PageTitle")
        fl.addStretch(1)
        fl.addWidget(heading)
        fl.addSpacing(theme.SP3)
        form = QFormLayout()
        form.setVerticalSpacing(theme.SP3)
        self.badge = QLineEdit()
        self.badge.setPlaceholderText(_("请输入警号"))
        self.badge.setMinimumHeight(36)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("请输入密码"))
        self.password.setMinimumHeight(36)
        form.addRow(_("警号"), self.badge)
        form.addRow(_("密码"), self.password)
        fl.addLayout(form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        # Alignment and flags are set in style sheets (qproperty-…): touching ``Qt``'s enums in
        # Python builds all of them, about 17 ms before the window could show (bench startup).
        self.message.setStyleSheet(f"color: {theme.ACCENT}; {TOP_LEFT}")
        # Room for the messages is kept from the start, so the form does not jump when the
        # database has opened and the demo hint appears.
        lines = self.message.fontMetrics().lineSpacing()
        self.message.setMinimumHeight(2 * lines)
        fl.addWidget(self.message)
        self.button = QPushButton(_("登录"))
        self.button.setDefault(True)
        self.button.setProperty("primary", True)
        self.button.setMinimumHeight(40)
        self.button.clicked.connect(self._submit)
        self.badge.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._submit)
        fl.addWidget(self.button)
        self.hint = QLabel("")
        self.hint.setObjectName("Muted")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"{TOP_LEFT} qproperty-textInteractionFlags: TextSelectableByMouse;")
        self.hint.setMinimumHeight(4 * lines)
        fl.addWidget(self.hint)
        fl.addStretch(2)
        lang_row = QHBoxLayout()
        lang_row.addStretch(1)
        lang_row.addWidget(QLabel(_("语言")))
        self.lang = QComboBox()
        self.lang.addItem("简体中文", "zh_CN")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(0 if language() == "zh_CN" else 1)
        self.lang.currentIndexChanged.connect(lambda _i: self.language_changed.emit(self.lang.currentData()))
        lang_row.addWidget(self.lang)
        fl.addLayout(lang_row)
        outer.addStretch(1)
        outer.addWidget(form_box, 2)
        outer.addStretch(1)
        self.set_ready(False)
        self.badge.setFocus()

    def set_ready(self, ready: bool, *, status: str = "") -> None:
        """Enable login once the database is open; until then say what is happening."""
        self._ready = ready
        self.button.setEnabled(ready)
        self.button.setText(_("登录") if ready else _("正在打开数据库…"))
        if status:
            self.message.setText(status)

    def set_demo_hint(self, text: str) -> None:
        self.hint.setText(text)

    def fail(self, message: str) -> None:
        self.button.setEnabled(True)
        self.message.setText(message)
        self.password.selectAll()
        self.password.setFocus()

    def _submit(self) -> None:
        if not self._ready:
            return
        badge = self.badge.text().strip()
        if not badge:
            self.fail(_("请输入警号"))
            self.badge.setFocus()
            return
        if not self.password.text():
            self.fail(_("请输入密码"))
            return
        self.message.setText("")
        self.button.setEnabled(False)
        self.login_requested.emit(badge, self.password.text())
