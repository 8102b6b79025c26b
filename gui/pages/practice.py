# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""练习: by bank/category (in order or at random), 每日一练, and the 错题本, with instant feedback."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _
from core.models import Role
from core.quiz import usecases as quiz
from core.quiz.practice import DAILY_COUNT, BankSource
from core.quiz.wrongbook import WrongEntry
from gui.context import AppContext
from gui.pages import PageSpec
from gui.quiz.runner import PracticeRunner
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table


class PracticePage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("练习"), _("按题库或分类练习、每日一练、错题本；每答一题立即判分并给出解析。"))
        self.ctx = ctx
        self.sources: list[BankSource] = []
        body = QHBoxLayout()
        body.setSpacing(16)
        self.tabs = QTabWidget()
        self.tabs.setFixedWidth(420)
        self.tabs.addTab(self._bank_tab(), _("题库练习"))
        self.tabs.addTab(self._daily_tab(), _("每日一练"))
        self.tabs.addTab(self._wrong_tab(), _("错题本"))
        body.addWidget(self.tabs)
        self.runner = PracticeRunner(ctx)
        self.runner.answered.connect(self._after_answer)
        body.addWidget(self.runner, 1)
        holder = QWidget()
        holder.setLayout(body)
        self.add(holder, 1)
        self.refresh()

    # --- tabs -------------------------------------------------------------------------------
    def _bank_tab(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        self.bank = QComboBox()
        self.bank.currentIndexChanged.connect(self._fill_categories)
        self.category = QComboBox()
        order = QHBoxLayout()
        self.in_order = QRadioButton(_("顺序"))
        self.random = QRadioButton(_("随机"))
        self.in_order.setChecked(True)
        group = QButtonGroup(w)
        for b in (self.in_order, self.random):
            group.addButton(b)
            order.addWidget(b)
        order.addStretch(1)
        self.count = QSpinBox()
        self.count.setRange(5, 100)
        self.count.setValue(20)
        self.count.setSuffix(_(" 题"))
        form.addRow(_("题库"), self.bank)
        form.addRow(_("分类"), self.category)
        form.addRow(_("顺序"), order)
        form.addRow(_("题数"), self.count)
        start = QPushButton(_("开始练习"))
        start.setProperty("primary", True)
        start.clicked.connect(self._start_bank)
        form.addRow(start)
        note = QLabel(_("顺序练习会从还没答对过的题目接着往下练。"))
        note.setObjectName("Muted")
        note.setWordWrap(True)
        form.addRow(note)
        return w

    def _daily_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.daily_label = QLabel("")
        self.daily_label.setWordWrap(True)
        self.daily_label.setStyleSheet("font-size: 16px;")
        lay.addWidget(self.daily_label)
        start = QPushButton(_("开始今天的练习"))
        start.setProperty("primary", True)
        start.clicked.connect(self._start_daily)
        lay.addWidget(start)
        lay.addStretch(1)
        return w

    def _wrong_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        row = QHBoxLayout()
        self.wrong_cat = QComboBox()
        self.wrong_cat.currentIndexChanged.connect(lambda _i: self._load_wrong())
        row.addWidget(self.wrong_cat, 1)
        go = QPushButton(_("练习错题"))
        go.setProperty("primary", True)
        go.clicked.connect(self._start_wrong)
        row.addWidget(go)
        lay.addLayout(row)
        self.wrong_rows: RowsModel[WrongEntry] = RowsModel([
            Column(_("题目"), lambda e: e.stem),
            Column(_("答错"), lambda e: _("{n} 次", n=e.wrong_count), align_right=True),
            Column(_("连对"), lambda e: e.right_streak, align_right=True),
        ])
        table = make_table(self.wrong_rows, stretch_column=0)
        table.setWordWrap(False)
        self.wrong_box = EmptyOr(table, _("错题本是空的。答错的题会自动记到这里，连续答对两次就会移出。"))
        lay.addWidget(self.wrong_box, 1)
        return w

    # --- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctx.call(quiz.practice_overview).success(self._show).run(self)

    def _show(self, data: quiz.PracticeOverview) -> None:
        self.sources, done, cats = data.sources, data.daily_done, data.wrong_categories
        keep = self.bank.currentData()
        self.bank.blockSignals(True)
        self.bank.clear()
        self.bank.addItem(_("全部题库"), None)
        for src in self.sources:
            self.bank.addItem(_("{name}（{n} 题）", name=src.name, n=src.total), src.bank_id)
        self.bank.setCurrentIndex(max(0, self.bank.findData(keep)))
        self.bank.blockSignals(False)
        self._fill_categories()
        self.daily_label.setText(_("每天 {n} 道没练过的新题，全天不变。\n今天已完成 {d} / {n} 题。", n=DAILY_COUNT,
                                   d=min(done, DAILY_COUNT)))
        keep_cat = self.wrong_cat.currentData()
        self.wrong_cat.blockSignals(True)
        self.wrong_cat.clear()
        self.wrong_cat.addItem(_("全部分类（{n} 题）", n=sum(cats.values())), None)
        for cat, n in cats.items():
            self.wrong_cat.addItem(_("{c}（{n} 题）", c=cat or _("未分类"), n=n), cat)
        self.wrong_cat.setCurrentIndex(max(0, self.wrong_cat.findData(keep_cat)))
        self.wrong_cat.blockSignals(False)
        self._load_wrong()

    def _fill_categories(self) -> None:
        bank_id = self.bank.currentData()
        cats: dict[str, int] = {}
        for src in self.sources:
            if bank_id is None or src.bank_id == bank_id:
                for c, n in src.categories.items():
                    cats[c] = cats.get(c, 0) + n
        self.category.clear()
        self.category.addItem(_("全部分类"), None)
        for c, n in sorted(cats.items()):
            self.category.addItem(_("{c}（{n} 题）", c=c or _("未分类"), n=n), c)

    def _load_wrong(self) -> None:
        def show(rows: list[WrongEntry]) -> None:
            self.wrong_rows.set_rows(rows)
            self.wrong_box.show_content(bool(rows))

        self.ctx.call(quiz.wrongbook_entries, category=self.wrong_cat.currentData()).success(show).run(self)

    def _after_answer(self) -> None:
        self.refresh()

    # --- starting runs ----------------------------------------------------------------------
    def _start_bank(self) -> None:
        order = "random" if self.random.isChecked() else "sequential"
        title = _("题库练习 · {b}", b=self.bank.currentText().split("（")[0])
        (self.ctx.call(quiz.practice_set, bank_id=self.bank.currentData(), category=self.category.currentData(),
                       order=order, count=self.count.value())
         .success(lambda items: self.runner.start(title, items, "bank")).run(self))

    def _start_daily(self) -> None:
        self.ctx.call(quiz.daily_set).success(lambda items: self.runner.start(_("每日一练"), items, "daily")).run(self)

    def _start_wrong(self) -> None:
        cat = self.wrong_cat.currentData()
        title = _("错题练习 · {c}", c=cat) if cat else _("错题练习")
        (self.ctx.call(quiz.wrongbook_set, category=cat)
         .success(lambda items: self.runner.start(title, items, "wrongbook")).run(self))


PAGE = PageSpec("practice", N_("练习"), "practice", 20, Role.OFFICER, PracticePage)
