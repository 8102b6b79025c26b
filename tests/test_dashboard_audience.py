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
