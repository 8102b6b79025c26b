# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Certificate templates and issued certificates (versioned by serial)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, intpk, str20, str64, str200, utc, uuidpk


class CertTemplate(Base):
    __tablename__ = "cert_templates"

    id: Mapped[intpk]
    name: Mapped[str200] = mapped_column(unique=True)
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seal_png: Mapped[bytes | None]
    created_at: Mapped[utc]


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("serial", "version"),)

    id: Mapped[uuidpk]
    serial: Mapped[str64] = mapped_column(index=True)          # 证书编号, unique across PCs
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str20] = mapped_column(default="completion")  # completion / honour
    status: Mapped[str20] = mapped_column(default="valid")     # valid / superseded / revoked
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    attempt_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("attempts.id"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("cert_templates.id"))
    title: Mapped[str200]
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signature: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[utc]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
