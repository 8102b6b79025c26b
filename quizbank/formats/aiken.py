# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Moodle Aiken (``.aiken``) import and export: single-choice questions in plain text.

::

    The Moodle project was started by:
    A) Petr Skoda
    B) Martin Dougiamas
    ANSWER: B

Reading: a question is one or more stem lines, options ``A)``/``A.`` (also ``A．``, ``A、``
and full-width letters; the space after ``)`` may be missing, as Moodle accepts), then an
``ANSWER: X`` line (``答案：`` also works). Blank lines are ignored. Text is taken as plain
text, never as HTML. As a StudyHall extension ``ANSWER: AC`` gives a multiple choice.
A block that cannot be a question (too few options, options without a stem, no ``ANSWER``
line, an answer letter with no option) becomes one ERROR problem located at the block's
first line, and reading continues with the next block.

Aiken files are usually ``.txt``, a suffix the numbered-list text format also reads: a ``.txt``
file is read as Aiken when :func:`looks_like_aiken` finds ``ANSWER:`` lines after option lines
(and no Chinese 答案 lines, which the numbered-list format handles); ``--format aiken`` forces it.

Writing: Aiken can express only single-choice questions; explanation, category, tags,
difficulty, score and media are not written. :func:`write` raises ``FormatError`` (with a
Chinese message naming the first question that is not single choice, and how many there
are) instead of writing a partial file; it also refuses a stem line that would read back as
an option or ``ANSWER`` line. Option line breaks become spaces and blank stem lines are
dropped, since Aiken is line based.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from base.errors import FormatError
from base.i18n import N_, _
from base.problems import Problem, Severity
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.formats import _moodle as m
from quizbank.model import LETTERS, ImportResult, QType, Question
from quizbank.normalize import clean, parse_letters

_OPTION = re.compile(r"^([A-Z])(?:[)）]|[.．、](?=\s|[^\x00-\x7f])|[.．、]$)\s*(.*)$")
_ANSWER = re.compile(r"^(?:ANSWER|答案)\s*[:：]\s*(.*)$", re.IGNORECASE)


@dataclass(slots=True)
class _Pending:
    line: int = 0
    stem: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    skip: bool = False  # an orphan block already reported: ignore until ANSWER


def _option(line: str) -> tuple[str, str] | None:
    head = unicodedata.normalize("NFKC", line[:2])
    match = _OPTION.match(head + line[2:])
    return (match.group(1), match.group(2).strip()) if match else None


def _problem(result: ImportResult, file: str, line: int, message: str, fld: str) -> None:
    result.problems.append(Problem(file, message, Severity.ERROR, line=line, field=fld))


def _finish(result: ImportResult, pending: _Pending, raw: str, file: str) -> None:
    stem = clean("\n".join(pending.stem))
    if len(pending.options) < 2:
        _problem(result, file, pending.line, _("至少需要两个选项，只有{n}个", n=len(pending.options)), _("选项"))
        return
    letters = parse_letters(raw)
    if not letters and (first := re.match(r"^([A-H])(?![A-Za-z])", raw)):
        letters = [first.group(1)]  # "ANSWER: B) Martin": Moodle reads the first letter only
    if not letters:
        _problem(result, file, pending.line, _("“{a}”不是选项字母", a=raw), _("答案"))
        return
    qtype = QType.MULTIPLE if len(letters) > 1 else QType.SINGLE
    m.add_question(result, Question(qtype, stem, options=list(pending.options), answer=letters), file, pending.line)


def read(path: Path, options: ReadOptions | None = None) -> ImportResult:
    options = options or ReadOptions()
    result = ImportResult()
    text = m.read_text(path, result)
    if text is None:
        return result
    file = path.name
    pending = _Pending()
    lines = text.split("\n")
    for number, raw_line in enumerate(lines, start=1):
        if number % 500 == 0:
            options.cancel.check()
            options.progress(number, len(lines), file)
        line = clean(raw_line)
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = None if answer else _option(line)
        if answer:
            if pending.skip:
                pass
            elif not pending.stem and not pending.options:
                _problem(result, file, number, _("“ANSWER”行前没有题目"), _("题干"))
            else:
                _finish(result, pending, answer.group(1).strip(), file)
            pending = _Pending()
        elif option:
            if pending.skip:
                continue
            if not pending.stem:
                _problem(result, file, number, _("选项前缺少题干"), _("题干"))
                pending = _Pending(line=number, skip=True)
                continue
            letter, value = option
            expected = LETTERS[len(pending.options)] if len(pending.options) < len(LETTERS) else "?"
            if letter != expected:
                _problem(result, file, pending.line, _("选项应为“{e}”，却是“{l}”", e=expected, l=letter), _("选项"))
                pending.skip = True
                continue
            pending.options.append(value)
        else:
            if pending.options and not pending.skip:
                _problem(result, file, pending.line, _("缺少“ANSWER:”行"), _("答案"))
            if pending.options or pending.skip:
                pending = _Pending()
            if not pending.stem:
                pending.line = number
            pending.stem.append(line)
    if pending.stem and not pending.skip:
        _problem(result, file, pending.line, _("缺少“ANSWER:”行"), _("答案"))
    options.progress(len(lines), len(lines), file)
    return result


# --- writing -------------------------------------------------------------------------


def _line_safe(text: str) -> bool:
    return not (_ANSWER.match(text) or _option(text))


def dumps(questions: Sequence[Question]) -> str:
    """Aiken text for single-choice ``questions``; raises ``FormatError`` for anything else."""
    blocks = []
    for number, q in enumerate(questions, start=1):
        if q.qtype is not QType.SINGLE:
            bad = sum(1 for x in questions if x.qtype is not QType.SINGLE)
            raise FormatError(
                _("Aiken 格式只能保存单选题：第{n}题是{t}（共{bad}道题无法保存）", n=number, t=q.qtype.label, bad=bad)
            )
        stem = [ln for ln in clean(q.stem).split("\n") if ln]
        if not stem or not all(_line_safe(ln) for ln in stem):
            raise FormatError(_("第{n}题的题干在 Aiken 格式中会被当成选项或答案行", n=number))
        lines = list(stem)
        for letter, option in zip(LETTERS, q.options, strict=False):
            lines.append(f"{letter}) {' '.join(clean(option).split())}")
        lines.append(f"ANSWER: {q.answer[0] if q.answer else ''}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def write(path: Path, questions: Sequence[Question]) -> None:
    path.write_text(dumps(questions), encoding="utf-8")


def looks_like_aiken(path: Path) -> bool:
    """True when the start of the file has Aiken ``ANSWER: X`` lines right after option lines."""
    try:
        head = path.read_bytes()[:8192].decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    answers = [i for i, ln in enumerate(lines) if re.match(r"^ANSWER\s*:\s*[A-Z]", ln)]
    return bool(answers) and all(i > 0 and _option(lines[i - 1]) for i in answers) and "答案" not in head


FORMAT = FormatSpec(name="aiken", label=N_("Moodle Aiken 文本"), extensions=(".aiken", ".aiken.txt"), read=read,
                    write=write, sniff=looks_like_aiken, sniff_extensions=(".txt",))
