# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""View and edit one question; saving creates a new version, the history lists the older ones."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.bank import usecases as bank_uc
from core.bank.questions import QuestionDetail
from gui import theme
from gui.context import AppContext
from gui.widgets import plain_tooltip
from quizbank.columns import answer_text, split_tags
from quizbank.model import DIFFICULTY_LABELS, LETTERS, QType, Question
from quizbank.normalize import interpret

ANSWER_HINTS = {
    QType.SINGLE: "B",
    QType.MULTIPLE: "ABD",
    QType.JUDGE: "正确 / 错误",
    QType.FILL: "行政；刑事司法/司法",
    QType.ESSAY: "",
}


class QuestionDialog(QDialog):
    """Shows a question by id; emits ``changed`` after a save, enable/disable or delete."""

    changed = Signal()

    def __init__(self, ctx: AppContext, question_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: QuestionDetail | None = None
        self.setWindowTitle(_("题目详情"))
        self.resize(920, 620)
        outer = QHBoxLayout(self)
        form_holder = QWidget()
        form = QFormLayout(form_holder)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        form.addRow(self.status)
        self.qtype = QComboBox()
        for t in QType:
            self.qtype.addItem(t.label, t.value)
        self.qtype.currentIndexChanged.connect(self._type_changed)
        form.addRow(_("题型"), self.qtype)
        self.stem = QPlainTextEdit()
        self.stem.setMinimumHeight(90)
        form.addRow(_("题干"), self.stem)
        self.options = QPlainTextEdit()
        self.options.setPlaceholderText(_("每行一个选项，依次为 A、B、C…"))
        self.options.setMinimumHeight(110)
        form.addRow(_("选项"), self.options)
        self.answer = QLineEdit()
        form.addRow(_("答案"), self.answer)
        self.explanation = QPlainTextEdit()
        self.explanation.setMaximumHeight(90)
        form.addRow(_("解析"), self.explanation)
        self.category = QLineEdit()
        form.addRow(_("分类"), self.category)
        self.difficulty = QComboBox()
        for level, label in DIFFICULTY_LABELS.items():
            self.difficulty.addItem(_(label), level)
        form.addRow(_("难度"), self.difficulty)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(_("多个标签用逗号隔开"))
        form.addRow(_("标签"), self.tags)
        outer.addWidget(form_holder, 3)

        side = QVBoxLayout()
        side.addWidget(QLabel(_("版本记录")))
        self.history = QListWidget()
        self.history.itemActivated.connect(self._open_version)
        side.addWidget(self.history, 1)
        self.toggle = QPushButton()
        self.toggle.clicked.connect(self._toggle_active)
        self.delete = QPushButton(_("删除"))
        self.delete.clicked.connect(self._delete)
        side.addWidget(self.toggle)
        side.addWidget(self.delete)
        buttons = QDialogButtonBox()
        self.save = buttons.addButton(_("保存为新版本"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save.setProperty("primary", True)
        buttons.addButton(_("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        side.addWidget(buttons)
        outer.addLayout(side, 1)
        self.load(question_id)

    # --- showing -----------------------------------------------------------------------

    def load(self, question_id: int) -> None:
        self.ctx.call(bank_uc.question_detail, question_id).success(self.show_detail).run(self)

    def show_detail(self, d: QuestionDetail) -> None:
        self.detail = d
        q = d.question
        self.qtype.setCurrentIndex(self.qtype.findData(q.qtype.value))
        self.stem.setPlainText(q.stem)
        self.options.setPlainText("\n".join(q.options))
        self.answer.setText(answer_text(q))
        self.explanation.setPlainText(q.explanation)
        self.category.setText(q.category)
        self.difficulty.setCurrentIndex(max(self.difficulty.findData(q.difficulty), 0))
        self.tags.setText("，".join(q.tags))
        state = _("已启用") if d.active else _("已停用")
        used = _("，已被试卷或答题记录使用") if d.used else ""
        self.status.setText(_("{bank} · 编号 {id} · 第{v}版 · {state}{used}", bank=d.bank, id=d.id, v=d.version,
                              state=state, used=used))
        self.toggle.setText(_("停用") if d.active else _("启用"))
        self.toggle.setEnabled(d.manageable)
        self.delete.setEnabled(d.manageable and not d.used)
        self.delete.setToolTip(_("已被使用的题目不能删除，可以停用") if d.used else "")
        if not d.manageable:
            self.status.setText(self.status.text() + _("（只读：题库由其他单位管理）"))
        editable = d.is_current and d.manageable
        for text in (self.stem, self.options, self.explanation):
            text.setReadOnly(not editable)
        for line in (self.answer, self.category, self.tags):
            line.setReadOnly(not editable)
        self.qtype.setEnabled(editable)
        self.difficulty.setEnabled(editable)
        self.save.setEnabled(editable)
        self.history.clear()
        for v in d.history:
            when = v.created_at.strftime("%Y-%m-%d %H:%M") if hasattr(v.created_at, "strftime") else ""
            mark = _("（当前）") if v.is_current else ""
            item = QListWidgetItem(_("第{v}版 {when}{mark}", v=v.version, when=when, mark=mark))
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setToolTip(plain_tooltip(v.stem))
            if v.id == d.id:
                item.setForeground(QColor(theme.ACCENT))
            self.history.addItem(item)
        self._type_changed()

    def _type_changed(self) -> None:
        qtype = QType(self.qtype.currentData())
        choice = qtype in (QType.SINGLE, QType.MULTIPLE)
        self.options.setEnabled(choice)
        self.answer.setPlaceholderText(ANSWER_HINTS[qtype])

    def _open_version(self, item: QListWidgetItem) -> None:
        self.load(int(item.data(Qt.ItemDataRole.UserRole)))

    # --- editing -----------------------------------------------------------------------

    def edited_question(self) -> Question:
        """The form as a question; raises ``ValueError`` with a user-facing message when the answer is unusable."""
        assert self.detail is not None
        qtype = QType(self.qtype.currentData())
        options = [o.strip() for o in self.options.toPlainText().split("\n") if o.strip()]
        if qtype not in (QType.SINGLE, QType.MULTIPLE):
            options = []
        stem = self.stem.toPlainText().strip()
        got = interpret(qtype, self.answer.text(), options[: len(LETTERS)], stem)
        if got.error:
            raise ValueError(_("答案：{e}", e=got.error))
        return Question(
            qtype=got.qtype or qtype, stem=stem, options=got.options, answer=got.answer, blanks=got.blanks,
            explanation=self.explanation.toPlainText().strip(), category=self.category.text().strip(),
            tags=split_tags(self.tags.text().strip()), difficulty=int(self.difficulty.currentData()),
            score=self.detail.question.score, media=list(self.detail.question.media),
        )

    def _save(self) -> None:
        assert self.detail is not None
        try:
            q = self.edited_question()
        except ValueError as exc:
            QMessageBox.warning(self, _("无法保存"), str(exc))
            return
        qid = self.detail.id

        def saved(d: QuestionDetail) -> None:
            self.show_detail(d)
            self.changed.emit()

        self.ctx.call(bank_uc.edit_question, qid, q).success(saved).run(self)

    def _toggle_active(self) -> None:
        assert self.detail is not None
        qid, active = self.detail.id, not self.detail.active

        def done(_n: int) -> None:
            self.changed.emit()
            self.load(qid)

        self.ctx.call(bank_uc.set_active, [qid], active).success(done).run(self)

    def _delete(self) -> None:
        assert self.detail is not None
        answer = QMessageBox.question(self, _("删除题目"), _("删除这道题的所有版本？此操作不能撤销。"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        qid = self.detail.id

        def done(_r: object) -> None:
            self.changed.emit()
            self.accept()

        self.ctx.call(bank_uc.delete_question, qid).success(done).run(self)

