# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The bank browser's services: search, counts, versioned edits, enable/disable, delete, export.

The browser shows current versions only. Editing a question inserts a new row with
the same ``lineage`` and ``version`` + 1 and moves ``is_current`` to it; quizzes and
attempts keep pointing at the row id they used. A question any version of which is
used by a quiz, an attempt, a practice answer or a wrong-answer book can be disabled but
not deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import CursorResult, Select, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.infra import audit
from core.infra.clock import utcnow
from core.models import AttemptItem, Bank, QuestionRow, QuizQuestion, WrongBookEntry
from core.models.quiz import PracticeAnswer
from quizbank.model import QType, Question, SourceRef

STATUSES = ("all", "active", "disabled")
STEM_PREVIEW = 120   # characters of the stem sent to the table (the detail view has the whole text)


@dataclass(frozen=True, slots=True)
class QuestionFilter:
    """What the browser asks for; empty fields do not filter."""

    text: str = ""
    bank_id: int | None = None
    qtype: str | None = None
    category: str | None = None
    difficulty: int | None = None
    status: str = "all"   # all / active / disabled


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    """One row of the browser's table."""

    id: int
    bank_id: int
    bank: str
    qtype: str
    stem: str
    category: str
    difficulty: int
    active: bool
    version: int

    @property
    def type_label(self) -> str:
        return QType(self.qtype).label


@dataclass(frozen=True, slots=True)
class VersionInfo:
    id: int
    version: int
    is_current: bool
    created_at: object
    stem: str


@dataclass(slots=True)
class QuestionDetail:
    """A question with everything the detail panel shows."""

    id: int
    lineage: uuid.UUID
    bank_id: int
    bank: str
    version: int
    is_current: bool
    active: bool
    question: Question
    history: list[VersionInfo] = field(default_factory=list)
    used: bool = False
    manageable: bool = True        # may the asking user edit it (its bank is theirs; see core/access/ownership)


@dataclass(slots=True)
class Counts:
    total: int = 0
    disabled: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)


# --- queries ---------------------------------------------------------------------------


def _filtered(stmt: Select, flt: QuestionFilter, within: Collection[int] | None = None) -> Select:
    stmt = stmt.where(QuestionRow.is_current)
    if within is not None:
        stmt = stmt.where(QuestionRow.bank_id.in_(list(within)))
    if flt.bank_id is not None:
        stmt = stmt.where(QuestionRow.bank_id == flt.bank_id)
    if flt.qtype:
        stmt = stmt.where(QuestionRow.qtype == flt.qtype)
    if flt.category is not None:
        stmt = stmt.where(QuestionRow.category == flt.category)
    if flt.difficulty is not None:
        stmt = stmt.where(QuestionRow.difficulty == flt.difficulty)
    if flt.status == "active":
        stmt = stmt.where(QuestionRow.active)
    elif flt.status == "disabled":
        stmt = stmt.where(QuestionRow.active.is_(False))
    elif flt.status not in STATUSES:
        raise InvalidInput(_("状态“{s}”无效，可选：all、active、disabled", s=flt.status))
    text = flt.text.strip()
    if text:
        # autoescape: % and _ typed by the user match themselves, not any text.
        stmt = stmt.where(QuestionRow.stem.contains(text, autoescape=True))
    return stmt


def count(session: Session, flt: QuestionFilter, *, within: Collection[int] | None = None) -> int:
    return int(session.scalar(_filtered(select(func.count()).select_from(QuestionRow), flt, within)) or 0)


def search(session: Session, flt: QuestionFilter, *, offset: int = 0, limit: int = 200,
           within: Collection[int] | None = None) -> list[QuestionSummary]:
    """One page of current questions matching ``flt``, newest first by id (among banks ``within``)."""
    stmt = _filtered(
        select(QuestionRow.id, QuestionRow.bank_id, Bank.name, QuestionRow.qtype,
               func.substr(QuestionRow.stem, 1, STEM_PREVIEW), QuestionRow.category, QuestionRow.difficulty,
               QuestionRow.active, QuestionRow.version).join(Bank, Bank.id == QuestionRow.bank_id),
        flt, within,
    ).order_by(QuestionRow.id).offset(max(offset, 0)).limit(max(limit, 0))
    return [QuestionSummary(*row) for row in session.execute(stmt)]


