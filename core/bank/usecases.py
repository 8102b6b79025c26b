# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with question banks: browse and search them, import, edit, export.

Each function is a use case (see :mod:`core.access.usecase`): called as ``fn(db, actor, ...)``,
it checks the actor's right first. Reading files for the import wizard's preview stores
nothing, yet it is part of importing and needs the same right; so does writing the import
template. Imports run the one pipeline of :mod:`core.bank.importing` (all-or-nothing by default)
in transactions of their own, with progress and cancellation.

Banks belong to a unit (or to the whole organisation); see :mod:`core.access.ownership` for who
manages and who sees which: a secretary edits, imports into and exports their units' banks,
browses and draws from those and the banks shared from above, and never sees a neighbour's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from base.errors import InvalidInput, NotFound
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.ownership import check_manage, check_see, own_unit, reach
from core.access.permissions import Action
from core.access.usecase import Change, Work, denied, use_case
from core.admin import autobackup
from core.bank import banks, importing, questions
from core.bank.banks import BankInfo
from core.bank.importing import ImportReport
from core.bank.questions import Counts, QuestionDetail, QuestionFilter, QuestionSummary
from core.infra.db import Database
from core.infra.paths import media_dir as media_store_dir
from core.models import Bank, QuestionRow
from quizbank.model import ImportResult, Question

PAGE_SIZE = 200   # rows of the bank browser fetched at a time


def _owners(work: Work) -> dict[int, tuple[str, int | None]]:
    """Every bank: id -> (name, owner unit)."""
    return {i: (name, owner) for i, name, owner in work.session.execute(select(Bank.id, Bank.name, Bank.owner_unit_id))}


def visible_bank_ids(work: Work) -> list[int] | None:
    """The banks the actor may see (None: every bank)."""
    r = reach(work, Action.BANK_VIEW)
    if r.sees is None:
        return None
    return [i for i, (_name, owner) in _owners(work).items() if r.can_see(owner)]


def _check_bank(work: Work, bank_id: int, *, manage: bool) -> None:
    found = _owners(work).get(bank_id)
    if found is None:
        raise NotFound(_("找不到题库 {id}", id=bank_id))
    name, owner = found
    if manage:
        check_manage(work, owner, name)
    else:
        check_see(work, owner, name, Action.BANK_VIEW)


def _check_question(work: Work, question_id: int, *, manage: bool) -> None:
    bank_id = work.session.scalar(select(QuestionRow.bank_id).where(QuestionRow.id == question_id))
    if bank_id is None:
        raise NotFound(_("找不到题目 {id}", id=question_id))
    _check_bank(work, bank_id, manage=manage)


def _import_target(work: Work, bank: str) -> int | None:
    """Check the actor may import into ``bank``; the owner a new bank of that name gets."""
    name = _bank_name(bank)
    existing = work.read(lambda s: s.execute(select(Bank.owner_unit_id).where(Bank.name == name)).first())
    if existing is not None:
        check_manage(work, existing[0], name)
    return own_unit(work)


# --- browsing ------------------------------------------------------------------------------------

@use_case(Action.BANK_VIEW, readonly=True)
def list_banks(work: Work) -> list[BankInfo]:
    """The banks the actor may see, with their active questions counted by type and whether the
    actor manages each."""
    r = reach(work)
    manages = reach(work, Action.BANK_EDIT)
    out = [b for b in banks.list_banks(work.session) if r.can_see(b.owner_unit_id)]
    for b in out:
        b.manageable = manages.can_manage(b.owner_unit_id)
    return out


@dataclass(frozen=True, slots=True)
class BankOverview:
    counts: Counts            # by type and category, and how many are disabled
    categories: list[str]     # every category used, for the browser's filter


@use_case(Action.BANK_VIEW, readonly=True)
def bank_overview(work: Work, bank_id: int | None = None) -> BankOverview:
    """Counts and categories of one bank (every bank the actor sees when ``bank_id`` is None)."""
    if bank_id is not None:
        _check_bank(work, bank_id, manage=False)
    within = visible_bank_ids(work)
    return BankOverview(questions.counts(work.session, bank_id, within=within),
                        questions.categories(work.session, bank_id, within=within))


@dataclass(frozen=True, slots=True)
class QuestionPage:
    rows: list[QuestionSummary]
    total: int | None         # matches of the whole filter, when asked for


@use_case(Action.BANK_VIEW, readonly=True)
def browse_questions(work: Work, flt: QuestionFilter, *, offset: int = 0, limit: int = PAGE_SIZE,
                     with_total: bool = False) -> QuestionPage:
    """One page of current questions matching ``flt``; ``with_total`` also counts every match."""
    within = visible_bank_ids(work)
    total = questions.count(work.session, flt, within=within) if with_total else None
    return QuestionPage(questions.search(work.session, flt, offset=offset, limit=limit, within=within), total)


