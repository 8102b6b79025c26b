# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Each report as a :class:`~core.reports.document.Document` (chart first, then tables)."""

from __future__ import annotations

from base.i18n import N_, _
from core.models import Category
from core.reports.branches import METRICS, BranchComparison, Trend, metric_label
from core.reports.coverage import STATUS_LABELS, Coverage
from core.reports.document import Chart, Document, Note, Table
from core.reports.items import QTYPE_LABELS, ItemAnalysis
from core.reports.officers import OfficerRow, Transcript
from core.reports.period import Period
from core.reports.reminders import Reminders

CATEGORY_NAMES = {Category.POLICE.value: N_("民警"), Category.AUXILIARY.value: N_("辅警")}
MATERIAL_STATUS = {"passed": N_("已学完"), "started": N_("学习中"), "missing": N_("未学习")}


def category_name(value: str) -> str:
    return _(CATEGORY_NAMES.get(value, value))


def comparison_table(cmp: BranchComparison) -> Table:
    headers = [_("排名"), _("支部"), _("上级单位"), _("人数"), _("参考人数"), *(metric_label(k) for k in METRICS
                                                                          if k != "members"),
               _("上期排名"), _("{m}变化", m=metric_label(cmp.metric))]
    rate = METRICS[cmp.metric][1]
    formats = ["int", "text", "text", "int", "int", *("pct" if METRICS[k][1] else "num" for k in METRICS
                                                        if k != "members"),
               "int", "delta_pct" if rate else "delta"]
    rows = [[r.rank, r.unit.name, r.unit.parent_name, r.stats.members, r.stats.participants,
             *(r.stats.value(k) for k in METRICS if k != "members"), r.previous_rank, cmp.change(r)]
            for r in cmp.rows]
    if cmp.total is not None:
        t = cmp.total
        rows.append([None, _("合计"), "", t.members, t.participants, *(t.value(k) for k in METRICS if k != "members"),
                     None, None])
    return Table(_("支部对比（按{m}排名）", m=metric_label(cmp.metric)), headers, formats, rows, sheet=_("支部对比"))


def branches_document(cmp: BranchComparison, trend: Trend | None = None) -> Document:
    label = metric_label(cmp.metric)
    rate = METRICS[cmp.metric][1]
    doc = Document(_("支部学习考评对比"), cmp.scope_name, cmp.period.label,
                   subtitle=_("对比上期：{p}", p=cmp.previous_period.label)
                   + (f"　{cmp.scope.filters_label()}" if cmp.scope.filtered else ""))
    doc.blocks.append(Chart(_("{m}：本期与上期", m=label), "bar", [r.unit.name for r in cmp.rows],
                            [(cmp.period.short_label, [r.stats.value(cmp.metric) for r in cmp.rows]),
                             (cmp.previous_period.short_label, [cmp.previous(r) for r in cmp.rows])], percent=rate))
    doc.blocks.append(comparison_table(cmp))
    if trend is not None:
        doc.blocks.append(trend_chart(trend))
        doc.blocks.append(trend_table(trend))
    doc.blocks.append(Note(_("说明：参考率＝本期在本支部参加过考试或竞赛的人数÷支部人数；平均分为各次答卷百分制成绩的平均；"
                             "合格率＝至少合格一次的人数÷参考人数；人均学习分钟与人均积分按本期在本支部取得的记录计算；"
                             "活跃率＝本期学习天数不少于{d}天的人数÷支部人数；调动人员在两个支部均计入人数，"
                             "成绩留在取得时所在的支部。", d=cmp.active_days)))
    return doc


def trend_chart(trend: Trend) -> Chart:
    return Chart(_("{m}趋势", m=metric_label(trend.metric)), "line", [p.short_label for p in trend.periods],
                 list(trend.series.items()), percent=METRICS[trend.metric][1])


def trend_table(trend: Trend) -> Table:
    fmt = "pct" if METRICS[trend.metric][1] else "num"
    return Table(_("{m}趋势", m=metric_label(trend.metric)), [_("支部"), *(p.label for p in trend.periods)],
                 ["text", *(fmt for _p in trend.periods)], [[name, *values] for name, values in trend.series.items()],
                 sheet=_("趋势"))


