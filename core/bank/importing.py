# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The one import pipeline every question-bank format shares.

Formats only parse (``quizbank.formats``); this module validates, removes
duplicates (inside the files and against the bank), copies media into the
media store, and stores everything in one transaction. Default is
all-or-nothing: any error stores nothing. ``skip_invalid`` stores the valid
questions and reports the rest. Storing overlaps reading, chunk by chunk, and
uses no ORM objects (``core.bank.writer``).
"""

from __future__ import annotations

import gc
import hashlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from base.limits import LIMIT, Deadline, LimitExceeded, TextBudget, TimedCancel, check_file_size
from base.problems import Problem, Severity, StoreOutcome
from base.progress import CancelToken, ProgressSink, no_progress
from core.bank.duplicates import DuplicateIndex
from core.bank.writer import QuestionWriter
from core.infra import audit
from core.infra.clock import utcnow
from core.infra.db import Database
from core.infra.paths import media_dir
from core.models import Bank
from quizbank import formats
from quizbank.layout import SUPPORTED, describe
from quizbank.model import NO_QUESTIONS, CleanTexts, ImportResult, Layout, Question, SourceRef, content_hashes


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
    # What would be / was stored: from import_result (the questions are held anyway); import_files
    # lets them go once stored and only counts them (imported, by_type).
    questions: list[Question] = field(default_factory=list)
    layouts: list[Layout] = field(default_factory=list)       # how each file or sheet was read
    empty: bool = False        # the files gave no question at all: a refusal, dry run or not

    def summary(self) -> str:
        """What happened, without naming how to skip errors (the GUI and the CLI each say that their way)."""
        errors = [p for p in self.errors if p.code != NO_QUESTIONS]
        if errors and (self.refused or self.empty):
            return _("未导入：发现{n}个错误，请修正后重试", n=len(errors))
        if self.empty:
            return _("未导入：没有读到任何试题")
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
            "layouts": [{"file": lay.file, "sheet": lay.sheet, "kind": lay.kind, "columns": lay.columns,
                         "mark": lay.mark, "description": describe(lay)} for lay in self.layouts],
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
            # What the import built and still holds (its report) would otherwise all be traversed
            # by the first young collection after this; it makes no cycles either, so it goes
            # straight to the oldest generation (freeze + unfreeze moves every tracked object there).
            gc.freeze()
            gc.unfreeze()
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
        # Readers check for cancellation in their loops: the same checks keep the wall-time limit.
        timed = TimedCancel(cancel, Deadline.for_file(path))
        options = formats.ReadOptions(columns=columns, media_dir=media_dir, progress=progress, cancel=timed,
                                      on_checked=on_checked)
        try:
            spec = formats.by_name(format_name) if format_name else formats.for_path(path)
            if not path.is_file():
                raise InvalidInput(_("文件不存在"))
            check_file_size(path)
            assert spec.read is not None
            read = spec.read(path, options)
            _check_text(read, path)
            merged.extend(read)
        except LimitExceeded as exc:
            merged.problems.append(exc.problem)
        except InvalidInput as exc:   # FormatError included
            merged.problems.append(Problem(file=path.name, message=str(exc)))
        except OSError as exc:
            merged.problems.append(Problem(file=path.name, message=_("无法读取：{e}", e=exc.strerror or exc)))
    progress(len(paths), len(paths), "")
    return merged


def _check_text(result: ImportResult, path: Path) -> None:
    """The limits of :mod:`base.limits` on the texts of questions a reader returned (grid readers
    count their cells as they read and return checked questions; the others are counted here)."""
    budget = TextBudget.for_file(path)
    for q in result.questions:
        if result.is_checked(q):
            continue
        for text in (q.stem, q.explanation, *q.options, *map(str, q.answer), *(a for b in q.blanks for a in b)):
            budget.field(len(text), sheet=q.source.sheet, row=q.source.row, line=q.source.line)
            budget.add(len(text))


PREVIEW_ROWS = 12   # rows shown on the column-mapping page


def first_rows(path: Path, limit: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first rows of a spreadsheet or CSV file as displayed text (its first sheet with data), for
    mapping the columns of a sheet without a header row."""
    try:
        spec = formats.for_path(path)
        if spec.name == "csv":
            from quizbank.formats import csvfile

            return csvfile.preview(path, limit)
        from quizbank.formats import spreadsheet

        for _name, rows in spreadsheet.preview(path, limit):
            if any(any(c for c in r) for r in rows):
                return rows
        return []
    except OSError as exc:
        raise InvalidInput(_("无法读取：{e}", e=exc.strerror or exc)) from exc


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


STORE_CHUNK = 1000   # questions hashed, encoded and stored at a time
_MEDIA = attrgetter("media")
_QTYPE = attrgetter("qtype")
_SOURCE = attrgetter("source")
_FILE = attrgetter("file")


