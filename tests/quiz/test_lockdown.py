# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Lockdown exam mode: departures counted and warned, the attempt submitted over the limit, a resume
after a crash recorded but not counted; the secretary sees departures in results and the review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from core.access.actor import Actor
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt, Bank, Departure, Officer
from core.people.users import get_user
from core.quiz import usecases as quiz
from core.quiz.compose import save_quiz, set_published
from core.quiz.spec import QuizSpec, SectionSpec
from tests.conftest import DEMO_ADMIN, actor_of

TITLE = "锁定模式测试考试"
OFFICER = "200006"


def _quiz(db: Database, clock: FakeClock, limit: int | None = 2) -> int:
    with db.transaction() as s:
        bank = s.scalar(select(Bank.id).where(Bank.name == "道路交通安全法规"))
        spec = QuizSpec(title=TITLE, time_limit_min=30, pass_percent=60, lockdown=True, leave_limit=limit,
                        closes_at=clock.now() + dt.timedelta(days=3),
                        sections=[SectionSpec("single", 5, 20, bank_ids=[bank])])
        quiz_id = save_quiz(s, spec, now=clock.now())
        set_published(s, quiz_id, True)
        return quiz_id


def _officer(db: Database) -> Actor:
    return actor_of(db, OFFICER)


def test_departures_are_counted_warned_and_submit_over_the_limit(demo_db: Database, clock: FakeClock) -> None:
    demo_db.clock = clock
    quiz_id = _quiz(demo_db, clock)
    me = _officer(demo_db)
    paper = quiz.start_attempt(demo_db, me, quiz_id)
    assert paper.lockdown and paper.leave_limit == 2 and paper.departures == 0
    first = quiz.leave_exam(demo_db, me, paper.attempt_id, "app")
    assert (first.count, first.left, first.submitted) == (1, 1, False)
    assert first.warning() == "已离开考试界面 1 次，还可离开 1 次"
    clock.advance(7)
    assert first.departure_id is not None
    quiz.back_to_exam(demo_db, me, first.departure_id, 7.0)
    second = quiz.leave_exam(demo_db, me, paper.attempt_id, "focus")
    assert second.warning() == "已离开考试界面 2 次，再离开将自动交卷" and not second.submitted
    third = quiz.leave_exam(demo_db, me, paper.attempt_id, "screen")
    assert third.submitted and third.count == 3
    with demo_db.transaction() as s:
        attempt = s.get(Attempt, paper.attempt_id)
        assert attempt.status == "submitted" and attempt.auto_submitted
        seconds = sorted(d.seconds for d in s.scalars(select(Departure).where(Departure.attempt_id == attempt.id)))
    assert seconds == [0.0, 0.0, 7.0]
    # The secretary sees them in the results and in the attempt's review.
    admin = actor_of(demo_db, DEMO_ADMIN)
    results = quiz.quiz_results(demo_db, admin, quiz_id)
    assert results.lockdown and [r.departures for r in results.rows] == [3]
    review = quiz.attempt_result(demo_db, admin, paper.attempt_id)
    assert review.departures == 3 and [d.kind for d in review.departure_log] == ["app", "focus", "screen"]


def test_resuming_after_a_crash_is_recorded_not_counted(demo_db: Database, clock: FakeClock) -> None:
    demo_db.clock = clock
    quiz_id = _quiz(demo_db, clock, limit=1)
    me = _officer(demo_db)
    paper = quiz.start_attempt(demo_db, me, quiz_id)
    quiz.leave_exam(demo_db, me, paper.attempt_id, "focus")
    # The program dies; the officer starts it again and continues (by the resume offer or 考试 → 开始).
    clock.advance(60)
    again = quiz.open_attempt(demo_db, me, paper.attempt_id)
    once_more = quiz.start_attempt(demo_db, me, quiz_id)
    assert again.departures == once_more.departures == 1 and not again.finished and not once_more.finished
    with demo_db.transaction() as s:
        kinds = list(s.scalars(select(Departure.kind).where(Departure.attempt_id == paper.attempt_id)
                               .order_by(Departure.left_at, Departure.kind)))
    assert kinds == ["focus", "resume", "resume"]


