# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Screenshots of exams people can trust (offscreen, 1280×720): the regrade dry run and the
lockdown warning, a paper exam's page, answer sheet and keyboard entry.

    python tools/shoot_exam_trust.py [--lang zh_CN|en] [--out-dir DIR]

Seeds a demo database in a temp folder (its demo step corrects one key and leaves the regrade
to do) and writes regrade-dry-run, lockdown-warning, paper-page and answer-sheet (first pages of
the PDFs, by pdftoppm) and paper-entry (the keyboard grid), each [-en].png.
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--out-dir", type=Path, default=OUT)
    args = parser.parse_args()
    from base.i18n import set_language
    from core import demo
    from core.access.actor import ANONYMOUS
    from core.infra.db import open_database
    from core.people import usecases as people
    from core.quiz import usecases as quiz

    set_language(args.lang)
    tmp = tempfile.mkdtemp(prefix="studyhall-shots-")
    os.environ["STUDYHALL_HOME"] = tmp
    db = open_database(f"sqlite:///{tmp}/demo.db")
    demo.seed(db)
    admin = people.log_in(db, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD)
    target = next(q for q in quiz.list_quizzes(db, admin.actor) if quiz.corrected_questions(db, admin.actor, q.id))

    from gui.app import make_app
    from gui.context import AppContext
    from gui.quiz.regrade import RegradeDialog
    from gui.tasks import TaskManager
    from tools.shoot_shell import settle

    app = make_app()
    tasks = TaskManager()
    suffix = "" if args.lang == "zh_CN" else f"-{args.lang}"
    args.out_dir.mkdir(parents=True, exist_ok=True)

    dialog = RegradeDialog(AppContext(db, admin, tasks), target)
    dialog.resize(1280, 720)
    dialog.show()
    settle(app, tasks, rounds=100)
    dialog.reason.setText("依据最新规定，原答案有误" if args.lang == "zh_CN" else "The old key was wrong")
    dialog.dry_btn.click()
    settle(app, tasks, rounds=200)
    dialog.grab().save(str(args.out_dir / f"regrade-dry-run{suffix}.png"))
    dialog.close()
    shoot_lockdown(app, db, tasks, args.out_dir, suffix)
    shoot_paper(app, db, tasks, args.out_dir, suffix, Path(tmp))
    tasks.shutdown()
    print("written to", args.out_dir)
    return 0


def shoot_lockdown(app, db, tasks, out_dir: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    """An officer's lockdown exam after two departures (recorded by the real use case)."""
    import datetime as dt

    from sqlalchemy import select

    from core import demo
    from core.access.actor import ANONYMOUS
    from core.models import Bank
    from core.people import usecases as people
    from core.quiz import usecases as quiz
    from core.quiz.spec import QuizSpec, SectionSpec
    from gui.context import AppContext
    from gui.quiz import ExamWindow
    from tools.shoot_shell import settle

    admin = people.log_in(db, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD)
    with db.transaction() as s:
        bank = s.scalar(select(Bank.id).where(Bank.name == "道路交通安全法规"))
    spec = QuizSpec(title="执法资格模拟考试（锁定模式）", time_limit_min=60, pass_percent=60, lockdown=True, leave_limit=3,
                    closes_at=db.clock.now() + dt.timedelta(days=7),
                    sections=[SectionSpec("single", 20, 3, bank_ids=[bank]), SectionSpec("judge", 10, 4, bank_ids=[bank])])
    quiz_id = quiz.save_quiz(db, admin.actor, spec, publish=True)
    officer = people.log_in(db, ANONYMOUS, "200003", demo.DEMO_PASSWORD)
    paper = quiz.start_attempt(db, officer.actor, quiz_id)
    for pos in range(6):
        view = paper.items[pos]
        quiz.save_answer(db, officer.actor, paper.attempt_id, pos, ["A"] if view.qtype == "single" else ["T"])
    for kind in ("app", "focus"):
        state = quiz.leave_exam(db, officer.actor, paper.attempt_id, kind)
    paper = quiz.open_attempt(db, officer.actor, paper.attempt_id)
    win = ExamWindow(AppContext(db, officer, tasks), paper)
    win.resize(1280, 720)
    win.show()
    assert win.screen_ is not None
    win.screen_.show_lockdown(state)
    win.screen_.go(6)
    settle(app, tasks, rounds=100)
    win.grab().save(str(out_dir / f"lockdown-warning{suffix}.png"))
    win.leave()


def shoot_paper(app, db, tasks, out_dir: Path, suffix: str, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """A paper exam: versions made and printed by the real use cases; the first page of version B and
    the first answer sheet as images; the entry grid with two officers typed in."""
    import datetime as dt
    import subprocess

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from sqlalchemy import select

    from core import demo
    from core.access.actor import ANONYMOUS
    from core.models import Bank
    from core.people import usecases as people
    from core.quiz import usecases as quiz
    from core.quiz.spec import QuizSpec, SectionSpec
    from gui.context import AppContext
    from gui.quiz.paper import PaperDialog
    from tools.shoot_shell import settle

    admin = people.log_in(db, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD)
    with db.transaction() as s:
        bank = s.scalar(select(Bank.id).where(Bank.name == "道路交通安全法规"))
    spec = QuizSpec(title="执法资格纸质考试", pass_percent=60, closes_at=db.clock.now() + dt.timedelta(days=7),
                    sections=[SectionSpec("single", 20, 3, bank_ids=[bank]), SectionSpec("multiple", 5, 4, bank_ids=[bank]),
                              SectionSpec("judge", 10, 2, bank_ids=[bank])])
    quiz_id = quiz.save_quiz(db, admin.actor, spec, publish=True)
    quiz.make_paper_versions(db, admin.actor, quiz_id, 3)
    files = quiz.print_paper(db, admin.actor, quiz_id, tmp / "paper")
    for name, pdf in (("paper-page", files[2]), ("answer-sheet", files[-1])):
        base = tmp / name
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(base)],
                       check=True)
        (out_dir / f"{name}{suffix}.png").write_bytes(base.with_suffix(".png").read_bytes())
    info = next(q for q in quiz.list_quizzes(db, admin.actor) if q.id == quiz_id)
    dialog = PaperDialog(AppContext(db, admin, tasks), info)
    dialog.resize(1280, 720)
    dialog.show()
    settle(app, tasks, rounds=200)
    versions = {v.code: v for v in quiz.paper_versions(db, admin.actor, quiz_id)}
    grid = dialog.grid
    for row in range(2):
        grid.setCurrentCell(row, 3)
        for n, item in enumerate(versions[grid.item(row, 2).text()].items):
            keys = item.key if n % 7 else ("B" if item.key != "B" else "C")      # a few wrong answers
            keys = {"T": "1", "F": "2"}.get(keys, keys) if item.qtype == "judge" else keys
            for key in keys:
                QTest.keyClick(grid, key)
            if item.qtype == "multiple":
                QTest.keyClick(grid, Qt.Key.Key_Space)
    grid.setCurrentCell(2, 3)
    grid.horizontalScrollBar().setValue(0)
    settle(app, tasks)
    dialog.grab().save(str(out_dir / f"paper-entry{suffix}.png"))
    dialog.close()


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)   # skip Python's finalisation of Qt objects (see gui.app.run_gui)