@use_case(Action.BANK_VIEW, readonly=True)
def question_detail(work: Work, question_id: int) -> QuestionDetail:
    """A question (any version) with its answer, its version history and whether it has been used."""
    _check_question(work, question_id, manage=False)
    detail = questions.get_question(work.session, question_id)
    detail.manageable = reach(work, Action.BANK_EDIT).can_manage(_owners(work)[detail.bank_id][1])
    return detail


# --- editing -------------------------------------------------------------------------------------

@use_case(Action.BANK_EDIT, changes=Change.BANKS)
def edit_question(work: Work, question_id: int, question: Question) -> QuestionDetail:
    """Save ``question`` as a new version; quizzes and attempts keep the version they used."""
    _check_question(work, question_id, manage=True)
    return questions.edit_question(work.session, question_id, question, actor_id=work.actor_id)


@use_case(Action.BANK_EDIT, changes=Change.BANKS)
def set_active(work: Work, question_ids: Sequence[int], active: bool) -> int:
    """Enable or disable questions; returns how many changed."""
    for qid in set(question_ids):
        _check_question(work, qid, manage=True)
    return questions.set_active(work.session, list(question_ids), active, actor_id=work.actor_id)


@use_case(Action.BANK_EDIT, changes=Change.BANKS)
def delete_question(work: Work, question_id: int) -> None:
    """Delete every version of a question never used (a used one can only be disabled)."""
    _check_question(work, question_id, manage=True)
    questions.delete_question(work.session, question_id, actor_id=work.actor_id)


# --- importing -----------------------------------------------------------------------------------

@use_case(Action.BANK_IMPORT, transaction=False)
def preview_files(work: Work, paths: Sequence[Path], *, columns: Mapping[Path, dict[str, int]] | None = None,
                  media_dir: Path | None = None, progress: ProgressSink = no_progress,
                  cancel: CancelToken | None = None) -> ImportResult:
    """Read the files as the import would (nothing is stored): questions and located problems.

    ``columns`` maps a file to the columns the user chose for its header-less sheet; pictures
    embedded in the files are extracted into ``media_dir`` (kept for :func:`store_import`).
    """
    merged = ImportResult()
    for path in paths:
        merged.extend(importing.read_files([path], columns=(columns or {}).get(path), media_dir=media_dir,
                                           progress=progress, cancel=cancel))
    return merged


@use_case(Action.BANK_IMPORT, transaction=False)
def sheet_first_rows(work: Work, path: Path, *, progress: ProgressSink = no_progress,
                     cancel: CancelToken | None = None) -> list[list[str]]:
    """The first rows of a header-less sheet, for choosing what each column holds."""
    if cancel is not None:
        cancel.check()
    progress(0, 0, _("正在读取 {file}", file=path.name))
    return importing.first_rows(path)


@use_case(Action.BANK_IMPORT, transaction=False)
def check_import(work: Work, result: ImportResult, *, bank: str, category: str | None = None,
                 skip_invalid: bool = False) -> ImportReport:
    """Dry run of :func:`store_import` against ``bank``: what would be stored, duplicates, problems."""
    owner = _import_target(work, bank)
    return importing.import_result(work.db, result, bank=_bank_name(bank), category=category, dry_run=True,
                                   skip_invalid=skip_invalid, owner_unit_id=owner)


@use_case(Action.BANK_IMPORT, changes=Change.BANKS, transaction=False)
def store_import(work: Work, result: ImportResult, *, bank: str, category: str | None = None,
                 skip_invalid: bool = False, progress: ProgressSink = no_progress,
                 cancel: CancelToken | None = None) -> ImportReport:
    """Store previewed questions in ``bank`` (created when missing, owned by the actor's unit), all
    or nothing unless ``skip_invalid``."""
    owner = _import_target(work, bank)
    with _backup_beside(work, len(result.questions) > autobackup.LARGE_IMPORT_ROWS, cancel) as before_commit:
        return importing.import_result(work.db, result, bank=_bank_name(bank), category=category,
                                       skip_invalid=skip_invalid, media_store=media_store_dir(),
                                       actor_id=work.actor_id, owner_unit_id=owner, progress=progress,
                                       cancel=cancel, before_commit=before_commit)


