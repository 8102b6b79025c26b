# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Spreadsheet import/export: header detection, layout quirks, cell display, answers, template."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import questions

from base.problems import Problem, Severity
from base.progress import Cancelled, CancelToken
from quizbank import formats
from quizbank.formats import ReadOptions, UnsupportedFormat
from quizbank.model import ImportResult, QType, Question
from quizbank.template import EXAMPLES, write_template

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案"]


def make_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None,
              formats_: dict[tuple[str, str], str] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    for (sheet, ref), fmt in (formats_ or {}).items():
        wb[sheet][ref].number_format = fmt
    wb.save(path)
    return path


def read(path: Path, **kw: object) -> ImportResult:
    return formats.read(path, ReadOptions(**kw))  # type: ignore[arg-type]


def one(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Question:
    result = read(make_xlsx(path, {"Sheet1": [header, *rows]}))
    assert result.problems == []
    assert len(result.questions) == 1
    return result.questions[0]


def test_basic_sheet_with_source_and_row_numbers(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "题库.xlsx", {"Sheet1": [
        HEADER,
        ["单选题", "人民警察的宗旨是（ ）", "为人民服务", "维护稳定", "打击犯罪", "服务经济", "A"],
        ["多选题", "下列正确的有", "甲", "乙", "丙", "丁", "ABD"],
        ["判断题", "警察应当依法履职", "", "", "", "", "正确"],
        ["填空题", "公安机关是（ ）机关", "", "", "", "", "行政"],
        ["简答题", "简述使用警械的条件", "", "", "", "", ""],
    ]})
    result = read(path)
    assert result.problems == []
    assert [q.qtype for q in result.questions] == list(QType)
    first = result.questions[0]
    assert first.answer == ["A"] and first.options[0] == "为人民服务"
    assert (first.source.file, first.source.sheet, first.source.row) == ("题库.xlsx", "Sheet1", 2)
    assert result.questions[4].source.row == 6


def test_empty_answer_problem_is_located(tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER] + [["单选题", f"题{i}", "甲", "乙", "", "", "B"] for i in range(2, 65)]
    rows.append(["单选题", "第65行的题", "甲", "乙", "", "", ""])
    result = read(make_xlsx(tmp_path / "题库.xlsx", {"建议格式": rows}))
    assert len(result.questions) == 63
    assert result.problems == [Problem(file="题库.xlsx", message="为空", severity=Severity.ERROR,
                                       sheet="建议格式", row=65, field="答案")]


def test_merged_title_row_and_header_in_row_3(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["2024年度法律知识竞赛题库"],
        ["序号", "1", "2", "3", "4", "5", "6", "7"],
        ["序号", "题型", "题干", "选项A", "选项B", "选项C", "答案", "来源"],
        [1, "单选", "宪法是国家的（ ）", "根本法", "普通法", "部门法", "A", "宪法"],
    ]}, merges={"Sheet1": ["A1:H1"]})
    result = read(path)
    assert result.problems == []
    (q,) = result.questions
    assert q.stem == "宪法是国家的（ ）" and q.options == ["根本法", "普通法", "部门法"] and q.source.row == 4


def test_columns_in_any_order_and_synonyms(tmp_path: Path) -> None:
    header = ["正确答案（必填）", "D选项", "*问题内容", "选项一", "B", "C选项",
              "知识点", "难易程度", "分数", "标签", "答案解析"]
    row: list[object] = ["C", "丁", "哪个对", "甲", "乙", "丙", "刑法", "难", 2, "重点，刑法", "因为"]
    q = one(tmp_path / "t.xlsx", [row], header)
    assert q.options == ["甲", "乙", "丙", "丁"] and q.answer == ["C"] and q.qtype is QType.SINGLE
    assert (q.category, q.difficulty, q.score, q.tags, q.explanation) == ("刑法", 3, 2.0, ["重点", "刑法"], "因为")


