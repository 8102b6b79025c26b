# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The signing key: set up, unlocked and locked, wrong passphrases; certificates earned unsigned
and signed when printed; the public key exported and used alone; older SHC1 certificates."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from base.errors import InvalidInput, PermissionDenied
from core.access.actor import ANONYMOUS
from core.certificates import keys
from core.certificates import usecases as cert
from core.certificates.batch import Selection, page_for_serial
from core.certificates.issue import CertInfo, list_certificates
from core.certificates.render import render_one
from core.certificates.signing import LEGACY_KEY_NAME, LEGACY_PREFIX, legacy_hmac, payload_for
from core.certificates.verify import Verdict, decode_qr_pages, verify
from core.models import AuditEntry, Certificate, Secret
from tests.certs.conftest import ADMIN, KEY_PASSPHRASE, SECRETARY_A, unlock_test_key

EXAM = "道路交通安全法规季度考试"
GROUPED = re.compile(r"([0-9A-F]{4}-){7}[0-9A-F]{4}")


def _cert(world, badge: str) -> CertInfo:
    with world.db.transaction() as s:
        return next(c for c in list_certificates(s) if c.badge == badge)


def _audit(world, prefix: str) -> list[AuditEntry]:
    with world.db.transaction() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                              .order_by(AuditEntry.id)))


def test_set_up_unlock_lock_and_wrong_passphrase(keyless_world) -> None:
    w = keyless_world
    admin, secretary, officer = w.actor(ADMIN), w.actor(SECRETARY_A), w.actor("100001")
    assert not cert.key_status(w.db, admin).present
    with pytest.raises(PermissionDenied):
        cert.set_up_signing_key(w.db, secretary, "a good passphrase")
    with pytest.raises(InvalidInput, match="至少 8 个字符"):
        cert.set_up_signing_key(w.db, admin, "short")
    info = cert.set_up_signing_key(w.db, admin, "correct horse")
    assert info.present and info.can_sign and info.unlocked and GROUPED.fullmatch(info.fingerprint)
    with pytest.raises(InvalidInput, match="已经设置"):
        cert.set_up_signing_key(w.db, admin, "another passphrase")

    with w.db.transaction() as s:      # the private key is stored only sealed under the passphrase
        row = keys.active_key(s)
        signer = keys.signer(s)
        assert row is not None and signer is not None and row.private_key is not None
        envelope = json.loads(row.private_key)
        assert (envelope["kdf"], envelope["cipher"], envelope["memory_kib"]) == ("argon2id", "aes-256-gcm", 65536)
        raw = signer.key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
        for spelling in (base64.b64encode(raw).decode(), raw.hex(), raw.hex().upper()):
            assert spelling not in row.private_key
        assert keys.grouped(row.fingerprint) == info.fingerprint

    cert.lock_signing_key(w.db, secretary)
    assert not cert.key_status(w.db, secretary).unlocked
    with pytest.raises(InvalidInput, match="口令不对"):
        cert.unlock_signing_key(w.db, secretary, "wrong horse")
    assert not cert.key_status(w.db, secretary).unlocked
    with pytest.raises(PermissionDenied):
        cert.unlock_signing_key(w.db, officer, "correct horse")
    assert cert.unlock_signing_key(w.db, secretary, "correct horse").unlocked
    log = _audit(w, "cert.key.")
    assert [e.action for e in log] == ["cert.key.create", "cert.key.unlock"]
    assert log[0].target_id == info.fingerprint and log[1].actor_id == secretary.user_id


def test_change_passphrase_and_replace_the_key(keyless_world) -> None:
    w = keyless_world
    admin = w.actor(ADMIN)
    first = cert.set_up_signing_key(w.db, admin, "first passphrase")
    with pytest.raises(InvalidInput, match="口令不对"):
        cert.change_key_passphrase(w.db, admin, "not the passphrase", "second passphrase")
    with pytest.raises(InvalidInput, match="至少 8 个字符"):
        cert.change_key_passphrase(w.db, admin, "first passphrase", "2short")
    cert.change_key_passphrase(w.db, admin, "first passphrase", "second passphrase")
    cert.lock_signing_key(w.db, admin)
    with pytest.raises(InvalidInput, match="口令不对"):
        cert.unlock_signing_key(w.db, admin, "first passphrase")
    assert cert.unlock_signing_key(w.db, admin, "second passphrase").fingerprint == first.fingerprint

    w.submit("100001", 88, True)                   # signed with the first key
    second = cert.set_up_signing_key(w.db, admin, "third passphrase", replace=True)
    assert second.fingerprint != first.fingerprint and second.retired == 1 and second.unlocked
    w.submit("100002", 77, True)                   # signed with the second
    serials = _cert(w, "100001").serial, _cert(w, "100002").serial
    with w.db.transaction() as s:
        old, new = (verify(s, serial) for serial in serials)
    assert old.genuine and old.fingerprint == first.fingerprint
    assert new.genuine and new.fingerprint == second.fingerprint


