# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Group sessions (集中学习, 党课, 主题党日, 三会一课): the record, attendance credit and 补学.

Crediting rules (see docs/ORGLIFE.md):

* **Present**: the session's minutes become one ``study_sessions`` row for the officer, keyed
  ``uuid5(session, officer)`` so recording or correcting the attendance again never adds a second
  row, and the ``session_attended`` points rule is granted once (ledger source ``orglife``/session).
  The row is marked with ``group_session_id``, so the reader's daily caps and study-minute points
  ignore it: the reader's time and the session's time are never counted against each other.
* **Leave or absent**: no credit; the officer gets a 补学 task. The session's linked materials become
  required reading for them; when every one is finished, the absence is closed (``made_up_at``),
  the ``session_made_up`` rule is granted, and the session counts as attended in rates. The reading
  time is already study time (the reader counted it), so no session minutes are added on top.
* A correction from present to absent withdraws the credit (the row and the entry are deleted,
  and the audit log says so).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from core.infra import audit
from core.infra.clock import Clock, local_date
from core.models import (
    Attendance,
    LedgerEntry,
    Material,
    MaterialProgress,
    Officer,
    OrgSession,
    SessionAttachment,
    SessionKind,
    StudySession,
    Unit,
)

PRESENT, LEAVE, ABSENT = "present", "leave", "absent"
STATUSES = (PRESENT, LEAVE, ABSENT)
STATUS_LABELS = {PRESENT: N_("出席"), LEAVE: N_("请假"), ABSENT: N_("缺席")}
DEFAULT_KINDS = [("study", N_("集中学习"), True), ("lecture", N_("党课"), True), ("theme_day", N_("主题党日"), True),
                 ("general", N_("支部党员大会"), True), ("committee", N_("支委会"), False),
                 ("group", N_("党小组会"), True)]
MAX_MINUTES = 8 * 60
MAX_FILE_BYTES = 20 * 1024 * 1024
FILE_TYPES = {".jpg", ".jpeg", ".png", ".pdf"}


def seed_kinds(session: Session) -> int:
    """Write the usual session kinds as data (once); returns how many were added."""
    have = set(session.scalars(select(SessionKind.code)))
    added = 0
    for order, (code, name, credits) in enumerate(DEFAULT_KINDS):
        if code not in have:
            session.add(SessionKind(code=code, name=name, credits_study=credits, sort_order=order, active=True))
            added += 1
    session.flush()
    return added


@dataclass(frozen=True, slots=True)
class KindView:
    code: str
    name: str
    credits_study: bool


def list_kinds(session: Session) -> list[KindView]:
    seed_kinds(session)
    return [KindView(k.code, _(k.name), k.credits_study) for k in session.scalars(
        select(SessionKind).where(SessionKind.active).order_by(SessionKind.sort_order, SessionKind.id))]


def find_kind(session: Session, key: str) -> SessionKind:
    """A kind by code or name (Chinese or as shown in the current language)."""
    seed_kinds(session)
    for kind in session.scalars(select(SessionKind).where(SessionKind.active)):
        if key.strip() in (kind.code, kind.name, _(kind.name)):
            return kind
    raise InvalidInput(_("未知的组织生活类型“{k}”", k=key))


# --- recording ------------------------------------------------------------------------------------

@dataclass(slots=True)
class SessionSpec:
    """What a secretary records; ``attendance`` maps officer id → (status, reason). Members of the
    unit left out of it are recorded as absent."""

    unit_id: int
    kind: str
    topic: str
    starts_at: dt.datetime
    minutes: int
    place: str = ""
    speaker: str = ""
    material_ids: list[int] = field(default_factory=list)
    note: str = ""
    attendance: dict[int, tuple[str, str]] = field(default_factory=dict)


def members(session: Session, unit_id: int) -> list[Officer]:
    """The active officers of a unit (a session's expected attendees)."""
    return list(session.scalars(select(Officer).where(Officer.unit_id == unit_id, Officer.active)
                                .order_by(Officer.badge)))


