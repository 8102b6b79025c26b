# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Writing imported questions into the ``questions`` table in bulk (see :class:`QuestionWriter`).

The SQLite path writes the rows the way SQLAlchemy's column types would (hex UUIDs, JSON
text, its datetime text) without going through them, for speed; the export/import
round-trip tests read them back through the ORM.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from base.errors import DatabaseError
from base.i18n import _
from core.infra.clock import utcnow
from core.models import QuestionRow
from quizbank.model import Question

# A chunk for the SQLite helper thread: (column names, one tuple of values per row).
_Chunk = tuple[tuple[str, ...], list[tuple[object, ...]]]


class QuestionWriter:
    """Stores chunks of new questions in the session's transaction.

    On SQLite a helper thread runs each chunk as one multi-row ``INSERT`` (a single
    step, during which sqlite3 releases the GIL) while the import goes on with the
    next chunk; rows are plain tuples, never ORM objects. Other databases get one
    SQLAlchemy Core ``executemany`` per chunk. :meth:`close` waits for the last chunk
    and re-raises a failed insert; call it before the transaction ends.

    While the helper runs, the interpreter's switch interval is shortened (see
    :data:`SWITCH_INTERVAL`).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.bank_id = 0
        self.stamp = utcnow()
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        # Bounded: when SQLite falls behind (a busy PC), reading waits instead of piling up chunks.
        self.queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=QUEUED_CHUNKS)
        self.failure: BaseException | None = None
        self.abandoned = False   # the import failed or was cancelled: skip what is still queued
        self.thread: threading.Thread | None = None
        self.switch_interval: float | None = None   # the interpreter's own, while shortened

    def write(self, bank_id: int, new: list[tuple[Question, str]]) -> None:
        """Store ``(question, content hash)`` pairs as new questions of ``bank_id``."""
        if not new:
            return
        self.bank_id = bank_id
        if self.failure is not None:
            raise self.failure
        if not self.sqlite:
            table = QuestionRow.__table__
            assert isinstance(table, Table)   # declarative mapping: typed as any FromClause
            self.session.execute(insert(table), self._core_rows(new))
            return
        if self.thread is None:
            dbapi = self.session.connection().connection.driver_connection
            self.thread = threading.Thread(target=self._run, args=(dbapi,), name="bank-import-writer", daemon=True)
            if sys.getswitchinterval() > SWITCH_INTERVAL:
                self.switch_interval = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_INTERVAL)
            self.thread.start()
        self.queue.put(_sqlite_rows(new))

    def close(self, *, abandon: bool = False) -> None:
        """Wait for the chunks still queued and re-raise a failed insert; with ``abandon`` (the
        import is failing anyway) skip what is still queued and raise nothing."""
        self.abandoned = abandon
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.switch_interval is not None:
            if sys.getswitchinterval() == SWITCH_INTERVAL:   # not changed again meanwhile
                sys.setswitchinterval(self.switch_interval)
            self.switch_interval = None
        if self.failure is not None and not abandon:
            raise self.failure

    def _run(self, dbapi: Any) -> None:
        limit = _variable_limit(dbapi)
        while (chunk := self.queue.get()) is not None:
            if self.failure is not None or self.abandoned:
                continue   # drain the queue; close() re-raises a failure
            columns, rows = chunk
            per_statement = max(1, limit // len(columns))
            try:
                cursor = dbapi.cursor()
                for i in range(0, len(rows), per_statement):
                    part = rows[i:i + per_statement]
                    cursor.execute(self._sqlite_insert(len(part), columns), list(chain.from_iterable(part)))
                cursor.close()
            except sqlite3.Error as exc:   # as db.transaction() reports it (e.g. locked by another PC)
                self.failure = DatabaseError(_("数据库暂时无法写入：{e}", e=exc))
            except BaseException as exc:  # noqa: BLE001 - handed to the importing thread
                self.failure = exc

    def _sqlite_insert(self, n: int, columns: tuple[str, ...]) -> str:
        """INSERT of ``n`` rows binding ``columns``; every other column is a literal: the bank id,
        a fixed-format timestamp (SQLAlchemy's SQLite text) and the chunk's constant columns."""
        stamp = self.stamp.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        literals = {"version": "1", "is_current": "1", "active": "1", "bank_id": str(int(self.bank_id)),
                    "created_at": f"'{stamp}'", **_EMPTY}
        names = [*columns, *(c for c in literals if c not in columns)]
        row = "(" + ", ".join("?" if c in columns else literals[c] for c in names) + ")"
        return f"INSERT INTO {QuestionRow.__tablename__} ({', '.join(names)}) VALUES " + ", ".join([row] * n)

    def _core_rows(self, new: list[tuple[Question, str]]) -> list[dict[str, object]]:
        return [
            {
                "lineage": uuid.UUID(lineage), "version": 1, "is_current": True, "active": True,
                "bank_id": self.bank_id, "qtype": q.qtype.value, "stem": q.stem, "options": q.options,
                "answer": q.answer, "blanks": q.blanks, "explanation": q.explanation, "category": q.category,
                "tags": q.tags, "difficulty": q.difficulty, "score": q.score, "media": q.media,
                "content_hash": h, "created_at": self.stamp,
            }
            for lineage, (q, h) in zip(_uuid7_hexes(len(new)), new, strict=True)
        ]


QUEUED_CHUNKS = 3   # chunks waiting for the helper at most

# The helper needs the GIL for a moment before and after each chunk's INSERT (binding, then
# finishing the statement), while the importing thread holds it to parse and hash. With the
# default interval (5 ms) each hand-over waited up to 5 ms, so the helper fell behind by tens of
# milliseconds per 10,000 rows and the import ended waiting for it. A waiting thread is the only
# thing that makes the interval matter, so a short one costs nothing when there is none.
SWITCH_INTERVAL = 0.001


# Columns most banks leave empty for a whole chunk (no tags, pictures or scores): then written
# once as a literal instead of bound for every row.
_EMPTY = {"tags": "'[]'", "media": "'[]'", "score": "NULL"}
(_QTYPE, _STEM, _OPTIONS, _ANSWER, _BLANKS, _EXPLANATION, _CATEGORY, _DIFFICULTY, _TAGS, _MEDIA, _SCORE) = map(
    attrgetter, ("qtype", "stem", "options", "answer", "blanks", "explanation", "category", "difficulty", "tags",
                 "media", "score"))


def _sqlite_rows(new: list[tuple[Question, str]]) -> _Chunk:
    """(columns, rows): the values to bind, as SQLAlchemy would store them (hex UUIDs, JSON text),
    built column by column."""
    qs = list(map(itemgetter(0), new))
    dumps = _json_list
    lineages = _uuid7_hexes(len(qs))
    # Choice and judge answers repeat: each distinct one is encoded once.
    answers = list(map(tuple, map(_ANSWER, qs)))
    encoded = {answer: dumps(answer) for answer in set(answers)}
    options = list(map(_OPTIONS, qs))
    try:   # the usual lists of strings, without a call per question; the encoder refuses anything else
        options_json = ["[" + ",".join(map(_encode_str, o)) + "]" if o else "[]" for o in options]
    except TypeError:
        options_json = [dumps(o) for o in options]
    values: dict[str, list[Any]] = {
        "lineage": lineages,
        "qtype": list(map(str, map(_QTYPE, qs))),   # str() of a QType is its value, without the slower .value
        "stem": list(map(_STEM, qs)),
        "options": options_json,
        "answer": list(map(encoded.__getitem__, answers)),
        "blanks": [dumps(b) if b else "[]" for b in map(_BLANKS, qs)],
        "explanation": list(map(_EXPLANATION, qs)),
        "category": list(map(_CATEGORY, qs)),
        "difficulty": list(map(_DIFFICULTY, qs)),
        "content_hash": list(map(itemgetter(1), new)),
    }
    tags, media, scores = list(map(_TAGS, qs)), list(map(_MEDIA, qs)), list(map(_SCORE, qs))
    if any(tags):
        values["tags"] = [dumps(t) if t else "[]" for t in tags]
    if any(media):
        values["media"] = [dumps(m) if m else "[]" for m in media]
    if scores.count(None) != len(scores):   # some score given (count: no Python call per question)
        values["score"] = scores
    return tuple(values), list(zip(*values.values(), strict=True))


def _variable_limit(dbapi: Any) -> int:
    """Most ``?`` one SQLite statement may hold (999 before SQLite 3.32, 32766 since)."""
    try:
        return int(dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    except (AttributeError, sqlite3.Error):
        return 999


def _uuid7_hexes(n: int) -> list[str]:
    """``n`` time-ordered UUIDs (version 7, RFC 9562) as 32-digit hex, ascending: the Unix time in
    milliseconds, then 74 random bits from one ``os.urandom`` call (uuid4() costs ~7 µs each).

    New ids then land after every older one in the (lineage, version) index, and in order within
    an import, instead of on random pages all over it.
    """
    stamp = f"{time.time_ns() // 1_000_000:012x}"
    pool = bytearray(os.urandom(10 * n))   # bytes 6..15 of each UUID
    pool[0::10] = pool[0::10].translate(_VERSION_7)    # version nibble 7
    pool[2::10] = pool[2::10].translate(_VARIANT_RFC)  # variant bits 10
    digits = pool.hex()
    return sorted([stamp + digits[i:i + 20] for i in range(0, 20 * n, 20)])


_VERSION_7 = bytes((b & 0x0F) | 0x70 for b in range(256))
_VARIANT_RFC = bytes((b & 0x3F) | 0x80 for b in range(256))


_encode_str = json.encoder.encode_basestring   # the C string encoder json.dumps uses (ensure_ascii=False)


def _json_list(items: Sequence[object]) -> str:
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
