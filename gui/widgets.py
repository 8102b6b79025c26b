# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Small building blocks every page uses: page frame, stat cards, empty states, row tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui import theme

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


def text_label(text: str = "", *, name: str = "", wrap: bool = False) -> QLabel:
    """A label that shows ``text`` as it is, never as HTML.

    QLabel guesses (Qt.AutoText): a stem or option typed as ``<h2>本题答案：B</h2>`` or holding an
    ``<img src=...>`` would be rendered. Imported and typed content (stems, options, titles, names)
    always goes through this.
    """
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally (tooltips guess at HTML like labels do)."""
    import html

    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>" if text else ""


class Page(QWidget):
    """A page: a title row (title, subtitle, actions) above the content."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.setObjectName("Page")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        self.layout_.setSpacing(theme.SP3)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        self.title = QLabel(title)
        self.title.setObjectName("PageTitle")
        titles.addWidget(self.title)
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("Muted")
        self.subtitle.setWordWrap(True)          # English subtitles are longer than the room beside the actions
        self.subtitle.setVisible(bool(subtitle))
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 1)
        self.action_bar = QHBoxLayout()   # not "actions": that would hide QWidget.actions()
        self.action_bar.setSpacing(theme.SP2)
        head.addLayout(self.action_bar)
        self.layout_.addLayout(head)

    def add_action(self, text: str, slot: Callable[[], Any], *, primary: bool = False) -> QPushButton:
        button = QPushButton(text)
        if primary:
            button.setProperty("primary", True)
        button.clicked.connect(slot)
        self.action_bar.addWidget(button)
        return button

    def add(self, widget: QWidget, stretch: int = 0) -> QWidget:
        self.layout_.addWidget(widget, stretch)
        return widget


class StatCard(QFrame):
    def __init__(self, label: str, value: str = "—", note: str = "") -> None:
        super().__init__()
        self.setObjectName("Card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.SP3, theme.SP3, theme.SP3, theme.SP3)
        self.label = QLabel(label)
        self.label.setObjectName("Muted")
        self.value = QLabel(value)
        self.value.setObjectName("CardValue")
        self.note = QLabel(note)
        self.note.setObjectName("Muted")
        self.note.setWordWrap(True)
        lay.addWidget(self.label)
        lay.addWidget(self.value)
        lay.addWidget(self.note)

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


class EmptyOr(QStackedWidget):
    """Shows ``content`` when there is data, else a sentence saying what to do next."""

    def __init__(self, content: QWidget, empty_text: str) -> None:
        super().__init__()
        self.content = content
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("EmptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.addWidget(content)
        self.addWidget(self.empty)

    def show_content(self, has_data: bool) -> None:
        self.setCurrentWidget(self.content if has_data else self.empty)


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    title: str
    value: Callable[[R], Any]
    align_right: bool = False


class TableModel(QAbstractTableModel, Generic[R]):
    """A read-only table: ``headers`` over ``rows``; subclasses give ``data()``."""

    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__()
        self.headers = list(headers)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole,
                   ) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class RowsModel(TableModel[R]):
    """A read-only table over a list of plain rows (dataclasses from core services), one Column each."""

    def __init__(self, columns: Sequence[Column[R]]) -> None:
        super().__init__([c.title for c in columns])
        self.columns = list(columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.value(self.rows[index.row()])
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row(self, index: Index) -> R:
        return self.rows[index.row()]


def make_table(model: QAbstractTableModel, *, stretch_column: int | None = None) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setShowGrid(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view
