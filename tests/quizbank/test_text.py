# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Plain-text numbered question lists: golden fixtures, encodings, round trips, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base import i18n
from base.problems import Severity
from base.progress import Cancelled, CancelToken
from quizbank import formats
from quizbank.formats import ReadOptions
from quizbank.formats.textfile import decode
from quizbank.model import QType, Question
from quizbank.normalize import clean

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))


@pytest.fixture(autouse=True)
def _chinese_ui():
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def read(path: Path, **kw):
    return formats.read(path, ReadOptions(**kw))


def test_registry_finds_txt():
    spec = formats.for_path(Path("题库.TXT"))
    assert spec.name == "txt" and spec.read and spec.write
    assert formats.for_path(Path("x.txt"), writing=True).name == "txt"


@pytest.mark.parametrize("name", NAMES)
def test_golden_fixture(name):
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    result = read(FIXTURES / f"{name}.txt")
    got_questions = [{"line": q.source.line, **q.to_dict()} for q in result.questions]
    got_problems = [
        {"line": p.line, "severity": str(p.severity), "field": p.field, "message": p.message} for p in result.problems
    ]
    assert got_questions == expected["questions"]
    assert got_problems == expected["problems"]
    assert all(q.source.file == f"{name}.txt" for q in result.questions)


def _by_line(name: str) -> dict[int, Question]:
    return {q.source.line: q for q in read(FIXTURES / f"{name}.txt").questions}


def test_every_heading_style():
    qs = _by_line("headings")
    assert [q.qtype for q in qs.values()] == [
        QType.SINGLE, QType.MULTIPLE, QType.MULTIPLE, QType.JUDGE, QType.FILL, QType.ESSAY,
        QType.SINGLE, QType.JUDGE, QType.SINGLE,
    ]


def test_every_numbering_style():
    qs = _by_line("numbering")
    assert len(qs) == 12
    assert qs[58].stem == "全角数字的题号（ ）"
    assert qs[48].stem == "第二题（ ）"


def test_bracket_answers_and_times_sign():
    qs = _by_line("answers")
    assert (qs[2].stem, qs[2].answer) == ("人民警察的警衔设（ ）等。", ["B"])
    assert (qs[24].stem, qs[24].answer) == ("公安机关的主要职能有（ ）", ["A", "B", "C"])
    assert [(qs[n].stem, qs[n].answer) for n in (31, 32, 33, 34, 36)] == [
        ("2×3=6（ ）", ["T"]),
        ("人民警察可以参与营利性经营活动。（ ）", ["F"]),
        ("公安机关是人民民主专政的重要工具（ ）", ["T"]),
        ("计算2×3的结果等于5。", ["F"]),
        ("2×3=5", ["F"]),
    ]
    assert qs[40].blanks == [["人民代表大会制度"]] and qs[40].stem == "我国的根本政治制度是（ ）。"


def test_answer_line_styles():
    qs = _by_line("answers")
    assert [qs[n].answer for n in (6, 10, 14, 18)] == [["A"], ["A"], ["A"], ["B"]]
    assert qs[46].answer == ["公安机关是人民民主专政的重要工具，\n是武装性质的国家治安行政力量和刑事司法力量。"]
    assert qs[49].answer == ["全心全意为人民服务。"]


def test_multi_line_explanation():
    qs = _by_line("explanations")
    assert qs[2].explanation == "根据《人民警察警衔条例》，\n警衔设五等十三级。\n以上内容需要熟记。"
    assert (qs[2].category, qs[12].category, qs[12].difficulty) == ("警衔制度", "法律法规", 3)


