# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The permission table and the use-case frame, walked as a whole.

Every use case of every capability is found (they register themselves); for each one and each
role the table refuses, calling it must raise PermissionDenied before any of its own code runs,
and leave an ``access.denied`` row in the audit log. What each allowed role may then do within
its scope is tested per capability (tests/<area>/…).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import func, select

import core
from base.errors import PermissionDenied
from core.access.actor import ANONYMOUS, Actor
from core.access.permissions import LABELS, TABLE, Action, Scope, scope_for
from core.access.usecase import REGISTRY, UseCase
from core.infra.db import Database
from core.models import AuditEntry, Role

ROLES: list[Role | None] = [None, Role.OFFICER, Role.SECRETARY, Role.ADMIN]


def all_use_cases() -> list[UseCase]:  # type: ignore[type-arg]
    for info in pkgutil.walk_packages(core.__path__, "core."):
        if info.name.endswith(".usecases"):
            importlib.import_module(info.name)
    return sorted(REGISTRY, key=lambda uc: uc.name)


@pytest.fixture
def accounts(sqlite_db: Database) -> dict[Role | None, Actor]:
    """One account per role in one unit (the audit log refers to real accounts)."""
    from core.people.org import add_unit
    from core.people.users import add_user

    with sqlite_db.transaction() as s:
        add_unit(s, "U", "单位", "branch")
        users = [add_user(s, badge=f"9{i}", name=role.value, unit="U", password_hash="x", role=role.value)
                 for i, role in enumerate(ROLES[1:])]
    return {None: ANONYMOUS, **{Role(u.role): u.actor for u in users}}


def test_every_action_has_a_row_and_a_label() -> None:
    assert set(TABLE) == set(Action) == set(LABELS)
    for row in TABLE.values():
        assert set(row) <= set(ROLES)
        assert all(isinstance(scope, Scope) for scope in row.values())


def test_the_capabilities_register_their_use_cases() -> None:
    names = {uc.name.split(".")[1] for uc in all_use_cases()}
    assert names >= {"access", "admin", "bank", "certificates", "home", "people", "points", "quiz", "reports",
                     "study"} - {"access"}
    assert all(isinstance(uc.action, Action) for uc in all_use_cases())


def test_administrators_may_do_everything_and_nobody_little() -> None:
    assert [a for a in Action if scope_for(Role.ADMIN, a) is None] == []
    assert {a for a in Action if scope_for(None, a) is not None} == {Action.LOG_IN, Action.CERT_VERIFY,
                                                                    Action.SETUP}


REFUSALS = [(uc, role) for uc in all_use_cases() for role in ROLES if scope_for(role, uc.action) is None]


@pytest.mark.parametrize(("uc", "role"), REFUSALS, ids=[f"{uc.name.removeprefix('core.')}-{role or 'nobody'}"
                                                        for uc, role in REFUSALS])
def test_refused_before_anything_runs_and_audited(sqlite_db: Database, accounts: dict[Role | None, Actor],
                                                  uc: UseCase, role: Role | None,  # type: ignore[type-arg]
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[bool] = []
    monkeypatch.setattr(uc, "fn", lambda *a, **k: ran.append(True))
    with sqlite_db.transaction() as s:
        before = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "access.denied"))
    with pytest.raises(PermissionDenied) as refused:
        uc(sqlite_db, accounts[role])    # no further arguments: a refusal never reaches them
    assert not ran
    assert ("请先登录" if role is None else "没有权限") in str(refused.value)
    with sqlite_db.transaction() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")
                         .order_by(AuditEntry.id.desc())).all()
    assert len(rows) == (before or 0) + 1
    assert rows[0].target_id == str(uc.action) and rows[0].detail["use_case"] == uc.name
    assert rows[0].actor_id == accounts[role].user_id