def officers_table(rows: list[OfficerRow], branch: str) -> Table:
    return Table(_("{b}人员明细", b=branch),
                 [_("警号"), _("姓名"), _("类别"), _("党员"), _("答卷数"), _("平均分"), _("最高分"), _("合格"),
                  _("学习分钟"), _("学习天数"), _("积分"), _("必学已完成")],
                 ["text", "text", "text", "text", "int", "num", "num", "text", "num", "int", "num", "int"],
                 [[r.badge, r.name, category_name(r.category), _("是") if r.party_member else _("否"), r.attempts,
                   r.avg_score, r.best_score, (_("是") if r.passed else _("否")) if r.attempts else "",
                   r.study_minutes, r.active_days, r.points, r.required_done] for r in rows],
                 highlight=[i for i, r in enumerate(rows) if not r.attempts and not r.study_minutes],
                 sheet=_("人员明细"))


def officers_document(rows: list[OfficerRow], branch: str, period: Period) -> Document:
    doc = Document(_("支部人员明细"), branch, period.label)
    doc.blocks.append(officers_table(rows, branch))
    return doc


def transcript_document(t: Transcript) -> Document:
    period = t.period.label if t.period else _("全部时间")
    doc = Document(_("个人学习档案"), t.unit, period,
                   subtitle=_("{name}（警号 {b}，{c}{p}{title}）", name=t.name, b=t.badge, c=category_name(t.category),
                              p=_("，党员") if t.party_member else "", title=f"，{t.title}" if t.title else ""))
    doc.blocks.append(Note(_("学习 {m} 分钟，积分 {p}，答卷 {a} 份，证书 {c} 张，必学资料完成 {d}/{n}。",
                             m=round(t.study_minutes), p=f"{t.points:g}", a=len(t.attempts), c=len(t.certificates),
                             d=t.required_done, n=t.required_total)))
    if t.study_by_month:
        doc.blocks.append(Chart(_("每月学习分钟"), "bar", [k for k, _m, _d in t.study_by_month],
                                [(_("学习分钟"), [m for _k, m, _d in t.study_by_month])]))
    months = sorted({k for k, _m, _d in t.study_by_month} | {k for k, _p in t.points_by_month})
    study = {k: (m, d) for k, m, d in t.study_by_month}
    points = dict(t.points_by_month)
    doc.blocks.append(Table(_("每月学习与积分"), [_("月份"), _("学习分钟"), _("学习天数"), _("积分")],
                            ["text", "num", "int", "num"],
                            [[k, study.get(k, (0.0, 0))[0], study.get(k, (0.0, 0))[1], points.get(k, 0.0)]
                             for k in months], sheet=_("学习与积分")))
    doc.blocks.append(Table(_("考试与练习记录"), [_("时间"), _("试卷"), _("所在单位"), _("成绩"), _("合格")],
                            ["text", "text", "text", "num", "text"],
                            [[a.submitted.strftime("%Y-%m-%d %H:%M"), a.quiz, a.unit, a.percent,
                              "" if a.passed is None else (_("是") if a.passed else _("否"))] for a in t.attempts],
                            sheet=_("答卷")))
    doc.blocks.append(Table(_("证书"), [_("证书编号"), _("名称"), _("颁发时间"), _("状态")],
                            ["text", "text", "text", "text"],
                            [[c.serial, c.title, c.issued.strftime("%Y-%m-%d"), c.status] for c in t.certificates],
                            sheet=_("证书")))
    if t.contests:
        doc.blocks.append(Table(_("知识竞赛现场赛"), [_("日期"), _("竞赛"), _("参赛队"), _("名次"), _("得分")],
                                ["text", "text", "text", "text", "num"],
                                [[c.held_on.isoformat(), c.title, c.team, _("{r}/{n}", r=c.rank, n=c.teams), c.score]
                                 for c in t.contests], sheet=_("知识竞赛")))
    doc.blocks.append(Table(_("单位变动"), [_("单位"), _("起"), _("止")], ["text", "text", "text"],
                            [[m.unit_name, m.valid_from.isoformat(), m.valid_to.isoformat() if m.valid_to else _("至今")]
                             for m in t.memberships], sheet=_("单位变动")))
    return doc