def test_earned_at_submit_unsigned_then_signed_when_printed(world, submit, tmp_path: Path) -> None:
    keys.forget_unlocked()                         # an officer's PC: nobody unlocked the key
    submit("100001", 88, True)
    c = _cert(world, "100001")
    assert c.signing == ""
    with world.db.transaction() as s:
        v = verify(s, c.serial)
        assert v.status == "unsigned" and "未签名" in v.summary() and not v.genuine
        with pytest.raises(InvalidInput, match="尚未签名"):
            page_for_serial(s, c.serial)            # no QR code for an unsigned certificate
    assert cert.key_status(world.db, world.actor(SECRETARY_A)).unsigned == 1
    target = tmp_path / "c.pdf"
    for badge in ("100001", SECRETARY_A):           # the holder, then the branch's secretary
        with pytest.raises(keys.KeyLocked) as locked:
            cert.print_certificates(world.db, world.actor(badge), Selection(serials=(c.serial,)), target)
        assert not locked.value.needs_setup and "1 份" in str(locked.value)
    assert not target.exists() and _cert(world, "100001").signing == ""

    secretary = world.actor(SECRETARY_A)
    cert.unlock_signing_key(world.db, secretary, KEY_PASSPHRASE)
    result = cert.print_certificates(world.db, secretary, Selection(serials=(c.serial,)), target)
    assert result.count == 1 and target.exists() and _cert(world, "100001").signing == "ed25519"
    signed = _audit(world, "cert.sign")
    assert [(e.target_id, e.actor_id) for e in signed] == [(c.serial, secretary.user_id)]
    with world.db.transaction() as s:
        assert verify(s, c.serial).genuine
        assert verify(s, str(target)).genuine
        if shutil.which("pdftoppm"):
            codes = decode_qr_pages(target, 1)
            assert codes is not None and codes[0][0].startswith("SHC2:")
            assert verify(s, codes[0][0]).genuine
    cert.print_certificates(world.db, secretary, Selection(serials=(c.serial,)), target)
    assert len(_audit(world, "cert.sign")) == 1      # signed once


def test_no_key_set_up_printing_asks_for_one(keyless_world, tmp_path: Path) -> None:
    keyless_world.submit("100001", 88, True)
    with pytest.raises(keys.KeyLocked) as locked:
        cert.print_certificates(keyless_world.db, keyless_world.actor(ADMIN), Selection(), tmp_path / "x.pdf")
    assert locked.value.needs_setup and "管理员" in str(locked.value)
    with pytest.raises(InvalidInput, match="还没有设置"):
        cert.unlock_signing_key(keyless_world.db, keyless_world.actor(ADMIN), "anything at all")


def test_issue_and_reissue_sign_only_with_the_key_unlocked(world) -> None:
    secretary = world.actor(SECRETARY_A)
    keys.forget_unlocked()
    info = cert.issue_certificate(world.db, secretary, "100002", exam="警务纪律知识竞赛", score="95", award="一等奖")
    assert info.signing == ""
    unlock_test_key()
    new = cert.reissue(world.db, secretary, info.serial, reason="获奖人姓名更正")
    assert new.version == 2 and new.signing == "ed25519"
    with world.db.transaction() as s:
        assert verify(s, info.serial).genuine


def _pdf(world, serial: str, path: Path, **altered: str) -> Path:
    with world.db.transaction() as s:
        page = page_for_serial(s, serial)
    page.fields.update(altered)            # change what is printed, keep the signed payload
    path.write_bytes(render_one(page)[0])
    return path


