# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Results: one attempt's score and review (within the quiz's review policy), history, quiz results.

Review policy: ``score`` shows the score and the per-type breakdown only;
``answers`` adds each question with the officer's and the correct answer;
``explanations`` adds the explanations. With ``review_after_close`` (the default for new
quizzes) the answers stay inside core until the quiz has closed; a quiz with no closing time
shows them once the officer has used every attempt allowed, and never while attempts remain
unlimited. Practice quizzes are for learning: their review is never held back. Secretaries
always see everything.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from base.errors import NotFound, PermissionDenied
from base.i18n import _
from core.infra.clock import LOCAL_TZ, Clock
from core.models import Attempt, AttemptItem, Officer, QuestionRow, Quiz, Unit
from core.quiz import lockdown
from core.quiz.attempts import eligible, window_open
from core.quiz.lockdown import DepartureInfo
from core.quiz.question_view import answer_text, response_text


@dataclass(frozen=True, slots=True)
class TypeScore:
    qtype: str
    count: int
    right: int
    score: float
    max_score: float


@dataclass(frozen=True, slots=True)
class ReviewItem:
    position: int
    qtype: str
    stem: str
    options: tuple[str, ...]
    your_answer: str
    correct_answer: str
    score: float | None
    points: float
    correct: bool | None
    explanation: str
    comment: str
    corrected: bool = False            # regraded against a corrected answer key (core/quiz/regrade.py)


@dataclass(slots=True)
class AttemptResult:
    attempt_id: uuid.UUID
    quiz_id: int
    quiz_title: str
    number: int
    status: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    auto_submitted: bool
    score: float | None
    max_score: float
    percent: float | None
    passed: bool | None
    pass_percent: float | None
    review: str                        # what is shown now: score / answers / explanations
    review_note: str = ""
    breakdown: list[TypeScore] = field(default_factory=list)
    items: list[ReviewItem] = field(default_factory=list)
    corrected: int = 0                 # items regraded after an answer-key correction
    departures: int = 0                # times the officer left a lockdown exam (core/quiz/lockdown.py)
    departure_log: list[DepartureInfo] = field(default_factory=list)


def review_level(quiz: Quiz, now: dt.datetime, *, privileged: bool = False,
                 attempts_used: int = 0) -> tuple[str, str]:
    """What may be shown now, and a note for the officer when more comes later."""
    if privileged:
        return "explanations", ""
    if quiz.review == "score":
        return "score", ""
    if not quiz.review_after_close or quiz.mode == "practice":
        return quiz.review, ""
    if quiz.closes_at is not None:
        if now < quiz.closes_at:
            when = quiz.closes_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
            return "score", _("试卷于 {t} 截止后可查看答案", t=when)
        return quiz.review, ""
    if quiz.attempts_allowed is None:
        return "score", _("这份试卷不限作答次数，答案不公布")
    if attempts_used < quiz.attempts_allowed:
        return "score", _("用完全部 {n} 次作答机会后可查看答案", n=quiz.attempts_allowed)
    return quiz.review, ""


def attempt_result(session: Session, attempt_id: uuid.UUID, viewer_id: int, clock: Clock, *,
                   privileged: bool = False) -> AttemptResult:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound(_("答卷不存在"))
    if attempt.officer_id != viewer_id and not privileged:
        raise PermissionDenied(_("这不是您的答卷"))
    if attempt.status == "in_progress":
        raise PermissionDenied(_("尚未交卷，不能查看成绩"))
    quiz = session.get(Quiz, attempt.quiz_id)
    assert quiz is not None
    used = int(session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.officer_id == attempt.officer_id)) or 0)
    level, note = review_level(quiz, clock.now(), privileged=privileged, attempts_used=used)
    res = AttemptResult(attempt.id, quiz.id, quiz.title, attempt.number, attempt.status, attempt.started_at,
                        attempt.submitted_at, attempt.auto_submitted, attempt.score, attempt.max_score,
                        attempt.percent, attempt.passed, quiz.pass_percent, level, note)
    res.departure_log = lockdown.history(session, attempt.id)
    res.departures = sum(1 for d in res.departure_log if d.counted)
    rows = session.execute(select(AttemptItem, QuestionRow).join(QuestionRow, QuestionRow.id == AttemptItem.question_id)
                           .where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)).all()
    by_type: dict[str, list[float]] = {}
    for item, q in rows:
        t = by_type.setdefault(q.qtype, [0, 0, 0.0, 0.0])
        t[0] += 1
        t[1] += 1 if item.correct else 0
        t[2] += item.score or 0.0
        t[3] += item.points
        res.corrected += 1 if item.original_question_id is not None else 0
        if level == "score":
            continue
        order = item.option_order or []
        res.items.append(ReviewItem(
            item.position, q.qtype, q.stem, tuple((q.options or [])[i] for i in order) or tuple(q.options or []),
            response_text(q.qtype, item.response, order), answer_text(q.qtype, q.answer or [], q.blanks or [], order),
            item.score, item.points, item.correct, q.explanation if level == "explanations" else "", item.comment,
            item.original_question_id is not None))
    order_types = ["single", "multiple", "judge", "fill", "essay"]
    res.breakdown = [TypeScore(k, int(v[0]), int(v[1]), round(v[2], 2), v[3])
                     for k, v in sorted(by_type.items(), key=lambda kv: order_types.index(kv[0]))]
    return res


# --- history and quiz lists for officers ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AttemptRow:
    attempt_id: uuid.UUID
    quiz_id: int
    quiz_title: str
    mode: str
    number: int
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    status: str
    score: float | None
    max_score: float
    percent: float | None
    passed: bool | None


