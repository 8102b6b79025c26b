# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question banks and versioned questions.

Editing a question inserts a new row (``version`` + 1, same ``lineage``) and marks
the old one not current; quizzes and attempts keep pointing at the version they used.

``banks.draw_token`` is the database's own record that a bank's questions changed, for the
drawing cache of every process and PC (core/quiz/pools.py): triggers give it a new random value
whenever a question of the bank is updated (its type, filters, current or active flag) or
deleted, and on PostgreSQL also inserted (one statement-level trigger per statement). On SQLite,
where writers take turns and row ids only grow, a new question shows as a new highest row, so
bulk imports pay no per-row trigger.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    false,
    text,
)
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
    # New random value whenever the bank's drawable questions change (module docstring; triggers).
    draw_token: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))

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


# The triggers keeping ``banks.draw_token`` current (the same statements as migration 0009).
_DRAWN = "bank_id, qtype, is_current, active, category, tags, difficulty"
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER questions_draw_update AFTER UPDATE OF {_DRAWN} ON questions BEGIN "
    "UPDATE banks SET draw_token = random() WHERE id IN (old.bank_id, new.bank_id); END",
    "CREATE TRIGGER questions_draw_delete AFTER DELETE ON questions BEGIN "
    "UPDATE banks SET draw_token = random() WHERE id = old.bank_id; END",
)
_PG_TOKEN = "floor(random() * 9.0e18)::bigint"
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION questions_draw_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' THEN UPDATE banks SET draw_token = {_PG_TOKEN} "
    "WHERE id IN (SELECT bank_id FROM old_rows); END IF; "
    f"IF TG_OP <> 'DELETE' THEN UPDATE banks SET draw_token = {_PG_TOKEN} "
    "WHERE id IN (SELECT bank_id FROM new_rows); END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER questions_draw_insert AFTER INSERT ON questions REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION questions_draw_touch()",
    "CREATE TRIGGER questions_draw_update AFTER UPDATE ON questions REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION questions_draw_touch()",
    "CREATE TRIGGER questions_draw_delete AFTER DELETE ON questions REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION questions_draw_touch()",
)
for _sql in SQLITE_TRIGGERS:
    event.listen(QuestionRow.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in POSTGRESQL_TRIGGERS:
    event.listen(QuestionRow.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