def test_public_key_export_and_offline_verification(world, submit, tmp_path: Path) -> None:
    submit("100001", 88, True)
    c = _cert(world, "100001")
    key_file = tmp_path / "unit.pem"
    info = cert.export_public_key(world.db, world.actor("100001"), key_file)   # public: even an officer may
    text = key_file.read_text(encoding="utf-8")
    assert "BEGIN PUBLIC KEY" in text and info.fingerprint in text and "PRIVATE" not in text
    with world.db.transaction() as s:
        qr = page_for_serial(s, c.serial).payload

    def check(what: str, key: Path = key_file, **kw: str) -> Verdict:
        return cert.verify_with_public_key(world.db, ANONYMOUS, what, key, **kw).verdict

    v = check(qr, name="张晓燕", exam=EXAM)
    assert v.genuine and v.fingerprint == info.fingerprint and "撤销" in v.reason and v.score == "88"
    assert check(qr, name=" 张 晓燕", exam=EXAM + " ").genuine          # typed from the paper
    assert check(qr).status == "unverifiable"                           # name and exam are needed
    assert check(qr, name="张晓艳", exam=EXAM).status == "forged"
    assert check(qr.replace(":88:", ":98:"), name="张晓燕", exam=EXAM).status == "forged"
    assert check(c.serial).status == "unverifiable"
    assert check(_pdf(world, c.serial, tmp_path / "good.pdf").as_posix()).genuine
    altered = check(str(_pdf(world, c.serial, tmp_path / "bad.pdf", name="张晓艳")))
    assert altered.status == "forged" and "姓名" in altered.reason

    other = tmp_path / "other.pem"
    other.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert check(qr, other, name="张晓燕", exam=EXAM).status == "forged"
    (tmp_path / "junk.pem").write_text("not a key", encoding="utf-8")
    with pytest.raises(InvalidInput, match="公钥文件"):
        check(qr, tmp_path / "junk.pem", name="张晓燕", exam=EXAM)


def _older_database(w) -> tuple[bytes, str, str]:
    """An HMAC key in `secrets` and 张晓燕's certificate signed with it, as before issue 13:
    (key, serial, SHC1 QR text)."""
    key = bytes(range(32))
    with w.db.transaction() as s:
        s.add(Secret(name=LEGACY_KEY_NAME, value=base64.b64encode(key).decode(), created_at=w.clock.now()))
    w.submit("100001", 88, True)
    with w.db.transaction() as s:
        row = s.scalars(select(Certificate)).one()
        row.signature = legacy_hmac(key, row.serial, 1, row.fields)
        return key, row.serial, payload_for(row.serial, 1, row.fields, row.signature, LEGACY_PREFIX).text()


def test_older_shc1_certificates_keep_verifying(keyless_world, tmp_path: Path) -> None:
    w = keyless_world
    key, serial, old_qr = _older_database(w)
    assert old_qr.startswith("SHC1|")
    with w.db.transaction() as s:
        for text in (serial, old_qr):
            v = verify(s, text)
            assert v.genuine and v.legacy and "旧格式" in v.reason
        assert verify(s, old_qr.replace("|88|", "|98|")).status == "forged"
        assert page_for_serial(s, serial).payload == old_qr          # printed as it always was
    key_file = tmp_path / "unit.pem"

    info = cert.set_up_signing_key(w.db, w.actor(ADMIN), "a new passphrase")
    assert info.unsigned == 0 and not info.legacy_key
    with w.db.transaction() as s:
        row = s.scalars(select(Certificate)).one()
        assert row.key_id is not None and row.legacy_signature == old_qr.rsplit("|", 1)[1]
        assert s.get(Secret, LEGACY_KEY_NAME) is None                # the HMAC key is gone
        old = verify(s, old_qr)                                      # paper printed before still checks
        assert old.genuine and old.legacy and "签名密钥确认" in old.reason
        assert verify(s, serial).genuine and verify(s, serial).fingerprint == info.fingerprint
        new_qr = page_for_serial(s, serial).payload
        assert new_qr.startswith("SHC2:") and verify(s, new_qr).genuine and not verify(s, new_qr).legacy
    assert _audit(w, "cert.key.create")[0].detail["endorsed"] == 1
    cert.export_public_key(w.db, w.actor(ADMIN), key_file)
    offline = cert.verify_with_public_key(w.db, ANONYMOUS, new_qr, key_file, name="张晓燕", exam=EXAM).verdict
    assert offline.genuine
    old_offline = cert.verify_with_public_key(w.db, ANONYMOUS, old_qr, key_file, name="张晓燕", exam=EXAM).verdict
    assert old_offline.status == "unverifiable" and old_offline.legacy

    # An SHC1 record written now, with the old HMAC key from an older copy, is not accepted.
    w.submit("100002", 60, True)
    with w.db.transaction() as s:
        late = next(r for r in s.scalars(select(Certificate)) if r.fields["badge"] == "100002")
        late.signature, late.key_id = legacy_hmac(key, late.serial, 1, late.fields), None
        late_serial = late.serial
    with w.db.transaction() as s:
        assert verify(s, late_serial).status == "unverifiable"
        s.add(Secret(name=LEGACY_KEY_NAME, value=base64.b64encode(key).decode(), created_at=w.clock.now()))
        s.flush()
        assert verify(s, late_serial).status == "forged"


def test_older_certificate_without_its_hmac_key_is_unverifiable(keyless_world) -> None:
    _key, serial, old_qr = _older_database(keyless_world)
    with keyless_world.db.transaction() as s:
        s.delete(s.get(Secret, LEGACY_KEY_NAME))          # e.g. restored from a backup without secrets
    with keyless_world.db.transaction() as s:
        for text in (serial, old_qr):
            v = verify(s, text)
            assert v.status == "unverifiable" and "旧格式" in v.reason


