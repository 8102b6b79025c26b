# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question banks and versioned questions.

Editing a question inserts a new row (``version`` + 1, same ``lineage``) and marks
the old one not current; quizzes and attempts keep pointing at the version they used.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, intpk, str20, str200, utc


class Bank(Base):
    __tablename__ = "banks"

    id: Mapped[intpk]
    name: Mapped[str200] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The unit whose secretaries manage the bank (its subtree's secretaries edit and export it; units
    # below it draw from it). None: the whole organisation's, managed by administrators.
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # 仅用于考试: kept out of practice until every quiz drawing from it has closed (core/quiz/exam_only.py).
    exam_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[utc]

    questions: Mapped[list[QuestionRow]] = relationship(back_populates="bank")


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("lineage", "version"),
        # Drawing papers: filter by bank/type/category/difficulty among current, active rows.
        Index("ix_questions_draw", "bank_id", "qtype", "is_current", "active", "category", "difficulty"),
        Index("ix_questions_bank_hash", "bank_id", "content_hash"),
    )

    id: Mapped[intpk]
    lineage: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    qtype: Mapped[str20]
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    answer: Mapped[list[Any]] = mapped_column(JSON, default=list)
    blanks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(100), default="")
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    difficulty: Mapped[int] = mapped_column(default=2)
    score: Mapped[float | None] = mapped_column(Float)
    media: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(40))
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="SET NULL"))
    created_at: Mapped[utc]

    bank: Mapped[Bank] = relationship(back_populates="questions")
