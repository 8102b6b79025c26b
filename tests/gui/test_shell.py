# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The GUI shell: login window in Chinese, navigation by role, errors shown without tracebacks."""

from __future__ import annotations

from unittest import mock

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from base.errors import InvalidInput
from base.i18n import language
from core.demo import DEMO_PASSWORD
from core.infra.db import Database
from core.people.users import authenticate
from gui import theme
from gui.context import AppContext
from gui.login import LoginWindow, demo_hint
from gui.mainwindow import ITEM_HEIGHT, MainWindow
from gui.tasks import TaskManager

OFFICER_PAGES = {"首页", "学习", "练习", "考试", "我的"}
SECRETARY_PAGES = OFFICER_PAGES | {"题库", "试卷", "人员", "统计", "证书", "设置"}


def _main_window(qtbot: QtBot, db: Database, badge: str) -> MainWindow:
    theme.apply(QApplication.instance())  # type: ignore[arg-type]
    with db.transaction() as s:
        user = authenticate(s, badge, DEMO_PASSWORD)
    tasks = TaskManager()
    window = MainWindow(AppContext(db, user, tasks))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    return window


def _labels(window: MainWindow) -> set[str]:
    return {window.sidebar.item(i).text() for i in range(window.sidebar.count())}


def test_login_window_speaks_chinese_and_waits_for_the_database(qtbot: QtBot) -> None:
    login = LoginWindow()
    qtbot.addWidget(login)
    assert "登录" in login.windowTitle()
    assert not login.button.isEnabled() and login.button.text() == "正在打开数据库…"
    login.set_ready(True)
    requests: list[tuple[str, str]] = []
    login.login_requested.connect(lambda b, p: requests.append((b, p)))
    login.badge.setText("200001")
    login.password.setText("secret")
    login.button.click()
    assert requests == [("200001", "secret")]


def test_login_refuses_empty_badge(qtbot: QtBot) -> None:
    login = LoginWindow()
    qtbot.addWidget(login)
    login.set_ready(True)
    login.button.click()
    assert login.message.text() == "请输入警号"


