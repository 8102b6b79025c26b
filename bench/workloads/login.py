# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Logging in (issue 13): an unknown badge must take as long as a known one (±20 %), so timing
cannot tell which badge numbers exist.

Timed: the ``log_in`` use case the login window and the CLI call (the frame, reading the badge's
failure count and account, Argon2 verification, counting and auditing a failure in a transaction
of its own) for an unknown badge, a known badge with a wrong password and a known badge with the
right one, on a SQLite file. The lockout and backoff are switched off so that repeated failures
keep measuring the same path. Raw floor: the known badge with a wrong password for the unknown
badge's workload (the issue's comparison), one bare Argon2 verification for the other two.
``extra`` interleaves the three cases and reports their medians and ratios.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import Workload

BADGE, PASSWORD, UNKNOWN = "200001", "right-pw-1", "987654"
ROUNDS = 7


def _prepare() -> dict[str, Any]:
    from core.infra.db import open_database
    from core.infra.passwords import hash_password
    from core.people.login import SecuritySettings
    from core.people.org import add_unit
    from core.people.users import add_user

    folder = Path(tempfile.mkdtemp(prefix="sh-bench-login-"))
    db = open_database(f"sqlite:///{folder / 'login.db'}")
    with db.transaction() as s:
        add_unit(s, "B1", "第一党支部", "branch")
        add_user(s, badge=BADGE, name="张伟", unit="B1", password=PASSWORD)
        SecuritySettings(max_failures=0, backoff_seconds=0).save(s)
    return {"db": db, "folder": folder, "hash": hash_password(PASSWORD)}


def _attempt(badge: str, password: str) -> Callable[[dict[str, Any]], None]:
    def run(state: dict[str, Any]) -> None:
        from base.errors import AuthenticationFailed
        from core.access.actor import ANONYMOUS
        from core.people import usecases as people

        try:
            people.log_in(state["db"], ANONYMOUS, badge, password)
        except AuthenticationFailed:
            if password == PASSWORD and badge == BADGE:
                raise
        else:
            if password != PASSWORD or badge != BADGE:
                raise AssertionError("a wrong login succeeded")

    return run


known_wrong = _attempt(BADGE, "wrong-pw-1")
known_right = _attempt(BADGE, PASSWORD)
unknown = _attempt(UNKNOWN, "wrong-pw-1")


def _verify_floor(state: dict[str, Any]) -> None:
    from core.infra.passwords import verify_password

    verify_password(state["hash"], "wrong-pw-1")


def _extra(state: dict[str, Any]) -> dict[str, str]:
    times: dict[str, list[float]] = {"unknown": [], "wrong": [], "right": []}
    for _i in range(ROUNDS):
        for name, fn in (("unknown", unknown), ("wrong", known_wrong), ("right", known_right)):
            t0 = time.perf_counter()
            fn(state)
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "unknown badge": f"{med['unknown'] * 1000:.0f} ms",
        "known, wrong password": f"{med['wrong'] * 1000:.0f} ms",
        "known, right password": f"{med['right'] * 1000:.0f} ms",
        "unknown / known-wrong": f"{med['unknown'] / med['wrong']:.2f}",
        "unknown / known-right": f"{med['unknown'] / med['right']:.2f}",
    }


_shared: dict[str, Any] = {}


def _prep_once() -> dict[str, Any]:
    if not _shared:
        _shared.update(_prepare())
    return _shared


def _cleanup(state: dict[str, Any]) -> None:
    state["db"].dispose()
    shutil.rmtree(state["folder"], ignore_errors=True)
    _shared.clear()


WORKLOADS = [
    Workload("login.known_wrong", 13, "log in: known badge, wrong password (failure counted and audited)",
             "one Argon2 verification", "reference", known_wrong, _verify_floor, _prep_once, lambda s: None,
             repeat=9),
    Workload("login.known_right", 13, "log in: known badge, right password", "one Argon2 verification",
             "reference", known_right, _verify_floor, _prep_once, lambda s: None, repeat=9),
    Workload("login.unknown_badge", 13, "log in: unknown badge (dummy hash verified, failure counted)",
             "known badge, wrong password", "0.8–1.2× floor", unknown, known_wrong, _prep_once, _cleanup,
             extra=_extra, repeat=9, meets=lambda m, f: f is not None and 0.8 <= m / f <= 1.2),
]