def test_english_headers(tmp_path: Path) -> None:
    header = ["Question", "Option A", "Option B", "Answer", "Type", "Difficulty"]
    q = one(tmp_path / "t.xlsx", [["Which?", "x", "y", "b", "single", "easy"]], header)
    assert (q.qtype, q.answer, q.difficulty) == (QType.SINGLE, ["B"], 1)


def test_type_named_sheets(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {
        "单选题": [["题目（必填）", "选项A（必填）", "选项B（必填）", "正确选项（必填）", "解析"],
                ["甲还是乙", "甲", "乙", "A", ""]],
        "多选题": [["题目", "选项A", "选项B", "选项C", "正确选项"], ["选两个", "甲", "乙", "丙", "A,C"]],
        "判断题": [["题目", "正确选项"], ["天是蓝的", "对"]],
        "填空题": [["题目", "答案"], ["（ ）是首都", "北京"]],
        "简答题": [["题目", "答案"], ["谈谈体会", ""]],
    })
    result = read(path)
    assert result.problems == []
    assert [q.qtype for q in result.questions] == list(QType)
    assert result.questions[1].answer == ["A", "C"] and result.questions[2].answer == ["T"]


def test_two_tables_in_one_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["题干", "选项A", "选项B", "答案"],
        ["第一题", "甲", "乙", "A"],
        ["第二题", "甲", "乙", "B"],
        [],
        ["二、判断题"],
        ["答案", "题目", "类型"],
        ["错", "地球是方的", "判断"],
    ]})
    result = read(path)
    assert result.problems == []
    assert [(q.qtype, q.answer, q.source.row) for q in result.questions] == [
        (QType.SINGLE, ["A"], 2), (QType.SINGLE, ["B"], 3), (QType.JUDGE, ["F"], 7)]


def test_blank_rows_between_questions_keep_the_table(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["题干", "答案"], ["甲（ ）", "一"], [], [None, ""], ["乙（ ）", "二"], [], ["丙（ ）", "三"]]})
    result = read(path)
    assert result.problems == []
    assert [q.blanks for q in result.questions] == [[["一"]], [["二"]], [["三"]]]
    assert [q.source.row for q in result.questions] == [2, 5, 7]


def test_headerless_sheet_needs_mapping(tmp_path: Path) -> None:
    rows: list[list[object]] = [["单选", "宪法是（ ）", "根本法", "普通法", "A"],
                                ["判断", "警察要守法", "", "", "对"]]
    path = make_xlsx(tmp_path / "t.xlsx", {"数据": rows, "另一页": rows})
    result = read(path)
    assert result.questions == []
    assert [(p.sheet, p.severity, p.row) for p in result.problems] == [
        ("数据", Severity.ERROR, None), ("另一页", Severity.ERROR, None)]
    assert "表头" in result.problems[0].message
    mapped = read(path, columns={"type": 0, "stem": 1, "option_A": 2, "option_B": 3, "answer": 4})
    assert mapped.problems == []
    assert [(q.qtype, q.answer, q.source.row) for q in mapped.questions] == [
        (QType.SINGLE, ["A"], 1), (QType.JUDGE, ["T"], 2)] * 2


def test_cells_read_as_displayed(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        HEADER,
        ["单选", "哪天施行", dt.datetime(2017, 6, 14), dt.date(2018, 2, 1), 1999.0, 3.5, "D"],
        ["单选", "\u00a0前后有空格\u3000", " \u00a0java", "a\u3000\u3000b", 1e3, 0.1 + 0.2, " b "],
    ]}, formats_={("Sheet1", "C2"): 'yyyy"年"m"月"d"日"', ("Sheet1", "D2"): 'yyyy"年"m"月"d"日"'})
    result = read(path)
    assert result.problems == []
    first, second = result.questions
    assert first.options == ["2017年6月14日", "2018年2月1日", "1999", "3.5"]
    assert second.stem == "前后有空格" and second.options == ["java", "a b", "1000", "0.3"]
    assert second.answer == ["B"]