@contextlib.contextmanager
def _backup_beside(work: Work, needed: bool, cancel: CancelToken | None) -> Iterator[Callable[[], object] | None]:
    """The automatic backup before a large import, written while the import reads and checks; yields
    what the import calls before it commits (waits for the backup, raises if it failed), or None.

    SQLite's online backup, the checksum and the deflating are C code that releases the GIL, and
    the backup reads the last committed state: the import's own transaction, still open, is not
    in it, so the copy is the data as it was before the import. Outside WAL mode a reader and the
    import's writer would wait for each other: the backup is then written first, as before any
    other risky change.
    """
    if not needed or work.db.sqlite_path is None:    # PostgreSQL: its administrator's backups
        yield None
        return
    if not _wal(work.db):
        autobackup.before_risky(work.db, autobackup.Reason.IMPORT, work.clock, cancel=cancel)
        yield None
        return
    with ThreadPoolExecutor(1, thread_name_prefix="autobackup") as pool:    # as exchange.import_package
        backup = pool.submit(autobackup.before_risky, work.db, autobackup.Reason.IMPORT, work.clock, cancel=cancel)
        yield backup.result


def _wal(db: Database) -> bool:
    with db.engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower() == "wal"


@use_case(Action.BANK_IMPORT, changes=Change.BANKS, transaction=False)
def import_files(work: Work, paths: Sequence[Path], *, bank: str, category: str | None = None,
                 dry_run: bool = False, skip_invalid: bool = False, format_name: str | None = None,
                 columns: dict[str, int] | None = None, media_store: Path | None = None,
                 progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> ImportReport:
    """Read ``paths`` and store them in ``bank`` in one go (all or nothing unless ``skip_invalid``).

    Pictures go to ``media_store`` (default: the application's media folder).
    """
    store = media_store if media_store is not None or dry_run else media_store_dir()
    owner = _import_target(work, bank)
    large = not dry_run and sum(p.stat().st_size for p in paths if p.is_file()) > autobackup.LARGE_IMPORT_BYTES
    with _backup_beside(work, large, cancel) as before_commit:
        return importing.import_files(work.db, paths, bank=_bank_name(bank), category=category, dry_run=dry_run,
                                      skip_invalid=skip_invalid, format_name=format_name, columns=columns,
                                      media_store=store, progress=progress, cancel=cancel,
                                      actor_id=work.actor_id, owner_unit_id=owner, before_commit=before_commit)


@use_case(Action.BANK_IMPORT, transaction=False)
def write_template(work: Work, path: Path) -> Path:
    """Write the Excel import template (an example per question type and how to fill it in)."""
    from quizbank.template import write_template as write

    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(_("模板只能保存为 .xlsx 文件：{file}", file=path.name))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
    except OSError as exc:
        raise InvalidInput(_("无法写入 {file}：{e}", file=path.name, e=exc.strerror or exc)) from exc
    return path


def _bank_name(bank: str) -> str:
    name = bank.strip()
    if not name:
        raise InvalidInput(_("题库名称不能为空"))
    return name


# --- exporting -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Exported:
    bank: str | None          # None: every bank
    count: int


@use_case(Action.BANK_EXPORT)
def export_bank(work: Work, path: Path, *, bank: str | None = None, every_bank: bool = False,
                format_name: str | None = None) -> Exported:
    """Write a bank's current, active questions to ``path`` (format by ``format_name`` or extension).

    Without ``bank``: every bank with ``every_bank`` (administrators only), otherwise the only bank
    the actor manages (refused when there are several). A secretary exports only their units' banks.
    """
    s = work.session
    r = reach(work)
    if every_bank and bank is None and r.manages is not None:
        raise denied(work.actor, work.action, _("只有管理员可以导出全部题库"))
    if bank is None and not every_bank:
        names = sorted(name for name, owner in _owners(work).values() if r.can_manage(owner))
        if len(names) != 1:
            raise InvalidInput(_("有多个题库，请用 --bank 指定：{names}", names="、".join(names) or _("（无）")))
        bank = names[0]
    if bank is not None:
        owner = s.execute(select(Bank.owner_unit_id).where(Bank.name == bank)).first()
        if owner is not None:
            check_manage(work, owner[0], bank)
    n = questions.export_bank(s, path, bank=bank, format_name=format_name, media_store=media_store_dir(),
                              actor_id=work.actor_id)
    return Exported(bank, n)


@use_case(Action.BANK_EDIT, changes=Change.BANKS | Change.PRACTICE)
def set_exam_only(work: Work, bank_id: int, exam_only: bool) -> None:
    """Mark a bank 仅用于考试: kept out of practice, 每日一练 and the 错题本 until every quiz drawing
    from it has closed (core/quiz/exam_only.py)."""
    from core.infra import audit
    from core.models import Bank

    _check_bank(work, bank_id, manage=True)
    bank = work.session.get(Bank, bank_id)
    assert bank is not None            # checked above
    if bank.exam_only != exam_only:
        audit.record(work.session, "bank.exam_only", target_type="bank", target_id=bank_id, name=bank.name,
                     changes={"exam_only": [bank.exam_only, exam_only]})
        bank.exam_only = exam_only
