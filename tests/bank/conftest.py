# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Helpers for the question-bank tests: small spreadsheets written on the fly, a GUI context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.infra.db import Database
from core.models import Bank, QuestionRow

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分类"]


def write_xlsx(path: Path, rows: list[list[object]], *, header: list[str] | None = HEADER, sheet: str = "题库") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD_ROWS: list[list[object]] = [
    ["单选题", "机动车驾驶人饮酒后驾驶机动车的，处暂扣几个月机动车驾驶证？", "一个月", "三个月", "六个月",
     "十二个月", "C", "依照道路交通安全法第九十一条。", "道路交通"],
    ["多选题", "人民警察的纪律要求包括哪些？", "不得泄露国家秘密", "不得刑讯逼供", "不得经商", "可以酒后驾车",
     "ABC", "", "纪律"],
    ["判断题", "党员应当按期交纳党费。", "", "", "", "", "正确", "", "党建"],
    ["填空题", "中国共产党的最高理想和最终目标是实现（ ）。", "", "", "", "", "共产主义", "", "党建"],
]


def bank_count(db: Database, name: str) -> int | None:
    """Current questions in bank ``name``, or None when the bank does not exist."""
    with db.transaction() as s:
        bank_id = s.scalar(select(Bank.id).where(Bank.name == name))
        if bank_id is None:
            return None
        return int(s.scalar(select(func.count()).select_from(QuestionRow)
                            .where(QuestionRow.bank_id == bank_id, QuestionRow.is_current)) or 0)


@pytest.fixture
def gui_ctx(qtbot, sqlite_demo_db: Database) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """An AppContext for a demo secretary on a SQLite demo database, with real worker threads."""
    from core.models import Officer
    from core.people.users import get_user
    from gui.context import AppContext
    from gui.tasks import TaskManager

    with sqlite_demo_db.transaction() as s:
        badge = s.scalar(select(Officer.badge).where(Officer.role == "secretary").order_by(Officer.id))
        user = get_user(s, badge)
    tasks = TaskManager()
    ctx = AppContext(sqlite_demo_db, user, tasks)
    yield ctx
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    tasks.shutdown()
