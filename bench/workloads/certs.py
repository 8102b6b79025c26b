# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Certificates (issue 6): 1,000 certificates, each with its QR code, into one PDF.

Raw floor: a plain ReportLab loop drawing the same pages (same texts, fonts, border and
seal) with no QR code and no layout work.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Workload

N = 1000


def prepare() -> dict[str, Any]:
    from core.certificates.layout import layout_page
    from core.certificates.render import CertPage
    from core.certificates.signing import payload_for, sign
    from core.certificates.templates import DEFAULTS, field_values, sample_seal
    from core.infra.fonts import register_fonts

    register_fonts()
    key = b"bench-key-0123456789abcdef012345"
    spec = dataclasses.replace(DEFAULTS[0][1], header="江城市公安局临江分局", issuer="江城市公安局临江分局")
    seal = sample_seal()
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    pages = []
    for i in range(N):
        fields = {"name": surnames[i % 20] + given[(i * 7) % 20] + given[(i * 3) % 20], "badge": f"{200000 + i}",
                  "unit": "交警大队第一党支部", "exam": "道路交通安全法规季度考试", "score": str(60 + i % 41),
                  "date": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"}
        serial = f"LJ-2026-{i:08d}"
        payload = payload_for(serial, 1, fields, sign(key, serial, 1, fields)).text()
        pages.append(CertPage(spec, seal, serial, 1, fields, payload))
    plain = [layout_page(spec, field_values(p.fields, p.serial), date_text=p.date_text(), has_seal=True)
             for p in pages]
    return {"pages": pages, "plain": plain, "seal": seal, "dir": Path(tempfile.mkdtemp(prefix="bench-certs-")),
            "bytes": 0}


def run(state: dict[str, Any]) -> None:
    from core.certificates.render import render_pdf

    target = state["dir"] / "certs.pdf"
    result = render_pdf(state["pages"], target, total=N)
    assert result.pages == N
    state["bytes"] = target.stat().st_size


def floor(state: dict[str, Any]) -> None:
    import io

    from reportlab.lib.colors import HexColor
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from core.certificates.layout import LineItem, RectItem, TextItem

    c = Canvas(str(state["dir"] / "floor.pdf"), pageCompression=1)
    seal = ImageReader(io.BytesIO(state["seal"]))

    def draw(items: list[object]) -> None:
        for it in items:
            if isinstance(it, TextItem):
                c.setFont(it.font, it.size)
                c.setFillColor(HexColor(it.color))
                c.drawString(it.x, it.y, it.text)
            elif isinstance(it, LineItem):
                c.setStrokeColor(HexColor(it.color))
                c.setLineWidth(it.width)
                c.line(it.x1, it.y1, it.x2, it.y2)
            elif isinstance(it, RectItem):
                c.setStrokeColor(HexColor(it.color))
                c.setLineWidth(it.width)
                c.rect(it.x, it.y, it.w, it.h)

    # The least work: what every page shares (border, header, seal) is drawn once as a form
    # and reused, as the real renderer does; only each person's text is drawn per page.
    first = state["plain"][0]
    c.setPageSize((first.width, first.height))
    c.beginForm("static")
    draw(list(first.static))
    c.drawImage(seal, first.seal.x, first.seal.y, first.seal.size, first.seal.size, mask="auto")
    c.endForm()
    for page in state["plain"]:
        c.setPageSize((page.width, page.height))
        c.doForm("static")
        draw(list(page.content))
        c.showPage()
    c.save()


def extra(state: dict[str, Any]) -> dict[str, str]:
    import time

    t0 = time.perf_counter()
    run(state)
    seconds = time.perf_counter() - t0
    return {"pages/s": f"{N / seconds:.0f}", "bytes/page": f"{state['bytes'] / N:.0f}",
            "PDF size": f"{state['bytes'] / 1e6:.1f} MB"}


def cleanup(state: dict[str, Any]) -> None:
    shutil.rmtree(state["dir"], ignore_errors=True)


WORKLOADS = [
    Workload(
        name="certs.print.1000",
        issue=6,
        description="1,000 certificates, each with its signed QR code, into one PDF",
        floor_description="ReportLab loop, same pages and fonts, no QR",
        target="≤ 5 s",
        run=run, floor=floor, prepare=prepare, extra=extra, cleanup=cleanup, repeat=3,
        meets=lambda median, _floor: median <= 5.0,
    ),
]
