# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""GIFT import/export: golden fixtures, edge cases, round trips and fuzzing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base.problems import Severity
from quizbank import formats
from quizbank.formats import gift
from quizbank.model import QType, Question

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moodle"


def read_text(tmp_path: Path, text: str, name: str = "t.gift"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return gift.read(path)


def test_registry_finds_gift_by_extension_and_name() -> None:
    assert formats.for_path(Path("题库.gift")).name == "gift"
    assert formats.for_path(Path("题库.GIFT"), writing=True).name == "gift"
    assert formats.by_name("gift").write is gift.write


def test_golden_chinese_fixture() -> None:
    result = gift.read(FIXTURES / "zh_features.gift")
    law, traffic = "公安基础知识/法律", "交通"
    expected = [
        Question(QType.SINGLE, "我国的根本大法是（ ）。", ["宪法", "刑法", "民法典"], ["A"],
                 explanation="宪法是国家的根本法。", category=law, tags=["宪法", "基础"]),
        Question(QType.MULTIPLE, "人民警察的任务包括", ["维护国家安全", "维护社会治安秩序", "制定法律"], ["A", "B"],
                 category=law),
        Question(QType.MULTIPLE, "下列属于公安机关的是：", ["派出所", "交警支队", "人民法院"], ["A", "B"],
                 category=law),
        Question(QType.JUDGE, "公安机关是人民民主专政的工具。", answer=["T"], explanation="见《人民警察法》第二条。",
                 category=law),
        Question(QType.JUDGE, "警察可以随意查看公民手机。", answer=["F"], category=law),
        Question(QType.FILL, "中华人民共和国成立于（ ）10月1日。", blanks=[["1949年", "1949"]], category=law),
        Question(QType.FILL, "（ ） 是报警电话，（ ） 是火警电话。", blanks=[["110"], ["119"]], category=law),
        Question(QType.ESSAY, "简述人民警察的职责。", explanation="依法履行职责。", category=law),
        Question(QType.SINGLE, "比例 1:2 中的符号{}是什么？", ["冒号:", "等号=", "井号#"], ["A"], category=law),
        Question(QType.JUDGE, "红灯停，绿灯行。", answer=["T"], category=traffic),
    ]
    assert result.questions == expected
    assert [q.source.line for q in result.questions] == [6, 14, 21, 24, 26, 29, 32, 35, 38, 50]
    assert all(q.source.file == "zh_features.gift" for q in result.questions)
    located = [(p.line, p.severity, p.field, p.message) for p in result.problems]
    assert located == [
        (41, Severity.ERROR, "题型", "StudyHall 不支持“配对题”，已跳过"),
        (44, Severity.ERROR, "题型", "StudyHall 不支持“数值题”，已跳过"),
        (46, Severity.WARNING, "题型", "说明文字（description）不是题目，已跳过"),
    ]


@pytest.mark.parametrize(
    ("text", "qtype", "stem", "answer", "blanks", "options"),
    [
        # Moodle's own examples (question/format/gift/format.php)
        ("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}", "single", "Who's buried in Grant's tomb?",
         ["C"], [], ["Grant", "Jefferson", "no one"]),
        ("Grant is {~buried =entombed ~living} in Grant's tomb.", "single", "Grant is （ ） in Grant's tomb.",
         ["B"], [], ["buried", "entombed", "living"]),
        ("Who's buried in Grant's tomb?{=no one =nobody}", "fill", "Who's buried in Grant's tomb?",
         [], [["no one", "nobody"]], []),
        ("How do you write 1? {One}", "fill", "How do you write 1?", [], [["One"]], []),
        ("Jesus Christ was from {=Nazareth =%75%Nazereth =%0%*}.", "fill", "Jesus Christ was from （ ）.",
         [], [["Nazareth"]], []),
        ("Difficult.{~wrong ~%50%half =full}", "single", "Difficult.", ["C"], [], ["wrong", "half", "full"]),
        ("Pick two.{~%50%a ~%50%b ~%-100%c}", "multiple", "Pick two.", ["A", "B"], [], ["a", "b", "c"]),
        ("Seasons\\: {= spring = summer ~ easter}", "multiple", "Seasons:", ["A", "B"], [],
         ["spring", "summer", "easter"]),
        ("Grant is buried.{FALSE#feedback for true #feedback for false}", "judge", "Grant is buried.", ["F"], [], []),
        ("[markdown]Who's buried in **Grant's tomb**?{T}", "judge", "Who's buried in **Grant's tomb**?", ["T"], [], []),
        ("::Q1:: How are you? {}", "essay", "How are you?", [], [], []),
        ("[html]Blah\\nblah $ 1 \\\\neq 0 $ {}", "essay", "Blah blah $ 1 \\neq 0 $", [], [], []),
        ("[markdown]one\\ntwo{}", "essay", "one\ntwo", [], [], []),
        ("{ =亚洲 } 是最大的洲。", "fill", "（ ） 是最大的洲。", [], [["亚洲"]], []),
    ],
)
def test_question_kinds(tmp_path, text, qtype, stem, answer, blanks, options) -> None:
    result = read_text(tmp_path, text)
    assert not result.problems
    (q,) = result.questions
    assert (q.qtype.value, q.stem, q.answer, q.blanks, q.options) == (qtype, stem, answer, blanks, options)


def test_escapes_html_and_general_feedback(tmp_path) -> None:
    text = (
        "::GIFT\\: chars::[html]<p>Which is <b>not</b> a control character &amp; why?</p>{\n"
        "  ~ \\~ # \\~ is one\n  ~ \\= \n  ~ \\#\n  ~ \\{\n  ~ \\}\n  ~ \\:\n"
        "  = \\\\ # right\n  ####<p>Line one<br>line two</p>\n}"
    )
    (q,) = read_text(tmp_path, text).questions
    assert q.stem == "Which is not a control character & why?"
    assert q.options == ["~", "=", "#", "{", "}", ":", "\\"]
    assert q.answer == ["G"]
    assert q.explanation == "Line one\nline two"


def test_problems_are_located_and_never_raise(tmp_path) -> None:
    text = (
        "::title only\n\nNo closing brace {=a\n\nMatch {=a -> 1 =b -> 2}\n\n"
        "Two kinds {~a =b} and {=c}\n\n几个月？{#12}"
    )
    result = read_text(tmp_path, text)
    assert result.questions == []
    assert [(p.line, p.severity) for p in result.problems] == [
        (1, Severity.ERROR), (3, Severity.ERROR), (5, Severity.ERROR), (7, Severity.ERROR), (9, Severity.ERROR)]
    assert [p.field for p in result.problems] == ["标题", "答案", "题型", "题型", "题型"]
    assert "配对题" in result.problems[2].message
    assert "数值题" in result.problems[4].message


def test_invalid_choice_becomes_one_problem(tmp_path) -> None:
    result = read_text(tmp_path, "// c\n没有正确答案 {~a ~b}\n")
    assert result.questions == []
    ((p),) = result.problems
    assert (p.line, p.field, p.severity) == (2, "答案", Severity.ERROR)


def test_gbk_file_is_decoded(tmp_path) -> None:
    path = tmp_path / "gbk.gift"
    path.write_bytes("我国首都是{=北京 ~上海}。".encode("gbk"))
    (q,) = gift.read(path).questions
    assert q.stem == "我国首都是（ ）。" and q.options == ["北京", "上海"]


WRITE_SAMPLE = [
    Question(QType.SINGLE, "我国的根本大法是（ ）。", ["宪法", "刑法: 1=2"], ["A"], explanation="见宪法序言。",
             category="法律/宪法", tags=["宪法"]),
    Question(QType.MULTIPLE, "下列属于公安机关的是", ["派出所", "交警支队", "法院 -> 否", "<b>检察院</b>"], ["A", "B"],
             category="法律/宪法"),
    Question(QType.JUDGE, "公安机关是行政机关。\n第二行", answer=["T"], category="法律/宪法"),
    Question(QType.FILL, "中华人民共和国成立于（ ）年（ ）月。", blanks=[["1949"], ["10", "十"]]),
    Question(QType.FILL, "报警电话是（ ）", blanks=[["110"]]),
    Question(QType.ESSAY, "//简述职责{}", explanation="#依法履职~"),
]


def test_writer_golden_text() -> None:
    expected = (FIXTURES / "zh_expected_write.gift").read_text(encoding="utf-8")
    assert gift.dumps(WRITE_SAMPLE) == expected


def test_writer_round_trip_of_sample(tmp_path) -> None:
    path = tmp_path / "out.gift"
    gift.write(path, WRITE_SAMPLE)
    result = gift.read(path)
    assert result.problems == []
    assert result.questions == WRITE_SAMPLE


# --- property tests --------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("公安警察法律题答案甲乙丙abcXYZ019 :#={}~\\[]%<>&/-*'\"\n（）。、"))
_TEXT = (
    st.text(_ALPHABET, min_size=1, max_size=30)
    .map(lambda s: "\n".join(ln.strip() for ln in s.split("\n")).strip())
    .filter(bool)
)
_LINE = _TEXT.map(lambda s: " ".join(s.split()))
_CATEGORY = st.lists(st.text("公安法律abc", min_size=1, max_size=4), max_size=3).map("/".join)
_TAGS = st.lists(st.text("公安法律abc-", min_size=1, max_size=5), max_size=2, unique=True)


@st.composite
def gift_questions(draw) -> Question:
    from quizbank.normalize import clean

    qtype = draw(st.sampled_from(list(QType)))
    stem, explanation = clean(draw(_TEXT)), clean(draw(st.one_of(st.just(""), _TEXT)))
    common = {"explanation": explanation, "category": draw(_CATEGORY), "tags": draw(_TAGS)}
    if qtype in (QType.SINGLE, QType.MULTIPLE):
        options = draw(st.lists(_LINE.map(clean), min_size=3, max_size=6))
        k = 1 if qtype is QType.SINGLE else draw(st.integers(2, len(options)))
        answer = sorted(draw(st.permutations("ABCDEF"[: len(options)]))[:k])
        return Question(qtype, stem, options, answer, **common)
    if qtype is QType.JUDGE:
        return Question(qtype, stem, answer=[draw(st.sampled_from("TF"))], **common)
    if qtype is QType.FILL:
        alts = st.lists(_LINE.map(clean).filter(lambda s: s != "*"), min_size=1, max_size=3, unique=True)
        blanks = draw(st.lists(alts, min_size=1, max_size=3))
        if draw(st.booleans()):
            stem = "（ ）".join([stem] * (len(blanks) + 1))  # marks in the stem, last one not at the end
        return Question(qtype, stem, blanks=blanks, **common)
    return Question(qtype, stem, **common)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(gift_questions(), min_size=1, max_size=5))
def test_round_trip_property(questions) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rt.gift"
        gift.write(path, questions)
        result = gift.read(path)
    assert result.problems == []
    assert [q.to_dict() for q in result.questions] == [q.to_dict() for q in questions]


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_random_text_never_raises(text) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.gift"
        path.write_text(text, encoding="utf-8")
        result = gift.read(path)
    for q in result.questions:
        assert q.problems() == []


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.gift"
        path.write_bytes(data)
        gift.read(path)
