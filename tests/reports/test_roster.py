# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Roster import (located problems, all-or-nothing, updates) and hand edits with unit history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from base.errors import InvalidInput
from core.infra.passwords import PASSWORD_ALPHABET, verify_password
from core.models import Officer, UnitMembership
from core.people.org import add_unit
from core.people.roster_edit import deactivate_unit, membership_history, move_unit, new_unit, set_active
from core.people.roster_import import import_roster
from core.people.users import add_user


@pytest.fixture
def units(sqlite_db):  # type: ignore[no-untyped-def]
    with sqlite_db.transaction() as s:
        add_unit(s, "LJ", "临江分局", "bureau")
        add_unit(s, "A", "一支部", "branch", "LJ")
        add_unit(s, "B", "二支部", "branch", "LJ")
        add_user(s, badge="100001", name="老队员", unit="A", password_hash="x", joined=dt.date(2025, 1, 1))
    return sqlite_db


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for r in rows:
        ws.append(r)
    wb.save(str(path))
    return path


GOOD = [["花名册"], ["Name", "警号", "所在支部", "类别", "党员", "职务"],
        ["张三", 200001, "A", "民警", "是", "科员"],
        ["李四", "200002", "二支部", "辅警", "否", ""]]


def test_dry_run_then_import(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = xlsx(tmp_path / "r.xlsx", GOOD)
    preview = import_roster(units, path, dry_run=True)
    assert preview.created == 2 and not preview.stored and not preview.problems
    assert [r.badge for r in preview.rows] == ["200001", "200002"]   # a number cell reads as Excel shows it
    assert all(not r.initial_password for r in preview.rows) and preview.slips() == []
    report = import_roster(units, path)
    assert report.stored and report.created == 2
    passwords = {r.badge: r.initial_password for r in report.rows}
    assert all(len(p) == 8 and set(p) <= set(PASSWORD_ALPHABET) for p in passwords.values())
    assert passwords["200001"] != passwords["200002"]                     # one password per officer
    with units.transaction() as s:
        o = s.scalar(select(Officer).where(Officer.badge == "200002"))
        assert o.category == "auxiliary" and not o.party_member and o.must_change_password
        assert verify_password(o.password_hash, passwords["200002"])
        assert not verify_password(o.password_hash, passwords["200001"])
    assert [(sl.badge, sl.password) for sl in report.slips()] == list(passwords.items())
    assert {r["badge"]: r["initial_password"] for r in report.to_json()["rows"]} == passwords
    again = import_roster(units, path, dry_run=True)
    assert (again.created, again.unchanged) == (0, 2)


def test_problems_are_located_and_nothing_is_stored(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [["警号", "姓名", "单位", "类别", "党员", "手机"],
            ["300001", "王五", "A", "民警", "是", ""],
            ["300002", "", "A", "民警", "否", ""],             # row 3: no name
            ["300003", "赵六", "不存在的支部", "民警", "否", ""],  # row 4: unknown unit
            ["300001", "王五二", "A", "警犬", "也许", "12"],     # row 5: duplicate, category, party, phone
            ]
    path = xlsx(tmp_path / "bad.xlsx", rows)
    report = import_roster(units, path)
    assert report.refused and not report.stored and report.created == 0
    located = {(p.row, p.field, p.severity.value) for p in report.problems}
    assert (3, "姓名", "error") in located
    assert (4, "单位", "error") in located
    assert {(5, "警号", "error"), (5, "类别", "error"), (5, "党员", "error"), (5, "手机", "warning")} <= located
    assert all(p.file == "bad.xlsx" and p.sheet == "名单" for p in report.problems)
    with units.transaction() as s:
        assert s.scalar(select(Officer).where(Officer.badge == "300001")) is None
    skipped = import_roster(units, path, skip_invalid=True)
    assert skipped.stored and skipped.created == 1 and skipped.invalid == 3


def test_csv_gb18030_updates_and_moves_existing(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "警号,姓名,单位,类别,党员\n100001,老队员,B,民警,是\n"
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode("gb18030"))
    report = import_roster(units, path)
    assert report.stored and report.updated == 1 and report.created == 0
    assert set(report.rows[0].changes) == {"单位", "党员"}
    with units.transaction() as s:
        o = s.scalar(select(Officer).where(Officer.badge == "100001"))
        history = membership_history(s, o.id)
        assert [h.unit_name for h in history] == ["一支部", "二支部"]
        assert history[0].valid_to is not None and history[1].valid_to is None
        assert o.party_member


def test_missing_header_and_missing_file(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = xlsx(tmp_path / "nohead.xlsx", [["a", "b"], ["1", "2"]])
    report = import_roster(units, path)
    assert report.refused and "表头" in report.problems[0].message
    assert import_roster(units, tmp_path / "none.xlsx").refused


def test_deactivate_and_unit_editor(units) -> None:  # type: ignore[no-untyped-def]
    with units.transaction() as s:
        set_active(s, "100001", False, on=dt.date(2026, 5, 1))
        o = s.scalar(select(Officer).where(Officer.badge == "100001"))
        assert not o.active
        m = s.scalar(select(UnitMembership).where(UnitMembership.officer_id == o.id))
        assert m.valid_to == dt.date(2026, 4, 30)
        c = new_unit(s, "三支部", None)
        lj = s.scalar(select(UnitMembership.unit_id).where(UnitMembership.officer_id == o.id))
        move_unit(s, c, lj)
        with pytest.raises(InvalidInput):
            move_unit(s, lj, c)          # below its own child
        deactivate_unit(s, c)
        set_active(s, "100001", True, on=dt.date(2026, 6, 1))
        with pytest.raises(InvalidInput):
            deactivate_unit(s, o.unit_id)  # still has an active officer


def test_password_slips_pdf_reads_back_with_embedded_fonts(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from core.people.slips import COLUMNS, ROWS, write_slips_pdf

    rows = [["警号", "姓名", "单位"]] + [[f"4000{i:02d}", f"民警{i}号", "A"] for i in range(COLUMNS * ROWS + 1)]
    report = import_roster(units, xlsx(tmp_path / "r.xlsx", rows))
    slips = report.slips()
    assert len(slips) == COLUMNS * ROWS + 1 and len({s.password for s in slips}) == len(slips)
    pdf = write_slips_pdf(slips, tmp_path / "slips.pdf")
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 2                       # a full page of slips, then one more
    first = reader.pages[0].extract_text()
    for slip in slips[:COLUMNS * ROWS]:
        assert slip.name in first and slip.badge in first and slip.password in first
    assert first.count("首次登录后须修改密码") == COLUMNS * ROWS and "一支部" in first
    assert slips[0].issued.isoformat() in first
    assert slips[-1].password in reader.pages[1].extract_text()
    assert b"/Helvetica" not in pdf.read_bytes()        # no font the PDF does not carry
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in desc and "+" in str(font["/BaseFont"])   # an embedded TrueType subset
