# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with accounts and the organisation: log in, change a password, keep the roster
and the unit tree. Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from base.errors import InvalidInput
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action, Scope
from core.access.usecase import Change, Work, denied, use_case
from core.demo import DEMO_FLAG
from core.infra import audit, settings
from core.infra.clock import local_date
from core.infra.passwords import check_password_policy, random_password
from core.models import Officer, Role, Unit
from core.people import login, org, roster_edit, roster_import, users
from core.people.login import SecuritySettings
from core.people.org import UnitNode
from core.people.roster_edit import MembershipInfo
from core.people.roster_import import RosterReport
from core.people.slips import PasswordSlip, write_slips_pdf, write_slips_xlsx
from core.people.users import UserInfo

# --- logging in and one's own account ----------------------------------------------------------

@use_case(Action.LOG_IN, transaction=False)
def log_in(work: Work, badge: str, password: str) -> UserInfo:
    """The account for ``badge`` if ``password`` is right (wrong or unknown: one same message).
    Failures are counted per badge in transactions of their own; too many lock the badge."""
    return login.log_in(work.db, badge, password)


@use_case(Action.LOG_IN, transaction=False)
def unlock_session(work: Work, password: str) -> UserInfo:
    """The logged-in person takes their locked screen back (counts as a login attempt)."""
    if work.actor.anonymous:
        raise denied(work.actor, Action.LOG_IN)
    return login.log_in(work.db, work.actor.badge, password, purpose="unlock")


@use_case(Action.LOG_IN, readonly=True)
def security_settings(work: Work) -> SecuritySettings:
    """Login throttling and the idle lock (every PC reads them when someone logs in)."""
    return SecuritySettings.load(work.session)


@use_case(Action.SETTINGS_EDIT, changes=Change.SETTINGS)
def save_security_settings(work: Work, values: SecuritySettings) -> None:
    values.save(work.session)
    audit.record(work.session, "settings.security", actor_id=work.actor_id, target_type="settings",
                 target_id="security", **dataclasses.asdict(values))


@dataclass(frozen=True, slots=True)
class DatabaseState:
    accounts: int
    demo: bool


@use_case(Action.LOG_IN, readonly=True)
def database_state(work: Work) -> DatabaseState:
    """What the login screen needs to know: are there accounts yet, is this the demo."""
    return DatabaseState(users.count_users(work.session), bool(settings.get(work.session, DEMO_FLAG, False)))


@use_case(Action.ACCOUNT_PASSWORD, changes=Change.PEOPLE, transaction=False)
def change_own_password(work: Work, old_password: str, new_password: str) -> None:
    """A new password of one's own choosing (this clears "must change at first login"). The old
    one is checked like a login: a wrong one counts towards the lockout."""
    if new_password == old_password:
        raise InvalidInput(_("新密码不能与原密码相同"))
    check_password_policy(new_password)
    try:
        login.log_in(work.db, work.actor.badge, old_password, purpose="password")
    except login.WrongPassword as exc:
        raise InvalidInput(str(exc)) from exc
    with work.transaction() as session:
        users.set_password(session, work.actor.badge, new_password, actor_id=work.actor_id)


@use_case(Action.SETUP, changes=Change.PEOPLE)
def create_first_admin(work: Work, *, badge: str, name: str, unit: str, password: str) -> UserInfo:
    """The first account of an empty database: an administrator, in ``unit`` (created as the root
    unit when the database holds no unit yet). Refused once any account exists."""
    if users.count_users(work.session):
        raise denied(work.actor, Action.USER_ADD, _("数据库中已有账号，请由管理员登录后新增"))
    if not work.session.scalar(select(func.count(Unit.id))):
        if not unit.strip():
            raise InvalidInput(_("请填写单位名称"))
        org.add_unit(work.session, "U1", unit.strip(), "bureau")
    return users.add_user(work.session, badge=badge, name=name, unit=unit, password=password,
                          role=Role.ADMIN.value, actor_id=None)


# --- the unit tree -----------------------------------------------------------------------------

@use_case(Action.UNITS_VIEW, readonly=True)
def unit_tree(work: Work) -> list[UnitNode]:
    return org.unit_tree(work.session)


