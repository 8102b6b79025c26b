# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The host console drives the contest (buttons and buzzer keys) and the big screen follows;
every step is stored, so a console opened again resumes at the same question."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from core.contest import usecases as contest
from core.contest.machine import Phase
from core.demo import DEMO_ADMIN
from core.infra.db import Database
from core.people.users import get_user
from gui.contest.bigscreen import BigScreen
from gui.contest.buzzer import Buzzers
from gui.contest.console import HostConsole
from gui.context import AppContext
from gui.tasks import TaskManager


def _ready_contest(db: Database, ctx: AppContext) -> uuid.UUID:
    rows = contest.list_contests(db, ctx.actor)
    return next(r.id for r in rows if r.status == "ready")


def _console(qtbot: QtBot, db: Database) -> tuple[HostConsole, AppContext]:
    with db.transaction() as s:
        user = get_user(s, DEMO_ADMIN)
    ctx = AppContext(db, user, TaskManager())
    data = contest.open_contest(db, ctx.actor, _ready_contest(db, ctx))
    console = HostConsole(ctx, data)
    qtbot.addWidget(console)
    console.resize(1366, 768)
    console.show()
    console.sounds.muted = True
    return console, ctx


def _click(qtbot: QtBot, console: HostConsole, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.ctx.tasks.pending == 0, timeout=10000)


def _key(console: HostConsole, key: Qt.Key, press: bool = True, repeat: bool = False, stamp: int = 0) -> None:
    kind = QEvent.Type.KeyPress if press else QEvent.Type.KeyRelease
    event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, chr(key).lower(), repeat)
    event.setTimestamp(stamp)
    QApplication.sendEvent(console, event)


