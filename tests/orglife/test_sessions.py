# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Group sessions: attendance credited once, never against the reader's time; 补学 closes an absence."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from base.errors import FormatError, InvalidInput, PermissionDenied
from core.home import usecases as home
from core.infra.clock import local_date
from core.models import Attendance, AuditEntry, LedgerEntry, StudySession
from core.orglife import usecases as orglife
from core.orglife.sessions import ABSENT, LEAVE, PRESENT, SessionSpec
from core.orglife.views import officer_attendance
from core.study import usecases as study
from core.study.tracker import Beat
from tests.orglife.conftest import Branch
from tests.study.helpers import cst


def spec(b: Branch, **marks: tuple[str, str]) -> SessionSpec:
    return SessionSpec(b.unit_id, "集中学习", "学习贯彻全会精神", cst(2026, 11, 18, 9), 120, place="三楼会议室",
                       speaker="王书记", material_ids=list(b.materials),
                       attendance={int(k[1:]): v for k, v in marks.items()})


def credit(b: Branch, officer_id: int, sid: uuid.UUID) -> tuple[int, int, float]:
    """(study rows, their seconds, session_attended points) of an officer for one group session."""
    with b.db.transaction() as s:
        rows, secs = s.execute(select(func.count(), func.coalesce(func.sum(StudySession.active_seconds), 0))
                               .where(StudySession.officer_id == officer_id,
                                      StudySession.group_session_id == sid)).one()
        pts = s.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.officer_id == officer_id, LedgerEntry.rule_code == "session_attended",
            LedgerEntry.source_id == str(sid)))
    return int(rows), int(secs), float(pts or 0)


def test_present_officer_is_credited_once_and_others_are_absent(branch: Branch) -> None:
    b = branch
    me = b.officer.id
    sid = orglife.record_session(b.db, b.secretary, spec(b, **{f"o{me}": (PRESENT, "")}))
    assert credit(b, me, sid) == (1, 120 * 60, 3.0)
    # Recording the same attendance again (and again) adds nothing.
    orglife.set_attendance(b.db, b.secretary, sid, {me: (PRESENT, "")})
    orglife.set_attendance(b.db, b.secretary, sid, {me: (PRESENT, "")})
    assert credit(b, me, sid) == (1, 120 * 60, 3.0)
    detail = orglife.session_detail(b.db, b.secretary, sid)
    assert detail.row.present == 1 and detail.row.absent == len(b.members) - 1
    assert {line.status for line in detail.attendance if line.officer_id != me} == {ABSENT}


def test_group_time_is_not_counted_against_the_readers_time(branch: Branch) -> None:
    """A 2-hour session the same day leaves the reader's daily caps and study-minute points alone."""
    b = branch
    me = b.officer.id
    sid = orglife.record_session(b.db, b.secretary, SessionSpec(
        b.unit_id, "study", "集中学习", cst(2026, 11, 20, 8), 240, attendance={me: (PRESENT, "")}))
    with b.db.transaction() as s:
        material = s.scalar(select(StudySession.material_id).where(StudySession.officer_id == me,
                                                                    StudySession.material_id.is_not(None)).limit(1))
        before = s.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.officer_id == me, LedgerEntry.rule_code == "study_minutes",
            LedgerEntry.day == local_date(b.clock.now())))
    assert material is not None
    day = local_date(b.clock.now())
    result = study.heartbeat(b.db, b.officer, Beat(uuid.uuid4(), me, material, {day: 600}, 0.5))
    assert result.accepted_seconds == 600 and result.capped_seconds == 0
    assert result.points == 1.0 and before == 0          # one 10-minute block of the reader's own time
    assert credit(b, me, sid)[1] == 240 * 60                  # the session's minutes, unchanged by reading


