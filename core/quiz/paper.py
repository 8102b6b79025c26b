# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Paper exams: printed versions of a quiz, and answers entered back as real attempts.

* ``make_versions`` draws the quiz's paper once (every officer answers the same questions) and
  stores N versions (A, B, C…), each with its own question order and option order. The PDFs
  (core/quiz/paper_pdf.py) print each version, its answer key and one answer sheet per officer.
* ``enter_answers`` turns rows of (badge, version, printed letters) into attempts: the version's
  items with the officer's responses mapped back to the original option letters, then the usual
  ``submit_attempt``, so grading, points and certificates are those of an exam on screen. All
  rows are checked first; any problem, located by row and question, stores nothing.

Paper versions hold objective questions only (单选, 多选, 判断): a letter per answer is what a
keyboard grid or a bubble sheet gives.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import _
from core.infra import audit
from core.infra.clock import Clock
from core.models import Attempt, AttemptItem, Officer, PaperVersion, QuestionRow, Quiz
from core.quiz.attempts import eligible, submit_attempt
from core.quiz.compose import draw_paper, get_quiz
from core.quiz.question_view import to_original
from quizbank.model import LETTERS

PAPER_TYPES = ("single", "multiple", "judge")
MAX_VERSIONS = 26
# 判断 on a sheet or in the grid: A/1 对, B/2 错 (as the sheet prints), or T/F, Y/N, √/×, 对/错.
JUDGE_KEYS = {"T": "T", "F": "F", "Y": "T", "N": "F", "√": "T", "×": "F", "对": "T", "错": "F", "A": "T", "B": "F",
              "1": "T", "2": "F"}


@dataclass(frozen=True, slots=True)
class PaperItem:
    number: int                   # printed number, 1-based
    question_id: int
    qtype: str
    stem: str
    options: tuple[str, ...]      # printed order
    points: float
    key: str                      # the printed letters of the right answer (T/F for 判断)


@dataclass(slots=True)
class VersionView:
    id: uuid.UUID
    code: str
    quiz_id: int
    quiz_title: str
    quiz_uid: str
    items: list[PaperItem] = field(default_factory=list)

    @property
    def total_points(self) -> float:
        return sum(i.points for i in self.items)

    @property
    def qr_text(self) -> str:
        return f"SHPAPER:{self.quiz_uid}:{self.code}"


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One answer sheet: who writes it and which version they get."""

    badge: str
    name: str
    unit: str
    version: str


@dataclass(frozen=True, slots=True)
class PaperAnswers:
    """A row typed in the grid or read from a spreadsheet: printed letters, one entry per question."""

    badge: str
    version: str
    answers: tuple[str, ...]
    where: str = ""               # e.g. "answers.xlsx 第 3 行", for messages


@dataclass(frozen=True, slots=True)
class EnteredAttempt:
    badge: str
    name: str
    version: str
    score: float | None
    max_score: float
    passed: bool | None
    attempt_id: uuid.UUID


# --- versions ------------------------------------------------------------------------------------

def version_code(n: int) -> str:
    return LETTERS[n] if n < len(LETTERS) else chr(ord("A") + n)


def make_versions(session: Session, quiz_id: int, count: int, *, clock: Clock, actor_id: int | None = None,
                  rng: random.Random | None = None) -> list[VersionView]:
    """Replace the quiz's versions by ``count`` new ones (refused once answers were entered for them)."""
    if not 1 <= count <= MAX_VERSIONS:
        raise InvalidInput(_("题本数量应在 1–{m} 之间", m=MAX_VERSIONS))
    quiz = get_quiz(session, quiz_id)
    used = session.scalar(select(func.count()).select_from(Attempt).join(
        PaperVersion, PaperVersion.id == Attempt.paper_version_id).where(PaperVersion.quiz_id == quiz_id)) or 0
    if used:
        raise InvalidInput(_("已录入 {n} 份纸质答卷，不能重新生成题本", n=used))
    rng = rng or random.Random()
    drawn = draw_paper(session, quiz, rng=rng)
    rows = {q.id: q for q in session.scalars(select(QuestionRow).where(QuestionRow.id.in_([q for q, _p in drawn])))}
    other = sorted({rows[q].qtype for q, _p in drawn} - set(PAPER_TYPES))
    if other:
        from quizbank.model import QType

        raise InvalidInput(_("纸质考试只支持单选、多选和判断题，这份试卷还有：{t}",
                             t="、".join(QType(t).label for t in other)))
    for old in session.scalars(select(PaperVersion).where(PaperVersion.quiz_id == quiz_id)):
        session.delete(old)
    session.flush()
    out = []
    for n in range(count):
        order = list(drawn)
        if n:                           # version A keeps the drawn order; the others are shuffled
            rng.shuffle(order)
        items = []
        for qid, points in order:
            options = list(range(len(rows[qid].options or [])))
            if n and len(options) > 1:
                rng.shuffle(options)
            items.append({"q": qid, "p": points, "o": options})
        version = PaperVersion(id=uuid.uuid4(), quiz_id=quiz_id, code=version_code(n), items=items,
                               created_by=actor_id, created_at=clock.now())
        session.add(version)
        out.append(version)
    session.flush()
    audit.record(session, "quiz.paper", actor_id=actor_id, target_type="quiz", target_id=quiz_id, title=quiz.title,
                 count=count, questions=len(drawn))
    return [_view(session, v, quiz, rows) for v in out]


