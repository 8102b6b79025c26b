# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Command-line interface for scripted work (``python main.py SUBCOMMAND``).

Every module in this package with a ``register(subparsers, common)`` function adds
its command group. Commands call the same use cases as the GUI (``core.*.usecases``)
as the account given with ``--user BADGE`` (password from the prompt or the
``STUDYHALL_PASSWORD`` environment variable, never the command line), or as nobody.
The global options (``--db``, ``--lang``, ``--user``) work before or after the command.
Exit codes: 0 success, 1 refused (bad data, no permission, wrong password…), 2 usage.
``--json`` prints machine-readable output on stdout.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from base.errors import AuthenticationFailed, PermissionDenied
from base.i18n import _, set_language
from base.plugins import discover

if TYPE_CHECKING:
    from core.access.actor import Actor
    from core.infra.db import Database

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


PASSWORD_ENV = "STUDYHALL_PASSWORD"


def common_parser() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the command is not reset by the command's own parser.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help=_("数据库地址（默认：用户数据目录下的 SQLite 文件；也可用 STUDYHALL_DB）"))
    common.add_argument("--lang", choices=["zh_CN", "en"], default=argparse.SUPPRESS, help=_("界面语言"))
    common.add_argument("--user", metavar="BADGE", default=argparse.SUPPRESS,
                        help=_("以此警号登录（密码在提示时输入，脚本可用环境变量 STUDYHALL_PASSWORD）"))
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(prog="studyhall", description=_("学习园地：学习、练习、考试与知识竞赛"), parents=[common])
    parser.add_argument("--selftest", action="store_true", help=_("自检：临时数据库、演示数据、中文 PDF"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for _module, register in discover(__name__, "register"):
        register(sub, common)
    return parser


def pre_scan_language(argv: Sequence[str]) -> None:
    """Apply ``--lang`` before building the parser, so help texts are translated too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh_CN", "en"):
            set_language(argv[i + 1])
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            if value in ("zh_CN", "en"):
                set_language(value)


def open_db(args: argparse.Namespace) -> Database:
    from core.infra.db import open_database
    from core.infra.paths import default_db_url

    return open_database(getattr(args, "db", None) or default_db_url())


def connect(args: argparse.Namespace) -> tuple[Database, Actor]:
    """The database and who is acting: the ``--user`` account once its password checks, else nobody."""
    from core.access.actor import ANONYMOUS
    from core.people import usecases as people
    from core.quiz.upkeep import settle_expired

    db = open_db(args)
    settle_expired(db)       # exams that ran out while their PCs were off are submitted now
    badge = getattr(args, "user", None)
    if not badge:
        return db, ANONYMOUS
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise AuthenticationFailed(_("请在提示时输入 {b} 的密码，或为脚本设置环境变量 {env}", b=badge, env=PASSWORD_ENV))
        password = getpass.getpass(_("警号 {b} 的密码：", b=badge))
    user = people.log_in(db, ANONYMOUS, badge, password)
    if user.must_change_password and not _changing_own_password(args, user.badge):
        # An initial or reset password opens nothing but the change of it (the GUI asks for it at login).
        raise PermissionDenied(_("警号 {b} 还在使用初始密码，须先修改密码才能使用其他命令：\n"
                                 "  studyhall user passwd {b} --user {b}", b=user.badge))
    return db, user.actor


def _changing_own_password(args: argparse.Namespace, badge: str) -> bool:
    return (getattr(args, "command", None) == "user" and getattr(args, "user_command", None) == "passwd"
            and getattr(args, "badge", None) == badge and not getattr(args, "reset", False))


def read_secret(prompt: str, env: str, refusal: str, *, confirm: bool = False) -> str:
    """A passphrase from the environment variable ``env``, else typed at the prompt (twice with
    ``confirm``); ``refusal`` when there is neither (a script without a terminal)."""
    from base.errors import InvalidInput

    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise InvalidInput(refusal)
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("再输入一次：")) != value:
        raise InvalidInput(_("两次输入的口令不一致"))
    return value


def emit(args: argparse.Namespace, data: Any, text: Callable[[], str] | str) -> None:
    """Print ``data`` as JSON with ``--json``, else the human text."""
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text() if callable(text) else text)


def run(argv: Sequence[str]) -> int:
    from base.errors import StudyHallError
    from base.progress import Cancelled

    pre_scan_language(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.selftest:
        from cli.selftest import selftest

        return selftest()
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or EXIT_OK)
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except StudyHallError as exc:
        print(_("错误：{e}", e=exc), file=sys.stderr)
        if isinstance(exc, PermissionDenied) and not getattr(args, "user", None):
            print(_("提示：用 --user 警号 登录后再试"), file=sys.stderr)
        return exc.exit_code
    except Cancelled:
        print(_("已取消"), file=sys.stderr)
        return EXIT_REFUSED
