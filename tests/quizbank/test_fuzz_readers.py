# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Hypothesis fuzzing of every text reader (numbered text, CSV, GIFT, Aiken, Moodle XML, JSON, JSONL):
whatever the text, reading never raises, every question it gives is usable (a stem, an answer, at
most 8 options) and every problem names the file."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizbank import formats
from quizbank.formats import ReadOptions
from quizbank.model import MAX_OPTIONS, ImportResult

_counter = itertools.count()

# Pieces each format's parser reacts to, mixed with arbitrary text.
PIECES = {
    "txt": ["1.", "2、", "3\t", "9.2025年", "（1）", "第2题", "A.", "B、", "(C)", "Ｄ．", "E.", "H.", "答案：", "正确答案：",
            "【答案】", "解析：", "难度：", "一、单选题", "判断题", "--- 《党章》 ---", "（ B ）", "( ABC )", "（√）", "×",
            "\t", "\u3000", "\u00a0", " ", "\n", "\n\n", "甲", "对", "错"],
    "csv": ["题型", "题干", "选项A", "答案", "问题", "难度", ",", "\t", ";", "|", '"', "\n", "单选", "判断", "A", "ABC",
            "正确", "0.5", "二、简答题", "简单"],
    "gift": ["::", "{", "}", "=", "~", "#", "->", "%50%", "TRUE", "FALSE", "\\", "\n\n", "// ", "$CATEGORY:", "[html]",
             "题", "答"],
    "aiken": ["A)", "B.", "C、", "ANSWER:", "答案：", "ANSWER: A", "\n", "\n\n", "题干", "选项"],
    "xml": ["<quiz>", "</quiz>", '<question type="multichoice">', "</question>", "<questiontext>", "</questiontext>",
            "<text>", "</text>", '<answer fraction="100">', "</answer>", "<name>", "</name>", "&amp;", "<![CDATA[",
            "]]>", "题"],
    "json": ["[", "]", "{", "}", '"题干"', '"answer"', '"选项"', '"A"', ":", ",", '"单选"', "1", "null", '"x"',
             '{"questions": [', '"studyhall": 1'],
    "jsonl": ['{"题干": "甲", "答案": "A", "选项": ["x", "y"]}', '{"question": "q", "answer": "对"}', "{", "}", "\n",
              '"题干"', ":", ",", "null", "[]", '{"a": 1}'],
}
SUFFIX = {"txt": ".txt", "csv": ".csv", "gift": ".gift", "aiken": ".aiken", "xml": ".xml", "json": ".json",
          "jsonl": ".jsonl"}
FORMAT = {"txt": "txt", "csv": "csv", "gift": "gift", "aiken": "aiken", "xml": "moodlexml", "json": "json",
          "jsonl": "jsonl"}


def texts(kind: str) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(PIECES[kind]), st.text(max_size=8))
    return st.lists(piece, max_size=60).map("".join)


def check(result: ImportResult, name: str) -> None:
    for q in result.questions:
        assert q.problems() == [], q
        assert len(q.options) <= MAX_OPTIONS and q.stem.strip()
        assert q.source.file == name
    for p in result.problems:
        assert p.file == name and p.message


@pytest.mark.parametrize("kind", sorted(PIECES))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_text_readers_never_raise_nor_invent(tmp_path: Path, kind: str, data: st.DataObject) -> None:
    text = data.draw(texts(kind))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    path = tmp_path / f"fuzz{next(_counter)}{SUFFIX[kind]}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    spec = formats.by_name(FORMAT[kind])
    assert spec.read is not None
    check(spec.read(path, ReadOptions()), path.name)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES["txt"]), st.text(max_size=6)), max_size=40))
def test_fuzz_blocks_mode(pieces: list[str]) -> None:
    """One text per row with blank rows between questions, and random formatting marks."""
    from quizbank.numbered import Line, parse_lines

    lines = []
    for i, text in enumerate("".join(pieces).split("\n"), start=1):
        lines.append(Line(i, text, marks=frozenset({"font:FF0000"}) if i % 3 == 0 else frozenset()))
    result = parse_lines(lines, "块.xlsx", sheet="Sheet1", by_row=True, blocks=True)
    check(result, "块.xlsx")
    assert all(q.source.row is not None and q.source.line is None for q in result.questions)
