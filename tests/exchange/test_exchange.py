# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Offline PCs end to end with two real databases: the branch (SQLite, and PostgreSQL in CI) exports
an exam, the offline SQLite PC imports it, officers take it there, its results come back, twice;
altered, truncated, untrusted and newer-schema packages are refused whole; conflicts follow the rule."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput, PermissionDenied
from core.access.actor import ANONYMOUS
from core.exchange import usecases as ex
from core.exchange.package import PackageRefused
from core.infra.clock import FakeClock
from core.infra.db import Database, open_database
from core.models import Attempt, AttemptItem, AuditEntry, Exchange, Officer, Quiz, Unit
from core.people import usecases as people
from core.quiz import usecases as quiz
from tests.conftest import actor_of
from tests.exchange.conftest import BRANCH_PASS, OFFLINE_PASS, Pair, take
from tests.exchange.conftest import exam_quiz as _exam_quiz
from tests.quiz.attempt_worker import answer_for


def _counts(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Attempt, AttemptItem, Officer, Unit, AuditEntry)}


def _exam_to_offline(p: Pair) -> tuple[Path, int]:
    exam = p.folder / "exam.shpkg"
    made = ex.export_exam(p.branch, p.branch_admin, _exam_quiz(p.branch), exam, unit="LJJJ1")
    assert made.counts["quizzes"] == 1 and made.counts["officers"] > 3 and made.counts["questions"] > 20
    ex.import_package(p.offline, p.offline_admin, exam)
    with p.offline.transaction() as s:
        return exam, int(s.scalar(select(Quiz.id)) or 0)


def _offline_badges(p: Pair, n: int, *, fresh: bool = True) -> list[str]:
    """Officers on the offline PC (``fresh``: with no attempt yet at the branch's exam)."""
    with p.branch.transaction() as s:
        taken = set(s.scalars(select(Officer.badge).join(Attempt, Attempt.officer_id == Officer.id)
                              .where(Attempt.quiz_id == _exam_quiz(p.branch))))
    with p.offline.transaction() as s:
        badges = s.scalars(select(Officer.badge).where(Officer.role == "officer", Officer.badge != "880001")
                           .order_by(Officer.badge))
        found = [b for b in badges if not fresh or b not in taken][:n]
    assert len(found) == n
    return found


def test_exam_out_results_back_twice_change_nothing_the_second_time(pair: Pair) -> None:
    p = pair
    with p.branch.transaction() as s:
        demo_history_end = s.scalar(select(func.max(Exchange.at)))
    exam, offline_quiz = _exam_to_offline(p)
    again = ex.import_package(p.offline, p.offline_admin, exam)
    assert again.already and again.added == {} and again.updated == {}
    # New people got initial passwords that must be changed; they log in with them.
    first = ex.preview_import(p.offline, p.offline_admin, exam)
    assert first.added == {} and first.already
    badges = _offline_badges(p, 3, fresh=False)
    with p.offline.transaction() as s:
        assert all(s.scalar(select(Officer.must_change_password).where(Officer.badge == b)) for b in badges)
    take(p.offline, badges, offline_quiz)

    ex.unlock_exchange_key(p.offline, p.offline_admin, OFFLINE_PASS)
    results = p.folder / "results.shpkg"
    made = ex.export_results(p.offline, p.offline_admin, results)
    assert made.counts["attempts"] == 3 and made.counts["attempt_items"] > 3 * 10
    before = _counts(p.branch)
    preview = ex.preview_import(p.branch, p.branch_admin, results)
    assert _counts(p.branch) == before                       # a preview stores nothing
    stored = ex.import_package(p.branch, p.branch_admin, results)
    assert (stored.added, stored.updated) == (preview.added, preview.updated)
    after_first = _counts(p.branch)
    assert after_first["attempts"] == before["attempts"] + 3
    assert after_first["attempt_items"] == before["attempt_items"] + made.counts["attempt_items"]
    second = ex.import_package(p.branch, p.branch_admin, results)
    assert second.already and second.added == {} and second.updated == {}
    assert {k: v for k, v in _counts(p.branch).items() if k != "audit_log"} == \
        {k: v for k, v in after_first.items() if k != "audit_log"}
    # The answers came back as given.
    def answers(db: Database) -> dict[object, object]:
        with db.transaction() as s:
            return {i: r for i, r in s.execute(select(AttemptItem.id, AttemptItem.response).join(
                Attempt, Attempt.id == AttemptItem.attempt_id).join(Officer, Officer.id == Attempt.officer_id)
                .where(Officer.badge.in_(badges), Attempt.status == "submitted"))}

    offline_answers = answers(p.offline)
    assert len(offline_answers) == made.counts["attempt_items"]
    with p.branch.transaction() as s:     # (stored whatever the conflict rule made of the attempt)
        branch_answers = {i: r for i, r in s.execute(select(AttemptItem.id, AttemptItem.response).where(
            AttemptItem.id.in_(list(offline_answers))))}
    assert branch_answers == offline_answers
    with p.branch.transaction() as s:
        history = s.scalars(select(Exchange.direction).where(Exchange.at > demo_history_end)).all()
    assert list(history).count("import") == 2                # the demo's own exchange came before


