# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The checks of quizbank.guard and base.limits, piece by piece (the hostile corpus is test_hostile.py)."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from base.limits import (
    Deadline,
    LimitExceeded,
    TextBudget,
    TimedCancel,
    cells_allowed,
    check_used_range,
    column_name,
    looks_binary,
    text_allowed,
)
from base.progress import Cancelled, CancelToken
from quizbank import guard, xlsguard


@given(st.integers(1, 25_000_000))
def test_fast_bound_never_admits_a_row_beyond_it(rows: int) -> None:
    pattern = guard._violation("[A-Z]", rows)
    for row in {1, rows, rows + 1, rows * 10, min(rows, 10**7) // 2 + 1}:
        tag = f'<c r="Z{row}" t="s">'.encode()
        assert bool(pattern.search(tag)) or row <= rows         # admitted only inside the bound
        if row > rows:
            assert pattern.search(tag)


def test_fast_bound_catches_what_calamine_would_place_elsewhere() -> None:
    pattern = guard._violation("[A-Z]", 99_999)
    for tag in (b'<c r="A1">', b'<row r="99999" spans="1:3">', b'<c r="Z5" s="1"/>'):
        assert not pattern.search(tag)
    for tag in (b"<c>", b'<c t="s">', b'<c\tr="A1">', b"<row>", b'<c r="AA1">', b'<c r="A100000">',
                b"<c r='A1'>", b'<c r="a1">'):
        assert pattern.search(tag), tag
    assert guard._PREFIXED.search(b'<x:c r="A1">') and guard._PREFIXED.search(b"<x:row>")


@settings(max_examples=200)
@given(st.binary(max_size=300), st.binary(max_size=300), st.integers(1, 64))
def test_block_edges_neither_miss_nor_invent_a_match(before: bytes, after: bytes, size: int) -> None:
    """_found over any split of the data into blocks says what one search of the whole data says."""
    pattern = guard._violation("[A-Z]", 99_999)
    data = before.replace(b"<", b"") + b'<row r="209"><c r="B209" t="s">' + after.replace(b"<", b"")
    blocks = [data[i:i + size] for i in range(0, len(data), size)]
    assert guard._found((pattern,), blocks) is bool(pattern.search(data))
    bad = data + b'<c t="s">'
    assert guard._found((pattern,), [bad[i:i + size] for i in range(0, len(bad), size)])


def test_used_range_places_cells_as_calamine_does() -> None:
    xml = (b'<row r="3"><c r="B3"><v>1</v></c><c><v>2</v></c><c r="F3"/></row>'      # C3 follows B3; F3 is empty
           b"<row><c><v>3</v></c></row>"                                              # row 4, column A
           b'<x:row r="10"><x:c r="E10" t="s"><x:v>0</x:v></x:c></x:row>')
    assert guard._used_range([xml]) == (10, 5)
    assert guard._used_range([b'<c r="A99999999999999999999"><v>1</v></c>'])[0] > 10**8


def test_used_range_limits() -> None:
    assert cells_allowed(0) == 400_000 and cells_allowed(10**9) == 20_000_000
    check_used_range("a.xlsx", "Sheet1", 20_000, 20, 0)
    with pytest.raises(LimitExceeded) as wide:
        check_used_range("a.xlsx", "Sheet1", 5, 300, 0)
    assert (wide.value.problem.file, wide.value.problem.sheet, wide.value.problem.code) == ("a.xlsx", "Sheet1", "limit")
    assert "KN" in str(wide.value) and column_name(0) == "A" and column_name(16383) == "XFD"
    with pytest.raises(LimitExceeded, match="A1:Z200000"):
        check_used_range("a.xlsx", None, 200_000, 26, 5000)


def biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


def test_biff_records_of_an_xls() -> None:
    sheet = struct.pack("<IBB", 0, 0, 0) + bytes([2, 0]) + b"S1"
    cell = struct.pack("<HHH", 3, 2, 0) + b"\x00" * 8                         # NUMBER at C4
    far = struct.pack("<HHH", 65535, 255, 0) + b"\x00" * 8                    # IV65536
    mulrk = struct.pack("<HH", 1, 0) + b"\x00" * 12 + struct.pack("<H", 250)  # MULRK to column 251
    ok = biff((0x0809, b"\x00" * 16), (0x0085, sheet), (0x000A, b""), (0x0809, b"\x00" * 16), (0x0203, cell),
              (0x000A, b""))
    xlsguard.scan_biff(ok, "a.xls", 5000)
    with pytest.raises(LimitExceeded, match="使用区域过大"):
        xlsguard.scan_biff(ok.replace(cell, far), "a.xls", 5000)
    xlsguard.scan_biff(biff((0x0809, b"\x00" * 16), (0x00BD, mulrk), (0x000A, b"")), "a.xls", 5000)
    xlsguard.scan_biff(b"\x09\x08\xff\xff", "a.xls", 10)      # a record running past the end: nothing to check


def test_text_budget_and_binary_sniffing() -> None:
    budget = TextBudget("a.txt", total_limit=text_allowed(100))
    budget.add(2_000_000)
    with pytest.raises(LimitExceeded, match="文字总量过大"):
        budget.add(3000, line=7)
    with pytest.raises(LimitExceeded) as long_line:
        budget.field(40_000, line=3)
    assert long_line.value.problem.line == 3
    assert not looks_binary("题目\r\n答案：A\t".encode("gb18030")) and not looks_binary("题".encode("utf-16"))
    assert looks_binary(b"PK\x03\x04\x00\x00") and looks_binary(bytes(range(32)) * 10)
    assert not looks_binary(b"")


def test_timed_cancel_keeps_the_deadline_and_the_user_s_cancel(tmp_path: Path) -> None:
    token = CancelToken()
    timed = TimedCancel(token, Deadline("a.xlsx", 60))
    timed.check()
    timed.cancel()
    assert token.cancelled and timed.cancelled
    with pytest.raises(Cancelled):
        timed.check()
    late = TimedCancel(None, Deadline("a.xlsx", 0.0))
    time.sleep(0.01)
    with pytest.raises(LimitExceeded, match="读取超时"):
        late.check()
    (tmp_path / "big.txt").write_bytes(b"x" * 3 * 1024 * 1024)
    assert Deadline.for_file(tmp_path / "big.txt").seconds == pytest.approx(90.0)


@settings(max_examples=200)
@given(st.lists(st.sampled_from([b'<c r="A1" t="s"><v>3</v></c>', b"<c r='B2' t = 's'>", b'<c\tt\n=\r"s" r="C3">',
                                 b'<c r="D4" t="str"><f>x</f></c>', b'<row r="4" ht="15">', b"<is><t>text</t></is>",
                                 b'<c r="E5"><v>1</v></c>', b"abc", b" t ", b"t\x0b=\x0c's'"]), max_size=40))
def test_shared_reference_bound_is_never_below_the_exact_count(pieces: list[bytes]) -> None:
    """The one-pass count of shared-string cells (bytes.count) may be loose, never short."""
    chunk = b"".join(pieces)
    assert guard._shared_ref_bound(chunk) >= len(guard._SHARED_REF.findall(chunk))


def test_worksheet_pass_counts_shared_cells_only_when_it_read_the_whole_part(tmp_path: Path) -> None:
    import zipfile

    usual = b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' \
            b'<row r="2"><c r="A2"><v>5</v></c></row></sheetData></worksheet>'
    far = usual.replace(b'<c r="A2">', b'<c r="XFD2">')
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("usual.xml", usual)
        zf.writestr("far.xml", far)
    with zipfile.ZipFile(path) as zf:
        refs = guard._check_worksheet(zf, zf.getinfo("usual.xml"), "f.xlsx", "S", count_refs=True)
        assert refs is not None and refs.count >= 2
        assert guard._check_worksheet(zf, zf.getinfo("usual.xml"), "f.xlsx", "S") is None
        with pytest.raises(LimitExceeded):
            guard._check_worksheet(zf, zf.getinfo("far.xml"), "f.xlsx", "S", count_refs=True)


_CELLS = {
    "plain": '<c r="A1" t="s"><v>{i}</v></c>',
    "spaced": "<c r='B1' t = 's'><v> {i} </v></c>",
    "prefixed": '<x:c r="C1" t="s"><x:v>{i}</x:v></x:c>',
    "styled": '<c r="D1" t="s" s="3"><v>{i}</v></c>',
    "number": '<c r="E1"><v>{i}</v></c>',
    "text": '<c r="F1" t="str"><v>t{i}</v></c>',
}
_SHARED_KINDS = {"plain", "spaced", "prefixed", "styled"}


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(sorted(_CELLS)), st.integers(0, 11)), max_size=40),
       st.lists(st.integers(1, 500), min_size=10, max_size=10))
