# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Run core work off the GUI thread and hand results back on it.

One serialized worker (like Anki's ``taskman``) runs database work in order; a
second pool runs long, independent jobs (imports, batch PDFs) that show a
cancellable progress dialog. Results are marshalled to the GUI thread with a
queued signal. Use cases are run through the context, fluently::

    ctx.call(banks.list_banks).success(self.show_banks).run(self)
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from base.i18n import _
from base.progress import Cancelled, CancelToken
from gui.collector import MainThreadCollector

if TYPE_CHECKING:   # core (and SQLAlchemy) load after the login window is shown
    from core.access.usecase import Change

T = TypeVar("T")


class _Bridge(QObject):
    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()


class TaskManager:
    """Owns the worker threads; lives as long as the application."""

    _live: weakref.WeakSet[TaskManager] = weakref.WeakSet()

    @classmethod
    def shutdown_all(cls) -> None:
        """Stop every task manager still running (test teardown; the app shuts its own down)."""
        for manager in list(cls._live):
            manager.shutdown()

    def __init__(self) -> None:
        MainThreadCollector.install()
        TaskManager._live.add(self)
        self._db_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="studyhall-db")
        self._long_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="studyhall-long")
        self._bridge = _Bridge()
        self.pending = 0

    def run_on_main(self, fn: Callable[[], None]) -> None:
        if threading.current_thread() is threading.main_thread():
            fn()
        else:
            self._bridge.call.emit(fn)

    def submit(self, fn: Callable[[], T], done: Callable[[Future[T]], None], *, long: bool = False) -> None:
        pool = self._long_worker if long else self._db_worker
        self.pending += 1

        def finished(fut: Future[T]) -> None:
            def on_main() -> None:
                self.pending -= 1
                done(fut)

            self.run_on_main(on_main)

        pool.submit(fn).add_done_callback(finished)

    def shutdown(self) -> None:
        self._db_worker.shutdown(wait=True)
        self._long_worker.shutdown(wait=True, cancel_futures=True)
        TaskManager._live.discard(self)

    @property
    def running(self) -> bool:
        """False once shut down (a timer that fires later must not start work)."""
        return self in TaskManager._live


class CoreOp(Generic[T]):
    """A unit of core work run off the GUI thread, with callbacks run on the GUI thread.

    Built by :meth:`gui.context.AppContext.call` for use cases; ``changes`` (what the work
    changed) are announced through ``notify`` once it has succeeded, before ``success`` runs.
    """

    def __init__(self, fn: Callable[..., T], *, parent: QWidget | None = None, tasks: TaskManager | None = None,
                 changes: Change | None = None, notify: Callable[[Change], None] | None = None) -> None:
        self._fn = fn
        self._parent = parent
        self._tasks = tasks
        self._changes = changes
        self._notify = notify
        self._on_success: Callable[[T], object] | None = None   # its return value is ignored
        self._on_failure: Callable[[BaseException], None] | None = None
        self._progress_label: str | None = None
        self._then: list[Callable[[Any], Any]] = []

    def then(self, fn: Callable[[T], Any]) -> CoreOp[Any]:
        """Transform the result on the worker too, before ``success`` gets it on the GUI thread
        (e.g. build a 100,000-row table model's rows without stalling the window)."""
        self._then.append(fn)
        return self

    def success(self, fn: Callable[[T], object]) -> CoreOp[T]:
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> CoreOp[T]:
        self._on_failure = fn
        return self

    def with_progress(self, label: str) -> CoreOp[T]:
        """Show a cancellable progress dialog; ``fn`` is then called with ``progress=`` and ``cancel=``."""
        self._progress_label = label
        return self

    def run(self, parent: QWidget | None = None) -> None:
        """Run on the task manager the op was built with; errors and progress show over ``parent``."""
        if parent is not None:
            self._parent = parent
        assert self._tasks is not None, "CoreOp.run needs the op to come from AppContext.call"
        self.run_in_background(self._tasks)

    def run_in_background(self, tasks: TaskManager) -> None:
        progress_dialog: _Progress | None = None
        work: Callable[[], T]
        if self._progress_label is not None:
            progress_dialog = _Progress(self._progress_label, self._parent)
            fn, dialog = self._fn, progress_dialog

            def work() -> T:
                return fn(progress=dialog.report, cancel=dialog.cancel)
        else:
            work = self._fn
        steps = list(self._then)

        def call() -> T:
            result: Any = work()
            for step in steps:
                result = step(result)
            return result

        def done(fut: Future[T]) -> None:
            if progress_dialog is not None:
                progress_dialog.finish()
            if self._parent is not None and not shiboken6.isValid(self._parent):
                return   # the screen that asked was closed meanwhile; the work itself is done and stored
            exc = fut.exception()
            if exc is None:
                if self._changes and self._notify is not None:
                    self._notify(self._changes)
                if self._on_success:
                    self._on_success(fut.result())
            elif isinstance(exc, Cancelled):
                return
            elif self._on_failure:
                self._on_failure(exc)
            else:
                from gui.errors import show_exception

                show_exception(parent=self._parent, exception=exc)

        tasks.submit(call, done, long=self._progress_label is not None)


class _Progress:
    """The cancellable progress dialog of one long op, fed from the worker by polling.

    The worker only writes the latest (done, total, label); a GUI-thread timer copies it into
    the dialog. :meth:`finish` stops the timer before closing, so a last poll can never show
    the dialog again after the work ended (whatever the order of the two).
    """

    POLL_MS = 100
    SHOW_AFTER_S = 0.3   # QProgressDialog alone never shows a task that jumps to 95 % and stays there

    def __init__(self, label: str, parent: QWidget | None) -> None:
        self.cancel = CancelToken()
        self._state: tuple[int, int, str] = (0, 0, label)
        self._finished = False
        self._started = time.monotonic()
        self.dialog = QProgressDialog(label, _("取消"), 0, 0, parent)
        self.dialog.setWindowTitle(_("请稍候"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel.cancel)
        self.timer = QTimer(self.dialog)
        self.timer.timeout.connect(self._poll)
        self.timer.start(self.POLL_MS)

    def report(self, done: int, total: int, label: str) -> None:
        """The ProgressSink the worker calls (any thread)."""
        self._state = (done, total, label or self._state[2])

    def _poll(self) -> None:
        if self._finished:
            return
        done, total, label = self._state
        self.dialog.setMaximum(total)
        if total:
            self.dialog.setValue(min(done, total - 1) if total > 1 else 0)
        self.dialog.setLabelText(label)
        if not self.dialog.isVisible() and time.monotonic() - self._started >= self.SHOW_AFTER_S:
            self.dialog.show()

    @property
    def finished(self) -> bool:
        return self._finished

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        self.timer.stop()
        self.dialog.canceled.disconnect(self.cancel.cancel)
        self.dialog.hide()
        self.dialog.deleteLater()
