# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The taking screen: keys, flagging, the grid, the submit confirmation and the countdown warnings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt
from core.people.users import get_user
from core.quiz.attempts import load_paper
from gui.context import AppContext
from gui.quiz.taking import ExamScreen
from gui.tasks import TaskManager

pytest.importorskip("pytestqt")


@pytest.fixture
def screen(qtbot, sqlite_demo_db: Database, clock: FakeClock) -> Iterator[ExamScreen]:  # type: ignore[no-untyped-def]
    db = sqlite_demo_db
    with db.transaction() as s:
        user = get_user(s, "200001")
        aid = s.scalar(select(Attempt.id).where(Attempt.officer_id == user.id, Attempt.status == "in_progress"))
        paper = load_paper(s, aid, user.id, clock)
    tasks = TaskManager()
    db.clock = clock
    ctx = AppContext(db, user, tasks)
    w = ExamScreen(ctx, paper)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.timer.stop()
    qtbot.waitUntil(lambda: tasks.pending == 0)
    tasks.shutdown()


def first(screen: ExamScreen, qtype: str) -> int:
    return next(i for i, it in enumerate(screen.paper.items) if it.qtype == qtype and i >= 12)


def saved(screen: ExamScreen, position: int):  # type: ignore[no-untyped-def]
    with screen.ctx.db.transaction() as s:
        return load_paper(s, screen.paper.attempt_id, screen.ctx.user.id, screen.ctx.clock).responses.get(position)


def test_resumed_screen_shows_saved_answers_in_grid(screen: ExamScreen) -> None:
    assert screen.cell_state(0) == "answered"
    assert screen.cell_state(20) == "unanswered"
    assert len(screen.unanswered()) == 40 - 12


def test_letter_and_digit_keys_answer_and_save(qtbot, screen: ExamScreen) -> None:  # type: ignore[no-untyped-def]
    pos = first(screen, "single")
    screen.go(pos)
    qtbot.keyClick(screen, Qt.Key.Key_B)
    assert screen.responses[pos] == ["B"]
    qtbot.keyClick(screen, Qt.Key.Key_1)
    assert screen.responses[pos] == ["A"]
    assert screen.cell_state(pos) == "answered"
    qtbot.waitUntil(lambda: screen.ctx.tasks.pending == 0)
    assert saved(screen, pos) == ["A"]


def test_multiple_choice_keys_toggle(qtbot, screen: ExamScreen) -> None:  # type: ignore[no-untyped-def]
    pos = first(screen, "multiple")
    screen.go(pos)
    qtbot.keyClick(screen, Qt.Key.Key_A)
    qtbot.keyClick(screen, Qt.Key.Key_2)
    qtbot.keyClick(screen, Qt.Key.Key_C)
    qtbot.keyClick(screen, Qt.Key.Key_A)
    assert screen.responses[pos] == ["B", "C"]
    qtbot.waitUntil(lambda: screen.ctx.tasks.pending == 0)
    assert saved(screen, pos) == ["B", "C"]


def test_arrows_navigate_and_f_flags(qtbot, screen: ExamScreen) -> None:  # type: ignore[no-untyped-def]
    pos = first(screen, "single")
    screen.go(pos)
    qtbot.keyClick(screen, Qt.Key.Key_Right)
    assert screen.current == pos + 1
    qtbot.keyClick(screen, Qt.Key.Key_Left)
    qtbot.keyClick(screen, Qt.Key.Key_Left)
    assert screen.current == pos - 1
    qtbot.keyClick(screen, Qt.Key.Key_F)
    assert screen.cell_state(pos - 1) == "flagged"
    assert screen.cells[pos - 1].property("state") == "flagged"
    qtbot.keyClick(screen, Qt.Key.Key_F)
    assert screen.cell_state(pos - 1) != "flagged"
    screen.go(0)
    qtbot.keyClick(screen, Qt.Key.Key_Left)
    assert screen.current == 0


def test_submit_confirmation_names_unanswered(qtbot, screen: ExamScreen) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    screen.confirm = lambda title, text: asked.append(text) or False
    screen.request_submit()
    assert asked and "第 13、14、15" in asked[0] and "28 题未作答" in asked[0]
    assert not screen.finishing
    with qtbot.waitSignal(screen.submitted, timeout=10000):
        screen.confirm = lambda title, text: True
        screen.request_submit()
    with screen.ctx.db.transaction() as s:
        assert s.get(Attempt, screen.paper.attempt_id).status == "submitted"


