# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Pure grading of one answer: no database, no clock.

Responses use the question's *original* option letters (the taking screen's
shuffled letters are mapped back in ``core.quiz.attempts``):

* ``single``   ``["B"]``            ``multiple`` ``["A", "C"]``
* ``judge``    ``["T"]`` / ``["F"]`` ``fill``     one string per blank
* ``essay``    ``["free text"]``    (never graded here: it goes to the manual queue)

Multiple-choice scoring policies (per quiz):

* ``all_or_nothing``   exactly the right set earns the points, anything else 0
* ``half_for_subset``  少选得一半: a non-empty correct subset earns half, any wrong choice 0
* ``per_option``       each right option chosen earns points/k (k = number of right options),
                       each wrong option chosen takes points/k away, never below 0

Fill-in blanks are compared after normalisation (NFKC folds full/half width,
case is folded, all white space removed); each blank lists accepted
alternatives; blanks may be ordered or unordered; each blank earns its share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MULTI_POLICIES = ("all_or_nothing", "half_for_subset", "per_option")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Grade:
    score: float | None        # None: waits for manual grading
    correct: bool | None       # fully right? None for manual
    manual: bool = False


def normalize_blank(text: str) -> str:
    """Fold width, case and white space so "ＡＢ c" and "abc" compare equal."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _letters(response: Any) -> list[str]:
    if not response:
        return []
    return [str(x).strip().upper() for x in response if str(x).strip()]


def grade_choice(answer: Sequence[str], response: Any, points: float) -> Grade:
    """Single choice and 判断: exactly the key."""
    ok = _letters(response) == [a.upper() for a in answer]
    return Grade(points if ok else 0.0, ok)


def grade_multiple(answer: Sequence[str], response: Any, points: float, policy: str) -> Grade:
    key = {a.upper() for a in answer}
    chosen = set(_letters(response))
    if chosen == key:
        return Grade(points, True)
    if not chosen:
        return Grade(0.0, False)
    wrong = chosen - key
    if policy == "half_for_subset":
        return Grade(0.0 if wrong else points / 2, False)
    if policy == "per_option":
        share = points / len(key)
        return Grade(max(0.0, share * (len(chosen & key) - len(wrong))), False)
    if policy == "all_or_nothing":
        return Grade(0.0, False)
    raise ValueError(f"unknown multiple-choice policy {policy!r}")


def _max_matching(ok: list[list[bool]]) -> int:
    """Largest number of responses matched to distinct blanks (Kuhn's augmenting paths; tiny sizes)."""
    n_blanks = len(ok[0]) if ok else 0
    owner: list[int | None] = [None] * n_blanks

    def augment(r: int, seen: list[bool]) -> bool:
        for b in range(n_blanks):
            if ok[r][b] and not seen[b]:
                seen[b] = True
                holder = owner[b]
                if holder is None or augment(holder, seen):
                    owner[b] = r
                    return True
        return False

    return sum(augment(r, [False] * n_blanks) for r in range(len(ok)))


def blanks_right(blanks: Sequence[Sequence[str]], response: Any, *, ordered: bool) -> int:
    """How many blanks the response fills correctly."""
    given = [normalize_blank(str(r)) for r in (response or [])]
    keys = [{normalize_blank(a) for a in alts if normalize_blank(a)} for alts in blanks]
    if ordered:
        return sum(1 for i, k in enumerate(keys) if i < len(given) and given[i] and given[i] in k)
    ok = [[bool(g) and g in k for k in keys] for g in given]
    return _max_matching(ok)


def grade_fill(blanks: Sequence[Sequence[str]], response: Any, points: float, *, ordered: bool) -> Grade:
    if not blanks:
        return Grade(0.0, False)
    right = blanks_right(blanks, response, ordered=ordered)
    return Grade(points * right / len(blanks), right == len(blanks))


def grade(qtype: str, *, answer: Sequence[str], blanks: Sequence[Sequence[str]], response: Any, points: float,
          multi_policy: str = "all_or_nothing", fill_ordered: bool = True) -> Grade:
    """Grade one response to one question worth ``points``."""
    if qtype in ("single", "judge"):
        return grade_choice(answer, response, points)
    if qtype == "multiple":
        return grade_multiple(answer, response, points, multi_policy)
    if qtype == "fill":
        return grade_fill(blanks, response, points, ordered=fill_ordered)
    if qtype == "essay":
        return Grade(None, None, manual=True)
    raise ValueError(f"unknown question type {qtype!r}")


def is_answered(qtype: str, response: Any) -> bool:
    """True when the officer gave something (a blank-only fill or essay counts as unanswered)."""
    if not response:
        return False
    if qtype in ("fill", "essay"):
        return any(str(r).strip() for r in response)
    return True
