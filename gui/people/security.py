# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 设置 page's 登录与锁屏 box (administrators): the idle lock and the login lockout, per database."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from base.i18n import _
from core.people import usecases as people
from core.people.login import SecuritySettings
from gui.context import AppContext


class SecuritySettingsBox(QGroupBox):
    """Edits :class:`~core.people.login.SecuritySettings`; every PC on the database uses them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("登录与锁屏（所有电脑通用）"), parent)
        self.ctx = ctx
        self.current = SecuritySettings()
        form = QFormLayout(self)
        limits = SecuritySettings.LIMITS
        self.idle = self._spin(*limits["idle_lock_minutes"], _(" 分钟"))
        self.idle.setSpecialValueText(_("从不锁屏"))
        self.failures = self._spin(*limits["max_failures"], _(" 次"))
        self.failures.setSpecialValueText(_("从不锁定"))
        self.lockout = self._spin(*limits["lockout_minutes"], _(" 分钟"))
        form.addRow(_("无操作自动锁屏"), self.idle)
        form.addRow(_("连续登录失败锁定"), self.failures)
        form.addRow(_("锁定时长"), self.lockout)
        row = QHBoxLayout()
        self.save = QPushButton(_("保存"))
        self.save.clicked.connect(self._save)
        row.addWidget(self.save)
        self.status = QLabel("")
        self.status.setObjectName("Muted")
        row.addWidget(self.status, 1)
        form.addRow(row)
        ctx.call(people.security_settings).success(self._show).run(self)

    @staticmethod
    def _spin(low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setMinimumWidth(140)
        spin.setMaximumWidth(220)
        return spin

    def _show(self, values: SecuritySettings) -> None:
        self.current = values
        self.idle.setValue(values.idle_lock_minutes)
        self.failures.setValue(values.max_failures)
        self.lockout.setValue(values.lockout_minutes)

    def values(self) -> SecuritySettings:
        return dataclasses.replace(self.current, idle_lock_minutes=self.idle.value(),
                                   max_failures=self.failures.value(), lockout_minutes=self.lockout.value())

    def _save(self) -> None:
        values = self.values()

        def done(_r: None) -> None:
            self.current = values
            self.status.setText(_("已保存（其他电脑在下次登录时生效）"))

        self.ctx.call(people.save_security_settings, values).success(done).run(self)
