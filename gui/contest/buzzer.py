# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Buzzers: each team's key on a keyboard; USB buzzers that present as keyboards work the same way.

The first key event wins by its own timestamp (when the key went down), not by when Qt delivered
it; auto-repeat and a key still held down are ignored, so leaning on a buzzer buzzes once.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent


def key_code(key: str) -> int:
    """The Qt key of a one-character key name ("Q", "7"): Qt's codes for letters and digits are ASCII."""
    return ord(key.strip().upper()[:1]) if key.strip() else 0


class Buzzers:
    def __init__(self, keys: list[str]) -> None:
        self.keys = {key_code(k): team for team, k in enumerate(keys) if key_code(k)}
        self._down: set[int] = set()
        self._offset: float | None = None     # monotonic seconds − event timestamp seconds

    @staticmethod
    def now() -> float:
        """The buzzer clock (seconds): "go" and the countdowns use it too."""
        return time.monotonic()

    def stamp(self, timestamp_ms: int) -> float:
        """An event's timestamp on the buzzer clock: both run at real time, so one offset, taken at the
        first key event, maps every later one (taken again if the event clock ever jumps)."""
        now = self.now()
        if timestamp_ms <= 0:
            return now
        seconds = timestamp_ms / 1000
        if self._offset is None or abs(seconds + self._offset - now) > 5:
            self._offset = now - seconds
        return seconds + self._offset

    def handle(self, event: QKeyEvent) -> tuple[int, float] | None:
        """(team, t) for a buzz, None for any other key, a repeat, or a release."""
        key = event.key()
        if key not in self.keys:
            return None
        if event.type() == QEvent.Type.KeyRelease:
            if not event.isAutoRepeat():
                self._down.discard(key)
            return None
        if event.type() != QEvent.Type.KeyPress or event.isAutoRepeat() or key in self._down:
            return None
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return None
        self._down.add(key)
        return self.keys[key], self.stamp(event.timestamp())

    def is_buzzer(self, key: int) -> bool:
        return key in self.keys
