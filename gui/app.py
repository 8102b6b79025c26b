# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Application start-up: show the login window first, open the database behind it.

Only Qt is imported before the window is on screen; SQLAlchemy, Alembic and the
core services load on a worker thread while the officer types the badge number.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from base.i18n import _, language, set_language
from gui import theme
from gui.login import LoginWindow, demo_hint


class Controller(QObject):
    """Owns the login window, the database and the main window; switches between them."""

    backend_ready = Signal(object, object)   # (Database | None, error | None)

    def __init__(self, db_url: str | None) -> None:
        super().__init__()
        self.db_url = db_url
        self.db: Any = None
        self.tasks: Any = None
        self.main: Any = None
        self.password_dialog: Any = None     # "设置新密码" after logging in with an initial password
        self.login = LoginWindow()
        self.login.login_requested.connect(self._login)
        self.login.language_changed.connect(self._change_language)
        self.backend_ready.connect(self._on_backend)

    def start(self) -> None:
        self.login.show()
        QTimer.singleShot(0, self._load_backend)

    # --- background start-up ---------------------------------------------------------
    def _load_backend(self) -> None:
        import threading

        from gui.collector import MainThreadCollector

        MainThreadCollector.install()  # before the first worker thread: collect on this thread only

        def work() -> None:
            try:
                from core.infra.db import open_database
                from core.infra.paths import default_db_url

                db = open_database(self.db_url or default_db_url())
                import gui.mainwindow  # noqa: F401  (warm the import while the user types)
                from core.infra.passwords import prepare_dummy

                prepare_dummy()   # the dummy hash unknown badges are checked against, so no login pays for it
                from core.quiz.upkeep import settle_expired

                settle_expired(db)   # exams that ran out while their PCs were off are submitted now
                self.backend_ready.emit(db, None)
            except Exception as exc:  # noqa: BLE001 - shown to the user below
                self.backend_ready.emit(None, exc)

        threading.Thread(target=work, name="studyhall-startup", daemon=True).start()

    def _on_backend(self, db: Any, error: BaseException | None) -> None:
        from gui.errors import setup_logging, show_exception
        from gui.tasks import TaskManager

        if error is not None:
            self.login.set_ready(False, status=str(error))
            show_exception(parent=self.login, exception=error)
            return
        setup_logging()
        self.db = db
        self.tasks = TaskManager()
        self._ask_state()

    def _ask_state(self) -> None:
        from core.access.actor import ANONYMOUS
        from core.people.usecases import database_state
        from gui.tasks import CoreOp

        op = CoreOp(lambda: database_state(self.db, ANONYMOUS), parent=self.login)
        op.success(lambda state: self._apply_state(state.accounts, state.demo)).run_in_background(self.tasks)

    def _apply_state(self, users: int, is_demo: bool) -> None:
        if users == 0:
            self._offer_demo()
            return
        self.login.set_ready(True)
        if is_demo:
            from core.demo import DEMO_EXCHANGE_PASSPHRASE, DEMO_PASSWORD

            self.login.set_demo_hint(demo_hint(DEMO_PASSWORD, DEMO_EXCHANGE_PASSPHRASE))

    def _offer_demo(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self.login, _("欢迎使用学习园地"),
            _("数据库还是空的。是否载入演示数据（单位、人员、题库、学习资料和试卷）？\n"
              "不载入也可以：请用命令 “user add” 创建管理员账号。"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.login.set_ready(False, status=_("数据库中还没有任何账号。请先创建管理员账号。"))
            return
        from core.access.actor import ANONYMOUS
        from core.admin.usecases import load_demo
        from gui.tasks import CoreOp

        (CoreOp(lambda progress, cancel: load_demo(self.db, ANONYMOUS, progress=progress, cancel=cancel),
                parent=self.login)
         .with_progress(_("正在载入演示数据…"))
         .success(lambda _steps: self._apply_state(1, True))
         .run_in_background(self.tasks))

    # --- login / logout --------------------------------------------------------------
    def _login(self, badge: str, password: str) -> None:
        from base.errors import StudyHallError
        from core.access.actor import ANONYMOUS
        from core.people.usecases import log_in
        from gui.tasks import CoreOp

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StudyHallError):
                self.login.fail(str(exc))
            else:
                self.login.fail(_("登录失败"))
                from gui.errors import show_exception

                show_exception(parent=self.login, exception=exc)

        (CoreOp(lambda: log_in(self.db, ANONYMOUS, badge, password), parent=self.login)
         .success(lambda user: self._logged_in(user, password)).failure(failed).run_in_background(self.tasks))

    def _logged_in(self, user: Any, password: str) -> None:
        """An initial or reset password must be replaced before the main window opens."""
        if not user.must_change_password:
            self._open_main(user)
            return
        import dataclasses

        from base.errors import StudyHallError
        from core.people.usecases import change_own_password
        from gui.people.password import NewPasswordDialog
        from gui.tasks import CoreOp

        dialog = NewPasswordDialog(user, password, parent=self.login)
        self.password_dialog = dialog

        def changed(_result: None) -> None:
            dialog.accept()
            self.password_dialog = None
            self._open_main(dataclasses.replace(user, must_change_password=False))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StudyHallError):
                dialog.fail(str(exc))
                return
            dialog.fail(_("保存失败"))
            from gui.errors import show_exception

            show_exception(parent=dialog, exception=exc)

        def submit(new_password: str) -> None:
            (CoreOp(lambda: change_own_password(self.db, user.actor, password, new_password), parent=dialog)
             .success(changed).failure(failed).run_in_background(self.tasks))

        def cancelled() -> None:
            self.password_dialog = None
            self.login.password.clear()
            self.login.fail(_("请先设置新密码才能使用学习园地"))

        dialog.submitted.connect(submit)
        dialog.rejected.connect(cancelled)
        dialog.open()

    def _open_main(self, user: Any) -> None:
        from gui.context import AppContext
        from gui.mainwindow import MainWindow

        self.main = MainWindow(AppContext(self.db, user, self.tasks))
        self.main.logout_requested.connect(self._logout)
        self.main.show()
        self.login.hide()
        self.login.password.clear()
        self.login.message.setText("")
        self.login.button.setEnabled(True)

    def _logout(self) -> None:
        from core.certificates.keys import forget_unlocked

        forget_unlocked()            # the certificate signing key is unlocked for one login only
        if self.main is not None:
            self.main.session_lock.sign_out()   # exam windows and readers close first, losing nothing
            self.main.close()
            self.main.deleteLater()
            self.main = None
        self.login.show()
        self.login.badge.setFocus()

    def _change_language(self, lang: str) -> None:
        """Rebuild the login window in the chosen language (main windows are built after login);
        the choice is this PC's from now on (the next start opens in it)."""
        from core.infra import localconfig

        set_language(lang)
        localconfig.put("language", lang)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_qt_translations(app, lang)
        old = self.login
        self.login = LoginWindow()
        self.login.login_requested.connect(self._login)
        self.login.language_changed.connect(self._change_language)
        self.login.setGeometry(old.geometry())
        self.login.badge.setText(old.badge.text())
        if self.db is not None:
            self._ask_state()
        self.login.show()
        old.close()
        old.deleteLater()

    def shutdown(self) -> None:
        if self.tasks is not None:
            self.tasks.shutdown()
        if self.db is not None:
            self.db.dispose()


