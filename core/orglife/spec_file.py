# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A group session described in a TOML file, for scripted recording (``orglife add --spec F``)::

    unit = "一支部"                 # code or name
    kind = "集中学习"               # kind code or name
    topic = "学习贯彻全会精神"
    date = 2026-11-05
    start = "09:00"                 # China time
    minutes = 90
    place = "三楼会议室"
    speaker = "王书记"
    materials = ["资料标题", 12]     # titles or ids
    [attendance]
    present = ["200001", "200002"]   # badges
    leave = [{badge = "200003", reason = "出差"}]
    absent = ["200004"]              # members not listed are absent too

Every problem names the file and the field.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import FormatError, InvalidInput, NotFound
from base.i18n import _
from core.infra.clock import LOCAL_TZ
from core.models import Material, Officer
from core.orglife.sessions import ABSENT, LEAVE, PRESENT, SessionSpec, find_kind
from core.people.org import unit_by_code_or_name


def _fail(path: Path, field: str, message: str) -> FormatError:
    return FormatError(_("{f}：{field}：{m}", f=path.name, field=field, m=message))


def read_spec(session: Session, path: Path) -> SessionSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(_("{f}：无法读取（{e}）", f=path.name, e=exc.strerror or exc)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(_("{f}：不是有效的 TOML（{e}）", f=path.name, e=exc)) from exc

    def need(key: str, kind: type) -> Any:
        value = data.get(key)
        if value is None:
            raise _fail(path, key, _("缺少此项"))
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise _fail(path, key, _("类型不对"))
        return value

    try:
        unit = unit_by_code_or_name(session, str(need("unit", str)))
    except NotFound as exc:
        raise _fail(path, "unit", str(exc)) from exc
    try:
        kind = find_kind(session, str(need("kind", str)))
    except InvalidInput as exc:
        raise _fail(path, "kind", str(exc)) from exc
    day = need("date", dt.date)
    try:
        start = dt.time.fromisoformat(str(data.get("start", "09:00")))
    except ValueError as exc:
        raise _fail(path, "start", _("时间应写成 09:00")) from exc
    minutes = need("minutes", int)
    materials = [_material(session, path, i, m) for i, m in enumerate(data.get("materials", []) or [])]
    spec = SessionSpec(unit.id, kind.code, str(need("topic", str)),
                       dt.datetime.combine(day, start, LOCAL_TZ).astimezone(dt.UTC), int(minutes),
                       place=str(data.get("place", "")), speaker=str(data.get("speaker", "")),
                       material_ids=materials, note=str(data.get("note", "")))
    att = data.get("attendance", {}) or {}
    if not isinstance(att, dict):
        raise _fail(path, "attendance", _("类型不对"))
    members = {o.badge: o for o in session.scalars(select(Officer).where(Officer.unit_id == unit.id, Officer.active))}
    for status in (PRESENT, LEAVE, ABSENT):
        for i, item in enumerate(att.get(status, []) or []):
            badge, reason = (item.get("badge"), item.get("reason", "")) if isinstance(item, dict) else (item, "")
            where = f"attendance.{status}[{i + 1}]"
            officer = members.get(str(badge).strip())
            if officer is None:
                raise _fail(path, where, _("警号 {b} 不是{u}在册人员", b=badge, u=unit.name))
            if officer.id in spec.attendance:
                raise _fail(path, where, _("警号 {b} 重复登记", b=badge))
            spec.attendance[officer.id] = (status, str(reason))
    return spec


def _material(session: Session, path: Path, i: int, key: object) -> int:
    if isinstance(key, int) and not isinstance(key, bool):
        found = session.get(Material, key)
    else:
        found = session.scalar(select(Material).where(Material.title == str(key), Material.active).limit(1))
    if found is None:
        raise _fail(path, f"materials[{i + 1}]", _("找不到学习资料“{m}”", m=key))
    return found.id
