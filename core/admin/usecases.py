# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Looking after an installation: back up, restore, set up an empty database with the demo, and
read the audit log. Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action
from core.access.usecase import Change, Work, denied, use_case
from core.admin import audit as audit_log
from core.admin import backup
from core.admin.audit import PAGE_SIZE, AuditFilter, AuditRow
from core.admin.audit_text import action_label, action_order
from core.infra import audit, settings
from core.models import Officer
from core.people.users import count_users


@use_case(Action.BACKUP, transaction=False)
def backup_database(work: Work, target: Path, *, with_secrets: bool = False, progress: ProgressSink = no_progress,
                    cancel: CancelToken | None = None) -> dict[str, int]:
    """Write the whole database to a portable zip; returns rows per table. Secrets stay out unless
    ``with_secrets`` (then only the signing key, encrypted with its passphrase: core.admin.backup)."""
    counts = backup.backup(work.db, target, with_secrets=with_secrets, progress=progress)
    with work.transaction() as s:
        audit.record(s, "admin.backup", actor_id=work.actor_id, target_type="database", target_id=target.name,
                     file=target.name, rows=sum(counts.values()), with_secrets=with_secrets)
    return counts


@use_case(Action.RESTORE, changes=Change.EVERYTHING, transaction=False)
def restore_database(work: Work, source: Path, *, progress: ProgressSink = no_progress,
                     cancel: CancelToken | None = None) -> dict[str, int]:
    """Replace every row with a backup's (all or nothing); returns rows per table."""
    counts = backup.restore(work.db, source, progress=progress)
    # Recorded in the restored log, which otherwise would not say why its history stops.
    with work.transaction() as s:
        audit.record(s, "admin.restore", actor_id=_restored_actor(s, work), target_type="database",
                     target_id=source.name, file=source.name, rows=sum(counts.values()),
                     by=str(work.actor))
    return counts


def _restored_actor(session: Session, work: Work) -> int | None:
    """The restorer's account id if the restored database knows it (it may be an older backup)."""
    if work.actor_id is None:
        return None
    officer = session.get(Officer, work.actor_id)
    return work.actor_id if officer is not None and officer.badge == work.actor.badge else None


@use_case(Action.SETUP, changes=Change.EVERYTHING, transaction=False)
def load_demo(work: Work, *, reset: bool = False, progress: ProgressSink = no_progress,
              cancel: CancelToken | None = None) -> list[str]:
    """Load the demo unit with its history (idempotent); returns the summaries of the steps run.

    Nobody logged in may do this only while the database holds no account or is the demo itself
    (``make run`` loads it at every start); ``reset`` (empty the whole database first) is for an
    administrator.
    """
    from core import demo

    if work.actor.anonymous:
        with work.transaction() as s:
            if count_users(s) and not settings.get(s, demo.DEMO_FLAG, False):
                raise denied(work.actor, Action.SETUP, _("数据库中已有账号"))
    if reset:
        if work.actor.anonymous:
            raise denied(work.actor, Action.RESTORE)
        demo.reset(work.db)
    return demo.seed(work.db, clock=work.clock, progress=progress)


# --- the audit log -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: list[AuditRow]
    total: int | None          # rows matching the whole filter, when asked for


@dataclass(frozen=True, slots=True)
class ActionChoice:
    code: str
    label: str


@use_case(Action.AUDIT_VIEW, readonly=True)
def browse_audit(work: Work, flt: AuditFilter, *, after: tuple[dt.datetime, int] | None = None,
                 limit: int = PAGE_SIZE, with_total: bool = False) -> AuditPage:
    """One page of the audit log, newest first: rows matching ``flt`` older than ``after`` (the
    cursor of the last row shown); ``with_total`` also counts every match."""
    total = audit_log.count(work.session, flt) if with_total else None
    return AuditPage(audit_log.page(work.session, flt, after=after, limit=limit), total)


@use_case(Action.AUDIT_VIEW, readonly=True)
def audit_actions(work: Work) -> list[ActionChoice]:
    """The kinds of action the log holds, grouped by subject (the audit page's filter)."""
    codes = sorted(audit_log.actions_present(work.session), key=action_order)
    return [ActionChoice(code, action_label(code)) for code in codes]


@use_case(Action.AUDIT_VIEW, transaction=False)
def export_audit(work: Work, flt: AuditFilter, target: Path, *, progress: ProgressSink = no_progress,
                 cancel: CancelToken | None = None) -> int:
    """The rows matching ``flt`` as an Excel workbook; returns how many were written."""
    with work.db.transaction(write=False) as s:     # a long read: writers on other PCs go on meanwhile
        written = audit_log.export_xlsx(s, flt, target, progress=progress, cancel=cancel)
    with work.transaction() as s:
        audit.record(s, "audit.export", actor_id=work.actor_id, target_type="audit_log", target_id=target.name,
                     file=target.name, count=written, filter=flt.describe())
    return written
