# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""心得体会: tasks set by the secretary, officers' submissions, near-copy checks and reviews.

A submission is plain text (typed, or read from a .docx) of at least the task's minimum length in
meaningful characters. On submission its MinHash signature is stored and the closest earlier
submission is noted (``extra["match"]``), so the review list shows likely copies at once; the review
screen compares the two texts exactly and highlights the passages they share. A review is 优秀 /
合格 / 退回修改 (with a comment); 优秀 and 合格 earn points by rule (``reflection_excellent`` /
``reflection_passed``, ledger source ``reflection``/submission), once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import String, delete, func, select, type_coerce
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from core.infra import audit
from core.infra.clock import Clock, local_date
from core.models import LedgerEntry, Material, Officer, OrgSession, Reflection, ReflectionTask, Unit
from core.orglife import similarity

SUBMITTED, EXCELLENT, PASSED, RETURNED = "submitted", "excellent", "pass", "returned"
STATUS_LABELS = {SUBMITTED: N_("待审阅"), EXCELLENT: N_("优秀"), PASSED: N_("合格"), RETURNED: N_("退回修改")}
RULES = {EXCELLENT: "reflection_excellent", PASSED: "reflection_passed"}
MAX_CHARS = 20000


def create_task(session: Session, *, unit_id: int, title: str, due_date: dt.date, clock: Clock,
                min_chars: int = 300, material_id: int | None = None, session_id: uuid.UUID | None = None,
                topic: str = "", actor_id: int | None = None) -> int:
    if session.get(Unit, unit_id) is None:
        raise NotFound(_("找不到单位 {u}", u=unit_id))
    if not title.strip():
        raise InvalidInput(_("请填写心得体会的题目"))
    if not 50 <= min_chars <= 5000:
        raise InvalidInput(_("字数要求应在 50 到 5000 字之间"))
    if material_id is not None and session.get(Material, material_id) is None:
        raise NotFound(_("找不到学习资料 {id}", id=material_id))
    if session_id is not None and session.get(OrgSession, session_id) is None:
        raise NotFound(_("找不到这次组织生活记录"))
    task = ReflectionTask(unit_id=unit_id, title=title.strip()[:200], material_id=material_id, session_id=session_id,
                          topic=topic.strip()[:100], due_date=due_date, min_chars=min_chars, created_by=actor_id,
                          created_at=clock.now())
    session.add(task)
    session.flush()
    audit.record(session, "reflection.task", actor_id=actor_id, target_type="reflection_task",
                 target_id=str(task.id), title=task.title, due_date=due_date.isoformat(), min_chars=min_chars)
    return task.id


def read_docx_text(path: Path) -> str:
    """The plain text of a .docx (paragraphs and table cells), for a reflection handed in as a file."""
    if path.suffix.lower() != ".docx":
        raise InvalidInput(_("{f}：只能提交 .docx 文件", f=path.name))
    try:
        import docx

        document = docx.Document(str(path))
    except Exception as exc:  # a damaged or misnamed file: say which one
        raise InvalidInput(_("{f}：无法读取（{e}）", f=path.name, e=exc)) from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(line for line in lines if line.strip())


def meaningful_length(text: str) -> int:
    return len(similarity.fold(text)[0])


def submit(session: Session, *, officer_id: int, task_id: int, text: str, clock: Clock, source_name: str = ""
           ) -> uuid.UUID:
    """Hand in (or, after 退回修改, hand in again) a reflection for a task of the officer's unit."""
    from core.people.org import unit_chain

    task = session.get(ReflectionTask, task_id)
    officer = session.get(Officer, officer_id)
    if task is None or officer is None:
        raise NotFound(_("找不到这项心得体会任务"))
    if task.unit_id not in unit_chain(session, officer.unit_id):
        raise InvalidInput(_("这项心得体会不是布置给您所在支部的"))
    text = text.strip()
    n = meaningful_length(text)
    if n < task.min_chars:
        raise InvalidInput(_("心得体会至少 {m} 字，现在只有 {n} 字", m=task.min_chars, n=n))
    if len(text) > MAX_CHARS:
        raise InvalidInput(_("心得体会最多 {m} 字", m=MAX_CHARS))
    row = session.scalar(select(Reflection).where(Reflection.task_id == task_id, Reflection.officer_id == officer_id))
    if row is not None and row.status in (EXCELLENT, PASSED):
        raise InvalidInput(_("这篇心得体会已审阅通过，不能再修改"))
    now = clock.now()
    sig = similarity.signature(text)
    best = similarity.closest(sig, _earlier_signatures(session, exclude=row.id if row else None), top=1)
    extra: dict[str, object] = {"late": local_date(now) > task.due_date}
    if best:
        extra["match"], extra["match_estimate"] = str(_as_uuid(best[0].key)), round(best[0].estimate, 4)
    if row is None:
        row = Reflection(id=uuid.uuid4(), task_id=task_id, officer_id=officer_id, unit_id=officer.unit_id)
        session.add(row)
    row.body_text, row.source_name, row.signature, row.status = text, source_name[:200], sig, SUBMITTED
    row.submitted_at, row.extra = now, extra
    session.flush()
    return row.id


