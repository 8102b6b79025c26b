# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Fixtures for certificate tests: officers, a quiz with a template and attempts, created as rows;
an administrator and a secretary of branch a who can log in (``PASSWORD``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest
from sqlalchemy.orm import Session

from core.access.actor import Actor
from core.certificates.templates import ensure_defaults
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt, Officer, Quiz, Role, Unit

PASSWORD = "cert-pass-7"
ADMIN, SECRETARY_A = "000001", "100009"     # accounts besides the five officers


@cache
def _password_hash() -> str:
    from core.infra.passwords import hash_password

    return hash_password(PASSWORD)


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

    def actor(self, badge: str) -> Actor:
        return self.actors[badge]

    def attempt(self, badge: str, score: float, passed: bool, *, quiz_id: int | None = None,
                status: str = "submitted", days_ago: int = 0) -> Attempt:
        with self.db.transaction() as s:
            officer = s.get(Officer, self.officers[badge])
            assert officer is not None
            when = self.clock.now() - dt.timedelta(days=days_ago)
            row = Attempt(quiz_id=quiz_id or self.quiz_id, officer_id=officer.id, unit_id=officer.unit_id,
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


def build_world(db: Database, clock: FakeClock) -> World:
    """Two branches under one bureau, five officers, an exam with the default completion template."""
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
        return World(db, clock, {"root": root, "a": a, "b": b}, officers, quiz.id, templates["completion"],
                     templates["honour"], actors)


@pytest.fixture
def world(db: Database, clock: FakeClock) -> World:
    return build_world(db, clock)


@pytest.fixture
def sqlite_world(sqlite_db: Database, clock: FakeClock) -> World:
    return build_world(sqlite_db, clock)


@pytest.fixture
def submit(world: World) -> Callable[..., Attempt]:
    return world.submit

