# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Sheets read a chunk of rows at a time (quizbank.formats.spreadsheet.SheetRows): the same cells, merges
and shown numbers as the whole grid, rows let go behind the reader, whole-column decisions still whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from quizbank import formats
from quizbank.formats import ReadOptions, spreadsheet
from quizbank.formats.spreadsheet import SheetRows


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "READ_CHUNK", 3)   # several chunks even for a small sheet


def _sheet(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Any:
    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)


def _merged_whole(sheet: Any) -> list[list[object]]:
    """The grid with vertical merges filled the way the reader did before it read in chunks."""
    rows = sheet.to_python(skip_empty_area=False)
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges:
        if r1 <= r0 or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                rows[r][c] = value
    return rows


def test_chunks_give_the_whole_grid_with_merges_across_chunk_edges(tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"r{r}c{c}" if (r + c) % 4 else r for c in range(4)] for r in range(11)]
    sheet = _sheet(tmp_path / "m.xlsx", rows, merges=("A2:A6", "B5:C9", "D10:D11"))
    made = SheetRows(sheet)
    assert len(made) == 11
    assert [made[k] for k in range(len(made))] == _merged_whole(sheet)
    assert SheetRows(sheet, merged=False)[:] == sheet.to_python(skip_empty_area=False)


def test_rows_let_go_cannot_be_read_again_but_a_column_can(tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"题{r}", str(r % 5 + 1)] for r in range(10)]
    made = SheetRows(_sheet(tmp_path / "d.xlsx", rows))
    assert made[4] == ["题4", "5"]
    made.forget(4)
    assert made[4:6] == [["题4", "5"], ["题5", "1"]]
    with pytest.raises(LookupError):
        made[3]
    with pytest.raises(LookupError):
        made[2:5]
    assert made.distinct(1, 0) == {"1", "2", "3", "4", "5"}
    assert made.distinct(0, 8) == {"题8", "题9"}
    assert made[9] == ["题9", "5"]


@pytest.mark.parametrize(("levels", "expected"), [
    (["2"] * 9 + ["5"], [1] * 9 + [3]),                      # the 1–5 scale shows only in the last row
    (["5", "简单", "中等", "困难", "中等", "2", "3", "2", "3", "1"], [3, 1, 2, 3, 2, 1, 2, 1, 2, 1]),   # ... only first
    (["困难", "简单", "2", "3", "1", "2", "3", "1", "2", "3"], [3, 1, 2, 3, 1, 2, 3, 1, 2, 3]),         # 1–3
])
def test_difficulty_scale_is_read_from_every_row_of_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              levels: list[str], expected: list[int]) -> None:
    """Whether 难度 is on a 1–5 scale is decided over the whole table, though rows are made and read in blocks."""
    from quizbank import grid

    monkeypatch.setattr(grid, "CHECK_EVERY", 2)   # blocks of two rows
    header = ["题型", "题干", "选项A", "选项B", "答案", "难度"]
    wb = Workbook()
    wb.active.append(header)
    for i, level in enumerate(levels):
        wb.active.append(["单选题", f"第{i}题是（ ）", "甲", "乙", "A", level])
    path = tmp_path / "scale.xlsx"
    wb.save(path)
    result = formats.read(path, ReadOptions())
    assert [q.difficulty for q in result.questions] == expected


def test_numbers_shown_as_formatted_beyond_the_first_chunk(tmp_path: Path) -> None:
    header = ["题型", "题干", "选项A", "选项B", "答案"]
    rows: list[list[object]] = [header, *[["单选题", f"第{i}题的比例是（ ）", 0.125, 0.5, "A"] for i in range(8)]]
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.active["C8"].number_format = "0.00%"
    path = tmp_path / "percent.xlsx"
    wb.save(path)
    result = formats.read(path, ReadOptions())
    assert [q.options[0] for q in result.questions] == ["0.125"] * 6 + ["12.50%", "0.125"]
