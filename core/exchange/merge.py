# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Storing a checked package: idempotent, by natural key or UUID, in the caller's transaction.

Exam packages update what the branch decides (units, people, banks, questions, the quiz) and
add what is missing; question versions never change once stored (only whether they are current);
an account's role and password stay as this database has them. New people get a random initial
password that must be changed at the first login (their slips are returned for printing).

Results packages add what is missing and move forward what progressed (an attempt submitted since
the last package, a study session read longer, reading progress), never backwards. The written
rule for conflicts: an officer who took a quiz more often than it allows, counting both PCs, keeps
the **earlier** attempts (by start time); the later one is stored or marked ``void`` with its
answers, its certificate revoked and its quiz points not counted, and it is listed for the
secretary. Importing the same package again, or overlapping ones, changes nothing.

Rows are handled a table at a time: the existing ones found with one query per thousand keys, the
new ones inserted with one executemany, so 100,000 answers merge in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from base.i18n import _
from core.exchange import travel as tv
from core.exchange.package import Package, PackageRefused, table_member
from core.exchange.travel import KeyMap, Travel, Unresolved, key_filter, resolve_row, resolve_rows
from core.infra.bulk import insert_rows
from core.infra.clock import local_date
from core.infra.passwords import hash_many, random_password
from core.models import Attempt, Certificate, LedgerEntry, Officer, Quiz, Unit
from core.people.slips import PasswordSlip

STATUS_RANK = {"in_progress": 0, "pending_manual": 1, "submitted": 2}
VOID_REASON = "重复作答：同一考试在两台电脑上作答，以较早的一次为准"
CHUNK = 900                                  # keys per IN (…) query
KEEP_LOCAL = {"officers": {"role"}}          # an account's role is set where it is used
FROZEN = {"questions": ("is_current", "active")}   # a version's content never changes


