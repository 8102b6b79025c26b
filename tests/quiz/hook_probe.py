# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A hook listener for tests: remembers the attempts it was told about."""

from __future__ import annotations

from typing import Any

CALLS: list[Any] = []


def remember(session: Any, *, attempt_id: Any, clock: Any) -> None:
    CALLS.append(attempt_id)
