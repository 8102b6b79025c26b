# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Heartbeats: storing counted time, crash safety, caps, midnight, position, finishing, study points."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput
from core.infra import settings
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import LedgerEntry, MaterialProgress, StudySession
from core.study.tracker import (
    CAP_DAY_MINUTES,
    CAP_MATERIAL_MINUTES,
    HEARTBEAT_SECONDS,
    ReadingTracker,
    finish_material,
    study_seconds,
)
from tests.study.helpers import cst, read_for, setup_people, store


def stored(db: Database, officer: int) -> int:
    with db.transaction() as s:
        return int(s.scalar(select(func.coalesce(func.sum(StudySession.active_seconds), 0))
                            .where(StudySession.officer_id == officer)))


def test_crash_between_heartbeats_loses_at_most_one_interval(db: Database) -> None:
    officer, _unit, material = setup_people(db)
    clock = FakeClock(cst(2026, 11, 2, 10))
    t = ReadingTracker(clock)
    reading = uuid.uuid4()
    for _ in range(20):
        read_for(t, clock, HEARTBEAT_SECONDS, every=5)
        store(db, t, clock, reading, officer, material)
    read_for(t, clock, 14, every=7)          # the PC crashes here: this tracker is lost
    assert t.counted - stored(db, officer) <= HEARTBEAT_SECONDS
    assert stored(db, officer) == 20 * HEARTBEAT_SECONDS
    with db.transaction() as s:               # one row per reading per day, updated in place
        assert s.scalar(select(func.count()).select_from(StudySession)) == 1


def test_caps_per_material_and_per_day(db: Database) -> None:
    officer, _unit, m1 = setup_people(db)
    _o, _u, m2 = setup_people(db)
    with db.transaction() as s:
        settings.put(s, CAP_MATERIAL_MINUTES[0], 10)
        settings.put(s, CAP_DAY_MINUTES[0], 15)
    clock = FakeClock(cst(2026, 11, 2, 10))
    t = ReadingTracker(clock)
    read_for(t, clock, 12 * 60)
    r = store(db, t, clock, uuid.uuid4(), officer, m1)
    assert (r.accepted_seconds, r.capped_seconds) == (600, 120)
    t2 = ReadingTracker(clock)
    read_for(t2, clock, 10 * 60)
    r2 = store(db, t2, clock, uuid.uuid4(), officer, m2)
    assert (r2.accepted_seconds, r2.capped_seconds) == (300, 300)
    assert r2.today_seconds == 15 * 60


def test_midnight_rollover_stores_two_days(db: Database) -> None:
    officer, _unit, material = setup_people(db)
    clock = FakeClock(cst(2026, 11, 2, 23, 55))
    t = ReadingTracker(clock)
    reading = uuid.uuid4()
    for _ in range(40):                       # 10 minutes across midnight
        read_for(t, clock, HEARTBEAT_SECONDS, every=5)
        store(db, t, clock, reading, officer, material)
    with db.transaction() as s:
        assert study_seconds(s, officer, dt.date(2026, 11, 2), dt.date(2026, 11, 2)) == 300
        assert study_seconds(s, officer, dt.date(2026, 11, 3), dt.date(2026, 11, 3)) == 300


def test_position_is_remembered(db: Database) -> None:
    officer, _unit, material = setup_people(db)
    clock = FakeClock(cst(2026, 11, 2, 10))
    t = ReadingTracker(clock)
    read_for(t, clock, 30)
    store(db, t, clock, uuid.uuid4(), officer, material, position=0.42)
    with db.transaction() as s:
        from core.study.materials import open_material

        content = open_material(s, officer, material)
        assert content.position == pytest.approx(0.42)
        assert content.seconds == 30


def test_finish_only_after_minimum_time_and_pays_once(db: Database) -> None:
    officer, _unit, material = setup_people(db, min_minutes=5)
    clock = FakeClock(cst(2026, 11, 2, 10))
    t = ReadingTracker(clock)
    reading = uuid.uuid4()
    read_for(t, clock, 4 * 60)
    store(db, t, clock, reading, officer, material)
    with pytest.raises(InvalidInput), db.transaction() as s:
        finish_material(s, officer, material, clock)
    read_for(t, clock, 60)
    store(db, t, clock, reading, officer, material)
    with db.transaction() as s:
        assert finish_material(s, officer, material, clock) is True
        assert finish_material(s, officer, material, clock) is False
    with db.transaction() as s:
        assert s.get(MaterialProgress, (officer, material)).finished_at is not None
        codes = list(s.scalars(select(LedgerEntry.rule_code).where(LedgerEntry.source_type == "material")))
        assert codes == ["required_finished"]


@pytest.mark.parametrize(("minutes", "points"), [(9, 0), (10, 1), (25, 2), (59, 5), (70, 6), (150, 6)])
def test_study_minute_points_per_block_with_daily_cap(db: Database, minutes: int, points: int) -> None:
    officer, _unit, material = setup_people(db)
    clock = FakeClock(cst(2026, 11, 2, 8))
    t = ReadingTracker(clock)
    reading = uuid.uuid4()
    for _ in range(minutes):
        read_for(t, clock, 60, every=15)
        store(db, t, clock, reading, officer, material)
    with db.transaction() as s:
        entries = s.scalars(select(LedgerEntry).where(LedgerEntry.officer_id == officer)).all()
        assert sum(e.amount for e in entries) == points
        assert all(e.rule_code == "study_minutes" and "学习满" in e.note for e in entries)
