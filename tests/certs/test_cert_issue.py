# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Issue rules: automatic on a pass, manual honours, reissue and revoke — each in the audit log."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from base.errors import InvalidInput, NotFound
from core.certificates.issue import issue_honours, list_certificates, reissue, revoke
from core.certificates.signing import new_serial, signature_ok
from core.infra.audit import entries
from core.models import Certificate, Quiz


def test_pass_issues_once_fail_and_unconfigured_do_not(world, submit) -> None:
    submit("100001", 88, True)
    submit("100001", 95, True)                      # a second pass: still one certificate
    submit("100002", 40, False)
    with world.db.transaction() as s:
        other = Quiz(title="练习", mode="practice", created_at=world.clock.now())
        s.add(other)
        s.flush()
        other_id = other.id
    submit("100003", 99, True, quiz_id=other_id)   # quiz without a template
    with world.db.transaction() as s:
        certs = list_certificates(s)
        assert [(c.badge, c.score, c.status, c.version) for c in certs] == [("100001", "88", "valid", 1)]
        c = certs[0]
        assert c.name == "张晓燕" and c.exam == "道路交通安全法规季度考试" and c.unit == "交警大队第一党支部"
        assert c.date == "2026-11-02" and c.title == "结业证书" and c.kind == "completion"
        assert re.fullmatch(r"LJ-2026-[0-9A-HJKMNP-TV-Z]{8}", c.serial)
        row = s.get(Certificate, uuid.UUID(c.id))
        assert row.key_id == world.key_id and c.signing == "ed25519"        # the test key is unlocked
        assert signature_ok(world.private_key.public_key(), row.serial, 1, row.fields, row.signature)
        assert [e.action for e in entries(s, action_prefix="cert.")] == ["cert.issue"]


def test_serials_are_unique_and_well_formed() -> None:
    serials = {new_serial("lj-01", 2026) for _ in range(2000)}
    assert len(serials) == 2000
    assert all(s.startswith("LJ01-2026-") and len(s) == 18 for s in serials)


def test_reissue_supersedes_and_revoke_needs_reason(world, submit) -> None:
    submit("100001", 88, True)
    with world.db.transaction() as s:
        serial = list_certificates(s)[0].serial
    world.clock.advance(3600)
    with world.db.transaction() as s:
        new = reissue(s, serial, clock=world.clock, reason="遗失")
        assert new.version == 2 and new.status == "valid" and new.serial == serial
    with world.db.transaction() as s:
        rows = s.scalars(select(Certificate).where(Certificate.serial == serial).order_by(Certificate.version)).all()
        assert [(r.version, r.status) for r in rows] == [(1, "superseded"), (2, "valid")]
        assert rows[0].signature != rows[1].signature
        assert len(list_certificates(s)) == 1 and len(list_certificates(s, include_superseded=True)) == 2
        with pytest.raises(InvalidInput):
            revoke(s, serial, reason="  ", clock=world.clock)
    with world.db.transaction() as s:
        info = revoke(s, serial, reason="违纪作答", clock=world.clock)
        assert info.status == "revoked" and info.version == 2 and info.revoked_reason == "违纪作答"
    with world.db.transaction() as s:
        with pytest.raises(InvalidInput):
            reissue(s, serial, clock=world.clock)
        with pytest.raises(NotFound):
            revoke(s, "LJ-2026-NOPE0000", reason="x", clock=world.clock)
        log = entries(s, action_prefix="cert.")
        assert [e.action for e in log] == ["cert.revoke", "cert.reissue", "cert.issue"]
        assert log[0].detail["reason"] == "违纪作答" and log[0].target_id == serial


def test_honours_for_competition_top_results(world) -> None:
    with world.db.transaction() as s:
        contest = Quiz(title="警务纪律知识竞赛", mode="competition", created_at=world.clock.now())
        s.add(contest)
        s.flush()
        contest_id = contest.id
    world.attempt("100001", 80, True, quiz_id=contest_id)
    world.attempt("100003", 97, True, quiz_id=contest_id)
    world.attempt("100003", 60, True, quiz_id=contest_id)
    world.attempt("100002", 90, True, quiz_id=contest_id)
    with world.db.transaction() as s:
        got = issue_honours(s, quiz_id=contest_id, clock=world.clock, top=2)
    assert [(c.badge, c.score, c.award, c.kind, c.title) for c in got] == [
        ("100003", "97", "一等奖", "honour", "荣誉证书"), ("100002", "90", "二等奖", "honour", "荣誉证书")]


def test_demo_step_without_attempts_issues_nothing(world) -> None:
    from core.demo import DemoContext
    from core.demo.certs_step import run

    summary = run(DemoContext(world.db, world.clock))
    assert "0 份结业证书" in summary
    with world.db.transaction() as s:
        assert list_certificates(s) == []


def test_demo_step_with_passers_reissues_one_and_revokes_one(world) -> None:
    from core.demo import DemoContext
    from core.demo.certs_step import run

    world.attempt("100001", 88, True, days_ago=3)
    world.attempt("100002", 75, True, days_ago=2)
    world.attempt("100003", 64, True, days_ago=1)
    world.attempt("100005", 30, False)
    run(DemoContext(world.db, world.clock))
    with world.db.transaction() as s:
        rows = s.scalars(select(Certificate)).all()
        states = sorted((r.fields["badge"], r.version, r.status) for r in rows)
    assert states == [("100001", 1, "superseded"), ("100001", 2, "valid"), ("100002", 1, "valid"),
                      ("100003", 1, "revoked")]


def test_demo_database_holds_every_status(demo_db) -> None:
    with demo_db.transaction() as s:
        statuses = {r for r in s.scalars(select(Certificate.status))}
        kinds = {r for r in s.scalars(select(Certificate.kind))}
        exam = s.scalar(select(Quiz).where(Quiz.mode == "exam").order_by(Quiz.id).limit(1))
        assert exam is not None and exam.certificate_template_id is not None
    assert statuses == {"valid", "superseded", "revoked"}
    assert "completion" in kinds
