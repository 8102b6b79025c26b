# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Hypothesis strategies shared by the format tests: valid questions of every type."""

from __future__ import annotations

from hypothesis import strategies as st

from quizbank.model import QType, Question

# Texts that survive a spreadsheet or CSV cell (no separators, no edge spaces).
CELL_TEXT = st.text(alphabet="学习警察法律公安人民甲乙丙丁abcXYZ0123456789《》，。？", min_size=1, max_size=12)
TAG = st.text(alphabet="学习警察法律公安人民abc0123", min_size=1, max_size=6)


@st.composite
def questions(draw: st.DrawFn, text: st.SearchStrategy[str] = CELL_TEXT, tag: st.SearchStrategy[str] = TAG,
              free: st.SearchStrategy[str] | None = None, any_score: bool = False, media: bool = False) -> Question:
    """Valid questions. ``free`` draws explanation/category/essay text (default: ``text`` or empty);
    ``any_score`` allows any finite float score; ``media`` adds media names."""
    optional = free if free is not None else st.one_of(st.just(""), text)
    score = (st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)) if any_score
             else st.sampled_from([None, 1.0, 2.5, 0.1, 10.0]))
    extra: dict[str, object] = {"explanation": draw(optional), "category": draw(optional),
                                "tags": draw(st.lists(tag, max_size=3)), "difficulty": draw(st.integers(1, 3)),
                                "score": draw(score)}
    if media:
        extra["media"] = draw(st.lists(text, max_size=2))
    qtype = draw(st.sampled_from(list(QType)))
    stem = draw(text)
    if qtype in (QType.SINGLE, QType.MULTIPLE):
        opts = draw(st.lists(text, min_size=2, max_size=8))
        k = 1 if qtype is QType.SINGLE else draw(st.integers(2, len(opts)))
        answer = sorted(draw(st.permutations("ABCDEFGH"[: len(opts)]))[:k])
        return Question(qtype, stem, opts, answer, **extra)  # type: ignore[arg-type]
    if qtype is QType.JUDGE:
        return Question(qtype, stem, answer=[draw(st.sampled_from("TF"))], **extra)  # type: ignore[arg-type]
    if qtype is QType.FILL:
        blanks = draw(st.lists(st.lists(text, min_size=1, max_size=3), min_size=1, max_size=3))
        return Question(qtype, stem, blanks=blanks, **extra)  # type: ignore[arg-type]
    essay = free if free is not None else text
    return Question(qtype, stem, answer=draw(st.lists(essay, max_size=1)), **extra)  # type: ignore[arg-type]