def _printed_key(qtype: str, answer: Sequence[str], order: Sequence[int]) -> str:
    if qtype == "judge":
        return "".join(answer)
    shown = {orig: i for i, orig in enumerate(order)}
    return "".join(sorted(LETTERS[shown[LETTERS.index(a)]] for a in answer if a in LETTERS[:len(order)]))


def _view(session: Session, version: PaperVersion, quiz: Quiz, rows: dict[int, QuestionRow] | None = None,
          ) -> VersionView:
    ids = [int(it["q"]) for it in version.items]
    if rows is None or not set(ids) <= set(rows):
        rows = {q.id: q for q in session.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids)))}
    view = VersionView(version.id, version.code, quiz.id, quiz.title, str(quiz.uid))
    for n, it in enumerate(version.items, start=1):
        q = rows[int(it["q"])]
        order = [int(i) for i in it["o"]]
        options = tuple((q.options or [])[i] for i in order)
        view.items.append(PaperItem(n, q.id, q.qtype, q.stem, options, float(it["p"]),
                                    _printed_key(q.qtype, q.answer or [], order)))
    return view


def versions(session: Session, quiz_id: int) -> list[VersionView]:
    quiz = get_quiz(session, quiz_id)
    return [_view(session, v, quiz) for v in session.scalars(
        select(PaperVersion).where(PaperVersion.quiz_id == quiz_id).order_by(PaperVersion.code))]


def sheet_rows(session: Session, quiz_id: int, unit_ids: Sequence[int] | None = None) -> list[SheetRow]:
    """One answer sheet per officer of the quiz's audience (within ``unit_ids``), versions dealt in turn."""
    from core.models import Unit

    quiz = get_quiz(session, quiz_id)
    codes = list(session.scalars(select(PaperVersion.code).where(PaperVersion.quiz_id == quiz_id)
                                 .order_by(PaperVersion.code)))
    if not codes:
        raise InvalidInput(_("请先生成题本"))
    stmt = (select(Officer, Unit.name).join(Unit, Unit.id == Officer.unit_id).where(Officer.active)
            .order_by(Unit.sort_order, Unit.id, Officer.badge))
    if unit_ids is not None:
        stmt = stmt.where(Officer.unit_id.in_(list(unit_ids)))
    people = [(o, unit) for o, unit in session.execute(stmt) if eligible(session, quiz, o)]
    return [SheetRow(o.badge, o.name, unit, codes[i % len(codes)]) for i, (o, unit) in enumerate(people)]


# --- entering answers --------------------------------------------------------------------------

def parse_letters(qtype: str, text: str) -> str | None:
    """A typed or read answer in printed letters: "" when left blank, None when not a valid answer."""
    raw = "".join(str(text or "").split()).upper().replace(",", "").replace("，", "")
    if not raw:
        return ""
    if qtype == "judge":
        return JUDGE_KEYS.get(raw)
    raw = "".join(LETTERS[int(ch) - 1] if ch in "12345678" else ch for ch in raw)
    if any(c not in LETTERS for c in raw) or (qtype == "single" and len(raw) != 1) or len(set(raw)) != len(raw):
        return None
    return "".join(sorted(raw))


