# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Organisation life for scripts, as the ``--user`` account:

* ``orglife add --spec session.toml | list [--period P] [--unit U] | show ID | attend ID --present B… |
  attach ID FILE [--signin] | makeup ID BADGE``: group sessions, attendance, 补学;
* ``reflection list [--period P] [--status S] | show ID | review ID --verdict V [--comment C] |
  export --period P [--unit U] --out F.docx|F.pdf``: 心得体会;
* ``rating criteria | compute --period 2026Q4 | adjust --period P --unit U --score N --reason R |
  publish --period P | show --period P | honour --period P --out F.pdf``: 支部评星定级.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from base.i18n import _
from cli import connect, emit

if TYPE_CHECKING:
    from core.orglife.rating import RatingRow
    from core.orglife.reflections import ReflectionRow
    from core.orglife.views import SessionRow

PERIOD_HELP = _("统计周期：2026、2026Q3 或 2026-10")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("orglife", help=_("组织生活：集中学习、党课、主题党日等的记录与出勤"), parents=[common])
    osub = p.add_subparsers(dest="orglife_command", metavar="ACTION", required=True)
    a = osub.add_parser("add", help=_("按 TOML 文件登记一次组织生活及出勤"), parents=[common])
    a.add_argument("--spec", type=Path, required=True, metavar="session.toml")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_add)
    ls = osub.add_parser("list", help=_("列出组织生活记录"), parents=[common])
    ls.add_argument("--period", help=PERIOD_HELP)
    ls.add_argument("--unit", help=_("单位代码或名称"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    sh = osub.add_parser("show", help=_("查看一次组织生活的出勤与补学"), parents=[common])
    sh.add_argument("id", help=_("记录编号（前 8 位即可）"))
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(func=cmd_show)
    at = osub.add_parser("attach", help=_("附加照片或签到表扫描件"), parents=[common])
    at.add_argument("id")
    at.add_argument("file", type=Path)
    at.add_argument("--signin", action="store_true", help=_("这是签到表"))
    at.set_defaults(func=cmd_attach)
    ad = osub.add_parser("attend", help=_("登记或更正一次组织生活的出勤（会前安排的，会后在此登记）"), parents=[common])
    ad.add_argument("id")
    ad.add_argument("--present", nargs="*", default=[], metavar="BADGE")
    ad.add_argument("--leave", nargs="*", default=[], metavar="BADGE:REASON")
    ad.add_argument("--absent", nargs="*", default=[], metavar="BADGE")
    ad.set_defaults(func=cmd_attend)
    mk = osub.add_parser("makeup", help=_("确认线下完成的补学"), parents=[common])
    mk.add_argument("id")
    mk.add_argument("badge")
    mk.add_argument("--note", default="")
    mk.set_defaults(func=cmd_makeup)

    r = sub.add_parser("reflection", help=_("心得体会：列表、审阅、导出"), parents=[common])
    rsub = r.add_subparsers(dest="reflection_command", metavar="ACTION", required=True)
    rl = rsub.add_parser("list", help=_("列出提交的心得体会"), parents=[common])
    rl.add_argument("--period", help=PERIOD_HELP)
    rl.add_argument("--status", choices=["submitted", "excellent", "pass", "returned"])
    rl.add_argument("--json", action="store_true")
    rl.set_defaults(func=cmd_reflection_list)
    rs = rsub.add_parser("show", help=_("查看一篇心得体会及最相似的已有文本"), parents=[common])
    rs.add_argument("id")
    rs.add_argument("--json", action="store_true")
    rs.set_defaults(func=cmd_reflection_show)
    rv = rsub.add_parser("review", help=_("审阅：优秀、合格或退回修改"), parents=[common])
    rv.add_argument("id")
    rv.add_argument("--verdict", required=True, choices=["excellent", "pass", "returned"])
    rv.add_argument("--comment", default="")
    rv.set_defaults(func=cmd_reflection_review)
    rx = rsub.add_parser("export", help=_("把一个支部一段时间的心得体会汇编为 Word 或 PDF"), parents=[common])
    rx.add_argument("--period", required=True, help=PERIOD_HELP)
    rx.add_argument("--unit", help=_("单位代码或名称（默认：本人所在单位）"))
    rx.add_argument("--out", type=Path, required=True, metavar="FILE.docx|FILE.pdf")
    rx.set_defaults(func=cmd_reflection_export)

    g = sub.add_parser("rating", help=_("支部评星定级：计算、调整、公布、红榜"), parents=[common])
    gsub = g.add_subparsers(dest="rating_command", metavar="ACTION", required=True)
    gc = gsub.add_parser("criteria", help=_("列出评星指标、权重和星级档次"), parents=[common])
    gc.add_argument("--set", type=Path, metavar="criteria.toml", help=_("按 TOML 文件设置评星指标和星级档次（管理员）"))
    gc.add_argument("--json", action="store_true")
    gc.set_defaults(func=cmd_rating_criteria)
    for name, help_text, func in (("compute", _("按指标计算一个季度的支部评星"), cmd_rating_compute),
                                  ("show", _("查看一个季度的评星排名"), cmd_rating_show)):
        c = gsub.add_parser(name, help=help_text, parents=[common])
        c.add_argument("--period", required=True, help=_("季度，例如 2026Q4"))
        c.add_argument("--json", action="store_true")
        c.set_defaults(func=func)
    ad = gsub.add_parser("adjust", help=_("调整一个支部的得分（须写明理由，记入操作日志）"), parents=[common])
    ad.add_argument("--period", required=True)
    ad.add_argument("--unit", required=True)
    ad.add_argument("--score", type=float, required=True)
    ad.add_argument("--reason", required=True)
    ad.set_defaults(func=cmd_rating_adjust)
    pb = gsub.add_parser("publish", help=_("公布一个季度的评星结果"), parents=[common])
    pb.add_argument("--period", required=True)
    pb.set_defaults(func=cmd_rating_publish)
    hr = gsub.add_parser("honour", help=_("生成红榜 PDF"), parents=[common])
    hr.add_argument("--period", required=True)
    hr.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    hr.set_defaults(func=cmd_rating_honour)


# --- sessions -----------------------------------------------------------------------------------------

def _session_line(r: SessionRow) -> str:
    d = r.to_dict()
    return (f"{str(d['id'])[:8]}  {d['day']} {d['start']}  {d['kind_name']}  {d['topic']}  {d['unit']}  "
            + _("出席 {p}、请假 {l}、缺席 {a}、已补学 {m}", p=d["present"], l=d["leave"], a=d["absent"],
                m=d["made_up"]))


def cmd_add(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife

    row = orglife.record_session_file(*connect(args), args.spec)
    emit(args, row.to_dict(), lambda: _("已登记：") + _session_line(row))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife
    from core.points.ledger import parse_period

    period = parse_period(args.period) if args.period else None
    rows = orglife.list_sessions(*connect(args), first=period.first if period else None,
                                 last=period.last if period else None, unit=args.unit)
    emit(args, [r.to_dict() for r in rows],
         lambda: "\n".join(_session_line(r) for r in rows) or _("没有组织生活记录"))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife
    from core.orglife.sessions import STATUS_LABELS

    d = orglife.session_detail(*connect(args), args.id)
    data = {**d.row.to_dict(), "note": d.note, "materials": [t for _i, t in d.materials],
            "attendance": [a.to_dict() for a in d.attendance], "attachments": [f.name for f in d.attachments]}

    def text() -> str:
        out = [_session_line(d.row)]
        if d.materials:
            out.append(_("学习资料：") + "、".join(t for _i, t in d.materials))
        for a in d.attendance:
            made = _("（已补学）") if a.made_up_at else ""
            out.append(f"  {a.badge} {a.name}  {_(STATUS_LABELS[a.status])}{made} {a.reason}".rstrip())
        return "\n".join(out)

    emit(args, data, text)
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife

    db, actor = connect(args)
    sid = orglife.session_detail(db, actor, args.id).row.id
    orglife.add_attachment(db, actor, sid, args.file, "signin" if args.signin else "photo")
    print(_("已附加 {f}", f=args.file.name))
    return 0


def cmd_attend(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife

    marks: dict[int | str, tuple[str, str]] = {b: ("present", "") for b in args.present}
    for item in args.leave:
        badge, _sep, reason = item.partition(":")
        marks[badge] = ("leave", reason)
    marks.update({b: ("absent", "") for b in args.absent})
    counts = orglife.set_attendance(*connect(args), args.id, marks)
    print(_("出席 {p}、请假 {l}、缺席 {a}", p=counts.get("present", 0), l=counts.get("leave", 0),
            a=counts.get("absent", 0)))
    return 0


def cmd_makeup(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife

    db, actor = connect(args)
    sid = orglife.session_detail(db, actor, args.id).row.id
    orglife.confirm_makeup(db, actor, sid, args.badge, args.note)
    print(_("已确认 {b} 完成补学", b=args.badge))
    return 0


# --- reflections ----------------------------------------------------------------------------------------

def cmd_reflection_list(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife
    from core.orglife.reflections import STATUS_LABELS
    from core.points.ledger import parse_period

    period = parse_period(args.period) if args.period else None
    rows = orglife.list_reflections(*connect(args), first=period.first if period else None,
                                    last=period.last if period else None, status=args.status)

    def line(r: ReflectionRow) -> str:
        est = r.match_estimate
        similar = _("  相似度约 {p}%", p=round(est * 100)) if est is not None and est >= 0.3 else ""
        return (f"{str(r.id)[:8]}  {r.submitted_at.date().isoformat()}  {r.badge} {r.name}  {r.task_title}  "
                f"{_(STATUS_LABELS[r.status])}  {r.length}{_('字')}{similar}")

    emit(args, [r.to_dict() for r in rows], lambda: "\n".join(line(r) for r in rows) or _("没有心得体会"))
    return 0


def cmd_reflection_show(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife

    d = orglife.reflection_detail(*connect(args), args.id)
    m = d.match
    data = {**d.row.to_dict(), "text": d.text, "comment": d.comment,
            "match": None if m is None else {"id": str(m.other_id), "name": m.other_name, "task": m.other_task,
                                             "jaccard": round(m.jaccard, 4), "share": round(m.share, 4),
                                             "passages": [d.text[a:b] for a, b in m.spans]}}

    def text() -> str:
        out = [f"{d.row.name}（{d.row.badge}）{d.row.task_title}", d.text]
        if m is None:
            out.append(_("没有相似的已有心得体会"))
        else:
            out.append(_("最相似：{n}《{t}》，相似度 {j}%，本文 {s}% 的内容与之重合", n=m.other_name, t=m.other_task,
                         j=round(m.jaccard * 100), s=round(m.share * 100)))
            out += [f"  「{d.text[a:b]}」" for a, b in m.spans if b - a >= 8]
        return "\n".join(out)

    emit(args, data, text)
    return 0


def cmd_reflection_review(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife
    from core.orglife.reflections import STATUS_LABELS

    orglife.review_reflection(*connect(args), args.id, args.verdict, args.comment)
    print(_("已审阅：{v}", v=_(STATUS_LABELS[args.verdict])))
    return 0


def cmd_reflection_export(args: argparse.Namespace) -> int:
    from core.orglife import usecases as orglife
    from core.points.ledger import parse_period

    out = orglife.export_reflections(*connect(args), args.out, period=parse_period(args.period), unit=args.unit)
    print(_("已导出 {f}", f=out))
    return 0


# --- ratings ----------------------------------------------------------------------------------------------

def _stars(n: int) -> str:
    return "★" * n + "☆" * max(0, 5 - n)


def _rating_rows(args: argparse.Namespace, rows: list[RatingRow]) -> int:
    from core.orglife.honour import change_text

    def text() -> str:
        return "\n".join(f"{r.rank:>3}. {r.unit_name}  {_stars(r.stars)}  {r.score:.1f}  {change_text(r)}"
                         + (_("  （已公布）") if r.published else "") for r in rows) or _("没有评星结果")

    emit(args, [r.to_dict() for r in rows], text)
    return 0


def cmd_rating_criteria(args: argparse.Namespace) -> int:
    from core.orglife import usecases as ratings

    db, actor = connect(args)
    if args.set:
        ratings.set_rating_criteria_file(db, actor, args.set)
    crit, bands = ratings.rating_criteria(db, actor)
    data = {"criteria": [c.to_dict() for c in crit],
            "bands": [{"stars": b.stars, "name": b.name, "min_score": b.min_score} for b in bands]}

    def text() -> str:
        out = [f"{c.label}  {_('权重')} {c.weight:g}  {_('满分值')} {c.target:g}  {_('门槛')} {c.threshold:g}"
               for c in crit]
        out += [f"{b.name} ≥ {b.min_score:g}" for b in bands]
        return "\n".join(out)

    emit(args, data, text)
    return 0


def cmd_rating_compute(args: argparse.Namespace) -> int:
    from core.orglife import usecases as ratings

    return _rating_rows(args, ratings.compute_ratings(*connect(args), args.period))


def cmd_rating_show(args: argparse.Namespace) -> int:
    from core.orglife import usecases as ratings

    return _rating_rows(args, ratings.rating_ranking(*connect(args), args.period))


def cmd_rating_adjust(args: argparse.Namespace) -> int:
    from core.orglife import usecases as ratings

    ratings.adjust_rating(*connect(args), args.period, args.unit, args.score, args.reason)
    print(_("已调整 {u} 的得分为 {s:g}", u=args.unit, s=args.score))
    return 0


def cmd_rating_publish(args: argparse.Namespace) -> int:
    from core.orglife import usecases as ratings

    n = ratings.publish_ratings(*connect(args), args.period)
    print(_("已公布 {p} 的评星结果（{n} 个支部）", p=args.period, n=n))
    return 0


def cmd_rating_honour(args: argparse.Namespace) -> int:
    from core.orglife import usecases as ratings

    out = ratings.honour_roll_pdf(*connect(args), args.period, args.out)
    print(_("已导出 {f}", f=out))
    return 0
