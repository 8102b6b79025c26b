# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Duplicate detection: the bulk content hash is the hash of the normalised texts, question by question."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.model import CleanTexts, QType, Question, content_hashes, normalize_text
from quizbank.normalize import is_clean

# Text with what the folds change: spaces of every width, full-width forms, case, separators.
_TEXT = st.text(alphabet="警察Ａａ1１ ,，?？\u3000\u00a0\t\n\x01AbZ", max_size=8)
_PRINTABLE = st.text(alphabet="警察Ａａ1１   ,，?？AbZ", max_size=8)


def _reference(q: Question) -> str:
    parts = (q.qtype.value, q.stem, *q.options)
    return hashlib.sha1("\x00".join(normalize_text(p) for p in parts).encode("utf-8")).hexdigest()


@settings(max_examples=300, deadline=None)
@given(items=st.lists(st.tuples(st.sampled_from(list(QType)), _TEXT, st.lists(_TEXT, max_size=4)), max_size=12))
def test_bulk_hashes_equal_the_per_question_definition(items: list[tuple[QType, str, list[str]]]) -> None:
    qs = [Question(t, stem, options) for t, stem, options in items]
    assert content_hashes(qs) == [_reference(q) for q in qs]
    assert [q.content_hash() for q in qs] == [_reference(q) for q in qs]


@settings(max_examples=300, deadline=None)
@given(items=st.lists(st.tuples(st.sampled_from(list(QType)), _PRINTABLE, st.lists(_PRINTABLE, max_size=4)),
                      max_size=12))
def test_bulk_hashes_of_printable_text_equal_the_per_question_definition(
        items: list[tuple[QType, str, list[str]]]) -> None:
    # Only " " for white space: the path that collapses the spaces of all the texts at once.
    qs = [Question(t, stem, options) for t, stem, options in items]
    assert content_hashes(qs) == [_reference(q) for q in qs]


def test_copies_differing_in_width_spaces_and_case_are_duplicates() -> None:
    a = Question(QType.SINGLE, "人民警察，应当  依法？", ["Ａ项", "b"])
    b = Question(QType.SINGLE, " 人民警察,应当\u3000依法?", ["a项 ", "B"])
    c = Question(QType.MULTIPLE, "人民警察,应当 依法?", ["a项", "b"])
    assert a.content_hash() == b.content_hash() != c.content_hash()


@settings(max_examples=300, deadline=None)
@given(items=st.lists(st.tuples(st.sampled_from(list(QType)), _PRINTABLE.filter(is_clean),
                                st.lists(_PRINTABLE.filter(is_clean), max_size=4)), max_size=12))
def test_hashes_of_texts_known_clean_skip_nothing_that_matters(items: list[tuple[QType, str, list[str]]]) -> None:
    # A reader's clean cells (printable, single spaces inside): no white-space pass, the same hashes.
    qs = [Question(t, stem, options) for t, stem, options in items]
    assert content_hashes(qs, clean=True) == content_hashes(CleanTexts(qs)) == [_reference(q) for q in qs]


def test_clean_is_a_promise_the_caller_keeps() -> None:
    # Told clean when it is not, the white space is left as it is: only readers that checked may say so.
    q = Question(QType.SINGLE, "人民警察  依法", ["甲", "乙"])
    assert content_hashes([q]) == [_reference(q)] != content_hashes([q], clean=True)
