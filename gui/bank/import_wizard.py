# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The import wizard: files → preview (with column mapping when needed) → target bank → result.

Every file read (the preview, a sheet's first rows for the column mapping) and every
query runs off the GUI thread through the bank use cases; reading and storing show a
cancellable progress dialog. Nothing is stored before the last step; by default an
import with errors stores nothing unless “跳过有错误的题目” is ticked.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from base.i18n import N_, _
from base.problems import Problem, Severity
from core.bank import usecases as bank_uc
from core.bank.banks import BankInfo
from core.bank.importing import ImportReport
from gui import theme
from gui.bank.mapping import ColumnMappingDialog
from gui.bank.preview import FILTERS, PreviewModel, PreviewTable
from gui.context import AppContext
from gui.widgets import make_table, text_label
from quizbank import formats
from quizbank.layout import SUPPORTED, describe
from quizbank.model import LAYOUT_GUESSED, LAYOUT_HEADER, LAYOUT_NUMBERED, NO_HEADER, ImportResult, QType

FILTER_LABELS = {"all": N_("全部"), "errors": N_("只看错误"), "warnings": N_("只看警告")}
MAX_FITTED_ROWS = 500          # rows measured for their height in the errors / warnings views


def _type_label(qtype: str) -> str:
    try:
        return QType(qtype).label
    except ValueError:
        return qtype


class FilesPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("选择题库文件"))
        self.setSubTitle(_("可以一次选择多个文件：Excel/WPS 表格、Word、文本、CSV、GIFT、Aiken、Moodle XML、JSON、JSONL"))
        lay = QVBoxLayout(self)
        self.list = QListWidget()
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        add = QPushButton(_("添加文件…"))
        add.setProperty("primary", True)
        add.clicked.connect(self._choose)
        remove = QPushButton(_("移除所选"))
        remove.clicked.connect(self._remove)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)

    def _choose(self) -> None:
        names, _f = QFileDialog.getOpenFileNames(self, _("选择题库文件"), "", formats.file_dialog_filter())
        self.w.set_files(self.w.files + [Path(n) for n in names if Path(n) not in self.w.files])

    def _remove(self) -> None:
        rows = sorted((i.row() for i in self.list.selectedIndexes()), reverse=True)
        files = list(self.w.files)
        for r in rows:
            del files[r]
        self.w.set_files(files)

    def show_files(self) -> None:
        self.list.clear()
        for f in self.w.files:
            self.list.addItem(str(f))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.w.files)


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("预览"))
        self.setSubTitle(_("这是程序读懂的内容。红色是错误（该题不会导入），橙色是警告。"))
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.counts = QLabel()
        bar.addWidget(self.counts, 1)
        self.map_button = QPushButton(_("指定列…"))
        self.map_button.clicked.connect(self.w.map_columns)
        self.map_button.setVisible(False)
        bar.addWidget(self.map_button)
        self.filter = QComboBox()
        for key in FILTERS:
            self.filter.addItem(_(FILTER_LABELS[key]), key)
        self.filter.currentIndexChanged.connect(lambda _i: self.w.model.set_filter(self.filter.currentData()))
        bar.addWidget(self.filter)
        lay.addLayout(bar)
        # How each file or sheet was read: guessed columns, the mark answers came from, what a file
        # that gave nothing looked like.
        self.layouts = QLabel()
        self.layouts.setObjectName("LayoutNote")
        self.layouts.setWordWrap(True)
        self.layouts.setTextFormat(Qt.TextFormat.PlainText)
        self.layouts.setVisible(False)
        lay.addWidget(self.layouts)
        self.table = make_table(self.w.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # The problems column (last, stretched) gets the room: it is what the secretary must read.
        # A long location keeps both its file and its row number (elided in the middle).
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        for column, width in enumerate((210, 64, 300, 190, 90, 80)):
            self.table.setColumnWidth(column, width)
        self.w.model.modelReset.connect(self._fit_rows)
        lay.addWidget(self.table, 1)

    def _fit_rows(self) -> None:
        """In the errors or warnings view every problem is read whole: rows grow to their text
        (at most a few hundred rows are measured; the full view stays one line a row, fast)."""
        wrap = self.w.model.mode != "all" and self.w.model.rowCount() <= MAX_FITTED_ROWS
        self.table.setWordWrap(wrap)
        if wrap:
            QTimer.singleShot(0, self.table.resizeRowsToContents)

    def initializePage(self) -> None:
        self.w.parse()

    def show_result(self, result: ImportResult, table: PreviewTable) -> None:
        m = self.w.model
        m.set_table(table)
        self.counts.setText(_("读懂 {q} 题；有错误 {e} 处，有警告 {wn} 处", q=len(result.questions),
                              e=table.errors, wn=table.warnings))
        notes = layout_notes(result)
        self.layouts.setText("\n".join(notes))
        self.layouts.setVisible(bool(notes))
        self.map_button.setText(_("指定列…") if self.w.unmapped() else _("修改列…"))
        self.map_button.setVisible(bool(self.w.correctable()))
        first = table.first_problem if m.mode == "all" else (0 if m.rows else None)
        if first is not None:
            target = m.index(first, 0)
            QTimer.singleShot(0, lambda: self.table.scrollTo(target, QAbstractItemView.ScrollHint.PositionAtTop))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.read is not None


def layout_notes(result: ImportResult) -> list[str]:
    """Lines saying how the files were read: every sheet not read under its own header (guessed
    columns, one text per row, numbered lists with marked answers), and for a preview that found
    no question, what each file looked like and what can be read."""
    notes = [describe(layout) + (_("（不对时点“修改列…”）") if layout.kind == LAYOUT_GUESSED else "")
             for layout in result.layouts if layout.kind not in (LAYOUT_HEADER, LAYOUT_NUMBERED) or layout.mark]
    if not result.questions:
        notes = [describe(layout, detail=True) for layout in result.layouts]
        notes.append(_("没有读到任何试题。") + _(SUPPORTED) + "。")
    return ["• " + n for n in notes[:8]] + ([_("…… 另有 {n} 项", n=len(notes) - 8)] if len(notes) > 8 else [])


class TargetPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("导入到题库"))
        self.setSubTitle(_("选择已有题库或输入新题库名称；与题库中已有题目重复的不会再次导入。"))
        form = QFormLayout(self)
        self.bank = QComboBox()
        self.bank.setEditable(True)
        self.bank.currentTextChanged.connect(lambda _t: self.w.check())
        form.addRow(_("题库"), self.bank)
        self.category = QLineEdit()
        self.category.setPlaceholderText(_("没有分类的题目归入此分类（可不填）"))
        self.category.editingFinished.connect(self.w.check)
        form.addRow(_("分类"), self.category)
        self.skip = QCheckBox(_("跳过有错误的题目"))
        self.skip.toggled.connect(lambda _b: self.w.check())
        form.addRow("", self.skip)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        form.addRow(_("将要导入"), self.counts)

    def initializePage(self) -> None:
        default = self.w.files[0].stem if self.w.files else ""
        self.bank.blockSignals(True)
        self.bank.clear()
        self.bank.addItems(self.w.bank_names)
        self.bank.setEditText(default)
        self.bank.blockSignals(False)
        self.w.check()

    def show_report(self, report: ImportReport) -> None:
        text = report.summary()
        errors = len(report.errors)
        if errors and not self.skip.isChecked():
            text += "\n" + _("有 {n} 个错误：不勾选“跳过有错误的题目”将不会导入任何题目", n=errors)
            self.counts.setStyleSheet(f"color: {theme.ACCENT};")
        else:
            self.counts.setStyleSheet("")
        self.counts.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        r = self.w.dry_report
        return bool(self.bank.currentText().strip()) and r is not None and r.imported > 0 and (
            not r.errors or self.skip.isChecked())

    def validatePage(self) -> bool:
        if self.w.stored is not None:
            return True
        self.w.store()
        return False


