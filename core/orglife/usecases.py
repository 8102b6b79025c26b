# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with organisation life: secretaries record group sessions and their attendance,
attach photos and the sign-in sheet, and close 补学 done outside the app; officers see their 补学
on the home page (core.home) and read its materials in the reader (core.study). Officers write
心得体会 that secretaries set and review. Everyone reads the published 支部评星定级 (评比晾晒);
administrators set its criteria, compute a quarter, adjust a branch with a reason and publish.

Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``. A secretary reaches the
sessions of their own unit and the units below it; an administrator every unit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from base.errors import InvalidInput, NotFound
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action, scope_for
from core.access.usecase import Change, Work, use_case
from core.orglife import rating, reflections, sessions, views
from core.orglife.rating import Band, Criterion, RatingRow
from core.orglife.reflections import ReflectionDetail, ReflectionRow, TaskRow
from core.orglife.sessions import KindView, SessionSpec
from core.orglife.views import SessionDetail, SessionRow
from core.people.org import unit_by_code_or_name, unit_tree
from core.points.ledger import Period

CREDIT = Change.ORGLIFE | Change.STUDY | Change.POINTS      # attendance credits study time and points


@use_case(Action.ORGLIFE_SESSIONS)
def session_kinds(work: Work) -> list[KindView]:
    """The kinds of group session (data: 集中学习, 党课, 主题党日, 支部党员大会, 支委会, 党小组会...)."""
    return sessions.list_kinds(work.session)


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    badge: str
    name: str


@use_case(Action.ORGLIFE_SESSIONS, readonly=True)
def branches(work: Work) -> list[tuple[int, str]]:
    """Units the actor may record sessions for (their own subtree, or every unit), in tree order."""
    allowed = work.units()
    return [(n.id, n.name) for root in unit_tree(work.session) for n in root.walk()
            if allowed is None or n.id in allowed]


@use_case(Action.ORGLIFE_SESSIONS, readonly=True)
def branch_members(work: Work, unit_id: int) -> list[Member]:
    """The officers expected at a session of ``unit_id`` (its active members)."""
    work.check_unit(unit_id)
    return [Member(o.id, o.badge, o.name) for o in sessions.members(work.session, unit_id)]


@use_case(Action.ORGLIFE_SESSIONS, changes=CREDIT)
def record_session(work: Work, spec: SessionSpec) -> uuid.UUID:
    """Record a session with its attendance: the present are credited (study time and points, once),
    the others get 补学 (the linked materials as required reading)."""
    work.check_unit(spec.unit_id)
    return sessions.record_session(work.session, spec, work.clock, actor_id=work.actor_id)


@use_case(Action.ORGLIFE_SESSIONS, changes=CREDIT)
def record_session_file(work: Work, path: Path) -> SessionRow:
    """Record a session described by a TOML file (``orglife add --spec session.toml``)."""
    from core.orglife.spec_file import read_spec

    spec = read_spec(work.session, path)
    work.check_unit(spec.unit_id)
    sid = sessions.record_session(work.session, spec, work.clock, actor_id=work.actor_id)
    return views.session_detail(work.session, sid).row


@use_case(Action.ORGLIFE_SESSIONS, changes=CREDIT)
def set_attendance(work: Work, session_id: uuid.UUID | str, marks: Mapping[int | str, tuple[str, str]]
                   ) -> dict[str, int]:
    """Take or correct attendance (officer id or badge → (status, reason)); credits and 补学 follow.
    The first attendance of a session planned ahead records the members not named as absent."""
    from sqlalchemy import select

    from core.models import Officer

    sid = find_session(work, session_id)
    work.check_unit(sessions.get_session(work.session, sid).unit_id)
    by_id: dict[int, tuple[str, str]] = {}
    for key, mark in marks.items():
        officer_id = key if isinstance(key, int) else work.session.scalar(
            select(Officer.id).where(Officer.badge == key.strip()))
        if officer_id is None:
            raise NotFound(_("找不到警号为 {b} 的人员", b=key))
        by_id[officer_id] = mark
    return sessions.set_attendance(work.session, sid, by_id, work.clock, actor_id=work.actor_id)


@use_case(Action.ORGLIFE_SESSIONS, changes=Change.ORGLIFE)
def add_attachment(work: Work, session_id: uuid.UUID, path: Path, kind: str = "photo") -> uuid.UUID:
    """Attach a photo or the scanned sign-in sheet (kind ``photo`` or ``signin``)."""
    work.check_unit(sessions.get_session(work.session, session_id).unit_id)
    return sessions.add_attachment(work.session, session_id, path, kind, work.clock, actor_id=work.actor_id)


