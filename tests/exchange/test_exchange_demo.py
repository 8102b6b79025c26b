# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The demo's round with the duty-room PC: a real exchange a new user finds on the 数据交换 page."""

from __future__ import annotations

from sqlalchemy import select

from core.demo import DEMO_EXCHANGE_PASSPHRASE
from core.exchange import identity
from core.exchange import usecases as ex
from core.infra.db import Database
from core.models import Attempt, Exchange, Officer, Quiz, Unit
from tests.conftest import DEMO_ADMIN, actor_of


def test_the_demo_exchanged_an_exam_and_its_results_with_the_duty_room(demo_db: Database) -> None:
    admin = actor_of(demo_db, DEMO_ADMIN)
    view = ex.overview(demo_db, admin)
    assert view.own is not None and view.own.name == "临江分局（支部服务器）"
    assert not view.unlocked                                   # locked: exporting asks for the passphrase
    assert [t.name for t in view.others] == ["治安大队值班室"]
    assert [(h.direction, h.kind) for h in view.history] == [("import", "results"), ("export", "exam")]
    with demo_db.transaction() as s:
        rows = s.execute(select(Exchange.at, Exchange.counts).order_by(Exchange.at)).all()
        exported, imported = rows[0], rows[1]
        assert exported.at < imported.at and imported.counts["attempts"] == 2
        # The two officers who had not taken the exam took it on the duty-room PC: their attempts
        # arrived with the package, graded, and are the branch's now.
        came = s.execute(select(Officer.badge, Attempt.status, Attempt.score, Attempt.started_at)
                         .join(Attempt, Attempt.officer_id == Officer.id).join(Quiz, Quiz.id == Attempt.quiz_id)
                         .join(Unit, Unit.id == Officer.unit_id)
                         .where(Quiz.title == "道路交通安全法规季度考试", Unit.code == "LJZA2",
                                Attempt.started_at > exported.at)).all()
    assert len(came) == 2 and all(status == "submitted" and score is not None for _b, status, score, _t in came)
    assert all(exported.at < started < imported.at for *_r, started in came)
    # The passphrase the login window names unlocks the key.
    assert ex.unlock_exchange_key(demo_db, admin, DEMO_EXCHANGE_PASSPHRASE).name == "临江分局（支部服务器）"
    identity.forget()