@pytest.mark.parametrize(("answer", "options", "qtype", "expected"), [
    ("A、B、D", ["甲", "乙", "丙", "丁"], None, (QType.MULTIPLE, ["A", "B", "D"])),
    ("A,B", ["甲", "乙", "丙"], "多选题", (QType.MULTIPLE, ["A", "B"])),
    (" b ", ["甲", "乙"], "单选题", (QType.SINGLE, ["B"])),
    ("丙", ["甲", "乙", "丙"], None, (QType.SINGLE, ["C"])),
    ("对", [], None, (QType.JUDGE, ["T"])),
    ("错", [], "判断题", (QType.JUDGE, ["F"])),
    ("√", [], None, (QType.JUDGE, ["T"])),
    ("×", [], "判断题", (QType.JUDGE, ["F"])),
    ("B", ["正确", "错误"], "判断题", (QType.JUDGE, ["F"])),
    ("A", ["正确", "错误"], None, (QType.JUDGE, ["T"])),
    ("正确", ["正确", "错误"], "判断", (QType.JUDGE, ["T"])),
])
def test_answer_spellings(tmp_path: Path, answer: str, options: list[str], qtype: str | None,
                          expected: tuple[QType, list[str]]) -> None:
    opts = (options + ["", "", "", ""])[:4]
    q = one(tmp_path / "t.xlsx", [[qtype or "", "题干", *opts, answer]])
    assert (q.qtype, q.answer) == expected


def test_stem_with_times_sign_is_not_false(tmp_path: Path) -> None:
    q = one(tmp_path / "t.xlsx", [["", "3×4等于（ ）", "", "", "", "", "12"]])
    assert (q.qtype, q.blanks, q.stem) == (QType.FILL, [["12"]], "3×4等于（ ）")
    q = one(tmp_path / "t2.xlsx", [["", "住房评估值×抵借比是（ ）", "贷款额", "首付", "", "", "A"]])
    assert (q.qtype, q.answer) == (QType.SINGLE, ["A"])


def test_fill_answers_with_blanks_and_alternatives(tmp_path: Path) -> None:
    q = one(tmp_path / "t.xlsx", [["填空题", "（ ）和（ ）", "", "", "", "", "公安/警察；人民"]])
    assert q.blanks == [["公安", "警察"], ["人民"]]


def test_fill_answers_in_option_columns(tmp_path: Path) -> None:
    q = one(tmp_path / "t.xlsx", [["填空题", "值为___和___", "true", "false", "", "", ""]])
    assert (q.qtype, q.options, q.blanks) == (QType.FILL, [], [["true"], ["false"]])


def test_difficulty_scales(tmp_path: Path) -> None:
    header = ["题干", "答案", "难度"]
    path = make_xlsx(tmp_path / "a.xlsx", {"填空题": [header, ["a", "x", "易"], ["b", "x", "中"], ["c", "x", 3]]})
    assert [q.difficulty for q in read(path).questions] == [1, 2, 3]
    path = make_xlsx(tmp_path / "b.xlsx", {"填空题": [header, ["a", "x", 1], ["b", "x", 2], ["c", "x", 3],
                                                     ["d", "x", 5]]})
    assert [q.difficulty for q in read(path).questions] == [1, 1, 2, 3]
    path = make_xlsx(tmp_path / "c.xlsx", {"填空题": [header, ["a", "x", "超难"]]})
    result = read(path)
    assert len(result.questions) == 1 and result.questions[0].difficulty == 2
    assert [(p.severity, p.field) for p in result.problems] == [(Severity.WARNING, "难度")]


