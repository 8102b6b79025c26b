# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``contest create --spec contest.toml | list | show ID [--json] | sheet ID --out F.pdf``: on-stage
contests, as the ``--user`` account (a secretary reaches the contests of their own units).
ID is the contest's id or its first characters (as ``contest list`` shows them)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from base.errors import InvalidInput, NotFound
from base.i18n import _
from cli import connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("contest", help=_("知识竞赛现场赛：新建、列表、详情、成绩单"), parents=[common])
    csub = p.add_subparsers(dest="contest_command", metavar="ACTION", required=True)
    create = csub.add_parser("create", help=_("按 TOML 文件新建竞赛并抽题（见 docs/CONTEST.md）"), parents=[common])
    create.add_argument("--spec", required=True, type=Path, metavar="FILE.toml")
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_create)
    ls = csub.add_parser("list", help=_("列出竞赛"), parents=[common])
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    show = csub.add_parser("show", help=_("竞赛详情：参赛队、轮次、比分与排名"), parents=[common])
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)
    sheet = csub.add_parser("sheet", help=_("导出成绩单 PDF"), parents=[common])
    sheet.add_argument("id", metavar="ID")
    sheet.add_argument("--out", required=True, type=Path, metavar="F.pdf")
    sheet.set_defaults(func=cmd_sheet)


def _find(db: Any, actor: Any, key: str) -> Any:
    from core.contest import usecases as contest

    key = key.strip().lower()
    found = [c for c in contest.list_contests(db, actor) if str(c.id).startswith(key)]
    if not found:
        raise NotFound(_("找不到知识竞赛 {c}", c=key))
    if len(found) > 1:
        raise InvalidInput(_("“{k}”对应多场竞赛，请多写几位", k=key))
    return found[0].id


def cmd_create(args: argparse.Namespace) -> int:
    from core.contest import usecases as contest

    data = contest.read_spec_file(args.spec)
    db, actor = connect(args)
    cid = contest.create_contest(db, actor, data)
    made = contest.open_contest(db, actor, cid)
    emit(args, {"id": str(cid), "title": made.title, "questions": len(made.questions)},
         lambda: _("已创建竞赛“{t}”（{id}），抽取 {n} 道题", t=made.title, id=cid, n=len(made.questions)))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from core.contest import usecases as contest
    from core.contest.sheet import status_label

    rows = contest.list_contests(*connect(args))

    def text() -> str:
        if not rows:
            return _("还没有知识竞赛")
        return "\n".join(f"{str(r.id)[:8]}  {r.held_on}  {status_label(r.status)}  {r.title}  （{'、'.join(r.teams)}）"
                         for r in rows)

    emit(args, [r.to_dict() for r in rows], text)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from core.contest import usecases as contest
    from core.contest.sheet import result_summary, status_label

    db, actor = connect(args)
    data = contest.open_contest(db, actor, _find(db, actor, args.id))
    summary = result_summary(data)

    def text() -> str:
        out = [f"{data.title}  {data.held_on}  {status_label(data.status)}  {data.unit}"]
        out.append(_("参赛队："))
        for t in summary["teams"]:
            out.append(f"  {t['rank']}. {t['name']}（{t['branch']}）{'、'.join(t['members'])}  {t['score']:g}")
        out.append(_("轮次："))
        for i, r in enumerate(summary["rounds"], 1):
            what = f"{r['kind_label']}，{r['questions']}" if r["kind_label"] != r["title"] else r["questions"]
            out.append(f"  {i}. {r['title']}（{what}）  "
                       + "  ".join(f"{v:+g}" for v in r["points"]))
        out.append(_("已记录 {n} 个事件", n=len(data.events)))
        return "\n".join(out)

    emit(args, summary, text)
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from core.contest import usecases as contest

    db, actor = connect(args)
    path = contest.result_sheet(db, actor, _find(db, actor, args.id), args.out)
    print(_("已导出成绩单：{p}", p=path))
    return 0
