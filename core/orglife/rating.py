# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""支部评星定级: quarterly branch ratings computed from criteria kept as data.

**The formula.** For a branch and a quarter, each criterion *c* (a metric, weight *w*, target *t*,
threshold *h*) earns a part

    part_c = 0                      if the value v is missing or v < h
    part_c = min(v / t, 1)          otherwise

and the score is ``100 × Σ w_c·part_c / Σ w_c`` (rounded to 0.1). The stars are those of the highest
band whose ``min_score`` the score reaches (bands are data too; by default 五星 ≥ 90, 四星 ≥ 80,
三星 ≥ 70, 二星 ≥ 60, 一星 below). Metrics are what the branch comparison report computes
(core.reports.branches: participation, average score, pass rate, study time, points, required
reading, activity) plus organisation life: group-session attendance (present or made up, over
everyone expected), sessions held, and reflections handed in per member.

A rating is computed (again, until published), may be adjusted by an administrator with a reason
(audited: old and new score), and is then published: the ranking shows stars and the change
against the previous quarter; every quarter's rating stays as the branch's history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from base.errors import FormatError, InvalidInput, NotFound
from base.i18n import N_, _
from core.infra import audit
from core.infra.clock import Clock
from core.models import Attendance, BranchRating, OrgSession, RatingBand, RatingCriterion, Reflection, Unit
from core.reports.branches import branch_stats
from core.reports.period import Period, parse_period
from core.reports.scope import BranchUnit, Scope, branches

# metric -> (label, unit shown after the value, is a rate 0..1)
METRICS: dict[str, tuple[str, str, bool]] = {
    "participation": (N_("参考率"), "%", True),
    "avg_score": (N_("考试平均分"), "", False),
    "pass_rate": (N_("考试合格率"), "%", True),
    "study_hours": (N_("人均学习时长（小时）"), "", False),
    "points": (N_("人均积分"), "", False),
    "materials": (N_("必学完成率"), "%", True),
    "activity": (N_("活跃率"), "%", True),
    "attendance": (N_("组织生活出勤率"), "%", True),
    "sessions": (N_("组织生活次数"), "", False),
    "reflections": (N_("人均心得体会篇数"), "", False),
}
DEFAULT_CRITERIA = [("participation", 15, 1.0, 0.5), ("avg_score", 15, 90, 60), ("pass_rate", 15, 1.0, 0.6),
                    ("study_hours", 15, 15, 0), ("attendance", 20, 1.0, 0.6), ("reflections", 10, 1, 0),
                    ("points", 10, 150, 0)]
DEFAULT_BANDS = [(5, N_("五星"), 90.0), (4, N_("四星"), 80.0), (3, N_("三星"), 70.0), (2, N_("二星"), 60.0),
                 (1, N_("一星"), 0.0)]


@dataclass(frozen=True, slots=True)
class Criterion:
    metric: str
    weight: float
    target: float
    threshold: float = 0.0

    @property
    def label(self) -> str:
        return _(METRICS[self.metric][0])

    def part(self, value: float | None) -> float:
        if value is None or value < self.threshold or self.target <= 0:
            return 0.0
        return min(value / self.target, 1.0)

    def to_dict(self) -> dict[str, object]:
        return {"metric": self.metric, "label": self.label, "weight": self.weight, "target": self.target,
                "threshold": self.threshold}


@dataclass(frozen=True, slots=True)
class Band:
    stars: int
    name: str
    min_score: float


def criteria(session: Session) -> list[Criterion]:
    rows = session.scalars(select(RatingCriterion).order_by(RatingCriterion.sort_order, RatingCriterion.id)).all()
    if not rows:
        return [Criterion(m, w, t, h) for m, w, t, h in DEFAULT_CRITERIA]
    return [Criterion(r.metric, r.weight, r.target, r.threshold) for r in rows]


def bands(session: Session) -> list[Band]:
    rows = session.scalars(select(RatingBand).order_by(RatingBand.min_score.desc())).all()
    if not rows:
        return [Band(s, _(n), m) for s, n, m in DEFAULT_BANDS]
    return [Band(r.stars, _(r.name), r.min_score) for r in rows]


