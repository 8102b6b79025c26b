# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Batch printing to one PDF, a folder and a zip; progress, cancel; the ``cert`` CLI."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from base.errors import InvalidInput
from base.progress import Cancelled, CancelToken
from core.certificates import usecases as cert
from core.certificates.batch import BatchResult, Selection
from tests.certs.conftest import ADMIN, PASSWORD


@pytest.fixture
def issued(world, submit):
    submit("100001", 88, True, days_ago=10)
    submit("100002", 71, True, days_ago=5)
    submit("100003", 93, True, days_ago=1)      # branch b
    submit("100005", 20, False)
    return world


def print_batch(world, sel: Selection, target: Path, **kw) -> BatchResult:
    """Batch printing as an administrator (the use case the GUI and the CLI call)."""
    return cert.print_certificates(world.db, world.actor(ADMIN), sel, target, **kw)


def _names(pdf_bytes: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    return [next(n for n in ("张晓燕", "李建国", "王芳") if n in p.extract_text()) for p in reader.pages]


def test_one_pdf_for_a_unit_subtree_with_progress(issued, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = tmp_path / "out" / "branch.pdf"
    result = print_batch(issued, Selection(quiz_id=issued.quiz_id, unit_id=issued.units["a"]), out,
                         progress=lambda d, t, _label: seen.append((d, t)))
    assert result.count == 2 and result.mode == "pdf" and out.is_file()
    assert sorted(_names(out.read_bytes())) == ["张晓燕", "李建国"]
    assert seen[-1] == (2, 2)
    everyone = print_batch(issued, Selection(unit_id=issued.units["root"]), tmp_path / "all.pdf")
    assert everyone.count == 3
    assert not list(tmp_path.glob("**/*.part"))


def test_date_range(issued, tmp_path: Path) -> None:
    import datetime as dt

    since = dt.date(2026, 10, 26)       # the fake clock is 2026-11-02
    result = print_batch(issued, Selection(since=since), tmp_path / "recent.pdf")
    assert sorted(_names((tmp_path / "recent.pdf").read_bytes())) == ["李建国", "王芳"]
    assert result.count == 2


def test_folder_and_zip_one_file_per_person(issued, tmp_path: Path) -> None:
    folder = tmp_path / "certs"
    result = print_batch(issued, Selection(quiz_id=issued.quiz_id), folder)
    files = sorted(p.name for p in folder.iterdir())
    assert result.mode == "dir" and len(files) == 3 and all(f.endswith(".pdf") for f in files)
    assert any("张晓燕" in f for f in files)
    for f in folder.iterdir():
        assert len(_names(f.read_bytes())) == 1
    zpath = tmp_path / "certs.zip"
    print_batch(issued, Selection(quiz_id=issued.quiz_id), zpath)
    with zipfile.ZipFile(zpath) as zf:
        assert sorted(zf.namelist()) == files
        assert _names(zf.read(files[0]))


def test_cancel_leaves_nothing_and_empty_selection_refused(issued, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    for target in (tmp_path / "x.pdf", tmp_path / "x.zip"):
        with pytest.raises(Cancelled):
            print_batch(issued, Selection(), target, cancel=token)
        assert not target.exists()
    with pytest.raises(Cancelled):
        print_batch(issued, Selection(), tmp_path / "dir", cancel=token)
    assert list((tmp_path / "dir").iterdir()) == []
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(InvalidInput):
        print_batch(issued, Selection(quiz_id=9999), tmp_path / "none.pdf")


def test_cli_list_print_verify_revoke_reissue(issued, tmp_path: Path, capsys, monkeypatch) -> None:
    from cli import run

    monkeypatch.setenv("STUDYHALL_PASSWORD", PASSWORD)
    url = ["--db", issued.db.url]                   # verifying needs no login
    login = [*url, "--user", ADMIN]
    assert run(["cert", "list", "--json", *login]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and {r["status"] for r in rows} == {"valid"}
    serial = next(r["serial"] for r in rows if r["badge"] == "100001")
    out = tmp_path / "a.pdf"
    assert run(["cert", "print", "--quiz", str(issued.quiz_id), "--unit", "LJA", "--out", str(out), *login]) == 0
    assert "2" in capsys.readouterr().out and out.is_file()
    assert run(["cert", "verify", str(out), "--json", *url]) == 0
    assert [v["status"] for v in json.loads(capsys.readouterr().out)] == ["genuine", "genuine"]
    assert run(["cert", "reissue", serial, *login]) == 0
    capsys.readouterr()
    assert run(["cert", "verify", serial, "--json", *url]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 2
    assert run(["cert", "revoke", serial, "--reason", "违纪", *login]) == 0
    capsys.readouterr()
    assert run(["cert", "verify", serial, "--json", *url]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "revoked"
    assert run(["cert", "verify", "LJ-2026-00000000", *url]) == 1
    assert "查无此证" in capsys.readouterr().out
    assert run(["cert", "issue", "--badge", "100004", "--exam", "知识竞赛", "--score", "99", "--award", "一等奖",
                "--json", *login]) == 0
    honour = json.loads(capsys.readouterr().out)[0]
    assert honour["kind"] == "honour" and honour["award"] == "一等奖" and honour["name"] == "赵𪚥"


def test_batch_pdfs_embed_every_font_and_are_readable_by_others(issued, tmp_path: Path) -> None:
    import os
    import stat

    from tests.pdf_fonts import unembedded_fonts

    old = os.umask(0o022)
    try:
        out = tmp_path / "all.pdf"
        print_batch(issued, Selection(unit_id=issued.units["root"]), out)
        packed = tmp_path / "all.zip"
        print_batch(issued, Selection(unit_id=issued.units["root"]), packed)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644        # printed files are the user's, like any saved file
    assert stat.S_IMODE(packed.stat().st_mode) == 0o644
    assert unembedded_fonts(out) == []                       # no Helvetica from ReportLab's initial font
    with zipfile.ZipFile(packed) as zf:
        assert all(unembedded_fonts(zf.read(n)) == [] for n in zf.namelist())


def test_printing_reads_the_signed_data_with_the_selection(issued, monkeypatch, tmp_path: Path) -> None:
    """The batch reads each certificate's signed data in the query that selects it (and a
    certificate signed at print time again, after signing): the pages are the ones read
    certificate by certificate, on SQLite and PostgreSQL."""
    from sqlalchemy import select

    from core.certificates import batch
    from core.models import Certificate

    with issued.db.transaction() as s:          # earned on an officer's PC: recorded unsigned
        row = s.scalars(select(Certificate).where(Certificate.status == "valid").order_by(Certificate.serial)).first()
        assert row is not None
        row.signature, row.key_id, row.qr_code = "", None, None
        unsigned = row.serial
    printed: list[list[batch.CertPage]] = []

    def keep(pages: list[batch.CertPage], target: Path, **_kw: object) -> BatchResult:
        printed.append(pages)
        return BatchResult(target, "pdf", len(pages))

    monkeypatch.setattr(batch, "write_batch", keep)
    print_batch(issued, Selection(), tmp_path / "all.pdf")
    with issued.db.transaction() as s:
        expected = batch.cert_pages(s, batch.select_certificates(s, Selection()))

    def seen(pages: list[batch.CertPage]) -> list[tuple[object, ...]]:
        return [(p.serial, p.version, p.fields, p.payload, p.qr.size if p.qr else 0, p.qr.bits if p.qr else b"",
                 p.spec, p.seal_png) for p in pages]

    assert len(expected) == 3 and unsigned in {p.serial for p in expected}
    assert all(p.payload.startswith("SHC2:") for p in expected)      # signed at print time
    assert seen(printed[0]) == seen(expected)
