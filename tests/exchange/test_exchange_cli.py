# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The station routine from the command line: keys, trust, exam out, results back, history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.demo import DEMO_EXCHANGE_PASSPHRASE
from main import main
from tests.conftest import DEMO_ADMIN

OFFLINE_ADMIN = "880001"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_station_routine_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    branch, offline = f"sqlite:///{tmp_path / 'branch.db'}", f"sqlite:///{tmp_path / 'offline.db'}"
    monkeypatch.setenv("STUDYHALL_PASSWORD", "demo123")
    monkeypatch.setenv("STUDYHALL_EXCHANGE_PASSPHRASE", DEMO_EXCHANGE_PASSPHRASE)   # the demo's key; the PC's too
    assert _run(capsys, "demo", "--db", branch)[0] == 0
    assert _run(capsys, "user", "add", OFFLINE_ADMIN, "值班室管理员", "--unit", "城关派出所", "--role", "admin",
                "--password-env", "STUDYHALL_PASSWORD", "--db", offline)[0] == 0
    as_branch, as_offline = ["--db", branch, "--user", DEMO_ADMIN], ["--db", offline, "--user", OFFLINE_ADMIN]

    keys = {}
    for opts, name, action in ((as_branch, "临江分局", "show"), (as_offline, "城关派出所值班室", "create")):
        named = ["--name", name] if action == "create" else []      # the demo made the branch's key
        code, out, err = _run(capsys, *opts, "package", "key", action, *named, "--json")
        assert code == 0, err
        keys[name] = json.loads(out)["public_key"]
    assert _run(capsys, *as_branch, "package", "trust", "--name", "城关派出所值班室", "--key", keys["城关派出所值班室"])[0] == 0
    assert _run(capsys, *as_offline, "package", "trust", "--name", "临江分局", "--key", keys["临江分局"])[0] == 0

    exam = tmp_path / "exam.shpkg"
    code, out, err = _run(capsys, *as_branch, "package", "export-exam", "--quiz", "2", "--unit", "LJJJ1",
                          "--out", str(exam), "--json")
    assert code == 0, err
    assert json.loads(out)["rows"]["quizzes"] == 1
    code, out, err = _run(capsys, *as_offline, "package", "import", str(exam), "--dry-run")
    assert code == 0 and "（预览，未导入）" in out and "新增" in out
    slips = tmp_path / "slips.pdf"
    code, out, err = _run(capsys, *as_offline, "package", "import", str(exam), "--passwords", str(slips), "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["stored"] and done["new_people"] > 3 and done["added"]["quizzes"] == 1
    text = "".join(page.extract_text() for page in PdfReader(slips).pages)
    assert "200001" in text

    results = tmp_path / "results.shpkg"
    code, out, err = _run(capsys, *as_offline, "package", "export-results", "--since", "last", "--out", str(results))
    assert code == 0 and "SHA-256" in out, err
    code, out, err = _run(capsys, *as_branch, "package", "import", str(results), "--json")
    assert code == 0, err
    assert json.loads(out)["stored"]
    code, out, _e = _run(capsys, *as_branch, "package", "history", "--json")
    assert [(h["direction"], h["kind"]) for h in json.loads(out)][:2] == [("import", "results"), ("export", "exam")]
    # A package from a PC nobody trusted, or a tampered one, is refused with exit 1.
    tampered = tmp_path / "tampered.shpkg"
    data = bytearray(results.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    code, _o, err = _run(capsys, *as_branch, "package", "import", str(tampered))
    assert code == 1 and "tampered.shpkg" in err and "Traceback" not in err
    # An officer cannot exchange.
    code, _o, err = _run(capsys, "--db", branch, "--user", "200001", "package", "history")
    assert code == 1
