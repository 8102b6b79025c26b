# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Taking a quiz: start (freeze the paper and the deadline), save each answer, resume, submit.

* ``start_attempt`` draws the paper once and stores the question versions, the
  option order and an absolute deadline (wall-clock UTC) in the database.
* ``save_answer`` is one small unit of work: call it in its own transaction on
  every click, so a killed process loses nothing.
* ``load_paper`` resumes with the true remaining time, ``deadline - now``; an
  attempt whose deadline passed meanwhile is submitted with what it has.
* The wall clock may be moved backwards: every load and save records the latest
  time seen (``last_seen_at``) and time never counts from before it; within one
  process :class:`Countdown` runs on the monotonic clock and ignores the wall clock.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound, PermissionDenied
from base.i18n import _
from core.infra import hooks
from core.infra.clock import Clock
from core.models import Attempt, AttemptItem, Officer, QuestionRow, Quiz
from core.people.org import unit_chain
from core.quiz.compose import draw_paper, get_quiz
from core.quiz.grading import grade, is_answered
from core.quiz.lockdown import counted as departures_counted
from core.quiz.question_view import QuestionView, to_original, to_shown, view_of
from core.quiz.wrongbook import Outcome, record

SAVE_GRACE_S = 15      # an answer clicked just before time-up may arrive a moment late


# --- who may take what ------------------------------------------------------------------------

def eligible(session: Session, quiz: Quiz, officer: Officer) -> bool:
    """The quiz's audience: units (with their sub-units), 民警/辅警, 党员 only."""
    aud = quiz.audience or {}
    if aud.get("unit_ids") and not unit_chain(session, officer.unit_id) & {int(u) for u in aud["unit_ids"]}:
        return False
    if aud.get("categories") and officer.category not in aud["categories"]:
        return False
    return not (aud.get("party_only") and not officer.party_member)


def window_open(quiz: Quiz, now: dt.datetime) -> bool:
    return (quiz.opens_at is None or quiz.opens_at <= now) and (quiz.closes_at is None or now <= quiz.closes_at)


def effective_now(attempt: Attempt, clock: Clock) -> dt.datetime:
    """Now, but never before a time already seen for this attempt (the clock was moved backwards)."""
    now = clock.now()
    return max(now, attempt.last_seen_at) if attempt.last_seen_at else now


def remaining_seconds(attempt: Attempt, clock: Clock) -> float | None:
    if attempt.deadline_at is None:
        return None
    return max(0.0, (attempt.deadline_at - effective_now(attempt, clock)).total_seconds())


class Countdown:
    """Remaining time inside one process, on the monotonic clock (wall-clock changes do not count)."""

    def __init__(self, remaining_s: float | None, clock: Clock) -> None:
        self.clock = clock
        self._end = None if remaining_s is None else clock.monotonic() + remaining_s

    def remaining(self) -> float | None:
        return None if self._end is None else max(0.0, self._end - self.clock.monotonic())

    @property
    def expired(self) -> bool:
        r = self.remaining()
        return r is not None and r <= 0


# --- start -------------------------------------------------------------------------------------