@use_case(Action.ORGLIFE_SESSIONS, readonly=True)
def attachment(work: Work, attachment_id: uuid.UUID) -> tuple[str, bytes]:
    """A session's attachment: its file name and bytes."""
    row, name, data = sessions.attachment_data(work.session, attachment_id)
    work.check_unit(row.unit_id)
    return name, data


@use_case(Action.ORGLIFE_SESSIONS, changes=CREDIT)
def confirm_makeup(work: Work, session_id: uuid.UUID, officer: int | str, note: str = "") -> None:
    """Close a 补学 done outside the app (sessions without linked materials); ``officer`` is an id or a badge."""
    from sqlalchemy import select

    from core.models import Officer

    work.check_unit(sessions.get_session(work.session, session_id).unit_id)
    officer_id = officer if isinstance(officer, int) else work.session.scalar(
        select(Officer.id).where(Officer.badge == officer.strip()))
    if officer_id is None:
        raise NotFound(_("找不到警号为 {b} 的人员", b=officer))
    sessions.confirm_makeup(work.session, session_id, officer_id, work.clock, actor_id=work.actor_id, note=note)


@use_case(Action.ORGLIFE_SESSIONS, readonly=True)
def list_sessions(work: Work, *, first: dt.date | None = None, last: dt.date | None = None,
                  unit_id: int | None = None, unit: str | None = None) -> list[SessionRow]:
    """Sessions of the actor's units (or of ``unit`` and below, which must be among them), newest first."""
    from core.people.org import subtree_ids, unit_by_code_or_name

    if unit:
        unit_id = unit_by_code_or_name(work.session, unit).id
    allowed = work.units()
    ids: set[int] | None = None if allowed is None else set(allowed)
    if unit_id is not None:
        work.check_unit(unit_id)
        ids = set(subtree_ids(work.session, unit_id))
    return views.list_sessions(work.session, unit_ids=ids, first=first, last=last)


@use_case(Action.ORGLIFE_SESSIONS, readonly=True)
def session_detail(work: Work, session_id: uuid.UUID | str) -> SessionDetail:
    """One session (its id, or the first 8 characters of it): the record, each member's attendance
    and 补学, the attachments."""
    detail = views.session_detail(work.session, find_session(work, session_id))
    work.check_unit(detail.row.unit_id)
    return detail


def find_session(work: Work, key: uuid.UUID | str) -> uuid.UUID:
    """A session id from itself, its text, or its first 8 characters (as the CLI lists them)."""
    from sqlalchemy import String, cast, select

    from core.models import OrgSession

    if isinstance(key, uuid.UUID):
        return key
    text = key.strip().lower()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    if len(text) < 6 or len(text) > 8:
        raise NotFound(_("请给出记录编号（前 8 位即可）"))
    found = list(work.session.scalars(select(OrgSession.id).where(cast(OrgSession.id, String).like(f"{text}%"))
                                      .limit(2)))
    if len(found) != 1:
        raise NotFound(_("找不到编号为 {k} 的组织生活记录", k=text))
    return found[0]


# --- 心得体会 -----------------------------------------------------------------------------------------

@use_case(Action.REFLECTION_TASKS, changes=Change.ORGLIFE)
def set_reflection_task(work: Work, *, unit_id: int, title: str, due_date: dt.date, min_chars: int = 300,
                        material_id: int | None = None, session_id: uuid.UUID | None = None, topic: str = "") -> int:
    """Ask a branch (and the units below it) for a 心得体会 on a material, a session or a topic."""
    work.check_unit(unit_id)
    return reflections.create_task(work.session, unit_id=unit_id, title=title, due_date=due_date, clock=work.clock,
                                   min_chars=min_chars, material_id=material_id, session_id=session_id, topic=topic,
                                   actor_id=work.actor_id)


@use_case(Action.REFLECTION_TASKS, readonly=True)
def reflection_tasks(work: Work) -> list[TaskRow]:
    """The tasks set for the actor's units, with how many handed in and reviewed."""
    return reflections.list_tasks(work.session, unit_ids=work.units())


@use_case(Action.REFLECTION_WRITE, readonly=True)
def my_reflection_tasks(work: Work) -> list[TaskRow]:
    """The tasks set for the actor's branch (and the units above it), with the actor's own status."""
    return reflections.list_tasks(work.session, unit_ids=None, officer_id=work.actor.id)


