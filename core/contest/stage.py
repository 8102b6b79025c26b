# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What the big screen shows at a moment: a plain snapshot of the contest, never the answer before
the host reveals it (the host console shows the answer from the question card itself)."""

from __future__ import annotations

from dataclasses import dataclass, field

from base.i18n import _
from core.contest.machine import Contest, Phase
from core.contest.rules import BUZZ_KINDS, KIND_LABELS, Kind, RoundSpec
from core.contest.store import QuestionCard


@dataclass(frozen=True, slots=True)
class TeamLine:
    name: str
    branch: str
    score: float
    key: str


@dataclass(frozen=True, slots=True)
class Countdown:
    started: float          # on the buzzer clock (seconds)
    seconds: float
    kind: str               # "answer" or "buzz"


@dataclass(frozen=True, slots=True)
class StageView:
    title: str
    phase: Phase
    round_no: int                         # 1-based; 0 before the first round
    round_title: str
    round_kind: str                       # the kind's label
    teams: list[TeamLine]
    question_no: int = 0                  # 1-based within the contest
    qtype: str = ""
    stem: str = ""
    options: list[str] = field(default_factory=list)
    answer: str | None = None             # only once revealed
    explanation: str = ""
    answering: int | None = None          # the team answering (or picking)
    locked: frozenset[int] = frozenset()
    stake: float | None = None
    tile: int | None = None               # the tile picked (choose rounds)
    stakes: tuple[float, ...] = ()
    tiles: int = 0
    used_tiles: frozenset[int] = frozenset()
    countdown: Countdown | None = None
    ranking: list[tuple[int, int, float]] = field(default_factory=list)
    tied: tuple[int, ...] = ()
    rules_line: str = ""                  # the round's rules in a line, for its title card


def stage_view(title: str, contest: Contest, questions: dict[int, QuestionCard]) -> StageView:
    s, rnd = contest.state, contest.current_round
    teams = [TeamLine(t.name, t.branch, s.scores[i], t.key) for i, t in enumerate(contest.spec.teams)]
    if rnd is None:
        return StageView(title, s.phase, 0, "", "", teams, ranking=contest.ranking())
    card = questions.get(s.question) if s.question is not None else None
    countdown = None
    if s.phase is Phase.BUZZING and s.go_at is not None:
        countdown = Countdown(s.go_at, rnd.rules.buzz_seconds, "buzz")
    elif s.phase is Phase.ANSWERING and s.timer_at is not None:
        countdown = Countdown(s.timer_at, rnd.rules.answer_seconds, "answer")
    answering = s.team
    if rnd.kind not in BUZZ_KINDS and s.phase in (Phase.TITLE, Phase.CLOSED) and not contest.round_done():
        answering = contest.turn_team()              # whose turn is next
    return StageView(
        title, s.phase, s.round + 1, rnd.title, _(KIND_LABELS[rnd.kind]), teams,
        question_no=len(s.used_questions) if card else 0, qtype=card.qtype if card else "",
        stem=card.stem if card else "", options=list(card.options) if card else [],
        answer=card.answer if card and s.answer_shown else None,
        explanation=card.explanation if card and s.answer_shown else "",
        answering=answering, locked=frozenset(s.locked), stake=s.stake, tile=s.tile, stakes=rnd.rules.stakes,
        tiles=len(rnd.question_ids) if rnd.kind is Kind.CHOOSE else 0, used_tiles=frozenset(s.used_tiles),
        countdown=countdown, ranking=contest.ranking(), tied=s.tied, rules_line=rules_line(rnd))


def rules_line(rnd: RoundSpec) -> str:
    r = rnd.rules
    if rnd.kind is Kind.RISK:
        line = _("自选分值 {s}：答对得分，答错扣分", s=" / ".join(f"{v:g}" for v in r.stakes))
    else:
        line = _("答对 +{p}", p=f"{r.points:g}")
        if r.penalty:
            line += "　" + _("答错 −{m}", m=f"{r.penalty:g}")
    line += "　" + _("限时 {t} 秒", t=r.answer_seconds)
    if rnd.kind in BUZZ_KINDS and r.false_start_penalty:
        line += "　" + _("抢跑 −{f}", f=f"{r.false_start_penalty:g}")
    return line
