# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 组织生活, 心得体会 and 支部评星 pages and dialogs on the demo database, as each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from core.infra.clock import FakeClock
from core.infra.db import Database
from core.orglife import usecases as orglife
from core.orglife.reflections import RETURNED
from core.orglife.sessions import ABSENT, LEAVE, PRESENT
from core.people.users import get_user
from core.study import usecases as study
from gui.context import AppContext
from gui.orglife.reflections import HIGHLIGHT, ReviewDialog, highlighted
from gui.orglife.sessions import SessionDialog
from gui.pages.orglife import OrgLifePage
from gui.pages.rating import RatingPage
from gui.pages.reflections import ReflectionsPage
from gui.tasks import TaskManager
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY
from tests.study.helpers import cst

Make = Callable[[str], AppContext]


@pytest.fixture
def context(sqlite_demo_db: Database) -> Iterator[Make]:
    sqlite_demo_db.clock = FakeClock(cst(2026, 11, 2, 10))
    tasks = TaskManager()

    def make(badge: str) -> AppContext:
        with sqlite_demo_db.transaction() as s:
            return AppContext(sqlite_demo_db, get_user(s, badge), tasks)

    yield make
    tasks.shutdown()


def _settle(qtbot: QtBot, ctx: AppContext) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10000)


def test_secretary_sees_own_branch_sessions_and_records_one(qtbot: QtBot, context: Make) -> None:
    ctx = context(DEMO_SECRETARY)
    page = OrgLifePage(ctx)
    qtbot.addWidget(page)
    page.range.setCurrentIndex(page.range.findData("all"))
    _settle(qtbot, ctx)
    rows = page.model.rows
    assert rows and {r.unit_id for r in rows} == {ctx.user.unit_id}
    dialog = SessionDialog(ctx, page, orglife.session_kinds(ctx.db, ctx.actor), orglife.branches(ctx.db, ctx.actor),
                           study.list_materials(ctx.db, ctx.actor))
    qtbot.addWidget(dialog)
    _settle(qtbot, ctx)
    assert len(dialog.members) == 11
    dialog.topic.setText("学习贯彻全会精神")
    dialog.set_status(1, LEAVE, "出差")
    dialog.set_status(2, ABSENT)
    spec = dialog.spec()
    assert spec.attendance[dialog.members[1].id] == (LEAVE, "出差")
    assert spec.attendance[dialog.members[2].id][0] == ABSENT
    assert spec.attendance[dialog.members[0].id][0] == PRESENT
    sid = orglife.record_session(ctx.db, ctx.actor, spec)
    detail = orglife.session_detail(ctx.db, ctx.actor, sid)
    assert (detail.row.present, detail.row.leave, detail.row.absent) == (9, 1, 1)


def test_review_dialog_highlights_the_copied_passages(qtbot: QtBot, context: Make) -> None:
    ctx = context(DEMO_SECRETARY)
    page = ReflectionsPage(ctx)
    qtbot.addWidget(page)
    _settle(qtbot, ctx)
    assert page.review is not None and page.tabs.tabText(0) == "审阅"
    rows = orglife.list_reflections(ctx.db, ctx.actor)
    copied = max(rows, key=lambda r: r.match_estimate or 0)
    detail = orglife.reflection_detail(ctx.db, ctx.actor, copied.id)
    assert detail.match is not None and detail.match.share >= 0.5
    dialog = ReviewDialog(ctx, page, detail)
    qtbot.addWidget(dialog)
    assert dialog.verdict() == RETURNED                  # a likely copy starts as 退回修改
    html = highlighted(detail.text, detail.match.spans)
    assert html.count(f"background:{HIGHLIGHT}") == len(detail.match.spans)


def test_officer_writes_but_does_not_review(qtbot: QtBot, context: Make) -> None:
    ctx = context(DEMO_OFFICER)
    page = ReflectionsPage(ctx)
    qtbot.addWidget(page)
    _settle(qtbot, ctx)
    assert page.review is None and page.tabs.count() == 1 and page.mine.model.rows


def test_rating_page_shows_the_published_quarter(qtbot: QtBot, context: Make) -> None:
    officer = context(DEMO_OFFICER)
    page = RatingPage(officer)
    qtbot.addWidget(page)
    _settle(qtbot, officer)
    assert page.quarter.currentData() == "2026Q3"
    assert len(page.model.rows) == 6 and all(r.published for r in page.model.rows)
    assert page.parts.rows and not page.manager
    admin = context(DEMO_ADMIN)
    managed = RatingPage(admin)
    qtbot.addWidget(managed)
    _settle(qtbot, admin)
    assert managed.manager


def test_attendance_of_a_planned_session_is_taken_in_the_detail_dialog(qtbot: QtBot, context: Make) -> None:
    from core.orglife.sessions import SessionSpec
    from gui.orglife.sessions import AttendanceDialog, SessionDetailDialog

    ctx = context(DEMO_SECRETARY)
    sid = orglife.record_session(ctx.db, ctx.actor, SessionSpec(ctx.user.unit_id or 0, "lecture", "党课",
                                                                  cst(2026, 11, 5, 15), 60))
    ctx.db.clock = FakeClock(cst(2026, 11, 6, 10))
    detail = orglife.session_detail(ctx.db, ctx.actor, sid)
    assert detail.attendance == []
    holder = QWidget()
    qtbot.addWidget(holder)
    dialog = SessionDetailDialog(ctx, holder, detail)
    qtbot.addWidget(dialog)
    members = orglife.branch_members(ctx.db, ctx.actor, ctx.user.unit_id or 0)
    from core.orglife.views import AttendanceLine

    take = AttendanceDialog(dialog, [AttendanceLine(m.id, m.badge, m.name, PRESENT, "", None) for m in members])
    qtbot.addWidget(take)
    marks = take.marks()
    assert set(marks) == {m.id for m in members} and {v[0] for v in marks.values()} == {PRESENT}
    orglife.set_attendance(ctx.db, ctx.actor, sid, {**marks, members[0].badge: (ABSENT, "")})
    row = orglife.session_detail(ctx.db, ctx.actor, sid).row
    assert (row.present, row.absent) == (len(members) - 1, 1)
