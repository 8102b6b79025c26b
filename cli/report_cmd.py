# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``report branches | reminders | coverage | items | transcript`` — print, ``--json``, or ``--out`` PDF/Excel."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from base.i18n import _
from cli import EXIT_OK, emit, open_db


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", help=_("统计报表：支部对比、提醒名单、覆盖情况、试题分析、个人档案"), parents=[common])
    rsub = p.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    def add(name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
        r = rsub.add_parser(name, help=help_text, parents=[common])
        r.add_argument("--unit", help=_("单位代码或名称（默认：全部单位）"))
        r.add_argument("--out", type=Path, metavar="FILE.pdf|FILE.xlsx", help=_("导出为 PDF 或 Excel"))
        r.add_argument("--json", action="store_true")
        r.set_defaults(func=func)
        return r

    b = add("branches", _("支部对比"), cmd_branches)
    b.add_argument("--period", required=True, help=_("时间段：2026-10、2026Q3、2026、2026-W44 或 2026-10-01..2026-12-31"))
    b.add_argument("--metric", default="participation",
                   choices=["participation", "avg_score", "pass_rate", "study_minutes", "points", "materials",
                            "activity", "members"], help=_("排名和图表所用的指标"))
    b.add_argument("--category", choices=["police", "auxiliary"], help=_("只统计民警或辅警"))
    b.add_argument("--party", action="store_true", help=_("只统计党员"))
    b.add_argument("--active-days", type=int, help=_("活跃所需的学习天数（默认每月12天，按时间段折算）"))
    b.add_argument("--trend", type=int, default=6, metavar="N", help=_("趋势图包含的时间段数（0：不要趋势）"))
    r = add("reminders", _("活跃度未达标提醒名单"), cmd_reminders)
    r.add_argument("--kind", choices=["week", "month"], default="week", help=_("本周或本月"))
    r.add_argument("--minutes", type=float, help=_("学习分钟目标"))
    r.add_argument("--points", type=float, help=_("积分目标"))
    r.add_argument("--date", help=_("以哪一天为准（默认今天），例如 2026-11-02"))
    c = add("coverage", _("考试或学习资料的覆盖情况"), cmd_coverage)
    group = c.add_mutually_exclusive_group(required=True)
    group.add_argument("--quiz", type=int, metavar="ID")
    group.add_argument("--material", type=int, metavar="ID")
    i = add("items", _("试题分析（难度、区分度）"), cmd_items)
    i.add_argument("--quiz", type=int, metavar="ID", required=True)
    t = add("transcript", _("个人学习档案"), cmd_transcript)
    t.add_argument("badge", help=_("警号"))
    t.add_argument("--period", help=_("时间段（默认：全部时间）"))


def _scope(session: Any, args: argparse.Namespace) -> Any:
    from core.people.org import unit_by_code_or_name
    from core.reports.scope import Scope

    unit_id = unit_by_code_or_name(session, args.unit).id if args.unit else None
    return Scope(unit_id, getattr(args, "category", None), bool(getattr(args, "party", False)))


def _finish(args: argparse.Namespace, doc: Any, data: Any, text: Any) -> int:
    if args.out:
        from core.reports.export import export

        export(doc, args.out)
        if not args.json:
            print(_("已导出 {f}", f=args.out))
            return EXIT_OK
    emit(args, data, text)
    return EXIT_OK


def _table_text(table: Any) -> str:
    from core.reports.document import format_cell

    lines = [table.title, "\t".join(table.headers)]
    lines += ["\t".join(format_cell(v, f) for v, f in zip(row, table.formats, strict=False)) for row in table.rows]
    return "\n".join(lines)


def cmd_branches(args: argparse.Namespace) -> int:
    from core.reports.branches import branch_trend, compare_branches
    from core.reports.builders import branches_document, comparison_table
    from core.reports.period import parse_period

    period = parse_period(args.period)
    db = open_db(args)
    with db.transaction() as s:
        scope = _scope(s, args)
        cmp = compare_branches(s, period, scope, metric=args.metric, active_days=args.active_days)
        trend = branch_trend(s, period, scope, metric=args.metric, count=args.trend,
                             active_days=args.active_days) if args.trend > 0 and args.out else None
    return _finish(args, branches_document(cmp, trend), cmp.to_json(), lambda: _table_text(comparison_table(cmp)))


def cmd_reminders(args: argparse.Namespace) -> int:
    import datetime as dt

    from core.infra.clock import local_date, utcnow
    from core.reports.builders import reminders_document
    from core.reports.reminders import reminders
    from core.reports.scope import scope_name

    day = dt.date.fromisoformat(args.date) if args.date else local_date(utcnow())
    db = open_db(args)
    with db.transaction() as s:
        scope = _scope(s, args)
        r = reminders(s, scope, day, kind=args.kind, minutes_target=args.minutes, points_target=args.points)
        doc = reminders_document(r, scope_name(s, scope))
    return _finish(args, doc, r.to_json(), lambda: doc.subtitle + "\n" + _table_text(doc.tables[0]))


def cmd_coverage(args: argparse.Namespace) -> int:
    from core.infra.clock import local_date, utcnow
    from core.reports.builders import coverage_document
    from core.reports.coverage import material_coverage, quiz_coverage
    from core.reports.scope import scope_name

    today = local_date(utcnow())
    db = open_db(args)
    with db.transaction() as s:
        scope = _scope(s, args)
        cov = (quiz_coverage(s, args.quiz, scope, today) if args.quiz is not None
               else material_coverage(s, args.material, scope, today))
        doc = coverage_document(cov, scope_name(s, scope), _("截至 {d}", d=today.isoformat()))
    return _finish(args, doc, cov.to_json(), lambda: "\n\n".join(_table_text(t) for t in doc.tables))


def cmd_items(args: argparse.Namespace) -> int:
    from core.reports.builders import items_document
    from core.reports.items import item_analysis
    from core.reports.scope import scope_name

    db = open_db(args)
    with db.transaction() as s:
        analysis = item_analysis(s, args.quiz)
        doc = items_document(analysis, scope_name(s, _scope(s, args)))
    return _finish(args, doc, analysis.to_json(), lambda: _table_text(doc.tables[0]))


def cmd_transcript(args: argparse.Namespace) -> int:
    from core.reports.builders import transcript_document
    from core.reports.officers import transcript
    from core.reports.period import parse_period

    period = parse_period(args.period) if args.period else None
    db = open_db(args)
    with db.transaction() as s:
        t = transcript(s, args.badge, period)
    doc = transcript_document(t)
    data = {"badge": t.badge, "name": t.name, "unit": t.unit, "study_minutes": round(t.study_minutes, 1),
            "points": t.points, "attempts": len(t.attempts), "certificates": len(t.certificates)}
    return _finish(args, doc, data, lambda: doc.subtitle + "\n" + "\n\n".join(_table_text(x) for x in doc.tables))
