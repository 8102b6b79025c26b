# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Study, home and points use cases: who may do what, how far, and that every refusal is logged."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput, PermissionDenied
from core.access.actor import ANONYMOUS, Actor
from core.home import usecases as home
from core.infra.clock import FakeClock, local_date
from core.infra.db import Database
from core.models import AuditEntry, LedgerEntry, Material, MaterialProgress, Officer, QuestionRow, StudySession
from core.points import usecases as points
from core.points.ledger import parse_period
from core.study import usecases as study
from core.study.tracker import Beat
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY, actor_of
from tests.study.helpers import cst
from tests.study.test_formats import make_docx

PERIOD = parse_period("2026")


@dataclass
class Demo:
    """The demo accounts and a few records of the demo database to act on."""

    db: Database
    clock: FakeClock
    admin: Actor
    secretary: Actor          # secretary of one branch
    officer: Actor            # an officer of that branch
    outsider: str             # badge of an officer of another branch
    other_unit: int           # another branch
    material: int
    question: int
    tmp: Path

    def beat(self, officer_id: int, seconds: int = 30) -> Beat:
        return Beat(uuid.uuid4(), officer_id, self.material, {local_date(self.clock.now()): seconds}, 0.3)


@pytest.fixture
def demo(demo_db: Database, tmp_path: Path) -> Demo:
    clock = FakeClock(cst(2026, 11, 2, 10))
    demo_db.clock = clock
    secretary = actor_of(demo_db, DEMO_SECRETARY)
    with demo_db.transaction() as s:
        outsider = s.scalar(select(Officer).where(Officer.unit_id != secretary.unit_id, Officer.role == "officer")
                            .order_by(Officer.id).limit(1))
        assert outsider is not None
        material = s.scalar(select(Material.id).where(Material.required).order_by(Material.id).limit(1))
        question = s.scalar(select(QuestionRow.id).order_by(QuestionRow.id).limit(1))
        badge, other_unit = outsider.badge, outsider.unit_id
    return Demo(demo_db, clock, actor_of(demo_db, DEMO_ADMIN), secretary, actor_of(demo_db, DEMO_OFFICER), badge,
                other_unit, material, question, tmp_path)


def denials(db: Database) -> int:
    with db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)
                            .where(AuditEntry.action == "access.denied")) or 0)


def refused(d: Demo, actor: Actor, call: Callable[[Database, Actor], Any]) -> PermissionDenied:
    before = denials(d.db)
    with pytest.raises(PermissionDenied) as info:
        call(d.db, actor)
    assert denials(d.db) == before + 1
    return info.value


