# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Organisation life (组织生活): group sessions and their attendance, 补学, and 心得体会.

Session kinds are data (``org_session_kinds``), so a unit can add 警示教育 or 读书班 without code.
Rows that travel between PCs (sessions, attendance, attachments, reflections) have UUID keys.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from core.models.base import Base, UTCDateTime, intpk, str20, str64, str200, utc, uuidpk


class SessionKind(Base):
    """A kind of group session (集中学习, 党课, 主题党日, 支部党员大会, 支委会, 党小组会, ...)."""

    __tablename__ = "org_session_kinds"

    id: Mapped[intpk]
    code: Mapped[str20] = mapped_column(unique=True)
    name: Mapped[str64]
    credits_study: Mapped[bool] = mapped_column(Boolean, default=True)   # attendance counts as study time
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OrgSession(Base):
    """One group session held by a unit (usually a 党支部)."""

    __tablename__ = "org_sessions"
    __table_args__ = (Index("ix_org_sessions_unit_day", "unit_id", "day"),)

    id: Mapped[uuidpk]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str20]                                   # SessionKind.code
    topic: Mapped[str200]
    day: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[utc]
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(100), default="")
    speaker: Mapped[str64] = mapped_column(default="")
    material_ids: Mapped[list[int]] = mapped_column(JSON, default=list)   # linked materials (补学 reading)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[utc]


class Attendance(Base):
    """One officer at one session: present, on leave (with reason) or absent; 补学 closes an absence."""

    __tablename__ = "org_attendance"
    __table_args__ = (UniqueConstraint("session_id", "officer_id"),
                      Index("ix_org_attendance_officer", "officer_id", "status"))

    id: Mapped[uuidpk]
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_sessions.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    status: Mapped[str20]                                 # present / leave / absent
    reason: Mapped[str] = mapped_column(String(200), default="")
    made_up_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)   # 补学 done


class SessionAttachment(Base):
    """A photo or the scanned sign-in sheet of a session, kept in the database (shared by every PC)."""

    __tablename__ = "org_session_files"

    id: Mapped[uuidpk]
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("org_sessions.id", ondelete="CASCADE"),
                                                  index=True)
    kind: Mapped[str20]                                   # photo / signin
    name: Mapped[str200]
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[utc]


class ReflectionTask(Base):
    """A 心得体会 the secretary asks for: about a material, a session or a topic, by a due date."""

    __tablename__ = "reflection_tasks"

    id: Mapped[intpk]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str200]
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="SET NULL"))
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("org_sessions.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(String(100), default="")
    due_date: Mapped[dt.date] = mapped_column(Date)
    min_chars: Mapped[int] = mapped_column(Integer, default=300)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[utc]


class Reflection(Base):
    """One officer's 心得体会 for a task; re-submitted after 退回修改 (the same row, a new text)."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("task_id", "officer_id"),
                      Index("ix_reflections_unit_submitted", "unit_id", "submitted_at"))

    id: Mapped[uuidpk]
    task_id: Mapped[int] = mapped_column(ForeignKey("reflection_tasks.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    body_text: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str200] = mapped_column(default="")   # the .docx it came from, if any
    signature: Mapped[bytes] = mapped_column(LargeBinary)   # MinHash of its shingles (orglife.similarity)
    status: Mapped[str20]                                 # submitted / excellent / pass / returned
    submitted_at: Mapped[utc]
    review_comment: Mapped[str] = mapped_column(String(500), default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RatingCriterion(Base):
    """One criterion of 支部评星定级: a metric, its weight, the value earning full marks (target) and
    the value below which it earns nothing (threshold). See core/orglife/rating.py for the formula."""

    __tablename__ = "rating_criteria"

    id: Mapped[intpk]
    metric: Mapped[str20] = mapped_column(unique=True)
    weight: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float, default=0.0)
    sort_order: Mapped[int] = mapped_column(default=0)


class RatingBand(Base):
    """A star band: a score of at least ``min_score`` earns ``stars`` (五星 ≥ 90 ...)."""

    __tablename__ = "rating_bands"

    id: Mapped[intpk]
    stars: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str20]
    min_score: Mapped[float] = mapped_column(Float)


class BranchRating(Base):
    """One branch's rating for one quarter: the computed score with its breakdown, the admin's
    adjustment (with a reason, audited) and when it was published (评比晾晒)."""

    __tablename__ = "branch_ratings"
    __table_args__ = (UniqueConstraint("period", "unit_id"), Index("ix_branch_ratings_unit", "unit_id", "period"))

    id: Mapped[uuidpk]
    period: Mapped[str20]                                   # 2026Q4
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    computed_score: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)             # computed, or as adjusted
    stars: Mapped[int] = mapped_column(Integer)
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    adjust_reason: Mapped[str] = mapped_column(String(300), default="")
    adjusted_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    computed_at: Mapped[utc]
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
