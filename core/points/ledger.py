# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The points ledger (积分台账): rules as data, one entry per point-earning event, tallies and rankings.

A rule is a row in ``point_rules``; editing a rule inserts a new version with a
``valid_from`` day, so past entries keep the rule they were earned under. Each
entry names its source (``source_type``/``source_id``) and the unique constraint
makes every grant idempotent: replaying an event never pays twice.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from core.infra import audit
from core.infra.clock import Clock, local_date, utcnow
from core.models import Attempt, LedgerEntry, Material, Officer, PointRule, Quiz, Unit
from core.models.bank import QuestionRow as Question

EPOCH = dt.date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class RuleView:
    code: str
    name: str
    amount: float
    daily_cap: float | None
    params: dict[str, Any] = field(default_factory=dict)
    active: bool = True
    valid_from: dt.date = EPOCH

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "amount": self.amount, "daily_cap": self.daily_cap,
                "params": self.params, "active": self.active, "valid_from": self.valid_from.isoformat()}


# Sensible defaults, used until the admin saves a version of a rule.
DEFAULT_RULES: dict[str, RuleView] = {r.code: r for r in (
    RuleView("study_minutes", N_("学习时长（每满10分钟）"), 1, 6, {"block_minutes": 10}),
    RuleView("required_finished", N_("学完必学资料"), 5, None),
    RuleView("optional_finished", N_("学完选学资料"), 2, None),
    RuleView("quiz_passed", N_("考试或竞赛合格"), 10, None),
    RuleView("score_80", N_("成绩达到80分"), 3, None, {"min_percent": 80}),
    RuleView("score_90", N_("成绩达到90分（另加）"), 2, None, {"min_percent": 90}),
    RuleView("practice_correct", N_("每日练习答对"), 1, 5),
    RuleView("contest_taken", N_("参加知识竞赛现场赛"), 3, None),
    RuleView("contest_won", N_("知识竞赛现场赛获第一名（另加）"), 10, None),
    # Organisation life (core.orglife): attendance at a group session, its 补学, and 心得体会 reviews.
    RuleView("session_attended", N_("参加集中学习、党课等组织生活"), 3, None),
    RuleView("session_made_up", N_("完成缺席组织生活的补学"), 1, None),
    RuleView("reflection_excellent", N_("心得体会评为优秀"), 5, None),
    RuleView("reflection_passed", N_("心得体会评为合格"), 2, None),
)}
SOURCE_LABELS = {"study": N_("学习"), "material": N_("资料"), "quiz": N_("考试"), "practice": N_("练习"),
                 "manual": N_("手工"), "contest": N_("竞赛"), "orglife": N_("组织生活"), "reflection": N_("心得体会")}


def _view(r: PointRule) -> RuleView:
    return RuleView(r.code, r.name, r.amount, r.daily_cap, dict(r.params or {}), r.active, r.valid_from)


def rule_for(session: Session, code: str, day: dt.date) -> RuleView | None:
    """The version of rule ``code`` in force on ``day`` (None when switched off or unknown)."""
    row = session.scalar(select(PointRule).where(PointRule.code == code, PointRule.valid_from <= day)
                         .order_by(PointRule.valid_from.desc()).limit(1))
    view = _view(row) if row is not None else DEFAULT_RULES.get(code)
    return view if view is not None and view.active else None


class RuleBook:
    """Every version of every rule loaded once, for applying rules to many events in bulk."""

    def __init__(self, session: Session) -> None:
        self.versions: dict[str, list[RuleView]] = {}
        for row in session.scalars(select(PointRule).order_by(PointRule.valid_from)):
            self.versions.setdefault(row.code, []).append(_view(row))

    def rule(self, code: str, day: dt.date) -> RuleView | None:
        view = DEFAULT_RULES.get(code)
        for version in self.versions.get(code, []):
            if version.valid_from <= day:
                view = version
        return view if view is not None and view.active else None


def list_rules(session: Session, day: dt.date) -> list[RuleView]:
    """Every rule as it stands on ``day`` (switched-off rules included)."""
    out = []
    for code, default in DEFAULT_RULES.items():
        row = session.scalar(select(PointRule).where(PointRule.code == code, PointRule.valid_from <= day)
                             .order_by(PointRule.valid_from.desc()).limit(1))
        out.append(_view(row) if row is not None else default)
    return out


