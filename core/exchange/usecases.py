# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""数据交换: what secretaries and administrators do with offline PCs (GUI, CLI and bench call these).

* an administrator makes this PC's exchange key once and trusts the other PCs' keys;
* a secretary unlocks the key, exports an exam package for an offline PC, or (there) a results
  package for the branch;
* importing shows a preview first (the real merge, rolled back), then stores the package whole.
"""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action
from core.access.usecase import Change, Work, denied, use_case
from core.certificates.keys import grouped
from core.exchange import identity
from core.exchange.merge import Merged, describe_conflicts, merge_exam, merge_results
from core.exchange.package import Package, PackageRefused, PackageWriter, read_package
from core.exchange.select import exam_rows, results_rows
from core.exchange.travel import TRAVELS
from core.infra import audit
from core.infra.bulk import gc_paused
from core.infra.paths import media_dir
from core.models import Exchange, Installation, Officer, Unit
from core.people.slips import PasswordSlip


@dataclass(frozen=True, slots=True)
class InstallationInfo:
    id: uuid.UUID
    name: str
    fingerprint: str             # grouped for reading aloud
    public_key: str
    own: bool
    trusted: bool
    trusted_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ExchangeRow:
    at: dt.datetime
    direction: str
    kind: str
    peer: str
    file_name: str
    rows: int
    conflicts: int


@dataclass(frozen=True, slots=True)
class Overview:
    own: InstallationInfo | None
    unlocked: bool
    others: list[InstallationInfo]
    history: list[ExchangeRow]


def _info(row: Installation) -> InstallationInfo:
    return InstallationInfo(row.id, row.name, grouped(row.fingerprint), row.public_key, row.own, row.trusted,
                            row.trusted_at)


@use_case(Action.EXCHANGE, readonly=True)
def overview(work: Work) -> Overview:
    """The 数据交换 page: this PC's key, the trusted PCs and the packages exchanged, newest first."""
    s = work.session
    rows = identity.installations(s)
    own = next((r for r in rows if r.own), None)
    history = [ExchangeRow(e.at, e.direction, e.kind, e.peer_name, e.file_name,
                           sum(int(v) for v in (e.counts or {}).values() if isinstance(v, int)), len(e.conflicts or []))
               for e in s.scalars(select(Exchange).order_by(Exchange.at.desc()).limit(500))]
    return Overview(_info(own) if own else None, identity.is_unlocked(s), [_info(r) for r in rows if not r.own],
                    history)


@use_case(Action.EXCHANGE_TRUST, changes=Change.SETTINGS)
def create_exchange_key(work: Work, name: str, passphrase: str) -> InstallationInfo:
    row = identity.create(work.session, name, passphrase, now=work.clock.now())
    audit.record(work.session, "exchange.key.create", actor_id=work.actor_id, target_type="installation",
                 target_id=row.fingerprint[:32], name=row.name)
    return _info(row)


@use_case(Action.EXCHANGE, changes=Change.SETTINGS)
def unlock_exchange_key(work: Work, passphrase: str) -> InstallationInfo:
    row = identity.unlock(work.session, passphrase)
    audit.record(work.session, "exchange.key.unlock", actor_id=work.actor_id, target_type="installation",
                 target_id=row.fingerprint[:32])
    return _info(row)


@use_case(Action.EXCHANGE_TRUST, changes=Change.SETTINGS)
def trust_installation(work: Work, name: str, public_key: str) -> InstallationInfo:
    """Trust the PC with this public key (after comparing its fingerprint with the one it shows)."""
    row = identity.trust(work.session, name, public_key, actor_id=work.actor_id, now=work.clock.now())
    audit.record(work.session, "exchange.trust", actor_id=work.actor_id, target_type="installation",
                 target_id=row.fingerprint[:32], name=row.name)
    return _info(row)


@use_case(Action.EXCHANGE_TRUST, transaction=False)
def package_signer(work: Work, path: Path) -> InstallationInfo:
    """Who signed the package at ``path`` (name, fingerprint, key), to trust it after checking the
    fingerprint with that PC; the package itself is checked whole as an import would."""
    package = _read(work, path)
    info = package.installation
    return InstallationInfo(uuid.UUID(str(info["id"])), str(info.get("name", "")), grouped(package.fingerprint),
                            str(info["public_key"]), False, False, None)


# --- export --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    kind: str
    counts: dict[str, int]
    sha256: str


