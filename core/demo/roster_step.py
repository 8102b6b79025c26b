# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: roster history for the reports — an officer who moved branches 45 days ago (his
earlier results stay with the old branch) and a newly founded branch that has no members yet."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from base.i18n import N_, _
from core.demo import DemoContext, DemoStep
from core.infra.clock import local_date
from core.models import Officer, Unit
from core.people.org import add_unit
from core.people.roster_edit import move_officer

MOVER = "200016"          # 程刚 of 治安大队第一党支部 moves to 刑侦大队第二党支部


def run(ctx: DemoContext) -> str:
    day = local_date(ctx.clock.now()) - dt.timedelta(days=45)
    with ctx.db.transaction() as s:
        if s.scalar(select(Unit.id).where(Unit.code == "LJXZ3")) is None:
            add_unit(s, "LJXZ3", "刑侦大队第三党支部", "branch", "LJXZ")
        moved = s.scalar(select(Officer).where(Officer.badge == MOVER))
        if moved is not None:
            move_officer(s, MOVER, "LJXZ2", on=day)
    return _("已新建 1 个空支部，1 名人员调动了支部")


STEP = DemoStep("roster", 90, N_("补充人员调动与新支部"), run)
