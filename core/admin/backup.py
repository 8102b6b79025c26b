# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Backup and restore that work the same on SQLite and PostgreSQL.

A backup is a zip: ``manifest.json`` (schema revision, table order, row counts)
and one JSON-lines file per table. Restoring checks the revision, empties the
database and loads every table in one transaction, so a failed restore changes
nothing. The same file moves a station from SQLite to PostgreSQL.

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
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, LargeBinary, Table, Uuid, delete, insert, select, update

from base.errors import InvalidInput
from base.i18n import _
from base.progress import ProgressSink, no_progress
from core.certificates.signing import LEGACY_KEY_NAME, legacy_ok
from core.infra.clock import utcnow
from core.infra.db import Database, current_revision
from core.models import Certificate, Secret, SigningKey
from core.models.base import Base, UTCDateTime

FORMAT_VERSION = 1
_BATCH = 5000
OMITTED_TABLES = (Secret.__tablename__,)
SECRET_COLUMNS = {SigningKey.__tablename__: ("private_key",)}


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


def backup(db: Database, target: Path, *, with_secrets: bool = False,
           progress: ProgressSink = no_progress) -> dict[str, int]:
    """Write every table to ``target`` (a .zip); returns row counts per table. Secrets are left out
    (see the module docstring); ``with_secrets`` adds the encrypted signing key."""
    counts: dict[str, int] = {}
    tables = _tables()
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf, db.engine.connect() as conn:
        for i, table in enumerate(tables):
            progress(i, len(tables), table.name)
            n = 0
            blank = () if with_secrets else SECRET_COLUMNS.get(table.name, ())
            with zf.open(f"{table.name}.jsonl", "w") as fh:
                rows = () if table.name in OMITTED_TABLES else conn.execute(select(table)).mappings()
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
        kept = _key_material(conn)
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
        _keep_key_material(conn, kept)
        if db.engine.dialect.name == "postgresql":
            _reset_sequences(conn, order)
    progress(len(order), len(order), "")
    return counts


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
