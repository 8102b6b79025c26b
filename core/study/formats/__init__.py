# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Reading study materials from files: one module per format, each defining ``FORMAT``.

Every reader turns a file into a :class:`ParsedMaterial`: sanitised HTML for the
reader, plain text for search, and for PDF the original bytes (the GUI shows the
real pages with QtPdf when that module is installed, else the extracted text).
Adding a format is adding a module here; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from base.errors import InvalidInput
from base.i18n import _
from base.plugins import discover


@dataclass(slots=True)
class ParsedMaterial:
    title: str
    body_html: str
    body_text: str
    original: bytes | None = None     # the PDF itself


@dataclass(frozen=True, slots=True)
class MaterialFormat:
    name: str                           # stored in materials.source_format
    extensions: tuple[str, ...]         # lower case, with the dot
    read: Callable[[Path], ParsedMaterial]


@cache
def formats() -> dict[str, MaterialFormat]:
    """Extension -> format, discovered from the modules of this package."""
    found: dict[str, MaterialFormat] = {}
    for _m, fmt in discover(__name__, "FORMAT", kind=MaterialFormat):
        for ext in fmt.extensions:
            found[ext] = fmt
    return found


def format_for(path: Path) -> MaterialFormat:
    fmt = formats().get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(_("不支持的资料格式：{name}（支持 {exts}）", name=path.name,
                             exts=" ".join(sorted(formats()))))
    return fmt


def read_material(path: Path) -> tuple[ParsedMaterial, MaterialFormat]:
    """Parse one file; unreadable files raise ``InvalidInput`` naming the file."""
    fmt = format_for(path)
    try:
        parsed = fmt.read(path)
    except InvalidInput:
        raise
    except Exception as exc:  # a damaged file of any kind: tell the user which one
        raise InvalidInput(_("无法读取资料 {name}：{e}", name=path.name, e=exc)) from exc
    if not parsed.title.strip():
        parsed.title = path.stem
    return parsed, fmt


def text_from_html(html: str) -> str:
    from core.study.formats.sanitize import html_to_text

    return html_to_text(html)
