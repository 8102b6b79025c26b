# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The points ledger (积分台账): every point is an entry, never a mutable counter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, intpk, str64, str200, utc, uuidpk


class PointRule(Base):
    """One version of a rule: the row with the latest ``valid_from`` on or before a day applies that day."""

    __tablename__ = "point_rules"
    __table_args__ = (UniqueConstraint("code", "valid_from"),)

    id: Mapped[intpk]
    code: Mapped[str64]
    name: Mapped[str200]
    amount: Mapped[float] = mapped_column(Float)
    daily_cap: Mapped[float | None] = mapped_column(Float)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("officer_id", "rule_code", "source_type", "source_id"),
        Index("ix_ledger_entries_report", "unit_id", "day", "officer_id", "amount"),
        Index("ix_ledger_entries_officer_day", "officer_id", "day"),
    )

    id: Mapped[uuidpk]
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    rule_code: Mapped[str64]
    amount: Mapped[float] = mapped_column(Float)
    source_type: Mapped[str64]                 # study / material / quiz / practice / manual
    source_id: Mapped[str64]
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[utc]