@use_case(Action.REFLECTION_WRITE, changes=Change.ORGLIFE)
def submit_reflection(work: Work, task_id: int, *, text: str | None = None, docx: Path | None = None) -> uuid.UUID:
    """Hand in the actor's 心得体会, typed or as a .docx (again after 退回修改)."""
    if (text is None) == (docx is None):
        raise InvalidInput(_("请填写心得体会正文，或选择一个 .docx 文件"))
    body = text if text is not None else reflections.read_docx_text(docx) if docx is not None else ""
    return reflections.submit(work.session, officer_id=work.actor.id, task_id=task_id, text=body, clock=work.clock,
                              source_name=docx.name if docx is not None else "")


@use_case(Action.REFLECTION_WRITE, readonly=True)
def my_reflections(work: Work) -> list[ReflectionRow]:
    """The actor's own submissions and their reviews (never anyone else's text)."""
    return reflections.list_reflections(work.session, unit_ids=None, officer_id=work.actor.id)


@use_case(Action.REFLECTION_REVIEW, readonly=True)
def list_reflections(work: Work, *, first: dt.date | None = None, last: dt.date | None = None,
                     status: str | None = None) -> list[ReflectionRow]:
    """Submissions from the actor's units, newest first, each with its closest earlier match's estimate."""
    return reflections.list_reflections(work.session, unit_ids=work.units(), first=first, last=last, status=status)


def _reflection_id(work: Work, key: uuid.UUID | str) -> uuid.UUID:
    from sqlalchemy import String, cast, select

    from core.models import Reflection

    if isinstance(key, uuid.UUID):
        return key
    text = key.strip().lower()
    with contextlib.suppress(ValueError):
        return uuid.UUID(text)
    found = list(work.session.scalars(select(Reflection.id).where(cast(Reflection.id, String).like(f"{text}%"))
                                      .limit(2))) if 6 <= len(text) <= 8 else []
    if len(found) != 1:
        raise NotFound(_("找不到编号为 {k} 的心得体会", k=text))
    return found[0]


@use_case(Action.REFLECTION_REVIEW, readonly=True)
def reflection_detail(work: Work, reflection_id: uuid.UUID | str) -> ReflectionDetail:
    """One submission with its closest earlier submission and the passages they share."""
    row = reflections.get_reflection(work.session, _reflection_id(work, reflection_id))
    work.check_unit(row.unit_id)
    return reflections.reflection_detail(work.session, row.id)


@use_case(Action.REFLECTION_REVIEW, changes=Change.ORGLIFE | Change.POINTS)
def review_reflection(work: Work, reflection_id: uuid.UUID | str, verdict: str, comment: str = "") -> None:
    """优秀 / 合格 / 退回修改 with a comment; points by rule (audited)."""
    row = reflections.get_reflection(work.session, _reflection_id(work, reflection_id))
    work.check_unit(row.unit_id)
    reflections.review(work.session, row.id, verdict, comment, work.clock, reviewer_id=work.actor_id)


@use_case(Action.REFLECTION_REVIEW, readonly=True)
def export_reflections(work: Work, target: Path, *, period: Period, unit_id: int | None = None,
                       unit: str | None = None, progress: ProgressSink = no_progress,
                       cancel: CancelToken | None = None) -> Path:
    """A branch's reflections of a period in one .docx or .pdf (one section per submission)."""
    from core.orglife.export import reflections_document
    from core.people.org import subtree_ids, unit_by_code_or_name
    from core.reports.export import export

    if unit:
        unit_id = unit_by_code_or_name(work.session, unit).id
    if unit_id is None:
        unit_id = work.actor.unit_id
    if unit_id is None:
        raise InvalidInput(_("请指定单位"))
    work.check_unit(unit_id)
    doc = reflections_document(work.session, unit_id, subtree_ids(work.session, unit_id), period)
    if cancel is not None:
        cancel.check()
    return export(doc, target, progress=progress)


