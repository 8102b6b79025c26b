# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Study materials, per-officer reading progress and honest study sessions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from core.models.base import Base, intpk, str20, str200, utc, uuidpk


class Material(Base):
    __tablename__ = "materials"

    id: Mapped[intpk]
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4, unique=True)
    title: Mapped[str200]
    topic: Mapped[str] = mapped_column(String(100), default="")     # 专题
    body_html: Mapped[str] = mapped_column(Text, default="")
    # Plain text for search (and the PDF fallback when QtPdf is not available).
    body_text: Mapped[str] = deferred(mapped_column(Text, default=""))
    # The original PDF, kept in the database so every PC sharing it can show the real pages.
    original: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    source_name: Mapped[str200] = mapped_column(default="")
    source_format: Mapped[str20] = mapped_column(default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)  # 必学
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    min_seconds: Mapped[int] = mapped_column(default=0)
    # {"units": [unit ids, subtrees included], "categories": ["police", "auxiliary"]}; empty = everyone.
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[utc]


class MaterialProgress(Base):
    __tablename__ = "material_progress"

    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[float] = mapped_column(default=0.0)            # scroll fraction 0..1
    seconds: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime | None]


class StudySession(Base):
    """Active reading time; a heartbeat updates ``active_seconds`` while the officer really reads.

    A row with ``group_session_id`` is attendance at a group session credited as study time: it
    counts in reports, but not against the reader's daily caps nor for study-minute points."""

    __tablename__ = "study_sessions"
    __table_args__ = (
        Index("ix_study_sessions_report", "unit_id", "day", "officer_id", "active_seconds"),
        Index("ix_study_sessions_officer_day", "officer_id", "day"),
    )

    id: Mapped[uuidpk]
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="SET NULL"))
    # Attendance at a group session credited as study time (core.orglife); None for the reader's time.
    group_session_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("org_sessions.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[utc]
    last_beat_at: Mapped[utc]
    active_seconds: Mapped[int] = mapped_column(default=0)