_qt_translator: QTranslator | None = None


def install_qt_translations(app: QApplication, lang: str) -> None:
    """Qt's own texts (Yes/No, Cancel, file dialogs) in the UI language, from Qt's bundled catalogues."""
    global _qt_translator
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    # Dates and numbers in Qt's own widgets (the file dialog's "修改日期") follow the UI language,
    # not the PC's locale (often "C" on a station PC: dates read "6 12 2026").
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    if lang != "zh_CN":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        app.installTranslator(translator)
        _qt_translator = translator


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    # A new application takes its style from its arguments (see theme.apply); an existing one is set.
    app = existing or QApplication([*(argv or sys.argv[:1]), "-style", theme.STYLE])
    assert isinstance(app, QApplication)
    app.setApplicationName("StudyHall")
    app.setApplicationDisplayName(_("学习园地"))
    install_qt_translations(app, language())
    theme.apply(app, style_chosen=existing is None)
    return app


def startup_language(lang: str | None = None) -> str:
    """The UI language to start in: ``lang`` when given, else this PC's last choice, else Chinese."""
    if lang is None:
        from core.infra import localconfig

        lang = localconfig.get("language")
    return lang if lang in ("zh_CN", "en") else "zh_CN"


def run_gui(*, db_url: str | None = None, lang: str | None = None) -> int:
    set_language(startup_language(lang))
    app = make_app()
    from gui.errors import install_excepthook

    install_excepthook()
    controller = Controller(db_url)
    controller.start()
    if os.environ.get("STUDYHALL_EXIT_WHEN_SHOWN"):
        # Used by bench/workloads/startup.py: quit once the login window has been painted.
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    controller.shutdown()   # waits for the database worker: every answer and heartbeat is stored
    # Leave without Python's finalisation tearing down Qt objects in arbitrary order (a known source
    # of crashes on exit with PySide6); everything that matters is written and closed above.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))
