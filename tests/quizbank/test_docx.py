# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Word numbered question lists: paragraphs, tables, pictures, auto-numbering, round trips."""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base import i18n
from base.problems import Severity
from base.progress import Cancelled, CancelToken
from quizbank import formats
from quizbank.formats import ReadOptions
from quizbank.model import QType, Question

ALL_TYPES = [
    Question(QType.SINGLE, "我国的首都是（ ）。", ["上海", "北京", "广州", "深圳"], ["B"],
             explanation="首都是北京。\n第二行解析", category="常识", difficulty=1),
    Question(QType.MULTIPLE, "以下属于直辖市的有（ ）", ["北京", "上海", "重庆", "广州"], ["A", "B", "C"],
             tags=["地理"], score=2.0, difficulty=3),
    Question(QType.JUDGE, "2×3=6", answer=["T"]),
    Question(QType.JUDGE, "地球是方的。", answer=["F"], explanation="地球近似球体。"),
    Question(QType.FILL, "人民警察的（ ）和（ ）。", blanks=[["任务", "职责"], ["义务"]]),
    Question(QType.ESSAY, "简述人民警察的宗旨。", answer=["全心全意为人民服务。\n1. 第一点\n2. 第二点"]),
    Question(QType.ESSAY, "论述执法规范化建设的意义。"),
]


@pytest.fixture(autouse=True)
def _chinese_ui():
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def png_bytes() -> bytes:
    """A valid 1×1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(
        b"IEND", b""
    )


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def read(path: Path, **kw):
    return formats.read(path, ReadOptions(**kw))


def test_registry_finds_docx():
    assert formats.for_path(Path("题库.DOCX")).name == "docx"
    assert formats.for_path(Path("x.docx"), writing=True).name == "docx"


def test_paragraphs_line_numbers_and_soft_breaks(tmp_path):
    d = docx.Document()
    for text in ["某单位题库", "", "一、单选题", "1．首都是（ B ）", "A．上海　B．北京", "",
                 "2、没有答案的题（ ）\nA. 甲\nB. 乙", "二、判断题", "1. 2×3=6（√）"]:
        d.add_paragraph(text)
    result = read(save(d, tmp_path / "题库.docx"))
    assert [(q.qtype, q.stem, q.answer, q.source.line) for q in result.questions] == [
        (QType.SINGLE, "首都是（ ）", ["B"], 4),
        (QType.JUDGE, "2×3=6（ ）", ["T"], 9),
    ]
    assert result.questions[0].options == ["上海", "北京"]
    assert [(p.file, p.line, p.severity, p.field, p.message) for p in result.problems] == [
        ("题库.docx", 1, Severity.WARNING, None, "不属于任何试题，已忽略：某单位题库"),
        ("题库.docx", 7, Severity.ERROR, "答案", "为空"),
    ]


def test_tables_are_read_row_by_row(tmp_path):
    d = docx.Document()
    d.add_paragraph("单选题")
    d.add_paragraph("1. 首都是（ ）")
    options = d.add_table(rows=2, cols=2)
    cells = [c for row in options.rows for c in row.cells]
    for cell, text in zip(cells, ["A. 北京", "B. 上海", "C. 广州", "D. 深圳"], strict=True):
        cell.text = text
    d.add_paragraph("答案：A")
    whole = d.add_table(rows=1, cols=1)
    whole.cell(0, 0).text = "2. 表格里的整道题（ ）"
    for text in ["A. 甲", "B. 乙", "答案：B"]:
        whole.cell(0, 0).add_paragraph(text)
    result = read(save(d, tmp_path / "t.docx"))
    assert not result.problems
    assert [(q.stem, q.options, q.answer, q.source.line) for q in result.questions] == [
        ("首都是（ ）", ["北京", "上海", "广州", "深圳"], ["A"], 2),
        ("表格里的整道题（ ）", ["甲", "乙"], ["B"], 3),
    ]


def test_embedded_pictures_end_in_media(tmp_path):
    png = png_bytes()
    d = docx.Document()
    d.add_paragraph("单选题")
    p = d.add_paragraph("1. 看图回答，图中是什么颜色（ ）")
    p.add_run().add_picture(io.BytesIO(png))
    d.add_paragraph("A. 红 B. 绿")
    d.add_paragraph("答案：A")
    d.add_paragraph("2. 图片在单独段落（ ）")
    d.add_picture(io.BytesIO(png))
    d.add_paragraph("A. 甲 B. 乙")
    d.add_paragraph("答案：B")
    media_dir = tmp_path / "media"
    result = read(save(d, tmp_path / "img.docx"), media_dir=media_dir)
    assert not result.problems
    first, second = result.questions
    assert len(first.media) == 1 and first.media == second.media
    path = Path(first.media[0])
    assert path.is_absolute() and path.parent == media_dir.resolve() and path.suffix == ".png"
    assert path.read_bytes() == png


def test_pictures_without_media_dir_go_to_a_temporary_folder(tmp_path):
    d = docx.Document()
    d.add_paragraph("1. 看图（√）").add_run().add_picture(io.BytesIO(png_bytes()))
    result = read(save(d, tmp_path / "img.docx"))
    (q,) = result.questions
    path = Path(q.media[0])
    try:
        assert path.is_file() and path.read_bytes() == png_bytes()
    finally:
        shutil.rmtree(path.parent)


def test_picture_before_any_question_is_a_warning(tmp_path):
    d = docx.Document()
    d.add_picture(io.BytesIO(png_bytes()))
    d.add_paragraph("1. 题（√）")
    result = read(save(d, tmp_path / "img.docx"), media_dir=tmp_path / "m")
    assert result.questions[0].media == []
    assert [(p.line, p.field, p.severity) for p in result.problems] == [(1, "图片", Severity.WARNING)]


def _letter_list(document) -> int:
    """Add an upper-letter numbering definition; return its numId."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    )
    numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    return 77


