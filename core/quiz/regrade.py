# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Answer-key corrections: regrade the attempts that used a question against its corrected version.

Editing a question stores a new version; attempts keep the version they were drawn with. When a
key turns out wrong (item analysis flags 答案可能有误), the secretary picks the corrected version
and the quizzes whose attempts to regrade:

* every item of those attempts drawn from any version of the question moves to the corrected
  version (``original_question_id`` remembers the drawn one, so the review says 该题答案已更正;
  an attempt still open is graded against the corrected key when it is submitted);
* finished attempts get the item's new score, their totals and pass/fail again;
* points: for each officer and quiz, what the quiz's rules would grant now is compared with what
  the ledger holds for it; the difference is a new entry (``source_type`` "regrade"), a reversal
  when points go, never an edit of an old entry;
* certificates: a completion certificate is issued when the officer now passes and did not before,
  revoked when they passed and no longer do, reissued (a new version) when the score it states
  changed;
* the regrade, each change (before → after) and its reason are stored and audited.

A dry run is the real regrade inside a savepoint that is rolled back, so what it lists is exactly
what the real run changes.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from base.errors import InvalidInput, NotFound
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.certificates import issue as certs
from core.infra import audit
from core.infra.clock import Clock, local_date
from core.models import Attempt, AttemptItem, Certificate, LedgerEntry, Officer, QuestionRow, Quiz, QuizQuestion, Regrade, RegradeChange
from core.points.ledger import rule_for
from core.quiz.attempts import set_totals
from core.quiz.grading import grade

QUIZ_CODES = ("quiz_passed", "score_80", "score_90")
CERT_ACTIONS = {"issue", "reissue", "revoke"}


@dataclass(frozen=True, slots=True)
class RegradeTarget:
    """A quiz whose attempts used some version of the question."""

    quiz_id: int
    title: str
    attempts: int              # attempts holding the question
    finished: int              # of them submitted (their scores can change)
    corrected: int             # items already on the chosen version


@dataclass(frozen=True, slots=True)
class RegradeRow:
    quiz_id: int
    quiz_title: str
    badge: str
    name: str
    attempt_id: uuid.UUID | None
    number: int | None
    score_before: float | None
    score_after: float | None
    passed_before: bool | None
    passed_after: bool | None
    points_before: float
    points_after: float
    certificate: str           # "" / issue / reissue / revoke
    serial: str

    def to_dict(self) -> dict[str, Any]:
        return {"quiz_id": self.quiz_id, "quiz": self.quiz_title, "badge": self.badge, "name": self.name,
                "attempt_id": str(self.attempt_id) if self.attempt_id else None, "number": self.number,
                "score": [self.score_before, self.score_after], "passed": [self.passed_before, self.passed_after],
                "points": [self.points_before, self.points_after], "certificate": self.certificate,
                "serial": self.serial}


@dataclass(slots=True)
class RegradeReport:
    question_id: int
    dry_run: bool
    regrade_id: uuid.UUID | None = None       # None: a dry run, or nothing to change
    items: int = 0                            # attempt items moved to the corrected version
    rows: list[RegradeRow] = field(default_factory=list)

    @property
    def points_delta(self) -> float:
        seen: dict[tuple[int, str], float] = {}
        for r in self.rows:
            seen[(r.quiz_id, r.badge)] = r.points_after - r.points_before
        return round(sum(seen.values()), 2)

    def to_dict(self) -> dict[str, Any]:
        return {"question_id": self.question_id, "dry_run": self.dry_run,
                "regrade_id": str(self.regrade_id) if self.regrade_id else None, "items": self.items,
                "points_delta": self.points_delta, "changes": [r.to_dict() for r in self.rows]}


@dataclass(frozen=True, slots=True)
class Correction:
    """A question of a quiz's attempts that has a newer version than the one drawn."""

    question_id: int           # the newest version
    version: int
    stem: str
    answer: str                # the newest version's key, as letters or blanks
    used_versions: tuple[int, ...]
    items: int                 # attempt items still on an older version


# --- what a correction touches ------------------------------------------------------------------

