# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The questions of one grid of cells (a sheet, or a CSV file): tables, guessed columns, lines.

A sheet may hold one or more tables: a header row (found in the first rows, after merged title
rows or index rows), then one question per row. A new header row starts another table, after a
blank row or right below the last question (``问题 | 答案 | 难度`` under a choice block); a
one-cell title row just above it (``二、简答题``) gives its rows a type. Sheets named after a
type (单选题, 判断题…) give that type to rows without one.

A sheet without a header row is read with the user's columns (``ReadOptions.columns``), else
with columns guessed from the cells (:func:`quizbank.guess.guess_columns`), else, when it holds
one text per row, as lines (:func:`quizbank.numbered.parse_lines`, blank rows between
questions); otherwise it is reported (``NO_HEADER``) so the user can map its columns.

Options may be marked instead of answered: cells carrying a mark (a red font, a fill; see
:mod:`quizbank.marks`) give the answer of rows whose answer cell is empty. Every table, guessed
or not, is described by a :class:`~quizbank.model.Layout` for the preview.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

from base.i18n import _
from base.limits import TextBudget
from quizbank import marks as marking
from quizbank.columns import (
    OPTION_FIELDS,
    RawColumns,
    RawQuestion,
    Where,
    build_question,
    build_usual,
    detect_header,
    display,
    has_error,
    header_field,
    is_five_scale,
    parse_difficulty,
)
from quizbank.guess import guess_columns, is_one_column
from quizbank.model import (
    LAYOUT_GUESSED,
    LAYOUT_HEADER,
    LAYOUT_MAPPED,
    LAYOUT_NONE,
    LETTERS,
    NO_HEADER,
    CleanTexts,
    ImportResult,
    Layout,
    QType,
    Question,
)
from quizbank.normalize import all_clean, parse_qtype

if TYPE_CHECKING:
    from quizbank.formats import ReadOptions

HEADER_SCAN_ROWS = 10     # non-blank rows searched for the first header of a sheet
NEXT_TABLE_SCAN_ROWS = 3  # non-blank rows after a blank row searched for a new header
CHECK_EVERY = 500
_INSTRUCTION_WORDS = ("说明", "须知", "帮助", "instruction", "readme", "help")
Marks = dict[tuple[int, int], frozenset[str]]


def blank(row: Sequence[object]) -> bool:
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


def _filled(row: Sequence[object]) -> list[object]:
    return [c for c in row if c is not None and not (isinstance(c, str) and not c.strip())]


