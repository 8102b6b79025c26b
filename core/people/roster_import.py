# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Importing a roster (花名册) from Excel/WPS (.xlsx .xls .ods) or CSV, with located problems.

Columns (any order, Chinese or English headers, found in the first rows): 警号, 姓名,
单位/支部 (code or name), 类别 (民警/辅警), 党员 (是/否), 职务, 手机 (optional), 性别.

The contract is the question banks' one: nothing is stored when any row has an error
(``skip_invalid`` stores the good rows), ``dry_run`` previews, and every problem names
file, sheet, row and field. Duplicates: a badge twice in the file is an error on the
later row; a badge already in the database **updates** that officer (name, unit — a move
with history —, category, party, title, phone; empty cells keep the stored value).

Initial passwords: every new officer gets a password of their own (8 random characters from
a readable alphabet, ``secrets``), which they must change at their first login
(``must_change_password``). Argon2 costs ~0.2 s per hash, so the hashes are made on a few
threads (argon2 releases the GIL) before the write transaction opens, with progress and cancel;
each new row of the report carries its password, for the printable slips (:mod:`core.people.slips`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from base.limits import LimitExceeded, TextBudget, check_file_size, check_rows, looks_binary
from base.problems import Problem, Severity, StoreOutcome
from base.progress import CancelToken, ProgressSink, no_progress
from core.infra import audit
from core.infra.clock import local_date, utcnow
from core.infra.db import Database
from core.infra.passwords import hash_many, random_password
from core.models import Category, Officer, Role, Unit
from core.people.roster_edit import move_officer, update_officer
from core.people.slips import PasswordSlip
from core.people.users import add_user
from quizbank.columns import display
from quizbank.normalize import clean, fold

FIELDS = ("badge", "name", "unit", "category", "party", "title", "phone", "gender")
_NAMES = {
    "badge": ("警号", "警员编号", "编号", "工号", "badge", "badgeno", "badgenumber", "policeid", "id"),
    "name": ("姓名", "名字", "name", "fullname"),
    "unit": ("单位", "支部", "所在支部", "所属支部", "党支部", "部门", "所在单位", "单位代码", "unit", "branch",
             "department"),
    "category": ("类别", "人员类别", "身份", "人员类型", "category", "type"),
    "party": ("党员", "政治面貌", "是否党员", "party", "partymember", "cpc"),
    "title": ("职务", "职位", "岗位", "title", "position", "post"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "tel"),
    "gender": ("性别", "gender", "sex"),
}
_LOOKUP = {n: f for f, names in _NAMES.items() for n in names}
_NOISE = re.compile(r"[(（【\[].*?[)）】\]]|[*＊:：\s_]")
_POLICE = {"民警", "警察", "正式民警", "police", "p", "officer"}
_AUXILIARY = {"辅警", "协警", "警务辅助人员", "辅助警察", "auxiliary", "aux", "a"}
_YES = {"是", "党员", "中共党员", "中共预备党员", "预备党员", "y", "yes", "true", "1", "√", "✓", "是党员"}
_NO = {"否", "群众", "非党员", "共青团员", "团员", "n", "no", "false", "0", "×", "无"}
_BADGE = re.compile(r"^[0-9A-Za-z\-]{1,20}$")
_PHONE = re.compile(r"^(1\d{10}|\d{3,4}-?\d{7,8})$")
HEADER_SCAN_ROWS = 10
FIELD_LABELS = {"badge": "警号", "name": "姓名", "unit": "单位", "category": "类别", "party": "党员",
                "title": "职务", "phone": "手机", "gender": "性别"}


def field_label(name: str) -> str:
    return _(FIELD_LABELS[name])


@dataclass(slots=True)
class RosterRow:
    """One data row as understood, with what importing it would do."""

    row: int
    sheet: str | None
    badge: str
    name: str
    unit_text: str
    unit_id: int | None = None
    unit_name: str = ""
    category: str | None = None
    party: bool | None = None
    title: str = ""
    phone: str = ""
    gender: str = ""
    action: str = "new"                 # new / update / unchanged / invalid
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    initial_password: str = field(default="", repr=False)   # a new officer's, once stored

    @property
    def valid(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


@dataclass(slots=True)
class RosterReport(StoreOutcome):
    file: str
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # every problem, file-level ones included
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    stored: bool = False
    dry_run: bool = False
    issued: dt.date | None = None        # the day the new officers' initial passwords were made

    def slips(self) -> list[PasswordSlip]:
        """One initial-password slip per officer this (stored) import created."""
        if not self.stored or self.issued is None:
            return []
        return [PasswordSlip(r.badge, r.name, r.unit_name, r.initial_password, self.issued)
                for r in self.rows if r.action == "new" and r.initial_password]

    def summary(self) -> str:
        if self.refused:
            return _("未导入：发现{n}个错误，请修正后重试（或跳过有错误的行：界面中勾选“跳过有错误的行”，命令行用 --skip-invalid）",
                     n=len(self.errors))
        verb = _("可新增") if self.dry_run else _("已新增")
        text = _("{verb} {n} 人，更新 {u} 人，无变化 {s} 人", verb=verb, n=self.created, u=self.updated,
                 s=self.unchanged)
        if self.invalid:
            text += _("，跳过有错误的 {n} 行", n=self.invalid)
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "invalid": self.invalid, "stored": self.stored, "dry_run": self.dry_run,
            "rows": [{"row": r.row, "badge": r.badge, "name": r.name, "unit": r.unit_name or r.unit_text,
                      "action": r.action, "changes": r.changes,
                      **({"initial_password": r.initial_password} if self.stored and r.initial_password else {})}
                     for r in self.rows],
            "problems": [p.to_dict() for p in self.problems],
        }


def header_field(cell: object) -> str | None:
    if not isinstance(cell, str) or not cell or len(cell) > 30:
        return None
    return _LOOKUP.get(_NOISE.sub("", fold(clean(cell))))


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for col, cell in enumerate(row):
            f = header_field(cell)
            if f is not None and f not in found:
                found[f] = col
        if {"badge", "name"} <= set(found) and len(found) >= 3:
            return i, found
    return None


def _grids(path: Path) -> list[tuple[str | None, Sequence[Sequence[object]]]]:
    """Every sheet's rows, after the checks of :mod:`base.limits` (used range, text, rows, zip sizes)."""
    budget = TextBudget.for_file(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        from quizbank.formats.csvfile import decode, sniff_delimiter

        check_file_size(path)
        data = path.read_bytes()
        if looks_binary(data):
            raise InvalidInput(_("文件看起来不是文本（可能是图片、压缩包或其他二进制文件）"))
        text, _ok = decode(data)
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))]
        check_rows(path.name, len(rows))
        for i, row in enumerate(rows, start=1):
            chars = sum(map(len, row))
            budget.add(chars, row=i)
            if chars > budget.field_limit:
                budget.field(max(map(len, row)), row=i)
        return [(None, rows)]
    from quizbank.formats.spreadsheet import sheet_rows
    from quizbank.guard import open_workbook

    book = open_workbook(path)
    return [(name, sheet_rows(book.book.get_sheet_by_name(name))) for name in book.sheet_names]


