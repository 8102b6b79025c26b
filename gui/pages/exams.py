# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""考试: open exams and competition quizzes to start or resume, and the officer's own history."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from base.i18n import N_, _
from core.models import Role
from core.quiz import usecases as quiz
from core.quiz.catalog import MODE_LABELS
from core.quiz.results import AttemptRow, OfficerQuiz
from gui.context import AppContext
from gui.pages import PageSpec
from gui.quiz import open_attempt, start_quiz
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table

STATUS_LABELS = {"in_progress": N_("作答中"), "submitted": N_("已交卷"), "pending_manual": N_("待阅卷"),
                 "void": N_("作废（重复开始）")}


def _when(d: dt.datetime | None) -> str:
    return d.astimezone().strftime("%Y-%m-%d %H:%M") if d else "—"


def _score(score: float | None, percent: float | None) -> str:
    return "—" if score is None else f"{score:g}（{percent:g}%）" if percent is not None else f"{score:g}"


def _passed(p: bool | None) -> str:
    return "—" if p is None else _("及格") if p else _("不及格")


class ExamsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("考试"), _("开放中的考试与知识竞赛；答案随点随存，断电或关机后可继续作答。"))
        self.ctx = ctx
        self.quizzes: RowsModel[OfficerQuiz] = RowsModel([
            Column(_("试卷"), lambda q: q.title),
            Column(_("类型"), lambda q: _(MODE_LABELS.get(q.mode, q.mode))),
            Column(_("题数"), lambda q: q.question_count, align_right=True),
            Column(_("时长"), lambda q: _("{n} 分钟", n=q.time_limit_min) if q.time_limit_min else _("不限时")),
            Column(_("截止"), lambda q: _when(q.closes_at)),
            Column(_("次数"), lambda q: f"{q.attempts_used} / {q.attempts_allowed}" if q.attempts_allowed
                   else str(q.attempts_used)),
            Column(_("计入成绩"), lambda q: _score(q.counted_score, q.counted_percent)),
            Column(_("状态"), lambda q: _("作答中") if q.in_progress else (_("可参加") if q.can_start else _("次数已用完"))),
        ])
        self.quiz_view = make_table(self.quizzes, stretch_column=0)
        self.quiz_view.doubleClicked.connect(lambda _i: self._start())
        self.quiz_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        box = QGroupBox(_("可参加的考试"))
        bl = QVBoxLayout(box)
        self.quiz_box = EmptyOr(self.quiz_view, _("目前没有开放给您的考试"))
        bl.addWidget(self.quiz_box)
        row = QHBoxLayout()
        row.addStretch(1)
        self.start_btn = QPushButton(_("开始考试"))
        self.start_btn.setProperty("primary", True)
        self.start_btn.clicked.connect(self._start)
        row.addWidget(self.start_btn)
        bl.addLayout(row)
        self.add(box, 3)

        self.attempts: RowsModel[AttemptRow] = RowsModel([
            Column(_("试卷"), lambda a: a.quiz_title),
            Column(_("第几次"), lambda a: a.number, align_right=True),
            Column(_("开始时间"), lambda a: _when(a.started_at)),
            Column(_("交卷时间"), lambda a: _when(a.submitted_at)),
            Column(_("得分"), lambda a: _score(a.score, a.percent)),
            Column(_("结果"), lambda a: _passed(a.passed)),
            Column(_("状态"), lambda a: _(STATUS_LABELS.get(a.status, a.status))),
        ])
        self.history_view = make_table(self.attempts, stretch_column=0)
        self.history_view.doubleClicked.connect(lambda _i: self._open_history())
        hbox = QGroupBox(_("我的考试记录"))
        hl = QVBoxLayout(hbox)
        self.history_box = EmptyOr(self.history_view, _("还没有考试记录"))
        hl.addWidget(self.history_box)
        hrow = QHBoxLayout()
        hrow.addStretch(1)
        self.open_btn = QPushButton(_("查看成绩与解析"))
        self.open_btn.clicked.connect(self._open_history)
        hrow.addWidget(self.open_btn)
        hl.addLayout(hrow)
        self.add(hbox, 2)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.call(quiz.my_exams).success(self._show).run(self)

    def _show(self, data: quiz.MyExams) -> None:
        quizzes, attempts = data.open, data.history
        self.quizzes.set_rows(quizzes)
        self.attempts.set_rows(attempts)
        self.quiz_box.show_content(bool(quizzes))
        self.history_box.show_content(bool(attempts))
        if quizzes:
            self.quiz_view.selectRow(0)
        self._update_buttons()

    def _selected(self) -> OfficerQuiz | None:
        rows = self.quiz_view.selectionModel().selectedRows()
        return self.quizzes.row(rows[0]) if rows else None

    def _update_buttons(self) -> None:
        q = self._selected()
        self.start_btn.setEnabled(bool(q and q.can_start))
        self.start_btn.setText(_("继续作答") if q and q.in_progress else _("开始考试"))

    def _start(self) -> None:
        q = self._selected()
        if q is None or not q.can_start:
            return
        if q.in_progress:
            open_attempt(self.ctx, q.in_progress, self, on_done=self.refresh)
        else:
            start_quiz(self.ctx, q.quiz_id, self, on_done=self.refresh)

    def _open_history(self) -> None:
        rows = self.history_view.selectionModel().selectedRows()
        if rows:
            open_attempt(self.ctx, self.attempts.row(rows[0]).attempt_id, self, on_done=self.refresh)


PAGE = PageSpec("exams", N_("考试"), "exam", 30, Role.OFFICER, ExamsPage)
