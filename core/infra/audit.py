# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Append-only audit log of what secretaries and admins change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.infra.clock import utcnow
from core.models import AuditEntry


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str = "",
    target_id: object = "",
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(
            at=utcnow(),
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            detail=detail,
        )
    )


def entries(session: Session, *, action_prefix: str = "", limit: int = 200) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(action_prefix))
    return list(session.scalars(stmt))
