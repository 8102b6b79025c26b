# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The host console (the laptop's screen): the run sheet, the question with its answer (for the host
only), the buttons that move the contest on, rulings per team, undo and audited adjustments.

Each action is an event: the console applies it to its own copy of the contest first (a refused
action changes nothing and says why), updates the big screen at once, then stores it through the
``record_event`` use case on the database worker. Stored events are what a restarted console
resumes from; if storing fails (another console moved on), the console reloads from the database.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from base.errors import InvalidInput
from base.i18n import _
from core.contest import usecases as contest_uc
from core.contest.machine import PHASE_LABELS, Contest, Event, Outcome, Phase
from core.contest.rules import BUZZ_KINDS, KIND_LABELS, Kind
from core.contest.stage import StageView, stage_view
from core.contest.store import ContestData, Recorded
from gui import theme
from gui.contest.bigscreen import BigScreen
from gui.contest.buzzer import Buzzers
from gui.contest.sounds import Sounds
from gui.context import AppContext
from gui.errors import show_exception
from quizbank.model import LETTERS

CUES = {Outcome.BUZZ: "buzz", Outcome.FALSE_START: "wrong", Outcome.RIGHT: "right", Outcome.WRONG: "wrong",
        Outcome.TIME_UP: "timeup"}


class AdjustDialog(QDialog):
    def __init__(self, parent: QWidget, teams: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("手工调整分数"))
        form = QFormLayout(self)
        self.team = QComboBox()
        self.team.addItems(teams)
        self.delta = QDoubleSpinBox()
        self.delta.setRange(-1000, 1000)
        self.delta.setDecimals(0)
        self.delta.setSingleStep(5)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("必填，例如：评委复议第12题"))
        form.addRow(_("参赛队"), self.team)
        form.addRow(_("加减分"), self.delta)
        form.addRow(_("原因"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def event_data(self) -> Event:
        return {"kind": "adjust", "team": self.team.currentIndex(), "delta": self.delta.value(),
                "reason": self.reason.text().strip()}


class HostConsole(QWidget):
    def __init__(self, ctx: AppContext, data: ContestData) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(_("主持台：{t}", t=data.title))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.buzzers = Buzzers([t.key for t in data.spec.teams])
        self.sounds = Sounds()
        self.screen_window = BigScreen(self.buzzers.now)
        self.timer_live = False              # a countdown started in this session (not one from before a restart)
        self._timed_out_at = -1
        self._build(data)
        self.load(data)
        self.ticker = QTimer(self)
        self.ticker.setInterval(100)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # --- layout -------------------------------------------------------------------------------

    def _button(self, text: str, slot: Any, row: QHBoxLayout | QGridLayout, *pos: int) -> QPushButton:
        b = QPushButton(text)
        b.clicked.connect(slot)
        if isinstance(row, QGridLayout):
            row.addWidget(b, *pos)
        else:
            row.addWidget(b)
        return b

    def _build(self, data: ContestData) -> None:
        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        title = QLabel(data.title)
        title.setStyleSheet(f"font-size: 20px; font-weight: bold; color: {theme.ACCENT};")
        head.addWidget(title, 1)
        self.status = QLabel()
        head.addWidget(self.status)
        self.mute = QCheckBox(_("静音"))
        self.mute.toggled.connect(lambda on: setattr(self.sounds, "muted", on))
        head.addWidget(self.mute)
        self._button(_("打开大屏"), self.open_screen, head)
        outer.addLayout(head)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(_("流程")))
        self.sheet = QListWidget()
        self.sheet.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sheet.setMaximumWidth(260)
        left.addWidget(self.sheet)
        body.addLayout(left)
        middle = QVBoxLayout()
        box = QGroupBox(_("题目（仅主持人可见答案）"))
        qlay = QVBoxLayout(box)
        self.q_head = QLabel()
        self.q_head.setStyleSheet(f"color: {theme.ACCENT}; font-weight: bold;")
        self.q_text = QLabel()
        self.q_text.setWordWrap(True)
        self.q_text.setStyleSheet("font-size: 18px;")
        self.q_answer = QLabel()
        self.q_answer.setWordWrap(True)
        self.q_answer.setStyleSheet(f"color: {theme.SUCCESS}; font-size: 16px; font-weight: bold;")
        self.q_note = QLabel()
        self.q_note.setWordWrap(True)
        self.q_note.setObjectName("Muted")
        for w in (self.q_head, self.q_text, self.q_answer, self.q_note):
            qlay.addWidget(w)
        qlay.addStretch(1)
        middle.addWidget(box, 1)
        self.state_line = QLabel()
        self.state_line.setStyleSheet("font-size: 16px;")
        middle.addWidget(self.state_line)
        flow = QGridLayout()
        self.b_round = self._button(_("开始下一轮"), lambda: self.send({"kind": "round"}), flow, 0, 0)
        self.b_show = self._button(_("出题"), lambda: self.send({"kind": "show"}), flow, 0, 1)
        self.b_timer = self._button(_("开始计时"), lambda: self.send({"kind": "timer", "t": self.buzzers.now()}),
                                    flow, 0, 2)
        self.b_go = self._button(_("开始抢答"), lambda: self.send({"kind": "go", "t": self.buzzers.now()}), flow, 0, 3)
        self.b_timeout = self._button(_("时间到"), lambda: self.send({"kind": "timeout"}), flow, 1, 0)
        self.b_reveal = self._button(_("公布答案"), lambda: self.send({"kind": "reveal"}), flow, 1, 1)
        self.b_undo = self._button(_("撤销上一判定"), lambda: self.send({"kind": "undo"}), flow, 1, 2)
        self.b_adjust = self._button(_("调整分数…"), self.adjust, flow, 1, 3)
        self.b_finish = self._button(_("结束竞赛"), self.finish, flow, 2, 3)
        pick = QHBoxLayout()
        self.stake_buttons: list[QPushButton] = []
        self.tile = QSpinBox()
        self.tile.setPrefix(_("选题 "))
        self.b_tile = self._button(_("确认选题"), lambda: self.send({"kind": "tile", "tile": self.tile.value()}), pick)
        pick.insertWidget(0, self.tile)
        self.pick_row = pick
        flow.addLayout(pick, 2, 0, 1, 3)
        middle.addLayout(flow)
        body.addLayout(middle, 1)
        teams = QGroupBox(_("参赛队与判定"))
        grid = QGridLayout(teams)
        self.score_labels: list[QLabel] = []
        self.right_buttons: list[QPushButton] = []
        self.wrong_buttons: list[QPushButton] = []
        for i, t in enumerate(data.spec.teams):
            name = QLabel(f"{t.name}" + (f"  [{t.key}]" if t.key else ""))
            score = QLabel()
            score.setStyleSheet("font-size: 20px; font-weight: bold;")
            grid.addWidget(name, i, 0)
            grid.addWidget(score, i, 1)
            self.score_labels.append(score)
            self.right_buttons.append(self._button(_("答对"), lambda _c=False, i=i: self.rule(i, True), grid, i, 2))
            self.wrong_buttons.append(self._button(_("答错"), lambda _c=False, i=i: self.rule(i, False), grid, i, 3))
        grid.setRowStretch(len(data.spec.teams), 1)
        body.addWidget(teams)
        outer.addLayout(body, 1)

    # --- state --------------------------------------------------------------------------------

    def load(self, data: ContestData) -> None:
        """(Re)start from the stored contest: after a crash, the same question and the same scores."""
        self.data = data
        self.contest: Contest = data.contest()
        self.seq = data.seq
        for b in self.stake_buttons:
            b.deleteLater()
        self.stake_buttons = []
        stakes = sorted({s for r in data.spec.rounds for s in r.rules.stakes})
        for s in stakes:
            b = QPushButton(_("选 {s} 分", s=f"{s:g}"))
            b.setProperty("value", s)
            b.clicked.connect(lambda _c=False, s=s: self.send({"kind": "stake", "value": s}))
            self.pick_row.insertWidget(0, b)
            self.stake_buttons.append(b)
        self.refresh()

    def view(self) -> StageView:
        view = stage_view(self.data.title, self.contest, self.data.questions)
        if not self.timer_live and view.countdown is not None:       # a clock from before a restart means nothing
            from dataclasses import replace
            view = replace(view, countdown=None)
        return view

    def send(self, event: Event) -> Outcome | None:
        """Apply an event here (refused: say why, nothing stored), show it, then store it."""
        before = self.seq
        try:
            outcome = self.contest.apply(event)
        except InvalidInput as exc:
            QMessageBox.information(self, _("不能这样操作"), str(exc))
            return None
        self.seq += 1
        if event["kind"] in ("timer", "go") or outcome is Outcome.BUZZ:
            self.timer_live = True
        view = self.view()
        self.screen_window.set_view(view)
        if self.screen_window.isVisible():
            self.screen_window.repaint()                   # the stage first: the console can wait a frame
        cue = CUES.get(outcome)
        if cue:
            self.sounds.play(cue)
        self.refresh(view)
        self.ctx.call(contest_uc.record_event, self.data.id, event, expect_seq=before) \
            .success(self._stored).failure(self._not_stored).run(self)
        return outcome

    def _stored(self, rec: Recorded) -> None:
        if rec.seq == self.seq and rec.scores != self.contest.scores:   # the stored replay disagrees: trust it
            self._reload()

    def _not_stored(self, exc: BaseException) -> None:
        show_exception(parent=self, exception=exc)
        self._reload()

    def _reload(self) -> None:
        self.ctx.call(contest_uc.open_contest, self.data.id).success(self.load).run(self)

    def rule(self, team: int, correct: bool) -> None:
        self.send({"kind": "rule", "team": team, "correct": correct})

    def adjust(self) -> None:
        dialog = AdjustDialog(self, [t.name for t in self.data.spec.teams])
        if dialog.exec():
            self.send(dialog.event_data())

    def finish(self) -> None:
        if QMessageBox.question(self, _("结束竞赛"), _("结束后将公布最终排名并登记积分，确定结束？")) \
                == QMessageBox.StandardButton.Yes:
            self.send({"kind": "finish"})

    def open_screen(self) -> None:
        """The big screen on the second monitor, full screen; or a window to drag to the projector."""
        self.screen_window.set_view(self.view())
        screens = QApplication.screens()
        if len(screens) > 1:
            self.screen_window.setGeometry(screens[1].geometry())
            self.screen_window.showFullScreen()
        else:
            self.screen_window.resize(1366, 768)
            self.screen_window.show()

    # --- buzzers and clocks ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or not isinstance(event, QKeyEvent):
            return False
        active = QApplication.activeWindow()
        if active is not None and active not in (self, self.screen_window):
            return False                                     # typing a reason in a dialog
        if not self.buzzers.is_buzzer(event.key()) or not self.isVisible():
            return False
        hit = self.buzzers.handle(event)
        rnd = self.contest.current_round
        buzzing = rnd is not None and rnd.kind in BUZZ_KINDS and \
            self.contest.phase in (Phase.SHOWN, Phase.BUZZING, Phase.ANSWERING)
        if hit is not None and buzzing:
            team, t = hit
            self.send({"kind": "buzz", "team": team, "t": t})
        return buzzing                 # outside a buzz, a team's key types as usual (e.g. a tile number)

    def _tick(self) -> None:
        """Time-up when a live countdown runs out (the host may undo it like any ruling)."""
        view = self.view()
        cd = view.countdown
        if cd is not None and self.buzzers.now() - cd.started >= cd.seconds and self._timed_out_at != self.seq:
            self._timed_out_at = self.seq
            self.send({"kind": "timeout"})
        elif cd is not None:
            left = max(0.0, cd.seconds - (self.buzzers.now() - cd.started))
            self.status.setText(_("剩余 {s} 秒", s=f"{left:.0f}"))

    # --- showing --------------------------------------------------------------------------------

    def refresh(self, view: StageView | None = None) -> None:
        c, v = self.contest, view
        if v is None:
            v = self.view()
            self.screen_window.set_view(v)
        rnd = c.current_round
        self.sheet.clear()
        for i, r in enumerate(self.data.spec.rounds):
            mark = "▶ " if i == c.state.round else ("✓ " if i < c.state.round else "　")
            label = _(KIND_LABELS[r.kind])
            extra = f"{label}，{len(r.question_ids)}" if label != r.title else str(len(r.question_ids))
            self.sheet.addItem(f"{mark}{i + 1}. {r.title}（{extra}）")
        card = self.data.questions.get(c.state.question) if c.state.question is not None else None
        if card is not None:
            self.q_head.setText(_("第{n}题", n=len(c.state.used_questions)))
            options = "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(card.options))
            self.q_text.setText(card.stem + ("\n" + options if options else ""))
            self.q_answer.setText(_("答案：{a}", a=card.answer))
            self.q_note.setText(card.explanation)
        else:
            self.q_head.setText(v.round_title or _("尚未开始"))
            self.q_text.setText("")
            self.q_answer.setText("")
            self.q_note.setText("")
        who = ""
        if v.answering is not None:
            who = _("　当前：{t}", t=v.teams[v.answering].name)
        self.state_line.setText(_(PHASE_LABELS[c.phase]) + who)
        self.status.setText(_("已记录 {n} 个事件", n=self.seq))
        for i, score in enumerate(self.score_labels):
            score.setText(f"{c.scores[i]:g}")
        ph = c.phase
        done = c.round_done()
        last = c.state.round + 1 >= len(self.data.spec.rounds)
        kind = rnd.kind if rnd else None
        self.b_round.setEnabled((ph is Phase.READY or done) and not last and ph is not Phase.FINISHED)
        picks = kind in (Kind.RISK, Kind.CHOOSE)
        self.b_show.setEnabled((ph is Phase.PICKED) if picks else (ph in (Phase.TITLE, Phase.CLOSED) and not done))
        self.b_show.setText(_("出题") if ph in (Phase.TITLE, Phase.PICKED) else _("下一题"))
        self.b_timer.setEnabled(ph is Phase.ANSWERING)
        self.b_go.setEnabled(ph is Phase.SHOWN)
        self.b_timeout.setEnabled(ph in (Phase.SHOWN, Phase.BUZZING, Phase.ANSWERING))
        self.b_reveal.setEnabled(ph is Phase.CLOSED and c.state.question is not None and not c.state.answer_shown)
        self.b_undo.setEnabled(c.last_ruling_undoable())
        self.b_finish.setEnabled(ph in (Phase.READY, Phase.TITLE, Phase.CLOSED))
        can_pick = ph in (Phase.TITLE, Phase.CLOSED) and not done
        for b in self.stake_buttons:
            value = float(b.property("value") or 0)
            b.setVisible(kind is Kind.RISK and rnd is not None and value in rnd.rules.stakes)
            b.setEnabled(can_pick)
        self.tile.setVisible(kind is Kind.CHOOSE)
        self.b_tile.setVisible(kind is Kind.CHOOSE)
        self.b_tile.setEnabled(can_pick)
        if rnd is not None and kind is Kind.CHOOSE:
            self.tile.setRange(1, len(rnd.question_ids))
        for i, (yes, no) in enumerate(zip(self.right_buttons, self.wrong_buttons, strict=True)):
            on = ph is Phase.ANSWERING and c.state.team == i
            yes.setEnabled(on)
            no.setEnabled(on)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.ticker.stop()
        self.screen_window.close()
        super().closeEvent(event)
