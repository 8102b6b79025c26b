# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question analysis for a quiz (试题分析): facility and discrimination per question.

* facility: mean fraction of the question's points earned (the correct rate for 1-point items);
* discrimination: facility among the top 27% of attempts (by total percent) minus facility
  among the bottom 27% (Kelley's groups). Warnings follow common classroom-test rules:
  太容易 (facility > 0.9), 太难 (< 0.3), 区分度低 (< 0.2), 答案可能有误 (below -0.1, so that
  sampling noise around zero on small groups is not reported as a wrong key); a question answered
  fewer than MIN_ATTEMPTS times is not judged.
Computed in SQL with window functions (SQLite ≥ 3.25 and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from base.errors import NotFound
from base.i18n import N_, _
from core.models import Attempt, AttemptItem, QuestionRow, Quiz

EASY, HARD, LOW_DISCRIMINATION = 0.9, 0.3, 0.2
WRONG_KEY = -0.1      # clearly negative: the weaker group does better, so the key may be wrong
MIN_ATTEMPTS = 10     # answers to one question below which it is not judged at all (two answers say nothing)
WARNINGS = {"easy": N_("太容易"), "hard": N_("太难"), "low": N_("区分度低"), "key": N_("答案可能有误")}
QTYPE_LABELS = {"single": N_("单选题"), "multiple": N_("多选题"), "judge": N_("判断题"), "fill": N_("填空题"),
                "essay": N_("简答题")}


@dataclass(frozen=True, slots=True)
class ItemRow:
    question_id: int
    qtype: str
    stem: str
    answered: int
    facility: float | None
    discrimination: float | None
    warnings: tuple[str, ...]

    def warning_text(self) -> str:
        return "、".join(_(WARNINGS[w]) for w in self.warnings)


@dataclass(slots=True)
class ItemAnalysis:
    quiz_id: int
    title: str
    attempts: int
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def flagged(self) -> list[ItemRow]:
        return [r for r in self.rows if r.warnings]

    def to_json(self) -> dict[str, object]:
        return {"quiz_id": self.quiz_id, "title": self.title, "attempts": self.attempts,
                "items": [{"question_id": r.question_id, "type": r.qtype, "stem": r.stem, "answered": r.answered,
                           "facility": r.facility, "discrimination": r.discrimination,
                           "warnings": list(r.warnings)} for r in self.rows]}


def _warnings(facility: float | None, disc: float | None, answered: int) -> tuple[str, ...]:
    """Flags for one question, judged only on enough answers to it (a question drawn for two officers
    out of fifty is neither "too easy" nor "too hard" on that evidence)."""
    out: list[str] = []
    if answered < MIN_ATTEMPTS:
        return ()
    if facility is not None:
        if facility > EASY:
            out.append("easy")
        elif facility < HARD:
            out.append("hard")
    if disc is not None:
        if disc < WRONG_KEY:
            out.append("key")
        elif disc < LOW_DISCRIMINATION and "easy" not in out:
            out.append("low")
    return tuple(out)


def item_analysis(session: Session, quiz_id: int) -> ItemAnalysis:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("找不到试卷 {q}", q=quiz_id))
    ranked = (select(Attempt.id.label("attempt_id"),
                     func.row_number().over(order_by=(Attempt.percent.desc(), Attempt.id)).label("pos"),
                     func.count().over().label("n"))
              .where(Attempt.quiz_id == quiz_id, Attempt.submitted_at.is_not(None), Attempt.percent.is_not(None))
              .subquery())
    n = session.scalar(select(func.count()).select_from(ranked)) or 0
    result = ItemAnalysis(quiz_id, quiz.title, n)
    if not n:
        return result
    k = cast((ranked.c.n * 27 + 99) / 100, Integer)      # ceil(27% of n)
    frac = case((AttemptItem.points > 0, AttemptItem.score / AttemptItem.points),
                else_=case((AttemptItem.correct.is_(True), 1.0), else_=0.0))
    stmt = (select(AttemptItem.question_id, func.count(), func.avg(frac),
                   func.avg(case((ranked.c.pos <= k, frac))),
                   func.avg(case((ranked.c.pos > ranked.c.n - k, frac))))
            .join(ranked, ranked.c.attempt_id == AttemptItem.attempt_id)
            .where(AttemptItem.score.is_not(None))
            .group_by(AttemptItem.question_id))
    stats = session.execute(stmt).all()
    questions = {q.id: q for q in session.scalars(select(QuestionRow).where(
        QuestionRow.id.in_([s[0] for s in stats])))}
    rows = []
    for qid, answered, facility, upper, lower in stats:
        q = questions.get(qid)
        disc = None if upper is None or lower is None or n < 2 else float(upper) - float(lower)
        fac = None if facility is None else float(facility)
        rows.append(ItemRow(qid, q.qtype if q else "", q.stem if q else "", answered, fac, disc,
                            _warnings(fac, disc, int(answered))))
    severity = {"key": 0, "low": 1, "hard": 2, "easy": 3}
    rows.sort(key=lambda r: (min((severity[w] for w in r.warnings), default=9), r.discrimination or 0.0))
    result.rows = rows
    return result



