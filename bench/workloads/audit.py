# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The audit page on a log of 100,000 rows (issue 13): a page must come as fast deep in the log
as at its start, with or without filters.

Timed: the ``browse_audit`` use case the page calls on the database worker, on a SQLite file with
100,000 rows by 60 people over a year: the first page with its total (no filter), the first page
for one person, and a page 50,000 rows deep (the keyset cursor of the row before it). Raw floor:
the same 200 rows' columns read with one bare ``sqlite3`` query ordered by the ``at`` index (no
joins, no words made). ``extra`` times the Excel export of one person's rows and of all 100,000.
Target: each page ≤ 100 ms (the app's longest acceptable wait for a screen's data).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Workload

ROWS = 100_000
PEOPLE = 60
ACTIONS = ["user.edit", "bank.export", "quiz.save", "cert.issue", "attempt.grade", "material.update",
           "login.failed", "access.denied"]


def _prepare() -> dict[str, Any]:
    from sqlalchemy import insert

    from core.access.actor import ANONYMOUS
    from core.admin.audit import AuditFilter, page
    from core.infra.db import open_database
    from core.models import AuditEntry
    from core.people import usecases as people
    from core.people.users import add_user

    folder = Path(tempfile.mkdtemp(prefix="sh-bench-audit-"))
    db = open_database(f"sqlite:///{folder / 'audit.db'}")
    admin = people.create_first_admin(db, ANONYMOUS, badge="000001", name="管理员", unit="分局",
                                      password="bench-admin-1").actor
    with db.transaction() as s:
        ids = [add_user(s, badge=f"{200000 + i}", name=f"人员{i}", unit="分局", password_hash="x").id
               for i in range(PEOPLE)]
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    step = dt.timedelta(days=365) / ROWS
    rows = []
    for i in range(ROWS):
        action = ACTIONS[i % len(ACTIONS)]
        rows.append({"at": start + step * i, "actor_id": None if action == "login.failed" else ids[i % PEOPLE],
                     "pc": f"PC-{i % 12:02d}", "action": action, "target_type": "officer",
                     "target_id": str(200000 + i % PEOPLE),
                     "detail": {"badge": str(200000 + i % PEOPLE), "changes": {"title": ["科员", "副所长"]}, "n": i}})
    with db.transaction() as s:
        s.execute(insert(AuditEntry), rows)
    with db.transaction() as s:
        deep = page(s, AuditFilter(), limit=50_000)[-1].cursor
    return {"db": db, "admin": admin, "folder": folder, "deep": deep, "who": "200007"}


def _first_page(state: dict[str, Any]) -> None:
    from core.admin import usecases as admin
    from core.admin.audit import AuditFilter

    got = admin.browse_audit(state["db"], state["admin"], AuditFilter(), with_total=True)
    assert len(got.rows) == 200 and (got.total or 0) > ROWS


def _person_page(state: dict[str, Any]) -> None:
    from core.admin import usecases as admin
    from core.admin.audit import AuditFilter

    got = admin.browse_audit(state["db"], state["admin"], AuditFilter(who=state["who"]), with_total=True)
    assert len(got.rows) == 200


def _deep_page(state: dict[str, Any]) -> None:
    from core.admin import usecases as admin
    from core.admin.audit import AuditFilter

    got = admin.browse_audit(state["db"], state["admin"], AuditFilter(), after=state["deep"])
    assert len(got.rows) == 200


def _floor(state: dict[str, Any]) -> None:
    path = state["folder"] / "audit.db"
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, at, pc, actor_id, action, target_type, target_id, detail FROM audit_log "
                            "ORDER BY at DESC, id DESC LIMIT 200").fetchall()
    assert len(rows) == 200


def _extra(state: dict[str, Any]) -> dict[str, str]:
    from core.admin import usecases as admin
    from core.admin.audit import AuditFilter

    out: dict[str, str] = {}
    for label, flt in (("export one person's rows", AuditFilter(who=state["who"])),
                       ("export all rows", AuditFilter())):
        t0 = time.perf_counter()
        n = admin.export_audit(state["db"], state["admin"], flt, state["folder"] / "out.xlsx")
        out[label] = f"{n} rows in {time.perf_counter() - t0:.1f} s"
    return out


_shared: dict[str, Any] = {}


def _prep_once() -> dict[str, Any]:
    if not _shared:
        _shared.update(_prepare())
    return _shared


def _cleanup(state: dict[str, Any]) -> None:
    state["db"].dispose()
    shutil.rmtree(state["folder"], ignore_errors=True)
    _shared.clear()


def _fast(median: float, _floor_s: float | None) -> bool:
    return median <= 0.1


WORKLOADS = [
    Workload("audit.first_page.100k", 13, "audit page: the first 200 of 100,000 rows, with the total",
             "200 rows, one bare sqlite3 query", "≤ 100 ms", _first_page, _floor, _prep_once, lambda s: None,
             meets=_fast),
    Workload("audit.person_page.100k", 13, "audit page: one person's first 200 rows, with their total",
             "200 rows, one bare sqlite3 query", "≤ 100 ms", _person_page, _floor, _prep_once, lambda s: None,
             meets=_fast),
    Workload("audit.deep_page.100k", 13, "audit page: 200 rows 50,000 deep (keyset cursor)",
             "200 rows, one bare sqlite3 query", "≤ 100 ms", _deep_page, _floor, _prep_once, _cleanup,
             extra=_extra, meets=_fast),
]
