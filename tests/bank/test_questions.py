# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The bank browser's services: versions, enable/disable, delete refusal, search, counts."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from base.errors import InvalidInput, NotFound
from core.bank import questions as qs
from core.bank.banks import list_banks
from core.bank.importing import import_files
from core.infra.audit import entries
from core.infra.clock import utcnow
from core.models import Attempt, AttemptItem, Officer, QuestionRow, Quiz
from tests.bank.conftest import GOOD_ROWS, write_xlsx


def _fresh_bank(db, tmp_path: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Import GOOD_ROWS into bank 新库; returns stem prefix -> question id."""
    report = import_files(db, [write_xlsx(tmp_path / "新库.xlsx", GOOD_ROWS)], bank="新库")
    assert report.stored
    with db.transaction() as s:
        return {stem[:4]: qid for qid, stem in s.execute(select(QuestionRow.id, QuestionRow.stem))
                if stem in {r[1] for r in GOOD_ROWS}}


def _attempt_on(session, question_id: int) -> None:  # type: ignore[no-untyped-def]
    """An attempt whose frozen paper holds ``question_id`` (written directly, as grading would)."""
    officer = session.scalar(select(Officer).order_by(Officer.id))
    quiz_id = session.scalar(select(Quiz.id).order_by(Quiz.id))
    attempt = Attempt(id=uuid.uuid4(), quiz_id=quiz_id, officer_id=officer.id, unit_id=officer.unit_id,
                      started_at=utcnow(), status="submitted", max_score=1.0)
    session.add(attempt)
    session.flush()
    session.add(AttemptItem(id=uuid.uuid4(), attempt_id=attempt.id, position=0, question_id=question_id, points=1.0,
                            response=["A"]))


def test_edit_creates_a_new_version_and_attempts_keep_the_old_one(demo_db, tmp_path: Path) -> None:
    ids = _fresh_bank(demo_db, tmp_path)
    v1 = ids["机动车驾"]
    with demo_db.transaction() as s:
        _attempt_on(s, v1)
    with demo_db.transaction() as s:
        detail = qs.get_question(s, v1)
        assert detail.version == 1 and detail.is_current and detail.used
        edited = dataclasses.replace(detail.question, stem=detail.question.stem + "（修订）", answer=["B"],
                                     explanation="修订后的解析")
        v2 = qs.edit_question(s, v1, edited, actor_id=None)
    assert v2.id != v1 and v2.version == 2 and v2.lineage == detail.lineage and v2.is_current
    assert [h.version for h in v2.history] == [2, 1]
    with demo_db.transaction() as s:
        old = s.get(QuestionRow, v1)
        assert old is not None and not old.is_current and old.answer == ["C"]
        item = s.scalar(select(AttemptItem).where(AttemptItem.question_id == v1))
        assert item is not None   # the attempt still points at version 1
        current = s.scalars(select(QuestionRow.id).where(QuestionRow.lineage == detail.lineage,
                                                         QuestionRow.is_current)).all()
        assert current == [v2.id]
        assert entries(s, action_prefix="question.")[0].action == "question.edit"
        # Only the newest version can be edited.
        with pytest.raises(InvalidInput, match="最新版本"):
            qs.edit_question(s, v1, edited)
        # Saving without changes creates no version.
        assert qs.edit_question(s, v2.id, v2.question).id == v2.id


def test_edit_refuses_invalid_questions_and_clashes(demo_db, tmp_path: Path) -> None:
    ids = _fresh_bank(demo_db, tmp_path)
    with demo_db.transaction() as s:
        q = qs.get_question(s, ids["机动车驾"]).question
        with pytest.raises(InvalidInput, match="答案"):
            qs.edit_question(s, ids["机动车驾"], dataclasses.replace(q, answer=["Z"]))
        other = qs.get_question(s, ids["人民警察"]).question
        with pytest.raises(InvalidInput, match="相同的题目"):
            qs.edit_question(s, ids["机动车驾"], dataclasses.replace(other, category="x"))
        with pytest.raises(NotFound):
            qs.get_question(s, 10**9)


def test_used_question_can_be_disabled_not_deleted(demo_db, tmp_path: Path) -> None:
    ids = _fresh_bank(demo_db, tmp_path)
    used, unused = ids["机动车驾"], ids["党员应当"]
    with demo_db.transaction() as s:
        _attempt_on(s, used)
    with demo_db.transaction() as s, pytest.raises(InvalidInput, match="可以停用"):
        qs.delete_question(s, used)
    with demo_db.transaction() as s:
        assert qs.set_active(s, [used], False) == 1
    with demo_db.transaction() as s:
        assert not qs.get_question(s, used).active
        bank = next(b for b in list_banks(s) if b.name == "新库")
        assert bank.total == 3 and "single" not in bank.by_type
        assert qs.count(s, qs.QuestionFilter(bank_id=bank.id, status="disabled")) == 1
        assert qs.count(s, qs.QuestionFilter(bank_id=bank.id, status="active")) == 3
        qs.delete_question(s, unused)
    with demo_db.transaction() as s:
        assert s.get(QuestionRow, unused) is None
        assert qs.set_active(s, [used], True) == 1
        assert [e.action for e in entries(s, action_prefix="question.")][:3] == [
            "question.enable", "question.delete", "question.disable"]


def test_search_by_chinese_substring_and_filters(demo_db) -> None:
    with demo_db.transaction() as s:
        hits = qs.search(s, qs.QuestionFilter(text="饮酒"))
        assert hits and all("饮酒" in h.stem for h in hits)
        total = qs.count(s, qs.QuestionFilter(text="饮酒"))
        assert total == len(hits)
        assert qs.count(s, qs.QuestionFilter(text="％不存在的文字％")) == 0
        # % and _ are literal characters, not wildcards.
        assert qs.count(s, qs.QuestionFilter(text="%")) == sum(1 for h in qs.search(s, qs.QuestionFilter(), limit=10**6)
                                                               if "%" in h.stem)
        assert qs.count(s, qs.QuestionFilter(text="_")) == 0
        judge = qs.search(s, qs.QuestionFilter(qtype="judge", difficulty=2), limit=5)
        assert judge and all(h.qtype == "judge" and h.difficulty == 2 for h in judge)
        everything = qs.count(s, qs.QuestionFilter())
        assert everything == 254
        page1 = qs.search(s, qs.QuestionFilter(), offset=0, limit=100)
        page3 = qs.search(s, qs.QuestionFilter(), offset=200, limit=100)
        assert len(page1) == 100 and len(page3) == 54 and page1[0].id < page3[0].id
        bank = list_banks(s)[0]
        cats = qs.categories(s, bank.id)
        assert cats
        assert qs.count(s, qs.QuestionFilter(bank_id=bank.id, category=cats[0])) > 0
        c = qs.counts(s, bank.id)
        assert c.total == bank.total and c.by_type == bank.by_type
        assert sum(c.by_category.values()) == c.total
        with pytest.raises(InvalidInput):
            qs.count(s, qs.QuestionFilter(status="unknown"))


def test_export_writes_current_active_questions(demo_db, tmp_path: Path) -> None:
    with demo_db.transaction() as s:
        bank = list_banks(s)[0]
        first = qs.search(s, qs.QuestionFilter(bank_id=bank.id), limit=1)[0]
        qs.set_active(s, [first.id], False)
        n = qs.export_bank(s, tmp_path / "out.json", bank=bank.name)
        assert n == bank.total - 1
        with pytest.raises(NotFound, match="找不到题库"):
            qs.export_bank(s, tmp_path / "x.json", bank="没有这个库")
        assert entries(s, action_prefix="bank.export")
