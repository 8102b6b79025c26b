# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""纸质考试: make the versions, print papers, keys and answer sheets, and type the answers back.

The grid has one row per officer (their sheet's version filled in) and one column per question.
Typing a letter (or 1–8) answers the cell and moves right; for 多选 letters add up until Space or
Enter moves on; 判断 takes A/1/T for 对 and B/2/F for 错; Backspace clears. Rows left empty are
officers who did not sit the exam. Entering stores every typed row at once, or none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.quiz import usecases as quiz
from core.quiz.catalog import QuizInfo
from core.quiz.paper import EnteredAttempt, PaperAnswers, SheetRow, VersionView, parse_letters
from gui.context import AppContext
from gui.widgets import text_label

FIXED = 3           # 警号, 姓名, 题本


class AnswerGrid(QTableWidget):
    """One row per officer, one cell per question; keys answer and move on."""

    def __init__(self) -> None:
        super().__init__()
        self.versions: dict[str, VersionView] = {}
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)

    def load(self, versions: list[VersionView], sheets: list[SheetRow]) -> None:
        self.versions = {v.code: v for v in versions}
        n = max((len(v.items) for v in versions), default=0)
        self.clear()
        self.setColumnCount(FIXED + n)
        self.setHorizontalHeaderLabels([_("警号"), _("姓名"), _("题本")] + [str(i) for i in range(1, n + 1)])
        self.setRowCount(len(sheets))
        for r, sheet in enumerate(sheets):
            for c, text in enumerate((sheet.badge, sheet.name, sheet.version)):
                self.setItem(r, c, QTableWidgetItem(text))
            for c in range(FIXED, FIXED + n):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        for c in range(FIXED, FIXED + n):
            self.setColumnWidth(c, 46)
        if sheets and n:
            self.setCurrentCell(0, FIXED)

    def cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.item(row, column)
        if item is None:
            item = QTableWidgetItem("")
            self.setItem(row, column, item)
        return item

    def qtype(self, row: int, column: int) -> str | None:
        version = self.versions.get(self.cell(row, 2).text().strip().upper())
        if version is None or not 0 <= column - FIXED < len(version.items):
            return None
        return version.items[column - FIXED].qtype

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        row, col = self.currentRow(), self.currentColumn()
        text = event.text().strip().upper()
        if col == 2 and text and text.isalpha():            # the version letter
            self.cell(row, col).setText(text)
            self.setCurrentCell(row, FIXED)
            return
        qtype = self.qtype(row, col) if col >= FIXED else None
        if qtype is None:
            super().keyPressEvent(event)
            return
        cell = self.cell(row, col)
        if event.key() == Qt.Key.Key_Backspace:
            cell.setText("")
            return
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._advance(row, col)
            return
        if text and parse_letters(qtype, text) is not None:
            if qtype == "multiple":
                merged = parse_letters(qtype, "".join(sorted(set(cell.text()) ^ set(parse_letters(qtype, text) or ""))))
                cell.setText(merged or "")
            else:
                shown = parse_letters(qtype, text) or ""
                cell.setText({"T": _("对"), "F": _("错")}.get(shown, shown) if qtype == "judge" else shown)
                self._advance(row, col)
            return
        super().keyPressEvent(event)

    def _advance(self, row: int, col: int) -> None:
        if col + 1 < self.columnCount() and self.qtype(row, col + 1) is not None:
            self.setCurrentCell(row, col + 1)
        elif row + 1 < self.rowCount():
            self.setCurrentCell(row + 1, FIXED)

    def answers(self) -> list[PaperAnswers]:
        """The rows with any answer typed (the others did not sit the exam)."""
        out = []
        back = {_("对"): "T", _("错"): "F"}
        for r in range(self.rowCount()):
            code = self.cell(r, 2).text().strip().upper()
            version = self.versions.get(code)
            n = len(version.items) if version else self.columnCount() - FIXED
            given = tuple(back.get(self.cell(r, c).text(), self.cell(r, c).text()) for c in range(FIXED, FIXED + n))
            if any(given):
                out.append(PaperAnswers(self.cell(r, 0).text(), code, given,
                                        _("第 {n} 行（{b}）", n=r + 1, b=self.cell(r, 0).text())))
        return out


