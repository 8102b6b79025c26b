# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Draw pools: the candidate question ids of a section's filter, kept in memory between draws.

Drawing a 100-question paper from a 100,000-question bank then costs two tiny queries (is every
pool still current?) and a random sample in memory, instead of probing the table each time.

A pool is only served while the database says nothing it depends on changed: the *stamp* read
before every draw is each bank's ``draw_token`` (a new random value whenever one of its
questions is updated or deleted, and on PostgreSQL inserted: triggers in core/models/bank.py)
and the highest question row (id, lineage, version), which shows new questions on SQLite. The
database keeps the stamp, so a question added or retired by another process or PC is seen by
the next draw; random tokens never repeat, so restoring a backup or rolling back a transaction
cannot bring an old stamp back with different questions. The stamp is read before the pool is
loaded: a change committed in between makes the next draw load it again, never keep it stale.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from core.models import Bank, QuestionRow

MAX_POOLS = 256             # filters remembered per database; all are dropped when more are asked for


@dataclass(frozen=True, slots=True)
class PoolKey:
    """What a section draws from: type, banks, categories, tags and difficulty (None: any)."""

    qtype: str
    banks: frozenset[int]
    categories: frozenset[str]
    tags: frozenset[str]
    level: int | None

    @classmethod
    def of(cls, qtype: str, filters: dict[str, Any], level: int | None) -> PoolKey:
        return cls(qtype, frozenset(int(b) for b in filters.get("bank_ids") or []),
                   frozenset(str(c) for c in filters.get("categories") or []),
                   frozenset(str(t) for t in filters.get("tags") or []), level)

    def statement(self) -> Select[Any]:
        stmt = select(QuestionRow.id).where(QuestionRow.qtype == self.qtype, QuestionRow.is_current,
                                            QuestionRow.active)
        if self.banks:
            stmt = stmt.where(QuestionRow.bank_id.in_(sorted(self.banks)))
        if self.categories:
            stmt = stmt.where(QuestionRow.category.in_(sorted(self.categories)))
        if self.level is not None:
            stmt = stmt.where(QuestionRow.difficulty == self.level)
        return stmt


@dataclass
class _Pools:
    stamp: Hashable = None
    ids: dict[PoolKey, tuple[int, ...]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE: weakref.WeakKeyDictionary[Engine, _Pools] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def stamp(session: Session) -> Hashable:
    """What the pools of this database depend on, as the database has it now."""
    last = session.execute(select(QuestionRow.id, QuestionRow.lineage, QuestionRow.version)
                           .order_by(QuestionRow.id.desc()).limit(1)).first()
    tokens = session.execute(select(Bank.id, Bank.draw_token)).all()
    return (tuple(last) if last else None, frozenset(map(tuple, tokens)))


def _load(session: Session, key: PoolKey) -> tuple[int, ...]:
    if not key.tags:
        return tuple(session.scalars(key.statement()))
    rows = session.execute(key.statement().add_columns(QuestionRow.tags))
    return tuple(qid for qid, tags in rows if key.tags & set(tags or []))


class Pools:
    """The pools of one database as of one stamp: read the stamp once per draw, then ask for pools."""

    def __init__(self, session: Session) -> None:
        self._session = session
        engine = session.connection().engine
        with _CACHE_LOCK:
            self._pools = _CACHE.setdefault(engine, _Pools())
        self._stamp = stamp(session)

    def ids(self, key: PoolKey) -> tuple[int, ...]:
        """Every current, active question id matching ``key`` (in no particular order)."""
        pools = self._pools
        with pools.lock:
            if pools.stamp != self._stamp:
                pools.ids.clear()
                pools.stamp = self._stamp
            found = pools.ids.get(key)
        if found is not None:
            return found
        loaded = _load(self._session, key)
        with pools.lock:
            if pools.stamp == self._stamp:       # another thread may have seen a newer stamp meanwhile
                if len(pools.ids) >= MAX_POOLS:
                    pools.ids.clear()
                pools.ids[key] = loaded
        return loaded
