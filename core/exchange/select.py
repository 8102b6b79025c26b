# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What goes into a package.

Exam package (branch -> offline PC): the quiz with its sections and fixed questions, every
question version it may draw or has fixed (and their pictures), the banks, the certificate
template, the points rules, the required materials of the chosen units, the units (their
ancestors too, so the tree holds) and their active people, without passwords.

Results package (offline PC -> branch): attempts with their items, study sessions and reading
progress, ledger entries, certificates and the audit log, everything changed since a moment
(or everything).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, or_, select, true
from sqlalchemy.orm import Session

from base.errors import NotFound
from base.i18n import _
from core.exchange import travel as tv
from core.exchange.travel import Encoder, KeyMap, Travel
from core.models import (
    Attempt,
    AttemptItem,
    AuditEntry,
    Certificate,
    LedgerEntry,
    Material,
    MaterialProgress,
    Officer,
    PointRule,
    QuestionRow,
    Quiz,
    QuizQuestion,
    QuizSection,
    StudySession,
    Unit,
)
from core.people.org import subtree_ids

Rows = dict[str, list[dict[str, Any]]]


def _rows(session: Session, travel: Travel, where: Any, keys: KeyMap, order: Any = None) -> list[dict[str, Any]]:
    encode = Encoder(travel, keys)
    stmt: Select[Any] = encode.select().where(where)
    if order is not None:
        stmt = stmt.order_by(order)
    return encode(session.connection().execute(stmt).all())


def _ancestors(session: Session, unit_ids: set[int]) -> set[int]:
    parents = {u: p for u, p in session.execute(select(Unit.id, Unit.parent_id))}
    out = set(unit_ids)
    for uid in unit_ids:
        p = parents.get(uid)
        while p is not None and p not in out:
            out.add(p)
            p = parents.get(p)
    return out


def _depth_sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units parent first (a row's parent is inserted before it)."""
    by_code = {r["code"]: r for r in rows}

    def depth(r: dict[str, Any]) -> int:
        n, p = 0, r.get("parent_id")
        while p in by_code and n < 64:
            n, p = n + 1, by_code[p].get("parent_id")
        return n

    return sorted(rows, key=lambda r: (depth(r), r["code"]))


def exam_rows(session: Session, quiz_id: int, unit_ids: Collection[int] | None) -> tuple[Rows, list[str], Quiz]:
    """The rows of an exam package (table -> encoded rows), the media files, and the quiz."""
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("试卷不存在：{q}", q=quiz_id))
    keys = KeyMap(session)
    if unit_ids is None:
        chosen = {int(u) for u in (quiz.audience or {}).get("units") or []}
        unit_ids = ({u for c in chosen for u in subtree_ids(session, c)} if chosen
                    else set(session.scalars(select(Unit.id))))
    units = _ancestors(session, set(unit_ids))
    fixed_ids = set(session.scalars(select(QuizQuestion.question_id).where(QuizQuestion.quiz_id == quiz_id)))
    drawn: list[Any] = []
    for section in session.scalars(select(QuizSection).where(QuizSection.quiz_id == quiz_id)):
        cond = [QuestionRow.qtype == section.qtype, QuestionRow.is_current, QuestionRow.active]
        if bank_ids := (section.filters or {}).get("bank_ids"):
            cond.append(QuestionRow.bank_id.in_([int(b) for b in bank_ids]))
        if categories := (section.filters or {}).get("categories"):
            cond.append(QuestionRow.category.in_(list(categories)))
        drawn.append(select(QuestionRow.id).where(*cond))
    question_ids = set(fixed_ids)
    for stmt in drawn:
        question_ids |= set(session.scalars(stmt))
    questions = _rows(session, tv.QUESTIONS, QuestionRow.id.in_(question_ids), keys, QuestionRow.id)
    bank_ids = {r for r in session.scalars(select(QuestionRow.bank_id).where(QuestionRow.id.in_(question_ids)))}
    material_ids = {m for m in session.scalars(select(QuestionRow.material_id).where(
        QuestionRow.id.in_(question_ids), QuestionRow.material_id.is_not(None)))}
    for m in session.scalars(select(Material).where(Material.required, Material.active)):
        audience = {int(u) for u in (m.audience or {}).get("units") or []}
        if not audience or audience & units:
            material_ids.add(m.id)
    media = sorted({name for q in questions for name in json.loads(q.get("media") or "[]") if isinstance(name, str)})
    rows: Rows = {
        "units": _depth_sorted(_rows(session, tv.UNITS, Unit.id.in_(units), keys)),
        "officers": _rows(session, tv.OFFICERS, Officer.unit_id.in_(set(unit_ids)) & Officer.active, keys,
                          Officer.badge),
        "banks": _rows(session, tv.BANKS, tv.BANKS.table.c.id.in_(bank_ids), keys),
        "materials": _rows(session, tv.MATERIALS, Material.id.in_(material_ids), keys, Material.id),
        "questions": questions,
        "cert_templates": _rows(session, tv.TEMPLATES, tv.TEMPLATES.table.c.id == quiz.certificate_template_id,
                                keys),
        "point_rules": _rows(session, tv.RULES, PointRule.active, keys, PointRule.id),
        "quizzes": _rows(session, tv.QUIZZES, Quiz.id == quiz_id, keys),
        "quiz_sections": _rows(session, tv.SECTIONS, QuizSection.quiz_id == quiz_id, keys, QuizSection.position),
        "quiz_questions": _rows(session, tv.FIXED, QuizQuestion.quiz_id == quiz_id, keys, QuizQuestion.position),
    }
    return rows, media, quiz


def results_rows(session: Session, since: dt.datetime | None, unit_ids: Collection[int] | None = None) -> Rows:
    """The rows of a results package: everything that changed at or after ``since`` (None: all),
    of the officers now in ``unit_ids`` (None: everyone)."""
    keys = KeyMap(session)
    people = select(Officer.id).where(Officer.unit_id.in_(set(unit_ids))) if unit_ids is not None else None

    def after(officer: Any, *cols: Any) -> Any:
        cond = or_(*(c >= since for c in cols)) if since is not None else true()
        return cond & officer.in_(people) if people is not None else cond

    attempt_ids = select(Attempt.id).where(after(Attempt.officer_id, Attempt.started_at, Attempt.submitted_at,
                                                 Attempt.last_seen_at))
    return {
        "attempts": _rows(session, tv.ATTEMPTS, Attempt.id.in_(attempt_ids), keys, Attempt.started_at),
        "attempt_items": _rows(session, tv.ITEMS, AttemptItem.attempt_id.in_(attempt_ids), keys,
                               AttemptItem.attempt_id),
        "study_sessions": _rows(session, tv.SESSIONS, after(StudySession.officer_id, StudySession.last_beat_at), keys,
                                StudySession.started_at),
        "material_progress": _rows(session, tv.PROGRESS, after(MaterialProgress.officer_id,
                                                               MaterialProgress.updated_at), keys),
        "ledger_entries": _rows(session, tv.LEDGER, after(LedgerEntry.officer_id, LedgerEntry.created_at), keys,
                                LedgerEntry.created_at),
        "certificates": _rows(session, tv.CERTIFICATES, after(Certificate.officer_id, Certificate.issued_at), keys,
                              Certificate.issued_at),
        "audit_log": _rows(session, tv.AUDIT, after(AuditEntry.actor_id, AuditEntry.at), keys, AuditEntry.at),
    }
