# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What the screens and reports read about group sessions: lists, one session's attendance, open 补学."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from base.i18n import _
from core.infra.clock import LOCAL_TZ, local_date
from core.models import Attendance, Material, Officer, OrgSession, SessionAttachment, SessionKind, Unit
from core.orglife.sessions import ABSENT, LEAVE, PRESENT, finished_materials, get_session

# --- views ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SessionRow:
    id: uuid.UUID
    unit_id: int
    unit_name: str
    kind: str
    kind_name: str
    topic: str
    day: dt.date
    starts_at: dt.datetime
    minutes: int
    place: str
    speaker: str
    present: int
    leave: int
    absent: int
    made_up: int

    @property
    def expected(self) -> int:
        return self.present + self.leave + self.absent

    @property
    def attendance_rate(self) -> float:
        """Present or made up, over everyone expected (0..1)."""
        return (self.present + self.made_up) / self.expected if self.expected else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"id": str(self.id), "unit": self.unit_name, "kind": self.kind, "kind_name": self.kind_name,
                "topic": self.topic, "day": self.day.isoformat(),
                "start": self.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M"), "minutes": self.minutes,
                "place": self.place, "speaker": self.speaker, "present": self.present, "leave": self.leave,
                "absent": self.absent, "made_up": self.made_up, "attendance_rate": round(self.attendance_rate, 4)}


def list_sessions(session: Session, *, unit_ids: Collection[int] | None, first: dt.date | None = None,
                  last: dt.date | None = None) -> list[SessionRow]:
    """Sessions of these units (None: all), newest first, with their attendance counts."""
    stmt = (select(OrgSession, Unit.name).join(Unit, Unit.id == OrgSession.unit_id)
            .order_by(OrgSession.starts_at.desc()))
    if unit_ids is not None:
        stmt = stmt.where(OrgSession.unit_id.in_(list(unit_ids)))
    if first is not None:
        stmt = stmt.where(OrgSession.day >= first)
    if last is not None:
        stmt = stmt.where(OrgSession.day <= last)
    rows = session.execute(stmt).all()
    ids = [r.id for r, _n in rows]
    counts: dict[tuple[uuid.UUID, str], int] = {}
    made: dict[uuid.UUID, int] = {}
    if ids:
        for sid, status, n, m in session.execute(
                select(Attendance.session_id, Attendance.status, func.count(), func.count(Attendance.made_up_at))
                .where(Attendance.session_id.in_(ids)).group_by(Attendance.session_id, Attendance.status)):
            counts[(sid, status)] = int(n)
            made[sid] = made.get(sid, 0) + int(m)
    names = {k.code: _(k.name) for k in session.scalars(select(SessionKind))}
    return [SessionRow(r.id, r.unit_id, uname, r.kind, names.get(r.kind, r.kind), r.topic, r.day, r.starts_at,
                       r.minutes, r.place, r.speaker, counts.get((r.id, PRESENT), 0), counts.get((r.id, LEAVE), 0),
                       counts.get((r.id, ABSENT), 0), made.get(r.id, 0)) for r, uname in rows]


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    officer_id: int
    badge: str
    name: str
    status: str
    reason: str
    made_up_at: dt.datetime | None

    def to_dict(self) -> dict[str, object]:
        return {"badge": self.badge, "name": self.name, "status": self.status, "reason": self.reason,
                "made_up_at": self.made_up_at.isoformat() if self.made_up_at else None}


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: uuid.UUID
    kind: str
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class SessionDetail:
    row: SessionRow
    note: str
    materials: list[tuple[int, str]]
    attendance: list[AttendanceLine]
    attachments: list[AttachmentInfo]


def session_detail(session: Session, session_id: uuid.UUID) -> SessionDetail:
    row = get_session(session, session_id)
    head = next(r for r in list_sessions(session, unit_ids=[row.unit_id], first=row.day, last=row.day)
                if r.id == row.id)
    titles = dict(session.execute(select(Material.id, Material.title)
                                  .where(Material.id.in_(list(row.material_ids or [])))).all())
    lines = [AttendanceLine(o.id, o.badge, o.name, a.status, a.reason, a.made_up_at) for a, o in session.execute(
        select(Attendance, Officer).join(Officer, Officer.id == Attendance.officer_id)
        .where(Attendance.session_id == row.id).order_by(Officer.badge))]
    files = [AttachmentInfo(f.id, f.kind, f.name, f.size) for f in session.scalars(
        select(SessionAttachment).where(SessionAttachment.session_id == row.id).order_by(SessionAttachment.created_at))]
    return SessionDetail(head, row.note, [(m, titles.get(m, "?")) for m in row.material_ids or []], lines, files)


@dataclass(frozen=True, slots=True)
class MakeUp:
    """An open 补学: the session missed and the materials to read (with the officer's progress)."""

    session_id: uuid.UUID
    topic: str
    kind_name: str
    day: dt.date
    status: str
    materials: list[tuple[int, str, bool]]       # id, title, finished

    @property
    def left(self) -> int:
        return sum(1 for _m, _t, done in self.materials if not done)


def open_makeups(session: Session, officer_id: int) -> list[MakeUp]:
    names = {k.code: _(k.name) for k in session.scalars(select(SessionKind))}
    out = []
    for att, row in session.execute(
            select(Attendance, OrgSession).join(OrgSession, OrgSession.id == Attendance.session_id)
            .where(Attendance.officer_id == officer_id, Attendance.status != PRESENT,
                   Attendance.made_up_at.is_(None)).order_by(OrgSession.day)):
        mids = list(row.material_ids or [])
        done = finished_materials(session, officer_id, mids)
        titles = dict(session.execute(select(Material.id, Material.title).where(Material.id.in_(mids))).all())
        out.append(MakeUp(row.id, row.topic, names.get(row.kind, row.kind), row.day, att.status,
                          [(m, titles.get(m, "?"), m in done) for m in mids]))
    return out


def upcoming(session: Session, unit_ids: Iterable[int], now: dt.datetime, *, limit: int = 5) -> list[SessionRow]:
    """Sessions of these units still to come (recorded ahead, attendance filled in afterwards)."""
    rows = list_sessions(session, unit_ids=list(unit_ids), first=local_date(now))
    return sorted((r for r in rows if r.starts_at >= now), key=lambda r: r.starts_at)[:limit]


def officer_attendance(session: Session, officer_ids: Collection[int], first: dt.date, last: dt.date
                       ) -> dict[int, tuple[int, int]]:
    """Per officer: (sessions attended or made up, sessions expected) in a period."""
    out: dict[int, tuple[int, int]] = {}
    if not officer_ids:
        return out
    for oid, status, made in session.execute(
            select(Attendance.officer_id, Attendance.status, Attendance.made_up_at)
            .join(OrgSession, OrgSession.id == Attendance.session_id)
            .where(Attendance.officer_id.in_(list(officer_ids)), OrgSession.day >= first, OrgSession.day <= last)):
        done, expected = out.get(oid, (0, 0))
        out[oid] = (done + (1 if status == PRESENT or made is not None else 0), expected + 1)
    return out

