# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A contest from its TOML spec (``contest create --spec contest.toml``) and the drawing of its questions.

::

    title = "2026年度“忠诚杯”知识竞赛"
    unit = "城关分局"            # the organising unit (code or name)
    date = 2026-12-10
    base_score = 100

    [[teams]]
    name = "第一支部"
    branch = "一支部"            # a unit (code or name)
    members = ["200001", "200002", "200003"]   # badges
    key = "Q"                    # the team's buzzer key

    [[rounds]]
    preset = "buzz"              # compulsory / buzz / risk / risk_high / choose / tiebreak
    questions = 10               # any rule of the preset may be changed here
    banks = ["党章党规题库"]     # drawn by bank, type, category, difficulty …
    qtypes = ["single", "judge"]
    # fixed = [12, 15, 18]       # … or fixed question ids

Questions are drawn at creation, never the same question (nor another version of it) twice in a contest.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.contest.rules import ContestSpec, Draw, Member, RoundSpec, TeamSpec, preset_round
from core.models import Bank, Officer, QuestionRow
from core.people.org import unit_by_code_or_name

TOP_KEYS = {"title", "unit", "date", "base_score", "teams", "rounds"}
TEAM_KEYS = {"name", "branch", "members", "key", "start"}
DRAW_KEYS = {"banks", "qtypes", "categories", "difficulty", "fixed"}
STAGE_TYPES = ("single", "multiple", "judge", "fill", "essay")


@dataclass(frozen=True, slots=True)
class ParsedSpec:
    spec: ContestSpec
    unit_id: int | None
    held_on: dt.date


