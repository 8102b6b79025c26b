# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Logging in on shared station PCs: failures counted per badge, backoff, temporary lockout.

* **Per badge, in the database.** Failed logins in a row are kept in ``login_throttle`` for the
  badge as typed, known or not, so every PC on the database sees the same count, a restarted app
  does not reset it, and an unknown badge is throttled exactly like a real one (a lockout reveals
  nothing). After the 2nd, 3rd… failure the next try must wait a little (``backoff_seconds`` ×
  2^(n-2), at most a minute); the ``max_failures``-th locks the badge for ``lockout_minutes``,
  during which even the right password is refused. A successful login deletes the row; an
  administrator can too (:func:`unlock`).
* **The same work for every badge.** An unknown badge, a locked one or one still waiting is
  verified against a dummy Argon2 hash made once per process with the same parameters, so the time
  a refusal takes says nothing about whether the badge exists.
* **Failures survive the refusal.** The password is verified outside any transaction (Argon2 takes
  ~0.2 s); a failure is counted and audited in a transaction of its own, then the refusal raised.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from base.errors import AuthenticationFailed, InvalidInput
from base.i18n import _
from core.infra import audit, settings
from core.infra.clock import LOCAL_TZ
from core.infra.db import Database
from core.infra.passwords import needs_rehash, prepare_dummy, rehash, verify_dummy, verify_password
from core.models import Officer
from core.models.org import LoginThrottle
from core.people.users import UserInfo, user_info

MAX_BACKOFF_SECONDS = 60
KEY_LENGTH = 64            # longer input cannot be a badge (20 characters at most); it shares one row


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """Login throttling and the idle lock of the main window, per database (every PC the same)."""

    max_failures: int = 5            # failures in a row that lock a badge; 0: never lock
    lockout_minutes: int = 15
    backoff_seconds: int = 2         # the wait after the 2nd failure, doubling after each next one; 0: none
    idle_lock_minutes: int = 10      # lock the main window after this long without input; 0: never

    KEYS: ClassVar[dict[str, str]] = {"max_failures": "login.max_failures", "lockout_minutes": "login.lockout_minutes",
            "backoff_seconds": "login.backoff_seconds", "idle_lock_minutes": "session.idle_lock_minutes"}
    LIMITS: ClassVar[dict[str, tuple[int, int]]] = {"max_failures": (0, 100), "lockout_minutes": (1, 24 * 60), "backoff_seconds": (0, 30),
              "idle_lock_minutes": (0, 24 * 60)}

    @classmethod
    def load(cls, session: Session) -> SecuritySettings:
        values: dict[str, int] = {}
        for name, key in cls.KEYS.items():
            value = settings.get(session, key)
            low, high = cls.LIMITS[name]
            if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
                values[name] = value
        return cls(**values)

    def check(self) -> None:
        labels = {"max_failures": _("连续登录失败次数"), "lockout_minutes": _("锁定时长（分钟）"),
                  "backoff_seconds": _("失败后等待（秒）"), "idle_lock_minutes": _("无操作锁屏（分钟）")}
        for name, (low, high) in self.LIMITS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidInput(_("{f}应在 {a} 到 {b} 之间", f=labels[name], a=low, b=high))

    def save(self, session: Session) -> None:
        self.check()
        for name, key in self.KEYS.items():
            settings.put(session, key, getattr(self, name))

    def backoff(self, failures: int) -> dt.timedelta:
        """How long to wait after ``failures`` failures in a row before the next try."""
        if failures < 2 or not self.backoff_seconds:
            return dt.timedelta(0)
        return dt.timedelta(seconds=min(self.backoff_seconds * 2 ** (failures - 2), MAX_BACKOFF_SECONDS))


class AccountLocked(AuthenticationFailed):
    """Too many failures in a row: refused, even with the right password, until ``until``."""

    def __init__(self, message: str, until: dt.datetime) -> None:
        super().__init__(message)
        self.until = until


