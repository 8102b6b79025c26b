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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, overload

from base.i18n import N_, _
from base.limits import LimitExceeded, TextBudget
from base.memory import give_back, release
from base.problems import Severity
from quizbank.columns import WRITE_HEADER, Where, display, question_row
from quizbank.formats import FormatSpec, ReadOptions, UnsupportedFormat
from quizbank.grid import read_grid
from quizbank.guard import Workbook, open_workbook
from quizbank.model import ImportResult, Question

__all__ = ["read_grid", "sheet_rows", "preview"]

READ_CHUNK = 2000


def sheet_rows(sheet: Any) -> list[list[Any]]:
    """Every row of a python-calamine sheet from A1, like ``to_python(skip_empty_area=False)``.

    ``to_python`` builds the whole grid in one call that holds the GIL: 100,000 rows kept the
    window (and the import's writer thread) waiting for ~200 ms. Here the rows come in chunks of
    ``READ_CHUNK``, with the interpreter free to switch threads between them; for 10,000 rows it
    is no slower. ``iter_rows`` starts at the first used column, so rows are padded to A.
    """
    return SheetRows(sheet, merged=False)[:]


class SheetRows(Sequence[list[Any]]):
    """The rows of a python-calamine sheet from A1, made Python lists a chunk at a time.

    A sheet's rows as Python objects take about as much memory as calamine's own copy of the
    sheet: holding both for a 100,000-row bank doubled the import's peak. Here rows are converted
    (``READ_CHUNK`` at a time, the GIL free between chunks) only when the reader first looks at
    them, and dropped again once it says it is done with them (:meth:`forget`). Cells merged down
    several rows get the merged value, and numbers with a telling format their shown text
    (``shown_as``), as each chunk is made (``merged=False``: cells as stored). Rows are looked at
    in order; :meth:`distinct` reads one column of every row afresh without keeping them.
    """

    def __init__(self, sheet: Any, shown_as: dict[tuple[int, int], Any] | None = None, *, merged: bool = True) -> None:
        self.sheet = sheet
        start, end = sheet.start, sheet.end
        self.n = end[0] + 1 if start is not None and end is not None else 0
        self.pad = [""] * start[1] if start is not None and start[1] else None
        self.merges = _vertical_merges(sheet) if merged else []
        self.shown_as: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), shown in (shown_as or {}).items():
            self.shown_as.setdefault(r, []).append((c, shown))
        self.source = sheet.iter_rows()
        self.rows: list[list[Any]] = []     # a row let go is _DROPPED
        self.forgotten = 0      # rows before this index were dropped

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...

    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.n)
            self._make(stop)
            if step != 1 or start < min(stop, self.forgotten):
                return [self[k] for k in range(start, stop, step)]
            return self.rows[start:stop]
        if 0 <= index < len(self.rows):   # the usual look at a row already made
            row = self.rows[index]
            if row is not _DROPPED:
                return row
        if index < 0:
            index += self.n
        if not 0 <= index < self.n:
            raise IndexError(index)
        self._make(index + 1)
        row = self.rows[index]
        if row is _DROPPED:
            raise LookupError(f"row {index} was already dropped")   # a reader looking back: a bug
        return row

    def __iter__(self) -> Iterator[list[Any]]:
        self._make(self.n)
        if self.forgotten:
            raise LookupError("rows were already dropped")   # a reader looking back: a bug
        return iter(self.rows)

    def forget(self, upto: int) -> None:
        """Drop the rows before ``upto``: the reader will not look at them again."""
        upto = min(upto, len(self.rows))
        for k in range(self.forgotten, upto):
            self.rows[k] = _DROPPED
        self.forgotten = max(self.forgotten, upto)

    def distinct(self, col: int, start: int) -> set[Any]:
        """The distinct values of column ``col`` from row ``start`` on: every row is made again,
        a chunk at a time, and let go (the rows kept for the reader stay as they are)."""
        if len(self.rows) == self.n and start >= self.forgotten:   # all made already (a small sheet)
            return {row[col] for row in self.rows[start:] if col < len(row)}
        values: set[Any] = set()
        source, at = self.sheet.iter_rows(), 0
        while at < self.n and (chunk := list(islice(source, READ_CHUNK))):
            if at + len(chunk) > start:
                chunk = self._fixed(at, chunk)
                values.update(row[col] for row in chunk[max(0, start - at):] if col < len(row))
            at += len(chunk)
        return values

    def _make(self, stop: int) -> None:
        while len(self.rows) < min(stop, self.n):
            chunk = list(islice(self.source, READ_CHUNK))
            if not chunk:    # fewer rows than the sheet's end said: the rest are empty
                self.rows.extend([[] for _ in range(self.n - len(self.rows))])
                return
            self.rows.extend(self._fixed(len(self.rows), chunk))

    def _fixed(self, first: int, chunk: list[list[Any]]) -> list[list[Any]]:
        """Rows ``first…`` padded to column A, merged cells filled and numbers shown as displayed."""
        if self.pad is not None:
            chunk = [self.pad + row for row in chunk]
        last = first + len(chunk) - 1
        for merge in self.merges:
            merge.fill(first, last, chunk)
        if self.shown_as:
            for r in range(first, last + 1):
                for c, shown in self.shown_as.get(r, ()):
                    row = chunk[r - first]
                    if c < len(row):
                        value = row[c]
                        if isinstance(value, (int, float)) and not isinstance(value, bool):
                            row[c] = shown(value)
        return chunk


