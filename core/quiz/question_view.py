# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What a taking or practice screen receives for one question — never the answer.

Options may be shown in a shuffled order: ``option_order[i]`` is the original
index of the option shown at position ``i``. Responses travel between core and
the screen in *shown* letters and are stored in *original* letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from base.i18n import _
from core.models import QuestionRow
from quizbank.model import LETTERS

BLANK_MARK = "（ ）"


@dataclass(frozen=True, slots=True)
class QuestionView:
    """One question as the officer sees it. Deliberately has no answer, blanks or explanation fields."""

    position: int
    question_id: int
    qtype: str
    stem: str
    options: tuple[str, ...]        # in shown order
    blank_count: int                # fill-in: how many blanks to type
    points: float
    category: str = ""
    media: tuple[str, ...] = field(default_factory=tuple)


def blank_count(row: QuestionRow) -> int:
    return max(1, len(row.blanks or [])) if row.qtype == "fill" else 0


def view_of(row: QuestionRow, *, position: int, points: float, order: Sequence[int]) -> QuestionView:
    opts = list(row.options or [])
    shown = tuple(opts[i] for i in order) if order else tuple(opts)
    return QuestionView(position, row.id, row.qtype, row.stem, shown, blank_count(row), points, row.category or "",
                        tuple(row.media or []))


def to_original(qtype: str, response: Any, order: Sequence[int]) -> Any:
    """Shown letters -> original letters (choice types); other types pass through."""
    if response is None or qtype not in ("single", "multiple") or not order:
        return _clean(qtype, response)
    out = []
    for letter in response:
        i = LETTERS.find(str(letter).upper())
        if 0 <= i < len(order):
            out.append(LETTERS[order[i]])
    return sorted(out)


def to_shown(qtype: str, response: Any, order: Sequence[int]) -> Any:
    if response is None or qtype not in ("single", "multiple") or not order:
        return response
    back = {LETTERS[orig]: LETTERS[shown] for shown, orig in enumerate(order)}
    return sorted(back[str(a)] for a in response if str(a) in back)


def _clean(qtype: str, response: Any) -> Any:
    if response is None:
        return None
    if qtype in ("single", "multiple", "judge"):
        return sorted({str(a).upper() for a in response})
    return [str(r) for r in response]


def answer_text(qtype: str, answer: Sequence[str], blanks: Sequence[Sequence[str]], order: Sequence[int]) -> str:
    """The correct answer as the officer would read it, in the letters they saw."""
    if qtype in ("single", "multiple"):
        return "".join(to_shown(qtype, list(answer), order) or [])
    if qtype == "judge":
        return judge_text(answer)
    if qtype == "fill":
        return "；".join(" / ".join(alts) for alts in blanks)
    return answer[0] if answer else ""


def response_text(qtype: str, response: Any, order: Sequence[int]) -> str:
    if not response:
        return _("未作答")
    if qtype in ("single", "multiple"):
        return "".join(to_shown(qtype, response, order) or [])
    if qtype == "judge":
        return judge_text(response)
    return "；".join(str(r) for r in response)


def judge_text(value: Sequence[str]) -> str:
    return _("正确") if list(value) == ["T"] else _("错误")
