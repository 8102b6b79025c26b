# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 操作日志 page: administrators only; filters by person, action and dates; loads a page at a
time; 导出 Excel… writes the filtered rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from core.access.actor import ANONYMOUS
from core.admin.audit import PAGE_SIZE
from core.demo import DEMO_PASSWORD
from core.infra import audit
from core.infra.clock import LOCAL_TZ
from core.infra.db import Database
from core.people import usecases as people
from gui.context import AppContext
from gui.pages import pages_for
from gui.pages.audit import AuditPage
from gui.tasks import TaskManager
from tests.conftest import DEMO_ADMIN, DEMO_SECRETARY


def _context(db: Database, badge: str) -> AppContext:
    return AppContext(db, people.log_in(db, ANONYMOUS, badge, DEMO_PASSWORD), TaskManager())


def _page(qtbot: QtBot, db: Database) -> AuditPage:
    page = AuditPage(_context(db, DEMO_ADMIN))
    qtbot.addWidget(page)
    _settle(qtbot, page)
    return page


def _settle(qtbot: QtBot, page: AuditPage) -> None:
    qtbot.waitUntil(lambda: page.ctx.tasks.pending == 0 and not page.model.busy, timeout=10000)


def test_only_administrators_get_the_page(sqlite_demo_db: Database) -> None:
    assert "audit" in {p.key for p in pages_for(_context(sqlite_demo_db, DEMO_ADMIN))}
    assert "audit" not in {p.key for p in pages_for(_context(sqlite_demo_db, DEMO_SECRETARY))}


def test_filters_by_person_action_and_dates(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    page = _page(qtbot, sqlite_demo_db)
    everything = page.model.total
    assert everything > 50 and page.model.rowCount() == min(everything, PAGE_SIZE)
    assert page.status.text() == f"共 {everything} 条记录"
    assert page.action.count() > 5 and page.action.itemText(0) == "全部操作"

    page.who.setText(DEMO_SECRETARY)
    page.search.click()
    _settle(qtbot, page)
    assert 0 < page.model.total < everything
    assert all(r.person == "陈建国（100001）" for r in page.model.rows)
    assert page.model.data(page.model.index(0, 2)) == "陈建国（100001）"

    page.clear()
    _settle(qtbot, page)
    assert page.model.total == everything
    page.action.setCurrentIndex(page.action.findData("login.failed"))     # applies at once
    _settle(qtbot, page)
    failed = page.model.rows
    assert failed and {r.action for r in failed} == {"login.failed"} and page.model.total == len(failed)
    assert all(r.person.startswith("未登录") for r in failed)

    page.clear()
    newest = page_rows_newest_day(qtbot, page)
    page.since.setDate(QDate(newest.year, newest.month, newest.day))
    _settle(qtbot, page)
    assert 0 < page.model.total < everything
    assert all(r.at.astimezone(LOCAL_TZ).date() >= newest for r in page.model.rows)
    page.until.setDate(QDate(newest.year, newest.month, newest.day).addDays(-1))
    assert page.status.text() == "结束日期不能早于开始日期"


def page_rows_newest_day(qtbot: QtBot, page: AuditPage) -> dt.date:
    _settle(qtbot, page)
    return page.model.rows[0].at.astimezone(LOCAL_TZ).date()


def test_loads_a_page_at_a_time(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    start = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    with sqlite_demo_db.transaction() as s:
        for i in range(2 * PAGE_SIZE + 30):
            with audit.acting(None, at=start + dt.timedelta(minutes=i), pc="BULK-PC"):
                audit.record(s, "login.failed", target_type="officer", target_id="999999", badge="999999", n=i)
    page = _page(qtbot, sqlite_demo_db)
    page.who.setText("999999")
    page.apply()
    _settle(qtbot, page)
    assert page.model.total == 2 * PAGE_SIZE + 30 and page.model.rowCount() == PAGE_SIZE
    while page.model.canFetchMore():
        page.view.scrollToBottom()          # the view asks for more as it reaches the end
        page.model.fetchMore()
        _settle(qtbot, page)
    rows = page.model.rows
    assert len(rows) == 2 * PAGE_SIZE + 30
    assert [r.detail["n"] for r in rows] == list(range(2 * PAGE_SIZE + 29, -1, -1))


def test_export_button_writes_the_filtered_rows(qtbot: QtBot, sqlite_demo_db: Database, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    page = _page(qtbot, sqlite_demo_db)
    page.action.setCurrentIndex(page.action.findData("bank.import"))
    _settle(qtbot, page)
    wanted = page.model.total
    target = tmp_path / "日志"                       # no suffix typed: .xlsx is added
    monkeypatch.setattr(page, "ask_export_path", lambda: str(target))
    page.export_button.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("已导出"), timeout=10000)
    written = target.with_suffix(".xlsx")
    assert written.exists() and str(wanted) in page.status.text()
    sheet = load_workbook(written).active
    assert sheet is not None
    body = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(body) == wanted == 3 and {row[6] for row in body} == {"bank.import"}


def test_cancelled_file_dialog_writes_nothing(qtbot: QtBot, sqlite_demo_db: Database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page(qtbot, sqlite_demo_db)
    monkeypatch.setattr(page, "ask_export_path", lambda: "")
    before = page.status.text()
    page.export_button.click()
    _settle(qtbot, page)
    assert page.status.text() == before
