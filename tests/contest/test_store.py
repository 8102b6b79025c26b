# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Contests in the database: created from a spec, every event stored, resumed after a crash,
points and certificates after the event, the result sheet, and who may do what."""

from __future__ import annotations

import copy
import re
import tomllib
import uuid
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from base.errors import InvalidInput, PermissionDenied
from core.contest import usecases as contest
from core.contest.machine import Phase
from core.infra.db import Database
from core.infra.paths import resources_dir
from core.models import AuditEntry, ContestEvent, LedgerEntry, QuestionRow
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY, actor_of


def sample() -> dict[str, Any]:
    return tomllib.loads((resources_dir() / "demo" / "contest.toml").read_text(encoding="utf-8"))


def small(**changes: Any) -> dict[str, Any]:
    data = sample()
    data["rounds"] = [{"preset": "compulsory", "per_team": 1, "banks": ["党建基础知识"]},
                      {"preset": "buzz", "questions": 2, "pass_on_wrong": True}]
    data.update(changes)
    return data


def test_create_draws_distinct_questions_by_the_rules(demo_db: Database) -> None:
    admin = actor_of(demo_db, DEMO_ADMIN)
    cid = contest.create_contest(demo_db, admin, sample())
    data = contest.open_contest(demo_db, admin, cid)
    ids = [q for r in data.spec.rounds for q in r.question_ids]
    assert [len(r.question_ids) for r in data.spec.rounds] == [6, 6, 3, 9, 3]
    assert len(set(ids)) == len(ids) and set(ids) == set(data.questions)
    with demo_db.transaction() as s:
        rows = s.execute(select(QuestionRow.id, QuestionRow.qtype, QuestionRow.lineage)
                         .where(QuestionRow.id.in_(ids))).all()
    assert len({lin for _q, _t, lin in rows}) == len(ids)
    assert {t for q, t, _l in rows if q in data.spec.rounds[4].question_ids} == {"judge"}
    assert [m.badge for m in data.spec.teams[0].members] == ["200001", "200002", "200003"]
    assert data.status == "ready" and data.unit == "江城市公安局临江分局"


@pytest.mark.parametrize(("change", "message"), [
    ({"teams": [{"name": "甲", "members": ["999999"]}, {"name": "乙"}]}, r"teams\[0\].members：找不到警号为 999999"),
    ({"rounds": [{"preset": "buzz", "questions": 999}]}, "第1轮“抢答题”：符合条件的题目只有"),
    ({"rounds": [{"preset": "quiz-show"}]}, r"rounds\[0\]：未知的轮次预设"),
    ({"rounds": [{"preset": "buzz", "banks": ["没有的题库"]}]}, r"rounds\[0\].banks：找不到题库"),
    ({"colour": "red"}, "未知的设置项：colour"),
])
def test_bad_specs_say_where(demo_db: Database, change: dict[str, Any], message: str) -> None:
    admin = actor_of(demo_db, DEMO_ADMIN)
    before = contest.list_contests(demo_db, admin)
    with pytest.raises(InvalidInput, match=message):
        contest.create_contest(demo_db, admin, small(**change))
    assert contest.list_contests(demo_db, admin) == before


def test_fixed_questions_may_not_repeat(demo_db: Database) -> None:
    admin = actor_of(demo_db, DEMO_ADMIN)
    with demo_db.transaction() as s:
        ids = list(s.scalars(select(QuestionRow.id).order_by(QuestionRow.id).limit(3)))
    data = small(rounds=[{"preset": "buzz", "questions": 2, "fixed": ids[:2]},
                         {"preset": "buzz", "questions": 2, "fixed": [ids[1], ids[2]]}])
    with pytest.raises(InvalidInput, match="只能用一次"):
        contest.create_contest(demo_db, admin, data)


def _play(db: Database, actor: Any, cid: uuid.UUID, *events: dict[str, Any]) -> None:
    for e in events:
        contest.record_event(db, actor, cid, e)


def test_events_are_stored_and_a_restart_resumes_at_the_same_question(demo_db: Database) -> None:
    admin = actor_of(demo_db, DEMO_ADMIN)
    cid = contest.create_contest(demo_db, admin, small())
    _play(demo_db, admin, cid, {"kind": "round"}, {"kind": "show"}, {"kind": "rule", "team": 0, "correct": True},
          {"kind": "show"}, {"kind": "timeout"}, {"kind": "show"}, {"kind": "rule", "team": 2, "correct": False},
          {"kind": "round"}, {"kind": "show"}, {"kind": "buzz", "team": 1, "t": 0.2}, {"kind": "go", "t": 1.0},
          {"kind": "buzz", "team": 0, "t": 1.4, "extra": "dropped"})
    # the console "crashes": a new one opens the contest from the database
    again = contest.open_contest(demo_db, admin, cid)
    c = again.contest()
    assert c.phase is Phase.ANSWERING and c.state.team == 0 and c.state.round == 1
    assert c.state.question == again.spec.rounds[1].question_ids[0]
    assert c.scores == [110, 90, 100]
    assert again.events[-1] == {"kind": "buzz", "team": 0, "t": 1.4} and again.status == "running"
    # a refused event is not stored; a console that missed an event is told so
    with pytest.raises(InvalidInput):
        contest.record_event(demo_db, admin, cid, {"kind": "round"})
    with pytest.raises(InvalidInput, match="另一台电脑"):
        contest.record_event(demo_db, admin, cid, {"kind": "rule", "team": 0, "correct": True}, expect_seq=3)
    with demo_db.transaction() as s:
        assert s.scalar(select(ContestEvent.seq).where(ContestEvent.contest_id == cid)
                        .order_by(ContestEvent.seq.desc()).limit(1)) == len(again.events) == 12


def test_finishing_enters_points_and_the_sheet_lists_rulings(demo_db: Database, tmp_path: Path) -> None:
    admin = actor_of(demo_db, DEMO_ADMIN)
    cid = contest.create_contest(demo_db, admin, small())
    _play(demo_db, admin, cid, {"kind": "round"}, {"kind": "show"}, {"kind": "rule", "team": 0, "correct": True},
          {"kind": "show"}, {"kind": "rule", "team": 1, "correct": True}, {"kind": "show"},
          {"kind": "rule", "team": 2, "correct": False}, {"kind": "round"}, {"kind": "show"},
          {"kind": "go", "t": 0}, {"kind": "buzz", "team": 1, "t": 0.3}, {"kind": "rule", "team": 1, "correct": True},
          {"kind": "undo"}, {"kind": "rule", "team": 1, "correct": False}, {"kind": "timeout"},
          {"kind": "adjust", "team": 0, "delta": 5, "reason": "评委复议第2题"}, {"kind": "finish"})
    data = contest.open_contest(demo_db, admin, cid)
    assert data.status == "finished" and data.contest().scores == [115, 100, 100]
    with demo_db.transaction() as s:
        rows = s.execute(select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.target_id == str(cid))
                         .order_by(AuditEntry.id)).all()
    assert [a for a, _d in rows] == ["contest.create", "contest.undo", "contest.adjust", "contest.finish"]
    assert rows[1][1]["changes"] == {"治安一支部队": [120, 110]}
    assert rows[2][1]["reason"] == "评委复议第2题" and rows[2][1]["changes"] == {"交警一支部队": [110, 115]}
    with demo_db.transaction() as s:
        entries = s.execute(select(LedgerEntry.rule_code, LedgerEntry.amount)
                            .where(LedgerEntry.source_type == "contest", LedgerEntry.source_id == str(cid))).all()
    assert sorted(entries) == sorted([("contest_taken", 3.0)] * 9 + [("contest_won", 10.0)] * 3)
    pdf = contest.result_sheet(demo_db, admin, cid, tmp_path / "sheet.pdf")
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    for expected in ("忠诚杯", "交警一支部队", "评委复议第2题", "手工调整", "答错"):
        assert expected in text
    assert re.search(r"交警一支部队\s.*?\s115(?![.\d])", text, re.S)   # whole scores print without “.0”
    certs = contest.issue_certificates(demo_db, admin, cid)
    assert sorted(c.badge for c in certs) == ["200001", "200002", "200003"]
    assert contest.issue_certificates(demo_db, admin, cid) == []          # once each


def test_officers_never_reach_contests_and_secretaries_only_their_units(demo_db: Database) -> None:
    admin, officer = actor_of(demo_db, DEMO_ADMIN), actor_of(demo_db, DEMO_OFFICER)
    secretary = actor_of(demo_db, DEMO_SECRETARY)          # 交警大队第一党支部
    cid = contest.create_contest(demo_db, admin, small())   # organised by the bureau
    for call in (lambda: contest.list_contests(demo_db, officer), lambda: contest.open_contest(demo_db, officer, cid),
                 lambda: contest.record_event(demo_db, officer, cid, {"kind": "round"}),
                 lambda: contest.open_contest(demo_db, secretary, cid),
                 lambda: contest.create_contest(demo_db, secretary, small())):
        with pytest.raises(PermissionDenied):
            call()
    own = small(unit="LJJJ1", teams=copy.deepcopy(small()["teams"]))
    mine = contest.create_contest(demo_db, secretary, own)
    assert [c.id for c in contest.list_contests(demo_db, secretary)] == [mine]


def test_the_demo_contest_is_in_its_members_transcripts_and_ledger(demo_db: Database) -> None:
    from core.points import usecases as points
    from core.reports import usecases as reports

    admin = actor_of(demo_db, DEMO_ADMIN)
    report = reports.transcript(demo_db, admin, "200015")          # 治安一支部队 won the demo contest
    line = report.transcript.contests[0]
    assert (line.team, line.rank, line.teams, line.score) == ("治安一支部队", 1, 3, 150)
    table = next(t for t in report.document.tables if t.title == "知识竞赛现场赛")
    assert table.rows[0][2:] == ["治安一支部队", "1/3", 150]
    history = points.points_history(demo_db, admin, badge="200015")
    assert sorted(h.amount for h in history.lines if h.source_type == "contest") == [3.0, 10.0]
    assert reports.transcript(demo_db, admin, "200008").transcript.contests == []   # only drawn up, not held
