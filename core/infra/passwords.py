# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Password hashing with Argon2id (argon2-cffi defaults: ~0.2 s per hash on station PCs), random
initial passwords, and a dummy hash so an unknown badge costs the same verification as a known one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import cache
from typing import TYPE_CHECKING

from base.errors import InvalidInput
from base.i18n import _
from base.progress import CancelToken, ProgressSink, no_progress

if TYPE_CHECKING:
    from argon2 import PasswordHasher  # imported when first needed: argon2 loads a C library

MIN_PASSWORD_LENGTH = 6
# Initial passwords are read off a paper slip: no 0/O, 1/l/I look-alikes.
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
INITIAL_PASSWORD_LENGTH = 8


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher().hash(password)


def rehash(password: str) -> str:
    """A fresh hash of a password that just verified (new parameters; no policy check: it is in use)."""
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash of a random secret, made once per process with the same parameters as real ones."""
    return _hasher().hash(secrets.token_urlsafe(24))


def prepare_dummy() -> None:
    """Make the dummy hash now (the first login of a process pays for it, whatever the badge)."""
    _dummy_hash()


def verify_dummy(password: str) -> bool:
    """The work of verifying a password for an unknown, locked or refused account; always False."""
    verify_password(_dummy_hash(), password)
    return False


def random_password(length: int = INITIAL_PASSWORD_LENGTH) -> str:
    """A random password that reads unambiguously on paper (``secrets``: a CSPRNG)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(length))


def needs_rehash(stored_hash: str) -> bool:
    return bool(_hasher().check_needs_rehash(stored_hash))


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_("密码至少需要{n}个字符", n=MIN_PASSWORD_LENGTH))


HASH_THREADS = 4


def hash_many(passwords: Sequence[str], *, progress: ProgressSink = no_progress, cancel: CancelToken | None = None,
              label: str = "") -> list[str]:
    """:func:`hash_password` of each of ``passwords``, in order, on a few threads (Argon2 releases
    the GIL), reporting progress and stopping at a cancel."""
    hashes: list[str] = [""] * len(passwords)
    if not passwords:
        return hashes
    progress(0, len(passwords), label)
    workers = max(1, min(HASH_THREADS, os.cpu_count() or 1, len(passwords)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="studyhall-hash") as pool:
        futures = {pool.submit(hash_password, pw): i for i, pw in enumerate(passwords)}
        try:
            for done, fut in enumerate(as_completed(futures), start=1):
                hashes[futures[fut]] = fut.result()
                progress(done, len(passwords), label)
                if cancel is not None:
                    cancel.check()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    return hashes

