# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Contests in the database: created with their drawn questions, every event stored as it happens.

:func:`record` replays the stored events, applies the new one (refused events are not stored) and
inserts it with the next number; the (contest, seq) unique key stops two consoles from writing the
same step. :func:`load` gives everything a console needs to resume where it stopped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.contest.machine import Contest, Event, Outcome, Phase, replay
from core.contest.rules import ContestSpec
from core.infra import audit
from core.infra.clock import Clock
from core.models import ContestEvent, ContestRow, QuestionRow, Unit
from core.points import ledger
from core.quiz.question_view import answer_text

EVENT_KEYS: dict[str, tuple[str, ...]] = {
    "round": ("round",), "stake": ("value",), "tile": ("tile",), "show": (), "timer": ("t",), "go": ("t",),
    "buzz": ("team", "t"), "rule": ("team", "correct"), "timeout": (), "reveal": (), "undo": (),
    "adjust": ("team", "delta", "reason"), "finish": (),
}


@dataclass(frozen=True, slots=True)
class QuestionCard:
    """A question as the host sees it (the answer included) and the big screen shows it (without)."""

    id: int
    qtype: str
    stem: str
    options: list[str]
    answer: str                    # as people read it: "B", "ABD", "正确", the blanks' answers
    explanation: str


@dataclass(frozen=True, slots=True)
class ContestSummary:
    id: uuid.UUID
    title: str
    held_on: dt.date
    status: str
    unit: str
    teams: list[str]
    events: int

    def to_dict(self) -> dict[str, object]:
        return {"id": str(self.id), "title": self.title, "held_on": self.held_on.isoformat(), "status": self.status,
                "unit": self.unit, "teams": self.teams, "events": self.events}


@dataclass(frozen=True, slots=True)
class ContestData:
    """One contest as stored: set-up, events in order, its questions; ``contest()`` replays them."""

    id: uuid.UUID
    title: str
    held_on: dt.date
    status: str
    unit: str
    unit_id: int | None
    spec: ContestSpec
    events: list[Event]
    questions: dict[int, QuestionCard]

    def contest(self) -> Contest:
        return replay(self.spec, self.events)

    @property
    def seq(self) -> int:
        return len(self.events)


@dataclass(frozen=True, slots=True)
class Recorded:
    seq: int
    outcome: Outcome
    scores: list[float]
    phase: Phase


def clean_event(event: Event) -> Event:
    """The event with only its own fields (what is stored and replayed)."""
    kind = str(event.get("kind", ""))
    if kind not in EVENT_KEYS:
        raise InvalidInput(_("未知的竞赛事件“{k}”", k=kind))
    return {"kind": kind, **{k: event[k] for k in EVENT_KEYS[kind] if k in event}}


def create(session: Session, spec: ContestSpec, *, unit_id: int | None, held_on: dt.date, clock: Clock,
           actor_id: int | None) -> uuid.UUID:
    spec.check()
    row = ContestRow(id=uuid.uuid4(), title=spec.title, unit_id=unit_id, held_on=held_on, status="ready",
                     spec=spec.to_dict(), created_by=actor_id, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, "contest.create", actor_id=actor_id, target_type="contest", target_id=str(row.id),
                 title=spec.title, teams=[t.name for t in spec.teams], rounds=[r.title for r in spec.rounds])
    return row.id


def _row(session: Session, contest_id: uuid.UUID, *, for_update: bool = False) -> ContestRow:
    stmt = select(ContestRow).where(ContestRow.id == contest_id)
    row = session.scalar(stmt.with_for_update() if for_update else stmt)
    if row is None:
        raise NotFound(_("找不到知识竞赛 {c}", c=contest_id))
    return row


def unit_of(session: Session, contest_id: uuid.UUID) -> int | None:
    """The organising unit of a contest (NotFound when there is no such contest)."""
    return _row(session, contest_id).unit_id


def events(session: Session, contest_id: uuid.UUID) -> list[Event]:
    rows = session.execute(select(ContestEvent.kind, ContestEvent.data).where(ContestEvent.contest_id == contest_id)
                           .order_by(ContestEvent.seq))
    return [{"kind": kind, **data} for kind, data in rows]


def questions(session: Session, spec: ContestSpec) -> dict[int, QuestionCard]:
    ids = [q for r in spec.rounds for q in r.question_ids]
    rows: Iterable[QuestionRow] = session.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids))) if ids else []
    return {q.id: QuestionCard(q.id, q.qtype, q.stem, [str(o) for o in q.options],
                               answer_text(q.qtype, [str(a) for a in q.answer], q.blanks, []), q.explanation)
            for q in rows}


def _unit_name(session: Session, unit_id: int | None) -> str:
    return (session.scalar(select(Unit.name).where(Unit.id == unit_id)) or "") if unit_id is not None else ""


def load(session: Session, contest_id: uuid.UUID) -> ContestData:
    row = _row(session, contest_id)
    spec = ContestSpec.from_dict(row.spec)
    return ContestData(row.id, row.title, row.held_on, row.status, _unit_name(session, row.unit_id), row.unit_id,
                       spec, events(session, contest_id), questions(session, spec))


