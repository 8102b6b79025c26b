# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from __future__ import annotations

from core.models.audit import AuditEntry, Secret, Setting
from core.models.bank import Bank, QuestionRow
from core.models.base import Base
from core.models.cert import Certificate, CertTemplate, SigningKey
from core.models.exam_trust import Departure, PaperVersion, Regrade, RegradeChange
from core.models.org import Category, Officer, Role, Unit, UnitKind, UnitMembership
from core.models.points import LedgerEntry, PointRule
from core.models.quiz import Attempt, AttemptItem, Quiz, QuizQuestion, QuizSection, WrongBookEntry
from core.models.study import Material, MaterialProgress, StudySession

__all__ = [
    "Attempt", "AttemptItem", "AuditEntry", "Bank", "Base", "Category", "CertTemplate", "Certificate",
    "Departure", "LedgerEntry", "Material", "MaterialProgress", "Officer", "PaperVersion", "PointRule", "QuestionRow", "Quiz",
    "QuizQuestion", "QuizSection", "Regrade", "RegradeChange", "Role", "Secret", "Setting", "SigningKey",
    "StudySession", "Unit", "UnitKind", "UnitMembership", "WrongBookEntry",
]
