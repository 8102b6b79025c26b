# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""新建竞赛 in a form: the choices a secretary gets, the spec the form gives, and the page's flow
(a refused set-up shows why and the form comes back as it was)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit, QMessageBox, QSpinBox
from pytestqt.qtbot import QtBot

from base.errors import PermissionDenied
from core.contest import usecases as contest
from core.demo import DEMO_ADMIN
from core.infra.db import Database
from core.infra.paths import resources_dir
from core.people.users import get_user
from gui.contest.setup_dialog import R_BANK, R_COUNT, R_PRESET, R_TYPES, T_BRANCH, T_KEY, T_NAME, ContestSetupDialog
from gui.context import AppContext
from gui.pages import contests as contests_page
from gui.pages.contests import ContestsPage
from gui.tasks import TaskManager
from tests.conftest import DEMO_OFFICER, DEMO_SECRETARY, actor_of


def test_choices_are_the_actors_units_with_their_officers_and_visible_banks(demo_db: Database) -> None:
    secretary = actor_of(demo_db, DEMO_SECRETARY)          # 交警大队第一党支部
    mine = contest.setup_choices(demo_db, secretary)
    every = contest.setup_choices(demo_db, actor_of(demo_db, DEMO_ADMIN))
    assert [u.code for u in mine.units] == [mine.home] == ["LJJJ1"]
    assert len(every.units) > 5 and {u.code for u in mine.units} < {u.code for u in every.units}
    assert mine.units[0].members and all(badge and name for badge, name in mine.units[0].members)
    assert mine.banks and all(sum(by_type.values()) > 0 for _name, by_type in mine.banks)
    with pytest.raises(PermissionDenied):
        contest.setup_choices(demo_db, actor_of(demo_db, DEMO_OFFICER))


def _form(qtbot: QtBot, db: Database) -> ContestSetupDialog:
    choices = contest.setup_choices(db, actor_of(db, DEMO_ADMIN))
    form = ContestSetupDialog(None, choices, dt.date(2026, 12, 10))  # type: ignore[arg-type]
    qtbot.addWidget(form)
    return form


def test_the_form_starts_with_three_branch_teams_and_the_usual_rounds(qtbot: QtBot, sqlite_demo_db: Database) -> None:
    form = _form(qtbot, sqlite_demo_db)
    spec = form.spec()
    assert [r["preset"] for r in spec["rounds"]] == ["compulsory", "buzz", "risk"]
    assert [(r.get("per_team"), r.get("questions")) for r in spec["rounds"]] == [(2, None), (None, 10), (1, None)]
    assert len(spec["teams"]) == 3 and [t["key"] for t in spec["teams"]] == ["Q", "P", "Z"]
    units = {u.code: u for u in form.choices.units}
    for team in spec["teams"]:
        unit = units[team["branch"]]
        assert unit.branch       # the admin's first units are the bureau and brigades: teams are branches
        assert team["name"] == unit.name and team["members"] == [b for b, _n in unit.members[:3]]
    assert (spec["date"], spec["base_score"], spec["unit"]) == ("2026-12-10", 100, form.choices.home)


