# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Excel and OpenDocument spreadsheets (.xlsx .xlsm .xls .ods read with python-calamine; .xlsx written).

Each sheet may hold one or more tables: a header row (found in the first rows, after
merged title rows or index rows), then one question per row; a blank row followed
by a new header row starts another table. Sheets named after a type (单选题, 判断题…)
give that type to rows without one. :func:`read_grid` is shared with the CSV format.

Percent cells arrive as their stored value (35% reads as ``0.35``): python-calamine
does not expose number formats, so only dates and times are shown as formatted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from base.i18n import N_, _
from base.memory import release
from base.problems import Severity
from quizbank.columns import (
    OPTION_FIELDS,
    WRITE_HEADER,
    RawColumns,
    RawQuestion,
    Where,
    build_question,
    build_usual,
    detect_header,
    display,
    has_error,
    is_five_scale,
    question_row,
)
from quizbank.formats import FormatSpec, ReadOptions, UnsupportedFormat
from quizbank.model import NO_HEADER, ImportResult, QType, Question
from quizbank.normalize import all_clean, parse_qtype

HEADER_SCAN_ROWS = 10     # non-blank rows searched for the first header of a sheet
NEXT_TABLE_SCAN_ROWS = 3  # non-blank rows after a blank row searched for a new header
CHECK_EVERY = 500
_INSTRUCTION_WORDS = ("说明", "须知", "帮助", "instruction", "readme", "help")
_Cell = TypeVar("_Cell")


def _blank(row: Sequence[object]) -> bool:
    first = row[0] if row else None
    if isinstance(first, str) and first.strip():
        return False  # fast path: the usual row starts with a filled text cell
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _first_cells_filled(rows: Sequence[Sequence[object]]) -> bool:
    """Whether every row starts with a non-blank text cell (so none is blank), in one pass."""
    try:
        return all(map(str.strip, map(itemgetter(0), rows)))
    except (IndexError, TypeError):   # an empty row, or a first cell that is not text
        return False


class _Table:
    """A header mapping compiled to column indices (done once per table)."""

    __slots__ = ("scalar_cols", "option_cols", "five_scale", "width")

    # Order of RawQuestion's positional fields after ``options``.
    _SCALARS = ("type", "stem", "answer", "explanation", "category", "difficulty", "score", "tags")

    def __init__(self, mapping: dict[str, int], rows: Sequence[Sequence[object]]) -> None:
        self.scalar_cols = [mapping.get(f, -1) for f in self._SCALARS]
        self.option_cols = [mapping[f] for f in OPTION_FIELDS if f in mapping]
        self.five_scale = False
        col = mapping.get("difficulty")
        if col is not None:
            self.five_scale = is_five_scale([display(v) for v in {r[col] for r in rows if col < len(r)}])
        self.width = max([*self.scalar_cols, *self.option_cols], default=-1) + 1   # columns a full row holds

    def read_rows(self, rows: Sequence[Sequence[object]], first_row: int, file: str, sheet: str | None,
                  default_type: QType | None, result: ImportResult) -> list[Question]:
        """Usable questions of consecutive data rows (``rows[0]`` is spreadsheet row ``first_row``);
        their problems go to ``result``.

        Cells are read column by column (one clean-up check per column), usual rows are built
        by :func:`build_usual`, and the others one by one by :func:`build_question`.
        """
        n = len(rows)
        whole = min(map(len, rows), default=0) >= self.width

        def column(col: int) -> Sequence[str]:
            if col < 0:
                return [""] * n
            values = list(map(itemgetter(col), rows)) if whole else [r[col] if col < len(r) else "" for r in rows]
            return values if all_clean(values) else [display(v) for v in values]

        t, stem, answer, expl, cat, diff, score, tags = map(column, self.scalar_cols)
        options = list(zip(*map(column, self.option_cols), strict=True)) if self.option_cols else [()] * n
        built = build_usual(RawColumns(t, stem, options, answer, expl, cat, diff, score, tags), file, sheet,
                            first_row, default_type, self.five_scale)
        for k, q in enumerate(built):
            if q is None:
                q, problems = build_question(self.raw(rows[k]), Where(file, sheet, first_row + k), default_type,
                                             self.five_scale)
                result.problems.extend(problems)
                # Without errors build_question found q.problems() empty: the pipeline need not check again.
                built[k] = None if has_error(problems) else q
        return list(filter(None, built))

    def raw(self, row: Sequence[object]) -> RawQuestion:
        """One row for :func:`build_question` (the rows :func:`build_usual` leaves to it)."""
        n = len(row)
        t, stem, answer, expl, cat, diff, score, tags = [
            display(row[c]) if 0 <= c < n and row[c] != "" else "" for c in self.scalar_cols
        ]
        options = [display(row[c]) if c < n and row[c] != "" else "" for c in self.option_cols]
        return RawQuestion(t, stem, options, answer, expl, cat, diff, score, tags)


