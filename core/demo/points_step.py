# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: the points ledger for the demo history, by applying the rules to it.

Same rules and source keys as the live listeners (``core.points.ledger``), computed in bulk:
study minutes per day, finished materials, and any submitted attempts the quiz demo
created (none is fine). Replaying a live listener afterwards therefore adds nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from base.i18n import N_, _
from core.demo import DemoContext, DemoStep
from core.infra.clock import local_date
from core.models import (
    Attempt,
    LedgerEntry,
    Material,
    MaterialProgress,
    Officer,
    Quiz,
    StudySession,
)
from core.models.bank import QuestionRow as Question
from core.models.quiz import PracticeAnswer
from core.points.ledger import EPOCH, RuleBook, practice_note, seed_default_rules, study_note, study_source_id


class _Ledger:
    """Collects entries, applying each rule's daily cap the way ``core.points.ledger.grant`` does."""

    def __init__(self, session: Session, now: dt.datetime) -> None:
        self.book = RuleBook(session)
        self.now = now
        self.rows: list[dict[str, object]] = []
        self.used: dict[tuple[int, str, dt.date], float] = defaultdict(float)
        self.keys: set[tuple[int, str, str, str]] = set()

    def add(self, officer_id: int, unit_id: int, day: dt.date, code: str, source_type: str, source_id: str,
            note: str) -> None:
        rule = self.book.rule(code, day)
        key = (officer_id, code, source_type, source_id)
        if rule is None or rule.amount <= 0 or key in self.keys:
            return
        amount = rule.amount
        if rule.daily_cap is not None:
            amount = min(amount, rule.daily_cap - self.used[(officer_id, code, day)])
        if amount <= 0:
            return
        self.used[(officer_id, code, day)] += amount
        self.keys.add(key)
        self.rows.append({"id": uuid.uuid4(), "officer_id": officer_id, "unit_id": unit_id, "day": day,
                          "rule_code": code, "amount": amount, "source_type": source_type,
                          "source_id": source_id, "note": note, "created_at": self.now})


def run(ctx: DemoContext) -> str:
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        seed_default_rules(s, EPOCH)
        ledger = _Ledger(s, now)
        study = ledger.book.rule("study_minutes", local_date(now))
        block = int(study.params.get("block_minutes", 10)) if study else 10
        days = s.execute(select(StudySession.officer_id, StudySession.unit_id, StudySession.day,
                                func.sum(StudySession.active_seconds))
                         .where(StudySession.group_session_id.is_(None))
                         .group_by(StudySession.officer_id, StudySession.unit_id, StudySession.day)
                         .order_by(StudySession.day)).all()
        for officer_id, unit_id, day, seconds in days:
            for n in range(1, int(seconds) // (block * 60) + 1):
                ledger.add(officer_id, unit_id, day, "study_minutes", "study", study_source_id(day, n),
                           study_note(day, n * block))
        finished = s.execute(select(MaterialProgress.officer_id, Officer.unit_id, MaterialProgress.material_id,
                                    MaterialProgress.finished_at, Material.title, Material.required)
                             .join(Officer, Officer.id == MaterialProgress.officer_id)
                             .join(Material, Material.id == MaterialProgress.material_id)
                             .where(MaterialProgress.finished_at.is_not(None))).all()
        for officer_id, unit_id, mid, at, title, required in finished:
            assert at is not None   # the query keeps finished materials only
            ledger.add(officer_id, unit_id, local_date(at), "required_finished" if required else "optional_finished",
                       "material", str(mid), f"学完《{title}》")
        _attempts(s, ledger)
        if ledger.rows:
            s.execute(insert(LedgerEntry), ledger.rows)
    return _("已登记 {n} 条积分", n=len(ledger.rows))


def _attempts(s: Session, ledger: _Ledger) -> None:
    rows = s.execute(select(Attempt.id, Attempt.officer_id, Attempt.unit_id, Attempt.submitted_at,
                            Attempt.percent, Attempt.passed, Quiz.id, Quiz.title, Quiz.mode)
                     .join(Quiz, Quiz.id == Attempt.quiz_id)
                     .where(Attempt.status == "submitted", Attempt.submitted_at.is_not(None))
                     .order_by(Attempt.submitted_at)).all()
    for _attempt_id, officer_id, unit_id, at, percent, passed, quiz_id, title, mode in rows:
        if mode == "practice":        # practice points come from practice answers, as in the live listeners
            continue
        assert at is not None   # the query keeps submitted attempts only
        day = local_date(at)
        if passed:
            ledger.add(officer_id, unit_id, day, "quiz_passed", "quiz", str(quiz_id), f"《{title}》合格")
        for code in ("score_80", "score_90"):
            rule = ledger.book.rule(code, day)
            if rule is not None and (percent or 0) >= float(rule.params.get("min_percent", 100)):
                ledger.add(officer_id, unit_id, day, code, "quiz", str(quiz_id),
                           f"《{title}》得分率 {percent or 0:.0f}%")
    answers = s.execute(select(PracticeAnswer.officer_id, Officer.unit_id, PracticeAnswer.answered_at,
                               PracticeAnswer.question_id, Question.stem)
                        .join(Officer, Officer.id == PracticeAnswer.officer_id)
                        .join(Question, Question.id == PracticeAnswer.question_id)
                        .where(PracticeAnswer.correct.is_(True))
                        .order_by(PracticeAnswer.answered_at)).all()
    for officer_id, unit_id, at, question_id, stem in answers:
        day = local_date(at)
        ledger.add(officer_id, unit_id, day, "practice_correct", "practice", f"{day.isoformat()}:{question_id}",
                   practice_note(stem))


STEP = DemoStep("points", 70, N_("登记积分台账"), run)
