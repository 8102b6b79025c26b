# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Offline PCs (core.exchange): the installations whose packages this database trusts, its own
exchange key, and every package exported or imported."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, str20, str64, str200, utc, uuidpk


class Installation(Base):
    """A StudyHall installation (one database) that exchanges packages: this one (``own``, with its
    private key sealed under a passphrase) or another whose public key an administrator trusted."""

    __tablename__ = "installations"

    id: Mapped[uuidpk]
    name: Mapped[str200]
    fingerprint: Mapped[str64] = mapped_column(unique=True)     # 32 hex digits of SHA-256(public key)
    public_key: Mapped[str] = mapped_column(Text)                # base64 of the 32 raw bytes
    private_key: Mapped[str | None] = mapped_column(Text)        # sealed (core.certificates.keys.seal); own only
    own: Mapped[bool] = mapped_column(Boolean, default=False)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    trusted_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    trusted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[utc]


class Exchange(Base):
    """One package exported from or imported into this database (the 数据交换 page's history)."""

    __tablename__ = "exchanges"
    __table_args__ = (Index("ix_exchanges_peer_at", "peer_id", "at"),)

    id: Mapped[uuidpk]
    package_id: Mapped[uuid.UUID]                                # the package's own id (its manifest)
    direction: Mapped[str20]                                     # export / import
    kind: Mapped[str20]                                          # exam / results
    peer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("installations.id"))
    peer_name: Mapped[str200] = mapped_column(default="")
    file_name: Mapped[str200] = mapped_column(default="")
    sha256: Mapped[str64] = mapped_column(default="")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    conflicts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    at: Mapped[utc]
