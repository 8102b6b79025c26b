# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Column-wise work behind fast packages: each distinct value converted once, many rows inserted with
the columns' own conversions, and a bad value in a column-wise checked table still named by its line."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import insert, select

from core.exchange import travel as tv
from core.exchange.package import PackageRefused, PackageWriter, read_package
from core.infra.bulk import insert_rows, map_distinct
from core.infra.db import Database, head_revision, known_revision
from core.models import Attempt, AttemptItem, Officer, QuestionRow, Quiz


def test_map_distinct_equals_a_plain_map_and_calls_once_per_distinct_value() -> None:
    shared = ["A"]
    cases: list[list[Any]] = [
        [1, 1, 2, None, 2, 1] * 100,                 # repeating ints with None
        [1, True, 1.0, 0, False, None] * 100,        # equal as keys, not alike: never share a result
        [0.5, 1, 1, 0.5] * 100,                      # ints and floats may share (same number)
        [shared, shared, ["A"], None] * 100,         # unhashable: per object
        [uuid.uuid4() for _ in range(300)],          # mostly distinct: called on each
    ]
    def convert(v: Any) -> Any:
        return (type(v).__name__, repr(v))

    for values in cases:
        assert map_distinct(convert, values) == [None if v is None else convert(v) for v in values]
    repeated = [uuid.UUID(int=i % 3) for i in range(3000)]
    counted: Counter[uuid.UUID] = Counter()
    map_distinct(lambda v: counted.update([v]), repeated)
    assert sum(counted.values()) == 3


def _attempt_rows(db: Database) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with db.transaction() as s:
        officer = s.scalars(select(Officer).where(Officer.role == "officer").order_by(Officer.id)).first()
        quiz_id = s.scalar(select(Quiz.id).order_by(Quiz.id))
        question_id = s.scalar(select(QuestionRow.id).order_by(QuestionRow.id))
        assert officer is not None and quiz_id is not None and question_id is not None
        ids = (quiz_id, officer.id, officer.unit_id)
    start = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    attempts, items = [], []
    for n in range(1, 4):
        aid = uuid.uuid4()
        attempts.append({"id": aid, "quiz_id": ids[0], "officer_id": ids[1], "unit_id": ids[2], "number": 900 + n,
                         "started_at": start, "deadline_at": None, "last_seen_at": start,
                         "submitted_at": None if n == 3 else start + dt.timedelta(minutes=n),
                         "status": "pending_manual" if n == 3 else "submitted", "auto_submitted": False,
                         "score": None if n == 3 else 1.5, "max_score": 2.0, "percent": None, "passed": None})
        for pos in (1, 2):
            items.append({"id": uuid.uuid4(), "attempt_id": aid, "position": pos, "question_id": question_id,
                          "option_order": [2, 0, 1] if pos == 1 else [], "points": 1.0,
                          "response": ["B", "中文"] if pos == 1 else None,
                          "answered_at": start + dt.timedelta(seconds=pos), "flagged": pos == 2,
                          "score": 0.5 * pos, "correct": pos == 1, "graded_by": None, "comment": "好" * pos, "original_question_id": None})
    return attempts, items


def test_insert_rows_stores_what_sqlalchemy_would(demo_db: Database) -> None:
    db = demo_db
    attempts, items = _attempt_rows(db)
    with db.transaction() as s:
        insert_rows(s.connection(), Attempt.__table__, attempts[:2])  # type: ignore[arg-type]
        # A row leaving out columns with defaults (auto_submitted): SQLAlchemy's own way fills them.
        short = {k: v for k, v in attempts[2].items() if k != "auto_submitted"}
        insert_rows(s.connection(), Attempt.__table__, [short])       # type: ignore[arg-type]
        insert_rows(s.connection(), AttemptItem.__table__, items[:3])  # type: ignore[arg-type]
        s.execute(insert(AttemptItem), items[3:])                     # the reference: SQLAlchemy's own way
    with db.transaction() as s:
        table = AttemptItem.__table__
        stored = {r.id: dict(r._mapping) for r in s.execute(select(table)     # type: ignore[arg-type]
                                                            .where(AttemptItem.id.in_([i["id"] for i in items])))}
        mine = [a["id"] for a in attempts]
        kept = {r.id: dict(r._mapping) for r in s.execute(select(Attempt.__table__)    # type: ignore[arg-type]
                                                          .where(Attempt.id.in_(mine)))}
    for i in items:
        assert stored[i["id"]] == i, {k: (v, i[k]) for k, v in stored[i["id"]].items() if v != i[k]}
    assert {k: {c: v[c] for c in attempts[0]} for k, v in kept.items()} == {a["id"]: a for a in attempts}


def _signed(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A package of answers, signed by some key (decoding comes before the question of trust)."""
    key = Ed25519PrivateKey.generate()
    public = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    writer = PackageWriter(path)
    writer.add_table(tv.ITEMS, rows)
    writer.finish({"kind": "results", "id": str(uuid.uuid4()), "revision": head_revision(),
                   "installation": {"id": str(uuid.uuid4()), "name": "测试", "public_key": public}}, key)
    return path


def _item(n: int, attempt: str) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "attempt_id": attempt, "position": n, "question_id": None,
            "option_order": "[1,0]", "points": 1.0, "response": '["A"]', "answered_at": "2026-03-01T08:00:00+00:00",
            "flagged": False, "score": 1.0, "correct": True, "graded_by": None, "comment": "",
            "original_question_id": None}


@pytest.mark.parametrize(("column", "bad", "message"), [
    ("attempt_id", "not-a-uuid", "UUID"),
    ("response", "[\"A\"", "JSON"),
    ("option_order", [1, 0], "JSON"),
    ("answered_at", "2026-03-01T08:00:00", "时区"),
    ("position", None, "不能为空"),
    ("flagged", 1, "true 或 false"),
])
def test_a_bad_value_among_repeated_ones_is_named_by_line_and_column(tmp_path: Path, column: str, bad: Any,
                                                                      message: str) -> None:
    attempt = uuid.uuid4().hex
    rows = [_item(n, attempt) for n in range(1, 401)]
    rows[336][column] = bad
    assert known_revision(read_package(_signed(tmp_path / "good.shpkg", [_item(1, attempt)])).manifest["revision"])
    with pytest.raises(PackageRefused) as refused:
        read_package(_signed(tmp_path / "bad.shpkg", rows))
    text = str(refused.value)
    assert "第 337 行" in text and column in text and message in text, text
