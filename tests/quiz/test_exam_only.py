# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Exam-only banks: out of practice, 每日一练 and the 错题本 until every quiz using them has closed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from base.errors import PermissionDenied
from core.bank import usecases as bank_uc
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Bank, QuestionRow, Quiz
from core.quiz import usecases as quiz
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, actor_of

BANK = "警务纪律与职业道德"


def test_exam_only_bank_is_withheld_until_its_exams_close(demo_db: Database, clock: FakeClock) -> None:
    demo_db.clock = clock
    admin, officer = actor_of(demo_db, DEMO_ADMIN), actor_of(demo_db, DEMO_OFFICER)
    with demo_db.transaction() as s:
        bank_id = s.scalar(select(Bank.id).where(Bank.name == BANK))
        question = s.scalar(select(QuestionRow).where(QuestionRow.bank_id == bank_id, QuestionRow.qtype == "single",
                                                      QuestionRow.is_current).limit(1))
        assert question is not None
        qid, key = question.id, list(question.answer)
    assert BANK in [b.name for b in quiz.practice_overview(demo_db, officer).sources]
    bank_uc.set_exam_only(demo_db, admin, bank_id, True)
    assert next(b for b in bank_uc.list_banks(demo_db, admin) if b.id == bank_id).exam_only
    assert BANK not in [b.name for b in quiz.practice_overview(demo_db, officer).sources]
    assert quiz.practice_set(demo_db, officer, bank_id=bank_id) == []
    assert all(q.question_id != qid for q in quiz.practice_set(demo_db, officer, order="random", count=500))
    with demo_db.transaction() as s:
        in_bank = set(s.scalars(select(QuestionRow.id).where(QuestionRow.bank_id == bank_id)))
    assert not {q.question_id for q in quiz.daily_set(demo_db, officer)} & in_bank
    assert not {q.question_id for q in quiz.wrongbook_set(demo_db, officer)} & in_bank
    with pytest.raises(PermissionDenied, match="考试专用"):
        quiz.check_answer(demo_db, officer, qid, key)       # the key would show in the feedback
    with pytest.raises(PermissionDenied):
        bank_uc.set_exam_only(demo_db, officer, bank_id, False)
    # Every quiz closes: the bank is practice material again.
    with demo_db.transaction() as s:
        s.execute(update(Quiz).values(closes_at=clock.now() - dt.timedelta(days=1)))
    assert BANK in [b.name for b in quiz.practice_overview(demo_db, officer).sources]
    assert quiz.check_answer(demo_db, officer, qid, key).correct
