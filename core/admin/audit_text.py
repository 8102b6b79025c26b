# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The audit log in words: action labels, what a row was done to, and what it changed.

Rows keep plain codes and values (``user.edit``, ``{"changes": {"role": ["officer", "secretary"]}}``);
this module turns them into the sentences the audit page, the CLI and the Excel export show, in the
current language. Unknown action codes and fields show as they are, so rows written by a newer
version still read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from base.i18n import N_, _
from core.access.permissions import LABELS as ACTION_RIGHTS
from core.access.permissions import Action
from core.infra.clock import LOCAL_TZ

# Action codes (what ``audit.record`` writes) → what the audit page shows.
ACTION_LABELS: dict[str, str] = {
    "login.failed": N_("登录失败"),
    "login.locked": N_("警号被锁定"),
    "login.unlocked": N_("解除锁定"),
    "settings.security": N_("修改登录安全设置"),
    "access.denied": N_("越权操作被拒绝"),
    "user.add": N_("新增人员账号"),
    "user.passwd": N_("设置账号密码"),
    "user.edit": N_("修改人员信息"),
    "user.move": N_("调动单位"),
    "user.activate": N_("启用账号"),
    "user.deactivate": N_("停用账号"),
    "roster.import": N_("导入花名册"),
    "unit.add": N_("新建单位"),
    "unit.rename": N_("修改单位名称"),
    "unit.move": N_("调整上级单位"),
    "unit.deactivate": N_("停用单位"),
    "bank.import": N_("导入题库"),
    "bank.export": N_("导出题库"),
    "bank.exam_only": N_("设置考试专用题库"),
    "question.edit": N_("修改题目"),
    "question.enable": N_("启用题目"),
    "question.disable": N_("停用题目"),
    "question.delete": N_("删除题目"),
    "question.material": N_("关联学习资料"),
    "quiz.save": N_("保存试卷"),
    "quiz.publish": N_("发布试卷"),
    "quiz.withdraw": N_("撤回试卷"),
    "quiz.regrade": N_("更正答案重新评分"),
    "quiz.paper": N_("生成纸质考试题本"),
    "quiz.paper.enter": N_("录入纸质答卷"),
    "attempt.grade": N_("阅卷评分"),
    "material.import": N_("导入学习资料"),
    "material.update": N_("修改学习资料"),
    "points.rule": N_("修改积分规则"),
    "cert.issue": N_("颁发证书"),
    "contest.create": N_("创建知识竞赛"),
    "contest.adjust": N_("竞赛手工调分"),
    "contest.undo": N_("撤销竞赛判定"),
    "contest.finish": N_("结束知识竞赛"),
    "cert.reissue": N_("补发证书"),
    "cert.revoke": N_("撤销证书"),
    "cert.template": N_("保存证书模板"),
    "cert.sign": N_("证书签名"),
    "cert.key.create": N_("设置证书签名密钥"),
    "cert.key.unlock": N_("解锁证书签名密钥"),
    "cert.key.passphrase": N_("修改签名密钥口令"),
    "orglife.session.add": N_("登记组织生活"),
    "orglife.attendance": N_("更正出勤"),
    "orglife.attachment": N_("附加组织生活照片或签到表"),
    "orglife.makeup": N_("确认补学"),
    "reflection.task": N_("布置心得体会"),
    "reflection.review": N_("审阅心得体会"),
    "rating.criteria": N_("修改评星指标"),
    "rating.bands": N_("修改星级档次"),
    "rating.compute": N_("计算支部评星"),
    "rating.adjust": N_("调整支部评星"),
    "rating.publish": N_("公布支部评星"),
    "admin.backup": N_("备份数据库"),
    "admin.restore": N_("恢复数据库"),
    "audit.export": N_("导出操作日志"),
}

# What a row was done to: its kind, then the name people know it by.
TARGET_LABELS: dict[str, str] = {
    "officer": N_("人员 {name}"),
    "unit": N_("单位 {name}"),
    "file": N_("文件 {name}"),
    "bank": N_("题库 {name}"),
    "question": N_("题目 {name}"),
    "quiz": N_("试卷 {name}"),
    "attempt": N_("答卷 {name}"),
    "material": N_("学习资料 {name}"),
    "point_rule": N_("积分规则 {name}"),
    "certificate": N_("证书 {name}"),
    "cert_template": N_("证书模板 {name}"),
    "action": N_("操作 {name}"),
    "database": N_("数据库 {name}"),
    "audit_log": N_("操作日志 {name}"),
    "settings": N_("设置 {name}"),
    "signing_key": N_("签名密钥 {name}"),
    "contest": N_("知识竞赛 {name}"),
    "org_session": N_("组织生活 {name}"),
    "reflection_task": N_("心得体会任务 {name}"),
    "reflection": N_("心得体会 {name}"),
    "rating": N_("支部评星 {name}"),
}

