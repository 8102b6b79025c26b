# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Branch comparison (支部对比): per-officer rows (the monthly rollup, base tables at the edges) summed per branch.

Definitions (per branch, per period, after the 民警/辅警 and 党员 filters):

* members: officers with a membership row in the branch overlapping the period;
* participation: members who submitted at least one non-practice quiz in the branch / members;
* average score: mean percent of those submitted attempts;
* pass rate: participants who passed at least one attempt / participants;
* study minutes and points per member: sums of rows earned in the branch / members;
* required-material completion: finished (member, 必学 material) pairs by period end / all pairs;
* activity rate: members who studied in the branch on at least ``active_days`` days / members
  (default: 12 days a month, scaled to the period's length).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select, union_all
from sqlalchemy.orm import Session

from base.i18n import N_, _
from core.models import Material, MaterialProgress
from core.reports import rollup
from core.reports.period import Period
from core.reports.scope import BranchUnit, Scope, branches, member_pairs, officer_filter, scope_name

ACTIVE_DAYS_PER_MONTH = 12     # a member is "active" after studying on 12 days a month (scaled to the period)


def default_active_days(period: Period) -> int:
    """The activity target for ``period``: 12 days a month, 3 a week, 36 a quarter, 146 a year."""
    return max(1, round(ACTIVE_DAYS_PER_MONTH * period.days / 30.4))

# key -> (label, is_rate). Rates are fractions 0..1; avg_score is a percent 0..100.
METRICS: dict[str, tuple[str, bool]] = {
    "participation": (N_("参考率"), True),
    "avg_score": (N_("平均分"), False),
    "pass_rate": (N_("合格率"), True),
    "study_minutes": (N_("人均学习分钟"), False),
    "points": (N_("人均积分"), False),
    "materials": (N_("必学完成率"), True),
    "activity": (N_("活跃率"), True),
    "members": (N_("人数"), False),
}


def metric_label(key: str) -> str:
    return _(METRICS[key][0])


def format_metric(key: str, value: float | None) -> str:
    if value is None:
        return "—"
    if METRICS[key][1]:
        return f"{value * 100:.1f}%"
    if key == "members":
        return str(int(value))
    return f"{value:.1f}"


@dataclass(slots=True)
class BranchStats:
    unit: BranchUnit
    members: int = 0
    participants: int = 0
    attempts: int = 0
    score_sum: float = 0.0
    passers: int = 0
    study_seconds: int = 0
    points: float = 0.0
    active_members: int = 0
    materials_done: int = 0
    materials_total: int = 0

    def value(self, key: str) -> float | None:
        m = self.members
        if key == "members":
            return float(m)
        if key == "participation":
            return self.participants / m if m else None
        if key == "avg_score":
            return self.score_sum / self.attempts if self.attempts else None
        if key == "pass_rate":
            return self.passers / self.participants if self.participants else None
        if key == "study_minutes":
            return self.study_seconds / 60 / m if m else None
        if key == "points":
            return self.points / m if m else None
        if key == "materials":
            return self.materials_done / self.materials_total if self.materials_total else None
        if key == "activity":
            return self.active_members / m if m else None
        raise KeyError(key)

    def add(self, other: BranchStats) -> None:
        for name in ("members", "participants", "attempts", "score_sum", "passers", "study_seconds", "points",
                     "active_members", "materials_done", "materials_total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class BranchRow:
    stats: BranchStats
    prev: BranchStats
    rank: int | None = None
    previous_rank: int | None = None

    @property
    def unit(self) -> BranchUnit:
        return self.stats.unit


def _ranks(values: list[float | None]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4), highest first; branches without a value get no rank."""
    present = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else present.index(v) + 1 for v in values]


@dataclass(slots=True)
class BranchComparison:
    scope: Scope
    scope_name: str
    period: Period
    previous_period: Period
    metric: str
    active_days: int
    rows: list[BranchRow] = field(default_factory=list)     # ranked by ``metric``
    total: BranchStats | None = None

    def rank_by(self, metric: str) -> BranchComparison:
        """Rank (and sort) the rows by ``metric`` in this and the previous period."""
        if metric not in METRICS:
            raise KeyError(metric)
        self.metric = metric
        for row, rank in zip(self.rows, _ranks([r.stats.value(metric) for r in self.rows]), strict=True):
            row.rank = rank
        for row, rank in zip(self.rows, _ranks([r.prev.value(metric) for r in self.rows]), strict=True):
            row.previous_rank = rank
        self.rows.sort(key=lambda r: (r.rank is None, r.rank or 0))
        return self

    def previous(self, row: BranchRow) -> float | None:
        return row.prev.value(self.metric)

    def change(self, row: BranchRow) -> float | None:
        now, before = row.stats.value(self.metric), row.prev.value(self.metric)
        return None if now is None or before is None else now - before

    def to_json(self) -> dict[str, object]:
        return {
            "period": self.period.code, "previous_period": self.previous_period.code, "scope": self.scope_name,
            "metric": self.metric, "active_days": self.active_days,
            "branches": [
                {"unit": r.unit.name, "code": r.unit.code, "rank": r.rank, "previous_rank": r.previous_rank,
                 "members": r.stats.members, "participants": r.stats.participants, "attempts": r.stats.attempts,
                 **{k: r.stats.value(k) for k in METRICS if k != "members"},
                 "previous": self.previous(r), "change": self.change(r)}
                for r in self.rows
            ],
        }


def branch_stats(session: Session, period: Period, scope: Scope, *, active_days: int | None = None,
                 units: list[BranchUnit] | None = None, use_rollup: bool = True) -> list[BranchStats]:
    """Per-branch sums for ``period``: one grouped query over per-officer rows (from the monthly
    rollup for whole months, see :mod:`core.reports.rollup`; ``use_rollup=False`` reads only the
    base tables, as the tests' reference), one for members and one for required materials."""
    units = branches(session, scope) if units is None else units
    active_days = default_active_days(period) if active_days is None else active_days
    stats = {u.id: BranchStats(u) for u in units}
    ids = list(stats)
    if not ids:
        return []
    members = member_pairs(scope, ids, period).subquery()
    for unit_id, n in session.execute(select(members.c.unit_id, func.count()).group_by(members.c.unit_id)):
        stats[unit_id].members = n

    parts = rollup.officer_sources(session, period, ids, officer_filter(scope), use_rollup=use_rollup)
    rows = union_all(*parts).subquery()
    per_officer = (select(rows.c.unit_id, *(func.sum(rows.c[v]).label(v) for v in rollup.VALUES))
                   .group_by(rows.c.unit_id, rows.c.officer_id).subquery())
    o = per_officer.c
    totals = (select(o.unit_id, func.sum(o.attempts), func.sum(case((o.attempts > 0, 1), else_=0)),
                     func.sum(o.score_sum), func.sum(case((o.passed > 0, 1), else_=0)), func.sum(o.study_seconds),
                     func.sum(case((o.study_days >= active_days, 1), else_=0)), func.sum(o.points))
              .group_by(o.unit_id))
    for unit_id, n, people, score, passers, secs, active, points in session.execute(totals):
        s = stats[unit_id]
        s.attempts, s.participants, s.score_sum, s.passers = int(n or 0), int(people or 0), float(score or 0), \
            int(passers or 0)
        s.study_seconds, s.active_members, s.points = int(secs or 0), int(active or 0), float(points or 0)

    a, b = period.utc_bounds()
    required = list(session.scalars(select(Material.id).where(Material.required, Material.active)))
    if required:
        done = (select(members.c.unit_id, func.count())
                .join(MaterialProgress, MaterialProgress.officer_id == members.c.officer_id)
                .where(MaterialProgress.material_id.in_(required), MaterialProgress.finished_at.is_not(None),
                       MaterialProgress.finished_at < b)
                .group_by(members.c.unit_id))
        for unit_id, n in session.execute(done):
            stats[unit_id].materials_done = n
        for s in stats.values():
            s.materials_total = s.members * len(required)
    return list(stats.values())


def compare_branches(session: Session, period: Period, scope: Scope, *, metric: str = "participation",
                     active_days: int | None = None) -> BranchComparison:
    """Branches ranked by ``metric`` with the change against the previous period."""
    if metric not in METRICS:
        raise KeyError(metric)
    units = branches(session, scope)
    active_days = default_active_days(period) if active_days is None else active_days
    now = branch_stats(session, period, scope, active_days=active_days, units=units)
    prev = branch_stats(session, period.previous(), scope, active_days=active_days, units=units)
    total = BranchStats(BranchUnit(0, "", _("合计"), ""))
    for s in now:
        total.add(s)
    rows = [BranchRow(s, p) for s, p in zip(now, prev, strict=True)]
    return BranchComparison(scope, scope_name(session, scope), period, period.previous(), metric, active_days,
                            rows, total).rank_by(metric)


@dataclass(slots=True)
class Trend:
    metric: str
    periods: list[Period]
    series: dict[str, list[float | None]]      # branch name -> one value per period


def branch_trend(session: Session, period: Period, scope: Scope, *, metric: str = "participation", count: int = 6,
                 active_days: int | None = None) -> Trend:
    """``metric`` per branch over the ``count`` periods ending with ``period``."""
    units = branches(session, scope)
    periods = period.last(count)
    series: dict[str, list[float | None]] = {u.name: [] for u in units}
    for p in periods:
        stats = branch_stats(session, p, scope, active_days=active_days, units=units)
        # A period in which nothing this metric counts happened anywhere in the scope (no exam held,
        # nobody studied) has no value: the chart draws a gap there, not a fall to 0 %.
        happened = any(_activity(s, metric) for s in stats)
        for s in stats:
            series[s.unit.name].append(s.value(metric) if happened else None)
    return Trend(metric, periods, series)


def _activity(s: BranchStats, metric: str) -> float:
    """What ``metric`` is made of in one branch and period (0: nothing to measure)."""
    if metric in ("participation", "avg_score", "pass_rate"):
        return s.attempts
    if metric in ("study_minutes", "activity"):
        return s.study_seconds
    if metric == "points":
        return s.points
    if metric == "materials":
        return s.materials_total
    return s.members
