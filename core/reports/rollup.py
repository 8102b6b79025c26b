# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What each officer did per unit: from the base tables, or from the monthly rollup.

Every report source here yields the same row shape, one row per (unit, officer) (and per month
when ``by_month``): attempts, score_sum, passed, study_seconds, study_days, points. The branch
comparison sums such rows per branch; it reads whole months from ``report_months`` and only the
partial months at a period's ends, and the (officer, month) pairs marked stale, from the base tables.

The rollup is brought up to date here (:func:`refresh`, before a branch report; :func:`rebuild`
after a restore or a migration); the triggers that mark stale pairs are in ``core.models.reports``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    case,
    delete,
    distinct,
    exists,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from core.infra.db import Database
from core.models import Attempt, LedgerEntry, Quiz, ReportMonth, ReportStale, StudySession
from core.models.reports import local_month
from core.reports.period import Period

CHUNK = 500                      # (officer, month) pairs recomputed per statement
LOCK_KEY = 7_190_019             # PostgreSQL advisory lock: one refresher at a time
VALUES = ("attempts", "score_sum", "passed", "study_seconds", "study_days", "points")

Keys = Sequence[tuple[int, dt.date]]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def split_months(period: Period) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """The whole months inside ``period`` (first and last month's first day, or None) and the
    day ranges at its ends that are parts of months."""
    first = period.start if period.start.day == 1 else month_end(period.start) + dt.timedelta(days=1)
    last = period.end if period.end == month_end(period.end) else month_start(period.end) - dt.timedelta(days=1)
    if first > last:
        return None, [(period.start, period.end)]
    edges = [(a, b) for a, b in ((period.start, first - dt.timedelta(days=1)),
                                 (last + dt.timedelta(days=1), period.end)) if a <= b]
    return (first, month_start(last)), edges


# --- rows from the base tables -------------------------------------------------------------------

Where = dict[str, list[ColumnElement[bool]]]     # table name -> extra conditions


def base_sources(start: dt.date | None, end: dt.date | None, *, by_month: bool = False,
                 where: Where | None = None) -> list[Select[Any]]:
    """Attempts, study and points per (unit, officer) [and month] over China days ``start``..``end``
    (None: all time), one select each, in the common row shape."""
    where = where or {}
    zero: ColumnElement[Any] = literal_column("0")
    zero_f: ColumnElement[Any] = literal_column("0.0")
    practice = select(Quiz.id).where(Quiz.mode == "practice")

    def shape(unit: Any, officer: Any, month_of: Any, values: list[Any], conds: list[Any], table: str) -> Select[Any]:
        keys = [local_month(month_of, is_day=table != "attempts").label("month")] if by_month else []
        cols = [*keys, unit.label("unit_id"), officer.label("officer_id"),
                *(v.label(n) for v, n in zip(values, VALUES, strict=True))]
        return select(*cols).where(*conds, *where.get(table, ())).group_by(*keys, unit, officer)

    att_conds: list[Any] = [Attempt.submitted_at.is_not(None), Attempt.percent.is_not(None),
                            Attempt.quiz_id.not_in(practice)]
    day_conds: dict[str, list[Any]] = {"study_sessions": [StudySession.active_seconds > 0], "ledger_entries": []}
    if start is not None and end is not None:
        a, b = Period("range", start, end).utc_bounds()
        att_conds += [Attempt.submitted_at >= a, Attempt.submitted_at < b]
        day_conds["study_sessions"] += [StudySession.day >= start, StudySession.day <= end]
        day_conds["ledger_entries"] += [LedgerEntry.day >= start, LedgerEntry.day <= end]
    return [
        shape(Attempt.unit_id, Attempt.officer_id, Attempt.submitted_at,
              [func.count(), func.coalesce(func.sum(Attempt.percent), 0.0),
               func.coalesce(func.sum(case((Attempt.passed.is_(True), 1), else_=0)), 0), zero, zero, zero_f],
              att_conds, "attempts"),
        shape(StudySession.unit_id, StudySession.officer_id, StudySession.day,
              [zero, zero_f, zero, func.sum(StudySession.active_seconds), func.count(distinct(StudySession.day)),
               zero_f], day_conds["study_sessions"], "study_sessions"),
        shape(LedgerEntry.unit_id, LedgerEntry.officer_id, LedgerEntry.day,
              [zero, zero_f, zero, zero, zero, func.sum(LedgerEntry.amount)], day_conds["ledger_entries"],
              "ledger_entries"),
    ]


def restrict(units: list[int] | None, officers: Sequence[Any] = (), keys: Any = None) -> Where:
    """Conditions for :func:`base_sources`: rows of ``units``, of each of ``officers`` (selects or
    lists of ids), and of (officer, month) ``keys`` (a select or a list of pairs)."""
    out: Where = {}
    for table, model, month_of, is_day in ((("attempts", Attempt, Attempt.submitted_at, False),
                                            ("study_sessions", StudySession, StudySession.day, True),
                                            ("ledger_entries", LedgerEntry, LedgerEntry.day, True))):
        conds: list[ColumnElement[bool]] = []
        if units is not None:
            conds.append(model.unit_id.in_(units))
        conds += [model.officer_id.in_(ids) for ids in officers]
        if keys is not None:
            conds.append(tuple_(model.officer_id, local_month(month_of, is_day=is_day)).in_(keys))
        out[table] = conds
    return out


