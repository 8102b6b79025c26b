# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""学习: the officer's assigned materials with progress; secretaries also import and organise them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypedDict

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _
from core.access.usecase import Change
from core.models import Category, Role
from core.people.users import CATEGORY_LABELS
from core.study import usecases as study
from core.study.materials import MaterialInfo, OfficerMaterial
from gui import files as file_dialogs
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table

FILE_FILTER = N_("学习资料 (*.docx *.md *.markdown *.txt *.html *.htm *.pdf)")


def _status(m: OfficerMaterial, today: dt.date) -> str:
    if m.finished:
        return _("已学完")
    if m.required and m.due_date and m.due_date < today:
        return _("已逾期")
    return _("学习中") if m.seconds else _("未开始")


class MaterialValues(TypedDict):
    """What :class:`MaterialDialog` asks for."""

    title: str
    topic: str
    required: bool
    due_date: dt.date | None
    min_minutes: int
    audience: dict[str, Any]


class MaterialDialog(QDialog):
    """Topic, 必学/选学, due date, minimum time and audience for one material or a new import."""

    def __init__(self, parent: QWidget, known_topics: list[str], units: list[tuple[int, str]],
                 info: MaterialInfo | None = None, *, title_editable: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("资料设置") if info else _("导入设置"))
        form = QFormLayout(self)
        self.title_edit = QLineEdit(info.title if info else "")
        if info and title_editable:
            form.addRow(_("标题"), self.title_edit)
        self.topic = QComboBox()
        self.topic.setEditable(True)
        self.topic.addItems(known_topics)
        self.topic.setCurrentText(info.topic if info else "")
        form.addRow(_("专题"), self.topic)
        self.required = QCheckBox(_("必学（不勾选为选学）"))
        self.required.setChecked(bool(info and info.required))
        form.addRow("", self.required)
        self.has_due = QCheckBox(_("设置截止日期"))
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        due = info.due_date if info and info.due_date else dt.date.today() + dt.timedelta(days=30)
        self.due.setDate(QDate(due.year, due.month, due.day))
        self.has_due.setChecked(bool(info and info.due_date))
        self.due.setEnabled(self.has_due.isChecked())
        self.has_due.toggled.connect(self.due.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.has_due)
        row.addWidget(self.due, 1)
        form.addRow(_("截止日期"), row)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(_(" 分钟"))
        self.minutes.setValue(info.min_minutes if info else 5)
        form.addRow(_("最少阅读时间"), self.minutes)
        audience = info.audience if info else {}
        self.units = QListWidget()
        self.units.setMaximumHeight(150)
        chosen = set(audience.get("units", []))
        for uid, name in units:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, uid)
            item.setCheckState(Qt.CheckState.Checked if uid in chosen else Qt.CheckState.Unchecked)
            self.units.addItem(item)
        form.addRow(_("下发单位（不选为全部）"), self.units)
        cats = audience.get("categories") or [c.value for c in Category]
        self.cats = {}
        row2 = QHBoxLayout()
        for cat in Category:
            box = QCheckBox(_(CATEGORY_LABELS[cat]))
            box.setChecked(cat.value in cats)
            self.cats[cat.value] = box
            row2.addWidget(box)
        row2.addStretch(1)
        form.addRow(_("人员类别"), row2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> MaterialValues:
        d = self.due.date()
        units = [self.units.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.units.count())
                 if self.units.item(i).checkState() == Qt.CheckState.Checked]
        cats = [c for c, box in self.cats.items() if box.isChecked()]
        audience: dict[str, Any] = {}
        if units:
            audience["units"] = units
        if cats and len(cats) < len(self.cats):
            audience["categories"] = cats
        return MaterialValues(title=self.title_edit.text(), topic=self.topic.currentText().strip(),
                              required=self.required.isChecked(),
                              due_date=dt.date(d.year(), d.month(), d.day()) if self.has_due.isChecked() else None,
                              min_minutes=self.minutes.value(), audience=audience)


class StudyPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("学习"), _("阅读学习资料；只有认真阅读的时间才会计入学时"))
        self.ctx = ctx
        self.add_action(_("开始阅读"), self.open_selected, primary=True)
        self.mine: RowsModel[OfficerMaterial] = RowsModel([
            Column(_("资料"), lambda m: m.title),
            Column(_("专题"), lambda m: m.topic),
            Column(_("类型"), lambda m: _("必学") if m.required else _("选学")),
            Column(_("截止日期"), lambda m: m.due_date.isoformat() if m.due_date else "—"),
            Column(_("阅读时长"), lambda m: _("已读 {a} 分钟，要求 {b} 分钟", a=m.seconds // 60, b=m.min_minutes),
                   align_right=True),
            Column(_("状态"), lambda m: _status(m, self._today())),
        ])
        self.mine_view = make_table(self.mine, stretch_column=0)
        self.mine_view.doubleClicked.connect(lambda _i: self.open_selected())
        self.mine_box = EmptyOr(self.mine_view, _("目前没有下发给您的学习资料"))
        if ctx.user.is_secretary:
            self.tabs = QTabWidget()
            self.tabs.addTab(self.mine_box, _("我的学习"))
            self.tabs.addTab(self._manage_tab(), _("资料管理"))
            self.add(self.tabs, 1)
        else:
            self.add(self.mine_box, 1)
        self.materials: list[MaterialInfo] = []
        self.unit_list: list[tuple[int, str]] = []
        self.topic_list: list[str] = []
        ctx.on(Change.STUDY | Change.MATERIALS, self.refresh)
        self.refresh()

    def _today(self) -> dt.date:
        from core.infra.clock import local_date

        return local_date(self.ctx.clock.now())

    def _manage_tab(self) -> QWidget:
        box = QGroupBox()
        lay = QVBoxLayout(box)
        row = QHBoxLayout()
        for text, slot, primary in ((_("导入资料…"), self.import_files, True), (_("设置…"), self.edit_selected, False),
                                    (_("停用"), self.deactivate_selected, False)):
            button = self.add_action(text, slot, primary=primary)
            self.action_bar.removeWidget(button)
            row.addWidget(button)
        row.addStretch(1)
        lay.addLayout(row)
        self.all = RowsModel([
            Column(_("标题"), lambda m: m.title),
            Column(_("专题"), lambda m: m.topic),
            Column(_("类型"), lambda m: _("必学") if m.required else _("选学")),
            Column(_("格式"), lambda m: m.source_format),
            Column(_("截止日期"), lambda m: m.due_date.isoformat() if m.due_date else "—"),
            Column(_("最少阅读"), lambda m: _("{n} 分钟", n=m.min_minutes), align_right=True),
            Column(_("下发范围"), self._audience_text),
        ])
        self.all_view = make_table(self.all, stretch_column=0)
        self.all_view.doubleClicked.connect(lambda _i: self.edit_selected())
        lay.addWidget(self.all_view, 1)
        self.unit_names: dict[int, str] = {}
        return box

    def _audience_text(self, m: MaterialInfo) -> str:
        units = [self.unit_names.get(u, str(u)) for u in m.audience.get("units", [])]
        cats = [_(CATEGORY_LABELS[Category(c)]) for c in m.audience.get("categories", [])]
        return "、".join(units or [_("全部单位")]) + ("（" + "、".join(cats) + "）" if cats else "")

    def refresh(self) -> None:
        self.ctx.call(study.my_materials).success(self._show_mine).run(self)
        if self.ctx.user.is_secretary:
            self.ctx.call(study.materials_overview).success(self._show_all).run(self)

    def _show_mine(self, rows: list[OfficerMaterial]) -> None:
        self.mine.set_rows(rows)
        self.mine_box.show_content(bool(rows))

    def _show_all(self, data: study.MaterialsOverview) -> None:
        self.materials, self.unit_list, self.topic_list = data.materials, data.units, data.topics
        self.unit_names = dict(self.unit_list)
        self.all.set_rows(self.materials)

    def open_selected(self) -> None:
        from gui.study.reader import open_reader

        model: RowsModel[MaterialInfo] | RowsModel[OfficerMaterial]
        if self.ctx.user.is_secretary and self.tabs.currentIndex() == 1:
            view, model = self.all_view, self.all
        else:
            view, model = self.mine_view, self.mine
        rows = view.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, _("请选择"), _("请先在列表中选择一份资料"))
            return
        open_reader(self.ctx, model.row(rows[0]).id, self, on_closed=self.refresh)

    def import_files(self) -> None:
        chosen = file_dialogs.open_files(self, "materials", _("选择学习资料"), _(FILE_FILTER))
        if not chosen:
            return
        dialog = MaterialDialog(self, self.topic_list, self.unit_list)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()

        def done(infos: list[MaterialInfo]) -> None:
            QMessageBox.information(self, _("导入完成"), _("已导入 {n} 份资料：\n{t}", n=len(infos),
                                                        t="\n".join(i.title for i in infos)))

        self.ctx.call(study.import_materials, [Path(f) for f in chosen], topic=v["topic"],
                      required=v["required"], min_minutes=v["min_minutes"],
                      due_date=v["due_date"], audience=v["audience"]) \
            .with_progress(_("正在导入学习资料…")).success(done).run(self)

    def _selected_material(self) -> MaterialInfo | None:
        rows = self.all_view.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, _("请选择"), _("请先在列表中选择一份资料"))
            return None
        return self.all.row(rows[0])

    def edit_selected(self) -> None:
        info = self._selected_material()
        if info is None:
            return
        dialog = MaterialDialog(self, self.topic_list, self.unit_list, info)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        self.ctx.call(study.update_material, info.id, title=v["title"], topic=v["topic"], required=v["required"],
                      due_date=v["due_date"], min_seconds=60 * v["min_minutes"],
                      audience=v["audience"]).run(self)

    def deactivate_selected(self) -> None:
        info = self._selected_material()
        if info is None:
            return
        if QMessageBox.question(self, _("停用资料"), _("停用《{t}》？已有的学习记录会保留。", t=info.title)) \
                != QMessageBox.StandardButton.Yes:
            return
        self.ctx.call(study.update_material, info.id, active=False).run(self)


PAGE = PageSpec("study", N_("学习"), "study", 10, Role.OFFICER, StudyPage)
