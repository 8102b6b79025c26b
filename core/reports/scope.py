# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Who a report covers: a unit subtree (or the whole tree) and the 民警/辅警 and 党员 filters.

Membership follows ``unit_memberships`` history: an officer is a member of a unit in a
period when one of their membership rows overlaps it, so an officer who moved mid-period
counts in both units, and each unit keeps the results earned there (rows carry the
``unit_id`` at the time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from base.i18n import _
from core.models import Category, Officer, Unit, UnitKind, UnitMembership
from core.people.org import UnitNode, unit_tree
from core.reports.period import Period


@dataclass(frozen=True, slots=True)
class Scope:
    unit_id: int | None = None       # None: the whole tree
    category: str | None = None      # Category value or None for both
    party_only: bool = False

    def filters_label(self) -> str:
        parts = []
        if self.category == Category.POLICE:
            parts.append(_("仅民警"))
        elif self.category == Category.AUXILIARY:
            parts.append(_("仅辅警"))
        if self.party_only:
            parts.append(_("仅党员"))
        return "、".join(parts)

    @property
    def filtered(self) -> bool:
        return bool(self.category) or self.party_only


@dataclass(frozen=True, slots=True)
class BranchUnit:
    id: int
    code: str
    name: str
    parent_name: str


def _find(roots: list[UnitNode], unit_id: int) -> UnitNode | None:
    for root in roots:
        for node in root.walk():
            if node.id == unit_id:
                return node
    return None


def scope_name(session: Session, scope: Scope) -> str:
    """The unit a report is about (the root's name for the whole tree)."""
    if scope.unit_id is not None:
        unit = session.get(Unit, scope.unit_id)
        return unit.name if unit else ""
    roots = unit_tree(session)
    return "、".join(r.name for r in roots) if roots else _("全部单位")


def branches(session: Session, scope: Scope, *, unit_ids: Collection[int] | None = None) -> list[BranchUnit]:
    """The units compared: 党支部 (and leaf units) in the scope, in tree order; only those of
    ``unit_ids`` when given (the units whose personal records the reader may see)."""
    roots = unit_tree(session)
    names = {n.id: n.name for r in roots for n in r.walk()}
    if scope.unit_id is not None:
        node = _find(roots, scope.unit_id)
        roots = [node] if node else []
    out: list[BranchUnit] = []
    for root in roots:
        for node in root.walk():
            if node.kind == UnitKind.BRANCH or not node.children:
                out.append(BranchUnit(node.id, node.code, node.name, names.get(node.parent_id or -1, "")))
    if unit_ids is not None:
        out = [u for u in out if u.id in unit_ids]
    return out


def officer_filter(scope: Scope) -> Select[int] | None:
    """``SELECT id FROM officers WHERE …`` for the category/party filters, or None without filters."""
    if not scope.filtered:
        return None
    stmt = select(Officer.id)
    if scope.category:
        stmt = stmt.where(Officer.category == scope.category)
    if scope.party_only:
        stmt = stmt.where(Officer.party_member.is_(True))
    return stmt


def overlaps(period: Period) -> ColumnElement[bool]:
    """Membership rows overlapping ``period``."""
    return and_(UnitMembership.valid_from <= period.end,
                or_(UnitMembership.valid_to.is_(None), UnitMembership.valid_to >= period.start))


def member_pairs(scope: Scope, unit_ids: list[int], period: Period) -> Select[int, int]:
    """Distinct (unit_id, officer_id) members of ``unit_ids`` during ``period`` (filters applied)."""
    stmt = (select(UnitMembership.unit_id, UnitMembership.officer_id)
            .where(UnitMembership.unit_id.in_(unit_ids), overlaps(period)).distinct())
    filt = officer_filter(scope)
    if filt is not None:
        stmt = stmt.where(UnitMembership.officer_id.in_(filt))
    return stmt


def current_members(scope: Scope, unit_ids: list[int], day: dt.date) -> Select[int, int]:
    """(unit_id, officer_id) of active officers who belong to ``unit_ids`` on ``day``."""
    stmt = (select(UnitMembership.unit_id, UnitMembership.officer_id)
            .join(Officer, Officer.id == UnitMembership.officer_id)
            .where(UnitMembership.unit_id.in_(unit_ids), UnitMembership.valid_from <= day,
                   or_(UnitMembership.valid_to.is_(None), UnitMembership.valid_to >= day), Officer.active))
    if scope.category:
        stmt = stmt.where(Officer.category == scope.category)
    if scope.party_only:
        stmt = stmt.where(Officer.party_member.is_(True))
    return stmt.distinct()
