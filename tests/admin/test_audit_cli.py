# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``audit list | export`` on the demo database, as its administrator (and refused to an officer)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import main
from core.infra.db import Database
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_filters_and_export(sqlite_demo_db: Database, demo_login: Callable[[str], list[str]], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    db = ["--db", sqlite_demo_db.url, *demo_login(DEMO_ADMIN)]
    code, out, _err = run(capsys, "audit", "list", "--json", "--limit", "0", *db)
    assert code == 0
    everything = json.loads(out)
    assert len(everything) > 100 and everything[0]["local_time"] >= everything[-1]["local_time"]
    assert {"pc", "person", "action_label", "target", "summary"} <= set(everything[0])

    code, out, _err = run(capsys, "audit", "list", "--who", DEMO_SECRETARY, "--action", "user.passwd", "--json", *db)
    assert code == 0
    resets = json.loads(out)
    assert resets and {r["person"] for r in resets} == {"陈建国（100001）"}
    assert all(r["action"] == "user.passwd" for r in resets)

    code, out, _err = run(capsys, "audit", "list", "--action", "login.failed", "--since", "2000-01-01", *db)
    assert code == 0 and "登录失败" in out and "未登录" in out
    assert out.strip().splitlines()[-1].startswith("共 ")

    code, out, _err = run(capsys, "audit", "list", "--limit", "5", *db)
    assert len(out.strip().splitlines()) == 6 and "列出最新的 5 条" in out

    target = tmp_path / "log.xlsx"
    code, out, _err = run(capsys, "audit", "export", str(target), "--action", "bank.import", *db)
    assert code == 0 and "已导出 3 条" in out
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 3 and {r[3] for r in rows} == {"导入题库"}

    with pytest.raises(SystemExit) as usage:
        main.main(["audit", "list", "--since", "2026-13-01", *db])
    assert usage.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize("badge", [DEMO_OFFICER, DEMO_SECRETARY])
def test_refused_to_officers_and_secretaries(sqlite_demo_db: Database, demo_login: Callable[[str], list[str]],
                                             capsys: pytest.CaptureFixture[str], badge: str) -> None:
    code, out, err = run(capsys, "audit", "list", "--db", sqlite_demo_db.url, *demo_login(badge))
    assert code == 1 and out == "" and "没有权限" in err
