# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question banks as the GUI and CLI list them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Bank, QuestionRow, Unit


@dataclass(slots=True)
class BankInfo:
    id: int
    name: str
    total: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    owner_unit_id: int | None = None      # None: the whole organisation's (see core/access/ownership.py)
    owner: str = ""                       # the owning unit's name ("" for the organisation)
    manageable: bool = True               # may the asking user edit, import into and export it
    exam_only: bool = False               # 仅用于考试: withheld from practice (core/quiz/exam_only.py)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "total": self.total, "by_type": self.by_type,
                "owner": self.owner, "manageable": self.manageable, "exam_only": self.exam_only}


def list_banks(session: Session) -> list[BankInfo]:
    rows = session.execute(select(Bank, Unit.name).outerjoin(Unit, Unit.id == Bank.owner_unit_id).order_by(Bank.name))
    banks = {b.id: BankInfo(b.id, b.name, owner_unit_id=b.owner_unit_id, owner=unit or "", exam_only=b.exam_only)
             for b, unit in rows}
    counts = session.execute(
        select(QuestionRow.bank_id, QuestionRow.qtype, func.count())
        .where(QuestionRow.is_current, QuestionRow.active)
        .group_by(QuestionRow.bank_id, QuestionRow.qtype)
    )
    for bank_id, qtype, n in counts:
        info = banks[bank_id]
        info.by_type[qtype] = n
        info.total += n
    return list(banks.values())
