# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The idle lock of a shared station PC: no keyboard or mouse input for a while locks the main window.

:class:`IdleWatcher` watches every input event of the application (an event filter on the
``QApplication``) and says when the set time has passed without any. :class:`LockScreen` is the
full-window overlay the main window then shows: who is logged in, a password field to take the
screen back (checked like a login, so wrong passwords count towards the lockout), and "换人登录"
to sign this person out so someone else can log in. Exams and readers keep going underneath: their
windows are hidden while the screen is locked and come back when it is unlocked.
"""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from base.errors import StudyHallError
from base.i18n import _
from core.access.usecase import Change
from core.people import usecases as people
from core.people.login import SecuritySettings
from core.people.users import UserInfo
from gui import theme
from gui.context import AppContext

INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                          QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate})
CHECK_MS = 5_000          # how often the watcher looks at the clock (at most; less for short timeouts)


class IdleWatcher(QObject):
    """Emits ``idle`` once no input event has reached the application for ``timeout_ms``."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = 0
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_timeout(self, timeout_ms: int) -> None:
        """Start watching (0: never lock); counting starts now."""
        self.timeout_ms = max(0, timeout_ms)
        self.resume()

    def pause(self) -> None:
        self._timer.stop()

    def resume(self) -> None:
        self._last = time.monotonic()
        if self.timeout_ms:
            self._timer.start(max(50, min(CHECK_MS, self.timeout_ms // 4)))
        else:
            self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in INPUT_EVENTS:
            self._last = time.monotonic()
        return False

    def _check(self) -> None:
        if self.timeout_ms and (time.monotonic() - self._last) * 1000 >= self.timeout_ms:
            self._timer.stop()
            self.idle.emit()


class LockScreen(QWidget):
    """The overlay over the whole main window while it is locked."""

    unlock_requested = Signal(str)
    switch_user = Signal()

    def __init__(self, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        card = QFrame()
        card.setObjectName("Card")
        card.setFixedWidth(460)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(theme.SP4 * 2, theme.SP4 * 2, theme.SP4 * 2, theme.SP4 * 2)
        lay.setSpacing(theme.SP3)
        emblem = QLabel()
        emblem.setPixmap(theme.icon("emblem").pixmap(56, 56))
        emblem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(emblem)
        title = QLabel(_("屏幕已锁定"))
        title.setObjectName("PageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
        self.reason = QLabel("")
        self.reason.setObjectName("Muted")
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason.setWordWrap(True)
        lay.addWidget(self.reason)
        self.who = QLabel(_("当前登录：{n}（{b}）· {u}", n=user.name, b=user.badge, u=user.unit_name))
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who.setWordWrap(True)
        self.who.setStyleSheet("font-size: 16px; font-weight: bold;")
        lay.addWidget(self.who)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("输入 {n} 的密码解锁", n=user.name))
        self.password.setMinimumHeight(36)
        self.password.returnPressed.connect(self._submit)
        lay.addWidget(self.password)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.ACCENT};")
        lay.addWidget(self.message)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton(_("换人登录"))
        self.switch_button.clicked.connect(self.switch_user.emit)
        self.unlock_button = QPushButton(_("解锁"))
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setMinimumHeight(36)
        self.unlock_button.clicked.connect(self._submit)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        lay.addLayout(buttons)
        note = QLabel(_("已作答的考试答案和学习记录都已保存；考试计时不会暂停。换人登录会先退出当前账号。"))
        note.setObjectName("Muted")
        note.setWordWrap(True)
        lay.addWidget(note)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.hide()

    def prepare(self, minutes: int) -> None:
        """Shown again: empty field, no message, the reason in minutes."""
        self.password.clear()
        self.message.setText("")
        self.unlock_button.setEnabled(True)
        self.reason.setText(_("超过 {n} 分钟无操作，学习园地已锁定", n=minutes) if minutes else "")

    def fail(self, message: str) -> None:
        self.unlock_button.setEnabled(True)
        self.message.setText(message)
        self.password.selectAll()
        self.password.setFocus()

    def _submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        if not self.password.text():
            self.fail(_("请输入密码"))
            return
        self.message.setText("")
        self.unlock_button.setEnabled(False)
        self.unlock_requested.emit(self.password.text())


class SessionLock(QObject):
    """The idle lock of one main window, and the signing out that "换人登录" and logout share."""

    switch_user = Signal()

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.minutes = 0
        self.locked = False
        self.watcher = IdleWatcher(self)
        self.watcher.idle.connect(self.lock)
        self.screen = LockScreen(ctx.user, window)
        self.screen.unlock_requested.connect(self._unlock)
        self.screen.switch_user.connect(self.switch_user.emit)
        self._hidden: list[QWidget] = []
        window.installEventFilter(self)
        self.reload()
        ctx.on(Change.SETTINGS, self.reload)

    # --- when to lock ---------------------------------------------------------------------
    def reload(self) -> None:
        """Read the idle time set for this database (an administrator sets it on the 设置 page)."""
        self.ctx.call(people.security_settings).success(self._apply).run(self.window)

    def _apply(self, settings: SecuritySettings) -> None:
        self.minutes = settings.idle_lock_minutes
        self.set_timeout_ms(self.minutes * 60_000)

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self.watcher.set_timeout(timeout_ms)
        if self.locked:
            self.watcher.pause()

    # --- locking and unlocking ------------------------------------------------------------
    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self.watcher.pause()
        self._hidden = self._set_aside()
        self._underneath(False)                            # nothing underneath takes focus or keys
        self.screen.prepare(self.minutes)
        self.screen.setGeometry(self.window.rect())
        self.screen.show()
        self.screen.raise_()
        self.window.activateWindow()
        self.screen.password.setFocus()

    def _underneath(self, enabled: bool) -> None:
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(enabled)

    def _set_aside(self) -> list[QWidget]:
        """Hide the session's other windows (an exam, a reader, a progress dialog) to show them again
        on unlock; questions left open in dialogs are cancelled (their answer would be someone else's)."""
        hidden: list[QWidget] = []
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or not widget.isVisible():
                continue
            if widget.windowType() == Qt.WindowType.Popup:
                widget.close()
            elif isinstance(widget, QDialog) and not isinstance(widget, QProgressDialog):
                widget.reject()
            else:
                widget.hide()
                hidden.append(widget)
        return hidden

    def _unlock(self, password: str) -> None:
        def failed(exc: BaseException) -> None:
            if isinstance(exc, StudyHallError):
                self.screen.fail(str(exc))
                return
            self.screen.fail(_("解锁失败"))
            from gui.errors import show_exception

            show_exception(parent=self.window, exception=exc)

        self.ctx.call(people.unlock_session, password).success(lambda _user: self.unlock()).failure(failed) \
            .run(self.window)

    def unlock(self) -> None:
        """Take the screen away and bring the session's windows back."""
        self.locked = False
        self.screen.hide()
        self._underneath(True)
        for widget in self._hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden = []
        self.watcher.resume()

    # --- signing out ----------------------------------------------------------------------
    def sign_out(self) -> None:
        """Close the session's windows before the login window comes back, losing nothing:
        exam windows close without asking (every answer is stored on each click; the deadline
        keeps running, as it does when an exam window is closed), readers send their last
        heartbeat, open questions are cancelled."""
        from gui.quiz import leave_exam_windows
        from gui.study.reader import ReaderWindow

        self.watcher.pause()
        leave_exam_windows()
        for reader in self.window.findChildren(ReaderWindow):
            reader.close()
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and not isinstance(widget, QProgressDialog) and widget.isVisible():
                widget.reject()
        self._hidden = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.Resize and self.locked:
            self.screen.setGeometry(self.window.rect())
        return False
