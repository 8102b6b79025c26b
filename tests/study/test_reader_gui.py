# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The reader (pytest-qt): minutes grow only while the window is in front and the reader is active."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from core.access.usecase import Change
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import LedgerEntry, Material, Officer
from core.people.users import get_user
from core.study.materials import open_material
from core.study.tracker import study_seconds
from gui.context import AppContext
from gui.study.reader import ReaderWindow, open_reader
from gui.tasks import TaskManager
from tests.study.helpers import cst


@pytest.fixture
def reader(qtbot, sqlite_demo_db: Database) -> Iterator[tuple[ReaderWindow, AppContext, FakeClock]]:  # type: ignore
    clock = FakeClock(cst(2026, 11, 2, 10))
    with sqlite_demo_db.transaction() as s:
        user = get_user(s, "200005")
        mid = s.scalar(select(Material.id).where(Material.required).order_by(Material.id.desc()).limit(1))
        s.get(Material, mid).min_seconds = 120
        s.execute(__import__("sqlalchemy").delete(__import__("core.models", fromlist=["MaterialProgress"])
                                                  .MaterialProgress).where(
            __import__("core.models", fromlist=["MaterialProgress"]).MaterialProgress.officer_id == user.id))
        content = open_material(s, user.id, mid)
    tasks = TaskManager()
    sqlite_demo_db.clock = clock
    ctx = AppContext(sqlite_demo_db, user, tasks)
    window = ReaderWindow(ctx, content, idle_seconds=120)
    qtbot.addWidget(window)
    window.show()
    yield window, ctx, clock
    qtbot.waitUntil(lambda: tasks.pending == 0)
    tasks.shutdown()


def _read(qtbot, window: ReaderWindow, clock: FakeClock, seconds: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(seconds // 10):
        clock.advance(10)
        qtbot.keyClick(window.view, Qt.Key.Key_Down)


def test_minutes_grow_only_while_active(qtbot, reader) -> None:  # type: ignore[no-untyped-def]
    window, ctx, clock = reader
    assert not window.finish_button.isEnabled()
    _read(qtbot, window, clock, 60)
    window.update_status()
    assert window.tracker.counted == pytest.approx(60)
    assert "正在计时" in window.status.text()

    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowDeactivate))     # another window in front
    clock.advance(300)
    window.update_status()
    assert window.tracker.counted == pytest.approx(60)
    assert "不在前台" in window.status.text()

    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    _read(qtbot, window, clock, 70)
    clock.advance(1000)                                                      # idle: only 2 minutes more count
    window.update_status()
    assert window.tracker.counted == pytest.approx(60 + 70 + 120)
    assert "无操作" in window.status.text()
    assert window.finish_button.isEnabled()

    window.beat()
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    with ctx.db.transaction() as s:
        day = cst(2026, 11, 2, 10).date()
        assert study_seconds(s, ctx.user.id, day, day) >= 250
    assert window.stored_seconds >= 250

    window.finish_button.click()
    qtbot.waitUntil(lambda: window.finished, timeout=5000)
    with ctx.db.transaction() as s:
        assert s.scalar(select(LedgerEntry.note).where(LedgerEntry.officer_id == ctx.user.id,
                                                       LedgerEntry.source_type == "material",
                                                       LedgerEntry.source_id == str(window.content.id)))


def test_minimised_pauses_and_close_stores(qtbot, reader) -> None:  # type: ignore[no-untyped-def]
    window, ctx, clock = reader
    _read(qtbot, window, clock, 30)
    window.setWindowState(Qt.WindowState.WindowMinimized)
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowStateChange))
    clock.advance(600)
    assert window.tracker.tick() == pytest.approx(30)
    window.close()
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    with ctx.db.transaction() as s:
        officer = s.scalar(select(Officer.id).where(Officer.badge == "200005"))
        assert open_material(s, officer, window.content.id).seconds == 30


def test_heartbeats_announce_reading_and_the_reader_opens_through_the_use_case(qtbot, reader) -> None:  # type: ignore[no-untyped-def]
    window, ctx, clock = reader
    seen: list[Change] = []
    ctx.on(Change.STUDY, lambda: seen.append(Change.STUDY))
    ctx.on(Change.POINTS, lambda: seen.append(Change.POINTS))
    _read(qtbot, window, clock, 30)
    window.beat()
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    assert seen == [Change.STUDY, Change.POINTS] and window.stored_seconds == 30
    clock.advance(600)                                   # idle beyond the threshold: only 2 minutes count
    window.beat()
    window.beat()                                        # nothing new since: nothing stored, nothing announced
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    assert seen == [Change.STUDY, Change.POINTS] * 2 and window.stored_seconds == 150

    open_reader(ctx, window.content.id)
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    opened = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, ReaderWindow) and w is not window and w.isVisible()]
    assert len(opened) == 1 and opened[0].stored_seconds == 150
    opened[0].close()


def test_font_size_keeps_the_place_night_mode_darkens_the_window_esc_closes(qtbot, reader) -> None:  # type: ignore[no-untyped-def]
    window, _ctx, _clock = reader
    window.resize(1100, 500)
    bar = window.scrollbar
    assert bar is not None and window.browser is not None
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    before = window.position()
    assert 0.4 < before < 0.6
    window.zoom(6)
    qtbot.wait(50)
    assert window.position() == pytest.approx(before, abs=0.05)      # not the same pixel offset, the same place

    toolbar = window.findChild(QWidget, "ReaderBar")
    assert toolbar is not None
    window.night_box.setChecked(True)
    qtbot.wait(50)
    colour = toolbar.grab().toImage().pixelColor(3, 3)
    assert colour.lightness() < 60                                     # the toolbar too, not only the page
    window.night_box.setChecked(False)
    qtbot.wait(50)
    assert toolbar.grab().toImage().pixelColor(3, 3).lightness() > 200

    assert window.close_button.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()
