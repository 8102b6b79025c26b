# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with study materials: read their own (open, heartbeats, finish) and, for
secretaries and administrators, import and organise them.

Each function is a use case (see :mod:`core.access.usecase`): called as ``fn(db, actor, ...)``,
it checks the actor's right, runs in one transaction and returns plain data. Reading is always
the actor's own: a heartbeat or a finish for another officer is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from base.errors import InvalidInput, NotFound, PermissionDenied
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action, scope_for
from core.access.usecase import Change, Work, denied, use_case
from core.models import Material, MaterialProgress, Officer
from core.orglife.sessions import makeup_material_ids
from core.people import org
from core.people.org import unit_tree
from core.study import materials, tracker
from core.study.materials import MaterialContent, MaterialInfo, OfficerMaterial
from core.study.tracker import Beat, BeatResult

READ = Change.STUDY | Change.POINTS      # reading time and the study points it earns


# --- reading (the actor's own) -----------------------------------------------------------------

def _check_readable(work: Work, material: Material | None, material_id: int) -> Material:
    """The actor may read this material: it is assigned to them, or they manage materials."""
    if material is None:
        raise NotFound(_("找不到学习资料 {id}", id=material_id))
    if scope_for(work.actor.role, Action.MATERIALS_MANAGE) is not None:
        return material
    officer = work.session.get(Officer, work.actor.id)
    if officer is None:
        raise NotFound(_("找不到人员 {id}", id=work.actor.id))
    chain = org.unit_chain(work.session, officer.unit_id)
    if not materials.is_assigned(material.audience or {}, chain, officer.category) \
            and material.id not in makeup_material_ids(work.session, officer.id):   # 补学 reading
        raise denied(work.actor, Action.STUDY_READ, _("这份资料没有下发给您"))
    return material


@use_case(Action.STUDY_READ)
def my_materials(work: Work) -> list[OfficerMaterial]:
    """The materials assigned to the actor with their own progress (必学 first)."""
    return materials.officer_materials(work.session, work.actor.id)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reader window needs: the material with the actor's progress, and the idle threshold."""

    content: MaterialContent
    idle_seconds: int


@use_case(Action.STUDY_READ)
def open_material(work: Work, material_id: int) -> Reading:
    material = work.session.get(Material, material_id)
    if material is None or not material.active:
        raise NotFound(_("找不到学习资料 {id}", id=material_id))
    _check_readable(work, material, material_id)
    return Reading(materials.open_material(work.session, work.actor.id, material_id),
                   tracker.load_settings(work.session).idle_seconds)


@use_case(Action.STUDY_READ, changes=READ)
def heartbeat(work: Work, beat: Beat) -> BeatResult:
    """Store one heartbeat of the actor's reading (the reader sends one every 15 seconds; each in
    its own transaction, so a crash loses at most one interval)."""
    work.check_officer(beat.officer_id)
    _check_readable(work, work.session.get(Material, beat.material_id), beat.material_id)
    return tracker.record_beat(work.session, beat, work.clock)


@dataclass(frozen=True, slots=True)
class Finished:
    material_seconds: int        # the actor's stored total on the material
    newly_finished: bool         # False when it was already finished (no points twice)


@use_case(Action.STUDY_READ, changes=READ)
def finish_material(work: Work, material_id: int, *, last_beat: Beat | None = None) -> Finished:
    """Mark a material as finished by the actor (refused before its minimum reading time),
    storing the reader's last counted seconds first, in the same transaction."""
    _check_readable(work, work.session.get(Material, material_id), material_id)
    seconds = None
    if last_beat is not None:
        work.check_officer(last_beat.officer_id)
        if last_beat.material_id != material_id:
            raise InvalidInput(_("阅读记录与资料不一致"))
        seconds = tracker.record_beat(work.session, last_beat, work.clock).material_seconds
    newly = tracker.finish_material(work.session, work.actor.id, material_id, work.clock)
    if seconds is None:
        progress = work.session.get(MaterialProgress, (work.actor.id, material_id))
        seconds = progress.seconds if progress is not None else 0
    return Finished(seconds, newly)


@use_case(Action.STUDY_READ)
def material_for_question(work: Work, question_id: int) -> MaterialInfo | None:
    """The material a question comes from (a wrong answer can point back to it), if the actor may read it."""
    info = materials.material_for_question(work.session, question_id)
    if info is None:
        return None
    try:
        _check_readable(work, work.session.get(Material, info.id), info.id)
    except (NotFound, PermissionDenied):
        return None
    return info


# --- managing materials ------------------------------------------------------------------------

@use_case(Action.MATERIALS_MANAGE)
def list_materials(work: Work, *, include_inactive: bool = False) -> list[MaterialInfo]:
    return materials.list_materials(work.session, include_inactive=include_inactive)


@dataclass(frozen=True, slots=True)
class MaterialsOverview:
    """The management tab: every active material, the units to assign to, the known 专题."""

    materials: list[MaterialInfo]
    units: list[tuple[int, str]]
    topics: list[str]


@use_case(Action.MATERIALS_MANAGE)
def materials_overview(work: Work) -> MaterialsOverview:
    s = work.session
    units = [(n.id, n.name) for root in unit_tree(s) for n in root.walk()]
    return MaterialsOverview(materials.list_materials(s), units, materials.topics(s))


@use_case(Action.MATERIALS_MANAGE, changes=Change.MATERIALS, transaction=False)
def import_materials(work: Work, paths: Sequence[Path], *, topic: str = "", required: bool = False,
                     min_minutes: int = 0, due_date: dt.date | None = None, audience: dict[str, Any] | None = None,
                     progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> list[MaterialInfo]:
    """Read every file, then store them all in one transaction (cancelling stores nothing)."""
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise InvalidInput(_("找不到文件：{f}", f=missing[0]))
    return materials.import_files(work.db, paths, topic=topic, required=required, min_minutes=min_minutes,
                                  due_date=due_date, audience=audience, actor_id=work.actor_id,
                                  progress=progress, cancel=cancel)


@use_case(Action.MATERIALS_MANAGE, changes=Change.MATERIALS)
def update_material(work: Work, material_id: int, **fields: Any) -> MaterialInfo:
    """Change how a material is organised and assigned (title, topic, required, due_date, min_seconds,
    audience, active); only the given fields change. ``active=False`` withdraws it (records are kept)."""
    return materials.update_material(work.session, material_id, actor_id=work.actor_id, **fields)


@use_case(Action.MATERIALS_MANAGE, changes=Change.BANKS | Change.MATERIALS)
def link_question(work: Work, question_id: int, material_id: int | None) -> None:
    """Link a question (every version of it) to the material it comes from; ``None`` unlinks."""
    materials.set_question_material(work.session, question_id, material_id, actor_id=work.actor_id)
