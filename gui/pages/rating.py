# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""支部评星: the published ranking of a quarter (stars, score, change against the last quarter) and a
branch's breakdown; administrators compute, adjust with a reason and publish, and print the 红榜."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QWidget,
)

from base.i18n import N_, _
from core.access.permissions import Action, scope_for
from core.access.usecase import Change
from core.infra.clock import local_date
from core.models import Role
from core.orglife import usecases as ratings
from core.orglife.honour import change_text, stars_text
from core.orglife.rating import METRICS, RatingRow
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table


def recent_quarters(today: dt.date, count: int = 8) -> list[str]:
    n = today.year * 4 + (today.month - 1) // 3
    return [f"{(n - i) // 4}Q{(n - i) % 4 + 1}" for i in range(count)]


def _value(part: dict[str, object]) -> str:
    value = part.get("value")
    if not isinstance(value, int | float):
        return "—"
    metric = str(part.get("metric"))
    return f"{value * 100:.1f}%" if METRICS.get(metric, ("", "", False))[2] else f"{value:.1f}"


def _label(part: dict[str, object]) -> str:
    """A criterion's name in the current language (the stored breakdown keeps the label of its day)."""
    metric = str(part.get("metric"))
    return _(METRICS[metric][0]) if metric in METRICS else str(part.get("label", ""))


class AdjustDialog(QDialog):
    def __init__(self, parent: QWidget, row: RatingRow) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("调整评星结果：{u}", u=row.unit_name))
        form = QFormLayout(self)
        form.addRow(_("计算得分"), QLabel(f"{row.computed_score:.1f}"))
        self.score = QDoubleSpinBox()
        self.score.setRange(0, 100)
        self.score.setDecimals(1)
        self.score.setValue(row.score)
        form.addRow(_("调整为"), self.score)
        self.reason = QLineEdit(row.adjust_reason)
        self.reason.setPlaceholderText(_("必填：例如承担重大安保任务，经党委会研究"))
        form.addRow(_("理由"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class RatingPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("支部评星"), _("每季度按评星指标计算各支部得分和星级，公布后在此晾晒。"))
        self.ctx = ctx
        self.manager = scope_for(ctx.actor.role, Action.RATING_MANAGE) is not None
        self.add_action(_("打印红榜…"), self._honour)
        if self.manager:
            self.add_action(_("调整…"), self._adjust)
            self.add_action(_("公布"), self._publish)
            self.add_action(_("计算本季度"), self._compute, primary=True)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("季度")))
        self.quarter = QComboBox()
        for q in recent_quarters(local_date(ctx.clock.now())):
            self.quarter.addItem(q, q)
        self.quarter.setCurrentIndex(1)          # the last finished quarter
        self.quarter.currentIndexChanged.connect(self.refresh)
        row.addWidget(self.quarter)
        self.state = QLabel()
        self.state.setObjectName("Muted")
        row.addWidget(self.state, 1)
        bar = QWidget()
        bar.setLayout(row)
        self.add(bar)
        self.model: RowsModel[RatingRow] = RowsModel([
            Column(_("名次"), lambda r: r.rank, align_right=True),
            Column(_("支部"), lambda r: r.unit_name),
            Column(_("星级"), lambda r: stars_text(r.stars)),
            Column(_("得分"), lambda r: f"{r.score:.1f}" + ("*" if r.adjust_reason else ""), align_right=True),
            Column(_("较上季度"), change_text),
        ])
        self.parts: RowsModel[dict[str, object]] = RowsModel([
            Column(_("指标"), _label),
            Column(_("本季度"), _value, align_right=True),
            Column(_("满分值"), lambda p: f"{p.get('target')}", align_right=True),
            Column(_("门槛"), lambda p: f"{p.get('threshold')}", align_right=True),
            Column(_("权重"), lambda p: f"{p.get('weight')}", align_right=True),
            Column(_("得分"), lambda p: f"{p.get('points')}", align_right=True),
        ])
        self.view = make_table(self.model, stretch_column=1)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._select(cur.row()))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        side = QWidget()
        from PySide6.QtWidgets import QVBoxLayout

        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        self.detail = QLabel(_("选择一个支部查看得分构成"))
        self.detail.setWordWrap(True)
        side_lay.addWidget(self.detail)
        side_lay.addWidget(make_table(self.parts, stretch_column=0), 1)
        split.addWidget(side)
        split.setSizes([540, 660])
        self.box = EmptyOr(split, _("这个季度的评星结果还没有公布"))
        self.add(self.box, 1)
        self.rows: list[RatingRow] = []
        ctx.on(Change.ORGLIFE, self._changed)
        self.refresh()

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self.ctx.call(ratings.rating_ranking, str(self.quarter.currentData())).success(self._show).run(self)

    def _show(self, rows: list[RatingRow]) -> None:
        self.rows = rows
        self.model.set_rows(rows)
        self.box.show_content(bool(rows))
        if not rows:
            self.state.setText("")
        elif all(r.published for r in rows):
            five = sum(1 for r in rows if r.stars == 5)
            self.state.setText(_("已公布：{n} 个支部参评，五星 {f} 个；* 为经审核调整", n=len(rows), f=five))
        else:
            self.state.setText(_("已计算，尚未公布（只有管理员可见）"))
        if rows:
            self.view.selectRow(0)
            self._select(0)

    def _select(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        r = self.rows[index]
        text = _("{u}：{s} 分，{st}", u=r.unit_name, s=f"{r.score:.1f}", st=stars_text(r.stars))
        if r.adjust_reason:
            text += "\n" + _("计算得分 {a:.1f}，调整理由：{why}", a=r.computed_score, why=r.adjust_reason)
        self.detail.setText(text)
        self.parts.set_rows(r.breakdown)

    def _current(self) -> RatingRow | None:
        index = self.view.currentIndex().row()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _compute(self) -> None:
        quarter = str(self.quarter.currentData())
        self.ctx.call(ratings.compute_ratings, quarter).success(self._show).run(self)

    def _adjust(self) -> None:
        row = self._current()
        if row is None:
            return
        dialog = AdjustDialog(self, row)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.ctx.call(ratings.adjust_rating, str(self.quarter.currentData()), row.unit_id,
                          dialog.score.value(), dialog.reason.text()).success(lambda _r: self.refresh()).run(self)

    def _publish(self) -> None:
        quarter = str(self.quarter.currentData())
        if QMessageBox.question(self, _("公布评星结果"), _("公布 {q} 的评星结果？公布后不能再重新计算或调整。", q=quarter)) \
                != QMessageBox.StandardButton.Yes:
            return
        self.ctx.call(ratings.publish_ratings, quarter).success(lambda _n: self.refresh()).run(self)

    def _honour(self) -> None:
        quarter = str(self.quarter.currentData())
        path, _chosen = QFileDialog.getSaveFileName(self, _("打印红榜"), str(Path.home() / f"红榜-{quarter}.pdf"),
                                                    _("PDF 文件 (*.pdf)"))
        if path:
            self.ctx.call(ratings.honour_roll_pdf, quarter, Path(path).with_suffix(".pdf")) \
                .with_progress(_("正在生成红榜…")) \
                .success(lambda out: QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))).run(self)


PAGE = PageSpec("rating", N_("支部评星"), "rating", 86, Role.OFFICER, RatingPage)
