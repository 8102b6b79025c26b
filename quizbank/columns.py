# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Column names and row-to-question building shared by spreadsheets, CSV and JSON.

:func:`header_field` recognises a header cell (``题型``, ``问题内容``, ``选项A``,
``A选项``, ``option a``, ``正确答案（必填）``…) as a field name; :func:`build_question`
turns one row of raw cell texts into a :class:`~quizbank.model.Question` plus located
problems; :func:`question_row` is the inverse used by the writers.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import TypeVar

from base.i18n import _
from base.problems import Problem, Severity
from quizbank.model import DIFFICULTY_LABELS, LETTERS, QType, Question, SourceRef
from quizbank.normalize import JUDGE_WORDS, clean, fold, interpret, is_clean, parse_qtype, split_blanks

# --- field names ---------------------------------------------------------------------

OPTION_FIELDS = tuple(f"option_{c}" for c in LETTERS)
FIELDS = ("type", "stem", *OPTION_FIELDS, "answer", "explanation", "category", "difficulty", "score", "tags")

_NAMES: dict[str, tuple[str, ...]] = {
    "type": ("题型", "类型", "试题类型", "题目类型", "题目类别", "试题题型", "type", "questiontype", "qtype"),
    "stem": ("题干", "题目", "试题内容", "问题内容", "题目内容", "问题", "试题", "题面", "试题题干", "题目名称",
             "question", "stem", "title", "questiontext"),
    "answer": ("答案", "正确答案", "正确选项", "标准答案", "参考答案", "答案选项", "answer", "correctanswer",
               "correct", "key"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "explanation", "analysis", "description"),
    "category": ("分类", "知识点", "章节", "专题", "题目分类", "试题分类", "category"),
    "difficulty": ("难度", "难易程度", "难易度", "难度等级", "difficulty"),
    "score": ("分值", "分数", "score", "points"),
    "tags": ("标签", "tags", "tag"),
}
_CN_NUMS = "一二三四五六七八"


def _build_lookup() -> dict[str, str]:
    lookup = {name: f for f, names in _NAMES.items() for name in names}
    for i, letter in enumerate(LETTERS.lower()):
        field = OPTION_FIELDS[i]
        for name in (f"选项{letter}", letter, f"{letter}选项", f"选项{_CN_NUMS[i]}", f"选项{i + 1}",
                     f"option{letter}", f"option{i + 1}", f"{letter}项"):
            lookup[name] = field
    return lookup


_LOOKUP = _build_lookup()
# Notes users add to header cells: "题干（必填）", "*答案", "题型(0单选,1判断)".
_HEADER_NOISE = re.compile(r"[(（【\[].*?[)）】\]]|[*＊:：\s]")


@lru_cache(maxsize=4096)
def _header_field_cached(text: str) -> str | None:
    key = _HEADER_NOISE.sub("", fold(clean(text)))
    return _LOOKUP.get(key)


def header_field(cell: object) -> str | None:
    """The field a header cell names, or ``None``; cheap for long texts and non-strings."""
    if not isinstance(cell, str) or not cell or len(cell) > 40:
        return None
    return _header_field_cached(cell)


def detect_header(row: list[object]) -> dict[str, int] | None:
    """Field -> column for a header row (needs a stem column and a type, answer or option column)."""
    found: dict[str, int] = {}
    for col, cell in enumerate(row):
        field = header_field(cell)
        if field is not None and field not in found:
            found[field] = col
    if "stem" in found and ("answer" in found or "type" in found or "option_A" in found):
        return found
    return None


def field_label(field: str) -> str:
    """User-facing name of a field for problems."""
    if field.startswith("option_"):
        return _("选项{letter}", letter=field[-1])
    return {
        "type": _("题型"), "stem": _("题干"), "answer": _("答案"), "explanation": _("解析"),
        "category": _("分类"), "difficulty": _("难度"), "score": _("分值"), "tags": _("标签"),
    }.get(field, field)


# --- cell display --------------------------------------------------------------------