def seed_default_rules(session: Session, valid_from: dt.date = EPOCH) -> int:
    """Write the default rules as data (first version); returns how many were added."""
    have = set(session.scalars(select(PointRule.code)))
    added = 0
    for r in DEFAULT_RULES.values():
        if r.code not in have:
            session.add(PointRule(code=r.code, name=r.name, amount=r.amount, daily_cap=r.daily_cap,
                                  params=r.params, active=True, valid_from=valid_from))
            added += 1
    session.flush()
    return added


def set_rule(session: Session, code: str, *, amount: float, daily_cap: float | None, valid_from: dt.date,
             active: bool = True, name: str | None = None, params: dict[str, Any] | None = None,
             actor_id: int | None = None) -> RuleView:
    """Save a new version of a rule, applied from ``valid_from`` on (past entries are untouched)."""
    if code not in DEFAULT_RULES:
        raise NotFound(_("找不到积分规则“{c}”", c=code))
    if amount < 0 or (daily_cap is not None and daily_cap < 0):
        raise InvalidInput(_("分值和每日上限不能为负数"))
    base = rule_for(session, code, valid_from) or DEFAULT_RULES[code]
    row = session.scalar(select(PointRule).where(PointRule.code == code, PointRule.valid_from == valid_from))
    if row is None:
        row = PointRule(code=code, valid_from=valid_from)
        session.add(row)
    row.name = name or base.name
    row.amount, row.daily_cap, row.active = float(amount), daily_cap, active
    row.params = params if params is not None else dict(base.params)
    session.flush()
    audit.record(session, "points.rule", actor_id=actor_id, target_type="point_rule", target_id=code,
                 name=row.name, valid_from=valid_from.isoformat(),
                 changes=audit.diff({"amount": base.amount, "daily_cap": base.daily_cap, "active": base.active},
                                    {"amount": float(amount), "daily_cap": daily_cap, "active": active}))
    return _view(row)


# --- granting -------------------------------------------------------------------------------------

def _used_today(session: Session, officer_id: int, code: str, day: dt.date) -> float:
    return float(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.officer_id == officer_id, LedgerEntry.rule_code == code, LedgerEntry.day == day)) or 0)


def _exists(session: Session, officer_id: int, code: str, source_type: str, source_id: str) -> bool:
    return session.scalar(select(LedgerEntry.id).where(
        LedgerEntry.officer_id == officer_id, LedgerEntry.rule_code == code, LedgerEntry.source_type == source_type,
        LedgerEntry.source_id == source_id)) is not None


def _add(session: Session, officer_id: int, unit_id: int, day: dt.date, code: str, amount: float,
         source_type: str, source_id: str, note: str) -> bool:
    entry = LedgerEntry(id=uuid.uuid4(), officer_id=officer_id, unit_id=unit_id, day=day, rule_code=code,
                        amount=amount, source_type=source_type, source_id=source_id[:64], note=note[:300],
                        created_at=utcnow())
    try:
        with session.begin_nested():     # another PC may have granted the same entry just now
            session.add(entry)
    except IntegrityError:
        return False
    return True


def grant(session: Session, *, officer_id: int, unit_id: int, day: dt.date, code: str, source_type: str,
          source_id: str, note: str) -> float:
    """Grant rule ``code`` once for this source, within the rule's daily cap; returns the points added."""
    rule = rule_for(session, code, day)
    if rule is None or rule.amount <= 0 or _exists(session, officer_id, code, source_type, source_id):
        return 0.0
    amount = rule.amount
    if rule.daily_cap is not None:
        amount = min(amount, rule.daily_cap - _used_today(session, officer_id, code, day))
    if amount <= 0:
        return 0.0
    return amount if _add(session, officer_id, unit_id, day, code, amount, source_type, source_id, note) else 0.0


