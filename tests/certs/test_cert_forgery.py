# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A certificate re-signed with anything found in the database or a backup does not verify.

The database starts as every database did before issue 13: an HMAC key in ``secrets`` and an
older (SHC1) certificate. An administrator sets up the Ed25519 key, officers pass exams, and
backups are made without and with secrets. Then every value an attacker could read (each column
of each row of each table, each line of each backup file, everything JSON, base64, base32 or hex
inside them, and the old HMAC key from an older copy) is tried as a signing key: as an HMAC key
(an SHC1 code) and, where it is or starts with 32 bytes, as a raw Ed25519 private key (SHC2).
With each, a certificate is forged (a new one for an officer who never passed, and a genuine
one with its score raised), written into the database as an attacker with a copy of it could,
and checked by serial, by QR code, and offline with the unit's exported public key. Nothing
verifies; the same forgeries signed with the real key do, so the test can fail.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from core.access.actor import ANONYMOUS
from core.admin.backup import backup
from core.certificates import keys
from core.certificates import usecases as cert
from core.certificates.issue import list_certificates
from core.certificates.signing import LEGACY_KEY_NAME, LEGACY_PREFIX, legacy_hmac, payload_for, sign
from core.certificates.verify import Verdict, verify
from core.models import Base, Certificate, Secret
from tests.certs.conftest import ADMIN

FORGED_SERIAL = "LJ-2026-F0RGED00"
EXAM = "道路交通安全法规季度考试"


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _decodings(text: str) -> Iterator[bytes]:
    yield text.encode("utf-8")
    stripped = text.strip().rstrip("=")
    for decode in (lambda t: base64.b64decode(t + "=" * (-len(t) % 4), validate=True),
                   lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)),
                   lambda t: base64.b32decode(t + "=" * (-len(t) % 8)), bytes.fromhex):
        try:
            yield decode(stripped)
        except (binascii.Error, ValueError):
            pass
    try:
        inner = json.loads(text)
    except ValueError:
        return
    if isinstance(inner, dict | list):
        for leaf in _leaves(inner):
            yield from _values(leaf)


def _values(value: Any) -> Iterator[bytes]:
    if value is None:
        return
    if isinstance(value, bytes | bytearray | memoryview):
        yield bytes(value)
    elif isinstance(value, str):
        yield from _decodings(value)
    elif isinstance(value, dict | list):
        for leaf in _leaves(value):
            yield from _values(leaf)
    else:
        yield str(value).encode("utf-8")


def database_values(db: Any) -> set[bytes]:
    found: set[bytes] = set()
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for value in row:
                    found.update(_values(value))
    return found


def backup_values(path: Path) -> set[bytes]:
    found: set[bytes] = set()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            for line in zf.read(name).decode("utf-8").splitlines() or [""]:
                try:
                    found.update(_values(json.loads(line)))
                except ValueError:
                    found.update(_values(line))
    return found


def _ed25519_keys(candidates: set[bytes]) -> list[Ed25519PrivateKey]:
    seeds = {c[:32] for c in candidates if len(c) >= 32}
    return [Ed25519PrivateKey.from_private_bytes(seed) for seed in seeds]


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


class Forger:
    """Writes forged records into the database (as whoever holds a copy could) and checks them."""

    def __init__(self, world: Any, key_id: int, genuine_serial: str, public_key_file: Path) -> None:
        self.world = world
        self.key_id = key_id
        self.genuine_serial = genuine_serial
        self.public_key_file = public_key_file

    def _check(self, fields: dict[str, Any], serial: str, version: int, signature: str, *, ed25519: bool,
               new: bool) -> list[Verdict]:
        db = self.world.db
        with db.sessions() as s:
            if new:
                row = Certificate(serial=serial, version=version, kind="completion", status="valid",
                                  officer_id=self.world.officers["100005"], title="结业证书", fields=fields,
                                  signature=signature, key_id=self.key_id if ed25519 else None,
                                  issued_at=self.world.clock.now())
                s.add(row)
            else:
                row = s.scalars(select(Certificate).where(Certificate.serial == serial)).one()
                row.fields, row.signature = fields, signature
                row.key_id = self.key_id if ed25519 else None
            s.flush()
            qr = payload_for(serial, version, fields, signature, "SHC2" if ed25519 else LEGACY_PREFIX).text()
            verdicts = [verify(s, serial), verify(s, qr)]
            s.rollback()
        if ed25519:
            verdicts.append(cert.verify_with_public_key(db, ANONYMOUS, qr, self.public_key_file,
                                                        name=str(fields["name"]), exam=str(fields["exam"])).verdict)
        return verdicts

    def forgeries(self) -> list[tuple[dict[str, Any], str, bool]]:
        """(fields, serial, new record?): a certificate for 陈晨 who never passed; 张晓燕's with 100 points."""
        with self.world.db.transaction() as s:
            genuine = s.scalars(select(Certificate).where(Certificate.serial == self.genuine_serial)).one()
            raised = dict(genuine.fields, score="100")
        fresh = {"name": "陈晨", "badge": "100005", "unit": "交警大队第一党支部", "unit_id": self.world.units["a"],
                 "exam": EXAM, "score": "99", "date": "2026-11-02", "award": ""}
        return [(fresh, FORGED_SERIAL, True), (raised, self.genuine_serial, False)]

    def with_ed25519(self, key: Ed25519PrivateKey) -> list[Verdict]:
        return [v for fields, serial, new in self.forgeries()
                for v in self._check(fields, serial, 1, sign(key, serial, 1, fields), ed25519=True, new=new)]

    def with_hmac(self, key: bytes) -> list[Verdict]:
        return [v for fields, serial, new in self.forgeries()
                for v in self._check(fields, serial, 1, legacy_hmac(key, serial, 1, fields), ed25519=False, new=new)]


