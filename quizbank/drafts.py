# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""From a question as read (a :class:`Draft`) to a :class:`Question` or located problems.

:mod:`quizbank.numbered` fills one :class:`Draft` per question and hands it to a
:class:`Collector` when the question ends. The collector finds the answer (an answer line, an
inline 【答案】, the stem's brackets), interprets it and keeps questions and problems in file
order. A question whose only answer is the formatting of its options waits until every
question is read: :func:`quizbank.marks.choose` then picks the one mark of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from base.i18n import _
from base.problems import Problem, Severity
from quizbank import marks as marking
from quizbank import numbering as nb
from quizbank.model import LETTERS, ImportResult, QType, Question, SourceRef
from quizbank.normalize import clean, interpret


@dataclass(slots=True)
class Draft:
    line: int
    auto: bool
    stem: list[str]
    qtype: QType | None = None
    options: list[str] = field(default_factory=list)
    option_marks: list[frozenset[str]] = field(default_factory=list)
    answer: list[str] | None = None
    explanation: list[str] = field(default_factory=list)
    category: str = ""
    difficulty: int = 2
    score: float | None = None
    tags: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    block: str = "stem"
    inner: int | None = None
    phantom: bool = False        # options or an answer without a question (a number is missing)
    failed: bool = False         # already reported as unusable
    lone: bool = False           # a one-line block (blocks mode): not a question unless answered
    section: QType | None = None
    prepared: tuple[str, list[str], str] | None = None    # (stem, options, raw answer), when deferred


IGNORED_SHOWN = 20   # lines reported one by one as ignored; the rest are counted in one warning


class Collector:
    """Questions and problems of one file (or sheet), in file order."""

    def __init__(self, file: str, sheet: str | None = None, by_row: bool = False) -> None:
        self.file, self.sheet, self.by_row = file, sheet, by_row
        self.items: list[Question | Draft] = []
        self.problems: list[Problem | Draft] = []
        self.ignored: list[int] = []

    def ignore(self, line: int, message: str) -> None:
        """A line that belongs to no question: the first few are reported, the rest counted."""
        self.ignored.append(line)
        if len(self.ignored) <= IGNORED_SHOWN:
            self.warn(line, message)

    def problem(self, number: int, message: str, severity: Severity, fld: str | None) -> Problem:
        if self.by_row:
            return Problem(self.file, message, severity, self.sheet, row=number, field=fld)
        return Problem(self.file, message, severity, self.sheet, line=number, field=fld)

    def warn(self, line: int, message: str, fld: str | None = None) -> None:
        self.problems.append(self.problem(line, message, Severity.WARNING, fld))

    def error(self, line: int, fld: str | None, message: str) -> None:
        self.problems.append(self.problem(line, message, Severity.ERROR, fld))

    def finish(self, cur: Draft) -> None:
        """Take a question that has ended."""
        if cur.phantom:
            self.error(cur.line, None, _("有选项或答案，却没有题干和题号（可能漏了题号）"))
            return
        if cur.failed:
            return
        stem = clean("\n".join(cur.stem))
        options = [clean(o) for o in cur.options]
        qtype = cur.qtype or cur.section
        raw = "\n".join(cur.answer) if cur.answer is not None else None
        inline = nb.INLINE_ANSWER.search(stem) if raw is None else None
        if inline:
            stem, raw = clean(stem[: inline.start()] + stem[inline.end():]), inline.group("val").strip()
        if raw is None:
            stem, raw = nb.answer_from_stem(stem, qtype, options)
        if not raw and any(cur.option_marks):
            cur.prepared = (stem, options, raw)     # the answer is marked: decided once all are read
            self.items.append(cur)
            self.problems.append(cur)
            return
        self._build(cur, stem, options, raw, None)

    def _build(self, cur: Draft, stem: str, options: list[str], raw: str, mark: str | None) -> None:
        qtype = cur.qtype or cur.section
        if not raw and mark is not None:
            raw = "".join(LETTERS[i] for i, m in enumerate(cur.option_marks[:len(options)]) if mark in m)
            if not raw:
                self.error(cur.line, _("答案"), _("没有答案：没有一个选项是{mark}", mark=marking.describe(mark)))
                return
        found = interpret(qtype, raw, options, stem)
        q = Question(
            qtype=found.qtype or qtype or QType.SINGLE, stem=stem, options=found.options, answer=found.answer,
            blanks=found.blanks, explanation=clean("\n".join(cur.explanation)), category=cur.category,
            tags=cur.tags, difficulty=cur.difficulty, score=cur.score, media=list(cur.media),
            source=SourceRef(file=self.file, sheet=self.sheet, row=cur.line if self.by_row else None,
                             line=None if self.by_row else cur.line),
        )
        problems = q.problems()
        if found.error:
            problems = [(f, m) for f, m in problems if f != _("答案")] + [(_("答案"), found.error)]
        if problems and cur.lone and not raw:
            self.warn(cur.line, _("不是试题（没有选项和答案），已忽略：{text}", text=stem[:30]))
            return
        for fld, message in problems:
            self.error(cur.line, fld, message)
        if not problems:
            self.items.append(q)

    def close(self) -> tuple[ImportResult, str | None]:
        """The result, and the mark that gave answers (None when no answer was marked)."""
        deferred = [d for d in self.items if isinstance(d, Draft)]
        mark = marking.choose([d.option_marks for d in deferred]) if deferred else None
        built: dict[int, tuple[list[Question], list[Problem]]] = {}
        items, problems = self.items, self.problems
        for draft in deferred:
            self.items, self.problems = [], []
            assert draft.prepared is not None
            self._build(draft, *draft.prepared, mark)
            built[id(draft)] = ([q for q in self.items if isinstance(q, Question)],
                                [p for p in self.problems if isinstance(p, Problem)])
        self.items, self.problems = items, problems
        result = ImportResult()
        for item in items:
            result.questions.extend(built[id(item)][0] if isinstance(item, Draft) else [item])
        for problem in problems:
            result.problems.extend(built[id(problem)][1] if isinstance(problem, Draft) else [problem])
        if len(self.ignored) > IGNORED_SHOWN:
            more = self.ignored[IGNORED_SHOWN:]
            result.problems.append(self.problem(more[0], _("另有 {n} 行不属于任何试题，已忽略（第{first}–{last}行之间）",
                                                           n=len(more), first=more[0], last=more[-1]),
                                                Severity.WARNING, None))
        used = mark is not None and any(built[id(d)][0] for d in deferred)
        return result, mark if used else None
