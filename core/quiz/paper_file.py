# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Paper-exam answers from a spreadsheet (``quiz enter-paper ID --file answers.xlsx``).

The first row names the columns: 警号 (badge), 题本 or 版本 (version), then either one 答案
column holding every answer in order (``B AC T D`` or ``BACTD`` when each is one letter) or one
column per question headed 1, 2, 3…. Each further row is one officer's sheet.
"""

from __future__ import annotations

import re
from pathlib import Path

from base.errors import FormatError
from base.i18n import _
from core.quiz.paper import PaperAnswers

BADGE = {"警号", "badge"}
VERSION = {"题本", "版本", "version"}
ANSWERS = {"答案", "answers"}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split(text: str) -> tuple[str, ...]:
    parts = [p for p in re.split(r"[\s,，;；、]+", text) if p]
    if len(parts) == 1 and len(parts[0]) > 1:       # "BACTD": one letter each
        return tuple(parts[0])
    return tuple(parts)


def read_answers(path: Path) -> list[PaperAnswers]:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise FormatError(_("{f}：请使用 .xlsx 表格", f=path.name))
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise FormatError(_("{f}：无法读取（{e}）", f=path.name, e=exc)) from exc
    try:
        rows = [[_cell(v) for v in row] for row in book.active.iter_rows(values_only=True)] if book.active else []
    finally:
        book.close()
    if not rows:
        raise FormatError(_("{f}：表格是空的", f=path.name))
    head = [h.lower() for h in rows[0]]
    badge = next((i for i, h in enumerate(head) if h in BADGE), None)
    version = next((i for i, h in enumerate(head) if h in VERSION), None)
    if badge is None or version is None:
        raise FormatError(_("{f} 第 1 行：需要“警号”和“题本”两列", f=path.name))
    single = next((i for i, h in enumerate(head) if h in ANSWERS), None)
    numbered = sorted((int(h), i) for i, h in enumerate(head) if h.isdigit())
    if single is None and not numbered:
        raise FormatError(_("{f} 第 1 行：需要“答案”一列，或按题号 1、2、3… 各一列", f=path.name))
    out = []
    for n, row in enumerate(rows[1:], start=2):
        row = row + [""] * (len(head) - len(row))
        if not any(row):
            continue
        answers = _split(row[single]) if single is not None else tuple(row[i] for _q, i in numbered)
        out.append(PaperAnswers(row[badge], row[version], answers, _("{f} 第 {n} 行", f=path.name, n=n)))
    return out
