# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Spreadsheets checked against :mod:`base.limits` before python-calamine reads them.

python-calamine builds a sheet's whole used range in one allocation: a 5 KB ``.xlsx`` with one
cell at XFD1048576 asks for 549 GB and the process aborts, a sparse sheet with a far cell takes
seconds and gigabytes, and a string of the shared-strings table is copied into every cell that
refers to it. So, before the library sees the file:

* ``.xlsx``/``.xlsm``: the zip container (:func:`base.limits.open_zip`), then every worksheet's
  cell references: one regular-expression pass shows the usual sheet (every ``<c>`` and
  ``<row>`` starts with a small ``r="…"``) is inside the limits; any other sheet is measured
  exactly (rows without ``r``, far cells, namespace prefixes), as calamine places cells; the
  length of every shared string, and the bytes the sheet's references to them copy;
* ``.ods``: the container, then ``content.xml``'s rows and cells with their repeat counts;
* ``.xls``: the BIFF records of the workbook stream (via olefile): the far cell of each sheet.

Word documents are checked by :mod:`quizbank.wordguard`.

:func:`open_workbook` returns the calamine workbook of a checked file. calamine copies a shared
string into every cell that refers to it: those copies are counted against the file's text
allowance (:func:`base.limits.text_allowed`, in UTF-8 bytes) before calamine sees the sheet.
"""

from __future__ import annotations

import functools
import operator
import posixpath
import re
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from base.errors import FormatError
from base.i18n import _
from base.limits import (
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_ROWS,
    LimitExceeded,
    cells_allowed,
    check_file_size,
    check_used_range,
    iter_member,
    open_zip,
    read_member,
    refuse,
    size_text,
    text_allowed,
)
from quizbank.xlsguard import check_xls

SMALL_PART = 50 * 1024 * 1024      # workbook.xml, styles.xml, rels: never this big in a real file


@dataclass(slots=True)
class Workbook:
    """A checked spreadsheet: calamine's workbook plus what the checks learnt."""

    path: Path
    kind: str                                   # xlsx, ods or xls
    book: Any                                   # python_calamine.CalamineWorkbook
    parts: dict[str, str] = field(default_factory=dict)    # xlsx: sheet name -> worksheet part

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)


def open_workbook(path: Path) -> Workbook:
    """Check ``path`` (by its content: zip or OLE2) and open it with python-calamine.

    Raises :class:`~base.limits.LimitExceeded` for a file over a limit and ``FormatError`` for
    one that is not a spreadsheet at all.
    """
    check_file_size(path)
    with path.open("rb") as fh:
        magic = fh.read(8)
    parts: dict[str, str] = {}
    # For an .xlsx, python-calamine opens the workbook (sheet list, styles, shared strings; never a
    # worksheet: each is read later, once checked) on a helper thread as soon as the shared strings
    # are checked, while the worksheets are checked: calamine releases the GIL as it works.
    opening: list[Future[Any]] = []
    with ThreadPoolExecutor(1, thread_name_prefix="calamine-open") as pool:
        try:
            if magic.startswith(b"PK"):
                try:
                    archive = open_zip(path)
                except zipfile.BadZipFile as exc:
                    raise FormatError(_("无法打开表格文件：{error}", error=exc)) from exc
                with archive:
                    names = set(archive.namelist())
                    if "content.xml" in names and "xl/workbook.xml" not in names:
                        kind = "ods"
                        _check_ods(archive, path.name)
                    else:
                        kind = "xlsx"
                        parts = _check_xlsx(archive, path.name, path.stat().st_size,
                                            strings_checked=lambda: opening.append(pool.submit(_calamine_open, path)))
            elif magic.startswith(b"\xd0\xcf\x11\xe0"):
                kind = "xls"
                check_xls(path)
            else:
                kind = "other"   # calamine refuses it below with its own message
        except BaseException:
            for future in opening:     # refused: close what calamine opened meanwhile
                if future.exception() is None:
                    future.result().close()
            raise
    book = opening[0].result() if opening else _calamine_open(path)
    return Workbook(path, kind, book, parts)