@use_case(Action.UNITS_EDIT, changes=Change.PEOPLE)
def new_unit(work: Work, name: str, parent_id: int | None) -> int:
    if parent_id is None:
        if work.scope is not Scope.ALL:
            raise denied(work.actor, Action.UNITS_EDIT, _("只有管理员可以新建顶级单位"))
    else:
        work.check_unit(parent_id)
    return roster_edit.new_unit(work.session, name, parent_id, actor_id=work.actor_id)


@use_case(Action.UNITS_EDIT, changes=Change.PEOPLE)
def rename_unit(work: Work, unit_id: int, name: str, *, code: str | None = None) -> None:
    work.check_unit(unit_id)
    roster_edit.rename_unit(work.session, unit_id, name, code=code, actor_id=work.actor_id)


@use_case(Action.UNITS_EDIT, changes=Change.PEOPLE)
def move_unit(work: Work, unit_id: int, parent_id: int | None) -> None:
    work.check_unit(unit_id)
    if parent_id is None and work.scope is not Scope.ALL:
        raise denied(work.actor, Action.UNITS_EDIT, _("只有管理员可以调整顶级单位"))
    if parent_id is not None:
        work.check_unit(parent_id)
    roster_edit.move_unit(work.session, unit_id, parent_id, actor_id=work.actor_id)


@use_case(Action.UNITS_EDIT, changes=Change.PEOPLE)
def deactivate_unit(work: Work, unit_id: int) -> None:
    work.check_unit(unit_id)
    if unit_id == work.actor.unit_id:
        raise InvalidInput(_("不能停用自己所在的单位"))
    roster_edit.deactivate_unit(work.session, unit_id, actor_id=work.actor_id)


# --- the roster --------------------------------------------------------------------------------

@use_case(Action.PEOPLE_VIEW, readonly=True)
def list_people(work: Work, *, unit_id: int | None = None, unit: str | None = None,
                include_inactive: bool = False) -> list[UserInfo]:
    """Officers of a unit (``unit_id``, or ``unit`` by code or name) and its sub-units
    (default: every unit the actor may see)."""
    allowed = work.units()
    if unit:
        unit_id = org.unit_by_code_or_name(work.session, unit).id
    wanted: list[int] | None
    if unit_id is not None:
        work.check_unit(unit_id)
        wanted = org.subtree_ids(work.session, unit_id)
    else:
        wanted = sorted(allowed) if allowed is not None else None
    return users.list_users(work.session, unit_ids=wanted, include_inactive=include_inactive)


def _person(work: Work, badge: str) -> Officer:
    officer = work.session.scalar(select(Officer).where(Officer.badge == badge.strip()))
    if officer is None:
        users.get_user(work.session, badge)   # raises the usual "not found"
    assert officer is not None
    work.check_officer(officer.id)
    return officer


def _not_above_me(work: Work, officer: Officer) -> None:
    """Secretaries manage officers; only administrators change secretaries' and administrators' accounts."""
    if work.actor.role is not Role.ADMIN and officer.role != Role.OFFICER.value and officer.id != work.actor.id:
        raise denied(work.actor, work.action, _("只有管理员可以修改支部书记或管理员的账号"))


@use_case(Action.PEOPLE_VIEW, readonly=True)
def get_person(work: Work, badge: str) -> UserInfo:
    _person(work, badge)
    return users.get_user(work.session, badge.strip())


@use_case(Action.PEOPLE_VIEW, readonly=True)
def membership_history(work: Work, badge: str) -> list[MembershipInfo]:
    return roster_edit.membership_history(work.session, _person(work, badge).id)


@use_case(Action.USER_ADD, changes=Change.PEOPLE)
def add_user(work: Work, *, badge: str, name: str, unit: str, password: str, role: str = Role.OFFICER.value,
             category: str = "police", party_member: bool = False, title: str = "") -> UserInfo:
    target = org.unit_by_code_or_name(work.session, unit)
    work.check_unit(target.id)
    if role != Role.OFFICER.value and work.actor.role is not Role.ADMIN:
        raise denied(work.actor, Action.USER_ADD, _("只有管理员可以新增支部书记或管理员账号"))
    return users.add_user(work.session, badge=badge, name=name, unit=unit, password=password, role=role,
                          category=category, party_member=party_member, title=title, actor_id=work.actor_id)


