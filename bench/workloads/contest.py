# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""From the host's click to the big screen's update (issue 16): ≤ 50 ms, measured event to paint.

Timed, in an offscreen Qt application on a copy of the demo database: a mouse click on a host
console button (出题 / 开始计时 / 答对 / 公布答案, around a 60-question round) until the
big screen has finished painting the new state (``BigScreen.painted_at``). Each click applies the
event to the console's contest, builds the stage view, schedules the paint and hands the event to
the database worker, which stores it while the paint happens. A run is 20 clicks; its value is
the slowest of them. Raw floor: the slowest of 20 bare ``update()`` → paint cycles of the same big
screen with nothing changed (Qt's own event-to-paint cost at 1920×1080).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Workload

CLICKS = 20


def prepare() -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from core import demo
    from core.contest import usecases as contest
    from core.demo.contest_step import sample_spec
    from core.infra.db import open_database
    from core.people.users import get_user
    from gui.app import make_app
    from gui.contest.console import HostConsole
    from gui.context import AppContext
    from gui.tasks import TaskManager

    folder = Path(tempfile.mkdtemp(prefix="sh-bench-contest-"))
    os.environ["STUDYHALL_HOME"] = str(folder / "home")
    db = open_database(f"sqlite:///{folder / 'contest.db'}")
    demo.seed(db)
    app = make_app()
    with db.transaction() as s:
        user = get_user(s, demo.DEMO_ADMIN)
    ctx = AppContext(db, user, TaskManager())
    spec = sample_spec()
    spec["rounds"] = [{"preset": "compulsory", "per_team": 20, "qtypes": ["single", "judge"]}]
    cid = contest.create_contest(db, ctx.actor, spec)
    console = HostConsole(ctx, contest.open_contest(db, ctx.actor, cid))
    console.sounds.muted = True
    console.resize(1366, 768)
    console.show()
    screen = console.screen_window
    screen.resize(1920, 1080)
    screen.show()
    _settle(app, ctx)
    state = {"folder": folder, "db": db, "app": app, "ctx": ctx, "console": console, "screen": screen,
             "all": [], "floors": []}
    _click(state, console.b_round)
    return state


def _settle(app: Any, ctx: Any) -> None:
    for _ in range(200):
        app.processEvents()
        if ctx.tasks.pending == 0:
            return
        time.sleep(0.01)


def _click(state: dict[str, Any], button: Any) -> float:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app, screen = state["app"], state["screen"]
    before = screen.paints
    t0 = time.perf_counter()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    while screen.paints == before:
        app.processEvents()
        if time.perf_counter() - t0 > 5:
            raise RuntimeError(f"the big screen did not repaint after “{button.text()}”")
    return screen.painted_at - t0


def _next_button(console: Any) -> Any:
    for b in (console.b_show, console.b_timer, *console.right_buttons, console.b_reveal):
        if b.isEnabled() and (b is not console.b_timer or console.view().countdown is None):
            return b
    raise RuntimeError(f"no host button to press in phase {console.contest.phase} "
                       f"(round over: {console.contest.round_done()})")


def run(state: dict[str, Any]) -> float:
    console = state["console"]
    times = []
    for _ in range(CLICKS):
        times.append(_click(state, _next_button(console)))
    _settle(state["app"], state["ctx"])
    state["all"].extend(times)
    return max(times)


def floor(state: dict[str, Any]) -> float:
    app, screen = state["app"], state["screen"]
    times = []
    for _ in range(CLICKS):
        before = screen.paints
        t0 = time.perf_counter()
        screen.update()
        while screen.paints == before:
            app.processEvents()
        times.append(screen.painted_at - t0)
    state["floors"].extend(times)
    return max(times)


def extra(state: dict[str, Any]) -> dict[str, str]:
    clicks = sorted(state["all"])
    if not clicks:
        return {}
    p95 = clicks[int(len(clicks) * 0.95) - 1]
    return {"clicks": str(len(clicks)), "median click": f"{statistics.median(clicks) * 1000:.1f} ms",
            "p95 click": f"{p95 * 1000:.1f} ms", "slowest click": f"{clicks[-1] * 1000:.1f} ms",
            "events stored": str(state["console"].seq)}


def cleanup(state: dict[str, Any]) -> None:
    state["console"].close()
    state["ctx"].tasks.shutdown()
    state["db"].dispose()
    shutil.rmtree(state["folder"], ignore_errors=True)


WORKLOADS = [
    Workload(
        name="contest.click_to_paint",
        issue=16,
        description="host console click → big screen painted (slowest of 20 clicks, 1920×1080)",
        floor_description="bare update() → paint of the same big screen",
        target="≤ 50 ms",
        run=run,
        floor=floor,
        prepare=prepare,
        cleanup=cleanup,
        extra=extra,
        repeat=5,
        meets=lambda median, _floor: median <= 0.050,
        self_measured=True,
    ),
]
