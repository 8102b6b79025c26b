# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Coverage reports list the audience only: a quiz's (``unit_ids``) and a material's (``units``)."""

from __future__ import annotations

import datetime as dt

from core.access.actor import Actor
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Material, Quiz
from core.reports import usecases as reports


def test_coverage_keeps_to_the_audience_units(org: tuple[Database, dict[str, int]],
                                              org_actors: dict[str, Actor]) -> None:
    db, ids = org
    db.clock = FakeClock(dt.datetime(2026, 10, 2, 2, tzinfo=dt.UTC))
    admin = org_actors["admin"]
    everyone = {r.branch for r in reports.coverage(db, admin, material_id=1).coverage.rows}
    assert everyone == {"一支部", "二支部"}
    with db.transaction() as s:
        material, quiz = s.get(Material, 1), s.get(Quiz, 1)
        assert material is not None and quiz is not None
        material.audience = {"units": [ids["A"]]}       # a material's audience key
        quiz.audience = {"unit_ids": [ids["B"]]}        # a quiz's
    assert {r.branch for r in reports.coverage(db, admin, material_id=1).coverage.rows} == {"一支部"}
    assert {r.branch for r in reports.coverage(db, admin, quiz_id=1).coverage.rows} == {"二支部"}
