# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Taking quizzes: the exam window (taking screen, then result screen) and the resume offer on login."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from base.i18n import _
from core.quiz import usecases as quiz
from core.quiz.attempts import Paper
from core.quiz.results import AttemptResult
from gui.context import AppContext
from gui.quiz.lockdown import LockdownGuard
from gui.quiz.result import ResultView
from gui.quiz.taking import ExamScreen, fmt_remaining

_open_windows: list[QWidget] = []


class ExamWindow(QWidget):
    """A window of its own for one attempt: the taking screen, then the result."""

    def __init__(self, ctx: AppContext, paper: Paper, on_done: Callable[[], None] | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.ctx = ctx
        self.on_done = on_done
        self.setWindowTitle(paper.quiz_title)   # Qt adds " — 学习园地"
        fit_to_screen(self, 1366, 768)
        self.stack = QStackedWidget()
        lay = QVBoxLayout(self)
        lay.addWidget(self.stack)
        lay.setContentsMargins(0, 0, 0, 0)
        self.screen_: ExamScreen | None = None
        self.guard: LockdownGuard | None = None
        self._leaving = False         # closing without asking (see leave())
        if paper.finished:
            self.show_result(paper.attempt_id)
        else:
            self.screen_ = ExamScreen(ctx, paper)
            self.screen_.submitted.connect(self.show_result)
            self.stack.addWidget(self.screen_)
            if paper.lockdown:
                self.guard = LockdownGuard(ctx, self, self.screen_)

    def show_result(self, attempt_id: uuid.UUID) -> None:
        if self.guard is not None:
            self.guard.release()

        def done(result: AttemptResult) -> None:
            view = ResultView(result)
            view.close_requested.connect(self.close)
            self.stack.addWidget(view)
            self.stack.setCurrentWidget(view)
            if self.on_done:
                self.on_done()

        self.ctx.call(quiz.attempt_result, attempt_id).success(done).run(self)

    def leave(self) -> None:
        """Close without asking (the officer signs out or someone else takes the PC): every answer is
        already stored, the last typed one is sent now, and the deadline keeps running."""
        self._leaving = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        s = self.screen_
        if s is not None and not s.finishing and self.stack.currentWidget() is s:
            if not self._leaving and self.guard is not None:
                s.warning.setText(_("锁定模式下不能关闭考试窗口；答完后请交卷"))
                s.warning.show()
                event.ignore()
                return
            if not self._leaving:
                answer = QMessageBox.question(self, _("离开考试"),
                                              _("答案都已保存，计时不会暂停。确定先离开吗？稍后可在“考试”中继续作答。"))
                if answer != QMessageBox.StandardButton.Yes:
                    event.ignore()
                    return
            s.question.flush()
            s.timer.stop()
        if self.guard is not None:
            self.guard.stop()
        if self in _open_windows:
            _open_windows.remove(self)
        super().closeEvent(event)


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Size ``window`` to ``width``×``height`` or the screen's free area, whichever is smaller, and
    centre it: exam windows must fit every station screen from 1280×720 to 1920×1080."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else QRect(0, 0, width, height)
    window.setMinimumSize(min(960, area.width()), min(600, area.height()))
    size = QSize(min(width, area.width()), min(height, area.height()))
    window.resize(size)
    window.move(area.x() + (area.width() - size.width()) // 2, area.y() + (area.height() - size.height()) // 2)


def leave_exam_windows() -> None:
    """Close every exam window without asking (signing out); answers stay stored."""
    for win in list(_open_windows):
        if isinstance(win, ExamWindow):
            win.leave()
        else:
            win.close()


def show_paper(ctx: AppContext, paper: Paper, on_done: Callable[[], None] | None = None) -> ExamWindow:
    if paper.expired_now:
        QMessageBox.information(None, _("已自动交卷"), _("“{t}”的考试时间已过，已按已作答内容自动交卷。", t=paper.quiz_title))
    win = ExamWindow(ctx, paper, on_done)
    _open_windows.append(win)
    win.show()
    if win.guard is not None:
        win.guard.enter()
    return win


def open_attempt(ctx: AppContext, attempt_id: uuid.UUID, parent: QWidget | None = None,
                 on_done: Callable[[], None] | None = None) -> None:
    ctx.call(quiz.open_attempt, attempt_id).success(lambda paper: show_paper(ctx, paper, on_done)).run(parent)


def start_quiz(ctx: AppContext, quiz_id: int, parent: QWidget | None = None,
               on_done: Callable[[], None] | None = None) -> None:
    """Start (or continue) the officer's attempt at ``quiz_id`` and open the exam window."""
    ctx.call(quiz.start_attempt, quiz_id).success(lambda paper: show_paper(ctx, paper, on_done)).run(parent)


def offer_resume(parent: QWidget, ctx: AppContext) -> None:
    """On login: submit attempts that expired while closed, and offer to resume an unfinished one."""
    def done(state: quiz.ResumeState) -> None:
        if state.expired:
            _box(parent, QMessageBox.Icon.Information, _("已自动交卷"),
                 _("以下考试在程序关闭期间到时，已按已作答内容自动交卷：\n{t}", t="\n".join(state.expired)), None)
        offer = state.offer
        if offer is None:
            return
        left = fmt_remaining(offer.remaining_s) if offer.remaining_s is not None else _("不限时")
        _box(parent, QMessageBox.Icon.Question, _("继续未完成的考试"),
             _("您有一份未完成的答卷：{t}\n已答 {a} / {n} 题，剩余时间 {r}。\n现在继续作答吗？",
               t=offer.quiz_title, a=offer.answered, n=offer.total, r=left),
             lambda: open_attempt(ctx, offer.attempt_id, parent))

    ctx.call(quiz.resume_state).success(done).run(parent)


def _box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, on_yes: Callable[[], None] | None) -> QMessageBox:
    """A non-blocking message box (the main window stays usable; nothing waits on it)."""
    box = QMessageBox(icon, title, text, parent=parent)
    if on_yes is None:
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
    else:
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.accepted.connect(on_yes)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
