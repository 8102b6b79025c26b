# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Screenshots of the on-stage contest from the real app (offscreen): the big screen and the host
console at 1920×1080 and 1366×768, and the 竞赛 page at 1280×720.

    python tools/shoot_contest.py [en]

Seeds a demo database in a temp folder, plays the demo's upcoming contest to a buzz-in question
through the host console, and writes docs/screenshots/contest-*.png (``-en`` with ``en``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = ROOT / "docs" / "screenshots"
SIZES = {"1080": (1920, 1080), "768": (1366, 768)}


def main() -> int:
    from base.i18n import set_language

    lang = sys.argv[1] if len(sys.argv) > 1 else "zh_CN"
    set_language(lang)
    suffix = "" if lang == "zh_CN" else "-en"
    home = tempfile.mkdtemp()
    os.environ["STUDYHALL_HOME"] = home
    from core import demo
    from core.access.actor import ANONYMOUS
    from core.contest import usecases as contest
    from core.contest.machine import replay
    from core.contest.stage import stage_view
    from core.infra.db import open_database
    from core.people import usecases as people
    from gui.app import make_app
    from gui.contest.bigscreen import BigScreen
    from gui.contest.console import HostConsole
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.pages.contests import ContestsPage
    from gui.tasks import TaskManager
    from tools.shoot_shell import settle

    db = open_database(f"sqlite:///{home}/studyhall.db")
    demo.seed(db)
    user = people.log_in(db, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD)
    app = make_app()
    tasks = TaskManager()
    ctx = AppContext(db, user, tasks)
    OUT.mkdir(parents=True, exist_ok=True)

    window = MainWindow(ctx)
    window.resize(1280, 720)
    window.show()
    settle(app, tasks)
    window.go("contests")
    settle(app, tasks, rounds=100)
    window.grab().save(str(OUT / f"contest-page{suffix}.png"))
    page = window.page("contests")
    assert isinstance(page, ContestsPage)
    page.new_contest()
    settle(app, tasks, rounds=100)
    form = page.setup_dialog
    assert form is not None
    form.title.setText("2026年度“忠诚杯”知识竞赛" if lang == "zh_CN" else "2026 Loyalty Cup knowledge contest")
    form.resize(1100, 660)
    settle(app, tasks)
    form.grab().save(str(OUT / f"contest-setup{suffix}.png"))
    form.reject()

    rows = contest.list_contests(db, ctx.actor)
    ready = next(r.id for r in rows if r.status == "ready")
    done = next(r.id for r in rows if r.status == "finished")
    console = HostConsole(ctx, contest.open_contest(db, ctx.actor, ready))
    console.sounds.muted = True
    console.show()
    console.send({"kind": "round"})
    for turn in range(6):
        console.send({"kind": "show"})
        console.send({"kind": "rule", "team": turn % 3, "correct": turn not in (2, 4)})
    console.send({"kind": "round"})
    console.send({"kind": "show"})
    console.send({"kind": "buzz", "team": 2, "t": console.buzzers.now()})         # a false start
    console.send({"kind": "go", "t": console.buzzers.now()})
    console.send({"kind": "buzz", "team": 1, "t": console.buzzers.now() + 0.4})
    settle(app, tasks, rounds=100)
    deadline = time.monotonic() + 1.0                 # let the scoreboard's animations finish
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for name, (w, h) in SIZES.items():
        console.resize(w, h)
        settle(app, tasks)
        console.grab().save(str(OUT / f"contest-console-{name}{suffix}.png"))
        screen = console.screen_window
        screen.resize(w, h)
        screen.show()
        settle(app, tasks)
        screen.grab().save(str(OUT / f"contest-screen-{name}{suffix}.png"))

    finished = contest.open_contest(db, ctx.actor, done)
    board_at = next(i for i, e in enumerate(finished.events) if e["kind"] == "tile")
    shots = {"board": finished.events[:board_at + 5], "ranking": finished.events,
             "title": finished.events[:next(i for i, e in enumerate(finished.events) if e["kind"] == "stake")]}
    for shot, events in shots.items():
        view = stage_view(finished.title, replay(finished.spec, events), finished.questions)
        for name, (w, h) in SIZES.items():
            big = BigScreen(console.buzzers.now)
            big.resize(w, h)
            big.set_view(view)
            big.show()
            settle(app, tasks)
            big.grab().save(str(OUT / f"contest-{shot}-{name}{suffix}.png"))
            big.close()
    console.close()
    tasks.shutdown()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
