# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""How a file was read, in words: for the import preview, the CLI and a refusal's hint.

Readers describe each file or sheet with a :class:`~quizbank.model.Layout` (a table under a
header, columns guessed from the cells, one text per row, a numbered list, or nothing
readable) and the mark that gave answers, if any. :func:`describe` says it for people;
:func:`columns_text` names a column mapping (``A列 题干，B–E列 选项A–D，F列 答案``);
:data:`SUPPORTED` lists what can be read, for a file that gave no question.
"""

from __future__ import annotations

from base.i18n import N_, _
from base.limits import column_name
from quizbank import marks
from quizbank.columns import FIELDS, field_label
from quizbank.model import (
    LAYOUT_GUESSED,
    LAYOUT_HEADER,
    LAYOUT_LINES,
    LAYOUT_MAPPED,
    LAYOUT_NONE,
    LAYOUT_NUMBERED,
    Layout,
)

_KINDS = {
    LAYOUT_HEADER: N_("按表头读取"),
    LAYOUT_GUESSED: N_("没有表头，按内容猜测各列"),
    LAYOUT_MAPPED: N_("按指定的列读取"),
    LAYOUT_LINES: N_("一行一项，空行分隔题目"),
    LAYOUT_NUMBERED: N_("按编号试题读取"),
    LAYOUT_NONE: N_("没有读出试题"),
}

SUPPORTED = N_(
    "能读的版式：带表头的表格（题型、题干、选项A…、答案）；没有表头但能从内容看出各列的表格；"
    "一行一项、空行分隔题目、答案写出或用颜色标出的表格；编号试题的 Word 或文本（1. 题干 / A. 选项 / "
    "答案：A，或答案写在括号里、用颜色标出）；GIFT、Aiken、Moodle XML、JSON、JSONL 题库"
)


def columns_text(mapping: dict[str, int]) -> str:
    """``A列 题干，B–E列 选项A–D，F列 答案``: consecutive option columns are grouped."""
    order = sorted(((col, field) for field, col in mapping.items() if field in FIELDS), key=lambda x: x[0])
    parts: list[str] = []
    i = 0
    while i < len(order):
        col, field = order[i]
        j = i
        while (field.startswith("option_") and j + 1 < len(order) and order[j + 1][1].startswith("option_")
               and order[j + 1][0] == order[j][0] + 1
               and ord(order[j + 1][1][-1]) == ord(order[j][1][-1]) + 1):
            j += 1
        if j > i:
            parts.append(_("{first}–{last}列 选项{a}–{b}", first=column_name(col), last=column_name(order[j][0]),
                           a=field[-1], b=order[j][1][-1]))
        else:
            parts.append(_("{col}列 {field}", col=column_name(col), field=field_label(field)))
        i = j + 1
    return "，".join(parts)


def describe(layout: Layout, *, file: bool = True, detail: bool = False) -> str:
    """``题库.xlsx 工作表“Sheet1”：没有表头，按内容猜测各列：A列 题干…；答案按红色字体读取``
    (without the file name when ``file`` is false; with what the reader saw when ``detail`` is
    true or nothing was read)."""
    where = (layout.file if file else "") + (_(" 工作表“{sheet}”", sheet=layout.sheet) if layout.sheet else "")
    text = _(_KINDS.get(layout.kind, layout.kind))
    if layout.columns and layout.kind in (LAYOUT_GUESSED, LAYOUT_MAPPED, LAYOUT_HEADER):
        text += "：" + columns_text(layout.columns)
    elif layout.shape and (detail or layout.kind == LAYOUT_NONE):
        text += "（" + layout.shape + "）"
    if layout.mark:
        text += _("；答案按{mark}读取", mark=marks.describe(layout.mark))
    return f"{where.strip()}：{text}" if where.strip() else text
