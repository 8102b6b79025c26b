# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Coverage of a required quiz or material (政治轮训全覆盖): who passed / completed / is missing,
split by 民警/辅警. The audience is the quiz's or material's own (units with sub-units,
categories, party only) within the report scope, among active officers today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from base.errors import NotFound
from base.i18n import N_, _
from core.models import Attempt, Material, MaterialProgress, Officer, Quiz, Unit
from core.people.org import unit_tree
from core.reports.scope import Scope, branches, current_members

STATUS_LABELS = {"passed": N_("已合格"), "completed": N_("已完成未合格"), "started": N_("学习中"),
                 "missing": N_("未参加")}


@dataclass(frozen=True, slots=True)
class CoverageRow:
    branch: str
    badge: str
    name: str
    category: str
    status: str                 # passed / completed / started / missing
    best: float | None          # best percent (quiz) or reading minutes (material)


@dataclass(slots=True)
class Coverage:
    kind: str                   # quiz / material
    title: str
    rows: list[CoverageRow] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """category -> status -> officers (plus ``total`` per category)."""
        out: dict[str, dict[str, int]] = {}
        for r in self.rows:
            c = out.setdefault(r.category, {"total": 0})
            c["total"] += 1
            c[r.status] = c.get(r.status, 0) + 1
        return out

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "title": self.title, "counts": self.counts(),
                "officers": [{"branch": r.branch, "badge": r.badge, "name": r.name, "category": r.category,
                              "status": r.status, "best": r.best} for r in self.rows]}


def _audience_units(session: Session, audience: dict[str, Any]) -> set[int] | None:
    ids = audience.get("unit_ids") or audience.get("units")   # a quiz's key, a material's key
    if not ids:
        return None
    wanted = {int(i) for i in ids}
    out: set[int] = set()
    for root in unit_tree(session):
        stack = [(root, root.id in wanted)]
        while stack:
            node, inside = stack.pop()
            if inside:
                out.add(node.id)
            stack.extend((c, inside or c.id in wanted) for c in node.children)
    return out


def _audience(session: Session, scope: Scope, audience: dict[str, Any], today: dt.date,
              unit_ids: Collection[int] | None) -> tuple[dict[int, str], Sequence[Row[int, int, str, str, str]]]:
    """The audience's branches (id: name) and its members in them: (unit id, officer id, badge, name, category)."""
    units = {u.id: u.name for u in branches(session, scope, unit_ids=unit_ids)}
    allowed = _audience_units(session, audience)
    if allowed is not None:
        units = {k: v for k, v in units.items() if k in allowed}
    if not units:
        return units, []
    members = current_members(scope, list(units), today).subquery()
    stmt = (select(members.c.unit_id, Officer.id, Officer.badge, Officer.name, Officer.category)
            .join(Officer, Officer.id == members.c.officer_id))
    if audience.get("categories"):
        stmt = stmt.where(Officer.category.in_(list(audience["categories"])))
    if audience.get("party_only"):
        stmt = stmt.where(Officer.party_member.is_(True))
    return units, session.execute(stmt.order_by(members.c.unit_id, Officer.badge)).all()


def quiz_coverage(session: Session, quiz_id: int, scope: Scope, today: dt.date, *,
                  unit_ids: Collection[int] | None = None) -> Coverage:
    """Who of the quiz's audience (in branches of ``unit_ids`` when given) passed, took it, or is missing."""
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("找不到试卷 {q}", q=quiz_id))
    units, people = _audience(session, scope, quiz.audience or {}, today, unit_ids)
    best = dict(session.execute(
        select(Attempt.officer_id, func.max(Attempt.percent))
        .where(Attempt.quiz_id == quiz_id, Attempt.submitted_at.is_not(None)).group_by(Attempt.officer_id)).all())
    passed = set(session.scalars(select(Attempt.officer_id).where(Attempt.quiz_id == quiz_id,
                                                                  Attempt.passed.is_(True)).distinct()))
    rows = []
    for unit_id, oid, badge, name, category in people:
        status = "passed" if oid in passed else ("completed" if oid in best else "missing")
        rows.append(CoverageRow(units[unit_id], badge, name, category, status, best.get(oid)))
    return Coverage("quiz", quiz.title, rows)


def material_coverage(session: Session, material_id: int, scope: Scope, today: dt.date, *,
                      unit_ids: Collection[int] | None = None) -> Coverage:
    """Who of the material's audience (in branches of ``unit_ids`` when given) finished, started, or is missing."""
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound(_("找不到学习资料 {m}", m=material_id))
    units, people = _audience(session, scope, material.audience or {}, today, unit_ids)
    progress = {oid: (secs, finished) for oid, secs, finished in session.execute(
        select(MaterialProgress.officer_id, MaterialProgress.seconds, MaterialProgress.finished_at)
        .where(MaterialProgress.material_id == material_id))}
    rows = []
    for unit_id, oid, badge, name, category in people:
        secs, finished = progress.get(oid, (None, None))
        status = "passed" if finished is not None else ("started" if secs else "missing")
        rows.append(CoverageRow(units[unit_id], badge, name, category, status,
                                None if secs is None else secs / 60))
    return Coverage("material", material.title, rows)


def unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return unit.name if unit else ""
