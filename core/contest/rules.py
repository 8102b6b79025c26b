# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A contest's set-up as data: teams, rounds and each round's rules (points, penalties, times).

A host sets up a new format by editing these values (in the TOML spec or the GUI), never code.
:data:`PRESETS` holds the published rules most units use: base score 100, 抢答 +10/−10, 风险
10/20/30, a 3 s buzz window after "go" and 20 s to answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from base.errors import InvalidInput
from base.i18n import N_, _


class Kind(StrEnum):
    COMPULSORY = "compulsory"   # 必答: each team in turn gets its question
    BUZZ = "buzz"               # 抢答: the first team to buzz after "go" answers
    RISK = "risk"               # 风险: the team picks a value before seeing the question
    CHOOSE = "choose"           # 选答: the team picks a numbered tile from the board
    TIEBREAK = "tiebreak"       # 加赛: sudden death between the teams tied for the lead


KIND_LABELS = {Kind.COMPULSORY: N_("必答题"), Kind.BUZZ: N_("抢答题"), Kind.RISK: N_("风险题"),
               Kind.CHOOSE: N_("选答题"), Kind.TIEBREAK: N_("加赛题")}
TURN_KINDS = (Kind.COMPULSORY, Kind.RISK, Kind.CHOOSE)     # a team answers in its turn
BUZZ_KINDS = (Kind.BUZZ, Kind.TIEBREAK)                    # teams buzz in


@dataclass(frozen=True, slots=True)
class Rules:
    """How one round scores. Points are added for a right answer and ``penalty`` is taken for a wrong
    one (0 for none); in a risk round the stake is both. ``per_team`` is the number of questions each
    team answers in a turn round; buzz rounds have ``questions`` questions."""

    points: float = 10
    penalty: float = 0
    timeout_penalty: float | None = None        # None: as a wrong answer
    false_start_penalty: float = 0              # buzzing before "go"
    answer_seconds: int = 20
    buzz_seconds: int = 3                        # the buzz window after "go"
    per_team: int = 1
    questions: int = 0                           # buzz and tie-break rounds: how many questions (reserve)
    stakes: tuple[float, ...] = ()               # risk rounds: the values a team may pick
    tiles: int = 0                               # choose rounds: tiles on the board (≥ turns)
    pass_on_wrong: bool = False                  # buzz: after a wrong answer the others may buzz again

    def timeout_loss(self) -> float:
        return self.penalty if self.timeout_penalty is None else self.timeout_penalty


@dataclass(frozen=True, slots=True)
class Draw:
    """Where a round's questions come from: fixed question ids, or drawn by type/category/difficulty."""

    banks: tuple[str, ...] = ()
    qtypes: tuple[str, ...] = ("single", "judge")
    categories: tuple[str, ...] = ()
    difficulty: int | None = None
    fixed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class RoundSpec:
    kind: Kind
    title: str
    rules: Rules
    draw: Draw = field(default_factory=Draw)
    question_ids: tuple[int, ...] = ()          # filled when the contest is created (drawn, never repeating)

    def turns(self, teams: int) -> int:
        """How many questions the round plays (tie-breaks: at most; they stop when one team leads)."""
        if self.kind in TURN_KINDS:
            return self.rules.per_team * teams
        return self.rules.questions

    def wanted(self, teams: int) -> int:
        """How many questions to draw for the round."""
        if self.kind is Kind.CHOOSE:
            return max(self.rules.tiles, self.turns(teams))
        return self.turns(teams)


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    officer_id: int | None = None
    badge: str = ""


@dataclass(frozen=True, slots=True)
class TeamSpec:
    name: str
    branch: str = ""
    unit_id: int | None = None
    members: tuple[Member, ...] = ()
    start: float = 100
    key: str = ""                                # the buzzer key (a keyboard key or a USB buzzer's key)


