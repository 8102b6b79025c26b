# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The Alembic history builds exactly the models' schema, and upgrades back up the file first."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import core.models  # noqa: F401
from core.db import alembic_config, backup_before_upgrade, current_revision, head_revision, make_engine, open_database
from core.models.base import Base


def _migrated_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return engine


def test_migrations_match_models_nothing_pending(tmp_path: Path) -> None:
    """Equivalent of `alembic check`: autogenerate finds no differences after running every migration."""
    engine = _migrated_engine(tmp_path)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diffs = compare_metadata(ctx, Base.metadata)
    assert diffs == []
    assert current_revision(engine) == head_revision()


def test_new_database_is_created_and_stamped(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'new.db'}")
    assert current_revision(db.engine) == head_revision()
    assert "officers" in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_backup_before_upgrade_copies_the_file(tmp_path: Path) -> None:
    engine = _migrated_engine(tmp_path)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('probe', '[1, 2]')"))
    copy = backup_before_upgrade(engine, "0000")
    assert copy is not None and copy.name == "migrated.db.bak-0000"
    probe = make_engine(f"sqlite:///{copy}")
    with probe.connect() as conn:
        assert conn.execute(text("SELECT value FROM settings WHERE key='probe'")).scalar() == "[1, 2]"