def test_fixture_bytes_are_what_they_claim():
    crlf = (FIXTURES / "crlf_bom.txt").read_bytes()
    assert crlf.startswith(b"\xef\xbb\xbf") and b"\r\n" in crlf
    gbk = (FIXTURES / "gbk.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    ws = (FIXTURES / "whitespace.txt").read_text(encoding="utf-8")
    assert "\t" in ws and "\u00a0" in ws and "\u3000" in ws


def test_gbk_file_decodes():
    qs = _by_line("gbk")
    assert qs[2].options == ["公安机关", "人民法院"]
    assert qs[2].explanation == "旧版记事本“ANSI”即GBK编码。"


def test_decode_variants():
    assert decode("题目".encode("utf-16")) == ("题目", True)
    assert decode("题目".encode("utf-8-sig")) == ("题目", True)
    assert decode("题目".encode("gb18030")) == ("题目", True)


def test_missing_answer_problem_is_located():
    result = read(FIXTURES / "problems.txt")
    missing = [p for p in result.problems if p.message == "为空"]
    assert [(p.file, p.line, p.field, p.severity) for p in missing] == [
        ("problems.txt", 3, "答案", Severity.ERROR),
        ("problems.txt", 24, "答案", Severity.ERROR),
    ]


def test_unreadable_file_is_a_problem(tmp_path):
    result = read(tmp_path / "不存在.txt")
    assert not result.questions
    assert [p.severity for p in result.problems] == [Severity.ERROR]


def test_cancel(tmp_path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        read(FIXTURES / "options.txt", cancel=token)


ALL_TYPES = [
    Question(QType.SINGLE, "我国的首都是（ ）。", ["上海", "北京", "广州", "深圳"], ["B"],
             explanation="首都是北京。\n第二行解析", category="常识", difficulty=1),
    Question(QType.SINGLE, "2×3等于（ ）", ["5", "6"], ["B"], score=1.5),
    Question(QType.MULTIPLE, "以下属于直辖市的有（ ）",
             ["北京", "上海", "重庆", "广州", "南京", "杭州", "武汉", "成都"], ["A", "B", "C", "H"],
             tags=["地理", "城市"], difficulty=3),
    Question(QType.JUDGE, "人民警察必须以宪法和法律为活动准则。", answer=["T"]),
    Question(QType.JUDGE, "2×3=5", answer=["F"], explanation="2×3=6"),
    Question(QType.FILL, "人民警察的（ ）和（ ）。", blanks=[["任务", "职责"], ["义务"]], category="警察法"),
    Question(QType.FILL, "我国的根本政治制度是（ ）。", blanks=[["人民代表大会制度"]]),
    Question(QType.ESSAY, "简述人民警察的宗旨。", answer=["全心全意为人民服务。\n1. 第一点\n2. 第二点"]),
    Question(QType.ESSAY, "论述执法规范化建设的意义。"),
    Question(QType.SINGLE, "最后又是一道单选题（ ）", ["甲", "乙"], ["A"]),
]


def test_round_trip_all_types(tmp_path):
    path = tmp_path / "导出.txt"
    formats.by_name("txt", writing=True).write(path, ALL_TYPES)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    assert "一、单选题\r\n1. 我国的首都是（ ）。\r\nA. 上海\r\n" in text
    assert "答案：任务/职责；义务" in text and "答案：正确" in text and "参考答案：全心全意" in text
    result = read(path)
    assert not result.problems
    assert result.questions == ALL_TYPES


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(list(QType)), _TEXT), min_size=1, max_size=6))
def test_round_trip_generated_choices(tmp_path, items):
    qs = []
    for qtype, stem in items:
        stem = f"题目{stem.strip()}" if stem.strip() else "题目"
        if qtype in (QType.SINGLE, QType.MULTIPLE):
            qs.append(Question(qtype, stem, ["甲", "乙", "丙"], ["A", "C"] if qtype is QType.MULTIPLE else ["B"]))
        elif qtype is QType.JUDGE:
            qs.append(Question(qtype, stem, answer=["F"]))
        elif qtype is QType.FILL:
            qs.append(Question(qtype, stem, blanks=[["答案"]]))
        else:
            qs.append(Question(qtype, stem, answer=["参考"]))
    path = tmp_path / "gen.txt"
    formats.by_name("txt", writing=True).write(path, qs)
    result = read(path)
    assert len(result.questions) == len(qs)
    assert [q.qtype for q in result.questions] == [q.qtype for q in qs]
    assert [q.stem for q in result.questions] == [clean(q.stem) for q in qs]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_fuzz_random_bytes_never_raise(tmp_path, data):
    path = tmp_path / "random.txt"
    path.write_bytes(data)
    result = read(path)
    for p in result.problems:
        assert p.file == "random.txt"
