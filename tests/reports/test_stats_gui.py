# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 统计 screen: chart and table of the branch comparison, metric switch, drill-down, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtCharts")

from core.access.usecase import Change  # noqa: E402
from core.infra.clock import FakeClock  # noqa: E402
from core.models import Quiz  # noqa: E402
from core.people.users import get_user  # noqa: E402
from gui.context import AppContext  # noqa: E402
from gui.reports.views import run_export  # noqa: E402
from gui.tasks import TaskManager  # noqa: E402


@pytest.fixture
def open_page(qtbot, sqlite_org, sqlite_org_actors):  # type: ignore[no-untyped-def]
    """The 统计 screen as ``badge`` (ad: the administrator; o4: the secretary of 二支部)."""
    from gui.pages.stats import StatsPage

    db, _ids = sqlite_org
    db.clock = FakeClock(dt.datetime(2026, 9, 20, 2, 0, tzinfo=dt.UTC))
    tasks = TaskManager()

    def make(badge: str) -> StatsPage:
        with db.transaction() as s:
            user = get_user(s, badge)
        widget = StatsPage(AppContext(db, user, tasks))
        qtbot.addWidget(widget)
        widget.resize(1180, 700)
        widget.show()
        qtbot.waitUntil(lambda: widget.comparison is not None, timeout=10_000)
        return widget

    yield make
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    tasks.shutdown()


@pytest.fixture
def page(open_page):  # type: ignore[no-untyped-def]
    return open_page("ad")            # an administrator: every branch, every officer


def test_comparison_chart_and_table(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert page.period_edit.text() == "2026Q3"
    table = page.table
    names = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert names == ["一支部", "二支部", "三支部", "合计"]
    assert table.item(0, 5).text() == "100.0%"          # 参考率 of 一支部
    chart = page.chart.chart()
    bars = chart.series()[0].barSets()
    assert [b.at(i) for b in bars[:1] for i in range(3)] == [100.0, 50.0, 0.0]
    page.metric_box.setCurrentIndex(page.metric_box.findData("study_minutes"))
    qtbot.waitUntil(lambda: page.comparison.metric == "study_minutes", timeout=10_000)
    assert page.chart.chart().series()[0].barSets()[0].at(0) == pytest.approx(140.0)


def test_drill_down_to_officers(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.drill(0)
    qtbot.waitUntil(lambda: bool(page.officers_view.tables), timeout=10_000)
    view = page.officers_view.tables[0]
    badges = sorted(view.item(r, 0).text() for r in range(view.rowCount()))
    assert badges == ["o1", "o2", "o3"]
    assert page.tabs.currentIndex() == 2


def test_export_pdf_in_background(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "branches.pdf"
    run_export(page.ctx, page, page.current_document(), target, open_after=False)
    qtbot.waitUntil(lambda: page.property("last_export") == str(target), timeout=20_000)
    assert target.stat().st_size > 1000


def test_secretary_sees_every_branch_but_only_own_people(open_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = open_page("o4")
    names = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
    assert names == ["一支部", "二支部", "三支部", "合计"]           # the comparison is published to all
    page.rem_kind.setCurrentIndex(page.rem_kind.findData("month"))
    page.load_reminders()
    qtbot.waitUntil(lambda: bool(page.reminder_view.tables), timeout=10_000)
    view = page.reminder_view.tables[0]
    assert view.rowCount() > 0 and {view.item(r, 0).text() for r in range(view.rowCount())} == {"二支部"}


def test_new_quizzes_reach_the_filter_bar(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    with page.ctx.db.transaction() as s:
        s.add(Quiz(id=3, title="补考", mode="exam", created_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)))
    assert page.items_quiz.count() == 2
    page.ctx.notify(Change.QUIZZES)
    qtbot.waitUntil(lambda: page.items_quiz.count() == 3, timeout=10_000)
    assert page.coverage_quiz.findText("补考") >= 0
    qtbot.waitUntil(lambda: page.ctx.tasks.pending == 0, timeout=10_000)   # the comparison it recomputes


def test_trend_lines_break_at_periods_without_data(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCharts import QLineSeries

    from core.reports.document import Chart
    from gui.reports.views import LINE_COLOURS, ChartView, category_label

    view = ChartView()
    qtbot.addWidget(view)
    view.show_chart(Chart("t", "line", ["25Q3", "25Q4", "26Q1", "26Q2"],
                          [("一支部", [None, 0.5, None, 0.8]), ("二支部", [0.2, 0.3, 0.4, 0.6])], percent=True))
    lines = [s for s in view.chart().series() if isinstance(s, QLineSeries)]
    first = [[(p.x(), p.y()) for p in s.points()] for s in lines if s.name() == "一支部"]
    assert first == [[(1.0, 50.0)], [(3.0, 80.0)]]            # two runs, no point at 0
    assert {s.color().name().upper() for s in lines} == {LINE_COLOURS[0], LINE_COLOURS[1]}
    assert len(set(LINE_COLOURS)) == len(LINE_COLOURS)
    assert category_label("交警大队第一党支部") == "交警大队第<br>一党支部"
