# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Issue 15 in the import pipeline: finding no question is a refusal with a hint (no empty bank),
a file over a limit is refused even with skip_invalid, and duplicates need the same answer and
the same pictures (a driving-test bank asks the same question about different pictures)."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

from base.limits import LIMIT
from core.bank.importing import import_files
from quizbank.model import NO_QUESTIONS
from tests.bank.conftest import GOOD_ROWS, bank_count, write_xlsx


def png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1×1 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes([0, *rgb])))
            + chunk(b"IEND", b""))


def test_driving_test_questions_differ_by_picture_and_answer(db, tmp_path: Path) -> None:
    (tmp_path / "signs").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "signs" / "left.png").write_bytes(png((255, 0, 0)))
    (tmp_path / "signs" / "right.png").write_bytes(png((0, 0, 255)))
    (tmp_path / "signs" / "left-copy.png").write_bytes(png((255, 0, 0)))    # same picture, another name
    stem, options = "这个标志是何含义？", ["向左转弯", "向右转弯", "禁止通行", "注意行人"]
    items = [
        {"题干": stem, "选项": options, "答案": "A", "图片": "signs/left.png"},
        {"题干": stem, "选项": options, "答案": "B", "图片": "signs/right.png"},
        {"题干": stem, "选项": options, "答案": "A", "图片": "signs/left-copy.png"},   # the first again
        {"题干": stem, "选项": options, "答案": "C", "图片": "signs/left.png"},        # same picture, other answer
        {"题干": stem, "选项": options, "答案": "A"},                                  # no picture
    ]
    path = tmp_path / "科目一.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    report = import_files(db, [path], bank="驾考", media_store=tmp_path / "media")
    assert report.stored and (report.imported, report.duplicates) == (4, 1)
    (dup,) = [p for p in report.problems if "重复" in p.message]
    assert dup.row == 3 and "第1行" in dup.message
    # Again into the same bank: every one is there already (answers and stored pictures compared).
    again = import_files(db, [path], bank="驾考", media_store=tmp_path / "media")
    assert (again.imported, again.duplicates) == (0, 5) and bank_count(db, "驾考") == 4


def test_a_file_with_no_question_is_refused_with_a_hint(db, tmp_path: Path) -> None:
    notes = tmp_path / "会议记录.txt"
    notes.write_text("今天开会，传达了上级精神。\n大家表示要认真落实。\n", encoding="utf-8")
    for dry_run in (True, False):
        report = import_files(db, [notes], bank="会议", dry_run=dry_run, skip_invalid=True)
        assert report.empty and not report.stored and report.imported == 0
        (refusal,) = [p for p in report.problems if p.code == NO_QUESTIONS]
        assert refusal.file == "会议记录.txt" and "2 行文字：0 处题号" in refusal.message
        assert "能读的版式" in refusal.message and "JSONL" in refusal.message
        assert report.summary() == "未导入：没有读到任何试题"
    assert report.refused and bank_count(db, "会议") is None


def test_no_empty_bank_when_every_question_has_errors(db, tmp_path: Path) -> None:
    bad = ["单选题", "没有答案的题。", "甲", "乙", "", "", "", "", ""]
    path = write_xlsx(tmp_path / "全错.xlsx", [bad, bad[:1] + ["另一道没有答案的题。"] + bad[2:]])
    report = import_files(db, [path], bank="全错", skip_invalid=True)
    assert report.empty and report.refused and bank_count(db, "全错") is None
    assert not any(p.code == NO_QUESTIONS for p in report.problems)      # the located errors say why
    assert report.summary() == "未导入：发现2个错误，请修正后重试"


def test_a_limit_refuses_the_file_even_with_skip_invalid(db, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "远处.xlsx", GOOD_ROWS)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["XFD5"] = "远处的一格"
    wb.save(path)
    good = write_xlsx(tmp_path / "好的.xlsx", GOOD_ROWS)
    report = import_files(db, [good, path], bank="限制", skip_invalid=True)
    assert report.refused and not report.stored and bank_count(db, "限制") is None
    (limit,) = [p for p in report.problems if p.code == LIMIT]
    assert (limit.file, limit.sheet) == ("远处.xlsx", "题库") and "XFD" in limit.message
