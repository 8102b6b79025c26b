# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``bank import | export | template | list`` end to end through ``main.main``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import main
from base.errors import InvalidInput
from cli.bank_cmd import column_index, parse_column_map
from tests.bank.conftest import GOOD_ROWS, bank_count, write_xlsx
from tests.conftest import ADMIN_BADGE, DEMO_OFFICER, DEMO_SECRETARY


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json_output_and_exit_codes(db, admin, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = ["单选题", "没有答案的题目。", "甲", "乙", "", "", "", "", ""]
    path = write_xlsx(tmp_path / "支部题库.xlsx", [*GOOD_ROWS, bad])
    code, out, _err = run(capsys, "bank", "import", str(path), "--db", db.url, "--user", ADMIN_BADGE, "--json")
    data = json.loads(out)
    assert code == 1 and data["imported"] == 0 and data["duplicates"] == 0
    problem = data["problems"][0]
    assert set(problem) >= {"file", "sheet", "row", "line", "field", "severity", "message"}
    located = (problem["file"], problem["row"], problem["field"], problem["severity"])
    assert located == ("支部题库.xlsx", 6, "答案", "error")
    assert bank_count(db, "支部题库") is None

    code, out, _err = run(capsys, "bank", "import", str(path), "--db", db.url, "--user", ADMIN_BADGE, "--json", "--dry-run")
    assert code == 0 and json.loads(out)["imported"] == 4 and bank_count(db, "支部题库") is None

    code, out, _err = run(capsys, "bank", "import", str(path), "--db", db.url, "--user", ADMIN_BADGE, "--json", "--skip-invalid")
    data = json.loads(out)
    assert code == 0 and data["imported"] == 4
    assert data["by_type"] == {"single": 1, "multiple": 1, "judge": 1, "fill": 1}
    assert bank_count(db, "支部题库") == 4      # default bank name: the file's stem

    code, out, _err = run(capsys, "bank", "import", str(path), "--db", db.url, "--user", ADMIN_BADGE, "--skip-invalid",
                          "--bank", "支部题库")
    lines = out.strip().splitlines()
    assert code == 0 and lines[-1] == "已导入 0 题，跳过重复 4 题，跳过有错误的 1 题"
    assert any(line.startswith("支部题库.xlsx 工作表“题库” 第6行 答案：") for line in lines)


def test_import_with_column_mapping(db, admin, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [[1, r[1], r[2], r[3], r[4], r[5], r[6]] for r in GOOD_ROWS[:2]]
    path = write_xlsx(tmp_path / "无表头.xlsx", rows, header=None)
    code, out, _err = run(capsys, "bank", "import", str(path), "--db", db.url, "--user", ADMIN_BADGE, "--json")
    data = json.loads(out)
    assert code == 1 and "表头" in data["problems"][0]["message"]
    code, out, _err = run(capsys, "bank", "import", str(path), "--db", db.url, "--user", ADMIN_BADGE, "--json",
                          "--columns", "stem=B,option_A=C,option_B=D,option_C=E,option_D=6,answer=G")
    data = json.loads(out)
    assert code == 0 and data["imported"] == 2 and data["by_type"] == {"single": 1, "multiple": 1}


def test_column_map_parsing() -> None:
    assert parse_column_map("stem=B, answer=3,选项A=AA") == {"stem": 1, "answer": 2, "option_A": 26}
    assert column_index("a") == 0
    for bad in ("answer=C", "stem=", "nonsense=B", "stem=B,answer=0"):
        with pytest.raises(InvalidInput):
            parse_column_map(bad)


def test_export_template_and_list(demo_db, demo_login: Callable[[str], list[str]], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    login = demo_login(DEMO_SECRETARY)
    code, out, _err = run(capsys, "bank", "list", "--db", demo_db.url, *login, "--json")
    banks = json.loads(out)
    assert code == 0 and len(banks) == 3 and sum(b["total"] for b in banks) == 254
    own = [b for b in banks if b["manageable"]]      # the branch's own bank; the others are shared from above
    assert len(own) == 1 and own[0]["owner"] == "交警大队第一党支部"
    name = own[0]["name"]
    shared = next(b["name"] for b in banks if not b["manageable"])
    code, out, err = run(capsys, "bank", "export", str(tmp_path / "s.json"), "--bank", shared, "--db", demo_db.url,
                         *login)
    assert code == 1 and "没有权限" in err and not (tmp_path / "s.json").exists()

    code, out, err = run(capsys, "bank", "export", str(tmp_path / "all.json"), "--db", demo_db.url, *login)
    assert code == 0 and (tmp_path / "all.json").exists()          # the only bank they manage
    target = tmp_path / "out.gift"
    code, out, _err = run(capsys, "bank", "export", str(target), "--bank", name, "--db", demo_db.url, *login, "--json")
    assert code == 0 and json.loads(out)["exported"] == own[0]["total"] and target.stat().st_size > 0
    code, out, _err = run(capsys, "bank", "export", str(tmp_path / "x.txt"), "--bank", name, "--format", "json",
                          "--db", demo_db.url, *login, "--json")
    assert code == 0 and json.loads((tmp_path / "x.txt").read_text(encoding="utf-8"))
    code, _out, err = run(capsys, "bank", "export", str(tmp_path / "x.pdf"), "--bank", name, "--db", demo_db.url, *login)
    assert code == 1 and ".pdf" in err

    code, out, _err = run(capsys, "bank", "import", str(target), "--bank", "副本", "--db", demo_db.url, *login, "--json")
    assert code == 0 and json.loads(out)["imported"] == own[0]["total"]

    template = tmp_path / "模板.xlsx"
    code, out, _err = run(capsys, "bank", "template", str(template), "--db", demo_db.url, *login, "--json")
    assert code == 0 and template.exists()
    code, out, _err = run(capsys, "bank", "import", str(template), "--db", demo_db.url, *login, "--json", "--dry-run")
    assert code == 0 and json.loads(out)["imported"] == 5
    code, _out, err = run(capsys, "bank", "template", str(tmp_path / "t.csv"), "--db", demo_db.url, *login)
    assert code == 1

    code, out, _err = run(capsys, "bank", "list", "--db", demo_db.url, *login)
    assert code == 0 and "副本：共" in out and "单选题" in out


def test_bank_commands_need_a_secretary(demo_db, demo_login: Callable[[str], list[str]], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "模板.xlsx"
    code, _out, err = run(capsys, "bank", "template", str(template), "--db", demo_db.url)
    assert code == 1 and "--user" in err and not template.exists()
    code, _out, err = run(capsys, "bank", "list", "--db", demo_db.url, *demo_login(DEMO_OFFICER))
    assert code == 1 and "查看题库" in err


def test_import_refusals_name_cli_options(db, admin, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "记录.txt"
    notes.write_text("会议记录\n没有题目\n", encoding="utf-8")
    for extra in ((), ("--dry-run",)):
        code, out, _err = run(capsys, "bank", "import", str(notes), "--db", db.url, "--user", ADMIN_BADGE, *extra)
        assert code == 1 and "没有读到任何试题" in out and "--format" in out and "--columns" in out
        assert "勾选" not in out
    assert bank_count(db, "记录") is None
    code, out, _err = run(capsys, "bank", "import", str(notes), "--db", db.url, "--user", ADMIN_BADGE, "--json")
    data = json.loads(out)
    assert code == 1 and data["problems"][-1]["code"] == "no_questions" and data["layouts"][0]["kind"] == "numbered"

    bad = ["单选题", "没有答案的题目。", "甲", "乙", "", "", "", "", ""]
    path = write_xlsx(tmp_path / "有错.xlsx", [*GOOD_ROWS, bad])
    code, out, _err = run(capsys, "bank", "import", str(path), "--db", db.url, "--user", ADMIN_BADGE)
    assert code == 1 and out.strip().splitlines()[-1] == (
        "未导入：发现1个错误，请修正后重试（加 --skip-invalid 可跳过有错误的题目，导入其余题目）")

    rows = [[i, f"第{i}题的题干内容（ ）", "甲", "乙", "丙", "丁", "ABCD"[i % 4]] for i in range(1, 6)]
    bare = write_xlsx(tmp_path / "无表头.xlsx", rows, header=None)
    code, out, _err = run(capsys, "bank", "import", str(bare), "--db", db.url, "--user", ADMIN_BADGE, "--dry-run")
    assert code == 0 and out.splitlines()[0] == (
        "无表头.xlsx 工作表“题库”：没有表头，按内容猜测各列：B列 题干，C–F列 选项A–D，G列 答案（不对时用 --columns 指定各列）")
    assert out.strip().endswith("可导入 5 题")
