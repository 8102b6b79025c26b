# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Located problems: what a reader (question bank, roster, study material, backup) could not take.

Every import collects :class:`Problem` objects that name the file, sheet, row or line and the
field, in the UI language, instead of raising on the first one; a report that stored nothing
because of errors is a :class:`StoreOutcome` that ``refused``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from base.i18n import _


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something an importer could not take as it is, located in the source file.

    ``row`` is the spreadsheet row as the spreadsheet shows it (1-based); ``line``
    is the text line (1-based). ``field`` is a user-facing field name (题干, 答案…).
    ``message`` is already in the UI language.
    """

    file: str
    message: str
    severity: Severity = Severity.ERROR
    sheet: str | None = None
    row: int | None = None
    line: int | None = None
    field: str | None = None
    # A stable machine-readable kind for problems the GUI acts on (e.g. NO_HEADER).
    code: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(_("工作表“{sheet}”", sheet=self.sheet))
        if self.row is not None:
            parts.append(_("第{n}行", n=self.row))
        elif self.line is not None:
            parts.append(_("第{n}行", n=self.line))
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where} {self.field}：{self.message}" if self.field else f"{where} {self.message}"

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["severity"] = str(self.severity)
        return d


class StoreOutcome:
    """Shared by import reports: ``problems`` plus whether the import was stored or a dry run."""

    __slots__ = ()
    problems: list[Problem]
    stored: bool
    dry_run: bool

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def refused(self) -> bool:
        """True when errors stopped an all-or-nothing import."""
        return not self.stored and not self.dry_run and bool(self.errors)