def test_cell_measures_never_fall_below_the_bytes_calamine_copies(cells: list[tuple[str, int]],
                                                                  sizes: list[int]) -> None:
    """Plain cells count their own string, every other reference the longest: never less than what
    the shared-string cells copy (an index beyond the table copies nothing)."""
    chunk = "".join(_CELLS[kind].format(i=i) for kind, i in cells).encode()
    copied = sum(sizes[i] for kind, i in cells if kind in _SHARED_KINDS and i < len(sizes))
    count = guard._shared_ref_bound(chunk)
    for pattern in (guard._PLAIN_SHARED_CELL, guard._SHARED_CELL):
        matched, measured = guard._cell_copies(chunk, sizes, pattern)
        assert measured + (count - matched) * max(sizes) >= copied
    if all(kind == "plain" for kind, _i in cells):
        assert guard._cell_copies(chunk, sizes) == (len(cells), copied)


def _shared_sheet(tmp_path: Path, refs: list[int]) -> Path:
    from tests.quizbank.test_hostile import xlsx

    strings = ["长" * 10_000] + [f"短{k}" for k in range(250)]     # 30,000 bytes, then 250 short ones
    shared = "".join(f"<si><t>{text}</t></si>" for text in strings)
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>{i}</v></c></row>' for r, i in enumerate(refs, start=1))
    return xlsx(tmp_path / "shared.xlsx", cells, shared)


