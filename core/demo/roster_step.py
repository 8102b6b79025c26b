# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: roster history for the reports — an officer who moved branches 45 days ago (his
earlier results stay with the old branch) and a newly founded branch that has no members yet."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from base.i18n import N_, _
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as, dated, days_ago
from core.infra.clock import local_date
from core.models import Officer, Unit
from core.people.roster_edit import move_officer, new_unit

MOVER = "200016"          # 程刚 of 治安大队第一党支部 moves to 刑侦大队第二党支部


def run(ctx: DemoContext) -> str:
    day = local_date(ctx.clock.now()) - dt.timedelta(days=45)
    # Both are the administrator's work (a move across brigades is above a branch secretary).
    with acting_as(ctx, DEMO_ADMIN), ctx.db.transaction() as s:
        parent = s.scalar(select(Unit.id).where(Unit.code == "LJXZ"))
        if s.scalar(select(Unit.id).where(Unit.code == "LJXZ3")) is None and parent is not None:
            with dated(days_ago(ctx, 6, 16, 20)):
                new_unit(s, "刑侦大队第三党支部", parent, code="LJXZ3", kind="branch")
        moved = s.scalar(select(Officer).where(Officer.badge == MOVER))
        if moved is not None:
            with dated(days_ago(ctx, 45, 9, 40)):
                move_officer(s, MOVER, "LJXZ2", on=day)
    return _("已新建 1 个空支部，1 名人员调动了支部")


STEP = DemoStep("roster", 90, N_("补充人员调动与新支部"), run)
