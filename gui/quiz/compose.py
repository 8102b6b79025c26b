# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The compose dialog: rules, draw sections with a live preview, fixed questions, audience."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _
from core.quiz import usecases as quiz
from core.quiz.catalog import MODE_LABELS
from core.quiz.compose import QuestionHit, SectionPreview
from core.quiz.spec import QuizSpec, SectionSpec
from core.quiz.usecases import QuizForm
from gui import theme
from gui.context import AppContext
from quizbank.model import QType

COUNTING = {"highest": N_("取最高分"), "last": N_("取最后一次"), "first": N_("取第一次")}
POLICY = {"all_or_nothing": N_("全对才得分"), "half_for_subset": N_("少选得一半，错选不得分"), "per_option": N_("按选项给分")}
REVIEW = {"score": N_("只公布成绩"), "answers": N_("成绩和正确答案"), "explanations": N_("成绩、答案和解析")}
_W = TypeVar("_W", bound=QWidget)
COLS = (N_("题型"), N_("题数"), N_("每题分值"), N_("题库"), N_("分类（逗号分隔）"), N_("难度配比 易/中/难"), N_("可抽题数"))


def _combo(items: dict[str, str], value: str) -> QComboBox:
    box = QComboBox()
    for key, label in items.items():
        box.addItem(_(label), key)
    box.setCurrentIndex(max(0, box.findData(value)))
    return box


def _dt_edit(value: dt.datetime | None, default: dt.datetime) -> tuple[QCheckBox, QDateTimeEdit]:
    check = QCheckBox()
    edit = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int((value or default).timestamp())))
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    check.setChecked(value is not None)
    edit.setEnabled(value is not None)
    check.toggled.connect(edit.setEnabled)
    return check, edit


