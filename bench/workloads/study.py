# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Study and points: one heartbeat store (its own transaction) and a yearly tally over the demo ledger.

Both time the use cases the reader and the ranking screen call (permission check included): the
heartbeat as the officer reading, the tally as the administrator."""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import Any

from bench.harness import Workload


def _prepare() -> dict[str, Any]:
    from sqlalchemy import select

    from core import demo
    from core.infra.clock import FakeClock
    from core.infra.db import open_database
    from core.models import Material
    from core.people.users import get_user

    folder = Path(tempfile.mkdtemp(prefix="sh-bench-study-"))
    db = open_database(f"sqlite:///{folder / 'demo.db'}")
    clock = FakeClock()
    db.clock = clock                     # the use cases read time from the database's clock
    demo.seed(db, clock=clock)
    with db.transaction() as s:
        officer = get_user(s, "200005").actor
        admin = get_user(s, "000001").actor
        material = s.scalar(select(Material.id).limit(1))
    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE beats (id TEXT PRIMARY KEY, seconds INTEGER)")
    return {"db": db, "clock": clock, "officer": officer, "admin": admin, "material": material, "raw": raw,
            "reading": uuid.uuid4(), "folder": folder}


def _beat(state: dict[str, Any]) -> None:
    from core.study import usecases as study
    from core.study.tracker import Beat

    state["clock"].advance(15)
    day = state["clock"].now().date()
    officer = state["officer"]
    study.heartbeat(state["db"], officer, Beat(state["reading"], officer.id, state["material"], {day: 15}, 0.5))


def _beat_floor(state: dict[str, Any]) -> None:
    raw = state["raw"]
    raw.execute("BEGIN")
    raw.execute("INSERT INTO beats VALUES (?, 15) ON CONFLICT(id) DO UPDATE SET seconds = seconds + 15",
                (str(state["reading"]),))
    raw.execute("COMMIT")


def _tally(state: dict[str, Any]) -> None:
    from core.points import usecases as points
    from core.points.ledger import parse_period

    points.rankings(state["db"], state["admin"], parse_period("2026"))


def _tally_floor(state: dict[str, Any]) -> None:
    with state["db"].engine.connect() as conn:
        conn.exec_driver_sql("SELECT officer_id, SUM(amount) FROM ledger_entries WHERE day BETWEEN '2026-01-01' "
                             "AND '2026-12-31' GROUP BY officer_id").all()


def _cleanup(state: dict[str, Any]) -> None:
    import shutil

    state["db"].dispose()
    state["raw"].close()
    shutil.rmtree(state["folder"], ignore_errors=True)


_shared: dict[str, Any] = {}


def _prep_once() -> dict[str, Any]:
    if not _shared:
        _shared.update(_prepare())
    return _shared


WORKLOADS = [
    Workload("study.heartbeat", 5, "store one 15-s heartbeat (caps, progress, study points; own transaction)",
             "one upsert + commit in raw sqlite3", "≤ 10 ms", _beat, _beat_floor, _prep_once, lambda s: None,
             repeat=30, meets=lambda m, f: m <= 0.010),
    Workload("study.tally.year", 5, "yearly tally per officer + per unit over the demo ledger (~22k entries)",
             "one GROUP BY in SQL", "≤ 200 ms", _tally, _tally_floor, _prep_once, _cleanup,
             repeat=5, meets=lambda m, f: m <= 0.200),
]