FIELD_LABELS: dict[str, str] = {
    "name": N_("名称"), "title": N_("名称"), "code": N_("代码"), "parent": N_("上级单位"), "unit": N_("单位"),
    "role": N_("角色"), "category": N_("类别"), "party_member": N_("党员"), "phone": N_("电话"),
    "file": N_("文件"), "files": N_("文件"), "format": N_("格式"), "imported": N_("导入题数"),
    "duplicates": N_("跳过重复"), "invalid": N_("有错误"), "created": N_("新增"), "updated": N_("更新"),
    "count": N_("数量"), "changed": N_("实际变更"), "rows": N_("数据行数"), "stem": N_("题干"),
    "qtype": N_("题型"), "options": N_("选项"), "answer": N_("答案"), "blanks": N_("填空答案"),
    "explanation": N_("解析"), "tags": N_("标签"), "difficulty": N_("难度"), "score": N_("分值"),
    "media": N_("图片"), "version": N_("版本"), "officer": N_("相关人员"), "exam": N_("考试"), "award": N_("奖项"),
    "reason": N_("原因"), "position": N_("题号"), "points": N_("满分"), "comment": N_("评语"), "mode": N_("类型"),
    "questions": N_("题数"), "time_limit_min": N_("时长（分钟）"), "pass_percent": N_("及格线（%）"),
    "attempts_allowed": N_("允许次数"), "opens_at": N_("开放时间"), "closes_at": N_("截止时间"),
    "review": N_("交卷后可查看"), "topic": N_("专题"), "required": N_("必学"), "due_date": N_("完成期限"),
    "min_seconds": N_("最少阅读时间（秒）"), "audience": N_("学习对象"), "active": N_("启用"),
    "material": N_("学习资料"), "amount": N_("分值"), "daily_cap": N_("每日上限"), "valid_from": N_("生效日期"),
    "on": N_("生效日期"), "message": N_("说明"), "kind": N_("类型"), "source": N_("来源"), "by": N_("操作人"),
    "filter": N_("筛选条件"), "safety_backup": N_("恢复前的备份"),
    # failed logins and the login settings (core.people.login)
    "known": N_("警号存在"), "purpose": N_("用途"), "failures": N_("连续失败次数"),
    "until": N_("锁定至"), "was_locked": N_("原先已锁定"), "max_failures": N_("连续失败几次锁定"),
    "lockout_minutes": N_("锁定时长（分钟）"), "backoff_seconds": N_("失败后等待（秒）"),
    "idle_lock_minutes": N_("无操作锁屏（分钟）"),
    "reset": N_("下次登录须改密码"),
    # certificate signing (core.certificates)
    "signed": N_("已签名"), "replaced": N_("替换旧密钥"), "endorsed": N_("确认旧证书"),
    # on-stage contests (core.contest)
    "teams": N_("参赛队"), "rounds": N_("轮次"), "seq": N_("事件序号"), "team": N_("参赛队"), "delta": N_("加减分"),
    # organisation life (core.orglife)
    "day": N_("日期"), "present": N_("出席"), "leave": N_("请假"), "absent": N_("缺席"), "planned": N_("提前安排"),
    "officer_id": N_("相关人员"), "note": N_("备注"), "size": N_("大小"), "min_chars": N_("最少字数"),
    "status": N_("状态"), "computed": N_("计算得分"), "criteria": N_("评星指标"), "bands": N_("星级档次"),
    "stars": N_("星级"),
    # answer-key regrades (core.quiz.regrade)
    "quizzes": N_("试卷"), "items": N_("更正的作答题目"), "attempts": N_("分数变化的答卷"),
    "certificates": N_("证书变化"), "exam_only": N_("仅用于考试"),
}
# Fields whose meaning depends on what was changed.
TARGET_FIELD_LABELS: dict[tuple[str, str], str] = {
    ("officer", "name"): N_("姓名"), ("officer", "title"): N_("职务"), ("attempt", "title"): N_("试卷"),
    ("certificate", "title"): N_("证书"), ("attempt", "score"): N_("得分"), ("certificate", "score"): N_("成绩"),
    ("certificate", "officer"): N_("持证人"), ("attempt", "officer"): N_("考生"),
    ("question", "points"): N_("积分变化"),
}
# True/False detail flags shown as one word when set.
FLAGS: dict[str, str] = {"automatic": N_("考试合格自动颁发"), "new": N_("新建")}
# Values that go without saying (a failed login while logging in, not while unlocking the screen).
USUAL = {"purpose": "login"}
# Technical keys kept for the record (JSON export) but not worth a person's reading.
HIDDEN = frozenset({"lineage", "use_case", "ids", "previous", "badge", "officer_name", "seal"})