def _check(session: Session, spec: SessionSpec) -> SessionKind:
    if session.get(Unit, spec.unit_id) is None:
        raise NotFound(_("找不到单位 {u}", u=spec.unit_id))
    kind = find_kind(session, spec.kind)
    if not spec.topic.strip():
        raise InvalidInput(_("请填写组织生活的主题"))
    if not 1 <= spec.minutes <= MAX_MINUTES:
        raise InvalidInput(_("时长应在 1 到 {n} 分钟之间", n=MAX_MINUTES))
    if spec.starts_at.tzinfo is None:
        raise InvalidInput(_("开始时间缺少时区"))
    for mid in spec.material_ids:
        if session.get(Material, mid) is None:
            raise NotFound(_("找不到学习资料 {id}", id=mid))
    ids = {o.id for o in members(session, spec.unit_id)}
    for officer_id, (status, _reason) in spec.attendance.items():
        if status not in STATUSES:
            raise InvalidInput(_("出勤状态“{s}”无效（出席、请假或缺席）", s=status))
        if officer_id not in ids:
            officer = session.get(Officer, officer_id)
            raise InvalidInput(_("{name} 不是本支部在册人员，不能登记出勤",
                                 name=officer.name if officer else str(officer_id)))
    return kind


def record_session(session: Session, spec: SessionSpec, clock: Clock, *, actor_id: int | None) -> uuid.UUID:
    """Store a session with its attendance, credit the present and open 补学 for the others."""
    kind = _check(session, spec)
    row = OrgSession(id=uuid.uuid4(), unit_id=spec.unit_id, kind=kind.code, topic=spec.topic.strip()[:200],
                     day=local_date(spec.starts_at), starts_at=spec.starts_at, minutes=spec.minutes,
                     place=spec.place.strip()[:100], speaker=spec.speaker.strip()[:64],
                     material_ids=list(dict.fromkeys(spec.material_ids)), note=spec.note, created_by=actor_id,
                     created_at=clock.now())
    session.add(row)
    session.flush()
    if row.starts_at > clock.now():
        # Planned ahead (the officers' home pages show it); attendance is recorded afterwards.
        if spec.attendance:
            raise InvalidInput(_("这次组织生活还没有开始，出勤情况请在会后登记"))
        counts = {"planned": 1}
    else:
        counts = _apply_attendance(session, row, kind, spec.attendance, clock, fill_absent=True)
    audit.record(session, "orglife.session.add", actor_id=actor_id, target_type="org_session",
                 target_id=str(row.id), topic=row.topic, kind=kind.code, day=row.day.isoformat(), **counts)
    return row.id


def set_attendance(session: Session, session_id: uuid.UUID, marks: Mapping[int, tuple[str, str]], clock: Clock, *,
                   actor_id: int | None) -> dict[str, int]:
    """Correct the attendance of some officers of a recorded session (credits follow)."""
    row = get_session(session, session_id)
    kind = find_kind(session, row.kind)
    spec = SessionSpec(row.unit_id, row.kind, row.topic, row.starts_at, row.minutes, attendance=dict(marks))
    _check(session, spec)
    if row.starts_at > clock.now():
        raise InvalidInput(_("这次组织生活还没有开始，出勤情况请在会后登记"))
    before = {a.officer_id: a.status for a in session.scalars(
        select(Attendance).where(Attendance.session_id == row.id))}
    # The first record of a planned session's attendance: members not named were absent.
    counts = _apply_attendance(session, row, kind, marks, clock, fill_absent=not before)
    changes = {str(oid): [before.get(oid), status] for oid, (status, _r) in marks.items()
               if before.get(oid) != status}
    audit.record(session, "orglife.attendance", actor_id=actor_id, target_type="org_session",
                 target_id=str(row.id), topic=row.topic, changes=changes)
    return counts


