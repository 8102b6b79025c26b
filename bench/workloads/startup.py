# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Start-up: process start to the login window shown (offscreen), next to a bare PySide6 window."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from bench.harness import ROOT, Workload

BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget(); w.resize(880, 560); w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STUDYHALL_HOME=home, STUDYHALL_EXIT_WHEN_SHOWN="1")
    env.pop("STUDYHALL_DB", None)
    return env


def prepare() -> dict[str, str]:
    import compileall

    # As installed (pip, the PyInstaller bundle), StudyHall's own modules start from bytecode, as
    # PySide6's do in the floor. Where PYTHONDONTWRITEBYTECODE is set no .pyc is ever written, and
    # each start would compile the ~40 KB of source the login window needs (about 9 % of a bare
    # window's instructions): compiled once here, as an install would (__pycache__ is ignored by git).
    for package in ("base", "core", "gui"):
        compileall.compile_dir(ROOT / package, quiet=1)
    home = tempfile.mkdtemp(prefix="studyhall-bench-startup-")
    # An existing database (the usual case), so start-up does not include creating it.
    subprocess.run([sys.executable, str(ROOT / "main.py"), "db", "upgrade"], env=_env(home), check=True,
                   capture_output=True)
    return {"home": home}


def run(state: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "main.py")], env=_env(state["home"]), check=True, capture_output=True)


def floor(state: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-c", BARE], env=_env(state["home"]), check=True, capture_output=True)


WORKLOADS = [
    Workload(
        name="startup.login",
        issue=2,
        description="process start → login window shown (offscreen)",
        floor_description="bare PySide6 window, same way",
        target="≤ 1.3× floor",
        prepare=prepare,
        run=run,
        floor=floor,
        repeat=7,
        meets=lambda median, fl: fl is not None and median <= 1.3 * fl,
    ),
]
