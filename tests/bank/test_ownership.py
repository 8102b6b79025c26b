# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Banks and quizzes belong to units: a secretary manages their own, uses what is shared from above,
and never sees a neighbouring branch's (its questions may be that branch's answer key)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from base.errors import InvalidInput, PermissionDenied
from core.access.actor import Actor
from core.bank import usecases as bank
from core.bank.questions import QuestionFilter
from core.infra.db import Database
from core.quiz import usecases as quiz
from core.quiz.spec import QuizSpec, SectionSpec
from tests.bank.conftest import GOOD_ROWS, write_xlsx
from tests.conftest import DEMO_ADMIN, actor_of

MINE, NEIGHBOUR = "100001", "100002"       # secretaries of 交警大队第一、第二党支部


def _people(db: Database) -> dict[str, Actor]:
    return {b: actor_of(db, b) for b in (DEMO_ADMIN, MINE, NEIGHBOUR)}


def _own_bank(db: Database, who: Actor, tmp_path: Path, name: str) -> int:
    report = bank.import_files(db, who, [write_xlsx(tmp_path / f"{name}.xlsx", GOOD_ROWS)], bank=name)
    assert report.stored
    return next(b.id for b in bank.list_banks(db, who) if b.name == name)


def test_a_secretarys_bank_is_theirs_alone(demo_db: Database, tmp_path: Path) -> None:
    p = _people(demo_db)
    mine = _own_bank(demo_db, p[MINE], tmp_path, "一支部自建题库")
    seen = {b.name: b for b in bank.list_banks(demo_db, p[MINE])}
    assert seen["一支部自建题库"].manageable and seen["一支部自建题库"].owner == "交警大队第一党支部"
    shared = [b for b in seen.values() if b.owner == ""]
    assert shared and not any(b.manageable for b in shared)          # the bureau's banks: shared from above
    assert seen["道路交通安全法规"].manageable                          # the demo bank this branch keeps

    assert {"一支部自建题库", "道路交通安全法规"}.isdisjoint(b.name for b in bank.list_banks(demo_db, p[NEIGHBOUR]))
    neighbour_rows = bank.browse_questions(demo_db, p[NEIGHBOUR], QuestionFilter(), with_total=True)
    assert mine not in {r.bank_id for r in neighbour_rows.rows}
    question = bank.browse_questions(demo_db, p[MINE], QuestionFilter(bank_id=mine)).rows[0].id
    for refused in (lambda: bank.question_detail(demo_db, p[NEIGHBOUR], question),
                    lambda: bank.set_active(demo_db, p[NEIGHBOUR], [question], False),
                    lambda: bank.export_bank(demo_db, p[NEIGHBOUR], tmp_path / "x.json", bank="一支部自建题库"),
                    lambda: bank.import_files(demo_db, p[NEIGHBOUR], [write_xlsx(tmp_path / "n.xlsx", GOOD_ROWS)],
                                              bank="一支部自建题库")):
        with pytest.raises(PermissionDenied, match="其他单位"):
            refused()
    assert bank.export_bank(demo_db, p[MINE], tmp_path / "mine.json", bank="一支部自建题库").count == len(GOOD_ROWS)
    assert bank.set_active(demo_db, p[DEMO_ADMIN], [question], False) == 1      # administrators manage all


def test_shared_banks_are_read_only_for_secretaries(demo_db: Database, tmp_path: Path) -> None:
    p = _people(demo_db)
    shared = next(b for b in bank.list_banks(demo_db, p[MINE]) if b.owner == "")
    assert not shared.manageable and all(b.manageable for b in bank.list_banks(demo_db, p[DEMO_ADMIN]))
    question = bank.browse_questions(demo_db, p[MINE], QuestionFilter(bank_id=shared.id)).rows[0].id
    assert bank.question_detail(demo_db, p[MINE], question).id == question   # seen and usable …
    with pytest.raises(PermissionDenied):
        bank.set_active(demo_db, p[MINE], [question], False)                 # … not edited
    with pytest.raises(PermissionDenied):
        bank.export_bank(demo_db, p[MINE], tmp_path / "shared.gift", bank=shared.name)
    with pytest.raises(PermissionDenied):
        bank.export_bank(demo_db, p[MINE], tmp_path / "all.gift", every_bank=True)


def test_quizzes_belong_to_the_unit_that_made_them(demo_db: Database, tmp_path: Path) -> None:
    p = _people(demo_db)
    mine = _own_bank(demo_db, p[MINE], tmp_path, "一支部练习题库")
    shared = next(b.id for b in bank.list_banks(demo_db, p[MINE]) if not b.manageable)
    spec = QuizSpec(title="一支部测验", sections=[SectionSpec("single", 1, 2, bank_ids=[mine]),
                                                SectionSpec("single", 2, 1, bank_ids=[shared])],
                    closes_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    qid = quiz.save_quiz(demo_db, p[MINE], spec, publish=True)
    assert next(q for q in quiz.list_quizzes(demo_db, p[MINE]) if q.id == qid).manageable
    assert qid not in {q.id for q in quiz.list_quizzes(demo_db, p[NEIGHBOUR])}
    for refused in (lambda: quiz.set_published(demo_db, p[NEIGHBOUR], qid, False),
                    lambda: quiz.quiz_form(demo_db, p[NEIGHBOUR], qid),
                    lambda: quiz.quiz_results(demo_db, p[NEIGHBOUR], qid)):
        with pytest.raises(PermissionDenied):
            refused()

    admin_quiz = next(q for q in quiz.list_quizzes(demo_db, p[DEMO_ADMIN]) if q.manageable and q.id != qid)
    theirs = next(q for q in quiz.list_quizzes(demo_db, p[MINE]) if q.id == admin_quiz.id)
    assert not theirs.manageable                                   # shared from above: results only
    assert quiz.quiz_results(demo_db, p[MINE], admin_quiz.id).title == admin_quiz.title
    with pytest.raises(PermissionDenied):
        quiz.set_published(demo_db, p[MINE], admin_quiz.id, False)


def test_a_secretary_composes_only_from_banks_they_see(demo_db: Database, tmp_path: Path) -> None:
    p = _people(demo_db)
    theirs = _own_bank(demo_db, p[NEIGHBOUR], tmp_path, "二支部考试题库")
    with pytest.raises(PermissionDenied, match="其他单位的题库"):
        quiz.save_quiz(demo_db, p[MINE], QuizSpec(title="越界", sections=[SectionSpec("single", 1, bank_ids=[theirs])]))
    with pytest.raises(InvalidInput, match="请选择题库"):
        quiz.save_quiz(demo_db, p[MINE], QuizSpec(title="全部题库", sections=[SectionSpec("single", 1)]))
    hits = quiz.search_questions(demo_db, p[MINE], "")
    assert hits and all(h.bank != "二支部考试题库" for h in hits)
    assert theirs not in {b.id for b in quiz.quiz_form(demo_db, p[MINE]).banks}
