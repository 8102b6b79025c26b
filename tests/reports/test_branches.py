# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Branch comparison against hand-computed numbers (see conftest.py for the fixture), and who may
see which report through the use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from base.errors import PermissionDenied
from core.access.actor import ANONYMOUS, Actor
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import AuditEntry
from core.people.org import unit_by_code_or_name
from core.reports import usecases as reports
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
    # Nobody earned points anywhere before Q3: those quarters have no value (a gap), not 0.
    assert trend.series["二支部"] == [None, None, pytest.approx(4.0)]
    assert trend.series["三支部"] == [None, None, None]


# --- the use cases: who may see what ---------------------------------------------------------------

def denials(db: Database, actor: Actor) -> list[AuditEntry]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied",
                                                         AuditEntry.actor_id == actor.user_id)))


def test_comparison_is_published_to_every_branch(org, org_actors) -> None:  # type: ignore[no-untyped-def]
    db, _ids = org
    admin = reports.compare_branches(db, org_actors["admin"], Q3, metric="study_minutes", active_days=8, trend=3)
    secretary = reports.compare_branches(db, org_actors["secretary"], Q3, metric="study_minutes", active_days=8)
    # A secretary of 二支部 sees every branch's aggregated numbers, as the administrator does.
    assert [r.unit.code for r in admin.comparison.rows] == [r.unit.code for r in secretary.comparison.rows] \
        == ["A", "B", "E"]
    assert admin.table.rows[0][1] == "一支部" and admin.chart.series[0][1][0] == pytest.approx(140.0)
    assert admin.trend is not None and [p.code for p in admin.trend.periods] == ["2026Q1", "2026Q2", "2026Q3"]
    assert admin.trend_chart is not None and secretary.trend is None and secretary.trend_chart is None
    assert admin.document.tables[0].title == admin.table.title
    only_b = reports.compare_branches(db, org_actors["secretary"], Q3, unit="B")    # a unit code
    assert [r.unit.code for r in only_b.comparison.rows] == ["B"]


def test_drill_down_transcript_reminders_coverage_within_the_subtree(org, org_actors) -> None:  # type: ignore[no-untyped-def]
    db, ids = org
    db.clock = FakeClock(dt.datetime(2026, 10, 2, 2, tzinfo=dt.UTC))
    secretary, officer = org_actors["secretary"], org_actors["officer"]
    drill = reports.branch_officers(db, secretary, Q3, ids["B"])
    assert drill.unit_name == "二支部" and sorted(r.badge for r in drill.rows) == ["o3", "o4"]
    # o3 moved to 二支部: their whole transcript, earlier results in 一支部 included.
    moved = reports.transcript(db, secretary, "o3").transcript
    assert [m.unit_name for m in moved.memberships] == ["一支部", "二支部"]
    assert reports.transcript(db, officer, "o1").transcript.name == "张一"        # one's own
    # Without a unit, reports naming officers cover the secretary's own subtree only.
    week = reports.reminders(db, secretary, day=dt.date(2026, 9, 3), minutes_target=50, points_target=5)
    assert week.reminders.members == 2 and {(x.branch, x.badge) for x in week.reminders.rows} == {("二支部", "o4")}
    everyone = reports.reminders(db, org_actors["admin"], day=dt.date(2026, 9, 3), minutes_target=50,
                                 points_target=5)
    assert everyone.reminders.members == 4 and len(everyone.reminders.rows) == 3
    cov = reports.coverage(db, secretary, quiz_id=1).coverage
    assert cov.counts() == {"police": {"total": 1, "passed": 1}, "auxiliary": {"total": 1, "missing": 1}}
    assert reports.coverage(db, secretary, material_id=1, unit=ids["B"]).coverage.kind == "material"
    items = reports.item_analysis(db, secretary, 1)
    assert items.analysis.attempts == 7 and items.document.tables
    lists = reports.report_lists(db, secretary)
    assert [u.code for u in lists.units] == ["LJ"] and {q.id for q in lists.quizzes} == {1, 2}


Call = Callable[[Database, Actor, dict[str, int]], Any]
REFUSED: list[tuple[str, str, Call]] = [
    ("anonymous", "report.branches", lambda db, a, ids: reports.compare_branches(db, a, Q3)),
    ("officer", "report.branches", lambda db, a, ids: reports.compare_branches(db, a, Q3)),
    ("officer", "report.items", lambda db, a, ids: reports.item_analysis(db, a, 1)),
    ("officer", "report.items", lambda db, a, ids: reports.report_lists(db, a)),
    ("officer", "report.people", lambda db, a, ids: reports.branch_officers(db, a, Q3, ids["A"])),
    ("officer", "report.people", lambda db, a, ids: reports.transcript(db, a, "o2")),
    ("officer", "report.people", lambda db, a, ids: reports.reminders(db, a)),
    ("officer", "report.people", lambda db, a, ids: reports.coverage(db, a, quiz_id=1)),
    ("secretary", "report.people", lambda db, a, ids: reports.branch_officers(db, a, Q3, ids["A"])),
    ("secretary", "report.people", lambda db, a, ids: reports.transcript(db, a, "o1")),
    ("secretary", "report.people", lambda db, a, ids: reports.reminders(db, a, unit="一支部")),
    ("secretary", "report.people", lambda db, a, ids: reports.coverage(db, a, quiz_id=1, unit=ids["JJ"])),
]


@pytest.mark.parametrize(("who", "action", "call"), REFUSED,
                         ids=[f"{w}-{i}" for i, (w, _a, _c) in enumerate(REFUSED)])
def test_refusals_are_audited(org, org_actors, who: str, action: str, call: Call) -> None:  # type: ignore[no-untyped-def]
    db, ids = org
    with db.transaction() as s:
        ids = {**ids, "JJ": unit_by_code_or_name(s, "JJ").id}
    actor = ANONYMOUS if who == "anonymous" else org_actors[who]
    before = len(denials(db, actor))
    with pytest.raises(PermissionDenied):
        call(db, actor, ids)
    rows = denials(db, actor)
    assert len(rows) == before + 1 and rows[-1].target_id == action
