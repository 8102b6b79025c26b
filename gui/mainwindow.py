# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The main window: header (who, unit, today's study minutes, logout), sidebar by role, pages."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _
from core.access.usecase import Change
from core.home import usecases as home
from core.people.users import CATEGORY_LABELS, ROLE_LABELS
from gui import theme
from gui.context import AppContext
from gui.pages import PageSpec, pages_for
from gui.widgets import text_label

ITEM_HEIGHT, COMPACT_HEIGHT = 44, 32     # sidebar rows: roomy, and the least before the list scrolls


class Sidebar(QListWidget):
    """The pages of the signed-in role. Every page stays in view without scrolling: an administrator's
    19 pages at 1280×720 get rows between ITEM_HEIGHT and COMPACT_HEIGHT; only a window too short even
    for those scrolls."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)          # the viewport has its new size after this
        count = self.count()
        if not count:
            return
        height = max(COMPACT_HEIGHT, min(ITEM_HEIGHT, self.viewport().height() // count))
        if self.item(0).sizeHint().height() != height:
            for row in range(count):
                self.item(row).setSizeHint(QSize(160, height))


class MainWindow(QMainWindow):
    logout_requested = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(_("学习园地"))
        self.resize(1280, 720)
        self.setMinimumSize(1024, 640)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._header())
        body = QHBoxLayout()
        body.setSpacing(0)
        self.sidebar = Sidebar()
        self.sidebar.setObjectName("Sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setFixedWidth(200)
        self.stack = QStackedWidget()
        body.addWidget(self.sidebar)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        self.specs: list[PageSpec] = pages_for(ctx)
        self.pages: dict[str, QWidget] = {}
        for spec in self.specs:
            item = QListWidgetItem(theme.icon(spec.icon), _(spec.label))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(160, ITEM_HEIGHT))
            self.sidebar.addItem(item)
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(holder)
        self.sidebar.currentRowChanged.connect(self._show_page)
        self.sidebar.setCurrentRow(0)
        self._minutes_timer = QTimer(self)
        self._minutes_timer.timeout.connect(self.refresh_header)
        self._minutes_timer.start(60_000)
        self.refresh_header()
        ctx.on(Change.STUDY, self.refresh_header)
        from gui.idle import SessionLock

        self.session_lock = SessionLock(self, ctx)          # the idle lock of a shared PC (issue 13)
        self.session_lock.switch_user.connect(self.logout_requested.emit)
        from gui.pages.backups import AutoBackupTimer

        self.auto_backups = AutoBackupTimer(ctx, self)        # on start and every 30 minutes (issue 14)
        from gui.quiz import offer_resume

        QTimer.singleShot(0, lambda: offer_resume(self, ctx))   # resume an unfinished exam (issue 4)

    def _header(self) -> QWidget:
        header = QFrame()
        header.setObjectName("Header")
        header.setFixedHeight(56)
        lay = QHBoxLayout(header)
        lay.setContentsMargins(theme.SP3, 0, theme.SP3, 0)
        icon = QLabel()
        icon.setPixmap(theme.icon("emblem").pixmap(30, 30))
        title = QLabel(_("学习园地"))
        title.setObjectName("HeaderTitle")
        lay.addWidget(icon)
        lay.addWidget(title)
        lay.addStretch(1)
        u = self.ctx.user
        role = _(CATEGORY_LABELS[u.category]) if u.role == "officer" else _(ROLE_LABELS[u.role])
        self.who = text_label(f"{u.name}（{u.badge}）· {u.unit_name} · {role}")
        self.minutes = QLabel("")
        lay.addWidget(self.who)
        lay.addSpacing(theme.SP3)
        lay.addWidget(self.minutes)
        lay.addSpacing(theme.SP3)
        logout = QPushButton(theme.icon("logout-white"), _("退出登录"))
        logout.setObjectName("HeaderButton")
        logout.clicked.connect(self.logout_requested.emit)
        lay.addWidget(logout)
        return header

    def refresh_header(self) -> None:
        self.ctx.call(home.today_minutes).success(lambda m: self.minutes.setText(_("今日学习 {m} 分钟", m=m))) \
            .run(self)

    def page(self, key: str) -> QWidget:
        """The page with ``key``, built on first use."""
        index = next(i for i, s in enumerate(self.specs) if s.key == key)
        if key not in self.pages:
            widget = self.specs[index].factory(self.ctx)
            holder = self.stack.widget(index)
            lay = holder.layout() if holder is not None else None
            assert lay is not None   # every page's holder got its layout in __init__
            lay.addWidget(widget)
            self.pages[key] = widget
        return self.pages[key]

    def go(self, key: str) -> None:
        index = next(i for i, s in enumerate(self.specs) if s.key == key)
        self.sidebar.setCurrentRow(index)

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        key = self.specs[row].key
        fresh = key not in self.pages
        widget = self.page(key)
        self.stack.setCurrentIndex(row)
        refresh = getattr(widget, "refresh", None)
        if refresh is not None and not fresh:
            refresh()
