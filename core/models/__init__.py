# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from __future__ import annotations

from core.models.audit import AuditEntry, Secret, Setting
from core.models.bank import Bank, QuestionRow
from core.models.base import Base
from core.models.cert import Certificate, CertTemplate, SigningKey
from core.models.contest import ContestEvent, ContestRow
from core.models.exam_trust import Departure, PaperVersion, Regrade, RegradeChange
from core.models.exchange import Exchange, Installation
from core.models.org import Category, Officer, Role, Unit, UnitKind, UnitMembership
from core.models.orglife import (
    Attendance,
    BranchRating,
    OrgSession,
    RatingBand,
    RatingCriterion,
    Reflection,
    ReflectionTask,
    SessionAttachment,
    SessionKind,
)
from core.models.points import LedgerEntry, PointRule
from core.models.quiz import Attempt, AttemptItem, Quiz, QuizQuestion, QuizSection, WrongBookEntry
from core.models.reports import ReportMonth, ReportStale
from core.models.study import Material, MaterialProgress, StudySession

__all__ = [
    "Attempt", "AttemptItem", "Attendance", "AuditEntry", "Bank", "Base", "BranchRating", "Category", "CertTemplate",
    "Certificate", "ContestEvent", "ContestRow", "Departure", "Exchange", "Installation", "LedgerEntry", "Material",
    "MaterialProgress", "Officer", "OrgSession", "PaperVersion", "PointRule", "QuestionRow", "Quiz", "QuizQuestion",
    "QuizSection", "RatingBand", "RatingCriterion", "Reflection", "ReflectionTask", "Regrade", "RegradeChange", "ReportMonth",
    "ReportStale", "Role",
    "Secret", "SessionAttachment", "SessionKind", "Setting", "SigningKey", "StudySession", "Unit", "UnitKind",
    "UnitMembership", "WrongBookEntry",
]
