# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Paper exams: each version's key matches its shuffled paper (read back from the PDFs), answers are
graded against the version they were entered for, and paper attempts count like any other."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from base.errors import InvalidInput
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt, Bank, LedgerEntry, Officer, QuestionRow
from core.quiz import paper
from core.quiz import usecases as quiz
from core.quiz.compose import save_quiz, set_published
from core.quiz.paper import PaperAnswers, VersionView
from core.quiz.spec import QuizSpec, SectionSpec
from main import main as cli_main
from tests.conftest import DEMO_ADMIN, actor_of

BADGES = ("200002", "200003", "200004")


def _quiz(db: Database, clock: FakeClock, sections: list[tuple[str, int, float]], title: str = "纸质考试测试") -> int:
    with db.transaction() as s:
        bank = s.scalar(select(Bank.id).where(Bank.name == "道路交通安全法规"))
        spec = QuizSpec(title=title, pass_percent=60, closes_at=clock.now() + dt.timedelta(days=3),
                        sections=[SectionSpec(t, n, p, bank_ids=[bank]) for t, n, p in sections])
        quiz_id = save_quiz(s, spec, now=clock.now())
        set_published(s, quiz_id, True)
        return quiz_id


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _printed(text: str) -> dict[int, tuple[str, dict[str, str]]]:
    """Question number → (stem, printed letter → option text), parsed from a paper's text."""
    out: dict[int, tuple[str, dict[str, str]]] = {}
    current: int | None = None
    last: str | None = None
    for line in (raw.strip() for raw in text.splitlines()):
        q = re.match(r"^(\d+)\. \[[^\]]*\] ?(.*)$", line)
        o = re.match(r"^([A-H])\. (.*)$", line)
        if q:
            current, last = int(q.group(1)), None
            out[current] = (q.group(2), {})
        elif o and current is not None:
            last = o.group(1)
            out[current][1][last] = o.group(2)
        elif current is not None and line and line != "纸质考试测试" and not line.startswith(("题本", "姓名", "（对")):
            if last is None:
                out[current] = (out[current][0] + line, out[current][1])
            else:
                out[current][1][last] += line
    return out


def test_each_versions_key_matches_its_shuffled_paper(demo_db: Database, clock: FakeClock, tmp_path: Path) -> None:
    quiz_id = _quiz(demo_db, clock, [("single", 8, 4), ("multiple", 4, 5), ("judge", 6, 2)])
    admin = actor_of(demo_db, DEMO_ADMIN)
    views = quiz.make_paper_versions(demo_db, admin, quiz_id, 3)
    assert [v.code for v in views] == ["A", "B", "C"]
    orders = [tuple(i.question_id for i in v.items) for v in views]
    assert len(set(orders)) == 3 and {frozenset(o) for o in orders} == {frozenset(orders[0])}   # same questions
    files = quiz.print_paper(demo_db, admin, quiz_id, tmp_path / "out")
    names = sorted(f.name for f in files)
    assert names == sorted(["纸质考试测试-题本A.pdf", "纸质考试测试-题本A-答案.pdf", "纸质考试测试-题本B.pdf",
                            "纸质考试测试-题本B-答案.pdf", "纸质考试测试-题本C.pdf", "纸质考试测试-题本C-答案.pdf",
                            "纸质考试测试-答题卡.pdf"])
    with demo_db.transaction() as s:
        truth = {q.stem: q for q in s.scalars(select(QuestionRow).where(
            QuestionRow.id.in_([i.question_id for i in views[0].items])))}
    for v in views:
        printed = _printed(_text(tmp_path / "out" / f"纸质考试测试-题本{v.code}.pdf"))
        assert sorted(printed) == list(range(1, 19))
        key_text = _text(tmp_path / "out" / f"纸质考试测试-题本{v.code}-答案.pdf")
        key = dict(re.findall(r"(\d+)\. ([A-H对错]+)", key_text))
        assert len(key) == 18
        for number, (stem, options) in printed.items():
            q = truth[stem.strip()]
            if q.qtype == "judge":
                expected = "对" if q.answer == ["T"] else "错"
            else:
                right = {q.options[ord(a) - ord("A")] for a in q.answer}
                expected = "".join(sorted(letter for letter, text in options.items() if text.strip() in right))
            assert key[str(number)] == expected, (v.code, number)
    sheets = _text(tmp_path / "out" / "纸质考试测试-答题卡.pdf")
    rows = quiz.answer_sheets(demo_db, admin, quiz_id)
    assert rows and all(r.badge in sheets for r in rows[:5]) and "题本 B" in sheets


def _letters(v: VersionView) -> tuple[str, ...]:
    return tuple(i.key for i in v.items)


