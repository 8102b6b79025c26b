# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Drill-down from a branch to its officers, and one officer's transcript (学习档案)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from base.errors import NotFound
from core.contest.store import ContestLine, officer_contests
from core.infra.clock import LOCAL_TZ
from core.models import (
    Attempt,
    Certificate,
    LedgerEntry,
    Material,
    MaterialProgress,
    Officer,
    Quiz,
    StudySession,
    Unit,
)
from core.people.roster_edit import MembershipInfo, membership_history
from core.reports.period import Period
from core.reports.scope import Scope, member_pairs


@dataclass(slots=True)
class OfficerRow:
    officer_id: int
    badge: str
    name: str
    category: str
    party_member: bool
    active: bool
    attempts: int = 0
    avg_score: float | None = None
    best_score: float | None = None
    passed: bool = False
    study_minutes: float = 0.0
    active_days: int = 0
    points: float = 0.0
    required_done: int = 0


def branch_officers(session: Session, period: Period, scope: Scope, unit_id: int) -> list[OfficerRow]:
    """Members of ``unit_id`` in ``period`` with what they did there (grouped by officer)."""
    members = member_pairs(scope, [unit_id], period).subquery()
    rows = {o.id: OfficerRow(o.id, o.badge, o.name, o.category, o.party_member, o.active)
            for o in session.scalars(select(Officer).where(Officer.id.in_(select(members.c.officer_id))))}
    if not rows:
        return []
    ids = list(rows)
    a, b = period.utc_bounds()
    practice = select(Quiz.id).where(Quiz.mode == "practice")
    att = (select(Attempt.officer_id, func.count(), func.avg(Attempt.percent), func.max(Attempt.percent),
                  func.max(case((Attempt.passed.is_(True), 1), else_=0)))
           .where(Attempt.unit_id == unit_id, Attempt.submitted_at >= a, Attempt.submitted_at < b,
                  Attempt.percent.is_not(None), Attempt.officer_id.in_(ids), Attempt.quiz_id.not_in(practice))
           .group_by(Attempt.officer_id))
    for oid, n, avg, best, passed in session.execute(att):
        r = rows[oid]
        r.attempts, r.avg_score, r.best_score, r.passed = n, avg, best, bool(passed)
    study = (select(StudySession.officer_id, func.sum(StudySession.active_seconds),
                    func.count(distinct(StudySession.day)))
             .where(StudySession.unit_id == unit_id, StudySession.day >= period.start,
                    StudySession.day <= period.end, StudySession.active_seconds > 0,
                    StudySession.officer_id.in_(ids))
             .group_by(StudySession.officer_id))
    for oid, secs, days in session.execute(study):
        rows[oid].study_minutes, rows[oid].active_days = (secs or 0) / 60, days
    pts = (select(LedgerEntry.officer_id, func.sum(LedgerEntry.amount))
           .where(LedgerEntry.unit_id == unit_id, LedgerEntry.day >= period.start, LedgerEntry.day <= period.end,
                  LedgerEntry.officer_id.in_(ids))
           .group_by(LedgerEntry.officer_id))
    for oid, amount in session.execute(pts):
        rows[oid].points = float(amount or 0)
    done = (select(MaterialProgress.officer_id, func.count())
            .join(Material, Material.id == MaterialProgress.material_id)
            .where(Material.required, Material.active, MaterialProgress.finished_at.is_not(None),
                   MaterialProgress.finished_at < b, MaterialProgress.officer_id.in_(ids))
            .group_by(MaterialProgress.officer_id))
    for oid, n in session.execute(done):
        rows[oid].required_done = n
    return sorted(rows.values(), key=lambda r: (-r.study_minutes, r.badge))


@dataclass(frozen=True, slots=True)
class AttemptLine:
    quiz: str
    mode: str
    unit: str
    submitted: dt.datetime           # China local time
    percent: float | None
    passed: bool | None


@dataclass(frozen=True, slots=True)
class CertificateLine:
    serial: str
    title: str
    issued: dt.datetime
    status: str


