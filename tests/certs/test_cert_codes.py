# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Kept QR codes (core/certificates/codes.py): made when signed, used only for the text they encode,
and printed as an image a scanner reads back to a signature that checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

import core.certificates.codes as codes
from core.certificates import usecases as cert
from core.certificates.batch import Selection
from core.certificates.issue import reissue
from core.certificates.qr import qr_matrix
from core.certificates.verify import decode_qr_pages, verify_pdf
from core.models import Certificate
from tests.certs.conftest import ADMIN

needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")


def _rows(world) -> list[Certificate]:
    with world.db.transaction() as s:
        return list(s.scalars(select(Certificate).where(Certificate.status == "valid").order_by(Certificate.serial)))


def test_issuing_and_reissuing_keep_the_code_of_the_signed_text(world, submit) -> None:
    submit("100001", 88, True)
    submit("100002", 91, True)
    rows = _rows(world)
    assert len(rows) == 2
    for row in rows:
        text = codes.qr_payload(row).text()
        assert codes.stored(row.qr_code, text) == qr_matrix(text)
    with world.db.transaction() as s:
        reissue(s, rows[0].serial, clock=world.clock, reason="更正", score="90")
    (new,) = [r for r in _rows(world) if r.serial == rows[0].serial]
    assert new.version == 2
    text = codes.qr_payload(new).text()
    assert codes.stored(new.qr_code, text) == qr_matrix(text)
    assert codes.stored(rows[0].qr_code, text) is None          # the old version's code is not this one's


@needs_pdftoppm
def test_printing_draws_the_kept_codes_and_they_scan_to_genuine_certificates(world, submit, tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    submit("100001", 88, True)
    submit("100002", 91, True)
    texts = [codes.qr_payload(r).text() for r in _rows(world)]

    def no_encoding(text: str) -> None:
        raise AssertionError("printing encoded a code it keeps")

    monkeypatch.setattr(codes, "qr_matrix", no_encoding)
    target = tmp_path / "certs.pdf"
    cert.print_certificates(world.db, world.actor(ADMIN), Selection(), target)
    monkeypatch.undo()
    scanned = decode_qr_pages(target, 2)
    assert scanned is not None and sorted(t for page in scanned for t in page) == sorted(texts)
    with world.db.transaction() as s:
        verdicts = verify_pdf(s, target)
    assert [v.status for v in verdicts] == ["genuine", "genuine"]


@needs_pdftoppm
def test_a_code_kept_for_another_text_is_never_printed(world, submit, tmp_path: Path) -> None:
    submit("100001", 88, True)
    submit("100002", 91, True)
    first, second = _rows(world)
    with world.db.transaction() as s:         # e.g. a restored backup: first's row holds second's code
        row = s.get(Certificate, first.id)
        assert row is not None
        row.qr_code = second.qr_code
    target = tmp_path / "certs.pdf"
    cert.print_certificates(world.db, world.actor(ADMIN), Selection(), target)
    scanned = decode_qr_pages(target, 2)
    assert scanned is not None
    assert sorted(t for page in scanned for t in page) == sorted(codes.qr_payload(r).text() for r in (first, second))
