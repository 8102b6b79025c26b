# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A quiz defined in a TOML file (``quiz create --spec FILE.toml``); see docs/QUIZ_SPEC.md."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.i18n import _
from core.infra.clock import LOCAL_TZ
from core.models import Bank
from core.people.org import unit_by_code_or_name
from core.quiz.compose import save_quiz, set_published
from core.quiz.spec import QuizSpec, SectionSpec

TYPE_NAMES = {"单选": "single", "单选题": "single", "多选": "multiple", "多选题": "multiple", "判断": "judge",
              "判断题": "judge", "填空": "fill", "填空题": "fill", "简答": "essay", "简答题": "essay"}
CATEGORY_NAMES = {"民警": "police", "辅警": "auxiliary", "police": "police", "auxiliary": "auxiliary"}
TOP_KEYS = {"title", "mode", "description", "time_limit_min", "pass_percent", "attempts", "counting", "opens",
            "closes", "shuffle_questions", "shuffle_options", "publish", "scoring", "review", "audience",
            "sections", "fixed"}


def _when(value: Any, key: str) -> dt.datetime | None:
    """TOML date-time (local or with offset) or "YYYY-MM-DD HH:MM" text; times without offset are China time."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise InvalidInput(_("{k}：时间格式应为 YYYY-MM-DD HH:MM，得到“{v}”", k=key, v=value)) from exc
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0))
    if not isinstance(value, dt.datetime):
        raise InvalidInput(_("{k}：时间格式应为 YYYY-MM-DD HH:MM，得到“{v}”", k=key, v=value))
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(dt.UTC)


def parse_spec(session: Session, data: dict[str, Any]) -> tuple[QuizSpec, bool]:
    """A QuizSpec from parsed TOML (bank and unit names resolved); and whether to publish."""
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise InvalidInput(_("未知的设置项：{k}", k="、".join(sorted(unknown))))
    if not data.get("title"):
        raise InvalidInput(_("缺少 title（试卷名称）"))
    scoring = data.get("scoring", {})
    review = data.get("review", {})
    audience = data.get("audience", {})
    banks = {b.name: b.id for b in session.scalars(select(Bank))}
    sections = []
    for i, sec in enumerate(data.get("sections", []), start=1):
        qtype = TYPE_NAMES.get(str(sec.get("type", "")), str(sec.get("type", "")))
        bank_ids = []
        for name in sec.get("banks", []):
            if name not in banks:
                raise InvalidInput(_("第{n}个抽题规则：题库“{b}”不存在", n=i, b=name))
            bank_ids.append(banks[name])
        try:
            mix = {int(k): int(v) for k, v in (sec.get("difficulty") or {}).items()}
            sections.append(SectionSpec(qtype, int(sec.get("count", 0)), float(sec.get("points", 1)),
                                        str(sec.get("title", "")), bank_ids, [str(c) for c in sec.get("categories", [])],
                                        [str(t) for t in sec.get("tags", [])], mix))
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("第{n}个抽题规则：数值无效（{e}）", n=i, e=exc)) from exc
    unit_ids = [unit_by_code_or_name(session, str(u)).id for u in audience.get("units", [])]
    cats = []
    for c in audience.get("categories", []):
        if str(c) not in CATEGORY_NAMES:
            raise InvalidInput(_("人员类别“{c}”无效，可选：民警、辅警", c=c))
        cats.append(CATEGORY_NAMES[str(c)])
    aud: dict[str, Any] = {}
    if unit_ids:
        aud["unit_ids"] = unit_ids
    if cats:
        aud["categories"] = cats
    if audience.get("party_only"):
        aud["party_only"] = True
    spec = QuizSpec(
        title=str(data["title"]), mode=str(data.get("mode", "exam")), description=str(data.get("description", "")),
        time_limit_min=data.get("time_limit_min"), pass_percent=data.get("pass_percent"),
        attempts_allowed=data.get("attempts"), counting=str(data.get("counting", "highest")),
        opens_at=_when(data.get("opens"), "opens"), closes_at=_when(data.get("closes"), "closes"),
        shuffle_questions=bool(data.get("shuffle_questions", True)),
        shuffle_options=bool(data.get("shuffle_options", True)),
        multi_scoring=str(scoring.get("multiple", "all_or_nothing")), fill_ordered=bool(scoring.get("fill_ordered", True)),
        review=str(review.get("show", "explanations")), review_after_close=bool(review.get("after_close", True)),
        lockdown=bool(data.get("lockdown", False)),
        leave_limit=int(data["leave_limit"]) if data.get("leave_limit") is not None else None,
        audience=aud, sections=sections,
        fixed=[(int(f["question"]), float(f.get("points", 1))) for f in data.get("fixed", [])],
    )
    spec.validate()
    return spec, bool(data.get("publish", False))


def load_spec(session: Session, path: Path) -> tuple[QuizSpec, bool]:
    """The quiz in ``path`` and whether the file asks to publish it (``publish = true``)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(_("无法读取 {f}：{e}", f=path, e=exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(_("{f} 不是有效的 TOML：{e}", f=path.name, e=exc)) from exc
    return parse_spec(session, data)


def create_from_file(session: Session, path: Path, *, now: dt.datetime, actor_id: int | None = None,
                     owner_unit_id: int | None = None) -> int:
    """Read, check and store the quiz in ``path``; publishes it when the file says ``publish = true``."""
    spec, publish = load_spec(session, path)
    quiz_id = save_quiz(session, spec, now=now, actor_id=actor_id, owner_unit_id=owner_unit_id)
    if publish:
        set_published(session, quiz_id, True, actor_id=actor_id)
    return quiz_id
