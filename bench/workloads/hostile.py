# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Hostile files refused in bounded time (issue 15): the slowest file of the hostile corpus.

The corpus is tests/quizbank/test_hostile.py's (far cells, sparse sheets, shared-string and zip
bombs, entity expansion, deep nesting, random bytes; every reader: question banks through the
import pipeline, rosters, study materials). A run reads the whole corpus in one fresh process, as
the test does, and its value is the slowest file's time. The test checks that every file is
refused, that memory stays bounded and that the process survives; the time is measured here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Workload

LIMIT_S = 1.0


def prepare() -> dict[str, Any]:
    from tests.quizbank.test_hostile import corpus

    folder = Path(tempfile.mkdtemp(prefix="studyhall-bench-hostile-"))
    files = corpus(folder)
    return {"folder": folder, "job": json.dumps([(reader, str(path)) for reader, _n, path, _l in files]),
            "names": [name for _r, name, _p, _l in files], "slowest": []}


def run(state: dict[str, Any]) -> float:
    from tests.quizbank.test_hostile import CHILD

    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), state["job"]], capture_output=True, text=True,
                          check=True, timeout=600)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")][1:]
    if len(results) != len(state["names"]) or any(r["found"] for r in results):
        raise RuntimeError(f"the hostile corpus was not refused whole: {results}")
    seconds, name = max((r["seconds"], name) for r, name in zip(results, state["names"], strict=True))
    state["slowest"].append((seconds, name, max(r["peak_mb"] for r in results)))
    return float(seconds)


def extra(state: dict[str, Any]) -> dict[str, str]:
    seconds, name, peak = max(state["slowest"])
    return {"files": str(len(state["names"])), "slowest file (slowest run)": f"{name}: {seconds * 1000:.0f} ms",
            "peak RSS of the reading process": f"{peak:.0f} MB"}


def cleanup(state: dict[str, Any]) -> None:
    shutil.rmtree(state["folder"], ignore_errors=True)


WORKLOADS = [
    Workload(
        name="hostile.refusal",
        issue=15,
        description="the slowest refusal among the hostile-file corpus (bank, roster and material readers)",
        floor_description="—",
        target="≤ 1 s per file",
        run=run,
        prepare=prepare,
        cleanup=cleanup,
        extra=extra,
        repeat=5,
        meets=lambda median, _floor: median <= LIMIT_S,
        self_measured=True,
    ),
]
