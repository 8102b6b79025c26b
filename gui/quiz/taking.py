# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The taking screen: one question at a time, keys A–H / 1–8, ←/→, F, a number grid, a countdown.

Every answer is saved through the serial database worker the moment it is given
(``core.quiz.attempts.save_answer`` in its own transaction). The countdown runs on
the monotonic clock from the remaining time core computed, so changing the
system clock gains nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.quiz import usecases as quiz
from core.quiz.attempts import Countdown, Paper
from core.quiz.grading import is_answered
from core.quiz.lockdown import LockdownState
from gui import theme
from gui.context import AppContext
from gui.quiz.question import QuestionWidget
from gui.widgets import text_label

GRID_STYLE = f"""
#Cell {{ min-width: 38px; max-width: 38px; min-height: 34px; padding: 0; border-radius: 4px;
         background: {theme.SURFACE}; border: 1px solid {theme.BORDER}; }}
#Cell[state="answered"] {{ background: {theme.ACCENT_SOFT}; border-color: {theme.ACCENT}; color: {theme.ACCENT}; }}
#Cell[state="flagged"] {{ background: #FFF3E0; border: 2px solid {theme.WARNING}; color: {theme.WARNING}; }}
#Cell[current="true"] {{ font-weight: bold; border-width: 3px; }}
#Countdown {{ font-size: 22px; font-weight: bold; color: {theme.ACCENT}; }}
#Countdown[warn="true"] {{ color: white; background: {theme.WARNING}; border-radius: 6px; padding: 2px 10px; }}
#Warning {{ background: #FFF3E0; color: {theme.WARNING}; border: 1px solid {theme.WARNING}; border-radius: 6px;
            padding: 8px 12px; font-size: 15px; font-weight: bold; }}
#ExamTitle {{ font-size: 18px; font-weight: bold; }}
#Panel {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER}; border-radius: 8px; }}
"""
WARN_AT = (300, 60)


def fmt_remaining(seconds: float) -> str:
    s = int(seconds + 0.999)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


