# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Points ledger: rules table-driven, idempotent grants, rule versions, periods, tallies vs ledger."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput
from core.infra import hooks
from core.infra.clock import FakeClock, local_date
from core.infra.db import Database
from core.models import Attempt, LedgerEntry, Officer, Quiz, StudySession
from core.points.ledger import (
    grant_study_minutes,
    history,
    parse_period,
    rule_for,
    set_rule,
    tally,
    unit_tally,
)
from tests.study.helpers import cst, setup_people

NOW = cst(2026, 11, 2, 15)


def _attempt(db: Database, officer: int, unit: int, mode: str, percent: float, passed: bool | None,
             quiz_id: int | None = None) -> tuple[uuid.UUID, int]:
    with db.transaction() as s:
        if quiz_id is None:
            quiz = Quiz(title="季度考试", mode=mode, pass_percent=60.0, created_at=NOW)
            s.add(quiz)
            s.flush()
            quiz_id = quiz.id
        number = 1 + (s.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.quiz_id == quiz_id, Attempt.officer_id == officer)) or 0)
        a = Attempt(quiz_id=quiz_id, officer_id=officer, unit_id=unit, number=number, started_at=NOW, submitted_at=NOW,
                    status="submitted", score=percent, max_score=100, percent=percent, passed=passed)
        s.add(a)
        s.flush()
        hooks.fire("attempt_did_submit", s, attempt_id=a.id, clock=FakeClock(NOW))
        return a.id, quiz_id


def _codes(db: Database, officer: int) -> dict[str, float]:
    with db.transaction() as s:
        rows = s.execute(select(LedgerEntry.rule_code, func.sum(LedgerEntry.amount))
                         .where(LedgerEntry.officer_id == officer).group_by(LedgerEntry.rule_code))
        return {code: float(total) for code, total in rows}


@pytest.mark.parametrize(("mode", "percent", "passed", "expected"), [
    ("exam", 95, True, {"quiz_passed": 10, "score_80": 3, "score_90": 2}),
    ("exam", 85, True, {"quiz_passed": 10, "score_80": 3}),
    ("competition", 70, True, {"quiz_passed": 10}),
    ("exam", 40, False, {}),
    ("practice", 100, True, {}),
])
def test_attempt_rules(db: Database, mode: str, percent: float, passed: bool, expected: dict[str, float]) -> None:
    officer, unit, _m = setup_people(db)
    attempt_id, _q = _attempt(db, officer, unit, mode, percent, passed)
    assert _codes(db, officer) == expected
    with db.transaction() as s:               # replaying the event pays nothing more
        hooks.fire("attempt_did_submit", s, attempt_id=attempt_id, clock=FakeClock(NOW))
    assert _codes(db, officer) == expected


def test_retake_pays_only_the_missing_band(db: Database) -> None:
    officer, unit, _m = setup_people(db)
    _a, quiz = _attempt(db, officer, unit, "exam", 82, True)
    _attempt(db, officer, unit, "exam", 96, True, quiz_id=quiz)
    assert _codes(db, officer) == {"quiz_passed": 10, "score_80": 3, "score_90": 2}


@pytest.mark.parametrize(("answers", "expected"), [
    ([(1, True)], 1),
    ([(1, False)], 0),
    ([(1, True), (1, True)], 1),                       # the same question twice: once
    ([(q, True) for q in range(1, 9)], 5),             # daily cap
])
def test_practice_rule(db: Database, answers: list[tuple[int, bool]], expected: int) -> None:
    officer, _unit, _m = setup_people(db)
    with db.transaction() as s:
        for qid, correct in answers:
            hooks.fire("practice_did_answer", s, officer_id=officer, question_id=qid, correct=correct,
                       clock=FakeClock(NOW))
    assert sum(_codes(db, officer).values()) == expected


def test_rule_versions_apply_going_forward(db: Database) -> None:
    officer, unit, _m = setup_people(db)
    day = local_date(NOW)
    with db.transaction() as s:
        set_rule(s, "quiz_passed", amount=20, daily_cap=None, valid_from=day + dt.timedelta(days=1))
        assert rule_for(s, "quiz_passed", day).amount == 10
        assert rule_for(s, "quiz_passed", day + dt.timedelta(days=1)).amount == 20
        set_rule(s, "score_80", amount=3, daily_cap=None, valid_from=day, active=False)
        assert rule_for(s, "score_80", day) is None
        with pytest.raises(InvalidInput):
            set_rule(s, "score_90", amount=-1, daily_cap=None, valid_from=day)
    _attempt(db, officer, unit, "exam", 85, True)
    assert _codes(db, officer) == {"quiz_passed": 10}


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ("2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("2026q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
])
def test_parse_period(text: str, first: dt.date, last: dt.date) -> None:
    p = parse_period(text)
    assert (p.first, p.last) == (first, last)


