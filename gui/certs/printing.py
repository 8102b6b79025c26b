# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Batch printing of certificates: choose what and where, then a cancellable progress dialog.

Printing signs the certificates not signed yet; when the key is locked the passphrase is asked
for (administrators and secretaries) and the printing runs again once it is unlocked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QMessageBox,
    QWidget,
)

from base.i18n import N_, _
from core.access.permissions import Action
from core.certificates import usecases as cert
from core.certificates.batch import BatchResult, Selection
from core.certificates.keys import KeyLocked
from core.people.org import UnitNode
from gui import files
from gui.certs.keys import ask_unlock, may
from gui.context import AppContext
from gui.errors import show_exception

FORMATS = [("pdf", N_("一个 PDF 文件（每人一页）")), ("dir", N_("文件夹（每人一个 PDF）")),
           ("zip", N_("ZIP 压缩包（每人一个 PDF）"))]


class PrintDialog(QDialog):
    def __init__(self, parent: QWidget, form: cert.PrintForm) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("批量打印证书"))
        self.setMinimumWidth(460)
        self.quiz = QComboBox()
        self.quiz.addItem(_("全部试卷"), None)
        for qid, title, _mode in form.quizzes:
            self.quiz.addItem(title, qid)
        self.unit = QComboBox()
        self.unit.addItem(_("全部单位"), None)         # everything the user may print
        for root in form.units:
            self._add_units(root, 0)
        self.use_since = QCheckBox(_("只打印此日期之后的"))
        self.since = QDateEdit(QDate.currentDate().addMonths(-3))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setEnabled(False)
        self.use_since.toggled.connect(self.since.setEnabled)
        since_row = QHBoxLayout()
        since_row.addWidget(self.use_since)
        since_row.addWidget(self.since, 1)
        self.format = QComboBox()
        for key, label in FORMATS:
            self.format.addItem(_(label), key)
        rows = QFormLayout(self)
        rows.addRow(_("试卷"), self.quiz)
        rows.addRow(_("单位（含下级）"), self.unit)
        rows.addRow(_("日期"), since_row)
        rows.addRow(_("输出"), self.format)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("开始打印"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        rows.addRow(buttons)

    def _add_units(self, node: UnitNode, depth: int) -> None:
        self.unit.addItem("　" * depth + node.name, node.id)
        for child in node.children:
            self._add_units(child, depth + 1)

    def selection(self) -> Selection:
        since = self.since.date().toPython() if self.use_since.isChecked() else None
        return Selection(quiz_id=self.quiz.currentData(), unit_id=self.unit.currentData(),
                         since=since if isinstance(since, dt.date) else None)

    def target(self) -> Path | None:
        mode = self.format.currentData()
        base = _("证书")
        if mode == "dir":
            folder = files.folder(self, "certificates", _("选择保存证书的文件夹"))
            return Path(folder) if folder else None
        suffix = ".pdf" if mode == "pdf" else ".zip"
        pattern = _("PDF 文件 (*.pdf)") if mode == "pdf" else _("ZIP 压缩包 (*.zip)")
        path, _f = files.save_file(self, "certificates", _("保存证书"), base + suffix, pattern)
        if not path:
            return None
        return Path(path) if path.lower().endswith(suffix) else Path(path + suffix)


def run_print(ctx: AppContext, parent: QWidget, sel: Selection, target: Path) -> None:
    """Print in the background with a progress dialog (cancel stops it), then open the result."""

    def done(result: BatchResult) -> None:
        text = _("已生成 {n} 份证书：{p}", n=result.count, p=result.path)
        if result.warnings:
            text += "\n\n" + _("请注意：") + "\n" + "\n".join(result.warnings[:10])
        QMessageBox.information(parent, _("批量打印证书"), text)
        files.open_document(parent, result.path)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, KeyLocked) and not exc.needs_setup and may(ctx, Action.CERT_KEY_UNLOCK):
            ask_unlock(ctx, parent, lambda: run_print(ctx, parent, sel, target), message=str(exc))
        else:
            show_exception(parent=parent, exception=exc)

    (ctx.call(cert.print_certificates, sel, target).with_progress(_("正在生成证书…")).success(done)
     .failure(failed).run(parent))
