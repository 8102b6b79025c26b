# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What a secretary sets when composing a quiz: :class:`QuizSpec` and its draw :class:`SectionSpec`s.

The compose dialog and TOML files (core/quiz/spec_file.py) both produce a ``QuizSpec``;
:mod:`core.quiz.compose` validates that its sections can be drawn and stores it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from base.errors import InvalidInput
from base.i18n import _
from core.models import QuizSection
from quizbank.model import QType

MODES = ("practice", "exam", "competition")
COUNTINGS = ("highest", "last", "first")
REVIEWS = ("score", "answers", "explanations")
POLICIES = ("all_or_nothing", "half_for_subset", "per_option")


@dataclass(slots=True)
class SectionSpec:
    qtype: str
    count: int
    points_each: float = 1.0
    title: str = ""
    bank_ids: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    difficulty: dict[int, int] = field(default_factory=dict)    # level -> count (a mix), empty = any

    def filters(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.bank_ids:
            out["bank_ids"] = list(self.bank_ids)
        if self.categories:
            out["categories"] = list(self.categories)
        if self.tags:
            out["tags"] = list(self.tags)
        if self.difficulty:
            out["difficulty"] = {str(k): v for k, v in self.difficulty.items()}
        return out

    @classmethod
    def from_row(cls, s: QuizSection) -> SectionSpec:
        f = s.filters or {}
        return cls(s.qtype, s.count, s.points_each, s.title, list(f.get("bank_ids", [])),
                   list(f.get("categories", [])), list(f.get("tags", [])),
                   {int(k): int(v) for k, v in (f.get("difficulty") or {}).items()})


@dataclass(slots=True)
class QuizSpec:
    """Everything a secretary sets when composing a quiz (GUI dialog and TOML file alike)."""

    title: str
    mode: str = "exam"
    description: str = ""
    time_limit_min: int | None = None
    pass_percent: float | None = None
    attempts_allowed: int | None = None
    counting: str = "highest"
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    shuffle_questions: bool = True
    shuffle_options: bool = True
    multi_scoring: str = "all_or_nothing"
    fill_ordered: bool = True
    review: str = "explanations"
    review_after_close: bool = True        # answers only once the quiz closed (core/quiz/results.py)
    lockdown: bool = False                 # full screen, departures recorded (core/quiz/lockdown.py)
    leave_limit: int | None = None         # departures allowed before the attempt is submitted
    audience: dict[str, Any] = field(default_factory=dict)     # unit_ids, categories, party_only
    sections: list[SectionSpec] = field(default_factory=list)
    fixed: list[tuple[int, float]] = field(default_factory=list)   # (question id, points)

    def validate(self) -> None:
        if not self.title.strip():
            raise InvalidInput(_("试卷名称不能为空"))
        for value, allowed, label in ((self.mode, MODES, _("类型")), (self.counting, COUNTINGS, _("计分方式")),
                                      (self.review, REVIEWS, _("查看权限")),
                                      (self.multi_scoring, POLICIES, _("多选题计分"))):
            if value not in allowed:
                raise InvalidInput(_("{f}“{v}”无效，可选：{a}", f=label, v=value, a="/".join(allowed)))
        if not self.sections and not self.fixed:
            raise InvalidInput(_("试卷至少需要一个抽题规则或一道固定题目"))
        if self.pass_percent is not None and not 0 <= self.pass_percent <= 100:
            raise InvalidInput(_("及格线应在 0–100 之间"))
        if self.time_limit_min is not None and self.time_limit_min <= 0:
            raise InvalidInput(_("考试时长应大于 0 分钟"))
        if self.attempts_allowed is not None and self.attempts_allowed <= 0:
            raise InvalidInput(_("允许次数应大于 0"))
        if self.leave_limit is not None and self.leave_limit < 0:
            raise InvalidInput(_("允许离开次数不能为负"))
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise InvalidInput(_("截止时间应晚于开放时间"))
        for i, s in enumerate(self.sections, start=1):
            if s.qtype not in {t.value for t in QType}:
                raise InvalidInput(_("第{n}个抽题规则：题型“{t}”无效", n=i, t=s.qtype))
            if s.count <= 0 or s.points_each < 0:
                raise InvalidInput(_("第{n}个抽题规则：题数应大于 0，分值不能为负", n=i))
            if s.difficulty and sum(s.difficulty.values()) != s.count:
                raise InvalidInput(_("第{n}个抽题规则：难度配比合计 {m} 题，应为 {c} 题", n=i,
                                     m=sum(s.difficulty.values()), c=s.count))

    @property
    def total_points(self) -> float:
        return sum(s.count * s.points_each for s in self.sections) + sum(p for _q, p in self.fixed)
