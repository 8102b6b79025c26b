# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Qt-free progress reporting and cancellation for long work.

Core functions that may take long (imports, batch PDFs, reports) accept an
optional ``progress`` callable and ``cancel`` token; the GUI polls/forwards them
to a progress dialog and ignores :class:`Cancelled`, like Anki's ``Interrupted``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# progress(done, total, label) -> None; total may be 0 when unknown.
ProgressSink = Callable[[int, int, str], None]


class Cancelled(Exception):
    """The user cancelled a long task; nothing was stored."""


class CancelToken:
    """Set from any thread; checked by the worker between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(done: int, total: int, label: str) -> None:
    """Default sink: report nothing."""