def _export(work: Work, kind: str, target: Path, rows: dict[str, list[dict[str, Any]]], media: list[str],
            extra: dict[str, Any], progress: ProgressSink) -> Exported:
    with work.transaction() as s:
        own, key = identity.signing_key(s)
        writer = PackageWriter(target)
        try:
            for i, (name, table_rows) in enumerate(rows.items()):
                progress(i, len(rows) + 1, _("正在写入 {t}", t=name))
                writer.add_table(TRAVELS[name], table_rows)
            store = media_dir()
            for name in media:
                if (store / name).is_file():
                    writer.add_media(name, (store / name).read_bytes())
            now = work.clock.now()
            package_id = uuid.uuid4()
            manifest = {"kind": kind, "id": str(package_id), "created_at": now.isoformat(),
                        "revision": _revision(s), "installation": {"id": str(own.id), "name": own.name,
                                                                  "public_key": own.public_key}, **extra}
            path, digest = writer.finish(manifest, key)
        except BaseException:
            writer.abandon()
            raise
        counts = {name: len(r) for name, r in rows.items()}
        s.add(Exchange(package_id=package_id, direction="export", kind=kind, peer_id=own.id, peer_name=own.name,
                       file_name=target.name[:200], sha256=digest, counts=counts, conflicts=[],
                       actor_id=work.actor_id, at=now))
        audit.record(s, f"exchange.export.{kind}", actor_id=work.actor_id, target_type="package",
                     target_id=str(package_id), file=target.name, rows=sum(counts.values()))
    progress(1, 1, "")
    return Exported(path, kind, counts, digest)


def _revision(session: Session) -> str | None:
    from sqlalchemy import text

    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


