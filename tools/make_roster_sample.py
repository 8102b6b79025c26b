# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Write resources/demo/roster-sample.xlsx: new officers for an existing demo branch.

Run ``python tools/make_roster_sample.py``. The file shows what a secretary's roster
(花名册) looks like: a merged title row, Chinese headers in a non-default order,
民警/辅警, 党员 as 是/否, and an optional phone column. Every row imports cleanly into
the demo database (unit 刑侦大队第二党支部, code LJXZ2), so the import wizard can be tried.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "resources" / "demo" / "roster-sample.xlsx"

# 姓名, 警号, 类别, 党员, 职务, 手机 — written by the team, not real people.
PEOPLE = [
    ("韩立新", "310101", "民警", "是", "侦查员", "13800000101"),
    ("宋雅琴", "310102", "民警", "否", "侦查员", "13800000102"),
    ("欧阳凯", "310103", "辅警", "否", "辅警", ""),
    ("程晓东", "310104", "民警", "是", "副中队长", "13800000104"),
    ("邵佳怡", "310105", "辅警", "是", "内勤", "13800000105"),
    ("罗振华", "310106", "民警", "是", "侦查员", ""),
]


def main() -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["刑侦大队第二党支部 新调入人员花名册"])
    ws.merge_cells("A1:G1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    header = ["姓名", "警号", "所在支部", "人员类别", "是否党员", "职务", "手机号码"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="ECEFF1")
    for name, badge, cat, party, title, phone in PEOPLE:
        ws.append([name, badge, "刑侦大队第二党支部", cat, party, title, phone])
    for col, width in zip("ABCDEFG", (10, 10, 22, 10, 10, 12, 14), strict=True):
        ws.column_dimensions[col].width = width
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(TARGET))
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(PEOPLE)} officers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
