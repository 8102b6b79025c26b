# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``audit list | export`` — the audit log for administrators, filtered by person, action and dates.

The person filter is ``--who`` (a badge or part of a name): ``--user`` is the login."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from base.i18n import _
from cli import EXIT_OK, connect, emit


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("日期格式应为 YYYY-MM-DD：{t}", t=text)) from exc


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", help=_("操作日志（管理员）：查看、导出 Excel"), parents=[common])
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    ls = asub.add_parser("list", help=_("列出操作日志，最新的在前"), parents=[common])
    _filter_args(ls)
    ls.add_argument("--limit", type=int, default=100, metavar="N", help=_("最多列出多少条（默认 100；0：全部）"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    ex = asub.add_parser("export", help=_("把筛选出的操作日志导出为 Excel"), parents=[common])
    ex.add_argument("file", type=Path, metavar="FILE.xlsx")
    _filter_args(ex)
    ex.set_defaults(func=cmd_export)


def _filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--who", metavar="BADGE|NAME", default="", help=_("只看此人：警号或姓名（可只写姓名的一部分）"))
    p.add_argument("--action", default="", metavar="CODE", help=_("只看此类操作，例如 user.edit、login.failed"))
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help=_("起始日期（含）"))
    p.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help=_("截止日期（含）"))


def _filter(args: argparse.Namespace) -> Any:
    from core.admin.audit import AuditFilter

    return AuditFilter(who=args.who, action=args.action, since=args.since, until=args.until)


def cmd_list(args: argparse.Namespace) -> int:
    from core.admin import usecases as admin
    from core.admin.audit import PAGE_SIZE

    db, actor = connect(args)
    flt = _filter(args)
    first = admin.browse_audit(db, actor, flt, limit=min(PAGE_SIZE, args.limit or PAGE_SIZE), with_total=True)
    rows, total = list(first.rows), first.total or 0
    wanted = args.limit if args.limit > 0 else total
    while len(rows) < min(wanted, total) and rows:
        more = admin.browse_audit(db, actor, flt, after=rows[-1].cursor, limit=min(PAGE_SIZE, wanted - len(rows)))
        if not more.rows:
            break
        rows.extend(more.rows)

    def text() -> str:
        lines = [f"{r.local_time}  {r.pc}  {r.person}  {r.action_label}  {r.target}"
                 + (f"  {r.summary}" if r.summary else "") for r in rows]
        lines.append(_("共 {n} 条，列出最新的 {m} 条", n=total, m=len(rows)) if len(rows) < total
                     else _("共 {n} 条", n=total))
        return "\n".join(lines)

    emit(args, [r.to_dict() for r in rows], text)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from core.admin import usecases as admin

    db, actor = connect(args)
    written = admin.export_audit(db, actor, _filter(args), args.file)
    print(_("已导出 {n} 条操作日志到 {f}", n=written, f=args.file))
    return EXIT_OK
