# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with reports (统计): compare branches, drill down, transcripts, reminders,
coverage and question analysis. Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``.

How far each reaches follows the permission table:

* branch comparisons and trends hold only aggregated numbers and are published to every branch
  (``REPORT_BRANCHES``: secretaries and administrators, every unit);
* drill-downs, transcripts (学习档案), reminders and coverage name officers (``REPORT_PEOPLE``): a
  secretary sees their own unit subtree only, an officer only their own transcript;
* question analysis names no one (``REPORT_ITEMS``: every attempt of the quiz).

Each use case returns the computed numbers together with the report's
:class:`~core.reports.document.Document`. Writing that document as PDF or Excel reads no database,
so the caller does it with :func:`core.reports.export.export` (the GUI through ``ctx.op``).

Who a report covers is given as ``unit`` (a unit id, or a unit code or name from the command
line; None for every unit the report may show), ``category`` (``police`` / ``auxiliary``) and
``party_only``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.access.permissions import Action
from core.access.usecase import Work, denied, use_case
from core.infra.clock import local_date
from core.models import Officer, Unit
from core.people.org import UnitNode, unit_by_code_or_name, unit_tree
from core.quiz.catalog import QuizInfo, list_quizzes
from core.quiz.upkeep import settle_expired
from core.reports import branches as branch_reports
from core.reports import builders as docs
from core.reports import coverage as coverage_reports
from core.reports import items as item_reports
from core.reports import officers as officer_reports
from core.reports import reminders as reminder_reports
from core.reports import rollup
from core.reports.branches import METRICS, BranchComparison, Trend
from core.reports.coverage import Coverage
from core.reports.document import Chart, Document, Table
from core.reports.items import ItemAnalysis
from core.reports.officers import OfficerRow, Transcript
from core.reports.period import Period
from core.reports.reminders import Reminders
from core.reports.scope import Scope, scope_name

UnitKey = int | str | None       # a unit id, a unit code or name, or None (every unit the report may show)


def _scope(work: Work, unit: UnitKey, category: str | None, party_only: bool) -> Scope:
    unit_id = unit_by_code_or_name(work.session, unit.strip()).id if isinstance(unit, str) else unit
    return Scope(unit_id, category or None, party_only)


def _people_scope(work: Work, unit: UnitKey, category: str | None,
                  party_only: bool) -> tuple[Scope, frozenset[int] | None]:
    """The scope of a report naming officers, narrowed to the actor's unit subtree (secretaries),
    and the units it may cover (None: all). Officers, who may only see their own records, are refused."""
    allowed = work.units()
    if allowed is not None and not allowed:
        raise denied(work.actor, work.action, _("只能查看本人的学习档案"))
    scope = _scope(work, unit, category, party_only)
    if scope.unit_id is not None:
        work.check_unit(scope.unit_id)
    elif allowed is not None:
        scope = replace(scope, unit_id=work.actor.unit_id)
    return scope, allowed


def _today(work: Work) -> dt.date:
    return local_date(work.clock.now())


# --- the filter bar ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReportLists:
    """What the filter bar offers: the unit tree and the quizzes (for coverage and item analysis)."""

    units: list[UnitNode]
    quizzes: list[QuizInfo]


@use_case(Action.REPORT_ITEMS, readonly=True)
def report_lists(work: Work) -> ReportLists:
    work.require(Action.UNITS_VIEW)
    return ReportLists(unit_tree(work.session), list_quizzes(work.session))


# --- branch comparison and trend (aggregated numbers only) -------------------------------------

@dataclass(frozen=True, slots=True)
class BranchReport:
    comparison: BranchComparison
    trend: Trend | None
    chart: Chart                 # the ranking metric, this and the previous period
    table: Table                 # every metric of every branch, with the total
    trend_chart: Chart | None
    document: Document           # all of the above, for PDF or Excel


