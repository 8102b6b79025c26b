# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Shared station PCs (issue 13): the first login with an initial password asks for a new one before
the main window opens; the idle lock covers the main window until the same person's password is
typed; "换人登录" closes the exam window without losing an answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.access.actor import Actor
from core.demo import DEMO_PASSWORD
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt, Officer
from core.people import usecases as people
from core.people.org import add_unit
from core.people.users import add_user, get_user
from core.quiz.attempts import load_paper
from gui import theme
from gui.app import Controller
from gui.context import AppContext
from gui.mainwindow import MainWindow
from gui.quiz import ExamWindow, _open_windows, show_paper
from gui.tasks import TaskManager


@pytest.fixture
def main_window(qtbot: QtBot, sqlite_demo_db: Database, clock: FakeClock) -> Iterator[MainWindow]:
    """The demo officer 200001 (who has an exam in progress) logged in, the idle lock not yet armed."""
    theme.apply(QApplication.instance())  # type: ignore[arg-type]
    sqlite_demo_db.clock = clock                      # the demo's exam is still running at the demo's time
    user = people.log_in(sqlite_demo_db, Actor(None, None, None), "200001", DEMO_PASSWORD)
    tasks = TaskManager()
    window = MainWindow(AppContext(sqlite_demo_db, user, tasks))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    assert window.session_lock.minutes == 10          # the default, read from the database
    yield window
    window.session_lock.set_timeout_ms(0)
    for win in list(_open_windows):
        win.leave()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)


def test_idle_lock_covers_the_window_until_the_right_password(qtbot: QtBot, main_window: MainWindow) -> None:
    lock = main_window.session_lock
    lock.set_timeout_ms(400)
    for _i in range(6):                                  # input keeps it open
        QTest.keyClick(main_window.sidebar, Qt.Key.Key_Shift)
        qtbot.wait(120)
    assert not lock.locked
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    assert lock.screen.isVisible() and lock.screen.geometry() == main_window.rect()
    assert not main_window.centralWidget().isEnabled()
    assert "张伟（200001）" in lock.screen.who.text()
    lock.screen.password.setText("wrong-pw")
    lock.screen.unlock_button.click()
    qtbot.waitUntil(lambda: lock.screen.message.text() != "", timeout=5_000)
    assert lock.screen.message.text().startswith("密码不正确") and lock.locked
    lock.set_timeout_ms(0)                               # no second lock while the test types
    lock.screen.password.setText(DEMO_PASSWORD)
    lock.screen.unlock_button.click()
    qtbot.waitUntil(lambda: not lock.locked, timeout=5_000)
    assert not lock.screen.isVisible() and main_window.centralWidget().isEnabled()


def test_exam_window_hides_while_locked_and_switching_user_keeps_the_answers(
        qtbot: QtBot, main_window: MainWindow) -> None:
    ctx = main_window.ctx
    with ctx.db.transaction() as s:
        aid = s.scalar(select(Attempt.id).where(Attempt.officer_id == ctx.user.id, Attempt.status == "in_progress"))
        paper = load_paper(s, aid, ctx.user.id, ctx.clock)
    exam = show_paper(ctx, paper)
    assert isinstance(exam, ExamWindow) and exam.isVisible()
    screen = exam.screen_
    assert screen is not None
    fill = next(i for i, it in enumerate(paper.items) if it.qtype == "fill" and i >= 12)
    screen.go(fill)
    QTest.keyClicks(screen.question.edits[0], "STOP")    # typed, not yet stored (the save waits for a pause)
    assert screen.question._debounce.isActive()
    main_window.session_lock.lock()
    assert not exam.isVisible()                           # nobody else sees the paper
    assert screen.timer.isActive()                        # the deadline keeps running underneath
    signed_out: list[bool] = []

    def sign_out() -> None:                               # what the Controller does on logout_requested
        main_window.session_lock.sign_out()
        signed_out.append(True)

    main_window.logout_requested.connect(sign_out)
    main_window.session_lock.screen.switch_button.click()
    assert signed_out and exam not in _open_windows and not exam.isVisible()
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10_000)
    with ctx.db.transaction() as s:
        stored = load_paper(s, aid, ctx.user.id, ctx.clock)
    assert (stored.responses.get(fill) or [""])[0] == "STOP" and not stored.finished
    assert all(stored.responses.get(p) == r for p, r in paper.responses.items())


def test_first_login_asks_for_a_new_password_before_the_main_window(qtbot: QtBot, sqlite_db: Database) -> None:
    theme.apply(QApplication.instance())  # type: ignore[arg-type]
    with sqlite_db.transaction() as s:
        add_unit(s, "B1", "第一党支部", "branch")
        add_user(s, badge="000009", name="管理员", unit="B1", password="admin-pass", role="admin")
        add_user(s, badge="7", name="新民警", unit="B1", password="initial1")
        s.scalar(select(Officer).where(Officer.badge == "7")).must_change_password = True
    controller = Controller(sqlite_db.url)
    qtbot.addWidget(controller.login)
    controller.start()
    qtbot.waitUntil(lambda: controller.login.button.isEnabled(), timeout=20_000)
    controller.login.badge.setText("7")
    controller.login.password.setText("initial1")
    controller.login.button.click()
    qtbot.waitUntil(lambda: controller.password_dialog is not None and controller.password_dialog.isVisible(),
                    timeout=10_000)
    dialog = controller.password_dialog
    assert controller.main is None                        # not before the new password is set
    dialog.new.setText("newpass-7")
    dialog.again.setText("newpass-8")
    dialog.ok.click()
    assert dialog.message.text() == "两次输入的新密码不一致" and controller.main is None
    dialog.new.setText("initial1")
    dialog.again.setText("initial1")
    dialog.ok.click()
    assert dialog.message.text() == "新密码不能与原密码相同"
    dialog.new.setText("newpass-7")
    dialog.again.setText("newpass-7")
    dialog.ok.click()
    qtbot.waitUntil(lambda: controller.main is not None, timeout=10_000)
    main = controller.main
    qtbot.addWidget(main)
    assert not dialog.isVisible() and main.isVisible() and not controller.login.isVisible()
    with sqlite_db.transaction() as s:
        assert not get_user(s, "7").must_change_password
    qtbot.waitUntil(lambda: controller.tasks.pending == 0, timeout=10_000)
    main.session_lock.lock()                             # then 换人登录 brings the login window back
    main.session_lock.screen.switch_button.click()
    assert controller.main is None and controller.login.isVisible()
    controller.shutdown()
