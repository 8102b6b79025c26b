# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The bulk question writer: every column reads back through the ORM, however the chunk was written."""

from __future__ import annotations

import sys

from sqlalchemy import select

from core.bank.writer import SWITCH_INTERVAL, QuestionWriter
from core.infra.clock import utcnow
from core.models import Bank, QuestionRow
from quizbank.model import QType, Question, content_hashes


def _question(i: int, **extra: object) -> Question:
    return Question(QType.SINGLE, f"第{i}题：“引号”\\反斜杠", [f"甲{i}", "乙\x1f", '"丙"'], ["B"],
                    explanation="解析", category="纪律", **extra)  # type: ignore[arg-type]


def test_chunk_constant_columns_and_the_rest_read_back(db) -> None:  # type: ignore[no-untyped-def]
    """Chunks whose tags, media or scores are all empty write them as literals; mixed chunks bind them."""
    blanks = Question(QType.FILL, "（ ）是（ ）的基础", [], [], [["依法", "守法"], ["规范"]])
    zero = _question(10, tags=["党建"], score=0.0)   # the only score of its chunk, and zero
    questions = [_question(0), _question(1), _question(2),
                 zero, _question(11), _question(12),
                 _question(13, media=["a.png"], score=2.5), blanks]
    with db.transaction() as s:
        s.add(Bank(name="库", created_at=utcnow()))
        s.flush()
        bank_id = s.scalar(select(Bank.id).where(Bank.name == "库"))
        writer = QuestionWriter(s)
        for i in range(0, len(questions), 3):
            chunk = questions[i:i + 3]
            writer.write(bank_id, list(zip(chunk, content_hashes(chunk), strict=True)))
        writer.close()
    with db.transaction() as s:
        rows = {r.stem: r for r in s.scalars(select(QuestionRow))}
    assert len(rows) == len(questions)
    for q in questions:
        row = rows[q.stem]
        assert (row.qtype, row.options, row.answer, row.blanks) == (q.qtype.value, q.options, q.answer, q.blanks)
        assert (row.tags, row.media, row.score) == (q.tags, q.media, q.score)
        assert (row.explanation, row.category, row.difficulty, row.version) == (q.explanation, q.category, 2, 1)
        assert row.is_current and row.active and row.content_hash == q.content_hash()
        assert row.lineage.version == 7   # time-ordered ids on every database
    assert rows[zero.stem].score == 0.0   # a zero score is a score, not "no score"


def test_switch_interval_is_short_only_while_the_helper_runs(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    """The writer shortens the interpreter's thread switch interval for its helper and gives it back,
    also when the import is abandoned."""
    before = sys.getswitchinterval()
    assert before > SWITCH_INTERVAL
    for abandon in (False, True):
        with sqlite_db.transaction() as s:
            s.add(Bank(name=f"库{abandon}", created_at=utcnow()))
            s.flush()
            bank_id = s.scalar(select(Bank.id).where(Bank.name == f"库{abandon}"))
            writer = QuestionWriter(s)
            chunk = [_question(i) for i in range(3)]
            writer.write(bank_id, list(zip(chunk, content_hashes(chunk), strict=True)))
            assert sys.getswitchinterval() == SWITCH_INTERVAL
            writer.close(abandon=abandon)
            assert sys.getswitchinterval() == before
