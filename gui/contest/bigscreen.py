# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The big screen (projector or TV): question and options in very large type, the countdown ring,
who buzzed, the scoreboard with animated changes, round title cards, the tile board and the final
ranking. Everything is painted from a :class:`~core.contest.stage.StageView` and scales with the
window's height, so it reads the same at 1920×1080 and 1366×768 (from 15 m: ≥ 5 % of the height).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt, QTimer, QVariantAnimation
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from base.i18n import _
from core.contest.machine import Phase
from core.contest.stage import StageView
from gui import theme
from quizbank.model import LETTERS, QType

BG = QColor("#7F0F0F")
PANEL = QColor("#FFFDF7")
GOLD = QColor("#FFD54F")
INK = QColor(theme.TEXT)
UP, DOWN = QColor("#2E7D32"), QColor("#C62828")


class BigScreen(QWidget):
    def __init__(self, clock: Callable[[], float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("知识竞赛 · 大屏"))
        self.clock = clock
        self.view: StageView | None = None
        self.shown: list[float] = []                 # the scores as drawn (animated towards the real ones)
        self.flash: list[float] = []                 # 1 → 0 after a change
        self.flash_up: list[bool] = []
        self._anims: list[QVariantAnimation] = []
        self.paints = 0
        self._fitted: dict[tuple[object, ...], tuple[float, float]] = {}
        self.painted_at = 0.0                        # perf_counter() at the end of the last paint
        self.forward_key: Callable[[QKeyEvent], bool] | None = None
        self.ticker = QTimer(self)
        self.ticker.setInterval(100)
        self.ticker.timeout.connect(self.update)
        self.setMinimumSize(640, 360)

    # --- state --------------------------------------------------------------------------------

    def set_view(self, view: StageView) -> None:
        old = self.view
        self.view = view
        scores = [t.score for t in view.teams]
        if old is None or len(self.shown) != len(scores):
            self.shown, self.flash, self.flash_up = list(scores), [0.0] * len(scores), [True] * len(scores)
            self._anims = []
        else:
            for i, (before, after) in enumerate(zip([t.score for t in old.teams], scores, strict=True)):
                if before != after:
                    self._animate(i, self.shown[i], after)
        if view.countdown is not None:
            self.ticker.start()
        else:
            self.ticker.stop()
        self.update()

    def _animate(self, team: int, start: float, end: float) -> None:
        self.flash_up[team] = end >= start
        anim = QVariantAnimation(self)
        anim.setDuration(700)
        anim.setStartValue(0.0)
        anim.setEndValue(1.0)

        def step(f: float) -> None:             # the animation's value, 0 → 1
            self.shown[team] = start + (end - start) * min(1.0, f * 1.6)
            self.flash[team] = 1.0 - f
            self.update()

        anim.valueChanged.connect(step)
        anim.finished.connect(lambda: self._anims.remove(anim) if anim in self._anims else None)
        self._anims.append(anim)
        anim.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
        elif event.key() == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        else:
            super().keyPressEvent(event)

    # --- painting -----------------------------------------------------------------------------

    def _font(self, px: float, bold: bool = False) -> QFont:
        f = QFont(theme.font_family())
        f.setPixelSize(max(8, int(px)))
        f.setBold(bold)
        return f

    def _fit(self, p: QPainter, rect: QRectF, text: str, px: float, *, bold: bool = False,
             flags: int = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap),
             min_px: float = 18) -> float:
        """Draw ``text`` word-wrapped in ``rect`` at the largest size ≤ px that fits; returns its height.
        The size found is kept for the same text and room, so a repaint does not measure again."""
        key = (text, rect.width(), rect.height(), px, bold, flags)
        fitted = self._fitted.get(key)
        if fitted is None:
            while True:
                font = self._font(px, bold)
                box = QFontMetricsF(font).boundingRect(rect, flags, text)
                if (box.height() <= rect.height() and box.width() <= rect.width() + 1) or px <= min_px:
                    break
                px *= 0.92
            if len(self._fitted) > 500:
                self._fitted.clear()
            fitted = self._fitted[key] = (px, box.height())
        font = self._font(fitted[0], bold)
        p.setFont(font)
        p.drawText(rect, flags, text)
        return fitted[1]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = float(self.width()), float(self.height())
        u = h / 1080                                   # one pixel at 1080 lines
        p.fillRect(self.rect(), BG)
        v = self.view
        if v is not None:
            self._top(p, v, w, u)
            board = QRectF(0, h - 250 * u, w, 250 * u)
            self._scoreboard(p, v, board, u)
            middle = QRectF(48 * u, 120 * u, w - 96 * u, h - 250 * u - 150 * u)
            if v.phase is Phase.FINISHED:
                self._ranking(p, v, middle, u)
            elif v.phase is Phase.READY:
                self._card(p, middle, v.title, _("即将开始"), u)
            elif v.stem:
                self._question(p, v, middle, u)
            elif v.tiles and v.phase in (Phase.TITLE, Phase.CLOSED, Phase.PICKED):
                self._board(p, v, middle, u)
            elif v.phase is Phase.PICKED and v.stake is not None:
                team = v.teams[v.answering].name if v.answering is not None else ""
                self._card(p, middle, _("{t} 选择 {s} 分", t=team, s=f"{v.stake:g}"), v.round_title, u)
            else:
                sub = v.rules_line
                if v.tied:
                    sub = _("并列：{t}", t="、".join(v.teams[i].name for i in v.tied))
                self._card(p, middle, _("第{n}轮　{t}", n=v.round_no, t=v.round_title), sub, u)
        p.end()
        self.paints += 1
        self.painted_at = time.perf_counter()

    def _top(self, p: QPainter, v: StageView, w: float, u: float) -> None:
        p.setPen(GOLD)
        p.setFont(self._font(40 * u, True))
        p.drawText(QRectF(48 * u, 24 * u, w * 0.6, 70 * u), int(Qt.AlignmentFlag.AlignVCenter), v.title)
        if v.round_no:
            p.setPen(QColor("white"))
            p.setFont(self._font(36 * u))
            p.drawText(QRectF(w * 0.55, 24 * u, w * 0.45 - 48 * u, 70 * u),
                       int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
                       _("第{n}轮　{t}", n=v.round_no, t=v.round_title))

    def _card(self, p: QPainter, rect: QRectF, big: str, small: str, u: float) -> None:
        p.setPen(GOLD)
        self._fit(p, QRectF(rect.x(), rect.y() + rect.height() * 0.2, rect.width(), rect.height() * 0.45), big,
                  120 * u, bold=True, flags=int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap))
        p.setPen(QColor("white"))
        p.setFont(self._font(56 * u))
        p.drawText(QRectF(rect.x(), rect.y() + rect.height() * 0.68, rect.width(), 90 * u),
                   int(Qt.AlignmentFlag.AlignCenter), small)

    def _question(self, p: QPainter, v: StageView, rect: QRectF, u: float) -> None:
        ring = 230 * u
        p.setBrush(PANEL)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(rect, 24 * u, 24 * u)
        inner = rect.adjusted(40 * u, 28 * u, -(ring + 80 * u), -24 * u)
        p.setPen(QColor(theme.ACCENT))
        p.setFont(self._font(40 * u, True))
        head = _("第{n}题", n=v.question_no)
        if v.qtype in {t.value for t in QType}:
            head += f"　[{QType(v.qtype).label}]"
        if v.stake is not None:
            head += "　" + _("分值 {s}", s=f"{v.stake:g}")
        p.drawText(QRectF(inner.x(), inner.y(), inner.width(), 56 * u), int(Qt.AlignmentFlag.AlignVCenter), head)
        top = inner.y() + 70 * u
        options = [f"{LETTERS[i]}. {o}" for i, o in enumerate(v.options)]
        if v.qtype == "judge" and not options:
            options = [_("○ 正确　　○ 错误")]
        answer_h = 80 * u if v.answer is not None else 0
        option_h = (64 * u) * len(options)
        p.setPen(INK)
        stem_h = self._fit(p, QRectF(inner.x(), top, inner.width(), inner.bottom() - top - option_h - answer_h),
                           v.stem, 64 * u, bold=True)
        y = top + stem_h + 24 * u
        for text in options:
            self._fit(p, QRectF(inner.x() + 20 * u, y, inner.width() - 20 * u, 60 * u), text, 50 * u, min_px=16,
                      flags=int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter))
            y += 64 * u
        if v.answer is not None:
            p.setPen(UP)
            self._fit(p, QRectF(inner.x(), inner.bottom() - 72 * u, inner.width(), 72 * u),
                      _("答案：{a}", a=v.answer), 52 * u, bold=True,
                      flags=int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter))
        self._side(p, v, QRectF(rect.right() - ring - 50 * u, rect.y() + 40 * u, ring, ring), u)

    def _side(self, p: QPainter, v: StageView, box: QRectF, u: float) -> None:
        """The countdown ring, and under it who is answering (or the call to buzz)."""
        if v.countdown is not None:
            left = max(0.0, v.countdown.seconds - (self.clock() - v.countdown.started))
            frac = left / v.countdown.seconds if v.countdown.seconds else 0
            p.setPen(QPen(QColor("#E0E0E0"), 22 * u))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(box)
            colour = QColor(theme.ACCENT) if left <= 5 else QColor("#1565C0")
            p.setPen(QPen(colour, 22 * u, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawArc(box, 90 * 16, int(-360 * 16 * frac))
            p.setFont(self._font(96 * u, True))
            p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), f"{left:.0f}" if left >= 1 or left == 0
                       else f"{left:.1f}")
        label, colour = "", INK
        if v.phase is Phase.SHOWN:
            label, colour = _("准备抢答"), QColor(theme.MUTED)
        elif v.phase is Phase.BUZZING:
            label, colour = _("请抢答！"), QColor(theme.ACCENT)
        elif v.phase is Phase.ANSWERING and v.answering is not None:
            label, colour = _("{t} 作答", t=v.teams[v.answering].name), QColor("#1565C0")
        if label:
            p.setPen(colour)
            self._fit(p, QRectF(box.x() - 40 * u, box.bottom() + 30 * u, box.width() + 80 * u, 150 * u), label,
                      48 * u, bold=True, flags=int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                      | int(Qt.TextFlag.TextWordWrap))

    def _scoreboard(self, p: QPainter, v: StageView, rect: QRectF, u: float) -> None:
        n = len(v.teams)
        gap = 24 * u
        cw = (rect.width() - gap * (n + 1)) / n
        for i, team in enumerate(v.teams):
            box = QRectF(rect.x() + gap + i * (cw + gap), rect.y() + 16 * u, cw, rect.height() - 40 * u)
            fill = QColor(PANEL)
            if self.flash and self.flash[i] > 0:
                tint = UP if self.flash_up[i] else DOWN
                a = self.flash[i]
                fill = QColor(int(fill.red() * (1 - a) + tint.red() * a), int(fill.green() * (1 - a) + tint.green() * a),
                              int(fill.blue() * (1 - a) + tint.blue() * a))
            p.setBrush(fill)
            active = v.answering == i and v.phase in (Phase.ANSWERING, Phase.PICKED, Phase.TITLE, Phase.CLOSED)
            p.setPen(QPen(GOLD, 10 * u) if active else Qt.PenStyle.NoPen)
            p.drawRoundedRect(box, 18 * u, 18 * u)
            faded = v.phase is not Phase.FINISHED and (i in v.locked or bool(v.tied and i not in v.tied))
            p.setPen(QColor(theme.MUTED) if faded else INK)
            self._fit(p, QRectF(box.x() + 12 * u, box.y() + 10 * u, box.width() - 24 * u, 56 * u), team.name,
                      40 * u, bold=True, min_px=14,
                      flags=int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter))
            p.setPen(QColor(theme.ACCENT))
            p.setFont(self._font(92 * u, True))
            shown = self.shown[i] if i < len(self.shown) else team.score
            p.drawText(QRectF(box.x(), box.y() + 62 * u, box.width(), box.height() - 62 * u),
                       int(Qt.AlignmentFlag.AlignCenter), f"{round(shown):g}")

    def _board(self, p: QPainter, v: StageView, rect: QRectF, u: float) -> None:
        cols = 3 if v.tiles <= 9 else 4 if v.tiles <= 12 else 6
        rows = (v.tiles + cols - 1) // cols
        gap = 24 * u
        tw = (rect.width() - gap * (cols - 1)) / cols
        th = min(160 * u, (rect.height() - 80 * u - gap * (rows - 1)) / rows)
        if v.answering is not None:
            p.setPen(QColor("white"))
            p.setFont(self._font(44 * u, True))
            name = v.teams[v.answering].name
            p.drawText(QRectF(rect.x(), rect.y(), rect.width(), 64 * u), int(Qt.AlignmentFlag.AlignCenter),
                       _("{t} 选择 {n} 号题", t=name, n=v.tile) if v.phase is Phase.PICKED and v.tile
                       else _("请 {t} 选题", t=name))
        for n in range(1, v.tiles + 1):
            r, c = divmod(n - 1, cols)
            box = QRectF(rect.x() + c * (tw + gap), rect.y() + 80 * u + r * (th + gap), tw, th)
            used = n in v.used_tiles
            picked = n == v.tile and v.phase is Phase.PICKED
            p.setBrush(QColor("white") if picked else QColor("#5D4037") if used else GOLD)
            p.setPen(QPen(GOLD, 8 * u) if picked else Qt.PenStyle.NoPen)
            p.drawRoundedRect(box, 16 * u, 16 * u)
            p.setPen(QColor("#8D6E63") if used else QColor(theme.ACCENT_DARK))
            p.setFont(self._font(84 * u, True))
            p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), str(n))

    def _ranking(self, p: QPainter, v: StageView, rect: QRectF, u: float) -> None:
        p.setPen(GOLD)
        p.setFont(self._font(80 * u, True))
        p.drawText(QRectF(rect.x(), rect.y(), rect.width(), 110 * u), int(Qt.AlignmentFlag.AlignCenter),
                   _("最终排名"))
        y = rect.y() + 130 * u
        line = min(100 * u, (rect.bottom() - y) / max(1, len(v.ranking)))
        for rank, team, score in v.ranking:
            p.setPen(GOLD if rank == 1 else QColor("white"))
            p.setFont(self._font(line * 0.62, rank == 1))
            p.drawText(QRectF(rect.x() + rect.width() * 0.15, y, rect.width() * 0.7, line),
                       int(Qt.AlignmentFlag.AlignVCenter),
                       _("第{r}名　{t}", r=rank, t=v.teams[team].name))
            p.drawText(QRectF(rect.x() + rect.width() * 0.15, y, rect.width() * 0.7, line),
                       int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), _("{n}分", n=f"{score:g}"))
            y += line