def test_overlapping_results_packages_and_progress_forward(pair: Pair) -> None:
    p = pair
    _exam, offline_quiz = _exam_to_offline(p)
    ex.unlock_exchange_key(p.offline, p.offline_admin, OFFLINE_PASS)
    badges = _offline_badges(p, 1)
    who = actor_of(p.offline, badges[0])
    paper = quiz.start_attempt(p.offline, who, offline_quiz)
    quiz.save_answer(p.offline, who, paper.attempt_id, paper.items[0].position, answer_for(paper.items[0]))
    early = ex.export_results(p.offline, p.offline_admin, p.folder / "early.shpkg")
    for item in paper.items:
        quiz.save_answer(p.offline, who, paper.attempt_id, item.position, answer_for(item))
    quiz.submit_attempt(p.offline, who, paper.attempt_id)
    late = ex.export_results(p.offline, p.offline_admin, p.folder / "late.shpkg", since="last")
    assert early.counts["attempts"] == 1 and late.counts["attempts"] == 1
    ex.import_package(p.branch, p.branch_admin, early.path)
    with p.branch.transaction() as s:
        assert s.scalar(select(Attempt.status).where(Attempt.id == paper.attempt_id)) == "in_progress"
    moved = ex.import_package(p.branch, p.branch_admin, late.path)
    assert moved.updated.get("attempts") == 1
    ex.import_package(p.branch, p.branch_admin, early.path)        # an older package moves nothing back
    with p.branch.transaction() as s:
        assert s.scalar(select(Attempt.status).where(Attempt.id == paper.attempt_id)) == "submitted"
        answered = s.scalar(select(func.count()).select_from(AttemptItem).where(
            AttemptItem.attempt_id == paper.attempt_id, AttemptItem.response.is_not(None)))
    assert answered == len(paper.items)


def test_one_attempt_quiz_taken_on_two_pcs_keeps_the_earlier(pair: Pair) -> None:
    p = pair
    _exam, offline_quiz = _exam_to_offline(p)
    with p.branch.transaction() as s:
        branch_quiz = s.get(Quiz, _exam_quiz(p.branch))
        assert branch_quiz is not None
        branch_quiz.attempts_allowed = 1
        uid = branch_quiz.uid
    with p.offline.transaction() as s:
        q = s.scalar(select(Quiz).where(Quiz.uid == uid))
        assert q is not None
        q.attempts_allowed = 1
    # Someone with no attempt at the branch takes it offline first, then at the branch.
    (badge,) = _offline_badges(p, 1)
    take(p.offline, [badge], offline_quiz)
    assert isinstance(p.branch.clock, FakeClock)
    p.branch.clock.advance(60)
    take(p.branch, [badge], _exam_quiz(p.branch))
    ex.unlock_exchange_key(p.offline, p.offline_admin, OFFLINE_PASS)
    results = ex.export_results(p.offline, p.offline_admin, p.folder / "r.shpkg")
    stored = ex.import_package(p.branch, p.branch_admin, results.path)
    assert len(stored.conflicts) == 1 and stored.conflicts[0]["kind"] == "duplicate_attempt"
    assert badge in stored.conflicts[0]["officer"]
    with p.branch.transaction() as s:
        rows = s.execute(select(Attempt.started_at, Attempt.status).join(Officer, Officer.id == Attempt.officer_id)
                         .where(Officer.badge == badge, Attempt.quiz_id == _exam_quiz(p.branch))
                         .order_by(Attempt.started_at)).all()
    assert [r.status for r in rows] == ["submitted", "void"]       # the earlier kept, the later voided
    again = ex.import_package(p.branch, p.branch_admin, results.path)
    assert again.added == {} and again.conflicts == []


