# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Looking after an installation: back up, restore, set up an empty database with the demo, and
read the audit log. Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action
from core.access.usecase import Change, Work, denied, use_case
from core.admin import audit as audit_log
from core.admin import autobackup, backup
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


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: rows per table, and where the data it replaced was saved first."""

    counts: dict[str, int]
    safety: Path | None          # None: nothing to copy (an in-memory database)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@use_case(Action.RESTORE, changes=Change.EVERYTHING, transaction=False)
def restore_database(work: Work, source: Path, *, progress: ProgressSink = no_progress,
                     cancel: CancelToken | None = None) -> Restored:
    """Replace every row with a portable backup's: the whole zip is checked first (a located
    InvalidInput, nothing changed, if it cannot be restored whole), the current data is saved among
    the automatic backups, then everything is loaded in one transaction."""
    checked = backup.check(work.db, source, progress=progress, cancel=cancel)
    safety = autobackup.safety_backup(work.db, work.clock, cancel=cancel)
    counts = backup.load(work.db, source, checked, progress=progress, cancel=cancel)
    _record_restore(work, source.name, sum(counts.values()), safety)
    return Restored(counts, safety.path if safety is not None else None)


def _record_restore(work: Work, name: str, rows: int | None, safety: autobackup.AutoBackup | None) -> None:
    # Recorded in the restored log, which otherwise would not say why its history stops.
    detail: dict[str, object] = {"file": name, "by": str(work.actor)}
    if rows is not None:
        detail["rows"] = rows
    if safety is not None:
        detail["safety_backup"] = safety.name
    with work.transaction() as s:
        audit.record(s, "admin.restore", actor_id=_restored_actor(s, work), target_type="database",
                     target_id=name, **detail)


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
        autobackup.before_risky(work.db, autobackup.Reason.DELETE, work.clock)    # everything goes
        demo.reset(work.db)
    return demo.seed(work.db, clock=work.clock, progress=progress)


# --- automatic backups ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AutoBackups:
    """The 备份 page: this database's automatic backups, newest first, and where they are."""

    folder: Path
    backups: list[autobackup.AutoBackup]
    automatic: bool              # False for PostgreSQL: its administrator backs it up


@use_case(Action.AUTO_BACKUP, transaction=False)
def auto_backup(work: Work, reason: str) -> autobackup.AutoBackup | None:
    """The backup on start (after a login) or every 30 minutes of use, when it is due and the data
    changed (core.admin.autobackup); None when none was needed. Not a person's action: it runs as
    whoever is logged in, and is not in the audit log."""
    if reason not in (autobackup.Reason.START, autobackup.Reason.PERIODIC):
        raise InvalidInput(_("自动备份的原因只能是 start 或 periodic：{r}", r=reason))
    return autobackup.maybe_backup(work.db, reason, work.clock)


@use_case(Action.BACKUP, transaction=False)
def list_auto_backups(work: Work) -> AutoBackups:
    folder = autobackup.folder_for(work.db)
    return AutoBackups(folder, autobackup.list_backups(folder), autobackup.enabled(work.db))


@use_case(Action.BACKUP, transaction=False)
def backup_now(work: Work, *, progress: ProgressSink = no_progress,
               cancel: CancelToken | None = None) -> autobackup.AutoBackup:
    """An automatic backup made now, whatever the schedule (立即备份); SQLite only."""
    if not autobackup.enabled(work.db):
        raise InvalidInput(_("PostgreSQL 数据库由数据库管理员定期备份（见说明文档“Backing up the station "
                             "server”）；也可以用“设置”页的“备份数据库…”导出一份"))
    made = autobackup.before_risky(work.db, autobackup.Reason.MANUAL, work.clock, progress=progress, cancel=cancel)
    assert made is not None
    with work.transaction() as s:
        audit.record(s, "admin.backup", actor_id=work.actor_id, target_type="database", target_id=made.name,
                     file=made.name, reason=made.reason)
    return made


@use_case(Action.RESTORE, changes=Change.EVERYTHING, transaction=False)
def restore_auto_backup(work: Work, name: str, *, progress: ProgressSink = no_progress,
                        cancel: CancelToken | None = None) -> Restored:
    """Replace the database with the automatic backup ``name``: checked whole first (checksum,
    SQLite's own check, references, revision), the current data saved as a new backup, then copied
    in with SQLite's backup API. A portable one (a PostgreSQL safety copy) goes through
    :func:`restore_database`'s checks."""
    chosen = autobackup.find(autobackup.folder_for(work.db), name)
    if chosen.problem is not None:
        raise InvalidInput(_("无法恢复 {f}：{e}", f=name, e=chosen.problem))
    if chosen.kind == "portable":
        return restore_database.fn(work, chosen.path, progress=progress, cancel=cancel)
    if work.db.sqlite_path is None:
        raise InvalidInput(_("{f} 是 SQLite 数据库的备份，不能恢复到 PostgreSQL；请在原电脑上导出备份文件后再恢复",
                             f=name))
    progress(0, 3, _("正在检查备份…"))
    with autobackup.extracted(chosen, cancel=cancel) as snapshot:
        progress(1, 3, _("正在备份当前数据…"))
        safety = autobackup.safety_backup(work.db, work.clock, cancel=cancel)
        progress(2, 3, _("正在恢复…"))
        autobackup.restore_snapshot(work.db, snapshot)
    _record_restore(work, name, None, safety)
    progress(3, 3, "")
    counts = dict(chosen.counts)
    return Restored(counts, safety.path if safety is not None else None)


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
