# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Practice: by bank or category (in order or at random), 每日一练, and the 错题本.

Questions go to the screen as :class:`core.quiz.question_view.QuestionView` (no answers);
``check_answer`` grades one response, stores it, updates the 错题本, fires
``practice_did_answer`` and only then returns the correct answer and explanation.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.infra import hooks
from core.infra.clock import LOCAL_TZ, Clock, local_date, utcnow
from core.models import Bank, QuestionRow, WrongBookEntry
from core.models.quiz import PracticeAnswer
from core.quiz.exam_only import check_practisable, withheld_banks
from core.quiz.grading import grade, is_answered
from core.quiz.question_view import QuestionView, answer_text, response_text, view_of
from core.quiz.wrongbook import CLEAR_AFTER, Outcome, record

DAILY_COUNT = 10
OBJECTIVE = ("single", "multiple", "judge", "fill")


@dataclass(slots=True)
class BankSource:
    bank_id: int
    name: str
    total: int
    categories: dict[str, int] = field(default_factory=dict)


def sources(session: Session, now: dt.datetime | None = None) -> list[BankSource]:
    """Banks and their categories with the number of practisable questions (exam-only banks withheld
    at ``now`` left out)."""
    hidden = withheld_banks(session, now or utcnow())
    out: dict[int, BankSource] = {b.id: BankSource(b.id, b.name, 0) for b in session.scalars(select(Bank).order_by(Bank.name))
                                  if b.id not in hidden}
    rows = session.execute(select(QuestionRow.bank_id, QuestionRow.category, func.count())
                           .where(QuestionRow.is_current, QuestionRow.active, QuestionRow.qtype.in_(OBJECTIVE))
                           .group_by(QuestionRow.bank_id, QuestionRow.category).order_by(QuestionRow.category))
    for bank_id, category, n in rows:
        if bank_id not in out:
            continue
        src = out[bank_id]
        src.total += n
        src.categories[category or ""] = int(n)
    return [s for s in out.values() if s.total]


def _views(rows: list[QuestionRow]) -> list[QuestionView]:
    return [view_of(q, position=i, points=1.0, order=[]) for i, q in enumerate(rows)]


def _base(session: Session, now: dt.datetime) -> Select[QuestionRow]:
    stmt = select(QuestionRow).where(QuestionRow.is_current, QuestionRow.active, QuestionRow.qtype.in_(OBJECTIVE))
    hidden = withheld_banks(session, now)
    return stmt.where(QuestionRow.bank_id.not_in(hidden)) if hidden else stmt


def practice_set(session: Session, officer_id: int, *, bank_id: int | None = None, category: str | None = None,
                 order: str = "sequential", count: int = 20, now: dt.datetime | None = None) -> list[QuestionView]:
    """In order: the bank's questions the officer has not yet answered right, by position. Random: any."""
    stmt = _base(session, now or utcnow())
    if bank_id is not None:
        stmt = stmt.where(QuestionRow.bank_id == bank_id)
    if category:
        stmt = stmt.where(QuestionRow.category == category)
    if order == "random":
        return _views(list(session.scalars(stmt.order_by(func.random()).limit(count))))
    done = select(PracticeAnswer.lineage).where(PracticeAnswer.officer_id == officer_id, PracticeAnswer.correct)
    rows = list(session.scalars(stmt.where(QuestionRow.lineage.not_in(done)).order_by(QuestionRow.id).limit(count)))
    return _views(rows) if rows else _views(list(session.scalars(stmt.order_by(QuestionRow.id).limit(count))))


def day_start(now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(local_date(now), dt.time(0), LOCAL_TZ).astimezone(dt.UTC)


def daily_set(session: Session, officer_id: int, clock: Clock, n: int = DAILY_COUNT) -> list[QuestionView]:
    """每日一练: ``n`` questions never practised before today, the same set all day."""
    now = clock.now()
    seen = select(PracticeAnswer.lineage).where(PracticeAnswer.officer_id == officer_id,
                                                PracticeAnswer.answered_at < day_start(now))
    base = _base(session, now)
    pool = list(session.execute(base.with_only_columns(QuestionRow.id).where(QuestionRow.lineage.not_in(seen))
                                .order_by(QuestionRow.id)).scalars())
    if len(pool) < n:   # everything practised: fall back to the whole bank
        pool = list(session.scalars(base.with_only_columns(QuestionRow.id).order_by(QuestionRow.id)))
    rng = random.Random(f"{officer_id}:{local_date(now).isoformat()}")
    ids = rng.sample(pool, min(n, len(pool)))
    rows = {q.id: q for q in session.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids)))}
    return _views([rows[i] for i in ids])


