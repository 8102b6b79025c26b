# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``study import FILE… | list``: study materials from the command line, as the ``--user`` account
(a secretary or an administrator)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from base.errors import InvalidInput
from base.i18n import _
from cli import connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("study", help=_("学习资料：导入、列表"), parents=[common])
    ssub = p.add_subparsers(dest="study_command", metavar="ACTION", required=True)
    imp = ssub.add_parser("import", help=_("导入学习资料（.docx .md .txt .html .pdf，可多个文件）"), parents=[common])
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--topic", default="", help=_("专题"))
    imp.add_argument("--required", action="store_true", help=_("设为必学"))
    imp.add_argument("--min-minutes", type=int, default=0, help=_("最少阅读分钟数"))
    imp.add_argument("--due", help=_("截止日期（YYYY-MM-DD）"))
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=cmd_import)
    ls = ssub.add_parser("list", help=_("列出学习资料"), parents=[common])
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)


def cmd_import(args: argparse.Namespace) -> int:
    from core.study import usecases as study

    due = None
    if args.due:
        try:
            due = dt.date.fromisoformat(args.due)
        except ValueError as exc:
            raise InvalidInput(_("日期格式应为 YYYY-MM-DD：{d}", d=args.due)) from exc

    def progress(done: int, total: int, label: str) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"[{done}/{total}] {label}", file=sys.stderr)

    infos = study.import_materials(*connect(args), [Path(f) for f in args.files], topic=args.topic,
                                   required=args.required, min_minutes=args.min_minutes, due_date=due,
                                   progress=progress)
    emit(args, [i.to_dict() for i in infos],
         lambda: "\n".join([_("已导入《{t}》（{f}）", t=i.title, f=i.source_format) for i in infos]
                           + [_("共导入 {n} 份资料", n=len(infos))]))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from core.study import usecases as study

    infos = study.list_materials(*connect(args))

    def table() -> str:
        lines = [f"{'ID':<5}{_('必学'):<6}{_('最少'):<8}{_('截止'):<12}{_('专题'):<12}{_('标题')}"]
        for i in infos:
            lines.append(f"{i.id:<5}{(_('必学') if i.required else _('选学')):<6}{_('{n}分钟', n=i.min_minutes):<8}"
                         f"{(i.due_date.isoformat() if i.due_date else '—'):<12}{i.topic:<12}{i.title}")
        lines.append(_("共 {n} 份资料", n=len(infos)))
        return "\n".join(lines)

    emit(args, [i.to_dict() for i in infos], table)
    return 0
