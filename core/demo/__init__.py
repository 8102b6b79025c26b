# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo content: a believable unit with history, so a new user never sees an empty screen.

Each step is a module in this package defining ``STEP = DemoStep(...)``; steps run
in ``order`` and each records that it ran, so ``demo`` is idempotent and an older
demo database gains the steps added since (a new capability adds one module).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from base.i18n import _
from base.plugins import discover
from base.progress import ProgressSink, no_progress
from core.infra import settings
from core.infra.clock import Clock, SystemClock
from core.infra.db import Database

DEMO_PASSWORD = "demo123"
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
        summary = step.run(ctx)
        with db.transaction() as s:
            settings.put(s, key, True)
            settings.put(s, DEMO_FLAG, True)
        done.append(summary)
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
