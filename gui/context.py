# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What every screen receives instead of globals: the database, the user, the task runner.

The one place where the GUI meets core's use cases: :meth:`AppContext.call` runs a use case as
the logged-in user on the database worker and, once it succeeded, tells every screen that
listens to what it changed (:class:`~core.access.usecase.Change`)::

    ctx.call(quiz.start_attempt, quiz_id).success(self.show_paper).run(self)
    ctx.on(Change.BANKS, self.refresh)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from PySide6.QtWidgets import QWidget

from core.access.actor import Actor
from core.access.usecase import Change, UseCase
from core.infra.clock import Clock
from core.infra.db import Database
from core.people.users import UserInfo
from gui.tasks import CoreOp, TaskManager

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class AppContext:
    db: Database
    user: UserInfo
    tasks: TaskManager
    _listeners: list[tuple[Change, Callable[[], None]]] = field(default_factory=list)

    @property
    def actor(self) -> Actor:
        return self.user.actor

    @property
    def clock(self) -> Clock:
        return self.db.clock

    def call(self, usecase: UseCase[P, T], /, *args: P.args, **kwargs: P.kwargs) -> CoreOp[T]:
        """An op that runs ``usecase(db, actor, *args, **kwargs)`` off the GUI thread."""
        fn: Callable[..., T] = functools.partial(usecase, self.db, self.actor, *args, **kwargs)
        return CoreOp(fn, tasks=self.tasks, changes=usecase.changes, notify=self.notify)

    def op(self, fn: Callable[..., T], *, parent: QWidget | None = None) -> CoreOp[T]:
        """Background work that is not a use case (rendering a preview, reading a local file)."""
        return CoreOp(fn, tasks=self.tasks, parent=parent)

    def on(self, changes: Change, callback: Callable[[], None]) -> None:
        """Call ``callback`` after any use case that changed one of ``changes``."""
        self._listeners.append((changes, callback))

    def notify(self, changes: Change) -> None:
        """Tell every screen listening to any of ``changes`` (called after a use case succeeded)."""
        for wanted, callback in list(self._listeners):
            if wanted & changes:
                callback()
