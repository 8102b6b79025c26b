# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""题库: the bank browser — banks with counts, searchable question table, edit, enable/disable, import, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _, colon
from core.access.usecase import Change
from core.bank import usecases as bank_uc
from core.bank.banks import BankInfo
from core.bank.questions import QuestionFilter
from core.models import Role
from gui import files
from gui.bank.question_model import QuestionTableModel
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Page, make_table, plain_tooltip
from quizbank import formats
from quizbank.model import DIFFICULTY_LABELS, QType

STATUS_LABELS = {"all": N_("全部状态"), "active": N_("已启用"), "disabled": N_("已停用")}


class BanksPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("题库"), _("搜索、查看和修改题目；修改会保存为新版本，已组卷和答题记录不受影响"))
        self.ctx = ctx
        self.banks: list[BankInfo] = []
        self.add_action(_("下载导入模板"), self.save_template)
        self.export_button = self.add_action(_("导出题库"), self.export)
        self.exam_only_button = self.add_action(_("仅用于考试"), self.toggle_exam_only)
        self.exam_only_button.setCheckable(True)
        self.exam_only_button.setToolTip(plain_tooltip(_("考试专用题库：在用到它的每场考试截止之前，不出现在练习、每日一练和错题本中")))
        self.add_action(_("导入题库"), self.open_import, primary=True)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._browser())
        self.stack.addWidget(self._empty())
        self.add(self.stack, 1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.apply_filter)
        ctx.on(Change.BANKS, self.refresh)
        self.refresh()

    # --- layout ------------------------------------------------------------------------

    def _empty(self) -> QWidget:
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.addStretch(1)
        text = QLabel(_("还没有题库 — 导入 Excel/Word 题库"))
        text.setObjectName("EmptyState")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(text)
        button = QPushButton(_("导入题库"))
        button.setProperty("primary", True)
        button.clicked.connect(self.open_import)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return holder

    def _browser(self) -> QWidget:
        left = QWidget()
        llay = QVBoxLayout(left)
        llay.setContentsMargins(0, 0, 0, 0)
        self.bank_list = QListWidget()
        self.bank_list.currentRowChanged.connect(lambda _r: self._bank_changed())
        llay.addWidget(self.bank_list, 1)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("Muted")
        self.counts_label.setWordWrap(True)
        self.counts_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        llay.addWidget(self.counts_label)
        left.setMinimumWidth(220)

        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("搜索题干，如“醉酒驾驶”"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        filters.addWidget(self.search, 2)
        self.type_combo = QComboBox()
        self.type_combo.addItem(_("全部题型"), None)
        for t in QType:
            self.type_combo.addItem(t.label, t.value)
        self.category_combo = QComboBox()
        self.category_combo.addItem(_("全部分类"), None)
        self.difficulty_combo = QComboBox()
        self.difficulty_combo.addItem(_("全部难度"), None)
        for level, label in DIFFICULTY_LABELS.items():
            self.difficulty_combo.addItem(_(label), level)
        self.status_combo = QComboBox()
        for key, label in STATUS_LABELS.items():
            self.status_combo.addItem(_(label), key)
        for combo in (self.type_combo, self.category_combo, self.difficulty_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
            filters.addWidget(combo, 1)
        rlay.addLayout(filters)
        self.model = QuestionTableModel(self.ctx)
        self.model.loaded.connect(self._loaded)
        self.table = make_table(self.model, stretch_column=2)
        self.table.setSelectionMode(self.table.SelectionMode.ExtendedSelection)
        self.table.doubleClicked.connect(lambda idx: self.open_question(self.model.summary(idx.row()).id))
        rlay.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.total_label = QLabel()
        self.total_label.setObjectName("Muted")
        bottom.addWidget(self.total_label, 1)
        for text, slot in ((_("查看/修改"), self._open_selected), (_("停用"), lambda: self._set_active(False)),
                           (_("启用"), lambda: self._set_active(True))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bottom.addWidget(button)
        rlay.addLayout(bottom)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 900])
        return split

    # --- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        self.ctx.call(bank_uc.list_banks).success(self._show_banks).run(self)

    def _show_banks(self, banks: list[BankInfo]) -> None:
        current = self.selected_bank_id()
        self.banks = banks
        self.stack.setCurrentIndex(0 if banks else 1)
        self.export_button.setEnabled(any(b.manageable for b in banks))
        self.bank_list.blockSignals(True)
        self.bank_list.clear()
        total = sum(b.total for b in banks)
        everything = QListWidgetItem(_("全部题库（{n}）", n=total))
        everything.setData(Qt.ItemDataRole.UserRole, None)
        self.bank_list.addItem(everything)
        row = 0
        for i, b in enumerate(banks, start=1):
            types = "  ".join(f"{QType(t).label} {n}" for t, n in b.by_type.items())
            shared = "" if b.manageable else " · " + (_("{u}共享", u=b.owner) if b.owner else _("全局共享"))
            exam = " · " + _("考试专用") if b.exam_only else ""
            item = QListWidgetItem(f"{b.name}（{b.total}）{shared}{exam}")
            item.setToolTip(plain_tooltip(types + ("" if b.manageable else "\n" + _("只读：由上级单位管理，可以查看和组卷"))))
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            self.bank_list.addItem(item)
            if b.id == current:
                row = i
        self.bank_list.setCurrentRow(row)
        self.bank_list.blockSignals(False)
        self._bank_changed()

    def selected_bank_id(self) -> int | None:
        item = self.bank_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _bank_changed(self) -> None:
        bank = next((b for b in getattr(self, "banks", []) if b.id == self.selected_bank_id()), None)
        self.exam_only_button.setEnabled(bank is not None and bank.manageable)
        self.exam_only_button.setChecked(bool(bank and bank.exam_only))
        self.ctx.call(bank_uc.bank_overview, self.selected_bank_id()).success(self._show_counts).run(self)

    def _show_counts(self, overview: bank_uc.BankOverview) -> None:
        c, cats = overview.counts, overview.categories
        lines = [_("启用 {n} 题，已停用 {d} 题", n=c.total, d=c.disabled)]
        lines += [f"{t.label}：{c.by_type[t.value]}" for t in QType if t.value in c.by_type]
        top = [f"  {k or _('未分类')}{colon()}{n}" for k, n in list(c.by_category.items())[:8]]
        if top:            # one category a line: a long comma list was clipped in the narrow column
            lines.append(_("按分类："))
            lines += top
            if len(c.by_category) > 8:
                lines.append("  " + _("…… 另有 {n} 项", n=len(c.by_category) - 8))
        self.counts_label.setText("\n".join(lines))
        chosen = self.category_combo.currentData()
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItem(_("全部分类"), None)
        for cat in cats:
            self.category_combo.addItem(cat, cat)
        self.category_combo.setCurrentIndex(max(self.category_combo.findData(chosen), 0))
        self.category_combo.blockSignals(False)
        self.apply_filter()

    def current_filter(self) -> QuestionFilter:
        return QuestionFilter(
            text=self.search.text().strip(), bank_id=self.selected_bank_id(), qtype=self.type_combo.currentData(),
            category=self.category_combo.currentData(), difficulty=self.difficulty_combo.currentData(),
            status=self.status_combo.currentData() or "all",
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def _loaded(self, total: int) -> None:
        self.total_label.setText(_("共 {n} 题", n=total))

    # --- actions -----------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.summary(r).id for r in sorted(rows)]

    def _open_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_question(ids[0])

    def open_question(self, question_id: int) -> None:
        from gui.bank.question_dialog import QuestionDialog

        QuestionDialog(self.ctx, question_id, self).exec()   # its changes refresh the page (Change.BANKS)

    def _set_active(self, active: bool) -> None:
        ids = self.selected_ids()
        if ids:
            self.ctx.call(bank_uc.set_active, ids, active).run(self)

    def toggle_exam_only(self) -> None:
        bank_id = self.selected_bank_id()
        if bank_id is not None:
            (self.ctx.call(bank_uc.set_exam_only, bank_id, self.exam_only_button.isChecked())
             .success(lambda _r: self.refresh()).run(self))

    def open_import(self) -> None:
        from gui.bank.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        wizard.exec()

    def export(self) -> None:
        bank_id = self.selected_bank_id()
        bank = next((b for b in self.banks if b.id == bank_id), None)
        mine = [b for b in self.banks if b.manageable]
        if bank is None and (len(self.banks) == 1 or (len(mine) == 1 and not self.ctx.user.is_admin)):
            bank = mine[0] if mine else self.banks[0]
        if (bank is not None and not bank.manageable) or (bank is None and not self.ctx.user.is_admin):
            QMessageBox.information(self, _("导出题库"), _("只能导出本单位管理的题库，请在左侧选择一个。"))
            return
        writable = [s for s in formats.formats().values() if s.write]
        filters = [f"{_(s.label)} ({' '.join('*' + e for e in s.extensions[:1])})" for s in writable]
        name = (bank.name if bank else _("全部题库")) + writable[-1].extensions[0]
        path, chosen = files.save_file(self, "banks", _("导出题库"), name, ";;".join(filters), filters[-1])
        if not path:
            return
        spec = writable[filters.index(chosen)] if chosen in filters else None
        target = Path(path)
        if spec is not None and target.suffix.lower() not in spec.extensions:
            target = target.with_suffix(spec.extensions[0])
        self.export_to(target, bank.name if bank else None, spec.name if spec else None)

    def export_to(self, path: Path, bank: str | None, format_name: str | None) -> None:
        """Export ``bank`` (every bank when None) to ``path`` in the background."""
        def done(exported: bank_uc.Exported) -> None:
            self.total_label.setText(_("已导出 {n} 题到 {file}", n=exported.count, file=path.name))

        self.ctx.call(bank_uc.export_bank, path, bank=bank, every_bank=bank is None,
                      format_name=format_name).success(done).run(self)

    def save_template(self) -> None:
        path, _f = files.save_file(self, "banks", _("下载导入模板"), _("题库导入模板.xlsx"), "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        self.save_template_to(target)

    def save_template_to(self, target: Path) -> None:
        self.ctx.call(bank_uc.write_template, target).success(
            lambda _p: self.total_label.setText(_("已保存模板：{file}", file=target.name))).run(self)


PAGE = PageSpec("banks", N_("题库"), "bank", 40, Role.SECRETARY, BanksPage)
