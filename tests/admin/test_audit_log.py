# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The audit log: every row says who, when, on which PC and what changed; the administrators'
use cases filter it by person, action and China days, page through it and export it to Excel."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from base.errors import InvalidInput, PermissionDenied
from core.access.actor import ANONYMOUS, Actor
from core.admin import usecases as admin_uc
from core.admin.audit import AuditFilter, AuditRow
from core.demo.exchange_step import DUTY_PC
from core.infra import audit
from core.infra.clock import LOCAL_TZ, FakeClock
from core.infra.db import Database
from core.models import AuditEntry
from core.models.audit import PC_NAME_LENGTH
from core.people import usecases as people
from tests.conftest import ADMIN_BADGE, actor_of

CST = LOCAL_TZ


def _local(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=CST).astimezone(dt.UTC)


def _all_rows(db: Database, actor: Actor, flt: AuditFilter, limit: int) -> list[AuditRow]:
    page = admin_uc.browse_audit(db, actor, flt, limit=limit, with_total=True)
    rows = list(page.rows)
    while len(rows) < (page.total or 0):
        more = admin_uc.browse_audit(db, actor, flt, after=rows[-1].cursor, limit=limit)
        assert more.rows, "a page came back empty before every row was seen"
        rows.extend(more.rows)
    return rows


@pytest.fixture
def staff(db: Database, admin: Actor, clock: FakeClock) -> dict[str, Actor]:
    """The administrator, a secretary and two officers of one unit (added on 2026-11-02)."""
    db.clock = clock
    people.add_user(db, admin, badge="100001", name="陈建国", unit="测试分局", password="pw-secretary-1",
                    role="secretary")
    people.add_user(db, admin, badge="200001", name="张伟", unit="测试分局", password="pw-officer-01")
    people.add_user(db, admin, badge="200002", name="张小红", unit="测试分局", password="pw-officer-02")
    return {"admin": admin, "secretary": actor_of(db, "100001"), "officer": actor_of(db, "200001")}


# --- what every row carries ----------------------------------------------------------------------

def test_rows_carry_actor_time_pc_and_what_changed(db: Database, admin: Actor, clock: FakeClock) -> None:
    db.clock = clock
    people.add_user(db, admin, badge="200001", name="张伟", unit="测试分局", password="pw-officer-01")
    people.update_person(db, admin, "200001", title="科员", party_member=True)
    with db.transaction() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.target_id == "200001").order_by(AuditEntry.id)).all()
    assert [r.action for r in rows] == ["user.add", "user.edit"]
    for row in rows:
        assert row.actor_id == admin.user_id
        assert row.at == clock.now()                       # the database clock, not the PC's
        assert row.pc == socket.gethostname()[:PC_NAME_LENGTH] and row.pc
    assert rows[1].detail["changes"] == {"party_member": [False, True], "title": ["", "科员"]}
    shown = admin_rows(db, admin, AuditFilter(action="user.edit"))[0]
    assert shown.person == "测试管理员（000009）"
    assert shown.target == "人员 张伟（200001）"
    assert shown.summary == "党员：否 → 是；职务：（空） → 科员"


def admin_rows(db: Database, actor: Actor, flt: AuditFilter) -> list[AuditRow]:
    return admin_uc.browse_audit(db, actor, flt, limit=500).rows


def test_first_administrator_and_failed_logins_have_no_actor(db: Database, admin: Actor) -> None:
    people.add_user(db, admin, badge="200001", name="张伟", unit="测试分局", password="pw-officer-01")
    with pytest.raises(Exception):   # noqa: B017  (wrong password: the login's own error)
        people.log_in(db, ANONYMOUS, "200001", "not-the-password")
    with db.transaction() as s:
        first = s.scalar(select(AuditEntry).where(AuditEntry.action == "user.add",
                                                 AuditEntry.target_id == ADMIN_BADGE))
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "login.failed")).all()
    assert first is not None and first.actor_id is None           # created with nobody logged in
    assert len(failed) == 1 and failed[0].actor_id is None and failed[0].pc
    assert failed[0].detail["badge"] == "200001"
    row = admin_rows(db, admin, AuditFilter(action="login.failed"))[0]
    assert row.person == "未登录：张伟（200001）"                   # the badge typed, and whose it is
    assert row.action_label == "登录失败"


def test_the_demo_log_has_actors_but_for_logins_and_set_up(demo_db: Database) -> None:
    """Across the demo's story, rows without an actor are failed logins and set-up work: the first
    administrators and the certificates the demo set-up issued; and the work of the duty-room PC's own
    administrator (no account at the branch), whose log came back with that PC's results package."""
    with demo_db.transaction() as s:
        nobody = s.scalars(select(AuditEntry.action).where(AuditEntry.actor_id.is_(None),
                                                           AuditEntry.pc != DUTY_PC)).all()
        duty_room = set(s.scalars(select(AuditEntry.action).where(AuditEntry.actor_id.is_(None),
                                                                  AuditEntry.pc == DUTY_PC)))
        dated = s.scalars(select(AuditEntry.at).where(AuditEntry.actor_id.is_not(None))).all()
        first_admins = s.execute(select(AuditEntry.target_id, AuditEntry.pc).where(
            AuditEntry.actor_id.is_(None), AuditEntry.action == "user.add")).all()
    assert "login.failed" in nobody
    assert sorted(first_admins) == [("000001", audit.this_pc()), ("880001", DUTY_PC)]
    assert duty_room == {"user.add", "exchange.key.create", "exchange.trust", "exchange.import.exam"}
    assert {a for a in nobody if not a.startswith("cert.")} <= {"login.failed", "user.add"}
    assert max(dated) - min(dated) > dt.timedelta(days=100)           # months of history, not one set-up moment


