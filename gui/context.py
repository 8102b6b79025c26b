# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What every screen receives instead of globals: the database, the user, the task runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from core.infra.clock import Clock, SystemClock
from core.infra.db import Database
from core.people.users import UserInfo
from gui.tasks import CoreOp, TaskManager

T = TypeVar("T")


@dataclass
class AppContext:
    db: Database
    user: UserInfo
    tasks: TaskManager
    clock: Clock = field(default_factory=SystemClock)
    # Screens announce changes others may show (e.g. after an import): name -> callbacks.
    listeners: dict[str, list[Callable[[], None]]] = field(default_factory=dict)

    def run(self, fn: Callable[[], T], on_success: Callable[[T], None], *, parent: QWidget | None = None) -> None:
        """Run ``fn`` on the database worker; call ``on_success`` with its result on the GUI thread."""
        CoreOp(fn, parent=parent).success(on_success).run_in_background(self.tasks)

    def op(self, fn: Callable[..., T], *, parent: QWidget | None = None) -> CoreOp[T]:
        return CoreOp(fn, parent=parent)

    def on(self, event: str, callback: Callable[[], None]) -> None:
        self.listeners.setdefault(event, []).append(callback)

    def emit(self, event: str) -> None:
        for cb in self.listeners.get(event, []):
            cb()

    def session_call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
        """Wrap ``fn(session, *args)`` into a callable that runs it in one transaction."""

        def call() -> T:
            with self.db.transaction() as s:
                return fn(s, *args, **kwargs)

        return call