def test_nothing_in_the_database_or_a_backup_signs_a_certificate_that_verifies(keyless_world, tmp_path: Path) -> None:
    w = keyless_world
    admin = w.actor(ADMIN)
    # An older database: the HMAC key in `secrets`, one SHC1 certificate (张晓燕).
    hmac_key = b"\x13" * 8 + uuid.uuid4().bytes + b"\x37" * 8
    with w.db.transaction() as s:
        s.add(Secret(name=LEGACY_KEY_NAME, value=base64.b64encode(hmac_key).decode(), created_at=w.clock.now()))
    w.submit("100001", 88, True)
    with w.db.transaction() as s:
        older = s.scalars(select(Certificate)).one()
        older.signature = legacy_hmac(hmac_key, older.serial, 1, older.fields)
        genuine_serial = older.serial
    old_copy = tmp_path / "old-copy.zip"
    backup(w.db, old_copy)                          # made before the key existed: no secrets either

    # Control: before the signing key exists, the HMAC key forges what verifies (the old hole).
    forger = Forger(w, 0, genuine_serial, tmp_path / "none.pem")
    assert any(v.genuine for v in forger.with_hmac(hmac_key)[:2])

    info = cert.set_up_signing_key(w.db, admin, "the unit's own passphrase")
    w.submit("100002", 91, True)                    # signed at submit: the key is unlocked here
    with w.db.transaction() as s:
        real = keys.signer(s)
        assert real is not None
        key_id, real_key = real.key_id, real.key
        assert s.get(Secret, LEGACY_KEY_NAME) is None
        assert {c.signing for c in list_certificates(s)} == {"ed25519"}
    public_file = tmp_path / "unit.pem"
    cert.export_public_key(w.db, admin, public_file)
    without, with_secrets = tmp_path / "plain.zip", tmp_path / "secrets.zip"
    backup(w.db, without)
    backup(w.db, with_secrets, with_secrets=True)

    forger = Forger(w, key_id, genuine_serial, public_file)
    # Controls: the real key forges what verifies, by serial, by QR code and offline.
    assert all(v.genuine for v in forger.with_ed25519(real_key))

    candidates = (database_values(w.db) | backup_values(without) | backup_values(with_secrets)
                  | backup_values(old_copy) | {hmac_key})
    raw = _raw(real_key)
    for spelling in (raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw), raw.hex().encode(),
                     raw.hex().upper().encode()):
        assert not any(spelling in c for c in candidates), "the private key is readable somewhere"
    ed_keys = _ed25519_keys(candidates)
    assert len(candidates) > 100 and len(ed_keys) > 10          # the search saw the data it should
    assert info.fingerprint and any(c.startswith(b"{") and b"argon2id" in c for c in candidates)

    keys.forget_unlocked()                          # the attacker's process holds no unlocked key
    for key in ed_keys:
        verdicts = forger.with_ed25519(key)
        assert not any(v.genuine for v in verdicts), (key, verdicts)
    for candidate in candidates:
        verdicts = forger.with_hmac(candidate)
        assert not any(v.genuine for v in verdicts), (candidate, verdicts)
    with w.db.transaction() as s:                   # and nothing was left behind
        assert verify(s, genuine_serial).genuine and verify(s, FORGED_SERIAL).status == "unknown"
