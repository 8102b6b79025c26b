# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""组织生活: the secretary's ledger of group sessions (集中学习, 党课, 主题党日, 三会一课) with their
attendance, 补学 and attachments, and the branch's 月反馈/季考评/年总结 as PDF or Word."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from base.i18n import N_, _
from core.access.usecase import Change
from core.infra.clock import LOCAL_TZ, local_date
from core.models import Role
from core.orglife import usecases as orglife
from core.orglife.sessions import KindView
from core.orglife.views import SessionDetail, SessionRow
from core.study import usecases as study
from core.study.materials import MaterialInfo
from gui.context import AppContext
from gui.orglife.sessions import SessionDetailDialog, SessionDialog
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, StatCard, make_table

RANGES = [("year", N_("本年度")), ("quarter", N_("本季度")), ("month", N_("本月")), ("all", N_("全部"))]


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """(code, label) of the recent months, quarters and years a summary can cover, newest first."""
    out: list[tuple[str, str]] = []
    for back in range(0, 3):
        m = (today.year * 12 + today.month - 1) - back
        out.append((f"{m // 12}-{m % 12 + 1:02d}", _("{y}年{m}月（月反馈）", y=m // 12, m=m % 12 + 1)))
    q = (today.month - 1) // 3 + 1
    for back in range(0, 3):
        n = today.year * 4 + q - 1 - back
        out.append((f"{n // 4}Q{n % 4 + 1}", _("{y}年第{q}季度（季考评）", y=n // 4, q=n % 4 + 1)))
    out += [(str(today.year), _("{y}年（年总结）", y=today.year)),
            (str(today.year - 1), _("{y}年（年总结）", y=today.year - 1))]
    return out


class SummaryDialog(QDialog):
    def __init__(self, parent: QWidget, units: list[tuple[int, str]], today: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("导出工作总结"))
        form = QFormLayout(self)
        self.unit = QComboBox()
        for uid, name in units:
            self.unit.addItem(name, uid)
        form.addRow(_("支部"), self.unit)
        self.period = QComboBox()
        for code, label in period_choices(today):
            self.period.addItem(label, code)
        form.addRow(_("时间段"), self.period)
        self.fmt = QComboBox()
        self.fmt.addItem(_("PDF（直接上报）"), ".pdf")
        self.fmt.addItem(_("Word（可编辑）"), ".docx")
        form.addRow(_("格式"), self.fmt)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class OrgLifePage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("组织生活"), _("登记集中学习、党课、主题党日和“三会一课”，出勤自动计入学习时长和积分，"
                                        "缺席人员自动生成补学任务。"))
        self.ctx = ctx
        self.add_action(_("导出工作总结…"), self._summary)
        self.add_action(_("登记组织生活"), self._record, primary=True)
        cards = QHBoxLayout()
        self.count = StatCard(_("组织生活"))
        self.rate = StatCard(_("出勤率"))
        self.makeup = StatCard(_("待补学"))
        for card in (self.count, self.rate, self.makeup):
            cards.addWidget(card)
        holder = QWidget()
        holder.setLayout(cards)
        self.add(holder)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("时间范围")))
        self.range = QComboBox()
        for key, label in RANGES:
            self.range.addItem(_(label), key)
        self.range.currentIndexChanged.connect(self.refresh)
        row.addWidget(self.range)
        row.addStretch(1)
        bar = QWidget()
        bar.setLayout(row)
        self.add(bar)
        self.model: RowsModel[SessionRow] = RowsModel([
            Column(_("日期"), lambda r: f"{r.day.isoformat()} {r.starts_at.astimezone(LOCAL_TZ):%H:%M}"),
            Column(_("类型"), lambda r: r.kind_name),
            Column(_("主题"), lambda r: r.topic),
            Column(_("支部"), lambda r: r.unit_name),
            Column(_("时长"), lambda r: _("{n} 分钟", n=r.minutes), align_right=True),
            Column(_("出席/应到"), lambda r: f"{r.present}/{r.expected}" if r.expected else _("未开始"),
                   align_right=True),
            Column(_("请假"), lambda r: r.leave, align_right=True),
            Column(_("缺席"), lambda r: r.absent, align_right=True),
            Column(_("已补学"), lambda r: r.made_up, align_right=True),
        ])
        self.view = make_table(self.model, stretch_column=2)
        self.view.doubleClicked.connect(lambda i: self._open(self.model.row(i)))
        self.box = EmptyOr(self.view, _("还没有组织生活记录 — 点击“登记组织生活”录入第一次集中学习"))
        self.add(self.box, 1)
        ctx.on(Change.ORGLIFE, self._changed)
        self.refresh()

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        today = local_date(self.ctx.clock.now())
        kind = str(self.range.currentData())
        first = {"year": today.replace(month=1, day=1), "month": today.replace(day=1),
                 "quarter": dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)}.get(kind)
        self.ctx.call(orglife.list_sessions, first=first).success(self._show).run(self)

    def _show(self, rows: list[SessionRow]) -> None:
        self.model.set_rows(rows)
        self.box.show_content(bool(rows))
        held = [r for r in rows if r.expected]
        expected = sum(r.expected for r in held)
        done = sum(r.present + r.made_up for r in held)
        self.count.set(_("{n} 次", n=len(held)), _("另有 {n} 次已安排", n=len(rows) - len(held)))
        self.rate.set(f"{done / expected * 100:.1f}%" if expected else "—", _("出席与补学合计 {n} 人次", n=done))
        open_makeups = sum(r.leave + r.absent - r.made_up for r in held)
        self.makeup.set(_("{n} 人次", n=open_makeups), _("学完关联资料后自动销号"))

    def _record(self) -> None:
        def with_lists(kinds: list[KindView], units: list[tuple[int, str]], materials: list[MaterialInfo]) -> None:
            dialog = SessionDialog(self.ctx, self, kinds, units, materials)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.ctx.call(orglife.record_session, dialog.spec()).success(lambda _id: self.refresh()).run(self)

        self.ctx.call(orglife.session_kinds).success(
            lambda kinds: self.ctx.call(orglife.branches).success(
                lambda units: self.ctx.call(study.list_materials).success(
                    lambda mats: with_lists(kinds, units, mats)).run(self)).run(self)).run(self)

    def _open(self, row: SessionRow) -> None:
        def show(detail: SessionDetail) -> None:
            SessionDetailDialog(self.ctx, self, detail).exec()

        self.ctx.call(orglife.session_detail, row.id).success(show).run(self)

    def _summary(self) -> None:
        def ask(units: list[tuple[int, str]]) -> None:
            dialog = SummaryDialog(self, units, local_date(self.ctx.clock.now()))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            suffix = str(dialog.fmt.currentData())
            name = f"{dialog.unit.currentText()}-{dialog.period.currentData()}{suffix}"
            path, _chosen = QFileDialog.getSaveFileName(self, _("导出工作总结"), str(Path.home() / name),
                                                        f"*{suffix}")
            if not path:
                return
            self.ctx.call(orglife.period_summary, Path(path).with_suffix(suffix), period=str(dialog.period.currentData()),
                          unit=int(dialog.unit.currentData())) \
                .with_progress(_("正在生成工作总结…")) \
                .success(lambda out: QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))).run(self)

        self.ctx.call(orglife.branches).success(ask).run(self)


PAGE = PageSpec("orglife", N_("组织生活"), "orglife", 55, Role.SECRETARY, OrgLifePage)
