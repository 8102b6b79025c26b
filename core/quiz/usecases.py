# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with quizzes: take exams, practise, compose and publish, see results, grade.

Each function is a use case (see :mod:`core.access.usecase`): called as ``fn(db, actor, ...)``,
it checks the actor's right, runs in one transaction and returns plain data.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from base.errors import InvalidInput, NotFound
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress
from core.access.ownership import check_manage, check_see, own_unit, reach
from core.access.permissions import Action
from core.access.usecase import Change, Work, denied, use_case
from core.bank.banks import BankInfo, list_banks
from core.bank.usecases import visible_bank_ids
from core.models import Attempt, AttemptItem, QuestionRow, Quiz
from core.people.org import UnitNode, unit_tree
from core.quiz import attempts, catalog, compose, lockdown, marking, paper, practice, regrade, results, spec_file, wrongbook
from core.quiz.attempts import Paper, ResumeOffer
from core.quiz.catalog import QuizInfo
from core.quiz.compose import QuestionHit, SectionPreview
from core.quiz.lockdown import LockdownState
from core.quiz.marking import PendingItem
from core.quiz.paper import EnteredAttempt, PaperAnswers, SheetRow, VersionView
from core.quiz.practice import BankSource, Feedback
from core.quiz.question_view import QuestionView
from core.quiz.regrade import Correction, RegradeReport, RegradeTarget
from core.quiz.results import AttemptResult, AttemptRow, OfficerQuiz, QuizResults
from core.quiz.spec import QuizSpec, SectionSpec
from core.quiz.upkeep import settle_expired
from core.quiz.wrongbook import WrongEntry

SUBMITTED = Change.ATTEMPTS | Change.POINTS | Change.CERTIFICATES


# --- taking exams ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MyExams:
    open: list[OfficerQuiz]          # exams and competitions the officer may start or continue now
    history: list[AttemptRow]        # their own attempts (practice quizzes left out)


@use_case(Action.QUIZ_TAKE, readonly=True)
def my_exams(work: Work) -> MyExams:
    s, me = work.session, work.actor.id
    return MyExams(results.quizzes_for(s, me, work.clock),
                   [a for a in results.history(s, me) if a.mode != "practice"])


@use_case(Action.QUIZ_TAKE, changes=Change.ATTEMPTS, retry_on_conflict=True)
def start_attempt(work: Work, quiz_id: int) -> Paper:
    """Start (or continue) the actor's attempt at ``quiz_id``: the frozen paper, never the answers."""
    running = work.session.scalar(select(Attempt.id).where(
        Attempt.quiz_id == quiz_id, Attempt.officer_id == work.actor.id, Attempt.status == "in_progress"))
    attempt_id = attempts.start_attempt(work.session, quiz_id, work.actor.id, work.clock)
    work.session.flush()
    return _opened(work, attempt_id, resumed=running == attempt_id)


@use_case(Action.QUIZ_TAKE, changes=SUBMITTED)
def open_attempt(work: Work, attempt_id: uuid.UUID) -> Paper:
    """The actor's paper with saved answers and the true remaining time (submitted if time ran out)."""
    return _opened(work, attempt_id, resumed=True)


def _opened(work: Work, attempt_id: uuid.UUID, *, resumed: bool) -> Paper:
    paper = attempts.load_paper(work.session, attempt_id, work.actor.id, work.clock)
    if resumed and paper.lockdown and not paper.finished:
        attempt = work.session.get(Attempt, attempt_id)
        assert attempt is not None     # loaded just now
        lockdown.record_resume(work.session, attempt, work.clock)
    return paper


@use_case(Action.QUIZ_TAKE, changes=SUBMITTED)
def leave_exam(work: Work, attempt_id: uuid.UUID, kind: str, *, note: str = "") -> LockdownState:
    """The actor left a lockdown exam's screen just now (focus / app / minimized / screen): recorded
    at once; one departure more than the quiz allows submits the attempt."""
    return lockdown.record_departure(work.session, attempt_id, work.actor.id, kind, work.clock, note=note)


@use_case(Action.QUIZ_TAKE)
def back_to_exam(work: Work, departure_id: uuid.UUID, seconds: float) -> None:
    """The actor came back to the exam screen after ``seconds``."""
    lockdown.record_return(work.session, departure_id, work.actor.id, seconds)