def grant_many(session: Session, *, officers: Collection[tuple[int, int]], day: dt.date, code: str, source_type: str,
               source_id: str, note: str) -> float:
    """:func:`grant` for many officers ((officer id, unit id) pairs) of one source (a group session's
    attendance): one query for who has it already and one insert, instead of a few per officer.
    Rules with a daily cap, or a clash with another PC, fall back to granting one by one."""
    rule = rule_for(session, code, day)
    if rule is None or rule.amount <= 0 or not officers:
        return 0.0
    if rule.daily_cap is not None:
        return sum(grant(session, officer_id=o, unit_id=u, day=day, code=code, source_type=source_type,
                         source_id=source_id, note=note) for o, u in officers)
    have = set(session.scalars(select(LedgerEntry.officer_id).where(
        LedgerEntry.rule_code == code, LedgerEntry.source_type == source_type, LedgerEntry.source_id == source_id,
        LedgerEntry.officer_id.in_([o for o, _u in officers]))))
    new = [(o, u) for o, u in dict(officers).items() if o not in have]
    if not new:
        return 0.0
    now = utcnow()
    try:
        with session.begin_nested():
            session.add_all([LedgerEntry(id=uuid.uuid4(), officer_id=o, unit_id=u, day=day, rule_code=code,
                                         amount=rule.amount, source_type=source_type, source_id=source_id[:64],
                                         note=note[:300], created_at=now) for o, u in new])
    except IntegrityError:
        return sum(grant(session, officer_id=o, unit_id=u, day=day, code=code, source_type=source_type,
                         source_id=source_id, note=note) for o, u in new)
    return rule.amount * len(new)


def grant_study_minutes(session: Session, officer_id: int, unit_id: int, day: dt.date, day_seconds: int) -> float:
    """Study points for a day's total: one entry per full block (e.g. 10 minutes), up to the cap."""
    rule = rule_for(session, "study_minutes", day)
    if rule is None or rule.amount <= 0:
        return 0.0
    block = max(1, int(rule.params.get("block_minutes", 10)))
    blocks = day_seconds // (block * 60)
    if blocks <= 0:
        return 0.0
    existing = set(session.scalars(select(LedgerEntry.source_id).where(
        LedgerEntry.officer_id == officer_id, LedgerEntry.rule_code == "study_minutes",
        LedgerEntry.source_type == "study", LedgerEntry.day == day)))
    used = _used_today(session, officer_id, "study_minutes", day)
    added = 0.0
    for n in range(1, blocks + 1):
        source_id = study_source_id(day, n)
        if source_id in existing:
            continue
        amount = rule.amount if rule.daily_cap is None else min(rule.amount, rule.daily_cap - used)
        if amount <= 0:
            break
        if _add(session, officer_id, unit_id, day, "study_minutes", amount, "study", source_id,
                study_note(day, n * block)):
            used += amount
            added += amount
    return added


def study_source_id(day: dt.date, block: int) -> str:
    return f"{day.isoformat()}#{block}"


def study_note(day: dt.date, minutes: int) -> str:
    return f"当日累计学习满 {minutes} 分钟"


# --- listeners (core.infra.hooks.LISTENERS) ------------------------------------------------------------