def daily_done(session: Session, officer_id: int, clock: Clock) -> int:
    now = clock.now()
    return int(session.scalar(select(func.count(func.distinct(PracticeAnswer.lineage))).where(
        PracticeAnswer.officer_id == officer_id, PracticeAnswer.source == "daily",
        PracticeAnswer.answered_at >= day_start(now))) or 0)


def wrongbook_set(session: Session, officer_id: int, *, category: str | None = None,
                  count: int = 20, now: dt.datetime | None = None) -> list[QuestionView]:
    """Open 错题本 questions (current versions), most-missed first (none of a withheld exam-only bank)."""
    stmt = (select(QuestionRow).join(WrongBookEntry, (WrongBookEntry.lineage == QuestionRow.lineage)
                                     & (WrongBookEntry.officer_id == officer_id))
            .where(QuestionRow.is_current, WrongBookEntry.cleared.is_(False), QuestionRow.qtype.in_(OBJECTIVE))
            .order_by(WrongBookEntry.wrong_count.desc(), WrongBookEntry.last_wrong_at.desc()).limit(count))
    if category:
        stmt = stmt.where(WrongBookEntry.category == category)
    hidden = withheld_banks(session, now or utcnow())
    if hidden:
        stmt = stmt.where(QuestionRow.bank_id.not_in(hidden))
    return _views(list(session.scalars(stmt)))


@dataclass(frozen=True, slots=True)
class Feedback:
    correct: bool
    your_answer: str
    correct_answer: str
    explanation: str
    wrong_count: int            # times this question was missed (exams and practice)
    in_wrongbook: bool          # still in the book after this answer
    right_streak: int
    correct_letters: tuple[str, ...] = ()   # the options to mark green (判断: A 正确, B 错误)


def check_answer(session: Session, officer_id: int, question_id: int, response: list[str], clock: Clock, *,
                 source: str = "bank") -> Feedback:
    """Grade a practice answer, remember it, update the 错题本, and return the feedback."""
    q = session.get(QuestionRow, question_id)
    if q is None:
        raise NotFound(_("题目不存在"))
    if q.qtype not in OBJECTIVE:
        raise InvalidInput(_("简答题不能自动判分练习"))
    check_practisable(session, q.id, clock.now())
    if not is_answered(q.qtype, response):
        raise InvalidInput(_("请先作答"))
    if q.qtype in ("single", "multiple", "judge"):
        response = sorted({str(a).upper() for a in response})
    now = clock.now()
    g = grade(q.qtype, answer=q.answer or [], blanks=q.blanks or [], response=response, points=1.0,
              fill_ordered=True)
    correct = bool(g.correct)
    session.add(PracticeAnswer(id=uuid.uuid4(), officer_id=officer_id, question_id=q.id, lineage=q.lineage,
                               source=source, response=response, correct=correct, answered_at=now))
    record(session, officer_id, [Outcome(q.lineage, q.id, q.category or "", correct)], now)
    session.flush()
    entry = session.get(WrongBookEntry, (officer_id, q.lineage))
    hooks.fire("practice_did_answer", session, officer_id=officer_id, question_id=q.id, correct=correct, clock=clock)
    return Feedback(correct, response_text(q.qtype, response, []), answer_text(q.qtype, q.answer or [], q.blanks or [], []),
                    q.explanation or "", entry.wrong_count if entry else 0,
                    bool(entry and not entry.cleared), entry.right_streak if entry else 0,
                    correct_letters(q.qtype, q.answer or []))


def correct_letters(qtype: str, answer: list[str]) -> tuple[str, ...]:
    """The letters of the right options as practice shows them (options in their own order)."""
    if qtype == "judge":
        return ("A",) if answer == ["T"] else ("B",) if answer == ["F"] else ()
    if qtype in ("single", "multiple"):
        return tuple(sorted(str(a).upper() for a in answer))
    return ()


def streak_note(fb: Feedback) -> str:
    """A short line about the 错题本 after an answer."""
    if fb.in_wrongbook and fb.correct:
        return _("再答对 {n} 次即移出错题本", n=CLEAR_AFTER - fb.right_streak)
    if fb.in_wrongbook:
        return _("已记入错题本（累计答错 {n} 次）", n=fb.wrong_count)
    if fb.wrong_count:
        return _("已移出错题本")
    return ""
