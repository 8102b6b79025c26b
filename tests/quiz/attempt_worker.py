# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Run by test_lifecycle in a subprocess: start an attempt, answer some questions, then wait to be killed.

Usage: python attempt_worker.py DB_FILE BADGE QUIZ_ID N_ANSWERS; the wall clock comes from
STUDYHALL_TEST_NOW (ISO time), so the parent test controls time without sleeping.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select  # noqa: E402

from core.infra.clock import FakeClock  # noqa: E402
from core.infra.db import open_database  # noqa: E402
from core.models import Officer  # noqa: E402
from core.quiz.attempts import load_paper, save_answer, start_attempt  # noqa: E402


def answer_for(item: object) -> list[str]:
    qtype = item.qtype  # type: ignore[attr-defined]
    if qtype == "judge":
        return ["T"]
    if qtype == "fill":
        return [f"答案{i}" for i in range(item.blank_count)]  # type: ignore[attr-defined]
    if qtype == "essay":
        return ["我的作答"]
    return ["B"] if qtype == "single" else ["A", "C"]


def main() -> None:
    db_file, badge, quiz_id, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    clock = FakeClock(dt.datetime.fromisoformat(os.environ["STUDYHALL_TEST_NOW"]))
    db = open_database(f"sqlite:///{db_file}")
    with db.transaction() as s:
        officer = s.scalar(select(Officer.id).where(Officer.badge == badge))
        attempt_id = start_attempt(s, quiz_id, officer, clock)
    with db.transaction() as s:
        paper = load_paper(s, attempt_id, officer, clock)
    given = {}
    for item in paper.items[:n]:
        response = answer_for(item)
        with db.transaction() as s:      # one transaction per answer, as the taking screen does
            save_answer(s, attempt_id, officer, item.position, response, clock, flagged=item.position == 1)
        given[item.position] = response
    print(json.dumps({"attempt_id": str(attempt_id), "given": given}), flush=True)
    sys.stdin.read()    # wait here until the test kills this process


if __name__ == "__main__":
    main()
