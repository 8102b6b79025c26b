# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Backup and restore that work the same on SQLite and PostgreSQL.

A backup is a zip: ``manifest.json`` (schema revision, table order, row counts)
and one JSON-lines file per table. Restoring first reads the whole zip without
touching the database (core.admin.backup_check: the manifest, every line, every
value) and refuses, with the file, line and column, anything it could not restore
whole; then it empties the database and loads every table in one transaction, in
which the database checks every reference before the commit, so a failed restore
changes nothing. The same file moves a station from SQLite to PostgreSQL.

Secrets stay out unless asked for. A backup holds every table but:

* ``secrets`` (the old SHC1 HMAC key, kept in clear until an administrator sets up the signing
  key): never written, ``with_secrets`` or not;
* ``signing_keys.private_key`` (the signing key, already encrypted with the administrator's
  passphrase): written only ``with_secrets``. The public keys always are, so every signed
  certificate still verifies after a restore.

Restoring a backup without them keeps the target's own key material where it provably belongs
to the restored data: an encrypted private key whose public key is in the backup, and the old
HMAC key if it checks one of the restored older certificates. Otherwise the restored database
verifies everything but signs nothing until an administrator sets up a new key (or restores a
backup made ``with_secrets``). Exports meant for others never contain any of it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, literal_column, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.admin.backup_check import (
    FORMAT_VERSION,
    MANIFEST,
    BackupRefused,
    CheckedBackup,
    check_backup,
    member_name,
    open_backup,
    read_rows,
    schema_tables,
)
from core.certificates.signing import LEGACY_KEY_NAME, legacy_ok
from core.infra.clock import utcnow
from core.infra.db import WRITE, Database, current_revision
from core.models import Certificate, ReportMonth, ReportStale, Secret, SigningKey
from core.reports import rollup

_BATCH = 5000
# Secrets stay on this PC; the report rollup is derived data, recomputed after a restore.
OMITTED_TABLES = (Secret.__tablename__, ReportMonth.__tablename__, ReportStale.__tablename__)
SECRET_COLUMNS = {SigningKey.__tablename__: ("private_key",)}


