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
from base.limits import TextBudget, check_file_size, looks_binary
from base.plugins import discover
from quizbank.wordguard import check_docx


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


TEXT_FORMATS = ("txt", "md", "html")


def read_material(path: Path) -> tuple[ParsedMaterial, MaterialFormat]:
    """Parse one file; unreadable files raise ``InvalidInput`` naming the file.

    The limits of :mod:`base.limits` hold here as for question banks: the file's size, a Word
    document's parts and paragraphs (:func:`quizbank.wordguard.check_docx`), the amount of text.
    A material must be real text: bytes that are no text, or a file without any (an empty
    ``.txt``), are refused; a PDF may be pictures only (its pages are shown).
    """
    fmt = format_for(path)
    try:
        check_file_size(path)
        if fmt.name in TEXT_FORMATS and looks_binary(path.read_bytes()):
            raise InvalidInput(_("资料 {name} 不是文本（可能是图片、压缩包或其他二进制文件）", name=path.name))
        if fmt.name == "docx":
            check_docx(path)
        parsed = fmt.read(path)
    except InvalidInput as exc:
        if path.name in str(exc):
            raise
        raise InvalidInput(_("无法读取资料 {name}：{e}", name=path.name, e=exc)) from exc
    except Exception as exc:  # a damaged file of any kind: tell the user which one
        raise InvalidInput(_("无法读取资料 {name}：{e}", name=path.name, e=exc)) from exc
    if fmt.name != "pdf" and not parsed.body_text.strip():
        raise InvalidInput(_("资料 {name} 没有文字内容", name=path.name))
    budget = TextBudget.for_file(path)
    budget.add(len(parsed.body_text))
    budget.add(len(parsed.body_html))
    if not parsed.title.strip():
        parsed.title = path.stem
    return parsed, fmt


def text_from_html(html: str) -> str:
    from core.study.formats.sanitize import html_to_text

    return html_to_text(html)
