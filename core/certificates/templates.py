# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Certificate templates as plain data, the shipped defaults, and their storage.

A template is stored in ``CertTemplate.layout`` (JSON) plus the seal image
(``seal_png``, a PNG with transparency). The body holds fields in braces —
{姓名} {警号} {单位} {考试} {成绩} {日期} {证书编号} {奖项} — filled per certificate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput, NotFound
from base.i18n import N_, _
from core.infra import audit
from core.infra.paths import resources_dir
from core.models import CertTemplate, Unit

ORIENTATIONS = {"landscape": N_("横版（A4 横向）"), "portrait": N_("竖版（A4 纵向）")}
BORDERS = {"double": N_("双线边框"), "ornate": N_("回纹边框"), "simple": N_("单线边框")}
KINDS = {"completion": N_("结业/合格"), "honour": N_("荣誉")}
FIELD_NAMES = ("姓名", "警号", "单位", "考试", "成绩", "日期", "证书编号", "奖项")
_FIELD_RE = re.compile(r"\{([^{}]*)\}")
_DIGITS = "〇一二三四五六七八九"
SAMPLE_SEAL = "seal.png"


@dataclass(slots=True)
class TemplateSpec:
    """Everything that decides how a certificate looks (not who it is for)."""

    header: str = ""                     # 红头: the issuing authority's name at the top, in red
    title: str = "结业证书"
    body: str = ""
    issuer: str = ""                     # 落款 unit name, under which the seal sits
    signature_label: str = "负责人签字"   # empty: no signature line
    orientation: str = "landscape"
    border: str = "double"
    kind: str = "completion"
    accent: str = "#B71C1C"
    show_seal: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TemplateSpec:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def problems(self) -> list[str]:
        """What keeps this template from being saved, in words a secretary understands."""
        out = []
        if not self.title.strip():
            out.append(_("请填写证书标题"))
        if self.orientation not in ORIENTATIONS:
            out.append(_("版式“{o}”无效", o=self.orientation))
        if self.border not in BORDERS:
            out.append(_("边框样式“{b}”无效", b=self.border))
        if self.kind not in KINDS:
            out.append(_("证书类别“{k}”无效", k=self.kind))
        for name in _FIELD_RE.findall(self.body):
            if name not in FIELD_NAMES:
                out.append(_("正文中的字段“{{{f}}}”无法识别，可用字段：{all}", f=name,
                             all="、".join("{" + n + "}" for n in FIELD_NAMES)))
        return out


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    id: int
    name: str
    spec: TemplateSpec
    seal_png: bytes | None


# name, spec — the body text is the team's own wording.
DEFAULTS: list[tuple[str, TemplateSpec]] = [
    (N_("结业证书（横版）"), TemplateSpec(
        title="结业证书",
        body="{姓名}同志（警号{警号}，{单位}）：\n"
             "　　参加“{考试}”，成绩{成绩}分，经考核合格，准予结业。\n"
             "　　特发此证，以资证明。",
        orientation="landscape", border="double", kind="completion")),
    (N_("合格证书（竖版）"), TemplateSpec(
        title="合格证书",
        body="{姓名}同志：\n"
             "　　警号{警号}，所在单位{单位}。\n"
             "　　于{日期}参加“{考试}”，成绩{成绩}分，考核合格。\n"
             "　　特发此证。",
        orientation="portrait", border="simple", kind="completion")),
    (N_("荣誉证书（横版）"), TemplateSpec(
        title="荣誉证书",
        body="{姓名}同志（{单位}）：\n"
             "　　在“{考试}”中成绩优异（{成绩}分），荣获{奖项}。\n"
             "　　特发此证，以资鼓励。",
        orientation="landscape", border="ornate", kind="honour", signature_label="")),
]


