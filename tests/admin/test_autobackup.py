# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Automatic backups of a SQLite database: when they are made, which are kept, and restoring one
(checked whole first, the current data backed up before), from core, the CLI and as each role."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput, NotFound, PermissionDenied
from core.admin import autobackup
from core.admin.retention import Limits, backups_to_keep
from core.admin.usecases import auto_backup, backup_now, list_auto_backups, restore_auto_backup
from core.infra.clock import LOCAL_TZ, FakeClock
from core.infra.db import Database
from core.models import AuditEntry, Unit
from core.people.org import add_unit
from main import main
from tests.conftest import DEMO_ADMIN, actor_of

OFFICER = "200001"
SECRETARY = "100001"


def _units(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(Unit)) or 0


def _denials(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "access.denied")) or 0


def _add_unit(db: Database, code: str) -> None:
    with db.transaction() as s:
        add_unit(s, code, f"临时支部{code}", "branch")


@pytest.fixture
def home_db(sqlite_demo_db: Database) -> Database:
    """The demo database with a clock the test moves, and an empty backups folder."""
    sqlite_demo_db.clock = FakeClock(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC))
    assert autobackup.list_backups(autobackup.folder_for(sqlite_demo_db)) == []
    return sqlite_demo_db


# --- retention -----------------------------------------------------------------------------------

def _kept(times: list[dt.datetime], limits: Limits = Limits()) -> list[dt.datetime]:  # noqa: B008
    return sorted((times[i] for i in backups_to_keep(times, limits)), reverse=True)


def test_retention_keeps_the_last_ten_then_one_a_day_a_week_and_a_month() -> None:
    start = dt.datetime(2025, 1, 1, 2, 0, tzinfo=dt.UTC)
    # Every 6 hours for two years: 2,920 backups.
    times = [start + dt.timedelta(hours=6 * i) for i in range(4 * 730)]
    kept = _kept(times)
    assert len(kept) == 10 + 7 + 4 + 12
    assert kept[:10] == sorted(times, reverse=True)[:10]
    days = [t.astimezone(LOCAL_TZ).date() for t in kept]
    daily = days[10:17]
    assert len(set(daily)) == 7 and all(d < days[9] for d in daily)
    weekly = days[17:21]
    assert len({d.isocalendar()[:2] for d in weekly}) == 4
    monthly = days[21:]
    assert len({(d.year, d.month) for d in monthly}) == 12
    assert all(a > b for a, b in zip(kept, kept[1:], strict=False))


def test_retention_of_few_backups_keeps_them_all() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    times = [start + dt.timedelta(days=i) for i in range(12)]
    assert _kept(times) == sorted(times, reverse=True)
    assert backups_to_keep([]) == set()


# --- when ----------------------------------------------------------------------------------------

def test_start_backup_once_a_day_and_only_when_the_data_changed(home_db: Database) -> None:
    clock = home_db.clock
    assert isinstance(clock, FakeClock)
    admin = actor_of(home_db, DEMO_ADMIN)
    first = auto_backup(home_db, admin, autobackup.Reason.START)
    assert first is not None and first.reason == "start" and first.problem is None
    assert first.counts["officers"] > 0 and first.revision is not None
    clock.advance(3600)
    assert auto_backup(home_db, admin, autobackup.Reason.START) is None          # the same day
    clock.advance(24 * 3600)
    assert auto_backup(home_db, admin, autobackup.Reason.START) is None          # unchanged data
    _add_unit(home_db, "A1")
    second = auto_backup(home_db, admin, autobackup.Reason.START)
    assert second is not None and second.name != first.name
    names = [b.name for b in autobackup.list_backups(autobackup.folder_for(home_db))]
    assert names == [second.name, first.name]


def test_periodic_backup_every_half_hour_of_use_when_the_data_changed(home_db: Database) -> None:
    clock = home_db.clock
    assert isinstance(clock, FakeClock)
    officer = actor_of(home_db, OFFICER)           # it runs as whoever is logged in
    assert auto_backup(home_db, officer, autobackup.Reason.PERIODIC) is not None
    _add_unit(home_db, "B1")
    clock.advance(10 * 60)
    assert auto_backup(home_db, officer, autobackup.Reason.PERIODIC) is None     # too soon
    clock.advance(20 * 60)
    made = auto_backup(home_db, officer, autobackup.Reason.PERIODIC)
    assert made is not None and made.reason == "periodic"
    clock.advance(30 * 60)
    assert auto_backup(home_db, officer, autobackup.Reason.PERIODIC) is None     # nothing changed
    with pytest.raises(InvalidInput):
        auto_backup(home_db, officer, "restore")    # the other reasons are not the schedule's


def test_a_clock_set_back_does_not_stop_the_backups(home_db: Database) -> None:
    clock = home_db.clock
    assert isinstance(clock, FakeClock)
    admin = actor_of(home_db, DEMO_ADMIN)
    assert auto_backup(home_db, admin, autobackup.Reason.START) is not None
    _add_unit(home_db, "C1")
    clock.set_wall(clock.now() - dt.timedelta(days=3))
    assert auto_backup(home_db, admin, autobackup.Reason.START) is not None


