# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The certificate renderer's text operators are ReportLab's own, byte for byte.

core/certificates/pdftext.py encodes each character once per document instead of once per
string; the PDFs it helps write must be the ones ReportLab's ``drawString`` and text objects
write: same codes and subsets of the embedded font (several subsets once a document uses more
than 256 characters), same escaping, same operators.
"""

from __future__ import annotations

import io
import random
import re
from typing import Any

from core.certificates.pdftext import TextCoder
from core.certificates.render import CertPage, PdfCanvas, render_pdf
from core.certificates.templates import DEFAULTS, sample_seal
from core.infra.fonts import KAI, SANS, register_fonts


def _strings() -> list[str]:
    rnd = random.Random(19)
    common = [chr(c) for c in range(0x4E00, 0x4E00 + 1500)]
    out = ["", "证书核验数据：SHC2:LJ-2026-7K3M9QXH:1:031245:92:2026-11-24:abc+/=", "(a\\b)", "x\u00a0y",
           "赵𪚥", "ASCII only", "\t\n\x7f\x80é"]
    out += ["".join(rnd.choice(common) for _ in range(rnd.randint(1, 12))) for _ in range(400)]
    return out


def _first_difference(a: bytes, b: bytes) -> int | None:
    """Where two PDFs first differ (None: identical); keeps a failure's report short."""
    if a == b:
        return None
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _canvas(buf: io.BytesIO) -> Any:
    from reportlab.pdfgen.canvas import Canvas

    sans, _kai = register_fonts()
    initial: dict[str, Any] = {"initialFontName": sans}     # (typed as a float in types-reportlab)
    return Canvas(buf, invariant=1, pageCompression=0, **initial)


def test_lines_and_invisible_text_match_reportlab() -> None:
    strings = _strings()
    expected, actual = io.BytesIO(), io.BytesIO()
    ref, new = _canvas(expected), _canvas(actual)
    coder = TextCoder(new, KAI)
    sans = TextCoder(new, SANS)
    for i, text in enumerate(strings):
        size = (9, 11, 18, 21.5)[i % 4]
        ref.setFont(KAI, size)
        ref.drawString(20.5 + i % 7, 800 - i % 50 * 15, text)
        new.addLiteral(coder.line(20.5 + i % 7, 800 - i % 50 * 15, text, size))
        if i % 5 == 0:
            ref.setFont(SANS, 12)
            ref.drawString(40, 30, text[::-1])
            new.addLiteral(sans.line(40, 30, text[::-1], 12))
        if i % 3 == 0:
            t = ref.beginText(295.28, 8)
            t.setTextRenderMode(3)
            t.setFont(KAI, 3)
            t.textLine(strings[i - 1] + text)
            t.textLine(text)
            ref.drawText(t)
            new.addLiteral(coder.invisible(295.28, 8, [strings[i - 1] + text, text], 3))
        if i % 40 == 39:
            ref.showPage()
            new.showPage()
    ref.save()
    new.save()
    assert re.search(rb"/F\d+\+3 ", expected.getvalue())       # several subsets of the certificate font
    assert _first_difference(actual.getvalue(), expected.getvalue()) is None


class _ReportLabCanvas(PdfCanvas):
    """The renderer as it drew text before TextCoder: ReportLab's setFont/setFillColor/drawString."""

    def _items(self, items: Any) -> None:
        from core.certificates.layout import TextItem

        c = self.c
        for it in items:
            if isinstance(it, TextItem):
                c.setFont(it.font, it.size)
                c.setFillColor(self._colour(it.color))
                c.drawString(it.x, it.y, it.text)
            else:
                super()._items([it])     # lines and rectangles are drawn as they are


def test_certificate_pages_match_reportlab(monkeypatch) -> None:
    from reportlab import rl_config

    from core.certificates import render
    from tests.certs.test_cert_render import FIELDS, _page

    monkeypatch.setattr(rl_config, "invariant", 1)
    rnd = random.Random(6)
    common = [chr(c) for c in range(0x4E00, 0x4E00 + 1500)]
    pages: list[CertPage] = []
    for i in range(60):
        fields: dict[str, object] = dict(FIELDS, name="".join(rnd.choice(common) for _ in range(2 + i % 3)),
                      exam="".join(rnd.choice(common) for _ in range(8)))
        pages.append(_page(DEFAULTS[i % 3][1], fields, serial=f"LJ-2026-{i:08d}"))
    pages.append(CertPage(DEFAULTS[1][1], None, "LJ-2026-0000000A", 1, dict(FIELDS), ""))
    odd: dict[str, object] = dict(FIELDS, name="赵𪚥(\\)")
    pages.append(CertPage(DEFAULTS[0][1], sample_seal(), "LJ-2026-0000000B", 1, odd,
                          pages[0].payload))
    actual = io.BytesIO()
    render_pdf(pages, actual)

    def draw_invisible_as_before(self: PdfCanvas, x: float, y: float, lines: list[str], size: float) -> None:
        t = self.c.beginText(x, y)
        t.setTextRenderMode(3)
        t.setFont(KAI, size)
        for line in lines:
            t.textLine(line)
        self.c.drawText(t)

    monkeypatch.setattr(render, "PdfCanvas", _ReportLabCanvas)
    monkeypatch.setattr(_ReportLabCanvas, "_invisible", draw_invisible_as_before)
    expected = io.BytesIO()
    render_pdf(pages, expected)
    assert re.search(rb"/F\d+\+1 ", expected.getvalue())
    assert _first_difference(actual.getvalue(), expected.getvalue()) is None
