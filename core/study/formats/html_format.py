# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""HTML (.html/.htm) materials, sanitised: scripts, styles, event handlers and unsafe links are removed."""

from __future__ import annotations

import re
from pathlib import Path

from core.study.formats import MaterialFormat, ParsedMaterial
from core.study.formats.sanitize import html_to_text, sanitize_html
from core.study.formats.text_format import decode


def read(path: Path) -> ParsedMaterial:
    raw = path.read_bytes()
    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:2048])
    text = None
    if declared:
        try:
            text = raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            text = None
    body, title = sanitize_html(text if text is not None else decode(raw))
    if not title:
        h1 = re.search(r"<h1>(.*?)</h1>", body, re.DOTALL)
        title = html_to_text(h1.group(1)) if h1 else path.stem
    return ParsedMaterial(title=title, body_html=body, body_text=html_to_text(body))


FORMAT = MaterialFormat("html", (".html", ".htm"), read)
