# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: a practice set, a 30-minute exam with a pass mark, and a competition quiz."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from base.i18n import N_, _
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as, dated, days_ago
from core.infra import audit
from core.models import Bank, Quiz, QuizSection

# (title, mode, bank name, minutes, pass %, multi scoring, [(type, count, points)])
QUIZZES = [
    ("党建基础每日练习", "practice", "党建基础知识", None, None, "all_or_nothing",
     [("single", 10, 1), ("judge", 5, 1)]),
    ("道路交通安全法规季度考试", "exam", "道路交通安全法规", 30, 60.0, "half_for_subset",
     [("single", 20, 2), ("multiple", 5, 4), ("judge", 10, 2), ("fill", 5, 4)]),
    ("警务纪律知识竞赛（初赛）", "competition", "警务纪律与职业道德", 20, 60.0, "all_or_nothing",
     [("single", 15, 2), ("multiple", 5, 4), ("judge", 10, 1)]),
]


def run(ctx: DemoContext) -> str:
    now = ctx.clock.now()
    with acting_as(ctx, DEMO_ADMIN), ctx.db.transaction() as s:
        banks = {b.name: b.id for b in s.scalars(select(Bank))}
        for n, (title, mode, bank, minutes, pass_pct, scoring, sections) in enumerate(QUIZZES):
            quiz = Quiz(
                title=title, mode=mode, time_limit_s=minutes * 60 if minutes else None, pass_percent=pass_pct,
                multi_scoring=scoring, shuffle_questions=True, shuffle_options=mode != "practice",
                attempts_allowed=None if mode == "practice" else 2,
                opens_at=now - dt.timedelta(days=120), closes_at=now + dt.timedelta(days=30),
                review="explanations", published=True, created_at=now,
            )
            for pos, (qtype, count, points) in enumerate(sections):
                quiz.sections.append(QuizSection(position=pos, qtype=qtype, count=count, points_each=points,
                                                 filters={"bank_ids": [banks[bank]]}))
            s.add(quiz)
            s.flush()
            # Composed and published by the administrator the day before they opened.
            with dated(days_ago(ctx, 121, 14, 10 + 15 * n)):
                audit.record(s, "quiz.save", target_type="quiz", target_id=quiz.id, title=title, new=True, mode=mode,
                             questions=sum(c for _t, c, _p in sections), points=sum(c * p for _t, c, p in sections))
            with dated(days_ago(ctx, 121, 16, 30 + 5 * n)):
                audit.record(s, "quiz.publish", target_type="quiz", target_id=quiz.id, title=title)
    return _("已创建 {n} 套试卷", n=len(QUIZZES))


STEP = DemoStep("quizzes", 40, N_("创建演示试卷"), run)