# --- rows from the rollup ------------------------------------------------------------------------

def rollup_rows(months: tuple[dt.date, dt.date], units: list[int], officers: Any = None, *,
                skip_stale: bool = False) -> Select[Any]:
    """``report_months`` rows of ``units`` in the months ``months`` (first days), in the common shape;
    without the (officer, month) pairs marked stale when ``skip_stale``."""
    r = ReportMonth
    stmt = (select(r.unit_id, r.officer_id, *(getattr(r, v) for v in VALUES))
            .where(r.month >= months[0], r.month <= months[1], r.unit_id.in_(units)))
    if officers is not None:
        stmt = stmt.where(r.officer_id.in_(officers))
    if skip_stale:
        stmt = stmt.where(~exists().where(ReportStale.officer_id == r.officer_id, ReportStale.month == r.month))
    return stmt


def stale_pairs(months: tuple[dt.date, dt.date]) -> Select[int, dt.date]:
    return select(ReportStale.officer_id, ReportStale.month).where(
        ReportStale.month >= months[0], ReportStale.month <= months[1])


def any_stale(session: Session, months: tuple[dt.date, dt.date]) -> bool:
    return session.scalar(select(exists(stale_pairs(months)))) or False


def officer_sources(session: Session, period: Period, units: list[int], officers: Any = None, *,
                    use_rollup: bool = True) -> list[Select[Any]]:
    """Selects whose union is every (unit, officer) row of ``period`` (a pair may come in parts)."""
    scope = [] if officers is None else [officers]
    if not use_rollup:
        return base_sources(period.start, period.end, where=restrict(units, scope))
    months, edges = split_months(period)
    parts: list[Select[Any]] = []
    for a, b in edges:
        parts += base_sources(a, b, where=restrict(units, scope))
    if months is not None:
        stale = any_stale(session, months)
        parts.append(rollup_rows(months, units, officers, skip_stale=stale))
        if stale:     # those pairs from the base tables, the scans driven by the few stale officers
            pairs = stale_pairs(months)
            stale_officers = select(pairs.subquery().c.officer_id)
            where = restrict(units, [*scope, stale_officers], keys=pairs)
            parts += base_sources(months[0], month_end(months[1]), where=where)
    return parts


# --- keeping the rollup current ------------------------------------------------------------------

def _recompute(session: Session, keys: Keys | None) -> None:
    """Replace the rollup rows of ``keys`` (None: all) by what the base tables hold now."""
    if keys is None:
        session.execute(delete(ReportMonth))
        where = None
    else:
        session.execute(delete(ReportMonth).where(tuple_(ReportMonth.officer_id, ReportMonth.month).in_(keys)))
        where = restrict(None, [sorted({o for o, _m in keys})], keys)
    rows = union_all(*base_sources(None, None, by_month=True, where=where)).subquery()
    grouped = select(rows.c.month, rows.c.unit_id, rows.c.officer_id,
                     *(func.sum(rows.c[v]) for v in VALUES)).group_by(rows.c.month, rows.c.unit_id, rows.c.officer_id)
    session.execute(insert(ReportMonth).from_select(["month", "unit_id", "officer_id", *VALUES], grouped))


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


def refresh_session(session: Session) -> int:
    """Recompute every (officer, month) marked stale; returns how many. A marker is removed only if
    no writer touched its pair since it was read (its ``seq`` unchanged)."""
    _lock(session)
    marked = session.execute(select(ReportStale.officer_id, ReportStale.month, ReportStale.seq)).all()
    for i in range(0, len(marked), CHUNK):
        chunk = marked[i:i + CHUNK]
        _recompute(session, [(o, m) for o, m, _s in chunk])
        stale = ReportStale.metadata.tables[ReportStale.__tablename__]
        session.connection().execute(      # executemany of a Core DELETE (the ORM has no bulk DELETE)
            delete(stale).where(stale.c.officer_id == bindparam("o"), stale.c.month == bindparam("m"),
                                stale.c.seq == bindparam("s")),
            [{"o": o, "m": m, "s": s} for o, m, s in chunk])
    return len(marked)


def refresh(db: Database) -> int:
    """Bring the rollup up to date in a transaction of its own (nothing to do: nothing written)."""
    with db.transaction(write=False) as s:
        if not s.scalar(select(exists(select(ReportStale.officer_id)))):
            return 0
    with db.transaction() as s:
        return refresh_session(s)


def rebuild(session: Session) -> None:
    """Recompute the whole rollup from the base tables (a migration, a restore, a generated database)."""
    _lock(session)
    _recompute(session, None)
    session.execute(delete(ReportStale))


def stale_keys(session: Session) -> Iterable[tuple[int, dt.date]]:
    """The (officer, month) pairs waiting to be recomputed (tests, diagnostics)."""
    return [(o, m) for o, m in session.execute(select(ReportStale.officer_id, ReportStale.month))]
