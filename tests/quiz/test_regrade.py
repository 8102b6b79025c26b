# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Answer-key corrections: the dry run lists what the regrade then does; points are reversed, not
edited; certificates follow pass/fail both ways; a regrade with nothing to change changes nothing."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput, PermissionDenied
from core.bank.questions import edit_question, to_question
from core.certificates.templates import default_template_for
from core.infra.clock import FakeClock
from core.infra.db import Database
from core.models import Attempt, AttemptItem, AuditEntry, Bank, Certificate, LedgerEntry, Officer, QuestionRow, Quiz, Regrade, RegradeChange
from core.points.ledger import rule_for
from core.quiz import attempts, results
from core.quiz import usecases as quiz
from core.quiz.compose import save_quiz, set_published
from core.quiz.spec import QuizSpec
from main import main as cli_main
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, actor_of

TITLE = "答案更正测试考试"
BADGES = ("200002", "200003", "200004", "200005")


@dataclasses.dataclass
class Setup:
    quiz_id: int
    questions: list[int]            # the five fixed single-choice questions (versions drawn)
    keys: list[str]
    attempts: dict[str, uuid.UUID]


def _setup(db: Database, clock: FakeClock) -> Setup:
    """Five single-choice questions worth 20 each, pass at 60%. Officers answer all right but for
    question 0, where each chooses as listed: with the key wrong, who picked the true answer lost 20."""
    with db.transaction() as s:
        bank = s.scalar(select(Bank.id).where(Bank.name == "道路交通安全法规"))
        rows = list(s.scalars(select(QuestionRow).where(QuestionRow.bank_id == bank, QuestionRow.qtype == "single",
                                                        QuestionRow.is_current).order_by(QuestionRow.id).limit(5)))
        qids, keys = [r.id for r in rows], [r.answer[0] for r in rows]
        spec = QuizSpec(title=TITLE, pass_percent=80, review_after_close=False, shuffle_questions=False,
                        shuffle_options=False, fixed=[(q, 20.0) for q in qids])
        quiz_id = save_quiz(s, spec, now=clock.now())
        set_published(s, quiz_id, True)
        template = default_template_for(s, "completion")
        assert template is not None
        s.get(Quiz, quiz_id).certificate_template_id = template.id
    wrong_key = keys[0]
    true_key = "B" if wrong_key != "B" else "C"
    other = next(x for x in "ABCD" if x not in (wrong_key, true_key))
    first = {"200002": true_key, "200003": wrong_key, "200004": other, "200005": true_key}
    # 200005 also misses question 1: 60 now, 80 (a pass) once the key is fixed.
    taken = {}
    for badge in BADGES:
        with db.transaction() as s:
            oid = s.scalar(select(Officer.id).where(Officer.badge == badge))
            aid = attempts.start_attempt(s, quiz_id, oid, clock)
        with db.transaction() as s:
            for pos in range(5):
                answer = first[badge] if pos == 0 else keys[pos]
                if badge == "200005" and pos == 1:
                    answer = next(x for x in "ABCD" if x != keys[1])
                attempts.save_answer(s, aid, oid, pos, [answer], clock)
        with db.transaction() as s:
            attempts.submit_attempt(s, aid, clock)
        taken[badge] = aid
    return Setup(quiz_id, qids, [true_key, *keys[1:]], taken)


def _correct(db: Database, question_id: int, answer: str) -> int:
    with db.transaction() as s:
        q = to_question(s.get(QuestionRow, question_id))
        return edit_question(s, question_id, dataclasses.replace(q, answer=[answer])).id


def _points(db: Database, badge: str) -> float:
    with db.transaction() as s:
        oid = s.scalar(select(Officer.id).where(Officer.badge == badge))
        return float(s.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.officer_id == oid, LedgerEntry.source_type.in_(["quiz", "regrade"]))) or 0)


def _state(db: Database, setup: Setup) -> dict[str, tuple[float | None, bool | None, float, list[str]]]:
    out = {}
    with db.transaction() as s:
        for badge, aid in setup.attempts.items():
            a = s.get(Attempt, aid)
            points = float(s.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.officer_id == a.officer_id, LedgerEntry.source_type.in_(["quiz", "regrade"]))) or 0)
            certs = [c.status for c in s.scalars(select(Certificate).where(
                Certificate.officer_id == a.officer_id, Certificate.quiz_id == setup.quiz_id).order_by(
                Certificate.issued_at, Certificate.version))]
            out[badge] = (a.score, a.passed, points, certs)
    return out


