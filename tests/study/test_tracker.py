# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""ReadingTracker: time counts only while the reader is in front and the person is active."""

from __future__ import annotations

import datetime as dt

import pytest

from core.infra.clock import FakeClock
from core.study.tracker import ReadingTracker
from tests.study.helpers import cst, read_for


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(cst(2026, 11, 2, 9))


def test_active_reading_counts_every_second(clock: FakeClock) -> None:
    t = ReadingTracker(clock)
    read_for(t, clock, 600)
    assert t.tick() == pytest.approx(600)
    assert t.drain() == {dt.date(2026, 11, 2): 600}
    assert t.drain() == {}


def test_idle_stops_after_threshold(clock: FakeClock) -> None:
    t = ReadingTracker(clock)
    read_for(t, clock, 60)
    clock.advance(600)                      # walked away
    assert t.tick() == pytest.approx(60 + 120)
    assert not t.counting
    t.activity()                            # back: counting resumes from now
    clock.advance(30)
    assert t.tick() == pytest.approx(60 + 120 + 30)


def test_idle_threshold_is_configurable(clock: FakeClock) -> None:
    t = ReadingTracker(clock, idle_seconds=30)
    clock.advance(300)
    assert t.tick() == pytest.approx(30)


@pytest.mark.parametrize("pause", ["window", "minimised", "locked"])
def test_pauses_while_not_in_front(clock: FakeClock, pause: str) -> None:
    t = ReadingTracker(clock)
    read_for(t, clock, 60)
    {"window": lambda: t.set_window_active(False), "minimised": lambda: t.set_minimised(True),
     "locked": lambda: t.set_locked(True)}[pause]()
    for _ in range(10):                     # events while hidden do not count either
        clock.advance(30)
        t.activity()
    assert t.tick() == pytest.approx(60)
    assert not t.counting
    {"window": lambda: t.set_window_active(True), "minimised": lambda: t.set_minimised(False),
     "locked": lambda: t.set_locked(False)}[pause]()
    clock.advance(45)
    assert t.tick() == pytest.approx(105)


def test_another_window_in_front_then_idle(clock: FakeClock) -> None:
    t = ReadingTracker(clock)
    t.set_window_active(False)
    clock.advance(100)
    t.set_window_active(True)               # coming back is an action: up to the threshold counts
    clock.advance(500)
    assert t.tick() == pytest.approx(120)


def test_midnight_rollover_splits_days() -> None:
    clock = FakeClock(cst(2026, 11, 2, 23, 58))
    t = ReadingTracker(clock)
    read_for(t, clock, 300, every=15)
    assert t.drain() == {dt.date(2026, 11, 2): 120, dt.date(2026, 11, 3): 180}


def test_wall_clock_jump_adds_nothing(clock: FakeClock) -> None:
    t = ReadingTracker(clock)
    read_for(t, clock, 30)
    clock.set_wall(clock.now() + dt.timedelta(hours=5))   # the user changes the system time
    clock.advance(10)
    t.activity()
    assert t.tick() == pytest.approx(40)


def test_fractions_carry_over(clock: FakeClock) -> None:
    t = ReadingTracker(clock)
    clock.advance(0.6)
    t.activity()
    assert t.drain() == {}
    clock.advance(0.6)
    t.activity()
    assert t.drain() == {dt.date(2026, 11, 2): 1}
