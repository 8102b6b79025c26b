# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 证书 page: the verify tab reacts to a scanner's Enter; the template preview paints the page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from core.certificates.batch import page_for_serial
from core.certificates.issue import list_certificates
from core.people.users import get_user
from gui.context import AppContext
from gui.pages.certificates import CertificatesPage
from gui.tasks import TaskManager
from tests.certs.conftest import SECRETARY_A


def _page(qtbot: QtBot, world) -> CertificatesPage:
    with world.db.transaction() as s:
        user = get_user(s, SECRETARY_A)          # the secretary of branch a
    tasks = TaskManager()
    world.db.clock = world.clock
    page = CertificatesPage(AppContext(world.db, user, tasks))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10000)
    return page


def _scan(qtbot: QtBot, page: CertificatesPage, text: str) -> None:
    tab = page.verify
    tab.field.clear()
    QTest.keyClicks(tab.field, text)          # the scanner types ASCII, then Enter
    QTest.keyClick(tab.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.ctx.tasks.pending == 0, timeout=10000)


def test_verify_tab_scanner_enter_shows_verdict(qtbot: QtBot, sqlite_world) -> None:
    world = sqlite_world
    world.submit("100001", 88, True)
    with world.db.transaction() as s:
        serial = list_certificates(s)[0].serial
        qr = page_for_serial(s, serial).payload
    page = _page(qtbot, world)
    assert page.list.model.rowCount() == 1
    page.tabs.setCurrentWidget(page.verify)
    _scan(qtbot, page, qr)
    tab = page.verify
    assert tab.last is not None and tab.last.status == "genuine"
    assert "真实有效" in tab.verdict.text() and "张晓燕" in tab.details.text()
    assert "#2E7D32" in tab.verdict.styleSheet()
    assert tab.field.selectedText() == qr           # the next scan replaces it
    _scan(qtbot, page, qr.replace("|88|", "|98|"))
    assert tab.last.status == "forged" and "伪造" in tab.verdict.text()
    assert "#B71C1C" in tab.verdict.styleSheet()
    _scan(qtbot, page, "LJ-2026-00000000")
    assert tab.last.status == "unknown"


def test_template_preview_paints_the_page(qtbot: QtBot, sqlite_world) -> None:
    page = _page(qtbot, sqlite_world)
    editor = page.editor
    assert editor.choice.count() == 3
    editor.update_preview()
    pixmap = editor.preview.pixmap()
    assert pixmap is not None and not pixmap.isNull()
    image = pixmap.toImage()
    reds = sum(1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
               if (c := QColor(image.pixel(x, y))).red() > 150 and c.green() < 90 and c.blue() < 90)
    assert reds > 50                                 # red header, border and seal are painted
    editor.title.setText("合格证书")
    editor.update_preview()
    assert editor.spec().title == "合格证书"


def test_reissue_from_the_list_refreshes_it(qtbot: QtBot, sqlite_world, monkeypatch) -> None:
    """The list listens to Change.CERTIFICATES: after a reissue it shows the new version."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    world = sqlite_world
    world.submit("100001", 88, True)
    page = _page(qtbot, world)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("证书遗失", True))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    page.list.table.selectRow(0)
    assert page.list.buttons["reissue"].isEnabled()
    page.list.buttons["reissue"].click()
    qtbot.waitUntil(lambda: bool(told) and page.ctx.tasks.pending == 0, timeout=10000)
    assert "第 2 版" in told[0]
    assert [c.version for c in page.list.model.rows] == [2]