def on_attempt_submit(session: Session, *, attempt_id: uuid.UUID, clock: Clock, **_kw: Any) -> None:
    """Exam/competition attempts: passing and score bands, once per quiz per officer."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.status != "submitted":
        return
    quiz = session.get(Quiz, attempt.quiz_id)
    if quiz is None or quiz.mode == "practice":
        return
    day = local_date(attempt.submitted_at or clock.now())
    common: dict[str, Any] = {"officer_id": attempt.officer_id, "unit_id": attempt.unit_id, "day": day,
                              "source_type": "quiz", "source_id": str(quiz.id)}
    if attempt.passed:
        grant(session, code="quiz_passed", note=f"《{quiz.title}》合格", **common)
    percent = attempt.percent or 0.0
    for code in ("score_80", "score_90"):
        rule = rule_for(session, code, day)
        if rule is not None and percent >= float(rule.params.get("min_percent", 100)):
            grant(session, code=code, note=f"《{quiz.title}》得分率 {percent:.0f}%", **common)


def on_material_finish(session: Session, *, officer_id: int, material_id: int, clock: Clock, **_kw: Any) -> None:
    material = session.get(Material, material_id)
    officer = session.get(Officer, officer_id)
    if material is None or officer is None:
        return
    code = "required_finished" if material.required else "optional_finished"
    grant(session, officer_id=officer_id, unit_id=officer.unit_id, day=local_date(clock.now()), code=code,
          source_type="material", source_id=str(material_id), note=f"学完《{material.title}》")


def on_practice_answer(session: Session, *, officer_id: int, question_id: int, correct: bool, clock: Clock,
                       **_kw: Any) -> None:
    """A correct practice answer: one point per distinct question per day, within the daily cap."""
    if not correct:
        return
    officer = session.get(Officer, officer_id)
    if officer is None:
        return
    day = local_date(clock.now())
    grant(session, officer_id=officer_id, unit_id=officer.unit_id, day=day, code="practice_correct",
          source_type="practice", source_id=f"{day.isoformat()}:{question_id}",
          note=practice_note(session.scalar(select(Question.stem).where(Question.id == question_id)) or ""))


NOTE_STEM_CHARS = 20


def practice_note(stem: str) -> str:
    """The ledger line of a correct practice answer, in words an officer recognises: the question's
    own beginning (never the database's question number)."""
    text = " ".join(stem.split())
    short = text if len(text) <= NOTE_STEM_CHARS else text[:NOTE_STEM_CHARS] + "…"
    return f"练习答对：{short}" if short else "练习答对一题"


# --- tallies, rankings, history -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Period:
    label: str
    first: dt.date
    last: dt.date


def parse_period(text: str) -> Period:
    """``2026`` (year), ``2026Q3`` (quarter) or ``2026-10`` (month)."""
    t = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})Q([1-4])", t):
        year, q = int(m.group(1)), int(m.group(2))
        first = dt.date(year, 3 * q - 2, 1)
        last = (dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)) - dt.timedelta(days=1)
        return Period(t, first, last)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            first = dt.date(year, month, 1)
            nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
            return Period(f"{year}-{month:02d}", first, nxt - dt.timedelta(days=1))
    if re.fullmatch(r"\d{4}", t):
        return Period(t, dt.date(int(t), 1, 1), dt.date(int(t), 12, 31))
    raise InvalidInput(_("无法识别的统计周期“{p}”（例如 2026、2026Q3、2026-10）", p=text))


def period_containing(day: dt.date, kind: str) -> Period:
    if kind == "year":
        return parse_period(str(day.year))
    if kind == "quarter":
        return parse_period(f"{day.year}Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year}-{day.month:02d}")


@dataclass(frozen=True, slots=True)
class TallyRow:
    rank: int
    officer_id: int
    badge: str
    name: str
    unit_name: str
    points: float

    def to_dict(self) -> dict[str, object]:
        return {"rank": self.rank, "badge": self.badge, "name": self.name, "unit": self.unit_name,
                "points": self.points}


@dataclass(frozen=True, slots=True)
class UnitTallyRow:
    rank: int
    unit_id: int
    unit_name: str
    members: int
    points: float
    average: float

    def to_dict(self) -> dict[str, object]:
        return {"rank": self.rank, "unit": self.unit_name, "members": self.members, "points": self.points,
                "average": round(self.average, 2)}


def _ranks(values: list[float]) -> list[int]:
    """Competition ranking (1, 2, 2, 4) of values already sorted high to low."""
    out: list[int] = []
    for i, v in enumerate(values):
        out.append(out[-1] if i and v == values[i - 1] else i + 1)
    return out


def _subtree(session: Session, unit_id: int | None) -> list[int] | None:
    from core.people.org import subtree_ids

    return None if unit_id is None else subtree_ids(session, unit_id)


