# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Composing papers: section filters, the draw preview, drawing, saving and publishing.

What a secretary sets is a :class:`~core.quiz.spec.QuizSpec` (core/quiz/spec.py).

A section draws ``count`` current, active questions of one type matching its
filters::

    {"bank_ids": [1, 2], "categories": ["酒驾醉驾"], "tags": ["2024"],
     "difficulty": {"1": 2, "2": 5, "3": 3}}      # optional mix, must sum to count

Drawing samples each section's pool of candidate ids, kept in memory while the
database's stamp of the banks says they are current (core/quiz/pools.py), so a
paper from a 100,000-question bank costs about a millisecond. A quiz whose
sections cannot all be drawn cannot be published.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.infra import audit
from core.models import QuestionRow, Quiz, QuizQuestion, QuizSection
from core.quiz.pools import PoolKey, Pools
from core.quiz.spec import QuizSpec, SectionSpec
from quizbank.model import QType

# --- filters, preview, drawing -----------------------------------------------------------------

def _base(qtype: str, filters: dict[str, Any], difficulty: int | None = None) -> Select[Any]:
    stmt = select(QuestionRow.id).where(QuestionRow.qtype == qtype, QuestionRow.is_current, QuestionRow.active)
    if filters.get("bank_ids"):
        stmt = stmt.where(QuestionRow.bank_id.in_([int(b) for b in filters["bank_ids"]]))
    if filters.get("categories"):
        stmt = stmt.where(QuestionRow.category.in_([str(c) for c in filters["categories"]]))
    if difficulty is not None:
        stmt = stmt.where(QuestionRow.difficulty == difficulty)
    return stmt


def _parts(count: int, filters: dict[str, Any]) -> list[tuple[int | None, int]]:
    """(difficulty or None, how many) pieces of one section."""
    mix = filters.get("difficulty") or {}
    return [(int(k), int(v)) for k, v in sorted(mix.items()) if int(v) > 0] if mix else [(None, count)]


def _tagged_ids(session: Session, stmt: Select[Any], tags: list[str], exclude: set[int]) -> list[int]:
    wanted = set(tags)
    rows = session.execute(stmt.add_columns(QuestionRow.tags))
    return [qid for qid, qtags in rows if qid not in exclude and wanted & set(qtags or [])]


def available(session: Session, qtype: str, filters: dict[str, Any], difficulty: int | None = None) -> int:
    stmt = _base(qtype, filters, difficulty)
    if filters.get("tags"):
        return len(_tagged_ids(session, stmt, list(filters["tags"]), set()))
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


@dataclass(frozen=True, slots=True)
class SectionPreview:
    position: int
    qtype: str
    wanted: int
    available: int
    detail: str            # e.g. "难度1: 2/5" for a mix, else ""

    @property
    def ok(self) -> bool:
        return self.available >= self.wanted


def preview_sections(session: Session, sections: list[SectionSpec]) -> list[SectionPreview]:
    out = []
    for i, s in enumerate(sections):
        f = s.filters()
        parts = _parts(s.count, f)
        if parts[0][0] is None:
            out.append(SectionPreview(i, s.qtype, s.count, available(session, s.qtype, f), ""))
            continue
        short = False
        details = []
        total = 0
        for level, n in parts:
            have = available(session, s.qtype, f, level)
            total += min(have, n)
            short |= have < n
            details.append(_("难度{d}：需 {n}，可抽 {a}", d=level, n=n, a=have))
        out.append(SectionPreview(i, s.qtype, s.count, total if short else max(total, s.count), "；".join(details)))
    return out


def _sample(pool: tuple[int, ...], n: int, exclude: set[int], rng: random.Random) -> list[int]:
    """Up to ``n`` ids of ``pool`` not in ``exclude``, uniformly at random.

    A random sample of ``n + len(exclude)`` holds at least ``n`` allowed ids whenever the pool has
    them, so the small excluded set never costs a pass over a 40,000-id pool."""
    picked = rng.sample(pool, min(len(pool), n + len(exclude)))
    return [qid for qid in picked if qid not in exclude][:n]


