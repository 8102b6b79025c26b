# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Serial numbers, the unit's signing key and the signed QR payload.

* Serial (证书编号): ``<unit code>-<year>-<8 Crockford base32 chars>`` from a UUID4,
  so two PCs issuing offline do not collide (40 random bits per unit and year).
* Key: 32 random bytes in the ``secrets`` table, created on first use; the
  secrets table is never exported.
* Signature: HMAC-SHA256 over serial, version, name, badge, exam, score and date,
  truncated to 128 bits (RFC 2104 allows ≥ half the hash length), base64url.
* QR text: ``SHC1|serial|version|badge|score|date|signature`` — ASCII only, because
  USB scanners in keyboard mode cannot type Chinese; the name and exam are
  covered by the signature and checked against the database record.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.models import Secret

KEY_NAME = "cert.signing_key"
PREFIX = "SHC1"
SIGNED_FIELDS = ("name", "badge", "exam", "score", "date")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def signing_key(session: Session, *, now: dt.datetime) -> bytes:
    """The unit key, created (and stored in ``secrets``) the first time it is needed."""
    row = session.get(Secret, KEY_NAME)
    if row is None:
        row = Secret(name=KEY_NAME, value=base64.b64encode(secrets.token_bytes(32)).decode(), created_at=now)
        session.add(row)
        session.flush()
    return base64.b64decode(row.value)


def existing_key(session: Session) -> bytes | None:
    """The key if one exists (verification never creates one)."""
    row = session.get(Secret, KEY_NAME)
    return None if row is None else base64.b64decode(row.value)


def new_serial(unit_code: str, year: int) -> str:
    bits = int.from_bytes(uuid.uuid4().bytes[:5], "big")
    tail = "".join(_CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    code = "".join(ch for ch in unit_code.upper() if ch.isascii() and ch.isalnum()) or "SH"
    return f"{code}-{year}-{tail}"


def clean(value: object) -> str:
    """A field as it is signed and carried in the QR text (no separators, trimmed)."""
    return str(value).replace("|", "｜").replace("\n", " ").strip()


def canonical(serial: str, version: int, fields: dict[str, object]) -> bytes:
    parts = [clean(serial), str(int(version))] + [clean(fields.get(k, "")) for k in SIGNED_FIELDS]
    return "\x1f".join(parts).encode("utf-8")


def sign(key: bytes, serial: str, version: int, fields: dict[str, object]) -> str:
    digest = hmac.new(key, canonical(serial, version, fields), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def signature_ok(key: bytes, serial: str, version: int, fields: dict[str, object], signature: str) -> bool:
    return hmac.compare_digest(sign(key, serial, version, fields), signature)


@dataclass(frozen=True, slots=True)
class QrPayload:
    serial: str
    version: int
    badge: str
    score: str
    date: str
    signature: str

    def text(self) -> str:
        return "|".join([PREFIX, self.serial, str(self.version), self.badge, self.score, self.date, self.signature])


def payload_for(serial: str, version: int, fields: dict[str, object], signature: str) -> QrPayload:
    return QrPayload(clean(serial), int(version), clean(fields.get("badge", "")), clean(fields.get("score", "")),
                     clean(fields.get("date", "")), signature)


def parse_payload(text: str) -> QrPayload | None:
    """The QR text back as fields, or None when it is not a StudyHall certificate code."""
    parts = text.strip().split("|")
    if len(parts) != 7 or parts[0] != PREFIX or not parts[2].isdigit():
        return None
    _, serial, version, badge, score, date, signature = parts
    return QrPayload(serial.upper(), int(version), badge, score, date, signature)
