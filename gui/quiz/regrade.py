# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""更正答案重新评分: pick a corrected question and the quizzes, see the dry run, then regrade."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _
from core.quiz import usecases as quiz
from core.quiz.catalog import QuizInfo
from core.quiz.regrade import Correction, RegradeReport, RegradeRow, RegradeTarget
from gui.context import AppContext
from gui.widgets import Column, EmptyOr, RowsModel, make_table, text_label


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def _verdict(v: bool | None) -> str:
    return {True: _("及格"), False: _("不及格"), None: "—"}[v]


def _arrow(before: str, after: str) -> str:
    return before if before == after else f"{before} → {after}"


CERT_LABELS = {"issue": N_("颁发"), "reissue": N_("重新颁发"), "revoke": N_("撤销")}


def _cert(r: RegradeRow) -> str:
    return f"{_(CERT_LABELS[r.certificate])} {r.serial}".strip() if r.certificate else ""


class RegradeDialog(QDialog):
    """The dry run first: the real regrade is offered only for the choices the dry run showed."""

    def __init__(self, ctx: AppContext, info: QuizInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.info = ctx, info
        self._tried: tuple[int, tuple[int, ...]] | None = None
        self.setWindowTitle(_("更正答案重新评分 · {t}", t=info.title))
        self.resize(1180, 660)
        lay = QVBoxLayout(self)
        lay.addWidget(text_label(_("题库中修改过的题目（答案更正后保存为新版本）会列在这里。选择题目和要重新评分的试卷，"
                                   "先试算查看每份答卷的变化，确认后再保存。"), wrap=True))
        top = QSplitter(Qt.Orientation.Horizontal)
        self.questions: RowsModel[Correction] = RowsModel([
            Column(_("题目编号"), lambda c: c.question_id, align_right=True),
            Column(_("版本"), lambda c: _("第 {v} 版（作答用第 {u} 版）", v=c.version,
                                            u="、".join(str(x) for x in c.used_versions))),
            Column(_("题干"), lambda c: c.stem[:60]),
            Column(_("更正后答案"), lambda c: c.answer),
            Column(_("涉及作答"), lambda c: c.items, align_right=True),
        ])
        self.q_view = make_table(self.questions, stretch_column=2)
        self.q_view.selectionModel().selectionChanged.connect(lambda *_a: self._question_changed())
        self.q_box = EmptyOr(self.q_view, _("这份试卷的答卷中没有修改过的题目。请先在“题库”中更正题目的答案。"))
        top.addWidget(self.q_box)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(QLabel(_("重新评分的试卷")))
        self.quizzes = QListWidget()
        self.quizzes.itemChanged.connect(lambda _i: self._choices_changed())
        sl.addWidget(self.quizzes, 1)
        sl.addWidget(QLabel(_("更正原因")))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("例如：第3题标准答案应为 B"))
        sl.addWidget(self.reason)
        top.addWidget(side)
        top.setSizes([760, 380])
        lay.addWidget(top, 2)

        self.summary = text_label(_("尚未试算"), wrap=True)
        self.summary.setObjectName("Muted")
        lay.addWidget(self.summary)
        self.changes: RowsModel[RegradeRow] = RowsModel([
            Column(_("警号"), lambda r: r.badge), Column(_("姓名"), lambda r: r.name),
            Column(_("试卷"), lambda r: r.quiz_title),
            Column(_("第几次作答"), lambda r: _("第 {n} 次", n=r.number) if r.number else "—"),
            Column(_("得分"), lambda r: _arrow(_num(r.score_before), _num(r.score_after))),
            Column(_("结果"), lambda r: _arrow(_verdict(r.passed_before), _verdict(r.passed_after))),
            Column(_("积分"), lambda r: _arrow(_num(r.points_before), _num(r.points_after))),
            Column(_("证书"), _cert),
        ])
        self.c_view = make_table(self.changes, stretch_column=2)
        self.c_box = EmptyOr(self.c_view, _("试算后在这里列出每份成绩、及格、积分或证书会变化的答卷。"))
        self.c_box.show_content(False)
        lay.addWidget(self.c_box, 3)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.dry_btn = QPushButton(_("试算（不保存）"))
        self.dry_btn.clicked.connect(lambda: self._run(dry=True))
        self.run_btn = QPushButton(_("确认重新评分"))
        self.run_btn.setProperty("primary", True)
        self.run_btn.clicked.connect(lambda: self._run(dry=False))
        close = QPushButton(_("关闭"))
        close.clicked.connect(self.reject)
        for b in (self.dry_btn, self.run_btn, close):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self._update()
        self.ctx.call(quiz.corrected_questions, info.id).success(self._loaded).run(self)

    # --- choices -------------------------------------------------------------------------

    def _loaded(self, rows: list[Correction]) -> None:
        self.questions.set_rows(rows)
        self.q_box.show_content(bool(rows))
        if rows:
            self.q_view.selectRow(0)

    def current(self) -> Correction | None:
        rows = self.q_view.selectionModel().selectedRows()
        return self.questions.row(rows[0]) if rows else None

    def _question_changed(self) -> None:
        c = self.current()
        self.quizzes.clear()
        self._choices_changed()
        if c is not None:
            self.ctx.call(quiz.regrade_targets, c.question_id).success(self._targets).run(self)

    def _targets(self, targets: list[RegradeTarget]) -> None:
        self.quizzes.blockSignals(True)
        self.quizzes.clear()
        for t in targets:
            item = QListWidgetItem(_("{t}（{n} 份答卷）", t=t.title, n=t.attempts))
            item.setData(Qt.ItemDataRole.UserRole, t.quiz_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if t.quiz_id == self.info.id else Qt.CheckState.Unchecked)
            self.quizzes.addItem(item)
        self.quizzes.blockSignals(False)
        self._choices_changed()

    def chosen(self) -> list[int]:
        out = []
        for i in range(self.quizzes.count()):
            item = self.quizzes.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _choices_changed(self) -> None:
        self._tried = None          # the real run follows a dry run of exactly these choices
        self.changes.set_rows([])
        self.c_box.show_content(False)
        self.summary.setText(_("尚未试算"))
        self._update()

    def _update(self) -> None:
        c = self.current()
        ready = c is not None and bool(self.chosen())
        self.dry_btn.setEnabled(ready)
        self.run_btn.setEnabled(ready and c is not None and self._tried == (c.question_id, tuple(self.chosen())))

    # --- running -------------------------------------------------------------------------

    def _run(self, *, dry: bool) -> None:
        c = self.current()
        if c is None:
            return
        chosen = self.chosen()
        if not dry:
            if not self.reason.text().strip():
                QMessageBox.warning(self, _("更正答案重新评分"), _("请填写更正原因"))
                return
            if QMessageBox.question(self, _("更正答案重新评分"),
                                    _("确认按第 {id} 号题更正后的答案重新评分？成绩、积分和证书将按试算结果更改，并记入操作日志。",
                                      id=c.question_id)) != QMessageBox.StandardButton.Yes:
                return
        (self.ctx.call(quiz.regrade_attempts, c.question_id, chosen, reason=self.reason.text(), dry_run=dry)
         .success(lambda r: self.show_report(r, chosen))
         .with_progress(_("正在试算…") if dry else _("正在重新评分…")).run(self))

    def show_report(self, report: RegradeReport, chosen: list[int]) -> None:
        self.changes.set_rows(report.rows)
        self.c_box.show_content(bool(report.rows))
        answers = len({r.attempt_id for r in report.rows if r.attempt_id})
        certs = sum(1 for r in report.rows if r.certificate)
        text = _("{n} 个作答题目改用更正后的答案；{a} 份答卷成绩变化，{c} 张证书变化，积分合计 {p:+g}。",
                 n=report.items, a=answers, c=certs, p=report.points_delta)
        if report.dry_run:
            self.summary.setText(_("试算结果（尚未保存）：") + text)
            self._tried = (report.question_id, tuple(chosen))
        else:
            self.summary.setText(_("已重新评分并保存：") + text if report.regrade_id else _("没有需要更改的内容。"))
            self._tried = None
        self._update()
