# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 统计 screen: chart and table of the branch comparison, metric switch, drill-down, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtCharts")

from core.infra.clock import FakeClock  # noqa: E402
from core.people.users import get_user  # noqa: E402
from gui.context import AppContext  # noqa: E402
from gui.reports.views import run_export  # noqa: E402
from gui.tasks import TaskManager  # noqa: E402


@pytest.fixture
def page(qtbot, sqlite_org):  # type: ignore[no-untyped-def]
    from gui.pages.stats import StatsPage

    db, _ids = sqlite_org
    with db.transaction() as s:
        user = get_user(s, "o1")
    tasks = TaskManager()
    db.clock = FakeClock(dt.datetime(2026, 9, 20, 2, 0, tzinfo=dt.UTC))
    ctx = AppContext(db, user, tasks)
    widget = StatsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1180, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.comparison is not None, timeout=10_000)
    yield widget
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    tasks.shutdown()


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