def _list(value: Any, where: str) -> tuple[Any, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidInput(_("{w}：应为列表，例如 [\"a\", \"b\"]", w=where))
    return tuple(value)


def _team(session: Session, i: int, data: Any, base: float) -> TeamSpec:
    where = f"teams[{i}]"
    if not isinstance(data, dict):
        raise InvalidInput(_("{w}：格式不对", w=where))
    unknown = set(data) - TEAM_KEYS
    if unknown:
        raise InvalidInput(_("{w}：未知的设置项：{k}", w=where, k="、".join(sorted(unknown))))
    name = str(data.get("name", "")).strip()
    if not name:
        raise InvalidInput(_("{w}：缺少 name（队名）", w=where))
    unit_id, branch = None, str(data.get("branch", "")).strip()
    if branch:
        try:
            unit = unit_by_code_or_name(session, branch)
        except NotFound as exc:
            raise InvalidInput(f"{where}.branch：{exc}") from exc
        unit_id, branch = unit.id, unit.name
    members = []
    for badge in _list(data.get("members"), f"{where}.members"):
        officer = session.scalar(select(Officer).where(Officer.badge == str(badge).strip()))
        if officer is None:
            raise InvalidInput(_("{w}.members：找不到警号为 {b} 的人员", w=where, b=badge))
        members.append(Member(officer.name, officer.id, officer.badge))
    return TeamSpec(name, branch, unit_id, tuple(members), float(data.get("start", base)),
                    str(data.get("key", "")).strip().upper()[:1])


def _round(session: Session, i: int, data: Any) -> RoundSpec:
    where = f"rounds[{i}]"
    if not isinstance(data, dict) or not data.get("preset"):
        raise InvalidInput(_("{w}：缺少 preset（轮次类型）", w=where))
    rules = {k: v for k, v in data.items() if k not in DRAW_KEYS | {"preset", "title"}}
    banks = _list(data.get("banks"), f"{where}.banks")
    known = set(session.scalars(select(Bank.name)))
    for name in banks:
        if name not in known:
            raise InvalidInput(_("{w}.banks：找不到题库“{b}”", w=where, b=name))
    qtypes = _list(data.get("qtypes"), f"{where}.qtypes") or Draw().qtypes
    for q in qtypes:
        if q not in STAGE_TYPES:
            raise InvalidInput(_("{w}.qtypes：未知题型“{q}”", w=where, q=q))
    draw = Draw(tuple(str(b) for b in banks), tuple(str(q) for q in qtypes),
                tuple(str(c) for c in _list(data.get("categories"), f"{where}.categories")),
                int(data["difficulty"]) if data.get("difficulty") is not None else None,
                tuple(int(x) for x in _list(data.get("fixed"), f"{where}.fixed")))
    try:
        return preset_round(str(data["preset"]), title=str(data.get("title", "")), draw=draw, **rules)
    except (InvalidInput, TypeError, ValueError) as exc:
        raise InvalidInput(f"{where}：{exc}") from exc


def parse_spec(session: Session, data: dict[str, Any]) -> ParsedSpec:
    """A contest set-up from parsed TOML, names resolved; every problem names where it is."""
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise InvalidInput(_("未知的设置项：{k}", k="、".join(sorted(unknown))))
    base = float(data.get("base_score", 100))
    teams = tuple(_team(session, i, t, base) for i, t in enumerate(_list(data.get("teams"), "teams")))
    rounds = tuple(_round(session, i, r) for i, r in enumerate(_list(data.get("rounds"), "rounds")))
    spec = ContestSpec(str(data.get("title", "")).strip(), teams, rounds)
    spec.check()
    unit_id = unit_by_code_or_name(session, str(data["unit"])).id if data.get("unit") else None
    held = data.get("date")
    if isinstance(held, str):
        try:
            held = dt.date.fromisoformat(held)
        except ValueError as exc:
            raise InvalidInput(_("date：日期格式应为 YYYY-MM-DD，得到“{v}”", v=held)) from exc
    if held is not None and not isinstance(held, dt.date):
        raise InvalidInput(_("date：日期格式应为 YYYY-MM-DD，得到“{v}”", v=held))
    return ParsedSpec(spec, unit_id, held or dt.date.today())


def draw_questions(session: Session, spec: ContestSpec, rng: random.Random | None = None) -> ContestSpec:
    """Each round's questions: its fixed ids, or drawn at random by its filters; never one twice."""
    rng = rng or random.Random()
    used: set[Any] = set()                  # lineages: another version of a used question is the same question
    rounds = []
    for i, rnd in enumerate(spec.rounds, 1):
        wanted, d = rnd.wanted(len(spec.teams)), rnd.draw
        where = _("第{n}轮“{t}”", n=i, t=rnd.title)
        if d.fixed:
            rows = session.execute(select(QuestionRow.id, QuestionRow.lineage)
                                   .where(QuestionRow.id.in_(d.fixed))).all()
            found = {qid: lineage for qid, lineage in rows}
            missing = [q for q in d.fixed if q not in found]
            if missing:
                raise InvalidInput(_("{w}：找不到题目 {ids}", w=where, ids=", ".join(map(str, missing))))
            picks = [(q, found[q]) for q in d.fixed]
            if any(lineage in used for _q, lineage in picks) or len({lin for _q, lin in picks}) < len(picks):
                raise InvalidInput(_("{w}：同一道题在本场竞赛中只能用一次", w=where))
            if len(picks) < wanted:
                raise InvalidInput(_("{w}：需要 {n} 道题，只指定了 {m} 道", w=where, n=wanted, m=len(picks)))
        else:
            stmt = select(QuestionRow.id, QuestionRow.lineage).where(
                QuestionRow.is_current, QuestionRow.active, QuestionRow.qtype.in_(d.qtypes))
            if d.banks:
                stmt = stmt.join(Bank, Bank.id == QuestionRow.bank_id).where(Bank.name.in_(d.banks))
            if d.categories:
                stmt = stmt.where(QuestionRow.category.in_(d.categories))
            if d.difficulty is not None:
                stmt = stmt.where(QuestionRow.difficulty == d.difficulty)
            pool = [(q, lin) for q, lin in session.execute(stmt.order_by(QuestionRow.id)) if lin not in used]
            if len(pool) < wanted:
                raise InvalidInput(_("{w}：符合条件的题目只有 {m} 道，需要 {n} 道", w=where, m=len(pool), n=wanted))
            picks = rng.sample(pool, wanted)
        used.update(lin for _q, lin in picks)
        rounds.append(replace(rnd, question_ids=tuple(q for q, _lin in picks)))
    return replace(spec, rounds=tuple(rounds))
