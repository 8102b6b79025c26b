# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What the audit page says about a row: the edits of several services, in Chinese and English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from base.i18n import set_language
from core.access.actor import Actor
from core.admin import usecases as admin_uc
from core.admin.audit import AuditFilter, AuditRow
from core.admin.audit_text import action_label, summary_text, target_text, value_text
from core.infra.db import Database
from core.people import usecases as people
from core.points import usecases as points
from core.study import usecases as study


def _newest(db: Database, actor: Actor, action: str) -> AuditRow:
    return admin_uc.browse_audit(db, actor, AuditFilter(action=action), limit=1).rows[0]


def test_edits_say_old_and_new(db: Database, admin: Actor, tmp_path: Path) -> None:
    unit = people.new_unit(db, admin, "第一支部", None)
    people.rename_unit(db, admin, unit, "第一党支部")
    row = _newest(db, admin, "unit.rename")
    assert (row.action_label, row.target) == ("修改单位名称", "单位 第一党支部")
    assert row.summary == "名称：第一支部 → 第一党支部"

    people.add_user(db, admin, badge="200001", name="张伟", unit="测试分局", password="pw-officer-01")
    people.move_person(db, admin, "200001", "第一党支部")
    row = _newest(db, admin, "user.move")
    assert row.target == "人员 张伟（200001）"
    assert row.summary.startswith("单位：测试分局 → 第一党支部；生效日期：")

    points.set_point_rule(db, admin, "study_minutes", amount=2.0, daily_cap=10.0, valid_from=dt.date(2026, 1, 1))
    row = _newest(db, admin, "points.rule")
    assert "分值：" in row.summary and "→ 2" in row.summary and "每日上限：" in row.summary

    page = tmp_path / "a.md"
    page.write_text("# 学习资料\n\n正文", encoding="utf-8")
    [material] = study.import_materials(db, admin, [page], topic="党建")
    row = _newest(db, admin, "material.import")
    assert row.target == f"学习资料 {material.title}" and "文件：a.md" in row.summary
    study.update_material(db, admin, material.id, required=True, due_date=dt.date(2026, 12, 1))
    row = _newest(db, admin, "material.update")
    assert row.summary == "必学：否 → 是；完成期限：（空） → 2026-12-01"

    set_language("en")
    row = _newest(db, admin, "material.update")
    assert row.action_label == "Edit study material"
    assert row.summary == "Required: No → Yes; Due date: (empty) → 2026-12-01"


def test_values_and_targets_in_words() -> None:
    assert value_text("opens_at", "2026-11-01T16:30:00+00:00") == "2026-11-02 00:30"      # China time
    assert value_text("role", "secretary") == "支部书记"
    assert value_text("tags", ["甲", "乙"]) == "甲、乙"
    assert target_text("bank", "*", {}) == "题库 全部题库"
    assert target_text("action", "admin.audit", {}) == "操作 查看操作日志"
    assert target_text("certificate", "LJ-1", {"title": "荣誉证书"}) == "荣誉证书 LJ-1"
    assert target_text("gadget", "7", {}) == "gadget 7"                     # a kind from a newer version
    assert action_label("gadget.fix") == "gadget.fix"
    summary = summary_text("certificate", {"automatic": True, "officer": "200001", "officer_name": "张伟",
                                           "award": "", "use_case": "x", "score": "92"})
    assert summary == "考试合格自动颁发；持证人：张伟（200001）；成绩：92"
