# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The result sheet (成绩单) of a contest: ranking, round-by-round scores, every ruling and adjustment.

Built as a neutral report :class:`~core.reports.document.Document`, so the PDF looks like every other
StudyHall report (bundled font, page header and numbers) and the same tables can go to Excel.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from base.i18n import _
from core.contest.machine import Contest
from core.contest.rules import KIND_LABELS
from core.contest.store import ContestData
from core.reports.document import Chart, Document, Note, Table


def _why(why: str) -> str:
    return {"right": _("答对"), "wrong": _("答错"), "timeout": _("超时"), "false_start": _("抢跑"),
            "adjust": _("手工调整")}.get(why, why)


def status_label(status: str) -> str:
    return {"ready": _("待举行"), "running": _("进行中"), "finished": _("已结束")}.get(status, status)


def result_summary(data: ContestData) -> dict[str, Any]:
    """The contest in plain data (``contest show --json``): teams ranked, each round's points per team."""
    contest = data.contest()
    spec, totals = data.spec, contest.round_totals()
    ranks = {team: rank for rank, team, _s in contest.ranking()}
    return {
        "id": str(data.id), "title": data.title, "held_on": data.held_on.isoformat(), "status": data.status,
        "unit": data.unit, "phase": contest.phase.value, "events": len(data.events),
        "teams": sorted(({"rank": ranks[i], "name": t.name, "branch": t.branch, "key": t.key,
                          "members": [m.name for m in t.members], "start": t.start, "score": contest.scores[i]}
                         for i, t in enumerate(spec.teams)), key=lambda t: (t["rank"], t["name"])),
        "rounds": [{"kind": r.kind.value, "kind_label": _(KIND_LABELS[r.kind]), "title": r.title,
                    "questions": len(r.question_ids), "rules": asdict(r.rules), "points": totals[i]}
                   for i, r in enumerate(spec.rounds)],
        "adjustments": [{"team": spec.teams[c.team].name, "delta": c.delta, "reason": c.reason}
                        for c in contest.state.changes if c.why == "adjust"],
    }


def document(data: ContestData, contest: Contest | None = None) -> Document:
    contest = contest or data.contest()
    spec = data.spec
    status = status_label(data.status)
    doc = Document(_("{t} 成绩单", t=data.title), data.unit or _("全局"), data.held_on.isoformat(),
                   subtitle=_("状态：{s}　　参赛队：{n} 支　　轮次：{r}", s=status, n=len(spec.teams),
                              r="、".join(r.title for r in spec.rounds)))
    names = [t.name for t in spec.teams]
    doc.blocks.append(Table(_("名次"), [_("名次"), _("参赛队"), _("支部"), _("队员"), _("得分")],
                            ["int", "text", "text", "text", "num"],
                            [[rank, names[t], spec.teams[t].branch, "、".join(m.name for m in spec.teams[t].members),
                              score] for rank, t, score in contest.ranking()], sheet=_("名次")))
    totals = contest.round_totals()
    headers = [_("参赛队"), _("起始分")] + [f"{r.title}" for r in spec.rounds] + [_("调整"), _("总分")]
    adjusted = [0.0] * len(names)
    for c in contest.state.changes:
        if c.why == "adjust":
            adjusted[c.team] += c.delta
    rows: list[list[str | int | float | None]] = []
    for t, team in enumerate(spec.teams):
        per_round = [sum(c.delta for c in contest.state.changes if c.team == t and c.round == r and c.why != "adjust")
                     for r in range(len(spec.rounds))]
        rows.append([team.name, team.start, *per_round, adjusted[t], contest.scores[t]])
    doc.blocks.append(Table(_("各轮得分"), headers, ["text", "num"] + ["delta"] * len(spec.rounds) + ["delta", "num"],
                            rows, sheet=_("各轮得分")))
    if any(any(v for v in row) for row in totals):
        doc.blocks.append(Chart(_("各轮得分"), "bar", [r.title for r in spec.rounds],
                                [(names[t], [totals[r][t] for r in range(len(spec.rounds))])
                                 for t in range(len(names))]))
    numbers = {q: i + 1 for i, q in enumerate(contest.state.used_questions)}
    rulings = [[spec.rounds[c.round].title if c.round >= 0 else "", numbers.get(c.question or -1),
                _(KIND_LABELS[spec.rounds[c.round].kind]) if c.round >= 0 else "", names[c.team], _why(c.why),
                c.delta, _short(data, c.question), c.reason]
               for c in contest.state.changes]
    doc.blocks.append(Table(_("判定与调整记录"), [_("轮次"), _("题序"), _("题型"), _("参赛队"), _("判定"), _("分数"),
                                                 _("题目"), _("原因")],
                            ["text", "int", "text", "text", "text", "delta", "text", "text"], rulings,
                            highlight=[i for i, c in enumerate(contest.state.changes) if c.why == "adjust"],
                            sheet=_("判定记录")))
    doc.blocks.append(Note(_("共记录 {n} 个现场事件；本成绩单由事件记录重放生成。", n=len(data.events))))
    return doc


def _short(data: ContestData, question: int | None) -> str:
    card = data.questions.get(question) if question is not None else None
    if card is None:
        return ""
    return card.stem if len(card.stem) <= 28 else card.stem[:27] + "…"


def write_sheet(data: ContestData, target: Path) -> Path:
    from core.reports.pdf_writer import write_pdf

    write_pdf(document(data), target)
    return target
