# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The package file: a zip that says what it holds and is signed by the installation that made it.

Members: ``tables/<table>.jsonl`` (one row a line, as :mod:`core.exchange.travel` encodes it: a JSON
column as its JSON text, UUIDs as hex, times as ISO text with their offset),
``media/<sha1>.<ext>`` (question pictures), ``manifest.json`` and ``manifest.sig``. The manifest
lists every member with its SHA-256, size and rows, the kind (exam or results), the schema
revision and the exporting installation (id, name, public key); ``manifest.sig`` is the Ed25519
signature of the manifest's exact bytes by that installation's key. So one flipped byte anywhere
breaks either a member's hash or the signature.

Reading refuses the whole package, with the reason, before anything is stored: unsafe or
unlisted members, sizes (the zip checks of core.admin.backup_check), a bad signature, a key this
database does not trust, a schema newer than this program, a hash or count that does not match,
a row that does not decode. Tables are parsed whole and checked a column at a time, each
distinct value once (a results package repeats an attempt's id and option orders a hundred times).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import operator
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import JSON

from base.errors import InvalidInput
from base.i18n import _
from base.progress import CancelToken
from core.admin.backup_check import (
    BackupRefused,
    ColumnError,
    check_members,
    column_decoder,
    decode_column,
    human_size,
    no_constants,
)
from core.exchange.travel import TRAVELS, Travel

FORMAT = 2                    # 2: JSON columns travel as their JSON text
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_MANIFEST_BYTES = 4 << 20
MAX_LINE_BYTES = 64 << 20
MEDIA_NAME = re.compile(r"^media/[0-9a-f]{40}\.[a-z0-9]{1,5}$")
KINDS = ("exam", "results")


class PackageRefused(InvalidInput):
    """A package that cannot be imported whole; names the file and where the problem is."""

    def __init__(self, source: str, problem: str, *, member: str | None = None, line: int | None = None,
                 column: str | None = None) -> None:
        self.source, self.problem = source, problem
        where = member or ""
        if line is not None:
            where = _("{file} 第 {line} 行", file=where, line=line)
        if column is not None:
            where = _("{where}，列 {column}", where=where, column=column)
        text = f"{where}：{problem}" if where else problem
        super().__init__(_("无法导入 {zip}（数据库未作任何改动）：{problem}", zip=source, problem=text))


def table_member(travel: Travel) -> str:
    return f"tables/{travel.name}.jsonl"


# --- writing -------------------------------------------------------------------------------------

class PackageWriter:
    """Writes members as they come, then the manifest and its signature (:meth:`finish`)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.part = target.with_name(target.name + ".part")
        self.zf = zipfile.ZipFile(self.part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.members: dict[str, dict[str, Any]] = {}
        self.tables: list[str] = []

    def add_table(self, travel: Travel, rows: list[dict[str, Any]]) -> None:
        buf = io.BytesIO()
        for row in rows:
            buf.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            buf.write(b"\n")
        self._add(table_member(travel), buf.getvalue(), rows=len(rows))
        self.tables.append(travel.name)

    def add_media(self, name: str, data: bytes) -> None:
        self._add(f"media/{name}", data)

    def _add(self, name: str, data: bytes, **extra: Any) -> None:
        self.zf.writestr(name, data)
        self.members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), **extra}

    def finish(self, manifest: dict[str, Any], key: Ed25519PrivateKey) -> tuple[Path, str]:
        """Write the manifest and signature, and move the file into place; (path, its SHA-256)."""
        manifest = {**manifest, "studyhall_package": FORMAT, "tables": self.tables, "members": self.members}
        raw = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        self.zf.writestr(MANIFEST, raw)
        self.zf.writestr(SIGNATURE, base64.b64encode(key.sign(raw)))
        self.zf.close()
        self.part.replace(self.target)
        return self.target, file_sha256(self.target)

    def abandon(self) -> None:
        self.zf.close()
        self.part.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- reading -------------------------------------------------------------------------------------

@dataclass
class Package:
    """A package read whole and checked (except whether its signer is trusted: :func:`signer`)."""

    source: str
    manifest: dict[str, Any]
    public_key: Ed25519PublicKey
    fingerprint: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)      # table -> decoded rows
    media: dict[str, bytes] = field(default_factory=dict)                     # file name -> bytes
    sha256: str = ""

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(str(self.manifest["id"]))

    @property
    def installation(self) -> dict[str, Any]:
        return dict(self.manifest["installation"])

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}


def read_package(path: Path, *, cancel: CancelToken | None = None) -> Package:
    """Open, verify and decode ``path`` (a schema revision this program does not know: made by a
    newer StudyHall, refused)."""
    from core.infra.db import known_revision

    source = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise PackageRefused(source, _("不是 StudyHall 数据包：{e}", e=exc)) from exc
    with zf:
        names = {i.filename for i in zf.infolist()}
        allowed = {MANIFEST, SIGNATURE} | {f"tables/{t}.jsonl" for t in TRAVELS} | {
            n for n in names if MEDIA_NAME.match(n)}
        try:
            check_members(zf, source, allowed)
        except BackupRefused as exc:
            raise PackageRefused(source, exc.problem, member=exc.member) from None
        raw = _member(zf, source, MANIFEST, MAX_MANIFEST_BYTES)
        manifest, public, fp = _verify(source, raw, _member(zf, source, SIGNATURE, 1024))
        if not known_revision(manifest.get("revision")):
            raise PackageRefused(source, _("数据包由更新版本的学习园地制作（数据库版本 {r}），请先升级本机程序",
                                           r=manifest.get("revision")), member=MANIFEST)
        package = Package(source, manifest, public, fp, sha256=file_sha256(path))
        members = manifest["members"]
        if unlisted := sorted(names - {MANIFEST, SIGNATURE} - set(members)):
            raise PackageRefused(source, _("数据包中有清单未列出的文件：{f}", f=unlisted[0]))
        for name, info in members.items():
            if name not in names:
                raise PackageRefused(source, _("缺少清单列出的文件（数据包不完整）"), member=name)
            data = _member(zf, source, name, MAX_LINE_BYTES * 4)
            if not isinstance(info, dict) or hashlib.sha256(data).hexdigest() != info.get("sha256"):
                raise PackageRefused(source, _("内容与清单不符（文件被改动或损坏）"), member=name)
            if name.startswith("media/"):
                package.media[name.removeprefix("media/")] = data
        for table in manifest["tables"]:
            travel = TRAVELS.get(table) if isinstance(table, str) else None
            if travel is None:
                raise PackageRefused(source, _("有本程序不认识的数据表：{t}", t=table), member=MANIFEST)
            member = table_member(travel)
            rows = _decode(source, member, zf.read(member), travel, cancel)
            if len(rows) != members.get(member, {}).get("rows"):
                raise PackageRefused(source, _("清单记录 {a} 行，文件中有 {b} 行（文件不完整或被改动）",
                                               a=members.get(member, {}).get("rows"), b=len(rows)), member=member)
            package.rows[table] = rows
    return package


def _member(zf: zipfile.ZipFile, source: str, name: str, limit: int) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise PackageRefused(source, _("缺少 {file}，不是 StudyHall 数据包", file=name)) from None
    if info.file_size > limit:
        raise PackageRefused(source, _("文件过大（{n}）", n=human_size(info.file_size)), member=name)
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise PackageRefused(source, _("文件已损坏：{e}", e=exc), member=name) from exc


def _verify(source: str, raw: bytes, signature: bytes) -> tuple[dict[str, Any], Ed25519PublicKey, str]:
    from core.certificates.keys import fingerprint

    try:
        manifest = json.loads(raw.decode("utf-8"))
        info = manifest["installation"]
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(info["public_key"], validate=True))
        sig = base64.b64decode(signature, validate=True)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise PackageRefused(source, _("清单无效：{e}", e=exc), member=MANIFEST) from None
    try:
        public.verify(sig, raw)
    except InvalidSignature:
        raise PackageRefused(source, _("签名不符：数据包在导出后被改动过")) from None
    if manifest.get("studyhall_package") != FORMAT or manifest.get("kind") not in KINDS:
        raise PackageRefused(source, _("数据包格式 {v} 不受支持", v=manifest.get("studyhall_package")),
                             member=MANIFEST)
    if not isinstance(manifest.get("members"), dict) or not isinstance(manifest.get("tables"), list):
        raise PackageRefused(source, _("清单无效：{e}", e="members/tables"), member=MANIFEST)
    return manifest, public, fingerprint(public)


def _decode(source: str, member: str, data: bytes, travel: Travel,
            cancel: CancelToken | None) -> list[dict[str, Any]]:
    """The rows of one table member, checked and decoded column by column (each distinct value
    once) and put together again as rows; the first bad line is named with its column."""
    columns = {c.name: c for c in travel.table.columns if c.name not in travel.omit}
    names = list(columns)
    rows = _parse(source, member, data.splitlines())
    if not rows:
        return []
    if set(map(type, rows)) != {dict} or set(map(len, rows)) != {len(names)}:
        _refuse_shape(source, member, rows, columns.keys())
    try:
        values = list(zip(*map(operator.itemgetter(*names), rows), strict=True)) if len(names) > 1 else [
            tuple(row[names[0]] for row in rows)]
    except KeyError:
        _refuse_shape(source, member, rows, columns.keys())
    decoded: list[Any] = []
    for name, column_values in zip(names, values, strict=True):
        column = columns[name]
        if cancel is not None:
            cancel.check()
        if name in travel.refs:                    # natural keys: resolved when merged
            decoded.append(column_values)
            continue
        decode = _json_value if isinstance(column.type, JSON) else column_decoder(column.type)
        try:
            decoded.append(decode_column(list(column_values), decode, bool(column.nullable)))
        except ColumnError as exc:
            raise PackageRefused(source, str(exc), member=member, line=exc.index + 1, column=name) from None
    return [dict(zip(names, row, strict=True)) for row in zip(*decoded, strict=True)]


def _refuse_shape(source: str, member: str, rows: list[Any], wanted: Any) -> NoReturn:
    """The first line that is not an object with exactly this table's columns, named."""
    for line, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or row.keys() != wanted:
            missing = sorted(set(wanted) - set(row)) if isinstance(row, dict) else []
            raise PackageRefused(source, _("列与本程序的数据表不一致"), member=member, line=line,
                                 column=missing[0] if missing else None)
    raise AssertionError("no line differs")      # pragma: no cover - called only when one does


def _json_value(text: Any) -> Any:
    """A JSON column travels as its JSON text (see :class:`core.exchange.travel.Encoder`)."""
    if not isinstance(text, str):
        raise ValueError(_("应为 JSON 文字，实为 {v}", v=str(text)[:40]))
    try:
        return json.loads(text, parse_constant=no_constants)
    except (ValueError, RecursionError) as exc:
        raise ValueError(_("不是有效的 JSON：{e}", e=exc)) from None


def _parse(source: str, member: str, lines: list[bytes]) -> list[Any]:
    """One JSON value a line, parsed as one array; when that fails, line by line to name the line."""
    try:
        rows = json.loads(b"[" + b",".join(lines) + b"]", parse_constant=no_constants)
        if isinstance(rows, list) and len(rows) == len(lines):
            return rows
    except (ValueError, RecursionError):
        pass
    for line, raw in enumerate(lines, start=1):
        try:
            json.loads(raw, parse_constant=no_constants)
        except (ValueError, RecursionError) as exc:
            raise PackageRefused(source, _("不是有效的 JSON：{e}", e=exc), member=member, line=line) from None
    raise PackageRefused(source, _("不是有效的 JSON：{e}", e="[…]"), member=member)
