# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""PDF export with ReportLab: bundled CJK font (embedded subset), charts, tables with repeated
headers, the unit and period in every page header and "第 X 页 / 共 Y 页" in the footer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from base.i18n import _
from base.progress import ProgressSink, no_progress
from core.infra.fonts import register_fonts
from core.reports.document import Chart, Document, Note, Table, format_cell

ACCENT = "#B71C1C"
TEXT = "#263238"
MUTED = "#607D8B"
SERIES_COLOURS = ["#B71C1C", "#1565C0", "#2E7D32", "#EF6C00", "#6A1B9A", "#00838F", "#AD1457", "#4E342E",
                  "#558B2F", "#283593"]
MAX_BARS = 40        # a bar chart shows at most this many categories (the table has them all)


def _numbered_canvas(doc: Document, font: str) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Keeps every page until the end so the footer can say how many pages there are."""

        if TYPE_CHECKING:   # Canvas internals used below, absent from ReportLab's type stubs
            _pagesize: tuple[float, float]

            def _startPage(self) -> None: ...  # noqa: N802

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = font   # not Helvetica (the doc template passes its default), never embedded
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFont(font, 9)
            self.setFillColor(HexColor(MUTED))
            self.drawString(40, height - 30, f"{doc.unit_name}  ·  {doc.period_label}")
            self.drawRightString(width - 40, height - 30, doc.title)
            self.setStrokeColor(HexColor(ACCENT))
            self.setLineWidth(0.8)
            self.line(40, height - 36, width - 40, height - 36)
            self.drawCentredString(width / 2, 22, _("第 {n} 页 / 共 {t} 页", n=self.getPageNumber(), t=total))
            self.drawRightString(width - 40, 22, _("学习园地"))
            self.restoreState()

    return NumberedCanvas


def _table(block: Table, font: str, width: float) -> list[Any]:
    from reportlab.lib.colors import HexColor, white
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    body = [[format_cell(v, f) for v, f in zip(row, block.formats, strict=False)] for row in block.rows]
    data = [block.headers] + body
    natural = []
    for c in range(len(block.headers)):
        sample = [r[c] for r in data[:300] if c < len(r)]
        natural.append(max(stringWidth(s, font, 9) for s in sample) + 10)
    scale = min(1.0, width / sum(natural)) if natural else 1.0
    widths = [w * scale for w in natural]
    t = RLTable(data, colWidths=widths, repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, 9 if scale > 0.8 else 8),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor(ACCENT)),
        ("TEXTCOLOR", (0, 0), (-1, 0), white),
        ("TEXTCOLOR", (0, 1), (-1, -1), HexColor(TEXT)),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, HexColor("#F4F5F7")]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, HexColor("#DADDE1")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for c, fmt in enumerate(block.formats):
        if fmt != "text":
            style.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
    for r in block.highlight:
        style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), HexColor("#FFF3E0")))
    t.setStyle(TableStyle(style))
    return [t]


def _chart(block: Chart, font: str, width: float) -> Any:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib.colors import HexColor

    categories = block.categories[:MAX_BARS] if block.kind == "bar" else block.categories
    many = len(categories) > 8
    height = 230 if many else 200
    drawing = Drawing(width, height)
    # The renderer starts each chart in the state named by initial* attributes (else Helvetica, never embedded).
    setattr(drawing, "initialFontName", font)  # noqa: B010  (not in ReportLab's type stubs)
    drawing.add(String(0, height - 14, block.title, fontName=font, fontSize=11, fillColor=HexColor(ACCENT)))
    chart = VerticalBarChart() if block.kind == "bar" else HorizontalLineChart()
    chart.x, chart.y = 40, 60 if many else 40
    chart.width = width - (170 if block.kind == "line" else 60)  # type: ignore[assignment]  # the stub says int
    chart.height = height - chart.y - 30
    data = [[(v or 0.0) * (100 if block.percent else 1) for v in values[:len(categories)]]
            for _name, values in block.series]
    chart.data = data or [[0.0]]
    chart.categoryAxis.categoryNames = categories or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7 if many else 8
    if many:
        chart.categoryAxis.labels.angle = 35
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max([v for row in data for v in row] + [1.0])
    if block.percent:
        chart.valueAxis.valueMax = 100
        chart.valueAxis.labelTextFormat = "%d%%"
    else:
        chart.valueAxis.valueMax = top * 1.15
    for i in range(len(data)):
        colour = HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)])
        if isinstance(chart, VerticalBarChart):
            chart.bars[i].fillColor = colour
            chart.bars[i].strokeColor = None
        else:
            chart.lines[i].strokeColor = colour
            chart.lines[i].strokeWidth = 1.6
    drawing.add(chart)
    if block.kind == "line" or len(data) > 1:
        legend = Legend()
        legend.fontName = font
        legend.fontSize = 8
        legend.x, legend.y = width - 120, height - 30  # type: ignore[assignment]  # the stub says int
        legend.alignment = "right"
        legend.columnMaximum = 12
        legend.colorNamePairs = [(HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]), name[:12])
                                 for i, (name, _v) in enumerate(block.series)]
        drawing.add(legend)
    return drawing


def write_pdf(doc: Document, target: Path, *, progress: ProgressSink = no_progress) -> None:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    font, _kai = register_fonts()
    size = landscape(A4)
    template = SimpleDocTemplate(str(target), pagesize=size, leftMargin=40, rightMargin=40, topMargin=50,
                                 bottomMargin=40, title=f"{doc.title} {doc.period_label}", author=doc.unit_name,
                                 creator="StudyHall")
    width = size[0] - 80
    h1 = ParagraphStyle("h1", fontName=font, fontSize=18, leading=24, textColor=HexColor(ACCENT))
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, textColor=HexColor(ACCENT), spaceBefore=8,
                        spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, textColor=HexColor(TEXT),
                          wordWrap="CJK")
    # Every text of a Document is plain: ReportLab's Paragraph reads markup (<img src=…> would load a
    # local file, a stray '<' would fail the export), so it is escaped on the way in.
    story: list[Any] = [Paragraph(escape(doc.title), h1),
                        Paragraph(escape(_("单位：{u}　　时间段：{p}", u=doc.unit_name, p=doc.period_label)), body)]
    if doc.subtitle:
        story.append(Paragraph(escape(doc.subtitle), body))
    story.append(Spacer(1, 6 * mm))
    for i, block in enumerate(doc.blocks):
        progress(i, len(doc.blocks), _("正在生成 PDF"))
        if isinstance(block, Table):
            head = Paragraph(escape(block.title), h2)
            if block.rows:
                story.extend([head, *_table(block, font, width)])
            else:
                story.extend([head, Paragraph(_("（没有数据）"), body)])
            story.append(Spacer(1, 4 * mm))
        elif isinstance(block, Chart):
            story.append(KeepTogether([_chart(block, font, width), Spacer(1, 4 * mm)]))
        elif isinstance(block, Note):
            for para in block.text.split("\n") if not block.heading else [block.text]:
                story.append(Paragraph(escape(para), h2 if block.heading else body))
    target.parent.mkdir(parents=True, exist_ok=True)
    template.build(story, canvasmaker=_numbered_canvas(doc, font))
    progress(len(doc.blocks), len(doc.blocks), "")