def reminders_document(r: Reminders, unit_name: str) -> Document:
    doc = Document(_("活跃度未达标提醒名单"), unit_name, r.period.label,
                   subtitle=_("目标：学习 {m} 分钟、积分 {p}；共 {n} 人，未达标 {k} 人", m=f"{r.minutes_target:g}",
                              p=f"{r.points_target:g}", n=r.members, k=len(r.rows)))
    groups = r.by_branch()
    doc.blocks.append(Chart(_("各支部未达标人数"), "bar", list(groups), [(_("未达标人数"),
                                                                    [float(len(v)) for v in groups.values()])]))
    doc.blocks.append(Table(_("未达标人员"), [_("支部"), _("警号"), _("姓名"), _("类别"), _("学习分钟"), _("积分"),
                                           _("未达标项")],
                            ["text", "text", "text", "text", "num", "num", "text"],
                            [[x.branch, x.badge, x.name, category_name(x.category), x.minutes, x.points,
                              "、".join(([_("学习时长")] if x.minutes_short else [])
                                       + ([_("积分")] if x.points_short else []))] for x in r.rows],
                            sheet=_("提醒名单")))
    if not r.rows:
        doc.blocks.append(Note(_("本期所有人员均已达标。")))
    return doc


def coverage_table(c: Coverage) -> Table:
    statuses = ["passed", "completed", "missing"] if c.kind == "quiz" else ["passed", "started", "missing"]
    labels = STATUS_LABELS if c.kind == "quiz" else MATERIAL_STATUS
    counts = c.counts()
    rows = []
    for cat in (Category.POLICE.value, Category.AUXILIARY.value):
        got = counts.get(cat, {"total": 0})
        total = got["total"]
        rows.append([category_name(cat), total, *(got.get(s, 0) for s in statuses),
                     (got.get("passed", 0) / total) if total else None])
    return Table(_("覆盖情况（民警/辅警）"), [_("类别"), _("应参加"), *(_(labels[s]) for s in statuses), _("覆盖率")],
                 ["text", "int", "int", "int", "int", "pct"], rows, sheet=_("覆盖汇总"))


def coverage_document(c: Coverage, unit_name: str, when: str) -> Document:
    labels = STATUS_LABELS if c.kind == "quiz" else MATERIAL_STATUS
    title = _("考试覆盖情况：{t}", t=c.title) if c.kind == "quiz" else _("学习覆盖情况：{t}", t=c.title)
    doc = Document(title, unit_name, when)
    doc.blocks.append(coverage_table(c))
    missing = [r for r in c.rows if r.status != "passed"]
    doc.blocks.append(Table(_("未完成人员"), [_("支部"), _("警号"), _("姓名"), _("类别"), _("状态"),
                                           _("最高分") if c.kind == "quiz" else _("已读分钟")],
                            ["text", "text", "text", "text", "text", "num"],
                            [[r.branch, r.badge, r.name, category_name(r.category), _(labels[r.status]), r.best]
                             for r in missing], sheet=_("未完成人员")))
    return doc


def items_table(a: ItemAnalysis) -> Table:
    return Table(_("试题分析"), [_("题号"), _("题型"), _("题干"), _("作答人次"), _("难度系数（答对率）"), _("区分度"),
                                _("提示")],
                 ["int", "text", "text", "int", "pct", "num", "text"],
                 [[r.question_id, _(QTYPE_LABELS.get(r.qtype, r.qtype)) if r.qtype else "",
                   r.stem if len(r.stem) <= 40 else r.stem[:39] + "…", r.answered, r.facility,
                   None if r.discrimination is None else round(r.discrimination, 2), r.warning_text()]
                  for r in a.rows],
                 highlight=[i for i, r in enumerate(a.rows) if r.warnings], sheet=_("试题分析"))


def items_document(a: ItemAnalysis, unit_name: str) -> Document:
    doc = Document(_("试题分析：{t}", t=a.title), unit_name, _("共 {n} 份答卷", n=a.attempts))
    doc.blocks.append(Note(_("难度系数为得分率（越高越容易）；区分度＝成绩前27%的答卷得分率减去后27%的得分率。"
                             "提示：太容易（>90%）、太难（<30%）、区分度低（<0.2）、答案可能有误（区分度低于 -0.1）。")))
    doc.blocks.append(items_table(a))
    return doc
