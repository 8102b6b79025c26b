# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""PDF materials: the original bytes are kept (shown page by page with QtPdf in the GUI when
available) and the text is extracted with pypdf for search and as the fallback reading view."""

from __future__ import annotations

import io
from pathlib import Path

from base.errors import InvalidInput
from base.i18n import _
from base.limits import Deadline
from core.study.formats import MaterialFormat, ParsedMaterial
from core.study.formats.sanitize import paragraphs_to_html

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 5000


def read(path: Path) -> ParsedMaterial:
    from pypdf import PdfReader

    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise InvalidInput(_("PDF 文件过大（超过 50 MB）：{name}", name=path.name))
    reader = PdfReader(io.BytesIO(raw))
    if len(reader.pages) > MAX_PAGES:
        raise InvalidInput(_("PDF 页数过多（{n} 页，最多 {limit} 页）：{name}", n=len(reader.pages), limit=MAX_PAGES,
                             name=path.name))
    deadline = Deadline.for_file(path)
    pages = []
    for page in reader.pages:
        deadline.check()
        pages.append((page.extract_text() or "").strip())
    meta_title = ""
    if reader.metadata is not None and reader.metadata.title:
        meta_title = str(reader.metadata.title).strip()
    parts = []
    for i, text in enumerate(pages, start=1):
        parts.append(f"<h3>{_('第 {n} 页', n=i)}</h3>")
        parts.append(paragraphs_to_html(text) if text else f"<p>{_('（此页没有可提取的文字）')}</p>")
    return ParsedMaterial(title=meta_title or path.stem, body_html="\n".join(parts),
                          body_text="\n\n".join(pages), original=raw)


FORMAT = MaterialFormat("pdf", (".pdf",), read)
