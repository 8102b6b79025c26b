# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Aiken import/export: golden fixtures, located problems, round trips and fuzzing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from base.errors import FormatError
from base.problems import Severity
from quizbank import formats
from quizbank.formats import aiken
from quizbank.model import QType, Question

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moodle"


def test_registry_and_forced_read_of_txt(tmp_path) -> None:
    assert formats.for_path(Path("a.aiken")).name == "aiken"
    path = tmp_path / "aiken.txt"
    path.write_text("问题\nA) 甲\nB) 乙\nANSWER: B\n", encoding="utf-8")
    (q,) = formats.by_name("aiken").read(path, formats.ReadOptions()).questions
    assert (q.stem, q.options, q.answer) == ("问题", ["甲", "乙"], ["B"])


def test_golden_chinese_fixture() -> None:
    result = aiken.read(FIXTURES / "zh_questions.aiken")
    assert result.questions == [
        Question(QType.SINGLE, "我国的首都是：", ["上海", "北京", "广州", "深圳"], ["B"]),
        Question(QType.SINGLE, "报警电话是多少？", ["110", "119"], ["A"]),
        Question(QType.MULTIPLE, "下列哪些是直辖市？", ["北京", "上海", "杭州"], ["A", "B"]),
    ]
    assert [q.source.line for q in result.questions] == [1, 8, 13]
    assert [(p.line, p.field, p.severity) for p in result.problems] == [
        (19, "选项", Severity.ERROR),
        (23, "题干", Severity.ERROR),
        (26, "选项", Severity.ERROR),
        (31, "答案", Severity.ERROR),
        (36, "答案", Severity.ERROR),
    ]
    assert result.problems[0].message == "至少需要两个选项，只有1个"
    assert str(result.problems[4]) == "zh_questions.aiken 第36行 答案：缺少“ANSWER:”行"


def test_html_is_kept_literally(tmp_path) -> None:
    path = tmp_path / "h.aiken"
    path.write_text("Use <b>bold</b> & more?\nA) <i>yes</i>\nB) no\nANSWER: A", encoding="utf-8")
    (q,) = aiken.read(path).questions
    assert q.stem == "Use <b>bold</b> & more?" and q.options[0] == "<i>yes</i>"


def test_answer_with_option_text_uses_first_letter(tmp_path) -> None:
    path = tmp_path / "a.aiken"
    path.write_text("Started by:\nA) Petr\nB) Martin\nANSWER: B) Martin\n", encoding="utf-8")
    assert aiken.read(path).questions[0].answer == ["B"]


def test_writer_golden_and_round_trip(tmp_path) -> None:
    questions = [
        Question(QType.SINGLE, "我国的首都是：\n（单选）", ["上海", "北京"], ["B"]),
        Question(QType.SINGLE, "报警电话？", ["110", "119", "120"], ["A"]),
    ]
    text = aiken.dumps(questions)
    assert text == (
        "我国的首都是：\n（单选）\nA) 上海\nB) 北京\nANSWER: B\n\n"
        "报警电话？\nA) 110\nB) 119\nC) 120\nANSWER: A\n"
    )
    path = tmp_path / "rt.aiken"
    aiken.write(path, questions)
    assert aiken.read(path).questions == questions


def test_writer_refuses_non_single_questions(tmp_path) -> None:
    questions = [
        Question(QType.SINGLE, "a", ["x", "y"], ["A"]),
        Question(QType.JUDGE, "b", answer=["T"]),
        Question(QType.ESSAY, "c"),
    ]
    with pytest.raises(FormatError, match="第2题是判断题（共2道题无法保存）"):
        aiken.write(tmp_path / "x.aiken", questions)
    assert not (tmp_path / "x.aiken").exists()


def test_writer_refuses_stem_that_reads_as_an_option() -> None:
    with pytest.raises(FormatError, match="第1题"):
        aiken.dumps([Question(QType.SINGLE, "题目\nA) 不是选项", ["x", "y"], ["A"])])


_WORDS = st.text(st.sampled_from(list("公安警察法律甲乙丙abcxyz0123 ，。？<>&")), min_size=1, max_size=20)
_LINE = _WORDS.map(lambda s: " ".join(s.split())).filter(bool)


@st.composite
def singles(draw) -> Question:
    stem = "\n".join(draw(st.lists(_LINE, min_size=1, max_size=3)))
    options = draw(st.lists(_LINE, min_size=2, max_size=8))
    return Question(QType.SINGLE, stem, options, [draw(st.sampled_from("ABCDEFGH"[: len(options)]))])


@settings(max_examples=150, deadline=None)
@given(st.lists(singles(), min_size=1, max_size=5))
def test_round_trip_property(questions) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rt.aiken"
        aiken.write(path, questions)
        result = aiken.read(path)
    assert result.problems == []
    assert result.questions == questions


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from(list("AB)．.: \nANSWERanswer答案问题ＡＢ")), max_size=200))
def test_random_aiken_like_text_never_raises(text) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.aiken"
        path.write_text(text, encoding="utf-8")
        result = aiken.read(path)
    assert all(p.line is not None for p in result.problems)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.aiken"
        path.write_bytes(data)
        aiken.read(path)
