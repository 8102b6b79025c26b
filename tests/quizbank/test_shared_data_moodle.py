# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Moodle's own fixtures and the GIFT-grammar-PEG.js corpus (third-party data, see SOURCES.md 1-2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from base.problems import Severity
from quizbank.formats import ReadOptions, aiken, gift, moodlexml
from quizbank.model import QType

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
MOODLE = SHARED / "moodle-fixtures"
PEG = SHARED / "gift-peg-tests" / "questions"

pytestmark = pytest.mark.skipif(not MOODLE.is_dir(), reason="shared data not available")


def test_gift_questions() -> None:
    result = gift.read(MOODLE / "questions.gift.txt")
    # 9 questions: 7 imported, matching and numerical reported (not dropped).
    assert len(result.questions) + len(result.problems) == 9
    assert [q.qtype for q in result.questions] == [
        QType.ESSAY, QType.SINGLE, QType.MULTIPLE, QType.FILL, QType.JUDGE, QType.JUDGE, QType.JUDGE]
    assert [(p.line, p.severity) for p in result.problems] == [(5, Severity.ERROR), (31, Severity.ERROR)]
    assert "配对题" in result.problems[0].message and "数值题" in result.problems[1].message
    essay, single, multiple, fill, tf, t, true = result.questions
    assert essay.stem == "How are you?"
    assert single.options == ["yellow", "red", "blue"] and single.answer == ["A"]
    assert multiple.options == ["yellow", "red", "off-beige", "blue"] and multiple.answer == ["A", "C"]
    assert fill.stem == "Which is the best animal?" and fill.blanks == [["Frog"]]
    # The stray `";` after the block is text after the answers, so Moodle's rule inserts a blank.
    assert tf.stem == "42 is the Absolute Answer to everything.（ ）\";" and tf.answer == ["F"]
    assert tf.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert (t.answer, true.answer) == (["T"], ["T"])


def test_gift_with_category() -> None:
    result = gift.read(MOODLE / "questions_in_category.gift.txt")
    assert len(result.questions) + len(result.problems) == 4
    assert len(result.questions) == 3 and len(result.problems) == 1
    assert {q.category for q in result.questions} == {"Default for New Features"}
    greeting = result.questions[0]
    assert greeting.stem == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert greeting.answer == ["B"]


def test_aiken() -> None:
    result = aiken.read(MOODLE / "questions.aiken.txt")
    assert result.problems == []
    assert len(result.questions) == 2
    assert result.questions[0].answer == ["B"] and len(result.questions[0].options) == 4
    assert "<html class=\"cool\"> & images" in result.questions[1].stem


def test_aiken_errors() -> None:
    result = aiken.read(MOODLE / "aiken_errors.txt")
    assert [q.stem for q in result.questions] == ["A good question", "A second good question"]
    assert result.questions[1].options == ["Incorrect (No space)", "Correct (No space)"]
    assert [(p.line, p.field) for p in result.problems] == [(1, "选项"), (5, "题干"), (14, "答案")]
    assert all(p.severity is Severity.ERROR for p in result.problems)


def test_moodle_xml_nested_categories(tmp_path) -> None:
    result = moodlexml.read(MOODLE / "nested_categories_with_questions.xml", ReadOptions(media_dir=tmp_path))
    assert result.problems == []
    assert [q.qtype for q in result.questions] == [QType.JUDGE, QType.ESSAY, QType.JUDGE, QType.JUDGE, QType.JUDGE]
    assert [q.category for q in result.questions] == [
        "Iota", "Iota/Kappa", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu"]
    assert result.questions[0].stem == "Testing Iota Question" and result.questions[0].answer == ["T"]
    assert [q.source.line for q in result.questions] == [15, 55, 83, 123, 163]


def _peg_cases() -> list[Path]:
    return sorted(PEG.glob("*.gift")) if PEG.is_dir() else []


@pytest.mark.skipif(not PEG.is_dir(), reason="gift-peg-tests not available")
def test_peg_corpus_is_complete() -> None:
    assert len(_peg_cases()) == 51


# Every file in the corpus matches: questions + problems == items in the .json (Category
# items excluded, they set the category and are not questions). No file needed an exception.
@pytest.mark.parametrize("path", _peg_cases(), ids=lambda p: p.stem)
def test_peg_corpus_counts(path: Path) -> None:
    result = gift.read(path)
    expected = [item for item in json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
                if item["type"] != "Category"]
    assert len(result.questions) + len(result.problems) == len(expected)
    kinds = {"MC": {QType.SINGLE, QType.MULTIPLE}, "TF": {QType.JUDGE}, "Short": {QType.FILL},
             "Essay": {QType.ESSAY}}
    imported = [item["type"] for item in expected if item["type"] in kinds]
    assert len(imported) == len(result.questions)
    for item_type, q in zip(imported, result.questions, strict=True):
        assert q.qtype in kinds[item_type], (item_type, q)
    assert all(p.line is not None for p in result.problems)
