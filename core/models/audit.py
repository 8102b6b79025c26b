# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Audit log, key/value settings and secrets kept out of exported data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, intpk, str64, utc

PC_NAME_LENGTH = 64


class AuditEntry(Base):
    """One thing a person did (or tried to do): who, when, on which PC, to what, and what changed.

    ``actor_id`` is empty only for work done with nobody logged in (setting up a database, a failed
    login: its badge is in ``detail``). ``pc`` is the host name of the PC that did it, which tells
    the PCs sharing one PostgreSQL database apart.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_action_at", "action", "at"),     # the audit page's action filter and its combo
        Index("ix_audit_log_actor_at", "actor_id", "at"),    # the audit page's person filter
        Index("ix_audit_log_target", "target_type", "target_id"),   # ... and failed logins by the badge typed
    )

    id: Mapped[intpk]
    at: Mapped[utc] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    pc: Mapped[str] = mapped_column(String(PC_NAME_LENGTH), default="", server_default="")
    action: Mapped[str64]                       # e.g. "user.add", "cert.revoke"
    target_type: Mapped[str64] = mapped_column(default="")
    target_id: Mapped[str64] = mapped_column(default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Setting(Base):
    """Application settings that belong to the database (shared by every PC using it)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Secret(Base):
    """Keys (e.g. the unit's certificate signing key); never exported."""

    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[utc]
