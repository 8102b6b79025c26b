# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Password hashing with Argon2id (argon2-cffi defaults: ~0.2 s per hash on station PCs)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from base.errors import InvalidInput
from base.i18n import _

if TYPE_CHECKING:
    from argon2 import PasswordHasher  # imported when first needed: argon2 loads a C library

MIN_PASSWORD_LENGTH = 6


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return bool(_hasher().check_needs_rehash(stored_hash))


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_("密码至少需要{n}个字符", n=MIN_PASSWORD_LENGTH))
