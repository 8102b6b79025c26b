# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Garbage collection on the GUI thread only (installed at start-up, before any worker thread).

Its own small module so that start-up installs it without loading the task machinery
(:mod:`gui.tasks`, ``concurrent.futures``) before the login window is shown.
"""

from __future__ import annotations

import gc
from typing import ClassVar

from PySide6.QtCore import QTimer


class MainThreadCollector:
    """Python's cyclic garbage collector, run on the GUI thread only.

    With automatic collection a collection runs in whichever thread happens to allocate. On a
    worker thread it can free the Python wrapper of a Qt object caught in a reference cycle,
    and deleting a Qt object off its own thread crashes the process. So, as Anki does,
    automatic collection is switched off once worker threads exist, and a timer on the GUI
    thread collects by the interpreter's own generation thresholds.
    """

    INTERVAL_MS = 100
    # Young objects beyond which a collection on the GUI thread would stall the window: a worker
    # allocating in bulk (an import's 100,000 questions) fills the young generation with ~10^6
    # objects, and traversing them took 100+ ms. Those are promoted instead (see collect()).
    BULK = 5_000
    _installed: ClassVar[MainThreadCollector | None] = None

    @classmethod
    def install(cls) -> MainThreadCollector:
        """Switch to GUI-thread collection (once per process; call on the GUI thread)."""
        if cls._installed is None:
            cls._installed = cls()
        return cls._installed

    @classmethod
    def installed(cls) -> MainThreadCollector | None:
        return cls._installed

    def __init__(self) -> None:
        self._thresholds = gc.get_threshold()
        self.promoted = 0
        gc.disable()
        self._timer = QTimer()
        self._timer.timeout.connect(self.collect)
        self._timer.start(self.INTERVAL_MS)

    def collect(self) -> int:
        """Collect like the interpreter would: the oldest generation whose count passed its threshold.

        One collection per call, so with the timer a full collection comes at most every
        ``t1 * t2`` ticks, however much the workers allocate. A young generation of more than
        ``BULK`` objects is not traversed but promoted to the oldest generation
        (``gc.freeze()`` + ``gc.unfreeze()`` only splice lists): reference counting frees those
        objects when the work drops them, and any cycles among them go at the next full collection.
        """
        young = gc.get_count()[0]
        if young > self.BULK:
            gc.freeze()
            gc.unfreeze()
            self.promoted += 1
            return 0
        passed = [count > limit for count, limit in zip(gc.get_count(), self._thresholds, strict=True)]
        if not passed[0]:
            return 0
        return gc.collect(2 if passed[2] else 1 if passed[1] else 0)
