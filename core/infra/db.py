# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Opening the database: SQLite (default) or PostgreSQL, migrated to the newest schema.

A new database is created from the models and stamped at Alembic's head; an older
one is backed up among its automatic backups (SQLite; core.admin.autobackup) and upgraded
in place.
Sessions are short-lived: ``with db.transaction() as s:`` per unit of work, on
the thread that uses it (SQLAlchemy's "session per thread" rule).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from base.errors import DatabaseError
from base.i18n import _
from core.infra.clock import Clock, ServerClock, SteadyClock, SystemClock

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
# The newest migration's revision. Opening a database that is already there (every start, every CLI
# command) compares its stored revision with this and does not load alembic and the migration
# scripts (11 MB and ~10 ms); tests/test_migrations.py checks it is alembic's head.
HEAD_REVISION = "0010"

log = logging.getLogger(__name__)


WRITE = "studyhall_write"           # execution option: this transaction will write
BUSY_TIMEOUT_MS = 10_000
CHECKPOINT_LATER = "studyhall_checkpoint_later"   # connection info: its commit left the WAL copy to a helper
AUTOCHECKPOINT_PAGES = 1000         # SQLite's default: a commit leaving a longer WAL copies it into the file


class Checkpointer:
    """Copies a SQLite file's WAL into the file itself on a helper thread, after a large commit.

    A commit is durable once its WAL pages are on disk (``synchronous=FULL``); SQLite then copies
    the WAL into the database file (a checkpoint) in the same call when the WAL is long, and a
    10,000-question import waited for writing its 25 MB twice. A transaction declared ``bulk``
    turns that off for its own commit and asks for the checkpoint here instead: a PASSIVE one on a
    connection of its own, which waits for no reader or writer (SQLite's locks keep it safe beside
    them; what it cannot copy yet, the next commit's checkpoint does). :meth:`wait` lets it finish
    (closing a database waits, so nothing holds the file afterwards).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.again = False    # asked for once more while running

    def request(self) -> None:
        with self.lock:
            if self.thread is not None:
                self.again = True
                return
            self.thread = threading.Thread(target=self._run, name="sqlite-checkpoint")
            self.thread.start()

    def wait(self) -> None:
        thread = self.thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            try:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                finally:
                    conn.close()
            except sqlite3.Error as exc:   # the next commit's own checkpoint copies what this could not
                log.warning("WAL checkpoint of %s failed: %s", self.path, exc)
            with self.lock:
                if not self.again:
                    self.thread = None
                    return
                self.again = False


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()


def _sqlite_connect_setup(engine: Engine) -> None:
    """WAL, foreign keys, durable commits, and SQLAlchemy's recipe for real BEGIN on Python 3.11.

    * A transaction that will write begins ``IMMEDIATE``: it takes the write lock up front, so
      ``busy_timeout`` makes it wait its turn behind another process's writer. A deferred one that
      read first and then wanted to write failed at once with "database is locked", whatever the
      timeout (five processes on one file: 14 of 18 attempts could not start).
    * ``synchronous=FULL``: every commit is on disk before it returns, so a power cut loses no
      committed answer (with NORMAL, WAL mode may roll the last commits back).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    if engine.url.database not in (None, "", ":memory:"):
        checkpointer = _CHECKPOINTERS[engine] = Checkpointer(engine.url.database)

        @event.listens_for(engine, "checkin")
        def _on_checkin(dbapi_conn: Any, record: Any) -> None:
            if record.info.pop(CHECKPOINT_LATER, False) and dbapi_conn is not None:   # a bulk transaction ended
                dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
                checkpointer.request()


def make_engine(url: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL; anything else is a DatabaseError naming the URL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith(("sqlite:", "postgresql+")):
        raise DatabaseError(_("无法打开数据库 {url}：只支持 sqlite:///文件 和 postgresql+psycopg://… 地址", url=url))
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            _sqlite_connect_setup(engine)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ValueError) as exc:
        raise DatabaseError(_("无法打开数据库 {url}：{e}", url=url, e=exc)) from exc


def upgrade_database(url: str) -> tuple[str, str | None]:
    """``db upgrade``: bring the database at ``url`` to the newest schema; (what was done, revision)."""
    engine = make_engine(url)
    try:
        return upgrade(engine), current_revision(engine)
    except SQLAlchemyError as exc:
        raise DatabaseError(_("无法打开数据库 {url}：{e}", url=engine.url.render_as_string(), e=exc)) from exc
    finally:
        engine.dispose()


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revision(revision: object) -> bool:
    """Whether ``revision`` is a schema revision this program knows (False: made by a newer one)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if not isinstance(revision, str):
        return False
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def stored_revision(engine: Engine) -> str | None:
    """The revision in ``alembic_version`` when it holds exactly one (what alembic's migration
    context reads), without importing alembic; None when there is no such table or row."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    return rows[0] if len(rows) == 1 else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass
class Database:
    """One database and the clock its use cases read time from (a ``FakeClock`` in tests)."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]                 # read transactions (SQLite: deferred BEGIN)
    clock: Clock = field(default_factory=SystemClock)
    writers: sessionmaker[Session] | None = None    # write transactions (SQLite: BEGIN IMMEDIATE)

    def __post_init__(self) -> None:
        if self.writers is None:
            self.writers = sessionmaker(self.engine.execution_options(**{WRITE: True}), expire_on_commit=False)

    @property
    def display_url(self) -> str:
        """Where the data lives, as a person may read it (no password)."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        db = self.engine.url.database
        return Path(db) if self.is_sqlite and db and db != ":memory:" else None

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True, bulk: bool = False) -> Iterator[Session]:
        """A session inside one transaction: commits on success, rolls back on any error.

        ``write=False`` declares a transaction that only reads; on SQLite it then waits for no
        one (WAL readers never block), while a writing one queues for the write lock first.
        ``bulk`` declares one that writes a lot (an import): on a SQLite file its commit returns
        once it is durable and a helper thread copies the WAL into the file (:class:`Checkpointer`).
        """
        makers = self.writers if write and self.writers is not None else self.sessions
        try:
            with makers.begin() as session:
                if bulk and self.engine in _CHECKPOINTERS:
                    conn = session.connection()
                    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
                    conn.info[CHECKPOINT_LATER] = True     # undone when the connection goes back to the pool
                yield session
        except OperationalError as exc:
            if is_locked(exc):
                raise DatabaseBusy(_("数据库正被另一台电脑或程序使用，等了 {s} 秒仍未轮到，请稍后再试",
                                     s=BUSY_TIMEOUT_MS // 1000)) from exc
            raise DatabaseError(_("数据库暂时无法写入：{e}", e=exc.orig)) from exc

    def dispose(self) -> None:
        self.settle()
        self.engine.dispose()

    def settle(self) -> None:
        """Wait for the WAL checkpoint a bulk transaction left to a helper thread, if any."""
        checkpointer = _CHECKPOINTERS.get(self.engine)
        if checkpointer is not None:
            checkpointer.wait()

    def remember_time(self, session: Session) -> None:
        """Share the time this process has seen with every other one on the same SQLite file (at most
        once a minute, in a write transaction): a clock set back later, even with the app closed,
        never goes before it. Another process's later time raises this process's clock too."""
        clock = self.clock
        if not isinstance(clock, SteadyClock):
            return
        from core.infra import settings

        stored = settings.get(session, LATEST_TIME_KEY)
        seen = dt.datetime.fromisoformat(stored) if isinstance(stored, str) else None
        if seen is not None:
            clock.raise_floor(seen)
        now = clock.now()
        if seen is None or now - seen >= REMEMBER_EVERY:
            settings.put(session, LATEST_TIME_KEY, now.isoformat())


class DatabaseBusy(DatabaseError):
    """Another process held the SQLite write lock for longer than the busy timeout."""


def is_locked(exc: BaseException) -> bool:
    return "database is locked" in str(getattr(exc, "orig", exc)).lower()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open (and create or upgrade) the database at ``url``."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(_("无法打开数据库 {url}：{e}", url=engine.url.render_as_string(), e=exc)) from exc
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False), _database_clock(engine))