def _apply_attendance(session: Session, row: OrgSession, kind: SessionKind, marks: Mapping[int, tuple[str, str]],
                      clock: Clock, *, fill_absent: bool) -> dict[str, int]:
    existing = {a.officer_id: a for a in session.scalars(select(Attendance).where(Attendance.session_id == row.id))}
    wanted = dict(marks)
    if fill_absent:
        for officer in members(session, row.unit_id):
            wanted.setdefault(officer.id, (ABSENT, ""))
    for officer_id, (status, reason) in wanted.items():
        att = existing.get(officer_id)
        if att is None:
            att = Attendance(id=uuid.uuid4(), session_id=row.id, officer_id=officer_id, status=status)
            session.add(att)
            existing[officer_id] = att
        att.status, att.reason = status, reason.strip()[:200] if status != PRESENT else ""
        if status == PRESENT:
            att.made_up_at = None
    present = [oid for oid, (status, _r) in wanted.items() if status == PRESENT]
    _credit(session, row, kind, present)
    _withdraw(session, row, [oid for oid, (status, _r) in wanted.items() if status != PRESENT])
    session.flush()
    counts = {s: 0 for s in STATUSES}
    for att in existing.values():
        counts[att.status] += 1
    # A make-up already done before a correction stays done.
    if row.material_ids:
        for att in existing.values():
            if att.status != PRESENT and att.made_up_at is None:
                _try_close_makeup(session, row, att, clock)
    return counts


def credit_id(session_id: uuid.UUID, officer_id: int) -> uuid.UUID:
    """The study_sessions row crediting one officer's attendance (stable: credited once)."""
    return uuid.uuid5(session_id, f"attended:{officer_id}")


def _credit(session: Session, row: OrgSession, kind: SessionKind, officer_ids: list[int]) -> None:
    """Study time (one row per officer and session) and the attendance points, for the present."""
    from core.points import ledger

    if not officer_ids:
        return
    if kind.credits_study:
        have = {c.id: c for c in session.scalars(select(StudySession).where(
            StudySession.group_session_id == row.id))}
        for officer_id in officer_ids:
            sid = credit_id(row.id, officer_id)
            credit = have.get(sid)
            if credit is None:
                credit = StudySession(id=sid, officer_id=officer_id, unit_id=row.unit_id, material_id=None,
                                      group_session_id=row.id, day=row.day, started_at=row.starts_at,
                                      last_beat_at=row.starts_at, active_seconds=0)
                session.add(credit)
            credit.active_seconds, credit.day = row.minutes * 60, row.day
    ledger.grant_many(session, officers=[(oid, row.unit_id) for oid in officer_ids], day=row.day,
                      code="session_attended", source_type="orglife", source_id=str(row.id), note=_note(row))


def _note(row: OrgSession) -> str:
    return f"{row.day.isoformat()} {row.topic}"[:300]


def _withdraw(session: Session, row: OrgSession, officer_ids: list[int]) -> None:
    """Take back the credit of officers now marked on leave or absent (a correction)."""
    if not officer_ids:
        return
    session.execute(delete(StudySession).where(StudySession.group_session_id == row.id,
                                               StudySession.officer_id.in_(officer_ids)))
    session.execute(delete(LedgerEntry).where(
        LedgerEntry.officer_id.in_(officer_ids), LedgerEntry.rule_code == "session_attended",
        LedgerEntry.source_type == "orglife", LedgerEntry.source_id == str(row.id)))


def get_session(session: Session, session_id: uuid.UUID) -> OrgSession:
    row = session.get(OrgSession, session_id)
    if row is None:
        raise NotFound(_("找不到这次组织生活记录"))
    return row


def add_attachment(session: Session, session_id: uuid.UUID, path: Path, kind: str, clock: Clock, *,
                   actor_id: int | None) -> uuid.UUID:
    """Attach a photo or the scanned sign-in sheet (.jpg/.png/.pdf, up to 20 MB)."""
    row = get_session(session, session_id)
    if kind not in ("photo", "signin"):
        raise InvalidInput(_("附件类型应为照片或签到表"))
    if path.suffix.lower() not in FILE_TYPES:
        raise InvalidInput(_("{f}：只能附加 JPG、PNG 图片或 PDF", f=path.name))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(_("{f}：文件超过 20 MB", f=path.name))
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(_("{f}：无法读取（{e}）", f=path.name, e=exc.strerror or exc)) from exc
    att = SessionAttachment(id=uuid.uuid4(), session_id=row.id, kind=kind, name=path.name[:200], size=len(data),
                            data=data, created_at=clock.now())
    session.add(att)
    session.flush()
    audit.record(session, "orglife.attachment", actor_id=actor_id, target_type="org_session",
                 target_id=str(row.id), file=path.name, kind=kind, size=len(data))
    return att.id


