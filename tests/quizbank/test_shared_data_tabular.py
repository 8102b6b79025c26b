# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Real third-party banks from ../shared/data (see its SOURCES.md); skipped when absent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from base.problems import Severity
from quizbank import formats
from quizbank.model import ImportResult, QType

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def load(rel: str) -> tuple[Path, ImportResult]:
    path = DATA / rel
    if not path.is_file():
        pytest.skip(f"shared data file {rel} is not available")
    return path, formats.read(path)


def kinds(result: ImportResult) -> dict[QType, int]:
    return dict(Counter(q.qtype for q in result.questions))


def test_religion_xlsx() -> None:
    _path, result = load("religion-xlsx/题库.xlsx")
    assert result.problems == []
    assert len(result.questions) == 283
    assert kinds(result) == {QType.SINGLE: 162, QType.MULTIPLE: 65, QType.JUDGE: 56}
    q25 = next(q for q in result.questions if q.source.row == 26)
    assert q25.source.sheet == "建议格式"
    assert q25.options == ["2017年6月14日", "2017年8月26日", "2018年1月1日", "2018年2月1日"]
    # Numeric option cells stored as floats read as the integers Excel shows.
    assert not any(o.endswith(".0") for q in result.questions for o in q.options)
    assert all(o == o.strip() for q in result.questions for o in q.options)
    assert all(q.options == [] for q in result.questions if q.qtype is QType.JUDGE)


def test_exam_import_template() -> None:
    _path, result = load("exam-import-templates/FYHC1_试题导入模板.xlsx")
    assert result.problems == []
    assert kinds(result) == {QType.SINGLE: 3, QType.MULTIPLE: 2, QType.JUDGE: 2, QType.FILL: 2, QType.ESSAY: 1}
    first = result.questions[0]
    assert (first.options[0], first.difficulty) == ("java", 1)
    assert result.questions[1].options == ["3", "3.5", "4", "5"]
    fills = [q.blanks for q in result.questions if q.qtype is QType.FILL]
    assert fills == [[["true"], ["false"]], [["0"]]]


def test_jiakao_subject1_with_images() -> None:
    path, result = load("jiakao-kemu1-json/subject1/questions.json")
    assert result.problems == []
    assert len(result.questions) == 1325
    assert kinds(result) == {QType.SINGLE: 734, QType.JUDGE: 591}
    media = [m for q in result.questions for m in q.media]
    assert len(media) == 643
    assert all(Path(m).is_absolute() and Path(m).is_file() for m in media)
    assert all(Path(m).is_relative_to(path.parent.resolve()) for m in media)
    assert not any(o[:2] in ("A.", "B.", "C.", "D.") for q in result.questions for o in q.options)
    assert not any("<" in q.explanation for q in result.questions)


def test_jiakao_subject4_missing_images() -> None:
    _path, result = load("jiakao-kemu1-json/subject4/questions.json")
    assert len(result.questions) == 1128
    assert kinds(result) == {QType.JUDGE: 619, QType.SINGLE: 349, QType.MULTIPLE: 160}
    assert result.errors == []
    image_warnings = [p for p in result.warnings if p.field == "图片"]
    assert len(image_warnings) == 547
    assert all(p.severity is Severity.WARNING and p.row for p in image_warnings)


def test_jiakao_remote_images_are_not_fetched() -> None:
    _path, result = load("jiakao-kemu1-json/DataSubject1.json")
    assert len(result.questions) == 1325
    assert all(q.media == [] for q in result.questions)
    assert len(result.warnings) == 643


def test_xxqg_keyed_bank() -> None:
    _path, result = load("xxqg-tiku-json/题库_排序版.json")
    assert result.problems == []
    assert len(result.questions) == 9370
    assert kinds(result)[QType.JUDGE] == 1168
    assert not any("\u00a0" in q.stem for q in result.questions)
    assert sum("（\u3000）" in q.stem for q in result.questions) >= 9355


def test_dangjian_fill_bank() -> None:
    _path, result = load("dangjian-tk-json/tk.json")
    assert result.problems == []
    assert len(result.questions) == 675
    assert kinds(result)[QType.JUDGE] == 38
    assert sum(len(q.blanks) > 1 for q in result.questions) >= 17