def start_attempt(session: Session, quiz_id: int, officer_id: int, clock: Clock, *,
                  rng: random.Random | None = None) -> uuid.UUID:
    """Start (or return the unfinished) attempt of ``officer_id`` at ``quiz_id``."""
    now = clock.now()
    quiz = get_quiz(session, quiz_id)
    # Two PCs starting this officer's exam at once take turns here (PostgreSQL row lock; SQLite's
    # write transactions are serialized already), so the second one sees the first one's attempt.
    officer = session.get(Officer, officer_id, with_for_update=True)
    if officer is None:
        raise NotFound(_("人员不存在"))
    if not quiz.published:
        raise PermissionDenied(_("试卷“{t}”尚未发布", t=quiz.title))
    if not eligible(session, quiz, officer):
        raise PermissionDenied(_("您不在试卷“{t}”的参考范围内", t=quiz.title))
    open_one = session.scalar(select(Attempt).where(
        Attempt.quiz_id == quiz_id, Attempt.officer_id == officer_id, Attempt.status == "in_progress"))
    if open_one is not None:
        if remaining_seconds(open_one, clock) != 0.0:
            return open_one.id
        submit_attempt(session, open_one.id, clock, auto=True)
    if not window_open(quiz, now):
        raise PermissionDenied(_("试卷“{t}”不在开放时间内", t=quiz.title))
    used = int(session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.quiz_id == quiz_id, Attempt.officer_id == officer_id)) or 0)
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise PermissionDenied(_("试卷“{t}”最多可作答 {n} 次，您已用完", t=quiz.title, n=quiz.attempts_allowed))
    rng = rng or random.Random()
    items = draw_paper(session, quiz, rng=rng)
    if quiz.shuffle_questions:
        rng.shuffle(items)
    deadline = now + dt.timedelta(seconds=quiz.time_limit_s) if quiz.time_limit_s else None
    if deadline is not None and quiz.closes_at is not None:
        deadline = min(deadline, quiz.closes_at)
    n_options = {qid: len(opts or []) for qid, opts in session.execute(
        select(QuestionRow.id, QuestionRow.options).where(QuestionRow.id.in_([q for q, _p in items])))}
    attempt = Attempt(id=uuid.uuid4(), quiz_id=quiz_id, officer_id=officer_id, unit_id=officer.unit_id,
                      number=used + 1, started_at=now, deadline_at=deadline, last_seen_at=now,
                      status="in_progress", max_score=sum(p for _q, p in items))
    session.add(attempt)
    session.flush()
    rows = []
    for pos, (qid, points) in enumerate(items):
        order = list(range(int(n_options.get(qid) or 0)))
        if quiz.shuffle_options and len(order) > 1:
            rng.shuffle(order)
        rows.append({"id": uuid.uuid4(), "attempt_id": attempt.id, "position": pos, "question_id": qid,
                     "option_order": order, "points": points, "flagged": False, "comment": ""})
    session.execute(insert(AttemptItem), rows)
    return attempt.id


# --- the paper on screen -----------------------------------------------------------------------

@dataclass(slots=True)
class Paper:
    attempt_id: uuid.UUID
    quiz_id: int
    quiz_title: str
    mode: str
    number: int
    deadline_at: dt.datetime | None
    remaining_s: float | None           # at load time; run a Countdown from it
    finished: bool                      # True: already submitted (show the result instead)
    items: list[QuestionView] = field(default_factory=list)
    responses: dict[int, Any] = field(default_factory=dict)   # position -> shown-letter response
    flagged: set[int] = field(default_factory=set)
    expired_now: bool = False           # the deadline had passed: submitted by this load
    resume_at: int = 0                  # where the officer was: the position answered last
    lockdown: bool = False              # full screen, departures counted (core/quiz/lockdown.py)
    leave_limit: int | None = None
    departures: int = 0                 # counted departures so far

    @property
    def total_points(self) -> float:
        return sum(i.points for i in self.items)


def _own_attempt(session: Session, attempt_id: uuid.UUID, officer_id: int) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound(_("答卷不存在"))
    if attempt.officer_id != officer_id:
        raise PermissionDenied(_("这不是您的答卷"))
    return attempt


