# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Period summaries: one PDF/.docx per branch and period, with sessions, reflections and who is behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from base.errors import PermissionDenied
from core.orglife import usecases as orglife
from core.orglife.sessions import PRESENT, SessionSpec
from tests.orglife.conftest import Branch
from tests.orglife.test_similarity import ORIGINAL
from tests.study.helpers import cst


def test_summary_pdf_and_docx(branch: Branch, tmp_path: Path) -> None:
    b = branch
    me = b.officer.id
    absent = next(m for m in b.members if m != me)
    orglife.record_session(b.db, b.secretary, SessionSpec(
        b.unit_id, "lecture", "讲授专题党课", cst(2026, 11, 12, 15), 90, material_ids=[b.materials[0]],
        attendance={oid: (PRESENT, "") for oid in b.members if oid != absent}))
    task = orglife.set_reflection_task(b.db, b.secretary, unit_id=b.unit_id, title="党课学习心得",
                                       due_date=dt.date(2026, 11, 25), min_chars=60)
    orglife.submit_reflection(b.db, b.officer, task, text=ORIGINAL)
    pdf = orglife.period_summary(b.db, b.secretary, tmp_path / "月反馈.pdf", period="2026-11")
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "月度学习情况反馈" in text and "讲授专题党课" in text and "党课学习心得" in text
    assert "组织生活缺席 1 次未补学" in text and "心得体会缺交 1 篇" in text
    out = orglife.period_summary(b.db, b.secretary, tmp_path / "季考评.docx", period="2026Q4")
    document = docx.Document(str(out))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "讲授专题党课" in cells and any("心得体会缺交" in c for c in cells)
    assert "季度学习考评" in "\n".join(p.text for p in document.paragraphs)
    with pytest.raises(PermissionDenied):
        orglife.period_summary(b.db, b.officer, tmp_path / "x.pdf", period="2026-11")
    with pytest.raises(PermissionDenied):
        orglife.period_summary(b.db, b.secretary, tmp_path / "x.pdf", period="2026-11", unit=b.other_unit)
