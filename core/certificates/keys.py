# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The unit's certificate signing key: Ed25519, its private half encrypted at rest.

Stored in ``signing_keys``: the public key and its fingerprint in clear, the private key only
as the envelope :func:`seal` writes:

* the key is derived from an administrator's passphrase with Argon2id (RFC 9106's second
  recommended parameters: 64 MiB, 3 passes, 4 lanes) and a random 16-byte salt;
* the 32-byte private key is encrypted with AES-256-GCM under a random 96-bit nonce, the key's
  fingerprint as associated data (an envelope copied onto another key's row does not open).

Not ``serialization.BestAvailableEncryption``: for PKCS#8 it writes PBES2 with PBKDF2-SHA256 at
OpenSSL's default 2,048 iterations and AES-CBC, a cost that cannot be raised, so whoever copies
the database or a backup could try passphrases at GPU speed. Argon2id makes every guess cost
64 MiB and about 0.3 s, and GCM tells a wrong passphrase from a damaged envelope.

An unlocked key lives in this process only (by fingerprint, never in the database): an
administrator or secretary unlocks it with the passphrase to print or issue, the GUI forgets it
at logout. Verifying needs the public key alone. Setting up the first key countersigns every
older (SHC1, HMAC) certificate with it and deletes the HMAC key from ``secrets``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from core.certificates.codes import keep_code
from core.certificates.signing import LEGACY_KEY_NAME, legacy_ok, sign
from core.infra import audit
from core.models import Certificate, Secret, SigningKey

MIN_PASSPHRASE = 8
ENVELOPE = "studyhall-signing-key-1"
KDF = {"memory_kib": 64 * 1024, "iterations": 3, "lanes": 4}
PEM_RE = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)

_UNLOCKED: dict[str, Ed25519PrivateKey] = {}
_GUARD = threading.Lock()


class KeyLocked(InvalidInput):
    """Certificates need signing and this process holds no unlocked key (``needs_setup``: there is
    no key that can sign at all, an administrator must set one up)."""

    def __init__(self, message: str, *, needs_setup: bool = False) -> None:
        super().__init__(message)
        self.needs_setup = needs_setup


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """The signing key as the certificates page shows it."""

    fingerprint: str              # grouped (ABCD-EF01-…); "" when no key is set up
    created_at: dt.datetime | None
    can_sign: bool                # its encrypted private key is in this database
    unlocked: bool                # unlocked in this process
    retired: int                  # older keys, kept to verify what they signed
    unsigned: int                 # valid certificates waiting to be signed (within the actor's reach)
    legacy_key: bool              # the old SHC1 HMAC key is still in the database (no key set up yet)

    @property
    def present(self) -> bool:
        return bool(self.fingerprint)


# --- fingerprints and public keys ---------------------------------------------------------------

