# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The duplicate check's kept keys: built a column at a time, the same as one question at a time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.bank.duplicates import DuplicateIndex
from quizbank.model import QType, Question

_WORDS = st.sampled_from(["A", "B", "AC", "T", "F", "依法", "规范", ""])


@st.composite
def _questions(draw: st.DrawFn) -> Question:
    return Question(QType.SINGLE, draw(st.text(max_size=5)), ["甲", "乙"], draw(st.lists(_WORDS, max_size=3)),
                    draw(st.lists(st.lists(_WORDS, min_size=1, max_size=2), max_size=2)),
                    media=draw(st.lists(st.sampled_from(["a.png", "b.png"]), max_size=2)))


@settings(max_examples=100, deadline=None)
@given(st.lists(_questions(), max_size=20), st.lists(_questions(), max_size=20))
def test_column_keys_equal_and_share_like_the_per_question_ones(first: list[Question], second: list[Question]) -> None:
    columns, single = DuplicateIndex.__new__(DuplicateIndex), DuplicateIndex.__new__(DuplicateIndex)
    columns._shared, single._shared = {}, {}
    for chunk in (first, second):
        by_column = columns._compact_all(chunk)
        one_by_one = [single._compact(q) for q in chunk]
        assert by_column == one_by_one
        # Equal answers share one kept tuple, as they do one at a time.
        assert len({id(p) for p in by_column}) == len(set(by_column))
    assert columns._shared == single._shared
