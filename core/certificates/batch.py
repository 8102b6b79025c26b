# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Batch printing: the certificates of a quiz, a unit (with its sub-units) or a date range.

Output by target: ``*.pdf`` one file with a page each; ``*.zip`` one PDF per
person inside a zip; anything else a folder with one PDF per person. Files are
written next to the target first and moved into place at the end, so a
cancelled run leaves nothing half-written. The use case
:func:`core.certificates.usecases.print_certificates` selects in one short
transaction and renders outside it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.certificates.codes import Signed, code_for
from core.certificates.issue import CertInfo, certificate_rows
from core.certificates.render import CertPage, render_one, render_pdf
from core.certificates.templates import TemplateInfo, default_template_for, get_template
from core.models import Certificate
from core.people.org import subtree_ids


@dataclass(frozen=True, slots=True)
class Selection:
    quiz_id: int | None = None
    unit_id: int | None = None          # this unit and every unit below it
    since: dt.date | None = None
    until: dt.date | None = None
    serials: tuple[str, ...] = ()       # exactly these (current versions), e.g. the rows chosen in the GUI


@dataclass(slots=True)
class BatchResult:
    path: Path
    mode: str                           # pdf / dir / zip
    count: int
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def publish(tmp: str, target: Path) -> None:
    """Move a finished temporary file into place with the permissions of any file the user saves.

    ``mkstemp`` creates files readable by their owner only (0600); a certificate PDF is meant to be
    printed and passed on, so it gets the usual ``0666`` less the process's umask (0644 typically).
    """
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, target)


def output_mode(target: Path) -> str:
    suffix = target.suffix.lower()
    return "pdf" if suffix == ".pdf" else "zip" if suffix == ".zip" else "dir"


def _chosen(session: Session, sel: Selection, extra: tuple[Any, ...], officer_units: Collection[int] | None,
            officer_id: int | None) -> list[tuple[CertInfo, Row[Any]]]:
    unit_ids = subtree_ids(session, sel.unit_id) if sel.unit_id is not None else None
    rows = certificate_rows(session, quiz_id=sel.quiz_id, unit_ids=unit_ids, since=sel.since, until=sel.until,
                            statuses=("valid",), officer_units=officer_units, officer_id=officer_id, extra=extra)
    wanted = {s.upper() for s in sel.serials}
    chosen = [(info, row) for info, row in rows if not wanted or info.serial in wanted]
    chosen.sort(key=lambda pair: (pair[0].unit, pair[0].badge, pair[0].serial))
    return chosen


def select_certificates(session: Session, sel: Selection, *, officer_units: Collection[int] | None = None,
                        officer_id: int | None = None) -> list[CertInfo]:
    """Valid certificates matching the selection, in unit / name order (how a branch hands them out);
    ``officer_units`` / ``officer_id`` limit the holders as in :func:`list_certificates`."""
    return [info for info, _row in _chosen(session, sel, (), officer_units, officer_id)]


def select_signed(session: Session, sel: Selection, *, officer_units: Collection[int] | None = None,
                  officer_id: int | None = None) -> list[tuple[CertInfo, Signed]]:
    """:func:`select_certificates` with what printing reads of each certificate, in the same query
    (its row: the listed columns and the kept QR code, everything ``Signed`` names)."""
    return [(info, row) for info, row in _chosen(session, sel, (Certificate.qr_code,), officer_units, officer_id)]


_SIGNED = (Certificate.id, Certificate.serial, Certificate.version, Certificate.fields, Certificate.signature,
           Certificate.key_id, Certificate.qr_code)


def _rows(session: Session, infos: list[CertInfo], chunk: int = 500) -> dict[uuid.UUID, Signed]:
    """What printing reads of each certificate (plain rows: no ORM objects for a 1,000-page batch)."""
    ids = [uuid.UUID(i.id) for i in infos]
    rows: dict[uuid.UUID, Signed] = {}
    for start in range(0, len(ids), chunk):
        for row in session.execute(select(*_SIGNED).where(Certificate.id.in_(ids[start:start + chunk]))):
            rows[row.id] = row
    return rows


def cert_pages(session: Session, infos: list[CertInfo], read: dict[str, Signed] | None = None) -> list[CertPage]:
    """Everything the renderer needs, read while the session is open (rendering happens after);
    ``read``: the signed data already read (:func:`select_signed`), by certificate id."""
    templates: dict[int | str, TemplateInfo | None] = {}
    read = read or {}
    rows = _rows(session, [i for i in infos if i.id not in read])
    pages = []
    for info in infos:
        key: int | str = info.template_id if info.template_id is not None else info.kind
        if key not in templates:
            try:
                templates[key] = get_template(session, key) if isinstance(key, int) else None
            except NotFound:
                templates[key] = None
            if templates[key] is None:
                templates[key] = default_template_for(session, info.kind)
        tpl = templates[key]
        if tpl is None:
            raise InvalidInput(_("还没有证书模板，请先在“证书 → 模板”中创建"))
        row = read.get(info.id) or rows[uuid.UUID(info.id)]
        payload, code = code_for(row)
        pages.append(CertPage(tpl.spec, tpl.seal_png, row.serial, row.version, dict(row.fields or {}), payload, code))
    return pages


def page_for_serial(session: Session, serial: str) -> CertPage:
    from core.certificates.issue import cert_info, current

    return cert_pages(session, [cert_info(current(session, serial))])[0]


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(page: CertPage) -> str:
    name = _UNSAFE.sub("_", str(page.fields.get("name", "")))
    return f"{page.serial}_{name}.pdf" if name else f"{page.serial}.pdf"


def _per_person(pages: list[CertPage], progress: ProgressSink, cancel: CancelToken | None,
                result: BatchResult) -> Iterator[tuple[str, bytes]]:
    for i, page in enumerate(pages):
        if cancel is not None:
            cancel.check()
        data, warnings = render_one(page)
        result.warnings.extend(warnings)
        name = file_name(page)
        result.files.append(name)
        progress(i + 1, len(pages), _("已生成 {n}/{t} 份", n=i + 1, t=len(pages)))
        yield name, data


def write_batch(pages: list[CertPage], target: Path, *, progress: ProgressSink = no_progress,
                cancel: CancelToken | None = None, title: str = "") -> BatchResult:
    """Write ``pages`` to ``target`` (see the module docstring for the three forms)."""
    if not pages:
        raise InvalidInput(_("没有符合条件的有效证书"))
    mode = output_mode(target)
    result = BatchResult(target, mode, len(pages))
    target.parent.mkdir(parents=True, exist_ok=True)
    progress(0, len(pages), _("正在生成证书…"))
    if mode == "pdf":
        fd, tmp = tempfile.mkstemp(suffix=".pdf.part", dir=target.parent)
        os.close(fd)
        try:
            rendered = render_pdf(pages, tmp, total=len(pages), title=title or _("证书"), progress=progress,
                                  cancel=cancel)
            publish(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        result.warnings = rendered.warnings
        result.files = [target.name]
    elif mode == "zip":
        fd, tmp = tempfile.mkstemp(suffix=".zip.part", dir=target.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
                for name, data in _per_person(pages, progress, cancel, result):
                    zf.writestr(name, data)
            publish(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    else:
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".certs-", dir=target))
        try:
            for name, data in _per_person(pages, progress, cancel, result):
                (staging / name).write_bytes(data)
            for name in result.files:
                os.replace(staging / name, target / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    progress(len(pages), len(pages), _("完成"))
    return result
