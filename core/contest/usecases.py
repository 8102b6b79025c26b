# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What people do with on-stage contests: set one up, open it (to host or resume), record each
event as it happens, print the result sheet, honour the winners.

Use cases (see :mod:`core.access.usecase`): ``fn(db, actor, ...)``. Secretaries reach the contests
of their own units (the organising unit); the questions and answers are for the host only, so
officers have no contest action at all.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from base.errors import InvalidInput
from base.i18n import _
from core.access.ownership import reach
from core.access.permissions import Action
from core.access.usecase import Change, Work, use_case
from core.bank import banks
from core.certificates import issue as cert_issue
from core.certificates import templates
from core.certificates.issue import CertInfo
from core.contest import setup, sheet, store
from core.contest.machine import Event
from core.contest.store import ContestData, ContestSummary, Recorded
from core.models import Certificate, Officer, UnitKind
from core.people.org import unit_tree


def _check(work: Work, unit_id: int | None) -> None:
    if unit_id is not None:
        work.check_unit(unit_id)
    elif work.units() is not None:
        raise InvalidInput(_("这场竞赛不属于任何单位，只有管理员可以操作"))


@use_case(Action.CONTEST_MANAGE, changes=Change.CONTESTS)
def create_contest(work: Work, data: dict[str, Any]) -> uuid.UUID:
    """A contest from a parsed spec (TOML's dict), its questions drawn now."""
    parsed = setup.parse_spec(work.session, data)
    _check(work, parsed.unit_id if parsed.unit_id is not None else work.actor.unit_id)
    spec = setup.draw_questions(work.session, parsed.spec)
    unit_id = parsed.unit_id if parsed.unit_id is not None else work.actor.unit_id
    return store.create(work.session, spec, unit_id=unit_id, held_on=parsed.held_on, clock=work.clock,
                        actor_id=work.actor_id)


@dataclass(frozen=True, slots=True)
class TeamChoice:
    """A unit a team may come from, with the officers who may play for it."""

    code: str
    name: str
    depth: int                                                     # in the unit tree, for indenting
    members: list[tuple[str, str]] = field(default_factory=list)   # (badge, name), active officers
    branch: bool = False                                           # a 党支部 (teams usually are)


@dataclass(frozen=True, slots=True)
class SetupChoices:
    """What the set-up form offers: the actor's units (organiser and teams) and the banks they see."""

    units: list[TeamChoice]
    banks: list[tuple[str, dict[str, int]]]      # (name, active questions by type)
    home: str                                    # the actor's own unit's code: the default organiser


@use_case(Action.CONTEST_MANAGE, readonly=True)
def setup_choices(work: Work) -> SetupChoices:
    """The units (with their officers) and banks a contest set up by the actor may use: the same
    dict :func:`create_contest` takes then names them by unit code, badge and bank name."""
    allowed = work.units()
    nodes = [(n, depth) for root in unit_tree(work.session) for n, depth in root.walk_depth()
             if allowed is None or n.id in allowed]
    members: dict[int, list[tuple[str, str]]] = {}
    stmt = select(Officer.unit_id, Officer.badge, Officer.name).where(Officer.active).order_by(Officer.badge)
    if allowed is not None:
        stmt = stmt.where(Officer.unit_id.in_(allowed))
    for unit_id, badge, name in work.session.execute(stmt):
        members.setdefault(unit_id, []).append((badge, name))
    units = [TeamChoice(n.code, n.name, depth, members.get(n.id, []), n.kind == UnitKind.BRANCH)
             for n, depth in nodes]
    seen = reach(work)
    shown = [(b.name, dict(b.by_type)) for b in banks.list_banks(work.session) if seen.can_see(b.owner_unit_id)]
    home = next((n.code for n, _d in nodes if n.id == work.actor.unit_id), units[0].code if units else "")
    return SetupChoices(units, shown, home)


def read_spec_file(path: Path) -> dict[str, Any]:
    """The TOML spec file, or a located message (file, line)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(_("无法读取 {f}：{e}", f=path, e=exc.strerror or exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(_("{f}：TOML 格式错误：{e}", f=path.name, e=exc)) from exc


@use_case(Action.CONTEST_VIEW)
def list_contests(work: Work) -> list[ContestSummary]:
    return store.summaries(work.session, work.units())


@use_case(Action.CONTEST_VIEW)
def open_contest(work: Work, contest_id: uuid.UUID) -> ContestData:
    """Everything a console needs to host or resume the contest (questions with their answers)."""
    data = store.load(work.session, contest_id)
    _check(work, data.unit_id)
    return data


@use_case(Action.CONTEST_HOST, changes=Change.CONTESTS, retry_on_conflict=True)
def record_event(work: Work, contest_id: uuid.UUID, event: Event, *, expect_seq: int | None = None) -> Recorded:
    """Store one host action, buzz or ruling as it happens (refused when it cannot happen now);
    finishing the contest enters its points in the ledger."""
    _check(work, store.unit_of(work.session, contest_id))
    return store.record(work.session, contest_id, event, clock=work.clock, actor_id=work.actor_id,
                        expect_seq=expect_seq)


@use_case(Action.CONTEST_VIEW, transaction=False)
def result_sheet(work: Work, contest_id: uuid.UUID, target: Path) -> Path:
    """The result sheet PDF: teams, round-by-round scores, every ruling and adjustment."""
    with work.transaction() as s:
        data = store.load(s, contest_id)
        _check(work, data.unit_id)
    return sheet.write_sheet(data, target)


@use_case(Action.CONTEST_MANAGE, changes=Change.CERTIFICATES)
def issue_certificates(work: Work, contest_id: uuid.UUID, *, top: int = 1,
                       awards: tuple[str, ...] = ("一等奖", "二等奖", "三等奖")) -> list[CertInfo]:
    """荣誉证书 for the members of the ``top`` placed teams of a finished contest (once each)."""
    work.require(Action.CERT_ISSUE)
    s = work.session
    data = store.load(s, contest_id)
    _check(work, data.unit_id)
    if data.status != "finished":
        raise InvalidInput(_("竞赛结束后才能颁发证书"))
    template = templates.default_template_for(s, "honour")
    if template is None:
        raise InvalidInput(_("还没有荣誉证书模板，请先在“证书 → 模板”中创建"))
    contest = data.contest()
    out = []
    for rank, team, score in contest.ranking():
        if rank > top:
            break
        for m in data.spec.teams[team].members:
            if m.officer_id is None or _holds(s, m.officer_id, data.title):
                continue
            award = awards[rank - 1] if rank <= len(awards) else _("优秀奖")
            out.append(cert_issue.issue(s, officer_id=m.officer_id, template=template, exam=data.title,
                                        score=_("{n}分", n=f"{score:g}"), date=data.held_on, clock=work.clock,
                                        award=f"{award}（{data.spec.teams[team].name}）", actor_id=work.actor_id))
    return out


def _holds(s: Any, officer_id: int, title: str) -> bool:
    rows = s.scalars(select(Certificate.fields).where(Certificate.officer_id == officer_id,
                                                     Certificate.quiz_id.is_(None)))
    return any(f.get("exam") == title for f in rows)
