# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Study materials: importing files, organising them (专题, 必学/选学, audience, due date, minimum
reading time), what each officer is assigned, and linking questions back to their material."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from base.progress import CancelToken, ProgressSink, no_progress
from core.infra import audit
from core.infra.clock import utcnow
from core.models import Category, Material, MaterialProgress, Officer, QuestionRow, Unit
from core.people import org


@dataclass(frozen=True, slots=True)
class MaterialInfo:
    id: int
    title: str
    topic: str
    required: bool
    min_seconds: int
    due_date: dt.date | None
    source_format: str = ""
    audience: dict[str, Any] = field(default_factory=dict)
    has_original: bool = False

    @property
    def min_minutes(self) -> int:
        return self.min_seconds // 60

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "topic": self.topic, "required": self.required,
                "min_minutes": self.min_minutes, "due_date": self.due_date.isoformat() if self.due_date else None,
                "format": self.source_format, "audience": self.audience}


@dataclass(frozen=True, slots=True)
class OfficerMaterial:
    """One assigned material with the officer's own progress."""

    id: int
    title: str
    topic: str
    required: bool
    due_date: dt.date | None
    min_seconds: int
    seconds: int
    finished: bool

    @property
    def min_minutes(self) -> int:
        return self.min_seconds // 60


@dataclass(frozen=True, slots=True)
class MaterialContent:
    """What the reader shows: the body (or the original PDF) and where the officer left off."""

    id: int
    title: str
    topic: str
    body_html: str
    original: bytes | None
    source_format: str
    min_seconds: int
    seconds: int
    position: float
    finished: bool


def markdown_to_html(text: str) -> str:
    from core.study.formats.markdown_format import markdown_to_html as convert

    return convert(text)


def _info(m: Material) -> MaterialInfo:
    return MaterialInfo(m.id, m.title, m.topic, m.required, m.min_seconds, m.due_date, m.source_format,
                        dict(m.audience or {}), m.source_format == "pdf")


