# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Reading a sheet without a header row from what its columns hold.

:func:`guess_columns` finds the usual header-less choice bank (an optional number column, the
stem, options A–D…, the answer letter, perhaps a type and an explanation) from the cells
themselves: the answer column holds letters or 对/错 in (nearly) every row, the stem column
is the longest text filled in every row, the options are the columns between them (or after
the answer), and the answer letters must point at filled options. A guess needs
:data:`MIN_ROWS` rows that agree; the preview shows it and the user can correct it.

:func:`is_one_column` recognises sheets typed like a document, one text per row (stem,
options, 正确/错误…, a blank row between questions), which are read as lines instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice

from quizbank.columns import display
from quizbank.model import LETTERS
from quizbank.normalize import parse_judge, parse_letters, parse_qtype

MIN_ROWS = 3          # rows that must agree before columns are guessed
SAMPLE = 400          # data rows looked at
MAX_COLUMNS = 30      # columns looked at
AGREE = 0.8           # share of rows that must fit


def _filled(row: Sequence[object]) -> int:
    return sum(1 for c in row if c is not None and c != "" and not (isinstance(c, str) and not c.strip()))


def _answer_like(text: str) -> bool:
    if not text or len(text) > 20:
        return False
    return parse_letters(text) is not None or parse_judge(text) is not None


def guess_columns(rows: Sequence[Sequence[object]], min_rows: int = MIN_ROWS) -> dict[str, int] | None:
    """Field -> 0-based column for a header-less table of choice questions, or None when unsure."""
    data = list(islice((r for r in rows if _filled(r) >= 2), SAMPLE))
    if len(data) < min_rows:
        return None
    width = min(max(len(r) for r in data), MAX_COLUMNS)
    texts = [[display(r[c]) if c < len(r) else "" for r in data] for c in range(width)]
    n = len(data)
    filled = [sum(1 for t in col if t) for col in texts]

    def share(c: int, test: Callable[[str], bool]) -> float:
        values = [t for t in texts[c] if t]
        return sum(1 for t in values if test(t)) / len(values) if values else 0.0

    answers = [c for c in range(width) if filled[c] >= AGREE * n and share(c, _answer_like) >= AGREE]
    if not answers:
        return None
    answer = max(answers, key=lambda c: (share(c, _answer_like), c))
    kind = next((c for c in range(width) if c != answer and filled[c] >= n / 2
                 and share(c, lambda t: len(t) <= 10 and parse_qtype(t) is not None) >= AGREE), None)
    index = {c for c in range(width) if share(c, str.isdigit) >= 0.9 and c not in (answer, kind)}
    others = [c for c in range(width) if c not in (answer, kind) and c not in index and filled[c] >= 0.9 * n]
    if not others:
        return None
    length = [sum(map(len, col)) / max(1, sum(1 for t in col if t)) for col in texts]
    stem = max(others, key=lambda c: (length[c], -c))
    if length[stem] < 4:
        return None
    after = answer + 1 if answer > stem + 1 else stem + 1
    pool = range(stem + 1, answer) if answer > stem + 1 else range(answer + 1, width)
    options: list[int] = []
    for c in pool:
        if c in (kind, stem) or c in index or not filled[c] or len(options) == len(LETTERS):
            break
        options.append(c)
    mapping = {"stem": stem, "answer": answer, **{f"option_{LETTERS[i]}": c for i, c in enumerate(options)}}
    if kind is not None:
        mapping["type"] = kind
    if answer > stem + 1 and after < width and after not in index and filled[after] >= 0.3 * n and length[after] >= 6:
        mapping["explanation"] = after
    return mapping if _agree(data, texts, mapping, options) else None


def _agree(data: Sequence[Sequence[object]], texts: list[list[str]], mapping: dict[str, int],
           options: list[int]) -> bool:
    """Whether enough rows read as questions under ``mapping`` (answer letters point at filled options)."""
    good = 0
    letters_seen = False
    for k in range(len(data)):
        stem, answer = texts[mapping["stem"]][k], texts[mapping["answer"]][k]
        if not stem or not answer:
            continue
        letters = parse_letters(answer)
        if letters is not None:
            letters_seen = True
            cols = [LETTERS.index(x) for x in letters]
            if all(i < len(options) and texts[options[i]][k] for i in cols):
                good += 1
        elif parse_judge(answer) is not None:
            good += 1
    return (not letters_seen or bool(options)) and good >= AGREE * len(data)


def is_one_column(rows: Sequence[Sequence[object]], sample: int = 2000) -> bool:
    """Whether a sheet holds one text per row (a document typed into cells), with some blank rows."""
    nonblank = 0
    single = 0
    blank_between = 0
    seen = False
    for row in rows[:sample]:
        count = _filled(row)
        if not count:
            blank_between += seen
            continue
        seen = True
        nonblank += 1
        single += count == 1
    return nonblank >= MIN_ROWS and single >= AGREE * nonblank and blank_between >= 1
