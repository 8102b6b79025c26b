# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The dashboard lists only the exams an officer may take (the quiz's audience)."""

from __future__ import annotations

from sqlalchemy import select

from core.home import usecases as home
from core.home.dashboard import officer_summary
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Officer, Quiz
from tests.conftest import actor_of


def test_open_exams_respect_the_audience(demo_db: Database, clock: FakeClock) -> None:
    with demo_db.transaction() as s:
        police = s.scalar(select(Officer).where(Officer.badge == "200001"))
        auxiliary = s.scalar(select(Officer).where(Officer.category == "auxiliary").limit(1))
        assert police is not None and auxiliary is not None
        exam = s.scalar(select(Quiz).where(Quiz.mode == "exam").order_by(Quiz.id).limit(1))
        assert exam is not None
        exam.audience = {"categories": ["auxiliary"]}
        title = exam.title
    with demo_db.transaction() as s:
        seen_by_police = {q.title for q in officer_summary(s, police.id, clock.now()).open_quizzes}
        seen_by_auxiliary = {q.title for q in officer_summary(s, auxiliary.id, clock.now()).open_quizzes}
    assert title not in seen_by_police
    assert title in seen_by_auxiliary
    demo_db.clock = clock                     # the home page's use case: the same, for the one logged in
    assert title not in {q.title for q in home.officer_summary(demo_db, actor_of(demo_db, "200001")).open_quizzes}


def test_open_exams_mark_the_unfinished_one_and_drop_used_up_ones(demo_db: Database, clock: FakeClock) -> None:
    from core.models import Attempt
    from core.quiz.attempts import submit_attempt

    with demo_db.transaction() as s:
        officer = s.scalar(select(Officer).where(Officer.badge == "200001"))
        assert officer is not None
        attempt = s.scalar(select(Attempt).where(Attempt.officer_id == officer.id, Attempt.status == "in_progress"))
        assert attempt is not None
        quiz = s.get(Quiz, attempt.quiz_id)
        assert quiz is not None
        quiz.attempts_allowed = attempt.number          # this attempt is the last one allowed
        quiz.closes_at = None
        quiz_id, attempt_id, officer_id = quiz.id, attempt.id, officer.id
    with demo_db.transaction() as s:
        shown = {q.id: q for q in officer_summary(s, officer_id, clock.now()).open_quizzes}
    assert shown[quiz_id].in_progress and shown[quiz_id].attempts_left == 0
    from gui.pages.home import quiz_state

    assert quiz_state(shown[quiz_id]) == "作答中，可继续"
    with demo_db.transaction() as s:
        submit_attempt(s, attempt_id, clock, officer_id=officer_id)
    with demo_db.transaction() as s:
        assert quiz_id not in {q.id for q in officer_summary(s, officer_id, clock.now()).open_quizzes}
