# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Backup and restore that work the same on SQLite and PostgreSQL.

A backup is a zip: ``manifest.json`` (schema revision, table order, row counts)
and one JSON-lines file per table. Restoring checks the revision, empties the
database and loads every table in one transaction, so a failed restore changes
nothing. The same file moves a station from SQLite to PostgreSQL.

A backup holds *everything*, including the ``secrets`` table with the unit's certificate
signing key (without it, restored certificates could no longer be verified), so keep backup
files as safely as the database itself. Exports meant for others (question banks, reports,
result packages) never contain it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import Date, LargeBinary, Table, Uuid, delete, insert, select

from base.errors import InvalidInput
from base.i18n import _
from base.progress import ProgressSink, no_progress
from core.infra.clock import utcnow
from core.infra.db import Database, current_revision
from core.models.base import Base, UTCDateTime

FORMAT_VERSION = 1
_BATCH = 5000


def _tables() -> list[Table]:
    import core.models  # noqa: F401

    return list(Base.metadata.sorted_tables)


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


def _decoder(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        t = col.type
        if isinstance(t, UTCDateTime):
            out[col.name] = dt.datetime.fromisoformat
        elif isinstance(t, Date):
            out[col.name] = dt.date.fromisoformat
        elif isinstance(t, Uuid):
            out[col.name] = uuid.UUID
        elif isinstance(t, LargeBinary):
            out[col.name] = base64.b64decode
    return out


def backup(db: Database, target: Path, *, progress: ProgressSink = no_progress) -> dict[str, int]:
    """Write every table to ``target`` (a .zip); returns row counts per table."""
    counts: dict[str, int] = {}
    tables = _tables()
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf, db.engine.connect() as conn:
        for i, table in enumerate(tables):
            progress(i, len(tables), table.name)
            n = 0
            with zf.open(f"{table.name}.jsonl", "w") as fh:
                for row in conn.execute(select(table)).mappings():
                    line = json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False)
                    fh.write(line.encode("utf-8") + b"\n")
                    n += 1
            counts[table.name] = n
        manifest = {
            "studyhall_backup": FORMAT_VERSION,
            "revision": current_revision(db.engine),
            "created_at": utcnow().isoformat(),
            "tables": [t.name for t in tables],
            "counts": counts,
        }
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(target)
    progress(len(tables), len(tables), "")
    return counts


def restore(db: Database, source: Path, *, progress: ProgressSink = no_progress) -> dict[str, int]:
    """Replace the whole database with the backup in ``source`` (one transaction)."""
    try:
        zf = zipfile.ZipFile(source)
        manifest = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise InvalidInput(_("{f} 不是 StudyHall 备份文件：{e}", f=source.name, e=exc)) from exc
    here = current_revision(db.engine)
    if manifest.get("revision") != here:
        raise InvalidInput(_("备份的数据库版本（{a}）与当前程序（{b}）不一致，请使用相同版本的程序恢复",
                             a=manifest.get("revision"), b=here))
    tables = {t.name: t for t in _tables()}
    order = [tables[name] for name in manifest["tables"] if name in tables]
    counts: dict[str, int] = {}
    with zf, db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
        for table in reversed(order):
            conn.execute(delete(table))
        for i, table in enumerate(order):
            progress(i, len(order), table.name)
            dec = _decoder(table)
            batch: list[dict[str, Any]] = []
            n = 0
            with zf.open(f"{table.name}.jsonl") as fh:
                for raw in fh:
                    row = json.loads(raw)
                    for k, f in dec.items():
                        if row.get(k) is not None:
                            row[k] = f(row[k])
                    batch.append(row)
                    if len(batch) >= _BATCH:
                        conn.execute(insert(table), batch)
                        n += len(batch)
                        batch.clear()
            if batch:
                conn.execute(insert(table), batch)
                n += len(batch)
            counts[table.name] = n
        if db.engine.dialect.name == "postgresql":
            _reset_sequences(conn, order)
    progress(len(order), len(order), "")
    return counts


def _reset_sequences(conn: Any, tables: list[Table]) -> None:
    """After inserting explicit ids, move PostgreSQL's serial sequences past them."""
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
            )
