# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Housekeeping the system does for everyone, not an action of the person at the PC.

:func:`settle_expired` submits the open attempts whose deadline has passed, with the answers they
hold, whoever they belong to. The app runs it when it opens the database, the CLI when it
connects, and result and report use cases before they read, so a PC switched off during an exam
does not leave that attempt "in progress" in everyone else's numbers.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from core.infra.db import Database
from core.models import Attempt
from core.quiz.attempts import finish_all_expired


def settle_expired(db: Database) -> int:
    """Submit every expired open attempt; returns how many (reads first: no write lock when none)."""
    now = db.clock.now()
    with db.transaction(write=False) as s:
        due = s.scalar(select(exists().where(Attempt.status == "in_progress", Attempt.deadline_at.is_not(None),
                                             Attempt.deadline_at <= now)))
    if not due:
        return 0
    with db.transaction() as s:
        return finish_all_expired(s, db.clock)
