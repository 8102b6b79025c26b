# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""pytest-qt: the import wizard driven programmatically, and the bank browser's search."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from gui.bank.import_wizard import ImportWizard
from gui.bank.preview import ERROR_BG
from gui.pages.banks import BanksPage
from tests.bank.conftest import GOOD_ROWS, bank_count, write_xlsx

BAD_ROW = ["单选题", "没有答案的题目。", "甲", "乙", "", "", "", "", ""]


def test_import_wizard_preview_and_store(qtbot, gui_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "支部题库.xlsx", [*GOOD_ROWS, BAD_ROW])
    wizard = ImportWizard(gui_ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.set_files([path])
    assert wizard.files_page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.read is not None, timeout=10_000)
    model = wizard.model
    assert model.rowCount() == 5
    stems = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert GOOD_ROWS[0][1] in stems
    error_rows = [r for r in range(model.rowCount())
                  if model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) == ERROR_BG]
    assert len(error_rows) == 1 and "答案" in model.index(error_rows[0], 6).data()
    view = wizard.preview_page.table
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle      # the row number stays visible
    assert not view.wordWrap()                                       # the full view: one line a row
    wizard.preview_page.filter.setCurrentIndex(wizard.preview_page.filter.findData("errors"))
    assert model.rowCount() == 1 and "第6行" in model.index(0, 0).data()
    # The errors view shows each problem whole: rows wrap and grow to their text.
    qtbot.waitUntil(lambda: view.wordWrap() and view.rowHeight(0) >= view.sizeHintForRow(0), timeout=5_000)
    wizard.next()
    page = wizard.target_page
    assert page.bank.currentText() == "支部题库"
    qtbot.waitUntil(lambda: wizard.dry_report is not None, timeout=10_000)
    assert not page.isComplete()          # errors and “skip” not ticked: refused up front
    assert "不会导入任何题目" in page.counts.text()
    wizard.dry_report = None
    page.skip.setChecked(True)
    qtbot.waitUntil(lambda: wizard.dry_report is not None and page.isComplete(), timeout=10_000)
    with qtbot.waitSignal(wizard.imported, timeout=10_000) as signal:
        wizard.next()
    assert signal.args[0].imported == 4
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=10_000)
    assert wizard.result_page.message.text().startswith("已导入 4 题")
    # The last page: what was stored, and nothing left to cancel.
    labels = [wizard.result_page.details.itemAt(i).widget().text()
              for i in range(wizard.result_page.details.count()) if wizard.result_page.details.itemAt(i).widget()]
    assert "支部题库" in labels and "4" in labels and "有错误跳过" in labels
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    assert bank_count(gui_ctx.db, "支部题库") == 4


def test_import_wizard_column_mapping(qtbot, gui_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [[r[1], r[2], r[3], r[4], r[5], r[6]] for r in GOOD_ROWS[:2]]
    path = write_xlsx(tmp_path / "无表头.xlsx", rows, header=None)
    wizard = ImportWizard(gui_ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.set_files([path])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.read is not None, timeout=10_000)
    assert wizard.unmapped() and wizard.preview_page.map_button.isVisibleTo(wizard)
    from core.bank.importing import first_rows
    from gui.bank.mapping import guess

    assert guess(first_rows(path)) == {"stem": 0, "option_A": 1, "option_B": 2, "option_C": 3, "option_D": 4,
                                       "answer": 5}
    wizard.apply_mapping(path, guess(first_rows(path)))
    qtbot.waitUntil(lambda: wizard.read is not None, timeout=10_000)
    assert not wizard.unmapped() and len(wizard.read.questions) == 2


def test_bank_browser_search(qtbot, gui_ctx) -> None:  # type: ignore[no-untyped-def]
    page = BanksPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.bank_list.count() == 4 and page.model.total == 254, timeout=10_000)
    assert page.stack.currentIndex() == 0
    page.search.setText("饮酒")
    page.apply_filter()
    qtbot.waitUntil(lambda: 0 < page.model.total < 254 and not page.model.busy, timeout=10_000)
    assert all("饮酒" in page.model.summary(r).stem for r in range(page.model.rowCount()))
    assert page.total_label.text() == f"共 {page.model.total} 题"
    page.search.clear()
    page.type_combo.setCurrentIndex(page.type_combo.findData("judge"))
    qtbot.waitUntil(lambda: not page.model.busy and page.model.rowCount() > 0
                    and all(page.model.summary(r).qtype == "judge" for r in range(page.model.rowCount())),
                    timeout=10_000)


