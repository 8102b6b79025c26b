# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Alembic environment: runs on the connection StudyHall hands over (batch mode for SQLite)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import core.models  # noqa: F401
from core.models.base import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from core.infra.db import make_engine
        from core.infra.paths import default_db_url

        engine = make_engine(config.get_main_option("sqlalchemy.url") or default_db_url())
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
