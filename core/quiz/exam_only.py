# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Exam-only banks (仅用于考试): kept out of practice until every exam drawing from them has closed.

A bank marked ``exam_only`` never feeds practice by bank or category, 每日一练 or the 错题本 (and
``check_answer`` refuses its questions, which would reveal their keys) while it is *withheld*:
while no quiz uses it yet (it is being prepared for one), or while some quiz using it (a section
naming it, a section naming no bank, or a fixed question from it) has no closing time or has not
closed. Once every such quiz has closed, its questions become practice material.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import PermissionDenied
from base.i18n import _
from core.models import Bank, QuestionRow, Quiz, QuizQuestion, QuizSection


def withheld_banks(session: Session, now: dt.datetime) -> set[int]:
    """Ids of exam-only banks whose questions practice must not show now."""
    marked = set(session.scalars(select(Bank.id).where(Bank.exam_only.is_(True))))
    if not marked:
        return set()
    using: dict[int, list[dt.datetime | None]] = {b: [] for b in marked}
    for closes_at, filters in session.execute(
            select(Quiz.closes_at, QuizSection.filters).join(QuizSection, QuizSection.quiz_id == Quiz.id)):
        banks = {int(b) for b in (filters or {}).get("bank_ids") or []} or marked
        for b in banks & marked:
            using[b].append(closes_at)
    for bank_id, closes_at in session.execute(
            select(QuestionRow.bank_id, Quiz.closes_at).join(QuizQuestion, QuizQuestion.question_id == QuestionRow.id)
            .join(Quiz, Quiz.id == QuizQuestion.quiz_id).where(QuestionRow.bank_id.in_(marked))):
        using[bank_id].append(closes_at)
    return {b for b, closes in using.items() if not closes or any(c is None or c > now for c in closes)}


def check_practisable(session: Session, question_id: int, now: dt.datetime) -> None:
    bank_id = session.scalar(select(QuestionRow.bank_id).where(QuestionRow.id == question_id))
    if bank_id is not None and bank_id in withheld_banks(session, now):
        raise PermissionDenied(_("这道题属于考试专用题库，考试结束前不能练习"))
