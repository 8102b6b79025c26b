# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Who made a package: this installation's exchange key, and the installations it trusts.

Each database has one exchange key (Ed25519), made by an administrator with a passphrase. Its
private half is sealed as the certificate key is (core.certificates.keys: Argon2id + AES-GCM), so
neither the database file nor a backup can sign a package; it is unlocked in this process to
export and forgotten at logout. Other installations are known by their public key, which an
administrator trusts once after comparing its fingerprint with the one the other PC shows.
Verifying a package needs only the public key.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from core.certificates.keys import check_passphrase, fingerprint, grouped, raw_public, seal, unseal
from core.models import Installation

ENVELOPE_CONTEXT = "studyhall-exchange-key-1"
_UNLOCKED: dict[str, Ed25519PrivateKey] = {}
_GUARD = threading.Lock()


class ExchangeKeyLocked(InvalidInput):
    """Exporting needs this installation's exchange key, unlocked with its passphrase."""


def own(session: Session) -> Installation | None:
    return session.scalar(select(Installation).where(Installation.own))


def public_key(row: Installation) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(row.public_key))


def _context(fp: str) -> bytes:
    return f"{ENVELOPE_CONTEXT}:{fp}".encode("ascii")


def create(session: Session, name: str, passphrase: str, *, now: dt.datetime) -> Installation:
    """Make this installation's exchange key (once); it stays unlocked in this process."""
    if own(session) is not None:
        raise InvalidInput(_("本机已有数据交换密钥"))
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写本机名称（例如“城关派出所值班室”）"))
    check_passphrase(passphrase)
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    fp = fingerprint(public)
    from cryptography.hazmat.primitives import serialization

    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    row = Installation(name=name[:200], fingerprint=fp, public_key=base64.b64encode(raw_public(public)).decode(),
                       private_key=seal(raw, passphrase, _context(fp)), own=True, trusted=True, created_at=now)
    session.add(row)
    session.flush()
    with _GUARD:
        _UNLOCKED[fp] = key
    return row


def unlock(session: Session, passphrase: str) -> Installation:
    row = own(session)
    if row is None or row.private_key is None:
        raise InvalidInput(_("本机还没有数据交换密钥，请管理员先在“数据交换”页创建"))
    raw = unseal(row.private_key, passphrase, _context(row.fingerprint))
    with _GUARD:
        _UNLOCKED[row.fingerprint] = Ed25519PrivateKey.from_private_bytes(raw)
    return row


def forget() -> None:
    with _GUARD:
        _UNLOCKED.clear()


def signing_key(session: Session) -> tuple[Installation, Ed25519PrivateKey]:
    """This installation and its unlocked key, or ExchangeKeyLocked."""
    row = own(session)
    if row is None:
        raise ExchangeKeyLocked(_("本机还没有数据交换密钥，请管理员先在“数据交换”页创建"))
    with _GUARD:
        key = _UNLOCKED.get(row.fingerprint)
    if key is None:
        raise ExchangeKeyLocked(_("请先输入数据交换密钥的口令（解锁后才能导出数据包）"))
    return row, key


def is_unlocked(session: Session) -> bool:
    row = own(session)
    with _GUARD:
        return row is not None and row.fingerprint in _UNLOCKED


def trust(session: Session, name: str, public_b64: str, *, actor_id: int | None, now: dt.datetime) -> Installation:
    """Trust the installation with this public key (base64 of its 32 bytes) under ``name``."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
    except (ValueError, TypeError) as exc:
        raise InvalidInput(_("不是有效的数据交换公钥：{e}", e=exc)) from None
    fp = fingerprint(public)
    row = session.scalar(select(Installation).where(Installation.fingerprint == fp))
    if row is not None and row.own:
        raise InvalidInput(_("这是本机自己的密钥"))
    if row is None:
        row = Installation(name=name.strip()[:200] or grouped(fp)[:19], fingerprint=fp,
                           public_key=base64.b64encode(raw_public(public)).decode(), own=False, created_at=now)
        session.add(row)
    row.trusted, row.trusted_by, row.trusted_at = True, actor_id, now
    if name.strip():
        row.name = name.strip()[:200]
    session.flush()
    return row


def trusted(session: Session, fp: str) -> Installation | None:
    return session.scalar(select(Installation).where(Installation.fingerprint == fp, Installation.trusted,
                                                     ~Installation.own))


def installations(session: Session) -> list[Installation]:
    return list(session.scalars(select(Installation).order_by(Installation.own.desc(), Installation.name)))