def test_dry_run_equals_the_real_regrade_and_ledger_and_certificates_follow(demo_db: Database,
                                                                            clock: FakeClock) -> None:
    setup = _setup(demo_db, clock)
    before = _state(demo_db, setup)
    assert before["200002"][:2] == (80.0, True) and before["200003"][:2] == (100.0, True)
    assert before["200005"][:2] == (60.0, False) and before["200005"][3] == []
    corrected = _correct(demo_db, setup.questions[0], setup.keys[0])
    admin = actor_of(demo_db, DEMO_ADMIN)

    dry = quiz.regrade_attempts(demo_db, admin, corrected, [setup.quiz_id], dry_run=True)
    assert _state(demo_db, setup) == before          # a dry run stores nothing
    with demo_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Regrade)) == 0
        assert s.scalar(select(func.count()).select_from(AttemptItem).where(
            AttemptItem.original_question_id.is_not(None))) == 0
    real = quiz.regrade_attempts(demo_db, admin, corrected, [setup.quiz_id], reason="第1题答案应为" + setup.keys[0])
    assert real.regrade_id is not None and dry.regrade_id is None
    assert [dataclasses.replace(r, serial="") for r in real.rows] == [dataclasses.replace(r, serial="")
                                                                     for r in dry.rows]
    assert real.items == dry.items == 4

    after = _state(demo_db, setup)
    by_badge = {r.badge: r for r in real.rows}
    assert set(by_badge) == {"200002", "200003", "200005"}         # 200004 was wrong either way
    assert (by_badge["200002"].score_before, by_badge["200002"].score_after) == (80.0, 100.0)
    # 200003 chose the wrong key: 100 → 80, still a pass; their certificate states the new score.
    assert after["200003"][:2] == (80.0, True) and by_badge["200003"].certificate == "reissue"
    assert after["200003"][3] == ["superseded", "valid"]
    # 200005 passes now: points and a certificate issued.
    assert after["200005"][:2] == (80.0, True) and after["200005"][3] == ["valid"]
    assert by_badge["200005"].certificate == "issue" and by_badge["200005"].points_after > 0
    assert after["200004"] == before["200004"]
    # Points: each officer's quiz points after equal the ledger's sum; the report's delta is their change.
    assert real.points_delta == pytest.approx(sum(after[b][2] - before[b][2] for b in BADGES))
    with demo_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(RegradeChange)) == len(real.rows)
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "quiz.regrade")) == 1
    # The officer's review says the key was corrected.
    with demo_db.transaction() as s:
        oid = s.scalar(select(Officer.id).where(Officer.badge == "200002"))
        res = results.attempt_result(s, setup.attempts["200002"], oid, clock)
    assert res.corrected == 1 and res.items[0].corrected and not res.items[1].corrected

    # A second regrade with nothing to change changes nothing.
    again = quiz.regrade_attempts(demo_db, admin, corrected, [setup.quiz_id], reason="再次核对")
    assert again.rows == [] and again.items == 0 and again.regrade_id is None
    assert _state(demo_db, setup) == after


