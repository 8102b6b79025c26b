# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""How rows travel between databases: by natural keys, never by local integer ids.

Each database numbers its units, officers, banks, questions and quizzes itself. In a package a
row's integer references are replaced by the natural key of the row they point to (a unit by its
code, an officer by badge, a question version by lineage and version, a quiz by its uid), and the
receiving database maps them back to its own ids. Rows that only ever live in one place and are
keyed by UUID (attempts, their items, study sessions, ledger entries, certificates) keep their
UUID, so importing them twice finds them the second time.

:data:`TRAVELS` says, per table, the natural key, the references and the columns that never
travel (password hashes, a certificate's signing key id).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Select, String, Table, Text, Uuid, cast, select, tuple_
from sqlalchemy.orm import Session

from base.i18n import _
from core.infra.bulk import map_distinct
from core.models import (
    Attempt,
    AttemptItem,
    AuditEntry,
    Bank,
    Certificate,
    CertTemplate,
    LedgerEntry,
    Material,
    MaterialProgress,
    Officer,
    PointRule,
    QuestionRow,
    Quiz,
    QuizQuestion,
    QuizSection,
    StudySession,
    Unit,
)
from core.models.base import Base


@dataclass(frozen=True)
class Travel:
    """A table's way between databases."""

    model: type[Base]
    key: tuple[str, ...]                                   # natural key (may include reference columns)
    refs: Mapping[str, type[Base]] = field(default_factory=dict)          # column -> the model it points to
    omit: frozenset[str] = frozenset()                     # never sent (local ids, secrets)
    json_refs: Mapping[str, tuple[str, type[Base]]] = field(default_factory=dict)   # JSON column -> (id or list, model)

    @property
    def table(self) -> Table:
        table = self.model.__table__
        assert isinstance(table, Table)
        return table

    @property
    def name(self) -> str:
        return self.table.name

    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns if c.name not in self.omit]

    def self_referencing(self) -> bool:
        """Rows may point at rows of the same table (a unit's parent): stored one by one, in order."""
        return self.model in self.refs.values()


def _t(model: type[Base], key: tuple[str, ...], refs: Mapping[str, type[Base]] | None = None,
       omit: Iterable[str] = (), json_refs: Mapping[str, tuple[str, type[Base]]] | None = None) -> Travel:
    int_pk = "id" if "id" not in key else None
    return Travel(model, key, refs or {}, frozenset({*omit, *([int_pk] if int_pk else [])}), json_refs or {})


UNITS = _t(Unit, ("code",), {"parent_id": Unit})
OFFICERS = _t(Officer, ("badge",), {"unit_id": Unit}, omit=("password_hash", "must_change_password"))
BANKS = _t(Bank, ("name",), {"owner_unit_id": Unit}, omit=("draw_token",))   # each database's own
MATERIALS = _t(Material, ("uid",), json_refs={"audience": ("units", Unit)})
QUESTIONS = _t(QuestionRow, ("lineage", "version"), {"bank_id": Bank, "material_id": Material})
TEMPLATES = _t(CertTemplate, ("name",))
RULES = _t(PointRule, ("code", "valid_from"))
QUIZZES = _t(Quiz, ("uid",), {"certificate_template_id": CertTemplate, "created_by": Officer, "owner_unit_id": Unit},
             json_refs={"audience": ("units", Unit)})
SECTIONS = _t(QuizSection, ("quiz_id", "position"), {"quiz_id": Quiz}, json_refs={"filters": ("bank_ids", Bank)})
FIXED = _t(QuizQuestion, ("quiz_id", "position"), {"quiz_id": Quiz, "question_id": QuestionRow})

ATTEMPTS = _t(Attempt, ("id",), {"quiz_id": Quiz, "officer_id": Officer, "unit_id": Unit},
              omit=("paper_version_id",))       # paper versions are printed and entered at the branch
ITEMS = _t(AttemptItem, ("id",), {"question_id": QuestionRow, "graded_by": Officer})
SESSIONS = _t(StudySession, ("id",), {"officer_id": Officer, "unit_id": Unit, "material_id": Material},
              omit=("group_session_id",))       # a group session's credit stays where the session was recorded
PROGRESS = _t(MaterialProgress, ("officer_id", "material_id"), {"officer_id": Officer, "material_id": Material})
LEDGER = _t(LedgerEntry, ("id",), {"officer_id": Officer, "unit_id": Unit})
# The branch signs them when printing (so the unit in their fields may be mapped to its own id first).
CERTIFICATES = _t(Certificate, ("id",), {"officer_id": Officer, "quiz_id": Quiz, "template_id": CertTemplate},
                  omit=("key_id", "signature", "legacy_signature", "qr_code"), json_refs={"fields": ("unit_id", Unit)})
AUDIT = _t(AuditEntry, ("at", "pc", "action", "target_type", "target_id"), {"actor_id": Officer})