ROLE_VALUES = {"officer": N_("民警/辅警"), "secretary": N_("支部书记"), "admin": N_("管理员")}
VALUES: dict[str, dict[str, str]] = {
    "role": ROLE_VALUES,
    "category": {"police": N_("民警"), "auxiliary": N_("辅警")},
    "mode": {"practice": N_("练习"), "exam": N_("考试"), "competition": N_("竞赛")},
    "review": {"score": N_("只公布成绩"), "answers": N_("成绩和正确答案"), "explanations": N_("成绩、答案和解析")},
    "kind": {"completion": N_("结业证书"), "honour": N_("荣誉证书")},
    "difficulty": {"1": N_("简单"), "2": N_("中等"), "3": N_("困难")},
    "reason": {"password": N_("密码错误"), "disabled": N_("账号已停用"), "locked": N_("警号已锁定"),
               "too_soon": N_("尝试过于频繁"), "manual": N_("立即备份")},
    "purpose": {"login": N_("登录"), "unlock": N_("解锁屏幕"), "password": N_("修改密码")},
    "status": {"present": N_("出席"), "leave": N_("请假"), "absent": N_("缺席"), "submitted": N_("待审阅"),
               "excellent": N_("优秀"), "pass": N_("合格"), "returned": N_("退回修改")},
}


def action_order(code: str) -> tuple[int, str]:
    """Known actions in the order of :data:`ACTION_LABELS` (grouped by subject), then the others."""
    try:
        return list(ACTION_LABELS).index(code), code
    except ValueError:
        return len(ACTION_LABELS), code


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return _(label) if label else code


def person_text(name: str | None, badge: str | None) -> str:
    if name and badge:
        return f"{name}（{badge}）"
    return name or badge or ""


def local_time(when: dt.datetime) -> str:
    """An aware UTC time as China's wall clock shows it."""
    return when.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")


def value_text(field: str, value: Any) -> str:
    """One stored value in words: labels for codes, 是/否, local times, lists joined."""
    if value is None or value == "" or value == []:
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return _("、").join(value_text(field, v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}={value_text(field, v)}" for k, v in value.items())
    text = str(value)
    known = VALUES.get(field, {}).get(text)
    if known:
        return _(known)
    if len(text) > 19 and text[10] == "T" and text[4] == "-":      # an ISO time the log stored
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if when.tzinfo is not None:
            return when.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    return _(text)      # stored labels (e.g. 全体人员) read in the current language; other text as it is


def field_label(target_type: str, field: str) -> str:
    label = TARGET_FIELD_LABELS.get((target_type, field)) or FIELD_LABELS.get(field)
    return _(label) if label else field


def target_text(target_type: str, target_id: str, detail: Mapping[str, Any]) -> str:
    """What a row was done to: its kind and the name people know it by."""
    if target_type == "action":
        try:
            ident = _(ACTION_RIGHTS[Action(target_id)])
        except ValueError:
            ident = target_id
    elif target_type == "officer":
        ident = person_text(detail.get("name"), target_id)
    elif target_type == "database":
        ident = ""                          # the file is in what changed
    elif target_type == "bank" and target_id == "*":
        ident = _("全部题库")
    elif target_type in ("bank", "file"):
        ident = target_id
    elif target_type == "question":
        stem = str(detail.get("stem") or "")
        ident = f"#{target_id} {stem[:24]}{'…' if len(stem) > 24 else ''}".rstrip()
    elif target_type == "certificate":
        if detail.get("title"):             # its title says what it is: 结业证书 LJ-2026-…
            return f"{value_text('title', detail['title'])} {target_id}"
        ident = target_id
    else:
        name = detail.get("name") or detail.get("title")
        ident = str(name) if name else target_id
    if target_type not in TARGET_LABELS:
        return f"{target_type} {ident}".strip()
    return _(TARGET_LABELS[target_type], name=ident).strip()


def _named_in_target(target_type: str, key: str) -> bool:
    if target_type == "question":
        return key == "stem"
    return target_type in ("officer", "unit", "bank", "material", "quiz", "attempt", "point_rule",
                           "cert_template", "certificate", "contest") and key in ("name", "title")


def summary_text(target_type: str, detail: Mapping[str, Any]) -> str:
    """What changed, in one line: ``字段：旧 → 新`` for edits, counts and files for imports, …"""
    parts = [_(label) for key, label in FLAGS.items() if detail.get(key)]      # flags lead
    for key, value in detail.items():
        if key in HIDDEN or key in FLAGS or _named_in_target(target_type, key):
            continue
        if key == "changes" and isinstance(value, Mapping):
            for field, pair in value.items():
                if isinstance(pair, list | tuple) and len(pair) == 2:
                    old, new = pair
                    parts.append(_("{field}：{old} → {new}", field=field_label(target_type, field),
                                   old=value_text(field, old), new=value_text(field, new)))
                else:
                    parts.append(_("{field}：{value}", field=field_label(target_type, field),
                                   value=value_text(field, pair)))
            continue
        if key == "officer":
            parts.append(_("{field}：{value}", field=field_label(target_type, key),
                           value=person_text(detail.get("officer_name"), value)))
            continue
        if value is None or value == "" or value == [] or USUAL.get(key) == value:
            continue        # nothing to say (an award not given, a reason not typed)
        if key == "message":
            parts.append(str(value))
            continue
        parts.append(_("{field}：{value}", field=field_label(target_type, key), value=value_text(key, value)))
    return _("；").join(parts)
