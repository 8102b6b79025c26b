# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Rendering: text layer, embedded font subsets, QR codes that decode, rare-character warnings."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.certificates.layout import NO_LINE_START, wrap
from core.certificates.qr import _segno_matrix, _zxing_matrix
from core.certificates.render import CertPage, render_one, render_pdf
from core.certificates.signing import payload_for, sign
from core.certificates.templates import DEFAULTS, TemplateSpec, chinese_date, fill, sample_seal

KEY = Ed25519PrivateKey.from_private_bytes(b"k" * 32)
FIELDS = {"name": "张晓燕", "badge": "031245", "unit": "交警大队第一党支部", "exam": "道路交通安全法规季度考试",
          "score": "92", "date": "2026-11-24", "award": "一等奖"}


def _page(spec: TemplateSpec, fields: dict[str, object] = FIELDS, serial: str = "LJ-2026-7K3M9QXH") -> CertPage:
    payload = payload_for(serial, 1, fields, sign(KEY, serial, 1, fields)).text()
    return CertPage(spec, sample_seal(), serial, 1, dict(fields), payload)


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2026, 11, 24), "二〇二六年十一月二十四日"), (dt.date(2030, 1, 1), "二〇三〇年一月一日"),
    (dt.date(2025, 10, 10), "二〇二五年十月十日"), (dt.date(2026, 12, 31), "二〇二六年十二月三十一日"),
    (dt.date(2026, 2, 20), "二〇二六年二月二十日"),
])
def test_chinese_date(day: dt.date, text: str) -> None:
    assert chinese_date(day) == text


def test_fill_keeps_unknown_fields_visible() -> None:
    assert fill("{姓名}：{考试}{未知}", {"姓名": "王芳", "考试": "考核"}) == "王芳：考核{未知}"


def test_wrap_keeps_punctuation_off_line_start() -> None:
    text = "一二三四五六七八九十，一二三四五六七八九十。" * 6
    lines = wrap(text, 18, 18 * 10)
    assert "".join(lines) == text
    assert all(line[0] not in NO_LINE_START for line in lines if line)


def test_template_problems_name_unknown_fields() -> None:
    spec = TemplateSpec(title="结业证书", body="{姓名}{年龄}")
    assert any("{年龄}" in p for p in spec.problems())
    assert DEFAULTS[0][1].problems() == []


@pytest.mark.parametrize(("name", "spec"), DEFAULTS)
def test_pdf_text_and_embedded_subset_fonts(name: str, spec: TemplateSpec) -> None:
    from pypdf import PdfReader

    data, warnings = render_one(_page(spec))
    assert warnings == []
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    for expected in ("张晓燕", "LJ-2026-7K3M9QXH", "道路交通安全法规季度考试", "二〇二六年十一月二十四日",
                     spec.title[0]):
        assert expected in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    # Static parts live in a form XObject; collect fonts from the page and its forms.
    descriptors = []
    for ref in fonts.values():
        font = ref.get_object()
        for desc_font in font.get("/DescendantFonts", [font]):
            desc = desc_font.get_object().get("/FontDescriptor")
            if desc is not None:
                descriptors.append((str(desc_font.get_object()["/BaseFont"]), desc.get_object()))
    assert descriptors
    for base, desc in descriptors:
        assert "/FontFile2" in desc, base          # TrueType outlines embedded
        assert "+" in base, base                   # as a subset (tag+name)
    landscape = spec.orientation == "landscape"
    w, h = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (w > h) == landscape
    assert reader.metadata["/Subject"].startswith("SHC2:LJ-2026-7K3M9QXH:1:031245:92:2026-11-24:")
    assert reader.metadata["/Subject"].isascii()


def _render_png(pdf: Path, tmp: Path, dpi: int = 110) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(tmp / "p")], check=True, capture_output=True)
    return sorted(tmp.glob("p*.png"))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_qr_decodes_to_payload(tmp_path: Path) -> None:
    import zxingcpp
    from PIL import Image

    pages = [_page(spec) for _, spec in DEFAULTS]
    pdf = tmp_path / "c.pdf"
    render_pdf(pages, pdf)
    pngs = _render_png(pdf, tmp_path)
    assert len(pngs) == len(pages)
    for png, page in zip(pngs, pages, strict=True):
        with Image.open(png) as img:
            texts = [r.text for r in zxingcpp.read_barcodes(img)]
        assert texts == [page.payload]
    if shutil.which("zbarimg"):
        out = subprocess.run(["zbarimg", "--raw", "-q", str(pngs[0])], capture_output=True)
        assert out.stdout.decode("utf-8").strip() == pages[0].payload


def test_qr_encoders_agree_on_size_and_fallback_encodes() -> None:
    text = "SHC2:LJ-2026-7K3M9QXH:1:031245:92:2026-11-24:" + "S" * 103
    z, s = _zxing_matrix(text), _segno_matrix(text)
    assert z.size >= 21 and s.size >= 21
    for m in (z, s):
        assert all(c >= 0 and c + n <= m.size and 0 <= r < m.size for r, c, n in m.runs)
        # Finder pattern: the top-left 7 modules of row 0 are one dark run.
        assert (0, 0, 7) in m.runs


def test_rare_character_triggers_warning() -> None:
    fields = dict(FIELDS, name="赵𪚥")
    _, warnings = render_one(_page(DEFAULTS[0][1], fields))
    assert len(warnings) == 1
    assert "𪚥" in warnings[0] and "U+2A6A5" in warnings[0] and "赵𪚥" in warnings[0]


def test_no_seal_and_no_payload_still_render() -> None:
    from pypdf import PdfReader

    page = CertPage(DEFAULTS[1][1], None, "LJ-2026-0000000A", 1, dict(FIELDS), "")
    data, _ = render_one(page)
    assert "张晓燕" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_selftest_page_embeds_every_font(tmp_path: Path) -> None:
    from core.infra.fonts import write_test_page
    from tests.pdf_fonts import unembedded_fonts

    write_test_page(tmp_path / "t.pdf", "学习园地")
    assert unembedded_fonts(tmp_path / "t.pdf") == []
