# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``points tally --period 2026Q3 [--unit U] [--by-unit] | history [BADGE] | rules``: the points ledger,
as the ``--user`` account (a secretary sees the officers of their own units)."""

from __future__ import annotations

import argparse
from typing import Any

from base.i18n import _
from cli import connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("points", help=_("积分台账：核算、排名、明细"), parents=[common])
    psub = p.add_subparsers(dest="points_command", metavar="ACTION", required=True)
    t = psub.add_parser("tally", help=_("按月、季度或年度核算积分并排名"), parents=[common])
    t.add_argument("--period", required=True, help=_("统计周期：2026、2026Q3 或 2026-10"))
    t.add_argument("--unit", help=_("只统计此单位及下级单位（代码或名称）"))
    t.add_argument("--by-unit", action="store_true", help=_("按下一级单位汇总"))
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_tally)
    h = psub.add_parser("history", help=_("积分明细（本人，或本单位某人）"), parents=[common])
    h.add_argument("badge", nargs="?", help=_("警号（默认：登录的本人）"))
    h.add_argument("--period", help=_("统计周期：2026、2026Q3 或 2026-10"))
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=cmd_history)
    r = psub.add_parser("rules", help=_("列出积分规则"), parents=[common])
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_rules)


def cmd_tally(args: argparse.Namespace) -> int:
    from core.points import usecases as points
    from core.points.ledger import parse_period

    period = parse_period(args.period)
    db, actor = connect(args)
    if args.by_unit:
        rows: list[Any] = points.unit_tally(db, actor, period, unit=args.unit)
    else:
        rows = points.officer_tally(db, actor, period, unit=args.unit)
    data = {"period": period.label, "first": period.first.isoformat(), "last": period.last.isoformat(),
            "total": round(sum(r.points for r in rows), 2), "rows": [r.to_dict() for r in rows]}

    def text() -> str:
        lines = [_("{p} 积分排名（{a} 至 {b}）", p=period.label, a=period.first, b=period.last)]
        for r in rows:
            if args.by_unit:
                lines.append(f"{r.rank:>3}. {r.unit_name}  {_('合计')} {r.points:g}  {_('人均')} {r.average:.1f}")
            else:
                lines.append(f"{r.rank:>3}. {r.badge} {r.name}  {r.unit_name}  {r.points:g}")
        lines.append(_("合计 {n} 分", n=f"{data['total']:g}"))
        return "\n".join(lines)

    emit(args, data, text)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from core.points import usecases as points
    from core.points.ledger import SOURCE_LABELS, parse_period

    period = parse_period(args.period) if args.period else None
    hist = points.points_history(*connect(args), badge=args.badge, first=period.first if period else None,
                                 last=period.last if period else None)

    def text() -> str:
        out = [_("{name}（{b}）的积分明细", name=hist.name, b=hist.badge)]
        for line in hist.lines:
            out.append(f"{line.day}  +{line.amount:g}  {line.rule_name}  "
                       f"[{_(SOURCE_LABELS.get(line.source_type, line.source_type))}] {line.note}")
        out.append(_("合计 {n} 分", n=f"{hist.total:g}"))
        return "\n".join(out)

    emit(args, hist.to_dict(), text)
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from core.points import usecases as points

    rules = points.point_rules(*connect(args))

    def text() -> str:
        return "\n".join(f"{r.code:<20}{_(r.name)}  {r.amount:g}"
                         + (_("（每日上限 {c}）", c=f"{r.daily_cap:g}") if r.daily_cap is not None else "")
                         + ("" if r.active else _("（已停用）")) for r in rules)

    emit(args, [r.to_dict() for r in rules], text)
    return 0
