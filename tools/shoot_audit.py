# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Screenshots of the 操作日志 page on the demo data, as its administrator (offscreen, 1280×720).

    python tools/shoot_audit.py [--db URL] [--lang zh_CN|en] [--out FILE.png] [--who BADGE] [--before-today]

Seeds a demo database in a temp folder unless --db is given; writes docs/screenshots/audit[-en].png.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--who", default="", help="fill the person filter")
    parser.add_argument("--before-today", action="store_true",
                        help="only rows before today (past the certificates the demo set-up issues today)")
    args = parser.parse_args()
    from base.i18n import set_language
    from core import demo
    from core.access.actor import ANONYMOUS
    from core.infra.db import open_database
    from core.people import usecases as people

    set_language(args.lang)
    tmp = tempfile.mkdtemp(prefix="studyhall-shots-")
    os.environ["STUDYHALL_HOME"] = tmp
    db = open_database(args.db or f"sqlite:///{tmp}/demo.db")
    demo.seed(db)
    user = people.log_in(db, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD)

    from PySide6.QtCore import QDate

    from core.infra.clock import local_date
    from gui.app import make_app
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.pages.audit import AuditPage
    from gui.tasks import TaskManager
    from tools.shoot_shell import settle

    app = make_app()
    tasks = TaskManager()
    window = MainWindow(AppContext(db, user, tasks))
    window.resize(1280, 720)
    window.show()
    settle(app, tasks)
    window.go("audit")
    settle(app, tasks, rounds=100)
    page = window.findChild(AuditPage)
    if page is not None and (args.who or args.before_today):
        page.who.setText(args.who)
        if args.before_today:
            day = local_date(db.clock.now()) - dt.timedelta(days=1)
            page.until.setDate(QDate(day.year, day.month, day.day))
        page.apply()
        settle(app, tasks, rounds=100)
    target = args.out or OUT / ("audit.png" if args.lang == "zh_CN" else f"audit-{args.lang}.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(target))
    window.close()
    tasks.shutdown()
    print("written to", target)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)   # skip Python's finalisation of Qt objects (see gui.app.run_gui)
