# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The result screen: score, pass/fail, per-type breakdown, and the review the quiz's policy allows."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from base.i18n import _, colon
from core.quiz.results import AttemptResult, ReviewItem
from gui import theme
from gui.widgets import StatCard, text_label
from quizbank.model import LETTERS, QType

RESULT_STYLE = f"""
#Verdict {{ font-size: 24px; font-weight: bold; padding: 6px 18px; border-radius: 8px; color: white; }}
#Verdict[kind="pass"] {{ background: {theme.SUCCESS}; }}
#Verdict[kind="fail"] {{ background: {theme.ACCENT}; }}
#Verdict[kind="wait"] {{ background: {theme.MUTED}; }}
"""


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


class ResultView(QWidget):
    """Emits ``close_requested`` from its 关闭 button (or Esc): the exam window then closes."""

    close_requested = Signal()

    def __init__(self, result: AttemptResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setStyleSheet(RESULT_STYLE)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        lay.setSpacing(theme.SP3)
        head = QHBoxLayout()
        title = text_label(_("{t} · 第 {n} 次作答", t=result.quiz_title, n=result.number))
        title.setObjectName("PageTitle")
        head.addWidget(title, 1)
        self.verdict = QLabel(self._verdict())
        self.verdict.setObjectName("Verdict")
        self.verdict.setProperty("kind", "wait" if result.passed is None else "pass" if result.passed else "fail")
        head.addWidget(self.verdict)
        lay.addLayout(head)

        cards = QGridLayout()
        cards.setSpacing(12)
        when = result.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M") if result.submitted_at else "—"
        note = _("时间到自动交卷") if result.auto_submitted else _("交卷时间 {t}", t=when)
        items = [
            StatCard(_("得分"), f"{_fmt(result.score)} / {result.max_score:g}", note),
            StatCard(_("得分率"), f"{_fmt(result.percent)}%",
                     _("及格线 {p:g}%", p=result.pass_percent) if result.pass_percent is not None else _("不设及格线")),
        ]
        for card in items:
            cards.addWidget(card, 0, cards.count())
        breakdown = QFrame()
        breakdown.setObjectName("Card")
        bl = QGridLayout(breakdown)
        bl.setContentsMargins(theme.SP3, theme.SP2, theme.SP3, theme.SP2)
        for col, text in enumerate((_("题型"), _("题数"), _("答对"), _("得分"))):
            h = QLabel(text)
            h.setObjectName("Muted")
            bl.addWidget(h, 0, col)
        for row, t in enumerate(result.breakdown, start=1):
            for col, text in enumerate((QType(t.qtype).label, str(t.count), str(t.right),
                                        f"{t.score:g} / {t.max_score:g}")):
                bl.addWidget(QLabel(text), row, col)
        cards.addWidget(breakdown, 0, 2)
        cards.setColumnStretch(2, 2)
        lay.addLayout(cards)

        self.review = QTextBrowser()
        self.review.setOpenExternalLinks(False)
        self.review.setHtml(self.review_html())
        lay.addWidget(self.review, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.close_btn = QPushButton(_("关闭"))
        self.close_btn.setProperty("primary", True)
        self.close_btn.clicked.connect(self.close_requested.emit)
        bottom.addWidget(self.close_btn)
        lay.addLayout(bottom)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_requested.emit)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _verdict(self) -> str:
        r = self.result
        if r.status == "pending_manual":
            return _("简答题待阅卷")
        if r.passed is None:
            return _("已交卷")
        return _("及格") if r.passed else _("不及格")

    def review_html(self) -> str:
        r = self.result
        notes = ""
        if r.corrected:
            notes += (f"<p style='color:{theme.ACCENT}; font-size:15px'>"
                      f"{html.escape(_('本答卷有 {n} 道题答案已更正，已按更正后的答案重新评分。', n=r.corrected))}</p>")
        if r.departure_log:
            lines = "".join(
                f"<li>{d.left_at.astimezone().strftime('%H:%M:%S')} {html.escape(d.label)}"
                + (_("，离开 {s} 秒", s=f"{d.seconds:g}") if d.counted else _("（不计入离开次数）")) + "</li>"
                for d in r.departure_log)
            notes += (f"<p style='color:{theme.ACCENT}; font-size:15px'>"
                      f"{html.escape(_('考试中离开考试界面 {n} 次', n=r.departures))}</p><ul>{lines}</ul>")
        if r.review == "score" or not r.items:
            text = r.review_note or _("本试卷交卷后只公布成绩，不公布答案。")
            return notes + f"<p style='color:{theme.MUTED}; font-size:15px'>{html.escape(text)}</p>"
        return notes + "".join(self._item_html(i) for i in r.items)

    def _item_html(self, it: ReviewItem) -> str:
        color = theme.SUCCESS if it.correct else (theme.MUTED if it.correct is None else theme.ACCENT)
        mark = "✔" if it.correct else ("…" if it.correct is None else "✘")
        opts = "".join(f"<div style='margin-left:16px'>{LETTERS[i]}. {html.escape(o)}</div>"
                       for i, o in enumerate(it.options))
        parts = [
            f"<div style='margin:10px 0 4px 0; font-size:16px'><b style='color:{color}'>{mark} {it.position + 1}.</b> "
            f"<span style='color:{theme.MUTED}'>[{QType(it.qtype).label} · {_fmt(it.score)}/{it.points:g}]</span> "
            f"{html.escape(it.stem)}</div>", opts,
            f"<div style='margin-left:16px'>{_('您的答案')}{colon()}<b>{html.escape(it.your_answer)}</b>"
            f" &nbsp; {_('正确答案')}{colon()}<b style='color:{theme.SUCCESS}'>{html.escape(it.correct_answer)}</b></div>",
        ]
        if it.corrected:
            parts.append(f"<div style='margin-left:16px; color:{theme.ACCENT}'>{_('该题答案已更正')}</div>")
        if it.explanation:
            parts.append(f"<div style='margin-left:16px; color:{theme.MUTED}'>{_('解析')}{colon()}{html.escape(it.explanation)}</div>")
        if it.comment:
            parts.append(f"<div style='margin-left:16px'>{_('阅卷评语')}{colon()}{html.escape(it.comment)}</div>")
        return "".join(parts)
