# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What python-calamine does not say about an ``.xlsx`` cell: its number format and its colours.

A secretary means what Excel or WPS shows: a cell formatted ``0.00%`` holding ``0.00001`` reads
``0.00%``, not ``1e-05``; ``#,##0`` shows ``12,000``. And some banks mark the correct option only
by a red font or a yellow fill. :func:`read_styles` reads ``xl/styles.xml`` once, finds the cell
formats (``cellXfs``) that matter (a number format that changes how a number reads, a coloured
font or fill) and, only when there are some, finds the cells using them in each worksheet.

Dates are left to calamine, which already returns them as dates. ``.xls`` and ``.ods`` files
are read without this (their values as stored, no marks).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from base.limits import iter_member, open_zip, read_member
from quizbank import marks

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_THEME = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_BUILTIN_FORMATS = {1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00", 49: "@"}
# Excel's default indexed palette (indexes 8–63; 0–7 repeat 8–15).
_PALETTE = [
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF", "800000", "008000",
    "000080", "808000", "800080", "008080", "C0C0C0", "808080", "9999FF", "993366", "FFFFCC", "CCFFFF",
    "660066", "FF8080", "0066CC", "CCCCFF", "000080", "FF00FF", "FFFF00", "00FFFF", "800080", "800000",
    "008080", "0000FF", "00CCFF", "CCFFFF", "CCFFCC", "FFFF99", "99CCFF", "FF99CC", "CC99FF", "FFCC99",
    "3366FF", "33CCCC", "99CC00", "FFCC00", "FF9900", "FF6600", "666699", "969696", "003366", "339966",
    "003300", "333300", "993300", "993366", "333399", "333333",
]
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")   # Excel's theme colour indexes: light and dark swapped in pairs
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})" s="(\d+)"')

Display = Callable[[float], str]


@dataclass(slots=True)
class SheetStyles:
    """The cells of one sheet whose look matters, by (0-based row, 0-based column)."""

    display: dict[tuple[int, int], Display] = field(default_factory=dict)
    marks: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)


def number_display(code: str) -> Display | None:
    """How a number formatted with Excel ``code`` reads, for the usual formats; None for the rest."""
    section = _QUOTED.sub("", code.split(";")[0]).strip()
    if not section or section.lower() == "general" or section == "@":
        return None
    if any(c in section.lower() for c in "ymdhs"):
        return None            # a date or time: calamine gives it as one
    mantissa = section.upper().split("E", 1)[0]
    decimals = len([c for c in mantissa.split(".", 1)[1] if c in "0#?"]) if "." in mantissa else 0
    if "%" in section:
        template = f"{{:.{decimals}f}}%"
        return lambda v: template.format(v * 100)
    if "E+" in section.upper():
        template = f"{{:.{decimals}E}}"
    elif "," in section:
        template = f"{{:,.{decimals}f}}"
    elif "0" in section and decimals:
        template = f"{{:.{decimals}f}}"
    else:
        return None
    return template.format


def _colour(element: ET.Element | None, theme: list[str]) -> str | None:
    if element is None or element.get("auto") == "1":
        return None
    if element.get("rgb"):
        return element.get("rgb")
    if element.get("indexed") is not None:
        index = int(element.get("indexed") or 0)
        index = index + 8 if index < 8 else index
        return _PALETTE[index - 8] if 8 <= index < 8 + len(_PALETTE) else None
    if element.get("theme") is not None:
        index = int(element.get("theme") or 0)
        return theme[index] if 0 <= index < len(theme) else None
    return None


def _theme_colours(archive: zipfile.ZipFile, file: str) -> list[str]:
    try:
        root = ET.fromstring(read_member(archive, "xl/theme/theme1.xml", file, 5 * 1024 * 1024))
    except (KeyError, ET.ParseError):
        return []
    scheme = root.find(f".//{_THEME}clrScheme")
    if scheme is None:
        return []
    found: dict[str, str] = {}
    for child in scheme:
        name = child.tag.rsplit("}", 1)[-1]
        value = next((c.get("val") or c.get("lastClr") for c in child), None)
        if value:
            found[name] = value
    return [found.get(name, "") for name in _THEME_ORDER]


def _xf_styles(archive: zipfile.ZipFile, file: str) -> tuple[dict[int, Display], dict[int, frozenset[str]]]:
    """Style index -> number display, and style index -> marks, for the formats that matter."""
    try:
        root = ET.fromstring(read_member(archive, "xl/styles.xml", file, 20 * 1024 * 1024))
    except (KeyError, ET.ParseError):
        return {}, {}
    codes = dict(_BUILTIN_FORMATS)
    for fmt in root.iter(f"{_MAIN}numFmt"):
        try:
            codes[int(fmt.get("numFmtId") or -1)] = fmt.get("formatCode") or ""
        except ValueError:
            continue
    theme = _theme_colours(archive, file)
    fonts = [marks.font(_colour(f.find(f"{_MAIN}color"), theme)) for f in root.iter(f"{_MAIN}font")]
    fills = []
    for fill in root.iter(f"{_MAIN}fill"):
        pattern = fill.find(f"{_MAIN}patternFill")
        solid = pattern is not None and pattern.get("patternType") == "solid"
        fills.append(marks.fill(_colour(pattern.find(f"{_MAIN}fgColor"), theme)) if solid and pattern is not None
                     else None)
    display: dict[int, Display] = {}
    marked: dict[int, frozenset[str]] = {}
    xfs = root.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        try:
            code = codes.get(int(xf.get("numFmtId") or 0), "")
            font_id, fill_id = int(xf.get("fontId") or 0), int(xf.get("fillId") or 0)
        except ValueError:
            continue
        shown = number_display(code) if code else None
        if shown is not None:
            display[index] = shown
        found = {m for m in (fonts[font_id] if font_id < len(fonts) else None,
                             fills[fill_id] if fill_id < len(fills) else None) if m}
        if found:
            marked[index] = frozenset(found)
    return display, marked


def read_styles(path: Path, parts: dict[str, str]) -> dict[str, SheetStyles]:
    """Sheet name -> the cells whose number format or colours matter (only sheets that have some)."""
    out: dict[str, SheetStyles] = {}
    with open_zip(path) as archive:
        display, marked = _xf_styles(archive, path.name)
        if not display and not marked:
            return out
        wanted = sorted(set(display) | set(marked))
        pattern = re.compile(_CELL.pattern.replace(rb"(\d+)", b"(" + b"|".join(b"%d" % i for i in wanted) + b")"))
        for name, part in parts.items():
            if part not in archive.namelist():
                continue
            styles = SheetStyles()

            def take(data: bytes, styles: SheetStyles = styles) -> None:
                for letters, row, style in pattern.findall(data):
                    col = 0
                    for ch in letters:
                        col = col * 26 + ch - 64
                    key, index = (int(row) - 1, col - 1), int(style)
                    if index in display:
                        styles.display[key] = display[index]
                    if index in marked:
                        styles.marks[key] = marked[index]

            tail = b""
            for block in iter_member(archive, part, path.name, chunk=4 * 1024 * 1024):
                data = tail + block
                cut = data.rfind(b"<")
                data, tail = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
                take(data)
            take(tail)
            if styles.display or styles.marks:
                out[name] = styles
    return out
