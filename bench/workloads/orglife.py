# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Organisation life at scale (issue 17).

* ``orglife.rating.quarter``: the quarterly 支部评星 of 200 branches. The data is ten times the demo's
  per-officer volumes and far more people: 200 branches of 11 members (2,200 officers, the demo has
  66), each member with a year of reading (120 days), 40 exam attempts and 100 ledger entries,
  each branch with 30 group sessions (attendance of every member) and 4 reflections per member.
  Timed: the use case the 支部评星 screen and ``rating compute`` run (metrics of every branch, the
  formula, storing 200 ratings with their breakdown, the ranking), as an administrator.
* ``orglife.similarity.10k``: the review screen's check of one reflection against 10,000 earlier
  ones: loading their signatures, MinHash comparison, exact comparison of the best candidates and
  the highlighted passages (the ``reflection show`` use case).

Both databases are generated once and cached under /tmp keyed by ``VERSION``.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.harness import Workload

VERSION = 1
BRANCHES, PER_BRANCH, STUDY_DAYS, ATTEMPTS, LEDGER, SESSIONS, REFLECTIONS = 200, 11, 120, 40, 100, 30, 4
RATING_DB = Path(tempfile.gettempdir()) / f"studyhall-bench-orglife-rating-v{VERSION}.db"
SIMILAR_DB = Path(tempfile.gettempdir()) / f"studyhall-bench-orglife-similar-v{VERSION}.db"
EARLIER = 10_000
QUARTER = "2026Q3"


