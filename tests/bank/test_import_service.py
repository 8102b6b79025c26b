# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The shared import pipeline: all-or-nothing, skip_invalid, duplicates, dry-run, media."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from base.problems import Severity
from core.bank.importing import import_files
from core.infra.audit import entries
from core.models import QuestionRow
from tests.bank.conftest import GOOD_ROWS, bank_count, write_xlsx

BAD_ROW = ["单选题", "这道题没有答案，应当报错。", "甲", "乙", "丙", "丁", "", "", ""]


def test_errors_refuse_everything_and_store_nothing(db, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "题库.xlsx", [*GOOD_ROWS, BAD_ROW])
    report = import_files(db, [path], bank="测试库", media_store=tmp_path / "media")
    assert report.refused and not report.stored and report.imported == 0
    errors = report.errors
    assert errors and errors[0].row == 6 and errors[0].file == "题库.xlsx" and errors[0].field == "答案"
    assert "第6行" in str(errors[0])
    assert bank_count(db, "测试库") is None
    assert "未导入" in report.summary()


def test_skip_invalid_stores_the_valid_questions(db, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "题库.xlsx", [*GOOD_ROWS, BAD_ROW])
    report = import_files(db, [path], bank="测试库", skip_invalid=True)
    assert report.stored and not report.refused
    assert report.imported == 4
    assert report.by_type == {"single": 1, "multiple": 1, "judge": 1, "fill": 1}
    assert bank_count(db, "测试库") == 4
    with db.transaction() as s:
        row = s.scalar(select(QuestionRow).where(QuestionRow.qtype == "multiple"))
        assert row is not None and row.answer == ["A", "B", "C"] and row.category == "纪律"
        assert [e.action for e in entries(s, action_prefix="bank.")] == ["bank.import"]


def test_duplicates_in_file_and_against_the_bank(db, tmp_path: Path) -> None:
    dup = list(GOOD_ROWS[0])
    dup[1] = "  " + dup[1].replace("？", "?") + " "      # same stem once normalised
    path = write_xlsx(tmp_path / "a.xlsx", [*GOOD_ROWS, dup])
    first = import_files(db, [path], bank="库")
    assert (first.imported, first.duplicates) == (4, 1)
    dup_warning = [p for p in first.problems if p.severity is Severity.WARNING and p.row == 6]
    assert dup_warning and "第2行" in dup_warning[0].message
    again = import_files(db, [path], bank="库")
    assert (again.imported, again.duplicates) == (0, 5) and again.stored
    assert bank_count(db, "库") == 4
    assert "跳过重复 5 题" in again.summary()


def test_a_stem_on_two_lines_is_a_duplicate_of_its_copy_on_one(db, tmp_path: Path) -> None:
    # Rows whose cells are all clean texts are hashed without the white-space pass; a block holding
    # one cell that needed cleaning (a line break, a tab) must still get it, in the file and against
    # the bank, whichever of the two comes first.
    one_line = [*GOOD_ROWS[0][:1], "饮酒后驾驶机动车的 处暂扣几个月机动车驾驶证？", *GOOD_ROWS[0][2:]]
    two_lines = [*GOOD_ROWS[0][:1], "饮酒后驾驶机动车的\n处暂扣几个月机动车驾驶证？", *GOOD_ROWS[0][2:]]
    tabbed = [*GOOD_ROWS[0][:1], one_line[1], "一个月", "三个月", "六个月\t", *GOOD_ROWS[0][5:]]
    both = import_files(db, [write_xlsx(tmp_path / "both.xlsx", [one_line, two_lines])], bank="同一文件")
    assert (both.imported, both.duplicates) == (1, 1)
    first = import_files(db, [write_xlsx(tmp_path / "clean.xlsx", [one_line, *GOOD_ROWS[1:]])], bank="库")
    assert (first.imported, first.duplicates) == (4, 0)
    again = import_files(db, [write_xlsx(tmp_path / "lines.xlsx", [two_lines]),
                              write_xlsx(tmp_path / "tab.xlsx", [tabbed])], bank="库")
    assert (again.imported, again.duplicates) == (0, 2)
    reverse = import_files(db, [write_xlsx(tmp_path / "lines2.xlsx", [two_lines])], bank="倒序")
    later = import_files(db, [write_xlsx(tmp_path / "clean2.xlsx", [one_line])], bank="倒序")
    assert (reverse.imported, later.imported, later.duplicates) == (1, 0, 1)


