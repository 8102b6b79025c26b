# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Checks on the demo content shipped in resources/demo (banks, materials, organisation)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from quizbank.model import QType, Question

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
BANK_FILES = {
    "traffic.json": "道路交通安全法规",
    "discipline.json": "警务纪律与职业道德",
    "party.json": "党建基础知识",
}
MIN_PER_BANK = {"traffic.json": 80, "discipline.json": 70, "party.json": 70}
BLANK = "（ ）"
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _load_bank(name: str) -> dict:
    return json.loads((DEMO / "banks" / name).read_text(encoding="utf-8"))


def _questions(name: str) -> list[Question]:
    return [Question.from_dict(d) for d in _load_bank(name)["questions"]]


@pytest.mark.parametrize("name", sorted(BANK_FILES))
def test_bank_header(name: str) -> None:
    data = _load_bank(name)
    assert data["studyhall"] == 1
    assert data["bank"] == BANK_FILES[name]
    assert len(data["questions"]) >= MIN_PER_BANK[name]


@pytest.mark.parametrize("name", sorted(BANK_FILES))
def test_bank_questions_are_valid(name: str) -> None:
    for q in _questions(name):
        assert q.problems() == [], (q.stem, q.problems())
        assert q.explanation.strip(), q.stem
        assert q.category.strip(), q.stem
        assert q.difficulty in (1, 2, 3)


@pytest.mark.parametrize("name", sorted(BANK_FILES))
def test_bank_shape(name: str) -> None:
    qs = _questions(name)
    types = Counter(q.qtype for q in qs)
    assert set(types) == set(QType), types
    assert 2 <= len({q.category for q in qs}) <= 4
    assert {q.difficulty for q in qs} == {1, 2, 3}
    for q in qs:
        if q.qtype is QType.SINGLE:
            assert len(q.options) == 4, q.stem
        elif q.qtype is QType.MULTIPLE:
            assert 4 <= len(q.options) <= 5, q.stem
            assert 2 <= len(q.answer) <= 4, q.stem
        elif q.qtype is QType.FILL:
            assert q.stem.count(BLANK) == len(q.blanks), q.stem
        elif q.qtype is QType.ESSAY:
            assert q.answer and q.answer[0].strip(), q.stem


def test_bank_totals_and_unique_stems() -> None:
    all_qs = [q for name in BANK_FILES for q in _questions(name)]
    assert len(all_qs) >= 220
    stems = Counter(q.stem for q in all_qs)
    assert [s for s, n in stems.items() if n > 1] == []
    hashes = Counter(q.content_hash() for q in all_qs)
    assert max(hashes.values()) == 1


def test_bank_round_trip() -> None:
    for name in BANK_FILES:
        for d in _load_bank(name)["questions"]:
            assert Question.from_dict(d).to_dict() == d


def test_materials_index_matches_files() -> None:
    folder = DEMO / "materials"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert len(index) == 10
    md_files = sorted(p.name for p in folder.glob("*.md"))
    assert sorted(e["file"] for e in index) == md_files
    assert 4 <= sum(1 for e in index if e["required"] is True) <= 8
    has_table = False
    for entry in index:
        assert isinstance(entry["required"], bool)
        assert 3 <= entry["min_minutes"] <= 10
        assert entry["title"].strip() and entry["topic"].strip()
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines[0] == f"# {entry['title']}"
        assert sum(1 for line in lines if line.startswith("## ")) >= 2
        assert 600 <= len(CJK_RE.findall(text)) <= 1500, entry["file"]
        has_table = has_table or any(re.match(r"^\|\s*-{3,}", line) for line in lines)
    assert has_table


def test_org_structure() -> None:
    org = json.loads((DEMO / "org.json").read_text(encoding="utf-8"))
    units = {u["code"]: u for u in org["units"]}
    kinds = Counter(u["kind"] for u in units.values())
    assert kinds == {"bureau": 1, "brigade": 3, "branch": 6}
    bureau = next(c for c, u in units.items() if u["kind"] == "bureau")
    assert units[bureau]["parent"] is None
    for u in units.values():
        if u["kind"] == "brigade":
            assert u["parent"] == bureau
        elif u["kind"] == "branch":
            assert units[u["parent"]]["kind"] == "brigade"
    per_brigade = Counter(u["parent"] for u in units.values() if u["kind"] == "branch")
    assert set(per_brigade.values()) == {2}

    officers = org["officers"]
    badges = [o["badge"] for o in officers]
    assert len(set(badges)) == len(badges)
    assert all(re.fullmatch(r"\d{6}", b) for b in badges)
    assert all(re.fullmatch(r"[\u4e00-\u9fff\U00020000-\U0003134f]{2,3}", o["name"]) for o in officers)
    roles = Counter(o["role"] for o in officers)
    assert roles == {"officer": 60, "secretary": 6, "admin": 1}
    branches = {c for c, u in units.items() if u["kind"] == "branch"}
    per_branch = Counter(o["unit"] for o in officers if o["role"] == "officer")
    assert set(per_branch) == branches
    assert all(8 <= n <= 12 for n in per_branch.values())
    secretaries = [o for o in officers if o["role"] == "secretary"]
    assert {o["unit"] for o in secretaries} == branches
    assert all(o["category"] == "民警" and o["party_member"] for o in secretaries)
    admin = next(o for o in officers if o["role"] == "admin")
    assert admin["badge"] == "000001" and admin["unit"] == bureau
    assert sorted(o["badge"] for o in secretaries) == [f"10000{i}" for i in range(1, 7)]
    assert "200001" in badges
    for o in officers:
        assert o["category"] in ("民警", "辅警")
        assert o["gender"] in ("男", "女")
        assert isinstance(o["party_member"], bool)
        assert o["badge"].startswith("9") == (o["category"] == "辅警")
