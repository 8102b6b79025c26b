# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Material importers per format (fixtures written here), batch import with cancel, audiences, links."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput
from base.progress import Cancelled, CancelToken
from core.infra.db import Database
from core.infra.paths import CERT_FONT, font_path
from core.models import Material, Officer, QuestionRow, Unit
from core.study.formats import read_material
from core.study.materials import (
    import_files,
    list_materials,
    material_for_question,
    officer_materials,
    set_question_material,
    update_material,
)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xb7\x1c\x1c" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("党纪学习教育读本", level=1)
    d.add_paragraph("一、总体要求")
    d.add_heading("学习重点", level=2)
    d.add_paragraph("严守政治纪律", style="List Bullet")
    d.add_paragraph("严守组织纪律", style="List Bullet")
    d.add_paragraph("第一步", style="List Number")
    p = d.add_paragraph("加粗的要求")
    p.runs[0].bold = True
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "要求"
    table.cell(1, 0).text, table.cell(1, 1).text = "学习时长", "每日一小时"
    d.add_picture(io.BytesIO(tiny_png()))
    d.save(str(path))
    return path


def make_pdf(path: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WenKai", str(font_path(CERT_FONT))))
    c = canvas.Canvas(str(path))
    c.setTitle("交通安全法规汇编")
    c.setFont("WenKai", 14)
    c.drawString(72, 760, "第一章 机动车通行规定")
    c.showPage()
    c.setFont("WenKai", 14)
    c.drawString(72, 760, "第二章 酒后驾驶的处罚")
    c.save()
    return path


def test_docx_keeps_structure(tmp_path: Path) -> None:
    parsed, fmt = read_material(make_docx(tmp_path / "读本.docx"))
    html = parsed.body_html
    assert fmt.name == "docx" and parsed.title == "党纪学习教育读本"
    assert "<h1>党纪学习教育读本</h1>" in html and "<h2>学习重点</h2>" in html
    assert "<ul><li>严守政治纪律</li>" in html.replace("\n", "") and "<ol>" in html
    assert "<strong>加粗的要求</strong>" in html
    assert "<table" in html and "<td>每日一小时</td>" in html
    assert 'src="data:image/png;base64,' in html
    assert "每日一小时" in parsed.body_text


def test_pdf_keeps_original_and_text(tmp_path: Path) -> None:
    parsed, fmt = read_material(make_pdf(tmp_path / "法规.pdf"))
    assert fmt.name == "pdf" and parsed.title == "交通安全法规汇编"
    assert parsed.original is not None and parsed.original.startswith(b"%PDF")
    assert "机动车通行规定" in parsed.body_text and "酒后驾驶" in parsed.body_text
    assert "第 2 页" in parsed.body_html


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# 保密须知\n\n- 不在互联网处理涉密信息\n\n| 项 | 值 |\n|---|---|\n| 甲 | 乙 |\n\n"
                    "<script>alert(1)</script>", encoding="utf-8")
    parsed, _fmt = read_material(path)
    assert parsed.title == "保密须知"
    assert "<li>不在互联网处理涉密信息</li>" in parsed.body_html and "<table>" in parsed.body_html
    assert "script" not in parsed.body_html and "alert" not in parsed.body_html


def test_text_in_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes("执法规范化\n\n第一段。\n第二行。\n\n第二段 <b>".encode("gb18030"))
    parsed, _fmt = read_material(path)
    assert parsed.title == "执法规范化"
    assert "<p>第一段。<br>第二行。</p>" in parsed.body_html and "&lt;b&gt;" in parsed.body_html


def test_html_is_sanitised(tmp_path: Path) -> None:
    path = tmp_path / "c.html"
    path.write_text(
        '<html><head><title>职业道德</title><style>p{color:red}</style><script>steal()</script></head>'
        '<body><h2 onclick="x()">忠诚</h2><p style="x" onmouseover="y()">为民<a href="javascript:z()">链接</a>'
        '<a href="https://example.org">外链</a></p><iframe src="http://x"></iframe>'
        '<img src="x" onerror="bad()"><ul><li>担当</ul></body></html>', encoding="utf-8")
    parsed, _fmt = read_material(path)
    html = parsed.body_html
    assert parsed.title == "职业道德"
    for bad in ("script", "steal", "style", "onclick", "onmouseover", "onerror", "javascript", "iframe", "color"):
        assert bad not in html, bad
    assert "<h2>忠诚</h2>" in html and '<a href="https://example.org">' in html and "<li>担当</li></ul>" in html


def test_unsupported_and_damaged_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        read_material(tmp_path / "x.xlsx")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="broken.docx"):
        read_material(broken)


def test_batch_import_with_progress_and_cancel(db: Database, tmp_path: Path) -> None:
    files = [make_docx(tmp_path / "1.docx"), make_pdf(tmp_path / "2.pdf")]
    (tmp_path / "3.txt").write_text("第三份\n\n正文", encoding="utf-8")
    files.append(tmp_path / "3.txt")
    token = CancelToken()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, _label: str) -> None:
        seen.append((done, total))
        if done == 1:
            token.cancel()

    with pytest.raises(Cancelled):
        import_files(db, files, progress=progress, cancel=token)
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Material)) == 0      # nothing stored
    infos = import_files(db, files, topic="党纪学习教育", required=True, min_minutes=3, progress=progress)
    assert [i.source_format for i in infos] == ["docx", "pdf", "txt"]
    assert seen[-1] == (3, 3)
    with db.transaction() as s:
        stored = list_materials(s)
        assert {m.topic for m in stored} == {"党纪学习教育"} and all(m.required for m in stored)
        pdf = s.get(Material, infos[1].id)
        assert pdf.original and pdf.original.startswith(b"%PDF") and "酒后驾驶" in pdf.body_text


def test_audience_by_unit_and_category(demo_db: Database) -> None:
    with demo_db.transaction() as s:
        m = s.scalar(select(Material.id).order_by(Material.id).limit(1))
        officer = s.scalars(select(Officer).where(Officer.role == "officer")).first()
        other_unit = s.scalar(select(Unit.id).where(Unit.kind == "branch", Unit.id != officer.unit_id))
        parent = s.get(Unit, officer.unit_id).parent_id
        assert m in [x.id for x in officer_materials(s, officer.id)]
        update_material(s, m, audience={"units": [other_unit]})
        assert m not in [x.id for x in officer_materials(s, officer.id)]
        update_material(s, m, audience={"units": [parent]})                 # a parent unit reaches its branches
        assert m in [x.id for x in officer_materials(s, officer.id)]
        other = "auxiliary" if officer.category == "police" else "police"
        update_material(s, m, audience={"categories": [other]})
        assert m not in [x.id for x in officer_materials(s, officer.id)]
        with pytest.raises(InvalidInput):
            update_material(s, m, audience={"categories": ["boss"]})


def test_question_points_back_to_its_material(demo_db: Database) -> None:
    with demo_db.transaction() as s:
        q = s.scalar(select(QuestionRow.id).order_by(QuestionRow.id).limit(1))
        m = s.scalar(select(Material.id).order_by(Material.id).limit(1))
        assert material_for_question(s, q) is None
        set_question_material(s, q, m)
        found = material_for_question(s, q)
        assert found is not None and found.id == m
        set_question_material(s, q, None)
        assert material_for_question(s, q) is None