class ExamScreen(QWidget):
    """Emits ``submitted(attempt_id)`` once the attempt is graded and stored."""

    submitted = Signal(object)

    def __init__(self, ctx: AppContext, paper: Paper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.paper = paper
        self.responses: dict[int, Any] = dict(paper.responses)
        self.flagged: set[int] = set(paper.flagged)
        self.current = 0
        self.warned: set[int] = set()
        self.finishing = False
        self.countdown = Countdown(paper.remaining_s, ctx.clock)
        # Ask before submitting; tests replace it. Returns True to go ahead.
        self.confirm: Callable[[str, str], bool] = self._ask
        self.setStyleSheet(GRID_STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self.show_question(min(paper.resume_at, len(paper.items) - 1) if paper.items else 0)
        if paper.lockdown:
            self.show_lockdown(LockdownState(None, paper.departures, paper.leave_limit, False), first=True)
        self.tick()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        outer.setSpacing(theme.SP3)
        left = QVBoxLayout()
        top = QHBoxLayout()
        title = text_label(self.paper.quiz_title, name="ExamTitle")
        top.addWidget(title, 1)
        self.clock_label = QLabel("")
        self.clock_label.setObjectName("Countdown")
        top.addWidget(self.clock_label)
        left.addLayout(top)
        self.warning = QLabel("")
        self.warning.setObjectName("Warning")
        self.warning.hide()
        left.addWidget(self.warning)
        panel = QFrame()
        panel.setObjectName("Panel")
        pl = QVBoxLayout(panel)
        pl.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        self.question = QuestionWidget()
        self.question.changed.connect(self._on_changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.question)
        pl.addWidget(scroll)
        left.addWidget(panel, 1)
        nav = QHBoxLayout()
        self.prev_btn = QPushButton(_("← 上一题"))
        self.prev_btn.clicked.connect(lambda: self.go(self.current - 1))
        self.flag_btn = QPushButton(_("标记 (F)"))
        self.flag_btn.clicked.connect(self.toggle_flag)
        self.next_btn = QPushButton(_("下一题 →"))
        self.next_btn.clicked.connect(lambda: self.go(self.current + 1))
        for b in (self.prev_btn, self.flag_btn, self.next_btn):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        nav.addWidget(self.prev_btn)
        nav.addStretch(1)
        nav.addWidget(self.flag_btn)
        nav.addStretch(1)
        nav.addWidget(self.next_btn)
        left.addLayout(nav)
        hint = QLabel(_("键盘：A–H 或 1–8 选择，← → 切换题目，F 标记；填空和简答中用 Alt+← →"))
        hint.setObjectName("Muted")
        left.addWidget(hint)
        outer.addLayout(left, 1)

        side = QFrame()
        side.setObjectName("Panel")
        side.setFixedWidth(300)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(theme.SP3, theme.SP3, theme.SP3, theme.SP3)
        sl.addWidget(QLabel(_("答题卡")))
        grid = QGridLayout()
        grid.setSpacing(6)
        self.cells: list[QPushButton] = []
        for i in range(len(self.paper.items)):
            cell = QPushButton(str(i + 1))
            cell.setObjectName("Cell")
            cell.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            cell.clicked.connect(lambda _c=False, i=i: self.go(i))
            grid.addWidget(cell, i // 5, i % 5)
            self.cells.append(cell)
        grid.setRowStretch(len(self.paper.items) // 5 + 1, 1)
        cells = QWidget()
        cells.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(cells)
        sl.addWidget(scroll, 1)
        self.legend = QLabel("")
        self.legend.setObjectName("Muted")
        self.legend.setWordWrap(True)
        sl.addWidget(self.legend)
        self.submit_btn = QPushButton(_("交卷"))
        self.submit_btn.setProperty("primary", True)
        self.submit_btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.submit_btn.clicked.connect(self.request_submit)
        sl.addWidget(self.submit_btn)
        outer.addWidget(side)
        # ←/→ as shortcuts of the whole screen: a click on an option, the stem or the answer card
        # leaves focus on a scroll area or label, which would otherwise take the arrows for itself.
        # Text inputs (填空, 简答) still get ←/→ to move the cursor: they claim them first.
        for seq, fn in (("Alt+Left", lambda: self.go(self.current - 1)), ("Alt+Right", lambda: self.go(self.current + 1)),
                        ("PgUp", lambda: self.go(self.current - 1)), ("PgDown", lambda: self.go(self.current + 1)),
                        ("Left", lambda: self.go(self.current - 1)), ("Right", lambda: self.go(self.current + 1))):
            shortcut = QShortcut(QKeySequence(seq), self, fn)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for area in self.findChildren(QScrollArea):
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # a click lands on the screen, which takes the keys

    # --- state ------------------------------------------------------------------------------
    def answered(self, position: int) -> bool:
        return is_answered(self.paper.items[position].qtype, self.responses.get(position))

    def cell_state(self, position: int) -> str:
        if position in self.flagged:
            return "flagged"
        return "answered" if self.answered(position) else "unanswered"

    def unanswered(self) -> list[int]:
        return [i for i in range(len(self.paper.items)) if not self.answered(i)]

    def _refresh_grid(self) -> None:
        for i, cell in enumerate(self.cells):
            cell.setProperty("state", self.cell_state(i))
            cell.setProperty("current", "true" if i == self.current else "false")
            cell.style().unpolish(cell)
            cell.style().polish(cell)
        n = len(self.paper.items)
        done = n - len(self.unanswered())
        self.legend.setText(_("已答 {a} / {n}，标记 {f}。浅红：已答；橙色：标记；白色：未答", a=done, n=n, f=len(self.flagged)))
        self.flag_btn.setText(_("取消标记 (F)") if self.current in self.flagged else _("标记 (F)"))

    def show_question(self, position: int) -> None:
        self.current = position
        view = self.paper.items[position]
        self.question.show_question(view, self.responses.get(position), number=position + 1,
                                    total=len(self.paper.items))
        self.prev_btn.setEnabled(position > 0)
        self.next_btn.setEnabled(position < len(self.paper.items) - 1)
        self._refresh_grid()
        if self.question.takes_text():
            self.question.focus_input()
        else:
            self.setFocus()

    def go(self, position: int) -> None:
        if 0 <= position < len(self.paper.items) and position != self.current:
            self.question.flush()
            self.show_question(position)

    # --- answering --------------------------------------------------------------------------
    def _on_changed(self, response: Any) -> None:
        if self.finishing:
            return
        pos = self.current
        if self.responses.get(pos) == response:
            return
        self.responses[pos] = response
        self._save(pos, response, None)
        self._refresh_grid()

    def toggle_flag(self) -> None:
        pos = self.current
        flag = pos not in self.flagged
        if flag:
            self.flagged.add(pos)
        else:
            self.flagged.discard(pos)
        self._save(pos, self.responses.get(pos), flag)
        self._refresh_grid()

    def _save(self, position: int, response: Any, flagged: bool | None) -> None:
        self.ctx.call(quiz.save_answer, self.paper.attempt_id, position, response, flagged=flagged).run(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if Qt.Key.Key_A <= key <= Qt.Key.Key_H and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if self.question.choose(key - Qt.Key.Key_A):
                return
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_8:
            if self.question.choose(key - Qt.Key.Key_1):
                return
        elif key == Qt.Key.Key_Left:
            self.go(self.current - 1)
            return
        elif key == Qt.Key.Key_Right:
            self.go(self.current + 1)
            return
        if key == Qt.Key.Key_F:
            self.toggle_flag()
            return
        super().keyPressEvent(event)

    # --- time and submitting ----------------------------------------------------------------
    def remaining(self) -> float | None:
        return self.countdown.remaining()

    def tick(self) -> None:
        rem = self.countdown.remaining()
        if rem is None:
            self.clock_label.setText(_("不限时"))
            return
        self.clock_label.setText(_("剩余 {t}", t=fmt_remaining(rem)))
        for limit in WARN_AT:
            if rem <= limit and limit not in self.warned:
                self.warned |= {x for x in WARN_AT if x >= limit}
                self.warning.setText(_("注意：考试还剩 {m} 分钟，时间到将自动交卷", m=limit // 60))
                self.warning.show()
                self.clock_label.setProperty("warn", "true")
                self.clock_label.style().unpolish(self.clock_label)
                self.clock_label.style().polish(self.clock_label)
        if rem <= 0 and not self.finishing:
            self.submit(auto=True)

    def confirm_text(self) -> str:
        missing = self.unanswered()
        if not missing:
            return _("全部 {n} 题都已作答。确定交卷吗？交卷后不能再修改。", n=len(self.paper.items))
        numbers = "、".join(str(i + 1) for i in missing)
        return _("还有 {k} 题未作答：第 {nums} 题。\n确定交卷吗？交卷后不能再修改。", k=len(missing), nums=numbers)

    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def request_submit(self) -> None:
        self.question.flush()
        if self.confirm(_("确认交卷"), self.confirm_text()):
            self.submit()

    def submit(self, *, auto: bool = False) -> None:
        if self.finishing:
            return
        self.question.flush()
        self.finishing = True
        self.timer.stop()
        self.question.set_locked(True)
        self.submit_btn.setEnabled(False)
        if auto:
            self.warning.setText(_("时间到，正在自动交卷…"))
            self.warning.show()
        (self.ctx.call(quiz.submit_attempt, self.paper.attempt_id, auto=auto)
         .success(lambda _r: self.submitted.emit(self.paper.attempt_id))
         .failure(self._submit_failed).run(self))

    def show_lockdown(self, state: LockdownState, *, first: bool = False) -> None:
        """The lockdown warning: departures so far and how many are left; over the limit, core has
        submitted the attempt already, and the result follows."""
        text = state.warning()
        if first:
            text = _("本场考试为锁定模式：请勿切换窗口或离开考试界面，每次离开都会记录。") + (
                text if state.count else (_("最多可离开 {m} 次，超过将自动交卷", m=state.limit)
                                          if state.limit is not None else ""))
        self.warning.setText(text)
        self.warning.show()
        if state.submitted and not self.finishing:
            self.finishing = True
            self.timer.stop()
            self.question.set_locked(True)
            self.submit_btn.setEnabled(False)
            self.submitted.emit(self.paper.attempt_id)

    def _submit_failed(self, exc: BaseException) -> None:
        from gui.errors import show_exception

        self.finishing = False
        self.submit_btn.setEnabled(True)
        self.question.set_locked(False)
        show_exception(parent=self, exception=exc)