def test_a_correction_back_reverses_points_and_revokes_certificates(demo_db: Database, clock: FakeClock) -> None:
    setup = _setup(demo_db, clock)
    before = _state(demo_db, setup)
    admin = actor_of(demo_db, DEMO_ADMIN)
    fixed = _correct(demo_db, setup.questions[0], setup.keys[0])
    quiz.regrade_attempts(demo_db, admin, fixed, [setup.quiz_id], reason="更正")
    middle = _state(demo_db, setup)
    # The correction was itself wrong: back to the first key.
    with demo_db.transaction() as s:
        wrong = s.get(QuestionRow, setup.questions[0]).answer[0]
    back = _correct(demo_db, fixed, wrong)
    report = quiz.regrade_attempts(demo_db, admin, back, [setup.quiz_id], reason="恢复原答案")
    after = _state(demo_db, setup)
    for badge in BADGES:
        assert after[badge][:3] == before[badge][:3]             # scores, pass/fail and points as at first
    assert after["200005"][3] == ["revoked"] and middle["200005"][3] == ["valid"]
    assert {r.badge: r.certificate for r in report.rows}["200005"] == "revoke"
    with demo_db.transaction() as s:
        oid = s.scalar(select(Officer.id).where(Officer.badge == "200005"))
        entries = [e.amount for e in s.scalars(select(LedgerEntry).where(
            LedgerEntry.officer_id == oid, LedgerEntry.source_type == "regrade").order_by(LedgerEntry.created_at))]
    # Paid by the first regrade, reversed by the second: never an edit, the entries sum to zero.
    assert entries and any(a < 0 for a in entries) and sum(entries) == pytest.approx(0.0)
    # Question 2's key is corrected too: 200002 falls from 80 to 60, their first pass's points (paid
    # when they submitted) are reversed; passing a new attempt pays them again.
    with demo_db.transaction() as s:
        first_key = s.get(QuestionRow, setup.questions[1]).answer[0]
    second = _correct(demo_db, setup.questions[1], next(x for x in "ABCD" if x != first_key))
    quiz.regrade_attempts(demo_db, admin, second, [setup.quiz_id], reason="第2题答案有误")
    assert _state(demo_db, setup)["200002"][:3] == (60.0, False, 0.0)
    with demo_db.transaction() as s:
        oid = s.scalar(select(Officer.id).where(Officer.badge == "200002"))
        aid = attempts.start_attempt(s, setup.quiz_id, oid, clock)
    with demo_db.transaction() as s:
        paper = attempts.load_paper(s, aid, oid, clock)
        assert second in {i.question_id for i in paper.items}        # drawn with the corrected version
        keys = {i.question_id: s.get(QuestionRow, i.question_id).answer for i in paper.items}
        for item in paper.items:
            attempts.save_answer(s, aid, oid, item.position, keys[item.question_id], clock)
    with demo_db.transaction() as s:
        attempts.submit_attempt(s, aid, clock)
        assert s.get(Attempt, aid).percent == 100.0
    paid = _points(demo_db, "200002")
    with demo_db.transaction() as s:
        rules = {c: rule_for(s, c, clock.now().date()) for c in ("quiz_passed", "score_80", "score_90")}
    assert paid == sum(r.amount for r in rules.values() if r is not None) > 0


def test_refusals(demo_db: Database, clock: FakeClock) -> None:
    setup = _setup(demo_db, clock)
    admin = actor_of(demo_db, DEMO_ADMIN)
    fixed = _correct(demo_db, setup.questions[0], setup.keys[0])
    with pytest.raises(InvalidInput, match="最新版本"):
        quiz.regrade_attempts(demo_db, admin, setup.questions[0], [setup.quiz_id], reason="x")
    with pytest.raises(InvalidInput, match="原因"):
        quiz.regrade_attempts(demo_db, admin, fixed, [setup.quiz_id])
    with pytest.raises(PermissionDenied):
        quiz.regrade_attempts(demo_db, actor_of(demo_db, DEMO_OFFICER), fixed, [setup.quiz_id], reason="x")
    # Another option count is a different question, not a corrected key.
    with demo_db.transaction() as s:
        q = to_question(s.get(QuestionRow, fixed))
        more = edit_question(s, fixed, dataclasses.replace(q, options=[*q.options, "新增选项"])).id
    with pytest.raises(InvalidInput, match="选项个数"):
        quiz.regrade_attempts(demo_db, admin, more, [setup.quiz_id], reason="x")
    targets = quiz.regrade_targets(demo_db, admin, more)
    assert (setup.quiz_id, 4, 4) in [(t.quiz_id, t.attempts, t.finished) for t in targets]


def test_cli_regrade_dry_run_json(demo_db: Database, clock: FakeClock, demo_login: Callable[[str], list[str]],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    setup = _setup(demo_db, clock)
    fixed = _correct(demo_db, setup.questions[0], setup.keys[0])
    url = str(demo_db.engine.url.render_as_string(hide_password=False))
    code = cli_main(["--db", url, *demo_login(DEMO_ADMIN), "quiz", "regrade", str(setup.quiz_id), "--question",
                     str(fixed), "--dry-run", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["dry_run"] and len(out["changes"]) == 3
    assert _state(demo_db, setup)["200002"][0] == 80.0
    code = cli_main(["--db", url, *demo_login(DEMO_ADMIN), "quiz", "regrade", str(setup.quiz_id), "--question",
                     str(fixed), "--reason", "第1题答案有误"])
    assert code == 0 and "200002" in capsys.readouterr().out
    assert _state(demo_db, setup)["200002"][0] == 100.0
