# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The contest state machine, played from scripted events: every round kind, false starts, ties, undo."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from base.errors import InvalidInput
from core.contest.machine import Contest, Outcome, Phase, replay
from core.contest.rules import ContestSpec, Kind, RoundSpec, TeamSpec, preset_round

_ids = itertools.count(1000)


def rnd(preset: str, **rules: Any) -> RoundSpec:
    r = preset_round(preset, **rules)
    return replace(r, question_ids=tuple(next(_ids) for _ in range(r.wanted(3))))


def spec(*rounds: RoundSpec, teams: int = 3) -> ContestSpec:
    return ContestSpec("测试竞赛", tuple(TeamSpec(f"第{i + 1}队", key="QPZ"[i]) for i in range(teams)), rounds)


def play(contest: Contest, *events: dict[str, Any]) -> list[Outcome]:
    return [contest.apply(e) for e in events]


def ev(kind: str, **data: Any) -> dict[str, Any]:
    return {"kind": kind, **data}


def test_compulsory_round_each_team_in_turn() -> None:
    c = Contest(spec(rnd("compulsory", per_team=1, points=10, penalty=5, timeout_penalty=0)))
    play(c, ev("round", round=0))
    assert c.phase is Phase.TITLE and c.turn_team() == 0
    play(c, ev("show"), ev("timer", t=1.0))
    assert c.state.team == 0 and c.phase is Phase.ANSWERING
    assert play(c, ev("rule", team=0, correct=True)) == [Outcome.RIGHT]
    with pytest.raises(InvalidInput, match="本轮还有题目"):
        c.apply(ev("round"))
    play(c, ev("show"))
    assert c.state.team == 1
    with pytest.raises(InvalidInput, match="第2队"):
        c.apply(ev("rule", team=0, correct=True))      # not team 0's turn
    play(c, ev("rule", team=1, correct=False), ev("show"))
    assert play(c, ev("timeout")) == [Outcome.TIME_UP]
    assert c.scores == [110, 95, 100]                  # timeout costs 0 here, a wrong answer 5
    assert c.round_done()
    with pytest.raises(InvalidInput):
        c.apply(ev("show"))
    play(c, ev("finish"))
    assert c.ranking() == [(1, 0, 110), (2, 2, 100), (3, 1, 95)]
    for late in (ev("adjust", team=1, delta=20, reason="赛后"), ev("undo"), ev("round")):
        with pytest.raises(InvalidInput, match="竞赛已结束|没有可以撤销"):
            c.apply(late)
    assert c.scores == [110, 95, 100]


def test_buzz_round_false_start_lock_and_window() -> None:
    c = Contest(spec(rnd("buzz", questions=2)))
    play(c, ev("round"), ev("show"))
    assert play(c, ev("buzz", team=1, t=0.5)) == [Outcome.FALSE_START]   # before "go"
    play(c, ev("go", t=1.0))
    assert play(c, ev("buzz", team=1, t=1.2)) == [Outcome.IGNORED]       # locked for this question
    assert play(c, ev("buzz", team=2, t=1.4), ev("buzz", team=0, t=1.5)) == [Outcome.BUZZ, Outcome.IGNORED]
    assert c.state.team == 2
    play(c, ev("rule", team=2, correct=True))
    assert c.scores == [100, 90, 110]
    # second question: the lock is lifted; a buzz after the 3 s window is late; nobody buzzes in time
    play(c, ev("show"), ev("go", t=10.0))
    assert 1 in c.eligible()
    assert play(c, ev("buzz", team=1, t=13.5)) == [Outcome.IGNORED]
    assert play(c, ev("timeout")) == [Outcome.TIME_UP]
    assert c.phase is Phase.CLOSED and c.scores == [100, 90, 110]


def test_earlier_timestamp_wins_even_when_it_arrives_second() -> None:
    c = Contest(spec(rnd("buzz", questions=1)))
    play(c, ev("round"), ev("show"), ev("go", t=5.0), ev("buzz", team=0, t=5.30), ev("buzz", team=2, t=5.25))
    assert c.state.team == 2


def test_wrong_answer_passes_to_the_others_when_the_round_says_so() -> None:
    c = Contest(spec(rnd("buzz", questions=1, pass_on_wrong=True, penalty=10)))
    play(c, ev("round"), ev("show"), ev("go", t=0), ev("buzz", team=0, t=0.1), ev("rule", team=0, correct=False))
    assert c.phase is Phase.SHOWN and 0 not in c.eligible()
    play(c, ev("go", t=2), ev("buzz", team=1, t=2.2), ev("rule", team=1, correct=False))
    assert c.phase is Phase.SHOWN
    play(c, ev("go", t=4), ev("buzz", team=2, t=4.1), ev("timeout"))     # time up counts as wrong
    assert c.phase is Phase.CLOSED and c.scores == [90, 90, 90]


