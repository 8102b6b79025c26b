# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The reader: a calm window for one material that counts only real reading time.

Counting is done by ``core.study.tracker.ReadingTracker``; this window only feeds it events:
keys, mouse, wheel and scrolling inside the reader (an event filter), window
activation (WindowActivate/WindowDeactivate), minimising (WindowStateChange) and
the application going inactive/hidden (``QGuiApplication.applicationStateChanged``,
which is also what a locked screen looks like to Qt). A 15-second heartbeat stores
the counted seconds and the reading position through the ``core.study.usecases.heartbeat``
use case (the logged-in user's own reading only).

HTML materials are shown in a QTextBrowser with Chinese typography; a PDF is shown
page by page with QtPdf (``QPdfView``) when that module is installed, else as the
text extracted on import.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.infra import localconfig
from core.study import usecases as study
from core.study.materials import MaterialContent
from core.study.tracker import HEARTBEAT_SECONDS, Beat, BeatResult, ReadingTracker
from gui import theme
from gui.context import AppContext
from gui.widgets import text_label

try:  # QtPdf ships with PySide6-Addons on most platforms; fall back to extracted text without it.
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    PDF_VIEWER_AVAILABLE = True
except ImportError:  # pragma: no cover - depends on the installed wheel
    PDF_VIEWER_AVAILABLE = False
ACTIVITY_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                   QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate}
SCHEMES = {  # (background, text, headings)
    "day": ("#FBF8F1", "#2B2B2B", "#8E1414"),
    "night": ("#1F2227", "#CFC9BC", "#D9A05B"),
}
CHROME = {  # the toolbar and status line around the page: (background, text, border, control)
    "day": (theme.SURFACE, theme.TEXT, theme.BORDER, theme.SURFACE),
    "night": ("#16181C", "#CFC9BC", "#33373E", "#262A31"),
}
SPACINGS = [(150, "1.5"), (180, "1.8"), (210, "2.1")]


