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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core import audit
from core.clock import utcnow
from core.db import Database
from core.errors import DatabaseError, InvalidInput
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
    on_checked: Callable[[Sequence[Question]], None] | None = None,
) -> ImportResult:
    """Parse every file; an unreadable or unsupported file becomes a located error, not an exception.

    ``on_checked`` receives questions while they are read (see ``ReadOptions.on_checked``).
    """
    with _bulk():
        return _read_files(paths, format_name, columns, media_dir, progress, cancel or CancelToken(), on_checked)


def _read_files(paths: Sequence[Path], format_name: str | None, columns: dict[str, int] | None,
                media_dir: Path | None, progress: ProgressSink, cancel: CancelToken,
                on_checked: Callable[[Sequence[Question]], None] | None) -> ImportResult:
    merged = ImportResult()
    for i, path in enumerate(paths):
        cancel.check()
        progress(i, len(paths), path.name)
        options = formats.ReadOptions(columns=columns, media_dir=media_dir, progress=progress, cancel=cancel,
                                      on_checked=on_checked)
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


def _media_names(question: Question, problems: list[Problem], store: Path) -> list[tuple[Path, Path]]:
    """Name the question's media by content (sha1) in the store; returns the copies to make.

    Missing files become warnings. Nothing is copied here: the import copies the files only
    once it is sure to be stored.
    """
    kept: list[str] = []
    copies: list[tuple[Path, Path]] = []
    for ref in question.media:
        src = Path(ref)
        if not src.is_file():
            problems.append(Problem(file=question.source.file, row=question.source.row, line=question.source.line,
                                    sheet=question.source.sheet, field=_("图片"), severity=Severity.WARNING,
                                    message=_("图片文件不存在：{f}", f=src.name)))
            continue
        name = f"{hashlib.sha1(src.read_bytes()).hexdigest()}{src.suffix.lower()}"
        copies.append((src, store / name))
        kept.append(name)
    question.media = kept
    return copies