class ResultPage(QWizardPage):
    """What the import did: the summary, then the counts by type and what was left out."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("完成"))
        lay = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setObjectName("CardValue")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.details = QFormLayout()
        lay.addLayout(self.details)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setObjectName("Muted")
        lay.addWidget(self.notes)
        lay.addStretch(1)

    def show_report(self, report: ImportReport) -> None:
        while self.details.rowCount():
            self.details.removeRow(0)
        self.details.addRow(_("题库"), text_label(report.bank))
        self.details.addRow(_("新增题目"), text_label(str(report.imported)))
        for qtype, n in sorted(report.by_type.items()):
            self.details.addRow("    " + _type_label(qtype), text_label(str(n)))
        self.details.addRow(_("重复跳过"), text_label(str(report.duplicates)))
        self.details.addRow(_("有错误跳过"), text_label(str(report.invalid)))
        warnings = [str(p) for p in report.problems if p.severity is Severity.WARNING]
        shown = warnings[:8] + ([_("…… 另有 {n} 项", n=len(warnings) - 8)] if len(warnings) > 8 else [])
        self.notes.setText("\n".join(shown))


class ImportWizard(QWizard):
    """Emits ``imported`` with the report after the questions were stored."""

    imported = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("导入题库"))
        self.resize(1180, 680)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, _("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("取消"))
        # Once the questions are stored there is nothing left to cancel: the last page offers 完成 only.
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.files: list[Path] = []
        self.columns: dict[Path, dict[str, int]] = {}
        self.read: ImportResult | None = None     # what the readers understood
        self.dry_report: ImportReport | None = None
        self.stored: ImportReport | None = None
        self.bank_names: list[str] = []
        self._media = tempfile.TemporaryDirectory(prefix="studyhall-wizard-")
        self.model = PreviewModel()
        self.files_page = FilesPage(self)
        self.preview_page = PreviewPage(self)
        self.target_page = TargetPage(self)
        self.result_page = ResultPage()
        for page in (self.files_page, self.preview_page, self.target_page, self.result_page):
            self.addPage(page)
        self.target_page.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("导入"))
        self.finished.connect(lambda _r: self._media.cleanup())
        ctx.call(bank_uc.list_banks).success(self._show_banks).run(self)

    def _show_banks(self, banks: list[BankInfo]) -> None:
        self.bank_names = [b.name for b in banks if b.manageable]   # one may import only into these

    def set_files(self, files: list[Path]) -> None:
        self.files = list(files)
        self.read = None
        self.files_page.show_files()

    # --- parsing -----------------------------------------------------------------------

    def parse(self) -> None:
        self.read = None
        self.dry_report = None
        (self.ctx.call(bank_uc.preview_files, list(self.files), columns=dict(self.columns),
                       media_dir=Path(self._media.name))
         .then(lambda result: (result, PreviewTable.of(result)))    # the table's rows, off the GUI thread too
         .with_progress(_("正在读取题库文件…")).success(self._parsed).run(self))

    def _parsed(self, parsed: tuple[ImportResult, PreviewTable]) -> None:
        self.read, table = parsed
        self.preview_page.show_result(self.read, table)

    def unmapped(self) -> list[Problem]:
        """Header-less sheets the user has not mapped yet."""
        if self.read is None:
            return []
        return [p for p in self.read.problems if p.code == NO_HEADER]

    def correctable(self) -> list[tuple[str, dict[str, int] | None]]:
        """(file name, guessed columns) of every sheet whose columns the user may set: unmapped
        sheets first (no guess), then sheets read with guessed columns."""
        if self.read is None:
            return []
        out: list[tuple[str, dict[str, int] | None]] = [(p.file, None) for p in self.unmapped()]
        out += [(lay.file, lay.columns) for lay in self.read.layouts if lay.kind == LAYOUT_GUESSED]
        return out

    def map_columns(self) -> None:
        pending = self.correctable()
        if not pending:
            return
        name, guessed = pending[0]
        path = next((f for f in self.files if f.name == name), None)
        if path is None:
            return

        def ask(rows: list[list[str]]) -> None:
            dialog = ColumnMappingDialog(path, rows, self.columns.get(path) or guessed, self)
            if dialog.exec():
                self.apply_mapping(path, dialog.mapping())

        self.ctx.call(bank_uc.sheet_first_rows, path).with_progress(_("正在读取题库文件…")).success(ask).run(self)

    def apply_mapping(self, path: Path, mapping: dict[str, int]) -> None:
        """Re-read with the user's mapping (0-based columns) for ``path``."""
        self.columns[path] = mapping
        self.parse()

    # --- target and storing ------------------------------------------------------------

    def _options(self) -> dict[str, Any]:
        category = self.target_page.category.text().strip() or None
        return {"bank": self.target_page.bank.currentText().strip(), "category": category,
                "skip_invalid": self.target_page.skip.isChecked()}

    def check(self) -> None:
        """Dry-run against the chosen bank: counts and duplicates before anything is stored."""
        if self.read is None or not self.target_page.bank.currentText().strip():
            return
        opts = self._options()

        def done(report: ImportReport) -> None:
            if opts == self._options():
                self.dry_report = report
                self.target_page.show_report(report)

        self.ctx.call(bank_uc.check_import, self.read, **opts).success(done).run(self)

    def store(self) -> None:
        assert self.read is not None
        self.ctx.call(bank_uc.store_import, self.read, **self._options()).with_progress(
            _("正在保存题目…")).success(self._stored).run(self)

    def _stored(self, report: ImportReport) -> None:
        self.stored = report
        text = report.summary()
        self.result_page.message.setText(text if report.stored else _("未导入：{s}", s=text))
        self.result_page.show_report(report)
        if report.stored:
            self.imported.emit(report)   # screens showing banks refresh on the use case's Change.BANKS
        self.next()
