# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Exams people can trust: answer-key regrades (with what each changed) and lockdown departures."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, str20, str64, utc, uuidpk


class Regrade(Base):
    """One stored regrade: a corrected question applied to the attempts of some quizzes."""

    __tablename__ = "quiz_regrades"

    id: Mapped[uuidpk]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))      # the corrected version
    quiz_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    items: Mapped[int] = mapped_column(default=0)                              # attempt items moved to it
    at: Mapped[utc]


class RegradeChange(Base):
    """What a regrade changed for one attempt (or, with no attempt, for one officer's points or
    certificate at one quiz): before and after."""

    __tablename__ = "quiz_regrade_changes"
    __table_args__ = (Index("ix_quiz_regrade_changes_attempt", "attempt_id"),)

    id: Mapped[uuidpk]
    regrade_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("quiz_regrades.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    attempt_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("attempts.id"))
    score_before: Mapped[float | None] = mapped_column(Float)
    score_after: Mapped[float | None] = mapped_column(Float)
    passed_before: Mapped[bool | None] = mapped_column(Boolean)
    passed_after: Mapped[bool | None] = mapped_column(Boolean)
    points_before: Mapped[float] = mapped_column(Float, default=0.0)
    points_after: Mapped[float] = mapped_column(Float, default=0.0)
    certificate: Mapped[str20] = mapped_column(default="")      # "" / issue / reissue / revoke
    serial: Mapped[str64] = mapped_column(default="")


class PaperVersion(Base):
    """One printed version of a quiz (题本 A, B…): its questions in their printed order, each with
    the printed option order. Answers typed or read back from a sheet are graded against it."""

    __tablename__ = "paper_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "code", name="uq_paper_versions_quiz_code"),)

    id: Mapped[uuidpk]
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str20]                                           # A, B, C…
    # [{"q": question id, "p": points, "o": shown order -> original option index}], printed order
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[utc]


class Departure(Base):
    """The officer left a lockdown exam (focus lost, minimised, another app, another screen), or
    came back to it after the program had stopped (``resume``)."""

    __tablename__ = "attempt_departures"
    __table_args__ = (Index("ix_attempt_departures_attempt", "attempt_id", "left_at"),)

    id: Mapped[uuidpk]
    attempt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    kind: Mapped[str20]                                  # focus / minimized / screen / resume
    left_at: Mapped[utc]
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str] = mapped_column(String(200), default="")
