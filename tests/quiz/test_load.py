# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Many PCs, one truth: processes start, answer and submit the same quizzes at the same moment.

20 processes on PostgreSQL (the server CI starts) and 5 on one SQLite file: no answer lost, no
officer with two attempts at a one-attempt quiz (two PCs starting the same officer's exam at once
share one attempt), every submit graded, no "database is locked", no error at all.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.access.actor import Actor
from core.infra.db import Database
from core.models import Attempt, AttemptItem, Bank, Certificate, CertTemplate, Officer, Quiz
from core.quiz import usecases as quiz
from core.quiz.spec import QuizSpec, SectionSpec
from tests.conftest import DEMO_ADMIN, actor_of

WORKER = Path(__file__).with_name("load_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def one_attempt_quiz(db: Database, admin: Actor, title: str) -> int:
    with db.transaction() as s:
        banks = list(s.scalars(select(Bank.id)))
    spec = QuizSpec(title=title, attempts_allowed=1, time_limit_min=60, pass_percent=0.0,
                    closes_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
                    sections=[SectionSpec("single", 12, 2, bank_ids=banks), SectionSpec("judge", 8, 1, bank_ids=banks)])
    quiz_id = quiz.save_quiz(db, admin, spec, publish=True)
    with db.transaction() as s:        # passing earns the demo's completion certificate
        row = s.get(Quiz, quiz_id)
        assert row is not None
        row.certificate_template_id = s.scalar(select(CertTemplate.id).order_by(CertTemplate.id))
    return quiz_id


def run_processes(url: str, jobs: list[tuple[str, int, str]], tmp_path: Path) -> list[dict[str, object]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(WORKER), url, badge, str(quiz_id), str(go), mode], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for badge, quiz_id, mode in jobs]
    go.touch()                      # every process waits for this file, then all start at once
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        assert p.returncode == 0, stderr
        assert "database is locked" not in stderr
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def check(db: Database, quiz_id: int, badges: list[str], results: list[dict[str, object]]) -> None:
    with db.transaction(write=False) as s:
        attempts = {badge: s.execute(select(Attempt.id, Attempt.status, Attempt.score, Attempt.number)
                                     .join(Officer, Officer.id == Attempt.officer_id)
                                     .where(Attempt.quiz_id == quiz_id, Officer.badge == badge)).all()
                    for badge in set(badges)}
        assert all(len(rows) == 1 for rows in attempts.values()), attempts        # 0 duplicate attempts
        assert all(r.status == "submitted" and r.score is not None and r.number == 1 for rows in attempts.values()
                   for r in rows)
        for result in results:
            if "given" not in result:
                continue
            saved: dict[int, object] = {
                position: response for position, response in s.execute(
                    select(AttemptItem.position, AttemptItem.response)
                    .where(AttemptItem.attempt_id == _uuid(result["attempt"])))}
            answers = result["given"]
            assert isinstance(answers, dict)
            given = {int(k): v for k, v in answers.items()}
            assert given.keys() == saved.keys() and all(saved[k] is not None for k in given)   # 0 lost answers
        certificates = s.scalar(select(func.count()).select_from(Certificate)
                                .where(Certificate.attempt_id.in_([rows[0].id for rows in attempts.values()])))
        assert certificates == len(attempts)          # every pass earned its certificate, none twice


def _uuid(text: object) -> uuid.UUID:
    return uuid.UUID(str(text))


def _officers(db: Database, n: int) -> list[str]:
    with db.transaction(write=False) as s:
        return list(s.scalars(select(Officer.badge).where(Officer.role == "officer", Officer.active)
                              .order_by(Officer.badge).limit(n)))


WRITERS = {"postgresql": 20, "sqlite": 5}     # the station server's PCs; the processes one PC may run


@pytest.mark.slow
def test_processes_at_once_lose_nothing_and_never_duplicate(demo_db: Database, tmp_path: Path) -> None:
    writers = WRITERS[demo_db.engine.dialect.name]
    admin = actor_of(demo_db, DEMO_ADMIN)
    badges = _officers(demo_db, writers)
    take = one_attempt_quiz(demo_db, admin, "并发考试")
    twice = one_attempt_quiz(demo_db, admin, "并发开考")
    url = demo_db.url
    demo_db.engine.dispose()
    # Phase 1: every officer takes the one-attempt exam, all at once.
    results = run_processes(url, [(b, take, "take") for b in badges], tmp_path / "one")
    check(demo_db, take, badges, results)
    # Phase 2: two PCs start each officer's exam at the same moment: one attempt, shared.
    half = badges[: max(1, writers // 2)]
    started = run_processes(url, [(b, twice, "start") for b in half for _pc in (0, 1)], tmp_path / "two")
    assert [r["attempt"] for r in started[0::2]] == [r["attempt"] for r in started[1::2]]
    with demo_db.transaction(write=False) as s:
        per_officer = s.execute(select(Attempt.officer_id, func.count()).where(Attempt.quiz_id == twice)
                                .group_by(Attempt.officer_id)).all()
    assert len(per_officer) == len(half) and all(n == 1 for _o, n in per_officer)


@pytest.mark.slow
def test_simultaneous_reissues_take_turns(demo_db: Database) -> None:
    """Six secretaries' PCs reissue the same certificate at once: every reissue succeeds with its
    own version, exactly one version stays valid, nothing fails."""
    import threading

    from core.certificates import usecases as cert

    admin = actor_of(demo_db, DEMO_ADMIN)
    with demo_db.transaction(write=False) as s:
        serial = s.scalar(select(Certificate.serial).where(Certificate.status == "valid").order_by(Certificate.id))
        first = s.scalar(select(func.max(Certificate.version)).where(Certificate.serial == serial))
    assert serial is not None and first is not None
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []
    versions: list[int] = []

    def reissue() -> None:
        barrier.wait()
        try:
            versions.append(cert.reissue(demo_db, admin, serial, reason="遗失补发").version)
        except BaseException as exc:  # noqa: BLE001  (every failure is the test's finding)
            errors.append(exc)

    threads = [threading.Thread(target=reissue) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [] and sorted(versions) == list(range(first + 1, first + 7))
    with demo_db.transaction(write=False) as s:
        statuses = s.execute(select(Certificate.version, Certificate.status).where(Certificate.serial == serial)
                             .order_by(Certificate.version)).all()
    assert [st for _v, st in statuses].count("valid") == 1 and statuses[-1].status == "valid"