@cache
def chinese_date(day: dt.date) -> str:
    """2026-11-24 -> 二〇二六年十一月二十四日 (the style of official documents); kept per day (a batch
    of a thousand certificates has a few hundred dates at most, each written twice a page)."""

    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        if tens == 0:
            return _DIGITS[ones]
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")

    year = "".join(_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{small(day.month)}月{small(day.day)}日"


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {字段} in ``text``; unknown fields stay as written so the preview shows them."""
    return _FIELD_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def field_values(fields: dict[str, Any], serial: str) -> dict[str, str]:
    """Map a certificate's stored fields to the template's Chinese field names."""
    date = str(fields.get("date", ""))
    try:
        shown_date = chinese_date(dt.date.fromisoformat(date))
    except ValueError:
        shown_date = date
    return {
        "姓名": str(fields.get("name", "")), "警号": str(fields.get("badge", "")),
        "单位": str(fields.get("unit", "")), "考试": str(fields.get("exam", "")),
        "成绩": str(fields.get("score", "")), "日期": shown_date, "证书编号": serial,
        "奖项": str(fields.get("award", "")),
    }


def sample_seal() -> bytes:
    """The team's sample seal (resources/certs/seal.png)."""
    return (resources_dir() / "certs" / SAMPLE_SEAL).read_bytes()


def _root_unit_name(session: Session) -> str:
    name = session.scalar(select(Unit.name).where(Unit.parent_id.is_(None)).order_by(Unit.sort_order, Unit.id))
    return name or "公安局"


def ensure_defaults(session: Session, *, now: dt.datetime, with_seal: bool = False) -> list[TemplateInfo]:
    """Create the shipped templates that do not exist yet (header/issuer = the top unit's name)."""
    unit = _root_unit_name(session)
    existing = set(session.scalars(select(CertTemplate.name)))
    for name, spec in DEFAULTS:
        if name in existing:
            continue
        spec = dataclasses.replace(spec, header=unit, issuer=unit)
        session.add(CertTemplate(name=name, layout=spec.to_dict(),
                                 seal_png=sample_seal() if with_seal else None, created_at=now))
    session.flush()
    return list_templates(session)


def _info(row: CertTemplate) -> TemplateInfo:
    return TemplateInfo(row.id, row.name, TemplateSpec.from_dict(row.layout or {}), row.seal_png)


def list_templates(session: Session) -> list[TemplateInfo]:
    return [_info(r) for r in session.scalars(select(CertTemplate).order_by(CertTemplate.id))]


def get_template(session: Session, key: int | str) -> TemplateInfo:
    """By id or by name."""
    row = session.get(CertTemplate, key) if isinstance(key, int) else session.scalar(
        select(CertTemplate).where(CertTemplate.name == key))
    if row is None:
        raise NotFound(_("找不到证书模板 {t}", t=key))
    return _info(row)


def default_template_for(session: Session, kind: str) -> TemplateInfo | None:
    for info in list_templates(session):
        if info.spec.kind == kind:
            return info
    return None


def save_template(session: Session, *, name: str, spec: TemplateSpec, seal_png: bytes | None,
                  now: dt.datetime, template_id: int | None = None, actor_id: int | None = None) -> TemplateInfo:
    """Create (``template_id`` None) or update a template; refuses invalid specs and seal files."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写模板名称"))
    problems = spec.problems()
    if problems:
        raise InvalidInput("；".join(problems))
    if seal_png is not None:
        check_seal(seal_png)
    clash = session.scalar(select(CertTemplate.id).where(CertTemplate.name == name))
    if clash is not None and clash != template_id:
        raise InvalidInput(_("已有名为“{n}”的模板", n=name))
    if template_id is None:
        row = CertTemplate(name=name, layout=spec.to_dict(), seal_png=seal_png, created_at=now)
        session.add(row)
    else:
        found = session.get(CertTemplate, template_id)
        if found is None:
            raise NotFound(_("找不到证书模板 {t}", t=template_id))
        row = found
        row.name, row.layout, row.seal_png = name, spec.to_dict(), seal_png
    session.flush()
    audit.record(session, "cert.template", actor_id=actor_id, target_type="cert_template", target_id=row.id,
                 name=name, new=template_id is None, seal=seal_png is not None)
    return _info(row)


def check_seal(data: bytes) -> None:
    """A seal must be a PNG image (transparency lets the text show through)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise InvalidInput(_("公章图片必须是 PNG 格式（透明背景）"))
    if len(data) > 4 * 1024 * 1024:
        raise InvalidInput(_("公章图片太大（超过 4 MB），请缩小后再选"))
