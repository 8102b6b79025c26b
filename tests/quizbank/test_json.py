# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""JSON import/export: StudyHall's schema, object lists, wrappers, keyed banks, media, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import questions

from base.problems import Problem, Severity
from quizbank import formats
from quizbank.formats import ReadOptions
from quizbank.formats.jsonbank import html_to_text
from quizbank.model import ImportResult, QType, Question
from quizbank.template import EXAMPLES

_TEXT = st.text(min_size=1, max_size=12).filter(str.strip)


def read(path: Path, **kw: object) -> ImportResult:
    return formats.read(path, ReadOptions(**kw))  # type: ignore[arg-type]


def dump(path: Path, data: object, **kw: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, **kw), encoding="utf-8")  # type: ignore[arg-type]
    return path


def test_schema_round_trip(tmp_path: Path) -> None:
    qs = [*EXAMPLES, Question(QType.SINGLE, " 空格 保留 ", ["a", "b"], ["B"], media=["img/1.png"], difficulty=3)]
    path = tmp_path / "银行.json"
    formats.for_path(path, writing=True).write(path, qs)  # type: ignore[misc]
    doc = json.loads(path.read_text("utf-8"))
    assert doc["studyhall"] == 1 and doc["bank"] == "银行" and len(doc["questions"]) == len(qs)
    result = read(path)
    assert result.problems == [] and result.questions == qs
    assert [q.source.row for q in result.questions] == list(range(1, len(qs) + 1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qs=st.lists(questions(text=_TEXT, tag=_TEXT, free=st.text(max_size=20), any_score=True, media=True),
                   max_size=8))
def test_schema_round_trip_property(tmp_path: Path, qs: list[Question]) -> None:
    path = tmp_path / "rt.json"
    formats.for_path(path, writing=True).write(path, qs)  # type: ignore[misc]
    assert read(path).questions == qs


def test_schema_problems_are_located(tmp_path: Path) -> None:
    path = dump(tmp_path / "s.json", {"studyhall": 1, "questions": [
        {"type": "single", "stem": "好题", "options": ["a", "b"], "answer": ["A"]},
        {"stem": "缺题型"},
        {"type": "single", "stem": "无答案", "options": ["a", "b"]},
        {"type": "nonsense", "stem": "x"},
        "不是对象",
    ]})
    result = read(path)
    assert [q.stem for q in result.questions] == ["好题"]
    assert [(p.row, p.line, p.field) for p in result.problems] == [
        (2, None, "题型"), (3, None, "答案"), (4, None, None), (5, None, None)]


def test_invalid_json_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n "questions": [\n  {"a": 1,}\n ]\n}', encoding="utf-8")
    result = read(path)
    assert result.questions == [] and result.problems[0].line == 3 and result.problems[0].file == "bad.json"


def test_object_list_with_chinese_keys(tmp_path: Path) -> None:
    path = dump(tmp_path / "c.json", [
        {"类型": "多选题", "题干": "选出正确的", "选项": ["甲", "乙", "丙"], "答案": "A,C", "解析": "因为",
         "难度": "难"},
        {"题目": "地球是圆的", "答案": "对"},
        {"question": "（ ）是首都", "answer": "北京；北平/燕京", "options": []},
        {},
    ])
    result = read(path)
    assert result.problems == []
    multi, judge, fill = result.questions
    assert (multi.qtype, multi.answer, multi.explanation, multi.difficulty) == (QType.MULTIPLE, ["A", "C"], "因为", 3)
    assert (judge.qtype, judge.answer) == (QType.JUDGE, ["T"])
    assert (fill.qtype, fill.blanks) == (QType.FILL, [["北京"], ["北平", "燕京"]])


