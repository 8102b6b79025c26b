# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The Alembic history builds exactly the models' schema, and upgrades back up the file first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import core.models  # noqa: F401
from core.infra.db import (
    HEAD_REVISION,
    alembic_config,
    backup_before_upgrade,
    current_revision,
    head_revision,
    make_engine,
    open_database,
    stored_revision,
)
from core.models.base import Base

ROOT = Path(__file__).resolve().parents[1]


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
        # FULL (2): a commit is on disk before it returns; NORMAL (1) in WAL mode may lose the last
        # commits on a power cut, which the README promises never happens.
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_backup_before_upgrade_is_an_automatic_backup_holding_the_data(tmp_path: Path) -> None:
    from core.admin import autobackup

    engine = _migrated_engine(tmp_path)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('probe', '[1, 2]')"))
    path = backup_before_upgrade(engine, "0000")
    assert path is not None
    (made,) = autobackup.list_backups(autobackup.folder_for_file(Path(engine.url.database or "")))
    assert made.path == path and made.reason == autobackup.Reason.UPGRADE and made.problem is None
    with autobackup.extracted(made) as snapshot:
        probe = make_engine(f"sqlite:///{snapshot}")
        with probe.connect() as conn:
            assert conn.execute(text("SELECT value FROM settings WHERE key='probe'")).scalar() == "[1, 2]"
        probe.dispose()


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


def test_upgrade_settles_attempt_races_before_the_new_constraints(tmp_path: Path) -> None:
    """An old race left two attempts numbered 1 and two open attempts of one officer at one quiz:
    0003 renumbers them in start order and voids the newer open one, so its constraints can be built."""
    path = tmp_path / "races.db"
    engine = make_engine(f"sqlite:///{path}")
    when = "2026-11-0{d} 01:00:00.000000"
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        conn.execute(text("INSERT INTO units (id, code, name, kind, sort_order, active) VALUES (1, 'U', '单位', 'branch', 0, 1)"))
        conn.execute(text("INSERT INTO officers (id, badge, name, unit_id, category, party_member, title, gender, phone, "
                          "role, password_hash, must_change_password, active, created_at) VALUES "
                          "(1, '1', '甲', 1, 'police', 0, '', '', '', 'officer', 'x', 0, 1, :t)"), {"t": when.format(d=1)})
        conn.execute(text("INSERT INTO quizzes (id, uid, title, mode, description, counting, shuffle_questions, "
                          "shuffle_options, multi_scoring, fill_ordered, review, review_after_close, audience, published, "
                          "created_at) VALUES (1, '00000000000000000000000000000001', '考试', 'exam', '', 'highest', 0, 0, "
                          "'all_or_nothing', 1, 'score', 0, '{}', 1, :t)"), {"t": when.format(d=1)})
        for k, (number, status) in enumerate([(1, "submitted"), (1, "in_progress"), (2, "in_progress")], start=1):
            conn.execute(text("INSERT INTO attempts (id, quiz_id, officer_id, unit_id, number, started_at, status, "
                              "auto_submitted, max_score) VALUES (:id, 1, 1, 1, :n, :t, :s, 0, 10)"),
                         {"id": f"{k:032x}", "n": number, "t": when.format(d=k + 1), "s": status})
    engine.dispose()
    db = open_database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT number, status FROM attempts ORDER BY started_at")).all()
        assert [tuple(r) for r in rows] == [(1, "submitted"), (2, "in_progress"), (3, "void")]
    finally:
        db.dispose()


def test_head_revision_constant_is_alembics_head() -> None:
    """HEAD_REVISION is what opening a current database compares with: a new migration updates it."""
    assert head_revision() == HEAD_REVISION, "set core.infra.db.HEAD_REVISION to the newest migration's revision"


def test_opening_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.db'}"
    open_database(url).engine.dispose()
    assert stored_revision(make_engine(url)) == HEAD_REVISION
    script = ("import sys; from core.infra.db import open_database; "
              f"db = open_database({url!r}); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_stored_revision_of_an_empty_or_unstamped_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert stored_revision(engine) is None
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    assert stored_revision(engine) is None
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version VALUES ('0009')"))
    assert stored_revision(engine) == "0009"
