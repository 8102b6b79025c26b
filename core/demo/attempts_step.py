# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: four months of exam and practice history, one attempt to resume, one 简答 to grade.

Answers are simulated from a per-officer ability and each question's difficulty,
then graded by the real grading code, so scores spread like a real unit's (and
some officers fail). Everything is written with bulk inserts: the demo runs in
test setup.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from sqlalchemy import insert, select

from base.i18n import N_, _
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as, dated, days_ago
from core.infra import audit
from core.models import Attempt, AttemptItem, Bank, Officer, QuestionRow, Quiz, QuizSection, WrongBookEntry
from core.models.quiz import PracticeAnswer
from core.quiz.grading import grade
from core.quiz.wrongbook import CLEAR_AFTER
from quizbank.model import LETTERS

ESSAY_QUIZ = "新警岗前培训结业考试（含简答）"
RESUME_BADGE = "200001"
PENDING_BADGE = "200002"
GRADER_BADGE = "100001"


def _p_right(ability: float, difficulty: int) -> float:
    return min(0.98, max(0.05, ability - 0.13 * (difficulty - 2)))


def simulate_response(rng: random.Random, q: QuestionRow, ability: float) -> Any:
    """A believable response: right with probability by ability and difficulty, else a typical mistake."""
    if rng.random() < 0.03:
        return None
    right = rng.random() < _p_right(ability, q.difficulty)
    n = len(q.options or [])
    if q.qtype == "single":
        return list(q.answer) if right else [rng.choice([c for c in LETTERS[:n] if c not in q.answer])]
    if q.qtype == "multiple":
        if right:
            return sorted(q.answer)
        if rng.random() < 0.5 and len(q.answer) > 1:   # 少选
            return sorted(rng.sample(list(q.answer), len(q.answer) - 1))
        wrong = [c for c in LETTERS[:n] if c not in q.answer]
        return sorted(set(q.answer[:1]) | ({rng.choice(wrong)} if wrong else set()))
    if q.qtype == "judge":
        return list(q.answer) if right else (["F"] if q.answer == ["T"] else ["T"])
    if q.qtype == "fill":
        return [alts[0] if rng.random() < _p_right(ability, q.difficulty) else "不清楚" for alts in q.blanks]
    ref = (q.answer or [""])[0]
    return [ref[: max(20, int(len(ref) * ability))]]


def _add_essay_quiz(ctx: DemoContext) -> None:
    now = ctx.clock.now()
    with acting_as(ctx, DEMO_ADMIN), ctx.db.transaction() as s:
        bank = s.scalar(select(Bank.id).where(Bank.name == "警务纪律与职业道德"))
        quiz = Quiz(title=ESSAY_QUIZ, mode="exam", time_limit_s=45 * 60, pass_percent=60.0,
                    multi_scoring="half_for_subset", shuffle_questions=False, shuffle_options=True,
                    attempts_allowed=1, opens_at=now - dt.timedelta(days=40), closes_at=now + dt.timedelta(days=20),
                    review="explanations", published=True, created_at=now - dt.timedelta(days=41),
                    fill_ordered=True, description=_("岗前培训结业考试，简答题由支部书记阅卷。"))
        for pos, (qtype, count, points) in enumerate([("single", 10, 4), ("multiple", 5, 4), ("judge", 5, 2),
                                                      ("fill", 2, 5), ("essay", 1, 20)]):
            quiz.sections.append(QuizSection(position=pos, qtype=qtype, count=count, points_each=points,
                                             filters={"bank_ids": [bank]}))
        s.add(quiz)
        s.flush()
        with dated(days_ago(ctx, 41, 15, 20)):
            audit.record(s, "quiz.save", target_type="quiz", target_id=quiz.id, title=quiz.title, new=True,
                         mode=quiz.mode, questions=sum(sec.count for sec in quiz.sections),
                         points=sum(sec.count * sec.points_each for sec in quiz.sections))
        with dated(days_ago(ctx, 41, 17, 40)):
            audit.record(s, "quiz.publish", target_type="quiz", target_id=quiz.id, title=quiz.title)


