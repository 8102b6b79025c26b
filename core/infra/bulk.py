# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Inserting many rows at once, column by column.

SQLAlchemy's ``execute(insert(table), rows)`` converts every row on its own: it builds the
parameters of each row and runs each value through its column's bind processor. For tens of
thousands of rows that bookkeeping costs more than the database's own work. :func:`insert_rows`
does the same conversion a column at a time (the columns' own bind processors, mapped over each
column's values) and hands the driver one ``executemany`` with plain tuples or dicts, using the
INSERT statement SQLAlchemy compiles for the dialect (so PostgreSQL keeps its casts).

:func:`gc_paused` keeps the garbage collector from re-walking those rows while they are built.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, insert

CHUNK = 5000
# Kinds of values that may share one dictionary of results (1 == True == 1.0 as keys: never mixed).
_ALIKE = ({int, float},)
_SAMPLE = 256                            # values looked at to judge whether a column repeats itself


def _mostly_distinct(head: list[Any]) -> bool:
    try:
        distinct = len(set(head))
    except TypeError:                       # unhashable: distinct objects
        distinct = len(set(map(id, head)))
    return distinct > len(head) // 2


def map_distinct(function: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``[function(v) for v in values]`` (None stays None), calling ``function`` once per distinct
    value: by equality when the values are hashable and of one kind (a column of 100,000 answers
    holds a thousand distinct attempt ids), else once per distinct object. ``function`` must be
    pure. Exceptions propagate as ``function`` raises them."""
    if _mostly_distinct(values[:_SAMPLE]):
        # Mostly distinct (ids of new rows, answer times): calling on each is cheaper than hashing.
        if None in values:
            return [None if v is None else function(v) for v in values]
        return list(map(function, values))
    kinds = set(map(type, values)) - {type(None)}
    if len(kinds) == 1 and next(iter(kinds)).__hash__ is not None or kinds in _ALIKE:
        done = {v: function(v) for v in set(values) if v is not None}
        return list(map(done.get, values))
    # Unhashable (lists, dicts) or mixed: once per distinct object (decoded JSON values are shared).
    ids = list(map(id, values))
    objects = dict(zip(ids, values, strict=True))
    by_id = {i: None if v is None else function(v) for i, v in objects.items()}
    return list(map(by_id.__getitem__, ids))


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT ``rows`` (all with the same keys, column names of ``table``) in ``conn``'s transaction."""
    if not rows:
        return
    names = list(rows[0])
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    processors: list[Callable[[Any], Any] | None] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    order = list(compiled.positiontup or ()) if compiled.positional else list(compiled.params)
    if set(order) != set(names):          # columns with defaults to compute: SQLAlchemy's own way
        conn.execute(insert(table), list(rows))
        return
    at = {name: i for i, name in enumerate(names)}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        columns = []
        for name, process in zip(names, processors, strict=True):
            values = [row[name] for row in chunk]
            columns.append(values if process is None else map_distinct(process, values))
        if compiled.positional:
            params: list[Any] = list(zip(*(columns[at[name]] for name in order), strict=True))
        else:
            params = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
        conn.exec_driver_sql(compiled.string, params)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a bulk job builds hundreds of thousands of
    objects (rows, keys), none of them in cycles: otherwise each collection walks all of them
    again and again. Reference counting still frees everything; the collector resumes after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
