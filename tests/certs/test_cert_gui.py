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
    _scan(qtbot, page, qr.replace(":88:", ":98:"))
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


def test_key_tab_shows_the_fingerprint_and_state(qtbot: QtBot, sqlite_world) -> None:
    from core.certificates import keys

    world = sqlite_world
    page = _page(qtbot, world)
    with world.db.transaction() as s:
        row = keys.active_key(s)
        assert row is not None
        grouped = keys.grouped(row.fingerprint)
    page.tabs.setCurrentWidget(page.keys)
    assert page.keys.fingerprint.text() == grouped
    assert "已解锁" in page.keys.state.text() and "已解锁" in page.key_state.text()
    assert page.keys.buttons["lock"].isEnabled() and not page.keys.buttons["unlock"].isEnabled()
    assert not page.keys.buttons["setup"].isVisibleTo(page)       # a secretary does not manage the key
    page.keys.buttons["lock"].click()
    qtbot.waitUntil(lambda: page.ctx.tasks.pending == 0 and "已锁定" in page.key_state.text(), timeout=10000)
    assert "已锁定" in page.keys.state.text() and page.keys.buttons["unlock"].isEnabled()


def test_printing_an_unsigned_certificate_asks_for_the_passphrase(qtbot: QtBot, sqlite_world, monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    from core.certificates import keys
    from gui.certs.keys import PassphraseDialog
    from tests.certs.conftest import KEY_PASSPHRASE

    world = sqlite_world
    keys.forget_unlocked()
    world.submit("100001", 88, True)                 # earned at submit: recorded unsigned
    page = _page(qtbot, world)
    assert page.list.model.rows[0].signing == "" and "1 份待签名" in page.key_state.text()
    asked: list[tuple[str, str]] = []
    typed = iter(["not the passphrase", KEY_PASSPHRASE])

    def answer(dialog: PassphraseDialog) -> int:
        asked.append((dialog.mode, dialog.error.text()))
        dialog.fields[0].setText(next(typed))
        return 1

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: True)
    page.list.table.selectRow(0)
    page.list.buttons["print_one"].click()
    qtbot.waitUntil(lambda: bool(told) and page.ctx.tasks.pending == 0, timeout=20000)
    assert [mode for mode, _e in asked] == ["unlock", "unlock"]
    assert asked[0][1] == "" and "口令不对" in asked[1][1]        # asked again, saying why
    assert "1 份证书" in told[0]
    qtbot.waitUntil(lambda: page.list.model.rows[0].signing == "ed25519", timeout=10000)
    assert "已解锁" in page.key_state.text()