def tally(session: Session, period: Period, unit_id: int | None = None, *,
          unit_ids: Collection[int] | None = None) -> list[TallyRow]:
    """Points per officer in ``period`` (entries earned in ``unit_id``'s subtree), ranked; 0 included.

    ``unit_ids`` limits the rows to officers now in those units and to the entries earned there
    (a secretary's subtree); None means every unit."""
    units = _subtree(session, unit_id)
    if unit_ids is not None:
        units = sorted(set(unit_ids) if units is None else set(units) & set(unit_ids))
    stmt = (select(LedgerEntry.officer_id, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.day >= period.first, LedgerEntry.day <= period.last)
            .group_by(LedgerEntry.officer_id))
    if units is not None:
        stmt = stmt.where(LedgerEntry.unit_id.in_(units))
    sums = {oid: float(total) for oid, total in session.execute(stmt)}
    people = select(Officer.id, Officer.badge, Officer.name, Unit.name).join(Unit, Unit.id == Officer.unit_id)
    if units is not None:   # never None when unit_ids is given
        if unit_ids is not None:
            people = people.where(Officer.unit_id.in_(units))
        else:
            people = people.where((Officer.unit_id.in_(units)) | (Officer.id.in_(list(sums))))
    rows = [(oid, badge, name, uname, sums.get(oid, 0.0))
            for oid, badge, name, uname in session.execute(people.where(Officer.active))]
    rows.sort(key=lambda r: (-r[4], r[1]))
    ranks = _ranks([r[4] for r in rows])
    return [TallyRow(rank, *r) for rank, r in zip(ranks, rows, strict=True)]


def unit_tally(session: Session, period: Period, unit_id: int | None = None) -> list[UnitTallyRow]:
    """Points per unit one level below ``unit_id`` (or below the root), ranked by average per member."""
    from core.people.org import unit_tree

    roots = unit_tree(session)
    if unit_id is None:
        level = [c for r in roots for c in r.children] or roots
    else:
        node = next((n for r in roots for n in r.walk() if n.id == unit_id), None)
        if node is None:
            raise NotFound(_("找不到单位 {u}", u=unit_id))
        level = node.children or [node]
    by_unit = dict(session.execute(
        select(LedgerEntry.unit_id, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.day >= period.first, LedgerEntry.day <= period.last)
        .group_by(LedgerEntry.unit_id)).all())
    members = dict(session.execute(select(Officer.unit_id, func.count()).where(Officer.active)
                                   .group_by(Officer.unit_id)).all())
    rows = []
    for node in level:
        ids = [n.id for n in node.walk()]
        total = float(sum(by_unit.get(i, 0) or 0 for i in ids))
        count = int(sum(members.get(i, 0) for i in ids))
        rows.append((node.id, node.name, count, total, total / count if count else 0.0))
    rows.sort(key=lambda r: (-r[4], r[1]))
    ranks = _ranks([r[4] for r in rows])
    return [UnitTallyRow(rank, *r) for rank, r in zip(ranks, rows, strict=True)]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    day: dt.date
    rule_code: str
    rule_name: str
    amount: float
    source_type: str
    note: str

    def to_dict(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "rule": self.rule_code, "rule_name": self.rule_name,
                "amount": self.amount, "source": self.source_type, "note": self.note}


def history(session: Session, officer_id: int, first: dt.date | None = None, last: dt.date | None = None,
            *, limit: int | None = None) -> list[HistoryLine]:
    """An officer's ledger, newest first, each entry with the rule that explains it."""
    stmt = select(LedgerEntry).where(LedgerEntry.officer_id == officer_id)
    if first is not None:
        stmt = stmt.where(LedgerEntry.day >= first)
    if last is not None:
        stmt = stmt.where(LedgerEntry.day <= last)
    stmt = stmt.order_by(LedgerEntry.day.desc(), LedgerEntry.created_at.desc(), LedgerEntry.source_id.desc())
    if limit:
        stmt = stmt.limit(limit)
    names = {r.code: r.name for r in session.scalars(select(PointRule).order_by(PointRule.valid_from))}
    return [HistoryLine(e.day, e.rule_code, _(names.get(e.rule_code) or DEFAULT_RULES.get(e.rule_code, RuleView(
        e.rule_code, e.rule_code, 0, None)).name), e.amount, e.source_type, e.note) for e in session.scalars(stmt)]


def total(session: Session, officer_id: int, first: dt.date, last: dt.date) -> float:
    return float(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.officer_id == officer_id, LedgerEntry.day >= first, LedgerEntry.day <= last)) or 0)
