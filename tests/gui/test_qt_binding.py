# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The installed Qt binding keeps Python's reference counts right.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` on every call of a method that
returns nothing (``widget.update()``, ``processEvents()``…). After a few thousand calls ``None``
is freed and the process dies ("deallocating None", or a segfault while garbage-collecting), so
an exam left open long enough would crash. pyproject.toml excludes that release; this test fails
if such a binding is installed again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

CALLS = 2000


def test_void_calls_do_not_drop_references_to_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        widget.update()
        QCoreApplication.processEvents()
    # A correct binding leaves the count where it was (give or take a few references held by Qt's
    # own queued events); the broken one lowers it by one per call, 2 * CALLS in all.
    assert sys.getrefcount(None) > before - CALLS // 10
