# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Write resources/demo/import-samples/: question banks laid out the way units often keep them.

Run ``python tools/make_import_samples.py``. Two sheets the import wizard reads without any
setting, written by the team (not copied from anyone's bank):

* ``无表头题库.xlsx``: no header row, a number column, the stem, options A–D and the answer
  letter; one percent cell (``0.5%`` as Excel shows it, not ``0.005``). The wizard shows the
  columns it guessed, and they can be corrected.
* ``红色字体标答案.xlsx``: one text per row (stem, options), a blank row between questions, the
  correct options in red font; judge questions as 正确/错误 rows. The wizard says the answers
  came from the red font.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "resources" / "demo" / "import-samples"

HEADERLESS = [
    ("机动车驾驶人饮酒后驾驶机动车的，处暂扣几个月机动车驾驶证？", "一个月", "三个月", "六个月", "十二个月", "C"),
    ("人民警察的宗旨是什么？", "全心全意为人民服务", "维护社会稳定", "打击违法犯罪", "服务经济建设", "A"),
    ("公安机关办理行政案件，询问查证的时间一般不得超过几小时？", "4小时", "8小时", "12小时", "24小时", "B"),
    ("下列属于人民警察纪律要求的有哪些？", "不得泄露国家秘密", "不得刑讯逼供", "不得从事营利性经营活动",
     "可以酒后驾驶警车", "ABC"),
    ("“三会一课”中的“一课”指的是什么？", "党课", "团课", "业务课", "法制课", "A"),
    ("某路段事故率一年下降了多少？（按统计表）", "0.5%", "5%", "50%", "不变", "A"),
    ("发展党员必须经过党的支部，坚持什么原则？", "个别吸收", "集体吸收", "批量吸收", "自愿报名", "A"),
    ("执法记录仪应当在什么时候开启？", "到达现场开始执法时", "执法结束后补录", "上级要求时", "当事人同意时", "A"),
]

RED_FONT = [
    ("1．人民警察使用警械时，应当以什么为限度？", ["A．制止违法犯罪行为为限度", "B．造成伤害为限度",
                                                   "C．当事人屈服为限度", "D．上级命令为限度"], {0}),
    ("2．下列属于党的纪律的有（ ）", ["A．政治纪律", "B．组织纪律", "C．廉洁纪律", "D．个人爱好"], {0, 1, 2}),
    ("3．党员应当按期交纳党费。", ["正确", "错误"], {0}),
    ("4．交通事故当事人可以自行协商处理所有伤亡事故。", ["正确", "错误"], {1}),
    ("5．保密工作的方针是什么？", ["A．积极防范，突出重点，依法管理", "B．谁主管谁负责", "C．公开为主",
                                 "D．内外有别"], {0}),
]


def main() -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    TARGET.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    for i, (stem, *options, answer) in enumerate(HEADERLESS, start=1):
        ws.append([i, stem, *options, answer])
    ws.cell(row=6, column=3, value=0.005).number_format = "0.0%"     # shown as 0.5%
    ws.column_dimensions["B"].width = 60
    wb.save(TARGET / "无表头题库.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.title = "练习题"
    red = Font(color="FFFF0000")
    row = 1
    for stem, options, correct in RED_FONT:
        ws.cell(row=row, column=1, value=stem)
        for k, option in enumerate(options):
            cell = ws.cell(row=row + 1 + k, column=1, value=option)
            if k in correct:
                cell.font = red
        row += len(options) + 2        # a blank row between questions
    ws.column_dimensions["A"].width = 60
    wb.save(TARGET / "红色字体标答案.xlsx")
    print("written to", TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
