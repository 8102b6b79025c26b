# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 数据交换 page: secretaries and administrators only; it shows this PC's key and the trusted
PCs; 导入数据包… previews first, then imports, and the history lists it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.demo import DEMO_PASSWORD
from core.exchange import usecases as ex
from core.infra.clock import FakeClock
from core.models import Officer, Quiz
from gui.context import AppContext
from gui.pages import exchange, pages_for
from gui.pages.exchange import ExchangePage, PreviewDialog
from gui.tasks import TaskManager
from tests.conftest import DEMO_ADMIN
from tests.exchange.conftest import BRANCH_NAME, OFFLINE_PASS, Pair, exam_quiz, take


def _context(p: Pair) -> AppContext:
    from core.access.actor import ANONYMOUS
    from core.people import usecases as people

    return AppContext(p.branch, people.log_in(p.branch, ANONYMOUS, DEMO_ADMIN, DEMO_PASSWORD), TaskManager())


def test_only_secretaries_and_administrators_get_the_page(pair: Pair) -> None:
    from core.access.actor import ANONYMOUS
    from core.people import usecases as people

    officer = AppContext(pair.branch, people.log_in(pair.branch, ANONYMOUS, "200001", DEMO_PASSWORD), TaskManager())
    assert "exchange" not in {s.key for s in pages_for(officer)}
    assert "exchange" in {s.key for s in pages_for(_context(pair))}


def test_import_with_preview_then_history(qtbot: QtBot, pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    p = pair
    # The offline PC sends back a results package after taking the branch's exam.
    exam = p.folder / "exam.shpkg"
    ex.export_exam(p.branch, p.branch_admin, exam_quiz(p.branch), exam, unit="LJJJ1")
    ex.import_package(p.offline, p.offline_admin, exam)
    with p.offline.transaction() as s:
        quiz_id = s.scalar(select(Quiz.id))
        badge = s.scalar(select(Officer.badge).where(Officer.role == "officer", Officer.badge != "880001"))
    assert quiz_id is not None and badge is not None
    take(p.offline, [badge], quiz_id)
    ex.unlock_exchange_key(p.offline, p.offline_admin, OFFLINE_PASS)
    results = ex.export_results(p.offline, p.offline_admin, p.folder / "results.shpkg").path

    assert isinstance(p.branch.clock, FakeClock)
    p.branch.clock.advance(600)              # the import comes after the export in the history
    ctx = _context(p)
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=20_000)
    assert page.own_name.text() == BRANCH_NAME and len(page.own_key.text()) == 44
    trusted = {page.trusted.data(page.trusted.index(row, 0)) for row in range(page.trusted.rowCount())}
    assert trusted == {"城关派出所值班室", "治安大队值班室"}      # the fixture's PC and the demo's duty room
    history_before = page.history.rowCount()

    seen: list[PreviewDialog] = []

    def accept(dialog: PreviewDialog) -> int:
        seen.append(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(results), "")))
    monkeypatch.setattr(PreviewDialog, "exec", accept)
    page.import_button.click()
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0 and bool(seen), timeout=20_000)
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0 and page.status.text().startswith("已导入"), timeout=20_000)
    assert seen[0].ok.isEnabled()
    assert "答卷 " in page.status.text()
    qtbot.waitUntil(lambda: page.history.rowCount() == history_before + 1, timeout=20_000)
    assert page.history.data(page.history.index(0, 1)) == "导入"
    assert page.history.data(page.history.index(0, 2)) == "成绩包"
    ctx.tasks.shutdown()


def test_labels_cover_every_table() -> None:
    from core.exchange.travel import TRAVELS

    assert set(TRAVELS) <= set(exchange.TABLE_LABELS)
    assert Path(exchange.__file__).name == "exchange.py"
