# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The one permission table: role × action → how far the right reaches (scope).

As Moodle declares every capability once (``db/access.php``) and checks it where the work is
done, StudyHall lists every action here and each use case checks it before doing anything
(:func:`core.access.usecase.use_case`). The GUI only hides what this table would refuse anyway.

Scopes:

* ``OWN``  the actor's own records (their study, attempts, points, certificates);
* ``UNIT`` records of officers of the actor's unit and every unit below it;
* ``ALL``  everything.

Branch comparisons are published to every branch (评比晾晒), so secretaries see every unit's
aggregated numbers, but only their own subtree's personal records.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from base.i18n import N_
from core.models import Role


class Scope(IntEnum):
    OWN = 1
    UNIT = 2
    ALL = 3


class Action(StrEnum):
    # Anyone, logged in or not
    LOG_IN = "account.log_in"
    CERT_VERIFY = "cert.verify"
    SETUP = "admin.setup"                 # load the demo or create the first administrator; anonymous
                                          # only while the database holds no account
    # Every account, on its own records
    ACCOUNT_PASSWORD = "account.password"
    HOME_VIEW = "home.view"
    STUDY_READ = "study.read"
    PRACTICE = "quiz.practice"
    QUIZ_TAKE = "quiz.take"
    RESULT_VIEW = "quiz.result.view"
    POINTS_VIEW = "points.view"
    POINTS_RULES_VIEW = "points.rules.view"
    CERT_VIEW = "cert.view"
    REFLECTION_WRITE = "orglife.reflection.write"     # write one's own 心得体会
    RATING_VIEW = "orglife.rating.view"   # the published 支部评星定级 ranking (评比晾晒, public to every branch)
    CERT_PRINT = "cert.print"
    UNITS_VIEW = "org.units.view"
    AUTO_BACKUP = "admin.backup.auto"     # the automatic backup on start and every 30 minutes, as whoever
                                          # is logged in (core.admin.autobackup); not in the audit log
    # Secretaries and administrators
    BANK_VIEW = "bank.view"
    BANK_IMPORT = "bank.import"
    BANK_EDIT = "bank.edit"
    BANK_EXPORT = "bank.export"
    QUIZ_MANAGE = "quiz.manage"
    QUIZ_RESULTS = "quiz.results"
    QUIZ_GRADE = "quiz.grade"
    QUIZ_REGRADE = "quiz.regrade"         # an answer-key correction: new grades, points and certificates
    QUIZ_PAPER = "quiz.paper"             # paper exams: print versions and sheets, enter the answers
    MATERIALS_MANAGE = "study.materials.manage"
    POINTS_TALLY = "points.tally"
    CERT_ISSUE = "cert.issue"
    CERT_TEMPLATES = "cert.templates"
    PEOPLE_VIEW = "people.view"
    PEOPLE_EDIT = "people.edit"
    ROSTER_IMPORT = "people.roster.import"
    USER_ADD = "people.user.add"
    USER_PASSWORD = "people.user.password"
    REPORT_BRANCHES = "report.branches"
    REPORT_PEOPLE = "report.people"
    REPORT_ITEMS = "report.items"
    UNITS_EDIT = "org.units.edit"
    CERT_KEY_UNLOCK = "cert.key.unlock"   # unlock the certificate signing key in this process, to sign
    EXCHANGE = "exchange.packages"        # exam and results packages for offline PCs (core.exchange)
    CONTEST_VIEW = "contest.view"         # contests, their questions and answers, result sheets
    CONTEST_MANAGE = "contest.manage"     # set up a contest; points and certificates after it
    CONTEST_HOST = "contest.host"         # run it on stage: questions, buzzes, rulings, adjustments
    ORGLIFE_SESSIONS = "orglife.sessions"     # record group sessions, attendance, attachments; confirm 补学
    REFLECTION_TASKS = "orglife.reflection.tasks"     # ask a branch for 心得体会 by a due date
    REFLECTION_REVIEW = "orglife.reflection.review"   # read, compare and review 心得体会; export them
    # Administrators only
    POINTS_RULES_EDIT = "points.rules.edit"
    SETTINGS_EDIT = "admin.settings"
    BACKUP = "admin.backup"
    RESTORE = "admin.restore"
    AUDIT_VIEW = "admin.audit"
    CERT_KEY_MANAGE = "cert.key.manage"   # set up the certificate signing key, change its passphrase
    EXCHANGE_TRUST = "exchange.trust"     # this PC's exchange key; trust another installation's key
    USER_UNLOCK = "people.user.unlock"    # lift a lockout after failed logins
    RATING_MANAGE = "orglife.rating.manage"   # criteria, compute, adjust (with a reason) and publish ratings


