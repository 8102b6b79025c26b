# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A signed certificate's QR code, made once when it is signed and kept with it.

A certificate's QR text never changes once signed, so its code is encoded when the signature is
set (issuing, reissuing, signing at print time, countersigning older ones) and stored in
``certificates.qr_code``: the first 8 bytes of the SHA-256 of the text it encodes, one byte of
size, then the packed bits (core/certificates/qr.py), about 250 bytes. Printing 1,000
certificates then draws 1,000 stored images instead of encoding 1,000 codes.

What is stored is used only when it was made for the text the certificate says now: any other
way a signature changes (a restored backup, a merged package clearing it) at worst costs
encoding the code again at print time, never a wrong code.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from base.errors import InvalidInput
from base.i18n import _
from core.certificates.qr import QrMatrix, qr_matrix
from core.certificates.signing import LEGACY_PREFIX, QrPayload, payload_for
from core.models import Certificate

_DIGEST = 8


class Signed(Protocol):
    """What the QR code of a certificate depends on (a ``Certificate`` or a row of its columns)."""

    @property
    def serial(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def fields(self) -> dict[str, Any]: ...
    @property
    def signature(self) -> str: ...
    @property
    def key_id(self) -> int | None: ...
    @property
    def qr_code(self) -> bytes | None: ...


def qr_payload(row: Signed) -> QrPayload:
    """What the QR code of a signed certificate says (SHC2; SHC1 for an older one never re-signed).
    An unsigned certificate has none: printing signs it first (:func:`issue.sign_unsigned`)."""
    if not row.signature:
        raise InvalidInput(_("证书 {s} 尚未签名，不能打印", s=row.serial))
    fields = row.fields or {}
    if row.key_id is None:
        return payload_for(row.serial, row.version, fields, row.signature, LEGACY_PREFIX)
    return payload_for(row.serial, row.version, fields, row.signature)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:_DIGEST]


def stored(blob: bytes | None, text: str) -> QrMatrix | None:
    """The code kept in ``blob`` if it was made for ``text``, else None."""
    if not blob or len(blob) <= _DIGEST or blob[:_DIGEST] != _digest(text):
        return None
    return QrMatrix(blob[_DIGEST], blob[_DIGEST + 1:])


def keep_code(row: Certificate) -> None:
    """Encode and keep the code of ``row``'s current signature (none while it is unsigned)."""
    if not row.signature:
        row.qr_code = None
        return
    text = qr_payload(row).text()
    if stored(row.qr_code, text) is None:
        m = qr_matrix(text)
        row.qr_code = _digest(text) + bytes([m.size]) + m.bits


def code_for(row: Signed) -> tuple[str, QrMatrix]:
    """The QR text of a signed certificate and its code: the one kept, or encoded now."""
    text = qr_payload(row).text()
    return text, stored(row.qr_code, text) or qr_matrix(text)
