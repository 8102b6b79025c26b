# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Numbered question lists, as secretaries type them in Word or Notepad.

Shared by the ``.docx`` and ``.txt`` formats (and one-column sheets): the reader gets the
document as lines, :func:`parse_lines` turns them into an :class:`ImportResult`, and
:func:`quizbank.formats.textfile.render` produces exactly the layout it understands::

    一、单选题
    1. 我国的首都是（ ）。
    A. 北京
    B. 上海
    答案：A
    解析：……

How lines are understood (first rule that matches wins; the patterns are in
:mod:`quizbank.numbering`):

* section headings (``一、单选题``, ``【多选题】``, ``判断题``, ``--- 《党章》 ---``) set the
  type and restart the numbering;
* labelled lines: ``答案：``/``正确答案：``/``【答案】``/``参考答案：``, ``解析：``, ``难度：``,
  ``分类：``, ``分值：``, ``标签：``, ``题型：``;
* question numbers ``1.`` ``1、`` ``1．`` ``1)`` ``(1)`` ``（1）`` ``第1题`` and ``1<TAB>``. A
  number only starts a question when it continues the section's sequence; ``(1)``/``1.``
  sub-items inside a stem, an option list, a reference answer or an explanation stay part of
  that text. ``1 题干`` (a space) and ``9.2025年…`` (digits right after the number) start a
  question only where the next number is due, after a complete question;
* options ``A.`` ``A、`` ``(A)`` ``（A）`` ``Ａ.`` ``A:`` up to H, several per line when
  separated by white space. Options must come in order: a new ``A.`` after a complete
  option list or an answer, or a second answer line, belongs to a question whose number is
  missing and is reported, never glued onto the previous question;
* anything else continues the current stem, option, essay answer or explanation;
* Word's automatic numbering (:attr:`Line.auto`): a decimal-numbered paragraph at list
  level 0 starts a question after an option/answer block or another auto-numbered question;
  letter-numbered paragraphs after a stem are options.

