# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Offline PCs (issue 18): a results package of 1,000 attempts of 100 questions (100,000 answers),
exported on the offline PC and imported into the branch's database (SQLite files), each ≤ 3 s.
The offline PC is set up as in the routine of docs/EXCHANGE.md: a new installation that imported
the branch's exam package. Answers carry their own times and shuffled option orders, as real ones do.

Floors: exporting, the same rows read with one SELECT each, dumped as JSON lines and deflated into a
zip; importing, the same rows inserted with the bare driver (one executemany per table, one
transaction) into the same branch database.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from bench.harness import Workload

ATTEMPTS, QUESTIONS = 1000, 100
PASSPHRASE = "bench-passphrase"


def _prepare() -> dict[str, Any]:
    """The weekly routine: the branch (the demo's history) sends an exam package to a new offline
    PC, where 1,000 attempts of 100 questions are taken; that PC's results package then holds
    those attempts and their answers (and the little else that PC did)."""
    from sqlalchemy import func, insert, select

    from core import demo
    from core.access.actor import ANONYMOUS
    from core.exchange import usecases as ex
    from core.infra.db import open_database
    from core.models import Attempt, AttemptItem, Officer, QuestionRow, Quiz, QuizSection
    from core.people import usecases as people

    folder = Path(tempfile.mkdtemp(prefix="studyhall-bench-exchange-"))
    branch_file, offline_file = folder / "branch.db", folder / "offline.db"
    branch, offline = open_database(f"sqlite:///{branch_file}"), open_database(f"sqlite:///{offline_file}")
    demo.seed(branch)
    with branch.transaction() as s:
        quiz = s.scalar(select(Quiz).where(Quiz.mode == "exam").order_by(Quiz.id))
        assert quiz is not None
        quiz.attempts_allowed = None          # every officer takes it many times: no conflicts to settle
        quiz_id, quiz_uid = quiz.id, quiz.uid
        for section in s.scalars(select(QuizSection).where(QuizSection.quiz_id == quiz_id)):
            section.filters = {}              # drawn from the whole bank: at least 100 questions travel
    admin_b = people.log_in(branch, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD).actor
    admin_o = people.create_first_admin(offline, ANONYMOUS, badge="880001", name="值班室管理员", unit="值班室",
                                        password=demo.DEMO_PASSWORD).actor
    kb = ex.unlock_exchange_key(branch, admin_b, demo.DEMO_EXCHANGE_PASSPHRASE)   # the demo made it
    ko = ex.create_exchange_key(offline, admin_o, "离线电脑", PASSPHRASE)
    ex.trust_installation(branch, admin_b, "离线电脑", ko.public_key)
    ex.trust_installation(offline, admin_o, kb.name, kb.public_key)
    ex.export_exam(branch, admin_b, quiz_id, folder / "exam.shpkg")
    ex.import_package(offline, admin_o, folder / "exam.shpkg")
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    with offline.transaction() as s:
        quiz_id = s.scalar(select(Quiz.id).where(Quiz.uid == quiz_uid)) or 0
        officers = s.execute(select(Officer.id, Officer.unit_id).where(Officer.role == "officer")).all()
        questions = list(s.scalars(select(QuestionRow.id).where(QuestionRow.is_current).limit(QUESTIONS)))
        assert len(questions) == QUESTIONS and officers, (len(questions), len(officers))
        numbers: dict[int, int] = {o: n for o, n in s.execute(
            select(Attempt.officer_id, func.max(Attempt.number)).where(Attempt.quiz_id == quiz_id)
            .group_by(Attempt.officer_id))}
        attempts, items = [], []
        for i in range(ATTEMPTS):
            officer, unit = officers[i % len(officers)]
            numbers[officer] = numbers.get(officer, 0) + 1
            started = now - dt.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
            aid = uuid.uuid4()
            attempts.append({"id": aid, "quiz_id": quiz_id, "officer_id": officer, "unit_id": unit,
                             "number": numbers[officer], "started_at": started,
                             "deadline_at": started + dt.timedelta(minutes=60), "last_seen_at": started,
                             "submitted_at": started + dt.timedelta(minutes=30), "status": "submitted",
                             "auto_submitted": False, "score": 80.0, "max_score": 100.0, "percent": 80.0,
                             "passed": True})
            order = [0, 1, 2, 3]
            for pos, qid in enumerate(questions, start=1):
                right = rng.random() < 0.8
                rng.shuffle(order)
                items.append({"id": uuid.uuid4(), "attempt_id": aid, "position": pos, "question_id": qid,
                              "option_order": list(order), "points": 1.0, "response": ["A" if right else "B"],
                              "answered_at": started + dt.timedelta(seconds=17 * pos + rng.randint(0, 9)),
                              "flagged": False, "score": 1.0 if right else 0.0, "correct": right,
                              "graded_by": None, "comment": ""})
        s.execute(insert(Attempt), attempts)
        s.execute(insert(AttemptItem), items)
    branch.dispose()
    pristine = folder / "branch-pristine.db"
    shutil.copyfile(branch_file, pristine)
    return {"folder": folder, "offline": offline, "admin_o": admin_o, "pristine": pristine, "rounds": 0,
            "package": None, "new": {str(a["id"]).replace("-", "") for a in attempts}}