@use_case(Action.QUIZ_TAKE)
def save_answer(work: Work, attempt_id: uuid.UUID, position: int, response: Any, *,
                flagged: bool | None = None) -> None:
    """Store one answer at once (each in its own transaction: a crash loses nothing saved)."""
    attempts.save_answer(work.session, attempt_id, work.actor.id, position, response, work.clock, flagged=flagged)


@use_case(Action.QUIZ_TAKE, changes=SUBMITTED)
def submit_attempt(work: Work, attempt_id: uuid.UUID, *, auto: bool = False) -> None:
    attempts.submit_attempt(work.session, attempt_id, work.clock, auto=auto, officer_id=work.actor.id)


@dataclass(frozen=True, slots=True)
class ResumeState:
    expired: list[str]               # titles of attempts submitted because time ran out while closed
    offer: ResumeOffer | None        # an unfinished attempt to continue


@use_case(Action.QUIZ_TAKE, changes=SUBMITTED)
def resume_state(work: Work) -> ResumeState:
    """On login: submit the actor's attempts that expired while closed; offer one to continue."""
    expired = attempts.finish_expired(work.session, work.actor.id, work.clock)
    return ResumeState(expired, attempts.unfinished_attempt(work.session, work.actor.id, work.clock))


@use_case(Action.RESULT_VIEW, readonly=True)
def attempt_result(work: Work, attempt_id: uuid.UUID) -> AttemptResult:
    """Score and review of an attempt: the actor's own (within the quiz's review policy), or, for a
    secretary or administrator, an attempt of an officer in their scope (everything shown)."""
    owner = work.session.get(Attempt, attempt_id)
    if owner is None:
        raise NotFound(_("答卷不存在"))
    privileged = owner.officer_id != work.actor.id
    if privileged:
        work.check_officer(owner.officer_id)
    return results.attempt_result(work.session, attempt_id, work.actor.id, work.clock, privileged=privileged)


# --- practice and the wrong-answer book -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PracticeOverview:
    sources: list[BankSource]        # banks (with categories) to practise from
    daily_done: int                  # 每日一练 questions done today
    wrong_categories: dict[str, int]  # the 错题本 by category


@use_case(Action.PRACTICE, readonly=True)
def practice_overview(work: Work) -> PracticeOverview:
    s, me = work.session, work.actor.id
    return PracticeOverview(practice.sources(s, work.clock.now()), practice.daily_done(s, me, work.clock),
                            wrongbook.categories(s, me))


@use_case(Action.PRACTICE, readonly=True)
def practice_set(work: Work, *, bank_id: int | None = None, category: str | None = None, order: str = "sequential",
                 count: int = 20) -> list[QuestionView]:
    return practice.practice_set(work.session, work.actor.id, bank_id=bank_id, category=category, order=order,
                                 count=count, now=work.clock.now())


@use_case(Action.PRACTICE, readonly=True)
def daily_set(work: Work) -> list[QuestionView]:
    return practice.daily_set(work.session, work.actor.id, work.clock)


@use_case(Action.PRACTICE, readonly=True)
def wrongbook_set(work: Work, *, category: str | None = None) -> list[QuestionView]:
    return practice.wrongbook_set(work.session, work.actor.id, category=category, now=work.clock.now())


@use_case(Action.PRACTICE, readonly=True)
def wrongbook_entries(work: Work, *, category: str | None = None) -> list[WrongEntry]:
    return wrongbook.entries(work.session, work.actor.id, category=category)


@use_case(Action.PRACTICE, changes=Change.PRACTICE | Change.POINTS)
def check_answer(work: Work, question_id: int, response: list[str], *, source: str = "bank") -> Feedback:
    """Grade one practice answer (after it was given), remember it, and return the feedback."""
    return practice.check_answer(work.session, work.actor.id, question_id, response, work.clock, source=source)


# --- composing and publishing ------------------------------------------------------------------
# Quizzes belong to a unit like banks do (core/access/ownership.py): a secretary edits and publishes
# their units' quizzes, sees those shared from above (and their officers' results in them), and
# composes only from the banks they may see.

