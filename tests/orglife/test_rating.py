# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""支部评星定级: computed from criteria data with the documented formula, adjusted with an audit, published."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from base.errors import InvalidInput, PermissionDenied
from core.models import AuditEntry
from core.orglife import usecases as orglife
from core.orglife import usecases as ratings
from core.orglife.rating import Band, Criterion, score
from core.orglife.sessions import PRESENT, SessionSpec
from tests.orglife.conftest import Branch
from tests.study.helpers import cst


def test_formula_weights_targets_and_thresholds() -> None:
    crit = [Criterion("attendance", 3, 1.0, 0.5), Criterion("sessions", 1, 4, 1), Criterion("avg_score", 1, 90, 60)]
    value, parts = score({"attendance": 0.75, "sessions": 2.0, "avg_score": 55.0}, crit)
    # 100 × (3·0.75 + 1·0.5 + 1·0 [below its threshold]) / 5
    assert value == 55.0 and [round(p.points, 2) for p in parts] == [2.25, 0.5, 0.0]
    assert score({"attendance": None, "sessions": 9.0, "avg_score": 95.0}, crit)[0] == 40.0   # capped at target


def _quarter_sessions(b: Branch, month: int, present: int) -> None:
    marks = {oid: (PRESENT, "") for oid in b.members[:present]}
    orglife.record_session(b.db, b.secretary, SessionSpec(b.unit_id, "study", f"{month}月集中学习",
                                                          cst(2027, month, 10, 9), 60, attendance=marks))


def test_compute_adjust_publish_and_rank(branch: Branch, tmp_path: Path) -> None:
    b = branch
    b.clock.set_wall(cst(2027, 7, 2, 9))
    n = len(b.members)
    ratings.set_rating_criteria(b.db, b.admin, [Criterion("attendance", 3, 1.0, 0.5), Criterion("sessions", 1, 4, 1)],
                                [Band(5, "五星", 90), Band(4, "四星", 75), Band(3, "三星", 50), Band(1, "一星", 0)])
    _quarter_sessions(b, 1, n)          # everyone present
    _quarter_sessions(b, 2, 0)          # nobody
    rows = {r.unit_id: r for r in ratings.compute_ratings(b.db, b.admin, "2027Q1")}
    mine = rows[b.unit_id]
    expected = round(100 * (3 * (n / (2 * n)) + 1 * (2 / 4)) / 4, 1)       # attendance 50 %, 2 of 4 sessions
    assert mine.score == mine.computed_score == expected == 50.0 and mine.stars == 3
    assert [p["metric"] for p in mine.breakdown] == ["attendance", "sessions"]
    assert rows[b.other_unit].score == 0.0                                  # no sessions at all
    # Before publishing, only administrators see it.
    assert ratings.rating_ranking(b.db, b.officer, "2027Q1") == []
    with pytest.raises(PermissionDenied):
        ratings.compute_ratings(b.db, b.secretary, "2027Q1")
    with pytest.raises(InvalidInput, match="理由"):
        ratings.adjust_rating(b.db, b.admin, "2027Q1", b.unit_id, 80, " ")
    ratings.adjust_rating(b.db, b.admin, "2027Q1", b.unit_id, 80, "主题党日活动获市局通报表扬")
    with b.db.transaction() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "rating.adjust", AuditEntry.target_id == "2027Q1"))
        assert entry is not None and entry.actor_id == b.admin.id
        assert entry.detail["changes"] == {"score": [50.0, 80.0], "stars": [3, 4]}
        assert entry.detail["reason"] == "主题党日活动获市局通报表扬"
    assert ratings.publish_ratings(b.db, b.admin, "2027Q1") == len(rows)
    with pytest.raises(InvalidInput, match="已公布"):
        ratings.compute_ratings(b.db, b.admin, "2027Q1")
    with pytest.raises(InvalidInput, match="已公布"):
        ratings.adjust_rating(b.db, b.admin, "2027Q1", b.unit_id, 90, "x")
    top = ratings.rating_ranking(b.db, b.officer, "2027Q1")[0]
    assert (top.unit_id, top.score, top.stars, top.change) == (b.unit_id, 80.0, 4, None)

    # The next quarter: everyone present at four sessions → full marks, up one star.
    for month in (4, 5, 6, 6):
        _quarter_sessions(b, month, n)
    ratings.compute_ratings(b.db, b.admin, "2027Q2")
    ratings.publish_ratings(b.db, b.admin, "2027Q2")
    top = ratings.rating_ranking(b.db, b.secretary, "2027Q2")[0]
    assert (top.unit_id, top.score, top.stars, top.previous_stars, top.change) == (b.unit_id, 100.0, 5, 4, 1)
    assert ratings.rating_history(b.db, b.officer, b.unit_id)[:2] == [("2027Q2", 100.0, 5, True),
                                                                       ("2027Q1", 80.0, 4, True)]
    pdf = ratings.honour_roll_pdf(b.db, b.officer, "2027Q2", tmp_path / "红榜.pdf")
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "支部评星定级红榜" in text and "★★★★★" in text and "升 1 星" in text
    with pytest.raises(InvalidInput, match="按季度"):
        ratings.compute_ratings(b.db, b.admin, "2027-05")


def test_criteria_file_sets_criteria_and_bands(branch: Branch, tmp_path: Path) -> None:
    b = branch
    path = tmp_path / "criteria.toml"
    path.write_text('[[criterion]]\nmetric = "attendance"\nweight = 3\ntarget = 1.0\nthreshold = 0.5\n'
                    '[[criterion]]\nmetric = "sessions"\nweight = 1\ntarget = 4\n'
                    '[[band]]\nstars = 2\nname = "达标"\nmin_score = 60\n[[band]]\nstars = 1\nname = "待改进"\n'
                    'min_score = 0\n', encoding="utf-8")
    ratings.set_rating_criteria_file(b.db, b.admin, path)
    crit, bands = ratings.rating_criteria(b.db, b.officer)
    assert [(c.metric, c.weight, c.target, c.threshold) for c in crit] == [("attendance", 3, 1.0, 0.5),
                                                                           ("sessions", 1, 4, 0)]
    assert [(x.stars, x.min_score) for x in bands] == [(2, 60), (1, 0)]
    path.write_text('[[criterion]]\nmetric = "attendance"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"criteria\.toml：criterion\[1\]"):
        ratings.set_rating_criteria_file(b.db, b.admin, path)
    path.write_text('[[criterion]]\nmetric = "nonsense"\nweight = 1\ntarget = 1\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="未知指标"):
        ratings.set_rating_criteria_file(b.db, b.admin, path)
    with pytest.raises(PermissionDenied):
        ratings.set_rating_criteria_file(b.db, b.secretary, path)
