# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""One question on screen, answered by click or keys; used by the taking screen and by practice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.quiz.question_view import QuestionView
from gui import theme
from gui.widgets import text_label
from quizbank.model import LETTERS, QType

STEM_PX = 19
OPTION_STYLE = f"""
#Option {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER}; border-radius: 8px; }}
#Option:hover {{ border-color: {theme.ACCENT}; }}
#Option[checked="true"] {{ background: {theme.ACCENT_SOFT}; border: 2px solid {theme.ACCENT}; }}
#Option[result="right"] {{ background: #E8F5E9; border: 2px solid {theme.SUCCESS}; }}
#Option[result="right"] #OptionLetter {{ color: {theme.SUCCESS}; }}
#Option[result="wrong"] {{ background: {theme.ACCENT_SOFT}; border: 2px dashed {theme.ACCENT}; }}
#OptionLetter {{ font-size: 17px; font-weight: bold; color: {theme.ACCENT}; min-width: 28px; }}
#OptionText {{ font-size: 17px; }}
#Stem {{ font-size: {STEM_PX}px; line-height: 150%; }}
#QType {{ color: white; background: {theme.ACCENT}; border-radius: 4px; padding: 2px 8px; font-size: 13px; }}
"""


class OptionRow(QFrame):
    clicked = Signal()

    def __init__(self, letter: str, text: str) -> None:
        super().__init__()
        self.setObjectName("Option")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(theme.SP3, 10, theme.SP3, 10)
        self.letter = QLabel(letter)
        self.letter.setObjectName("OptionLetter")
        self.text = text_label(text, name="OptionText", wrap=True)
        lay.addWidget(self.letter, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.text, 1)
        self.checked = False

    def set_checked(self, on: bool) -> None:
        self.checked = on
        self.setProperty("checked", "true" if on else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def set_result(self, result: str) -> None:
        """"right" (green: a correct option), "wrong" (chosen but not correct) or "" after checking."""
        self.setProperty("result", result)
        self.style().unpolish(self)
        self.style().polish(self)
        for child in (self.letter, self.text):
            child.style().unpolish(child)
            child.style().polish(child)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()


class QuestionWidget(QWidget):
    """Shows a :class:`QuestionView`; emits ``changed(response)`` with shown letters / texts."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(OPTION_STYLE)
        self.view: QuestionView | None = None
        self.rows: list[OptionRow] = []
        self.edits: list[QLineEdit] = []
        self.essay: QPlainTextEdit | None = None
        self.locked = False
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self._lay.setSpacing(theme.SP2 + 2)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(500)
        self._debounce.timeout.connect(lambda: self.changed.emit(self.response()))

    def show_question(self, view: QuestionView, response: Any = None, *, number: int | None = None,
                      total: int | None = None) -> None:
        self.flush()
        while self._lay.count():
            item = self._lay.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.view, self.rows, self.edits, self.essay, self.locked = view, [], [], None, False
        head = QHBoxLayout()
        kind = QLabel(QType(view.qtype).label)
        kind.setObjectName("QType")
        head.addWidget(kind)
        if number is not None:
            n = QLabel(_("第 {i} 题 / 共 {n} 题 · {p:g} 分", i=number, n=total or number, p=view.points))
            n.setObjectName("Muted")
            head.addWidget(n)
        head.addStretch(1)
        holder = QWidget()
        holder.setLayout(head)
        self._lay.addWidget(holder)
        stem = text_label(view.stem, name="Stem", wrap=True)
        stem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay.addWidget(stem)
        texts = list(view.options) if view.qtype != "judge" else [_("正确"), _("错误")]
        for i, text in enumerate(texts):
            row = OptionRow(LETTERS[i], text)
            row.clicked.connect(lambda i=i: self.choose(i))
            self.rows.append(row)
            self._lay.addWidget(row)
        if view.qtype == "fill":
            for i in range(view.blank_count):
                edit = QLineEdit()
                edit.setPlaceholderText(_("第 {n} 空", n=i + 1))
                edit.setStyleSheet("font-size: 17px; padding: 8px;")
                edit.textEdited.connect(lambda _t: self._debounce.start())
                edit.editingFinished.connect(self.flush)
                self.edits.append(edit)
                self._lay.addWidget(edit)
        elif view.qtype == "essay":
            self.essay = QPlainTextEdit()
            self.essay.setPlaceholderText(_("在此作答…"))
            self.essay.setStyleSheet("font-size: 16px;")
            self.essay.setMinimumHeight(200)
            self.essay.textChanged.connect(self._debounce.start)
            self._lay.addWidget(self.essay)
        self._lay.addStretch(1)
        self.set_response(response)

    def set_response(self, response: Any) -> None:
        assert self.view is not None
        if self.view.qtype == "judge":
            chosen = {"A"} if response == ["T"] else {"B"} if response == ["F"] else set()
        else:
            chosen = set(response or []) if self.view.qtype in ("single", "multiple") else set()
        for i, row in enumerate(self.rows):
            row.set_checked(LETTERS[i] in chosen)
        for i, edit in enumerate(self.edits):
            edit.setText(str(response[i]) if response and i < len(response) else "")
        if self.essay is not None:
            self.essay.blockSignals(True)
            self.essay.setPlainText(str(response[0]) if response else "")
            self.essay.blockSignals(False)

    def response(self) -> Any:
        if self.view is None:
            return None
        if self.view.qtype == "judge":
            picked = [r for r in self.rows if r.checked]
            return (["T"] if picked[0] is self.rows[0] else ["F"]) if picked else None
        if self.view.qtype in ("single", "multiple"):
            letters = [LETTERS[i] for i, r in enumerate(self.rows) if r.checked]
            return letters or None
        if self.view.qtype == "fill":
            texts = [e.text() for e in self.edits]
            return texts if any(t.strip() for t in texts) else None
        text = self.essay.toPlainText() if self.essay else ""
        return [text] if text.strip() else None

    def choose(self, index: int) -> bool:
        """Pick (single/判断) or toggle (多选) option ``index``; False when there is no such option."""
        if self.locked or self.view is None or not 0 <= index < len(self.rows):
            return False
        if self.view.qtype == "multiple":
            self.rows[index].set_checked(not self.rows[index].checked)
        else:
            for i, row in enumerate(self.rows):
                row.set_checked(i == index)
        self.changed.emit(self.response())
        return True

    def mark_answer(self, correct: tuple[str, ...]) -> None:
        """After checking a practice answer: the correct options in green, a wrong choice marked too."""
        for i, row in enumerate(self.rows):
            row.set_result("right" if LETTERS[i] in correct else "wrong" if row.checked else "")

    def takes_text(self) -> bool:
        return bool(self.view and self.view.qtype in ("fill", "essay"))

    def focus_input(self) -> None:
        if self.edits:
            self.edits[0].setFocus()
        elif self.essay is not None:
            self.essay.setFocus()

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        for e in self.edits:
            e.setReadOnly(locked)
        if self.essay is not None:
            self.essay.setReadOnly(locked)

    def flush(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit(self.response())
