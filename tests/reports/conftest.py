# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A small hand-computable organisation for report tests (rows inserted directly, in bulk).

Units: 临江分局 (LJ) → 交警大队 (JJ) → 一支部 (A), 二支部 (B), 三支部 (E, always empty).
Officers: o1 民警 党员 (A); o2 辅警 (A); o3 民警 党员 (A, moves to B on 2026-08-15); o4 辅警 党员 (B).
Quizzes: 1 exam (pass 60), 2 practice. The expected numbers are written out in test_branches.py.
Accounts for the use cases (``org_actors``): an administrator in 临江分局 (ad, counted in no branch),
o4 as the secretary of 二支部 (sees o3 and o4, not 一支部), o1 as an officer.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import insert, select, update

from core.access.actor import Actor
from core.infra.clock import LOCAL_TZ
from core.infra.db import Database
from core.models import Attempt, LedgerEntry, Material, MaterialProgress, Officer, Quiz, StudySession
from core.people.org import add_unit
from core.people.roster_edit import move_officer
from core.people.users import add_user, get_user

JOINED = dt.date(2025, 1, 1)


def cst(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=LOCAL_TZ).astimezone(dt.UTC)


def build_org(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    with db.transaction() as s:
        add_unit(s, "LJ", "临江分局", "bureau")
        add_unit(s, "JJ", "交警大队", "brigade", "LJ")
        for code, name in (("A", "一支部"), ("B", "二支部"), ("E", "三支部")):
            ids[code] = add_unit(s, code, name, "branch", "JJ").id
        people = [("o1", "张一", "A", "police", True), ("o2", "李二", "A", "auxiliary", False),
                  ("o3", "王三", "A", "police", True), ("o4", "赵四", "B", "auxiliary", True)]
        for badge, name, unit, cat, party in people:
            info = add_user(s, badge=badge, name=name, unit=unit, password_hash="x", category=cat,
                            party_member=party, joined=JOINED)
            ids[badge] = info.id
        move_officer(s, "o3", "B", on=dt.date(2026, 8, 15))
        s.add_all([Quiz(id=1, title="季度考试", mode="exam", pass_percent=60.0, created_at=cst(2026, 1, 1)),
                   Quiz(id=2, title="每日练习", mode="practice", created_at=cst(2026, 1, 1))])
        s.add_all([Material(id=1, title="必学一", required=True, created_at=cst(2026, 1, 1)),
                   Material(id=2, title="选学二", required=False, created_at=cst(2026, 1, 1))])
    return ids


def attempt(officer: int, unit: int, when: dt.datetime, percent: float, passed: bool, quiz: int = 1) -> dict:
    return {"id": uuid.uuid4(), "quiz_id": quiz, "officer_id": officer, "unit_id": unit, "started_at": when,
            "submitted_at": when, "status": "submitted", "score": percent, "max_score": 100.0,
            "percent": percent, "passed": passed}


def study(officer: int, unit: int, day: dt.date, seconds: int) -> dict:
    when = cst(day.year, day.month, day.day)
    return {"id": uuid.uuid4(), "officer_id": officer, "unit_id": unit, "day": day, "started_at": when,
            "last_beat_at": when, "active_seconds": seconds}


def ledger(officer: int, unit: int, day: dt.date, amount: float) -> dict:
    return {"id": uuid.uuid4(), "officer_id": officer, "unit_id": unit, "day": day, "rule_code": "manual",
            "amount": amount, "source_type": "manual", "source_id": uuid.uuid4().hex[:12],
            "created_at": cst(day.year, day.month, day.day)}


def fill_history(db: Database, ids: dict[str, int]) -> None:
    o1, o2, o3, o4, a, b = ids["o1"], ids["o2"], ids["o3"], ids["o4"], ids["A"], ids["B"]
    attempts = [
        attempt(o1, a, cst(2026, 7, 1, 0, 10), 80, True),      # 2026-06-30 16:10 UTC: still Q3 in China
        attempt(o1, a, cst(2026, 9, 30, 23, 30), 50, False),
        attempt(o2, a, cst(2026, 8, 2), 40, False),
        attempt(o3, a, cst(2026, 7, 10), 90, True),
        attempt(o3, b, cst(2026, 9, 1), 70, True),
        attempt(o4, b, cst(2026, 9, 2), 100, True, quiz=2),   # practice: not counted
        attempt(o1, a, cst(2026, 6, 15), 60, True),            # Q2
        attempt(o2, a, cst(2026, 10, 1, 0, 5), 100, True),     # Q4
    ]
    sessions = [study(o1, a, dt.date(2026, 7, d), 1800) for d in range(1, 11)]
    sessions += [study(o2, a, dt.date(2026, 8, d), 600) for d in (3, 4)]
    sessions += [study(o3, a, dt.date(2026, 7, d), 1200) for d in range(20, 25)]
    sessions += [study(o3, b, dt.date(2026, 9, d), 900) for d in range(1, 9)]
    sessions += [study(o2, a, dt.date(2026, 6, 30), 3600)]     # Q2
    entries = [ledger(o1, a, dt.date(2026, 7, 5), 20), ledger(o2, a, dt.date(2026, 8, 5), 5),
               ledger(o3, a, dt.date(2026, 7, 21), 3), ledger(o3, b, dt.date(2026, 9, 3), 7),
               ledger(o4, b, dt.date(2026, 9, 30), 1), ledger(o4, b, dt.date(2026, 10, 1), 50)]
    progress = [{"officer_id": o1, "material_id": 1, "position": 1.0, "seconds": 600,
                 "finished_at": cst(2026, 8, 1)},
                {"officer_id": o4, "material_id": 1, "position": 1.0, "seconds": 600,
                 "finished_at": cst(2026, 10, 5)},
                {"officer_id": o2, "material_id": 2, "position": 1.0, "seconds": 600,
                 "finished_at": cst(2026, 8, 1)}]
    seen: dict[tuple[int, int], int] = {}
    for a in attempts:          # 1st, 2nd… attempt of an officer at a quiz (unique in the schema)
        a["number"] = seen[(a["quiz_id"], a["officer_id"])] = seen.get((a["quiz_id"], a["officer_id"]), 0) + 1
    with db.transaction() as s:
        s.execute(insert(Attempt), attempts)
        s.execute(insert(StudySession), sessions)
        s.execute(insert(LedgerEntry), entries)
        s.execute(insert(MaterialProgress), progress)


@pytest.fixture
def org(db: Database) -> tuple[Database, dict[str, int]]:
    ids = build_org(db)
    fill_history(db, ids)
    return db, ids


@pytest.fixture
def sqlite_org(sqlite_db: Database) -> tuple[Database, dict[str, int]]:
    ids = build_org(sqlite_db)
    fill_history(sqlite_db, ids)
    return sqlite_db, ids


def officer_id(db: Database, badge: str) -> int:
    with db.transaction() as s:
        return s.scalar(select(Officer.id).where(Officer.badge == badge))


def add_accounts(db: Database) -> dict[str, Actor]:
    """An administrator (ad, in 临江分局), o4 made secretary of 二支部, and o1 as an officer."""
    with db.transaction() as s:
        add_user(s, badge="ad", name="管理员", unit="LJ", password_hash="x", role="admin", joined=JOINED)
        s.execute(update(Officer).where(Officer.badge == "o4").values(role="secretary"))
    with db.transaction() as s:
        return {"admin": get_user(s, "ad").actor, "secretary": get_user(s, "o4").actor,
                "officer": get_user(s, "o1").actor}


@pytest.fixture
def org_actors(org: tuple[Database, dict[str, int]]) -> dict[str, Actor]:
    return add_accounts(org[0])


@pytest.fixture
def sqlite_org_actors(sqlite_org: tuple[Database, dict[str, int]]) -> dict[str, Actor]:
    return add_accounts(sqlite_org[0])
