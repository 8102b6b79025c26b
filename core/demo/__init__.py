# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo content: a believable unit with history, so a new user never sees an empty screen.

Each step is a module in this package defining ``STEP = DemoStep(...)``; steps run
in ``order`` and each records that it ran, so ``demo`` is idempotent and an older
demo database gains the steps added since (a new capability adds one module).

The audit log tells the demo's story: what a step does as a person (a secretary importing a
bank four months ago) is recorded as that demo account's work, on that day, on their PC
(:func:`acting_as`; a step's ``actor`` for the whole step). Work done by nobody logged in
(creating the first administrator) has no actor, as in real life.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from base.i18n import _
from base.plugins import discover
from base.progress import ProgressSink, no_progress
from core.infra import audit, settings
from core.infra.clock import Clock, SystemClock
from core.infra.db import Database
from core.reports import rollup

DEMO_PASSWORD = "demo123"
DEMO_EXCHANGE_PASSPHRASE = "demo1234"   # exchange keys need 8 characters (exchange_step)
DEMO_FLAG = "demo.present"


@dataclass(slots=True)
class DemoContext:
    db: Database
    clock: Clock
    # Shared between steps (e.g. the precomputed demo password hash).
    cache: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DemoStep:
    name: str
    order: int
    label: str
    run: Callable[[DemoContext], str]   # returns a one-line summary
    actor: str | None = None            # the demo account whose work the step's audit rows are (a badge)


def steps() -> list[DemoStep]:
    return sorted((step for _m, step in discover(__name__, "STEP", kind=DemoStep)), key=lambda s: s.order)


def is_demo(db: Database) -> bool:
    with db.transaction() as s:
        return bool(settings.get(s, DEMO_FLAG, False))


def seed(db: Database, *, clock: Clock | None = None, progress: ProgressSink = no_progress) -> list[str]:
    """Run every demo step not yet run; return their summaries."""
    ctx = DemoContext(db, clock or SystemClock())
    done: list[str] = []
    all_steps = steps()
    for i, step in enumerate(all_steps):
        progress(i, len(all_steps), _(step.label))
        key = f"demo.step.{step.name}"
        with db.transaction() as s:
            if settings.get(s, key):
                continue
        with acting_as(ctx, step.actor):
            summary = step.run(ctx)
        with db.transaction() as s:
            settings.put(s, key, True)
            settings.put(s, DEMO_FLAG, True)
        done.append(summary)
    rollup.refresh(db)       # the steps' rows were marked by the report triggers: count them in once
    progress(len(all_steps), len(all_steps), "")
    return done


def reset(db: Database) -> None:
    """Drop every table and create the current schema again (the database becomes empty)."""
    from sqlalchemy import MetaData

    from core.infra.db import upgrade

    meta = MetaData()
    meta.reflect(db.engine)
    meta.drop_all(db.engine)
    db.engine.dispose()
    upgrade(db.engine)


DEMO_ADMIN = "000001"       # 周文涛 of the bureau's 政治处, who sets up banks, quizzes and certificates


def days_ago(ctx: DemoContext, days: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A time in the demo's past: ``days`` China days before today, at ``hour``:``minute`` China time
    (never later than now)."""
    from core.infra.clock import LOCAL_TZ, local_date

    now = ctx.clock.now()
    day = local_date(now) - dt.timedelta(days=days)
    return min(dt.datetime.combine(day, dt.time(hour, minute), LOCAL_TZ).astimezone(dt.UTC), now)


def pc_name(unit_code: str, number: int = 1) -> str:
    """The host name of a PC in the demo's story: PCs are named after the unit that has them."""
    return f"{unit_code}-PC{number:02d}"


@contextlib.contextmanager
def acting_as(ctx: DemoContext, badge: str | None, *, at: dt.datetime | None = None, pc: int = 1,
              ) -> Iterator[None]:
    """Audit rows recorded inside are the work of demo account ``badge`` (None: nobody logged in)
    at ``at`` (default: the demo clock's now), on PC number ``pc`` of their unit."""
    from sqlalchemy import select

    from core.models import Officer, Unit

    who: int | None = None
    where: str | None = None
    if badge is not None:
        with ctx.db.transaction(write=False) as s:
            found = s.execute(select(Officer.id, Unit.code).join(Unit, Unit.id == Officer.unit_id)
                              .where(Officer.badge == badge)).first()
        if found is not None:
            who, where = found[0], pc_name(found[1], pc)
    with audit.acting(who, clock=ctx.clock, at=at, pc=where):
        yield


@contextlib.contextmanager
def dated(when: dt.datetime) -> Iterator[None]:
    """Inside :func:`acting_as`: the same person and PC, at another time (one row of a batch)."""
    now = audit.current()
    with audit.acting(now.actor_id if now else None, clock=now.clock if now else None, at=when,
                      pc=now.pc if now else None):
        yield
