# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""One PC of the load test (test_load.py) and of bench/workloads/concurrency.py, in its own process.

Usage: python load_worker.py URL BADGE QUIZ_ID GO_FILE MODE
waits until GO_FILE exists (so every process starts at the same moment), then as the officer BADGE
(use cases, as the exam screen calls them):

* ``take``: start the attempt, save an answer to every question (each in its own transaction),
  submit; prints {"attempt": id, "given": {position: response}, "seconds": …};
* ``start``: only start (or continue) the attempt; prints {"attempt": id}.
* ``raw``: start the attempt with the use case, then save the same answers with the bare database
  driver (one UPDATE and COMMIT each): the floor the benchmark compares ``take`` with.

Errors go to stderr with a non-zero exit code.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.infra.db import open_database  # noqa: E402
from core.people.users import get_user  # noqa: E402
from core.quiz import usecases as quiz  # noqa: E402
from tests.quiz.attempt_worker import answer_for  # noqa: E402


def raw_saves(url: str, paper: object) -> None:
    """The same answers through the bare driver: sqlite3 or psycopg, one UPDATE + COMMIT each."""
    items = paper.items  # type: ignore[attr-defined]
    attempt = paper.attempt_id  # type: ignore[attr-defined]
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, timeout=10)
        ident: object = attempt.hex
        sql = "UPDATE attempt_items SET response = ? WHERE attempt_id = ? AND position = ?"
    else:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        ident = attempt
        sql = "UPDATE attempt_items SET response = %s WHERE attempt_id = %s AND position = %s"
    for item in items:
        conn.execute("BEGIN")
        conn.execute(sql, (json.dumps(answer_for(item)), ident, item.position))
        conn.execute("COMMIT")
    conn.close()


def main() -> None:
    url, badge, quiz_id, go, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
    db = open_database(url)
    with db.transaction(write=False) as s:
        actor = get_user(s, badge).actor
    while not go.exists():
        time.sleep(0.002)
    t0 = time.perf_counter()
    paper = quiz.start_attempt(db, actor, quiz_id)
    if mode == "start":
        print(json.dumps({"attempt": str(paper.attempt_id)}), flush=True)
        return
    if mode == "raw":
        t0 = time.perf_counter()
        raw_saves(url, paper)
        print(json.dumps({"attempt": str(paper.attempt_id), "answers": len(paper.items),
                          "seconds": time.perf_counter() - t0}), flush=True)
        return
    given = {}
    t0 = time.perf_counter()                   # the saves alone, as the raw mode measures them
    for item in paper.items:
        response = answer_for(item)
        quiz.save_answer(db, actor, paper.attempt_id, item.position, response)
        given[item.position] = response
    seconds = time.perf_counter() - t0
    quiz.submit_attempt(db, actor, paper.attempt_id)
    print(json.dumps({"attempt": str(paper.attempt_id), "given": given, "seconds": seconds}), flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
