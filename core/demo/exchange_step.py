# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: one round of the offline routine (docs/EXCHANGE.md) with the 治安大队 duty-room PC.

The duty room has no network. Six days ago the administrator exported the quarterly exam for
治安大队第二党支部 to a USB stick; the duty room's PC imported it, and the next day the branch's
officers who had not yet taken the exam took it there; two days later the PC's results package
was brought back and imported. The duty-room PC is a real second installation, made in a
temporary folder with its own key and deleted afterwards; what the branch keeps of it is what
it would keep of any: the PC's trusted key, both packages in the exchange history, the audit
rows and the attempts. Both keys are locked at the end; the branch's passphrase is
``DEMO_EXCHANGE_PASSPHRASE`` (exchange keys need 8 characters, one more than the demo password;
the login window's demo line names it). The certificates earned there come back unsigned and are
printed at the branch, which signs them.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from sqlalchemy import select

from base.i18n import N_, _
from core.access.actor import ANONYMOUS, Actor
from core.certificates import usecases as certs
from core.certificates.batch import Selection
from core.demo import DEMO_ADMIN, DEMO_EXCHANGE_PASSPHRASE, DEMO_PASSWORD, DemoContext, DemoStep, days_ago, pc_name
from core.demo.attempts_step import simulate_response
from core.exchange import identity
from core.exchange import usecases as ex
from core.infra import audit
from core.infra.clock import FakeClock, local_date
from core.infra.db import Database, open_database
from core.models import Attempt, Officer, QuestionRow, Quiz, Unit
from core.people import usecases as people
from core.people.users import get_user
from core.quiz import usecases as quiz
from core.quiz.question_view import to_shown

PASSPHRASE = DEMO_EXCHANGE_PASSPHRASE
BRANCH_NAME, PC_NAME = "临江分局（支部服务器）", "治安大队值班室"
UNIT, EXAM = "LJZA2", "道路交通安全法规季度考试"
DUTY_PC = pc_name("LJZA", 9)          # the audit log's name of the duty-room PC


def _actor(db: Database, badge: str) -> Actor:
    with db.transaction(write=False) as s:
        return get_user(s, badge).actor


def _at(db: Database, when: dt.datetime) -> None:
    """Both installations' use cases read time from their database's clock."""
    db.clock = FakeClock(when)


def _take(offline: Database, badge: str, quiz_id: int, start: dt.datetime, rng: random.Random) -> float:
    """``badge`` takes the exam on the duty-room PC, a question every half minute; their score."""
    who = _actor(offline, badge)
    _at(offline, start)
    paper = quiz.start_attempt(offline, who, quiz_id)
    ability = rng.uniform(0.75, 0.95)
    with offline.transaction(write=False) as s:
        rows = {q.id: q for q in s.scalars(select(QuestionRow).where(
            QuestionRow.id.in_([item.question_id for item in paper.items])))}
    for k, item in enumerate(paper.items):
        row = rows[item.question_id]
        order = [list(row.options or []).index(text) for text in item.options]
        _at(offline, start + dt.timedelta(seconds=30 * (k + 1)))
        response = simulate_response(rng, row, ability)
        if response is not None:
            quiz.save_answer(offline, who, paper.attempt_id, item.position, to_shown(row.qtype, response, order))
    _at(offline, start + dt.timedelta(seconds=30 * len(paper.items) + 40))
    quiz.submit_attempt(offline, who, paper.attempt_id)
    with offline.transaction(write=False) as s:
        return float(s.scalar(select(Attempt.score).where(Attempt.id == paper.attempt_id)) or 0)


def _stays_away(ctx: DemoContext) -> list[str]:
    """Badges of the branch's officers who have not taken the exam (they take it in the duty room)."""
    with ctx.db.transaction(write=False) as s:
        quiz_id = s.scalar(select(Quiz.id).where(Quiz.title == EXAM))
        taken = select(Attempt.officer_id).where(Attempt.quiz_id == quiz_id)
        return list(s.scalars(select(Officer.badge).join(Unit, Unit.id == Officer.unit_id)
                              .where(Unit.code == UNIT, Officer.role == "officer", Officer.active,
                                     Officer.id.not_in(taken)).order_by(Officer.badge)))


def run(ctx: DemoContext) -> str:
    with ctx.db.transaction(write=False) as s:
        if identity.own(s) is not None:
            return _("已有数据交换密钥")
        quiz_id = s.scalar(select(Quiz.id).where(Quiz.title == EXAM))
    if quiz_id is None:
        return _("没有演示考试，跳过数据交换")
    badges = _stays_away(ctx)
    rng = random.Random(18)
    branch_clock = ctx.db.clock
    admin = _actor(ctx.db, DEMO_ADMIN)
    exported, sent, arrived = days_ago(ctx, 6, 16), days_ago(ctx, 5, 9), days_ago(ctx, 3, 10)
    scores: list[float] = []
    printed = 0
    with tempfile.TemporaryDirectory(prefix="studyhall-demo-pc-") as tmp:
        folder = Path(tmp)
        offline = open_database(f"sqlite:///{folder / 'dutyroom.db'}")
        try:
            _at(ctx.db, exported - dt.timedelta(minutes=20))
            _at(offline, exported - dt.timedelta(minutes=10))
            branch_key = ex.create_exchange_key(ctx.db, admin, BRANCH_NAME, PASSPHRASE)
            with audit.acting(None, pc=DUTY_PC):
                local = people.create_first_admin(offline, ANONYMOUS, badge="880001", name="值班室管理员",
                                                  unit=PC_NAME, password=PASSPHRASE).actor
                pc_key = ex.create_exchange_key(offline, local, PC_NAME, PASSPHRASE)
                ex.trust_installation(offline, local, BRANCH_NAME, branch_key.public_key)
            _at(ctx.db, exported - dt.timedelta(minutes=15))
            ex.trust_installation(ctx.db, admin, PC_NAME, pc_key.public_key)

            _at(ctx.db, exported)
            exam = ex.export_exam(ctx.db, admin, quiz_id, folder / f"{EXAM}-{UNIT}.shpkg", unit=UNIT).path
            with audit.acting(None, pc=DUTY_PC):
                _at(offline, exported + dt.timedelta(hours=17))
                ex.import_package(offline, local, exam)
                with offline.transaction(write=False) as s:
                    offline_quiz = s.scalar(select(Quiz.id).where(Quiz.title == EXAM))
                assert offline_quiz is not None
                for k, badge in enumerate(badges):
                    scores.append(_take(offline, badge, offline_quiz, sent + dt.timedelta(minutes=70 * k), rng))
                _at(offline, arrived - dt.timedelta(hours=18))
                results = ex.export_results(offline, local, folder / f"{PC_NAME}-成绩包.shpkg").path

            _at(ctx.db, arrived)
            ex.import_package(ctx.db, admin, results)
            # The certificates earned in the duty room came back unsigned (a PC without the key
            # records them so): printed for the branch the same morning, which signs them.
            _at(ctx.db, arrived + dt.timedelta(minutes=25))
            if certs.key_status(ctx.db, admin).unsigned:
                certs.unlock_signing_key(ctx.db, admin, DEMO_PASSWORD)
                printed = certs.print_certificates(ctx.db, admin, Selection(quiz_id=quiz_id, since=local_date(sent)),
                                                   folder / "结业证书.pdf", unit=UNIT).count
                certs.lock_signing_key(ctx.db, admin)
        finally:
            identity.forget()          # both keys locked: exporting again asks for the passphrase
            ctx.db.clock = branch_clock
            offline.dispose()
    mean = sum(scores) / len(scores) if scores else 0.0
    return _("离线考试：{n} 名民警在{pc}参加“{q}”（平均 {m:.1f} 分），成绩包已导入，打印 {c} 份证书；数据交换口令 {p}",
             n=len(scores), pc=PC_NAME, q=EXAM, m=mean, c=printed, p=PASSPHRASE)


STEP = DemoStep("exchange", 92, N_("离线电脑交换考试包和成绩包"), run, actor=DEMO_ADMIN)