def corrections(session: Session, quiz_id: int) -> list[Correction]:
    """The questions of ``quiz_id``'s attempts edited since they were drawn (candidates to regrade)."""
    drawn = aliased(QuestionRow)
    newest = aliased(QuestionRow)
    rows = session.execute(
        select(newest.id, drawn.version, func.count(AttemptItem.id))
        .select_from(AttemptItem).join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(drawn, drawn.id == AttemptItem.question_id)
        .join(newest, and_(newest.lineage == drawn.lineage, newest.is_current, newest.id != drawn.id))
        .where(Attempt.quiz_id == quiz_id, Attempt.status != "void", newest.qtype != "essay")
        .group_by(newest.id, drawn.version)).all()
    found: dict[int, tuple[set[int], int]] = {}
    for qid, version, n in rows:
        versions, count = found.get(qid, (set(), 0))
        found[qid] = (versions | {version}, count + n)
    out = []
    for q in session.scalars(select(QuestionRow).where(QuestionRow.id.in_(list(found))).order_by(QuestionRow.id)):
        key = "、".join(q.answer or []) or " / ".join("|".join(b) for b in q.blanks or [])
        versions, count = found[q.id]
        out.append(Correction(q.id, q.version, q.stem, key, tuple(sorted(versions)), count))
    return out


def _corrected(session: Session, question_id: int) -> QuestionRow:
    q = session.get(QuestionRow, question_id)
    if q is None:
        raise NotFound(_("题目 {id} 不存在", id=question_id))
    if not q.is_current:
        raise InvalidInput(_("请选择题目的最新版本（第 {id} 号是旧版本）", id=question_id))
    if q.qtype == "essay":
        raise InvalidInput(_("简答题由人工评分，不能按答案重新评分"))
    return q


def _lineage_ids(session: Session, q: QuestionRow) -> list[int]:
    return list(session.scalars(select(QuestionRow.id).where(QuestionRow.lineage == q.lineage)))


def targets(session: Session, question_id: int) -> list[RegradeTarget]:
    """The quizzes whose attempts hold some version of the question."""
    q = _corrected(session, question_id)
    rows = session.execute(
        select(Quiz.id, Quiz.title, func.count(func.distinct(Attempt.id)),
               func.count(func.distinct(Attempt.id)).filter(Attempt.status != "in_progress"),
               func.count(AttemptItem.id).filter(AttemptItem.question_id == q.id,
                                                 AttemptItem.original_question_id.is_not(None)))
        .join(Attempt, Attempt.quiz_id == Quiz.id).join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(AttemptItem.question_id.in_(_lineage_ids(session, q)), Attempt.status != "void")
        .group_by(Quiz.id, Quiz.title).order_by(Quiz.id)).all()
    return [RegradeTarget(qid, title, n, done, fixed) for qid, title, n, done, fixed in rows]


def _check_compatible(session: Session, q: QuestionRow, used: set[int]) -> None:
    """Responses are stored as the drawn version's option letters: the corrected version must keep
    the type and the number of options (a reworded key, not a different question)."""
    for old in session.scalars(select(QuestionRow).where(QuestionRow.id.in_(used))):
        if old.qtype != q.qtype or len(old.options or []) != len(q.options or []):
            raise InvalidInput(_("第 {v} 版与第 {w} 版的题型或选项个数不同，不能按新答案重新评分；"
                                 "请把它作为新题目处理", v=old.version, w=q.version))
        if q.qtype == "fill" and len(old.blanks or []) != len(q.blanks or []):
            raise InvalidInput(_("第 {v} 版与第 {w} 版的填空个数不同，不能按新答案重新评分", v=old.version,
                                 w=q.version))


# --- the state that can change, before and after -----------------------------------------------

@dataclass(frozen=True, slots=True)
class _Standing:
    scores: dict[uuid.UUID, tuple[float | None, bool | None]]     # attempt -> (score, passed)
    points: float
    serial: str
    cert_score: str
    holds: bool


def _quiz_points_filter(quiz_id: int) -> Any:
    return or_(and_(LedgerEntry.source_type == "quiz", LedgerEntry.source_id == str(quiz_id)),
               and_(LedgerEntry.source_type == "regrade", LedgerEntry.source_id.like(f"{quiz_id}:%")))


def _net_points(session: Session, officer_id: int, quiz_id: int, code: str | None = None) -> float:
    stmt = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.officer_id == officer_id, _quiz_points_filter(quiz_id))
    if code is not None:
        stmt = stmt.where(LedgerEntry.rule_code == code)
    return round(float(session.scalar(stmt) or 0), 2)


