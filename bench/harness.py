# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The benchmark model: a workload, its raw floor, a target, and how results are kept.

A workload's ``prepare()`` builds what both timings need (files, databases) once
and returns a state object; ``run(state)`` and ``floor(state)`` are then timed
``repeat`` times each, interleaved, and the medians compared. ``extra(state)``
may return more numbers to report (peak memory, bytes per page…).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "bench_results.json"
REPORT = ROOT / "docs" / "PERFORMANCE.md"
NOTES = ROOT / "docs" / "performance_notes.md"      # hand-written, appended to the report as it is


@dataclass(frozen=True)
class Workload:
    name: str                       # e.g. "import.xlsx.10k"
    issue: int                      # the issue that names the target
    description: str                # what is timed
    floor_description: str          # what the raw floor is
    target: str                     # the issue's target, in words ("≤ 2× floor", "≤ 20 ms")
    run: Callable[[Any], Any]
    floor: Callable[[Any], Any] | None = None
    prepare: Callable[[], Any] = lambda: None
    cleanup: Callable[[Any], None] = lambda state: None
    extra: Callable[[Any], dict[str, str]] = lambda state: {}
    repeat: int = 5
    # Optional check of the target: (median_s, floor_median_s) -> bool
    meets: Callable[[float, float | None], bool | None] | None = None
    # When True, run() and floor() return the measured quantity in seconds themselves (e.g. the
    # longest stall seen), instead of being timed from outside.
    self_measured: bool = False
    # What a self-measured value is: "s" (seconds) or "MB" (a size, e.g. of the built bundle).
    unit: str = "s"


@dataclass
class Result:
    name: str
    issue: int
    description: str
    floor_description: str
    target: str
    median_s: float
    floor_s: float | None
    runs: int
    met: bool | None
    extra: dict[str, str] = field(default_factory=dict)
    measured_at: str = ""
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        return self.median_s / self.floor_s if self.floor_s else None


def measure(w: Workload) -> Result:
    state = w.prepare()
    try:
        times: list[float] = []
        floors: list[float] = []
        for _ in range(w.repeat):
            times.append(_timed(w, w.run, state))
            if w.floor is not None:
                floors.append(_timed(w, w.floor, state))
        median = statistics.median(times)
        floor = statistics.median(floors) if floors else None
        met = w.meets(median, floor) if w.meets else None
        return Result(w.name, w.issue, w.description, w.floor_description, w.target, median, floor, w.repeat, met,
                      w.extra(state), time.strftime("%Y-%m-%d %H:%M"), w.unit)
    finally:
        w.cleanup(state)


def _timed(w: Workload, fn: Callable[[Any], Any], state: Any) -> float:
    t0 = time.perf_counter()
    value = fn(state)
    elapsed = time.perf_counter() - t0
    return float(value) if w.self_measured else elapsed


def fmt_seconds(s: float | None, unit: str = "s") -> str:
    if s is None:
        return "—"
    if unit == "MB":
        return "not built" if s != s else f"{s:.1f} MB"      # NaN: nothing to measure
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def load_results() -> dict[str, dict[str, Any]]:
    try:
        return json.loads(RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_results(results: list[Result]) -> None:
    stored = load_results()
    for r in results:
        stored[r.name] = asdict(r)
    RESULTS.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    write_report(stored)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| workload | issue | median | raw floor | ratio | target | met | notes |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['median_s'] / r['floor_s']:.2f}×" if r.get("floor_s") else "—"
        met = {True: "yes", False: "**no**", None: "—"}[r.get("met")]
        notes = "; ".join(f"{k}: {v}" for k, v in r.get("extra", {}).items())
        unit = r.get("unit", "s")
        lines.append(f"| `{r['name']}` — {r['description']} | #{r['issue']} | {fmt_seconds(r['median_s'], unit)} | "
                     f"{fmt_seconds(r.get('floor_s'), unit)} ({r['floor_description']}) | {ratio} | {r['target']} | "
                     f"{met} | {notes} |")
    return "\n".join(lines)


def write_report(stored: dict[str, dict[str, Any]]) -> None:
    rows = sorted(stored.values(), key=lambda r: (r["issue"], r["name"]))
    text = (
        "# Performance\n\n"
        "Measured with `python bench/run.py [WORKLOAD…]` on the project's 2-core Linux machines. Each workload is\n"
        "the median of several runs, next to its raw floor (the least work that could do the job) measured in the\n"
        "same run, so the ratio holds even when the machine is busy. This file is rewritten by the benchmark;\n"
        "`docs/bench_results.json` keeps the raw numbers.\n\n"
        + table(rows) + "\n"
    )
    if NOTES.is_file():
        text += "\n" + NOTES.read_text(encoding="utf-8")
    REPORT.write_text(text, encoding="utf-8")