def _calamine_open(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for damaged files
        raise FormatError(_("无法打开表格文件：{error}", error=exc)) from exc


# --- xlsx ------------------------------------------------------------------------------------

_NS_MAIN = rb'xmlns(?::\w+)?="http://(?:schemas\.openxmlformats\.org/spreadsheetml/2006/main|purl\.oclc\.org/ooxml/spreadsheetml/main)"'
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\b(?:\w+:)?id="([^"]*)"')
_REL = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*>')
_REL_ID = re.compile(rb'\bId="([^"]*)"')
REL_TARGET = re.compile(rb'\bTarget="([^"]*)"')
# The usual sheet: every <c> and <row> starts with an r="A1"-style reference inside known bounds. A
# tag that does not is a "violation" (so is any namespace-prefixed c/row). The pattern starts with a
# literal and is searched alone: several times faster than one pattern with more alternatives.
_BOUNDS = ((26, "[A-Z]"), (260, "(?:[A-Z]|[A-I][A-Z])"))    # columns A–Z, then A–IZ


@functools.lru_cache(maxsize=64)
def _violation(letters: str, rows: int) -> re.Pattern[bytes]:
    """A start tag whose reference is missing or beyond ``letters`` columns and ``rows`` rows
    (the bound rounded down to ``[1-m]`` followed by digits)."""
    digits = len(str(rows))
    lead = (rows + 1) // 10 ** (digits - 1) - 1      # rows >= (lead + 1) * 10^(digits-1) - 1
    numbers = rf"\d{{1,{digits - 1}}}" if digits > 1 else ""
    if lead >= 1:
        numbers = rf"(?:{numbers}|[1-{lead}]\d{{{digits - 1}}})" if numbers else rf"[1-{lead}]"
    return re.compile(rf'<(?:c|row)(?=[\s/>])(?! r="{letters}?{numbers}")'.encode())


_PREFIXED = re.compile(rb':(?:c|row)[\s/>]')
_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(c|row)(?=[\s/>])([^>]*?)(/?)>')
_ATTR_R = re.compile(rb'\sr\s*=\s*["\']\s*([A-Za-z]*)(\d*)')
_FAR = 10**9   # a row or column number longer than this is "too far", whatever it is
_SI = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])')
_PLAIN_SI = re.compile(rb'<si(?=[\s/>])')
_PREFIXED_SI = re.compile(rb':si(?=[\s/>])')
_XML_TAG = re.compile(rb"<[^>]*>")
_ENTITY = re.compile(rb"&#?\w+;")


def _unescape_len(segment: bytes) -> int:
    """Characters of text an XML fragment holds (tags dropped, each entity one character)."""
    text = _ENTITY.sub(b"?", _XML_TAG.sub(b"", segment))
    return len(text.decode("utf-8", errors="replace"))


def _column_number(letters: bytes) -> int:
    if len(letters) > 4:
        return _FAR
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) <= 9 else _FAR


def _sheet_parts(archive: zipfile.ZipFile, file: str) -> dict[str, str]:
    """Sheet name -> worksheet part, from workbook.xml and its relationships."""
    try:
        book = read_member(archive, "xl/workbook.xml", file, SMALL_PART)
        rels = read_member(archive, "xl/_rels/workbook.xml.rels", file, SMALL_PART)
    except KeyError:
        return {}
    targets: dict[bytes, bytes] = {}
    for tag in _REL.findall(rels):
        found_id, found_target = _REL_ID.search(tag), REL_TARGET.search(tag)
        if found_id and found_target:
            targets[found_id.group(1)] = found_target.group(1)
    parts: dict[str, str] = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid)
        if target is None:
            continue
        path = target.decode("utf-8", "replace")
        path = posixpath.normpath(path.lstrip("/") if path.startswith("/") else f"xl/{path}")
        parts[_xml_unescape(name.decode("utf-8", "replace"))] = path
    return parts