def attachment_data(session: Session, attachment_id: uuid.UUID) -> tuple[OrgSession, str, bytes]:
    att = session.get(SessionAttachment, attachment_id)
    if att is None:
        raise NotFound(_("找不到附件"))
    return get_session(session, att.session_id), att.name, att.data


# --- 补学 ------------------------------------------------------------------------------------------

def finished_materials(session: Session, officer_id: int, material_ids: Collection[int]) -> set[int]:
    if not material_ids:
        return set()
    return set(session.scalars(select(MaterialProgress.material_id).where(
        MaterialProgress.officer_id == officer_id, MaterialProgress.material_id.in_(list(material_ids)),
        MaterialProgress.finished_at.is_not(None))))


def _try_close_makeup(session: Session, row: OrgSession, att: Attendance, clock: Clock) -> bool:
    """Close an absence once every linked material is finished (no materials: the secretary confirms)."""
    mids = list(row.material_ids or [])
    if not mids or finished_materials(session, att.officer_id, mids) != set(mids):
        return False
    _close(session, row, att, clock)
    return True


def _close(session: Session, row: OrgSession, att: Attendance, clock: Clock) -> None:
    from core.points import ledger

    att.made_up_at = clock.now()
    officer = session.get(Officer, att.officer_id)
    unit_id = officer.unit_id if officer is not None else row.unit_id
    ledger.grant(session, officer_id=att.officer_id, unit_id=unit_id, day=local_date(clock.now()),
                 code="session_made_up", source_type="orglife", source_id=str(row.id), note=_note(row))
    session.flush()


def confirm_makeup(session: Session, session_id: uuid.UUID, officer_id: int, clock: Clock, *,
                   actor_id: int | None, note: str = "") -> None:
    """The secretary closes a 补学 done outside the app (a session without linked materials)."""
    row = get_session(session, session_id)
    att = session.scalar(select(Attendance).where(Attendance.session_id == row.id,
                                                  Attendance.officer_id == officer_id))
    if att is None or att.status == PRESENT:
        raise InvalidInput(_("此人已出席，无需补学"))
    if att.made_up_at is not None:
        raise InvalidInput(_("此人已完成补学"))
    missing = set(row.material_ids or []) - finished_materials(session, officer_id, row.material_ids or [])
    if missing:
        raise InvalidInput(_("还有 {n} 份补学资料没有学完，学完后自动销号", n=len(missing)))
    _close(session, row, att, clock)
    audit.record(session, "orglife.makeup", actor_id=actor_id, target_type="org_session", target_id=str(row.id),
                 officer_id=officer_id, note=note)


def on_material_finish(session: Session, *, officer_id: int, material_id: int, clock: Clock, **_kw: Any) -> None:
    """Listener (``material_did_finish``): a finished material may close the officer's open 补学."""
    for att, row in session.execute(
            select(Attendance, OrgSession).join(OrgSession, OrgSession.id == Attendance.session_id)
            .where(Attendance.officer_id == officer_id, Attendance.status != PRESENT,
                   Attendance.made_up_at.is_(None))):
        if material_id in (row.material_ids or []):
            _try_close_makeup(session, row, att, clock)


def makeup_material_ids(session: Session, officer_id: int) -> set[int]:
    """Materials the officer must read for an open 补学 (readable even outside their audience)."""
    out: set[int] = set()
    for mids in session.scalars(select(OrgSession.material_ids).join(Attendance, Attendance.session_id == OrgSession.id)
                                .where(Attendance.officer_id == officer_id, Attendance.status != PRESENT,
                                       Attendance.made_up_at.is_(None))):
        out.update(mids or [])
    return out
