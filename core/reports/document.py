# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A neutral report document: titled tables, charts and notes that the PDF and Excel writers share.

Cells keep raw values (numbers stay numbers, so Excel can sum them); each column has a
format: ``text``, ``int``, ``num`` (one decimal), ``pct`` (fraction shown as percent)
or ``delta_pct`` / ``delta`` (signed change).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = str | int | float | None


@dataclass(slots=True)
class Table:
    title: str
    headers: list[str]
    formats: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    highlight: list[int] = field(default_factory=list)   # row indexes shown with a warning colour
    sheet: str = ""                                       # Excel sheet name (default: title)


@dataclass(slots=True)
class Chart:
    title: str
    kind: str                                  # bar / line
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    percent: bool = False                      # values are fractions shown as percent


@dataclass(slots=True)
class Note:
    text: str
    heading: bool = False                      # a section heading (e.g. one reflection's author and title)


Block = Table | Chart | Note


@dataclass(slots=True)
class Document:
    title: str
    unit_name: str
    period_label: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def format_cell(value: Cell, fmt: str) -> str:
    if value is None or value == "":
        return "—" if fmt != "text" else ""
    if fmt == "text" or isinstance(value, str):
        return str(value)
    if fmt == "int":
        return str(int(value))
    if fmt == "pct":
        return f"{value * 100:.1f}%"
    if fmt == "delta_pct":
        return f"{value * 100:+.1f}%"
    if fmt == "delta":
        return f"{value:+.1f}"
    if float(value).is_integer():
        return str(int(value))          # 269, not 269.0
    return f"{value:.1f}"
