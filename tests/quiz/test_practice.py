# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Practice, 每日一练, the 错题本, the TOML quiz spec and the quiz CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from base.errors import InvalidInput
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Officer, QuestionRow
from core.quiz import practice, wrongbook
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY

ROOT = Path(__file__).resolve().parents[2]


def officer(db: Database, badge: str) -> int:
    with db.transaction() as s:
        return s.scalar(select(Officer.id).where(Officer.badge == badge))


def right_and_wrong(db: Database, qtype: str = "single") -> tuple[int, list[str], list[str]]:
    with db.transaction() as s:
        q = s.scalar(select(QuestionRow).where(QuestionRow.qtype == qtype).order_by(QuestionRow.id))
        wrong = next(c for c in "ABCD" if c not in q.answer)
        return q.id, list(q.answer), [wrong]


def test_wrong_answer_enters_book_and_leaves_after_two_rights(demo_db: Database, clock: FakeClock) -> None:
    oid = officer(demo_db, "200020")
    qid, right, wrong = right_and_wrong(demo_db)
    with demo_db.transaction() as s:
        base = {e.question_id: e for e in wrongbook.entries(s, oid)}.get(qid)
        fb = practice.check_answer(s, oid, qid, wrong, clock)
    assert not fb.correct and fb.in_wrongbook and fb.correct_answer == "".join(right) and fb.explanation
    assert fb.wrong_count == (base.wrong_count if base else 0) + 1
    with demo_db.transaction() as s:
        fb = practice.check_answer(s, oid, qid, right, clock)
        assert fb.correct and fb.in_wrongbook and fb.right_streak == 1
        fb = practice.check_answer(s, oid, qid, wrong, clock)        # a miss resets the streak
        assert fb.right_streak == 0
        practice.check_answer(s, oid, qid, right, clock)
        fb = practice.check_answer(s, oid, qid, right, clock)
        assert not fb.in_wrongbook
        assert qid not in {e.question_id for e in wrongbook.entries(s, oid)}
        assert qid in {e.question_id for e in wrongbook.entries(s, oid, include_cleared=True)}


def test_wrongbook_by_category_and_practice_set(demo_db: Database, clock: FakeClock) -> None:
    oid = officer(demo_db, "200021")
    with demo_db.transaction() as s:
        cats = wrongbook.categories(s, oid)
        assert cats, "the demo gives every officer a 错题本"
        cat = next(iter(cats))
        items = practice.wrongbook_set(s, oid, category=cat, count=100)
        assert items and {i.category for i in items} == {cat}
        assert not hasattr(items[0], "answer")


def test_daily_set_is_fresh_and_stable_for_the_day(demo_db: Database, clock: FakeClock) -> None:
    oid = officer(demo_db, "200022")
    with demo_db.transaction() as s:
        first = [q.question_id for q in practice.daily_set(s, oid, clock)]
        assert len(first) == practice.DAILY_COUNT
        practice.check_answer(s, oid, first[0], ["A"] if s.get(QuestionRow, first[0]).qtype != "judge" else ["T"],
                              clock, source="daily")
        assert [q.question_id for q in practice.daily_set(s, oid, clock)] == first
        assert practice.daily_done(s, oid, clock) == 1
    clock.advance(86400)
    with demo_db.transaction() as s:
        assert first[0] not in [q.question_id for q in practice.daily_set(s, oid, clock)]


def test_practice_in_order_skips_questions_already_right(demo_db: Database, clock: FakeClock) -> None:
    oid = officer(demo_db, "200023")
    with demo_db.transaction() as s:
        bank = practice.sources(s)[0]
        one = practice.practice_set(s, oid, bank_id=bank.bank_id, count=3)
        q = s.get(QuestionRow, one[0].question_id)
        resp = list(q.answer) if q.qtype != "fill" else [b[0] for b in q.blanks]
        assert practice.check_answer(s, oid, q.id, resp, clock).correct
        again = practice.practice_set(s, oid, bank_id=bank.bank_id, count=3)
        assert q.id not in [i.question_id for i in again]
        with pytest.raises(InvalidInput):
            practice.check_answer(s, oid, q.id, [], clock)


def test_quiz_cli_create_from_spec_list_show_results(sqlite_demo_db: Database, tmp_path: Path, demo_login) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{sqlite_demo_db.sqlite_path}"
    sqlite_demo_db.dispose()

    def cli(*args: str, user: str = DEMO_ADMIN) -> subprocess.CompletedProcess[str]:
        login = demo_login(user) if user else []
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--db", url, *login],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)

    nobody = cli("quiz", "list", user="")
    assert nobody.returncode == 1 and "请先登录" in nobody.stderr and "--user" in nobody.stderr
    officer = cli("quiz", "results", "2", user=DEMO_OFFICER)
    assert officer.returncode == 1 and "没有权限" in officer.stderr

    done = cli("quiz", "create", "--spec", str(ROOT / "docs" / "examples" / "quiz.toml"), "--json")
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["published"] and made["time_limit_min"] == 20 and made["multi_scoring"] == "half_for_subset"
    assert [s["count"] for s in made["sections"]] == [10, 5, 5] and all(s["drawable"] for s in made["sections"])
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "太多"\npublish = true\n[[sections]]\ntype = "简答"\ncount = 99\n', encoding="utf-8")
    refused = cli("quiz", "create", "--spec", str(bad))
    assert refused.returncode == 1 and "无法发布" in refused.stderr
    listed = json.loads(cli("quiz", "list", "--json").stdout)
    assert "太多" not in [q["title"] for q in listed]           # nothing stored when refused
    res = json.loads(cli("quiz", "results", "2", "--json").stdout)
    assert res["takers"] > 10 and 0 < res["pass_rate"] < 100
    mine = json.loads(cli("quiz", "results", "2", "--json", user=DEMO_SECRETARY).stdout)   # one branch only
    assert 0 < mine["takers"] < res["takers"]


def test_spec_rejects_unknown_keys(demo_db: Database) -> None:
    from core.quiz.spec_file import parse_spec

    with demo_db.transaction() as s, pytest.raises(InvalidInput, match="未知"):
        parse_spec(s, {"title": "x", "time_limit": 3})
    with demo_db.transaction() as s:
        spec, publish = parse_spec(s, {"title": "x", "opens": dt.datetime(2026, 11, 1, 8, 0),
                                       "sections": [{"type": "判断", "count": 2}], "audience": {"categories": ["辅警"]}})
    assert spec.opens_at == dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.UTC) and not publish
    assert spec.audience == {"categories": ["auxiliary"]} and spec.sections[0].qtype == "judge"



def test_practice_points_name_the_question_not_its_number(demo_db: Database, clock: FakeClock) -> None:
    from core.models import LedgerEntry

    oid = officer(demo_db, "200020")
    qid, right, _wrong = right_and_wrong(demo_db)
    clock.advance(86400 * 2)                      # a fresh day: the point is not already granted
    with demo_db.transaction() as s:
        stem = s.get(QuestionRow, qid).stem
        practice.check_answer(s, oid, qid, right, clock)
        notes = s.scalars(select(LedgerEntry.note).where(LedgerEntry.officer_id == oid,
                                                         LedgerEntry.source_id.like(f"%:{qid}"))).all()
        demo_notes = s.scalars(select(LedgerEntry.note).where(LedgerEntry.source_type == "practice")).all()
    assert notes and all(n.startswith("练习答对：") and str(qid) not in n for n in notes)
    assert " ".join(stem.split())[:10] in notes[-1]
    assert demo_notes and not [n for n in demo_notes if "号题" in n]   # the demo's history too
