# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Markdown (.md) materials via the ``markdown`` package; raw HTML inside is sanitised too."""

from __future__ import annotations

import re
from pathlib import Path

from core.study.formats import MaterialFormat, ParsedMaterial
from core.study.formats.sanitize import html_to_text, sanitize_html
from core.study.formats.text_format import decode


def markdown_to_html(text: str) -> str:
    import markdown

    return markdown.markdown(text, extensions=["tables", "sane_lists"])


def read(path: Path) -> ParsedMaterial:
    text = decode(path.read_bytes())
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    body, _title = sanitize_html(markdown_to_html(text))
    return ParsedMaterial(title=heading.group(1) if heading else path.stem, body_html=body,
                          body_text=html_to_text(body))


FORMAT = MaterialFormat("md", (".md", ".markdown"), read)
