# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Screenshots of the import wizard's preview on the sample sheets (offscreen, 1280×720).

    python tools/shoot_import.py [--lang en]

Seeds a demo database in a temp folder, opens the wizard as a branch secretary on
resources/demo/import-samples/无表头题库.xlsx (columns guessed from the cells) and on
红色字体标答案.xlsx (answers read from the red font), and writes
docs/screenshots/import-headerless.png and import-redfont.png.
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
SAMPLES = ROOT / "resources" / "demo" / "import-samples"
SHOTS = {"import-headerless": "无表头题库.xlsx", "import-redfont": "红色字体标答案.xlsx"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    from base.i18n import set_language
    from core import demo
    from core.infra.db import open_database

    set_language(args.lang)
    tmp = tempfile.mkdtemp(prefix="studyhall-shots-")
    os.environ["STUDYHALL_HOME"] = tmp
    db = open_database(f"sqlite:///{tmp}/demo.db")
    demo.seed(db)

    from core.people.users import authenticate
    from gui.app import make_app
    from gui.bank.import_wizard import ImportWizard
    from gui.context import AppContext
    from gui.tasks import TaskManager
    from tools.shoot_shell import settle

    app = make_app()
    tasks = TaskManager()
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "zh_CN" else f"-{args.lang}"
    with db.transaction() as s:
        user = authenticate(s, "100001", demo.DEMO_PASSWORD)
    for name, sample in SHOTS.items():
        wizard = ImportWizard(AppContext(db, user, tasks))
        wizard.resize(1280, 720)
        wizard.set_files([SAMPLES / sample])
        wizard.show()
        wizard.next()
        settle(app, tasks, rounds=200)
        wizard.grab().save(str(OUT / f"{name}{suffix}.png"))
        wizard.close()
    tasks.shutdown()
    print("written to", OUT)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)   # skip Python's finalisation of Qt objects (see gui.app.run_gui)