LABELS: dict[Action, str] = {
    Action.LOG_IN: N_("登录"),
    Action.CERT_VERIFY: N_("验证证书"),
    Action.SETUP: N_("初始化数据库"),
    Action.ACCOUNT_PASSWORD: N_("修改自己的密码"),
    Action.HOME_VIEW: N_("查看首页"),
    Action.STUDY_READ: N_("学习资料"),
    Action.PRACTICE: N_("练习"),
    Action.QUIZ_TAKE: N_("参加考试"),
    Action.RESULT_VIEW: N_("查看成绩"),
    Action.POINTS_VIEW: N_("查看积分"),
    Action.POINTS_RULES_VIEW: N_("查看积分规则"),
    Action.CERT_VIEW: N_("查看证书"),
    Action.CERT_PRINT: N_("打印证书"),
    Action.UNITS_VIEW: N_("查看单位"),
    Action.AUTO_BACKUP: N_("自动备份"),
    Action.BANK_VIEW: N_("查看题库"),
    Action.BANK_IMPORT: N_("导入题库"),
    Action.BANK_EDIT: N_("编辑题库"),
    Action.BANK_EXPORT: N_("导出题库"),
    Action.QUIZ_MANAGE: N_("组卷与发布"),
    Action.QUIZ_RESULTS: N_("查看试卷成绩"),
    Action.QUIZ_GRADE: N_("阅卷"),
    Action.QUIZ_REGRADE: N_("更正答案并重新评分"),
    Action.QUIZ_PAPER: N_("纸质考试：打印题本与录入答卷"),
    Action.MATERIALS_MANAGE: N_("管理学习资料"),
    Action.POINTS_TALLY: N_("积分统计"),
    Action.CERT_ISSUE: N_("颁发、补发与撤销证书"),
    Action.CERT_TEMPLATES: N_("证书模板"),
    Action.PEOPLE_VIEW: N_("查看人员"),
    Action.PEOPLE_EDIT: N_("编辑人员"),
    Action.ROSTER_IMPORT: N_("导入花名册"),
    Action.USER_ADD: N_("新增账号"),
    Action.USER_PASSWORD: N_("重置他人密码"),
    Action.REPORT_BRANCHES: N_("支部对比"),
    Action.REPORT_PEOPLE: N_("人员统计"),
    Action.REPORT_ITEMS: N_("试题分析"),
    Action.UNITS_EDIT: N_("编辑单位"),
    Action.CERT_KEY_UNLOCK: N_("解锁证书签名密钥"),
    Action.CONTEST_VIEW: N_("查看知识竞赛"),
    Action.CONTEST_MANAGE: N_("组织知识竞赛"),
    Action.CONTEST_HOST: N_("主持知识竞赛"),
    Action.ORGLIFE_SESSIONS: N_("登记组织生活与出勤"),
    Action.REFLECTION_WRITE: N_("撰写心得体会"),
    Action.REFLECTION_TASKS: N_("布置心得体会"),
    Action.REFLECTION_REVIEW: N_("审阅心得体会"),
    Action.RATING_VIEW: N_("查看支部评星结果"),
    Action.RATING_MANAGE: N_("支部评星定级"),
    Action.POINTS_RULES_EDIT: N_("修改积分规则"),
    Action.SETTINGS_EDIT: N_("系统设置"),
    Action.BACKUP: N_("备份数据库"),
    Action.RESTORE: N_("恢复数据库"),
    Action.AUDIT_VIEW: N_("查看操作日志"),
    Action.CERT_KEY_MANAGE: N_("设置证书签名密钥"),
    Action.EXCHANGE: N_("数据交换（导出、导入数据包）"),
    Action.EXCHANGE_TRUST: N_("设置数据交换密钥与受信任的电脑"),
    Action.USER_UNLOCK: N_("解锁被锁定的账号"),
}

# Who may do what, and how far. A role missing from an action's row may not do it at all;
# ``None`` is the anonymous actor (nobody logged in).
OFFICER, SECRETARY, ADMIN, NOBODY = Role.OFFICER, Role.SECRETARY, Role.ADMIN, None
OWN, UNIT, ALL = Scope.OWN, Scope.UNIT, Scope.ALL
_EVERYONE_OWN: dict[Role | None, Scope] = {OFFICER: OWN, SECRETARY: OWN, ADMIN: OWN}

