# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Injectable clocks: services take a ``Clock`` so tests never sleep."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Aware UTC wall-clock time (may jump when the user changes the system clock)."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin that never goes backwards."""


class SystemClock:
    def now(self) -> dt.datetime:
        return utcnow()

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock tests move by hand; ``set_wall`` simulates a user changing the system time."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._wall = start or dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
        self._mono = 1000.0

    def now(self) -> dt.datetime:
        return self._wall

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._wall += dt.timedelta(seconds=seconds)
        self._mono += seconds

    def set_wall(self, when: dt.datetime) -> None:
        self._wall = when


LOCAL_TZ = dt.timezone(dt.timedelta(hours=8), "CST")  # China Standard Time, no DST


def local_date(when: dt.datetime) -> dt.date:
    """The calendar day in China for an aware datetime (study days, ledger days)."""
    return when.astimezone(LOCAL_TZ).date()
