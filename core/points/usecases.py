# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with the points ledger: see their own points (or, for a secretary, an officer's
of their units), read the rules, tally and rank, and (administrators) set a rule going forward.

Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``. Per-officer tallies cover the
officers of the actor's units only; the per-unit comparison is aggregated and published to every
branch (评比晾晒), so it covers every unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from base.errors import NotFound
from base.i18n import _
from core.access.permissions import Action
from core.access.usecase import Change, Work, use_case
from core.infra.clock import local_date
from core.models import Officer
from core.people.org import unit_by_code_or_name, unit_tree
from core.points import ledger
from core.points.ledger import HistoryLine, Period, RuleView, TallyRow, UnitTallyRow

# --- one officer's ledger ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PointsHistory:
    badge: str
    name: str
    lines: list[HistoryLine]         # newest first, each with the rule that explains it

    @property
    def total(self) -> float:
        return sum(line.amount for line in self.lines)

    def to_dict(self) -> dict[str, object]:
        return {"badge": self.badge, "name": self.name, "total": self.total,
                "entries": [line.to_dict() for line in self.lines]}


@use_case(Action.POINTS_VIEW)
def points_history(work: Work, *, badge: str | None = None, first: dt.date | None = None,
                   last: dt.date | None = None) -> PointsHistory:
    """The actor's own ledger, or (``badge``) that of an officer of the actor's units."""
    if badge is None:
        officer = work.session.get(Officer, work.actor.id)
    else:
        officer = work.session.scalar(select(Officer).where(Officer.badge == badge.strip()))
    if officer is None:
        raise NotFound(_("找不到警号为 {b} 的人员", b=badge or work.actor.badge))
    work.check_officer(officer.id)
    return PointsHistory(officer.badge, officer.name, ledger.history(work.session, officer.id, first, last))


# --- rules -------------------------------------------------------------------------------------

@use_case(Action.POINTS_RULES_VIEW)
def point_rules(work: Work) -> list[RuleView]:
    """Every rule as it stands today (switched-off rules included)."""
    return ledger.list_rules(work.session, local_date(work.clock.now()))


@use_case(Action.POINTS_RULES_EDIT, changes=Change.POINTS)
def set_point_rule(work: Work, code: str, *, amount: float, daily_cap: float | None, valid_from: dt.date,
                   active: bool = True) -> RuleView:
    """Save a new version of a rule, applied from ``valid_from`` on (entries already earned stay)."""
    return ledger.set_rule(work.session, code, amount=amount, daily_cap=daily_cap, valid_from=valid_from,
                           active=active, actor_id=work.actor_id)


# --- tallies and rankings ----------------------------------------------------------------------

def _unit(work: Work, unit_id: int | None, unit: str | None) -> int | None:
    """``unit`` (code or name) or ``unit_id`` as an id; None for no unit."""
    if unit:
        return unit_by_code_or_name(work.session, unit).id
    return unit_id


def _officer_rows(work: Work, period: Period, unit_id: int | None) -> list[TallyRow]:
    allowed = work.units()
    if unit_id is not None:
        work.check_unit(unit_id)
    return ledger.tally(work.session, period, unit_id, unit_ids=allowed)


@use_case(Action.POINTS_TALLY)
def officer_tally(work: Work, period: Period, *, unit_id: int | None = None, unit: str | None = None,
                  ) -> list[TallyRow]:
    """Points per officer in ``period``, ranked, over the officers of the actor's units (or of
    ``unit`` and its sub-units, which must be among them)."""
    return _officer_rows(work, period, _unit(work, unit_id, unit))


@use_case(Action.POINTS_TALLY)
def unit_tally(work: Work, period: Period, *, unit_id: int | None = None, unit: str | None = None,
               ) -> list[UnitTallyRow]:
    """Points per unit one level below ``unit`` (default: below the root), ranked by the average per
    member. Aggregated numbers only, published to every branch: any unit may be compared."""
    return ledger.unit_tally(work.session, period, _unit(work, unit_id, unit))


@dataclass(frozen=True, slots=True)
class Rankings:
    units: list[UnitTallyRow]        # the units compared (the bar chart)
    people: list[TallyRow]           # the officers, within the actor's units


@use_case(Action.POINTS_TALLY)
def rankings(work: Work, period: Period, *, unit_id: int | None = None) -> Rankings:
    """The ranking screen: the units below ``unit_id`` compared, and its officers ranked."""
    return Rankings(ledger.unit_tally(work.session, period, unit_id), _officer_rows(work, period, unit_id))


@use_case(Action.POINTS_TALLY)
def ranking_scopes(work: Work) -> list[tuple[int, str]]:
    """Units with sub-units the actor may rank the officers of (their own subtree, or all)."""
    allowed = work.units()
    return [(n.id, n.name) for root in unit_tree(work.session) for n in root.walk()
            if n.children and (allowed is None or n.id in allowed)]
