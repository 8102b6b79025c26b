# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Word (.docx) materials via python-docx: headings, paragraphs, bullet and numbered lists, tables,
bold/italic runs and images (embedded as ``data:`` URIs so a material travels with the database)."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

from core.study.formats import MaterialFormat, ParsedMaterial
from core.study.formats.sanitize import html_to_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp"}
HEADING_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def _heading_level(style_name: str) -> int | None:
    if style_name.lower() == "title":
        return 1
    m = HEADING_RE.match(style_name.strip())
    return min(int(m.group(1)), 6) if m else None


def _list_kind(paragraph: Any) -> str | None:
    name = (paragraph.style.name if paragraph.style is not None else "").lower()
    if "list number" in name:
        return "ol"
    if "list bullet" in name or "list paragraph" in name:
        return "ul"
    if paragraph._p.find(f"{{{W_NS}}}pPr/{{{W_NS}}}numPr") is not None:
        return "ul"
    return None


def _images(run: Any, part: Any) -> list[str]:
    out = []
    for blip in run._element.iter(f"{{{A_NS}}}blip"):
        rid = blip.get(f"{{{R_NS}}}embed")
        image = part.related_parts.get(rid) if rid else None
        if image is None or image.content_type not in IMAGE_TYPES:
            continue
        data = base64.b64encode(image.blob).decode("ascii")
        out.append(f'<img src="data:{image.content_type};base64,{data}" alt="">')
    return out


def _runs_html(paragraph: Any, part: Any) -> str:
    pieces = []
    for run in paragraph.runs:
        text = html.escape(run.text)
        if text:
            if run.bold:
                text = f"<strong>{text}</strong>"
            if run.italic:
                text = f"<em>{text}</em>"
            if run.underline:
                text = f"<u>{text}</u>"
        pieces.append(text)
        pieces.extend(_images(run, part))
    return "".join(pieces)


def _table_html(table: Any, part: Any) -> str:
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:        # merged cells repeat in python-docx
                continue
            seen.add(id(cell._tc))
            tag = "th" if r == 0 else "td"
            inner = "<br>".join(_runs_html(p, part) for p in cell.paragraphs if p.text.strip() or p.runs)
            cells.append(f"<{tag}>{inner}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="6">' + "".join(rows) + "</table>"


def read(path: Path) -> ParsedMaterial:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    part = document.part
    out: list[str] = []
    open_list: str | None = None
    title = (document.core_properties.title or "").strip()
    for child in document.element.body.iterchildren():
        if child.tag == f"{{{W_NS}}}tbl":
            block: Paragraph | Table = Table(child, document)
        elif child.tag == f"{{{W_NS}}}p":
            block = Paragraph(child, document)
        else:
            continue
        if isinstance(block, Table):
            if open_list:
                out.append(f"</{open_list}>")
                open_list = None
            out.append(_table_html(block, part))
            continue
        style = block.style.name if block.style is not None else ""
        level = _heading_level(style)
        kind = None if level else _list_kind(block)
        if open_list and kind != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        inner = _runs_html(block, part)
        if not inner.strip():
            continue
        if level:
            if not title:
                title = block.text.strip()
            out.append(f"<h{level}>{inner}</h{level}>")
        elif kind:
            if open_list is None:
                out.append(f"<{kind}>")
                open_list = kind
            out.append(f"<li>{inner}</li>")
        else:
            out.append(f"<p>{inner}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    body = "\n".join(out)
    return ParsedMaterial(title=title or path.stem, body_html=body, body_text=html_to_text(body))


FORMAT = MaterialFormat("docx", (".docx",), read)
