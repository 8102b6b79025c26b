# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Every long task closes its progress dialog exactly once, whatever the order of "finished" and
the last poll (issue 21: a backup's dialog stayed open at 95 % behind its success message)."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QMessageBox, QWidget

from base.progress import CancelToken, ProgressSink
from gui.tasks import CoreOp, TaskManager, _Progress

pytest.importorskip("pytestqt")


def _dialog_shows(progress: _Progress) -> bool:
    """Visible on screen (a dialog already deleted is not)."""
    return shiboken6.isValid(progress.dialog) and progress.dialog.isVisible()


@pytest.mark.parametrize("order", ["poll_then_finish", "finish_then_poll"])
def test_dialog_closed_once_in_either_order(qtbot, order: str) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    progress = _Progress("正在备份…", parent)
    progress.dialog.setMinimumDuration(0)
    progress.report(95, 100, "certificates")
    qtbot.waitUntil(lambda: _dialog_shows(progress), timeout=2000)
    if order == "poll_then_finish":
        progress._poll()
        progress.finish()
    else:
        progress.finish()
        progress.report(100, 100, "certificates")
        progress._poll()            # a last poll already queued when the work ended
    assert progress.finished
    assert not _dialog_shows(progress)
    progress.finish()               # a second finish changes nothing
    progress._poll()
    qtbot.wait(3 * _Progress.POLL_MS)  # the timer would have fired again by now
    assert not _dialog_shows(progress)


def test_a_long_op_leaves_no_dialog_behind_its_message(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The real path: a with_progress op whose success shows a message box; only that box stays."""
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    tasks = TaskManager()
    release = threading.Event()
    boxes: list[QMessageBox] = []

    def work(progress: ProgressSink, cancel: CancelToken) -> str:
        progress(95, 100, "certificates")
        release.wait(5)
        return "done"

    def success(result: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "备份完成", result, parent=parent)
        box.open()
        boxes.append(box)

    CoreOp(work, parent=parent, tasks=tasks).with_progress("正在备份…").success(success).run()
    qtbot.waitUntil(lambda: any(isinstance(w, QWidget) and w.isVisible() and w.windowTitle() == "请稍候"
                                for w in parent.findChildren(QWidget)), timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: bool(boxes), timeout=5000)
    qtbot.wait(3 * _Progress.POLL_MS)
    visible = [w.windowTitle() for w in parent.findChildren(QWidget) if w.isWindow() and w.isVisible()]
    assert visible == ["备份完成"]
    boxes[0].accept()
    assert not [w for w in parent.findChildren(QWidget) if w.isWindow() and w.isVisible()]
    tasks.shutdown()
