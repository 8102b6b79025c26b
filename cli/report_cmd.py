# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``report branches | reminders | coverage | items | transcript`` — print, ``--json``, or ``--out`` PDF/Excel.

Run as the ``--user`` account: branch comparisons cover every branch, reports naming officers
only the account's own units (an officer: only their own transcript)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from base.i18n import _
from cli import EXIT_OK, connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", help=_("统计报表：支部对比、提醒名单、覆盖情况、试题分析、个人档案"), parents=[common])
    rsub = p.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    def add(name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
        r = rsub.add_parser(name, help=help_text, parents=[common])
        r.add_argument("--unit", help=_("单位代码或名称（默认：有权查看的全部单位）"))
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
    s = add("summary", _("支部月反馈、季考评、年总结（PDF 或 Word）"), cmd_summary)
    s.add_argument("--period", required=True, help=_("时间段：2026-10、2026Q3 或 2026"))
    t = add("transcript", _("个人学习档案"), cmd_transcript)
    t.add_argument("badge", help=_("警号"))
    t.add_argument("--period", help=_("时间段（默认：全部时间）"))


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {"unit": args.unit, "category": getattr(args, "category", None),
            "party_only": bool(getattr(args, "party", False))}


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
    from core.reports import usecases as reports
    from core.reports.period import parse_period

    period = parse_period(args.period)
    r = reports.compare_branches(*connect(args), period, metric=args.metric, active_days=args.active_days,
                                 trend=args.trend if args.out else 0, **_filters(args))
    return _finish(args, r.document, r.comparison.to_json(), lambda: _table_text(r.table))


def cmd_reminders(args: argparse.Namespace) -> int:
    import datetime as dt

    from core.reports import usecases as reports

    day = dt.date.fromisoformat(args.date) if args.date else None
    r = reports.reminders(*connect(args), kind=args.kind, minutes_target=args.minutes, points_target=args.points,
                          day=day, **_filters(args))
    doc = r.document
    return _finish(args, doc, r.reminders.to_json(), lambda: doc.subtitle + "\n" + _table_text(doc.tables[0]))


def cmd_coverage(args: argparse.Namespace) -> int:
    from core.reports import usecases as reports

    r = reports.coverage(*connect(args), quiz_id=args.quiz, material_id=args.material, **_filters(args))
    doc = r.document
    return _finish(args, doc, r.coverage.to_json(), lambda: "\n\n".join(_table_text(t) for t in doc.tables))


def cmd_items(args: argparse.Namespace) -> int:
    from core.reports import usecases as reports

    r = reports.item_analysis(*connect(args), args.quiz, unit=args.unit)
    return _finish(args, r.document, r.analysis.to_json(), lambda: _table_text(r.document.tables[0]))


def cmd_transcript(args: argparse.Namespace) -> int:
    from core.reports import usecases as reports
    from core.reports.period import parse_period

    period = parse_period(args.period) if args.period else None
    r = reports.transcript(*connect(args), args.badge, period=period)
    t, doc = r.transcript, r.document
    data = {"badge": t.badge, "name": t.name, "unit": t.unit, "study_minutes": round(t.study_minutes, 1),
            "points": t.points, "attempts": len(t.attempts), "certificates": len(t.certificates)}
    return _finish(args, doc, data, lambda: doc.subtitle + "\n" + "\n\n".join(_table_text(x) for x in doc.tables))


def cmd_summary(args: argparse.Namespace) -> int:
    """``report summary --unit U --period P --out F.pdf|F.docx``: the branch's 月反馈/季考评/年总结."""
    from core.orglife import usecases as orglife

    if not args.out:
        from base.errors import InvalidInput

        raise InvalidInput(_("请用 --out 指定输出文件（.pdf 或 .docx）"))
    out = orglife.period_summary(*connect(args), args.out, period=args.period, unit=args.unit)
    print(_("已导出 {f}", f=out))
    return EXIT_OK