def add_material(session: Session, *, title: str, body_html: str, topic: str = "", required: bool = False,
                 min_seconds: int = 0, due_date: dt.date | None = None, source_name: str = "",
                 source_format: str = "", body_text: str | None = None, original: bytes | None = None,
                 audience: dict[str, Any] | None = None) -> Material:
    if body_text is None:
        from core.study.formats import text_from_html

        body_text = text_from_html(body_html)
    row = Material(title=title[:200], topic=topic, body_html=body_html, body_text=body_text, original=original,
                   required=required, min_seconds=max(0, min_seconds), due_date=due_date,
                   source_name=source_name[:200], source_format=source_format, audience=audience or {},
                   created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def list_materials(session: Session, *, include_inactive: bool = False) -> list[MaterialInfo]:
    stmt = select(Material).order_by(Material.topic, Material.id)
    if not include_inactive:
        stmt = stmt.where(Material.active)
    return [_info(m) for m in session.scalars(stmt)]


def get_material(session: Session, material_id: int) -> MaterialInfo:
    return _info(_material(session, material_id))


def _material(session: Session, material_id: int) -> Material:
    row = session.get(Material, material_id)
    if row is None:
        raise NotFound(_("找不到学习资料 {id}", id=material_id))
    return row


def topics(session: Session) -> list[str]:
    return [t for t in session.scalars(select(Material.topic).distinct().order_by(Material.topic)) if t]


def import_files(db: Any, paths: Sequence[Path], *, topic: str = "", required: bool = False, min_minutes: int = 0,
                 due_date: dt.date | None = None, audience: dict[str, Any] | None = None,
                 actor_id: int | None = None, progress: ProgressSink = no_progress,
                 cancel: CancelToken | None = None) -> list[MaterialInfo]:
    """Read every file, then store them all in one transaction (cancelling stores nothing)."""
    from core.study.formats import read_material

    if min_minutes < 0:
        raise InvalidInput(_("最少阅读时间不能为负数"))
    parsed = []
    for i, path in enumerate(paths):
        if cancel is not None:
            cancel.check()
        progress(i, len(paths), _("正在读取 {name}", name=Path(path).name))
        parsed.append((Path(path), *read_material(Path(path))))
    if cancel is not None:
        cancel.check()
    progress(len(paths), len(paths), _("正在保存"))
    with db.transaction() as s:
        audience = _check_audience(s, audience or {})
        rows = [add_material(s, title=p.title, body_html=p.body_html, body_text=p.body_text, original=p.original,
                             topic=topic, required=required, min_seconds=60 * min_minutes, due_date=due_date,
                             source_name=path.name, source_format=fmt.name, audience=audience)
                for path, p, fmt in parsed]
        for row in rows:
            audit.record(s, "material.import", actor_id=actor_id, target_type="material", target_id=row.id,
                         title=row.title, file=row.source_name, topic=row.topic, required=row.required)
        return [_info(r) for r in rows]


_UNSET: Any = object()


def update_material(session: Session, material_id: int, *, title: str = _UNSET, topic: str = _UNSET,
                    required: bool = _UNSET, due_date: dt.date | None = _UNSET, min_seconds: int = _UNSET,
                    audience: dict[str, Any] = _UNSET, active: bool = _UNSET,
                    actor_id: int | None = None) -> MaterialInfo:
    """Change how a material is organised and assigned; only the given fields change."""
    row = _material(session, material_id)
    before: dict[str, Any] = {"title": row.title, "topic": row.topic, "required": row.required,
                              "due_date": row.due_date, "min_seconds": row.min_seconds,
                              "audience": row.audience or {}, "active": row.active}
    changes: dict[str, Any] = {}
    if title is not _UNSET:
        if not title.strip():
            raise InvalidInput(_("资料标题不能为空"))
        row.title = changes["title"] = title.strip()[:200]
    if topic is not _UNSET:
        row.topic = changes["topic"] = topic.strip()[:100]
    if required is not _UNSET:
        row.required = changes["required"] = bool(required)
    if due_date is not _UNSET:
        row.due_date = due_date
        changes["due_date"] = due_date.isoformat() if due_date else None
    if min_seconds is not _UNSET:
        if min_seconds < 0:
            raise InvalidInput(_("最少阅读时间不能为负数"))
        row.min_seconds = changes["min_seconds"] = int(min_seconds)
    if audience is not _UNSET:
        row.audience = changes["audience"] = _check_audience(session, audience)
    if active is not _UNSET:
        row.active = changes["active"] = bool(active)
    if "due_date" in changes:
        changes["due_date"] = due_date
    for side in (before, changes):
        if "audience" in side:
            side["audience"] = _audience_text(session, side["audience"])
    audit.record(session, "material.update", actor_id=actor_id, target_type="material", target_id=row.id,
                 title=row.title, changes=audit.diff(before, changes))
    return _info(row)


def _audience_text(session: Session, audience: dict[str, Any]) -> list[str]:
    """Who a material is assigned to, as the audit log keeps it: unit names (not ids) and the
    untranslated labels of the categories (the audit page translates them when it shows them)."""
    from core.people.users import CATEGORY_LABELS

    units = [int(u) for u in audience.get("units") or []]
    names = session.scalars(select(Unit.name).where(Unit.id.in_(units)).order_by(Unit.id)).all() if units else []
    return [*(names or [N_("全体人员")]), *(CATEGORY_LABELS.get(c, c) for c in audience.get("categories") or []),
            *([N_("仅党员")] if audience.get("party_only") else [])]


def _check_audience(session: Session, audience: dict[str, Any]) -> dict[str, Any]:
    units = sorted({int(u) for u in audience.get("units", [])})
    cats = sorted({str(c) for c in audience.get("categories", [])})
    bad = [c for c in cats if c not in {c.value for c in Category}]
    if bad:
        raise InvalidInput(_("人员类别“{c}”无效", c=bad[0]))
    known = set(session.scalars(select(Unit.id).where(Unit.id.in_(units)))) if units else set()
    if set(units) - known:
        raise InvalidInput(_("找不到单位 {u}", u=sorted(set(units) - known)[0]))
    out: dict[str, Any] = {}
    if units:
        out["units"] = units
    if cats and set(cats) != {c.value for c in Category}:
        out["categories"] = cats
    return out


def is_assigned(audience: dict[str, Any], chain: set[int], category: str) -> bool:
    """Does a material with ``audience`` reach an officer in ``chain`` (their unit and its parents)?"""
    units = audience.get("units") or []
    cats = audience.get("categories") or []
    return (not units or bool(chain.intersection(units))) and (not cats or category in cats)


def assigned_materials(session: Session, officer_id: int) -> list[Material]:
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise NotFound(_("找不到人员 {id}", id=officer_id))
    chain = org.unit_chain(session, officer.unit_id)
    rows = session.scalars(select(Material).where(Material.active).order_by(Material.topic, Material.id))
    return [m for m in rows if is_assigned(m.audience or {}, chain, officer.category)]


def officer_materials(session: Session, officer_id: int) -> list[OfficerMaterial]:
    """Assigned materials: 必学 first (by due date), then 选学, each with the officer's progress."""
    progress = {p.material_id: p for p in session.scalars(
        select(MaterialProgress).where(MaterialProgress.officer_id == officer_id))}
    out = []
    for m in assigned_materials(session, officer_id):
        p = progress.get(m.id)
        out.append(OfficerMaterial(m.id, m.title, m.topic, m.required, m.due_date, m.min_seconds,
                                   p.seconds if p else 0, bool(p and p.finished_at)))
    far = dt.date.max
    out.sort(key=lambda o: (not o.required, o.finished, o.due_date or far, o.topic, o.id))
    return out


def open_material(session: Session, officer_id: int, material_id: int) -> MaterialContent:
    m = session.scalar(select(Material).where(Material.id == material_id).options(undefer(Material.original)))
    if m is None or not m.active:
        raise NotFound(_("找不到学习资料 {id}", id=material_id))
    p = session.get(MaterialProgress, (officer_id, material_id))
    return MaterialContent(m.id, m.title, m.topic, m.body_html, m.original, m.source_format, m.min_seconds,
                           p.seconds if p else 0, p.position if p else 0.0, bool(p and p.finished_at))


def set_question_material(session: Session, question_id: int, material_id: int | None, *,
                          actor_id: int | None = None) -> None:
    """Link a question (all versions of it) to the material it comes from, or unlink with ``None``."""
    q = session.get(QuestionRow, question_id)
    if q is None:
        raise NotFound(_("找不到题目 {id}", id=question_id))
    new = _material(session, material_id) if material_id is not None else None
    old = session.get(Material, q.material_id) if q.material_id is not None else None
    for row in session.scalars(select(QuestionRow).where(QuestionRow.lineage == q.lineage)):
        row.material_id = material_id
    audit.record(session, "question.material", actor_id=actor_id, target_type="question", target_id=question_id,
                 stem=q.stem, changes={"material": [old.title if old else None, new.title if new else None]})


def material_for_question(session: Session, question_id: int) -> MaterialInfo | None:
    """The material a question comes from (so a wrong answer can point back to it), if any."""
    q = session.get(QuestionRow, question_id)
    if q is None:
        raise NotFound(_("找不到题目 {id}", id=question_id))
    material_id = q.material_id
    if material_id is None:      # an older or newer version may carry the link
        material_id = session.scalar(select(QuestionRow.material_id).where(
            QuestionRow.lineage == q.lineage, QuestionRow.material_id.is_not(None)).limit(1))
    if material_id is None:
        return None
    m = session.get(Material, material_id)
    return _info(m) if m is not None and m.active else None
