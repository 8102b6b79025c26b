# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Numbered question lists, as secretaries type them in Word or Notepad.

Shared by the ``.docx`` and ``.txt`` formats: the reader gets the document as
lines, :func:`parse_lines` turns them into an :class:`ImportResult`, and
:func:`render` produces exactly the layout it understands::

    一、单选题
    1. 我国的首都是（ ）。
    A. 北京
    B. 上海
    答案：A
    解析：……
    分类：常识
    难度：简单

How lines are understood (first rule that matches wins):

* section headings (``一、单选题``, ``二、多项选择题（每题2分）``, ``【多选题】``, ``判断题``)
  set the type and restart the numbering; a Chinese-numbered heading without a type
  word starts a section whose types are inferred;
* labelled lines: ``答案：``/``正确答案：``/``【答案】``/``参考答案：``, ``解析：``/``【解析】``/
  ``答案解析：``, ``难度：``, ``分类：``/``知识点：``, ``分值：``, ``标签：``, ``题型：``;
* question numbers ``1.`` ``1、`` ``1．`` ``1)`` ``(1)`` ``（1）`` ``第1题``. A number only
  starts a question when it continues the section's sequence in the section's style;
  ``(1)``/``1.`` sub-items inside a stem, an option list, a reference answer or an
  explanation stay part of that text;
* options ``A.`` ``A、`` ``A．`` ``(A)`` ``（A）`` ``Ａ.`` ``A:`` ``A)`` up to H, several per line
  when separated by white space;
* anything else continues the current stem, option, essay answer or explanation;
  before the first question it is reported as a warning and skipped;
* Word's automatic numbering (:attr:`Line.auto`): a decimal-numbered paragraph at list
  level 0 starts a question when it follows an option/answer/explanation block or another
  auto-numbered question (not inside a stem typed with a literal number); letter-numbered
  paragraphs after a stem are options.

Without an answer line the answer may sit in the stem's brackets: ``（ B ）``,
``(ABC)``, ``（√）``, ``（×）``, ``（正确）``, or under a 填空题 heading every non-empty
bracket is a blank (``是（人民代表大会制度）。``). The bracket is then left as ``（ ）``.

Questions with errors are not returned; each error is a located :class:`Problem`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from base.i18n import _
from base.problems import Problem, Severity
from base.progress import CancelToken, ProgressSink, no_progress
from quizbank.model import LETTERS, ImportResult, QType, Question, SourceRef
from quizbank.normalize import clean, interpret, parse_judge, parse_qtype


@dataclass(slots=True)
class Line:
    """One line of the source. ``auto`` is Word's automatic list numbering, if any:
    ``"number"`` (decimal/Chinese counting) or ``"letter"``, at list ``level``."""

    number: int
    text: str
    media: tuple[str, ...] = ()
    auto: str | None = None
    level: int = 0


# --- patterns --------------------------------------------------------------------------

_DIGITS = "0-9０-９"
_NUMBER = re.compile(
    rf"^(?:第\s*(?P<di>[{_DIGITS}]{{1,4}})\s*题\s*[.．、:：]?"
    rf"|[(（]\s*(?P<paren>[{_DIGITS}]{{1,4}})\s*[)）]"
    rf"|(?P<plain>[{_DIGITS}]{{1,4}})\s*(?:[.．。](?![{_DIGITS}])|[、)）]))\s*(?P<rest>.*)$",
    re.S,
)
_OPT = r"(?:[(（]\s*(?P<l1>[A-Ha-hＡ-Ｈａ-ｈ])\s*[)）]|(?P<l2>[A-HＡ-Ｈ])\s*[.．、:：)）])"
_OPTION_START = re.compile(rf"^{_OPT}")
_OPTION_ANY = re.compile(rf"(?:(?<=\s)|^){_OPT}")

