# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The monthly report rollup: marked by triggers for every writer, read stale-aware, refreshed safely.

Every test on a ``db``/``demo_db`` fixture ends with :func:`tests.rollup_check.assert_rollup_current`
(the rollup against the base tables after whatever the test wrote); these tests check the rollup's
own parts: the triggers, the periods cut into months, the refresh's markers, the migration's backfill.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, insert, select, text, update

from core.infra.db import Database, alembic_config, ensure_report_triggers, make_engine, open_database
from core.models import Attempt, LedgerEntry, Officer, Quiz, ReportMonth, StudySession, UnitMembership
from core.models.reports import expected_triggers, installed_triggers
from core.reports import rollup
from core.reports.branches import branch_stats
from core.reports.period import Period, parse_period
from core.reports.scope import Scope
from tests.reports.conftest import attempt, cst, ledger, study
from tests.rollup_check import assert_rollup_current, compare_paths, from_scratch, rollup_table, same_rows

Q3 = parse_period("2026Q3")
PERIODS = [Q3, parse_period("2026-08"), parse_period("2026-W32"), parse_period("2026"),
           Period("range", dt.date(2026, 6, 20), dt.date(2026, 9, 10)), Period("range", dt.date(2026, 7, 2),
                                                                              dt.date(2026, 7, 30))]
SCOPES = (Scope(), Scope(category="police"), Scope(party_only=True))


def test_periods_are_cut_into_whole_months_and_ends() -> None:
    assert rollup.split_months(Q3) == ((dt.date(2026, 7, 1), dt.date(2026, 9, 1)), [])
    assert rollup.split_months(Period("range", dt.date(2026, 6, 20), dt.date(2026, 9, 10))) == (
        (dt.date(2026, 7, 1), dt.date(2026, 8, 1)),
        [(dt.date(2026, 6, 20), dt.date(2026, 6, 30)), (dt.date(2026, 9, 1), dt.date(2026, 9, 10))])
    week = parse_period("2026-W32")
    assert rollup.split_months(week) == (None, [(week.start, week.end)])
    assert rollup.split_months(parse_period("2024-02")) == ((dt.date(2024, 2, 1), dt.date(2024, 2, 1)), [])


def test_created_and_migrated_databases_have_the_triggers(db: Database, tmp_path: Path) -> None:
    with db.engine.connect() as conn:
        assert installed_triggers(conn) == expected_triggers(db.engine.dialect.name)
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        assert installed_triggers(conn) == expected_triggers("sqlite")
    engine.dispose()


def test_writes_are_marked_and_read_from_the_base_tables_until_refreshed(org) -> None:  # type: ignore[no-untyped-def]
    db, ids = org
    rollup.refresh(db)
    o1, a = ids["o1"], ids["A"]
    with db.transaction() as s:
        s.execute(insert(Attempt), [{**attempt(o1, a, cst(2026, 8, 20), 30, False), "number": 9}])
        s.execute(insert(LedgerEntry), [ledger(o1, a, dt.date(2026, 7, 31), 2.5)])
        assert set(rollup.stale_keys(s)) == {(o1, dt.date(2026, 8, 1)), (o1, dt.date(2026, 7, 1))}
        # Inside the writing transaction, the report already counts the new rows (markers are read too).
        now = {x.unit.code: x for x in branch_stats(s, Q3, Scope(), active_days=8)}
    assert now["A"].attempts == 5 and now["A"].points == pytest.approx(28 + 2.5)
    compare_paths(db, PERIODS, SCOPES)
    before = rollup_table(db)
    assert rollup.refresh(db) == 2
    with db.transaction() as s:
        assert rollup.stale_keys(s) == []
    assert rollup_table(db) != before
    compare_paths(db, PERIODS, SCOPES)


