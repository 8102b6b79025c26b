# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The unit tree (分局 → 大队 → 党支部) as plain data for the GUI and reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from core.models import Unit, UnitKind

KIND_LABELS = {UnitKind.BUREAU: N_("分局"), UnitKind.BRIGADE: N_("大队"), UnitKind.BRANCH: N_("党支部")}


@dataclass(slots=True)
class UnitNode:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    children: list[UnitNode] = field(default_factory=list)

    def walk(self) -> list[UnitNode]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def walk_depth(self, depth: int = 0) -> list[tuple[UnitNode, int]]:
        """:meth:`walk` with each unit's depth below this one (this one: ``depth``)."""
        out = [(self, depth)]
        for child in self.children:
            out.extend(child.walk_depth(depth + 1))
        return out


def unit_tree(session: Session) -> list[UnitNode]:
    """Root units with their children, in sort order."""
    rows = session.scalars(select(Unit).where(Unit.active).order_by(Unit.sort_order, Unit.id)).all()
    nodes = {u.id: UnitNode(u.id, u.code, u.name, u.kind, u.parent_id) for u in rows}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def subtree_ids(session: Session, unit_id: int) -> list[int]:
    """``unit_id`` and every unit below it."""
    for root in unit_tree(session):
        for node in root.walk():
            if node.id == unit_id:
                return [n.id for n in node.walk()]
    raise NotFound(_("找不到单位 {u}", u=unit_id))


def unit_chain(session: Session, unit_id: int) -> set[int]:
    """A unit and every unit above it (audiences and shared banks are matched against it)."""
    parents: dict[int, int | None] = {uid: parent for uid, parent in session.execute(select(Unit.id, Unit.parent_id))}
    out: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in out:
        out.add(current)
        current = parents.get(current)
    return out


def unit_by_code_or_name(session: Session, key: str) -> Unit:
    unit = session.scalar(select(Unit).where((Unit.code == key) | (Unit.name == key)))
    if unit is None:
        raise NotFound(_("找不到单位“{u}”", u=key))
    return unit


def add_unit(session: Session, code: str, name: str, kind: str, parent_code: str | None = None) -> Unit:
    if kind not in {k.value for k in UnitKind}:
        raise InvalidInput(_("单位类型“{k}”无效", k=kind))
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise InvalidInput(_("单位代码“{c}”已存在", c=code))
    parent = unit_by_code_or_name(session, parent_code) if parent_code else None
    siblings = session.scalars(select(Unit).where(Unit.parent_id == (parent.id if parent else None))).all()
    unit = Unit(code=code, name=name, kind=kind, parent=parent, sort_order=len(siblings))
    session.add(unit)
    session.flush()
    return unit