class TryLater(AuthenticationFailed):
    """A failure moments ago: the next try must wait ``seconds``."""

    def __init__(self, message: str, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


class WrongPassword(AuthenticationFailed):
    """The badge or the password is wrong (one message for both)."""


def badge_key(badge: str) -> str:
    return badge.strip()[:KEY_LENGTH]


def until_text(until: dt.datetime, now: dt.datetime) -> str:
    """When a lockout ends, in China time: "10:45", or "11月3日 10:45" on another day."""
    local, today = until.astimezone(LOCAL_TZ), now.astimezone(LOCAL_TZ).date()
    clock = local.strftime("%H:%M")
    return clock if local.date() == today else _("{m}月{d}日 {t}", m=local.month, d=local.day, t=clock)


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    return _("该警号因连续登录失败已锁定，请在 {t} 之后再试，或请管理员解锁", t=until_text(until, now))


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the login read before verifying (a plain copy: the password is checked outside the session)."""

    failures: int
    last_failure_at: dt.datetime | None
    locked_until: dt.datetime | None


def _refusal(seen: _Seen | None, now: dt.datetime, cfg: SecuritySettings) -> AuthenticationFailed | None:
    if seen is None:
        return None
    if seen.locked_until is not None and now < seen.locked_until:
        return AccountLocked(_locked_message(seen.locked_until, now), seen.locked_until)
    if seen.last_failure_at is not None:
        wait = seen.last_failure_at + cfg.backoff(seen.failures) - now
        if wait > dt.timedelta(0):
            seconds = math.ceil(wait.total_seconds())
            return TryLater(_("登录失败次数较多，请 {n} 秒后再试", n=seconds), seconds)
    return None


def log_in(db: Database, badge: str, password: str, *, purpose: str = "login") -> UserInfo:
    """The account for ``badge`` if ``password`` is right and the badge is not locked.

    ``purpose`` says where the password was typed (``login``, ``unlock`` the idle lock screen,
    ``password`` the old password when changing it): each counts towards the lockout alike, and
    only the wording of a wrong-password message differs.
    """
    key = badge_key(badge)
    prepare_dummy()
    now = db.clock.now()
    with db.transaction(write=False) as session:
        cfg = SecuritySettings.load(session)
        row = session.get(LoginThrottle, key) if key else None
        seen = _Seen(row.failures, row.last_failure_at, row.locked_until) if row is not None else None
        officer = session.scalar(select(Officer).where(Officer.badge == key)) if key else None
        info = user_info(officer) if officer is not None else None
        stored_hash = officer.password_hash if officer is not None else None

    refusal = _refusal(seen, now, cfg)
    if refusal is not None:
        verify_dummy(password)
        _audit_only(db, key, reason="locked" if isinstance(refusal, AccountLocked) else "too_soon",
                    known=info is not None, purpose=purpose)
        raise refusal
    right = verify_password(stored_hash, password) if stored_hash is not None else verify_dummy(password)
    if right and info is not None and info.active:
        assert stored_hash is not None
        if seen is not None or needs_rehash(stored_hash):   # most logins write nothing (no wait for a writer)
            with db.transaction() as session:
                session.execute(delete(LoginThrottle).where(LoginThrottle.badge == key))
                if needs_rehash(stored_hash):
                    session.execute(update(Officer).where(Officer.id == info.id)
                                    .values(password_hash=rehash(password)))
        return info
    if right:   # a disabled account, and only someone who knows its password learns that
        _audit_only(db, key, reason="disabled", known=True, purpose=purpose)
        raise AuthenticationFailed(_("该账号已停用，请联系管理员"))
    with audit.acting(None, clock=db.clock), db.transaction() as session:   # a failed login has no actor
        _prune(session, now)
        failures, locked_until = record_failure(session, key, now, cfg)
        audit.record(session, "login.failed", target_type="officer", target_id=key, badge=key,
                     reason="password", known=info is not None, purpose=purpose, failures=failures)
        if locked_until is not None:
            audit.record(session, "login.locked", target_type="officer", target_id=key, badge=key,
                         until=locked_until.isoformat(), failures=cfg.max_failures)
    if locked_until is not None:
        raise AccountLocked(_("连续 {n} 次登录失败，该警号已锁定，请在 {t} 之后再试，或请管理员解锁",
                              n=cfg.max_failures, t=until_text(locked_until, now)), locked_until)
    wrong = {"login": _("警号或密码不正确"), "unlock": _("密码不正确"), "password": _("原密码不正确")}[purpose]
    left = cfg.max_failures - failures if cfg.max_failures else 0
    if 0 < left <= 2:
        wrong = _("{message}；再错 {n} 次将锁定 {m} 分钟", message=wrong, n=left, m=cfg.lockout_minutes)
    raise WrongPassword(wrong)


def _audit_only(db: Database, key: str, *, reason: str, known: bool, purpose: str) -> None:
    """A refused attempt that changes no count (locked, too soon, disabled): logged in its own
    transaction; the refusal reaches the person even if the log cannot be written."""
    with contextlib.suppress(Exception), audit.acting(None, clock=db.clock), db.transaction() as session:
        audit.record(session, "login.failed", target_type="officer", target_id=key, badge=key, reason=reason,
                     known=known, purpose=purpose)


def record_failure(session: Session, key: str, now: dt.datetime, cfg: SecuritySettings,
                   ) -> tuple[int, dt.datetime | None]:
    """Count one failure for ``key`` (atomically: two PCs may fail at once); lock the badge when it
    reaches ``max_failures``. A failure longer ago than the lockout time no longer counts.
    Returns (failures in a row, locked until or None)."""
    stale = now - dt.timedelta(minutes=cfg.lockout_minutes)
    values = {"badge": key, "failures": 1, "last_failure_at": now, "locked_until": None}
    counted = {"failures": case((LoginThrottle.last_failure_at < stale, 1), else_=LoginThrottle.failures + 1),
               "last_failure_at": now}
    if session.get_bind().dialect.name == "postgresql":
        failures = session.execute(postgresql.insert(LoginThrottle).values(values).on_conflict_do_update(
            index_elements=[LoginThrottle.badge], set_=counted).returning(LoginThrottle.failures)).scalar_one()
    else:
        failures = session.execute(sqlite.insert(LoginThrottle).values(values).on_conflict_do_update(
            index_elements=[LoginThrottle.badge], set_=counted).returning(LoginThrottle.failures)).scalar_one()
    if cfg.max_failures and failures >= cfg.max_failures:
        until = now + dt.timedelta(minutes=cfg.lockout_minutes)
        session.execute(update(LoginThrottle).where(LoginThrottle.badge == key).values(failures=0, locked_until=until))
        return failures, until
    return failures, None


def _prune(session: Session, now: dt.datetime) -> None:
    """Forget failures older than a day (typed badges that were never accounts pile up otherwise);
    done with each failure, the one moment a login writes anyway."""
    day_ago = now - dt.timedelta(days=1)
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < day_ago,
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))


def unlock(session: Session, badge: str, now: dt.datetime) -> bool:
    """Forget the failures of ``badge``; True when it was locked."""
    key = badge_key(badge)
    was_locked = session.scalar(select(LoginThrottle.badge).where(
        LoginThrottle.badge == key, LoginThrottle.locked_until > now)) is not None
    session.execute(delete(LoginThrottle).where(LoginThrottle.badge == key))
    return was_locked


def locked_badges(session: Session, now: dt.datetime) -> dict[str, dt.datetime]:
    """Badges locked right now, with when each lockout ends."""
    rows = session.execute(select(LoginThrottle.badge, LoginThrottle.locked_until).where(
        and_(LoginThrottle.locked_until.is_not(None), LoginThrottle.locked_until > now)))
    return {badge: until for badge, until in rows if until is not None}
