# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Fixtures for certificate tests: officers, a quiz with a template and attempts, created as rows;
an administrator and a secretary of branch a who can log in (``PASSWORD``); the unit's signing
key (passphrase ``KEY_PASSPHRASE``), unlocked in this process unless a test locks it."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.actor import Actor
from core.certificates import keys
from core.certificates.templates import ensure_defaults
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt, Officer, Quiz, Role, SigningKey, Unit

PASSWORD = "cert-pass-7"
ADMIN, SECRETARY_A = "000001", "100009"     # accounts besides the five officers
KEY_PASSPHRASE = "seal-of-the-unit-42"


@cache
def _password_hash() -> str:
    from core.infra.passwords import hash_password

    return hash_password(PASSWORD)


@cache
def _test_key() -> tuple[Ed25519PrivateKey, str, str]:
    """One key (and its sealed form) for the session: sealing costs an Argon2id derivation. Derived
    from a fixed seed: pytest loads this module twice (as ``conftest`` and as ``tests.certs.conftest``)."""
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"StudyHall test signing key").digest())
    fp = keys.fingerprint(key.public_key())
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    return key, fp, keys.seal(raw, KEY_PASSPHRASE, keys._context(fp))


def install_key(s: Session, now: dt.datetime) -> SigningKey:
    """The session's test key as the database's active signing key (as ``keys.create_key`` makes it)."""
    key, fp, sealed = _test_key()
    row = SigningKey(fingerprint=fp, public_key=base64.b64encode(keys.raw_public(key.public_key())).decode(),
                     private_key=sealed, status="active", created_at=now)
    s.add(row)
    s.flush()
    return row


def unlock_test_key() -> None:
    """Unlocked as ``unlock_signing_key`` would, without paying the key derivation in every test."""
    keys._hold(_test_key()[0])


@pytest.fixture(autouse=True)
def _keys_locked_after() -> Iterator[None]:
    yield
    keys.forget_unlocked()


@dataclass
class World:
    db: Database
    clock: FakeClock
    units: dict[str, int]
    officers: dict[str, int]          # badge -> id
    quiz_id: int
    completion_id: int
    honour_id: int
    actors: dict[str, Actor]          # badge -> acting user, for every account and officer
    key_id: int | None                # None: built without a signing key (an older database)

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return _test_key()[0]

    def actor(self, badge: str) -> Actor:
        return self.actors[badge]

    def attempt(self, badge: str, score: float, passed: bool, *, quiz_id: int | None = None,
                status: str = "submitted", days_ago: int = 0) -> Attempt:
        with self.db.transaction() as s:
            officer = s.get(Officer, self.officers[badge])
            assert officer is not None
            when = self.clock.now() - dt.timedelta(days=days_ago)
            quiz = quiz_id or self.quiz_id
            number = 1 + (s.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.quiz_id == quiz, Attempt.officer_id == officer.id)) or 0)   # (quiz, officer, number) is unique
            row = Attempt(quiz_id=quiz, officer_id=officer.id, unit_id=officer.unit_id, number=number,
                          started_at=when - dt.timedelta(minutes=25), submitted_at=when, status=status,
                          score=score, max_score=100.0, percent=score, passed=passed)
            s.add(row)
            s.flush()
            return row


    def submit(self, badge: str, score: float, passed: bool, **kw: object) -> Attempt:
        """Create a submitted attempt and fire ``attempt_did_submit`` as grading does."""
        from core.infra import hooks

        row = self.attempt(badge, score, passed, **kw)  # type: ignore[arg-type]
        with self.db.transaction() as s:
            hooks.fire("attempt_did_submit", s, attempt_id=row.id, clock=self.clock)
        return row


def _unit(s: Session, code: str, name: str, kind: str, parent: int | None) -> int:
    u = Unit(code=code, name=name, kind=kind, parent_id=parent)
    s.add(u)
    s.flush()
    return u.id


def build_world(db: Database, clock: FakeClock, *, with_key: bool = True) -> World:
    """Two branches under one bureau, five officers, an exam with the default completion template;
    ``with_key``: the session's signing key, unlocked."""
    with db.transaction() as s:
        root = _unit(s, "LJ", "江城市公安局临江分局", "bureau", None)
        a = _unit(s, "LJA", "交警大队第一党支部", "branch", root)
        b = _unit(s, "LJB", "治安大队第一党支部", "branch", root)
        people = [("100001", "张晓燕", a), ("100002", "李建国", a), ("100003", "王芳", b),
                  ("100004", "赵𪚥", b), ("100005", "陈晨", a)]
        officers = {}
        actors = {}
        for badge, name, unit in people:
            o = Officer(badge=badge, name=name, unit_id=unit, password_hash="x", created_at=clock.now())
            s.add(o)
            s.flush()
            officers[badge] = o.id
            actors[badge] = Actor.user(o.id, Role.OFFICER, unit, badge=badge, name=name)
        for badge, name, unit, role in ((ADMIN, "管理员", root, Role.ADMIN), (SECRETARY_A, "周书记", a, Role.SECRETARY)):
            o = Officer(badge=badge, name=name, unit_id=unit, role=role.value, password_hash=_password_hash(),
                        created_at=clock.now())
            s.add(o)
            s.flush()
            actors[badge] = Actor.user(o.id, role, unit, badge=badge, name=name)
        templates = {t.spec.kind: t.id for t in reversed(ensure_defaults(s, now=clock.now(), with_seal=True))}
        quiz = Quiz(title="道路交通安全法规季度考试", mode="exam", pass_percent=60.0, created_at=clock.now(),
                    certificate_template_id=templates["completion"])
        s.add(quiz)
        s.flush()
        key_id = None
        if with_key:
            key_id = install_key(s, clock.now()).id
            unlock_test_key()
        return World(db, clock, {"root": root, "a": a, "b": b}, officers, quiz.id, templates["completion"],
                     templates["honour"], actors, key_id)


@pytest.fixture
def world(db: Database, clock: FakeClock) -> World:
    return build_world(db, clock)


@pytest.fixture
def keyless_world(db: Database, clock: FakeClock) -> World:
    """A database with no signing key yet (as every database was before issue 13)."""
    return build_world(db, clock, with_key=False)


@pytest.fixture
def sqlite_world(sqlite_db: Database, clock: FakeClock) -> World:
    return build_world(sqlite_db, clock)


@pytest.fixture
def submit(world: World) -> Callable[..., Attempt]:
    return world.submit