def _rewrite(src: Path, dst: Path, change: str) -> None:
    with zipfile.ZipFile(src) as zf:
        members = [(i, zf.read(i.filename)) for i in zf.infolist()]
    if change == "truncate":
        dst.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
        return
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if change == "drop_member" and info.filename.startswith("tables/attempt_items"):
                continue
            if change == "row" and info.filename == "tables/attempts.jsonl":
                data = data.replace(b'"status":"submitted"', b'"status":"in_progress"', 1)
            if change == "manifest" and info.filename == "manifest.json":
                data = data.replace(b'"kind": "results"', b'"kind": "exam"')
            zf.writestr(info.filename, data)


@pytest.mark.parametrize("change", ["flip", "truncate", "drop_member", "row", "manifest"])
def test_an_altered_package_is_refused_and_changes_nothing(pair: Pair, change: str) -> None:
    p = pair
    _exam, offline_quiz = _exam_to_offline(p)
    take(p.offline, _offline_badges(p, 1, fresh=False), offline_quiz)
    ex.unlock_exchange_key(p.offline, p.offline_admin, OFFLINE_PASS)
    good = ex.export_results(p.offline, p.offline_admin, p.folder / "good.shpkg").path
    bad = p.folder / "bad.shpkg"
    if change == "flip":
        data = bytearray(good.read_bytes())
        data[len(data) // 3] ^= 0x01
        bad.write_bytes(bytes(data))
    else:
        _rewrite(good, bad, change)
    before = _counts(p.branch)
    with pytest.raises(PackageRefused) as refused:
        ex.import_package(p.branch, p.branch_admin, bad)
    assert "bad.shpkg" in str(refused.value) and "未作任何改动" in str(refused.value)
    assert {k: v for k, v in _counts(p.branch).items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}


def test_untrusted_newer_and_own_packages_are_refused(pair: Pair, tmp_path: Path) -> None:
    p = pair
    stranger = open_database(f"sqlite:///{tmp_path / 'stranger.db'}")
    admin = people.create_first_admin(stranger, ANONYMOUS, badge="770001", name="陌生人", unit="某所",
                                      password="stranger1").actor
    ex.create_exchange_key(stranger, admin, "来历不明的电脑", "stranger-pass")
    package = ex.export_results(stranger, admin, tmp_path / "stranger.shpkg").path
    with pytest.raises(PackageRefused, match="未受信任的电脑“来历不明的电脑”"):
        ex.preview_import(p.branch, p.branch_admin, package)
    # Trusting it is an administrator's decision, after reading the fingerprint.
    signer = ex.package_signer(p.branch, p.branch_admin, package)
    assert signer.name == "来历不明的电脑" and len(signer.fingerprint.replace("-", "")) == 32
    # A package made by a newer StudyHall (signed properly, but a schema this program does not know).
    from core.exchange import identity
    from core.exchange.package import PackageWriter

    newer = tmp_path / "newer.shpkg"
    with stranger.transaction() as s:
        own, key = identity.signing_key(s)
        writer = PackageWriter(newer)
        writer.finish({"kind": "results", "id": "00000000-0000-4000-8000-000000000001", "revision": "9999",
                       "installation": {"id": str(own.id), "name": own.name, "public_key": own.public_key}}, key)
    ex.trust_installation(p.branch, p.branch_admin, signer.name, signer.public_key)
    with pytest.raises(PackageRefused, match="更新版本"):
        ex.import_package(p.branch, p.branch_admin, newer)
    # The branch's own package back into the branch.
    ex.unlock_exchange_key(p.branch, p.branch_admin, BRANCH_PASS)
    own_package = ex.export_results(p.branch, p.branch_admin, tmp_path / "own.shpkg", since="last").path
    with pytest.raises(PackageRefused, match="本机导出"):
        ex.import_package(p.branch, p.branch_admin, own_package)
    stranger.dispose()


def test_who_may_exchange(pair: Pair) -> None:
    p = pair
    exam, _quiz = _exam_to_offline(p)
    officer = actor_of(p.branch, "200001")
    for call in (lambda: ex.overview(p.branch, officer), lambda: ex.preview_import(p.branch, officer, exam),
                 lambda: ex.export_results(p.branch, officer, p.folder / "x.shpkg")):
        with pytest.raises(PermissionDenied):
            call()
    secretary = actor_of(p.branch, "100001")
    with pytest.raises(PermissionDenied):
        ex.trust_installation(p.branch, secretary, "x", "AAAA")
    with pytest.raises(PermissionDenied):
        ex.create_exchange_key(p.branch, secretary, "x", "passphrase")
    # Exporting needs the key unlocked; a wrong passphrase does not unlock it.
    ex.forget_exchange_key(p.branch, p.branch_admin)
    with pytest.raises(InvalidInput, match="口令"):
        ex.export_exam(p.branch, secretary, _exam_quiz(p.branch), p.folder / "y.shpkg")
    with pytest.raises(InvalidInput):
        ex.unlock_exchange_key(p.branch, secretary, "wrong-passphrase")
    ex.unlock_exchange_key(p.branch, secretary, BRANCH_PASS)
    made = ex.export_exam(p.branch, secretary, _exam_quiz(p.branch), p.folder / "y.shpkg")
    manifest = json.loads(zipfile.ZipFile(made.path).read("manifest.json"))
    assert manifest["kind"] == "exam" and "password_hash" not in zipfile.ZipFile(made.path).read(
        "tables/officers.jsonl").decode()


def _take_right(db: Database, badge: str, quiz_id: int) -> None:
    """``badge`` answers every question of ``quiz_id`` right (as the question rows say) and submits."""
    from core.models import QuestionRow
    from core.quiz.question_view import to_shown

    who = actor_of(db, badge)
    paper = quiz.start_attempt(db, who, quiz_id)
    with db.transaction() as s:
        rows = {q.id: q for q in s.scalars(select(QuestionRow).where(
            QuestionRow.id.in_([item.question_id for item in paper.items])))}
    for item in paper.items:
        row = rows[item.question_id]
        order = [list(row.options or []).index(text) for text in item.options]
        right = [alts[0] for alts in row.blanks] if row.qtype == "fill" else list(row.answer or [""])
        quiz.save_answer(db, who, paper.attempt_id, item.position, to_shown(row.qtype, right, order))
    quiz.submit_attempt(db, who, paper.attempt_id)


def test_a_certificate_earned_offline_is_the_branchs_unit_and_prints_there(pair: Pair) -> None:
    """The unit in a certificate's fields is a local id: it travels as the unit's code and comes
    back as the branch's own id, so the branch finds, signs and prints it by unit."""
    from core.certificates import usecases as certs
    from core.certificates.batch import Selection
    from core.demo import DEMO_PASSWORD
    from core.models import Certificate

    p = pair
    branch_quiz = _exam_quiz(p.branch)
    _exam, offline_quiz = _exam_to_offline(p)
    (badge,) = _offline_badges(p, 1)
    _take_right(p.offline, badge, offline_quiz)
    with p.offline.transaction() as s:
        offline_fields = s.scalar(select(Certificate.fields).join(Officer, Officer.id == Certificate.officer_id)
                                  .where(Officer.badge == badge))
        offline_unit = s.scalar(select(Unit.id).where(Unit.code == "LJJJ1"))
    assert offline_fields is not None and offline_fields["unit_id"] == offline_unit
    ex.unlock_exchange_key(p.offline, p.offline_admin, OFFLINE_PASS)
    results = ex.export_results(p.offline, p.offline_admin, p.folder / "results.shpkg").path
    ex.import_package(p.branch, p.branch_admin, results)
    with p.branch.transaction() as s:
        branch_unit = s.scalar(select(Unit.id).where(Unit.code == "LJJJ1"))
        fields = s.scalar(select(Certificate.fields).join(Officer, Officer.id == Certificate.officer_id)
                          .where(Officer.badge == badge, Certificate.quiz_id == branch_quiz,
                                 Certificate.signature == ""))
    assert branch_unit != offline_unit and fields is not None and fields["unit_id"] == branch_unit
    assert {k: v for k, v in fields.items() if k != "unit_id"} == \
        {k: v for k, v in offline_fields.items() if k != "unit_id"}
    listed = certs.list_certificates(p.branch, p.branch_admin, quiz_id=branch_quiz, unit="LJJJ1")
    assert badge in {c.badge for c in listed}
    certs.unlock_signing_key(p.branch, p.branch_admin, DEMO_PASSWORD)
    printed = certs.print_certificates(p.branch, p.branch_admin, Selection(serials=tuple(
        c.serial for c in listed if c.badge == badge)), p.folder / "cert.pdf", unit="LJJJ1")
    assert printed.count == 1
    with p.branch.transaction() as s:
        assert s.scalar(select(Certificate.signature).where(Certificate.fields["badge"].as_string() == badge,
                                                             Certificate.quiz_id == branch_quiz)) != ""
    certs.lock_signing_key(p.branch, p.branch_admin)