def test_correction_to_absent_withdraws_the_credit_and_opens_makeup(branch: Branch) -> None:
    b = branch
    me = b.officer.id
    sid = orglife.record_session(b.db, b.secretary, spec(b, **{f"o{me}": (PRESENT, "")}))
    orglife.set_attendance(b.db, b.secretary, sid, {me: (LEAVE, "出差")})
    assert credit(b, me, sid) == (0, 0, 0.0)
    summary = home.officer_summary(b.db, b.officer)
    assert [m.session_id for m in summary.makeups] == [sid]
    assert {d.id for d in summary.due_materials if d.makeup_for} == set(b.materials)
    with b.db.transaction() as s:
        changes = s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "orglife.attendance"))
    assert changes is not None and changes["changes"] == {str(me): [PRESENT, LEAVE]}


def test_makeup_reading_closes_the_absence(branch: Branch) -> None:
    b = branch
    me = b.officer.id
    sid = orglife.record_session(b.db, b.secretary, spec(b))          # nobody marked: all absent
    with b.db.transaction() as s:
        first, last = local_date(b.clock.now()).replace(day=1), local_date(b.clock.now())
        assert officer_attendance(s, [me], first, last) == {me: (0, 1)}
    # The materials are outside the officer's audience, but 补学 opens them.
    for mid in b.materials:
        study.open_material(b.db, b.officer, mid)
    study.finish_material(b.db, b.officer, b.materials[0])
    assert orglife.session_detail(b.db, b.secretary, sid).row.made_up == 0
    study.finish_material(b.db, b.officer, b.materials[1])
    detail = orglife.session_detail(b.db, b.secretary, sid)
    assert detail.row.made_up == 1
    assert next(line for line in detail.attendance if line.officer_id == me).made_up_at == b.clock.now()
    assert home.officer_summary(b.db, b.officer).makeups == []
    with b.db.transaction() as s:
        assert officer_attendance(s, [me], first, last) == {me: (1, 1)}
        made = s.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.officer_id == me,
                                                                   LedgerEntry.rule_code == "session_made_up",
                                                                   LedgerEntry.source_id == str(sid)))
    assert made == 1.0
    assert credit(b, me, sid) == (0, 0, 0.0)            # reading time is the study time: nothing added on top
    # The 补学 closed, the materials are no longer open to this officer.
    with pytest.raises(PermissionDenied):
        study.open_material(b.db, b.officer, b.materials[0])


def test_makeup_without_materials_is_confirmed_by_the_secretary(branch: Branch) -> None:
    b = branch
    me = b.officer.id
    other = next(m for m in b.members if m != me)
    sid = orglife.record_session(b.db, b.secretary, SessionSpec(b.unit_id, "lecture", "党课", cst(2026, 11, 3, 15),
                                                                   60, attendance={other: (PRESENT, "")}))
    with pytest.raises(InvalidInput, match="无需补学"):
        orglife.confirm_makeup(b.db, b.secretary, sid, other)
    orglife.confirm_makeup(b.db, b.secretary, sid, me, "观看录像补学")
    with pytest.raises(InvalidInput, match="已完成补学"):
        orglife.confirm_makeup(b.db, b.secretary, sid, me)
    assert orglife.session_detail(b.db, b.secretary, sid).row.made_up == 1


def test_who_may_record(branch: Branch) -> None:
    b = branch
    with pytest.raises(PermissionDenied):
        orglife.record_session(b.db, b.officer, spec(b))
    with pytest.raises(PermissionDenied):
        orglife.record_session(b.db, b.secretary, SessionSpec(b.other_unit, "study", "x", cst(2026, 11, 1), 30))
    with pytest.raises(InvalidInput, match="不是本支部在册人员"):
        orglife.record_session(b.db, b.secretary, spec(b, **{f"o{b.outsider}": (PRESENT, "")}))
    with pytest.raises(InvalidInput, match="时长"):
        orglife.record_session(b.db, b.secretary, SessionSpec(b.unit_id, "study", "x", cst(2026, 11, 1), 0))
    sid = orglife.record_session(b.db, b.admin, spec(b))
    with b.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Attendance).where(Attendance.session_id == sid)) \
            == len(b.members)
    assert [r.id for r in orglife.list_sessions(b.db, b.secretary)][:1] == [sid]