def summaries(session: Session, unit_ids: frozenset[int] | None) -> list[ContestSummary]:
    stmt = select(ContestRow).order_by(ContestRow.held_on.desc(), ContestRow.created_at.desc())
    if unit_ids is not None:
        stmt = stmt.where(ContestRow.unit_id.in_(unit_ids))
    counts = {cid: n for cid, n in session.execute(select(ContestEvent.contest_id, func.count())
                                                   .group_by(ContestEvent.contest_id))}
    return [ContestSummary(r.id, r.title, r.held_on, r.status, _unit_name(session, r.unit_id),
                           [t["name"] for t in r.spec.get("teams", [])], int(counts.get(r.id, 0)))
            for r in session.scalars(stmt)]


def record(session: Session, contest_id: uuid.UUID, event: Event, *, clock: Clock, actor_id: int | None,
           expect_seq: int | None = None) -> Recorded:
    """Apply ``event`` to the stored contest and store it; ``expect_seq``: the number of events the
    caller has seen (another console having moved on is a Conflict, nothing stored)."""
    event = clean_event(event)
    row = _row(session, contest_id, for_update=True)
    stored = events(session, contest_id)
    if expect_seq is not None and expect_seq != len(stored):
        raise InvalidInput(_("另一台电脑正在主持这场竞赛，请重新打开"))
    spec = ContestSpec.from_dict(row.spec)
    contest = replay(spec, stored)
    before = contest.scores
    outcome = contest.apply(event)
    seq = len(stored) + 1
    session.add(ContestEvent(id=uuid.uuid4(), contest_id=contest_id, seq=seq, kind=event["kind"],
                             data={k: v for k, v in event.items() if k != "kind"}, at=clock.now(), actor_id=actor_id))
    if row.status == "ready":
        row.status = "running"
    if event["kind"] in ("adjust", "undo", "finish"):
        audit.record(session, f"contest.{event['kind']}", actor_id=actor_id, target_type="contest",
                     target_id=str(contest_id), title=row.title, seq=seq,
                     changes={t.name: [b, a] for t, b, a in zip(spec.teams, before, contest.scores, strict=True)
                             if a != b},
                     **({"team": spec.teams[event["team"]].name, "delta": event["delta"], "reason": event["reason"]}
                        if event["kind"] == "adjust" else {}))
    if outcome is Outcome.FINISHED:
        row.status, row.finished_at = "finished", clock.now()
        grant_points(session, row, contest)
    session.flush()
    return Recorded(seq, outcome, contest.scores, contest.phase)


def grant_points(session: Session, row: ContestRow, contest: Contest) -> int:
    """Points by rule for a finished contest: every member takes part; the first-placed team's members
    win (ties share first place). Idempotent (one entry per officer, rule and contest)."""
    from core.models import Officer

    firsts = {team for rank, team, _s in contest.ranking() if rank == 1}
    granted = 0
    for i, team in enumerate(contest.spec.teams):
        for m in team.members:
            if m.officer_id is None:
                continue
            unit_id = session.scalar(select(Officer.unit_id).where(Officer.id == m.officer_id))
            if unit_id is None:
                continue
            codes = ["contest_taken"] + (["contest_won"] if i in firsts else [])
            for code in codes:
                if ledger.grant(session, officer_id=m.officer_id, unit_id=unit_id, day=row.held_on, code=code,
                                source_type="contest", source_id=str(row.id), note=f"《{row.title}》{team.name}"):
                    granted += 1
    return granted


def spec_summary(spec: ContestSpec) -> dict[str, Any]:
    return {"teams": [{"name": t.name, "branch": t.branch, "members": [m.name for m in t.members], "key": t.key}
                      for t in spec.teams],
            "rounds": [{"kind": r.kind.value, "title": r.title, "questions": len(r.question_ids)} for r in spec.rounds]}


@dataclass(frozen=True, slots=True)
class ContestLine:
    """One officer's part in a finished contest (for their 学习档案)."""

    held_on: dt.date
    title: str
    team: str
    rank: int
    teams: int
    score: float


def officer_contests(session: Session, officer_id: int, first: dt.date | None = None,
                     last: dt.date | None = None) -> list[ContestLine]:
    """The finished contests ``officer_id`` took part in, with their team's place and score."""
    stmt = select(ContestRow).where(ContestRow.status == "finished").order_by(ContestRow.held_on)
    if first is not None:
        stmt = stmt.where(ContestRow.held_on >= first)
    if last is not None:
        stmt = stmt.where(ContestRow.held_on <= last)
    out = []
    for row in session.scalars(stmt):
        teams = row.spec.get("teams", [])
        mine = [i for i, t in enumerate(teams) if any(m.get("officer_id") == officer_id for m in t.get("members", []))]
        if not mine:
            continue
        spec = ContestSpec.from_dict(row.spec)
        ranks = {team: (rank, score) for rank, team, score in replay(spec, events(session, row.id)).ranking()}
        rank, score = ranks[mine[0]]
        out.append(ContestLine(row.held_on, row.title, spec.teams[mine[0]].name, rank, len(teams), score))
    return out

