# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Which automatic backups to keep: the last few, then one a day, one a week, one a month.

The same thinning as Anki's (rslib/src/collection/backup.rs, ``BackupFilter``), counted in
backups rather than in calendar time so a PC used once a week still keeps a month of history:
walking from the newest backup to the oldest, the first :attr:`Limits.recent` are kept; after
them, the newest backup of each earlier day is kept until :attr:`Limits.daily` days are, then
the newest of each earlier week (Monday to Sunday) for :attr:`Limits.weekly` weeks, then of each
earlier month for :attr:`Limits.monthly` months; everything older goes. Days are China days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.infra.clock import LOCAL_TZ


@dataclass(frozen=True, slots=True)
class Limits:
    recent: int = 10
    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    @property
    def most(self) -> int:
        return self.recent + self.daily + self.weekly + self.monthly


def _periods(when: dt.datetime) -> tuple[int, int, int]:
    """Serial day, week (starting on Monday) and month numbers of ``when`` in China time."""
    day = when.astimezone(LOCAL_TZ).date()
    ordinal = day.toordinal()               # 0001-01-01, ordinal 1, was a Monday
    return ordinal, (ordinal - 1) // 7, day.year * 12 + day.month - 1


def backups_to_keep(times: Sequence[dt.datetime], limits: Limits = Limits()) -> set[int]:  # noqa: B008
    """Indexes into ``times`` (aware datetimes, in any order) of the backups to keep."""
    order = sorted(range(len(times)), key=lambda i: times[i], reverse=True)
    keep: set[int] = set()
    left = {"daily": limits.daily, "weekly": limits.weekly, "monthly": limits.monthly}
    last: tuple[int, int, int] | None = None      # day, week, month of the last backup kept
    for rank, i in enumerate(order):
        day, week, month = now = _periods(times[i])
        if rank < limits.recent:
            stage = None
        elif left["daily"] > 0:
            stage = "daily" if last is None or day < last[0] else ""
        elif left["weekly"] > 0:
            stage = "weekly" if last is None or week < last[1] else ""
        elif left["monthly"] > 0:
            stage = "monthly" if last is None or month < last[2] else ""
        else:
            break
        if stage == "":
            continue
        keep.add(i)
        last = now
        if stage is not None:
            left[stage] -= 1
    return keep