@dataclass(slots=True)
class Transcript:
    badge: str
    name: str
    unit: str
    category: str
    party_member: bool
    title: str
    period: Period | None
    memberships: list[MembershipInfo] = field(default_factory=list)
    study_by_month: list[tuple[str, float, int]] = field(default_factory=list)   # (YYYY-MM, minutes, days)
    points_by_month: list[tuple[str, float]] = field(default_factory=list)
    attempts: list[AttemptLine] = field(default_factory=list)
    certificates: list[CertificateLine] = field(default_factory=list)
    contests: list[ContestLine] = field(default_factory=list)
    required_done: int = 0
    required_total: int = 0

    @property
    def study_minutes(self) -> float:
        return sum(m for _k, m, _d in self.study_by_month)

    @property
    def points(self) -> float:
        return sum(p for _k, p in self.points_by_month)


def _month(day: object) -> str:
    if isinstance(day, dt.date):
        return f"{day.year}-{day.month:02d}"
    return str(day)[:7]


def transcript(session: Session, badge: str, period: Period | None = None) -> Transcript:
    """Study time and points by month, attempts and certificates of one officer (all time by default)."""
    officer = session.scalar(select(Officer).where(Officer.badge == badge))
    if officer is None:
        from base.i18n import _

        raise NotFound(_("找不到警号为 {b} 的人员", b=badge))
    t = Transcript(officer.badge, officer.name, officer.unit.name, officer.category, officer.party_member,
                   officer.title, period, membership_history(session, officer.id))
    study = select(StudySession.day, StudySession.active_seconds).where(StudySession.officer_id == officer.id)
    ledger = select(LedgerEntry.day, LedgerEntry.amount).where(LedgerEntry.officer_id == officer.id)
    attempts = (select(Quiz.title, Quiz.mode, Unit.name, Attempt.submitted_at, Attempt.percent, Attempt.passed)
                .join(Quiz, Quiz.id == Attempt.quiz_id).join(Unit, Unit.id == Attempt.unit_id)
                .where(Attempt.officer_id == officer.id, Attempt.submitted_at.is_not(None))
                .order_by(Attempt.submitted_at))
    if period is not None:
        a, b = period.utc_bounds()
        study = study.where(StudySession.day >= period.start, StudySession.day <= period.end)
        ledger = ledger.where(LedgerEntry.day >= period.start, LedgerEntry.day <= period.end)
        attempts = attempts.where(Attempt.submitted_at >= a, Attempt.submitted_at < b)
    # Per-officer rows are few (hundreds a year): group them by month here, portable across databases.
    months: dict[str, list[float]] = {}
    days: dict[str, set[object]] = {}
    for day, secs in session.execute(study):
        key = _month(day)
        months.setdefault(key, [0.0])[0] += (secs or 0) / 60
        if secs:
            days.setdefault(key, set()).add(day)
    t.study_by_month = [(k, v[0], len(days.get(k, ()))) for k, v in sorted(months.items())]
    points: dict[str, float] = {}
    for day, amount in session.execute(ledger):
        points[_month(day)] = points.get(_month(day), 0.0) + float(amount)
    t.points_by_month = sorted(points.items())
    t.attempts = []
    for title, mode, unit, when, pct, passed in session.execute(attempts):
        assert when is not None   # the query keeps submitted attempts only
        t.attempts.append(AttemptLine(title, mode, unit, when.astimezone(LOCAL_TZ), pct, passed))
    certs = select(Certificate).where(Certificate.officer_id == officer.id).order_by(Certificate.issued_at)
    t.certificates = [CertificateLine(c.serial, c.title, c.issued_at.astimezone(LOCAL_TZ), c.status)
                      for c in session.scalars(certs)]
    t.contests = officer_contests(session, officer.id, period.start if period else None,
                                  period.end if period else None)
    required = select(Material.id).where(Material.required, Material.active)
    t.required_total = session.scalar(select(func.count()).select_from(required.subquery())) or 0
    t.required_done = session.scalar(select(func.count()).select_from(MaterialProgress).where(
        MaterialProgress.officer_id == officer.id, MaterialProgress.material_id.in_(required),
        MaterialProgress.finished_at.is_not(None))) or 0
    return t