def set_criteria(session: Session, items: Sequence[Criterion], *, actor_id: int | None) -> None:
    """Replace the criteria (audited); weights must be positive and each metric known and listed once."""
    if not items:
        raise InvalidInput(_("至少需要一项评星指标"))
    seen: set[str] = set()
    for i, c in enumerate(items, 1):
        if c.metric not in METRICS:
            raise InvalidInput(_("第 {i} 项：未知指标“{m}”", i=i, m=c.metric))
        if c.metric in seen:
            raise InvalidInput(_("第 {i} 项：指标“{m}”重复", i=i, m=c.metric))
        if c.weight <= 0 or c.target <= 0 or c.threshold < 0:
            raise InvalidInput(_("第 {i} 项：权重和满分值须大于 0，门槛不能为负数", i=i))
        seen.add(c.metric)
    before = [c.to_dict() for c in criteria(session)]
    session.execute(delete(RatingCriterion))
    for i, c in enumerate(items):
        session.add(RatingCriterion(metric=c.metric, weight=c.weight, target=c.target, threshold=c.threshold,
                                    sort_order=i))
    session.flush()
    audit.record(session, "rating.criteria", actor_id=actor_id, target_type="settings", target_id="rating",
                 changes={"criteria": [before, [c.to_dict() for c in items]]})


def set_bands(session: Session, items: Sequence[Band], *, actor_id: int | None) -> None:
    if not items or len({b.stars for b in items}) != len(items):
        raise InvalidInput(_("星级档次不能为空，也不能重复"))
    session.execute(delete(RatingBand))
    for b in items:
        session.add(RatingBand(stars=b.stars, name=b.name[:20], min_score=b.min_score))
    session.flush()
    audit.record(session, "rating.bands", actor_id=actor_id, target_type="settings", target_id="rating",
                 bands=[[b.stars, b.name, b.min_score] for b in items])


def read_criteria_file(path: Path) -> tuple[list[Criterion], list[Band]]:
    """``[[criterion]]`` and ``[[band]]`` tables of a TOML file; problems name the file and the item."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(_("{f}：无法读取（{e}）", f=path.name, e=exc.strerror or exc)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(_("{f}：不是有效的 TOML（{e}）", f=path.name, e=exc)) from exc
    items: list[Criterion] = []
    for i, c in enumerate(data.get("criterion", []) or [], 1):
        try:
            items.append(Criterion(str(c["metric"]), float(c["weight"]), float(c["target"]),
                                   float(c.get("threshold", 0))))
        except (KeyError, TypeError, ValueError) as exc:
            raise FormatError(_("{f}：criterion[{i}]：须有 metric、weight、target 三项（{e}）", f=path.name, i=i,
                                e=exc)) from exc
    band_items: list[Band] = []
    for i, b in enumerate(data.get("band", []) or [], 1):
        try:
            band_items.append(Band(int(b["stars"]), str(b["name"]), float(b["min_score"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise FormatError(_("{f}：band[{i}]：须有 stars、name、min_score 三项（{e}）", f=path.name, i=i,
                                e=exc)) from exc
    return items, band_items


def stars_for(score: float, band_list: Sequence[Band]) -> int:
    for band in sorted(band_list, key=lambda b: -b.min_score):
        if score >= band.min_score:
            return band.stars
    return 0


def quarter(text: str) -> Period:
    period = parse_period(text)
    if period.kind != "quarter":
        raise InvalidInput(_("评星定级按季度进行，请写成 2026Q4"))
    return period


# --- metrics -----------------------------------------------------------------------------------------

def branch_metrics(session: Session, period: Period, units: list[BranchUnit]) -> dict[int, dict[str, float | None]]:
    """Every metric for each branch: the report's branch statistics and organisation life, in bulk."""
    out: dict[int, dict[str, float | None]] = {}
    ids = [u.id for u in units]
    for s in branch_stats(session, period, Scope(), units=units):
        minutes = s.value("study_minutes")
        out[s.unit.id] = {"participation": s.value("participation"), "avg_score": s.value("avg_score"),
                          "pass_rate": s.value("pass_rate"), "study_hours": None if minutes is None else minutes / 60,
                          "points": s.value("points"), "materials": s.value("materials"),
                          "activity": s.value("activity"), "members": float(s.members)}
    if not ids:
        return out
    att = (select(OrgSession.unit_id, func.count(), func.count(Attendance.made_up_at),
                  func.sum(case((Attendance.status == "present", 1), else_=0)))
           .join(Attendance, Attendance.session_id == OrgSession.id)
           .where(OrgSession.unit_id.in_(ids), OrgSession.day >= period.start, OrgSession.day <= period.end)
           .group_by(OrgSession.unit_id))
    for unit_id, expected, made_up, present in session.execute(att):
        out[unit_id]["attendance"] = (int(present or 0) + int(made_up or 0)) / expected if expected else None
    held = dict(session.execute(select(OrgSession.unit_id, func.count()).where(
        OrgSession.unit_id.in_(ids), OrgSession.day >= period.start, OrgSession.day <= period.end)
        .group_by(OrgSession.unit_id)).all())
    a, b = period.utc_bounds()
    handed = dict(session.execute(select(Reflection.unit_id, func.count()).where(
        Reflection.unit_id.in_(ids), Reflection.submitted_at >= a, Reflection.submitted_at < b)
        .group_by(Reflection.unit_id)).all())
    for uid in ids:
        m = out[uid].get("members") or 0.0
        out[uid].setdefault("attendance", None)
        out[uid]["sessions"] = float(held.get(uid, 0))
        out[uid]["reflections"] = handed.get(uid, 0) / m if m else None
    return out


