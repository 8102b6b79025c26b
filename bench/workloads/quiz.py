# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Quiz workloads (issue 4): draw a paper, grade and store an attempt, save one answer.

Each runs against a SQLite file holding a 100,000-question bank, next to the
raw floor: the same statements through the bare ``sqlite3`` module. Saving and
submitting go through the use cases the exam screen calls (permission check included).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import Workload

BANK_SIZE = 100_000
MIX = {"single": 40_000, "multiple": 20_000, "judge": 20_000, "fill": 15_000, "essay": 5_000}
PAPER = [("single", 40, 1.0), ("multiple", 20, 2.0), ("judge", 20, 1.0), ("fill", 15, 2.0), ("essay", 5, 5.0)]
REPEAT = 15


@dataclass
class State:
    folder: Path
    db: Any
    raw: sqlite3.Connection
    quiz_id: int
    officer_id: int
    bank_id: int
    clock: Any
    actor: Any                                                  # the officer saving answers
    ready: list[tuple[uuid.UUID, Any]] = field(default_factory=list)   # answered attempts (and owners) to submit
    ready_raw: list[str] = field(default_factory=list)         # … and for the floor
    save_target: uuid.UUID | None = None
    save_n: int = 0


def _questions(bank_id: int, now: dt.datetime) -> list[dict[str, Any]]:
    rng = random.Random(4)
    rows = []
    for qtype, n in MIX.items():
        for i in range(n):
            opts = [f"选项{j}" for j in range(4)] if qtype in ("single", "multiple") else []
            answer = {"single": ["B"], "multiple": ["A", "C"], "judge": ["T"], "fill": [], "essay": ["参考答案"]}[qtype]
            stem = f"{qtype} 第{i}题：关于道路交通安全的表述"
            rows.append({"lineage": uuid.uuid4(), "version": 1, "is_current": True, "active": True, "bank_id": bank_id,
                         "qtype": qtype, "stem": stem, "options": opts, "answer": answer,
                         "blanks": [["甲", "乙"], ["丙"]] if qtype == "fill" else [], "explanation": "解析",
                         "category": f"分类{rng.randrange(10)}", "tags": [], "difficulty": rng.randint(1, 3),
                         "media": [], "content_hash": hashlib.sha1(stem.encode()).hexdigest(), "created_at": now})
    return rows


def prepare() -> State:
    from sqlalchemy import insert

    from core.access.actor import Actor
    from core.infra.clock import FakeClock
    from core.infra.db import open_database
    from core.models import Bank, Officer, QuestionRow, Unit
    from core.quiz.attempts import load_paper, save_answer, start_attempt
    from core.quiz.compose import save_quiz, set_published
    from core.quiz.spec import QuizSpec, SectionSpec

    folder = Path(tempfile.mkdtemp(prefix="sh-bench-quiz-"))
    db = open_database(f"sqlite:///{folder / 'bench.db'}")
    clock = FakeClock()
    now = clock.now()
    with db.transaction() as s:
        unit = Unit(code="B", name="基准单位", kind="branch")
        bank = Bank(name="基准题库", created_at=now)
        s.add_all([unit, bank])
        s.flush()
        # One officer per prepared attempt: an officer has at most one open attempt at a quiz.
        officers = [Officer(badge=f"{900001 + k}", name=f"基准{k}", unit_id=unit.id, password_hash="x",
                            created_at=now) for k in range(2 * REPEAT + 1)]
        s.add_all(officers)
        s.flush()
        s.execute(insert(QuestionRow), _questions(bank.id, now))
        spec = QuizSpec(title="基准试卷", time_limit_min=600, multi_scoring="half_for_subset",
                        sections=[SectionSpec(t, n, p, bank_ids=[bank.id], categories=[] if t != "single" else
                                              [f"分类{k}" for k in range(6)]) for t, n, p in PAPER])
        quiz_id = save_quiz(s, spec, now=now)
        set_published(s, quiz_id, True)
        officer_ids, bank_id, unit_id = [o.id for o in officers], bank.id, unit.id
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.clock = clock
    state = State(folder, db, sqlite3.connect(folder / "bench.db", isolation_level=None), quiz_id, officer_ids[-1],
                  bank_id, clock, Actor.user(officer_ids[-1], "officer", unit_id))
    answers = {"single": ["A"], "multiple": ["A"], "judge": ["T"], "fill": ["甲", "x"], "essay": ["作答"]}
    for k, officer_id in enumerate(officer_ids):
        with db.transaction() as s:
            aid = start_attempt(s, quiz_id, officer_id, clock)
            paper = load_paper(s, aid, officer_id, clock)
            for item in paper.items:
                save_answer(s, aid, officer_id, item.position, answers[item.qtype], clock)
        if k == 2 * REPEAT:
            state.save_target = aid
        elif k % 2:
            state.ready_raw.append(aid.hex)
        else:
            state.ready.append((aid, Actor.user(officer_id, "officer", unit_id)))
    return state


