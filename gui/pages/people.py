# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""人员: the roster of the unit tree, filterable by unit; roster import, officer editing, moves,
deactivation, password resets (with a slip to print), lifting login lockouts (administrators) and the
unit-tree editor (新建/重命名/停用 a unit)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QMessageBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from base.i18n import N_, _
from core.access.usecase import Change
from core.models import Role
from core.people import usecases as people
from core.people.login import until_text
from core.people.org import UnitNode
from core.people.users import CATEGORY_LABELS, ROLE_LABELS, UserInfo
from gui.context import AppContext
from gui.pages import PageSpec
from gui.people.dialogs import OfficerDialog, RosterImportDialog
from gui.people.password import offer_slip
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table


class PeoplePage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("人员"), _("单位与人员名单"))
        self.ctx = ctx
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumWidth(240)
        self.tree.currentItemChanged.connect(lambda item, _old: self._load_people(item))
        self.model: RowsModel[UserInfo] = RowsModel([
            Column(_("警号"), lambda u: u.badge),
            Column(_("姓名"), lambda u: u.name),
            Column(_("类别"), lambda u: _(CATEGORY_LABELS[u.category])),
            Column(_("党员"), lambda u: _("是") if u.party_member else _("否")),
            Column(_("职务"), lambda u: u.title),
            Column(_("角色"), lambda u: _(ROLE_LABELS[u.role])),
            Column(_("单位"), lambda u: u.unit_name),
            Column(_("登录"), self._login_state),
        ])
        self.locks: dict[str, dt.datetime] = {}    # badges locked after failed logins (administrators see them)
        self.view = make_table(self.model)
        self.view.doubleClicked.connect(lambda _i: self.edit_officer())
        self.table = EmptyOr(self.view, _("这个单位还没有人员 — 点“导入花名册”添加"))
        self.add_action(_("导入花名册"), self.import_roster, primary=True)
        self.add_action(_("编辑"), self.edit_officer)
        self.add_action(_("调动单位"), self.move_officer)
        self.add_action(_("停用"), self.deactivate)
        account = self.add_action(_("账号"), lambda: None)       # password reset and login unlock, in a menu
        menu = QMenu(account)
        menu.addAction(_("重置密码"), self.reset_password)
        if ctx.user.is_admin:
            menu.addAction(_("解锁登录"), self.unlock_login)
        account.setMenu(menu)
        self.add_action(_("新建下级单位"), self.add_unit)
        self.add_action(_("重命名单位"), self.rename_unit)
        self.add_action(_("停用单位"), self.remove_unit)
        ctx.on(Change.PEOPLE, self.refresh)
        split = QSplitter()
        split.addWidget(self.tree)
        split.addWidget(self.table)
        split.setStretchFactor(1, 1)
        holder = QWidget()
        lay = QHBoxLayout(holder)
        lay.addWidget(split)
        lay.setContentsMargins(0, 0, 0, 0)
        self.add(holder, 1)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.call(people.unit_tree).success(self._show_tree).run(self)

    def _show_tree(self, roots: list[UnitNode]) -> None:
        self._roots = roots
        self.tree.clear()

        def add(parent: QTreeWidget | QTreeWidgetItem, node: UnitNode) -> None:
            item = QTreeWidgetItem([node.name])
            item.setData(0, Qt.ItemDataRole.UserRole, node.id)
            if isinstance(parent, QTreeWidget):
                parent.addTopLevelItem(item)
            else:
                parent.addChild(item)
            for child in node.children:
                add(item, child)

        for root in roots:
            add(self.tree, root)
        self.tree.expandAll()
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        else:
            self.table.show_content(False)

    def _load_people(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        unit_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        self.ctx.call(people.list_people, unit_id=unit_id).success(self._show_people).run(self)

    def _show_people(self, users: list[UserInfo]) -> None:
        self.model.set_rows(users)
        self.table.show_content(bool(users))
        if self.ctx.user.is_admin:
            self.ctx.call(people.locked_accounts).success(self._show_locks).run(self)

    def _show_locks(self, locks: dict[str, dt.datetime]) -> None:
        self.locks = locks
        if self.model.rows:          # repaint the 登录 column only (keeps the selection)
            last = self.model.columnCount() - 1
            self.model.dataChanged.emit(self.model.index(0, last), self.model.index(len(self.model.rows) - 1, last))

    def _login_state(self, user: UserInfo) -> str:
        until = self.locks.get(user.badge)
        if until is not None:
            return _("已锁定至 {t}", t=until_text(until, self.ctx.clock.now()))
        return _("须改初始密码") if user.must_change_password else ""


    # --- actions ------------------------------------------------------------------------

    def _selected(self) -> UserInfo | None:
        index = self.view.currentIndex()
        return self.model.row(index) if index.isValid() else None

    def _unit_id(self) -> int | None:
        item = self.tree.currentItem()
        return int(item.data(0, Qt.ItemDataRole.UserRole)) if item else None


    def import_roster(self) -> None:
        RosterImportDialog(self.ctx, self).exec()

    def edit_officer(self) -> None:
        user = self._selected()
        if user is None:
            return
        dialog = OfficerDialog(user, self)
        if dialog.exec():
            self.ctx.call(people.update_person, user.badge, **dialog.values()).run(self)

    def _unit_names(self) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []

        def walk(item: QTreeWidgetItem | None, depth: int) -> None:
            if item is None:
                return
            out.append(("　" * depth + item.text(0), int(item.data(0, Qt.ItemDataRole.UserRole))))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), 0)
        return out

    def move_officer(self) -> None:
        user = self._selected()
        if user is None:
            return
        units = self._unit_names()
        label, ok = QInputDialog.getItem(self, _("调动单位"), _("把 {n} 调到：（以前的成绩留在原单位）", n=user.name),
                                         [name for name, _id in units], 0, False)
        if ok:
            target = dict(units)[label]
            self.ctx.call(people.move_person, user.badge, self._code_of(target)).run(self)

    def _code_of(self, unit_id: int) -> str:
        return next(n.code for r in self._roots for n in r.walk() if n.id == unit_id)

    def deactivate(self) -> None:
        user = self._selected()
        if user is None:
            return
        if QMessageBox.question(self, _("停用"), _("停用 {n} 的账号？其学习和考试记录都会保留。", n=user.name)) \
                == QMessageBox.StandardButton.Yes:
            self.ctx.call(people.set_person_active, user.badge, False).run(self)

    def reset_password(self) -> None:
        user = self._selected()
        if user is None:
            return
        sure = QMessageBox.question(self, _("重置密码"), _("为 {n}（警号 {b}）生成新的随机初始密码？原密码随即失效，"
                                                       "本人首次登录后须修改。", n=user.name, b=user.badge))
        if sure == QMessageBox.StandardButton.Yes:
            self.ctx.call(people.reset_password, user.badge).success(
                lambda slip: offer_slip(self.ctx, self, slip)).run(self)

    def unlock_login(self) -> None:
        user = self._selected()
        if user is None:
            return

        def done(was_locked: bool) -> None:
            text = (_("已解锁 {n}（警号 {b}），现在可以登录", n=user.name, b=user.badge) if was_locked
                    else _("{n}（警号 {b}）没有被锁定；已清除其登录失败记录", n=user.name, b=user.badge))
            QMessageBox.information(self, _("解锁登录"), text)

        self.ctx.call(people.unlock_account, user.badge).success(done).run(self)

    def add_unit(self) -> None:
        name, ok = QInputDialog.getText(self, _("新建下级单位"), _("单位名称："))
        if ok and name.strip():
            self.ctx.call(people.new_unit, name, self._unit_id()).run(self)

    def rename_unit(self) -> None:
        item, unit_id = self.tree.currentItem(), self._unit_id()
        if item is None or unit_id is None:
            return
        name, ok = QInputDialog.getText(self, _("重命名单位"), _("新名称："), text=item.text(0))
        if ok and name.strip():
            self.ctx.call(people.rename_unit, unit_id, name).run(self)

    def remove_unit(self) -> None:
        item, unit_id = self.tree.currentItem(), self._unit_id()
        if item is None or unit_id is None:
            return
        if QMessageBox.question(self, _("停用单位"), _("停用“{u}”？", u=item.text(0))) == QMessageBox.StandardButton.Yes:
            self.ctx.call(people.deactivate_unit, unit_id).run(self)


PAGE = PageSpec("people", N_("人员"), "people", 60, Role.SECRETARY, PeoplePage)
