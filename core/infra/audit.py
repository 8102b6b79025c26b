# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Append-only audit log: who did what, when, on which PC, and what changed.

Services record what they change with :func:`record` inside the caller's transaction::

    audit.record(session, "user.edit", actor_id=actor_id, target_type="officer", target_id=badge,
                 name="张三", changes=audit.diff(before, after))

Who and when come from the use case that runs (:func:`acting`, set by the use-case frame): a
service called without an ``actor_id`` (a domain-event listener, e.g. the certificate issued
when an exam is passed) is still recorded as the person whose use case it runs in, at the
database clock's time. Work done with nobody logged in (setting up a database, a failed login)
has no actor. The demo set-up uses :func:`acting` to date its history.

Conventions for ``detail`` (the audit page shows them, see :mod:`core.admin.audit`): plain JSON
values; ``changes`` maps each changed field to ``[old, new]``; ``name``/``title`` name the target;
a person touched is ``officer`` (badge) with ``officer_name``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import socket
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.infra.clock import Clock, utcnow
from core.models import AuditEntry
from core.models.audit import PC_NAME_LENGTH

TEXT_LIMIT = 80        # longer strings in ``changes`` are cut (a question's stem, a material's title)
ID_LIMIT = 64          # the target_id column


@dataclass(frozen=True, slots=True)
class Acting:
    """Who is acting in this thread, and the time and PC their audit rows get."""

    actor_id: int | None
    clock: Clock | None = None
    at: dt.datetime | None = None
    pc: str | None = None


_ACTING: ContextVar[Acting | None] = ContextVar("studyhall_audit_acting", default=None)


@contextlib.contextmanager
def acting(actor_id: int | None, *, clock: Clock | None = None, at: dt.datetime | None = None,
           pc: str | None = None) -> Iterator[None]:
    """Audit rows recorded inside are the work of ``actor_id``, at ``at`` (else the clock's now)
    on ``pc`` (else this PC). The use-case frame sets it for every use case; nesting is fine."""
    token = _ACTING.set(Acting(actor_id, clock, at, pc))
    try:
        yield
    finally:
        _ACTING.reset(token)


def current() -> Acting | None:
    return _ACTING.get()


@functools.cache
def this_pc() -> str:
    """The host name of this PC, cut to the column's size."""
    try:
        name = socket.gethostname()
    except OSError:
        name = ""
    return (name or "?")[:PC_NAME_LENGTH]


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str = "",
    target_id: object = "",
    **detail: Any,
) -> AuditEntry:
    """Add one row to the audit log (in the caller's transaction)."""
    now = _ACTING.get()
    if actor_id is None and now is not None:
        actor_id = now.actor_id
    if now is not None and now.at is not None:
        when = now.at
    elif now is not None and now.clock is not None:
        when = now.clock.now()
    else:
        when = utcnow()
    pc = (now.pc if now is not None and now.pc else this_pc())[:PC_NAME_LENGTH]
    entry = AuditEntry(at=when, actor_id=actor_id, pc=pc, action=action, target_type=target_type,
                       target_id=str(target_id)[:ID_LIMIT], detail=_jsonable(detail))
    session.add(entry)
    return entry


def entries(session: Session, *, action_prefix: str = "", limit: int = 200) -> list[AuditEntry]:
    """The newest rows (of actions starting with ``action_prefix``), newest first by id."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(action_prefix))
    return list(session.scalars(stmt))


def short(value: Any) -> Any:
    """A value as the audit log keeps it: JSON-able, long text cut to ``TEXT_LIMIT`` characters."""
    if isinstance(value, str):
        return value if len(value) <= TEXT_LIMIT else value[:TEXT_LIMIT - 1] + "…"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        text = "、".join(str(short(v)) for v in value)
        return short(text) if len(text) > TEXT_LIMIT else [short(v) for v in value]
    if isinstance(value, dict):
        return short(", ".join(f"{k}={v}" for k, v in value.items()))
    if value is None or isinstance(value, bool | int | float):
        return value
    return short(str(value))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields of ``after`` whose value differs from ``before``."""
    return {key: [short(before.get(key)), short(value)] for key, value in after.items()
            if before.get(key) != value}


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if key == "changes" and isinstance(value, dict):
            out[key] = {k: [short(v) for v in pair] if isinstance(pair, list | tuple) else short(pair)
                        for k, pair in value.items()}
        else:
            out[key] = short(value)
    return out
