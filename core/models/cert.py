# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Certificate templates, issued certificates (versioned by serial) and the unit's signing keys."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, intpk, str20, str64, str200, utc, uuidpk


class CertTemplate(Base):
    __tablename__ = "cert_templates"

    id: Mapped[intpk]
    name: Mapped[str200] = mapped_column(unique=True)
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seal_png: Mapped[bytes | None]
    created_at: Mapped[utc]


class SigningKey(Base):
    """An Ed25519 key certificates are signed with: the public key in clear, the private key only
    encrypted with an administrator's passphrase (:mod:`core.certificates.keys`). One is
    ``active`` (signs new certificates); ``retired`` ones still verify what they signed."""

    __tablename__ = "signing_keys"

    id: Mapped[intpk]
    fingerprint: Mapped[str64] = mapped_column(unique=True)     # 32 hex digits of SHA-256(public key)
    public_key: Mapped[str] = mapped_column(Text)                # base64 of the 32 raw bytes
    private_key: Mapped[str | None] = mapped_column(Text)        # encrypted (JSON); None: restored without it
    status: Mapped[str20] = mapped_column(default="active")      # active / retired
    created_at: Mapped[utc]
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("serial", "version"),)

    id: Mapped[uuidpk]
    serial: Mapped[str64] = mapped_column(index=True)          # 证书编号, unique across PCs
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str20] = mapped_column(default="completion")  # completion / honour
    status: Mapped[str20] = mapped_column(default="valid")     # valid / superseded / revoked
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    attempt_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("attempts.id"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("cert_templates.id"))
    title: Mapped[str200]
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signature: Mapped[str] = mapped_column(String(200))        # "" until signed (see key_id)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_keys.id"))   # None: unsigned or HMAC (SHC1)
    legacy_signature: Mapped[str] = mapped_column(String(64), default="", server_default="")  # SHC1 HMAC, kept
    # The QR code of the current signature, encoded once when signed (core/certificates/codes.py).
    qr_code: Mapped[bytes | None] = mapped_column(LargeBinary)
    issued_at: Mapped[utc]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
