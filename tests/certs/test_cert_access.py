# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Who may do what with certificates: officers their own, secretaries their units', verifying open to all."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from base.errors import PermissionDenied
from core.access.actor import ANONYMOUS, Actor
from core.certificates import usecases as cert
from core.certificates.batch import Selection
from core.certificates.issue import list_certificates
from core.certificates.templates import TemplateSpec
from core.infra.audit import entries
from core.models import Certificate, CertTemplate, Quiz
from tests.certs.conftest import ADMIN, PASSWORD, SECRETARY_A

# Branch a: 100001 张晓燕, 100002 李建国 (and the secretary 100009); branch b: 100003 王芳, 100004 赵𪚥.
OFFICER_A = "100001"


@dataclass
class Issued:
    world: Any
    serials: dict[str, str]           # badge -> serial of their completion certificate
    contest_b: int                    # a competition won by 100003 (branch b)
    contest_a: int                    # a competition whose two best are in branch a
    tmp: Path

    def actor(self, badge: str | None) -> Actor:
        return ANONYMOUS if badge is None else self.world.actor(badge)


@pytest.fixture
def issued(world, submit, tmp_path: Path) -> Issued:
    for badge, score in (("100001", 88), ("100002", 71), ("100003", 93)):
        submit(badge, score, True)
    contests = []
    for title in ("警务纪律知识竞赛", "交通法规知识竞赛"):
        with world.db.transaction() as s:
            contest = Quiz(title=title, mode="competition", created_at=world.clock.now())
            s.add(contest)
            s.flush()
            contests.append(contest.id)
    for badge, score in (("100003", 97), ("100001", 90)):
        world.attempt(badge, score, True, quiz_id=contests[0])
    for badge, score in (("100002", 95), ("100001", 90), ("100004", 50)):
        world.attempt(badge, score, True, quiz_id=contests[1])
    with world.db.transaction() as s:
        serials = {c.badge: c.serial for c in list_certificates(s)}
    return Issued(world, serials, contests[0], contests[1], tmp_path)


def _state(db) -> tuple[int, int, list[str]]:
    with db.transaction() as s:
        return (s.scalar(select(func.count()).select_from(Certificate)),
                s.scalar(select(func.count()).select_from(CertTemplate)),
                sorted(s.scalars(select(Certificate.status))))


# (use case, who acts (None: nobody logged in), arguments)
REFUSED: list[tuple[str, str | None, Callable[[Issued], tuple[tuple[Any, ...], dict[str, Any]]]]] = [
    ("list_certificates", None, lambda w: ((), {})),
    ("list_certificates", SECRETARY_A, lambda w: ((), {"unit": "LJB"})),
    ("list_certificates", OFFICER_A, lambda w: ((), {"unit": "LJA"})),
    ("print_form", None, lambda w: ((), {})),
    ("print_certificates", None, lambda w: ((Selection(), w.tmp / "x.pdf"), {})),
    ("print_certificates", SECRETARY_A, lambda w: ((Selection(unit_id=w.world.units["b"]), w.tmp / "x.pdf"), {})),
    ("print_certificates", SECRETARY_A, lambda w: ((Selection(), w.tmp / "x.pdf"), {"unit": "LJ"})),
    ("print_certificates", SECRETARY_A, lambda w: ((Selection(serials=(w.serials["100003"],)), w.tmp / "x.pdf"),
                                                    {})),
    ("print_certificates", OFFICER_A, lambda w: ((Selection(serials=(w.serials["100002"],)), w.tmp / "x.pdf"),
                                                  {})),
    ("honour_choices", OFFICER_A, lambda w: ((), {})),
    ("issue_honours", OFFICER_A, lambda w: ((w.contest_a,), {"top": 2})),
    ("issue_honours", SECRETARY_A, lambda w: ((w.contest_b,), {"top": 2})),
    ("issue_certificate", None, lambda w: (("100002",), {"exam": "知识竞赛", "score": "100"})),
    ("issue_certificate", OFFICER_A, lambda w: ((OFFICER_A,), {"exam": "知识竞赛", "score": "100"})),
    ("issue_certificate", SECRETARY_A, lambda w: (("100004",), {"exam": "知识竞赛", "score": "100"})),
    ("reissue", OFFICER_A, lambda w: ((w.serials[OFFICER_A],), {})),
    ("reissue", SECRETARY_A, lambda w: ((w.serials["100003"],), {})),
    ("revoke", OFFICER_A, lambda w: ((w.serials[OFFICER_A],), {"reason": "违纪"})),
    ("revoke", SECRETARY_A, lambda w: ((w.serials["100003"],), {"reason": "违纪"})),
    ("load_templates", OFFICER_A, lambda w: ((), {})),
    ("save_template", OFFICER_A, lambda w: ((), {"name": "伪造模板", "spec": TemplateSpec(body="{姓名}"),
                                                 "seal_png": None})),
]


@pytest.mark.parametrize(("name", "who", "args"), REFUSED, ids=[f"{n}-{w or 'nobody'}-{i}"
                                                                 for i, (n, w, _a) in enumerate(REFUSED)])
