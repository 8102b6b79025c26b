# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""错题本: every question answered wrong enters; it leaves after being answered right twice in a row.

Entries are keyed by the question's lineage, so an edited question stays the
same entry (and is practised in its newest version).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import QuestionRow, WrongBookEntry

CLEAR_AFTER = 2     # right answers in a row that take a question out of the book


@dataclass(frozen=True, slots=True)
class Outcome:
    lineage: uuid.UUID
    question_id: int
    category: str
    correct: bool


def record(session: Session, officer_id: int, outcomes: Iterable[Outcome], now: dt.datetime) -> None:
    """Apply answers (from an exam or practice) to the officer's book, in one query plus writes."""
    outcomes = list(outcomes)
    if not outcomes:
        return
    lineages = {o.lineage for o in outcomes}
    existing = {e.lineage: e for e in session.scalars(
        select(WrongBookEntry).where(WrongBookEntry.officer_id == officer_id, WrongBookEntry.lineage.in_(lineages)))}
    for o in outcomes:
        entry = existing.get(o.lineage)
        if o.correct:
            if entry is not None and not entry.cleared:
                entry.right_streak += 1
                entry.cleared = entry.right_streak >= CLEAR_AFTER
            continue
        if entry is None:
            entry = WrongBookEntry(officer_id=officer_id, lineage=o.lineage, question_id=o.question_id,
                                   category=o.category, wrong_count=0, right_streak=0, last_wrong_at=now,
                                   cleared=False)
            session.add(entry)
            existing[o.lineage] = entry
        entry.wrong_count += 1
        entry.right_streak = 0
        entry.cleared = False
        entry.last_wrong_at = now
        entry.question_id = o.question_id
        entry.category = o.category


@dataclass(frozen=True, slots=True)
class WrongEntry:
    question_id: int             # current version
    stem: str
    qtype: str
    category: str
    wrong_count: int
    right_streak: int
    last_wrong_at: dt.datetime
    cleared: bool


def entries(session: Session, officer_id: int, *, category: str | None = None,
            include_cleared: bool = False) -> list[WrongEntry]:
    """The book, most-missed first; questions shown in their current version."""
    stmt = (select(WrongBookEntry, QuestionRow)
            .join(QuestionRow, (QuestionRow.lineage == WrongBookEntry.lineage) & QuestionRow.is_current)
            .where(WrongBookEntry.officer_id == officer_id)
            .order_by(WrongBookEntry.wrong_count.desc(), WrongBookEntry.last_wrong_at.desc()))
    if category:
        stmt = stmt.where(WrongBookEntry.category == category)
    if not include_cleared:
        stmt = stmt.where(WrongBookEntry.cleared.is_(False))
    return [WrongEntry(q.id, q.stem, q.qtype, e.category, e.wrong_count, e.right_streak, e.last_wrong_at, e.cleared)
            for e, q in session.execute(stmt)]


def categories(session: Session, officer_id: int) -> dict[str, int]:
    """Open entries per category."""
    rows = session.execute(
        select(WrongBookEntry.category, func.count())
        .where(WrongBookEntry.officer_id == officer_id, WrongBookEntry.cleared.is_(False))
        .group_by(WrongBookEntry.category).order_by(WrongBookEntry.category))
    return {c or "": int(n) for c, n in rows}


def open_count(session: Session, officer_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(WrongBookEntry).where(
        WrongBookEntry.officer_id == officer_id, WrongBookEntry.cleared.is_(False))) or 0)
