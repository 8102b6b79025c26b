# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 积分 and 学习 pages call the use cases as the logged-in user: what each role is shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Officer
from core.people.users import get_user
from gui.context import AppContext
from gui.pages.points import PointsPage
from gui.pages.study import StudyPage
from gui.tasks import TaskManager
from tests.conftest import DEMO_OFFICER, DEMO_SECRETARY
from tests.study.helpers import cst


@pytest.fixture
def context(sqlite_demo_db: Database) -> Iterator[object]:
    sqlite_demo_db.clock = FakeClock(cst(2026, 11, 2, 10))
    tasks = TaskManager()

    def make(badge: str) -> AppContext:
        with sqlite_demo_db.transaction() as s:
            return AppContext(sqlite_demo_db, get_user(s, badge), tasks)

    yield make
    tasks.shutdown()


def _tabs(page: PointsPage) -> list[str]:
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def test_officer_sees_own_points_and_the_rules(qtbot: QtBot, context) -> None:  # type: ignore[no-untyped-def]
    ctx = context(DEMO_OFFICER)
    page = PointsPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=5000)
    assert _tabs(page) == ["我的积分", "积分规则"]
    assert page.rules.model.rowCount() >= 7 and page.mine.model.rowCount() > 0


def test_secretary_ranks_the_officers_of_their_branch(qtbot: QtBot, context) -> None:  # type: ignore[no-untyped-def]
    ctx = context(DEMO_SECRETARY)
    page = PointsPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=5000)
    assert page.rankings is not None and "单位核算与排名" in _tabs(page)
    with ctx.db.transaction() as s:
        branch = set(s.scalars(select(Officer.badge).where(Officer.unit_id == ctx.user.unit_id, Officer.active)))
    shown = {r.badge for r in page.rankings.model.rows}
    assert shown == branch


def test_study_page_lists_mine_and_all_for_a_secretary(qtbot: QtBot, context) -> None:  # type: ignore[no-untyped-def]
    ctx = context(DEMO_SECRETARY)
    page = StudyPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=5000)
    assert page.mine.rowCount() == 10 and page.all.rowCount() == 10 and page.topic_list and page.unit_list
