# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Report periods: month ``2026-10``, quarter ``2026Q3``, year ``2026``, ISO week ``2026-W44``, range.

Days are China calendar days (``core.infra.clock.local_date``); :meth:`Period.utc_bounds`
turns a period into the aware UTC half-open interval used against timestamp
columns (``attempts.submitted_at``), while date columns (``study_sessions.day``,
``ledger_entries.day``) compare with ``start``/``end`` directly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from base.errors import InvalidInput
from base.i18n import _
from core.infra.clock import LOCAL_TZ

_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$|^(\d{4})年第?([1-4])季度$")
_YEAR = re.compile(r"^(\d{4})年?$")
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*(?:\.\.|~|至|到|:)\s*(\d{4}-\d{1,2}-\d{1,2})$")


@dataclass(frozen=True, slots=True)
class Period:
    kind: str          # month / quarter / year / week / range
    start: dt.date     # first day (inclusive)
    end: dt.date       # last day (inclusive)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def code(self) -> str:
        """The text :func:`parse_period` reads back."""
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "week":
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """User-facing name: 2026年10月, 2026年第3季度, 2026年, 2026年第44周, 2026-10-01至2026-10-31."""
        if self.kind == "month":
            return _("{y}年{m}月", y=self.start.year, m=self.start.month)
        if self.kind == "quarter":
            return _("{y}年第{q}季度", y=self.start.year, q=(self.start.month - 1) // 3 + 1)
        if self.kind == "year":
            return _("{y}年", y=self.start.year)
        if self.kind == "week":
            iso = self.start.isocalendar()
            return _("{y}年第{w}周", y=iso.year, w=iso.week)
        return _("{a}至{b}", a=self.start.isoformat(), b=self.end.isoformat())

    @property
    def short_label(self) -> str:
        """Compact label for chart axes: 10月, Q3, 2026, W44, 10-01~10-31."""
        if self.kind == "month":
            return _("{m}月", m=self.start.month) if self.start.month != 1 else f"{self.start.year}-01"
        if self.kind == "quarter":
            return f"{self.start.year % 100:02d}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "week":
            return f"W{self.start.isocalendar().week:02d}"
        return f"{self.start:%m-%d}~{self.end:%m-%d}"

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first instant, instant after the last day) in aware UTC."""
        a = dt.datetime.combine(self.start, dt.time(), LOCAL_TZ).astimezone(dt.UTC)
        b = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), LOCAL_TZ).astimezone(dt.UTC)
        return a, b

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same kind and length."""
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * n
            total = self.start.year * 12 + self.start.month - 1 + months
            return period_of(self.kind, dt.date(total // 12, total % 12 + 1, 1))
        step = dt.timedelta(days=7 * n if self.kind == "week" else self.days * n)
        return Period(self.kind, self.start + step, self.end + step)

    def previous(self) -> Period:
        return self.shift(-1)

    def last(self, n: int) -> list[Period]:
        """The ``n`` periods ending with this one, oldest first."""
        return [self.shift(i) for i in range(-(n - 1), 1)]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def period_of(kind: str, day: dt.date) -> Period:
    """The month / quarter / year / week containing ``day``."""
    if kind == "month":
        return Period(kind, day.replace(day=1), _month_end(day.year, day.month))
    if kind == "quarter":
        first = (day.month - 1) // 3 * 3 + 1
        return Period(kind, dt.date(day.year, first, 1), _month_end(day.year, first + 2))
    if kind == "year":
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    raise InvalidInput(_("周期类型“{k}”无效，可选：week、month、quarter、year", k=kind))


def parse_period(text: str) -> Period:
    """Read ``2026-10``, ``2026Q3``, ``2026``, ``2026-W44`` or ``2026-10-01..2026-12-31``."""
    s = text.strip()
    try:
        if m := _RANGE.match(s):
            a, b = dt.date.fromisoformat(_pad(m.group(1))), dt.date.fromisoformat(_pad(m.group(2)))
            if b < a:
                raise InvalidInput(_("时间段“{p}”的结束日期早于开始日期", p=text))
            return Period("range", a, b)
        if m := _WEEK.match(s):
            return period_of("week", dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
        if m := _MONTH.match(s):
            return period_of("month", dt.date(int(m.group(1)), int(m.group(2)), 1))
        if m := _QUARTER.match(s):
            year, q = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            return period_of("quarter", dt.date(int(year), (int(q) - 1) * 3 + 1, 1))
        if m := _YEAR.match(s):
            return period_of("year", dt.date(int(m.group(1)), 1, 1))
    except ValueError as exc:
        raise InvalidInput(_("时间段“{p}”无效：{e}", p=text, e=exc)) from exc
    raise InvalidInput(_("无法识别时间段“{p}”，例如：2026-10（月）、2026Q3（季度）、2026（年）、"
                         "2026-W44（周）、2026-10-01..2026-12-31", p=text))


def _pad(day: str) -> str:
    y, m, d = day.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