def _export(state: dict[str, Any]) -> None:
    from core.exchange import usecases as ex

    ex.unlock_exchange_key(state["offline"], state["admin_o"], PASSPHRASE)
    state["rounds"] += 1
    done = ex.export_results(state["offline"], state["admin_o"], state["folder"] / f"r{state['rounds']}.shpkg")
    state["package"], state["counts"] = done.path, done.counts


def _export_floor(state: dict[str, Any]) -> None:
    conn = sqlite3.connect(state["offline"].sqlite_path)
    target = state["folder"] / "floor.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for table in ("attempts", "attempt_items"):
            cur = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cur.description]
            lines = [json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, default=str) for row in cur]
            zf.writestr(f"{table}.jsonl", "\n".join(lines))
    conn.close()


def _fresh_branch(state: dict[str, Any]) -> Path:
    target = state["folder"] / "branch-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(state["pristine"], target)
    return target


def _import(state: dict[str, Any]) -> float:
    from core import demo
    from core.access.actor import ANONYMOUS
    from core.exchange import usecases as ex
    from core.infra.db import open_database
    from core.people import usecases as people

    if state["package"] is None:
        _export(state)
    branch = open_database(f"sqlite:///{_fresh_branch(state)}")
    admin = people.log_in(branch, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD).actor
    t0 = time.perf_counter()
    done = ex.import_package(branch, admin, state["package"])
    seconds = time.perf_counter() - t0
    assert done.added.get("attempt_items") == ATTEMPTS * QUESTIONS, done.added
    branch.dispose()
    return seconds


def _import_floor(state: dict[str, Any]) -> float:
    if "stored" not in state:                 # the rows as the branch stores them (its own ids)
        _import(state)
        branch = sqlite3.connect(state["folder"] / "branch-run.db")
        new = state["new"]
        state["stored"] = {
            "attempts": [r for r in branch.execute("SELECT * FROM attempts") if r[0] in new],
            "attempt_items": [r for r in branch.execute("SELECT * FROM attempt_items") if r[1] in new]}
        branch.close()
    conn = sqlite3.connect(_fresh_branch(state), isolation_level=None)
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, rows in state["stored"].items():
        marks = ",".join("?" * len(rows[0]))
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds


def _cleanup(state: dict[str, Any]) -> None:
    state["offline"].dispose()
    shutil.rmtree(state["folder"], ignore_errors=True)


def _extra(state: dict[str, Any]) -> dict[str, str]:
    size = state["package"].stat().st_size if state.get("package") else 0
    return {"attempts": str(ATTEMPTS), "answers": str(ATTEMPTS * QUESTIONS), "package": f"{size / 1048576:.1f} MB"}


WORKLOADS = [
    Workload("exchange.results.export", 18, "results package of 1,000 attempts × 100 answers, signed (offline PC)",
             "the same rows SELECTed, dumped as JSON lines and deflated into a zip", "≤ 3 s",
             _export, _export_floor, _prepare, _cleanup, _extra, repeat=3,
             meets=lambda median, _floor: median <= 3.0),
    Workload("exchange.results.import", 18, "importing that package into the branch (checked, merged, one transaction)",
             "the same rows inserted with the bare driver, one executemany per table", "≤ 3 s",
             _import, _import_floor, _prepare, _cleanup, _extra, repeat=3, self_measured=True,
             meets=lambda median, _floor: median <= 3.0),
]
