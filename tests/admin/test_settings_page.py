# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""设置 → 备份数据库… / 从备份恢复…: the success message is the only window left open; the restore
confirmation names the file and its date and defaults to 否; the folder is remembered."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.access.actor import ANONYMOUS
from core.admin.backup import BackupSummary
from core.demo import DEMO_PASSWORD
from core.infra.db import Database
from core.people import usecases as people
from gui import files
from gui.context import AppContext
from gui.pages import settings
from gui.pages.settings import SettingsPage, restore_question
from gui.tasks import TaskManager
from tests.conftest import DEMO_ADMIN


def _open_windows(page: QWidget) -> list[str]:
    return [w.windowTitle() for w in page.findChildren(QWidget) if w.isWindow() and w.isVisible()]


def test_backup_then_restore_from_the_settings_page(qtbot: QtBot, sqlite_demo_db: Database, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = AppContext(sqlite_demo_db, people.log_in(sqlite_demo_db, ANONYMOUS, DEMO_ADMIN, DEMO_PASSWORD), TaskManager())
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    target = tmp_path / "backups" / "studyhall.zip"
    target.parent.mkdir()
    told: list[str] = []

    def save_file(_parent: QWidget, purpose: str, _caption: str, name: str, _filters: str) -> tuple[str, str]:
        assert purpose == "backups" and name.startswith("studyhall-")
        files.remember(purpose, target)
        return str(target), ""

    monkeypatch.setattr(files, "save_file", save_file)
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: told.append(text)))
    page._backup()
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert "已备份" in told[0] and target.exists()
    qtbot.wait(300)
    assert _open_windows(page) == []            # no "请稍候" left behind the message
    assert files.start_folder("backups") == target.parent

    asked: list[BackupSummary] = []
    monkeypatch.setattr(files, "open_file", lambda *_a: str(target))
    monkeypatch.setattr(SettingsPage, "confirm_restore", lambda _self, summary: asked.append(summary) or False)
    page._restore()
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    summary = asked[0]
    assert summary.name == "studyhall.zip" and summary.created_at is not None and summary.rows > 100
    box = restore_question(page, summary)
    qtbot.addWidget(box)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert "studyhall.zip" in box.text() and summary.created_at.astimezone().strftime("%Y-%m-%d") in box.text()
    qtbot.wait(200)
    assert len(told) == 1                       # refused: nothing restored

    monkeypatch.setattr(SettingsPage, "confirm_restore", lambda _self, summary: True)
    page._restore()
    qtbot.waitUntil(lambda: len(told) == 2, timeout=60_000)
    assert "已恢复" in told[1]
    qtbot.wait(300)
    assert _open_windows(page) == []
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10_000)
    ctx.tasks.shutdown()
    assert settings.PAGE.key == "settings"
