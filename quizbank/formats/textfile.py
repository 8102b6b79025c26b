# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Plain-text numbered question lists (``.txt``), read and written.

Reading decodes UTF-8 (with or without BOM), UTF-16 with a BOM, then GB18030 (a
superset of GBK/GB2312, what Chinese Notepad saves as "ANSI"); bytes that fit none
are replaced and reported; bytes that are no text at all (``base.limits.looks_binary``)
are refused, and so is a file over the limits of :mod:`base.limits`. Lines are numbered as an editor shows them (``\\r\\n``,
``\\r`` and ``\\n`` each end a line) and parsed by :mod:`quizbank.numbered`.

Writing produces the layout :func:`render` describes (also used by the ``.docx``
writer): a heading whenever the type changes, questions numbered from 1 in each
section, one option per line, then ``答案：``/``参考答案：``, ``解析：``, ``分类：``,
``标签：``, ``分值：`` and ``难度：`` lines. Files are UTF-8 with BOM and CRLF line ends
so that every Windows Notepad opens them. Media cannot be represented in text and
are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from base.i18n import N_, _
from base.limits import LimitExceeded, TextBudget, check_file_size, looks_binary
from base.problems import Problem, Severity
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.model import LAYOUT_NONE, LETTERS, ImportResult, Layout, QType, Question
from quizbank.numbered import parse_lines

_LINE_END = re.compile(r"\r\n|\r|\n")


def decode(data: bytes) -> tuple[str, bool]:
    """(text, exact): ``exact`` is False when undecodable bytes had to be replaced."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), True
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), True
        except UnicodeDecodeError:
            continue
    return data.decode("gb18030", errors="replace"), False


def not_text(file: str, data: bytes) -> ImportResult:
    """The refusal of bytes that are no text (a picture, an archive, a program named .txt)."""
    return ImportResult(problems=[Problem(file, _("文件看起来不是文本（可能是图片、压缩包或其他二进制文件）"))],
                        layouts=[Layout(file, kind=LAYOUT_NONE, shape=_("{size} 字节的二进制内容", size=len(data)))])


def read(path: Path, options: ReadOptions) -> ImportResult:
    file = path.name
    try:
        check_file_size(path)
        data = path.read_bytes()
    except LimitExceeded as exc:
        return ImportResult(problems=[exc.problem])
    except OSError as exc:
        return ImportResult(problems=[Problem(file, _("无法读取文件：{err}", err=exc.strerror or str(exc)))])
    if looks_binary(data):
        return not_text(file, data)
    text, exact = decode(data)
    lines = list(enumerate(_LINE_END.split(text), start=1))
    try:
        result = parse_lines(lines, file, progress=options.progress, cancel=options.cancel, budget=TextBudget.for_file(path))
    except LimitExceeded as exc:
        return ImportResult(problems=[exc.problem])
    if not exact:
        result.problems.insert(
            0, Problem(file, _("文件编码无法识别，部分字符已替换；请另存为UTF-8后重试"), Severity.WARNING)
        )
    return result


# --- writing ---------------------------------------------------------------------------

# File content, always Chinese whatever the UI language: not wrapped in _().
_HEADINGS = {
    QType.SINGLE: "单选题", QType.MULTIPLE: "多选题", QType.JUDGE: "判断题",
    QType.FILL: "填空题", QType.ESSAY: "简答题",
}
_DIFFICULTY_NAMES = {1: "简单", 2: "中等", 3: "困难"}
_CN = "一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (section headings, 1..99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN[tens - 1] + "十")
    return head + (_CN[ones - 1] if ones else "")


@dataclass(slots=True)
class Block:
    """One written line: ``kind`` is heading, question, option, field or blank."""

    kind: str
    text: str
    media: tuple[str, ...] = ()


def render(questions: Sequence[Question]) -> list[Block]:
    """Questions in the layout :func:`quizbank.numbered.parse_lines` reads back."""
    out: list[Block] = []
    section: QType | None = None
    sections = number = 0
    for q in questions:
        if q.qtype is not section:
            section, number = q.qtype, 0
            sections += 1
            out.append(Block("heading", f"{chinese_number(sections)}、{_HEADINGS[q.qtype]}"))
        number += 1
        first, *more = q.stem.split("\n")
        out.append(Block("question", f"{number}. {first}", tuple(q.media)))
        out.extend(Block("question", t) for t in more)
        for letter, option in zip(LETTERS, q.options, strict=False):
            o_first, *o_more = option.split("\n")
            out.append(Block("option", f"{letter}. {o_first}"))
            out.extend(Block("option", t) for t in o_more)
        out.extend(Block("field", t) for t in _fields(q))
        out.append(Block("blank", ""))
    while out and out[-1].kind == "blank":
        out.pop()
    return out


def _fields(q: Question) -> list[str]:
    lines: list[str] = []
    if q.qtype is QType.FILL:
        lines.append("答案：" + "；".join("/".join(b) for b in q.blanks))
    elif q.qtype is QType.JUDGE:
        lines.append("答案：" + ("正确" if q.answer == ["T"] else "错误"))
    elif q.qtype is QType.ESSAY:
        if q.answer and q.answer[0]:
            lines.extend(("参考答案：" + q.answer[0]).split("\n"))
    else:
        lines.append("答案：" + "".join(q.answer))
    if q.explanation:
        lines.extend(("解析：" + q.explanation).split("\n"))
    if q.category:
        lines.append("分类：" + q.category)
    if q.tags:
        lines.append("标签：" + "，".join(q.tags))
    if q.score is not None:
        lines.append(f"分值：{q.score:g}")
    lines.append("难度：" + _DIFFICULTY_NAMES.get(q.difficulty, "中等"))
    return lines


def write(path: Path, questions: Sequence[Question]) -> None:
    text = "\r\n".join(b.text for b in render(questions)) + "\r\n"
    path.write_bytes(text.encode("utf-8-sig"))


FORMAT = FormatSpec(
    name="txt",
    label=N_("文本文件（编号试题）"),
    extensions=(".txt",),
    read=read,
    write=write,
)