@use_case(Action.REPORT_BRANCHES, readonly=True)
def compare_branches(work: Work, period: Period, *, metric: str = "participation", unit: UnitKey = None,
                     category: str | None = None, party_only: bool = False, active_days: int | None = None,
                     trend: int = 0) -> BranchReport:
    """Branches ranked by ``metric`` against the previous period; with ``trend`` > 0 also the metric
    over the ``trend`` periods ending with ``period``."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    rollup.refresh(work.db)      # recompute the months written since (correct without it, only slower)
    if metric not in METRICS:
        raise InvalidInput(_("未知的指标“{m}”，可选：{all}", m=metric, all="、".join(METRICS)))
    s = work.session
    scope = _scope(work, unit, category, party_only)
    cmp = branch_reports.compare_branches(s, period, scope, metric=metric, active_days=active_days)
    tr = (branch_reports.branch_trend(s, period, scope, metric=metric, count=trend, active_days=active_days)
          if trend > 0 else None)
    doc = docs.branches_document(cmp, tr)
    chart = next(b for b in doc.blocks if isinstance(b, Chart))
    return BranchReport(cmp, tr, chart, docs.comparison_table(cmp), docs.trend_chart(tr) if tr else None, doc)


# --- reports that name officers ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OfficersReport:
    unit_id: int
    unit_name: str
    period: Period
    rows: list[OfficerRow]
    document: Document


@use_case(Action.REPORT_PEOPLE, readonly=True)
def branch_officers(work: Work, period: Period, unit_id: int, *, category: str | None = None,
                    party_only: bool = False) -> OfficersReport:
    """Drill-down: the members of one branch in ``period`` with what each did there."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    scope, _allowed = _people_scope(work, unit_id, category, party_only)
    unit = work.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("找不到单位 {u}", u=unit_id))
    rows = officer_reports.branch_officers(work.session, period, scope, unit_id)
    return OfficersReport(unit_id, unit.name, period, rows, docs.officers_document(rows, unit.name, period))


@dataclass(frozen=True, slots=True)
class TranscriptReport:
    transcript: Transcript
    document: Document


@use_case(Action.REPORT_PEOPLE, readonly=True)
def transcript(work: Work, badge: str, *, period: Period | None = None) -> TranscriptReport:
    """One officer's 学习档案 (all time by default): the actor's own, or an officer of their units."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    badge = badge.strip()
    officer_id = work.session.scalar(select(Officer.id).where(Officer.badge == badge))
    if officer_id is not None:
        work.check_officer(officer_id)
    t = officer_reports.transcript(work.session, badge, period)   # raises NotFound for an unknown badge
    return TranscriptReport(t, docs.transcript_document(t))


@dataclass(frozen=True, slots=True)
class RemindersReport:
    reminders: Reminders
    document: Document


@use_case(Action.REPORT_PEOPLE, readonly=True)
def reminders(work: Work, *, kind: str = "week", minutes_target: float | None = None,
              points_target: float | None = None, day: dt.date | None = None, unit: UnitKey = None,
              category: str | None = None, party_only: bool = False) -> RemindersReport:
    """活跃度 reminders: current members below the study or points target this week or month
    (as of ``day``, default today)."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    scope, allowed = _people_scope(work, unit, category, party_only)
    s = work.session
    r = reminder_reports.reminders(s, scope, day or _today(work), kind=kind, minutes_target=minutes_target,
                                   points_target=points_target, unit_ids=allowed)
    return RemindersReport(r, docs.reminders_document(r, scope_name(s, scope)))


@dataclass(frozen=True, slots=True)
class CoverageReport:
    coverage: Coverage
    document: Document


@use_case(Action.REPORT_PEOPLE, readonly=True)
def coverage(work: Work, *, quiz_id: int | None = None, material_id: int | None = None, unit: UnitKey = None,
             category: str | None = None, party_only: bool = False) -> CoverageReport:
    """Who of a quiz's or a material's audience passed / finished, started, or is missing, today."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    if (quiz_id is None) == (material_id is None):
        raise InvalidInput(_("请指定一套试卷或一份学习资料"))
    scope, allowed = _people_scope(work, unit, category, party_only)
    s, today = work.session, _today(work)
    if quiz_id is not None:
        cov = coverage_reports.quiz_coverage(s, quiz_id, scope, today, unit_ids=allowed)
    else:
        assert material_id is not None
        cov = coverage_reports.material_coverage(s, material_id, scope, today, unit_ids=allowed)
    doc = docs.coverage_document(cov, scope_name(s, scope), _("截至 {d}", d=today.isoformat()))
    return CoverageReport(cov, doc)


# --- question analysis (no personal data) ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ItemsReport:
    analysis: ItemAnalysis
    document: Document


@use_case(Action.REPORT_ITEMS, readonly=True)
def item_analysis(work: Work, quiz_id: int, *, unit: UnitKey = None) -> ItemsReport:
    """Facility and discrimination of each question over every attempt of the quiz; ``unit`` only
    names the unit in the report's heading."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    s = work.session
    analysis = item_reports.item_analysis(s, quiz_id)
    return ItemsReport(analysis, docs.items_document(analysis, scope_name(s, _scope(work, unit, None, False))))
