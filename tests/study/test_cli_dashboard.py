# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""CLI ``study import/list`` and ``points tally/history``; the officer dashboard."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cli import run
from core.access.actor import Actor
from core.home.dashboard import officer_summary
from core.infra.db import Database
from core.models import LedgerEntry, Material, Officer
from tests.conftest import ADMIN_BADGE, DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY
from tests.study.helpers import cst
from tests.study.test_formats import make_docx, make_pdf


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert run(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_study_import_and_list(db: Database, admin: Actor, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    url, login = db.url, ["--user", ADMIN_BADGE]
    files = [str(make_docx(tmp_path / "a.docx")), str(make_pdf(tmp_path / "b.pdf"))]
    assert run(["study", "import", *files, "--db", url]) == 1            # nobody logged in
    assert "请先登录" in capsys.readouterr().err
    out = _json(capsys, ["study", "import", *files, "--topic", "党纪", "--required", "--min-minutes", "4",
                         "--db", url, "--json", *login])
    assert [m["format"] for m in out] == ["docx", "pdf"] and all(m["min_minutes"] == 4 for m in out)
    listed = _json(capsys, ["study", "list", "--db", url, "--json", *login])
    assert len(listed) == 2
    assert run(["study", "import", str(tmp_path / "missing.md"), "--db", url, *login]) == 1


def test_points_tally_and_history(sqlite_demo_db: Database, capsys: pytest.CaptureFixture[str],
                                  demo_login: Callable[[str], list[str]]) -> None:
    url, login = sqlite_demo_db.url, demo_login(DEMO_ADMIN)
    data = _json(capsys, ["points", "tally", "--period", "2026-10", "--db", url, "--json", *login])
    with sqlite_demo_db.transaction() as s:
        total = s.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.day.between(
            __import__("datetime").date(2026, 10, 1), __import__("datetime").date(2026, 10, 31))))
    assert data["total"] == pytest.approx(total)
    assert data["rows"][0]["rank"] == 1
    units = _json(capsys, ["points", "tally", "--period", "2026Q4", "--by-unit", "--db", url, "--json", *login])
    assert len(units["rows"]) == 3
    hist = _json(capsys, ["points", "history", "100001", "--period", "2026-10", "--db", url, "--json", *login])
    assert hist["entries"] and hist["total"] == pytest.approx(sum(e["amount"] for e in hist["entries"]))
    assert run(["points", "tally", "--period", "2026Q9", "--db", url, *login]) == 1
    rules = _json(capsys, ["points", "rules", "--db", url, "--json", *demo_login(DEMO_OFFICER)])
    assert "study_minutes" in [r["code"] for r in rules]


def test_points_cli_as_a_secretary_and_an_officer(sqlite_demo_db: Database, capsys: pytest.CaptureFixture[str],
                                                  demo_login: Callable[[str], list[str]]) -> None:
    url = sqlite_demo_db.url
    everyone = _json(capsys, ["points", "tally", "--period", "2026", "--db", url, "--json", *demo_login(DEMO_ADMIN)])
    branch = _json(capsys, ["points", "tally", "--period", "2026", "--db", url, "--json",
                            *demo_login(DEMO_SECRETARY)])
    assert 0 < len(branch["rows"]) < len(everyone["rows"])
    by_unit = _json(capsys, ["points", "tally", "--period", "2026", "--by-unit", "--db", url, "--json",
                             *demo_login(DEMO_SECRETARY)])
    assert len(by_unit["rows"]) == 3                                     # every brigade, aggregated
    assert run(["points", "tally", "--period", "2026", "--unit", "LJXZ", "--db", url,
                *demo_login(DEMO_SECRETARY)]) == 1                        # another brigade's officers
    assert "没有权限" in capsys.readouterr().err
    mine = _json(capsys, ["points", "history", "--db", url, "--json", *demo_login(DEMO_OFFICER)])
    assert mine["badge"] == DEMO_OFFICER
    theirs = _json(capsys, ["points", "history", DEMO_OFFICER, "--db", url, "--json", *demo_login(DEMO_SECRETARY)])
    assert theirs["total"] == pytest.approx(mine["total"])
    assert run(["points", "history", DEMO_SECRETARY, "--db", url, *demo_login(DEMO_OFFICER)]) == 1
    assert run(["points", "tally", "--period", "2026", "--db", url, *demo_login(DEMO_OFFICER)]) == 1


def test_dashboard_summary(demo_db: Database) -> None:
    now = cst(2026, 11, 2, 15)
    with demo_db.transaction() as s:
        officer = s.scalar(select(Officer.id).where(Officer.badge == "100001"))
        summary = officer_summary(s, officer, now)
    assert summary.daily_target == 60 and summary.weekly_target == 300
    assert summary.month_points == pytest.approx(sum(h.amount for h in summary.month_points_lines))
    with demo_db.transaction() as s:
        required = set(s.scalars(select(Material.title).where(Material.required)))
    # The demo's newest required material was assigned "today": nobody has finished it yet.
    assert summary.due_materials and {m.title for m in summary.due_materials} <= required
    assert summary.assigned_materials == 10
