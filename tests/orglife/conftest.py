# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A demo branch to hold group sessions in: its secretary, members, an officer elsewhere, materials."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from core.access.actor import Actor
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Officer
from core.study.materials import add_material
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY, actor_of
from tests.study.helpers import cst


@dataclass
class Branch:
    db: Database
    clock: FakeClock
    admin: Actor
    secretary: Actor
    officer: Actor                 # a member of the secretary's branch
    unit_id: int
    members: list[int]             # every active member of the branch (officer included)
    outsider: int                  # an officer of another branch
    other_unit: int
    materials: list[int]           # two materials assigned to nobody (only 补学 opens them)
    tmp: Path


@pytest.fixture
def branch(demo_db: Database, tmp_path: Path) -> Branch:
    clock = FakeClock(cst(2026, 11, 20, 10))
    demo_db.clock = clock
    secretary = actor_of(demo_db, DEMO_SECRETARY)
    officer = actor_of(demo_db, DEMO_OFFICER)
    assert officer.unit_id == secretary.unit_id and officer.unit_id is not None
    with demo_db.transaction() as s:
        members = list(s.scalars(select(Officer.id).where(Officer.unit_id == officer.unit_id, Officer.active)
                                 .order_by(Officer.badge)))
        outsider = s.scalar(select(Officer).where(Officer.unit_id != officer.unit_id, Officer.role == "officer",
                                                  Officer.active).order_by(Officer.id).limit(1))
        assert outsider is not None
        audience = {"units": [outsider.unit_id]}          # not the branch: readable only as 补学
        mats = [add_material(s, title=f"补学资料{i}", body_html=f"<p>第{i}篇</p>", audience=audience).id
                for i in (1, 2)]
        other = (outsider.id, outsider.unit_id)
    return Branch(demo_db, clock, actor_of(demo_db, DEMO_ADMIN), secretary, officer, officer.unit_id, members,
                  other[0], other[1], mats, tmp_path)
