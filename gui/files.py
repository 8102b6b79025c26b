# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""File dialogs that remember the last folder of each purpose (backups, exports, certificates…).

The first time, a dialog opens in the user's Documents folder (never the program's folder); after
that, in the folder last used for the same purpose on this PC (``localconfig`` key ``folders``).
Qt's own dialog texts and dates follow the UI language (``gui.app.install_qt_translations``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from base.i18n import _
from core.infra import localconfig


def start_folder(purpose: str) -> Path:
    """The folder a dialog for ``purpose`` opens in."""
    remembered = (localconfig.get("folders", {}) or {}).get(purpose)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember(purpose: str, path: str | Path) -> None:
    """Remember the folder of ``path`` (a file, or a folder itself) for ``purpose``."""
    chosen = Path(path)
    folder = chosen if chosen.is_dir() else chosen.parent
    folders = dict(localconfig.get("folders", {}) or {})
    folders[purpose] = str(folder)
    localconfig.put("folders", folders)


def open_file(parent: QWidget | None, purpose: str, caption: str, filters: str) -> str:
    """A file to read, or "" when cancelled."""
    path, _chosen = QFileDialog.getOpenFileName(parent, caption, str(start_folder(purpose)), filters)
    if path:
        remember(purpose, path)
    return path


def open_files(parent: QWidget | None, purpose: str, caption: str, filters: str) -> list[str]:
    paths, _chosen = QFileDialog.getOpenFileNames(parent, caption, str(start_folder(purpose)), filters)
    if paths:
        remember(purpose, paths[0])
    return paths


def save_file(parent: QWidget | None, purpose: str, caption: str, name: str, filters: str,
              selected: str = "") -> tuple[str, str]:
    """A file to write (suggested ``name`` in the remembered folder) and the chosen filter; "" when cancelled."""
    path, chosen = QFileDialog.getSaveFileName(parent, caption, str(start_folder(purpose) / Path(name).name),
                                               filters, selected)
    if path:
        remember(purpose, path)
    return path, chosen


def folder(parent: QWidget | None, purpose: str, caption: str) -> str:
    path = QFileDialog.getExistingDirectory(parent, caption, str(start_folder(purpose)))
    if path:
        remember(purpose, path)
    return path


def open_document(parent: QWidget | None, path: str | Path) -> bool:
    """Open a written file (a PDF to print, a folder) in the system's viewer; when that fails, say where
    the file is instead of failing silently."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QMessageBox.information(parent, _("无法自动打开"),
                            _("文件已保存到：\n{p}\n\n本机没有能打开它的程序（或打开失败）。请在文件夹中找到它，"
                              "用 PDF 阅读器或文件管理器打开。", p=str(path)))
    return False
