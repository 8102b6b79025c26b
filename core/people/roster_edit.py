# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Editing the roster by hand: officer fields, moving units with history, deactivation, the unit tree.

Moving an officer closes the open ``UnitMembership`` (``valid_to`` = the day before the
move) and opens a new one; attempts, study sessions and ledger entries keep the
``unit_id`` they were earned in. Deactivating keeps every row and closes the membership,
so the officer stops counting as a member from that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.infra import audit
from core.infra.clock import local_date, utcnow
from core.models import Category, Officer, Unit, UnitKind, UnitMembership
from core.people.org import unit_by_code_or_name


def _officer(session: Session, badge: str) -> Officer:
    officer = session.scalar(select(Officer).where(Officer.badge == badge))
    if officer is None:
        raise NotFound(_("找不到警号为 {b} 的人员", b=badge))
    return officer


@dataclass(frozen=True, slots=True)
class MembershipInfo:
    unit_name: str
    valid_from: dt.date
    valid_to: dt.date | None


def membership_history(session: Session, officer_id: int) -> list[MembershipInfo]:
    rows = session.execute(
        select(Unit.name, UnitMembership.valid_from, UnitMembership.valid_to)
        .join(Unit, Unit.id == UnitMembership.unit_id)
        .where(UnitMembership.officer_id == officer_id)
        .order_by(UnitMembership.valid_from, UnitMembership.id))
    return [MembershipInfo(*r) for r in rows]


def _close_membership(session: Session, officer_id: int, day: dt.date) -> None:
    """End the open membership before ``day`` (a membership that started that day is removed)."""
    for m in session.scalars(select(UnitMembership).where(UnitMembership.officer_id == officer_id,
                                                          UnitMembership.valid_to.is_(None))):
        if m.valid_from >= day:
            session.delete(m)
        else:
            m.valid_to = day - dt.timedelta(days=1)
    session.flush()


def move_officer(session: Session, badge: str, unit: str, *, on: dt.date | None = None,
                 actor_id: int | None = None) -> None:
    """Move ``badge`` to ``unit`` (code or name) from day ``on`` (today by default)."""
    officer = _officer(session, badge)
    target = unit_by_code_or_name(session, unit)
    if not target.active:
        raise InvalidInput(_("单位“{u}”已停用", u=target.name))
    if target.id == officer.unit_id:
        return
    day = on or local_date(utcnow())
    _close_membership(session, officer.id, day)
    old = officer.unit_id
    officer.unit_id = target.id
    if officer.active:
        session.add(UnitMembership(officer_id=officer.id, unit_id=target.id, valid_from=day))
    audit.record(session, "user.move", actor_id=actor_id, target_type="officer", target_id=badge, name=officer.name,
                 changes={"unit": [session.get_one(Unit, old).name, target.name]}, on=day.isoformat())


def update_officer(session: Session, badge: str, *, name: str | None = None, category: str | None = None,
                   party_member: bool | None = None, title: str | None = None, phone: str | None = None,
                   role: str | None = None, actor_id: int | None = None) -> list[str]:
    """Change the given fields; returns the names of the fields that changed."""
    officer = _officer(session, badge)
    changes: dict[str, object] = {}
    if name is not None:
        if not name.strip():
            raise InvalidInput(_("姓名不能为空"))
        changes["name"] = name.strip()
    if category is not None:
        if category not in {c.value for c in Category}:
            raise InvalidInput(_("人员类别“{c}”无效，可选：police（民警）、auxiliary（辅警）", c=category))
        changes["category"] = category
    if role is not None:
        if role not in ("officer", "secretary", "admin"):
            raise InvalidInput(_("角色“{r}”无效，可选：officer、secretary、admin", r=role))
        changes["role"] = role
    for key, value in (("party_member", party_member), ("title", title), ("phone", phone)):
        if value is not None:
            changes[key] = value.strip() if isinstance(value, str) else value
    changed = [k for k, v in changes.items() if getattr(officer, k) != v]
    before = {k: getattr(officer, k) for k in changed}
    for k in changed:
        setattr(officer, k, changes[k])
    if changed:
        audit.record(session, "user.edit", actor_id=actor_id, target_type="officer", target_id=badge,
                     name=officer.name, changes=audit.diff(before, {k: changes[k] for k in changed}))
    return changed


