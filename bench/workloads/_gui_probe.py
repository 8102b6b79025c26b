# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The GUI-thread stall probe: run in its own process by ``gui_stall.py``.

``python -m bench.workloads._gui_probe app DB_URL FILE.xlsx`` logs in as the demo administrator,
opens the main window and drives the real import wizard through a whole import of FILE (read and
preview, dry run against the target bank, store), then opens the statistics page and waits for its
comparison. ``... bare`` runs an empty event loop instead, for the same time (the floor). Meanwhile
a 1 ms precise timer on the GUI thread notes every gap between its ticks; the longest gap beyond
the interval is the longest time the window could not respond. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

INTERVAL_MS = 1


class Probe:
    """Longest gap between ticks of a precise 1 ms timer, per named phase."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.phase = "start"
        self.worst: dict[str, float] = {}
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)
        self.timer.start(INTERVAL_MS)

    def tick(self) -> None:
        now = self.clock.nsecsElapsed()
        gap = (now - self.last) / 1e9 - INTERVAL_MS / 1000 if self.last else 0.0
        self.last = now
        self.worst[self.phase] = max(self.worst.get(self.phase, 0.0), gap)

    def enter(self, phase: str) -> None:
        self.tick()
        self.phase = phase


def wait_until(app: QCoreApplication, done: Callable[[], bool], timeout_s: float = 300.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the GUI did not finish in time")
        app.processEvents()
        time.sleep(0.0005)


def run_app(db_url: str, xlsx: Path) -> dict[str, object]:
    from core.access.actor import ANONYMOUS
    from core.demo import DEMO_PASSWORD
    from core.infra.db import open_database
    from core.people.usecases import log_in
    from gui import theme
    from gui.app import make_app
    from gui.bank.import_wizard import ImportWizard
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.tasks import MainThreadCollector, TaskManager

    app = make_app()
    theme.apply(app)
    MainThreadCollector.install()
    db = open_database(db_url)
    user = log_in(db, ANONYMOUS, "000001", DEMO_PASSWORD)
    tasks = TaskManager()
    window = MainWindow(AppContext(db, user, tasks))
    window.show()
    wait_until(app, lambda: tasks.pending == 0)
    probe = Probe()
    started = time.perf_counter()

    probe.enter("import.preview")
    wizard = ImportWizard(window.ctx, window)
    wizard.show()
    wizard.set_files([xlsx])
    wizard.next()                     # the preview page reads the file
    wait_until(app, lambda: wizard.read is not None and tasks.pending == 0)
    probe.enter("import.check")
    wizard.next()                     # the target page: a dry run against the new bank
    wait_until(app, lambda: wizard.dry_report is not None and tasks.pending == 0)
    probe.enter("import.store")
    wizard.next()                     # 导入: store, then the result page
    wait_until(app, lambda: wizard.stored is not None and tasks.pending == 0)
    stored = wizard.stored.imported if wizard.stored is not None else 0
    if not stored:
        print("not stored:", wizard.stored.summary() if wizard.stored else None,
              [str(p) for p in (wizard.stored.problems if wizard.stored else [])][:5], file=sys.stderr)
    wizard.close()
    probe.enter("stats.open")
    window.go("stats")
    wait_until(app, lambda: tasks.pending == 0)
    probe.enter("end")
    elapsed = time.perf_counter() - started
    tasks.shutdown()
    return {"worst_s": max(probe.worst.values()), "by_phase_ms": {k: round(v * 1000, 1) for k, v in
                                                                   probe.worst.items()},
            "imported": stored, "elapsed_s": round(elapsed, 2)}


def run_bare(seconds: float) -> dict[str, object]:
    from gui.tasks import MainThreadCollector

    app = QApplication.instance() or QApplication([])
    MainThreadCollector.install()
    probe = Probe()
    probe.enter("idle")
    end = time.monotonic() + seconds
    wait_until(app, lambda: time.monotonic() > end)
    probe.enter("end")
    return {"worst_s": max(probe.worst.values())}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    mode = sys.argv[1]
    out = run_app(sys.argv[2], Path(sys.argv[3])) if mode == "app" else run_bare(float(sys.argv[2]))
    print(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)