def display(cell: object) -> str:
    """A cell value as Excel shows it: ``1999`` not ``1999.0``, dates as ``2017年6月14日``."""
    if isinstance(cell, str):
        return cell if is_clean(cell) else clean(cell)
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            return ""
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return f"{cell:.15g}"
    if isinstance(cell, _dt.datetime):
        text = f"{cell.year}年{cell.month}月{cell.day}日"
        if cell.time() != _dt.time():
            text += f" {cell.hour}:{cell.minute:02d}" + (f":{cell.second:02d}" if cell.second else "")
        return text
    if isinstance(cell, _dt.date):
        return f"{cell.year}年{cell.month}月{cell.day}日"
    if isinstance(cell, _dt.time):
        return f"{cell.hour}:{cell.minute:02d}" + (f":{cell.second:02d}" if cell.second else "")
    return clean(cell)


# --- difficulty, score, tags ---------------------------------------------------------

_DIFF_WORDS = {
    "简单": 1, "容易": 1, "易": 1, "较易": 1, "低": 1, "easy": 1,
    "中等": 2, "中": 2, "一般": 2, "适中": 2, "普通": 2, "medium": 2, "normal": 2,
    "困难": 3, "难": 3, "较难": 3, "很难": 3, "高": 3, "hard": 3, "difficult": 3,
}
_FIVE_TO_THREE = {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}
_TAG_SEP = re.compile(r"\s*[,，;；、|]\s*")


def is_five_scale(values: list[str]) -> bool:
    """True when a difficulty column uses 1–5 (some value is 4 or 5)."""
    return any(v in ("4", "5") for v in values)


@lru_cache(maxsize=256)
def parse_difficulty(text: str, five_scale: bool = False) -> int | None:
    """1–3 for 简单/中等/困难, 易/中/难, 1–3 or (on a five-point column) 1–5; ``None`` if unknown."""
    if not text:
        return 2
    word = _DIFF_WORDS.get(fold(text))
    if word is not None:
        return word
    try:
        n = float(text)
    except ValueError:
        return None
    if not n.is_integer():
        return None
    n_int = int(n)
    if five_scale:
        return _FIVE_TO_THREE.get(n_int)
    return n_int if n_int in DIFFICULTY_LABELS else _FIVE_TO_THREE.get(n_int)


def split_tags(text: str) -> list[str]:
    return [t for t in _TAG_SEP.split(text) if t] if text else []


_PREFIX_STARTS = frozenset(LETTERS + LETTERS.lower() + " ")
_FIRST_CHAR = itemgetter(slice(0, 1))   # text[0:1], also for ""
_OPTION_PREFIX = re.compile(r"^\s*([A-Ha-h])\s*[.．、:：)）]\s*")


def strip_option_prefix(text: str, index: int) -> str:
    """``"A. 违法行为"`` in option A -> ``"违法行为"`` (only when the letter matches the position)."""
    if text[:1] not in _PREFIX_STARTS:
        return text
    m = _OPTION_PREFIX.match(text)
    if m and m.group(1).upper() == LETTERS[index]:
        return text[m.end():]
    return text


# --- building a question -------------------------------------------------------------


@dataclass(slots=True)
class RawQuestion:
    """One row (or JSON object) as displayed strings, before any interpretation."""

    type_text: str = ""
    stem: str = ""
    options: list[str] | None = None
    answer: str = ""
    explanation: str = ""
    category: str = ""
    difficulty: str = ""
    score: str = ""
    tags: str = ""


@dataclass(slots=True)
class Where:
    file: str
    sheet: str | None = None
    row: int | None = None
    line: int | None = None

    def problem(self, field: str | None, message: str, severity: Severity = Severity.ERROR) -> Problem:
        return Problem(self.file, message, severity, self.sheet, self.row, self.line, field)


_parse_qtype = lru_cache(maxsize=256)(parse_qtype)


