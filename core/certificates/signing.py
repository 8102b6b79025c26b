# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Serial numbers, the signed content of a certificate and the QR payload.

* Serial (证书编号): ``<unit code>-<year>-<8 Crockford base32 chars>`` from a UUID4,
  so two PCs issuing offline do not collide (40 random bits per unit and year).
* Signature (``SHC2``): Ed25519 (RFC 8032) over serial, version, name, badge, exam,
  score and date, each NFKC-normalised without white space (so a name or exam typed
  from the paper for an offline check matches), 64 bytes as unpadded base32 (103 chars).
  The private key is kept encrypted (:mod:`core.certificates.keys`); verifying needs
  only the public key.
* Older certificates (``SHC1``) carry an HMAC-SHA256 of the unit key that used to sit in
  the ``secrets`` table, truncated to 128 bits. Nothing signs that way any more: the
  HMAC is only recomputed to check an old certificate (:func:`legacy_hmac`).
* QR text: ``SHC2:serial:version:badge:score:date:signature`` — ASCII only, because
  USB scanners in keyboard mode cannot type Chinese; the name and exam are
  covered by the signature and checked against the database record (or, offline,
  against what the certificate shows). Upper case, digits and ``:-.`` only, so the
  code uses the QR alphanumeric mode (5.5 bits a character): with the 64-byte signature
  it stays a 41-module code (version 6) where base64url would need 49. Older codes
  read ``SHC1|serial|version|badge|score|date|hmac``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import unicodedata
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

LEGACY_KEY_NAME = "cert.signing_key"     # the SHC1 HMAC key's row in ``secrets``
PREFIX = "SHC2"
LEGACY_PREFIX = "SHC1"
PREFIXES = (PREFIX, LEGACY_PREFIX)
SEPARATORS = {PREFIX: ":", LEGACY_PREFIX: "|"}
SIGNED_FIELDS = ("name", "badge", "exam", "score", "date")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BLANKS = re.compile(r"\s+")


def new_serial(unit_code: str, year: int) -> str:
    bits = int.from_bytes(uuid.uuid4().bytes[:5], "big")
    tail = "".join(_CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    code = "".join(ch for ch in unit_code.upper() if ch.isascii() and ch.isalnum()) or "SH"
    return f"{code}-{year}-{tail}"


def clean(value: object) -> str:
    """A field as it is carried in the QR text (no separators of either format, trimmed)."""
    return _clean_v1(value).replace(":", "：")


def _clean_v1(value: object) -> str:
    """A field as SHC1 carried and signed it (kept exactly, to check old certificates)."""
    return str(value).replace("|", "｜").replace("\n", " ").strip()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# --- SHC2: Ed25519 --------------------------------------------------------------------------

def _norm(value: object) -> str:
    return _BLANKS.sub("", unicodedata.normalize("NFKC", clean(value)))


def message(serial: str, version: int, fields: dict[str, object]) -> bytes:
    """The bytes an SHC2 signature covers."""
    parts = [PREFIX, _norm(serial).upper(), str(int(version))] + [_norm(fields.get(k, "")) for k in SIGNED_FIELDS]
    return "\x1f".join(parts).encode("utf-8")


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).rstrip(b"=").decode("ascii")


def _unb32(text: str) -> bytes | None:
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None


def sign(key: Ed25519PrivateKey, serial: str, version: int, fields: dict[str, object]) -> str:
    return _b32(key.sign(message(serial, version, fields)))


def signature_ok(public: Ed25519PublicKey, serial: str, version: int, fields: dict[str, object],
                 signature: str) -> bool:
    raw = _unb32(signature)
    if raw is None or len(raw) != 64 or _b32(raw) != signature:     # one spelling per signature
        return False
    try:
        public.verify(raw, message(serial, version, fields))
    except InvalidSignature:
        return False
    return True


# --- SHC1: the older HMAC, checked only ----------------------------------------------------

def legacy_hmac(key: bytes, serial: str, version: int, fields: dict[str, object]) -> str:
    """The SHC1 signature of a certificate under the old unit key (to check an old certificate)."""
    parts = [_clean_v1(serial), str(int(version))] + [_clean_v1(fields.get(k, "")) for k in SIGNED_FIELDS]
    digest = hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()[:16]
    return _b64(digest)


def legacy_ok(key: bytes, serial: str, version: int, fields: dict[str, object], signature: str) -> bool:
    return hmac.compare_digest(legacy_hmac(key, serial, version, fields), signature)


# --- the QR payload ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QrPayload:
    serial: str
    version: int
    badge: str
    score: str
    date: str
    signature: str
    prefix: str = PREFIX

    @property
    def legacy(self) -> bool:
        return self.prefix == LEGACY_PREFIX

    def text(self) -> str:
        return SEPARATORS[self.prefix].join([self.prefix, self.serial, str(self.version), self.badge, self.score,
                                             self.date, self.signature])


def payload_for(serial: str, version: int, fields: dict[str, object], signature: str,
                prefix: str = PREFIX) -> QrPayload:
    c = clean if prefix == PREFIX else _clean_v1
    return QrPayload(c(serial), int(version), c(fields.get("badge", "")), c(fields.get("score", "")),
                     c(fields.get("date", "")), signature, prefix)


def is_payload(text: str) -> bool:
    """Whether ``text`` claims to be a certificate QR code (either format)."""
    return any(text.startswith(p + sep) for p, sep in SEPARATORS.items())


def parse_payload(text: str) -> QrPayload | None:
    """The QR text back as fields, or None when it is not a StudyHall certificate code."""
    text = text.strip()
    prefix = next((p for p, sep in SEPARATORS.items() if text.startswith(p + sep)), None)
    if prefix is None:
        return None
    parts = text.split(SEPARATORS[prefix])
    if len(parts) != 7 or not parts[2].isdigit():
        return None
    _prefix, serial, version, badge, score, date, signature = parts
    return QrPayload(serial.upper(), int(version), badge, score, date, signature, prefix)