Without an answer line the answer may sit in the stem's brackets (``（ B ）``, ``( ABC )``,
``（√）``, under a 填空题 heading every non-empty bracket is a blank), or be marked by formatting:
options carrying marks (:attr:`Line.marks`, e.g. red font) give the answer by the one mark
:func:`quizbank.marks.choose` picks for the whole file (the result's :class:`Layout` names it).

With ``blocks=True`` (sheets with one text per row) a blank line ends a question: a block's
first line is the stem and every further line an option (answer lines still count).

A question needs a stem and an answer (an essay under a 简答题 heading may have none) and at
most 8 options; anything else is a located :class:`Problem`, never a question.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from base.i18n import _
from base.limits import TextBudget, check_rows
from base.progress import CancelToken, ProgressSink, no_progress
from quizbank import marks as marking
from quizbank import numbering as nb
from quizbank.drafts import Collector, Draft
from quizbank.model import LAYOUT_LINES, LAYOUT_NUMBERED, LETTERS, ImportResult, Layout, QType
from quizbank.normalize import clean, parse_judge, parse_qtype


@dataclass(slots=True)
class Line:
    """One line of the source. ``auto`` is Word's automatic list numbering, if any:
    ``"number"`` (decimal/Chinese counting) or ``"letter"``, at list ``level``. ``marks`` is the
    formatting most of the line carries (see :mod:`quizbank.marks`); ``fragments`` the marked
    pieces of text ``(mark, text)``, for a line holding several options."""

    number: int
    text: str
    media: tuple[str, ...] = ()
    auto: str | None = None
    level: int = 0
    marks: frozenset[str] = marking.NO_MARKS
    fragments: tuple[tuple[str, str], ...] = ()


class _Parser:
    def __init__(self, file: str, *, sheet: str | None = None, by_row: bool = False,
                 budget: TextBudget | None = None) -> None:
        self.sheet, self.by_row = sheet, by_row
        self.budget = budget
        self.out = Collector(file, sheet, by_row)
        self.warn, self.error = self.out.warn, self.out.error
        self.section: QType | None = None
        self.style: str | None = None
        self.prev = 0
        self.cur: Draft | None = None
        self.seen = {"lines": 0, "numbers": 0, "options": 0, "answers": 0}

    # state helpers
    def _qtype(self) -> QType | None:
        cur = self.cur
        return (cur.qtype or self.section) if cur else self.section

    def _multiline(self) -> bool:
        """True when plain lines continue free text (stem, option, essay answer, explanation)."""
        cur = self.cur
        if cur is None:
            return False
        if cur.block == "answer":
            qtype = self._qtype()
            judged = bool(cur.answer and parse_judge(cur.answer[0]) is not None)
            return qtype is QType.ESSAY or (qtype is None and not cur.options and not judged)
        return cur.block in ("stem", "options", "explanation")

    def _free_text(self) -> bool:
        cur = self.cur
        return cur is not None and self._multiline() and cur.block in ("answer", "explanation")

    def _complete(self) -> bool:
        """Whether the current question could end here (it has an answer or an option list)."""
        cur = self.cur
        return cur is None or cur.answer is not None or (cur.block == "options" and len(cur.options) >= 2)

    def _append(self, line: Line, text: str) -> None:
        cur = self.cur
        if cur is None:
            self.out.ignore(line.number, _("不属于任何试题，已忽略：{text}", text=text[:30]))
        elif cur.block == "stem":
            cur.stem.append(text)
        elif cur.block == "options":
            cur.options[-1] = f"{cur.options[-1]}\n{text}"
        elif cur.block == "explanation":
            cur.explanation.append(text)
        elif self._multiline():
            assert cur.answer is not None
            cur.answer.append(text)
        else:
            self.out.ignore(line.number, _("无法识别的行，已忽略：{text}", text=text[:30]))

    def _start(self, line: Line, number: int, style: str, stem: str, auto: bool = False) -> None:
        self._finish()
        if self.style is None:
            self.style = style
        self.prev = number
        self.seen["numbers"] += 1
        self.cur = Draft(line.number, auto, [stem] if stem else [], section=self.section)

    def _phantom(self, line: Line) -> Draft:
        """A question whose number is missing: what follows is reported with it, not glued on."""
        self._finish()
        self.cur = Draft(line.number, False, [], phantom=True, section=self.section)
        return self.cur

    # one line
    def feed(self, line: Line) -> None:
        if self.budget is not None:
            if self.by_row:
                self.budget.field(len(line.text), sheet=self.sheet, row=line.number)
            else:
                self.budget.field(len(line.text), sheet=self.sheet, line=line.number)
        text = clean(line.text)
        if text:
            self.seen["lines"] += 1
            self._text(line, text)
        if line.media and self.cur is not None:
            self.cur.media.extend(line.media)
        elif line.media:
            self.warn(line.number, _("图片不属于任何试题，已忽略"), _("图片"))

    def _text(self, line: Line, text: str) -> None:
        cur = self.cur
        free = self._free_text()
        is_head, qtype = nb.heading(text)
        if is_head and (qtype is not None or not free):
            self._finish()
            self.section, self.style, self.prev = qtype, None, 0
            return
        label = nb.LABEL.match(text)
        if label and not (free and label.group("key") == "答"):
            kind = nb.KEY_KIND[label.group("key")]
            if kind == "answer" and cur is not None and cur.answer is not None and not free:
                cur = self._phantom(line)      # a second answer: its question's number is missing
            self._label(line, kind, label.group("val").strip())
            return
        num = nb.NUMBER.match(text)
        tab = None if num else nb.TAB_NUMBER.match(line.text)
        if num or tab:
            if num:
                style = "di" if num.group("di") else "paren" if num.group("paren") else "plain"
                n = nb.digit(num.group("di") or num.group("paren") or num.group("plain"))
                rest = num.group("rest").strip()
            else:
                assert tab is not None
                style, n, rest = "plain", nb.digit(tab.group("n")), clean(tab.group("rest"))
            if self._is_question(n, style):
                self._start(line, n, style, rest)
                return
            if cur is not None and cur.block != "options":
                cur.inner = n
            self._append(line, text)
            return
        weak = nb.SPACE_NUMBER.match(text) or nb.DIGIT_NUMBER.match(text)
        if weak and self._due(nb.digit(weak.group("n"))):
            self._start(line, nb.digit(weak.group("n")), self.style or "plain", weak.group("rest").strip())
            return
        if line.auto == "number" and line.level == 0 and self._auto_question():
            self._start(line, self.prev + 1, self.style or "plain", text, auto=True)
            return
        if cur is not None and cur.block in ("stem", "options", "answer") and not self._free_text():
            if line.auto == "letter":
                self._options_line(line, [text], "A" if cur.answer is not None and cur.options else None)
                return
            start = nb.OPTION_START.match(text)
            if start:
                self._options_line(line, self._split_options(text), nb.option_letter(start))
                return
        self._append(line, text)

    def _is_question(self, n: int, style: str) -> bool:
        cur = self.cur
        if cur is None or self.style is None:
            return True
        if style != self.style:
            return False
        if cur.inner is not None and n == cur.inner + 1:
            return False
        if n > self.prev:
            return True
        return n == 1 and cur.answer is not None and not self._multiline()

    def _due(self, n: int) -> bool:
        """Whether a weakly numbered line (``1 题干``, ``9.2025年``) is the next question."""
        if self.style not in (None, "plain") or self._free_text() or not self._complete():
            return False
        cur = self.cur
        if cur is None:
            return n == self.prev + 1
        return n == self.prev + 1 or (n == 1 and cur.answer is not None)

    def _auto_question(self) -> bool:
        cur = self.cur
        return cur is None or cur.block != "stem" or cur.auto

    def _split_options(self, text: str) -> list[str]:
        spans: list[tuple[int, int]] = []
        expected = None
        for m in nb.OPTION_ANY.finditer(text):
            letter = nb.option_letter(m)
            if expected is None or letter == expected:
                spans.append((m.start(), m.end()))
                idx = LETTERS.find(letter)
                expected = LETTERS[idx + 1] if 0 <= idx < len(LETTERS) - 1 else "-"
        ends = [s for s, _e in spans[1:]] + [len(text)]
        return [text[e:end].strip() for (_s, e), end in zip(spans, ends, strict=True)]

    def _options_line(self, line: Line, texts: list[str], first: str | None) -> None:
        """Options of one line, the first lettered ``first`` (None: Word's automatic letters)."""
        cur = self.cur
        assert cur is not None
        answered = cur.answer is not None and bool(cur.options)
        if first == "A" and (answered or (cur.options and cur.block != "stem" and len(cur.options) >= 2)):
            cur = self._phantom(line)          # a second option list: its question's number is missing
        elif first is not None and first != LETTERS[min(len(cur.options), len(LETTERS) - 1)]:
            due = LETTERS[len(cur.options)] if len(cur.options) < len(LETTERS) else None
            message = (_("选项应为“{due}”，这一行却是“{got}”", due=due, got=first) if due
                       else _("最多{m}个选项", m=len(LETTERS)))
            self.error(line.number, _("选项"), message)
            cur.failed = True
            if cur.options:
                cur.block, cur.inner = "options", None
            return
        self.seen["options"] += len(texts)
        cur.options.extend(texts)
        cur.option_marks.extend(self._option_marks(line, texts))
        cur.block, cur.inner = "options", None

    @staticmethod
    def _option_marks(line: Line, texts: list[str]) -> list[frozenset[str]]:
        if len(texts) == 1 or not line.fragments:
            return [line.marks] * len(texts) if len(texts) == 1 else [marking.NO_MARKS] * len(texts)
        out = []
        for text in texts:
            body = clean(text)
            out.append(frozenset(m for m, piece in line.fragments
                                 if piece and body and (body in piece or (len(piece) >= 2 and piece in body))))
        return out

    def _label(self, line: Line, kind: str, value: str) -> None:
        cur = self.cur
        if cur is None:
            self.out.ignore(line.number, _("不属于任何试题，已忽略：{text}", text=value[:30]))
            return
        sub = nb.NUMBER.match(value) if kind in ("answer", "explanation") else None
        cur.inner = nb.digit(sub.group("di") or sub.group("paren") or sub.group("plain")) if sub else None
        if kind == "answer":
            self.seen["answers"] += 1
            parts = nb.INLINE_EXPLANATION.split(value, maxsplit=1)
            cur.answer = [parts[0].strip()] if parts[0].strip() else []
            cur.block = "answer"
            if len(parts) > 1:
                cur.explanation.append(parts[1].strip())
                cur.block = "explanation"
        elif kind == "explanation":
            if value:
                cur.explanation.append(value)
            cur.block = "explanation"
        else:
            cur.block = "meta"
            self._meta(line, cur, kind, value)

    def _meta(self, line: Line, cur: Draft, kind: str, value: str) -> None:
        if kind == "difficulty":
            level = nb.DIFFICULTY.get(unicodedata.normalize("NFKC", value).strip("星★ "))
            if level is None and value and set(value) <= {"★", "☆"}:
                level = min(3, max(1, value.count("★")))
            if level is None:
                self.warn(line.number, _("“{v}”无法识别，按中等处理", v=value), _("难度"))
            cur.difficulty = level or 2
        elif kind == "category":
            cur.category = value
        elif kind == "tags":
            cur.tags = [t for t in nb.LIST_SPLIT.split(value) if t]
        elif kind == "score":
            try:
                cur.score = float(unicodedata.normalize("NFKC", value).rstrip("分 "))
            except ValueError:
                self.warn(line.number, _("“{v}”不是数字，已忽略", v=value), _("分值"))
        elif kind == "qtype":
            cur.qtype = parse_qtype(value)
            if cur.qtype is None:
                self.warn(line.number, _("“{v}”无法识别，按所在部分处理", v=value), _("题型"))

    # blocks (one text per row, a blank row between questions)
    def feed_block(self, lines: list[Line]) -> None:
        texts = [clean(ln.text) for ln in lines]
        i = 0
        while i < len(lines) and (not texts[i] or nb.heading(texts[i])[0]):
            self.feed(lines[i])
            i += 1
        if i == len(lines):
            return
        first, text = lines[i], texts[i]
        if nb.LABEL.match(text):
            for ln in lines[i:]:
                self.feed(ln)
            return
        self.seen["lines"] += 1
        num = nb.NUMBER.match(text) or nb.TAB_NUMBER.match(first.text) or nb.SPACE_NUMBER.match(text)
        stem = clean(num.group("rest")) if num else text
        self._start(first, self.prev + 1, self.style or "plain", stem)
        cur = self.cur
        assert cur is not None
        cur.media.extend(first.media)
        cur.lone = len([t for t in texts[i + 1:] if t]) == 0
        for ln, t in zip(lines[i + 1:], texts[i + 1:], strict=True):
            if not t or nb.LABEL.match(t) or self._free_text() or cur is not self.cur:
                self.feed(ln)
                continue
            self.seen["lines"] += 1
            start = nb.OPTION_START.match(t)
            if start and nb.option_letter(start) == LETTERS[min(len(cur.options), len(LETTERS) - 1)]:
                self._options_line(ln, self._split_options(t), nb.option_letter(start))
            elif len(cur.options) < len(LETTERS):
                self._options_line(ln, [t], None)
            else:
                self.error(ln.number, _("选项"), _("最多{m}个选项", m=len(LETTERS)))
                cur.failed = True
            cur.media.extend(ln.media)

    # the end of a question
    def _finish(self) -> None:
        cur, self.cur = self.cur, None
        if cur is not None:
            self.out.finish(cur)


def parse_lines(
    lines: Iterable[tuple[int, str] | Line],
    file: str,
    *,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    sheet: str | None = None,
    by_row: bool = False,
    blocks: bool = False,
    budget: TextBudget | None = None,
) -> ImportResult:
    """Parse a numbered question list given as ``(line number, text)`` pairs or :class:`Line` objects.

    ``by_row`` locates problems and questions by ``row`` (and ``sheet``) instead of ``line``;
    ``blocks`` reads blank-line-separated blocks (see the module notes); ``budget`` counts the
    text against the file's limits (:class:`base.limits.TextBudget`).
    """
    items = [ln if isinstance(ln, Line) else Line(int(ln[0]), str(ln[1])) for ln in lines]
    check_rows(file, len(items), sheet=sheet)
    parser = _Parser(file, sheet=sheet, by_row=by_row, budget=budget)
    total = len(items)
    label = _("正在解析试题")
    if budget is not None:
        budget.add(sum(len(ln.text) for ln in items), sheet=sheet)
    block: list[Line] = []
    for i, line in enumerate(items):
        if i % 50 == 0:
            if cancel is not None:
                cancel.check()
            progress(i, total, label)
        if not blocks:
            parser.feed(line)
        elif line.text.strip() or line.media:
            block.append(line)
        elif block:
            parser.feed_block(block)
            block = []
    if block:
        parser.feed_block(block)
    parser._finish()
    result, mark = parser.out.close()
    result.layouts.append(Layout(file, sheet, LAYOUT_LINES if blocks else LAYOUT_NUMBERED, mark=mark,
                                 shape=_shape(parser.seen)))
    progress(total, total, label)
    return result


def _shape(seen: dict[str, int]) -> str:
    """What the lines looked like, in words (for a refusal's hint)."""
    return _("{lines} 行文字：{numbers} 处题号，{options} 个选项，{answers} 行答案", lines=seen["lines"],
             numbers=seen["numbers"], options=seen["options"], answers=seen["answers"])
