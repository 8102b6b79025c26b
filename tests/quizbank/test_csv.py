# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""CSV/TSV import/export: encodings, delimiters, row numbers, round trips, fuzzing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import questions

from base.problems import Problem, Severity
from quizbank import formats
from quizbank.formats import ReadOptions
from quizbank.formats.csvfile import decode, sniff_delimiter
from quizbank.model import ImportResult, QType, Question
from quizbank.template import EXAMPLES

_TEXT = st.text(alphabet="学习警察法律公安人民甲乙丙丁abcXYZ0123456789《》，。？\"'", min_size=1, max_size=12)


TEXT = "题型,题干,选项A,选项B,答案\n单选题,宪法是国家的（ ）,根本法,普通法,A\n判断题,警察应当守法,,,对\n"


def read(path: Path, **kw: object) -> ImportResult:
    return formats.read(path, ReadOptions(**kw))  # type: ignore[arg-type]


def check(result: ImportResult) -> None:
    assert result.problems == []
    assert [(q.qtype, q.answer, q.source.row) for q in result.questions] == [
        (QType.SINGLE, ["A"], 2), (QType.JUDGE, ["T"], 3)]
    assert result.questions[0].options == ["根本法", "普通法"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "题库.csv"
    path.write_bytes(TEXT.encode(encoding))
    check(read(path))


def test_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    result = read(path)
    check(result)
    assert result.questions[0].source.file == "bom.csv"


@pytest.mark.parametrize(("suffix", "delimiter"), [(".tsv", "\t"), (".csv", "\t"), (".csv", ";"), (".csv", "|")])
def test_delimiters(tmp_path: Path, suffix: str, delimiter: str) -> None:
    path = tmp_path / f"t{suffix}"
    path.write_text(TEXT.replace(",", delimiter), encoding="utf-8")
    check(read(path))


def test_sniffer_prefers_consistent_columns() -> None:
    text = "题干\t答案\t解析\n甲,乙\t丙\t丁\n戊\t己\t庚,辛\n"
    assert sniff_delimiter(text) == "\t"
    assert sniff_delimiter("", "\t") == "\t"
    assert sniff_delimiter("只有一列\n第二行\n") == ","


def test_quoted_multiline_cells_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes('题干,答案,解析\r\n"多行\r\n题干（ ）","甲；乙","第一行\r\n第二行"\r\n,,\r\n第二题（ ）,丙,\r\n'
                     .encode("gbk"))
    result = read(path)
    assert result.problems == []
    first, second = result.questions
    assert (first.stem, first.blanks, first.explanation) == ("多行\n题干（ ）", [["甲"], ["乙"]], "第一行\n第二行")
    assert (first.source.row, second.source.row, second.source.sheet) == (2, 4, None)


def test_nbsp_and_full_width_spaces_trimmed(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("题干,选项A,选项B,答案\n\u00a0问题\u3000,\u00a0甲 , 乙\u3000, b \n", encoding="utf-8")
    (q,) = read(path).questions
    assert (q.stem, q.options, q.answer) == ("问题", ["甲", "乙"], ["B"])


def test_problem_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("题型,题干,选项A,选项B,答案\n单选题,甲,一,二,\n单选题,乙,一,二,C\n", encoding="utf-8")
    result = read(path)
    assert result.questions == []
    assert [(p.file, p.row, p.field, p.message) for p in result.problems] == [
        ("t.csv", 2, "答案", "为空"), ("t.csv", 3, "答案", "“C”不是已有选项")]


def test_headerless_csv_with_mapping(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("宪法是（ ）,根本法\n公安机关是（ ）,行政\n", encoding="utf-8")
    result = read(path)
    assert result.questions == [] and [p.severity for p in result.problems] == [Severity.ERROR]
    mapped = read(path, columns={"stem": 0, "answer": 1})
    assert [(q.qtype, q.blanks, q.source.row) for q in mapped.questions] == [
        (QType.FILL, [["根本法"]], 1), (QType.FILL, [["行政"]], 2)]


def test_undecodable_bytes_warn(tmp_path: Path) -> None:
    text, ok = decode(b"\x81\x30\x81")
    assert not ok and text
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xff\xfe\x81\x30," * 3 + b"\n")
    result = read(path)
    assert result.warnings and result.warnings[0].row is None


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_round_trip_all_types(tmp_path: Path, suffix: str) -> None:
    qs = [*EXAMPLES, Question(QType.MULTIPLE, "带,逗号和\"引号\"", ["甲,乙", "丙"], ["A", "B"], tags=["x", "y"])]
    path = tmp_path / f"out{suffix}"
    formats.for_path(path, writing=True).write(path, qs)  # type: ignore[misc]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh, delimiter="\t" if suffix == ".tsv" else ","))
    assert header[:3] == ["题型", "题干", "选项A"] and header[-5:] == ["解析", "分类", "难度", "分值", "标签"]
    result = read(path)
    assert result.problems == [] and result.questions == qs


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qs=st.lists(questions(text=_TEXT), min_size=1, max_size=6))
def test_round_trip_property(tmp_path: Path, qs: list[Question]) -> None:
    path = tmp_path / "rt.csv"
    formats.for_path(path, writing=True).write(path, qs)  # type: ignore[misc]
    assert read(path).questions == qs


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    result = read(path)
    assert all(isinstance(p, Problem) for p in result.problems)
    read(path, columns={"stem": 0, "answer": 1, "type": 2})


_CELL = st.one_of(st.sampled_from(["题干", "答案", "选项A", "选项B", "题型", "A", "AB", "正确", "单选", "", "×"]),
                  st.text(max_size=8))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=st.lists(st.lists(_CELL, max_size=6), max_size=10), delimiter=st.sampled_from([",", "\t", ";"]))
def test_random_grids_never_raise(tmp_path: Path, grid: list[list[str]], delimiter: str) -> None:
    path = tmp_path / "grid.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(grid)
    result = read(path)
    assert all(isinstance(q, Question) for q in result.questions)
    assert all(isinstance(p, Problem) for p in result.problems)


def test_preview_for_column_mapping(tmp_path: Path) -> None:
    from quizbank.formats.csvfile import preview

    path = tmp_path / "t.csv"
    path.write_bytes("宪法是（ ）;根本法\n公安机关是（ ）;\u3000行政\n".encode("gbk"))
    assert preview(path, limit=1) == [["宪法是（ ）", "根本法"]]
    assert preview(path)[1] == ["公安机关是（ ）", "行政"]
