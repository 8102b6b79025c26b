# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Certificates (issue 6): 1,000 certificates, each with its QR code, into one PDF.

Timed: the batch-print use case the GUI and the CLI call (a branch secretary printing the
branch's 1,000 certificates, signed with Ed25519 when they were issued, each keeping the QR code
of its signature since then): the permission check, reading the signed data from a SQLite file,
laying out and rendering. Raw floor: a plain
ReportLab loop drawing the same pages (same texts, fonts, border and seal) with no QR code, no
database and no layout work. ``extra`` also times a print that signs all 1,000 first (the
certificates earned on officers' PCs, recorded unsigned) and one Ed25519 signature.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Workload

N = 1000


def prepare() -> dict[str, Any]:
    from sqlalchemy import insert, select

    from core.access.actor import Actor
    from core.certificates import keys
    from core.certificates.batch import Selection, cert_pages, select_certificates
    from core.certificates.issue import issue
    from core.certificates.layout import layout_page
    from core.certificates.templates import default_template_for, ensure_defaults, field_values
    from core.infra.clock import FakeClock
    from core.infra.db import open_database
    from core.infra.fonts import register_fonts
    from core.models import Officer, Role, Unit

    register_fonts()
    folder = Path(tempfile.mkdtemp(prefix="bench-certs-"))
    db = open_database(f"sqlite:///{folder / 'bench.db'}")
    clock = FakeClock()
    db.clock = clock
    now = clock.now()
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    with db.transaction() as s:
        root = Unit(code="LJ", name="江城市公安局临江分局", kind="bureau")
        s.add(root)
        s.flush()
        branch = Unit(code="LJA", name="交警大队第一党支部", kind="branch", parent_id=root.id)
        s.add(branch)
        s.flush()
        secretary = Officer(badge="100001", name="周书记", unit_id=branch.id, role=Role.SECRETARY.value,
                            password_hash="x", created_at=now)
        s.add(secretary)
        s.execute(insert(Officer), [
            {"badge": f"{200000 + i}", "name": surnames[i % 20] + given[(i * 7) % 20] + given[(i * 3) % 20],
             "unit_id": branch.id, "password_hash": "x", "created_at": now} for i in range(N)])
        ensure_defaults(s, now=now, with_seal=True)
        keys.create_key(s, "bench-passphrase", now=now)       # unlocked in this process: issuing signs
        template = default_template_for(s, "completion")
        assert template is not None
        officers = s.scalars(select(Officer.id).where(Officer.badge.startswith("2")).order_by(Officer.badge)).all()
        for i, officer_id in enumerate(officers):
            issue(s, officer_id=officer_id, template=template, exam="道路交通安全法规季度考试", score=str(60 + i % 41),
                  date=dt.date(2026, 1 + i % 12, 1 + i % 28), clock=clock)
        actor = Actor.user(secretary.id, Role.SECRETARY, branch.id, badge=secretary.badge, name=secretary.name)
        pages = cert_pages(s, select_certificates(s, Selection()))
    plain = [layout_page(p.spec, field_values(p.fields, p.serial), date_text=p.date_text(), has_seal=True)
             for p in pages]
    return {"db": db, "actor": actor, "plain": plain, "seal": pages[0].seal_png, "dir": folder, "bytes": 0}


def run(state: dict[str, Any]) -> None:
    from core.certificates import usecases as cert
    from core.certificates.batch import Selection

    target = state["dir"] / "certs.pdf"
    result = cert.print_certificates(state["db"], state["actor"], Selection(), target)
    assert result.count == N
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

    from sqlalchemy import update

    from core.certificates import keys
    from core.certificates.signing import sign
    from core.models import Certificate

    t0 = time.perf_counter()
    run(state)
    seconds = time.perf_counter() - t0
    with state["db"].transaction() as s:        # as if earned on officers' PCs: signed when printed
        s.execute(update(Certificate).values(signature="", key_id=None))
    t0 = time.perf_counter()
    run(state)
    signing = time.perf_counter() - t0
    with state["db"].transaction() as s:
        signer = keys.signer(s)
        assert signer is not None
        fields: dict[str, object] = {"name": "王伟", "badge": "200001", "exam": "考试", "score": "90",
                                     "date": "2026-01-01"}
        t0 = time.perf_counter()
        for i in range(1000):
            sign(signer.key, f"LJ-2026-{i:08d}", 1, fields)
        per_signature = (time.perf_counter() - t0) / 1000
    return {"pages/s": f"{N / seconds:.0f}", "bytes/page": f"{state['bytes'] / N:.0f}",
            "PDF size": f"{state['bytes'] / 1e6:.1f} MB",
            "print signing all 1,000 first": f"{signing:.2f} s",
            "one Ed25519 signature": f"{per_signature * 1e6:.0f} µs"}


def cleanup(state: dict[str, Any]) -> None:
    state["db"].dispose()
    shutil.rmtree(state["dir"], ignore_errors=True)


WORKLOADS = [
    Workload(
        name="certs.print.1000",
        issue=6,
        description="1,000 certificates, each with its signed QR code, into one PDF",
        floor_description="ReportLab loop, same pages and fonts, no QR",
        target="≤ 1.5× floor",
        run=run, floor=floor, prepare=prepare, extra=extra, cleanup=cleanup, repeat=5,
        meets=lambda median, floor_s: floor_s is not None and median <= 1.5 * floor_s,
    ),
]
