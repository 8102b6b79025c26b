# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Cell clean-up and fill-in answers: the fast paths give what their plain definitions give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.normalize import all_clean, clean, is_clean, split_blanks

# Separators, the white space around them, and the 或 that separates alternatives only between spaces.
_ANSWER = st.text(alphabet="公安警察a 或；;|｜/／\u3000\t\n", max_size=14)


def _reference_blanks(text: str) -> list[list[str]]:
    blanks = []
    for part in re.split(r"\s*[；;|｜]\s*", clean(text)):
        alts = [a for a in re.split(r"\s*[/／]\s*|\s+或\s+", part) if a]
        if alts:
            blanks.append(alts)
    return blanks


@settings(max_examples=500, deadline=None)
@given(text=_ANSWER)
def test_split_blanks_is_the_regex_split(text: str) -> None:
    assert split_blanks(text) == _reference_blanks(text)


def test_split_blanks_examples() -> None:
    assert split_blanks("腐败 ； 反腐败") == [["腐败"], ["反腐败"]]
    assert split_blanks("公安 / 警察｜人民") == [["公安", "警察"], ["人民"]]
    assert split_blanks("依法 或 守法") == [["依法", "守法"]]
    assert split_blanks("或者") == [["或者"]]


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(alphabet="警察a \u00a0\t", max_size=5), max_size=6),
       piped=st.lists(st.text(alphabet="警a |", max_size=4), max_size=4))
def test_all_clean_is_is_clean_of_each(texts: list[str], piped: list[str]) -> None:
    assert all_clean(texts) == all(is_clean(t) for t in texts)
    # Texts holding the joining "|" may be reported unclean when they are not, never the reverse.
    assert not all_clean(piped) or all(is_clean(t) for t in piped)
