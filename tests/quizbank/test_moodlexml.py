# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Moodle XML import/export: golden fixture, media, round trips and fuzzing."""

from __future__ import annotations

import base64
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base.errors import FormatError
from base.problems import Severity
from quizbank import formats
from quizbank.formats import ReadOptions, moodlexml
from quizbank.model import QType, Question
from quizbank.normalize import clean

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moodle"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_registry() -> None:
    assert formats.for_path(Path("bank.xml")).name == "moodlexml"


def test_golden_chinese_fixture(tmp_path) -> None:
    media = tmp_path / "media"
    result = moodlexml.read(FIXTURES / "zh_media.xml", ReadOptions(media_dir=media))
    cat = "交通安全/标志"
    assert result.questions == [
        Question(QType.SINGLE, "下图中的交通标志表示什么？", ["禁止通行", "注意行人 & 车辆"], ["A"],
                 explanation="这是禁止通行标志。\n见《道路交通安全法》。", category=cat, tags=["标志", "图片题"],
                 score=2.0, media=[str((media / "sign.png").resolve())]),
        Question(QType.MULTIPLE, "以下哪些是机动车？ <b>注意</b>", ["汽车", "摩托车", "自行车"], ["A", "B"],
                 category=cat,
                 media=[str((media / "逃逸.png").resolve())]),
        Question(QType.FILL, "机动车在高速公路上行驶，最高车速不得超过每小时（ ）公里。", blanks=[["120", "一百二十"]],
                 category=cat),
        Question(QType.FILL, "红灯（ ），绿灯（ ）。", blanks=[["停"], ["行"]], category=cat),
        Question(QType.JUDGE, "酒后可以驾驶机动车。", answer=["F"], category=cat),
        Question(QType.ESSAY, "简述交通事故的处理流程。", answer=["保护现场\n报警"], category=cat),
    ]
    assert [q.source.line for q in result.questions] == [10, 36, 45, 53, 73, 80]
    assert [(p.line, p.severity) for p in result.problems] == [
        (58, Severity.ERROR), (63, Severity.ERROR), (68, Severity.WARNING)]
    assert "完形填空题" in result.problems[0].message and "配对题" in result.problems[1].message
    # The "../../逃逸.png" file name cannot leave the media folder.
    assert sorted(p.name for p in media.iterdir()) == ["sign.png", "逃逸.png"]
    assert (media / "sign.png").read_bytes() == PNG
    assert not (tmp_path / "逃逸.png").exists()


def test_media_go_to_a_temporary_folder_without_media_dir() -> None:
    q = moodlexml.read(FIXTURES / "zh_media.xml").questions[0]
    (image,) = q.media
    assert Path(image).is_absolute() and Path(image).read_bytes() == PNG


def test_same_name_different_content_gets_a_new_name(tmp_path) -> None:
    (tmp_path / "sign.png").write_bytes(b"other")
    q = moodlexml.read(FIXTURES / "zh_media.xml", ReadOptions(media_dir=tmp_path)).questions[0]
    assert Path(q.media[0]).name == "sign-1.png"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b"<quiz><question type='truefalse'>", "XML 格式错误"), (b"<html/>", "根元素应为 <quiz>"), (b"", "XML 格式错误")],
)
def test_broken_files_give_a_problem(tmp_path, data, fragment) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(data)
    result = moodlexml.read(path)
    assert result.questions == [] and len(result.problems) == 1
    assert fragment in result.problems[0].message


def test_writer_output_is_moodle_xml(tmp_path) -> None:
    image = tmp_path / "图 1.png"
    image.write_bytes(PNG)
    questions = [
        Question(QType.SINGLE, "a < b？", ["是", "否"], ["A"], explanation="因为\n如此", category="法律/宪法",
                 tags=["t1"], score=2.0, media=[str(image)]),
        Question(QType.MULTIPLE, "多选", ["甲", "乙", "丙"], ["A", "C"], category="法律/宪法"),
        Question(QType.JUDGE, "判断", answer=["F"]),
        Question(QType.FILL, "一空（ ）", blanks=[["a", "b"]]),
        Question(QType.FILL, "两空（ ）和（ ）。", blanks=[["x~}"], ["y"]]),
        Question(QType.ESSAY, "简答", answer=["参考"]),
    ]
    root = ET.fromstring(moodlexml.dumps(questions))
    types = [q.get("type") for q in root.findall("question")]
    assert types == ["category", "multichoice", "multichoice", "category", "truefalse", "shortanswer", "cloze", "essay"]
    cats = [c.findtext("category/text") for c in root.findall("question[@type='category']")]
    assert cats == ["$course$/top/法律/宪法", "$course$/top"]
    first = root.findall("question")[1]
    image_ref = '<br /><img src="@@PLUGINFILE@@/%E5%9B%BE%201.png"'
    assert first.findtext("questiontext/text").startswith("a &lt; b？" + image_ref)
    assert first.findtext("generalfeedback/text") == "因为<br />如此"
    assert [a.get("fraction") for a in root.findall("question")[2].findall("answer")] == ["50", "-100", "50"]
    cloze = root.findall("question")[6].findtext("questiontext/text")
    assert cloze == "两空{1:SHORTANSWER:=x\\~\\}}和{1:SHORTANSWER:=y}。"

    path = tmp_path / "out.xml"
    moodlexml.write(path, questions)
    result = moodlexml.read(path, ReadOptions(media_dir=tmp_path))
    assert result.problems == []
    assert result.questions == questions