@pytest.mark.parametrize("bad", ["2026Q5", "2026-13", "26", "last month"])
def test_parse_period_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_period(bad)


@pytest.mark.parametrize("period", ["2026-10", "2026Q3", "2026"])
def test_demo_tallies_match_the_ledger(demo_db: Database, period: str) -> None:
    p = parse_period(period)
    with demo_db.transaction() as s:
        rows = tally(s, p)
        ledger = dict(s.execute(select(LedgerEntry.officer_id, func.sum(LedgerEntry.amount))
                                .where(LedgerEntry.day >= p.first, LedgerEntry.day <= p.last)
                                .group_by(LedgerEntry.officer_id)).all())
        assert ledger, "the demo has a ledger"
        assert {r.officer_id: r.points for r in rows if r.points} == pytest.approx(ledger)
        assert [r.points for r in rows] == sorted((r.points for r in rows), reverse=True)
        assert rows[0].rank == 1
        units = unit_tally(s, p)
        assert sum(u.points for u in units) == pytest.approx(sum(ledger.values()))
        first = units[0]
        sub = tally(s, p, first.unit_id)
        assert sum(r.points for r in sub) == pytest.approx(first.points)


def test_demo_has_people_on_target_and_behind(demo_db: Database) -> None:
    p = parse_period("2026-10")
    with demo_db.transaction() as s:
        minutes = dict(s.execute(select(StudySession.officer_id, func.sum(StudySession.active_seconds) / 60)
                                 .where(StudySession.day >= p.first, StudySession.day <= p.last)
                                 .group_by(StudySession.officer_id)).all())
    workdays = 22
    assert sum(1 for m in minutes.values() if m >= 50 * workdays) >= 10
    assert sum(1 for m in minutes.values() if m < 20 * workdays) >= 5


def test_replaying_the_demo_history_adds_nothing(demo_db: Database) -> None:
    with demo_db.transaction() as s:
        # The reader's time (group-session attendance earns session_attended, not study minutes).
        days = s.execute(select(StudySession.officer_id, StudySession.unit_id, StudySession.day,
                                func.sum(StudySession.active_seconds))
                         .where(StudySession.group_session_id.is_(None))
                         .group_by(StudySession.officer_id, StudySession.unit_id, StudySession.day)
                         .limit(200)).all()
        before = s.scalar(select(func.count()).select_from(LedgerEntry))
        for officer, unit, day, seconds in days:
            assert grant_study_minutes(s, officer, unit, day, int(seconds)) == 0
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == before


def test_history_explains_every_point(demo_db: Database) -> None:
    with demo_db.transaction() as s:
        officer = s.scalar(select(Officer.id).where(Officer.badge == "100001"))
        lines = history(s, officer)
        assert lines and all(line.rule_name and line.note for line in lines)
        assert lines == sorted(lines, key=lambda h: h.day, reverse=True)
        assert {line.rule_code for line in lines} >= {"study_minutes"}


def test_replaying_demo_attempts_and_practice_adds_nothing(demo_db: Database) -> None:
    from core.models.quiz import PracticeAnswer
    from core.points.ledger import on_attempt_submit, on_practice_answer

    with demo_db.transaction() as s:
        before = s.scalar(select(func.count()).select_from(LedgerEntry))
        attempts = s.execute(select(Attempt.id, Attempt.submitted_at).where(Attempt.status == "submitted")
                             .limit(100)).all()
        for attempt_id, at in attempts:
            on_attempt_submit(s, attempt_id=attempt_id, clock=FakeClock(at))
        answers = s.execute(select(PracticeAnswer.officer_id, PracticeAnswer.question_id, PracticeAnswer.correct,
                                   PracticeAnswer.answered_at).limit(200)).all()
        for officer, qid, correct, at in answers:
            on_practice_answer(s, officer_id=officer, question_id=qid, correct=correct, clock=FakeClock(at))
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == before
        assert s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.source_type == "quiz")) > 0