def test_a_listener_row_is_the_actor_of_the_use_case_it_runs_in(db: Database, admin: Actor) -> None:
    """A service called without an actor (a domain-event listener) still records who was acting."""
    with audit.acting(admin.user_id, clock=db.clock), db.transaction() as s:
        audit.record(s, "probe.listener", target_type="x", target_id="1")
    with audit.acting(None, pc="STATION-07"), db.transaction() as s:
        audit.record(s, "probe.nobody", target_type="x", target_id="2")
    with db.transaction() as s:
        rows = {r.action: r for r in s.scalars(select(AuditEntry).where(AuditEntry.action.startswith("probe.")))}
    assert rows["probe.listener"].actor_id == admin.user_id
    assert rows["probe.nobody"].actor_id is None and rows["probe.nobody"].pc == "STATION-07"
    shown = admin_rows(db, admin, AuditFilter(action="probe.listener"))[0]
    assert shown.action_label == "probe.listener"                  # unknown codes show as they are


def test_long_values_are_cut_and_long_ids_fit_their_column(db: Database, admin: Actor) -> None:
    with audit.acting(admin.user_id), db.transaction() as s:
        audit.record(s, "probe.long", target_type="question", target_id="9" * 200, stem="题" * 500,
                     changes={"stem": ["旧" * 300, "新"]})
    with db.transaction() as s:
        row = s.scalars(select(AuditEntry).where(AuditEntry.action == "probe.long")).one()
    assert len(row.target_id) == 64
    assert len(row.detail["stem"]) <= audit.TEXT_LIMIT and row.detail["stem"].endswith("…")
    assert len(row.detail["changes"]["stem"][0]) <= audit.TEXT_LIMIT


# --- filtering and paging ------------------------------------------------------------------------

