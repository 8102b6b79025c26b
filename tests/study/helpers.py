# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Small builders shared by the study/points tests (an officer, a material, a reading)."""

from __future__ import annotations

import datetime as dt
import uuid

from core.infra.clock import FakeClock
from core.infra.db import Database
from core.people.org import add_unit
from core.people.users import add_user
from core.study.materials import add_material
from core.study.tracker import Beat, ReadingTracker, heartbeat

CST = dt.timezone(dt.timedelta(hours=8))


def cst(y: int, mo: int, d: int, h: int = 9, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=CST).astimezone(dt.UTC)


def setup_people(db: Database, *, min_minutes: int = 5, required: bool = True) -> tuple[int, int, int]:
    """(officer id, unit id, material id) in an otherwise empty database."""
    with db.transaction() as s:
        if s.execute(__import__("sqlalchemy").text("select count(*) from units")).scalar() == 0:
            add_unit(s, "B", "分局", "bureau")
            add_unit(s, "D1", "一大队", "brigade", "B")
            add_unit(s, "Z1", "第一党支部", "branch", "D1")
            add_unit(s, "Z2", "第二党支部", "branch", "D1")
        badge = uuid.uuid4().hex[:8]
        info = add_user(s, badge=badge, name="张三", unit="Z1", password_hash="x", category="police")
        m = add_material(s, title="测试资料", body_html="<p>正文</p>", required=required,
                         min_seconds=60 * min_minutes)
        return info.id, info.unit_id, m.id


def read_for(tracker: ReadingTracker, clock: FakeClock, seconds: int, *, every: int = 20) -> None:
    """Read actively for ``seconds`` (an input event every ``every`` seconds)."""
    done = 0
    while done < seconds:
        step = min(every, seconds - done)
        clock.advance(step)
        tracker.activity()
        done += step


def store(db: Database, tracker: ReadingTracker, clock: FakeClock, reading: uuid.UUID, officer: int,
          material: int, position: float | None = None):  # type: ignore[no-untyped-def]
    return heartbeat(db, Beat(reading, officer, material, tracker.drain(), position), clock)