def test_bank_page_export_template_and_disable(qtbot, gui_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.bank.question_dialog import QuestionDialog

    page = BanksPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.total == 254 and not page.model.busy, timeout=10_000)
    own = next(b for b in page.banks if b.manageable)       # the secretary's branch keeps one demo bank
    target = tmp_path / "本支部.json"
    page.export_to(target, own.name, None)
    qtbot.waitUntil(lambda: page.total_label.text() == f"已导出 {own.total} 题到 {target.name}", timeout=10_000)
    assert target.stat().st_size > 0
    page.save_template_to(tmp_path / "模板.xlsx")
    qtbot.waitUntil(lambda: page.total_label.text() == "已保存模板：模板.xlsx", timeout=10_000)
    assert (tmp_path / "模板.xlsx").exists()

    page.bank_list.setCurrentRow(next(i for i in range(page.bank_list.count())
                                      if page.bank_list.item(i).data(Qt.ItemDataRole.UserRole) == own.id))
    qtbot.waitUntil(lambda: page.model.total == own.total and not page.model.busy, timeout=10_000)
    question_id = page.model.summary(0).id
    dialog = QuestionDialog(gui_ctx, question_id, page)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert dialog.detail.active
    dialog._toggle_active()
    # The dialog reloads, and the page refreshes on the use case's Change.BANKS.
    qtbot.waitUntil(lambda: dialog.detail is not None and not dialog.detail.active
                    and "已停用 1 题" in page.counts_label.text(), timeout=10_000)


def test_preview_shows_guessed_columns_and_the_answer_mark(qtbot, gui_ctx, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           monkeypatch) -> None:
    from gui.bank import import_wizard

    samples = Path(__file__).resolve().parents[2] / "resources" / "demo" / "import-samples"
    wizard = ImportWizard(gui_ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.set_files([samples / "无表头题库.xlsx"])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.read is not None, timeout=10_000)
    page = wizard.preview_page
    assert len(wizard.read.questions) == 8 and not wizard.unmapped()
    assert page.layouts.isVisibleTo(wizard) and "按内容猜测各列：B列 题干，C–F列 选项A–D，G列 答案" in page.layouts.text()
    assert page.map_button.isVisibleTo(wizard) and page.map_button.text() == "修改列…"

    initial: list[dict[str, int] | None] = []

    class Mapping(import_wizard.ColumnMappingDialog):
        def __init__(self, path: Path, rows: list[list[str]], start: dict[str, int] | None, *args: object) -> None:
            super().__init__(path, rows, start, *args)  # type: ignore[arg-type]
            initial.append(start)

        def exec(self) -> int:      # the user adds what the guess left out: column A holds scores
            self.combos[0].setCurrentIndex(self.combos[0].findData("score"))
            return 1

    monkeypatch.setattr(import_wizard, "ColumnMappingDialog", Mapping)
    wizard.map_columns()
    qtbot.waitUntil(lambda: wizard.read is not None and wizard.read.layouts[0].kind == "mapped", timeout=10_000)
    assert initial[0] == {"stem": 1, "answer": 6, "option_A": 2, "option_B": 3, "option_C": 4, "option_D": 5}
    assert "按指定的列读取" in page.layouts.text() and not wizard.correctable()
    assert [q.score for q in wizard.read.questions] == [float(n) for n in range(1, 9)]

    wizard.back()
    wizard.columns.clear()
    wizard.set_files([samples / "红色字体标答案.xlsx"])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.read is not None, timeout=10_000)
    assert len(wizard.read.questions) == 5 and "答案按红色字体读取" in page.layouts.text()
    assert not page.map_button.isVisibleTo(wizard)


def test_preview_of_a_file_without_questions_says_what_can_be_read(qtbot, gui_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "记录.txt"
    notes.write_text("会议记录\n没有题目\n", encoding="utf-8")
    wizard = ImportWizard(gui_ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.set_files([notes])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.read is not None, timeout=10_000)
    text = wizard.preview_page.layouts.text()
    assert "2 行文字：0 处题号" in text and "没有读到任何试题" in text and "能读的版式" in text
