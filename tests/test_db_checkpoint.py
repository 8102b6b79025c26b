# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A bulk transaction's commit leaves the WAL checkpoint to a helper thread (core.infra.db.Checkpointer)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from core.infra import db as dbmod
from core.infra.db import AUTOCHECKPOINT_PAGES, Checkpointer, open_database

ROWS = 3000
PAYLOAD = "题" * 1000          # ~3 KB a row: ~9 MB in all, far over the 1000-page auto-checkpoint


def _fill(database: dbmod.Database, *, bulk: bool) -> None:
    with database.transaction(bulk=bulk) as s:
        s.execute(text("CREATE TABLE IF NOT EXISTS big (k INTEGER, v TEXT)"))
        s.execute(text("INSERT INTO big VALUES (:k, :v)"), [{"k": k, "v": PAYLOAD} for k in range(ROWS)])


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[Checkpointer]:
    """Checkpoints asked for, not run (so what the commit itself did can be looked at)."""
    asked: list[Checkpointer] = []
    monkeypatch.setattr(Checkpointer, "request", lambda self: asked.append(self))
    return asked


def _autocheckpoint(database: dbmod.Database) -> int:
    with database.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


def test_a_bulk_commit_leaves_the_checkpoint_to_the_helper(tmp_path: Path, requests: list[Checkpointer]) -> None:
    path = tmp_path / "s.db"
    database = open_database(f"sqlite:///{path}")
    database.engine.dispose()
    before = path.stat().st_size
    _fill(database, bulk=True)
    assert len(requests) == 1
    # The rows are in the WAL only: the commit did not copy them into the file.
    assert path.stat().st_size == before
    assert Path(f"{path}-wal").stat().st_size > len(PAYLOAD.encode()) * ROWS
    # The connection went back to the pool with SQLite's own setting again (pool of one: the same).
    assert _autocheckpoint(database) == AUTOCHECKPOINT_PAGES
    # The helper's checkpoint copies them, and another connection reads them either way.
    Checkpointer.__dict__["_run"](requests[0])
    assert path.stat().st_size > len(PAYLOAD.encode()) * ROWS
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM big").fetchone() == (ROWS,)
    other.close()
    database.dispose()


def test_an_ordinary_commit_checkpoints_as_sqlite_does(tmp_path: Path, requests: list[Checkpointer]) -> None:
    path = tmp_path / "s.db"
    database = open_database(f"sqlite:///{path}")
    _fill(database, bulk=False)
    assert requests == []
    assert path.stat().st_size > len(PAYLOAD.encode()) * ROWS     # copied in the commit itself
    database.dispose()


def test_a_failed_bulk_transaction_restores_the_setting(tmp_path: Path, requests: list[Checkpointer]) -> None:
    database = open_database(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(RuntimeError), database.transaction(bulk=True) as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
        raise RuntimeError("cancelled")
    assert _autocheckpoint(database) == AUTOCHECKPOINT_PAGES
    assert len(requests) == 1
    database.dispose()


def test_the_helper_runs_and_closing_the_database_waits_for_it(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    database = open_database(f"sqlite:///{path}")
    _fill(database, bulk=True)
    database.settle()
    assert path.stat().st_size > len(PAYLOAD.encode()) * ROWS
    _fill(database, bulk=True)
    database.dispose()      # waits for the second one
    checkpointer = dbmod._CHECKPOINTERS[database.engine]
    assert checkpointer.thread is None
    assert path.stat().st_size > 2 * len(PAYLOAD.encode()) * ROWS
