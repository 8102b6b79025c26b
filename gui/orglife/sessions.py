# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Recording a group session (kind, time, topic, materials, everyone's attendance) and looking at one."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.infra.clock import LOCAL_TZ
from core.orglife import usecases as orglife
from core.orglife.sessions import ABSENT, LEAVE, PRESENT, STATUS_LABELS, KindView, SessionSpec
from core.orglife.usecases import Member
from core.orglife.views import AttendanceLine, SessionDetail
from core.study.materials import MaterialInfo
from gui.context import AppContext


class SessionDialog(QDialog):
    """登记组织生活: the record on the left, every member's attendance on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget, kinds: list[KindView], units: list[tuple[int, str]],
                 materials: list[MaterialInfo]) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("登记组织生活"))
        self.resize(1040, 600)
        outer = QHBoxLayout(self)
        form = QFormLayout()
        self.unit = QComboBox()
        for uid, name in units:
            self.unit.addItem(name, uid)
        form.addRow(_("支部"), self.unit)
        self.kind = QComboBox()
        for k in kinds:
            self.kind.addItem(k.name, k.code)
        form.addRow(_("类型"), self.kind)
        self.topic = QLineEdit()
        self.topic.setPlaceholderText(_("例如：学习贯彻全会精神"))
        form.addRow(_("主题"), self.topic)
        self.start = QDateTimeEdit()
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd HH:mm")
        now = ctx.clock.now().astimezone(LOCAL_TZ).replace(minute=0, second=0, microsecond=0)
        self.start.setDateTime(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, 0)))
        form.addRow(_("开始时间"), self.start)
        self.minutes = QSpinBox()
        self.minutes.setRange(10, 480)
        self.minutes.setSingleStep(10)
        self.minutes.setValue(90)
        self.minutes.setSuffix(_(" 分钟"))
        form.addRow(_("时长"), self.minutes)
        self.place = QLineEdit()
        form.addRow(_("地点"), self.place)
        self.speaker = QLineEdit()
        form.addRow(_("主讲人"), self.speaker)
        self.materials = QListWidget()
        for m in materials:
            item = QListWidgetItem(m.title)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.materials.addItem(item)
        form.addRow(_("学习资料（缺席者补学）"), self.materials)
        outer.addLayout(form, 5)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("出勤登记（未到会的请选择请假或缺席）")))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("警号"), _("姓名"), _("出勤"), _("请假事由")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.table, 1)
        row = QHBoxLayout()
        all_present = QPushButton(_("全部出席"))
        all_present.clicked.connect(lambda: self._set_all(PRESENT))
        row.addWidget(all_present)
        row.addStretch(1)
        right.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        outer.addLayout(right, 6)
        self.members: list[Member] = []
        self.unit.currentIndexChanged.connect(self._load_members)
        self._load_members()

    def _load_members(self) -> None:
        unit_id = self.unit.currentData()
        if unit_id is None:
            return
        self.ctx.call(orglife.branch_members, int(unit_id)).success(self.show_members).run(self)

    def show_members(self, members: list[Member]) -> None:
        self.members = members
        self.table.setRowCount(len(members))
        for i, m in enumerate(members):
            self.table.setItem(i, 0, QTableWidgetItem(m.badge))
            self.table.setItem(i, 1, QTableWidgetItem(m.name))
            box = QComboBox()
            for status in (PRESENT, LEAVE, ABSENT):
                box.addItem(_(STATUS_LABELS[status]), status)
            self.table.setCellWidget(i, 2, box)
            self.table.setItem(i, 3, QTableWidgetItem(""))
        self.table.resizeColumnsToContents()

    def _set_all(self, status: str) -> None:
        for i in range(self.table.rowCount()):
            box = self.table.cellWidget(i, 2)
            if isinstance(box, QComboBox):
                box.setCurrentIndex(box.findData(status))

    def set_status(self, row: int, status: str, reason: str = "") -> None:
        box = self.table.cellWidget(row, 2)
        if isinstance(box, QComboBox):
            box.setCurrentIndex(box.findData(status))
        self.table.setItem(row, 3, QTableWidgetItem(reason))

    def spec(self) -> SessionSpec:
        qdt = self.start.dateTime()
        d, t = qdt.date(), qdt.time()
        start = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=LOCAL_TZ).astimezone(dt.UTC)
        marks: dict[int, tuple[str, str]] = {}
        if start <= self.ctx.clock.now():           # a planned session takes its attendance afterwards
            for i, m in enumerate(self.members):
                box = self.table.cellWidget(i, 2)
                reason = self.table.item(i, 3)
                if isinstance(box, QComboBox):
                    marks[m.id] = (str(box.currentData()), reason.text() if reason else "")
        mats = [int(self.materials.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.materials.count())
                if self.materials.item(i).checkState() == Qt.CheckState.Checked]
        return SessionSpec(int(self.unit.currentData()), str(self.kind.currentData()), self.topic.text(), start,
                           self.minutes.value(), place=self.place.text(), speaker=self.speaker.text(),
                           material_ids=mats, attendance=marks)


class SessionDetailDialog(QDialog):
    """One session: its record, each member's attendance and 补学, the photos and sign-in sheet."""

    def __init__(self, ctx: AppContext, parent: QWidget, detail: SessionDetail) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        r = detail.row
        self.setWindowTitle(f"{r.kind_name}：{r.topic}")
        self.resize(860, 560)
        lay = QVBoxLayout(self)
        start = r.starts_at.astimezone(LOCAL_TZ)
        head = QLabel(_("{d} {t}，{m} 分钟，{p}　主讲：{s}", d=r.day.isoformat(), t=start.strftime("%H:%M"), m=r.minutes,
                        p=r.place or "—", s=r.speaker or "—"))
        head.setWordWrap(True)
        lay.addWidget(head)
        summary = _("出席 {p} 人，请假 {l} 人，缺席 {a} 人，已补学 {m} 人；出勤率 {rate}", p=r.present, l=r.leave,
                    a=r.absent, m=r.made_up, rate=f"{r.attendance_rate * 100:.0f}%")
        if detail.materials:
            summary += "\n" + _("补学资料：") + "、".join(t for _i, t in detail.materials)
        lay.addWidget(QLabel(summary))
        table = QTableWidget(len(detail.attendance), 4)
        table.setHorizontalHeaderLabels([_("警号"), _("姓名"), _("出勤"), _("补学")])
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for i, a in enumerate(detail.attendance):
            status = _(STATUS_LABELS[a.status]) + (f"（{a.reason}）" if a.reason else "")
            if a.status == PRESENT:
                makeup = "—"
            elif a.made_up_at:
                makeup = _("已完成 {d}", d=a.made_up_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d"))
            else:
                makeup = _("未完成")
            for j, text in enumerate((a.badge, a.name, status, makeup)):
                table.setItem(i, j, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        lay.addWidget(table, 1)
        files = QHBoxLayout()
        files.addWidget(QLabel(_("附件：") + ("、".join(f.name for f in detail.attachments) or _("无"))), 1)
        for f in detail.attachments:
            open_button = QPushButton(_("打开 {n}", n=f.name))
            open_button.clicked.connect(lambda _c=False, fid=f.id: self._open(fid))
            files.addWidget(open_button)
        attend = QPushButton(_("登记/更正出勤…"))
        attend.clicked.connect(self._attendance)
        files.addWidget(attend)
        attach = QPushButton(_("添加照片或签到表…"))
        attach.clicked.connect(self._attach)
        files.addWidget(attach)
        lay.addLayout(files)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay.addWidget(close)

    def _attendance(self) -> None:
        def ask(lines: list[AttendanceLine]) -> None:
            dialog = AttendanceDialog(self, lines)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.ctx.call(orglife.set_attendance, self.detail.row.id, dialog.marks()) \
                    .success(lambda _counts: self.accept()).run(self)

        if self.detail.attendance:
            ask(self.detail.attendance)
        else:           # planned ahead: everyone of the branch, present unless marked otherwise
            self.ctx.call(orglife.branch_members, self.detail.row.unit_id).success(
                lambda members: ask([AttendanceLine(m.id, m.badge, m.name, PRESENT, "", None) for m in members])
            ).run(self)

    def _attach(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("选择照片或签到表"), "", _("图片或 PDF (*.jpg *.jpeg *.png *.pdf)"))
        if not path:
            return
        kind = "signin" if "签到" in Path(path).stem or "sign" in Path(path).stem.lower() else "photo"
        self.ctx.call(orglife.add_attachment, self.detail.row.id, Path(path), kind) \
            .success(lambda _id: self.accept()).run(self)

    def _open(self, attachment_id: uuid.UUID) -> None:
        def save(result: tuple[str, bytes]) -> None:
            import tempfile

            name, data = result
            target = Path(tempfile.mkdtemp(prefix="studyhall-")) / name
            target.write_bytes(data)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

        self.ctx.call(orglife.attachment, attachment_id).success(save).run(self)


class AttendanceDialog(QDialog):
    """Take (a planned session) or correct the attendance of a recorded session."""

    def __init__(self, parent: QWidget, lines: list[AttendanceLine]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("登记/更正出勤"))
        self.resize(620, 520)
        lay = QVBoxLayout(self)
        self.lines = lines
        self.table = QTableWidget(len(self.lines), 4)
        self.table.setHorizontalHeaderLabels([_("警号"), _("姓名"), _("出勤"), _("请假事由")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for i, a in enumerate(self.lines):
            self.table.setItem(i, 0, QTableWidgetItem(a.badge))
            self.table.setItem(i, 1, QTableWidgetItem(a.name))
            box = QComboBox()
            for status in (PRESENT, LEAVE, ABSENT):
                box.addItem(_(STATUS_LABELS[status]), status)
            box.setCurrentIndex(box.findData(a.status))
            self.table.setCellWidget(i, 2, box)
            self.table.setItem(i, 3, QTableWidgetItem(a.reason))
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def marks(self) -> dict[int | str, tuple[str, str]]:
        out: dict[int | str, tuple[str, str]] = {}
        for i, a in enumerate(self.lines):
            box = self.table.cellWidget(i, 2)
            reason = self.table.item(i, 3)
            if isinstance(box, QComboBox):
                out[a.officer_id] = (str(box.currentData()), reason.text() if reason else "")
        return out
