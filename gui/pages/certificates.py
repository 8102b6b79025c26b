# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""证书: issued certificates with their status, templates with a live preview, printing and verification,
and the signing key (its state also in the page's title row)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _
from core.access.usecase import Change
from core.certificates import usecases as cert
from core.certificates.batch import Selection
from core.certificates.issue import SIGNING_LABELS, STATUS_LABELS, CertInfo
from core.certificates.keys import KeyInfo
from core.models import Role
from gui import theme
from gui.certs.keys import KeyTab
from gui.certs.printing import PrintDialog, run_print
from gui.certs.templates import TemplateEditor
from gui.certs.verify import VerifyTab
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table

KIND_LABELS = {"completion": N_("结业/合格"), "honour": N_("荣誉")}


class CertificateList(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, theme.SP2, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("按姓名、警号或证书编号查找"))
        self.search.returnPressed.connect(self.refresh)
        self.status = QComboBox()
        self.status.addItem(_("有效和已撤销"), None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(_(label), key)
        self.status.currentIndexChanged.connect(self.refresh)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("print_one", _("打印所选"), self._print_selected),
                                ("reissue", _("补发"), self._reissue), ("revoke", _("撤销…"), self._revoke),
                                ("honour", _("颁发竞赛荣誉证书…"), self._honour)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            bar.addWidget(b)
            self.buttons[key] = b
        lay.addLayout(bar)
        self.model: RowsModel[CertInfo] = RowsModel([
            Column(_("证书编号"), lambda c: c.serial),
            Column(_("版本"), lambda c: c.version, align_right=True),
            Column(_("状态"), lambda c: _(STATUS_LABELS[c.status])),
            Column(_("类别"), lambda c: _(KIND_LABELS.get(c.kind, c.kind))),
            Column(_("姓名"), lambda c: c.name),
            Column(_("警号"), lambda c: c.badge),
            Column(_("单位"), lambda c: c.unit),
            Column(_("考试/竞赛"), lambda c: c.exam),
            Column(_("成绩"), lambda c: c.score, align_right=True),
            Column(_("日期"), lambda c: c.date),
            Column(_("签名"), lambda c: _(SIGNING_LABELS.get(c.signing, c.signing))),
        ])
        self.table = make_table(self.model, stretch_column=7)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self._print_selected())
        self.holder = EmptyOr(self.table, _("还没有证书 — 给考试设置证书模板后，考试合格即自动颁发；"
                                            "竞赛可点“颁发竞赛荣誉证书”"))
        lay.addWidget(self.holder, 1)
        self._update_buttons()

    def refresh(self) -> None:
        status = self.status.currentData()
        self.ctx.call(cert.list_certificates, statuses=(status,) if status else None,
                      search=self.search.text()).success(self._show).run(self)

    def _show(self, rows: list[CertInfo]) -> None:
        self.model.set_rows(rows)
        self.holder.show_content(bool(rows) or bool(self.search.text()) or self.status.currentIndex() > 0)
        self._update_buttons()

    def selected(self) -> CertInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0]) if rows else None

    def _update_buttons(self) -> None:
        c = self.selected()
        valid = c is not None and c.status == "valid"
        self.buttons["print_one"].setEnabled(valid)
        self.buttons["reissue"].setEnabled(valid)
        self.buttons["revoke"].setEnabled(valid)

    def _print_selected(self) -> None:
        c = self.selected()
        if c is None or c.status != "valid":
            return
        target = Path(tempfile.gettempdir()) / f"{c.serial}.pdf"
        run_print(self.ctx, self, Selection(serials=(c.serial,)), target)

    def _reissue(self) -> None:
        c = self.selected()
        if c is None:
            return
        prompt = _("补发 {n} 的证书 {s}：新版本使用同一编号，旧版本作废。\n补发原因：", n=c.name, s=c.serial)
        reason, ok = QInputDialog.getText(self, _("补发证书"), prompt, text=_("证书遗失"))
        if not ok:
            return

        def done(info: CertInfo) -> None:
            text = _("已补发 {s} 第 {v} 版，旧版本已作废", s=info.serial, v=info.version)
            if not info.signing:
                text += "\n" + _("新版本尚未签名，打印时需要输入签名密钥的口令。")
            QMessageBox.information(self, _("补发证书"), text)

        self.ctx.call(cert.reissue, c.serial, reason=reason).success(done).run(self)

    def _revoke(self) -> None:
        c = self.selected()
        if c is None:
            return
        prompt = _("撤销 {n} 的证书 {s}。撤销后核验会显示“已撤销”。\n撤销原因：", n=c.name, s=c.serial)
        reason, ok = QInputDialog.getText(self, _("撤销证书"), prompt)
        if not ok or not reason.strip():
            return

        def done(info: CertInfo) -> None:
            QMessageBox.information(self, _("撤销证书"), _("已撤销 {s}：{r}", s=info.serial, r=info.revoked_reason))

        self.ctx.call(cert.revoke, c.serial, reason=reason).success(done).run(self)

    def _honour(self) -> None:
        self.ctx.call(cert.honour_choices).success(self._ask_honour).run(self)

    def _ask_honour(self, quizzes: list[tuple[int, str, str]]) -> None:
        contests = [q for q in quizzes if q[2] == "competition"] or quizzes
        if not contests:
            QMessageBox.information(self, _("颁发竞赛荣誉证书"), _("还没有竞赛或考试"))
            return
        title, ok = QInputDialog.getItem(self, _("颁发竞赛荣誉证书"), _("竞赛："), [q[1] for q in contests], 0, False)
        if not ok:
            return
        top, ok = QInputDialog.getInt(self, _("颁发竞赛荣誉证书"), _("按成绩颁发前几名（一、二、三等奖）："), 3, 1, 50)
        if not ok:
            return
        quiz_id = next(q[0] for q in contests if q[1] == title)

        def done(infos: list[CertInfo]) -> None:
            names = "、".join(f"{i.name}（{i.award}）" for i in infos)
            QMessageBox.information(self, _("颁发竞赛荣誉证书"),
                                    _("已颁发 {n} 份荣誉证书：{names}", n=len(infos), names=names) if infos
                                    else _("这个竞赛还没有成绩"))

        self.ctx.call(cert.issue_honours, quiz_id, top=top).success(done).run(self)


class CertificatesPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("证书"), _("结业、合格与荣誉证书：模板、批量打印和真伪核验"))
        self.ctx = ctx
        self.key_state = QLabel("")
        self.key_state.setObjectName("Muted")
        self.action_bar.addWidget(self.key_state)
        self.add_action(_("批量打印…"), self.batch_print, primary=True)
        self.tabs = QTabWidget()
        self.list = CertificateList(ctx)
        self.editor = TemplateEditor(ctx)
        self.verify = VerifyTab(ctx)
        self.keys = KeyTab(ctx)
        self.tabs.addTab(self.list, _("证书列表"))
        self.tabs.addTab(self.editor, _("模板"))
        self.tabs.addTab(self.verify, _("验证"))
        self.tabs.addTab(self.keys, _("签名密钥"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.add(self.tabs, 1)
        ctx.on(Change.CERTIFICATES, self.refresh)
        self.editor.refresh()
        self.refresh()

    def refresh(self) -> None:
        self.list.refresh()
        self.ctx.call(cert.key_status).success(self._show_key).run(self)

    def _show_key(self, info: KeyInfo) -> None:
        self.keys.show_info(info)
        if not info.present:
            text = _("签名密钥：未设置")
        elif info.unlocked:
            text = _("签名密钥：已解锁")
        elif info.can_sign:
            text = _("签名密钥：已锁定")
        else:
            text = _("签名密钥：只有公钥")
        if info.unsigned:
            text += _("　·　{n} 份待签名", n=info.unsigned)
        self.key_state.setText(text)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.verify:
            self.verify.focus_field()

    def batch_print(self) -> None:
        self.ctx.call(cert.print_form).success(self._ask_print).run(self)

    def _ask_print(self, form: cert.PrintForm) -> None:
        dialog = PrintDialog(self, form)
        if not dialog.exec():
            return
        target = dialog.target()
        if target is not None:
            run_print(self.ctx, self, dialog.selection(), target)


PAGE = PageSpec("certificates", N_("证书"), "certificate", 80, Role.SECRETARY, CertificatesPage)
