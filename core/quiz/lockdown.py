# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Lockdown exam mode: departures from the exam screen, counted against the quiz's limit.

A quiz with ``lockdown`` runs full screen (gui/quiz/lockdown.py). Each time the officer leaves
it (focus lost, window minimised, another application or another screen activated) the screen
records a departure at once, with its kind and time, and its duration when they come back. A
quiz's ``leave_limit`` is how many departures are allowed: the one after them submits the attempt
with what it has (``auto_submitted``). Coming back to an open attempt after the program stopped
(a crash, a power cut, signing out) is recorded as ``resume`` but never counted: the answers were
safe and the deadline kept running.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound, PermissionDenied
from base.i18n import N_, _
from core.infra.clock import Clock
from core.models import Attempt, Departure, Quiz

COUNTED = ("focus", "app", "minimized", "screen")
KINDS = {"focus": N_("切换到其他窗口"), "app": N_("切换到其他程序"), "minimized": N_("窗口被最小化"),
         "screen": N_("切换到其他显示器"), "resume": N_("程序中断后继续作答")}
MAX_NOTE = 200


@dataclass(frozen=True, slots=True)
class LockdownState:
    departure_id: uuid.UUID | None
    count: int                  # counted departures so far
    limit: int | None           # allowed departures (None: recorded and warned, never submitted)
    submitted: bool             # this departure went over the limit: the attempt was submitted

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.count)

    def warning(self) -> str:
        """What the officer reads when they come back."""
        if self.submitted:
            return _("已离开考试界面 {n} 次，超过允许的 {m} 次，已自动交卷", n=self.count, m=self.limit or 0)
        if self.limit is None:
            return _("已离开考试界面 {n} 次，每次离开都会记录并报告给考试组织者", n=self.count)
        if self.left == 0:
            return _("已离开考试界面 {n} 次，再离开将自动交卷", n=self.count)
        return _("已离开考试界面 {n} 次，还可离开 {k} 次", n=self.count, k=self.left)


@dataclass(frozen=True, slots=True)
class DepartureInfo:
    kind: str
    left_at: dt.datetime
    seconds: float
    counted: bool

    @property
    def label(self) -> str:
        return _(KINDS.get(self.kind, self.kind))


def counted(session: Session, attempt_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.count()).select_from(Departure).where(
        Departure.attempt_id == attempt_id, Departure.kind.in_(COUNTED))) or 0)


def counts(session: Session, attempt_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Counted departures of many attempts at once (results tables)."""
    out: dict[uuid.UUID, int] = {}
    ids = list(attempt_ids)
    for start in range(0, len(ids), 500):
        out.update({aid: int(n) for aid, n in session.execute(
            select(Departure.attempt_id, func.count()).where(
                Departure.attempt_id.in_(ids[start:start + 500]), Departure.kind.in_(COUNTED))
            .group_by(Departure.attempt_id))})
    return out


def history(session: Session, attempt_id: uuid.UUID) -> list[DepartureInfo]:
    return [DepartureInfo(d.kind, d.left_at, d.seconds, d.kind in COUNTED) for d in session.scalars(
        select(Departure).where(Departure.attempt_id == attempt_id).order_by(Departure.left_at))]


def _open_attempt(session: Session, attempt_id: uuid.UUID, officer_id: int) -> tuple[Attempt, Quiz]:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound(_("答卷不存在"))
    if attempt.officer_id != officer_id:
        raise PermissionDenied(_("这不是您的答卷"))
    quiz = session.get(Quiz, attempt.quiz_id)
    assert quiz is not None
    return attempt, quiz


def record_departure(session: Session, attempt_id: uuid.UUID, officer_id: int, kind: str, clock: Clock, *,
                     note: str = "") -> LockdownState:
    """The officer left the exam screen just now: record it, and submit the attempt when this
    departure is one more than the quiz allows."""
    from core.quiz.attempts import submit_attempt

    if kind not in KINDS or kind == "resume":
        raise InvalidInput(_("未知的离开方式：{k}", k=kind))
    attempt, quiz = _open_attempt(session, attempt_id, officer_id)
    if attempt.status != "in_progress" or not quiz.lockdown:
        return LockdownState(None, counted(session, attempt_id), quiz.leave_limit, False)
    departure = Departure(id=uuid.uuid4(), attempt_id=attempt_id, kind=kind, left_at=clock.now(), seconds=0.0,
                          note=note[:MAX_NOTE])
    session.add(departure)
    session.flush()
    n = counted(session, attempt_id)
    over = quiz.leave_limit is not None and n > quiz.leave_limit
    if over:
        submit_attempt(session, attempt_id, clock, auto=True, officer_id=officer_id)
    return LockdownState(departure.id, n, quiz.leave_limit, over)


def record_return(session: Session, departure_id: uuid.UUID, officer_id: int, seconds: float) -> None:
    """The officer came back after ``seconds`` (measured on the screen's monotonic clock)."""
    departure = session.get(Departure, departure_id)
    if departure is None:
        raise NotFound(_("离开记录不存在"))
    _open_attempt(session, departure.attempt_id, officer_id)
    session.execute(update(Departure).where(Departure.id == departure_id).values(seconds=max(0.0, round(seconds, 1))))


def record_resume(session: Session, attempt: Attempt, clock: Clock) -> None:
    """An open lockdown attempt was opened again (after a crash or signing out): recorded, not counted."""
    quiz = session.get(Quiz, attempt.quiz_id)
    if quiz is None or not quiz.lockdown or attempt.status != "in_progress":
        return
    session.add(Departure(id=uuid.uuid4(), attempt_id=attempt.id, kind="resume", left_at=clock.now(), seconds=0.0,
                          note=""))
    session.flush()
