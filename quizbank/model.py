# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The neutral question model every format reads into and writes from.

Formats parse files into :class:`Question` objects plus a list of located
:class:`Problem` objects (see :class:`ImportResult`); persistence lives in
``core`` and is shared by all formats.

Answer encoding (``Question.answer``), by type:

* ``single``   one letter, e.g. ``["B"]``
* ``multiple`` two or more letters in order, e.g. ``["A", "C", "D"]``
* ``judge``    ``["T"]`` (正确) or ``["F"]`` (错误); ``options`` stays empty
* ``fill``     one entry per blank; each entry lists accepted alternatives,
               stored in ``blanks`` (``answer`` stays empty)
* ``essay``    an optional reference answer, ``["参考答案…"]``
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from base.i18n import N_, _
from base.problems import Problem, Severity

LETTERS = "ABCDEFGH"
MAX_OPTIONS = len(LETTERS)


class QType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    JUDGE = "judge"
    FILL = "fill"
    ESSAY = "essay"

    @property
    def label(self) -> str:
        return _(_QTYPE_LABELS[self])


_QTYPE_LABELS = {
    QType.SINGLE: N_("单选题"),
    QType.MULTIPLE: N_("多选题"),
    QType.JUDGE: N_("判断题"),
    QType.FILL: N_("填空题"),
    QType.ESSAY: N_("简答题"),
}

# Difficulty 1..3, as Chinese exam systems use it.
DIFFICULTY_LABELS = {1: N_("简单"), 2: N_("中等"), 3: N_("困难")}


NO_HEADER = "no_header"   # Problem.code: a sheet without a header row; offer column mapping
NO_QUESTIONS = "no_questions"   # Problem.code: an import that found no question at all (a refusal)

# Layout.kind: how a reader understood a file or sheet.
LAYOUT_HEADER = "header"        # a table under a header row
LAYOUT_GUESSED = "guessed"      # a table without header; columns guessed from their content
LAYOUT_MAPPED = "mapped"        # a table read with the columns the user gave
LAYOUT_LINES = "lines"          # one text per row, a blank row between questions
LAYOUT_NUMBERED = "numbered"    # a numbered question list (Word, text, a one-column sheet)
LAYOUT_NONE = "none"            # nothing that could be read as questions


@dataclass(slots=True)
class SourceRef:
    """Where a question came from, so problems and previews can point at it."""

    file: str = ""
    sheet: str | None = None
    row: int | None = None
    line: int | None = None


