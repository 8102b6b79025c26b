# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Run benchmarks: ``python bench/run.py`` (all) or ``python bench/run.py startup import``.

Names match by prefix. Results print as a table and update docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from base.plugins import discover
from bench import workloads  # noqa: E402
from bench.harness import Result, Workload, measure, save_results, table  # noqa: E402


def all_workloads() -> list[Workload]:
    return [w for _m, group in discover(workloads, "WORKLOADS") for w in group]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="workload names or prefixes (default: all)")
    parser.add_argument("--list", action="store_true", help="list workloads and exit")
    parser.add_argument("--no-save", action="store_true", help="do not update docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    chosen = [w for w in all_workloads() if not args.names or any(w.name.startswith(n) for n in args.names)]
    if args.list:
        for w in chosen:
            print(f"{w.name:<28} #{w.issue}  {w.description}")
        return 0
    if not chosen:
        print("no workload matches", args.names, file=sys.stderr)
        return 2
    results: list[Result] = []
    # The workloads' automatic backups, media and settings go to a folder of the run's own, not to
    # the data folder of whoever runs the benchmark (a caller's STUDYHALL_HOME is kept).
    home = None if "STUDYHALL_HOME" in os.environ else tempfile.mkdtemp(prefix="studyhall-bench-home-")
    if home is not None:
        os.environ["STUDYHALL_HOME"] = home
    try:
        for w in chosen:
            print(f"running {w.name} …", file=sys.stderr, flush=True)
            results.append(measure(w))
    finally:
        if home is not None:
            del os.environ["STUDYHALL_HOME"]
            shutil.rmtree(home, ignore_errors=True)
    from dataclasses import asdict

    print(table([asdict(r) for r in results]))
    if not args.no_save:
        save_results(results)
    return 0 if all(r.met is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