def _parse_rows(path: Path, report: RosterReport) -> list[RosterRow]:
    try:
        grids = _grids(path)
    except LimitExceeded as exc:
        report.problems.append(exc.problem)
        return []
    except Exception as exc:  # calamine and csv raise several types for damaged files
        report.problems.append(Problem(path.name, _("无法打开文件：{e}", e=exc)))
        return []
    out: list[RosterRow] = []
    found_any = False
    for sheet, rows in grids:
        header = _find_header(rows)
        if header is None:
            continue
        found_any = True
        start, cols = header
        for i in range(start + 1, len(rows)):
            cells = rows[i]

            def cell(f: str, cells: Sequence[object] = cells, cols: dict[str, int] = cols) -> str:
                c = cols.get(f)
                return display(cells[c]) if c is not None and c < len(cells) else ""

            values = {f: cell(f) for f in FIELDS}
            if not any(values.values()):
                continue
            out.append(_check_row(path.name, sheet, i + 1, values))
    if not found_any:
        report.problems.append(Problem(path.name, _("没有找到表头行：需要“警号”“姓名”“单位”等列")))
    return out


def _check_row(file: str, sheet: str | None, row: int, v: dict[str, str]) -> RosterRow:
    r = RosterRow(row, sheet, v["badge"], v["name"], v["unit"], title=v["title"], phone=v["phone"],
                  gender=v["gender"])

    def problem(f: str, message: str, severity: Severity = Severity.ERROR) -> None:
        r.problems.append(Problem(file, message, severity, sheet, row, None, field_label(f)))

    if not r.badge:
        problem("badge", _("警号不能为空"))
    elif not _BADGE.match(r.badge):
        problem("badge", _("“{b}”不是有效的警号（只能是字母、数字和“-”，最多20位）", b=r.badge))
    if not r.name:
        problem("name", _("姓名不能为空"))
    elif len(r.name) > 64:
        problem("name", _("姓名太长（最多64个字）"))
    if not r.unit_text:
        problem("unit", _("单位不能为空"))
    cat = fold(v["category"])
    if cat in _POLICE:
        r.category = Category.POLICE.value
    elif cat in _AUXILIARY:
        r.category = Category.AUXILIARY.value
    elif cat:
        problem("category", _("“{c}”无法识别，请填“民警”或“辅警”", c=v["category"]))
    party = fold(v["party"])
    if party in _YES:
        r.party = True
    elif party in _NO:
        r.party = False
    elif party:
        problem("party", _("“{p}”无法识别，请填“是”或“否”", p=v["party"]))
    if r.phone and not _PHONE.match(r.phone.replace(" ", "")):
        problem("phone", _("“{p}”不像手机或电话号码，已照原样保存", p=r.phone), Severity.WARNING)
    return r


