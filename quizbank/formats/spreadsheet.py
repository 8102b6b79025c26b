# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Excel and OpenDocument spreadsheets (.xlsx .xlsm .xls .ods read with python-calamine; .xlsx written).

Files are checked against :mod:`base.limits` first (:func:`quizbank.guard.open_workbook`: used
ranges, shared strings, zip sizes), then every sheet is read as a grid by
:func:`quizbank.grid.read_grid` (tables, guessed columns, one-text-per-row sheets). For
``.xlsx`` the cells are taken as Excel shows them (:mod:`quizbank.formats._xlsx_styles`):
``0.00%`` reads ``0.00%``, and a red font or a fill on options can give the answer. ``.xls``
and ``.ods`` cells are read as stored (dates as dates), without marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from base.i18n import N_, _
from base.limits import LimitExceeded, TextBudget
from base.memory import release
from base.problems import Severity
from quizbank.columns import WRITE_HEADER, Where, display, question_row
from quizbank.formats import FormatSpec, ReadOptions, UnsupportedFormat
from quizbank.grid import read_grid
from quizbank.guard import open_workbook
from quizbank.model import ImportResult, Question

__all__ = ["read_grid", "sheet_rows", "preview"]

_Cell = TypeVar("_Cell")


def _fill_vertical_merges(rows: list[list[_Cell]], sheet: object) -> None:
    """Give every cell of a merged block spanning several rows (题型 merged down a group) its value."""
    try:
        ranges = getattr(sheet, "merged_cell_ranges", None) or []
    except Exception:  # only some file types know merged cells
        return
    for (r0, c0), (r1, c1) in ranges:
        if r1 <= r0 or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value


READ_CHUNK = 2000


def sheet_rows(sheet: Any) -> list[list[Any]]:
    """Every row of a python-calamine sheet from A1, like ``to_python(skip_empty_area=False)``.

    ``to_python`` builds the whole grid in one call that holds the GIL: 100,000 rows kept the
    window (and the import's writer thread) waiting for ~200 ms. Here the rows come in chunks of
    ``READ_CHUNK``, with the interpreter free to switch threads between them; for 10,000 rows it
    is no slower. ``iter_rows`` starts at the first used column, so rows are padded to A.
    """
    start = sheet.start
    pad = [""] * start[1] if start is not None and start[1] else None
    rows = sheet.iter_rows()
    out: list[list[Any]] = []
    while chunk := list(islice(rows, READ_CHUNK)):
        out.extend(chunk if pad is None else [pad + row for row in chunk])
    return out


def _show_as_displayed(rows: list[list[Any]], shown_as: dict[tuple[int, int], Any]) -> None:
    """Numbers with a format that changes how they read (0.00%, #,##0) become that text."""
    for (r, c), shown in shown_as.items():
        if r < len(rows) and c < len(rows[r]):
            value = rows[r][c]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                rows[r][c] = shown(value)


def _read(path: Path, options: ReadOptions) -> ImportResult:
    result = ImportResult()
    budget = TextBudget.for_file(path)
    try:
        book = open_workbook(path)
    except LimitExceeded as exc:
        result.problems.append(exc.problem)
        return result
    except Exception as exc:  # calamine and the checks raise several error types for damaged files
        result.problems.append(Where(path.name).problem(None, _("无法打开表格文件：{error}", error=exc)))
        return result
    styles: dict[str, Any] = {}
    if book.kind == "xlsx" and book.parts:
        from quizbank.formats._xlsx_styles import read_styles

        try:
            styles = read_styles(path, book.parts)
        except (OSError, ValueError, KeyError, SyntaxError) as exc:   # damaged styles: values as stored
            result.problems.append(Where(path.name).problem(
                None, _("无法读取单元格格式，按存储的值读取：{error}", error=exc), Severity.WARNING))
    sheets: list[tuple[str, list[list[Any]]]] = []
    total = 0
    try:
        for name in book.sheet_names:
            options.cancel.check()
            try:
                sheet = book.book.get_sheet_by_name(name)
                rows = sheet_rows(sheet)
                _fill_vertical_merges(rows, sheet)
                sheets.append((name, rows))
            except LimitExceeded:
                raise
            except Exception as exc:  # a damaged or unsupported sheet (chart sheet) should not stop the rest
                result.problems.append(Where(path.name, name).problem(
                    None, _("无法读取工作表：{error}", error=exc), Severity.WARNING))
        total = sum(len(rows) for _name, rows in sheets)
        done = 0
        for name, grid in sheets:
            style = styles.get(name)
            if style is not None and style.display:
                _show_as_displayed(grid, style.display)
            done += read_grid(grid, result, options, file=path.name, sheet=name, done_before=done, total=total,
                              marks=style.marks if style is not None else None, budget=budget)
            release(grid)   # a sheet's million cells, freed a slice at a time (see base.memory)
    except LimitExceeded as exc:
        result.problems.append(exc.problem)
        return result
    options.progress(total, total, _("正在读取 {file}", file=path.name))
    return result


def preview(path: Path, limit: int = 20) -> list[tuple[str, list[list[str]]]]:
    """The first ``limit`` rows of each sheet as displayed text, for a column-mapping dialog."""
    book = open_workbook(path)
    out = []
    for name in book.sheet_names:
        rows = book.book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=limit)
        out.append((name, [[display(c) for c in row] for row in rows[:limit]]))
    return out


def _write(path: Path, questions: Sequence[Question]) -> None:
    if path.suffix.lower() != ".xlsx":
        raise UnsupportedFormat(_("只能写出 .xlsx 表格：{file}", file=path.name))
    from openpyxl import Workbook as XlsxWorkbook

    workbook = XlsxWorkbook(write_only=True)
    sheet = workbook.create_sheet("题库")
    sheet.append(WRITE_HEADER)
    for q in questions:
        sheet.append(question_row(q))
    workbook.save(str(path))


FORMAT = FormatSpec(
    name="xlsx",
    label=N_("Excel/WPS 表格"),
    extensions=(".xlsx", ".xlsm", ".xls", ".ods"),
    read=_read,
    write=_write,
)