class ComposeDialog(QDialog):
    def __init__(self, ctx: AppContext, data: QuizForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.data = ctx, data
        spec = data.spec or QuizSpec(title="", time_limit_min=30, pass_percent=60.0, attempts_allowed=2,
                                     multi_scoring="half_for_subset")
        self.setWindowTitle(_("编辑试卷") if data.quiz_id else _("新建试卷"))
        self.resize(1120, 660)
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic(spec), _("基本设置"))
        self.tabs.addTab(self._sections(spec), _("抽题规则"))
        self.tabs.addTab(self._fixed(spec), _("固定题目"))
        self.tabs.addTab(self._audience(spec), _("参考范围"))
        lay.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.total = QLabel("")
        self.total.setObjectName("Muted")
        row.addWidget(self.total, 1)
        for text, publish, primary in ((_("保存"), False, False), (_("保存并发布"), True, True)):
            b = QPushButton(text)
            b.setProperty("primary", primary)
            b.clicked.connect(lambda _c=False, p=publish: self.save(publish=p))
            row.addWidget(b)
        cancel = QPushButton(_("取消"))
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        lay.addLayout(row)
        self._update_total()

    # --- tabs -------------------------------------------------------------------------------
    def _basic(self, spec: QuizSpec) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        self.title_edit = QLineEdit(spec.title)
        self.title_edit.setPlaceholderText(_("例如：道路交通安全法规季度考试"))
        self.mode = _combo(dict(MODE_LABELS), spec.mode)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSpecialValueText(_("不限时"))
        self.minutes.setSuffix(_(" 分钟"))
        self.minutes.setValue(spec.time_limit_min or 0)
        self.pass_mark = QDoubleSpinBox()
        self.pass_mark.setRange(0, 100)
        self.pass_mark.setSpecialValueText(_("不设及格线"))
        self.pass_mark.setSuffix(" %")
        self.pass_mark.setValue(spec.pass_percent or 0)
        self.attempts = QSpinBox()
        self.attempts.setRange(0, 99)
        self.attempts.setSpecialValueText(_("不限次数"))
        self.attempts.setValue(spec.attempts_allowed or 0)
        self.counting = _combo(COUNTING, spec.counting)
        now = self.ctx.clock.now()
        self.opens_check, self.opens = _dt_edit(spec.opens_at, now)
        self.closes_check, self.closes = _dt_edit(spec.closes_at, now + dt.timedelta(days=14))
        self.shuffle_q = QCheckBox(_("打乱题目顺序"))
        self.shuffle_q.setChecked(spec.shuffle_questions)
        self.shuffle_o = QCheckBox(_("打乱选项顺序"))
        self.shuffle_o.setChecked(spec.shuffle_options)
        self.policy = _combo(POLICY, spec.multi_scoring)
        self.fill_ordered = QCheckBox(_("填空题按空的顺序判分（不勾选则顺序不限）"))
        self.fill_ordered.setChecked(spec.fill_ordered)
        self.review = _combo(REVIEW, spec.review)
        self.after_close = QCheckBox(_("试卷截止后才公布答案"))
        self.after_close.setChecked(spec.review_after_close)
        self.lockdown = QCheckBox(_("锁定考试界面（全屏，记录切屏）"))
        self.lockdown.setChecked(spec.lockdown)
        self.leave_limit = QSpinBox()
        self.leave_limit.setRange(-1, 20)
        self.leave_limit.setSpecialValueText(_("只记录，不自动交卷"))
        self.leave_limit.setPrefix(_("允许离开 "))
        self.leave_limit.setSuffix(_(" 次，超过自动交卷"))
        self.leave_limit.setValue(spec.leave_limit if spec.leave_limit is not None else -1)
        self.leave_limit.setEnabled(spec.lockdown)
        self.lockdown.toggled.connect(self.leave_limit.setEnabled)
        form.addRow(_("试卷名称"), self.title_edit)
        form.addRow(_("类型"), self.mode)
        form.addRow(_("考试时长"), self.minutes)
        form.addRow(_("及格线"), self.pass_mark)
        form.addRow(_("允许次数"), self._pair(self.attempts, self.counting))
        form.addRow(_("开放时间"), self._pair(self.opens_check, self.opens))
        form.addRow(_("截止时间"), self._pair(self.closes_check, self.closes))
        form.addRow(_("顺序"), self._pair(self.shuffle_q, self.shuffle_o))
        form.addRow(_("多选题计分"), self.policy)
        form.addRow(_("填空题"), self.fill_ordered)
        form.addRow(_("交卷后查看"), self._pair(self.review, self.after_close))
        form.addRow(_("防切屏"), self._pair(self.lockdown, self.leave_limit))
        return w

    @staticmethod
    def _pair(a: QWidget, b: QWidget) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(a)
        row.addWidget(b)
        row.addStretch(1)
        return w

    def _sections(self, spec: QuizSpec) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.table = QTableWidget(0, len(COLS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for s in spec.sections:
            self.add_section(s)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        for text, slot in ((_("添加规则"), lambda: self.add_section(None)), (_("删除所选规则"), self._remove_section),
                           (_("预览可抽题数"), self.preview)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        note = QLabel(_("每条规则从题库中随机抽取指定题型的题目；难度配比如“3/5/2”表示简单 3 题、中等 5 题、困难 2 题，留空则不限。"))
        note.setObjectName("Muted")
        note.setWordWrap(True)
        lay.addWidget(note)
        return w

    def add_section(self, s: SectionSpec | None) -> None:
        s = s or SectionSpec("single", 10, 2.0, bank_ids=[self.data.banks[0].id] if self.data.banks else [])
        r = self.table.rowCount()
        self.table.insertRow(r)
        qtype = QComboBox()
        for t in QType:
            qtype.addItem(t.label, t.value)
        qtype.setCurrentIndex(qtype.findData(s.qtype))
        count = QSpinBox()
        count.setRange(1, 500)
        count.setValue(s.count)
        points = QDoubleSpinBox()
        points.setRange(0, 100)
        points.setDecimals(1)
        points.setValue(s.points_each)
        bank = QComboBox()
        if self.ctx.user.is_admin:   # a secretary names the banks (core/quiz/usecases.py _check_sources)
            bank.addItem(_("全部题库"), None)
        for b in self.data.banks:
            bank.addItem(b.name, b.id)
        bank.setCurrentIndex(max(0, bank.findData(s.bank_ids[0] if s.bank_ids else None)))
        cats = QLineEdit("，".join(s.categories))
        mix = QLineEdit("/".join(str(s.difficulty.get(k, 0)) for k in (1, 2, 3)) if s.difficulty else "")
        mix.setPlaceholderText(_("不限"))
        for col, widget in enumerate((qtype, count, points, bank, cats, mix)):
            self.table.setCellWidget(r, col, widget)
        avail = QTableWidgetItem("—")
        avail.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setItem(r, 6, avail)
        self.table.setRowHeight(r, 40)
        count.valueChanged.connect(self._update_total)
        points.valueChanged.connect(self._update_total)
        self._update_total()

    def _remove_section(self) -> None:
        for index in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(index)
        self._update_total()

    def _fixed(self, spec: QuizSpec) -> QWidget:
        w = QWidget()
        lay = QHBoxLayout(w)
        left = QVBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("输入题干中的文字查找题目"))
        self.search.returnPressed.connect(self._search)
        left.addWidget(self.search)
        self.hits = QListWidget()
        self.hits.itemDoubleClicked.connect(lambda item: self._add_fixed(
            item.data(Qt.ItemDataRole.UserRole), item.text(), self.fixed_points.value()))
        left.addWidget(self.hits, 1)
        lay.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("固定题目（每份试卷都有；双击左侧题目加入，双击此处移除）")))
        self.fixed_list = QListWidget()
        self.fixed_list.itemDoubleClicked.connect(self._remove_fixed)
        right.addWidget(self.fixed_list, 1)
        self.fixed_points: QDoubleSpinBox = QDoubleSpinBox()   # annotated: the lambda above uses it
        self.fixed_points.setRange(0, 100)
        self.fixed_points.setValue(5)
        self.fixed_points.setPrefix(_("新加入题目的分值："))
        right.addWidget(self.fixed_points)
        lay.addLayout(right, 1)
        for qid, pts in spec.fixed:
            self._add_fixed(qid, _("题目 {id}", id=qid), pts)
        return w

    def _remove_fixed(self, item: QListWidgetItem) -> None:
        self.fixed_list.takeItem(self.fixed_list.row(item))
        self._update_total()

    def _search(self) -> None:
        def show(hits: list[QuestionHit]) -> None:
            self.hits.clear()
            for h in hits:
                item = QListWidgetItem(f"[{QType(h.qtype).label}] {h.stem}")
                item.setData(Qt.ItemDataRole.UserRole, h.id)
                self.hits.addItem(item)

        self.ctx.call(quiz.search_questions, self.search.text()).success(show).run(self)

    def _add_fixed(self, qid: int, text: str, points: float) -> None:
        item = QListWidgetItem(f"{points:g} {_('分')} · {text}")
        item.setData(Qt.ItemDataRole.UserRole, (qid, points))
        self.fixed_list.addItem(item)
        self._update_total()

    def _audience(self, spec: QuizSpec) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(QLabel(_("参考单位（不选则全部单位；选中的单位包括其下级单位）")))
        self.units = QListWidget()
        chosen = set(spec.audience.get("unit_ids", []))
        for root in self.data.units:
            for node in root.walk():
                depth = 0
                parent = node.parent_id
                ids = {n.id: n for r in self.data.units for n in r.walk()}
                while parent is not None:
                    depth += 1
                    parent = ids[parent].parent_id
                item = QListWidgetItem("　" * depth + node.name)
                item.setData(Qt.ItemDataRole.UserRole, node.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if node.id in chosen else Qt.CheckState.Unchecked)
                self.units.addItem(item)
        lay.addWidget(self.units, 1)
        cats = set(spec.audience.get("categories", []))
        self.police = QCheckBox(_("民警"))
        self.auxiliary = QCheckBox(_("辅警"))
        self.police.setChecked(not cats or "police" in cats)
        self.auxiliary.setChecked(not cats or "auxiliary" in cats)
        self.party_only = QCheckBox(_("仅限党员"))
        self.party_only.setChecked(bool(spec.audience.get("party_only")))
        lay.addWidget(self._pair(self.police, self.auxiliary))
        lay.addWidget(self.party_only)
        return w

    # --- reading the form -------------------------------------------------------------------
    def _cell(self, row: int, col: int, kind: type[_W]) -> _W:
        """The section table's editor in (row, col), of the widget class add_section() put there."""
        widget = self.table.cellWidget(row, col)
        assert isinstance(widget, kind), (row, col, widget)
        return widget

    def section_specs(self) -> list[SectionSpec]:
        out = []
        for r in range(self.table.rowCount()):
            cats = [c.strip() for c in self._cell(r, 4, QLineEdit).text().replace("，", ",").split(",") if c.strip()]
            mix_text = self._cell(r, 5, QLineEdit).text().strip()
            mix: dict[int, int] = {}
            if mix_text:
                parts = [p.strip() for p in mix_text.replace("／", "/").split("/")]
                mix = {i + 1: int(p) for i, p in enumerate(parts[:3]) if p.isdigit() and int(p) > 0}
            bank = self._cell(r, 3, QComboBox).currentData()
            out.append(SectionSpec(self._cell(r, 0, QComboBox).currentData(), self._cell(r, 1, QSpinBox).value(),
                                   self._cell(r, 2, QDoubleSpinBox).value(),
                                   bank_ids=[bank] if bank else [], categories=cats, difficulty=mix))
        return out

    def spec(self) -> QuizSpec:
        def when(check: QCheckBox, edit: QDateTimeEdit) -> dt.datetime | None:
            return dt.datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), dt.UTC) if check.isChecked() else None

        units = [self.units.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.units.count())
                 if self.units.item(i).checkState() == Qt.CheckState.Checked]
        cats = [c for c, box in (("police", self.police), ("auxiliary", self.auxiliary)) if box.isChecked()]
        audience: dict[str, object] = {}
        if units:
            audience["unit_ids"] = units
        if len(cats) == 1:
            audience["categories"] = cats
        if self.party_only.isChecked():
            audience["party_only"] = True
        return QuizSpec(
            title=self.title_edit.text(), mode=self.mode.currentData(), time_limit_min=self.minutes.value() or None,
            pass_percent=self.pass_mark.value() or None, attempts_allowed=self.attempts.value() or None,
            counting=self.counting.currentData(), opens_at=when(self.opens_check, self.opens),
            closes_at=when(self.closes_check, self.closes), shuffle_questions=self.shuffle_q.isChecked(),
            shuffle_options=self.shuffle_o.isChecked(), multi_scoring=self.policy.currentData(),
            fill_ordered=self.fill_ordered.isChecked(), review=self.review.currentData(),
            review_after_close=self.after_close.isChecked(), lockdown=self.lockdown.isChecked(),
            leave_limit=self.leave_limit.value() if self.leave_limit.value() >= 0 else None,
            audience=audience, sections=self.section_specs(),
            fixed=[self.fixed_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.fixed_list.count())],
        )

    def _update_total(self) -> None:
        if not hasattr(self, "fixed_list") or not hasattr(self, "total"):
            return
        spec_points = sum(s.count * s.points_each for s in self.section_specs())
        fixed = [self.fixed_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.fixed_list.count())]
        n = sum(s.count for s in self.section_specs()) + len(fixed)
        self.total.setText(_("共 {n} 题，总分 {p:g} 分", n=n, p=spec_points + sum(p for _q, p in fixed)))

    # --- actions ----------------------------------------------------------------------------
    def preview(self) -> None:
        self.ctx.call(quiz.preview_sections, self.section_specs()).success(self.show_preview).run(self)

    def show_preview(self, previews: list[SectionPreview]) -> None:
        for p in previews:
            item = self.table.item(p.position, 6)
            if item is not None:
                item.setText(_("可抽 {a} / 需 {w}", a=p.available, w=p.wanted))
                item.setToolTip(p.detail)
                item.setForeground(QColor(theme.SUCCESS if p.ok else theme.ACCENT))
        self.table.resizeColumnToContents(6)

    def save(self, *, publish: bool) -> None:
        (self.ctx.call(quiz.save_quiz, self.spec(), quiz_id=self.data.quiz_id, publish=publish)
         .success(self._saved).run(self))

    def _saved(self, quiz_id: int) -> None:
        self.saved_id = quiz_id
        self.accept()
