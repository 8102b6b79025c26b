# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""积分: the officer's own ledger with the reason for each point; secretaries see unit tallies and
rankings by month/quarter/year (bar chart above the table); admins edit the rules (applied going forward)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _
from core.access.usecase import Change
from core.infra.clock import local_date
from core.models import Role
from core.points import usecases as points
from core.points.ledger import SOURCE_LABELS, HistoryLine, Period, RuleView, TallyRow, period_containing
from gui import theme
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, StatCard, make_table

KINDS = [("month", N_("按月")), ("quarter", N_("按季度")), ("year", N_("按年度"))]


def recent_periods(today: dt.date, kind: str, count: int = 8) -> list[Period]:
    out: list[Period] = []
    day = today
    while len(out) < count:
        p = period_containing(day, kind)
        out.append(p)
        day = p.first - dt.timedelta(days=1)
    return out


def history_table() -> tuple[RowsModel[HistoryLine], QWidget]:
    model: RowsModel[HistoryLine] = RowsModel([
        Column(_("日期"), lambda h: h.day.isoformat()),
        Column(_("积分"), lambda h: f"+{h.amount:g}", align_right=True),
        Column(_("规则"), lambda h: h.rule_name),
        Column(_("来源"), lambda h: _(SOURCE_LABELS.get(h.source_type, h.source_type))),
        Column(_("说明"), lambda h: h.note),
    ])
    return model, make_table(model, stretch_column=4)


