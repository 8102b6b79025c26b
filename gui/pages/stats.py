# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""统计: branch comparison (chart first, table below), trend, drill-down, reminders, coverage, item analysis."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from base.errors import StudyHallError
from base.i18n import N_, _
from core.infra.clock import local_date
from core.models import Role
from core.people.org import unit_tree
from core.quiz.catalog import list_quizzes
from core.reports import builders as docs
from core.reports.branches import METRICS, BranchComparison, branch_trend, compare_branches, metric_label
from core.reports.coverage import quiz_coverage
from core.reports.document import format_cell
from core.reports.items import item_analysis
from core.reports.officers import OfficerRow, branch_officers, transcript
from core.reports.period import Period, parse_period, period_of
from core.reports.reminders import reminders
from core.reports.scope import Scope, scope_name
from gui import theme
from gui.context import AppContext
from gui.pages import PageSpec
from gui.reports.views import ChartView, DocumentView, TableView, export_document

KINDS = [("month", N_("月度")), ("quarter", N_("季度")), ("year", N_("年度")), ("range", N_("自定义"))]


class StatsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.ctx = ctx
        self.comparison: BranchComparison | None = None
        self.branch_doc: Any = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        lay.setSpacing(theme.SP2)
        lay.addLayout(self._filters())
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self._build_compare_tab()
        self.trend_chart = ChartView()
        self.tabs.addTab(self.trend_chart, _("趋势"))
        self.officers_view = DocumentView(_("在“支部对比”中双击一个支部，查看其人员明细"))
        self.tabs.addTab(self._with_buttons(self.officers_view, "officers"), _("人员明细"))
        self.reminder_view = DocumentView(_("本周或本月学习时长、积分未达标的人员"))
        self.tabs.addTab(self._reminder_tab(), _("提醒名单"))
        self.coverage_view = DocumentView(_("选择一套试卷查看覆盖情况"))
        self.items_view = DocumentView(_("选择一套试卷查看试题分析"))
        self.tabs.addTab(self._quiz_tab(self.coverage_view, "coverage"), _("覆盖情况"))
        self.tabs.addTab(self._quiz_tab(self.items_view, "items"), _("试题分析"))
        self.ctx.run(self.ctx.session_call(lambda s: (unit_tree(s), list_quizzes(s))), self._fill_lists,
                     parent=self)

    # --- top bar -----------------------------------------------------------------------

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(theme.SP2)
        title = QLabel(_("统计"))
        title.setObjectName("PageTitle")
        row.addWidget(title)
        row.addSpacing(theme.SP3)
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.kind.setCurrentIndex(1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.period_edit = QLineEdit()
        self.period_edit.setFixedWidth(190)
        self.period_edit.setToolTip(_("例如 2026-10、2026Q3、2026 或 2026-10-01..2026-12-31"))
        self.period_edit.returnPressed.connect(self.refresh)
        self.unit = QComboBox()
        self.unit.setMinimumWidth(170)
        self.category = QComboBox()
        for text, value in ((_("民警和辅警"), None), (_("仅民警"), "police"), (_("仅辅警"), "auxiliary")):
            self.category.addItem(text, value)
        self.party = QCheckBox(_("仅党员"))
        self.metric_box = QComboBox()
        for key in METRICS:
            self.metric_box.addItem(metric_label(key), key)
        for w in (self.kind, self.period_edit, self.unit, self.category, self.party, self.metric_box):
            row.addWidget(w)
        self.unit.currentIndexChanged.connect(self.refresh)
        self.category.currentIndexChanged.connect(self.refresh)
        self.party.toggled.connect(self.refresh)
        self.metric_box.currentIndexChanged.connect(self._metric_changed)
        row.addStretch(1)
        pdf = QPushButton(_("导出 PDF"))
        pdf.setProperty("primary", True)
        pdf.clicked.connect(lambda: self._export_current(".pdf"))
        xlsx = QPushButton(_("导出 Excel"))
        xlsx.clicked.connect(lambda: self._export_current(".xlsx"))
        row.addWidget(pdf)
        row.addWidget(xlsx)
        self._kind_changed()
        return row

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        today = local_date(self.ctx.clock.now())
        if kind == "range":
            q = period_of("month", today)
            self.period_edit.setText(f"{q.start.isoformat()}..{today.isoformat()}")
        else:
            self.period_edit.setText(period_of(kind, today).code)
        if self.unit.count():
            self.refresh()

    def _fill_lists(self, data: tuple[list[Any], list[Any]]) -> None:
        roots, quizzes = data
        self.unit.blockSignals(True)
        self.unit.addItem(_("全部单位"), None)
        for root in roots:
            stack = [(root, 0)]
            while stack:
                node, depth = stack.pop()
                if node.children:
                    self.unit.addItem("　" * depth + node.name, node.id)
                stack.extend((c, depth + 1) for c in reversed(node.children))
        self.unit.blockSignals(False)
        for box in (self.coverage_quiz, self.items_quiz):
            for q in quizzes:
                box.addItem(q.title, q.id)
        self.refresh()

    def scope(self) -> Scope:
        return Scope(self.unit.currentData(), self.category.currentData(), self.party.isChecked())

    def period(self) -> Period:
        return parse_period(self.period_edit.text())

    # --- tabs ---------------------------------------------------------------------------

    def _build_compare_tab(self) -> None:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        lay.setContentsMargins(0, theme.SP2, 0, 0)
        self.chart = ChartView()
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        self.table = TableView()
        self.table.doubleClicked.connect(lambda idx: self.drill(idx.row()))
        lay.addWidget(self.chart, 5)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 4)
        self.tabs.addTab(tab, _("支部对比"))

    def _with_buttons(self, view: DocumentView, key: str) -> QWidget:
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, theme.SP2, 0, 0)
        lay.addWidget(view, 1)
        if key == "officers":
            hint = QPushButton(_("打印所选人员的学习档案（PDF）"))
            hint.clicked.connect(self.print_transcript)
            lay.addWidget(hint)
        return holder

    def _reminder_tab(self) -> QWidget:
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, theme.SP2, 0, 0)
        row = QHBoxLayout()
        self.rem_kind = QComboBox()
        self.rem_kind.addItem(_("本周"), "week")
        self.rem_kind.addItem(_("本月"), "month")
        self.rem_minutes = QSpinBox()
        self.rem_minutes.setRange(0, 10000)
        self.rem_minutes.setValue(300)
        self.rem_minutes.setSuffix(_(" 分钟"))
        self.rem_points = QSpinBox()
        self.rem_points.setRange(0, 10000)
        self.rem_points.setValue(10)
        self.rem_points.setSuffix(_(" 积分"))
        self.rem_kind.currentIndexChanged.connect(
            lambda: (self.rem_minutes.setValue(300 if self.rem_kind.currentData() == "week" else 1200),
                     self.rem_points.setValue(10 if self.rem_kind.currentData() == "week" else 40)))
        go = QPushButton(_("生成名单"))
        go.clicked.connect(self.load_reminders)
        for w in (QLabel(_("时间")), self.rem_kind, QLabel(_("学习目标")), self.rem_minutes, QLabel(_("积分目标")),
                  self.rem_points, go):
            row.addWidget(w)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(self.reminder_view, 1)
        return holder

    def _quiz_tab(self, view: DocumentView, key: str) -> QWidget:
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, theme.SP2, 0, 0)
        row = QHBoxLayout()
        box = QComboBox()
        box.setMinimumWidth(320)
        go = QPushButton(_("查看"))
        go.clicked.connect(self.load_coverage if key == "coverage" else self.load_items)
        row.addWidget(QLabel(_("试卷")))
        row.addWidget(box)
        row.addWidget(go)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(view, 1)
        if key == "coverage":
            self.coverage_quiz = box
        else:
            self.items_quiz = box
        return holder

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            period = self.period()
        except StudyHallError as exc:
            self.summary.setText(str(exc))
            return
        scope, metric = self.scope(), self.metric_box.currentData()

        def work(s):  # type: ignore[no-untyped-def]
            cmp = compare_branches(s, period, scope, metric=metric)
            return cmp, branch_trend(s, period, scope, metric=metric, count=6)

        self.ctx.run(self.ctx.session_call(work), self._show_comparison, parent=self)

    def _show_comparison(self, data: tuple[BranchComparison, Any]) -> None:
        cmp, trend = data
        self.comparison = cmp
        self.branch_doc = docs.branches_document(cmp, trend)
        self.chart.show_chart(self.branch_doc.blocks[0])
        self.trend_chart.show_chart(docs.trend_chart(trend))
        table = docs.comparison_table(cmp)
        self.table.show_table(table, [r.unit.id for r in cmp.rows])
        t = cmp.total
        self.summary.setText(_("{s}　{p}（对比 {q}）：{n} 个支部、{m} 人，参考率 {r}，人均学习 {h} 分钟。双击支部查看人员明细。",
                               s=cmp.scope_name, p=cmp.period.label, q=cmp.previous_period.label, n=len(cmp.rows),
                               m=t.members if t else 0,
                               r=format_cell(t.value("participation") if t else None, "pct"),
                               h=format_cell(t.value("study_minutes") if t else None, "num")))

    def _metric_changed(self) -> None:
        self.refresh()

    def drill(self, row: int) -> None:
        if not self.comparison or row >= len(self.table.row_data):
            return
        unit_id = int(self.table.row_data[row])  # type: ignore[arg-type]
        name = next(r.unit.name for r in self.comparison.rows if r.unit.id == unit_id)
        period, scope = self.comparison.period, self.comparison.scope

        def shown(rows: list[OfficerRow]) -> None:
            self.officers_view.show_document(docs.officers_document(rows, name, period))
            self.officers_view.tables[0].row_data = [r.badge for r in rows]
            self.officers_view.tables[0].doubleClicked.connect(lambda _i: self.print_transcript())
            self.tabs.setCurrentIndex(2)

        self.ctx.run(self.ctx.session_call(branch_officers, period, scope, unit_id), shown, parent=self)

    def print_transcript(self) -> None:
        if not self.officers_view.tables:
            return
        view = self.officers_view.tables[0]
        row = view.currentRow()
        if row < 0 or row >= len(view.row_data):
            return
        badge = str(view.row_data[row])
        self.ctx.run(self.ctx.session_call(transcript, badge, None),
                     lambda t: export_document(self.ctx, self, docs.transcript_document(t), ".pdf",
                                               _("学习档案-{n}", n=t.name)), parent=self)

    def load_reminders(self) -> None:
        scope, kind = self.scope(), self.rem_kind.currentData()
        minutes, points = self.rem_minutes.value(), self.rem_points.value()
        today = local_date(self.ctx.clock.now())

        def work(s):  # type: ignore[no-untyped-def]
            r = reminders(s, scope, today, kind=kind, minutes_target=minutes, points_target=points)
            return docs.reminders_document(r, scope_name(s, scope))

        self.ctx.run(self.ctx.session_call(work), self.reminder_view.show_document, parent=self)

    def load_coverage(self) -> None:
        quiz_id, scope = self.coverage_quiz.currentData(), self.scope()
        if quiz_id is None:
            return
        today = local_date(self.ctx.clock.now())

        def work(s):  # type: ignore[no-untyped-def]
            c = quiz_coverage(s, quiz_id, scope, today)
            return docs.coverage_document(c, scope_name(s, scope), _("截至 {d}", d=today.isoformat()))

        self.ctx.run(self.ctx.session_call(work), self.coverage_view.show_document, parent=self)

    def load_items(self) -> None:
        quiz_id, scope = self.items_quiz.currentData(), self.scope()
        if quiz_id is None:
            return
        self.ctx.run(self.ctx.session_call(lambda s: docs.items_document(item_analysis(s, quiz_id),
                                                                        scope_name(s, scope))),
                     self.items_view.show_document, parent=self)

    def current_document(self) -> Any:
        index = self.tabs.currentIndex()
        if index <= 1:
            return self.branch_doc
        views = {2: self.officers_view, 3: self.reminder_view, 4: self.coverage_view, 5: self.items_view}
        return views[index].document

    def _export_current(self, suffix: str) -> None:
        doc = self.current_document()
        if doc is not None:
            export_document(self.ctx, self, doc, suffix, f"{doc.title}-{doc.period_label}")


PAGE = PageSpec("stats", N_("统计"), "stats", 70, Role.SECRETARY, StatsPage)
