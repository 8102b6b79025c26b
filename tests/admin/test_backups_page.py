# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 备份 page: administrators only; 立即备份 adds a row saying what it holds; restoring the
selected backup brings its data back after backing up the current data; the timer's start backup."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from core.access.actor import ANONYMOUS
from core.admin import autobackup
from core.demo import DEMO_PASSWORD
from core.infra.db import Database
from core.models import Unit
from core.people import usecases as people
from core.people.org import add_unit
from gui.context import AppContext
from gui.pages import backups, pages_for
from gui.pages.backups import AutoBackupTimer, BackupsPage
from gui.tasks import TaskManager
from tests.conftest import DEMO_ADMIN, DEMO_SECRETARY


def _context(db: Database, badge: str) -> AppContext:
    return AppContext(db, people.log_in(db, ANONYMOUS, badge, DEMO_PASSWORD), TaskManager())


def _units(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(Unit)) or 0


def _settle(qtbot: QtBot, ctx: AppContext) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=20_000)


def test_only_administrators_get_the_page(sqlite_demo_db: Database) -> None:
    assert "backups" in {p.key for p in pages_for(_context(sqlite_demo_db, DEMO_ADMIN))}
    assert "backups" not in {p.key for p in pages_for(_context(sqlite_demo_db, DEMO_SECRETARY))}


def test_backup_now_then_restore_the_selected_one(qtbot: QtBot, sqlite_demo_db: Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _context(sqlite_demo_db, DEMO_ADMIN)
    page = BackupsPage(ctx)
    qtbot.addWidget(page)
    _settle(qtbot, ctx)
    assert page.model.rowCount() == 0 and page.table.currentWidget() is page.table.empty
    assert not page.restore_button.isEnabled() and page.now_button.isEnabled()

    page.now_button.click()
    _settle(qtbot, ctx)
    page.refresh()
    _settle(qtbot, ctx)
    assert page.model.rowCount() == 1 and page.table.currentWidget() is page.view
    assert page.model.data(page.model.index(0, 1)) == "立即备份"
    assert page.model.data(page.model.index(0, 3)).startswith("人员 ")
    assert "已备份到 backup-" in page.status.text() or page.status.text().startswith("共 1 份")

    before = _units(sqlite_demo_db)
    with sqlite_demo_db.transaction() as s:
        add_unit(s, "GUI1", "临时支部", "branch")
    asked: list[str] = []
    told: list[str] = []

    def question(_parent: QWidget, _title: str, text: str, *a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: told.append(text)))
    page.view.selectRow(0)
    assert page.restore_button.isEnabled()
    page.restore_button.click()
    _settle(qtbot, ctx)
    assert asked and "立即备份" in asked[0]
    assert told and "恢复前的数据已备份为 backup-" in told[0]
    assert _units(sqlite_demo_db) == before
    _settle(qtbot, ctx)          # the page refreshes on Change.EVERYTHING
    reasons = sorted(page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount()))
    assert reasons == sorted(["恢复前", "立即备份"])
    ctx.tasks.shutdown()


def test_the_start_backup_runs_as_the_logged_in_officer(qtbot: QtBot, sqlite_demo_db: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "START_DELAY_MS", 0)
    ctx = _context(sqlite_demo_db, "200001")
    holder = QWidget()
    qtbot.addWidget(holder)
    timer = AutoBackupTimer(ctx, holder)
    assert timer.timer.interval() == 30 * 60 * 1000 and timer.timer.isActive()
    folder = autobackup.folder_for(sqlite_demo_db)
    qtbot.waitUntil(lambda: len(autobackup.list_backups(folder)) == 1, timeout=20_000)
    assert autobackup.list_backups(folder)[0].reason == "start"
    _settle(qtbot, ctx)
    ctx.tasks.shutdown()