_KEYS = {
    "answer": ("正确答案", "参考答案", "标准答案", "答案", "答"),
    "explanation": ("答案解析", "试题解析", "题目解析", "解析", "解答", "详解", "分析"),
    "difficulty": ("难易程度", "难易度", "难度"),
    "category": ("所属分类", "分类", "知识点", "类别", "章节", "考点"),
    "score": ("分值", "分数"),
    "tags": ("标签", "关键词"),
    "qtype": ("题型",),
}
_KEY_KIND = {k: kind for kind, keys in _KEYS.items() for k in keys}
_LABEL = re.compile(
    r"^[【\[]?\s*(?P<key>" + "|".join(sorted(_KEY_KIND, key=len, reverse=True)) + r")\s*"
    r"(?:[】\]]\s*[:：]?|[:：])\s*(?P<val>.*)$",
    re.S,
)
_INLINE_ANSWER = re.compile(r"\s*【(?:正确答案|参考答案|标准答案|答案)】\s*(?P<val>[^\n【]*)")
_INLINE_EXPLANATION = re.compile(r"\s*(?:【(?:答案解析|解析)】|(?<=\s)解析\s*[:：])\s*")

_CN = "一二三四五六七八九十"
_HEAD_PREFIX = re.compile(rf"^(?:[{_CN}]+\s*[、.．]|第[{_CN}0-9]+(?:部分|大题|节)[、:：.．]?|[(（][{_CN}]+[)）])\s*")
_HEAD_TAIL = re.compile(r"(?:\s*[（(][^（）()]*[)）])+\s*$|\s*[:：。]\s*$")
_HEAD_BODY = re.compile(r"^[\u4e00-\u9fffA-Za-z/ ]{2,12}$")
_BARE_TYPES = {"单选", "多选", "判断", "填空", "简答", "问答", "论述"}

_BRACKET = re.compile(r"[（(]\s*([^（）()\n]{0,40}?)\s*[)）]")
_JUDGE_MARKS = {"√", "×", "✓", "✗", "✔", "✘", "正确", "错误", "对", "错"}
_TRAILING_MARK = re.compile(r"^(?P<stem>.*\S)\s*(?P<mark>[√×✓✗✔✘])$", re.S)
EMPTY_BRACKET = "（ ）"

_DIFFICULTY = {
    "简单": 1, "容易": 1, "易": 1, "较易": 1, "1": 1,
    "中等": 2, "中": 2, "一般": 2, "适中": 2, "2": 2,
    "困难": 3, "难": 3, "较难": 3, "3": 3,
}
_LIST_SPLIT = re.compile(r"\s*[，,、;；]\s*")


def _digit(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))


def _heading(text: str) -> tuple[bool, QType | None]:
    """(is a heading, its type) for a cleaned line."""
    m = _HEAD_PREFIX.match(text)
    body = text[m.end():] if m else text
    bracketed = body.startswith(("【", "[")) and body.endswith(("】", "]"))
    body = body.strip("【】[] ")
    body = _HEAD_TAIL.sub("", body).strip("【】[] ")
    if not _HEAD_BODY.match(body):
        return (bool(m) and not body, None)
    qtype = parse_qtype(body)
    if qtype is not None and (m or bracketed or body.endswith("题") or body in _BARE_TYPES):
        return True, qtype
    return bool(m), None


# --- the parser ------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    line: int
    auto: bool
    stem: list[str]
    qtype: QType | None = None
    options: list[str] = field(default_factory=list)
    answer: list[str] | None = None
    explanation: list[str] = field(default_factory=list)
    category: str = ""
    difficulty: int = 2
    score: float | None = None
    tags: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    block: str = "stem"
    inner: int | None = None


