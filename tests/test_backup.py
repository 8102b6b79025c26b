# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Backup and restore give back every row, on SQLite and PostgreSQL, and a bad file changes nothing;
secrets stay out of a backup unless asked for, and a restore keeps the key material that is its own."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput
from core import demo
from core.admin.backup import backup, restore
from core.certificates import usecases as cert
from core.demo import DEMO_PASSWORD
from core.infra.db import Database
from core.models import Officer, QuestionRow, Unit
from core.people.org import add_unit
from core.people.users import add_user
from tests.conftest import DEMO_ADMIN, actor_of


def _counts(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Officer, QuestionRow, Unit)}


def test_round_trip_and_ids_continue(demo_db: Database, tmp_path: Path) -> None:
    before = _counts(demo_db)
    target = tmp_path / "backup.zip"
    rows = backup(demo_db, target)
    assert rows["officers"] == before["officers"] and rows["questions"] == before["questions"]
    with demo_db.transaction() as s:
        add_unit(s, "TMP", "临时支部", "branch")
    restored = restore(demo_db, target)
    assert restored == rows and _counts(demo_db) == before
    with demo_db.transaction() as s:  # sequences continue after restored ids (PostgreSQL)
        add_unit(s, "NEW", "新支部", "branch")
        add_user(s, badge="990099", name="新人", unit="NEW", password_hash="x")
    # The backup left the signing key's private part out; restored here, this database keeps its own.
    assert _rows(target, "signing_keys")[0]["private_key"] is None
    admin = actor_of(demo_db, DEMO_ADMIN)
    assert cert.key_status(demo_db, admin).can_sign
    assert cert.unlock_signing_key(demo_db, admin, DEMO_PASSWORD).unlocked
    cert.lock_signing_key(demo_db, admin)


def test_bad_backup_changes_nothing(demo_db: Database, tmp_path: Path) -> None:
    before = _counts(demo_db)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", '{"studyhall_backup": 1, "revision": "other", "tables": []}')
    with pytest.raises(InvalidInput, match="版本"):
        restore(demo_db, bad)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="junk.zip"):
        restore(demo_db, tmp_path / "junk.zip")
    assert _counts(demo_db) == before


# --- secrets -------------------------------------------------------------------------------------

def _rows(path: Path, table: str) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as zf:
        return [json.loads(line) for line in zf.read(f"{table}.jsonl").decode("utf-8").splitlines()]


def _serials(db: Database) -> list[str]:
    from core.certificates.issue import list_certificates

    with db.transaction() as s:
        return [c.serial for c in list_certificates(s)]


def test_secrets_only_when_asked_and_a_restore_elsewhere_signs_only_with_them(demo_db: Database,
                                                                             tmp_path: Path) -> None:
    from core.certificates.verify import verify
    from core.models import SigningKey

    with demo_db.transaction() as s:
        key = s.scalars(select(SigningKey)).one()
        envelope, public = key.private_key, key.public_key
    plain, secret = tmp_path / "plain.zip", tmp_path / "secret.zip"
    backup(demo_db, plain)
    backup(demo_db, secret, with_secrets=True)
    assert [(r["public_key"], r["private_key"]) for r in _rows(plain, "signing_keys")] == [(public, None)]
    assert [(r["public_key"], r["private_key"]) for r in _rows(secret, "signing_keys")] == [(public, envelope)]
    assert _rows(plain, "secrets") == _rows(secret, "secrets") == []
    with zipfile.ZipFile(plain) as zf:
        assert json.loads(zf.read("manifest.json"))["secrets"] == "none"
        assert envelope is not None and all(envelope.encode() not in zf.read(n) for n in zf.namelist())
    serials = _serials(demo_db)
    demo.reset(demo_db)                                        # another PC's empty database
    restore(demo_db, plain)
    admin = actor_of(demo_db, DEMO_ADMIN)
    info = cert.key_status(demo_db, admin)
    assert info.present and not info.can_sign
    with demo_db.transaction() as s:                           # the public key came along
        assert all(verify(s, serial).status in ("genuine", "revoked") for serial in serials)
    with pytest.raises(InvalidInput, match="只有签名公钥"):
        cert.unlock_signing_key(demo_db, admin, DEMO_PASSWORD)
    new = cert.set_up_signing_key(demo_db, admin, "a passphrase of this PC")
    assert new.can_sign and new.retired == 1 and new.fingerprint != info.fingerprint
    cert.lock_signing_key(demo_db, admin)
    with demo_db.transaction() as s:
        assert all(verify(s, serial).status in ("genuine", "revoked") for serial in serials)

    demo.reset(demo_db)
    restore(demo_db, secret)
    admin = actor_of(demo_db, DEMO_ADMIN)
    assert cert.key_status(demo_db, admin).can_sign
    assert cert.unlock_signing_key(demo_db, admin, DEMO_PASSWORD).fingerprint == info.fingerprint
    cert.lock_signing_key(demo_db, admin)