def draw_section(session: Session, qtype: str, count: int, filters: dict[str, Any], *,
                 exclude: set[int] | None = None, rng: random.Random | None = None,
                 pools: Pools | None = None) -> list[int]:
    """Question ids for one section, chosen at random; raises when there are too few.

    Candidates come from the section's draw pool (core/quiz/pools.py: loaded once per change of
    the banks, then kept in memory), so a draw costs no pass over the table however big the bank.
    """
    exclude = set(exclude or ())
    rng = rng or random.Random()
    pools = pools or Pools(session)
    chosen: list[int] = []
    for level, n in _parts(count, filters):
        picked = _sample(pools.ids(PoolKey.of(qtype, filters, level)), n, exclude, rng)
        if len(picked) < n:
            raise InvalidInput(_("题库中符合条件的{t}只有 {a} 道，需要 {n} 道", t=QType(qtype).label, a=len(picked), n=n))
        chosen.extend(picked)
        exclude.update(picked)
    return chosen


def draw_paper(session: Session, quiz: Quiz, *, rng: random.Random | None = None) -> list[tuple[int, float]]:
    """(question id, points) for a new attempt: fixed questions first, then each section in order."""
    items = [(f.question_id, f.points) for f in quiz.fixed]
    taken = {qid for qid, _p in items}
    pools = Pools(session)          # one look at the banks' stamp for the whole paper
    for s in quiz.sections:
        ids = draw_section(session, s.qtype, s.count, s.filters or {}, exclude=taken, rng=rng, pools=pools)
        taken.update(ids)
        items.extend((qid, s.points_each) for qid in ids)
    return items


# --- saving and publishing ---------------------------------------------------------------------

def _apply(quiz: Quiz, spec: QuizSpec) -> None:
    quiz.title = spec.title.strip()
    quiz.mode = spec.mode
    quiz.description = spec.description
    quiz.time_limit_s = spec.time_limit_min * 60 if spec.time_limit_min else None
    quiz.pass_percent = spec.pass_percent
    quiz.attempts_allowed = spec.attempts_allowed
    quiz.counting = spec.counting
    quiz.opens_at = spec.opens_at
    quiz.closes_at = spec.closes_at
    quiz.shuffle_questions = spec.shuffle_questions
    quiz.shuffle_options = spec.shuffle_options
    quiz.multi_scoring = spec.multi_scoring
    quiz.fill_ordered = spec.fill_ordered
    quiz.review = spec.review
    quiz.review_after_close = spec.review_after_close
    quiz.lockdown = spec.lockdown
    quiz.leave_limit = spec.leave_limit if spec.lockdown else None
    quiz.audience = dict(spec.audience)
    quiz.sections = [QuizSection(position=i, title=s.title, qtype=s.qtype, count=s.count, points_each=s.points_each,
                                 filters=s.filters()) for i, s in enumerate(spec.sections)]
    quiz.fixed = [QuizQuestion(position=i, question_id=qid, points=p) for i, (qid, p) in enumerate(spec.fixed)]


def save_quiz(session: Session, spec: QuizSpec, *, now: dt.datetime, quiz_id: int | None = None,
              actor_id: int | None = None, owner_unit_id: int | None = None) -> int:
    """Create (``quiz_id`` None, owned by ``owner_unit_id``) or update a quiz from ``spec``; returns its
    id. Stays unpublished when new."""
    spec.validate()
    for qid, _p in spec.fixed:
        if session.get(QuestionRow, qid) is None:
            raise InvalidInput(_("固定题目 {id} 不存在", id=qid))
    before = {} if quiz_id is None else _audited(quiz_spec(session, quiz_id))
    if quiz_id is None:
        quiz = Quiz(title=spec.title, created_at=now, created_by=actor_id, published=False,
                    owner_unit_id=owner_unit_id)
        session.add(quiz)
    else:
        quiz = get_quiz(session, quiz_id)
    _apply(quiz, spec)
    session.flush()
    if quiz.published:
        check_drawable(session, quiz)
    after = _audited(spec)
    audit.record(session, "quiz.save", actor_id=actor_id, target_type="quiz", target_id=quiz.id, title=quiz.title,
                 new=quiz_id is None, **({"mode": spec.mode, "questions": after["questions"], "points": after["points"]}
                                         if quiz_id is None else {"changes": audit.diff(before, after)}))
    return quiz.id