def test_a_large_bank_import_is_backed_up_first(home_db: Database, tmp_path: Path) -> None:
    from core.bank.usecases import import_files

    rows = ["题干,A,B,C,D,答案"] + [f"第{i}题：公安机关人民警察在执勤执法中应当遵守的规定是什么,甲{i},乙,丙,丁,A"
                                    for i in range(1200)]
    source = tmp_path / "big.csv"
    source.write_text("\n".join(rows), encoding="utf-8")
    admin = actor_of(home_db, DEMO_ADMIN)
    import_files(home_db, admin, [source], bank="大题库")
    (made,) = autobackup.list_backups(autobackup.folder_for(home_db))
    assert made.reason == "import"
    # The backup was taken before: it does not hold the new bank's questions.
    with home_db.transaction() as s:
        from core.models import QuestionRow
        now = s.scalar(select(func.count()).select_from(QuestionRow).where(QuestionRow.is_current)) or 0
    assert made.counts["questions"] == now - 1200


def _big_csv(tmp_path: Path, n: int = 1200) -> Path:
    rows = ["题干,A,B,C,D,答案"] + [f"第{i}题：执勤执法中应当遵守的规定是什么,甲{i},乙,丙,丁,A" for i in range(n)]
    source = tmp_path / "big.csv"
    source.write_text("\n".join(rows), encoding="utf-8")
    return source


def _question_count(db: Database) -> int:
    from core.models import QuestionRow

    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(QuestionRow).where(QuestionRow.is_current)) or 0


def test_the_import_waits_for_a_slow_backup_written_beside_it(home_db: Database, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The backup runs while the file is read; the import commits only once the backup is written, so
    the backup never holds the new questions, however slow it is."""
    import threading
    import time

    from core.bank.usecases import import_files

    real = autobackup.snapshot_file
    threads: list[str] = []

    def slow_snapshot(source: Path, target: Path) -> None:
        threads.append(threading.current_thread().name)
        time.sleep(0.5)       # far longer than reading and checking 1,200 rows
        real(source, target)

    monkeypatch.setattr(autobackup, "snapshot_file", slow_snapshot)
    before = _question_count(home_db)
    import_files(home_db, actor_of(home_db, DEMO_ADMIN), [_big_csv(tmp_path)], bank="大题库")
    assert threads == ["autobackup_0"]        # not on the importing thread
    (made,) = autobackup.list_backups(autobackup.folder_for(home_db))
    assert made.counts["questions"] == before
    assert _question_count(home_db) == before + 1200


def test_a_failed_backup_stops_the_import(home_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.bank.usecases import import_files

    def broken(source: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autobackup, "snapshot_file", broken)
    before = _question_count(home_db)
    with pytest.raises(OSError, match="No space"):
        import_files(home_db, actor_of(home_db, DEMO_ADMIN), [_big_csv(tmp_path)], bank="大题库")
    assert _question_count(home_db) == before
    assert autobackup.list_backups(autobackup.folder_for(home_db)) == []


def test_outside_wal_mode_the_import_is_backed_up_before_it_starts(home_db: Database, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader beside the import's writer would wait for it in rollback-journal mode: there the
    backup is written first, in the importing thread, before any question is."""
    import threading

    from core.bank import usecases
    from core.bank.writer import QuestionWriter

    order: list[str] = []
    write, backup = QuestionWriter.write, autobackup.before_risky

    def noted_write(self: QuestionWriter, *args: object, **kwargs: object) -> None:
        order.append("write")
        write(self, *args, **kwargs)  # type: ignore[arg-type]

    def noted_backup(*args: object, **kwargs: object) -> object:
        order.append("backup" if threading.current_thread() is threading.main_thread() else "backup thread")
        return backup(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(usecases, "_wal", lambda db: False)
    monkeypatch.setattr(QuestionWriter, "write", noted_write)
    monkeypatch.setattr(autobackup, "before_risky", noted_backup)
    usecases.import_files(home_db, actor_of(home_db, DEMO_ADMIN), [_big_csv(tmp_path)], bank="大题库")
    assert order[0] == "backup" and "backup thread" not in order and "write" in order


def test_postgresql_has_no_automatic_backups(db: Database, admin: object) -> None:
    if db.is_sqlite:
        pytest.skip("the PostgreSQL half of this test; SQLite is covered above")
    assert auto_backup(db, admin, autobackup.Reason.START) is None
    with pytest.raises(InvalidInput, match="PostgreSQL"):
        backup_now(db, admin)
    assert list_auto_backups(db, admin).automatic is False


# --- restoring one -------------------------------------------------------------------------------

def test_restore_an_automatic_backup_after_a_backup_of_the_current_state(home_db: Database) -> None:
    admin = actor_of(home_db, DEMO_ADMIN)
    made = backup_now(home_db, admin)
    before = _units(home_db)
    _add_unit(home_db, "D1")
    home_db.clock.advance(5)  # type: ignore[attr-defined]
    done = restore_auto_backup(home_db, admin, made.name)
    assert _units(home_db) == before
    assert done.safety is not None
    safety = autobackup.find(autobackup.folder_for(home_db), done.safety.name)
    assert safety.reason == "restore"
    # ... which undoes the restore.
    home_db.clock.advance(5)  # type: ignore[attr-defined]
    restore_auto_backup(home_db, admin, safety.name)
    assert _units(home_db) == before + 1
    with home_db.transaction() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.action.in_(("admin.restore",
                                                                                           "admin.backup")))))
    assert "admin.restore" in actions


