# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Issuing certificates: automatically on a passed exam, manually for honours; reissue and revoke.

Every change is recorded in the audit log (``cert.issue``, ``cert.reissue``,
``cert.revoke``, ``cert.sign``). A certificate row is one version of a serial; reissuing adds
version n+1 and marks version n ``superseded``.

A certificate is signed when it is issued only if this process holds the unlocked signing key
(:mod:`core.certificates.keys`); one earned at submit on an officer's PC is recorded unsigned
and signed before it is first printed (:func:`sign_unsigned`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, false, func, or_, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from core.certificates import keys
from core.certificates.codes import keep_code
from core.certificates.signing import new_serial
from core.certificates.templates import TemplateInfo, default_template_for, get_template
from core.infra import audit
from core.infra.clock import Clock, local_date
from core.models import Attempt, Certificate, Officer, Quiz, Unit

STATUS_LABELS = {"valid": N_("有效"), "superseded": N_("已被新版本取代"), "revoked": N_("已撤销")}
KIND_TITLES = {"completion": N_("结业证书"), "honour": N_("荣誉证书")}
SIGNING_LABELS = {"ed25519": N_("已签名"), "hmac": N_("旧格式签名"), "": N_("未签名")}


@dataclass(frozen=True, slots=True)
class CertInfo:
    id: str
    serial: str
    version: int
    kind: str
    status: str
    title: str
    officer_id: int
    name: str
    badge: str
    unit: str
    unit_id: int | None
    exam: str
    score: str
    date: str
    award: str
    issued_at: dt.datetime
    quiz_id: int | None
    template_id: int | None
    revoked_reason: str
    signing: str = "ed25519"          # ed25519 / hmac (an older SHC1 certificate) / "" (not signed yet)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issued_at"] = self.issued_at.isoformat()
        return data


_INFO = (Certificate.id, Certificate.serial, Certificate.version, Certificate.kind, Certificate.status,
         Certificate.title, Certificate.officer_id, Certificate.fields, Certificate.issued_at, Certificate.quiz_id,
         Certificate.template_id, Certificate.revoked_reason, Certificate.key_id, Certificate.signature)


def cert_info(row: Certificate | Row[Any]) -> CertInfo:
    """What lists show of a certificate (a row of ``_INFO``'s columns serves as well as the object)."""
    f = row.fields or {}
    return CertInfo(
        str(row.id), row.serial, row.version, row.kind, row.status, row.title, row.officer_id,
        str(f.get("name", "")), str(f.get("badge", "")), str(f.get("unit", "")), f.get("unit_id"),
        str(f.get("exam", "")), str(f.get("score", "")), str(f.get("date", "")), str(f.get("award", "")),
        row.issued_at, row.quiz_id, row.template_id, row.revoked_reason, signing_state(row),
    )


def signing_state(row: Certificate | Row[Any]) -> str:
    if row.key_id is not None:
        return "ed25519"
    return "hmac" if row.signature else ""


def format_score(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(round(value))) if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def _issuing_code(session: Session) -> str:
    code = session.scalar(select(Unit.code).where(Unit.parent_id.is_(None)).order_by(Unit.sort_order, Unit.id))
    return code or "SH"


def _unit_name(session: Session, unit_id: int | None) -> str:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    return unit.name if unit else ""


def issue(session: Session, *, officer_id: int, template: TemplateInfo, exam: str, score: str, date: dt.date,
          clock: Clock, quiz_id: int | None = None, attempt_id: uuid.UUID | None = None, unit_id: int | None = None,
          award: str = "", actor_id: int | None = None) -> CertInfo:
    """Issue version 1 of a new serial for ``officer_id``, signed when the key is unlocked here."""
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise NotFound(_("找不到人员 {o}", o=officer_id))
    if not exam.strip():
        raise InvalidInput(_("请填写考试或竞赛名称"))
    now = clock.now()
    unit_id = unit_id if unit_id is not None else officer.unit_id
    fields: dict[str, Any] = {"name": officer.name, "badge": officer.badge, "unit": _unit_name(session, unit_id),
                              "unit_id": unit_id, "exam": exam.strip(), "score": score, "date": date.isoformat(),
                              "award": award.strip()}
    code = _issuing_code(session)
    serial = new_serial(code, date.year)
    while session.scalar(select(Certificate.id).where(Certificate.serial == serial)) is not None:
        serial = new_serial(code, date.year)
    signer = keys.signer(session)
    row = Certificate(serial=serial, version=1, kind=template.spec.kind, status="valid", officer_id=officer.id,
                      quiz_id=quiz_id, attempt_id=attempt_id, template_id=template.id, title=template.spec.title,
                      fields=fields, signature=signer.sign(serial, 1, fields) if signer else "",
                      key_id=signer.key_id if signer else None, issued_at=now)
    keep_code(row)
    session.add(row)
    session.flush()
    audit.record(session, "cert.issue", actor_id=actor_id, target_type="certificate", target_id=serial,
                 officer=officer.badge, officer_name=officer.name, title=row.title, exam=fields["exam"], score=score,
                 award=fields["award"], automatic=actor_id is None, version=1,
                 signed=row.key_id is not None)
    return cert_info(row)


def sign_unsigned(session: Session, ids: Collection[uuid.UUID], *, actor_id: int | None = None) -> int:
    """Sign those of ``ids`` not signed yet with the unlocked key (KeyLocked when it is not);
    returns how many were signed."""
    wanted = list(ids)
    rows = [r for start in range(0, len(wanted), 500) for r in session.scalars(
        select(Certificate).where(Certificate.id.in_(wanted[start:start + 500]), Certificate.signature == ""))]
    if not rows:
        return 0
    signer = keys.require_signer(session, len(rows))
    for row in rows:
        fields = row.fields or {}
        row.signature = signer.sign(row.serial, row.version, fields)
        row.key_id = signer.key_id
        keep_code(row)
        audit.record(session, "cert.sign", actor_id=actor_id, target_type="certificate", target_id=row.serial,
                     officer=fields.get("badge"), officer_name=fields.get("name"), title=row.title,
                     exam=fields.get("exam"), version=row.version)
    session.flush()
    return len(rows)


def holds_certificate(session: Session, officer_id: int, quiz_id: int) -> bool:
    """True when the officer already has a valid certificate for this quiz (one per person and quiz)."""
    return (session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.officer_id == officer_id, Certificate.quiz_id == quiz_id, Certificate.status == "valid")) or 0) > 0