@use_case(Action.USER_PASSWORD, changes=Change.PEOPLE)
def reset_password(work: Work, badge: str, password: str | None = None) -> PasswordSlip:
    """Give another person a new password (an officer who forgot theirs): a random one unless
    ``password`` is given. They must change it at their next login; their failed logins are
    forgotten (the password they were guessing at is gone). Returns the slip to hand out."""
    officer = _person(work, badge)
    _not_above_me(work, officer)
    if officer.id == work.actor.id:
        raise InvalidInput(_("请在“我的”页面修改自己的密码"))
    password = password if password is not None else random_password()
    users.set_password(work.session, officer.badge, password, actor_id=work.actor_id, must_change=True)
    login.unlock(work.session, officer.badge, work.clock.now())
    return PasswordSlip(officer.badge, officer.name, officer.unit.name, password, local_date(work.clock.now()))


@use_case(Action.USER_UNLOCK, changes=Change.PEOPLE)
def unlock_account(work: Work, badge: str) -> bool:
    """Lift the lockout of a badge (and forget its failed logins) before it runs out; True when it
    was locked. A badge that is no account can be unlocked too (someone mistyped theirs)."""
    key = login.badge_key(badge)
    officer = work.session.scalar(select(Officer).where(Officer.badge == key))
    if officer is not None:
        work.check_officer(officer.id)
    was_locked = login.unlock(work.session, key, work.clock.now())
    audit.record(work.session, "login.unlocked", actor_id=work.actor_id, target_type="officer", target_id=key,
                 badge=key, name=officer.name if officer is not None else "", was_locked=was_locked)
    return was_locked


@use_case(Action.USER_UNLOCK, readonly=True)
def locked_accounts(work: Work) -> dict[str, dt.datetime]:
    """Badges locked after failed logins right now, with when each lockout ends."""
    return login.locked_badges(work.session, work.clock.now())


@use_case(Action.PEOPLE_EDIT, changes=Change.PEOPLE)
def update_person(work: Work, badge: str, *, name: str | None = None, category: str | None = None,
                  party_member: bool | None = None, title: str | None = None, phone: str | None = None,
                  role: str | None = None) -> list[str]:
    officer = _person(work, badge)
    _not_above_me(work, officer)
    if role is not None and role != officer.role and work.actor.role is not Role.ADMIN:
        raise denied(work.actor, Action.PEOPLE_EDIT, _("只有管理员可以更改角色"))
    return roster_edit.update_officer(work.session, officer.badge, name=name, category=category,
                                      party_member=party_member, title=title, phone=phone, role=role,
                                      actor_id=work.actor_id)


@use_case(Action.PEOPLE_EDIT, changes=Change.PEOPLE)
def move_person(work: Work, badge: str, unit: str) -> None:
    """Move an officer to another unit from today; past results stay with the unit where earned."""
    officer = _person(work, badge)
    _not_above_me(work, officer)
    work.check_unit(org.unit_by_code_or_name(work.session, unit).id)
    roster_edit.move_officer(work.session, officer.badge, unit, on=None, actor_id=work.actor_id)


@use_case(Action.PEOPLE_EDIT, changes=Change.PEOPLE)
def set_person_active(work: Work, badge: str, active: bool) -> None:
    officer = _person(work, badge)
    _not_above_me(work, officer)
    if officer.id == work.actor.id and not active:
        raise InvalidInput(_("不能停用自己的账号"))
    roster_edit.set_active(work.session, officer.badge, active, actor_id=work.actor_id)


@use_case(Action.ROSTER_IMPORT, changes=Change.PEOPLE, transaction=False)
def import_roster(work: Work, path: Path, *, dry_run: bool = False, skip_invalid: bool = False,
                  progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> RosterReport:
    """A roster file (花名册): new officers created, known ones updated, all or nothing unless
    ``skip_invalid``; a secretary's import may only touch officers of their own units."""
    return roster_import.import_roster(work.db, path, dry_run=dry_run, skip_invalid=skip_invalid,
                                       actor_id=work.actor_id, allowed_units=work.units(),
                                       progress=progress, cancel=cancel)


@use_case(Action.USER_PASSWORD, transaction=False)
def save_password_slips(work: Work, slips: list[PasswordSlip], target: Path) -> Path:
    """Initial passwords (of a roster import's new officers, or of a reset) to print and hand out:
    a PDF of cut-out slips, or an .xlsx list when ``target`` ends in .xlsx."""
    if not slips:
        raise InvalidInput(_("没有需要发放的初始密码"))
    if target.suffix.lower() == ".xlsx":
        write_slips_xlsx(slips, target)
    else:
        write_slips_pdf(slips, target)
    return target
