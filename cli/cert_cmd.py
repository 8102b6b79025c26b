# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``cert print | list | verify | issue | reissue | revoke | key``.

Everything but ``verify`` needs ``--user`` (officers list and print their own certificates,
secretaries those of their units; issuing, reissuing and revoking is for secretaries and
administrators); ``verify`` is open to anyone, and with ``--public-key`` needs no database record.

The signing key's passphrase comes from the prompt, or ``STUDYHALL_KEY_PASSPHRASE`` for scripts
(``STUDYHALL_NEW_KEY_PASSPHRASE`` for the new one when changing it): ``print`` asks for it when
certificates need signing; ``issue`` and ``reissue`` sign when the variable is set and otherwise
record the certificates unsigned (they are signed when printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from base.errors import InvalidInput
from base.i18n import _
from cli import EXIT_OK, EXIT_REFUSED, connect, emit, read_secret

if TYPE_CHECKING:
    from core.access.actor import Actor
    from core.certificates.keys import KeyInfo
    from core.infra.db import Database

KEY_ENV, NEW_KEY_ENV = "STUDYHALL_KEY_PASSPHRASE", "STUDYHALL_NEW_KEY_PASSPHRASE"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("日期格式应为 YYYY-MM-DD：{t}", t=text)) from exc


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("cert", help=_("证书：批量打印、列表、核验、颁发、补发、撤销"), parents=[common])
    csub = p.add_subparsers(dest="cert_command", metavar="ACTION", required=True)

    pr = csub.add_parser("print", help=_("批量打印证书"), parents=[common])
    pr.add_argument("--quiz", type=int, help=_("试卷编号"))
    pr.add_argument("--unit", help=_("只打印此单位及下级单位"))
    pr.add_argument("--since", type=_date, help=_("起始日期 YYYY-MM-DD"))
    pr.add_argument("--until", type=_date, help=_("截止日期 YYYY-MM-DD"))
    pr.add_argument("--out", required=True, type=Path,
                    help=_("输出：FILE.pdf（一个文件）、FILE.zip 或文件夹（每人一份）"))
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(func=cmd_print)

    ls = csub.add_parser("list", help=_("列出证书"), parents=[common])
    ls.add_argument("--quiz", type=int, help=_("试卷编号"))
    ls.add_argument("--unit", help=_("只列出此单位及下级单位"))
    ls.add_argument("--all", action="store_true", help=_("包括已被取代的旧版本"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    v = csub.add_parser("verify", help=_("核验证书：证书编号、二维码内容或 PDF 文件"), parents=[common])
    v.add_argument("what", help=_("证书编号、二维码内容或 PDF 文件路径"))
    v.add_argument("--public-key", type=Path, metavar="FILE",
                   help=_("只凭签发单位导出的公钥文件核验（不查本机数据库）"))
    v.add_argument("--name", default="", help=_("凭公钥核验二维码时：证书上印的姓名"))
    v.add_argument("--exam", default="", help=_("凭公钥核验二维码时：证书上印的考试名称"))
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_verify)

    i = csub.add_parser("issue", help=_("手动颁发证书（如竞赛荣誉证书）"), parents=[common])
    i.add_argument("--quiz", type=int, help=_("试卷编号（竞赛或考试）"))
    i.add_argument("--badge", help=_("警号；不填则按成绩颁发前几名"))
    i.add_argument("--top", type=int, default=1, help=_("颁发前几名（默认 1）"))
    i.add_argument("--exam", help=_("考试或竞赛名称（不填则用试卷标题）"))
    i.add_argument("--score", default="", help=_("成绩"))
    i.add_argument("--award", default="", help=_("奖项，如 一等奖"))
    i.add_argument("--date", type=_date, help=_("证书日期 YYYY-MM-DD（默认今天）"))
    i.add_argument("--template", help=_("证书模板名称或编号（默认：荣誉证书）"))
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_issue)

    r = csub.add_parser("reissue", help=_("补发证书（同一编号的新版本，旧版本作废）"), parents=[common])
    r.add_argument("serial", help=_("证书编号"))
    r.add_argument("--reason", default="", help=_("补发原因"))
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_reissue)

    rv = csub.add_parser("revoke", help=_("撤销证书"), parents=[common])
    rv.add_argument("serial", help=_("证书编号"))
    rv.add_argument("--reason", required=True, help=_("撤销原因"))
    rv.add_argument("--json", action="store_true")
    rv.set_defaults(func=cmd_revoke)

    k = csub.add_parser("key", help=_("证书签名密钥：状态、设置、修改口令、导出公钥"), parents=[common])
    ksub = k.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    ks = ksub.add_parser("status", help=_("签名密钥的指纹和状态"), parents=[common])
    ks.add_argument("--json", action="store_true")
    ks.set_defaults(func=cmd_key_status)
    kn = ksub.add_parser("setup", help=_("设置证书签名密钥（管理员；口令在提示时输入）"), parents=[common])
    kn.add_argument("--replace", action="store_true", help=_("更换现有的密钥（旧密钥签发的证书仍可核验）"))
    kn.add_argument("--json", action="store_true")
    kn.set_defaults(func=cmd_key_setup)
    kp = ksub.add_parser("passphrase", help=_("修改签名密钥的口令（管理员）"), parents=[common])
    kp.add_argument("--json", action="store_true")
    kp.set_defaults(func=cmd_key_passphrase)
    ke = ksub.add_parser("export", help=_("导出公钥文件，供上级单位离线核验"), parents=[common])
    ke.add_argument("file", type=Path)
    ke.add_argument("--json", action="store_true")
    ke.set_defaults(func=cmd_key_export)


