# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The size of the PyInstaller onedir bundle (``make bundle`` builds dist/studyhall; this row only reads it).

Size is the sum of the bundle's regular files in MB (10^6 bytes; symbolic links count nothing), which
is what a copy or an archive of the folder carries. ``du -sh`` prints MiB and rounds up by blocks.
With no bundle built the row says so and has no verdict (building takes minutes of both cores).
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.harness import ROOT, Workload

DIST = ROOT / "dist" / "studyhall"
TARGET_MB = 150


def files(folder: Path) -> list[tuple[int, str]]:
    """(size in bytes, path relative to ``folder``) of every regular file, largest first."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            found.append((path.stat().st_size, path.relative_to(folder).as_posix()))
    return sorted(found, reverse=True)


def size_mb(folder: Path) -> float:
    """The bundle's size in MB, or NaN when it has not been built."""
    if not (folder / ("studyhall.exe" if os.name == "nt" else "studyhall")).is_file():
        return float("nan")
    return sum(size for size, _path in files(folder)) / 1e6


def _extra(_state: None) -> dict[str, str]:
    if not DIST.is_dir():
        return {"status": "not built (make bundle)"}
    listing = files(DIST)
    largest = ", ".join(f"{path.split('/')[-1]} {size / 1e6:.1f}" for size, path in listing[:5])
    return {"files": str(len(listing)), "largest (MB)": largest, "list": "docs/BUNDLE.md"}


def _meets(median: float, _floor: float | None) -> bool | None:
    return None if median != median else median <= TARGET_MB


WORKLOADS = [
    Workload(
        name="bundle.size",
        issue=19,
        description="Linux PyInstaller onedir bundle (dist/studyhall, as `make bundle` builds it)",
        floor_description="—",
        target=f"≤ {TARGET_MB} MB, --selftest passes (make selftest)",
        run=lambda _state: size_mb(DIST),
        extra=_extra,
        repeat=1,
        meets=_meets,
        self_measured=True,
        unit="MB",
    ),
]