def test_host_console_drives_the_big_screen_and_resumes(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    db = sqlite_demo_db
    console, ctx = _console(qtbot, db)
    screen = console.screen_window
    console.open_screen()
    qtbot.addWidget(screen)
    assert not console.b_show.isEnabled() and console.b_round.isEnabled()
    _click(qtbot, console, console.b_round)
    assert screen.view is not None and screen.view.round_no == 1 and screen.view.answering == 0
    # 必答: six questions, each team twice; the host sees the answer, the big screen does not
    for i in range(6):
        _click(qtbot, console, console.b_show)
        assert console.q_answer.text().startswith("答案：")
        assert screen.view.stem and screen.view.answer is None
        assert not console.right_buttons[(i + 1) % 3].isEnabled()
        _click(qtbot, console, console.b_timer)
        assert screen.view.countdown is not None
        _click(qtbot, console, console.right_buttons[i % 3] if i != 4 else console.wrong_buttons[1])
        _click(qtbot, console, console.b_reveal)
        assert screen.view.answer
    assert [t.score for t in screen.view.teams] == [120, 110, 120]
    assert console.score_labels[1].text() == "110"
    # 抢答 with the keys Q / P / Z: a false start, a held key, then the first buzz wins
    _click(qtbot, console, console.b_round)
    _click(qtbot, console, console.b_show)
    _key(console, Qt.Key.Key_Z)                       # before "go": a false start for team 3
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    assert screen.view.teams[2].score == 110 and 2 in screen.view.locked
    _click(qtbot, console, console.b_go)
    _key(console, Qt.Key.Key_Z, press=False)
    _key(console, Qt.Key.Key_P)
    _key(console, Qt.Key.Key_Q)                       # too late: P was first
    _key(console, Qt.Key.Key_P, repeat=True)          # auto-repeat of a held buzzer
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    assert screen.view.phase is Phase.ANSWERING and screen.view.answering == 1
    _click(qtbot, console, console.right_buttons[1])
    assert [t.score for t in screen.view.teams] == [120, 120, 110]
    _click(qtbot, console, console.b_undo)
    assert screen.view.phase is Phase.ANSWERING and screen.view.teams[1].score == 110
    _click(qtbot, console, console.wrong_buttons[1])
    assert [t.score for t in screen.view.teams] == [120, 100, 110]
    screen.repaint()
    assert screen.paints > 0
    qtbot.waitUntil(lambda: [round(x) for x in screen.shown] == [120, 100, 110], timeout=3000)  # the animation ends
    stored = contest.open_contest(db, ctx.actor, console.data.id)
    assert stored.seq == console.seq and stored.contest().scores == [120, 100, 110]
    # the laptop "crashes": a new console resumes at the same question with the same scores
    question = console.contest.state.question
    console.close()
    again = HostConsole(ctx, contest.open_contest(db, ctx.actor, console.data.id))
    qtbot.addWidget(again)
    assert again.contest.state.question == question and again.contest.phase is Phase.CLOSED
    assert [t.score for t in again.screen_window.view.teams] == [120, 100, 110]
    assert again.b_show.isEnabled() and again.b_reveal.isEnabled()
    again.close()


def test_refused_action_changes_nothing_and_says_why(qtbot: QtBot, sqlite_demo_db: Database, monkeypatch) -> None:
    console, ctx = _console(qtbot, sqlite_demo_db)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    assert console.send({"kind": "show"}) is None
    assert said and "请先开始第一轮" in said[0] and console.seq == 0
    console.close()


def test_buzzer_keys_ignore_repeats_and_held_keys_and_order_by_timestamp() -> None:
    b = Buzzers(["Q", "P"])

    def ev(kind: QEvent.Type, key: Qt.Key, stamp: int, repeat: bool = False) -> QKeyEvent:
        e = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, "", repeat)
        e.setTimestamp(stamp)
        return e

    first = b.handle(ev(QEvent.Type.KeyPress, Qt.Key.Key_Q, 5000))
    assert first is not None and first[0] == 0
    assert b.handle(ev(QEvent.Type.KeyPress, Qt.Key.Key_Q, 5030, repeat=True)) is None
    assert b.handle(ev(QEvent.Type.KeyPress, Qt.Key.Key_Q, 5060)) is None          # still held down
    assert b.handle(ev(QEvent.Type.KeyPress, Qt.Key.Key_A, 5070)) is None          # not a buzzer
    second = b.handle(ev(QEvent.Type.KeyPress, Qt.Key.Key_P, 5010))
    assert second is not None and second[0] == 1 and abs(second[1] - first[1] - 0.010) < 1e-6
    b.handle(ev(QEvent.Type.KeyRelease, Qt.Key.Key_Q, 5100))
    assert b.handle(ev(QEvent.Type.KeyPress, Qt.Key.Key_Q, 5200)) is not None       # pressed again


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_big_screen_question_stays_large_at_both_resolutions(qtbot: QtBot, size: tuple[int, int]) -> None:
    from core.contest.machine import Contest
    from core.contest.stage import stage_view
    from core.contest.store import QuestionCard
    from tests.contest.test_machine import ev, play, rnd, spec

    r = rnd("buzz", questions=1)
    stem = "根据《中国共产党纪律处分条例》，党员受到警告处分后，多长时间内不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务？"
    cards = {q: QuestionCard(q, "single", stem, ["六个月", "一年", "一年半", "两年"], "B", "") for q in r.question_ids}
    c = Contest(spec(r))
    play(c, ev("round"), ev("show"))
    screen = BigScreen(lambda: 0.0)
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.set_view(stage_view("竞赛", c, cards))
    screen.grab()                                  # paints it
    fitted = {key[0]: px for key, (px, _h) in screen._fitted.items()}
    height = size[1]
    assert fitted[stem] >= 0.045 * height          # ≥ 48 px at 1080 lines, ≥ 34 px at 768
    assert min(fitted[f"{letter}. {o}"] for letter, o in zip("ABCD", ["六个月", "一年", "一年半", "两年"],
                                                              strict=True)) >= 0.04 * height


def test_contests_page_lists_and_opens_the_host_console(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    from gui.pages.contests import ContestsPage

    with sqlite_demo_db.transaction() as s:
        user = get_user(s, DEMO_ADMIN)
    ctx = AppContext(sqlite_demo_db, user, TaskManager())
    page = ContestsPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
    titles = [page.model.row(page.model.index(i, 0)).title for i in range(2)]
    assert titles == ["“平安杯”交通安全知识竞赛", "“忠诚杯”党建与业务知识竞赛"]     # the upcoming one first
    page.table.selectRow(1)
    page.host()
    qtbot.waitUntil(lambda: bool(page.consoles), timeout=10000)
    console = page.consoles[-1]
    assert isinstance(console, HostConsole) and console.contest.phase is Phase.FINISHED
    assert [t.score for t in console.screen_window.view.teams] == [140, 150, 100]
    assert console.screen_window.view.ranking[0][1] == 1 and not console.b_round.isEnabled()
    console.close()
