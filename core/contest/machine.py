# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The contest as a state machine: events in, scores and the stage's state out (no Qt, no database).

Every host action, buzz and ruling is one event (a small dict, e.g. ``{"kind": "buzz", "team": 2,
"t": 12.41}``). :meth:`Contest.apply` checks that the event may happen now, changes the state and says
what happened (:class:`Outcome`, for the big screen's sound cues). The store keeps the events in
order, so :func:`replay` rebuilds the very same state after a crash: same round, same question,
same scores.

Events:

* ``round {round}``  start the next round (its title card)
* ``stake {value}`` / ``tile {tile}``  the turn team picks a risk value / a board tile (1-based)
* ``show``  the next question (turn rounds: the turn team answers at once)
* ``timer {t}``  start the answer timer; ``go {t}`` open buzzing; ``buzz {team, t}`` a team's buzzer
* ``rule {team, correct}``  the host's (judges') ruling; ``timeout`` time is up
* ``reveal``  show the answer on the big screen; ``adjust {team, delta, reason}`` a manual change
* ``undo``  take back the last ruling of the current question; ``finish``  the final ranking

Times ``t`` are seconds on one clock of the caller's (the buzzer's key-event timestamps): a buzz
before "go" is a false start, after the buzz window it is late, and of two buzzes the earlier
timestamp wins even when it arrives second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from base.errors import InvalidInput
from base.i18n import N_, _
from core.contest.rules import BUZZ_KINDS, KIND_LABELS, ContestSpec, Kind, RoundSpec

Event = dict[str, Any]
RULINGS = ("rule", "timeout")


class Phase(StrEnum):
    READY = "ready"            # before the first round
    TITLE = "title"            # a round's title card
    PICKED = "picked"          # risk/choose: the turn team has picked, the question is not shown yet
    SHOWN = "shown"            # buzz rounds: the question is up, buzzing not open yet
    BUZZING = "buzzing"        # the buzz window is open
    ANSWERING = "answering"    # a team is answering
    CLOSED = "closed"          # the question is over (ruled, timed out or nobody buzzed)
    FINISHED = "finished"


class Outcome(StrEnum):
    NONE = "none"
    SHOWN = "shown"
    BUZZ = "buzz"                  # a team won the buzz
    FALSE_START = "false_start"
    IGNORED = "ignored"            # a late, locked or repeated buzz
    RIGHT = "right"
    WRONG = "wrong"
    TIME_UP = "time_up"
    ADJUSTED = "adjusted"
    UNDONE = "undone"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class ScoreChange:
    team: int
    delta: float
    round: int               # -1: before the first round
    question: int | None     # question id
    why: str                 # right / wrong / timeout / false_start / adjust
    reason: str = ""         # the host's reason for a manual adjustment


@dataclass(slots=True)
class State:
    phase: Phase = Phase.READY
    round: int = -1
    shown: int = 0                       # questions shown in this round
    question: int | None = None          # the question on stage (id)
    team: int | None = None              # the team answering (or picking, in turn rounds)
    stake: float | None = None
    tile: int | None = None
    used_tiles: set[int] = field(default_factory=set)
    locked: set[int] = field(default_factory=set)    # teams that may not buzz on this question
    go_at: float | None = None
    buzz_at: float | None = None
    timer_at: float | None = None
    answer_shown: bool = False
    tied: tuple[int, ...] = ()           # the teams of a tie-break round
    decided: bool = False                # a tie-break round has a leader
    scores: list[float] = field(default_factory=list)
    changes: list[ScoreChange] = field(default_factory=list)
    used_questions: list[int] = field(default_factory=list)


