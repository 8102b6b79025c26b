# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The layouts units really have (issue 15), each made here with python-docx, openpyxl or
xlsxwriter: counts by type and five questions' exact stem, options and answer per layout."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import docx
import pytest
import xlsxwriter
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import RGBColor
from openpyxl import Workbook
from openpyxl.styles import Font

from base import i18n
from quizbank import formats
from quizbank.formats import ReadOptions
from quizbank.layout import describe
from quizbank.model import LAYOUT_GUESSED, LAYOUT_HEADER, LAYOUT_LINES, ImportResult, QType


@pytest.fixture(autouse=True)
def _chinese_ui():
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def read(path: Path, **kw: object) -> ImportResult:
    return formats.read(path, ReadOptions(**kw))  # type: ignore[arg-type]


def by_type(result: ImportResult) -> dict[str, int]:
    return dict(Counter(str(q.qtype) for q in result.questions))


def exact(result: ImportResult, index: int) -> tuple[str, list[str], list[str]]:
    q = result.questions[index]
    return q.stem, q.options, q.answer if q.qtype is not QType.FILL else [";".join("/".join(b) for b in q.blanks)]


# --- Word: 1<TAB>题干, options as paragraphs, 正确答案： paragraphs, sections restarting ----------------


def test_word_bank_with_tab_numbers_answer_paragraphs_and_sections(tmp_path: Path) -> None:
    d = docx.Document()
    for text in [
        "--- 《中国共产党章程》知识测试 ---", "单选题",
        "1\t党的最高理想和最终目标是（ ）。", "A、实现共产主义", "B、建设社会主义现代化强国", "C、全面建成小康社会",
        "D、实现中华民族伟大复兴", "正确答案：A",
        "2\t中国共产党的根本宗旨是（ ）。", "A、发展生产力", "B、维护社会稳定", "C、实现共同富裕",
        "D、全心全意为人民服务", "正确答案：D",
        "多选题",
        "1\t党的优良作风包括（ ）。", "A、理论联系实际", "B、密切联系群众", "C、批评与自我批评", "D、脱离群众",
        "正确答案：ABC",
        "2\t党的纪律包括（ ）。", "A、政治纪律", "B、组织纪律", "C、廉洁纪律", "D、群众纪律", "正确答案：ABCD",
        "判断题",
        "1\t党员必须履行党员义务。", "正确答案：对",
        "2\t党员可以不按期交纳党费。", "正确答案：错",
        "--- 《中国共产党纪律处分条例》 ---", "单选题",
        "1\t党纪处分有几种（ ）。", "A、三种", "B、四种", "C、五种", "D、六种", "正确答案：C",
        "判断题",
        "1\t党组织应当对违纪党员作出处理。", "正确答案：对",
    ]:
        d.add_paragraph(text)
    path = tmp_path / "党章题库.docx"
    d.save(str(path))
    result = read(path)
    assert result.problems == []
    assert by_type(result) == {"single": 3, "multiple": 2, "judge": 3}
    assert exact(result, 0) == ("党的最高理想和最终目标是（ ）。",
                                ["实现共产主义", "建设社会主义现代化强国", "全面建成小康社会", "实现中华民族伟大复兴"], ["A"])
    assert exact(result, 1) == ("中国共产党的根本宗旨是（ ）。",
                                ["发展生产力", "维护社会稳定", "实现共同富裕", "全心全意为人民服务"], ["D"])
    assert exact(result, 3) == ("党的纪律包括（ ）。", ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律"],
                                ["A", "B", "C", "D"])
    assert exact(result, 5) == ("党员可以不按期交纳党费。", [], ["F"])
    assert exact(result, 6) == ("党纪处分有几种（ ）。", ["三种", "四种", "五种", "六种"], ["C"])
    assert [q.source.line for q in result.questions][:3] == [3, 9, 16]