def test_a_table_of_long_strings_is_measured_in_the_worksheet_s_first_pass(tmp_path: Path) -> None:
    """Strings × the longest exceed the allowance: the first pass measures the plain cells, and a
    sheet using each string once is admitted without another pass."""
    import zipfile

    path = _shared_sheet(tmp_path, list(range(251)))
    with zipfile.ZipFile(path) as zf:
        sizes = guard._shared_string_sizes(zf, zf.getinfo("xl/sharedStrings.xml"), path.name)
        limit = 3 * text_allowed(0)
        assert len(sizes) * max(sizes) > limit
        refs = guard._check_worksheet(zf, zf.getinfo("xl/worksheets/sheet1.xml"), path.name, "题库", count_refs=True,
                                      measure=sizes)
        assert refs is not None and refs.matched == 251 and refs.copied == sum(sizes)
        guard._check_xlsx(zf, path.name, 0)      # admitted


def test_plain_cells_copying_a_long_string_too_often_are_refused(tmp_path: Path) -> None:
    import zipfile

    path = _shared_sheet(tmp_path, [0] * 250 + list(range(1, 251)))    # the 30,000-byte string 250 times
    with zipfile.ZipFile(path) as zf, pytest.raises(LimitExceeded, match="共享字符串被复制到太多单元格"):
        guard._check_xlsx(zf, path.name, 0)


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_shared_string_sizes_with_and_without_a_namespace_prefix(tmp_path: Path, prefix: str) -> None:
    """Each string's size runs from its <si> to the next (or the end), found by the general pattern;
    the fast literal one is used only where no prefixed tag could be missed."""
    import re
    import zipfile

    strings = "".join(f"<{prefix}si><{prefix}t>{'题' * k}</{prefix}t></{prefix}si>" for k in range(1, 40))
    part = f'<?xml version="1.0"?><{prefix}sst xmlns:x="urn:x">{strings}<si/></{prefix}sst>'.encode()
    path = tmp_path / "strings.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("sharedStrings.xml", part)
    starts = [m.start() for m in re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])", part)]
    expected = [b - a for a, b in zip(starts, [*starts[1:], len(part)], strict=True)]
    with zipfile.ZipFile(path) as zf:
        assert list(guard._shared_string_sizes(zf, zf.getinfo("sharedStrings.xml"), "f.xlsx")) == expected