class _Table:
    """A header mapping compiled to column indices (done once per table)."""

    __slots__ = ("scalar_cols", "option_cols", "five_scale", "width", "distinct", "seen")

    # Order of RawQuestion's positional fields after ``options``.
    _SCALARS = ("type", "stem", "answer", "explanation", "category", "difficulty", "score", "tags")

    def __init__(self, mapping: dict[str, int], rows: Sequence[Sequence[object]], start: int) -> None:
        """The table under a header; its data rows are ``rows[start:]`` (for the difficulty scale).

        Whether 难度 is on a 1–5 scale depends on every row of the table. Rows made as they are read
        (:class:`~quizbank.formats.spreadsheet.SheetRows`) are not all there yet: the scale is then
        decided by the first block holding a value that reads differently on the two scales (2, 3),
        from the values seen so far and the rest of the column; a bank of 简单/中等/困难 never needs it.
        """
        self.scalar_cols = [mapping.get(f, -1) for f in self._SCALARS]
        self.option_cols = [mapping[f] for f in OPTION_FIELDS if f in mapping]
        self.five_scale: bool | None = False
        # A column of every row, made afresh (rows made as they are read: SheetRows.distinct)
        self.distinct: Callable[[int, int], set[object]] | None = getattr(rows, "distinct", None)
        self.seen: set[str] = set()     # difficulties of the rows read while the scale was undecided
        col = mapping.get("difficulty")
        if col is not None:
            if self.distinct is not None:
                self.five_scale = None
            else:
                self.five_scale = is_five_scale([display(v) for v in {r[col] for r in rows[start:] if col < len(r)}])
        self.width = max([*self.scalar_cols, *self.option_cols], default=-1) + 1   # columns a full row holds

    def read_rows(self, rows: Sequence[Sequence[object]], first_row: int, file: str, sheet: str | None,
                  default_type: QType | None, result: ImportResult, budget: TextBudget | None = None,
                  marked: dict[int, str] | None = None, at: int = 0) -> list[Question]:
        """Usable questions of consecutive data rows (``rows[0]`` is spreadsheet row ``first_row``, the
        table's row ``at``); their problems go to ``result``. ``marked`` gives answers read from marks,
        by row offset.

        Cells are read column by column (one clean-up check per column), usual rows are built
        by :func:`build_usual`, and the others one by one by :func:`build_question`.
        """
        n = len(rows)
        whole = min(map(len, rows), default=0) >= self.width
        cleaned: list[int] = []    # the columns whose cells were not all clean texts

        def column(col: int) -> Sequence[str]:
            if col < 0:
                return [""] * n
            cells = list(map(itemgetter(col), rows)) if whole else [r[col] if col < len(r) else "" for r in rows]
            if all_clean(cells):
                values = cells
            else:
                values = [display(v) for v in cells]
                cleaned.append(col)
            if budget is not None:
                lengths = list(map(len, values))
                budget.add(sum(lengths), sheet=sheet, row=first_row)
                longest = max(lengths, default=0)
                if longest > budget.field_limit:
                    budget.field(longest, sheet=sheet, row=first_row + lengths.index(longest))
            return values

        t, stem, answer, expl, cat, diff, score, tags = map(column, self.scalar_cols)
        if self.five_scale is None:
            self._decide_scale(set(diff), at)
        five_scale = bool(self.five_scale)   # still undecided: no value here reads differently on the scales
        if marked:
            answer = list(answer)
            for k, letters in marked.items():
                answer[k] = letters
        options = list(zip(*map(column, self.option_cols), strict=True)) if self.option_cols else [()] * n
        built = build_usual(RawColumns(t, stem, options, answer, expl, cat, diff, score, tags), file, sheet,
                            first_row, default_type, five_scale)
        # Usual rows built from clean stems and options: content_hashes() need not look for white space.
        clean = all(built) and set(cleaned).isdisjoint([self.scalar_cols[1], *self.option_cols])
        for k, q in enumerate(built):
            if q is None:
                raw = self.raw(rows[k])
                if marked and k in marked:
                    raw.answer = marked[k]
                q, problems = build_question(raw, Where(file, sheet, first_row + k), default_type, five_scale)
                result.problems.extend(problems)
                # Without errors build_question found q.problems() empty: the pipeline need not check again.
                built[k] = None if has_error(problems) else q
        usable = filter(None, built)
        return CleanTexts(usable) if clean else list(usable)

    def _decide_scale(self, block: set[str], at: int) -> None:
        """Decide the difficulty scale once a block (the table's rows from ``at``) needs it."""
        self.seen |= block
        if any(parse_difficulty(v, True) != parse_difficulty(v, False) for v in block):
            assert self.distinct is not None    # only rows made as they are read leave the scale undecided
            rest = self.distinct(self.scalar_cols[5], at)
            self.five_scale = is_five_scale([*self.seen, *map(display, rest)])

    def raw(self, row: Sequence[object]) -> RawQuestion:
        """One row for :func:`build_question` (the rows :func:`build_usual` leaves to it)."""
        n = len(row)
        t, stem, answer, expl, cat, diff, score, tags = [
            display(row[c]) if 0 <= c < n and row[c] != "" else "" for c in self.scalar_cols
        ]
        options = [display(row[c]) if c < n and row[c] != "" else "" for c in self.option_cols]
        return RawQuestion(t, stem, options, answer, expl, cat, diff, score, tags)

    def answers_from_marks(self, rows: Sequence[Sequence[object]], start: int, marks: Marks) -> tuple[dict[int, str], str | None]:
        """Answers of rows (from index ``start``) whose answer cell is empty but whose options are
        marked: ``{row offset: letters}`` and the mark used."""
        answer_col = self.scalar_cols[2]
        empty = [k for k, row in enumerate(rows)
                 if answer_col < 0 or answer_col >= len(row) or not display(row[answer_col])]
        groups = {k: [marks.get((start + k, c), marking.NO_MARKS) for c in self.option_cols] for k in empty}
        mark = marking.choose([g for g in groups.values() if any(g)])
        if mark is None:
            return {}, None
        out = {k: "".join(LETTERS[i] for i, m in enumerate(g) if mark in m) for k, g in groups.items() if any(g)}
        return {k: v for k, v in out.items() if v}, mark


_SCAN_WINDOW = 1000   # rows looked at in one slice while searching for a header


def find_header(rows: Sequence[Sequence[object]], start: int, budget: int) -> tuple[int, dict[str, int]] | None:
    """(index, mapping) of the first header row among the next ``budget`` non-blank rows.

    Rows are taken a slice at a time: a sheet of blank rows (rows made as they are read) is then
    looked through without one call per row."""
    i, n = start, len(rows)
    while i < n and budget > 0:
        window = rows[i:i + _SCAN_WINDOW]
        for row in window:
            if not blank(row):
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
                if budget <= 0:
                    return None
            i += 1
    return None


