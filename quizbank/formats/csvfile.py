# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""CSV and TSV question banks (read and write).

Text is UTF-8 with or without BOM, or GBK/GB18030 as Excel on Chinese Windows saves
it. The delimiter (comma, tab, semicolon, bar) is chosen by which one splits the
first lines into the most consistent columns. Rows are then read like a sheet
(see :func:`quizbank.grid.read_grid`); ``row`` in problems is the
record number, as a spreadsheet program shows it.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from base.i18n import N_, _
from base.limits import LimitExceeded, TextBudget, check_file_size, check_rows, looks_binary
from base.problems import Problem, Severity
from quizbank.columns import WRITE_HEADER, Where, question_row
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.formats.textfile import not_text
from quizbank.grid import read_grid
from quizbank.model import ImportResult, Question
from quizbank.normalize import clean

_DELIMITERS = (",", "\t", ";", "|")
_SNIFF_LINES = 20
_SNIFF_CHARS = 1 << 18   # the text the first lines are looked for in


def decode(data: bytes) -> tuple[str, bool]:
    """Text of a file in UTF-8 (BOM optional) or GB18030; ``False`` when neither fitted cleanly."""
    try:
        return data.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), True
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), False


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The delimiter giving the most rows with the same column count as the first row."""
    head = text[:_SNIFF_CHARS]      # not splitlines() of a whole 100,000-row file for 20 of its lines
    if len(text) > _SNIFF_CHARS and "\n" in head:
        head = head[:head.rindex("\n")]   # no cut last line
    lines = [ln for ln in head.splitlines()[:_SNIFF_LINES * 4] if ln.strip()][:_SNIFF_LINES]
    if not lines:
        return default
    sample = "\n".join(lines)
    best, best_score = default, (0, 0)
    for delim in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delim))
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(1 for r in rows if len(r) == width), width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _rows(path: Path, data: bytes, problems: list[Problem]) -> list[list[str]] | None:
    """The records of a CSV file, or ``None`` (with an error in ``problems``)."""
    where = Where(path.name)
    text, clean_decode = decode(data)
    if not clean_decode:
        problems.append(where.problem(
            None, _("文件编码无法识别（应为UTF-8或GBK），部分文字可能是乱码"), Severity.WARNING))
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    delimiter = sniff_delimiter(text, default)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        problems.append(where.problem(None, _("无法读取CSV：{error}", error=exc)))
        return None
    finally:
        csv.field_size_limit(old_limit)


def preview(path: Path, limit: int = 20) -> list[list[str]]:
    """The first ``limit`` records as cleaned text, for a column-mapping dialog."""
    check_file_size(path)
    rows = _rows(path, path.read_bytes(), []) or []
    return [[clean(c) for c in row] for row in rows[:limit]]


def _read(path: Path, options: ReadOptions) -> ImportResult:
    result = ImportResult()
    try:
        check_file_size(path)
        data = path.read_bytes()
    except LimitExceeded as exc:
        result.problems.append(exc.problem)
        return result
    except OSError as exc:
        result.problems.append(Where(path.name).problem(None, _("无法打开文件：{error}", error=exc)))
        return result
    if looks_binary(data):
        return not_text(path.name, data)
    rows = _rows(path, data, result.problems)
    if rows is None:
        return result
    try:
        check_rows(path.name, len(rows))
        read_grid(rows, result, options, file=path.name, sheet=None, budget=TextBudget.for_file(path))
    except LimitExceeded as exc:
        result.problems.append(exc.problem)
        return result
    options.progress(len(rows), len(rows), _("正在读取 {file}", file=path.name))
    return result


def _write(path: Path, questions: Sequence[Question]) -> None:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    # UTF-8 with BOM so that Excel on Chinese Windows opens it correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(WRITE_HEADER)
        for q in questions:
            writer.writerow(question_row(q))


FORMAT = FormatSpec(
    name="csv",
    label=N_("CSV/TSV 文本表格"),
    extensions=(".csv", ".tsv"),
    read=_read,
    write=_write,
)