def enter_answers(session: Session, quiz_id: int, rows: Sequence[PaperAnswers], *, clock: Clock,
                  actor_id: int | None = None, submitted_at: dt.datetime | None = None,
                  allowed_units: Sequence[int] | None = None) -> list[EnteredAttempt]:
    """Store each row as a submitted attempt graded against its version; all or nothing."""
    quiz = get_quiz(session, quiz_id)
    by_code = {v.code: v for v in session.scalars(select(PaperVersion).where(PaperVersion.quiz_id == quiz_id))}
    if not by_code:
        raise InvalidInput(_("试卷“{t}”还没有纸质题本", t=quiz.title))
    if not rows:
        raise InvalidInput(_("没有要录入的答卷"))
    qtypes = {q.id: q.qtype for q in session.scalars(select(QuestionRow).where(QuestionRow.id.in_(
        {int(it["q"]) for v in by_code.values() for it in v.items})))}
    problems: list[str] = []
    checked: list[tuple[PaperAnswers, Officer, PaperVersion, list[str]]] = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=1):
        where = row.where or _("第 {n} 行", n=i)
        officer = session.scalar(select(Officer).where(Officer.badge == row.badge.strip()))
        version = by_code.get(row.version.strip().upper())
        if officer is None:
            problems.append(_("{w}：警号“{b}”不存在", w=where, b=row.badge))
            continue
        if allowed_units is not None and officer.unit_id not in allowed_units:
            problems.append(_("{w}：{n}（{b}）不在本单位及下级单位", w=where, n=officer.name, b=officer.badge))
            continue
        if officer.badge in seen:
            problems.append(_("{w}：{n}（{b}）重复录入", w=where, n=officer.name, b=officer.badge))
            continue
        seen.add(officer.badge)
        if not eligible(session, quiz, officer):
            problems.append(_("{w}：{n}不在试卷的参考范围内", w=where, n=officer.name))
            continue
        if version is None:
            problems.append(_("{w}：题本“{v}”不存在（有：{a}）", w=where, v=row.version, a="、".join(sorted(by_code))))
            continue
        if len(row.answers) != len(version.items):
            problems.append(_("{w}：题本 {v} 有 {n} 题，录入了 {k} 个答案", w=where, v=version.code,
                              n=len(version.items), k=len(row.answers)))
            continue
        letters = []
        for n, (it, given) in enumerate(zip(version.items, row.answers, strict=True), start=1):
            qtype = qtypes[int(it["q"])]
            parsed = parse_letters(qtype, given)
            if parsed is None or (parsed and qtype != "judge" and any(
                    LETTERS.index(c) >= len(it["o"]) for c in parsed)):
                problems.append(_("{w}：第 {n} 题答案“{a}”无效", w=where, n=n, a=given))
            letters.append(parsed or "")
        checked.append((row, officer, version, letters))
    if problems:
        raise InvalidInput(_("纸质答卷有 {n} 处问题，未录入任何答卷：\n{p}", n=len(problems), p="\n".join(problems)))
    when = submitted_at or clock.now()
    out = []
    for row, officer, version, letters in checked:
        used = int(session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.quiz_id == quiz_id, Attempt.officer_id == officer.id)) or 0)
        if quiz.attempts_allowed and used >= quiz.attempts_allowed:
            raise InvalidInput(_("{w}：{n}已用完 {k} 次作答机会", w=row.where or officer.badge, n=officer.name,
                                 k=quiz.attempts_allowed))
        attempt = Attempt(id=uuid.uuid4(), quiz_id=quiz_id, officer_id=officer.id, unit_id=officer.unit_id,
                          number=used + 1, started_at=when, deadline_at=None, last_seen_at=when, status="in_progress",
                          max_score=sum(float(it["p"]) for it in version.items), paper_version_id=version.id)
        session.add(attempt)
        session.flush()
        items: list[dict[str, Any]] = []
        for pos, (it, given) in enumerate(zip(version.items, letters, strict=True)):
            qtype = qtypes[int(it["q"])]
            order = [int(x) for x in it["o"]]
            response = (None if not given else [given] if qtype == "judge"
                        else to_original(qtype, list(given), order))
            items.append({"id": uuid.uuid4(), "attempt_id": attempt.id, "position": pos, "question_id": int(it["q"]),
                          "option_order": order, "points": float(it["p"]), "flagged": False, "comment": "",
                          "response": response, "answered_at": when if given else None})
        session.execute(insert(AttemptItem), items)
        submit_attempt(session, attempt.id, clock)
        session.refresh(attempt)
        out.append(EnteredAttempt(officer.badge, officer.name, version.code, attempt.score, attempt.max_score,
                                  attempt.passed, attempt.id))
    audit.record(session, "quiz.paper.enter", actor_id=actor_id, target_type="quiz", target_id=quiz_id,
                 title=quiz.title, count=len(out))
    return out


def get_version(session: Session, quiz_id: int, code: str) -> VersionView:
    quiz = get_quiz(session, quiz_id)
    row = session.scalar(select(PaperVersion).where(PaperVersion.quiz_id == quiz_id,
                                                    PaperVersion.code == code.strip().upper()))
    if row is None:
        raise NotFound(_("题本“{v}”不存在", v=code))
    return _view(session, row, quiz)
