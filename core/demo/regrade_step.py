# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: an answer key found wrong after the exam, corrected in the bank, waiting for its regrade.

Of the 判断 questions in the first exam's papers, the one most officers "got wrong" is the one
item analysis would flag 答案可能有误. The administrator corrects its key (a new version, by the
real question editor); the regrade itself is left for the secretary to try: 试卷 → 更正答案重评
lists the question, and its dry run shows every score, pass, point and certificate that changes.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from base.i18n import N_, _
from core.bank.questions import edit_question, to_question
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as
from core.models import Attempt, AttemptItem, QuestionRow, Quiz


def run(ctx: DemoContext) -> str:
    with acting_as(ctx, DEMO_ADMIN), ctx.db.transaction() as s:
        exam = s.scalar(select(Quiz).where(Quiz.mode == "exam").order_by(Quiz.id).limit(1))
        if exam is None:
            return _("没有考试，跳过")
        wrong = func.count(AttemptItem.id).filter(AttemptItem.correct.is_(False))
        found = s.execute(
            select(QuestionRow.id, wrong, func.count(AttemptItem.id))
            .join(AttemptItem, AttemptItem.question_id == QuestionRow.id)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(Attempt.quiz_id == exam.id, Attempt.status == "submitted", QuestionRow.qtype == "judge",
                   QuestionRow.is_current)
            .group_by(QuestionRow.id).having(func.count(AttemptItem.id) >= 5)
            .order_by(wrong.desc(), QuestionRow.id).limit(1)).first()
        if found is None:
            return _("没有可更正的判断题，跳过")
        question_id = found[0]
        row = s.get(QuestionRow, question_id)
        assert row is not None          # found by the query above
        q = to_question(row)
        flipped = ["F"] if q.answer == ["T"] else ["T"]
        note = _("（答案已更正：依据最新规定，原答案有误）")
        new = edit_question(s, question_id, dataclasses.replace(q, answer=flipped,
                                                                explanation=(q.explanation + note).strip()))
        return _("第 {id} 号判断题答案已更正为第 {v} 版，等待重新评分", id=question_id, v=new.version)


STEP = DemoStep("regrade", 85, N_("更正一道题的答案"), run, actor=DEMO_ADMIN)
