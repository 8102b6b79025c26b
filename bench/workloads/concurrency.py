# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Many PCs at once (issue 14): answers per second with 20 officer processes on PostgreSQL and 5 on
one SQLite file, each saving every answer of an exam in its own transaction, as the exam screen does.

Each row's time is seconds per answer (all processes together); the floor is the same processes
saving the same answers with the bare driver (one UPDATE + COMMIT each). PostgreSQL uses
STUDYHALL_BENCH_PG or STUDYHALL_TEST_PG when set, else a throw-away server (tools/pg_test_server.sh).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Workload

WORKER = ROOT / "tests" / "quiz" / "load_worker.py"


def _pg_url(state: dict[str, Any]) -> str:
    url = os.environ.get("STUDYHALL_BENCH_PG") or os.environ.get("STUDYHALL_TEST_PG")
    if not url:
        data = Path(tempfile.mkdtemp(prefix="studyhall-bench-pg-"))
        data.chmod(0o755)
        url = subprocess.run([str(ROOT / "tools" / "pg_test_server.sh"), "start", str(data / "data"), "45432"],
                             check=True, capture_output=True, text=True).stdout.strip()
        state["pg_dir"] = data
    from sqlalchemy import create_engine

    name = f"sh_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    state["pg_admin"], state["pg_name"] = url, name
    return url.rpartition("/")[0] + "/" + name


def _prepare(kind: str, writers: int) -> dict[str, Any]:
    from core import demo
    from core.infra.db import open_database

    state: dict[str, Any] = {"folder": Path(tempfile.mkdtemp(prefix="studyhall-bench-conc-")), "writers": writers,
                             "rounds": 0}
    url = f"sqlite:///{state['folder'] / 'demo.db'}" if kind == "sqlite" else _pg_url(state)
    db = open_database(url)
    demo.seed(db)
    state["url"], state["db"] = url, db
    from tests.quiz.test_load import _officers

    state["badges"] = _officers(db, writers)
    return state


def _round(state: dict[str, Any], mode: str) -> float:
    from tests.conftest import DEMO_ADMIN, actor_of
    from tests.quiz.test_load import one_attempt_quiz

    state["rounds"] += 1
    quiz_id = one_attempt_quiz(state["db"], actor_of(state["db"], DEMO_ADMIN), f"基准并发{state['rounds']}")
    go = state["folder"] / f"go-{state['rounds']}"
    procs = [subprocess.Popen([sys.executable, str(WORKER), state["url"], b, str(quiz_id), str(go), mode], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for b in state["badges"]]
    go.touch()
    answers, longest = 0, 0.0
    for p in procs:
        out, err = p.communicate(timeout=900)
        if p.returncode != 0:
            raise RuntimeError(err[-2000:])
        result = json.loads(out.strip().splitlines()[-1])
        answers += len(result["given"]) if "given" in result else int(result["answers"])
        longest = max(longest, float(result["seconds"]))
    state.setdefault("rates", {})[mode] = answers / longest
    return longest / answers


def _extra(state: dict[str, Any]) -> dict[str, str]:
    rates = state.get("rates", {})
    return {"answers/s": f"{rates.get('take', 0):.0f} (bare driver {rates.get('raw', 0):.0f})",
            "processes": str(state["writers"])}


def _cleanup(state: dict[str, Any]) -> None:
    state["db"].dispose()
    if "pg_name" in state:
        from sqlalchemy import create_engine

        admin = create_engine(state["pg_admin"], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{state["pg_name"]}" WITH (FORCE)')
        admin.dispose()
    if "pg_dir" in state:
        subprocess.run([str(ROOT / "tools" / "pg_test_server.sh"), "stop", str(state["pg_dir"] / "data")],
                       check=False, capture_output=True)
        shutil.rmtree(state["pg_dir"], ignore_errors=True)
    shutil.rmtree(state["folder"], ignore_errors=True)


WORKLOADS = [
    Workload(f"concurrency.answers.{kind}", 14,
             f"{n} officer processes on {label} at once, every answer saved in its own transaction",
             "the same processes saving the same answers with the bare driver", "no target (reported)",
             lambda st: _round(st, "take"), lambda st: _round(st, "raw"),
             functools.partial(_prepare, kind, n), _cleanup, _extra, repeat=3, self_measured=True)
    for kind, n, label in (("pg", 20, "PostgreSQL"), ("sqlite", 5, "one SQLite file"))
]
