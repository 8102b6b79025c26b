# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Navigation pages. Every module here defining ``PAGE = PageSpec(...)`` is a sidebar entry.

A page is built lazily the first time it is shown, and ``refresh()`` (if it has
one) runs every time it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from base.plugins import discover
from core.models import Role
from gui.context import AppContext


@dataclass(frozen=True, slots=True)
class PageSpec:
    key: str
    label: str                 # marked with N_()
    icon: str                  # resources/icons/<icon>.svg
    order: int
    role: Role                 # lowest role that sees the page
    factory: Callable[[AppContext], QWidget]


def pages_for(ctx: AppContext) -> list[PageSpec]:
    found = [spec for _m, spec in discover(__name__, "PAGE", kind=PageSpec)]
    rank = {Role.OFFICER: 0, Role.SECRETARY: 1, Role.ADMIN: 2}
    mine = rank[Role(ctx.user.role)]
    return sorted((p for p in found if rank[p.role] <= mine), key=lambda p: p.order)
