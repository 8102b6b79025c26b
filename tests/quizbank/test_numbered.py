# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The line-based numbered-list parser shared by the .docx and .txt formats."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from base import i18n
from base.problems import Severity
from base.progress import Cancelled, CancelToken
from quizbank.model import QType
from quizbank.numbered import Line, parse_lines


@pytest.fixture(autouse=True)
def _chinese_ui():
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def parse(text: str):
    return parse_lines(list(enumerate(text.split("\n"), start=1)), "题库.txt")


def test_plain_tuples_give_located_questions():
    result = parse("单选题\n1. 甲是（ ）\nA. 对\nB. 错\nC. 不知道\n答案：A")
    assert not result.problems
    (q,) = result.questions
    assert (q.qtype, q.stem, q.options, q.answer) == (QType.SINGLE, "甲是（ ）", ["对", "错", "不知道"], ["A"])
    assert (q.source.file, q.source.line) == ("题库.txt", 2)


@pytest.mark.parametrize(
    ("heading", "qtype"),
    [
        ("一、单选题", QType.SINGLE),
        ("二、多项选择题（每题2分）", QType.MULTIPLE),
        ("【多选题】", QType.MULTIPLE),
        ("判断题", QType.JUDGE),
        ("三、填空题", QType.FILL),
        ("简答题", QType.ESSAY),
        ("（四）不定项选择题：", QType.MULTIPLE),
        ("第五部分 是非题", QType.JUDGE),
        ("六、问答题（共3题，每题10分）", QType.ESSAY),
    ],
)
def test_heading_sets_type(heading, qtype):
    body = {
        QType.SINGLE: "1. 题目（ ）\nA. 甲\nB. 乙\n答案：A",
        QType.MULTIPLE: "1. 题目（ ）\nA. 甲\nB. 乙\n答案：AB",
        QType.JUDGE: "1. 题目\n答案：对",
        QType.FILL: "1. 题目（ ）\n答案：甲",
        QType.ESSAY: "1. 题目\n参考答案：甲",
    }[qtype]
    result = parse(f"{heading}\n{body}")
    assert not result.problems
    assert [q.qtype for q in result.questions] == [qtype]


def test_without_heading_type_is_inferred():
    result = parse(
        "1. 题一（ ）\nA. 甲\nB. 乙\n答案：B\n"
        "2. 题二（ ）\nA. 甲\nB. 乙\nC. 丙\n答案：AC\n"
        "3. 题三\n答案：×\n"
        "4. 填空（ ）\n答案：甲"
    )
    assert not result.problems
    assert [q.qtype for q in result.questions] == [QType.SINGLE, QType.MULTIPLE, QType.JUDGE, QType.FILL]


def test_judge_written_with_options():
    result = parse("判断题\n1. 题目\nA. 正确\nB. 错误\n答案：B")
    (q,) = result.questions
    assert (q.qtype, q.options, q.answer) == (QType.JUDGE, [], ["F"])


def test_numbering_restarts_per_section():
    result = parse("单选题\n1. 甲（ ）\nA. 一\nB. 二\n答案：A\n判断题\n1. 乙\n答案：对\n2. 丙\n答案：错")
    assert [q.stem for q in result.questions] == ["甲（ ）", "乙", "丙"]
    assert [q.source.line for q in result.questions] == [2, 7, 9]


def test_sub_items_in_stem_with_same_numbering_style():
    result = parse(
        "单选题\n1. 第一题（ ）\nA. 甲\nB. 乙\n答案：A\n"
        "2. 关于下列说法：\n1. 说法一\n2. 说法二\n3. 说法三\n其中正确的是（ ）\nA. 1\nB. 2\n答案：B\n"
        "3. 第三题（ ）\nA. 甲\nB. 乙\n答案：A"
    )
    assert not result.problems
    assert len(result.questions) == 3
    assert result.questions[1].stem == "关于下列说法：\n1. 说法一\n2. 说法二\n3. 说法三\n其中正确的是（ ）"
    assert result.questions[2].stem == "第三题（ ）"