class Contest:
    """One contest's state, built by applying its events in order."""

    def __init__(self, spec: ContestSpec) -> None:
        self.spec = spec
        self.state = State(scores=[t.start for t in spec.teams])
        self.effective: list[Event] = []      # the events that shaped the state (undone rulings removed)

    # --- reading ---------------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self.state.phase

    @property
    def current_round(self) -> RoundSpec | None:
        r = self.state.round
        return self.spec.rounds[r] if 0 <= r < len(self.spec.rounds) else None

    @property
    def scores(self) -> list[float]:
        return list(self.state.scores)

    def turn_team(self) -> int | None:
        """The team whose turn it is to pick or answer next in a turn round."""
        rnd = self.current_round
        if rnd is None or rnd.kind in BUZZ_KINDS:
            return None
        return self.state.shown % len(self.spec.teams)

    def eligible(self) -> list[int]:
        """Teams that may still buzz on the question on stage."""
        rnd = self.current_round
        teams = list(self.state.tied) if rnd is not None and rnd.kind is Kind.TIEBREAK else \
            list(range(len(self.spec.teams)))
        return [t for t in teams if t not in self.state.locked]

    def round_done(self) -> bool:
        rnd, s = self.current_round, self.state
        if rnd is None:
            return s.phase is not Phase.READY
        if s.phase not in (Phase.TITLE, Phase.CLOSED):
            return False
        if rnd.kind is Kind.TIEBREAK:
            return s.decided or s.shown >= len(rnd.question_ids)
        return s.shown >= rnd.turns(len(self.spec.teams))

    def ranking(self) -> list[tuple[int, int, float]]:
        """(rank, team, score), best first; equal scores share a rank (1, 1, 3)."""
        order = sorted(range(len(self.spec.teams)), key=lambda t: -self.state.scores[t])
        out: list[tuple[int, int, float]] = []
        for i, team in enumerate(order):
            score = self.state.scores[team]
            rank = out[-1][0] if out and out[-1][2] == score else i + 1
            out.append((rank, team, score))
        return out

    def round_totals(self) -> list[list[float]]:
        """Points each team gained or lost in each round: ``[round][team]`` (adjustments included)."""
        table = [[0.0] * len(self.spec.teams) for _r in self.spec.rounds]
        for c in self.state.changes:
            if c.round >= 0:
                table[c.round][c.team] += c.delta
        return table

    def last_ruling_undoable(self) -> bool:
        return self._last_ruling() is not None

    # --- applying events -------------------------------------------------------------------------

    def apply(self, event: Event) -> Outcome:
        """Apply one event, or raise InvalidInput (nothing changed) when it cannot happen now."""
        kind = event.get("kind")
        handler = getattr(self, f"_on_{kind}", None)
        if handler is None:
            raise InvalidInput(_("未知的竞赛事件“{k}”", k=kind))
        if kind == "undo":
            return self._undo()
        if self.state.phase is Phase.FINISHED:          # its points are in the ledger: the result stands
            raise InvalidInput(_("竞赛已结束"))
        outcome: Outcome = handler(event)
        self.effective.append(event)
        return outcome

    def _team(self, event: Event) -> int:
        team = event.get("team")
        if not isinstance(team, int) or not 0 <= team < len(self.spec.teams):
            raise InvalidInput(_("没有这支参赛队：{t}", t=team))
        return team

    def _need(self, *phases: Phase) -> None:
        if self.state.phase not in phases:
            raise InvalidInput(_("现在不能这样操作（当前：{p}）", p=_(PHASE_LABELS[self.state.phase])))

    def _on_round(self, event: Event) -> Outcome:
        s = self.state
        if s.phase is not Phase.READY:
            self._need(Phase.TITLE, Phase.CLOSED)
            if not self.round_done():
                raise InvalidInput(_("本轮还有题目未进行"))
        index = int(event.get("round", s.round + 1))
        if index != s.round + 1 or index >= len(self.spec.rounds):
            raise InvalidInput(_("没有下一轮了，请结束竞赛"))
        rnd = self.spec.rounds[index]
        tied: tuple[int, ...] = ()
        if rnd.kind is Kind.TIEBREAK:
            top = max(s.scores)
            tied = tuple(t for t, v in enumerate(s.scores) if v == top)
            if len(tied) < 2:
                raise InvalidInput(_("没有并列第一，无需加赛"))
        self.state = State(phase=Phase.TITLE, round=index, tied=tied, scores=s.scores, changes=s.changes,
                           used_questions=s.used_questions)
        return Outcome.NONE

    def _pick_ready(self, kind: Kind) -> RoundSpec:
        rnd = self.current_round
        if rnd is None or rnd.kind is not kind:
            raise InvalidInput(_("本轮不是{k}", k=_(KIND_LABELS[kind])))
        self._need(Phase.TITLE, Phase.CLOSED)
        if self.round_done():
            raise InvalidInput(_("本轮题目已全部完成"))
        return rnd

    def _on_stake(self, event: Event) -> Outcome:
        rnd = self._pick_ready(Kind.RISK)
        value = float(event.get("value", 0))
        if value not in rnd.rules.stakes:
            raise InvalidInput(_("分值只能选 {s}", s=" / ".join(f"{v:g}" for v in rnd.rules.stakes)))
        self._clear_question(Phase.PICKED)
        self.state.team, self.state.stake = self.turn_team(), value
        return Outcome.NONE

    def _on_tile(self, event: Event) -> Outcome:
        rnd = self._pick_ready(Kind.CHOOSE)
        tile = event.get("tile")
        if not isinstance(tile, int) or not 1 <= tile <= len(rnd.question_ids):
            raise InvalidInput(_("没有{n}号题", n=tile))
        if tile in self.state.used_tiles:
            raise InvalidInput(_("{n}号题已被选过", n=tile))
        self._clear_question(Phase.PICKED)
        self.state.team, self.state.tile = self.turn_team(), tile
        return Outcome.NONE

    def _clear_question(self, phase: Phase) -> None:
        s = self.state
        s.phase, s.question, s.team, s.stake, s.tile = phase, None, None, None, None
        s.locked, s.go_at, s.buzz_at, s.timer_at, s.answer_shown = set(), None, None, None, False

    def _on_show(self, _event: Event) -> Outcome:
        rnd, s = self.current_round, self.state
        if rnd is None:
            raise InvalidInput(_("请先开始第一轮"))
        if rnd.kind in (Kind.RISK, Kind.CHOOSE):
            self._need(Phase.PICKED)
        else:
            self._need(Phase.TITLE, Phase.CLOSED)
            if self.round_done():
                raise InvalidInput(_("本轮题目已全部完成"))
        if rnd.kind is Kind.CHOOSE:
            assert s.tile is not None
            question = rnd.question_ids[s.tile - 1]
            s.used_tiles.add(s.tile)
        else:
            if s.shown >= len(rnd.question_ids):
                raise InvalidInput(_("本轮备用题已用完，请手工调整分数后结束"))
            question = rnd.question_ids[s.shown]
        team, stake, tile = s.team, s.stake, s.tile
        self._clear_question(Phase.SHOWN if rnd.kind in BUZZ_KINDS else Phase.ANSWERING)
        s.question, s.stake, s.tile = question, stake, tile
        s.team = None if rnd.kind in BUZZ_KINDS else (team if rnd.kind in (Kind.RISK, Kind.CHOOSE) else
                                                      self.turn_team())
        s.shown += 1
        s.used_questions.append(question)
        return Outcome.SHOWN

    def _on_timer(self, event: Event) -> Outcome:
        self._need(Phase.ANSWERING)
        self.state.timer_at = float(event.get("t", 0))
        return Outcome.NONE

    def _on_go(self, event: Event) -> Outcome:
        self._need(Phase.SHOWN)
        if not self.eligible():
            raise InvalidInput(_("没有可以抢答的队伍"))
        self.state.phase, self.state.go_at = Phase.BUZZING, float(event.get("t", 0))
        return Outcome.NONE

    def _on_buzz(self, event: Event) -> Outcome:
        s, rnd = self.state, self.current_round
        team, t = self._team(event), float(event.get("t", 0))
        if rnd is None or rnd.kind not in BUZZ_KINDS or team not in self.eligible():
            return Outcome.IGNORED
        if s.phase is Phase.SHOWN:                      # before "go": a false start
            s.locked.add(team)
            self._score(team, -rnd.rules.false_start_penalty, "false_start")
            if not self.eligible():
                s.phase = Phase.CLOSED
            return Outcome.FALSE_START
        if s.phase is Phase.BUZZING:
            assert s.go_at is not None
            if t > s.go_at + rnd.rules.buzz_seconds:
                return Outcome.IGNORED                  # late: the window had closed
            s.phase, s.team, s.buzz_at, s.timer_at = Phase.ANSWERING, team, t, t
            return Outcome.BUZZ
        if s.phase is Phase.ANSWERING and s.buzz_at is not None and s.go_at is not None and team != s.team \
                and s.go_at <= t < s.buzz_at:           # an earlier key event that arrived second wins
            s.team, s.buzz_at, s.timer_at = team, t, t
            return Outcome.BUZZ
        return Outcome.IGNORED

    def _on_rule(self, event: Event) -> Outcome:
        self._need(Phase.ANSWERING)
        team = self._team(event)
        if team != self.state.team:
            raise InvalidInput(_("现在作答的是“{t}”", t=self.spec.teams[self.state.team or 0].name))
        correct = bool(event.get("correct"))
        return self._ruled(team, correct, timeout=False)

    def _on_timeout(self, _event: Event) -> Outcome:
        s = self.state
        if s.phase in (Phase.SHOWN, Phase.BUZZING):     # nobody (else) buzzed in time
            s.phase = Phase.CLOSED
            self._after_question()
            return Outcome.TIME_UP
        self._need(Phase.ANSWERING)
        assert s.team is not None
        self._ruled(s.team, False, timeout=True)
        return Outcome.TIME_UP

    def _ruled(self, team: int, correct: bool, *, timeout: bool) -> Outcome:
        s, rnd = self.state, self.current_round
        assert rnd is not None
        r = rnd.rules
        if rnd.kind is Kind.RISK:
            assert s.stake is not None
            delta = s.stake if correct else -s.stake
        elif correct:
            delta = r.points
        else:
            delta = -(r.timeout_loss() if timeout else r.penalty)
        self._score(team, delta, "right" if correct else ("timeout" if timeout else "wrong"))
        if not correct and rnd.kind in BUZZ_KINDS and r.pass_on_wrong:
            s.locked.add(team)
            if self.eligible():                         # the others may buzz again after a new "go"
                s.phase, s.team, s.go_at, s.buzz_at, s.timer_at = Phase.SHOWN, None, None, None, None
                return Outcome.RIGHT if correct else Outcome.WRONG
        s.phase = Phase.CLOSED
        self._after_question()
        return Outcome.RIGHT if correct else Outcome.WRONG

    def _after_question(self) -> None:
        s, rnd = self.state, self.current_round
        if rnd is not None and rnd.kind is Kind.TIEBREAK:
            top = max(s.scores[t] for t in s.tied)
            s.decided = sum(1 for t in s.tied if s.scores[t] == top) == 1

    def _score(self, team: int, delta: float, why: str, reason: str = "") -> None:
        if delta == 0 and why != "adjust":
            return
        self.state.scores[team] += delta
        self.state.changes.append(ScoreChange(team, delta, self.state.round, self.state.question, why, reason))

    def _on_reveal(self, _event: Event) -> Outcome:
        self._need(Phase.CLOSED)
        if self.state.question is None:
            raise InvalidInput(_("台上没有题目"))
        self.state.answer_shown = True
        return Outcome.NONE

    def _on_adjust(self, event: Event) -> Outcome:
        team = self._team(event)
        delta = float(event.get("delta", 0))
        reason = str(event.get("reason", "")).strip()
        if delta == 0:
            raise InvalidInput(_("调整的分数不能为0"))
        if not reason:
            raise InvalidInput(_("手工调整分数必须写明原因"))
        self._score(team, delta, "adjust", reason)
        if self.state.phase is Phase.CLOSED:
            self._after_question()
        return Outcome.ADJUSTED

    def _on_finish(self, _event: Event) -> Outcome:
        s = self.state
        if s.phase is not Phase.READY:
            self._need(Phase.TITLE, Phase.CLOSED)
        self._clear_question(Phase.FINISHED)
        return Outcome.FINISHED

    def _last_ruling(self) -> int | None:
        for i in range(len(self.effective) - 1, -1, -1):
            kind = self.effective[i]["kind"]
            if kind in RULINGS:
                return i
            if kind in ("show", "round", "finish", "stake", "tile"):
                return None
        return None

    def _on_undo(self, _event: Event) -> Outcome:     # dispatched by apply(); here for the handler lookup
        return self._undo()

    def _undo(self) -> Outcome:
        """Take back the last ruling of the question on stage: the state returns to just before it,
        keeping manual adjustments made since."""
        i = self._last_ruling()
        if i is None:
            raise InvalidInput(_("没有可以撤销的判定"))
        kept = self.effective[:i] + [e for e in self.effective[i + 1:] if e["kind"] == "adjust"]
        fresh = Contest(self.spec)
        for e in kept:
            fresh.apply(e)
        self.state, self.effective = fresh.state, fresh.effective
        return Outcome.UNDONE


def replay(spec: ContestSpec, events: Iterable[Event]) -> Contest:
    """The contest as its stored events left it (after a crash: the same question, the same scores)."""
    contest = Contest(spec)
    for e in events:
        contest.apply(e)
    return contest


PHASE_LABELS = {Phase.READY: N_("未开始"), Phase.TITLE: N_("轮次开场"), Phase.PICKED: N_("已选题"),
                Phase.SHOWN: N_("出题"), Phase.BUZZING: N_("抢答中"), Phase.ANSWERING: N_("作答中"),
                Phase.CLOSED: N_("本题结束"), Phase.FINISHED: N_("已结束")}