class _History:
    """Collects rows in memory; the wrong-answer book is replayed in time order at the end."""

    def __init__(self) -> None:
        self.attempts: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.practice: list[dict[str, Any]] = []
        self.events: list[tuple[dt.datetime, int, QuestionRow, bool]] = []

    def wrongbook_rows(self) -> list[dict[str, Any]]:
        book: dict[tuple[int, uuid.UUID], dict[str, Any]] = {}
        for when, officer, q, correct in sorted(self.events, key=lambda e: e[0]):
            key = (officer, q.lineage)
            e = book.get(key)
            if correct:
                if e is not None and not e["cleared"]:
                    e["right_streak"] += 1
                    e["cleared"] = e["right_streak"] >= CLEAR_AFTER
                continue
            if e is None:
                e = book[key] = {"officer_id": officer, "lineage": q.lineage, "question_id": q.id,
                                 "category": q.category, "wrong_count": 0, "right_streak": 0, "cleared": False,
                                 "last_wrong_at": when}
            e.update(wrong_count=e["wrong_count"] + 1, right_streak=0, cleared=False, last_wrong_at=when)
        return list(book.values())


def _take(h: _History, rng: random.Random, quiz: Quiz, pools: dict[tuple[int, str], list[QuestionRow]],
          officer: Officer, ability: float, number: int, started: dt.datetime, *, answered_upto: int | None = None,
          essay_graded_by: int | None = None) -> None:
    paper: list[tuple[QuestionRow, float]] = []
    for sec in quiz.sections:
        pool = pools[(sec.filters["bank_ids"][0], sec.qtype)]
        paper.extend((q, sec.points_each) for q in rng.sample(pool, sec.count))
    if quiz.shuffle_questions:
        rng.shuffle(paper)
    aid = uuid.uuid4()
    in_progress = answered_upto is not None
    minutes = (quiz.time_limit_s or 900) / 60
    submitted = None if in_progress else started + dt.timedelta(minutes=rng.uniform(0.4, 0.95) * minutes)
    total, max_score, pending = 0.0, 0.0, False
    for pos, (q, points) in enumerate(paper):
        order = list(range(len(q.options or [])))
        if quiz.shuffle_options:
            rng.shuffle(order)
        response = simulate_response(rng, q, ability) if not in_progress or pos < (answered_upto or 0) else None
        score: float | None = None
        correct: bool | None = None
        comment, graded_by = "", None
        if submitted is not None:   # not in progress
            g = grade(q.qtype, answer=q.answer or [], blanks=q.blanks or [], response=response, points=points,
                      multi_policy=quiz.multi_scoring, fill_ordered=quiz.fill_ordered)
            score, correct = g.score, g.correct
            if g.manual and response:
                if essay_graded_by is None:
                    pending = True
                else:
                    score = round(points * min(1.0, max(0.3, ability + rng.uniform(-0.1, 0.1))))
                    correct, graded_by = score >= points, essay_graded_by
                    comment = _("要点基本答全，注意表述规范。") if score >= points * 0.7 else _("要点不全，请对照参考答案复习。")
            elif g.manual:
                score, correct = 0.0, False
            elif response:
                h.events.append((submitted, officer.id, q, bool(correct)))
            total += score or 0.0
        max_score += points
        h.items.append({"id": uuid.uuid4(), "attempt_id": aid, "position": pos, "question_id": q.id,
                        "option_order": order, "points": points, "response": response,
                        "answered_at": (submitted or started) if response else None, "flagged": False,
                        "score": score, "correct": correct, "graded_by": graded_by, "comment": comment})
    percent = round(100 * total / max_score, 1) if not in_progress else None
    h.attempts.append({
        "id": aid, "quiz_id": quiz.id, "officer_id": officer.id, "unit_id": officer.unit_id, "number": number,
        "started_at": started, "deadline_at": started + dt.timedelta(seconds=quiz.time_limit_s)
        if quiz.time_limit_s else None, "last_seen_at": submitted or started + dt.timedelta(minutes=5),
        "submitted_at": submitted, "auto_submitted": False, "max_score": max_score,
        "status": "in_progress" if in_progress else ("pending_manual" if pending else "submitted"),
        "score": None if in_progress else round(total, 2), "percent": percent,
        "passed": None if percent is None or pending or quiz.pass_percent is None else percent >= quiz.pass_percent,
    })


