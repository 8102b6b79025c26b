# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The one way the GUI shows errors.

A :class:`base.errors.StudyHallError` is shown as its (user-facing) message. Any
other exception is a bug: the traceback goes to the log file, and the user sees
a calm message that names the log file, never a raw traceback.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QWidget

from base.errors import StudyHallError
from base.i18n import _

log = logging.getLogger("studyhall")


def log_file_path() -> str:
    from core.infra.paths import data_dir

    folder = data_dir() / "logs"
    folder.mkdir(exist_ok=True)
    return str(folder / "studyhall.log")


def setup_logging() -> None:
    handler = logging.FileHandler(log_file_path(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def show_exception(*, parent: QWidget | None, exception: BaseException) -> None:
    from PySide6.QtWidgets import QMessageBox  # not needed before the first error (start-up)

    if isinstance(exception, StudyHallError):
        QMessageBox.warning(parent, _("无法完成"), str(exception))
        return
    log.error("unexpected error", exc_info=(type(exception), exception, exception.__traceback__))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("出错了"))
    box.setText(_("程序遇到意外问题，刚才的操作没有完成。已保存的答案和学习记录不受影响。"))
    box.setInformativeText(_("详细信息已记录在日志文件中，请联系管理员：\n{path}", path=log_file_path()))
    box.exec()


def install_excepthook() -> None:
    """Route uncaught exceptions (main thread and worker threads) to :func:`show_exception`."""

    def hook(etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        value.__traceback__ = tb
        app = QApplication.instance()
        if app is None:
            traceback.print_exception(etype, value, tb)
            return
        show_exception(parent=QApplication.activeWindow(), exception=value)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.error("error in thread %s", args.thread, exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = hook
    threading.excepthook = thread_hook
