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
import threading
import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import DatabaseError
from core.models import QuestionRow
from quizbank.i18n import _
from quizbank.model import Question


class QuestionWriter:
    """Stores chunks of new questions in the session's transaction.

    On SQLite a helper thread runs each chunk as one multi-row ``INSERT`` (a single
    step, during which sqlite3 releases the GIL) while the import goes on with the
    next chunk; rows are plain tuples, never ORM objects. Other databases get one
    SQLAlchemy Core ``executemany`` per chunk. :meth:`close` waits for the last chunk
    and re-raises a failed insert; call it before the transaction ends.
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

    def write(self, bank_id: int, new: list[tuple[Question, str]]) -> None:
        """Store ``(question, content hash)`` pairs as new questions of ``bank_id``."""
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

    def close(self, *, abandon: bool = False) -> None:
        """Wait for the chunks still queued and re-raise a failed insert; with ``abandon`` (the
        import is failing anyway) skip what is still queued and raise nothing."""
        self.abandoned = abandon
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.failure is not None and not abandon:
            raise self.failure

    def _run(self, dbapi: Any) -> None:
        per_statement = max(1, _variable_limit(dbapi) // len(_SQLITE_PARAMS))
        while (rows := self.queue.get()) is not None:
            if self.failure is not None or self.abandoned:
                continue   # drain the queue; close() re-raises a failure
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
        row = f"(?, 1, 1, 1, {int(self.bank_id)}, {', '.join('?' * (len(_SQLITE_PARAMS) - 1))}, '{stamp}')"
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
