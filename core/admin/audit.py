# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Reading the audit log: filter by person, action and China days; newest first, a page at a time.

Pages are cut by keyset (the last row's time and id), so the 500th page of 100,000 rows costs
what the first does; the indexes ``(action, at)``, ``(actor_id, at)`` and ``(target_type,
target_id)`` (a failed login's badge) serve the filters (``bench/workloads/audit.py``). Rows
come out as :class:`AuditRow` with their words already made (:mod:`core.admin.audit_text`),
so screens only show them. The Excel export streams the filtered rows into a write-only workbook.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import N_, _
from base.progress import CancelToken, ProgressSink, no_progress
from core.admin.audit_text import action_label, local_time, person_text, summary_text, target_text
from core.infra.clock import LOCAL_TZ
from core.models import AuditEntry, Officer

PAGE_SIZE = 200
EXPORT_CHUNK = 2000
ACCENT = "B71C1C"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which rows: a person (badge, or part of a name), an action code, China days (inclusive)."""

    who: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        parts = []
        if self.who.strip():
            parts.append(_("操作人：{w}", w=self.who.strip()))
        if self.action:
            parts.append(_("操作：{a}", a=action_label(self.action)))
        if self.since or self.until:
            parts.append(_("日期：{a} 至 {b}", a=self.since.isoformat() if self.since else "…",
                           b=self.until.isoformat() if self.until else "…"))
        return "；".join(parts) or _("全部记录")


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: dt.datetime                 # aware UTC
    pc: str
    actor_id: int | None
    person: str                     # 姓名（警号）; a failed login's badge; 未登录
    action: str                     # the code, e.g. "user.edit"
    action_label: str
    target: str
    summary: str                    # what changed, in words
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def local_time(self) -> str:
        return local_time(self.at)

    @property
    def cursor(self) -> tuple[dt.datetime, int]:
        """Where the next page starts (rows older than this one)."""
        return self.at, self.id

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "at": self.at.isoformat(), "local_time": self.local_time, "pc": self.pc,
                "actor_id": self.actor_id, "person": self.person, "action": self.action,
                "action_label": self.action_label, "target": self.target, "summary": self.summary,
                "detail": self.detail}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), LOCAL_TZ).astimezone(dt.UTC)


def _conditions(session: Session, flt: AuditFilter) -> list[ColumnElement[bool]]:
    if flt.since and flt.until and flt.until < flt.since:
        raise InvalidInput(_("结束日期不能早于开始日期"))
    out: list[ColumnElement[bool]] = []
    if flt.action:
        out.append(AuditEntry.action == flt.action)
    if flt.since:
        out.append(AuditEntry.at >= _day_start(flt.since))
    if flt.until:
        out.append(AuditEntry.at < _day_start(flt.until + dt.timedelta(days=1)))
    who = flt.who.strip()
    if who:
        # The people first (a handful of ids), so that both terms below use their index.
        people = session.execute(select(Officer.id, Officer.badge).where(
            or_(Officer.badge == who, Officer.name.contains(who, autoescape=True)))).all()
        # A failed login has no actor: its target is the badge that was typed.
        out.append(or_(AuditEntry.actor_id.in_([p.id for p in people]),
                       and_(AuditEntry.actor_id.is_(None), AuditEntry.target_type == "officer",
                            AuditEntry.target_id.in_({who, *(p.badge for p in people)}))))
    return out


def _rows_query(session: Session, flt: AuditFilter, after: tuple[dt.datetime, int] | None) -> Select[Any]:
    stmt = (select(AuditEntry.id, AuditEntry.at, AuditEntry.pc, AuditEntry.actor_id, Officer.name, Officer.badge,
                   AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id, AuditEntry.detail)
            .outerjoin(Officer, Officer.id == AuditEntry.actor_id)
            .where(*_conditions(session, flt))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    if after is not None:
        at, last_id = after
        stmt = stmt.where(or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < last_id)))
    return stmt


def count(session: Session, flt: AuditFilter) -> int:
    return int(session.scalar(select(func.count(AuditEntry.id)).where(*_conditions(session, flt))) or 0)


def page(session: Session, flt: AuditFilter, *, after: tuple[dt.datetime, int] | None = None,
         limit: int = PAGE_SIZE) -> list[AuditRow]:
    """Up to ``limit`` rows matching ``flt``, newest first, older than ``after`` (a row's cursor)."""
    raw = session.execute(_rows_query(session, flt, after).limit(max(limit, 0))).all()
    typed = {str(r.detail["badge"]) for r in raw if r.actor_id is None and isinstance(r.detail, dict)
             and r.detail.get("badge")}
    names = {badge: name for badge, name in session.execute(
        select(Officer.badge, Officer.name).where(Officer.badge.in_(typed)))} if typed else {}
    return [_row(r, names) for r in raw]


def _row(r: Any, names: dict[str, str]) -> AuditRow:
    detail = r.detail if isinstance(r.detail, dict) else {}
    if r.actor_id is not None:
        person = person_text(r.name, r.badge) or f"#{r.actor_id}"
    elif detail.get("badge"):
        badge = str(detail["badge"])
        person = _("未登录：{who}", who=person_text(names.get(badge), badge))
    else:
        person = _("未登录")
    return AuditRow(r.id, r.at, r.pc or "", r.actor_id, person, r.action, action_label(r.action),
                    target_text(r.target_type or "", r.target_id or "", detail),
                    summary_text(r.target_type or "", detail), detail)


def iter_rows(session: Session, flt: AuditFilter, *, chunk: int = EXPORT_CHUNK) -> Iterator[AuditRow]:
    """Every row matching ``flt``, newest first, fetched ``chunk`` at a time."""
    after: tuple[dt.datetime, int] | None = None
    while True:
        rows = page(session, flt, after=after, limit=chunk)
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1].cursor


def actions_present(session: Session) -> list[str]:
    """The action codes the log holds (for the filter's choices)."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


# --- Excel ---------------------------------------------------------------------------------------

HEADERS = [(N_("时间"), 20), (N_("电脑"), 16), (N_("操作人"), 20), (N_("操作"), 16), (N_("对象"), 32),
           (N_("内容"), 70), (N_("操作代码"), 16), (N_("记录数据"), 40)]


def export_xlsx(session: Session, flt: AuditFilter, target: Path, *, progress: ProgressSink = no_progress,
                cancel: CancelToken | None = None) -> int:
    """Write the rows matching ``flt`` to an .xlsx (newest first); returns how many."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    total = count(session, flt)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("操作日志"))
    for i, (_title, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A5"
    title = WriteOnlyCell(ws, _("操作日志"))
    title.font = Font(bold=True, size=14, color=ACCENT)
    ws.append([title])
    note = WriteOnlyCell(ws, _("筛选：{f}    共 {n} 条", f=flt.describe(), n=total))
    note.font = Font(color="607D8B")
    ws.append([note])
    ws.append([])
    head = []
    for text, _width in HEADERS:
        cell = WriteOnlyCell(ws, _(text))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=ACCENT)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        head.append(cell)
    ws.append(head)
    written = 0
    for row in iter_rows(session, flt):
        if written % EXPORT_CHUNK == 0:
            if cancel is not None:
                cancel.check()
            progress(written, total, _("正在写入 Excel"))
        when = WriteOnlyCell(ws, row.at.astimezone(LOCAL_TZ).replace(tzinfo=None))
        when.number_format = "yyyy-mm-dd hh:mm:ss"
        ws.append([when, row.pc, row.person, row.action_label, row.target, row.summary, row.action,
                   json.dumps(row.detail, ensure_ascii=False, default=str)])
        written += 1
    ws.auto_filter.ref = f"A4:{get_column_letter(len(HEADERS))}{4 + max(written, 1)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        wb.save(str(target))
    except OSError as exc:
        raise InvalidInput(_("无法写入 {file}：{e}", file=target.name, e=exc.strerror or exc)) from exc
    progress(total, total, "")
    return written