# Who is refused what: (who, what), by the permission table or by the scope of the record.
CASES: dict[str, tuple[str, Callable[[Demo], Callable[[Database, Actor], Any]]]] = {
    # Every account reads its own; nobody logged in reads nothing.
    "my_materials/anonymous": ("anonymous", lambda d: study.my_materials),
    "open_material/anonymous": ("anonymous", lambda d: lambda db, a: study.open_material(db, a, d.material)),
    "heartbeat/anonymous": ("anonymous", lambda d: lambda db, a: study.heartbeat(db, a, d.beat(d.officer.id))),
    "finish/anonymous": ("anonymous", lambda d: lambda db, a: study.finish_material(db, a, d.material)),
    "material_for_question/anonymous": ("anonymous",
                                        lambda d: lambda db, a: study.material_for_question(db, a, d.question)),
    "officer_summary/anonymous": ("anonymous", lambda d: home.officer_summary),
    "today_minutes/anonymous": ("anonymous", lambda d: home.today_minutes),
    "points_history/anonymous": ("anonymous", lambda d: points.points_history),
    "point_rules/anonymous": ("anonymous", lambda d: points.point_rules),
    # Reading is one's own, whatever the role.
    "heartbeat/other officer": ("admin", lambda d: lambda db, a: study.heartbeat(db, a, d.beat(d.officer.id))),
    "heartbeat/secretary for own officer": ("secretary",
                                            lambda d: lambda db, a: study.heartbeat(db, a, d.beat(d.officer.id))),
    "finish/other officer's beat": ("secretary", lambda d: lambda db, a: study.finish_material(
        db, a, d.material, last_beat=d.beat(d.officer.id))),
    # Managing materials: secretaries and administrators.
    "list_materials/officer": ("officer", lambda d: study.list_materials),
    "materials_overview/officer": ("officer", lambda d: study.materials_overview),
    "import_materials/officer": ("officer", lambda d: lambda db, a: study.import_materials(
        db, a, [make_docx(d.tmp / "a.docx")])),
    "update_material/officer": ("officer", lambda d: lambda db, a: study.update_material(db, a, d.material,
                                                                                          active=False)),
    "link_question/officer": ("officer", lambda d: lambda db, a: study.link_question(db, a, d.question, d.material)),
    # Points: one's own history; a secretary an officer of their units; tallies for secretaries.
    "points_history/officer of someone": ("officer", lambda d: lambda db, a: points.points_history(
        db, a, badge=DEMO_SECRETARY)),
    "points_history/secretary outside": ("secretary", lambda d: lambda db, a: points.points_history(
        db, a, badge=d.outsider)),
    "officer_tally/officer": ("officer", lambda d: lambda db, a: points.officer_tally(db, a, PERIOD)),
    "unit_tally/officer": ("officer", lambda d: lambda db, a: points.unit_tally(db, a, PERIOD)),
    "rankings/officer": ("officer", lambda d: lambda db, a: points.rankings(db, a, PERIOD)),
    "ranking_scopes/officer": ("officer", lambda d: points.ranking_scopes),
    "officer_tally/secretary outside": ("secretary", lambda d: lambda db, a: points.officer_tally(
        db, a, PERIOD, unit_id=d.other_unit)),
    "rankings/secretary outside": ("secretary", lambda d: lambda db, a: points.rankings(
        db, a, PERIOD, unit_id=d.other_unit)),
    "set_point_rule/secretary": ("secretary", lambda d: lambda db, a: points.set_point_rule(
        db, a, "quiz_passed", amount=1, daily_cap=None, valid_from=local_date(d.clock.now()))),
    "set_point_rule/officer": ("officer", lambda d: lambda db, a: points.set_point_rule(
        db, a, "quiz_passed", amount=1, daily_cap=None, valid_from=local_date(d.clock.now()))),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refusals_are_refused_and_logged(demo: Demo, case: str) -> None:
    who, make = CASES[case]
    actor = {"anonymous": ANONYMOUS, "officer": demo.officer, "secretary": demo.secretary, "admin": demo.admin}[who]
    with demo.db.transaction() as s:
        before = (s.scalar(select(func.count()).select_from(StudySession)),
                  s.scalar(select(func.count()).select_from(LedgerEntry)))
    refused(demo, actor, make(demo))
    with demo.db.transaction() as s:           # a refused beat or rule stored nothing
        assert (s.scalar(select(func.count()).select_from(StudySession)),
                s.scalar(select(func.count()).select_from(LedgerEntry))) == before


def test_reading_own_material_stores_beats_and_finishes(demo: Demo) -> None:
    d, me = demo, demo.officer
    with d.db.transaction() as s:
        s.get(Material, d.material).min_seconds = 60
        s.query(MaterialProgress).filter(MaterialProgress.officer_id == me.id).delete()
    assert d.material in [m.id for m in study.my_materials(d.db, me)]
    reading = study.open_material(d.db, me, d.material)
    assert reading.content.seconds == 0 and reading.idle_seconds == 120
    result = study.heartbeat(d.db, me, d.beat(me.id, 40))
    assert result.accepted_seconds == 40 and result.material_seconds == 40
    with pytest.raises(InvalidInput):           # not yet the minimum time
        study.finish_material(d.db, me, d.material)
    done = study.finish_material(d.db, me, d.material, last_beat=d.beat(me.id, 25))
    assert done.material_seconds == 65 and done.newly_finished
    assert not study.finish_material(d.db, me, d.material).newly_finished
    with d.db.transaction() as s:
        assert s.scalar(select(LedgerEntry.rule_code).where(
            LedgerEntry.officer_id == me.id, LedgerEntry.source_type == "material",
            LedgerEntry.source_id == str(d.material))) == "required_finished"


def test_an_officer_reads_only_materials_assigned_to_them(demo: Demo) -> None:
    d = demo
    study.update_material(d.db, d.secretary, d.material, audience={"units": [d.other_unit]})
    assert d.material not in [m.id for m in study.my_materials(d.db, d.officer)]
    refused(d, d.officer, lambda db, a: study.open_material(db, a, d.material))
    refused(d, d.officer, lambda db, a: study.heartbeat(db, a, d.beat(a.id)))
    assert study.open_material(d.db, d.secretary, d.material).content.id == d.material   # a manager may preview
    study.link_question(d.db, d.admin, d.question, d.material)
    assert study.material_for_question(d.db, d.officer, d.question) is None
    assert study.material_for_question(d.db, d.secretary, d.question).id == d.material  # type: ignore[union-attr]


def test_import_update_and_list_materials(demo: Demo) -> None:
    d = demo
    files = [make_docx(d.tmp / "a.docx")]
    with pytest.raises(InvalidInput):
        study.import_materials(d.db, d.secretary, files, audience={"categories": ["boss"]})
    with pytest.raises(InvalidInput):
        study.import_materials(d.db, d.secretary, [d.tmp / "missing.md"])
    infos = study.import_materials(d.db, d.secretary, files, topic="新专题", required=True, min_minutes=3,
                                   audience={"units": [d.secretary.unit_id]})
    overview = study.materials_overview(d.db, d.admin)
    assert infos[0].id in [m.id for m in overview.materials] and "新专题" in overview.topics
    assert infos[0].id in [m.id for m in study.my_materials(d.db, d.officer)]
    study.update_material(d.db, d.admin, infos[0].id, active=False)
    assert infos[0].id not in [m.id for m in study.list_materials(d.db, d.secretary)]
    assert infos[0].id in [m.id for m in study.list_materials(d.db, d.secretary, include_inactive=True)]


def test_home_is_the_actors_own(demo: Demo) -> None:
    d, me = demo, demo.officer
    mine, theirs = home.today_minutes(d.db, me), home.today_minutes(d.db, d.secretary)
    study.heartbeat(d.db, me, d.beat(me.id, 180))
    summary = home.officer_summary(d.db, me)
    assert summary.today_minutes == home.today_minutes(d.db, me) == mine + 3
    assert home.today_minutes(d.db, d.secretary) == theirs
    assert summary.assigned_materials == 10


def test_points_history_own_and_of_a_secretarys_officer(demo: Demo) -> None:
    d = demo
    mine = points.points_history(d.db, d.officer)
    assert mine.badge == DEMO_OFFICER and mine.lines and mine.total == sum(x.amount for x in mine.lines)
    theirs = points.points_history(d.db, d.secretary, badge=DEMO_OFFICER, first=PERIOD.first, last=PERIOD.last)
    assert theirs.badge == DEMO_OFFICER and all(PERIOD.first <= x.day <= PERIOD.last for x in theirs.lines)
    assert points.points_history(d.db, d.admin, badge=d.outsider).badge == d.outsider
    assert {r.code for r in points.point_rules(d.db, d.officer)} >= {"study_minutes", "quiz_passed"}


def test_tallies_per_officer_stay_in_the_secretarys_units(demo: Demo) -> None:
    d = demo
    everyone = points.officer_tally(d.db, d.admin, PERIOD)
    branch = points.officer_tally(d.db, d.secretary, PERIOD)
    with d.db.transaction() as s:
        members = set(s.scalars(select(Officer.badge).where(Officer.unit_id == d.secretary.unit_id,
                                                            Officer.active)))
    assert {r.badge for r in branch} == members and len(everyone) > len(branch)
    assert [r.rank for r in branch][0] == 1
    # The unit comparison is published: a secretary sees every unit's aggregate, as the admin does.
    assert points.unit_tally(d.db, d.secretary, PERIOD) == points.unit_tally(d.db, d.admin, PERIOD)
    ranks = points.rankings(d.db, d.secretary, PERIOD)
    assert ranks.people == branch and len(ranks.units) == 3
    assert points.ranking_scopes(d.db, d.secretary) == []              # a branch has no sub-units
    assert len(points.ranking_scopes(d.db, d.admin)) == 4               # the bureau and its brigades


def test_setting_a_rule_is_for_administrators(demo: Demo) -> None:
    d = demo
    day = local_date(d.clock.now())
    rule = points.set_point_rule(d.db, d.admin, "quiz_passed", amount=20, daily_cap=None, valid_from=day)
    assert rule.amount == 20
    assert next(r for r in points.point_rules(d.db, d.officer) if r.code == "quiz_passed").amount == 20