@use_case(Action.EXCHANGE, transaction=False)
@gc_paused()
def export_exam(work: Work, quiz_id: int, target: Path, *, unit: str | None = None,
                progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> Exported:
    """An exam package for an offline PC: the quiz, what it draws from, and the people of ``unit``
    (code or name; default: the quiz's audience) without passwords."""
    with work.transaction() as s:
        unit_ids = None
        if unit is not None:
            found = s.scalar(select(Unit.id).where((Unit.code == unit) | (Unit.name == unit)))
            if found is None:
                raise NotFound(_("没有这个单位：{u}", u=unit))
            work.check_unit(found)
            from core.people.org import subtree_ids

            unit_ids = set(subtree_ids(s, found))
        elif (allowed := work.units()) is not None:
            unit_ids = set(allowed)
        rows, media, quiz = exam_rows(s, quiz_id, unit_ids)
        title = quiz.title
    return _export(work, "exam", target, rows, media, {"quiz": title}, progress)


@use_case(Action.EXCHANGE, transaction=False)
@gc_paused()
def export_results(work: Work, target: Path, *, since: dt.datetime | str | None = None,
                   progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> Exported:
    """A results package for the branch: everything changed since ``since`` ("last": since this
    PC's previous results package; None: everything; overlapping packages merge harmlessly)."""
    with work.transaction() as s:
        if since == "last":
            since = s.scalar(select(Exchange.at).where(Exchange.direction == "export", Exchange.kind == "results")
                             .order_by(Exchange.at.desc()).limit(1))
        if isinstance(since, str):
            raise InvalidInput(_("--since 只能是 last 或一个日期时间：{v}", v=since))
        allowed = work.units()
        rows = results_rows(s, since, set(allowed) if allowed is not None else None)
    extra = {"since": since.isoformat() if since else None}
    return _export(work, "results", target, rows, [], extra, progress)


# --- import --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ImportPreview:
    kind: str
    source: str                      # the installation that made it
    created_at: str
    counts: dict[str, int]           # rows in the package
    added: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    conflicts: list[dict[str, Any]]
    slips: list[PasswordSlip]        # initial passwords of the people this import added (stored imports)
    already: bool                    # this very package was imported before


def _read(work: Work, path: Path) -> Package:
    if not path.is_file():
        raise NotFound(_("找不到文件：{f}", f=path))
    return read_package(path)


def _check_trust_and_scope(work: Work, s: Session, package: Package) -> Installation:
    signer = identity.trusted(s, package.fingerprint)
    if signer is None:
        mine = identity.own(s)
        if mine is not None and mine.fingerprint == package.fingerprint:
            raise PackageRefused(package.source, _("这是本机导出的数据包"))
        raise PackageRefused(package.source, _("来自未受信任的电脑“{n}”（指纹 {f}）：请管理员核对指纹后在“数据交换”页信任它",
                                               n=package.installation.get("name", ""), f=grouped(package.fingerprint)))
    allowed = work.units()
    if allowed is not None:
        badges = {r["badge"] for r in package.rows.get("officers", [])} | {
            r["officer_id"] for name in ("attempts", "study_sessions", "ledger_entries", "certificates")
            for r in package.rows.get(name, [])}
        units = {b: u for b, u in s.execute(select(Officer.badge, Officer.unit_id).where(Officer.badge.in_(badges)))}
        outside = sorted(b for b, u in units.items() if u not in allowed)
        if outside:
            raise denied(work.actor, Action.EXCHANGE)
    return signer


def _merge(work: Work, s: Session, package: Package) -> Merged:
    if package.kind == "exam":
        return merge_exam(s, package, now=work.clock.now())
    return merge_results(s, package)


def _preview(package: Package, merged: Merged, conflicts: list[dict[str, Any]], already: bool) -> ImportPreview:
    return ImportPreview(package.kind, str(package.installation.get("name", "")),
                         str(package.manifest.get("created_at", "")), package.counts, dict(merged.added),
                         dict(merged.updated), dict(merged.unchanged), conflicts, merged.slips, already)


@use_case(Action.EXCHANGE, transaction=False)
@gc_paused()
def preview_import(work: Work, path: Path, *, progress: ProgressSink = no_progress,
                   cancel: CancelToken | None = None) -> ImportPreview:
    """What importing ``path`` would add, update and leave, and its conflicts: the real merge, rolled back."""
    progress(0, 2, _("正在检查数据包…"))
    package = _read(work, path)
    progress(1, 2, _("正在比对…"))
    with work.transaction() as s:
        _check_trust_and_scope(work, s, package)
        already = s.scalar(select(Exchange.id).where(Exchange.package_id == package.id,
                                                     Exchange.direction == "import")) is not None
        merged = _merge(work, s, package)
        conflicts = describe_conflicts(s, merged)
        s.rollback()
    progress(2, 2, "")
    return _preview(package, merged, conflicts, already)


@use_case(Action.EXCHANGE, changes=Change.EVERYTHING, transaction=False)
@gc_paused()
def import_package(work: Work, path: Path, *, progress: ProgressSink = no_progress,
                   cancel: CancelToken | None = None) -> ImportPreview:
    """Store ``path`` whole (or nothing): checked, from a trusted PC, merged by UUID and natural keys."""
    from core.admin import autobackup

    progress(0, 3, _("正在检查数据包…"))
    # The automatic backup (SQLite's online backup and a checksum, C code that releases the GIL) is
    # written while the package is read and checked; the import waits for both.
    with ThreadPoolExecutor(1, thread_name_prefix="autobackup") as pool:
        backup = pool.submit(autobackup.before_risky, work.db, autobackup.Reason.IMPORT, work.clock, cancel=cancel)
        package = _read(work, path)
        backup.result()
    progress(1, 3, _("正在导入…"))
    with work.transaction() as s:
        signer = _check_trust_and_scope(work, s, package)
        already = s.scalar(select(Exchange.id).where(Exchange.package_id == package.id,
                                                     Exchange.direction == "import")) is not None
        store = media_dir()
        for name, data in package.media.items():
            if not (store / name).exists():
                store.mkdir(parents=True, exist_ok=True)
                (store / name).write_bytes(data)
        merged = _merge(work, s, package)
        conflicts = describe_conflicts(s, merged)
        s.add(Exchange(package_id=package.id, direction="import", kind=package.kind, peer_id=signer.id,
                       peer_name=signer.name, file_name=path.name[:200], sha256=package.sha256,
                       counts={**merged.to_json()["added"]}, conflicts=conflicts, actor_id=work.actor_id,
                       at=work.clock.now()))
        audit.record(s, f"exchange.import.{package.kind}", actor_id=work.actor_id, target_type="package",
                     target_id=str(package.id), file=path.name, source=signer.name, added=sum(merged.added.values()),
                     updated=sum(merged.updated.values()), conflicts=len(conflicts))
    progress(3, 3, "")
    return _preview(package, merged, conflicts, already)


@use_case(Action.EXCHANGE, transaction=False)
def forget_exchange_key(work: Work) -> None:
    """Lock the exchange key again (logout)."""
    identity.forget()


__all__ = ["Exported", "ImportPreview", "InstallationInfo", "Overview", "create_exchange_key", "export_exam",
           "export_results", "forget_exchange_key", "import_package", "overview", "package_signer",
           "preview_import", "trust_installation", "unlock_exchange_key"]