@dataclass(slots=True)
class Question:
    qtype: QType
    stem: str
    options: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    blanks: list[list[str]] = field(default_factory=list)
    explanation: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    difficulty: int = 2
    score: float | None = None
    # Media file names relative to the bank's media folder (or absolute paths
    # while importing, resolved by the import pipeline).
    media: list[str] = field(default_factory=list)
    source: SourceRef = field(default_factory=SourceRef, compare=False)

    def validate(self) -> list[str]:
        """Return user-facing messages (field, message) for what makes this question unusable."""
        return [f"{f}：{m}" for f, m in self.problems()]

    def problems(self) -> list[tuple[str, str]]:
        """(field, message) pairs describing what is wrong; empty when the question is usable."""
        out: list[tuple[str, str]] = []
        if not self.stem.strip():
            out.append((_("题干"), _("为空")))
        if self.qtype in (QType.SINGLE, QType.MULTIPLE):
            n = len(self.options)
            if n < 2:
                out.append((_("选项"), _("至少需要两个选项，只有{n}个", n=n)))
            if n > MAX_OPTIONS:
                out.append((_("选项"), _("最多{m}个选项，有{n}个", m=MAX_OPTIONS, n=n)))
            if not all(map(str.strip, self.options)):   # some option is blank
                out.append((_("选项"), _("有空白选项")))
            if not self.answer:
                out.append((_("答案"), _("为空")))
            else:
                bad = [a for a in self.answer if a not in LETTERS[: max(n, 0)]]
                if bad:
                    out.append((_("答案"), _("“{a}”不是已有选项", a="".join(bad))))
                elif self.qtype is QType.SINGLE and len(self.answer) != 1:
                    out.append((_("答案"), _("单选题只能有一个答案，给了{n}个", n=len(self.answer))))
                elif self.qtype is QType.MULTIPLE and len(self.answer) < 2:
                    out.append((_("答案"), _("多选题至少需要两个正确选项")))
        elif self.qtype is QType.JUDGE:
            if self.answer not in (["T"], ["F"]):
                out.append((_("答案"), _("判断题答案应为“正确”或“错误”")))
        elif self.qtype is QType.FILL:
            if not self.blanks or any(not [a for a in b if a.strip()] for b in self.blanks):
                out.append((_("答案"), _("填空题缺少答案")))
        if self.difficulty not in DIFFICULTY_LABELS:
            out.append((_("难度"), _("应为1–3（简单/中等/困难）")))
        return out

    def content_hash(self) -> str:
        """Hash of the normalised stem, options and type: two questions with the same hash are duplicates."""
        return content_hashes([self])[0]

    def to_dict(self) -> dict[str, object]:
        """StudyHall's own JSON shape (see docs/FORMATS.md)."""
        d: dict[str, object] = {"type": self.qtype.value, "stem": self.stem}
        if self.options:
            d["options"] = list(self.options)
        if self.qtype is QType.FILL:
            d["blanks"] = [list(b) for b in self.blanks]
        else:
            d["answer"] = list(self.answer)
        for key in ("explanation", "category"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        if self.tags:
            d["tags"] = list(self.tags)
        if self.difficulty != 2:
            d["difficulty"] = self.difficulty
        if self.score is not None:
            d["score"] = self.score
        if self.media:
            d["media"] = list(self.media)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Question:
        """The inverse of :meth:`to_dict`; ``d`` is parsed JSON, so its values are untyped."""
        return cls(
            qtype=QType(str(d["type"])),
            stem=str(d["stem"]),
            options=[str(o) for o in d.get("options", []) or []],
            answer=[str(a) for a in d.get("answer", []) or []],
            blanks=[[str(a) for a in b] for b in d.get("blanks", []) or []],
            explanation=str(d.get("explanation", "") or ""),
            category=str(d.get("category", "") or ""),
            tags=[str(t) for t in d.get("tags", []) or []],
            difficulty=int(d.get("difficulty", 2) or 2),
            score=float(d["score"]) if d.get("score") is not None else None,
            media=[str(m) for m in d.get("media", []) or []],
        )


@dataclass(slots=True)
class Layout:
    """How a reader understood one file or sheet: shown in the preview, and in a refusal's hint."""

    file: str
    sheet: str | None = None
    kind: str = LAYOUT_NONE
    columns: dict[str, int] | None = None     # field -> 0-based column, for tables
    mark: str | None = None                   # the formatting answers were read from (quizbank.marks)
    shape: str = ""                           # what the reader saw, in words (UI language)


@dataclass(slots=True)
class ImportResult:
    """What a format reader understood (``questions``) and what it could not (``problems``)."""

    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Questions a reader added with add_checked() (``problems()`` was empty), by id: the import
    # pipeline does not validate them again. Holding each question keeps its id from being reused;
    # questions added any other way (or replaced) are validated as before. Code that edits a question
    # after reading must remove it from ``checked``.
    checked: dict[int, Question] = field(default_factory=dict, repr=False, compare=False)
    layouts: list[Layout] = field(default_factory=list, compare=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def add_checked(self, *questions: Question) -> None:
        """Add questions whose ``problems()`` the reader has just found empty."""
        self.questions.extend(questions)
        self.checked.update({id(q): q for q in questions})

    def is_checked(self, question: Question) -> bool:
        return self.checked.get(id(question)) is question

    def extend(self, other: ImportResult) -> None:
        self.questions.extend(other.questions)
        self.problems.extend(other.problems)
        self.checked.update(other.checked)
        self.layouts.extend(other.layouts)


_WS_RE = re.compile(r"\s+")


# Full-width ASCII forms (Ａ，１？) are what differs between copies of the same question in Chinese
# banks (with ideographic spaces and NBSP, which the white-space pass folds).
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e]")
_FULL_WIDTH_TO_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}


