# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Verification: a serial, the QR text, or a PDF file -> a verdict, from this database.

Verdicts: ``genuine`` (with name, exam, score, date), ``revoked``, ``superseded``,
``unknown``, ``forged`` (the signature does not match, or the printed text differs from the
signed content), ``unsigned`` (recorded but not signed yet: not a proof of anything) or
``unverifiable`` (an older certificate whose key is not in this database). Each record is
checked with the public key that signed it (``signing_keys``); an older SHC1 record with the
HMAC key while no signing key has been set up, or through the Ed25519 countersignature added
when one was (:mod:`core.certificates.keys`). Nothing leaves the PC. Checking with a public key
alone and no database is :mod:`core.certificates.offline`.
"""

from __future__ import annotations

import hmac
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from base.i18n import N_, _
from core.certificates import keys
from core.certificates.render import PAYLOAD_MARK, SIGNED_MARK
from core.certificates.signing import (
    SEPARATORS,
    QrPayload,
    is_payload,
    legacy_ok,
    parse_payload,
    payload_for,
    signature_ok,
)
from core.certificates.templates import TemplateSpec
from core.models import Certificate, CertTemplate, SigningKey

VERDICT_LABELS = {
    "genuine": N_("真实有效"), "revoked": N_("已撤销"), "superseded": N_("已作废（已补发新版本）"),
    "unknown": N_("查无此证"), "forged": N_("伪造或被篡改"), "unsigned": N_("未签名"), "unverifiable": N_("无法核验"),
}
_PAYLOAD_RE = re.compile(re.escape(PAYLOAD_MARK) + r"\s*((?:"
                         + "|".join(re.escape(p + sep) for p, sep in SEPARATORS.items()) + r")[^\n]*)")
_SIGNED_RE = re.compile(re.escape(SIGNED_MARK) + r"([^\n]*)")
MAX_QR_PAGES = 50


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str
    reason: str = ""
    serial: str = ""
    version: int = 0
    name: str = ""
    badge: str = ""
    exam: str = ""
    score: str = ""
    date: str = ""
    title: str = ""
    revoked_reason: str = ""
    current_version: int = 0
    legacy: bool = False          # an older (SHC1) certificate or QR code
    fingerprint: str = ""         # of the key whose signature was checked (grouped)

    @property
    def genuine(self) -> bool:
        return self.status == "genuine"

    @property
    def label(self) -> str:
        return _(VERDICT_LABELS[self.status])

    def to_dict(self) -> dict[str, Any]:
        return dict(asdict(self), label=self.label)

    def summary(self) -> str:
        """One paragraph a secretary can read out on the phone."""
        head = f"{self.label}"
        if self.serial:
            head += _("　证书编号 {s}（第 {v} 版）", s=self.serial, v=self.version or self.current_version)
        lines = [head]
        if self.name:
            lines.append(_("{name}（警号 {badge}）　{exam}　成绩 {score}　日期 {date}", name=self.name,
                           badge=self.badge, exam=self.exam, score=self.score, date=self.date))
        if self.reason:
            lines.append(self.reason)
        if self.fingerprint:
            lines.append(_("签名密钥指纹：{f}", f=self.fingerprint))
        return "\n".join(lines)


def _from_row(status: str, row: Certificate, reason: str = "", current_version: int = 0, *,
              legacy: bool = False, fingerprint: str = "") -> Verdict:
    f = row.fields or {}
    return Verdict(status, reason, row.serial, row.version, str(f.get("name", "")), str(f.get("badge", "")),
                   str(f.get("exam", "")), str(f.get("score", "")), str(f.get("date", "")), row.title,
                   row.revoked_reason, current_version or row.version, legacy, fingerprint)


def _versions(session: Session, serial: str) -> list[Certificate]:
    return list(session.scalars(select(Certificate).where(Certificate.serial == serial)
                                .order_by(Certificate.version.desc())))


@dataclass(frozen=True, slots=True)
class _Record:
    """What a certificate record's own signature says: ``ok`` (Ed25519, ``public`` is the key),
    ``legacy`` (an HMAC that checks, no signing key set up yet), ``unsigned``, ``forged`` or
    ``unverifiable`` (with ``reason``)."""

    state: str
    reason: str = ""
    public: Ed25519PublicKey | None = None
    fingerprint: str = ""


UNSIGNED_REASON = N_("这份证书已登记但尚未签名（考试合格时自动登记，打印时由书记或管理员签名），不能作为凭证")
LEGACY_REASON = N_("这是旧格式（SHC1）证书，用本单位数据库中的旧密钥核验；补发后可换成新格式，上级单位可凭公钥离线核验")
LEGACY_QR_REASON = N_("这是旧格式（SHC1）的二维码，证书记录已由本单位签名密钥确认；重新打印后可凭公钥离线核验")
ALTERED_RECORD = N_("数据库中的证书记录与签名不符，可能被改动过")


def _check_record(session: Session, row: Certificate) -> _Record:
    fields = row.fields or {}
    if row.key_id is not None:
        key = session.get(SigningKey, row.key_id)
        public = keys.public_key_of(key) if key is not None else None
        if public is None or not signature_ok(public, row.serial, row.version, fields, row.signature):
            return _Record("forged", _(ALTERED_RECORD))
        return _Record("ok", public=public, fingerprint=keys.grouped(keys.fingerprint(public)))
    if not row.signature:
        return _Record("unsigned")
    legacy = keys.legacy_key(session)
    if legacy is None:
        return _Record("unverifiable", _("这是旧格式（SHC1）证书，本数据库中没有当年的单位密钥（可能恢复自不含密钥的备份），"
                                         "无法核验：请向签发单位核验"))
    if not legacy_ok(legacy, row.serial, row.version, fields, row.signature):
        return _Record("forged", _(ALTERED_RECORD))
    if session.scalar(select(SigningKey.id).limit(1)) is not None:
        # Setting up the signing key countersigned every older certificate that checked.
        return _Record("forged", _("这条旧格式（SHC1）的证书记录没有经本单位签名密钥确认，是设置签名密钥之后写入的"))
    return _Record("legacy")


def _standing(row: Certificate, rec: _Record, newest: int, reason: str = "", *, legacy: bool = False) -> Verdict:
    """The verdict for a record whose signature holds (or that is unsigned): its status decides."""
    if row.status == "revoked":
        return _from_row("revoked", row, _("撤销原因：{r}", r=row.revoked_reason), newest)
    if row.status == "superseded":
        return _from_row("superseded", row, _("已补发第 {v} 版，请以新版本为准", v=newest), newest)
    if rec.state == "unsigned":
        return _from_row("unsigned", row, _(UNSIGNED_REASON), newest)
    return _from_row("genuine", row, reason, newest, legacy=legacy, fingerprint=rec.fingerprint)


def verify_serial(session: Session, serial: str) -> Verdict:
    serial = serial.strip().upper()
    rows = _versions(session, serial)
    if not rows:
        return Verdict("unknown", _("本单位没有签发过编号为 {s} 的证书", s=serial), serial)
    newest = rows[0]
    rec = _check_record(session, newest)
    if rec.state in ("forged", "unverifiable"):
        return _from_row(rec.state, newest, rec.reason)
    if newest.status == "superseded":
        return _from_row("superseded", newest, _("此版本已被取代"))
    legacy = rec.state == "legacy"
    return _standing(newest, rec, newest.version, _(LEGACY_REASON) if legacy else "", legacy=legacy)


def _qr_signature(row: Certificate, rec: _Record, payload: QrPayload) -> str | None:
    """The signature the record expects in this QR code, or None when the QR's does not hold."""
    fields = row.fields or {}
    if not payload.legacy:
        ok = rec.public is not None and signature_ok(rec.public, row.serial, row.version, fields, payload.signature)
        return payload.signature if ok else None
    expected = row.legacy_signature if rec.state == "ok" else row.signature if rec.state == "legacy" else ""
    return expected if expected and hmac.compare_digest(expected, payload.signature) else None


