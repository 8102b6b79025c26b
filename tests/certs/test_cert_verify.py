# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Verification of serials, QR texts and PDF files: genuine, revoked, superseded, unknown, forged."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from core.certificates.batch import page_for_serial
from core.certificates.issue import list_certificates, reissue, revoke
from core.certificates.render import render_one
from core.certificates.signing import parse_payload
from core.certificates.verify import verify, verify_pdf
from core.models import Certificate

needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")


def _issued(world, submit) -> tuple[str, str]:
    """(serial, qr text) of a certificate for 张晓燕."""
    submit("100001", 88, True)
    with world.db.transaction() as s:
        serial = list_certificates(s)[0].serial
        return serial, page_for_serial(s, serial).payload


def test_genuine_by_serial_and_by_qr_text(world, submit) -> None:
    serial, qr = _issued(world, submit)
    with world.db.transaction() as s:
        for text in (serial, serial.lower(), f"  {serial}\n", qr):
            v = verify(s, text)
            assert v.status == "genuine", (text, v)
            assert (v.name, v.badge, v.exam, v.score, v.date) == (
                "张晓燕", "100001", "道路交通安全法规季度考试", "88", "2026-11-02")
            assert "真实有效" in v.summary()


@pytest.mark.parametrize(("field", "status"), [
    ("badge", "forged"), ("score", "forged"), ("date", "forged"), ("version", "forged"), ("signature", "forged"),
    ("serial", "unknown"),
])
def test_tampered_qr_payload_is_rejected(world, submit, field: str, status: str) -> None:
    _, qr = _issued(world, submit)
    payload = parse_payload(qr)
    assert payload is not None
    changed = {"badge": "100009", "score": "98", "date": "2026-11-03", "version": 2,
               "serial": payload.serial[:-1] + ("0" if payload.serial[-1] != "0" else "1"),
               "signature": ("B" if payload.signature[0] == "A" else "A") + payload.signature[1:]}[field]
    forged = dataclasses.replace(payload, **{field: changed}).text()
    with world.db.transaction() as s:
        assert verify(s, forged).status == status


def test_qr_text_is_ascii_for_usb_scanners(world, submit) -> None:
    _, qr = _issued(world, submit)
    assert qr.isascii() and qr.startswith("SHC2:") and len(qr.split(":")[-1]) == 103


def test_signed_elsewhere_or_malformed(world, submit) -> None:
    _, qr = _issued(world, submit)
    with world.db.transaction() as s:
        assert verify(s, qr.replace(":", ":X", 1)).status in {"forged", "unknown"}
        assert verify(s, "SHC2:garbage").status == "forged"
        assert verify(s, "LJ-2026-ZZZZZZZZ").status == "unknown"
        assert verify(s, "hello world").status == "unknown"


def test_database_row_altered_is_forged(world, submit) -> None:
    serial, _ = _issued(world, submit)
    with world.db.transaction() as s:
        row = s.query(Certificate).filter_by(serial=serial).one()
        row.fields = dict(row.fields, score="100")
    with world.db.transaction() as s:
        assert verify(s, serial).status == "forged"


def test_revoked_and_superseded(world, submit) -> None:
    serial, old_qr = _issued(world, submit)
    with world.db.transaction() as s:
        reissue(s, serial, clock=world.clock)
    with world.db.transaction() as s:
        new_qr = page_for_serial(s, serial).payload
        old = verify(s, old_qr)
        assert old.status == "superseded" and old.version == 1 and old.current_version == 2
        assert verify(s, new_qr).status == "genuine"
        assert verify(s, serial).status == "genuine"
        revoke(s, serial, reason="违纪", clock=world.clock)
    with world.db.transaction() as s:
        for text in (serial, new_qr):
            v = verify(s, text)
            assert v.status == "revoked" and v.revoked_reason == "违纪" and "违纪" in v.summary()
        assert verify(s, old_qr).status == "superseded"


def _pdf(world, serial: str, tmp_path: Path, **altered: str) -> Path:
    with world.db.transaction() as s:
        page = page_for_serial(s, serial)
    page.fields.update(altered)            # change what is printed, keep the signed payload
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / f"{serial}.pdf"
    path.write_bytes(render_one(page)[0])
    return path


def test_pdf_genuine_and_altered_text(world, submit, tmp_path: Path) -> None:
    serial, _ = _issued(world, submit)
    good = _pdf(world, serial, tmp_path)
    with world.db.transaction() as s:
        assert [v.status for v in verify_pdf(s, good)] == ["genuine"]
        assert verify(s, str(good)).status == "genuine"
    bad = _pdf(world, serial, tmp_path / "x", name="张晓艳")
    with world.db.transaction() as s:
        v = verify(s, str(bad))
        assert v.status == "forged" and "姓名" in v.reason
    bad_score = _pdf(world, serial, tmp_path / "y", score="98")
    with world.db.transaction() as s:
        assert verify(s, str(bad_score)).status == "forged"
        assert verify(s, str(tmp_path / "missing.pdf")).status == "unknown"


@needs_pdftoppm
def test_pdf_whose_qr_differs_from_its_text_is_forged(world, submit, tmp_path: Path) -> None:
    """Another certificate's QR pasted onto a page: the text layer and the picture disagree."""
    from core.certificates.qr import qr_matrix
    from core.certificates.render import PdfCanvas

    _, qr_a = _issued(world, submit)
    submit("100002", 77, True)
    with world.db.transaction() as s:
        serial_b = next(c.serial for c in list_certificates(s) if c.badge == "100002")
        page = page_for_serial(s, serial_b)
    path = tmp_path / "mixed.pdf"
    pdf = PdfCanvas(path)
    layout = page.layout()
    layout.qr_matrix = qr_matrix(qr_a)
    pdf.draw(layout, page.seal_png)
    pdf.save()
    with world.db.transaction() as s:
        v = verify(s, str(path))
        assert v.status == "forged" and "二维码" in v.reason
        # The same page with its own QR is genuine.
        good = tmp_path / "good.pdf"
        good.write_bytes(render_one(page)[0])
        assert verify(s, str(good)).status == "genuine"