def test_demo_certificates_are_signed_and_the_key_locked(demo_db) -> None:
    from core.demo import DEMO_PASSWORD
    from tests.conftest import DEMO_ADMIN, actor_of

    admin = actor_of(demo_db, DEMO_ADMIN)
    info = cert.key_status(demo_db, admin)
    assert info.present and info.can_sign and not info.unlocked and not info.legacy_key
    with demo_db.transaction() as s:
        certs = list_certificates(s, include_superseded=True)
        assert certs and {c.signing for c in certs} == {"ed25519"}
        assert all(verify(s, c.serial).status in ("genuine", "revoked") for c in certs)
    assert cert.unlock_signing_key(demo_db, admin, DEMO_PASSWORD).unlocked


def test_restore_keeps_the_old_hmac_key_only_where_it_checks(keyless_world, tmp_path: Path) -> None:
    from core.admin.backup import backup, restore

    w = keyless_world
    _key, serial, old_qr = _older_database(w)
    target = tmp_path / "b.zip"
    backup(w.db, target)                                   # the HMAC key stays out of it
    restore(w.db, target)
    with w.db.transaction() as s:                          # this database's own key checks what came back
        assert verify(s, old_qr).genuine
        s.get(Secret, LEGACY_KEY_NAME).value = base64.b64encode(b"another unit's key 0123456789ab").decode()
    restore(w.db, target)                                  # a key that checks nothing restored is dropped
    with w.db.transaction() as s:
        assert s.get(Secret, LEGACY_KEY_NAME) is None and verify(s, serial).status == "unverifiable"


def test_cli_key_commands_print_asks_for_the_passphrase(world, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import run
    from tests.certs.conftest import PASSWORD

    keys.forget_unlocked()                          # a fresh process: nothing unlocked
    monkeypatch.setenv("STUDYHALL_PASSWORD", PASSWORD)
    monkeypatch.delenv("STUDYHALL_KEY_PASSPHRASE", raising=False)
    url = ["--db", world.db.url]
    login = [*url, "--user", SECRETARY_A]
    assert run(["cert", "issue", "--badge", "100002", "--exam", "知识竞赛", "--score", "99", *login]) == 0
    assert "未签名" in capsys.readouterr().out
    out = tmp_path / "c.pdf"
    assert run(["cert", "print", "--out", str(out), *login]) == 1     # no terminal to ask at, no variable
    assert "STUDYHALL_KEY_PASSPHRASE" in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv("STUDYHALL_KEY_PASSPHRASE", "wrong passphrase")
    assert run(["cert", "print", "--out", str(out), *login]) == 1
    assert "口令不对" in capsys.readouterr().err
    monkeypatch.setenv("STUDYHALL_KEY_PASSPHRASE", KEY_PASSPHRASE)
    assert run(["cert", "print", "--out", str(out), *login]) == 0 and out.is_file()
    capsys.readouterr()

    assert run(["cert", "key", "status", "--json", *login]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["unlocked"] and status["unsigned"] == 0 and GROUPED.fullmatch(status["fingerprint"])
    key_file = tmp_path / "unit.pem"
    assert run(["cert", "key", "export", str(key_file), *login]) == 0
    assert status["fingerprint"] in capsys.readouterr().out and key_file.is_file()
    c = _cert(world, "100002")
    with world.db.transaction() as s:
        qr = page_for_serial(s, c.serial).payload
    offline = ["cert", "verify", qr, "--public-key", str(key_file), "--json", *url]
    assert c.name == "李建国"
    assert run([*offline, "--name", "张三", "--exam", "知识竞赛"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "forged"
    assert run([*offline, "--name", c.name, "--exam", "知识竞赛"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "genuine"
    assert run(["cert", "verify", str(out), "--public-key", str(key_file), *url]) == 0
    assert "凭公钥核验" in capsys.readouterr().out

    admin = [*url, "--user", ADMIN]
    monkeypatch.setenv("STUDYHALL_NEW_KEY_PASSPHRASE", "the new passphrase")
    assert run(["cert", "key", "passphrase", *admin]) == 0
    capsys.readouterr()
    monkeypatch.setenv("STUDYHALL_KEY_PASSPHRASE", "the new passphrase")
    assert run(["cert", "key", "setup", "--json", *admin]) == 1          # there is one: --replace
    assert "更换" in capsys.readouterr().err
    backup_file = tmp_path / "b.zip"
    assert run(["db", "backup", str(backup_file), "--with-secrets", "--json", *admin]) == 0
    assert json.loads(capsys.readouterr().out)["with_secrets"] is True
