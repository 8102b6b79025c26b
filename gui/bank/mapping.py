# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Column mapping for a sheet without a header row: one drop-down per column above its first rows.

The rows are read off the GUI thread beforehand (``core.bank.usecases.sheet_first_rows``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from quizbank.columns import FIELDS, field_label
from quizbank.guess import guess_columns


def guess(rows: list[list[str]]) -> dict[str, int]:
    """A starting point the user checks: the reader's guess from the cells (quizbank.guess), even on
    a row or two; else the longest column is the stem, the next ones options, then the answer."""
    found = guess_columns(rows, min_rows=1)
    if found is not None:
        return found
    width = max((len(r) for r in rows), default=0)
    if not width:
        return {}
    lengths = [sum(len(r[c]) for r in rows if c < len(r)) for c in range(width)]
    stem = max(range(width), key=lambda c: lengths[c])
    mapping = {"stem": stem}
    rest = [c for c in range(stem + 1, width) if lengths[c]]
    if rest:
        mapping["answer"] = rest[-1]
        for i, c in enumerate(rest[:-1][:8]):
            mapping[f"option_{'ABCDEFGH'[i]}"] = c
    return mapping


class ColumnMappingDialog(QDialog):
    def __init__(self, path: Path, rows: list[list[str]], initial: dict[str, int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("指定各列对应的字段：{file}", file=path.name))
        self.resize(1000, 480)
        lay = QVBoxLayout(self)
        note = QLabel(_("这个表格没有表头行。请为每一列选择它对应的字段（至少要有题干），不需要的列选“不导入”。"
                        "下拉框里已按各列内容猜好，请核对。"))
        note.setWordWrap(True)
        lay.addWidget(note)
        width = max((len(r) for r in rows), default=0)
        by_column = {c: f for f, c in (initial if initial is not None else guess(rows)).items()}
        combos = QHBoxLayout()
        self.combos: list[QComboBox] = []
        for c in range(width):
            combo = QComboBox()
            combo.addItem(_("不导入"), "")
            for f in FIELDS:
                combo.addItem(field_label(f), f)
            combo.setCurrentIndex(max(combo.findData(by_column.get(c, "")), 0))
            self.combos.append(combo)
            combos.addWidget(combo)
        lay.addLayout(combos)
        self.table = QTableWidget(len(rows), width)
        self.table.setHorizontalHeaderLabels([_("第{n}列", n=c + 1) for c in range(width)])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        lay.addWidget(self.table, 1)
        self.error = QLabel()
        self.error.setObjectName("Muted")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def mapping(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c, combo in enumerate(self.combos):
            f = combo.currentData()
            if f and f not in out:
                out[f] = c
        return out

    def _accept(self) -> None:
        if "stem" not in self.mapping():
            self.error.setText(_("请至少指定题干所在的列"))
            return
        self.accept()
