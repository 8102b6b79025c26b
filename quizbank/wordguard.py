# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Word documents checked against :mod:`base.limits` before python-docx reads them.

python-docx parses the whole ``document.xml`` and builds an object for every paragraph and cell
it is asked about, and expands a table cell's ``gridSpan`` into that many cells: 5 KB of packed
``<w:p/>`` is 800,000 paragraphs, and one cell spanning fifty million columns never ends. So the
container is checked (:func:`base.limits.open_zip`), then the main part (found through the
package's relationships, as python-docx finds it): its paragraphs and table cells against an
allowance that grows with its packed size (like a sheet's used range), and its cell spans.
Deep nesting is refused by lxml itself (256 levels).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from base.errors import FormatError
from base.i18n import _
from base.limits import open_zip, read_member, refuse
from quizbank.guard import REL_TARGET, SMALL_PART, chunks

PARAGRAPHS_FLOOR = 20_000        # paragraphs and table cells any document may have ...
PARAGRAPHS_PER_PACKED_BYTE = 1   # ... plus one per byte of its packed document.xml
MAX_GRID_SPAN = 64               # Word tables have at most 63 columns
_BLOCK = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:p|tc)(?=[\s/>])")
_GRID_SPAN = re.compile(rb'gridSpan\s[^>]*?val\s*=\s*["\']\s*(\d+)')


_OFFICE_DOCUMENT = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*?Type="[^"]*/officeDocument"[^>]*>')


def _main_part(archive: zipfile.ZipFile, file: str) -> str:
    """The main document part, as python-docx finds it: the package's officeDocument relationship."""
    try:
        rels = read_member(archive, "_rels/.rels", file, SMALL_PART)
    except KeyError:
        return "word/document.xml"
    found = _OFFICE_DOCUMENT.search(rels)
    target = REL_TARGET.search(found.group(0)) if found else None
    return target.group(1).decode("utf-8", "replace").lstrip("/") if target else "word/document.xml"


def check_docx(path: Path) -> None:
    """Refuse a Word document too large for its size, or with table cells spanning absurd widths."""
    file = path.name
    try:
        archive = open_zip(path)
    except zipfile.BadZipFile as exc:
        raise FormatError(_("不是有效的Word文档（.docx）：{err}", err=exc)) from exc
    with archive:
        try:
            info = archive.getinfo(_main_part(archive, file))
        except KeyError:
            return   # python-docx finds no main part either and says what is wrong
        allowed = PARAGRAPHS_FLOOR + PARAGRAPHS_PER_PACKED_BYTE * info.compress_size
        counted = 0
        for chunk in chunks(archive, info, file):
            for _m in _BLOCK.finditer(chunk):
                counted += 1
                if counted > allowed:
                    raise refuse(file, _("文档的段落过多：超过 {n} 段（这个文件最多 {limit} 段）", n=counted - 1,
                                         limit=allowed))
            for found in _GRID_SPAN.finditer(chunk):
                span = int(found.group(1)[:9])
                if span > MAX_GRID_SPAN:
                    raise refuse(file, _("文档中的表格格子跨 {n} 列（最多 {limit} 列）", n=span, limit=MAX_GRID_SPAN))