class _Importer:
    """Validates, de-duplicates and stores questions as they arrive, in the caller's transaction.

    Questions come in file order, all at once (:func:`import_result`) or while the files
    are still being read (:func:`import_files`); a :class:`_RowWriter` stores them chunk
    by chunk. Whether the import is kept is decided in :meth:`finish`, once every problem
    is known: with errors (and without ``skip_invalid``) or on a dry run the transaction
    is rolled back and nothing, media included, is stored.
    """

    def __init__(self, session: Session, *, bank: str, category: str | None, dry_run: bool, skip_invalid: bool,
                 media_store: Path | None, actor_id: int | None, progress: ProgressSink,
                 cancel: CancelToken | None, total: int | None = None) -> None:
        self.session, self.bank, self.category = session, bank, category
        self.dry_run, self.skip_invalid, self.actor_id = dry_run, skip_invalid, actor_id
        self.progress, self.cancel, self.total = progress, cancel, total
        self.store = media_store
        self.bank_row = session.scalar(select(Bank).where(Bank.name == bank))
        self.existing: dict[str, SourceRef | None] = {}
        if self.bank_row is not None:
            self.existing = dict.fromkeys(session.scalars(select(QuestionRow.content_hash).where(
                QuestionRow.bank_id == self.bank_row.id, QuestionRow.is_current)))
        self.pending: list[Question] = []
        self.fresh: list[Question] = []
        self.invalid: list[Problem] = []       # questions that fail validation here
        self.duplicates: list[Problem] = []
        self.media_warnings: list[Problem] = []
        self.copies: list[tuple[Path, Path]] = []
        self.done = 0
        self.writer = _RowWriter(session)

    def __enter__(self) -> _Importer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.writer.__exit__(*exc)

    def add(self, questions: Sequence[Question], checked: Callable[[Question], bool] | None = None) -> None:
        """Take questions in file order; ``checked`` says which a reader has validated (None: all)."""
        for q in questions:
            if checked is None or checked(q):
                self.pending.append(q)
                continue
            issues = q.problems()
            for fld, msg in issues:
                self.invalid.append(Problem(file=q.source.file, sheet=q.source.sheet, row=q.source.row,
                                            line=q.source.line, field=fld, message=msg))
            if not issues:
                self.pending.append(q)
        while len(self.pending) >= STORE_CHUNK:
            self._store(self.pending[:STORE_CHUNK])
            del self.pending[:STORE_CHUNK]

    def _store(self, chunk: list[Question]) -> None:
        if self.cancel is not None:
            self.cancel.check()
        if self.category:
            chunk = [q if q.category else replace(q, category=self.category) for q in chunk]
        new: list[tuple[Question, str]] = []
        for q, h in zip(chunk, content_hashes(chunk), strict=True):
            if h in self.existing:
                self.duplicates.append(_duplicate_problem(q, self.existing[h]))
                continue
            self.existing[h] = q.source
            new.append((q, h))
        self.fresh.extend(q for q, _h in new)
        self.done += len(chunk)
        if self.dry_run or not new:
            return
        store = self.store or media_dir()
        for q, _h in new:
            if q.media:
                self.copies.extend(_media_names(q, self.media_warnings, store))
        if self.bank_row is None:
            self.bank_row = Bank(name=self.bank, created_at=utcnow())
            self.session.add(self.bank_row)
            self.session.flush()
        self.writer.write(self.bank_row.id, new)
        if self.total is not None:
            self.progress(self.done, self.total, _("正在保存题目"))

    def finish(self, read_problems: Sequence[Problem]) -> ImportReport:
        """Store what is left, then keep the import or roll it back; the report says which."""
        if self.pending:
            self._store(self.pending)
            self.pending = []
        self.writer.close()
        report = ImportReport(bank=self.bank, dry_run=self.dry_run,
                              problems=[*read_problems, *self.invalid, *self.duplicates, *self.media_warnings])
        # Questions left out for errors: readers drop rows with errors, so count the located error places.
        report.invalid = len({(p.file, p.sheet, p.row, p.line) for p in report.problems
                              if p.severity is Severity.ERROR and (p.row is not None or p.line is not None)})
        report.duplicates = len(self.duplicates)
        report.questions = self.fresh
        report.imported = len(self.fresh)
        report.by_type = dict(Counter(str(q.qtype) for q in self.fresh))
        has_errors = any(p.severity is Severity.ERROR for p in report.problems)
        if self.dry_run or (has_errors and not self.skip_invalid):
            self.session.rollback()
            if not self.dry_run:
                report.imported = 0
            return report
        if self.bank_row is None:   # nothing new to store: the bank is still created
            self.bank_row = Bank(name=self.bank, created_at=utcnow())
            self.session.add(self.bank_row)
        for src, dst in self.copies:
            if not dst.exists():
                shutil.copyfile(src, dst)
        audit.record(self.session, "bank.import", actor_id=self.actor_id, target_type="bank", target_id=self.bank,
                     imported=report.imported, duplicates=report.duplicates, invalid=report.invalid)
        report.stored = True
        if self.total:
            self.progress(self.total, self.total, _("正在保存题目"))
        return report


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
    with _bulk(), db.transaction() as session, _Importer(
        session, bank=bank, category=category, dry_run=dry_run, skip_invalid=skip_invalid, media_store=media_store,
        actor_id=actor_id, progress=progress, cancel=cancel, total=len(result.questions),
    ) as importer:
        importer.add(result.questions, result.is_checked)
        return importer.finish(result.problems)


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
    SQLAlchemy Core ``executemany`` per chunk. :meth:`close` (or leaving the ``with``
    block) waits for the last chunk and re-raises a failed insert, before the
    transaction ends.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.bank_id = 0
        self.stamp = utcnow()
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.queue: queue.SimpleQueue[list[tuple[object, ...]] | None] = queue.SimpleQueue()
        self.failure: BaseException | None = None
        self.abandoned = False   # the import failed or was cancelled: skip what is still queued
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _RowWriter:
        return self

    def write(self, bank_id: int, new: list[tuple[Question, str]]) -> None:
        if not new:
            return
        self.bank_id = bank_id
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

    def close(self) -> None:
        """Wait for the chunks still queued; re-raise a failed insert."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.failure is not None:
            raise self.failure

    def __exit__(self, *exc: object) -> None:
        self.abandoned = exc[0] is not None
        if self.abandoned:
            self.failure = None   # the exception on its way out wins
        self.close()

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
            except sqlite3.Error as exc:   # as db.transaction() reports it (e.g. locked by another PC)
                self.failure = DatabaseError(_("数据库暂时无法写入：{e}", e=exc))
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
            for lineage, (q, h) in zip(lineages, new, strict=True)
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
    with tempfile.TemporaryDirectory(prefix="studyhall-import-") as tmp, _bulk(), db.transaction() as session, \
            _Importer(session, bank=bank, category=category, dry_run=dry_run, skip_invalid=skip_invalid,
                      media_store=media_store, actor_id=actor_id, progress=progress, cancel=cancel) as importer:
        # Questions are stored while the files are still being read (from readers that pass them on).
        streamed: set[int] = set()

        def on_checked(questions: Sequence[Question]) -> None:
            streamed.update(map(id, questions))
            importer.add(questions)

        result = read_files(paths, format_name=format_name, columns=columns, media_dir=Path(tmp),
                            progress=progress, cancel=cancel, on_checked=on_checked)
        importer.add([q for q in result.questions if id(q) not in streamed], result.is_checked)
        return importer.finish(result.problems)