def test_bad_rows_are_reported_not_imported(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        HEADER,
        ["单选题", "", "甲", "乙", "", "", "A"],
        ["单选题", "只有一个选项", "甲", "", "", "", "A"],
        ["判断题", "回答不清", "", "", "", "", "也许"],
        ["神秘题", "类型不明", "甲", "乙", "", "", "B"],
    ]})
    result = read(path)
    assert [(p.row, p.field, p.severity) for p in result.problems] == [
        (2, "题干", Severity.ERROR), (3, "选项", Severity.ERROR), (4, "答案", Severity.ERROR),
        (5, "题型", Severity.WARNING)]
    assert [q.stem for q in result.questions] == ["类型不明"]


def test_progress_and_cancel(tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER] + [["单选题", f"题{i}", "甲", "乙", "", "", "A"] for i in range(1200)]
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": rows})
    seen: list[tuple[int, int]] = []
    result = read(path, progress=lambda d, t, label: seen.append((d, t)))
    assert len(result.questions) == 1200
    assert len(seen) >= 3 and seen[-1][0] == seen[-1][1] == 1201
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        read(path, cancel=token)


def test_damaged_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = read(path)
    assert result.questions == [] and len(result.errors) == 1 and result.errors[0].file == "坏.xlsx"


def test_xlsx_round_trip_all_types(tmp_path: Path) -> None:
    qs = [*EXAMPLES, Question(QType.JUDGE, "错的说法", answer=["F"], tags=["a", "b"], difficulty=1),
          Question(QType.MULTIPLE, "八个选项", [f"选{i}" for i in range(8)], ["A", "H"], score=0.5),
          Question(QType.ESSAY, "无参考答案", explanation="多行\n解析")]
    path = tmp_path / "out.xlsx"
    formats.for_path(path, writing=True).write(path, qs)  # type: ignore[misc]
    result = read(path)
    assert result.problems == [] and result.questions == qs


def test_only_xlsx_is_written(tmp_path: Path) -> None:
    spec = formats.for_path(tmp_path / "a.xls", writing=True)
    with pytest.raises(UnsupportedFormat):
        spec.write(tmp_path / "a.xls", EXAMPLES)  # type: ignore[misc]


def test_template_reads_back_without_problems(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "模板.xlsx"
    write_template(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["题库", "填写说明"]
    lists = sorted(dv.formula1 for dv in wb["题库"].data_validations.dataValidation)
    assert lists == ['"单选题,多选题,判断题,填空题,简答题"', '"简单,中等,困难"']
    result = read(path)
    assert result.problems == []
    assert result.questions == EXAMPLES and {q.qtype for q in EXAMPLES} == set(QType)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qs=st.lists(questions(), min_size=1, max_size=6))
def test_xlsx_round_trip_property(tmp_path: Path, qs: list[Question]) -> None:
    path = tmp_path / "rt.xlsx"
    formats.for_path(path, writing=True).write(path, qs)  # type: ignore[misc]
    assert read(path).questions == qs


_CELL = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                  st.booleans(), st.sampled_from(["题干", "答案", "选项A", "A", "单选", "判断", "正确", "×", ""]),
                  st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=10))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=st.lists(st.lists(_CELL, max_size=8), max_size=12))
def test_random_grids_never_raise(tmp_path: Path, grid: list[list[object]]) -> None:
    path = make_xlsx(tmp_path / "fuzz.xlsx", {"Sheet1": grid})
    result = read(path)
    assert all(isinstance(p, Problem) for p in result.problems)
    mapped = read(path, columns={"stem": 0, "answer": 1, "option_A": 2, "option_B": 3, "type": 4})
    assert all(isinstance(q, Question) for q in mapped.questions)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_xlsx_never_raise(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    assert read(path).questions == []


def test_every_message_has_an_english_entry() -> None:
    catalog = json.loads((ROOT / "resources/translations/en/quizbank_tabular.json").read_text("utf-8"))
    sources = ["quizbank/columns.py", "quizbank/template.py", "quizbank/formats/spreadsheet.py",
               "quizbank/formats/csvfile.py", "quizbank/formats/jsonbank.py"]
    missing = []
    for rel in sources:
        for node in ast.walk(ast.parse((ROOT / rel).read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value not in catalog):
                missing.append((rel, node.args[0].value))
    assert missing == []


def test_vertically_merged_type_cells_and_two_line_header(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["题型", "题干", "选项", None, "答案"],
        [None, None, "A", "B", None],
        ["判断题", "天是蓝的", "", "", "对"],
        [None, "地是方的", "", "", "错"],
        ["单选题", "选甲", "甲", "乙", "A"],
    ]}, merges={"Sheet1": ["A1:A2", "B1:B2", "C1:D1", "E1:E2", "A3:A4"]})
    result = read(path)
    assert result.problems == []
    assert [(q.qtype, q.answer, q.options, q.source.row) for q in result.questions] == [
        (QType.JUDGE, ["T"], [], 3), (QType.JUDGE, ["F"], [], 4), (QType.SINGLE, ["A"], ["甲", "乙"], 5)]


