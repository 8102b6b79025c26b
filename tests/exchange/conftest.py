# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Two installations that trust each other: the demo branch database (its exchange key made by the
demo, which also trusts its duty-room PC) and an empty offline PC."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from core.access.actor import ANONYMOUS, Actor
from core.demo import DEMO_EXCHANGE_PASSPHRASE
from core.exchange import usecases as ex
from core.infra.clock import FakeClock
from core.infra.db import Database, open_database
from core.models import Quiz
from core.people import usecases as people
from core.quiz import usecases as quiz
from tests.conftest import DEMO_ADMIN, actor_of
from tests.quiz.attempt_worker import answer_for

BRANCH_PASS, OFFLINE_PASS = DEMO_EXCHANGE_PASSPHRASE, "offline-passphrase"
BRANCH_NAME = "临江分局（支部服务器）"


@dataclass
class Pair:
    branch: Database
    offline: Database
    branch_admin: Actor
    offline_admin: Actor
    folder: Path


@pytest.fixture
def pair(demo_db: Database, tmp_path: Path, clock: FakeClock) -> Iterator[Pair]:
    offline = open_database(f"sqlite:///{tmp_path / 'offline.db'}")
    demo_db.clock = offline.clock = clock          # the demo's quizzes are open at the demo's time
    offline_admin = people.create_first_admin(offline, ANONYMOUS, badge="880001", name="值班室管理员", unit="城关派出所",
                                              password="offline123").actor
    branch_admin = actor_of(demo_db, DEMO_ADMIN)
    mine = ex.unlock_exchange_key(demo_db, branch_admin, BRANCH_PASS)      # the demo made it
    theirs = ex.create_exchange_key(offline, offline_admin, "城关派出所值班室", OFFLINE_PASS)
    ex.trust_installation(demo_db, branch_admin, "城关派出所值班室", theirs.public_key)
    ex.trust_installation(offline, offline_admin, BRANCH_NAME, mine.public_key)
    yield Pair(demo_db, offline, branch_admin, offline_admin, tmp_path)
    offline.dispose()


def exam_quiz(db: Database) -> int:
    with db.transaction() as s:
        return int(s.scalar(select(Quiz.id).where(Quiz.mode == "exam", Quiz.published).order_by(Quiz.id)) or 0)


def take(db: Database, badges: list[str], quiz_id: int) -> None:
    for badge in badges:
        who = actor_of(db, badge)
        paper = quiz.start_attempt(db, who, quiz_id)
        for item in paper.items:
            quiz.save_answer(db, who, paper.attempt_id, item.position, answer_for(item))
        quiz.submit_attempt(db, who, paper.attempt_id)
