# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""首页: what to do today — study minutes against target, points, required reading, open exams, 错题本."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from base.i18n import N_, _
from core.access.usecase import Change
from core.home import usecases as home
from core.home.dashboard import DueMaterial, OfficerSummary, OpenQuiz
from core.infra.clock import LOCAL_TZ
from core.models import Role
from core.orglife.views import SessionRow
from core.points.ledger import SOURCE_LABELS, HistoryLine
from core.quiz.catalog import MODE_LABELS
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, StatCard, make_table

# What the summary shows: reading, points, materials assigned, the 错题本, open exams.
SHOWN = (Change.STUDY | Change.POINTS | Change.MATERIALS | Change.PRACTICE | Change.QUIZZES | Change.ATTEMPTS
         | Change.ORGLIFE)


def quiz_state(q: OpenQuiz) -> str:
    """继续作答 for an unfinished attempt, else how many attempts are left."""
    if q.in_progress:
        return _("作答中，可继续")
    if q.attempts_left is None:
        return _("可参加")
    return _("还可作答 {n} 次", n=q.attempts_left)


class HomePage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("今日任务"), _("{name}，您好！以下是今天需要完成的学习与考试。", name=ctx.user.name))
        self.ctx = ctx
        cards = QGridLayout()
        cards.setSpacing(12)
        self.today = StatCard(_("今日学习"))
        self.week = StatCard(_("本周学习"))
        self.points = StatCard(_("本月积分"))
        self.wrong = StatCard(_("错题本"))
        for i, card in enumerate((self.today, self.week, self.points, self.wrong)):
            cards.addWidget(card, 0, i)
        holder = QWidget()
        holder.setLayout(cards)
        self.add(holder)

        self.materials: RowsModel[DueMaterial] = RowsModel([
            Column(_("必学资料"), lambda m: (_("【补学】") if m.makeup_for else "") + m.title),
            Column(_("截止日期"), lambda m: (m.due_date.isoformat() if m.due_date else "—")
                   + (_("（已逾期）") if m.overdue else "")),
            Column(_("阅读时长"), lambda m: _("已读 {a} 分钟，要求 {b} 分钟", a=m.read_minutes, b=m.min_minutes),
                   align_right=True),
        ])
        self.quizzes: RowsModel[OpenQuiz] = RowsModel([
            Column(_("考试与竞赛"), lambda q: q.title),
            Column(_("类型"), lambda q: _(MODE_LABELS.get(q.mode, q.mode))),
            Column(_("时长"), lambda q: _("{n} 分钟", n=q.time_limit_min) if q.time_limit_min else _("不限时")),
            Column(_("截止"), lambda q: q.closes_at.astimezone().strftime("%Y-%m-%d %H:%M") if q.closes_at else "—"),
            Column(_("状态"), quiz_state),
        ])
        self.sessions: RowsModel[SessionRow] = RowsModel([
            Column(_("近期组织生活"), lambda r: f"{r.kind_name}：{r.topic}"),
            Column(_("时间"), lambda r: r.starts_at.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")),
        ])
        self.lines: RowsModel[HistoryLine] = RowsModel([
            Column(_("日期"), lambda h: h.day.strftime("%m-%d")),
            Column(_("积分"), lambda h: f"+{h.amount:g}", align_right=True),
            Column(_("原因"), lambda h: h.note or h.rule_name),
            Column(_("来源"), lambda h: _(SOURCE_LABELS.get(h.source_type, h.source_type))),
        ])
        materials_view = make_table(self.materials, stretch_column=0)
        materials_view.doubleClicked.connect(lambda i: self._read(self.materials.row(i).id))
        self.materials_box = EmptyOr(materials_view, _("必学资料都已读完，做得好！"))
        quizzes_view = make_table(self.quizzes, stretch_column=0)
        quizzes_view.doubleClicked.connect(lambda i: self._take(self.quizzes.row(i).id))
        self.quizzes_box = EmptyOr(quizzes_view, _("目前没有开放的考试"))
        self.lines_box = EmptyOr(make_table(self.lines, stretch_column=2), _("本月还没有积分"))
        columns = QHBoxLayout()
        columns.setSpacing(12)
        left = QVBoxLayout()
        left.addWidget(self._group(_("未完成的必学资料和补学（双击开始阅读）"), self.materials_box), 1)
        left.addWidget(self._group(_("开放中的考试（双击参加或继续）"), self.quizzes_box), 1)
        columns.addLayout(left, 3)
        right = QVBoxLayout()
        self.sessions_box = EmptyOr(make_table(self.sessions, stretch_column=0), _("近期没有安排组织生活"))
        self.sessions_group = self._group(_("近期组织生活"), self.sessions_box)
        right.addWidget(self.sessions_group, 2)
        right.addWidget(self._group(_("本月积分明细"), self.lines_box), 3)
        columns.addLayout(right, 2)
        body = QWidget()
        body.setLayout(columns)
        self.add(body, 1)
        ctx.on(SHOWN, self._changed)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.call(home.officer_summary).success(self._show).run(self)

    def _changed(self) -> None:
        # A hidden page is refreshed when it is shown again (the main window calls refresh).
        if self.isVisible():
            self.refresh()

    def _show(self, s: OfficerSummary) -> None:
        self.today.set(_("{n} 分钟", n=s.today_minutes), _("目标 {n} 分钟", n=s.daily_target))
        self.week.set(_("{n} 分钟", n=s.week_minutes), _("目标 {n} 分钟", n=s.weekly_target))
        self.points.set(f"{s.month_points:g}", _("本月 {n} 条积分记录", n=len(s.month_points_lines)))
        self.wrong.set(_("{n} 题", n=s.wrong_book), _("答对两次即移出错题本"))
        self.materials.set_rows(s.due_materials)
        self.quizzes.set_rows(s.open_quizzes)
        self.lines.set_rows(s.month_points_lines)
        self.sessions.set_rows(s.upcoming_sessions)
        self.sessions_box.show_content(bool(s.upcoming_sessions))
        self.lines_box.show_content(bool(s.month_points_lines))
        self.materials_box.show_content(bool(s.due_materials))
        self.quizzes_box.show_content(bool(s.open_quizzes))

    @staticmethod
    def _group(title: str, box: QWidget) -> QGroupBox:
        group = QGroupBox(title)
        QVBoxLayout(group).addWidget(box)
        return group

    def _take(self, quiz_id: int) -> None:
        from gui.quiz import start_quiz

        start_quiz(self.ctx, quiz_id, self, on_done=self.refresh)

    def _read(self, material_id: int) -> None:
        from gui.study.reader import open_reader

        open_reader(self.ctx, material_id, self, on_closed=self.refresh)


PAGE = PageSpec("home", N_("首页"), "home", 0, Role.OFFICER, HomePage)