def history(session: Session, officer_id: int, *, quiz_id: int | None = None) -> list[AttemptRow]:
    stmt = (select(Attempt, Quiz.title, Quiz.mode).join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.officer_id == officer_id).order_by(Attempt.started_at.desc()))
    if quiz_id is not None:
        stmt = stmt.where(Attempt.quiz_id == quiz_id)
    return [AttemptRow(a.id, a.quiz_id, title, mode, a.number, a.started_at, a.submitted_at, a.status, a.score,
                       a.max_score, a.percent, a.passed) for a, title, mode in session.execute(stmt)]


def counted(attempts: list[Attempt], counting: str) -> Attempt | None:
    """The attempt that counts among finished ones: highest, last or first."""
    done = sorted((a for a in attempts if a.status != "in_progress"), key=lambda a: a.number)
    if not done:
        return None
    if counting == "last":
        return done[-1]
    if counting == "first":
        return done[0]
    return max(done, key=lambda a: (a.score or 0.0, -a.number))


@dataclass(frozen=True, slots=True)
class OfficerQuiz:
    quiz_id: int
    title: str
    mode: str
    time_limit_min: int | None
    closes_at: dt.datetime | None
    question_count: int
    attempts_used: int
    attempts_allowed: int | None
    in_progress: uuid.UUID | None
    counted_score: float | None
    counted_percent: float | None
    passed: bool | None
    can_start: bool


def quizzes_for(session: Session, officer_id: int, clock: Clock,
                modes: tuple[str, ...] = ("exam", "competition")) -> list[OfficerQuiz]:
    """Published quizzes this officer may take now (or is taking), with their own standing."""
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise NotFound(_("人员不存在"))
    now = clock.now()
    out = []
    for quiz in session.scalars(select(Quiz).where(Quiz.published, Quiz.mode.in_(modes)).order_by(Quiz.id)):
        mine = list(session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.officer_id == officer_id)))
        running = next((a.id for a in mine if a.status == "in_progress"), None)
        if not running and (not window_open(quiz, now) or not eligible(session, quiz, officer)):
            continue
        best = counted(mine, quiz.counting)
        left = quiz.attempts_allowed is None or len(mine) < quiz.attempts_allowed
        n = sum(s.count for s in quiz.sections) + len(quiz.fixed)
        out.append(OfficerQuiz(quiz.id, quiz.title, quiz.mode, quiz.time_limit_s // 60 if quiz.time_limit_s else None,
                               quiz.closes_at, n, len(mine), quiz.attempts_allowed, running,
                               best.score if best else None, best.percent if best else None,
                               best.passed if best else None, bool(running) or left))
    return out


# --- results of one quiz (secretary, CLI) -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OfficerStanding:
    badge: str
    name: str
    unit: str
    attempts: int
    score: float | None
    percent: float | None
    passed: bool | None
    status: str
    departures: int = 0                # counted lockdown departures in the counted attempt


@dataclass(slots=True)
class QuizResults:
    quiz_id: int
    title: str
    counting: str
    has_pass_mark: bool = True
    lockdown: bool = False             # a lockdown quiz: rows count departures
    takers: int = 0
    attempts: int = 0
    passed: int = 0
    average_percent: float | None = None
    rows: list[OfficerStanding] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        return round(100.0 * self.passed / self.takers, 1) if self.takers and self.has_pass_mark else None

    def to_dict(self) -> dict[str, object]:
        return {"quiz_id": self.quiz_id, "title": self.title, "counting": self.counting, "takers": self.takers,
                "attempts": self.attempts, "passed": self.passed, "pass_rate": self.pass_rate,
                "average_percent": self.average_percent,
                "officers": [{"badge": r.badge, "name": r.name, "unit": r.unit, "attempts": r.attempts,
                              "score": r.score, "percent": r.percent, "passed": r.passed, "status": r.status,
                              "departures": r.departures}
                             for r in self.rows]}


def quiz_results(session: Session, quiz_id: int, *, unit_ids: Collection[int] | None = None) -> QuizResults:
    """Each taker's counted attempt and the totals (over officers now in ``unit_ids``, if given)."""
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("试卷 {id} 不存在", id=quiz_id))
    res = QuizResults(quiz.id, quiz.title, quiz.counting, quiz.pass_percent is not None, quiz.lockdown)
    by_officer: dict[int, list[Attempt]] = {}
    attempts = select(Attempt).where(Attempt.quiz_id == quiz_id)
    if unit_ids is not None:
        attempts = attempts.join(Officer, Officer.id == Attempt.officer_id).where(Officer.unit_id.in_(list(unit_ids)))
    for a in session.scalars(attempts):
        by_officer.setdefault(a.officer_id, []).append(a)
    people = {o.id: (o.badge, o.name, unit) for o, unit in session.execute(
        select(Officer, Unit.name).join(Unit, Unit.id == Officer.unit_id).where(Officer.id.in_(list(by_officer))))}
    percents = []
    left = lockdown.counts(session, [a.id for tries in by_officer.values() for a in tries]) if quiz.lockdown else {}
    for oid, tries in by_officer.items():
        res.attempts += len(tries)
        best = counted(tries, quiz.counting)
        badge, name, unit = people[oid]
        if best is None:
            res.rows.append(OfficerStanding(badge, name, unit, len(tries), None, None, None, "in_progress"))
            continue
        res.takers += 1
        res.passed += 1 if best.passed else 0
        if best.percent is not None:
            percents.append(best.percent)
        res.rows.append(OfficerStanding(badge, name, unit, len(tries), best.score, best.percent, best.passed,
                                        best.status, left.get(best.id, 0)))
    res.average_percent = round(sum(percents) / len(percents), 1) if percents else None
    res.rows.sort(key=lambda r: (-(r.percent or -1), r.badge))
    return res
