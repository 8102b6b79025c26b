# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""活跃度 reminders: current members below the study-minutes or points target this week or month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.home.dashboard import WEEKLY_TARGET_MINUTES
from core.models import LedgerEntry, Officer, StudySession
from core.reports.period import Period, period_of
from core.reports.scope import Scope, branches, current_members

# Defaults: 日学一小时 on five working days a week; a month ≈ 4 such weeks.
DEFAULT_TARGETS = {"week": (WEEKLY_TARGET_MINUTES, 10.0), "month": (WEEKLY_TARGET_MINUTES * 4, 40.0)}


@dataclass(frozen=True, slots=True)
class ReminderRow:
    branch: str
    badge: str
    name: str
    category: str
    minutes: float
    points: float
    minutes_short: bool
    points_short: bool


@dataclass(slots=True)
class Reminders:
    period: Period
    minutes_target: float
    points_target: float
    members: int
    rows: list[ReminderRow] = field(default_factory=list)     # grouped by branch, furthest behind first

    def by_branch(self) -> dict[str, list[ReminderRow]]:
        out: dict[str, list[ReminderRow]] = {}
        for r in self.rows:
            out.setdefault(r.branch, []).append(r)
        return out

    def to_json(self) -> dict[str, object]:
        return {"period": self.period.code, "minutes_target": self.minutes_target,
                "points_target": self.points_target, "members": self.members,
                "behind": [{"branch": r.branch, "badge": r.badge, "name": r.name, "minutes": round(r.minutes, 1),
                            "points": r.points, "minutes_short": r.minutes_short, "points_short": r.points_short}
                           for r in self.rows]}


def reminders(session: Session, scope: Scope, today: dt.date, *, kind: str = "week",
              minutes_target: float | None = None, points_target: float | None = None,
              unit_ids: Collection[int] | None = None) -> Reminders:
    """Members (on ``today``) of the branches in scope whose week/month so far is below target
    (only branches among ``unit_ids`` when given)."""
    period = period_of(kind, today)
    default_minutes, default_points = DEFAULT_TARGETS.get(kind, DEFAULT_TARGETS["week"])
    m_target = default_minutes if minutes_target is None else minutes_target
    p_target = default_points if points_target is None else points_target
    units = {u.id: u for u in branches(session, scope, unit_ids=unit_ids)}
    result = Reminders(period, m_target, p_target, 0)
    if not units:
        return result
    members = current_members(scope, list(units), today).subquery()
    officer_ids = select(members.c.officer_id)
    minutes = dict(session.execute(
        select(StudySession.officer_id, func.sum(StudySession.active_seconds))
        .where(StudySession.officer_id.in_(officer_ids), StudySession.day >= period.start,
               StudySession.day <= period.end)
        .group_by(StudySession.officer_id)).all())
    points = dict(session.execute(
        select(LedgerEntry.officer_id, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.officer_id.in_(officer_ids), LedgerEntry.day >= period.start,
               LedgerEntry.day <= period.end)
        .group_by(LedgerEntry.officer_id)).all())
    people = session.execute(
        select(members.c.unit_id, Officer.id, Officer.badge, Officer.name, Officer.category)
        .join(Officer, Officer.id == members.c.officer_id)).all()
    result.members = len(people)
    rows = []
    for unit_id, oid, badge, name, category in people:
        mins = (minutes.get(oid) or 0) / 60
        pts = float(points.get(oid) or 0)
        if mins < m_target or pts < p_target:
            rows.append(ReminderRow(units[unit_id].name, badge, name, category, mins, pts, mins < m_target,
                                    pts < p_target))
    order = {u.name: i for i, u in enumerate(units.values())}
    rows.sort(key=lambda r: (order[r.branch], r.minutes, r.points, r.badge))
    result.rows = rows
    return result
