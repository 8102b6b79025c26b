# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The report rollup: what each officer did in each unit and China calendar month, and which
(officer, month) pairs changed since it was last brought up to date.

``report_months`` is derived data: the branch comparison reads it instead of scanning a quarter of
attempts, study sessions and ledger entries. It is never written by the services: database
triggers on ``attempts``, ``study_sessions``, ``ledger_entries`` (and a quiz's ``mode``) mark the
(officer, month) of every row written, changed or deleted in ``report_stale``, whoever wrote it
(ORM, Core bulk inserts, the exchange merge, a restore, raw SQL), in the writer's own transaction.
``core.reports.rollup`` recomputes marked pairs from the base tables, and until it has, reports read
those pairs from the base tables; see docs/ARCHITECTURE.md (Reports).

A marker's ``seq`` grows with every write (an upsert), so bringing a pair up to date removes the
marker only if no writer touched the pair after it was read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Date, Float, Index, Integer, event, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import FunctionElement

from core.models.base import Base


class ReportMonth(Base):
    """One officer's results in one unit and one calendar month (China days)."""

    __tablename__ = "report_months"
    __table_args__ = (
        Index("ix_report_months_officer_month", "officer_id", "month"),
        {"sqlite_with_rowid": False},          # rows stored in key order: a period is one range scan
    )

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)        # the month's first day
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)       # the unit the rows carry
    officer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)             # submitted, scored, not practice
    score_sum: Mapped[float] = mapped_column(Float, default=0.0)          # sum of their percents
    passed: Mapped[int] = mapped_column(Integer, default=0)               # how many of them passed
    study_seconds: Mapped[int] = mapped_column(Integer, default=0)
    study_days: Mapped[int] = mapped_column(Integer, default=0)           # days with study time
    points: Mapped[float] = mapped_column(Float, default=0.0)


class ReportStale(Base):
    """An (officer, month) written since the rollup last recomputed it."""

    __tablename__ = "report_stale"

    officer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)


# --- the China month of a timestamp or a day, in SQL ---------------------------------------------

class local_month(FunctionElement[dt.date]):  # noqa: N801  (used like a SQL function)
    """The first day of the China calendar month of ``column`` (a naive-UTC timestamp, or a date
    when ``is_day``), as a date the ``month`` columns compare equal to."""

    type = Date()
    inherit_cache = True

    def __init__(self, column: Any, *, is_day: bool = False) -> None:
        super().__init__(column)
        self.is_day = is_day


def _month_sql(value: str, is_day: bool, dialect: str) -> str:
    if dialect == "postgresql":
        shifted = value if is_day else f"({value} + interval '8 hours')"
        return f"CAST(date_trunc('month', {shifted}) AS date)"
    return f"date({value}, 'start of month')" if is_day else f"date({value}, '+8 hours', 'start of month')"