def run(ctx: DemoContext) -> str:
    _add_essay_quiz(ctx)
    now = ctx.clock.now()
    rng = random.Random(20261102)
    h = _History()
    with ctx.db.transaction() as s:
        officers = list(s.scalars(select(Officer).where(Officer.role == "officer").order_by(Officer.badge)))
        grader = s.scalar(select(Officer.id).where(Officer.badge == GRADER_BADGE))
        questions = list(s.scalars(select(QuestionRow).where(QuestionRow.is_current, QuestionRow.active)
                                   .order_by(QuestionRow.id)))
        pools: dict[tuple[int, str], list[QuestionRow]] = {}
        for q in questions:
            pools.setdefault((q.bank_id, q.qtype), []).append(q)
        quizzes = {q.mode if q.title != ESSAY_QUIZ else "essay": q for q in s.scalars(select(Quiz))}
        for quiz in quizzes.values():
            quiz.sections.sort(key=lambda sec: sec.position)
        ability = {o.id: min(0.97, max(0.35, rng.gauss(0.74, 0.12))) for o in officers}

        def when(days_back: float) -> dt.datetime:
            return now - dt.timedelta(days=days_back, hours=rng.uniform(0, 8))

        for o in officers:
            a = ability[o.id]
            for k in range(rng.randint(1, 4)):
                _take(h, rng, quizzes["practice"], pools, o, a + 0.04 * k, k + 1, when(rng.uniform(5, 110)))
            exam = quizzes["exam"]
            if o.badge == RESUME_BADGE or rng.random() < 0.85:
                first = when(rng.uniform(30, 100))
                _take(h, rng, exam, pools, o, a, 1, first)
                failed = h.attempts[-1]["passed"] is False
                if o.badge != RESUME_BADGE and failed and rng.random() < 0.7:
                    _take(h, rng, exam, pools, o, a + 0.08, 2, first + dt.timedelta(days=rng.uniform(3, 20)))
            if rng.random() < 0.6:
                _take(h, rng, quizzes["competition"], pools, o, a, 1, when(rng.uniform(8, 60)))
            if o.badge == PENDING_BADGE or rng.random() < 0.2:
                pending = o.badge == PENDING_BADGE
                _take(h, rng, quizzes["essay"], pools, o, a, 1, when(0.2 if pending else rng.uniform(2, 30)),
                      essay_graded_by=None if pending else grader)
            for _i in range(rng.randint(15, 40)):       # practice history feeds the 错题本
                q = rng.choice(questions)
                if q.qtype == "essay":
                    continue
                right = rng.random() < _p_right(a, q.difficulty)
                at = when(rng.uniform(0.5, 60))
                h.practice.append({"id": uuid.uuid4(), "officer_id": o.id, "question_id": q.id, "lineage": q.lineage,
                                   "source": "bank", "response": None, "correct": right, "answered_at": at})
                h.events.append((at, o.id, q, right))
        resumer = next(o for o in officers if o.badge == RESUME_BADGE)
        _take(h, rng, quizzes["exam"], pools, resumer, ability[resumer.id], 2, now - dt.timedelta(minutes=7),
              answered_upto=12)
        s.execute(insert(Attempt), h.attempts)
        s.execute(insert(AttemptItem), h.items)
        s.execute(insert(PracticeAnswer), h.practice)
        book = h.wrongbook_rows()
        if book:
            s.execute(insert(WrongBookEntry), book)
    return _("已生成 {a} 份答卷、{p} 条练习记录、{w} 条错题", a=len(h.attempts), p=len(h.practice), w=len(book))


STEP = DemoStep("attempts", 50, N_("生成考试与练习记录"), run)
