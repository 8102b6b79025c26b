# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``cert print | list | verify | issue | reissue | revoke``.

Everything but ``verify`` needs ``--user`` (officers list and print their own certificates,
secretaries those of their units; issuing, reissuing and revoking is for secretaries and
administrators); ``verify`` is open to anyone.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from base.errors import InvalidInput
from base.i18n import _
from cli import EXIT_OK, EXIT_REFUSED, connect, emit


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


def _template_key(text: str | None) -> int | str | None:
    return int(text) if text and text.isdigit() else text


def cmd_print(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert
    from core.certificates.batch import Selection

    sel = Selection(quiz_id=args.quiz, since=args.since, until=args.until)
    result = cert.print_certificates(*connect(args), sel, args.out, unit=args.unit)
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
    template = _template_key(args.template)
    if args.badge:
        certs = [cert.issue_certificate(db, actor, args.badge, exam=args.exam or "", quiz_id=args.quiz,
                                        score=args.score, award=args.award, date=args.date, template=template)]
    else:
        certs = cert.issue_honours(db, actor, args.quiz, top=args.top, template=template,
                                   awards=(args.award,) if args.award else None)
    emit(args, [c.to_dict() for c in certs],
         lambda: "\n".join(_("已颁发 {serial}：{name}（{exam}）", serial=c.serial, name=c.name, exam=c.exam)
                           for c in certs) or _("没有可颁发的成绩"))
    return EXIT_OK


def cmd_reissue(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert

    info = cert.reissue(*connect(args), args.serial, reason=args.reason)
    emit(args, info.to_dict(), _("已补发 {s} 第 {v} 版，旧版本已作废", s=info.serial, v=info.version))
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    from core.certificates import usecases as cert

    info = cert.revoke(*connect(args), args.serial, reason=args.reason)
    emit(args, info.to_dict(), _("已撤销 {s}：{r}", s=info.serial, r=info.revoked_reason))
    return EXIT_OK
