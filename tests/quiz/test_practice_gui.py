# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Practice feedback marks the correct option in green and a wrong choice apart (issue 21, item 10)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.access.actor import ANONYMOUS
from core.demo import DEMO_PASSWORD
from core.infra.db import Database
from core.models import QuestionRow
from core.people import usecases as people
from core.quiz.question_view import view_of
from gui.context import AppContext
from gui.quiz.runner import PracticeRunner
from gui.tasks import TaskManager

pytest.importorskip("pytestqt")


@pytest.mark.parametrize("pick_right", [True, False])
def test_feedback_marks_the_correct_option_green(qtbot: QtBot, sqlite_demo_db: Database, pick_right: bool) -> None:
    ctx = AppContext(sqlite_demo_db, people.log_in(sqlite_demo_db, ANONYMOUS, "200001", DEMO_PASSWORD), TaskManager())
    with sqlite_demo_db.transaction() as s:
        q = s.scalar(select(QuestionRow).where(QuestionRow.qtype == "single").order_by(QuestionRow.id))
        view = view_of(q, position=0, points=1.0, order=[])
        right = q.answer[0]
    runner = PracticeRunner(ctx)
    qtbot.addWidget(runner)
    runner.show()
    runner.start("练习", [view], "bank")
    letters = "ABCD"
    chosen = right if pick_right else next(c for c in letters if c != right)
    qtbot.keyClick(runner, getattr(Qt.Key, f"Key_{chosen}"))
    qtbot.keyClick(runner, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: runner.checked, timeout=10_000)
    results = {letters[i]: row.property("result") for i, row in enumerate(runner.question.rows)}
    assert results[right] == "right"
    if not pick_right:
        assert results[chosen] == "wrong"
    assert [k for k, v in results.items() if v == "right"] == [right]
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    ctx.tasks.shutdown()