def test_writer_raises_for_missing_media(tmp_path) -> None:
    q = Question(QType.ESSAY, "x", media=[str(tmp_path / "nope.png")])
    with pytest.raises(FormatError, match="第1题的媒体文件不存在"):
        moodlexml.dumps([q])


_ALPHABET = st.sampled_from(list("公安警察法律题答案甲乙丙abcXYZ019 :#={}~\\[]%<>&/-*'\"\n（）。、;"))
_TEXT = st.text(_ALPHABET, min_size=1, max_size=30).map(clean).filter(bool)


@st.composite
def xml_questions(draw) -> Question:
    qtype = draw(st.sampled_from(list(QType)))
    common = {
        "explanation": draw(st.one_of(st.just(""), _TEXT)),
        "category": draw(st.lists(st.text("公安法律abc", min_size=1, max_size=4), max_size=3).map("/".join)),
        "tags": draw(st.lists(_TEXT.map(lambda s: " ".join(s.split())), max_size=2)),
        "score": draw(st.sampled_from([None, 1.0, 2.5, 10.0])),
    }
    stem = draw(_TEXT)
    if qtype in (QType.SINGLE, QType.MULTIPLE):
        options = draw(st.lists(_TEXT, min_size=3, max_size=8))
        k = 1 if qtype is QType.SINGLE else draw(st.integers(2, len(options)))
        answer = sorted(draw(st.permutations("ABCDEFGH"[: len(options)]))[:k])
        return Question(qtype, stem, options, answer, **common)
    if qtype is QType.JUDGE:
        return Question(qtype, stem, answer=[draw(st.sampled_from("TF"))], **common)
    if qtype is QType.FILL:
        stem = stem.replace("{", "(")  # a literal "{1:SA:…}" in a cloze stem would be a gap
        alts = st.lists(_TEXT.filter(lambda s: s != "*"), min_size=1, max_size=3, unique=True)
        blanks = draw(st.lists(alts, min_size=1, max_size=3))
        if draw(st.booleans()):
            stem = "（ ）".join([stem] * (len(blanks) + 1))
        return Question(qtype, stem, blanks=blanks, **common)
    return Question(qtype, stem, answer=draw(st.lists(_TEXT, max_size=1)), **common)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(xml_questions(), min_size=1, max_size=5))
def test_round_trip_property(questions) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rt.xml"
        moodlexml.write(path, questions)
        result = moodlexml.read(path)
    assert result.problems == []
    assert [q.to_dict() for q in result.questions] == [q.to_dict() for q in questions]


_FRAGMENTS = [
    "<answer fraction='50'><text>a</text></answer>", "<answer fraction='x'><text>b</text></answer>",
    "<answer fraction='100' format='html'><text>&lt;p&gt;true&lt;/p&gt;</text></answer>", "<answer/>",
    "<single>x</single>", "<single>false</single>", "<defaultgrade>abc</defaultgrade>",
    "<defaultgrade>1e999</defaultgrade>",
    "<questiontext format='html'><text>&lt;p&gt;{1:SA:=a~%50%b\\}{:MC:=c}&lt;/p&gt;</text></questiontext>",
    "<questiontext><text>题干</text><file name='../../x' encoding='base64'>!!</file></questiontext>",
    "<file name='' encoding='base64'>aGk=</file>", "<file name='..'>aGk=</file>",
    "<category><text>$a$/b</text></category>",
    "<tags><tag><text>t</text></tag><tag/></tags>", "<graderinfo format='bogus'><text>g</text></graderinfo>",
    "<generalfeedback format='html'><text>&lt;br&gt;&lt;p</text></generalfeedback>",
]
_TYPES = ["multichoice", "multichoiceset", "truefalse", "shortanswer", "essay", "cloze", "category", "description",
          "matching", "", "numerical"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TYPES), st.lists(st.sampled_from(_FRAGMENTS), max_size=6)), max_size=4))
def test_random_question_elements_never_raise(items) -> None:
    body = "".join(f"<question type='{t}'>{''.join(parts)}</question>" for t, parts in items)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xml"
        path.write_text(f"<quiz>{body}</quiz>", encoding="utf-8")
        result = moodlexml.read(path, ReadOptions(media_dir=Path(folder) / "m"))
        assert all(not (Path(folder) / name).exists() for name in ("x",))
    for q in result.questions:
        assert q.problems() == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        moodlexml.read(path)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xml"
        path.write_bytes(data)
        moodlexml.read(path)
