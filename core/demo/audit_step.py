# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: the rest of the audit log's story, so the 操作日志 page reads like a unit's months.

The steps before record their own work (banks, materials, quizzes, the roster) as the demo
accounts who did it. This one adds what leaves no other trace, consistent with the demo's data:
the secretary's grading of the 简答 answers (from the graded answers themselves), officers who
mistyped their password and had it reset by their branch secretary, a secretary refused an
officer of another branch, a bank exported for printing, and the administrator's weekly backups.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from base.i18n import N_, _
from core.access.actor import Actor
from core.access.permissions import Action
from core.access.usecase import denied
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as, dated, days_ago, pc_name
from core.infra import audit
from core.infra.clock import LOCAL_TZ, local_date
from core.models import Attempt, AttemptItem, Bank, Officer, QuestionRow, Quiz, Unit

FORGOT = [("200007", 33), ("200023", 12)]      # officers who forgot their password, days ago
PRINTED_BANK, PRINTED_BY = "党建基础知识", "100001"
REFUSED = "100003"                              # a secretary who tried to edit another branch's officer
BACKUP_WEEKS = 12


def run(ctx: DemoContext) -> str:
    rng = random.Random(20261102)
    n = _grading(ctx, rng)
    n += _forgotten_passwords(ctx)
    n += _refusal(ctx)
    n += _printed_bank(ctx)
    n += _backups(ctx)
    with audit.acting(None, at=days_ago(ctx, 1, 8, 12), pc=pc_name("LJZA1", 2)), ctx.db.transaction() as s:
        # Someone at a station PC typed a badge that is no account (one digit short).
        audit.record(s, "login.failed", target_type="officer", target_id="20001", badge="20001", reason="password",
                     known=False, purpose="login", failures=1)
    return _("已补充 {n} 条操作日志", n=n + 1)


def _grading(ctx: DemoContext, rng: random.Random) -> int:
    """The 简答 answers graded in the demo, each as its grader's work in office hours within two days
    of the submission."""
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        graded = s.execute(
            select(AttemptItem.attempt_id, AttemptItem.position, AttemptItem.score, AttemptItem.points,
                   AttemptItem.comment, AttemptItem.graded_by, Attempt.submitted_at, Quiz.title, Officer.badge,
                   Officer.name)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id).join(Quiz, Quiz.id == Attempt.quiz_id)
            .join(Officer, Officer.id == Attempt.officer_id)
            .where(AttemptItem.graded_by.is_not(None), Attempt.submitted_at.is_not(None))
            .order_by(Attempt.submitted_at)).all()
        graders = {officer_id: badge for officer_id, badge in s.execute(select(Officer.id, Officer.badge))}
    count = 0
    for row in graded:
        day = local_date(row.submitted_at) + dt.timedelta(days=rng.randint(0, 2))
        when = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59)), LOCAL_TZ)
        if when <= row.submitted_at:
            when = row.submitted_at + dt.timedelta(hours=rng.uniform(1, 3))
        when = min(when.astimezone(dt.UTC), now - dt.timedelta(minutes=30))
        with acting_as(ctx, graders.get(row.graded_by), at=when), ctx.db.transaction() as s:
            audit.record(s, "attempt.grade", target_type="attempt", target_id=row.attempt_id, title=row.title,
                         officer=row.badge, officer_name=row.name, changes={"score": [None, row.score]},
                         points=row.points, position=row.position + 1, comment=row.comment)
        count += 1
    return count


def _secretary_of(ctx: DemoContext, badge: str) -> str | None:
    with ctx.db.transaction() as s:
        unit = s.scalar(select(Officer.unit_id).where(Officer.badge == badge))
        return s.scalar(select(Officer.badge).where(Officer.unit_id == unit, Officer.role == "secretary")
                        .order_by(Officer.badge).limit(1))


def _forgotten_passwords(ctx: DemoContext) -> int:
    """Three wrong passwords at the station PC, then the branch secretary set a new one."""
    count = 0
    for badge, back in FORGOT:
        with ctx.db.transaction() as s:
            name = s.scalar(select(Officer.name).where(Officer.badge == badge))
        secretary = _secretary_of(ctx, badge)
        if name is None or secretary is None:
            continue
        start = days_ago(ctx, back, 8, 41)
        with ctx.db.transaction() as s:
            # Typed at the shared PC of the officer's unit, with nobody logged in.
            unit = s.scalar(select(Unit.code).join(Officer, Officer.unit_id == Unit.id).where(Officer.badge == badge))
            for failures in (1, 2, 3):
                with audit.acting(None, at=start + dt.timedelta(seconds=25 * failures), pc=pc_name(str(unit), 2)):
                    audit.record(s, "login.failed", target_type="officer", target_id=badge, badge=badge,
                                 reason="password", known=True, purpose="login", failures=failures)
        with acting_as(ctx, secretary, at=start + dt.timedelta(minutes=23)), ctx.db.transaction() as s:
            audit.record(s, "user.passwd", target_type="officer", target_id=badge, name=name)
        count += 4
    return count


def _refusal(ctx: DemoContext) -> int:
    """A secretary tried to edit an officer of another branch and was refused."""
    with ctx.db.transaction() as s:
        me = s.scalar(select(Officer).where(Officer.badge == REFUSED))
        if me is None:
            return 0
        actor = Actor.user(me.id, me.role, me.unit_id, badge=me.badge, name=me.name)
    message = str(denied(actor, Action.PEOPLE_EDIT, _("只能查看或处理本人或本单位人员的记录")))
    with acting_as(ctx, REFUSED, at=days_ago(ctx, 20, 15, 2)), ctx.db.transaction() as s:
        audit.record(s, "access.denied", target_type="action", target_id=str(Action.PEOPLE_EDIT),
                     use_case="core.people.usecases.update_person", badge=actor.badge, message=message)
    return 1


def _printed_bank(ctx: DemoContext) -> int:
    """A secretary exported a bank to Word to print it for the branch's study session."""
    with ctx.db.transaction() as s:
        bank = s.scalar(select(Bank.id).where(Bank.name == PRINTED_BANK))
        if bank is None:
            return 0
        questions = int(s.scalar(select(func.count()).select_from(QuestionRow).where(
            QuestionRow.bank_id == bank, QuestionRow.is_current, QuestionRow.active)) or 0)
    with acting_as(ctx, PRINTED_BY, at=days_ago(ctx, 30, 10, 48)), ctx.db.transaction() as s:
        audit.record(s, "bank.export", target_type="bank", target_id=PRINTED_BANK, file=f"{PRINTED_BANK}.docx",
                     format="docx", count=questions)
    return 1


def _backups(ctx: DemoContext) -> int:
    """The administrator backs up the database every Friday afternoon."""
    last_friday = (local_date(ctx.clock.now()).weekday() - 4) % 7 or 7
    count = 0
    with acting_as(ctx, DEMO_ADMIN), ctx.db.transaction() as s:
        for week in range(BACKUP_WEEKS - 1, -1, -1):
            back = last_friday + 7 * week
            name = f"studyhall-{local_date(days_ago(ctx, back)).isoformat()}.zip"
            with dated(days_ago(ctx, back, 17, 30)):
                audit.record(s, "admin.backup", target_type="database", target_id=name, file=name)
            count += 1
    return count


STEP = DemoStep("audit", 95, N_("补充操作日志"), run)