def verify_payload(session: Session, payload: QrPayload) -> Verdict:
    """Check a QR payload against the record of that serial and version, and the signature over it."""
    rows = _versions(session, payload.serial)
    row = next((r for r in rows if r.version == payload.version), None)
    if row is None:
        reason = (_("本单位签发过编号 {s}，但没有第 {v} 版：二维码被改动过", s=payload.serial, v=payload.version)
                  if rows else _("本单位没有签发过编号为 {s} 的证书", s=payload.serial))
        return Verdict("forged" if rows else "unknown", reason, payload.serial, payload.version,
                       badge=payload.badge, score=payload.score, date=payload.date)
    rec = _check_record(session, row)
    if rec.state in ("forged", "unverifiable"):
        return _from_row(rec.state, row, rec.reason)
    if rec.state == "unsigned":
        return _from_row("forged", row, _("本单位的这份证书还没有签名，二维码中的签名不是本单位的"))
    signature = _qr_signature(row, rec, payload)
    if signature is None:
        return _from_row("forged", row, _("签名与签发记录不符：二维码被改动过，或不是本单位签发的证书"))
    if payload_for(row.serial, row.version, row.fields or {}, signature, payload.prefix) != payload:
        return _from_row("forged", row, _("二维码中的警号、成绩或日期与签发记录不一致"))
    reason = _(LEGACY_QR_REASON) if payload.legacy and rec.state == "ok" else _(LEGACY_REASON) if payload.legacy else ""
    return _standing(row, rec, rows[0].version, reason, legacy=payload.legacy)