class ReaderWindow(QWidget):
    """One material, one reading session; ``closed`` fires after the last heartbeat was sent."""

    closed = Signal()

    def __init__(self, ctx: AppContext, content: MaterialContent, idle_seconds: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.content = content
        self.reading_id = uuid.uuid4()
        self.tracker = ReadingTracker(ctx.clock, idle_seconds)
        self.stored_seconds = content.seconds         # the officer's stored total on this material
        self.finished = content.finished
        self._sent = 0.0                               # seconds handed to heartbeats so far
        self._stored_position = content.position      # the reading position last handed to a heartbeat
        self._closed = False
        self._pending_share: float | None = None     # a place to keep while the text is laid out again
        self.setWindowTitle(_("阅读：{t}", t=content.title))
        self.resize(1100, 720)
        prefs = localconfig.get("reader", {}) or {}
        self.font_px = int(prefs.get("font_px", 18))
        self.spacing = int(prefs.get("spacing", 180))
        self.night = bool(prefs.get("night", False))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self._toolbar())
        self.view = self._make_view()
        lay.addWidget(self.view, 1)
        self.status = QLabel()
        self.status.setObjectName("ReaderStatus")
        self.status.setContentsMargins(theme.SP3, theme.SP1, theme.SP3, theme.SP1)
        lay.addWidget(self.status)

        for target in self._watched():
            target.installEventFilter(self)
        if self.scrollbar is not None:
            self.scrollbar.valueChanged.connect(lambda _v: self.tracker.activity())
            self.scrollbar.rangeChanged.connect(self._range_changed)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._app_state)
        self._ui_timer = QTimer(self)
        self._ui_timer.timeout.connect(self.update_status)
        self._ui_timer.start(1000)
        self._beat_timer = QTimer(self)
        self._beat_timer.timeout.connect(self.beat)
        self._beat_timer.start(HEARTBEAT_SECONDS * 1000)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self.close)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self).activated.connect(lambda: self.zoom(2))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self).activated.connect(lambda: self.zoom(-2))
        self.apply_style()
        QTimer.singleShot(0, self._restore_position)
        self.update_status()

    # --- building ------------------------------------------------------------------------------
    def _toolbar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("ReaderBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(theme.SP3, theme.SP2, theme.SP3, theme.SP2)
        title = text_label(self.content.title, name="PageTitle")
        row.addWidget(title, 1)
        smaller = QPushButton(_("字号 −"))
        smaller.clicked.connect(lambda: self.zoom(-2))
        bigger = QPushButton(_("字号 ＋"))
        bigger.clicked.connect(lambda: self.zoom(2))
        self.spacing_box = QComboBox()
        for value, label in SPACINGS:
            self.spacing_box.addItem(_("行距 {x}", x=label), value)
        self.spacing_box.setCurrentIndex(max(0, [v for v, _l in SPACINGS].index(self.spacing)
                                             if self.spacing in [v for v, _l in SPACINGS] else 1))
        self.spacing_box.currentIndexChanged.connect(self._spacing_changed)
        self.night_box = QCheckBox(_("夜间模式"))
        self.night_box.setChecked(self.night)
        self.night_box.toggled.connect(self._night_changed)
        self.finish_button = QPushButton(_("标记为已学完"))
        self.finish_button.setProperty("primary", True)
        self.finish_button.clicked.connect(self.mark_finished)
        self.close_button = QPushButton(_("关闭 (Esc)"))
        self.close_button.clicked.connect(self.close)
        for w in (smaller, bigger, self.spacing_box, self.night_box, self.finish_button, self.close_button):
            row.addWidget(w)
        return bar

    def _make_view(self) -> QWidget:
        self.scrollbar = None
        if self.content.original and PDF_VIEWER_AVAILABLE:
            self.pdf_doc = QPdfDocument(self)
            self._pdf_buffer = QBuffer(self)
            self._pdf_buffer.setData(QByteArray(self.content.original))
            self._pdf_buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.pdf_doc.load(self._pdf_buffer)
            view = QPdfView(self)
            view.setDocument(self.pdf_doc)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.scrollbar = view.verticalScrollBar()
            self.browser = None
            return view
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.setHtml(self.content.body_html)
        self.scrollbar = self.browser.verticalScrollBar()
        return self.browser

    def _watched(self) -> list[QObject]:
        out: list[QObject] = [self, self.view]
        viewport = getattr(self.view, "viewport", None)
        if viewport is not None:
            out.append(viewport())
        if self.scrollbar is not None:
            out.append(self.scrollbar)
        return out

    # --- typography ----------------------------------------------------------------------------
    def apply_style(self) -> None:
        # Keep the reading position as a share of the text: a bigger font makes the text longer, and
        # even a new style sheet lays the page out again.
        where = self.position()
        self._pending_share = where if where > 0 else None
        scheme = "night" if self.night else "day"
        bg, fg, head = SCHEMES[scheme]
        chrome, text, border, control = CHROME[scheme]
        # Night mode darkens the whole window (toolbar, buttons, status line), not only the page.
        self.setStyleSheet(
            f"ReaderWindow {{ background: {chrome}; }}"
            f"#ReaderBar {{ background: {chrome}; border-bottom: 1px solid {border}; }}"
            f"#ReaderBar QLabel, #ReaderBar QCheckBox {{ color: {text}; }}"
            f"#ReaderBar #PageTitle {{ color: {head}; }}"
            + (f"#ReaderBar QPushButton, #ReaderBar QComboBox {{ background: {control}; color: {text}; "
               f"border: 1px solid {border}; }}"
               f"#ReaderBar QPushButton[primary=\"true\"] {{ background: {theme.ACCENT_DARK}; color: white; }}"
               f"#ReaderBar QPushButton:disabled {{ color: #6B7078; background: {chrome}; }}"
               if self.night else "")
            + f"#ReaderStatus {{ background: {chrome}; color: {theme.MUTED if not self.night else '#9AA0A6'}; "
            f"border-top: 1px solid {border}; }}"
            f"QTextBrowser {{ background: {bg}; color: {fg}; }}"
            f"QPdfView {{ background: {bg}; }}")
        if self.browser is None:
            return
        doc = self.browser.document()
        font = self.browser.font()
        font.setFamily(theme.font_family())
        font.setPixelSize(self.font_px)
        doc.setDefaultFont(font)
        doc.setDocumentMargin(24)
        doc.setDefaultStyleSheet(
            f"p, li, td, th {{ line-height: {self.spacing}%; }}"
            f"p {{ text-indent: {2 * self.font_px}px; margin-top: 0; margin-bottom: {self.font_px // 2}px; }}"
            f"h1, h2, h3, h4 {{ color: {head}; }}"
            f"h1 {{ font-size: {int(self.font_px * 1.5)}px; }} h2 {{ font-size: {int(self.font_px * 1.3)}px; }}"
            f"h3 {{ font-size: {int(self.font_px * 1.15)}px; }}"
            f"td, th {{ padding: 4px 8px; }} th {{ background: {'#2A2E35' if self.night else '#EFE8DA'}; }}"
            f"a {{ color: {head}; }}")
        self.browser.setHtml(self.content.body_html)       # re-layout with the new style sheet
        self._center_column()
        if where > 0:
            self._go_to(where)

    def _go_to(self, share: float) -> None:
        """Scroll to ``share`` of the text, and keep it there while the document is laid out (that
        happens in steps, the scroll range growing each time) until the reader scrolls themself."""
        self._pending_share = share
        if self.scrollbar is not None and not self._closed:
            self.scrollbar.setValue(round(share * self.scrollbar.maximum()))

    def _range_changed(self, _low: int, high: int) -> None:
        if self._pending_share is not None and self.scrollbar is not None:
            self.scrollbar.setValue(round(self._pending_share * high))

    def _center_column(self) -> None:
        if self.browser is None:
            return
        column = 46 * self.font_px
        side = max(0, (self.browser.width() - column) // 2)
        self.browser.setViewportMargins(side, 0, side, 0)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._center_column()

    def zoom(self, delta: int) -> None:
        self.font_px = max(12, min(36, self.font_px + delta))
        self._save_prefs()
        self.apply_style()

    def _spacing_changed(self, _index: int) -> None:
        self.spacing = int(self.spacing_box.currentData())
        self._save_prefs()
        self.apply_style()

    def _night_changed(self, on: bool) -> None:
        self.night = on
        self._save_prefs()
        self.apply_style()

    def _save_prefs(self) -> None:
        localconfig.put("reader", {"font_px": self.font_px, "spacing": self.spacing, "night": self.night})

    # --- activity ------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.tracker.activity()
            if event.type() != QEvent.Type.MouseMove:
                self._pending_share = None            # the reader moves on: stop holding the place
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.WindowActivate:
            self.tracker.set_window_active(True)
        elif kind == QEvent.Type.WindowDeactivate:
            self.tracker.set_window_active(False)
        elif kind == QEvent.Type.WindowStateChange:
            self.tracker.set_minimised(bool(self.windowState() & Qt.WindowState.WindowMinimized))
        return super().event(event)

    def _app_state(self, state: Qt.ApplicationState) -> None:
        # Suspended/hidden: the session is locked or the app is in the background.
        self.tracker.set_locked(state in (Qt.ApplicationState.ApplicationSuspended,
                                          Qt.ApplicationState.ApplicationHidden))
        if state != Qt.ApplicationState.ApplicationActive:
            self.tracker.set_window_active(False)

    # --- position, heartbeat, finishing --------------------------------------------------------
    def position(self) -> float:
        if self.scrollbar is None or self.scrollbar.maximum() <= 0:
            return 0.0
        return self.scrollbar.value() / self.scrollbar.maximum()

    def _restore_position(self) -> None:
        if self.scrollbar is not None and self.content.position > 0:
            self.scrollbar.setValue(round(self.content.position * self.scrollbar.maximum()))

    def pending_seconds(self) -> float:
        """Counted in this window but not yet stored."""
        return self.tracker.counted - self._sent

    def beat(self) -> None:
        """Store what was counted since the last heartbeat (the heartbeat timer calls this)."""
        seconds = self.tracker.drain()
        position = self.position()
        if not seconds and position == self._stored_position:
            return                            # nothing new: no write, no screen refreshed
        self._sent += sum(seconds.values())
        self._stored_position = position
        beat = Beat(self.reading_id, self.ctx.user.id, self.content.id, seconds, position)

        def done(result: BeatResult) -> None:
            if self._closed:                  # the last beat may land after the window is gone
                return
            self.stored_seconds = result.material_seconds
            self.update_status()

        self.ctx.call(study.heartbeat, beat).success(done).run(None)

    def update_status(self) -> None:
        self.tracker.tick()
        session_s = int(self.tracker.counted)
        total_min = (self.stored_seconds + int(self.pending_seconds())) // 60
        if self.tracker.counting:
            state = _("正在计时")
        elif not self.tracker.visible:
            state = _("已暂停：阅读窗口不在前台")
        else:
            state = _("已暂停：超过 {n} 秒无操作，滚动或翻页即继续", n=int(self.tracker.idle_seconds))
        need = self.content.min_seconds
        ready = self.stored_seconds + self.pending_seconds() >= need
        if self.finished:
            goal = _("已学完，积分已登记")
        elif ready:
            goal = _("已达到最少阅读时间，可以标记为已学完")
        else:
            goal = _("至少阅读 {n} 分钟", n=need // 60)
        self.status.setText(_("{state} · 本次计入 {m} 分 {s} 秒 · 累计 {t} 分钟 · {goal}", state=state,
                              m=session_s // 60, s=session_s % 60, t=total_min, goal=goal))
        self.finish_button.setEnabled(ready and not self.finished)
        self.finish_button.setText(_("已学完") if self.finished else _("标记为已学完"))

    def mark_finished(self) -> None:
        seconds = self.tracker.drain()
        self._sent += sum(seconds.values())
        beat = Beat(self.reading_id, self.ctx.user.id, self.content.id, seconds, self.position())

        def done(result: study.Finished) -> None:
            self.stored_seconds = result.material_seconds
            self.finished = True
            self.update_status()

        self.ctx.call(study.finish_material, self.content.id, last_beat=beat).success(done).run(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            super().closeEvent(event)
            return
        self._closed = True
        self._ui_timer.stop()
        self._beat_timer.stop()
        self.beat()
        super().closeEvent(event)
        self.closed.emit()


def open_reader(ctx: AppContext, material_id: int, parent: QWidget | None = None,
                on_closed: Any = None) -> None:
    """Load a material off the GUI thread, then show it in a new reader window."""

    def show(reading: study.Reading) -> None:
        reader = ReaderWindow(ctx, reading.content, reading.idle_seconds, parent)
        reader.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_closed is not None:
            reader.closed.connect(on_closed)
        reader.show()
        reader.raise_()
        reader.activateWindow()

    ctx.call(study.open_material, material_id).success(show).run(parent)