class _Parser:
    def __init__(self, file: str) -> None:
        self.file = file
        self.result = ImportResult()
        self.section: QType | None = None
        self.style: str | None = None
        self.prev = 0
        self.cur: _Draft | None = None

    # problems
    def warn(self, line: int, message: str, fld: str | None = None) -> None:
        self.result.problems.append(Problem(self.file, message, Severity.WARNING, line=line, field=fld))

    def error(self, line: int, fld: str | None, message: str) -> None:
        self.result.problems.append(Problem(self.file, message, Severity.ERROR, line=line, field=fld))

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

    def _append(self, line: Line, text: str) -> None:
        cur = self.cur
        if cur is None:
            self.warn(line.number, _("不属于任何试题，已忽略：{text}", text=text[:30]))
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
            self.warn(line.number, _("无法识别的行，已忽略：{text}", text=text[:30]))

    def _start(self, line: Line, number: int, style: str, stem: str, auto: bool = False) -> None:
        self._finish()
        if self.style is None:
            self.style = style
        self.prev = number
        self.cur = _Draft(line.number, auto, [stem] if stem else [])

    # one line
    def feed(self, line: Line) -> None:
        text = clean(line.text)
        if text:
            self._text(line, text)
        if line.media and self.cur is not None:
            self.cur.media.extend(line.media)
        elif line.media:
            self.warn(line.number, _("图片不属于任何试题，已忽略"), _("图片"))

    def _text(self, line: Line, text: str) -> None:
        cur = self.cur
        free = self._free_text()
        is_head, qtype = _heading(text)
        if is_head and (qtype is not None or not free):
            self._finish()
            self.section, self.style, self.prev = qtype, None, 0
            return
        label = _LABEL.match(text)
        if label and not (free and label.group("key") == "答"):
            self._label(line, _KEY_KIND[label.group("key")], label.group("val").strip())
            return
        num = _NUMBER.match(text)
        if num:
            style = "di" if num.group("di") else "paren" if num.group("paren") else "plain"
            n = _digit(num.group("di") or num.group("paren") or num.group("plain"))
            if self._is_question(n, style):
                self._start(line, n, style, num.group("rest").strip())
                return
            if cur is not None and cur.block != "options":
                cur.inner = n
            self._append(line, text)
            return
        if line.auto == "number" and line.level == 0 and self._auto_question():
            self._start(line, self.prev + 1, self.style or "plain", text, auto=True)
            return
        if cur is not None and cur.block in ("stem", "options", "answer") and not self._free_text():
            if line.auto == "letter":
                self._add_options(line, [text])
                return
            if _OPTION_START.match(text):
                self._add_options(line, self._split_options(text))
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

    def _auto_question(self) -> bool:
        cur = self.cur
        return cur is None or cur.block != "stem" or cur.auto

    def _split_options(self, text: str) -> list[str]:
        marks: list[tuple[int, int]] = []
        expected = None
        for m in _OPTION_ANY.finditer(text):
            letter = unicodedata.normalize("NFKC", m.group("l1") or m.group("l2")).upper()
            if expected is None or letter == expected:
                marks.append((m.start(), m.end()))
                idx = LETTERS.find(letter)
                expected = LETTERS[idx + 1] if 0 <= idx < len(LETTERS) - 1 else "-"
        ends = [s for s, _e in marks[1:]] + [len(text)]
        return [text[e:end].strip() for (_s, e), end in zip(marks, ends, strict=True)]

    def _add_options(self, line: Line, texts: list[str]) -> None:
        cur = self.cur
        assert cur is not None
        cur.options.extend(texts)
        cur.block, cur.inner = "options", None

    def _label(self, line: Line, kind: str, value: str) -> None:
        cur = self.cur
        if cur is None:
            self.warn(line.number, _("不属于任何试题，已忽略：{text}", text=value[:30]))
            return
        sub = _NUMBER.match(value) if kind in ("answer", "explanation") else None
        cur.inner = _digit(sub.group("di") or sub.group("paren") or sub.group("plain")) if sub else None
        if kind == "answer":
            parts = _INLINE_EXPLANATION.split(value, maxsplit=1)
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
            if kind == "difficulty":
                level = _DIFFICULTY.get(unicodedata.normalize("NFKC", value).strip("星★ "))
                if level is None and value and set(value) <= {"★", "☆"}:
                    level = min(3, max(1, value.count("★")))
                if level is None:
                    self.warn(line.number, _("“{v}”无法识别，按中等处理", v=value), _("难度"))
                cur.difficulty = level or 2
            elif kind == "category":
                cur.category = value
            elif kind == "tags":
                cur.tags = [t for t in _LIST_SPLIT.split(value) if t]
            elif kind == "score":
                try:
                    cur.score = float(unicodedata.normalize("NFKC", value).rstrip("分 "))
                except ValueError:
                    self.warn(line.number, _("“{v}”不是数字，已忽略", v=value), _("分值"))
            elif kind == "qtype":
                cur.qtype = parse_qtype(value)
                if cur.qtype is None:
                    self.warn(line.number, _("“{v}”无法识别，按所在部分处理", v=value), _("题型"))

    # the end of a question
    def _finish(self) -> None:
        cur, self.cur = self.cur, None
        if cur is None:
            return
        qtype = cur.qtype or self.section
        stem = clean("\n".join(cur.stem))
        options = [clean(o) for o in cur.options]
        raw = "\n".join(cur.answer) if cur.answer is not None else None
        inline = _INLINE_ANSWER.search(stem) if raw is None else None
        if inline:
            stem, raw = clean(stem[: inline.start()] + stem[inline.end():]), inline.group("val").strip()
        if raw is None:
            stem, raw = _answer_from_stem(stem, qtype, options)
        found = interpret(qtype, raw, options, stem)
        q = Question(
            qtype=found.qtype or qtype or QType.SINGLE,
            stem=stem,
            options=found.options,
            answer=found.answer,
            blanks=found.blanks,
            explanation=clean("\n".join(cur.explanation)),
            category=cur.category,
            tags=cur.tags,
            difficulty=cur.difficulty,
            score=cur.score,
            media=list(cur.media),
            source=SourceRef(file=self.file, line=cur.line),
        )
        problems = q.problems()
        if found.error:
            problems = [(f, m) for f, m in problems if f != _("答案")] + [(_("答案"), found.error)]
        for fld, message in problems:
            self.error(cur.line, fld, message)
        if not problems:
            self.result.questions.append(q)

    def close(self) -> ImportResult:
        self._finish()
        return self.result