def _corrupt(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[member] = data
    with zipfile.ZipFile(path, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)


@pytest.mark.parametrize("damage", ["checksum", "not_sqlite", "missing", "future_revision"])
def test_a_damaged_automatic_backup_is_refused_and_changes_nothing(home_db: Database, damage: str) -> None:
    admin = actor_of(home_db, DEMO_ADMIN)
    made = backup_now(home_db, admin)
    if damage == "checksum":
        with zipfile.ZipFile(made.path) as zf:
            data = bytearray(zf.read(autobackup.SNAPSHOT))
        data[len(data) // 2] ^= 0xFF
        _corrupt(made.path, autobackup.SNAPSHOT, bytes(data))
        expected = "校验和不符"
    elif damage == "not_sqlite":
        junk = b"not a database" * 100
        _corrupt(made.path, autobackup.SNAPSHOT, junk)
        meta = json.loads(zipfile.ZipFile(made.path).read(autobackup.META))
        import hashlib
        meta["sha256"] = hashlib.sha256(junk).hexdigest()
        _corrupt(made.path, autobackup.META, json.dumps(meta).encode())
        expected = "数据库文件"
    elif damage == "missing":
        with zipfile.ZipFile(made.path) as zf:
            meta = zf.read(autobackup.META)
        with zipfile.ZipFile(made.path, "w") as zf:
            zf.writestr(autobackup.META, meta)
        expected = "缺少"
    else:
        import sqlite3
        with autobackup.extracted(made) as snap:
            conn = sqlite3.connect(snap)
            conn.execute("UPDATE alembic_version SET version_num='9999_future'")
            conn.commit()
            conn.close()
            data = snap.read_bytes()
        import hashlib
        _corrupt(made.path, autobackup.SNAPSHOT, data)
        meta = json.loads(zipfile.ZipFile(made.path).read(autobackup.META))
        meta["sha256"] = hashlib.sha256(data).hexdigest()
        _corrupt(made.path, autobackup.META, json.dumps(meta).encode())
        expected = "版本"
    _add_unit(home_db, "E1")
    before = _units(home_db)
    listed = {b.name: b for b in autobackup.list_backups(autobackup.folder_for(home_db))}
    with pytest.raises(InvalidInput, match=expected) as refused:
        restore_auto_backup(home_db, admin, made.name)
    assert made.name in str(refused.value)
    assert _units(home_db) == before
    # No safety backup was written for a restore that never started.
    assert {b.name for b in autobackup.list_backups(autobackup.folder_for(home_db))} == set(listed)


def test_only_administrators_list_make_or_restore_backups(home_db: Database) -> None:
    admin = actor_of(home_db, DEMO_ADMIN)
    made = backup_now(home_db, admin)
    earlier = _denials(home_db)
    for badge in (OFFICER, SECRETARY):
        who = actor_of(home_db, badge)
        with pytest.raises(PermissionDenied):
            list_auto_backups(home_db, who)
        with pytest.raises(PermissionDenied):
            backup_now(home_db, who)
        with pytest.raises(PermissionDenied):
            restore_auto_backup(home_db, who, made.name)
    assert _denials(home_db) == earlier + 6
    with pytest.raises(NotFound):
        restore_auto_backup(home_db, admin, "../studyhall.db")


# --- the CLI -------------------------------------------------------------------------------------

def test_cli_lists_and_restores_automatic_backups(home_db: Database, capsys: pytest.CaptureFixture[str],
                                                  demo_login) -> None:  # type: ignore[no-untyped-def]
    url = home_db.display_url if home_db.sqlite_path is None else f"sqlite:///{home_db.sqlite_path}"
    admin = actor_of(home_db, DEMO_ADMIN)
    made = backup_now(home_db, admin)
    _add_unit(home_db, "F1")
    before = _units(home_db)
    capsys.readouterr()
    assert main(["db", "backups", "--json", "--db", url, *demo_login(DEMO_ADMIN)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [b["name"] for b in listed["backups"]] == [made.name]
    assert listed["backups"][0]["counts"]["officers"] > 0 and listed["automatic"] is True
    assert main(["--db", url, *demo_login(DEMO_ADMIN), "db", "restore-auto", made.name]) == 0
    out = capsys.readouterr().out
    assert made.name in out and "恢复前的数据已备份到" in out
    home_db.engine.dispose()
    assert _units(home_db) == before - 1
    # An officer is refused, by the CLI as anywhere.
    assert main(["db", "backups", "--db", url, *demo_login(OFFICER)]) != 0
    assert main(["db", "restore-auto", "no-such.zip", "--db", url, *demo_login(DEMO_ADMIN)]) == 1