def test_answers_are_graded_against_their_version_and_count_everywhere(demo_db: Database, clock: FakeClock) -> None:
    quiz_id = _quiz(demo_db, clock, [("single", 10, 10)])
    admin = actor_of(demo_db, DEMO_ADMIN)
    with demo_db.transaction() as s:
        views = paper.make_versions(s, quiz_id, 2, clock=clock, rng=random.Random(7))
    a, b = views
    # B's right answers written on a sheet marked A: graded against A, where they mostly are wrong.
    expected = sum(i.points for i, other in zip(a.items, _letters(b), strict=True) if i.key == other)
    assert expected < a.total_points
    entered = quiz.enter_paper_answers(demo_db, admin, quiz_id, [
        PaperAnswers(BADGES[0], "B", _letters(b)), PaperAnswers(BADGES[1], "a", _letters(b)),
        PaperAnswers(BADGES[2], "A", tuple("" for _i in a.items))])
    scores = {e.badge: e.score for e in entered}
    assert scores == {BADGES[0]: 100.0, BADGES[1]: expected, BADGES[2]: 0.0}
    results = quiz.quiz_results(demo_db, admin, quiz_id)
    assert {r.badge: r.score for r in results.rows} == scores
    with demo_db.transaction() as s:
        oid = s.scalar(select(Officer.id).where(Officer.badge == BADGES[0]))
        codes = set(s.scalars(select(LedgerEntry.rule_code).where(LedgerEntry.officer_id == oid,
                                                                  LedgerEntry.source_id == str(quiz_id))))
        assert {"quiz_passed", "score_80", "score_90"} <= codes
        assert s.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.quiz_id == quiz_id, Attempt.paper_version_id.is_not(None))) == 3


def test_bad_rows_are_located_and_nothing_is_stored(demo_db: Database, clock: FakeClock) -> None:
    quiz_id = _quiz(demo_db, clock, [("single", 3, 10), ("judge", 2, 5)])
    admin = actor_of(demo_db, DEMO_ADMIN)
    (a,) = quiz.make_paper_versions(demo_db, admin, quiz_id, 1)
    good = _letters(a)
    bad = list(good)
    bad[0] = "Z" if a.items[0].qtype != "judge" else "Q"
    with pytest.raises(InvalidInput) as err:
        quiz.enter_paper_answers(demo_db, admin, quiz_id, [
            PaperAnswers(BADGES[0], "A", good), PaperAnswers("999999", "A", good),
            PaperAnswers(BADGES[1], "A", tuple(bad)), PaperAnswers(BADGES[2], "Q", good)])
    message = str(err.value)
    assert "第 2 行：警号“999999”不存在" in message and "第 3 行：第 1 题答案" in message
    assert "第 4 行：题本“Q”不存在" in message
    with demo_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz_id)) == 0
    with pytest.raises(InvalidInput, match="简答"):
        essay = _quiz(demo_db, clock, [("single", 2, 10), ("essay", 1, 10)], title="含简答")
        quiz.make_paper_versions(demo_db, admin, essay, 2)


def test_cli_paper_and_enter_paper(demo_db: Database, clock: FakeClock, tmp_path: Path,
                                   demo_login: Callable[[str], list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    quiz_id = _quiz(demo_db, clock, [("single", 4, 10), ("judge", 2, 10)])
    url = str(demo_db.engine.url.render_as_string(hide_password=False))
    assert cli_main(["--db", url, *demo_login(DEMO_ADMIN), "quiz", "paper", str(quiz_id), "--versions", "2",
                     "--out", str(tmp_path), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
    views = quiz.paper_versions(demo_db, actor_of(demo_db, DEMO_ADMIN), quiz_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["警号", "题本", "答案"])
    sheet.append([BADGES[0], "B", " ".join(_letters(views[1]))])
    sheet.append([BADGES[1], "A", "".join(_letters(views[0]))])
    book.save(tmp_path / "answers.xlsx")
    assert cli_main(["--db", url, *demo_login(DEMO_ADMIN), "quiz", "enter-paper", str(quiz_id), "--file",
                     str(tmp_path / "answers.xlsx"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(r["badge"], r["version"], r["score"]) for r in out] == [(BADGES[0], "B", 60.0), (BADGES[1], "A", 60.0)]


# --- the keyboard grid ----------------------------------------------------------------------------

def test_keyboard_grid_enters_real_attempts(qtbot, sqlite_demo_db: Database, clock: FakeClock,  # type: ignore[no-untyped-def]
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from core.people.users import get_user
    from gui.context import AppContext
    from gui.quiz.paper import PaperDialog
    from gui.tasks import TaskManager

    db = sqlite_demo_db
    quiz_id = _quiz(db, clock, [("single", 3, 10), ("multiple", 1, 10), ("judge", 2, 10)])
    with db.transaction() as s:
        user = get_user(s, DEMO_ADMIN)
        views = paper.make_versions(s, quiz_id, 2, clock=clock, rng=random.Random(3))
    info = next(q for q in quiz.list_quizzes(db, user.actor) if q.id == quiz_id)
    tasks = TaskManager()
    dialog = PaperDialog(AppContext(db, user, tasks), info)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.grid.rowCount() > 0)
    grid = dialog.grid
    row = next(r for r in range(grid.rowCount()) if grid.item(r, 0).text() == BADGES[0])
    version = {v.code: v for v in views}[grid.item(row, 2).text()]
    grid.setCurrentCell(row, 3)
    for item in version.items:                     # the right answers, one key each (多选: letters, then Space)
        keys = {"T": "1", "F": "2"}.get(item.key, item.key) if item.qtype == "judge" else item.key
        for key in keys:
            qtbot.keyClick(grid, key)
        if item.qtype == "multiple":
            qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert grid.currentRow() == row + 1           # the row is done: on to the next officer
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    dialog.enter()
    qtbot.waitUntil(lambda: bool(shown))
    with db.transaction() as s:
        attempt = s.scalar(select(Attempt).where(Attempt.quiz_id == quiz_id))
        assert attempt is not None and attempt.score == 60.0 and attempt.passed
    qtbot.waitUntil(lambda: tasks.pending == 0)
    tasks.shutdown()
