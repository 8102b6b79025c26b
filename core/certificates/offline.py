# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Checking a certificate with the issuing unit's public key alone, with no database and no secret.

A higher unit imports nothing: it gets the unit's public key file (``cert key export``) and
compares its fingerprint with the one the unit published. What it can check:

* a certificate PDF: the QR payload and the signed name and exam both travel in the page's
  text layer; the signature must hold and the page must show that name and serial;
* a QR code scanned from paper: the code carries serial, version, badge, score and date but
  not the name and exam (USB scanners type ASCII only), so the verifier types those as printed
  (white space and full-width forms do not matter, see :func:`core.certificates.signing.message`).

What it cannot know: whether the certificate was later revoked or reissued (the verdict says
to ask the unit), nor older SHC1 certificates (their HMAC key never left the unit).
"""

from __future__ import annotations

import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from base.i18n import N_, _
from core.certificates import keys
from core.certificates.signing import parse_payload, signature_ok
from core.certificates.verify import PdfScan, Verdict, clean_input, is_payload, read_page

OFFLINE_NOTE = N_("签名有效（凭公钥核验）；是否已撤销或补发，请向签发单位查询")
NEEDS_FIELDS = N_("凭公钥核验二维码，还需要证书上印的姓名和考试名称")


def verify_text(public: Ed25519PublicKey, text: str, *, name: str = "", exam: str = "") -> Verdict:
    """The QR text (with the name and exam printed on the certificate), checked with ``public``."""
    text = clean_input(text)
    fp = keys.grouped(keys.fingerprint(public))
    if not is_payload(text):
        if re.fullmatch(r"[A-Za-z0-9]+-\d{4}-[A-Za-z0-9]+", text):
            return Verdict("unverifiable", _("凭公钥不能按证书编号核验：请扫描证书上的二维码，或提供证书 PDF 文件"),
                           text.upper())
        return Verdict("unknown", _("“{t}”不是证书编号，也不是本系统的证书二维码", t=text[:60]))
    payload = parse_payload(text)
    if payload is None:
        return Verdict("forged", _("二维码内容格式不对，可能被改动过"))

    def verdict(status: str, reason: str, *, signed: bool = False) -> Verdict:
        return Verdict(status, reason, payload.serial, payload.version, name.strip() if signed else "",
                       payload.badge, exam.strip() if signed else "", payload.score, payload.date,
                       legacy=payload.legacy, fingerprint=fp if signed else "")

    if payload.legacy:
        return verdict("unverifiable", _("这是旧格式（SHC1）证书，不能凭公钥核验：请向签发单位核验"))
    if not name.strip() or not exam.strip():
        return verdict("unverifiable", _(NEEDS_FIELDS))
    fields: dict[str, object] = {"name": name, "badge": payload.badge, "exam": exam, "score": payload.score,
                                 "date": payload.date}
    if not signature_ok(public, payload.serial, payload.version, fields, payload.signature):
        return verdict("forged", _("签名不符：二维码、姓名或考试名称与签发时不同，或不是这把公钥签发的证书"),
                       signed=True)
    return verdict("genuine", _(OFFLINE_NOTE), signed=True)


def check_scan(public: Ed25519PublicKey, scan: PdfScan) -> list[Verdict]:
    """One verdict per page of a certificate PDF, checked with ``public``."""
    if scan.problem is not None:
        return [scan.problem]
    qr = scan.qr_pages
    out = []
    for i, text in enumerate(scan.texts):
        page = read_page(text, scan.meta_payload, qr[i] if qr and i < len(qr) else None)
        if isinstance(page, Verdict):
            out.append(page)
            continue
        if page.signed_fields is None or "|" not in page.signed_fields:
            out.append(Verdict("unverifiable", _("PDF 中没有签名字段（不是用新版程序打印的），请向签发单位核验"),
                               page.payload.serial, page.payload.version))
            continue
        name, exam = page.signed_fields.split("|", 1)
        verdict = verify_text(public, page.payload.text(), name=name, exam=exam)
        missing = [label for label, value in ((_("姓名"), name), (_("证书编号"), page.payload.serial))
                   if re.sub(r"\s+", "", value) not in page.visible]
        if verdict.genuine and missing:
            verdict = Verdict("forged", _("证书上的文字被改动过：{f}与签名内容不符", f="、".join(missing)),
                              verdict.serial, verdict.version, name, verdict.badge, exam, verdict.score,
                              verdict.date, fingerprint=verdict.fingerprint)
        out.append(verdict)
    return out or [Verdict("unknown", _("PDF 没有页面"))]