_INDEX_WORDS = frozenset({"序号", "题号", "编号", "序", "no", "no.", "#"})   # an index column before the header


def _next_header(rows: Sequence[Sequence[object]], lo: int, hi: int) -> int | None:
    """The first row in ``rows[lo:hi]`` that is a header row (a new table without a blank row before it).

    A header row starts with a column name (or an index word such as 序号) in its first cell: the
    distinct first cells of the block are looked at once each, so a block of ordinary rows costs
    almost nothing.
    """
    if hi <= lo:
        return None
    block = rows[lo:hi]
    try:
        firsts = set(map(itemgetter(0), block))
    except (IndexError, TypeError):
        firsts = {r[0] for r in block if r and not isinstance(r[0], list)}
    words = {v for v in firsts if isinstance(v, str) and len(v) <= 12
             and (header_field(v) is not None or v.strip().casefold() in _INDEX_WORDS)}
    if not words:
        return None
    for k, row in enumerate(block):
        if row and row[0] in words and _plain_header(row):
            return lo + k
    return None


def _left_header(rows: Sequence[Sequence[object]], lo: int, hi: int, stem_col: int) -> int | None:
    """The first row in ``rows[lo:hi]`` that is a header row left in a sheet read with given columns:
    its first cell or its stem cell names a column, and :func:`detect_header` agrees. Only the
    distinct values of those two columns are looked at (set operations), not every row."""
    if hi <= lo:
        return None
    block = rows[lo:hi]
    hits: set[int] = set()
    for col in {0, stem_col}:
        values = {v for r in block if len(r) > col and isinstance(v := r[col], str) and len(v) <= 40}
        words = {v for v in values if header_field(v) is not None}
        if words:
            hits.update(k for k, r in enumerate(block) if len(r) > col and r[col] in words)
    for k in sorted(hits):
        if detect_header(list(block[k])) is not None:
            return lo + k
    return None


def _starts_table(rows: Sequence[Sequence[object]], i: int) -> bool:
    """Whether row ``i`` is a header row, or a one-cell title row right above one."""
    if _next_header(rows, i, i + 1) is not None:
        return True
    k = i
    while k < min(len(rows), i + NEXT_TABLE_SCAN_ROWS) and len(_filled(rows[k])) == 1:
        k += 1
    return k > i and k < len(rows) and _next_header(rows, k, k + 1) is not None


def _plain_header(row: Sequence[object]) -> bool:
    """A header row with no blank row above it: every filled cell is a column name (two characters
    or more: a lone ``A`` may be an answer) or an index word, at least two names, and
    :func:`detect_header` agrees."""
    filled = [c for c in _filled(row) if not (isinstance(c, str) and c.strip().casefold() in _INDEX_WORDS)]
    names = [c for c in filled if isinstance(c, str) and len(c.strip()) >= 2 and header_field(c) is not None]
    return len(names) >= 2 and len(names) == len(filled) and detect_header(list(row)) is not None


def sheet_type(name: str | None) -> QType | None:
    """The type a sheet's name gives (单选题, 判断题…); English names only when exactly a type."""
    if not name:
        return None
    if name.isascii():
        return QType(name.strip().lower()) if name.strip().lower() in set(QType) else None
    return parse_qtype(name)


def _instructions(name: str) -> bool:
    return any(w in name.casefold() for w in _INSTRUCTION_WORDS)


def _looks_like_data(name: str, rows: Sequence[Sequence[object]]) -> bool:
    """A header-less sheet worth reporting: not an instructions sheet and some row has two cells."""
    if _instructions(name):
        return False
    return any(sum(1 for c in r if c != "" and c is not None) >= 2 for r in rows[:200])


