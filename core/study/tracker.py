# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Honest study time: a clock-driven reading tracker and the heartbeat that stores what it counted.

:class:`ReadingTracker` is a pure state machine. The reader feeds it events (input,
scroll, page turn; window activated/deactivated; minimised; screen locked) and it
counts time only while the window is in front, not minimised, the screen unlocked,
and the person was active within the idle threshold (2 minutes by default). Counted
seconds are attributed to China calendar days, split at midnight.

Every 15 seconds the reader calls :func:`heartbeat`, which stores the drained seconds
in its own transaction (so a crash loses at most one interval), applies the daily
caps per material and per day, remembers the reading position and grants the
study-minute points. :func:`finish_material` is allowed only after the minimum time.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.infra import hooks, settings
from core.infra.clock import LOCAL_TZ, Clock, local_date
from core.models import Material, MaterialProgress, Officer, StudySession

HEARTBEAT_SECONDS = 15

# Settings (core.infra.settings keys) and their defaults.
IDLE_SECONDS = ("study.idle_seconds", 120)
CAP_MATERIAL_MINUTES = ("study.cap_material_minutes_per_day", 60)
CAP_DAY_MINUTES = ("study.cap_minutes_per_day", 180)
DAILY_TARGET = ("study.daily_target_minutes", 60)
WEEKLY_TARGET = ("study.weekly_target_minutes", 300)


@dataclass(frozen=True, slots=True)
class StudySettings:
    idle_seconds: int = IDLE_SECONDS[1]
    cap_material_minutes: int = CAP_MATERIAL_MINUTES[1]
    cap_day_minutes: int = CAP_DAY_MINUTES[1]
    daily_target: int = DAILY_TARGET[1]
    weekly_target: int = WEEKLY_TARGET[1]


def load_settings(session: Session) -> StudySettings:
    def get(item: tuple[str, int]) -> int:
        return int(settings.get(session, item[0], item[1]))

    return StudySettings(get(IDLE_SECONDS), get(CAP_MATERIAL_MINUTES), get(CAP_DAY_MINUTES), get(DAILY_TARGET),
                         get(WEEKLY_TARGET))


def save_settings(session: Session, values: StudySettings) -> None:
    if values.idle_seconds < 10 or values.cap_material_minutes < 1 or values.cap_day_minutes < 1:
        raise InvalidInput(_("学习计时设置无效"))
    for item, value in ((IDLE_SECONDS, values.idle_seconds), (CAP_MATERIAL_MINUTES, values.cap_material_minutes),
                        (CAP_DAY_MINUTES, values.cap_day_minutes), (DAILY_TARGET, values.daily_target),
                        (WEEKLY_TARGET, values.weekly_target)):
        settings.put(session, item[0], int(value))


class ReadingTracker:
    """Counts real reading time from events; all times come from the injected clock."""

    def __init__(self, clock: Clock, idle_seconds: float = IDLE_SECONDS[1], *, window_active: bool = True) -> None:
        self.clock = clock
        self.idle_seconds = float(idle_seconds)
        self.window_active = window_active
        self.minimised = False
        self.locked = False
        now = clock.monotonic()
        self._last_activity = now        # opening the reader is an action
        self._settled_to = now
        self._pending: dict[dt.date, float] = {}
        self.counted = 0.0               # every second counted since the reader opened

    # --- state -----------------------------------------------------------------------------
    @property
    def visible(self) -> bool:
        return self.window_active and not self.minimised and not self.locked

    @property
    def counting(self) -> bool:
        """True while time is being counted right now."""
        return self.visible and self.clock.monotonic() - self._last_activity < self.idle_seconds

    # --- events ----------------------------------------------------------------------------
    def activity(self) -> None:
        """Key press, mouse click/move, wheel, scroll or page turn inside the reader."""
        self._settle()
        self._last_activity = self.clock.monotonic()

    def set_window_active(self, active: bool) -> None:
        self._set("window_active", active)

    def set_minimised(self, minimised: bool) -> None:
        self._set("minimised", minimised)

    def set_locked(self, locked: bool) -> None:
        self._set("locked", locked)

    def _set(self, name: str, value: bool) -> None:
        self._settle()
        was_visible = self.visible
        setattr(self, name, value)
        if self.visible and not was_visible:       # coming back needs the person: it counts as activity
            self._last_activity = self.clock.monotonic()

    def tick(self) -> float:
        """Bring the count up to now (timers call this); returns the total counted so far."""
        self._settle()
        return self.counted

    def drain(self) -> dict[dt.date, int]:
        """Whole seconds counted per China day since the last drain (fractions carry over)."""
        self._settle()
        out: dict[dt.date, int] = {}
        for day, seconds in list(self._pending.items()):
            whole = math.floor(seconds + 1e-9)
            if whole > 0:
                out[day] = whole
            rest = seconds - whole
            if rest > 1e-9:
                self._pending[day] = rest
            else:
                del self._pending[day]
        return out

    # --- accounting --------------------------------------------------------------------------
    def _settle(self) -> None:
        now_mono = self.clock.monotonic()
        if self.visible:
            end = min(now_mono, self._last_activity + self.idle_seconds)
            if end > self._settled_to:
                self._credit(self._settled_to, end, now_mono)
        self._settled_to = max(self._settled_to, now_mono)

    def _credit(self, start: float, end: float, now_mono: float) -> None:
        now_wall = self.clock.now()
        a = now_wall - dt.timedelta(seconds=now_mono - start)
        b = now_wall - dt.timedelta(seconds=now_mono - end)
        while a < b:
            local = a.astimezone(LOCAL_TZ)
            midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), LOCAL_TZ)
            part_end = min(b, midnight)
            seconds = (part_end - a).total_seconds()
            day = local.date()
            self._pending[day] = self._pending.get(day, 0.0) + seconds
            self.counted += seconds
            a = part_end