def test_spec_file_and_its_located_errors(branch: Branch, tmp_path: Path) -> None:
    b = branch
    badges = orglife.branch_members(b.db, b.secretary, b.unit_id)
    path = tmp_path / "s.toml"
    body = (f'unit = "{b.unit_id}"\nkind = "党课"\ntopic = "专题党课"\ndate = 2026-11-10\nstart = "15:00"\n'
            f'minutes = 90\nmaterials = ["补学资料1"]\n[attendance]\npresent = ["{badges[0].badge}"]\n'
            f'leave = [{{badge = "{badges[1].badge}", reason = "值班"}}]\n')
    path.write_text(body.replace(f'unit = "{b.unit_id}"', f'unit = "{_unit_name(b)}"'), encoding="utf-8")
    row = orglife.record_session_file(b.db, b.secretary, path)
    assert (row.present, row.leave, row.absent, row.minutes, row.kind) == (1, 1, len(badges) - 2, 90, "lecture")
    path.write_text(body.replace(f'unit = "{b.unit_id}"', f'unit = "{_unit_name(b)}"')
                    .replace(badges[0].badge, "999999"), encoding="utf-8")
    with pytest.raises(FormatError, match=r"s\.toml：attendance\.present\[1\]：警号 999999"):
        orglife.record_session_file(b.db, b.secretary, path)
    path.write_text("unit = 3\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"s\.toml：unit：类型不对"):
        orglife.record_session_file(b.db, b.secretary, path)


def _unit_name(b: Branch) -> str:
    return next(name for uid, name in orglife.branches(b.db, b.secretary) if uid == b.unit_id)


def test_attachments(branch: Branch, tmp_path: Path) -> None:
    b = branch
    sid = orglife.record_session(b.db, b.secretary, spec(b))
    scan = tmp_path / "签到表.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    aid = orglife.add_attachment(b.db, b.secretary, sid, scan, "signin")
    assert orglife.attachment(b.db, b.secretary, aid) == ("签到表.png", scan.read_bytes())
    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    with pytest.raises(InvalidInput, match="x.exe"):
        orglife.add_attachment(b.db, b.secretary, sid, bad)
    assert [f.name for f in orglife.session_detail(b.db, b.secretary, sid).attachments] == ["签到表.png"]


def test_planned_session_shows_on_home_and_takes_attendance_afterwards(branch: Branch) -> None:
    b = branch
    me = b.officer.id
    ahead = SessionSpec(b.unit_id, "theme_day", "主题党日：重温入党誓词", cst(2026, 11, 25, 14), 120)
    with pytest.raises(InvalidInput, match="会后登记"):
        orglife.record_session(b.db, b.secretary, SessionSpec(b.unit_id, "theme_day", "x", cst(2026, 11, 25, 14), 120,
                                                              attendance={me: (PRESENT, "")}))
    sid = orglife.record_session(b.db, b.secretary, ahead)
    assert [s.topic for s in home.officer_summary(b.db, b.officer).upcoming_sessions] == ["主题党日：重温入党誓词"]
    assert home.officer_summary(b.db, b.officer).makeups == []          # nobody is absent from the future
    with pytest.raises(InvalidInput, match="会后登记"):
        orglife.set_attendance(b.db, b.secretary, sid, {me: (PRESENT, "")})
    b.clock.set_wall(cst(2026, 11, 25, 17))
    orglife.set_attendance(b.db, b.secretary, sid, {me: (PRESENT, "")})
    detail = orglife.session_detail(b.db, b.secretary, sid)
    assert (detail.row.present, detail.row.absent) == (1, len(b.members) - 1)
    assert credit(b, me, sid) == (1, 120 * 60, 3.0)
    assert home.officer_summary(b.db, b.officer).upcoming_sessions == []