def test_dry_run_stores_nothing(db, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", GOOD_ROWS)
    report = import_files(db, [path], bank="库", dry_run=True)
    assert report.imported == 4 and report.dry_run and not report.stored and not report.refused
    assert bank_count(db, "库") is None
    assert report.summary().startswith("可导入 4 题")


def test_category_fills_only_empty_categories(db, tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][8] = ""
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    import_files(db, [path], bank="库", category="默认分类")
    with db.transaction() as s:
        cats = sorted(s.scalars(select(QuestionRow.category)))
    assert cats == ["党建", "党建", "纪律", "默认分类"]


def _json_bank(folder: Path, image: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = [{"题干": "图中标志表示什么？", "选项": ["禁止通行", "注意行人"], "答案": "A", "图片": image},
            {"题干": "机动车应当靠右行驶。", "答案": "正确"}]
    path = folder / "bank.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_media_is_copied_into_the_store(db, tmp_path: Path) -> None:
    folder = tmp_path / "src"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "sign.png").write_bytes(b"\x89PNG fake image bytes")
    path = _json_bank(folder, "images/sign.png")
    store = tmp_path / "media"
    store.mkdir()
    report = import_files(db, [path], bank="图片库", media_store=store)
    assert report.stored and report.imported == 2
    stored = list(store.iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == b"\x89PNG fake image bytes"
    with db.transaction() as s:
        media = [m for row in s.scalars(select(QuestionRow.media)) for m in row]
    assert media == [stored[0].name]


def test_missing_image_is_a_warning(db, tmp_path: Path) -> None:
    path = _json_bank(tmp_path / "src", "images/none.png")
    report = import_files(db, [path], bank="图片库", media_store=tmp_path)
    assert report.stored and report.imported == 2
    assert any(p.severity is Severity.WARNING and "none.png" in p.message for p in report.problems)


def test_path_escaping_the_bank_folder_is_refused(db, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"outside")
    path = _json_bank(tmp_path / "src", "../secret.png")
    store = tmp_path / "media"
    store.mkdir()
    report = import_files(db, [path], bank="图片库", media_store=store)
    assert report.refused and bank_count(db, "图片库") is None
    assert any("题库文件夹之外" in p.message for p in report.errors)
    assert list(store.iterdir()) == []


def test_unreadable_and_unknown_files_are_located_errors(db, tmp_path: Path) -> None:
    odd = tmp_path / "notes.pdf"
    odd.write_bytes(b"%PDF-1.4")
    report = import_files(db, [odd, tmp_path / "missing.xlsx"], bank="库")
    assert report.refused
    assert {p.file for p in report.errors} == {"notes.pdf", "missing.xlsx"}


def _many_rows(n: int) -> list[list[object]]:
    return [["单选题", f"第{i}题：下列说法哪一项正确？", "甲", "乙", "丙", "丁", "ABCD"[i % 4], "", "法律"] for i in range(n)]


def test_storing_while_reading_still_refuses_a_late_error(db, tmp_path: Path, monkeypatch) -> None:
    """Chunks are stored while the file is read; an error in the last row still leaves nothing behind."""
    monkeypatch.setattr("core.bank.importing.STORE_CHUNK", 3)
    media = tmp_path / "media"
    media.mkdir()
    path = write_xlsx(tmp_path / "题库.xlsx", [*_many_rows(10), BAD_ROW])
    report = import_files(db, [path], bank="大库", media_store=media)
    assert report.refused and report.imported == 0 and report.errors[0].row == 12
    assert bank_count(db, "大库") is None
    ok = import_files(db, [write_xlsx(tmp_path / "ok.xlsx", _many_rows(10))], bank="大库")
    assert ok.stored and ok.imported == 10 and bank_count(db, "大库") == 10
    with db.transaction() as s:
        stems = s.scalars(select(QuestionRow.stem).order_by(QuestionRow.id)).all()
    assert stems == [f"第{i}题：下列说法哪一项正确？" for i in range(10)]   # file order kept across chunks


def test_a_failed_chunk_insert_fails_the_import_and_stores_nothing(db, tmp_path: Path, monkeypatch) -> None:
    import pytest

    from core.bank import importing as import_service
    from core.bank.writer import QuestionWriter

    if not db.is_sqlite:
        pytest.skip("the writer thread and its multi-row INSERT are SQLite's")
    monkeypatch.setattr(import_service, "STORE_CHUNK", 4)
    broken = QuestionWriter._sqlite_insert
    calls = iter(range(100))

    def fail_second(self, n: int, columns: tuple[str, ...]) -> str:   # the second chunk fails on the writer thread
        return broken(self, n, columns) if next(calls) == 0 else "INSERT INTO no_such_table VALUES (1)"

    monkeypatch.setattr(QuestionWriter, "_sqlite_insert", fail_second)
    with pytest.raises(Exception, match="no_such_table"):
        import_files(db, [write_xlsx(tmp_path / "a.xlsx", _many_rows(10))], bank="坏库")
    assert bank_count(db, "坏库") is None


def test_cancel_while_storing_rolls_back(db, tmp_path: Path, monkeypatch) -> None:
    import pytest

    from base.progress import Cancelled, CancelToken
    from core.bank import importing as import_service
    from core.bank.writer import QuestionWriter

    monkeypatch.setattr(import_service, "STORE_CHUNK", 2)
    token = CancelToken()
    written = QuestionWriter.write

    def write_then_cancel(self, bank_id, new) -> None:
        written(self, bank_id, new)
        token.cancel()

    monkeypatch.setattr(QuestionWriter, "write", write_then_cancel)
    with pytest.raises(Cancelled):
        import_files(db, [write_xlsx(tmp_path / "a.xlsx", _many_rows(10))], bank="取消库", cancel=token)
    assert bank_count(db, "取消库") is None


def test_bulk_ids_are_ascending_version_7_uuids() -> None:
    import time
    import uuid

    from core.bank.writer import _uuid7_hexes

    before = time.time_ns() // 1_000_000
    ids = _uuid7_hexes(2000)
    after = time.time_ns() // 1_000_000
    parsed = [uuid.UUID(h) for h in ids]
    assert len(set(ids)) == 2000 and all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert ids == sorted(ids) and all(before <= u.int >> 80 <= after for u in parsed)   # 48-bit ms timestamp
    assert len({h[12:] for h in ids}) == 2000   # the random part differs too


def test_questions_are_let_go_once_stored_and_twins_still_found_across_chunks(db, tmp_path: Path, monkeypatch) -> None:
    """import_files keeps no question once stored (only counts); the duplicate index keeps just the answers, so a
    twin several chunks later is still told apart by its answer."""
    monkeypatch.setattr("core.bank.importing.STORE_CHUNK", 2)
    rows = _many_rows(7)
    twin, other = list(rows[0]), list(rows[0])
    other[6] = "D" if rows[0][6] != "D" else "C"       # same stem and options, another answer: not a duplicate
    report = import_files(db, [write_xlsx(tmp_path / "t.xlsx", [*rows, twin, other])], bank="库")
    assert report.stored and (report.imported, report.duplicates) == (8, 1) and report.questions == []
    assert report.by_type == {"single": 8} and bank_count(db, "库") == 8
    dup = [p for p in report.problems if p.severity is Severity.WARNING]
    assert [p.row for p in dup] == [9] and "第2行" in dup[0].message
    with db.transaction() as s:
        assert [e.detail.get("files") for e in entries(s, action_prefix="bank.")] == [["t.xlsx"]]