def _template_key(text: str | None) -> int | str | None:
    return int(text) if text and text.isdigit() else text


def _passphrase(prompt: str, env: str = KEY_ENV, *, confirm: bool = False) -> str:
    """The passphrase from ``env``, else typed at the prompt (twice with ``confirm``)."""
    return read_secret(prompt, env, _("请在提示时输入证书签名密钥的口令，或为脚本设置环境变量 {env}", env=env),
                       confirm=confirm)


def _unlock(db: Database, actor: Actor) -> None:
    from core.certificates import usecases as cert

    cert.unlock_signing_key(db, actor, _passphrase(_("证书签名密钥的口令：")))


def cmd_print(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert
    from core.certificates.batch import Selection
    from core.certificates.keys import KeyLocked

    sel = Selection(quiz_id=args.quiz, since=args.since, until=args.until)
    db, actor = connect(args)
    try:
        result = cert.print_certificates(db, actor, sel, args.out, unit=args.unit)
    except KeyLocked as exc:
        if exc.needs_setup:
            raise
        print(exc, file=sys.stderr)
        _unlock(db, actor)
        result = cert.print_certificates(db, actor, sel, args.out, unit=args.unit)
    for w in result.warnings:
        print(_("警告：{w}", w=w))
    emit(args, {"path": str(result.path), "mode": result.mode, "count": result.count, "files": result.files,
                "warnings": result.warnings},
         _("已生成 {n} 份证书：{p}", n=result.count, p=result.path))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert
    from core.certificates.issue import STATUS_LABELS

    certs = cert.list_certificates(*connect(args), quiz_id=args.quiz, unit=args.unit,
                                    include_superseded=args.all)

    def table() -> str:
        lines = [f"{_('证书编号'):<18}{_('版本'):<4}{_('状态'):<8}{_('姓名'):<6}{_('警号'):<8}"
                 f"{_('成绩'):<6}{_('考试')}"]
        for c in certs:
            lines.append(f"{c.serial:<22}{c.version:<6}{_(STATUS_LABELS[c.status]):<8}{c.name:<6}{c.badge:<10}"
                         f"{c.score:<8}{c.exam}")
        lines.append(_("共 {n} 份", n=len(certs)))
        return "\n".join(lines)

    emit(args, [c.to_dict() for c in certs], table)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert

    if args.public_key is not None:
        checked = cert.verify_with_public_key(*connect(args), args.what, args.public_key, name=args.name,
                                              exam=args.exam)
    else:
        checked = cert.verify(*connect(args), args.what)
    verdicts = checked.verdicts
    data = [v.to_dict() for v in verdicts]
    emit(args, data[0] if len(data) == 1 else data, lambda: "\n\n".join(v.summary() for v in verdicts))
    return EXIT_OK if checked.genuine else EXIT_REFUSED


def cmd_issue(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert

    if not args.badge and not args.quiz:
        raise InvalidInput(_("请用 --badge 指定人员，或用 --quiz 按成绩颁发前几名"))
    db, actor = connect(args)
    if os.environ.get(KEY_ENV) is not None:
        _unlock(db, actor)
    template = _template_key(args.template)
    if args.badge:
        certs = [cert.issue_certificate(db, actor, args.badge, exam=args.exam or "", quiz_id=args.quiz,
                                        score=args.score, award=args.award, date=args.date, template=template)]
    else:
        certs = cert.issue_honours(db, actor, args.quiz, top=args.top, template=template,
                                   awards=(args.award,) if args.award else None)
    emit(args, [c.to_dict() for c in certs],
         lambda: "\n".join(_("已颁发 {serial}：{name}（{exam}）", serial=c.serial, name=c.name, exam=c.exam)
                           + ("" if c.signing else _("（未签名，打印时签名）")) for c in certs)
         or _("没有可颁发的成绩"))
    return EXIT_OK


def cmd_reissue(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert

    db, actor = connect(args)
    if os.environ.get(KEY_ENV) is not None:
        _unlock(db, actor)
    info = cert.reissue(db, actor, args.serial, reason=args.reason)
    emit(args, info.to_dict(), _("已补发 {s} 第 {v} 版，旧版本已作废", s=info.serial, v=info.version)
         + ("" if info.signing else _("（未签名，打印时签名）")))
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert

    info = cert.revoke(*connect(args), args.serial, reason=args.reason)
    emit(args, info.to_dict(), _("已撤销 {s}：{r}", s=info.serial, r=info.revoked_reason))
    return EXIT_OK


# --- the signing key ---------------------------------------------------------------------------

def _key_text(info: KeyInfo) -> str:
    if not info.present:
        lines = [_("还没有设置证书签名密钥（管理员：cert key setup）")]
    else:
        state = _("已解锁") if info.unlocked else _("可签名（需口令解锁）") if info.can_sign else _("只有公钥，不能签名")
        created = info.created_at.date().isoformat() if info.created_at else ""
        lines = [_("签名密钥指纹：{f}", f=info.fingerprint), _("设置于 {d}，{s}", d=created, s=state)]
    if info.unsigned:
        lines.append(_("有 {n} 份证书尚未签名（打印时签名）", n=info.unsigned))
    if info.legacy_key:
        lines.append(_("数据库中还有旧的证书密钥（HMAC）：设置签名密钥后，旧证书会由新密钥确认，旧密钥随即删除"))
    return "\n".join(lines)


def cmd_key_status(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.certificates import usecases as cert

    info = cert.key_status(*connect(args))
    emit(args, asdict(info), lambda: _key_text(info))
    return EXIT_OK


def cmd_key_setup(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.certificates import usecases as cert

    db, actor = connect(args)
    passphrase = _passphrase(_("新密钥的口令（至少 8 个字符，请妥善保管）："), confirm=True)
    info = cert.set_up_signing_key(db, actor, passphrase, replace=args.replace)
    emit(args, asdict(info), lambda: _("已设置证书签名密钥") + "\n" + _key_text(info))
    return EXIT_OK


def cmd_key_passphrase(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.certificates import usecases as cert

    db, actor = connect(args)
    old = _passphrase(_("现在的口令："))
    new = _passphrase(_("新口令（至少 8 个字符）："), NEW_KEY_ENV, confirm=True)
    info = cert.change_key_passphrase(db, actor, old, new)
    emit(args, asdict(info), _("已修改签名密钥的口令"))
    return EXIT_OK


def cmd_key_export(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.certificates import usecases as cert

    info = cert.export_public_key(*connect(args), args.file)
    emit(args, dict(asdict(info), file=str(args.file)),
         _("已导出公钥到 {p}，指纹 {f}：请把指纹另行告知上级单位，以便核对", p=args.file, f=info.fingerprint))
    return EXIT_OK
