# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question banks as the GUI and CLI list them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Bank, QuestionRow


@dataclass(slots=True)
class BankInfo:
    id: int
    name: str
    total: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "total": self.total, "by_type": self.by_type}


def list_banks(session: Session) -> list[BankInfo]:
    banks = {b.id: BankInfo(b.id, b.name) for b in session.scalars(select(Bank).order_by(Bank.name))}
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