def _find_header(rows: Sequence[Sequence[object]], start: int, budget: int) -> tuple[int, dict[str, int]] | None:
    """(index, mapping) of the first header row among the next ``budget`` non-blank rows."""
    i, n = start, len(rows)
    while i < n and budget > 0:
        row = rows[i]
        if not _blank(row):
            mapping = detect_header(list(row))
            if mapping is not None:
                # A two-line header (选项 merged over A B C D below it): take both lines.
                below = detect_header(list(rows[i + 1])) if i + 1 < n else None
                if below is not None and set(below) - set(mapping) and all(
                    mapping.get(f, col) == col for f, col in below.items()
                ):
                    return i + 1, {**mapping, **below}
                return i, mapping
            budget -= 1
        i += 1
    return None


def _sheet_type(name: str | None) -> QType | None:
    """The type a sheet's name gives (单选题, 判断题…); English names only when exactly a type."""
    if not name:
        return None
    if name.isascii():
        return QType(name.strip().lower()) if name.strip().lower() in set(QType) else None
    return parse_qtype(name)


def _looks_like_data(name: str, rows: Sequence[Sequence[object]]) -> bool:
    """A header-less sheet worth reporting: not an instructions sheet and some row has two cells."""
    if any(w in name.casefold() for w in _INSTRUCTION_WORDS):
        return False
    return any(sum(1 for c in r if c != "" and c is not None) >= 2 for r in rows[:200])


def read_grid(
    rows: Sequence[Sequence[object]],
    result: ImportResult,
    options: ReadOptions,
    *,
    file: str,
    sheet: str | None,
    first_row: int = 1,
    done_before: int = 0,
    total: int = 0,
) -> int:
    """Read the questions of one sheet (or CSV file) into ``result``; returns rows handled.

    ``first_row`` is the spreadsheet row number of ``rows[0]``. With ``options.columns``
    (the user's mapping) every row is data except rows that look like a header row.
    """
    default_type = _sheet_type(sheet)
    label = _("正在读取 {file}", file=file)
    mapped = options.columns is not None
    found = None if mapped else _find_header(rows, 0, HEADER_SCAN_ROWS)
    if found is not None:
        start, mapping = found
        start += 1
    elif options.columns is not None:
        start, mapping = 0, {k: v for k, v in options.columns.items() if isinstance(v, int) and v >= 0}
    else:
        if _looks_like_data(sheet or "", rows):
            result.problems.append(dataclasses.replace(Where(file, sheet).problem(
                None, _("没有找到表头行（如“题型、题干、选项A、答案”），请指定各列对应的字段")), code=NO_HEADER))
        return len(rows)
    table = _Table(mapping, rows[start:])
    n = len(rows)
    i = start
    after_blank = False
    reported = None
    while i < n:
        if reported is None or i - reported >= CHECK_EVERY:
            options.cancel.check()
            options.progress(done_before + i, total or n, label)
            reported = i
        row = rows[i]
        if _blank(row):
            after_blank = True
            i += 1
            continue
        if mapped:
            if detect_header(list(row)) is not None:
                i += 1  # a header row left in a file the user mapped by hand
                continue
        elif after_blank:
            after_blank = False
            nxt = _find_header(rows, i, NEXT_TABLE_SCAN_ROWS)
            if nxt is not None:
                # A new table: skip its title rows and header row.
                i = nxt[0] + 1
                table = _Table(nxt[1], rows[i:])
                continue
        # Data rows up to the next blank row (or header row of a mapped file), at most CHECK_EVERY.
        end = i + 1
        limit = min(n, i + CHECK_EVERY)
        if not mapped and _first_cells_filled(rows[end:limit]):
            end = limit   # the usual block: no row in it can be blank
        while end < limit and not _blank(rows[end]) and not (mapped and detect_header(list(rows[end])) is not None):
            end += 1
        usable = table.read_rows(rows[i:end], first_row + i, file, sheet, default_type, result)
        if options.on_checked is not None:
            options.on_checked(usable)
        else:
            result.add_checked(*usable)
        i = end
    return n


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


def _read(path: Path, options: ReadOptions) -> ImportResult:
    from python_calamine import CalamineWorkbook

    result = ImportResult()
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises several error types for damaged files
        result.problems.append(Where(path.name).problem(None, _("无法打开表格文件：{error}", error=exc)))
        return result
    sheets: list[tuple[str, list[list[Any]]]] = []
    for name in names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet_rows(sheet)
            _fill_vertical_merges(rows, sheet)
            sheets.append((name, rows))
        except Exception as exc:  # a damaged or unsupported sheet (chart sheet) should not stop the rest
            result.problems.append(Where(path.name, name).problem(
                None, _("无法读取工作表：{error}", error=exc), Severity.WARNING))
    total = sum(len(rows) for _name, rows in sheets)
    done = 0
    for name, grid in sheets:
        done += read_grid(grid, result, options, file=path.name, sheet=name, done_before=done, total=total)
        release(grid)   # a sheet's million cells, freed a slice at a time (see base.memory)
    options.progress(total, total, _("正在读取 {file}", file=path.name))
    return result


def preview(path: Path, limit: int = 20) -> list[tuple[str, list[list[str]]]]:
    """The first ``limit`` rows of each sheet as displayed text, for a column-mapping dialog."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    out = []
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=limit)
        out.append((name, [[display(c) for c in row] for row in rows[:limit]]))
    return out


def _write(path: Path, questions: Sequence[Question]) -> None:
    if path.suffix.lower() != ".xlsx":
        raise UnsupportedFormat(_("只能写出 .xlsx 表格：{file}", file=path.name))
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
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
