# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Widgets that show report documents: QtCharts bar/line charts and read-only tables."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from base.progress import CancelToken, ProgressSink
from core.reports.document import Chart, Document, Table, format_cell
from core.reports.export import export
from gui import files, theme
from gui.context import AppContext
from gui.widgets import plain_tooltip

SERIES_COLOURS = ["#B71C1C", "#90A4AE", "#1565C0", "#2E7D32", "#EF6C00", "#6A1B9A", "#00838F", "#AD1457"]
# One line per branch in the trend: ten hues far apart (no two reds), the first the accent.
LINE_COLOURS = ["#B71C1C", "#1565C0", "#2E7D32", "#EF6C00", "#6A1B9A", "#00838F", "#795548", "#F9A825", "#455A64",
                "#EC407A"]
TEXT_COLUMN_MAX = 320   # px: wider text is elided (the whole text is in the tooltip)
LABEL_CHARS = 7      # a category label longer than this is broken over two lines under its bar


def category_label(text: str) -> str:
    """Long branch names on two lines (QtCharts would cut them to “交警大队第一党…”)."""
    if len(text) <= LABEL_CHARS:
        return text
    half = (len(text) + 1) // 2
    return text[:half] + "<br>" + text[half:]


class ChartView(QChartView):
    """A QtCharts view fed from a neutral :class:`Chart` (bar or line)."""

    def __init__(self) -> None:
        super().__init__()
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(240)
        self.show_chart(None)

    def show_chart(self, block: Chart | None) -> None:
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        font = chart.legend().font()
        font.setFamily(theme.font_family())
        font.setPixelSize(12)
        chart.legend().setFont(font)
        if block is None or not block.categories:
            self.setChart(chart)
            return
        scale = 100.0 if block.percent else 1.0
        top = 0.0
        axis_x = QBarCategoryAxis()
        axis_x.append([category_label(c) for c in block.categories])
        axis_x.setLabelsFont(font)
        axis_y = QValueAxis()
        axis_y.setLabelsFont(font)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        if block.kind == "bar":
            series = QBarSeries()
            for i, (name, values) in enumerate(block.series):
                bar = QBarSet(name)
                bar.setColor(QColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]))
                bar.setBorderColor(QColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]))
                for v in values:
                    bar.append((v or 0.0) * scale)
                    top = max(top, (v or 0.0) * scale)
                series.append(bar)
            chart.addSeries(series)
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        else:
            for i, (name, values) in enumerate(block.series):
                colour = QColor(LINE_COLOURS[i % len(LINE_COLOURS)])
                # A period without data is a gap, not 0 %: one line per run of known values.
                for n, run in enumerate(_runs(values)):
                    line = QLineSeries()
                    line.setName(name)
                    line.setColor(colour)
                    line.setPointsVisible(True)        # a run of one period is still seen
                    for x, v in run:
                        line.append(x, v * scale)
                        top = max(top, v * scale)
                    chart.addSeries(line)
                    line.attachAxis(axis_x)
                    line.attachAxis(axis_y)
                    if n:
                        for marker in chart.legend().markers(line):
                            marker.setVisible(False)  # one legend entry per branch
        axis_y.setRange(0, 100 if block.percent else max(1.0, top * 1.15))
        axis_y.setLabelFormat("%d%%" if block.percent else "%.0f")
        chart.legend().setVisible(len(block.series) > 1)
        self.setChart(chart)


def _runs(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """The runs of consecutive known values, as (x, value) points."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for x, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((x, float(v)))
    if current:
        runs.append(current)
    return runs


class TableView(QTableWidget):
    """A read-only table of a neutral :class:`Table`; ``row_data`` keeps one key per row."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setShowGrid(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.row_data: list[object] = []

    def show_table(self, table: Table, row_data: list[object] | None = None) -> None:
        self.clear()
        self.setColumnCount(len(table.headers))
        self.setHorizontalHeaderLabels(table.headers)
        self.setRowCount(len(table.rows))
        warn = QColor("#FFF3E0")
        for r, row in enumerate(table.rows):
            for c, (value, fmt) in enumerate(zip(row, table.formats, strict=False)):
                item = QTableWidgetItem(format_cell(value, fmt))
                if fmt != "text":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r in table.highlight:
                    item.setBackground(warn)
                if fmt == "text" and len(item.text()) > 16:
                    item.setToolTip(plain_tooltip(item.text()))
                self.setItem(r, c, item)
        self.row_data = list(row_data or [])
        # A long text column (a question's stem) must not push the columns after it out of sight.
        header = self.horizontalHeader()
        for c, fmt in enumerate(table.formats):
            if fmt == "text" and c < self.columnCount() - 1 and header.sectionSize(c) > TEXT_COLUMN_MAX:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(c, TEXT_COLUMN_MAX)

    def fit_height(self, most: int = 10) -> None:
        """Tall enough for every row up to ``most`` (no last row half hidden under the frame)."""
        rows = min(self.rowCount(), most)
        height = self.horizontalHeader().height() + 2 * self.frameWidth() + 2
        height += sum(self.rowHeight(r) for r in range(rows))
        if self.horizontalScrollBar().isVisible() or self.horizontalHeader().length() > self.viewport().width():
            height += self.horizontalScrollBar().sizeHint().height()
        self.setMinimumHeight(height)


class DocumentView(QWidget):
    """Every table of a document, one under the other, with the document's subtitle on top."""

    def __init__(self, empty_text: str) -> None:
        super().__init__()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel(empty_text)
        self.note.setObjectName("Muted")
        self.note.setWordWrap(True)
        self.layout_.addWidget(self.note)
        self.tables: list[TableView] = []
        self.document: Document | None = None

    def show_document(self, doc: Document) -> None:
        self.document = doc
        # Say what is shown: the report, for which unit (the branch of a drill-down) and period.
        head = " · ".join(x for x in (doc.unit_name, doc.period_label) if x)
        self.note.setText(f"{doc.title} — {head}" + (f"\n{doc.subtitle}" if doc.subtitle else ""))
        for t in self.tables:
            t.deleteLater()
        self.tables = []
        for block in doc.tables:
            view = TableView()
            view.show_table(block)
            self.tables.append(view)
            self.layout_.addWidget(view, 1)


def export_document(ctx: AppContext, parent: QWidget, doc: Document | None, suffix: str, name: str) -> None:
    """Ask where to save, write in the background with progress, then open the file."""
    if doc is None:
        return
    filters = _("PDF 文件 (*.pdf)") if suffix == ".pdf" else _("Excel 文件 (*.xlsx)")
    path, _chosen = files.save_file(parent, "reports", _("导出报表"), f"{name}{suffix}", filters)
    if path:
        run_export(ctx, parent, doc, Path(path).with_suffix(suffix))


def run_export(ctx: AppContext, parent: QWidget, doc: Document, target: Path, *, open_after: bool = True) -> None:
    """Write an already computed report document (no database work, so not a use case: the use case
    that computed ``doc`` checked the right to see it)."""

    def work(progress: ProgressSink, cancel: CancelToken) -> Path:
        cancel.check()
        return export(doc, target, progress=progress)

    def done(path: Path) -> None:
        parent.setProperty("last_export", str(path))
        if open_after:
            files.open_document(parent, path)

    ctx.op(work).with_progress(_("正在导出 {f}…", f=target.name)).success(done).run(parent)