TABLE: dict[Action, dict[Role | None, Scope]] = {
    Action.LOG_IN: {NOBODY: ALL, OFFICER: ALL, SECRETARY: ALL, ADMIN: ALL},
    Action.CERT_VERIFY: {NOBODY: ALL, OFFICER: ALL, SECRETARY: ALL, ADMIN: ALL},
    Action.SETUP: {NOBODY: ALL, ADMIN: ALL},
    Action.ACCOUNT_PASSWORD: _EVERYONE_OWN,
    Action.HOME_VIEW: _EVERYONE_OWN,
    Action.STUDY_READ: _EVERYONE_OWN,
    Action.PRACTICE: _EVERYONE_OWN,
    Action.QUIZ_TAKE: _EVERYONE_OWN,
    Action.RESULT_VIEW: {OFFICER: OWN, SECRETARY: UNIT, ADMIN: ALL},
    Action.POINTS_VIEW: {OFFICER: OWN, SECRETARY: UNIT, ADMIN: ALL},
    Action.POINTS_RULES_VIEW: {OFFICER: ALL, SECRETARY: ALL, ADMIN: ALL},
    Action.CERT_VIEW: {OFFICER: OWN, SECRETARY: UNIT, ADMIN: ALL},
    Action.CERT_PRINT: {OFFICER: OWN, SECRETARY: UNIT, ADMIN: ALL},
    Action.UNITS_VIEW: {OFFICER: ALL, SECRETARY: ALL, ADMIN: ALL},
    Action.AUTO_BACKUP: {OFFICER: ALL, SECRETARY: ALL, ADMIN: ALL},
    Action.BANK_VIEW: {SECRETARY: UNIT, ADMIN: ALL},
    Action.BANK_IMPORT: {SECRETARY: UNIT, ADMIN: ALL},
    Action.BANK_EDIT: {SECRETARY: UNIT, ADMIN: ALL},
    Action.BANK_EXPORT: {SECRETARY: UNIT, ADMIN: ALL},
    Action.QUIZ_MANAGE: {SECRETARY: UNIT, ADMIN: ALL},
    Action.QUIZ_RESULTS: {SECRETARY: UNIT, ADMIN: ALL},
    Action.QUIZ_GRADE: {SECRETARY: UNIT, ADMIN: ALL},
    Action.QUIZ_REGRADE: {SECRETARY: UNIT, ADMIN: ALL},
    Action.QUIZ_PAPER: {SECRETARY: UNIT, ADMIN: ALL},
    Action.MATERIALS_MANAGE: {SECRETARY: ALL, ADMIN: ALL},
    Action.POINTS_TALLY: {SECRETARY: UNIT, ADMIN: ALL},
    Action.CERT_ISSUE: {SECRETARY: UNIT, ADMIN: ALL},
    Action.CERT_TEMPLATES: {SECRETARY: ALL, ADMIN: ALL},
    Action.PEOPLE_VIEW: {SECRETARY: UNIT, ADMIN: ALL},
    Action.PEOPLE_EDIT: {SECRETARY: UNIT, ADMIN: ALL},
    Action.ROSTER_IMPORT: {SECRETARY: UNIT, ADMIN: ALL},
    Action.USER_ADD: {SECRETARY: UNIT, ADMIN: ALL},
    Action.USER_PASSWORD: {SECRETARY: UNIT, ADMIN: ALL},
    Action.REPORT_BRANCHES: {SECRETARY: ALL, ADMIN: ALL},
    Action.REPORT_PEOPLE: {OFFICER: OWN, SECRETARY: UNIT, ADMIN: ALL},
    Action.REPORT_ITEMS: {SECRETARY: ALL, ADMIN: ALL},
    Action.UNITS_EDIT: {SECRETARY: UNIT, ADMIN: ALL},
    Action.CERT_KEY_UNLOCK: {SECRETARY: ALL, ADMIN: ALL},
    Action.EXCHANGE: {SECRETARY: UNIT, ADMIN: ALL},
    Action.CONTEST_VIEW: {SECRETARY: UNIT, ADMIN: ALL},
    Action.CONTEST_MANAGE: {SECRETARY: UNIT, ADMIN: ALL},
    Action.CONTEST_HOST: {SECRETARY: UNIT, ADMIN: ALL},
    Action.ORGLIFE_SESSIONS: {SECRETARY: UNIT, ADMIN: ALL},
    Action.REFLECTION_WRITE: _EVERYONE_OWN,
    Action.REFLECTION_TASKS: {SECRETARY: UNIT, ADMIN: ALL},
    Action.REFLECTION_REVIEW: {SECRETARY: UNIT, ADMIN: ALL},
    Action.RATING_VIEW: {OFFICER: ALL, SECRETARY: ALL, ADMIN: ALL},
    Action.RATING_MANAGE: {ADMIN: ALL},
    Action.POINTS_RULES_EDIT: {ADMIN: ALL},
    Action.SETTINGS_EDIT: {ADMIN: ALL},
    Action.BACKUP: {ADMIN: ALL},
    Action.RESTORE: {ADMIN: ALL},
    Action.AUDIT_VIEW: {ADMIN: ALL},
    Action.CERT_KEY_MANAGE: {ADMIN: ALL},
    Action.EXCHANGE_TRUST: {ADMIN: ALL},
    Action.USER_UNLOCK: {ADMIN: ALL},
}


def scope_for(role: Role | None, action: Action) -> Scope | None:
    """How far ``role`` may do ``action``; None when it may not at all."""
    return TABLE[action].get(role)


def roles_allowed(action: Action) -> list[Role | None]:
    return list(TABLE[action])