@settings(max_examples=300)
@given(st.lists(st.sampled_from([b"<si>", b"<si ", b"<si/>", b"<si\t", b"<sig>", b"<six", b"<x:si>", b"x:si", b"<si",
                                 b"<t>\xe9\xa2\x98</t>", b"</si>", b"ab", b"<", b"si>"]), max_size=30))
def test_string_tags_found_by_the_split_are_those_of_the_general_pattern(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert guard._si_starts(data) == [m.start() for m in guard._SI.finditer(data)]


# --- calamine opens the workbook beside the worksheet checks -----------------------------------------

def _watch(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[object]]:
    """Log the shared-string check, calamine's opening (on its thread) and each worksheet check, in order;
    and the workbooks calamine opened."""
    import threading

    events: list[str] = []
    opened: list[object] = []
    sizes, worksheet, calamine_open = guard._shared_string_sizes, guard._check_worksheet, guard._calamine_open

    def logged_sizes(*args: object, **kwargs: object) -> object:
        result = sizes(*args, **kwargs)   # type: ignore[arg-type]
        events.append("strings")
        return result

    def logged_worksheet(*args: object, **kwargs: object) -> object:
        events.append("worksheet")
        return worksheet(*args, **kwargs)   # type: ignore[arg-type]

    def logged_open(path: Path) -> object:
        events.append(f"open on {threading.current_thread().name}")
        book = calamine_open(path)
        opened.append(book)
        return book

    monkeypatch.setattr(guard, "_shared_string_sizes", logged_sizes)
    monkeypatch.setattr(guard, "_check_worksheet", logged_worksheet)
    monkeypatch.setattr(guard, "_calamine_open", logged_open)
    return events, opened


def test_calamine_opens_the_workbook_once_its_strings_are_checked_beside_the_worksheets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events, opened = _watch(monkeypatch)
    book = guard.open_workbook(_shared_sheet(tmp_path, list(range(251))))
    assert events[0] == "strings"
    assert sorted(events[1:]) == ["open on calamine-open_0", "worksheet"]   # in either order: side by side
    assert opened == [book.book]      # not closed: read below
    rows = book.book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[1] == ["短0"]


def test_a_refused_worksheet_closes_what_calamine_opened_beside_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    events, opened = _watch(monkeypatch)
    with pytest.raises(LimitExceeded, match="共享字符串被复制到太多单元格"):
        guard.open_workbook(_shared_sheet(tmp_path, [0] * 250 + list(range(1, 251))))
    assert "open on calamine-open_0" in events
    (book,) = opened
    assert book is not None
    with pytest.raises(Exception) as closed:
        book.get_sheet_by_index(0)       # type: ignore[attr-defined]
    assert type(closed.value).__name__ == "WorkbookClosed"


def test_calamine_never_sees_a_workbook_whose_strings_are_refused(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from base.limits import MAX_FIELD_CHARS
    from tests.quizbank.test_hostile import xlsx

    events, _opened = _watch(monkeypatch)
    path = xlsx(tmp_path / "long.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                f"<si><t>{'长' * (MAX_FIELD_CHARS + 1)}</t></si>")
    with pytest.raises(LimitExceeded):
        guard.open_workbook(path)
    assert not any(e.startswith("open") for e in events)