def _tables() -> list[Table]:
    return schema_tables()


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def backup(db: Database, target: Path, *, with_secrets: bool = False,
           progress: ProgressSink = no_progress) -> dict[str, int]:
    """Write every table to ``target`` (a .zip); returns row counts per table. Secrets are left out
    (see the module docstring); ``with_secrets`` adds the encrypted signing key. Rows are written in
    primary-key order, in one read transaction (a consistent snapshot on PostgreSQL too)."""
    counts: dict[str, int] = {}
    tables = _tables()
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf, db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":     # one snapshot for every table, writers go on
            conn.execution_options(isolation_level="REPEATABLE READ")
        for i, table in enumerate(tables):
            progress(i, len(tables), _("正在备份第 {i} / {n} 张数据表", i=i + 1, n=len(tables)))
            n = 0
            blank = () if with_secrets else SECRET_COLUMNS.get(table.name, ())
            with zf.open(member_name(table), "w") as fh:
                rows = (() if table.name in OMITTED_TABLES
                        else conn.execute(select(table).order_by(*table.primary_key.columns)).mappings())
                for row in rows:
                    line = json.dumps({k: None if k in blank else _encode(v) for k, v in row.items()},
                                      ensure_ascii=False)
                    fh.write(line.encode("utf-8") + b"\n")
                    n += 1
            counts[table.name] = n
        manifest = {
            "studyhall_backup": FORMAT_VERSION,
            "revision": current_revision(db.engine),
            "created_at": utcnow().isoformat(),
            "tables": [t.name for t in tables],
            "counts": counts,
            "omitted": list(OMITTED_TABLES),
            "secrets": "encrypted signing key" if with_secrets else "none",
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(target)
    progress(len(tables), len(tables), "")
    return counts


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """What the restore confirmation names: the file, when the backup was made, how many rows."""

    name: str
    created_at: dt.datetime | None
    rows: int


def describe(source: Path) -> BackupSummary:
    """Read only the manifest of ``source`` (the full check comes with the restore itself)."""
    with open_backup(source) as zf:
        try:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
            raise InvalidInput(_("{f} 不是 StudyHall 备份文件：{e}", f=source.name, e=exc)) from exc
    if not isinstance(manifest, dict):
        raise InvalidInput(_("{f} 不是 StudyHall 备份文件：{e}", f=source.name, e=MANIFEST))
    try:
        created: dt.datetime | None = dt.datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        created = None
    counts = manifest.get("counts")
    rows = sum(v for v in counts.values() if isinstance(v, int)) if isinstance(counts, dict) else 0
    return BackupSummary(source.name, created, rows)


def check(db: Database, source: Path, *, progress: ProgressSink = no_progress,
          cancel: CancelToken | None = None) -> CheckedBackup:
    """Read the whole backup without touching the database; refuse it (BackupRefused, an
    InvalidInput naming the file, line and column) unless it can be restored whole."""
    with open_backup(source) as zf:
        return check_backup(zf, source.name, current_revision(db.engine), progress=progress, cancel=cancel)


def restore(db: Database, source: Path, *, progress: ProgressSink = no_progress,
            cancel: CancelToken | None = None) -> dict[str, int]:
    """Replace the whole database with the backup in ``source``: checked first, then loaded in one
    transaction (a failure leaves the database as it was)."""
    checked = check(db, source, progress=progress, cancel=cancel)
    return load(db, source, checked, progress=progress, cancel=cancel)


def load(db: Database, source: Path, checked: CheckedBackup, *, progress: ProgressSink = no_progress,
         cancel: CancelToken | None = None) -> dict[str, int]:
    """Empty the database and load a checked backup, in one transaction.

    Foreign and unique keys are the database's to check: a batch that breaks one is tried again
    row by row (each in a savepoint) to name its line. References of a table to itself (a unit's
    parent) are set after the whole table is in, so the order of its lines does not matter.
    """
    order = checked.tables
    counts: dict[str, int] = {}
    with open_backup(source) as zf, db.engine.execution_options(**{WRITE: True}).begin() as conn:
        kept = _key_material(conn)
        for table in reversed(order):
            conn.execute(delete(table))
        for i, table in enumerate(order):
            progress(i, len(order), _("正在恢复第 {i} / {n} 张数据表", i=i + 1, n=len(order)))
            counts[table.name] = _load_table(conn, zf, source.name, table, cancel)
            if counts[table.name] != checked.counts[table.name]:    # the file changed since it was checked
                raise BackupRefused(source.name, _("清单记录 {a} 行，文件中有 {b} 行（文件不完整或被改动）",
                                                   a=checked.counts[table.name], b=counts[table.name]),
                                    member=member_name(table))
        if db.engine.dialect.name == "sqlite":
            _sqlite_foreign_key_check(conn, zf, source.name)
        _keep_key_material(conn, kept)
        rollup.rebuild(Session(bind=conn))
        if db.engine.dialect.name == "postgresql":
            _reset_sequences(conn, order)
    progress(len(order), len(order), "")
    return counts


def _load_table(conn: Connection, zf: zipfile.ZipFile, source: str, table: Table, cancel: CancelToken | None) -> int:
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    keys = list(table.primary_key.columns)
    pk = keys[0] if self_refs and len(keys) == 1 else None
    later: list[tuple[int, dict[str, Any]]] = []      # (line, {pk, self-references}) set after the inserts
    batch: list[dict[str, Any]] = []
    lines: list[int] = []
    n = 0
    for line, row in read_rows(zf, source, table, cancel):
        if pk is not None and any(row[c] is not None for c in self_refs):
            later.append((line, {"_pk": row[pk.name], **{c: row[c] for c in self_refs}}))
            row.update(dict.fromkeys(self_refs))
        batch.append(row)
        lines.append(line)
        if len(batch) >= _BATCH:
            _execute_located(conn, insert(table), batch, lines, table, source)
            n += len(batch)
            batch, lines = [], []
    if batch:
        _execute_located(conn, insert(table), batch, lines, table, source)
        n += len(batch)
    if later and pk is not None:
        stmt = update(table).where(pk == bindparam("_pk")).values({c: bindparam(c) for c in self_refs})
        _execute_located(conn, stmt, [p for _l, p in later], [line for line, _p in later], table, source)
    return n


def _execute_located(conn: Connection, stmt: Any, params: list[dict[str, Any]], lines: list[int], table: Table,
                     source: str) -> None:
    """Run ``stmt`` for every row; if the database refuses one, name its line (rows retried one by one)."""
    try:
        with conn.begin_nested():
            conn.execute(stmt, params)
        return
    except (IntegrityError, DataError) as exc:
        whole = exc
    for row, line in zip(params, lines, strict=True):
        try:
            with conn.begin_nested():
                conn.execute(stmt, [row])
        except (IntegrityError, DataError) as exc:
            column, problem = _explain(conn, table, row, exc)
            raise BackupRefused(source, problem, member=member_name(table), line=line, column=column) from exc
    raise BackupRefused(source, _db_message(whole), member=member_name(table))


def _explain(conn: Connection, table: Table, row: dict[str, Any], exc: Exception) -> tuple[str | None, str]:
    """The column and a sentence for a refused row: a reference to a missing row is named as such."""
    for fk in table.foreign_keys:
        name = fk.parent.name
        value = row.get(name)
        if value is None:
            continue
        target = fk.column
        if conn.execute(select(literal_column("1")).select_from(target.table).where(target == value)).first() is None:
            return name, _("引用的 {t} 中没有 {c} = {v} 的记录", t=target.table.name, c=target.name, v=value)
    return None, _db_message(exc)


def _db_message(exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    return " ".join(part.strip() for part in str(orig).splitlines() if part.strip())


def _sqlite_foreign_key_check(conn: Connection, zf: zipfile.ZipFile, source: str) -> None:
    """Every reference checked once more before the commit (SQLite checks each insert only while its
    connection has foreign keys on)."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is None:
        return
    table_name, rowid, parent, fk_id = broken[0], broken[1], broken[2], broken[3]
    table = next(t for t in _tables() if t.name == table_name)
    column = next((r[3] for r in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table_name}")') if r[0] == fk_id),
                  None)
    keys = conn.execute(select(*table.primary_key.columns).where(literal_column("rowid") == rowid)).first()
    line = _line_of(zf, source, table, dict(keys._mapping)) if keys is not None else None
    raise BackupRefused(source, _("引用的 {t} 中没有对应的记录", t=parent), member=member_name(table), line=line,
                        column=column)


def _line_of(zf: zipfile.ZipFile, source: str, table: Table, keys: dict[str, Any]) -> int | None:
    for line, row in read_rows(zf, source, table):
        if all(row[k] == v for k, v in keys.items()):
            return line
    return None


def _key_material(conn: Connection) -> tuple[dict[str, str], str | None]:
    """The target's encrypted private keys (by public key) and old HMAC key, before they are replaced."""
    private = {pub: blob for pub, blob in conn.execute(select(SigningKey.public_key, SigningKey.private_key))
               if blob is not None}
    legacy = conn.scalar(select(Secret.value).where(Secret.name == LEGACY_KEY_NAME))
    return private, legacy


def _keep_key_material(conn: Connection, kept: tuple[dict[str, str], str | None]) -> None:
    """Give back what the backup left out, where it belongs to the restored data (module docstring)."""
    private, legacy = kept
    keys = conn.execute(select(SigningKey.id, SigningKey.public_key).where(SigningKey.private_key.is_(None))).all()
    for key_id, public in keys:
        if public in private:
            conn.execute(update(SigningKey).where(SigningKey.id == key_id).values(private_key=private[public]))
    if legacy is None or conn.scalar(select(Secret.name).where(Secret.name == LEGACY_KEY_NAME)) is not None:
        return
    key = base64.b64decode(legacy)
    older = conn.execute(select(Certificate.serial, Certificate.version, Certificate.fields, Certificate.signature)
                         .where(Certificate.key_id.is_(None), Certificate.signature != "").limit(20))
    if any(legacy_ok(key, serial, version, fields or {}, signature) for serial, version, fields, signature in older):
        conn.execute(insert(Secret).values(name=LEGACY_KEY_NAME, value=legacy, created_at=utcnow()))


def _reset_sequences(conn: Any, tables: list[Table]) -> None:
    """After inserting explicit ids, move PostgreSQL's serial sequences past them."""
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
            )
