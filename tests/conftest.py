# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Shared fixtures: real database files (built once, copied per test) on SQLite and PostgreSQL.

``db`` and ``demo_db`` run each test on SQLite, and again on PostgreSQL when
``STUDYHALL_TEST_PG`` names a server (``postgresql+psycopg://user@host:port/postgres``);
each PostgreSQL test gets its own database cloned from a template.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_URL = os.environ.get("STUDYHALL_TEST_PG", "")

from base.i18n import set_language  # noqa: E402
from core.access.actor import Actor  # noqa: E402
from core.infra.clock import FakeClock  # noqa: E402
from core.infra.db import Database, open_database  # noqa: E402

ADMIN_BADGE, ADMIN_PASSWORD = "000009", "admin-pass-9"   # the first administrator of an empty test database
DEMO_ADMIN, DEMO_SECRETARY, DEMO_OFFICER = "000001", "100001", "200001"


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("STUDYHALL_HOME")
    os.environ["STUDYHALL_HOME"] = str(home)
    yield
    if old is None:
        os.environ.pop("STUDYHALL_HOME", None)
    else:
        os.environ["STUDYHALL_HOME"] = old


@pytest.fixture(autouse=True)
def _chinese_ui() -> Iterator[None]:
    set_language("zh_CN")
    yield
    set_language("zh_CN")


@pytest.fixture(autouse=True)
def _stop_gui_workers() -> Iterator[None]:
    """No background worker outlives its test (it could touch a database file already removed).

    Once a GUI test has run, garbage is collected on the GUI thread only (``MainThreadCollector``);
    its timer fires only while a test spins the event loop, so each test ends with one check.
    """
    yield
    tasks = sys.modules.get("gui.tasks")
    if tasks is not None:
        tasks.TaskManager.shutdown_all()
        collector = tasks.MainThreadCollector.installed()
        if collector is not None:
            collector.collect()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def actor_of(db: Database, badge: str) -> Actor:
    """The acting user for an account of ``db`` (e.g. a demo account)."""
    from core.people.users import get_user

    with db.transaction() as s:
        return get_user(s, badge).actor


@pytest.fixture
def admin(db: Database, monkeypatch: pytest.MonkeyPatch) -> Actor:
    """The first administrator of the empty ``db`` (unit “测试分局”); the CLI logs in as them with
    ``--user ADMIN_BADGE`` (the password comes from STUDYHALL_PASSWORD)."""
    from core.access.actor import ANONYMOUS
    from core.people import usecases as people

    user = people.create_first_admin(db, ANONYMOUS, badge=ADMIN_BADGE, name="测试管理员", unit="测试分局",
                                     password=ADMIN_PASSWORD)
    monkeypatch.setenv("STUDYHALL_PASSWORD", ADMIN_PASSWORD)
    return user.actor


@pytest.fixture
def demo_login(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[str]]:
    """CLI options to act as a demo account: ``[*demo_login("000001"), ...]``."""
    from core.demo import DEMO_PASSWORD

    monkeypatch.setenv("STUDYHALL_PASSWORD", DEMO_PASSWORD)
    return lambda badge: ["--user", badge]


def shared_data(*parts: str) -> Path:
    """A file in ../shared/data, or skip the test when that folder is absent (a user's clone)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


# --- SQLite: build once, copy per test ---------------------------------------------------

@pytest.fixture(scope="session")
def _sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from core import demo

    folder = tmp_path_factory.mktemp("db-templates")
    empty = folder / "empty.db"
    open_database(f"sqlite:///{empty}").dispose()
    demo_path = folder / "demo.db"
    db = open_database(f"sqlite:///{demo_path}")
    demo.seed(db, clock=FakeClock())
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return {"empty": empty, "demo": demo_path}


def _sqlite_copy(template: Path, tmp_path: Path) -> Database:
    target = tmp_path / "studyhall.db"
    shutil.copyfile(template, target)
    return open_database(f"sqlite:///{target}")


# --- PostgreSQL: template databases, one clone per test ------------------------------------

def _pg_admin_url(dbname: str) -> str:
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def _pg_templates() -> dict[str, str]:
    if not PG_URL:
        return {}
    from sqlalchemy import create_engine

    from core import demo

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    names = {"empty": f"sh_tpl_empty_{os.getpid()}", "demo": f"sh_tpl_demo_{os.getpid()}"}
    with admin.connect() as conn:
        for name in names.values():
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    open_database(_pg_admin_url(names["empty"])).dispose()
    db = open_database(_pg_admin_url(names["demo"]))
    demo.seed(db, clock=FakeClock())
    db.dispose()
    admin.dispose()
    return names


def _pg_clone(template: str) -> tuple[Database, str]:
    from sqlalchemy import create_engine

    name = f"sh_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.dispose()
    return open_database(_pg_admin_url(name)), name


def _pg_drop(name: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.skipif(not PG_URL, reason="STUDYHALL_TEST_PG not set"))]


def _database(kind: str, backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A copy of a template; after the test, the report rollup is checked against what the test wrote."""
    from tests.rollup_check import assert_rollup_current

    if backend == "sqlite":
        db = _sqlite_copy(request.getfixturevalue("_sqlite_templates")[kind], tmp_path)
        yield db
        if not request.node.get_closest_marker("no_rollup_check"):
            assert_rollup_current(db)
        db.dispose()
    else:
        db, name = _pg_clone(request.getfixturevalue("_pg_templates")[kind])
        try:
            yield db
            if not request.node.get_closest_marker("no_rollup_check"):
                assert_rollup_current(db)
        finally:
            db.dispose()
            _pg_drop(name)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database (SQLite, and PostgreSQL when configured)."""
    yield from _database("empty", request.param, request, tmp_path)


@pytest.fixture(params=BACKENDS)
def demo_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database holding the demo content (SQLite, and PostgreSQL when configured)."""
    yield from _database("demo", request.param, request, tmp_path)


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database on SQLite only (for tests about files, processes or speed-independent GUI)."""
    yield from _database("empty", "sqlite", request, tmp_path)


@pytest.fixture
def sqlite_demo_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from _database("demo", "sqlite", request, tmp_path)
