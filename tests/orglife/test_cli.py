# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The orglife, reflection and rating commands, and ``report summary``, on the demo database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from cli import run
from core.infra.db import Database
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert run(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_sessions_reflections_ratings_and_summary(sqlite_demo_db: Database, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  demo_login: Callable[[str], list[str]]) -> None:
    url = ["--db", sqlite_demo_db.url]
    sec, admin, officer = demo_login(DEMO_SECRETARY), demo_login(DEMO_ADMIN), demo_login(DEMO_OFFICER)
    spec = tmp_path / "session.toml"
    spec.write_text('unit = "交警大队第一党支部"\nkind = "党课"\ntopic = "书记讲党课：守牢安全底线"\n'
                    'date = 2026-10-28\nstart = "15:00"\nminutes = 60\n[attendance]\n'
                    f'present = ["{DEMO_SECRETARY}", "{DEMO_OFFICER}"]\n', encoding="utf-8")
    row = _json(capsys, ["orglife", "add", "--spec", str(spec), "--json", *url, *sec])
    assert isinstance(row, dict) and row["present"] == 2 and row["kind"] == "lecture" and row["absent"] > 0
    listed = _json(capsys, ["orglife", "list", "--period", "2026-10", "--json", *url, *sec])
    assert isinstance(listed, list) and listed[0]["topic"] == "书记讲党课：守牢安全底线"
    assert {r["unit"] for r in listed} == {"交警大队第一党支部"}               # the secretary's own branch
    shown = _json(capsys, ["orglife", "show", row["id"][:8], "--json", *url, *sec])
    assert isinstance(shown, dict) and {a["status"] for a in shown["attendance"]} == {"present", "absent"}
    assert run(["orglife", "attend", row["id"][:8], "--leave", f"{DEMO_OFFICER}:值班", *url, *sec]) == 0
    assert "出席 1、请假 1" in capsys.readouterr().out
    shown = _json(capsys, ["orglife", "show", row["id"][:8], "--json", *url, *sec])
    assert isinstance(shown, dict) and {"badge": DEMO_OFFICER, "status": "leave", "reason": "值班"}.items() <= \
        next(a for a in shown["attendance"] if a["badge"] == DEMO_OFFICER).items()
    assert run(["orglife", "add", "--spec", str(spec), *url, *officer]) == 1          # officers may not
    assert "没有权限" in capsys.readouterr().err
    spec.write_text("unit = 1\n", encoding="utf-8")
    assert run(["orglife", "add", "--spec", str(spec), *url, *sec]) == 1
    assert "session.toml：unit：" in capsys.readouterr().err

    refl = _json(capsys, ["reflection", "list", "--json", *url, *sec])
    assert isinstance(refl, list) and refl
    copied = max(refl, key=lambda r: r["match_estimate"] or 0)
    assert copied["match_estimate"] > 0.4                                 # the demo holds near-copies
    detail = _json(capsys, ["reflection", "show", copied["id"][:8], "--json", *url, *sec])
    assert isinstance(detail, dict) and detail["match"]["jaccard"] > 0.3 and detail["match"]["passages"]
    waiting = [r for r in refl if r["status"] == "submitted"]
    if waiting:
        assert run(["reflection", "review", waiting[0]["id"][:8], "--verdict", "pass", *url, *sec]) == 0
    out = tmp_path / "心得.docx"
    assert run(["reflection", "export", "--period", "2026", "--out", str(out), *url, *sec]) == 0
    assert out.stat().st_size > 5000
    capsys.readouterr()

    shown_q = _json(capsys, ["rating", "show", "--period", "2026Q3", "--json", *url, *officer])
    assert isinstance(shown_q, list) and len(shown_q) >= 6 and all(r["published"] for r in shown_q)
    computed = _json(capsys, ["rating", "compute", "--period", "2026Q4", "--json", *url, *admin])
    assert isinstance(computed, list) and all(not r["published"] for r in computed)
    assert run(["rating", "compute", "--period", "2026Q4", *url, *sec]) == 1
    capsys.readouterr()
    assert run(["rating", "adjust", "--period", "2026Q4", "--unit", "交警大队第一党支部", "--score", "88",
                "--reason", "专项工作表现突出", *url, *admin]) == 0
    assert run(["rating", "publish", "--period", "2026Q4", *url, *admin]) == 0
    pdf = tmp_path / "红榜.pdf"
    assert run(["rating", "honour", "--period", "2026Q4", "--out", str(pdf), *url, *officer]) == 0
    assert "红榜" in "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)

    summary = tmp_path / "季考评.pdf"
    assert run(["report", "summary", "--unit", "交警大队第一党支部", "--period", "2026Q3", "--out", str(summary),
                *url, *sec]) == 0
    text = "".join(p.extract_text() for p in PdfReader(str(summary)).pages)
    assert "季度学习考评" in text and "组织生活" in text
