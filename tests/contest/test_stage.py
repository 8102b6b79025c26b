# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What the big screen is given: the answer only after the host reveals it; countdowns; whose turn."""

from __future__ import annotations

from core.contest.machine import Contest, Phase
from core.contest.stage import stage_view
from core.contest.store import QuestionCard
from tests.contest.test_machine import ev, play, rnd, spec


def test_the_big_screen_never_gets_the_answer_before_it_is_revealed() -> None:
    r = rnd("buzz", questions=1)
    cards = {q: QuestionCard(q, "single", f"题干{q}", ["甲", "乙"], "B", "解析") for q in r.question_ids}
    c = Contest(spec(r))
    play(c, ev("round"))
    title = stage_view("竞赛", c, cards)
    assert title.phase is Phase.TITLE and title.rules_line == "答对 +10　答错 −10　限时 20 秒　抢跑 −10"
    play(c, ev("show"))
    shown = stage_view("竞赛", c, cards)
    assert shown.stem == f"题干{r.question_ids[0]}" and shown.answer is None and shown.explanation == ""
    assert "B" not in repr(shown) and "解析" not in repr(shown)
    play(c, ev("go", t=10.0))
    assert stage_view("竞赛", c, cards).countdown.seconds == 3
    play(c, ev("buzz", team=2, t=10.5))
    buzzed = stage_view("竞赛", c, cards)
    assert buzzed.answering == 2 and buzzed.countdown.started == 10.5 and buzzed.countdown.seconds == 20
    play(c, ev("rule", team=2, correct=True))
    assert stage_view("竞赛", c, cards).answer is None
    play(c, ev("reveal"))
    revealed = stage_view("竞赛", c, cards)
    assert revealed.answer == "B" and revealed.explanation == "解析" and revealed.teams[2].score == 110


def test_turn_rounds_show_whose_turn_is_next_and_risk_rules() -> None:
    c = Contest(spec(rnd("risk")))
    play(c, ev("round"))
    view = stage_view("竞赛", c, {})
    assert view.answering == 0 and view.rules_line.startswith("自选分值 10 / 20 / 30")
    play(c, ev("stake", value=20), ev("show"), ev("rule", team=0, correct=True))
    assert stage_view("竞赛", c, {}).answering == 1