def test_a_quiz_without_lockdown_records_nothing(demo_db: Database, clock: FakeClock) -> None:
    demo_db.clock = clock
    me = _officer(demo_db)
    quiz_id = _quiz(demo_db, clock)
    with demo_db.transaction() as s:
        from core.models import Quiz
        s.get(Quiz, quiz_id).lockdown = False
    paper = quiz.start_attempt(demo_db, me, quiz_id)
    state = quiz.leave_exam(demo_db, me, paper.attempt_id, "app")
    assert state.departure_id is None and not paper.lockdown


# --- on screen ----------------------------------------------------------------------------------

pytest.importorskip("pytestqt")


@pytest.fixture
def exam_window(qtbot, sqlite_demo_db: Database, clock: FakeClock) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from gui.context import AppContext
    from gui.quiz import show_paper
    from gui.tasks import TaskManager

    db = sqlite_demo_db
    db.clock = clock
    quiz_id = _quiz(db, clock, limit=1)
    with db.transaction() as s:
        user = get_user(s, OFFICER)
    paper = quiz.start_attempt(db, user.actor, quiz_id)
    tasks = TaskManager()
    win = show_paper(AppContext(db, user, tasks), paper)
    qtbot.addWidget(win)
    yield win
    if win.screen_ is not None:
        win.screen_.timer.stop()
    win.leave()                    # closing a locked exam window otherwise refuses
    qtbot.waitUntil(lambda: tasks.pending == 0)
    tasks.shutdown()


def _departures(db: Database, attempt_id: object) -> list[tuple[str, float]]:
    with db.transaction() as s:
        return [(d.kind, d.seconds) for d in s.scalars(select(Departure).where(Departure.attempt_id == attempt_id)
                                                      .order_by(Departure.left_at, Departure.id))]


def test_focus_loss_is_counted_and_the_limit_submits(qtbot, exam_window) -> None:  # type: ignore[no-untyped-def]
    win = exam_window
    screen, db = win.screen_, win.ctx.db
    assert win.guard is not None and win.isFullScreen()
    qtbot.waitUntil(win.isActiveWindow)
    assert "最多可离开 1 次" in screen.warning.text()
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()                                    # another window takes the focus
    qtbot.waitUntil(lambda: len(_departures(db, screen.paper.attempt_id)) == 1)
    win.activateWindow()                                      # and the officer comes back
    qtbot.waitUntil(lambda: "还可离开 0 次" in screen.warning.text() or "再离开将自动交卷" in screen.warning.text())
    qtbot.waitUntil(lambda: _departures(db, screen.paper.attempt_id)[0][1] >= 0 and win.guard.away is None)
    assert _departures(db, screen.paper.attempt_id)[0][0] == "focus"
    assert not screen.finishing
    other.activateWindow()                                    # a second time: over the limit of 1
    qtbot.waitUntil(lambda: screen.finishing)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is not screen)   # the result is shown
    with db.transaction() as s:
        attempt = s.get(Attempt, screen.paper.attempt_id)
        assert attempt.status == "submitted" and attempt.auto_submitted
    assert not win.isFullScreen()                             # released once submitted
    QApplication.processEvents()


def test_copy_paste_and_closing_are_refused(qtbot, exam_window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    win = exam_window
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert win.guard.eventFilter(win.screen_.question, press)            # swallowed inside the exam
    plain = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier)
    assert not win.guard.eventFilter(win.screen_.question, plain)       # a plain C still answers
    win.close()
    assert win.isVisible() and "不能关闭" in win.screen_.warning.text()
    with win.ctx.db.transaction() as s:
        assert s.scalar(select(Officer.id).where(Officer.badge == OFFICER)) is not None