def _resolve(session: Session, rows: list[RosterRow], file: str, allowed_units: Collection[int] | None = None,
             ) -> None:
    """Units, duplicates inside the file, and what each row would change in the database.

    With ``allowed_units`` (a secretary's subtree) a row may only place or change officers there.
    An administrator's account is never changed by a roster row.
    """
    units: dict[str, Unit] = {}
    for u in session.scalars(select(Unit).where(Unit.active)):
        units.setdefault(u.code, u)
        units.setdefault(fold(u.name), u)
    first_row: dict[str, int] = {}
    badges = [r.badge for r in rows if r.badge]
    existing = {o.badge: o for o in session.scalars(select(Officer).where(Officer.badge.in_(badges)))} \
        if badges else {}
    for r in rows:
        if r.unit_text:
            unit = units.get(r.unit_text) or units.get(fold(r.unit_text))
            if unit is None:
                r.problems.append(Problem(file, _("找不到单位“{u}”（填单位代码或全称）", u=r.unit_text),
                                          Severity.ERROR, r.sheet, r.row, None, field_label("unit")))
            elif allowed_units is not None and unit.id not in allowed_units:
                r.problems.append(Problem(file, _("“{u}”不在本单位及下级单位范围内", u=unit.name),
                                          Severity.ERROR, r.sheet, r.row, None, field_label("unit")))
            else:
                r.unit_id, r.unit_name = unit.id, unit.name
        officer = existing.get(r.badge)
        if officer is not None and officer.role == Role.ADMIN.value:
            r.problems.append(Problem(file, _("警号 {b} 是管理员账号，不能通过花名册修改", b=r.badge),
                                      Severity.ERROR, r.sheet, r.row, None, field_label("badge")))
        elif officer is not None and allowed_units is not None and officer.unit_id not in allowed_units:
            r.problems.append(Problem(file, _("警号 {b} 的人员不在本单位及下级单位范围内", b=r.badge),
                                      Severity.ERROR, r.sheet, r.row, None, field_label("badge")))
        if r.badge in first_row:
            r.problems.append(Problem(file, _("警号 {b} 与第{n}行重复", b=r.badge, n=first_row[r.badge]),
                                      Severity.ERROR, r.sheet, r.row, None, field_label("badge")))
        elif r.badge:
            first_row[r.badge] = r.row
        if not r.valid:
            r.action = "invalid"
        elif officer is None:
            r.action = "new"
            if r.category is None:
                r.problems.append(Problem(file, _("未填类别，按“民警”导入"), Severity.WARNING, r.sheet, r.row,
                                          None, field_label("category")))
        else:
            wanted = {"name": r.name, "unit": r.unit_id, "category": r.category, "party": r.party,
                      "title": r.title or None, "phone": r.phone or None}
            stored = {"name": officer.name, "unit": officer.unit_id, "category": officer.category,
                      "party": officer.party_member, "title": officer.title, "phone": officer.phone}
            r.changes = [field_label(k) for k, val in wanted.items() if val is not None and val != stored[k]]
            r.action = "update" if r.changes or not officer.active else "unchanged"


