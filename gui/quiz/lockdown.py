# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Lockdown exam mode on screen: full screen without a frame, every departure reported.

:class:`LockdownGuard` watches one exam window. Losing activation (Alt+Tab, a click on another
program or on a window on another monitor) or being minimised is a departure once it lasts past a
short settle time (a window of the exam itself, like the submit confirmation, is not one). The
guard tells core at once (``quiz.leave_exam``: recorded, maybe submitted over the limit) and the
duration when the officer is back (``quiz.back_to_exam``); the exam screen shows the warning.
Copy, cut, paste, select-all into other programs, print and context menus are swallowed inside
the window. Answers are saved on every click as always, so a crash loses nothing; reopening the
attempt is recorded by core as ``resume`` and not counted.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from core.quiz import usecases as quiz
from core.quiz.lockdown import LockdownState
from gui.context import AppContext

if TYPE_CHECKING:
    from gui.quiz.taking import ExamScreen

SETTLE_MS = 250          # a deactivation shorter than this (a flicker while windows rearrange) is not a departure
BLOCKED_KEYS = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste,
                QKeySequence.StandardKey.Print, QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
LOCKED_FLAGS = Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint


class LockdownGuard(QObject):
    def __init__(self, ctx: AppContext, window: QWidget, screen: ExamScreen) -> None:
        super().__init__(window)
        self.ctx, self.window, self.screen = ctx, window, screen
        self.away: tuple[float, str] | None = None     # monotonic start and kind of the current departure
        self.departure_id: uuid.UUID | None = None
        self.unsent_return: float | None = None        # back before core answered the departure
        self.active = False
        self._check = QTimer(self)
        self._check.setSingleShot(True)
        self._check.timeout.connect(self._confirm_departure)
        window.installEventFilter(self)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.installEventFilter(self)      # keys and context menus of the window's children
        app.applicationStateChanged.connect(self._app_state)
        self._watching = True

    # --- full screen -----------------------------------------------------------------------------

    def enter(self) -> None:
        """Full screen, no frame, on the monitor the window is on now."""
        self.active = True
        target = self.window.screen() or QGuiApplication.primaryScreen()
        self.window.setWindowFlags(LOCKED_FLAGS)
        self.window.setGeometry(target.geometry())
        self.window.showFullScreen()
        self.window.raise_()
        self.window.activateWindow()

    def release(self) -> None:
        """The attempt is over: an ordinary window again, closable."""
        self.stop()
        self.window.setWindowFlags(Qt.WindowType.Window)
        self.window.showNormal()

    def stop(self) -> None:
        """Watch no more (the attempt is over, or the window closes)."""
        self.active = False
        self._check.stop()
        app = QApplication.instance()
        if app is not None and self._watching:
            self._watching = False
            app.removeEventFilter(self)
            if isinstance(app, QApplication):
                app.applicationStateChanged.disconnect(self._app_state)

    # --- watching --------------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self.active or not shiboken6.isValid(self.window):
            return False
        kind = event.type()
        if obj is self.window:
            if kind == QEvent.Type.WindowDeactivate:
                self._check.start(SETTLE_MS)
            elif kind == QEvent.Type.WindowActivate:
                self._check.stop()
                self.came_back()
            elif kind == QEvent.Type.WindowStateChange and self.window.isMinimized():
                self.left("minimized")
                QTimer.singleShot(0, self.window.showFullScreen)
            return False
        if isinstance(obj, QWidget) and (obj is self.window or self.window.isAncestorOf(obj)):
            if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent) \
                    and any(event.matches(k) for k in BLOCKED_KEYS):
                event.accept()
                return True
            if kind in (QEvent.Type.ContextMenu, QEvent.Type.Drop, QEvent.Type.DragEnter):
                return True
        return False

    def _app_state(self, state: Qt.ApplicationState) -> None:
        if self.active and shiboken6.isValid(self.window) and state != Qt.ApplicationState.ApplicationActive:
            self._check.start(SETTLE_MS)

    def _confirm_departure(self) -> None:
        if not self.active or not shiboken6.isValid(self.window) or self.window.isActiveWindow():
            return
        focus = QGuiApplication.focusWindow()
        mine = self.window.windowHandle()
        if focus is not None and mine is not None and focus.transientParent() is mine:
            return             # the exam's own dialog (the submit confirmation)
        if QGuiApplication.applicationState() != Qt.ApplicationState.ApplicationActive or focus is None:
            self.left("app")
        elif mine is not None and focus.screen() is not mine.screen():
            self.left("screen")
        else:
            self.left("focus")

    # --- departures ----------------------------------------------------------------------------

    def left(self, kind: str) -> None:
        if self.away is not None or self.screen.finishing:
            return
        self.away = (time.monotonic(), kind)
        self.departure_id, self.unsent_return = None, None
        (self.ctx.call(quiz.leave_exam, self.screen.paper.attempt_id, kind)
         .success(self._recorded).run(self.window))

    def came_back(self) -> None:
        if self.away is None:
            return
        seconds = time.monotonic() - self.away[0]
        self.away = None
        if self.departure_id is None:
            self.unsent_return = seconds
        else:
            self._send_return(self.departure_id, seconds)
        if self.active and not self.window.isFullScreen():
            self.window.showFullScreen()

    def _recorded(self, state: LockdownState) -> None:
        self.screen.show_lockdown(state)
        if state.departure_id is None:
            return
        self.departure_id = state.departure_id
        if self.unsent_return is not None:
            self._send_return(state.departure_id, self.unsent_return)
            self.unsent_return = None

    def _send_return(self, departure_id: uuid.UUID, seconds: float) -> None:
        self.ctx.call(quiz.back_to_exam, departure_id, seconds).run(self.window)