def _xml_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _check_xlsx(archive: zipfile.ZipFile, file: str, size: int,
                strings_checked: Callable[[], None] | None = None) -> dict[str, str]:
    """Check the shared strings, call ``strings_checked`` (calamine may then open the workbook),
    then check every worksheet; returns {sheet name: worksheet part}."""
    parts = _sheet_parts(archive, file)
    names = {part: name for name, part in parts.items()}
    members = set(archive.namelist())
    sizes = array("l")
    for name in members:
        if name.rsplit("/", 1)[-1].lower() == "sharedstrings.xml":
            sizes += _shared_string_sizes(archive, archive.getinfo(name), file)
    if strings_checked is not None:
        strings_checked()
    limit = 3 * text_allowed(size)
    # A table of many long strings (a big bank of unique texts) is referenced more times than the
    # cheap bound of _check_shared_copies admits: its cells are then measured in the first pass.
    measure = sizes if sizes and len(sizes) * max(sizes) > limit else None
    for info in archive.infolist():
        if (info.filename in names or (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"))) \
                and info.filename in members:
            sheet = names.get(info.filename, info.filename.rsplit("/", 1)[-1])
            refs = _check_worksheet(archive, info, file, sheet, count_refs=bool(sizes), measure=measure)
            if sizes:
                _check_shared_copies(archive, info, file, sheet, sizes, limit, refs)
    return parts


def chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> Iterator[bytes]:
    """The part's bytes in pieces that each end just before a ``<`` (no tag is cut in two)."""
    carry = b""
    for block in iter_member(archive, info, file, chunk=4 * 1024 * 1024):
        data = carry + block
        cut = data.rfind(b"<")
        if cut <= 0:
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


@dataclass(slots=True)
class SharedRefs:
    """What a worksheet's first pass learnt of its shared-string cells: at least their number
    (``count``), and with a ``measure`` the bytes the plain ones copy (``copied``, over ``matched``
    cells; see :func:`_cell_copies`)."""

    count: int = 0
    matched: int = 0
    copied: int = 0


def _check_worksheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, sheet: str, *,
                     count_refs: bool = False, measure: Sequence[int] | None = None) -> SharedRefs | None:
    """Refuse a worksheet whose used range (as calamine will build it) breaks the limits.

    One pass proves the usual sheet inside the allowance (references everywhere, columns up to Z and
    as many rows as the allowance leaves; a wide sheet gets a second try up to column IZ): a search
    that finds a violation stops there. Only a sheet that is neither is measured cell by cell.

    With ``count_refs`` the first pass also counts (at least) the sheet's shared-string cells, for
    :func:`_check_shared_copies`, so the part is not unpacked again for them, and with ``measure``
    (the shared strings' sizes) the bytes its plain cells copy; returns what it counted, or None
    when the first pass did not read the whole part.
    """
    allowed = cells_allowed(info.compress_size)
    counted: SharedRefs | None = SharedRefs() if count_refs else None
    for columns, letters in _BOUNDS:
        if allowed // columns >= 1:
            blocks: Iterable[bytes] = chunks(archive, info, file)
            if counted is not None:
                blocks = _counting(blocks, counted, measure)
            if not _found((_violation(letters, allowed // columns), _PREFIXED), blocks):
                return counted
            counted = None    # stopped at a violation: not every cell was counted
    rows, columns = _used_range(chunks(archive, info, file))
    if rows and columns:
        check_used_range(file, sheet, rows, columns, info.compress_size)
    return None


def _counting(blocks: Iterable[bytes], counted: SharedRefs, measure: Sequence[int] | None) -> Iterator[bytes]:
    """``blocks`` passed on, adding an upper bound of their shared-string cells to ``counted``
    (and with ``measure``, the bytes of their plain cells)."""
    for block in blocks:
        counted.count += _shared_ref_bound(block)
        if measure is not None:
            matched, copied = _cell_copies(block, measure)
            counted.matched += matched
            counted.copied += copied
        yield block


def _shared_ref_bound(chunk: bytes) -> int:
    """At least the number of ``t="s"`` attributes (:data:`_SHARED_REF`) in ``chunk``: each holds a
    ``t``. In a sheet of shared strings a cell holds no other ``t`` (``<c r="B2" t="s"><v>7</v></c>``),
    so the count is close, and ``bytes.count`` takes a fraction of the time a regular expression
    takes to list the matches. A loose count (text in the sheet) only sends a sheet to the exact
    measure of :func:`_check_shared_copies`."""
    return chunk.count(b"t")


_EDGE = 64   # longer than any match of the fast patterns


def _found(patterns: tuple[re.Pattern[bytes], ...], blocks: Iterable[bytes]) -> bool:
    """Whether any pattern matches the concatenated ``blocks``, without copying them. Matches are
    short: a match starting in a block's last ``_EDGE`` bytes is looked for again in a small window
    of those bytes and the next block's first ``_EDGE`` bytes (blocks too small for that are
    gathered into the window first)."""
    carry = b""          # bytes whose matches are not decided yet (at most a few times _EDGE)
    for block in blocks:
        if len(block) < 2 * _EDGE:
            carry += block
            continue
        window = carry + block[:_EDGE]
        inner = len(block) - _EDGE
        for pattern in patterns:
            m = pattern.search(window)
            if m is not None and m.start() < len(carry):
                return True
            m = pattern.search(block)
            if m is not None and m.start() < inner:
                return True
        carry = block[inner:]
    return any(pattern.search(carry) for pattern in patterns)


def _used_range(chunks: Iterable[bytes]) -> tuple[int, int]:
    """(rows, columns) from A1 that calamine's range of this sheet XML covers (non-empty cells).

    Cells without ``r`` follow the previous cell, rows without ``r`` the previous row; a cell
    written as ``<c …/>`` is empty. Anything that is not a self-closing cell counts as filled.
    """
    row = col = -1
    max_row = max_col = -1
    for chunk in chunks:
        for m in _TAG.finditer(chunk):
            kind, attrs, closed = m.groups()
            ref = _ATTR_R.search(attrs)
            if kind == b"row":
                row = _number(ref.group(2)) - 1 if ref and ref.group(2) else row + 1
                col = -1
                continue
            if ref and ref.group(1):
                col = _column_number(ref.group(1)) - 1
                if ref.group(2):
                    row = _number(ref.group(2)) - 1
            else:
                col += 1
            if not closed:
                max_row, max_col = max(max_row, row), max(max_col, col)
                if max_col >= MAX_COLUMNS or max_row >= MAX_ROWS:
                    return max_row + 1, max_col + 1     # refused anyway: no need to read on
    return max_row + 1, max_col + 1


def _shared_string_sizes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> array[int]:
    """The size in bytes of each shared string; refuses one longer than a cell may be.

    The part is cut at its ``<si>`` tags, so a string is never split between two pieces; a string
    whose bytes exceed the limit has its characters counted exactly.
    """
    sizes = array("l")    # not a list: 100,000-row banks have half a million strings

    def too_long() -> LimitExceeded:
        return refuse(file, _("共享字符串第 {n} 项过长：超过 {limit} 字", n=len(sizes) + 1, limit=MAX_FIELD_CHARS))

    def take(data: bytes, final: bool) -> int:
        """Measure the complete strings of ``data``; returns where the incomplete last one starts."""
        starts = _si_starts(data)
        stop = len(data) if final else (starts[-1] if starts else 0)
        edges = starts if final else starts[:-1]      # the strings that end in ``data``
        edges.append(stop)
        lengths = list(map(operator.sub, edges[1:], edges[:-1]))
        if lengths and max(lengths) > MAX_FIELD_CHARS:
            for k, (a, b) in enumerate(zip(edges, edges[1:], strict=False)):
                if b - a > MAX_FIELD_CHARS and _unescape_len(data[a:b]) > MAX_FIELD_CHARS:
                    sizes.extend(lengths[:k])
                    raise too_long()
        sizes.extend(lengths)
        return stop

    buffer = b""
    for block in iter_member(archive, info, file, chunk=4 * 1024 * 1024):
        data = buffer + block if buffer else block
        buffer = data[take(data, False):]
        if len(buffer) > 16 * MAX_FIELD_CHARS and _unescape_len(buffer) > MAX_FIELD_CHARS:
            raise too_long()     # one string longer than a cell may be, still going on
        if len(buffer) > SMALL_PART:
            raise too_long()
    take(buffer, True)
    return sizes


def _si_starts(data: bytes) -> list[int]:
    """Where each string's tag (``<si>``, namespace prefix allowed) starts in ``data``. Without a
    prefixed ``<x:si>`` (the usual part) a pattern starting with a literal finds the same tags,
    much faster than the general one."""
    return [m.start() for m in (_SI if _PREFIXED_SI.search(data) else _PLAIN_SI).finditer(data)]


_SHARED_REF = re.compile(rb"""\st\s*=\s*["']s["']""")
_SHARED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\b[^>]*?\st\s*=\s*["']s["'][^>]*>\s*<(?:[\w.-]+:)?v>\s*(\d{1,9})\s*<""")
# A t="s" attribute ending a cell's start tag, right before its value (<c r="B2" t="s"><v>7</v>, as
# Excel, WPS and xlsxwriter write them): each match holds its own one of the t="s" attributes that
# _SHARED_REF and _shared_ref_bound count, and gives the value calamine reads.
_PLAIN_SHARED_CELL = re.compile(rb' t="s"><v>(\d{1,9})</v>')   # a literal start: searched fast


def _cell_copies(chunk: bytes, sizes: Sequence[int], pattern: re.Pattern[bytes] = _PLAIN_SHARED_CELL
                  ) -> tuple[int, int]:
    """(cells ``pattern`` reads in ``chunk``, bytes of the shared strings they copy); an index beyond
    the table copies nothing. One findall and C-level sums: no match object per cell."""
    indices = list(map(int, pattern.findall(chunk)))
    known = len(sizes)
    if indices and max(indices) < known:
        return len(indices), sum(map(sizes.__getitem__, indices))
    return len(indices), sum(sizes[index] for index in indices if index < known)


def _check_shared_copies(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, sheet: str,
                         sizes: Sequence[int], limit: int, refs: SharedRefs | None = None) -> None:
    """Refuse a sheet whose cells copy more shared-string bytes than the file may give.

    calamine gives every cell its own copy of the string it refers to: one long string in every
    cell of a 5 KB file is gigabytes. The cheap bound (references × the longest string) settles
    the usual file; otherwise each reference counts its own string (a reference not understood
    counts as the longest): first the plain cells' (measured in the worksheet's first pass when
    ``refs`` says so, else in a pass of their own), then, for a sheet still over, every cell's by
    the general pattern. ``refs``: at least the number of references, when already counted.
    """
    count = refs.count if refs is not None else sum(
        len(_SHARED_REF.findall(chunk)) for chunk in chunks(archive, info, file))
    longest = max(sizes)
    if count * longest <= limit:
        return
    if refs is not None and refs.matched and refs.copied + (count - refs.matched) * longest <= limit:
        return
    for pattern in (_PLAIN_SHARED_CELL, _SHARED_CELL):
        total = matched = 0
        for chunk in chunks(archive, info, file):
            found, copied = _cell_copies(chunk, sizes, pattern)
            matched += found
            total += copied
            if total > limit:
                break
        total += max(0, count - matched) * longest
        if total <= limit:
            return
    raise refuse(file, _("共享字符串被复制到太多单元格：共 {size}（这个文件最多 {limit}）", size=size_text(total),
                         limit=size_text(limit)), sheet=sheet)


# --- ods -------------------------------------------------------------------------------------

_ODS_TAG = re.compile(rb'<(/?)(?:[A-Za-z_][\w.-]*:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>')
_REPEAT = {b"table-row": re.compile(rb'number-rows-repeated\s*=\s*["\'](\d+)'),
           b"cell": re.compile(rb'number-columns-repeated\s*=\s*["\'](\d+)')}
_NAME = re.compile(rb'\bname\s*=\s*["\']([^"\']*)')


def _check_ods(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a table of content.xml whose filled cells (repeats counted) reach too far."""
    info = archive.getinfo("content.xml")
    sheet = None
    row = col = 0
    max_row = max_col = 0
    repeat_rows = 1
    for chunk in chunks(archive, info, file):
        for m in _ODS_TAG.finditer(chunk):
            end, kind, attrs, closed = m.groups()
            if kind == b"table":
                if end:
                    if max_row and max_col:
                        check_used_range(file, sheet, max_row, max_col, info.compress_size)
                else:
                    name = _NAME.search(attrs)
                    sheet = name.group(1).decode("utf-8", "replace") if name else None
                    row = col = max_row = max_col = 0
                continue
            if kind == b"table-row":
                if end:
                    row += repeat_rows
                else:
                    found = _REPEAT[b"table-row"].search(attrs)
                    repeat_rows = int(found.group(1)) if found else 1
                    col = 0
                    if closed:
                        row += repeat_rows
                continue
            if end:
                continue
            found = _REPEAT[b"cell"].search(attrs)
            repeat = int(found.group(1)) if found else 1
            filled = not closed or b"value-type" in attrs
            col += repeat
            if filled:
                max_col = max(max_col, col)
                max_row = max(max_row, row + repeat_rows)
            if max_col > MAX_COLUMNS or max_row > MAX_ROWS:
                check_used_range(file, sheet, max_row, max_col, info.compress_size)
    if max_row and max_col:
        check_used_range(file, sheet, max_row, max_col, info.compress_size)