def _visible_quizzes(work: Work, modes: list[str] | None = None) -> list[QuizInfo]:
    sees, manages = reach(work), reach(work, Action.QUIZ_MANAGE)
    return [dataclasses.replace(q, manageable=manages.can_manage(q.owner_unit_id))
            for q in catalog.list_quizzes(work.session, modes) if sees.can_see(q.owner_unit_id)]


def _quiz(work: Work, quiz_id: int, *, manage: bool) -> None:
    quiz = work.session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("试卷 {id} 不存在", id=quiz_id))
    if manage:
        check_manage(work, quiz.owner_unit_id, quiz.title, Action.QUIZ_MANAGE)
    else:
        check_see(work, quiz.owner_unit_id, quiz.title)


def _check_sources(work: Work, spec: QuizSpec) -> None:
    """Every bank a quiz draws from, and every fixed question's bank, is one the actor may see; a
    secretary's section names its banks (an empty list would mean every bank, a neighbour's too)."""
    visible = visible_bank_ids(work)
    if visible is None:
        return
    for i, section in enumerate(spec.sections, start=1):
        if not section.bank_ids:
            raise InvalidInput(_("第{n}个抽题规则：请选择题库", n=i))
        hidden = set(section.bank_ids) - set(visible)
        if hidden:
            raise denied(work.actor, Action.BANK_VIEW, _("第{n}个抽题规则用到了其他单位的题库", n=i))
    fixed = [qid for qid, _p in spec.fixed]
    if fixed:
        banks_used = set(work.session.scalars(select(QuestionRow.bank_id).where(QuestionRow.id.in_(fixed))))
        if banks_used - set(visible):
            raise denied(work.actor, Action.BANK_VIEW, _("固定题目中有其他单位题库的题目"))


@use_case(Action.QUIZ_MANAGE, readonly=True)
def list_quizzes(work: Work, *, modes: list[str] | None = None) -> list[QuizInfo]:
    """The quizzes the actor sees, each marked whether they may edit it."""
    return _visible_quizzes(work, modes)


@dataclass(frozen=True, slots=True)
class QuizzesOverview:
    quizzes: list[QuizInfo]
    waiting_to_grade: int            # 简答 answers in the actor's scope waiting for a score


@use_case(Action.QUIZ_MANAGE, readonly=True)
def quizzes_overview(work: Work) -> QuizzesOverview:
    waiting = len(marking.pending(work.session, unit_ids=work.units(Action.QUIZ_GRADE)))
    return QuizzesOverview(_visible_quizzes(work), waiting)


@use_case(Action.QUIZ_MANAGE, readonly=True)
def quiz_detail(work: Work, quiz_id: int) -> dict[str, object]:
    _quiz(work, quiz_id, manage=False)
    return catalog.quiz_detail(work.session, quiz_id)


@dataclass(frozen=True, slots=True)
class QuizForm:
    """What the compose dialog needs: banks to draw from, units for the audience, the quiz so far."""

    banks: list[BankInfo]
    units: list[UnitNode]
    spec: QuizSpec | None
    quiz_id: int | None


@use_case(Action.QUIZ_MANAGE, readonly=True)
def quiz_form(work: Work, quiz_id: int | None = None) -> QuizForm:
    """What composing needs: the banks the actor may draw from, the unit tree, the quiz so far."""
    if quiz_id is not None:
        _quiz(work, quiz_id, manage=True)
    spec = compose.quiz_spec(work.session, quiz_id) if quiz_id is not None else None
    sees = reach(work, Action.BANK_VIEW)
    banks = [b for b in list_banks(work.session) if sees.can_see(b.owner_unit_id)]
    return QuizForm(banks, unit_tree(work.session), spec, quiz_id)


@use_case(Action.QUIZ_MANAGE, readonly=True)
def preview_sections(work: Work, sections: list[SectionSpec]) -> list[SectionPreview]:
    _check_sources(work, QuizSpec(title="-", sections=sections))
    return compose.preview_sections(work.session, sections)


@use_case(Action.QUIZ_MANAGE, readonly=True)
def search_questions(work: Work, text: str, *, bank_id: int | None = None) -> list[QuestionHit]:
    return compose.search_questions(work.session, text, bank_id=bank_id, within=visible_bank_ids(work))


