# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""新建竞赛: a contest set up in a form (title, teams by branch with their players and buzzer keys,
rounds by preset), giving the same spec a TOML file gives (core.contest.setup)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
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

from base.i18n import N_, _
from core.contest.rules import PRESETS, TURN_KINDS
from core.contest.usecases import SetupChoices, TeamChoice

# The round presets offered, in the order hosts use them (core.contest.rules.PRESETS).
ROUNDS = [("compulsory", N_("必答题")), ("buzz", N_("抢答题")), ("risk", N_("风险题（10/20/30分）")),
          ("risk_high", N_("风险题（20/40/60分）")), ("choose", N_("选答题")), ("tiebreak", N_("加赛题"))]
QTYPE_SETS = [(("single", "judge"), N_("单选题、判断题")), (("single",), N_("单选题")), (("multiple",), N_("多选题")),
              (("judge",), N_("判断题")), (("single", "multiple", "judge"), N_("单选、多选、判断题"))]
KEYS = "QPZMAL"          # buzzer keys far apart on the keyboard, one per team in turn
PLAYERS = 3              # players a new team gets (the branch's first officers), changed with 队员…
DEFAULT_ROUNDS = [("compulsory", 2), ("buzz", 10), ("risk", 1)]
T_BRANCH, T_NAME, T_MEMBERS, T_KEY = range(4)
R_PRESET, R_COUNT, R_BANK, R_TYPES = range(4)


