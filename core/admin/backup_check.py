# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Checking a portable backup (core.admin.backup) before anything is touched.

A restore replaces the whole database, so it refuses any zip it could not restore whole, with one
message that says where the first problem is (the file in the zip, the line, the column):

* the zip itself: members with unsafe paths (``../``, absolute, drive letters), members that are
  not part of a backup, encrypted or oddly compressed members, and sizes a real backup does not
  have: every member's *declared* uncompressed size is checked against :data:`MAX_TOTAL_BYTES` and
  its compression ratio against :data:`MAX_RATIO` before a byte is inflated (a zip bomb is refused
  at once; zipfile never inflates more than the declared size, and a lie fails its CRC);
* ``manifest.json``: the format version, the schema revision (the program's own), the table list
  (exactly the schema's tables) and a row count per table;
* every table's JSON-lines file: each line at most :data:`MAX_LINE_BYTES` (read with a bounded
  ``readline``, so a 2 GB line costs no more than that), a JSON object with exactly the table's
  columns, each value of the column's type (integers in range, text within its length, aware
  ISO dates, UUIDs, base64) and present where the column is NOT NULL; and as many lines as the
  manifest says (a truncated file is refused, not half restored).

:func:`read_rows` is shared with the load, which decodes the same lines again in its transaction;
what only the database can tell (foreign keys, unique keys) is located there (core.admin.backup).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Float, Integer, LargeBinary, SmallInteger, String, Table, Uuid

from base.errors import InvalidInput
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.infra.bulk import map_distinct
from core.models.base import Base, UTCDateTime

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1 << 20
MAX_LINE_BYTES = 128 << 20         # a study material's original PDF (≤ 50 MB) in base64, with room to spare
MAX_TOTAL_BYTES = 32 << 30         # every member, uncompressed
MAX_RATIO = 200                    # JSON lines of real tables compress 5-20:1; zeros 1000:1
RATIO_FLOOR = 1 << 20              # smaller members are not ratio-checked
AUTO_MEMBERS = frozenset({"meta.json", "studyhall.db"})   # an automatic backup (core.admin.autobackup)


class BackupRefused(InvalidInput):
    """A backup that cannot be restored whole; the message names the zip and where the problem is."""

    def __init__(self, source: str, problem: str, *, member: str | None = None, line: int | None = None,
                 column: str | None = None) -> None:
        self.source, self.problem = source, problem
        self.member, self.line, self.column = member, line, column
        where = member or ""
        if line is not None:
            where = _("{file} 第 {line} 行", file=where, line=line)
        if column is not None:
            where = _("{where}，列 {column}", where=where, column=column)
        text = f"{where}：{problem}" if where else problem
        super().__init__(_("无法恢复 {zip}（数据库未作任何改动）：{problem}", zip=source, problem=text))


@dataclass(frozen=True, slots=True)
class CheckedBackup:
    """What a checked backup holds: the tables in load order and the rows of each."""

    manifest: dict[str, Any]
    tables: list[Table]
    counts: dict[str, int]


def schema_tables() -> list[Table]:
    import core.models  # noqa: F401  (registers every table)

    return list(Base.metadata.sorted_tables)


def member_name(table: Table) -> str:
    return f"{table.name}.jsonl"


def open_backup(source: Path) -> zipfile.ZipFile:
    """Open ``source`` and check its members before anything is read from them."""
    try:
        zf = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput(_("{f} 不是 StudyHall 备份文件：{e}", f=source.name, e=exc)) from exc
    try:
        check_members(zf, source.name, {MANIFEST} | {member_name(t) for t in schema_tables()})
    except BaseException:
        zf.close()
        raise
    return zf


def unsafe_path(name: str) -> bool:
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    return (not name or "\x00" in name or posix.is_absolute() or windows.is_absolute() or bool(windows.drive)
            or ".." in posix.parts or ".." in windows.parts)


