# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The 红榜 of a quarter's branch ratings as a report document (core.reports writes the PDF)."""

from __future__ import annotations

from base.i18n import _
from core.orglife.rating import RatingRow
from core.reports.document import Document, Note, Table
from core.reports.period import Period


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * max(0, 5 - stars)


def change_text(row: RatingRow) -> str:
    if row.change is None:
        return _("新参评")
    if row.change > 0:
        return _("升 {n} 星", n=row.change)
    if row.change < 0:
        return _("降 {n} 星", n=-row.change)
    return _("持平")


def honour_document(period: Period, rows: list[RatingRow]) -> Document:
    doc = Document(_("支部评星定级红榜"), _("全局"), period.label,
                   subtitle=_("共 {n} 个支部参评，五星 {a} 个、四星 {b} 个", n=len(rows),
                              a=sum(1 for r in rows if r.stars == 5), b=sum(1 for r in rows if r.stars == 4)))
    table = Table(_("评星结果"), [_("名次"), _("支部"), _("上级单位"), _("星级"), _("得分"), _("较上季度")],
                  ["int", "text", "text", "text", "num", "text"],
                  [[r.rank, r.unit_name, r.parent_name, stars_text(r.stars), r.score, change_text(r)] for r in rows])
    table.highlight = [i for i, r in enumerate(rows) if r.stars <= 2]
    doc.blocks.append(table)
    adjusted = [r for r in rows if r.adjust_reason]
    if adjusted:
        doc.blocks.append(Note(_("经审核调整：") + "；".join(
            _("{u}（计算 {a:.1f} 分，调整为 {b:.1f} 分：{why}）", u=r.unit_name, a=r.computed_score, b=r.score,
              why=r.adjust_reason) for r in adjusted)))
    return doc
