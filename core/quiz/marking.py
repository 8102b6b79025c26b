# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The manual-grading queue: 简答 answers wait here for a secretary's score and comment."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.infra import audit, hooks
from core.infra.clock import Clock
from core.models import Attempt, AttemptItem, Officer, QuestionRow, Quiz
from core.quiz.attempts import set_totals


@dataclass(frozen=True, slots=True)
class PendingItem:
    item_id: uuid.UUID
    attempt_id: uuid.UUID
    quiz_title: str
    officer: str                 # 姓名（警号）
    submitted_at: dt.datetime | None
    stem: str
    reference: str               # reference answer for the grader
    response: str
    points: float


def pending(session: Session, *, quiz_id: int | None = None, unit_ids: Collection[int] | None = None,
            ) -> list[PendingItem]:
    """Ungraded 简答 answers of submitted attempts, oldest first (of officers in ``unit_ids``, if given)."""
    stmt = (select(AttemptItem, Attempt.submitted_at, Quiz.title, Officer.name, Officer.badge, QuestionRow)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .join(Officer, Officer.id == Attempt.officer_id)
            .join(QuestionRow, QuestionRow.id == AttemptItem.question_id)
            .where(Attempt.status == "pending_manual", QuestionRow.qtype == "essay", AttemptItem.score.is_(None))
            .order_by(Attempt.submitted_at, AttemptItem.position))
    if quiz_id is not None:
        stmt = stmt.where(Attempt.quiz_id == quiz_id)
    if unit_ids is not None:
        stmt = stmt.where(Officer.unit_id.in_(list(unit_ids)))
    out = []
    for item, submitted, title, name, badge, q in session.execute(stmt):
        text = "\n".join(str(r) for r in (item.response or []))
        out.append(PendingItem(item.id, item.attempt_id, title, f"{name}（{badge}）", submitted, q.stem,
                               (q.answer or [""])[0], text, item.points))
    return out


def grade_item(session: Session, item_id: uuid.UUID, score: float, comment: str, *, grader_id: int,
               clock: Clock) -> None:
    """Score one answer (0..points); the attempt's total, percent and pass/fail update."""
    item = session.get(AttemptItem, item_id)
    if item is None:
        raise NotFound(_("待阅答案不存在"))
    if not 0 <= score <= item.points:
        raise InvalidInput(_("得分应在 0 到 {p:g} 之间", p=item.points))
    attempt = session.get(Attempt, item.attempt_id)
    assert attempt is not None
    if attempt.status == "in_progress":
        raise InvalidInput(_("尚未交卷，不能阅卷"))
    before = item.score
    item.score = float(score)
    item.correct = score >= item.points
    item.comment = comment.strip()
    item.graded_by = grader_id
    session.flush()
    quiz = session.get(Quiz, attempt.quiz_id)
    assert quiz is not None
    total, waiting = session.execute(
        select(func.coalesce(func.sum(AttemptItem.score), 0.0),
               func.count().filter(AttemptItem.score.is_(None)))
        .where(AttemptItem.attempt_id == attempt.id)).one()
    set_totals(attempt, quiz, float(total or 0.0), int(waiting) > 0)
    officer = session.get(Officer, attempt.officer_id)
    audit.record(session, "attempt.grade", actor_id=grader_id, target_type="attempt", target_id=attempt.id,
                 title=quiz.title, officer=officer.badge if officer else None,
                 officer_name=officer.name if officer else None, changes={"score": [before, float(score)]},
                 points=item.points, position=item.position + 1, comment=item.comment)
    session.flush()
    hooks.fire("attempt_did_grade", session, attempt_id=attempt.id, clock=clock)