@use_case(Action.QUIZ_MANAGE, changes=Change.QUIZZES)
def save_quiz(work: Work, spec: QuizSpec, *, quiz_id: int | None = None, publish: bool = False) -> int:
    """Create (owned by the actor's unit) or update a quiz; with ``publish`` also publish it (refused
    if a section cannot be drawn)."""
    if quiz_id is not None:
        _quiz(work, quiz_id, manage=True)
    _check_sources(work, spec)
    qid = compose.save_quiz(work.session, spec, now=work.clock.now(), quiz_id=quiz_id, actor_id=work.actor_id,
                            owner_unit_id=own_unit(work))
    if publish:
        compose.set_published(work.session, qid, True, actor_id=work.actor_id)
    return qid


@use_case(Action.QUIZ_MANAGE, changes=Change.QUIZZES)
def set_published(work: Work, quiz_id: int, published: bool) -> None:
    _quiz(work, quiz_id, manage=True)
    compose.set_published(work.session, quiz_id, published, actor_id=work.actor_id)


@use_case(Action.QUIZ_MANAGE, changes=Change.QUIZZES)
def create_quiz_from_file(work: Work, path: Path) -> dict[str, object]:
    """A quiz from a TOML spec file (docs/QUIZ_SPEC.md), owned by the actor's unit; returns its detail."""
    spec, publish = spec_file.load_spec(work.session, path)
    _check_sources(work, spec)
    quiz_id = compose.save_quiz(work.session, spec, now=work.clock.now(), actor_id=work.actor_id,
                                owner_unit_id=own_unit(work))
    if publish:
        compose.set_published(work.session, quiz_id, True, actor_id=work.actor_id)
    return catalog.quiz_detail(work.session, quiz_id)


# --- results and grading -----------------------------------------------------------------------

@use_case(Action.QUIZ_RESULTS, readonly=True)
def quiz_results(work: Work, quiz_id: int) -> QuizResults:
    """Each taker's counted attempt, over the officers of the actor's units."""
    settle_expired(work.db)      # attempts that ran out while their PC was off count too
    _quiz(work, quiz_id, manage=False)
    return results.quiz_results(work.session, quiz_id, unit_ids=work.units())


@use_case(Action.QUIZ_GRADE, readonly=True)
def grading_queue(work: Work, *, quiz_id: int | None = None) -> list[PendingItem]:
    return marking.pending(work.session, quiz_id=quiz_id, unit_ids=work.units())


@use_case(Action.QUIZ_GRADE, changes=SUBMITTED)
def grade_answer(work: Work, item_id: uuid.UUID, score: float, comment: str) -> None:
    item = work.session.get(AttemptItem, item_id)
    if item is not None:
        attempt = work.session.get(Attempt, item.attempt_id)
        if attempt is not None:
            work.check_officer(attempt.officer_id)
    marking.grade_item(work.session, item_id, score, comment, grader_id=work.actor.id, clock=work.clock)


# --- answer-key corrections ----------------------------------------------------------------------

@use_case(Action.QUIZ_REGRADE, readonly=True)
def corrected_questions(work: Work, quiz_id: int) -> list[Correction]:
    """Questions of the quiz's attempts edited since they were drawn: what a regrade could apply."""
    _quiz(work, quiz_id, manage=True)
    return regrade.corrections(work.session, quiz_id)


@use_case(Action.QUIZ_REGRADE, readonly=True)
def regrade_targets(work: Work, question_id: int) -> list[RegradeTarget]:
    """The quizzes the actor manages whose attempts hold some version of the question."""
    manages = reach(work, Action.QUIZ_MANAGE)
    owners = {qid: owner for qid, owner in work.session.execute(select(Quiz.id, Quiz.owner_unit_id))}
    return [t for t in regrade.targets(work.session, question_id) if manages.can_manage(owners.get(t.quiz_id))]


@use_case(Action.QUIZ_REGRADE, changes=SUBMITTED)
def regrade_attempts(work: Work, question_id: int, quiz_ids: list[int], *, reason: str = "",
                     dry_run: bool = False, progress: ProgressSink = no_progress,
                     cancel: CancelToken | None = None) -> RegradeReport:
    """Regrade the attempts of ``quiz_ids`` against the corrected question ``question_id`` (its newest
    version): new scores, pass/fail, points and certificates. ``dry_run`` lists the changes only."""
    work.require(Action.CERT_ISSUE)
    for quiz_id in quiz_ids:
        _quiz(work, quiz_id, manage=True)
    return regrade.regrade(work.session, question_id, quiz_ids, reason=reason, clock=work.clock,
                           actor_id=work.actor_id, dry_run=dry_run, progress=progress, cancel=cancel)