@dataclass(frozen=True, slots=True)
class Verification:
    """The verdicts of one check: one for a serial or a QR text, one per page for a PDF file."""

    verdicts: list[Verdict]

    @property
    def verdict(self) -> Verdict:
        """The verdict to show: the first problem found, else the first (genuine) page."""
        return next((v for v in self.verdicts if not v.genuine), self.verdicts[0])

    @property
    def genuine(self) -> bool:
        return all(v.genuine for v in self.verdicts)


def clean_input(text: str) -> str:
    """What a scanner or a pasted path typed, without surrounding blanks and quotes."""
    return text.strip().strip('"')


def is_pdf(text: str) -> bool:
    return clean_input(text).lower().endswith(".pdf")


def verify_text(session: Session, text: str) -> Verdict:
    """A serial or the QR text."""
    text = clean_input(text)
    if is_payload(text):
        payload = parse_payload(text)
        if payload is None:
            return Verdict("forged", _("二维码内容格式不对，可能被改动过"))
        return verify_payload(session, payload)
    if not re.fullmatch(r"[A-Za-z0-9]+-\d{4}-[A-Za-z0-9]+", text):
        return Verdict("unknown", _("“{t}”不是证书编号，也不是本系统的证书二维码", t=text[:60]))
    return verify_serial(session, text)


def verify(session: Session, text: str) -> Verdict:
    """A serial, the QR text or the path of a PDF; for a PDF of several pages, the first problem found."""
    if is_pdf(text):
        return Verification(verify_pdf(session, Path(clean_input(text)))).verdict
    return verify_text(session, text)


# --- PDF files ------------------------------------------------------------------------------

def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def decode_qr_pages(path: Path, pages: int) -> list[list[str]] | None:
    """QR texts per page from a pdftoppm render, or None when pdftoppm/zxing-cpp are unavailable."""
    exe = shutil.which("pdftoppm")
    if exe is None or pages > MAX_QR_PAGES:
        return None
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([exe, "-r", "110", "-gray", "-png", str(path), str(Path(tmp) / "p")], check=True,
                       capture_output=True, timeout=120)
        out = []
        for png in sorted(Path(tmp).glob("p*.png"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0)):
            with Image.open(png) as img:
                out.append([r.text for r in zxingcpp.read_barcodes(img)])
        return out


def _template_body(session: Session, row: Certificate | None) -> str:
    tpl = session.get(CertTemplate, row.template_id) if row is not None and row.template_id else None
    return TemplateSpec.from_dict(tpl.layout or {}).body if tpl is not None else ""


@dataclass(frozen=True, slots=True)
class PageData:
    """One PDF page as verification reads it: the payload, the signed name|exam line (offline
    checks need it) and the visible text (the invisible lines taken out)."""

    payload: QrPayload
    signed_fields: str | None
    visible: str


