# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The bulk question writer: every column reads back through the ORM, however the chunk was written."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st
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


def test_reading_waits_for_a_slow_writer_instead_of_queueing_every_chunk(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A helper that falls behind (held here until every chunk was offered) never has more than
    QUEUED_CHUNKS chunks waiting: the importing thread waits for it instead of holding them all."""
    import threading

    from core.bank import writer as writer_module

    if db.engine.dialect.name != "sqlite":
        return   # the helper thread is SQLite's
    release = threading.Event()
    waiting: list[int] = []
    original = QuestionWriter._run

    def slow(self: QuestionWriter, dbapi: object) -> None:
        release.wait(timeout=30)
        original(self, dbapi)

    monkeypatch.setattr(QuestionWriter, "_run", slow)
    questions = [_question(i) for i in range(12)]
    with db.transaction() as s:
        s.add(Bank(name="库", created_at=utcnow()))
        s.flush()
        bank_id = s.scalar(select(Bank.id).where(Bank.name == "库"))
        writer = QuestionWriter(s)
        put = writer.queue.put

        def counted_put(item: object, *args: object, **kwargs: object) -> None:
            waiting.append(writer.queue.qsize())
            if len(waiting) == writer_module.QUEUED_CHUNKS + 1:
                release.set()          # the queue is full: let the helper catch up
            put(item, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(writer.queue, "put", counted_put)
        for i in range(0, len(questions), 2):
            chunk = questions[i:i + 2]
            writer.write(bank_id, list(zip(chunk, content_hashes(chunk), strict=True)))
        writer.close()
    assert max(waiting) == writer_module.QUEUED_CHUNKS
    with db.transaction() as s:
        assert len(s.scalars(select(QuestionRow)).all()) == len(questions)


_TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@st.composite
def _questions(draw: st.DrawFn) -> Question:
    options: list[object] = draw(st.lists(_TEXTS | st.integers(-5, 5), max_size=7))
    answer = draw(st.lists(st.sampled_from("ABCDEFGH"), max_size=3) | st.sampled_from([["T"], ["F"], []]))
    blanks = draw(st.lists(st.lists(_TEXTS, min_size=1, max_size=2), max_size=2))
    return Question(draw(st.sampled_from(list(QType))), draw(_TEXTS), options, answer, blanks,  # type: ignore[arg-type]
                    draw(_TEXTS), draw(_TEXTS), draw(st.lists(_TEXTS, max_size=2)), draw(st.integers(1, 3)),
                    draw(st.none() | st.floats(0, 10)), draw(st.lists(_TEXTS, max_size=2)))


@settings(max_examples=150, deadline=None)
@given(st.lists(_questions(), min_size=1, max_size=12))
def test_sqlite_rows_encode_what_json_dumps_would(questions: list[Question]) -> None:
    """The SQLite chunk's JSON columns (answers once per distinct value, options without a call per
    question) are what encoding each question's lists on its own gives, and decode to them."""
    import json

    from core.bank.writer import _json_list, _sqlite_rows

    names, rows = _sqlite_rows([(q, f"hash{k}") for k, q in enumerate(questions)])
    columns = dict(zip(names, zip(*rows, strict=True), strict=True))
    assert list(columns["options"]) == [_json_list(q.options) if q.options else "[]" for q in questions]
    assert list(columns["answer"]) == [_json_list(q.answer) if q.answer else "[]" for q in questions]
    for q, options, answer in zip(questions, columns["options"], columns["answer"], strict=True):
        assert json.loads(options) == q.options and json.loads(answer) == q.answer