def build_question(
    raw: RawQuestion, where: Where, default_type: QType | None = None, five_scale: bool = False
) -> tuple[Question, list[Problem]]:
    """Turn one row into a question and the problems found in it (errors make it unusable)."""
    problems: list[Problem] = []
    qtype: QType | None = None
    if raw.type_text:
        qtype = _parse_qtype(raw.type_text)
        if qtype is None:
            problems.append(where.problem(_("题型"), _("“{t}”无法识别，已按答案推断", t=raw.type_text),
                                          Severity.WARNING))
    if qtype is None:
        qtype = default_type
    options = raw.options or []
    # Prefixes ("A. …") start with a letter or a space; most options start with neither.
    if len(options) > len(LETTERS) or not _PREFIX_STARTS.isdisjoint(map(_FIRST_CHAR, options)):
        options = [strip_option_prefix(o, i) for i, o in enumerate(options) if i < len(LETTERS)]
    else:
        options = list(options)
    while options and not options[-1]:
        options.pop()
    answer = raw.answer
    if qtype is QType.FILL and not answer and options:
        # Some templates put fill-in answers into the option columns.
        answer = "；".join(o for o in options if o)
        options = []
    got = interpret(qtype, answer, options, raw.stem)
    difficulty = parse_difficulty(raw.difficulty, five_scale) if raw.difficulty else 2
    if difficulty is None:
        problems.append(where.problem(_("难度"), _("“{d}”无法识别，按中等处理", d=raw.difficulty),
                                      Severity.WARNING))
        difficulty = 2
    score: float | None = None
    if raw.score:
        try:
            score = float(raw.score)
        except ValueError:
            problems.append(where.problem(_("分值"), _("“{s}”不是数字，已忽略", s=raw.score), Severity.WARNING))
    q = Question(
        qtype=got.qtype or QType.SINGLE,
        stem=raw.stem,
        options=got.options,
        answer=got.answer,
        blanks=got.blanks,
        explanation=raw.explanation,
        category=raw.category,
        tags=split_tags(raw.tags) if raw.tags else [],
        difficulty=difficulty,
        score=score,
        source=SourceRef(where.file, where.sheet, where.row, where.line),
    )
    issues = q.problems()
    if got.error or issues:
        answer_label = _("答案")
        if got.error:
            problems.append(where.problem(answer_label, got.error))
        for field, message in issues:
            if not (got.error and field == answer_label):
                problems.append(where.problem(field, message))
    return q, problems


@dataclass(slots=True)
class RawColumns:
    """Consecutive rows as displayed strings, one sequence per field (RawQuestion, column by column)."""

    type_text: Sequence[str]
    stem: Sequence[str]
    options: Sequence[Sequence[str]]   # per row
    answer: Sequence[str]
    explanation: Sequence[str]
    category: Sequence[str]
    difficulty: Sequence[str]
    score: Sequence[str]
    tags: Sequence[str]


_UNUSUAL = object()   # a score that is not a number: build_question reports it


_V = TypeVar("_V", bound=Hashable)
_R = TypeVar("_R")


def _per_value(values: Sequence[_V], parse: Callable[[_V], _R]) -> list[_R]:
    """``[parse(v) for v in values]``, parsing each distinct value once (types, difficulties, scores repeat)."""
    parsed = {v: parse(v) for v in set(values)}
    return list(map(parsed.__getitem__, values))


def _score(text: str) -> object:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return _UNUSUAL


