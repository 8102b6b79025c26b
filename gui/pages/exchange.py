# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""数据交换 (secretaries and administrators): packages for PCs without a network.

This PC's exchange key (made once by an administrator, unlocked with its passphrase to export),
the PCs whose packages it trusts, exporting an exam package or a results package to a USB stick,
importing one with a preview first (what will be added, updated, and the conflicts), and the
history of packages exchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from base.i18n import N_, _
from core.access.usecase import Change
from core.exchange import usecases as ex
from core.infra.clock import LOCAL_TZ
from core.models import Role
from core.people import usecases as people
from core.quiz import usecases as quizzes
from core.quiz.catalog import QuizInfo
from gui.context import AppContext
from gui.pages import PageSpec
from gui.widgets import Column, EmptyOr, Page, RowsModel, make_table, text_label

PACKAGE_FILTER = N_("学习园地数据包 (*.shpkg)")
TABLE_LABELS = {
    "units": N_("单位"), "officers": N_("人员"), "banks": N_("题库"), "materials": N_("学习材料"),
    "questions": N_("题目"), "cert_templates": N_("证书模板"), "point_rules": N_("积分规则"), "quizzes": N_("试卷"),
    "quiz_sections": N_("抽题规则"), "quiz_questions": N_("固定题目"), "attempts": N_("答卷"),
    "attempt_items": N_("作答"), "study_sessions": N_("学习记录"), "material_progress": N_("阅读进度"),
    "ledger_entries": N_("积分"), "certificates": N_("证书"), "audit_log": N_("操作日志"),
}
KIND_LABELS = {"exam": N_("考试包"), "results": N_("成绩包")}
DIRECTION_LABELS = {"export": N_("导出"), "import": N_("导入")}


def _local(iso: str) -> str:
    """A package's ISO time in China time, to the second."""
    try:
        return dt.datetime.fromisoformat(iso).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


def _counts_text(counts: dict[str, int]) -> str:
    return _("，").join(f"{_(TABLE_LABELS.get(t, t))} {n}" for t, n in counts.items() if n) or _("无")


class PreviewDialog(QDialog):
    """What an import will do, before it does it: 导入 or 取消."""

    def __init__(self, parent: QWidget, path: Path, preview: ex.ImportPreview) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("导入数据包 — 预览"))
        self.resize(720, 420)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(_("文件"), text_label(path.name))
        form.addRow(_("类型"), text_label(_(KIND_LABELS.get(preview.kind, preview.kind))))
        form.addRow(_("来自"), text_label(preview.source))
        form.addRow(_("制作时间"), text_label(_local(preview.created_at)))
        form.addRow(_("将新增"), text_label(_counts_text(preview.added), wrap=True))
        form.addRow(_("将更新"), text_label(_counts_text(preview.updated), wrap=True))
        form.addRow(_("已有、不变"), text_label(_counts_text(preview.unchanged), wrap=True))
        lay.addLayout(form)
        if preview.already:
            lay.addWidget(text_label(_("这个数据包以前已导入过；再次导入不会重复添加。"), name="Muted", wrap=True))
        if preview.conflicts:
            lay.addWidget(text_label(_("冲突（按规则处理：同一考试作答次数超过允许次数时，保留较早的作答）"), wrap=True))
            model: RowsModel[dict[str, object]] = RowsModel([
                Column(_("人员"), lambda c: c.get("officer", "")),
                Column(_("试卷"), lambda c: c.get("quiz", "")),
                Column(_("作废的答卷"), lambda c: str(c.get("voided", ""))[:8]),
            ])
            model.set_rows(preview.conflicts)
            lay.addWidget(make_table(model, stretch_column=1), 1)
        else:
            lay.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(bool(preview.added or preview.updated))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


