# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""试卷 (secretary): list, compose, publish, results and the manual-grading queue."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from base.i18n import N_, _
from core.models import Role
from core.quiz import usecases as quiz
from core.quiz.catalog import MODE_LABELS, QuizInfo
from gui.context import AppContext
from gui.pages import PageSpec
from gui.quiz.compose import ComposeDialog
from gui.quiz.manage import GradingDialog, ResultsDialog
from gui.quiz.paper import PaperDialog
from gui.quiz.regrade import RegradeDialog
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table


class QuizzesPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("试卷"), _("组卷、发布、查看成绩和阅卷。抽题规则在发布前会检查题库是否够抽。"))
        self.ctx = ctx
        self.add_action(_("新建试卷"), self.new_quiz, primary=True)
        self.edit_btn = self.add_action(_("编辑"), self.edit_quiz)
        self.publish_btn = self.add_action(_("发布"), self.toggle_publish)
        self.add_action(_("成绩"), self.show_results)
        self.grade_btn = self.add_action(_("阅卷"), self.open_grading)
        self.regrade_btn = self.add_action(_("更正答案重评"), self.open_regrade)
        self.paper_btn = self.add_action(_("纸质考试"), self.open_paper)
        self.model: RowsModel[QuizInfo] = RowsModel([
            Column(_("试卷名称"), lambda q: q.title),
            Column(_("类型"), lambda q: _(MODE_LABELS.get(q.mode, q.mode))),
            Column(_("题数"), lambda q: q.questions, align_right=True),
            Column(_("总分"), lambda q: f"{q.total_points:g}", align_right=True),
            Column(_("时长"), lambda q: _("{n} 分钟", n=q.time_limit_min) if q.time_limit_min else _("不限时")),
            Column(_("及格线"), lambda q: f"{q.pass_percent:g}%" if q.pass_percent is not None else "—"),
            Column(_("截止"), lambda q: q.closes_at.astimezone().strftime("%Y-%m-%d %H:%M") if q.closes_at else "—"),
            Column(_("状态"), lambda q: (_("已发布") if q.published else _("未发布"))
                   + ("" if q.manageable else _("（上级下发）"))),
        ])
        self.view = make_table(self.model, stretch_column=0)
        self.view.doubleClicked.connect(lambda _i: self.edit_quiz() if self.edit_btn.isEnabled() else None)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.box = EmptyOr(self.view, _("还没有试卷。点击“新建试卷”开始组卷。"))
        self.add(self.box, 1)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.call(quiz.quizzes_overview).success(self._show).run(self)

    def _show(self, data: quiz.QuizzesOverview) -> None:
        quizzes, waiting = data.quizzes, data.waiting_to_grade
        self.model.set_rows(quizzes)
        self.box.show_content(bool(quizzes))
        self.grade_btn.setText(_("阅卷（{n}）", n=waiting) if waiting else _("阅卷"))
        self._update()

    def selected(self) -> QuizInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0]) if rows else None

    def _update(self) -> None:
        q = self.selected()
        self.publish_btn.setText(_("撤回发布") if q and q.published else _("发布"))
        editable = q is None or q.manageable      # a quiz shared from above: results only
        self.publish_btn.setEnabled(editable)
        self.edit_btn.setEnabled(editable)
        self.regrade_btn.setEnabled(q is not None and q.manageable)
        self.paper_btn.setEnabled(q is not None)

    def _compose(self, quiz_id: int | None) -> None:
        def show(form: quiz.QuizForm) -> None:
            dialog = ComposeDialog(self.ctx, form, self)
            if dialog.exec():
                self.refresh()

        self.ctx.call(quiz.quiz_form, quiz_id).success(show).run(self)

    def new_quiz(self) -> None:
        self._compose(None)

    def edit_quiz(self) -> None:
        q = self.selected()
        if q is not None:
            self._compose(q.id)

    def toggle_publish(self) -> None:
        q = self.selected()
        if q is None:
            return
        def done(_r: None) -> None:
            QMessageBox.information(self, _("已完成"), _("已撤回“{t}”", t=q.title) if q.published
                                    else _("已发布“{t}”", t=q.title))
            self.refresh()

        self.ctx.call(quiz.set_published, q.id, not q.published).success(done).run(self)

    def show_results(self) -> None:
        q = self.selected()
        if q is not None:
            self.ctx.call(quiz.quiz_results, q.id).success(lambda r: ResultsDialog(r, self).exec()).run(self)

    def open_regrade(self) -> None:
        q = self.selected()
        if q is not None:
            RegradeDialog(self.ctx, q, self).exec()
            self.refresh()

    def open_paper(self) -> None:
        q = self.selected()
        if q is not None:
            PaperDialog(self.ctx, q, self).exec()
            self.refresh()

    def open_grading(self) -> None:
        GradingDialog(self.ctx, None, self).exec()
        self.refresh()


PAGE = PageSpec("quizzes", N_("试卷"), "quiz", 50, Role.SECRETARY, QuizzesPage)
