# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""One exception tree whose messages are user-facing (in the UI language).

The GUI shows any :class:`StudyHallError` as a plain dialog; the CLI prints it
and exits 1. Anything else is a bug and goes to the global error dialog.
"""

from __future__ import annotations


class StudyHallError(Exception):
    """Base of every error whose message a user may read."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(StudyHallError):
    """The user gave something we cannot use (bad file, bad field value)."""


class FormatError(InvalidInput):
    """A file cannot be read or written in the format asked for; the message names the file and place.

    Format modules (``quizbank.formats``) raise this, never a bare ``ValueError``, for anything a
    person should read.
    """


class NotFound(StudyHallError):
    """A named thing (officer, quiz, certificate…) does not exist."""


class PermissionDenied(StudyHallError):
    """The current user's role may not do this."""

    action: str | None = None   # the refused core.access Action (a StrEnum), set by core.access.denied()


class AuthenticationFailed(StudyHallError):
    """Badge number or password is wrong, or the account is disabled."""


class DatabaseError(StudyHallError):
    """The database cannot be opened, upgraded or written."""
