# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Screenshots of the screens issue 21 polished, at 1280×720 (offscreen), in one language.

    python tools/shoot_polish.py [--lang zh_CN|en]

Seeds the demo in a temp folder and drives the real widgets with the real use cases; writes
docs/screenshots/<screen>.png (Chinese) or <screen>-en.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 720)


def settle(app: Any, tasks: Any, rounds: int = 100) -> None:
    for _ in range(rounds):
        app.processEvents()
        if tasks is None or tasks.pending == 0:
            break
        time.sleep(0.05)
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)


def save(widget: Any, name: str, suffix: str) -> None:
    widget.grab().save(str(OUT / f"{name}{suffix}.png"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    from base.i18n import set_language

    set_language(args.lang)
    tmp = tempfile.mkdtemp(prefix="studyhall-shots-")
    os.environ["STUDYHALL_HOME"] = tmp
    from core import demo
    from core.infra.db import open_database

    db = open_database(f"sqlite:///{tmp}/demo.db")
    demo.seed(db)

    from sqlalchemy import select

    from core.access.actor import ANONYMOUS
    from core.models import Attempt, Material, QuestionRow
    from core.people import usecases as people
    from core.quiz import usecases as quiz
    from core.quiz.question_view import view_of
    from core.study import usecases as study
    from gui.app import install_qt_translations, make_app
    from gui.context import AppContext
    from gui.login import LoginWindow, demo_hint
    from gui.mainwindow import MainWindow
    from gui.tasks import TaskManager

    app = make_app()
    install_qt_translations(app, args.lang)
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "zh_CN" else "-en"
    tasks = TaskManager()

    login = LoginWindow()
    login.resize(*SIZE)
    login.set_ready(True)
    login.set_demo_hint(demo_hint(demo.DEMO_PASSWORD, demo.DEMO_EXCHANGE_PASSPHRASE))
    login.show()
    settle(app, None)
    save(login, "login", suffix)
    login.close()

    officer = AppContext(db, people.log_in(db, ANONYMOUS, "200001", demo.DEMO_PASSWORD), tasks)
    window = MainWindow(officer)
    window.resize(*SIZE)
    window.show()
    settle(app, tasks)
    for box in app.topLevelWidgets():          # the resume offer: shot below as the exam itself
        if box.isVisible() and box is not window and box.isWindow():
            box.close()
    settle(app, tasks)
    save(window, "home", suffix)

    from gui.quiz import ExamWindow

    with db.transaction() as s:
        aid = s.scalar(select(Attempt.id).where(Attempt.officer_id == officer.user.id, Attempt.status == "in_progress"))
        done_id = s.scalar(select(Attempt.id).where(Attempt.officer_id == officer.user.id, Attempt.status == "submitted"))
    paper = quiz.open_attempt(db, officer.actor, aid)
    exam = ExamWindow(officer, paper)
    exam.resize(*SIZE)
    exam.show()
    settle(app, tasks)
    save(exam, "exam", suffix)
    exam.leave()
    finished = ExamWindow(officer, quiz.open_attempt(db, officer.actor, done_id))
    finished.resize(*SIZE)
    finished.show()
    settle(app, tasks)
    save(finished, "exam-result", suffix)
    finished.close()

    window.go("practice")
    settle(app, tasks)
    page = window.page("practice")
    runner = page.runner
    with db.transaction() as s:
        q = s.scalar(select(QuestionRow).where(QuestionRow.qtype == "single").order_by(QuestionRow.id))
        view = view_of(q, position=0, points=1.0, order=[])
        wrong = next(c for c in "ABCD" if c not in q.answer)
    runner.start(_title(args.lang), [view], "bank")
    runner.question.choose("ABCD".index(wrong))
    runner.check()
    settle(app, tasks)
    save(window, "practice", suffix)

    from gui.study.reader import ReaderWindow

    with db.transaction() as s:
        mid = s.scalar(select(Material.id).where(Material.required).order_by(Material.id))
    reading = study.open_material(db, officer.actor, mid)
    for night in (False, True):
        reader = ReaderWindow(officer, reading.content, reading.idle_seconds)
        reader.resize(*SIZE)
        reader.night_box.setChecked(night)
        reader.show()
        settle(app, tasks)
        save(reader, "reader-night" if night else "reader", suffix)
        reader._closed = True
        reader.close()
    reader.night_box.setChecked(False)
    window.close()

    admin = AppContext(db, people.log_in(db, ANONYMOUS, "000001", demo.DEMO_PASSWORD), tasks)
    window = MainWindow(admin)
    window.resize(*SIZE)
    window.show()
    settle(app, tasks)
    window.go("stats")
    settle(app, tasks, rounds=200)
    stats = window.page("stats")
    save(window, "stats", suffix)
    stats.tabs.setCurrentIndex(1)
    settle(app, tasks)
    save(window, "stats-trend", suffix)
    stats.drill(0)
    settle(app, tasks, rounds=200)
    save(window, "stats-drill", suffix)
    stats.tabs.setCurrentIndex(5)
    stats.load_items()
    settle(app, tasks, rounds=200)
    save(window, "stats-items", suffix)
    window.go("settings")
    settle(app, tasks)
    save(window, "settings", suffix)

    from core.admin.backup import BackupSummary, describe
    from gui.pages.settings import restore_question

    target = Path(tmp) / "studyhall-backup.zip"
    from core.admin import usecases as admin_uc

    admin_uc.backup_database(db, admin.actor, target)
    summary: BackupSummary = describe(target)
    box = restore_question(window, summary)
    box.show()
    settle(app, None)
    save(box, "restore-confirm", suffix)
    box.close()
    window.close()
    tasks.shutdown()
    print("written to", OUT)
    return 0


def _title(lang: str) -> str:
    return "顺序练习" if lang == "zh_CN" else "Practice in order"


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)   # skip Python's finalisation of Qt objects (see gui.app.run_gui)