_DROPPED: list[Any] = []   # stands for a row let go (SheetRows.forget); never handed out


@dataclass(slots=True)
class _Merge:
    """A block merged over several rows (题型 merged down a group): every cell gets its first value."""

    r0: int
    c0: int
    r1: int
    c1: int
    value: Any = None

    def fill(self, first: int, last: int, chunk: list[list[Any]]) -> None:
        """Fill the block's cells among rows ``first…last`` (``chunk``; chunks come in order)."""
        if self.r1 < first or self.r0 > last:
            return
        if first <= self.r0:
            top = chunk[self.r0 - first]
            if self.c0 >= len(top):      # the block starts right of the row's cells: nothing to fill
                self.r1 = -1
                return
            self.value = top[self.c0]
        for r in range(max(self.r0, first), min(self.r1, last) + 1):
            row = chunk[r - first]
            for c in range(self.c0, min(self.c1, len(row) - 1) + 1):
                row[c] = self.value


def _vertical_merges(sheet: object) -> list[_Merge]:
    try:
        ranges = getattr(sheet, "merged_cell_ranges", None) or []
    except Exception:  # only some file types know merged cells
        return []
    return [_Merge(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges if r1 > r0]


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
    # One sheet at a time, its rows made as they are read (SheetRows): a sheet's cells are never
    # held twice over, as calamine's and as Python's.
    names = book.sheet_names
    total = 0
    try:
        for k, name in enumerate(names):
            options.cancel.check()
            style = styles.get(name)
            rows = _sheet(book, name, k == len(names) - 1, style.display if style is not None else None, result)
            if rows is None:
                continue
            total += len(rows)
            read_grid(rows, result, options, file=path.name, sheet=name, done_before=total - len(rows), total=total,
                      marks=style.marks if style is not None else None, budget=budget)
            release(rows.rows)   # what is left of a sheet's cells, freed a slice at a time (see base.memory)
    except LimitExceeded as exc:
        result.problems.append(exc.problem)
        return result
    options.progress(total, total, _("正在读取 {file}", file=path.name))
    return result


def _sheet(book: Workbook, name: str, last: bool, shown_as: dict[tuple[int, int], Any] | None,
           result: ImportResult) -> SheetRows | None:
    """The rows of sheet ``name``, or None (with a warning) for a damaged or unsupported sheet (a chart
    sheet), which should not stop the rest. After the ``last`` sheet the workbook is closed: its shared
    strings go (the sheets hold their own copies)."""
    try:
        sheet = book.book.get_sheet_by_name(name)
        if last:
            book.book.close()
            give_back()
        return SheetRows(sheet, shown_as)
    except LimitExceeded:
        raise
    except Exception as exc:  # calamine raises several error types for damaged sheets
        result.problems.append(Where(book.path.name, name).problem(
            None, _("无法读取工作表：{error}", error=exc), Severity.WARNING))
        return None


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
