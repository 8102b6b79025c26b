# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Quizzes as lists for the GUI and CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from base.i18n import N_
from core.models import Quiz

MODE_LABELS = {"practice": N_("练习"), "exam": N_("考试"), "competition": N_("竞赛")}


@dataclass(frozen=True, slots=True)
class QuizInfo:
    id: int
    title: str
    mode: str
    questions: int
    total_points: float
    time_limit_min: int | None
    pass_percent: float | None
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    published: bool
    owner_unit_id: int | None = None      # None: the whole organisation's (see core/access/ownership.py)
    manageable: bool = True               # may the asking user edit and publish it

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "title": self.title, "mode": self.mode, "questions": self.questions,
            "total_points": self.total_points, "time_limit_min": self.time_limit_min,
            "pass_percent": self.pass_percent, "published": self.published, "manageable": self.manageable,
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
        }


def _info(q: Quiz) -> QuizInfo:
    n = sum(s.count for s in q.sections) + len(q.fixed)
    points = sum(s.count * s.points_each for s in q.sections) + sum(f.points for f in q.fixed)
    return QuizInfo(q.id, q.title, q.mode, n, points, q.time_limit_s // 60 if q.time_limit_s else None,
                    q.pass_percent, q.opens_at, q.closes_at, q.published, q.owner_unit_id)


def list_quizzes(session: Session, modes: Sequence[str] | None = None, *, published_only: bool = False,
                 ) -> list[QuizInfo]:
    stmt = select(Quiz).options(selectinload(Quiz.sections), selectinload(Quiz.fixed)).order_by(Quiz.id)
    if modes:
        stmt = stmt.where(Quiz.mode.in_(list(modes)))
    if published_only:
        stmt = stmt.where(Quiz.published)
    return [_info(q) for q in session.scalars(stmt)]


def quiz_detail(session: Session, quiz_id: int) -> dict[str, object]:
    """Everything about one quiz for ``quiz show``: rules, sections with how many each can draw."""
    from core.quiz.compose import get_quiz, preview_sections
    from core.quiz.spec import SectionSpec

    q = get_quiz(session, quiz_id)
    previews = preview_sections(session, [SectionSpec.from_row(s) for s in q.sections])
    d = _info(q).to_dict()
    d.update({
        "description": q.description, "attempts_allowed": q.attempts_allowed, "counting": q.counting,
        "shuffle_questions": q.shuffle_questions, "shuffle_options": q.shuffle_options,
        "multi_scoring": q.multi_scoring, "fill_ordered": q.fill_ordered, "review": q.review,
        "review_after_close": q.review_after_close, "audience": dict(q.audience or {}),
        "lockdown": q.lockdown, "leave_limit": q.leave_limit,
        "sections": [{"type": s.qtype, "count": s.count, "points_each": s.points_each, "filters": s.filters,
                      "available": p.available, "drawable": p.ok} for s, p in zip(q.sections, previews, strict=True)],
        "fixed": [{"question_id": f.question_id, "points": f.points} for f in q.fixed],
    })
    return d