@compiles(local_month)
def _compile_month(element: local_month, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return _month_sql(compiler.process(column, **kw), element.is_day, compiler.dialect.name)


# --- the triggers that mark what changed ---------------------------------------------------------

# table -> (the column a row's month comes from, is it a date, the columns whose change matters,
#           the condition for a row to count at all)
WATCHED: dict[str, tuple[str, bool, tuple[str, ...], str]] = {
    "attempts": ("submitted_at", False, ("officer_id", "unit_id", "quiz_id", "submitted_at", "percent", "passed"),
                 "{r}.submitted_at IS NOT NULL"),
    "study_sessions": ("day", True, ("officer_id", "unit_id", "day", "active_seconds"), "{r}.active_seconds > 0"),
    "ledger_entries": ("day", True, ("officer_id", "unit_id", "day", "amount"), "1 = 1"),
}
TRIGGER_PREFIX = "report_mark_"
_UPSERT = ("INSERT INTO report_stale (officer_id, month, seq) {source} "
           "ON CONFLICT (officer_id, month) DO UPDATE SET seq = report_stale.seq + 1")


def _mark_values(row: str, table: str, dialect: str) -> str:
    column, is_day, _cols, _when = WATCHED[table]
    return f"VALUES ({row}.officer_id, {_month_sql(f'{row}.{column}', is_day, dialect)}, 1)"


def _quiz_mode_source(dialect: str) -> str:
    """Every month of a quiz's submitted attempts: a quiz turned into practice (or back) counts differently."""
    month = _month_sql("submitted_at", False, dialect)
    return (f"SELECT DISTINCT officer_id, {month}, 1 FROM attempts "
            "WHERE quiz_id = NEW.id AND submitted_at IS NOT NULL")


def trigger_ddl(dialect: str) -> list[str]:
    """The statements that (re)create the marking triggers on ``dialect`` (idempotent)."""
    out: list[str] = []
    if dialect == "postgresql":
        for table, (_column, _is_day, cols, when) in WATCHED.items():
            name = TRIGGER_PREFIX + table
            body = (f"IF TG_OP <> 'INSERT' AND {when.format(r='OLD')} THEN "
                    f"{_UPSERT.format(source=_mark_values('OLD', table, dialect))}; END IF; "
                    f"IF TG_OP <> 'DELETE' AND {when.format(r='NEW')} THEN "
                    f"{_UPSERT.format(source=_mark_values('NEW', table, dialect))}; END IF; RETURN NULL;")
            out += [f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$",
                    f"DROP TRIGGER IF EXISTS {name} ON {table}",
                    f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {', '.join(cols)} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"]
        name = TRIGGER_PREFIX + "quizzes"
        out += [f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{_UPSERT.format(source=_quiz_mode_source(dialect))}; RETURN NULL; END $$",
                f"DROP TRIGGER IF EXISTS {name} ON quizzes",
                f"CREATE TRIGGER {name} AFTER UPDATE OF mode ON quizzes FOR EACH ROW "
                f"WHEN (OLD.mode IS DISTINCT FROM NEW.mode) EXECUTE FUNCTION {name}()"]
        return out
    for table, (_column, _is_day, cols, when) in WATCHED.items():
        name = TRIGGER_PREFIX + table
        new, old = _UPSERT.format(source=_mark_values("NEW", table, dialect)), \
            _UPSERT.format(source=_mark_values("OLD", table, dialect))
        out += [f"CREATE TRIGGER IF NOT EXISTS {name}_ins AFTER INSERT ON {table} "
                f"WHEN {when.format(r='NEW')} BEGIN {new}; END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_del AFTER DELETE ON {table} "
                f"WHEN {when.format(r='OLD')} BEGIN {old}; END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_upd_old AFTER UPDATE OF {', '.join(cols)} ON {table} "
                f"WHEN {when.format(r='OLD')} BEGIN {old}; END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_upd_new AFTER UPDATE OF {', '.join(cols)} ON {table} "
                f"WHEN {when.format(r='NEW')} BEGIN {new}; END"]
    # "WHERE true": SQLite needs it to read ON CONFLICT after an INSERT … SELECT.
    source = _quiz_mode_source(dialect) + " AND 1"
    out.append(f"CREATE TRIGGER IF NOT EXISTS {TRIGGER_PREFIX}quizzes AFTER UPDATE OF mode ON quizzes "
               f"WHEN OLD.mode IS NOT NEW.mode BEGIN {_UPSERT.format(source=source)}; END")
    return out


def expected_triggers(dialect: str) -> set[str]:
    if dialect == "postgresql":
        return {TRIGGER_PREFIX + t for t in (*WATCHED, "quizzes")}
    return ({TRIGGER_PREFIX + t + s for t in WATCHED for s in ("_ins", "_del", "_upd_old", "_upd_new")}
            | {TRIGGER_PREFIX + "quizzes"})


def installed_triggers(conn: Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE :p"),
                            {"p": TRIGGER_PREFIX + "%"})
    else:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :p"),
                            {"p": TRIGGER_PREFIX + "%"})
    return {r[0] for r in rows}


def install_triggers(conn: Connection) -> bool:
    """Create the marking triggers that are missing; True when any was (a table rebuilt by a batch
    migration loses its triggers: the caller then recomputes the whole rollup)."""
    if installed_triggers(conn) >= expected_triggers(conn.dialect.name):
        return False
    for statement in trigger_ddl(conn.dialect.name):
        conn.exec_driver_sql(statement)
    return True


@event.listens_for(Base.metadata, "after_create")
def _after_create(target: Any, connection: Connection, **kw: Any) -> None:
    """A database created from the models gets the triggers too (migrations install them themselves)."""
    if {"report_stale", "attempts", "study_sessions", "ledger_entries", "quizzes"} <= set(target.tables):
        install_triggers(connection)
