# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""An attempt's life: start, kill, resume with the right time, expiry while closed, clock changes, review."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from base.errors import InvalidInput, PermissionDenied
from core.infra import hooks
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt, Bank, Officer, Quiz
from core.quiz import attempts, results
from core.quiz import marking as manual
from core.quiz.compose import save_quiz, set_published
from core.quiz.spec import QuizSpec, SectionSpec

WORKER = Path(__file__).with_name("attempt_worker.py")
EXAM = "生命周期测试考试"
NOW = FakeClock().now()


def officer(db: Database, badge: str) -> int:
    with db.transaction() as s:
        return s.scalar(select(Officer.id).where(Officer.badge == badge))


def quiz_id(db: Database, title: str = EXAM) -> int:
    """A published 30-minute test exam (created on first use) drawn from the demo traffic bank."""
    with db.transaction() as s:
        found = s.scalar(select(Quiz.id).where(Quiz.title == title))
        if found is not None:
            return found
        bank = s.scalar(select(Bank.id).where(Bank.name == "道路交通安全法规"))
        spec = QuizSpec(title=title, time_limit_min=30, pass_percent=60, attempts_allowed=2, review_after_close=False,
                        multi_scoring="half_for_subset", closes_at=NOW + dt.timedelta(days=30),
                        sections=[SectionSpec("single", 20, 2, bank_ids=[bank]), SectionSpec("multiple", 5, 4, bank_ids=[bank]),
                                  SectionSpec("judge", 10, 2, bank_ids=[bank]), SectionSpec("fill", 5, 4, bank_ids=[bank])])
        qid = save_quiz(s, spec, now=NOW)
        set_published(s, qid, True)
        return qid


def start(db: Database, badge: str, clock: FakeClock, title: str = EXAM) -> tuple[uuid.UUID, int]:
    oid = officer(db, badge)
    qid = quiz_id(db, title)
    with db.transaction() as s:
        return attempts.start_attempt(s, qid, oid, clock), oid