def _earlier_signatures(session: Session, *, exclude: uuid.UUID | None, before: dt.datetime | None = None
                        ) -> list[tuple[object, bytes]]:
    # The ids come back as stored (SQLite: hex text): turning 10,000 of them into UUIDs would cost more
    # than comparing the signatures; the few candidates kept are converted by :func:`_as_uuid`.
    stmt = select(type_coerce(Reflection.id, String), Reflection.signature)
    if exclude is not None:
        stmt = stmt.where(Reflection.id != exclude)
    if before is not None:
        stmt = stmt.where(Reflection.submitted_at <= before)
    return [(rid, sig) for rid, sig in session.execute(stmt)]


def _as_uuid(key: object) -> uuid.UUID:
    return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))


def review(session: Session, reflection_id: uuid.UUID, verdict: str, comment: str, clock: Clock, *,
           reviewer_id: int | None) -> None:
    """优秀 / 合格 / 退回修改 (a comment is required to return it); points follow the verdict."""
    from core.points import ledger

    row = get_reflection(session, reflection_id)
    if verdict not in (EXCELLENT, PASSED, RETURNED):
        raise InvalidInput(_("审阅结果应为优秀、合格或退回修改"))
    if verdict == RETURNED and not comment.strip():
        raise InvalidInput(_("退回修改时请写明修改意见"))
    before = row.status
    row.status, row.review_comment = verdict, comment.strip()[:500]
    row.reviewer_id, row.reviewed_at = reviewer_id, clock.now()
    # A changed verdict replaces the points of the earlier one.
    session.execute(delete(LedgerEntry).where(
        LedgerEntry.officer_id == row.officer_id, LedgerEntry.source_type == "reflection",
        LedgerEntry.source_id == str(row.id), LedgerEntry.rule_code != RULES.get(verdict, "")))
    if verdict in RULES:
        task = session.get(ReflectionTask, row.task_id)
        ledger.grant(session, officer_id=row.officer_id, unit_id=row.unit_id, day=local_date(clock.now()),
                     code=RULES[verdict], source_type="reflection", source_id=str(row.id),
                     note=f"《{task.title if task else ''}》{_(STATUS_LABELS[verdict])}")
    session.flush()
    audit.record(session, "reflection.review", actor_id=reviewer_id, target_type="reflection",
                 target_id=str(row.id), officer_id=row.officer_id, changes={"status": [before, verdict]},
                 comment=row.review_comment)


def get_reflection(session: Session, reflection_id: uuid.UUID) -> Reflection:
    row = session.get(Reflection, reflection_id)
    if row is None:
        raise NotFound(_("找不到这篇心得体会"))
    return row


# --- views ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReflectionRow:
    id: uuid.UUID
    task_id: int
    task_title: str
    officer_id: int
    badge: str
    name: str
    unit_name: str
    status: str
    submitted_at: dt.datetime
    length: int
    late: bool
    match_estimate: float | None            # MinHash estimate against the closest earlier submission

    def to_dict(self) -> dict[str, object]:
        return {"id": str(self.id), "task": self.task_title, "badge": self.badge, "name": self.name,
                "unit": self.unit_name, "status": self.status, "submitted_at": self.submitted_at.isoformat(),
                "length": self.length, "late": self.late, "match_estimate": self.match_estimate}


def list_reflections(session: Session, *, unit_ids: Collection[int] | None, first: dt.date | None = None,
                     last: dt.date | None = None, status: str | None = None, officer_id: int | None = None
                     ) -> list[ReflectionRow]:
    stmt = (select(Reflection, ReflectionTask.title, Officer.badge, Officer.name, Unit.name)
            .join(ReflectionTask, ReflectionTask.id == Reflection.task_id)
            .join(Officer, Officer.id == Reflection.officer_id).join(Unit, Unit.id == Reflection.unit_id)
            .order_by(Reflection.submitted_at.desc()))
    if unit_ids is not None:
        stmt = stmt.where(Reflection.unit_id.in_(list(unit_ids)))
    if status:
        stmt = stmt.where(Reflection.status == status)
    if officer_id is not None:
        stmt = stmt.where(Reflection.officer_id == officer_id)
    out = []
    for r, title, badge, name, uname in session.execute(stmt):
        day = local_date(r.submitted_at)
        if (first and day < first) or (last and day > last):
            continue
        est = (r.extra or {}).get("match_estimate")
        out.append(ReflectionRow(r.id, r.task_id, title, r.officer_id, badge, name, uname, r.status, r.submitted_at,
                                 meaningful_length(r.body_text), bool((r.extra or {}).get("late")),
                                 float(est) if est is not None else None))
    return out