def test_numbered_line_inside_option_list_stays_in_the_option():
    result = parse("单选题\n3. 题目（ ）\nA. 甲\nB. 乙\n1) 补充说明\n答案：B\n4. 下一题（ ）\nA. 甲\nB. 乙\n答案：A")
    assert not result.problems
    assert [q.stem for q in result.questions] == ["题目（ ）", "下一题（ ）"]
    assert result.questions[0].options == ["甲", "乙\n1) 补充说明"]


def test_numbered_reference_answer_points():
    result = parse(
        "简答题\n1. 简述职责。\n参考答案：1. 维护秩序\n2. 保护人民\n3. 打击犯罪\n"
        "2. 简述宗旨。\n参考答案：\n1. 为人民服务\n2. 不谋私利\n3. 密切联系群众\n3. 第三题"
    )
    assert [q.stem for q in result.questions] == ["简述职责。", "简述宗旨。", "第三题"]
    assert result.questions[0].answer == ["1. 维护秩序\n2. 保护人民\n3. 打击犯罪"]
    assert result.questions[1].answer == ["1. 为人民服务\n2. 不谋私利\n3. 密切联系群众"]


def test_restart_without_heading_after_answered_question():
    result = parse("1. 甲（ ）\nA. 一\nB. 二\n答案：A\n2. 乙\n答案：对\n1. 丙\n答案：错")
    assert [q.stem for q in result.questions] == ["甲（ ）", "乙", "丙"]


def test_options_split_on_one_line_up_to_h():
    result = parse("1. 题（ ）\nA.一 B.二 C.三 D.四 E.五 F.六 G.七 H.八\n答案：H")
    (q,) = result.questions
    assert q.options == list("一二三四五六七八")
    assert q.answer == ["H"]


def test_option_text_with_letters_inside_is_not_split():
    result = parse("1. 题（ ）\nA. 维生素B.族 B. 乙\n答案：A")
    (q,) = result.questions
    assert q.options == ["维生素B.族", "乙"]


def test_bracket_answers_and_multiplication_sign():
    result = parse("判断题\n1. 2×3=6（√）\n2. 3×3=6（×）\n3. 2×3=5\n答案：错误\n4. 1+1=2（ 正确 ）")
    assert [(q.stem, q.answer) for q in result.questions] == [
        ("2×3=6（ ）", ["T"]),
        ("3×3=6（ ）", ["F"]),
        ("2×3=5", ["F"]),
        ("1+1=2（ ）", ["T"]),
    ]


def test_brackets_are_not_taken_when_an_answer_line_exists():
    result = parse("1. 选（B）还是选（ ）\nA. 甲\nB. 乙\n答案：A")
    (q,) = result.questions
    assert (q.stem, q.answer) == ("选（B）还是选（ ）", ["A"])


def test_fill_brackets_hold_blanks_only_under_fill_heading():
    result = parse("填空题\n1. 根本政治制度是（人民代表大会制度）。\n2. 公安机关（统一领导）、（分级管理）。")
    assert [(q.stem, q.blanks) for q in result.questions] == [
        ("根本政治制度是（ ）。", [["人民代表大会制度"]]),
        ("公安机关（ ）、（ ）。", [["统一领导"], ["分级管理"]]),
    ]
    loose = parse("1. 根本政治制度是（人民代表大会制度）。")
    assert not loose.questions
    assert [(p.line, p.field, p.message) for p in loose.problems] == [(1, "答案", "为空")]


def test_fill_answer_line_blanks_and_alternatives():
    result = parse("填空题\n1. （ ）和（ ）\n答案：公安/警察|检察")
    assert result.questions[0].blanks == [["公安", "警察"], ["检察"]]


def test_missing_answer_is_a_located_error():
    result = parse("\n\n单选题\n1. 没有答案（ ）\nA. 甲\nB. 乙\n2. 有答案（ ）\nA. 甲\nB. 乙\n答案：A")
    assert [q.stem for q in result.questions] == ["有答案（ ）"]
    (p,) = result.problems
    assert (p.file, p.line, p.field, p.message, p.severity) == ("题库.txt", 4, "答案", "为空", Severity.ERROR)
    assert str(p) == "题库.txt 第4行 答案：为空"


