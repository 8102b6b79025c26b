# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The report rollup checked against the base tables (used after every test on a ``db``/``demo_db``).

Whatever a test wrote through the use cases (answers, marking, expiry, regrades, paper exams, the
exchange merge, study heartbeats, group sessions, points and reversals, moves, deletions, restores),
the branch comparison must read the same numbers from the rollup as from the base tables: before the
rollup is brought up to date (stale pairs read from the base tables), and after (the rollup's rows
equal to those recomputed from scratch, no pair left marked).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, union_all

from core.infra.db import Database
from core.models import ReportMonth
from core.reports import rollup
from core.reports.branches import BranchStats, branch_stats
from core.reports.period import Period
from core.reports.scope import Scope

Row = tuple[dt.date, int, int, int, float, int, int, int, float]


def _plain(row: Any) -> Row:
    """A row with its sums as floats (PostgreSQL's sum of integers is a Decimal)."""
    values = tuple(row)
    return (*values[:3], *(float(v) for v in values[3:]))


def rollup_table(db: Database) -> list[Row]:
    with db.transaction(write=False) as s:
        return sorted(_plain(r) for r in s.execute(select(ReportMonth.month, ReportMonth.unit_id,
                                                          ReportMonth.officer_id,
                                                          *(getattr(ReportMonth, v) for v in rollup.VALUES))))


def from_scratch(db: Database) -> list[Row]:
    """The rollup's rows as the base tables give them now (the query a rebuild inserts)."""
    with db.transaction(write=False) as s:
        rows = union_all(*rollup.base_sources(None, None, by_month=True)).subquery()
        grouped = (select(rows.c.month, rows.c.unit_id, rows.c.officer_id, *(func.sum(rows.c[v]) for v in rollup.VALUES))
                   .group_by(rows.c.month, rows.c.unit_id, rows.c.officer_id))
        return sorted(_plain(r) for r in s.execute(grouped))


def same_rows(a: list[Row], b: list[Row]) -> None:
    assert [r[:3] for r in a] == [r[:3] for r in b]
    for x, y in zip(a, b, strict=True):
        assert x[3:] == pytest.approx(y[3:], rel=1e-9, abs=1e-9), (x, y)


def same_stats(a: list[BranchStats], b: list[BranchStats]) -> None:
    assert [s.unit.id for s in a] == [s.unit.id for s in b]
    for x, y in zip(a, b, strict=True):
        assert (x.members, x.participants, x.attempts, x.passers, x.study_seconds, x.active_members,
                x.materials_done, x.materials_total) == \
               (y.members, y.participants, y.attempts, y.passers, y.study_seconds, y.active_members,
                y.materials_done, y.materials_total), x.unit.name
        assert (x.score_sum, x.points) == pytest.approx((y.score_sum, y.points), rel=1e-9, abs=1e-9), x.unit.name


def span_of(rows: list[Row]) -> list[Period]:
    """One period over every month holding rows, starting in the middle of the first month (so the
    comparison reads whole months from the rollup and a part of a month from the base tables)."""
    if not rows:
        return []
    first, last = rows[0][0], max(r[0] for r in rows)
    return [Period("range", first + dt.timedelta(days=14), rollup.month_end(last))]


def compare_paths(db: Database, periods: list[Period], scopes: tuple[Scope, ...] = (Scope(),)) -> None:
    with db.transaction(write=False) as s:
        for period in periods:
            for scope in scopes:
                same_stats(branch_stats(s, period, scope, use_rollup=True),
                           branch_stats(s, period, scope, use_rollup=False))


def totals(db: Database) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The rollup's grand totals, and the same totals from the base tables (three plain scans)."""
    with db.transaction(write=False) as s:
        stored = s.execute(select(*(func.coalesce(func.sum(getattr(ReportMonth, v)), 0) for v in rollup.VALUES))).one()
        base = [s.execute(select(*(func.coalesce(func.sum(c), 0) for c in part.subquery().c[2:]))).one()
                for part in rollup.base_sources(None, None)]
    summed = tuple(float(sum(float(p[i]) for p in base)) for i in range(len(rollup.VALUES)))
    return tuple(float(v) for v in stored), summed


def assert_rollup_current(db: Database) -> None:
    """After a test: when it wrote (pairs marked), both paths agree (stale pairs read from the base
    tables), and after :func:`rollup.refresh` nothing is marked and the rollup's rows equal a rebuild's;
    otherwise (cheaper) the rollup's grand totals equal the base tables'."""
    with db.transaction(write=False) as s:
        marked = bool(rollup.stale_keys(s))
    if not marked:
        stored, base = totals(db)
        assert stored == pytest.approx(base, rel=1e-9, abs=1e-9), "rows written without marking the rollup stale"
        return
    expected = from_scratch(db)
    compare_paths(db, span_of(expected))
    rollup.refresh(db)
    with db.transaction(write=False) as s:
        assert rollup.stale_keys(s) == []
    same_rows(rollup_table(db), expected)
