# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Writing a 心得体会 (typed, with the length counted, or a .docx), setting a task, and reviewing one
beside its closest earlier submission with the shared passages highlighted."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.infra.clock import LOCAL_TZ
from core.orglife.reflections import EXCELLENT, PASSED, RETURNED, STATUS_LABELS, ReflectionDetail, TaskRow
from core.orglife.similarity import fold
from gui.context import AppContext

HIGHLIGHT = "#FFE082"       # shared passages: a soft amber, readable on white and in print


def highlighted(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` as HTML with ``spans`` marked (paragraphs kept)."""
    out: list[str] = []
    pos = 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(f'<span style="background:{HIGHLIGHT}">{escape(text[a:b])}</span>')
        pos = b
    out.append(escape(text[pos:]))
    return "<p>" + "".join(out).replace("\n", "</p><p>") + "</p>"


class WriteDialog(QDialog):
    """The officer's 心得体会 for one task: type it (counted as it grows) or choose a .docx."""

    def __init__(self, parent: QWidget, task: TaskRow) -> None:
        super().__init__(parent)
        self.task = task
        self.docx: Path | None = None
        self.setWindowTitle(task.title)
        self.resize(760, 560)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(_("截止 {d}，不少于 {n} 字", d=task.due_date.isoformat(), n=task.min_chars)))
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(_("在这里写下学习体会，要结合本职工作、联系思想实际……"))
        lay.addWidget(self.edit, 1)
        row = QHBoxLayout()
        self.count = QLabel()
        row.addWidget(self.count, 1)
        choose = QPushButton(_("改为提交 Word 文件…"))
        choose.clicked.connect(self._choose)
        row.addWidget(choose)
        lay.addLayout(row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("提交"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.edit.textChanged.connect(self._counted)
        self._counted()

    def _counted(self) -> None:
        n = len(fold(self.edit.toPlainText())[0])
        enough = n >= self.task.min_chars
        self.count.setText(_("已写 {n} 字", n=n) + ("" if enough else _("，还差 {m} 字", m=self.task.min_chars - n)))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(enough or self.docx is not None)

    def _choose(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("选择心得体会文件"), "", _("Word 文件 (*.docx)"))
        if path:
            self.docx = Path(path)
            self.edit.setPlainText("")
            self.edit.setPlaceholderText(_("将提交文件：{f}", f=self.docx.name))
            self._counted()


class TaskDialog(QDialog):
    """布置心得体会: title, branch, due date and minimum length."""

    def __init__(self, parent: QWidget, units: list[tuple[int, str]], today: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("布置心得体会"))
        form = QFormLayout(self)
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("例如：学习全会精神心得体会"))
        form.addRow(_("题目"), self.title)
        self.unit = QComboBox()
        for uid, name in units:
            self.unit.addItem(name, uid)
        form.addRow(_("支部"), self.unit)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        due = today + dt.timedelta(days=14)
        self.due.setDate(QDate(due.year, due.month, due.day))
        form.addRow(_("截止日期"), self.due)
        self.min_chars = QSpinBox()
        self.min_chars.setRange(50, 5000)
        self.min_chars.setSingleStep(50)
        self.min_chars.setValue(300)
        self.min_chars.setSuffix(_(" 字"))
        form.addRow(_("最少字数"), self.min_chars)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def due_date(self) -> dt.date:
        d = self.due.date()
        return dt.date(d.year(), d.month(), d.day())


class ReviewDialog(QDialog):
    """A submission beside its closest earlier one, shared passages highlighted, then the verdict."""

    def __init__(self, ctx: AppContext, parent: QWidget, detail: ReflectionDetail) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        r = detail.row
        self.setWindowTitle(_("审阅心得体会"))
        self.resize(1180, 640)
        lay = QVBoxLayout(self)
        m = detail.match
        if m is None:
            verdict = _("未发现相似的已有心得体会。")
        else:
            verdict = _("与 {n}《{t}》（{d}）相似度 {j}%，本文 {s}% 的内容与之重合（黄色标出）。", n=m.other_name,
                        t=m.other_task, d=m.other_submitted_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d"),
                        j=round(m.jaccard * 100), s=round(m.share * 100))
        warn = QLabel(verdict)
        warn.setWordWrap(True)
        if m is not None and m.share >= 0.5:
            warn.setStyleSheet("color: #B71C1C; font-weight: bold;")
        lay.addWidget(warn)
        texts = QHBoxLayout()
        mine = QTextBrowser()
        mine.setHtml(f"<h3>{escape(r.name)}（{escape(r.badge)}）· {escape(r.task_title)}</h3>"
                     + highlighted(detail.text, m.spans if m else []))
        texts.addWidget(mine, 1)
        if m is not None:
            theirs = QTextBrowser()
            theirs.setHtml(f"<h3>{escape(m.other_name)} · {escape(m.other_task)}</h3>"
                           + highlighted(m.other_text, m.other_spans))
            texts.addWidget(theirs, 1)
        lay.addLayout(texts, 1)
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        for value in (EXCELLENT, PASSED, RETURNED):
            button = QRadioButton(_(STATUS_LABELS[value]))
            button.setProperty("verdict", value)
            self.group.addButton(button)
            row.addWidget(button)
            if value == (RETURNED if m is not None and m.share >= 0.5 else PASSED):
                button.setChecked(True)
        self.comment = QLineEdit(detail.comment)
        self.comment.setPlaceholderText(_("评语（退回修改时必填）"))
        row.addWidget(self.comment, 1)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("保存审阅"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def verdict(self) -> str:
        checked = self.group.checkedButton()
        return str(checked.property("verdict")) if checked else PASSED