def _valid_cert(session: Session, officer_id: int, quiz_id: int) -> Certificate | None:
    return session.scalar(select(Certificate).where(
        Certificate.officer_id == officer_id, Certificate.quiz_id == quiz_id, Certificate.status == "valid",
        Certificate.kind == "completion").order_by(Certificate.issued_at.desc()).limit(1))


def _standing(session: Session, officer_id: int, quiz_id: int) -> _Standing:
    scores = {a.id: (a.score, a.passed) for a in session.scalars(
        select(Attempt).where(Attempt.officer_id == officer_id, Attempt.quiz_id == quiz_id))}
    cert = _valid_cert(session, officer_id, quiz_id)
    return _Standing(scores, _net_points(session, officer_id, quiz_id), cert.serial if cert else "",
                     str((cert.fields or {}).get("score", "")) if cert else "", cert is not None)


# --- settling points and certificates after new grades -----------------------------------------

def _settle_points(session: Session, quiz: Quiz, officer_id: int, run_id: uuid.UUID, clock: Clock) -> None:
    if quiz.mode == "practice":
        return
    finished = list(session.scalars(select(Attempt).where(
        Attempt.officer_id == officer_id, Attempt.quiz_id == quiz.id, Attempt.status == "submitted")
        .order_by(Attempt.number)))
    today = local_date(clock.now())
    for code in QUIZ_CODES:
        due, unit_id = 0.0, None
        for a in finished:
            rule = rule_for(session, code, local_date(a.submitted_at or clock.now()))
            if rule is None or rule.amount <= 0:
                continue
            ok = bool(a.passed) if code == "quiz_passed" else \
                (a.percent or 0.0) >= float(rule.params.get("min_percent", 100))
            if ok:
                due, unit_id = rule.amount, a.unit_id
                break
        held = _net_points(session, officer_id, quiz.id, code)
        if (due > 0) == (held > 0):
            continue          # already granted (whatever amount its rule had then), or nothing due
        amount = due - held
        if unit_id is None:
            unit_id = session.scalar(select(LedgerEntry.unit_id).where(
                LedgerEntry.officer_id == officer_id, LedgerEntry.rule_code == code,
                _quiz_points_filter(quiz.id)).order_by(LedgerEntry.created_at.desc()).limit(1))
        if unit_id is None:
            continue
        note = (f"《{quiz.title}》答案更正后重新评分：补记" if amount > 0 else
                f"《{quiz.title}》答案更正后重新评分：冲销")
        session.add(LedgerEntry(id=uuid.uuid4(), officer_id=officer_id, unit_id=unit_id, day=today, rule_code=code,
                                amount=amount, source_type="regrade", source_id=f"{quiz.id}:{run_id.hex}",
                                note=note[:300], created_at=clock.now()))
    session.flush()


