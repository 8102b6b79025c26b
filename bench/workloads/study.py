# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Study and points: one heartbeat store (its own transaction) and a yearly tally over the demo ledger."""

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
    from core.models import Material, Officer

    folder = Path(tempfile.mkdtemp(prefix="sh-bench-study-"))
    db = open_database(f"sqlite:///{folder / 'demo.db'}")
    clock = FakeClock()
    demo.seed(db, clock=clock)
    with db.transaction() as s:
        officer = s.scalar(select(Officer.id).where(Officer.badge == "200005"))
        material = s.scalar(select(Material.id).limit(1))
    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE beats (id TEXT PRIMARY KEY, seconds INTEGER)")
    return {"db": db, "clock": clock, "officer": officer, "material": material, "raw": raw,
            "reading": uuid.uuid4(), "folder": folder}


def _beat(state: dict[str, Any]) -> None:
    from core.study.tracker import Beat, heartbeat

    state["clock"].advance(15)
    day = state["clock"].now().date()
    heartbeat(state["db"], Beat(state["reading"], state["officer"], state["material"], {day: 15}, 0.5),
              state["clock"])


def _beat_floor(state: dict[str, Any]) -> None:
    raw = state["raw"]
    raw.execute("BEGIN")
    raw.execute("INSERT INTO beats VALUES (?, 15) ON CONFLICT(id) DO UPDATE SET seconds = seconds + 15",
                (str(state["reading"]),))
    raw.execute("COMMIT")


def _tally(state: dict[str, Any]) -> None:
    from core.points.ledger import parse_period, tally, unit_tally

    with state["db"].transaction() as s:
        tally(s, parse_period("2026"))
        unit_tally(s, parse_period("2026"))


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