def test_each_kind_of_change_keeps_both_paths_equal(org) -> None:  # type: ignore[no-untyped-def]
    db, ids = org
    o2, o3, o4, a, b = ids["o2"], ids["o3"], ids["o4"], ids["A"], ids["B"]
    changes = [
        # a heartbeat adds seconds; a session moved to another day and unit; one deleted
        lambda s: s.execute(update(StudySession).where(StudySession.officer_id == o2)
                            .values(active_seconds=StudySession.active_seconds + 60)),
        lambda s: s.execute(update(StudySession).where(StudySession.officer_id == o3, StudySession.unit_id == a)
                            .values(unit_id=b, day=dt.date(2026, 9, 20))),
        lambda s: s.execute(delete(StudySession).where(StudySession.officer_id == ids["o1"],
                                                       StudySession.day == dt.date(2026, 7, 1))),
        # a regrade: another percent, a pass turned into a fail; an attempt voided and one deleted
        lambda s: s.execute(update(Attempt).where(Attempt.officer_id == o3).values(percent=55.0, passed=False)),
        lambda s: s.execute(update(Attempt).where(Attempt.officer_id == o2).values(submitted_at=None)),
        lambda s: s.execute(delete(Attempt).where(Attempt.officer_id == ids["o1"], Attempt.percent == 50)),
        # a ledger reversal (a negative entry) and an entry moved to another month
        lambda s: s.execute(insert(LedgerEntry), [ledger(o4, b, dt.date(2026, 9, 30), -1)]),
        lambda s: s.execute(update(LedgerEntry).where(LedgerEntry.officer_id == o3).values(day=dt.date(2026, 8, 2))),
        # the practice quiz becomes an exam: its attempts count now
        lambda s: s.execute(update(Quiz).where(Quiz.id == 2).values(mode="exam")),
        # an officer moves (memberships change, the rows keep their unit)
        lambda s: s.execute(update(UnitMembership).where(UnitMembership.officer_id == o4)
                            .values(valid_from=dt.date(2026, 9, 15))),
    ]
    rollup.refresh(db)
    for change in changes:
        with db.transaction() as s:
            change(s)
            assert rollup.stale_keys(s) or change is changes[-1]
        compare_paths(db, PERIODS, SCOPES)
        rollup.refresh(db)
        same_rows(rollup_table(db), from_scratch(db))
        compare_paths(db, PERIODS, SCOPES)


def test_the_check_fails_when_writes_go_unmarked(sqlite_org) -> None:  # type: ignore[no-untyped-def]
    """Without the triggers the rollup goes stale, and the check run after every test says so."""
    db, ids = sqlite_org
    rollup.refresh(db)
    with db.transaction() as s:
        for name in expected_triggers("sqlite"):
            s.execute(text(f"DROP TRIGGER {name}"))
        s.execute(insert(LedgerEntry), [ledger(ids["o1"], ids["A"], dt.date(2026, 7, 9), 4)])
    with pytest.raises(AssertionError):
        assert_rollup_current(db)
    with db.engine.begin() as conn:      # what an upgrade does when a migration lost the triggers
        ensure_report_triggers(conn)
        assert installed_triggers(conn) == expected_triggers("sqlite")
    assert_rollup_current(db)


def test_a_pair_written_during_a_refresh_stays_marked(org, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    db, ids = org
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite's writers wait for the refresher's lock)")
    o1, a = ids["o1"], ids["A"]
    recompute = rollup._recompute
    late = {"done": False}

    def with_a_late_writer(session, keys):  # type: ignore[no-untyped-def]
        recompute(session, keys)
        if not late["done"]:          # another PC writes to a pair this refresh has just recomputed
            late["done"] = True
            with db.transaction() as other:
                other.execute(insert(LedgerEntry), [ledger(o1, a, dt.date(2026, 7, 12), 6)])

    monkeypatch.setattr(rollup, "_recompute", with_a_late_writer)
    rollup.refresh(db)
    with db.transaction() as s:
        assert (o1, dt.date(2026, 7, 1)) in rollup.stale_keys(s)
    monkeypatch.undo()
    compare_paths(db, PERIODS, SCOPES)


def test_the_migration_fills_the_rollup_from_existing_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0009")
        conn.execute(text("INSERT INTO units (id, code, name, kind, sort_order, active) "
                          "VALUES (1, 'A', '一支部', 'branch', 0, 1)"))
        conn.execute(insert(Officer.__table__), [{
            "id": 1, "badge": "o1", "name": "张一", "unit_id": 1, "category": "police", "party_member": True,
            "title": "", "gender": "", "phone": "", "role": "officer", "password_hash": "x",
            "must_change_password": False, "active": True, "created_at": cst(2026, 1, 1)}])
        conn.execute(insert(Quiz.__table__), [{"id": 1, "title": "考试", "mode": "exam", "pass_percent": 60.0,
                                               "created_at": cst(2026, 1, 1)}])
        conn.execute(insert(Attempt.__table__), [{**attempt(1, 1, cst(2026, 7, 1, 0, 10), 80, True), "number": 1}])
        conn.execute(insert(StudySession.__table__), [study(1, 1, dt.date(2026, 7, 3), 600)])
        conn.execute(insert(LedgerEntry.__table__), [{**ledger(1, 1, dt.date(2026, 8, 3), 2), "id": uuid.uuid4()}])
    engine.dispose()
    db = open_database(url)          # upgrades to 0010: creates and fills the rollup
    with db.transaction() as s:
        rows = s.execute(select(ReportMonth.month, ReportMonth.attempts, ReportMonth.study_days,
                                ReportMonth.points).order_by(ReportMonth.month)).all()
        assert rollup.stale_keys(s) == []
    assert [tuple(r) for r in rows] == [(dt.date(2026, 7, 1), 1, 1, 0.0), (dt.date(2026, 8, 1), 0, 0, 2.0)]
    assert_rollup_current(db)
    db.dispose()
