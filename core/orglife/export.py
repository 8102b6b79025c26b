# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A branch's 心得体会 of a period as one report document (written as .docx or .pdf by core.reports)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.i18n import _
from core.infra.clock import local_date
from core.models import Reflection, Unit
from core.orglife.reflections import STATUS_LABELS, list_reflections
from core.points.ledger import Period
from core.reports.document import Document, Note, Table


def reflections_document(session: Session, unit_id: int, unit_ids: Collection[int], period: Period) -> Document:
    unit = session.get(Unit, unit_id)
    rows = list(reversed(list_reflections(session, unit_ids=unit_ids, first=period.first, last=period.last)))
    doc = Document(_("心得体会汇编"), unit.name if unit else str(unit_id), period.label,
                   subtitle=_("共 {n} 篇", n=len(rows)))
    doc.blocks.append(Table(_("目录"), [_("序号"), _("姓名"), _("单位"), _("题目"), _("提交日期"), _("审阅")],
                            ["int", "text", "text", "text", "text", "text"],
                            [[i + 1, r.name, r.unit_name, r.task_title, local_date(r.submitted_at).isoformat(),
                              _(STATUS_LABELS.get(r.status, r.status))] for i, r in enumerate(rows)]))
    texts = dict(session.execute(select(Reflection.id, Reflection.body_text)
                                 .where(Reflection.id.in_([r.id for r in rows]))).all()) if rows else {}
    comments = dict(session.execute(select(Reflection.id, Reflection.review_comment)
                                    .where(Reflection.id.in_([r.id for r in rows]))).all()) if rows else {}
    for i, r in enumerate(rows):
        doc.blocks.append(Note(f"{i + 1}. {r.name}（{r.unit_name}）：{r.task_title}", heading=True))
        doc.blocks.append(Note(texts.get(r.id, "")))
        verdict = _(STATUS_LABELS.get(r.status, r.status))
        doc.blocks.append(Note(_("审阅：{v}", v=verdict) + (f"　{comments[r.id]}" if comments.get(r.id) else "")))
    return doc
