# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Officers as users: add, log in, change password, roles; lockout after failed logins, the same work
for unknown badges, initial passwords that must be changed (issue 13)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from base.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from core.access.actor import ANONYMOUS, Actor
from core.infra.clock import FakeClock
from core.infra.db import Database, open_database
from core.models import Officer, Role
from core.people import usecases as people
from core.people.login import AccountLocked, SecuritySettings, TryLater, WrongPassword
from core.people.org import add_unit
from core.people.users import add_user, authenticate, get_user, list_users, set_password
from tests.conftest import ADMIN_BADGE, ADMIN_PASSWORD


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


# --- logging in on shared PCs: lockout, same work for every badge, forced change (issue 13) -------------

def _login_setup(db: Database) -> FakeClock:
    """Unit B1 with officer 1 (password secret1) and secretary 2; the database on a fake clock."""
    _unit(db)
    with db.transaction() as s:
        add_user(s, badge="1", name="甲", unit="B1", password="secret1")
        add_user(s, badge="2", name="乙", unit="B1", password="secret2", role="secretary")
    clock = FakeClock()
    db.clock = clock
    return clock


def _audit(db: Database, action: str) -> list[dict]:
    from core.models import AuditEntry

    with db.transaction() as s:
        return [{"target": e.target_id, "actor": e.actor_id, **e.detail}
                for e in s.query(AuditEntry).filter(AuditEntry.action == action).order_by(AuditEntry.id)]


def _fail(db: Database, clock: FakeClock, badge: str, times: int) -> None:
    """``times`` wrong passwords, each after the backoff of the one before has passed."""
    for _i in range(times):
        clock.advance(60)
        with pytest.raises(AuthenticationFailed):
            people.log_in(db, ANONYMOUS, badge, "wrong-pw")


def test_sixth_try_is_refused_even_when_right_until_the_lockout_ends(db: Database) -> None:
    clock = _login_setup(db)
    _fail(db, clock, "1", 3)
    clock.advance(60)
    with pytest.raises(WrongPassword, match="再错 1 次将锁定 15 分钟"):
        people.log_in(db, ANONYMOUS, "1", "wrong-pw")
    clock.advance(60)
    with pytest.raises(AccountLocked, match="连续 5 次登录失败") as fifth:
        people.log_in(db, ANONYMOUS, "1", "wrong-pw")
    assert fifth.value.until == clock.now() + dt.timedelta(minutes=15)
    clock.advance(60)
    with pytest.raises(AccountLocked, match="锁定.*09:20 之后再试"):      # 01:05 UTC + 15 min, in China time
        people.log_in(db, ANONYMOUS, "1", "secret1")
    clock.advance(13 * 60)
    with pytest.raises(AccountLocked):
        people.log_in(db, ANONYMOUS, "1", "secret1")
    clock.advance(61)
    assert people.log_in(db, ANONYMOUS, "1", "secret1").badge == "1"
    failed = _audit(db, "login.failed")
    assert [f["reason"] for f in failed] == ["password"] * 5 + ["locked"] * 2
    assert all(f["actor"] is None and f["badge"] == "1" and f["known"] for f in failed)
    assert [(e["target"], e["failures"]) for e in _audit(db, "login.locked")] == [("1", 5)]


def test_backoff_and_a_success_resets_the_count(db: Database) -> None:
    clock = _login_setup(db)
    _fail(db, clock, "1", 2)
    with pytest.raises(TryLater, match="2 秒后再试"):                      # right, but too soon after two failures
        people.log_in(db, ANONYMOUS, "1", "secret1")
    clock.advance(2)
    _fail(db, clock, "1", 2)
    clock.advance(60)
    people.log_in(db, ANONYMOUS, "1", "secret1")                          # 4 failures, then the right one
    _fail(db, clock, "1", 4)                                              # counting starts again: not locked
    clock.advance(60)
    assert people.log_in(db, ANONYMOUS, "1", "secret1").name == "甲"


def test_counts_are_kept_in_the_database_shared_by_every_pc(db: Database) -> None:
    clock = _login_setup(db)
    other_pc = open_database(db.url)            # another PC (or the app restarted) on the same database
    other_pc.clock = clock
    try:
        _fail(db, clock, "1", 3)
        _fail(other_pc, clock, "1", 2)
        clock.advance(60)
        with pytest.raises(AccountLocked):
            people.log_in(db, ANONYMOUS, "1", "secret1")
        with pytest.raises(AccountLocked):
            people.log_in(other_pc, ANONYMOUS, "1", "secret1")
    finally:
        other_pc.dispose()