EXAM_TABLES = (UNITS, OFFICERS, BANKS, MATERIALS, QUESTIONS, TEMPLATES, RULES, QUIZZES, SECTIONS, FIXED)
RESULT_TABLES = (ATTEMPTS, ITEMS, SESSIONS, PROGRESS, LEDGER, CERTIFICATES, AUDIT)
TRAVELS: dict[str, Travel] = {t.name: t for t in (*EXAM_TABLES, *RESULT_TABLES)}
BY_MODEL: dict[type[Base], Travel] = {t.model: t for t in TRAVELS.values()}


# --- values as JSON ------------------------------------------------------------------------------

def to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def natural(values: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    """The natural key of a row as one JSON value: a scalar for one column, else a list."""
    parts = [to_json(values[k]) for k in key]
    return parts[0] if len(parts) == 1 else parts


class KeyMap:
    """Local id <-> natural key of the referenced tables, loaded once per table."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._to_key: dict[str, dict[Any, Any]] = {}
        self._to_id: dict[str, dict[Any, Any]] = {}

    def _load(self, travel: Travel) -> None:
        if travel.name in self._to_key:
            return
        table = travel.table
        cols = [table.c[k] for k in travel.key]
        forward: dict[Any, Any] = {}
        backward: dict[Any, Any] = {}
        for row in self.session.execute(select(table.c.id, *cols)):
            values = dict(zip(travel.key, row[1:], strict=True))
            key = self.key_of(travel, values)
            forward[row[0]] = key
            backward[_hashable(key)] = row[0]
        self._to_key[travel.name], self._to_id[travel.name] = forward, backward

    def key_of(self, travel: Travel, values: dict[str, Any]) -> Any:
        """A natural key whose own reference columns are natural keys too (a section by quiz uid)."""
        out = dict(values)
        for k in travel.key:
            if k in travel.refs and out[k] is not None:
                out[k] = self.key(travel.refs[k], out[k])
        return natural(out, travel.key)

    def key(self, model: type[Base], local_id: Any) -> Any:
        travel = BY_MODEL[model]
        self._load(travel)
        return self._to_key[travel.name].get(local_id)

    def local(self, model: type[Base], key: Any) -> Any:
        travel = BY_MODEL[model]
        self._load(travel)
        return self._to_id[travel.name].get(_hashable(key))

    def forget(self, travel: Travel) -> None:
        """Rows were added to ``travel``'s table: load its keys again when next needed."""
        self._to_key.pop(travel.name, None)
        self._to_id.pop(travel.name, None)

    def remember(self, model: type[Base], local_id: Any, key: Any) -> None:
        travel = BY_MODEL[model]
        self._load(travel)
        self._to_key[travel.name][local_id] = key
        self._to_id[travel.name][_hashable(key)] = local_id


def _hashable(key: Any) -> Any:
    return tuple(_hashable(k) for k in key) if isinstance(key, list | tuple) else key


# A ledger entry's source names a local row: the quiz or material by id, a practice answer by day
# and question id. They travel as uids (practice: lineage/version) and come back as local ids.
_SOURCE_MODELS: dict[str, type[Base]] = {"quiz": Quiz, "material": Material}


def _encode_source(source_type: str, source_id: str, keys: KeyMap) -> str:
    if source_type in _SOURCE_MODELS and source_id.isdigit():
        key = keys.key(_SOURCE_MODELS[source_type], int(source_id))
        return f"uid:{key}" if key is not None else source_id
    if source_type == "practice" and ":" in source_id:
        day, _sep, qid = source_id.partition(":")
        key = keys.key(QuestionRow, int(qid)) if qid.isdigit() else None
        return f"{day}:q:{key[0]}:{key[1]}" if key is not None else source_id
    return source_id


def _resolve_source(source_type: str, source_id: str, keys: KeyMap) -> str:
    if source_type in _SOURCE_MODELS and source_id.startswith("uid:"):
        local = keys.local(_SOURCE_MODELS[source_type], source_id.removeprefix("uid:"))
        return str(local) if local is not None else source_id
    if source_type == "practice" and ":q:" in source_id:
        day, _sep, rest = source_id.partition(":q:")
        lineage, _sep2, version = rest.rpartition(":")
        local = keys.local(QuestionRow, [lineage, int(version)]) if version.isdigit() else None
        return f"{day}:{local}" if local is not None else source_id
    return source_id


def _json_keys(keys: KeyMap, inner: str, model: type[Base], value: Any) -> Any:
    """A JSON column's id or list of ids (``value[inner]``) as natural keys."""
    if isinstance(value, dict):
        ids = value.get(inner)
        if isinstance(ids, list):
            return {**value, inner: [keys.key(model, x) for x in ids]}
        if isinstance(ids, int) and not isinstance(ids, bool):
            return {**value, inner: keys.key(model, ids)}
    return value


def json_text(value: Any) -> str:
    """A JSON column's value as it travels: its JSON text (decoded once per distinct text)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


Convert = Callable[[Any], Any]


class Encoder:
    """Rows of one table as they travel, converted a column at a time.

    Values come from the database as close to their travelling form as it stores them: JSON
    columns and UUIDs as text (``CAST``), so they are neither parsed nor built as objects only to be
    written out again; references become natural keys and times ISO text, each distinct value once
    (:func:`core.infra.bulk.map_distinct`)."""

    def __init__(self, travel: Travel, keys: KeyMap) -> None:
        self.travel, self.keys = travel, keys
        table = travel.table
        self.names = travel.columns()
        self.selected: list[Any] = []
        self.plan: list[Convert | None] = []
        for name in self.names:
            column = table.c[name]
            selected: Any = column
            convert: Convert | None = None
            if name in travel.refs:
                convert = functools.partial(keys.key, travel.refs[name])
            elif name in travel.json_refs:
                convert = functools.partial(_encode_json_refs, keys, *travel.json_refs[name])
            elif isinstance(column.type, JSON):
                selected = cast(column, Text)             # the stored JSON text, as it is
            elif isinstance(column.type, Uuid):
                selected = cast(column, String)           # hex text: no UUID objects on the way out
            else:
                convert = _converter(column)
            self.selected.append(selected.label(name))
            self.plan.append(convert)

    def select(self) -> Select[Any]:
        return select(*self.selected)

    def __call__(self, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        """The rows of :meth:`select`'s result, as they travel."""
        if not rows:
            return []
        columns = []
        for column, convert in zip(zip(*rows, strict=True), self.plan, strict=True):
            values = list(column)
            columns.append(values if convert is None else map_distinct(convert, values))
        out = [dict(zip(self.names, row, strict=True)) for row in zip(*columns, strict=True)]
        if self.travel.model is LedgerEntry:
            for row in out:
                row["source_id"] = _encode_source(row["source_type"], row["source_id"], self.keys)
        return out


def _converter(column: Any) -> Convert | None:
    """How one column's values become JSON (None: as they are, for text, numbers and booleans)."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = None
    return None if kind in (str, int, float, bool) else to_json


def _encode_json_refs(keys: KeyMap, inner: str, model: type[Base], value: Any) -> str:
    return json_text(_json_keys(keys, inner, model, value))


class Unresolved(ValueError):
    """A reference the receiving database cannot map (the column and the key, for the message;
    ``index``: the row's position when many rows are resolved)."""

    def __init__(self, column: str, key: Any, index: int = 0) -> None:
        super().__init__(_("引用的记录 {k} 在本数据库中不存在", k=key))
        self.column, self.index = column, index


def resolve_row(travel: Travel, row: dict[str, Any], keys: KeyMap) -> dict[str, Any]:
    """The package row with its natural keys mapped to this database's ids: a missing optional
    reference becomes empty, a missing required one is Unresolved."""
    out = dict(row)
    for name, model in travel.refs.items():
        value = out.get(name)
        if value is not None:
            local = keys.local(model, value)
            if local is None and not travel.table.c[name].nullable:
                raise Unresolved(name, value)
            out[name] = local
    _resolve_embedded(travel, out, keys)
    return out


def resolve_rows(travel: Travel, rows: list[dict[str, Any]], keys: KeyMap) -> list[dict[str, Any]]:
    """:func:`resolve_row` for many rows, column by column: each distinct key is looked up once."""
    out = [dict(row) for row in rows]
    for name, model in travel.refs.items():
        column = [tuple(v) if type(v) is list else v for v in (row[name] for row in out)]
        local = {k: keys.local(model, k) for k in set(column) if k is not None}
        mapped = list(map(local.get, column))
        if not travel.table.c[name].nullable and None in mapped:
            index = mapped.index(None)
            raise Unresolved(name, out[index][name], index)
        for row, value in zip(out, mapped, strict=True):
            row[name] = value
    if travel.json_refs or travel.model is LedgerEntry:
        for row in out:
            _resolve_embedded(travel, row, keys)
    return out


def _resolve_embedded(travel: Travel, row: dict[str, Any], keys: KeyMap) -> None:
    """Ids inside JSON columns (those this database lacks dropped from a list, a single one None)
    and a ledger entry's source, in place."""
    for name, (inner, model) in travel.json_refs.items():
        value = row.get(name)
        if not isinstance(value, dict) or value.get(inner) is None:
            continue
        if isinstance(value[inner], list):
            mapped = [keys.local(model, k) for k in value[inner]]
            row[name] = {**value, inner: [m for m in mapped if m is not None]}
        else:
            row[name] = {**value, inner: keys.local(model, value[inner])}
    if travel.model is LedgerEntry:
        row["source_id"] = _resolve_source(row["source_type"], row["source_id"], keys)


def key_filter(travel: Travel, resolved: dict[str, Any]) -> Any:
    """A WHERE clause finding ``resolved``'s row by its natural key in this database."""
    table = travel.table
    if len(travel.key) == 1:
        return table.c[travel.key[0]] == resolved[travel.key[0]]
    return tuple_(*(table.c[k] for k in travel.key)) == tuple_(*(resolved[k] for k in travel.key))
