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
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

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
from quizbank.model import ImportResult, Problem, Question, Severity, SourceRef, StoreOutcome
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
    for q in result.questions:
        if result.is_checked(q):   # a reader validated it already (see ImportResult.checked)
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

    with db.transaction() as session:
        bank_row = session.scalar(select(Bank).where(Bank.name == bank))
        existing: dict[str, SourceRef | None] = {}
        if bank_row is not None:
            existing = dict.fromkeys(session.scalars(select(QuestionRow.content_hash).where(
                QuestionRow.bank_id == bank_row.id, QuestionRow.is_current)))
        fresh: list[tuple[Question, str]] = []
        for q in valid:
            h = q.content_hash()
            if h in existing:
                report.duplicates += 1
                report.problems.append(_duplicate_problem(q, existing[h]))
                continue
            existing[h] = q.source
            fresh.append((q, h))
        report.questions = [q for q, _h in fresh]
        report.imported = len(fresh)
        report.by_type = dict(Counter(str(q.qtype) for q, _h in fresh))
        has_errors = any(p.severity is Severity.ERROR for p in report.problems)
        if dry_run or (has_errors and not skip_invalid):
            session.rollback()
            if not dry_run:
                report.imported = 0
            return report
        if cancel is not None:
            cancel.check()
        progress(0, len(fresh), _("正在保存题目"))
        if bank_row is None:
            bank_row = Bank(name=bank, created_at=utcnow())
            session.add(bank_row)
            session.flush()
        if any(q.media for q, _h in fresh):
            store = media_store or media_dir()
            for q, _h in fresh:
                if q.media:
                    _store_media(q, report.problems, store)
        _insert_rows(session, bank_row.id, fresh)
        audit.record(session, "bank.import", actor_id=actor_id, target_type="bank", target_id=bank,
                     imported=report.imported, duplicates=report.duplicates, invalid=report.invalid)
        report.stored = True
    progress(len(fresh), len(fresh), _("正在保存题目"))
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


def _insert_rows(session: Session, bank_id: int, fresh: list[tuple[Question, str]]) -> None:
    """One ``executemany`` of plain tuples: no ORM objects, JSON encoded once here.

    SQLite gets the DB-API ``executemany`` directly (the bulk path the benchmark
    measures); other backends go through SQLAlchemy Core with the same rows.
    """
    if not fresh:
        return
    now = utcnow()
    table = QuestionRow.__table__
    if session.get_bind().dialect.name == "sqlite":
        dumps = _json_list
        stamp = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        # Random ids handed out in ascending order: the unique (lineage, version) index then grows at
        # its end instead of splitting pages all over (about a tenth of the insert time).
        lineages = iter(sorted(_uuid4_hexes(len(fresh))))
        # str() of a QType is its value, without the enum's slower ``.value`` property.
        rows = [
            (next(lineages), 1, 1, 1, bank_id, str(q.qtype), q.stem, dumps(q.options), dumps(q.answer),
             dumps(q.blanks), q.explanation, q.category, dumps(q.tags), q.difficulty, q.score, dumps(q.media), h,
             stamp)
            for q, h in fresh
        ]
        cols = ", ".join(_SQLITE_COLUMNS)
        marks = ", ".join("?" * len(_SQLITE_COLUMNS))
        session.connection().exec_driver_sql(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", rows)
        return
    session.execute(insert(table), [
        {
            "lineage": uuid.uuid4(), "version": 1, "is_current": True, "active": True,
            "bank_id": bank_id, "qtype": q.qtype.value, "stem": q.stem, "options": q.options,
            "answer": q.answer, "blanks": q.blanks, "explanation": q.explanation, "category": q.category,
            "tags": q.tags, "difficulty": q.difficulty, "score": q.score, "media": q.media,
            "content_hash": h, "created_at": now,
        }
        for q, h in fresh
    ])


def _uuid4_hexes(n: int) -> Iterator[str]:
    """``n`` random (version 4) UUIDs as 32-digit hex, from one ``os.urandom`` call (uuid4() costs ~7 µs each)."""
    pool = bytearray(os.urandom(16 * n))
    for i in range(0, 16 * n, 16):
        pool[i + 6] = (pool[i + 6] & 0x0F) | 0x40
        pool[i + 8] = (pool[i + 8] & 0x3F) | 0x80
        yield pool[i:i + 16].hex()


_encode_str = json.encoder.encode_basestring   # the C string encoder json.dumps uses (ensure_ascii=False)


def _json_list(items: list[object]) -> str:
    """JSON for the model's lists (strings, or lists of strings for blanks) without json.dumps' per-call setup."""
    if not items:
        return "[]"
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


_SQLITE_COLUMNS = ("lineage", "version", "is_current", "active", "bank_id", "qtype", "stem", "options", "answer",
                   "blanks", "explanation", "category", "tags", "difficulty", "score", "media", "content_hash",
                   "created_at")


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