def _fold_width(text: str) -> str:
    """Full-width ASCII forms to ASCII. Replacing the few distinct ones a text holds, each in one
    pass, is much faster than NFKC or str.translate, which look every CJK character up."""
    found = _FULL_WIDTH_RE.search(text)
    while found is not None:
        char, at = found.group(), found.start()
        text = text.replace(char, _FULL_WIDTH_TO_ASCII[char])   # one character for one: ``at`` stays put
        found = _FULL_WIDTH_RE.search(text, at)
    return text


def _collapse_spaces(joined: str) -> str:
    """White-space runs to one " ", and none at either end of a NUL-separated part."""
    return _WS_RE.sub(" ", joined).replace(" \x00", "\x00").replace("\x00 ", "\x00").strip()


def _collapse_plain_spaces(joined: str) -> str:
    """:func:`_collapse_spaces` of each \x01-separated text, for text whose only white space is " "."""
    while "  " in joined:
        joined = joined.replace("  ", " ")
    for sep in ("\x00", "\x01"):
        joined = joined.replace(" " + sep, sep).replace(sep + " ", sep)
    return joined.strip(" ")


class CleanTexts(list[Question]):
    """Questions whose stem and options are all clean texts (:func:`quizbank.normalize.is_clean`:
    printable, no doubled, leading or trailing space), as a reader that checked its cells knows
    them to be: their hashes need no white-space pass (``content_hashes(..., clean=True)``). A list
    like any other; a slice or copy of it is a plain list again."""


def content_hashes(questions: Sequence[Question], *, clean: bool = False) -> list[str]:
    """:meth:`Question.content_hash` of each question: sha1 of its type, stem and options, each put
    through :func:`normalize_text` and joined by NUL (which the folds keep and \\s does not match).

    The width and case folds run once over all the texts joined by \x01, which is much faster
    than once per question for a large import. ``clean`` says every stem and option is a clean
    text (see :class:`CleanTexts`), whose white space :func:`normalize_text` leaves as it is.
    """
    if not questions:
        return []
    texts = ["\x00".join((str(q.qtype), q.stem, *q.options)) for q in questions]  # str() of a QType: its value
    joined = "\x01".join(texts)
    sha1 = hashlib.sha1
    if joined.count("\x01") != len(texts) - 1:   # some text holds the separator itself
        return [sha1(_normalize_parts(t).encode("utf-8")).hexdigest() for t in texts]
    if not clean:
        joined = _fold_spaces(joined, texts)
    # The width fold after the white-space pass gives the same text (\u3000 and NBSP are white
    # space either way), so this is normalize_text() of every part.
    return [sha1(part).hexdigest() for part in _fold_width(joined).casefold().encode("utf-8").split(b"\x01")]


def _fold_spaces(joined: str, texts: list[str]) -> str:
    """The white-space pass of :func:`normalize_text` over ``texts`` (and ``joined``, them joined by \x01)."""
    # Every white-space character but " " is non-printable: printable text (the usual Chinese
    # question) has only " " to collapse, which plain replaces do over all the texts at once.
    if joined.replace("\x00", "").replace("\x01", "").isprintable():
        return _collapse_plain_spaces(joined) if " " in joined else joined
    return "\x01".join([t if " " not in t and t.replace("\x00", "").isprintable() else _collapse_spaces(t)
                         for t in texts])


def _normalize_parts(text: str) -> str:
    """:func:`normalize_text` of each NUL-separated part of ``text``, joined by NUL again."""
    return _fold_width(_collapse_spaces(text)).casefold()


def normalize_text(text: str) -> str:
    """Fold full-width forms, NBSP and runs of white space; used for duplicate detection."""
    return _fold_width(_WS_RE.sub(" ", text).strip()).casefold()