def check_members(zf: zipfile.ZipFile, source: str, allowed: set[str] | frozenset[str], *,
                  max_ratio: int | None = MAX_RATIO) -> None:
    """Names, sizes and compression of every member, from the central directory only."""
    seen: set[str] = set()
    total = 0
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if MANIFEST in allowed and names >= AUTO_MEMBERS:
        raise BackupRefused(source, _("这是自动备份，请在“备份”页或用命令 db restore-auto 恢复"))
    for info in infos:
        name = info.filename
        if unsafe_path(name):
            raise BackupRefused(source, _("文件路径不安全：{name}", name=name))
        if name not in allowed:
            raise BackupRefused(source, _("备份中有不属于备份的文件：{name}", name=name))
        if name in seen:
            raise BackupRefused(source, _("文件重复出现：{name}", name=name))
        seen.add(name)
        if info.flag_bits & 0x1:
            raise BackupRefused(source, _("文件已加密，无法读取"), member=name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BackupRefused(source, _("不支持的压缩方式（{m}）", m=info.compress_type), member=name)
        if (max_ratio is not None and info.file_size > RATIO_FLOOR
                and info.file_size > max(info.compress_size, 1) * max_ratio):
            raise BackupRefused(source, _("压缩比异常（{r}:1），可能是恶意构造的压缩包",
                                          r=info.file_size // max(info.compress_size, 1)), member=name)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise BackupRefused(source, _("解压后共 {n}，超过上限 {m}", n=human_size(total), m=human_size(MAX_TOTAL_BYTES)))


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def read_manifest(zf: zipfile.ZipFile, source: str, revision: str | None) -> CheckedBackup:
    """The manifest, checked against the schema of this program and the database's revision."""
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise BackupRefused(source, _("缺少 {file}，不是 StudyHall 备份文件", file=MANIFEST)) from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupRefused(source, _("文件过大（{n}）", n=human_size(info.file_size)), member=MANIFEST)
    try:
        manifest = json.loads(_read_member(zf, source, MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupRefused(source, _("不是有效的 JSON：{e}", e=exc), member=MANIFEST) from exc
    if not isinstance(manifest, dict):
        raise BackupRefused(source, _("不是有效的备份清单"), member=MANIFEST)
    version = manifest.get("studyhall_backup")
    if version != FORMAT_VERSION:
        raise BackupRefused(source, _("备份格式版本 {v} 不受支持（本程序支持 {w}）", v=version, w=FORMAT_VERSION),
                            member=MANIFEST)
    if manifest.get("revision") != revision:
        raise BackupRefused(source, _("备份的数据库版本（{a}）与当前程序（{b}）不一致，请使用相同版本的程序恢复",
                                      a=manifest.get("revision"), b=revision), member=MANIFEST)
    tables = schema_tables()
    listed = manifest.get("tables")
    if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed) or len(set(listed)) != len(listed):
        raise BackupRefused(source, _("数据表清单无效"), member=MANIFEST, column="tables")
    names = {t.name for t in tables}
    if missing := sorted(names - set(listed)):
        raise BackupRefused(source, _("缺少数据表：{t}", t="、".join(missing)), member=MANIFEST, column="tables")
    if unknown := sorted(set(listed) - names):
        raise BackupRefused(source, _("有本程序不认识的数据表：{t}", t="、".join(unknown)), member=MANIFEST,
                            column="tables")
    counts = manifest.get("counts")
    if not isinstance(counts, dict):
        raise BackupRefused(source, _("缺少各表的行数"), member=MANIFEST, column="counts")
    for name in listed:
        n = counts.get(name)
        if type(n) is not int or n < 0:
            raise BackupRefused(source, _("数据表 {t} 的行数无效：{n}", t=name, n=n), member=MANIFEST, column="counts")
    for table in tables:
        if member_name(table) not in zf.NameToInfo:
            raise BackupRefused(source, _("缺少 {file}", file=member_name(table)))
    return CheckedBackup(manifest, tables, {t.name: counts[t.name] for t in tables})


def _read_member(zf: zipfile.ZipFile, source: str, name: str) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BackupRefused(source, _("文件已损坏：{e}", e=exc), member=name) from exc


# --- the lines of a table ------------------------------------------------------------------------

Decoder = Callable[[Any], Any]


def _int_range(column_type: Any) -> tuple[int, int]:
    bits = 64 if isinstance(column_type, BigInteger) else 16 if isinstance(column_type, SmallInteger) else 32
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def column_decoder(column_type: Any) -> Decoder | None:
    """A function that checks and decodes one JSON value for a column type (None: taken as it is)."""
    if isinstance(column_type, UTCDateTime):
        return _datetime
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, Uuid):
        return _uuid
    if isinstance(column_type, LargeBinary):
        return _binary
    if isinstance(column_type, Boolean):
        return _bool
    if isinstance(column_type, Integer):
        low, high = _int_range(column_type)

        def integer(v: Any) -> int:
            if type(v) is not int:
                raise ValueError(_("应为整数，实为 {v}", v=_show(v)))
            if not low <= v <= high:
                raise ValueError(_("整数 {v} 超出范围", v=v))
            return v

        return integer
    if isinstance(column_type, Float):
        return _number
    if isinstance(column_type, String):
        length = column_type.length

        def text(v: Any) -> str:
            if not isinstance(v, str):
                raise ValueError(_("应为文字，实为 {v}", v=_show(v)))
            if length is not None and len(v) > length:
                raise ValueError(_("文字长 {n} 个字，超过上限 {m}", n=len(v), m=length))
            return v

        return text
    return None


def _show(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 40 else text[:40] + "…"


def _datetime(v: Any) -> dt.datetime:
    try:
        if not isinstance(v, str):
            raise ValueError
        value = dt.datetime.fromisoformat(v)
    except ValueError:
        raise ValueError(_("不是有效的日期时间：{v}", v=_show(v))) from None
    if value.tzinfo is None:
        raise ValueError(_("日期时间缺少时区：{v}", v=_show(v)))
    return value.astimezone(dt.UTC)


def _date(v: Any) -> dt.date:
    try:
        if not isinstance(v, str):
            raise ValueError
        return dt.date.fromisoformat(v)
    except ValueError:
        raise ValueError(_("不是有效的日期：{v}", v=_show(v))) from None


def _uuid(v: Any) -> uuid.UUID:
    try:
        if not isinstance(v, str):
            raise ValueError
        return uuid.UUID(v)
    except ValueError:
        raise ValueError(_("不是有效的 UUID：{v}", v=_show(v))) from None


def _binary(v: Any) -> bytes:
    try:
        if not isinstance(v, str):
            raise ValueError
        return base64.b64decode(v, validate=True)
    except (ValueError, binascii.Error):
        raise ValueError(_("不是有效的 base64 数据：{v}", v=_show(v))) from None


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise ValueError(_("应为 true 或 false，实为 {v}", v=_show(v)))
    return v


def _number(v: Any) -> float:
    if type(v) not in (int, float) or not math.isfinite(v):
        raise ValueError(_("应为数字，实为 {v}", v=_show(v)))
    return float(v)


class ColumnError(ValueError):
    """A value of a column that does not decode: its index in the column and the reason."""

    def __init__(self, index: int, problem: str) -> None:
        super().__init__(problem)
        self.index = index


def decode_column(values: list[Any], decode: Decoder | None, nullable: bool) -> list[Any]:
    """Every value of one column checked and decoded, column-wise (each distinct value once, see
    :func:`core.infra.bulk.map_distinct`); :class:`ColumnError` names the first bad value."""
    if not nullable and None in values:
        raise ColumnError(values.index(None), _("不能为空"))
    if decode is None:
        return values
    try:
        return map_distinct(decode, values)
    except ValueError:
        for i, value in enumerate(values):        # the first bad value, by its row
            if value is not None:
                try:
                    decode(value)
                except ValueError as exc:
                    raise ColumnError(i, str(exc)) from None
        raise


def no_constants(name: str) -> Any:
    raise ValueError(_("JSON 中不允许 {c}", c=name))


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    decode: Decoder | None
    nullable: bool


def _columns(table: Table) -> list[_Column]:
    return [_Column(c.name, column_decoder(c.type), bool(c.nullable)) for c in table.columns]


def read_rows(zf: zipfile.ZipFile, source: str, table: Table,
              cancel: CancelToken | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, decoded row) for every line of ``table``'s file; refuses the first bad line."""
    name = member_name(table)
    columns = _columns(table)
    wanted = {c.name for c in columns}
    line = 0
    try:
        with zf.open(name) as fh:
            while True:
                raw = fh.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                line += 1
                if line % 1000 == 0 and cancel is not None:
                    cancel.check()
                if len(raw) > MAX_LINE_BYTES:
                    raise BackupRefused(source, _("这一行超过 {m}", m=human_size(MAX_LINE_BYTES)), member=name,
                                        line=line)
                yield line, _decode_line(raw, columns, wanted, source, name, line)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BackupRefused(source, _("文件已损坏：{e}", e=exc), member=name, line=line or None) from exc


def _decode_line(raw: bytes, columns: list[_Column], wanted: set[str], source: str, name: str,
                 line: int) -> dict[str, Any]:
    try:
        row = json.loads(raw, parse_constant=no_constants)
    except (ValueError, RecursionError) as exc:
        raise BackupRefused(source, _("不是有效的 JSON：{e}", e=exc), member=name, line=line) from None
    if not isinstance(row, dict):
        raise BackupRefused(source, _("应为一行一个 JSON 对象"), member=name, line=line)
    if row.keys() != wanted:
        missing = [c.name for c in columns if c.name not in row]
        if missing:
            raise BackupRefused(source, _("缺少这一列"), member=name, line=line, column=missing[0])
        extra = sorted(set(row) - wanted)
        raise BackupRefused(source, _("数据表中没有这一列"), member=name, line=line, column=extra[0])
    for col in columns:
        value = row[col.name]
        if value is None:
            if not col.nullable:
                raise BackupRefused(source, _("不能为空"), member=name, line=line, column=col.name)
            continue
        if col.decode is not None:
            try:
                row[col.name] = col.decode(value)
            except ValueError as exc:
                raise BackupRefused(source, str(exc), member=name, line=line, column=col.name) from None
    return row


def check_backup(zf: zipfile.ZipFile, source: str, revision: str | None, *, progress: ProgressSink = no_progress,
                 cancel: CancelToken | None = None) -> CheckedBackup:
    """Read the whole backup once, storing nothing: every line must decode, every count must match."""
    checked = read_manifest(zf, source, revision)
    tables = checked.tables
    for i, table in enumerate(tables):
        progress(i, len(tables), _("正在检查第 {i} / {n} 张数据表", i=i + 1, n=len(tables)))
        n = sum(1 for _line in read_rows(zf, source, table, cancel))
        expected = checked.counts[table.name]
        if n != expected:
            raise BackupRefused(source, _("清单记录 {a} 行，文件中有 {b} 行（文件不完整或被改动）", a=expected, b=n),
                                member=member_name(table))
    return checked
