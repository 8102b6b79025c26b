# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""统计: branch comparison (chart first, table below), trend, drill-down, reminders, coverage, item analysis."""

from __future__ import annotations

from typing import TypedDict

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
from core.access.usecase import Change
from core.infra.clock import local_date
from core.models import Role
from core.reports import usecases as reports
from core.reports.branches import METRICS, BranchComparison, metric_label
from core.reports.document import Document, format_cell
from core.reports.period import Period, parse_period, period_of
from gui import theme
from gui.context import AppContext
from gui.pages import PageSpec
from gui.reports.views import ChartView, DocumentView, TableView, export_document


class Filters(TypedDict):
    """Who the reports cover, as every report use case takes it."""

    unit: int | None
    category: str | None
    party_only: bool


KINDS = [("month", N_("月度")), ("quarter", N_("季度")), ("year", N_("年度")), ("range", N_("自定义"))]


class StatsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.ctx = ctx
        self.comparison: BranchComparison | None = None
        self.branch_doc: Document | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        lay.setSpacing(theme.SP2)
        head, filters = self._filters()
        lay.addLayout(head)
        lay.addLayout(filters)
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
        self.load_lists()
        # New units or quizzes: offer them in the filter bar (and recompute what is shown).
        self.ctx.on(Change.PEOPLE | Change.QUIZZES, self.load_lists)

    # --- top bar -----------------------------------------------------------------------

    def _filters(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The title row (title, exports) and the filter row below it: both languages fit at 1280 px."""
        head = QHBoxLayout()
        head.setSpacing(theme.SP2)
        title = QLabel(_("统计"))
        title.setObjectName("PageTitle")
        head.addWidget(title)
        head.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(theme.SP2)
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.kind.setCurrentIndex(1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.period_edit = QLineEdit()
        self.period_edit.setMinimumWidth(self.period_edit.fontMetrics().horizontalAdvance("2026-10-01..2026-12-31") + 24)
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
            if isinstance(w, QComboBox):
                w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
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
        head.addWidget(pdf)
        head.addWidget(xlsx)
        self._kind_changed()
        return head, row

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

    def load_lists(self) -> None:
        self.ctx.call(reports.report_lists).success(self._fill_lists).run(self)

    def _fill_lists(self, lists: reports.ReportLists) -> None:
        """Fill (or refill) the unit and quiz boxes, keeping what was chosen."""
        unit = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(_("全部单位"), None)
        for root in lists.units:
            stack = [(root, 0)]
            while stack:
                node, depth = stack.pop()
                if node.children:
                    self.unit.addItem("　" * depth + node.name, node.id)
                stack.extend((c, depth + 1) for c in reversed(node.children))
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit)))
        self.unit.blockSignals(False)
        for box in (self.coverage_quiz, self.items_quiz):
            chosen = box.currentData()
            box.clear()
            for q in lists.quizzes:
                box.addItem(q.title, q.id)
            if chosen is not None:
                box.setCurrentIndex(max(0, box.findData(chosen)))
        self.refresh()

    def filters(self) -> Filters:
        return Filters(unit=self.unit.currentData(), category=self.category.currentData(),
                       party_only=self.party.isChecked())

    def period(self) -> Period:
        return parse_period(self.period_edit.text())

    # --- tabs ---------------------------------------------------------------------------

    def _build_compare_tab(self) -> None:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        lay.setContentsMargins(0, theme.SP2, 0, 0)
        self.chart = ChartView()
        self.chart.setMinimumHeight(160)        # the table's rows come first at 1280×720; the chart takes the rest
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        self.summary.setWordWrap(True)
        self.table = TableView()
        self.table.doubleClicked.connect(lambda idx: self.drill(idx.row()))
        lay.addWidget(self.chart, 1)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
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
        self.rem_kind.currentIndexChanged.connect(self._reminder_kind_changed)
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
        self.ctx.call(reports.compare_branches, period, metric=self.metric_box.currentData(), trend=6,
                      **self.filters()).success(self._show_comparison).run(self)

    def _show_comparison(self, report: reports.BranchReport) -> None:
        cmp = report.comparison
        self.comparison = cmp
        self.branch_doc = report.document
        self.chart.show_chart(report.chart)
        self.trend_chart.show_chart(report.trend_chart)
        self.table.show_table(report.table, [r.unit.id for r in cmp.rows])
        self.table.fit_height(most=8)
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
        unit_id = self.table.row_data[row]
        assert isinstance(unit_id, int)   # the comparison's rows are keyed by unit id (_show_comparison())
        scope = self.comparison.scope
        self.ctx.call(reports.branch_officers, self.comparison.period, unit_id, category=scope.category,
                      party_only=scope.party_only).success(self._show_officers).run(self)

    def _show_officers(self, report: reports.OfficersReport) -> None:
        self.officers_view.show_document(report.document)
        self.officers_view.tables[0].row_data = [r.badge for r in report.rows]
        self.officers_view.tables[0].doubleClicked.connect(lambda _i: self.print_transcript())
        self.tabs.setCurrentIndex(2)

    def print_transcript(self) -> None:
        if not self.officers_view.tables:
            return
        view = self.officers_view.tables[0]
        row = view.currentRow()
        if row < 0 or row >= len(view.row_data):
            return
        self.ctx.call(reports.transcript, str(view.row_data[row])).success(
            lambda r: export_document(self.ctx, self, r.document, ".pdf",
                                      _("学习档案-{n}", n=r.transcript.name))).run(self)

    def _reminder_kind_changed(self) -> None:
        week = self.rem_kind.currentData() == "week"
        self.rem_minutes.setValue(300 if week else 1200)
        self.rem_points.setValue(10 if week else 40)

    def load_reminders(self) -> None:
        self.ctx.call(reports.reminders, kind=self.rem_kind.currentData(), minutes_target=self.rem_minutes.value(),
                      points_target=self.rem_points.value(), **self.filters()).success(
            lambda r: self.reminder_view.show_document(r.document)).run(self)

    def load_coverage(self) -> None:
        quiz_id = self.coverage_quiz.currentData()
        if quiz_id is not None:
            self.ctx.call(reports.coverage, quiz_id=quiz_id, **self.filters()).success(
                lambda r: self.coverage_view.show_document(r.document)).run(self)

    def load_items(self) -> None:
        quiz_id = self.items_quiz.currentData()
        if quiz_id is not None:
            self.ctx.call(reports.item_analysis, quiz_id, unit=self.unit.currentData()).success(
                lambda r: self.items_view.show_document(r.document)).run(self)

    def current_document(self) -> Document | None:
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
