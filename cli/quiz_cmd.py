# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``quiz list | show ID | results ID | create --spec FILE.toml | regrade ID --question QID | paper ID --out DIR |
enter-paper ID --file answers.xlsx``."""

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
    rg = qsub.add_parser("regrade", help=_("题目答案更正后重新评分（先用 --dry-run 查看变化）"), parents=[common])
    rg.add_argument("id", type=int, nargs="+", metavar="ID", help=_("试卷 ID（可写多个）"))
    rg.add_argument("--question", required=True, type=int, metavar="QID", help=_("更正后的题目 ID（最新版本）"))
    rg.add_argument("--reason", default="", help=_("更正原因（正式重评时必填）"))
    rg.add_argument("--dry-run", action="store_true", help=_("只列出将发生的变化，不保存"))
    rg.add_argument("--json", action="store_true")
    rg.set_defaults(func=cmd_regrade)
    pp = qsub.add_parser("paper", help=_("纸质考试：生成题本，导出题本、答案和答题卡 PDF"), parents=[common])
    pp.add_argument("id", type=int)
    pp.add_argument("--versions", type=int, default=0, metavar="N", help=_("生成 N 个题本（不写则沿用已有题本）"))
    pp.add_argument("--out", type=Path, required=True, metavar="DIR")
    pp.add_argument("--no-sheets", action="store_true", help=_("不生成答题卡"))
    pp.add_argument("--json", action="store_true")
    pp.set_defaults(func=cmd_paper)
    ep = qsub.add_parser("enter-paper", help=_("录入纸质答卷（表格：警号、题本、答案）"), parents=[common])
    ep.add_argument("id", type=int)
    ep.add_argument("--file", type=Path, required=True, metavar="answers.xlsx")
    ep.add_argument("--json", action="store_true")
    ep.set_defaults(func=cmd_enter_paper)


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
            left = _("  离开考试界面 {n} 次", n=row.departures) if r.lockdown else ""
            lines.append(f"{row.badge:<8}{row.name:<6}{score:>6}  {ok:<5}{row.unit}{left}")
        return "\n".join(lines)

    emit(args, r.to_dict(), text)
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz

    d = quiz.create_quiz_from_file(*connect(args), args.spec)
    emit(args, d, _("已创建试卷“{t}”（ID {id}）{p}", t=d["title"], id=d["id"],
                    p=_("，已发布") if d["published"] else ""))
    return 0


def cmd_regrade(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz
    from core.quiz.regrade import RegradeRow

    report = quiz.regrade_attempts(*connect(args), args.question, args.id, reason=args.reason,
                                   dry_run=args.dry_run)
    yes_no = {True: _("及格"), False: _("不及格"), None: "—"}
    certs = {"issue": _("颁发"), "reissue": _("重新颁发"), "revoke": _("撤销"), "": ""}

    def num(v: float | None) -> str:
        return "—" if v is None else f"{v:g}"

    def line(r: RegradeRow) -> str:
        attempt = _("第 {n} 次", n=r.number) if r.number else ""
        cert = f"{certs[r.certificate]} {r.serial}".strip()
        return (f"{r.badge:<8}{r.name:<6}{attempt:<6} {num(r.score_before):>5} → {num(r.score_after):<5} "
                f"{yes_no[r.passed_before]} → {yes_no[r.passed_after]}  "
                f"{_('积分')} {num(r.points_before)} → {num(r.points_after)}  {cert}  {r.quiz_title}")

    def text() -> str:
        head = _("试算（未保存）：") if report.dry_run else _("已重新评分：")
        lines = [head + _("{n} 个作答题目改用更正后的答案，{m} 项变化，积分合计 {p:+g}", n=report.items,
                          m=len(report.rows), p=report.points_delta)]
        lines += [line(r) for r in report.rows]
        return "\n".join(lines)

    emit(args, report.to_dict(), text)
    return 0


def cmd_paper(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz

    db, actor = connect(args)
    if args.versions:
        quiz.make_paper_versions(db, actor, args.id, args.versions)
    files = quiz.print_paper(db, actor, args.id, args.out, sheets=not args.no_sheets)
    emit(args, [str(f) for f in files], lambda: "\n".join([_("已生成 {n} 个文件：", n=len(files))]
                                                          + [str(f) for f in files]))
    return 0


def cmd_enter_paper(args: argparse.Namespace) -> int:
    from core.quiz import usecases as quiz

    entered = quiz.enter_paper_file(*connect(args), args.id, args.file)

    def text() -> str:
        lines = [_("已录入 {n} 份纸质答卷", n=len(entered))]
        for e in entered:
            score = "—" if e.score is None else f"{e.score:g}/{e.max_score:g}"
            ok = {True: _("及格"), False: _("不及格"), None: "—"}[e.passed]
            lines.append(f"{e.badge:<8}{e.name:<6}{_('题本 {v}', v=e.version):<6}{score:>9}  {ok}")
        return "\n".join(lines)

    emit(args, [{"badge": e.badge, "name": e.name, "version": e.version, "score": e.score,
                 "max_score": e.max_score, "passed": e.passed, "attempt_id": str(e.attempt_id)} for e in entered], text)
    return 0