def test_administrator_unlocks(db: Database, admin: Actor) -> None:
    clock = _login_setup(db)
    _fail(db, clock, "1", 5)
    with db.transaction() as s:
        secretary = get_user(s, "2").actor
    assert set(people.locked_accounts(db, admin)) == {"1"}
    with pytest.raises(PermissionDenied):
        people.unlock_account(db, secretary, "1")                         # administrators only
    assert people.unlock_account(db, admin, "1") is True
    assert people.log_in(db, ANONYMOUS, "1", "secret1").badge == "1"
    assert people.locked_accounts(db, admin) == {}
    assert people.unlock_account(db, admin, "1") is False                 # nothing left to lift
    assert [(e["target"], e["actor"], e["was_locked"]) for e in _audit(db, "login.unlocked")] == [
        ("1", admin.user_id, True), ("1", admin.user_id, False)]


def test_unknown_badges_cost_a_dummy_verification_and_lock_alike(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    clock = _login_setup(db)
    verified: list[str] = []
    real_verify = PasswordHasher.verify

    def spy(self: PasswordHasher, hash: str, password: str) -> bool:  # noqa: A002 - argon2's own name
        verified.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    with db.transaction() as s:
        real_hash = s.query(Officer).filter(Officer.badge == "1").one().password_hash
    params = real_hash.rsplit("$", 2)[0]                                  # $argon2id$v=19$m=…,t=…,p=…
    clock.advance(60)
    with pytest.raises(AuthenticationFailed, match="警号或密码不正确") as unknown:
        people.log_in(db, ANONYMOUS, "999999", "secret1")
    assert len(verified) == 1 and verified[0].startswith(params) and verified[0] != real_hash
    clock.advance(60)
    with pytest.raises(AuthenticationFailed, match="警号或密码不正确") as known:
        people.log_in(db, ANONYMOUS, "1", "wrong-pw")
    assert verified[1:] == [real_hash] and str(unknown.value) == str(known.value)
    _fail(db, clock, "999999", 4)                                         # an unknown badge locks like a real one
    _fail(db, clock, "1", 4)
    verified.clear()
    clock.advance(60)
    with pytest.raises(AccountLocked):
        people.log_in(db, ANONYMOUS, "999999", "secret1")
    with pytest.raises(AccountLocked):                                    # locked: the dummy again, not the real hash
        people.log_in(db, ANONYMOUS, "1", "secret1")
    assert len(verified) == 2 and verified[0] == verified[1] != real_hash and verified[0].startswith(params)


def test_reset_gives_a_random_password_that_must_be_changed(db: Database, admin: Actor) -> None:
    clock = _login_setup(db)
    with db.transaction() as s:
        secretary = get_user(s, "2").actor
    _fail(db, clock, "1", 5)
    slip = people.reset_password(db, secretary, "1")                     # a secretary, within their unit
    assert (slip.badge, slip.name, slip.unit_name, len(slip.password)) == ("1", "甲", "第一党支部", 8)
    assert slip.issued == dt.date(2026, 11, 2)
    assert people.reset_password(db, admin, "1").password != slip.password
    with pytest.raises(PermissionDenied):
        people.reset_password(db, secretary, "000009")                    # not an administrator's account
    with pytest.raises(InvalidInput, match="我的"):
        people.reset_password(db, admin, admin.badge)
    with db.transaction() as s:
        assert s.query(Officer).filter(Officer.badge == "1").one().must_change_password
    fresh = people.reset_password(db, admin, "1")
    user = people.log_in(db, ANONYMOUS, "1", fresh.password)             # the reset also lifted the lockout
    assert user.must_change_password
    with pytest.raises(InvalidInput, match="不能与原密码相同"):
        people.change_own_password(db, user.actor, fresh.password, fresh.password)
    with pytest.raises(InvalidInput, match="至少需要6个字符"):
        people.change_own_password(db, user.actor, fresh.password, "abc")
    clock.advance(60)
    with pytest.raises(InvalidInput, match="原密码不正确"):               # counted like a failed login
        people.change_own_password(db, user.actor, "wrong-pw", "brand-new-1")
    assert _audit(db, "login.failed")[-1]["purpose"] == "password"
    clock.advance(60)
    people.change_own_password(db, user.actor, fresh.password, "brand-new-1")
    assert not people.log_in(db, ANONYMOUS, "1", "brand-new-1").must_change_password


def test_unlocking_the_screen_is_a_login_attempt_of_the_same_person(db: Database) -> None:
    clock = _login_setup(db)
    user = people.log_in(db, ANONYMOUS, "1", "secret1")
    assert people.unlock_session(db, user.actor, "secret1").id == user.id
    for _i in range(3):
        clock.advance(60)
        with pytest.raises(WrongPassword, match="^密码不正确"):
            people.unlock_session(db, user.actor, "wrong-pw")
    _fail(db, clock, "1", 2)
    clock.advance(60)
    with pytest.raises(AccountLocked):
        people.unlock_session(db, user.actor, "secret1")
    with pytest.raises(PermissionDenied):
        people.unlock_session(db, ANONYMOUS, "secret1")


def test_security_settings(db: Database, admin: Actor) -> None:
    clock = _login_setup(db)
    with db.transaction() as s:
        officer = get_user(s, "1").actor
    assert people.security_settings(db, officer) == SecuritySettings()
    with pytest.raises(PermissionDenied):
        people.save_security_settings(db, officer, SecuritySettings(idle_lock_minutes=0))
    with pytest.raises(InvalidInput):
        people.save_security_settings(db, admin, SecuritySettings(lockout_minutes=0))
    people.save_security_settings(db, admin, SecuritySettings(max_failures=3, lockout_minutes=5, backoff_seconds=0,
                                                              idle_lock_minutes=0))
    assert people.security_settings(db, officer).idle_lock_minutes == 0
    for _i in range(2):
        with pytest.raises(WrongPassword):
            people.log_in(db, ANONYMOUS, "1", "wrong-pw")                 # no backoff
    with pytest.raises(AccountLocked, match="连续 3 次"):
        people.log_in(db, ANONYMOUS, "1", "wrong-pw")
    clock.advance(5 * 60)
    people.log_in(db, ANONYMOUS, "1", "secret1")


# --- the CLI ------------------------------------------------------------------------------------------

def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from main import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_reset_forced_change_and_unlock(db: Database, admin: Actor, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _unit(db)
    with db.transaction() as s:
        add_user(s, badge="1", name="甲", unit="B1", password="secret1")
    as_admin = ["--db", db.url, "--user", ADMIN_BADGE]
    code, out, _err = _cli(capsys, "user", "passwd", "1", "--reset", "--slip", str(tmp_path / "s.pdf"), "--json",
                           *as_admin)
    initial = json.loads(out)["password"]
    assert code == 0 and len(initial) == 8 and (tmp_path / "s.pdf").stat().st_size > 1000
    monkeypatch.setenv("STUDYHALL_PASSWORD", initial)
    code, _out, err = _cli(capsys, "user", "list", "--db", db.url, "--user", "1")
    assert code == 1 and "初始密码" in err and "user passwd 1 --user 1" in err     # refused until changed
    monkeypatch.setenv("NEWPW", "changed-1")
    code, out, _err = _cli(capsys, "user", "passwd", "1", "--password-env", "NEWPW", "--db", db.url, "--user", "1")
    assert code == 0 and "已更新" in out
    monkeypatch.setenv("STUDYHALL_PASSWORD", "changed-1")
    code, _out, err = _cli(capsys, "user", "list", "--db", db.url, "--user", "1")
    assert code == 1 and "没有权限" in err                                   # past the change: an officer's rights
    people.save_security_settings(db, admin, SecuritySettings(backoff_seconds=0))   # the CLI runs on real time
    monkeypatch.setenv("STUDYHALL_PASSWORD", "wrong-pw")
    for _i in range(5):
        assert _cli(capsys, "user", "list", "--db", db.url, "--user", "1")[0] == 1
    monkeypatch.setenv("STUDYHALL_PASSWORD", "changed-1")
    code, _out, err = _cli(capsys, "user", "list", "--db", db.url, "--user", "1")
    assert code == 1 and "锁定" in err
    monkeypatch.setenv("STUDYHALL_PASSWORD", ADMIN_PASSWORD)
    code, out, _err = _cli(capsys, "user", "unlock", "1", *as_admin)
    assert code == 0 and "已解锁警号 1" in out
    monkeypatch.setenv("STUDYHALL_PASSWORD", "changed-1")
    code, _out, err = _cli(capsys, "user", "list", "--db", db.url, "--user", "1")
    assert code == 1 and "没有权限" in err
