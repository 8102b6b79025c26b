# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The CLI end to end through main.main(): exit codes, --json, demo, users, backup/restore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from main import main
from tests.conftest import DEMO_ADMIN


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_demo_users_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch, demo_login) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, _ = _run(capsys, "demo", "--db", url, "--json")
    assert code == 0 and json.loads(out)["password"] == "demo123"
    code, out, _ = _run(capsys, "demo", "--db", url)
    assert code == 0 and "无需重复" in out
    admin = demo_login(DEMO_ADMIN)
    code, out, _ = _run(capsys, "user", "list", "--db", url, "--json", "--unit", "LJJJ1", *admin)
    people = json.loads(out)
    assert code == 0 and {p["unit"] for p in people} == {"交警大队第一党支部"} and len(people) >= 10

    monkeypatch.setenv("PW", "newpass1")
    code, out, _ = _run(capsys, "user", "add", "888888", "赵六", "--unit", "LJJJ1", "--password-env", "PW",
                        "--db", url, "--json", *admin)
    assert code == 0 and json.loads(out)["badge"] == "888888"
    code, _, err = _run(capsys, "user", "add", "888888", "赵六", "--unit", "LJJJ1", "--password-env", "PW",
                        "--db", url, *admin)
    assert code == 1 and "已存在" in err
    with pytest.raises(SystemExit) as usage:
        main(["user", "add", "--db", url])
    assert usage.value.code == 2


def test_english_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str], demo_login) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert _run(capsys, "demo", "--db", url)[0] == 0
    code, _, err = _run(capsys, "user", "list", "--unit", "NOPE", "--db", url, "--lang", "en", *demo_login(DEMO_ADMIN))
    assert code == 1 and "Unit" in err and "NOPE" in err


def test_backup_restore_and_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch, demo_login) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert _run(capsys, "demo", "--db", url)[0] == 0
    admin = demo_login(DEMO_ADMIN)
    code, out, _ = _run(capsys, "db", "upgrade", "--db", url, "--json")
    assert code == 0 and json.loads(out)["result"] == "current"
    backup = tmp_path / "b.zip"
    code, out, _ = _run(capsys, "db", "backup", str(backup), "--db", url, "--json", *admin)
    rows = json.loads(out)["rows"]
    assert code == 0 and rows["officers"] >= 67
    monkeypatch.setenv("PW", "another1")
    assert _run(capsys, "user", "add", "777777", "钱七", "--unit", "LJJJ1", "--password-env", "PW", "--db", url,
                *admin)[0] == 0
    code, out, _ = _run(capsys, "db", "restore", str(backup), "--db", url, "--json", *admin)
    assert code == 0 and json.loads(out)["rows"] == rows
    code, out, _ = _run(capsys, "user", "list", "--db", url, "--json", *admin)
    assert "777777" not in {p["badge"] for p in json.loads(out)}
    code, _, err = _run(capsys, "db", "restore", str(tmp_path / "missing.zip"), "--db", url, *admin)
    assert code == 1 and "missing.zip" in err


def test_db_before_or_after_the_command_and_no_silent_fallback(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               demo_login) -> None:  # type: ignore[no-untyped-def]
    """``--db`` names the database wherever it stands (restore included: it once restored into the
    default file); a URL that cannot be opened is an error, never the default database."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    target = f"sqlite:///{tmp_path / 'target.db'}"
    assert _run(capsys, "demo", "--db", source)[0] == 0
    assert _run(capsys, "demo", "--db", target)[0] == 0
    admin = demo_login(DEMO_ADMIN)
    monkeypatch.setenv("PW", "another1")
    backup = tmp_path / "b.zip"
    assert _run(capsys, "--db", source, *admin, "db", "backup", str(backup))[0] == 0
    for where in ("before", "after"):
        added = "77777" + ("1" if where == "before" else "2")
        assert _run(capsys, "user", "add", added, "钱七", "--unit", "LJJJ1", "--password-env", "PW", "--db", target,
                    *admin)[0] == 0
        argv = (["--db", target, *admin, "db", "restore", str(backup)] if where == "before"
                else ["db", "restore", str(backup), "--db", target, *admin])
        code, out, err = _run(capsys, *argv)
        assert code == 0, err
        code, out, _ = _run(capsys, "user", "list", "--json", "--db", target, *admin)
        assert added not in {p["badge"] for p in json.loads(out)}, where
    # The default database (STUDYHALL_HOME of the test session) was never touched.
    from core.infra.paths import data_dir

    assert not (data_dir() / "studyhall.db").exists() or "777771" not in (data_dir() / "studyhall.db").read_bytes().decode(
        "latin-1")
    for bad in ("notaurl", "mysql://u@h/db", "postgresql+psycopg://nobody@127.0.0.1:1/none"):
        for argv in (["--db", bad, *admin, "db", "restore", str(backup)], ["db", "upgrade", "--db", bad],
                     ["user", "list", "--db", bad, *admin]):
            code, out, err = _run(capsys, *argv)
            assert code == 1 and "无法打开数据库" in err and bad.split("@")[0] in err and "Traceback" not in err, argv