def on_attempt_submitted(session: Session, *, attempt_id: uuid.UUID, clock: Clock, **_kw: Any) -> None:
    """``attempt_did_submit``/``attempt_did_grade`` listener, after the ledger's: an officer whose quiz
    points a regrade moved is settled the same way again, so a pass after a reversal pays (the
    ledger's own grant sees its first entry and pays once only)."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.status != "submitted":
        return
    moved = session.scalar(select(LedgerEntry.id).where(
        LedgerEntry.officer_id == attempt.officer_id, LedgerEntry.source_type == "regrade",
        LedgerEntry.source_id.like(f"{attempt.quiz_id}:%")).limit(1))
    quiz = session.get(Quiz, attempt.quiz_id)
    if moved is not None and quiz is not None:
        _settle_points(session, quiz, attempt.officer_id, uuid.uuid4(), clock)


def _best_pass(session: Session, officer_id: int, quiz_id: int) -> Attempt | None:
    return session.scalar(select(Attempt).where(
        Attempt.officer_id == officer_id, Attempt.quiz_id == quiz_id, Attempt.status == "submitted",
        Attempt.passed.is_(True)).order_by(Attempt.score.desc(), Attempt.number).limit(1))


def _settle_certificate(session: Session, quiz: Quiz, officer_id: int, before: _Standing, reason: str,
                        clock: Clock, actor_id: int | None) -> None:
    passed_before = any(p for _s, p in before.scores.values())
    best = _best_pass(session, officer_id, quiz.id)
    cert = _valid_cert(session, officer_id, quiz.id)
    if cert is not None and best is None and passed_before:
        certs.revoke(session, cert.serial, reason=_("答案更正后重新评分，不再合格：{r}", r=reason), clock=clock,
                     actor_id=actor_id)
    elif cert is not None and best is not None:
        # Reissued only when the attempt it states changed score: not for a better later attempt.
        mine = session.get(Attempt, cert.attempt_id) if cert.attempt_id is not None else None
        if mine is None or before.scores.get(mine.id, (mine.score, None))[0] == mine.score:
            return
        basis = mine if mine.passed else best
        score = certs.format_score(basis.score)
        if str((cert.fields or {}).get("score", "")) != score:
            certs.reissue(session, cert.serial, clock=clock, reason=_("答案更正后重新评分：{r}", r=reason),
                          actor_id=actor_id, score=score, attempt_id=basis.id)
    elif cert is None and best is not None and not passed_before:
        certs.issue_for_attempt(session, best.id, clock=clock, actor_id=actor_id)


# --- the regrade -------------------------------------------------------------------------------

def regrade(session: Session, question_id: int, quiz_ids: Sequence[int], *, reason: str, clock: Clock,
            actor_id: int | None = None, dry_run: bool = False, progress: ProgressSink = no_progress,
            cancel: CancelToken | None = None) -> RegradeReport:
    """Regrade the attempts of ``quiz_ids`` holding the question against version ``question_id``.
    Cancelling raises :class:`base.progress.Cancelled`: the caller's transaction rolls back whole."""
    if not reason.strip() and not dry_run:
        raise InvalidInput(_("请填写重新评分的原因"))
    if not quiz_ids:
        raise InvalidInput(_("请至少选择一份试卷"))
    q = _corrected(session, question_id)
    lineage = _lineage_ids(session, q)
    quizzes: list[Quiz] = []
    for qid in dict.fromkeys(quiz_ids):
        quiz = session.get(Quiz, qid)
        if quiz is None:
            raise NotFound(_("试卷 {id} 不存在", id=qid))
        quizzes.append(quiz)
    items = [(item, attempt) for item, attempt in session.execute(
        select(AttemptItem, Attempt).join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.quiz_id.in_([z.id for z in quizzes]), AttemptItem.question_id.in_(lineage),
               Attempt.status != "void").order_by(Attempt.quiz_id, Attempt.officer_id, Attempt.number))]
    used_by = {a.quiz_id for _i, a in items}
    for quiz in quizzes:
        if quiz.id not in used_by:
            raise InvalidInput(_("试卷“{t}”的答卷中没有这道题", t=quiz.title))
    _check_compatible(session, q, {i.question_id for i, _a in items} | {i.original_question_id for i, _a in items
                                                                      if i.original_question_id is not None})
    report = RegradeReport(q.id, dry_run)
    savepoint = session.begin_nested()
    try:
        _apply(session, q, quizzes, items, report, reason=reason.strip(), clock=clock, actor_id=actor_id,
               progress=progress, cancel=cancel or CancelToken())
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
        report.regrade_id = None
        # A serial drawn for a certificate that was never kept would mislead.
        report.rows = [dataclasses.replace(r, serial="") if r.certificate == "issue" else r for r in report.rows]
    else:
        savepoint.commit()
    return report