def counts(session: Session, bank_id: int | None = None, *, within: Collection[int] | None = None) -> Counts:
    """Counts of current questions by type and category (active ones), plus how many are disabled."""
    out = Counts()
    base = QuestionRow.is_current if bank_id is None else (QuestionRow.is_current & (QuestionRow.bank_id == bank_id))
    if within is not None:
        base = base & QuestionRow.bank_id.in_(list(within))
    for qtype, active, n in session.execute(
        select(QuestionRow.qtype, QuestionRow.active, func.count()).where(base)
        .group_by(QuestionRow.qtype, QuestionRow.active)
    ):
        if active:
            out.by_type[qtype] = out.by_type.get(qtype, 0) + n
            out.total += n
        else:
            out.disabled += n
    for category, n in session.execute(
        select(QuestionRow.category, func.count()).where(base, QuestionRow.active)
        .group_by(QuestionRow.category).order_by(func.count().desc())
    ):
        out.by_category[category or ""] = n
    return out


def categories(session: Session, bank_id: int | None = None, *, within: Collection[int] | None = None,
               ) -> list[str]:
    stmt = select(QuestionRow.category).where(QuestionRow.is_current).distinct().order_by(QuestionRow.category)
    if bank_id is not None:
        stmt = stmt.where(QuestionRow.bank_id == bank_id)
    if within is not None:
        stmt = stmt.where(QuestionRow.bank_id.in_(list(within)))
    return [c for c in session.scalars(stmt) if c]


# --- one question ----------------------------------------------------------------------


def to_question(row: QuestionRow) -> Question:
    return Question(
        qtype=QType(row.qtype), stem=row.stem, options=list(row.options or []), answer=list(row.answer or []),
        blanks=[list(b) for b in row.blanks or []], explanation=row.explanation or "", category=row.category or "",
        tags=list(row.tags or []), difficulty=row.difficulty, score=row.score, media=list(row.media or []),
        source=SourceRef(file=f"#{row.id}"),
    )


def _row(session: Session, question_id: int) -> QuestionRow:
    row = session.get(QuestionRow, question_id)
    if row is None:
        raise NotFound(_("找不到编号为 {n} 的题目", n=question_id))
    return row


def _used(session: Session, lineage: uuid.UUID) -> bool:
    ids = select(QuestionRow.id).where(QuestionRow.lineage == lineage)
    return bool(session.scalar(select(
        exists().where(AttemptItem.question_id.in_(ids))
        | exists().where(QuizQuestion.question_id.in_(ids))
        | exists().where(WrongBookEntry.question_id.in_(ids))
        | exists().where(PracticeAnswer.question_id.in_(ids))
    )))


def get_question(session: Session, question_id: int) -> QuestionDetail:
    row = _row(session, question_id)
    history = [
        VersionInfo(r.id, r.version, r.is_current, r.created_at, r.stem)
        for r in session.scalars(select(QuestionRow).where(QuestionRow.lineage == row.lineage)
                                 .order_by(QuestionRow.version.desc()))
    ]
    return QuestionDetail(row.id, row.lineage, row.bank_id, row.bank.name, row.version, row.is_current, row.active,
                          to_question(row), history, _used(session, row.lineage))


def _same_content(row: QuestionRow, q: Question) -> bool:
    return to_question(row) == q


def edit_question(session: Session, question_id: int, q: Question, *, actor_id: int | None = None) -> QuestionDetail:
    """Save ``q`` as a new version of the question; returns the new version (or the old one if unchanged)."""
    row = _row(session, question_id)
    if not row.is_current:
        raise InvalidInput(_("只能修改题目的最新版本（当前为第{v}版）", v=_current_version(session, row.lineage)))
    issues = q.problems()
    if issues:
        raise InvalidInput("；".join(f"{f}：{m}" for f, m in issues))
    if _same_content(row, q):
        return get_question(session, row.id)
    digest = q.content_hash()
    clash = session.scalar(select(QuestionRow.id).where(
        QuestionRow.bank_id == row.bank_id, QuestionRow.is_current, QuestionRow.content_hash == digest,
        QuestionRow.lineage != row.lineage))
    if clash is not None:
        raise InvalidInput(_("题库中已有相同的题目（编号 {n}）", n=clash))
    session.execute(update(QuestionRow).where(QuestionRow.id == row.id).values(is_current=False))
    new_id = session.execute(insert(QuestionRow).values(
        lineage=row.lineage, version=row.version + 1, is_current=True, active=row.active, bank_id=row.bank_id,
        **_values(q), content_hash=digest, material_id=row.material_id, created_at=utcnow(),
    ).returning(QuestionRow.id)).scalar_one()
    audit.record(session, "question.edit", actor_id=actor_id, target_type="question", target_id=new_id,
                 stem=q.stem, changes=audit.diff(_values(to_question(row)), _values(q)), previous=row.id,
                 version=row.version + 1, lineage=str(row.lineage))
    session.expire_all()
    return get_question(session, new_id)


