# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Who manages and who sees the things a unit owns (question banks, quizzes).

A bank or quiz belongs to a unit (``owner_unit_id``), or to the whole organisation (None).

* **Manage** (edit, import into, export, publish): administrators everything; a secretary what
  a unit of their subtree owns. The organisation's own banks and quizzes are administrators'.
* **See and use** (browse, draw questions from, read a quiz's results for their officers):
  what they manage, plus what belongs to the organisation or to a unit above theirs, since
  those are shared downwards. A neighbouring branch's bank stays out of sight: its questions
  may be the answer key of that branch's exam.
"""

from __future__ import annotations

from dataclasses import dataclass

from base.i18n import _
from core.access.permissions import Action
from core.access.usecase import Work, denied
from core.people.org import unit_chain


@dataclass(frozen=True, slots=True)
class Reach:
    """The owners an actor manages and sees: None means every owner."""

    manages: frozenset[int] | None       # unit ids (the organisation, None, is never in it)
    sees: frozenset[int] | None          # unit ids, plus the organisation's always

    def can_manage(self, owner_unit_id: int | None) -> bool:
        if self.manages is None:
            return True
        return owner_unit_id is not None and owner_unit_id in self.manages

    def can_see(self, owner_unit_id: int | None) -> bool:
        return self.sees is None or owner_unit_id is None or owner_unit_id in self.sees


def reach(work: Work, action: Action | None = None) -> Reach:
    """The actor's reach for ``action`` (default: the use case's own), from its scope in the table."""
    units = work.units(action)
    if units is None:
        return Reach(None, None)
    unit_id = work.actor.unit_id
    above = frozenset(work.read(lambda s: unit_chain(s, unit_id))) if unit_id is not None else frozenset()
    return Reach(units, units | above)


def own_unit(work: Work) -> int | None:
    """The owner of something the actor creates: their unit, or the organisation for an administrator."""
    return None if work.units() is None else work.actor.unit_id


def check_manage(work: Work, owner_unit_id: int | None, what: str, action: Action | None = None) -> None:
    if not reach(work, action).can_manage(owner_unit_id):
        raise denied(work.actor, action or work.action, _("“{w}”由其他单位管理", w=what))


def check_see(work: Work, owner_unit_id: int | None, what: str, action: Action | None = None) -> None:
    if not reach(work, action).can_see(owner_unit_id):
        raise denied(work.actor, action or work.action, _("“{w}”属于其他单位", w=what))