@dataclass(frozen=True, slots=True)
class Part:
    metric: str
    label: str
    value: float | None
    weight: float
    target: float
    threshold: float
    points: float                     # weight × part, out of the weight

    def to_dict(self) -> dict[str, object]:
        return {"metric": self.metric, "label": self.label, "value": self.value, "weight": self.weight,
                "target": self.target, "threshold": self.threshold, "points": round(self.points, 2)}


def score(values: dict[str, float | None], crit: Sequence[Criterion]) -> tuple[float, list[Part]]:
    """The documented formula: 100 × Σ weight·part / Σ weight, with each criterion's part."""
    total_weight = sum(c.weight for c in crit)
    parts = [Part(c.metric, c.label, values.get(c.metric), c.weight, c.target, c.threshold,
                  c.weight * c.part(values.get(c.metric))) for c in crit]
    value = 100 * sum(p.points for p in parts) / total_weight if total_weight else 0.0
    return round(value, 1), parts


def compute(session: Session, period: Period, clock: Clock, *, actor_id: int | None) -> int:
    """Compute (or recompute) every branch's rating for a quarter; refused once published."""
    code = period.code
    if session.scalar(select(func.count()).select_from(BranchRating).where(
            BranchRating.period == code, BranchRating.published_at.is_not(None))):
        raise InvalidInput(_("{p} 的评星结果已公布，不能重新计算", p=code))
    units = branches(session, Scope())
    crit, band_list = criteria(session), bands(session)
    metrics = branch_metrics(session, period, units)
    existing = {r.unit_id: r for r in session.scalars(select(BranchRating).where(BranchRating.period == code))}
    now = clock.now()
    for u in units:
        value, parts = score(metrics.get(u.id, {}), crit)
        row = existing.get(u.id)
        if row is None:
            row = BranchRating(id=uuid.uuid4(), period=code, unit_id=u.id)
            session.add(row)
        row.computed_score = row.score = value
        row.stars = stars_for(value, band_list)
        row.breakdown = [p.to_dict() for p in parts]
        row.adjust_reason, row.adjusted_by, row.computed_at = "", None, now
    session.flush()
    audit.record(session, "rating.compute", actor_id=actor_id, target_type="rating", target_id=code,
                 count=len(units))
    return len(units)


