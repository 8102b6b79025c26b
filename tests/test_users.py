# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Officers as users: add, log in, change password, roles."""

from __future__ import annotations

import pytest

from base.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from core.infra.db import Database
from core.models import Officer, Role
from core.people.org import add_unit
from core.people.users import add_user, authenticate, list_users, set_password


def _unit(db: Database) -> None:
    with db.transaction() as s:
        add_unit(s, "B1", "第一党支部", "branch")


def test_add_and_login(db: Database) -> None:
    _unit(db)
    with db.transaction() as s:
        add_user(s, badge="123456", name="王强", unit="B1", password="secret1", category="auxiliary")
    with db.transaction() as s:
        user = authenticate(s, " 123456 ", "secret1")
        stored = s.query(Officer).one()
    assert (user.name, user.role, user.category, user.unit_name) == ("王强", "officer", "auxiliary", "第一党支部")
    assert stored.password_hash.startswith("$argon2id$") and "secret1" not in stored.password_hash


def test_wrong_password_and_disabled_account(db: Database) -> None:
    _unit(db)
    with db.transaction() as s:
        add_user(s, badge="1", name="甲", unit="B1", password="secret1")
    with db.transaction() as s, pytest.raises(AuthenticationFailed, match="警号或密码不正确"):
        authenticate(s, "1", "wrong-pw")
    with db.transaction() as s, pytest.raises(AuthenticationFailed):
        authenticate(s, "nobody", "secret1")
    with db.transaction() as s:
        s.query(Officer).one().active = False
    with db.transaction() as s, pytest.raises(AuthenticationFailed, match="停用"):
        authenticate(s, "1", "secret1")


def test_refusals(db: Database) -> None:
    _unit(db)
    with db.transaction() as s:
        add_user(s, badge="1", name="甲", unit="B1", password="secret1")
    with db.transaction() as s, pytest.raises(InvalidInput, match="已存在"):
        add_user(s, badge="1", name="乙", unit="B1", password="secret1")
    with db.transaction() as s, pytest.raises(InvalidInput, match="密码至少"):
        add_user(s, badge="2", name="乙", unit="B1", password="123")
    with db.transaction() as s, pytest.raises(InvalidInput, match="角色"):
        add_user(s, badge="3", name="丙", unit="B1", password="secret1", role="boss")


def test_password_change_and_roles(db: Database) -> None:
    _unit(db)
    with db.transaction() as s:
        add_user(s, badge="1", name="甲", unit="B1", password="secret1", role="secretary")
        add_user(s, badge="2", name="乙", unit="B1", password="secret1")
        set_password(s, "1", "newsecret")
    with db.transaction() as s:
        secretary = authenticate(s, "1", "newsecret")
        officer = authenticate(s, "2", "secret1")
        assert [u.badge for u in list_users(s)] == ["1", "2"]
    secretary.require(Role.SECRETARY)
    with pytest.raises(PermissionDenied):
        officer.require(Role.SECRETARY)
    with pytest.raises(PermissionDenied):
        secretary.require(Role.ADMIN)


def test_demo_logins(demo_db: Database) -> None:
    from core.demo import DEMO_PASSWORD

    with demo_db.transaction() as s:
        roles = {b: authenticate(s, b, DEMO_PASSWORD).role for b in ("000001", "100001", "200001")}
        assert len(list_users(s)) >= 67
    assert roles == {"000001": "admin", "100001": "secretary", "200001": "officer"}
