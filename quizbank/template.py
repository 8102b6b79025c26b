# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The Excel import template users download, fill in and import again.

It has the same columns the spreadsheet writer uses, one example row per question
type, drop-down lists for 题型 and 难度, and a second sheet 填写说明 explaining how
to fill it in.
"""

from __future__ import annotations

from pathlib import Path

from base.i18n import N_, _
from quizbank.columns import TYPE_NAMES, WRITE_HEADER, question_row
from quizbank.model import DIFFICULTY_LABELS, QType, Question

SHEET_NAME = "题库"
HELP_SHEET_NAME = "填写说明"
MAX_TEMPLATE_ROWS = 5000

EXAMPLES = [
    Question(QType.SINGLE, "人民警察的宗旨是（ ）。",
             ["全心全意为人民服务", "维护社会稳定", "打击违法犯罪", "服务经济建设"], ["A"],
             explanation="《人民警察法》规定人民警察必须全心全意为人民服务。",
             category="法律法规", difficulty=1, score=1.0, tags=["人民警察法"]),
    Question(QType.MULTIPLE, "下列属于社会主义核心价值观内容的有（ ）。", ["富强", "民主", "人权", "法治"],
             ["A", "B", "D"], category="理论学习", score=2.0),
    Question(QType.JUDGE, "人民警察在非工作时间，遇有其职责范围内的紧急情况，应当履行职责。", answer=["T"],
             category="法律法规"),
    Question(QType.FILL, "公安机关是国家的（ ）机关，同时又是（ ）机关。", blanks=[["行政"], ["刑事司法", "司法"]],
             category="基础知识", difficulty=3),
    Question(QType.ESSAY, "简述人民警察使用警械的条件。", answer=["依照《人民警察使用警械和武器条例》的规定……"],
             category="业务知识", difficulty=3, score=10.0),
]

# One line per row of the 填写说明 sheet.
HELP_LINES = [
    N_("题库导入模板填写说明"),
    "",
    N_("1. 第一行是表头，请不要修改或删除；每一行填写一道题，可以删除示例题目。"),
    N_("2. 题型：从下拉列表中选择 单选题、多选题、判断题、填空题、简答题。"),
    N_("3. 题干：题目的文字，填空处可写成（ ）或下划线。"),
    N_("4. 选项A～选项H：单选题和多选题至少填两个选项，从选项A开始连续填写；其他题型留空。"),
    N_("5. 答案：单选题填一个字母，如 B；多选题填多个字母，如 ABD 或 A、B、D；判断题填 正确 或 错误（也可填 对/错、√/×）。"),  # noqa: E501
    N_("6. 填空题答案：多个空用中文分号“；”隔开，同一个空的多个可接受答案用“/”隔开，如 行政；刑事司法/司法。"),
    N_("7. 简答题答案：填写参考答案，可以留空。"),
    N_("8. 解析、分类、标签可以不填；多个标签用逗号隔开。"),
    N_("9. 难度：从下拉列表中选择 简单、中等、困难，不填按中等处理。"),
    N_("10. 分值：填数字，不填则按考试设置计分。"),
    N_("11. 也可以把不同题型放在以题型命名的工作表中（如“单选题”），这时题型列可以不填。"),
]


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_template(path: Path) -> None:
    """Write the import template (.xlsx) to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)   # a new workbook starts with one worksheet
    sheet.title = SHEET_NAME
    sheet.append(WRITE_HEADER)
    for q in EXAMPLES:
        sheet.append(question_row(q))
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = "C2"
    widths = {"题型": 10, "题干": 48, "答案": 16, "解析": 30, "分类": 12, "难度": 8, "分值": 8, "标签": 14}
    for i, name in enumerate(WRITE_HEADER):
        sheet.column_dimensions[_column_letter(i)].width = widths.get(name, 16)

    last = MAX_TEMPLATE_ROWS + 1
    lists = {
        "题型": ",".join(TYPE_NAMES[t] for t in QType),
        "难度": ",".join(DIFFICULTY_LABELS[d] for d in sorted(DIFFICULTY_LABELS)),
    }
    for name, choices in lists.items():
        col = _column_letter(WRITE_HEADER.index(name))
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.error = _("请从下拉列表中选择")
        validation.errorTitle = name
        validation.add(f"{col}2:{col}{last}")
        sheet.add_data_validation(validation)

    help_sheet = workbook.create_sheet(HELP_SHEET_NAME)
    help_sheet.column_dimensions["A"].width = 110
    for line in HELP_LINES:
        help_sheet.append([_(line) if line else ""])
    help_sheet["A1"].font = Font(bold=True, size=14)
    workbook.save(str(path))
