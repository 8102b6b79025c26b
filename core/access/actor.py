# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The acting user of a use case: who (id, badge, name), in which role, from which unit."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asked for the work. ``ANONYMOUS`` is nobody logged in (the login screen, ``cert verify``,
    setting up an empty database); every other actor is a logged-in account."""

    user_id: int | None
    role: Role | None
    unit_id: int | None
    badge: str = ""
    name: str = ""

    @classmethod
    def user(cls, user_id: int, role: str | Role, unit_id: int, *, badge: str = "", name: str = "") -> Actor:
        return cls(user_id, Role(role), unit_id, badge, name)

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    @property
    def id(self) -> int:
        """The account id of a logged-in actor (use cases that need one are closed to ANONYMOUS)."""
        if self.user_id is None:
            raise RuntimeError("an anonymous actor has no account id")
        return self.user_id

    def __str__(self) -> str:
        return f"{self.name}（{self.badge}）" if self.user_id is not None else "—"


ANONYMOUS = Actor(None, None, None)
