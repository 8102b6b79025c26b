# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Backup and restore give back every row, on SQLite and PostgreSQL, and a bad file changes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput
from core.admin.backup import backup, restore
from core.infra.db import Database
from core.models import Officer, QuestionRow, Unit
from core.people.org import add_unit
from core.people.users import add_user


def _counts(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Officer, QuestionRow, Unit)}


def test_round_trip_and_ids_continue(demo_db: Database, tmp_path: Path) -> None:
    before = _counts(demo_db)
    target = tmp_path / "backup.zip"
    rows = backup(demo_db, target)
    assert rows["officers"] == before["officers"] and rows["questions"] == before["questions"]
    with demo_db.transaction() as s:
        add_unit(s, "TMP", "临时支部", "branch")
    restored = restore(demo_db, target)
    assert restored == rows and _counts(demo_db) == before
    with demo_db.transaction() as s:  # sequences continue after restored ids (PostgreSQL)
        add_unit(s, "NEW", "新支部", "branch")
        add_user(s, badge="990099", name="新人", unit="NEW", password_hash="x")


def test_bad_backup_changes_nothing(demo_db: Database, tmp_path: Path) -> None:
    before = _counts(demo_db)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", '{"studyhall_backup": 1, "revision": "other", "tables": []}')
    with pytest.raises(InvalidInput, match="版本"):
        restore(demo_db, bad)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="junk.zip"):
        restore(demo_db, tmp_path / "junk.zip")
    assert _counts(demo_db) == before
