# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""证书 → 模板: edit a template with a live preview painted by Qt from the same layout as the PDF.

Templates (with their seal image) are loaded and saved through use cases; the preview uses
sample data and is drawn on the GUI thread without touching the database.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from base.errors import StudyHallError
from base.i18n import _
from core.certificates import usecases as cert
from core.certificates.layout import LineItem, PageLayout, RectItem, TextItem
from core.certificates.render import CertPage
from core.certificates.templates import (
    BORDERS,
    FIELD_NAMES,
    KINDS,
    ORIENTATIONS,
    TemplateInfo,
    TemplateSpec,
    check_seal,
    sample_seal,
)
from core.infra.paths import CERT_FONT, font_path
from gui import files, theme
from gui.context import AppContext
from gui.errors import show_exception

SAMPLE_FIELDS = {"name": "张晓燕", "badge": "031245", "unit": "交警大队第一党支部",
                 "exam": "道路交通安全法规季度考试", "score": "92", "date": "2026-11-24", "award": "一等奖"}
SAMPLE_PAYLOAD = "SHC2:LJ-2026-7K3M9QXH:1:031245:92:2026-11-24:" + "PREVIEW" * 14 + "XXXXX"   # as long as a real one


@cache
def cert_font_family() -> str:
    font_id = QFontDatabase.addApplicationFont(str(font_path(CERT_FONT)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else theme.font_family()


def paint_page(page: PageLayout, seal_png: bytes | None, width_px: int) -> QImage:
    """Draw a certificate layout (PDF points, origin bottom-left) into an image ``width_px`` wide."""
    scale = width_px / page.width
    image = QImage(width_px, int(page.height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDotsPerMeterX(2835)                  # 72 dpi, so font points equal layout units
    image.setDotsPerMeterY(2835)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    p.scale(scale, scale)
    h = page.height
    family = cert_font_family()
    for it in [*page.static, *page.content, *page.qr_caption]:
        if isinstance(it, TextItem):
            font = QFont(family)
            font.setPointSizeF(it.size)           # the image is 72 dpi: one point is one unit
            p.setFont(font)
            p.setPen(QColor(it.color))
            p.drawText(QPointF(it.x, h - it.y), it.text)
        elif isinstance(it, LineItem):
            p.setPen(QPen(QColor(it.color), it.width))
            p.drawLine(QPointF(it.x1, h - it.y1), QPointF(it.x2, h - it.y2))
        elif isinstance(it, RectItem):
            p.setPen(QPen(QColor(it.color), it.width))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(it.x, h - it.y - it.h, it.w, it.h))
    if page.qr is not None and page.qr_matrix is not None:
        unit = page.qr.size / page.qr_matrix.size
        top = h - page.qr.y - page.qr.size
        for r, c, n in page.qr_matrix.runs:
            p.fillRect(QRectF(page.qr.x + c * unit, top + r * unit, n * unit, unit), QColor("black"))
    if page.seal is not None and seal_png:
        seal = QImage.fromData(seal_png)
        box = page.seal
        p.drawImage(QRectF(box.x, h - box.y - box.size, box.size, box.size), seal)
    p.end()
    return image


class Preview(QLabel):
    """Shows the page scaled to the space it has."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet(f"background: #E9EBEE; border: 1px solid {theme.BORDER};")
        self._page: tuple[PageLayout, bytes | None] | None = None

    def show_page(self, page: PageLayout, seal: bytes | None) -> None:
        self._page = (page, seal)
        self._paint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._paint()

    def _paint(self) -> None:
        if self._page is None:
            return
        page, seal = self._page
        fit = min((self.width() - 24) / page.width, (self.height() - 24) / page.height)
        width = max(200, int(page.width * fit))
        self.setPixmap(QPixmap.fromImage(paint_page(page, seal, width)))


class TemplateEditor(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.templates: list[TemplateInfo] = []
        self.seal: bytes | None = None
        self.current_id: int | None = None
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.update_preview)

        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(self._choose)
        self.name = QLineEdit()
        self.header = QLineEdit()
        self.title = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setMinimumHeight(110)
        self.body.setMaximumHeight(150)
        self.body.setToolTip(_("可用字段：{f}", f="、".join("{" + n + "}" for n in FIELD_NAMES)))
        self.issuer = QLineEdit()
        self.signature = QLineEdit()
        self.orientation, self.border, self.kind = QComboBox(), QComboBox(), QComboBox()
        for combo, options in ((self.orientation, ORIENTATIONS), (self.border, BORDERS), (self.kind, KINDS)):
            for key, label in options.items():
                combo.addItem(_(label), key)
            combo.currentIndexChanged.connect(self._changed)
        self.show_seal = QCheckBox(_("在落款处盖章"))
        self.show_seal.toggled.connect(self._changed)
        for edit in (self.header, self.title, self.issuer, self.signature):
            edit.textChanged.connect(self._changed)
        self.body.textChanged.connect(self._changed)
        self.seal_label = QLabel()
        self.seal_label.setObjectName("Muted")
        seal_row = QHBoxLayout()
        for text, slot in ((_("选择公章图片…"), self._pick_seal), (_("使用样章"), self._sample_seal),
                           (_("不用公章"), self._clear_seal)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            seal_row.addWidget(b)

        form = QFormLayout()
        form.addRow(_("模板"), self.choice)
        form.addRow(_("模板名称"), self.name)
        form.addRow(_("红头单位"), self.header)
        form.addRow(_("证书标题"), self.title)
        form.addRow(_("正文"), self.body)
        hint = QLabel(_("字段：{f}", f=" ".join("{" + n + "}" for n in FIELD_NAMES)))
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        form.addRow("", hint)
        form.addRow(_("落款单位"), self.issuer)
        form.addRow(_("签字栏"), self.signature)
        form.addRow(_("版式"), self.orientation)
        form.addRow(_("边框"), self.border)
        form.addRow(_("类别"), self.kind)
        form.addRow(_("公章"), self.show_seal)
        form.addRow("", self.seal_label)
        form.addRow("", seal_row)
        buttons = QHBoxLayout()
        new = QPushButton(_("另存为新模板"))
        new.clicked.connect(lambda: self.save(as_new=True))
        self.save_button = QPushButton(_("保存模板"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(lambda: self.save(as_new=False))
        buttons.addWidget(new)
        buttons.addWidget(self.save_button)
        form.addRow("", buttons)
        holder = QWidget()
        holder.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFixedWidth(470)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.preview = Preview()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, theme.SP2, 0, 0)
        lay.addWidget(scroll)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        note = QLabel(_("预览使用示例数据；打印时换成每个人的姓名、成绩和证书编号。"))
        note.setObjectName("Muted")
        right.addWidget(note)
        lay.addLayout(right, 1)

    # --- data -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctx.call(cert.load_templates).success(self._show_templates).run(self)

    def _show_templates(self, templates: list[TemplateInfo]) -> None:
        keep = self.current_id
        self.templates = templates
        self.choice.blockSignals(True)
        self.choice.clear()
        for t in templates:
            self.choice.addItem(t.name, t.id)
        index = next((i for i, t in enumerate(templates) if t.id == keep), 0)
        self.choice.setCurrentIndex(index)
        self.choice.blockSignals(False)
        self._choose(index)

    def _choose(self, index: int) -> None:
        if not 0 <= index < len(self.templates):
            return
        t = self.templates[index]
        self.current_id = t.id
        widgets = (self.name, self.header, self.title, self.body, self.issuer, self.signature, self.orientation,
                   self.border, self.kind, self.show_seal)
        for w in widgets:
            w.blockSignals(True)
        self.name.setText(t.name)
        self.header.setText(t.spec.header)
        self.title.setText(t.spec.title)
        self.body.setPlainText(t.spec.body)
        self.issuer.setText(t.spec.issuer)
        self.signature.setText(t.spec.signature_label)
        for combo, value in ((self.orientation, t.spec.orientation), (self.border, t.spec.border),
                             (self.kind, t.spec.kind)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.show_seal.setChecked(t.spec.show_seal)
        for w in widgets:
            w.blockSignals(False)
        self.seal = t.seal_png
        self._seal_text()
        self.update_preview()

    def spec(self) -> TemplateSpec:
        base = next((t.spec for t in self.templates if t.id == self.current_id), TemplateSpec())
        return TemplateSpec(header=self.header.text(), title=self.title.text(), body=self.body.toPlainText(),
                            issuer=self.issuer.text(), signature_label=self.signature.text(),
                            orientation=self.orientation.currentData(), border=self.border.currentData(),
                            kind=self.kind.currentData(), accent=base.accent, show_seal=self.show_seal.isChecked())

    # --- seal -------------------------------------------------------------------------------
    def _seal_text(self) -> None:
        self.seal_label.setText(_("已选公章图片（{k} KB）", k=len(self.seal) // 1024) if self.seal
                                else _("未选公章图片"))

    def _pick_seal(self) -> None:
        path = files.open_file(self, "seal", _("选择公章图片"), _("PNG 图片（透明背景） (*.png)"))
        if path:
            self.set_seal(Path(path).read_bytes())

    def set_seal(self, data: bytes | None) -> None:
        if data is not None:
            try:
                check_seal(data)
            except StudyHallError as exc:
                show_exception(parent=self, exception=exc)
                return
        self.seal = data
        self._seal_text()
        self._changed()

    def _sample_seal(self) -> None:
        self.set_seal(sample_seal())

    def _clear_seal(self) -> None:
        self.set_seal(None)

    # --- preview and save ---------------------------------------------------------------
    def _changed(self) -> None:
        self._timer.start()

    def update_preview(self) -> None:
        spec = self.spec()
        page = CertPage(spec, self.seal, "LJ-2026-7K3M9QXH", 1, dict(SAMPLE_FIELDS), SAMPLE_PAYLOAD)
        self.preview.show_page(page.layout(), self.seal)

    def save(self, *, as_new: bool) -> None:
        name = self.name.text().strip()
        if as_new:
            name = _("{n}（副本）", n=name) if any(t.name == name for t in self.templates) else name

        def done(info: TemplateInfo) -> None:
            self.current_id = info.id
            QMessageBox.information(self, _("证书模板"), _("已保存模板“{n}”", n=info.name))
            self.refresh()

        self.ctx.call(cert.save_template, name=name, spec=self.spec(), seal_png=self.seal,
                      template_id=None if as_new else self.current_id).success(done).run(self)
