# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Automatic backups of a SQLite database, as Anki makes them (rslib/src/collection/backup.rs).

When:

* on start, after a login: if the data changed since the newest backup and none was made today;
* every 30 minutes of use (the GUI's timer): if the data changed and the newest backup is older
  than :data:`PERIODIC_MIN_AGE` (one made before an import counts);
* always before something risky: a restore, a large bank import, emptying the database (and
  :func:`backup_file` is there for a schema upgrade); and when an administrator asks (立即备份).

How: SQLite's online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot of
the live file while the program goes on (WAL readers block no writer), into a zip in the user data
folder (``backups/``, one subfolder per database other than the default one) holding the
snapshot, deflated, and ``meta.json``: when and why, the schema revision, the SHA-256 of the
snapshot ("did anything change since?") and a few counts for the 备份 page (officers, attempts,
current questions, certificates). Names carry the China time and the reason:
``backup-2026-11-02-09.30.00-start.zip``. The snapshot holds everything the database file does
(the encrypted signing key included): it stays on this PC, beside the database itself.

Retention: after each new backup the folder is thinned (core.admin.retention): the last 10, then
one a day for 7 days, one a week for 4 weeks, one a month for 12 months.

A PostgreSQL database is backed up by its administrator (README, "Backing up the station
server"): nothing here runs for it, except the safety copy before a restore, written as a
portable zip (core.admin.backup) so the restore can be undone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from base.progress import CancelToken, ProgressSink, no_progress
from core.admin.backup_check import MANIFEST, BackupRefused, check_members
from core.admin.retention import Limits, backups_to_keep
from core.infra.clock import LOCAL_TZ, Clock, local_date
from core.infra.db import BUSY_TIMEOUT_MS, Database, DatabaseBusy
from core.infra.paths import backups_dir, data_dir

FORMAT = 1
SNAPSHOT = "studyhall.db"
META = "meta.json"
PERIODIC_MIN_AGE = dt.timedelta(minutes=25)     # the GUI asks every 30 minutes
LARGE_IMPORT_ROWS = 1000                        # a bank import of more questions is backed up before
LARGE_IMPORT_BYTES = 64 << 10                   # ... or, read and stored in one go, of files this big
STALE_PART = dt.timedelta(hours=1)              # a half-written backup left by a crash
MAX_SNAPSHOT_BYTES = 64 << 30
NAME = re.compile(r"^backup-(\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2})-([a-z]+)(?:-(\d+))?\.zip$")
COUNTED = ("officers", "attempts", "questions", "certificates")


class Reason(StrEnum):
    START = "start"
    PERIODIC = "periodic"
    MANUAL = "manual"
    RESTORE = "restore"          # the safety copy before a restore
    UPGRADE = "upgrade"
    IMPORT = "import"
    DELETE = "delete"


REASON_LABELS: dict[str, str] = {
    Reason.START: N_("启动时"),
    Reason.PERIODIC: N_("定时"),
    Reason.MANUAL: N_("立即备份"),
    Reason.RESTORE: N_("恢复前"),
    Reason.UPGRADE: N_("升级前"),
    Reason.IMPORT: N_("大批导入前"),
    Reason.DELETE: N_("清空数据前"),
}


@dataclass(frozen=True, slots=True)
class AutoBackup:
    """One automatic backup as the 备份 page lists it (read from its name and its small meta file)."""

    name: str
    path: Path
    created_at: dt.datetime             # aware UTC
    reason: str
    size: int                           # bytes on disk
    kind: str = "sqlite"                # "sqlite" (a snapshot) or "portable" (a zip of core.admin.backup)
    revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str | None = None
    problem: str | None = None          # why it cannot be read (then it cannot be restored either)

    @property
    def reason_label(self) -> str:
        return _(REASON_LABELS.get(self.reason, self.reason))

    @property
    def summary(self) -> str:
        """What it holds, in a line (or why it cannot be read)."""
        if self.problem is not None:
            return _("无法读取：{e}", e=self.problem)
        c = self.counts
        return _("人员 {o}，考试记录 {a}，题目 {q}，证书 {c}", o=c.get("officers", "—"), a=c.get("attempts", "—"),
                 q=c.get("questions", "—"), c=c.get("certificates", "—"))


def folder_for(db: Database) -> Path:
    """This database's backups: ``backups/`` for the default SQLite file, a subfolder for any other."""
    return folder_for_file(db.sqlite_path, db.display_url, db.engine.url.database or db.engine.dialect.name)


def folder_for_file(path: Path | None, display_url: str = "", name: str = "db") -> Path:
    """:func:`folder_for` by the SQLite file's path (or, for a server, its URL and database name)."""
    base = backups_dir()
    if path is not None and path.resolve() == (data_dir() / "studyhall.db").resolve():
        return base
    ident = str(path.resolve()) if path is not None else display_url
    stem = path.stem if path is not None else name
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:40] or "db"
    return base / f"{slug}-{hashlib.sha1(ident.encode('utf-8')).hexdigest()[:8]}"


def enabled(db: Database) -> bool:
    """Automatic backups run for a SQLite file (PostgreSQL: its administrator's backups)."""
    return db.sqlite_path is not None


# --- listing -------------------------------------------------------------------------------------

def _parse_name(name: str) -> tuple[dt.datetime, str] | None:
    m = NAME.match(name)
    if m is None:
        return None
    try:
        local = dt.datetime.strptime(m.group(1), "%Y-%m-%d-%H.%M.%S").replace(tzinfo=LOCAL_TZ)
    except ValueError:
        return None
    return local.astimezone(dt.UTC), m.group(2)


def _read_info(path: Path, when: dt.datetime, reason: str) -> AutoBackup:
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if META in names:
                meta = json.loads(zf.read(META)) if zf.getinfo(META).file_size < 1 << 20 else {}
                return AutoBackup(path.name, path, when, reason, size, "sqlite", meta.get("revision"),
                                  {k: v for k, v in (meta.get("counts") or {}).items() if isinstance(v, int)},
                                  meta.get("sha256"))
            if MANIFEST in names and zf.getinfo(MANIFEST).file_size < 1 << 20:
                manifest = json.loads(zf.read(MANIFEST))
                counts = manifest.get("counts") or {}
                return AutoBackup(path.name, path, when, reason, size, "portable", manifest.get("revision"),
                                  {k: counts[k] for k in COUNTED if isinstance(counts.get(k), int)})
    except (OSError, zipfile.BadZipFile, ValueError, AttributeError) as exc:
        return AutoBackup(path.name, path, when, reason, size, problem=str(exc))
    return AutoBackup(path.name, path, when, reason, size, problem=_("不是 StudyHall 的自动备份"))


def list_backups(folder: Path) -> list[AutoBackup]:
    """The automatic backups in ``folder``, newest first."""
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            parsed = _parse_name(entry.name)
            if parsed is not None and entry.is_file():
                with contextlib.suppress(FileNotFoundError):      # thinned by another process meanwhile
                    found.append(_read_info(Path(entry.path), *parsed))
    return sorted(found, key=lambda b: (b.created_at, b.name), reverse=True)


def find(folder: Path, name: str) -> AutoBackup:
    if _parse_name(name) is None or Path(name).name != name:
        raise NotFound(_("没有名为 {n} 的自动备份", n=name))
    found = next((b for b in list_backups(folder) if b.name == name), None)
    if found is None:
        raise NotFound(_("没有名为 {n} 的自动备份", n=name))
    return found


# --- making one ----------------------------------------------------------------------------------

def _new_path(folder: Path, when: dt.datetime, reason: str) -> Path:
    stamp = when.astimezone(LOCAL_TZ).strftime("%Y-%m-%d-%H.%M.%S")
    n = 1
    while True:
        name = f"backup-{stamp}-{reason}.zip" if n == 1 else f"backup-{stamp}-{reason}-{n}.zip"
        path = folder / name
        try:
            (folder / (name + ".part")).open("xb").close()      # claimed: two processes never share a name
        except FileExistsError:
            n += 1
            continue
        if path.exists():
            (folder / (name + ".part")).unlink()
            n += 1
            continue
        return path


def snapshot_file(source: Path, target: Path) -> None:
    """A consistent copy of the live SQLite file ``source`` (WAL content included) in ``target``."""
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")      # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()


def _sha256(path: Path, cancel: CancelToken | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            if cancel is not None:
                cancel.check()
    return digest.hexdigest()


def _describe(snapshot: Path) -> tuple[str | None, dict[str, int]]:
    """The schema revision and the counts shown on the 备份 page, read from the snapshot itself
    (any revision: tables or columns it lacks are left out)."""
    conn = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        def scalar(sql: str) -> Any:
            try:
                row = conn.execute(sql).fetchone()
            except sqlite3.Error:
                return None
            return row[0] if row else None

        revision = scalar("SELECT version_num FROM alembic_version")
        counts = {}
        for table in COUNTED:
            n = scalar("SELECT count(*) FROM questions WHERE is_current") if table == "questions" else None
            n = scalar(f"SELECT count(*) FROM {table}") if n is None else n
            if isinstance(n, int):
                counts[table] = n
        return revision, counts
    finally:
        conn.close()


def backup_file(source: Path, folder: Path, reason: str, when: dt.datetime, *, only_if_changed: bool = False,
                progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> AutoBackup | None:
    """Snapshot the SQLite file ``source`` into ``folder`` and thin the folder; the new backup, or
    None when ``only_if_changed`` and the snapshot is the newest backup's, byte for byte."""
    folder.mkdir(parents=True, exist_ok=True)
    progress(0, 3, _("正在复制数据库…"))
    tmp = folder / f"snapshot-{uuid.uuid4().hex}.db.part"
    try:
        snapshot_file(source, tmp)
        digest = _sha256(tmp, cancel)
        if only_if_changed:
            last = newest(folder)
            if last is not None and last.sha256 == digest:
                return None
        revision, counts = _describe(tmp)
        progress(1, 3, _("正在压缩备份…"))
        target = _new_path(folder, when, reason)
        part = target.with_name(target.name + ".part")
        meta = {"studyhall_autobackup": FORMAT, "created_at": when.astimezone(dt.UTC).isoformat(),
                "reason": reason, "revision": revision, "counts": counts, "sha256": digest,
                "database_bytes": tmp.stat().st_size, "source": str(source)}
        try:
            # Level 1: a local safety copy taken before every large change: measured on the demo
            # database, under half of level 6's time for a file 9 % larger.
            with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                zf.writestr(META, json.dumps(meta, ensure_ascii=False, indent=1))
                with tmp.open("rb") as src, zf.open(SNAPSHOT, "w", force_zip64=True) as out:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
                        if cancel is not None:
                            cancel.check()
            part.replace(target)
        finally:
            part.unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
    progress(2, 3, _("正在清理旧的备份…"))
    thin(folder)
    progress(3, 3, "")
    return _read_info(target, *(_parse_name(target.name) or (when, reason)))


def write_portable(db: Database, folder: Path, reason: str, when: dt.datetime, *,
                   progress: ProgressSink = no_progress) -> AutoBackup:
    """A portable zip (core.admin.backup) among the automatic backups: the safety copy of a
    PostgreSQL database before a restore."""
    from core.admin.backup import backup

    folder.mkdir(parents=True, exist_ok=True)
    target = _new_path(folder, when, reason)
    part = target.with_name(target.name + ".part")
    try:
        backup(db, part, with_secrets=True, progress=progress)       # written to part.part, then renamed
        part.replace(target)
    finally:
        part.unlink(missing_ok=True)
    thin(folder)
    return _read_info(target, *(_parse_name(target.name) or (when, reason)))


def thin(folder: Path, limits: Limits = Limits()) -> list[Path]:  # noqa: B008
    """Delete the backups the retention rule no longer keeps (and stale half-written files)."""
    backups = list_backups(folder)
    keep = backups_to_keep([b.created_at for b in backups], limits)
    removed = []
    for i, b in enumerate(backups):
        if i not in keep:
            with contextlib.suppress(FileNotFoundError):
                b.path.unlink()
                removed.append(b.path)
    cutoff = time.time() - STALE_PART.total_seconds()
    for part in folder.glob("*.part"):
        with contextlib.suppress(OSError):
            if part.stat().st_mtime < cutoff:
                part.unlink()
    return removed


# --- when ----------------------------------------------------------------------------------------

def newest(folder: Path) -> AutoBackup | None:
    backups = list_backups(folder)
    return backups[0] if backups else None


def due(reason: str, last: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a start or periodic backup is due, the newest backup being from ``last``."""
    if last is None or last > now:        # none yet, or the clock was set back since
        return True
    if reason == Reason.START:
        return local_date(last) != local_date(now)
    if reason == Reason.PERIODIC:
        return now - last >= PERIODIC_MIN_AGE
    return True


def maybe_backup(db: Database, reason: str, clock: Clock) -> AutoBackup | None:
    """A start or periodic backup if it is due and the data changed since the newest one."""
    path = db.sqlite_path
    if path is None:
        return None
    folder = folder_for(db)
    last = newest(folder)
    now = clock.now()
    if not due(reason, last.created_at if last is not None else None, now):
        return None
    return backup_file(path, folder, reason, now, only_if_changed=True)


def before_risky(db: Database, reason: str, clock: Clock, *, progress: ProgressSink = no_progress,
                 cancel: CancelToken | None = None) -> AutoBackup | None:
    """A backup before something that changes a lot (nothing for PostgreSQL: its administrator's)."""
    path = db.sqlite_path
    if path is None:
        return None
    return backup_file(path, folder_for(db), reason, clock.now(), progress=progress, cancel=cancel)


def safety_backup(db: Database, clock: Clock, *, progress: ProgressSink = no_progress,
                  cancel: CancelToken | None = None) -> AutoBackup | None:
    """The copy of the current data written before a restore (a portable zip for PostgreSQL)."""
    if db.sqlite_path is not None:
        return before_risky(db, Reason.RESTORE, clock, progress=progress, cancel=cancel)
    if db.engine.url.database in (None, "", ":memory:"):
        return None
    return write_portable(db, folder_for(db), Reason.RESTORE, clock.now(), progress=progress)


# --- restoring a snapshot ------------------------------------------------------------------------

@contextlib.contextmanager
def extracted(backup: AutoBackup, *, cancel: CancelToken | None = None) -> Iterator[Path]:
    """The snapshot of ``backup``, extracted and checked (checksum, SQLite's own check, references,
    a revision this program knows), in a temporary file next to it."""
    source = backup.name
    try:
        zf = zipfile.ZipFile(backup.path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InvalidInput(_("{f} 不是 StudyHall 的自动备份：{e}", f=source, e=exc)) from exc
    with zf:
        check_members(zf, source, {META, SNAPSHOT}, max_ratio=None)
        if SNAPSHOT not in zf.NameToInfo or backup.sha256 is None:
            raise BackupRefused(source, _("缺少 {file}", file=SNAPSHOT if SNAPSHOT not in zf.NameToInfo else META))
        declared = zf.getinfo(SNAPSHOT).file_size
        free = _free_space(backup.path.parent)
        if declared > MAX_SNAPSHOT_BYTES or declared > free:
            raise BackupRefused(source, _("解压后有 {n}，超过上限或磁盘剩余空间", n=declared), member=SNAPSHOT)
        fd, tmp_name = tempfile.mkstemp(prefix="restore-", suffix=".db.part", dir=backup.path.parent)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            try:
                with zf.open(SNAPSHOT) as src, os.fdopen(fd, "wb") as out:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                        if cancel is not None:
                            cancel.check()
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise BackupRefused(source, _("文件已损坏：{e}", e=exc), member=SNAPSHOT) from exc
            if digest.hexdigest() != backup.sha256:
                raise BackupRefused(source, _("校验和不符，文件已损坏"), member=SNAPSHOT)
            _check_snapshot(tmp, source)
            yield tmp
        finally:
            tmp.unlink(missing_ok=True)


def _free_space(folder: Path) -> int:
    import shutil

    return shutil.disk_usage(folder).free


def _check_snapshot(path: Path, source: str) -> None:
    from core.infra.db import known_revision

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupRefused(source, _("数据库文件无法读取：{e}", e=exc), member=SNAPSHOT) from exc
    if ok is None or ok[0] != "ok":
        raise BackupRefused(source, _("数据库文件已损坏：{e}", e=ok[0] if ok else ""), member=SNAPSHOT)
    if broken is not None:
        raise BackupRefused(source, _("数据表 {t} 中有引用失效的记录", t=broken[0]), member=SNAPSHOT)
    if revision is None or not known_revision(revision[0]):
        raise BackupRefused(source, _("备份的数据库版本（{a}）不是本程序的版本，请使用相同或更新版本的程序恢复",
                                      a=revision[0] if revision else None), member=SNAPSHOT)


def restore_snapshot(db: Database, snapshot: Path) -> None:
    """Replace the live SQLite database's content with ``snapshot`` (SQLite's backup API: one write
    transaction on the live file, which other connections then see), and bring its schema up to date."""
    from core.infra.db import upgrade

    path = db.sqlite_path
    assert path is not None
    db.engine.dispose()                    # no pooled connection of ours holds the file meanwhile
    src = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dst)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise DatabaseBusy(_("数据库正被另一台电脑或程序使用，请稍后再试")) from exc
            raise
        finally:
            dst.close()
    finally:
        src.close()
    db.engine.dispose()
    upgrade(db.engine)                     # a backup made before a schema upgrade is upgraded again
