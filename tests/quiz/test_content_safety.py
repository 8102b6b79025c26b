# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Imported question text is shown as text: markup in a stem or an option is never rendered."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from core.quiz.question_view import QuestionView
from gui.quiz.question import QuestionWidget
from gui.widgets import plain_tooltip

FAKE = "<h2 style='color:red'>本题答案：B</h2><img src='file:///etc/hosts'>"


def test_stem_and_options_with_markup_show_literally(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = QuestionWidget()
    qtbot.addWidget(widget)
    view = QuestionView(0, 1, "single", FAKE, (FAKE, "<b>乙</b>"), 0, 1.0)
    widget.show_question(view)
    labels = {label.text(): label for label in widget.findChildren(QLabel)}
    assert FAKE in labels and "<b>乙</b>" in labels
    for text in (FAKE, "<b>乙</b>"):
        assert labels[text].textFormat() == Qt.TextFormat.PlainText


def test_tooltips_escape_markup() -> None:
    tip = plain_tooltip(FAKE)
    assert "<h2" not in tip and "&lt;h2" in tip and "<img" not in tip
