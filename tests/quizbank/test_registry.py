# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The format registry: discovery, choice by extension and content, the file-dialog filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizbank import formats

AIKEN = "哪个是首都？\nA) 北京\nB) 上海\nANSWER: A\n"
NUMBERED = "一、单选题\n1. 哪个是首都？\nA. 北京\nB. 上海\n答案：A\n"


def test_every_format_is_discovered() -> None:
    assert set(formats.formats()) >= {"xlsx", "csv", "json", "docx", "txt", "gift", "aiken", "moodlexml"}


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("bank.txt", AIKEN, "aiken"),
    ("bank.txt", NUMBERED, "txt"),
    ("bank.gift.txt", "::q:: 1+1 {=2 ~3}\n", "gift"),
    ("bank.aiken", AIKEN, "aiken"),
])
def test_choice_by_extension_and_content(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert formats.for_path(path).name == expected
    assert formats.read(path).questions[0].options[:2] == ["北京", "上海"] if expected != "gift" else True


def test_writing_txt_uses_the_numbered_list_format(tmp_path: Path) -> None:
    assert formats.for_path(tmp_path / "out.txt", writing=True).name == "txt"


def test_unknown_type_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(formats.UnsupportedFormat, match="不支持的文件类型“.pdf”：题库.pdf"):
        formats.for_path(tmp_path / "题库.pdf")
    with pytest.raises(formats.UnsupportedFormat, match="可选"):
        formats.by_name("nope")


def test_dialog_filter_lists_every_readable_extension() -> None:
    text = formats.file_dialog_filter()
    for ext in formats.readable_extensions():
        assert f"*{ext}" in text
