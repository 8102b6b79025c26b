# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``user add | passwd | unlock | list``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from base.errors import InvalidInput
from base.i18n import _
from cli import PASSWORD_ENV, connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("user", help=_("人员账号：新增、改密码、解锁、列表"), parents=[common])
    usub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = usub.add_parser("add", help=_("新增人员"), parents=[common])
    a.add_argument("badge", help=_("警号"))
    a.add_argument("name", help=_("姓名"))
    a.add_argument("--unit", required=True, help=_("单位代码或名称"))
    a.add_argument("--role", default="officer", choices=["officer", "secretary", "admin"])
    a.add_argument("--category", default="police", choices=["police", "auxiliary"], help=_("民警/辅警"))
    a.add_argument("--party", action="store_true", help=_("党员"))
    a.add_argument("--title", default="", help=_("职务"))
    _password_args(a)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_add)
    pw = usub.add_parser("passwd", help=_("修改自己的密码，或重置他人的密码"), parents=[common])
    pw.add_argument("badge")
    _password_args(pw)
    pw.add_argument("--reset", action="store_true",
                    help=_("为他人生成随机初始密码（首次登录后须修改），并打印在屏幕上"))
    pw.add_argument("--slip", type=Path, metavar="FILE.pdf", help=_("与 --reset 一起用：把初始密码单写入此文件"))
    pw.add_argument("--json", action="store_true")
    pw.set_defaults(func=cmd_passwd)
    un = usub.add_parser("unlock", help=_("解锁因连续登录失败而锁定的警号（管理员）"), parents=[common])
    un.add_argument("badge")
    un.set_defaults(func=cmd_unlock)
    ls = usub.add_parser("list", help=_("列出人员"), parents=[common])
    ls.add_argument("--unit", help=_("只列出此单位及下级单位"))
    ls.add_argument("--all", action="store_true", help=_("包括已停用的账号"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)


def _password_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", help=_("从标准输入读取密码"))
    p.add_argument("--password-env", metavar="VAR", help=_("从环境变量读取密码"))


def read_password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise InvalidInput(_("环境变量 {v} 未设置", v=args.password_env))
        return value
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(_("密码："))
    if getpass.getpass(_("再输入一次：")) != first:
        raise InvalidInput(_("两次输入的密码不一致"))
    return first


def cmd_add(args: argparse.Namespace) -> int:
    from core.people import usecases as people

    db, actor = connect(args)
    password = read_password(args)
    if actor.anonymous and args.role == "admin":
        # The one thing nobody logged in may do: the first administrator of an empty database.
        info = people.create_first_admin(db, actor, badge=args.badge, name=args.name, unit=args.unit,
                                         password=password)
    else:
        info = people.add_user(db, actor, badge=args.badge, name=args.name, unit=args.unit, password=password,
                               role=args.role, category=args.category, party_member=args.party, title=args.title)
    emit(args, info.to_dict(), _("已新增 {name}（警号 {b}）", name=info.name, b=info.badge))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from core.people import usecases as people

    db, actor = connect(args)
    if args.slip and not args.reset:
        raise InvalidInput(_("--slip 只能与 --reset 一起使用"))
    if args.reset:
        slip = people.reset_password(db, actor, args.badge)
        if args.slip:
            people.save_password_slips(db, actor, [slip], args.slip)

        def text() -> str:
            lines = [_("已重置 {n}（警号 {b}）的密码，新的初始密码：{p}（首次登录后须修改）",
                       n=slip.name, b=slip.badge, p=slip.password)]
            if args.slip:
                lines.append(_("初始密码单已写入 {f}", f=args.slip))
            return "\n".join(lines)

        emit(args, slip.to_dict(), text)
        return 0
    password = read_password(args)
    if args.badge == actor.badge:
        people.change_own_password(db, actor, os.environ.get(PASSWORD_ENV) or getpass.getpass(_("原密码：")),
                                   password)
    else:
        people.reset_password(db, actor, args.badge, password)
    emit(args, {"badge": args.badge}, _("已更新警号 {b} 的密码", b=args.badge))
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from core.people import usecases as people

    db, actor = connect(args)
    was_locked = people.unlock_account(db, actor, args.badge)
    print(_("已解锁警号 {b}", b=args.badge) if was_locked else _("警号 {b} 没有被锁定；已清除其登录失败记录", b=args.badge))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from core.people import usecases as people
    from core.people.users import CATEGORY_LABELS, ROLE_LABELS

    db, actor = connect(args)
    users = people.list_people(db, actor, unit=args.unit, include_inactive=args.all)

    def table() -> str:
        lines = [f"{_('警号'):<8}{_('姓名'):<6}{_('类别'):<6}{_('角色'):<8}{_('单位')}"]
        for u in users:
            lines.append(f"{u.badge:<10}{u.name:<6}{_(CATEGORY_LABELS[u.category]):<6}"
                         f"{_(ROLE_LABELS[u.role]):<8}{u.unit_name}")
        lines.append(_("共 {n} 人", n=len(users)))
        return "\n".join(lines)

    emit(args, [u.to_dict() for u in users], table)
    return 0