class PaperDialog(QDialog):
    def __init__(self, ctx: AppContext, info: QuizInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.info = ctx, info
        self.setWindowTitle(_("纸质考试 · {t}", t=info.title))
        self.resize(1180, 680)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("题本数量")))
        self.count = QSpinBox()
        self.count.setRange(1, 26)
        self.count.setValue(2)
        top.addWidget(self.count)
        self.make_btn = QPushButton(_("生成题本"))
        self.make_btn.clicked.connect(self.make_versions)
        top.addWidget(self.make_btn)
        self.print_btn = QPushButton(_("导出题本、答案和答题卡 PDF…"))
        self.print_btn.clicked.connect(self.print_pdfs)
        top.addWidget(self.print_btn)
        top.addStretch(1)
        self.status = text_label("")
        self.status.setObjectName("Muted")
        top.addWidget(self.status)
        lay.addLayout(top)
        lay.addWidget(text_label(_("录入答案：每格按一个键（A–H 或 1–8），自动跳到下一题；多选题连续按字母，按空格进入下一题；"
                                   "判断题 A/1 为对、B/2 为错；退格清除。没有作答的人整行留空。"), wrap=True))
        self.grid = AnswerGrid()
        lay.addWidget(self.grid, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.enter_btn = QPushButton(_("录入答卷"))
        self.enter_btn.setProperty("primary", True)
        self.enter_btn.clicked.connect(self.enter)
        close = QPushButton(_("关闭"))
        close.clicked.connect(self.reject)
        bottom.addWidget(self.enter_btn)
        bottom.addWidget(close)
        lay.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        self.ctx.call(quiz.paper_versions, self.info.id).success(self._versions).run(self)

    def _versions(self, versions: list[VersionView]) -> None:
        if not versions:
            self.status.setText(_("还没有题本：选择数量后点“生成题本”"))
            self.grid.load([], [])
            self._update(False)
            return
        self.count.setValue(len(versions))
        self.status.setText(_("已有题本：{v}（每本 {n} 题，满分 {p:g}）", v="、".join(v.code for v in versions),
                              n=len(versions[0].items), p=versions[0].total_points))
        self.ctx.call(quiz.answer_sheets, self.info.id).success(lambda rows: self._sheets(versions, rows)).run(self)

    def _sheets(self, versions: list[VersionView], rows: list[SheetRow]) -> None:
        self.grid.load(versions, rows)
        self._update(True)
        self.grid.setFocus()

    def _update(self, ready: bool) -> None:
        self.print_btn.setEnabled(ready)
        self.enter_btn.setEnabled(ready)

    def make_versions(self) -> None:
        if self.grid.rowCount() and QMessageBox.question(
                self, _("生成题本"), _("重新生成会替换现有题本（已打印的题本作废）。继续吗？")) != QMessageBox.StandardButton.Yes:
            return
        self.ctx.call(quiz.make_paper_versions, self.info.id, self.count.value()).success(
            lambda _v: self.reload()).run(self)

    def print_pdfs(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("选择保存 PDF 的文件夹"))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        def done(files: list[Path]) -> None:
            QMessageBox.information(self, _("已导出"), _("已生成 {n} 个文件：", n=len(files)) + "\n"
                                    + "\n".join(f.name for f in files))

        (self.ctx.call(quiz.print_paper, self.info.id, folder).success(done)
         .with_progress(_("正在生成 PDF…")).run(self))

    def enter(self) -> None:
        rows = self.grid.answers()
        if not rows:
            QMessageBox.information(self, _("录入答卷"), _("还没有录入任何答案"))
            return

        def done(entered: list[EnteredAttempt]) -> None:
            passed = sum(1 for e in entered if e.passed)
            QMessageBox.information(self, _("录入答卷"), _("已录入 {n} 份纸质答卷，{p} 人及格。成绩、积分和证书已按在线考试同样处理。",
                                                           n=len(entered), p=passed))

        self.ctx.call(quiz.enter_paper_answers, self.info.id, rows).success(done).run(self)
