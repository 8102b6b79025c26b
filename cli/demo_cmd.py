# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``demo [--reset]``: load the demo unit, banks, materials, quizzes and history."""

from __future__ import annotations

import argparse

from base.i18n import _
from cli import connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", help=_("载入演示数据（可重复执行）"), parents=[common])
    p.add_argument("--reset", action="store_true", help=_("先清空整个数据库"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from core.admin.usecases import load_demo
    from core.demo import DEMO_PASSWORD

    done = load_demo(*connect(args), reset=args.reset)
    text = "\n".join(done) if done else _("演示数据已存在，无需重复载入")
    emit(args, {"steps": done, "password": DEMO_PASSWORD}, text)
    return 0
