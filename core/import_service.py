# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The one import pipeline every question-bank format shares.

Formats only parse (``quizbank.formats``); this module validates, removes
duplicates (inside the files and against the bank), copies media into the
media store, and stores everything in one transaction. Default is
all-or-nothing: any error stores nothing. ``skip_invalid`` stores the valid
questions and reports the rest. The bulk insert is one Core ``executemany``:
no ORM objects on this path.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import queue
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core import audit
from core.clock import utcnow
from core.db import Database
from core.errors import InvalidInput
from core.models import Bank, QuestionRow
from core.paths import media_dir
from quizbank import formats
from quizbank.i18n import _
from quizbank.model import ImportResult, Problem, Question, Severity, SourceRef, StoreOutcome, content_hashes
from quizbank.tasks import CancelToken, ProgressSink, no_progress


@dataclass(slots=True)
class ImportReport(StoreOutcome):
    bank: str
    imported: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    invalid: int = 0
    problems: list[Problem] = field(default_factory=list)
    stored: bool = False
    dry_run: bool = False
    questions: list[Question] = field(default_factory=list)   # what would be / was stored

    def summary(self) -> str:
        if self.refused:
            return _("未导入：发现{n}个错误，请修正后重试（或勾选“跳过有错误的题目”）", n=len(self.errors))
        verb = _("可导入") if self.dry_run else _("已导入")
        text = _("{verb} {n} 题", verb=verb, n=self.imported)
        if self.duplicates:
            text += _("，跳过重复 {n} 题", n=self.duplicates)
        if self.invalid:
            text += _("，跳过有错误的 {n} 题", n=self.invalid)
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "bank": self.bank,
            "imported": self.imported,
            "by_type": self.by_type,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "stored": self.stored,
            "dry_run": self.dry_run,
            "problems": [p.to_dict() for p in self.problems],
        }


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading or storing a bank.

    A large import builds hundreds of thousands of long-lived objects (cells, questions,
    row tuples) that make no reference cycles; the collector would traverse them again
    and again (about a tenth of the import time) without finding garbage. Reference
    counting still frees everything as usual. Nested and concurrent uses only re-enable
    a collector they paused themselves.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def read_files(
    paths: Sequence[Path],
    *,
    format_name: str | None = None,
    columns: dict[str, int] | None = None,
    media_dir: Path | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Parse every file; an unreadable or unsupported file becomes a located error, not an exception."""
    with _bulk():
        return _read_files(paths, format_name, columns, media_dir, progress, cancel or CancelToken())


def _read_files(paths: Sequence[Path], format_name: str | None, columns: dict[str, int] | None,
                media_dir: Path | None, progress: ProgressSink, cancel: CancelToken) -> ImportResult:
    merged = ImportResult()
    for i, path in enumerate(paths):
        cancel.check()
        progress(i, len(paths), path.name)
        options = formats.ReadOptions(columns=columns, media_dir=media_dir, progress=progress, cancel=cancel)
        try:
            spec = formats.by_name(format_name) if format_name else formats.for_path(path)
            if not path.is_file():
                raise InvalidInput(_("文件不存在"))
            assert spec.read is not None
            merged.extend(spec.read(path, options))
        except (formats.UnsupportedFormat, InvalidInput) as exc:
            merged.problems.append(Problem(file=path.name, message=str(exc)))
        except OSError as exc:
            merged.problems.append(Problem(file=path.name, message=_("无法读取：{e}", e=exc.strerror or exc)))
    progress(len(paths), len(paths), "")
    return merged


def _store_media(question: Question, problems: list[Problem], store: Path) -> None:
    """Copy referenced media into the content-addressed store; missing files become warnings."""
    kept: list[str] = []
    for ref in question.media:
        src = Path(ref)
        if not src.is_file():
            problems.append(Problem(file=question.source.file, row=question.source.row, line=question.source.line,
                                    sheet=question.source.sheet, field=_("图片"), severity=Severity.WARNING,
                                    message=_("图片文件不存在：{f}", f=src.name)))
            continue
        digest = hashlib.sha1(src.read_bytes()).hexdigest()
        name = f"{digest}{src.suffix.lower()}"
        dst = store / name
        if not dst.exists():
            shutil.copyfile(src, dst)
        kept.append(name)
    question.media = kept


def import_result(
    db: Database,
    result: ImportResult,
    *,
    bank: str,
    category: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    media_store: Path | None = None,
    actor_id: int | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Validate, de-duplicate and store what the readers understood (all-or-nothing by default)."""
    with _bulk():
        return _import_result(db, result, bank=bank, category=category, dry_run=dry_run, skip_invalid=skip_invalid,
                              media_store=media_store, actor_id=actor_id, progress=progress, cancel=cancel)


def _import_result(
    db: Database,
    result: ImportResult,
    *,
    bank: str,
    category: str | None,
    dry_run: bool,
    skip_invalid: bool,
    media_store: Path | None,
    actor_id: int | None,
    progress: ProgressSink,
    cancel: CancelToken | None,
) -> ImportReport:
    report = ImportReport(bank=bank, dry_run=dry_run, problems=list(result.problems))
    valid: list[Question] = []
    checked = result.checked
    for q in result.questions:
        if checked.get(id(q)) is q:   # a reader validated it already (see ImportResult.is_checked)
            valid.append(q)
            continue
        issues = q.problems()
        if issues:
            for fld, msg in issues:
                report.problems.append(Problem(file=q.source.file, sheet=q.source.sheet, row=q.source.row,
                                               line=q.source.line, field=fld, message=msg))
        else:
            valid.append(q)
    # Questions left out for errors: readers drop rows with errors, so count the located error places.
    report.invalid = len({(p.file, p.sheet, p.row, p.line) for p in report.problems
                          if p.severity is Severity.ERROR and (p.row is not None or p.line is not None)})
    if category:
        valid = [q if q.category else replace(q, category=category) for q in valid]

    has_errors = any(p.severity is Severity.ERROR for p in report.problems)
    storing = not dry_run and not (has_errors and not skip_invalid)
    with db.transaction() as session:
        bank_row = session.scalar(select(Bank).where(Bank.name == bank))
        existing: dict[str, SourceRef | None] = {}
        if bank_row is not None:
            existing = dict.fromkeys(session.scalars(select(QuestionRow.content_hash).where(
                QuestionRow.bank_id == bank_row.id, QuestionRow.is_current)))
        if storing:
            progress(0, len(valid), _("正在保存题目"))
            if bank_row is None:
                bank_row = Bank(name=bank, created_at=utcnow())
                session.add(bank_row)
                session.flush()
        store = (media_store or media_dir()) if storing else None
        fresh: list[Question] = []
        # Chunk by chunk: hashing and encoding the next chunk overlaps storing the last one.
        with _RowWriter(session, bank_row.id if bank_row is not None else None) as writer:
            for start in range(0, len(valid), STORE_CHUNK):
                chunk = valid[start:start + STORE_CHUNK]
                new: list[tuple[Question, str]] = []
                for q, h in zip(chunk, content_hashes(chunk)):
                    if h in existing:
                        report.duplicates += 1
                        report.problems.append(_duplicate_problem(q, existing[h]))
                        continue
                    existing[h] = q.source
                    new.append((q, h))
                fresh.extend(q for q, _h in new)
                if store is not None:
                    if cancel is not None:
                        cancel.check()
                    for q, _h in new:
                        if q.media:
                            _store_media(q, report.problems, store)
                    writer.write(new)
                    progress(start + len(chunk), len(valid), _("正在保存题目"))
        report.questions = fresh
        report.imported = len(fresh)
        report.by_type = dict(Counter(str(q.qtype) for q in fresh))
        if not storing:
            session.rollback()
            if not dry_run:
                report.imported = 0
            return report
        audit.record(session, "bank.import", actor_id=actor_id, target_type="bank", target_id=bank,
                     imported=report.imported, duplicates=report.duplicates, invalid=report.invalid)
        report.stored = True
    return report


def _duplicate_problem(q: Question, first: SourceRef | None) -> Problem:
    src = q.source
    if first is None:
        message = _("与题库中已有的题目重复，已跳过")
    else:
        where = Problem(file=first.file, message="", sheet=first.sheet, row=first.row, line=first.line).location()
        message = _("与{where}的题目重复，已跳过", where=where)
    return Problem(file=src.file, sheet=src.sheet, row=src.row, line=src.line, field=_("题干"),
                   severity=Severity.WARNING, message=message)


STORE_CHUNK = 1000   # questions hashed, encoded and stored at a time


class _RowWriter:
    """Stores chunks of new questions in the session's transaction.

    On SQLite a helper thread runs each chunk as one multi-row ``INSERT`` (a single
    step, during which sqlite3 releases the GIL) while the import goes on with the
    next chunk; rows are plain tuples, never ORM objects. Other databases get one
    SQLAlchemy Core ``executemany`` per chunk. Leaving the ``with`` block waits for
    the last chunk and re-raises a failed insert, before the transaction ends.
    """

    def __init__(self, session: Session, bank_id: int | None) -> None:
        self.session = session
        self.bank_id = bank_id
        self.stamp = utcnow()
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.queue: queue.SimpleQueue[list[tuple[object, ...]] | None] = queue.SimpleQueue()
        self.failure: BaseException | None = None
        self.abandoned = False   # the import failed or was cancelled: skip what is still queued
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _RowWriter:
        return self

    def write(self, new: list[tuple[Question, str]]) -> None:
        if not new:
            return
        if self.failure is not None:
            raise self.failure
        if not self.sqlite:
            self.session.execute(insert(QuestionRow.__table__), self._core_rows(new))
            return
        if self.thread is None:
            dbapi = self.session.connection().connection.driver_connection
            self.thread = threading.Thread(target=self._run, args=(dbapi,), name="bank-import-writer", daemon=True)
            self.thread.start()
        self.queue.put(self._sqlite_rows(new))

    def __exit__(self, *exc: object) -> None:
        self.abandoned = exc[0] is not None
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.failure is not None and exc[0] is None:
            raise self.failure

    def _run(self, dbapi: Any) -> None:
        per_statement = max(1, _variable_limit(dbapi) // len(_SQLITE_PARAMS))
        while (rows := self.queue.get()) is not None:
            if self.failure is not None or self.abandoned:
                continue   # drain the queue; __exit__ re-raises a failure
            try:
                cursor = dbapi.cursor()
                for i in range(0, len(rows), per_statement):
                    part = rows[i:i + per_statement]
                    cursor.execute(self._sqlite_insert(len(part)), [v for row in part for v in row])
                cursor.close()
            except BaseException as exc:  # noqa: BLE001 - handed to the importing thread
                self.failure = exc

    def _sqlite_insert(self, n: int) -> str:
        # Constant columns are literals: bank id and a fixed-format timestamp (SQLAlchemy's SQLite text).
        stamp = self.stamp.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        row = f"(?, 1, 1, 1, {int(self.bank_id or 0)}, {', '.join('?' * (len(_SQLITE_PARAMS) - 1))}, '{stamp}')"
        cols = ", ".join(("lineage", "version", "is_current", "active", "bank_id", *_SQLITE_PARAMS[1:], "created_at"))
        return f"INSERT INTO {QuestionRow.__tablename__} ({cols}) VALUES " + ", ".join([row] * n)

    @staticmethod
    def _sqlite_rows(new: list[tuple[Question, str]]) -> list[tuple[object, ...]]:
        """Rows in :data:`_SQLITE_PARAMS` order, as SQLAlchemy would store them (hex UUIDs, JSON text)."""
        dumps = _json_list
        # Random ids handed out in ascending order: the unique (lineage, version) index then grows at
        # its end instead of splitting pages all over (about a tenth of the insert time).
        lineages = _uuid4_hexes(len(new))
        lineages.sort()
        # str() of a QType is its value, without the enum's slower ``.value`` property.
        return [
            (lineage, str(q.qtype), q.stem, dumps(q.options) if q.options else "[]", dumps(q.answer) if q.answer else "[]",
             dumps(q.blanks) if q.blanks else "[]", q.explanation, q.category, dumps(q.tags) if q.tags else "[]",
             q.difficulty, q.score, dumps(q.media) if q.media else "[]", h)
            for lineage, (q, h) in zip(lineages, new)
        ]

    def _core_rows(self, new: list[tuple[Question, str]]) -> list[dict[str, object]]:
        return [
            {
                "lineage": uuid.uuid4(), "version": 1, "is_current": True, "active": True,
                "bank_id": self.bank_id, "qtype": q.qtype.value, "stem": q.stem, "options": q.options,
                "answer": q.answer, "blanks": q.blanks, "explanation": q.explanation, "category": q.category,
                "tags": q.tags, "difficulty": q.difficulty, "score": q.score, "media": q.media,
                "content_hash": h, "created_at": self.stamp,
            }
            for q, h in new
        ]


def _variable_limit(dbapi: Any) -> int:
    """Most ``?`` one SQLite statement may hold (999 before SQLite 3.32, 32766 since)."""
    try:
        return int(dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    except (AttributeError, sqlite3.Error):
        return 999


def _uuid4_hexes(n: int) -> list[str]:
    """``n`` random (version 4) UUIDs as 32-digit hex, from one ``os.urandom`` call (uuid4() costs ~7 µs each)."""
    pool = bytearray(os.urandom(16 * n))
    pool[6::16] = pool[6::16].translate(_VERSION_4)    # version nibble 4
    pool[8::16] = pool[8::16].translate(_VARIANT_RFC)  # variant bits 10
    digits = pool.hex()
    return [digits[i:i + 32] for i in range(0, 32 * n, 32)]


_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT_RFC = bytes((b & 0x3F) | 0x80 for b in range(256))


_encode_str = json.encoder.encode_basestring   # the C string encoder json.dumps uses (ensure_ascii=False)


def _json_list(items: list[object]) -> str:
    """JSON for the model's lists (strings, or lists of strings for blanks) without json.dumps' per-call setup."""
    if not items:
        return "[]"
    if type(items[0]) is str:
        try:  # the usual list of strings in one go; the encoder refuses anything else
            return "[" + ",".join(map(_encode_str, items)) + "]"  # type: ignore[arg-type]
        except TypeError:
            pass
    parts = []
    for item in items:
        if isinstance(item, str):
            parts.append(_encode_str(item))
        elif isinstance(item, list):
            parts.append(_json_list(item))
        else:
            parts.append(json.dumps(item, ensure_ascii=False))
    return "[" + ",".join(parts) + "]"


# The columns each stored row binds, in order (the others are literals in the statement).
_SQLITE_PARAMS = ("lineage", "qtype", "stem", "options", "answer", "blanks", "explanation", "category", "tags",
                  "difficulty", "score", "media", "content_hash")


def import_files(
    db: Database,
    paths: Sequence[Path],
    *,
    bank: str,
    category: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    format_name: str | None = None,
    columns: dict[str, int] | None = None,
    media_store: Path | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    actor_id: int | None = None,
) -> ImportReport:
    """Read ``paths`` and store them in ``bank`` (created when missing).

    Pictures embedded in the files are extracted into a temporary folder and copied
    into the media store only when the import is stored.
    """
    with tempfile.TemporaryDirectory(prefix="studyhall-import-") as tmp:
        result = read_files(paths, format_name=format_name, columns=columns, media_dir=Path(tmp),
                            progress=progress, cancel=cancel)
        return import_result(db, result, bank=bank, category=category, dry_run=dry_run, skip_invalid=skip_invalid,
                             media_store=media_store, actor_id=actor_id, progress=progress, cancel=cancel)