def test_killed_process_loses_nothing_and_resumes_with_true_remaining_time(sqlite_demo_db: Database) -> None:
    db = sqlite_demo_db
    started = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
    env = dict(os.environ, STUDYHALL_TEST_NOW=started.isoformat())
    proc = subprocess.Popen([sys.executable, str(WORKER), str(db.sqlite_path), "200003", str(quiz_id(db)), "7"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()   # type: ignore[union-attr]
        assert line, "worker died before answering"
        report = json.loads(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    oid = officer(db, "200003")
    later = FakeClock(started + dt.timedelta(minutes=11, seconds=30))
    with db.transaction() as s:
        offer = attempts.unfinished_attempt(s, oid, later)
        assert offer is not None and str(offer.attempt_id) == report["attempt_id"]
        assert offer.answered == 7 and offer.total == 40
        paper = attempts.load_paper(s, offer.attempt_id, oid, later)
    assert not paper.finished
    assert paper.remaining_s == pytest.approx(30 * 60 - 11 * 60 - 30)
    assert {str(k): v for k, v in paper.responses.items()} == report["given"]
    assert paper.flagged == {1}


def test_deadline_passed_while_closed_submits_with_saved_answers(demo_db: Database, clock: FakeClock) -> None:
    aid, oid = start(demo_db, "200004", clock)
    with demo_db.transaction() as s:
        paper = attempts.load_paper(s, aid, oid, clock)
    first = paper.items[0]
    answer = ["T"] if first.qtype == "judge" else ["A"] if first.qtype in ("single", "multiple") else ["x"]
    with demo_db.transaction() as s:
        attempts.save_answer(s, aid, oid, first.position, answer, clock)
    clock.advance(3 * 3600)      # the app was closed over the deadline
    with demo_db.transaction() as s:
        assert attempts.finish_expired(s, oid, clock) == [EXAM]
        assert attempts.unfinished_attempt(s, oid, clock) is None
        a = s.get(Attempt, aid)
        assert a.status == "submitted" and a.auto_submitted
        assert a.submitted_at == a.deadline_at
        assert a.score is not None
    with demo_db.transaction() as s:
        res = results.attempt_result(s, aid, oid, clock)
    assert res.items[0].your_answer != "未作答"


def test_time_up_refuses_late_answers_and_auto_submits(demo_db: Database, clock: FakeClock) -> None:
    aid, oid = start(demo_db, "200005", clock)
    clock.advance(30 * 60 + attempts.SAVE_GRACE_S + 1)
    with pytest.raises(InvalidInput), demo_db.transaction() as s:
        attempts.save_answer(s, aid, oid, 0, ["A"], clock)
    with demo_db.transaction() as s:
        paper = attempts.load_paper(s, aid, oid, clock)
    assert paper.finished and paper.expired_now
    with demo_db.transaction() as s:
        assert s.get(Attempt, aid).auto_submitted


def test_clock_moved_backwards_gains_nothing(demo_db: Database, clock: FakeClock) -> None:
    aid, oid = start(demo_db, "200006", clock)
    clock.advance(600)
    with demo_db.transaction() as s:
        attempts.save_answer(s, aid, oid, 0, ["A"], clock)     # records the latest time seen
    with demo_db.transaction() as s:
        assert attempts.load_paper(s, aid, oid, clock).remaining_s == pytest.approx(1200)
    clock.set_wall(clock.now() - dt.timedelta(hours=2))       # the officer turns the clock back
    with demo_db.transaction() as s:
        paper = attempts.load_paper(s, aid, oid, clock)
    assert paper.remaining_s == pytest.approx(1200)
    countdown = attempts.Countdown(paper.remaining_s, clock)
    clock.set_wall(clock.now() - dt.timedelta(hours=5))       # in-process: the wall clock does not count
    clock.advance(100)
    assert countdown.remaining() == pytest.approx(1100)


def test_countdown_runs_on_monotonic_time(clock: FakeClock) -> None:
    c = attempts.Countdown(90, clock)
    clock.advance(30)
    assert c.remaining() == pytest.approx(60) and not c.expired
    clock.advance(61)
    assert c.remaining() == 0 and c.expired


def test_start_is_frozen_and_answers_travel_in_shown_letters(demo_db: Database, clock: FakeClock) -> None:
    aid, oid = start(demo_db, "200007", clock)
    with demo_db.transaction() as s:
        again, _o = attempts.start_attempt(s, quiz_id(demo_db), oid, clock), None
        assert again == aid              # an unfinished attempt is continued, not restarted
        paper = attempts.load_paper(s, aid, oid, clock)
        a = s.get(Attempt, aid)
        assert a.deadline_at == clock.now() + dt.timedelta(minutes=30)
    single = next(i for i in paper.items if i.qtype == "single")
    with demo_db.transaction() as s:
        attempts.save_answer(s, aid, oid, single.position, ["C"], clock)
    with demo_db.transaction() as s:
        again_paper = attempts.load_paper(s, aid, oid, clock)
    assert [i.question_id for i in again_paper.items] == [i.question_id for i in paper.items]
    assert [i.options for i in again_paper.items] == [i.options for i in paper.items]
    assert again_paper.responses[single.position] == ["C"]


def test_taking_screen_data_has_no_answers(demo_db: Database, clock: FakeClock) -> None:
    aid, oid = start(demo_db, "200008", clock)
    with demo_db.transaction() as s:
        paper = attempts.load_paper(s, aid, oid, clock)
    fields = set(type(paper.items[0]).__dataclass_fields__)
    assert not fields & {"answer", "blanks", "explanation"}
    with pytest.raises(PermissionDenied), demo_db.transaction() as s:
        results.attempt_result(s, aid, oid, clock)     # before submitting: nothing


@pytest.mark.parametrize(("mode", "allowed", "attempts_made", "level"), [
    ("exam", 2, 1, "score"),            # no closing time: held back while an attempt remains
    ("exam", 2, 2, "explanations"),     # … shown once every attempt is used
    ("exam", None, 1, "score"),         # unlimited attempts and no closing time: never shown
    ("practice", None, 1, "explanations"),   # practice is for learning: never held back
])
def test_answers_held_back_without_a_closing_time(demo_db: Database, clock: FakeClock, mode: str,
                                                  allowed: int | None, attempts_made: int, level: str) -> None:
    qid = quiz_id(demo_db)
    with demo_db.transaction() as s:
        q = s.get(Quiz, qid)
        q.closes_at, q.attempts_allowed, q.mode, q.review_after_close = None, allowed, mode, True
    for _i in range(attempts_made):
        aid, oid = start(demo_db, "200010", clock)
        with demo_db.transaction() as s:
            attempts.submit_attempt(s, aid, clock, officer_id=oid)
    with demo_db.transaction() as s:
        res = results.attempt_result(s, aid, oid, clock)
    assert res.review == level
    assert bool(res.items) is (level != "score")
    assert (res.review_note != "") is (level == "score")


def test_new_quizzes_hold_answers_back_by_default() -> None:
    assert QuizSpec(title="x").review_after_close
    assert Quiz().review_after_close in (None, True)   # column default applies on insert


@pytest.mark.parametrize(("review", "after_close", "closed", "level", "shows_items", "shows_expl"), [
    ("score", False, False, "score", False, False),
    ("answers", False, False, "answers", True, False),
    ("explanations", False, False, "explanations", True, True),
    ("explanations", True, False, "score", False, False),
    ("explanations", True, True, "explanations", True, True),
])
def test_review_policy(demo_db: Database, clock: FakeClock, review: str, after_close: bool, closed: bool,
                       level: str, shows_items: bool, shows_expl: bool) -> None:
    qid = quiz_id(demo_db)
    with demo_db.transaction() as s:
        q = s.get(Quiz, qid)
        q.review, q.review_after_close = review, after_close
    aid, oid = start(demo_db, "200009", clock)
    with demo_db.transaction() as s:
        attempts.submit_attempt(s, aid, clock, officer_id=oid)
    if closed:
        clock.advance(40 * 86400)
    with demo_db.transaction() as s:
        res = results.attempt_result(s, aid, oid, clock)
    assert res.review == level
    assert bool(res.items) is shows_items
    assert any(i.explanation for i in res.items) is shows_expl
    assert res.breakdown and res.score is not None


def test_attempts_allowed_and_counting(demo_db: Database, clock: FakeClock) -> None:
    oid = officer(demo_db, "200010")
    qid = quiz_id(demo_db)
    for _n in range(2):
        with demo_db.transaction() as s:
            aid = attempts.start_attempt(s, qid, oid, clock)
            attempts.submit_attempt(s, aid, clock, officer_id=oid)
        clock.advance(60)
    with pytest.raises(PermissionDenied), demo_db.transaction() as s:
        attempts.start_attempt(s, qid, oid, clock)
    with demo_db.transaction() as s:
        mine = list(s.scalars(select(Attempt).where(Attempt.officer_id == oid, Attempt.quiz_id == qid)))
        mine[0].score, mine[1].score = 10.0, 5.0
        by_number = sorted(mine, key=lambda a: a.number)
        assert results.counted(mine, "highest").score == 10.0
        assert results.counted(mine, "last") is by_number[-1]
        assert results.counted(mine, "first") is by_number[0]


def test_submit_fires_hook_and_fills_wrongbook(demo_db: Database, clock: FakeClock,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    monkeypatch.setitem(hooks.LISTENERS, "attempt_did_submit", ["tests.quiz.hook_probe:remember"])
    import tests.quiz.hook_probe as probe
    monkeypatch.setattr(probe, "CALLS", seen)
    aid, oid = start(demo_db, "200011", clock)
    with demo_db.transaction() as s:
        paper = attempts.load_paper(s, aid, oid, clock)
        for item in paper.items:
            wrong = ["F"] if item.qtype == "judge" else ["不知道"] if item.qtype == "fill" else ["A"]
            attempts.save_answer(s, aid, oid, item.position, wrong, clock)
        attempts.submit_attempt(s, aid, clock, officer_id=oid)
    assert seen == [aid]
    from core.quiz.wrongbook import entries
    with demo_db.transaction() as s:
        assert len(entries(s, oid)) > 0


def test_manual_grading_updates_total(demo_db: Database, clock: FakeClock) -> None:
    with demo_db.transaction() as s:
        queue = manual.pending(s)
    assert queue, "the demo has one 简答 waiting"
    item = queue[0]
    with demo_db.transaction() as s:
        before = s.get(Attempt, item.attempt_id)
        assert before.status == "pending_manual" and before.passed is None
        old = before.score
    grader = officer(demo_db, "100001")
    with pytest.raises(InvalidInput), demo_db.transaction() as s:
        manual.grade_item(s, item.item_id, item.points + 1, "", grader_id=grader, clock=clock)
    with demo_db.transaction() as s:
        manual.grade_item(s, item.item_id, 15, "要点较全", grader_id=grader, clock=clock)
    with demo_db.transaction() as s:
        after = s.get(Attempt, item.attempt_id)
        assert after.status == "submitted" and after.score == pytest.approx(old + 15)
        assert after.passed is not None
        assert not manual.pending(s)


def test_undrawable_quiz_cannot_be_published(demo_db: Database, clock: FakeClock) -> None:
    spec = QuizSpec(title="抽不够的试卷", sections=[SectionSpec("essay", 50, 10)])
    with demo_db.transaction() as s:
        qid = save_quiz(s, spec, now=clock.now())
    with pytest.raises(InvalidInput, match="无法发布"), demo_db.transaction() as s:
        set_published(s, qid, True)
    with demo_db.transaction() as s:
        assert not s.get(Quiz, qid).published
