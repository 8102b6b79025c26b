# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The roster import wizard previews rows and problems before anything is stored."""

from __future__ import annotations

from pathlib import Path

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