class _Importer:
    """Validates, de-duplicates and stores questions as they arrive, in the caller's transaction.

    Questions come in file order, all at once (:func:`import_result`) or while the files
    are still being read (:func:`import_files`); a :class:`QuestionWriter` stores them chunk
    by chunk. Whether the import is kept is decided in :meth:`finish`, once every problem
    is known: with errors (and without ``skip_invalid``) or on a dry run the transaction
    is rolled back and nothing, media included, is stored.
    """

    def __init__(self, session: Session, *, bank: str, category: str | None, dry_run: bool, skip_invalid: bool,
                 media_store: Path | None, actor_id: int | None, progress: ProgressSink,
                 cancel: CancelToken | None, total: int | None = None, owner_unit_id: int | None = None,
                 keep: bool = True, before_commit: Callable[[], object] | None = None) -> None:
        self.session, self.bank, self.category = session, bank, category
        self.before_commit = before_commit
        self.owner_unit_id = owner_unit_id
        self.dry_run, self.skip_invalid, self.actor_id = dry_run, skip_invalid, actor_id
        self.progress, self.cancel, self.total = progress, cancel, total
        self.store = media_store
        self.bank_row = session.scalar(select(Bank).where(Bank.name == bank))
        self.index = DuplicateIndex(session, self.bank_row.id if self.bank_row is not None else None)
        self.pending: list[Question] = []
        self.pending_clean: list[bool] = []    # which pending questions came in a CleanTexts list
        # With ``keep`` the report lists the new questions; without, they are let go once stored (a
        # 100,000-question file is never held whole) and only counted.
        self.keep = keep
        self.fresh: list[Question] = []
        self.new_count = 0
        self.by_type: Counter[str] = Counter()
        self.files: set[str] = set()
        self.invalid: list[Problem] = []       # questions that fail validation here
        self.duplicates: list[Problem] = []
        self.media_warnings: list[Problem] = []
        self.copies: list[tuple[Path, Path]] = []
        self.done = 0
        self.writer = QuestionWriter(session)

    def __enter__(self) -> _Importer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.writer.close(abandon=exc[0] is not None)

    def add(self, questions: Sequence[Question], checked: Callable[[Question], bool] | None = None) -> None:
        """Take questions in file order; ``checked`` says which a reader has validated (None: all)."""
        if checked is None:
            self.pending.extend(questions)
        else:
            for q in questions:
                if checked(q):
                    self.pending.append(q)
                    continue
                issues = q.problems()
                for fld, msg in issues:
                    self.invalid.append(Problem(file=q.source.file, sheet=q.source.sheet, row=q.source.row,
                                                line=q.source.line, field=fld, message=msg))
                if not issues:
                    self.pending.append(q)
        self.pending_clean.extend(repeat(isinstance(questions, CleanTexts), len(self.pending) - len(self.pending_clean)))
        while len(self.pending) >= STORE_CHUNK:
            self._store(self.pending[:STORE_CHUNK], all(self.pending_clean[:STORE_CHUNK]))
            del self.pending[:STORE_CHUNK], self.pending_clean[:STORE_CHUNK]

    def _store(self, chunk: list[Question], clean: bool = False) -> None:
        if self.cancel is not None:
            self.cancel.check()
        if self.category:
            chunk = [q if q.category else replace(q, category=self.category) for q in chunk]
        hashes = content_hashes(chunk, clean=clean)
        # Same stem, options and type (the hash), and same answer and media: see core.bank.duplicates.
        new, twins = self.index.take(chunk, hashes)
        self.duplicates.extend(_duplicate_problem(q, first) for q, first in twins)
        fresh = list(map(itemgetter(0), new))
        if self.keep:
            self.fresh.extend(fresh)
        self.new_count += len(fresh)
        self.by_type.update(map(str, map(_QTYPE, fresh)))
        self.files.update(filter(None, map(_FILE, filter(None, map(_SOURCE, fresh)))))
        self.done += len(chunk)
        if self.dry_run or not new:
            return
        if any(map(_MEDIA, chunk)):
            store = self.store or media_dir()
            for q, _h in new:
                if q.media:
                    self.copies.extend(_media_names(q, self.media_warnings, store))
        self.writer.write(self._bank_id(), new)
        if self.total is not None:
            self.progress(self.done, self.total, _("正在保存题目"))

    def _bank_id(self) -> int:
        """The target bank's id, creating the bank on first use."""
        if self.bank_row is None:
            self.bank_row = Bank(name=self.bank, owner_unit_id=self.owner_unit_id, created_at=utcnow())
            self.session.add(self.bank_row)
            self.session.flush()
        return self.bank_row.id

    def finish(self, read_problems: Sequence[Problem], layouts: Sequence[Layout] = (),
               files: Sequence[str] = ()) -> ImportReport:
        """Store what is left, then keep the import or roll it back; the report says which.

        An import that found no question at all is refused (no empty bank is created), with a
        hint saying what the files looked like and what can be read; so is one that broke a
        limit of :mod:`base.limits`, even with ``skip_invalid``.
        """
        if self.pending:
            self._store(self.pending, all(self.pending_clean))
            self.pending, self.pending_clean = [], []
        self.writer.close()
        problems = [*read_problems, *self.invalid, *self.duplicates, *self.media_warnings]
        empty = not self.new_count and not self.duplicates
        if empty and not any(p.severity is Severity.ERROR for p in problems):
            problems.extend(_nothing_found(files, layouts))
        report = ImportReport(bank=self.bank, dry_run=self.dry_run, problems=problems, layouts=list(layouts),
                              empty=empty)
        # Questions left out for errors: readers drop rows with errors, so count the located error places.
        report.invalid = len({(p.file, p.sheet, p.row, p.line) for p in report.problems
                              if p.severity is Severity.ERROR and (p.row is not None or p.line is not None)})
        report.duplicates = len(self.duplicates)
        report.questions = self.fresh
        report.imported = self.new_count
        report.by_type = dict(self.by_type)
        has_errors = any(p.severity is Severity.ERROR for p in report.problems)
        fatal = report.empty or any(p.code == LIMIT for p in report.problems)
        if self.dry_run or fatal or (has_errors and not self.skip_invalid):
            self.session.rollback()
            if not self.dry_run:
                report.imported = 0
            return report
        if self.before_commit is not None:
            self.before_commit()   # e.g. the automatic backup written meanwhile: its failure stops the import
        self._bank_id()   # created even when every question was a duplicate
        for src, dst in self.copies:
            if not dst.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)     # a media folder given by the caller
                shutil.copyfile(src, dst)
        audit.record(self.session, "bank.import", actor_id=self.actor_id, target_type="bank", target_id=self.bank,
                     name=self.bank, files=sorted(self.files),
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
    owner_unit_id: int | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    before_commit: Callable[[], object] | None = None,
) -> ImportReport:
    """Validate, de-duplicate and store what the readers understood (all-or-nothing by default).

    A new ``bank`` is created owned by ``owner_unit_id`` (None: the whole organisation).
    ``before_commit`` is called once the import is to be kept, before it is committed.
    """
    with _bulk(), db.transaction(bulk=True) as session, _Importer(
        session, bank=bank, category=category, dry_run=dry_run, skip_invalid=skip_invalid, media_store=media_store,
        actor_id=actor_id, progress=progress, cancel=cancel, total=len(result.questions), owner_unit_id=owner_unit_id,
        before_commit=before_commit,
    ) as importer:
        importer.add(result.questions, result.is_checked)
        return importer.finish(result.problems, result.layouts)


