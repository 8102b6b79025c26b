# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Domain events, so one capability reacts to another without importing it everywhere.

``fire("attempt_did_submit", session, attempt_id=...)`` calls every listener named
below, in order, inside the caller's transaction. Listeners are dotted paths
(``module:function``) imported on first use, which keeps start-up light.

Events and their keyword arguments:

* ``attempt_did_submit``  attempt_id (uuid.UUID), clock — after grading. An attempt with 简答 still
  to grade has status ``pending_manual`` and no ``passed`` yet: listeners act only on ``submitted``
  attempts, and ``attempt_did_grade`` fires again once the secretary has graded it.
* ``attempt_did_grade``   attempt_id, clock — after a manual grade changed the total
* ``material_did_finish`` officer_id, material_id, clock
* ``practice_did_answer`` officer_id, question_id, correct (bool), clock
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy.orm import Session

LISTENERS: dict[str, list[str]] = {
    "attempt_did_submit": ["core.points.ledger:on_attempt_submit", "core.quiz.regrade:on_attempt_submitted",
                           "core.certificates.issue:on_attempt_submitted"],
    "attempt_did_grade": ["core.points.ledger:on_attempt_submit", "core.quiz.regrade:on_attempt_submitted",
                          "core.certificates.issue:on_attempt_submitted"],
    "material_did_finish": ["core.points.ledger:on_material_finish", "core.orglife.sessions:on_material_finish"],
    "practice_did_answer": ["core.points.ledger:on_practice_answer"],
}


def fire(event: str, session: Session, **kwargs: Any) -> None:
    if event not in LISTENERS:
        raise KeyError(f"unknown event {event!r}")
    for path in LISTENERS[event]:
        module_name, func_name = path.split(":")
        getattr(importlib.import_module(module_name), func_name)(session, **kwargs)
