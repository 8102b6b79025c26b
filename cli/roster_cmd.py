# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``roster import FILE [--dry-run] [--skip-invalid] [--json]`` and ``roster list [--unit U] [--json]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from base.i18n import _
from cli import EXIT_OK, EXIT_REFUSED, connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("roster", help=_("花名册：导入、列表"), parents=[common])
    rsub = p.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    imp = rsub.add_parser("import", help=_("从 Excel/CSV 导入人员（警号已存在则更新）"), parents=[common])
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help=_("只检查并预览，不保存"))
    imp.add_argument("--skip-invalid", action="store_true", help=_("跳过有错误的行，导入其余的行"))
    imp.add_argument("--passwords", type=Path, metavar="FILE.pdf",
                     help=_("把新人员的初始密码单写入此文件（.pdf 每人一张可裁开的密码条；.xlsx 为列表）"))
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=cmd_import)
    ls = rsub.add_parser("list", help=_("列出人员"), parents=[common])
    ls.add_argument("--unit", help=_("只列出此单位及下级单位"))
    ls.add_argument("--all", action="store_true", help=_("包括已停用的账号"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)


ACTIONS = {"new": "新增", "update": "更新", "unchanged": "无变化", "invalid": "有错误"}


def cmd_import(args: argparse.Namespace) -> int:
    from core.people import usecases as people

    db, actor = connect(args)
    report = people.import_roster(db, actor, args.file, dry_run=args.dry_run, skip_invalid=args.skip_invalid)
    slips = report.slips()
    if slips and args.passwords:
        people.save_password_slips(db, actor, slips, args.passwords)

    def text() -> str:
        lines = [str(p) for p in report.problems]
        if args.dry_run:
            for r in report.rows:
                extra = f"（{'、'.join(r.changes)}）" if r.changes else ""
                lines.append(f"  {_('第{n}行', n=r.row)} {r.badge} {r.name} {r.unit_name or r.unit_text} "
                             f"{_(ACTIONS[r.action])}{extra}")
        lines.append(report.summary())
        if slips and args.passwords:
            lines.append(_("{n} 名新人员的初始密码单已写入 {f}（每人一个密码，首次登录后须修改）", n=len(slips),
                           f=args.passwords))
        elif slips:
            lines.append(_("新人员的初始密码（每人一个，首次登录后须修改；用 --passwords 文件.pdf 可打印密码单）："))
            lines.extend(f"  {s.badge}  {s.name}  {s.password}" for s in slips)
        return "\n".join(lines)

    emit(args, report.to_json(), text)
    return EXIT_REFUSED if report.refused else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from cli.user_cmd import cmd_list as user_list

    return user_list(args)