def test_word_answers_marked_by_font_colour(tmp_path: Path) -> None:
    d = docx.Document()
    questions = [("1. 人民警察使用警械应以什么为限度？", ["制止违法犯罪行为", "造成伤害", "当事人服从"], {0}),
                 ("2. 执法记录仪应何时开启？", ["执法结束后", "开始执法时", "上级要求时"], {1}),
                 ("3. 下列属于党的纪律的有（ ）", ["政治纪律", "组织纪律", "兴趣爱好"], {0, 1}),
                 ("4. 保密工作的方针是（ ）", ["积极防范，突出重点，依法管理", "公开为主", "内外有别"], {0}),
                 ("5. 警衔设几等几级？", ["三等十级", "五等十三级", "四等十二级"], {1})]
    for stem, options, correct in questions:
        d.add_paragraph(stem)
        for k, option in enumerate(options):
            p = d.add_paragraph()
            p.add_run(f"{'ABC'[k]}. ")
            run = p.add_run(option)
            if k in correct:
                run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    path = tmp_path / "红字.docx"
    d.save(str(path))
    result = read(path)
    assert result.problems == []
    assert [lay.mark for lay in result.layouts] == ["font:C00000"]
    assert "红色字体" in describe(result.layouts[0])
    assert by_type(result) == {"single": 4, "multiple": 1}
    assert [q.answer for q in result.questions] == [["A"], ["B"], ["A", "B"], ["A"], ["B"]]
    assert exact(result, 3) == ("保密工作的方针是（ ）", ["积极防范，突出重点，依法管理", "公开为主", "内外有别"], ["A"])


