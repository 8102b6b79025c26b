# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with certificates: see and print them, issue, reissue and revoke, keep the
templates, verify one, look after the signing key. Use cases (see :mod:`core.access.usecase`):
``fn(db, actor, ...)``.

Signing: an administrator sets up the unit's Ed25519 key with a passphrase; an administrator or
secretary unlocks it for this process to print (printing signs what is not signed yet) or to
issue signed certificates. Verifying needs the public key only, which anyone may export.

Whose certificates an actor reaches follows the holder's current unit, as for every personal
record: an officer their own, a secretary those of officers now in their unit subtree (and
their own), an administrator all. Issuing on a passed exam is not a use case but the
``attempt_did_submit`` hook (:func:`core.certificates.issue.on_attempt_submitted`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action
from core.access.usecase import Change, Work, denied, use_case
from core.certificates import batch, issue, keys, offline, templates
from core.certificates import verify as checks
from core.certificates.batch import BatchResult, Selection
from core.certificates.issue import CertInfo
from core.certificates.keys import KeyInfo
from core.certificates.templates import TemplateInfo, TemplateSpec
from core.certificates.verify import Verification
from core.infra.clock import local_date
from core.models import Certificate, Officer, Quiz, Unit
from core.people import org
from core.people.org import UnitNode
from core.quiz.upkeep import settle_expired

QuizChoice = tuple[int, str, str]        # id, title, mode


# --- scope helpers -------------------------------------------------------------------------------

def _holders(work: Work, units: frozenset[int] | None) -> dict[str, Any]:
    """``list_certificates`` arguments limiting the holders to the actor's reach."""
    return {} if units is None else {"officer_units": units, "officer_id": work.actor.id}


def _check_holders(work: Work, session: Session, officer_ids: Collection[int],
                   units: frozenset[int] | None) -> None:
    """Refuse unless every officer is the actor or now in ``units`` (for frame-less use cases)."""
    if units is None:
        return
    others = {o for o in officer_ids if o != work.actor.id}
    if not others:
        return
    found = {oid: unit for oid, unit in session.execute(
        select(Officer.id, Officer.unit_id).where(Officer.id.in_(others)))}
    if any(found.get(o) not in units for o in others):
        raise denied(work.actor, work.action, _("只能查看或处理本人或本单位人员的记录"))


def _unit_id(session: Session, unit: int | str) -> int:
    return unit if isinstance(unit, int) else org.unit_by_code_or_name(session, unit).id


def _scoped_roots(roots: list[UnitNode], units: frozenset[int] | None) -> list[UnitNode]:
    """The top units of the actor's reach (the whole tree for an administrator)."""
    if units is None:
        return roots
    out: list[UnitNode] = []
    for node in (n for root in roots for n in root.walk()):
        if node.id in units and node.parent_id not in units:
            out.append(node)
    return out


# --- seeing certificates -----------------------------------------------------------------------

@use_case(Action.CERT_VIEW)
def list_certificates(work: Work, *, quiz_id: int | None = None, unit: int | str | None = None,
                      statuses: tuple[str, ...] | None = None, include_superseded: bool = False,
                      search: str = "") -> list[CertInfo]:
    """Certificates the actor may see, newest first; ``unit`` (id, code or name) narrows them to
    those earned in that unit and the units below it (refused outside the actor's reach)."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    s = work.session
    unit_ids = None
    if unit is not None:
        unit_id = _unit_id(s, unit)
        work.check_unit(unit_id)
        unit_ids = org.subtree_ids(s, unit_id)
    return issue.list_certificates(s, quiz_id=quiz_id, unit_ids=unit_ids, statuses=statuses,
                                   include_superseded=include_superseded, search=search,
                                   **_holders(work, work.units()))


# --- printing ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PrintForm:
    """What the batch-print dialog offers: quizzes, and the units within the actor's reach."""

    quizzes: list[QuizChoice]
    units: list[UnitNode]


@use_case(Action.CERT_PRINT)
def print_form(work: Work) -> PrintForm:
    units = work.units()
    roots = [] if units == frozenset() else _scoped_roots(org.unit_tree(work.session), units)
    return PrintForm(issue.quiz_choices(work.session), roots)


@use_case(Action.CERT_PRINT, changes=Change.CERTIFICATES, transaction=False)
def print_certificates(work: Work, sel: Selection, target: Path, *, unit: str | None = None,
                       progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> BatchResult:
    """Print the valid certificates of ``sel`` to ``target`` (one PDF, a folder or a zip).

    A broad selection (a quiz, dates, everything) is narrowed to the certificates the actor may
    print; naming what lies outside their reach is refused: a unit (``sel.unit_id`` or ``unit``,
    a code or name) outside their subtree, or a serial held by an officer outside it. The
    certificates are read, and those not signed yet signed (:class:`keys.KeyLocked` when the key
    is not unlocked here), in one short transaction; rendering runs outside it.
    """
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    progress(0, 0, _("正在读取证书…"))
    units = work.units()
    with work.transaction() as s:
        if unit is not None:
            sel = dataclasses.replace(sel, unit_id=_unit_id(s, unit))
        if sel.unit_id is not None and units is not None and sel.unit_id not in units:
            raise denied(work.actor, work.action, _("不在本单位及下级单位范围内"))
        if sel.serials:
            wanted = [x.strip().upper() for x in sel.serials]
            _check_holders(work, s, set(s.scalars(select(Certificate.officer_id)
                                                  .where(Certificate.serial.in_(wanted)))), units)
        chosen = batch.select_signed(s, sel, **_holders(work, units))
        infos = [info for info, _row in chosen]
        issue.sign_unsigned(s, [uuid.UUID(i.id) for i in infos if not i.signing], actor_id=work.actor_id)
        # The rows read already serve for what was signed then; those signed just now are read again.
        pages = batch.cert_pages(s, infos, {info.id: row for info, row in chosen if info.signing})
    return batch.write_batch(pages, target, progress=progress, cancel=cancel)


# --- issuing, reissuing, revoking --------------------------------------------------------------

@use_case(Action.CERT_ISSUE)
def honour_choices(work: Work) -> list[QuizChoice]:
    """Exams and competitions whose best results may be honoured."""
    return issue.quiz_choices(work.session)


def _template(session: Session, key: int | str | None, kind: str) -> TemplateInfo:
    if key is not None:
        return templates.get_template(session, key)
    found = templates.default_template_for(session, kind)
    if found is None:
        raise InvalidInput(_("还没有荣誉证书模板，请先在“证书 → 模板”中创建"))
    return found


@use_case(Action.CERT_ISSUE, changes=Change.CERTIFICATES)
def issue_honours(work: Work, quiz_id: int, *, top: int = 1, awards: tuple[str, ...] | None = None,
                  template: int | str | None = None) -> list[CertInfo]:
    """Honour certificates for the ``top`` results of a quiz; refused when a winner is outside the
    actor's reach (the ranking is the quiz's, not the unit's)."""
    s = work.session
    for officer_id, *_rest in issue.best_results(s, quiz_id, top):
        work.check_officer(officer_id)
    chosen = templates.get_template(s, template) if template is not None else None
    return issue.issue_honours(s, quiz_id=quiz_id, clock=work.clock, top=top, template=chosen,
                               actor_id=work.actor_id, **({"awards": awards} if awards else {}))


@use_case(Action.CERT_ISSUE, changes=Change.CERTIFICATES)
def issue_certificate(work: Work, badge: str, *, exam: str = "", quiz_id: int | None = None, score: str = "",
                      award: str = "", date: dt.date | None = None, template: int | str | None = None) -> CertInfo:
    """A certificate issued by hand to the officer with ``badge`` (default template: honour)."""
    s = work.session
    officer = s.scalar(select(Officer).where(Officer.badge == badge.strip()))
    if officer is None:
        raise InvalidInput(_("找不到警号 {b}", b=badge))
    work.check_officer(officer.id)
    quiz = s.get(Quiz, quiz_id) if quiz_id is not None else None
    return issue.issue(s, officer_id=officer.id, template=_template(s, template, "honour"),
                       exam=exam or (quiz.title if quiz else ""), score=score,
                       date=date or local_date(work.clock.now()), clock=work.clock,
                       quiz_id=quiz.id if quiz else None, award=award, actor_id=work.actor_id)


@use_case(Action.CERT_ISSUE, changes=Change.CERTIFICATES, retry_on_conflict=True)
def reissue(work: Work, serial: str, *, reason: str = "") -> CertInfo:
    """A new version of ``serial`` (lost, damaged, a corrected name); the old one is superseded."""
    work.check_officer(issue.current(work.session, serial).officer_id)
    return issue.reissue(work.session, serial, clock=work.clock, reason=reason, actor_id=work.actor_id)


@use_case(Action.CERT_ISSUE, changes=Change.CERTIFICATES)
def revoke(work: Work, serial: str, *, reason: str) -> CertInfo:
    work.check_officer(issue.current(work.session, serial).officer_id)
    return issue.revoke(work.session, serial, reason=reason, clock=work.clock, actor_id=work.actor_id)


# --- templates ---------------------------------------------------------------------------------

@use_case(Action.CERT_TEMPLATES)
def load_templates(work: Work) -> list[TemplateInfo]:
    """Every template with its seal; the shipped ones (with the sample seal) when there is none yet."""
    s = work.session
    return templates.list_templates(s) or templates.ensure_defaults(s, now=work.clock.now(), with_seal=True)


@use_case(Action.CERT_TEMPLATES, changes=Change.CERTIFICATES)
def save_template(work: Work, *, name: str, spec: TemplateSpec, seal_png: bytes | None,
                  template_id: int | None = None) -> TemplateInfo:
    """Create (``template_id`` None) or update a template and its seal image."""
    return templates.save_template(work.session, name=name, spec=spec, seal_png=seal_png, now=work.clock.now(),
                                   template_id=template_id, actor_id=work.actor_id)


# --- verifying ---------------------------------------------------------------------------------

@use_case(Action.CERT_VERIFY, transaction=False)
def verify(work: Work, text: str) -> Verification:
    """Check a serial, a scanned QR text or a PDF file (one verdict per page); open to everyone.
    A PDF is read (and its QR codes decoded) before the short transaction that checks it."""
    if checks.is_pdf(text):
        scan = checks.scan_pdf(Path(checks.clean_input(text)))
        with work.transaction() as s:
            return Verification(checks.check_scan(s, scan))
    with work.transaction() as s:
        return Verification([checks.verify_text(s, text)])


@use_case(Action.CERT_VERIFY, transaction=False)
def verify_with_public_key(work: Work, text: str, public_key_file: Path, *, name: str = "",
                           exam: str = "") -> Verification:
    """Check a QR text (with the ``name`` and ``exam`` printed on the certificate) or a PDF file
    against an exported public key alone: no database record and no secret is consulted."""
    try:
        public = keys.load_public_key(public_key_file.read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        raise InvalidInput(_("无法读取公钥文件 {p}：{e}", p=public_key_file, e=exc)) from exc
    if checks.is_pdf(text):
        return Verification(offline.check_scan(public, checks.scan_pdf(Path(checks.clean_input(text)))))
    return Verification([offline.verify_text(public, text, name=name, exam=exam)])


# --- the signing key ---------------------------------------------------------------------------

def _key_info(work: Work) -> KeyInfo:
    s = work.session
    stmt = select(func.count()).select_from(Certificate).where(Certificate.signature == "",
                                                               Certificate.status == "valid")
    units = work.units(Action.CERT_VIEW)
    if units is not None:
        stmt = stmt.where(issue.holders_filter(units, work.actor.id))
    return keys.key_info(s, unsigned=s.scalar(stmt) or 0)


@use_case(Action.CERT_VIEW)
def key_status(work: Work) -> KeyInfo:
    """The signing key's fingerprint and state, and how many certificates wait to be signed."""
    return _key_info(work)


@use_case(Action.CERT_KEY_MANAGE, changes=Change.CERTIFICATES)
def set_up_signing_key(work: Work, passphrase: str, *, replace: bool = False) -> KeyInfo:
    """Create the unit's signing key, encrypted with ``passphrase`` (unlocked here afterwards).
    ``replace`` retires a key that can still sign (its certificates keep verifying)."""
    keys.check_passphrase(passphrase)
    current = keys.active_key(work.session)
    if current is not None and current.private_key is not None and not replace:
        raise InvalidInput(_("已经设置了证书签名密钥；如确需更换，请选择“更换密钥”"))
    keys.create_key(work.session, passphrase, now=work.clock.now(), actor_id=work.actor_id)
    return _key_info(work)


@use_case(Action.CERT_KEY_MANAGE)
def change_key_passphrase(work: Work, old: str, new: str) -> KeyInfo:
    keys.check_passphrase(new)
    keys.change_passphrase(work.session, old, new, actor_id=work.actor_id)
    return _key_info(work)


@use_case(Action.CERT_KEY_UNLOCK, changes=Change.CERTIFICATES)     # screens showing the key's state refresh
def unlock_signing_key(work: Work, passphrase: str) -> KeyInfo:
    """Unlock the signing key for this process (until :func:`lock_signing_key` or logout)."""
    keys.unlock(work.session, passphrase, actor_id=work.actor_id)
    return _key_info(work)


@use_case(Action.CERT_KEY_UNLOCK, changes=Change.CERTIFICATES, transaction=False)
def lock_signing_key(work: Work) -> None:
    keys.forget_unlocked()


@use_case(Action.CERT_VIEW)
def export_public_key(work: Work, target: Path) -> KeyInfo:
    """Write the public key (PEM, with the unit and fingerprint) for a higher unit to verify with."""
    s = work.session
    row = keys.active_key(s)
    if row is None:
        raise InvalidInput(_("还没有设置证书签名密钥，没有可导出的公钥"))
    unit = s.scalar(select(Unit.name).where(Unit.parent_id.is_(None)).order_by(Unit.sort_order, Unit.id)) or ""
    try:
        target.write_text(keys.public_key_file(row, unit), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(_("无法写入 {p}：{e}", p=target, e=exc)) from exc
    return _key_info(work)
