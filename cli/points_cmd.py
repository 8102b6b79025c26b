# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``points tally --period 2026Q3 [--unit U] | history BADGE | rules``: the points ledger."""

from __future__ import annotations

import argparse

from base.i18n import _
from cli import emit, open_db


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("points", help=_("积分台账：核算、排名、明细"), parents=[common])
    psub = p.add_subparsers(dest="points_command", metavar="ACTION", required=True)
    t = psub.add_parser("tally", help=_("按月、季度或年度核算积分并排名"), parents=[common])
    t.add_argument("--period", required=True, help=_("统计周期：2026、2026Q3 或 2026-10"))
    t.add_argument("--unit", help=_("只统计此单位及下级单位（代码或名称）"))
    t.add_argument("--by-unit", action="store_true", help=_("按下一级单位汇总"))
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_tally)
    h = psub.add_parser("history", help=_("某人的积分明细"), parents=[common])
    h.add_argument("badge", help=_("警号"))
    h.add_argument("--period", help=_("统计周期：2026、2026Q3 或 2026-10"))
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=cmd_history)
    r = psub.add_parser("rules", help=_("列出积分规则"), parents=[common])
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_rules)


def cmd_tally(args: argparse.Namespace) -> int:
    from core.people.org import unit_by_code_or_name
    from core.points.ledger import parse_period, tally, unit_tally

    period = parse_period(args.period)
    db = open_db(args)
    with db.transaction() as s:
        unit_id = unit_by_code_or_name(s, args.unit).id if args.unit else None
        rows = unit_tally(s, period, unit_id) if args.by_unit else tally(s, period, unit_id)
    data = {"period": period.label, "first": period.first.isoformat(), "last": period.last.isoformat(),
            "total": round(sum(r.points for r in rows), 2), "rows": [r.to_dict() for r in rows]}

    def text() -> str:
        lines = [_("{p} 积分排名（{a} 至 {b}）", p=period.label, a=period.first, b=period.last)]
        for r in rows:
            if args.by_unit:
                lines.append(f"{r.rank:>3}. {r.unit_name}  {_('合计')} {r.points:g}  "  # type: ignore[union-attr]
                             f"{_('人均')} {r.average:.1f}")  # type: ignore[union-attr]
            else:
                lines.append(f"{r.rank:>3}. {r.badge} {r.name}  {r.unit_name}  {r.points:g}")  # type: ignore
        lines.append(_("合计 {n} 分", n=f"{data['total']:g}"))
        return "\n".join(lines)

    emit(args, data, text)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from core.people.users import get_user
    from core.points.ledger import SOURCE_LABELS, history, parse_period

    period = parse_period(args.period) if args.period else None
    db = open_db(args)
    with db.transaction() as s:
        user = get_user(s, args.badge)
        lines = history(s, user.id, period.first if period else None, period.last if period else None)
    total = sum(line.amount for line in lines)

    def text() -> str:
        out = [_("{name}（{b}）的积分明细", name=user.name, b=user.badge)]
        for line in lines:
            out.append(f"{line.day}  +{line.amount:g}  {line.rule_name}  "
                       f"[{_(SOURCE_LABELS.get(line.source_type, line.source_type))}] {line.note}")
        out.append(_("合计 {n} 分", n=f"{total:g}"))
        return "\n".join(out)

    emit(args, {"badge": user.badge, "name": user.name, "total": total, "entries": [x.to_dict() for x in lines]},
         text)
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from core.infra.clock import SystemClock, local_date
    from core.points.ledger import list_rules

    db = open_db(args)
    with db.transaction() as s:
        rules = list_rules(s, local_date(SystemClock().now()))

    def text() -> str:
        return "\n".join(f"{r.code:<20}{_(r.name)}  {r.amount:g}"
                         + (_("（每日上限 {c}）", c=f"{r.daily_cap:g}") if r.daily_cap is not None else "")
                         + ("" if r.active else _("（已停用）")) for r in rules)

    emit(args, [r.to_dict() for r in rules], text)
    return 0