def test_without_passing_a_wrong_answer_ends_the_question() -> None:
    c = Contest(spec(rnd("buzz", questions=1)))
    play(c, ev("round"), ev("show"), ev("go", t=0), ev("buzz", team=0, t=0.1), ev("rule", team=0, correct=False))
    assert c.phase is Phase.CLOSED and c.round_done()


def test_every_team_false_starting_ends_the_question() -> None:
    c = Contest(spec(rnd("buzz", questions=1)))
    play(c, ev("round"), ev("show"), *(ev("buzz", team=t, t=0.1) for t in range(3)))
    assert c.phase is Phase.CLOSED and c.scores == [90, 90, 90]
    with pytest.raises(InvalidInput):
        c.apply(ev("go", t=1))


def test_risk_round_stakes_win_or_lose() -> None:
    c = Contest(spec(rnd("risk")))
    play(c, ev("round"))
    with pytest.raises(InvalidInput, match="10 / 20 / 30"):
        c.apply(ev("stake", value=25))
    with pytest.raises(InvalidInput):
        c.apply(ev("show"))                            # a value must be picked first
    play(c, ev("stake", value=30), ev("show"), ev("rule", team=0, correct=False))
    play(c, ev("stake", value=20), ev("show"), ev("rule", team=1, correct=True))
    play(c, ev("stake", value=10), ev("show"), ev("timeout"))
    assert c.scores == [70, 120, 90]
    assert c.round_totals() == [[-30, 20, -10]]


def test_choose_round_tiles_close_once_used() -> None:
    r = rnd("choose", tiles=6)
    c = Contest(spec(r))
    play(c, ev("round"), ev("tile", tile=4), ev("show"))
    assert c.state.question == r.question_ids[3] and c.state.team == 0
    play(c, ev("rule", team=0, correct=True))
    with pytest.raises(InvalidInput, match="4号题已被选过"):
        c.apply(ev("tile", tile=4))
    with pytest.raises(InvalidInput, match="没有7号题"):
        c.apply(ev("tile", tile=7))
    play(c, ev("tile", tile=1), ev("show"), ev("rule", team=1, correct=True))
    play(c, ev("tile", tile=6), ev("show"), ev("rule", team=2, correct=False))
    assert c.state.used_tiles == {1, 4, 6} and c.round_done()
    assert c.scores == [110, 110, 100]


def test_tiebreak_sudden_death_until_one_team_leads() -> None:
    c = Contest(spec(rnd("buzz", questions=1), rnd("tiebreak", questions=3)))
    play(c, ev("round"), ev("show"), ev("go", t=0), ev("buzz", team=2, t=0.1), ev("rule", team=2, correct=False))
    assert c.scores == [100, 100, 90]
    assert c.ranking() == [(1, 0, 100), (1, 1, 100), (3, 2, 90)]      # a shared first place
    play(c, ev("round"))
    assert c.state.tied == (0, 1)
    play(c, ev("show"), ev("go", t=1))
    assert play(c, ev("buzz", team=2, t=1.1)) == [Outcome.IGNORED]       # not in the tie-break
    play(c, ev("timeout"))                                                # nobody buzzed: still tied
    assert not c.round_done()
    play(c, ev("show"), ev("go", t=2), ev("buzz", team=1, t=2.1), ev("rule", team=1, correct=True))
    assert c.round_done() and c.ranking()[0] == (1, 1, 110)
    with pytest.raises(InvalidInput):
        c.apply(ev("show"))
    play(c, ev("finish"))


def test_tiebreak_needs_a_tie() -> None:
    c = Contest(spec(rnd("buzz", questions=1), rnd("tiebreak")))
    play(c, ev("round"), ev("show"), ev("go", t=0), ev("buzz", team=0, t=0.1), ev("rule", team=0, correct=True))
    with pytest.raises(InvalidInput, match="无需加赛"):
        c.apply(ev("round"))
    play(c, ev("finish"))
    assert c.phase is Phase.FINISHED


def test_undo_returns_to_just_before_the_last_ruling_and_keeps_adjustments() -> None:
    c = Contest(spec(rnd("buzz", questions=2, pass_on_wrong=True)))
    play(c, ev("round"), ev("show"), ev("go", t=0), ev("buzz", team=0, t=0.1), ev("rule", team=0, correct=False),
         ev("adjust", team=2, delta=5, reason="上一题评委复议"))
    assert c.scores == [90, 100, 105] and c.phase is Phase.SHOWN
    assert play(c, ev("undo")) == [Outcome.UNDONE]
    assert c.scores == [100, 100, 105] and c.phase is Phase.ANSWERING and c.state.team == 0
    play(c, ev("rule", team=0, correct=True), ev("reveal"))
    assert c.scores == [110, 100, 105] and c.state.answer_shown
    play(c, ev("show"))
    with pytest.raises(InvalidInput, match="没有可以撤销"):
        c.apply(ev("undo"))                            # a ruling of an earlier question stays