def adjust(session: Session, period: Period, unit_id: int, new_score: float, reason: str, *,
           actor_id: int | None) -> None:
    row = session.scalar(select(BranchRating).where(BranchRating.period == period.code,
                                                    BranchRating.unit_id == unit_id))
    if row is None:
        raise NotFound(_("{p} 还没有计算这个支部的评星结果", p=period.code))
    if row.published_at is not None:
        raise InvalidInput(_("{p} 的评星结果已公布，不能再调整", p=period.code))
    if not 0 <= new_score <= 100:
        raise InvalidInput(_("分数应在 0 到 100 之间"))
    if not reason.strip():
        raise InvalidInput(_("调整评星结果须写明理由"))
    before = (row.score, row.stars)
    row.score = round(float(new_score), 1)
    row.stars = stars_for(row.score, bands(session))
    row.adjust_reason, row.adjusted_by = reason.strip()[:300], actor_id
    session.flush()
    unit = session.get(Unit, unit_id)
    audit.record(session, "rating.adjust", actor_id=actor_id, target_type="rating", target_id=period.code,
                 unit=unit.name if unit else unit_id, reason=row.adjust_reason,
                 changes={"score": [before[0], row.score], "stars": [before[1], row.stars]},
                 computed=row.computed_score)


def publish(session: Session, period: Period, clock: Clock, *, actor_id: int | None) -> int:
    rows = list(session.scalars(select(BranchRating).where(BranchRating.period == period.code)))
    if not rows:
        raise NotFound(_("{p} 还没有计算评星结果", p=period.code))
    if all(r.published_at is not None for r in rows):
        raise InvalidInput(_("{p} 的评星结果已经公布", p=period.code))
    now = clock.now()
    for r in rows:
        r.published_at = now
    session.flush()
    audit.record(session, "rating.publish", actor_id=actor_id, target_type="rating", target_id=period.code,
                 count=len(rows))
    return len(rows)


# --- views --------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RatingRow:
    rank: int
    unit_id: int
    unit_name: str
    parent_name: str
    score: float
    computed_score: float
    stars: int
    previous_stars: int | None         # last quarter's published stars
    previous_score: float | None
    adjust_reason: str
    breakdown: list[dict[str, object]]
    published: bool

    @property
    def change(self) -> int | None:
        return None if self.previous_stars is None else self.stars - self.previous_stars

    def to_dict(self) -> dict[str, object]:
        return {"rank": self.rank, "unit": self.unit_name, "parent": self.parent_name, "score": self.score,
                "computed_score": self.computed_score, "stars": self.stars, "previous_stars": self.previous_stars,
                "previous_score": self.previous_score, "change": self.change, "adjust_reason": self.adjust_reason,
                "published": self.published, "breakdown": self.breakdown}


def ranking(session: Session, period: Period, *, published_only: bool) -> list[RatingRow]:
    units = {u.id: u for u in branches(session, Scope())}
    stmt = select(BranchRating).where(BranchRating.period == period.code)
    if published_only:
        stmt = stmt.where(BranchRating.published_at.is_not(None))
    rows = list(session.scalars(stmt))
    prev = {r.unit_id: r for r in session.scalars(select(BranchRating).where(
        BranchRating.period == period.previous().code, BranchRating.published_at.is_not(None)))}
    rows.sort(key=lambda r: (-r.score, units[r.unit_id].name if r.unit_id in units else ""))
    out: list[RatingRow] = []
    for i, r in enumerate(rows):
        rank = out[-1].rank if out and r.score == out[-1].score else i + 1
        unit = units.get(r.unit_id)
        p = prev.get(r.unit_id)
        out.append(RatingRow(rank, r.unit_id, unit.name if unit else str(r.unit_id), unit.parent_name if unit else "",
                             r.score, r.computed_score, r.stars, p.stars if p else None, p.score if p else None,
                             r.adjust_reason, list(r.breakdown or []), r.published_at is not None))
    return out


def published_periods(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(BranchRating.period).where(BranchRating.published_at.is_not(None)))),
                  reverse=True)


def history(session: Session, unit_id: int) -> list[tuple[str, float, int, bool]]:
    """One branch's ratings, newest quarter first: (quarter, score, stars, published)."""
    return [(r.period, r.score, r.stars, r.published_at is not None) for r in session.scalars(
        select(BranchRating).where(BranchRating.unit_id == unit_id).order_by(BranchRating.period.desc()))]