def test_stray_lines_are_warnings():
    result = parse("某某单位题库\n1. 题（ ）\nA. 甲\nB. 乙\n答案：A\n难度：中等\n这一行不知道属于哪里")
    assert len(result.questions) == 1
    assert [(p.line, p.severity) for p in result.problems] == [(1, Severity.WARNING), (7, Severity.WARNING)]


def test_meta_lines():
    body = "1. 题（ ）\nA. 甲\nB. 乙\n答案：A\n知识点：警械使用\n难度：较难\n分值：2分\n标签：法律，警务"
    result = parse(body + "\n题型：多选题")
    assert not result.questions  # 题型 says multiple but only one answer letter is given
    assert [(p.field, p.message) for p in result.problems] == [("答案", "多选题至少需要两个正确选项")]
    result = parse(body)
    (q,) = result.questions
    assert (q.category, q.difficulty, q.score, q.tags) == ("警械使用", 3, 2.0, ["法律", "警务"])


def test_word_auto_numbering_lines():
    lines = [
        Line(1, "单选题"),
        Line(2, "首都是（ ）", auto="number"),
        Line(3, "北京", auto="letter", level=0),
        Line(4, "上海", auto="letter", level=0),
        Line(5, "答案：A"),
        Line(6, "第二题（ ）", auto="number"),
        Line(7, "甲", auto="letter"),
        Line(8, "乙", auto="letter"),
        Line(9, "答案：B"),
        Line(10, "判断题"),
        Line(11, "地球是圆的（√）", auto="number"),
        Line(12, "地球是方的（×）", auto="number"),
    ]
    result = parse_lines(lines, "a.docx")
    assert not result.problems
    assert [(q.qtype, q.stem, q.options, q.answer, q.source.line) for q in result.questions] == [
        (QType.SINGLE, "首都是（ ）", ["北京", "上海"], ["A"], 2),
        (QType.SINGLE, "第二题（ ）", ["甲", "乙"], ["B"], 6),
        (QType.JUDGE, "地球是圆的（ ）", [], ["T"], 11),
        (QType.JUDGE, "地球是方的（ ）", [], ["F"], 12),
    ]


def test_media_lines_attach_to_the_current_question():
    lines = [Line(1, "", ("/m/a.png",)), Line(2, "1. 看图（ ）", ("/m/b.png",)), Line(3, "", ("/m/c.png",)),
             Line(4, "A. 甲 B. 乙"), Line(5, "答案：A")]
    result = parse_lines(lines, "a.docx")
    assert result.questions[0].media == ["/m/b.png", "/m/c.png"]
    assert [(p.line, p.field) for p in result.problems] == [(1, "图片")]


def test_progress_and_cancel():
    calls: list[tuple[int, int]] = []
    text = "\n".join(f"{i}. 题{i}\n答案：对" for i in range(1, 101))
    lines = list(enumerate(text.split("\n"), start=1))
    result = parse_lines(lines, "a.txt", progress=lambda done, total, label: calls.append((done, total)))
    assert len(result.questions) == 100
    assert calls[0] == (0, 200) and calls[-1] == (200, 200)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        parse_lines(lines, "a.txt", cancel=token)


_PIECES = st.sampled_from(
    ["1.", "1、", "（1）", "第2题", "A.", "(B)", "Ａ．", "答案：", "【答案】", "解析：", "难度：", "分类：", "一、",
     "单选题", "判断题", "填空题", "（ ）", "(ABC)", "（√）", "×", "√", "\u00a0", "\u3000", "\t", " ", "2×3",
     "正确", "B", "甲", "\ufeff", "】", "（", "）"]
)
_LINE = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=30))
def test_fuzz_random_lines_never_raise(texts):
    result = parse_lines(list(enumerate(texts, start=1)), "fuzz.txt")
    for q in result.questions:
        assert not q.problems()
        assert q.source.line is not None and 1 <= q.source.line <= len(texts)
    for p in result.problems:
        assert p.file == "fuzz.txt" and p.message