@dataclass
class Merged:
    """What storing a package did (or, for a preview, would do)."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    slips: list[PasswordSlip] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"added": dict(self.added), "updated": dict(self.updated), "unchanged": dict(self.unchanged),
                "conflicts": self.conflicts}


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _key(travel: Travel, values: dict[str, Any]) -> Any:
    return tuple(values[k] for k in travel.key) if len(travel.key) > 1 else values[travel.key[0]]


def _existing(session: Session, travel: Travel, rows: list[dict[str, Any]], *,
              whole: bool = True) -> dict[Any, dict[str, Any]]:
    """The rows of this database with the natural keys of ``rows``, by key (``whole=False``: only
    whether they exist, each found row an empty dict)."""
    table = travel.table
    cols = [table.c[k] for k in travel.key]
    keys = list({_key(travel, r) for r in rows})
    found: dict[Any, dict[str, Any]] = {}
    target = tuple_(*cols) if len(cols) > 1 else cols[0]
    names = [c.name for c in table.columns]
    for chunk in _chunks(keys):
        if whole:
            for row in session.connection().execute(select(table).where(target.in_(chunk))):
                values = dict(zip(names, row, strict=True))
                found[_key(travel, values)] = values
        else:
            for row in session.connection().execute(select(*cols).where(target.in_(chunk))):
                found[tuple(row) if len(cols) > 1 else row[0]] = {}
    return found


def _resolved(package: Package, travel: Travel, keys: KeyMap) -> list[dict[str, Any]]:
    try:
        return resolve_rows(travel, package.rows.get(travel.name, []), keys)
    except Unresolved as exc:
        raise PackageRefused(package.source, str(exc), member=table_member(travel), line=exc.index + 1,
                             column=exc.column) from None


def _update(session: Session, travel: Travel, existing: dict[str, Any], values: dict[str, Any]) -> bool:
    changed = {k: v for k, v in values.items() if k in existing and existing[k] != v}
    if changed:
        session.connection().execute(update(travel.table).where(key_filter(travel, existing)).values(**changed))
    return bool(changed)


def _insert_all(session: Session, travel: Travel, rows: list[dict[str, Any]]) -> None:
    insert_rows(session.connection(), travel.table, rows)


# Tables whose stored rows are compared with the package's (the others: only whether they exist).
_COMPARED = frozenset({"attempts", "attempt_items", "study_sessions", "material_progress"})

Decide = Callable[[dict[str, Any], dict[str, Any] | None], str]   # (incoming, existing) -> added/updated/unchanged


def _merge_table(session: Session, package: Package, travel: Travel, keys: KeyMap, out: Merged,
                 decide: Decide, fresh: Callable[[dict[str, Any]], bool] | None = None, whole: bool = True) -> None:
    """Resolve, compare and store one table. ``decide`` stores updates itself and says what it did;
    rows it calls "added" are inserted together afterwards (one by one for self-referencing tables,
    whose later rows may point at earlier ones)."""
    name = travel.name
    if travel.self_referencing():
        for line, row in enumerate(package.rows.get(name, []), start=1):
            try:
                values = resolve_row(travel, row, keys)
            except Unresolved as exc:
                raise PackageRefused(package.source, str(exc), member=table_member(travel), line=line,
                                     column=exc.column) from None
            outcome = decide(values, _existing(session, travel, [values]).get(_key(travel, values)))
            if outcome == "added":
                _insert_all(session, travel, [values])
                keys.forget(travel)
            getattr(out, outcome)[name] += 1
        return
    rows = _resolved(package, travel, keys)
    # Rows known to be new need no lookup (the items of an attempt this import added).
    unknown = [r for r in rows if fresh is None or not fresh(r)]
    existing = _existing(session, travel, unknown, whole=whole) if unknown else {}
    new = []
    for values in rows:
        outcome = decide(values, existing.get(_key(travel, values)))
        if outcome == "added":
            new.append(values)
        getattr(out, outcome)[name] += 1
    _insert_all(session, travel, new)
    if new:
        keys.forget(travel)           # new local ids: reload this table's keys when next referred to


# --- exam packages -------------------------------------------------------------------------------

def merge_exam(session: Session, package: Package, *, now: dt.datetime) -> Merged:
    keys, out = KeyMap(session), Merged()
    new_people: list[dict[str, Any]] = []
    for name in package.manifest["tables"]:
        travel = tv.TRAVELS[name]

        def decide(values: dict[str, Any], existing: dict[str, Any] | None, travel: Travel = travel) -> str:
            if existing is None:
                if travel is tv.OFFICERS:
                    values["password_hash"], values["must_change_password"] = "!", True
                    new_people.append(values)
                return "added"
            wanted = {k: values[k] for k in FROZEN[travel.name]} if travel.name in FROZEN else values
            wanted = {k: v for k, v in wanted.items() if k not in KEEP_LOCAL.get(travel.name, ())}
            return "updated" if _update(session, travel, existing, wanted) else "unchanged"

        _merge_table(session, package, travel, keys, out, decide)
    out.slips = _initial_passwords(session, new_people, now)
    return out


def _initial_passwords(session: Session, people: list[dict[str, Any]], now: dt.datetime) -> list[PasswordSlip]:
    """A random password for each new person, to be changed at the first login; their slips."""
    if not people:
        return []
    passwords = [random_password() for _p in people]
    hashes = hash_many(passwords, label=_("正在生成初始密码"))
    units = {u: n for u, n in session.execute(select(Unit.id, Unit.name))}
    slips = []
    for person, password, hashed in zip(people, passwords, hashes, strict=True):
        session.connection().execute(update(Officer).where(Officer.badge == person["badge"])
                                     .values(password_hash=hashed, must_change_password=True))
        slips.append(PasswordSlip(person["badge"], person["name"], units.get(person["unit_id"], ""), password,
                                  local_date(now)))
    return slips


# --- results packages ----------------------------------------------------------------------------

class _Attempts:
    """The attempts of the package's officers at their quizzes, kept current while merging."""

    def __init__(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """``rows``: the package's attempts, resolved to this database's ids."""
        self.session = session
        self.by_pair: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        officers = list({r["officer_id"] for r in rows})
        for chunk in _chunks(officers):
            for a in session.execute(select(Attempt.id, Attempt.quiz_id, Attempt.officer_id, Attempt.started_at,
                                            Attempt.status, Attempt.number).where(Attempt.officer_id.in_(chunk))):
                self.by_pair[(a.quiz_id, a.officer_id)].append(dict(a._mapping))
        self.quizzes = {q.id: q for q in session.execute(select(Quiz.id, Quiz.title, Quiz.attempts_allowed))}
        self.voided: set[Any] = set()
        self.moved: set[Any] = set()          # added or moved forward by this package
        self.added: set[Any] = set()          # added by this package
        self.stored: dict[Any, dict[str, Any]] = {}   # the package's attempts this database had, by id

    def counted(self, quiz_id: int, officer_id: int) -> int:
        return sum(1 for a in self.by_pair[(quiz_id, officer_id)] if a["status"] != "void")


def merge_results(session: Session, package: Package) -> Merged:
    keys, out = KeyMap(session), Merged()
    attempts = _resolved(package, tv.ATTEMPTS, keys)
    state = _Attempts(session, attempts)
    for name in package.manifest["tables"]:
        travel = tv.TRAVELS[name]
        if travel is tv.ATTEMPTS:
            # Attempts in start order: the conflict rule looks at the ones before. The new ones are
            # inserted together afterwards (a voided one among them is changed before it is stored).
            existing = state.stored = _existing(session, travel, attempts)
            new: list[dict[str, Any]] = []
            for values in sorted(attempts, key=lambda v: v["started_at"]):
                outcome = _merge_attempt(session, package, values, existing.get(values["id"]), out, state)
                if outcome == "added":
                    new.append(values)
                getattr(out, outcome)[name] += 1
            _insert_all(session, travel, new)
            continue
        decide = _results_rule(session, travel, state, out)
        fresh = (lambda r: r["attempt_id"] in state.added) if travel is tv.ITEMS else None
        _merge_table(session, package, travel, keys, out, decide, fresh, whole=travel.name in _COMPARED)
    return out


def _results_rule(session: Session, travel: Travel, state: _Attempts, out: Merged) -> Decide:
    ledger_seen: dict[int, set[tuple[Any, ...]]] = {}      # officer -> credits stored, read when first needed

    def credits(officer_id: int) -> set[tuple[Any, ...]]:
        if officer_id not in ledger_seen:
            ledger_seen[officer_id] = {tuple(r) for r in session.execute(select(
                LedgerEntry.officer_id, LedgerEntry.rule_code, LedgerEntry.source_type, LedgerEntry.source_id)
                .where(LedgerEntry.officer_id == officer_id))}
        return ledger_seen[officer_id]

    def decide(values: dict[str, Any], existing: dict[str, Any] | None) -> str:
        if existing is not None:
            if travel is tv.ITEMS and values["attempt_id"] in state.moved:
                return "updated" if _update(session, travel, existing, values) else "unchanged"
            if travel is tv.SESSIONS and values["active_seconds"] > existing["active_seconds"]:
                return "updated" if _update(session, travel, existing, values) else "unchanged"
            if travel is tv.PROGRESS:
                return "updated" if _update(session, travel, existing, _further(existing, values)) else "unchanged"
            return "unchanged"
        if travel is tv.CERTIFICATES:
            clash = session.scalar(select(Certificate.id).where(Certificate.serial == values["serial"],
                                                                Certificate.version == values["version"]))
            if clash is not None:
                out.conflicts.append({"kind": "certificate_serial", "serial": values["serial"]})
                return "unchanged"
            values.update(signature="", key_id=None, legacy_signature="")
            if values.get("attempt_id") in state.voided and values["status"] == "valid":
                values.update(status="revoked", revoked_reason=_(VOID_REASON))
        if travel is tv.LEDGER:
            mark = (values["officer_id"], values["rule_code"], values["source_type"], values["source_id"])
            seen = credits(values["officer_id"])
            if mark in seen or (values["source_type"] == "quiz" and _void_source(state, values)):
                return "unchanged"          # the same credit earned on both PCs counts once
            seen.add(mark)
        return "added"

    return decide


def _void_source(state: _Attempts, values: dict[str, Any]) -> bool:
    """A quiz credit whose attempts here were all voided as duplicates is not stored."""
    if not state.voided or not str(values["source_id"]).isdigit():
        return False
    return state.counted(int(values["source_id"]), values["officer_id"]) == 0


def _further(existing: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Reading progress moves only forward: the larger time and position, the first finish."""
    finished = [f for f in (existing["finished_at"], values["finished_at"]) if f is not None]
    return {"seconds": max(existing["seconds"], values["seconds"]),
            "position": max(existing["position"], values["position"]),
            "finished_at": min(finished) if finished else None,
            "updated_at": max((u for u in (existing["updated_at"], values["updated_at"]) if u is not None),
                              default=None)}


def _merge_attempt(session: Session, package: Package, values: dict[str, Any], existing: dict[str, Any] | None,
                   out: Merged, state: _Attempts) -> str:
    conn = session.connection()
    pair = (values["quiz_id"], values["officer_id"])
    if existing is not None:
        if existing["status"] == "void" or STATUS_RANK.get(values["status"], -1) <= STATUS_RANK.get(
                existing["status"], -1):
            return "unchanged"
        keep = {k: existing[k] for k in ("number", "unit_id")}
        state.moved.add(values["id"])
        for a in state.by_pair[pair]:
            if a["id"] == values["id"]:
                a["status"] = values["status"]
        return "updated" if _update(session, tv.ATTEMPTS, existing, {**values, **keep}) else "unchanged"
    quiz = state.quizzes.get(values["quiz_id"])
    others = [a for a in state.by_pair[pair] if a["status"] != "void"]
    limit = quiz.attempts_allowed if quiz is not None else None
    clash_open = values["status"] == "in_progress" and any(a["status"] == "in_progress" for a in others)
    if values["status"] != "void" and ((limit is not None and len(others) + 1 > limit) or clash_open):
        ranked = sorted([(a["started_at"], str(a["id"]), a) for a in others]
                        + [(values["started_at"], str(values["id"]), values)], key=lambda t: (t[0], t[1]))
        later = ranked[-1][2]
        if later is not values and later["id"] not in state.added:     # stored before this import: void it
            conn.execute(update(Attempt).where(Attempt.id == later["id"]).values(status="void"))
            conn.execute(update(Certificate).where(Certificate.attempt_id == later["id"], Certificate.status == "valid")
                         .values(status="revoked", revoked_reason=_(VOID_REASON)))
            if (stored := state.stored.get(later["id"])) is not None:
                stored["status"] = "void"
        later["status"] = "void"                  # a new one (this one too) is voided before it is stored
        state.voided.add(later["id"])
        out.conflicts.append({"kind": "duplicate_attempt", "quiz": quiz.title if quiz else "",
                              "officer": values["officer_id"], "voided": str(later["id"]),
                              "kept": [str(a["id"]) for _s, _i, a in ranked[:-1]],
                              "from": package.installation.get("name", "")})
    numbers = {a["number"] for a in state.by_pair[pair]}
    if values["number"] in numbers:
        values["number"] = max(numbers) + 1
    state.by_pair[pair].append(values)         # stored with the other new attempts after the loop
    state.moved.add(values["id"])
    state.added.add(values["id"])
    return "added"


def describe_conflicts(session: Session, merged: Merged) -> list[dict[str, Any]]:
    """The conflicts with the officer's badge and name instead of a local id (for people to read)."""
    out = []
    for c in merged.conflicts:
        if isinstance(c.get("officer"), int):
            o = session.get(Officer, c["officer"])
            c = {**c, "officer": f"{o.name}（{o.badge}）" if o else c["officer"]}
        out.append(c)
    return out
