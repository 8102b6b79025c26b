# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Table-driven grading: every question type and every multiple-choice policy."""

from __future__ import annotations

import pytest

from core.quiz.grading import Grade, blanks_right, grade, is_answered, normalize_blank

CHOICE = [
    # qtype, answer, response, expected score (of 2), correct
    ("single", ["B"], ["B"], 2.0, True),
    ("single", ["B"], ["b"], 2.0, True),
    ("single", ["B"], ["C"], 0.0, False),
    ("single", ["B"], None, 0.0, False),
    ("single", ["B"], ["B", "C"], 0.0, False),
    ("judge", ["T"], ["T"], 2.0, True),
    ("judge", ["T"], ["F"], 0.0, False),
    ("judge", ["F"], [], 0.0, False),
]


@pytest.mark.parametrize(("qtype", "answer", "response", "score", "correct"), CHOICE)
def test_single_and_judge(qtype: str, answer: list[str], response: list[str] | None, score: float,
                          correct: bool) -> None:
    assert grade(qtype, answer=answer, blanks=[], response=response, points=2.0) == Grade(score, correct)


MULTI = [
    # policy, response, expected score (of 4) for key A C D
    ("all_or_nothing", ["A", "C", "D"], 4.0),
    ("all_or_nothing", ["D", "A", "C"], 4.0),
    ("all_or_nothing", ["A", "C"], 0.0),
    ("all_or_nothing", ["A", "B", "C", "D"], 0.0),
    ("half_for_subset", ["A", "C", "D"], 4.0),
    ("half_for_subset", ["A", "C"], 2.0),
    ("half_for_subset", ["D"], 2.0),
    ("half_for_subset", ["A", "B"], 0.0),
    ("half_for_subset", ["A", "B", "C", "D"], 0.0),
    ("half_for_subset", [], 0.0),
    ("per_option", ["A", "C", "D"], 4.0),
    ("per_option", ["A", "C"], 4.0 * 2 / 3),
    ("per_option", ["A"], 4.0 / 3),
    ("per_option", ["A", "C", "B"], 4.0 / 3),
    ("per_option", ["A", "B", "E"], 0.0),
    ("per_option", None, 0.0),
]


@pytest.mark.parametrize(("policy", "response", "score"), MULTI)
def test_multiple_policies(policy: str, response: list[str] | None, score: float) -> None:
    g = grade("multiple", answer=["A", "C", "D"], blanks=[], response=response, points=4.0, multi_policy=policy)
    assert g.score == pytest.approx(score)
    assert g.correct is (score == 4.0)


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError):
        grade("multiple", answer=["A", "B"], blanks=[], response=["A"], points=1, multi_policy="generous")


FILL = [
    # blanks, response, ordered, expected score (of 4)
    ([["北京"]], ["北京"], True, 4.0),
    ([["ABC"]], ["ａｂｃ"], True, 4.0),                  # full width and case
    ([["酒醒"]], [" 酒 醒 "], True, 4.0),               # spaces
    ([["交强险", "第三者责任强制保险"]], ["第三者责任强制保险"], True, 4.0),   # alternatives
    ([["20", "二十"], ["80", "八十"]], ["二十", "80"], True, 4.0),
    ([["20", "二十"], ["80", "八十"]], ["20", "90"], True, 2.0),           # partial credit per blank
    ([["20"], ["80"]], ["80", "20"], True, 0.0),                            # ordered: wrong places
    ([["20"], ["80"]], ["80", "20"], False, 4.0),                           # unordered: any order
    ([["绝密"], ["秘密"]], ["秘密", "秘密"], False, 2.0),                   # one answer fills one blank only
    ([["a", "b"], ["b"]], ["b", "a"], False, 4.0),                          # needs a real matching
    ([["北京"]], [""], True, 0.0),
    ([["北京"]], None, True, 0.0),
]


@pytest.mark.parametrize(("blanks", "response", "ordered", "score"), FILL)
def test_fill(blanks: list[list[str]], response: list[str] | None, ordered: bool, score: float) -> None:
    g = grade("fill", answer=[], blanks=blanks, response=response, points=4.0, fill_ordered=ordered)
    assert g.score == pytest.approx(score)
    assert g.correct is (score == 4.0)


def test_essay_goes_to_manual_queue() -> None:
    assert grade("essay", answer=["参考"], blanks=[], response=["我的答案"], points=10) == Grade(None, None, True)


@pytest.mark.parametrize(("text", "norm"), [("ＡＢＣ", "abc"), (" a\u3000b ", "ab"), ("Ⅻ", "xii"), ("１２", "12")])
def test_normalize_blank(text: str, norm: str) -> None:
    assert normalize_blank(text) == norm


@pytest.mark.parametrize(("qtype", "response", "answered"), [
    ("single", None, False), ("single", ["A"], True), ("fill", ["", " "], False), ("fill", ["", "x"], True),
    ("essay", [""], False), ("essay", ["文字"], True), ("multiple", [], False)])
def test_is_answered(qtype: str, response: list[str] | None, answered: bool) -> None:
    assert is_answered(qtype, response) is answered


def test_blanks_right_counts() -> None:
    assert blanks_right([["a"], ["b"], ["c"]], ["c", "a"], ordered=False) == 2