class ExchangePage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("数据交换"), _("没有网络的电脑用U盘交换：支部导出考试包，离线电脑交回成绩包"))
        self.ctx = ctx
        self.import_button = self.add_action(_("导入数据包…"), self.import_package, primary=True)
        self.results_button = self.add_action(_("导出成绩包…"), self.export_results)
        self.exam_button = self.add_action(_("导出考试包…"), self.export_exam)

        box = QGroupBox(_("本机数据交换密钥"))
        form = QFormLayout(box)
        self.own_name = text_label()
        self.own_fp = text_label()
        self.own_key = QLineEdit()
        self.own_key.setReadOnly(True)
        self.state = text_label()
        form.addRow(_("本机名称"), self.own_name)
        form.addRow(_("指纹"), self.own_fp)
        form.addRow(_("公钥（交给对方信任）"), self.own_key)
        row = QHBoxLayout()
        row.addWidget(self.state)
        self.unlock_button = QPushButton(_("解锁…"))
        self.unlock_button.clicked.connect(self.unlock)
        row.addWidget(self.unlock_button)
        if ctx.user.is_admin:
            self.create_button = QPushButton(_("创建密钥…"))
            self.create_button.clicked.connect(self.create_key)
            row.addWidget(self.create_button)
            self.trust_button = QPushButton(_("信任另一台电脑…"))
            self.trust_button.clicked.connect(self.trust)
            row.addWidget(self.trust_button)
        row.addStretch(1)
        form.addRow(row)
        self.add(box)

        self.trusted: RowsModel[ex.InstallationInfo] = RowsModel([
            Column(_("受信任的电脑"), lambda i: i.name),
            Column(_("指纹"), lambda i: i.fingerprint),
            Column(_("信任时间"), lambda i: i.trusted_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
                   if i.trusted_at else ""),
        ])
        self.trusted_view = make_table(self.trusted, stretch_column=0)
        self.trusted_view.setMaximumHeight(130)
        self.add(self.trusted_view)
        self.history: RowsModel[ex.ExchangeRow] = RowsModel([
            Column(_("时间"), lambda h: h.at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")),
            Column(_("方向"), lambda h: _(DIRECTION_LABELS.get(h.direction, h.direction))),
            Column(_("类型"), lambda h: _(KIND_LABELS.get(h.kind, h.kind))),
            Column(_("电脑"), lambda h: h.peer),
            Column(_("文件"), lambda h: h.file_name),
            Column(_("行数"), lambda h: h.rows, align_right=True),
            Column(_("冲突"), lambda h: h.conflicts or "", align_right=True),
        ])
        self.history_view = make_table(self.history, stretch_column=4)
        self.history_table = EmptyOr(self.history_view, _("还没有交换过数据包"))
        self.add(self.history_table, 1)
        self.status = text_label(name="Muted")
        self.add(self.status)
        self._overview: ex.Overview | None = None
        ctx.on(Change.EVERYTHING, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.call(ex.overview).success(self._show).run(self)

    def _show(self, seen: ex.Overview) -> None:
        self._overview = seen
        own = seen.own
        self.own_name.setText(own.name if own else _("（尚未创建，请管理员创建）"))
        self.own_fp.setText(own.fingerprint if own else "—")
        self.own_key.setText(own.public_key if own else "")
        self.state.setText(_("已解锁，可以导出") if seen.unlocked else _("未解锁：导出前需输入口令") if own else "")
        self.unlock_button.setEnabled(own is not None and not seen.unlocked)
        if self.ctx.user.is_admin:
            self.create_button.setVisible(own is None)
        self.trusted.set_rows([o for o in seen.others if o.trusted])
        self.history.set_rows(seen.history)
        self.history_table.show_content(bool(seen.history))

    # --- the key -------------------------------------------------------------------------------

    def _ask_passphrase(self, title: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, _("数据交换密钥的口令："), QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def unlock(self) -> None:
        passphrase = self._ask_passphrase(_("解锁数据交换密钥"))
        if passphrase:
            (self.ctx.call(ex.unlock_exchange_key, passphrase).with_progress(_("正在解锁…"))
             .success(lambda _i: self.status.setText(_("数据交换密钥已解锁"))).run(self))

    def create_key(self) -> None:
        name, ok = QInputDialog.getText(self, _("创建数据交换密钥"), _("本机名称（例如“城关派出所值班室”）："))
        if not ok or not name.strip():
            return
        passphrase = self._ask_passphrase(_("设置口令（至少 8 位，请牢记）"))
        if passphrase:
            (self.ctx.call(ex.create_exchange_key, name, passphrase).with_progress(_("正在创建密钥…"))
             .success(lambda i: self.status.setText(_("已创建本机数据交换密钥，指纹 {f}", f=i.fingerprint))).run(self))

    def trust(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("选择对方电脑导出的数据包（读取其公钥）"), str(Path.home()),
                                               _(PACKAGE_FILTER))
        if path:
            self.ctx.call(ex.package_signer, Path(path)).with_progress(_("正在检查数据包…")) \
                .success(self._confirm_trust).run(self)

    def _confirm_trust(self, who: ex.InstallationInfo) -> None:
        sure = QMessageBox.question(
            self, _("信任这台电脑？"),
            _("数据包由“{n}”签名，指纹：\n\n{f}\n\n请与对方电脑“数据交换”页显示的指纹逐位核对，一致才信任。", n=who.name,
              f=who.fingerprint), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if sure == QMessageBox.StandardButton.Yes:
            self.ctx.call(ex.trust_installation, who.name, who.public_key) \
                .success(lambda i: self.status.setText(_("已信任 {n}", n=i.name))).run(self)

    # --- packages ------------------------------------------------------------------------------

    def _save_path(self, title: str, name: str) -> Path | None:
        path, _f = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), _(PACKAGE_FILTER))
        if not path:
            return None
        target = Path(path)
        return target if target.suffix.lower() == ".shpkg" else target.with_suffix(".shpkg")

    def export_exam(self) -> None:
        self.ctx.call(quizzes.list_quizzes, modes=["exam", "competition"]).success(self._choose_quiz).run(self)

    def _choose_quiz(self, found: list[QuizInfo]) -> None:
        choices = [q for q in found if q.published]
        if not choices:
            QMessageBox.information(self, _("导出考试包"), _("没有已发布的考试"))
            return
        labels = [f"{q.title}（{q.id}）" for q in choices]
        label, ok = QInputDialog.getItem(self, _("导出考试包"), _("选择考试："), labels, 0, False)
        if not ok:
            return
        chosen = choices[labels.index(label)]
        target = self._save_path(_("导出考试包"), f"{chosen.title}.shpkg")
        if target is not None:
            (self.ctx.call(ex.export_exam, chosen.id, target)
             .with_progress(_("正在导出考试包…")).success(self._exported).run(self))

    def export_results(self) -> None:
        target = self._save_path(_("导出成绩包"), "成绩包.shpkg")
        if target is not None:
            (self.ctx.call(ex.export_results, target, since="last")
             .with_progress(_("正在导出成绩包…")).success(self._exported).run(self))

    def _exported(self, done: ex.Exported) -> None:
        self.status.setText(_("已导出 {f}（{n} 行）", f=str(done.path), n=sum(done.counts.values())))

    def import_package(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("导入数据包"), str(Path.home()), _(PACKAGE_FILTER))
        if path:
            (self.ctx.call(ex.preview_import, Path(path)).with_progress(_("正在检查数据包…"))
             .success(lambda p: self._previewed(Path(path), p)).run(self))

    def _previewed(self, path: Path, preview: ex.ImportPreview) -> None:
        dialog = PreviewDialog(self, path, preview)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        (self.ctx.call(ex.import_package, path).with_progress(_("正在导入数据包…"))
         .success(self._imported).run(self))

    def _imported(self, done: ex.ImportPreview) -> None:
        self.status.setText(_("已导入：新增 {a}；更新 {u}", a=_counts_text(done.added), u=_counts_text(done.updated)))
        if not done.slips:
            return
        QMessageBox.information(self, _("新人员的初始密码"),
                                _("数据包带来 {n} 名新人员，每人有一个初始密码（首次登录后须修改）。请保存并打印密码单。",
                                  n=len(done.slips)))
        path, _f = QFileDialog.getSaveFileName(self, _("保存初始密码单"), str(Path.home() / "初始密码单.pdf"),
                                               _("PDF 文件 (*.pdf)"))
        if path:
            self.ctx.call(people.save_password_slips, done.slips, Path(path)) \
                .success(lambda p: self.status.setText(_("初始密码单已保存到 {p}", p=str(p)))).run(self)


PAGE = PageSpec("exchange", N_("数据交换"), "exchange", 94, Role.SECRETARY, ExchangePage)