@use_case(Action.ORGLIFE_SESSIONS, readonly=True)
def period_summary(work: Work, target: Path, *, period: str, unit: str | int | None = None,
                   progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> Path:
    """The 月反馈/季考评/年总结 of a branch (default: the actor's) as .pdf or .docx, ready to hand in."""
    from core.orglife.summary import summary_document
    from core.reports.export import export
    from core.reports.period import parse_period

    if unit is None:
        unit_id = work.actor.unit_id
    else:
        from core.people.org import unit_by_code_or_name

        unit_id = unit if isinstance(unit, int) else unit_by_code_or_name(work.session, unit).id
    if unit_id is None:
        raise InvalidInput(_("请指定单位"))
    work.check_unit(unit_id)
    doc = summary_document(work.session, unit_id, parse_period(period))
    if cancel is not None:
        cancel.check()
    return export(doc, target, progress=progress)


# --- 支部评星定级 ------------------------------------------------------------------------------------

RATINGS = Change.ORGLIFE


@use_case(Action.RATING_VIEW, readonly=True)
def rating_criteria(work: Work) -> tuple[list[Criterion], list[Band]]:
    """The criteria (weights, targets, thresholds) and star bands in force."""
    return rating.criteria(work.session), rating.bands(work.session)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def set_rating_criteria(work: Work, criteria: Sequence[Criterion], bands: Sequence[Band] | None = None) -> None:
    rating.set_criteria(work.session, criteria, actor_id=work.actor_id)
    if bands is not None:
        rating.set_bands(work.session, bands, actor_id=work.actor_id)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def set_rating_criteria_file(work: Work, path: Path) -> None:
    """Criteria and bands from a TOML file (``rating criteria --set``)::

        [[criterion]]
        metric = "attendance"   # see core.orglife.rating.METRICS
        weight = 20
        target = 1.0
        threshold = 0.6
        [[band]]
        stars = 5
        name = "五星"
        min_score = 90
    """
    items, band_items = rating.read_criteria_file(path)
    rating.set_criteria(work.session, items, actor_id=work.actor_id)
    if band_items:
        rating.set_bands(work.session, band_items, actor_id=work.actor_id)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def compute_ratings(work: Work, period: str) -> list[RatingRow]:
    """Compute every branch's rating for a quarter (``2026Q4``) from the criteria; recomputing
    replaces an unpublished result and its adjustments."""
    quarter = rating.quarter(period)
    rating.compute(work.session, quarter, work.clock, actor_id=work.actor_id)
    return rating.ranking(work.session, quarter, published_only=False)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def adjust_rating(work: Work, period: str, unit: str | int, score: float, reason: str) -> None:
    """Set a branch's score for a quarter by hand, with the reason (audited: old and new)."""
    unit_id = unit if isinstance(unit, int) else unit_by_code_or_name(work.session, unit).id
    rating.adjust(work.session, rating.quarter(period), unit_id, score, reason, actor_id=work.actor_id)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def publish_ratings(work: Work, period: str) -> int:
    """Publish a quarter's ratings (评比晾晒); they can no longer be recomputed or adjusted."""
    return rating.publish(work.session, rating.quarter(period), work.clock, actor_id=work.actor_id)


@use_case(Action.RATING_VIEW, readonly=True)
def rating_ranking(work: Work, period: str) -> list[RatingRow]:
    """A quarter's ranking with stars and the change against the last quarter: published ratings
    for everyone; administrators also see a computed result before it is published."""
    manager = scope_for(work.actor.role, Action.RATING_MANAGE) is not None
    return rating.ranking(work.session, rating.quarter(period), published_only=not manager)


@use_case(Action.RATING_VIEW, readonly=True)
def rating_periods(work: Work) -> list[str]:
    """Quarters with published ratings, newest first."""
    return rating.published_periods(work.session)


@use_case(Action.RATING_VIEW, readonly=True)
def rating_history(work: Work, unit: str | int) -> list[tuple[str, float, int, bool]]:
    """One branch's ratings, newest quarter first (published ones for everyone but administrators)."""
    unit_id = unit if isinstance(unit, int) else unit_by_code_or_name(work.session, unit).id
    manager = scope_for(work.actor.role, Action.RATING_MANAGE) is not None
    return [h for h in rating.history(work.session, unit_id) if manager or h[3]]


@use_case(Action.RATING_VIEW, readonly=True)
def honour_roll_pdf(work: Work, period: str, target: Path, *, progress: ProgressSink = no_progress,
                    cancel: CancelToken | None = None) -> Path:
    """The printable 红榜 of a published quarter: branches by stars and score (PDF)."""
    from core.orglife.honour import honour_document
    from core.reports.export import export

    quarter = rating.quarter(period)
    rows = rating.ranking(work.session, quarter, published_only=True)
    if not rows:
        raise NotFound(_("{p} 的评星结果还没有公布", p=quarter.code))
    if cancel is not None:
        cancel.check()
    return export(honour_document(quarter, rows), target, progress=progress)