class MyPoints(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.kind.currentIndexChanged.connect(self.refresh)
        row.addWidget(QLabel(_("统计周期")))
        row.addWidget(self.kind)
        self.card = StatCard(_("本期积分"))
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(self.card)
        self.model, view = history_table()
        self.box = EmptyOr(view, _("本期还没有积分。阅读资料、练习和考试都会积分。"))
        lay.addWidget(self.box, 1)

    def refresh(self) -> None:
        period = period_containing(local_date(self.ctx.clock.now()), str(self.kind.currentData()))
        self.ctx.call(points.points_history, first=period.first, last=period.last) \
            .success(lambda h: self._show(period, h)).run(self)

    def _show(self, period: Period, history: points.PointsHistory) -> None:
        lines = history.lines
        self.card.set(f"{history.total:g}", _("{a} 至 {b}，共 {n} 条记录", a=period.first, b=period.last,
                                              n=len(lines)))
        self.model.set_rows(lines)
        self.box.show_content(bool(lines))


class Rankings(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.period = QComboBox()
        self.scope = QComboBox()
        row.addWidget(QLabel(_("周期")))
        row.addWidget(self.kind)
        row.addWidget(self.period)
        row.addWidget(QLabel(_("范围")))
        row.addWidget(self.scope, 1)
        lay.addLayout(row)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setVisible(False)
        self.chart.setBackgroundRoundness(6)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(200)
        self.model: RowsModel[TallyRow] = RowsModel([
            Column(_("名次"), lambda r: r.rank, align_right=True),
            Column(_("警号"), lambda r: r.badge),
            Column(_("姓名"), lambda r: r.name),
            Column(_("单位"), lambda r: r.unit_name),
            Column(_("积分"), lambda r: f"{r.points:g}", align_right=True),
        ])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart_view)
        split.addWidget(make_table(self.model, stretch_column=3))
        split.setSizes([260, 300])
        lay.addWidget(split, 1)
        self._fill_periods()
        self.kind.currentIndexChanged.connect(self._fill_periods)
        self.period.currentIndexChanged.connect(self.refresh)
        self.scope.currentIndexChanged.connect(self.refresh)
        ctx.call(points.ranking_scopes).success(self._fill_scope).run(self)

    def _fill_periods(self) -> None:
        self.period.blockSignals(True)
        self.period.clear()
        for p in recent_periods(local_date(self.ctx.clock.now()), str(self.kind.currentData())):
            self.period.addItem(p.label, p)
        self.period.blockSignals(False)
        self.refresh()

    def _fill_scope(self, units: list[tuple[int, str]]) -> None:
        self.scope.blockSignals(True)
        for unit_id, name in units:
            self.scope.addItem(name, unit_id)
        self.scope.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        period = self.period.currentData()
        if period is None:
            return
        self.ctx.call(points.rankings, period, unit_id=self.scope.currentData()).success(self._show).run(self)

    def _show(self, data: points.Rankings) -> None:
        units = data.units
        self.model.set_rows(data.people)
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        bars = QBarSet(_("人均积分"))
        bars.setColor(QColor(theme.ACCENT))
        names = []
        for u in units:
            bars.append(round(u.average, 1))
            names.append(u.unit_name)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        self.chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(names)
        y = QValueAxis()
        y.setRange(0, max([u.average for u in units] + [1]) * 1.15)
        y.setLabelFormat("%d")
        y.applyNiceNumbers()
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        self.chart.setTitle(_("{p} 各单位人均积分", p=self.period.currentText()))


class RuleDialog(QDialog):
    def __init__(self, parent: QWidget, rule: RuleView, today: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("修改积分规则：{n}", n=_(rule.name)))
        form = QFormLayout(self)
        self.amount = QDoubleSpinBox()
        self.amount.setRange(0, 1000)
        self.amount.setValue(rule.amount)
        self.has_cap = QCheckBox(_("每日上限"))
        self.cap = QDoubleSpinBox()
        self.cap.setRange(0, 1000)
        self.cap.setValue(rule.daily_cap or 0)
        self.has_cap.setChecked(rule.daily_cap is not None)
        self.active = QCheckBox(_("启用"))
        self.active.setChecked(rule.active)
        self.valid_from = QDateEdit(QDate(today.year, today.month, today.day))
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setDisplayFormat("yyyy-MM-dd")
        form.addRow(_("每次积分"), self.amount)
        form.addRow(self.has_cap, self.cap)
        form.addRow("", self.active)
        form.addRow(_("自此日起生效"), self.valid_from)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class Rules(QWidget):
    """Every rule as it stands today; an administrator edits one by double-clicking it."""

    def __init__(self, ctx: AppContext, *, editable: bool) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        note = QLabel(_("修改后的规则自生效日起适用，已登记的积分不变。") if editable
                      else _("积分按以下规则自动登记，每一分都有记录和理由。"))
        note.setObjectName("Muted")
        lay.addWidget(note)
        self.model: RowsModel[RuleView] = RowsModel([
            Column(_("规则"), lambda r: _(r.name)),
            Column(_("每次积分"), lambda r: f"{r.amount:g}", align_right=True),
            Column(_("每日上限"), lambda r: "—" if r.daily_cap is None else f"{r.daily_cap:g}", align_right=True),
            Column(_("状态"), lambda r: _("启用") if r.active else _("停用")),
            Column(_("生效日期"), lambda r: r.valid_from.isoformat()),
        ])
        self.view = make_table(self.model, stretch_column=0)
        if editable:
            self.view.doubleClicked.connect(lambda i: self.edit(self.model.row(i)))
        lay.addWidget(self.view, 1)

    def refresh(self) -> None:
        self.ctx.call(points.point_rules).success(self.model.set_rows).run(self)

    def edit(self, rule: RuleView) -> None:
        dialog = RuleDialog(self, rule, local_date(self.ctx.clock.now()))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        d = dialog.valid_from.date()
        self.ctx.call(points.set_point_rule, rule.code, amount=dialog.amount.value(),
                      daily_cap=dialog.cap.value() if dialog.has_cap.isChecked() else None,
                      active=dialog.active.isChecked(), valid_from=dt.date(d.year(), d.month(), d.day())) \
            .success(lambda _r: QMessageBox.information(self, _("已保存"), _("积分规则已保存"))).run(self)


class PointsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("积分"), _("每一分都有记录和理由：学习时长、学完资料、练习和考试"))
        self.ctx = ctx
        self.mine = MyPoints(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.mine, _("我的积分"))
        self.rankings: Rankings | None = None
        if ctx.user.is_secretary:
            self.rankings = Rankings(ctx)
            self.tabs.addTab(self.rankings, _("单位核算与排名"))
        self.rules = Rules(ctx, editable=ctx.user.is_admin)
        self.tabs.addTab(self.rules, _("积分规则"))
        self.add(self.tabs, 1)
        ctx.on(Change.POINTS, self._changed)
        self.refresh()

    def refresh(self) -> None:
        self.mine.refresh()
        if self.rankings is not None:
            self.rankings.refresh()
        self.rules.refresh()

    def _changed(self) -> None:
        # Reading earns points every 15 seconds: a hidden page waits until it is shown again
        # (the main window refreshes a page when it comes to the front).
        if self.isVisible():
            self.refresh()


PAGE = PageSpec("points", N_("积分"), "competition", 85, Role.OFFICER, PointsPage)