class MembersDialog(QDialog):
    """Tick the players of one team among the officers of its branch."""

    def __init__(self, parent: QWidget, team: str, officers: list[tuple[str, str]], chosen: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("{team}的队员", team=team))
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        for badge, name in officers:
            item = QListWidgetItem(f"{name}（{badge}）")
            item.setData(Qt.ItemDataRole.UserRole, badge)
            item.setCheckState(Qt.CheckState.Checked if badge in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        items = [self.list.item(i) for i in range(self.list.count())]
        return [str(it.data(Qt.ItemDataRole.UserRole)) for it in items if it.checkState() == Qt.CheckState.Checked]


class ContestSetupDialog(QDialog):
    """The set-up form; :meth:`spec` is what :func:`core.contest.usecases.create_contest` takes."""

    def __init__(self, parent: QWidget, choices: SetupChoices, today: dt.date) -> None:
        super().__init__(parent)
        self.choices = choices
        self.units = {u.code: u for u in choices.units}
        self.setWindowTitle(_("新建知识竞赛"))
        self.resize(980, 660)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("例如：2026年度“忠诚杯”知识竞赛"))
        form.addRow(_("竞赛名称"), self.title)
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow(_("日期"), self.date)
        self.organiser = self._unit_box()
        self.organiser.setCurrentIndex(max(0, self.organiser.findData(choices.home)))
        form.addRow(_("主办单位"), self.organiser)
        self.base = QSpinBox()
        self.base.setRange(0, 1000)
        self.base.setValue(100)
        self.base.setSuffix(_(" 分"))
        form.addRow(_("各队起始分"), self.base)
        layout.addLayout(form)

        self.teams = _table([_("支部"), _("队名"), _("队员"), _("抢答键")], T_MEMBERS)
        layout.addWidget(_section(_("参赛队（按支部组队；抢答键是各队在键盘或抢答器上的键）"), self.teams,
                                  (_("添加参赛队"), self.add_team), (_("删除所选参赛队"), self._remove_team)), 1)
        self.rounds = _table([_("轮次"), _("题数"), _("题库"), _("题型")], R_BANK)
        layout.addWidget(_section(_("轮次（题目在创建时按题库和题型抽取，同一题在一场竞赛中只出一次）"), self.rounds,
                                  (_("添加轮次"), self.add_round), (_("删除所选轮次"), self._remove_round)), 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("创建并抽题"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.members: list[list[str]] = []      # each team row's players (badges)
        staffed = [u for u in choices.units if u.members]
        for unit in ([u for u in staffed if u.branch] or staffed)[:3]:    # branches first
            self.add_team(unit.code)
        for preset, count in DEFAULT_ROUNDS:
            self.add_round(preset, count)

    # --- teams ----------------------------------------------------------------------------------

    def _unit_box(self) -> QComboBox:
        box = QComboBox()
        for u in self.choices.units:
            box.addItem("　" * u.depth + u.name, u.code)
        return box

    def add_team(self, code: str | None = None) -> int:
        row = self.teams.rowCount()
        self.teams.insertRow(row)
        self.members.append([])
        branch = self._unit_box()
        if code is not None:
            branch.setCurrentIndex(max(0, branch.findData(code)))
        self.teams.setCellWidget(row, T_BRANCH, branch)
        self.teams.setItem(row, T_NAME, QTableWidgetItem(""))
        pick = QPushButton()
        pick.clicked.connect(lambda: self._pick_members(self._row_of(pick, T_MEMBERS, self.teams)))
        self.teams.setCellWidget(row, T_MEMBERS, pick)
        key = QLineEdit(next((k for k in KEYS if k not in self._keys()), ""))
        key.setMaxLength(1)
        key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.teams.setCellWidget(row, T_KEY, key)
        branch.currentIndexChanged.connect(lambda _i: self._branch_changed(self._row_of(branch, T_BRANCH, self.teams)))
        self._branch_changed(row)
        return row

    def _keys(self) -> set[str]:
        boxes = [self.teams.cellWidget(r, T_KEY) for r in range(self.teams.rowCount())]
        return {b.text().upper() for b in boxes if isinstance(b, QLineEdit)}

    def _unit_at(self, row: int) -> TeamChoice | None:
        box = self.teams.cellWidget(row, T_BRANCH)
        return self.units.get(str(box.currentData())) if isinstance(box, QComboBox) else None

    def _branch_changed(self, row: int) -> None:
        """A new branch: the team takes its name (unless the host typed one) and its first officers."""
        unit = self._unit_at(row)
        if unit is None:
            return
        name = self.teams.item(row, T_NAME)
        if name is not None and (not name.text() or name.text() in {u.name for u in self.choices.units}):
            name.setText(unit.name)
        self.set_members(row, [badge for badge, _name in unit.members[:PLAYERS]])

    def set_members(self, row: int, badges: list[str]) -> None:
        self.members[row] = list(badges)
        unit = self._unit_at(row)
        names = dict(unit.members) if unit is not None else {}
        button = self.teams.cellWidget(row, T_MEMBERS)
        if isinstance(button, QPushButton):
            shown = "、".join(names.get(b, b) for b in badges)
            button.setText(shown + "…" if shown else _("选择队员…"))

    def _pick_members(self, row: int) -> None:
        unit = self._unit_at(row)
        if unit is None:
            return
        name = self.teams.item(row, T_NAME)
        dialog = MembersDialog(self, name.text() if name is not None else unit.name, unit.members, self.members[row])
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_members(row, dialog.chosen())

    def _remove_team(self) -> None:
        for row in sorted({i.row() for i in self.teams.selectedIndexes()}, reverse=True):
            self.teams.removeRow(row)
            del self.members[row]

    # --- rounds ---------------------------------------------------------------------------------

    def add_round(self, preset: str = "buzz", count: int | None = None) -> int:
        row = self.rounds.rowCount()
        self.rounds.insertRow(row)
        kind_box = QComboBox()
        for name, label in ROUNDS:
            kind_box.addItem(_(label), name)
        kind_box.setCurrentIndex(max(0, kind_box.findData(preset)))
        self.rounds.setCellWidget(row, R_PRESET, kind_box)
        spin = QSpinBox()
        spin.setRange(1, 200)
        self.rounds.setCellWidget(row, R_COUNT, spin)
        bank = QComboBox()
        bank.addItem(_("全部题库"), None)
        for name, by_type in self.choices.banks:
            bank.addItem(_("{bank}（{n}题）", bank=name, n=sum(by_type.values())), name)
        self.rounds.setCellWidget(row, R_BANK, bank)
        types = QComboBox()
        for qtypes, label in QTYPE_SETS:
            types.addItem(_(label), list(qtypes))
        self.rounds.setCellWidget(row, R_TYPES, types)
        kind_box.currentIndexChanged.connect(lambda _i: self._preset_changed(self._row_of(kind_box, R_PRESET,
                                                                                            self.rounds)))
        self._preset_changed(row, count)
        return row

    def _preset_changed(self, row: int, count: int | None = None) -> None:
        """The count a preset asks for: questions per team in a turn round, in all in a buzz round."""
        kind, _title, rules = PRESETS[self._preset(row)]
        spin = self.rounds.cellWidget(row, R_COUNT)
        if isinstance(spin, QSpinBox):
            # "每队 {n} 题" / "{n} per team": the number's place in the translated text
            prefix, _n, suffix = (_("每队 {n} 题") if kind in TURN_KINDS else _("共 {n} 题")).partition("{n}")
            spin.setPrefix(prefix)
            spin.setSuffix(suffix)
            spin.setValue(count or (rules.per_team if kind in TURN_KINDS else rules.questions))

    def _preset(self, row: int) -> str:
        box = self.rounds.cellWidget(row, R_PRESET)
        return str(box.currentData()) if isinstance(box, QComboBox) else "buzz"

    def _remove_round(self) -> None:
        for row in sorted({i.row() for i in self.rounds.selectedIndexes()}, reverse=True):
            self.rounds.removeRow(row)

    @staticmethod
    def _row_of(widget: QWidget, column: int, table: QTableWidget) -> int:
        """The row a cell widget is in now (rows move up when one above is removed)."""
        return next((r for r in range(table.rowCount()) if table.cellWidget(r, column) is widget), -1)

    # --- the spec ---------------------------------------------------------------------------------

    def spec(self) -> dict[str, Any]:
        """The set-up as the TOML spec's dict (units by code, players by badge, banks by name)."""
        teams = []
        for row in range(self.teams.rowCount()):
            unit, name = self._unit_at(row), self.teams.item(row, T_NAME)
            key = self.teams.cellWidget(row, T_KEY)
            teams.append({"name": name.text().strip() if name is not None else "",
                          "branch": unit.code if unit is not None else "", "members": list(self.members[row]),
                          "key": key.text().strip().upper() if isinstance(key, QLineEdit) else ""})
        rounds = []
        for row in range(self.rounds.rowCount()):
            preset = self._preset(row)
            spin, bank, types = (self.rounds.cellWidget(row, c) for c in (R_COUNT, R_BANK, R_TYPES))
            kind = PRESETS[preset][0]
            entry: dict[str, Any] = {"preset": preset}
            if isinstance(spin, QSpinBox):
                entry["per_team" if kind in TURN_KINDS else "questions"] = spin.value()
            if isinstance(bank, QComboBox) and bank.currentData():
                entry["banks"] = [str(bank.currentData())]
            if isinstance(types, QComboBox):
                entry["qtypes"] = list(types.currentData())
            rounds.append(entry)
        held = self.date.date()
        return {"title": self.title.text().strip(), "unit": str(self.organiser.currentData() or ""),
                "date": dt.date(held.year(), held.month(), held.day()).isoformat(),
                "base_score": self.base.value(), "teams": teams, "rounds": rounds}


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _section(title: str, table: QTableWidget, *actions: tuple[str, Any]) -> QGroupBox:
    """A titled box: the table, and a row of buttons under it (each calls its slot without arguments)."""
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(table)
    row = QHBoxLayout()
    for text, slot in actions:
        button = QPushButton(text)
        button.clicked.connect(lambda _c=False, s=slot: s())
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    return box
