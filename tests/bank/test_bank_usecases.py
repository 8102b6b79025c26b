# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The bank use cases: who may call them (refusals audited, nothing done), and what they do as the
secretary or administrator the GUI and the CLI act for."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from base.errors import InvalidInput, PermissionDenied
from base.progress import Cancelled, CancelToken
from core.access.actor import ANONYMOUS, Actor
from core.access.usecase import REGISTRY, Change
from core.bank import usecases as bank
from core.bank.questions import QuestionFilter
from core.infra.audit import entries
from core.infra.db import Database
from core.models import AttemptItem, Bank, QuestionRow, QuizQuestion, WrongBookEntry
from core.models.quiz import PracticeAnswer
from quizbank.model import ImportResult, QType, Question
from tests.bank.conftest import GOOD_ROWS, bank_count, write_xlsx
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY, actor_of

OWN_BANK = "道路交通安全法规"     # the demo bank the demo secretary's branch keeps (core/demo/banks_step.py)


def _unused_question(db: Database) -> int:
    """A current question of the secretary's own bank that no quiz, attempt, practice or wrong-answer
    book uses (so it may be deleted)."""
    used = [select(AttemptItem.question_id), select(QuizQuestion.question_id), select(WrongBookEntry.question_id),
            select(PracticeAnswer.question_id)]
    own = select(Bank.id).where(Bank.name == OWN_BANK).scalar_subquery()
    with db.transaction() as s:
        return int(s.scalar(select(QuestionRow.id).where(QuestionRow.is_current, QuestionRow.bank_id == own,
                                                         *(QuestionRow.id.not_in(u) for u in used))
                            .order_by(QuestionRow.id)) or 0)


# Each use case with arguments that would succeed for a secretary: (name, call, nothing-done check).
Call = Callable[[Database, Actor, Path, int], object]
Check = Callable[[Database, Path, int], bool]
_QUESTION = Question(QType.JUDGE, "拒绝测试题目。", answer=["T"])
CASES: list[tuple[str, Call, Check | None]] = [
    ("list_banks", lambda db, a, tmp, q: bank.list_banks(db, a), None),
    ("bank_overview", lambda db, a, tmp, q: bank.bank_overview(db, a, None), None),
    ("browse_questions", lambda db, a, tmp, q: bank.browse_questions(db, a, QuestionFilter(), with_total=True), None),
    ("question_detail", lambda db, a, tmp, q: bank.question_detail(db, a, q), None),
    ("edit_question", lambda db, a, tmp, q: bank.edit_question(db, a, q, _QUESTION),
     lambda db, tmp, q: _current(db, q)),
    ("set_active", lambda db, a, tmp, q: bank.set_active(db, a, [q], False), lambda db, tmp, q: _active(db, q)),
    ("delete_question", lambda db, a, tmp, q: bank.delete_question(db, a, q), lambda db, tmp, q: _current(db, q)),
    ("preview_files", lambda db, a, tmp, q: bank.preview_files(db, a, [_xlsx(tmp)]), None),
    ("sheet_first_rows", lambda db, a, tmp, q: bank.sheet_first_rows(db, a, _xlsx(tmp)), None),
    ("check_import", lambda db, a, tmp, q: bank.check_import(db, a, _result(), bank="拒绝"), None),
    ("store_import", lambda db, a, tmp, q: bank.store_import(db, a, _result(), bank="拒绝"),
     lambda db, tmp, q: bank_count(db, "拒绝") is None),
    ("import_files", lambda db, a, tmp, q: bank.import_files(db, a, [_xlsx(tmp)], bank="拒绝"),
     lambda db, tmp, q: bank_count(db, "拒绝") is None),
    ("write_template", lambda db, a, tmp, q: bank.write_template(db, a, tmp / "模板.xlsx"),
     lambda db, tmp, q: not (tmp / "模板.xlsx").exists()),
    ("export_bank", lambda db, a, tmp, q: bank.export_bank(db, a, tmp / "out.json", bank=OWN_BANK),
     lambda db, tmp, q: not (tmp / "out.json").exists()),
    ("set_exam_only", lambda db, a, tmp, q: bank.set_exam_only(db, a, _bank_of(db, q), True),
     lambda db, tmp, q: not _exam_only(db, q)),
]


def _bank_of(db: Database, question_id: int) -> int:
    with db.transaction() as s:
        return int(s.scalar(select(QuestionRow.bank_id).where(QuestionRow.id == question_id)) or 0)


def _exam_only(db: Database, question_id: int) -> bool:
    with db.transaction() as s:
        found = s.get(Bank, _bank_of(db, question_id))
        return bool(found and found.exam_only)


