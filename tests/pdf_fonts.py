# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Test helper: every font a PDF references, on its pages and in their forms, is embedded."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any


def unembedded_fonts(pdf: bytes | Path) -> list[str]:
    """Names of the fonts referenced anywhere in ``pdf`` whose outlines it does not carry."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    missing: set[str] = set()
    seen: set[int] = set()

    def walk(resources: Any) -> None:
        if resources is None or id(resources) in seen:
            return
        seen.add(id(resources))
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            for part in font.get("/DescendantFonts", [font]):
                part = part.get_object()
                desc = part.get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(str(part.get("/BaseFont")))
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return sorted(missing)
