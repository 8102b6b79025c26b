# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""证书 → 验证: a USB QR scanner types into the field and presses Enter; the verdict is shown large."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from base.i18n import _
from core.certificates import usecases as cert
from core.certificates.verify import Verdict, Verification
from gui import files, theme
from gui.context import AppContext

# status -> (text colour, background)
COLOURS = {
    "genuine": (theme.SUCCESS, "#E8F5E9"),
    "forged": (theme.ACCENT, "#FFEBEE"),
    "revoked": (theme.ACCENT, "#FFEBEE"),
    "superseded": (theme.WARNING, "#FFF3E0"),
    "unknown": (theme.WARNING, "#FFF3E0"),
    "unsigned": (theme.WARNING, "#FFF3E0"),
    "unverifiable": (theme.WARNING, "#FFF3E0"),
}
ICONS = {"genuine": "✔", "forged": "✘", "revoked": "✘", "superseded": "!", "unknown": "?", "unsigned": "!",
         "unverifiable": "?"}


class VerifyTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.last: Verdict | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, theme.SP3, 0, 0)
        lay.setSpacing(theme.SP3)
        intro = QLabel(_("用扫码枪扫描证书上的二维码，或输入证书编号后按回车；也可以选择证书 PDF 文件。"))
        intro.setObjectName("Muted")
        lay.addWidget(intro)
        row = QHBoxLayout()
        self.field = QLineEdit()
        self.field.setPlaceholderText(_("扫描二维码或输入证书编号，按回车核验"))
        self.field.setStyleSheet("font-size: 18px; padding: 8px;")
        self.field.returnPressed.connect(self.check)
        row.addWidget(self.field, 1)
        go = QPushButton(_("核验"))
        go.setProperty("primary", True)
        go.clicked.connect(self.check)
        row.addWidget(go)
        pdf = QPushButton(_("核验 PDF 文件…"))
        pdf.clicked.connect(self._pick_pdf)
        row.addWidget(pdf)
        lay.addLayout(row)
        self.card = QFrame()
        self.card.setObjectName("Card")
        card_lay = QVBoxLayout(self.card)
        card_lay.setContentsMargins(theme.SP4, theme.SP3, theme.SP4, theme.SP3)
        self.verdict = QLabel(_("等待核验"))
        self.verdict.setStyleSheet(f"font-size: 26px; font-weight: bold; color: {theme.MUTED};")
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setStyleSheet("font-size: 16px;")
        card_lay.addWidget(self.verdict)
        card_lay.addWidget(self.details)
        lay.addWidget(self.card)
        lay.addStretch(1)

    def focus_field(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def check(self) -> None:
        text = self.field.text().strip()
        if not text:
            return
        self.run(text)

    def _pick_pdf(self) -> None:
        path = files.open_file(self, "verify", _("选择证书 PDF"), _("PDF 文件 (*.pdf)"))
        if path:
            self.field.setText(path)
            self.run(path)

    def run(self, text: str) -> None:
        self.verdict.setText(_("正在核验…"))
        self.ctx.call(cert.verify, text).success(self._show).run(self)

    def _show(self, checked: Verification) -> None:
        self.show_verdict(checked.verdict)

    def show_verdict(self, v: Verdict) -> None:
        self.last = v
        colour, background = COLOURS[v.status]
        self.card.setStyleSheet(
            f"#Card {{ background: {background}; border: 2px solid {colour}; border-radius: 8px; }}")
        self.verdict.setStyleSheet(f"font-size: 26px; font-weight: bold; color: {colour};")
        self.verdict.setText(f"{ICONS[v.status]}  {v.label}")
        self.verdict.setProperty("status", v.status)
        lines = []
        if v.serial:
            lines.append(_("证书编号：{s}（第 {v} 版）", s=v.serial, v=v.version))
        if v.name:
            lines.append(_("姓名：{n}　　警号：{b}", n=v.name, b=v.badge))
        if v.exam:
            lines.append(_("考试：{e}", e=v.exam))
        if v.score or v.date:
            lines.append(_("成绩：{s}　　日期：{d}", s=v.score, d=v.date))
        if v.reason:
            lines.append(v.reason)
        if v.fingerprint:
            lines.append(_("签名密钥指纹：{f}", f=v.fingerprint))
        self.details.setText("\n".join(lines))
        self.focus_field()                 # ready for the next scan
