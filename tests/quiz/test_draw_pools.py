# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Draw pools (core/quiz/pools.py) never serve ids the database no longer has, whoever changed it.

A second ``Database`` on the same URL stands for another process or PC: it has its own engine,
so nothing it does reaches the first one's memory; only the database's stamp can tell.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from base.errors import InvalidInput
from core.bank.importing import import_result
from core.bank.questions import delete_question, edit_question, set_active, to_question
from core.infra.clock import utcnow
from core.infra.db import Database, make_engine, open_database
from core.models import Bank, QuestionRow
from core.quiz.compose import draw_section
from quizbank.model import ImportResult, QType, Question


def _singles(n: int, start: int = 0) -> ImportResult:
    return ImportResult([Question(QType.SINGLE, f"第{i}题：下列说法正确的是？", ["甲", "乙", "丙"], ["A"])
                         for i in range(start, start + n)])


def _draw(db: Database, count: int, bank_id: int) -> set[int]:
    with db.transaction() as s:
        return set(draw_section(s, "single", count, {"bank_ids": [bank_id]}))


def _bank(db: Database) -> tuple[int, list[int]]:
    with db.transaction() as s:
        bank_id = s.scalar(select(Bank.id).where(Bank.name == "甲库"))
        ids = list(s.scalars(select(QuestionRow.id).where(QuestionRow.bank_id == bank_id, QuestionRow.is_current)
                             .order_by(QuestionRow.id)))
    assert bank_id is not None
    return bank_id, ids


def test_a_draw_sees_questions_added_edited_retired_and_deleted_by_another_process(db: Database) -> None:
    import_result(db, _singles(5), bank="甲库")
    bank_id, ids = _bank(db)
    assert _draw(db, 5, bank_id) == set(ids)                  # the pool is loaded and kept
    with pytest.raises(InvalidInput):
        _draw(db, 6, bank_id)

    other = open_database(db.url)
    try:
        import_result(other, _singles(1, start=5), bank="甲库")          # added elsewhere
        _bank_id, now = _bank(other)
        added = (set(now) - set(ids)).pop()
        assert _draw(db, 6, bank_id) == set(now)

        with other.transaction() as s:                                   # retired elsewhere
            set_active(s, [added], False)
        assert _draw(db, 5, bank_id) == set(ids)
        with pytest.raises(InvalidInput):
            _draw(db, 6, bank_id)

        with other.transaction() as s:                                   # edited elsewhere: a new version
            old = s.get(QuestionRow, ids[0])
            assert old is not None
            edited = to_question(old)
            edited.stem = "改过的题干：下列说法正确的是？"
            new_id = edit_question(s, ids[0], edited).id
        drawn = _draw(db, 5, bank_id)
        assert new_id in drawn and ids[0] not in drawn

        with other.transaction() as s:                                   # deleted elsewhere
            delete_question(s, ids[1])
        with pytest.raises(InvalidInput):
            _draw(db, 5, bank_id)
        assert ids[1] not in _draw(db, 4, bank_id)
    finally:
        other.dispose()


def test_a_rolled_back_question_leaves_no_trace_even_when_its_id_is_given_again(db: Database) -> None:
    import_result(db, _singles(5), bank="甲库")
    bank_id, ids = _bank(db)
    row = {"bank_id": bank_id, "qtype": "single", "stem": "撤销的题", "options": ["甲", "乙"], "answer": ["A"],
           "content_hash": "0" * 40, "created_at": utcnow()}
    with pytest.raises(RuntimeError), db.transaction() as s:
        s.execute(insert(QuestionRow).values(lineage=uuid.uuid4(), **row))
        assert len(draw_section(s, "single", 6, {"bank_ids": [bank_id]})) == 6     # seen inside its transaction
        raise RuntimeError("roll back")
    with db.transaction() as s:                # SQLite gives the same id again, to a judge question
        s.execute(insert(QuestionRow).values(lineage=uuid.uuid4(), **{**row, "qtype": "judge", "options": []}))
    assert _draw(db, 5, bank_id) == set(ids)
    with pytest.raises(InvalidInput):
        _draw(db, 6, bank_id)


def _trigger_names(engine_url: str) -> set[str]:
    """The draw-pool triggers of a database (other capabilities keep triggers of their own)."""
    engine = make_engine(engine_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            else:
                sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            return {name for (name,) in conn.execute(text(sql)) if name.startswith("questions_draw")}
    finally:
        engine.dispose()


def test_a_migrated_database_has_the_same_draw_triggers_as_a_new_one(tmp_path: Path) -> None:
    """A later batch migration of ``questions`` on SQLite rebuilds the table and drops its triggers:
    this fails until that migration creates them again."""
    from alembic import command

    from core.infra.db import alembic_config

    created = open_database(f"sqlite:///{tmp_path / 'new.db'}")
    created.dispose()
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with migrated.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    migrated.dispose()
    names = _trigger_names(f"sqlite:///{tmp_path / 'new.db'}")
    assert names == {"questions_draw_update", "questions_draw_delete"}
    assert _trigger_names(f"sqlite:///{tmp_path / 'migrated.db'}") == names


def test_postgresql_database_has_its_statement_triggers(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's triggers")
    assert _trigger_names(db.url) == {"questions_draw_insert", "questions_draw_update", "questions_draw_delete"}


def test_postgresql_migrated_database_has_the_same_triggers() -> None:
    from tests.conftest import PG_URL, _pg_admin_url, _pg_drop

    if not PG_URL:
        pytest.skip("STUDYHALL_TEST_PG not set")
    from alembic import command
    from sqlalchemy import create_engine

    from core.infra.db import alembic_config

    name = f"sh_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    try:
        engine = make_engine(_pg_admin_url(name))
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        engine.dispose()
        assert _trigger_names(_pg_admin_url(name)) == {"questions_draw_insert", "questions_draw_update",
                                                       "questions_draw_delete"}
    finally:
        _pg_drop(name)