def test_a_set_up_made_in_the_form_is_created_with_its_teams_rounds_and_draw(
        qtbot: QtBot, sqlite_demo_db: Database) -> None:
    db = sqlite_demo_db
    form = _form(qtbot, db)
    form.title.setText("2026年度“忠诚杯”知识竞赛（表单）")
    # The third team: another branch, renamed, two players, its own key
    branch = form.teams.cellWidget(2, T_BRANCH)
    assert isinstance(branch, QComboBox)
    other = next(i for i in range(branch.count()) if branch.itemData(i) not in
                 {t["branch"] for t in form.spec()["teams"]} and form.units[branch.itemData(i)].members)
    branch.setCurrentIndex(other)
    code = branch.itemData(other)
    assert form.teams.item(2, T_NAME).text() == form.units[code].name     # the name follows the branch
    form.teams.item(2, T_NAME).setText("三队")
    players = [b for b, _n in form.units[code].members[:2]]
    form.set_members(2, players)
    key = form.teams.cellWidget(2, T_KEY)
    assert isinstance(key, QLineEdit)
    key.setText("m")
    # The buzz round: a risk round of one question per team instead, from one bank, judge questions only
    kind, count, bank, types = (form.rounds.cellWidget(1, c) for c in (R_PRESET, R_COUNT, R_BANK, R_TYPES))
    assert isinstance(kind, QComboBox) and isinstance(count, QSpinBox)
    assert isinstance(bank, QComboBox) and isinstance(types, QComboBox)
    kind.setCurrentIndex(kind.findData("risk_high"))
    assert count.prefix().strip() == "每队" and count.value() == 1
    bank.setCurrentIndex(1)
    types.setCurrentIndex(next(i for i in range(types.count()) if types.itemData(i) == ["judge"]))
    spec = form.spec()
    cid = contest.create_contest(db, actor_of(db, DEMO_ADMIN), spec)
    data = contest.open_contest(db, actor_of(db, DEMO_ADMIN), cid)
    assert data.title == "2026年度“忠诚杯”知识竞赛（表单）" and data.held_on == dt.date(2026, 12, 10)
    third = data.spec.teams[2]
    assert (third.name, third.key, [m.badge for m in third.members]) == ("三队", "M", players)
    assert [r.kind.value for r in data.spec.rounds] == ["compulsory", "risk", "risk"]
    risk = data.spec.rounds[1]
    assert risk.rules.stakes == (20, 40, 60) and len(risk.question_ids) == 3
    assert {q.qtype for q in data.questions.values() if q.id in risk.question_ids} == {"judge"}


def _page(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[ContestsPage, AppContext, list[str]]:
    """The administrator's contests page, and the list of what it tells the user (recorded instead of
    shown in a modal box: an unexpected error would wait for a click)."""
    with db.transaction() as s:
        ctx = AppContext(db, get_user(s, DEMO_ADMIN), TaskManager())
    page = ContestsPage(ctx)
    qtbot.addWidget(page)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(str(a[2])))
    monkeypatch.setattr(contests_page, "show_exception", lambda *, parent, exception: shown.append(str(exception)))
    return page, ctx, shown


def test_the_page_shows_a_refusal_and_opens_the_form_again(
        qtbot: QtBot, sqlite_demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite_demo_db
    page, ctx, shown = _page(qtbot, db, monkeypatch)
    before = len(contest.list_contests(db, ctx.actor))
    page.new_contest()
    qtbot.waitUntil(lambda: page.setup_dialog is not None, timeout=10000)
    form = page.setup_dialog
    assert form is not None
    form.title.setText("只有一支队")
    form.teams.selectRow(2)
    form._remove_team()
    form.teams.selectRow(1)
    form._remove_team()
    form.accept()
    qtbot.waitUntil(lambda: form.isVisible(), timeout=10000)
    assert any("至少需要两支参赛队" in text for text in shown)
    assert form.title.text() == "只有一支队" and form.teams.rowCount() == 1     # as it was
    form.add_team()
    form.accept()
    qtbot.waitUntil(lambda: len(contest.list_contests(db, ctx.actor)) == before + 1, timeout=10000)
    qtbot.waitUntil(lambda: any("已创建竞赛" in text for text in shown), timeout=10000)


def test_the_page_creates_a_contest_from_a_toml_file(
        qtbot: QtBot, sqlite_demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite_demo_db
    page, ctx, shown = _page(qtbot, db, monkeypatch)
    before = len(contest.list_contests(db, ctx.actor))
    spec = resources_dir() / "demo" / "contest.toml"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(spec), ""))
    page.new_from_file()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown == ["已创建竞赛，题目已抽取。"] and len(contest.list_contests(db, ctx.actor)) == before + 1