def set_active(session: Session, badge: str, active: bool, *, on: dt.date | None = None,
               actor_id: int | None = None) -> None:
    """Deactivate (data kept, membership closed) or reactivate (a new membership opens)."""
    officer = _officer(session, badge)
    if officer.active == active:
        return
    day = on or local_date(utcnow())
    if active:
        session.add(UnitMembership(officer_id=officer.id, unit_id=officer.unit_id, valid_from=day))
    else:
        _close_membership(session, officer.id, day)
    officer.active = active
    audit.record(session, "user.activate" if active else "user.deactivate", actor_id=actor_id,
                 target_type="officer", target_id=badge, name=officer.name, on=day.isoformat())


# --- the unit tree ----------------------------------------------------------------------

def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("找不到单位 {u}", u=unit_id))
    return unit


def rename_unit(session: Session, unit_id: int, name: str, *, code: str | None = None,
                actor_id: int | None = None) -> None:
    unit = _unit(session, unit_id)
    before = {"name": unit.name, "code": unit.code}
    if not name.strip():
        raise InvalidInput(_("单位名称不能为空"))
    if code is not None and code.strip() != unit.code:
        code = code.strip()
        if not code:
            raise InvalidInput(_("单位代码不能为空"))
        if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
            raise InvalidInput(_("单位代码“{c}”已存在", c=code))
        unit.code = code
    unit.name = name.strip()
    audit.record(session, "unit.rename", actor_id=actor_id, target_type="unit", target_id=unit_id, name=unit.name,
                 changes=audit.diff(before, {"name": unit.name, "code": unit.code}))


def move_unit(session: Session, unit_id: int, parent_id: int | None, *, actor_id: int | None = None) -> None:
    """Re-parent a unit (not below itself), keeping its members and history."""
    unit = _unit(session, unit_id)
    probe = parent_id
    while probe is not None:
        if probe == unit_id:
            raise InvalidInput(_("不能把单位移到它自己或它的下级单位下面"))
        probe = _unit(session, probe).parent_id
    old_parent = session.get(Unit, unit.parent_id) if unit.parent_id is not None else None
    unit.parent_id = parent_id
    siblings = session.scalars(select(Unit).where(Unit.parent_id == parent_id, Unit.id != unit_id)).all()
    unit.sort_order = len(siblings)
    audit.record(session, "unit.move", actor_id=actor_id, target_type="unit", target_id=unit_id, name=unit.name,
                 changes={"parent": [old_parent.name if old_parent else None,
                                     _unit(session, parent_id).name if parent_id is not None else None]})


def deactivate_unit(session: Session, unit_id: int, *, actor_id: int | None = None) -> None:
    """Hide a unit from the tree; refused while it still has active officers or active sub-units."""
    unit = _unit(session, unit_id)
    if session.scalar(select(Officer.id).where(Officer.unit_id == unit_id, Officer.active).limit(1)):
        raise InvalidInput(_("“{u}”还有在册人员，请先调出或停用", u=unit.name))
    if session.scalar(select(Unit.id).where(Unit.parent_id == unit_id, Unit.active).limit(1)):
        raise InvalidInput(_("“{u}”还有下级单位，请先停用或移走", u=unit.name))
    unit.active = False
    audit.record(session, "unit.deactivate", actor_id=actor_id, target_type="unit", target_id=unit_id, name=unit.name)


def new_unit(session: Session, name: str, parent_id: int | None, *, code: str = "", kind: str | None = None,
             actor_id: int | None = None) -> int:
    """Add a unit under ``parent_id``; the code defaults to the parent's code plus a number."""
    from core.people.org import add_unit

    parent = _unit(session, parent_id) if parent_id is not None else None
    if kind is None:
        kind = UnitKind.BUREAU.value if parent is None else (
            UnitKind.BRIGADE.value if parent.kind == UnitKind.BUREAU else UnitKind.BRANCH.value)
    if not code:
        base = parent.code if parent else "U"
        n = 1
        while session.scalar(select(Unit.id).where(Unit.code == f"{base}{n}")) is not None:
            n += 1
        code = f"{base}{n}"
    if not name.strip():
        raise InvalidInput(_("单位名称不能为空"))
    unit = add_unit(session, code.strip(), name.strip(), kind, parent.code if parent else None)
    audit.record(session, "unit.add", actor_id=actor_id, target_type="unit", target_id=unit.id, name=unit.name,
                 code=unit.code, parent=parent.name if parent else None)
    return unit.id