def issue_for_attempt(session: Session, attempt_id: uuid.UUID, *, clock: Clock,
                      actor_id: int | None = None) -> CertInfo | None:
    """Issue the quiz's certificate when this submitted attempt passed; None when nothing is due."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.status != "submitted" or not attempt.passed:
        return None
    quiz = session.get(Quiz, attempt.quiz_id)
    if quiz is None or quiz.certificate_template_id is None:
        return None
    if holds_certificate(session, attempt.officer_id, quiz.id):
        return None
    template = get_template(session, quiz.certificate_template_id)
    when = attempt.submitted_at or clock.now()
    return issue(session, officer_id=attempt.officer_id, template=template, exam=quiz.title,
                 score=format_score(attempt.score), date=local_date(when), clock=clock, quiz_id=quiz.id,
                 attempt_id=attempt.id, unit_id=attempt.unit_id, actor_id=actor_id)


def on_attempt_submitted(session: Session, *, attempt_id: uuid.UUID, clock: Clock, **_kwargs: Any) -> None:
    """``attempt_did_submit`` listener (core.infra.hooks)."""
    issue_for_attempt(session, attempt_id, clock=clock)


def best_results(session: Session, quiz_id: int, top: int) -> list[tuple[int, float, dt.datetime, int]]:
    """The ``top`` officers of a quiz by best submitted score: (officer_id, score, submitted_at, unit_id)."""
    rows = session.execute(
        select(Attempt.officer_id, Attempt.score, Attempt.submitted_at, Attempt.unit_id)
        .where(Attempt.quiz_id == quiz_id, Attempt.status == "submitted", Attempt.score.is_not(None))
        .order_by(Attempt.score.desc(), Attempt.submitted_at)
    ).all()
    best: dict[int, tuple[int, float, dt.datetime, int]] = {}
    for officer_id, score, at, unit_id in rows:
        assert score is not None and at is not None   # a submitted attempt with a score (the query)
        if officer_id not in best:
            best[officer_id] = (officer_id, float(score), at, unit_id)
    return list(best.values())[:top]


def issue_honours(session: Session, *, quiz_id: int, clock: Clock, top: int = 1,
                  awards: tuple[str, ...] = ("一等奖", "二等奖", "三等奖"), template: TemplateInfo | None = None,
                  actor_id: int | None = None) -> list[CertInfo]:
    """Honour certificates for the ``top`` results of a competition quiz (1st gets awards[0]…)."""
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("找不到试卷 {q}", q=quiz_id))
    template = template or default_template_for(session, "honour")
    if template is None:
        raise InvalidInput(_("还没有荣誉证书模板，请先在“证书 → 模板”中创建"))
    out = []
    for rank, (officer_id, score, at, unit_id) in enumerate(best_results(session, quiz_id, top)):
        award = awards[rank] if rank < len(awards) else _("优秀奖")
        out.append(issue(session, officer_id=officer_id, template=template, exam=quiz.title,
                         score=format_score(score), date=local_date(at or clock.now()), clock=clock,
                         quiz_id=quiz_id, unit_id=unit_id, award=award, actor_id=actor_id))
    return out


def current(session: Session, serial: str, *, for_change: bool = False) -> Certificate:
    """The newest version of a serial. ``for_change``: first lock its holder's row, so that two PCs
    reissuing or revoking the same certificate at once take turns, the second seeing the first's
    new version (on SQLite the write transaction already serialises them)."""
    query = (select(Certificate).where(Certificate.serial == serial.strip().upper())
             .order_by(Certificate.version.desc()).limit(1))
    row = session.scalar(query)
    if row is None:
        raise NotFound(_("找不到证书编号 {s}", s=serial))
    if for_change and session.get_bind().dialect.name != "sqlite":
        session.get(Officer, row.officer_id, with_for_update=True)
        session.expire(row)
        row = session.scalar(query.execution_options(populate_existing=True))
        assert row is not None
    return row


def reissue(session: Session, serial: str, *, clock: Clock, reason: str = "",
            actor_id: int | None = None, score: str | None = None,
            attempt_id: uuid.UUID | None = None) -> CertInfo:
    """New version of the same serial (e.g. lost, damaged or a corrected name); the old one is superseded.
    ``score`` and ``attempt_id``: a regrade changed the score it states (core/quiz/regrade.py)."""
    old = current(session, serial, for_change=True)
    if old.status == "revoked":
        raise InvalidInput(_("证书 {s} 已撤销，不能补发", s=old.serial))
    officer = session.get(Officer, old.officer_id)
    fields = dict(old.fields or {})
    if officer is not None:
        fields.update(name=officer.name, badge=officer.badge)
    if score is not None:
        fields["score"] = score
    now = clock.now()
    version = old.version + 1
    old.status = "superseded"
    signer = keys.signer(session)
    row = Certificate(serial=old.serial, version=version, kind=old.kind, status="valid", officer_id=old.officer_id,
                      quiz_id=old.quiz_id, attempt_id=attempt_id or old.attempt_id, template_id=old.template_id,
                      title=old.title, fields=fields, signature=signer.sign(old.serial, version, fields) if signer else "",
                      key_id=signer.key_id if signer else None, issued_at=now)
    keep_code(row)
    session.add(row)
    session.flush()
    audit.record(session, "cert.reissue", actor_id=actor_id, target_type="certificate", target_id=old.serial,
                 officer=fields.get("badge"), officer_name=fields.get("name"), title=row.title,
                 exam=fields.get("exam"), reason=reason.strip(), version=version,
                 signed=row.key_id is not None)
    return cert_info(row)


def revoke(session: Session, serial: str, *, reason: str, clock: Clock, actor_id: int | None = None) -> CertInfo:
    if not reason.strip():
        raise InvalidInput(_("撤销证书必须填写原因"))
    row = current(session, serial, for_change=True)
    if row.status == "revoked":
        raise InvalidInput(_("证书 {s} 已经撤销", s=row.serial))
    row.status = "revoked"
    row.revoked_reason = reason.strip()
    session.flush()
    audit.record(session, "cert.revoke", actor_id=actor_id, target_type="certificate", target_id=row.serial,
                 officer=(row.fields or {}).get("badge"), officer_name=(row.fields or {}).get("name"), title=row.title,
                 exam=(row.fields or {}).get("exam"), reason=row.revoked_reason, version=row.version)
    return cert_info(row)


def holders_filter(officer_units: Collection[int] | None, officer_id: int | None) -> Any:
    """The certificates held by ``officer_id`` or by an officer now in ``officer_units`` (None: no limit)."""
    if officer_units is None and officer_id is None:
        return None
    conditions: list[ColumnElement[bool]] = []
    if officer_units:
        conditions.append(Certificate.officer_id.in_(
            select(Officer.id).where(Officer.unit_id.in_(list(officer_units)))))
    if officer_id is not None:
        conditions.append(Certificate.officer_id == officer_id)
    return or_(*conditions) if conditions else false()


def list_certificates(session: Session, *, quiz_id: int | None = None, unit_ids: Collection[int] | None = None,
                      since: dt.date | None = None, until: dt.date | None = None,
                      statuses: tuple[str, ...] | None = None, include_superseded: bool = False,
                      search: str = "", officer_units: Collection[int] | None = None,
                      officer_id: int | None = None) -> list[CertInfo]:
    """Certificates, newest first; ``unit_ids`` matches the unit where each was earned.

    ``officer_units`` / ``officer_id`` limit the list to what a person may see: certificates held
    by ``officer_id`` or by an officer now in one of ``officer_units`` (both None: every holder).
    """
    return [info for info, _row in certificate_rows(
        session, quiz_id=quiz_id, unit_ids=unit_ids, since=since, until=until, statuses=statuses,
        include_superseded=include_superseded, search=search, officer_units=officer_units, officer_id=officer_id)]


def certificate_rows(session: Session, *, quiz_id: int | None = None, unit_ids: Collection[int] | None = None,
                     since: dt.date | None = None, until: dt.date | None = None,
                     statuses: tuple[str, ...] | None = None, include_superseded: bool = False,
                     search: str = "", officer_units: Collection[int] | None = None,
                     officer_id: int | None = None, extra: tuple[Any, ...] = ()) -> list[tuple[CertInfo, Row[Any]]]:
    """:func:`list_certificates` with each certificate's row, which also holds the ``extra`` columns
    (printing reads the signed data in the same query)."""
    stmt = select(*_INFO, *extra).order_by(Certificate.issued_at.desc(), Certificate.serial,
                                           Certificate.version.desc())
    if quiz_id is not None:
        stmt = stmt.where(Certificate.quiz_id == quiz_id)
    if statuses:
        stmt = stmt.where(Certificate.status.in_(statuses))
    elif not include_superseded:
        stmt = stmt.where(Certificate.status != "superseded")
    holders = holders_filter(officer_units, officer_id)
    if holders is not None:
        stmt = stmt.where(holders)
    wanted = set(unit_ids) if unit_ids is not None else None
    needle = search.strip()
    out = []
    for row in session.execute(stmt):      # plain rows: a list of thousands builds no ORM objects
        info = cert_info(row)
        if wanted is not None and info.unit_id not in wanted:
            continue
        if since and info.date < since.isoformat():
            continue
        if until and info.date > until.isoformat():
            continue
        if needle and needle not in info.name and needle not in info.badge and needle.upper() not in info.serial:
            continue
        out.append((info, row))
    out.sort(key=lambda pair: (pair[0].date, pair[0].issued_at), reverse=True)
    return out


def quiz_choices(session: Session) -> list[tuple[int, str, str]]:
    """(id, title, mode) of exam and competition quizzes, for choosing what to print or honour."""
    rows = session.execute(select(Quiz.id, Quiz.title, Quiz.mode).where(Quiz.mode != "practice")
                           .order_by(Quiz.id.desc())).all()
    return [(int(i), str(t), str(m)) for i, t, m in rows]
