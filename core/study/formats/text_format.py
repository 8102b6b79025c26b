# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Plain text (.txt) materials: UTF-8 (with or without BOM) or GB18030; blank lines separate paragraphs."""

from __future__ import annotations

from pathlib import Path

from core.study.formats import MaterialFormat, ParsedMaterial
from core.study.formats.sanitize import paragraphs_to_html


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def read(path: Path) -> ParsedMaterial:
    text = decode(path.read_bytes())
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first if 0 < len(first) <= 60 else path.stem
    return ParsedMaterial(title=title, body_html=paragraphs_to_html(text), body_text=text.strip())


FORMAT = MaterialFormat("txt", (".txt",), read)