def test_jiakao_shape(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "1.jpg").write_bytes(b"\xff\xd8")
    path = dump(tmp_path / "q.json", {"questions": [
        {"a": "A. 违法行为", "b": "B. 违规行为", "c": "C. 过失行为", "d": "D. 违章行为", "answer": "A",
         "description": "<p>违反&ldquo;法&rdquo;<br>第二行<\\/p>", "type": "single", "title": "属于什么行为？",
         "image": "images/1.jpg"},
        {"a": "A. 正确", "b": "B. 错误", "answer": "B", "description": "", "type": "judge", "title": "判断",
         "image": "images/missing.jpg"},
        {"a": "A. 甲", "b": "B. 乙", "c": "C. 丙", "answer": "AC", "type": "multi", "title": "多选",
         "image": "../../etc/passwd"},
        {"a": "A. 甲", "b": "B. 乙", "answer": "B", "type": "single", "title": "远程", "image": "http://x/1.jpg"},
    ]})
    result = read(path)
    single, judge, remote = result.questions
    assert single.options == ["违法行为", "违规行为", "过失行为", "违章行为"] and single.answer == ["A"]
    assert single.explanation == "违反“法”\n第二行"
    assert single.media == [str((tmp_path / "images" / "1.jpg").resolve())]
    assert (judge.qtype, judge.answer, judge.options, judge.media) == (QType.JUDGE, ["F"], [], [])
    assert remote.media == []
    assert [(p.row, p.field, p.severity) for p in result.problems] == [
        (2, "图片", Severity.WARNING), (3, "图片", Severity.ERROR), (4, "图片", Severity.WARNING)]


@pytest.mark.parametrize("key", ["data", "items", "questions", "题目列表"])
def test_wrapped_lists(tmp_path: Path, key: str) -> None:
    path = dump(tmp_path / "w.json", {"name": "bank", key: [{"title": "甲（ ）", "answer": "乙"}]})
    (q,) = read(path).questions
    assert (q.stem, q.blanks) == ("甲（ ）", [["乙"]])


def test_xxqg_shape(tmp_path: Path) -> None:
    nb = "\u00a0" * 8
    path = dump(tmp_path / "x.json", {
        f"最早的地理学著作{nb}记录了我国古代地理。|《山海经》|《水经注》": "《水经注》",
        f"这种说法是{nb}的。|正确|错误": "错误",
        "没有答案的题|甲|乙": "丙",
    })
    result = read(path)
    single, judge = result.questions
    assert single.stem == "最早的地理学著作（\u3000）记录了我国古代地理。"
    assert (single.qtype, single.options, single.answer) == (QType.SINGLE, ["《山海经》", "《水经注》"], ["B"])
    assert (judge.qtype, judge.answer, judge.stem) == (QType.JUDGE, ["F"], "这种说法是（\u3000）的。")
    assert [(p.row, p.field) for p in result.problems] == [(3, "答案")]


def test_dangjian_shape(tmp_path: Path) -> None:
    path = dump(tmp_path / "tk.json", [
        {"question": "党章对（）的表述。", "answer": "党的思想路线"},
        {"question": "坚决反对（）和（）", "answer": "腐败；反腐败"},
        {"question": "这个说法对吗（）", "answer": "正确"},
        {"question": "3×4=（）", "answer": "12"},
    ], indent="\t")
    result = read(path)
    assert result.problems == []
    assert [(q.qtype, q.blanks or q.answer) for q in result.questions] == [
        (QType.FILL, [["党的思想路线"]]), (QType.FILL, [["腐败"], ["反腐败"]]), (QType.JUDGE, ["T"]),
        (QType.FILL, [["12"]])]


def test_gbk_json_and_unknown_shapes(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_bytes(json.dumps([{"题干": "甲（ ）", "答案": "乙"}], ensure_ascii=False).encode("gbk"))
    assert len(read(path).questions) == 1
    for data in (42, "text", {"a": {"b": 1}}, [1, 2]):
        result = read(dump(tmp_path / "u.json", data))
        assert result.questions == [] and result.errors


def test_html_to_text() -> None:
    assert html_to_text("<p>a&amp;b</p><p>c<br/>d</p>") == "a&b\nc\nd"
    assert html_to_text("  plain  ") == "plain"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(data)
    assert all(isinstance(p, Problem) for p in read(path).problems)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["A", "正确", "single", "images/x.png", "../x", "A. 甲"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["题干", "question", "title", "answer", "答案", "options", "a", "b", "type", "image",
                         "description", "questions", "studyhall", "difficulty", "score", "tags", "x|y"]),
        children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_JSON)
def test_random_json_never_raises(tmp_path: Path, data: object) -> None:
    result = read(dump(tmp_path / "r.json", data))
    assert all(isinstance(q, Question) for q in result.questions)
    assert all(isinstance(p, Problem) for p in result.problems)