def _shape(rows: Sequence[Sequence[object]]) -> str:
    filled = [r for r in rows if not blank(r)]
    width = max((len(r) for r in filled), default=0)
    return _("{rows} 行有内容，最宽 {cols} 列，没有表头行", rows=len(filled), cols=width)


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
    marks: Marks | None = None,
    budget: TextBudget | None = None,
) -> int:
    """Read the questions of one sheet (or CSV file) into ``result``; returns rows handled.

    ``first_row`` is the spreadsheet row number of ``rows[0]``. With ``options.columns``
    (the user's mapping) every row is data except rows that look like a header row.
    ``options`` is a :class:`quizbank.formats.ReadOptions`.
    """
    default_type = sheet_type(sheet)
    label = _("正在读取 {file}", file=file)
    columns = options.columns
    mapped = columns is not None
    found = None if mapped else find_header(rows, 0, HEADER_SCAN_ROWS)
    if found is not None:
        start, mapping = found
        start += 1
        kind = LAYOUT_HEADER
    elif columns is not None:
        start, mapping, kind = 0, {k: v for k, v in columns.items() if isinstance(v, int) and v >= 0}, LAYOUT_MAPPED
    else:
        guessed = None if _instructions(sheet or "") else guess_columns(rows)
        if guessed is None:
            if not _instructions(sheet or "") and is_one_column(rows):
                return _read_lines(rows, result, options, file=file, sheet=sheet, first_row=first_row,
                                   marks=marks, budget=budget)
            if _looks_like_data(sheet or "", rows):
                result.problems.append(dataclasses.replace(Where(file, sheet).problem(
                    None, _("没有找到表头行（如“题型、题干、选项A、答案”），请指定各列对应的字段")), code=NO_HEADER))
                result.layouts.append(Layout(file, sheet, LAYOUT_NONE, shape=_shape(rows)))
            return len(rows)
        start, mapping, kind, mapped = 0, guessed, LAYOUT_GUESSED, True
    progress, cancel = options.progress, options.cancel
    on_checked = getattr(options, "on_checked", None)
    table = _Table(mapping, rows, start)
    forget = getattr(rows, "forget", None)   # rows made as they are read can be let go behind us
    stem_col = mapping.get("stem", 0)
    layout = Layout(file, sheet, kind, dict(mapping))
    result.layouts.append(layout)
    n = len(rows)
    i = start
    after_blank = False
    reported = None
    while i < n:
        if reported is None or i - reported >= CHECK_EVERY:
            cancel.check()
            progress(done_before + i, total or n, label)
            reported = i
        row = rows[i]
        if blank(row):
            after_blank = True
            i += 1
            continue
        if mapped:
            if _left_header(rows, i, i + 1, stem_col) is not None:
                i += 1  # a header row left in a file the user mapped by hand
                continue
        elif after_blank or _starts_table(rows, i):
            after_blank = False
            nxt = find_header(rows, i, NEXT_TABLE_SCAN_ROWS)
            if nxt is not None:
                # A new table: its title rows give a type; skip them and the header row.
                titles = [_filled(r) for r in rows[i:nxt[0]] if not blank(r)]
                typed = [parse_qtype(t[0]) for t in titles if len(t) == 1 and isinstance(t[0], str)]
                default_type = next((t for t in typed if t is not None), sheet_type(sheet))
                i = nxt[0] + 1
                table = _Table(nxt[1], rows, i)
                layout = Layout(file, sheet, LAYOUT_HEADER, dict(nxt[1]))
                result.layouts.append(layout)
                continue
        # Data rows up to the next blank row, header row or title row of a new table, at most CHECK_EVERY.
        end = i + 1
        limit = min(n, i + CHECK_EVERY)
        if not mapped and _first_cells_filled(rows[end:limit]):
            end = limit   # the usual block: no row in it can be blank
        while end < limit and not blank(rows[end]):
            end += 1
        if mapped:
            end = _left_header(rows, i + 1, end, stem_col) or end
        if not mapped:
            header = _next_header(rows, i + 1, end)
            if header is not None:
                end = header
                while end - 1 > i and len(_filled(rows[end - 1])) == 1:
                    end -= 1          # title rows above the new header belong to it
        marked: dict[int, str] = {}
        if marks:
            marked, mark = table.answers_from_marks(rows[i:end], i, marks)
            layout.mark = layout.mark or mark
        usable = table.read_rows(rows[i:end], first_row + i, file, sheet, default_type, result, budget, marked, at=i)
        if on_checked is not None:
            on_checked(usable)
        else:
            result.add_checked(*usable)
        i = end
        if forget is not None:
            forget(i)
    return n


def _read_lines(rows: Sequence[Sequence[object]], result: ImportResult, options: ReadOptions, *, file: str,
                sheet: str | None, first_row: int, marks: Marks | None, budget: TextBudget | None) -> int:
    """A sheet holding one text per row: read like a document, a blank row between questions."""
    from quizbank.numbered import Line, parse_lines

    lines = []
    for k, row in enumerate(rows):
        cells = [(c, v) for c, v in enumerate(row) if v is not None and not (isinstance(v, str) and not v.strip())]
        text = " ".join(display(v) for _c, v in cells)
        found = frozenset().union(*(marks.get((k, c), frozenset()) for c, _v in cells)) if marks else frozenset()
        lines.append(Line(first_row + k, text, marks=found))
    blocks = any(not ln.text for ln in lines)
    read = parse_lines(lines, file, cancel=options.cancel, sheet=sheet, by_row=True,
                       blocks=blocks, budget=budget)
    result.extend(read)
    return len(rows)
