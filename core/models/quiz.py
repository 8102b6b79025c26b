# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Quizzes (rules), their sections, attempts with frozen papers, and the wrong-answer book."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, intpk, str20, str200, utc, uuidpk


class Quiz(Base):
    __tablename__ = "quizzes"

    id: Mapped[intpk]
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4, unique=True)
    title: Mapped[str200]
    mode: Mapped[str20] = mapped_column(default="exam")              # practice / exam / competition
    description: Mapped[str] = mapped_column(Text, default="")
    time_limit_s: Mapped[int | None]
    pass_percent: Mapped[float | None] = mapped_column(Float)
    attempts_allowed: Mapped[int | None]
    counting: Mapped[str20] = mapped_column(default="highest")       # highest / last / first
    opens_at: Mapped[dt.datetime | None]
    closes_at: Mapped[dt.datetime | None]
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=False)
    multi_scoring: Mapped[str20] = mapped_column(default="all_or_nothing")  # / half_for_subset / per_option
    fill_ordered: Mapped[bool] = mapped_column(Boolean, default=True)
    review: Mapped[str20] = mapped_column(default="explanations")    # score / answers / explanations
    review_after_close: Mapped[bool] = mapped_column(Boolean, default=True)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # units, categories, party_only
    certificate_template_id: Mapped[int | None] = mapped_column(ForeignKey("cert_templates.id"))
    # Lockdown exam mode: full screen, leaving it is recorded; after ``leave_limit`` departures the
    # attempt is submitted (None: recorded and warned, never submitted).
    lockdown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    leave_limit: Mapped[int | None]
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # The unit whose secretaries manage the quiz (as for banks); None: administrators'.
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[utc]

    sections: Mapped[list[QuizSection]] = relationship(
        back_populates="quiz", order_by="QuizSection.position", cascade="all, delete-orphan"
    )
    fixed: Mapped[list[QuizQuestion]] = relationship(
        back_populates="quiz", order_by="QuizQuestion.position", cascade="all, delete-orphan"
    )


class QuizSection(Base):
    """Draw ``count`` questions of ``qtype`` matching ``filters`` (banks, categories, tags, difficulty mix)."""

    __tablename__ = "quiz_sections"

    id: Mapped[intpk]
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str200] = mapped_column(default="")
    qtype: Mapped[str20]
    count: Mapped[int]
    points_each: Mapped[float] = mapped_column(Float, default=1.0)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    quiz: Mapped[Quiz] = relationship(back_populates="sections")


class QuizQuestion(Base):
    """A question fixed into a quiz (a specific version)."""

    __tablename__ = "quiz_questions"

    id: Mapped[intpk]
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    points: Mapped[float] = mapped_column(Float, default=1.0)

    quiz: Mapped[Quiz] = relationship(back_populates="fixed")


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        Index("ix_attempts_quiz_officer", "quiz_id", "officer_id"),
        # Branch reports: by unit and period, covering score/pass columns.
        Index("ix_attempts_report", "unit_id", "submitted_at", "officer_id", "percent", "passed", "quiz_id"),
        Index("ix_attempts_officer_status", "officer_id", "status"),
        Index("ix_attempts_status_deadline", "status", "deadline_at"),   # expired open attempts, any officer
        # Races closed in the schema: two PCs starting the same quiz at once cannot both get
        # attempt 1, and an officer never has two open attempts at one quiz.
        UniqueConstraint("quiz_id", "officer_id", "number", name="uq_attempts_quiz_officer_number"),
        Index("uq_attempts_one_open", "quiz_id", "officer_id", unique=True,
              sqlite_where=text("status = 'in_progress'"), postgresql_where=text("status = 'in_progress'")),
    )

    id: Mapped[uuidpk]
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))   # unit when the attempt was taken
    number: Mapped[int] = mapped_column(default=1)                  # 1st, 2nd… attempt at this quiz
    started_at: Mapped[utc]
    deadline_at: Mapped[dt.datetime | None]
    # Latest wall-clock time seen while taking: a clock moved backwards cannot go before it.
    last_seen_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime | None]
    status: Mapped[str20] = mapped_column(default="in_progress")   # in_progress / submitted / pending_manual
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # A paper exam's attempt: the printed version its answers were entered for (core/quiz/paper.py).
    paper_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("paper_versions.id"))

    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )


class AttemptItem(Base):
    """One question of a frozen paper and the officer's answer to it (saved on every click)."""

    __tablename__ = "attempt_items"
    __table_args__ = (Index("ix_attempt_items_attempt_pos", "attempt_id", "position", unique=True),)

    id: Mapped[uuidpk]
    attempt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    option_order: Mapped[list[Any]] = mapped_column(JSON, default=list)  # shown order -> original index
    points: Mapped[float] = mapped_column(Float, default=1.0)
    response: Mapped[Any | None] = mapped_column(JSON)
    answered_at: Mapped[dt.datetime | None]
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    graded_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    # The version the paper was drawn with, when an answer-key correction regraded this item
    # against a newer version (``question_id``); None: never corrected.
    original_question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))

    attempt: Mapped[Attempt] = relationship(back_populates="items")


class WrongBookEntry(Base):
    """错题本: leaves the book after ``right_streak`` reaches 2."""

    __tablename__ = "wrong_book"

    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    lineage: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))   # latest version seen
    category: Mapped[str] = mapped_column(String(100), default="")
    wrong_count: Mapped[int] = mapped_column(default=0)
    right_streak: Mapped[int] = mapped_column(default=0)
    last_wrong_at: Mapped[utc]
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)


class PracticeAnswer(Base):
    """One answer given while practising (by bank, 每日一练 or the 错题本)."""

    __tablename__ = "practice_answers"
    __table_args__ = (Index("ix_practice_answers_officer_at", "officer_id", "answered_at"),)

    id: Mapped[uuidpk]
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    lineage: Mapped[uuid.UUID] = mapped_column(Uuid)
    source: Mapped[str20] = mapped_column(default="bank")        # bank / daily / wrongbook
    response: Mapped[Any | None] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[utc]