def load_paper(session: Session, attempt_id: uuid.UUID, officer_id: int, clock: Clock) -> Paper:
    """The frozen paper with saved answers and the true remaining time (auto-submits when expired)."""
    attempt = _own_attempt(session, attempt_id, officer_id)
    quiz = session.get(Quiz, attempt.quiz_id)
    assert quiz is not None
    paper = Paper(attempt.id, quiz.id, quiz.title, quiz.mode, attempt.number, attempt.deadline_at, None, False)
    if attempt.status != "in_progress":
        paper.finished = True
        return paper
    remaining = remaining_seconds(attempt, clock)
    if remaining == 0.0:
        submit_attempt(session, attempt.id, clock, auto=True)
        paper.finished = paper.expired_now = True
        return paper
    attempt.last_seen_at = effective_now(attempt, clock)
    paper.remaining_s = remaining
    if quiz.lockdown:
        paper.lockdown, paper.leave_limit = True, quiz.leave_limit
        paper.departures = departures_counted(session, attempt.id)
    rows = session.execute(select(AttemptItem, QuestionRow).join(QuestionRow, QuestionRow.id == AttemptItem.question_id)
                           .where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position))
    last_answered: dt.datetime | None = None
    for item, q in rows:
        paper.items.append(view_of(q, position=item.position, points=item.points, order=item.option_order))
        if item.response is not None:
            paper.responses[item.position] = to_shown(q.qtype, item.response, item.option_order)
        if item.flagged:
            paper.flagged.add(item.position)
        if item.answered_at is not None and (last_answered is None or item.answered_at >= last_answered):
            last_answered, paper.resume_at = item.answered_at, item.position
    return paper


def save_answer(session: Session, attempt_id: uuid.UUID, officer_id: int, position: int, response: Any,
                clock: Clock, *, flagged: bool | None = None) -> None:
    """Store one answer (shown letters) at once. Run it in its own transaction."""
    now = clock.now()
    row = session.execute(
        select(Attempt.officer_id, Attempt.status, Attempt.deadline_at, Attempt.last_seen_at,
               AttemptItem.id, AttemptItem.option_order, QuestionRow.qtype)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(QuestionRow, QuestionRow.id == AttemptItem.question_id)
        .where(Attempt.id == attempt_id, AttemptItem.position == position)).first()
    if row is None:
        raise NotFound(_("答卷中没有第 {n} 题", n=position + 1))
    owner, status, deadline, last_seen, item_id, order, qtype = row
    if owner != officer_id:
        raise PermissionDenied(_("这不是您的答卷"))
    if status != "in_progress":
        raise InvalidInput(_("已交卷，不能再修改答案"))
    seen = max(now, last_seen) if last_seen else now
    if deadline is not None and seen > deadline + dt.timedelta(seconds=SAVE_GRACE_S):
        raise InvalidInput(_("考试时间已到，答案未保存"))
    values: dict[str, Any] = {"response": to_original(qtype, response, order), "answered_at": now}
    if flagged is not None:
        values["flagged"] = flagged
    session.execute(update(AttemptItem).where(AttemptItem.id == item_id).values(**values))
    if last_seen is None or now > last_seen:
        session.execute(update(Attempt).where(Attempt.id == attempt_id).values(last_seen_at=now))


def set_flag(session: Session, attempt_id: uuid.UUID, officer_id: int, position: int, flagged: bool) -> None:
    attempt = _own_attempt(session, attempt_id, officer_id)
    if attempt.status != "in_progress":
        raise InvalidInput(_("已交卷，不能再修改答案"))
    session.execute(update(AttemptItem).where(AttemptItem.attempt_id == attempt_id,
                                              AttemptItem.position == position).values(flagged=flagged))


# --- submit ------------------------------------------------------------------------------------