def run_draw(st: State) -> None:
    from core.quiz.compose import draw_paper, get_quiz

    with st.db.transaction() as s:
        items = draw_paper(s, get_quiz(s, st.quiz_id))
    assert len(items) == 100


def floor_draw(st: State) -> None:
    """The same random-id probing, through bare sqlite3 (one IN query per section)."""
    cur = st.raw.cursor()
    lo, hi = cur.execute("SELECT (SELECT min(id) FROM questions), (SELECT max(id) FROM questions)").fetchone()
    rng = random.Random()
    got = 0
    for qtype, n, _p in PAPER:
        rate = MIX[qtype] / BANK_SIZE * (0.6 if qtype == "single" else 1.0)
        probe = rng.sample(range(lo, hi + 1), int(n / rate * 1.5) + 8)
        sql = ("SELECT id FROM questions WHERE id IN ({}) AND +bank_id = ? AND +qtype = ? AND +is_current = 1 "
               "AND +active = 1").format(",".join("?" * len(probe)))
        hits = cur.execute(sql, (*probe, st.bank_id, qtype)).fetchall()
        got += min(n, len(hits))
    assert got >= 95


def run_submit(st: State) -> None:
    from core.quiz import usecases as quiz

    aid, owner = st.ready.pop()
    quiz.submit_attempt(st.db, owner, aid)


def floor_submit(st: State) -> None:
    """Read the items with their keys, write 100 item scores and the attempt total, commit."""
    from core.quiz.grading import grade

    aid = st.ready_raw.pop()
    cur = st.raw.cursor()
    cur.execute("BEGIN")
    rows = cur.execute("SELECT i.id, i.points, i.response, q.qtype, q.answer, q.blanks FROM attempt_items i "
                       "JOIN questions q ON q.id = i.question_id WHERE i.attempt_id = ?", (aid,)).fetchall()
    import json

    updates, total = [], 0.0
    for item_id, points, response, qtype, answer, blanks in rows:
        g = grade(qtype, answer=json.loads(answer), blanks=json.loads(blanks), response=json.loads(response),
                  points=points, multi_policy="half_for_subset")
        total += g.score or 0.0
        updates.append((g.score, g.correct, item_id))
    cur.executemany("UPDATE attempt_items SET score = ?, correct = ? WHERE id = ?", updates)
    cur.execute("UPDATE attempts SET score = ?, status = 'submitted' WHERE id = ?", (total, aid))
    cur.execute("COMMIT")


def run_save(st: State) -> None:
    from core.quiz import usecases as quiz

    st.save_n += 1
    assert st.save_target is not None
    quiz.save_answer(st.db, st.actor, st.save_target, st.save_n % 100, ["B"])


def floor_save(st: State) -> None:
    st.save_n += 1
    assert st.save_target is not None
    cur = st.raw.cursor()
    cur.execute("BEGIN")
    cur.execute("UPDATE attempt_items SET response = ?, answered_at = ? WHERE attempt_id = ? AND position = ?",
                ('["B"]', "2026-11-02 01:00:00", st.save_target.hex, st.save_n % 100))
    cur.execute("COMMIT")


def cleanup(st: State) -> None:
    st.raw.close()
    st.db.dispose()
    shutil.rmtree(st.folder, ignore_errors=True)


_shared: dict[str, State] = {}


def _prep() -> State:
    if "s" not in _shared:
        _shared["s"] = prepare()
    return _shared["s"]


def _cleanup_last(st: State) -> None:
    _shared.pop("s", None)
    cleanup(st)


WORKLOADS = [
    Workload("quiz.draw.100of100k", 4, "draw a 100-question paper by 5 sections from a 100,000-question bank",
             "sqlite3: the same 5 random primary-key IN queries", "≤ 5 ms", run_draw, floor_draw, _prep,
             lambda st: None, repeat=REPEAT, meets=lambda m, f: m <= 0.005),
    Workload("quiz.save", 4, "save one answer (own transaction, checks owner, status, deadline)",
             "sqlite3: one UPDATE + COMMIT", "≤ 5 ms", run_save, floor_save, _prep, lambda st: None,
             repeat=REPEAT, meets=lambda m, f: m <= 0.005),
    Workload("quiz.submit.100", 4, "grade and store a submitted 100-question attempt (+ 错题本, hook)",
             "sqlite3: read items, grade, executemany UPDATE, COMMIT", "≤ 30 ms", run_submit, floor_submit, _prep,
             _cleanup_last, repeat=REPEAT, meets=lambda m, f: m <= 0.030),
]