def test_mapping_wins_over_headers_and_skips_header_rows(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["题干", "甲项", "乙项", "答案"],
        ["选哪个", "一", "二", "B"],
        [],
        ["题干", "答案", "", ""],
        ["再选", "三", "四", "A"],
    ]})
    # 甲项/乙项 are not option names: without a mapping the rows read as fill-in questions.
    assert {q.qtype for q in read(path).questions} == {QType.FILL}
    mapped = read(path, columns={"stem": 0, "option_A": 1, "option_B": 2, "answer": 3})
    assert mapped.problems == []
    assert [(q.options, q.answer, q.source.row) for q in mapped.questions] == [
        (["一", "二"], ["B"], 2), (["三", "四"], ["A"], 5)]


def test_preview_for_column_mapping(tmp_path: Path) -> None:
    from quizbank.formats.spreadsheet import preview

    rows: list[list[object]] = [["宪法是（ ）", 1999.0, dt.date(2017, 6, 14)]] * 30
    path = make_xlsx(tmp_path / "t.xlsx", {"数据": rows, "空": []})
    (name, grid), (empty_name, empty) = preview(path, limit=5)
    assert (name, len(grid), grid[0]) == ("数据", 5, ["宪法是（ ）", "1999", "2017年6月14日"])
    assert (empty_name, empty) == ("空", [])


def test_english_sheet_names_only_give_a_type_when_exact(tmp_path: Path) -> None:
    rows: list[list[object]] = [["题干", "答案"], ["说法正确吗", "正确"], ["（ ）是首都", "北京"]]
    result = read(make_xlsx(tmp_path / "t.xlsx", {"Staff": rows, "fill": rows}))
    assert [q.qtype for q in result.questions] == [QType.JUDGE, QType.FILL, QType.FILL, QType.FILL]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=st.integers(0, 4), left=st.integers(0, 4), height=st.integers(1, 12), width=st.integers(1, 6),
       holes=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 5)), max_size=10))
def test_chunked_sheet_rows_equal_the_whole_grid(tmp_path: Path, top: int, left: int, height: int, width: int,
                                                 holes: set[tuple[int, int]]) -> None:
    """sheet_rows (read in chunks, GIL free between them) gives exactly to_python's grid from A1."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from quizbank.formats import spreadsheet

    wb = Workbook()
    ws = wb.active
    for r in range(height):
        for c in range(width):
            if (r, c) not in holes:
                ws.cell(row=top + r + 1, column=left + c + 1, value=f"{r}-{c}" if (r + c) % 3 else r * 10 + c)
    path = tmp_path / f"grid-{top}-{left}-{height}-{width}-{len(holes)}.xlsx"
    wb.save(path)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    old = spreadsheet.READ_CHUNK
    spreadsheet.READ_CHUNK = 3          # several chunks even for small grids
    try:
        assert spreadsheet.sheet_rows(sheet) == sheet.to_python(skip_empty_area=False)
    finally:
        spreadsheet.READ_CHUNK = old
