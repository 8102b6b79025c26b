# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Audit log, key/value settings and secrets kept out of exported data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, intpk, str64, utc


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[intpk]
    at: Mapped[utc] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
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
