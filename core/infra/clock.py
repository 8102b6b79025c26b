# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Injectable clocks: services take a ``Clock`` so tests never sleep.

A database's use cases read time from ``Database.clock`` (core/infra/db.py):

* on SQLite a :class:`SteadyClock`: the PC's wall clock, but never earlier than the latest time
  this database has seen (kept in its settings), and counted on the monotonic clock once the PC's
  clock goes back, so an officer gains no exam time and reopens no closed quiz by changing it;
* on PostgreSQL a :class:`ServerClock`: the server's time, which no station PC can change.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
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


class SteadyClock:
    """Wall time that never runs backwards.

    It follows the wall clock while the wall clock moves forward; when it is set back, time goes on
    from the latest value seen, on the monotonic clock (which no user can change). ``floor`` is the
    latest time known from before this process (the database remembers it, see
    ``Database.remember_time``), so a clock set back while the app was closed gains nothing
    either, beyond the time the app was closed (that gap cannot be measured).
    """

    def __init__(self, floor: dt.datetime | None = None, *, wall: Callable[[], dt.datetime] = utcnow,
                 mono: Callable[[], float] = time.monotonic) -> None:
        self._wall, self._mono = wall, mono
        self._anchor_wall = floor or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        self._anchor_mono = mono()

    def now(self) -> dt.datetime:
        mono, wall = self._mono(), self._wall()
        steady = self._anchor_wall + dt.timedelta(seconds=mono - self._anchor_mono)
        if wall >= steady:
            self._anchor_wall, self._anchor_mono = wall, mono
            return wall
        return steady

    def monotonic(self) -> float:
        return self._mono()

    def raise_floor(self, floor: dt.datetime) -> None:
        """Another PC (or process) has seen ``floor``: never answer earlier than it."""
        if floor > self.now():
            self._anchor_wall, self._anchor_mono = floor, self._mono()


class ServerClock:
    """The database server's time (PostgreSQL ``clock_timestamp()``), asked every ``resync`` seconds
    and counted on the monotonic clock in between, so a PC's own clock plays no part."""

    def __init__(self, server_now: Callable[[], dt.datetime], *, resync: float = 60.0,
                 mono: Callable[[], float] = time.monotonic) -> None:
        self._server_now, self._resync, self._mono = server_now, resync, mono
        self._anchor: tuple[dt.datetime, float] | None = None

    def now(self) -> dt.datetime:
        mono = self._mono()
        if self._anchor is None or mono - self._anchor[1] >= self._resync:
            self._anchor = (self._server_now(), self._mono())
            mono = self._anchor[1]
        return self._anchor[0] + dt.timedelta(seconds=mono - self._anchor[1])

    def monotonic(self) -> float:
        return self._mono()


LOCAL_TZ = dt.timezone(dt.timedelta(hours=8), "CST")  # China Standard Time, no DST


def local_date(when: dt.datetime) -> dt.date:
    """The calendar day in China for an aware datetime (study days, ledger days)."""
    return when.astimezone(LOCAL_TZ).date()