LATEST_TIME_KEY = "clock.latest_seen"     # settings: the latest time any process saw (SQLite)
REMEMBER_EVERY = dt.timedelta(seconds=60)


def _database_clock(engine: Engine) -> Clock:
    """The server's clock on PostgreSQL; on SQLite the PC's, never before the latest time seen."""
    if engine.dialect.name != "sqlite":
        def server_now() -> dt.datetime:
            with engine.connect() as conn:
                value = conn.exec_driver_sql("SELECT clock_timestamp()").scalar_one()
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

        return ServerClock(server_now)
    return SteadyClock(_stored_floor(engine))


def _stored_floor(engine: Engine) -> dt.datetime | None:
    from core.models import Setting

    try:
        with engine.connect() as conn:
            value = conn.execute(select(Setting.value).where(Setting.key == LATEST_TIME_KEY)).scalar()
    except SQLAlchemyError:
        return None
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def upgrade(engine: Engine) -> str:
    """Bring the schema to head; returns what was done ("created", "upgraded", "current")."""
    if stored_revision(engine) == HEAD_REVISION:
        return "current"
    from alembic import command

    import core.models  # noqa: F401  (registers every table)
    from core.models.base import Base

    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return "current"
    if current is None and not inspect(engine).get_table_names():
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            command.stamp(alembic_config(conn), "head")
        return "created"
    backup_before_upgrade(engine, current or "none")
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
            ensure_report_triggers(conn)
        return "upgraded"
    # SQLite's batch mode rebuilds a table (copy, drop, rename): with foreign keys enforced, dropping
    # a table others refer to fails. They are off during the migration (the pragma only takes effect
    # outside a transaction), and every reference is checked before the migration commits.
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection      # sqlite3 in autocommit mode: the pragma applies now
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), "head")
                ensure_report_triggers(conn)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseError(_("升级后数据库中有 {n} 处引用失效，已放弃升级", n=len(broken)))
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    return "upgraded"


def ensure_report_triggers(conn: Connection) -> None:
    """A migration that rebuilt a table (SQLite's batch mode) dropped its triggers: put back the ones
    marking report rows stale and recompute the report rollup, which missed what they would have marked."""
    from core.models.reports import install_triggers
    from core.reports.rollup import rebuild  # core.reports builds on this module

    if install_triggers(conn):
        rebuild(Session(bind=conn))


def backup_before_upgrade(engine: Engine, revision: str) -> Path | None:
    """Back a SQLite file up among its automatic backups before changing its schema (PostgreSQL:
    the DBA's backups); the backup's path. ``revision`` is the schema being replaced."""
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    src = Path(engine.url.database)
    if not src.exists():
        return None
    from core.admin import autobackup  # core.admin builds on this module

    made = autobackup.backup_file(src, autobackup.folder_for_file(src), autobackup.Reason.UPGRADE,
                                  dt.datetime.now(dt.UTC))
    assert made is not None
    log.info("schema %s backed up before the upgrade to %s", revision, made.path)
    return made.path
