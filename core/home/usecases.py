# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The officer's home page (首页): what to do today, always about the actor's own records.

Use cases (see :mod:`core.access.usecase`): ``fn(db, actor)``.
"""

from __future__ import annotations

from core.access.permissions import Action
from core.access.usecase import Work, use_case
from core.home import dashboard
from core.home.dashboard import OfficerSummary


@use_case(Action.HOME_VIEW, readonly=True)
def officer_summary(work: Work) -> OfficerSummary:
    """Study minutes against the targets, this month's points, required reading, open exams, 错题本."""
    return dashboard.officer_summary(work.session, work.actor.id, work.clock.now())


@use_case(Action.HOME_VIEW, readonly=True)
def today_minutes(work: Work) -> int:
    """The actor's counted study minutes today (the header of the main window)."""
    return dashboard.today_minutes(work.session, work.actor.id, work.clock.now())
