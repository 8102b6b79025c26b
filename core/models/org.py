# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Organisation tree (分局 → 大队 → 党支部, any depth), officers and their unit history."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, UTCDateTime, intpk, str20, str64, utc


class UnitKind(StrEnum):
    BUREAU = "bureau"      # 分局
    BRIGADE = "brigade"    # 大队
    BRANCH = "branch"      # 党支部


class Category(StrEnum):
    POLICE = "police"          # 民警
    AUXILIARY = "auxiliary"    # 辅警


class Role(StrEnum):
    OFFICER = "officer"
    SECRETARY = "secretary"
    ADMIN = "admin"


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[intpk]
    code: Mapped[str20] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str20] = mapped_column(default=UnitKind.BRANCH.value)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.sort_order")


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[intpk]
    badge: Mapped[str20] = mapped_column(unique=True)           # 警号
    name: Mapped[str64]                                          # 姓名
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    category: Mapped[str20] = mapped_column(default=Category.POLICE.value)
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str64] = mapped_column(default="")            # 职务
    gender: Mapped[str20] = mapped_column(default="")
    phone: Mapped[str20] = mapped_column(default="")
    role: Mapped[str20] = mapped_column(default=Role.OFFICER.value)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[utc]

    unit: Mapped[Unit] = relationship()


class UnitMembership(Base):
    """Which unit an officer belonged to when: past results stay with the unit where they were earned."""

    __tablename__ = "unit_memberships"
    __table_args__ = (Index("ix_unit_memberships_officer_from", "officer_id", "valid_from"),)

    id: Mapped[intpk]
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class LoginThrottle(Base):
    """Failed logins in a row for a badge as typed, known or not (so lockouts reveal nothing), shared
    by every PC on the database; a successful login deletes the row (see core/people/login.py)."""

    __tablename__ = "login_throttle"

    badge: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)             # since the last lockout or success
    last_failure_at: Mapped[utc] = mapped_column(index=True)     # rows a day old are pruned
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
