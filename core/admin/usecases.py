# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Looking after an installation: back up, restore, and set up an empty database with the demo.
Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``."""

from __future__ import annotations

from pathlib import Path

from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.permissions import Action
from core.access.usecase import Change, Work, denied, use_case
from core.admin import backup
from core.infra import settings
from core.people.users import count_users


@use_case(Action.BACKUP, transaction=False)
def backup_database(work: Work, target: Path, *, progress: ProgressSink = no_progress,
                    cancel: CancelToken | None = None) -> dict[str, int]:
    """Write the whole database to a portable zip; returns rows per table."""
    return backup.backup(work.db, target, progress=progress)


@use_case(Action.RESTORE, changes=Change.EVERYTHING, transaction=False)
def restore_database(work: Work, source: Path, *, progress: ProgressSink = no_progress,
                     cancel: CancelToken | None = None) -> dict[str, int]:
    """Replace every row with a backup's (all or nothing); returns rows per table."""
    return backup.restore(work.db, source, progress=progress)


@use_case(Action.SETUP, changes=Change.EVERYTHING, transaction=False)
def load_demo(work: Work, *, reset: bool = False, progress: ProgressSink = no_progress,
              cancel: CancelToken | None = None) -> list[str]:
    """Load the demo unit with its history (idempotent); returns the summaries of the steps run.

    Nobody logged in may do this only while the database holds no account or is the demo itself
    (``make run`` loads it at every start); ``reset`` (empty the whole database first) is for an
    administrator.
    """
    from core import demo

    if work.actor.anonymous:
        with work.transaction() as s:
            if count_users(s) and not settings.get(s, demo.DEMO_FLAG, False):
                raise denied(work.actor, Action.SETUP, _("数据库中已有账号"))
    if reset:
        if work.actor.anonymous:
            raise denied(work.actor, Action.RESTORE)
        demo.reset(work.db)
    return demo.seed(work.db, clock=work.clock, progress=progress)