def _nothing_found(files: Sequence[str], layouts: Sequence[Layout]) -> list[Problem]:
    """The refusal of an import that found no question: what each file looked like, what can be read."""
    names = list(dict.fromkeys([*files, *(layout.file for layout in layouts)])) or [""]
    out = []
    for name in names:
        seen = "；".join(describe(layout, file=False, detail=True) for layout in layouts if layout.file == name)
        out.append(Problem(file=name, message=_("没有读到任何试题") + (f"（{seen}）" if seen else ""),
                           code=NO_QUESTIONS))
    last = out[-1]
    out[-1] = replace(last, message=f"{last.message}。{_(SUPPORTED)}。")
    return out


def _duplicate_problem(q: Question, first: SourceRef | None) -> Problem:
    src = q.source
    if first is None:
        message = _("与题库中已有的题目重复，已跳过")
    else:
        where = Problem(file=first.file, message="", sheet=first.sheet, row=first.row, line=first.line).location()
        message = _("与{where}的题目重复，已跳过", where=where)
    return Problem(file=src.file, sheet=src.sheet, row=src.row, line=src.line, field=_("题干"),
                   severity=Severity.WARNING, message=message)


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
    owner_unit_id: int | None = None,
    before_commit: Callable[[], object] | None = None,
) -> ImportReport:
    """Read ``paths`` and store them in ``bank`` (created when missing, owned by ``owner_unit_id``).

    Pictures embedded in the files are extracted into a temporary folder and copied
    into the media store only when the import is stored. ``before_commit``: see :func:`import_result`.
    """
    with tempfile.TemporaryDirectory(prefix="studyhall-import-") as tmp, _bulk(), db.transaction(bulk=True) as session, \
            _Importer(session, bank=bank, category=category, dry_run=dry_run, skip_invalid=skip_invalid,
                      media_store=media_store, actor_id=actor_id, progress=progress, cancel=cancel,
                      owner_unit_id=owner_unit_id, keep=False, before_commit=before_commit) as importer:
        # Questions are stored while the files are still being read (from readers that pass them on),
        # then those the readers returned.
        result = read_files(paths, format_name=format_name, columns=columns, media_dir=Path(tmp),
                            progress=progress, cancel=cancel, on_checked=importer.add)
        importer.add(result.questions, result.is_checked)
        return importer.finish(result.problems, result.layouts, [p.name for p in paths])
