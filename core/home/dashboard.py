# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What an officer should do today: study minutes, points, required reading, open exams, 错题本."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from core.infra.clock import local_date
from core.models import Attempt, LedgerEntry, Material, MaterialProgress, Officer, Quiz, StudySession, WrongBookEntry
from core.orglife.views import MakeUp, SessionRow, open_makeups, upcoming
from core.points.ledger import HistoryLine
from core.study.tracker import DAILY_TARGET, WEEKLY_TARGET

DAILY_TARGET_MINUTES = DAILY_TARGET[1]      # 日学一小时 (the setting's default)
WEEKLY_TARGET_MINUTES = WEEKLY_TARGET[1]


def today_minutes(session: Session, officer_id: int, now: dt.datetime) -> int:
    return _minutes(session, officer_id, local_date(now), local_date(now))


def _minutes(session: Session, officer_id: int, first: dt.date, last: dt.date) -> int:
    seconds = session.scalar(
        select(func.coalesce(func.sum(StudySession.active_seconds), 0)).where(
            StudySession.officer_id == officer_id, StudySession.day >= first, StudySession.day <= last
        )
    )
    return int(seconds or 0) // 60


@dataclass(frozen=True, slots=True)
class DueMaterial:
    id: int
    title: str
    topic: str
    due_date: dt.date | None
    min_minutes: int
    read_minutes: int = 0
    overdue: bool = False
    makeup_for: str = ""          # 补学: the topic of the group session missed


@dataclass(frozen=True, slots=True)
class OpenQuiz:
    id: int
    title: str
    mode: str
    closes_at: dt.datetime | None
    time_limit_min: int | None
    in_progress: bool = False            # the officer has an unfinished attempt: 继续作答
    attempts_left: int | None = None     # None: no limit


@dataclass(slots=True)
class OfficerSummary:
    today_minutes: int
    week_minutes: int
    month_points: float
    wrong_book: int
    due_materials: list[DueMaterial] = field(default_factory=list)
    open_quizzes: list[OpenQuiz] = field(default_factory=list)
    daily_target: int = DAILY_TARGET_MINUTES
    weekly_target: int = WEEKLY_TARGET_MINUTES
    month_points_lines: list[HistoryLine] = field(default_factory=list)   # this month, newest first
    finished_materials: int = 0
    assigned_materials: int = 0
    upcoming_sessions: list[SessionRow] = field(default_factory=list)   # group sessions of the branch ahead
    makeups: list[MakeUp] = field(default_factory=list)                 # 补学 still open


def officer_summary(session: Session, officer_id: int, now: dt.datetime) -> OfficerSummary:
    from core.points.ledger import history
    from core.study.materials import officer_materials
    from core.study.tracker import load_settings

    today = local_date(now)
    week_start = today - dt.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    conf = load_settings(session)
    points = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.officer_id == officer_id, LedgerEntry.day >= month_start, LedgerEntry.day <= today
        )
    )
    wrong = session.scalar(
        select(func.count()).select_from(WrongBookEntry).where(
            WrongBookEntry.officer_id == officer_id, WrongBookEntry.cleared.is_(False)
        )
    )
    mine = officer_materials(session, officer_id)
    due = [DueMaterial(m.id, m.title, m.topic, m.due_date, m.min_minutes, m.seconds // 60,
                       bool(m.due_date and m.due_date < today))
           for m in mine if m.required and not m.finished]
    from core.quiz.attempts import eligible

    makeups = open_makeups(session, officer_id)
    due += _makeup_reading(session, officer_id, makeups, {d.id for d in due})
    officer = session.get(Officer, officer_id)
    quizzes = [q for q in session.scalars(
        select(Quiz)
        .where(Quiz.published, Quiz.mode != "practice",
               or_(Quiz.opens_at.is_(None), Quiz.opens_at <= now),
               or_(Quiz.closes_at.is_(None), Quiz.closes_at >= now))
        .order_by(Quiz.closes_at, Quiz.id)
    ) if officer is not None and eligible(session, q, officer)]
    return OfficerSummary(
        today_minutes=_minutes(session, officer_id, today, today),
        week_minutes=_minutes(session, officer_id, week_start, today),
        month_points=float(points or 0),
        wrong_book=int(wrong or 0),
        due_materials=due,
        open_quizzes=_open_quizzes(session, officer_id, quizzes),
        daily_target=conf.daily_target,
        weekly_target=conf.weekly_target,
        month_points_lines=history(session, officer_id, month_start, today, limit=200),
        finished_materials=sum(1 for m in mine if m.finished),
        assigned_materials=len(mine),
        upcoming_sessions=upcoming(session, [officer.unit_id], now) if officer is not None else [],
        makeups=makeups,
    )


def _makeup_reading(session: Session, officer_id: int, makeups: list[MakeUp], listed: set[int]) -> list[DueMaterial]:
    """The unread materials of open 补学 tasks, as required reading (each once)."""
    out: list[DueMaterial] = []
    for makeup in makeups:
        for mid, _title, done in makeup.materials:
            if done or mid in listed:
                continue
            listed.add(mid)
            row = session.execute(select(Material.title, Material.topic, Material.min_seconds, MaterialProgress.seconds)
                                  .outerjoin(MaterialProgress, (MaterialProgress.material_id == Material.id)
                                             & (MaterialProgress.officer_id == officer_id))
                                  .where(Material.id == mid)).first()
            if row is not None:
                out.append(DueMaterial(mid, row[0], row[1], None, (row[2] + 59) // 60, (row[3] or 0) // 60,
                                       makeup_for=makeup.topic))
    return out


def _open_quizzes(session: Session, officer_id: int, quizzes: list[Quiz]) -> list[OpenQuiz]:
    """The exams an officer can still take or continue: a quiz whose attempts are used up (and none
    is unfinished) is not open to them any more."""
    if not quizzes:
        return []
    used: dict[int, tuple[int, bool]] = {}
    for quiz_id, count, unfinished in session.execute(
            select(Attempt.quiz_id, func.count(), func.max(case((Attempt.status == "in_progress", 1), else_=0)))
            .where(Attempt.officer_id == officer_id, Attempt.quiz_id.in_([q.id for q in quizzes]))
            .group_by(Attempt.quiz_id)):
        used[quiz_id] = (int(count), bool(unfinished))
    shown = []
    for q in quizzes:
        count, unfinished = used.get(q.id, (0, False))
        left = max(q.attempts_allowed - count, 0) if q.attempts_allowed else None
        if left == 0 and not unfinished:
            continue
        shown.append(OpenQuiz(q.id, q.title, q.mode, q.closes_at, q.time_limit_s // 60 if q.time_limit_s else None,
                              unfinished, left))
    return shown
