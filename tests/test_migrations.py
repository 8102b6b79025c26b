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
from core.infra.db import alembic_config, backup_before_upgrade, current_revision, head_revision, make_engine, open_database
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


def _first_release_hash(qtype: str, stem: str, options: list[str]) -> str:
    """The content hash the first schema's code stored (JSON of NFKC-normalised parts)."""
    import hashlib
    import json
    import re
    import unicodedata

    def norm(t: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", t)).strip().casefold()

    payload = json.dumps([qtype, norm(stem), [norm(o) for o in options]], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def test_upgrade_recomputes_content_hashes_so_old_questions_are_still_duplicates(tmp_path: Path) -> None:
    from core.bank.importing import import_result
    from quizbank.model import ImportResult, QType, Question

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO banks (id, name, description, created_at) "
                          "VALUES (1, '党建', '', '2026-01-01 00:00:00.000000')"))
        old = _first_release_hash("single", "人民警察，应当依法？", ["Ａ项", "乙"])
        conn.execute(text(
            "INSERT INTO questions (lineage, version, is_current, active, bank_id, qtype, stem, options, answer, "
            "blanks, explanation, category, tags, difficulty, score, media, content_hash, created_at) VALUES "
            "('0123456789abcdef0123456789abcdef', 1, 1, 1, 1, 'single', '人民警察，应当依法？', "
            "'[\"Ａ项\", \"乙\"]', '[\"A\"]', '[]', '', '', '[]', 2, NULL, '[]', :h, '2026-01-01 00:00:00.000000')"),
            {"h": old})
    engine.dispose()
    question = Question(QType.SINGLE, "人民警察，应当依法？", ["Ａ项", "乙"], ["A"])
    assert old != question.content_hash()

    db = open_database(f"sqlite:///{path}")   # backs the file up and upgrades it
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT content_hash FROM questions")).scalar() == question.content_hash()
        report = import_result(db, ImportResult([question]), bank="党建")
        assert (report.imported, report.duplicates) == (0, 1)
    finally:
        db.dispose()