def _xlsx(tmp: Path) -> Path:
    path = tmp / "拒绝.xlsx"
    return path if path.exists() else write_xlsx(path, GOOD_ROWS)


def _result() -> ImportResult:
    return ImportResult(questions=[_QUESTION])


def _current(db: Database, question_id: int) -> bool:
    with db.transaction() as s:
        row = s.get(QuestionRow, question_id)
        return row is not None and row.is_current


def _active(db: Database, question_id: int) -> bool:
    with db.transaction() as s:
        row = s.get(QuestionRow, question_id)
        return row is not None and row.active


def test_every_bank_use_case_is_covered() -> None:
    mine = {uc.__name__ for uc in REGISTRY if uc.name.startswith("core.bank.usecases.")}
    assert mine == {name for name, _c, _k in CASES}


@pytest.mark.parametrize(("name", "call", "nothing_done"), CASES, ids=[c[0] for c in CASES])
def test_officers_and_nobody_are_refused_and_audited(demo_db: Database, tmp_path: Path, name: str, call: Call,
                                                    nothing_done: Check | None) -> None:
    question_id = _unused_question(demo_db)
    officer = actor_of(demo_db, DEMO_OFFICER)
    for actor in (officer, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            call(demo_db, actor, tmp_path, question_id)
        if nothing_done is not None:
            assert nothing_done(demo_db, tmp_path, question_id)
    with demo_db.transaction() as s:
        denials = [e for e in entries(s, action_prefix="access.denied")
                   if e.detail.get("use_case") == f"core.bank.usecases.{name}"]
        assert [e.actor_id for e in denials] == [None, officer.user_id]   # newest first
    # The same call goes through for a secretary.
    call(demo_db, actor_of(demo_db, DEMO_SECRETARY), tmp_path, question_id)


def test_browse_detail_edit_disable_delete(demo_db: Database, tmp_path: Path) -> None:
    secretary = actor_of(demo_db, DEMO_SECRETARY)
    first = bank.browse_questions(demo_db, secretary, QuestionFilter(), limit=10, with_total=True)
    assert first.total == 254 and len(first.rows) == 10
    more = bank.browse_questions(demo_db, secretary, QuestionFilter(), offset=10, limit=10)
    assert more.total is None and {r.id for r in more.rows}.isdisjoint(r.id for r in first.rows)
    overview = bank.bank_overview(demo_db, secretary, first.rows[0].bank_id)
    assert overview.counts.total > 0 and overview.categories

    own = next(b.id for b in bank.list_banks(demo_db, secretary) if b.manageable)
    qid = bank.browse_questions(demo_db, secretary, QuestionFilter(bank_id=own), limit=1).rows[0].id
    detail = bank.question_detail(demo_db, secretary, qid)
    assert detail.question.answer   # the browser shows answers
    edited = dataclasses.replace(detail.question, explanation=detail.question.explanation + "（修订）")
    v2 = bank.edit_question(demo_db, secretary, qid, edited)
    assert v2.version == detail.version + 1 and [h.version for h in v2.history][:2] == [v2.version, detail.version]
    assert bank.set_active(demo_db, secretary, [v2.id], False) == 1
    assert not bank.question_detail(demo_db, secretary, v2.id).active
    with demo_db.transaction() as s:
        audited = {e.action: e.actor_id for e in entries(s, action_prefix="question.") if e.target_id == str(v2.id)}
    assert audited == {"question.edit": secretary.user_id, "question.disable": secretary.user_id}

    # A question nothing used can be deleted (all its versions); the deletion is the secretary's.
    unused = next(r.id for r in bank.browse_questions(demo_db, secretary, QuestionFilter(bank_id=own)).rows
                  if not bank.question_detail(demo_db, secretary, r.id).used)
    bank.delete_question(demo_db, secretary, unused)
    with demo_db.transaction() as s:
        assert s.get(QuestionRow, unused) is None
        assert entries(s, action_prefix="question.delete")[0].actor_id == secretary.user_id


def test_wizard_use_cases_preview_check_store(demo_db: Database, tmp_path: Path) -> None:
    secretary = actor_of(demo_db, DEMO_SECRETARY)
    headed = write_xlsx(tmp_path / "有表头.xlsx", GOOD_ROWS)
    bare = write_xlsx(tmp_path / "无表头.xlsx", [r[1:7] for r in GOOD_ROWS[:2]], header=None)
    mapping = {"stem": 0, "option_A": 1, "option_B": 2, "option_C": 3, "option_D": 4, "answer": 5}
    assert bank.sheet_first_rows(demo_db, secretary, bare)[0][0] == GOOD_ROWS[0][1]

    unmapped = bank.preview_files(demo_db, secretary, [headed, bare])
    assert len(unmapped.questions) == 4 and unmapped.errors
    result = bank.preview_files(demo_db, secretary, [headed, bare], columns={bare: mapping}, media_dir=tmp_path)
    assert len(result.questions) == 6 and not result.errors

    dry = bank.check_import(demo_db, secretary, result, bank=" 新题库 ", category="导入")
    assert dry.dry_run and not dry.stored and bank_count(demo_db, "新题库") is None
    assert (dry.imported, dry.duplicates) == (4, 2)   # the header-less file repeats two questions
    with pytest.raises(InvalidInput):
        bank.check_import(demo_db, secretary, result, bank="  ")

    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):   # all or nothing: a cancelled import stores nothing
        bank.store_import(demo_db, secretary, result, bank="新题库", cancel=cancel)
    assert bank_count(demo_db, "新题库") is None

    seen: list[tuple[int, int, str]] = []
    report = bank.store_import(demo_db, secretary, result, bank="新题库", category="导入",
                               progress=lambda d, t, label: seen.append((d, t, label)))
    assert report.stored and report.imported == 4 and bank_count(demo_db, "新题库") == 4 and seen
    assert bank.store_import.changes == Change.BANKS
    with demo_db.transaction() as s:
        assert entries(s, action_prefix="bank.import")[0].actor_id == secretary.user_id


