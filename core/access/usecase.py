# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The frame every action a person can take runs in: who is acting, may they, one transaction.

A use case is a function of a :class:`Work` (the database session, the acting user, the clock)
decorated with the :class:`~core.access.permissions.Action` it performs and the kinds of data it
changes::

    @use_case(Action.QUIZ_TAKE, changes=Change.ATTEMPTS)
    def start_attempt(work: Work, quiz_id: int) -> Paper:
        ...

and is called with the database and the actor: ``start_attempt(db, actor, quiz_id)``. The frame
refuses an actor whose role may not perform the action before anything is read, opens one
transaction (commit on success, roll back on any error), and records every refusal in the audit
log in a transaction of its own. Finer checks (this officer, this unit) are made inside with
:meth:`Work.check_officer` and :meth:`Work.check_unit`. The GUI, the CLI and bench call the same
use cases; the GUI learns what to refresh from ``changes``.
"""

from __future__ import annotations

import contextlib
import functools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Flag, auto
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from base.errors import PermissionDenied
from base.i18n import _
from core.access.actor import Actor
from core.access.permissions import LABELS, Action, Scope, scope_for
from core.infra import audit
from core.infra.clock import Clock
from core.infra.db import Database, DatabaseBusy

P = ParamSpec("P")
T = TypeVar("T")


class Change(Flag):
    """What a use case changed, so screens showing it refresh (typed, unlike event-name strings)."""

    NONE = 0
    BANKS = auto()          # banks and their questions
    QUIZZES = auto()        # quizzes: composed, published
    ATTEMPTS = auto()       # attempts, answers, grades
    PRACTICE = auto()       # practice answers, the wrong-answer book
    STUDY = auto()          # reading time, finished materials
    MATERIALS = auto()      # the study materials themselves
    POINTS = auto()         # ledger entries, rules
    PEOPLE = auto()         # officers, accounts, the unit tree
    CERTIFICATES = auto()   # certificates, templates
    SETTINGS = auto()
    CONTESTS = auto()       # on-stage contests and their events
    ORGLIFE = auto()        # group sessions, attendance, 补学, 心得体会
    EVERYTHING = (BANKS | QUIZZES | ATTEMPTS | PRACTICE | STUDY | MATERIALS | POINTS | PEOPLE | CERTIFICATES
                  | SETTINGS | CONTESTS | ORGLIFE)


@dataclass
class Work:
    """One use case at work: the database, the acting user, the action and its scope, the session."""

    db: Database
    actor: Actor
    action: Action
    scope: Scope
    _session: Session | None = None
    _subtree: frozenset[int] | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("this use case runs without a transaction of the frame's; use work.transaction()")
        return self._session

    @property
    def clock(self) -> Clock:
        return self.db.clock

    @property
    def actor_id(self) -> int | None:
        return self.actor.user_id

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A transaction of the use case's own choosing (for long work that commits in steps)."""
        with self.db.transaction() as session:
            yield session

    # --- finer checks ------------------------------------------------------------------

    def require(self, action: Action) -> Scope:
        """The actor must also be allowed ``action`` (a use case that does two things)."""
        scope = scope_for(self.actor.role, action)
        if scope is None:
            raise denied(self.actor, action)
        return scope

    def units(self, action: Action | None = None) -> frozenset[int] | None:
        """Units whose officers' records the actor may touch for ``action``: None means every unit;
        OWN scope gives the empty set (only the actor's own records, see :meth:`check_officer`)."""
        scope = self.scope if action is None else self.require(action)
        if scope is Scope.ALL:
            return None
        if scope is Scope.OWN:
            return frozenset()
        if self._subtree is None:
            from core.people.org import subtree_ids

            unit_id = self.actor.unit_id if self.actor.unit_id is not None else -1
            self._subtree = frozenset(self.read(lambda s: subtree_ids(s, unit_id)))
        return self._subtree

    def check_unit(self, unit_id: int, action: Action | None = None) -> None:
        allowed = self.units(action)
        if allowed is not None and unit_id not in allowed:
            raise denied(self.actor, action or self.action, _("不在本单位及下级单位范围内"))

    def check_officer(self, officer_id: int, action: Action | None = None) -> None:
        """The actor may touch this officer's records: their own, or their unit subtree's."""
        if officer_id == self.actor.user_id:
            return
        allowed = self.units(action)
        if allowed is None:
            return
        from core.models import Officer

        unit_id = self.read(lambda s: s.scalar(select(Officer.unit_id).where(Officer.id == officer_id)))
        if unit_id is None or unit_id not in allowed:
            raise denied(self.actor, action or self.action, _("只能查看或处理本人或本单位人员的记录"))

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run a check's query in the frame's session, or in a short one for frame-less use cases."""
        if self._session is not None:
            return fn(self._session)
        with self.db.transaction(write=False) as session:
            return fn(session)


def denied(actor: Actor, action: Action, reason: str = "") -> PermissionDenied:
    what = _(LABELS[action])
    if actor.anonymous:
        message = _("请先登录：{what}需要账号", what=what)
    else:
        message = _("没有权限：{what}", what=what) + (f"（{reason}）" if reason else "")
    exc = PermissionDenied(message)
    exc.action = action
    return exc


class UseCase(Generic[P, T]):
    """A use case as callers see it: ``usecase(db, actor, *args, **kwargs)``."""

    def __init__(self, fn: Callable[Concatenate[Work, P], T], action: Action, changes: Change,
                 transaction: bool, readonly: bool = False, retry_on_conflict: bool = False) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.action = action
        self.changes = changes
        self.transaction = transaction
        self.readonly = readonly
        self.retry_on_conflict = retry_on_conflict
        self.name = f"{fn.__module__}.{fn.__qualname__}"

    def __call__(self, db: Database, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> T:
        # Audit rows written inside (even by domain-event listeners) are the actor's, at the database clock,
        # on this PC (or the PC an outer frame names: the demo's story places its work on its units' PCs).
        outer = audit.current()
        with audit.acting(actor.user_id, clock=db.clock, pc=outer.pc if outer is not None else None):
            return self._run(db, actor, *args, **kwargs)

    def _run(self, db: Database, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            scope = scope_for(actor.role, self.action)
            if scope is None:
                raise denied(actor, self.action)
            if not self.transaction:
                return self.fn(Work(db, actor, self.action, scope), *args, **kwargs)
            try:
                with db.transaction(write=not self.readonly) as session:
                    result = self.fn(Work(db, actor, self.action, scope, session), *args, **kwargs)
                    if not self.readonly:
                        db.remember_time(session)
                    return result
            except IntegrityError:
                if not self.retry_on_conflict:
                    raise
                # Another PC did the same at the same moment and a unique constraint kept one of us
                # out (two attempts numbered 1): try again, seeing its work, a few times at most.
                return self._retry_conflicts(db, actor, scope, *args, **kwargs)
            except DatabaseBusy:
                if not self.readonly:
                    raise
                # A "read-only" use case wrote after all (e.g. created a default row) and met another
                # writer: everything rolled back, so run it again as a writer, in turn.
                with db.transaction(write=True) as session:
                    return self.fn(Work(db, actor, self.action, scope, session), *args, **kwargs)
        except PermissionDenied as exc:
            _audit_denial(db, actor, getattr(exc, "action", self.action), self.name, str(exc))
            raise

    def _retry_conflicts(self, db: Database, actor: Actor, scope: Scope, /, *args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, CONFLICT_RETRIES + 1):
            time.sleep(random.uniform(0, 0.02 * attempt))       # the other PCs commit meanwhile
            try:
                return self._write_once(db, actor, scope, *args, **kwargs)
            except IntegrityError:
                if attempt == CONFLICT_RETRIES:
                    raise
        return self._write_once(db, actor, scope, *args, **kwargs)      # not reached

    def _write_once(self, db: Database, actor: Actor, scope: Scope, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with db.transaction(write=True) as session:
            result = self.fn(Work(db, actor, self.action, scope, session), *args, **kwargs)
            db.remember_time(session)
            return result

    def __repr__(self) -> str:
        return f"<use case {self.name} ({self.action})>"


REGISTRY: list[UseCase[Any, Any]] = []
CONFLICT_RETRIES = 5


def use_case(action: Action, *, changes: Change = Change.NONE, transaction: bool = True, readonly: bool = False,
             retry_on_conflict: bool = False) -> Callable[[Callable[Concatenate[Work, P], T]], UseCase[P, T]]:
    """Declare a use case: the action it performs (checked first) and what it changes.

    ``readonly`` use cases (lists, views, reports) read in a transaction that waits for no writer
    on SQLite; the others take the write lock first and wait their turn (see core/infra/db.py).
    ``retry_on_conflict`` runs the use case once more when a unique constraint refused its write
    because another process did the same thing concurrently.
    """

    def wrap(fn: Callable[Concatenate[Work, P], T]) -> UseCase[P, T]:
        uc = UseCase(fn, action, changes, transaction, readonly, retry_on_conflict)
        REGISTRY.append(uc)
        return uc

    return wrap


def _audit_denial(db: Database, actor: Actor, action: Action, use_case_name: str, message: str) -> None:
    """Refusals are kept even though the refused work rolled back (a transaction of their own)."""
    # A refusal must reach the user even if the log cannot be written.
    with contextlib.suppress(Exception), db.transaction() as session:
        audit.record(session, "access.denied", actor_id=actor.user_id, target_type="action",
                     target_id=str(action), use_case=use_case_name, badge=actor.badge, message=message)