def _seed_log(db: Database, staff: dict[str, Actor], n: int) -> None:
    """``n`` rows by the secretary and officer, two per minute from 2026-10-01 (China time), with
    ties on the time; a few failed logins of the officer's badge; one row at each side of midnight."""
    sec, off = staff["secretary"], staff["officer"]
    start = _local(2026, 10, 1, 8, 0)
    with db.transaction() as s:
        for i in range(n):
            who = sec if i % 3 else off
            with audit.acting(who.user_id, at=start + dt.timedelta(seconds=30 * (i // 2)), pc=f"PC-{i % 4}"):
                audit.record(s, "user.edit" if i % 2 else "bank.export", target_type="officer", target_id=str(i),
                             n=i)
        for i in range(3):
            with audit.acting(None, at=_local(2026, 10, 5, 9, i)):
                audit.record(s, "login.failed", target_type="officer", target_id="200001", badge="200001",
                             reason="password")
        with audit.acting(sec.user_id, at=_local(2026, 11, 1, 23, 59)):
            audit.record(s, "cert.revoke", target_type="certificate", target_id="late", reason="x")
        with audit.acting(sec.user_id, at=_local(2026, 11, 2, 0, 1)):
            audit.record(s, "cert.revoke", target_type="certificate", target_id="early", reason="y")


def test_pages_cover_every_row_once_newest_first(db: Database, staff: dict[str, Actor]) -> None:
    _seed_log(db, staff, 450)
    everything = _all_rows(db, staff["admin"], AuditFilter(), limit=97)
    with db.transaction() as s:
        total = len(s.scalars(select(AuditEntry.id)).all())
    assert len(everything) == total
    assert len({r.id for r in everything}) == total
    keys = [(r.at, r.id) for r in everything]
    assert keys == sorted(keys, reverse=True)


def test_filters_by_person_action_and_china_days(db: Database, staff: dict[str, Actor]) -> None:
    _seed_log(db, staff, 120)
    admin_actor = staff["admin"]

    def ids(flt: AuditFilter) -> list[str]:
        return [r.target_id for r in _raw(db, admin_actor, flt)]

    by_badge = _all_rows(db, admin_actor, AuditFilter(who="200001"), limit=25)
    assert by_badge and all(r.actor_id == staff["officer"].user_id or r.action == "login.failed" for r in by_badge)
    assert sum(r.action == "login.failed" for r in by_badge) == 3        # the badge typed at a failed login
    by_name = _all_rows(db, admin_actor, AuditFilter(who="张伟"), limit=25)
    assert [r.id for r in by_name] == [r.id for r in by_badge]
    assert _all_rows(db, admin_actor, AuditFilter(who="张"), limit=500)      # part of a name
    assert _all_rows(db, admin_actor, AuditFilter(who="nobody-such"), limit=25) == []
    assert not _all_rows(db, admin_actor, AuditFilter(who="%"), limit=25)      # LIKE wildcards are text
    secretary = _all_rows(db, admin_actor, AuditFilter(who="陈建国", action="user.edit"), limit=30)
    assert secretary and {(r.actor_id, r.action) for r in secretary} == {(staff["secretary"].user_id, "user.edit")}
    assert ids(AuditFilter(action="cert.revoke", since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 1))) == ["late"]
    assert ids(AuditFilter(action="cert.revoke", since=dt.date(2026, 11, 2))) == ["early"]
    assert ids(AuditFilter(action="cert.revoke", until=dt.date(2026, 10, 31))) == []
    october_first = _all_rows(db, admin_actor, AuditFilter(since=dt.date(2026, 10, 1), until=dt.date(2026, 10, 1)),
                              limit=50)
    assert len(october_first) == 120
    with pytest.raises(InvalidInput):
        admin_uc.browse_audit(db, admin_actor, AuditFilter(since=dt.date(2026, 10, 2), until=dt.date(2026, 10, 1)))


def _raw(db: Database, actor: Actor, flt: AuditFilter) -> list[AuditEntry]:
    rows = _all_rows(db, actor, flt, limit=50)
    with db.transaction() as s:
        by_id = {e.id: e for e in s.scalars(select(AuditEntry).where(AuditEntry.id.in_([r.id for r in rows])))}
    return [by_id[r.id] for r in rows]


def test_action_choices_are_the_kinds_present(db: Database, staff: dict[str, Actor]) -> None:
    _seed_log(db, staff, 10)
    choices = admin_uc.audit_actions(db, staff["admin"])
    codes = [c.code for c in choices]
    assert set(codes) == {"user.add", "user.edit", "bank.export", "login.failed", "cert.revoke"}
    assert codes.index("login.failed") < codes.index("user.add")        # grouped by subject, not by code
    assert dict((c.code, c.label) for c in choices)["cert.revoke"] == "撤销证书"


# --- who may read it -----------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["secretary", "officer"])
def test_only_administrators_read_the_log(db: Database, staff: dict[str, Actor], who: str, tmp_path: Path) -> None:
    actor = staff[who]
    for call in (lambda: admin_uc.browse_audit(db, actor, AuditFilter()),
                 lambda: admin_uc.audit_actions(db, actor),
                 lambda: admin_uc.export_audit(db, actor, AuditFilter(), tmp_path / "x.xlsx")):
        with pytest.raises(PermissionDenied):
            call()
    assert not (tmp_path / "x.xlsx").exists()
    denied = admin_rows(db, staff["admin"], AuditFilter(action="access.denied"))
    assert len(denied) == 3 and {r.actor_id for r in denied} == {actor.user_id}
    assert denied[0].target == "操作 查看操作日志"


# --- Excel -----------------------------------------------------------------------------------------

def test_export_writes_the_filtered_rows(db: Database, staff: dict[str, Actor], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _seed_log(db, staff, 40)
    flt = AuditFilter(who="陈建国", since=dt.date(2026, 10, 1))
    expected = _all_rows(db, staff["admin"], flt, limit=100)
    target = tmp_path / "out" / "audit.xlsx"
    assert admin_uc.export_audit(db, staff["admin"], flt, target) == len(expected)
    sheet = load_workbook(target).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "操作日志"
    assert "陈建国" in str(values[1][0])
    assert values[3][:6] == ("时间", "电脑", "操作人", "操作", "对象", "内容")
    body = values[4:]
    assert len(body) == len(expected)
    first = body[0]
    assert isinstance(first[0], dt.datetime)
    assert first[0] == expected[0].at.astimezone(CST).replace(tzinfo=None)
    assert first[1:6] == (expected[0].pc, expected[0].person, expected[0].action_label, expected[0].target,
                          expected[0].summary or None)
    assert [row[6] for row in body] == [r.action for r in expected]
    # The export itself is in the log.
    exported = admin_rows(db, staff["admin"], AuditFilter(action="audit.export"))
    assert len(exported) == 1 and exported[0].detail["count"] == len(expected)


def test_backup_and_restore_are_logged(db: Database, admin: Actor, tmp_path: Path) -> None:
    target = tmp_path / "b.zip"
    people.add_user(db, admin, badge="200001", name="张伟", unit="测试分局", password="pw-officer-01")
    admin_uc.backup_database(db, admin, target)
    admin_uc.restore_database(db, admin, target)
    rows = admin_rows(db, admin, AuditFilter())
    assert rows[0].action == "admin.restore" and rows[0].actor_id == admin.user_id
    assert rows[0].detail["file"] == "b.zip"
    assert not any(r.action == "admin.backup" for r in rows)   # recorded after the snapshot it describes