def read_page(text: str, meta_payload: str, qr_texts: list[str] | None) -> PageData | Verdict:
    """The page's verification data, or the verdict when it has none or it disagrees with the QR."""
    match = _PAYLOAD_RE.search(text)
    raw = match.group(1).strip() if match else meta_payload
    codes = [t for t in (qr_texts or []) if is_payload(t)]
    if not raw and codes:
        raw = codes[0]
    if not raw:
        return Verdict("unknown", _("PDF 中找不到证书核验数据（不是本系统打印的证书）"))
    payload = parse_payload(raw)
    if payload is None:
        return Verdict("forged", _("PDF 中的核验数据格式不对，可能被改动过"))
    if codes and codes[0] != raw:
        return Verdict("forged", _("二维码与证书上的文字不一致"), payload.serial, payload.version)
    signed = _SIGNED_RE.search(text)
    visible = _PAYLOAD_RE.sub("", _SIGNED_RE.sub("", text))
    return PageData(payload, signed.group(1).strip() if signed else None, _compact(visible))


def _check_page(session: Session, text: str, meta_payload: str, qr_texts: list[str] | None) -> Verdict:
    page = read_page(text, meta_payload, qr_texts)
    if isinstance(page, Verdict):
        return page
    payload, visible = page.payload, page.visible
    verdict = verify_payload(session, payload)
    if verdict.status in ("forged", "unknown", "unverifiable"):
        return verdict
    row = next(r for r in _versions(session, payload.serial) if r.version == payload.version)
    fields = row.fields or {}
    needed = {_("姓名"): str(fields.get("name", "")), _("证书编号"): row.serial}
    body = _template_body(session, row)
    if "{考试}" in body:
        needed[_("考试")] = str(fields.get("exam", ""))
    if "{成绩}" in body:
        needed[_("成绩")] = str(fields.get("score", "")) + "分"
    if "{单位}" in body:
        needed[_("单位")] = str(fields.get("unit", ""))
    altered = [label for label, value in needed.items() if _compact(value) not in visible]
    if altered:
        return _from_row("forged", row, _("证书上的文字被改动过：{f}与签发记录不符", f="、".join(altered)))
    return verdict


@dataclass(frozen=True, slots=True)
class PdfScan:
    """What a PDF file shows, read without the database: each page's text, the payload in its
    metadata (one-page files) and, when they can be decoded, the QR texts of each page."""

    texts: list[str]
    meta_payload: str = ""
    qr_pages: list[list[str]] | None = None
    problem: Verdict | None = None      # the file is missing or unreadable


def scan_pdf(path: Path) -> PdfScan:
    """Read a certificate PDF (text layer, metadata and, when possible, the QR images); may take seconds."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not path.is_file():
        return PdfScan([], problem=Verdict("unknown", _("找不到文件 {p}", p=path)))
    try:
        reader = PdfReader(str(path))
        texts = [page.extract_text() or "" for page in reader.pages]
        metadata = reader.metadata
        subject = str(metadata.get("/Subject", "") or "") if metadata is not None else ""
    except (PdfReadError, OSError, ValueError) as exc:
        return PdfScan([], problem=Verdict("unknown", _("无法读取 PDF：{e}", e=exc)))
    try:
        qr_pages = decode_qr_pages(path, len(texts))
    except (subprocess.SubprocessError, OSError):
        qr_pages = None
    meta = subject if len(texts) == 1 and is_payload(subject) else ""
    return PdfScan(texts, meta, qr_pages)


def check_scan(session: Session, scan: PdfScan) -> list[Verdict]:
    """One verdict per page of a scanned PDF, against the records of this database."""
    if scan.problem is not None:
        return [scan.problem]
    qr = scan.qr_pages
    return [_check_page(session, text, scan.meta_payload, qr[i] if qr and i < len(qr) else None)
            for i, text in enumerate(scan.texts)] or [Verdict("unknown", _("PDF 没有页面"))]


def verify_pdf(session: Session, path: Path) -> list[Verdict]:
    """One verdict per page of a certificate PDF (text layer, metadata and, when possible, the QR image)."""
    return check_scan(session, scan_pdf(path))
