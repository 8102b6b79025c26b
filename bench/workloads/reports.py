# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Reports at scale: 10,000 officers in 200 branches, 1,000,000 attempts and a year of study sessions.

The database is generated once with ``executemany`` in big batches and cached under
/tmp keyed by ``VERSION`` (delete it or bump the version to regenerate); the triggers mark
the rows written, and the report rollup is rebuilt at the end. Timed: the quarter branch
comparison (all metrics, this and the previous quarter; whole months read from the rollup)
against the raw sqlite3 GROUP BY queries over the base tables (what the report cost before the
rollup, for context; the issue's target is absolute), and the PDF of the comparison. The timed call is the
use case the 统计 screen and ``report branches`` run (permission check and report document included),
as an administrator.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import Workload

if TYPE_CHECKING:
    from core.reports.usecases import BranchReport  # imported inside the workloads, as they run

VERSION = 4
BRANCHES, PER_BRANCH, ATTEMPTS, STUDY_DAYS = 200, 50, 1_000_000, 120
CACHE = Path(tempfile.gettempdir()) / f"studyhall-bench-reports-v{VERSION}.db"
QUARTER = "2026Q3"


def _generate(path: Path) -> None:
    from sqlalchemy import insert

    from core.infra.db import open_database
    from core.models import Attempt, LedgerEntry, Officer, Quiz, StudySession, Unit, UnitMembership

    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = open_database(f"sqlite:///{tmp}")
    rnd = random.Random(7)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    start = dt.date(2025, 12, 1)
    with db.transaction() as s:
        s.execute(insert(Unit), [{"id": 1, "code": "ROOT", "name": "市局", "kind": "bureau", "parent_id": None,
                                  "sort_order": 0, "active": True}]
                  + [{"id": 1 + b, "code": f"ZB{b:03d}", "name": f"第{b}党支部", "kind": "branch", "parent_id": 1,
                      "sort_order": b, "active": True} for b in range(1, BRANCHES + 1)])
        officers = [{"id": i, "badge": f"{i:06d}", "name": f"民警{i}", "unit_id": 2 + (i - 1) // PER_BRANCH,
                     "category": "police" if i % 3 else "auxiliary", "party_member": i % 2 == 0, "title": "",
                     "gender": "", "phone": "", "role": "officer", "password_hash": "x",
                     "must_change_password": False, "active": True, "created_at": now}
                    for i in range(1, BRANCHES * PER_BRANCH + 1)]
        s.execute(insert(Officer), officers)
        s.execute(insert(UnitMembership), [{"officer_id": o["id"], "unit_id": o["unit_id"],
                                            "valid_from": dt.date(2024, 1, 1), "valid_to": None} for o in officers])
        s.execute(insert(Quiz), [{"id": q, "title": f"考试{q}", "mode": "exam", "created_at": now,
                                  "pass_percent": 60.0} for q in range(1, 21)])
    n_off = len(officers)
    raw = sqlite3.connect(tmp)
    raw.execute("PRAGMA synchronous=OFF")
    batch: list[tuple] = []
    numbers: dict[tuple[int, int], int] = {}     # 1st, 2nd… attempt of an officer at a quiz (unique)
    for k in range(ATTEMPTS):
        oid = rnd.randint(1, n_off)
        when = dt.datetime(2025, 12, 1) + dt.timedelta(seconds=rnd.randint(0, 365 * 86400))
        pct = rnd.uniform(20, 100)
        quiz = rnd.randint(1, 20)
        numbers[(quiz, oid)] = number = numbers.get((quiz, oid), 0) + 1
        batch.append((uuid.uuid4().hex, quiz, oid, 2 + (oid - 1) // PER_BRANCH, when, when,
                      "submitted", False, pct, 100.0, pct, pct >= 60, number))
        if len(batch) >= 100_000 or k == ATTEMPTS - 1:
            raw.executemany("INSERT INTO attempts (id, quiz_id, officer_id, unit_id, started_at, submitted_at, "
                            "status, auto_submitted, score, max_score, percent, passed, number) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    for oid in range(1, n_off + 1):
        unit = 2 + (oid - 1) // PER_BRANCH
        for day in rnd.sample(range(365), STUDY_DAYS):
            d = start + dt.timedelta(days=day)
            when = dt.datetime.combine(d, dt.time(2))
            batch.append((uuid.uuid4().hex, oid, unit, None, d, when, when, rnd.randint(300, 3600)))
        if len(batch) >= 200_000 or oid == n_off:
            raw.executemany("INSERT INTO study_sessions (id, officer_id, unit_id, material_id, day, started_at, "
                            "last_beat_at, active_seconds) VALUES (?,?,?,?,?,?,?,?)", batch)
            batch = []
    for oid in range(1, n_off + 1):
        unit = 2 + (oid - 1) // PER_BRANCH
        for j in range(24):
            d = start + dt.timedelta(days=rnd.randint(0, 364))
            batch.append((uuid.uuid4().hex, oid, unit, d, "study", 1.0, "study", f"{oid}-{j}", "", now))
    raw.executemany("INSERT INTO ledger_entries (id, officer_id, unit_id, day, rule_code, amount, source_type, "
                    "source_id, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
    raw.commit()
    raw.close()
    from core.reports.rollup import rebuild  # the raw inserts were marked stale by the triggers

    with db.transaction() as s:
        rebuild(s)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.dispose()
    tmp.replace(path)
    _ = LedgerEntry, Attempt, StudySession  # the models define the tables written above


def prepare() -> dict:
    from core.access.actor import Actor
    from core.infra.db import open_database
    from core.models import Role

    if not CACHE.exists():
        t0 = time.perf_counter()
        _generate(CACHE)
        print(f"generated {CACHE} in {time.perf_counter() - t0:.0f} s")
    db = open_database(f"sqlite:///{CACHE}")
    raw = sqlite3.connect(CACHE)
    # Officer 1 of the generated roster, acting as an administrator (the comparison reads every branch).
    actor = Actor.user(1, Role.ADMIN, 1, badge="000001")
    return {"db": db, "raw": raw, "actor": actor, "out": Path(tempfile.mkdtemp()) / "branches.pdf"}


def compare(state: dict) -> BranchReport:
    from core.reports import usecases as reports
    from core.reports.period import parse_period

    return reports.compare_branches(state["db"], state["actor"], parse_period(QUARTER))


def raw_floor(state: dict) -> None:
    """The same grouped scans with sqlite3 and no application code, for this and the previous quarter."""
    raw = state["raw"]
    for a, b, d0, d1 in (("2026-06-30 16:00:00", "2026-09-30 16:00:00", "2026-07-01", "2026-09-30"),
                         ("2026-03-31 16:00:00", "2026-06-30 16:00:00", "2026-04-01", "2026-06-30")):
        raw.execute("SELECT unit_id, count(*), count(DISTINCT officer_id), sum(percent) FROM attempts "
                    "WHERE unit_id IN (SELECT id FROM units) AND submitted_at >= ? AND submitted_at < ? "
                    "GROUP BY unit_id", (a, b)).fetchall()
        raw.execute("SELECT unit_id, sum(s), sum(d >= 36) FROM (SELECT unit_id, officer_id, sum(active_seconds) s, "
                    "count(DISTINCT day) d FROM study_sessions WHERE unit_id IN (SELECT id FROM units) "
                    "AND day BETWEEN ? AND ? GROUP BY unit_id, officer_id) GROUP BY unit_id", (d0, d1)).fetchall()
        raw.execute("SELECT unit_id, sum(amount) FROM ledger_entries WHERE unit_id IN (SELECT id FROM units) "
                    "AND day BETWEEN ? AND ? GROUP BY unit_id", (d0, d1)).fetchall()


def pdf(state: dict) -> None:
    from core.reports.export import export

    export(compare(state).document, state["out"])


def plan(state: dict) -> dict[str, str]:
    rows = state["raw"].execute(
        "EXPLAIN QUERY PLAN SELECT unit_id, officer_id, attempts, study_days FROM report_months "
        "WHERE month >= '2026-07-01' AND month <= '2026-09-01' AND unit_id IN (2,3)").fetchall()
    n = state["raw"].execute("SELECT count(*) FROM report_months").fetchone()[0]
    return {"rollup plan": " / ".join(r[-1] for r in rows), "rollup rows": f"{n:,}"}


def cleanup(state: dict) -> None:
    state["raw"].close()
    state["db"].dispose()


WORKLOADS = [
    Workload("reports.branches.quarter", 19, "quarter branch comparison, 200 branches, 1M attempts (+ previous quarter)",
             "raw sqlite3 GROUP BY over attempts, study_sessions, ledger_entries (the base tables, for context)",
             "≤ 0.3 s", compare, raw_floor, prepare, cleanup, plan, repeat=5, meets=lambda m, f: m <= 0.3),
    Workload("reports.branches.pdf", 7, "comparison of 200 branches as PDF (query + chart + 5-page table)",
             "—", "≤ 3 s", pdf, None, prepare, cleanup, repeat=3, meets=lambda m, f: m <= 3.0),
]