def _audited(spec: QuizSpec) -> dict[str, object]:
    """What the audit log compares between two versions of a quiz (the settings people recognise)."""
    return {"title": spec.title, "mode": spec.mode, "time_limit_min": spec.time_limit_min,
            "pass_percent": spec.pass_percent, "attempts_allowed": spec.attempts_allowed,
            "opens_at": spec.opens_at, "closes_at": spec.closes_at, "review": spec.review,
            "questions": sum(s.count for s in spec.sections) + len(spec.fixed),
            "points": sum(s.count * s.points_each for s in spec.sections) + sum(p for _q, p in spec.fixed)}


def get_quiz(session: Session, quiz_id: int) -> Quiz:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("试卷 {id} 不存在", id=quiz_id))
    return quiz


def quiz_spec(session: Session, quiz_id: int) -> QuizSpec:
    q = get_quiz(session, quiz_id)
    return QuizSpec(
        title=q.title, mode=q.mode, description=q.description,
        time_limit_min=q.time_limit_s // 60 if q.time_limit_s else None, pass_percent=q.pass_percent,
        attempts_allowed=q.attempts_allowed, counting=q.counting, opens_at=q.opens_at, closes_at=q.closes_at,
        shuffle_questions=q.shuffle_questions, shuffle_options=q.shuffle_options, multi_scoring=q.multi_scoring,
        fill_ordered=q.fill_ordered, review=q.review, review_after_close=q.review_after_close,
        lockdown=q.lockdown, leave_limit=q.leave_limit,
        audience=dict(q.audience or {}), sections=[SectionSpec.from_row(s) for s in q.sections],
        fixed=[(f.question_id, f.points) for f in q.fixed],
    )


def check_drawable(session: Session, quiz: Quiz) -> None:
    specs = [SectionSpec.from_row(s) for s in quiz.sections]
    for p in preview_sections(session, specs):
        if not p.ok:
            raise InvalidInput(_("第{n}个抽题规则（{t}）需要 {w} 道题，题库中只有 {a} 道，无法发布",
                                 n=p.position + 1, t=QType(p.qtype).label, w=p.wanted, a=p.available))


def set_published(session: Session, quiz_id: int, published: bool, *, actor_id: int | None = None) -> None:
    """Publish (after checking every section can be drawn) or withdraw a quiz."""
    quiz = get_quiz(session, quiz_id)
    if published:
        check_drawable(session, quiz)
    quiz.published = published
    audit.record(session, "quiz.publish" if published else "quiz.withdraw", actor_id=actor_id,
                 target_type="quiz", target_id=quiz_id, title=quiz.title)


@dataclass(frozen=True, slots=True)
class QuestionHit:
    id: int
    qtype: str
    bank: str
    category: str
    stem: str


def search_questions(session: Session, text: str, *, bank_id: int | None = None, limit: int = 50,
                     within: Collection[int] | None = None) -> list[QuestionHit]:
    """Current questions whose stem contains ``text`` (for picking fixed questions), among banks ``within``."""
    from core.models import Bank

    stmt = (select(QuestionRow.id, QuestionRow.qtype, Bank.name, QuestionRow.category, QuestionRow.stem)
            .join(Bank, Bank.id == QuestionRow.bank_id)
            .where(QuestionRow.is_current, QuestionRow.active).order_by(QuestionRow.id).limit(limit))
    if text.strip():
        stmt = stmt.where(QuestionRow.stem.contains(text.strip(), autoescape=True))
    if bank_id is not None:
        stmt = stmt.where(QuestionRow.bank_id == bank_id)
    if within is not None:
        stmt = stmt.where(QuestionRow.bank_id.in_(list(within)))
    return [QuestionHit(*row) for row in session.execute(stmt)]
