# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A practice run: one question at a time, check the answer, see the explanation right away."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout

from base.i18n import _, colon
from core.quiz import usecases as quiz
from core.quiz.practice import Feedback, streak_note
from core.quiz.question_view import QuestionView
from gui import theme
from gui.context import AppContext
from gui.quiz.question import QuestionWidget


class PracticeRunner(QFrame):
    """Emits ``answered()`` after each checked answer (pages refresh their counts)."""

    answered = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("Card")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.items: list[QuestionView] = []
        self.index = 0
        self.source = "bank"
        self.right = 0
        self.checked = False
        self.response: Any = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        self.heading = QLabel(_("选择左侧的练习方式开始"))
        self.heading.setObjectName("PageTitle")
        lay.addWidget(self.heading)
        self.question = QuestionWidget()
        self.question.changed.connect(self._changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.question)
        lay.addWidget(scroll, 1)
        self.feedback = QLabel("")
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.hide()
        lay.addWidget(self.feedback)
        row = QHBoxLayout()
        self.progress = QLabel("")
        self.progress.setObjectName("Muted")
        row.addWidget(self.progress, 1)
        self.check_btn = QPushButton(_("提交答案 (Enter)"))
        self.check_btn.setProperty("primary", True)
        self.check_btn.clicked.connect(self.check)
        self.next_btn = QPushButton(_("下一题 (Enter)"))
        self.next_btn.clicked.connect(self.next)
        for b in (self.check_btn, self.next_btn):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(b)
        lay.addLayout(row)
        self._set_buttons()

    def start(self, title: str, items: list[QuestionView], source: str) -> None:
        self.items, self.index, self.source, self.right = items, 0, source, 0
        self.heading.setText(title)
        if not items:
            self.question.hide()
            self.progress.setText(_("没有可练习的题目"))
            self.feedback.hide()
            self._set_buttons()
            return
        self.question.show()
        self._show()

    def _show(self) -> None:
        q = self.items[self.index]
        self.checked, self.response = False, None
        self.question.show_question(q, None, number=self.index + 1, total=len(self.items))
        self.feedback.hide()
        self.progress.setText(_("第 {i} / {n} 题 · 已答对 {r} 题", i=self.index + 1, n=len(self.items), r=self.right))
        self._set_buttons()
        if self.question.takes_text():
            self.question.focus_input()
        else:
            self.setFocus()

    def _set_buttons(self) -> None:
        has = bool(self.items)
        self.check_btn.setVisible(has and not self.checked)
        self.next_btn.setVisible(has and self.checked)
        self.next_btn.setText(_("下一题 (Enter)") if self.index + 1 < len(self.items) else _("完成"))

    def _changed(self, response: Any) -> None:
        self.response = response

    def check(self) -> None:
        if self.checked or not self.items:
            return
        self.question.flush()
        if not self.response:
            self.feedback.setText(f"<span style='color:{theme.WARNING}'>{_('请先作答')}</span>")
            self.feedback.show()
            return
        q = self.items[self.index]
        (self.ctx.call(quiz.check_answer, q.question_id, self.response, source=self.source)
         .success(self._show_feedback).run(self))

    def _show_feedback(self, fb: Feedback) -> None:
        self.checked = True
        self.right += 1 if fb.correct else 0
        self.question.set_locked(True)
        self.question.mark_answer(fb.correct_letters)
        color = theme.SUCCESS if fb.correct else theme.ACCENT
        verdict = _("回答正确") if fb.correct else _("回答错误")
        parts = [f"<p style='font-size:17px; color:{color}'><b>{'✔' if fb.correct else '✘'} {verdict}</b></p>",
                 f"<p>{_('您的答案')}{colon()}<b>{html.escape(fb.your_answer)}</b> &nbsp; "
                 f"{_('正确答案')}{colon()}<b style='color:{theme.SUCCESS}'>{html.escape(fb.correct_answer)}</b></p>"]
        if fb.explanation:
            parts.append(f"<p>{_('解析')}{colon()}{html.escape(fb.explanation)}</p>")
        note = streak_note(fb)
        if note:
            parts.append(f"<p style='color:{theme.MUTED}'>{html.escape(note)}</p>")
        self.feedback.setText("".join(parts))
        self.feedback.show()
        self.progress.setText(_("第 {i} / {n} 题 · 已答对 {r} 题", i=self.index + 1, n=len(self.items), r=self.right))
        self._set_buttons()
        self.setFocus()
        self.answered.emit()

    def next(self) -> None:
        if self.index + 1 < len(self.items):
            self.index += 1
            self._show()
        else:
            self.heading.setText(_("本轮练习完成：答对 {r} / {n} 题", r=self.right, n=len(self.items)))
            self.items = []
            self.question.hide()
            self.feedback.hide()
            self._set_buttons()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.next() if self.checked else self.check()
            return
        if not self.checked and Qt.Key.Key_A <= key <= Qt.Key.Key_H and self.question.choose(key - Qt.Key.Key_A):
            return
        if not self.checked and Qt.Key.Key_1 <= key <= Qt.Key.Key_8 and self.question.choose(key - Qt.Key.Key_1):
            return
        super().keyPressEvent(event)
