# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Sound cues for the stage (buzz, time-up, right, wrong): bundled WAVs played with QtMultimedia.

A PC without sound output (or without QtMultimedia's libraries) simply stays silent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl

from core.infra.paths import resources_dir

CUES = ("buzz", "timeup", "right", "wrong")


class Sounds:
    def __init__(self) -> None:
        self.muted = False
        self.effects: dict[str, Any] = {}
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:          # e.g. no libpulse: the contest runs without sound
            return
        for cue in CUES:
            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(resources_dir() / "sounds" / f"{cue}.wav")))
            effect.setVolume(0.8)
            self.effects[cue] = effect

    @property
    def available(self) -> bool:
        return bool(self.effects)

    def play(self, cue: str) -> None:
        effect = self.effects.get(cue)
        if effect is not None and not self.muted:
            effect.play()
