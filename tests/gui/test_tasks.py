# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The task manager's workers never run Python's cyclic garbage collector.

A collection on a worker thread can free the wrapper of a Qt object there, which crashed the
exam screen's tests (segfault "Garbage-collecting" inside ``save_answer`` on the database worker).
"""

from __future__ import annotations

import gc
import threading
from concurrent.futures import Future

from pytestqt.qtbot import QtBot

from gui.tasks import MainThreadCollector, TaskManager


class _Cycle:
    """Garbage only the cyclic collector can free; records the thread that freed it."""

    def __init__(self, freed_on: list[str]) -> None:
        self.me = self
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


def test_garbage_made_on_a_worker_is_collected_on_the_gui_thread(qtbot: QtBot) -> None:
    tasks = TaskManager()
    freed_on: list[str] = []
    done: list[Future[int]] = []

    def work() -> int:
        _Cycle(freed_on)
        # Far more allocations than a young collection waits for: an automatic collector
        # would run right here, on the worker, and free the cycle on it.
        junk = [[] for _ in range(gc.get_threshold()[0] * 5)]
        return len(junk)

    tasks.submit(work, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done[0].result() > 0
    assert freed_on in ([], [threading.main_thread().name])  # the timer may already have run
    assert not gc.isenabled()

    collector = MainThreadCollector.installed()
    assert collector is not None
    gc.collect()
    assert freed_on == [threading.main_thread().name]


def test_collector_collects_only_past_the_thresholds(qtbot: QtBot) -> None:
    TaskManager()
    collector = MainThreadCollector.install()
    gc.collect()  # counts back to zero
    assert collector.collect() == 0

    freed_on: list[str] = []
    _Cycle(freed_on)
    junk = [[] for _ in range(gc.get_threshold()[0] + 10)]
    assert freed_on == []  # automatic collection is off
    assert collector.collect() >= 1  # a young collection, which finds the cycle
    assert freed_on == [threading.main_thread().name]
    assert gc.get_count()[0] < len(junk)  # the young generation's count started again
