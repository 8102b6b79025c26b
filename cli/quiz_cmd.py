# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``quiz list | show ID | results ID | create --spec FILE.toml``."""

from __future__ import annotations

import argparse
from pathlib import Path

from base.i18n import _
from cli import connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("quiz", help=_("试卷：列表、详情、成绩、按 TOML 文件创建"), parents=[common])
    qsub = p.add_subparsers(dest="quiz_command", metavar="ACTION", required=True)
    ls = qsub.add_parser("list", help=_("列出试卷"), parents=[common])
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    show = qsub.add_parser("show", help=_("试卷详情（抽题规则与可抽题数）"), parents=[common])
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)
    res = qsub.add_parser("results", help=_("成绩：作答次数、得分、及格率"), parents=[common])
    res.add_argument("id", type=int)
    res.add_argument("--json", action="store_true")
    res.set_defaults(func=cmd_results)
    create = qsub.add_parser("create", help=_("按 TOML 文件创建试卷（见 docs/QUIZ_SPEC.md）"), parents=[common])
    create.add_argument("--spec", required=True, type=Path, metavar="FILE.toml")
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_create)


def cmd_list(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz
    from core.quiz.catalog import MODE_LABELS

    quizzes = quiz.list_quizzes(*connect(args))

    def table() -> str:
        lines = [f"{'ID':<5}{_('类型'):<6}{_('题数'):<6}{_('总分'):<7}{_('时长'):<8}{_('状态'):<6}{_('名称')}"]
        for q in quizzes:
            minutes = _("{n} 分钟", n=q.time_limit_min) if q.time_limit_min else _("不限时")
            lines.append(f"{q.id:<5}{_(MODE_LABELS.get(q.mode, q.mode)):<6}{q.questions:<8}{q.total_points:<9g}"
                         f"{minutes:<8}{_('已发布') if q.published else _('未发布'):<6}{q.title}")
        lines.append(_("共 {n} 套试卷", n=len(quizzes)))
        return "\n".join(lines)

    emit(args, [q.to_dict() for q in quizzes], table)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz
    from quizbank.model import QType

    d = quiz.quiz_detail(*connect(args), args.id)

    def text() -> str:
        lines = [f"{d['title']}（ID {d['id']}）",
                 _("题数 {n}，总分 {p:g}，及格线 {pp}", n=d["questions"], p=d["total_points"],
                   pp=f"{d['pass_percent']:g}%" if d["pass_percent"] is not None else "—")]
        sections = d["sections"]
        assert isinstance(sections, list)   # quiz_detail(): a JSON-shaped dict
        for i, s in enumerate(sections, start=1):
            mark = _("可抽") if s["drawable"] else _("不足")
            lines.append(_("规则{i}：{t} {c} 题 × {p:g} 分，题库可抽 {a} 题（{m}）", i=i, t=QType(s["type"]).label, c=s["count"],
                           p=s["points_each"], a=s["available"], m=mark))
        return "\n".join(lines)

    emit(args, d, text)
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz

    r = quiz.quiz_results(*connect(args), args.id)

    def text() -> str:
        rate = f"{r.pass_rate:g}%" if r.pass_rate is not None else "—"
        avg = f"{r.average_percent:g}%" if r.average_percent is not None else "—"
        lines = [r.title, _("参考 {n} 人，共 {a} 次作答，及格率 {r}，平均得分率 {v}", n=r.takers, a=r.attempts, r=rate, v=avg)]
        for row in r.rows:
            score = f"{row.score:g}" if row.score is not None else "—"
            ok = {True: _("及格"), False: _("不及格"), None: "—"}[row.passed]
            lines.append(f"{row.badge:<8}{row.name:<6}{score:>6}  {ok:<5}{row.unit}")
        return "\n".join(lines)

    emit(args, r.to_dict(), text)
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz

    d = quiz.create_quiz_from_file(*connect(args), args.spec)
    emit(args, d, _("已创建试卷“{t}”（ID {id}）{p}", t=d["title"], id=d["id"],
                    p=_("，已发布") if d["published"] else ""))
    return 0