def test_manual_adjustment_needs_a_reason_and_is_listed() -> None:
    c = Contest(spec(rnd("compulsory")))
    with pytest.raises(InvalidInput, match="原因"):
        c.apply(ev("adjust", team=0, delta=5, reason=" "))
    play(c, ev("round"), ev("adjust", team=1, delta=-5, reason="场外提示"))
    assert c.scores == [100, 95, 100]
    assert c.state.changes[-1].why == "adjust" and c.state.changes[-1].reason == "场外提示"


def test_host_actions_out_of_order_are_refused_without_changes() -> None:
    c = Contest(spec(rnd("compulsory")))
    for bad in (ev("show"), ev("go", t=0), ev("rule", team=0, correct=True), ev("reveal"), ev("stake", value=10),
                ev("nonsense")):
        with pytest.raises(InvalidInput):
            c.apply(bad)
    assert c.phase is Phase.READY and c.effective == []
    play(c, ev("round"), ev("show"))
    with pytest.raises(InvalidInput, match="现在不能"):
        c.apply(ev("round"))


def test_replay_after_a_crash_gives_the_same_question_and_scores() -> None:
    s = spec(rnd("compulsory", per_team=1), rnd("buzz", questions=3, pass_on_wrong=True), rnd("risk"),
             rnd("choose", tiles=5), rnd("tiebreak"))
    events = [ev("round"), ev("show"), ev("rule", team=0, correct=True), ev("show"), ev("timeout"), ev("show"),
              ev("rule", team=2, correct=True),
              ev("round"), ev("show"), ev("buzz", team=0, t=0.0), ev("go", t=1), ev("buzz", team=1, t=1.2),
              ev("rule", team=1, correct=False), ev("go", t=3), ev("buzz", team=2, t=3.1),
              ev("rule", team=2, correct=True), ev("undo"), ev("rule", team=2, correct=False),
              ev("adjust", team=0, delta=10, reason="评委复议"), ev("show"), ev("go", t=5)]
    live = Contest(s)
    for e in events:
        live.apply(e)
    again = replay(s, events)
    assert again.scores == live.scores == [110, 90, 100]
    assert (again.state.round, again.state.question, again.phase) == (live.state.round, live.state.question,
                                                                       Phase.BUZZING)
    assert again.state.used_questions == live.state.used_questions


def test_a_whole_contest_of_every_kind() -> None:
    s = spec(rnd("compulsory", per_team=1), rnd("buzz", questions=2), rnd("risk_high"), rnd("choose", tiles=4),
             rnd("tiebreak", questions=2))
    c = Contest(s)
    play(c, ev("round"), *[e for t in range(3) for e in (ev("show"), ev("rule", team=t, correct=t != 1))])
    play(c, ev("round"), ev("show"), ev("go", t=0), ev("buzz", team=1, t=0.2), ev("rule", team=1, correct=True),
         ev("show"), ev("go", t=9), ev("buzz", team=0, t=9.1), ev("rule", team=0, correct=False))
    play(c, ev("round"), ev("stake", value=20), ev("show"), ev("rule", team=0, correct=True),
         ev("stake", value=40), ev("show"), ev("rule", team=1, correct=True),
         ev("stake", value=60), ev("show"), ev("rule", team=2, correct=False))
    assert c.scores == [120, 150, 50]
    play(c, ev("round"), ev("tile", tile=2), ev("show"), ev("rule", team=0, correct=True),
         ev("tile", tile=3), ev("show"), ev("rule", team=1, correct=False),
         ev("tile", tile=1), ev("show"), ev("rule", team=2, correct=True))
    assert c.scores == [130, 150, 60]
    with pytest.raises(InvalidInput, match="无需加赛"):
        c.apply(ev("round"))
    play(c, ev("finish"))
    assert [team for _r, team, _s in c.ranking()] == [1, 0, 2]
    assert c.round_totals() == [[10, 0, 10], [-10, 10, 0], [20, 40, -60], [10, 0, 10], [0, 0, 0]]


def test_spec_round_trips_through_json_and_checks_its_set_up() -> None:
    s = spec(rnd("risk"), rnd("choose"))
    assert ContestSpec.from_dict(s.to_dict()) == s
    with pytest.raises(InvalidInput, match="两支"):
        replace(s, teams=s.teams[:1]).check()
    with pytest.raises(InvalidInput, match="抢答键重复"):
        replace(s, teams=(TeamSpec("甲", key="a"), TeamSpec("乙", key="A"))).check()
    with pytest.raises(InvalidInput, match="分值档"):
        replace(s, rounds=(RoundSpec(Kind.RISK, "风险", replace(s.rounds[0].rules, stakes=())),)).check()
    with pytest.raises(InvalidInput, match="未知的规则项"):
        preset_round("buzz", pointz=3)