def _numbered(document, text: str, num_id: int):
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def test_word_automatic_numbering(tmp_path):
    d = docx.Document()
    letters = _letter_list(d)
    d.add_paragraph("单选题")
    d.add_paragraph("首都是（ ）", style="List Number")
    _numbered(d, "北京", letters)
    _numbered(d, "上海", letters)
    d.add_paragraph("答案：A")
    d.add_paragraph("第二题（ ）", style="List Number")
    _numbered(d, "甲", letters)
    _numbered(d, "乙", letters)
    d.add_paragraph("答案：B")
    d.add_paragraph("判断题")
    d.add_paragraph("地球是圆的（√）", style="List Number")
    d.add_paragraph("地球是方的（×）", style="List Number")
    result = read(save(d, tmp_path / "auto.docx"))
    assert not result.problems
    assert [(q.qtype, q.stem, q.options, q.answer, q.source.line) for q in result.questions] == [
        (QType.SINGLE, "首都是（ ）", ["北京", "上海"], ["A"], 2),
        (QType.SINGLE, "第二题（ ）", ["甲", "乙"], ["B"], 6),
        (QType.JUDGE, "地球是圆的（ ）", [], ["T"], 11),
        (QType.JUDGE, "地球是方的（ ）", [], ["F"], 12),
    ]


def test_bullets_are_plain_text(tmp_path):
    d = docx.Document()
    d.add_paragraph("1. 题目（√）")
    d.add_paragraph("补充说明", style="List Bullet")
    result = read(save(d, tmp_path / "b.docx"))
    assert [q.stem for q in result.questions] == ["题目（ ）\n补充说明"]


def test_round_trip_all_types(tmp_path):
    path = tmp_path / "导出.docx"
    formats.by_name("docx", writing=True).write(path, ALL_TYPES)
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert texts[:3] == ["一、单选题", "1. 我国的首都是（ ）。", "A. 上海"]
    assert "答案：任务/职责；义务" in texts and "答案：正确" in texts and "二、多选题" in texts
    result = read(path)
    assert not result.problems
    assert result.questions == ALL_TYPES


def test_writer_embeds_existing_media(tmp_path):
    picture = tmp_path / "red.png"
    picture.write_bytes(png_bytes())
    q = Question(QType.SINGLE, "看图（ ）", ["红", "绿"], ["A"], media=[str(picture), str(tmp_path / "missing.png")])
    path = tmp_path / "m.docx"
    formats.by_name("docx", writing=True).write(path, [q])
    result = read(path, media_dir=tmp_path / "out")
    (back,) = result.questions
    assert len(back.media) == 1 and Path(back.media[0]).read_bytes() == png_bytes()
    back.media = q.media
    assert back == q


def test_cancel(tmp_path):
    path = tmp_path / "c.docx"
    formats.by_name("docx", writing=True).write(path, ALL_TYPES)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        read(path, cancel=token)


def test_not_a_docx_is_a_problem(tmp_path):
    path = tmp_path / "假的.docx"
    path.write_text("这不是Word文档", encoding="utf-8")
    result = read(path)
    assert not result.questions
    (p,) = result.problems
    assert p.file == "假的.docx" and p.severity is Severity.ERROR


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_never_raise(tmp_path, data):
    path = tmp_path / "random.docx"
    path.write_bytes(data)
    result = read(path)
    assert not result.questions
    assert all(p.file == "random.docx" for p in result.problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=30), max_size=15))
def test_fuzz_random_paragraphs_never_raise(tmp_path, texts):
    d = docx.Document()
    for text in texts:
        d.add_paragraph("".join(c for c in text if c.isprintable() or c in "\t\n"))
    result = read(save(d, tmp_path / "fuzz.docx"), media_dir=tmp_path / "m")
    assert all(p.file == "fuzz.docx" for p in result.problems)
