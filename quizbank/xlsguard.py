# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Old Excel files (.xls: BIFF8 in an OLE2 compound file) checked against :mod:`base.limits`
before python-calamine reads them: every sheet's far cell (any value record) against the used
range a file of its size may have (:func:`quizbank.guard.open_workbook` calls :func:`check_xls`).
"""

from __future__ import annotations

import struct
from pathlib import Path

from base.errors import FormatError
from base.i18n import _
from base.limits import check_file_size, check_used_range

_BIFF_CELLS = {0x0006, 0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x00D6}   # formula, number, rk, sst…
_BIFF_MULRK, _BIFF_BOF, _BIFF_EOF, _BIFF_SHEET = 0x00BD, 0x0809, 0x000A, 0x0085


def check_xls(path: Path) -> None:
    """Refuse a sheet whose far cell (any value record) makes too large a used range."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise FormatError(_("无法打开表格文件：{error}", error=_("没有工作簿数据")))
            if ole.get_size(stream) > check_file_size(path) * 2 + 1024 * 1024:
                raise FormatError(_("无法打开表格文件：{error}", error=_("文件已损坏")))
            data = ole.openstream(stream).read()
    except OSError as exc:
        raise FormatError(_("无法打开表格文件：{error}", error=exc)) from exc
    scan_biff(data, path.name, path.stat().st_size)


def scan_biff(data: bytes, file: str, packed_bytes: int) -> None:
    """Check every sheet of a BIFF8 workbook stream: its far cell (value records) against the limits."""
    names: list[str] = []
    sheet_index = -1
    max_row = max_col = -1
    pos, n = 0, len(data)
    while pos + 4 <= n:
        kind, length = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        pos = body + length
        if kind == _BIFF_SHEET and length >= 8:
            count, wide = data[body + 6], data[body + 7]
            names.append(data[body + 8: body + 8 + count * (2 if wide else 1)].decode(
                "utf-16-le" if wide else "latin-1", "replace"))
        elif kind == _BIFF_BOF:
            sheet_index += 1
            max_row = max_col = -1
        elif kind == _BIFF_EOF and max_row >= 0:
            name = names[sheet_index - 1] if 0 < sheet_index <= len(names) else None
            check_used_range(file, name, max_row + 1, max_col + 1, packed_bytes)
            max_row = max_col = -1
        elif (kind in _BIFF_CELLS or kind == _BIFF_MULRK) and length >= 4 and body + 4 <= n:
            r, c = struct.unpack_from("<HH", data, body)
            if kind == _BIFF_MULRK and length >= 6 and body + length <= n:
                c = struct.unpack_from("<H", data, body + length - 2)[0]
            max_row, max_col = max(max_row, r), max(max_col, c)
    if max_row >= 0:
        check_used_range(file, names[sheet_index - 1] if 0 < sheet_index <= len(names) else None,
                         max_row + 1, max_col + 1, packed_bytes)