def _values(q: Question) -> dict[str, object]:
    return {"qtype": q.qtype.value, "stem": q.stem, "options": list(q.options), "answer": list(q.answer),
            "blanks": [list(b) for b in q.blanks], "explanation": q.explanation, "category": q.category,
            "tags": list(q.tags), "difficulty": q.difficulty, "score": q.score, "media": list(q.media)}


def _current_version(session: Session, lineage: uuid.UUID) -> int:
    return int(session.scalar(select(func.max(QuestionRow.version)).where(QuestionRow.lineage == lineage)) or 0)


def set_active(session: Session, question_ids: Sequence[int], active: bool, *, actor_id: int | None = None) -> int:
    """Enable or disable questions (all versions of each lineage); returns how many changed."""
    if not question_ids:
        return 0
    lineages = select(QuestionRow.lineage).where(QuestionRow.id.in_(list(question_ids)))
    result = session.execute(
        update(QuestionRow).where(QuestionRow.lineage.in_(lineages), QuestionRow.is_current,
                                  QuestionRow.active != active).values(active=active)
    )
    assert isinstance(result, CursorResult)   # an UPDATE's result: it has a rowcount
    changed = result.rowcount
    audit.record(session, "question.enable" if active else "question.disable", actor_id=actor_id,
                 target_type="question", target_id=question_ids[0], count=len(question_ids),
                 changed=int(changed or 0), ids=[int(i) for i in question_ids[:20]])
    return int(changed or 0)


def delete_question(session: Session, question_id: int, *, actor_id: int | None = None) -> None:
    """Delete every version of a question, or refuse when any version has been used."""
    row = _row(session, question_id)
    if _used(session, row.lineage):
        raise InvalidInput(_("这道题已被试卷或答题记录使用，不能删除；可以停用它，停用后不再出现在新试卷中"))
    lineage, stem = row.lineage, row.stem
    session.execute(delete(QuestionRow).where(QuestionRow.lineage == lineage))
    audit.record(session, "question.delete", actor_id=actor_id, target_type="question", target_id=question_id,
                 stem=stem, lineage=str(lineage))


# --- banks -----------------------------------------------------------------------------


def bank_by_name(session: Session, name: str) -> Bank:
    bank = session.scalar(select(Bank).where(Bank.name == name))
    if bank is None:
        known = "、".join(session.scalars(select(Bank.name).order_by(Bank.name))) or _("（无）")
        raise NotFound(_("找不到题库“{name}”，现有题库：{known}", name=name, known=known))
    return bank


def bank_questions(session: Session, bank_id: int | None = None, *, include_disabled: bool = False) -> list[Question]:
    """Current questions of a bank (all banks when ``bank_id`` is None) in import order."""
    stmt = select(QuestionRow).where(QuestionRow.is_current).order_by(QuestionRow.id)
    if bank_id is not None:
        stmt = stmt.where(QuestionRow.bank_id == bank_id)
    if not include_disabled:
        stmt = stmt.where(QuestionRow.active)
    return [to_question(r) for r in session.scalars(stmt)]


def export_bank(
    session: Session,
    path: Path,
    *,
    bank: str | None = None,
    format_name: str | None = None,
    media_store: Path | None = None,
    actor_id: int | None = None,
) -> int:
    """Write a bank's current, active questions to ``path``; returns how many were written.

    ``bank`` None exports every bank. Media names are resolved to files in ``media_store``
    so the writers that embed pictures (Word, Moodle XML) find them.
    """
    from quizbank import formats

    spec = formats.by_name(format_name, writing=True) if format_name else formats.for_path(path, writing=True)
    bank_row = bank_by_name(session, bank) if bank else None
    questions = bank_questions(session, bank_row.id if bank_row else None)
    if not questions:
        raise InvalidInput(_("题库“{name}”中没有可导出的题目", name=bank or _("全部")))
    if media_store is not None:
        for q in questions:
            q.media = [str(media_store / m) if not Path(m).is_absolute() else m for m in q.media]
    assert spec.write is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        spec.write(path, questions)   # FormatError: the format cannot hold these questions (user-facing)
    except OSError as exc:
        raise InvalidInput(_("无法写入 {file}：{e}", file=path.name, e=exc.strerror or exc)) from exc
    audit.record(session, "bank.export", actor_id=actor_id, target_type="bank", target_id=bank or "*",
                 file=path.name, format=spec.name, count=len(questions))
    return len(questions)