def build_usual(
    cols: RawColumns, file: str, sheet: str | None, first_row: int, default_type: QType | None = None,
    five_scale: bool = False,
) -> list[Question | None]:
    """:func:`build_question` for the usual rows of a block, column by column; ``None`` for the others.

    A row is usual when it gives a known type, letters for a choice answer (``B``, ``ACD``),
    a judge word (正确, ×…), a fill-in or essay answer, a known difficulty and a numeric score, and
    the question it makes has no problem. Such a row is built here without the general path's
    per-row clean-up and checks (about three times faster, which matters for 100,000-row banks);
    for every other row the caller runs :func:`build_question`, which then reports the problems.
    Both give the same question for a usual row (tests compare them on random rows).
    """
    qtypes = _per_value(cols.type_text, lambda t: _parse_qtype(t) if t else default_type)
    levels = _per_value(cols.difficulty, lambda d: parse_difficulty(d, five_scale) if d else 2)
    scores = _per_value(cols.score, _score)
    # A choice answer is read once per distinct (type, answer): choice answers repeat (A, B, AC…).
    keys = _per_value(list(zip(qtypes, cols.answer, strict=True)), _choice_key)
    # Option prefixes ("A. …"), looked for in the block's option cells at once: usually none.
    prefixed = not _PREFIX_STARTS.isdisjoint(map(_FIRST_CHAR, chain.from_iterable(cols.options)))
    judge_words, prefix_starts, first_char = JUDGE_WORDS, _PREFIX_STARTS, _FIRST_CHAR
    single, multiple, judge, fill, essay = QType.SINGLE, QType.MULTIPLE, QType.JUDGE, QType.FILL, QType.ESSAY
    out: list[Question | None] = []
    append = out.append
    rows = zip(qtypes, cols.stem, cols.options, cols.answer, cols.explanation, cols.category, levels, scores,
               cols.tags, strict=True)
    for k, (qtype, stem, options, answer, explanation, category, level, score, tags) in enumerate(rows):
        if not stem or level is None or score is _UNUSUAL:
            append(None)
            continue
        opts: list[str] = []
        key: list[str] = []
        blanks: list[list[str]] = []
        if qtype is single or qtype is multiple:
            found = keys[k]      # (sorted letters, index of the last one), or None
            if found is None:
                append(None)
                continue
            opts = list(options)
            while opts and not opts[-1]:
                opts.pop()
            n = len(opts)
            if n < 2 or found[1] >= n or not all(opts) or prefixed and not prefix_starts.isdisjoint(
                    map(first_char, opts)):
                append(None)
                continue
            key = list(found[0])
        elif qtype is judge:
            value = judge_words.get(answer)
            if value is None:
                append(None)
                continue
            key = [value]
        elif qtype is essay:
            if answer:
                key = [answer]
        elif qtype is fill and answer:
            blanks = split_blanks(answer)
            if not blanks or not all(any(a.strip() for a in b) for b in blanks):
                append(None)
                continue
        else:   # no type to go by, or a fill-in without answer: build_question decides
            append(None)
            continue
        append(Question(qtype, stem, opts, key, blanks, explanation, category, split_tags(tags) if tags else [],
                        level, score, [], SourceRef(file, sheet, first_row + k, None)))
    return out


def _choice_key(typed_answer: tuple[QType | None, str]) -> tuple[tuple[str, ...], int] | None:
    """(sorted letters, index of the last) of a usual choice answer (``B``, ``ACD``: one letter for
    a single choice, two or more for a multiple one), or None for any other answer."""
    qtype, answer = typed_answer
    if qtype is not QType.SINGLE and qtype is not QType.MULTIPLE:
        return None
    if not (answer and answer.isascii() and not answer.strip(LETTERS)):
        return None
    key = sorted(set(answer))
    if len(key) != 1 if qtype is QType.SINGLE else len(key) < 2:
        return None
    return tuple(key), LETTERS.find(key[-1])


def has_error(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


# --- writing -------------------------------------------------------------------------

WRITE_HEADER = ["题型", "题干", *(f"选项{c}" for c in LETTERS), "答案", "解析", "分类", "难度", "分值", "标签"]
# File content stays Chinese whatever the UI language, so the readers always recognise it.
TYPE_NAMES = {QType.SINGLE: "单选题", QType.MULTIPLE: "多选题", QType.JUDGE: "判断题",
               QType.FILL: "填空题", QType.ESSAY: "简答题"}


def answer_text(q: Question) -> str:
    if q.qtype is QType.FILL:
        return "；".join("/".join(b) for b in q.blanks)
    if q.qtype is QType.JUDGE:
        return {"T": "正确", "F": "错误"}.get(q.answer[0], "") if q.answer else ""
    if q.qtype is QType.ESSAY:
        return "\n".join(q.answer)
    return "".join(q.answer)


def question_row(q: Question) -> list[object]:
    """One question as a row under :data:`WRITE_HEADER`."""
    options = list(q.options[: len(LETTERS)]) + [""] * (len(LETTERS) - min(len(q.options), len(LETTERS)))
    score: object = ""
    if q.score is not None:
        score = int(q.score) if float(q.score).is_integer() else q.score
    return [
        TYPE_NAMES[q.qtype], q.stem, *options, answer_text(q), q.explanation, q.category,
        DIFFICULTY_LABELS.get(q.difficulty, ""), score, ",".join(q.tags),
    ]