def _answer_from_stem(stem: str, qtype: QType | None, options: list[str]) -> tuple[str, str]:
    """Take an answer written inside the stem's brackets; returns (stem, raw answer)."""
    if qtype is QType.FILL:
        found = [m for m in _BRACKET.finditer(stem) if m.group(1).strip()]
        if not found:
            return stem, ""
        for m in reversed(found):
            stem = stem[: m.start()] + EMPTY_BRACKET + stem[m.end():]
        return stem, "；".join(m.group(1).strip() for m in found)
    choice = qtype in (QType.SINGLE, QType.MULTIPLE) or (qtype is None and options)
    judge = qtype is QType.JUDGE or (qtype is None and not options)
    for m in reversed(list(_BRACKET.finditer(stem))):
        content = m.group(1).strip()
        if choice:
            letters = re.sub(r"[\s、,，]", "", unicodedata.normalize("NFKC", content))
            ok = bool(letters) and all(c in LETTERS[: len(options)] for c in letters.upper())
        else:
            ok = judge and content in _JUDGE_MARKS
        if ok:
            return stem[: m.start()] + EMPTY_BRACKET + stem[m.end():], content
    if qtype is QType.JUDGE:
        trailing = _TRAILING_MARK.match(stem)
        if trailing and parse_judge(trailing.group("mark")):
            return trailing.group("stem"), trailing.group("mark")
    return stem, ""


def parse_lines(
    lines: Iterable[tuple[int, str] | Line],
    file: str,
    *,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Parse a numbered question list given as ``(line number, text)`` pairs or :class:`Line` objects."""
    items = [ln if isinstance(ln, Line) else Line(int(ln[0]), str(ln[1])) for ln in lines]
    parser = _Parser(file)
    total = len(items)
    label = _("正在解析试题")
    for i, line in enumerate(items):
        if i % 50 == 0:
            if cancel is not None:
                cancel.check()
            progress(i, total, label)
        parser.feed(line)
    result = parser.close()
    progress(total, total, label)
    return result
