# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Synthesise the contest's sound cues (buzz, time-up, right, wrong) as small WAV files.

Plain tones made here, so they carry no third-party licence: ``python tools/make_sounds.py``
writes resources/sounds/{buzz,timeup,right,wrong}.wav (16-bit mono, 22,050 Hz).
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds"

# (frequency Hz, seconds) notes of each cue; 0 Hz is a rest
CUES: dict[str, list[tuple[float, float]]] = {
    "buzz": [(880, 0.10), (1175, 0.25)],
    "timeup": [(440, 0.18), (0, 0.06), (440, 0.18), (0, 0.06), (330, 0.45)],
    "right": [(784, 0.12), (988, 0.12), (1319, 0.30)],
    "wrong": [(220, 0.22), (185, 0.40)],
}


def tone(freq: float, seconds: float) -> list[int]:
    n = int(RATE * seconds)
    out = []
    for i in range(n):
        envelope = min(1.0, i / 400, (n - i) / 900)          # no clicks at either end
        value = math.sin(2 * math.pi * freq * i / RATE) + 0.3 * math.sin(4 * math.pi * freq * i / RATE)
        out.append(int(12000 * envelope * value) if freq else 0)
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, notes in CUES.items():
        samples = [s for f, d in notes for s in tone(f, d)]
        with wave.open(str(OUT / f"{name}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(struct.pack(f"<{len(samples)}h", *samples))
        print(OUT / f"{name}.wav")


if __name__ == "__main__":
    main()