# --- paper exams ---------------------------------------------------------------------------------

@use_case(Action.QUIZ_PAPER, changes=Change.QUIZZES)
def make_paper_versions(work: Work, quiz_id: int, count: int) -> list[VersionView]:
    """Draw the quiz's paper once and store ``count`` shuffled versions (A, B…) to print."""
    _quiz(work, quiz_id, manage=True)
    return paper.make_versions(work.session, quiz_id, count, clock=work.clock, actor_id=work.actor_id)


@use_case(Action.QUIZ_PAPER, readonly=True)
def paper_versions(work: Work, quiz_id: int) -> list[VersionView]:
    """The quiz's versions with their questions and keys (secretaries only: they hold the answers)."""
    _quiz(work, quiz_id, manage=False)
    return paper.versions(work.session, quiz_id)


@use_case(Action.QUIZ_PAPER, readonly=True)
def answer_sheets(work: Work, quiz_id: int) -> list[SheetRow]:
    """One sheet per officer of the actor's units in the quiz's audience, versions dealt in turn."""
    _quiz(work, quiz_id, manage=False)
    units = work.units()
    return paper.sheet_rows(work.session, quiz_id, sorted(units) if units is not None else None)


@use_case(Action.QUIZ_PAPER, transaction=False)
def print_paper(work: Work, quiz_id: int, folder: Path, *, sheets: bool = True, progress: ProgressSink = no_progress,
                cancel: CancelToken | None = None) -> list[Path]:
    """Write each version's paper and key, and the answer sheets, as PDFs into ``folder``."""
    from core.quiz import paper_pdf

    with work.transaction() as s:
        row = s.get(Quiz, quiz_id)
        if row is None:
            raise NotFound(_("试卷 {id} 不存在", id=quiz_id))
        check_see(work, row.owner_unit_id, row.title)
        views = paper.versions(s, quiz_id)
        units = work.units()
        rows = paper.sheet_rows(s, quiz_id, sorted(units) if units is not None else None) if sheets else []
    if not views:
        raise InvalidInput(_("请先生成题本"))
    folder.mkdir(parents=True, exist_ok=True)
    stem = "".join(ch for ch in views[0].quiz_title if ch not in '\\/:*?"<>|').strip() or "paper"
    written = []
    for v in views:
        written.append(folder / _("{s}-题本{v}.pdf", s=stem, v=v.code))
        paper_pdf.write_paper(v, written[-1])
        written.append(folder / _("{s}-题本{v}-答案.pdf", s=stem, v=v.code))
        paper_pdf.write_key(v, written[-1])
    if rows:
        written.append(folder / _("{s}-答题卡.pdf", s=stem))
        paper_pdf.write_sheets(views, rows, written[-1], progress=progress, cancel=cancel)
    return written


@use_case(Action.QUIZ_PAPER, changes=SUBMITTED)
def enter_paper_answers(work: Work, quiz_id: int, rows: list[PaperAnswers]) -> list[EnteredAttempt]:
    """Store typed or read paper answers as attempts graded against their versions; all or nothing."""
    _quiz(work, quiz_id, manage=False)
    units = work.units()
    return paper.enter_answers(work.session, quiz_id, rows, clock=work.clock, actor_id=work.actor_id,
                               allowed_units=sorted(units) if units is not None else None)


@use_case(Action.QUIZ_PAPER, changes=SUBMITTED)
def enter_paper_file(work: Work, quiz_id: int, path: Path) -> list[EnteredAttempt]:
    """``enter_paper_answers`` from a spreadsheet of 警号, 题本, 答案 (core/quiz/paper_file.py)."""
    from core.quiz.paper_file import read_answers

    _quiz(work, quiz_id, manage=False)
    units = work.units()
    return paper.enter_answers(work.session, quiz_id, read_answers(path), clock=work.clock, actor_id=work.actor_id,
                               allowed_units=sorted(units) if units is not None else None)
