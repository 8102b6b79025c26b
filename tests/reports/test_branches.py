# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Branch comparison against hand-computed numbers (see conftest.py for the fixture)."""

from __future__ import annotations

import pytest

from core.reports.branches import branch_stats, branch_trend, compare_branches
from core.reports.period import parse_period
from core.reports.scope import Scope

Q3 = parse_period("2026Q3")


def by_code(stats):  # type: ignore[no-untyped-def]
    return {s.unit.code: s for s in stats}


def test_quarter_numbers_by_hand(org) -> None:  # type: ignore[no-untyped-def]
    db, ids = org
    with db.transaction() as s:
        st = by_code(branch_stats(s, Q3, Scope(), active_days=8))
    a, b, e = st["A"], st["B"], st["E"]
    # Members: A had o1, o2 and o3 (until 08-14); B had o3 (from 08-15) and o4; E nobody.
    assert (a.members, b.members, e.members) == (3, 2, 0)
    # Non-practice attempts in Q3 (China days): A 80, 50, 40, 90; B 70 (o4's practice is ignored).
    assert (a.attempts, a.participants, a.passers) == (4, 3, 2)
    assert a.value("avg_score") == pytest.approx(65.0)
    assert a.value("participation") == pytest.approx(1.0)
    assert a.value("pass_rate") == pytest.approx(2 / 3)
    assert (b.attempts, b.participants, b.passers) == (1, 1, 1)
    assert b.value("participation") == pytest.approx(0.5)
    assert b.value("avg_score") == pytest.approx(70.0)
    # Study: A 10×1800 + 2×600 + 5×1200 = 25200 s over 3 members = 140 min; B 8×900 = 7200 s / 2 = 60 min.
    assert a.value("study_minutes") == pytest.approx(140.0)
    assert b.value("study_minutes") == pytest.approx(60.0)
    # Active on ≥ 8 days: o1 in A (10 days), o3 in B (8 days).
    assert a.value("activity") == pytest.approx(1 / 3)
    assert b.value("activity") == pytest.approx(1 / 2)
    # Points: A 20+5+3 = 28 over 3; B 7+1 = 8 over 2 (o4's 50 on 10-01 is Q4).
    assert a.value("points") == pytest.approx(28 / 3)
    assert b.value("points") == pytest.approx(4.0)
    # Required material: o1 finished in Q3; o4 only in Q4 -> A 1/3, B 0/2.
    assert a.value("materials") == pytest.approx(1 / 3)
    assert b.value("materials") == pytest.approx(0.0)
    # The empty branch has no rates at all (not zeros that would rank it).
    assert e.value("participation") is None and e.value("avg_score") is None


def test_filters(org) -> None:  # type: ignore[no-untyped-def]
    db, _ids = org
    with db.transaction() as s:
        police = by_code(branch_stats(s, Q3, Scope(category="police")))
        party = by_code(branch_stats(s, Q3, Scope(party_only=True)))
    assert police["A"].members == 2 and police["B"].members == 1
    assert police["A"].value("avg_score") == pytest.approx((80 + 50 + 90) / 3)
    assert police["B"].value("participation") == pytest.approx(1.0)
    assert party["A"].members == 2 and party["B"].members == 2
    assert party["A"].value("points") == pytest.approx(23 / 2)


def test_ranking_and_previous_period(org) -> None:  # type: ignore[no-untyped-def]
    db, _ids = org
    with db.transaction() as s:
        cmp = compare_branches(s, Q3, Scope(), metric="study_minutes", active_days=8)
    assert [r.unit.code for r in cmp.rows] == ["A", "B", "E"]
    assert [r.rank for r in cmp.rows] == [1, 2, None]
    assert cmp.previous_period.code == "2026Q2"
    a = cmp.rows[0]
    # Q2: A had o1, o2, o3 and 3600 s of study -> 20 min per member.
    assert cmp.previous(a) == pytest.approx(20.0)
    assert cmp.change(a) == pytest.approx(120.0)
    cmp.rank_by("participation")
    assert [r.unit.code for r in cmp.rows][:2] == ["A", "B"]
    assert cmp.total is not None and cmp.total.members == 5
    data = cmp.to_json()
    assert data["branches"][0]["unit"] == "一支部"


def test_subtree_scope_and_trend(org) -> None:  # type: ignore[no-untyped-def]
    db, ids = org
    with db.transaction() as s:
        only_b = compare_branches(s, Q3, Scope(unit_id=ids["B"]))
        trend = branch_trend(s, Q3, Scope(), metric="points", count=3)
    assert [r.unit.code for r in only_b.rows] == ["B"]
    assert [p.code for p in trend.periods] == ["2026Q1", "2026Q2", "2026Q3"]
    assert trend.series["二支部"] == [0.0, 0.0, pytest.approx(4.0)]
    assert trend.series["三支部"] == [None, None, None]