def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    """32 hex digits (128 bits) of SHA-256 over the raw public key."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:32].upper()


def grouped(fp: str) -> str:
    """``ABCD-EF01-…``: easy to read out and compare."""
    return "-".join(fp[i:i + 4] for i in range(0, len(fp), 4))


@functools.lru_cache(maxsize=64)
def _public_from_text(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def public_key_of(row: SigningKey) -> Ed25519PublicKey:
    return _public_from_text(row.public_key)


def public_key_file(row: SigningKey, unit: str) -> str:
    """The public key as a PEM file with a readable header (what a higher unit verifies with)."""
    pem = public_key_of(row).public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return (f"StudyHall certificate public key (Ed25519)\nUnit: {unit}\n"
            f"Fingerprint: {grouped(fingerprint(public_key_of(row)))}\n"
            f"Created: {row.created_at.date().isoformat()}\n\n{pem}")


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from an exported file (PEM, with or without its header lines)."""
    match = PEM_RE.search(text)
    try:
        key = serialization.load_pem_public_key(match.group(0).encode("ascii")) if match else None
    except (ValueError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(_("这不是 StudyHall 导出的证书公钥文件（需要 Ed25519 公钥）"))
    return key


# --- the envelope -----------------------------------------------------------------------------

def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    return Argon2id(salt=salt, length=32, iterations=params["iterations"], lanes=params["lanes"],
                    memory_cost=params["memory_kib"]).derive(passphrase.encode("utf-8"))


def seal(secret: bytes, passphrase: str, context: bytes) -> str:
    """``secret`` encrypted under ``passphrase`` (Argon2id + AES-256-GCM), as JSON text."""
    salt, nonce = os.urandom(16), os.urandom(12)
    box = AESGCM(_derive(passphrase, salt, KDF)).encrypt(nonce, secret, context)
    enc = base64.b64encode
    return json.dumps({"format": ENVELOPE, "kdf": "argon2id", **KDF, "salt": enc(salt).decode(),
                       "cipher": "aes-256-gcm", "nonce": enc(nonce).decode(), "data": enc(box).decode()})


def unseal(envelope: str, passphrase: str, context: bytes) -> bytes:
    """The secret back; InvalidInput for a wrong passphrase (or an envelope that was altered)."""
    try:
        env = json.loads(envelope)
        if env.get("format") != ENVELOPE:
            raise ValueError(env.get("format"))
        params = {k: int(env[k]) for k in KDF}
        salt, nonce, data = (base64.b64decode(env[k]) for k in ("salt", "nonce", "data"))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise InvalidInput(_("签名密钥的存储格式不对，无法解锁")) from exc
    try:
        return AESGCM(_derive(passphrase, salt, params)).decrypt(nonce, data, context)
    except InvalidTag as exc:
        raise InvalidInput(_("口令不对，签名密钥没有解锁")) from exc


def _context(fp: str) -> bytes:
    return f"{ENVELOPE}:{fp}".encode("ascii")


# --- keys unlocked in this process ---------------------------------------------------------------

def _hold(key: Ed25519PrivateKey) -> None:
    with _GUARD:
        _UNLOCKED[fingerprint(key.public_key())] = key


def forget_unlocked(row: SigningKey | None = None) -> None:
    """Lock ``row``'s key, or every key this process holds (logout, the 锁定 button)."""
    with _GUARD:
        if row is None:
            _UNLOCKED.clear()
        else:
            _UNLOCKED.pop(fingerprint(public_key_of(row)), None)


def _held(fp: str) -> Ed25519PrivateKey | None:
    with _GUARD:
        return _UNLOCKED.get(fp)


@dataclass(frozen=True, slots=True)
class Signer:
    key_id: int
    key: Ed25519PrivateKey

    def sign(self, serial: str, version: int, fields: dict[str, object]) -> str:
        return sign(self.key, serial, version, fields)


def active_key(session: Session) -> SigningKey | None:
    return session.scalar(select(SigningKey).where(SigningKey.status == "active")
                          .order_by(SigningKey.id.desc()).limit(1))


def signer(session: Session) -> Signer | None:
    """The active key when this process has it unlocked, else None (certificates stay unsigned)."""
    row = active_key(session)
    if row is None:
        return None
    key = _held(fingerprint(public_key_of(row)))
    return None if key is None else Signer(row.id, key)


def require_signer(session: Session, pending: int) -> Signer:
    """The signer for ``pending`` unsigned certificates, or KeyLocked saying what to do."""
    found = signer(session)
    if found is not None:
        return found
    row = active_key(session)
    if row is None or row.private_key is None:
        raise KeyLocked(_("有 {n} 份证书尚未签名，但还没有可用的证书签名密钥：请管理员在“证书 → 签名密钥”中设置",
                          n=pending), needs_setup=True)
    raise KeyLocked(_("有 {n} 份证书尚未签名：请书记或管理员输入证书签名密钥的口令解锁后再打印", n=pending))


def legacy_key(session: Session) -> bytes | None:
    """The old SHC1 HMAC key, while it is still in the database."""
    row = session.get(Secret, LEGACY_KEY_NAME)
    return None if row is None else base64.b64decode(row.value)


# --- setting up, unlocking, changing the passphrase --------------------------------------------

def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(_("口令至少 {n} 个字符", n=MIN_PASSPHRASE))


def _endorse_legacy(session: Session, new: Signer) -> int:
    """Countersign every older certificate whose HMAC checks; its SHC1 signature is kept for the
    QR codes already printed. Returns how many; the HMAC key is then deleted."""
    key = legacy_key(session)
    if key is None:
        return 0
    count = 0
    older = session.scalars(select(Certificate).where(Certificate.key_id.is_(None), Certificate.signature != ""))
    for row in older.all():
        if legacy_ok(key, row.serial, row.version, row.fields or {}, row.signature):
            row.legacy_signature = row.signature
            row.signature = new.sign(row.serial, row.version, row.fields or {})
            row.key_id = new.key_id
            keep_code(row)
            count += 1
    secret = session.get(Secret, LEGACY_KEY_NAME)
    if secret is not None:
        session.delete(secret)
    session.flush()
    return count


def create_key(session: Session, passphrase: str, *, now: dt.datetime, actor_id: int | None = None) -> SigningKey:
    """A new active key (the previous one retires and keeps verifying); unlocked in this process."""
    old = active_key(session)
    if old is not None:
        old.status, old.retired_at = "retired", now
    key = Ed25519PrivateKey.generate()
    fp = fingerprint(key.public_key())
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    row = SigningKey(fingerprint=fp, public_key=base64.b64encode(raw_public(key.public_key())).decode("ascii"),
                     private_key=seal(raw, passphrase, _context(fp)), status="active", created_at=now)
    session.add(row)
    session.flush()
    _hold(key)
    endorsed = _endorse_legacy(session, Signer(row.id, key))
    audit.record(session, "cert.key.create", actor_id=actor_id, target_type="signing_key", target_id=grouped(fp),
                 replaced=grouped(old.fingerprint) if old is not None else "", endorsed=endorsed)
    return row


def _private(row: SigningKey, passphrase: str) -> Ed25519PrivateKey:
    if row.private_key is None:
        raise InvalidInput(_("本数据库只有签名公钥（从不含密钥的备份恢复），不能签名：请管理员设置新的签名密钥，"
                             "或恢复含密钥的备份"))
    fp = fingerprint(public_key_of(row))
    key = Ed25519PrivateKey.from_private_bytes(unseal(row.private_key, passphrase, _context(fp)))
    if fingerprint(key.public_key()) != fp:
        raise InvalidInput(_("签名密钥与它的公钥不符，数据库中的密钥记录被改动过"))
    return key


def _active_or_refuse(session: Session) -> SigningKey:
    row = active_key(session)
    if row is None:
        raise InvalidInput(_("还没有设置证书签名密钥：请管理员在“证书 → 签名密钥”中设置"))
    return row


def unlock(session: Session, passphrase: str, *, actor_id: int | None = None) -> SigningKey:
    """Unlock the active key for this process."""
    row = _active_or_refuse(session)
    _hold(_private(row, passphrase))
    audit.record(session, "cert.key.unlock", actor_id=actor_id, target_type="signing_key",
                 target_id=grouped(row.fingerprint))
    return row


def change_passphrase(session: Session, old: str, new: str, *, actor_id: int | None = None) -> SigningKey:
    row = _active_or_refuse(session)
    key = _private(row, old)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    row.private_key = seal(raw, new, _context(fingerprint(key.public_key())))
    session.flush()
    audit.record(session, "cert.key.passphrase", actor_id=actor_id, target_type="signing_key",
                 target_id=grouped(row.fingerprint))
    return row


def key_info(session: Session, *, unsigned: int) -> KeyInfo:
    row = active_key(session)
    retired = len(session.scalars(select(SigningKey.id).where(SigningKey.status == "retired")).all())
    has_legacy = legacy_key(session) is not None
    if row is None:
        return KeyInfo("", None, False, False, retired, unsigned, has_legacy)
    fp = fingerprint(public_key_of(row))
    return KeyInfo(grouped(fp), row.created_at, row.private_key is not None, _held(fp) is not None, retired,
                   unsigned, has_legacy)
