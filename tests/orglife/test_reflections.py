# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""心得体会: tasks, submissions (text or .docx), the closest earlier match, reviews with points, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from base.errors import InvalidInput, PermissionDenied
from core.models import AuditEntry, LedgerEntry, Officer
from core.orglife import usecases as orglife
from core.orglife.reflections import EXCELLENT, PASSED, RETURNED
from core.points.ledger import parse_period
from tests.conftest import actor_of
from tests.orglife.conftest import Branch
from tests.orglife.test_similarity import NEAR_COPY, ORIGINAL, UNRELATED


def _points(b: Branch, officer_id: int, source: object) -> dict[str, float]:
    with b.db.transaction() as s:
        return {code: float(total) for code, total in s.execute(
            select(LedgerEntry.rule_code, func.sum(LedgerEntry.amount)).where(
                LedgerEntry.officer_id == officer_id, LedgerEntry.source_type == "reflection",
                LedgerEntry.source_id == str(source))
            .group_by(LedgerEntry.rule_code))}


def test_submit_compare_review_and_export(branch: Branch, tmp_path: Path) -> None:
    b = branch
    me = b.officer
    other_member = next(m for m in b.members if m != me.id)
    with b.db.transaction() as s:
        badge = s.scalar(select(Officer.badge).where(Officer.id == other_member))
    other = actor_of(b.db, str(badge))
    task = orglife.set_reflection_task(b.db, b.secretary, unit_id=b.unit_id, title="学习全会精神心得",
                                       due_date=dt.date(2026, 11, 30), min_chars=60)
    assert [t.id for t in orglife.my_reflection_tasks(b.db, me)][:1] == [task]
    with pytest.raises(InvalidInput, match="至少 60 字"):
        orglife.submit_reflection(b.db, me, task, text="太短了")
    first = orglife.submit_reflection(b.db, other, task, text=ORIGINAL)
    b.clock.advance(3600)
    # The near-copy comes in as a .docx.
    path = tmp_path / "心得.docx"
    d = docx.Document()
    for part in NEAR_COPY.split("。"):
        d.add_paragraph(part + "。")
    d.save(str(path))
    copy = orglife.submit_reflection(b.db, me, task, docx=path)
    detail = orglife.reflection_detail(b.db, b.secretary, copy)
    assert detail.match is not None and detail.match.other_id == first and detail.match.jaccard > 0.5
    marked = "".join(detail.text[a:c] for a, c in detail.match.spans)
    assert "加强党性修养的重要性" in marked
    rows = {r.id: r for r in orglife.list_reflections(b.db, b.secretary)}
    assert detail.match.other_name != ""
    assert rows[copy].match_estimate is not None and rows[copy].match_estimate > 0.4
    # An unrelated reflection does not match either.
    b.clock.advance(3600)
    third = orglife.submit_reflection(b.db, b.secretary, task, text=UNRELATED + UNRELATED)
    match = orglife.reflection_detail(b.db, b.secretary, third).match
    assert match is None or match.jaccard < 0.05

    with pytest.raises(InvalidInput, match="修改意见"):
        orglife.review_reflection(b.db, b.secretary, copy, RETURNED)
    orglife.review_reflection(b.db, b.secretary, copy, RETURNED, "与他人雷同，请独立撰写")
    assert _points(b, me.id, copy) == {}
    orglife.submit_reflection(b.db, me, task, text=UNRELATED + "结合本职工作谈体会。")
    orglife.review_reflection(b.db, b.secretary, copy, PASSED, "")
    assert _points(b, me.id, copy) == {"reflection_passed": 2.0}
    orglife.review_reflection(b.db, b.secretary, copy, EXCELLENT, "联系实际")
    assert _points(b, me.id, copy) == {"reflection_excellent": 5.0}          # the verdict's points, not both
    with pytest.raises(InvalidInput, match="已审阅通过"):
        orglife.submit_reflection(b.db, me, task, text=ORIGINAL)
    with b.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "reflection.review", AuditEntry.target_id == str(copy))) == 3
    mine = orglife.my_reflections(b.db, me)
    assert {r.id: r.status for r in mine}[copy] == EXCELLENT and all(r.officer_id == me.id for r in mine)

    period = parse_period("2026-11")
    pdf = orglife.export_reflections(b.db, b.secretary, tmp_path / "汇编.pdf", period=period)
    text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "心得体会汇编" in text and "学习全会精神心得" in text
    out = orglife.export_reflections(b.db, b.secretary, tmp_path / "汇编.docx", period=period)
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "结合本职工作谈体会" in body and "联系实际" in body


def test_officers_neither_review_nor_read_others(branch: Branch) -> None:
    b = branch
    task = orglife.set_reflection_task(b.db, b.secretary, unit_id=b.unit_id, title="t", due_date=dt.date(2026, 12, 1),
                                       min_chars=60)
    rid = orglife.submit_reflection(b.db, b.secretary, task, text=ORIGINAL)
    for call in (lambda: orglife.list_reflections(b.db, b.officer),
                 lambda: orglife.reflection_detail(b.db, b.officer, rid),
                 lambda: orglife.review_reflection(b.db, b.officer, rid, PASSED),
                 lambda: orglife.set_reflection_task(b.db, b.officer, unit_id=b.unit_id, title="x",
                                                     due_date=dt.date(2026, 12, 1))):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied):
        orglife.set_reflection_task(b.db, b.secretary, unit_id=b.other_unit, title="x", due_date=dt.date(2026, 12, 1))
