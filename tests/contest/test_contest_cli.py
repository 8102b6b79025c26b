# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``contest create | list | show | sheet`` on the demo database: the demo's finished contest prints
its result sheet; a broken spec says where it is broken."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.infra.db import Database
from core.infra.paths import resources_dir
from main import main
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_contest_commands(sqlite_demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          demo_login) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_demo_db.engine.url.render_as_string(hide_password=False)
    admin = demo_login(DEMO_ADMIN)
    code, out, _ = _run(capsys, "contest", "list", "--db", url, "--json", *admin)
    rows = json.loads(out)
    assert code == 0 and sorted(r["status"] for r in rows) == ["finished", "ready"]
    done = next(r for r in rows if r["status"] == "finished")
    code, out, _ = _run(capsys, "contest", "show", done["id"][:8], "--db", url, "--json", *admin)
    shown = json.loads(out)
    assert code == 0 and [t["name"] for t in shown["teams"]] == ["治安一支部队", "交警一支部队", "刑侦一支部队"]
    assert [t["score"] for t in shown["teams"]] == [150, 140, 100]
    assert shown["adjustments"][0]["reason"].startswith("评委复议")
    assert [r["kind"] for r in shown["rounds"]] == ["compulsory", "buzz", "risk", "choose", "tiebreak"]
    code, out, _ = _run(capsys, "contest", "show", done["id"], "--db", url, *admin)
    assert code == 0 and "1. 治安一支部队" in out and "已结束" in out
    pdf = tmp_path / "sheet.pdf"
    code, out, _ = _run(capsys, "contest", "sheet", done["id"][:8], "--out", str(pdf), "--db", url, *admin)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert code == 0 and "忠诚杯" in text and "抢跑" in text and "风险题答案要点齐全" in text

    spec = tmp_path / "contest.toml"
    shutil.copy(resources_dir() / "demo" / "contest.toml", spec)
    code, out, _ = _run(capsys, "contest", "create", "--spec", str(spec), "--db", url, "--json", *admin)
    assert code == 0 and json.loads(out)["questions"] == 27
    spec.write_text(spec.read_text(encoding="utf-8").replace('"200002"', '"299999"'), encoding="utf-8")
    code, _, err = _run(capsys, "contest", "create", "--spec", str(spec), "--db", url, *admin)
    assert code == 1 and "teams[0].members" in err and "299999" in err
    spec.write_text("title = \n", encoding="utf-8")
    code, _, err = _run(capsys, "contest", "create", "--spec", str(spec), "--db", url, *admin)
    assert code == 1 and "contest.toml" in err and "line 1" in err
    code, _, err = _run(capsys, "contest", "list", "--db", url, *demo_login(DEMO_OFFICER))
    assert code == 1 and "查看知识竞赛" in err
