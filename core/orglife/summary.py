# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Period summaries (月反馈、季考评、年总结): one report document for a branch and a month, quarter
or year, gathering study, exams, group sessions, reflections, points, the rating and who is behind.

Every number comes from the capability that owns it: the branch comparison's statistics and the
per-officer rows (core.reports), the points ledger's ranking (core.points), group sessions and
reflections (core.orglife), the published ratings. The document is written as PDF or .docx by
core.reports.export.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import NotFound
from base.i18n import _
from core.infra.clock import local_date
from core.models import Officer, Reflection, ReflectionTask, Unit
from core.orglife import rating
from core.orglife.reflections import STATUS_LABELS, list_reflections
from core.orglife.views import list_sessions, officer_attendance
from core.people.org import unit_chain
from core.reports.branches import branch_stats
from core.reports.document import Chart, Document, Note, Table
from core.reports.officers import branch_officers
from core.reports.period import Period
from core.reports.scope import BranchUnit, Scope
from core.study.tracker import load_settings


@dataclass(frozen=True, slots=True)
class Behind:
    badge: str
    name: str
    reasons: list[str]


def _title(period: Period) -> str:
    return {"month": _("月度学习情况反馈"), "quarter": _("季度学习考评"), "year": _("年度学习总结")}.get(
        period.kind, _("学习情况汇总"))


def behind(session: Session, unit_id: int, period: Period) -> list[Behind]:
    """Members short of the study target, with absences not made up, or reflections not handed in."""
    weekly = load_settings(session).weekly_target
    target_minutes = weekly * period.days / 7
    people = branch_officers(session, period, Scope(), unit_id)
    attendance = officer_attendance(session, [p.officer_id for p in people], period.start, period.end)
    tasks = list(session.scalars(select(ReflectionTask.id).where(
        ReflectionTask.unit_id.in_(list(unit_chain(session, unit_id))), ReflectionTask.due_date >= period.start,
        ReflectionTask.due_date <= period.end)))
    handed: dict[int, int] = {}
    if tasks:
        for oid in session.scalars(select(Reflection.officer_id).where(Reflection.task_id.in_(tasks))):
            handed[oid] = handed.get(oid, 0) + 1
    out = []
    for p in people:
        if not p.active:
            continue
        reasons = []
        if p.study_minutes < target_minutes:
            reasons.append(_("学习 {a:.0f} 分钟，未达 {b:.0f} 分钟", a=p.study_minutes, b=target_minutes))
        done, expected = attendance.get(p.officer_id, (0, 0))
        if done < expected:
            reasons.append(_("组织生活缺席 {n} 次未补学", n=expected - done))
        missing = len(tasks) - handed.get(p.officer_id, 0)
        if missing > 0:
            reasons.append(_("心得体会缺交 {n} 篇", n=missing))
        if reasons:
            out.append(Behind(p.badge, p.name, reasons))
    return out


def summary_document(session: Session, unit_id: int, period: Period) -> Document:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("找不到单位 {u}", u=unit_id))
    branch = BranchUnit(unit.id, unit.code, unit.name, "")
    (now,) = branch_stats(session, period, Scope(), units=[branch])
    (before,) = branch_stats(session, period.previous(), Scope(), units=[branch])
    sessions = list(reversed(list_sessions(session, unit_ids=[unit_id], first=period.start, last=period.end)))
    reflections = list_reflections(session, unit_ids=[unit_id], first=period.start, last=period.end)
    expected = sum(s.expected for s in sessions)
    attended = sum(s.present + s.made_up for s in sessions)
    doc = Document(_title(period), unit.name, period.label)

    overview = Table(_("总体情况"), [_("项目"), _("本期"), _("上期")], ["text", "text", "text"])
    for key, label, fmt in (("members", _("在册人数"), "{:.0f}"), ("study_minutes", _("人均学习（分钟）"), "{:.1f}"),
                            ("participation", _("参考率"), "pct"), ("avg_score", _("考试平均分"), "{:.1f}"),
                            ("pass_rate", _("考试合格率"), "pct"), ("points", _("人均积分"), "{:.1f}"),
                            ("materials", _("必学完成率"), "pct")):
        values = [now.value(key), before.value(key)]
        overview.rows.append([label, *["—" if v is None else (f"{v * 100:.1f}%" if fmt == "pct" else fmt.format(v))
                                       for v in values]])
    overview.rows.append([_("组织生活"), _("{n} 次，出勤率 {r}", n=len(sessions),
                                        r=f"{attended / expected * 100:.1f}%" if expected else "—"), ""])
    overview.rows.append([_("心得体会"), _("提交 {n} 篇，优秀 {e} 篇", n=len(reflections),
                                        e=sum(1 for r in reflections if r.status == "excellent")), ""])
    ratings = [h for h in rating.history(session, unit_id) if h[3] and _in_period(h[0], period)]
    if ratings:
        overview.rows.append([_("支部评星"), "；".join(_("{q}：{s} 星（{v:.1f} 分）", q=q, s=st, v=sc)
                                                     for q, sc, st, _p in ratings), ""])
    doc.blocks.append(overview)
    if sessions:
        doc.blocks.append(Chart(_("组织生活出勤率"), "bar", [s.day.strftime("%m-%d") for s in sessions],
                                [(_("出勤率"), [s.attendance_rate for s in sessions])], percent=True))
    doc.blocks.append(Table(_("组织生活"), [_("日期"), _("类型"), _("主题"), _("时长（分钟）"), _("出席"), _("请假"),
                                         _("缺席"), _("已补学")],
                            ["text", "text", "text", "int", "int", "int", "int", "int"],
                            [[s.day.isoformat(), s.kind_name, s.topic, s.minutes, s.present, s.leave, s.absent,
                              s.made_up] for s in sessions]))
    doc.blocks.append(Table(_("心得体会"), [_("姓名"), _("题目"), _("提交日期"), _("审阅")],
                            ["text", "text", "text", "text"],
                            [[r.name, r.task_title, local_date(r.submitted_at).isoformat(),
                              _(STATUS_LABELS.get(r.status, r.status))] for r in reflections]))
    people = sorted(branch_officers(session, period, Scope(), unit_id), key=lambda p: (-p.points, p.badge))
    doc.blocks.append(Table(_("个人学习与积分"), [_("警号"), _("姓名"), _("学习（分钟）"), _("考试次数"),
                                             _("平均分"), _("积分")],
                            ["text", "text", "num", "int", "num", "num"],
                            [[p.badge, p.name, p.study_minutes, p.attempts, p.avg_score, p.points] for p in people]))
    late = behind(session, unit_id, period)
    doc.blocks.append(Table(_("需要督促的人员"), [_("警号"), _("姓名"), _("原因")], ["text", "text", "text"],
                            [[b.badge, b.name, "；".join(b.reasons)] for b in late],
                            highlight=list(range(len(late)))))
    if not late:
        doc.blocks.append(Note(_("本期全体人员均已完成学习任务。")))
    officers = session.scalar(select(Officer.name).where(Officer.unit_id == unit_id, Officer.role == "secretary")
                              .order_by(Officer.badge).limit(1))
    doc.subtitle = _("支部书记：{n}", n=officers) if officers else ""
    return doc


def _in_period(quarter_code: str, period: Period) -> bool:
    q = rating.quarter(quarter_code)
    return period.start <= q.start and q.end <= period.end or q.start <= period.start <= q.end
