# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""On-stage contests (知识竞赛现场赛): the set-up as JSON and every event as it happened.

The state (round, question, scores) is never stored: it is rebuilt by replaying the events
(:func:`core.contest.machine.replay`), so a crash loses nothing that was recorded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, str20, str64, str200, utc, uuidpk


class ContestRow(Base):
    __tablename__ = "contests"

    id: Mapped[uuidpk]
    title: Mapped[str200]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)   # the organising unit
    held_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str20] = mapped_column(default="ready")                           # ready / running / finished
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[utc]
    finished_at: Mapped[dt.datetime | None]


class ContestEvent(Base):
    __tablename__ = "contest_events"
    __table_args__ = (UniqueConstraint("contest_id", "seq"), Index("ix_contest_events_kind", "contest_id", "kind"))

    id: Mapped[uuidpk]
    contest_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contests.id", ondelete="CASCADE"))
    seq: Mapped[int]                                   # 1, 2, 3 … (two consoles cannot write the same one)
    kind: Mapped[str64]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[utc]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
