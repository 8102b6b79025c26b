# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Secretary dialogs: a quiz's results, and the manual-grading queue for 简答."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.quiz import usecases as quiz
from core.quiz.marking import PendingItem
from core.quiz.results import OfficerStanding, QuizResults
from gui.context import AppContext
from gui.widgets import Column, EmptyOr, RowsModel, make_table


class ResultsDialog(QDialog):
    def __init__(self, results: QuizResults, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("成绩 · {t}", t=results.title))
        self.resize(900, 560)
        lay = QVBoxLayout(self)
        rate = f"{results.pass_rate:g}%" if results.pass_rate is not None else "—"
        avg = f"{results.average_percent:g}%" if results.average_percent is not None else "—"
        lay.addWidget(QLabel(_("参考 {n} 人，共 {a} 次作答，及格率 {r}，平均得分率 {v}", n=results.takers,
                               a=results.attempts, r=rate, v=avg)))
        columns: list[Column[OfficerStanding]] = [
            Column(_("警号"), lambda r: r.badge), Column(_("姓名"), lambda r: r.name), Column(_("单位"), lambda r: r.unit),
            Column(_("次数"), lambda r: r.attempts, align_right=True),
            Column(_("计入成绩"), lambda r: "—" if r.score is None else f"{r.score:g}（{r.percent:g}%）"),
            Column(_("结果"), lambda r: {True: _("及格"), False: _("不及格"), None: "—"}[r.passed]),
        ]
        if results.lockdown:
            columns.append(Column(_("离开考试界面"), lambda r: _("{n} 次", n=r.departures), align_right=True))
        model: RowsModel[OfficerStanding] = RowsModel(columns)
        model.set_rows(results.rows)
        lay.addWidget(make_table(model, stretch_column=2), 1)
        close = QPushButton(_("关闭"))
        close.clicked.connect(self.accept)
        lay.addWidget(close)


class GradingDialog(QDialog):
    """Work through ungraded 简答 answers: read, score, comment, next."""

    def __init__(self, ctx: AppContext, quiz_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.quiz_id = ctx, quiz_id
        self.setWindowTitle(_("阅卷：简答题"))
        self.resize(1000, 620)
        lay = QHBoxLayout(self)
        self.model: RowsModel[PendingItem] = RowsModel([
            Column(_("答卷人"), lambda p: p.officer), Column(_("试卷"), lambda p: p.quiz_title),
        ])
        self.view = make_table(self.model, stretch_column=1)
        self.view.setMaximumWidth(380)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._show())
        self.box = EmptyOr(self.view, _("没有待阅的简答题"))
        lay.addWidget(self.box)
        right = QVBoxLayout()
        self.text = QTextBrowser()
        right.addWidget(self.text, 1)
        form = QFormLayout()
        self.score = QDoubleSpinBox()
        self.score.setDecimals(1)
        self.comment = QPlainTextEdit()
        self.comment.setMaximumHeight(80)
        form.addRow(_("得分"), self.score)
        form.addRow(_("评语"), self.comment)
        right.addLayout(form)
        self.save_btn = QPushButton(_("保存评分"))
        self.save_btn.setProperty("primary", True)
        self.save_btn.clicked.connect(self._save)
        right.addWidget(self.save_btn)
        lay.addLayout(right, 1)
        self.load()

    def load(self) -> None:
        self.ctx.call(quiz.grading_queue, quiz_id=self.quiz_id).success(self._loaded).run(self)

    def _loaded(self, items: list[PendingItem]) -> None:
        self.model.set_rows(items)
        self.box.show_content(bool(items))
        self.save_btn.setEnabled(bool(items))
        if items:
            self.view.selectRow(0)
        else:
            self.text.clear()

    def _current(self) -> PendingItem | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0]) if rows else None

    def _show(self) -> None:
        p = self._current()
        if p is None:
            return
        self.score.setRange(0, p.points)
        self.score.setValue(0)
        self.comment.clear()
        import html

        self.text.setHtml(
            f"<h3>{html.escape(p.stem)}</h3><p><b>{_('满分')}</b>：{p.points:g}</p>"
            f"<p><b>{_('作答')}</b>：</p><p>{html.escape(p.response).replace(chr(10), '<br>')}</p>"
            f"<p><b>{_('参考答案')}</b>：</p><p style='color:#607D8B'>{html.escape(p.reference)}</p>")

    def _save(self) -> None:
        p = self._current()
        if p is None:
            return
        (self.ctx.call(quiz.grade_answer, p.item_id, self.score.value(), self.comment.toPlainText())
         .success(lambda _r: self.load()).run(self))