def test_officer_and_secretary_navigation(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    officer = _main_window(qtbot, sqlite_demo_db, "200001")
    assert _labels(officer) >= OFFICER_PAGES
    assert not (_labels(officer) & {"题库", "试卷", "人员", "统计", "证书", "设置"})
    assert "张伟" in officer.who.text()
    secretary = _main_window(qtbot, sqlite_demo_db, "100001")
    assert _labels(secretary) >= SECRETARY_PAGES


def test_every_page_is_in_the_sidebar_without_scrolling_at_1280x720(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    window = _main_window(qtbot, sqlite_demo_db, "000001")       # the administrator: the most pages
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    sidebar = window.sidebar
    assert sidebar.count() * ITEM_HEIGHT > sidebar.viewport().height()     # roomy rows would not fit
    qtbot.waitUntil(lambda: sidebar.verticalScrollBar().maximum() == 0)
    last = sidebar.visualItemRect(sidebar.item(sidebar.count() - 1))
    assert last.bottom() <= sidebar.viewport().height()
    window.resize(1280, 1000)                                      # room enough: the roomy rows again
    qtbot.waitUntil(lambda: sidebar.item(0).sizeHint().height() == ITEM_HEIGHT)
    assert sidebar.verticalScrollBar().maximum() == 0


def test_every_page_opens(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    window = _main_window(qtbot, sqlite_demo_db, "000001")
    for spec in window.specs:
        window.go(spec.key)
        qtbot.waitUntil(lambda: window.ctx.tasks.pending == 0, timeout=10000)
        assert window.stack.currentIndex() == window.specs.index(spec)


def test_user_errors_are_shown_as_messages(qtbot: QtBot) -> None:
    from gui.errors import show_exception

    with mock.patch.object(QMessageBox, "warning") as warning:
        show_exception(parent=None, exception=InvalidInput("题库.xlsx 第65行 答案：为空"))
    assert warning.call_args.args[2] == "题库.xlsx 第65行 答案：为空"
    with mock.patch.object(QMessageBox, "exec") as shown:
        show_exception(parent=None, exception=ZeroDivisionError("boom"))
    assert shown.called


def test_qt_standard_buttons_speak_chinese(qtbot: QtBot) -> None:
    from gui.app import install_qt_translations

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_qt_translations(app, "zh_CN")
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "t", "q",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        qtbot.addWidget(box)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert any("是" in t for t in texts) and any("否" in t for t in texts), texts
        from PySide6.QtCore import QDate, QLocale
        from PySide6.QtWidgets import QFileDialog, QLabel

        dialog = QFileDialog(None, "t")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        labels = {w.text() for w in dialog.findChildren(QLabel)}
        assert not labels & {"Look in:", "Files of type:", "File name:"}, labels
        assert QLocale().toString(QDate(2026, 12, 6), QLocale.FormatType.ShortFormat) == "2026/12/6"
    finally:
        install_qt_translations(app, "en")


def test_language_chosen_at_login_is_remembered(qtbot: QtBot) -> None:
    from core.infra import localconfig
    from gui.app import Controller, startup_language

    localconfig.put("language", "zh_CN")
    controller = Controller(None)          # not started: no database is opened
    qtbot.addWidget(controller.login)
    controller.login.lang.setCurrentIndex(1)
    qtbot.addWidget(controller.login)      # the login window, rebuilt in English
    assert language() == "en" and controller.login.lang.currentData() == "en"
    assert localconfig.get("language") == "en"
    assert startup_language() == "en"      # the next start opens in English
    controller.login.lang.setCurrentIndex(0)
    assert startup_language() == "zh_CN"
    assert startup_language("en") == "en"  # --lang wins


def test_login_title_and_form_stay_put(qtbot: QtBot) -> None:
    login = LoginWindow()
    qtbot.addWidget(login)
    login.resize(1280, 720)
    login.show()
    qtbot.waitExposed(login)
    assert "学习园地" not in login.windowTitle()   # Qt appends the application's name itself
    before = login.badge.mapTo(login, login.badge.rect().topLeft())
    login.set_ready(True)
    login.set_demo_hint(demo_hint("demo1234", "demo12345"))
    qtbot.wait(50)
    assert login.badge.mapTo(login, login.badge.rect().topLeft()) == before


def test_a_document_that_cannot_be_opened_says_where_it_is(qtbot: QtBot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QDesktopServices

    from gui import files

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: told.append(text)))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    pdf = tmp_path / "报表.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert files.open_document(None, pdf) is False
    assert told and str(pdf) in told[0]
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: True)
    assert files.open_document(None, pdf) is True and len(told) == 1


def test_file_dialogs_remember_the_folder_of_each_purpose(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from gui import files

    app_folder = str(tmp_path.parent)
    assert files.start_folder("exports-test") != app_folder
    (tmp_path / "a").mkdir()
    starts: list[str] = []

    def fake(_parent, _caption, start, _filters, _selected=""):  # type: ignore[no-untyped-def]
        starts.append(start)
        return str(tmp_path / "a" / "x.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    files.save_file(None, "exports-test", "t", "报表.pdf", "PDF (*.pdf)")
    files.save_file(None, "exports-test", "t", "报表.pdf", "PDF (*.pdf)")
    assert starts[1] == str(tmp_path / "a" / "报表.pdf")
    assert files.start_folder("other-purpose") != tmp_path / "a"


def test_one_style_for_every_widget(qtbot: QtBot) -> None:
    import re
    from pathlib import Path

    from PySide6.QtWidgets import QStyle

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app)
    assert app.style().styleHint(QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons) == 0   # no stock icons
    images = re.findall(r"url\(([^)]+)\)", app.styleSheet())
    assert images and all(Path(p).is_file() for p in images)          # combo and spin box arrows exist
    assert "{" not in "".join(images)


_FRESH_APP = """
import enum, sys
made = []
create = enum.EnumType._create_
def record(cls, name, *args, **kwargs):
    made.append(name)
    return create(cls, name, *args, **kwargs)
enum.EnumType._create_ = record
from PySide6.QtWidgets import QApplication
from gui.app import make_app
from gui.login import LoginWindow
app = make_app()
login = LoginWindow()
login.show()
app.processEvents()
before_login = list(made)
app.setStyleSheet("")
print(app.style().name(), "PrimitiveElement" in before_login)
"""


def test_a_new_application_starts_in_fusion_without_building_qstyles_enums() -> None:
    """make_app chooses Fusion when it creates the application (``-style``), so the login window
    shows without QStyle's Python type (and its large enums) being made."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("QT_STYLE_OVERRIDE", None)
    out = subprocess.run([sys.executable, "-c", _FRESH_APP], env=env, cwd=root, check=True, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["fusion", "False"]