@dataclass(frozen=True, slots=True)
class Match:
    """The closest earlier submission, compared exactly, with the shared passages of both texts."""

    other_id: uuid.UUID
    other_name: str
    other_task: str
    other_submitted_at: dt.datetime
    other_text: str
    jaccard: float                          # exact, over the two texts' shingles
    spans: list[tuple[int, int]]            # shared passages in this text
    other_spans: list[tuple[int, int]]      # and in the other one
    share: float                            # the share of this text inside shared passages


@dataclass(frozen=True, slots=True)
class ReflectionDetail:
    row: ReflectionRow
    text: str
    comment: str
    match: Match | None


def closest_match(session: Session, row: Reflection, *, candidates: int = 5) -> Match | None:
    """The earlier submission most like ``row`` (MinHash picks candidates, exact Jaccard decides)."""
    pool = similarity.closest(row.signature, _earlier_signatures(session, exclude=row.id, before=row.submitted_at),
                              top=candidates)
    best: tuple[float, Reflection] | None = None
    for cand in pool:
        other = session.get(Reflection, _as_uuid(cand.key))
        if other is None:
            continue
        score = similarity.jaccard(row.body_text, other.body_text)
        if best is None or score > best[0]:
            best = (score, other)
    if best is None or best[0] <= 0:
        return None
    score, other = best
    spans = similarity.overlap_spans(row.body_text, other.body_text)
    officer = session.get(Officer, other.officer_id)
    task = session.get(ReflectionTask, other.task_id)
    return Match(other.id, officer.name if officer else "?", task.title if task else "?", other.submitted_at,
                 other.body_text, score, spans, similarity.overlap_spans(other.body_text, row.body_text),
                 similarity.covered_share(row.body_text, spans))


def reflection_detail(session: Session, reflection_id: uuid.UUID, *, compare: bool = True) -> ReflectionDetail:
    row = get_reflection(session, reflection_id)
    (view,) = [r for r in list_reflections(session, unit_ids=[row.unit_id], officer_id=row.officer_id)
               if r.id == row.id]
    return ReflectionDetail(view, row.body_text, row.review_comment, closest_match(session, row) if compare else None)


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    unit_name: str
    title: str
    due_date: dt.date
    min_chars: int
    handed_in: int
    reviewed: int
    expected: int
    mine: str | None = None                  # the actor's own status (officers), None: not handed in


def list_tasks(session: Session, *, unit_ids: Collection[int] | None, officer_id: int | None = None) -> list[TaskRow]:
    from core.people.org import unit_chain

    stmt = select(ReflectionTask, Unit.name).join(Unit, Unit.id == ReflectionTask.unit_id) \
        .order_by(ReflectionTask.due_date.desc(), ReflectionTask.id.desc())
    if officer_id is not None:
        officer = session.get(Officer, officer_id)
        chain = unit_chain(session, officer.unit_id) if officer else set()
        stmt = stmt.where(ReflectionTask.unit_id.in_(list(chain)))
    elif unit_ids is not None:
        stmt = stmt.where(ReflectionTask.unit_id.in_(list(unit_ids)))
    tasks = session.execute(stmt).all()
    ids = [t.id for t, _n in tasks]
    handed = dict(session.execute(select(Reflection.task_id, func.count()).where(Reflection.task_id.in_(ids))
                                  .group_by(Reflection.task_id)).all()) if ids else {}
    reviewed = dict(session.execute(select(Reflection.task_id, func.count()).where(
        Reflection.task_id.in_(ids), Reflection.status.in_([EXCELLENT, PASSED])).group_by(Reflection.task_id)).all()) \
        if ids else {}
    mine: dict[int, str] = {}
    if officer_id is not None and ids:
        mine = dict(session.execute(select(Reflection.task_id, Reflection.status).where(
            Reflection.task_id.in_(ids), Reflection.officer_id == officer_id)).all())
    members = dict(session.execute(select(Officer.unit_id, func.count()).where(Officer.active)
                                   .group_by(Officer.unit_id)).all())
    return [TaskRow(t.id, uname, t.title, t.due_date, t.min_chars, int(handed.get(t.id, 0)),
                    int(reviewed.get(t.id, 0)), int(members.get(t.unit_id, 0)), mine.get(t.id)) for t, uname in tasks]