def test_countdown_warns_at_5_and_1_minutes_then_submits(qtbot, screen: ExamScreen) -> None:  # type: ignore[no-untyped-def]
    clock: FakeClock = screen.ctx.clock  # type: ignore[assignment]
    left = screen.remaining()
    assert left is not None and left > 300
    clock.advance(left - 299)
    screen.tick()
    assert screen.warning.isVisible() and "5 分钟" in screen.warning.text()
    clock.advance(240)
    screen.tick()
    assert "1 分钟" in screen.warning.text()
    with qtbot.waitSignal(screen.submitted, timeout=10000):
        clock.advance(60)
        screen.tick()
    with screen.ctx.db.transaction() as s:
        a = s.get(Attempt, screen.paper.attempt_id)
        assert a.status == "submitted" and a.auto_submitted



def test_arrows_work_after_clicking_an_option_or_the_answer_card(qtbot, screen: ExamScreen) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen.window())
    pos = first(screen, "single")
    screen.go(pos)
    qtbot.mouseClick(screen.question.rows[1], Qt.MouseButton.LeftButton)
    assert screen.responses[pos] == ["B"]
    target = QApplication.focusWidget() or screen
    qtbot.keyClick(target, Qt.Key.Key_Right)
    assert screen.current == pos + 1
    qtbot.mouseClick(screen.cells[pos + 3], Qt.MouseButton.LeftButton)
    assert screen.current == pos + 3
    # a click on the stem (selectable text) or the card's scroll area must not swallow the arrows either
    screen.go(pos)
    qtbot.waitUntil(lambda: any(w.objectName() == "Stem" and w.isVisible() for w in screen.question.findChildren(QLabel)))
    stem = next(w for w in screen.question.findChildren(QLabel) if w.objectName() == "Stem" and w.isVisible())
    qtbot.mouseClick(stem, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget() or screen, Qt.Key.Key_A)
    assert screen.responses[pos] == ["A"]
    qtbot.keyClick(QApplication.focusWidget() or screen, Qt.Key.Key_Left)
    assert screen.current == pos - 1


def test_a_resumed_exam_opens_where_the_officer_was(qtbot, screen: ExamScreen) -> None:  # type: ignore[no-untyped-def]
    pos = first(screen, "single") + 5
    screen.go(pos)
    qtbot.keyClick(screen, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: screen.ctx.tasks.pending == 0)
    with screen.ctx.db.transaction() as s:
        paper = load_paper(s, screen.paper.attempt_id, screen.ctx.user.id, screen.ctx.clock)
    assert paper.resume_at == pos
    again = ExamScreen(screen.ctx, paper)
    qtbot.addWidget(again)
    assert again.current == pos
    again.timer.stop()


def test_result_screen_closes_the_exam_window(qtbot, sqlite_demo_db: Database, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSize

    from gui.quiz import ExamWindow
    from gui.quiz.result import ResultView

    db = sqlite_demo_db
    with db.transaction() as s:
        user = get_user(s, "200001")
        aid = s.scalar(select(Attempt.id).where(Attempt.officer_id == user.id, Attempt.status == "submitted"))
        paper = load_paper(s, aid, user.id, clock)
    tasks = TaskManager()
    db.clock = clock
    win = ExamWindow(AppContext(db, user, tasks), paper)
    qtbot.addWidget(win)
    available = win.screen().availableGeometry().size()
    assert win.width() <= available.width() and win.height() <= available.height()
    assert win.minimumSize().boundedTo(QSize(1280, 720)) == win.minimumSize()   # fits a 1280×720 screen
    win.show()
    qtbot.waitUntil(lambda: isinstance(win.stack.currentWidget(), ResultView), timeout=10000)
    view = win.stack.currentWidget()
    assert isinstance(view, ResultView)
    qtbot.mouseClick(view.close_btn, Qt.MouseButton.LeftButton)
    assert not win.isVisible()
    tasks.shutdown()