def _apply(session: Session, q: QuestionRow, quizzes: list[Quiz], items: list[tuple[AttemptItem, Attempt]],
           report: RegradeReport, *, reason: str, clock: Clock, actor_id: int | None, progress: ProgressSink,
           cancel: CancelToken) -> None:
    by_quiz = {z.id: z for z in quizzes}
    takers = sorted({(a.quiz_id, a.officer_id) for _i, a in items})
    before = {key: _standing(session, key[1], key[0]) for key in takers}
    run_id = uuid.uuid4()
    touched: set[uuid.UUID] = set()
    for item, attempt in items:
        moved = item.question_id != q.id
        if moved:
            item.original_question_id = item.original_question_id or item.question_id
            item.question_id = q.id
            report.items += 1
        if attempt.status == "in_progress":
            continue
        quiz = by_quiz[attempt.quiz_id]
        g = grade(q.qtype, answer=q.answer or [], blanks=q.blanks or [], response=item.response, points=item.points,
                  multi_policy=quiz.multi_scoring, fill_ordered=quiz.fill_ordered)
        if moved or g.score != item.score or g.correct != item.correct:
            item.score, item.correct = g.score, g.correct
            touched.add(attempt.id)
    # The quizzes' fixed questions move too: a later attempt is drawn with the corrected key.
    session.execute(update(QuizQuestion).where(QuizQuestion.quiz_id.in_(list(by_quiz)),
                                               QuizQuestion.question_id.in_(_lineage_ids(session, q)),
                                               QuizQuestion.question_id != q.id).values(question_id=q.id))
    session.flush()
    for attempt in {a.id: a for _i, a in items if a.id in touched}.values():
        scores = list(session.scalars(select(AttemptItem.score).where(AttemptItem.attempt_id == attempt.id)))
        set_totals(attempt, by_quiz[attempt.quiz_id], sum(s or 0.0 for s in scores), any(s is None for s in scores))
    session.flush()
    label = _("正在核对积分和证书")
    for done, (quiz_id, officer_id) in enumerate(takers):
        cancel.check()
        progress(done, len(takers), label)
        _settle_points(session, by_quiz[quiz_id], officer_id, run_id, clock)
        _settle_certificate(session, by_quiz[quiz_id], officer_id, before[(quiz_id, officer_id)], reason, clock,
                            actor_id)
    session.flush()
    people = {o.id: (o.badge, o.name) for o in session.scalars(
        select(Officer).where(Officer.id.in_([o for _q, o in takers])))}
    numbers = {a.id: a.number for _i, a in items}
    for quiz_id, officer_id in takers:
        report.rows.extend(_rows(session, by_quiz[quiz_id], officer_id, before[(quiz_id, officer_id)],
                                 people[officer_id], numbers))
    if not report.rows and not report.items:
        return
    report.regrade_id = run_id
    session.add(Regrade(id=run_id, question_id=q.id, quiz_ids=[z.id for z in quizzes], reason=reason,
                        actor_id=actor_id, items=report.items, at=clock.now()))
    session.flush()
    session.add_all([RegradeChange(regrade_id=run_id, quiz_id=r.quiz_id, officer_id=_officer(people, r.badge),
                                   attempt_id=r.attempt_id, score_before=r.score_before, score_after=r.score_after,
                                   passed_before=r.passed_before, passed_after=r.passed_after,
                                   points_before=r.points_before, points_after=r.points_after,
                                   certificate=r.certificate, serial=r.serial) for r in report.rows])
    audit.record(session, "quiz.regrade", actor_id=actor_id, target_type="question", target_id=q.id,
                 reason=reason, quizzes=[z.title for z in quizzes], items=report.items, attempts=len(
                     {r.attempt_id for r in report.rows if r.attempt_id}), points=report.points_delta,
                 certificates={a: sum(1 for r in report.rows if r.certificate == a) for a in sorted(CERT_ACTIONS)})
    session.flush()


def _officer(people: dict[int, tuple[str, str]], badge: str) -> int:
    return next(oid for oid, (b, _n) in people.items() if b == badge)


def _rows(session: Session, quiz: Quiz, officer_id: int, before: _Standing, person: tuple[str, str],
          numbers: dict[uuid.UUID, int]) -> list[RegradeRow]:
    after = _standing(session, officer_id, quiz.id)
    if after.holds and not before.holds:
        cert = "issue"
    elif before.holds and not after.holds:
        cert = "revoke"
    elif before.holds and after.cert_score != before.cert_score:
        cert = "reissue"
    else:
        cert = ""
    serial = after.serial or before.serial if cert else ""
    rows = []
    for aid, (score, passed) in after.scores.items():
        old_score, old_passed = before.scores.get(aid, (None, None))
        if (old_score, old_passed) != (score, passed):
            rows.append(RegradeRow(quiz.id, quiz.title, person[0], person[1], aid, numbers.get(aid), old_score, score,
                                   old_passed, passed, before.points, after.points, "", ""))
    rows.sort(key=lambda r: r.number or 0)
    if cert or after.points != before.points:
        if rows:
            rows[0] = dataclasses.replace(rows[0], certificate=cert, serial=serial)
        else:
            rows.append(RegradeRow(quiz.id, quiz.title, person[0], person[1], None, None, None, None, None, None,
                                   before.points, after.points, cert, serial))
    return rows


def corrected_items(session: Session, attempt_id: uuid.UUID) -> set[int]:
    """Positions of the attempt's items regraded against a corrected key."""
    return set(session.scalars(select(AttemptItem.position).where(
        AttemptItem.attempt_id == attempt_id, AttemptItem.original_question_id.is_not(None))))