def _hash_passwords(rows: list[RosterRow], progress: ProgressSink, cancel: CancelToken) -> dict[str, str]:
    """A random password for each new row (set on the row) and its hash, by badge."""
    for r in rows:
        r.initial_password = random_password()
    hashes = hash_many([r.initial_password for r in rows], progress=progress, cancel=cancel,
                       label=_("正在生成初始密码"))
    return {r.badge: h for r, h in zip(rows, hashes, strict=True)}


def import_roster(db: Database, path: Path, *, dry_run: bool = False, skip_invalid: bool = False,
                  actor_id: int | None = None, allowed_units: Collection[int] | None = None,
                  progress: ProgressSink = no_progress, cancel: CancelToken | None = None) -> RosterReport:
    """Read ``path`` and create/update the officers in it (all-or-nothing unless ``skip_invalid``).

    ``allowed_units`` (None: every unit) limits which units' officers the import may touch.
    """
    cancel = cancel or CancelToken()
    report = RosterReport(file=path.name, dry_run=dry_run)
    progress(0, 0, _("正在读取 {f}", f=path.name))
    if not path.is_file():
        report.problems.append(Problem(path.name, _("文件不存在")))
        return report
    rows = _parse_rows(path, report)
    with db.transaction(write=False) as session:       # reads only: what the file would change
        _resolve(session, rows, path.name, allowed_units)
    report.rows = rows
    for r in rows:
        report.problems.extend(r.problems)
    counts = {a: sum(1 for r in rows if r.action == a) for a in ("new", "update", "unchanged", "invalid")}
    report.created, report.updated = counts["new"], counts["update"]
    report.unchanged, report.invalid = counts["unchanged"], counts["invalid"]
    if dry_run or (report.errors and not skip_invalid):
        if not dry_run:
            report.created = report.updated = report.unchanged = 0
        return report
    cancel.check()
    # Hashing takes ~0.2 s per new officer: done before the write transaction opens.
    hashes = _hash_passwords([r for r in rows if r.action == "new"], progress, cancel)
    with db.transaction() as session:
        today = local_date(utcnow())
        todo = [r for r in rows if r.action in ("new", "update")]
        for i, r in enumerate(todo):
            if i % 50 == 0:
                cancel.check()
                progress(i, len(todo), _("正在保存人员"))
            if r.action == "new":
                assert r.unit_id is not None
                # add_user refuses a badge someone else added since the preview: nothing is stored then.
                add_user(session, badge=r.badge, name=r.name, unit=str(session.get_one(Unit, r.unit_id).code),
                         password_hash=hashes[r.badge], category=r.category or Category.POLICE.value,
                         party_member=bool(r.party), title=r.title, gender=r.gender, phone=r.phone,
                         actor_id=actor_id, joined=today)
                officer = session.scalar(select(Officer).where(Officer.badge == r.badge))
                assert officer is not None
                officer.must_change_password = True
                continue
            update_officer(session, r.badge, name=r.name, category=r.category, party_member=r.party,
                           title=r.title or None, phone=r.phone or None, actor_id=actor_id)
            officer = session.scalar(select(Officer).where(Officer.badge == r.badge))
            assert officer is not None and r.unit_id is not None
            if officer.unit_id != r.unit_id:
                move_officer(session, r.badge, str(session.get_one(Unit, r.unit_id).code), on=today, actor_id=actor_id)
            if not officer.active:
                from core.people.roster_edit import set_active

                set_active(session, r.badge, True, on=today, actor_id=actor_id)
        audit.record(session, "roster.import", actor_id=actor_id, target_type="file", target_id=path.name,
                     created=report.created, updated=report.updated, invalid=report.invalid)
    report.stored = True
    report.issued = local_date(db.clock.now())
    progress(1, 1, "")
    return report