def test_import_files_template_and_export(demo_db: Database, tmp_path: Path) -> None:
    admin = actor_of(demo_db, DEMO_ADMIN)
    template = bank.write_template(demo_db, admin, tmp_path / "sub" / "模板.xlsx")
    assert template.exists()
    with pytest.raises(InvalidInput):
        bank.write_template(demo_db, admin, tmp_path / "模板.csv")

    bad = ["单选题", "没有答案的题目。", "甲", "乙", "", "", "", "", ""]
    path = write_xlsx(tmp_path / "有错.xlsx", [*GOOD_ROWS, bad])
    refused = bank.import_files(demo_db, admin, [path], bank="有错")
    assert refused.refused and bank_count(demo_db, "有错") is None
    kept = bank.import_files(demo_db, admin, [path], bank="有错", skip_invalid=True)
    assert kept.stored and kept.imported == 4 and bank_count(demo_db, "有错") == 4
    with demo_db.transaction() as s:
        assert entries(s, action_prefix="bank.import")[0].actor_id == admin.user_id

    with pytest.raises(InvalidInput, match="--bank"):   # several banks: say which
        bank.export_bank(demo_db, admin, tmp_path / "x.json")
    one = bank.export_bank(demo_db, admin, tmp_path / "one.json", bank="有错")
    every = bank.export_bank(demo_db, admin, tmp_path / "all.json", every_bank=True)
    assert (one.bank, one.count) == ("有错", 4) and every.bank is None and every.count == 254 + 4
    with demo_db.transaction() as s:
        assert entries(s, action_prefix="bank.export")[0].actor_id == admin.user_id


def _on_thread(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, threads: list[str]) -> None:
    """Record the thread ``target.name`` runs on."""
    import threading

    real = getattr(target, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, spy)


def test_wizard_reads_files_off_the_gui_thread(qtbot, gui_ctx, tmp_path: Path,  # type: ignore[no-untyped-def]
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from core.bank import importing
    from gui.bank import import_wizard

    reads: list[str] = []
    _on_thread(monkeypatch, importing, "read_files", reads)
    _on_thread(monkeypatch, importing, "first_rows", reads)
    shown: list[list[list[str]]] = []

    class Mapping(import_wizard.ColumnMappingDialog):
        def __init__(self, path: Path, rows: list[list[str]], *args: Any) -> None:
            super().__init__(path, rows, *args)
            shown.append(rows)

        def exec(self) -> int:   # the user accepts the guessed columns
            return 1

    monkeypatch.setattr(import_wizard, "ColumnMappingDialog", Mapping)
    path = write_xlsx(tmp_path / "无表头.xlsx", [r[1:7] for r in GOOD_ROWS[:2]], header=None)
    wizard = import_wizard.ImportWizard(gui_ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.set_files([path])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.read is not None, timeout=10_000)
    assert wizard.unmapped()
    wizard.map_columns()
    qtbot.waitUntil(lambda: wizard.read is not None and not wizard.unmapped(), timeout=10_000)
    assert shown and shown[0][0][0] == GOOD_ROWS[0][1] and len(wizard.read.questions) == 2
    assert len(reads) == 3 and threading.main_thread().name not in reads