def test_refused_changes_nothing_and_is_audited(issued: Issued, name: str, who: str | None, args) -> None:
    db = issued.world.db
    before = _state(db)
    positional, keywords = args(issued)
    actor = issued.actor(who)
    with pytest.raises(PermissionDenied):
        getattr(cert, name)(db, actor, *positional, **keywords)
    assert _state(db) == before
    assert not list(issued.tmp.glob("x.pdf*"))
    with db.transaction() as s:
        log = entries(s, action_prefix="access.denied")
    assert log and log[0].actor_id == actor.user_id
    assert log[0].detail["use_case"] == f"core.certificates.usecases.{name}"


def test_officer_sees_and_prints_only_their_own(issued: Issued) -> None:
    db, me = issued.world.db, issued.actor(OFFICER_A)
    assert [c.badge for c in cert.list_certificates(db, me)] == [OFFICER_A]
    assert cert.print_form(db, me).units == []
    result = cert.print_certificates(db, me, Selection(), issued.tmp / "mine.pdf")
    assert result.count == 1
    own = cert.print_certificates(db, me, Selection(serials=(issued.serials[OFFICER_A],)), issued.tmp / "one.pdf")
    assert own.count == 1


def test_secretary_reaches_their_units_administrator_everything(issued: Issued) -> None:
    db, world = issued.world.db, issued.world
    secretary, admin = issued.actor(SECRETARY_A), issued.actor(ADMIN)
    assert sorted(c.badge for c in cert.list_certificates(db, secretary)) == ["100001", "100002"]
    assert sorted(c.badge for c in cert.list_certificates(db, admin)) == ["100001", "100002", "100003"]
    assert [u.id for u in cert.print_form(db, secretary).units] == [world.units["a"]]
    assert [u.id for u in cert.print_form(db, admin).units] == [world.units["root"]]
    # A broad selection is narrowed to the branch; the branch named by code is allowed.
    assert cert.print_certificates(db, secretary, Selection(quiz_id=world.quiz_id), issued.tmp / "a.pdf").count == 2
    assert cert.print_certificates(db, secretary, Selection(), issued.tmp / "a2.pdf", unit="LJA").count == 2


def test_secretary_issues_reissues_and_revokes_in_their_branch(issued: Issued) -> None:
    db, secretary = issued.world.db, issued.actor(SECRETARY_A)
    honours = cert.issue_honours(db, secretary, issued.contest_a, top=2)
    assert [(c.badge, c.award) for c in honours] == [("100002", "一等奖"), ("100001", "二等奖")]
    manual = cert.issue_certificate(db, secretary, "100002", exam="岗位练兵", score="95", award="优秀")
    assert manual.kind == "honour" and manual.name == "李建国"
    assert cert.reissue(db, secretary, issued.serials[OFFICER_A], reason="遗失").version == 2
    assert cert.revoke(db, secretary, issued.serials["100002"], reason="违纪").status == "revoked"
    with db.transaction() as s:
        log = entries(s, action_prefix="cert.")
    assert sorted(e.action for e in log if e.actor_id == secretary.user_id) == [
        "cert.issue", "cert.issue", "cert.issue", "cert.reissue", "cert.revoke"]


def test_templates_load_and_save(issued: Issued) -> None:
    db, secretary = issued.world.db, issued.actor(SECRETARY_A)
    found = cert.load_templates(db, secretary)
    assert len(found) == 3
    saved = cert.save_template(db, secretary, name="新模板", spec=found[0].spec, seal_png=found[0].seal_png)
    assert saved.seal_png == found[0].seal_png
    assert [t.name for t in cert.load_templates(db, secretary)][-1] == "新模板"


def test_anyone_verifies_a_serial_a_qr_text_or_a_pdf(issued: Issued) -> None:
    from core.certificates.batch import page_for_serial

    db, serial = issued.world.db, issued.serials[OFFICER_A]
    with db.transaction() as s:
        qr = page_for_serial(s, serial).payload
    for text in (serial, qr):
        checked = cert.verify(db, ANONYMOUS, text)
        assert checked.genuine and checked.verdict.name == "张晓燕"
    pdf = issued.tmp / "both.pdf"
    cert.print_certificates(db, issued.actor(SECRETARY_A), Selection(quiz_id=issued.world.quiz_id), pdf)
    checked = cert.verify(db, ANONYMOUS, f'"{pdf}"')
    assert [v.status for v in checked.verdicts] == ["genuine", "genuine"]


def test_cli_issue_needs_a_secretary_with_the_officer_in_scope(issued: Issued, capsys, monkeypatch) -> None:
    from cli import run

    monkeypatch.setenv("STUDYHALL_PASSWORD", PASSWORD)
    db = issued.world.db
    forged = ["cert", "issue", "--badge", "100004", "--exam", "知识竞赛", "--score", "100", "--json", "--db", db.url]
    before = _state(db)
    assert run(forged) == 1                                    # nobody logged in
    assert "--user" in capsys.readouterr().err
    assert run([*forged, "--user", SECRETARY_A]) == 1         # 100004 is in branch b
    assert "本单位" in capsys.readouterr().err
    assert _state(db) == before
    assert run(["cert", "list", "--db", db.url]) == 1
    capsys.readouterr()
    assert run([*forged, "--user", ADMIN]) == 0
    assert json.loads(capsys.readouterr().out)[0]["badge"] == "100004"
    assert run(["cert", "list", "--json", "--db", db.url, "--user", SECRETARY_A]) == 0
    assert sorted(r["badge"] for r in json.loads(capsys.readouterr().out)) == ["100001", "100002"]
