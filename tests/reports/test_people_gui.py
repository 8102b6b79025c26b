# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The roster import wizard previews rows and problems before anything is stored; the people page
resets passwords (with a slip to print) and lifts login lockouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices

from base.errors import AuthenticationFailed
from core.people.users import get_user, list_users
from gui.context import AppContext
from gui.people.dialogs import RosterImportDialog
from gui.tasks import TaskManager


def test_wizard_preview_marks_problems(qtbot, sqlite_org, sqlite_org_actors, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ids = sqlite_org
    path = tmp_path / "r.csv"
    path.write_text("警号,姓名,单位,类别\n500001,新人,A,民警\n500002,,A,民警\n", encoding="utf-8")
    with db.transaction() as s:
        user = get_user(s, "ad")       # an administrator (an officer may not import rosters)
    tasks = TaskManager()
    dialog = RosterImportDialog(AppContext(db, user, tasks))
    qtbot.addWidget(dialog)
    dialog.preview(path)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    assert dialog.table.item(0, 4).text() == "新增"
    assert "姓名" in dialog.table.item(1, 6).text()
    assert dialog.ok.isEnabled()
    with db.transaction() as s:
        assert "500001" not in {u.badge for u in list_users(s)}      # the preview stored nothing
    tasks.shutdown()


def test_wizard_closes_on_cancel(qtbot, sqlite_org, sqlite_org_actors) -> None:  # type: ignore[no-untyped-def]
    """Cancel closes it: the wizard must not override QDialog.done(), which accept() and reject() call."""
    db, _ids = sqlite_org
    with db.transaction() as s:
        user = get_user(s, "ad")
    tasks = TaskManager()
    dialog = RosterImportDialog(AppContext(db, user, tasks))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert not dialog.isVisible()
    tasks.shutdown()


def test_people_page_resets_a_password_with_a_slip_and_unlocks(qtbot, sqlite_db, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                monkeypatch) -> None:
    from pypdf import PdfReader
    from PySide6.QtWidgets import QMessageBox

    from core.access.actor import ANONYMOUS
    from core.people import usecases as people
    from core.people.login import SecuritySettings
    from core.people.org import add_unit
    from core.people.users import add_user
    from gui.pages.people import PeoplePage
    from gui.people import password as password_gui

    db = sqlite_db
    with db.transaction() as s:
        add_unit(s, "LJ", "临江分局", "bureau")
        add_unit(s, "A", "一支部", "branch", "LJ")
        add_user(s, badge="ad", name="管理员", unit="LJ", password="admin-pass", role="admin")
        add_user(s, badge="o1", name="张一", unit="A", password="secret1")
        admin = get_user(s, "ad").actor
    people.save_security_settings(db, admin, SecuritySettings(backoff_seconds=0))
    for _i in range(5):
        with pytest.raises(AuthenticationFailed):
            people.log_in(db, ANONYMOUS, "o1", "wrong-pw")
    with db.transaction() as s:
        user = get_user(s, "ad")
    tasks = TaskManager()
    page = PeoplePage(AppContext(db, user, tasks))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: bool(page.model.rows) and "o1" in page.locks, timeout=10_000)
    row = next(i for i, u in enumerate(page.model.rows) if u.badge == "o1")
    assert page.model.data(page.model.index(row, page.model.columnCount() - 1)).startswith("已锁定至")
    page.view.selectRow(row)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(password_gui, "ask_slip_path", lambda *a: tmp_path / "slip.pdf")
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    monkeypatch.setattr("gui.pages.people.offer_slip", lambda ctx, parent, slip: boxes.append(
        password_gui.offer_slip(ctx, parent, slip)))
    page.reset_password()
    qtbot.waitUntil(lambda: bool(boxes), timeout=10_000)
    box = boxes[0]
    new_password = box.text().split("：", 1)[1].split("\n", 1)[0]
    next(b for b in box.buttons() if b.text() == "打印密码单…").click()
    qtbot.waitUntil(lambda: (tmp_path / "slip.pdf").exists() and tasks.pending == 0, timeout=10_000)
    text = PdfReader(str(tmp_path / "slip.pdf")).pages[0].extract_text()
    assert new_password in text and "张一" in text and "o1" in text
    assert people.log_in(db, ANONYMOUS, "o1", new_password).must_change_password   # the reset lifted the lockout
    for _i in range(5):
        with pytest.raises(AuthenticationFailed):
            people.log_in(db, ANONYMOUS, "o1", "wrong-pw")
    page.refresh()
    qtbot.waitUntil(lambda: "o1" in page.locks, timeout=10_000)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    page.view.selectRow(next(i for i, u in enumerate(page.model.rows) if u.badge == "o1"))
    page.unlock_login()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said == ["已解锁 张一（警号 o1），现在可以登录"]
    assert people.log_in(db, ANONYMOUS, "o1", new_password).badge == "o1"
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    tasks.shutdown()
