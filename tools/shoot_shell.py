# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Screenshots of the login and main windows from the real app (offscreen, 1366×768).

    python tools/shoot_shell.py [--db URL]

Seeds a demo database in a temp folder unless --db is given; writes docs/screenshots/*.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = ROOT / "docs" / "screenshots"


def settle(app, tasks, rounds: int = 50) -> None:  # type: ignore[no-untyped-def]
    import time

    for _ in range(rounds):
        app.processEvents()
        if tasks is None or tasks.pending == 0:
            break
        time.sleep(0.05)
    app.processEvents()


def shoot_import_preview(app, db, tasks, suffix: str) -> None:  # type: ignore[no-untyped-def]
    """The import wizard's preview on real third-party files from ../shared/data (when present)."""
    from core.demo import DEMO_PASSWORD
    from core.people.users import authenticate
    from gui.bank.import_wizard import ImportWizard
    from gui.context import AppContext

    shared = ROOT.parent / "shared" / "data"
    files = [shared / "religion-xlsx" / "题库.xlsx", shared / "exam-import-templates" / "FYHC1_试题导入模板.xlsx",
             shared / "moodle-fixtures" / "aiken_errors.txt", shared / "dangjian-tk-json" / "tk.json"]
    files = [f for f in files if f.exists()]
    if not files:
        return
    with db.transaction() as s:
        user = authenticate(s, "100001", DEMO_PASSWORD)
    wizard = ImportWizard(AppContext(db, user, tasks))
    wizard.resize(1366, 768)
    wizard.set_files(files)
    wizard.show()
    wizard.next()
    settle(app, tasks, rounds=200)
    wizard.grab().save(str(OUT / f"import-preview{suffix}.png"))
    wizard.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    from base.i18n import set_language
    from core import demo
    from core.infra.db import open_database

    set_language(args.lang)
    tmp = tempfile.mkdtemp(prefix="studyhall-shots-")
    os.environ["STUDYHALL_HOME"] = tmp
    db = open_database(args.db or f"sqlite:///{tmp}/demo.db")
    demo.seed(db)

    from core.people.users import authenticate
    from gui.app import make_app
    from gui.context import AppContext
    from gui.login import LoginWindow, demo_hint
    from gui.mainwindow import MainWindow
    from gui.tasks import TaskManager

    app = make_app()
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "zh_CN" else f"-{args.lang}"
    login = LoginWindow()
    login.resize(1366, 768)
    login.set_ready(True)
    login.set_demo_hint(demo_hint(demo.DEMO_PASSWORD, demo.DEMO_EXCHANGE_PASSPHRASE))
    login.show()
    settle(app, None)
    login.grab().save(str(OUT / f"login{suffix}.png"))
    tasks = TaskManager()
    for badge, name in (("200001", "main-officer"), ("100001", "main-secretary")):
        with db.transaction() as s:
            user = authenticate(s, badge, demo.DEMO_PASSWORD)
        window = MainWindow(AppContext(db, user, tasks))
        window.resize(1366, 768)
        window.show()
        settle(app, tasks)
        window.grab().save(str(OUT / f"{name}{suffix}.png"))
        window.close()
    shoot_import_preview(app, db, tasks, suffix)
    tasks.shutdown()
    print("written to", OUT)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)   # skip Python's finalisation of Qt objects (see gui.app.run_gui)