def submit_attempt(session: Session, attempt_id: uuid.UUID, clock: Clock, *, auto: bool = False,
                   officer_id: int | None = None) -> None:
    """Grade every objective item, total the score, queue 简答 for manual grading, fire the hook."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound(_("答卷不存在"))
    if officer_id is not None and attempt.officer_id != officer_id:
        raise PermissionDenied(_("这不是您的答卷"))
    if attempt.status != "in_progress":
        raise InvalidInput(_("这份答卷已经交过了"))
    quiz = session.get(Quiz, attempt.quiz_id)
    assert quiz is not None
    now = effective_now(attempt, clock)
    if attempt.deadline_at is not None and now > attempt.deadline_at:
        now, auto = attempt.deadline_at, True
    rows = session.execute(
        select(AttemptItem.id, AttemptItem.points, AttemptItem.response, QuestionRow.id, QuestionRow.qtype,
               QuestionRow.answer, QuestionRow.blanks, QuestionRow.lineage, QuestionRow.category)
        .join(QuestionRow, QuestionRow.id == AttemptItem.question_id)
        .where(AttemptItem.attempt_id == attempt_id)).all()
    updates, outcomes = [], []
    total, pending = 0.0, False
    for item_id, points, response, qid, qtype, answer, blanks, lineage, category in rows:
        g = grade(qtype, answer=answer or [], blanks=blanks or [], response=response, points=points,
                  multi_policy=quiz.multi_scoring, fill_ordered=quiz.fill_ordered)
        answered = is_answered(qtype, response)
        if g.manual:
            pending = pending or answered
            updates.append({"id": item_id, "score": None if answered else 0.0, "correct": None if answered else False})
            continue
        total += g.score or 0.0
        updates.append({"id": item_id, "score": g.score, "correct": g.correct})
        if answered:
            outcomes.append(Outcome(lineage, qid, category or "", bool(g.correct)))
    if updates:
        session.execute(update(AttemptItem), updates)
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    attempt.last_seen_at = max(now, attempt.last_seen_at) if attempt.last_seen_at else now
    set_totals(attempt, quiz, total, pending)
    record(session, attempt.officer_id, outcomes, now)
    session.flush()
    hooks.fire("attempt_did_submit", session, attempt_id=attempt.id, clock=clock)


def set_totals(attempt: Attempt, quiz: Quiz, total: float, pending: bool) -> None:
    attempt.score = round(total, 2)
    attempt.percent = round(100.0 * total / attempt.max_score, 1) if attempt.max_score else 0.0
    attempt.status = "pending_manual" if pending else "submitted"
    attempt.passed = None if pending or quiz.pass_percent is None else attempt.percent >= quiz.pass_percent


# --- resume on login ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ResumeOffer:
    attempt_id: uuid.UUID
    quiz_title: str
    remaining_s: float | None
    answered: int
    total: int


def finish_expired(session: Session, officer_id: int, clock: Clock) -> list[str]:
    """Submit this officer's attempts whose deadline passed while the app was closed; their quiz titles."""
    done = []
    for attempt in session.scalars(select(Attempt).where(Attempt.officer_id == officer_id,
                                                         Attempt.status == "in_progress")):
        if remaining_seconds(attempt, clock) == 0.0:
            submit_attempt(session, attempt.id, clock, auto=True)
            quiz = session.get(Quiz, attempt.quiz_id)
            done.append(quiz.title if quiz else "")
    return done


def finish_all_expired(session: Session, clock: Clock, *, limit: int = 1000) -> int:
    """Submit every officer's open attempt whose deadline has passed; returns how many.

    Any process does this when it opens the database or runs a report (core/quiz/upkeep.py), so an
    attempt that ran out while its PC was off counts in results, averages and certificates without
    waiting for its officer to log in again.
    """
    now = clock.now()
    expired = list(session.scalars(select(Attempt).where(Attempt.status == "in_progress",
                                                         Attempt.deadline_at.is_not(None),
                                                         Attempt.deadline_at <= now).limit(limit)))
    for attempt in expired:
        if remaining_seconds(attempt, clock) == 0.0:
            submit_attempt(session, attempt.id, clock, auto=True)
    return len(expired)


def unfinished_attempt(session: Session, officer_id: int, clock: Clock) -> ResumeOffer | None:
    """The attempt to offer for resuming after expired ones were submitted (newest first)."""
    finish_expired(session, officer_id, clock)
    attempt = session.scalar(select(Attempt).where(Attempt.officer_id == officer_id, Attempt.status == "in_progress")
                             .order_by(Attempt.started_at.desc()).limit(1))
    if attempt is None:
        return None
    quiz = session.get(Quiz, attempt.quiz_id)
    rows = session.execute(select(QuestionRow.qtype, AttemptItem.response)
                           .join(QuestionRow, QuestionRow.id == AttemptItem.question_id)
                           .where(AttemptItem.attempt_id == attempt.id)).all()
    answered = sum(1 for qtype, response in rows if is_answered(qtype, response))
    return ResumeOffer(attempt.id, quiz.title if quiz else "", remaining_seconds(attempt, clock), answered, len(rows))
