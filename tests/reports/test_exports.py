# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""PDF and Excel exports read back; period parsing; reminders, coverage, items and transcripts; the
``report`` command run as a demo account."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert, select

from base.errors import InvalidInput
from core.infra.clock import LOCAL_TZ
from core.infra.db import Database
from core.models import Attempt, AttemptItem, Bank, QuestionRow
from core.reports.branches import branch_trend, compare_branches
from core.reports.builders import branches_document, transcript_document
from core.reports.coverage import quiz_coverage
from core.reports.export import export
from core.reports.items import item_analysis
from core.reports.officers import branch_officers, transcript
from core.reports.period import parse_period
from core.reports.reminders import reminders
from core.reports.scope import Scope
from tests.conftest import DEMO_ADMIN, DEMO_OFFICER, DEMO_SECRETARY, ROOT


def cst(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, tzinfo=LOCAL_TZ).astimezone(dt.UTC)


@pytest.mark.parametrize(("text", "start", "end", "prev"), [
    ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026-09"),
    ("2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026Q2"),
    ("2026q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2025Q4"),
    ("2026年第4季度", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026Q3"),
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2025"),
    ("2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 4), "2025-W52"),
    ("2026-10-01..2026-10-10", dt.date(2026, 10, 1), dt.date(2026, 10, 10), "2026-09-21..2026-09-30"),
])
def test_parse_period(text: str, start: dt.date, end: dt.date, prev: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.previous().code) == (start, end, prev)
    assert parse_period(p.code) == p


@pytest.mark.parametrize("bad", ["2026Q5", "2026-13", "Q3", "2026-10-10..2026-10-01", ""])
def test_bad_periods(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_period(bad)


def test_period_bounds_are_china_days() -> None:
    a, b = parse_period("2026-10").utc_bounds()
    assert a == dt.datetime(2026, 9, 30, 16, tzinfo=dt.UTC) and b == dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC)


def test_pdf_and_excel_read_back(sqlite_org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ids = sqlite_org
    with db.transaction() as s:
        cmp = compare_branches(s, parse_period("2026Q3"), Scope())
        trend = branch_trend(s, parse_period("2026Q3"), Scope(), count=4)
    doc = branches_document(cmp, trend)
    pdf = export(doc, tmp_path / "b.pdf")
    reader = PdfReader(str(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for needle in ("一支部", "二支部", "三支部", "2026年第3季度", "临江分局", f"第 1 页 / 共 {len(reader.pages)} 页"):
        assert needle in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    truetype = [f.get_object() for f in fonts.values() if f.get_object()["/Subtype"] == "/TrueType"]
    assert truetype and all("/FontFile2" in f["/FontDescriptor"] for f in truetype)   # embedded subsets
    from tests.pdf_fonts import unembedded_fonts

    assert unembedded_fonts(pdf) == []          # nor the canvas's initial Helvetica
    xlsx = export(doc, tmp_path / "b.xlsx")
    wb = load_workbook(str(xlsx))
    assert wb.sheetnames == ["支部对比", "趋势"]
    ws = wb["支部对比"]
    assert ws["A4"].value == "排名" and ws["B5"].value == "一支部"
    assert ws["F5"].value == pytest.approx(1.0) and ws["F5"].number_format == "0.0%"
    assert ws.freeze_panes == "A5"


def test_drill_down_and_transcript(sqlite_org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, ids = sqlite_org
    with db.transaction() as s:
        rows = {r.badge: r for r in branch_officers(s, parse_period("2026Q3"), Scope(), ids["A"])}
        t = transcript(s, "o3")
    assert set(rows) == {"o1", "o2", "o3"}
    assert rows["o1"].attempts == 2 and rows["o1"].avg_score == pytest.approx(65.0) and rows["o1"].passed
    assert rows["o3"].study_minutes == pytest.approx(100.0)       # only what o3 did in A
    assert [m.unit_name for m in t.memberships] == ["一支部", "二支部"]
    assert {a.unit for a in t.attempts} == {"一支部", "二支部"}
    assert t.study_minutes == pytest.approx((5 * 1200 + 8 * 900) / 60)
    pdf = export(transcript_document(t), tmp_path / "t.pdf")
    assert "王三" in PdfReader(str(pdf)).pages[0].extract_text()


def test_reminders_per_branch(org) -> None:  # type: ignore[no-untyped-def]
    db, _ids = org
    with db.transaction() as s:
        r = reminders(s, Scope(), dt.date(2026, 9, 3), kind="week", minutes_target=50, points_target=5)
    # Week 2026-08-31..09-06: o3 in B studied 6×15 = 90 min and earned 7 points -> on target.
    assert r.members == 4
    assert {(x.branch, x.badge) for x in r.rows} == {("一支部", "o1"), ("一支部", "o2"), ("二支部", "o4")}


def test_quiz_coverage_split_by_category(org) -> None:  # type: ignore[no-untyped-def]
    db, _ids = org
    with db.transaction() as s:
        c = quiz_coverage(s, 1, Scope(), dt.date(2026, 10, 2))
    counts = c.counts()
    assert counts["police"] == {"total": 2, "passed": 2}
    assert counts["auxiliary"] == {"total": 2, "passed": 1, "missing": 1}   # o2 passed on 10-01, o4 only practised


def test_item_analysis_flags(sqlite_org) -> None:  # type: ignore[no-untyped-def]
    db, ids = sqlite_org
    with db.transaction() as s:
        s.add(Bank(id=1, name="b", created_at=cst(2026, 1, 1)))
        s.flush()
        for qid in (1, 2, 3):
            s.add(QuestionRow(id=qid, lineage=uuid.uuid4(), bank_id=1, qtype="single", stem=f"题{qid}",
                              content_hash=str(qid), created_at=cst(2026, 1, 1)))
        s.flush()
        attempts, items = [], []
        for k in range(20):
            aid = uuid.uuid4()
            pct = 5.0 * k
            attempts.append({"id": aid, "quiz_id": 1, "officer_id": ids["o1"], "unit_id": ids["A"], "number": 100 + k,
                             "started_at": cst(2026, 11, 1), "submitted_at": cst(2026, 11, 1), "status": "submitted",
                             "percent": pct, "max_score": 3.0})
            strong = k >= 10
            for pos, (qid, right) in enumerate(((1, True), (2, strong), (3, not strong))):
                items.append({"id": uuid.uuid4(), "attempt_id": aid, "position": pos, "question_id": qid,
                              "points": 1.0, "score": 1.0 if right else 0.0, "correct": right})
        s.execute(insert(Attempt), attempts)
        s.execute(insert(AttemptItem), items)
    with db.transaction() as s:
        a = item_analysis(s, 1)
    by_q = {r.question_id: r for r in a.rows}
    assert by_q[1].warnings == ("easy",) and by_q[1].facility == pytest.approx(1.0)
    assert by_q[2].discrimination == pytest.approx(1.0) and not by_q[2].warnings
    assert by_q[3].discrimination == pytest.approx(-1.0) and "key" in by_q[3].warnings
    assert a.rows[0].question_id == 3                   # the suspect key is listed first


def test_item_analysis_judges_only_questions_answered_often_enough(demo_db: Database) -> None:
    """On the demo, flags mean something: never on a question two officers happened to draw, and never
    on every row (a flag that is always on says nothing)."""
    from core.models import Quiz
    from core.reports.items import MIN_ATTEMPTS

    with demo_db.transaction() as s:
        analyses = [item_analysis(s, q) for q in s.scalars(select(Quiz.id).where(Quiz.mode != "practice"))]
    rows = [r for a in analyses for r in a.rows]
    assert rows and not [r for r in rows if r.warnings and r.answered < MIN_ATTEMPTS]
    judged = [r for r in rows if r.answered >= MIN_ATTEMPTS]
    assert judged and 0 < sum(1 for r in judged if r.warnings) < len(judged) / 2


def test_report_cli_as_the_user(sqlite_demo_db: Database, tmp_path: Path, demo_login) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{sqlite_demo_db.sqlite_path}"
    sqlite_demo_db.dispose()

    def cli(*args: str, user: str = DEMO_ADMIN) -> subprocess.CompletedProcess[str]:
        login = demo_login(user) if user else []
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "report", *args, "--db", url, *login],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)

    def data(*args: str, user: str = DEMO_ADMIN) -> dict:
        done = cli(*args, "--json", user=user)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    nobody = cli("branches", "--period", "2026-10", user="")
    assert nobody.returncode == 1 and "请先登录" in nobody.stderr
    officer = cli("branches", "--period", "2026-10", user=DEMO_OFFICER)
    assert officer.returncode == 1 and "没有权限" in officer.stderr
    # The comparison is published to every branch: a secretary sees what the administrator sees.
    every = data("branches", "--period", "2026-10")
    assert len(every["branches"]) >= 6
    assert data("branches", "--period", "2026-10", user=DEMO_SECRETARY)["branches"] == every["branches"]
    # Transcripts: one's own, or an officer of one's own branch; another branch's is refused.
    assert data("transcript", DEMO_OFFICER, user=DEMO_OFFICER)["badge"] == DEMO_OFFICER
    assert data("transcript", "200002", user=DEMO_SECRETARY)["name"] == "李娜"
    other = cli("transcript", "200008", user=DEMO_SECRETARY)
    assert other.returncode == 1 and "没有权限" in other.stderr
    assert cli("transcript", "200002", user=DEMO_OFFICER).returncode == 1
    # Reminders and coverage name officers: the secretary's own branch only.
    mine = data("reminders", "--date", "2026-11-02", "--minutes", "100000", user=DEMO_SECRETARY)
    assert mine["behind"] and {r["branch"] for r in mine["behind"]} == {"交警大队第一党支部"}
    assert len({r["branch"] for r in data("reminders", "--date", "2026-11-02", "--minutes", "100000")["behind"]}) > 1
    refused = cli("coverage", "--quiz", "2", "--unit", "LJJJ2", user=DEMO_SECRETARY)
    assert refused.returncode == 1 and "没有权限" in refused.stderr
    covered = data("coverage", "--quiz", "2", user=DEMO_SECRETARY)
    assert covered["officers"] and {o["branch"] for o in covered["officers"]} == {"交警大队第一党支部"}
    assert data("items", "--quiz", "2", user=DEMO_SECRETARY)["items"]
    out = tmp_path / "branches.xlsx"
    done = cli("branches", "--period", "2026Q4", "--out", str(out), user=DEMO_SECRETARY)
    assert done.returncode == 0 and out.stat().st_size > 1000
    assert load_workbook(str(out)).sheetnames == ["支部对比", "趋势"]


def test_pdf_export_shows_markup_in_names_as_text(tmp_path: Path) -> None:
    """Titles and notes are plain text: ReportLab markup in a quiz or unit name is printed, not obeyed
    (an <img src> would embed a local file; a stray '<' would fail the export)."""
    from core.reports.document import Document, Note, Table

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    doc = Document(f"试卷 <img src='{secret}'/> 分析", "一支部 <b>A&B</b>", "2026Q3",
                   [Table("成绩 a < b", ["姓名"], ["text"], [["张<i>三</i>"]]), Note("说明 <font color='red'>x</font>")],
                   subtitle="<para>副标题")
    out = export(doc, tmp_path / "r.pdf")
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    for literal in (f"<img src='{secret}'/>", "<b>A&B</b>", "a < b", "张<i>三</i>", "<font color='red'>x</font>",
                    "<para>副标题"):
        assert literal in text, literal
