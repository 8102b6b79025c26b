# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Officers as users: login by badge number (警号), roles, passwords."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from base.i18n import N_, _
from core.access.actor import Actor
from core.infra import audit
from core.infra.clock import local_date, utcnow
from core.infra.passwords import hash_password, needs_rehash, rehash, verify_dummy, verify_password
from core.models import Category, Officer, Role, Unit, UnitMembership
from core.people.org import unit_by_code_or_name

# Keyed by the stored values (UserInfo.role and .category are plain str; each enum member is its value).
ROLE_LABELS: dict[str, str] = {Role.OFFICER: N_("民警/辅警"), Role.SECRETARY: N_("支部书记"), Role.ADMIN: N_("管理员")}
CATEGORY_LABELS: dict[str, str] = {Category.POLICE: N_("民警"), Category.AUXILIARY: N_("辅警")}
_ROLE_RANK = {Role.OFFICER: 0, Role.SECRETARY: 1, Role.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An officer as the GUI and CLI see one (no password hash)."""

    id: int
    badge: str
    name: str
    role: str
    category: str
    party_member: bool
    unit_id: int
    unit_name: str
    title: str
    active: bool
    must_change_password: bool = False    # an initial or reset password: set a new one before anything else

    @property
    def is_secretary(self) -> bool:
        return _ROLE_RANK[Role(self.role)] >= _ROLE_RANK[Role.SECRETARY]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def actor(self) -> Actor:
        """This user as the acting user of use cases."""
        return Actor.user(self.id, self.role, self.unit_id, badge=self.badge, name=self.name)

    def require(self, role: Role) -> None:
        """Refuse unless this user's role is at least ``role``."""
        if _ROLE_RANK[Role(self.role)] < _ROLE_RANK[role]:
            raise PermissionDenied(_("此功能需要“{r}”权限", r=_(ROLE_LABELS[role])))

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "badge": self.badge, "name": self.name, "role": self.role,
            "category": self.category, "party_member": self.party_member, "unit": self.unit_name,
            "title": self.title, "active": self.active, "must_change_password": self.must_change_password,
        }


def user_info(o: Officer) -> UserInfo:
    return UserInfo(o.id, o.badge, o.name, o.role, o.category, o.party_member, o.unit_id, o.unit.name,
                    o.title, o.active, o.must_change_password)



def authenticate(session: Session, badge: str, password: str) -> UserInfo:
    """Check a password without throttling (scripts, tests); people log in through
    :func:`core.people.login.log_in`, which counts failures and locks badges."""
    officer = session.scalar(select(Officer).where(Officer.badge == badge.strip()))
    if officer is None:
        verify_dummy(password)            # the same work as for a known badge
        raise AuthenticationFailed(_("警号或密码不正确"))
    if not verify_password(officer.password_hash, password):
        raise AuthenticationFailed(_("警号或密码不正确"))
    if not officer.active:
        raise AuthenticationFailed(_("该账号已停用，请联系管理员"))
    if needs_rehash(officer.password_hash):
        officer.password_hash = rehash(password)
    return user_info(officer)


def get_user(session: Session, badge: str) -> UserInfo:
    return user_info(_officer(session, badge))


def _officer(session: Session, badge: str) -> Officer:
    officer = session.scalar(select(Officer).where(Officer.badge == badge))
    if officer is None:
        raise NotFound(_("找不到警号为 {b} 的人员", b=badge))
    return officer


def add_user(
    session: Session,
    *,
    badge: str,
    name: str,
    unit: str,
    password: str | None = None,
    password_hash: str | None = None,
    role: str = Role.OFFICER.value,
    category: str = Category.POLICE.value,
    party_member: bool = False,
    title: str = "",
    gender: str = "",
    phone: str = "",
    actor_id: int | None = None,
    joined: dt.date | None = None,
) -> UserInfo:
    """Create an officer. Give ``password`` (hashed here) or a precomputed ``password_hash``."""
    badge = badge.strip()
    if not badge:
        raise InvalidInput(_("警号不能为空"))
    if not name.strip():
        raise InvalidInput(_("姓名不能为空"))
    if role not in {r.value for r in Role}:
        raise InvalidInput(_("角色“{r}”无效，可选：officer、secretary、admin", r=role))
    if category not in {c.value for c in Category}:
        raise InvalidInput(_("人员类别“{c}”无效，可选：police（民警）、auxiliary（辅警）", c=category))
    if session.scalar(select(Officer.id).where(Officer.badge == badge)) is not None:
        raise InvalidInput(_("警号 {b} 已存在", b=badge))
    if password_hash is None:
        if password is None:
            raise InvalidInput(_("请设置密码"))
        password_hash = hash_password(password)
    unit_row: Unit = unit_by_code_or_name(session, unit)
    officer = Officer(
        badge=badge, name=name.strip(), unit=unit_row, unit_id=unit_row.id, role=role, category=category,
        party_member=party_member, title=title, gender=gender, phone=phone, password_hash=password_hash,
        created_at=utcnow(),
    )
    session.add(officer)
    session.flush()
    session.add(UnitMembership(officer_id=officer.id, unit_id=unit_row.id,
                               valid_from=joined or local_date(utcnow())))
    audit.record(session, "user.add", actor_id=actor_id, target_type="officer", target_id=badge, name=officer.name,
                 unit=unit_row.name, role=role, category=category)
    return user_info(officer)


def set_password(session: Session, badge: str, password: str, *, actor_id: int | None = None,
                 must_change: bool = False) -> None:
    """Store a new password; ``must_change`` for one someone else chose (a reset), which its owner
    must replace at the next login."""
    officer = _officer(session, badge)
    officer.password_hash = hash_password(password)
    officer.must_change_password = must_change
    audit.record(session, "user.passwd", actor_id=actor_id, target_type="officer", target_id=badge, name=officer.name,
                 reset=must_change)


def list_users(session: Session, *, unit_ids: list[int] | None = None, include_inactive: bool = False,
               ) -> list[UserInfo]:
    stmt = select(Officer).join(Officer.unit).order_by(Unit.sort_order, Unit.id, Officer.badge)
    if unit_ids is not None:
        stmt = stmt.where(Officer.unit_id.in_(unit_ids))
    if not include_inactive:
        stmt = stmt.where(Officer.active)
    return [user_info(o) for o in session.scalars(stmt)]


def count_users(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count(Officer.id))) or 0