@dataclass(frozen=True, slots=True)
class ContestSpec:
    title: str
    teams: tuple[TeamSpec, ...]
    rounds: tuple[RoundSpec, ...]

    def check(self) -> None:
        """A clear message for a set-up that cannot be played."""
        if not self.title.strip():
            raise InvalidInput(_("竞赛名称不能为空"))
        if len(self.teams) < 2:
            raise InvalidInput(_("至少需要两支参赛队"))
        names = [t.name for t in self.teams]
        if len(set(names)) != len(names):
            raise InvalidInput(_("参赛队名称重复"))
        keys = [t.key.upper() for t in self.teams if t.key]
        if len(set(keys)) != len(keys):
            raise InvalidInput(_("抢答键重复：每支队伍需要不同的键"))
        if not self.rounds:
            raise InvalidInput(_("至少需要一轮比赛"))
        for i, r in enumerate(self.rounds, 1):
            where = _("第{n}轮“{t}”", n=i, t=r.title)
            if r.turns(len(self.teams)) <= 0:
                raise InvalidInput(_("{w}：题目数量必须大于0", w=where))
            if r.kind is Kind.RISK and not r.rules.stakes:
                raise InvalidInput(_("{w}：风险题需要设置分值档（stakes）", w=where))
            if any(s <= 0 for s in r.rules.stakes):
                raise InvalidInput(_("{w}：分值档必须为正数", w=where))
            if r.rules.points < 0 or r.rules.penalty < 0 or r.rules.false_start_penalty < 0:
                raise InvalidInput(_("{w}：加分和扣分都写正数（扣分会自动减去）", w=where))
            if r.rules.answer_seconds <= 0 or r.rules.buzz_seconds <= 0:
                raise InvalidInput(_("{w}：时间必须大于0秒", w=where))

    # --- JSON (stored on the contest row) ---------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ContestSpec:
        teams = tuple(TeamSpec(**{**t, "members": tuple(Member(**m) for m in t.get("members", ()))})
                      for t in data["teams"])
        rounds = []
        for r in data["rounds"]:
            rules = dict(r["rules"])
            rules["stakes"] = tuple(rules.get("stakes", ()))
            draw: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in r.get("draw", {}).items()}
            rounds.append(RoundSpec(kind=Kind(r["kind"]), title=r["title"], rules=Rules(**rules), draw=Draw(**draw),
                                    question_ids=tuple(r.get("question_ids", ()))))
        return ContestSpec(data["title"], teams, tuple(rounds))


# The published rules most units use; a round in a spec names a preset and overrides what differs.
PRESETS: dict[str, tuple[Kind, str, Rules]] = {
    "compulsory": (Kind.COMPULSORY, N_("必答题"), Rules(points=10, penalty=0, answer_seconds=20, per_team=2)),
    "buzz": (Kind.BUZZ, N_("抢答题"), Rules(points=10, penalty=10, false_start_penalty=10, answer_seconds=20,
                                           buzz_seconds=3, questions=10)),
    "risk": (Kind.RISK, N_("风险题"), Rules(points=0, penalty=0, answer_seconds=30, per_team=1,
                                           stakes=(10, 20, 30))),
    "risk_high": (Kind.RISK, N_("风险题"), Rules(points=0, penalty=0, answer_seconds=30, per_team=1,
                                                stakes=(20, 40, 60))),
    "choose": (Kind.CHOOSE, N_("选答题"), Rules(points=10, penalty=0, answer_seconds=20, per_team=1, tiles=12)),
    "tiebreak": (Kind.TIEBREAK, N_("加赛题"), Rules(points=10, penalty=10, false_start_penalty=10,
                                                   answer_seconds=20, buzz_seconds=3, questions=5)),
}


def preset_round(name: str, **overrides: Any) -> RoundSpec:
    """A round from a preset, with some rules changed (``points=20``) and an optional ``title``/``draw``."""
    if name not in PRESETS:
        raise InvalidInput(_("未知的轮次预设“{p}”，可选：{all}", p=name, all="、".join(PRESETS)))
    kind, title, rules = PRESETS[name]
    title = str(overrides.pop("title", "")) or _(title)
    draw = overrides.pop("draw", Draw())
    unknown = set(overrides) - set(Rules.__dataclass_fields__)
    if unknown:
        raise InvalidInput(_("未知的规则项：{k}", k="、".join(sorted(unknown))))
    if "stakes" in overrides:
        overrides["stakes"] = tuple(float(s) for s in overrides["stakes"])
    return RoundSpec(kind, title, replace(rules, **overrides), draw)