def test_word_highlighted_option_on_a_line_of_several(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("1. 我国的首都是（ ）")
    p = d.add_paragraph()
    p.add_run("A. 上海    ")
    p.add_run("B. 北京").font.highlight_color = WD_COLOR_INDEX.YELLOW
    p.add_run("    C. 广州")
    d.add_paragraph("2. 直辖市有（ ）")
    p = d.add_paragraph()
    for text, marked in (("A. 重庆  ", True), ("B. 天津  ", True), ("C. 苏州", False)):
        run = p.add_run(text)
        if marked:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    path = tmp_path / "高亮.docx"
    d.save(str(path))
    result = read(path)
    assert result.problems == []
    assert [(q.options, q.answer) for q in result.questions] == [(["上海", "北京", "广州"], ["B"]),
                                                                  (["重庆", "天津", "苏州"], ["A", "B"])]
    assert result.layouts[0].mark == "highlight:FFFF00"


# --- plain text: answers in brackets, several options per line ---------------------------------------


BRACKETS = """\
1．我国的根本政治制度是（ B ）。
A．民主集中制          B．人民代表大会制度
C．政治协商制度        D．民族区域自治制度
2. 下列属于直辖市的有( ABC )
A.北京      B.上海
C.重庆      D.广州
3、党的纪律包括（ABCDEF）。
A．政治纪律   B．组织纪律   C．廉洁纪律
D．群众纪律   E．工作纪律   F．生活纪律
4. 人民警察的宗旨是（\u3000Ａ\u3000）
A.全心全意为人民服务  B.维护稳定  C.打击犯罪  D.服务经济
5. 以下说法正确的有【 A、C 】
A. 甲说法  B. 乙说法  C. 丙说法  D. 丁说法
6. 地球绕太阳公转。（ √ ）
7. 太阳绕地球公转。(×)
8. 机动车驾驶证记分周期为（ C ）
A．6个月        B．9个月        C．12个月        D．24个月
"""


def test_text_answers_in_brackets_and_options_side_by_side(tmp_path: Path) -> None:
    path = tmp_path / "括号答案.txt"
    path.write_text(BRACKETS, encoding="utf-8")
    result = read(path)
    assert result.problems == []
    assert by_type(result) == {"single": 3, "multiple": 3, "judge": 2}
    assert max(len(q.options) for q in result.questions) == 6
    assert exact(result, 0) == ("我国的根本政治制度是（ ）。",
                                ["民主集中制", "人民代表大会制度", "政治协商制度", "民族区域自治制度"], ["B"])
    assert exact(result, 1) == ("下列属于直辖市的有（ ）", ["北京", "上海", "重庆", "广州"], ["A", "B", "C"])
    assert exact(result, 2) == ("党的纪律包括（ ）。", ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"],
                                list("ABCDEF"))
    assert exact(result, 4) == ("以下说法正确的有（ ）", ["甲说法", "乙说法", "丙说法", "丁说法"], ["A", "C"])
    assert exact(result, 7) == ("机动车驾驶证记分周期为（ ）", ["6个月", "9个月", "12个月", "24个月"], ["C"])


def test_stem_starting_with_digits_after_its_number_is_a_new_question(tmp_path: Path) -> None:
    path = tmp_path / "年份.txt"
    path.write_text("8. 第一题（ ）\nA. 甲\nB. 乙\nC. 丙\nD. 丁\n答案：A\n"
                    "9.2025年中央经济工作会议提出的要求是（ ）\nA. 稳中求进\nB. 以进促稳\nC. 先立后破\nD. 以上都是\n答案：D\n"
                    "10 空格后的题干（ ）\nA. 对的\nB. 错的\n答案：B\n", encoding="utf-8")
    result = read(path)
    assert result.problems == []
    assert [(q.stem, len(q.options), q.answer) for q in result.questions] == [
        ("第一题（ ）", 4, ["A"]), ("2025年中央经济工作会议提出的要求是（ ）", 4, ["D"]), ("空格后的题干（ ）", 2, ["B"])]


def test_a_missing_number_is_reported_not_glued(tmp_path: Path) -> None:
    path = tmp_path / "漏题号.txt"
    path.write_text("1. 第一题（ ）\nA. 甲\nB. 乙\n答案：A\n没有题号的第二题（ ）\nA. 丙\nB. 丁\n答案：B\n"
                    "3. 第三题（ ）\nA. 戊\nB. 己\n答案：B\n", encoding="utf-8")
    result = read(path)
    assert [(q.stem, q.options, q.answer) for q in result.questions] == [
        ("第一题（ ）", ["甲", "乙"], ["A"]), ("第三题（ ）", ["戊", "己"], ["B"])]
    errors = [(p.line, p.message) for p in result.errors]
    assert errors == [(6, "有选项或答案，却没有题干和题号（可能漏了题号）")]


def test_free_text_invents_no_question(tmp_path: Path) -> None:
    lines = ["关于加强队伍建设的几点体会"]
    for i in range(1, 40):
        lines += [f"{i}. 第{i}部分的体会，结合工作实际谈几点认识。", "A、要提高认识。", "B、要落实责任。",
                  "C、要加强监督。", "D、要完善制度。", "E、要狠抓落实。", "F、要总结经验。", "G、要注重实效。"]
    path = tmp_path / "心得.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read(path)
    assert result.questions == []
    assert all(p.line is not None for p in result.errors) and len(result.errors) == 39
    assert {p.message for p in result.errors} == {"为空"}


# --- sheets ----------------------------------------------------------------------------------------

HEADERLESS = [
    (1, "机动车驾驶人饮酒后驾驶机动车的，处暂扣几个月驾驶证？", "一个月", "三个月", "六个月", "十二个月", "C"),
    (2, "人民警察的宗旨是什么？", "全心全意为人民服务", "维护社会稳定", "打击违法犯罪", "服务经济建设", "A"),
    (3, "询问查证的时间一般不得超过几小时？", "4小时", "8小时", "12小时", "24小时", "B"),
    (4, "下列属于人民警察纪律要求的有哪些？", "不得泄露国家秘密", "不得刑讯逼供", "不得经商", "可以酒驾", "ABC"),
    (5, "“三会一课”中的“一课”指的是什么？", "党课", "团课", "业务课", "法制课", "A"),
    (6, "党员应当按期交纳党费，这一说法对吗？", "", "", "", "", "对"),
]


def test_headerless_sheet_columns_are_guessed_from_content(tmp_path: Path) -> None:
    path = tmp_path / "无表头.xlsx"
    book = xlsxwriter.Workbook(str(path))       # shared strings, as Excel and WPS write them
    sheet = book.add_worksheet("题库")
    for r, row in enumerate(HEADERLESS):
        sheet.write_row(r, 0, row)
    book.close()
    result = read(path)
    assert result.problems == []
    (layout,) = result.layouts
    assert layout.kind == LAYOUT_GUESSED
    assert layout.columns == {"stem": 1, "option_A": 2, "option_B": 3, "option_C": 4, "option_D": 5, "answer": 6}
    assert "B列 题干，C–F列 选项A–D，G列 答案" in describe(layout)
    assert by_type(result) == {"single": 4, "multiple": 1, "judge": 1}
    assert exact(result, 0) == ("机动车驾驶人饮酒后驾驶机动车的，处暂扣几个月驾驶证？", ["一个月", "三个月", "六个月", "十二个月"], ["C"])
    assert exact(result, 2) == ("询问查证的时间一般不得超过几小时？", ["4小时", "8小时", "12小时", "24小时"], ["B"])
    assert exact(result, 3) == ("下列属于人民警察纪律要求的有哪些？", ["不得泄露国家秘密", "不得刑讯逼供", "不得经商", "可以酒驾"],
                                ["A", "B", "C"])
    assert exact(result, 4) == ("“三会一课”中的“一课”指的是什么？", ["党课", "团课", "业务课", "法制课"], ["A"])
    assert exact(result, 5) == ("党员应当按期交纳党费，这一说法对吗？", [], ["T"])
    # The user's columns win over the guess (the preview lets them correct it).
    mapped = read(path, columns={"stem": 1, "option_A": 2, "option_B": 3, "answer": 6})
    assert mapped.layouts[0].kind == "mapped" and mapped.questions[0].options == ["全心全意为人民服务", "维护社会稳定"]


def test_two_tables_on_one_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for row in [
        ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案"],
        ["单选题", "我国的首都是（ ）", "上海", "北京", "广州", "深圳", "B"],
        ["多选题", "直辖市有（ ）", "北京", "上海", "苏州", "重庆", "ABD"],
        ["单选题", "警衔设几等（ ）", "三等", "四等", "五等", "六等", "C"],
        ["二、简答题"],
        ["问题", "答案", "难度"],
        ["简述人民警察的宗旨。", "全心全意为人民服务。", "简单"],
        ["简述执法规范化的意义。", "提高执法公信力。", "困难"],
    ]:
        ws.append(row)
    path = tmp_path / "两张表.xlsx"
    wb.save(path)
    result = read(path)
    assert result.problems == []
    assert [(lay.kind, lay.columns) for lay in result.layouts] == [
        (LAYOUT_HEADER, {"type": 0, "stem": 1, "option_A": 2, "option_B": 3, "option_C": 4, "option_D": 5, "answer": 6}),
        (LAYOUT_HEADER, {"stem": 0, "answer": 1, "difficulty": 2})]
    assert by_type(result) == {"single": 2, "multiple": 1, "essay": 2}
    assert exact(result, 0) == ("我国的首都是（ ）", ["上海", "北京", "广州", "深圳"], ["B"])
    assert exact(result, 1) == ("直辖市有（ ）", ["北京", "上海", "苏州", "重庆"], ["A", "B", "D"])
    assert exact(result, 2) == ("警衔设几等（ ）", ["三等", "四等", "五等", "六等"], ["C"])
    assert exact(result, 3) == ("简述人民警察的宗旨。", [], ["全心全意为人民服务。"])
    assert exact(result, 4) == ("简述执法规范化的意义。", [], ["提高执法公信力。"])
    assert [q.difficulty for q in result.questions[3:]] == [1, 3]
    assert [q.source.row for q in result.questions] == [2, 3, 4, 7, 8]


def test_numbers_read_as_displayed(tmp_path: Path) -> None:
    path = tmp_path / "百分比.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["题型", "题干", "选项A", "选项B", "选项C", "答案"])
    formats_ = [book.add_format({"num_format": f}) for f in ("0.00%", "0%", "#,##0", "0.0")]
    sheet.write_row(1, 0, ["单选题", "增长率是多少？"])
    sheet.write(1, 2, 0.00001, formats_[0])
    sheet.write(1, 3, 0.35, formats_[1])
    sheet.write(1, 4, 12000, formats_[2])
    sheet.write(1, 5, "B")
    sheet.write_row(2, 0, ["单选题", "体温多少度算发热？"])
    sheet.write(2, 2, 37.3, formats_[3])
    sheet.write(2, 3, 36, formats_[3])
    sheet.write(2, 5, "A")
    book.close()
    result = read(path)
    assert result.problems == []
    assert [q.options for q in result.questions] == [["0.00%", "35%", "12,000"], ["37.3", "36.0"]]


def _red_font_sheet(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    red = Font(color="FFFF0000")
    blocks = [("1.人民警察的宗旨是（ ）", ["A.全心全意为人民服务", "B.维护稳定", "C.打击犯罪", "D.服务经济"], {0}),
              ("2.下列属于直辖市的有（ ）", ["A.北京", "B.上海", "C.广州", "D.重庆"], {0, 1, 3}),
              ("3.党员应当按期交纳党费", ["正确", "错误"], {0}),
              ("4.地球是方的", ["正确", "错误"], {1}),
              ("5.警衔设几等几级？", ["三等十级", "五等十三级", "四等十二级"], {1}),
              ("6.执法记录仪应当在什么时候开启？", ["A.开始执法时", "B.执法结束后"], {0})]
    row = 1
    for stem, options, correct in blocks:
        ws.cell(row, 1, stem)
        for k, text in enumerate(options):
            cell = ws.cell(row + 1 + k, 1, text)
            if k in correct:
                cell.font = red
        row += len(options) + 2
    wb.save(path)


def test_sheet_with_answers_marked_by_red_font(tmp_path: Path) -> None:
    path = tmp_path / "红色字体.xlsx"
    _red_font_sheet(path)
    result = read(path)
    assert result.problems == []
    (layout,) = result.layouts
    assert (layout.kind, layout.mark) == (LAYOUT_LINES, "font:FF0000")
    assert describe(layout).endswith("答案按红色字体读取")
    assert by_type(result) == {"single": 3, "multiple": 1, "judge": 2}
    assert exact(result, 0) == ("人民警察的宗旨是（ ）", ["全心全意为人民服务", "维护稳定", "打击犯罪", "服务经济"], ["A"])
    assert exact(result, 1) == ("下列属于直辖市的有（ ）", ["北京", "上海", "广州", "重庆"], ["A", "B", "D"])
    assert exact(result, 2) == ("党员应当按期交纳党费", [], ["T"])
    assert exact(result, 3) == ("地球是方的", [], ["F"])
    assert exact(result, 4) == ("警衔设几等几级？", ["三等十级", "五等十三级", "四等十二级"], ["B"])
    assert [q.source.row for q in result.questions[:3]] == [1, 7, 13]


def test_table_without_answer_column_marked_by_fill(tmp_path: Path) -> None:
    path = tmp_path / "底纹.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("单选题")
    yellow = book.add_format({"bg_color": "#FFFF00", "pattern": 1})
    sheet.write_row(0, 0, ["题干", "选项A", "选项B", "选项C"])
    rows = [("首都是（ ）", ["上海", "北京", "广州"], 1), ("最大的省是（ ）", ["新疆", "西藏", "青海"], 0),
            ("长江发源于（ ）", ["青海", "四川", "云南"], 0), ("黄河流入（ ）", ["东海", "渤海", "黄海"], 1),
            ("最高峰是（ ）", ["泰山", "黄山", "珠穆朗玛峰"], 2)]
    for r, (stem, options, correct) in enumerate(rows, start=1):
        sheet.write(r, 0, stem)
        for k, text in enumerate(options):
            sheet.write(r, 1 + k, text, yellow if k == correct else None)
    book.close()
    result = read(path)
    assert result.problems == []
    assert result.layouts[0].mark == "fill:FFFF00" and "黄色底纹" in describe(result.layouts[0])
    assert [exact(result, i) for i in range(5)] == [(stem, options, ["ABC"[c]]) for stem, options, c in rows]


# --- JSON Lines ------------------------------------------------------------------------------------


def test_jsonl_with_recognisable_fields(tmp_path: Path) -> None:
    path = tmp_path / "题库.jsonl"
    path.write_text(
        '{"题型": "单选题", "题干": "首都是（ ）", "选项": ["上海", "北京"], "答案": "B"}\n'
        '\n'
        '{"question": "Capital of France?", "options": ["Paris", "Rome"], "answer": "A"}\n'
        'not json\n'
        '{"type": "判断题", "stem": "地球是圆的", "answer": "对"}\n', encoding="utf-8")
    result = read(path)
    assert [(q.qtype, q.stem, q.options, q.answer, q.source.line) for q in result.questions] == [
        (QType.SINGLE, "首都是（ ）", ["上海", "北京"], ["B"], 1),
        (QType.SINGLE, "Capital of France?", ["Paris", "Rome"], ["A"], 3),
        (QType.JUDGE, "地球是圆的", [], ["T"], 5)]
    assert [(p.line, p.message.split("：")[0]) for p in result.problems] == [(4, "不是有效的JSON")]


def test_jsonl_without_recognisable_fields_reads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "日志.jsonl"
    path.write_text('{"ts": 1, "level": "info", "msg": "a"}\n{"ts": 2, "level": "warn", "msg": "b"}\n', encoding="utf-8")
    result = read(path)
    assert result.questions == [] and result.problems == []
    (layout,) = result.layouts
    assert layout.kind == "none" and "ts、level、msg" in layout.shape