def _base(path: Path, branches: int, per_branch: int) -> sqlite3.Connection:
    from core.infra.db import open_database

    path.unlink(missing_ok=True)
    open_database(f"sqlite:///{path}").dispose()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("INSERT INTO units (id, code, name, kind, parent_id, sort_order, active) "
                "VALUES (1, 'ROOT', '市局', 'bureau', NULL, 0, 1)")
    raw.executemany("INSERT INTO units (id, code, name, kind, parent_id, sort_order, active) VALUES (?,?,?,?,?,?,1)",
                    [(1 + b, f"ZB{b:03d}", f"第{b}党支部", "branch", 1, b) for b in range(1, branches + 1)])
    now = "2026-01-01 00:00:00.000000"
    raw.executemany("INSERT INTO officers (id, badge, name, unit_id, category, party_member, title, gender, phone, "
                    "role, password_hash, must_change_password, active, created_at) "
                    "VALUES (?,?,?,?,'police',1,'','','',?,'x',0,1,?)",
                    [(i, f"{i:06d}", f"民警{i}", 2 + (i - 1) // per_branch, "admin" if i == 1 else "officer", now)
                     for i in range(1, branches * per_branch + 1)])
    raw.executemany("INSERT INTO unit_memberships (officer_id, unit_id, valid_from, valid_to) VALUES (?,?,?,NULL)",
                    [(i, 2 + (i - 1) // per_branch, "2024-01-01") for i in range(1, branches * per_branch + 1)])
    return raw


def _generate_rating(path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    raw = _base(tmp, BRANCHES, PER_BRANCH)
    rnd = random.Random(17)
    n_off = BRANCHES * PER_BRANCH
    start = dt.date(2025, 10, 1)
    raw.commit()
    from sqlalchemy import insert

    from core.infra.db import open_database
    from core.models import Quiz

    db = open_database(f"sqlite:///{tmp}")
    with db.transaction() as s:          # through SQLAlchemy: the model's defaults (uid...) apply
        s.execute(insert(Quiz), [{"id": q, "title": f"考试{q}", "mode": "exam", "pass_percent": 60.0,
                                  "created_at": dt.datetime(2025, 10, 1, tzinfo=dt.UTC)} for q in range(1, 41)])
    db.dispose()
    unit = {oid: 2 + (oid - 1) // PER_BRANCH for oid in range(1, n_off + 1)}
    rows: list[tuple[object, ...]] = []
    for oid in range(1, n_off + 1):
        for day in rnd.sample(range(365), STUDY_DAYS):
            d = start + dt.timedelta(days=day)
            rows.append((uuid.uuid4().hex, oid, unit[oid], d.isoformat(), f"{d} 02:00:00.000000",
                         rnd.randint(300, 3600)))
    raw.executemany("INSERT INTO study_sessions (id, officer_id, unit_id, material_id, group_session_id, day, "
                    "started_at, last_beat_at, active_seconds) VALUES (?,?,?,NULL,NULL,?,?,?5,?6)", rows)
    rows = []
    for oid in range(1, n_off + 1):
        for q in range(1, ATTEMPTS + 1):
            when = dt.datetime(2025, 10, 1) + dt.timedelta(seconds=rnd.randint(0, 365 * 86400))
            pct = rnd.uniform(30, 100)
            rows.append((uuid.uuid4().hex, q, oid, unit[oid], str(when), str(when), pct, pct, pct >= 60))
    raw.executemany("INSERT INTO attempts (id, quiz_id, officer_id, unit_id, started_at, submitted_at, status, "
                    "auto_submitted, score, max_score, percent, passed, number) "
                    "VALUES (?,?,?,?,?,?,'submitted',0,?,100.0,?,?,1)", rows)
    rows = []
    for oid in range(1, n_off + 1):
        for j in range(LEDGER):
            d = start + dt.timedelta(days=rnd.randint(0, 364))
            rows.append((uuid.uuid4().hex, oid, unit[oid], d.isoformat(), f"{oid}-{j}"))
    raw.executemany("INSERT INTO ledger_entries (id, officer_id, unit_id, day, rule_code, amount, source_type, "
                    "source_id, note, created_at) VALUES (?,?,?,?,'study_minutes',1.0,'study',?,'',"
                    "'2026-01-01 00:00:00.000000')", rows)
    sessions, attendance = [], []
    for b in range(2, BRANCHES + 2):
        for k in range(SESSIONS):
            sid = uuid.uuid4().hex
            d = start + dt.timedelta(days=12 * k + rnd.randint(0, 5))
            sessions.append((sid, b, d.isoformat(), f"{d} 01:00:00.000000"))
            for oid in range((b - 2) * PER_BRANCH + 1, (b - 1) * PER_BRANCH + 1):
                x = rnd.random()
                status = "present" if x < 0.85 else "leave" if x < 0.95 else "absent"
                made = f"{d} 09:00:00.000000" if status != "present" and rnd.random() < 0.6 else None
                attendance.append((uuid.uuid4().hex, sid, oid, status, made))
    raw.executemany("INSERT INTO org_sessions (id, unit_id, kind, topic, day, starts_at, minutes, place, speaker, "
                    "material_ids, note, created_by, created_at) VALUES (?,?, 'study', '集中学习', ?, ?, 90, '', '', "
                    "'[]', '', NULL, ?4)", sessions)
    raw.executemany("INSERT INTO org_attendance (id, session_id, officer_id, status, reason, made_up_at) "
                    "VALUES (?,?,?,?,'',?)", attendance)
    raw.executemany("INSERT INTO reflection_tasks (id, unit_id, title, topic, due_date, min_chars, created_at) "
                    "VALUES (?,?, '心得体会', '', '2026-12-31', 100, '2025-10-01 00:00:00.000000')",
                    [(b, b) for b in range(2, BRANCHES + 2)])
    sig = b"\xff" * 256
    refl: list[tuple[str, int, int, int, bytes, str]] = []
    for oid in range(1, n_off + 1):
        for _k in range(REFLECTIONS):
            when = dt.datetime(2025, 10, 1) + dt.timedelta(seconds=rnd.randint(0, 365 * 86400))
            refl.append((uuid.uuid4().hex, unit[oid], oid, unit[oid], sig, str(when)))
    # One reflection per (task, officer): spread the extra ones over other branches' tasks.
    seen: set[tuple[int, int]] = set()
    keep = []
    for r in refl:
        task = r[1]
        while (task, r[2]) in seen:
            task = 2 + (task - 1) % BRANCHES
        seen.add((task, r[2]))
        keep.append((r[0], task, *r[2:]))
    raw.executemany("INSERT INTO reflections (id, task_id, officer_id, unit_id, body_text, source_name, signature, "
                    "status, submitted_at, review_comment, extra) VALUES (?,?,?,?, '', '', ?, 'pass', ?, '', '{}')",
                    keep)
    raw.commit()
    raw.execute("ANALYZE")
    raw.close()
    tmp.replace(path)


def _generate_similar(path: Path) -> None:
    from core.demo.orglife_step import _near_copy, _reflection_text
    from core.orglife.similarity import signature

    tmp = path.with_suffix(".tmp")
    raw = _base(tmp, 50, 50)
    raw.executemany("INSERT INTO reflection_tasks (id, unit_id, title, topic, due_date, min_chars, created_at) "
                    "VALUES (?,?, ?, '', '2026-12-31', 100, '2025-10-01 00:00:00.000000')",
                    [(t, 2 + t % 50, f"心得体会{t}") for t in range(1, 6)])
    rnd = random.Random(5)
    texts: list[str] = []
    rows: list[tuple[object, ...]] = []
    for i in range(EARLIER + 1):
        officer = 1 + i % 2500
        task = 1 + i // 2500
        text = _reflection_text(rnd, f"专题{task}")
        if i == EARLIER:                       # the one checked: a near-copy of an early submission
            text = _near_copy(rnd, texts[123])
        texts.append(text)
        when = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=i)
        rows.append((uuid.uuid4().hex, task, officer, 2 + (officer - 1) // 50, text, signature(text), str(when)))
    raw.executemany("INSERT INTO reflections (id, task_id, officer_id, unit_id, body_text, source_name, signature, "
                    "status, submitted_at, review_comment, extra) VALUES (?,?,?,?,?, '', ?, 'submitted', ?, '', '{}')",
                    rows)
    raw.commit()
    raw.close()
    tmp.replace(path)


def _open(path: Path, generate: Callable[[Path], None]) -> dict:
    from core.access.actor import Actor
    from core.infra.db import open_database
    from core.models import Role

    if not path.exists():
        t0 = time.perf_counter()
        generate(path)
        print(f"generated {path} in {time.perf_counter() - t0:.0f} s")
    db = open_database(f"sqlite:///{path}")
    return {"db": db, "actor": Actor.user(1, Role.ADMIN, 1, badge="000001"), "raw": sqlite3.connect(path)}


def prepare_rating() -> dict:
    return _open(RATING_DB, _generate_rating)


def compute(state: dict) -> int:
    from core.orglife import usecases as ratings

    return len(ratings.compute_ratings(state["db"], state["actor"], QUARTER))


def prepare_similar() -> dict:
    state = _open(SIMILAR_DB, _generate_similar)
    state["last"] = state["raw"].execute("SELECT id FROM reflections ORDER BY submitted_at DESC LIMIT 1").fetchone()[0]
    return state


def check(state: dict) -> float:
    from core.orglife import usecases as orglife

    detail = orglife.reflection_detail(state["db"], state["actor"], uuid.UUID(state["last"]))
    assert detail.match is not None and detail.match.jaccard > 0.5
    return detail.match.jaccard


def cleanup(state: dict) -> None:
    state["raw"].close()
    state["db"].dispose()


def sizes(state: dict) -> dict[str, str]:
    raw = state["raw"]
    return {t: str(raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # noqa: S608 (fixed names)
            for t in ("officers", "study_sessions", "attempts", "ledger_entries", "org_attendance", "reflections")}


WORKLOADS = [
    Workload("orglife.rating.quarter", 17, "支部评星 of one quarter: 200 branches × 11 members, a year of data "
             "(metrics, formula, 200 ratings stored, ranking)", "—", "≤ 1 s", compute, None, prepare_rating, cleanup,
             sizes, repeat=5, meets=lambda m, f: m <= 1.0),
    Workload("orglife.similarity.10k", 17, "one reflection checked against 10,000 earlier ones (signatures loaded, "
             "MinHash, exact comparison of the best 5, highlighted passages)", "—", "≤ 200 ms", check, None,
             prepare_similar, cleanup, sizes, repeat=7, meets=lambda m, f: m <= 0.2),
]
