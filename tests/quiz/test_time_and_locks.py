# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Time that cannot be turned back, expired exams finished by any process, SQLite writers taking turns,
and global options that work anywhere on the command line."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from base.errors import PermissionDenied
from core.access.actor import Actor
from core.infra import db as dbmod
from core.infra.clock import FakeClock, ServerClock, SteadyClock
from core.infra.db import Database, DatabaseBusy, open_database
from core.models import Attempt, Officer
from core.quiz import usecases as quiz
from core.quiz.spec import QuizSpec, SectionSpec
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, actor_of

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


class Hands:
    """A PC's wall clock (which a user may change) and its monotonic clock (which they cannot)."""

    def __init__(self, wall: dt.datetime) -> None:
        self.wall, self.mono = wall, 5000.0

    def tick(self, seconds: float) -> None:
        self.wall += dt.timedelta(seconds=seconds)
        self.mono += seconds


def test_setting_the_clock_back_while_running_gains_nothing() -> None:
    hands = Hands(T0)
    clock = SteadyClock(wall=lambda: hands.wall, mono=lambda: hands.mono)
    assert clock.now() == T0
    hands.tick(600)
    hands.wall -= dt.timedelta(seconds=1400)          # the officer turns the PC's clock back
    assert clock.now() == T0 + dt.timedelta(seconds=600)
    hands.tick(60)
    assert clock.now() == T0 + dt.timedelta(seconds=660)   # time goes on from where it was
    hands.wall = T0 + dt.timedelta(hours=2)           # set forward again: follows the wall clock
    assert clock.now() == T0 + dt.timedelta(hours=2)
    clock.raise_floor(T0 + dt.timedelta(hours=3))     # another process saw later
    assert clock.now() == T0 + dt.timedelta(hours=3)


def test_server_clock_ignores_the_pc_clock() -> None:
    mono = [100.0]
    asked: list[int] = []

    def server() -> dt.datetime:
        asked.append(1)
        return T0

    clock = ServerClock(server, resync=60, mono=lambda: mono[0])
    assert clock.now() == T0
    mono[0] += 30
    assert clock.now() == T0 + dt.timedelta(seconds=30) and len(asked) == 1
    mono[0] += 40
    assert clock.now() == T0 and len(asked) == 2          # re-asked the server after a minute


def _exam(db: Database, admin: Actor, *, closes: dt.datetime, minutes: int = 30) -> int:
    spec = QuizSpec(title="限时考试", time_limit_min=minutes, attempts_allowed=1, closes_at=closes,
                    sections=[SectionSpec("single", 5, 2, bank_ids=[1, 2, 3])])
    return quiz.save_quiz(db, admin, spec, publish=True)


def test_a_clock_set_back_while_closed_reopens_no_closed_exam(sqlite_demo_db: Database, tmp_path: Path) -> None:
    hands = Hands(T0)
    db = sqlite_demo_db
    db.clock = SteadyClock(wall=lambda: hands.wall, mono=lambda: hands.mono)
    qid = _exam(db, actor_of(db, DEMO_ADMIN), closes=T0 + dt.timedelta(hours=1))
    hands.tick(2 * 3600)                               # the exam has closed; someone uses the database
    quiz.set_published(db, actor_of(db, DEMO_ADMIN), qid, True)
    path = db.sqlite_path
    db.dispose()
    hands.wall = T0                                    # the PC's clock is set back while the app is closed
    again = open_database(f"sqlite:///{path}")
    try:
        assert again.clock.now() >= T0 + dt.timedelta(hours=2)    # never before the latest time seen
        with pytest.raises(PermissionDenied, match="不在开放时间内"):
            quiz.start_attempt(again, actor_of(again, DEMO_OFFICER), qid)
    finally:
        again.dispose()


def test_an_exam_that_ran_out_while_its_pc_was_off_is_finished_by_another_process(sqlite_demo_db: Database) -> None:
    db = sqlite_demo_db
    started = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    db.clock = FakeClock(started)
    qid = _exam(db, actor_of(db, DEMO_ADMIN), closes=started + dt.timedelta(days=1))
    officer = actor_of(db, DEMO_OFFICER)
    paper = quiz.start_attempt(db, officer, qid)
    quiz.save_answer(db, officer, paper.attempt_id, 0, ["A"])      # then the PC is switched off
    url = db.url
    db.dispose()
    # Another PC (a separate process, the real clock: the 30 minutes are long over) asks for the results.
    env_login = ["--user", DEMO_ADMIN]
    out = subprocess.run([sys.executable, "main.py", "quiz", "results", str(qid), "--json", "--db", url, *env_login],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**_env(), "STUDYHALL_PASSWORD": "demo123"})
    assert out.returncode == 0, out.stderr
    row = next(r for r in json.loads(out.stdout)["officers"] if r["badge"] == DEMO_OFFICER)
    assert row["status"] == "submitted" and row["score"] is not None
    check = open_database(url)
    try:
        with check.transaction(write=False) as s:
            a = s.get(Attempt, paper.attempt_id)
            assert a is not None and a.auto_submitted and a.submitted_at == a.deadline_at
    finally:
        check.dispose()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "STUDYHALL_DB"}


def test_sqlite_writers_wait_their_turn_instead_of_failing(sqlite_demo_db: Database) -> None:
    db = sqlite_demo_db
    path = db.sqlite_path
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)   # another process's writer
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        time.sleep(0.6)
        other.execute("COMMIT")
        released.set()

    threading.Thread(target=release).start()
    officer = actor_of(db, DEMO_OFFICER)        # a read: does not wait
    with db.transaction() as s:                 # a write: waits for the lock, then goes on
        s.get(Officer, officer.id).title = "测试"
    assert released.is_set()
    other.close()


def test_a_lock_held_too_long_gives_a_clear_message(sqlite_demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    path = sqlite_demo_db.sqlite_path
    sqlite_demo_db.dispose()
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 200)
    db = open_database(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="另一台电脑或程序"), db.transaction() as s:
            s.scalar(select(Officer.id).limit(1))
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.dispose()


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_before_or_after_the_command(sqlite_demo_db: Database, where: str) -> None:
    url = sqlite_demo_db.url
    sqlite_demo_db.dispose()
    opts = ["--db", url, "--user", DEMO_ADMIN, "--lang", "en"]
    argv = [*opts, "quiz", "list", "--json"] if where == "before" else ["quiz", "list", "--json", *opts]
    out = subprocess.run([sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**_env(), "STUDYHALL_PASSWORD": "demo123"})
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) >= 3


def test_a_database_that_cannot_be_opened_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    for argv in (["--db", "postgresql+psycopg://nobody@127.0.0.1:9/none", "quiz", "list"],
                 ["quiz", "list", "--db", "postgresql+psycopg://nobody@127.0.0.1:9/none"]):
        out = subprocess.run([sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120,
                             env={**_env(), "STUDYHALL_HOME": str(tmp_path)})
        assert out.returncode == 1 and "无法打开数据库" in out.stderr
        assert not (tmp_path / "studyhall.db").exists()      # the local file was not used instead
