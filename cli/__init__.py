# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Command-line interface for scripted work (``python main.py SUBCOMMAND``).

Every module in this package with a ``register(subparsers, common)`` function adds
its command group. Exit codes: 0 success, 1 refused (bad data, wrong password…),
2 usage. ``--json`` prints machine-readable output on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from base.i18n import _, set_language
from base.plugins import discover

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help=_("数据库地址（默认：用户数据目录下的 SQLite 文件；也可用 STUDYHALL_DB）"))
    common.add_argument("--lang", choices=["zh_CN", "en"], help=_("界面语言"))
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


def open_db(args: argparse.Namespace) -> Any:
    from core.infra.db import open_database
    from core.infra.paths import default_db_url

    return open_database(args.db or default_db_url())


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
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except StudyHallError as exc:
        print(_("错误：{e}", e=exc), file=sys.stderr)
        return exc.exit_code
    except Cancelled:
        print(_("已取消"), file=sys.stderr)
        return EXIT_REFUSED