@dataclass(slots=True)
class Beat:
    """What one heartbeat stores: the seconds counted per day and where the reader is."""

    reading_id: uuid.UUID                  # one opening of the reader
    officer_id: int
    material_id: int
    seconds_by_day: dict[dt.date, int] = field(default_factory=dict)
    position: float | None = None


@dataclass(frozen=True, slots=True)
class BeatResult:
    accepted_seconds: int
    capped_seconds: int          # counted but beyond a daily cap
    material_seconds: int        # the officer's total on this material
    today_seconds: int           # the officer's total today, all materials
    points: float                # study points granted by this beat


def session_id(reading_id: uuid.UUID, day: dt.date) -> uuid.UUID:
    """The study_sessions row of one reader opening on one day (stable, so retries are safe)."""
    return uuid.uuid5(reading_id, day.isoformat())


def _day_seconds(session: Session, officer_id: int, day: dt.date, material_id: int | None = None) -> int:
    """The reader's seconds (group-session attendance, credited apart, is not capped with them)."""
    stmt = select(func.coalesce(func.sum(StudySession.active_seconds), 0)).where(
        StudySession.officer_id == officer_id, StudySession.day == day, StudySession.group_session_id.is_(None))
    if material_id is not None:
        stmt = stmt.where(StudySession.material_id == material_id)
    return int(session.scalar(stmt) or 0)


def record_beat(session: Session, beat: Beat, clock: Clock) -> BeatResult:
    """Store one heartbeat inside the caller's transaction (see :func:`heartbeat`)."""
    from core.points import ledger as points

    officer = session.get(Officer, beat.officer_id)
    if officer is None:
        raise NotFound(_("找不到人员 {id}", id=beat.officer_id))
    if session.get(Material, beat.material_id) is None:
        raise NotFound(_("找不到学习资料 {id}", id=beat.material_id))
    conf = load_settings(session)
    now = clock.now()
    accepted = capped = 0
    granted = 0.0
    for day, seconds in sorted(beat.seconds_by_day.items()):
        if seconds <= 0:
            continue
        room = min(conf.cap_material_minutes * 60 - _day_seconds(session, officer.id, day, beat.material_id),
                   conf.cap_day_minutes * 60 - _day_seconds(session, officer.id, day))
        take = max(0, min(seconds, room))
        capped += seconds - take
        if take == 0:
            continue
        sid = session_id(beat.reading_id, day)
        row = session.get(StudySession, sid)
        if row is None:
            row = StudySession(id=sid, officer_id=officer.id, unit_id=officer.unit_id, material_id=beat.material_id,
                               day=day, started_at=now, last_beat_at=now, active_seconds=0)
            session.add(row)
        row.active_seconds += take
        row.last_beat_at = now
        accepted += take
        session.flush()
        granted += points.grant_study_minutes(session, officer.id, officer.unit_id, day,
                                              _day_seconds(session, officer.id, day))
    progress = session.get(MaterialProgress, (officer.id, beat.material_id))
    if progress is None:
        progress = MaterialProgress(officer_id=officer.id, material_id=beat.material_id, position=0.0, seconds=0)
        session.add(progress)
    progress.seconds = (progress.seconds or 0) + accepted
    if beat.position is not None:
        progress.position = min(1.0, max(0.0, float(beat.position)))
    progress.updated_at = now
    session.flush()
    return BeatResult(accepted, capped, progress.seconds, _day_seconds(session, officer.id, local_date(now)),
                      granted)


def heartbeat(db: Any, beat: Beat, clock: Clock) -> BeatResult:
    """Store one heartbeat in its own transaction."""
    with db.transaction() as s:
        return record_beat(s, beat, clock)


def finish_material(session: Session, officer_id: int, material_id: int, clock: Clock) -> bool:
    """Mark a material as finished; refused before the minimum reading time. True if newly finished."""
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound(_("找不到学习资料 {id}", id=material_id))
    progress = session.get(MaterialProgress, (officer_id, material_id))
    seconds = progress.seconds if progress else 0
    if seconds < material.min_seconds:
        left = math.ceil((material.min_seconds - seconds) / 60)
        raise InvalidInput(_("还需认真阅读约 {n} 分钟，才能标记为已学完", n=left))
    if progress is None:
        progress = MaterialProgress(officer_id=officer_id, material_id=material_id, position=0.0, seconds=0)
        session.add(progress)
    if progress.finished_at is not None:
        return False
    progress.finished_at = progress.updated_at = clock.now()
    session.flush()
    hooks.fire("material_did_finish", session, officer_id=officer_id, material_id=material_id, clock=clock)
    return True


def study_seconds(session: Session, officer_id: int, first: dt.date, last: dt.date) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(StudySession.active_seconds), 0)).where(
        StudySession.officer_id == officer_id, StudySession.day >= first, StudySession.day <= last)) or 0)
