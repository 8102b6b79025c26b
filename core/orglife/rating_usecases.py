# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with 支部评星定级: everyone reads the published ranking (评比晾晒) and a branch's
history; administrators set the criteria and bands, compute a quarter, adjust a branch with a
reason (audited) and publish. Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action, scope_for
from core.access.usecase import Change, Work, use_case
from core.orglife import rating
from core.orglife.rating import Band, Criterion, RatingRow
from core.people.org import unit_by_code_or_name

RATINGS = Change.ORGLIFE


@use_case(Action.RATING_VIEW, readonly=True)
def rating_criteria(work: Work) -> tuple[list[Criterion], list[Band]]:
    """The criteria (weights, targets, thresholds) and star bands in force."""
    return rating.criteria(work.session), rating.bands(work.session)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def set_rating_criteria(work: Work, criteria: Sequence[Criterion], bands: Sequence[Band] | None = None) -> None:
    rating.set_criteria(work.session, criteria, actor_id=work.actor_id)
    if bands is not None:
        rating.set_bands(work.session, bands, actor_id=work.actor_id)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def set_rating_criteria_file(work: Work, path: Path) -> None:
    """Criteria and bands from a TOML file (``rating criteria --set``)::

        [[criterion]]
        metric = "attendance"   # see core.orglife.rating.METRICS
        weight = 20
        target = 1.0
        threshold = 0.6
        [[band]]
        stars = 5
        name = "五星"
        min_score = 90
    """
    items, band_items = rating.read_criteria_file(path)
    rating.set_criteria(work.session, items, actor_id=work.actor_id)
    if band_items:
        rating.set_bands(work.session, band_items, actor_id=work.actor_id)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def compute_ratings(work: Work, period: str) -> list[RatingRow]:
    """Compute every branch's rating for a quarter (``2026Q4``) from the criteria; recomputing
    replaces an unpublished result and its adjustments."""
    quarter = rating.quarter(period)
    rating.compute(work.session, quarter, work.clock, actor_id=work.actor_id)
    return rating.ranking(work.session, quarter, published_only=False)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def adjust_rating(work: Work, period: str, unit: str | int, score: float, reason: str) -> None:
    """Set a branch's score for a quarter by hand, with the reason (audited: old and new)."""
    unit_id = unit if isinstance(unit, int) else unit_by_code_or_name(work.session, unit).id
    rating.adjust(work.session, rating.quarter(period), unit_id, score, reason, actor_id=work.actor_id)


@use_case(Action.RATING_MANAGE, changes=RATINGS)
def publish_ratings(work: Work, period: str) -> int:
    """Publish a quarter's ratings (评比晾晒); they can no longer be recomputed or adjusted."""
    return rating.publish(work.session, rating.quarter(period), work.clock, actor_id=work.actor_id)


@use_case(Action.RATING_VIEW, readonly=True)
def rating_ranking(work: Work, period: str) -> list[RatingRow]:
    """A quarter's ranking with stars and the change against the last quarter: published ratings
    for everyone; administrators also see a computed result before it is published."""
    manager = scope_for(work.actor.role, Action.RATING_MANAGE) is not None
    return rating.ranking(work.session, rating.quarter(period), published_only=not manager)


@use_case(Action.RATING_VIEW, readonly=True)
def rating_periods(work: Work) -> list[str]:
    """Quarters with published ratings, newest first."""
    return rating.published_periods(work.session)


@use_case(Action.RATING_VIEW, readonly=True)
def rating_history(work: Work, unit: str | int) -> list[tuple[str, float, int, bool]]:
    """One branch's ratings, newest quarter first (published ones for everyone but administrators)."""
    unit_id = unit if isinstance(unit, int) else unit_by_code_or_name(work.session, unit).id
    manager = scope_for(work.actor.role, Action.RATING_MANAGE) is not None
    return [h for h in rating.history(work.session, unit_id) if manager or h[3]]


@use_case(Action.RATING_VIEW, readonly=True)
def honour_roll_pdf(work: Work, period: str, target: Path, *, progress: ProgressSink = no_progress,
                    cancel: CancelToken | None = None) -> Path:
    """The printable 红榜 of a published quarter: branches by stars and score (PDF)."""
    from core.orglife.honour import honour_document
    from core.reports.export import export

    quarter = rating.quarter(period)
    rows = rating.ranking(work.session, quarter, published_only=True)
    if not rows:
        from base.errors import NotFound

        raise NotFound(_("{p} 的评星结果还没有公布", p=quarter.code))
    if cancel is not None:
        cancel.check()
    return export(honour_document(quarter, rows), target, progress=progress)

